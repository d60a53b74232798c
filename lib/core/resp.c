/* resp.c: the response (see resp.h)
 *
 * The whole response is built in memory and written with two writes to
 * the server, headers then body; FastCGI streams buffer them into few
 * records.  The exception is a streamed body (resp_stream_begin, for large
 * exports): its headers go out first, then the body in 64 KiB pieces as
 * the page makes it, so memory stays bounded.  Nothing else in ordermend
 * writes to the client (make lint).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/cfg.h"
#include "core/model.h"
#include "core/resp.h"
#include "core/tmpl.h"
#include "core/url.h"
#include "core/util.h"

static const struct req *streaming;	/* the request whose headers are out */

#define STREAM_CHUNK (64 * 1024)

static const char security_headers[] =
	"Content-Security-Policy: default-src 'self'; script-src 'self'; "
	"style-src 'self'; img-src 'self' data:; object-src 'none'; "
	"base-uri 'none'; form-action 'self'; frame-ancestors 'none'\r\n"
	"X-Content-Type-Options: nosniff\r\n"
	"Referrer-Policy: same-origin\r\n"
	"X-Frame-Options: DENY\r\n"
	"Cross-Origin-Opener-Policy: same-origin\r\n"
	"Cache-Control: no-store\r\n";

void
resp_init(void)
{
	struct arena a;

	arena_init(&a, 1024);
	tmpl_global("static", cfg.static_url);
	tmpl_global("u_search", url_for(&a, "/search"));
	tmpl_global("u_queue", url_for(&a, "/queue"));
	tmpl_global("u_actions", url_for(&a, "/actions"));
	tmpl_global("u_approvals", url_for(&a, "/approvals"));
	tmpl_global("u_login", url_for(&a, "/login"));
	tmpl_global("u_logout", url_for(&a, "/logout"));
	tmpl_global("u_admin", url_for(&a, "/admin"));
	tmpl_global("u_account", url_for(&a, "/account"));
	arena_cleanup(&a);
}

static const char *
reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 202: return "Accepted";
	case 204: return "No Content";
	case 303: return "See Other";
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 413: return "Content Too Large";
	case 414: return "URI Too Long";
	case 415: return "Unsupported Media Type";
	case 422: return "Unprocessable Content";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 503: return "Service Unavailable";
	}
	return "Unknown";
}

void
resp_header(struct req *r, const char *name, const char *fmt, ...)
{
	va_list ap;
	size_t start = r->head_buf.len, i;

	buf_printf(&r->head_buf, "%s: ", name);
	va_start(ap, fmt);
	buf_vprintf(&r->head_buf, fmt, ap);
	va_end(ap);
	/* A header value can never start another header. */
	for (i = start; i < r->head_buf.len; i++)
		if (r->head_buf.p[i] == '\r' || r->head_buf.p[i] == '\n')
			r->head_buf.p[i] = ' ';
	buf_add(&r->head_buf, "\r\n", 2);
}

void
resp_cookie(struct req *r, const char *name, const char *value,
    long long max_age)
{
	int secure = cfg.cookie_secure == SECURE_ALWAYS ||
	    (cfg.cookie_secure == SECURE_AUTO && r->https);
	char age[48] = "";

	if (max_age >= 0)
		snprintf(age, sizeof(age), "; Max-Age=%lld", max_age);
	resp_header(r, "Set-Cookie", "%s=%s; Path=/; HttpOnly; SameSite=Lax%s%s",
	    name, value, age, secure ? "; Secure" : "");
}

static void
set_body(struct req *r, int status, const char *ctype)
{
	r->status = status;
	r->content_type = ctype;
	r->done = 1;
}

/* adopt: the request takes the model over, as the one it frees (the one
 * it held before, if another, goes now). */
static void
adopt(struct req *r, json_object *model)
{
	if (r->model && r->model != model)
		json_object_put(r->model);
	r->model = model;
}

void
resp_json(struct req *r, int status, json_object *model)
{
	size_t len;
	const char *s = json_object_to_json_string_length(model,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);

	buf_reset(&r->body_buf, SIZE_MAX);
	buf_add(&r->body_buf, s, len);
	buf_putc(&r->body_buf, '\n');
	adopt(r, model);
	set_body(r, status, "application/json");
}

