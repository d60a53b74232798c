/* automation_rule.c: one automation rule — its conditions, action and
 * caps, what it would do now (dry run) and over the last days (backtest)
 *
 * GET  /admin/automation/{code}        (manage_automation) the form, the dry
 *      run and the backtest of the rule as saved
 *      days          backtest window in days, 1..90 (default 30)
 * POST /admin/automation/{code}        (manage_automation) change it
 *      enabled       1, or absent for off
 *      kind          an anomaly kind, or empty for any
 *      min_amount, max_amount   yuan with at most two decimals, or empty
 *                    for no bound; min below max
 *      min_hours     how long the trouble has lasted, 0..720 hours
 *      carrier, channel          one of the shop's, or empty
 *      sku           a SKU of the catalogue (at most 32), or empty
 *      warehouse     a warehouse holding stock (at most 16), or empty
 *      sms_template, coupon_amount (0.01..500), coupon_days (1..365)   soothe
 *      min_orders    1..10000                                         restock
 *      pass_cap      1..10000, day_count 1..100000, day_amount yuan 0..10,000,000
 *
 * Every field is checked before anything is written; the change and its
 * audit row (automation_rule_save, saying what changed) share one
 * transaction.
 */
#include <string.h>

#include "core/db.h"
#include "core/model.h"
#include "core/text.h"
#include "core/url.h"
#include "core/util.h"
#include "domain/actions.h"
#include "domain/anomaly.h"
#include "domain/automation.h"
#include "ui/auth.h"
#include "ui/page.h"
#include "ui/views.h"
#include "admin.h"

#define AGE_MAX_HOURS 720
#define COUPON_MAX 50000		/* fen: as the agents' compensation form */
#define DAY_AMOUNT_MAX 1000000000LL	/* fen */

static struct db_stmt q_sku = DB_STMT(DB_REPLICA,
	"SELECT 1 FROM products WHERE sku = ? LIMIT 1");
static struct db_stmt q_warehouse = DB_STMT(DB_REPLICA,
	"SELECT 1 FROM inventory WHERE warehouse = ? LIMIT 1");

/* The form's fields, as typed, under their names. */
static const char *const fields[] = {
	"kind", "min_amount", "max_amount", "min_hours", "carrier", "sku", "warehouse",
	"channel", "sms_template", "coupon_amount", "coupon_days", "min_orders", "pass_cap",
	"day_count", "day_amount",
};

static const char *
money_text(struct arena *a, long long fen)
{
	return fen < 0 ? "" : yuan_plain(a, fen);
}

/* form_model: the form's values: as typed after a refusal, else the
 * rule's. */
static void
form_model(struct req *r, json_object *f, const struct automation_rule *x, int typed)
{
	struct arena *a = &r->arena;
	const struct sms_template *t;
	json_object *arr, *e;
	const char *v;
	size_t i;
	int k;

	if (typed) {
		for (i = 0; i < NELEM(fields); i++)
			m_str(f, fields[i], (v = req_get(r, fields[i])) ? v : "");
		m_bool(f, "enabled", req_get(r, "enabled") != NULL);
	} else {
		m_str(f, "kind", x->kind);
		m_str(f, "min_amount", money_text(a, x->min_amount));
		m_str(f, "max_amount", money_text(a, x->max_amount));
		m_str(f, "min_hours", arena_printf(a, "%lld", x->min_age / 3600));
		m_str(f, "carrier", x->carrier);
		m_str(f, "sku", x->sku);
		m_str(f, "warehouse", x->warehouse);
		m_str(f, "channel", x->channel);
		m_str(f, "sms_template", x->sms_template);
		m_str(f, "coupon_amount", yuan_plain(a, x->coupon_amount));
		m_str(f, "coupon_days", arena_printf(a, "%lld", x->coupon_days));
		m_str(f, "min_orders", arena_printf(a, "%lld", x->min_orders));
		m_str(f, "pass_cap", arena_printf(a, "%lld", x->pass_cap));
		m_str(f, "day_count", arena_printf(a, "%lld", x->day_count));
		m_str(f, "day_amount", yuan_plain(a, x->day_amount));
		m_bool(f, "enabled", x->enabled);
	}
	arr = m_add(f, "kinds", m_arr());
	for (k = 0; k < ANOMALY_KINDS; k++) {
		e = m_push(arr, m_obj());
		m_str(e, "code", anomaly_kinds[k].code);
		m_str(e, "label", anomaly_kinds[k].label);
		m_bool(e, "selected", strcmp(m_get(f, "kind"), anomaly_kinds[k].code) == 0);
	}
	m_options(f, "carriers", carriers, m_get(f, "carrier"));
	m_options(f, "channels", order_channels, m_get(f, "channel"));
	arr = m_add(f, "templates", m_arr());
	for (t = sms_templates; t->code; t++) {
		e = m_push(arr, m_obj());
		m_str(e, "code", t->code);
		m_str(e, "label", t->label);
		m_bool(e, "selected", strcmp(m_get(f, "sms_template"), t->code) == 0);
	}
	m_bool(f, "soothe", strcmp(x->action, "soothe") == 0);
	m_bool(f, "restock", strcmp(x->action, "restock") == 0);
}

