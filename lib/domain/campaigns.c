/* campaigns.c: one script called to many orders (see campaigns.h) */
#include <string.h>

#include "core/buf.h"
#include "core/db.h"
#include "core/util.h"
#include "domain/audit.h"
#include "domain/calls.h"
#include "domain/campaigns.h"
#include "domain/cases.h"

const struct label campaign_states[] = {
	{ "running", "进行中", "blue" },
	{ "paused", "已暂停", "amber" },
	{ "stopped", "已停止", "gray" },
	{ "ended", "已结束", "gray" },
	{ NULL, NULL, NULL },
};

static struct db_stmt q_bounds = DB_STMT(DB_CONSOLE,
	"SELECT DATE_FORMAT(s, '%Y-%m-%d %H:%i:%s'), DATE_FORMAT(e, '%Y-%m-%d %H:%i:%s'),"
	" e > s AND e > NOW() AND e <= NOW() + INTERVAL 30 DAY AND s <= NOW() + INTERVAL 30 DAY"
	" FROM (SELECT GREATEST(NOW(), COALESCE(CAST(? AS DATETIME), NOW())) s,"
	" COALESCE(CAST(? AS DATETIME), NOW() + INTERVAL 3 DAY) e) x");
static struct db_stmt q_new = DB_STMT(DB_CONSOLE,
	"INSERT INTO campaigns (name, script, incident_id, state, starts_at, ends_at, cap,"
	" actor_type, agent_id, actor, created_at, updated_at)"
	" VALUES (?, ?, ?, 'running', ?, ?, ?, ?, ?, ?, NOW(), NOW())");
static struct db_stmt q_incident_cases = DB_STMT(DB_CONSOLE,
	"SELECT id, order_id FROM cases FORCE INDEX (ix_cases_incident)"
	" WHERE incident_id = ? AND live = 1 ORDER BY id LIMIT ?");
static struct db_stmt q_case = DB_STMT(DB_CONSOLE,
	"SELECT order_id FROM cases WHERE id = ? AND live = 1");
static struct db_stmt q_counts = DB_STMT(DB_CONSOLE,
	"UPDATE campaigns SET asked = ?, skipped = ?, skipped_why = ? WHERE id = ?");
static struct db_stmt q_lock = DB_STMT(DB_CONSOLE,
	"SELECT state, name FROM campaigns WHERE id = ? FOR UPDATE");
static struct db_stmt q_state = DB_STMT(DB_CONSOLE,
	"UPDATE campaigns SET state = ?, updated_at = NOW() WHERE id = ?");
/* its calls not dialled yet: held, let go, withdrawn */
static struct db_stmt q_hold = DB_STMT(DB_CONSOLE,
	"UPDATE outbox o JOIN calls c ON o.id = c.outbox_id SET o.next_at = '" CAMPAIGN_HELD "',"
	" o.updated_at = NOW() WHERE c.campaign_id = ? AND c.state = 'scheduled'"
	" AND o.state = 'queued'");
static struct db_stmt q_release = DB_STMT(DB_CONSOLE,
	"UPDATE outbox o JOIN calls c ON o.id = c.outbox_id"
	" SET o.next_at = GREATEST(NOW(), c.scheduled_at), o.updated_at = NOW()"
	" WHERE c.campaign_id = ? AND c.state = 'scheduled' AND o.state = 'queued'");
static struct db_stmt q_withdraw = DB_STMT(DB_CONSOLE,
	"UPDATE outbox o JOIN calls c ON o.id = c.outbox_id SET o.state = 'cancelled',"
	" o.approval_note = ?, o.updated_at = NOW() WHERE c.campaign_id = ?"
	" AND c.state = 'scheduled' AND o.state IN ('queued', 'approval')");
static struct db_stmt q_withdraw_calls = DB_STMT(DB_CONSOLE,
	"UPDATE calls SET state = 'cancelled', follow_up = ?, updated_at = NOW()"
	" WHERE campaign_id = ? AND state = 'scheduled'");
static struct db_stmt q_due = DB_STMT(DB_CONSOLE,
	"SELECT id FROM campaigns FORCE INDEX (ix_campaigns_state)"
	" WHERE state IN ('running', 'paused') AND ends_at <= NOW() LIMIT 100 FOR UPDATE");

