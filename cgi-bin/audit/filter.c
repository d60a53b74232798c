/* filter.c: what the audit search and its export both read
 *
 * The filters of GET /admin/audit and GET /admin/audit.csv (admin):
 *   agent    login of the agent who acted, 1..64 characters (must exist)
 *   order    an order number, 6..32 letters and digits
 *   kind     what happened, [a-z_] 1..32 characters (the page offers the
 *            kinds present)
 *   from, to YYYY-MM-DD or YYYY-MM-DD HH:MM, inclusive (a bare "to" date
 *            is its whole day)
 *   before   an entry id: list what is older (the "next" link carries it)
 *
 * Filters combine with AND.  Newest first by (at, id), paged by keyset from
 * the entry named in `before`, never by OFFSET, so a page never repeats or
 * skips an entry while new ones arrive.  Every search reads one index of
 * audit_log in its order — (order_no, at), (agent_id, kind, at),
 * (agent_id, at), (kind, at) or (at), chosen by the filters — with the
 * time range and the keyset as a range on `at` (the id InnoDB appends to
 * every secondary index breaks ties), so a page costs about as many index
 * reads as it shows rows, however deep it is.  The index is named in the
 * statement: left to itself, the optimizer reads the equality prefix
 * backwards from the newest entry and filters the keyset out row by row,
 * which made deep pages (and exports) cost as much as everything before
 * them.
 */
#include <stdint.h>
#include <string.h>

#include "core/buf.h"
#include "core/db.h"
#include "core/model.h"
#include "core/url.h"
#include "core/util.h"
#include "domain/audit.h"
#include "domain/shop.h"
#include "ui/page.h"
#include "audit.h"

static struct db_stmt q_agent_id = DB_STMT(DB_CONSOLE,
	"SELECT id FROM agents WHERE login = ?");
static struct db_stmt q_at = DB_STMT(DB_CONSOLE,
	"SELECT at FROM audit_log WHERE id = ?");
/* The kinds present, one index lookup each (a loose index scan that does
 * not depend on the optimizer's statistics). */
static struct db_stmt q_kinds = DB_STMT(DB_CONSOLE,
	"WITH RECURSIVE k (kind) AS (SELECT MIN(kind) FROM audit_log"
	" UNION ALL SELECT (SELECT MIN(a.kind) FROM audit_log a WHERE a.kind > k.kind)"
	" FROM k WHERE k.kind IS NOT NULL)"
	" SELECT kind FROM k WHERE kind IS NOT NULL LIMIT 500");

/* read_filter: fill f from the request; field messages go to
 * page_errs(r), what was typed to m.  DB_OK or an error. */
static int
read_filter(struct req *r, struct filter *f, json_object *m)
{
	json_object *errs = page_errs(r);
	struct db_res res;
	const char *v;
	int rc;
	size_t n;

	memset(f, 0, sizeof(*f));
	if ((rc = req_str(r, "agent", 64, &f->agent)) == REQ_BAD)
		m_str(errs, "agent", "账号最多 64 个字符");
	if ((rc = req_str(r, "order", 32, &f->order)) == REQ_BAD ||
	    (rc == REQ_OK && !order_no_valid(f->order)))
		m_str(errs, "order", "订单号为 6 到 32 位字母或数字");
	if ((rc = req_str(r, "kind", 32, &f->kind)) == REQ_BAD ||
	    (rc == REQ_OK && strspn(f->kind, "abcdefghijklmnopqrstuvwxyz_") != strlen(f->kind)))
		m_str(errs, "kind", "没有这种记录类型");
	if ((rc = req_str(r, "from", 16, &v)) == REQ_BAD ||
	    (rc == REQ_OK && parse_time(v, 0, f->from) < 0))
		m_str(errs, "from", "日期格式：2026-11-23 或 2026-11-23 08:30");
	if ((rc = req_str(r, "to", 16, &v)) == REQ_BAD ||
	    (rc == REQ_OK && parse_time(v, 1, f->to) < 0))
		m_str(errs, "to", "日期格式：2026-11-23 或 2026-11-23 18:00");
	else if (f->from[0] && f->to[0] && strcmp(f->from, f->to) > 0)
		m_str(errs, "to", "结束时间早于开始时间");
	if (req_int(r, "before", 1, INT64_MAX, &f->before) == REQ_BAD)
		m_str(errs, "before", "分页参数不正确，请从第一页开始");
	m_str(m, "agent", (v = req_get(r, "agent")) ? v : "");
	m_str(m, "order", (v = req_get(r, "order")) ? v : "");
	m_str(m, "from", (v = req_get(r, "from")) ? v : "");
	m_str(m, "to", (v = req_get(r, "to")) ? v : "");

	if (f->agent && !json_object_object_get_ex(errs, "agent", NULL)) {
		rc = DB_ONE(&r->arena, &q_agent_id, &res, DB_STR(f->agent));
		if (rc == DB_OK)
			f->agent_id = db_int(&res, 0);
		db_done(&res);
		if (rc == DB_NOROW)
			m_str(errs, "agent", "没有这个账号");
		else if (rc != DB_OK)
			return rc;
	}
	if (f->before) {
		rc = DB_ONE(&r->arena, &q_at, &res, DB_INT(f->before));
		if (rc == DB_OK && (n = db_len(&res, 0)) < sizeof(f->before_at))
			memcpy(f->before_at, db_str(&res, 0), n + 1);
		db_done(&res);
		if (rc == DB_NOROW || (rc == DB_OK && !f->before_at[0]))
			m_str(errs, "before", "分页参数不正确，请从第一页开始");
		else if (rc != DB_OK)
			return rc;
	}
	return DB_OK;
}

