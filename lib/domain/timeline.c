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
#include "domain/audit.h"
#include "domain/cases.h"
#include "domain/shop.h"
#include "domain/outbox.h"
#include "domain/timeline.h"

static struct db_stmt q_replica = DB_STMT(DB_REPLICA,
	"SELECT * FROM ("
	" SELECT changed_at AS at, NULL AS at2, 'status' AS kind, actor_type, actor,"
	"  from_status AS a, to_status AS b, note AS c, '' AS d, '' AS e, '' AS f, '' AS g"
	"  FROM order_status_history WHERE order_id = ?"
	" UNION ALL SELECT created_at, IF(status IN ('success', 'failed', 'closed'),"
	"  COALESCE(paid_at, updated_at), NULL), 'pay', 'customer', '', payment_no,"
	"  channel, amount, status, COALESCE(trade_no, ''), COALESCE(failure_code, ''),"
	"  COALESCE(failure_message, '')"
	"  FROM payments WHERE order_id = ?"
	" UNION ALL SELECT created_at, IF(status IN ('success', 'failed'),"
	"  COALESCE(completed_at, updated_at), NULL), 'refund', 'customer', '', refund_no,"
	"  reason, amount, status, '', '', ''"
	"  FROM refunds WHERE order_id = ?"
	" UNION ALL SELECT e.event_time, NULL, 'logistics', 'system', s.carrier, s.tracking_no,"
	"  e.code, e.location, e.description, '', '', ''"
	"  FROM shipments s JOIN shipment_events e ON e.shipment_id = s.id"
	"  WHERE s.order_id = ?"
	" UNION ALL SELECT created_at, NULL, 'stock', 'system', warehouse, sku, kind, qty,"
	"  '', '', '', ''"
	"  FROM inventory_moves WHERE order_id = ?"
	" UNION ALL SELECT created_at, NULL, 'user', 'customer', '', kind, detail, device,"
	"  '', '', '', ''"
	"  FROM user_events WHERE order_id = ?"
	") t ORDER BY at DESC, kind LIMIT 400");

/* The console's own events: audit rows naming the order, the cases
 * opened on it and everything that happened to them, and the actions
 * sent for it with where each stands, each with the agent's login and
 * name when an agent acted. */
static struct db_stmt q_console = DB_STMT(DB_CONSOLE,
	"SELECT DATE_FORMAT(l.at, '%Y-%m-%d %H:%i:%s') AS at, 'audit' AS src,"
	" COALESCE(l.login, '') AS who, COALESCE(a.display_name, '') AS name, l.kind,"
	" COALESCE(l.detail, '') AS detail, '' AS what, l.actor_type"
	" FROM audit_log l LEFT JOIN agents a ON a.id = l.agent_id WHERE l.order_no = ?"
	" UNION ALL SELECT DATE_FORMAT(opened_at, '%Y-%m-%d %H:%i:%s'), 'opened', kind, '',"
	" kind, facts, '', 'rule' FROM cases FORCE INDEX (ix_cases_order) WHERE order_id = ?"
	" UNION ALL SELECT DATE_FORMAT(e.at, '%Y-%m-%d %H:%i:%s'), 'case',"
	" COALESCE(a.login, e.actor), COALESCE(a.display_name, ''), e.kind, e.detail, c.kind,"
	" e.actor_type FROM case_events e"
	" JOIN cases c ON c.id = e.case_id LEFT JOIN agents a ON a.id = e.agent_id"
	" WHERE e.order_id = ?"
	" UNION ALL SELECT DATE_FORMAT(o.created_at, '%Y-%m-%d %H:%i:%s'), 'action', o.actor,"
	" COALESCE(a.display_name, ''), o.state, o.summary, COALESCE(o.last_error, ''),"
	" o.actor_type FROM outbox o FORCE INDEX (ix_outbox_order)"
	" LEFT JOIN agents a ON a.id = o.agent_id WHERE o.order_id = ?"
	" ORDER BY at DESC LIMIT 300");

/* The audit rows naming an order that its timeline shows (the others
 * are on it already, as the case events they record). */
static const char *const audit_shown = "pii_reveal";

struct tl_event *
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
	e->actor_name = label_known(actor_names, e->actor) ?
	    label_of(actor_names, e->actor)->label : e->actor;
	e->kind = kind;
	e->what = "";
	e->qty = 0;
	e->text = arena_strdup(t->a, text ? text : "");
	e->console = console;
	e->seq = t->n++;
	return e;
}

/* pay_failure: why a payment failed, in words: the code's label, and the
 * payment system's message when it says more. */
