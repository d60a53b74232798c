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

#include <fcgiapp.h>

#include "auth.h"
#include "cfg.h"
#include "db.h"
#include "model.h"
#include "resp.h"
#include "tmpl.h"
#include "url.h"
#include "util.h"

static const char *prog_name = "ordermend";
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
resp_init(const char *program)
{
	struct arena a;

	prog_name = program;
	arena_init(&a, 1024);
	tmpl_global("static", cfg.static_url);
	tmpl_global("u_search", url_for(&a, "/search"));
	tmpl_global("u_queue", url_for(&a, "/queue"));
	tmpl_global("u_login", url_for(&a, "/login"));
	tmpl_global("u_logout", url_for(&a, "/logout"));
	tmpl_global("u_reports", url_for(&a, "/reports"));
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

void
resp_json(struct req *r, int status, json_object *model)
{
	size_t len;
	const char *s = json_object_to_json_string_length(model,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);

	buf_reset(&r->body_buf, SIZE_MAX);
	buf_add(&r->body_buf, s, len);
	buf_putc(&r->body_buf, '\n');
	json_object_put(model);
	set_body(r, status, "application/json");
}

/* The layout's own model: title, the signed-in agent, the navigation and
 * the replica's staleness. */
static json_object *
frame(struct req *r, json_object *model)
{
	json_object *f = m_obj(), *v;
	const char *nav;
	long long lag;

	m_str(f, "title", m_get(model, "title"));
	m_str(f, "request_id", r->id);
	if (r->sess) {
		json_object *a = m_add(f, "agent", m_obj());

		m_str(a, "login", r->sess->login);
		m_str(a, "name", r->sess->name);
		m_bool(f, "can_reports", auth_can(r, PERM_VIEW_REPORTS));
		m_bool(f, "can_admin", auth_can(r, PERM_ADMIN));
		if (db_replica_lag(&lag)) {
			if (lag < 0)
				m_bool(f, "replication_stopped", 1);
			else if (lag > cfg.replica_lag_warn) {
				v = m_add(f, "stale", m_obj());
				m_int(v, "seconds", lag);
				m_int(v, "minutes", (lag + 59) / 60);
			}
		}
	}
	if ((nav = m_get(model, "nav")) != NULL) {
		v = m_add(f, "nav", m_obj());
		if (strcmp(nav, "search") == 0)
			m_bool(v, "search", 1);
		else if (strcmp(nav, "queue") == 0)
			m_bool(v, "queue", 1);
		else if (strcmp(nav, "reports") == 0)
			m_bool(v, "reports", 1);
		else if (strcmp(nav, "admin") == 0)
			m_bool(v, "admin", 1);
	}
	return f;
}

void
resp_page(struct req *r, int status, const char *tpl, json_object *model)
{
	json_object *f, *g;

	if (r->json) {
		resp_json(r, status, model);
		return;
	}
	f = frame(r, model);
	g = m_obj();
	m_str(g, "csrf", r->csrf ? r->csrf : "");
	m_str(g, "request_id", r->id);
	buf_reset(&r->body_buf, SIZE_MAX);
	if (tmpl_expand(&r->body_buf, "layout", tpl, f, model, g) < 0) {
		rlog(r, LOG_ERROR, "template_failed", "template=%s", tpl);
		json_object_put(f);
		json_object_put(g);
		json_object_put(model);
		/* The error page itself is a template: keep it plain. */
		buf_reset(&r->body_buf, SIZE_MAX);
		buf_printf(&r->body_buf, "<!doctype html><title>500</title>"
		    "<p>Internal error. Request id %s</p>\n", r->id);
		set_body(r, 500, "text/html; charset=utf-8");
		return;
	}
	json_object_put(f);
	json_object_put(g);
	json_object_put(model);
	set_body(r, status, "text/html; charset=utf-8");
}

void
resp_raw(struct req *r, int status, const char *ctype, const char *data,
    size_t len)
{
	buf_reset(&r->body_buf, SIZE_MAX);
	buf_add(&r->body_buf, data, len);
	set_body(r, status, ctype);
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
resp_stream_begin(struct req *r, int status, const char *ctype)
{
	struct buf h = { 0 };

	buf_reset(&r->body_buf, SIZE_MAX);
	set_body(r, status, ctype);
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
		resp_raw(r, 303, "text/plain; charset=utf-8", "See Other\n", 10);
	}
}

static void
error_model(struct req *r, int status, const char *title, const char *msg,
    json_object *errors, json_object **out)
{
	json_object *m = m_obj(), *e;

	m_str(m, "title", title);
	if (r->json) {
		e = m_add(m, "error", m_obj());
		m_int(e, "status", status);
		m_str(e, "title", title);
		m_str(e, "message", msg);
		m_str(e, "request_id", r->id);
		if (errors)
			m_add(e, "fields", errors);
	} else {
		m_int(m, "status", status);
		m_str(m, "message", msg);
		m_str(m, "request_id", r->id);
		m_bool(m, "signed_in", r->sess != NULL);
		if (errors)
			json_object_put(errors);
	}
	*out = m;
}

void
page_error(struct req *r, int status, const char *title, const char *fmt, ...)
{
	json_object *m;
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (status == 503)
		resp_header(r, "Retry-After", "%lld", cfg.retry_after);
	error_model(r, status, title, msg, NULL, &m);
	resp_page(r, status, "error", m);
}

void
page_db_error(struct req *r, int rc)
{
	if (rc == DB_DOWN)
		page_error(r, 503, "数据库暂时不可用",
		    "数据库暂时无法访问，请稍后重试。The database is unavailable; "
		    "please retry shortly.");
	else if (rc == DB_RETRY || rc == DB_DUP)
		page_error(r, 409, "操作冲突",
		    "数据已被其他操作修改，请刷新后重试。The data changed meanwhile; "
		    "reload and retry.");
	else
		page_error(r, 500, "内部错误",
		    "服务器内部错误。An internal error occurred.");
}

void
page_bad_input(struct req *r, const char *tpl, json_object *model,
    json_object *errors)
{
	json_object *m;

	if (r->json) {
		error_model(r, 400, "输入有误", "Some fields are not valid.",
		    errors, &m);
		json_object_put(model);
		resp_json(r, 400, m);
		return;
	}
	/* templates see each message as err_<field>.message */
	json_object_object_foreach(errors, field, msg) {
		char key[80];
		json_object *e = m_obj();

		snprintf(key, sizeof(key), "err_%s", field);
		m_str(e, "message", json_object_get_string(msg));
		json_object_object_add(model, key, e);
	}
	m_add(model, "errors", errors);
	resp_page(r, 400, tpl, model);
}

void
resp_admin_nav(struct req *r, json_object *model, const char *current)
{
	static const struct {
		const char *key, *label, *path;
		long perm;
	} pages[] = {
		{ "agents", "客服账号", "/admin/agents", PERM_ADMIN },
		{ "roles", "角色与权限", "/admin/roles", PERM_ADMIN },
		{ "tokens", "API 令牌", "/admin/tokens", PERM_ADMIN },
		{ "rules", "异常规则", "/admin/rules", PERM_MANAGE_RULES },
		{ "audit", "审计日志", "/admin/audit", PERM_ADMIN },
	};
	json_object *arr;
	size_t i;

	m_str(model, "nav", "admin");
	arr = m_add(model, "subnav", m_arr());
	for (i = 0; i < NELEM(pages); i++)
		if (auth_can(r, pages[i].perm)) {
			json_object *e = m_push(arr, m_obj());

			m_str(e, "label", pages[i].label);
			m_str(e, "url", url_for(&r->arena, pages[i].path));
			m_bool(e, "current", strcmp(pages[i].key, current) == 0);
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
	if (!r->done)
		page_error(r, 500, "内部错误", "The page produced no answer.");
	head(r, &h, (long long)r->body_buf.len);
	r->io->write(r->io->ctx, h.p, (int)h.len);
	if (!r->head && r->body_buf.len)
		r->io->write(r->io->ctx, r->body_buf.p, (int)r->body_buf.len);
	buf_free(&h);
}
