/* automation.c: the rules at work — the scanner's call and the dry run
 * (see automation.h)
 *
 * A rule's turn has two halves.  plan() reads the live cases its
 * conditions match (the console), each order's facts (the replica), and
 * builds what the rule would ask for, in the order it would ask, marking
 * what its caps leave out: the dry run shows exactly this.  automation_run
 * then writes each planned thing in its own transaction, reading the kill
 * switch, the rule and the day's totals again under lock, so a lead's
 * stop, a lowered cap or a second scanner counts at once.
 *
 * Nothing is done twice.  A case whose order the rule already did, or
 * with an action of the same kind on its way or done, is not read at all;
 * a thing done today is kept from a second time by automation_actions'
 * unique (rule, target, day) and by the outbox's idempotency key, both
 * made from the rule, the target and the day — the console's CURDATE(),
 * read once per turn.
 *
 * Caveats: a rule reads at most LOOK cases a turn, oldest trouble first;
 * a restock rule's channel condition is its first short order's channel.
 */
#include <string.h>

#include <sodium.h>

#include "core/db.h"
#include "core/log.h"
#include "core/text.h"
#include "core/util.h"
#include "domain/actions.h"
#include "domain/automation.h"
#include "domain/cases.h"
#include "domain/outbox.h"

#define LOOK 2000		/* cases (restock: SKUs) a rule reads a turn */
#define COUPON_REASON "delay"

static struct db_stmt q_day = DB_STMT(DB_CONSOLE,
	"SELECT DATE_FORMAT(CURDATE(), '%Y-%m-%d')");
static struct db_stmt q_switch_lock = DB_STMT(DB_CONSOLE,
	"SELECT stopped FROM automation_switch WHERE id = 1 FOR UPDATE");
static struct db_stmt q_rule_lock = DB_STMT(DB_CONSOLE,
	"SELECT enabled, pass_cap, day_count, day_amount FROM automation_rules"
	" WHERE code = ? FOR UPDATE");
static struct db_stmt q_done = DB_STMT(DB_CONSOLE,
	"SELECT COUNT(*), COALESCE(SUM(amount), 0) FROM automation_actions"
	" FORCE INDEX (ix_automation_day) WHERE day = ? AND rule = ?");
static struct db_stmt q_record = DB_STMT(DB_CONSOLE,
	"INSERT INTO automation_actions (rule, day, target, order_id, order_no, case_id,"
	" outbox_id, amount, summary, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NOW())");
/* The duplicate payment to give back: the latest one with money left. */
static struct db_stmt q_extra = DB_STMT(DB_REPLICA,
	"SELECT t.payment_no, t.channel, t.left_fen FROM (SELECT p.payment_no, p.channel,"
	" p.paid_at, p.id, p.amount - COALESCE((SELECT SUM(f.amount) FROM refunds f"
	"  WHERE f.payment_id = p.id AND f.status IN ('success', 'pending', 'processing')), 0)"
	"  AS left_fen FROM payments p WHERE p.order_id = ? AND p.status = 'success') t"
	" WHERE t.left_fen > 0 ORDER BY t.paid_at DESC, t.id DESC LIMIT 1");
static struct db_stmt q_stock = DB_STMT(DB_REPLICA,
	"SELECT on_hand - reserved FROM inventory WHERE sku = ? AND warehouse = ?");

/* One thing planned, with the requests it makes. */
struct job {
	struct automation_plan p;
	struct outbox_new n[2];
	int nn;
	const char *note;	/* soothe: the case note */
};

/* key: the idempotency key of a rule's request: the rule, the target,
 * the day and the kind, hashed. */
static const char *
key(struct arena *a, const char *code, const char *target, const char *day,
    const char *kind)
{
	unsigned char h[crypto_hash_sha256_BYTES];
	const char *src = arena_printf(a, "%s\n%s\n%s\n%s", code, target, day, kind);
	char *hex = arena_alloc(a, sizeof(h) * 2 + 1);

	crypto_hash_sha256(h, (const unsigned char *)src, strlen(src));
	sodium_bin2hex(hex, sizeof(h) * 2 + 1, h, sizeof(h));
	hex[40] = '\0';
	return arena_printf(a, "rule-%s", hex);
}

/* candidates: the rule's live cases (restock: SKUs at warehouses), oldest
 * trouble first: columns case, order, order_no, amount, sku, warehouse,
 * short orders. */
static int
candidates(struct arena *a, const struct automation_rule *r, const char *day,
    struct db_res *res)
{
	const char *k1, *k2, *word;
	struct db_query q;
	long long cut;
	int restock = strcmp(r->action, "restock") == 0, rc;

