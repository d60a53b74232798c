/* case.c: one case
 *
 * GET  /cases/{id}                   (view_orders) the case, its playbook
 *   and the actions valid for its order now, the order, notes and history
 * POST /cases/{id}/{claim,wait,resume,resolve,dismiss,note,escalate}
 *                                    (view_orders)
 * POST /cases/{id}/assign            (approve)
 *   reason    dismiss, note, escalate (required); resolve
 *   to        assign: the agent's id; escalate: a lead's id or a team
 *             (payment warehouse carrier)
 *   back      claim from a queue row: return to this local queue link
 *             (back_link) instead of the case
 *
 * Every change goes through case_act (lib/domain/cases.c): the change, its
 * case event and its audit row, in one transaction.
 */
#include <string.h>
#include <time.h>

#include "core/cfg.h"
#include "core/model.h"
#include "core/resp.h"
#include "core/text.h"
#include "core/url.h"
#include "core/util.h"
#include "domain/actions.h"
#include "domain/cases.h"
#include "ui/auth.h"
#include "ui/page.h"
#include "ui/views.h"
#include "queue.h"

/* One case, its assignee, silence and incident. */
static struct db_stmt q_case = DB_STMT(DB_CONSOLE,
	"SELECT c.id, c.kind, c.order_id, c.order_no, c.state, c.severity, c.amount,"
	" c.since, c.facts, c.opened_at, c.acknowledged_at, c.ack_due_at,"
	" c.resolve_due_at, c.escalated_at, c.waiting_since, c.resolved_at,"
	" c.resolution, c.reopened, c.group_label, c.incident_id, a.login,"
	" a.display_name, c.assignee_id, s.id, s.reason, s.ends_at, r.display_name,"
	" TIMESTAMPDIFF(MINUTE, NOW(), c.resolve_due_at),"
	" TIMESTAMPDIFF(MINUTE, c.waiting_since, c.resolve_due_at),"
	" c.state = 'open' AND c.ack_due_at < NOW(),"
	" c.sku, c.warehouse, DATE_FORMAT(c.wait_until, '%Y-%m-%d %H:%i'), c.reminded,"
	" r.login, c.team"
	" FROM cases c LEFT JOIN agents a ON a.id = c.assignee_id"
	" LEFT JOIN silences s ON s.id = c.silence_id"
	" LEFT JOIN agents r ON r.id = c.resolved_by WHERE c.id = ?");
enum { C_ID, C_KIND, C_ORDER_ID, C_NO, C_STATE, C_SEVERITY, C_AMOUNT, C_SINCE,
	C_FACTS, C_OPENED, C_ACKED, C_ACK_DUE, C_DUE, C_ESCALATED, C_WAITING,
	C_RESOLVED, C_RESOLUTION, C_REOPENED, C_GROUP, C_INCIDENT, C_LOGIN,
	C_NAME, C_ASSIGNEE, C_SILENCE, C_SILENCE_REASON, C_SILENCE_ENDS,
	C_RESOLVER, C_DUE_MIN, C_LEFT_MIN, C_ACK_LATE, C_SKU, C_WAREHOUSE, C_UNTIL,
	C_REMINDED, C_RESOLVER_LOGIN, C_TEAM };
/* Whom a case may be escalated to: the leads (enabled people who may
 * approve). */
static struct db_stmt q_leads = DB_STMT(DB_CONSOLE,
	"SELECT DISTINCT a.id, a.login, a.display_name FROM agents a"
	" JOIN agent_roles ar ON ar.agent_id = a.id"
	" JOIN role_permissions p ON p.role = ar.role AND p.permission = 'approve'"
	" WHERE a.disabled_at IS NULL AND a.service = 0 ORDER BY a.login LIMIT 100");
