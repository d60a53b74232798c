/* timeline.c: one timeline of everything that happened to an order
 * (see timeline.h)
 *
 * The replica's events come from one UNION ALL statement, so the whole
 * replica side costs one round trip; each branch is an index lookup by
 * order id (and each branch is optimised on every execution, so there are
 * as few as there can be).  Generic columns a to e carry what each kind
 * needs; at2 is when a payment or refund ended.
 */
#include <stdlib.h>
#include <string.h>

#include "core/db.h"
#include "core/text.h"
#include "core/util.h"
#include "domain/anomaly.h"
#include "domain/cases.h"
#include "domain/shop.h"
#include "domain/timeline.h"

static struct db_stmt q_replica = DB_STMT(DB_REPLICA,
	"SELECT * FROM ("
	" SELECT changed_at AS at, NULL AS at2, 'status' AS kind, actor_type, actor,"
	"  from_status AS a, to_status AS b, note AS c, '' AS d, '' AS e"
	"  FROM order_status_history WHERE order_id = ?"
	" UNION ALL SELECT created_at, IF(status IN ('success', 'failed', 'closed'),"
	"  COALESCE(paid_at, updated_at), NULL), 'pay', 'customer', '', payment_no,"
	"  channel, amount, status, CONCAT_WS(' ', trade_no, failure_code, failure_message)"
	"  FROM payments WHERE order_id = ?"
	" UNION ALL SELECT created_at, IF(status IN ('success', 'failed'),"
	"  COALESCE(completed_at, updated_at), NULL), 'refund', 'customer', '', refund_no,"
	"  reason, amount, status, ''"
	"  FROM refunds WHERE order_id = ?"
	" UNION ALL SELECT e.event_time, NULL, 'logistics', 'system', s.carrier, s.tracking_no,"
	"  e.code, e.location, e.description, ''"
	"  FROM shipments s JOIN shipment_events e ON e.shipment_id = s.id"
	"  WHERE s.order_id = ?"
	" UNION ALL SELECT created_at, NULL, 'stock', 'system', warehouse, sku, kind, qty, '', ''"
	"  FROM inventory_moves WHERE order_id = ?"
	" UNION ALL SELECT created_at, NULL, 'user', 'customer', '', kind, detail, device, '', ''"
	"  FROM user_events WHERE order_id = ?"
	") t ORDER BY at DESC LIMIT 400");

/* The console's own events: audit rows naming the order, the cases
 * opened on it and everything that happened to them. */
static struct db_stmt q_console = DB_STMT(DB_CONSOLE,
	"SELECT DATE_FORMAT(at, '%Y-%m-%d %H:%i:%s') AS at, 'audit' AS src,"
	" COALESCE(login, '') AS who, kind, COALESCE(detail, '') AS detail, '' AS what,"
	" actor_type FROM audit_log WHERE order_no = ?"
	" UNION ALL SELECT DATE_FORMAT(opened_at, '%Y-%m-%d %H:%i:%s'), 'opened', '', kind,"
	" facts, '', 'rule' FROM cases FORCE INDEX (ix_cases_order) WHERE order_id = ?"
	" UNION ALL SELECT DATE_FORMAT(e.at, '%Y-%m-%d %H:%i:%s'), 'case',"
	" COALESCE(a.login, e.actor), e.kind, e.detail, c.kind, e.actor_type FROM case_events e"
	" JOIN cases c ON c.id = e.case_id LEFT JOIN agents a ON a.id = e.agent_id"
	" WHERE e.order_id = ?"
	" ORDER BY at DESC LIMIT 300");

static const struct label move_kinds[] = {
	{ "reserve", "锁定库存", "gray" },
	{ "release", "释放库存", "gray" },
	{ "outbound", "出库", "gray" },
	{ "inbound", "入库", "gray" },
	{ "adjust", "库存调整", "gray" },
	{ NULL, NULL, NULL },
};

static const struct label user_kinds[] = {
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

static const struct label audit_kinds[] = {
	{ "pii_reveal", "查看了完整个人信息", "gray" },
	{ NULL, NULL, NULL },
};

void
timeline_add(struct timeline *t, const char *at, const char *actor_type,
    const char *actor, const char *kind, const char *text, int console)
{
	struct tl_event *e;

	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 64;
		struct tl_event *ev = arena_alloc(t->a, cap * sizeof(*ev));

		if (t->n)
			memcpy(ev, t->ev, t->n * sizeof(*ev));
		t->ev = ev;
		t->cap = cap;
	}
	e = &t->ev[t->n];
	e->at = arena_strdup(t->a, at ? at : "");
	e->actor_type = actor_type;
	e->actor = arena_strdup(t->a, actor ? actor : "");
	e->kind = kind;
	e->text = arena_strdup(t->a, text ? text : "");
	e->console = console;
	e->seq = t->n++;
}

/* from_replica: one row of the statement above is one event, or two for
 * a payment or refund that has ended (asked for, then settled). */