	if ((rc = automation_age_cut(a, r, &cut)) != DB_OK)
		return rc;
	automation_same_kinds(r, &k1, &k2, &word);
	dbq_init(&q, DB_CONSOLE);
	if (restock)
		dbq_sql(&q, "SELECT MIN(c.id), MIN(c.order_id), '', 0, c.sku, c.warehouse,"
		    " COUNT(*), MIN(c.since) AS first");
	else
		dbq_sql(&q, "SELECT c.id, c.order_id, c.order_no, c.amount,"
		    " COALESCE(c.sku, ''), COALESCE(c.warehouse, ''), 1, c.since AS first");
	dbq_sql(&q, " FROM cases c WHERE c.live = 1 AND c.state IN ('open', 'acknowledged')"
	    " AND c.silence_id IS NULL");
	if (*r->kind)
		dbq_cond(&q, " AND c.kind = ?", DB_STR(r->kind));
	automation_conds(&q, r);
	dbq_cond(&q, " AND c.since <= NOW() - INTERVAL ? SECOND", DB_INT(cut));
	if (restock) {
		dbq_sql(&q, " AND NOT EXISTS (SELECT 1 FROM outbox x FORCE INDEX (ix_outbox_due)"
		    " WHERE x.state IN ('approval', 'queued', 'sending', 'sent')"
		    " AND x.kind = 'restock' AND JSON_VALUE(x.body, '$.sku') = c.sku"
		    " AND JSON_VALUE(x.body, '$.warehouse') = c.warehouse)");
		dbq_cond(&q, " AND NOT EXISTS (SELECT 1 FROM automation_actions d"
		    " WHERE d.rule = ?", DB_STR(r->code));
		dbq_cond(&q, " AND d.day = ?"
		    " AND d.target = CONCAT('stock:', c.sku, '@', c.warehouse))", DB_STR(day));
		dbq_cond(&q, " GROUP BY c.sku, c.warehouse HAVING COUNT(*) >= ?",
		    DB_INT(r->min_orders > 0 ? r->min_orders : 1));
	} else {
		dbq_cond(&q, " AND NOT EXISTS (SELECT 1 FROM automation_actions d"
		    " FORCE INDEX (ix_automation_order) WHERE d.rule = ?"
		    " AND d.order_id = c.order_id)", DB_STR(r->code));
		dbq_cond(&q, " AND NOT EXISTS (SELECT 1 FROM outbox x FORCE INDEX (ix_outbox_order)"
		    " WHERE x.order_id = c.order_id AND x.kind IN (?", DB_STR(k1));
		dbq_cond(&q, ", ?) AND x.state IN ('approval', 'queued', 'sending', 'sent',"
		    " 'effective'))", DB_STR(k2));
	}
	dbq_cond(&q, " ORDER BY first, 1 LIMIT ?", DB_INT(LOOK + 1));
	return dbq_exec(a, &q, res);
}

/* build_refund: the extra payment of an order paid more than once. */
static int
build_refund(struct arena *a, const struct actor *who, const struct action_order *o,
    struct job *j)
{
	struct db_res res;
	long long extra = order_held(&o->st) - o->st.pay_amount, amount;
	int rc;

	if (extra <= 0) {
		j->p.skip = "没有多付的款项";
		return DB_OK;
	}
	rc = DB_ONE(a, &q_extra, &res, DB_INT(o->id));
	if (rc == DB_OK) {
		amount = db_int(&res, 2) < extra ? db_int(&res, 2) : extra;
		action_refund(a, who, o, db_str(&res, 0), db_str(&res, 1), amount,
		    "重复支付，自动退还多付的一笔", &j->n[j->nn++]);
	} else if (rc == DB_NOROW)
		j->p.skip = "没有可退的付款";
	db_done(&res);
	return rc == DB_NOROW ? DB_OK : rc;
}

/* build_restock: one request for the whole shortfall of the SKU. */
static int
build_restock(struct arena *a, const struct actor *who, const struct action_order *o,
    const char *sku, const char *warehouse, struct job *j)
{
	struct db_res res;
	int rc = DB_ONE(a, &q_stock, &res, DB_STR(sku), DB_STR(warehouse));

	if (rc == DB_OK && db_int(&res, 0) < 0 && strcmp(o->warehouse, warehouse) == 0)
		action_restock(a, who, o, sku, -db_int(&res, 0), &j->n[j->nn++]);
	else if (rc == DB_OK || rc == DB_NOROW)
		j->p.skip = "库存已经够了";
	db_done(&res);
	return rc == DB_NOROW ? DB_OK : rc;
}