static struct db_stmt q_history = DB_STMT(DB_CONSOLE,
	"(SELECT e.at, e.actor_type, COALESCE(a.login, NULLIF(e.actor, '')), e.kind,"
	" e.detail, e.id, a.display_name FROM case_events e"
	" LEFT JOIN agents a ON a.id = e.agent_id WHERE e.case_id = ?"
	" ORDER BY e.at DESC, e.id DESC LIMIT 200)"
	" UNION ALL (SELECT opened_at, 'rule', NULL, 'opened', facts, 0, NULL FROM cases"
	" WHERE id = ?)"
	" ORDER BY 1 DESC, 6 DESC");
static struct db_stmt q_siblings = DB_STMT(DB_CONSOLE,
	"SELECT id, kind, state FROM cases FORCE INDEX (ix_cases_order)"
	" WHERE order_id = ? AND live = 1 AND id <> ?");
/* When the short stock of a SKU at a warehouse is expected back. */
static struct db_stmt q_restock = DB_STMT(DB_REPLICA,
	"SELECT DATE_FORMAT(restock_at, '%Y-%m-%d %H:%i') FROM inventory"
	" WHERE sku = ? AND warehouse = ? AND restock_at > NOW()");
/* The order, as the case page shows it. */
static struct db_stmt q_order = DB_STMT(DB_REPLICA,
	"SELECT " ORDER_STATE_COLS ", o.created_at,"
	" o.paid_at, o.shipped_at, o.receiver_name, o.receiver_phone, o.province,"
	" o.city, o.district, o.warehouse, u.name,"
	" (SELECT GROUP_CONCAT(product_name, ' ×', qty ORDER BY id SEPARATOR '、')"
	"  FROM order_items WHERE order_id = o.id),"
	" (SELECT CONCAT(carrier, ' ', tracking_no) FROM shipments"
	"  WHERE order_id = o.id ORDER BY id DESC LIMIT 1)"
	" FROM orders o LEFT JOIN users u ON u.id = o.user_id WHERE o.id = ?");

/* What the robot prepared for the order and holds for a person's check. */
static struct db_stmt q_held = DB_STMT(DB_CONSOLE,
	"SELECT id, summary FROM outbox FORCE INDEX (ix_outbox_order) WHERE order_id = ?"
	" AND state = 'approval' AND actor_type = 'robot' ORDER BY id DESC LIMIT 5");

/* held: the robot's held actions, each confirmed in one click. */
static int
held(struct req *r, json_object *m, long long order_id, long long case_id)
{
	json_object *arr = m_add(m, "held", m_arr());
	struct db_res res;
	int rc;

	if ((rc = DB_EXEC(&r->arena, &q_held, &res, DB_INT(order_id))) != DB_OK)
		return rc;
	while ((rc = db_next(&res)) > 0) {
		json_object *o = m_push(arr, m_obj());

		m_str(o, "summary", db_str(&res, 1));
		m_str(o, "url", url_for(&r->arena, "/actions/%lld/confirm", db_int(&res, 0)));
		m_str(o, "back", url_for(&r->arena, "/cases/%lld", case_id));
	}
	m_bool(m, "has_held", json_object_array_length(arr) > 0);
	if (rc < 0) {
		db_done(&res);
		return rc;
	}
	return db_done(&res);
}

/* order_panel: the order as the case needs it, and the actions valid for
 * it now; 1 when the replica has no such order (yet). */
