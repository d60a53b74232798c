/* filter.c: what a queue request asks for — read once, made into SQL and
 * links (see queue.h)
 *
 * The parameters every queue list reads (/queue, the bulk actions, an
 * incident's cases):
 *   kind      repeatable, an anomaly kind
 *   state     open acknowledged waiting, or closed (the recently closed)
 *   assignee  anyone (default) me unassigned
 *   team      a team's queue: the cases escalated to it (payment
 *             warehouse carrier)
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
 * Cases in an incident are folded under it and silenced cases are kept
 * out, unless the filter asks for them.
 */
#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "core/model.h"
#include "core/text.h"
#include "core/url.h"
#include "core/util.h"
#include "domain/cases.h"
#include "domain/shop.h"
#include "ui/page.h"
#include "ui/views.h"
#include "queue.h"

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


void
filter_read(struct req *r, struct filter *f, json_object *m)
{
	const char *v, *list[ANOMALY_KINDS + 1];
	json_object *arr, *errs = page_errs(r);
	int n, i, rc;

	memset(f, 0, sizeof(*f));
	f->min = f->max = -1;
	n = req_all(r, "kind", list, ANOMALY_KINDS);
	if (n < 0)
		m_str(errs, "kind", "异常类型选得太多了。");
	for (i = 0; i < n; i++) {
		const struct anomaly_kind *k = anomaly_kind(list[i]);

		if (!k) {
			m_str(errs, "kind", "没有这种异常类型。");
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
	pick(r, "state", queue_states, &f->state, errs, "没有这个状态。");
	f->closed = f->state && strcmp(f->state, "closed") == 0;
	pick(r, "assignee", assignees, &f->assignee, errs, "处理人只能是任何人、我或未认领。");
	if (f->assignee && strcmp(f->assignee, "anyone") == 0)
		f->assignee = NULL;
	pick(r, "team", case_teams, &f->team, errs, "没有这个团队。");
	pick(r, "sla", slas, &f->sla, errs, "没有这个时限状态。");
	if (pick(r, "severity", severity_min, &v, errs, "严重程度只能是 2、3 或 4。") == 0 && v)
		f->severity = v[0] - '0';
	if (pick(r, "age", ages, &v, errs, "持续时间只能是 1、4、24 或 72 小时。") == 0 && v)
		parse_i64(v, strlen(v), &f->age);
	if (pick(r, "sort", sorts, &f->sort, errs, "没有这种排序。") < 0 ||
	    f->sort == NULL)
		f->sort = "due";
	if ((rc = req_str(r, "min", 16, &v)) == REQ_BAD ||
	    (rc == REQ_OK && parse_yuan(v, &f->min) < 0))
		m_str(errs, "min", "金额格式：如 99 或 99.50");
	if ((rc = req_str(r, "max", 16, &v)) == REQ_BAD ||
	    (rc == REQ_OK && parse_yuan(v, &f->max) < 0))
		m_str(errs, "max", "金额格式：如 99 或 99.50");
	if (f->min >= 0 && f->max >= 0 && f->min > f->max)
		m_str(errs, "max", "最高金额小于最低金额。");
	if ((rc = req_str(r, "group", 96, &f->group)) == REQ_BAD) {
		m_str(errs, "group", "分组标识太长。");
		f->group = NULL;
	} else if (rc == REQ_MISSING)
		f->group = NULL;
	if ((rc = req_int(r, "incident", 1, 999999999999LL, &f->incident)) == REQ_BAD)
		m_str(errs, "incident", "事件编号不正确。");
	if ((rc = req_str(r, "silenced", 1, &v)) == REQ_BAD ||
	    (rc == REQ_OK && strcmp(v, "1") != 0))
		m_str(errs, "silenced", "「已静默」只能是 1。");
	f->silenced = rc == REQ_OK && strcmp(v, "1") == 0;
	if ((rc = req_str(r, "after", 48, &v)) == REQ_BAD ||
	    (rc == REQ_OK && parse_after(f, v) < 0))
		m_str(errs, "after", "翻页位置不正确，请回到第一页。");

	m_options(m, "states", queue_states, f->state);
	m_options(m, "assignees", assignees, f->assignee ? f->assignee : "anyone");
	m_options(m, "teams", case_teams, f->team);
	m_options(m, "slas", slas, f->sla);
	m_options(m, "severities", severity_min, req_get(r, "severity"));
	m_options(m, "ages", ages, req_get(r, "age"));
	m_options(m, "sorts", sorts, f->sort);
	m_str(m, "min", f->min >= 0 ? req_get(r, "min") : "");
	m_str(m, "max", f->max >= 0 ? req_get(r, "max") : "");
	m_opt(m, "group", "has_group", f->group ? f->group : "");
	m_bool(m, "silenced", f->silenced);
	if (f->incident)
		m_int(m, "incident", f->incident);
	m_bool(m, "has_incident", f->incident > 0);
}

void
filter_incident(struct filter *f, long long incident)
{
	memset(f, 0, sizeof(*f));
	f->min = f->max = -1;
	f->sort = "due";
	f->incident = incident;
}

const char *
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
	if (f->team)
		buf_puts(&b, url_for(a, "&team=%s", f->team));
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

void
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
	if (f->team)
		FIELD("team", f->team);
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
	/* a phone shows the filter form folded, unless it has something to say */
	m_bool(m, "filtered", f->nkind || f->state || f->assignee || f->team || f->severity || f->sla ||
	    f->age || f->min >= 0 || f->max >= 0 || page_erred(r));
}

void
filter_where(struct db_query *d, const struct filter *f, long long me)
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
	if (f->team)
		dbq_cond(d, " AND c.team = ?", DB_STR(f->team));
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
	if (f->silenced)
		dbq_sql(d, " AND c.silence_id IS NOT NULL");
	else
		dbq_sql(d, " AND c.silence_id IS NULL");
	/* an incident folds its cases, unless the filter names the group */
	if (!f->incident && !f->group && !f->silenced)
		dbq_sql(d, " AND c.incident_id IS NULL");
}