/* One case to call. */
struct target {
	long long case_id, order_id;
};

/* targets: the cases c names, live, up to its cap. */
static int
targets(struct arena *a, const struct campaign_new *c, struct target **v, int *n)
{
	struct db_res res;
	int rc, i;

	*n = 0;
	if (c->incident) {
		if ((rc = DB_EXEC(a, &q_incident_cases, &res, DB_INT(c->incident),
		    DB_INT(c->cap))) != DB_OK)
			return rc;
		*v = arena_alloc(a, (res.rows + 1) * sizeof(**v));
		while ((rc = db_next(&res)) > 0) {
			(*v)[*n].case_id = db_int(&res, 0);
			(*v)[(*n)++].order_id = db_int(&res, 1);
		}
		if (rc < 0) {
			db_done(&res);
			return rc;
		}
		return db_done(&res);
	}
	*v = arena_alloc(a, ((size_t)c->ncases + 1) * sizeof(**v));
	for (i = 0; i < c->ncases && *n < c->cap; i++) {
		rc = DB_ONE(a, &q_case, &res, DB_INT(c->cases[i]));
		if (rc == DB_OK) {
			(*v)[*n].case_id = c->cases[i];
			(*v)[(*n)++].order_id = db_int(&res, 0);
		}
		db_done(&res);
		if (rc != DB_OK && rc != DB_NOROW)
			return rc;
	}
	return DB_OK;
}

int
campaign_create(struct arena *a, const struct actor *who, const struct campaign_new *c,
    long long *id, long long *asked, long long *skipped)
{
	static const int refusals[] = { CALL_DNC, CALL_ATTEMPTS, CALL_PENDING, CALL_NO_PHONE,
	    CALL_VAR_MISSING };
	long long why[NELEM(refusals)] = { 0 };
	struct call_rates everyone = { 0 };
	struct call_script s;
	struct target *v;
	struct db_res res;
	struct buf b = { 0 };
	const char *starts, *ends, *name;
	int rc, n, i, k, ok;

	*id = *asked = *skipped = 0;
	if (c->cap < 1 || c->cap > CAMPAIGN_MAX)
		return CAMPAIGN_BAD;
	if ((rc = call_script_get(a, c->script, &s)) != DB_OK)
		return rc;
	if (!s.enabled)
		return SCRIPT_MISSING;
	rc = DB_ONE(a, &q_bounds, &res, DB_STRN(c->starts_at), DB_STRN(c->ends_at));
	ok = rc == DB_OK && !db_null(&res, 0) && !db_null(&res, 1) && db_int(&res, 2) == 1;
	starts = ok ? arena_strdup(a, db_str(&res, 0)) : NULL;
	ends = ok ? arena_strdup(a, db_str(&res, 1)) : NULL;
	db_done(&res);
	if (rc != DB_OK)
		return rc;
	if (!ok)
		return CAMPAIGN_BAD;
	if ((rc = targets(a, c, &v, &n)) != DB_OK)
		return rc;
	if (n == 0)
		return CAMPAIGN_EMPTY;
	name = c->name && *c->name ? c->name : c->incident ?
	    arena_printf(a, "%s · 事件 %lld", s.name, c->incident) :
	    arena_printf(a, "%s · %d 个异常单", s.name, n);
	if ((rc = DB_EXEC(a, &q_new, &res, DB_STR(name), DB_STR(s.code),
	    c->incident ? DB_INT(c->incident) : DB_NULL, DB_STR(starts), DB_STR(ends),
	    DB_INT(c->cap), ACTOR_ARGS(who))) != DB_OK)
		return rc;
	*id = (long long)res.insert_id;
	for (i = 0; i < n; i++) {
		const char *when, *because;
		long long call;

		rc = call_request(a, who, &(struct call_ask){ .order_id = v[i].order_id,
		    .case_id = v[i].case_id, .campaign = *id, .script = s.code,
		    .not_before = starts, .best = 1, .loaded = &s, .everyone = &everyone },
		    &call, &when, &because);
		if (rc == DOM_OK) {
			(*asked)++;
			continue;
		}
		for (k = 0; k < (int)NELEM(refusals) && refusals[k] != rc; k++)
			;
		if (k == (int)NELEM(refusals))
			return rc == DB_NOROW ? DB_FAIL : rc;	/* not a refusal: the whole fails */
		why[k]++;
		(*skipped)++;
	}
	for (k = 0; k < (int)NELEM(refusals); k++)
		if (why[k])
			buf_printf(&b, "%s%s %lld 个", b.p ? "；" : "", dom_why(refusals[k]), why[k]);
	rc = DB_EXEC(a, &q_counts, NULL, DB_INT(*asked), DB_INT(*skipped),
	    DB_STR(b.p ? arena_strdup(a, b.p) : ""), DB_INT(*id));
	buf_free(&b);
	if (rc != DB_OK)
		return rc;
	return audit(a, who, "campaign_created", NULL, arena_printf(a, "外呼任务 %lld", *id),
	    arena_printf(a, "%s：%lld 通外呼，跳过 %lld 个，%.16s 至 %.16s", name, *asked,
	    *skipped, starts, ends));
}

