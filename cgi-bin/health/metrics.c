/* metrics.c: /metrics — how is the scanner doing, what is in the queue?
 *
 * GET /metrics (public): Prometheus text format (version 0.0.4) — the
 * latest scan pass (duration, full or not, orders examined, cases opened,
 * updated, resolved and reopened, when it ended and how long ago), the
 * live cases per kind and state (and how many of them are silenced,
 * escalated, or folded into an incident), and the open incidents.  Public
 * on purpose, so a Prometheus server scrapes it without a session or a
 * token that expires: it holds counts and durations only — no order
 * number, no user, no agent, nothing personal.  Where even the counts are
 * not for everyone, allow only the monitoring hosts in nginx's
 * `location = /metrics`.  503 (with Retry-After) when the console
 * database does not answer, which a scraper reports as the target down.
 */
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/db.h"
#include "core/resp.h"
#include "domain/anomaly.h"
#include "ui/page.h"
#include "health.h"

/* The latest pass (none before the first), and the open incidents. */
static struct db_stmt q_scan = DB_STMT(DB_CONSOLE,
	"SELECT r.id, r.ms, r.full, r.examined, r.opened, r.updated, r.resolved, r.reopened,"
	" UNIX_TIMESTAMP(r.started_at) + r.ms / 1000,"
	" TIMESTAMPDIFF(MICROSECOND, r.started_at, NOW(3)) / 1000000 - r.ms / 1000,"
	" (SELECT COUNT(*) FROM incidents WHERE state = 'open')"
	" FROM (SELECT 1) one LEFT JOIN (SELECT * FROM scan_runs ORDER BY id DESC LIMIT 1) r"
	" ON 1");
/* Live cases per kind and state (from the queue's covering index). */
static struct db_stmt q_cases = DB_STMT(DB_CONSOLE,
	"SELECT kind, state, COUNT(*), SUM(silence_id IS NOT NULL),"
	" SUM(state = 'open' AND escalated_at IS NOT NULL), SUM(incident_id IS NOT NULL)"
	" FROM cases WHERE live = 1 GROUP BY kind, state");

static const char *const live_states[] = { "open", "acknowledged", "waiting" };
#define NSTATES 3

/* the per-kind series: one line per kind (and state), zeros included, so
 * a series never vanishes when its count drops to none */
struct tally {
	long long n[ANOMALY_KINDS][NSTATES];
	long long silenced[ANOMALY_KINDS], escalated[ANOMALY_KINDS], folded[ANOMALY_KINDS];
};

static void
gauge(struct buf *b, const char *name, const char *help)
{
	buf_printf(b, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name);
}

static void
per_kind(struct buf *b, const char *name, const long long *v)
{
	int k;

	for (k = 0; k < ANOMALY_KINDS; k++)
		buf_printf(b, "%s{kind=\"%s\"} %lld\n", name, anomaly_kinds[k].code, v[k]);
}

/* scan_pass: the latest pass's series into b (none before the first
 * pass), *incidents the open incidents; DB_OK or an error. */
static int
scan_pass(struct req *r, struct buf *b, long long *incidents)
{
	static const char *const changes[] = { "opened", "updated", "resolved", "reopened" };
	struct db_res res;
	int rc, k;

	if ((rc = db_one(&r->arena, &q_scan, &res, 0, NULL)) != DB_OK) {
		db_done(&res);
		return rc == DB_NOROW ? DB_FAIL : rc;
	}
	*incidents = db_int(&res, 10);
	if (!db_null(&res, 0)) {
		gauge(b, "ordermend_scan_last_duration_seconds",
		    "How long the latest scan pass took.");
		buf_printf(b, "ordermend_scan_last_duration_seconds %.3f\n",
		    (double)db_int(&res, 1) / 1000.0);
		gauge(b, "ordermend_scan_last_full",
		    "1 when the latest pass was a full pass (the clock-driven kinds over every order).");
		buf_printf(b, "ordermend_scan_last_full %lld\n", db_int(&res, 2));
		gauge(b, "ordermend_scan_last_examined", "Orders the latest pass looked at.");
		buf_printf(b, "ordermend_scan_last_examined %lld\n", db_int(&res, 3));
		gauge(b, "ordermend_scan_last_cases",
		    "Cases the latest pass opened, updated, resolved (auto) and reopened.");
		for (k = 0; k < 4; k++)
			buf_printf(b, "ordermend_scan_last_cases{change=\"%s\"} %lld\n", changes[k],
			    db_int(&res, 4 + k));
		gauge(b, "ordermend_scan_last_end_timestamp_seconds",
		    "When the latest pass ended, in seconds since 1970.");
		buf_printf(b, "ordermend_scan_last_end_timestamp_seconds %s\n", db_str(&res, 8));
		gauge(b, "ordermend_scan_last_age_seconds",
		    "Seconds since the latest pass ended (it grows when no scanner works).");
		buf_printf(b, "ordermend_scan_last_age_seconds %.3f\n",
		    strtod(db_str(&res, 9), NULL));
	}
	return db_done(&res);
}