/* dry_model: what the rule would do now. */
static int
dry_model(struct req *r, json_object *m, const struct automation_rule *x)
{
	struct arena *a = &r->arena;
	struct automation_dry d;
	json_object *o = m_add(m, "dry", m_obj()), *arr, *e;
	int rc, i;

	if ((rc = automation_dry_run(a, x, &d)) != DB_OK)
		return rc;
	m_int(o, "matched", d.matched);
	m_int(o, "eligible", d.eligible);
	m_money(o, "eligible_amount", d.eligible_amount);
	m_int(o, "acts", d.acts);
	m_money(o, "amount", d.amount);
	m_int(o, "today_count", d.today.count);
	m_money(o, "today_amount", d.today.amount);
	m_bool(o, "truncated", d.truncated);
	m_int(o, "shown", d.n);
	arr = m_add(o, "rows", m_arr());
	for (i = 0; i < d.n; i++) {
		const struct automation_plan *p = &d.v[i];

		e = m_push(arr, m_obj());
		m_str(e, "order_no", p->order_no ? p->order_no : "");
		m_str(e, "order_url", url_for(a, "/orders/%s", p->order_no ? p->order_no : ""));
		m_int(e, "case_id", p->case_id);
		m_str(e, "case_url", url_for(a, "/cases/%lld", p->case_id));
		m_str(e, "target", p->target);
		m_int(e, "orders", p->orders);
		m_money(e, "order_amount", p->order_amount);
		m_money(e, "amount", p->amount);
		m_str(e, "summary", p->summary ? p->summary : "");
		m_opt(e, "skip", "skipped", p->skip);
		m_bool(e, "acts", p->skip == NULL);
	}
	m_bool(o, "none", d.n == 0);
	return DB_OK;
}

static int
backtest_model(struct req *r, json_object *m, const struct automation_rule *x, int days)
{
	struct automation_backtest b;
	json_object *o = m_add(m, "backtest", m_obj());
	int rc;

	if ((rc = automation_backtest(&r->arena, x, days, &b)) != DB_OK)
		return rc;
	m_int(o, "days", b.days);
	m_int(o, "orders", b.orders);
	m_int(o, "requests", b.requests);
	m_money(o, "amount", b.amount);
	m_int(o, "same", b.same);
	m_int(o, "different", b.different);
	m_int(o, "untouched", b.orders - b.same - b.different);
	m_bool(o, "truncated", b.truncated);
	return DB_OK;
}

/* rule_model: the rule's page; typed: the form as typed (after a
 * refusal).  DB_OK, RULE_MISSING or an error. */
