/* backtest.c: what a rule would have done over the last days of cases
 * (see automation.h)
 *
 * The cases opened in the window that match the rule's conditions and
 * lasted long enough for its age condition are the ones it would have
 * met, at the moment that condition held (since + the age cut).  In that
 * order, a rule does an order once, and each day at most its daily count
 * and money; the per-pass cap is left out (a pass comes every minute or
 * so).  The money is what the action would have given back as the order
 * stands on the replica: a cancel, what was paid if it was paid by then;
 * a refund, what was paid over the amount due; a soothe, its coupon.
 * A restock rule asks once per SKU and warehouse, on the day its
 * min_orders-th case came, for all the orders of its cases.
 *
 * Of those orders, "the same way" means an agent sent an action of the
 * rule's kind for the order after the case opened (and it did not fail), or resolved the case
 * saying so (its resolution names the action); "differently" means an
 * agent closed the case or acted on the order otherwise.  The rest were
 * left to the scanner or are still open.  Silences and waits of the past
 * are not known and not taken into account.
 */
#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "core/db.h"
#include "domain/automation.h"

#define BATCH 1000		/* orders per replica query */
/* An agent's action that fixes: on its way or done (not refused,
 * withdrawn or failed). */
#define LIVE_STATES "'approval', 'queued', 'sending', 'sent', 'effective'"

#define GROUPS 4096		/* restock: SKUs at warehouses */

/* The orders as the money and the channel need them: j.i is the row. */
static struct db_stmt q_orders = DB_STMT(DB_REPLICA,
	"SELECT j.i, o.channel, o.paid_amount, o.pay_amount,"
	" o.paid_at IS NOT NULL AND o.paid_at <= j.m"
	" FROM JSON_TABLE(?, '$[*]' COLUMNS (i INT PATH '$[0]', id BIGINT UNSIGNED PATH '$[1]',"
	"  m DATETIME PATH '$[2]')) j STRAIGHT_JOIN orders o ON o.id = j.id");

struct bt_row {
	long long order_id, amount;
	char moment[20];
	const char *group;		/* restock: SKU@WAREHOUSE */
	int same, touched, known, channel_ok;
};

static int
read_cases(struct arena *a, const struct automation_rule *r, int days, long long cut,
    struct bt_row **out, size_t *n, int *truncated)
{
	const char *k1, *k2, *word;
	struct db_query q;
	struct db_res res;
	struct bt_row *v;
	int rc;

	automation_same_kinds(r, &k1, &k2, &word);
	dbq_init(&q, DB_CONSOLE);
	dbq_cond(&q, "SELECT c.order_id, DATE_FORMAT(c.since + INTERVAL ? SECOND,"
	    " '%Y-%m-%d %H:%i:%s') AS moment,", DB_INT(cut));
	dbq_sql(&q, " CONCAT(COALESCE(c.sku, ''), '@', COALESCE(c.warehouse, '')),");
	dbq_cond(&q, " EXISTS (SELECT 1 FROM outbox x FORCE INDEX (ix_outbox_order)"
	    " WHERE x.order_id = c.order_id AND x.actor_type = 'agent' AND x.kind IN (?,",
	    DB_STR(k1));
	dbq_cond(&q, " ?) AND x.state IN (" LIVE_STATES ")"
	    " AND x.created_at >= c.opened_at)", DB_STR(k2));
	dbq_cond(&q, " OR (c.state = 'resolved' AND c.resolved_by IS NOT NULL"
	    " AND c.resolution LIKE CONCAT('%', ?, '%')),", DB_STR(word));
	dbq_sql(&q, " (c.state IN ('resolved', 'dismissed') AND c.resolved_by IS NOT NULL)"
	    " OR EXISTS (SELECT 1 FROM outbox x FORCE INDEX (ix_outbox_order)"
	    " WHERE x.order_id = c.order_id AND x.actor_type = 'agent'"
	    " AND x.state IN (" LIVE_STATES ") AND x.created_at >= c.opened_at)");
	dbq_cond(&q, " FROM cases c WHERE c.opened_at >= NOW() - INTERVAL ? DAY", DB_INT(days));
	if (*r->kind)
		dbq_cond(&q, " AND c.kind = ?", DB_STR(r->kind));
	automation_conds(&q, r);
	/* it lasted until the moment the rule would have met it, and that
	 * moment has come */
	dbq_cond(&q, " AND COALESCE(c.resolved_at, NOW()) >= c.since + INTERVAL ? SECOND",
	    DB_INT(cut));
	dbq_cond(&q, " AND c.since + INTERVAL ? SECOND <= NOW()", DB_INT(cut));
	dbq_cond(&q, " ORDER BY moment, c.id LIMIT ?", DB_INT(AUTOMATION_BACKTEST_MAX + 1));
	if ((rc = dbq_exec(a, &q, &res)) != DB_OK)
		return rc;
	v = arena_alloc(a, (res.rows ? res.rows : 1) * sizeof(*v));
	*n = 0;
	while ((rc = db_next(&res)) > 0) {
		struct bt_row *e = &v[*n];

		if (*n == AUTOMATION_BACKTEST_MAX) {
			*truncated = 1;
			break;
		}
		memset(e, 0, sizeof(*e));
		e->order_id = db_int(&res, 0);
		snprintf(e->moment, sizeof(e->moment), "%s", db_str(&res, 1));
		e->group = arena_strdup(a, db_str(&res, 2));
		e->same = db_int(&res, 3) == 1;
		e->touched = db_int(&res, 4) == 1;
		e->channel_ok = 1;
		(*n)++;
	}
	*out = v;
	if (rc < 0) {
		db_done(&res);
		return rc;
	}
	return db_done(&res);
}

