/* tabs.c: the order page's tabs besides the overview
 *
 * GET /orders/{order_no}?tab=...    (view_orders; see order.c)
 *      items      the items, each price against its list price (a
 *                 deviation past cfg price_low_pct / price_high_pct
 *                 is flagged)
 *      payments   payments and refunds, newest first
 *      shipments  the parcels and their tracking events
 *      inventory  stock of the items in the order's warehouse, and the
 *                 order's stock moves
 *      coupons    the coupons used
 *      activity   the customer's actions around the order's time
 *                 (cfg activity_window either side)
 *      history    the order's status changes
 * Each tab adds its part under its own key (items_tab, payments_tab ...)
 * below the header order.c made.
 */
#include <string.h>

#include "core/cfg.h"
#include "core/model.h"
#include "core/text.h"
#include "domain/shop.h"
#include "ui/views.h"
#include "order.h"

static struct db_stmt q_items = DB_STMT(DB_REPLICA,
	"SELECT sku, product_name, spec, list_price, unit_price, qty, amount"
	" FROM order_items WHERE order_id = ? ORDER BY id");
static struct db_stmt q_payments = DB_STMT(DB_REPLICA,
	"SELECT payment_no, channel, trade_no, amount, status, failure_code,"
	" failure_message, created_at, paid_at"
	" FROM payments WHERE order_id = ? ORDER BY created_at DESC, id DESC");
static struct db_stmt q_refunds = DB_STMT(DB_REPLICA,
	"SELECT refund_no, amount, reason, status, created_at, completed_at"
	" FROM refunds WHERE order_id = ? ORDER BY created_at DESC, id DESC");
static struct db_stmt q_shipments = DB_STMT(DB_REPLICA,
	"SELECT id, carrier, tracking_no, warehouse, status, shipped_at,"
	" delivered_at, last_event_at, TIMESTAMPDIFF(HOUR, last_event_at, NOW())"
	" FROM shipments WHERE order_id = ? ORDER BY id");
static struct db_stmt q_events = DB_STMT(DB_REPLICA,
	"SELECT e.shipment_id, e.event_time, e.code, e.location, e.description"
	" FROM shipments s JOIN shipment_events e ON e.shipment_id = s.id"
	" WHERE s.order_id = ? ORDER BY e.shipment_id, e.event_time DESC, e.id DESC");
static struct db_stmt q_stock = DB_STMT(DB_REPLICA,
	"SELECT oi.sku, oi.product_name, o.warehouse, i.on_hand, i.reserved"
	" FROM order_items oi JOIN orders o ON o.id = oi.order_id"
	" LEFT JOIN inventory i ON i.sku = oi.sku AND i.warehouse = o.warehouse"
	" WHERE oi.order_id = ? ORDER BY oi.id");
static struct db_stmt q_moves = DB_STMT(DB_REPLICA,
	"SELECT sku, warehouse, kind, qty, created_at FROM inventory_moves"
	" WHERE order_id = ? ORDER BY created_at DESC, id DESC");
static struct db_stmt q_coupons = DB_STMT(DB_REPLICA,
	"SELECT c.code, c.name, c.kind, c.value, c.min_spend, c.valid_from,"
	" c.valid_to, u.amount, u.used_at"
	" FROM coupon_usages u JOIN coupons c ON c.id = u.coupon_id"
	" WHERE u.order_id = ? ORDER BY u.used_at");
static struct db_stmt q_activity = DB_STMT(DB_REPLICA,
	"SELECT created_at, kind, detail, device, order_id = ? FROM user_events"
	" WHERE user_id = ? AND created_at BETWEEN ? - INTERVAL ? SECOND"
	" AND ? + INTERVAL ? SECOND ORDER BY created_at DESC, id DESC LIMIT 300");
static struct db_stmt q_history = DB_STMT(DB_REPLICA,
	"SELECT changed_at, from_status, to_status, actor_type, actor, note"
	" FROM order_status_history WHERE order_id = ?"
	" ORDER BY changed_at DESC, id DESC");

