/* list.c: the phone robot's calls, newest first
 *
 * GET /calls      (view_orders) 50 a page
 *   state    scheduled (waiting for their time, or being dialled),
 *            finished (every other state), or all (the default)
 *   script   a script's code
 *   status   the robot's result (answered no_answer busy ...)
 *   order    an order number, 6..32 letters and digits
 *   before   a call id: the calls older than it (the "next" link carries it)
 *
 * Paged by keyset on the call's id, never by OFFSET.  Each row: the order
 * and the case, the script, the attempt, the state, when and why then,
 * the result (status, intent, what the console did), a survey's score and
 * tags, the duration and the transcript (only an http(s) link).  A survey
 * script (one whose intents record a survey) leads the page with its
 * summary over the same filters, all pages: answers, the average score,
 * the count per score and per tag, each computed in SQL.
 */
#include <string.h>

#include "core/buf.h"
#include "core/db.h"
#include "core/model.h"
#include "core/url.h"
#include "core/util.h"
#include "domain/calls.h"
#include "domain/shop.h"
#include "ui/auth.h"
#include "ui/page.h"
#include "ui/views.h"
#include "calls.h"

#define PAGE_ROWS 50
#define SCRIPTS_MAX 32

static const struct label groups[] = {
	{ "all", "全部", "gray" },
	{ "scheduled", "待拨打和拨打中", "blue" },
	{ "finished", "已结束", "gray" },
	{ NULL, NULL, NULL },
};

static struct db_stmt q_order = DB_STMT(DB_REPLICA,
	"SELECT id FROM orders WHERE order_no = ?");

struct filter {
	const char *group;		/* all scheduled finished */
	const char *script, *status, *order;	/* NULL: any */
	long long order_id, before;
};

struct scripts {
	struct call_script v[SCRIPTS_MAX];
	int n;
};

static const struct call_script *
script_of(const struct scripts *ss, const char *code)
{
	int i;

	for (i = 0; code && i < ss->n; i++)
		if (strcmp(ss->v[i].code, code) == 0)
			return &ss->v[i];
	return NULL;
}

/* read_filter: the parameters into f; messages into page_errs.  DB_OK or
 * an error. */
static int
read_filter(struct req *r, const struct scripts *ss, struct filter *f)
{
	json_object *errs = page_errs(r);
	struct db_res res;
	int rc;

	memset(f, 0, sizeof(*f));
	f->group = req_get(r, "state");
	if (f->group == NULL || *f->group == '\0')
		f->group = "all";
	else if (!label_known(groups, f->group)) {
		m_str(errs, "state", "状态只能是全部、待拨打和拨打中或已结束。");
		f->group = "all";
	}
	if ((rc = req_str(r, "script", 32, &f->script)) == REQ_BAD ||
	    (rc == REQ_OK && script_of(ss, f->script) == NULL)) {
		m_str(errs, "script", "没有这个外呼话术。");
		f->script = NULL;
	}
	if ((rc = req_str(r, "status", 16, &f->status)) == REQ_BAD ||
	    (rc == REQ_OK && !label_known(call_statuses, f->status))) {
		m_str(errs, "status", "没有这种外呼结果。");
		f->status = NULL;
	}
	if (req_int(r, "before", 1, 999999999999999LL, &f->before) == REQ_BAD)
		m_str(errs, "before", "分页参数不正确，请从第一页开始。");
	if ((rc = req_str(r, "order", 32, &f->order)) == REQ_BAD ||
	    (rc == REQ_OK && !order_no_valid(f->order))) {
		m_str(errs, "order", "订单号为 6 到 32 位字母或数字。");
		f->order = NULL;
	} else if (rc == REQ_OK) {
		rc = DB_ONE(&r->arena, &q_order, &res, DB_STR(f->order));
		if (rc == DB_OK)
			f->order_id = db_int(&res, 0);
		db_done(&res);
		if (rc == DB_NOROW)
			m_str(errs, "order", "没有这个订单。");
		else if (rc != DB_OK)
			return rc;
	}
	return DB_OK;
}

