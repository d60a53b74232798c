/* notifications.c: the team's chat channels — where the console says what
 * needs people
 *
 * GET  /admin/notifications            (manage_automation) the channels, a form
 *      for a new one, and the latest messages with where each stands
 * POST /admin/notifications            (manage_automation) a new channel
 * POST /admin/notifications/{id}       (manage_automation) change it
 *      name      1..64 characters
 *      kind      wecom, dingtalk or slack
 *      url       the webhook: http(s)://..., at most 500 characters; on a
 *                change, empty keeps the one saved
 *      secret    DingTalk's signing secret (at most 128); on a change, empty
 *                keeps the one saved
 *      event     repeatable: incident sla dead approval (at least one)
 *      enabled   1, or absent for off
 * POST /admin/notifications/{id}/delete  (manage_automation)
 * POST /admin/notifications/{id}/test    (manage_automation) send a test message
 *
 * The channels are lib/domain/notify.c's (audited there, the secret and the
 * webhook's address never); the messages go through the outbox.
 */
#include <string.h>

#include "core/db.h"
#include "core/model.h"
#include "core/text.h"
#include "core/url.h"
#include "core/util.h"
#include "domain/notify.h"
#include "domain/outbox.h"
#include "ui/auth.h"
#include "ui/page.h"
#include "ui/views.h"
#include "admin.h"

static struct db_stmt q_channels = DB_STMT(DB_CONSOLE,
	"SELECT id, name, kind, url, secret <> '', events, enabled,"
	" DATE_FORMAT(updated_at, '%Y-%m-%d %H:%i') FROM notify_channels ORDER BY id");
static struct db_stmt q_sent = DB_STMT(DB_CONSOLE,
	"SELECT DATE_FORMAT(created_at, '%Y-%m-%d %H:%i'), summary, state, attempts,"
	" COALESCE(last_error, ''), path FROM outbox FORCE INDEX (ix_outbox_due)"
	" WHERE state IN ('queued', 'sending', 'sent', 'effective', 'failed', 'dead')"
	" AND kind = 'notify' ORDER BY id DESC LIMIT 30");

/* host: a webhook's scheme and host, what the page shows of it (the rest
 * carries its token). */
static const char *
host(struct arena *a, const char *url)
{
	const char *p = strstr(url, "://"), *end;

	if (p == NULL)
		return "";
	end = strchr(p + 3, '/');
	return end ? arena_strndup(a, url, (size_t)(end - url)) : url;
}

/* events_model: each event as a checkbox, ticked when in `on`. */
static json_object *
events_model(const char *on)
{
	json_object *arr = m_arr(), *e;
	const struct label *l;

	for (l = notify_events; l->code; l++) {
		e = m_push(arr, m_obj());
		m_str(e, "code", l->code);
		m_str(e, "label", l->label);
		m_bool(e, "checked", on && str_in_list(on, l->code));
	}
	return arr;
}

static void
show(struct req *r, int status)
{
	struct arena *a = &r->arena;
	json_object *m = page_model(r, "通知频道", "admin"), *arr, *e, *f;
	struct db_res res;
	int rc;

	page_admin_nav(r, m, "notifications");
	if ((rc = db_exec(a, &q_channels, &res, 0, NULL)) != DB_OK) {
		page_db_error(r, rc);
		return;
	}
	arr = m_add(m, "channels", m_arr());
	while ((rc = db_next(&res)) > 0) {
		long long id = db_int(&res, 0);
		struct buf ev = { 0 };
		const struct label *l;

		e = m_push(arr, m_obj());
		m_int(e, "id", id);
		m_str(e, "name", db_str(&res, 1));
		m_str(e, "kind", db_str(&res, 2));
		m_str(e, "kind_label", label_of(notify_kinds, db_str(&res, 2))->label);
		m_str(e, "host", host(a, db_str(&res, 3)));
		m_bool(e, "signed", db_int(&res, 4) == 1);
		for (l = notify_events; l->code; l++)
			if (str_in_list(db_str(&res, 5), l->code))
				buf_printf(&ev, "%s%s", ev.len ? "、" : "", l->label);
		m_str(e, "events_label", ev.p ? ev.p : "");
		buf_free(&ev);
		m_add(e, "events", events_model(db_str(&res, 5)));
		m_options(e, "kinds", notify_kinds, db_str(&res, 2));
		m_bool(e, "enabled", db_int(&res, 6) == 1);
		m_bool(e, "disabled", db_int(&res, 6) != 1);
		m_str(e, "updated_at", db_str(&res, 7));
		m_str(e, "url", url_for(a, "/admin/notifications/%lld", id));
	}
	m_bool(m, "no_channels", json_object_array_length(arr) == 0);
	if (rc < 0 || (rc = db_done(&res)) != DB_OK ||
	    (rc = db_exec(a, &q_sent, &res, 0, NULL)) != DB_OK) {
		page_db_error(r, rc);
		return;
	}
	arr = m_add(m, "messages", m_arr());
	while ((rc = db_next(&res)) > 0) {
		e = m_push(arr, m_obj());
		m_str(e, "at", db_str(&res, 0));
		m_str(e, "summary", db_str(&res, 1));
		m_label(e, "state", label_of(outbox_states, db_str(&res, 2)));
		m_int(e, "attempts", db_int(&res, 3));
		m_opt(e, "error", "has_error", *db_str(&res, 4) ? db_str(&res, 4) : NULL);
	}
	m_bool(m, "no_messages", json_object_array_length(arr) == 0);
	if (rc < 0 || (rc = db_done(&res)) != DB_OK) {
		page_db_error(r, rc);
		return;
	}
	/* the new channel's form, as typed */
	f = m_add(m, "new", m_obj());
	m_str(f, "name", req_get(r, "name") && !page_id(r, 0) ? req_get(r, "name") : "");
	m_str(f, "url_value", req_get(r, "url") && !page_id(r, 0) ? req_get(r, "url") : "");
	m_options(f, "kinds", notify_kinds, page_id(r, 0) ? NULL : req_get(r, "kind"));
	m_add(f, "events", events_model(page_id(r, 0) ? NULL : "incident sla dead approval"));
	m_str(m, "post", url_for(a, "/admin/notifications"));
	if (status == 400)
		page_bad_input(r, "admin_notifications");
	else
		page_show(r, status, "admin_notifications");
}

