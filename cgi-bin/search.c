/* search.c: find any order from one box
 *
 * GET /search   (view_orders)
 *   q        up to 200 characters, recognised as
 *              16 digits                  an order number
 *              6 to 15 digits             the start of an order number
 *                                         (listed by number, newest first)
 *              1[3-9] and 9 more digits   a mobile number: the receiver's
 *                                         or the customer's account
 *              4 digits                   the last four digits of the
 *                                         receiver's mobile, only together
 *                                         with another filter
 *              u123, uid:123, 用户123,    a user id
 *              or 1 to 5 digits (not 4)
 *              anything else, 2 or more   a product name substring
 *              characters
 *            Empty: the latest orders.
 *   status   repeatable; pending paid shipped delivered completed
 *            cancelled refunding refunded
 *   from, to created time, YYYY-MM-DD or YYYY-MM-DD HH:MM (inclusive)
 *   min, max amount payable in yuan, at most two decimals
 *   carrier  SF ZTO YTO YD STO JD EMS
 *   anomaly  1: only orders with an open anomaly case (the newest 5,000 such)
 *   after    where the next page starts (the "next" link carries it)
 *
 * Filters combine with AND.  Newest first, 50 a page, keyset pagination
 * on (created_at, id) — or on the order number for a prefix — so pages
 * stay stable while new orders arrive.  The count is exact up to 1,000.
 *
 * Product names are matched in the products table first, never by a scan
 * of orders: a narrow term (few products) goes from those products through
 * order_items to the orders; a broad one walks the newest orders and keeps
 * those holding a matching product (see ../shared NOTES for the plans).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "anomaly.h"
#include "app.h"
#include "auth.h"
#include "db.h"
#include "model.h"
#include "prodindex.h"
#include "resp.h"
#include "shop.h"
#include "url.h"
#include "util.h"

#define PAGE_ROWS 50
#define COUNT_CAP 1000
#define NARROW_PRODUCTS 40	/* more matching products: the broad plan */

enum mode { M_LATEST, M_ORDER, M_PREFIX, M_PHONE, M_TAIL, M_USER, M_PRODUCT };

static const char *const mode_labels[] = {
	"最新订单", "订单号", "订单号前缀", "手机号", "手机尾号", "用户 ID", "商品名称",
};

/* What the request asks for, validated. */
struct search {
	enum mode mode;
	const char *q;			/* as typed */
	const char *value;		/* what the mode searches for */
	long long user_id;
	char statuses[128];		/* "paid,pending" for FIND_IN_SET */
	const char *status_list[8];
	int nstatus;
	char from[20], to[20];		/* "YYYY-MM-DD HH:MM:SS" or "" */
	long long min, max;		/* fen, -1: none */
	const char *carrier;
	char after_at[20];		/* keyset: created_at and id ... */
	long long after_id;
	const char *after_no;		/* ... or the order number */
	char *product_ids;		/* JSON array of the matching products */
	int confirmed;			/* ... checked against their names */
	int broad;			/* product term matches many products */
	char like[420];			/* the product term as a LIKE pattern */
	int anomaly;			/* only orders with a live case */
	char *anomaly_ids;		/* ... the newest of them, as JSON */
};

#define GRAM_MAX_TERM 6	/* grams of a term looked up in the index */

#define ANOMALY_MAX 5000	/* anomalous orders an anomaly=1 search looks at */

/* The newest orders with a live case, for anomaly=1. */
static struct db_stmt q_anomalous = DB_STMT(DB_CONSOLE,
	"SELECT order_id FROM cases WHERE live = 1"
	" ORDER BY order_created_at DESC, order_id DESC LIMIT 10000");
/* The live cases of a page's orders, for their badges. */
static struct db_stmt q_badges = DB_STMT(DB_CONSOLE,
	"SELECT order_id, GROUP_CONCAT(DISTINCT kind ORDER BY kind)"
	" FROM cases FORCE INDEX (ix_cases_order) WHERE live = 1 AND order_id IN (SELECT j.id FROM JSON_TABLE(?, '$[*]'"
	" COLUMNS (id BIGINT UNSIGNED PATH '$')) j) GROUP BY order_id");
static struct db_stmt q_ready = DB_STMT(DB_CONSOLE,
	"SELECT 1 FROM index_state WHERE name = 'products'");
static struct db_stmt q_like_all = DB_STMT(DB_REPLICA,
	"SELECT id FROM products WHERE name LIKE ? LIMIT 20001");
