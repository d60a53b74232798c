/* rules.c: each anomaly kind's threshold and SLA targets, and severity
 * (see rules.h) */
#include <string.h>

#include "core/buf.h"
#include "core/cfg.h"
#include "core/db.h"
#include "domain/audit.h"
#include "domain/rules.h"

/* Targets to acknowledge and to resolve, in minutes, until an admin
 * changes them. */
static const struct { const char *kind; int ack, resolve; } targets[] = {
	{ "unpaid_timeout", 60, 1440 },
	{ "payment_failed", 30, 240 },
	{ "duplicate_payment", 30, 240 },
	{ "not_shipped", 120, 1440 },
	{ "logistics_stalled", 120, 2880 },
	{ "stock_shortage", 60, 1440 },
	{ "price_anomaly", 30, 480 },
	{ "address_problem", 60, 720 },
	{ "refund_stuck", 60, 720 },
};


static struct db_stmt q_ensure = DB_STMT(DB_CONSOLE,
	"INSERT IGNORE INTO anomaly_rules (kind, title, threshold, threshold_high,"
	" ack_minutes, resolve_minutes, enabled, updated_at)"
	" VALUES (?, ?, ?, ?, ?, ?, 1, NOW())");
static struct db_stmt q_rules = DB_STMT(DB_CONSOLE,
	"SELECT kind, threshold, threshold_high, ack_minutes, resolve_minutes, enabled"
	" FROM anomaly_rules");
static struct db_stmt q_save = DB_STMT(DB_CONSOLE,
	"UPDATE anomaly_rules SET threshold = ?, threshold_high = ?, ack_minutes = ?,"
	" resolve_minutes = ?, enabled = ?, updated_at = NOW(), updated_by = ?"
	" WHERE kind = ?");

static long long
default_threshold(const char *kind)
{
	if (strcmp(kind, "unpaid_timeout") == 0)
		return cfg.unpaid_timeout;
	if (strcmp(kind, "not_shipped") == 0)
		return cfg.not_shipped;
	if (strcmp(kind, "logistics_stalled") == 0)
		return cfg.logistics_stalled;
	if (strcmp(kind, "refund_stuck") == 0)
		return cfg.refund_stuck;
	if (strcmp(kind, "price_anomaly") == 0)
		return cfg.price_low_pct;
	return 0;
}

int
rules_load(struct arena *a, struct rule rules[ANOMALY_KINDS])
{
	struct db_res res;
	int i, rc;

	for (i = 0; i < ANOMALY_KINDS; i++) {
		const struct anomaly_kind *k = &anomaly_kinds[i];
		int price = strcmp(k->code, "price_anomaly") == 0;

		rc = DB_EXEC(a, &q_ensure, NULL, DB_STR(k->code), DB_STR(k->label),
		    DB_INT(default_threshold(k->code)),
		    price ? DB_INT(cfg.price_high_pct) : DB_NULL,
		    DB_INT(targets[i].ack), DB_INT(targets[i].resolve));
		if (rc != DB_OK)
			return rc;
		rules[i].threshold = default_threshold(k->code);
		rules[i].threshold_high = cfg.price_high_pct;
		rules[i].ack_minutes = targets[i].ack;
		rules[i].resolve_minutes = targets[i].resolve;
		rules[i].enabled = 1;
	}
	if ((rc = db_exec(a, &q_rules, &res, 0, NULL)) != DB_OK)
		return rc;
	while ((rc = db_next(&res)) > 0) {
		const struct anomaly_kind *k = anomaly_kind(db_str(&res, 0));

		if (k == NULL)
			continue;
		i = (int)(k - anomaly_kinds);
		rules[i].threshold = db_int(&res, 1);
		if (!db_null(&res, 2))
			rules[i].threshold_high = db_int(&res, 2);
		rules[i].ack_minutes = db_int(&res, 3);
		rules[i].resolve_minutes = db_int(&res, 4);
		rules[i].enabled = db_int(&res, 5) != 0;
	}
	return db_done(&res);
}

int
case_severity(const struct anomaly_kind *k, const struct rule *r,
    long long amount, long long age)
{
	int s = k->severity;

	if (amount >= 100000)		/* ¥1,000 */
		s++;
	if (amount >= 500000)		/* ¥5,000 */
		s++;
	/* twice the threshold, or a day for kinds without one */
	if (age > (k->timed && r->threshold > 0 ? 2 * r->threshold : 86400))
		s++;
	return s > 4 ? 4 : s;
}

/* amount_text: a threshold as the audit log says it: a percent for the
 * price kind, else a duration (stored in seconds). */
static const char *
amount_text(struct arena *a, int price, long long v)
{
	if (price)
		return arena_printf(a, "%lld%%", v);
	if (v % 86400 == 0 && v)
		return arena_printf(a, "%lld 天", v / 86400);
	if (v % 3600 == 0 && v)
		return arena_printf(a, "%lld 小时", v / 3600);
	if (v % 60 == 0)
		return arena_printf(a, "%lld 分钟", v / 60);
	return arena_printf(a, "%lld 秒", v);
}

int
rule_save(struct arena *a, const struct actor *who, const char *kind,
    const struct rule *nu, int *changed)
{
	const struct anomaly_kind *k = anomaly_kind(kind);
	struct rule rules[ANOMALY_KINDS], *cur;
	int price, rc;
	struct buf b = { 0 };
	const char *detail;

	*changed = 0;
	if (k == NULL)
		return RULE_MISSING;
	if ((rc = rules_load(a, rules)) != DB_OK)
		return rc;
	cur = &rules[k - anomaly_kinds];
	price = strcmp(kind, "price_anomaly") == 0;
	if (nu->threshold != cur->threshold)
		buf_printf(&b, price ? "低价阈值 %s → %s；" : "阈值 %s → %s；",
		    amount_text(a, price, cur->threshold), amount_text(a, price, nu->threshold));
	if (price && nu->threshold_high != cur->threshold_high)
		buf_printf(&b, "高价阈值 %lld%% → %lld%%；", cur->threshold_high,
		    nu->threshold_high);
	if (nu->ack_minutes != cur->ack_minutes)
		buf_printf(&b, "响应时限 %lld → %lld 分钟；", cur->ack_minutes, nu->ack_minutes);
	if (nu->resolve_minutes != cur->resolve_minutes)
		buf_printf(&b, "解决时限 %lld → %lld 分钟；", cur->resolve_minutes,
		    nu->resolve_minutes);
	if (nu->enabled != cur->enabled)
		buf_puts(&b, nu->enabled ? "启用；" : "停用；");
	detail = arena_strdup(a, b.p ? b.p : "");
	buf_free(&b);
	if (*detail == '\0')
		return DOM_OK;
	*changed = 1;
	if ((rc = DB_EXEC(a, &q_save, NULL, DB_INT(nu->threshold),
	    price ? DB_INT(nu->threshold_high) : DB_NULL, DB_INT(nu->ack_minutes),
	    DB_INT(nu->resolve_minutes), DB_INT(nu->enabled),
	    who->agent_id ? DB_INT(who->agent_id) : DB_NULL, DB_STR(kind))) != DB_OK)
		return rc;
	return audit(a, who, "rule_updated", NULL, kind, detail);
}