int
tab_items(struct req *r, json_object *m, const struct order *o)
{
	json_object *t = m_add(m, "items_tab", m_obj());
	json_object *arr = m_add(t, "rows", m_arr());
	struct db_res res;
	int rc = DB_EXEC(&r->arena, &q_items, &res, DB_INT(o->id));

	if (rc != DB_OK)
		return rc;
	m_int(t, "low_pct", cfg.price_low_pct);
	m_int(t, "high_pct", cfg.price_high_pct);
	while (db_next(&res) > 0) {
		json_object *e = m_push(arr, m_obj());
		long long list = db_int(&res, 3), unit = db_int(&res, 4);
		long long pct = list > 0 ? unit * 100 / list : 100;

		m_str(e, "sku", db_str(&res, 0));
		m_str(e, "name", db_str(&res, 1));
		m_str(e, "spec", db_str(&res, 2));
		order_money(r, e, "list_price", &res, 3);
		order_money(r, e, "unit_price", &res, 4);
		m_int(e, "pct", pct);
		m_bool(e, "deviates", unit * 100 < list * cfg.price_low_pct ||
		    unit * 100 > list * cfg.price_high_pct);
		m_int(e, "qty", db_int(&res, 5));
		order_money(r, e, "amount", &res, 6);
	}
	return db_done(&res);
}

int
tab_payments(struct req *r, json_object *m, const struct order *o)
{
	json_object *t = m_add(m, "payments_tab", m_obj()), *arr;
	struct db_res res;
	int rc = DB_EXEC(&r->arena, &q_payments, &res, DB_INT(o->id));

	if (rc != DB_OK)
		return rc;
	arr = m_add(t, "payments", m_arr());
	while (db_next(&res) > 0) {
		json_object *e = m_push(arr, m_obj());

		m_str(e, "payment_no", db_str(&res, 0));
		m_label(e, "channel", label_of(pay_channels, db_str(&res, 1)));
		m_str(e, "trade_no", db_str(&res, 2));
		order_money(r, e, "amount", &res, 3);
		m_label(e, "status", label_of(payment_statuses, db_str(&res, 4)));
		m_bool(e, "has_failure", db_str(&res, 5) && *db_str(&res, 5));
		if (db_str(&res, 5) && *db_str(&res, 5))
			m_label(e, "failure", label_of(pay_failures, db_str(&res, 5)));
		m_str(e, "failure_message", db_str(&res, 6));
		m_str(e, "created_at", db_str(&res, 7));
		m_str(e, "paid_at", db_str(&res, 8));
	}
	m_bool(t, "no_payments", res.rows == 0);
	if ((rc = db_done(&res)) != DB_OK)
		return rc;
	if ((rc = DB_EXEC(&r->arena, &q_refunds, &res, DB_INT(o->id))) != DB_OK)
		return rc;
	arr = m_add(t, "refunds", m_arr());
	while (db_next(&res) > 0) {
		json_object *e = m_push(arr, m_obj());

		m_str(e, "refund_no", db_str(&res, 0));
		order_money(r, e, "amount", &res, 1);
		m_str(e, "reason", db_str(&res, 2));
		m_label(e, "status", label_of(refund_statuses, db_str(&res, 3)));
		m_str(e, "created_at", db_str(&res, 4));
		m_str(e, "completed_at", db_str(&res, 5));
	}
	m_bool(t, "no_refunds", res.rows == 0);
	return db_done(&res);
}

