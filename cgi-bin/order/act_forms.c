/* act_forms.c: each action's fields — what the form offers, what the POST
 * takes, and the request it makes (README: The upstream contract)
 *
 * form_fill puts a kind's choices and values into the model (the values
 * submitted, else the order's: the payment to refund, the shortfall to
 * restock); form_read checks the submitted fields against the order as
 * the replica shows it now and builds the request.  Every refusal is a
 * field message; nothing is written until all of them pass.
 */
#include <stdio.h>
#include <string.h>

#include "core/db.h"
#include "core/model.h"
#include "core/text.h"
#include "core/util.h"
#include "domain/actions.h"
#include "domain/outbox.h"
#include "ui/auth.h"
#include "ui/page.h"
#include "ui/views.h"
#include "order.h"

#define REASON_MAX 200
#define COMPENSATE_MAX 50000	/* fen: a coupon over ¥500 is not a compensation */

/* The order's successful payments and what each can still give back. */
/* bridge: the extension the agent gave last time */
static struct db_stmt q_extension = DB_STMT(DB_CONSOLE,
	"SELECT JSON_VALUE(body, '$.extension') FROM outbox FORCE INDEX (ix_outbox_agent)"
	" WHERE agent_id = ? AND kind = 'bridge' ORDER BY created_at DESC, id DESC LIMIT 1");
static struct db_stmt q_payments = DB_STMT(DB_REPLICA,
	"SELECT p.payment_no, p.channel, p.amount, p.amount - COALESCE((SELECT SUM(f.amount)"
	"  FROM refunds f WHERE f.payment_id = p.id"
	"  AND f.status IN ('success', 'pending', 'processing')), 0),"
	" DATE_FORMAT(p.paid_at, '%Y-%m-%d %H:%i') FROM payments p"
	" WHERE p.order_id = ? AND p.status = 'success' ORDER BY p.paid_at, p.id");
/* The order's items, with the stock at its warehouse. */
static struct db_stmt q_items = DB_STMT(DB_REPLICA,
	"SELECT i.sku, i.product_name, i.qty, i.list_price, i.unit_price,"
	" COALESCE(v.on_hand - v.reserved, 0) FROM order_items i"
	" LEFT JOIN inventory v ON v.sku = i.sku AND v.warehouse = ?"
	" WHERE i.order_id = ? ORDER BY i.id");

/* A payment or an item, as read. */
struct row {
	const char *code, *name;	/* payment_no / sku; channel / product */
	long long a, b, c, d;		/* amount, refundable / qty, list, unit, available */
	const char *at;
};

static int
rows(struct req *r, const struct act *x, int items, struct row **out, size_t *n)
{
	struct arena *a = &r->arena;
	struct db_res res;
	struct row *v;
	size_t k = 0;
	int rc = items ? DB_EXEC(a, &q_items, &res, DB_STR(x->o.warehouse), DB_INT(x->o.id)) :
	    DB_EXEC(a, &q_payments, &res, DB_INT(x->o.id));

	*out = NULL;
	*n = 0;
	if (rc != DB_OK)
		return rc;
	v = arena_alloc(a, (res.rows ? res.rows : 1) * sizeof(*v));
	while ((rc = db_next(&res)) > 0) {
		v[k].code = arena_strdup(a, db_str(&res, 0));
		v[k].name = arena_strdup(a, db_str(&res, 1));
		v[k].a = db_int(&res, 2);
		v[k].b = db_int(&res, 3);
		v[k].c = items ? db_int(&res, 4) : 0;
		v[k].d = items ? db_int(&res, 5) : 0;
		v[k].at = items ? "" : arena_strdup(a, db_str(&res, 4) ? db_str(&res, 4) : "");
		k++;
	}
	*out = v;
	*n = k;
	return rc < 0 ? rc : db_done(&res);
}

/* value: the submitted field, else def. */
static const char *
value(struct req *r, const char *name, const char *def)
{
	const char *v = req_get(r, name);

	return v ? v : def;
}

/* text: a required (or optional) field of at most max characters. */
static const char *
text(struct req *r, const char *name, size_t max, int required, const char *what)
{
	const char *v = NULL;
	int rc = req_str(r, name, max, &v);

	if (rc == REQ_BAD)
		m_str(page_errs(r), name, arena_printf(&r->arena, "%s最多 %zu 个字。", what, max));
	else if (rc == REQ_MISSING && required)
		m_str(page_errs(r), name, arena_printf(&r->arena, "请填写%s。", what));
	return rc == REQ_OK ? v : "";
}