void
resp_html(struct req *r, int status, const char *tpl, json_object *frame,
    json_object *model)
{
	json_object *g = m_obj();
	int rc;

	adopt(r, model);
	m_str(g, "csrf", r->csrf ? r->csrf : "");
	m_str(g, "request_id", r->id);
	buf_reset(&r->body_buf, SIZE_MAX);
	rc = tmpl_expand(&r->body_buf, "layout", tpl, frame, model, g);
	json_object_put(frame);
	json_object_put(g);
	if (rc < 0) {
		rlog(r, LOG_ERROR, "template_failed", "template=%s", tpl);
		/* the error page itself is a template: keep this one plain */
		buf_reset(&r->body_buf, SIZE_MAX);
		buf_printf(&r->body_buf, "<!doctype html><title>500</title>"
		    "<p>内部错误。请求编号 %s</p>\n", r->id);
		set_body(r, 500, "text/html; charset=utf-8");
		return;
	}
	set_body(r, status, "text/html; charset=utf-8");
}

/* What resp_raw and a stream may send: never HTML, which only comes from
 * templates with every value escaped. */
static const char *const raw_types[] = {
	[RESP_TEXT] = "text/plain; charset=utf-8",
	[RESP_CSV] = "text/csv; charset=utf-8",
	[RESP_METRICS] = "text/plain; version=0.0.4; charset=utf-8",
};

void
resp_raw(struct req *r, int status, enum resp_type type, const char *data,
    size_t len)
{
	buf_reset(&r->body_buf, SIZE_MAX);
	buf_add(&r->body_buf, data, len);
	set_body(r, status, raw_types[type]);
}

void
resp_attachment(struct req *r, const char *filename)
{
	size_t n = strlen(filename);

	if (n == 0 || n > 100 || strspn(filename, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_") != n)
		filename = "download";
	resp_header(r, "Content-Disposition", "attachment; filename=\"%s\"", filename);
}

/* head: the status line and headers; len < 0 when the body is streamed. */
static void
head(struct req *r, struct buf *h, long long len)
{
	buf_printf(h, "Status: %d %s\r\nContent-Type: %s\r\n", r->status,
	    reason(r->status), r->content_type);
	if (len >= 0)
		buf_printf(h, "Content-Length: %lld\r\n", len);
	buf_printf(h, "X-Request-Id: %s\r\n%s", r->id ? r->id : "-", security_headers);
	if (r->https)
		buf_puts(h, "Strict-Transport-Security: max-age=31536000\r\n");
	if (r->head_buf.len)
		buf_add(h, r->head_buf.p, r->head_buf.len);
	buf_add(h, "\r\n", 2);
}

void
resp_stream_begin(struct req *r, int status, enum resp_type type)
{
	struct buf h = { 0 };

	buf_reset(&r->body_buf, SIZE_MAX);
	set_body(r, status, raw_types[type]);
	head(r, &h, -1);
	r->io->write(r->io->ctx, h.p, (int)h.len);
	buf_free(&h);
	streaming = r;
}

int
resp_stream_flush(struct req *r, int force)
{
	int rc = 0;

	if (streaming != r || (!force && r->body_buf.len < STREAM_CHUNK))
		return 0;
	if (!r->head && r->body_buf.len &&
	    r->io->write(r->io->ctx, r->body_buf.p, (int)r->body_buf.len) < 0)
		rc = -1;
	buf_reset(&r->body_buf, SIZE_MAX);
	return rc;
}

void
resp_redirect(struct req *r, const char *location)
{
	json_object *m = m_obj();

	resp_header(r, "Location", "%s", location);
	m_str(m, "location", location);
	if (r->json)
		resp_json(r, 303, m);
	else {
		json_object_put(m);
		resp_raw(r, 303, RESP_TEXT, "See Other\n", 10);
	}
}

void
resp_send(struct req *r)
{
	struct buf h = { 0 };

	if (streaming == r) {
		resp_stream_flush(r, 1);
		streaming = NULL;
		return;
	}
	if (!r->done)	/* the accept loop answers for a page that did not */
		resp_raw(r, 500, RESP_TEXT, "internal error\n", 15);
	head(r, &h, (long long)r->body_buf.len);
	r->io->write(r->io->ctx, h.p, (int)h.len);
	if (!r->head && r->body_buf.len)
		r->io->write(r->io->ctx, r->body_buf.p, (int)r->body_buf.len);
	buf_free(&h);
}
