/* mend-scan.c: finds troubled orders on the replica and keeps them as cases
 *
 *   mend-scan               a daemon: a pass every [scanner] interval
 *   mend-scan --once [--full]   one pass and exit (cron on a shared host);
 *                           --full forces a full pass
 *
 * One scanner works at a time: it holds the MariaDB lock
 * 'ordermend.scanner' on its console connection.  Another waits for the
 * lock and takes over when the first dies, since the lock goes with its
 * connection.  With --once, a busy lock means another scanner is working:
 * nothing to do.
 *
 * A pass looks at the orders changed since the last one (rows of orders,
 * payments, refunds, shipments, tracking events and stock, by their
 * timestamps, with a few minutes of overlap for late commits), judges every
 * kind on them, and keeps the cases in step: a case opened per kind and
 * order, never two; refreshed when its facts change; auto-resolved when the
 * condition has cleared (or its inhibiting kind took it over); reopened
 * when it comes back within [scanner] reopen_window.  A case an agent
 * resolved or dismissed stays so while the condition merely continues.
 * The very first pass judges everything; a full pass — due when no
 * scanner made one for full_interval (scan_state 'full'), so cron and a
 * scanner that takes over keep the rhythm — also judges the kinds the
 * clock alone brings about over every order.  A new, reopened or
 * refreshed case goes under a silence that matches it.  Then cases that
 * share a cause are grouped: when group_threshold of them began within
 * group_window, the group is an incident; silences that ended are lifted;
 * open cases past their acknowledge target are escalated (not while
 * silenced).  Every pass is a row of scan_runs.  The clock is the
 * replica's NOW(), so tests move time with rows dated relative to it.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "core/cfg.h"
#include "core/daemon.h"
#include "core/db.h"
#include "core/log.h"
#include "core/text.h"
#include "core/util.h"
#include "domain/anomaly.h"
#include "domain/automation.h"
#include "domain/casebatch.h"
#include "domain/cases.h"
#include "domain/prodindex.h"
#include "domain/rules.h"
#include "domain/shop.h"
#include "domain/silences.h"

#define BATCH 2000		/* orders or cases per JSON parameter */
#define OVERLAP "300"		/* seconds re-read before the watermark */

static struct db_stmt q_lock = DB_STMT(DB_CONSOLE,
	"SELECT GET_LOCK('ordermend.scanner', ?)");
static struct db_stmt q_mine = DB_STMT(DB_CONSOLE,
	"SELECT IS_USED_LOCK('ordermend.scanner') = CONNECTION_ID()");
static struct db_stmt q_now = DB_STMT(DB_REPLICA,
	"SELECT DATE_FORMAT(NOW(), '%Y-%m-%d %H:%i:%s')");
static struct db_stmt q_vars = DB_STMT(DB_REPLICA,
	"SET @now = ?, @thr = ?, @thr2 = ?, @ids = ?");
static struct db_stmt q_mark_get = DB_STMT(DB_CONSOLE,
	"SELECT DATE_FORMAT(mark - INTERVAL " OVERLAP " SECOND, '%Y-%m-%d %H:%i:%s'),"
	" TIMESTAMPDIFF(SECOND, updated_at, NOW()) FROM scan_state WHERE name = ?");
static struct db_stmt q_mark_put = DB_STMT(DB_CONSOLE,
	"INSERT INTO scan_state (name, mark, updated_at) VALUES (?, ?, NOW())"
	" ON DUPLICATE KEY UPDATE mark = VALUES(mark), updated_at = NOW()");
/* Seconds since the last full pass, whichever scanner made it. */
static struct db_stmt q_full_age = DB_STMT(DB_CONSOLE,
	"SELECT TIMESTAMPDIFF(SECOND, mark, NOW()) FROM scan_state WHERE name = 'full'");
/* The newest change the replica holds: the next watermark. */
static struct db_stmt q_newest = DB_STMT(DB_REPLICA,
	"SELECT DATE_FORMAT(GREATEST("
	" COALESCE((SELECT MAX(updated_at) FROM orders), '1970-01-01'),"
	" COALESCE((SELECT MAX(updated_at) FROM payments), '1970-01-01'),"
	" COALESCE((SELECT MAX(updated_at) FROM refunds), '1970-01-01'),"
	" COALESCE((SELECT MAX(updated_at) FROM shipments), '1970-01-01'),"
	" COALESCE((SELECT MAX(event_time) FROM shipment_events), '1970-01-01'),"
	" COALESCE((SELECT MAX(updated_at) FROM inventory), '1970-01-01')),"
	" '%Y-%m-%d %H:%i:%s')");
/* Orders touched since a time, by any of the rows a kind looks at.  Stock
 * that changed brings in the paid orders holding it only when it is short
 * now: walking every order that ever held a SKU whose stock merely moved
 * is most of an incremental pass at a million orders.  A shortage that
 * ended is found through its cases instead (q_stock_keys, q_restocked). */