int
tab_shipments(struct req *r, json_object *m, const struct order *o)
{
	json_object *t = m_add(m, "shipments_tab", m_obj());
	json_object *arr = m_add(t, "parcels", m_arr());
	json_object *ids[64];
	long long sid[64];
	struct db_res res;
	size_t n = 0, i;
	int rc = DB_EXEC(&r->arena, &q_shipments, &res, DB_INT(o->id));

	if (rc != DB_OK)
		return rc;
	while (db_next(&res) > 0) {
		json_object *e = m_push(arr, m_obj());

		m_label(e, "carrier", label_of(carriers, db_str(&res, 1)));
		m_str(e, "tracking_no", db_str(&res, 2));
		m_str(e, "warehouse", db_str(&res, 3));
		m_label(e, "status", label_of(shipment_statuses, db_str(&res, 4)));
		m_str(e, "shipped_at", db_str(&res, 5));
		m_opt(e, "delivered_at", "has_delivered", db_str(&res, 6));
		m_opt(e, "last_event_at", "has_last_event", db_str(&res, 7));
		if (!db_null(&res, 8))
			m_int(e, "hours_since_event", db_int(&res, 8));
		if (n < 64) {
			sid[n] = db_int(&res, 0);
			ids[n++] = m_add(e, "events", m_arr());
		}
	}
	m_bool(t, "none", res.rows == 0);
	if ((rc = db_done(&res)) != DB_OK)
		return rc;
	if ((rc = DB_EXEC(&r->arena, &q_events, &res, DB_INT(o->id))) != DB_OK)
		return rc;
	while (db_next(&res) > 0) {
		long long s = db_int(&res, 0);

		for (i = 0; i < n; i++)
			if (sid[i] == s) {
				json_object *e = m_push(ids[i], m_obj());

				m_str(e, "at", db_str(&res, 1));
				m_str(e, "code", db_str(&res, 2));
				m_str(e, "code_label", label_of(tracking_codes,
				    db_str(&res, 2))->label);
				m_str(e, "location", db_str(&res, 3));
				m_str(e, "description", db_str(&res, 4));
				m_bool(e, "problem", strcmp(db_str(&res, 2), "unreachable") == 0 ||
				    strcmp(db_str(&res, 2), "returned") == 0);
				break;
			}
	}
	return db_done(&res);
}

int
tab_inventory(struct req *r, json_object *m, const struct order *o)
{
	json_object *t = m_add(m, "inventory_tab", m_obj()), *arr;
	struct db_res res;
	int rc = DB_EXEC(&r->arena, &q_stock, &res, DB_INT(o->id));

	if (rc != DB_OK)
		return rc;
	arr = m_add(t, "stock", m_arr());
	while (db_next(&res) > 0) {
		json_object *e = m_push(arr, m_obj());

		m_str(e, "sku", db_str(&res, 0));
		m_str(e, "name", db_str(&res, 1));
		m_str(e, "warehouse", db_str(&res, 2));
		if (db_null(&res, 3))
			m_bool(e, "no_record", 1);
		else {
			json_object *k = m_add(e, "record", m_obj());
			long long avail = db_int(&res, 3) - db_int(&res, 4);

			m_int(k, "on_hand", db_int(&res, 3));
			m_int(k, "reserved", db_int(&res, 4));
			m_int(k, "available", avail);
			m_bool(k, "short", avail < 0);
		}
	}
	if ((rc = db_done(&res)) != DB_OK)
		return rc;
	if ((rc = DB_EXEC(&r->arena, &q_moves, &res, DB_INT(o->id))) != DB_OK)
		return rc;
	arr = m_add(t, "moves", m_arr());
	while (db_next(&res) > 0) {
		json_object *e = m_push(arr, m_obj());

		m_str(e, "sku", db_str(&res, 0));
		m_str(e, "warehouse", db_str(&res, 1));
		m_label(e, "kind", label_of(stock_moves, db_str(&res, 2)));
		m_int(e, "qty", db_int(&res, 3));
		m_str(e, "at", db_str(&res, 4));
	}
	m_bool(t, "no_moves", res.rows == 0);
	return db_done(&res);
}

