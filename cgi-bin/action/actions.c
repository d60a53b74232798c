/* actions.c: the actions on their way to the upstream services
 *
 * GET  /actions                      (view_orders) the outbox
 *   view      open (default: waiting, queued, being sent, sent and not yet
 *             effective), failed (failed and dead), done (effective,
 *             refused, withdrawn, the last 7 days)
 *   mine      1: only the actions I asked for
 * POST /actions/{id}/retry           (view_orders; the requester or whoever
 *             may approve) a failed or dead action queued again
 * POST /actions/{id}/cancel          (the same) withdraw an action not yet sent
 *   reason    at most 200 characters
 * POST /actions/{id}/confirm         (view_orders and the kind's permission)
 *             send on an action the robot prepared and held for a
 *             person's check (an address it heard with little confidence)
 *   back      a local page to return to (the case), else /actions
 *
 * The changes are lib/domain/outbox.c's (audited there).
 */
#include <string.h>

#include "core/db.h"
#include "core/model.h"
#include "core/resp.h"
#include "core/url.h"
#include "core/util.h"
#include "domain/actions.h"
#include "domain/outbox.h"
#include "ui/auth.h"
#include "ui/page.h"
#include "ui/views.h"
#include "action.h"

static const struct {
	const char *code, *label;
	const char *states[4];		/* the view's states (repeated to fill) */
	int days;			/* only this recent; 0: any age */
} views[] = {
	{ "open", "进行中", { "approval", "queued", "sending", "sent" }, 0 },
	{ "failed", "失败", { "failed", "dead", "dead", "dead" }, 0 },
	{ "done", "已完成", { "effective", "refused", "cancelled", "cancelled" }, 7 },
};

static struct db_stmt q_list = DB_STMT(DB_CONSOLE,
	"SELECT o.id, DATE_FORMAT(o.created_at, '%Y-%m-%d %H:%i'), COALESCE(o.order_no, ''),"
	" o.summary, o.state, o.attempts, COALESCE(o.last_error, ''), o.actor_type, o.actor,"
	" COALESCE(a.display_name, ''), COALESCE(o.agent_id, 0), o.kind, o.service,"
	" DATE_FORMAT(o.next_at, '%Y-%m-%d %H:%i:%s')"
	" FROM outbox o LEFT JOIN agents a ON a.id = o.agent_id"
	" WHERE o.state IN (?, ?, ?, ?) AND (? = 0 OR o.created_at > NOW() - INTERVAL ? DAY)"
	" AND (? = 0 OR o.agent_id = ?) ORDER BY o.id DESC LIMIT 200");
static struct db_stmt q_counts = DB_STMT(DB_CONSOLE,
	"SELECT state, COUNT(*) FROM outbox FORCE INDEX (ix_outbox_due)"
	" WHERE state IN ('approval', 'queued', 'sending', 'sent', 'failed', 'dead')"
	" GROUP BY state");
static struct db_stmt q_owner = DB_STMT(DB_CONSOLE,
	"SELECT COALESCE(agent_id, 0) FROM outbox WHERE id = ?");