static struct db_stmt q_changed = DB_STMT(DB_REPLICA,
	"SELECT id FROM orders WHERE updated_at >= ?"
	" UNION SELECT order_id FROM payments WHERE updated_at >= ?"
	" UNION SELECT order_id FROM refunds WHERE updated_at >= ?"
	" UNION SELECT order_id FROM shipments WHERE updated_at >= ?"
	" UNION SELECT s.order_id FROM shipment_events e JOIN shipments s ON s.id = e.shipment_id"
	"  WHERE e.event_time >= ?"
	" UNION SELECT o.id FROM inventory v JOIN products pr ON pr.sku = v.sku"
	"  JOIN order_items i ON i.product_id = pr.id"
	"  JOIN orders o ON o.id = i.order_id AND o.warehouse = v.warehouse AND o.status = 'paid'"
	"  WHERE v.updated_at >= ? AND v.on_hand - v.reserved < 0");
/* Stock that changed since a time, as the group keys of its shortage
 * cases (group(): "stock_shortage:SKU@WAREHOUSE"). */
static struct db_stmt q_stock_keys = DB_STMT(DB_REPLICA,
	"SELECT CONCAT('stock_shortage:', sku, '@', warehouse) FROM inventory"
	" WHERE updated_at >= ?");
/* The orders of the live shortage cases on those keys. */
static struct db_stmt q_restocked = DB_STMT(DB_CONSOLE,
	"SELECT STRAIGHT_JOIN c.order_id FROM JSON_TABLE(?, '$[*]' COLUMNS"
	" (k VARCHAR(96) PATH '$')) j JOIN cases c ON c.group_key = j.k"
	" WHERE c.kind = 'stock_shortage' AND c.live = 1");

/* The console's cases of a kind: all of them, or those of the orders in
 * a JSON list — the list driving the join, each case looked up by index,
 * whatever the statistics of a case table just bulk-loaded say. */
#define FROM_ALL " FROM cases c"
#define FROM_SCOPE \
	" FROM JSON_TABLE(?, '$[*]' COLUMNS (id BIGINT UNSIGNED PATH '$')) j" \
	" STRAIGHT_JOIN cases c FORCE INDEX (ix_cases_kind_order) ON c.order_id = j.id"
#define LIVE_COLS "SELECT c.id, c.order_id, c.severity, c.facts, c.since"
#define LIVE_WHERE " WHERE c.kind = ? AND c.live = 1"
/* Closed cases that decide what a returning condition does: closed by an
 * agent while it held (cleared_at NULL: it held on), or closed recently. */
#define CLOSED_COLS \
	"SELECT c.id, c.order_id, c.state IN ('resolved', 'dismissed') AND" \
	" c.cleared_at IS NULL, COALESCE(c.cleared_at, c.resolved_at) > NOW() - INTERVAL ? SECOND"
#define CLOSED_WHERE \
	" WHERE c.kind = ? AND c.live IS NULL" \
	" AND ((c.state IN ('resolved', 'dismissed') AND c.cleared_at IS NULL)" \
	"  OR COALESCE(c.cleared_at, c.resolved_at) > NOW() - INTERVAL ? SECOND)"

/* After a pass that changed many cases (a first pass, a rebuild), their
 * statistics are refreshed at once rather than when InnoDB gets round to
 * it: until then they can say the table is nearly empty, and a page's
 * statement planned on that reads every case (see README, Performance). */
#define BULK_CHANGE 500
static struct db_stmt q_analyze = DB_STMT(DB_CONSOLE, "ANALYZE TABLE cases, case_events");
static struct db_stmt q_run = DB_STMT(DB_CONSOLE,
	"INSERT INTO scan_runs (started_at, ms, full, examined, opened, updated, resolved,"
	" reopened, host) VALUES (NOW(3) - INTERVAL ? MICROSECOND, ?, ?, ?, ?, ?, ?, ?, ?)");

/* Who the scanner's changes are by (case events: "system"). */
static struct actor scanner;

struct match {
	long long id, user_id, amount;
	const char *order_no, *since, *warehouse, *carrier, *sku, *x1, *x2, *created;
};

/* What the console knows of a kind's cases, by order id. */
struct known {
	long long case_id;
	int live;
	int severity;
	const char *facts;
	int held;		/* closed by an agent while the condition held */
	int recent;		/* closed within the reopen window */
};

/* An open-addressing map from order id to an index into an array. */
struct idmap {
	long long *keys;
	int *vals;
	size_t cap;
};

static void
idmap_init(struct arena *a, struct idmap *m, size_t n)
{
	m->cap = 64;
	while (m->cap < n * 2 + 1)
		m->cap *= 2;
	m->keys = arena_alloc(a, m->cap * sizeof(*m->keys));
	m->vals = arena_alloc(a, m->cap * sizeof(*m->vals));
}

static int *
idmap_slot(struct idmap *m, long long key)
{
	size_t i = ((unsigned long long)key * 11400714819323198485ULL) & (m->cap - 1);

	while (m->keys[i] && m->keys[i] != key)
		i = (i + 1) & (m->cap - 1);
	if (!m->keys[i]) {
		m->keys[i] = key;
		m->vals[i] = -1;
	}
	return &m->vals[i];
}

static int
idmap_get(const struct idmap *m, long long key)
{
	size_t i = ((unsigned long long)key * 11400714819323198485ULL) & (m->cap - 1);

	while (m->keys[i]) {
		if (m->keys[i] == key)
			return m->vals[i];
		i = (i + 1) & (m->cap - 1);
	}
	return -1;
}

