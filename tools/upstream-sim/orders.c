/* orders.c: upstream-sim's order service — cancel, address, substitute
 * (price.c: price)
 *
 * Each effect reads and locks the order first, decides, and only then
 * writes, as the shop's order system and replication together would: the
 * order's row (its updated_at always, so the console's scanner sees the
 * change), a status-history row by the operator, the stock it held and
 * the money it gives back.  The replica's tables have no AUTO_INCREMENT:
 * a new row takes MAX(id) + 1 inside the transaction, and at least
 * 4,000,000,000 — the stand-in's own range, apart from the seeder's ids
 * and the tests' fixtures — which is safe because the stand-in is the only
 * writer there and runs one request at a time.
 */
#include <stdio.h>
#include <string.h>

#include "core/db.h"
#include "core/log.h"
#include "core/util.h"
#include "sim.h"

static struct db_stmt q_order = DB_STMT(DB_ADMIN,
	"SELECT id, user_id, order_no, status, warehouse, goods_amount, discount_amount,"
	" coupon_amount, shipping_fee, pay_amount, paid_amount, refunded_amount,"
	" receiver_name, receiver_phone, province, city, district, address_detail"
	" FROM orders WHERE order_no = ? FOR UPDATE");
static struct db_stmt q_history = DB_STMT(DB_ADMIN,
	"INSERT INTO order_status_history (id, order_id, from_status, to_status, actor_type,"
	" actor, note, changed_at) SELECT GREATEST(GREATEST(COALESCE(MAX(id), 0) + 1, 4000000000), 4000000000), ?, ?, ?, ?, ?, ?, NOW()"
	" FROM order_status_history");
/* what each successful payment still holds: its amount less its refunds */
static struct db_stmt q_payments = DB_STMT(DB_ADMIN,
	"SELECT p.id, p.amount - COALESCE((SELECT SUM(r.amount) FROM refunds r"
	" WHERE r.order_id = p.order_id AND r.payment_id = p.id AND r.status = 'success'), 0)"
	" FROM payments p WHERE p.order_id = ? AND p.status = 'success'"
	" ORDER BY p.created_at DESC, p.id DESC FOR UPDATE");
static struct db_stmt q_refunds = DB_STMT(DB_ADMIN,
	"SELECT COUNT(*) FROM refunds WHERE order_id = ?");
static struct db_stmt q_refund = DB_STMT(DB_ADMIN,
	"INSERT INTO refunds (id, order_id, payment_id, refund_no, amount, reason, status,"
	" created_at, completed_at, updated_at) SELECT GREATEST(GREATEST(COALESCE(MAX(id), 0) + 1, 4000000000), 4000000000), ?, ?, ?, ?, ?,"
	" 'success', NOW(), NOW(), NOW() FROM refunds");
/* the stock an order holds: its reserve moves less what was released or shipped */
static struct db_stmt q_held = DB_STMT(DB_ADMIN,
	"SELECT sku, warehouse, SUM(qty) FROM inventory_moves WHERE order_id = ?"
	" AND kind IN ('reserve', 'release', 'outbound') GROUP BY sku, warehouse"
	" HAVING SUM(qty) > 0");
static struct db_stmt q_release_move = DB_STMT(DB_ADMIN,
	"INSERT INTO inventory_moves (id, sku, warehouse, order_id, kind, qty, created_at)"
	" SELECT GREATEST(GREATEST(COALESCE(MAX(id), 0) + 1, 4000000000), 4000000000), ?, ?, ?, 'release', ?, NOW() FROM inventory_moves");
static struct db_stmt q_release = DB_STMT(DB_ADMIN,
	"UPDATE inventory SET reserved = reserved - ?, updated_at = NOW()"
	" WHERE sku = ? AND warehouse = ?");
static struct db_stmt q_cancel = DB_STMT(DB_ADMIN,
	"UPDATE orders SET status = 'cancelled', cancel_reason = ?, cancelled_at = NOW(),"
	" refunded_amount = refunded_amount + ?, updated_at = NOW() WHERE id = ?");