/* money: a field in yuan, more than 0 and at most max fen; -1 when not. */
static long long
money(struct req *r, const char *name, long long max, const char *what)
{
	const char *v = NULL;
	long long fen = -1;
	struct arena *a = &r->arena;

	if (req_str(r, name, 20, &v) != REQ_OK || parse_yuan(v, &fen) < 0)
		m_str(page_errs(r), name, arena_printf(a, "%s请填写金额（元），最多两位小数，"
		    "例如 12.50。", what));
	else if (fen <= 0)
		m_str(page_errs(r), name, arena_printf(a, "%s须大于 0。", what));
	else if (fen > max)
		m_str(page_errs(r), name, arena_printf(a, "%s不能超过 ¥%s。", what, yuan(a, max)));
	else
		return fen;
	return -1;
}

int
form_fill(struct req *r, json_object *m, const struct act *x)
{
	struct arena *a = &r->arena;
	const char *k = x->kind->code;
	json_object *arr, *e;
	struct row *v;
	size_t n, i, pick;
	int rc;

	if (strcmp(k, "bridge") == 0) {
		struct db_res res;
		const char *ext = "";

		/* the extension this agent was reached at last time */
		if ((rc = DB_ONE(a, &q_extension, &res, DB_INT(r->sess->agent_id))) == DB_OK &&
		    db_str(&res, 0))
			ext = arena_strdup(a, db_str(&res, 0));
		db_done(&res);
		if (rc != DB_OK && rc != DB_NOROW)
			return rc;
		m_str(m, "extension", value(r, "extension", ext));
	} else if (strcmp(k, "cancel") == 0) {
		m_options(m, "reasons", cancel_reasons, value(r, "reason", ""));
		m_str(m, "note", value(r, "note", ""));
		m_opt(m, "refund_note", "has_refund_note", order_held(&x->o.st) ?
		    arena_printf(a, "订单已付款，取消后原路退回 ¥%s。",
		    yuan(a, order_held(&x->o.st))) : NULL);
	} else if (strcmp(k, "refund") == 0) {
		if ((rc = rows(r, x, 0, &v, &n)) != DB_OK)
			return rc;
		/* paid twice: the later payment is the extra one to give back */
		for (pick = n ? n - 1 : 0; pick > 0 && v[pick].b <= 0; pick--)
			;
		arr = m_add(m, "payments", m_arr());
		for (i = 0; i < n; i++) {
			e = m_push(arr, m_obj());
			m_str(e, "payment_no", v[i].code);
			m_str(e, "channel", label_of(pay_channels, v[i].name)->label);
			m_money(e, "amount", v[i].a);
			m_money(e, "refundable", v[i].b);
			m_str(e, "paid_at", v[i].at);
			m_bool(e, "checked", req_get(r, "payment") ?
			    strcmp(req_get(r, "payment"), v[i].code) == 0 : i == pick);
			m_bool(e, "spent", v[i].b <= 0);
		}
		m_bool(m, "duplicate", n > 1);
		m_str(m, "amount", value(r, "amount", n ? yuan_plain(a, v[pick].b <
		    order_held(&x->o.st) ? v[pick].b : order_held(&x->o.st)) : ""));
		m_str(m, "reason", value(r, "reason", n > 1 ? "重复支付，退还多付的一笔" : ""));
	} else if (strcmp(k, "compensate") == 0) {
		m_options(m, "reasons", compensate_reasons, value(r, "reason", ""));
		m_str(m, "amount", value(r, "amount", ""));
		m_str(m, "note", value(r, "note", ""));
		m_str(m, "days", value(r, "days", "30"));
		m_money(m, "compensate_max", COMPENSATE_MAX);
	} else if (strcmp(k, "address") == 0) {
		/* the current address only to whom may see it in full */
		int pii = auth_can(r, PERM_VIEW_PII);

		m_str(m, "f_name", value(r, "name", pii ? x->o.receiver : ""));
		m_str(m, "f_phone", value(r, "phone", ""));
		m_str(m, "f_province", value(r, "province", x->province));
		m_str(m, "f_city", value(r, "city", x->city));
		m_str(m, "f_district", value(r, "district", x->district));
		m_str(m, "f_detail", value(r, "detail", pii ? x->detail : ""));
		m_bool(m, "redirect", x->o.st.shipped);
	} else if (strcmp(k, "price") == 0 || strcmp(k, "restock") == 0) {
		int price = strcmp(k, "price") == 0;
		const char *cur = req_get(r, "sku");

		if ((rc = rows(r, x, 1, &v, &n)) != DB_OK)
			return rc;
		for (pick = 0; pick < n && v[pick].d >= 0; pick++)
			;
		pick = pick < n ? pick : 0;
		arr = m_add(m, "lines", m_arr());
		for (i = 0; i < n; i++) {
			e = m_push(arr, m_obj());
			m_str(e, "sku", v[i].code);
			m_str(e, "name", v[i].name);
			m_int(e, "qty", v[i].a);
			m_money(e, "list_price", v[i].b);
			m_money(e, "unit_price", v[i].c);
			m_int(e, "available", v[i].d);
			m_bool(e, "short", v[i].d < 0);
			m_str(e, "field", arena_printf(a, "price_%s", v[i].code));
			m_str(e, "value", value(r, arena_printf(a, "price_%s", v[i].code),
			    yuan_plain(a, v[i].c)));
			m_opt(e, "error", "has_error", m_get(page_errs(r),
			    arena_printf(a, "price_%s", v[i].code)));
			m_bool(e, "checked", cur ? strcmp(cur, v[i].code) == 0 : i == pick);
		}
		if (price) {
			m_bool(m, "paid", x->o.st.paid_amount > 0);
			m_bool(m, "agreed", req_get(r, "agreed") != NULL);
		} else
			m_str(m, "qty", value(r, "qty", n ? arena_printf(a, "%lld",
			    v[pick].d < 0 ? -v[pick].d : v[pick].a) : "1"));
		m_str(m, "warehouse", x->o.warehouse);
	} else if (strcmp(k, "sms") == 0) {
		const struct sms_template *t;
		const char *cur = value(r, "template", "");

		arr = m_add(m, "templates", m_arr());
		for (t = sms_templates; t->code; t++) {
			e = m_push(arr, m_obj());
			m_str(e, "code", t->code);
			m_str(e, "label", t->label);
			m_str(e, "preview", sms_render(a, t->text, x->o.no, x->o.receiver,
			    yuan(a, x->o.st.pay_amount)));
			m_bool(e, "checked", strcmp(cur, t->code) == 0);
		}
	}
	return DB_OK;
}

