/* casebatch.c: changes of many cases at once — the scanner's writes
 * (see casebatch.h) */
#include "core/db.h"
#include "domain/anomaly.h"
#include "domain/audit.h"
#include "domain/casebatch.h"
#include "domain/cases.h"
#include "domain/notify.h"

/* A JSON list of case ids, joined first and each case looked up by its
 * id: the list drives the join (STRAIGHT_JOIN), whatever the statistics
 * of a case table that was just bulk-loaded say. */
#define JSON_IDS \
	"JSON_TABLE(?, '$[*]' COLUMNS (id BIGINT UNSIGNED PATH '$')) j STRAIGHT_JOIN cases c" \
	" ON c.id = j.id"

static struct db_stmt q_open = DB_STMT(DB_CONSOLE,
	"INSERT INTO cases (kind, order_id, order_no, user_id, order_created_at, state,"
	" severity, amount, since, warehouse, carrier, sku, group_key, group_label, facts,"
	" opened_at, ack_due_at, resolve_due_at, updated_at, silence_id)"
	" SELECT c.kind, c.order_id, c.order_no, c.user_id, c.created, 'open', c.severity,"
	" c.amount,"
	" c.since, c.warehouse, c.carrier, c.sku, c.group_key, c.group_label, c.facts, NOW(),"
	" c.since + INTERVAL ? MINUTE, c.since + INTERVAL ? MINUTE, NOW(),"
	" (SELECT s.id FROM silences s WHERE " SILENCE_MATCH " ORDER BY s.id LIMIT 1)"
	" FROM (SELECT ? AS kind, j.* FROM JSON_TABLE(?, '$[*]' COLUMNS ("
	"  order_id BIGINT UNSIGNED PATH '$[0]', order_no VARCHAR(32) PATH '$[1]',"
	"  user_id BIGINT UNSIGNED PATH '$[2]', severity INT PATH '$[3]',"
	"  amount BIGINT PATH '$[4]', since DATETIME PATH '$[5]',"
	"  warehouse VARCHAR(16) PATH '$[6]', carrier VARCHAR(16) PATH '$[7]',"
	"  sku VARCHAR(32) PATH '$[8]', group_key VARCHAR(96) PATH '$[9]',"
	"  group_label VARCHAR(128) PATH '$[10]', facts VARCHAR(500) PATH '$[11]',"
	"  created DATETIME PATH '$[12]')) j) c");
/* A refreshed or reopened case goes under a silence that covers it now
 * (single-table UPDATEs assign left to right: the new facts first). */
#define SILENCE_NOW \
	" silence_id = COALESCE(silence_id, (SELECT s.id FROM silences s WHERE " \
	SILENCE_MATCH " ORDER BY s.id LIMIT 1))"
static struct db_stmt q_refresh = DB_STMT(DB_CONSOLE,
	"UPDATE cases c SET severity = ?, facts = ?, since = ?, amount = ?, warehouse = ?,"
	" carrier = ?, sku = ?, group_key = ?, group_label = ?, updated_at = NOW(),"
	SILENCE_NOW " WHERE id = ?");
static struct db_stmt q_reopen = DB_STMT(DB_CONSOLE,
	"UPDATE cases c SET state = 'open', reopened = reopened + 1, resolved_at = NULL,"
	" resolved_by = NULL, resolution = NULL, cleared_at = NULL, acknowledged_at = NULL,"
	" escalated_at = NULL, waiting_since = NULL, severity = ?, facts = ?, since = ?,"
	" ack_due_at = ? + INTERVAL ? MINUTE, resolve_due_at = ? + INTERVAL ? MINUTE,"
	" updated_at = NOW()," SILENCE_NOW " WHERE id = ?");
static struct db_stmt q_event = DB_STMT(DB_CONSOLE,
	"INSERT INTO case_events (case_id, order_id, at, actor_type, agent_id, actor, kind,"
	" detail) SELECT id, order_id, NOW(), ?, ?, ?, ?, ? FROM cases WHERE id = ?");
