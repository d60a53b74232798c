/* anomaly.c: the nine kinds of order trouble (see anomaly.h) */
#include <string.h>

#include "core/db.h"
#include "domain/anomaly.h"

/* The latest payment attempt of an order: greatest created_at, then id. */
#define LATEST_PAY \
	"(SELECT p2.id FROM payments p2 WHERE p2.order_id = o.id" \
	" ORDER BY p2.created_at DESC, p2.id DESC LIMIT 1)"
#define PAID_OK \
	"EXISTS (SELECT 1 FROM payments p3 WHERE p3.order_id = o.id AND p3.status = 'success')"
/* The orders of a scoped pass, a JSON list in @ids. */
#define SCOPE \
	" AND o.id IN (SELECT j.id FROM JSON_TABLE(@ids, '$[*]' COLUMNS" \
	" (id BIGINT UNSIGNED PATH '$')) j)"
/* A kind judged over every order may take longer than [replica]
 * query_timeout, meant for pages: a first pass at a million orders spends
 * seconds on a kind (tests/bench/run).  A scoped query keeps the limit. */
#define LONG_STATEMENT "SET STATEMENT max_statement_time = 120 FOR "

/* FIND: a kind's two statements, from its SQL in three parts: the SELECT
 * up to its WHERE conditions (head), a better start for a pass over every
 * order (head_all), and what follows the conditions (tail: GROUP BY ...,
 * or "").  FIND_SAME: the same start for both. */
#define FIND(name, head, head_all, tail) \
	static struct db_stmt name##_all = DB_STMT(DB_REPLICA, \
	    LONG_STATEMENT head_all tail); \
	static struct db_stmt name##_some = DB_STMT(DB_REPLICA, head SCOPE tail)
#define FIND_SAME(name, head, tail) FIND(name, head, head, tail)

/* unpaid_timeout */
FIND_SAME(unpaid,
	"SELECT o.id, o.order_no, o.user_id, o.pay_amount, o.created_at, o.warehouse,"
	" NULL, NULL, o.channel, NULL, o.created_at FROM orders o"
	" WHERE o.status = 'pending' AND o.created_at < @now - INTERVAL @thr SECOND"
	" AND (" PAID_OK " OR COALESCE((SELECT p.status FROM payments p WHERE"
	" p.order_id = o.id ORDER BY p.created_at DESC, p.id DESC LIMIT 1), '') <> 'failed')",
	"");

/* payment_failed */
FIND_SAME(pay_failed,
	"SELECT o.id, o.order_no, o.user_id, o.pay_amount, p.created_at, o.warehouse,"
	" NULL, NULL, p.channel, COALESCE(p.failure_code, ''), o.created_at FROM orders o"
	" JOIN payments p ON p.id = " LATEST_PAY
	" WHERE o.status = 'pending' AND p.status = 'failed' AND NOT " PAID_OK,
	"");

/* duplicate_payment: over everything, find the orders from the payments alone first:
 * grouping orders joined to payments needs a temporary table on
 * disk at a million orders (5 s), this an index walk (1 s) */
FIND(dup_pay,
	"SELECT o.id, o.order_no, o.user_id, o.pay_amount, MIN(p.paid_at), o.warehouse,"
	" NULL, NULL, COUNT(*), SUM(p.amount), o.created_at FROM orders o"
	" JOIN payments p ON p.order_id = o.id AND p.status = 'success' WHERE 1",
	"SELECT o.id, o.order_no, o.user_id, o.pay_amount, MIN(p.paid_at), o.warehouse,"
	" NULL, NULL, COUNT(*), SUM(p.amount), o.created_at FROM"
	" (SELECT order_id FROM payments WHERE status = 'success' GROUP BY order_id"
	"  HAVING COUNT(*) > 1) d JOIN orders o ON o.id = d.order_id"
	" JOIN payments p ON p.order_id = o.id AND p.status = 'success' WHERE 1",
	" GROUP BY o.id HAVING COUNT(*) > 1");

/* not_shipped */
FIND_SAME(unshipped,
	"SELECT o.id, o.order_no, o.user_id, o.pay_amount, o.paid_at, o.warehouse,"
	" NULL, NULL, NULL, NULL, o.created_at FROM orders o"
	" WHERE o.status = 'paid' AND o.paid_at < @now - INTERVAL @thr SECOND",
	"");

