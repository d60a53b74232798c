/* campaigns.c: campaigns — one script called to many orders
 *
 * GET  /campaigns                      (view_orders) the campaigns, newest
 *      first, each with its calls counted
 * POST /campaigns                      (run_campaign) a new campaign
 *   script    the script's code
 *   incident  over the incident's live cases; or
 *   case      repeatable: over these cases (or id, as the queue's bulk bar
 *             sends the ticked rows); without a script, the form that
 *             chooses one (the queue's "外呼…")
 *   starts_at, ends_at   "YYYY-MM-DDTHH:MM" (a datetime-local field);
 *             now and three days on when not given
 *   cap       calls at most (1–10000, default 1000)
 *   name      optional
 * GET  /campaigns/{id}                 (view_orders) one: its calls by
 *      outcome (scheduled, dialling, each answer, not reached, invalid),
 *      why some cases were skipped, and its calls
 * POST /campaigns/{id}/{pause,resume,stop}   (run_campaign)
 *
 * The campaign and its calls are the domain's (lib/domain/campaigns.c):
 * every call keeps the rules of calls.h and is scheduled at its
 * customer's best hour; the dispatcher sends them as the line has room.
 */
#include <string.h>

#include "core/db.h"
#include "core/text.h"
#include "core/util.h"
#include "core/model.h"
#include "core/resp.h"
#include "core/url.h"
#include "domain/calls.h"
#include "domain/campaigns.h"
#include "ui/auth.h"
#include "ui/page.h"
#include "ui/views.h"
#include "calls.h"

static struct db_stmt q_list = DB_STMT(DB_CONSOLE,
	"SELECT m.id, m.name, s.name, m.state, DATE_FORMAT(m.starts_at, '%Y-%m-%d %H:%i'),"
	" DATE_FORMAT(m.ends_at, '%Y-%m-%d %H:%i'), m.asked, m.skipped,"
	" (SELECT COUNT(*) FROM calls c FORCE INDEX (ix_calls_campaign)"
	"  WHERE c.campaign_id = m.id AND c.state = 'answered')"
	" FROM campaigns m JOIN call_scripts s ON s.code = m.script ORDER BY m.id DESC LIMIT 100");
static struct db_stmt q_one = DB_STMT(DB_CONSOLE,
	"SELECT m.id, m.name, m.script, s.name, m.state, DATE_FORMAT(m.starts_at, '%Y-%m-%d %H:%i'),"
	" DATE_FORMAT(m.ends_at, '%Y-%m-%d %H:%i'), m.cap, m.asked, m.skipped, m.skipped_why,"
	" m.incident_id, m.actor, s.intents FROM campaigns m JOIN call_scripts s ON s.code = m.script"
	" WHERE m.id = ?");
static struct db_stmt q_tally = DB_STMT(DB_CONSOLE,
	"SELECT state, COALESCE(intent, ''), COUNT(*) FROM calls FORCE INDEX (ix_calls_campaign)"
	" WHERE campaign_id = ? GROUP BY state, intent ORDER BY state, intent");
static struct db_stmt q_calls = DB_STMT(DB_CONSOLE,
	"SELECT c.id, c.order_no, COALESCE(c.case_id, 0), c.attempt, c.state,"
	" DATE_FORMAT(c.scheduled_at, '%Y-%m-%d %H:%i'), c.why_then, COALESCE(c.intent, ''),"
	" COALESCE(c.follow_up, '') FROM calls c FORCE INDEX (ix_calls_campaign)"
	" WHERE c.campaign_id = ? ORDER BY c.id LIMIT 200");