/* build: what the rule asks for the job's order (its facts read now), or
 * why not (j->p.skip); *match 0 when the order is not the rule's at all. */
static int
build(struct arena *a, const struct automation_rule *r, const struct actor *who,
    const char *day, struct job *j, const char *sku, const char *warehouse, int *match)
{
	struct action_order o;
	const char *channel, *why = NULL;
	const struct sms_template *t;
	int rc, i;

	*match = 1;
	memset(&o, 0, sizeof(o));
	if ((rc = action_order_load(a, j->p.order_id, &o, &channel)) == DB_NOROW) {
		j->p.skip = "副本中没有这个订单";
		return DB_OK;
	}
	if (rc != DB_OK)
		return rc;
	j->p.order_no = o.no;
	if (!automation_channel_ok(r, channel)) {
		*match = 0;
		return DB_OK;
	}
	if (strcmp(r->action, "soothe") == 0) {
		if ((why = action_why_not(a, "sms", &o.st)) == NULL)
			why = action_why_not(a, "compensate", &o.st);
	} else
		why = action_why_not(a, r->action, &o.st);
	if (why) {
		j->p.skip = why;
		return DB_OK;
	}
	if (strcmp(r->action, "cancel") == 0)
		action_cancel(a, who, &o, "unpaid", arena_printf(a, "自动处理规则：%s",
		    label_of(actor_names, r->code)->label), &j->n[j->nn++]);
	else if (strcmp(r->action, "refund") == 0) {
		if ((rc = build_refund(a, who, &o, j)) != DB_OK)
			return rc;
	} else if (strcmp(r->action, "restock") == 0) {
		if ((rc = build_restock(a, who, &o, sku, warehouse, j)) != DB_OK)
			return rc;
	} else if (strcmp(r->action, "soothe") == 0) {
		for (t = sms_templates; t->code && strcmp(t->code, r->sms_template) != 0; t++)
			;
		if (t->code == NULL) {
			j->p.skip = "规则的短信模板不存在";
			return DB_OK;
		}
		action_sms(a, who, &o, t, &j->n[j->nn++]);
		action_compensate(a, who, &o, r->coupon_amount, COUPON_REASON, "物流停滞，自动补偿",
		    r->coupon_days > 0 ? r->coupon_days : 30, &j->n[j->nn++]);
		j->note = "物流停滞：已通知快递组向承运商核实包裹去向（自动处理）";
	}
	j->p.amount = 0;
	for (i = 0; i < j->nn; i++) {
		j->n[i].case_id = j->p.case_id;
		j->n[i].key = key(a, r->code, j->p.target, day, j->n[i].kind);
		j->p.amount += j->n[i].amount;
	}
	if (j->nn)
		j->p.summary = j->nn > 1 ? arena_printf(a, "%s；%s", j->n[0].summary,
		    j->n[1].summary) : j->n[0].summary;
	return DB_OK;
}

/* The caps as they stand for a plan: what may still be done. */
struct room {
	long long count, amount;
	const char *full;	/* why no more, once count is spent */
};

static void
room_of(const struct automation_rule *r, const struct automation_day *today, struct room *w)
{
	long long day_left = r->day_count - today->count;

	w->count = r->pass_cap < day_left ? r->pass_cap : day_left;
	w->full = r->pass_cap < day_left ? "已达每轮上限" : "已达每天单数上限";
	if (w->count < 0)
		w->count = 0;
	w->amount = r->day_amount - today->amount;
}

/* plan: the rule's jobs in order, each to do or with why not; stops after
 * the caps are spent when `all` is 0 (the scanner's turn). */
static int
plan(struct arena *a, const struct automation_rule *r, const char *day,
    const struct automation_day *today, int all, struct job **out, int *n,
    struct automation_dry *d)
{
	struct actor who = actor_make(ACTOR_RULE, r->code);
	struct db_res res;
	struct room w;
	struct job *v;
	int rc, match;

