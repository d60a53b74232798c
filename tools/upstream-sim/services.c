/* services.c: upstream-sim's payment, coupon, inventory and SMS services
 *
 *   POST /v1/refunds          {order_no, payment_no, amount, reason, operator}
 *   POST /v1/grants           {user_id, order_no, amount, reason, valid_days, operator}
 *   POST /v1/replenishments   {sku, warehouse, qty, operator}
 *   POST /v1/messages         {order_no, phone, template, params, operator}
 *
 * Like the order service (orders.c) each reads and locks what it changes,
 * decides, then writes, and touches updated_at wherever the console's
 * scanner looks.  A message changes nothing in the replica: it counts as
 * an effect (a text sent) all the same.
 */
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include "core/db.h"
#include "core/util.h"
#include "sim.h"

#define MAX_AMOUNT	100000000000LL	/* fen: a billion yuan */

static struct db_stmt q_payment = DB_STMT(DB_ADMIN,
	"SELECT p.id, p.status, p.amount - COALESCE((SELECT SUM(r.amount) FROM refunds r"
	" WHERE r.order_id = p.order_id AND r.payment_id = p.id AND r.status = 'success'), 0)"
	" FROM payments p WHERE p.order_id = ? AND p.payment_no = ? FOR UPDATE");
static struct db_stmt q_refunded = DB_STMT(DB_ADMIN,
	"UPDATE orders SET refunded_amount = ?, status = ?, updated_at = NOW() WHERE id = ?");
static struct db_stmt q_coupon_id = DB_STMT(DB_ADMIN,
	"SELECT GREATEST(GREATEST(COALESCE(MAX(id), 0) + 1, 4000000000), 4000000000) FROM coupons FOR UPDATE");
static struct db_stmt q_coupon = DB_STMT(DB_ADMIN,
	"INSERT INTO coupons (id, code, name, kind, value, min_spend, valid_from, valid_to)"
	" VALUES (?, ?, ?, 'fixed', ?, 0, NOW(), NOW() + INTERVAL ? DAY)");
static struct db_stmt q_grant = DB_STMT(DB_ADMIN,
	"INSERT INTO coupon_grants (id, coupon_id, user_id, order_id, amount, reason,"
	" granted_at) SELECT GREATEST(GREATEST(COALESCE(MAX(id), 0) + 1, 4000000000), 4000000000), ?, ?, ?, ?, ?, NOW() FROM coupon_grants");
static struct db_stmt q_valid_to = DB_STMT(DB_ADMIN,
	"SELECT valid_to FROM coupons WHERE id = ?");
static struct db_stmt q_touch = DB_STMT(DB_ADMIN,
	"UPDATE orders SET updated_at = NOW() WHERE id = ?");
static struct db_stmt q_stock = DB_STMT(DB_ADMIN,
	"SELECT on_hand FROM inventory WHERE sku = ? AND warehouse = ? FOR UPDATE");
static struct db_stmt q_product = DB_STMT(DB_ADMIN,
	"SELECT id FROM products WHERE sku = ?");
static struct db_stmt q_stock_new = DB_STMT(DB_ADMIN,
	"INSERT INTO inventory (sku, warehouse, on_hand, reserved, restock_at, updated_at)"
	" VALUES (?, ?, 0, 0, NULL, NOW())");
static struct db_stmt q_inbound = DB_STMT(DB_ADMIN,
	"INSERT INTO inventory_moves (id, sku, warehouse, order_id, kind, qty, created_at)"
	" SELECT GREATEST(GREATEST(COALESCE(MAX(id), 0) + 1, 4000000000), 4000000000), ?, ?, NULL, 'inbound', ?, NOW() FROM inventory_moves");
static struct db_stmt q_restock = DB_STMT(DB_ADMIN,
	"UPDATE inventory SET on_hand = on_hand + ?, restock_at = NULL, updated_at = NOW()"
	" WHERE sku = ? AND warehouse = ?");
/* the paid, unshipped orders waiting for that stock: the scanner looks again */
static struct db_stmt q_waiting = DB_STMT(DB_ADMIN,
	"UPDATE products p JOIN order_items i ON i.product_id = p.id"
	" JOIN orders o ON o.id = i.order_id SET o.updated_at = NOW()"
	" WHERE p.sku = ? AND o.warehouse = ? AND o.status = 'paid'");