/* The list's columns; the last is the keyset position of the row. */
#define LIST_COLS \
	"SELECT c.id, c.kind, c.order_no, c.state, c.severity, c.amount, c.since," \
	" c.facts, a.display_name, c.assignee_id, TIMESTAMPDIFF(MINUTE, NOW(), c.resolve_due_at)," \
	" c.escalated_at IS NOT NULL AND c.state = 'open', c.group_label, c.resolved_at," \
	" c.resolution, TIMESTAMPDIFF(MINUTE, c.waiting_since, c.resolve_due_at), c.reminded," \
	" c.team,"

void
filter_list(struct db_query *d, const struct filter *f, long long me, long long limit)
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
	 * queue.  A team's few cases are found through ix_cases_team.) */
	dbq_sql(d, " FROM cases c");
	if (f->team)
		;
	else if (!f->closed && f->nkind == 1 && !f->incident && !f->group) {
		if (strcmp(s, "oldest") == 0)
			dbq_sql(d, " FORCE INDEX (ix_cases_kind_since)");
		else if (strcmp(s, "amount") == 0)
			dbq_sql(d, " FORCE INDEX (ix_cases_kind_amount)");
		else if (strcmp(s, "severity") == 0)
			dbq_sql(d, " FORCE INDEX (ix_cases_kind_severity)");
		else
			dbq_sql(d, " FORCE INDEX (ix_cases_kind_due)");
	} else if (!f->closed && f->nkind == 0 && !f->incident && !f->group) {
		if (strcmp(s, "oldest") == 0)
			dbq_sql(d, " FORCE INDEX (ix_cases_since)");
		else if (strcmp(s, "amount") == 0)
			dbq_sql(d, " FORCE INDEX (ix_cases_amount)");
		else if (strcmp(s, "severity") == 0)
			dbq_sql(d, " FORCE INDEX (ix_cases_severity)");
		else
			dbq_sql(d, " FORCE INDEX (ix_cases_due)");
	}
	dbq_sql(d, " LEFT JOIN agents a ON a.id = c.assignee_id");
	filter_where(d, f, me);
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
