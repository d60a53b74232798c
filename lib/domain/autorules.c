/* autorules.c: the automation rules and the kill switch as stored, and
 * every change of them, audited (see automation.h) */
#include <string.h>

#include "core/buf.h"
#include "core/db.h"
#include "core/text.h"
#include "domain/actions.h"
#include "domain/anomaly.h"
#include "domain/audit.h"
#include "domain/automation.h"
#include "domain/rules.h"

const struct label automation_kinds[] = {
	{ "cancel", "取消订单", "orange" },
	{ "refund", "退还多付的款项", "orange" },
	{ "soothe", "短信安抚并补偿", "orange" },
	{ "restock", "申请补货", "orange" },
	{ NULL, NULL, NULL },
};

#define RULE_SELECT \
	"SELECT r.code, r.action, COALESCE(r.kind, ''), COALESCE(r.carrier, '')," \
	" COALESCE(r.sku, ''), COALESCE(r.warehouse, ''), COALESCE(r.channel, '')," \
	" COALESCE(r.min_amount, -1), COALESCE(r.max_amount, -1), r.min_age," \
	" COALESCE(r.sms_template, ''), COALESCE(r.coupon_amount, 0)," \
	" COALESCE(r.coupon_days, 0), COALESCE(r.min_orders, 0), r.pass_cap, r.day_count," \
	" r.day_amount, r.enabled, DATE_FORMAT(r.updated_at, '%Y-%m-%d %H:%i')," \
	" COALESCE(a.login, ''), COALESCE(a.display_name, '')" \
	" FROM automation_rules r LEFT JOIN agents a ON a.id = r.updated_by"

static struct db_stmt q_rules = DB_STMT(DB_CONSOLE,
	RULE_SELECT " ORDER BY r.position, r.code LIMIT 16");
static struct db_stmt q_rule = DB_STMT(DB_CONSOLE, RULE_SELECT " WHERE r.code = ?");
static struct db_stmt q_lock = DB_STMT(DB_CONSOLE,
	"SELECT code FROM automation_rules WHERE code = ? FOR UPDATE");
static struct db_stmt q_save = DB_STMT(DB_CONSOLE,
	"UPDATE automation_rules SET kind = ?, min_amount = ?, max_amount = ?, min_age = ?,"
	" carrier = ?, sku = ?, warehouse = ?, channel = ?, sms_template = ?,"
	" coupon_amount = ?, coupon_days = ?, min_orders = ?, pass_cap = ?, day_count = ?,"
	" day_amount = ?, enabled = ?, updated_at = NOW(), updated_by = ? WHERE code = ?");
static struct db_stmt q_switch = DB_STMT(DB_CONSOLE,
	"SELECT s.stopped, DATE_FORMAT(s.updated_at, '%Y-%m-%d %H:%i'), COALESCE(a.login, ''),"
	" COALESCE(a.display_name, '') FROM automation_switch s"
	" LEFT JOIN agents a ON a.id = s.updated_by WHERE s.id = 1");
static struct db_stmt q_switch_lock = DB_STMT(DB_CONSOLE,
	"SELECT stopped FROM automation_switch WHERE id = 1 FOR UPDATE");
static struct db_stmt q_switch_set = DB_STMT(DB_CONSOLE,
	"UPDATE automation_switch SET stopped = ?, updated_at = NOW(), updated_by = ?"
	" WHERE id = 1");
static const char *
copy(struct arena *a, const char *s)
{
	return arena_strdup(a, s ? s : "");
}

static void
read_rule(struct arena *a, const struct db_res *res, struct automation_rule *r)
{
	r->code = copy(a, db_str(res, 0));
	r->action = copy(a, db_str(res, 1));
	r->kind = copy(a, db_str(res, 2));
	r->carrier = copy(a, db_str(res, 3));
	r->sku = copy(a, db_str(res, 4));
	r->warehouse = copy(a, db_str(res, 5));
	r->channel = copy(a, db_str(res, 6));
	r->min_amount = db_int(res, 7);
	r->max_amount = db_int(res, 8);
	r->min_age = db_int(res, 9);
	r->sms_template = copy(a, db_str(res, 10));
	r->coupon_amount = db_int(res, 11);
	r->coupon_days = db_int(res, 12);
	r->min_orders = db_int(res, 13);
	r->pass_cap = db_int(res, 14);
	r->day_count = db_int(res, 15);
	r->day_amount = db_int(res, 16);
	r->enabled = db_int(res, 17) != 0;
	r->updated_at = copy(a, db_str(res, 18));
	r->updated_by = copy(a, db_str(res, 19));
	r->updated_by_name = copy(a, db_str(res, 20));
}