static struct db_stmt q_now = DB_STMT(DB_ADMIN, "SELECT NOW()");

/* random_text: n characters nobody would misread (no 0/O, 1/I). */
static char *
random_text(struct arena *a, size_t n)
{
	static const char set[] = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
	unsigned char r[32];
	char *s = arena_alloc(a, n + 1);
	size_t i;

	if (n > sizeof(r) || getrandom(r, n, 0) != (ssize_t)n)
		abort();
	for (i = 0; i < n; i++)
		s[i] = set[r[i] % (sizeof(set) - 1)];
	return s;
}

void
do_refund(struct call *c)
{
	const char *no, *pay_no, *reason, *refund_no, *status, *pstatus;
	struct order o;
	struct db_res res;
	long long amount, pay_id = 0, left = 0, refunded;
	int rc;

	if (want_str(c, "order_no", 32, &no) < 0 || want_str(c, "payment_no", 32, &pay_no) < 0 ||
	    want_int(c, "amount", 1, MAX_AMOUNT, &amount) < 0 ||
	    want_str(c, "reason", 255, &reason) < 0 || order_load(c, no, &o) < 0)
		return;
	if ((rc = DB_ONE(c->a, &q_payment, &res, DB_INT(o.id), DB_STR(pay_no))) == DB_OK) {
		pay_id = db_int(&res, 0);
		pstatus = arena_strdup(c->a, db_str(&res, 1));
		left = db_int(&res, 2);
	}
	db_done(&res);
	if (rc == DB_NOROW) {
		answer(c, 422, "订单 %s 没有支付单 %s", no, pay_no);
		return;
	}
	if (rc != DB_OK)
		goto fail;
	if (strcmp(pstatus, "success") != 0) {
		answer(c, 422, "支付单 %s 未支付成功（%s），不能退款", pay_no, pstatus);
		return;
	}
	if (amount > left) {
		answer(c, 422, "退款金额 %s 超过该笔支付可退的 %s", yuan(c->a, amount),
		    yuan(c->a, left < 0 ? 0 : left));
		return;
	}
	if ((rc = refund_money(c, &o, amount, reason, pay_id, &refund_no)) != DB_OK)
		goto fail;
	refunded = o.refunded + amount;
	status = o.status;
	/* all that was paid is back: the order is refunded (a cancelled one
	 * stays cancelled) */
	if (o.paid > 0 && refunded >= o.paid && strcmp(o.status, "cancelled") != 0 &&
	    strcmp(o.status, "refunded") != 0) {
		status = "refunded";
		if ((rc = order_history(c, o.id, o.status, status, arena_printf(c->a,
		    "%s退款 %s：%s，款项已全部退回", by_whom(c), yuan(c->a, amount),
		    reason))) != DB_OK)
			goto fail;
	}
	if ((rc = DB_EXEC(c->a, &q_refunded, NULL, DB_INT(refunded), DB_STR(status),
	    DB_INT(o.id))) != DB_OK)
		goto fail;
	answer(c, 200, "退款成功");
	answer_str(c, "refund_no", refund_no);
	answer_int(c, "amount", amount);
	answer_int(c, "refunded_amount", refunded);
	answer_str(c, "status", status);
	c->effect = 1;
	return;
fail:
	failed(c, rc);
}