/* substitute: the order's item of a SKU, the product it becomes, the stock */
static struct db_stmt q_item = DB_STMT(DB_ADMIN,
	"SELECT id, qty FROM order_items WHERE order_id = ? AND sku = ? ORDER BY id LIMIT 1"
	" FOR UPDATE");
static struct db_stmt q_product = DB_STMT(DB_ADMIN,
	"SELECT id, name, spec FROM products WHERE sku = ? AND status = 'on_sale'");
static struct db_stmt q_swap = DB_STMT(DB_ADMIN,
	"UPDATE order_items SET product_id = ?, sku = ?, product_name = ?, spec = ? WHERE id = ?");
static struct db_stmt q_stock_move = DB_STMT(DB_ADMIN,
	"INSERT INTO inventory_moves (id, sku, warehouse, order_id, kind, qty, created_at)"
	" SELECT GREATEST(COALESCE(MAX(id), 0) + 1, 4000000000), ?, ?, ?, ?, ?, NOW()"
	" FROM inventory_moves");
static struct db_stmt q_reserved = DB_STMT(DB_ADMIN,
	"UPDATE inventory SET reserved = GREATEST(reserved + ?, 0), updated_at = NOW()"
	" WHERE sku = ? AND warehouse = ?");
static struct db_stmt q_touch = DB_STMT(DB_ADMIN,
	"UPDATE orders SET updated_at = NOW() WHERE id = ?");
static struct db_stmt q_address = DB_STMT(DB_ADMIN,
	"UPDATE orders SET receiver_name = ?, receiver_phone = ?, province = ?, city = ?,"
	" district = ?, address_detail = ?, updated_at = NOW() WHERE id = ?");

int
order_load(struct call *c, const char *order_no, struct order *o)
{
	struct db_res res;
	int rc;

	if ((rc = DB_ONE(c->a, &q_order, &res, DB_STR(order_no))) == DB_OK) {
		o->id = db_int(&res, 0);
		o->user_id = db_int(&res, 1);
		o->no = arena_strdup(c->a, db_str(&res, 2));
		o->status = arena_strdup(c->a, db_str(&res, 3));
		o->warehouse = arena_strdup(c->a, db_str(&res, 4));
		o->goods = db_int(&res, 5);
		o->discount = db_int(&res, 6);
		o->coupon = db_int(&res, 7);
		o->shipping = db_int(&res, 8);
		o->pay = db_int(&res, 9);
		o->paid = db_int(&res, 10);
		o->refunded = db_int(&res, 11);
		o->name = arena_strdup(c->a, db_str(&res, 12));
		o->phone = arena_strdup(c->a, db_str(&res, 13));
		o->province = arena_strdup(c->a, db_str(&res, 14));
		o->city = arena_strdup(c->a, db_str(&res, 15));
		o->district = arena_strdup(c->a, db_str(&res, 16));
		o->detail = arena_strdup(c->a, db_str(&res, 17));
	}
	db_done(&res);
	if (rc == DB_NOROW)
		answer(c, 404, "订单 %s 不存在", order_no);
	else if (rc != DB_OK)
		failed(c, rc);
	return rc == DB_OK ? 0 : -1;
}

const char *
by_whom(const struct call *c)
{
	static const char *const names[][2] = {
		{ "agent", "客服" }, { "rule", "自动规则" }, { "robot", "智能外呼" },
		{ "customer", "用户" },
	};
	size_t i;

	for (i = 0; i < NELEM(names); i++)
		if (strcmp(c->actor_type, names[i][0]) == 0)
			return names[i][1];
	return "系统";
}

int
order_history(struct call *c, long long order_id, const char *from, const char *to,
    const char *note)
{
	return DB_EXEC(c->a, &q_history, NULL, DB_INT(order_id), DB_STR(from), DB_STR(to),
	    DB_STR(c->actor_type), DB_STR(c->actor), DB_STR(clip(c->a, note, 255)));
}