/* A waiting case's SLA clock was paused: the resolve target moves on by
 * the time it waited, as when an agent resumes it (cases.c), before
 * q_resolve clears waiting_since.  (A multi-table UPDATE does not promise
 * the order of its assignments, hence two statements.) */
static struct db_stmt q_resolve_pause = DB_STMT(DB_CONSOLE,
	"UPDATE " JSON_IDS " SET c.resolve_due_at ="
	" c.resolve_due_at + INTERVAL TIMESTAMPDIFF(SECOND, c.waiting_since, NOW()) SECOND"
	" WHERE c.waiting_since IS NOT NULL");
static struct db_stmt q_resolve = DB_STMT(DB_CONSOLE,
	"UPDATE " JSON_IDS " SET c.state = 'auto_resolved',"
	" c.resolved_at = NOW(), c.resolved_by = NULL, c.resolution = ?,"
	" c.waiting_since = NULL, c.updated_at = NOW()");
static struct db_stmt q_resolve_events = DB_STMT(DB_CONSOLE,
	"INSERT INTO case_events (case_id, order_id, at, actor_type, agent_id, actor, kind,"
	" detail) SELECT c.id, c.order_id, NOW(), ?, ?, ?, 'auto_resolved', ? FROM " JSON_IDS);
static struct db_stmt q_cleared = DB_STMT(DB_CONSOLE,
	"UPDATE " JSON_IDS " SET c.cleared_at = NOW()");

static struct db_stmt q_group_big = DB_STMT(DB_CONSOLE,
	"SELECT group_key, MIN(group_label), MIN(kind), COUNT(*) FROM cases"
	" WHERE live = 1 AND group_key IS NOT NULL AND since > NOW() - INTERVAL ? SECOND"
	" GROUP BY group_key HAVING COUNT(*) >= ?");
static struct db_stmt q_incident_new = DB_STMT(DB_CONSOLE,
	"INSERT IGNORE INTO incidents (kind, group_key, label, state, opened_at)"
	" VALUES (?, ?, ?, 'open', NOW())");
/* An incident is the burst: the cases of its group that began within the
 * window before it opened, or since.  An older backlog of the same cause
 * stays in the queue case by case. */
static struct db_stmt q_incident_join = DB_STMT(DB_CONSOLE,
	"UPDATE cases c JOIN incidents i ON i.group_key = c.group_key AND i.live = 1"
	" SET c.incident_id = i.id WHERE c.group_key = ? AND c.live = 1"
	" AND c.incident_id IS NULL AND c.since >= i.opened_at - INTERVAL ? SECOND");
/* (By the incident: the queue's covering index would walk every live
 * case for each incident, 40 ms a pass at a million orders.) */
static struct db_stmt q_incident_leave = DB_STMT(DB_CONSOLE,
	"UPDATE cases FORCE INDEX (ix_cases_incident) SET incident_id = NULL"
	" WHERE incident_id IS NOT NULL AND live IS NULL");
static struct db_stmt q_incident_count = DB_STMT(DB_CONSOLE,
	"UPDATE incidents i SET members = (SELECT COUNT(*) FROM cases c"
	" FORCE INDEX (ix_cases_incident) WHERE c.incident_id = i.id AND c.live = 1)"
	" WHERE i.state = 'open'");
static struct db_stmt q_incident_end = DB_STMT(DB_CONSOLE,
	"UPDATE incidents SET state = 'resolved', resolved_at = NOW()"
	" WHERE state = 'open' AND members = 0");

/* Open past the acknowledge target, and not silenced: escalated, once. */
#define ESCALATE "state = 'open' AND ack_due_at < NOW() AND escalated_at IS NULL" \
	" AND silence_id IS NULL"
static struct db_stmt q_escalate_events = DB_STMT(DB_CONSOLE,
	"INSERT INTO case_events (case_id, order_id, at, actor_type, agent_id, actor, kind,"
	" detail) SELECT id, order_id, NOW(), ?, ?, ?, 'escalated',"
	" '超过受理时限仍未处理，已升级' FROM cases WHERE " ESCALATE);