void
page_actions(struct req *r)
{
	struct arena *a = &r->arena;
	const char *v = req_get(r, "view");
	json_object *m = page_model(r, "操作", "actions"), *arr, *e;
	long long mine = 0, counts[2] = { 0, 0 };
	struct db_res res;
	size_t i, w = 0;
	int rc;

	for (i = 0; v && i < NELEM(views); i++)
		if (strcmp(views[i].code, v) == 0)
			w = i;
	if (v && strcmp(views[w].code, v) != 0)
		m_str(page_errs(r), "view", "视图只能是进行中、失败或已完成。");
	if (req_get(r, "mine") && req_int(r, "mine", 0, 1, &mine) != REQ_OK)
		m_str(page_errs(r), "mine", "mine 只能是 0 或 1。");
	if (page_erred(r)) {
		page_bad_input(r, "actions");
		return;
	}
	if ((rc = db_exec(a, &q_counts, &res, 0, NULL)) != DB_OK) {
		page_db_error(r, rc);
		return;
	}
	while ((rc = db_next(&res)) > 0)
		counts[str_in_list("failed dead", db_str(&res, 0))] += db_int(&res, 1);
	if (rc < 0 || (rc = db_done(&res)) != DB_OK ||
	    (rc = DB_EXEC(a, &q_list, &res, DB_STR(views[w].states[0]),
	    DB_STR(views[w].states[1]), DB_STR(views[w].states[2]), DB_STR(views[w].states[3]),
	    DB_INT(views[w].days), DB_INT(views[w].days), DB_INT(mine),
	    DB_INT(r->sess->agent_id))) != DB_OK) {
		page_db_error(r, rc);
		return;
	}
	arr = m_add(m, "views", m_arr());
	for (i = 0; i < NELEM(views); i++) {
		e = m_push(arr, m_obj());
		m_str(e, "label", views[i].label);
		m_str(e, "url", url_for(a, "/actions?view=%s%s", views[i].code,
		    mine ? "&mine=1" : ""));
		m_bool(e, "current", i == w);
		if (i < 2)
			m_opt(e, "count", "has_count", counts[i] ?
			    arena_printf(a, "%lld", counts[i]) : NULL);
	}
	m_str(m, "view", views[w].code);
	m_bool(m, "mine", mine);
	m_str(m, "mine_label", mine ? "看全部人的操作" : "只看我提交的");
	m_str(m, "mine_url", url_for(a, "/actions?view=%s%s", views[w].code, mine ? "" : "&mine=1"));
	arr = m_add(m, "rows", m_arr());
	while ((rc = db_next(&res)) > 0) {
		const char *state = db_str(&res, 4);
		long long id = db_int(&res, 0), owner = db_int(&res, 10);
		int mayact = owner == r->sess->agent_id || auth_can(r, PERM_APPROVE);

		e = m_push(arr, m_obj());
		m_int(e, "id", id);
		m_str(e, "at", db_str(&res, 1));
		m_opt(e, "order_no", "has_order", *db_str(&res, 2) ? db_str(&res, 2) : NULL);
		m_str(e, "order_url", url_for(a, "/orders/%s", db_str(&res, 2)));
		m_str(e, "summary", db_str(&res, 3));
		m_label(e, "state", label_of(outbox_states, state));
		m_int(e, "attempts", db_int(&res, 5));
		m_opt(e, "error", "has_error", *db_str(&res, 6) ? db_str(&res, 6) : NULL);
		m_str(e, "actor", db_str(&res, 8));
		m_str(e, "actor_name", *db_str(&res, 9) ? db_str(&res, 9) :
		    label_of(actor_names, db_str(&res, 8))->label);
		m_str(e, "kind", db_str(&res, 11));
		m_str(e, "service", db_str(&res, 12));
		m_str(e, "next_at", db_str(&res, 13));
		m_bool(e, "waiting_retry", strcmp(state, "queued") == 0 && db_int(&res, 5) > 0);
		m_bool(e, "can_retry", mayact && str_in_list("failed dead", state));
		m_bool(e, "can_cancel", mayact && str_in_list("approval queued failed dead", state));
		m_str(e, "retry_url", url_for(a, "/actions/%lld/retry", id));
		m_str(e, "cancel_url", url_for(a, "/actions/%lld/cancel", id));
		m_bool(e, "approval", strcmp(state, "approval") == 0);
		/* held by the robot for a person's check: anyone may confirm */
		m_bool(e, "can_confirm", strcmp(state, "approval") == 0 &&
		    strcmp(db_str(&res, 7), "robot") == 0 && action_kind(db_str(&res, 11)) &&
		    auth_can(r, action_kind(db_str(&res, 11))->perm));
		m_str(e, "confirm_url", url_for(a, "/actions/%lld/confirm", id));
	}
	m_bool(m, "none", json_object_array_length(arr) == 0);
	m_bool(m, "can_approve", auth_can(r, PERM_APPROVE));
	if (rc < 0 || (rc = db_done(&res)) != DB_OK) {
		page_db_error(r, rc);
		return;
	}
	page_show(r, 200, "actions");
}

void
page_action_change(struct req *r)
{
	struct arena *a = &r->arena;
	const char *change = strrchr(r->path, '/') + 1, *back = req_get(r, "back");
	int retry = strcmp(change, "retry") == 0;
	long long id = page_id(r, 0);
	const char *reason = NULL;
	struct db_res res;
	int rc;

	if (id == 0) {
		page_error(r, 404, "没有这个操作", "%s", "操作编号不正确。");
		return;
	}
	if (req_str(r, "reason", 200, &reason) == REQ_BAD) {
		page_error(r, 400, "输入有误", "%s", "说明最多 200 个字。");
		return;
	}
	if (strcmp(change, "confirm") == 0) {
		if ((rc = db_begin(DB_CONSOLE)) == DB_OK && (rc = outbox_confirm(a, auth_actor(r), id,
		    (long)r->sess->perms)) == DOM_OK)
			rc = db_commit(DB_CONSOLE);
		if (rc != DOM_OK) {
			db_rollback(DB_CONSOLE);
			page_refused(r, rc);
			return;
		}
		page_done(r, "已确认，正在发送", back && url_local_path(back) &&
		    str_startswith(back, "/cases/") ? back : url_for(a, "/actions?view=open"));
		return;
	}
	/* the requester's, or whoever may approve */
	rc = DB_ONE(a, &q_owner, &res, DB_INT(id));
	if (rc == DB_OK && db_int(&res, 0) != r->sess->agent_id && !auth_can(r, PERM_APPROVE))
		rc = NOT_A_PERSON;
	db_done(&res);
	if (rc == NOT_A_PERSON) {
		page_error(r, 403, "没有权限", "%s", "只有提交人或主管可以重试或撤回这个操作。");
		return;
	}
	if (rc == DB_NOROW) {
		page_error(r, 404, "没有这个操作", "操作 %lld 不存在。", id);
		return;
	}
	if (rc == DB_OK && (rc = db_begin(DB_CONSOLE)) == DB_OK) {
		rc = retry ? outbox_retry(a, auth_actor(r), id) :
		    outbox_cancel(a, auth_actor(r), id, reason);
		rc = rc == DOM_OK ? db_commit(DB_CONSOLE) : rc;
	}
	if (rc != DOM_OK) {
		db_rollback(DB_CONSOLE);
		page_refused(r, rc);
		return;
	}
	page_done(r, retry ? "已重新排队发送" : "已撤回", url_for(a, "/actions?view=%s",
	    retry ? "open" : "done"));
}