	*n = 0;
	room_of(r, today, &w);
	if ((rc = candidates(a, r, day, &res)) != DB_OK)
		return rc;
	v = arena_alloc(a, (res.rows ? res.rows : 1) * sizeof(*v));
	while ((rc = db_next(&res)) > 0) {
		struct job *j = &v[*n];

		if (d->matched >= LOOK) {
			d->truncated = 1;
			break;
		}
		if (!all && w.count == 0)
			continue;	/* the caps are spent: read no more facts */
		memset(j, 0, sizeof(*j));
		j->p.case_id = db_int(&res, 0);
		j->p.order_id = db_int(&res, 1);
		j->p.order_amount = db_int(&res, 3);
		j->p.orders = db_int(&res, 6);
		j->p.target = strcmp(r->action, "restock") == 0 ?
		    arena_printf(a, "stock:%s@%s", db_str(&res, 4), db_str(&res, 5)) :
		    arena_printf(a, "case:%lld", j->p.case_id);
		if ((rc = build(a, r, &who, day, j, arena_strdup(a, db_str(&res, 4)),
		    arena_strdup(a, db_str(&res, 5)), &match)) != DB_OK)
			break;
		if (!match)
			continue;
		d->matched++;
		(*n)++;
		if (j->p.skip)
			continue;
		d->eligible++;
		d->eligible_amount += j->p.amount;
		if (w.count == 0)
			j->p.skip = w.full;
		else if (j->p.amount > w.amount)
			j->p.skip = "超出每天金额上限";
		else {
			w.count--;
			w.amount -= j->p.amount;
			d->acts++;
			d->amount += j->p.amount;
		}
	}
	if (rc < 0) {
		db_done(&res);
		return rc;
	}
	*out = v;
	return db_done(&res);
}

static int
today_of(struct arena *a, const char *code, const char *day, struct automation_day *t)
{
	struct db_res res;
	int rc = DB_ONE(a, &q_done, &res, DB_STR(day), DB_STR(code));

	t->count = t->amount = 0;
	if (rc == DB_OK) {
		t->count = db_int(&res, 0);
		t->amount = db_int(&res, 1);
	}
	db_done(&res);
	return rc == DB_NOROW ? DB_OK : rc;
}

static int
curdate(struct arena *a, const char **day)
{
	struct db_res res;
	int rc = db_one(a, &q_day, &res, 0, NULL);

	*day = rc == DB_OK ? arena_strdup(a, db_str(&res, 0)) : "";
	db_done(&res);
	return rc == DB_NOROW ? DB_FAIL : rc;
}

int
automation_today(struct arena *a, const char *code, struct automation_day *d)
{
	const char *day;
	int rc = curdate(a, &day);

	return rc == DB_OK ? today_of(a, code, day, d) : rc;
}

int
automation_dry_run(struct arena *a, const struct automation_rule *r,
    struct automation_dry *d)
{
	const char *day;
	struct job *v = NULL;
	int rc, n, i;

	memset(d, 0, sizeof(*d));
	if ((rc = curdate(a, &day)) != DB_OK ||
	    (rc = today_of(a, r->code, day, &d->today)) != DB_OK ||
	    (rc = plan(a, r, day, &d->today, 1, &v, &n, d)) != DB_OK)
		return rc;
	d->v = arena_alloc(a, (n < AUTOMATION_DRY_ROWS ? n + 1 : AUTOMATION_DRY_ROWS) *
	    sizeof(*d->v));
	/* what it would do first, then what it would leave */
	for (i = 0; i < n && d->n < AUTOMATION_DRY_ROWS; i++)
		if (v[i].p.skip == NULL)
			d->v[d->n++] = v[i].p;
	for (i = 0; i < n && d->n < AUTOMATION_DRY_ROWS; i++)
		if (v[i].p.skip != NULL)
			d->v[d->n++] = v[i].p;
	return DB_OK;
}

/* --- the scanner's turn --------------------------------------------------- */

enum outcome { DONE, SKIPPED, RULE_OFF, ALL_OFF };

/* locked: the switch and the rule, under lock, and what the rule did
 * today: may one more thing of amount fen be done, with `done` done in
 * this pass? */
static int
locked(struct arena *a, const struct automation_rule *r, const char *day, long long amount,
    long long done, enum outcome *out)
{
	struct db_res res;
	struct automation_day t;
	long long pass_cap = 0, day_count = 0, day_amount = 0;
	int rc = db_one(a, &q_switch_lock, &res, 0, NULL);

	if (rc == DB_OK && db_int(&res, 0) != 0)
		*out = ALL_OFF;
	db_done(&res);
	if (rc != DB_OK || *out == ALL_OFF)
		return rc == DB_NOROW ? DB_FAIL : rc;
	rc = DB_ONE(a, &q_rule_lock, &res, DB_STR(r->code));
	if (rc == DB_OK) {
		if (db_int(&res, 0) == 0)
			*out = RULE_OFF;
		pass_cap = db_int(&res, 1);
		day_count = db_int(&res, 2);
		day_amount = db_int(&res, 3);
	}
	db_done(&res);
	if (rc == DB_NOROW)
		*out = RULE_OFF;
	if (rc != DB_OK || *out == RULE_OFF)
		return rc == DB_NOROW ? DB_OK : rc;
	if ((rc = today_of(a, r->code, day, &t)) != DB_OK)
		return rc;
	if (done >= pass_cap || t.count >= day_count)
		*out = RULE_OFF;
	else if (t.amount + amount > day_amount)
		*out = SKIPPED;
	return DB_OK;
}

