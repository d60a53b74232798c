/* probe.h: what the benchmark's bare probes share: rows out as text */
#ifndef OM_PROBE_H
#define OM_PROBE_H

#include "core/buf.h"
#include "core/db.h"
#include "core/req.h"
#include "core/resp.h"

/* probe_rows: every row of res as tab-separated text (the current row
 * first when one was fetched already); releases res.  DB_OK, or the error
 * a fetch met. */
static inline int
probe_rows(struct buf *out, struct db_res *res, int fetched)
{
	unsigned i;

	while (fetched || db_next(res) > 0) {
		fetched = 0;
		for (i = 0; i < res->ncols; i++) {
			const char *v = db_str(res, i);

			buf_puts(out, v ? v : "NULL");
			buf_putc(out, i + 1 < res->ncols ? '\t' : '\n');
		}
	}
	return db_done(res);
}

/* probe_fail: 404 when the statement gave no row (DB_NOROW), else 503. */
static inline void
probe_fail(struct req *r, int rc)
{
	resp_raw(r, rc == DB_NOROW ? 404 : 503, RESP_TEXT, "no\n", 3);
}

static inline void
probe_send(struct req *r, int rc, struct buf *out)
{
	if (rc != DB_OK)
		probe_fail(r, rc);
	else
		resp_raw(r, 200, RESP_TEXT, out->p ? out->p : "", out->len);
	buf_free(out);
}

#endif
