/* order.c: one order, everything about it
 *
 * GET /orders/{order_no}   (view_orders)
 */
#include <string.h>

#include "app.h"
#include "auth.h"
#include "db.h"
#include "model.h"
#include "resp.h"
#include "shop.h"
#include "url.h"

static struct db_stmt q_order = DB_STMT(DB_REPLICA,
	"SELECT o.id, o.order_no, o.status, o.goods_amount, o.discount_amount,"
	" o.coupon_amount, o.shipping_fee, o.pay_amount, o.paid_amount,"
	" o.refunded_amount, o.created_at, o.paid_at, o.shipped_at,"
	" o.delivered_at, o.remark, u.name"
	" FROM orders o JOIN users u ON u.id = o.user_id WHERE o.order_no = ?");
static struct db_stmt q_items = DB_STMT(DB_REPLICA,
	"SELECT sku, product_name, spec, list_price, unit_price, qty, amount"
	" FROM order_items WHERE order_id = ? ORDER BY id");
static struct db_stmt q_payments = DB_STMT(DB_REPLICA,
	"SELECT payment_no, channel, trade_no, amount, status, failure_code,"
	" failure_message, created_at, paid_at"
	" FROM payments WHERE order_id = ? ORDER BY created_at, id");
static struct db_stmt q_shipments = DB_STMT(DB_REPLICA,
	"SELECT carrier, tracking_no, warehouse, status, shipped_at, delivered_at,"
	" last_event_at FROM shipments WHERE order_id = ? ORDER BY id");

static int
add_items(struct req *r, json_object *m, long long id)
{
	json_object *rows = m_add(m, "items", m_arr());
	struct db_res res;
	int rc = DB_EXEC(&r->arena, &q_items, &res, DB_INT(id));

	if (rc != DB_OK)
		return rc;
	while (db_next(&res)) {
		json_object *row = m_push(rows, m_obj());

		m_str(row, "sku", db_str(&res, 0));
		m_str(row, "name", db_str(&res, 1));
		m_str(row, "spec", db_str(&res, 2));
		m_str(row, "list_price", yuan(&r->arena, db_int(&res, 3)));
		m_str(row, "unit_price", yuan(&r->arena, db_int(&res, 4)));
		m_int(row, "qty", db_int(&res, 5));
		m_str(row, "amount", yuan(&r->arena, db_int(&res, 6)));
	}
	db_done(&res);
	return DB_OK;
}

static int
add_payments(struct req *r, json_object *m, long long id)
{
	json_object *rows = m_add(m, "payments", m_arr());
	struct db_res res;
	int rc = DB_EXEC(&r->arena, &q_payments, &res, DB_INT(id));

	if (rc != DB_OK)
		return rc;
	while (db_next(&res)) {
		json_object *row = m_push(rows, m_obj());
		const struct label *st = label_of(payment_statuses, db_str(&res, 4));

		m_str(row, "payment_no", db_str(&res, 0));
		m_str(row, "channel", label_of(pay_channels, db_str(&res, 1))->label);
		m_str(row, "trade_no", db_str(&res, 2));
		m_str(row, "amount", yuan(&r->arena, db_int(&res, 3)));
		m_str(row, "status", st->code);
		m_str(row, "status_label", st->label);
		m_str(row, "status_tone", st->tone);
		m_str(row, "failure_code", db_str(&res, 5));
		m_str(row, "failure_message", db_str(&res, 6));
		m_str(row, "created_at", db_str(&res, 7));
		m_str(row, "paid_at", db_str(&res, 8));
	}
	db_done(&res);
	return DB_OK;
}

static int
add_shipments(struct req *r, json_object *m, long long id)
{
	json_object *rows = m_add(m, "shipments", m_arr());
	struct db_res res;
	int rc = DB_EXEC(&r->arena, &q_shipments, &res, DB_INT(id));

	if (rc != DB_OK)
		return rc;
	while (db_next(&res)) {
		json_object *row = m_push(rows, m_obj());
		const struct label *st = label_of(shipment_statuses, db_str(&res, 3));

		m_str(row, "carrier", label_of(carriers, db_str(&res, 0))->label);
		m_str(row, "tracking_no", db_str(&res, 1));
		m_str(row, "warehouse", db_str(&res, 2));
		m_str(row, "status", st->code);
		m_str(row, "status_label", st->label);
		m_str(row, "status_tone", st->tone);
		m_str(row, "shipped_at", db_str(&res, 4));
		m_str(row, "delivered_at", db_str(&res, 5));
		m_str(row, "last_event_at", db_str(&res, 6));
	}
	db_done(&res);
	return DB_OK;
}

static void
page_order(struct req *r)
{
	const char *no = r->seg[0];
	json_object *m;
	struct db_res res;
	const struct label *st;
	long long id;
	int rc;

	if (!order_no_valid(no)) {
		page_error(r, 400, "订单号格式不正确",
		    "订单号只包含字母和数字，6 到 32 位。An order number is 6 to 32 letters and digits.");
		return;
	}
	rc = DB_ONE(&r->arena, &q_order, &res, DB_STR(no));
	if (rc == 1) {
		db_done(&res);
		page_error(r, 404, "找不到订单", "没有订单号为 %s 的订单。No order %s.", no, no);
		return;
	}
	if (rc != DB_OK) {
		page_db_error(r, rc);
		return;
	}
	m = m_obj();
	id = db_int(&res, 0);
	st = label_of(order_statuses, db_str(&res, 2));
	m_str(m, "title", arena_printf(&r->arena, "订单 %s", db_str(&res, 1)));
	m_str(m, "order_no", db_str(&res, 1));
	m_str(m, "status", st->code);
	m_str(m, "status_label", st->label);
	m_str(m, "status_tone", st->tone);
	m_str(m, "goods_amount", yuan(&r->arena, db_int(&res, 3)));
	m_str(m, "discount_amount", yuan(&r->arena, db_int(&res, 4)));
	m_str(m, "coupon_amount", yuan(&r->arena, db_int(&res, 5)));
	m_str(m, "shipping_fee", yuan(&r->arena, db_int(&res, 6)));
	m_str(m, "pay_amount", yuan(&r->arena, db_int(&res, 7)));
	m_str(m, "paid_amount", yuan(&r->arena, db_int(&res, 8)));
	m_str(m, "refunded_amount", yuan(&r->arena, db_int(&res, 9)));
	m_str(m, "created_at", db_str(&res, 10));
	m_str(m, "paid_at", db_str(&res, 11));
	m_str(m, "shipped_at", db_str(&res, 12));
	m_str(m, "delivered_at", db_str(&res, 13));
	m_str(m, "remark", db_str(&res, 14));
	m_str(m, "user", db_str(&res, 15));
	db_done(&res);
	if ((rc = add_items(r, m, id)) != DB_OK ||
	    (rc = add_payments(r, m, id)) != DB_OK ||
	    (rc = add_shipments(r, m, id)) != DB_OK) {
		json_object_put(m);
		page_db_error(r, rc);
		return;
	}
	resp_page(r, 200, "order", m);
}

static const struct route routes[] = {
	{ "GET", "/orders/*", PERM_VIEW_ORDERS, page_order },
	{ NULL, NULL, 0, NULL },
};

int
main(int argc, char **argv)
{
	return app_main(argc, argv, "order", routes, NULL);
}