void
page_campaigns(struct req *r)
{
	struct arena *a = &r->arena;
	json_object *m = page_model(r, "外呼任务", "calls"), *arr = m_add(m, "campaigns", m_arr());
	struct db_res res;
	int rc;

	if ((rc = db_exec(a, &q_list, &res, 0, NULL)) != DB_OK) {
		page_db_error(r, rc);
		return;
	}
	while ((rc = db_next(&res)) > 0) {
		json_object *o = m_push(arr, m_obj());

		m_int(o, "id", db_int(&res, 0));
		m_str(o, "url", url_for(a, "/campaigns/%lld", db_int(&res, 0)));
		m_str(o, "name", db_str(&res, 1));
		m_str(o, "script", db_str(&res, 2));
		m_label(o, "state", label_of(campaign_states, db_str(&res, 3)));
		m_str(o, "starts_at", db_str(&res, 4));
		m_str(o, "ends_at", db_str(&res, 5));
		m_int(o, "asked", db_int(&res, 6));
		m_int(o, "skipped", db_int(&res, 7));
		m_int(o, "answered", db_int(&res, 8));
	}
	if (rc < 0 || db_done(&res) != DB_OK) {
		page_db_error(r, rc);
		return;
	}
	m_bool(m, "none", json_object_array_length(arr) == 0);
	m_bool(m, "some", json_object_array_length(arr) > 0);
	page_show(r, 200, "campaigns");
}

/* when: a datetime-local field as "YYYY-MM-DD HH:MM:00", NULL when empty;
 * *bad when it is not one. */
static const char *
when(struct req *r, const char *name, int *bad)
{
	const char *v = req_get(r, name);
	char *t;

	if (v == NULL || *v == '\0')
		return NULL;
	if (strlen(v) != 16 || v[4] != '-' || v[7] != '-' || (v[10] != 'T' && v[10] != ' ') ||
	    v[13] != ':') {
		*bad = 1;
		return NULL;
	}
	t = arena_printf(&r->arena, "%s:00", v);
	t[10] = ' ';
	return t;
}

/* choose: the form that picks a script for the ticked cases. */
static void
choose(struct req *r, const long long *ids, int n)
{
	json_object *m = page_model(r, "新建外呼任务", "calls");
	int rc;

	if ((rc = campaign_choice(r, m, ids, n)) != DB_OK)
		page_db_error(r, rc);
	else
		page_show(r, 200, "campaign_new");
}

void
page_campaign_new(struct req *r)
{
	struct arena *a = &r->arena;
	struct campaign_new c = { 0 };
	const char *list[CAMPAIGN_MAX / 10];
	long long *ids, id, asked, skipped;
	json_object *m;
	int bad = 0, n, i, rc;

	c.script = req_get(r, "script");
	c.name = req_get(r, "name");
	c.cap = 1000;
	if (req_get(r, "cap") && req_int(r, "cap", 1, CAMPAIGN_MAX, &c.cap) != REQ_OK)
		m_str(page_errs(r), "cap", "上限须是 1 到 10000 之间的整数。");
	if (req_get(r, "incident") &&
	    req_int(r, "incident", 1, 999999999999LL, &c.incident) != REQ_OK)
		m_str(page_errs(r), "incident", "事件编号不正确。");
	n = req_all(r, req_get(r, "case") ? "case" : "id", list, (int)NELEM(list));
	ids = arena_alloc(a, (size_t)(n > 0 ? n : 1) * sizeof(*ids));
	for (i = 0; i < n; i++)
		if (parse_i64(list[i], strlen(list[i]), &ids[i]) < 0 || ids[i] <= 0) {
			m_str(page_errs(r), "case", "异常单编号不正确。");
			break;
		}
	c.cases = ids;
	c.ncases = n > 0 ? n : 0;
	if (n < 0)
		m_str(page_errs(r), "case", "一次最多选 1000 个异常单。");
	if (!c.incident && c.ncases == 0)
		m_str(page_errs(r), "incident", "请从一个事件或选中的异常单发起外呼任务。");
	if (req_get(r, "all") && *req_get(r, "all"))
		m_str(page_errs(r), "case", "请勾选要外呼的异常单，或从事件页发起外呼任务。");
	if ((c.script == NULL || *c.script == '\0') && c.ncases > 0 && !page_erred(r)) {
		choose(r, ids, c.ncases);
		return;
	}
	if (c.script == NULL || *c.script == '\0')
		m_str(page_errs(r), "script", "请选择外呼话术。");
	c.starts_at = when(r, "starts_at", &bad);
	c.ends_at = when(r, "ends_at", &bad);
	if (bad)
		m_str(page_errs(r), "ends_at", "时间格式：2026-12-03T10:00。");
	if (page_erred(r)) {
		m_bool(page_model(r, "外呼任务", "calls"), "none", 1);
		page_bad_input(r, "campaigns");
		return;
	}
	if ((rc = db_begin(DB_CONSOLE)) == DB_OK &&
	    (rc = campaign_create(a, auth_actor(r), &c, &id, &asked, &skipped)) == DOM_OK)
		rc = db_commit(DB_CONSOLE);
	if (rc != DOM_OK) {
		db_rollback(DB_CONSOLE);
		if (rc == SCRIPT_MISSING || rc == CAMPAIGN_BAD || rc == CAMPAIGN_EMPTY)
			page_error(r, rc == CAMPAIGN_EMPTY ? 409 : 400, "不能发起外呼任务", "%s",
			    dom_why(rc));
		else
			page_refused(r, rc);
		return;
	}
	if (r->json) {
		m = m_obj();
		m_int(m, "id", id);
		m_int(m, "asked", asked);
		m_int(m, "skipped", skipped);
		resp_json(r, 201, m);
		return;
	}
	resp_redirect(r, url_for(a, "/campaigns/%lld", id));
}

