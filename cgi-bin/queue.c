/* queue.c: the anomaly queue, one case, one incident, and silences
 *
 * GET  /queue                        (view_orders) the live cases, 50 a page
 *   kind      repeatable, an anomaly kind
 *   state     open acknowledged waiting, or closed (the recently closed)
 *   assignee  anyone (default) me unassigned
 *   severity  1..4, at least this
 *   sla       overdue (past the resolve target), escalated (open past the
 *             acknowledge target), soon (due within the hour)
 *   age       hours the trouble has lasted, at least
 *   min, max  the order's amount in yuan
 *   group     a group key (same carrier, SKU, warehouse, channel+error)
 *   incident  an incident's id: its members
 *   silenced  1: the silenced cases instead of the rest
 *   sort      due (soonest first, default) oldest amount severity
 *   after     where the next page starts (the "next" link carries it)
 *   Beside the list: the count per kind and the open incidents.  Cases in
 *   an incident are folded under it, silenced cases are kept out, unless
 *   the filter asks for them.
 *
 * POST /queue/bulk/{claim,resolve,dismiss}   (view_orders)
 * POST /queue/bulk/{assign,silence}          (approve)
 *   id        repeatable, the chosen cases; or all=1 and the filter above:
 *             every case it matches (at most BULK_MAX, in its order)
 *   confirm   1 to do it; without it the answer is a confirmation page
 *             stating the count (scripts send confirm=1 at once)
 *   reason    dismiss: why (required); resolve: how; silence: why (required)
 *   to        assign: the agent's id
 *   hours     silence: how long, 1..720
 *   back      a local /queue or /incidents link to return to
 *
 * GET  /queue/silences               (view_orders) active and recent silences
 * POST /queue/silences               (approve) a new silence
 *   kind carrier sku warehouse user order   matchers, at least one
 *   hours, reason
 * POST /queue/silences/{id}/end      (approve) end it now
 *
 * GET  /cases/{id}                   (view_orders) the case, its playbook
 *   and the actions valid for its order now, the order, notes and history
 * POST /cases/{id}/{claim,wait,resume,resolve,dismiss,note}  (view_orders)
 * POST /cases/{id}/assign            (approve)
 *   reason    dismiss (required), resolve, note (required)
 *   to        assign: the agent's id
 *
 * GET  /incidents/{id}               (view_orders) one group's cases and
 *   the bulk actions over them
 *
 * Every change of a case goes through case_act (lib/cases.c): one case
 * event and one audit row each, in the transaction that makes the change.
 */
#include <stdio.h>
#include <string.h>

#include "actions.h"
#include "anomaly.h"
#include "app.h"
#include "audit.h"
#include "auth.h"
#include "buf.h"
#include "cases.h"
#include "cfg.h"
#include "db.h"
#include "model.h"
#include "resp.h"
#include "shop.h"
#include "url.h"
#include "util.h"

#define PAGE_ROWS 50
#define COUNT_CAP 1000
#define BULK_MAX 1000		/* cases one bulk action handles */
#define SAMPLE_ROWS 20		/* cases a confirmation lists */
#define REASON_MAX 255

static const struct label queue_states[] = {
	{ "open", "待处理", "red" },
	{ "acknowledged", "处理中", "blue" },
	{ "waiting", "等待中", "amber" },
	{ "closed", "已关闭", "gray" },
	{ NULL, NULL, NULL },
};
static const struct label assignees[] = {
	{ "anyone", "所有人", "" },
	{ "me", "我的", "" },
	{ "unassigned", "未认领", "" },
	{ NULL, NULL, NULL },
};
static const struct label slas[] = {
	{ "overdue", "已超时", "red" },
	{ "escalated", "已升级（超过受理时限）", "orange" },
	{ "soon", "1 小时内到期", "amber" },
	{ NULL, NULL, NULL },
};
static const struct label ages[] = {
	{ "1", "1 小时以上", "" },
	{ "4", "4 小时以上", "" },
	{ "24", "1 天以上", "" },
	{ "72", "3 天以上", "" },
	{ NULL, NULL, NULL },
};
static const struct label sorts[] = {
	{ "due", "最先到期", "" },
	{ "oldest", "最早发生", "" },
	{ "amount", "金额最高", "" },
	{ "severity", "最严重", "" },
	{ NULL, NULL, NULL },
};
static const struct label severity_min[] = {
	{ "4", "紧急", "" },
	{ "3", "高及以上", "" },
	{ "2", "中及以上", "" },
	{ NULL, NULL, NULL },
};
static const struct label bulk_actions[] = {
	{ "claim", "认领", "" },
	{ "assign", "指派", "" },
	{ "resolve", "解决", "" },
	{ "dismiss", "忽略", "" },
	{ "silence", "静默", "" },
	{ NULL, NULL, NULL },
};

/* The queue's views: a preset filter each. */
static const struct { const char *label, *query; } views[] = {
	{ "全部", "" },
	{ "我的", "assignee=me" },
	{ "未认领", "assignee=unassigned&state=open" },
	{ "已升级", "sla=escalated" },
	{ "已超时", "sla=overdue" },
	{ "已静默", "silenced=1" },
	{ "最近关闭", "state=closed" },
};

/* What a queue request asks for, validated. */
struct filter {
	const char *kinds[ANOMALY_KINDS];
	int nkind;
	int kind_on[ANOMALY_KINDS];	/* kind i (of anomaly_kinds) asked for */
	const char *state;		/* NULL: every live state */
	int closed;
	const char *assignee;		/* NULL: anyone */
	long long severity;		/* at least; 0: any */
	const char *sla;
	long long age;			/* hours; 0: any */
	long long min, max;		/* fen; -1: none */
	const char *group;
	long long incident;
	int silenced;
	const char *sort;
	int has_after;
	long long after_v;		/* amount or severity */
	char after_at[20];
	long long after_id;
};

/* --- statements --------------------------------------------------------- */

/* The live cases per kind outside incidents and silences, for the counts
 * beside the list: one walk of a covering index, cached for [queue]
 * counts_ttl in each worker (they serve the whole floor and change slowly;
 * at a million orders the walk is the page's largest cost). */
static struct db_stmt q_counts = DB_STMT(DB_CONSOLE,
	"SELECT kind, COUNT(*), SUM(state = 'open'),"
	" SUM(resolve_due_at < NOW() AND state <> 'waiting'),"
	" SUM(escalated_at IS NOT NULL AND state = 'open')"
	" FROM cases FORCE INDEX (ix_cases_queue)"
	" WHERE live = 1 AND silence_id IS NULL AND incident_id IS NULL GROUP BY kind");
/* The rest, in one round trip: silenced ('s'), mine ('m'), and the open
 * incidents ('i'). */
static struct db_stmt q_side = DB_STMT(DB_CONSOLE,
	"(SELECT 's', NULL, COUNT(*), 0, NULL, NULL FROM cases FORCE INDEX (ix_cases_silence)"
	" WHERE silence_id IS NOT NULL AND live = 1)"
	" UNION ALL (SELECT 'm', NULL, COUNT(*), 0, NULL, NULL FROM cases"
	" FORCE INDEX (ix_cases_assignee) WHERE assignee_id = ? AND live = 1)"
	" UNION ALL (SELECT 'i', kind, id, members, label, opened_at FROM incidents"
	" WHERE state = 'open' ORDER BY opened_at DESC, id DESC LIMIT 20)");
static struct db_stmt q_agents = DB_STMT(DB_CONSOLE,
	"SELECT id, login, display_name FROM agents WHERE disabled_at IS NULL"
	" AND service = 0 ORDER BY login LIMIT 500");
static struct db_stmt q_agent_ok = DB_STMT(DB_CONSOLE,
	"SELECT 1 FROM agents WHERE id = ? AND disabled_at IS NULL AND service = 0");

/* One case, its assignee, silence and incident. */
static struct db_stmt q_case = DB_STMT(DB_CONSOLE,
	"SELECT c.id, c.kind, c.order_id, c.order_no, c.state, c.severity, c.amount,"
	" c.since, c.facts, c.opened_at, c.acknowledged_at, c.ack_due_at,"
	" c.resolve_due_at, c.escalated_at, c.waiting_since, c.resolved_at,"
	" c.resolution, c.reopened, c.group_label, c.incident_id, a.login,"
	" a.display_name, c.assignee_id, s.id, s.reason, s.ends_at, r.login,"
	" TIMESTAMPDIFF(MINUTE, NOW(), c.resolve_due_at),"
	" TIMESTAMPDIFF(MINUTE, c.waiting_since, c.resolve_due_at),"
	" c.state = 'open' AND c.ack_due_at < NOW()"
	" FROM cases c LEFT JOIN agents a ON a.id = c.assignee_id"
	" LEFT JOIN silences s ON s.id = c.silence_id"
	" LEFT JOIN agents r ON r.id = c.resolved_by WHERE c.id = ?");
enum { C_ID, C_KIND, C_ORDER_ID, C_NO, C_STATE, C_SEVERITY, C_AMOUNT, C_SINCE,
	C_FACTS, C_OPENED, C_ACKED, C_ACK_DUE, C_DUE, C_ESCALATED, C_WAITING,
	C_RESOLVED, C_RESOLUTION, C_REOPENED, C_GROUP, C_INCIDENT, C_LOGIN,
	C_NAME, C_ASSIGNEE, C_SILENCE, C_SILENCE_REASON, C_SILENCE_ENDS,
	C_RESOLVER, C_DUE_MIN, C_LEFT_MIN, C_ACK_LATE };
static struct db_stmt q_history = DB_STMT(DB_CONSOLE,
	"(SELECT e.at, e.actor_type, a.login, e.kind, e.detail, e.id FROM case_events e"
	" LEFT JOIN agents a ON a.id = e.agent_id WHERE e.case_id = ?"
	" ORDER BY e.at DESC, e.id DESC LIMIT 200)"
	" UNION ALL (SELECT opened_at, 'rule', NULL, 'opened', facts, 0 FROM cases WHERE id = ?)"
	" ORDER BY 1 DESC, 6 DESC");
static struct db_stmt q_siblings = DB_STMT(DB_CONSOLE,
	"SELECT id, kind, state FROM cases FORCE INDEX (ix_cases_order)"
	" WHERE order_id = ? AND live = 1 AND id <> ?");
