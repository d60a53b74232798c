/* call.c: the phone robot calls an order's customer
 *
 * GET  /orders/{order_no}/act/call     (call_request) the scripts, each as
 *      the customer would hear it for this order (or what the order lacks
 *      for it), and when it would be called
 * POST /orders/{order_no}/act/call     (call_request) ask for the call
 *   script    the script's code
 *   case      the case it is about (optional): its result lands there,
 *             and the answer returns to it
 *   best      present: at the hour the customer most likely answers
 *             (call_best_hour), not at once
 *
 * The domain (call_request, lib/domain/calls.c) keeps the rules: the
 * calling window, the do-not-call list, the attempts, one call of a
 * script to an order at a time.  The call is scheduled and sent through
 * the outbox like any action; the answer is 303 back to the order (or
 * the case), or JSON {id, scheduled_at, why}.
 */
#include <string.h>

#include "core/db.h"
#include "core/model.h"
#include "core/resp.h"
#include "core/url.h"
#include "domain/actions.h"
#include "domain/calls.h"
#include "ui/auth.h"
#include "ui/page.h"
#include "ui/views.h"
#include "order.h"

static struct db_stmt q_order = DB_STMT(DB_REPLICA,
	"SELECT id FROM orders WHERE order_no = ?");
static struct db_stmt q_case = DB_STMT(DB_CONSOLE,
	"SELECT order_id FROM cases WHERE id = ?");
static struct db_stmt q_calls = DB_STMT(DB_CONSOLE,
	"SELECT c.script, c.attempt, c.state, DATE_FORMAT(c.scheduled_at, '%Y-%m-%d %H:%i'),"
	" c.why_then, COALESCE(c.follow_up, ''), s.name FROM calls c FORCE INDEX (ix_calls_order)"
	" JOIN call_scripts s ON s.code = c.script WHERE c.order_id = ?"
	" ORDER BY c.id DESC LIMIT 20");

/* order_and_case: the order's id, and the case (?case= or the form's) if
 * it is the order's; the page's error made when not. */
static int
order_and_case(struct req *r, const char *no, long long *id, long long *case_id)
{
	struct db_res res;
	int rc = DB_ONE(&r->arena, &q_order, &res, DB_STR(no));

	*id = rc == DB_OK ? db_int(&res, 0) : 0;
	db_done(&res);
	if (rc == DB_NOROW) {
		page_error(r, 404, "没有这个订单", "订单 %s 不存在。", no);
		return -1;
	}
	if (rc != DB_OK) {
		page_db_error(r, rc);
		return -1;
	}
	*case_id = 0;
	if (req_get(r, "case") == NULL)
		return 0;
	if (req_int(r, "case", 1, 999999999999LL, case_id) != REQ_OK ||
	    (rc = DB_ONE(&r->arena, &q_case, &res, DB_INT(*case_id))) != DB_OK ||
	    db_int(&res, 0) != *id) {
		if (rc != DB_OK && rc != DB_NOROW && *case_id) {
			db_done(&res);
			page_db_error(r, rc);
			return -1;
		}
		db_done(&res);
		m_str(page_errs(r), "case", "这个异常单不属于这个订单。");
		*case_id = 0;
		return 0;
	}
	db_done(&res);
	return 0;
}

