/* plan.c: the statements of a search — the counts and the page
 * (see search.h)
 *
 * Every search is "these orders, newest first".  Two ways to list them:
 * when the matches are many (the count passed 1,000) the newest orders are
 * walked in index order and each is checked, which stops after 51; when
 * they are few, they are collected wherever the optimizer finds them
 * fastest and the few are sorted.  The count, asked first, decides.
 *
 * Product names are matched in the products table first, never by a scan
 * of orders: a narrow term (few products) goes from those products through
 * order_items to the orders; a broad one walks the newest orders and keeps
 * those holding a matching product (see ../shared NOTES for the plans;
 * products.c finds the products).  A name, a tracking number and a
 * payment's numbers go from their own index to the few orders they name.
 *
 * Keyset pages, never an OFFSET: after a cursor the nearest older rows;
 * before it the nearest newer ones, read the other way and turned round.
 */
#include <string.h>

#include "core/buf.h"
#include "search.h"

/* --- composing the statement ------------------------------------------- */

/* F_STATUS_SET: the statuses as one argument, in a union's branches led by
 * their own index (a statement holds at most DB_MAX_ARGS arguments) */
enum { F_KEYSET = 1, F_STATUS = 2, F_WALK = 4, F_CARRIER = 8, F_STATUS_SET = 16 };

/* keyset_order: newest first; for a page before the cursor, oldest first
 * (the rows nearest the cursor), which the outer statement turns round. */
static void
keyset_order(struct db_query *d, const struct search *s, int by_no)
{
	if (by_no && s->backward)
		dbq_sql(d, " ORDER BY o.order_no");
	else if (by_no)
		dbq_sql(d, " ORDER BY o.order_no DESC");
	else if (s->backward)
		dbq_sql(d, " ORDER BY o.created_at, o.id");
	else
		dbq_sql(d, " ORDER BY o.created_at DESC, o.id DESC");
}

static void
status_in(struct db_query *d, const struct search *s)
{
	int i;

	dbq_sql(d, " AND o.status IN (");
	for (i = 0; i < s->nstatus; i++) {
		if (i)
			dbq_sql(d, ", ?");
		else
			dbq_sql(d, "?");
		dbq_arg(d, DB_STR(s->status_list[i]));
	}
	dbq_sql(d, ")");
}

/* filters: the conditions every mode shares, on the orders alias o.  A
 * broad product term is one of them: an order holding an item of that
 * name (as sold). */
static void
filters(struct db_query *d, const struct search *s, int f)
{
	if ((f & F_STATUS) && s->nstatus)
		status_in(d, s);
	if ((f & F_STATUS_SET) && s->nstatus)
		dbq_cond(d, " AND FIND_IN_SET(o.status, ?)", DB_STR(s->statuses));
	if (s->from[0])
		dbq_cond(d, " AND o.created_at >= ?", DB_STR(s->from));
	if (s->to[0])
		dbq_cond(d, " AND o.created_at <= ?", DB_STR(s->to));
	if (s->min >= 0)
		dbq_cond(d, " AND o.pay_amount >= ?", DB_INT(s->min));
	if (s->max >= 0)
		dbq_cond(d, " AND o.pay_amount <= ?", DB_INT(s->max));
	if ((f & F_CARRIER) && s->carrier) {
		dbq_sql(d, " AND EXISTS (SELECT 1 FROM shipments sh"
		    " WHERE sh.order_id = o.id AND sh.carrier = ?)");
		dbq_arg(d, DB_STR(s->carrier));
	}
	if (s->anomaly) {
		dbq_sql(d, " AND o.id IN (SELECT a.id FROM JSON_TABLE(?, '$[*]' COLUMNS"
		    " (id BIGINT UNSIGNED PATH '$')) a)");
		dbq_arg(d, DB_STR(s->anomaly_ids));
	}
	if (s->mode == M_PRODUCT && s->broad) {
		dbq_sql(d, " AND EXISTS (SELECT 1 FROM order_items oi"
		    " WHERE oi.order_id = o.id AND oi.product_name LIKE ?)");
		dbq_arg(d, DB_STR(s->like));
	}
	if (!(f & F_KEYSET))
		return;
	if (s->after_no && s->backward)
		dbq_cond(d, " AND o.order_no > ?", DB_STR(s->after_no));
	else if (s->after_no)
		dbq_cond(d, " AND o.order_no < ?", DB_STR(s->after_no));
	else if (s->after_at[0]) {
		if (s->backward)
			dbq_sql(d, " AND o.created_at >= ? AND (o.created_at > ? OR o.id > ?)");
		else
			dbq_sql(d, " AND o.created_at <= ? AND (o.created_at < ? OR o.id < ?)");
		dbq_arg(d, DB_STR(s->after_at));
		dbq_arg(d, DB_STR(s->after_at));
		dbq_arg(d, DB_INT(s->after_id));
	}
}