/* The order, as the case page shows it. */
static struct db_stmt q_order = DB_STMT(DB_REPLICA,
	"SELECT o.status, o.pay_amount, o.paid_amount, o.refunded_amount, o.created_at,"
	" o.paid_at, o.shipped_at, o.receiver_name, o.receiver_phone, o.province,"
	" o.city, o.district, o.warehouse, u.name,"
	" (SELECT GROUP_CONCAT(product_name, ' ×', qty ORDER BY id SEPARATOR '、')"
	"  FROM order_items WHERE order_id = o.id),"
	" (SELECT CONCAT(carrier, ' ', tracking_no) FROM shipments"
	"  WHERE order_id = o.id ORDER BY id DESC LIMIT 1)"
	" FROM orders o LEFT JOIN users u ON u.id = o.user_id WHERE o.id = ?");

static struct db_stmt q_incident = DB_STMT(DB_CONSOLE,
	"SELECT id, kind, group_key, label, state, members, opened_at, resolved_at"
	" FROM incidents WHERE id = ?");

static struct db_stmt q_silences = DB_STMT(DB_CONSOLE,
	"SELECT s.id, s.kind, s.carrier, s.sku, s.warehouse, s.user_id, s.order_no,"
	" s.reason, a.login, s.created_at, s.ends_at, s.ended_at, s.cases_only,"
	" s.ends_at > NOW() AND s.ended_at IS NULL,"
	" (SELECT COUNT(*) FROM cases c WHERE c.silence_id = s.id AND c.live = 1)"
	" FROM silences s LEFT JOIN agents a ON a.id = s.created_by"
	" WHERE s.ended_at IS NULL AND s.ends_at > NOW() - INTERVAL 7 DAY"
	"  OR s.ended_at > NOW() - INTERVAL 7 DAY"
	" ORDER BY s.ends_at > NOW() AND s.ended_at IS NULL DESC, s.id DESC LIMIT 200");
static struct db_stmt q_silence_new = DB_STMT(DB_CONSOLE,
	"INSERT INTO silences (kind, carrier, sku, warehouse, user_id, order_no, reason,"
	" created_by, created_at, ends_at, cases_only)"
	" VALUES (?, ?, ?, ?, ?, ?, ?, ?, NOW(), NOW() + INTERVAL ? HOUR, ?)");
static struct db_stmt q_silence_id = DB_STMT(DB_CONSOLE, "SELECT LAST_INSERT_ID()");
/* A new silence with matchers takes the live cases it matches now. */
static struct db_stmt q_silence_apply = DB_STMT(DB_CONSOLE,
	"UPDATE cases c JOIN silences s ON s.id = ? SET c.silence_id = s.id,"
	" c.updated_at = NOW() WHERE c.live = 1 AND c.silence_id IS NULL AND " SILENCE_MATCH);
static struct db_stmt q_silence_events = DB_STMT(DB_CONSOLE,
	"INSERT INTO case_events (case_id, order_id, at, actor_type, agent_id, kind, detail)"
	" SELECT id, order_id, NOW(), 'agent', ?, ?, ? FROM cases WHERE silence_id = ?"
	" AND live = 1");
static struct db_stmt q_silence_end = DB_STMT(DB_CONSOLE,
	"UPDATE silences SET ended_at = NOW() WHERE id = ? AND ended_at IS NULL"
	" AND ends_at > NOW()");
static struct db_stmt q_unsilence = DB_STMT(DB_CONSOLE,
	"UPDATE cases SET silence_id = NULL, updated_at = NOW() WHERE silence_id = ?");

/* --- small helpers ------------------------------------------------------ */

/* span: minutes as agents read them. */
static const char *
span(struct arena *a, long long min)
{
	if (min < 0)
		min = -min;
	if (min < 60)
		return arena_printf(a, "%lld 分钟", min);
	if (min < 1440)
		return arena_printf(a, "%lld 小时 %lld 分", min / 60, min % 60);
	return arena_printf(a, "%lld 天 %lld 小时", min / 1440, min % 1440 / 60);
}

/* options: a select's choices, the current one selected. */
static void
options(json_object *m, const char *key, const struct label *t, const char *cur)
{
	json_object *arr = m_add(m, key, m_arr());

	for (; t->code; t++) {
		json_object *o = m_push(arr, m_obj());

		m_str(o, "code", t->code);
		m_str(o, "label", t->label);
		m_bool(o, "selected", cur && strcmp(cur, t->code) == 0);
	}
}

/* back_link: the page a bulk action returns to: a local queue or incident
 * link, else the queue. */
static const char *
back_link(struct req *r)
{
	const char *b = req_get(r, "back");

	if (b && url_local_path(b) && strlen(b) < 1024 &&
	    (str_startswith(b, "/queue") || str_startswith(b, "/incidents/")))
		return b;
	return "/queue";
}

/* --- the filter --------------------------------------------------------- */

static int
pick(struct req *r, const char *name, const struct label *t, const char **out,
    json_object *errs, const char *msg)
{
	int rc = req_str(r, name, 16, out);

	if (rc == REQ_MISSING)
		*out = NULL;
	else if (rc == REQ_BAD || !label_known(t, *out)) {
		*out = NULL;
		m_str(errs, name, msg);
		return -1;
	}
	return 0;
}

/* parse_after: "YYYYMMDDHHMMSS-ID", "N-ID" or "N-YYYYMMDDHHMMSS-ID" as the
 * sort needs. */
static int
parse_after(struct filter *f, const char *in)
{
	const char *p = in, *t = NULL;
	size_t n;

	if (strcmp(f->sort, "amount") == 0 || strcmp(f->sort, "severity") == 0) {
		n = strspn(p, "0123456789");
		if (n == 0 || n > 15 || p[n] != '-' || parse_i64(p, n, &f->after_v) < 0)
			return -1;
		p += n + 1;
	}
	if (strcmp(f->sort, "amount") != 0) {
		if (strspn(p, "0123456789") != 14 || p[14] != '-')
			return -1;
		t = p;
		p += 15;
	}
	n = strlen(p);
	if (n == 0 || n > 18 || strspn(p, "0123456789") != n || parse_i64(p, n, &f->after_id) < 0)
		return -1;
	if (t)
		snprintf(f->after_at, sizeof(f->after_at), "%.4s-%.2s-%.2s %.2s:%.2s:%.2s",
		    t, t + 4, t + 6, t + 8, t + 10, t + 12);
	f->has_after = 1;
	return 0;
}

/* read_filter: f from the request; the form's values and choices into m,
 * field messages into errs. */
static void
read_filter(struct req *r, struct filter *f, json_object *m, json_object *errs)
{
	const char *v, *list[ANOMALY_KINDS + 1];
	json_object *arr;
	int n, i, rc;

	memset(f, 0, sizeof(*f));
	f->min = f->max = -1;
	n = req_all(r, "kind", list, ANOMALY_KINDS);
	if (n < 0)
		m_str(errs, "kind", "异常类型选得太多了。Too many kinds.");
	for (i = 0; i < n; i++) {
		const struct anomaly_kind *k = anomaly_kind(list[i]);

		if (!k) {
			m_str(errs, "kind", "没有这种异常类型。Unknown kind.");
			break;
		}
		f->kind_on[k - anomaly_kinds] = 1;
		f->kinds[f->nkind++] = k->code;
	}
	arr = m_add(m, "kinds", m_arr());
	for (i = 0; i < ANOMALY_KINDS; i++) {
		json_object *o = m_push(arr, m_obj());

		m_str(o, "code", anomaly_kinds[i].code);
		m_str(o, "label", anomaly_kinds[i].label);
		m_bool(o, "selected", f->kind_on[i]);
	}
	pick(r, "state", queue_states, &f->state, errs, "没有这个状态。Unknown state.");
	f->closed = f->state && strcmp(f->state, "closed") == 0;
	pick(r, "assignee", assignees, &f->assignee, errs, "处理人只能是 anyone、me 或 unassigned。");
	if (f->assignee && strcmp(f->assignee, "anyone") == 0)
		f->assignee = NULL;
	pick(r, "sla", slas, &f->sla, errs, "没有这个时限状态。Unknown SLA filter.");
	if (pick(r, "severity", severity_min, &v, errs, "严重程度只能是 2、3 或 4。") == 0 && v)
		f->severity = v[0] - '0';
	if (pick(r, "age", ages, &v, errs, "持续时间只能是 1、4、24 或 72 小时。") == 0 && v)
		parse_i64(v, strlen(v), &f->age);
	if (pick(r, "sort", sorts, &f->sort, errs, "没有这种排序。Unknown sort.") < 0 ||
	    f->sort == NULL)
		f->sort = "due";
	if ((rc = req_str(r, "min", 16, &v)) == REQ_BAD ||
	    (rc == REQ_OK && parse_yuan(v, &f->min) < 0))
		m_str(errs, "min", "金额格式：如 99 或 99.50");
	if ((rc = req_str(r, "max", 16, &v)) == REQ_BAD ||
	    (rc == REQ_OK && parse_yuan(v, &f->max) < 0))
		m_str(errs, "max", "金额格式：如 99 或 99.50");
	if (f->min >= 0 && f->max >= 0 && f->min > f->max)
		m_str(errs, "max", "最高金额小于最低金额。The range is inverted.");
	if ((rc = req_str(r, "group", 96, &f->group)) == REQ_BAD) {
		m_str(errs, "group", "分组标识太长。Group key too long.");
		f->group = NULL;
	} else if (rc == REQ_MISSING)
		f->group = NULL;
	if ((rc = req_int(r, "incident", 1, 999999999999LL, &f->incident)) == REQ_BAD)
		m_str(errs, "incident", "事件编号不正确。Not an incident id.");
	if ((rc = req_str(r, "silenced", 1, &v)) == REQ_BAD ||
	    (rc == REQ_OK && strcmp(v, "1") != 0))
		m_str(errs, "silenced", "silenced 只能是 1");
	f->silenced = rc == REQ_OK && strcmp(v, "1") == 0;
	if ((rc = req_str(r, "after", 48, &v)) == REQ_BAD ||
	    (rc == REQ_OK && parse_after(f, v) < 0))
		m_str(errs, "after", "翻页位置不正确，请回到第一页。Bad page position.");

	options(m, "states", queue_states, f->state);
	options(m, "assignees", assignees, f->assignee ? f->assignee : "anyone");
	options(m, "slas", slas, f->sla);
	options(m, "severities", severity_min, req_get(r, "severity"));
	options(m, "ages", ages, req_get(r, "age"));
	options(m, "sorts", sorts, f->sort);
	m_str(m, "min", f->min >= 0 ? req_get(r, "min") : "");
	m_str(m, "max", f->max >= 0 ? req_get(r, "max") : "");
	m_opt(m, "group", "has_group", f->group ? f->group : "");
	m_bool(m, "silenced", f->silenced);
	if (f->incident)
		m_int(m, "incident", f->incident);
	m_bool(m, "has_incident", f->incident > 0);
}