struct pass {
	struct arena a;
	char now[20];
	int full, all;
	struct rule rules[ANOMALY_KINDS];
	long long examined, opened, updated, resolved, reopened;
};

static char *
copy(struct arena *a, const char *s)
{
	return s ? arena_strdup(a, s) : NULL;
}

/* --- what a case says ------------------------------------------------- */

static const char *
facts(struct arena *a, const struct anomaly_kind *k, const struct match *m)
{
	const char *c = k->code;

	if (strcmp(c, "unpaid_timeout") == 0)
		return arena_printf(a, "下单于 %s，仍未付款（应付 ¥%s）", m->since,
		    yuan(a, m->amount));
	if (strcmp(c, "payment_failed") == 0)
		return arena_printf(a, "%s支付失败%s%s，之后没有成功付款",
		    label_of(pay_channels, m->x1)->label, m->x2 && *m->x2 ? "：" : "",
		    m->x2 ? m->x2 : "");
	if (strcmp(c, "duplicate_payment") == 0)
		return arena_printf(a, "%s 笔成功支付共 ¥%s，应付 ¥%s", m->x1,
		    yuan(a, strtoll(m->x2, NULL, 10)), yuan(a, m->amount));
	if (strcmp(c, "not_shipped") == 0)
		return arena_printf(a, "付款于 %s，%s 仓仍未发货", m->since, m->warehouse);
	if (strcmp(c, "logistics_stalled") == 0)
		return arena_printf(a, "%s %s 自 %s 没有新的物流轨迹",
		    label_of(carriers, m->carrier)->label, m->x1, m->since);
	if (strcmp(c, "stock_shortage") == 0)
		return arena_printf(a, "%s 在 %s 仓可用库存 %s", m->sku, m->warehouse, m->x1);
	if (strcmp(c, "price_anomaly") == 0)
		return arena_printf(a, "%s%s%s", strcmp(m->x1, "1") == 0 ?
		    "成交价偏离标价" : "", strcmp(m->x1, "1") == 0 &&
		    strcmp(m->x2, "0") != 0 ? "；" : "", strcmp(m->x2, "0") != 0 ?
		    arena_printf(a, "应付金额与明细相差 ¥%s", yuan(a, strtoll(m->x2, NULL, 10))) :
		    strcmp(m->x1, "1") == 0 ? "" : "商品金额与明细合计不符");
	if (strcmp(c, "address_problem") == 0)
		return strcmp(m->x1, "1") == 0 ? "收货手机号不是有效的手机号码" :
		    strcmp(m->x2, "1") == 0 ? "快递员无法联系收件人" : "收货地址不完整";
	if (strcmp(c, "refund_stuck") == 0)
		return arena_printf(a, "%s 笔退款共 ¥%s，自 %s 仍未完成", m->x2,
		    yuan(a, strtoll(m->x1, NULL, 10)), m->since);
	return k->label;
}

static const char *
cleared_reason(const char *kind)
{
	static const struct { const char *kind, *why; } why[] = {
		{ "unpaid_timeout", "订单已付款或已关闭" },
		{ "payment_failed", "已重新发起支付、支付成功或订单已关闭" },
		{ "duplicate_payment", "重复的款项已处理" },
		{ "not_shipped", "订单已发货或已取消" },
		{ "logistics_stalled", "包裹有了新的轨迹或已签收" },
		{ "stock_shortage", "库存已补足或订单已处理" },
		{ "price_anomaly", "价格和金额已更正" },
		{ "address_problem", "收货信息已更正或订单已结束" },
		{ "refund_stuck", "退款已完成或已处理" },
	};
	size_t i;

	for (i = 0; i < NELEM(why); i++)
		if (strcmp(why[i].kind, kind) == 0)
			return why[i].why;
	return "条件已不成立";
}

/* group: the cause a case shares with others, as key and label. */
static void
group(struct arena *a, const struct anomaly_kind *k, const struct match *m,
    const char **key, const char **label)
{
	*key = *label = NULL;
	if (k->group == NULL)
		return;
	if (strcmp(k->group, "carrier") == 0 && m->carrier) {
		*key = arena_printf(a, "%s:%s", k->code, m->carrier);
		*label = arena_printf(a, "%s · %s", k->label, label_of(carriers, m->carrier)->label);
	} else if (strcmp(k->group, "sku") == 0 && m->sku) {
		*key = arena_printf(a, "%s:%s@%s", k->code, m->sku, m->warehouse);
		*label = arena_printf(a, "%s · %s @ %s 仓", k->label, m->sku, m->warehouse);
	} else if (strcmp(k->group, "warehouse") == 0 && m->warehouse) {
		*key = arena_printf(a, "%s:%s", k->code, m->warehouse);
		*label = arena_printf(a, "%s · %s 仓", k->label, m->warehouse);
	} else if (strcmp(k->group, "payment") == 0 && m->x1) {
		*key = arena_printf(a, "%s:%s:%s", k->code, m->x1, m->x2 ? m->x2 : "");
		*label = arena_printf(a, "%s · %s %s", k->label,
		    label_of(pay_channels, m->x1)->label, m->x2 ? m->x2 : "");
	}
}

