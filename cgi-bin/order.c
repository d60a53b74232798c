/* order.c: one order, everything about it
 *
 * GET  /orders/{order_no}           (view_orders)
 *      tab     items | payments | shipments | inventory | coupons |
 *              activity | history; without it, the overview: the
 *              customer panel and the merged timeline
 * POST /orders/{order_no}/reveal    (view_orders and view_pii)
 *      reason  string, 2..200 characters: why (kept in the audit log)
 *      tab     as above
 *      The same page with the receiver's phone and address and the
 *      customer's phone unmasked, on this one response only.
 *
 * Every tab shows the header: status, amounts, times, receiver (masked),
 * the order's open anomaly cases, and the actions valid in its state.  A malformed order number
 * is 400 without a query; an unknown one is 404 with a search box.
 */
#include <stdlib.h>
#include <string.h>

#include "actions.h"
#include "anomaly.h"
#include "app.h"
#include "audit.h"
#include "auth.h"
#include "cases.h"
#include "cfg.h"
#include "db.h"
#include "model.h"
#include "resp.h"
#include "shop.h"
#include "timeline.h"
#include "url.h"
#include "util.h"

static struct db_stmt q_order = DB_STMT(DB_REPLICA,
	"SELECT o.id, o.order_no, o.status, o.channel, o.goods_amount,"
	" o.discount_amount, o.coupon_amount, o.shipping_fee, o.pay_amount,"
	" o.paid_amount, o.refunded_amount, o.receiver_name, o.receiver_phone,"
	" o.province, o.city, o.district, o.address_detail, o.warehouse,"
	" o.remark, o.cancel_reason, o.created_at, o.paid_at, o.shipped_at,"
	" o.delivered_at, o.completed_at, o.cancelled_at, o.user_id,"
	" (SELECT COALESCE(SUM(amount), 0) FROM order_items WHERE order_id = o.id),"
	" (SELECT GROUP_CONCAT(product_name, ' ×', qty ORDER BY id SEPARATOR '、')"
	"  FROM order_items WHERE order_id = o.id)"
	" FROM orders o WHERE o.order_no = ?");
enum { O_ID, O_NO, O_STATUS, O_CHANNEL, O_GOODS, O_DISCOUNT, O_COUPON,
	O_SHIPPING, O_PAY, O_PAID, O_REFUNDED, O_RNAME, O_RPHONE, O_PROVINCE,
	O_CITY, O_DISTRICT, O_DETAIL, O_WAREHOUSE, O_REMARK, O_CANCEL_REASON,
	O_CREATED, O_PAID_AT, O_SHIPPED_AT, O_DELIVERED_AT, O_COMPLETED_AT,
	O_CANCELLED_AT, O_USER, O_ITEMS_SUM, O_ITEMS };

/* The customer panel in one round trip: the customer with their counts
 * (kind 'u'), then their ten latest other orders (kind 'o'). */
static struct db_stmt q_customer = DB_STMT(DB_REPLICA,
	"(SELECT 'u', u.name, u.phone, u.level, u.registered_at, COUNT(o.id),"
	" COALESCE(SUM(o.status = 'cancelled'), 0),"
	" COALESCE(SUM(o.refunded_amount > 0 OR o.status IN ('refunding', 'refunded')), 0)"
	" FROM users u LEFT JOIN orders o ON o.user_id = u.id WHERE u.id = ? GROUP BY u.id)"
	" UNION ALL (SELECT 'o', order_no, status, pay_amount, created_at, NULL, NULL, NULL"
	" FROM orders WHERE user_id = ? AND id <> ? ORDER BY created_at DESC, id DESC LIMIT 10)");
/* The order's live anomaly cases (kind 'c'), and how many the customer
 * has in all (kind 'n'). */
static struct db_stmt q_cases = DB_STMT(DB_CONSOLE,
	"SELECT 'c', id, kind, state, severity, facts, resolve_due_at < NOW(),"
	" escalated_at IS NOT NULL FROM cases FORCE INDEX (ix_cases_order)"
	" WHERE order_id = ? AND live = 1"
	" UNION ALL SELECT 'n', COUNT(*), NULL, NULL, NULL, NULL, NULL, NULL"
	" FROM cases FORCE INDEX (ix_cases_user) WHERE user_id = ? AND live = 1");
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

static const struct { const char *code, *label; } tabs[] = {
	{ "", "概览" },
	{ "items", "商品" },
	{ "payments", "支付与退款" },
	{ "shipments", "物流" },
	{ "inventory", "库存" },
	{ "coupons", "优惠券" },
	{ "activity", "用户行为" },
	{ "history", "状态历史" },
};