static int
order_panel(struct req *r, json_object *m, long long order_id, const char *no,
    long long case_id, const struct anomaly_kind *k)
{
	struct arena *a = &r->arena;
	json_object *o = m_add(m, "order", m_obj());
	struct order_state st;
	struct db_res res;
	const char *p, *sp;
	int rc = DB_ONE(a, &q_order, &res, DB_INT(order_id));

	m_str(o, "order_no", no);
	m_str(o, "url", url_for(a, "/orders/%s", no));
	if (rc != DB_OK) {
		db_done(&res);
		m_bool(m, "order_missing", rc == DB_NOROW);
		m_add(m, "actions", m_arr());
		return rc;
	}
	order_state_read(a, &res, 0, &st);
	m_label(o, "status", label_of(order_statuses, st.status));
	m_money(o, "pay_amount", st.pay_amount);
	m_money(o, "paid_amount", st.paid_amount);
	m_money(o, "refunded_amount", st.refunded_amount);
	m_str(o, "created_at", db_str(&res, 8));
	m_str(o, "paid_at", db_str(&res, 9));
	m_str(o, "shipped_at", db_str(&res, 10));
	m_str(o, "receiver", db_str(&res, 11));
	m_str(o, "phone", mask_phone(a, db_str(&res, 12)));
	m_str(o, "region", arena_printf(a, "%s %s %s", db_str(&res, 13), db_str(&res, 14),
	    db_str(&res, 15)));
	m_str(o, "warehouse", db_str(&res, 16));
	m_str(o, "customer", db_str(&res, 17));
	m_str(o, "items", db_str(&res, 18));
	if ((p = db_str(&res, 19)) != NULL && (sp = strchr(p, ' ')) != NULL)
		/* "SF SF1234": the carrier by its name */
		p = arena_printf(a, "%s %s", label_of(carriers,
		    arena_strndup(a, p, (size_t)(sp - p)))->label, sp + 1);
	m_opt(o, "parcel", "has_parcel", p);
	db_done(&res);
	m_add(m, "actions", actions_model(r, no, case_id, &st));
	if ((rc = held(r, m, order_id, case_id)) != DB_OK)
		return rc;
	if ((o = suggested_model(r, k, no, case_id, &st)) != NULL)
		m_add(m, "suggested", o);
	return DB_OK;
}

/* buttons: the state changes the case allows now; claim only a case
 * nobody holds (another's is a lead's to assign). */
static void
buttons(struct req *r, json_object *m, long long id, const char *state, int held)
{
	static const struct { const char *action, *when; } rules[] = {
		{ "claim", "open acknowledged waiting" },
		{ "resume", "waiting" },
	};
	json_object *arr = m_add(m, "buttons", m_arr());
	size_t i;

	for (i = 0; i < NELEM(rules); i++) {
		json_object *o;

		if (!strstr(rules[i].when, state) ||
		    (strcmp(rules[i].action, "claim") == 0 && held))
			continue;
		o = m_push(arr, m_obj());
		m_str(o, "action", rules[i].action);
		m_str(o, "label", label_of(case_actions, rules[i].action)->label);
		m_str(o, "url", url_for(&r->arena, "/cases/%lld/%s", id, rules[i].action));
	}
}

/* shop_time: the shop's local time (cfg.time_zone) `ahead` seconds from
 * now, as "YYYY-MM-DD HH:MM"; at hour h of the next day when h >= 0. */
static const char *
shop_time(struct arena *a, long long ahead, int h)
{
	time_t t = time(NULL) + (time_t)cfg_tz_offset() + (time_t)ahead;
	struct tm tm;
	char out[32];

	gmtime_r(&t, &tm);
	if (h >= 0) {
		tm.tm_hour = h;
		tm.tm_min = 0;
	}
	strftime(out, sizeof(out), "%Y-%m-%d %H:%M", &tm);
	return arena_strdup(a, out);
}

/* escalate_form: whom the case can be handed to: the teams, then the
 * leads. */
static int
escalate_form(struct req *r, json_object *m)
{
	json_object *arr = m_add(m, "escalate_to", m_arr()), *o;
	const char *to = req_get(r, "to");
	struct db_res res;
	const struct label *t;
	int rc;

	m_bool(m, "can_escalate", 1);
	for (t = case_teams; t->code; t++) {
		o = m_push(arr, m_obj());
		m_str(o, "value", t->code);
		m_str(o, "label", t->label);
		m_bool(o, "selected", to && strcmp(to, t->code) == 0);
	}
	if ((rc = db_exec(&r->arena, &q_leads, &res, 0, NULL)) != DB_OK)
		return rc;
	while ((rc = db_next(&res)) > 0) {
		const char *id = arena_printf(&r->arena, "%lld", db_int(&res, 0));

		o = m_push(arr, m_obj());
		m_str(o, "value", id);
		m_str(o, "label", arena_printf(&r->arena, "主管 %s（%s）", db_str(&res, 2),
		    db_str(&res, 1)));
		m_bool(o, "selected", to && strcmp(to, id) == 0);
	}
	if (rc < 0) {
		db_done(&res);
		return rc;
	}
	return db_done(&res);
}