int
automation_rules_load(struct arena *a, struct automation_rule *v, int max, int *n)
{
	struct db_res res;
	int rc;

	*n = 0;
	if ((rc = db_exec(a, &q_rules, &res, 0, NULL)) != DB_OK)
		return rc;
	while ((rc = db_next(&res)) > 0)
		if (*n < max)
			read_rule(a, &res, &v[(*n)++]);
	if (rc < 0) {
		db_done(&res);
		return rc;
	}
	return db_done(&res);
}

int
automation_rule_get(struct arena *a, const char *code, struct automation_rule *r)
{
	struct db_res res;
	int rc = DB_ONE(a, &q_rule, &res, DB_STR(code));

	if (rc == DB_OK)
		read_rule(a, &res, r);
	db_done(&res);
	return rc == DB_NOROW ? RULE_MISSING : rc;
}

/* --- what changed, as the audit log says it ------------------------------ */

static const char *
any(const char *label)
{
	return label && *label ? label : "不限";
}

static const char *
money_or_any(struct arena *a, long long fen)
{
	return fen < 0 ? "不限" : arena_printf(a, "¥%s", yuan(a, fen));
}

static const char *
kind_text(const char *code)
{
	return *code ? anomaly_label(code) : "任意";
}

static const char *
template_text(const char *code)
{
	const struct sms_template *t;

	for (t = sms_templates; t->code; t++)
		if (strcmp(t->code, code) == 0)
			return t->label;
	return any(code);
}

/* diff: each field that differs, "what old → new；" into b. */
static void
diff(struct arena *a, struct buf *b, const struct automation_rule *o,
    const struct automation_rule *n)
{
#define TEXT(field, what, show) \
	if (strcmp(o->field, n->field) != 0) \
		buf_printf(b, "%s %s → %s；", what, show(o->field), show(n->field))
#define NUM(field, what, fmt, ...) \
	if (o->field != n->field) \
		buf_printf(b, "%s " fmt " → " fmt "；", what, __VA_ARGS__)
	if (o->enabled != n->enabled)
		buf_puts(b, n->enabled ? "启用；" : "停用；");
	TEXT(kind, "异常类型", kind_text);
	NUM(min_amount, "金额下限", "%s", money_or_any(a, o->min_amount),
	    money_or_any(a, n->min_amount));
	NUM(max_amount, "金额上限", "%s", money_or_any(a, o->max_amount),
	    money_or_any(a, n->max_amount));
	NUM(min_age, "持续时间", "%lld 小时", o->min_age / 3600, n->min_age / 3600);
	TEXT(carrier, "快递公司", any);
	TEXT(sku, "SKU", any);
	TEXT(warehouse, "仓库", any);
	TEXT(channel, "下单渠道", any);
	TEXT(sms_template, "短信模板", template_text);
	NUM(coupon_amount, "补偿金额", "¥%s", yuan(a, o->coupon_amount),
	    yuan(a, n->coupon_amount));
	NUM(coupon_days, "优惠券有效期", "%lld 天", o->coupon_days, n->coupon_days);
	NUM(min_orders, "缺货订单数", "%lld 单", o->min_orders, n->min_orders);
	NUM(pass_cap, "每轮上限", "%lld 单", o->pass_cap, n->pass_cap);
	NUM(day_count, "每天单数上限", "%lld 单", o->day_count, n->day_count);
	NUM(day_amount, "每天金额上限", "¥%s", yuan(a, o->day_amount), yuan(a, n->day_amount));
#undef TEXT
#undef NUM
}

static struct db_arg
str_or_null(const char *s)
{
	return s && *s ? DB_STR(s) : DB_NULL;
}

static struct db_arg
int_or_null(long long v, long long none)
{
	return v == none ? DB_NULL : DB_INT(v);
}

int
automation_rule_save(struct arena *a, const struct actor *who,
    const struct automation_rule *nu, int *changed)
{
	struct automation_rule cur;
	struct db_res res;
	struct buf b = { 0 };
	const char *detail;
	int rc, params;

	*changed = 0;
	if ((rc = DB_ONE(a, &q_lock, &res, DB_STR(nu->code))) != DB_OK) {
		db_done(&res);
		return rc == DB_NOROW ? RULE_MISSING : rc;
	}
	db_done(&res);
	if ((rc = automation_rule_get(a, nu->code, &cur)) != DB_OK)
		return rc;
	diff(a, &b, &cur, nu);
	detail = arena_strdup(a, b.p ? b.p : "");
	buf_free(&b);
	if (*detail == '\0')
		return DOM_OK;
	*changed = 1;
	/* parameters another action does not use stay empty */
	params = strcmp(cur.action, "soothe") == 0;
	if ((rc = DB_EXEC(a, &q_save, NULL, str_or_null(nu->kind), int_or_null(nu->min_amount, -1),
	    int_or_null(nu->max_amount, -1), DB_INT(nu->min_age), str_or_null(nu->carrier),
	    str_or_null(nu->sku), str_or_null(nu->warehouse), str_or_null(nu->channel),
	    params ? str_or_null(nu->sms_template) : DB_NULL,
	    params ? DB_INT(nu->coupon_amount) : DB_NULL,
	    params ? DB_INT(nu->coupon_days) : DB_NULL,
	    strcmp(cur.action, "restock") == 0 ? DB_INT(nu->min_orders) : DB_NULL,
	    DB_INT(nu->pass_cap), DB_INT(nu->day_count), DB_INT(nu->day_amount),
	    DB_INT(nu->enabled), who->agent_id ? DB_INT(who->agent_id) : DB_NULL,
	    DB_STR(nu->code))) != DB_OK)
		return rc;
	return audit(a, who, "automation_updated", NULL, nu->code,
	    arena_printf(a, "%s：%s", label_of(actor_names, nu->code)->label, detail));
}