/* The order as the header and every tab need it. */
struct order {
	long long id, user_id, anomalies;
	const char *no, *created_at, *warehouse;
	struct order_state state;
};

static void
money(struct req *r, json_object *o, const char *key, const struct db_res *res,
    unsigned col)
{
	m_str(o, key, yuan(&r->arena, db_int(res, col)));
}

static void
header(struct req *r, json_object *m, struct order *o, const struct db_res *res,
    int revealed)
{
	json_object *rc = m_add(m, "receiver", m_obj());
	long long goods = db_int(res, O_GOODS);
	const char *phone = db_str(res, O_RPHONE);

	o->id = db_int(res, O_ID);
	o->user_id = db_int(res, O_USER);
	o->no = arena_strdup(&r->arena, db_str(res, O_NO));
	o->created_at = arena_strdup(&r->arena, db_str(res, O_CREATED));
	o->warehouse = arena_strdup(&r->arena, db_str(res, O_WAREHOUSE));
	o->state.status = arena_strdup(&r->arena, db_str(res, O_STATUS));
	o->state.pay_amount = db_int(res, O_PAY);
	o->state.paid_amount = db_int(res, O_PAID);
	o->state.refunded_amount = db_int(res, O_REFUNDED);

	m_str(m, "title", arena_printf(&r->arena, "订单 %s", o->no));
	m_str(m, "order_no", o->no);
	m_label(m, "status", label_of(order_statuses, o->state.status));
	m_str(m, "channel", label_of(order_channels, db_str(res, O_CHANNEL))->label);
	m_str(m, "warehouse", o->warehouse);
	m_str(m, "items_summary", db_str(res, O_ITEMS));
	money(r, m, "goods_amount", res, O_GOODS);
	money(r, m, "discount_amount", res, O_DISCOUNT);
	money(r, m, "coupon_amount", res, O_COUPON);
	money(r, m, "shipping_fee", res, O_SHIPPING);
	money(r, m, "pay_amount", res, O_PAY);
	money(r, m, "paid_amount", res, O_PAID);
	money(r, m, "refunded_amount", res, O_REFUNDED);
	m_bool(m, "totals_mismatch", goods != db_int(res, O_ITEMS_SUM) ||
	    o->state.pay_amount != goods - db_int(res, O_DISCOUNT) -
	    db_int(res, O_COUPON) + db_int(res, O_SHIPPING));
	m_str(m, "created_at", o->created_at);
	m_str(m, "paid_at", db_str(res, O_PAID_AT));
	m_str(m, "shipped_at", db_str(res, O_SHIPPED_AT));
	m_str(m, "delivered_at", db_str(res, O_DELIVERED_AT));
	m_opt(m, "completed_at", "has_completed", db_str(res, O_COMPLETED_AT));
	m_opt(m, "cancelled_at", "has_cancelled", db_str(res, O_CANCELLED_AT));
	m_opt(m, "cancel_reason", "has_cancel_reason", db_str(res, O_CANCEL_REASON));
	m_opt(m, "remark", "has_remark", db_str(res, O_REMARK));

	m_str(rc, "name", db_str(res, O_RNAME));
	m_str(rc, "region", arena_printf(&r->arena, "%s %s %s", db_str(res, O_PROVINCE),
	    db_str(res, O_CITY), db_str(res, O_DISTRICT)));
	if (revealed) {
		m_str(rc, "phone", phone);
		m_str(rc, "detail", db_str(res, O_DETAIL));
	} else {
		m_str(rc, "phone", mask_phone(&r->arena, phone));
		m_str(rc, "detail", "***");
	}
	m_add(m, "actions", actions_model(r, &o->state));
}

static void
tab_nav(struct req *r, json_object *m, const char *no, const char *current)
{
	json_object *arr = m_add(m, "tabs", m_arr());
	size_t i;

	for (i = 0; i < sizeof(tabs) / sizeof(tabs[0]); i++) {
		json_object *t = m_push(arr, m_obj());

		m_str(t, "code", tabs[i].code);
		m_str(t, "label", tabs[i].label);
		m_str(t, "url", *tabs[i].code ?
		    url_for(&r->arena, "/orders/%s?tab=%s", no, tabs[i].code) :
		    url_for(&r->arena, "/orders/%s", no));
		m_bool(t, "current", strcmp(tabs[i].code, current) == 0);
	}
}

