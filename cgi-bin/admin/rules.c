/* rules.c: the anomaly rules — thresholds and SLA targets
 *
 * GET  /admin/rules                    (manage_rules) thresholds and SLA targets
 * POST /admin/rules/{kind}             (manage_rules)
 *      threshold        minutes (unpaid_timeout, 1..10080), hours (not_shipped,
 *                       logistics_stalled, refund_stuck, 1..720) or percent
 *                       of list price (price_anomaly, low, 1..99); the other
 *                       kinds have none
 *      threshold_high   price_anomaly: high percent, 101..1000
 *      ack_minutes      1..43200, not above resolve_minutes
 *      resolve_minutes  1..43200
 *      enabled          1, or absent for off
 *
 * A rule is saved by rule_save (lib/domain/rules.h), with an audit row
 * saying what changed, in one transaction.
 */
#include <stdio.h>
#include <string.h>

#include "core/db.h"
#include "core/model.h"
#include "core/url.h"
#include "core/util.h"
#include "domain/anomaly.h"
#include "domain/rules.h"
#include "ui/auth.h"
#include "ui/page.h"
#include "admin.h"

#define SLA_MAX (30 * 24 * 60)		/* minutes */
#define PRICE_HIGH_MIN 101
#define PRICE_HIGH_MAX 1000

static struct db_stmt q_rules_meta = DB_STMT(DB_CONSOLE,
	"SELECT r.kind, r.updated_at, a.login, a.display_name FROM anomaly_rules r"
	" LEFT JOIN agents a ON a.id = r.updated_by");

/* How each kind's threshold is typed: unit, seconds (or percent) per unit,
 * bounds in units.  Kinds not here have no threshold. */
static const struct threshold {
	const char *kind, *unit;
	long long scale, min, max;
} thresholds[] = {
	{ "unpaid_timeout", "分钟", 60, 1, 7 * 24 * 60 },
	{ "not_shipped", "小时", 3600, 1, 30 * 24 },
	{ "logistics_stalled", "小时", 3600, 1, 30 * 24 },
	{ "refund_stuck", "小时", 3600, 1, 30 * 24 },
	{ "price_anomaly", "%", 1, 1, 99 },
};

static const struct threshold *
threshold_of(const char *kind)
{
	size_t i;

	for (i = 0; i < NELEM(thresholds); i++)
		if (strcmp(thresholds[i].kind, kind) == 0)
			return &thresholds[i];
	return NULL;
}

static const char *const rule_fields[] = {
	"threshold", "threshold_high", "ack_minutes", "resolve_minutes",
};

/* typed_row: the row of the kind that was refused: what was typed, and
 * the messages of page_errs as bad.bad_FIELD.message. */
static void
typed_row(struct req *r, json_object *e)
{
	json_object *b;
	const char *v;
	size_t f;

	for (f = 0; f < NELEM(rule_fields); f++)
		m_str(e, rule_fields[f], (v = req_get(r, rule_fields[f])) ? v : "");
	m_bool(e, "enabled", (v = req_get(r, "enabled")) && strcmp(v, "1") == 0);
	b = m_add(e, "bad", m_obj());
	json_object_object_foreach(page_errs(r), field, msg) {
		json_object *x = m_obj();
		char key[64];

		snprintf(key, sizeof(key), "bad_%s", field);
		m_str(x, "message", json_object_get_string(msg));
		json_object_object_add(b, key, x);
	}
}

/* rules_model: every kind's rule; the row of kind `bad` (may be NULL)
 * shows what was typed and the messages; NULL when answered. */