/* act: one job, in its own transaction. */
static int
act(struct arena *a, const struct automation_rule *r, const char *day, struct job *j,
    long long done, enum outcome *out)
{
	struct actor who = actor_make(ACTOR_RULE, r->code);
	long long id, first = 0;
	const char *state;
	int rc, i;

	*out = DONE;
	if ((rc = db_begin(DB_CONSOLE)) != DB_OK)
		return rc;
	if ((rc = locked(a, r, day, j->p.amount, done, out)) != DB_OK || *out != DONE)
		goto out;
	for (i = 0; i < j->nn; i++) {
		rc = outbox_submit(a, &who, &j->n[i], &id, &state);
		if (rc == OUTBOX_REPEAT || rc == KEY_REUSED) {
			*out = SKIPPED;		/* done already, by this rule today */
			rc = DB_OK;
			goto out;
		}
		if (rc != DOM_OK)
			goto out;
		first = first ? first : id;
	}
	rc = DB_EXEC(a, &q_record, NULL, DB_STR(r->code), DB_STR(day), DB_STR(j->p.target),
	    DB_INT(j->p.order_id), DB_STR(j->p.order_no),
	    j->p.case_id ? DB_INT(j->p.case_id) : DB_NULL, first ? DB_INT(first) : DB_NULL,
	    DB_INT(j->p.amount), db_clip(j->p.summary, 255));
	if (rc == DB_DUP) {
		*out = SKIPPED;
		rc = DB_OK;
		goto out;
	}
	if (rc == DB_OK && j->note && j->p.case_id)
		rc = case_act(a, &who, j->p.case_id, "note", &(struct case_args){ .text = j->note });
	if (rc == DB_OK)
		return db_commit(DB_CONSOLE);
out:
	db_rollback(DB_CONSOLE);
	if (rc > 0) {
		/* a refusal (the case changed meanwhile): this one is left */
		*out = SKIPPED;
		rc = DB_OK;
	}
	return rc;
}

/* run_rule: the rule's turn; *stop set when the switch is off. */
static int
run_rule(struct arena *a, const struct automation_rule *r, const char *day, int *stop)
{
	struct automation_dry d;
	struct automation_day today;
	struct job *v = NULL;
	enum outcome o = DONE;
	long long done = 0, amount = 0, skipped = 0;
	int rc, n, i;

	memset(&d, 0, sizeof(d));
	if ((rc = today_of(a, r->code, day, &today)) != DB_OK ||
	    (rc = plan(a, r, day, &today, 0, &v, &n, &d)) != DB_OK)
		return rc;
	for (i = 0; i < n && rc == DB_OK; i++) {
		if (v[i].p.skip)
			continue;
		rc = act(a, r, day, &v[i], done, &o);
		if (rc != DB_OK || o == RULE_OFF || o == ALL_OFF)
			break;
		if (o == SKIPPED)
			skipped++;
		else {
			done++;
			amount += v[i].p.amount;
		}
	}
	*stop = o == ALL_OFF;
	if (done || skipped || rc != DB_OK)
		log_ev(rc == DB_OK ? LOG_INFO : LOG_ERROR, NULL, "automation",
		    "rule=%s acted=%lld amount=%lld skipped=%lld matched=%lld error=%d", r->code,
		    done, amount, skipped, d.matched, rc);
	return rc;
}

int
automation_run(struct arena *a)
{
	struct automation_rule v[AUTOMATION_MAX];
	struct automation_switch s;
	const char *day;
	int rc, first = DB_OK, n, i, stop = 0;

	if ((rc = automation_switch_get(a, &s)) != DB_OK)
		return rc;
	if (s.stopped)
		return DB_OK;
	if ((rc = automation_rules_load(a, v, AUTOMATION_MAX, &n)) != DB_OK ||
	    (rc = curdate(a, &day)) != DB_OK)
		return rc;
	for (i = 0; i < n && !stop; i++) {
		if (!v[i].enabled)
			continue;
		/* one rule's failure is logged and leaves the others at work */
		if ((rc = run_rule(a, &v[i], day, &stop)) != DB_OK && first == DB_OK)
			first = rc;
	}
	if (stop)
		log_ev(LOG_INFO, NULL, "automation_stopped", "by=%s", "switch");
	return first;
}
