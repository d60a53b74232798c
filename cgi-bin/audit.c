/* audit.c: the audit log — search it, export it as CSV
 *
 * GET /admin/audit       (admin) newest first, 100 a page
 * GET /admin/audit.csv   (admin) the same filters, at most 100,000 rows, as CSV
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
 *
 * The CSV starts with a UTF-8 byte order mark (so Excel reads Chinese
 * correctly), quotes cells as RFC 4180 says, and puts an apostrophe before
 * any cell beginning with = + - @ TAB or CR, so a spreadsheet never runs
 * what an attacker typed into a login or a detail as a formula.  It is
 * streamed in batches of 1,000 rows, each read by keyset, so a worker's
 * memory stays bounded whatever the export's size.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "audit.h"
#include "auth.h"
#include "db.h"
#include "model.h"
#include "resp.h"
#include "shop.h"
#include "url.h"
#include "util.h"

#define PAGE_ROWS 100
#define CSV_BATCH 1000
#define CSV_MAX 100000

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

/* Labels for the kinds the console writes; others show their code. */
static const struct label kinds[] = {
	{ "login_ok", "登录成功", NULL },
	{ "login_failed", "登录失败", NULL },
	{ "login_throttled", "登录限速", NULL },
	{ "logout", "退出登录", NULL },
	{ "session_ended", "结束会话", NULL },
	{ "sessions_ended_all", "全部设备退出", NULL },
	{ "password_changed", "修改密码", NULL },
	{ "password_reset", "重置密码", NULL },
	{ "permission_denied", "无权限被拒", NULL },
	{ "csrf_refused", "伪造请求被拒", NULL },
	{ "pii_reveal", "查看完整个人信息", NULL },
	{ "agent_created", "新建账号", NULL },
	{ "agent_updated", "修改账号", NULL },
	{ "agent_disabled", "停用账号", NULL },
	{ "agent_enabled", "启用账号", NULL },
	{ "roles_changed", "修改角色", NULL },
	{ "role_created", "新建角色", NULL },
	{ "role_updated", "修改角色权限", NULL },
	{ "token_created", "新建令牌", NULL },
	{ "token_revoked", "吊销令牌", NULL },
	{ "rule_updated", "修改异常规则", NULL },
	{ "silence_created", "新建静默", NULL },
	{ "silence_ended", "提前结束静默", NULL },
	{ "case_claim", "认领异常单", NULL },
	{ "case_assign", "指派异常单", NULL },
	{ "case_wait", "异常单转为等待", NULL },
	{ "case_resume", "异常单恢复处理", NULL },
	{ "case_resolve", "解决异常单", NULL },
	{ "case_dismiss", "忽略异常单", NULL },
	{ "case_note", "异常单备注", NULL },
	{ "case_silence", "静默异常单", NULL },
	{ "audit_exported", "导出审计日志", NULL },
	{ NULL, NULL, NULL },
};

struct filter {
	const char *agent, *order, *kind;
	long long agent_id;
	char from[20], to[20];
	long long before;
	char before_at[32];	/* the time of entry `before` */
};

/* read_filter: fill f from the request; field messages go to errs, what
 * was typed to m. */
static int
read_filter(struct req *r, struct filter *f, json_object *m, json_object *errs)
{
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
		if (rc == 1)
			m_str(errs, "agent", "没有这个账号");
		else if (rc != DB_OK)
			return rc;
	}
	if (f->before) {
		rc = DB_ONE(&r->arena, &q_at, &res, DB_INT(f->before));
		if (rc == DB_OK && (n = db_len(&res, 0)) < sizeof(f->before_at))
			memcpy(f->before_at, db_str(&res, 0), n + 1);
		db_done(&res);
		if (rc == 1 || (rc == DB_OK && !f->before_at[0]))
			m_str(errs, "before", "分页参数不正确，请从第一页开始");
		else if (rc != DB_OK)
			return rc;
	}
	return DB_OK;
}

/* compose: the entries matching f, older than (at, id) when at is set,
 * newest first, at most limit of them. */