/* tally: the calls by outcome into m. */
static int
tally(struct req *r, json_object *m, long long id, const char *intents)
{
	static const char *const groups[][2] = {
		{ "scheduled", "已安排" }, { "dialling", "拨打中" },
		{ "no_answer busy voicemail", "未联系上（会再拨）" }, { "invalid", "号码无效" },
		{ "failed", "未能拨打" }, { "cancelled", "已撤回" },
	};
	long long counts[NELEM(groups)] = { 0 }, answered = 0, total = 0;
	json_object *arr = m_add(m, "outcomes", m_arr()), *o;
	struct call_script s = { .intents = intents };
	struct db_res res;
	size_t g;
	int rc;

	if ((rc = DB_EXEC(&r->arena, &q_tally, &res, DB_INT(id))) != DB_OK)
		return rc;
	while ((rc = db_next(&res)) > 0) {
		const char *state = db_str(&res, 0), *does, *label;
		long long n = db_int(&res, 2);

		total += n;
		if (strcmp(state, "answered") == 0) {
			answered += n;
			o = m_push(arr, m_obj());
			m_str(o, "label", call_script_intent(&r->arena, &s, db_str(&res, 1), &does,
			    &label) ? label : db_str(&res, 1));
			m_int(o, "count", n);
			continue;
		}
		for (g = 0; g < NELEM(groups); g++)
			if (str_in_list(groups[g][0], state))
				counts[g] += n;
	}
	if (rc < 0) {
		db_done(&res);
		return rc;
	}
	arr = m_add(m, "states", m_arr());
	for (g = 0; g < NELEM(groups); g++) {
		o = m_push(arr, m_obj());
		m_str(o, "label", groups[g][1]);
		m_int(o, "count", counts[g]);
	}
	m_int(m, "answered", answered);
	m_int(m, "calls", total);
	return db_done(&res);
}

