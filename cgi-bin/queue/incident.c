/* incident.c: one incident
 *
 * GET /incidents/{id}                (view_orders) a group of cases with one
 *   cause (same carrier, SKU, warehouse, payment channel and error), its
 *   live cases soonest due first, the bulk actions over all of them, and
 *   (run_campaign) a campaign calling every one of its customers: the
 *   script that suits the kind chosen, one click (POST /campaigns)
 */
#include <string.h>

#include "core/model.h"
#include "core/url.h"
#include "domain/calls.h"
#include "ui/auth.h"
#include "ui/page.h"
#include "ui/views.h"
#include "queue.h"

static struct db_stmt q_incident = DB_STMT(DB_CONSOLE,
	"SELECT id, kind, group_key, label, state, members, opened_at, resolved_at"
	" FROM incidents WHERE id = ?");

/* campaign_form: the scripts, the kind's own chosen, for a campaign over
 * the incident. */
static int
campaign_form(struct req *r, json_object *m, const char *kind)
{
	struct call_script v[16];
	const char *pick = call_script_for(kind);
	json_object *arr;
	int n, i, rc;

	m_bool(m, "can_campaign", auth_can(r, PERM_RUN_CAMPAIGN));
	if (!auth_can(r, PERM_RUN_CAMPAIGN))
		return DB_OK;
	if ((rc = call_scripts_load(&r->arena, v, 16, &n)) != DB_OK)
		return rc;
	arr = m_add(m, "scripts", m_arr());
	for (i = 0; i < n; i++) {
		json_object *o;

		if (!v[i].enabled)
			continue;
		o = m_push(arr, m_obj());
		m_str(o, "code", v[i].code);
		m_str(o, "name", v[i].name);
		m_bool(o, "selected", strcmp(v[i].code, pick) == 0);
	}
	m_str(m, "u_campaigns", url_for(&r->arena, "/campaigns"));
	return DB_OK;
}

void
page_incident(struct req *r)
{
	struct arena *a = &r->arena;
	json_object *m, *rows, *inc;
	struct filter f;
	struct db_query d;
	struct db_res res;
	long long id = page_id(r, 0), n = 0;
	int rc;

	if (id == 0) {
		page_error(r, 404, "没有这个事件", "%s", "事件编号不正确。");
		return;
	}
	rc = DB_ONE(a, &q_incident, &res, DB_INT(id));
	if (rc != DB_OK) {
		db_done(&res);
		if (rc == DB_NOROW)
			page_error(r, 404, "没有这个事件", "事件 %lld 不存在。", id);
		else
			page_db_error(r, rc);
		return;
	}
	m = page_model(r, arena_printf(a, "事件 %lld · %s", id,
	    labels_in(a, db_str(&res, 3), pay_failures)), "queue");
	inc = m_add(m, "incident", m_obj());
	m_int(inc, "id", id);
	m_str(inc, "kind_label", anomaly_label(db_str(&res, 1)));
	m_str(inc, "group_key", db_str(&res, 2));
	m_facts(r, inc, "label", db_str(&res, 3));
	m_bool(inc, "open", strcmp(db_str(&res, 4), "open") == 0);
	m_int(inc, "members", db_int(&res, 5));
	m_str(inc, "opened_at", db_str(&res, 6));
	m_opt(inc, "resolved_at", "has_resolved", db_str(&res, 7));
	m_str(inc, "group_url", url_for(a, "/queue?group=%s", db_str(&res, 2)));
	rc = campaign_form(r, m, db_str(&res, 1));
	db_done(&res);
	if (rc != DB_OK) {
		page_db_error(r, rc);
		return;
	}

	/* its live cases, soonest due first: the queue's list over the incident */
	filter_incident(&f, id);
	filter_fields(r, m, &f);
	m_str(m, "back", url_for(a, "/incidents/%lld", id));
	filter_list(&d, &f, r->sess->agent_id, 500);
	rows = m_add(m, "rows", m_arr());
	if ((rc = dbq_exec(a, &d, &res)) != DB_OK) {
		page_db_error(r, rc);
		return;
	}
	while ((rc = db_next(&res)) > 0) {
		m_push(rows, case_row(r, &res));
		n++;
	}
	if (rc < 0 || (rc = db_done(&res)) != DB_OK) {
		page_db_error(r, rc);
		return;
	}
	m_int(m, "count", n);
	m_bool(m, "none", n == 0);
	m_str(m, "u_bulk", url_for(a, "/queue/bulk"));
	m_bool(m, "can_assign", auth_can(r, PERM_APPROVE));
	page_show(r, 200, "incident");
}