/* wait_form: the ends a wait may take: in two hours, tomorrow at ten, and
 * for short stock the restock date the warehouse expects. */
static int
wait_form(struct req *r, json_object *m, const char *sku, const char *warehouse)
{
	struct arena *a = &r->arena;
	json_object *arr = m_add(m, "wait_presets", m_arr()), *o;
	struct db_res res;
	const char *t;
	int rc = DB_OK;

	t = shop_time(a, 2 * 3600, -1);
	o = m_push(arr, m_obj());
	m_str(o, "value", t);
	m_str(o, "label", arena_printf(a, "2 小时后（%s）", t + 11));
	t = shop_time(a, 86400, 10);
	o = m_push(arr, m_obj());
	m_str(o, "value", t);
	m_str(o, "label", "明天 10:00");
	if (sku && warehouse) {
		rc = DB_ONE(a, &q_restock, &res, DB_STR(sku), DB_STR(warehouse));
		if (rc == DB_OK) {
			o = m_push(arr, m_obj());
			m_str(o, "value", db_str(&res, 0));
			m_str(o, "label", arena_printf(a, "预计补货（%s）", db_str(&res, 0)));
		}
		db_done(&res);
	}
	m_str(m, "u_wait", url_for(a, "/cases/%lld/wait", page_id(r, 0)));
	return rc == DB_NOROW ? DB_OK : rc;
}

/* history: the case's events, newest first, and the order's other live
 * cases. */
static int
history(struct req *r, json_object *m, long long id, long long order_id)
{
	struct arena *a = &r->arena;
	json_object *arr = m_add(m, "history", m_arr());
	struct db_res res;
	int rc;

	if ((rc = DB_EXEC(a, &q_history, &res, DB_INT(id), DB_INT(id))) != DB_OK)
		return rc;
	while ((rc = db_next(&res)) > 0) {
		json_object *o = m_push(arr, m_obj());
		const char *kind = db_str(&res, 3), *who = db_str(&res, 2);

		/* who by name: the agent's, a system's label, else the type's */
		m_str(o, "at", db_str(&res, 0));
		m_label(o, "actor", label_of(actor_types, db_str(&res, 1)));
		m_str(o, "who_code", who);
		m_str(o, "who", !db_null(&res, 6) ? db_str(&res, 6) :
		    who && label_known(actor_names, who) ? label_of(actor_names, who)->label :
		    who ? who : label_of(actor_types, db_str(&res, 1))->label);
		m_str(o, "what", label_of(case_event_kinds, kind)->label);
		m_bool(o, "note", strcmp(kind, "note") == 0);
		m_facts(r, o, "detail", db_str(&res, 4));
		m_bool(o, "has_detail", db_str(&res, 4) && *db_str(&res, 4));
	}
	if (rc < 0 || (rc = db_done(&res)) != DB_OK)
		return rc;
	arr = m_add(m, "siblings", m_arr());
	if ((rc = DB_EXEC(a, &q_siblings, &res, DB_INT(order_id), DB_INT(id))) != DB_OK)
		return rc;
	while ((rc = db_next(&res)) > 0) {
		json_object *o = m_push(arr, m_obj());

		m_str(o, "url", url_for(a, "/cases/%s", db_str(&res, 0)));
		m_str(o, "kind_label", anomaly_label(db_str(&res, 1)));
		m_label(o, "state", label_of(case_states, db_str(&res, 2)));
	}
	if (rc < 0 || (rc = db_done(&res)) != DB_OK)
		return rc;
	m_bool(m, "has_siblings", json_object_array_length(arr) > 0);
	return DB_OK;
}

/* show_case: the case page, with the field messages the request has
 * (400) and the reason as typed. */