static struct db_stmt q_confirm = DB_STMT(DB_REPLICA,
	"SELECT p.id FROM JSON_TABLE(?, '$[*]' COLUMNS (pid BIGINT UNSIGNED PATH '$')) j"
	" JOIN products p ON p.id = j.pid WHERE p.name LIKE ?");

/* --- reading the request ----------------------------------------------- */

static int
all_digits(const char *s, size_t *n)
{
	*n = strlen(s);
	return *n > 0 && strspn(s, "0123456789") == *n;
}

/* user_ref: "u123", "uid:123", "uid 123", "用户123" -> 123 */
static int
user_ref(const char *q, long long *id)
{
	const char *p = NULL;
	size_t n;

	if (q[0] == 'u' || q[0] == 'U')
		p = q + 1;
	if (strncasecmp(q, "uid", 3) == 0)
		p = q + 3;
	if (strncmp(q, "用户", 6) == 0)
		p = q + 6;
	if (p == NULL)
		return 0;
	while (*p == ':' || *p == ' ' || *p == '#')
		p++;
	return all_digits(p, &n) && n <= 12 && parse_i64(p, n, id) == 0;
}

static void
recognise(struct search *s)
{
	size_t n;
	const char *q = s->q;

	if (q == NULL) {
		s->mode = M_LATEST;
		return;
	}
	if (all_digits(q, &n)) {
		if (n == 11 && q[0] == '1' && q[1] >= '3' && q[1] <= '9')
			s->mode = M_PHONE;
		else if (n == 4)
			s->mode = M_TAIL;
		else if (n >= 16)
			s->mode = M_ORDER;
		else if (n >= 6)
			s->mode = M_PREFIX;
		else {
			s->mode = M_USER;
			parse_i64(q, n, &s->user_id);
		}
	} else if (user_ref(q, &s->user_id))
		s->mode = M_USER;
	else
		s->mode = M_PRODUCT;
	s->value = q;
}

/* parse_after: "YYYYMMDDHHMMSS-ID" (time order) or an order number. */
static int
parse_after(struct search *s, const char *in)
{
	size_t n = strlen(in);

	if (s->mode == M_PREFIX) {
		if (!order_no_valid(in))
			return -1;
		s->after_no = in;
		return 0;
	}
	if (n < 16 || n > 35 || in[14] != '-' || strspn(in, "0123456789") != 14 ||
	    !all_digits(in + 15, &n) || parse_i64(in + 15, n, &s->after_id) < 0)
		return -1;
	snprintf(s->after_at, sizeof(s->after_at), "%.4s-%.2s-%.2s %.2s:%.2s:%.2s",
	    in, in + 4, in + 6, in + 8, in + 10, in + 12);
	return 0;
}

static void
like_pattern(struct search *s)
{
	const char *p;
	size_t o = 0;

	s->like[o++] = '%';
	for (p = s->q; *p && o < sizeof(s->like) - 3; p++) {
		if (*p == '%' || *p == '_' || *p == '\\')
			s->like[o++] = '\\';
		s->like[o++] = *p;
	}
	s->like[o++] = '%';
	s->like[o] = '\0';
}

