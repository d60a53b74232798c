/* list.c: the anomaly queue
 *
 * GET /queue                         (view_orders) the live cases, 50 a page
 *   The filter's parameters are in filter.c.  Beside the list: the count
 *   per kind, the silenced and mine, and the open incidents; the views
 *   (我的, 未认领, 已升级, 已超时, 已静默, 最近关闭) as tabs.
 *   done, n, skipped   a bulk action's outcome, shown as a notice
 */
#include <string.h>

#include "core/cfg.h"
#include "core/model.h"
#include "core/url.h"
#include "core/util.h"
#include "domain/cases.h"
#include "domain/shop.h"
#include "ui/auth.h"
#include "ui/page.h"
#include "ui/views.h"
#include "queue.h"

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

/* The label of a group the filter names, from one of its cases. */
static struct db_stmt q_group = DB_STMT(DB_CONSOLE,
	"SELECT group_label FROM cases FORCE INDEX (ix_cases_group)"
	" WHERE group_key = ? LIMIT 1");

/* group_name: the group the filter names, as people read it. */
static int
group_name(struct req *r, json_object *m, const char *key)
{
	struct db_res res;
	int rc = DB_ONE(&r->arena, &q_group, &res, DB_STR(key));

	m_facts(r, m, "group_name", rc == DB_OK && db_str(&res, 0) ? db_str(&res, 0) :
	    "（已没有这一分组的异常单）");
	db_done(&res);
	return rc == DB_NOROW ? DB_OK : rc;
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
	while ((rc = db_next(&res)) > 0)
		if ((k = anomaly_kind(db_str(&res, 0))) != NULL)
			for (j = 0; j < 4; j++)
				n[k - anomaly_kinds][j] = db_int(&res, 1 + (unsigned)j);
	if ((rc = db_done(&res)) != DB_OK)
		return rc;
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
	while ((rc = db_next(&res)) > 0) {
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
			m_facts(r, o, "label", db_str(&res, 4));
			m_str(o, "opened_at", db_str(&res, 5));
		}
	}
	if ((rc = db_done(&res)) != DB_OK)
		return rc;
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

void
page_queue(struct req *r)
{
	struct arena *a = &r->arena;
	json_object *m = page_model(r, "异常队列", "queue"), *rows;
	struct filter f;
	struct db_query d;
	struct db_res res;
	const char *last = NULL, *v;
	long long n = 0, count, kinds[ANOMALY_KINDS][4];
	int rc;

	filter_read(r, &f, m);
	if (f.group && (rc = group_name(r, m, f.group)) != DB_OK) {
		page_db_error(r, rc);
		return;
	}
	views_model(r, m);
	filter_fields(r, m, &f);
	m_str(m, "back", filter_url(r, &f, "/queue", NULL));
	if ((v = req_get(r, "done")) != NULL && str_in_list(BULK_ACTIONS, v)) {
		long long k = 0, s = 0, t = 0;

		req_int(r, "n", 0, BULK_MAX, &k);
		req_int(r, "skipped", 0, BULK_MAX, &s);
		req_int(r, "taken", 0, BULK_MAX, &t);
		m_opt(m, "notice", "has_notice", arena_printf(a, "已%s %lld 个异常%s%s",
		    label_of(case_actions, v)->label, k,
		    s ? arena_printf(a, "，%lld 个因状态已变化而跳过", s) : "",
		    t ? arena_printf(a, "，%lld 个已由其他客服处理（改派请主管指派）", t) : ""));
	}
	m_bool(m, "can_assign", auth_can(r, PERM_APPROVE));
	if ((rc = side(r, m, &f, kinds)) != DB_OK) {
		page_db_error(r, rc);
		return;
	}
	if (page_erred(r)) {
		m_add(m, "rows", m_arr());
		page_bad_input(r, "queue");
		return;
	}

	/* the count: from the counts per kind when they hold it (as fresh
	 * as the counts beside the list), else counted, exact up to COUNT_CAP */
	if ((count = cached_count(&f, kinds)) < 0) {
		dbq_init(&d, DB_CONSOLE);
		dbq_sql(&d, "SELECT COUNT(*) FROM (SELECT 1 FROM cases c");
		filter_where(&d, &f, r->sess->agent_id);
		dbq_sql(&d, " LIMIT ?) t");
		dbq_arg(&d, DB_INT(COUNT_CAP + 1));
		if ((rc = dbq_exec(a, &d, &res)) == DB_OK) {
			rc = db_next(&res);
			count = rc > 0 ? db_int(&res, 0) : 0;
			rc = rc < 0 ? rc : db_done(&res);
		}
	}
	if (rc == DB_OK) {
		filter_list(&d, &f, r->sess->agent_id, PAGE_ROWS + 1);
		rc = dbq_exec(a, &d, &res);
	}
	if (rc != DB_OK) {
		page_db_error(r, rc);
		return;
	}
	rows = m_add(m, "rows", m_arr());
	while ((rc = db_next(&res)) > 0) {
		if (++n > PAGE_ROWS)
			break;
		m_push(rows, case_row(r, &res));
		last = arena_strdup(a, db_str(&res, L_AFTER));
	}
	if (rc < 0 || (rc = db_done(&res)) != DB_OK) {
		page_db_error(r, rc);
		return;
	}
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
	m_str(m, "u_campaigns", url_for(a, "/campaigns"));
	m_bool(m, "can_campaign", auth_can(r, PERM_RUN_CAMPAIGN));
	m_str(m, "u_silences", url_for(a, "/queue/silences"));
	page_show(r, 200, "queue");
}
