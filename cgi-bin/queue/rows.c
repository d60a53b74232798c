/* rows.c: a case as the lists show it, and the pieces the queue's forms
 * share (see queue.h) */
#include <string.h>

#include "core/model.h"
#include "core/resp.h"
#include "core/text.h"
#include "core/url.h"
#include "core/util.h"
#include "domain/anomaly.h"
#include "domain/cases.h"
#include "ui/auth.h"
#include "ui/views.h"
#include "queue.h"

static struct db_stmt q_agents = DB_STMT(DB_CONSOLE,
	"SELECT id, login, display_name FROM agents WHERE disabled_at IS NULL"
	" AND service = 0 ORDER BY login LIMIT 500");

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

const char *
case_due(struct arena *a, const char *state, long long due_min, long long left_min,
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

json_object *
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
	m_money(o, "amount", db_int(res, L_AMOUNT));
	m_str(o, "since", db_str(res, L_SINCE));
	m_facts(r, o, "facts", db_str(res, L_FACTS));
	m_opt(o, "assignee", "has_assignee", db_str(res, L_ASSIGNEE));
	m_bool(o, "no_assignee", db_null(res, L_ASSIGNEE_ID));
	m_bool(o, "mine", !db_null(res, L_ASSIGNEE_ID) &&
	    db_int(res, L_ASSIGNEE_ID) == r->sess->agent_id);
	m_bool(o, "escalated", db_int(res, L_ESCALATED) != 0);
	m_bool(o, "reminded", db_int(res, L_REMINDED) != 0);
	if (!db_null(res, L_TEAM))
		m_label(o, "team", label_of(case_teams, db_str(res, L_TEAM)));
	m_bool(o, "has_team", !db_null(res, L_TEAM));
	m_facts(r, o, "group_label", db_str(res, L_GROUP));
	m_bool(o, "has_group", db_str(res, L_GROUP) && *db_str(res, L_GROUP));
	if (live) {
		m_str(o, "due", case_due(a, state, db_int(res, L_DUE_MIN), db_int(res, L_LEFT_MIN),
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

int
agent_choices(struct req *r, json_object *m, long long to)
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
	while ((rc = db_next(&res)) > 0) {
		json_object *o = m_push(arr, m_obj());

		m_int(o, "id", db_int(&res, 0));
		m_str(o, "login", db_str(&res, 1));
		m_str(o, "name", db_str(&res, 2));
		m_bool(o, "selected", db_int(&res, 0) == to);
	}
	return db_done(&res);
}

const char *
back_link(struct req *r)
{
	const char *b = req_get(r, "back");

	if (b && url_local_path(b) && strlen(b) < 1024 &&
	    (str_startswith(b, "/queue") || str_startswith(b, "/incidents/")))
		return b;
	return "/queue";
}

void
back_done(struct req *r, const char *action, long long done, long long skipped,
    long long taken)
{
	const char *back = back_link(r);

	resp_redirect(r, arena_printf(&r->arena, "%s%sdone=%s&n=%lld&skipped=%lld&taken=%lld",
	    url_map(&r->arena, back), strchr(back, '?') ? "&" : "?", action, done, skipped,
	    taken));
}