static const char *
pay_failure(struct arena *a, const char *code, const char *message)
{
	const char *label = *code ? label_of(pay_failures, code)->label : "";

	if (*message && (!*label || strstr(message, label)))
		return message;
	if (*label && *message)
		return arena_printf(a, "%s（%s）", label, message);
	return *label ? label : "未知原因";
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
		struct tl_event *e;

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
			e = timeline_add(t, at2, "system", pb, "payment",
			    strcmp(pd, "success") == 0 ? arena_printf(a,
			    "支付成功 ¥%s，交易号 %s（%s）", yuan(a, amount), pe, pa) :
			    strcmp(pd, "failed") == 0 ? arena_printf(a, "支付失败：%s（%s）",
			    pay_failure(a, db_str(&res, 10), db_str(&res, 11)), pa) :
			    arena_printf(a, "支付单已关闭（%s）", pa), 0);
			e->actor_name = arena_strdup(a, ch);
		} else if (strcmp(kind, "refund") == 0) {
			timeline_add(t, at, "customer", "", "refund", arena_printf(a,
			    "申请退款 ¥%s%s%s（%s）", yuan(a, amount), pb && *pb ? "：" : "",
			    pb ? pb : "", pa), 0);
			if (at2 == NULL)
				continue;
			timeline_add(t, at2, "system", "", "refund", arena_printf(a,
			    strcmp(pd, "success") == 0 ? "退款完成 ¥%s（%s）" :
			    "退款失败 ¥%s（%s）", yuan(a, amount), pa), 0);
		} else if (strcmp(kind, "logistics") == 0) {
			e = timeline_add(t, at, "system", actor, "logistics",
			    arena_printf(a, "%s %s：%s%s%s", pa, label_of(tracking_codes, pb)->label,
			    pd, pc && *pc ? " · " : "", pc ? pc : ""), 0);
			e->actor_name = arena_strdup(a, label_of(carriers, actor)->label);
		} else if (strcmp(kind, "stock") == 0) {
			long long qty = amount < 0 ? -amount : amount;

			e = timeline_add(t, at, "system", actor, "stock", arena_printf(a,
			    "%s %s × %lld 件", label_of(stock_moves, pb)->label, pa, qty), 0);
			e->what = arena_strdup(a, pb ? pb : "");
			e->qty = qty;
		} else
			timeline_add(t, at, "customer", "", "user", arena_printf(a, "%s%s%s%s%s",
			    label_of(user_actions, pa)->label, pb && *pb ? "：" : "", pb ? pb : "",
			    pc && *pc ? " · " : "", pc ? pc : ""), 0);
	}
	return db_done(&res);
}

static int
from_console(struct timeline *t, const struct tl_order *o)
{
	struct arena *a = t->a;
	struct db_res res;
	int rc = DB_EXEC(a, &q_console, &res, DB_STR(o->order_no),
	    DB_INT(o->id), DB_INT(o->id), DB_INT(o->id));

	if (rc != DB_OK)
		return rc;
	while ((rc = db_next(&res)) > 0) {
		const char *at = db_str(&res, 0), *src = db_str(&res, 1),
		    *who = db_str(&res, 2), *name = db_str(&res, 3), *kind = db_str(&res, 4),
		    *detail = db_str(&res, 5) ? labels_in(a, db_str(&res, 5), pay_failures) : "",
		    *what = db_str(&res, 6), *type = label_of(actor_types, db_str(&res, 7))->code;
		struct tl_event *e;

		if (strcmp(src, "audit") == 0) {
			if (!str_in_list(audit_shown, kind))
				continue;
			e = timeline_add(t, at, type, who, "console", arena_printf(a, "%s%s%s",
			    label_of(audit_kinds, kind)->label, *detail ? "，原因：" : "",
			    detail), 1);
		} else if (strcmp(src, "opened") == 0) {
			e = timeline_add(t, at, "rule", kind, "case", arena_printf(a,
			    "发现异常：%s（%s）", anomaly_label(kind), detail), 1);
			e->actor_name = arena_strdup(a, anomaly_label(kind));
		} else if (strcmp(src, "action") == 0)
			e = timeline_add(t, at, type, who, "action", arena_printf(a, "%s · %s%s%s",
			    detail, label_of(outbox_states, kind)->label, *what ? "：" : "", what), 1);
		else
			e = timeline_add(t, at, type, who, "case", arena_printf(a, "%s · %s%s%s",
			    anomaly_label(what), label_of(case_event_kinds, kind)->label,
			    *detail ? "：" : "", detail), 1);
		if (*name)
			e->actor_name = arena_strdup(a, name);
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
