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
 * terms.c reads the parameters; products.c finds the products; plan.c
 * composes the statements.
 */
#include <string.h>

#include "core/buf.h"
#include "core/model.h"
#include "core/text.h"
#include "core/url.h"
#include "domain/shop.h"
#include "ui/page.h"
#include "ui/views.h"
#include "search.h"

static const char *const mode_codes[] = {
	"latest", "order", "prefix", "phone", "phone_tail", "user", "product",
};

static const char *const mode_labels[] = {
	"最新订单", "订单号", "订单号前缀", "手机号", "手机尾号", "用户 ID", "商品名称",
};

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

/* choices: the status boxes (checked as asked) and the carriers. */
static void
choices(json_object *m, const struct search *s)
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
	m_options(m, "carriers", carriers, s->carrier);
}

/* add_row: one order of the page's statement (plan_page's columns). */
static void
add_row(struct req *r, json_object *rows, const struct db_res *res)
{
	json_object *row = m_push(rows, m_obj());

	m_str(row, "order_no", db_str(res, 1));
	m_str(row, "url", url_for(&r->arena, "/orders/%s", db_str(res, 1)));
	m_label(row, "status", label_of(order_statuses, db_str(res, 2)));
	m_str(row, "amount", yuan(&r->arena, db_int(res, 3)));
	m_str(row, "created_at", db_str(res, 4));
	m_str(row, "user", db_str(res, 5));
	m_str(row, "phone", mask_phone(&r->arena, db_str(res, 6)));
	m_str(row, "item", db_str(res, 7));
	m_int(row, "id", db_int(res, 0));
	m_bool(row, "has_anomaly", 0);
	m_add(row, "anomalies", m_arr());
}

void
page_search(struct req *r)
{
	json_object *m = page_model(r, "订单搜索", "search"), *rows;
	struct search s;
	struct db_query d;
	struct db_res res = { 0 };
	struct buf page_ids = { 0 };
	long long count = 0;
	const char *last_after = NULL;
	int rc = DB_OK, none = 0, n = 0;

	search_read(r, &s, m);
	choices(m, &s);
	m_str(m, "mode", mode_codes[s.mode]);
	m_str(m, "mode_label", mode_labels[s.mode]);
	if (page_erred(r)) {
		page_bad_input(r, "search");
		return;
	}

	if (s.anomaly && (rc = plan_anomalous(r, &s)) != DB_OK) {
		page_db_error(r, rc);
		return;
	}
	if (s.mode == M_PRODUCT) {
		rc = products_find(r, &s);
		if (rc == PRODUCTS_TOO_MANY) {
			m_str(page_errs(r), "q", "这个词匹配的商品太多，请输入更具体的商品名称。"
			    "The term matches too many products.");
			page_bad_input(r, "search");
			return;
		}
		none = rc == PRODUCTS_NONE;
		if (none)
			rc = DB_OK;
	}
	if (rc == DB_OK && !none && plan_count_decides(&s)) {
		count = plan_count(r, &s, &rc);
		if (rc == DB_OK && s.mode == M_PRODUCT && !s.confirmed && count <= COUNT_CAP &&
		    (rc = products_confirm(r, &s)) == DB_OK)
			count = plan_count(r, &s, &rc);
		none = count == 0;
	}
	rows = m_add(m, "rows", m_arr());
	if (rc == DB_OK && !none) {
		/* without a count yet, the plan never depends on it: walk */
		plan_page(&d, &s, !plan_count_decides(&s) || count > COUNT_CAP,
		    !plan_count_decides(&s));
		rc = dbq_exec(&r->arena, &d, &res);
	}
	if (rc != DB_OK) {
		page_db_error(r, rc);
		return;
	}
	buf_putc(&page_ids, '[');
	while (!none && db_next(&res) > 0) {
		if (++n > PAGE_ROWS)
			break;
		if (!plan_count_decides(&s))
			count = db_int(&res, 9);
		add_row(r, rows, &res);
		buf_printf(&page_ids, "%s%s", page_ids.len > 1 ? "," : "", db_str(&res, 0));
		last_after = s.mode == M_PREFIX ? arena_strdup(&r->arena, db_str(&res, 1)) :
		    arena_printf(&r->arena, "%s-%s", db_str(&res, 8), db_str(&res, 0));
	}
	m_opt(m, "next", "has_next", n > PAGE_ROWS ? search_url(r, &s, last_after) : NULL);
	buf_putc(&page_ids, ']');
	if ((rc = db_done(&res)) == DB_OK)
		rc = plan_badges(r, rows, page_ids.p);
	buf_free(&page_ids);
	if (rc != DB_OK) {
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
	page_show(r, 200, "search");
}