void
do_grant(struct call *c)
{
	const char *no, *reason, *code = NULL;
	struct order o;
	struct db_res res;
	long long user, amount, days, id = 0;
	int rc, tries;

	if (want_int(c, "user_id", 1, 0x7fffffffffffffffLL, &user) < 0 ||
	    want_str(c, "order_no", 32, &no) < 0 ||
	    want_int(c, "amount", 1, MAX_AMOUNT, &amount) < 0 ||
	    want_str(c, "reason", 255, &reason) < 0 ||
	    want_int(c, "valid_days", 1, 3650, &days) < 0 || order_load(c, no, &o) < 0)
		return;
	if (o.user_id != user) {
		answer(c, 422, "订单 %s 不属于用户 %lld", no, user);
		return;
	}
	if ((rc = db_one(c->a, &q_coupon_id, &res, 0, NULL)) == DB_OK)
		id = db_int(&res, 0);
	db_done(&res);
	if (rc != DB_OK)
		goto fail;
	/* a fresh code: another try on the rare clash with one that exists */
	for (tries = 0, rc = DB_DUP; rc == DB_DUP && tries < 5; tries++) {
		code = arena_printf(c->a, "GC%s", random_text(c->a, 10));
		rc = DB_EXEC(c->a, &q_coupon, NULL, DB_INT(id), DB_STR(code),
		    DB_STR(arena_printf(c->a, "客服补偿券 %s", yuan(c->a, amount))),
		    DB_INT(amount), DB_INT(days));
	}
	if (rc != DB_OK ||
	    (rc = DB_EXEC(c->a, &q_grant, NULL, DB_INT(id), DB_INT(user), DB_INT(o.id),
	    DB_INT(amount), DB_STR(reason))) != DB_OK ||
	    (rc = DB_EXEC(c->a, &q_touch, NULL, DB_INT(o.id))) != DB_OK ||
	    (rc = DB_ONE(c->a, &q_valid_to, &res, DB_INT(id))) != DB_OK) {
		db_done(&res);
		goto fail;
	}
	answer(c, 200, "优惠券已发放");
	answer_str(c, "code", code);
	answer_int(c, "coupon_id", id);
	answer_int(c, "amount", amount);
	answer_str(c, "valid_to", db_str(&res, 0));
	db_done(&res);
	c->effect = 1;
	return;
fail:
	failed(c, rc);
}

void
do_replenish(struct call *c)
{
	const char *sku, *wh;
	struct db_res res;
	long long qty, on_hand = 0;
	int rc;

	if (want_str(c, "sku", 32, &sku) < 0 || want_str(c, "warehouse", 16, &wh) < 0 ||
	    want_int(c, "qty", 1, 1000000, &qty) < 0)
		return;
	if ((rc = DB_ONE(c->a, &q_stock, &res, DB_STR(sku), DB_STR(wh))) == DB_OK)
		on_hand = db_int(&res, 0);
	db_done(&res);
	if (rc == DB_NOROW) {
		/* a warehouse that never held the product: a known product only */
		rc = DB_ONE(c->a, &q_product, &res, DB_STR(sku));
		db_done(&res);
		if (rc == DB_NOROW) {
			answer(c, 422, "没有商品 %s", sku);
			return;
		}
		if (rc == DB_OK)
			rc = DB_EXEC(c->a, &q_stock_new, NULL, DB_STR(sku), DB_STR(wh));
	}
	if (rc != DB_OK ||
	    (rc = DB_EXEC(c->a, &q_inbound, NULL, DB_STR(sku), DB_STR(wh), DB_INT(qty))) != DB_OK ||
	    (rc = DB_EXEC(c->a, &q_restock, NULL, DB_INT(qty), DB_STR(sku), DB_STR(wh))) != DB_OK ||
	    (rc = DB_EXEC(c->a, &q_waiting, NULL, DB_STR(sku), DB_STR(wh))) != DB_OK ||
	    (rc = db_one(c->a, &q_now, &res, 0, NULL)) != DB_OK) {
		db_done(&res);
		failed(c, rc);
		return;
	}
	/* the stock is there at once: it was expected now */
	answer(c, 200, "已补货");
	answer_str(c, "restock_at", db_str(&res, 0));
	answer_int(c, "on_hand", on_hand + qty);
	db_done(&res);
	c->effect = 1;
}

void
do_message(struct call *c)
{
	const char *no, *phone, *tpl;
	struct json_object *params;

	if (want_str(c, "order_no", 32, &no) < 0 || want_str(c, "phone", 20, &phone) < 0 ||
	    want_str(c, "template", 64, &tpl) < 0)
		return;
	if (!json_object_object_get_ex(c->body, "params", &params) || params == NULL) {
		answer(c, 400, "缺少字段 params");
		return;
	}
	if (!json_object_is_type(params, json_type_object)) {
		answer(c, 400, "字段 params 应为对象");
		return;
	}
	if (!mobile_ok(phone)) {
		answer(c, 422, "手机号不是有效的大陆手机号");
		return;
	}
	if (*tpl == '\0') {
		answer(c, 422, "template 不能为空");
		return;
	}
	answer(c, 200, "短信已受理");
	answer_str(c, "message_id", arena_printf(c->a, "SM%s", random_text(c->a, 16)));
	c->effect = 1;
}
