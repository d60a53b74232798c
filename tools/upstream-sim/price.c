/* price.c: upstream-sim's order service — a price corrected
 *
 * POST /v1/orders/{order_no}/price {items: [{sku, unit_price}], agreed_by,
 * operator}: the named items take their new unit price (every item of the
 * order with that SKU), the order's goods and payable amounts are worked
 * out again, and a paid order's buyer gets back what they paid over the new
 * price.  An unpaid order simply takes the new price; a paid one may not
 * go up (422); the same prices again are 409.
 */
#include <string.h>

#include "core/db.h"
#include "core/util.h"
#include "sim.h"

#define MAX_ITEMS	200		/* items of one order it takes */
#define MAX_PRICE	100000000000LL	/* fen: a billion yuan */

static struct db_stmt q_items = DB_STMT(DB_ADMIN,
	"SELECT id, sku, unit_price, qty FROM order_items WHERE order_id = ?"
	" ORDER BY id FOR UPDATE");
static struct db_stmt q_item = DB_STMT(DB_ADMIN,
	"UPDATE order_items SET unit_price = ?, amount = ? * qty WHERE id = ?");
static struct db_stmt q_order = DB_STMT(DB_ADMIN,
	"UPDATE orders SET goods_amount = ?, pay_amount = ?,"
	" refunded_amount = refunded_amount + ?, updated_at = NOW() WHERE id = ?");

struct item {
	long long id, price, qty;
	const char *sku;
	long long want;		/* the new unit price, or -1 */
};

static int
load_items(struct call *c, const struct order *o, struct item *it, int *n)
{
	struct db_res res;
	int rc;

	*n = 0;
	if ((rc = DB_EXEC(c->a, &q_items, &res, DB_INT(o->id))) != DB_OK)
		return rc;
	while (*n < MAX_ITEMS && (rc = db_next(&res)) > 0) {
		it[*n].id = db_int(&res, 0);
		it[*n].sku = arena_strdup(c->a, db_str(&res, 1));
		it[*n].price = db_int(&res, 2);
		it[*n].qty = db_int(&res, 3);
		it[*n].want = -1;
		(*n)++;
	}
	return db_done(&res);
}

/* wanted: each requested SKU's new price on the order's items; -1 having
 * answered the call. */
static int
wanted(struct call *c, struct item *it, int n)
{
	struct json_object *items, *x, *v;
	const char *sku;
	long long price;
	size_t i, len;
	int k, found;

	if (!json_object_object_get_ex(c->body, "items", &items) || items == NULL) {
		answer(c, 400, "缺少字段 items");
		return -1;
	}
	if (!json_object_is_type(items, json_type_array)) {
		answer(c, 400, "字段 items 应为数组");
		return -1;
	}
	if ((len = json_object_array_length(items)) == 0) {
		answer(c, 422, "items 不能为空");
		return -1;
	}
	for (i = 0; i < len; i++) {
		x = json_object_array_get_idx(items, i);
		if (!json_object_is_type(x, json_type_object)) {
			answer(c, 400, "items[%zu] 应为对象", i);
			return -1;
		}
		if (!json_object_object_get_ex(x, "sku", &v) ||
		    !json_object_is_type(v, json_type_string)) {
			answer(c, 400, "items[%zu].sku 应为字符串", i);
			return -1;
		}
		sku = json_object_get_string(v);
		if (!json_object_object_get_ex(x, "unit_price", &v) ||
		    !json_object_is_type(v, json_type_int)) {
			answer(c, 400, "items[%zu].unit_price 应为整数（分）", i);
			return -1;
		}
		if ((price = json_object_get_int64(v)) < 0 || price > MAX_PRICE) {
			answer(c, 422, "items[%zu].unit_price 超出范围", i);
			return -1;
		}
		for (k = found = 0; k < n; k++) {
			if (strcmp(it[k].sku, sku) != 0)
				continue;
			if (it[k].want >= 0) {
				answer(c, 422, "商品 %s 出现了不止一次", clip(c->a, sku, 32));
				return -1;
			}
			it[k].want = price;
			found = 1;
		}
		if (!found) {
			answer(c, 422, "订单中没有商品 %s", clip(c->a, sku, 32));
			return -1;
		}
	}
	return 0;
}

void
do_price(struct call *c)
{
	struct item it[MAX_ITEMS];
	const char *agreed, *refund_no = NULL, *note;
	struct order o;
	long long goods = 0, pay, back = 0;
	int n, i, rc, changed = 0;

	if (want_str(c, "agreed_by", 64, &agreed) < 0 || order_load(c, c->order_no, &o) < 0)
		return;
	if (strcmp(o.status, "cancelled") == 0 || strcmp(o.status, "refunding") == 0 ||
	    strcmp(o.status, "refunded") == 0) {
		answer(c, 422, "订单已取消或在退款中，不能改价");
		answer_str(c, "status", o.status);
		return;
	}
	if ((rc = load_items(c, &o, it, &n)) != DB_OK)
		goto fail;
	if (wanted(c, it, n) < 0)
		return;
	for (i = 0; i < n; i++) {
		changed |= it[i].want >= 0 && it[i].want != it[i].price;
		goods += (it[i].want >= 0 ? it[i].want : it[i].price) * it[i].qty;
	}
	if (!changed) {
		answer(c, 409, "价格与订单一致，无需修改");
		answer_str(c, "status", o.status);
		return;
	}
	if ((pay = goods - o.discount - o.coupon + o.shipping) < 0) {
		answer(c, 422, "改价后应付金额为负");
		return;
	}
	if (o.paid > 0 && pay > o.pay) {
		answer(c, 422, "订单已付款，不能调高价格（应付 %s，改后 %s）",
		    yuan(c->a, o.pay), yuan(c->a, pay));
		return;
	}
	/* what the buyer paid over the new price, less what came back already */
	if (o.paid > 0 && (back = o.paid - o.refunded - pay) < 0)
		back = 0;
	for (i = 0; i < n; i++)
		if (it[i].want >= 0 && it[i].want != it[i].price &&
		    (rc = DB_EXEC(c->a, &q_item, NULL, DB_INT(it[i].want), DB_INT(it[i].want),
		    DB_INT(it[i].id))) != DB_OK)
			goto fail;
	if (back > 0 && (rc = refund_money(c, &o, back, "改价退还差价", 0, &refund_no)) != DB_OK)
		goto fail;
	note = arena_printf(c->a, "%s改价：应付 %s → %s（%s 同意）%s%s", by_whom(c),
	    yuan(c->a, o.pay), yuan(c->a, pay), agreed, back ? "，退还差价 " : "",
	    back ? yuan(c->a, back) : "");
	if ((rc = DB_EXEC(c->a, &q_order, NULL, DB_INT(goods), DB_INT(pay), DB_INT(back),
	    DB_INT(o.id))) != DB_OK ||
	    (rc = order_history(c, o.id, o.status, o.status, note)) != DB_OK)
		goto fail;
	answer(c, 200, "价格已修改");
	answer_str(c, "status", o.status);
	answer_int(c, "goods_amount", goods);
	answer_int(c, "pay_amount", pay);
	answer_int(c, "refunded", back);
	if (refund_no)
		answer_str(c, "refund_no", refund_no);
	c->effect = 1;
	return;
fail:
	failed(c, rc);
}
