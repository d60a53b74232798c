/* audit.c: the audit log's search page
 *
 * GET /admin/audit       (admin) newest first, 100 a page
 *   agent, order, kind, from, to, before: the filters (filter.c)
 *
 * Each row links its order when it names one; "next" carries the keyset
 * of the page's last entry, "first" goes back to the newest, and "csv"
 * exports what the filters match from this page on (csv.c).
 */
#include <string.h>

#include "core/db.h"
#include "core/model.h"
#include "core/url.h"
#include "domain/anomaly.h"
#include "domain/audit.h"
#include "domain/shop.h"
#include "ui/page.h"
#include "ui/views.h"
#include "audit.h"

#define PAGE_ROWS 100

/* The roles' titles, to name a role an entry is about. */
static struct db_stmt q_roles = DB_STMT(DB_CONSOLE,
	"SELECT name, title FROM roles ORDER BY name LIMIT 200");

/* target_label: what an entry is about, as people read it: a role or an
 * anomaly kind by its title, anything else as it was written. */
static const char *
target_label(const char *kind, const char *target, json_object *roles)
{
	json_object *t;

	if (target == NULL)
		return NULL;
	if (strcmp(kind, "rule_updated") == 0)
		return anomaly_label(target);
	if (strncmp(kind, "role_", 5) == 0 && json_object_object_get_ex(roles, target, &t))
		return json_object_get_string(t);
	return target;
}

/* row: one entry as the page shows it. */
static void
row(struct req *r, json_object *e, const struct db_res *res, json_object *roles)
{
	const char *kind = db_str(res, AU_KIND), *no = db_str(res, AU_ORDER),
	    *login = db_str(res, AU_LOGIN);
	size_t at_len = db_len(res, AU_AT);

	m_int(e, "id", db_int(res, AU_ID));
	m_str(e, "at", db_str(res, AU_AT));
	m_strn(e, "at_short", db_str(res, AU_AT), at_len > 19 ? 19 : at_len);
	m_str(e, "login", login);
	m_str(e, "who", login && label_known(actor_names, login) ?
	    label_of(actor_names, login)->label : login);
	m_str(e, "kind", kind);
	m_str(e, "kind_label", label_of(audit_kinds, kind)->label);
	m_str(e, "order_no", no);
	m_opt(e, "order_url", "has_order", no ? url_for(&r->arena, "/orders/%s", no) : NULL);
	m_str(e, "target", db_str(res, AU_TARGET));
	m_str(e, "target_label", target_label(kind, db_str(res, AU_TARGET), roles));
	m_facts(r, e, "detail", db_str(res, AU_DETAIL));
	m_str(e, "ip", db_str(res, AU_IP));
	m_str(e, "request_id", db_str(res, AU_REQUEST));
}

void
page_audit(struct req *r)
{
	json_object *m, *rows, *roles;
	struct filter f;
	struct db_query d;
	struct db_res res;
	long long last = 0;
	int rc, n = 0;

	if ((m = filter_start(r, &f)) == NULL)
		return;
	/* the titles, kept on the model so that the request frees them */
	roles = m_add(m, "role_titles", m_obj());
	if ((rc = db_exec(&r->arena, &q_roles, &res, 0, NULL)) != DB_OK) {
		page_db_error(r, rc);
		return;
	}
	while ((rc = db_next(&res)) > 0)
		json_object_object_add(roles, db_str(&res, 0),
		    json_object_new_string(db_str(&res, 1)));
	if (rc < 0 || (rc = db_done(&res)) != DB_OK) {
		page_db_error(r, rc);
		return;
	}
	filter_query(&d, &f, f.before_at, f.before, PAGE_ROWS + 1);
	if ((rc = dbq_exec(&r->arena, &d, &res)) != DB_OK) {
		page_db_error(r, rc);
		return;
	}
	rows = m_add(m, "rows", m_arr());
	while ((rc = db_next(&res)) > 0 && ++n <= PAGE_ROWS) {
		last = db_int(&res, AU_ID);
		row(r, m_push(rows, m_obj()), &res, roles);
	}
	if ((rc = db_done(&res)) != DB_OK) {	/* a fetch failed */
		page_db_error(r, rc);
		return;
	}
	m_bool(m, "none", n == 0);
	m_opt(m, "next", "has_next", n > PAGE_ROWS ?
	    filter_url(r, "/admin/audit", &f, last) : NULL);
	m_opt(m, "first", "paged", f.before ? filter_url(r, "/admin/audit", &f, 0) : NULL);
	m_str(m, "csv", filter_url(r, "/admin/audit.csv", &f, f.before));
	page_show(r, 200, "audit");
}