static void
show_case(struct req *r, long long id, const char *reason)
{
	struct arena *a = &r->arena;
	json_object *m, *c, *arr;
	const struct anomaly_kind *k;
	struct db_res res;
	const char *state, *p, *nl, *no, *sku, *wh;
	long long order_id;
	int rc, live, overdue, can_wait;

	rc = DB_ONE(a, &q_case, &res, DB_INT(id));
	if (rc != DB_OK) {
		db_done(&res);
		if (rc == DB_NOROW)
			page_error(r, 404, "没有这个异常单", "异常单 %lld 不存在。", id);
		else
			page_db_error(r, rc);
		return;
	}
	k = anomaly_kind(db_str(&res, C_KIND));
	state = arena_strdup(a, db_str(&res, C_STATE));
	live = case_live(state);
	order_id = db_int(&res, C_ORDER_ID);
	m = page_model(r, arena_printf(a, "异常单 %lld · %s", id, k ? k->label : ""), "queue");
	action_notice(r, m);
	c = m_add(m, "case", m_obj());
	m_int(c, "id", id);
	m_str(c, "kind", db_str(&res, C_KIND));
	m_str(c, "kind_label", anomaly_label(db_str(&res, C_KIND)));
	m_label(c, "state", label_of(case_states, state));
	m_label(c, "severity", label_of(severities, db_str(&res, C_SEVERITY)));
	m_money(c, "amount", db_int(&res, C_AMOUNT));
	m_str(c, "since", db_str(&res, C_SINCE));
	m_facts(r, c, "facts", db_str(&res, C_FACTS));
	m_str(c, "opened_at", db_str(&res, C_OPENED));
	m_str(c, "acknowledged_at", db_str(&res, C_ACKED));
	m_str(c, "ack_due_at", db_str(&res, C_ACK_DUE));
	m_str(c, "resolve_due_at", db_str(&res, C_DUE));
	m_bool(c, "ack_late", db_int(&res, C_ACK_LATE) != 0);
	m_opt(c, "escalated_at", "escalated", db_str(&res, C_ESCALATED));
	m_opt(c, "waiting_since", "waiting", db_str(&res, C_WAITING));
	m_opt(c, "wait_until", "has_wait_until", db_str(&res, C_UNTIL));
	m_bool(c, "reminded", db_int(&res, C_REMINDED) != 0);
	m_int(c, "reopened", db_int(&res, C_REOPENED));
	m_bool(c, "was_reopened", db_int(&res, C_REOPENED) > 0);
	m_bool(c, "live", live);
	if (live) {
		m_str(c, "due", case_due(a, state, db_int(&res, C_DUE_MIN), db_int(&res, C_LEFT_MIN),
		    &overdue));
		m_bool(c, "overdue", overdue);
	} else {
		m_str(c, "resolved_at", db_str(&res, C_RESOLVED));
		m_str(c, "resolution", db_str(&res, C_RESOLUTION));
		m_str(c, "resolved_by", db_null(&res, C_RESOLVER) ? "系统" :
		    db_str(&res, C_RESOLVER));
		m_str(c, "resolved_by_login", db_str(&res, C_RESOLVER_LOGIN));
		m_bool(c, "closed", 1);
	}
	m_opt(c, "assignee", "has_assignee", db_str(&res, C_NAME));
	m_bool(c, "no_assignee", db_null(&res, C_ASSIGNEE));
	m_str(c, "assignee_login", db_str(&res, C_LOGIN));
	if (!db_null(&res, C_TEAM))
		m_label(c, "team", label_of(case_teams, db_str(&res, C_TEAM)));
	m_bool(c, "has_team", !db_null(&res, C_TEAM));
	m_facts(r, c, "group_label", db_str(&res, C_GROUP));
	m_bool(c, "has_group", db_str(&res, C_GROUP) && *db_str(&res, C_GROUP));
	if (!db_null(&res, C_INCIDENT)) {
		m_str(c, "incident_url", url_for(a, "/incidents/%lld", db_int(&res, C_INCIDENT)));
		m_bool(c, "in_incident", 1);
	}
	if (!db_null(&res, C_SILENCE)) {
		json_object *s = m_add(c, "silence", m_obj());

		m_str(s, "reason", db_str(&res, C_SILENCE_REASON));
		m_str(s, "ends_at", db_str(&res, C_SILENCE_ENDS));
	}
	if (live)
		buttons(r, m, id, state, !db_null(&res, C_ASSIGNEE));
	m_bool(m, "can_close", live);
	m_str(m, "u_resolve", url_for(a, "/cases/%lld/resolve", id));
	m_str(m, "u_dismiss", url_for(a, "/cases/%lld/dismiss", id));
	m_str(m, "u_note", url_for(a, "/cases/%lld/note", id));
	m_str(m, "u_assign", url_for(a, "/cases/%lld/assign", id));
	m_str(m, "u_escalate", url_for(a, "/cases/%lld/escalate", id));
	m_str(m, "reason", reason ? reason : "");
	no = arena_strdup(a, db_str(&res, C_NO));
	sku = db_str(&res, C_SKU) ? arena_strdup(a, db_str(&res, C_SKU)) : NULL;
	wh = db_str(&res, C_WAREHOUSE) ? arena_strdup(a, db_str(&res, C_WAREHOUSE)) : NULL;
	can_wait = strcmp(state, "open") == 0 || strcmp(state, "acknowledged") == 0;
	m_bool(m, "can_wait", can_wait);
	db_done(&res);

	arr = m_add(m, "playbook", m_arr());
	for (p = k ? k->playbook : ""; *p; p = *nl ? nl + 1 : nl) {
		nl = strchr(p, '\n');
		if (nl == NULL)
			nl = p + strlen(p);
		m_push(arr, json_object_new_string_len(p, (int)(nl - p)));
	}
	if (((rc = order_panel(r, m, order_id, no, id, k)) != DB_OK && rc != DB_NOROW) ||
	    (can_wait && (rc = wait_form(r, m, sku, wh)) != DB_OK) ||
	    (can_wait && (rc = escalate_form(r, m)) != DB_OK) ||
	    (rc = history(r, m, id, order_id)) != DB_OK ||
	    (rc = agent_choices(r, m, 0)) != DB_OK) {
		page_db_error(r, rc);
		return;
	}
	if (page_erred(r))
		page_bad_input(r, "case");
	else
		page_show(r, 200, "case");
}