/* newest: orders that pass the filters.  Walking: in (created_at, id)
 * order — per status when statuses are asked for, one ordered walk each,
 * so a rare status does not mean reading past every other order.  Not
 * walking: by status when statuses are asked for (the carrier checked per
 * order: unshipped statuses have no parcels at all), else from the
 * carrier's shipments when a carrier is, else from whichever index the
 * optimizer likes. */
static void
newest(struct db_query *d, const struct search *s, int f)
{
	int i, keyset = f & F_KEYSET;

	if (!(f & F_WALK) && s->carrier && !s->nstatus) {
		dbq_sql(d, " FROM shipments sh STRAIGHT_JOIN orders o ON o.id = sh.order_id"
		    " WHERE sh.carrier = ?");
		dbq_arg(d, DB_STR(s->carrier));
		filters(d, s, keyset);
	} else if (!(f & F_WALK)) {
		/* few: never the "avoid the sort" plan that reads every order */
		dbq_sql(d, " FROM orders o IGNORE INDEX FOR ORDER BY (ix_orders_created) WHERE 1");
		filters(d, s, keyset | F_STATUS | F_CARRIER);
	} else if (s->nstatus == 0) {
		dbq_sql(d, " FROM orders o FORCE INDEX (ix_orders_created) WHERE 1");
		filters(d, s, keyset | F_CARRIER);
	} else if (s->nstatus == 1) {
		dbq_sql(d, " FROM orders o FORCE INDEX (ix_orders_status) WHERE 1");
		filters(d, s, keyset | F_STATUS | F_CARRIER);
	} else {
		dbq_sql(d, " FROM (");
		for (i = 0; i < s->nstatus; i++) {
			if (i)
				dbq_sql(d, " UNION ALL (");
			else
				dbq_sql(d, "(");
			dbq_sql(d, "SELECT o.id, o.created_at FROM orders o"
			    " FORCE INDEX (ix_orders_status) WHERE o.status = ?");
			dbq_arg(d, DB_STR(s->status_list[i]));
			filters(d, s, keyset | F_CARRIER);
			keyset_order(d, s, 0);
			dbq_sql(d, " LIMIT 51)");
		}
		dbq_sql(d, ") o WHERE 1");
	}
}

/* matches: "FROM ... WHERE ..." giving o.id and o.created_at (and
 * o.order_no) of the orders the search finds. */