/* read_cancel and the others: the kind's fields, checked, then its
 * request (lib/domain/actions.c) into n. */
static int
read_cancel(struct req *r, const struct act *x, struct outbox_new *n)
{
	const char *reason = req_get(r, "reason"), *note;

	if (reason == NULL || !label_known(cancel_reasons, reason)) {
		m_str(page_errs(r), "reason", "请选择取消原因。");
		reason = "other";
	}
	note = text(r, "note", REASON_MAX, strcmp(reason, "other") == 0, "说明");
	action_cancel(&r->arena, auth_actor(r), &x->o, reason, note, n);
	return DB_OK;
}

static int
read_refund(struct req *r, const struct act *x, struct outbox_new *n)
{
	const char *pno = req_get(r, "payment"), *reason;
	struct row *v, *p = NULL;
	long long amount, max;
	size_t k, i;
	int rc;

	if ((rc = rows(r, x, 0, &v, &k)) != DB_OK)
		return rc;
	for (i = 0; pno && i < k; i++)
		if (strcmp(v[i].code, pno) == 0)
			p = &v[i];
	if (p == NULL || p->b <= 0) {
		m_str(page_errs(r), "payment", p ? "这笔付款已全部退回。" : "请选择退回哪一笔付款。");
		max = order_held(&x->o.st);
	} else
		max = p->b < order_held(&x->o.st) ? p->b : order_held(&x->o.st);
	amount = money(r, "amount", max, "退款金额");
	reason = text(r, "reason", REASON_MAX, 1, "退款原因");
	if (p && amount >= 0)
		action_refund(&r->arena, auth_actor(r), &x->o, p->code, p->name, amount, reason, n);
	return DB_OK;
}

static int
read_compensate(struct req *r, const struct act *x, struct outbox_new *n)
{
	const char *reason = req_get(r, "reason"), *note;
	long long max = x->o.st.paid_amount < COMPENSATE_MAX ? x->o.st.paid_amount :
	    COMPENSATE_MAX, amount, days = 30;

	amount = money(r, "amount", max, "补偿金额");
	if (reason == NULL || !label_known(compensate_reasons, reason)) {
		m_str(page_errs(r), "reason", "请选择补偿原因。");
		reason = "other";
	}
	note = text(r, "note", REASON_MAX, strcmp(reason, "other") == 0, "说明");
	if (req_int(r, "days", 1, 365, &days) != REQ_OK)
		m_str(page_errs(r), "days", "有效期为 1 到 365 天。");
	if (amount >= 0)
		action_compensate(&r->arena, auth_actor(r), &x->o, amount, reason, note, days, n);
	return DB_OK;
}