/* where: the filters as conditions on calls c. */
static void
where(struct db_query *d, const struct filter *f)
{
	if (f->order_id)
		dbq_cond(d, " AND c.order_id = ?", DB_INT(f->order_id));
	if (f->script)
		dbq_cond(d, " AND c.script = ?", DB_STR(f->script));
	if (f->status)
		dbq_cond(d, " AND c.status = ?", DB_STR(f->status));
	if (strcmp(f->group, "scheduled") == 0)
		dbq_sql(d, " AND c.state IN ('scheduled', 'dialling')");
	else if (strcmp(f->group, "finished") == 0)
		dbq_sql(d, " AND c.state NOT IN ('scheduled', 'dialling')");
}

/* link: /calls with the filters, and before when not 0. */
static const char *
link(struct req *r, const struct filter *f, long long before)
{
	struct arena *a = &r->arena;
	struct buf b = { 0 };
	const char *u;

	if (strcmp(f->group, "all") != 0)
		buf_puts(&b, url_for(a, "&state=%s", f->group));
	if (f->script)
		buf_puts(&b, url_for(a, "&script=%s", f->script));
	if (f->status)
		buf_puts(&b, url_for(a, "&status=%s", f->status));
	if (f->order)
		buf_puts(&b, url_for(a, "&order=%s", f->order));
	if (before)
		buf_printf(&b, "&before=%lld", before);
	u = b.p ? arena_printf(a, "%s?%s", url_for(a, "/calls"), b.p + 1) : url_for(a, "/calls");
	buf_free(&b);
	return u;
}

static const char *
duration(struct arena *a, long long s)
{
	if (s < 60)
		return arena_printf(a, "%lld 秒", s);
	return arena_printf(a, "%lld 分 %02lld 秒", s / 60, s % 60);
}

/* tags_model: "size,quality" as [{code, label}]. */
static json_object *
tags_model(struct arena *a, const char *tags)
{
	json_object *arr = m_arr(), *e;
	const char *p = tags, *comma;

	while (*p) {
		size_t n = (comma = strchr(p, ',')) ? (size_t)(comma - p) : strlen(p);
		const char *code = arena_strndup(a, p, n);

		e = m_push(arr, m_obj());
		m_str(e, "code", code);
		m_str(e, "label", label_known(call_survey_tags, code) ?
		    label_of(call_survey_tags, code)->label : code);
		p += n + (comma != NULL);
	}
	return arr;
}

/* survey: whether s records a survey's answers. */
static int
survey(struct arena *a, const struct call_script *s)
{
	struct call_intent v[16];
	int i, n = call_script_intents(a, s, v, 16);

	for (i = 0; i < n; i++)
		if (strcmp(v[i].does, "survey") == 0)
			return 1;
	return 0;
}

