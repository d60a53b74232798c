/* actions.c: what can be done to an order now (see actions.h) */
#include <string.h>

#include <json.h>

#include "core/buf.h"
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
	{ "call", "外呼", PERM_CALL_REQUEST, 1 },
	{ "bridge", "接通客户", PERM_CALL_REQUEST, 1 },
	/* the robot prepares it from the customer's choice; an agent confirms */
	{ "substitute", "换购", PERM_ACT_CANCEL, 0 },
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
	if (strcmp(kind, "bridge") == 0)
		return o->phone_ok ? NULL : "收货手机号不是有效的大陆手机号，不能接通";
	if (strcmp(kind, "substitute") == 0)
		return o->shipped || closed(o) ? "订单已发货或已关闭，不能换购" : NULL;
	if (strcmp(kind, "call") == 0)	/* a survey follows a delivered order too */
		return o->phone_ok ? NULL : "收货手机号不是有效的大陆手机号，不能外呼";
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

/* request: the body's common part, and n's. */
static json_object *
request(struct arena *a, const struct actor *who, const struct action_order *o,
    const char *kind, enum upstream service, struct outbox_new *n)
{
	json_object *b = json_object_new_object();

	json_object_object_add(b, "operator", json_object_new_string(
	    arena_printf(a, "%s:%s", actor_code(who), who->name)));
	n->kind = kind;
	n->service = service;
	n->order_id = o->id;
	n->order_no = o->no;
	n->amount = 0;
	return b;
}

static void
put_str(json_object *b, const char *key, const char *v)
{
	json_object_object_add(b, key, json_object_new_string(v ? v : ""));
}

static void
put_int(json_object *b, const char *key, long long v)
{
	json_object_object_add(b, key, json_object_new_int64(v));
}

/* finish: the body as text in the arena. */
static const char *
finish(struct arena *a, json_object *b)
{
	const char *s = arena_strdup(a, json_object_to_json_string_ext(b,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));

	json_object_put(b);
	return s;
}

void
action_cancel(struct arena *a, const struct actor *who, const struct action_order *o,
    const char *reason, const char *note, struct outbox_new *n)
{
	json_object *b = request(a, who, o, "cancel", UP_ORDER, n);

	put_str(b, "reason", reason);
	put_str(b, "note", note);
	n->path = arena_printf(a, "/orders/%s/cancel", o->no);
	n->body = finish(a, b);
	n->amount = order_held(&o->st);		/* a paid order's money goes back */
	n->summary = arena_printf(a, "取消订单（%s）", label_of(cancel_reasons, reason)->label);
}

void
action_refund(struct arena *a, const struct actor *who, const struct action_order *o,
    const char *payment_no, const char *channel, long long amount, const char *reason,
    struct outbox_new *n)
{
	json_object *b = request(a, who, o, "refund", UP_PAYMENT, n);

	put_str(b, "order_no", o->no);
	put_str(b, "payment_no", payment_no);
	put_int(b, "amount", amount);
	put_str(b, "reason", reason);
	n->path = "/refunds";
	n->body = finish(a, b);
	n->amount = amount;
	n->summary = arena_printf(a, "退款 ¥%s 到%s（%s）", yuan(a, amount),
	    label_of(pay_channels, channel)->label, payment_no);
}

void
action_compensate(struct arena *a, const struct actor *who,
    const struct action_order *o, long long amount, const char *reason, const char *note,
    long long days, struct outbox_new *n)
{
	json_object *b = request(a, who, o, "compensate", UP_COUPON, n);
	const char *label = label_of(compensate_reasons, reason)->label;

	put_int(b, "user_id", o->user_id);
	put_str(b, "order_no", o->no);
	put_int(b, "amount", amount);
	put_str(b, "reason", note && *note ? arena_printf(a, "%s：%s", label, note) : label);
	put_int(b, "valid_days", days);
	n->path = "/grants";
	n->body = finish(a, b);
	n->amount = amount;
	n->summary = arena_printf(a, "补偿优惠券 ¥%s（%s）", yuan(a, amount), label);
}

void
action_address(struct arena *a, const struct actor *who, const struct action_order *o,
    const char *name, const char *mobile, const char *province, const char *city,
    const char *district, const char *detail, struct outbox_new *n)
{
	json_object *b = request(a, who, o, "address", UP_ORDER, n);

	put_str(b, "receiver_name", name);
	put_str(b, "receiver_phone", mobile);
	put_str(b, "province", province);
	put_str(b, "city", city);
	put_str(b, "district", district);
	put_str(b, "detail", detail);
	n->path = arena_printf(a, "/orders/%s/address", o->no);
	n->body = finish(a, b);
	/* the summary goes to the timeline and the audit log: no full number */
	n->summary = arena_printf(a, "%s：%s %s %s（%s %s）", o->st.shipped ? "快递改址" :
	    "修改收货地址", province, city, district, name, mask_phone(a, mobile));
}