static struct db_stmt q_escalate = DB_STMT(DB_CONSOLE,
	"UPDATE cases SET escalated_at = NOW() WHERE " ESCALATE);
/* what is about to be escalated, for the team's chat */
static struct db_stmt q_escalating = DB_STMT(DB_CONSOLE,
	"SELECT COUNT(*), COALESCE(MIN(id), 0), COALESCE(MAX(id), 0),"
	" GROUP_CONCAT(order_no ORDER BY id SEPARATOR '、' LIMIT 5) FROM cases WHERE " ESCALATE);

/* Waits whose time came: back to the queue — to the owner (acknowledged),
 * or open when nobody holds the case — with the clock going on from where
 * it stopped, and a reminder. */
#define WAKE "state = 'waiting' AND wait_until <= NOW()"
static struct db_stmt q_wake_events = DB_STMT(DB_CONSOLE,
	"INSERT INTO case_events (case_id, order_id, at, actor_type, agent_id, actor, kind,"
	" detail) SELECT id, order_id, NOW(), ?, ?, ?, 'reminder',"
	" CONCAT('等待到 ', DATE_FORMAT(wait_until, '%Y-%m-%d %H:%i'), ' 已到，请跟进')"
	" FROM cases FORCE INDEX (ix_cases_wake) WHERE " WAKE);
static struct db_stmt q_wake = DB_STMT(DB_CONSOLE,
	"UPDATE cases FORCE INDEX (ix_cases_wake) SET resolve_due_at = resolve_due_at"
	" + INTERVAL TIMESTAMPDIFF(SECOND, waiting_since, NOW()) SECOND,"
	" state = IF(assignee_id IS NULL, 'open', 'acknowledged'), waiting_since = NULL,"
	" wait_until = NULL, reminded = 1, updated_at = NOW() WHERE " WAKE);

int
cases_open(struct arena *a, const struct actor *who, const char *kind,
    long long ack_minutes, long long resolve_minutes, const char *rows)
{
	(void)who;	/* an opening is the case row itself (opened_at), no event */
	return DB_EXEC(a, &q_open, NULL, DB_INT(ack_minutes), DB_INT(resolve_minutes),
	    DB_STR(kind), DB_STR(rows));
}

static int
event(struct arena *a, const struct actor *who, long long id, const char *kind,
    const char *detail)
{
	return DB_EXEC(a, &q_event, NULL, ACTOR_ARGS(who), DB_STR(kind), DB_STR(detail),
	    DB_INT(id));
}

int
case_refresh(struct arena *a, const struct actor *who, long long id,
    const struct case_facts *f)
{
	int rc = DB_EXEC(a, &q_refresh, NULL, DB_INT(f->severity), DB_STR(f->facts),
	    DB_STR(f->since), DB_INT(f->amount), DB_STRN(f->warehouse), DB_STRN(f->carrier),
	    DB_STRN(f->sku), DB_STRN(f->group_key), DB_STRN(f->group_label), DB_INT(id));

	return rc != DB_OK ? rc : event(a, who, id, "updated", f->facts);
}

int
case_reopen(struct arena *a, const struct actor *who, long long id,
    const struct case_facts *f, long long ack_minutes, long long resolve_minutes)
{
	int rc = DB_EXEC(a, &q_reopen, NULL, DB_INT(f->severity), DB_STR(f->facts),
	    DB_STR(f->since), DB_STR(f->since), DB_INT(ack_minutes), DB_STR(f->since),
	    DB_INT(resolve_minutes), DB_INT(id));

	return rc != DB_OK ? rc : event(a, who, id, "reopened", f->facts);
}

int
cases_resolve(struct arena *a, const struct actor *who, const char *ids, const char *why)
{
	int rc;

	if ((rc = DB_EXEC(a, &q_resolve_pause, NULL, DB_STR(ids))) != DB_OK ||
	    (rc = DB_EXEC(a, &q_resolve_events, NULL, ACTOR_ARGS(who), DB_STR(why),
	    DB_STR(ids))) != DB_OK)
		return rc;
	return DB_EXEC(a, &q_resolve, NULL, DB_STR(ids), DB_STR(why));
}