/* filter_url: path with the filter as a query, from the page after `after`
 * (NULL: the first). */
static const char *
filter_url(struct req *r, const struct filter *f, const char *path, const char *after)
{
	struct arena *a = &r->arena;
	struct buf b = { 0 };
	char *u;
	int i;

	buf_puts(&b, url_for(a, path));
	buf_puts(&b, url_for(a, "?sort=%s", f->sort));
	for (i = 0; i < f->nkind; i++)
		buf_puts(&b, url_for(a, "&kind=%s", f->kinds[i]));
	if (f->state)
		buf_puts(&b, url_for(a, "&state=%s", f->state));
	if (f->assignee)
		buf_puts(&b, url_for(a, "&assignee=%s", f->assignee));
	if (f->severity)
		buf_printf(&b, "&severity=%lld", f->severity);
	if (f->sla)
		buf_puts(&b, url_for(a, "&sla=%s", f->sla));
	if (f->age)
		buf_printf(&b, "&age=%lld", f->age);
	if (f->min >= 0)
		buf_puts(&b, url_for(a, "&min=%s", yuan_plain(a, f->min)));
	if (f->max >= 0)
		buf_puts(&b, url_for(a, "&max=%s", yuan_plain(a, f->max)));
	if (f->group)
		buf_puts(&b, url_for(a, "&group=%s", f->group));
	if (f->incident)
		buf_printf(&b, "&incident=%lld", f->incident);
	if (f->silenced)
		buf_puts(&b, "&silenced=1");
	if (after)
		buf_puts(&b, url_for(a, "&after=%s", after));
	u = arena_strdup(a, b.p);
	buf_free(&b);
	return u;
}

/* filter_fields: the filter as hidden form fields, for the bulk forms. */
static void
filter_fields(struct req *r, json_object *m, const struct filter *f)
{
	json_object *arr = m_add(m, "filter_fields", m_arr());
	struct arena *a = &r->arena;
	int i;

#define FIELD(n, v) do { json_object *o_ = m_push(arr, m_obj()); \
	m_str(o_, "name", n); m_str(o_, "value", v); } while (0)
	FIELD("sort", f->sort);
	for (i = 0; i < f->nkind; i++)
		FIELD("kind", f->kinds[i]);
	if (f->state)
		FIELD("state", f->state);
	if (f->assignee)
		FIELD("assignee", f->assignee);
	if (f->severity)
		FIELD("severity", arena_printf(a, "%lld", f->severity));
	if (f->sla)
		FIELD("sla", f->sla);
	if (f->age)
		FIELD("age", arena_printf(a, "%lld", f->age));
	if (f->min >= 0)
		FIELD("min", yuan_plain(a, f->min));
	if (f->max >= 0)
		FIELD("max", yuan_plain(a, f->max));
	if (f->group)
		FIELD("group", f->group);
	if (f->incident)
		FIELD("incident", arena_printf(a, "%lld", f->incident));
	if (f->silenced)
		FIELD("silenced", "1");
#undef FIELD
}

/* where: the filter as SQL over cases c. */
static void
where(struct db_query *d, const struct filter *f, long long me)
{
	int i;

	if (f->closed)
		dbq_sql(d, " WHERE c.live IS NULL AND c.resolved_at IS NOT NULL");
	else
		dbq_sql(d, " WHERE c.live = 1");
	if (f->state && !f->closed)
		dbq_cond(d, " AND c.state = ?", DB_STR(f->state));
	if (f->nkind) {
		dbq_sql(d, " AND c.kind IN (?");
		for (i = 1; i < f->nkind; i++)
			dbq_sql(d, ", ?");
		dbq_sql(d, ")");
		for (i = 0; i < f->nkind; i++)
			dbq_arg(d, DB_STR(f->kinds[i]));
	}
	if (f->assignee && strcmp(f->assignee, "me") == 0)
		dbq_cond(d, " AND c.assignee_id = ?", DB_INT(me));
	else if (f->assignee)
		dbq_sql(d, " AND c.assignee_id IS NULL");
	if (f->severity)
		dbq_cond(d, " AND c.severity >= ?", DB_INT(f->severity));
	if (f->sla && strcmp(f->sla, "overdue") == 0)
		dbq_sql(d, " AND c.resolve_due_at < NOW() AND c.state <> 'waiting'");
	else if (f->sla && strcmp(f->sla, "escalated") == 0)
		dbq_sql(d, " AND c.escalated_at IS NOT NULL AND c.state = 'open'");
	else if (f->sla)
		dbq_sql(d, " AND c.resolve_due_at BETWEEN NOW() AND NOW() + INTERVAL 1 HOUR"
		    " AND c.state <> 'waiting'");
	if (f->age)
		dbq_cond(d, " AND c.since <= NOW() - INTERVAL ? HOUR", DB_INT(f->age));
	if (f->min >= 0)
		dbq_cond(d, " AND c.amount >= ?", DB_INT(f->min));
	if (f->max >= 0)
		dbq_cond(d, " AND c.amount <= ?", DB_INT(f->max));
	if (f->group)
		dbq_cond(d, " AND c.group_key = ?", DB_STR(f->group));
	if (f->incident)
		dbq_cond(d, " AND c.incident_id = ?", DB_INT(f->incident));
	if (f->closed)
		return;
	dbq_sql(d, f->silenced ? " AND c.silence_id IS NOT NULL" : " AND c.silence_id IS NULL");
	/* an incident folds its cases, unless the filter names the group */
	if (!f->incident && !f->group && !f->silenced)
		dbq_sql(d, " AND c.incident_id IS NULL");
}

/* The list's columns; the last is the keyset position of the row. */
#define LIST_COLS \
	"SELECT c.id, c.kind, c.order_no, c.state, c.severity, c.amount, c.since," \
	" c.facts, a.display_name, c.assignee_id, TIMESTAMPDIFF(MINUTE, NOW(), c.resolve_due_at)," \
	" c.escalated_at IS NOT NULL AND c.state = 'open', c.group_label, c.resolved_at," \
	" c.resolution, TIMESTAMPDIFF(MINUTE, c.waiting_since, c.resolve_due_at),"
enum { L_ID, L_KIND, L_NO, L_STATE, L_SEVERITY, L_AMOUNT, L_SINCE, L_FACTS,
	L_ASSIGNEE, L_ASSIGNEE_ID, L_DUE_MIN, L_ESCALATED, L_GROUP, L_RESOLVED,
	L_RESOLUTION, L_LEFT_MIN, L_AFTER };

/* list_query: the cases the filter matches in its order, from after;
 * limit rows. */
static void
list_query(struct db_query *d, const struct filter *f, long long me, long long limit)
{
	const char *s = f->closed ? "closed" : f->sort;

	dbq_init(d, DB_CONSOLE);
	dbq_sql(d, LIST_COLS);
	if (strcmp(s, "closed") == 0)
		dbq_sql(d, " CONCAT(DATE_FORMAT(c.resolved_at, '%Y%m%d%H%i%s'), '-', c.id)");
	else if (strcmp(s, "oldest") == 0)
		dbq_sql(d, " CONCAT(DATE_FORMAT(c.since, '%Y%m%d%H%i%s'), '-', c.id)");
	else if (strcmp(s, "amount") == 0)
		dbq_sql(d, " CONCAT(c.amount, '-', c.id)");
	else if (strcmp(s, "severity") == 0)
		dbq_sql(d, " CONCAT(c.severity, '-',"
		    " DATE_FORMAT(c.resolve_due_at, '%Y%m%d%H%i%s'), '-', c.id)");
	else
		dbq_sql(d, " CONCAT(DATE_FORMAT(c.resolve_due_at, '%Y%m%d%H%i%s'), '-', c.id)");
	/* The walk in the sort's order that stops after a page: by kind when
	 * one kind is asked for.  (Left alone, the optimizer walks the sort's
	 * index over every kind, or sorts a whole kind: both grow with the
	 * queue.) */
	dbq_sql(d, " FROM cases c");
	if (!f->closed && f->nkind == 1 && !f->incident && !f->group)
		dbq_sql(d, strcmp(s, "oldest") == 0 ? " FORCE INDEX (ix_cases_kind_since)" :
		    strcmp(s, "amount") == 0 ? " FORCE INDEX (ix_cases_kind_amount)" :
		    strcmp(s, "severity") == 0 ? " FORCE INDEX (ix_cases_kind_severity)" :
		    " FORCE INDEX (ix_cases_kind_due)");
	else if (!f->closed && f->nkind == 0 && !f->incident && !f->group)
		dbq_sql(d, strcmp(s, "oldest") == 0 ? " FORCE INDEX (ix_cases_since)" :
		    strcmp(s, "amount") == 0 ? " FORCE INDEX (ix_cases_amount)" :
		    strcmp(s, "severity") == 0 ? " FORCE INDEX (ix_cases_severity)" :
		    " FORCE INDEX (ix_cases_due)");
	dbq_sql(d, " LEFT JOIN agents a ON a.id = c.assignee_id");
	where(d, f, me);
	if (f->has_after && strcmp(s, "closed") == 0) {
		dbq_sql(d, " AND c.resolved_at <= ? AND (c.resolved_at < ? OR c.id < ?)");
		dbq_arg(d, DB_STR(f->after_at));
		dbq_arg(d, DB_STR(f->after_at));
	} else if (f->has_after && strcmp(s, "oldest") == 0) {
		dbq_sql(d, " AND c.since >= ? AND (c.since > ? OR c.id > ?)");
		dbq_arg(d, DB_STR(f->after_at));
		dbq_arg(d, DB_STR(f->after_at));
	} else if (f->has_after && strcmp(s, "amount") == 0) {
		dbq_sql(d, " AND c.amount <= ? AND (c.amount < ? OR c.id < ?)");
		dbq_arg(d, DB_INT(f->after_v));
		dbq_arg(d, DB_INT(f->after_v));
	} else if (f->has_after && strcmp(s, "severity") == 0) {
		dbq_sql(d, " AND c.severity <= ? AND (c.severity < ? OR (c.resolve_due_at >= ?"
		    " AND (c.resolve_due_at > ? OR c.id > ?)))");
		dbq_arg(d, DB_INT(f->after_v));
		dbq_arg(d, DB_INT(f->after_v));
		dbq_arg(d, DB_STR(f->after_at));
		dbq_arg(d, DB_STR(f->after_at));
	} else if (f->has_after) {
		dbq_sql(d, " AND c.resolve_due_at >= ? AND (c.resolve_due_at > ? OR c.id > ?)");
		dbq_arg(d, DB_STR(f->after_at));
		dbq_arg(d, DB_STR(f->after_at));
	}
	if (f->has_after)
		dbq_arg(d, DB_INT(f->after_id));
	if (strcmp(s, "closed") == 0)
		dbq_sql(d, " ORDER BY c.resolved_at DESC, c.id DESC");
	else if (strcmp(s, "oldest") == 0)
		dbq_sql(d, " ORDER BY c.since, c.id");
	else if (strcmp(s, "amount") == 0)
		dbq_sql(d, " ORDER BY c.amount DESC, c.id DESC");
	else if (strcmp(s, "severity") == 0)
		dbq_sql(d, " ORDER BY c.severity DESC, c.resolve_due_at, c.id");
	else
		dbq_sql(d, " ORDER BY c.resolve_due_at, c.id");
	dbq_sql(d, " LIMIT ?");
	dbq_arg(d, DB_INT(limit));
}

