/* actions.c: what can be done to an order now (see actions.h) */
#include <string.h>

#include "core/text.h"
#include "core/util.h"
#include "domain/actions.h"
#include "domain/agents.h"

const struct action_kind action_kinds[] = {
	{ "cancel", "取消订单", PERM_ACT_CANCEL, 1 },
	{ "refund", "退款", PERM_ACT_REFUND, 1 },
	{ "compensate", "补偿", PERM_ACT_COMPENSATE, 1 },
	{ "address", "修改地址", PERM_ACT_ADDRESS, 1 },
	{ "price", "改价", PERM_ACT_PRICE, 1 },
	{ "sms", "发短信", PERM_ACT_SMS, 1 },
	{ "restock", "申请补货", PERM_ACT_RESTOCK, 1 },
	{ "call", "外呼确认", PERM_CALL_REQUEST, 0 },
	{ NULL, NULL, 0, 0 },
};

void
order_state_read(struct arena *a, const struct db_res *res, unsigned col,
    struct order_state *st)
{
	st->status = arena_strdup(a, db_str(res, col));
	st->pay_amount = db_int(res, col + 1);
	st->paid_amount = db_int(res, col + 2);
	st->refunded_amount = db_int(res, col + 3);
	st->refunding = db_int(res, col + 4);
	st->shipped = db_int(res, col + 5) == 1;
	st->delivered = db_int(res, col + 6) == 1;
	st->phone_ok = db_int(res, col + 7) == 1;
}

long long
order_held(const struct order_state *o)
{
	long long held = o->paid_amount - o->refunded_amount - o->refunding;

	return held > 0 ? held : 0;
}

const struct action_kind *
action_kind(const char *code)
{
	const struct action_kind *k;

	for (k = action_kinds; k->code; k++)
		if (strcmp(k->code, code) == 0)
			return k;
	return NULL;
}

/* closed: the order has ended without its goods: nothing more to fix in it. */
static int
closed(const struct order_state *o)
{
	return strcmp(o->status, "cancelled") == 0 ||
	    (strcmp(o->status, "refunded") == 0 && order_held(o) == 0);
}

const char *
action_why_not(struct arena *a, const char *kind, const struct order_state *o)
{
	if (strcmp(kind, "cancel") == 0) {
		if (strcmp(o->status, "cancelled") == 0)
			return "订单已取消";
		if (o->shipped)
			return "订单已发货，不能取消；可以改为退款";
		/* the order system takes a cancel before shipment, not once a
		 * refund has begun: what is left to give back is a refund */
		if (str_in_list("refunding refunded", o->status))
			return order_held(o) ? "订单在退款流程中，不能取消；剩余的钱请用退款退回" :
			    "订单已全额退款，已经关闭";
		return NULL;
	}
	if (strcmp(kind, "refund") == 0) {
		if (o->paid_amount <= 0)
			return "订单没有付款，无需退款";
		if (order_held(o) > 0)
			return NULL;
		return arena_printf(a, "没有可退的金额（已付 ¥%s，已退 ¥%s%s%s）",
		    yuan(a, o->paid_amount), yuan(a, o->refunded_amount),
		    o->refunding ? "，退款中 ¥" : "", o->refunding ? yuan(a, o->refunding) : "");
	}
	if (strcmp(kind, "compensate") == 0)
		return o->paid_amount > 0 ? NULL : "订单没有付款，不能补偿";
	if (strcmp(kind, "address") == 0) {
		if (str_in_list("cancelled refunded", o->status))
			return "订单已关闭，不能改地址";
		return o->delivered ? "订单已签收，不能改地址" : NULL;
	}
	if (strcmp(kind, "price") == 0) {
		if (str_in_list("cancelled refunding refunded", o->status))
			return "订单已取消或在退款流程中，不能改价";
		return o->shipped ? "订单已发货，不能改价" : NULL;
	}
	if (strcmp(kind, "sms") == 0)
		return o->phone_ok ? NULL : "收货手机号不是有效的大陆手机号，不能发短信";
	if (strcmp(kind, "restock") == 0)
		return o->shipped || closed(o) ? "订单已发货或已关闭，无需为它补货" : NULL;
	if (strcmp(kind, "call") == 0)
		return closed(o) || o->delivered ? "订单已结束，无需外呼" : NULL;
	return "未知操作";
}

const struct label cancel_reasons[] = {
	{ "customer", "客户要求取消", NULL },
	{ "unpaid", "超时未付款", NULL },
	{ "out_of_stock", "缺货无法发货", NULL },
	{ "address", "地址无法送达", NULL },
	{ "duplicate", "重复下单", NULL },
	{ "price", "价格错误", NULL },
	{ "other", "其他", NULL },
	{ NULL, NULL, NULL },
};

const struct label compensate_reasons[] = {
	{ "delay", "发货或物流延误", NULL },
	{ "stock", "缺货等待", NULL },
	{ "service", "服务体验不佳", NULL },
	{ "price", "价格问题", NULL },
	{ "other", "其他", NULL },
	{ NULL, NULL, NULL },
};

/* The texts a customer may be sent; {order_no}, {name} and {amount} are
 * the order's.  Short enough for one message. */
const struct sms_template sms_templates[] = {
	{ "pay_reminder", "付款提醒",
	    "【小店】{name}您好，您的订单{order_no}尚未付款（¥{amount}），如需继续购买请尽快付款。" },
	{ "pay_failed", "付款失败",
	    "【小店】{name}您好，您的订单{order_no}付款没有成功，可更换支付方式重新付款。" },
	{ "ship_delay", "发货延迟致歉",
	    "【小店】{name}您好，您的订单{order_no}发货晚了，非常抱歉，我们正在加急处理。" },
	{ "logistics", "物流异常说明",
	    "【小店】{name}您好，您的订单{order_no}物流暂时没有更新，我们已联系快递核实，请放心。" },
	{ "stock_short", "缺货通知",
	    "【小店】{name}您好，您的订单{order_no}中的商品暂时缺货，补货后立即发出，也可申请退款。" },
	{ "address_check", "地址确认",
	    "【小店】{name}您好，您的订单{order_no}收货地址可能有误，请联系客服确认。" },
	{ "refunded", "退款通知",
	    "【小店】{name}您好，您的订单{order_no}已退款 ¥{amount}，将原路退回。" },
	{ NULL, NULL, NULL },
};

const char *
sms_render(struct arena *a, const char *tpl, const char *order_no, const char *name,
    const char *amount)
{
	const struct { const char *key, *val; } vars[] = {
		{ "{order_no}", order_no }, { "{name}", name }, { "{amount}", amount },
	};
	size_t cap = strlen(tpl) + 1, i, n = 0;
	const char *p;
	char *out;

	for (i = 0; i < NELEM(vars); i++)
		cap += strlen(vars[i].val) * 4;	/* each at most a few times */
	out = arena_alloc(a, cap);
	for (p = tpl; *p; ) {
		for (i = 0; i < NELEM(vars); i++)
			if (strncmp(p, vars[i].key, strlen(vars[i].key)) == 0)
				break;
		if (i < NELEM(vars) && n + strlen(vars[i].val) < cap) {
			memcpy(out + n, vars[i].val, strlen(vars[i].val));
			n += strlen(vars[i].val);
			p += strlen(vars[i].key);
		} else if (n + 1 < cap)
			out[n++] = *p++;
		else
			break;
	}
	out[n] = '\0';
	return out;
}
