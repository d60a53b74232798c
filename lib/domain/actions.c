/* actions.c: what can be done to an order in its current state (see actions.h) */
#include <string.h>

#include "domain/actions.h"
#include "domain/agents.h"

const struct action_kind action_kinds[] = {
	{ "cancel", "取消订单", PERM_ACT_CANCEL },
	{ "refund", "退款", PERM_ACT_REFUND },
	{ "compensate", "补偿", PERM_ACT_COMPENSATE },
	{ "address", "修改地址", PERM_ACT_ADDRESS },
	{ "price", "改价", PERM_ACT_PRICE },
	{ "sms", "发短信", PERM_ACT_SMS },
	{ "call", "外呼确认", PERM_CALL_REQUEST },
	{ NULL, NULL, 0 },
};

static int
is(const struct order_state *o, const char *list)
{
	size_t n = strlen(o->status);
	const char *p = list;

	while ((p = strstr(p, o->status)) != NULL) {
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
			return 1;
		p += n;
	}
	return 0;
}

const char *
action_why_not(const char *kind, const struct order_state *o)
{
	if (strcmp(kind, "cancel") == 0)
		return is(o, "pending paid") ? NULL : "只有未发货的订单可以取消";
	if (strcmp(kind, "refund") == 0) {
		if (o->paid_amount - o->refunded_amount <= 0)
			return "没有可退的已付金额";
		return is(o, "paid shipped delivered completed refunding") ? NULL :
		    "当前状态不能退款";
	}
	if (strcmp(kind, "compensate") == 0)
		return is(o, "paid shipped delivered completed") ? NULL :
		    "只有已付款的订单可以补偿";
	if (strcmp(kind, "address") == 0)
		return is(o, "pending paid") ? NULL : "已发货的订单不能改地址";
	if (strcmp(kind, "price") == 0)
		return is(o, "pending") ? NULL : "只有待付款的订单可以改价";
	if (strcmp(kind, "sms") == 0)
		return NULL;
	if (strcmp(kind, "call") == 0)
		return is(o, "pending paid shipped") ? NULL : "订单已结束，无需外呼";
	return "未知操作";
}