/* due: the SLA as one phrase, and whether it is overdue. */
static const char *
due(struct arena *a, const char *state, long long due_min, long long left_min,
    int *overdue)
{
	*overdue = 0;
	if (strcmp(state, "waiting") == 0)
		return arena_printf(a, "已暂停（剩 %s）", span(a, left_min));
	if (due_min < 0) {
		*overdue = 1;
		return arena_printf(a, "超时 %s", span(a, due_min));
	}
	return arena_printf(a, "%s后到期", span(a, due_min));
}

/* case_row: one list row. */
static json_object *
case_row(struct req *r, const struct db_res *res)
{
	struct arena *a = &r->arena;
	json_object *o = m_obj();
	const char *state = db_str(res, L_STATE);
	int live = case_live(state), overdue;
	long long id = db_int(res, L_ID);

	m_int(o, "id", id);
	m_str(o, "url", url_for(a, "/cases/%lld", id));
	m_str(o, "kind", db_str(res, L_KIND));
	m_str(o, "kind_label", anomaly_label(db_str(res, L_KIND)));
	m_str(o, "order_no", db_str(res, L_NO));
	m_str(o, "order_url", url_for(a, "/orders/%s", db_str(res, L_NO)));
	m_label(o, "state", label_of(case_states, state));
	m_label(o, "severity", label_of(severities, db_str(res, L_SEVERITY)));
	m_str(o, "amount", yuan(a, db_int(res, L_AMOUNT)));
	m_str(o, "since", db_str(res, L_SINCE));
	m_str(o, "facts", db_str(res, L_FACTS));
	m_opt(o, "assignee", "has_assignee", db_str(res, L_ASSIGNEE));
	m_bool(o, "no_assignee", db_null(res, L_ASSIGNEE_ID));
	m_bool(o, "mine", db_int(res, L_ASSIGNEE_ID) == r->sess->agent_id &&
	    !db_null(res, L_ASSIGNEE_ID));
	m_bool(o, "not_mine", db_int(res, L_ASSIGNEE_ID) != r->sess->agent_id ||
	    db_null(res, L_ASSIGNEE_ID));
	m_bool(o, "escalated", db_int(res, L_ESCALATED) != 0);
	m_opt(o, "group_label", "has_group", db_str(res, L_GROUP));
	if (live) {
		m_str(o, "due", due(a, state, db_int(res, L_DUE_MIN), db_int(res, L_LEFT_MIN),
		    &overdue));
		m_bool(o, "overdue", overdue);
		m_bool(o, "live", 1);
		m_str(o, "claim_url", url_for(a, "/cases/%lld/claim", id));
	} else {
		m_str(o, "resolved_at", db_str(res, L_RESOLVED));
		m_str(o, "resolution", db_str(res, L_RESOLUTION));
		m_bool(o, "live", 0);
		m_bool(o, "done", 1);
	}
	return o;
}

/* counts: the live cases per kind (all, open, overdue, escalated), from
 * the cache while it is fresh. */
static int
counts(struct req *r, long long n[ANOMALY_KINDS][4])
{
	static long long cache[ANOMALY_KINDS][4];
	static int64_t at;
	const struct anomaly_kind *k;
	struct db_res res;
	int64_t now = now_ms();
	int j, rc;

	if (at && cfg.queue_counts_ttl > 0 && now - at < cfg.queue_counts_ttl * 1000) {
		memcpy(n, cache, sizeof(cache));
		return DB_OK;
	}
	if ((rc = db_exec(&r->arena, &q_counts, &res, 0, NULL)) != DB_OK)
		return rc;
	memset(n, 0, sizeof(cache));
	while (db_next(&res))
		if ((k = anomaly_kind(db_str(&res, 0))) != NULL)
			for (j = 0; j < 4; j++)
				n[k - anomaly_kinds][j] = db_int(&res, 1 + (unsigned)j);
	db_done(&res);
	memcpy(cache, n, sizeof(cache));
	at = now;
	return DB_OK;
}

/* cached_count: how many cases the filter matches, from the counts per
 * kind, when the filter is one they hold (kinds, and at most one of open,
 * overdue or escalated); -1 when it is not. */
static long long
cached_count(const struct filter *f, long long n[ANOMALY_KINDS][4])
{
	long long total = 0;
	int col = 0, i;

	if (f->closed || f->silenced || f->assignee || f->severity || f->age ||
	    f->min >= 0 || f->max >= 0 || f->group || f->incident)
		return -1;
	if (f->sla && strcmp(f->sla, "escalated") == 0)
		col = 3;		/* escalated cases are open ones */
	else if (f->sla && strcmp(f->sla, "overdue") == 0 && !f->state)
		col = 2;
	else if (f->sla)
		return -1;
	else if (f->state && strcmp(f->state, "open") == 0)
		col = 1;
	else if (f->state)
		return -1;
	for (i = 0; i < ANOMALY_KINDS; i++)
		if (f->nkind == 0 || f->kind_on[i])
			total += n[i][col];
	return total;
}

/* side: the counts per kind, the silenced and mine, the open incidents;
 * the counts per kind also into n. */
static int
side(struct req *r, json_object *m, const struct filter *f,
    long long n[ANOMALY_KINDS][4])
{
	struct arena *a = &r->arena;
	json_object *list = m_add(m, "counts", m_arr());
	json_object *incs = m_add(m, "incidents", m_arr());
	long long total = 0;
	struct db_res res;
	int i, rc;

	if ((rc = counts(r, n)) != DB_OK ||
	    (rc = DB_EXEC(a, &q_side, &res, DB_INT(r->sess->agent_id))) != DB_OK)
		return rc;
	while (db_next(&res)) {
		const char *tag = db_str(&res, 0);

		if (tag[0] == 's')
			m_int(m, "silenced_count", db_int(&res, 2));
		else if (tag[0] == 'm')
			m_int(m, "mine_count", db_int(&res, 2));
		else if (tag[0] == 'i') {
			json_object *o = m_push(incs, m_obj());
			long long id = db_int(&res, 2);

			m_int(o, "id", id);
			m_str(o, "url", url_for(a, "/incidents/%lld", id));
			m_str(o, "kind_label", anomaly_label(db_str(&res, 1)));
			m_int(o, "members", db_int(&res, 3));
			m_str(o, "label", db_str(&res, 4));
			m_str(o, "opened_at", db_str(&res, 5));
		}
	}
	db_done(&res);
	for (i = 0; i < ANOMALY_KINDS; i++) {
		json_object *o = m_push(list, m_obj());

		m_str(o, "kind", anomaly_kinds[i].code);
		m_str(o, "label", anomaly_kinds[i].label);
		m_str(o, "url", url_for(a, "/queue?kind=%s", anomaly_kinds[i].code));
		m_int(o, "live", n[i][0]);
		m_int(o, "open", n[i][1]);
		m_int(o, "overdue", n[i][2]);
		m_int(o, "escalated", n[i][3]);
		m_bool(o, "has_overdue", n[i][2] > 0);
		m_bool(o, "has_escalated", n[i][3] > 0);
		m_bool(o, "current", f->kind_on[i]);
		total += n[i][0];
	}
	m_int(m, "total", total);
	m_bool(m, "has_incidents", json_object_array_length(incs) > 0);
	return DB_OK;
}

/* agent_choices: who a lead may assign to. */
static int
agent_choices(struct req *r, json_object *m)
{
	json_object *arr;
	struct db_res res;
	int rc;

	m_bool(m, "can_assign", auth_can(r, PERM_APPROVE));
	if (!auth_can(r, PERM_APPROVE))
		return DB_OK;
	arr = m_add(m, "agents", m_arr());
	if ((rc = db_exec(&r->arena, &q_agents, &res, 0, NULL)) != DB_OK)
		return rc;
	while (db_next(&res)) {
		json_object *o = m_push(arr, m_obj());

		m_int(o, "id", db_int(&res, 0));
		m_str(o, "login", db_str(&res, 1));
		m_str(o, "name", db_str(&res, 2));
	}
	db_done(&res);
	return DB_OK;
}

/* mark_agent: select agent `to` in the choices. */
static void
mark_agent(json_object *m, long long to)
{
	json_object *arr = json_object_object_get(m, "agents");
	size_t i;

	for (i = 0; arr && i < json_object_array_length(arr); i++) {
		json_object *o = json_object_array_get_idx(arr, i);

		m_bool(o, "selected", json_object_get_int64(json_object_object_get(o, "id")) == to);
	}
}

static void
views_model(struct req *r, json_object *m)
{
	json_object *arr = m_add(m, "views", m_arr());
	const char *q = r->query ? r->query : "";
	size_t i;

	for (i = 0; i < NELEM(views); i++) {
		json_object *o = m_push(arr, m_obj());

		m_str(o, "label", views[i].label);
		m_str(o, "url", *views[i].query ?
		    arena_printf(&r->arena, "%s?%s", url_for(&r->arena, "/queue"), views[i].query) :
		    url_for(&r->arena, "/queue"));
		m_bool(o, "current", strcmp(q, views[i].query) == 0);
	}
}