/* logistics_stalled */
FIND_SAME(stalled,
	"SELECT o.id, o.order_no, o.user_id, o.pay_amount,"
	" MIN(COALESCE(s.last_event_at, s.shipped_at)), o.warehouse, MIN(s.carrier),"
	" NULL, MIN(s.tracking_no), COUNT(*), o.created_at FROM shipments s"
	" JOIN orders o ON o.id = s.order_id WHERE s.status = 'in_transit'"
	" AND (s.last_event_at < @now - INTERVAL @thr SECOND OR (s.last_event_at IS NULL"
	" AND s.shipped_at < @now - INTERVAL @thr SECOND))",
	" GROUP BY o.id");

/* stock_shortage: over everything, start from the short stock, not from the orders */
FIND(short,
	"SELECT o.id, o.order_no, o.user_id, o.pay_amount, o.paid_at, o.warehouse,"
	" NULL, MIN(i.sku), MIN(v.on_hand - v.reserved), NULL, o.created_at FROM orders o"
	" JOIN order_items i ON i.order_id = o.id"
	" JOIN inventory v ON v.sku = i.sku AND v.warehouse = o.warehouse"
	" WHERE o.status = 'paid' AND v.on_hand - v.reserved < 0",
	"SELECT o.id, o.order_no, o.user_id, o.pay_amount, o.paid_at, o.warehouse,"
	" NULL, MIN(i.sku), MIN(v.on_hand - v.reserved), NULL, o.created_at FROM inventory v"
	" JOIN products pr ON pr.sku = v.sku"
	" JOIN order_items i ON i.product_id = pr.id AND i.sku = v.sku"
	" JOIN orders o ON o.id = i.order_id AND o.warehouse = v.warehouse"
	" WHERE o.status = 'paid' AND v.on_hand - v.reserved < 0",
	" GROUP BY o.id");

/* price_anomaly: scoped, the items are read for the orders in @ids only */
FIND(price,
	"SELECT o.id, o.order_no, o.user_id, o.pay_amount, o.created_at, o.warehouse,"
	" NULL, NULL, COALESCE(t.bad, 0), o.pay_amount - (o.goods_amount - o.discount_amount"
	" - o.coupon_amount + o.shipping_fee), o.created_at FROM orders o"
	" LEFT JOIN (SELECT i.order_id, SUM(i.amount) AS total,"
	"  MAX(i.unit_price < i.list_price * @thr / 100"
	"   OR i.unit_price > i.list_price * @thr2 / 100) AS bad"
	"  FROM order_items i WHERE i.order_id IN (SELECT j.id FROM JSON_TABLE(@ids,"
	"  '$[*]' COLUMNS (id BIGINT UNSIGNED PATH '$')) j) GROUP BY i.order_id) t"
	" ON t.order_id = o.id"
	" WHERE (COALESCE(t.bad, 0) = 1"
	" OR o.pay_amount <> o.goods_amount - o.discount_amount - o.coupon_amount + o.shipping_fee"
	" OR o.goods_amount <> COALESCE(t.total, 0))",
	"SELECT o.id, o.order_no, o.user_id, o.pay_amount, o.created_at, o.warehouse,"
	" NULL, NULL, COALESCE(t.bad, 0), o.pay_amount - (o.goods_amount - o.discount_amount"
	" - o.coupon_amount + o.shipping_fee), o.created_at FROM orders o"
	" LEFT JOIN (SELECT i.order_id, SUM(i.amount) AS total,"
	"  MAX(i.unit_price < i.list_price * @thr / 100"
	"   OR i.unit_price > i.list_price * @thr2 / 100) AS bad"
	"  FROM order_items i GROUP BY i.order_id) t ON t.order_id = o.id"
	" WHERE (COALESCE(t.bad, 0) = 1"
	" OR o.pay_amount <> o.goods_amount - o.discount_amount - o.coupon_amount + o.shipping_fee"
	" OR o.goods_amount <> COALESCE(t.total, 0))",
	"");

/* address_problem */
FIND_SAME(address,
	"SELECT o.id, o.order_no, o.user_id, o.pay_amount, o.created_at, o.warehouse,"
	" NULL, NULL, o.receiver_phone NOT REGEXP '^1[3-9][0-9]{9}$',"
	" EXISTS (SELECT 1 FROM shipments s JOIN shipment_events e ON e.shipment_id = s.id"
	"  WHERE s.order_id = o.id AND e.code = 'unreachable'), o.created_at FROM orders o"
	" WHERE o.status NOT IN ('cancelled', 'completed', 'refunded')"
	" AND (o.receiver_phone NOT REGEXP '^1[3-9][0-9]{9}$'"
	" OR o.province = '' OR o.city = '' OR o.address_detail = ''"
	" OR EXISTS (SELECT 1 FROM shipments s JOIN shipment_events e ON e.shipment_id = s.id"
	"  WHERE s.order_id = o.id AND e.code = 'unreachable'))",
	"");

