/* search.c: find any order from one box
 *
 * GET /search   (view_orders)
 *   q        up to 200 characters, normalised (full-width digits, letters,
 *            ＋ and －, inner spaces and dashes) and read as (readings.c):
 *              a mobile number, as people write it: 166 9421 6504,
 *              166-9421-6504, +86 166…, 86…, 0086…  the receiver's or
 *                                         the customer's account
 *              16 digits                  an order number (or a tracking
 *                                         number)
 *              6 to 15 digits             the start of an order number
 *                                         (listed by number, newest first);
 *                                         10 or more also a tracking number
 *              17 to 32 digits            a payment's trade number (or a
 *                                         tracking or order number)
 *              SF…, JDV…, YT…, BAL…       a tracking number or a trade number
 *              P2026…                     a payment number
 *              4 digits                   the last four digits of the
 *                                         receiver's mobile, only together
 *                                         with another filter
 *              u123, uid:123, 用户123,    a user id
 *              or 1 to 5 digits (not 4)
 *              刘嘉 (no digits, 2 to 20   a receiver's or customer's name
 *              characters)                (exact), and a product word
 *              anything else, 2 or more   a product name substring
 *              characters
 *            Empty: the latest orders.  Of several readings, every one is
 *            searched; the first that finds orders is listed, the others
 *            are links with what they found.
 *   as       one reading of q only: order prefix phone phone_tail user
 *            product name tracking trade payment (the links carry it)
 *   status   repeatable; pending paid shipped delivered completed
 *            cancelled refunding refunded
 *   from, to created time, YYYY-MM-DD or YYYY-MM-DD HH:MM (inclusive)
 *   min, max amount payable in yuan, at most two decimals
 *   carrier  SF ZTO YTO YD STO JD EMS
 *   anomaly  1: only orders with an open anomaly case (the newest 5,000 such)
 *   after    the next page starts after this cursor (the "next" link)
 *   before   the previous page ends before this cursor (the "previous"
 *            link); not with after
 *
 * Filters combine with AND.  Newest first, 50 a page, keyset pagination
 * on (created_at, id) — or on the order number for a prefix — both ways,
 * so pages stay the same while new orders arrive.  The count is exact up
 * to 1,000.  A search that finds nothing says what the box was read as
 * ("按手机号查找 138****5678：没有订单") and links its other readings.
 *
 * Product names are matched in the products table first, never by a scan
 * of orders: a narrow term (few products) goes from those products through
 * order_items to the orders; a broad one walks the newest orders and keeps
 * those holding a matching product (see ../shared NOTES for the plans);
 * the row shows the item that matched.  terms.c reads the parameters,
 * readings.c the box; find.c chooses the reading and runs its statements
 * (products.c, plan.c, cases.c); show.c makes the model.  Every message is
 * in Chinese.
 */
#include <string.h>

#include "core/model.h"
#include "domain/shop.h"
#include "ui/page.h"
#include "ui/views.h"
#include "search.h"

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

void
page_search(struct req *r)
{
	json_object *m = page_model(r, "订单搜索", "search"), *rows;
	struct search s;
	struct db_res res = { 0 };
	struct buf ids = { 0 };
	long long count;
	unsigned others;
	int rc, ran;

	search_read(r, &s, m);
	choices(m, &s);
	if (!page_erred(r) && s.anomaly && (rc = plan_anomalous(r, &s)) != DB_OK) {
		page_db_error(r, rc);
		return;
	}
	rc = page_erred(r) ? DB_OK : search_find(r, &s, &res, &ran, &count, &others);
	if (rc == FIND_TOO_MANY)
		m_str(page_errs(r), "q", "这个词匹配的商品太多，请输入更具体的商品名称。");
	if (page_erred(r)) {
		show_understood(r, &s, m, 1);
		page_bad_input(r, "search");
		return;
	}
	if (rc != DB_OK) {
		page_db_error(r, rc);
		return;
	}
	rc = show_rows(r, &s, m, ran ? &res : NULL, &count, others, &ids);
	json_object_object_get_ex(m, "rows", &rows);
	if (rc == DB_OK)
		rc = plan_badges(r, rows, ids.p);
	buf_free(&ids);
	if (rc != DB_OK) {
		page_db_error(r, rc);
		return;
	}
	s.rd[s.cur].count = count;
	m_int(m, "count", count > COUNT_CAP ? COUNT_CAP : count);
	m_bool(m, "count_more", count > COUNT_CAP);
	m_str(m, "count_label", count > COUNT_CAP ? "1,000+" :
	    arena_printf(&r->arena, "%lld", count));
	m_bool(m, "none", json_object_array_length(rows) == 0);
	m_bool(m, "answered", 1);
	show_understood(r, &s, m, json_object_array_length(rows) == 0);
	page_show(r, 200, "search");
}