/* kind_choices: the kinds present, for the select. */
static int
kind_choices(struct req *r, json_object *m, const char *kind)
{
	json_object *arr = m_add(m, "kinds", m_arr());
	struct db_res res;
	int rc;

	if ((rc = db_exec(&r->arena, &q_kinds, &res, 0, NULL)) != DB_OK)
		return rc;
	while ((rc = db_next(&res)) > 0) {
		json_object *e = m_push(arr, m_obj());
		const char *code = db_str(&res, 0);

		m_str(e, "code", code);
		m_str(e, "label", label_of(audit_kinds, code)->label);
		m_bool(e, "selected", kind && strcmp(kind, code) == 0);
	}
	return db_done(&res);
}

json_object *
filter_start(struct req *r, struct filter *f)
{
	json_object *m = page_model(r, "审计日志", "admin");
	const char *v;
	int rc;

	page_admin_nav(r, m, "audit");
	if ((rc = read_filter(r, f, m)) != DB_OK ||
	    (rc = kind_choices(r, m, (v = req_get(r, "kind")) ? v : "")) != DB_OK) {
		page_db_error(r, rc);
		return NULL;
	}
	m_str(m, "u_search", url_for(&r->arena, "/admin/audit"));
	if (page_erred(r)) {
		m_add(m, "rows", m_arr());
		page_bad_input(r, "audit");
		return NULL;
	}
	return m;
}

void
filter_query(struct db_query *d, const struct filter *f, const char *at, long long id,
    long long limit)
{
	dbq_init(d, DB_CONSOLE);
	dbq_sql(d, "SELECT id, at, login, kind, order_no, target, detail, ip, request_id"
	    " FROM audit_log FORCE INDEX (");
	if (f->order)
		dbq_sql(d, "ix_audit_order");
	else if (f->agent_id && f->kind)
		dbq_sql(d, "ix_audit_agent_kind");
	else if (f->agent_id)
		dbq_sql(d, "ix_audit_agent");
	else if (f->kind)
		dbq_sql(d, "ix_audit_kind");
	else
		dbq_sql(d, "ix_audit_at");
	dbq_sql(d, ") WHERE 1");
	if (f->agent_id)
		dbq_cond(d, " AND agent_id = ?", DB_INT(f->agent_id));
	if (f->order)
		dbq_cond(d, " AND order_no = ?", DB_STR(f->order));
	if (f->kind)
		dbq_cond(d, " AND kind = ?", DB_STR(f->kind));
	if (f->from[0])
		dbq_cond(d, " AND at >= ?", DB_STR(f->from));
	if (f->to[0]) {
		/* to is the last second wanted; at has microseconds */
		dbq_sql(d, " AND at < ? + INTERVAL 1 SECOND");
		dbq_arg(d, DB_STR(f->to));
	}
	if (at && *at) {
		dbq_sql(d, " AND at <= ? AND (at < ? OR id < ?)");
		dbq_arg(d, DB_STR(at));
		dbq_arg(d, DB_STR(at));
		dbq_arg(d, DB_INT(id));
	}
	dbq_sql(d, " ORDER BY at DESC, id DESC LIMIT ?");
	dbq_arg(d, DB_INT(limit));
}

const char *
filter_url(struct req *r, const char *base, const struct filter *f, long long before)
{
	struct buf b = { 0 };
	const char *v;
	char *u;

	buf_puts(&b, url_for(&r->arena, base));
	if (f->agent)
		buf_puts(&b, url_for(&r->arena, "&agent=%s", f->agent));
	if (f->order)
		buf_puts(&b, url_for(&r->arena, "&order=%s", f->order));
	if (f->kind)
		buf_puts(&b, url_for(&r->arena, "&kind=%s", f->kind));
	if (f->from[0] && (v = req_get(r, "from")))
		buf_puts(&b, url_for(&r->arena, "&from=%s", v));
	if (f->to[0] && (v = req_get(r, "to")))
		buf_puts(&b, url_for(&r->arena, "&to=%s", v));
	if (before)
		buf_printf(&b, "&before=%lld", before);
	u = arena_strdup(&r->arena, b.p);
	buf_free(&b);
	if ((v = strchr(u, '&')) != NULL && strchr(u, '?') == NULL)
		u[v - u] = '?';		/* the first parameter */
	return u;
}