/* refund_row: one successful refund, numbered after the order's others as
 * the payment system numbers them (R, the order number, two digits). */
static int
refund_row(struct call *c, const struct order *o, long long payment_id, long long amount,
    const char *reason, const char **refund_no)
{
	struct db_res res;
	const char *no;
	int rc;

	if ((rc = DB_ONE(c->a, &q_refunds, &res, DB_INT(o->id))) == DB_OK)
		no = arena_printf(c->a, "R%s%02lld", o->no, db_int(&res, 0) + 1);
	db_done(&res);
	if (rc != DB_OK)
		return rc;
	if (*refund_no == NULL)
		*refund_no = no;
	return DB_EXEC(c->a, &q_refund, NULL, DB_INT(o->id),
	    payment_id ? DB_INT(payment_id) : DB_NULL, DB_STR(clip(c->a, no, 32)),
	    DB_INT(amount), DB_STR(clip(c->a, reason, 255)));
}

int
refund_money(struct call *c, const struct order *o, long long amount, const char *reason,
    long long payment_id, const char **refund_no)
{
	struct db_res res;
	long long ids[16], holds[16], take;
	int rc, i, n = 0;

	*refund_no = NULL;
	if (payment_id)
		return refund_row(c, o, payment_id, amount, reason, refund_no);
	if ((rc = DB_EXEC(c->a, &q_payments, &res, DB_INT(o->id))) != DB_OK)
		return rc;
	while (n < (int)NELEM(ids) && (rc = db_next(&res)) > 0) {
		ids[n] = db_int(&res, 0);
		holds[n++] = db_int(&res, 1);
	}
	if ((rc = db_done(&res)) != DB_OK)
		return rc;
	for (i = 0; i < n && amount > 0; i++) {
		if ((take = holds[i] < amount ? holds[i] : amount) <= 0)
			continue;
		if ((rc = refund_row(c, o, ids[i], take, reason, refund_no)) != DB_OK)
			return rc;
		amount -= take;
	}
	if (amount > 0) {
		/* the order says more was paid than its payments hold (rows
		 * written by hand): the money still goes back */
		log_ev(LOG_WARN, NULL, "refund_without_payment", "order=%s amount=%lld",
		    o->no, amount);
		rc = refund_row(c, o, 0, amount, reason, refund_no);
	}
	return rc;
}

/* release: the stock the order holds goes back to its warehouses. */
static int
release(struct call *c, const struct order *o)
{
	struct db_res res;
	int rc, rc2 = DB_OK;

	if ((rc = DB_EXEC(c->a, &q_held, &res, DB_INT(o->id))) != DB_OK)
		return rc;
	/* the result is stored: other statements may run while it is read */
	while (rc2 == DB_OK && (rc = db_next(&res)) > 0) {
		const char *sku = db_str(&res, 0), *wh = db_str(&res, 1);
		long long q = db_int(&res, 2);

		rc2 = DB_EXEC(c->a, &q_release_move, NULL, DB_STR(sku), DB_STR(wh),
		    DB_INT(o->id), DB_INT(-q));
		if (rc2 == DB_OK)
			rc2 = DB_EXEC(c->a, &q_release, NULL, DB_INT(q), DB_STR(sku), DB_STR(wh));
	}
	rc = db_done(&res);
	return rc2 != DB_OK ? rc2 : rc;
}