/* withdraw: campaign id's calls not dialled, withdrawn, saying why. */
static int
withdraw(struct arena *a, long long id, const char *why)
{
	int rc;

	if ((rc = DB_EXEC(a, &q_withdraw, NULL, DB_STR(why), DB_INT(id))) != DB_OK)
		return rc;
	return DB_EXEC(a, &q_withdraw_calls, NULL, DB_STR(why), DB_INT(id));
}

int
campaign_change(struct arena *a, const struct actor *who, long long id, const char *change)
{
	struct db_res res;
	const char *state, *name, *to;
	int rc = DB_ONE(a, &q_lock, &res, DB_INT(id));

	if (rc != DB_OK) {
		db_done(&res);
		return rc == DB_NOROW ? CAMPAIGN_MISSING : rc;
	}
	state = arena_strdup(a, db_str(&res, 0));
	name = arena_strdup(a, db_str(&res, 1));
	db_done(&res);
	if (strcmp(change, "pause") == 0 && strcmp(state, "running") == 0) {
		to = "paused";
		rc = DB_EXEC(a, &q_hold, NULL, DB_INT(id));
	} else if (strcmp(change, "resume") == 0 && strcmp(state, "paused") == 0) {
		to = "running";
		rc = DB_EXEC(a, &q_release, NULL, DB_INT(id));
	} else if (strcmp(change, "stop") == 0 && (strcmp(state, "running") == 0 ||
	    strcmp(state, "paused") == 0)) {
		to = "stopped";
		rc = withdraw(a, id, "外呼任务已停止");
	} else
		return CAMPAIGN_CHANGED;
	if (rc != DB_OK || (rc = DB_EXEC(a, &q_state, NULL, DB_STR(to), DB_INT(id))) != DB_OK)
		return rc;
	return audit(a, who, strcmp(to, "paused") == 0 ? "campaign_paused" :
	    strcmp(to, "running") == 0 ? "campaign_resumed" : "campaign_stopped", NULL,
	    arena_printf(a, "外呼任务 %lld", id), name);
}

int
campaigns_end(struct arena *a, int *n)
{
	struct db_res res;
	long long ids[100];
	int k = 0, i, rc;

	*n = 0;
	if ((rc = db_begin(DB_CONSOLE)) != DB_OK)
		return rc;
	if ((rc = db_exec(a, &q_due, &res, 0, NULL)) == DB_OK) {
		while ((rc = db_next(&res)) > 0)
			if (k < (int)NELEM(ids))
				ids[k++] = db_int(&res, 0);
		if (rc < 0)
			db_done(&res);
		else
			rc = db_done(&res);
	}
	for (i = 0; rc == DB_OK && i < k; i++)
		if ((rc = withdraw(a, ids[i], "外呼任务已到结束时间")) == DB_OK)
			rc = DB_EXEC(a, &q_state, NULL, DB_STR("ended"), DB_INT(ids[i]));
	if (rc == DB_OK && (rc = db_commit(DB_CONSOLE)) == DB_OK) {
		*n = k;
		return DB_OK;
	}
	db_rollback(DB_CONSOLE);
	return rc;
}
