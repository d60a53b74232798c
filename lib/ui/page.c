/* page.c: a page's life — its model, its answer, its errors (see page.h) */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/cfg.h"
#include "core/db.h"
#include "core/model.h"
#include "core/resp.h"
#include "core/url.h"
#include "core/util.h"
#include "ui/auth.h"
#include "ui/page.h"

json_object *
page_model(struct req *r, const char *title, const char *nav)
{
	json_object *m = m_obj();

	if (r->model)
		json_object_put(r->model);
	r->model = m;
	m_str(m, "title", title);
	if (nav)
		m_str(m, "nav", nav);
	return m;
}

json_object *
page_errs(struct req *r)
{
	if (r->errs == NULL)
		r->errs = m_obj();
	return r->errs;
}

int
page_erred(struct req *r)
{
	return r->errs && json_object_object_length(r->errs) > 0;
}

/* frame: the layout's own model: title, the signed-in agent, the
 * navigation and the replica's staleness. */
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
		m_bool(f, "can_admin", auth_can(r, PERM_ADMIN));
		m_str(f, "u_calls", url_for(&r->arena, "/calls"));
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
		else if (strcmp(nav, "admin") == 0)
			m_bool(v, "admin", 1);
		else if (strcmp(nav, "actions") == 0)
			m_bool(v, "actions", 1);
		else if (strcmp(nav, "calls") == 0)
			m_bool(v, "calls", 1);
	}
	return f;
}

void
page_show(struct req *r, int status, const char *tpl)
{
	json_object *m = r->model ? r->model : page_model(r, "", NULL);

	if (r->json)
		resp_json(r, status, m);
	else
		resp_html(r, status, tpl, frame(r, m), m);
}

/* error_page: the error model in place of the page's. */
static void
error_page(struct req *r, int status, const char *title, const char *msg,
    json_object *fields)
{
	json_object *m = page_model(r, title, NULL), *e;

	if (r->json) {
		e = m_add(m, "error", m_obj());
		m_int(e, "status", status);
		m_str(e, "title", title);
		m_str(e, "message", msg);
		m_str(e, "request_id", r->id);
		if (fields)
			m_add(e, "fields", json_object_get(fields));
	} else {
		m_int(m, "status", status);
		m_str(m, "message", msg);
		m_str(m, "request_id", r->id);
		m_bool(m, "signed_in", r->sess != NULL);
	}
	page_show(r, status, "error");
}

void
page_error(struct req *r, int status, const char *title, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (status == 503)
		resp_header(r, "Retry-After", "%lld", cfg.retry_after);
	error_page(r, status, title, msg, NULL);
}

void
page_db_error(struct req *r, int rc)
{
	if (rc == DB_DOWN)
		page_error(r, 503, "数据库暂时不可用", "数据库暂时无法访问，请稍后重试。");
	else if (rc == DB_RETRY || rc == DB_DUP)
		page_error(r, 409, "操作冲突", "数据已被其他操作修改，请刷新后重试。");
	else
		page_error(r, 500, "内部错误", "服务器内部错误，请稍后重试。");
}

void
page_refused(struct req *r, int rc)
{
	int status;

	switch (rc) {
	case CASE_MISSING: case AGENT_MISSING: case ROLE_MISSING:
	case SESSION_MISSING: case TOKEN_MISSING: case SILENCE_MISSING:
	case RULE_MISSING: case OUTBOX_MISSING: case CHANNEL_MISSING:
		status = 404;
		break;
	case NOT_A_PERSON: case AGENT_SELF: case CASE_TAKEN: case SELF_APPROVAL:
		status = 403;
		break;
	case KEY_REUSED:
		status = 422;
		break;
	default:
		if (rc <= 0) {
			page_db_error(r, rc);
			return;
		}
		status = 409;
	}
	page_error(r, status, "操作未完成", "%s", dom_why(rc));
}

void
page_bad_input(struct req *r, const char *tpl)
{
	json_object *errs = page_errs(r), *m = r->model;

	if (r->json || m == NULL) {
		error_page(r, 400, "输入有误", "有些字段填写得不对。", errs);
		return;
	}
	/* templates see each message as err_<field>.message */
	json_object_object_foreach(errs, field, msg) {
		char key[80];
		json_object *e = m_obj();

		snprintf(key, sizeof(key), "err_%s", field);
		m_str(e, "message", json_object_get_string(msg));
		json_object_object_add(m, key, e);
	}
	m_add(m, "errors", json_object_get(errs));
	page_show(r, 400, tpl);
}

void
page_done(struct req *r, const char *what, const char *location)
{
	json_object *m;

	if (r->json) {
		m = page_model(r, what, NULL);
		m_bool(m, "ok", 1);
		m_str(m, "done", what);
		m_str(m, "location", location);
		resp_json(r, 200, m);
	} else
		resp_redirect(r, location);
}

long long
page_id(struct req *r, int i)
{
	long long id;
	const char *s = i < (int)r->nseg ? r->seg[i] : "";
	size_t n = strlen(s);

	if (n == 0 || n > 15 || strspn(s, "0123456789") != n ||
	    parse_i64(s, n, &id) < 0 || id <= 0)
		return 0;
	return id;
}

void
page_admin_nav(struct req *r, json_object *model, const char *current)
{
	static const struct {
		const char *key, *label, *path;
		long perm;
	} pages[] = {
		{ "agents", "客服账号", "/admin/agents", PERM_ADMIN },
		{ "roles", "角色与权限", "/admin/roles", PERM_ADMIN },
		{ "tokens", "API 令牌", "/admin/tokens", PERM_ADMIN },
		{ "rules", "异常规则", "/admin/rules", PERM_MANAGE_RULES },
		{ "notifications", "通知频道", "/admin/notifications", PERM_MANAGE_AUTOMATION },
		{ "automation", "自动处理", "/admin/automation", PERM_MANAGE_AUTOMATION },
		{ "scripts", "外呼话术", "/admin/scripts", PERM_MANAGE_AUTOMATION },
		{ "dnc", "免打扰名单", "/admin/dnc", PERM_MANAGE_AUTOMATION },
		{ "audit", "审计日志", "/admin/audit", PERM_ADMIN },
	};
	json_object *arr;
	size_t i;

	arr = m_add(model, "subnav", m_arr());
	for (i = 0; i < NELEM(pages); i++)
		if (auth_can(r, pages[i].perm)) {
			json_object *e = m_push(arr, m_obj());

			m_str(e, "label", pages[i].label);
			m_str(e, "url", url_for(&r->arena, pages[i].path));
			m_bool(e, "current", strcmp(pages[i].key, current) == 0);
		}
}
