/* plan.c: the statements of a search — the count, the page, the cases
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
 * products.c finds the products).  The anomaly filter and the page's
 * badges come from the console's cases.
 */
#include <string.h>

#include "core/buf.h"
#include "core/model.h"
#include "domain/anomaly.h"
#include "search.h"

#define ANOMALY_MAX 5000	/* anomalous orders an anomaly=1 search looks at */

/* The newest orders with a live case, for anomaly=1. */
static struct db_stmt q_anomalous = DB_STMT(DB_CONSOLE,
	"SELECT order_id FROM cases WHERE live = 1"
	" ORDER BY order_created_at DESC, order_id DESC LIMIT 10000");
/* The live cases of a page's orders, for their badges: from the page's
 * ids, each looked up by index.  STRAIGHT_JOIN: left to the optimizer, a
 * case table whose statistics still say it is empty (right after a bulk
 * load: a scanner's first pass, a rebuild) was read whole for every page. */
static struct db_stmt q_badges = DB_STMT(DB_CONSOLE,
	"SELECT STRAIGHT_JOIN c.order_id, GROUP_CONCAT(DISTINCT c.kind ORDER BY c.kind)"
	" FROM JSON_TABLE(?, '$[*]' COLUMNS (id BIGINT UNSIGNED PATH '$')) j"
	" JOIN cases c FORCE INDEX (ix_cases_order) ON c.order_id = j.id AND c.live = 1"
	" GROUP BY c.order_id");

/* --- composing the statement ------------------------------------------- */

enum { F_KEYSET = 1, F_STATUS = 2, F_WALK = 4, F_CARRIER = 8 };

static int
has_filters(const struct search *s)
{
	return s->nstatus || s->from[0] || s->to[0] || s->min >= 0 || s->max >= 0 ||
	    s->carrier || s->anomaly;
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
	if ((f & F_KEYSET) && s->after_no)
		dbq_cond(d, " AND o.order_no < ?", DB_STR(s->after_no));
	else if ((f & F_KEYSET) && s->after_at[0]) {
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
			dbq_sql(d, " ORDER BY o.created_at DESC, o.id DESC LIMIT 51)");
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
		filters(d, s, keyset | F_STATUS | F_CARRIER);
		dbq_sql(d, ") UNION (SELECT o.id, o.created_at FROM users u"
		    " JOIN orders o ON o.user_id = u.id WHERE u.phone = ?");
		dbq_arg(d, DB_STR(s->value));
		filters(d, s, keyset | F_STATUS | F_CARRIER);
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
	}
	filters(d, s, keyset | F_STATUS | F_CARRIER);
}

/* repeats: can the plan meet one order twice (an order with two matching
 * items, or two parcels of the carrier)? */
static int
repeats(const struct search *s, int f)
{
	return (s->mode == M_PRODUCT && !s->broad) ||
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

/* plan_page: the page, 51 rows (the 51st says there is a next page); with
 * count set, every row also carries the count, as column 9. */
void
plan_page(struct db_query *d, const struct search *s, int walk, int count)
{
	int by_no = s->mode == M_PREFIX, f = F_KEYSET | (walk ? F_WALK : 0);

	dbq_init(d, DB_REPLICA);
	dbq_sql(d, "SELECT o.id, o.order_no, o.status, o.pay_amount,"
	    " DATE_FORMAT(o.created_at, '%Y-%m-%d %H:%i:%s'), u.name, o.receiver_phone,"
	    " (SELECT oi.product_name FROM order_items oi WHERE oi.order_id = o.id"
	    " ORDER BY oi.id LIMIT 1), DATE_FORMAT(o.created_at, '%Y%m%d%H%i%s')");
	if (count) {
		dbq_sql(d, ", (");
		count_expr(d, s);
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
	if (by_no)
		dbq_sql(d, " ORDER BY o.order_no DESC LIMIT 51");
	else
		dbq_sql(d, " ORDER BY o.created_at DESC, o.id DESC LIMIT 51");
	dbq_sql(d, ") k JOIN orders o ON o.id = k.id LEFT JOIN users u ON u.id = o.user_id");
	if (by_no)
		dbq_sql(d, " ORDER BY o.order_no DESC");
	else
		dbq_sql(d, " ORDER BY o.created_at DESC, o.id DESC");
}

static void
count_query(struct db_query *d, const struct search *s)
{
	dbq_init(d, DB_REPLICA);
	count_expr(d, s);
}

/* plan_count: the count statement alone. */
long long
plan_count(struct req *r, const struct search *s, int *rc)
{
	struct db_query d;
	struct db_res res;
	long long n = 0;

	count_query(&d, s);
	if ((*rc = dbq_exec(&r->arena, &d, &res)) != DB_OK)
		return 0;
	if (db_next(&res) > 0)
		n = db_int(&res, 0);
	*rc = db_done(&res);
	return n;
}

/* --- the console's cases ----------------------------------------------- */

/* plan_anomalous: the newest orders with a live case, as a JSON list. */
int
plan_anomalous(struct req *r, struct search *s)
{
	struct db_res res;
	struct buf ids = { 0 };
	int rc = db_exec(&r->arena, &q_anomalous, &res, 0, NULL), n = 0;

	if (rc != DB_OK)
		return rc;
	buf_putc(&ids, '[');
	while (n < ANOMALY_MAX && db_next(&res) > 0) {
		buf_printf(&ids, "%s%s", n ? "," : "", db_str(&res, 0));
		n++;
	}
	buf_putc(&ids, ']');
	rc = db_done(&res);
	s->anomaly_ids = arena_strdup(&r->arena, ids.p);
	buf_free(&ids);
	return rc;
}

/* plan_badges: the anomaly kinds of the page's orders, from the console. */
int
plan_badges(struct req *r, json_object *rows, const char *ids)
{
	struct db_res res;
	size_t i, n = json_object_array_length(rows);
	int rc;

	if (n == 0)
		return DB_OK;
	if ((rc = DB_EXEC(&r->arena, &q_badges, &res, DB_STR(ids))) != DB_OK)
		return rc;
	while (db_next(&res) > 0) {
		long long id = db_int(&res, 0);
		char *kinds = arena_strdup(&r->arena, db_str(&res, 1)), *k, *save = NULL;

		for (i = 0; i < n; i++) {
			json_object *row = json_object_array_get_idx(rows, i), *arr, *v;

			if (!json_object_object_get_ex(row, "id", &v) || json_object_get_int64(v) != id)
				continue;
			json_object_object_del(row, "has_anomaly");
			m_bool(row, "has_anomaly", 1);
			json_object_object_get_ex(row, "anomalies", &arr);
			for (k = strtok_r(kinds, ",", &save); k; k = strtok_r(NULL, ",", &save)) {
				const struct anomaly_kind *ak = anomaly_kind(k);

				m_push(arr, json_object_new_string(ak ? ak->label : k));
			}
			break;
		}
	}
	return db_done(&res);
}