/* --- GET /queue ---------------------------------------------------------- */

static void
page_queue(struct req *r)
{
	struct arena *a = &r->arena;
	json_object *m = m_obj(), *errs = m_obj(), *rows;
	struct filter f;
	struct db_query d;
	struct db_res res;
	const char *last = NULL, *v;
	long long n = 0, count, kinds[ANOMALY_KINDS][4];
	int rc = DB_OK;

	m_str(m, "title", "异常队列");
	m_str(m, "nav", "queue");
	read_filter(r, &f, m, errs);
	views_model(r, m);
	filter_fields(r, m, &f);
	m_str(m, "back", filter_url(r, &f, "/queue", NULL));
	if ((v = req_get(r, "done")) != NULL && label_known(bulk_actions, v)) {
		long long k = 0, s = 0;

		req_int(r, "n", 0, BULK_MAX, &k);
		req_int(r, "skipped", 0, BULK_MAX, &s);
		m_opt(m, "notice", "has_notice", arena_printf(a, "已%s %lld 个异常%s", label_of(bulk_actions,
		    v)->label, k, s ? arena_printf(a, "，%lld 个因状态已变化而跳过", s) : ""));
	}
	m_bool(m, "can_assign", auth_can(r, PERM_APPROVE));
	if ((rc = side(r, m, &f, kinds)) != DB_OK) {
		json_object_put(errs);
		json_object_put(m);
		page_db_error(r, rc);
		return;
	}
	if (json_object_object_length(errs) > 0) {
		m_add(m, "rows", m_arr());
		page_bad_input(r, "queue", m, errs);
		return;
	}
	json_object_put(errs);

	/* the count: from the counts per kind when they hold it (as fresh
	 * as the counts beside the list), else counted, exact up to COUNT_CAP */
	if ((count = cached_count(&f, kinds)) < 0) {
		dbq_init(&d, DB_CONSOLE);
		dbq_sql(&d, "SELECT COUNT(*) FROM (SELECT 1 FROM cases c");
		where(&d, &f, r->sess->agent_id);
		dbq_sql(&d, " LIMIT ?) t");
		dbq_arg(&d, DB_INT(COUNT_CAP + 1));
		if ((rc = dbq_exec(a, &d, &res)) == DB_OK) {
			count = db_next(&res) ? db_int(&res, 0) : 0;
			db_done(&res);
		}
	}
	if (rc == DB_OK) {
		list_query(&d, &f, r->sess->agent_id, PAGE_ROWS + 1);
		rc = dbq_exec(a, &d, &res);
	}
	if (rc != DB_OK) {
		json_object_put(m);
		page_db_error(r, rc);
		return;
	}
	rows = m_add(m, "rows", m_arr());
	while (db_next(&res)) {
		if (++n > PAGE_ROWS)
			break;
		m_push(rows, case_row(r, &res));
		last = arena_strdup(a, db_str(&res, L_AFTER));
	}
	db_done(&res);
	m_int(m, "count", count > COUNT_CAP ? COUNT_CAP : count);
	m_bool(m, "count_more", count > COUNT_CAP);
	m_str(m, "count_label", count > COUNT_CAP ? "1,000+" : arena_printf(a, "%lld", count));
	m_bool(m, "closed", f.closed);
	m_bool(m, "live_view", !f.closed);
	m_bool(m, "none", n == 0);
	m_opt(m, "next", "has_next", n > PAGE_ROWS ? filter_url(r, &f, "/queue", last) : NULL);
	m_bool(m, "paged", f.has_after);
	if (f.has_after)
		m_str(m, "first", filter_url(r, &f, "/queue", NULL));
	m_str(m, "u_bulk", url_for(a, "/queue/bulk"));
	m_str(m, "u_silences", url_for(a, "/queue/silences"));
	resp_page(r, 200, "queue", m);
}

/* --- bulk actions -------------------------------------------------------- */

/* bulk_ids: the cases a bulk request names, as a JSON array into the
 * arena; *n how many (up to BULK_MAX), *more when the filter matched more. */
static int
bulk_ids(struct req *r, const struct filter *f, char **json, long long *n, int *more)
{
	struct arena *a = &r->arena;
	const char *ids[BULK_MAX + 1];
	struct buf b = { 0 };
	int i, k, rc = DB_OK;

	*n = 0;
	*more = 0;
	buf_putc(&b, '[');
	if (req_get(r, "all") && strcmp(req_get(r, "all"), "1") == 0) {
		struct db_query d;
		struct db_res res;

		list_query(&d, f, r->sess->agent_id, BULK_MAX + 1);
		if ((rc = dbq_exec(a, &d, &res)) != DB_OK) {
			buf_free(&b);
			return rc;
		}
		while (db_next(&res)) {
			if (*n == BULK_MAX) {
				*more = 1;
				break;
			}
			buf_printf(&b, "%s%s", (*n)++ ? "," : "", db_str(&res, L_ID));
		}
		db_done(&res);
	} else {
		k = req_all(r, "id", ids, BULK_MAX);
		if (k < 0) {
			buf_free(&b);
			return 1;
		}
		for (i = 0; i < k; i++) {
			long long id;

			if (parse_i64(ids[i], strlen(ids[i]), &id) < 0 || id <= 0) {
				buf_free(&b);
				return 1;
			}
			buf_printf(&b, "%s%lld", (*n)++ ? "," : "", id);
		}
	}
	buf_putc(&b, ']');
	*json = arena_strdup(a, b.p);
	buf_free(&b);
	return DB_OK;
}

/* The chosen cases, for the confirmation (and the silence's events). */
static struct db_stmt q_chosen = DB_STMT(DB_CONSOLE,
	"SELECT c.id, c.kind, c.order_no, c.state, c.facts FROM JSON_TABLE(?, '$[*]'"
	" COLUMNS (id BIGINT UNSIGNED PATH '$')) j JOIN cases c ON c.id = j.id"
	" ORDER BY c.id");

/* bulk_extra: the fields an action needs beyond the cases; messages into
 * errs.  *to is the assignee, *hours a silence's length. */
static void
bulk_extra(struct req *r, const char *action, json_object *m, json_object *errs,
    const char **reason, long long *to, long long *hours)
{
	int rc = req_str(r, "reason", REASON_MAX, reason);
	struct db_res res;

	if (rc == REQ_BAD)
		m_str(errs, "reason", "原因最多 255 个字。At most 255 characters.");
	if (rc != REQ_OK)
		*reason = NULL;
	m_str(m, "reason", *reason ? *reason : "");
	if ((strcmp(action, "dismiss") == 0 || strcmp(action, "silence") == 0) && !*reason &&
	    rc != REQ_BAD)
		m_str(errs, "reason", "请写明原因。A reason is required.");
	*to = 0;
	if (strcmp(action, "assign") == 0) {
		if (req_int(r, "to", 1, 999999999999LL, to) != REQ_OK)
			m_str(errs, "to", "请选择要指派的客服。Choose an agent.");
		else {
			rc = DB_ONE(&r->arena, &q_agent_ok, &res, DB_INT(*to));
			db_done(&res);
			if (rc != DB_OK)
				m_str(errs, "to", "这个客服不存在或已停用。No such agent.");
		}
	}
	*hours = 24;
	if (strcmp(action, "silence") == 0 &&
	    (rc = req_int(r, "hours", 1, 720, hours)) != REQ_OK && rc != REQ_MISSING)
		m_str(errs, "hours", "静默时长为 1 到 720 小时。1 to 720 hours.");
	m_int(m, "hours", *hours);
}