/* read_params: fill s; field messages go to errs. */
static void
read_params(struct req *r, struct search *s, json_object *m, json_object *errs)
{
	const char *v, *st[9];
	int n, i, rc;

	memset(s, 0, sizeof(*s));
	s->min = s->max = -1;
	rc = req_str(r, "q", 200, &s->q);
	m_str(m, "q", rc == REQ_BAD ? req_get(r, "q") : s->q ? s->q : "");
	if (rc == REQ_BAD)
		m_str(errs, "q", "最多 200 个字。At most 200 characters.");
	recognise(s);

	n = req_all(r, "status", st, 8);
	if (n < 0)
		m_str(errs, "status", "最多选 8 个状态。At most 8 statuses.");
	for (i = 0; i < n; i++) {
		if (!label_known(order_statuses, st[i])) {
			m_str(errs, "status", "没有这个订单状态。Unknown status.");
			break;
		}
		if (!strstr(s->statuses, st[i])) {
			snprintf(s->statuses + strlen(s->statuses),
			    sizeof(s->statuses) - strlen(s->statuses), "%s%s",
			    s->nstatus ? "," : "", st[i]);
			s->status_list[s->nstatus++] = st[i];
		}
	}
	if ((rc = req_str(r, "from", 16, &v)) == REQ_BAD ||
	    (rc == REQ_OK && parse_time(v, 0, s->from) < 0))
		m_str(errs, "from", "日期格式：2026-11-23 或 2026-11-23 08:30");
	m_str(m, "from", req_get(r, "from") ? req_get(r, "from") : "");
	if ((rc = req_str(r, "to", 16, &v)) == REQ_BAD ||
	    (rc == REQ_OK && parse_time(v, 1, s->to) < 0))
		m_str(errs, "to", "日期格式：2026-11-23 或 2026-11-23 18:00");
	m_str(m, "to", req_get(r, "to") ? req_get(r, "to") : "");
	if (s->from[0] && s->to[0] && strcmp(s->from, s->to) > 0 &&
	    !json_object_object_get_ex(errs, "to", NULL))
		m_str(errs, "to", "结束时间早于开始时间。The range is inverted.");
	if ((rc = req_str(r, "min", 16, &v)) == REQ_BAD ||
	    (rc == REQ_OK && parse_yuan(v, &s->min) < 0))
		m_str(errs, "min", "金额格式：如 99 或 99.50");
	m_str(m, "min", req_get(r, "min") ? req_get(r, "min") : "");
	if ((rc = req_str(r, "max", 16, &v)) == REQ_BAD ||
	    (rc == REQ_OK && parse_yuan(v, &s->max) < 0))
		m_str(errs, "max", "金额格式：如 99 或 99.50");
	m_str(m, "max", req_get(r, "max") ? req_get(r, "max") : "");
	if (s->min >= 0 && s->max >= 0 && s->min > s->max &&
	    !json_object_object_get_ex(errs, "max", NULL))
		m_str(errs, "max", "最高金额小于最低金额。The range is inverted.");
	if ((rc = req_str(r, "anomaly", 1, &v)) == REQ_BAD ||
	    (rc == REQ_OK && strcmp(v, "1") != 0))
		m_str(errs, "anomaly", "anomaly 只能是 1");
	s->anomaly = rc == REQ_OK && strcmp(v, "1") == 0;
	m_bool(m, "anomaly", s->anomaly);
	if ((rc = req_str(r, "carrier", 8, &s->carrier)) == REQ_BAD ||
	    (rc == REQ_OK && !label_known(carriers, s->carrier)))
		m_str(errs, "carrier", "没有这个快递公司。Unknown carrier.");

	if (s->mode == M_TAIL && !s->nstatus && !s->from[0] && !s->to[0] &&
	    s->min < 0 && s->max < 0 && !s->carrier && !s->anomaly)
		m_str(errs, "q", "按手机尾号搜索时，请再加一个条件（时间、状态、金额或快递）。"
		    "Add another filter to search by the last four digits.");
	if (s->mode == M_PRODUCT && s->q && utf8_len(s->q, strlen(s->q)) < 2)
		m_str(errs, "q", "商品名称至少输入 2 个字。Enter at least 2 characters.");
	if (s->mode == M_USER && (s->user_id <= 0))
		m_str(errs, "q", "用户 ID 不正确。Not a user id.");
	if ((rc = req_str(r, "after", 40, &v)) == REQ_BAD ||
	    (rc == REQ_OK && parse_after(s, v) < 0))
		m_str(errs, "after", "分页参数不正确，请从第一页开始。Bad page cursor.");
}

/* --- composing the statement -------------------------------------------
 *
 * Every search is "these orders, newest first".  Two ways to list them:
 * when the matches are many (the count passed 1,000) the newest orders are
 * walked in index order and each is checked, which stops after 51; when
 * they are few, they are collected wherever the optimizer finds them
 * fastest and the few are sorted.  The count, asked first, decides.
 */

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
		dbq_sql(d, i ? ", ?" : "?");
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
			dbq_sql(d, i ? " UNION ALL (" : "(");
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
	dbq_sql(d, repeats(s, 0) ? "SELECT COUNT(*) FROM (SELECT DISTINCT o.id" :
	    "SELECT COUNT(*) FROM (SELECT o.id");
	matches(d, s, 0);
	dbq_sql(d, " LIMIT 1001) c");
}

/* count_decides: must the count be known before the page can be planned?
 * Only when walking the newest orders could mean reading a great many to
 * find a few: an amount or a carrier among the newest, or a product.  Else
 * the count rides along in the page's statement: one round trip. */
static int
count_decides(const struct search *s)
{
	return (s->mode == M_LATEST && (s->min >= 0 || s->max >= 0 || s->carrier ||
	    s->anomaly)) || s->mode == M_PRODUCT;
}