/* open_cases: the order's live cases, for the header. */
static int
open_cases(struct req *r, json_object *m, struct order *o)
{
	json_object *arr = m_add(m, "cases", m_arr());
	struct db_res res;
	int rc = DB_EXEC(&r->arena, &q_cases, &res, DB_INT(o->id), DB_INT(o->user_id));

	if (rc != DB_OK)
		return rc;
	while (db_next(&res)) {
		json_object *e;

		if (strcmp(db_str(&res, 0), "n") == 0) {
			o->anomalies = db_int(&res, 1);
			continue;
		}
		e = m_push(arr, m_obj());
		m_int(e, "id", db_int(&res, 1));
		m_str(e, "url", url_for(&r->arena, "/cases/%lld", db_int(&res, 1)));
		m_str(e, "kind", db_str(&res, 2));
		m_str(e, "kind_label", anomaly_label(db_str(&res, 2)));
		m_label(e, "state", label_of(case_states, db_str(&res, 3)));
		m_label(e, "severity", label_of(severities, db_str(&res, 4)));
		m_str(e, "facts", db_str(&res, 5));
		m_bool(e, "overdue", db_int(&res, 6) != 0);
		m_bool(e, "escalated", db_int(&res, 7) != 0);
	}
	m_bool(m, "has_cases", json_object_array_length(arr) > 0);
	db_done(&res);
	return DB_OK;
}

/* --- the overview: customer panel and timeline ------------------------ */

static int
overview(struct req *r, json_object *m, const struct order *o, int revealed)
{
	json_object *v = m_add(m, "overview", m_obj()), *c, *arr;
	struct db_res res;
	struct timeline tl = { 0 };
	struct tl_order to = { o->id, o->no, o->user_id };
	int rc;

	rc = DB_EXEC(&r->arena, &q_customer, &res, DB_INT(o->user_id),
	    DB_INT(o->user_id), DB_INT(o->id));
	if (rc != DB_OK)
		return rc;
	c = m_add(v, "customer", m_obj());
	m_int(c, "id", o->user_id);
	m_str(c, "search_url", url_for(&r->arena, "/search?q=u%lld", o->user_id));
	arr = m_add(c, "recent", m_arr());
	while (db_next(&res)) {
		json_object *e;

		if (strcmp(db_str(&res, 0), "u") == 0) {
			const struct label *lv = label_of(user_levels, db_str(&res, 3));

			m_str(c, "name", db_str(&res, 1));
			m_str(c, "phone", revealed ? db_str(&res, 2) :
			    mask_phone(&r->arena, db_str(&res, 2)));
			m_str(c, "level", lv->label);
			m_str(c, "level_tone", lv->tone);
			m_str(c, "registered_at", db_str(&res, 4));
			m_int(c, "orders", db_int(&res, 5));
			m_int(c, "cancels", db_int(&res, 6));
			m_int(c, "refunds", db_int(&res, 7));
			m_int(c, "anomalies", o->anomalies);
			continue;
		}
		e = m_push(arr, m_obj());
		m_str(e, "order_no", db_str(&res, 1));
		m_str(e, "url", url_for(&r->arena, "/orders/%s", db_str(&res, 1)));
		m_label(e, "status", label_of(order_statuses, db_str(&res, 2)));
		money(r, e, "amount", &res, 3);
		m_str(e, "created_at", db_str(&res, 4));
		m_strn(e, "date", db_str(&res, 4), 10);
	}
	db_done(&res);

	if ((rc = timeline_build(r, &tl, &to)) != DB_OK)
		return rc;
	m_add(v, "timeline", timeline_model(&tl));
	return DB_OK;
}

/* --- tabs -------------------------------------------------------------- */

static int
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
	while (db_next(&res)) {
		json_object *e = m_push(arr, m_obj());
		long long list = db_int(&res, 3), unit = db_int(&res, 4);
		long long pct = list > 0 ? unit * 100 / list : 100;

		m_str(e, "sku", db_str(&res, 0));
		m_str(e, "name", db_str(&res, 1));
		m_str(e, "spec", db_str(&res, 2));
		money(r, e, "list_price", &res, 3);
		money(r, e, "unit_price", &res, 4);
		m_int(e, "pct", pct);
		m_bool(e, "deviates", unit * 100 < list * cfg.price_low_pct ||
		    unit * 100 > list * cfg.price_high_pct);
		m_int(e, "qty", db_int(&res, 5));
		money(r, e, "amount", &res, 6);
	}
	db_done(&res);
	return DB_OK;
}