/* wait_until: the end a wait form asks for — a time typed (until_at, as
 * a datetime-local field sends it) or a preset (until) — as
 * "YYYY-MM-DD HH:MM:SS", or NULL when there is none or it is no time. */
static const char *
wait_until(struct req *r)
{
	const char *v;
	char t[20], in[20];
	size_t n;

	if (req_str(r, "until_at", 16, &v) != REQ_OK && req_str(r, "until", 16, &v) != REQ_OK)
		return NULL;
	n = strlen(v);
	if (n != 16)
		return NULL;
	memcpy(in, v, n + 1);
	if (in[10] == 'T')
		in[10] = ' ';
	if (parse_time(in, 0, t) < 0)
		return NULL;
	return arena_strdup(&r->arena, t);
}

/* escalate_to: whom an escalation is for: a team (*team) or a lead's id
 * (*to); 0 when the form names neither. */
static int
escalate_to(struct req *r, const char **team, long long *to)
{
	const char *v = req_get(r, "to");

	if (v && label_known(case_teams, v)) {
		*team = v;
		return 1;
	}
	return req_int(r, "to", 1, 999999999999LL, to) == REQ_OK;
}

/* holder: who holds case id now, for a refusal. */
static const char *
holder(struct req *r, long long id)
{
	struct db_res res;
	const char *name = "其他客服";

	if (DB_ONE(&r->arena, &q_case, &res, DB_INT(id)) == DB_OK && db_str(&res, C_NAME))
		name = arena_printf(&r->arena, " %s ", db_str(&res, C_NAME));
	db_done(&res);
	return name;
}

