/* approvals.c: actions over their requester's money limits, waiting for a
 * second person
 *
 * GET  /approvals                    (approve) the actions waiting
 * POST /approvals/{id}/approve       (approve) send it
 * POST /approvals/{id}/refuse        (approve) refuse it
 *   reason    refuse: required, at most 200 characters; approve: optional
 *
 * Nobody approves their own action (lib/domain/outbox.c refuses it).
 */
#include <string.h>

#include "core/db.h"
#include "core/model.h"
#include "core/resp.h"
#include "core/text.h"
#include "core/url.h"
#include "domain/outbox.h"
#include "ui/auth.h"
#include "ui/page.h"
#include "ui/views.h"
#include "action.h"

static struct db_stmt q_waiting = DB_STMT(DB_CONSOLE,
	"SELECT o.id, DATE_FORMAT(o.created_at, '%Y-%m-%d %H:%i'), COALESCE(o.order_no, ''),"
	" o.summary, o.amount, COALESCE(a.display_name, o.actor), COALESCE(o.agent_id, 0),"
	" COALESCE(a.max_refund, 0), COALESCE(a.daily_refund, 0)"
	" FROM outbox o FORCE INDEX (ix_outbox_due) LEFT JOIN agents a ON a.id = o.agent_id"
	" WHERE o.state = 'approval' ORDER BY o.next_at LIMIT 200");

void
page_approvals(struct req *r)
{
	struct arena *a = &r->arena;
	json_object *m = page_model(r, "待审批", "actions"), *arr, *e;
	struct db_res res;
	int rc;

	if ((rc = db_exec(a, &q_waiting, &res, 0, NULL)) != DB_OK) {
		page_db_error(r, rc);
		return;
	}
	arr = m_add(m, "rows", m_arr());
	while ((rc = db_next(&res)) > 0) {
		long long id = db_int(&res, 0);

		e = m_push(arr, m_obj());
		m_int(e, "id", id);
		m_str(e, "at", db_str(&res, 1));
		m_str(e, "order_no", db_str(&res, 2));
		m_str(e, "order_url", url_for(a, "/orders/%s", db_str(&res, 2)));
		m_str(e, "summary", db_str(&res, 3));
		m_money(e, "amount", db_int(&res, 4));
		m_str(e, "requester", db_str(&res, 5));
		m_bool(e, "mine", db_int(&res, 6) == r->sess->agent_id);
		m_bool(e, "others", db_int(&res, 6) != r->sess->agent_id);
		m_money(e, "max_refund", db_int(&res, 7));
		m_money(e, "daily_refund", db_int(&res, 8));
		m_str(e, "approve_url", url_for(a, "/approvals/%lld/approve", id));
		m_str(e, "refuse_url", url_for(a, "/approvals/%lld/refuse", id));
	}
	m_bool(m, "none", json_object_array_length(arr) == 0);
	if (rc < 0 || (rc = db_done(&res)) != DB_OK) {
		page_db_error(r, rc);
		return;
	}
	page_show(r, 200, "approvals");
}

void
page_approval_decide(struct req *r)
{
	int approve = strcmp(strrchr(r->path, '/') + 1, "approve") == 0;
	long long id = page_id(r, 0);
	const char *reason = NULL;
	int rc = req_str(r, "reason", 200, &reason);

	if (id == 0) {
		page_error(r, 404, "没有这个操作", "%s", "操作编号不正确。");
		return;
	}
	if (rc == REQ_BAD || (!approve && rc == REQ_MISSING)) {
		page_error(r, 400, "请填写原因", "%s", rc == REQ_BAD ? "原因最多 200 个字。" :
		    "拒绝需要写明原因，提交人会看到。");
		return;
	}
	if ((rc = db_begin(DB_CONSOLE)) == DB_OK &&
	    (rc = outbox_decide(&r->arena, auth_actor(r), id, approve, reason)) == DOM_OK)
		rc = db_commit(DB_CONSOLE);
	if (rc != DOM_OK) {
		db_rollback(DB_CONSOLE);
		page_refused(r, rc);
		return;
	}
	page_done(r, approve ? "已批准，正在发送" : "已拒绝", url_for(&r->arena, "/approvals"));
}