void
action_price(struct arena *a, const struct actor *who, const struct action_order *o,
    const struct price_line *lines, size_t nlines, const char *agreed_by,
    struct outbox_new *n)
{
	json_object *b = request(a, who, o, "price", UP_ORDER, n), *items = json_object_new_array();
	struct buf what = { 0 };
	size_t i;

	for (i = 0; i < nlines; i++) {
		json_object *e = json_object_new_object();

		put_str(e, "sku", lines[i].sku);
		put_int(e, "unit_price", lines[i].new);
		json_object_array_add(items, e);
		if (o->st.paid_amount > 0 && lines[i].new < lines[i].old)
			n->amount += (lines[i].old - lines[i].new) * lines[i].qty;
		buf_printf(&what, "%s%s ¥%s → ¥%s", i ? "，" : "", lines[i].sku,
		    yuan(a, lines[i].old), yuan(a, lines[i].new));
	}
	json_object_object_add(b, "items", items);
	put_str(b, "agreed_by", agreed_by);
	n->path = arena_printf(a, "/orders/%s/price", o->no);
	n->body = finish(a, b);
	n->summary = arena_printf(a, "改价：%s", what.p ? what.p : "");
	buf_free(&what);
}

void
action_sms(struct arena *a, const struct actor *who, const struct action_order *o,
    const struct sms_template *t, struct outbox_new *n)
{
	json_object *b = request(a, who, o, "sms", UP_SMS, n), *p = json_object_new_object();

	put_str(b, "order_no", o->no);
	put_str(b, "phone", o->phone);
	put_str(b, "template", t->code);
	put_str(p, "order_no", o->no);
	put_str(p, "name", o->receiver);
	put_str(p, "amount", yuan(a, o->st.pay_amount));
	json_object_object_add(b, "params", p);
	n->path = "/messages";
	n->body = finish(a, b);
	n->summary = arena_printf(a, "短信：%s（发往 %s）", t->label, mask_phone(a, o->phone));
}

void
action_bridge(struct arena *a, const struct actor *who, const struct action_order *o,
    const char *extension, struct outbox_new *n)
{
	json_object *b = request(a, who, o, "bridge", UP_ROBOT, n);

	put_str(b, "extension", extension);
	put_str(b, "phone", o->phone);
	put_str(b, "order_no", o->no);
	n->path = "/robot/bridges";
	n->body = finish(a, b);
	n->summary = arena_printf(a, "接通客户：先呼分机 %s，再接通收货人", extension);
}

void
action_substitute(struct arena *a, const struct actor *who, const struct action_order *o,
    const char *sku, const char *old_name, const char *new_sku, const char *new_name,
    struct outbox_new *n)
{
	json_object *b = request(a, who, o, "substitute", UP_ORDER, n);

	put_str(b, "sku", sku);
	put_str(b, "new_sku", new_sku);
	n->path = arena_printf(a, "/orders/%s/substitute", o->no);
	n->body = finish(a, b);
	n->summary = arena_printf(a, "换购：%s 换为 %s（原价）", old_name, new_name);
}

void
action_restock(struct arena *a, const struct actor *who, const struct action_order *o,
    const char *sku, long long qty, struct outbox_new *n)
{
	json_object *b = request(a, who, o, "restock", UP_INVENTORY, n);

	put_str(b, "sku", sku);
	put_str(b, "warehouse", o->warehouse);
	put_int(b, "qty", qty);
	n->path = "/replenishments";
	n->body = finish(a, b);
	n->summary = arena_printf(a, "申请补货 %s × %lld（%s 仓）", sku, qty, o->warehouse);
}

static struct db_stmt q_order = DB_STMT(DB_REPLICA,
	"SELECT o.id, o.order_no, o.user_id, o.warehouse, o.receiver_name, o.receiver_phone,"
	" o.channel, " ORDER_STATE_COLS " FROM orders o WHERE o.id = ?");

int
action_order_load(struct arena *a, long long id, struct action_order *o,
    const char **channel)
{
	struct db_res res;
	int rc = DB_ONE(a, &q_order, &res, DB_INT(id));

	if (rc == DB_OK) {
		o->id = db_int(&res, 0);
		o->no = arena_strdup(a, db_str(&res, 1));
		o->user_id = db_int(&res, 2);
		o->warehouse = arena_strdup(a, db_str(&res, 3));
		o->receiver = arena_strdup(a, db_str(&res, 4));
		o->phone = arena_strdup(a, db_str(&res, 5));
		*channel = arena_strdup(a, db_str(&res, 6));
		order_state_read(a, &res, 7, &o->st);
	}
	db_done(&res);
	return rc;
}