static int
tab_payments(struct req *r, json_object *m, const struct order *o)
{
	json_object *t = m_add(m, "payments_tab", m_obj()), *arr;
	struct db_res res;
	int rc = DB_EXEC(&r->arena, &q_payments, &res, DB_INT(o->id));

	if (rc != DB_OK)
		return rc;
	arr = m_add(t, "payments", m_arr());
	while (db_next(&res)) {
		json_object *e = m_push(arr, m_obj());

		m_str(e, "payment_no", db_str(&res, 0));
		m_str(e, "channel", label_of(pay_channels, db_str(&res, 1))->label);
		m_str(e, "trade_no", db_str(&res, 2));
		money(r, e, "amount", &res, 3);
		m_label(e, "status", label_of(payment_statuses, db_str(&res, 4)));
		m_opt(e, "failure_code", "has_failure", db_str(&res, 5));
		m_str(e, "failure_message", db_str(&res, 6));
		m_str(e, "created_at", db_str(&res, 7));
		m_str(e, "paid_at", db_str(&res, 8));
	}
	db_done(&res);
	if ((rc = DB_EXEC(&r->arena, &q_refunds, &res, DB_INT(o->id))) != DB_OK)
		return rc;
	arr = m_add(t, "refunds", m_arr());
	while (db_next(&res)) {
		json_object *e = m_push(arr, m_obj());

		m_str(e, "refund_no", db_str(&res, 0));
		money(r, e, "amount", &res, 1);
		m_str(e, "reason", db_str(&res, 2));
		m_label(e, "status", label_of(refund_statuses, db_str(&res, 3)));
		m_str(e, "created_at", db_str(&res, 4));
		m_str(e, "completed_at", db_str(&res, 5));
	}
	db_done(&res);
	return DB_OK;
}