int
tab_coupons(struct req *r, json_object *m, const struct order *o)
{
	json_object *t = m_add(m, "coupons_tab", m_obj());
	json_object *arr = m_add(t, "coupons", m_arr());
	struct db_res res;
	int rc = DB_EXEC(&r->arena, &q_coupons, &res, DB_INT(o->id));

	if (rc != DB_OK)
		return rc;
	while (db_next(&res) > 0) {
		json_object *e = m_push(arr, m_obj());
		int pct = strcmp(db_str(&res, 2), "percent") == 0;
		long long off = 100 - db_int(&res, 3);	/* percent: the share paid */

		m_str(e, "code", db_str(&res, 0));
		m_str(e, "name", db_str(&res, 1));
		m_str(e, "rule", pct ? (off % 10 ?
		    arena_printf(&r->arena, "满 ¥%s 打 %lld.%lld 折", yuan(&r->arena,
		    db_int(&res, 4)), off / 10, off % 10) :
		    arena_printf(&r->arena, "满 ¥%s 打 %lld 折", yuan(&r->arena,
		    db_int(&res, 4)), off / 10)) :
		    arena_printf(&r->arena, "满 ¥%s 减 ¥%s", yuan(&r->arena,
		    db_int(&res, 4)), yuan(&r->arena, db_int(&res, 3))));
		m_str(e, "valid_from", db_str(&res, 5));
		m_str(e, "valid_to", db_str(&res, 6));
		order_money(r, e, "amount", &res, 7);
		m_str(e, "used_at", db_str(&res, 8));
	}
	m_bool(t, "none", res.rows == 0);
	return db_done(&res);
}

int
tab_activity(struct req *r, json_object *m, const struct order *o)
{
	json_object *t = m_add(m, "activity_tab", m_obj());
	json_object *arr = m_add(t, "events", m_arr());
	struct db_res res;
	int rc = DB_EXEC(&r->arena, &q_activity, &res, DB_INT(o->id),
	    DB_INT(o->user_id), DB_STR(o->created_at), DB_INT(cfg.activity_window),
	    DB_STR(o->created_at), DB_INT(cfg.activity_window));

	if (rc != DB_OK)
		return rc;
	m_int(t, "window_hours", cfg.activity_window / 3600);
	while (db_next(&res) > 0) {
		json_object *e = m_push(arr, m_obj());

		m_str(e, "at", db_str(&res, 0));
		m_label(e, "kind", label_of(user_actions, db_str(&res, 1)));
		m_str(e, "detail", db_str(&res, 2));
		m_str(e, "device", db_str(&res, 3));
		m_bool(e, "this_order", db_int(&res, 4) == 1);
		m_bool(e, "after", strcmp(db_str(&res, 0), o->created_at) >= 0);
	}
	m_bool(t, "none", res.rows == 0);
	return db_done(&res);
}

int
tab_history(struct req *r, json_object *m, const struct order *o)
{
	json_object *t = m_add(m, "history_tab", m_obj());
	json_object *arr = m_add(t, "changes", m_arr());
	struct db_res res;
	int rc = DB_EXEC(&r->arena, &q_history, &res, DB_INT(o->id));

	if (rc != DB_OK)
		return rc;
	while (db_next(&res) > 0) {
		json_object *e = m_push(arr, m_obj());
		const char *from = db_str(&res, 1);
		const struct label *who = label_of(actor_types, db_str(&res, 3));

		m_str(e, "at", db_str(&res, 0));
		m_opt(e, "from", "has_from", from ? label_of(order_statuses, from)->label : NULL);
		m_str(e, "to", label_of(order_statuses, db_str(&res, 2))->label);
		m_str(e, "actor_label", who->label);
		m_str(e, "actor", db_str(&res, 4));
		m_str(e, "actor_name", label_known(actor_names, db_str(&res, 4)) ?
		    label_of(actor_names, db_str(&res, 4))->label : db_str(&res, 4));
		m_str(e, "note", db_str(&res, 5));
	}
	m_bool(t, "none", res.rows == 0);
	return db_done(&res);
}