void
page_notifications(struct req *r)
{
	show(r, 200);
}

/* read: the form into c; messages into page_errs. */
static void
read(struct req *r, struct channel *c)
{
	json_object *errs = page_errs(r);
	const char *ev[8];
	struct buf b = { 0 };
	size_t n, i;
	int rc;

	if (req_str(r, "name", 64, &c->name) != REQ_OK)
		m_str(errs, "name", "请填写频道名称（最多 64 个字）。");
	c->kind = req_get(r, "kind");
	if (c->kind == NULL || !label_known(notify_kinds, c->kind))
		m_str(errs, "kind", "请选择企业微信、钉钉或 Slack 兼容。");
	rc = req_str(r, "url", 500, &c->url);
	if (rc == REQ_MISSING && c->id)
		c->url = NULL;		/* a change keeps the saved address */
	else if (rc != REQ_OK || (strncmp(c->url, "https://", 8) != 0 &&
	    strncmp(c->url, "http://", 7) != 0) || strpbrk(c->url, " \"'<>") != NULL)
		m_str(errs, "url", "请填写机器人的推送地址（http:// 或 https:// 开头）。");
	if (req_str(r, "secret", 128, &c->secret) == REQ_BAD)
		m_str(errs, "secret", "签名密钥最多 128 个字符。");
	n = (size_t)req_all(r, "event", ev, NELEM(ev));
	for (i = 0; i < n; i++)
		if (label_known(notify_events, ev[i]) && !(b.p && str_in_list(b.p, ev[i])))
			buf_printf(&b, "%s%s", b.len ? " " : "", ev[i]);
	if (b.len == 0)
		m_str(errs, "event", "请至少选择一种要通知的事。");
	c->events = arena_strdup(&r->arena, b.p ? b.p : "");
	buf_free(&b);
	c->enabled = req_get(r, "enabled") != NULL;
}

void
page_notification_save(struct req *r)
{
	struct channel c = { 0 }, old;
	long long id = 0;
	int rc;

	c.id = page_id(r, 0);
	if (r->nseg && c.id == 0) {
		page_error(r, 404, "没有这个通知频道", "%s", "频道编号不正确。");
		return;
	}
	read(r, &c);
	if (page_erred(r)) {
		show(r, 400);
		return;
	}
	if ((rc = db_begin(DB_CONSOLE)) == DB_OK) {
		/* an empty address or secret on a change keeps the saved one */
		if (c.id && (c.url == NULL || c.secret == NULL || *c.secret == '\0') &&
		    (rc = channel_get(&r->arena, c.id, &old)) == DOM_OK) {
			c.url = c.url ? c.url : old.url;
			c.secret = c.secret && *c.secret ? c.secret : old.secret;
		}
		if (c.secret == NULL)
			c.secret = "";
		if (rc == DOM_OK && (rc = channel_save(&r->arena, auth_actor(r), &c, &id)) == DOM_OK)
			rc = db_commit(DB_CONSOLE);
	}
	if (rc != DOM_OK) {
		db_rollback(DB_CONSOLE);
		page_refused(r, rc);
		return;
	}
	page_done(r, "已保存", url_for(&r->arena, "/admin/notifications"));
}

void
page_notification_delete(struct req *r)
{
	long long id = page_id(r, 0);
	int rc;

	if ((rc = db_begin(DB_CONSOLE)) == DB_OK &&
	    (rc = channel_delete(&r->arena, auth_actor(r), id)) == DOM_OK)
		rc = db_commit(DB_CONSOLE);
	if (rc != DOM_OK) {
		db_rollback(DB_CONSOLE);
		page_refused(r, rc);
		return;
	}
	page_done(r, "已删除", url_for(&r->arena, "/admin/notifications"));
}

void
page_notification_test(struct req *r)
{
	struct arena *a = &r->arena;
	long long id = page_id(r, 0), oid;
	const char *state;
	struct channel c;
	int rc;

	if ((rc = channel_get(a, id, &c)) == DOM_OK && (rc = db_begin(DB_CONSOLE)) == DOM_OK) {
		struct outbox_new n = {
			.key = outbox_key_new(a), .kind = "notify", .service = UP_CHAT,
			.path = arena_printf(a, "/%lld", id),
			.body = notify_message(a, c.kind, "ordermend 测试消息",
			    arena_printf(a, "%s 从管理页面发送了一条测试消息。", r->sess->name)),
			.summary = arena_printf(a, "通知：测试消息（%s）", c.name),
		};

		if ((rc = outbox_submit(a, auth_actor(r), &n, &oid, &state)) == DOM_OK)
			rc = db_commit(DB_CONSOLE);
	}
	if (rc != DOM_OK) {
		db_rollback(DB_CONSOLE);
		page_refused(r, rc);
		return;
	}
	page_done(r, "测试消息已提交", url_for(a, "/admin/notifications"));
}