void
page_campaign(struct req *r)
{
	struct arena *a = &r->arena;
	long long id = page_id(r, 0);
	json_object *m, *c, *arr;
	struct db_res res;
	const char *state;
	int rc;

	if (id == 0 || (rc = DB_ONE(a, &q_one, &res, DB_INT(id))) == DB_NOROW) {
		if (id)
			db_done(&res);
		page_error(r, 404, "没有这个外呼任务", "外呼任务 %lld 不存在。", id);
		return;
	}
	if (rc != DB_OK) {
		db_done(&res);
		page_db_error(r, rc);
		return;
	}
	m = page_model(r, arena_printf(a, "外呼任务 %lld", id), "calls");
	c = m_add(m, "campaign", m_obj());
	state = arena_strdup(a, db_str(&res, 4));
	m_int(c, "id", id);
	m_str(c, "name", db_str(&res, 1));
	m_str(c, "script", db_str(&res, 3));
	m_label(c, "state", label_of(campaign_states, state));
	m_str(c, "starts_at", db_str(&res, 5));
	m_str(c, "ends_at", db_str(&res, 6));
	m_int(c, "cap", db_int(&res, 7));
	m_int(c, "asked", db_int(&res, 8));
	m_int(c, "skipped", db_int(&res, 9));
	m_opt(c, "skipped_why", "has_skipped", db_str(&res, 10));
	if (!db_null(&res, 11))
		m_str(c, "incident_url", url_for(a, "/incidents/%lld", db_int(&res, 11)));
	m_bool(c, "has_incident", !db_null(&res, 11));
	m_str(c, "by", db_str(&res, 12));
	rc = tally(r, m, id, arena_strdup(a, db_str(&res, 13)));
	db_done(&res);
	if (rc != DB_OK) {
		page_db_error(r, rc);
		return;
	}
	m_bool(m, "can_change", auth_can(r, PERM_RUN_CAMPAIGN));
	m_bool(m, "can_pause", strcmp(state, "running") == 0);
	m_bool(m, "can_resume", strcmp(state, "paused") == 0);
	m_bool(m, "can_stop", strcmp(state, "running") == 0 || strcmp(state, "paused") == 0);
	m_str(m, "u_change", url_for(a, "/campaigns/%lld", id));
	if ((rc = DB_EXEC(a, &q_calls, &res, DB_INT(id))) != DB_OK) {
		page_db_error(r, rc);
		return;
	}
	arr = m_add(m, "calls", m_arr());
	while ((rc = db_next(&res)) > 0) {
		json_object *o = m_push(arr, m_obj());

		m_str(o, "order_no", db_str(&res, 1));
		m_str(o, "order_url", url_for(a, "/orders/%s", db_str(&res, 1)));
		if (db_int(&res, 2))
			m_str(o, "case_url", url_for(a, "/cases/%lld", db_int(&res, 2)));
		m_bool(o, "has_case", db_int(&res, 2) != 0);
		m_int(o, "attempt", db_int(&res, 3));
		m_label(o, "state", label_of(call_states, db_str(&res, 4)));
		m_str(o, "at", db_str(&res, 5));
		m_str(o, "why", db_str(&res, 6));
		m_str(o, "follow_up", db_str(&res, 8));
	}
	if (rc < 0 || db_done(&res) != DB_OK) {
		page_db_error(r, rc);
		return;
	}
	page_show(r, 200, "campaign");
}

void
page_campaign_change(struct req *r)
{
	const char *change = strrchr(r->path, '/') + 1;
	long long id = page_id(r, 0);
	json_object *m;
	int rc;

	if ((rc = db_begin(DB_CONSOLE)) == DB_OK &&
	    (rc = campaign_change(&r->arena, auth_actor(r), id, change)) == DOM_OK)
		rc = db_commit(DB_CONSOLE);
	if (rc != DOM_OK) {
		db_rollback(DB_CONSOLE);
		if (rc == CAMPAIGN_MISSING)
			page_error(r, 404, "没有这个外呼任务", "外呼任务 %lld 不存在。", id);
		else if (rc == CAMPAIGN_CHANGED)
			page_error(r, 409, "外呼任务状态已变化", "%s", dom_why(rc));
		else
			page_refused(r, rc);
		return;
	}
	if (r->json) {
		m = m_obj();
		m_int(m, "id", id);
		m_str(m, "outcome", "done");
		resp_json(r, 200, m);
		return;
	}
	resp_redirect(r, url_for(&r->arena, "/campaigns/%lld", id));
}
