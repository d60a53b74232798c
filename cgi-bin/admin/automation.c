/* automation.c: the automation rules — what each does by itself, today's
 * count against its caps, and the kill switch
 *
 * GET  /admin/automation               (manage_automation) the rules, their
 *      conditions, what each did today against its caps, the switch
 * POST /admin/automation/stop          (manage_automation) stop every rule at once
 * POST /admin/automation/resume        (manage_automation) let them work again
 *
 * One rule's page is automation_rule.c.  The switch is changed through
 * automation_stop (lib/domain/autorules.c), audited, in one transaction.
 */
#include <string.h>

#include "core/buf.h"
#include "core/db.h"
#include "core/model.h"
#include "core/text.h"
#include "core/url.h"
#include "core/util.h"
#include "domain/anomaly.h"
#include "domain/automation.h"
#include "ui/auth.h"
#include "ui/page.h"
#include "ui/views.h"
#include "admin.h"

const char *
automation_summary(struct arena *a, const struct automation_rule *r)
{
	struct buf b = { 0 };
	const char *out;

	buf_printf(&b, "%s", *r->kind ? anomaly_label(r->kind) : "任意异常");
	if (r->min_amount >= 0 && r->max_amount >= 0)
		buf_printf(&b, "，金额 ¥%s 至 ¥%s 以下", yuan(a, r->min_amount),
		    yuan(a, r->max_amount));
	else if (r->min_amount >= 0)
		buf_printf(&b, "，金额不低于 ¥%s", yuan(a, r->min_amount));
	else if (r->max_amount >= 0)
		buf_printf(&b, "，金额低于 ¥%s", yuan(a, r->max_amount));
	if (r->min_age > 0)
		buf_printf(&b, "，持续 %lld 小时以上", r->min_age / 3600);
	if (*r->carrier)
		buf_printf(&b, "，%s", label_of(carriers, r->carrier)->label);
	if (*r->sku)
		buf_printf(&b, "，SKU %s", r->sku);
	if (*r->warehouse)
		buf_printf(&b, "，%s 仓", r->warehouse);
	if (*r->channel)
		buf_printf(&b, "，%s下单", label_of(order_channels, r->channel)->label);
	if (strcmp(r->action, "soothe") == 0)
		buf_printf(&b, "；发短信并补偿 ¥%s 优惠券", yuan(a, r->coupon_amount));
	else if (strcmp(r->action, "restock") == 0)
		buf_printf(&b, "；同一 SKU 缺货订单达 %lld 单时申请补货", r->min_orders);
	else
		buf_printf(&b, "；%s", label_of(automation_kinds, r->action)->label);
	out = arena_strdup(a, b.p ? b.p : "");
	buf_free(&b);
	return out;
}

void
automation_state_model(json_object *o, int enabled, int stopped)
{
	static const struct label states[] = {
		{ "working", "运行中", "green" },
		{ "held", "已启用，全部停止中", "red" },
		{ "off", "未启用", "gray" },
		{ NULL, NULL, NULL },
	};

	m_label(o, "state", &states[enabled ? stopped ? 1 : 0 : 2]);
}

void
automation_switch_model(struct req *r, json_object *m, const struct automation_switch *s)
{
	m_bool(m, "stopped", s->stopped);
	m_bool(m, "running", !s->stopped);
	m_str(m, "switch_at", s->updated_at ? s->updated_at : "");
	m_str(m, "switch_by", s->updated_by_name && *s->updated_by_name ?
	    s->updated_by_name : "");
	m_str(m, "stop_url", url_for(&r->arena, "/admin/automation/stop"));
	m_str(m, "resume_url", url_for(&r->arena, "/admin/automation/resume"));
}

void
page_automation(struct req *r)
{
	struct arena *a = &r->arena;
	struct automation_rule v[AUTOMATION_MAX];
	struct automation_switch s;
	json_object *m = page_model(r, "自动处理", "admin"), *arr, *e;
	int rc, n, i;

	page_admin_nav(r, m, "automation");
	if ((rc = automation_switch_get(a, &s)) != DB_OK ||
	    (rc = automation_rules_load(a, v, AUTOMATION_MAX, &n)) != DB_OK) {
		page_db_error(r, rc);
		return;
	}
	automation_switch_model(r, m, &s);
	arr = m_add(m, "rules", m_arr());
	for (i = 0; i < n; i++) {
		struct automation_day d;

		if ((rc = automation_today(a, v[i].code, &d)) != DB_OK) {
			page_db_error(r, rc);
			return;
		}
		e = m_push(arr, m_obj());
		m_str(e, "code", v[i].code);
		m_str(e, "name", label_of(actor_names, v[i].code)->label);
		m_label(e, "action", label_of(automation_kinds, v[i].action));
		m_bool(e, "enabled", v[i].enabled);
		automation_state_model(e, v[i].enabled, s.stopped);
		m_str(e, "summary", automation_summary(a, &v[i]));
		m_int(e, "pass_cap", v[i].pass_cap);
		m_int(e, "today_count", d.count);
		m_int(e, "day_count", v[i].day_count);
		m_money(e, "today_amount", d.amount);
		m_money(e, "day_amount", v[i].day_amount);
		m_str(e, "updated_at", v[i].updated_at);
		m_str(e, "updated_by", v[i].updated_by_name);
		m_str(e, "url", url_for(a, "/admin/automation/%s", v[i].code));
	}
	page_show(r, 200, "admin_automation");
}

static void
set_switch(struct req *r, int stop)
{
	int rc, changed = 0;

	if ((rc = db_begin(DB_CONSOLE)) == DB_OK &&
	    (rc = automation_stop(&r->arena, auth_actor(r), stop, &changed)) == DB_OK)
		rc = changed ? db_commit(DB_CONSOLE) : DB_OK;
	if (rc != DB_OK || !changed)
		db_rollback(DB_CONSOLE);
	if (rc != DB_OK) {
		admin_fail(r, rc);
		return;
	}
	page_done(r, !changed ? "unchanged" : stop ? "automation_stopped" : "automation_resumed",
	    url_for(&r->arena, "/admin/automation"));
}

void
page_automation_stop(struct req *r)
{
	set_switch(r, 1);
}

void
page_automation_resume(struct req *r)
{
	set_switch(r, 0);
}
