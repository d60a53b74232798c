/* req.h: one HTTP request, parsed with bounds
 *
 * A struct req lives for the whole process and is reused by every turn of
 * the accept loop; everything a request allocates comes from r->arena (or
 * is its view model, r->model and r->errs) and is gone when req_cleanup
 * runs.  Strings from the server (FCGX_GetParam)
 * are only valid until the next accept, so nothing here keeps them longer.
 *
 * req_parse enforces the limits: a body over cfg.max_body is 413; a
 * missing, negative, non-numeric or mismatched CONTENT_LENGTH is 400; a
 * parameter or cookie that is not UTF-8, or holds control characters, is
 * 400; a body that is neither urlencoded nor JSON is 415.
 */
#ifndef OM_REQ_H
#define OM_REQ_H

#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/log.h"

#define REQ_MAX_PARAMS	256
#define REQ_MAX_NAME	64
#define REQ_MAX_COOKIES	50
#define REQ_MAX_SEGS	4

/* How a request reaches us: FastCGI, plain CGI, or a unit test. */
struct req_io {
	const char *(*getenv)(void *ctx, const char *name);
	int (*read)(void *ctx, char *buf, int n);	/* 0 at the end, <0 error */
	int (*write)(void *ctx, const char *buf, int n);
	void *ctx;
};

struct kv {
	const char *name;
	const char *value;
	size_t len;
};

struct session;

struct req {
	struct arena arena;
	const struct req_io *io;
	int64_t t0;

	/* parsed by req_parse */
	const char *id;		/* request id: nginx's, or made up */
	const char *method;
	const char *path;	/* the logical path, e.g. "/orders/2026..." */
	const char *query;
	const char *remote_addr;
	int https;
	int head;		/* HEAD: answer without a body */
	int json;		/* the client asked for JSON */
	struct kv *args;	/* query string */
	size_t nargs;
	struct kv *form;	/* urlencoded body */
	size_t nform;
	struct kv *cookies;
	size_t ncookies;
	const char *body;	/* the raw body, NUL-terminated */
	size_t body_len;
	const char *ctype;	/* CONTENT_TYPE */
	const char *err;	/* why req_parse refused the request */

	/* set by the dispatcher */
	const char *seg[REQ_MAX_SEGS];	/* path segments matched by '*' */
	size_t nseg;
	struct session *sess;	/* the signed-in agent, or NULL */
	const char *csrf;	/* the token forms must carry */

	/* The page's view model and its field messages: the request owns
	 * them and req_cleanup frees them, so no page frees on an error
	 * path (ui/page.h makes them; resp.c adopts what it renders). */
	json_object *model;
	json_object *errs;

	/* the response, built by resp.c */
	int status;
	int done;		/* a response has been made */
	const char *content_type;
	struct buf head_buf;	/* extra header lines */
	struct buf body_buf;
};

/* req_init: once, before the first request. */
void req_init(struct req *r);
/* req_parse: read the request from io; 0, or an HTTP status (400, 413,
 * 415) with r->err set. */
int req_parse(struct req *r, const struct req_io *io, size_t max_body);
/* req_cleanup: release everything the request took. */
void req_cleanup(struct req *r);

/* req_env: a server variable (CGI meta-variable), or NULL. */
const char *req_env(struct req *r, const char *name);
/* req_get: the first value of a parameter, from the body for POST, then
 * the query string; NULL when absent. */
const char *req_get(struct req *r, const char *name);

enum { REQ_OK = 0, REQ_MISSING = 1, REQ_BAD = -1 };
/* req_str: a parameter of at most maxchars characters, trimmed of
 * surrounding white space; REQ_MISSING when absent or empty. */
int req_str(struct req *r, const char *name, size_t maxchars, const char **out);
/* req_int: a decimal integer in [min, max]; REQ_BAD on junk or overflow. */
int req_int(struct req *r, const char *name, long long min, long long max,
    long long *out);
/* req_all: every value of a repeatable parameter, up to max of them;
 * returns how many, or -1 when there are more than max. */
int req_all(struct req *r, const char *name, const char **out, size_t max);
/* req_cookie: a cookie's value, or NULL. */
const char *req_cookie(struct req *r, const char *name);

/* url_decode: decode %XX and '+' in s[0..n) into the arena; NULL when an
 * escape is malformed.  *outlen gets the decoded length. */
char *url_decode(struct arena *a, const char *s, size_t n, size_t *outlen);
/* parse_urlencoded: split a=b&c=d into kv pairs; 0, or -1 with *why. */
int parse_urlencoded(struct arena *a, const char *s, size_t n,
    struct kv **out, size_t *count, const char **why);

#define rlog(r, lvl, ev, ...) log_ev((lvl), (r)->id, (ev), __VA_ARGS__)

#endif
