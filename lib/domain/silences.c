/* silences.c: keeping cases out of the queue for a while (see silences.h) */
#include "core/db.h"
#include "domain/audit.h"
#include "domain/cases.h"
#include "domain/silences.h"

static struct db_stmt q_new = DB_STMT(DB_CONSOLE,
	"INSERT INTO silences (kind, carrier, sku, warehouse, user_id, order_no, reason,"
	" created_by, created_at, ends_at, cases_only)"
	" VALUES (?, ?, ?, ?, ?, ?, ?, ?, NOW(), NOW() + INTERVAL ? HOUR, ?)");
/* A new silence with matchers takes the live cases it matches now. */
static struct db_stmt q_apply = DB_STMT(DB_CONSOLE,
	"UPDATE cases c JOIN silences s ON s.id = ? SET c.silence_id = s.id,"
	" c.updated_at = NOW() WHERE c.live = 1 AND c.silence_id IS NULL AND " SILENCE_MATCH);
/* An event for each live case under a silence (written while they are). */
static struct db_stmt q_events = DB_STMT(DB_CONSOLE,
	"INSERT INTO case_events (case_id, order_id, at, actor_type, agent_id, actor, kind,"
	" detail) SELECT id, order_id, NOW(), ?, ?, ?, ?, ? FROM cases"
	" WHERE silence_id = ? AND live = 1");
static struct db_stmt q_end = DB_STMT(DB_CONSOLE,
	"UPDATE silences SET ended_at = NOW() WHERE id = ? AND ended_at IS NULL"
	" AND ends_at > NOW()");
static struct db_stmt q_let_go = DB_STMT(DB_CONSOLE,
	"UPDATE cases SET silence_id = NULL, updated_at = NOW() WHERE silence_id = ?");

/* Silences whose time is up let their cases go, with a case event each. */
#define SILENCE_OVER "(s.ends_at <= NOW() OR s.ended_at IS NOT NULL)"
static struct db_stmt q_over_events = DB_STMT(DB_CONSOLE,
	"INSERT INTO case_events (case_id, order_id, at, actor_type, agent_id, actor, kind,"
	" detail) SELECT c.id, c.order_id, NOW(), ?, ?, ?, 'unsilenced',"
	" CONCAT('静默已结束：', s.reason) FROM silences s JOIN cases c ON c.silence_id = s.id"
	" WHERE " SILENCE_OVER " AND c.live = 1");
static struct db_stmt q_over = DB_STMT(DB_CONSOLE,
	"UPDATE silences s JOIN cases c ON c.silence_id = s.id"
	" SET c.silence_id = NULL WHERE " SILENCE_OVER);

int
silence_create(struct arena *a, const struct actor *who, const struct silence_match *m,
    long long hours, const char *reason, long long *id, long long *n)
{
	static const struct silence_match none;
	const struct silence_match *s = m ? m : &none;
	struct db_res res;
	int rc;

	if ((rc = DB_EXEC(a, &q_new, &res, DB_STRN(s->kind), DB_STRN(s->carrier),
	    DB_STRN(s->sku), DB_STRN(s->warehouse), s->user_id ? DB_INT(s->user_id) : DB_NULL,
	    DB_STRN(s->order_no), DB_STR(reason),
	    who->agent_id ? DB_INT(who->agent_id) : DB_INT(0), DB_INT(hours),
	    DB_INT(m == NULL))) != DB_OK)
		return rc;
	*id = (long long)res.insert_id;
	if (m == NULL)
		return audit(a, who, "silence_created", NULL, arena_printf(a, "静默 %lld", *id),
		    arena_printf(a, "%lld 个异常单，%lld 小时：%s", *n, hours, reason));
	if ((rc = DB_EXEC(a, &q_apply, &res, DB_INT(*id))) != DB_OK)
		return rc;
	*n = (long long)res.affected;
	if ((rc = DB_EXEC(a, &q_events, NULL, ACTOR_ARGS(who), DB_STR("silenced"),
	    DB_STR(reason), DB_INT(*id))) != DB_OK)
		return rc;
	return audit(a, who, "silence_created", s->order_no, arena_printf(a, "静默 %lld", *id),
	    arena_printf(a, "%lld 小时，当前 %lld 个异常单：%s", hours, *n, reason));
}

int
silence_end(struct arena *a, const struct actor *who, long long id)
{
	struct db_res res;
	int rc;

	if ((rc = DB_EXEC(a, &q_end, &res, DB_INT(id))) != DB_OK)
		return rc;
	if (res.affected == 0)
		return SILENCE_MISSING;
	if ((rc = DB_EXEC(a, &q_events, NULL, ACTOR_ARGS(who), DB_STR("unsilenced"),
	    DB_STR("静默提前结束"), DB_INT(id))) != DB_OK ||
	    (rc = DB_EXEC(a, &q_let_go, NULL, DB_INT(id))) != DB_OK)
		return rc;
	return audit(a, who, "silence_ended", NULL, arena_printf(a, "静默 %lld", id), NULL);
}

int
silences_release(struct arena *a, const struct actor *who)
{
	int rc;

	if ((rc = db_begin(DB_CONSOLE)) != DB_OK ||
	    (rc = DB_EXEC(a, &q_over_events, NULL, ACTOR_ARGS(who))) != DB_OK ||
	    (rc = db_exec(a, &q_over, NULL, 0, NULL)) != DB_OK ||
	    (rc = db_commit(DB_CONSOLE)) != DB_OK)
		db_rollback(DB_CONSOLE);
	return rc;
}
