/* resp.h: the response — the only code that writes to the client
 *
 * A handler sets a status and a body through these functions; the accept
 * loop sends it once the handler returns (resp_send), with the security
 * headers every response carries:
 *   Content-Security-Policy (no inline script, frame-ancestors 'none'),
 *   X-Content-Type-Options, Referrer-Policy, X-Frame-Options,
 *   Cross-Origin-Opener-Policy, Cache-Control: no-store (every dynamic
 *   page may hold personal data), X-Request-Id, and HSTS over https.
 *
 * resp_page renders one view model either as HTML (the layout with the
 * page's template inside) or as JSON, as the client asked (req.json), so
 * a script gets exactly what a person sees.
 */
#ifndef OM_RESP_H
#define OM_RESP_H

#include <json-c/json.h>

#include "req.h"

/* resp_init: once at start-up, after cfg and tmpl: values every page
 * uses, computed once. */
void resp_init(const char *program);
/* resp_header: one extra header line. */
void resp_header(struct req *r, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* resp_cookie: an HttpOnly, SameSite=Lax cookie on path "/", Secure when
 * the request came over https (or the config says so); max_age 0 deletes
 * it, -1 makes a session cookie. */
void resp_cookie(struct req *r, const char *name, const char *value,
    long long max_age);
/* resp_page: render model (taken over) with template tpl, or as JSON. */
void resp_page(struct req *r, int status, const char *tpl, json_object *model);
/* resp_json: model (taken over) as JSON, whatever the client asked. */
void resp_json(struct req *r, int status, json_object *model);
/* resp_raw: bytes of a given type (CSV exports, metrics). */
void resp_raw(struct req *r, int status, const char *ctype, const char *data,
    size_t len);
/* resp_attachment: a Content-Disposition header that makes the body a
 * download named filename (letters, digits, '.', '-' and '_' only). */
void resp_attachment(struct req *r, const char *filename);
/* Streamed bodies, for exports too large to hold in memory: after
 * resp_stream_begin the headers are out (no Content-Length, so the status
 * can no longer change); the page appends to r->body_buf and calls
 * resp_stream_flush now and then, which sends what is there once it is
 * large enough (always when force is set); resp_send sends the rest.
 * resp_stream_flush returns -1 when the client has gone away. */
void resp_stream_begin(struct req *r, int status, const char *ctype);
int resp_stream_flush(struct req *r, int force);
/* resp_redirect: 303 See Other to a local URL. */
void resp_redirect(struct req *r, const char *location);
/* page_error: the error page (or JSON error) with the request id; the
 * message is for the user and is escaped like any other value.  For 503,
 * a Retry-After header. */
void page_error(struct req *r, int status, const char *title,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* page_db_error: the answer to a failed db call: 503 when the database is
 * down or too slow, 409 on a conflicting write, 500 otherwise. */
void page_db_error(struct req *r, int rc);
/* page_bad_input: 400 with field messages (errors: field -> message);
 * model (taken over) is the page's own model, re-rendered with tpl so the
 * form keeps what was typed; the template shows each message as
 * {{#err_FIELD}}{{message}}{{/err_FIELD}}.  JSON clients get
 * {"error": {..., "fields": errors}}. */
void page_bad_input(struct req *r, const char *tpl, json_object *model,
    json_object *errors);
/* resp_admin_nav: mark model as an admin page ("nav": "admin") and add
 * "subnav", the admin pages this agent may open, current one marked. */
void resp_admin_nav(struct req *r, json_object *model, const char *current);
/* resp_send: write the response out; called once by the accept loop. */
void resp_send(struct req *r);

#endif