static void
matches(struct db_query *d, const struct search *s, int f)
{
	int keyset = f & F_KEYSET;

	switch (s->mode) {
	case M_LATEST:
		newest(d, s, f);
		return;
	case M_ORDER:
		dbq_sql(d, " FROM orders o WHERE o.order_no = ?");
		dbq_arg(d, DB_STR(s->value));
		break;
	case M_PREFIX:
		dbq_sql(d, " FROM orders o WHERE o.order_no LIKE CONCAT(?, '%')");
		dbq_arg(d, DB_STR(s->value));
		break;
	case M_PHONE:
		/* the receiver's phone, or the phone of the customer's account */
		dbq_sql(d, " FROM ((SELECT o.id, o.created_at FROM orders o"
		    " WHERE o.receiver_phone = ?");
		dbq_arg(d, DB_STR(s->value));
		filters(d, s, keyset | F_STATUS_SET | F_CARRIER);
		dbq_sql(d, ") UNION (SELECT o.id, o.created_at FROM users u"
		    " JOIN orders o ON o.user_id = u.id WHERE u.phone = ?");
		dbq_arg(d, DB_STR(s->value));
		filters(d, s, keyset | F_STATUS_SET | F_CARRIER);
		dbq_sql(d, ")) o WHERE 1");
		return;
	case M_TAIL:
		dbq_sql(d, " FROM orders o WHERE o.receiver_phone_tail = ?");
		dbq_arg(d, DB_STR(s->value));
		break;
	case M_USER:
		dbq_sql(d, " FROM orders o WHERE o.user_id = ?");
		dbq_arg(d, DB_INT(s->user_id));
		break;
	case M_PRODUCT:
		if (s->broad) {
			newest(d, s, f);
			return;
		}
		/* a few products: from them, through their items */
		dbq_sql(d, " FROM JSON_TABLE(?, '$[*]' COLUMNS (pid BIGINT UNSIGNED"
		    " PATH '$')) p STRAIGHT_JOIN order_items oi ON oi.product_id = p.pid"
		    " STRAIGHT_JOIN orders o ON o.id = oi.order_id WHERE 1");
		dbq_arg(d, DB_STR(s->product_ids));
		break;
	case M_NAME:
		/* the receiver's name, or the name on the customer's account;
		 * a page takes the newest 51 of each (a common name has many) */
		dbq_sql(d, " FROM ((SELECT o.id, o.created_at FROM orders o"
		    " WHERE o.receiver_name = ?");
		dbq_arg(d, DB_STR(s->value));
		filters(d, s, keyset | F_STATUS_SET | F_CARRIER);
		if (keyset) {
			keyset_order(d, s, 0);
			dbq_sql(d, " LIMIT 51");
		}
		dbq_sql(d, ") UNION (SELECT o.id, o.created_at FROM users u"
		    " STRAIGHT_JOIN orders o ON o.user_id = u.id WHERE u.name = ?");
		dbq_arg(d, DB_STR(s->value));
		filters(d, s, keyset | F_STATUS_SET | F_CARRIER);
		if (keyset) {
			keyset_order(d, s, 0);
			dbq_sql(d, " LIMIT 51");
		}
		dbq_sql(d, ")) o WHERE 1");
		return;
	case M_TRACKING:
		dbq_sql(d, " FROM shipments t STRAIGHT_JOIN orders o ON o.id = t.order_id"
		    " WHERE t.tracking_no = ?");
		dbq_arg(d, DB_STR(s->value));
		break;
	case M_TRADE:
		dbq_sql(d, " FROM payments pay STRAIGHT_JOIN orders o ON o.id = pay.order_id"
		    " WHERE pay.trade_no = ?");
		dbq_arg(d, DB_STR(s->value));
		break;
	case M_PAYMENT:
		dbq_sql(d, " FROM payments pay STRAIGHT_JOIN orders o ON o.id = pay.order_id"
		    " WHERE pay.payment_no = ?");
		dbq_arg(d, DB_STR(s->value));
		break;
	case M_NMODES:
		break;
	}
	filters(d, s, keyset | F_STATUS | F_CARRIER);
}

/* repeats: can the plan meet one order twice (an order with two matching
 * items, two parcels of the carrier or with one number, two payments)? */
static int
repeats(const struct search *s, int f)
{
	return (s->mode == M_PRODUCT && !s->broad) || s->mode == M_TRACKING ||
	    s->mode == M_TRADE || s->mode == M_PAYMENT ||
	    ((s->mode == M_LATEST || s->mode == M_PRODUCT) && !(f & F_WALK) &&
	    s->carrier && !s->nstatus);
}

/* count_expr: how many match, up to 1,001, by whatever path is quickest
 * — the order does not matter here. */
static void
count_expr(struct db_query *d, const struct search *s)
{
	if (s->mode == M_PRODUCT && !has_filters(s)) {
		/* nothing to check on the order itself: its items suffice */
		dbq_sql(d, "SELECT COUNT(*) FROM (SELECT DISTINCT oi.order_id FROM"
		    " JSON_TABLE(?, '$[*]' COLUMNS (pid BIGINT UNSIGNED PATH '$')) p"
		    " STRAIGHT_JOIN order_items oi ON oi.product_id = p.pid LIMIT 1001) c");
		dbq_arg(d, DB_STR(s->product_ids));
		return;
	}
	if (repeats(s, 0))
		dbq_sql(d, "SELECT COUNT(*) FROM (SELECT DISTINCT o.id");
	else
		dbq_sql(d, "SELECT COUNT(*) FROM (SELECT o.id");
	matches(d, s, 0);
	dbq_sql(d, " LIMIT 1001) c");
}

/* plan_count_decides: must the count be known before the page can be
 * planned?  Only when walking the newest orders could mean reading a great
 * many to find a few: an amount or a carrier among the newest, or a
 * product.  Else the count rides along in the page's statement: one round
 * trip. */