static void
page_bulk(struct req *r)
{
	struct arena *a = &r->arena;
	const char *action = strrchr(r->path, '/') + 1, *reason, *v;
	json_object *m = m_obj(), *errs = m_obj(), *list;
	struct filter f;
	struct db_res res;
	char *ids;
	long long n, to, hours, done = 0, skipped = 0, silence = 0;
	int more, rc;

	m_str(m, "title", arena_printf(a, "批量%s", label_of(bulk_actions, action)->label));
	m_str(m, "nav", "queue");
	m_str(m, "action", action);
	m_str(m, "action_label", label_of(bulk_actions, action)->label);
	m_bool(m, "need_reason", strcmp(action, "dismiss") == 0 || strcmp(action, "silence") == 0);
	m_bool(m, "want_reason", strcmp(action, "resolve") == 0);
	m_bool(m, "need_to", strcmp(action, "assign") == 0);
	m_bool(m, "need_hours", strcmp(action, "silence") == 0);
	m_str(m, "post", url_for(a, "/queue/bulk/%s", action));
	m_str(m, "back", back_link(r));
	read_filter(r, &f, m, errs);
	if (json_object_object_length(errs) > 0) {
		json_object_put(m);
		page_error(r, 400, "筛选条件不正确", "%s", "请回到异常队列重新选择。");
		json_object_put(errs);
		return;
	}
	if ((rc = bulk_ids(r, &f, &ids, &n, &more)) != DB_OK) {
		json_object_put(m);
		json_object_put(errs);
		if (rc == 1)
			page_error(r, 400, "选择的异常单不正确",
			    "一次最多处理 %d 个异常单，编号须为数字。", BULK_MAX);
		else
			page_db_error(r, rc);
		return;
	}
	if (n == 0) {
		json_object_put(m);
		json_object_put(errs);
		page_error(r, 400, "没有选择异常单", "%s", "请先勾选异常单，或选择“当前筛选的全部”。");
		return;
	}
	bulk_extra(r, action, m, errs, &reason, &to, &hours);
	if ((rc = agent_choices(r, m)) != DB_OK) {
		json_object_put(m);
		json_object_put(errs);
		page_db_error(r, rc);
		return;
	}
	mark_agent(m, to);
	v = req_get(r, "confirm");
	if (v == NULL || strcmp(v, "1") != 0 || json_object_object_length(errs) > 0) {
		/* the confirmation, stating the count */
		json_object *idarr = m_add(m, "ids", m_arr());

		m_int(m, "count", n);
		m_bool(m, "more", more);
		list = m_add(m, "sample", m_arr());
		if ((rc = DB_EXEC(a, &q_chosen, &res, DB_STR(ids))) != DB_OK) {
			json_object_put(m);
			json_object_put(errs);
			page_db_error(r, rc);
			return;
		}
		while (db_next(&res)) {
			json_object *o;

			m_push(idarr, json_object_new_int64(db_int(&res, 0)));
			if (json_object_array_length(list) >= SAMPLE_ROWS)
				continue;
			o = m_push(list, m_obj());
			m_int(o, "id", db_int(&res, 0));
			m_str(o, "kind_label", anomaly_label(db_str(&res, 1)));
			m_str(o, "order_no", db_str(&res, 2));
			m_label(o, "state", label_of(case_states, db_str(&res, 3)));
			m_str(o, "facts", db_str(&res, 4));
		}
		db_done(&res);
		m_bool(m, "has_more_sample", n > SAMPLE_ROWS);
		if (json_object_object_length(errs) > 0 && v && strcmp(v, "1") == 0) {
			page_bad_input(r, "bulk", m, errs);
			return;
		}
		json_object_put(errs);
		resp_page(r, 200, "bulk", m);
		return;
	}
	json_object_put(errs);

	if ((rc = db_begin(DB_CONSOLE)) != DB_OK)
		goto fail;
	if (strcmp(action, "silence") == 0) {
		if ((rc = DB_EXEC(a, &q_silence_new, NULL, DB_NULL, DB_NULL, DB_NULL, DB_NULL,
		    DB_NULL, DB_NULL, DB_STR(reason), DB_INT(r->sess->agent_id), DB_INT(hours),
		    DB_INT(1))) != DB_OK ||
		    (rc = DB_ONE(a, &q_silence_id, &res)) != DB_OK)
			goto fail;
		silence = db_int(&res, 0);
		db_done(&res);
		if ((rc = audit(r, "silence_created", NULL, arena_printf(a, "silence %lld",
		    silence), arena_printf(a, "%lld 个异常单，%lld 小时：%s", n, hours,
		    reason))) != DB_OK)
			goto fail;
	}
	if ((rc = DB_EXEC(a, &q_chosen, &res, DB_STR(ids))) != DB_OK)
		goto fail;
	{
		long long *each = arena_alloc(a, (res.rows + 1) * sizeof(*each));
		size_t k = 0, i;

		while (db_next(&res))
			each[k++] = db_int(&res, 0);
		db_done(&res);
		skipped = n - (long long)k;
		for (i = 0; i < k; i++) {
			rc = case_act(r, each[i], action, strcmp(action, "silence") == 0 ?
			    silence : to, strcmp(action, "resolve") == 0 && !reason ?
			    "批量解决" : reason);
			if (rc == 1 || rc == 2)
				skipped++;
			else if (rc != DB_OK)
				goto fail;
			else
				done++;
		}
	}
	if ((rc = db_commit(DB_CONSOLE)) != DB_OK)
		goto fail;
	if (r->json) {
		json_object_put(m);
		m = m_obj();
		m_str(m, "action", action);
		m_int(m, "requested", n);
		m_int(m, "done", done);
		m_int(m, "skipped", skipped);
		m_bool(m, "more", more);
		if (silence)
			m_int(m, "silence_id", silence);
		resp_json(r, 200, m);
		return;
	}
	json_object_put(m);
	v = back_link(r);
	resp_redirect(r, arena_printf(a, "%s%sdone=%s&n=%lld&skipped=%lld", url_map(a, v),
	    strchr(v, '?') ? "&" : "?", action, done, skipped));
	return;
fail:
	db_rollback(DB_CONSOLE);
	json_object_put(m);
	page_db_error(r, rc);
}

/* --- one case ------------------------------------------------------------- */

/* case_id: the {id} segment, or 0. */
static long long
case_id(struct req *r)
{
	long long id;
	const char *s = r->seg[0];
	size_t n = strlen(s);

	if (n == 0 || n > 15 || strspn(s, "0123456789") != n || parse_i64(s, n, &id) < 0)
		return 0;
	return id;
}

/* order_panel: the order as the case needs it, and the actions valid for
 * it now; 1 when the replica has no such order (yet). */
static int
order_panel(struct req *r, json_object *m, long long order_id, const char *no)
{
	struct arena *a = &r->arena;
	json_object *o = m_add(m, "order", m_obj());
	struct order_state st;
	struct db_res res;
	int rc = DB_ONE(a, &q_order, &res, DB_INT(order_id));

	m_str(o, "order_no", no);
	m_str(o, "url", url_for(a, "/orders/%s", no));
	if (rc != DB_OK) {
		db_done(&res);
		m_bool(m, "order_missing", rc == 1);
		m_add(m, "actions", m_arr());
		return rc;
	}
	st.status = arena_strdup(a, db_str(&res, 0));
	st.pay_amount = db_int(&res, 1);
	st.paid_amount = db_int(&res, 2);
	st.refunded_amount = db_int(&res, 3);
	m_label(o, "status", label_of(order_statuses, st.status));
	m_str(o, "pay_amount", yuan(a, st.pay_amount));
	m_str(o, "paid_amount", yuan(a, st.paid_amount));
	m_str(o, "refunded_amount", yuan(a, st.refunded_amount));
	m_str(o, "created_at", db_str(&res, 4));
	m_str(o, "paid_at", db_str(&res, 5));
	m_str(o, "shipped_at", db_str(&res, 6));
	m_str(o, "receiver", db_str(&res, 7));
	m_str(o, "phone", mask_phone(a, db_str(&res, 8)));
	m_str(o, "region", arena_printf(a, "%s %s %s", db_str(&res, 9), db_str(&res, 10),
	    db_str(&res, 11)));
	m_str(o, "warehouse", db_str(&res, 12));
	m_str(o, "customer", db_str(&res, 13));
	m_str(o, "items", db_str(&res, 14));
	m_opt(o, "parcel", "has_parcel", db_str(&res, 15));
	db_done(&res);
	m_add(m, "actions", actions_model(r, &st));
	return DB_OK;
}

/* buttons: the state changes the case allows now. */
static void
buttons(struct req *r, json_object *m, long long id, const char *state, int mine)
{
	static const struct { const char *action, *when; } rules[] = {
		{ "claim", "open acknowledged waiting" },
		{ "wait", "open acknowledged" },
		{ "resume", "waiting" },
	};
	json_object *arr = m_add(m, "buttons", m_arr());
	size_t i;

	for (i = 0; i < NELEM(rules); i++) {
		json_object *o;

		if (!strstr(rules[i].when, state) ||
		    (strcmp(rules[i].action, "claim") == 0 && mine))
			continue;
		o = m_push(arr, m_obj());
		m_str(o, "action", rules[i].action);
		m_str(o, "label", strcmp(rules[i].action, "claim") == 0 &&
		    strcmp(state, "open") != 0 ? "改由我处理" :
		    label_of(case_actions, rules[i].action)->label);
		m_str(o, "url", url_for(&r->arena, "/cases/%lld/%s", id, rules[i].action));
	}
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
	while (db_next(&res)) {
		json_object *o = m_push(arr, m_obj());
		const char *kind = db_str(&res, 3);

		m_str(o, "at", db_str(&res, 0));
		m_label(o, "actor", label_of(actor_types, db_str(&res, 1)));
		m_str(o, "who", db_null(&res, 2) ? label_of(actor_types,
		    db_str(&res, 1))->label : db_str(&res, 2));
		m_str(o, "what", label_of(case_event_kinds, kind)->label);
		m_bool(o, "note", strcmp(kind, "note") == 0);
		m_opt(o, "detail", "has_detail", db_str(&res, 4));
	}
	db_done(&res);
	arr = m_add(m, "siblings", m_arr());
	if ((rc = DB_EXEC(a, &q_siblings, &res, DB_INT(order_id), DB_INT(id))) != DB_OK)
		return rc;
	while (db_next(&res)) {
		json_object *o = m_push(arr, m_obj());

		m_str(o, "url", url_for(a, "/cases/%s", db_str(&res, 0)));
		m_str(o, "kind_label", anomaly_label(db_str(&res, 1)));
		m_label(o, "state", label_of(case_states, db_str(&res, 2)));
	}
	db_done(&res);
	m_bool(m, "has_siblings", json_object_array_length(arr) > 0);
	return DB_OK;
}

static void
show_case(struct req *r, long long id, json_object *errs, const char *reason)
{
	struct arena *a = &r->arena;
	json_object *m = m_obj(), *c, *arr;
	const struct anomaly_kind *k;
	struct db_res res;
	const char *state, *p, *nl, *no;
	long long order_id;
	int rc, live, overdue;

	rc = DB_ONE(a, &q_case, &res, DB_INT(id));
	if (rc != DB_OK) {
		db_done(&res);
		json_object_put(m);
		json_object_put(errs);
		if (rc == 1)
			page_error(r, 404, "没有这个异常单", "异常单 %lld 不存在。", id);
		else
			page_db_error(r, rc);
		return;
	}
	k = anomaly_kind(db_str(&res, C_KIND));
	state = arena_strdup(a, db_str(&res, C_STATE));
	live = case_live(state);
	order_id = db_int(&res, C_ORDER_ID);
	m_str(m, "title", arena_printf(a, "异常单 %lld · %s", id, k ? k->label : ""));
	m_str(m, "nav", "queue");
	c = m_add(m, "case", m_obj());
	m_int(c, "id", id);
	m_str(c, "kind", db_str(&res, C_KIND));
	m_str(c, "kind_label", anomaly_label(db_str(&res, C_KIND)));
	m_label(c, "state", label_of(case_states, state));
	m_label(c, "severity", label_of(severities, db_str(&res, C_SEVERITY)));
	m_str(c, "amount", yuan(a, db_int(&res, C_AMOUNT)));
	m_str(c, "since", db_str(&res, C_SINCE));
	m_str(c, "facts", db_str(&res, C_FACTS));
	m_str(c, "opened_at", db_str(&res, C_OPENED));
	m_str(c, "acknowledged_at", db_str(&res, C_ACKED));
	m_str(c, "ack_due_at", db_str(&res, C_ACK_DUE));
	m_str(c, "resolve_due_at", db_str(&res, C_DUE));
	m_bool(c, "ack_late", db_int(&res, C_ACK_LATE) != 0);
	m_opt(c, "escalated_at", "escalated", db_str(&res, C_ESCALATED));
	m_opt(c, "waiting_since", "waiting", db_str(&res, C_WAITING));
	m_int(c, "reopened", db_int(&res, C_REOPENED));
	m_bool(c, "was_reopened", db_int(&res, C_REOPENED) > 0);
	m_bool(c, "live", live);
	if (live) {
		m_str(c, "due", due(a, state, db_int(&res, C_DUE_MIN), db_int(&res, C_LEFT_MIN),
		    &overdue));
		m_bool(c, "overdue", overdue);
	} else {
		m_str(c, "resolved_at", db_str(&res, C_RESOLVED));
		m_str(c, "resolution", db_str(&res, C_RESOLUTION));
		m_str(c, "resolved_by", db_null(&res, C_RESOLVER) ? "系统" :
		    db_str(&res, C_RESOLVER));
		m_bool(c, "closed", 1);
	}
	m_opt(c, "assignee", "has_assignee", db_str(&res, C_NAME));
	m_bool(c, "no_assignee", db_null(&res, C_ASSIGNEE));
	m_str(c, "assignee_login", db_str(&res, C_LOGIN));
	m_opt(c, "group_label", "has_group", db_str(&res, C_GROUP));
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
		buttons(r, m, id, state, db_int(&res, C_ASSIGNEE) == r->sess->agent_id &&
		    !db_null(&res, C_ASSIGNEE));
	m_bool(m, "can_close", live);
	m_str(m, "u_resolve", url_for(a, "/cases/%lld/resolve", id));
	m_str(m, "u_dismiss", url_for(a, "/cases/%lld/dismiss", id));
	m_str(m, "u_note", url_for(a, "/cases/%lld/note", id));
	m_str(m, "u_assign", url_for(a, "/cases/%lld/assign", id));
	m_str(m, "reason", reason ? reason : "");
	no = arena_strdup(a, db_str(&res, C_NO));
	db_done(&res);

	arr = m_add(m, "playbook", m_arr());
	for (p = k ? k->playbook : ""; *p; p = *nl ? nl + 1 : nl) {
		nl = strchr(p, '\n');
		if (nl == NULL)
			nl = p + strlen(p);
		m_push(arr, json_object_new_string_len(p, (int)(nl - p)));
	}
	if ((rc = order_panel(r, m, order_id, no)) != DB_OK && rc != 1)
		goto fail;
	if ((rc = history(r, m, id, order_id)) != DB_OK || (rc = agent_choices(r, m)) != DB_OK)
		goto fail;
	if (errs && json_object_object_length(errs) > 0) {
		page_bad_input(r, "case", m, errs);
		return;
	}
	json_object_put(errs);
	resp_page(r, 200, "case", m);
	return;
fail:
	json_object_put(m);
	json_object_put(errs);
	page_db_error(r, rc);
}