static int
from_replica(struct timeline *t, const struct tl_order *o)
{
	struct arena *a = t->a;
	struct db_res res;
	int rc = DB_EXEC(a, &q_replica, &res, DB_INT(o->id), DB_INT(o->id),
	    DB_INT(o->id), DB_INT(o->id), DB_INT(o->id), DB_INT(o->id));

	if (rc != DB_OK)
		return rc;
	while ((rc = db_next(&res)) > 0) {
		const char *at = db_str(&res, 0), *at2 = db_str(&res, 1),
		    *kind = db_str(&res, 2), *type = db_str(&res, 3), *actor = db_str(&res, 4),
		    *pa = db_str(&res, 5), *pb = db_str(&res, 6), *pc = db_str(&res, 7),
		    *pd = db_str(&res, 8), *pe = db_str(&res, 9);
		long long amount = pc ? strtoll(pc, NULL, 10) : 0;

		if (strcmp(kind, "status") == 0)
			timeline_add(t, at, label_of(actor_types, type)->code, actor, "status",
			    arena_printf(a, "状态 %s → %s%s%s",
			    pa ? label_of(order_statuses, pa)->label : "新建",
			    label_of(order_statuses, pb)->label, pc && *pc ? "：" : "",
			    pc ? pc : ""), 0);
		else if (strcmp(kind, "pay") == 0) {
			const char *ch = label_of(pay_channels, pb)->label;

			timeline_add(t, at, "customer", "", "payment", arena_printf(a,
			    "发起支付 %s ¥%s（%s）", ch, yuan(a, amount), pa), 0);
			if (at2 == NULL)
				continue;
			timeline_add(t, at2, "system", ch, "payment",
			    strcmp(pd, "success") == 0 ? arena_printf(a,
			    "支付成功 ¥%s，交易号 %s（%s）", yuan(a, amount), pe, pa) :
			    strcmp(pd, "failed") == 0 ? arena_printf(a, "支付失败：%s（%s）",
			    *pe ? pe : "未知原因", pa) :
			    arena_printf(a, "支付单已关闭（%s）", pa), 0);
		} else if (strcmp(kind, "refund") == 0) {
			timeline_add(t, at, "customer", "", "refund", arena_printf(a,
			    "申请退款 ¥%s%s%s（%s）", yuan(a, amount), pb && *pb ? "：" : "",
			    pb ? pb : "", pa), 0);
			if (at2 == NULL)
				continue;
			timeline_add(t, at2, "system", "", "refund", arena_printf(a,
			    strcmp(pd, "success") == 0 ? "退款完成 ¥%s（%s）" :
			    "退款失败 ¥%s（%s）", yuan(a, amount), pa), 0);
		} else if (strcmp(kind, "logistics") == 0)
			timeline_add(t, at, "system", label_of(carriers, actor)->label, "logistics",
			    arena_printf(a, "%s %s：%s%s%s", pa, label_of(tracking_codes, pb)->label,
			    pd, pc && *pc ? " · " : "", pc ? pc : ""), 0);
		else if (strcmp(kind, "stock") == 0)
			timeline_add(t, at, "system", actor, "stock", arena_printf(a, "%s %s × %s",
			    label_of(move_kinds, pb)->label, pa, pc), 0);
		else
			timeline_add(t, at, "customer", "", "user", arena_printf(a, "%s%s%s%s%s",
			    label_of(user_kinds, pa)->label, pb && *pb ? "：" : "", pb ? pb : "",
			    pc && *pc ? " · " : "", pc ? pc : ""), 0);
	}
	return db_done(&res);
}

static int
from_console(struct timeline *t, const struct tl_order *o)
{
	struct db_res res;
	int rc = DB_EXEC(t->a, &q_console, &res, DB_STR(o->order_no),
	    DB_INT(o->id), DB_INT(o->id));

	if (rc != DB_OK)
		return rc;
	while ((rc = db_next(&res)) > 0) {
		const char *src = db_str(&res, 1), *who = db_str(&res, 2),
		    *kind = db_str(&res, 3), *detail = db_str(&res, 4), *what = db_str(&res, 5),
		    *type = label_of(actor_types, db_str(&res, 6))->code;

		if (strcmp(src, "audit") == 0) {
			if (label_known(audit_kinds, kind))
				timeline_add(t, db_str(&res, 0), type, who, "console",
				    arena_printf(t->a, "%s%s%s", label_of(audit_kinds, kind)->label,
				    *detail ? "，原因：" : "", detail), 1);
		} else if (strcmp(src, "opened") == 0) {
			timeline_add(t, db_str(&res, 0), "rule", anomaly_label(kind), "case",
			    arena_printf(t->a, "发现异常：%s（%s）", anomaly_label(kind), detail), 1);
		} else {
			timeline_add(t, db_str(&res, 0), type, who, "case",
			    arena_printf(t->a, "%s · %s%s%s", anomaly_label(what),
			    label_of(case_event_kinds, kind)->label, *detail ? "：" : "", detail), 1);
		}
	}
	return db_done(&res);
}

/* Every source of events, replica first.  A feature adds a line here. */
static int (*const sources[])(struct timeline *, const struct tl_order *) = {
	from_replica,
	from_console,
};

int
timeline_build(struct arena *a, struct timeline *t, const struct tl_order *o)
{
	size_t i;
	int rc;

	t->a = a;
	for (i = 0; i < NELEM(sources); i++)
		if ((rc = sources[i](t, o)) != DB_OK)
			return rc;
	return DB_OK;
}

static int
newest_first(const void *x, const void *y)
{
	const struct tl_event *a = x, *b = y;
	int c = strcmp(b->at, a->at);

	if (c)
		return c;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

void
timeline_sort(struct timeline *t)
{
	if (t->n > 1)
		qsort(t->ev, t->n, sizeof(*t->ev), newest_first);
}