static int
rule_model(struct req *r, const struct automation_rule *x, int typed, int days)
{
	struct arena *a = &r->arena;
	struct automation_switch s;
	json_object *m = page_model(r, label_of(actor_names, x->code)->label, "admin"), *f;
	int rc;

	page_admin_nav(r, m, "automation");
	if ((rc = automation_switch_get(a, &s)) != DB_OK)
		return rc;
	automation_switch_model(r, m, &s);
	m_str(m, "code", x->code);
	m_str(m, "name", label_of(actor_names, x->code)->label);
	m_label(m, "action", label_of(automation_kinds, x->action));
	m_str(m, "summary", automation_summary(a, x));
	m_bool(m, "enabled", x->enabled);
	automation_state_model(m, x->enabled, s.stopped);
	m_str(m, "updated_at", x->updated_at);
	m_str(m, "updated_by", x->updated_by_name);
	m_str(m, "post", url_for(a, "/admin/automation/%s", x->code));
	m_str(m, "list_url", url_for(a, "/admin/automation"));
	f = m_add(m, "form", m_obj());
	form_model(r, f, x, typed);
	if ((rc = dry_model(r, m, x)) != DB_OK)
		return rc;
	return backtest_model(r, m, x, days);
}

void
page_automation_rule(struct req *r)
{
	struct automation_rule x;
	long long days = 30;
	int rc;

	if (req_get(r, "days") && req_int(r, "days", 1, 90, &days) != REQ_OK) {
		page_error(r, 400, "输入有误", "回测天数为 1 到 90 天。");
		return;
	}
	if ((rc = automation_rule_get(&r->arena, r->seg[0], &x)) != DB_OK ||
	    (rc = rule_model(r, &x, 0, (int)days)) != DB_OK) {
		page_refused(r, rc == RULE_MISSING ? RULE_MISSING : rc);
		return;
	}
	page_show(r, 200, "admin_automation_rule");
}

/* --- the form ------------------------------------------------------------- */

/* yuan_field: a field in yuan: -1 when empty and allowed to be; its
 * message (and -2) when not a sum of money within [min, max] fen. */
static long long
yuan_field(struct req *r, const char *name, int optional, long long min, long long max,
    const char *what)
{
	struct arena *a = &r->arena;
	const char *v = NULL;
	long long fen = -1;
	int rc = req_str(r, name, 20, &v);

	if (rc == REQ_MISSING && optional)
		return -1;
	if (rc != REQ_OK || parse_yuan(v, &fen) < 0)
		m_str(page_errs(r), name, arena_printf(a, "%s请填写金额（元），最多两位小数，"
		    "例如 12.50。", what));
	else if (fen < min || fen > max)
		m_str(page_errs(r), name, arena_printf(a, "%s须在 ¥%s 到 ¥%s 之间。", what,
		    yuan(a, min), yuan(a, max)));
	else
		return fen;
	return -2;
}

static long long
int_field(struct req *r, const char *name, long long min, long long max, const char *what)
{
	long long v = 0;

	if (req_int(r, name, min, max, &v) != REQ_OK) {
		m_str(page_errs(r), name, arena_printf(&r->arena, "%s为 %lld 到 %lld 的整数。",
		    what, min, max));
		return 0;
	}
	return v;
}

/* choice: a field that is empty (any) or a code known to ok; its message
 * when not. */
static const char *
choice(struct req *r, const char *name, const struct label *t, const char *what)
{
	const char *v = req_get(r, name);

	if (v == NULL || *v == '\0')
		return "";
	if (!label_known(t, v)) {
		m_str(page_errs(r), name, arena_printf(&r->arena, "没有这种%s。", what));
		return "";
	}
	return v;
}

/* known: a SKU or warehouse the replica has; its message when not. */
static int
known(struct req *r, struct db_stmt *q, const char *name, size_t max, const char **out,
    const char *what)
{
	struct db_res res;
	const char *v = NULL;
	int rc = req_str(r, name, max, &v);

	*out = "";
	if (rc == REQ_MISSING)
		return DB_OK;
	if (rc != REQ_OK) {
		m_str(page_errs(r), name, arena_printf(&r->arena, "%s最多 %zu 个字符。", what, max));
		return DB_OK;
	}
	rc = DB_ONE(&r->arena, q, &res, DB_STR(v));
	db_done(&res);
	if (rc == DB_NOROW)
		m_str(page_errs(r), name, arena_printf(&r->arena, "没有这个%s：%s。", what, v));
	else if (rc == DB_OK)
		*out = v;
	return rc == DB_NOROW ? DB_OK : rc;
}