static void
compose(struct db_query *d, const struct filter *f, const char *at, long long id,
    long long limit)
{
	dbq_init(d, DB_CONSOLE);
	dbq_sql(d, "SELECT id, at, login, kind, order_no, target, detail, ip, request_id"
	    " FROM audit_log FORCE INDEX (");
	dbq_sql(d, f->order ? "ix_audit_order" : f->agent_id && f->kind ? "ix_audit_agent_kind" :
	    f->agent_id ? "ix_audit_agent" : f->kind ? "ix_audit_kind" : "ix_audit_at");
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

/* filter_url: base with the filters as typed, and before when not 0. */
static const char *
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

/* kind_choices: the kinds present, for the select. */
static int
kind_choices(struct req *r, json_object *m, const char *kind)
{
	json_object *arr = m_add(m, "kinds", m_arr());
	struct db_res res;
	int rc;

	if ((rc = db_exec(&r->arena, &q_kinds, &res, 0, NULL)) != DB_OK)
		return rc;
	while (db_next(&res)) {
		json_object *e = m_push(arr, m_obj());
		const char *code = db_str(&res, 0);

		m_str(e, "code", code);
		m_str(e, "label", label_of(kinds, code)->label);
		m_bool(e, "selected", kind && strcmp(kind, code) == 0);
	}
	db_done(&res);
	return DB_OK;
}

/* start: the page's model with the filters read; NULL when answered. */
static json_object *
start(struct req *r, struct filter *f)
{
	json_object *m = m_obj(), *errs = m_obj();
	const char *v;
	int rc;

	m_str(m, "title", "审计日志");
	resp_admin_nav(r, m, "audit");
	if ((rc = read_filter(r, f, m, errs)) != DB_OK ||
	    (rc = kind_choices(r, m, (v = req_get(r, "kind")) ? v : "")) != DB_OK) {
		json_object_put(m);
		json_object_put(errs);
		page_db_error(r, rc);
		return NULL;
	}
	m_str(m, "u_search", url_for(&r->arena, "/admin/audit"));
	if (json_object_object_length(errs)) {
		m_add(m, "rows", m_arr());
		page_bad_input(r, "audit", m, errs);
		return NULL;
	}
	json_object_put(errs);
	return m;
}

static void
page_audit(struct req *r)
{
	json_object *m, *rows;
	struct filter f;
	struct db_query d;
	struct db_res res;
	long long last = 0;
	int rc, n = 0;

	if ((m = start(r, &f)) == NULL)
		return;
	compose(&d, &f, f.before_at, f.before, PAGE_ROWS + 1);
	if ((rc = dbq_exec(&r->arena, &d, &res)) != DB_OK) {
		json_object_put(m);
		page_db_error(r, rc);
		return;
	}
	rows = m_add(m, "rows", m_arr());
	while (db_next(&res) && ++n <= PAGE_ROWS) {
		json_object *e = m_push(rows, m_obj());
		const char *kind = db_str(&res, 3), *no = db_str(&res, 4);

		last = db_int(&res, 0);
		m_int(e, "id", last);
		m_str(e, "at", db_str(&res, 1));
		m_strn(e, "at_short", db_str(&res, 1), db_len(&res, 1) > 19 ? 19 :
		    db_len(&res, 1));
		m_str(e, "login", db_str(&res, 2));
		m_str(e, "kind", kind);
		m_str(e, "kind_label", label_of(kinds, kind)->label);
		m_str(e, "order_no", no);
		m_opt(e, "order_url", "has_order", no ? url_for(&r->arena, "/orders/%s", no) : NULL);
		m_str(e, "target", db_str(&res, 5));
		m_str(e, "detail", db_str(&res, 6));
		m_str(e, "ip", db_str(&res, 7));
		m_str(e, "request_id", db_str(&res, 8));
	}
	db_done(&res);
	m_bool(m, "none", n == 0);
	m_opt(m, "next", "has_next", n > PAGE_ROWS ?
	    filter_url(r, "/admin/audit", &f, last) : NULL);
	m_opt(m, "first", "paged", f.before ? filter_url(r, "/admin/audit", &f, 0) : NULL);
	m_str(m, "csv", filter_url(r, "/admin/audit.csv", &f, f.before));
	resp_page(r, 200, "audit", m);
}

/* csv_cell: one cell, quoted when it must be (RFC 4180), defused when a
 * spreadsheet would take it for a formula. */
static void
csv_cell(struct buf *b, const char *s, int first)
{
	int defuse, quote;

	if (!first)
		buf_putc(b, ',');
	if (s == NULL || *s == '\0')
		return;
	defuse = strchr("=+-@\t\r", *s) != NULL;
	quote = strpbrk(s, ",\"\r\n") != NULL;
	if (quote)
		buf_putc(b, '"');
	if (defuse)
		buf_putc(b, '\'');
	for (; *s; s++) {
		if (*s == '"')
			buf_putc(b, '"');
		buf_putc(b, *s);
	}
	if (quote)
		buf_putc(b, '"');
}

static void
csv_row(struct buf *b, struct db_res *res)
{
	const char *kind = db_str(res, 3);

	csv_cell(b, db_str(res, 0), 1);
	csv_cell(b, db_str(res, 1), 0);
	csv_cell(b, db_str(res, 2), 0);
	csv_cell(b, kind, 0);
	csv_cell(b, label_of(kinds, kind)->label, 0);
	csv_cell(b, db_str(res, 4), 0);
	csv_cell(b, db_str(res, 5), 0);
	csv_cell(b, db_str(res, 6), 0);
	csv_cell(b, db_str(res, 7), 0);
	csv_cell(b, db_str(res, 8), 0);
	buf_puts(b, "\r\n");
}

static void
page_csv(struct req *r)
{
	struct filter f;
	struct db_query d;
	struct db_res res;
	struct arena ba;	/* one batch's results; reset between batches */
	char at[32], name[64];
	long long id = 0, total = 0, batch;
	int rc, truncated = 0, gone = 0;
	json_object *m;
	time_t now = time(NULL);
	size_t n;

	if ((m = start(r, &f)) == NULL)
		return;
	json_object_put(m);
	/* an export of the log is itself on the record */
	if ((rc = audit(r, "audit_exported", NULL, NULL, r->query && *r->query ?
	    r->query : NULL)) != DB_OK) {
		page_db_error(r, rc);
		return;
	}
	arena_init(&ba, 16 * 1024);
	snprintf(at, sizeof(at), "%s", f.before_at);
	id = f.before;
	/* the first batch is read before the headers go out, so a database
	 * that is down is still a 503 */
	compose(&d, &f, at, id, CSV_BATCH);
	if ((rc = dbq_exec(&ba, &d, &res)) != DB_OK) {
		arena_cleanup(&ba);
		page_db_error(r, rc);
		return;
	}
	strftime(name, sizeof(name), "audit-%Y%m%d-%H%M%S.csv", localtime(&now));
	resp_attachment(r, name);
	resp_stream_begin(r, 200, "text/csv; charset=utf-8");
	buf_puts(&r->body_buf, "\xEF\xBB\xBF" "id,时间,账号,类型,类型说明,订单号,对象,详情,IP,请求编号\r\n");
	for (;;) {
		batch = 0;
		while (db_next(&res)) {
			if (total == CSV_MAX) {
				truncated = 1;
				break;
			}
			csv_row(&r->body_buf, &res);
			batch++, total++;
			id = db_int(&res, 0);
			if ((n = db_len(&res, 1)) < sizeof(at))
				memcpy(at, db_str(&res, 1), n + 1);
			if (resp_stream_flush(r, 0) < 0) {
				gone = 1;
				break;
			}
		}
		db_done(&res);
		if (truncated || gone || batch < CSV_BATCH)
			break;
		arena_reset(&ba);
		compose(&d, &f, at, id, CSV_BATCH);
		if ((rc = dbq_exec(&ba, &d, &res)) != DB_OK) {
			/* the status is out: say so in the file and the log */
			rlog(r, LOG_WARN, "export_failed", "rows=%lld rc=%d", total, rc);
			buf_puts(&r->body_buf, "导出中断：数据库错误，请重试 (export interrupted)\r\n");
			break;
		}
	}
	if (truncated)
		buf_printf(&r->body_buf, "已达上限 %d 行，请缩小时间范围后分批导出"
		    " (truncated at %d rows)\r\n", CSV_MAX, CSV_MAX);
	arena_cleanup(&ba);
	rlog(r, LOG_INFO, "audit_export", "rows=%lld truncated=%d", total, truncated);
}

static const struct route routes[] = {
	{ "GET", "/admin/audit", PERM_ADMIN, page_audit },
	{ "GET", "/admin/audit.csv", PERM_ADMIN, page_csv },
	{ NULL, NULL, 0, NULL },
};

int
main(int argc, char **argv)
{
	return app_main(argc, argv, "audit", routes, NULL);
}
