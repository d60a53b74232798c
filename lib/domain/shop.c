/* shop.c: the shop's vocabulary (see shop.h) */
#include <string.h>

#include "core/buf.h"
#include "domain/shop.h"

const struct label order_statuses[] = {
	{ "pending", "待付款", "amber" },
	{ "paid", "待发货", "blue" },
	{ "shipped", "已发货", "indigo" },
	{ "delivered", "已签收", "teal" },
	{ "completed", "已完成", "green" },
	{ "cancelled", "已取消", "gray" },
	{ "refunding", "退款中", "orange" },
	{ "refunded", "已退款", "purple" },
	{ NULL, NULL, NULL },
};

const struct label payment_statuses[] = {
	{ "pending", "待支付", "amber" },
	{ "success", "支付成功", "green" },
	{ "failed", "支付失败", "red" },
	{ "closed", "已关闭", "gray" },
	{ NULL, NULL, NULL },
};

const struct label refund_statuses[] = {
	{ "pending", "待处理", "amber" },
	{ "processing", "处理中", "blue" },
	{ "success", "已退款", "green" },
	{ "failed", "退款失败", "red" },
	{ NULL, NULL, NULL },
};

const struct label shipment_statuses[] = {
	{ "created", "待揽收", "amber" },
	{ "in_transit", "运输中", "blue" },
	{ "delivered", "已签收", "green" },
	{ "exception", "异常", "red" },
	{ "returned", "已退回", "gray" },
	{ NULL, NULL, NULL },
};

const struct label pay_channels[] = {
	{ "alipay", "支付宝", "blue" },
	{ "wechat", "微信支付", "green" },
	{ "unionpay", "银联", "red" },
	{ "balance", "余额", "gray" },
	{ NULL, NULL, NULL },
};

const struct label carriers[] = {
	{ "SF", "顺丰速运", "gray" },
	{ "ZTO", "中通快递", "gray" },
	{ "YTO", "圆通速递", "gray" },
	{ "YD", "韵达快递", "gray" },
	{ "STO", "申通快递", "gray" },
	{ "JD", "京东物流", "gray" },
	{ "EMS", "中国邮政EMS", "gray" },
	{ NULL, NULL, NULL },
};

const struct label order_channels[] = {
	{ "app", "App", "gray" },
	{ "web", "网页", "gray" },
	{ "miniprogram", "小程序", "gray" },
	{ "h5", "H5", "gray" },
	{ NULL, NULL, NULL },
};

const struct label actor_types[] = {
	{ "system", "系统", "gray" },
	{ "customer", "顾客", "blue" },
	{ "agent", "客服", "indigo" },
	{ "rule", "规则", "orange" },
	{ "robot", "外呼机器人", "teal" },
	{ "cli", "命令行", "gray" },
	{ "visitor", "访客", "gray" },
	{ NULL, NULL, NULL },
};

const struct label tracking_codes[] = {
	{ "picked_up", "已揽收", "blue" },
	{ "in_transit", "运输中", "blue" },
	{ "arrived", "到达网点", "blue" },
	{ "out_for_delivery", "派送中", "indigo" },
	{ "delivered", "已签收", "green" },
	{ "unreachable", "无法联系收件人", "red" },
	{ "returned", "退回", "red" },
	{ NULL, NULL, NULL },
};

const struct label user_levels[] = {
	{ "normal", "普通会员", "gray" },
	{ "silver", "白银会员", "gray" },
	{ "gold", "黄金会员", "amber" },
	{ "plus", "PLUS 会员", "purple" },
	{ NULL, NULL, NULL },
};

const struct label pay_failures[] = {
	{ "BALANCE_NOT_ENOUGH", "余额不足", "red" },
	{ "CARD_EXPIRED", "银行卡已过期", "red" },
	{ "RISK_REJECTED", "风控拒绝", "red" },
	{ "BANK_TIMEOUT", "银行处理超时", "red" },
	{ "USER_CANCEL", "用户取消支付", "gray" },
	{ NULL, NULL, NULL },
};

const struct label stock_moves[] = {
	{ "reserve", "锁定库存", "gray" },
	{ "release", "释放库存", "gray" },
	{ "outbound", "出库", "gray" },
	{ "inbound", "入库", "gray" },
	{ "adjust", "库存调整", "gray" },
	{ NULL, NULL, NULL },
};

const struct label user_actions[] = {
	{ "app_open", "打开 App", "gray" },
	{ "login", "登录", "gray" },
	{ "view_product", "浏览商品", "gray" },
	{ "add_cart", "加入购物车", "gray" },
	{ "checkout", "提交订单", "gray" },
	{ "pay_click", "点击支付", "gray" },
	{ "pay_cancel", "取消支付", "gray" },
	{ "contact_service", "联系客服", "gray" },
	{ "view_logistics", "查看物流", "gray" },
	{ "apply_refund", "申请退款", "gray" },
	{ "confirm_receipt", "确认收货", "gray" },
	{ NULL, NULL, NULL },
};

const struct label actor_names[] = {
	{ "payment", "支付系统", "gray" },
	{ "refund", "退款系统", "gray" },
	{ "wms", "仓储系统", "gray" },
	{ "tms", "物流系统", "gray" },
	{ "oms", "订单系统", "gray" },
	{ "callbot", "智能外呼", "teal" },
	{ "unpaid_auto_cancel", "超时未付自动取消", "orange" },
	{ "auto_confirm_receipt", "自动确认收货", "orange" },
	/* the console's automation rules (lib/domain/automation.h) */
	{ "auto_cancel_unpaid", "自动取消未付订单", "orange" },
	{ "auto_refund_duplicate", "自动退还重复支付", "orange" },
	{ "auto_soothe_stalled", "物流停滞自动安抚", "orange" },
	{ "auto_restock_shortage", "缺货自动申请补货", "orange" },
	{ "mend-scan", "异常扫描", "gray" },
	{ "system", "系统", "gray" },
	{ NULL, NULL, NULL },
};

const struct label *
label_of(const struct label *t, const char *code)
{
	static struct label unknown = { "", "", "gray" };

	for (; code && t->code; t++)
		if (strcmp(t->code, code) == 0)
			return t;
	unknown.code = unknown.label = code ? code : "";
	return &unknown;
}

int
label_known(const struct label *t, const char *code)
{
	for (; code && t->code; t++)
		if (strcmp(t->code, code) == 0)
			return 1;
	return 0;
}

static int
word_char(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    c == '_';
}

const char *
labels_in(struct arena *a, const char *text, const struct label *table)
{
	struct buf b = { 0 };
	const struct label *l = NULL;
	const char *p = text, *out;
	int changed = 0;

	if (text == NULL)
		return NULL;
	while (*p) {
		size_t n = 0;

		if (p == text || !word_char(p[-1]))
			for (l = table; l->code; l++) {
				n = strlen(l->code);
				if (strncmp(p, l->code, n) == 0 && !word_char(p[n]))
					break;
			}
		if (n && l->code) {
			buf_puts(&b, l->label);
			p += n;
			changed = 1;
		} else
			buf_putc(&b, *p++);
	}
	out = changed ? arena_strdup(a, b.p) : text;
	buf_free(&b);
	return out;
}

int
order_no_valid(const char *s)
{
	size_t n = strlen(s), i;

	if (n < 6 || n > 32)
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= 'a' && s[i] <= 'z')))
			return 0;
	return 1;
}