/* refund_stuck */
FIND_SAME(refund,
	"SELECT o.id, o.order_no, o.user_id, o.pay_amount, MIN(r.created_at), o.warehouse,"
	" NULL, NULL, SUM(r.amount), COUNT(*), o.created_at FROM refunds r JOIN orders o ON o.id = r.order_id"
	" WHERE r.status IN ('pending', 'processing')"
	" AND r.created_at < @now - INTERVAL @thr SECOND",
	" GROUP BY o.id");

const struct anomaly_kind anomaly_kinds[] = {
	{ "unpaid_timeout", "超时未付款", 1, 1, NULL,
	  "查看用户行为，确认是否卡在支付页或支付失败\n"
	  "发短信提醒付款，或外呼确认是否还要这笔订单\n"
	  "确认不要了：取消订单，释放库存",
	  "sms", "template=pay_reminder",
	  &unpaid_all, &unpaid_some, "payment_failed" },
	{ "payment_failed", "支付失败", 2, 0, "payment",
	  "查看最近一次支付的失败原因\n"
	  "余额不足、卡过期：短信提醒更换支付方式后重新付款\n"
	  "风控拒绝、银行超时：转支付团队核查\n"
	  "长时间未能付款：与用户确认后取消订单",
	  "sms", "template=pay_failed",
	  &pay_failed_all, &pay_failed_some, NULL },
	{ "duplicate_payment", "重复支付", 3, 0, NULL,
	  "核对每笔成功支付的交易号和金额\n"
	  "对多收的款项发起退款（只退重复的部分）\n"
	  "短信告知用户退款金额和到账时间",
	  "refund", "",
	  &dup_pay_all, &dup_pay_some, NULL },
	{ "not_shipped", "超时未发货", 2, 1, "warehouse",
	  "查看订单商品在发货仓的库存\n"
	  "联系仓库确认发货时间\n"
	  "外呼或短信告知用户预计发货时间；等待过久可补偿或取消",
	  "sms", "template=ship_delay",
	  &unshipped_all, &unshipped_some, NULL },
	{ "logistics_stalled", "物流停滞", 2, 1, "carrier",
	  "查看包裹的物流轨迹，确认最后一次更新\n"
	  "联系快递公司催件、核实包裹位置\n"
	  "短信告知用户处理进度\n"
	  "确认丢件：补发或退款",
	  "sms", "template=logistics",
	  &stalled_all, &stalled_some, NULL },
	{ "stock_shortage", "缺货", 2, 0, "sku",
	  "查看缺货 SKU 在发货仓的在库和锁定数量\n"
	  "外呼用户：愿意等待补货，或更换其他商品\n"
	  "用户不等：取消订单并退款",
	  "restock", "",
	  &short_all, &short_some, NULL },
	{ "price_anomaly", "价格异常", 2, 0, NULL,
	  "对比各商品的成交价和标价，核对订单金额\n"
	  "确认是系统故障还是活动规则调整\n"
	  "未付款：改价；已付款：补收差价需外呼确认，多收的退差价",
	  "price", "",
	  &price_all, &price_some, NULL },
	{ "address_problem", "地址异常", 2, 0, NULL,
	  "查看收货信息和物流异常事件\n"
	  "外呼用户核对收货地址和电话\n"
	  "修改地址（未发货）或联系快递改派（已发货）",
	  "address", "",
	  &address_all, &address_some, NULL },
	{ "refund_stuck", "退款卡住", 2, 1, NULL,
	  "查看退款单的状态和支付渠道\n"
	  "联系支付团队或渠道核查退款进度\n"
	  "告知用户预计到账时间，必要时先行补偿",
	  "compensate", "reason=delay",
	  &refund_all, &refund_some, NULL },
};

const struct anomaly_kind *
anomaly_kind(const char *code)
{
	int i;

	for (i = 0; code && i < ANOMALY_KINDS; i++)
		if (strcmp(anomaly_kinds[i].code, code) == 0)
			return &anomaly_kinds[i];
	return NULL;
}

const char *
anomaly_label(const char *code)
{
	const struct anomaly_kind *k = anomaly_kind(code);

	return k ? k->label : code;
}