int
cases_cleared(struct arena *a, const char *ids)
{
	return DB_EXEC(a, &q_cleared, NULL, DB_STR(ids));
}

int
incidents_update(struct arena *a, const struct actor *who, long long window,
    long long threshold)
{
	struct db_res res, ins;
	char **keys;
	size_t n = 0, i;
	int rc;

	if ((rc = DB_EXEC(a, &q_group_big, &res, DB_INT(window), DB_INT(threshold))) != DB_OK)
		return rc;
	keys = arena_alloc(a, (res.rows + 1) * sizeof(*keys));
	while ((rc = db_next(&res)) > 0) {
		keys[n] = arena_strdup(a, db_str(&res, 0));
		if ((rc = DB_EXEC(a, &q_incident_new, &ins, DB_STR(db_str(&res, 2)),
		    DB_STR(keys[n]), DB_STR(db_str(&res, 1)))) != DB_OK ||
		    (ins.affected && ((rc = audit(a, who, "incident_opened", NULL,
		    arena_printf(a, "事件 %llu", ins.insert_id), db_str(&res, 1))) != DB_OK ||
		    (rc = notify(a, who, "incident", arena_printf(a, "incident %llu",
		    ins.insert_id), arena_printf(a, "新事件：%s", anomaly_label(db_str(&res, 2))),
		    arena_printf(a, "%s：%lld 个订单同一原因，已合并为事件 %llu。", db_str(&res, 1),
		    db_int(&res, 3), ins.insert_id))) != DB_OK)))
			break;
		n++;
	}
	if (db_done(&res) != DB_OK || rc < 0)
		return rc < 0 ? rc : DB_FAIL;
	for (i = 0; i < n; i++)
		if ((rc = DB_EXEC(a, &q_incident_join, NULL, DB_STR(keys[i]),
		    DB_INT(window))) != DB_OK)
			return rc;
	if ((rc = db_exec(a, &q_incident_leave, NULL, 0, NULL)) != DB_OK ||
	    (rc = db_exec(a, &q_incident_count, NULL, 0, NULL)) != DB_OK)
		return rc;
	return db_exec(a, &q_incident_end, NULL, 0, NULL);
}

int
cases_escalate(struct arena *a, const struct actor *who)
{
	int rc;

	struct db_res res;
	long long n = 0, first = 0, last = 0;
	const char *some = "";

	if ((rc = db_begin(DB_CONSOLE)) != DB_OK)
		return rc;
	if ((rc = db_one(a, &q_escalating, &res, 0, NULL)) == DB_OK) {
		n = db_int(&res, 0);
		first = db_int(&res, 1);
		last = db_int(&res, 2);
		some = arena_strdup(a, db_str(&res, 3) ? db_str(&res, 3) : "");
	}
	db_done(&res);
	if ((rc == DB_OK || rc == DB_NOROW) &&
	    (rc = DB_EXEC(a, &q_escalate_events, NULL, ACTOR_ARGS(who))) == DB_OK &&
	    (rc = db_exec(a, &q_escalate, NULL, 0, NULL)) == DB_OK &&
	    (n == 0 || (rc = notify(a, who, "sla", arena_printf(a, "cases %lld-%lld", first,
	    last), arena_printf(a, "%lld 个异常单超时升级", n), arena_printf(a,
	    "超过受理时限仍未处理：订单 %s%s。", some, n > 5 ? " 等" : ""))) == DB_OK))
		rc = db_commit(DB_CONSOLE);
	if (rc != DB_OK)
		db_rollback(DB_CONSOLE);
	return rc;
}

int
cases_wake(struct arena *a, const struct actor *who)
{
	int rc;

	if ((rc = db_begin(DB_CONSOLE)) != DB_OK ||
	    (rc = DB_EXEC(a, &q_wake_events, NULL, ACTOR_ARGS(who))) != DB_OK ||
	    (rc = db_exec(a, &q_wake, NULL, 0, NULL)) != DB_OK ||
	    (rc = db_commit(DB_CONSOLE)) != DB_OK)
		db_rollback(DB_CONSOLE);
	return rc;
}