static int
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
	while (db_next(&res)) {
		json_object *e = m_push(arr, m_obj());

		m_str(e, "carrier", label_of(carriers, db_str(&res, 1))->label);
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
	db_done(&res);
	if ((rc = DB_EXEC(&r->arena, &q_events, &res, DB_INT(o->id))) != DB_OK)
		return rc;
	while (db_next(&res)) {
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
	db_done(&res);
	return DB_OK;
}

static int
tab_inventory(struct req *r, json_object *m, const struct order *o)
{
	json_object *t = m_add(m, "inventory_tab", m_obj()), *arr;
	struct db_res res;
	int rc = DB_EXEC(&r->arena, &q_stock, &res, DB_INT(o->id));

	if (rc != DB_OK)
		return rc;
	arr = m_add(t, "stock", m_arr());
	while (db_next(&res)) {
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
	db_done(&res);
	if ((rc = DB_EXEC(&r->arena, &q_moves, &res, DB_INT(o->id))) != DB_OK)
		return rc;
	arr = m_add(t, "moves", m_arr());
	while (db_next(&res)) {
		json_object *e = m_push(arr, m_obj());

		m_str(e, "sku", db_str(&res, 0));
		m_str(e, "warehouse", db_str(&res, 1));
		m_str(e, "kind", db_str(&res, 2));
		m_int(e, "qty", db_int(&res, 3));
		m_str(e, "at", db_str(&res, 4));
	}
	db_done(&res);
	return DB_OK;
}

static int
tab_coupons(struct req *r, json_object *m, const struct order *o)
{
	json_object *t = m_add(m, "coupons_tab", m_obj());
	json_object *arr = m_add(t, "coupons", m_arr());
	struct db_res res;
	int rc = DB_EXEC(&r->arena, &q_coupons, &res, DB_INT(o->id));

	if (rc != DB_OK)
		return rc;
	while (db_next(&res)) {
		json_object *e = m_push(arr, m_obj());
		int pct = strcmp(db_str(&res, 2), "percent") == 0;

		m_str(e, "code", db_str(&res, 0));
		m_str(e, "name", db_str(&res, 1));
		m_str(e, "rule", pct ?
		    arena_printf(&r->arena, "满 ¥%s 打 %lld 折", yuan(&r->arena,
		    db_int(&res, 4)), (100 - db_int(&res, 3)) / 10) :
		    arena_printf(&r->arena, "满 ¥%s 减 ¥%s", yuan(&r->arena,
		    db_int(&res, 4)), yuan(&r->arena, db_int(&res, 3))));
		m_str(e, "valid_from", db_str(&res, 5));
		m_str(e, "valid_to", db_str(&res, 6));
		money(r, e, "amount", &res, 7);
		m_str(e, "used_at", db_str(&res, 8));
	}
	db_done(&res);
	return DB_OK;
}

static int
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
	while (db_next(&res)) {
		json_object *e = m_push(arr, m_obj());

		m_str(e, "at", db_str(&res, 0));
		m_str(e, "kind", db_str(&res, 1));
		m_str(e, "detail", db_str(&res, 2));
		m_str(e, "device", db_str(&res, 3));
		m_bool(e, "this_order", db_int(&res, 4) == 1);
		m_bool(e, "after", strcmp(db_str(&res, 0), o->created_at) >= 0);
	}
	db_done(&res);
	return DB_OK;
}

static int
tab_history(struct req *r, json_object *m, const struct order *o)
{
	json_object *t = m_add(m, "history_tab", m_obj());
	json_object *arr = m_add(t, "changes", m_arr());
	struct db_res res;
	int rc = DB_EXEC(&r->arena, &q_history, &res, DB_INT(o->id));

	if (rc != DB_OK)
		return rc;
	while (db_next(&res)) {
		json_object *e = m_push(arr, m_obj());
		const char *from = db_str(&res, 1);
		const struct label *who = label_of(actor_types, db_str(&res, 3));

		m_str(e, "at", db_str(&res, 0));
		m_opt(e, "from", "has_from", from ? label_of(order_statuses, from)->label : NULL);
		m_str(e, "to", label_of(order_statuses, db_str(&res, 2))->label);
		m_str(e, "actor_label", who->label);
		m_str(e, "actor", db_str(&res, 4));
		m_str(e, "note", db_str(&res, 5));
	}
	db_done(&res);
	return DB_OK;
}

static int (*const tab_fns[])(struct req *, json_object *, const struct order *) = {
	NULL, tab_items, tab_payments, tab_shipments, tab_inventory, tab_coupons,
	tab_activity, tab_history,
};

/* --- pages ------------------------------------------------------------- */

static void
show(struct req *r, int revealed, const char *reason)
{
	const char *no = r->seg[0], *tab = req_get(r, "tab");
	struct order o;
	json_object *m;
	struct db_res res;
	size_t t;
	int rc;

	if (!order_no_valid(no)) {
		page_error(r, 400, "订单号格式不正确",
		    "订单号由 6 到 32 位字母或数字组成。An order number is 6 to 32 letters and digits.");
		return;
	}
	if (tab == NULL)
		tab = "";
	for (t = 0; t < sizeof(tabs) / sizeof(tabs[0]); t++)
		if (strcmp(tabs[t].code, tab) == 0)
			break;
	if (t == sizeof(tabs) / sizeof(tabs[0])) {
		page_error(r, 400, "没有这个标签页", "tab must be one of items, payments, "
		    "shipments, inventory, coupons, activity, history.");
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
	header(r, m, &o, &res, revealed);
	db_done(&res);
	if (revealed && reason) {
		/* the audit row names the order: written once we know it exists */
		if ((rc = audit(r, "pii_reveal", o.no, NULL, reason)) != DB_OK) {
			json_object_put(m);
			page_db_error(r, rc);
			return;
		}
		rlog(r, LOG_INFO, "pii_reveal", "login=%s order=%s", r->sess->login, o.no);
	}
	m_str(m, "nav", "search");
	m_str(m, "tab", tab);
	m_bool(m, "revealed", revealed);
	m_bool(m, "can_reveal", auth_can(r, PERM_VIEW_ORDERS | PERM_VIEW_PII) && !revealed);
	m_str(m, "reveal_url", url_for(&r->arena, "/orders/%s/reveal", o.no));
	tab_nav(r, m, o.no, tab);
	rc = open_cases(r, m, &o);
	if (rc == DB_OK)
		rc = t == 0 ? overview(r, m, &o, revealed) : tab_fns[t](r, m, &o);
	if (rc != DB_OK) {
		json_object_put(m);
		page_db_error(r, rc);
		return;
	}
	resp_page(r, 200, "order", m);
}

static void
page_order(struct req *r)
{
	show(r, 0, NULL);
}

static void
page_reveal(struct req *r)
{
	const char *reason = NULL;
	int rc = req_str(r, "reason", 200, &reason);

	if (rc != REQ_OK || utf8_len(reason, strlen(reason)) < 2) {
		page_error(r, 400, "请填写查看原因",
		    "查看完整个人信息需要填写原因（2 到 200 个字）。A reason of 2 to 200 characters is required.");
		return;
	}
	show(r, 1, reason);
}

static const struct route routes[] = {
	{ "GET", "/orders/*", PERM_VIEW_ORDERS, page_order },
	{ "POST", "/orders/*/reveal", PERM_VIEW_ORDERS | PERM_VIEW_PII, page_reveal },
	{ NULL, NULL, 0, NULL },
};

int
main(int argc, char **argv)
{
	return app_main(argc, argv, "order", routes, NULL);
}