static int
read_address(struct req *r, const struct act *x, struct outbox_new *n)
{
	const char *name = text(r, "name", 32, 1, "收货人"),
	    *phone = text(r, "phone", 20, 1, "手机号"),
	    *province = text(r, "province", 16, 1, "省份"),
	    *city = text(r, "city", 16, 1, "城市"),
	    *district = text(r, "district", 16, 1, "区县"),
	    *detail = text(r, "detail", 120, 1, "详细地址");
	char digits[12] = "";

	/* a mobile as people type it: spaces and dashes, +86 in front */
	if (*phone && phone_read(phone, digits) < 0)
		m_str(page_errs(r), "phone", "请填写 11 位大陆手机号。");
	if (!page_erred(r))
		action_address(&r->arena, auth_actor(r), &x->o, name, digits, province, city,
		    district, detail, n);
	return DB_OK;
}

static int
read_price(struct req *r, const struct act *x, struct outbox_new *n)
{
	struct arena *a = &r->arena;
	struct price_line *lines;
	struct row *v;
	long long fen;
	size_t k, i, changed = 0;
	int rc, paid = x->o.st.paid_amount > 0;

	if ((rc = rows(r, x, 1, &v, &k)) != DB_OK)
		return rc;
	lines = arena_alloc(a, (k ? k : 1) * sizeof(*lines));
	for (i = 0; i < k; i++) {
		const char *f = arena_printf(a, "price_%s", v[i].code);

		if ((fen = money(r, f, 99999999, v[i].code)) < 0 || fen == v[i].c)
			continue;
		if (paid && fen > v[i].c) {
			m_str(page_errs(r), f, "已付款的订单只能调低价格（差价原路退回）。");
			continue;
		}
		lines[changed++] = (struct price_line){ v[i].code, v[i].c, fen, v[i].a };
	}
	if (changed == 0 && !page_erred(r))
		m_str(page_errs(r), "price", "没有改动任何价格。");
	if (req_get(r, "agreed") == NULL)
		m_str(page_errs(r), "agreed", "改价须先征得客户同意，请确认。");
	if (!page_erred(r))
		action_price(a, auth_actor(r), &x->o, lines, changed, "agent", n);
	return DB_OK;
}

static int
read_bridge(struct req *r, const struct act *x, struct outbox_new *n)
{
	const char *ext = NULL;
	size_t len;

	if (req_str(r, "extension", 8, &ext) != REQ_OK || (len = strlen(ext)) < 2 ||
	    strspn(ext, "0123456789") != len)
		m_str(page_errs(r), "extension", "请填写你的分机号（2–8 位数字）。");
	else
		action_bridge(&r->arena, auth_actor(r), &x->o, ext, n);
	return DB_OK;
}

static int
read_sms(struct req *r, const struct act *x, struct outbox_new *n)
{
	const char *code = req_get(r, "template");
	const struct sms_template *t;

	for (t = sms_templates; t->code && !(code && strcmp(t->code, code) == 0); t++)
		;
	if (t->code == NULL)
		m_str(page_errs(r), "template", "请选择短信模板。");
	else
		action_sms(&r->arena, auth_actor(r), &x->o, t, n);
	return DB_OK;
}

static int
read_restock(struct req *r, const struct act *x, struct outbox_new *n)
{
	const char *sku = req_get(r, "sku");
	long long qty = 0;
	struct row *v;
	size_t k, i;
	int rc;

	if ((rc = rows(r, x, 1, &v, &k)) != DB_OK)
		return rc;
	for (i = 0; sku && i < k && strcmp(v[i].code, sku) != 0; i++)
		;
	if (sku == NULL || i == k)
		m_str(page_errs(r), "sku", "请选择这个订单里的商品。");
	if (req_int(r, "qty", 1, 100000, &qty) != REQ_OK)
		m_str(page_errs(r), "qty", "补货数量为 1 到 100000 件。");
	if (!page_erred(r))
		action_restock(&r->arena, auth_actor(r), &x->o, sku, qty, n);
	return DB_OK;
}

int
form_read(struct req *r, json_object *m, const struct act *x, struct outbox_new *n)
{
	static const struct {
		const char *kind;
		int (*read)(struct req *, const struct act *, struct outbox_new *);
	} readers[] = {
		{ "cancel", read_cancel }, { "refund", read_refund },
		{ "compensate", read_compensate }, { "address", read_address },
		{ "price", read_price }, { "sms", read_sms }, { "restock", read_restock },
		{ "bridge", read_bridge },
	};
	size_t i;

	(void)m;
	n->summary = "";
	n->path = "";
	n->body = "{}";
	for (i = 0; i < NELEM(readers); i++)
		if (strcmp(readers[i].kind, x->kind->code) == 0)
			return readers[i].read(r, x, n);
	return DB_OK;
}