static json_object *
rules_model(struct req *r, const char *bad)
{
	json_object *m = page_model(r, "异常规则", "admin"), *arr, *rows[ANOMALY_KINDS];
	struct rule rules[ANOMALY_KINDS];
	struct db_res res;
	int i, rc;

	page_admin_nav(r, m, "rules");
	if ((rc = rules_load(&r->arena, rules)) != DB_OK ||
	    (rc = db_exec(&r->arena, &q_rules_meta, &res, 0, NULL)) != DB_OK) {
		page_db_error(r, rc);
		return NULL;
	}
	arr = m_add(m, "rules", m_arr());
	for (i = 0; i < ANOMALY_KINDS; i++) {
		const struct anomaly_kind *k = &anomaly_kinds[i];
		const struct threshold *t = threshold_of(k->code);
		json_object *e = rows[i] = m_push(arr, m_obj());

		m_str(e, "kind", k->code);
		m_str(e, "label", k->label);
		m_str(e, "action", url_for(&r->arena, "/admin/rules/%s", k->code));
		m_bool(e, "has_threshold", t != NULL);
		m_bool(e, "is_price", t && t->scale == 1);
		m_bool(e, "timed", t && t->scale != 1);
		m_bool(e, "no_threshold", t == NULL);
		m_str(e, "unit", t ? t->unit : "");
		m_int(e, "threshold_value", rules[i].threshold);
		m_int(e, "threshold_min", t ? t->min : 0);
		m_int(e, "threshold_max", t ? t->max : 0);
		if (bad && strcmp(bad, k->code) == 0) {
			typed_row(r, e);
			continue;
		}
		m_str(e, "threshold", t ? arena_printf(&r->arena, "%lld",
		    rules[i].threshold / t->scale) : "");
		m_str(e, "threshold_high", arena_printf(&r->arena, "%lld",
		    rules[i].threshold_high));
		m_str(e, "ack_minutes", arena_printf(&r->arena, "%lld", rules[i].ack_minutes));
		m_str(e, "resolve_minutes", arena_printf(&r->arena, "%lld",
		    rules[i].resolve_minutes));
		m_bool(e, "enabled", rules[i].enabled);
	}
	while ((rc = db_next(&res)) > 0) {
		const struct anomaly_kind *k = anomaly_kind(db_str(&res, 0));

		if (k == NULL)
			continue;
		i = (int)(k - anomaly_kinds);
		m_str(rows[i], "updated_at", db_str(&res, 1));
		m_str(rows[i], "updated_by", db_str(&res, 2));
		m_str(rows[i], "updated_by_name", db_str(&res, 3));
	}
	db_done(&res);
	if (rc < 0) {
		page_db_error(r, rc);
		return NULL;
	}
	return m;
}

void
page_rules(struct req *r)
{
	if (rules_model(r, NULL) != NULL)
		page_show(r, 200, "admin_rules");
}

/* rule_int: a whole number within bounds, or -1 with its message. */
static long long
rule_int(struct req *r, const char *field, long long min, long long max,
    const char *what)
{
	long long v;

	if (req_int(r, field, min, max, &v) != REQ_OK) {
		m_str(page_errs(r), field, arena_printf(&r->arena, "%s为 %lld 到 %lld 的整数",
		    what, min, max));
		return -1;
	}
	return v;
}

void
page_rule_save(struct req *r)
{
	const struct anomaly_kind *k = anomaly_kind(r->seg[0]);
	const struct threshold *t;
	struct rule rules[ANOMALY_KINDS], nu;
	const char *v;
	int rc, changed = 0;

	if (k == NULL) {
		page_error(r, 404, "没有这种异常", "没有这种异常类型。");
		return;
	}
	/* what the form does not hold stays as it is */
	if ((rc = rules_load(&r->arena, rules)) != DB_OK) {
		page_db_error(r, rc);
		return;
	}
	nu = rules[k - anomaly_kinds];
	t = threshold_of(k->code);
	if (t && t->scale == 1) {
		nu.threshold = rule_int(r, "threshold", t->min, t->max, "低价阈值（%）");
		nu.threshold_high = rule_int(r, "threshold_high", PRICE_HIGH_MIN,
		    PRICE_HIGH_MAX, "高价阈值（%）");
	} else if (t) {
		nu.threshold = rule_int(r, "threshold", t->min, t->max,
		    arena_printf(&r->arena, "阈值（%s）", t->unit));
		if (nu.threshold > 0)
			nu.threshold *= t->scale;
	}
	nu.ack_minutes = rule_int(r, "ack_minutes", 1, SLA_MAX, "响应时限（分钟）");
	nu.resolve_minutes = rule_int(r, "resolve_minutes", 1, SLA_MAX, "解决时限（分钟）");
	if (nu.ack_minutes > 0 && nu.resolve_minutes > 0 && nu.ack_minutes > nu.resolve_minutes)
		m_str(page_errs(r), "ack_minutes", "响应时限不能长于解决时限");
	nu.enabled = (v = req_get(r, "enabled")) != NULL && strcmp(v, "1") == 0;
	if (page_erred(r)) {
		if (rules_model(r, k->code) != NULL)
			page_bad_input(r, "admin_rules");
		return;
	}
	if ((rc = db_begin(DB_CONSOLE)) == DB_OK &&
	    (rc = rule_save(&r->arena, auth_actor(r), k->code, &nu, &changed)) == DOM_OK &&
	    changed)
		rc = db_commit(DB_CONSOLE);
	else if (rc == DOM_OK)
		db_rollback(DB_CONSOLE);	/* nothing to change */
	if (rc != DOM_OK) {
		admin_fail(r, rc);
		return;
	}
	page_done(r, changed ? "rule_updated" : "unchanged", url_for(&r->arena, "/admin/rules"));
}