/* POST /v1/orders/{order_no}/cancel {reason, note, operator} */
void
do_cancel(struct call *c)
{
	const char *reason, *note, *refund_no = NULL, *text;
	struct order o;
	long long back;
	int rc;

	if (want_str(c, "reason", 64, &reason) < 0 || opt_str(c, "note", 200, "", &note) < 0 ||
	    order_load(c, c->order_no, &o) < 0)
		return;
	if (strcmp(o.status, "cancelled") == 0) {
		answer(c, 409, "订单已取消");
		answer_str(c, "status", o.status);
		return;
	}
	if (strcmp(o.status, "pending") != 0 && strcmp(o.status, "paid") != 0) {
		answer(c, 422, "%s", strcmp(o.status, "shipped") == 0 ? "订单已发货，不能取消" :
		    strcmp(o.status, "delivered") == 0 ? "订单已签收，不能取消" :
		    strcmp(o.status, "completed") == 0 ? "订单已完成，不能取消" :
		    "订单在退款流程中，不能取消");
		answer_str(c, "status", o.status);
		return;
	}
	back = o.paid - o.refunded;
	if ((rc = release(c, &o)) != DB_OK ||
	    (back > 0 && (rc = refund_money(c, &o, back, "订单取消，原路退款", 0,
	    &refund_no)) != DB_OK))
		goto fail;
	if (back < 0)
		back = 0;
	text = arena_printf(c->a, "%s取消订单（%s）%s%s%s%s", by_whom(c), reason,
	    *note ? "：" : "", note, back ? "，已原路退款 " : "", back ? yuan(c->a, back) : "");
	if ((rc = DB_EXEC(c->a, &q_cancel, NULL, DB_STR(reason), DB_INT(back),
	    DB_INT(o.id))) != DB_OK ||
	    (rc = order_history(c, o.id, o.status, "cancelled", text)) != DB_OK)
		goto fail;
	answer(c, 200, "订单已取消");
	answer_str(c, "status", "cancelled");
	answer_int(c, "refunded", back);
	if (refund_no)
		answer_str(c, "refund_no", refund_no);
	c->effect = 1;
	return;
fail:
	failed(c, rc);
}

/* POST /v1/orders/{order_no}/address {receiver_name, receiver_phone,
 * province, city, district, detail, operator} */
void
do_address(struct call *c)
{
	const char *name, *phone, *prov, *city, *dist, *detail;
	struct order o;
	int rc;

	if (want_str(c, "receiver_name", 64, &name) < 0 ||
	    want_str(c, "receiver_phone", 20, &phone) < 0 ||
	    want_str(c, "province", 32, &prov) < 0 || want_str(c, "city", 32, &city) < 0 ||
	    want_str(c, "district", 32, &dist) < 0 || want_str(c, "detail", 255, &detail) < 0)
		return;
	if (!*name || !*prov || !*city || !*dist || !*detail) {
		answer(c, 422, "收货人、省、市、区和详细地址都不能为空");
		return;
	}
	if (!mobile_ok(phone)) {
		answer(c, 422, "收货人手机号不是有效的大陆手机号");
		return;
	}
	if (order_load(c, c->order_no, &o) < 0)
		return;
	if (strcmp(o.status, "delivered") == 0 || strcmp(o.status, "completed") == 0 ||
	    strcmp(o.status, "cancelled") == 0 || strcmp(o.status, "refunded") == 0) {
		answer(c, 422, "订单%s，不能修改地址", strcmp(o.status, "cancelled") == 0 ?
		    "已取消" : strcmp(o.status, "refunded") == 0 ? "已退款" :
		    strcmp(o.status, "completed") == 0 ? "已完成" : "已签收");
		answer_str(c, "status", o.status);
		return;
	}
	if (strcmp(name, o.name) == 0 && strcmp(phone, o.phone) == 0 &&
	    strcmp(prov, o.province) == 0 && strcmp(city, o.city) == 0 &&
	    strcmp(dist, o.district) == 0 && strcmp(detail, o.detail) == 0) {
		answer(c, 409, "收货信息与订单一致，无需修改");
		answer_str(c, "status", o.status);
		return;
	}
	if ((rc = DB_EXEC(c->a, &q_address, NULL, DB_STR(name), DB_STR(phone), DB_STR(prov),
	    DB_STR(city), DB_STR(dist), DB_STR(detail), DB_INT(o.id))) != DB_OK ||
	    (rc = order_history(c, o.id, o.status, o.status,
	    arena_printf(c->a, "%s修改收货信息", by_whom(c)))) != DB_OK) {
		failed(c, rc);
		return;
	}
	answer(c, 200, "收货信息已修改");
	answer_str(c, "status", o.status);
	c->effect = 1;
}