/* money: each row's order as the replica has it: its channel and what the
 * action would have given back. */
static int
money(struct arena *a, const struct automation_rule *r, struct bt_row *v, size_t n)
{
	int cancel = strcmp(r->action, "cancel") == 0, refund = strcmp(r->action, "refund") == 0;
	size_t from, i;
	int rc;

	for (i = 0; i < n; i++)
		v[i].amount = strcmp(r->action, "soothe") == 0 ? r->coupon_amount : 0;
	if (!cancel && !refund && *r->channel == '\0')
		return DB_OK;
	for (from = 0; from < n; from += BATCH) {
		struct buf b = { 0 };
		struct db_res res;
		const char *ids;

		buf_puts(&b, "[");
		for (i = from; i < n && i < from + BATCH; i++)
			buf_printf(&b, "%s[%zu,%lld,\"%s\"]", i > from ? "," : "", i, v[i].order_id,
			    v[i].moment);
		buf_puts(&b, "]");
		ids = arena_strdup(a, b.p);
		buf_free(&b);
		if ((rc = DB_EXEC(a, &q_orders, &res, DB_STR(ids))) != DB_OK)
			return rc;
		while ((rc = db_next(&res)) > 0) {
			long long k = db_int(&res, 0), paid = db_int(&res, 2);

			if (k < 0 || (size_t)k >= n)
				continue;
			v[k].known = 1;
			v[k].channel_ok = automation_channel_ok(r, db_str(&res, 1));
			if (cancel)
				v[k].amount = db_int(&res, 4) == 1 ? paid : 0;
			else if (refund)
				v[k].amount = paid > db_int(&res, 3) ? paid - db_int(&res, 3) : 0;
		}
		if (rc < 0 || (rc = db_done(&res)) != DB_OK) {
			db_done(&res);
			return rc;
		}
	}
	if (*r->channel)
		for (i = 0; i < n; i++)
			v[i].channel_ok = v[i].channel_ok && v[i].known;
	return DB_OK;
}

/* A day's totals, in moment order. */
struct daytally {
	char day[11];
	long long count, amount;
};

/* fits: whether one more thing of amount fen fits the day of moment. */
static int
fits(const struct automation_rule *r, struct daytally *t, const char *moment,
    long long amount)
{
	if (strncmp(t->day, moment, 10) != 0) {
		snprintf(t->day, sizeof(t->day), "%.10s", moment);
		t->count = t->amount = 0;
	}
	if (t->count >= r->day_count || t->amount + amount > r->day_amount)
		return 0;
	t->count++;
	t->amount += amount;
	return 1;
}