/* stamp: "YYYY-MM-DD HH:MM:SS" as seconds since 1970 in its own zone —
 * only differences of two stamps are ever taken. */
static long long
stamp(const char *t)
{
	int y, mo, d, h, mi, se;
	long long days;

	if (t == NULL || sscanf(t, "%d-%d-%d %d:%d:%d", &y, &mo, &d, &h, &mi, &se) != 6)
		return 0;
	y -= mo <= 2;
	days = (long long)(y >= 0 ? y : y - 399) / 400 * 146097;
	{
		long long yoe = y - (long long)(y >= 0 ? y : y - 399) / 400 * 400;
		long long doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;

		days += yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
	}
	return days * 86400 + h * 3600 + mi * 60 + se;
}

/* unstamp: the inverse of stamp, into the arena. */
static char *
unstamp(struct arena *a, long long t)
{
	long long days = t >= 0 ? t / 86400 : (t - 86399) / 86400, secs = t - days * 86400;
	long long z = days + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
	long long doe = z - era * 146097;
	long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
	long long d = doy - (153 * mp + 2) / 5 + 1, m = mp < 10 ? mp + 3 : mp - 9;
	long long y = yoe + era * 400 + (m <= 2);

	return arena_printf(a, "%04lld-%02lld-%02lld %02lld:%02lld:%02lld", y, m, d,
	    secs / 3600, secs / 60 % 60, secs % 60);
}

/* began: when the trouble began — for a kind the clock brings about, when
 * its threshold was crossed. */
static const char *
began(struct arena *a, const struct anomaly_kind *k, const struct rule *r,
    const char *since)
{
	if (!k->timed || since == NULL)
		return since;
	return unstamp(a, stamp(since) + r->threshold);
}

/* --- judging a kind ----------------------------------------------------- */

static int
set_vars(struct pass *p, const struct rule *r, const char *ids)
{
	return DB_EXEC(&p->a, &q_vars, NULL, DB_STR(p->now), DB_INT(r->threshold),
	    DB_INT(r->threshold_high), DB_STR(ids ? ids : "[]"));
}

/* find: the orders in trouble of kind k, among ids (NULL: all). */
static int
find(struct pass *p, const struct anomaly_kind *k, const struct rule *r,
    const char *ids, struct match **out, size_t *n)
{
	struct db_res res;
	struct match *m;
	size_t i = 0;
	int rc;

	if ((rc = set_vars(p, r, ids)) != DB_OK ||
	    (rc = db_exec(&p->a, ids ? k->some : k->all, &res, 0, NULL)) != DB_OK)
		return rc;
	m = arena_alloc(&p->a, (res.rows + 1) * sizeof(*m));
	while ((rc = db_next(&res)) > 0) {
		m[i].id = db_int(&res, 0);
		m[i].order_no = copy(&p->a, db_str(&res, 1));
		m[i].user_id = db_int(&res, 2);
		m[i].amount = db_int(&res, 3);
		/* a row without its time (a paid order without paid_at, on a
		 * replica that lost it): the trouble began with the order */
		m[i].since = copy(&p->a, db_str(&res, db_null(&res, 4) ? 10 : 4));
		m[i].warehouse = copy(&p->a, db_str(&res, 5));
		m[i].carrier = copy(&p->a, db_str(&res, 6));
		m[i].sku = copy(&p->a, db_str(&res, 7));
		m[i].x1 = copy(&p->a, db_str(&res, 8));
		m[i].x2 = copy(&p->a, db_str(&res, 9));
		m[i].created = copy(&p->a, db_str(&res, 10));
		i++;
	}
	*out = m;
	*n = i;
	return rc < 0 ? rc : db_done(&res);
}

/* known: the kind's cases the console has, live and recently closed,
 * among ids (NULL: all). */
static int
known_cases(struct pass *p, const struct anomaly_kind *k, const char *ids,
    struct known **out, struct idmap *map)
{
	struct db_query d;
	struct db_res res, res2;
	struct known *kn;
	size_t n = 0;
	int rc;

