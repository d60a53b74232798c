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
 * The other tabs are in tabs.c.
 */
#include <string.h>

#include "core/model.h"
#include "core/text.h"
#include "core/url.h"
#include "core/util.h"
#include "domain/anomaly.h"
#include "domain/audit.h"
#include "domain/cases.h"
#include "domain/shop.h"
#include "domain/timeline.h"
#include "ui/auth.h"
#include "ui/page.h"
#include "ui/views.h"
#include "order.h"

static struct db_stmt q_order = DB_STMT(DB_REPLICA,
	"SELECT o.id, o.order_no, o.status, o.channel, o.goods_amount,"
	" o.discount_amount, o.coupon_amount, o.shipping_fee, o.pay_amount,"
	" o.paid_amount, o.refunded_amount, o.receiver_name, o.receiver_phone,"
	" o.province, o.city, o.district, o.address_detail, o.warehouse,"
	" o.remark, o.cancel_reason, o.created_at, o.paid_at, o.shipped_at,"
	" o.delivered_at, o.completed_at, o.cancelled_at, o.user_id,"
	" (SELECT COALESCE(SUM(amount), 0) FROM order_items WHERE order_id = o.id),"
	" (SELECT GROUP_CONCAT(product_name, ' ×', qty ORDER BY id SEPARATOR '、')"
	"  FROM order_items WHERE order_id = o.id), " ORDER_STATE_COLS
	" FROM orders o WHERE o.order_no = ?");
enum { O_ID, O_NO, O_STATUS, O_CHANNEL, O_GOODS, O_DISCOUNT, O_COUPON,
	O_SHIPPING, O_PAY, O_PAID, O_REFUNDED, O_RNAME, O_RPHONE, O_PROVINCE,
	O_CITY, O_DISTRICT, O_DETAIL, O_WAREHOUSE, O_REMARK, O_CANCEL_REASON,
	O_CREATED, O_PAID_AT, O_SHIPPED_AT, O_DELIVERED_AT, O_COMPLETED_AT,
	O_CANCELLED_AT, O_USER, O_ITEMS_SUM, O_ITEMS, O_STATE };

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

/* The tabs; the first, without a code, is the overview. */
static const struct {
	const char *code, *label;
	int (*fn)(struct req *, json_object *, const struct order *);
} tabs[] = {
	{ "", "概览", NULL },
	{ "items", "商品", tab_items },
	{ "payments", "支付与退款", tab_payments },
	{ "shipments", "物流", tab_shipments },
	{ "inventory", "库存", tab_inventory },
	{ "coupons", "优惠券", tab_coupons },
	{ "activity", "用户行为", tab_activity },
	{ "history", "状态历史", tab_history },
};

void
order_money(struct req *r, json_object *o, const char *key,
    const struct db_res *res, unsigned col)
{
	(void)r;
	m_money(o, key, db_int(res, col));
}

/* header: the order from q_order's row into o and the model. */
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
	order_state_read(&r->arena, res, O_STATE, &o->state);

	m_str(m, "order_no", o->no);
	m_label(m, "status", label_of(order_statuses, o->state.status));
	m_label(m, "channel", label_of(order_channels, db_str(res, O_CHANNEL)));
	m_str(m, "warehouse", o->warehouse);
	m_str(m, "items_summary", db_str(res, O_ITEMS));
	order_money(r, m, "goods_amount", res, O_GOODS);
	order_money(r, m, "discount_amount", res, O_DISCOUNT);
	order_money(r, m, "coupon_amount", res, O_COUPON);
	order_money(r, m, "shipping_fee", res, O_SHIPPING);
	order_money(r, m, "pay_amount", res, O_PAY);
	order_money(r, m, "paid_amount", res, O_PAID);
	order_money(r, m, "refunded_amount", res, O_REFUNDED);
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
	m_add(m, "actions", actions_model(r, o->no, 0, &o->state));
}

static void
tab_nav(struct req *r, json_object *m, const char *no, const char *current)
{
	json_object *arr = m_add(m, "tabs", m_arr());
	size_t i;

	for (i = 0; i < NELEM(tabs); i++) {
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
	while (db_next(&res) > 0) {
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
		m_facts(r, e, "facts", db_str(&res, 5));
		m_bool(e, "overdue", db_int(&res, 6) != 0);
		m_bool(e, "escalated", db_int(&res, 7) != 0);
	}
	m_bool(m, "has_cases", json_object_array_length(arr) > 0);
	return db_done(&res);
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
	while (db_next(&res) > 0) {
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
		order_money(r, e, "amount", &res, 3);
		m_str(e, "created_at", db_str(&res, 4));
		m_strn(e, "date", db_str(&res, 4), 10);
	}
	if ((rc = db_done(&res)) != DB_OK)
		return rc;

	if ((rc = timeline_build(&r->arena, &tl, &to)) != DB_OK)
		return rc;
	m_add(v, "timeline", timeline_model(&tl));
	return DB_OK;
}

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
		page_error(r, 400, "订单号格式不正确", "订单号由 6 到 32 位字母或数字组成。");
		return;
	}
	if (tab == NULL)
		tab = "";
	for (t = 0; t < NELEM(tabs); t++)
		if (strcmp(tabs[t].code, tab) == 0)
			break;
	if (t == NELEM(tabs)) {
		page_error(r, 400, "没有这个标签页",
		    "标签页只能是商品、支付与退款、物流、库存、优惠券、用户行为或状态历史。");
		return;
	}
	rc = DB_ONE(&r->arena, &q_order, &res, DB_STR(no));
	if (rc == DB_NOROW) {
		db_done(&res);
		page_error(r, 404, "找不到订单", "没有订单号为 %s 的订单。", no);
		return;
	}
	if (rc != DB_OK) {
		db_done(&res);
		page_db_error(r, rc);
		return;
	}
	m = page_model(r, arena_printf(&r->arena, "订单 %s", db_str(&res, O_NO)),
	    "search");
	header(r, m, &o, &res, revealed);
	db_done(&res);
	action_notice(r, m);
	if (revealed && reason) {
		/* the audit row names the order: written once we know it exists */
		if ((rc = audit(&r->arena, auth_actor(r), "pii_reveal", o.no, NULL,
		    reason)) != DB_OK) {
			page_db_error(r, rc);
			return;
		}
		rlog(r, LOG_INFO, "pii_reveal", "login=%s order=%s", r->sess->login, o.no);
	}
	m_str(m, "tab", tab);
	m_bool(m, "revealed", revealed);
	m_bool(m, "can_reveal", auth_can(r, PERM_VIEW_ORDERS | PERM_VIEW_PII) && !revealed);
	m_str(m, "reveal_url", url_for(&r->arena, "/orders/%s/reveal", o.no));
	tab_nav(r, m, o.no, tab);
	rc = open_cases(r, m, &o);
	if (rc == DB_OK)
		rc = tabs[t].fn ? tabs[t].fn(r, m, &o) : overview(r, m, &o, revealed);
	if (rc != DB_OK) {
		page_db_error(r, rc);
		return;
	}
	page_show(r, 200, "order");
}

void
page_order(struct req *r)
{
	show(r, 0, NULL);
}

void
page_reveal(struct req *r)
{
	const char *reason = NULL;
	int rc = req_str(r, "reason", 200, &reason);

	if (rc != REQ_OK || utf8_len(reason, strlen(reason)) < 2) {
		page_error(r, 400, "请填写查看原因", "查看完整个人信息需要填写原因（2 到 200 个字）。");
		return;
	}
	show(r, 1, reason);
}