int
automation_switch_get(struct arena *a, struct automation_switch *s)
{
	struct db_res res;
	int rc = db_one(a, &q_switch, &res, 0, NULL);

	memset(s, 0, sizeof(*s));
	if (rc == DB_OK) {
		s->stopped = db_int(&res, 0) != 0;
		s->updated_at = copy(a, db_str(&res, 1));
		s->updated_by = copy(a, db_str(&res, 2));
		s->updated_by_name = copy(a, db_str(&res, 3));
	}
	db_done(&res);
	return rc == DB_NOROW ? DB_FAIL : rc;	/* the migration made the row */
}

int
automation_stop(struct arena *a, const struct actor *who, int stop, int *changed)
{
	struct db_res res;
	int rc = db_one(a, &q_switch_lock, &res, 0, NULL);

	*changed = rc == DB_OK && (db_int(&res, 0) != 0) != (stop != 0);
	db_done(&res);
	if (rc != DB_OK)
		return rc == DB_NOROW ? DB_FAIL : rc;
	if (!*changed)
		return DB_OK;
	if ((rc = DB_EXEC(a, &q_switch_set, NULL, DB_INT(stop != 0),
	    who->agent_id ? DB_INT(who->agent_id) : DB_NULL)) != DB_OK)
		return rc;
	return audit(a, who, stop ? "automation_stopped" : "automation_resumed", NULL,
	    "自动处理", stop ? "停止全部自动处理规则：已启用的规则不再处理任何订单，各规则自己的开关不变" :
	    "恢复自动处理：已启用的规则重新开始处理订单");
}

/* --- the conditions, shared by the rules at work and the backtest ------ */

void
automation_conds(struct db_query *q, const struct automation_rule *r)
{
	if (r->min_amount >= 0)
		dbq_cond(q, " AND c.amount >= ?", DB_INT(r->min_amount));
	if (r->max_amount >= 0)
		dbq_cond(q, " AND c.amount < ?", DB_INT(r->max_amount));
	if (*r->carrier)
		dbq_cond(q, " AND c.carrier = ?", DB_STR(r->carrier));
	if (*r->sku)
		dbq_cond(q, " AND c.sku = ?", DB_STR(r->sku));
	if (*r->warehouse)
		dbq_cond(q, " AND c.warehouse = ?", DB_STR(r->warehouse));
	if (strcmp(r->action, "restock") == 0)
		dbq_sql(q, " AND c.sku IS NOT NULL");
}

int
automation_age_cut(struct arena *a, const struct automation_rule *r, long long *cut)
{
	const struct anomaly_kind *k = anomaly_kind(r->kind);
	struct rule rules[ANOMALY_KINDS];
	int rc;

	*cut = r->min_age;
	if (k == NULL || !k->timed || r->min_age == 0)
		return DB_OK;
	/* a timed kind's case begins at its threshold: the trouble's clock
	 * started that much earlier */
	if ((rc = rules_load(a, rules)) != DB_OK)
		return rc;
	*cut = r->min_age - rules[k - anomaly_kinds].threshold;
	return DB_OK;
}

int
automation_channel_ok(const struct automation_rule *r, const char *channel)
{
	return *r->channel == '\0' || (channel && strcmp(r->channel, channel) == 0);
}

void
automation_same_kinds(const struct automation_rule *r, const char **k1, const char **k2,
    const char **word)
{
	if (strcmp(r->action, "soothe") == 0) {
		*k1 = "compensate";
		*k2 = "sms";
		*word = "补偿";
	} else {
		*k1 = *k2 = r->action;
		*word = strcmp(r->action, "cancel") == 0 ? "取消" :
		    strcmp(r->action, "refund") == 0 ? "退款" : "补货";
	}
}