/* page_query: the page, 51 rows (the 51st says there is a next page); with
 * count set, every row also carries the count, as column 9. */
static void
page_query(struct db_query *d, const struct search *s, int walk, int count)
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
	dbq_sql(d, repeats(s, f) ? "DISTINCT o.id, o.created_at" : "o.id, o.created_at");
	if (by_no)
		dbq_sql(d, ", o.order_no");
	matches(d, s, f);
	dbq_sql(d, by_no ? " ORDER BY o.order_no DESC LIMIT 51" :
	    " ORDER BY o.created_at DESC, o.id DESC LIMIT 51");
	dbq_sql(d, ") k JOIN orders o ON o.id = k.id LEFT JOIN users u ON u.id = o.user_id");
	dbq_sql(d, by_no ? " ORDER BY o.order_no DESC" :
	    " ORDER BY o.created_at DESC, o.id DESC");
}

static void
count_query(struct db_query *d, const struct search *s)
{
	dbq_init(d, DB_REPLICA);
	count_expr(d, s);
}

static long long
search_count(struct req *r, const struct search *s, int *rc)
{
	struct db_query d;
	struct db_res res;
	long long n = 0;

	count_query(&d, s);
	if ((*rc = dbq_exec(&r->arena, &d, &res)) == DB_OK && db_next(&res))
		n = db_int(&res, 0);
	db_done(&res);
	return n;
}

/* index_ready: has the product name index been built?  Once it has, it
 * stays so; until then, asked again at most once a minute. */
static int
index_ready(struct req *r)
{
	static int ready;
	static int64_t asked;
	struct db_res res;

	if (ready || (asked && now_ms() - asked < 60000))
		return ready;
	asked = now_ms();
	ready = db_one(&r->arena, &q_ready, &res, 0, NULL) == DB_OK;
	db_done(&res);
	if (!ready)
		rlog(r, LOG_WARN, "product_index_missing", "hint=%s", "mendctl index");
	return ready;
}

/* candidates: ids of the products whose name may hold the term: from the
 * gram index, or (before it exists) from the catalogue itself. */
static int
candidates(struct req *r, struct search *s, struct db_res *res, int *exact)
{
	char g[GRAM_MAX_TERM][GRAM_MAX + 1];
	struct db_query d;
	size_t n, i;

	*exact = !index_ready(r);
	if (*exact)
		return DB_EXEC(&r->arena, &q_like_all, res, DB_STR(s->like));
	n = prodindex_grams(s->q, g, GRAM_MAX_TERM);
	dbq_init(&d, DB_CONSOLE);
	dbq_sql(&d, "SELECT product_id FROM product_grams WHERE gram IN (");
	for (i = 0; i < n; i++) {
		dbq_sql(&d, i ? ", ?" : "?");
		dbq_arg(&d, DB_STR(arena_strdup(&r->arena, g[i])));
	}
	dbq_sql(&d, ") GROUP BY product_id HAVING COUNT(*) = ? LIMIT 20001");
	dbq_arg(&d, DB_INT((long long)n));
	return dbq_exec(&r->arena, &d, res);
}

/* id_list: the first column of res as a JSON array, into the arena. */
static char *
id_list(struct req *r, struct db_res *res)
{
	struct buf ids = { 0 };
	char *out;

	buf_putc(&ids, '[');
	while (db_next(res))
		buf_printf(&ids, "%s%s", ids.len > 1 ? "," : "", db_str(res, 0));
	buf_putc(&ids, ']');
	db_done(res);
	out = arena_strdup(&r->arena, ids.p);
	buf_free(&ids);
	return out;
}

/* confirm: keep only the products whose name really holds the term (the
 * grams only say "maybe"). */
static int
confirm(struct req *r, struct search *s)
{
	struct db_res res;
	int rc = DB_EXEC(&r->arena, &q_confirm, &res, DB_STR(s->product_ids),
	    DB_STR(s->like));

	if (rc == DB_OK)
		s->product_ids = id_list(r, &res);
	s->confirmed = 1;
	return rc;
}

/* product_plan: the products matching the term, as a JSON list; many of
 * them choose the broad plan.  A broad list is left unconfirmed — the
 * broad plan matches item names itself, and a count over 1,000 is "1,000+"
 * either way; page_search confirms it when the count turns out small.
 * DB_OK, or 1 when nothing matches, or 2 when the term is too broad. */
