/* search.c: find orders
 *
 * GET /search   (view_orders)
 *      q        string, up to 200 characters: an order number, exact or a
 *               prefix of at least 6 characters; empty: the latest orders
 */
#include <string.h>

#include "app.h"
#include "auth.h"
#include "db.h"
#include "model.h"
#include "resp.h"
#include "shop.h"
#include "url.h"

#define PAGE_ROWS 50

static struct db_stmt q_exact = DB_STMT(DB_REPLICA,
	"SELECT o.order_no, o.status, o.pay_amount, o.created_at, u.name"
	" FROM orders o JOIN users u ON u.id = o.user_id"
	" WHERE o.order_no = ?");
static struct db_stmt q_prefix = DB_STMT(DB_REPLICA,
	"SELECT o.order_no, o.status, o.pay_amount, o.created_at, u.name"
	" FROM orders o JOIN users u ON u.id = o.user_id"
	" WHERE o.order_no LIKE CONCAT(?, '%') ORDER BY o.order_no LIMIT 50");
static struct db_stmt q_latest = DB_STMT(DB_REPLICA,
	"SELECT o.order_no, o.status, o.pay_amount, o.created_at, u.name"
	" FROM orders o JOIN users u ON u.id = o.user_id"
	" ORDER BY o.created_at DESC, o.id DESC LIMIT 50");

static void
page_search(struct req *r)
{
	json_object *m = m_obj(), *rows, *errs;
	struct db_res res;
	const char *q = NULL;
	int rc;

	m_str(m, "title", "订单搜索");
	m_str(m, "nav", "search");
	rc = req_str(r, "q", 200, &q);
	m_str(m, "q", q ? q : "");
	if (rc == REQ_BAD || (q && !order_no_valid(q))) {
		errs = m_obj();
		m_str(errs, "q", rc == REQ_BAD ? "最多 200 个字符 At most 200 characters" :
		    "请输入订单号（至少 6 位）Enter an order number (6+ characters)");
		page_bad_input(r, "search", m, errs);
		return;
	}
	if (q == NULL)
		rc = db_exec(&r->arena, &q_latest, &res, 0, NULL);
	else if (strlen(q) >= 16)
		rc = DB_EXEC(&r->arena, &q_exact, &res, DB_STR(q));
	else
		rc = DB_EXEC(&r->arena, &q_prefix, &res, DB_STR(q));
	if (rc != DB_OK) {
		json_object_put(m);
		page_db_error(r, rc);
		return;
	}
	rows = m_add(m, "rows", m_arr());
	while (db_next(&res)) {
		json_object *row = m_push(rows, m_obj());
		const struct label *st = label_of(order_statuses, db_str(&res, 1));

		m_str(row, "order_no", db_str(&res, 0));
		m_str(row, "url", url_for(&r->arena, "/orders/%s", db_str(&res, 0)));
		m_str(row, "status", st->code);
		m_str(row, "status_label", st->label);
		m_str(row, "status_tone", st->tone);
		m_str(row, "amount", yuan(&r->arena, db_int(&res, 2)));
		m_str(row, "created_at", db_str(&res, 3));
		m_str(row, "user", db_str(&res, 4));
	}
	m_int(m, "count", (long long)res.rows);
	m_bool(m, "none", res.rows == 0);
	db_done(&res);
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