/* The outbox by service and state, of the actions not yet finished (the
 * effective, refused and withdrawn ones only grow). */
static struct db_stmt q_outbox = DB_STMT(DB_CONSOLE,
	"SELECT service, state, COUNT(*) FROM outbox FORCE INDEX (ix_outbox_due)"
	" WHERE state IN ('approval', 'queued', 'sending', 'sent', 'failed', 'dead')"
	" GROUP BY service, state");

/* outbox: the actions by service and state. */
static int
outbox(struct req *r, struct buf *b)
{
	struct db_res res;
	int rc;

	if ((rc = db_exec(&r->arena, &q_outbox, &res, 0, NULL)) != DB_OK)
		return rc;
	gauge(b, "ordermend_actions", "Unfinished actions in the outbox by service and state.");
	while ((rc = db_next(&res)) > 0)
		buf_printf(b, "ordermend_actions{service=\"%s\",state=\"%s\"} %lld\n",
		    db_str(&res, 0), db_str(&res, 1), db_int(&res, 2));
	return rc < 0 ? rc : db_done(&res);
}

/* live_cases: the live cases counted per kind and state into t. */
static int
live_cases(struct req *r, struct tally *t)
{
	struct db_res res;
	int rc, k, s;

	if ((rc = db_exec(&r->arena, &q_cases, &res, 0, NULL)) != DB_OK)
		return rc;
	while ((rc = db_next(&res)) > 0) {
		const struct anomaly_kind *kind = anomaly_kind(db_str(&res, 0));

		if (kind == NULL)
			continue;
		k = (int)(kind - anomaly_kinds);
		for (s = 0; s < NSTATES; s++)
			if (strcmp(live_states[s], db_str(&res, 1)) == 0)
				t->n[k][s] += db_int(&res, 2);
		t->silenced[k] += db_int(&res, 3);
		t->escalated[k] += db_int(&res, 4);
		t->folded[k] += db_int(&res, 5);
	}
	return db_done(&res);
}

void
page_metrics(struct req *r)
{
	struct buf b = { 0 };
	struct tally t;
	long long incidents = 0;
	int rc, k, s;

	memset(&t, 0, sizeof(t));
	if ((rc = scan_pass(r, &b, &incidents)) != DB_OK ||
	    (rc = live_cases(r, &t)) != DB_OK || (rc = outbox(r, &b)) != DB_OK) {
		buf_free(&b);
		page_db_error(r, rc);
		return;
	}
	gauge(&b, "ordermend_cases", "Live cases (open, acknowledged, waiting) by kind and state.");
	for (k = 0; k < ANOMALY_KINDS; k++)
		for (s = 0; s < NSTATES; s++)
			buf_printf(&b, "ordermend_cases{kind=\"%s\",state=\"%s\"} %lld\n",
			    anomaly_kinds[k].code, live_states[s], t.n[k][s]);
	gauge(&b, "ordermend_cases_silenced", "Live cases under a silence (kept out of the queue).");
	per_kind(&b, "ordermend_cases_silenced", t.silenced);
	gauge(&b, "ordermend_cases_escalated", "Open cases escalated past their acknowledge target.");
	per_kind(&b, "ordermend_cases_escalated", t.escalated);
	gauge(&b, "ordermend_cases_in_incident", "Live cases folded into an open incident.");
	per_kind(&b, "ordermend_cases_in_incident", t.folded);
	gauge(&b, "ordermend_incidents_open", "Open incidents (groups of related cases).");
	buf_printf(&b, "ordermend_incidents_open %lld\n", incidents);
	resp_raw(r, 200, RESP_METRICS, b.p, b.len);
	buf_free(&b);
}