/* An order set: open addressing over the order ids done. */
struct orderset {
	long long *keys;
	size_t cap;
};

static void
orderset_init(struct arena *a, struct orderset *s, size_t n)
{
	s->cap = 64;
	while (s->cap < n * 2 + 1)
		s->cap *= 2;
	s->keys = arena_alloc(a, s->cap * sizeof(*s->keys));
	memset(s->keys, 0, s->cap * sizeof(*s->keys));
}

static size_t
orderset_slot(const struct orderset *s, long long id)
{
	size_t i = ((unsigned long long)id * 11400714819323198485ULL) & (s->cap - 1);

	while (s->keys[i] && s->keys[i] != id)
		i = (i + 1) & (s->cap - 1);
	return i;
}

static int
orderset_has(const struct orderset *s, long long id)
{
	return s->keys[orderset_slot(s, id)] == id;
}

static void
orderset_add(struct orderset *s, long long id)
{
	s->keys[orderset_slot(s, id)] = id;
}

static void
count(struct automation_backtest *b, const struct bt_row *e)
{
	b->orders++;
	b->amount += e->amount;
	if (e->same)
		b->same++;
	else if (e->touched)
		b->different++;
}

static void
tally_cases(struct arena *a, const struct automation_rule *r, struct bt_row *v, size_t n,
    struct automation_backtest *b)
{
	struct daytally t = { "", 0, 0 };
	struct orderset done;
	size_t i;

	orderset_init(a, &done, n);
	for (i = 0; i < n; i++) {
		/* a case of an order done already is not met again; one left
		 * by the caps may be met through its next case */
		if (!v[i].channel_ok || orderset_has(&done, v[i].order_id) ||
		    !fits(r, &t, v[i].moment, v[i].amount))
			continue;
		orderset_add(&done, v[i].order_id);
		count(b, &v[i]);
	}
	b->requests = b->orders;
}

static void
tally_restock(struct arena *a, const struct automation_rule *r, struct bt_row *v, size_t n,
    struct automation_backtest *b)
{
	const char **keys = arena_alloc(a, GROUPS * sizeof(*keys));
	long long *cases = arena_alloc(a, GROUPS * sizeof(*cases));
	int *asked = arena_alloc(a, GROUPS * sizeof(*asked)), *g = arena_alloc(a,
	    (n ? n : 1) * sizeof(*g));
	long long need = r->min_orders > 0 ? r->min_orders : 1;
	struct daytally t = { "", 0, 0 };
	struct orderset done;
	size_t i, k, ng = 0;

	orderset_init(a, &done, n);
	for (i = 0; i < n; i++) {
		g[i] = -1;
		if (!v[i].channel_ok)
			continue;
		for (k = 0; k < ng && strcmp(keys[k], v[i].group) != 0; k++)
			;
		if (k == ng) {
			if (ng == GROUPS) {
				b->truncated = 1;
				continue;
			}
			keys[ng] = v[i].group;
			cases[ng] = 0;
			asked[ng++] = 0;
		}
		g[i] = (int)k;
		/* its min_orders-th case: the day it would have asked */
		if (++cases[k] == need && fits(r, &t, v[i].moment, 0)) {
			asked[k] = 1;
			b->requests++;
		}
	}
	for (i = 0; i < n; i++)
		if (g[i] >= 0 && asked[g[i]] && !orderset_has(&done, v[i].order_id)) {
			orderset_add(&done, v[i].order_id);
			count(b, &v[i]);
		}
}

int
automation_backtest(struct arena *a, const struct automation_rule *r, int days,
    struct automation_backtest *b)
{
	struct bt_row *v = NULL;
	size_t n = 0;
	long long cut;
	int rc;

	memset(b, 0, sizeof(*b));
	b->days = days;
	if ((rc = automation_age_cut(a, r, &cut)) != DB_OK ||
	    (rc = read_cases(a, r, days, cut, &v, &n, &b->truncated)) != DB_OK ||
	    (rc = money(a, r, v, n)) != DB_OK)
		return rc;
	if (strcmp(r->action, "restock") == 0)
		tally_restock(a, r, v, n, b);
	else
		tally_cases(a, r, v, n, b);
	return DB_OK;
}