static void
page_case(struct req *r)
{
	long long id = case_id(r);

	if (id == 0) {
		page_error(r, 404, "没有这个异常单", "%s", "异常单编号不正确。");
		return;
	}
	show_case(r, id, NULL, NULL);
}

/* assignee_missing: case_act found no case or no agent; when the case is
 * there, the agent was wrong: the form again.  DB_OK when answered, else 2
 * or an error. */
static int
assignee_missing(struct req *r, long long id, const char *text)
{
	json_object *errs;
	struct db_res res;
	int rc = DB_ONE(&r->arena, &q_case, &res, DB_INT(id));

	db_done(&res);
	if (rc != DB_OK)
		return rc == 1 ? 2 : rc;
	errs = m_obj();
	m_str(errs, "to", "这个客服不存在或已停用。No such agent.");
	show_case(r, id, errs, text);
	return DB_OK;
}

/* POST /cases/{id}/{action} */
static void
case_post(struct req *r)
{
	struct arena *a = &r->arena;
	const char *action = strrchr(r->path, '/') + 1, *text = NULL;
	json_object *errs = m_obj(), *m;
	long long id = case_id(r), to = 0;
	int rc;

	if (id == 0 || !case_action_known(action)) {
		json_object_put(errs);
		page_error(r, 404, "没有这个异常单", "%s", "异常单编号或操作不正确。");
		return;
	}
	rc = req_str(r, "reason", REASON_MAX, &text);
	if (rc == REQ_BAD)
		m_str(errs, "reason", "最多 255 个字。At most 255 characters.");
	else if (rc == REQ_MISSING && (strcmp(action, "dismiss") == 0 ||
	    strcmp(action, "note") == 0))
		m_str(errs, "reason", strcmp(action, "note") == 0 ? "备注不能为空。" :
		    "忽略异常单需要写明原因。A reason is required.");
	if (rc != REQ_OK)
		text = NULL;
	if (strcmp(action, "assign") == 0) {
		if (req_int(r, "to", 1, 999999999999LL, &to) != REQ_OK)
			m_str(errs, "to", "请选择要指派的客服。Choose an agent.");
	}
	if (strcmp(action, "silence") == 0)
		m_str(errs, "action", "请在异常队列中批量静默。");
	if (json_object_object_length(errs) > 0) {
		show_case(r, id, errs, text);
		return;
	}
	if ((rc = db_begin(DB_CONSOLE)) != DB_OK ||
	    (rc = case_act(r, id, action, to, strcmp(action, "resolve") == 0 && !text ?
	    "已处理" : text)) != DB_OK) {
		db_rollback(DB_CONSOLE);
		json_object_put(errs);
		if (rc == 2 && strcmp(action, "assign") == 0)
			rc = assignee_missing(r, id, text);
		if (rc == 2)
			page_error(r, 404, "没有这个异常单", "异常单 %lld 不存在。", id);
		else if (rc == 1)
			page_error(r, 409, "异常单状态已变化",
			    "异常单 %lld 的状态已经变了，不能再%s。请刷新后再看。", id,
			    label_of(case_actions, action)->label);
		else if (rc != DB_OK)
			page_db_error(r, rc);
		return;
	}
	if ((rc = db_commit(DB_CONSOLE)) != DB_OK) {
		db_rollback(DB_CONSOLE);
		json_object_put(errs);
		page_db_error(r, rc);
		return;
	}
	json_object_put(errs);
	if (r->json) {
		m = m_obj();
		m_int(m, "id", id);
		m_str(m, "action", action);
		m_str(m, "outcome", "done");
		resp_json(r, 200, m);
		return;
	}
	resp_redirect(r, url_for(a, "/cases/%lld", id));
}

/* --- incidents ----------------------------------------------------------- */

static void
page_incident(struct req *r)
{
	struct arena *a = &r->arena;
	json_object *m, *rows, *inc;
	struct filter f;
	struct db_query d;
	struct db_res res;
	long long id = case_id(r), n = 0;
	int rc;

	if (id == 0) {
		page_error(r, 404, "没有这个事件", "%s", "事件编号不正确。");
		return;
	}
	rc = DB_ONE(a, &q_incident, &res, DB_INT(id));
	if (rc != DB_OK) {
		db_done(&res);
		if (rc == 1)
			page_error(r, 404, "没有这个事件", "事件 %lld 不存在。", id);
		else
			page_db_error(r, rc);
		return;
	}
	m = m_obj();
	m_str(m, "title", arena_printf(a, "事件 %lld · %s", id, db_str(&res, 3)));
	m_str(m, "nav", "queue");
	inc = m_add(m, "incident", m_obj());
	m_int(inc, "id", id);
	m_str(inc, "kind_label", anomaly_label(db_str(&res, 1)));
	m_str(inc, "group_key", db_str(&res, 2));
	m_str(inc, "label", db_str(&res, 3));
	m_bool(inc, "open", strcmp(db_str(&res, 4), "open") == 0);
	m_int(inc, "members", db_int(&res, 5));
	m_str(inc, "opened_at", db_str(&res, 6));
	m_opt(inc, "resolved_at", "has_resolved", db_str(&res, 7));
	m_str(inc, "group_url", url_for(a, "/queue?group=%s", db_str(&res, 2)));
	db_done(&res);

	/* its live cases, soonest due first: the queue's list over the incident */
	memset(&f, 0, sizeof(f));
	f.min = f.max = -1;
	f.sort = "due";
	f.incident = id;
	filter_fields(r, m, &f);
	m_str(m, "back", url_for(a, "/incidents/%lld", id));
	list_query(&d, &f, r->sess->agent_id, 500);
	rows = m_add(m, "rows", m_arr());
	if ((rc = dbq_exec(a, &d, &res)) != DB_OK) {
		json_object_put(m);
		page_db_error(r, rc);
		return;
	}
	while (db_next(&res)) {
		m_push(rows, case_row(r, &res));
		n++;
	}
	db_done(&res);
	m_int(m, "count", n);
	m_bool(m, "none", n == 0);
	m_str(m, "u_bulk", url_for(a, "/queue/bulk"));
	m_bool(m, "can_assign", auth_can(r, PERM_APPROVE));
	resp_page(r, 200, "incident", m);
}

/* --- silences ------------------------------------------------------------ */

/* silences_page: the list and the form (values from the request, if any). */
static void
silences_page(struct req *r, json_object *m, json_object *errs)
{
	struct arena *a = &r->arena;
	json_object *arr = m_add(m, "silences", m_arr());
	struct db_res res;
	int rc;

	m_str(m, "title", "静默规则");
	m_str(m, "nav", "queue");
	m_bool(m, "can_silence", auth_can(r, PERM_APPROVE));
	m_str(m, "u_new", url_for(a, "/queue/silences"));
	if ((rc = db_exec(a, &q_silences, &res, 0, NULL)) != DB_OK) {
		json_object_put(m);
		json_object_put(errs);
		page_db_error(r, rc);
		return;
	}
	while (db_next(&res)) {
		json_object *o = m_push(arr, m_obj());
		struct buf b = { 0 };
		long long id = db_int(&res, 0);

		m_int(o, "id", id);
		if (!db_null(&res, 1))
			buf_printf(&b, "类型=%s ", anomaly_label(db_str(&res, 1)));
		if (!db_null(&res, 2))
			buf_printf(&b, "快递=%s ", label_of(carriers, db_str(&res, 2))->label);
		if (!db_null(&res, 3))
			buf_printf(&b, "SKU=%s ", db_str(&res, 3));
		if (!db_null(&res, 4))
			buf_printf(&b, "仓库=%s ", db_str(&res, 4));
		if (!db_null(&res, 5))
			buf_printf(&b, "用户=%s ", db_str(&res, 5));
		if (!db_null(&res, 6))
			buf_printf(&b, "订单=%s ", db_str(&res, 6));
		if (db_int(&res, 12))
			buf_puts(&b, "选定的异常单");
		m_str(o, "matchers", b.p ? b.p : "");
		buf_free(&b);
		m_str(o, "reason", db_str(&res, 7));
		m_str(o, "by", db_str(&res, 8));
		m_str(o, "created_at", db_str(&res, 9));
		m_str(o, "ends_at", db_str(&res, 10));
		m_opt(o, "ended_at", "ended_early", db_str(&res, 11));
		m_bool(o, "active", db_int(&res, 13) != 0);
		m_bool(o, "can_end", db_int(&res, 13) != 0 && auth_can(r, PERM_APPROVE));
		m_int(o, "cases", db_int(&res, 14));
		m_str(o, "end_url", url_for(a, "/queue/silences/%lld/end", id));
	}
	db_done(&res);
	m_bool(m, "none", json_object_array_length(arr) == 0);
	if (errs && json_object_object_length(errs) > 0) {
		page_bad_input(r, "silences", m, errs);
		return;
	}
	json_object_put(errs);
	resp_page(r, 200, "silences", m);
}