	dbq_init(&d, DB_CONSOLE);
	dbq_sql(&d, LIVE_COLS);
	if (ids)
		dbq_cond(&d, FROM_SCOPE, DB_STR(ids));
	else
		dbq_sql(&d, FROM_ALL);
	dbq_cond(&d, LIVE_WHERE, DB_STR(k->code));
	if ((rc = dbq_exec(&p->a, &d, &res)) != DB_OK)
		return rc;
	dbq_init(&d, DB_CONSOLE);
	dbq_cond(&d, CLOSED_COLS, DB_INT(cfg.reopen_window));
	if (ids)
		dbq_cond(&d, FROM_SCOPE, DB_STR(ids));
	else
		dbq_sql(&d, FROM_ALL);
	dbq_sql(&d, CLOSED_WHERE);
	dbq_arg(&d, DB_STR(k->code));
	dbq_arg(&d, DB_INT(cfg.reopen_window));
	dbq_sql(&d, " ORDER BY c.id");
	if ((rc = dbq_exec(&p->a, &d, &res2)) != DB_OK) {
		db_done(&res);
		return rc;
	}
	kn = arena_alloc(&p->a, (res.rows + res2.rows + 1) * sizeof(*kn));
	idmap_init(&p->a, map, res.rows + res2.rows);
	while ((rc = db_next(&res)) > 0) {
		int *slot = idmap_slot(map, db_int(&res, 1));

		kn[n].case_id = db_int(&res, 0);
		kn[n].live = 1;
		kn[n].severity = (int)db_int(&res, 2);
		kn[n].facts = copy(&p->a, db_str(&res, 3));
		*slot = (int)n++;
	}
	if (rc < 0 || (rc = db_done(&res)) != DB_OK) {
		db_done(&res2);
		return rc;
	}
	/* later rows win: a closed case matters only when no live one exists,
	 * and then the newest one */
	while ((rc = db_next(&res2)) > 0) {
		int *slot = idmap_slot(map, db_int(&res2, 1));

		if (*slot >= 0 && kn[*slot].live)
			continue;
		kn[n].case_id = db_int(&res2, 0);
		kn[n].held = db_int(&res2, 2) != 0;
		kn[n].recent = db_int(&res2, 3) != 0;
		*slot = (int)n++;
	}
	*out = kn;
	return rc < 0 ? rc : db_done(&res2);
}

/* flush: run f over a JSON array of ids (when it holds any), and start
 * a new array. */
static int
flush(struct pass *p, json_object **ids, const char *why,
    int (*f)(struct pass *, const char *, const char *))
{
	int rc = DB_OK;

	if (json_object_array_length(*ids) > 0)
		rc = f(p, json_object_to_json_string(*ids), why);
	json_object_put(*ids);
	*ids = json_object_new_array();
	return rc;
}

static int
resolve(struct pass *p, const char *ids, const char *why)
{
	return cases_resolve(&p->a, &scanner, ids, why);
}

static int
marked(struct pass *p, const char *ids, const char *why)
{
	(void)why;
	return cases_cleared(&p->a, ids);
}

/* open_news: open the cases of kind ki in rows (when it holds any), and
 * start a new array. */