static int
product_plan(struct req *r, struct search *s)
{
	struct db_res res;
	int rc, exact;

	like_pattern(s);
	if ((rc = candidates(r, s, &res, &exact)) != DB_OK)
		return rc;
	if (res.rows > 20000) {
		db_done(&res);
		return 2;
	}
	s->broad = res.rows > NARROW_PRODUCTS;
	s->product_ids = id_list(r, &res);
	s->confirmed = exact;
	if (!s->confirmed && !s->broad && (rc = confirm(r, s)) != DB_OK)
		return rc;
	return strcmp(s->product_ids, "[]") == 0 ? 1 : DB_OK;
}

/* anomalous: the newest orders with a live case, as a JSON list. */
static int
anomalous(struct req *r, struct search *s)
{
	struct db_res res;
	struct buf ids = { 0 };
	int rc = db_exec(&r->arena, &q_anomalous, &res, 0, NULL), n = 0;

	if (rc != DB_OK)
		return rc;
	buf_putc(&ids, '[');
	while (db_next(&res) && n < ANOMALY_MAX) {
		buf_printf(&ids, "%s%s", n ? "," : "", db_str(&res, 0));
		n++;
	}
	buf_putc(&ids, ']');
	db_done(&res);
	s->anomaly_ids = arena_strdup(&r->arena, ids.p);
	buf_free(&ids);
	return DB_OK;
}