/* POST /v1/orders/{order_no}/substitute {sku, new_sku, operator}: the
 * item of sku becomes the product new_sku, at the price it was sold at;
 * its stock is released and the new one reserved at the order's warehouse */
void
do_substitute(struct call *c)
{
	const char *sku, *nsku;
	struct db_res res;
	struct order o;
	long long item, qty, pid;
	const char *name, *spec;
	int rc;

	if (want_str(c, "sku", 32, &sku) < 0 || want_str(c, "new_sku", 32, &nsku) < 0 ||
	    order_load(c, c->order_no, &o) < 0)
		return;
	if (strcmp(o.status, "pending") != 0 && strcmp(o.status, "paid") != 0) {
		answer(c, 422, "订单已发货或已关闭，不能换购");
		answer_str(c, "status", o.status);
		return;
	}
	if ((rc = DB_ONE(c->a, &q_item, &res, DB_INT(o.id), DB_STR(nsku))) != DB_NOROW) {
		db_done(&res);
		if (rc != DB_OK)
			goto fail;
		answer(c, 409, "订单中已经是这个商品");
		answer_str(c, "status", o.status);
		return;
	}
	db_done(&res);
	rc = DB_ONE(c->a, &q_item, &res, DB_INT(o.id), DB_STR(sku));
	item = rc == DB_OK ? db_int(&res, 0) : 0;
	qty = rc == DB_OK ? db_int(&res, 1) : 0;
	db_done(&res);
	if (rc == DB_NOROW) {
		answer(c, 422, "订单中没有商品 %s", sku);
		return;
	}
	if (rc != DB_OK)
		goto fail;
	rc = DB_ONE(c->a, &q_product, &res, DB_STR(nsku));
	pid = rc == DB_OK ? db_int(&res, 0) : 0;
	name = rc == DB_OK ? arena_strdup(c->a, db_str(&res, 1)) : "";
	spec = rc == DB_OK ? arena_strdup(c->a, db_str(&res, 2)) : "";
	db_done(&res);
	if (rc == DB_NOROW) {
		answer(c, 422, "没有在售的商品 %s", nsku);
		return;
	}
	if (rc != DB_OK ||
	    (rc = DB_EXEC(c->a, &q_swap, NULL, DB_INT(pid), DB_STR(nsku), DB_STR(name),
	    DB_STR(spec), DB_INT(item))) != DB_OK ||
	    (rc = DB_EXEC(c->a, &q_stock_move, NULL, DB_STR(sku), DB_STR(o.warehouse),
	    DB_INT(o.id), DB_STR("release"), DB_INT(-qty))) != DB_OK ||
	    (rc = DB_EXEC(c->a, &q_reserved, NULL, DB_INT(-qty), DB_STR(sku),
	    DB_STR(o.warehouse))) != DB_OK ||
	    (rc = DB_EXEC(c->a, &q_stock_move, NULL, DB_STR(nsku), DB_STR(o.warehouse),
	    DB_INT(o.id), DB_STR("reserve"), DB_INT(qty))) != DB_OK ||
	    (rc = DB_EXEC(c->a, &q_reserved, NULL, DB_INT(qty), DB_STR(nsku),
	    DB_STR(o.warehouse))) != DB_OK ||
	    (rc = DB_EXEC(c->a, &q_touch, NULL, DB_INT(o.id))) != DB_OK ||
	    (rc = order_history(c, o.id, o.status, o.status, arena_printf(c->a,
	    "%s换购：%s 换为 %s", by_whom(c), sku, name))) != DB_OK)
		goto fail;
	answer(c, 200, "已换购");
	answer_str(c, "status", o.status);
	c->effect = 1;
	return;
fail:
	failed(c, rc);
}
