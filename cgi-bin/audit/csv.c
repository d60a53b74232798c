/* csv.c: the audit log's export
 *
 * GET /admin/audit.csv   (admin) the search's filters (filter.c), at most
 *   100,000 rows, as CSV; the export itself is audited (audit_exported,
 *   with the query as its detail)
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

#include "core/arena.h"
#include "core/buf.h"
#include "core/db.h"
#include "core/resp.h"
#include "domain/audit.h"
#include "domain/shop.h"
#include "ui/auth.h"
#include "ui/page.h"
#include "audit.h"

#define CSV_BATCH 1000
#define CSV_MAX 100000

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
	const char *kind = db_str(res, AU_KIND);

	csv_cell(b, db_str(res, AU_ID), 1);
	csv_cell(b, db_str(res, AU_AT), 0);
	csv_cell(b, db_str(res, AU_LOGIN), 0);
	csv_cell(b, kind, 0);
	csv_cell(b, label_of(audit_kinds, kind)->label, 0);
	csv_cell(b, db_str(res, AU_ORDER), 0);
	csv_cell(b, db_str(res, AU_TARGET), 0);
	csv_cell(b, db_str(res, AU_DETAIL), 0);
	csv_cell(b, db_str(res, AU_IP), 0);
	csv_cell(b, db_str(res, AU_REQUEST), 0);
	buf_puts(b, "\r\n");
}

/* filters_text: what an export selected, in words, for its audit row. */
static const char *
filters_text(struct req *r, const struct filter *f)
{
	struct buf b = { 0 };
	const char *out;

	if (f->agent)
		buf_printf(&b, "账号 %s；", f->agent);
	if (f->order)
		buf_printf(&b, "订单号 %s；", f->order);
	if (f->kind)
		buf_printf(&b, "类型 %s；", label_of(audit_kinds, f->kind)->label);
	if (f->from[0])
		buf_printf(&b, "自 %s；", f->from);
	if (f->to[0])
		buf_printf(&b, "至 %s；", f->to);
	if (f->before)
		buf_printf(&b, "编号 %lld 之前；", f->before);
	out = arena_printf(&r->arena, "筛选：%s", b.p ? b.p : "全部");
	buf_free(&b);
	return out;
}

void
page_audit_csv(struct req *r)
{
	struct filter f;
	struct db_query d;
	struct db_res res;
	struct arena ba;	/* one batch's results; reset between batches */
	char at[32], name[64];
	long long id = 0, total = 0, batch;
	int rc, truncated = 0, gone = 0;
	time_t now = time(NULL);
	size_t n;

	if (filter_start(r, &f) == NULL)
		return;
	/* an export of the log is itself on the record */
	if ((rc = audit(&r->arena, auth_actor(r), "audit_exported", NULL, NULL,
	    filters_text(r, &f))) != DB_OK) {
		page_db_error(r, rc);
		return;
	}
	arena_init(&ba, 16 * 1024);
	snprintf(at, sizeof(at), "%s", f.before_at);
	id = f.before;
	/* the first batch is read before the headers go out, so a database
	 * that is down is still a 503 */
	filter_query(&d, &f, at, id, CSV_BATCH);
	if ((rc = dbq_exec(&ba, &d, &res)) != DB_OK) {
		arena_cleanup(&ba);
		page_db_error(r, rc);
		return;
	}
	strftime(name, sizeof(name), "audit-%Y%m%d-%H%M%S.csv", localtime(&now));
	resp_attachment(r, name);
	resp_stream_begin(r, 200, RESP_CSV);
	buf_puts(&r->body_buf, "\xEF\xBB\xBF" "编号,时间,账号,类型,类型说明,订单号,对象,详情,IP,请求编号\r\n");
	for (;;) {
		batch = 0;
		while ((rc = db_next(&res)) > 0) {
			if (total == CSV_MAX) {
				truncated = 1;
				break;
			}
			csv_row(&r->body_buf, &res);
			batch++, total++;
			id = db_int(&res, AU_ID);
			if ((n = db_len(&res, AU_AT)) < sizeof(at))
				memcpy(at, db_str(&res, AU_AT), n + 1);
			if (resp_stream_flush(r, 0) < 0) {
				gone = 1;
				break;
			}
		}
		db_done(&res);
		if (rc >= 0 && (truncated || gone || batch < CSV_BATCH))
			break;
		if (rc >= 0) {
			arena_reset(&ba);
			filter_query(&d, &f, at, id, CSV_BATCH);
			rc = dbq_exec(&ba, &d, &res);
		}
		if (rc != DB_OK) {
			/* the status is out: say so in the file and the log */
			rlog(r, LOG_WARN, "export_failed", "rows=%lld rc=%d", total, rc);
			buf_puts(&r->body_buf, "导出中断：数据库错误，请重试\r\n");
			break;
		}
	}
	if (truncated)
		buf_printf(&r->body_buf, "已达上限 %d 行，请缩小时间范围后分批导出\r\n",
		    CSV_MAX);
	arena_cleanup(&ba);
	rlog(r, LOG_INFO, "audit_export", "rows=%lld truncated=%d", total, truncated);
}