static int
open_news(struct pass *p, int ki, json_object **rows)
{
	int rc = DB_OK;

	if (json_object_array_length(*rows) > 0)
		rc = cases_open(&p->a, &scanner, anomaly_kinds[ki].code,
		    p->rules[ki].ack_minutes, p->rules[ki].resolve_minutes,
		    json_object_to_json_string_ext(*rows,
		    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(*rows);
	*rows = json_object_new_array();
	return rc;
}

/* settle: auto-resolve the n live cases of kind k whose condition has
 * cleared (cases[i] on orders[i]).  A case its inhibiting kind now hides
 * (unpaid_timeout once the latest payment failed) says so: the other
 * kind's case takes it over. */
static int
settle(struct pass *p, const struct anomaly_kind *k, size_t n, const long long *cases,
    const long long *orders)
{
	const struct anomaly_kind *by = anomaly_kind(k->inhibited_by);
	const char *why = cleared_reason(k->code), *why_by = NULL;
	json_object *plain = json_object_new_array(), *hid = json_object_new_array();
	struct idmap hidden;
	size_t i, j;
	int rc = DB_OK;

	idmap_init(&p->a, &hidden, by ? n : 0);
	for (i = 0; by && i < n && rc == DB_OK; i += BATCH) {
		json_object *ids = json_object_new_array();
		struct match *m;
		size_t nm;

		for (j = i; j < n && j < i + BATCH; j++)
			json_object_array_add(ids, json_object_new_int64(orders[j]));
		rc = find(p, by, &p->rules[by - anomaly_kinds], json_object_to_json_string(ids),
		    &m, &nm);
		json_object_put(ids);
		for (j = 0; rc == DB_OK && j < nm; j++)
			*idmap_slot(&hidden, m[j].id) = 1;
	}
	if (by)
		why_by = arena_printf(&p->a, "订单出现「%s」，由该异常单接替", by->label);
	for (i = 0; i < n && rc == DB_OK; i++) {
		int h = idmap_get(&hidden, orders[i]) == 1;

		json_object_array_add(h ? hid : plain, json_object_new_int64(cases[i]));
		if (json_object_array_length(plain) >= BATCH)
			rc = flush(p, &plain, why, resolve);
		if (rc == DB_OK && json_object_array_length(hid) >= BATCH)
			rc = flush(p, &hid, why_by, resolve);
	}
	if (rc == DB_OK && (rc = flush(p, &plain, why, resolve)) == DB_OK)
		rc = flush(p, &hid, why_by, resolve);
	json_object_put(plain);
	json_object_put(hid);
	return rc;
}

/* judge: one kind over ids (NULL: everything), and the cases brought in
 * step with what was found. */
static int
judge(struct pass *p, int ki, const char *ids)
{
	const struct anomaly_kind *k = &anomaly_kinds[ki];
	const struct rule *r = &p->rules[ki];
	struct match *m;
	struct known *kn;
	struct idmap map, found;
	json_object *news = json_object_new_array(), *cleared = json_object_new_array();
	long long *gone_cases, *gone_orders;
	size_t n = 0, i, ngone = 0;
	int64_t t0 = now_ms();
	int rc;

	if (!r->enabled)
		goto done_ok;
	if ((rc = find(p, k, r, ids, &m, &n)) != DB_OK ||
	    (rc = known_cases(p, k, ids, &kn, &map)) != DB_OK)
		goto fail;
	idmap_init(&p->a, &found, n);
	if ((rc = db_begin(DB_CONSOLE)) != DB_OK)
		goto fail;
	for (i = 0; i < n; i++) {
		const char *fact = facts(&p->a, k, &m[i]), *gkey, *glabel;
		int sev = case_severity(k, r, m[i].amount, stamp(p->now) - stamp(m[i].since));
		int at = idmap_get(&map, m[i].id);
		struct case_facts cf;

		*idmap_slot(&found, m[i].id) = (int)i;
		group(&p->a, k, &m[i], &gkey, &glabel);
		cf = (struct case_facts){ .severity = sev, .amount = m[i].amount, .facts = fact,
		    .since = began(&p->a, k, r, m[i].since), .warehouse = m[i].warehouse,
		    .carrier = m[i].carrier, .sku = m[i].sku, .group_key = gkey,
		    .group_label = glabel };
		if (at >= 0 && kn[at].live) {
			if (kn[at].severity == sev && strcmp(kn[at].facts, fact) == 0)
				continue;
			if ((rc = case_refresh(&p->a, &scanner, kn[at].case_id, &cf)) != DB_OK)
				goto rollback;
			p->updated++;
		} else if (at >= 0 && kn[at].held) {
			continue;	/* an agent closed it; it merely goes on */
		} else if (at >= 0 && kn[at].recent) {
			if ((rc = case_reopen(&p->a, &scanner, kn[at].case_id, &cf, r->ack_minutes,
			    r->resolve_minutes)) != DB_OK)
				goto rollback;
			p->reopened++;
		} else {
			json_object *row = json_object_new_array();

			json_object_array_add(row, json_object_new_int64(m[i].id));
			json_object_array_add(row, json_object_new_string(m[i].order_no));
			json_object_array_add(row, json_object_new_int64(m[i].user_id));
			json_object_array_add(row, json_object_new_int(sev));
			json_object_array_add(row, json_object_new_int64(m[i].amount));
			json_object_array_add(row, json_object_new_string(cf.since));
			json_object_array_add(row, m[i].warehouse ? json_object_new_string(m[i].warehouse) : NULL);
			json_object_array_add(row, m[i].carrier ? json_object_new_string(m[i].carrier) : NULL);
			json_object_array_add(row, m[i].sku ? json_object_new_string(m[i].sku) : NULL);
			json_object_array_add(row, gkey ? json_object_new_string(gkey) : NULL);
			json_object_array_add(row, glabel ? json_object_new_string(glabel) : NULL);
			json_object_array_add(row, json_object_new_string(fact));
			json_object_array_add(row, json_object_new_string(m[i].created));
			json_object_array_add(news, row);
			p->opened++;
			if (json_object_array_length(news) >= BATCH &&
			    (rc = open_news(p, ki, &news)) != DB_OK)
				goto rollback;
		}
	}
	if ((rc = open_news(p, ki, &news)) != DB_OK)
		goto rollback;
	/* what is known and was not found among what was looked at has cleared */
	gone_cases = arena_alloc(&p->a, (map.cap + 1) * sizeof(*gone_cases));
	gone_orders = arena_alloc(&p->a, (map.cap + 1) * sizeof(*gone_orders));
	for (i = 0; i < map.cap; i++) {
		int at = map.vals[i];

		if (!map.keys[i] || at < 0 || idmap_get(&found, map.keys[i]) >= 0)
			continue;
		if (kn[at].live) {
			gone_cases[ngone] = kn[at].case_id;
			gone_orders[ngone++] = map.keys[i];
			p->resolved++;
		} else if (kn[at].held)
			json_object_array_add(cleared, json_object_new_int64(kn[at].case_id));
		if (json_object_array_length(cleared) >= BATCH &&
		    (rc = flush(p, &cleared, NULL, marked)) != DB_OK)
			goto rollback;
	}
	if ((rc = settle(p, k, ngone, gone_cases, gone_orders)) != DB_OK ||
	    (rc = flush(p, &cleared, NULL, marked)) != DB_OK ||
	    (rc = db_commit(DB_CONSOLE)) != DB_OK)
		goto rollback;
	p->examined += ids ? 0 : (long long)n;
	log_ev(LOG_DEBUG, NULL, "scan_kind", "kind=%s scope=%s found=%zu ms=%lld", k->code,
	    ids ? "changed" : "all", n, (long long)(now_ms() - t0));
done_ok:
	json_object_put(news);
	json_object_put(cleared);
	return DB_OK;
rollback:
	db_rollback(DB_CONSOLE);
fail:
	json_object_put(news);
	json_object_put(cleared);
	log_ev(LOG_ERROR, NULL, "scan_failed", "kind=%s error=%s%s", k->code,
	    db_error(DB_REPLICA), db_error(DB_CONSOLE));
	return rc;
}

/* --- a pass ---------------------------------------------------------------- */

/* changed: the orders touched since the watermark, as JSON arrays of at
 * most BATCH ids each. */
static int
changed(struct pass *p, const char *since, json_object **batches, size_t *nb)
{
	struct db_res res, res2;
	json_object *cur = NULL, *keys;
	struct idmap seen;
	int rc, restocked;

	*nb = 0;
	*batches = json_object_new_array();
	if ((rc = DB_EXEC(&p->a, &q_changed, &res, DB_STR(since), DB_STR(since),
	    DB_STR(since), DB_STR(since), DB_STR(since), DB_STR(since))) != DB_OK)
		return rc;
	if ((rc = DB_EXEC(&p->a, &q_stock_keys, &res2, DB_STR(since))) != DB_OK) {
		db_done(&res);
		return rc;
	}
	keys = json_object_new_array();
	while ((rc = db_next(&res2)) > 0)
		json_object_array_add(keys, json_object_new_string(db_str(&res2, 0)));
	if (rc == 0)
		rc = db_done(&res2);
	if (rc == DB_OK)
		rc = json_object_array_length(keys) == 0 ? DB_NOROW : DB_EXEC(&p->a,
		    &q_restocked, &res2, DB_STR(json_object_to_json_string(keys)));
	json_object_put(keys);
	if (rc != DB_OK && rc != DB_NOROW) {
		db_done(&res);
		db_done(&res2);
		return rc;
	}
	restocked = rc == DB_OK;
	idmap_init(&p->a, &seen, res.rows + (restocked ? res2.rows : 0));
	for (;;) {
		long long id;
		int *slot;

		if ((rc = db_next(&res)) > 0)
			id = db_int(&res, 0);
		else if (rc == 0 && restocked && (rc = db_next(&res2)) > 0)
			id = db_int(&res2, 0);
		else
			break;
		if (*(slot = idmap_slot(&seen, id)) >= 0)
			continue;	/* in both */
		*slot = 1;
		if (cur == NULL || json_object_array_length(cur) >= BATCH) {
			cur = json_object_new_array();
			json_object_array_add(*batches, cur);
			(*nb)++;
		}
		json_object_array_add(cur, json_object_new_int64(id));
		p->examined++;
	}
	db_done(&res);
	db_done(&res2);
	return rc;
}

/* housekeeping: incidents, the silences that ended, the waits that
 * ended, escalation, then the automation rules. */
static int
housekeeping(struct pass *p)
{
	int64_t t0 = now_ms(), t1, t2, t3;
	int rc;

	if ((rc = incidents_update(&p->a, &scanner, cfg.group_window,
	    cfg.group_threshold)) != DB_OK)
		return rc;
	t1 = now_ms();
	if ((rc = silences_release(&p->a, &scanner)) != DB_OK)
		return rc;
	t2 = now_ms();
	if ((rc = cases_wake(&p->a, &scanner)) != DB_OK ||
	    (rc = cases_escalate(&p->a, &scanner)) != DB_OK)
		return rc;
	t3 = now_ms();
	/* the rules act on the cases as this pass left them; a rule that
	 * fails is logged and leaves the pass (and the next one) alone */
	if ((rc = automation_run(&p->a)) != DB_OK)
		log_ev(LOG_ERROR, NULL, "automation_failed", "error=%d", rc);
	log_ev(LOG_DEBUG, NULL, "scan_housekeeping", "incidents_ms=%lld silences_ms=%lld"
	    " escalation_ms=%lld automation_ms=%lld", (long long)(t1 - t0),
	    (long long)(t2 - t1), (long long)(t3 - t2), (long long)(now_ms() - t3));
	return DB_OK;
}

/* pass: one scan.  A full pass (forced, or due: none for full_interval,
 * by any scanner) judges the clock-driven kinds over everything too. */
static int
pass(struct pass *p, int force)
{
	json_object *batches = NULL;
	struct db_res res;
	char since[20] = "", newest[20] = "";
	int64_t t0 = now_ms();
	size_t nb = 0, b;
	int rc, ki, due = 1;
	char host[64] = "";

	arena_reset(&p->a);
	p->examined = p->opened = p->updated = p->resolved = p->reopened = 0;
	if ((rc = db_one(&p->a, &q_now, &res, 0, NULL)) != DB_OK) {
		db_done(&res);
		return rc == DB_NOROW ? DB_FAIL : rc;
	}
	snprintf(p->now, sizeof(p->now), "%s", db_str(&res, 0));
	db_done(&res);
	if ((rc = rules_load(&p->a, p->rules)) != DB_OK)
		return rc;
	/* the newest change now: where the next pass starts */
	if ((rc = db_one(&p->a, &q_newest, &res, 0, NULL)) != DB_OK) {
		db_done(&res);
		return rc == DB_NOROW ? DB_FAIL : rc;
	}
	snprintf(newest, sizeof(newest), "%s", db_str(&res, 0));
	db_done(&res);
	rc = DB_ONE(&p->a, &q_mark_get, &res, DB_STR("changes"));
	if (rc == DB_OK)
		snprintf(since, sizeof(since), "%s", db_str(&res, 0));
	db_done(&res);
	if (rc != DB_OK && rc != DB_NOROW)
		return rc;
	rc = db_one(&p->a, &q_full_age, &res, 0, NULL);
	if (rc == DB_OK)
		due = db_null(&res, 0) || db_int(&res, 0) >= cfg.scan_full_interval ||
		    db_int(&res, 0) < 0;
	db_done(&res);
	if (rc != DB_OK && rc != DB_NOROW)
		return rc;
	p->all = since[0] == '\0';	/* never scanned: everything */
	p->full = force || due || p->all;

	if (!p->all && (rc = changed(p, since, &batches, &nb)) != DB_OK)
		goto out;
	for (ki = 0; ki < ANOMALY_KINDS && !daemon_stopping; ki++) {
		const struct anomaly_kind *k = &anomaly_kinds[ki];

		if (p->all || (p->full && k->timed)) {
			if ((rc = judge(p, ki, NULL)) != DB_OK)
				goto out;
			continue;	/* the changed orders were among them */
		}
		for (b = 0; b < nb; b++)
			if ((rc = judge(p, ki, json_object_to_json_string(
			    json_object_array_get_idx(batches, b)))) != DB_OK)
				goto out;
	}
	if (daemon_stopping)
		goto out;	/* cut short: the next scanner starts from the same mark */
	if ((rc = housekeeping(p)) != DB_OK)
		goto out;
	{
		long long n;

		/* the product name index follows the catalogue */
		if ((rc = prodindex_refresh(&p->a, 0, &n)) != DB_OK)
			goto out;
	}
	if ((rc = DB_EXEC(&p->a, &q_mark_put, NULL, DB_STR("changes"), DB_STR(newest))) != DB_OK ||
	    (p->full && (rc = DB_EXEC(&p->a, &q_mark_put, NULL, DB_STR("full"),
	    DB_STR(p->now))) != DB_OK))
		goto out;
	if (p->opened + p->resolved + p->reopened >= BULK_CHANGE &&
	    (rc = db_exec(&p->a, &q_analyze, NULL, 0, NULL)) != DB_OK)
		goto out;
	gethostname(host, sizeof(host) - 1);
	rc = DB_EXEC(&p->a, &q_run, NULL, DB_INT((now_ms() - t0) * 1000),
	    DB_INT(now_ms() - t0), DB_INT(p->full), DB_INT(p->examined),
	    DB_INT(p->opened), DB_INT(p->updated), DB_INT(p->resolved),
	    DB_INT(p->reopened), DB_STR(host));
	log_ev(LOG_INFO, NULL, "scan", "full=%d all=%d ms=%lld examined=%lld opened=%lld"
	    " updated=%lld resolved=%lld reopened=%lld", p->full, p->all,
	    (long long)(now_ms() - t0), p->examined, p->opened, p->updated, p->resolved,
	    p->reopened);
out:
	if (batches)
		json_object_put(batches);
	return rc;
}

/* --- one scanner at a time ------------------------------------------------ */

/* lease: hold the scanner lock, waiting up to `wait` seconds for it;
 * 1 held, 0 not, or an error. */
static int
lease(struct arena *a, long long wait)
{
	struct db_res res;
	int rc, mine = 0;

	rc = db_one(a, &q_mine, &res, 0, NULL);
	if (rc == DB_OK && db_int(&res, 0) == 1)
		mine = 1;
	db_done(&res);
	if (mine)
		return 1;
	rc = DB_ONE(a, &q_lock, &res, DB_INT(wait));
	mine = rc == DB_OK && db_int(&res, 0) == 1;
	db_done(&res);
	if (rc != DB_OK && rc != DB_NOROW)
		return rc;
	if (mine)
		log_ev(LOG_INFO, NULL, "scanner_lease", "pid=%ld", (long)getpid());
	return mine;
}

int
main(int argc, char **argv)
{
	struct pass p;
	int once = 0, full = 0, i, rc, held;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--once") == 0)
			once = 1;
		else if (strcmp(argv[i], "--full") == 0)
			full = 1;
		else
			die("usage: mend-scan [--once [--full]]");
	}
	daemon_start("mend-scan");
	scanner = actor_make(ACTOR_SCANNER, "mend-scan");
	memset(&p, 0, sizeof(p));
	arena_init(&p.a, 1 << 20);

	if (once) {
		held = lease(&p.a, 0);
		if (held == 1)
			rc = pass(&p, full);
		else if (held == 0) {
			log_ev(LOG_INFO, NULL, "scanner_busy", "pid=%ld", (long)getpid());
			rc = DB_OK;
		} else
			rc = held;
		db_shutdown();
		arena_cleanup(&p.a);
		return rc == DB_OK ? 0 : 1;
	}
	log_ev(LOG_INFO, NULL, "start", "pid=%ld", (long)getpid());
	while (!daemon_stopping) {
		int64_t t0 = now_ms();

		held = lease(&p.a, 5);
		if (held == 1)
			pass(&p, 0);
		else if (held == 0)
			continue;	/* another scanner works: wait for its lock */
		while (!daemon_stopping && now_ms() - t0 < cfg.scan_interval * 1000)
			usleep(200000);
	}
	log_ev(LOG_INFO, NULL, "stop", "pid=%ld", (long)getpid());
	db_shutdown();
	arena_cleanup(&p.a);
	return 0;
}