/* read: the form into x (its code and action as they are); messages into
 * page_errs.  DB_OK or an error. */
static int
read(struct req *r, struct automation_rule *x)
{
	const char *kind = req_get(r, "kind"), *tpl;
	const struct sms_template *t;
	int rc;

	x->kind = "";
	if (kind && *kind) {
		if (anomaly_kind(kind) == NULL)
			m_str(page_errs(r), "kind", "没有这种异常类型。");
		else
			x->kind = kind;
	}
	x->min_amount = yuan_field(r, "min_amount", 1, 0, DAY_AMOUNT_MAX, "金额下限");
	x->max_amount = yuan_field(r, "max_amount", 1, 1, DAY_AMOUNT_MAX, "金额上限");
	if (x->min_amount >= 0 && x->max_amount >= 0 && x->min_amount >= x->max_amount)
		m_str(page_errs(r), "max_amount", "金额上限须高于下限。");
	x->min_age = int_field(r, "min_hours", 0, AGE_MAX_HOURS, "持续时间（小时）") * 3600;
	x->carrier = choice(r, "carrier", carriers, "快递公司");
	x->channel = choice(r, "channel", order_channels, "下单渠道");
	if ((rc = known(r, &q_sku, "sku", 32, &x->sku, "SKU")) != DB_OK ||
	    (rc = known(r, &q_warehouse, "warehouse", 16, &x->warehouse, "仓库")) != DB_OK)
		return rc;
	if (strcmp(x->action, "soothe") == 0) {
		tpl = req_get(r, "sms_template");
		for (t = sms_templates; t->code && !(tpl && strcmp(t->code, tpl) == 0); t++)
			;
		if (t->code == NULL)
			m_str(page_errs(r), "sms_template", "请选择短信模板。");
		x->sms_template = t->code ? t->code : "";
		x->coupon_amount = yuan_field(r, "coupon_amount", 0, 1, COUPON_MAX, "优惠券金额");
		x->coupon_days = int_field(r, "coupon_days", 1, 365, "优惠券有效期（天）");
	}
	if (strcmp(x->action, "restock") == 0)
		x->min_orders = int_field(r, "min_orders", 1, 10000, "缺货订单数");
	x->pass_cap = int_field(r, "pass_cap", 1, 10000, "每轮上限");
	x->day_count = int_field(r, "day_count", 1, 100000, "每天单数上限");
	x->day_amount = yuan_field(r, "day_amount", 0, 0, DAY_AMOUNT_MAX, "每天金额上限");
	x->enabled = req_get(r, "enabled") != NULL;
	return DB_OK;
}

void
page_automation_save(struct req *r)
{
	struct automation_rule cur, nu;
	int rc, changed = 0;

	if ((rc = automation_rule_get(&r->arena, r->seg[0], &cur)) != DB_OK) {
		page_refused(r, rc);
		return;
	}
	nu = cur;
	if ((rc = read(r, &nu)) != DB_OK) {
		page_db_error(r, rc);
		return;
	}
	if (page_erred(r)) {
		if ((rc = rule_model(r, &cur, 1, 30)) != DB_OK)
			page_refused(r, rc);
		else
			page_bad_input(r, "admin_automation_rule");
		return;
	}
	if ((rc = db_begin(DB_CONSOLE)) == DB_OK &&
	    (rc = automation_rule_save(&r->arena, auth_actor(r), &nu, &changed)) == DOM_OK &&
	    changed)
		rc = db_commit(DB_CONSOLE);
	else if (rc == DOM_OK)
		db_rollback(DB_CONSOLE);	/* nothing to change */
	if (rc != DOM_OK) {
		admin_fail(r, rc);
		return;
	}
	page_done(r, changed ? "automation_updated" : "unchanged",
	    url_for(&r->arena, "/admin/automation/%s", cur.code));
}