void
page_case(struct req *r)
{
	long long id = page_id(r, 0);

	if (id == 0) {
		page_error(r, 404, "没有这个异常单", "%s", "异常单编号不正确。");
		return;
	}
	show_case(r, id, NULL);
}

void
page_case_act(struct req *r)
{
	const char *action = strrchr(r->path, '/') + 1, *text = NULL, *until = NULL;
	const char *team = NULL;
	json_object *errs = page_errs(r), *m;
	long long id = page_id(r, 0), to = 0;
	int rc;

	if (id == 0 || !case_action_known(action)) {
		page_error(r, 404, "没有这个异常单", "%s", "异常单编号或操作不正确。");
		return;
	}
	rc = req_str(r, "reason", REASON_MAX, &text);
	if (rc == REQ_BAD)
		m_str(errs, "reason", "最多 255 个字。");
	else if (rc == REQ_MISSING && str_in_list("dismiss,note,escalate", action))
		m_str(errs, "reason", strcmp(action, "note") == 0 ? "备注不能为空。" :
		    strcmp(action, "escalate") == 0 ? "升级需要写明情况，方便接手的人处理。" :
		    "忽略异常单需要写明原因。");
	if (rc != REQ_OK)
		text = NULL;
	if (strcmp(action, "assign") == 0 &&
	    req_int(r, "to", 1, 999999999999LL, &to) != REQ_OK)
		m_str(errs, "to", "请选择要指派的客服。");
	if (strcmp(action, "escalate") == 0 && !escalate_to(r, &team, &to))
		m_str(errs, "to", "请选择升级给哪位主管或哪个团队。");
	if (strcmp(action, "silence") == 0)
		m_str(errs, "action", "请在异常队列中批量静默。");
	if (strcmp(action, "wait") == 0 && (until = wait_until(r)) == NULL)
		m_str(errs, "until", "请选择或填写等待到什么时候，例如 2026-12-03 10:00。");
	if (page_erred(r)) {
		show_case(r, id, text);
		return;
	}
	if ((rc = db_begin(DB_CONSOLE)) == DB_OK &&
	    (rc = case_act(&r->arena, auth_actor(r), id, action, &(struct case_args){
	    .to = to, .until = until, .team = team,
	    .text = strcmp(action, "resolve") == 0 && !text ? "已处理" : text })) == DB_OK)
		rc = db_commit(DB_CONSOLE);
	if (rc != DB_OK) {
		db_rollback(DB_CONSOLE);
		if (rc == AGENT_MISSING) {	/* the case is there: the form again */
			m_str(errs, "to", "这个客服不存在或已停用。");
			show_case(r, id, text);
		} else if (rc == WAIT_BAD || rc == NOT_A_LEAD || rc == TEAM_UNKNOWN) {
			m_str(errs, rc == WAIT_BAD ? "until" : "to", dom_why(rc));
			show_case(r, id, text);
		} else if (rc == CASE_MISSING)
			page_error(r, 404, "没有这个异常单", "异常单 %lld 不存在。", id);
		else if (rc == CASE_CHANGED)
			page_error(r, 409, "异常单状态已变化",
			    "异常单 %lld 的状态已经变了，不能再%s。请刷新后再看。", id,
			    label_of(case_actions, action)->label);
		else if (rc == CASE_TAKEN)
			page_error(r, 403, "异常单已有人处理",
			    "异常单 %lld 正由%s处理；要改派，请主管指派。", id, holder(r, id));
		else
			page_refused(r, rc);
		return;
	}
	if (r->json) {
		m = m_obj();
		m_int(m, "id", id);
		m_str(m, "action", action);
		m_str(m, "outcome", "done");
		m_str(m, "by", r->sess->name);
		resp_json(r, 200, m);
		return;
	}
	if (req_get(r, "back") && str_in_list(BULK_ACTIONS, action))
		back_done(r, action, 1, 0, 0);	/* from a queue row: back to it */
	else
		resp_redirect(r, url_for(&r->arena, "/cases/%lld", id));
}
