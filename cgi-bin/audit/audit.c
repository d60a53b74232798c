/* audit.c: the audit log's search page
 *
 * GET /admin/audit       (admin) newest first, 100 a page
 *   agent, order, kind, from, to, before: the filters (filter.c)
 *
 * Each row links its order when it names one; "next" carries the keyset
 * of the page's last entry, "first" goes back to the newest, and "csv"
 * exports what the filters match from this page on (csv.c).
 */
#include "core/db.h"
#include "core/model.h"
#include "core/url.h"
#include "domain/shop.h"
#include "ui/page.h"
#include "audit.h"

#define PAGE_ROWS 100

/* row: one entry as the page shows it. */
static void
row(struct req *r, json_object *e, const struct db_res *res)
{
	const char *kind = db_str(res, AU_KIND), *no = db_str(res, AU_ORDER);
	size_t at_len = db_len(res, AU_AT);

	m_int(e, "id", db_int(res, AU_ID));
	m_str(e, "at", db_str(res, AU_AT));
	m_strn(e, "at_short", db_str(res, AU_AT), at_len > 19 ? 19 : at_len);
	m_str(e, "login", db_str(res, AU_LOGIN));
	m_str(e, "kind", kind);
	m_str(e, "kind_label", label_of(audit_kinds, kind)->label);
	m_str(e, "order_no", no);
	m_opt(e, "order_url", "has_order", no ? url_for(&r->arena, "/orders/%s", no) : NULL);
	m_str(e, "target", db_str(res, AU_TARGET));
	m_str(e, "detail", db_str(res, AU_DETAIL));
	m_str(e, "ip", db_str(res, AU_IP));
	m_str(e, "request_id", db_str(res, AU_REQUEST));
}

void
page_audit(struct req *r)
{
	json_object *m, *rows;
	struct filter f;
	struct db_query d;
	struct db_res res;
	long long last = 0;
	int rc, n = 0;

	if ((m = filter_start(r, &f)) == NULL)
		return;
	filter_query(&d, &f, f.before_at, f.before, PAGE_ROWS + 1);
	if ((rc = dbq_exec(&r->arena, &d, &res)) != DB_OK) {
		page_db_error(r, rc);
		return;
	}
	rows = m_add(m, "rows", m_arr());
	while ((rc = db_next(&res)) > 0 && ++n <= PAGE_ROWS) {
		last = db_int(&res, AU_ID);
		row(r, m_push(rows, m_obj()), &res);
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