/* summary_model: the survey's answers over the filters (every page). */
static int
summary_model(struct req *r, json_object *m, const struct filter *f)
{
	struct arena *a = &r->arena;
	json_object *o = m_add(m, "survey", m_obj()), *arr, *e;
	struct db_query d;
	struct db_res res;
	long long rated = 0;
	int rc, i;

	dbq_init(&d, DB_CONSOLE);
	dbq_sql(&d, "SELECT COUNT(*), COUNT(c.score), COALESCE(ROUND(AVG(c.score), 2), 0),"
	    " COALESCE(SUM(c.score = 1), 0), COALESCE(SUM(c.score = 2), 0),"
	    " COALESCE(SUM(c.score = 3), 0), COALESCE(SUM(c.score = 4), 0),"
	    " COALESCE(SUM(c.score = 5), 0) FROM calls c WHERE 1");
	where(&d, f);
	if ((rc = dbq_exec(a, &d, &res)) != DB_OK)
		return rc;
	if ((rc = db_next(&res)) > 0) {
		rated = db_int(&res, 1);
		m_int(o, "calls", db_int(&res, 0));
		m_int(o, "rated", rated);
		m_str(o, "average", db_str(&res, 2));
		arr = m_add(o, "scores", m_arr());
		for (i = 5; i >= 1; i--) {
			long long c = db_int(&res, 2 + (unsigned)i);

			e = m_push(arr, m_obj());
			m_int(e, "score", i);
			m_int(e, "count", c);
			m_int(e, "percent", rated ? (c * 100 + rated / 2) / rated : 0);
		}
	}
	if (rc < 0) {
		db_done(&res);
		return rc;
	}
	if ((rc = db_done(&res)) != DB_OK)
		return rc;
	m_bool(o, "has_rated", rated > 0);

	/* each call's tags, one row a tag (at most ten a call, as stored) */
	dbq_init(&d, DB_CONSOLE);
	dbq_sql(&d, "SELECT t.tag, COUNT(DISTINCT t.id) FROM (SELECT c.id,"
	    " SUBSTRING_INDEX(SUBSTRING_INDEX(c.tags, ',', n.n), ',', -1) tag FROM calls c"
	    " JOIN (SELECT 1 n UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4"
	    " UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8"
	    " UNION ALL SELECT 9 UNION ALL SELECT 10) n"
	    " ON n.n <= 1 + LENGTH(c.tags) - LENGTH(REPLACE(c.tags, ',', ''))"
	    " WHERE c.tags <> ''");
	where(&d, f);
	dbq_sql(&d, ") t GROUP BY t.tag ORDER BY COUNT(DISTINCT t.id) DESC, t.tag LIMIT 30");
	if ((rc = dbq_exec(a, &d, &res)) != DB_OK)
		return rc;
	arr = m_add(o, "tags", m_arr());
	while ((rc = db_next(&res)) > 0) {
		const char *code = db_str(&res, 0);

		e = m_push(arr, m_obj());
		m_str(e, "code", code);
		m_str(e, "label", label_known(call_survey_tags, code) ?
		    label_of(call_survey_tags, code)->label : code);
		m_int(e, "count", db_int(&res, 1));
	}
	m_bool(o, "has_tags", json_object_array_length(arr) > 0);
	if (rc < 0) {
		db_done(&res);
		return rc;
	}
	return db_done(&res);
}

/* row: one call as the list shows it. */
static void
row(struct req *r, json_object *e, const struct db_res *res, const struct scripts *ss)
{
	struct arena *a = &r->arena;
	const struct call_script *s = script_of(ss, db_str(res, 3));
	const char *no = db_str(res, 1), *status = db_str(res, 8), *intent = db_str(res, 9);
	const char *url = db_str(res, 14), *does, *label;
	long long case_id = db_int(res, 2), secs = db_int(res, 13);

	m_int(e, "id", db_int(res, 0));
	m_str(e, "order_no", no);
	m_str(e, "order_url", url_for(a, "/orders/%s", no));
	m_int(e, "case_id", case_id);
	m_bool(e, "has_case", case_id > 0);
	m_str(e, "case_url", url_for(a, "/cases/%lld", case_id));
	m_str(e, "script", db_str(res, 3));
	m_str(e, "script_name", s ? s->name : db_str(res, 3));
	m_int(e, "attempt", db_int(res, 4));
	m_label(e, "state", label_of(call_states, db_str(res, 5)));
	m_str(e, "scheduled_at", db_str(res, 6));
	m_str(e, "why", db_str(res, 7));
	m_bool(e, "has_result", *status != '\0');
	if (*status)
		m_label(e, "status", label_of(call_statuses, status));
	m_str(e, "intent", *intent ? intent : NULL);
	if (*intent && s && call_script_intent(a, s, intent, &does, &label))
		m_opt(e, "intent_label", "has_intent", label);
	else
		m_opt(e, "intent_label", "has_intent", *intent ? intent : NULL);
	m_opt(e, "follow_up", "has_follow_up", db_str(res, 10));
	if (db_int(res, 11) > 0)
		m_int(e, "score", db_int(res, 11));
	m_bool(e, "has_score", db_int(res, 11) > 0);
	m_add(e, "tags", tags_model(a, db_str(res, 12)));
	m_bool(e, "has_tags", *db_str(res, 12) != '\0');
	if (secs >= 0) {
		m_int(e, "duration_s", secs);
		m_str(e, "duration", duration(a, secs));
	}
	m_bool(e, "has_duration", secs >= 0);
	m_opt(e, "transcript_url", "has_transcript", strncmp(url, "https://", 8) == 0 ||
	    strncmp(url, "http://", 7) == 0 ? url : NULL);
	m_opt(e, "ended_at", "has_ended", db_str(res, 15));
}