static void
show(struct req *r, const char *no, long long id, long long case_id, const char *picked,
    int status)
{
	struct arena *a = &r->arena;
	struct call_script v[16];
	json_object *m = page_model(r, "外呼", "queue"), *arr, *o;
	struct db_res res;
	int n, i, rc;

	m_str(m, "order_no", no);
	m_str(m, "order_url", url_for(a, "/orders/%s", no));
	m_str(m, "post", case_id ? url_for(a, "/orders/%s/act/call?case=%lld", no, case_id) :
	    url_for(a, "/orders/%s/act/call", no));
	m_str(m, "back", case_id ? url_for(a, "/cases/%lld", case_id) :
	    url_for(a, "/orders/%s", no));
	if (case_id)
		m_int(m, "case", case_id);
	m_bool(m, "has_case", case_id > 0);
	if ((rc = call_scripts_load(a, v, 16, &n)) != DB_OK) {
		page_db_error(r, rc);
		return;
	}
	arr = m_add(m, "scripts", m_arr());
	for (i = 0; i < n; i++) {
		struct call_text t;

		if (!v[i].enabled)
			continue;
		if ((rc = call_render(a, &v[i], id, &t)) != DB_OK) {
			page_db_error(r, rc);
			return;
		}
		o = m_push(arr, m_obj());
		m_str(o, "code", v[i].code);
		m_str(o, "name", v[i].name);
		m_str(o, "purpose", v[i].purpose);
		m_str(o, "text", t.text);
		m_str(o, "window", arena_printf(a, "%s–%s", v[i].window_start, v[i].window_end));
		m_opt(o, "missing", "has_missing", t.missing ? t.missing : "");
		m_bool(o, "ready", t.missing == NULL);
		m_bool(o, "selected", picked && strcmp(picked, v[i].code) == 0);
	}
	if ((rc = DB_EXEC(a, &q_calls, &res, DB_INT(id))) != DB_OK) {
		page_db_error(r, rc);
		return;
	}
	arr = m_add(m, "calls", m_arr());
	while ((rc = db_next(&res)) > 0) {
		o = m_push(arr, m_obj());
		m_str(o, "script", db_str(&res, 6));
		m_int(o, "attempt", db_int(&res, 1));
		m_label(o, "state", label_of(call_states, db_str(&res, 2)));
		m_str(o, "at", db_str(&res, 3));
		m_str(o, "why", db_str(&res, 4));
		m_str(o, "follow_up", db_str(&res, 5));
	}
	if (rc < 0 || db_done(&res) != DB_OK) {
		page_db_error(r, rc);
		return;
	}
	m_bool(m, "has_calls", json_object_array_length(arr) > 0);
	page_show(r, status, "call");
}

void
page_call_form(struct req *r)
{
	const char *no = r->seg[0];
	long long id, case_id;

	if (order_and_case(r, no, &id, &case_id) < 0)
		return;
	show(r, no, id, case_id, req_get(r, "script"), 200);
}

void
page_call(struct req *r)
{
	const char *no = r->seg[0], *script = req_get(r, "script"), *when, *why;
	struct arena *a = &r->arena;
	long long id, case_id, call;
	json_object *m;
	int rc;

	if (order_and_case(r, no, &id, &case_id) < 0)
		return;
	if (script == NULL || *script == '\0')
		m_str(page_errs(r), "script", "请选择外呼话术。");
	if (page_erred(r)) {
		show(r, no, id, case_id, script, 400);
		return;
	}
	if ((rc = db_begin(DB_CONSOLE)) == DB_OK &&
	    (rc = call_request(a, auth_actor(r), &(struct call_ask){ .order_id = id,
	    .case_id = case_id, .script = script, .best = req_get(r, "best") != NULL },
	    &call, &when, &why)) == DOM_OK)
		rc = db_commit(DB_CONSOLE);
	if (rc != DOM_OK) {
		db_rollback(DB_CONSOLE);
		if (rc == SCRIPT_MISSING || rc == CALL_VAR_MISSING) {
			m_str(page_errs(r), "script", why ? why : dom_why(rc));
			show(r, no, id, case_id, script, 400);
		} else if (rc == CALL_NO_PHONE || rc == CALL_DNC || rc == CALL_ATTEMPTS ||
		    rc == CALL_PENDING)
			page_error(r, 409, "不能外呼", "%s", dom_why(rc));
		else
			page_refused(r, rc);
		return;
	}
	if (r->json) {
		m = m_obj();
		m_int(m, "id", call);
		m_str(m, "scheduled_at", when);
		m_str(m, "why", why);
		resp_json(r, 201, m);
		return;
	}
	resp_redirect(r, case_id ? url_for(a, "/cases/%lld?done=call", case_id) :
	    url_for(a, "/orders/%s?done=call", no));
}