/* badges: the anomaly kinds of the page's orders, from the console. */
static int
badges(struct req *r, json_object *rows, const char *ids)
{
	struct db_res res;
	size_t i, n = json_object_array_length(rows);
	int rc;

	if (n == 0)
		return DB_OK;
	if ((rc = DB_EXEC(&r->arena, &q_badges, &res, DB_STR(ids))) != DB_OK)
		return rc;
	while (db_next(&res)) {
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
	db_done(&res);
	return DB_OK;
}

/* --- the page ------------------------------------------------------------ */

/* search_url: this search with its filters as typed, from the page after
 * `after` (NULL: the first page). */
static const char *
search_url(struct req *r, const struct search *s, const char *after)
{
	struct buf b = { 0 };
	const char *v;
	char *u;
	int i;

	buf_puts(&b, url_for(&r->arena, "/search?q=%s", s->q ? s->q : ""));
	for (i = 0; i < s->nstatus; i++)
		buf_puts(&b, url_for(&r->arena, "&status=%s", s->status_list[i]));
	if (s->from[0] && (v = req_get(r, "from")))
		buf_puts(&b, url_for(&r->arena, "&from=%s", v));
	if (s->to[0] && (v = req_get(r, "to")))
		buf_puts(&b, url_for(&r->arena, "&to=%s", v));
	if (s->min >= 0 && (v = req_get(r, "min")))
		buf_puts(&b, url_for(&r->arena, "&min=%s", v));
	if (s->max >= 0 && (v = req_get(r, "max")))
		buf_puts(&b, url_for(&r->arena, "&max=%s", v));
	if (s->carrier)
		buf_puts(&b, url_for(&r->arena, "&carrier=%s", s->carrier));
	if (s->anomaly)
		buf_puts(&b, "&anomaly=1");
	if (after)
		buf_puts(&b, url_for(&r->arena, "&after=%s", after));
	u = arena_strdup(&r->arena, b.p);
	buf_free(&b);
	return u;
}

static void
choices(struct req *r, json_object *m, const struct search *s)
{
	json_object *arr = m_add(m, "statuses", m_arr());
	const struct label *l;
	int i;

	for (l = order_statuses; l->code; l++) {
		json_object *e = m_push(arr, m_obj());
		int on = 0;

		for (i = 0; i < s->nstatus; i++)
			on |= strcmp(s->status_list[i], l->code) == 0;
		m_str(e, "code", l->code);
		m_str(e, "label", l->label);
		m_bool(e, "checked", on);
	}
	arr = m_add(m, "carriers", m_arr());
	for (l = carriers; l->code; l++) {
		json_object *e = m_push(arr, m_obj());

		m_str(e, "code", l->code);
		m_str(e, "label", l->label);
		m_bool(e, "selected", s->carrier && strcmp(s->carrier, l->code) == 0);
	}
	(void)r;
}

static void
page_search(struct req *r)
{
	json_object *m = m_obj(), *errs = m_obj(), *rows;
	struct search s;
	struct db_query d;
	struct db_res res = { 0 };
	struct buf page_ids = { 0 };
	long long count = 0;
	const char *last_after = NULL;
	int rc = DB_OK, none = 0, n = 0;

	m_str(m, "title", "订单搜索");
	m_str(m, "nav", "search");
	read_params(r, &s, m, errs);
	choices(r, m, &s);
	m_str(m, "mode", (const char *[]){ "latest", "order", "prefix", "phone",
	    "phone_tail", "user", "product" }[s.mode]);
	m_str(m, "mode_label", mode_labels[s.mode]);
	if (json_object_object_length(errs)) {
		page_bad_input(r, "search", m, errs);
		return;
	}
	json_object_put(errs);

	if (s.anomaly && (rc = anomalous(r, &s)) != DB_OK) {
		json_object_put(m);
		page_db_error(r, rc);
		return;
	}
	if (s.mode == M_PRODUCT) {
		rc = product_plan(r, &s);
		if (rc == 2) {
			errs = m_obj();
			m_str(errs, "q", "这个词匹配的商品太多，请输入更具体的商品名称。"
			    "The term matches too many products.");
			page_bad_input(r, "search", m, errs);
			return;
		}
		none = rc == 1;
		if (none)
			rc = DB_OK;
	}
	if (rc == DB_OK && !none && count_decides(&s)) {
		count = search_count(r, &s, &rc);
		if (rc == DB_OK && s.mode == M_PRODUCT && !s.confirmed && count <= COUNT_CAP &&
		    (rc = confirm(r, &s)) == DB_OK)
			count = search_count(r, &s, &rc);
		none = count == 0;
	}
	rows = m_add(m, "rows", m_arr());
	if (rc == DB_OK && !none) {
		/* without a count yet, the plan never depends on it: walk */
		page_query(&d, &s, !count_decides(&s) || count > COUNT_CAP,
		    !count_decides(&s));
		rc = dbq_exec(&r->arena, &d, &res);
	}
	if (rc != DB_OK) {
		json_object_put(m);
		page_db_error(r, rc);
		return;
	}
	buf_putc(&page_ids, '[');
	while (!none && db_next(&res)) {
		json_object *row;
		const struct label *st = label_of(order_statuses, db_str(&res, 2));

		if (++n > PAGE_ROWS)
			break;
		if (!count_decides(&s))
			count = db_int(&res, 9);
		row = m_push(rows, m_obj());
		m_str(row, "order_no", db_str(&res, 1));
		m_str(row, "url", url_for(&r->arena, "/orders/%s", db_str(&res, 1)));
		m_label(row, "status", st);
		m_str(row, "amount", yuan(&r->arena, db_int(&res, 3)));
		m_str(row, "created_at", db_str(&res, 4));
		m_str(row, "user", db_str(&res, 5));
		m_str(row, "phone", mask_phone(&r->arena, db_str(&res, 6)));
		m_str(row, "item", db_str(&res, 7));
		m_int(row, "id", db_int(&res, 0));
		m_bool(row, "has_anomaly", 0);
		m_add(row, "anomalies", m_arr());
		buf_printf(&page_ids, "%s%s", page_ids.len > 1 ? "," : "", db_str(&res, 0));
		last_after = s.mode == M_PREFIX ? arena_strdup(&r->arena, db_str(&res, 1)) :
		    arena_printf(&r->arena, "%s-%s", db_str(&res, 8), db_str(&res, 0));
	}
	m_opt(m, "next", "has_next", n > PAGE_ROWS ? search_url(r, &s, last_after) : NULL);
	db_done(&res);
	buf_putc(&page_ids, ']');
	rc = badges(r, rows, page_ids.p);
	buf_free(&page_ids);
	if (rc != DB_OK) {
		json_object_put(m);
		page_db_error(r, rc);
		return;
	}
	m_int(m, "count", count > COUNT_CAP ? COUNT_CAP : count);
	m_bool(m, "count_more", count > COUNT_CAP);
	m_str(m, "count_label", count > COUNT_CAP ? "1,000+" :
	    arena_printf(&r->arena, "%lld", count));
	m_bool(m, "none", json_object_array_length(rows) == 0);
	m_bool(m, "paged", s.after_at[0] || s.after_no);
	if (s.after_at[0] || s.after_no)
		m_str(m, "first", search_url(r, &s, NULL));
	resp_page(r, 200, "search", m);
}

static const struct route routes[] = {
	{ "GET", "/search", PERM_VIEW_ORDERS, page_search },
	{ NULL, NULL, 0, NULL },
};

int
main(int argc, char **argv)
{
	return app_main(argc, argv, "search", routes, NULL);
}