/* form_model: the filters' choices, as chosen. */
static void
form_model(struct req *r, json_object *m, const struct scripts *ss, const struct filter *f)
{
	json_object *arr, *e;
	const char *v;
	int i;

	m_options(m, "groups", groups, f->group);
	arr = m_add(m, "scripts", m_arr());
	for (i = 0; i < ss->n; i++) {
		e = m_push(arr, m_obj());
		m_str(e, "code", ss->v[i].code);
		m_str(e, "label", ss->v[i].name);
		m_bool(e, "selected", f->script && strcmp(f->script, ss->v[i].code) == 0);
	}
	m_options(m, "statuses", call_statuses, f->status);
	m_str(m, "order", (v = req_get(r, "order")) ? v : "");
	m_str(m, "u_filter", url_for(&r->arena, "/calls"));
	m_bool(m, "can_manage", auth_can(r, PERM_MANAGE_AUTOMATION));
	m_str(m, "u_scripts", url_for(&r->arena, "/admin/scripts"));
	m_str(m, "u_dnc", url_for(&r->arena, "/admin/dnc"));
}

void
page_calls(struct req *r)
{
	struct arena *a = &r->arena;
	json_object *m = page_model(r, "外呼", "calls"), *rows;
	const struct call_script *s;
	struct scripts ss;
	struct filter f;
	struct db_query d;
	struct db_res res;
	long long last = 0;
	int rc, n = 0;

	if ((rc = call_scripts_load(a, ss.v, SCRIPTS_MAX, &ss.n)) != DB_OK ||
	    (rc = read_filter(r, &ss, &f)) != DB_OK) {
		page_db_error(r, rc);
		return;
	}
	form_model(r, m, &ss, &f);
	if (page_erred(r)) {
		m_add(m, "rows", m_arr());
		page_bad_input(r, "calls");
		return;
	}
	s = script_of(&ss, f.script);
	m_bool(m, "is_survey", s != NULL && survey(a, s));
	if (s != NULL && survey(a, s)) {
		m_str(m, "survey_name", s->name);
		if ((rc = summary_model(r, m, &f)) != DB_OK) {
			page_db_error(r, rc);
			return;
		}
	}
	dbq_init(&d, DB_CONSOLE);
	dbq_sql(&d, "SELECT c.id, c.order_no, COALESCE(c.case_id, 0), c.script, c.attempt,"
	    " c.state, DATE_FORMAT(c.scheduled_at, '%Y-%m-%d %H:%i'), c.why_then,"
	    " COALESCE(c.status, ''), COALESCE(c.intent, ''), COALESCE(c.follow_up, ''),"
	    " COALESCE(c.score, 0), COALESCE(c.tags, ''), COALESCE(c.duration, -1),"
	    " COALESCE(c.transcript_url, ''), DATE_FORMAT(c.ended_at, '%Y-%m-%d %H:%i')"
	    " FROM calls c WHERE 1");
	where(&d, &f);
	if (f.before)
		dbq_cond(&d, " AND c.id < ?", DB_INT(f.before));
	dbq_sql(&d, " ORDER BY c.id DESC LIMIT ?");
	dbq_arg(&d, DB_INT(PAGE_ROWS + 1));
	if ((rc = dbq_exec(a, &d, &res)) != DB_OK) {
		page_db_error(r, rc);
		return;
	}
	rows = m_add(m, "rows", m_arr());
	while ((rc = db_next(&res)) > 0 && ++n <= PAGE_ROWS) {
		last = db_int(&res, 0);
		row(r, m_push(rows, m_obj()), &res, &ss);
	}
	if ((rc = db_done(&res)) != DB_OK) {	/* a fetch failed */
		page_db_error(r, rc);
		return;
	}
	m_bool(m, "none", n == 0);
	m_opt(m, "next", "has_next", n > PAGE_ROWS ? link(r, &f, last) : NULL);
	m_opt(m, "first", "paged", f.before ? link(r, &f, 0) : NULL);
	page_show(r, 200, "calls");
}