/* silence_form: the form's choices and values, as typed. */
static void
silence_form(struct req *r, json_object *m)
{
	const char *kind = req_get(r, "kind");
	json_object *arr = m_add(m, "kind_choices", m_arr());
	int i;

	for (i = 0; i < ANOMALY_KINDS; i++) {
		json_object *o = m_push(arr, m_obj());

		m_str(o, "code", anomaly_kinds[i].code);
		m_str(o, "label", anomaly_kinds[i].label);
		m_bool(o, "selected", kind && strcmp(kind, anomaly_kinds[i].code) == 0);
	}
	options(m, "carrier_choices", carriers, req_get(r, "carrier"));
	m_str(m, "sku", req_get(r, "sku") ? req_get(r, "sku") : "");
	m_str(m, "warehouse", req_get(r, "warehouse") ? req_get(r, "warehouse") : "");
	m_str(m, "user", req_get(r, "user") ? req_get(r, "user") : "");
	m_str(m, "order", req_get(r, "order") ? req_get(r, "order") : "");
	m_str(m, "hours", req_get(r, "hours") ? req_get(r, "hours") : "24");
	m_str(m, "reason", req_get(r, "reason") ? req_get(r, "reason") : "");
}

static void
page_silences(struct req *r)
{
	json_object *m = m_obj();

	silence_form(r, m);
	silences_page(r, m, NULL);
}

/* code_ok: letters, digits, '-' and '_' only (SKUs, warehouses). */
static int
code_ok(const char *s)
{
	return strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789-_") == strlen(s);
}

/* POST /queue/silences */
static void
silence_new(struct req *r)
{
	struct arena *a = &r->arena;
	json_object *m = m_obj(), *errs = m_obj();
	const char *kind, *carrier, *sku, *wh, *no, *reason;
	long long user = 0, hours = 24, id, n;
	struct db_res res;
	int rc, matchers = 0;

	silence_form(r, m);
	if ((rc = req_str(r, "kind", 32, &kind)) == REQ_BAD ||
	    (rc == REQ_OK && !anomaly_kind(kind)))
		m_str(errs, "kind", "没有这种异常类型。Unknown kind.");
	matchers += rc == REQ_OK;
	if (rc != REQ_OK)
		kind = NULL;
	if ((rc = req_str(r, "carrier", 8, &carrier)) == REQ_BAD ||
	    (rc == REQ_OK && !label_known(carriers, carrier)))
		m_str(errs, "carrier", "没有这个快递公司。Unknown carrier.");
	matchers += rc == REQ_OK;
	if (rc != REQ_OK)
		carrier = NULL;
	if ((rc = req_str(r, "sku", 32, &sku)) == REQ_BAD || (rc == REQ_OK && !code_ok(sku)))
		m_str(errs, "sku", "SKU 只能有字母、数字、- 和 _，最多 32 个。");
	matchers += rc == REQ_OK;
	if (rc != REQ_OK)
		sku = NULL;
	if ((rc = req_str(r, "warehouse", 16, &wh)) == REQ_BAD || (rc == REQ_OK && !code_ok(wh)))
		m_str(errs, "warehouse", "仓库编码只能有字母、数字、- 和 _，最多 16 个。");
	matchers += rc == REQ_OK;
	if (rc != REQ_OK)
		wh = NULL;
	if ((rc = req_int(r, "user", 1, 999999999999LL, &user)) == REQ_BAD)
		m_str(errs, "user", "用户 ID 是数字。A user id is a number.");
	matchers += rc == REQ_OK;
	if ((rc = req_str(r, "order", 32, &no)) == REQ_BAD || (rc == REQ_OK && !order_no_valid(no)))
		m_str(errs, "order", "订单号不正确。Not an order number.");
	matchers += rc == REQ_OK;
	if (rc != REQ_OK)
		no = NULL;
	if ((rc = req_int(r, "hours", 1, 720, &hours)) == REQ_BAD)
		m_str(errs, "hours", "静默时长为 1 到 720 小时。1 to 720 hours.");
	if ((rc = req_str(r, "reason", REASON_MAX, &reason)) != REQ_OK)
		m_str(errs, "reason", rc == REQ_BAD ? "原因最多 255 个字。" :
		    "请写明静默原因。A reason is required.");
	if (matchers == 0 && json_object_object_length(errs) == 0)
		m_str(errs, "kind", "至少选择一个条件，不能静默全部异常。Choose at least one matcher.");
	if (json_object_object_length(errs) > 0) {
		silences_page(r, m, errs);
		return;
	}
	json_object_put(errs);
	if ((rc = db_begin(DB_CONSOLE)) != DB_OK ||
	    (rc = DB_EXEC(a, &q_silence_new, NULL, DB_STRN(kind), DB_STRN(carrier),
	    DB_STRN(sku), DB_STRN(wh), user ? DB_INT(user) : DB_NULL, DB_STRN(no),
	    DB_STR(reason), DB_INT(r->sess->agent_id), DB_INT(hours), DB_INT(0))) != DB_OK ||
	    (rc = DB_ONE(a, &q_silence_id, &res)) != DB_OK)
		goto fail;
	id = db_int(&res, 0);
	db_done(&res);
	if ((rc = DB_EXEC(a, &q_silence_apply, &res, DB_INT(id))) != DB_OK)
		goto fail;
	n = (long long)res.affected;
	db_done(&res);
	if ((rc = DB_EXEC(a, &q_silence_events, NULL, DB_INT(r->sess->agent_id),
	    DB_STR("silenced"), DB_STR(reason), DB_INT(id))) != DB_OK ||
	    (rc = audit(r, "silence_created", no, arena_printf(a, "silence %lld", id),
	    arena_printf(a, "%lld 小时，当前 %lld 个异常单：%s", hours, n, reason))) != DB_OK ||
	    (rc = db_commit(DB_CONSOLE)) != DB_OK)
		goto fail;
	json_object_put(m);
	if (r->json) {
		m = m_obj();
		m_int(m, "id", id);
		m_int(m, "silenced", n);
		resp_json(r, 201, m);
		return;
	}
	resp_redirect(r, url_for(a, "/queue/silences"));
	return;
fail:
	db_rollback(DB_CONSOLE);
	json_object_put(m);
	page_db_error(r, rc);
}

/* POST /queue/silences/{id}/end */
static void
silence_end(struct req *r)
{
	struct arena *a = &r->arena;
	long long id = case_id(r);
	struct db_res res;
	json_object *m;
	int rc;

	if (id == 0) {
		page_error(r, 404, "没有这个静默规则", "%s", "编号不正确。");
		return;
	}
	if ((rc = db_begin(DB_CONSOLE)) != DB_OK ||
	    (rc = DB_EXEC(a, &q_silence_end, &res, DB_INT(id))) != DB_OK)
		goto fail;
	if (res.affected == 0) {
		db_done(&res);
		db_rollback(DB_CONSOLE);
		page_error(r, 404, "没有这个静默规则", "静默规则 %lld 不存在或已经结束。", id);
		return;
	}
	db_done(&res);
	if ((rc = DB_EXEC(a, &q_silence_events, NULL, DB_INT(r->sess->agent_id),
	    DB_STR("unsilenced"), DB_STR("静默提前结束"), DB_INT(id))) != DB_OK ||
	    (rc = DB_EXEC(a, &q_unsilence, NULL, DB_INT(id))) != DB_OK ||
	    (rc = audit(r, "silence_ended", NULL, arena_printf(a, "silence %lld", id),
	    NULL)) != DB_OK ||
	    (rc = db_commit(DB_CONSOLE)) != DB_OK)
		goto fail;
	if (r->json) {
		m = m_obj();
		m_int(m, "id", id);
		m_str(m, "outcome", "ended");
		resp_json(r, 200, m);
		return;
	}
	resp_redirect(r, url_for(a, "/queue/silences"));
	return;
fail:
	db_rollback(DB_CONSOLE);
	page_db_error(r, rc);
}

static const struct route routes[] = {
	{ "GET", "/queue", PERM_VIEW_ORDERS, page_queue },
	{ "POST", "/queue/bulk/claim", PERM_VIEW_ORDERS, page_bulk },
	{ "POST", "/queue/bulk/resolve", PERM_VIEW_ORDERS, page_bulk },
	{ "POST", "/queue/bulk/dismiss", PERM_VIEW_ORDERS, page_bulk },
	{ "POST", "/queue/bulk/assign", PERM_APPROVE, page_bulk },
	{ "POST", "/queue/bulk/silence", PERM_APPROVE, page_bulk },
	{ "GET", "/queue/silences", PERM_VIEW_ORDERS, page_silences },
	{ "POST", "/queue/silences", PERM_APPROVE, silence_new },
	{ "POST", "/queue/silences/*/end", PERM_APPROVE, silence_end },
	{ "GET", "/cases/*", PERM_VIEW_ORDERS, page_case },
	{ "POST", "/cases/*/claim", PERM_VIEW_ORDERS, case_post },
	{ "POST", "/cases/*/wait", PERM_VIEW_ORDERS, case_post },
	{ "POST", "/cases/*/resume", PERM_VIEW_ORDERS, case_post },
	{ "POST", "/cases/*/resolve", PERM_VIEW_ORDERS, case_post },
	{ "POST", "/cases/*/dismiss", PERM_VIEW_ORDERS, case_post },
	{ "POST", "/cases/*/note", PERM_VIEW_ORDERS, case_post },
	{ "POST", "/cases/*/assign", PERM_APPROVE, case_post },
	{ "GET", "/incidents/*", PERM_VIEW_ORDERS, page_incident },
	{ NULL, NULL, 0, NULL },
};

int
main(int argc, char **argv)
{
	return app_main(argc, argv, "queue", routes, NULL);
}