int
plan_count_decides(const struct search *s)
{
	return (s->mode == M_LATEST && (s->min >= 0 || s->max >= 0 || s->carrier ||
	    s->anomaly)) || s->mode == M_PRODUCT;
}

/* page: the page's statement, PAGE_ROWS + 1 rows (the last says there is
 * another page), newest first. */
static void
page(struct db_query *d, const struct search *s, int walk, int count, unsigned others)
{
	int by_no = s->mode == M_PREFIX, f = F_KEYSET | (walk ? F_WALK : 0), i;

	dbq_init(d, DB_REPLICA);
	dbq_sql(d, "SELECT o.id, o.order_no, o.status, o.pay_amount,"
	    " DATE_FORMAT(o.created_at, '%Y-%m-%d %H:%i:%s'), u.name, o.receiver_phone,");
	/* the item shown: for a product term, one whose name (as sold) holds it */
	if (s->mode == M_PRODUCT)
		dbq_cond(d, " (SELECT oi.product_name FROM order_items oi WHERE oi.order_id = o.id"
		    " ORDER BY oi.product_name LIKE ? DESC, oi.id LIMIT 1),", DB_STR(s->like));
	else
		dbq_sql(d, " (SELECT oi.product_name FROM order_items oi WHERE oi.order_id = o.id"
		    " ORDER BY oi.id LIMIT 1),");
	dbq_sql(d, " DATE_FORMAT(o.created_at, '%Y%m%d%H%i%s'), o.receiver_name");
	if (count) {
		dbq_sql(d, ", (");
		count_expr(d, s);
		dbq_sql(d, ")");
	}
	for (i = 0; i < s->nrd; i++) {
		struct search t;

		if (!(others & (1u << i)))
			continue;
		t = *s;
		reading_use(&t, i);
		dbq_sql(d, ", (");
		count_expr(d, &t);
		dbq_sql(d, ")");
	}
	dbq_sql(d, " FROM (SELECT ");
	if (repeats(s, f))
		dbq_sql(d, "DISTINCT o.id, o.created_at");
	else
		dbq_sql(d, "o.id, o.created_at");
	if (by_no)
		dbq_sql(d, ", o.order_no");
	matches(d, s, f);
	keyset_order(d, s, by_no);
	dbq_sql(d, " LIMIT 51) k JOIN orders o ON o.id = k.id LEFT JOIN users u ON u.id = o.user_id");
	if (by_no)
		dbq_sql(d, " ORDER BY o.order_no DESC");
	else
		dbq_sql(d, " ORDER BY o.created_at DESC, o.id DESC");
}

/* plan_page: the page, with the counts of others when they fit. */
int
plan_page(struct db_query *d, const struct search *s, int walk, int count, unsigned others)
{
	page(d, s, walk, count, others);
	if (!d->overflow || !others)
		return 0;
	page(d, s, walk, count, 0);
	return -1;
}

/* plan_counts: one statement counting each reading asked for: a count
 * alone as it always was, several side by side; when they do not fit in
 * one statement, one at a time. */
int
plan_counts(struct req *r, struct search *s, unsigned which)
{
	struct db_query d;
	struct db_res res;
	int i, n = __builtin_popcount(which), rc, col = 0;

	if (n == 0)
		return DB_OK;
	dbq_init(&d, DB_REPLICA);
	if (n > 1)
		dbq_sql(&d, "SELECT ");
	for (i = 0; i < s->nrd; i++) {
		struct search t;

		if (!(which & (1u << i)))
			continue;
		t = *s;
		reading_use(&t, i);
		if (n > 1 && col++)
			dbq_sql(&d, ", (");
		else if (n > 1)
			dbq_sql(&d, "(");
		count_expr(&d, &t);
		if (n > 1)
			dbq_sql(&d, ")");
	}
	if (d.overflow && n > 1) {
		for (i = 0; i < s->nrd; i++)
			if ((which & (1u << i)) && (rc = plan_counts(r, s, 1u << i)) != DB_OK)
				return rc;
		return DB_OK;
	}
	if ((rc = dbq_exec(&r->arena, &d, &res)) != DB_OK)
		return rc;
	if ((rc = db_next(&res)) > 0)
		for (i = 0, col = 0; i < s->nrd; i++)
			if (which & (1u << i))
				s->rd[i].count = db_int(&res, (unsigned)col++);
	col = db_done(&res);
	return rc < 0 ? rc : col;
}
