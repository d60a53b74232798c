/* cases.c: anomaly cases — their states and every change of one (see
 * cases.h) */
#include <string.h>

#include "core/db.h"
#include "domain/audit.h"
#include "domain/cases.h"

const struct label case_states[] = {
	{ "open", "待处理", "red" },
	{ "acknowledged", "处理中", "blue" },
	{ "waiting", "等待中", "amber" },
	{ "resolved", "已解决", "green" },
	{ "auto_resolved", "自动解决", "teal" },
	{ "dismissed", "已忽略", "gray" },
	{ NULL, NULL, NULL },
};

const struct label severities[] = {
	{ "1", "低", "gray" },
	{ "2", "中", "amber" },
	{ "3", "高", "orange" },
	{ "4", "紧急", "red" },
	{ NULL, NULL, NULL },
};

const struct label case_actions[] = {
	{ "claim", "认领", "blue" },
	{ "assign", "指派", "blue" },
	{ "wait", "转为等待", "amber" },
	{ "resume", "恢复处理", "blue" },
	{ "resolve", "解决", "green" },
	{ "dismiss", "忽略", "gray" },
	{ "note", "备注", "gray" },
	{ "silence", "静默", "gray" },
	{ "escalate", "升级", "orange" },
	{ NULL, NULL, NULL },
};

/* The teams a case can be handed to (escalate). */
const struct label case_teams[] = {
	{ "payment", "支付组", "blue" },
	{ "warehouse", "仓储组", "blue" },
	{ "carrier", "物流组", "blue" },
	{ NULL, NULL, NULL },
};

const struct label case_event_kinds[] = {
	{ "opened", "发现异常", "red" },
	{ "updated", "异常情况有变化", "gray" },
	{ "acknowledged", "认领了异常单", "gray" },
	{ "assigned", "指派了异常单", "gray" },
	{ "waiting", "异常单转为等待", "gray" },
	{ "resumed", "异常单恢复处理", "gray" },
	{ "resolved", "解决了异常单", "gray" },
	{ "auto_resolved", "异常已自动解决", "gray" },
	{ "dismissed", "忽略了异常单", "gray" },
	{ "reopened", "异常重新出现，已重新打开", "gray" },
	{ "escalated", "异常单超时升级", "gray" },
	{ "handed", "升级了异常单", "orange" },
	{ "action", "提交了操作", "gray" },
	{ "call", "外呼结果", "teal" },
	{ "note", "备注", "gray" },
	{ "silenced", "异常单被静默", "gray" },
	{ "unsilenced", "异常单解除静默", "gray" },
	{ "reminder", "等待到期，回到队列", "amber" },
	{ NULL, NULL, NULL },
};

static struct db_stmt q_lock = DB_STMT(DB_CONSOLE,
	"SELECT state, order_id, order_no, COALESCE(assignee_id, 0) FROM cases"
	" WHERE id = ? FOR UPDATE");
static struct db_stmt q_claim = DB_STMT(DB_CONSOLE,
	"UPDATE cases SET state = IF(state = 'open', 'acknowledged', state),"
	" assignee_id = ?, acknowledged_at = COALESCE(acknowledged_at, NOW()),"
	" updated_at = NOW() WHERE id = ?");
/* a wait ends in the future, within 30 days */
static struct db_stmt q_until_ok = DB_STMT(DB_CONSOLE,
	"SELECT CAST(? AS DATETIME) > NOW() AND CAST(? AS DATETIME) <= NOW() + INTERVAL 30 DAY");
static struct db_stmt q_wait = DB_STMT(DB_CONSOLE,
	"UPDATE cases SET state = 'waiting', waiting_since = NOW(), wait_until = ?,"
	" assignee_id = COALESCE(assignee_id, ?),"
	" acknowledged_at = COALESCE(acknowledged_at, NOW()), updated_at = NOW() WHERE id = ?");
/* the SLA clock stood still while waiting: the resolve target moves on */
static struct db_stmt q_resume = DB_STMT(DB_CONSOLE,
	"UPDATE cases SET state = 'acknowledged', resolve_due_at = resolve_due_at"
	" + INTERVAL TIMESTAMPDIFF(SECOND, waiting_since, NOW()) SECOND,"
	" waiting_since = NULL, wait_until = NULL, updated_at = NOW() WHERE id = ?");
/* a person acted on it: the reminder is seen */
static struct db_stmt q_seen = DB_STMT(DB_CONSOLE,
	"UPDATE cases SET reminded = 0 WHERE id = ? AND reminded = 1");
/* closed while waiting: the clock stood still until now, as on resume
 * (assignments run left to right: resolve_due_at reads waiting_since
 * before it is cleared) */
static struct db_stmt q_close = DB_STMT(DB_CONSOLE,
	"UPDATE cases SET state = ?, resolved_at = NOW(), resolved_by = ?, resolution = ?,"
	" resolve_due_at = resolve_due_at + INTERVAL"
	" COALESCE(TIMESTAMPDIFF(SECOND, waiting_since, NOW()), 0) SECOND,"
	" waiting_since = NULL, wait_until = NULL, updated_at = NOW() WHERE id = ?");
static struct db_stmt q_silence = DB_STMT(DB_CONSOLE,
	"UPDATE cases SET silence_id = ?, updated_at = NOW() WHERE id = ?");
/* escalate: to a lead, who holds it now, or to a team's queue, unheld */
static struct db_stmt q_hand = DB_STMT(DB_CONSOLE,
	"UPDATE cases SET team = ?, assignee_id = ?,"
	" state = IF(? IS NULL, 'open', 'acknowledged'),"
	" acknowledged_at = IF(? IS NULL, acknowledged_at, COALESCE(acknowledged_at, NOW())),"
	" updated_at = NOW() WHERE id = ?");
/* a lead: an enabled person whose roles may approve */
static struct db_stmt q_lead = DB_STMT(DB_CONSOLE,
	"SELECT a.login FROM agents a JOIN agent_roles ar ON ar.agent_id = a.id"
	" JOIN role_permissions p ON p.role = ar.role AND p.permission = 'approve'"
	" WHERE a.id = ? AND a.disabled_at IS NULL AND a.service = 0 LIMIT 1");
static struct db_stmt q_person = DB_STMT(DB_CONSOLE,
	"SELECT login FROM agents WHERE id = ? AND disabled_at IS NULL AND service = 0");
static struct db_stmt q_event = DB_STMT(DB_CONSOLE,
	"INSERT INTO case_events (case_id, order_id, at, actor_type, agent_id, actor,"
	" kind, detail) VALUES (?, ?, NOW(), ?, ?, ?, ?, ?)");

int
case_live(const char *state)
{
	return strcmp(state, "open") == 0 || strcmp(state, "acknowledged") == 0 ||
	    strcmp(state, "waiting") == 0;
}

int
case_action_known(const char *action)
{
	return label_known(case_actions, action);
}

/* person: the login of the enabled person `id`; AGENT_MISSING when there
 * is none. */
static int
person(struct arena *a, long long id, const char **login)
{
	struct db_res res;
	int rc = DB_ONE(a, &q_person, &res, DB_INT(id));

	if (rc == DB_OK)
		*login = arena_strdup(a, db_str(&res, 0));
	db_done(&res);
	return rc == DB_NOROW ? AGENT_MISSING : rc;
}

/* lead: the login of `id` when it is a lead (approve); NOT_A_LEAD when
 * not. */
static int
lead(struct arena *a, long long id, const char **login)
{
	struct db_res res;
	int rc = DB_ONE(a, &q_lead, &res, DB_INT(id));

	if (rc == DB_OK)
		*login = arena_strdup(a, db_str(&res, 0));
	db_done(&res);
	return rc == DB_NOROW ? NOT_A_LEAD : rc;
}

/* until_ok: a wait may end at until; DOM_OK, WAIT_BAD or an error. */
static int
until_ok(struct arena *a, const char *until)
{
	struct db_res res;
	int rc, ok;

	if (until == NULL)
		return WAIT_BAD;
	rc = DB_ONE(a, &q_until_ok, &res, DB_STR(until), DB_STR(until));
	ok = rc == DB_OK && db_int(&res, 0) == 1;
	db_done(&res);
	if (rc != DB_OK && rc != DB_NOROW)
		return rc;
	return ok ? DOM_OK : WAIT_BAD;
}

int
case_act(struct arena *a, const struct actor *who, long long id, const char *action,
    const struct case_args *x)
{
	static const struct case_args none;
	struct db_res res;
	const char *state, *no, *detail, *kind, *login = "";
	long long order_id, assignee, to;
	int live, rc;

	x = x ? x : &none;
	detail = x->text ? x->text : "";
	to = x->to;
	rc = DB_ONE(a, &q_lock, &res, DB_INT(id));
	if (rc != DB_OK) {
		db_done(&res);
		return rc == DB_NOROW ? CASE_MISSING : rc;
	}
	state = arena_strdup(a, db_str(&res, 0));
	order_id = db_int(&res, 1);
	no = arena_strdup(a, db_str(&res, 2));
	assignee = db_int(&res, 3);
	db_done(&res);
	live = case_live(state);

	if (strcmp(action, "claim") == 0 || strcmp(action, "assign") == 0) {
		int claim = strcmp(action, "claim") == 0;

		if (claim && who->type != ACTOR_AGENT)
			return NOT_A_PERSON;
		if (!live)
			return CASE_CHANGED;
		/* another's case is taken by assigning it (leads), not claiming */
		if (claim && assignee && assignee != who->agent_id)
			return CASE_TAKEN;
		if (claim)
			to = who->agent_id;
		if ((rc = person(a, to, &login)) != DB_OK)
			return claim && rc == AGENT_MISSING ? NOT_A_PERSON : rc;
		if (!claim)
			detail = arena_printf(a, "指派给 %s", login);
		kind = claim ? "acknowledged" : "assigned";
		rc = DB_EXEC(a, &q_claim, NULL, DB_INT(to), DB_INT(id));
	} else if (strcmp(action, "wait") == 0) {
		if (strcmp(state, "open") != 0 && strcmp(state, "acknowledged") != 0)
			return CASE_CHANGED;
		if ((rc = until_ok(a, x->until)) != DOM_OK)
			return rc;
		kind = "waiting";
		detail = arena_printf(a, "等待至 %.16s%s%s", x->until, *detail ? "：" : "", detail);
		rc = DB_EXEC(a, &q_wait, NULL, DB_STR(x->until),
		    who->type == ACTOR_AGENT ? DB_INT(who->agent_id) : DB_NULL, DB_INT(id));
	} else if (strcmp(action, "resume") == 0) {
		if (strcmp(state, "waiting") != 0)
			return CASE_CHANGED;
		kind = "resumed";
		rc = DB_EXEC(a, &q_resume, NULL, DB_INT(id));
	} else if (strcmp(action, "resolve") == 0 || strcmp(action, "dismiss") == 0) {
		if (!live)
			return CASE_CHANGED;
		kind = strcmp(action, "resolve") == 0 ? "resolved" : "dismissed";
		/* resolved_by names a person; a rule or the robot is in the event */
		rc = DB_EXEC(a, &q_close, NULL, DB_STR(kind),
		    who->agent_id ? DB_INT(who->agent_id) : DB_NULL, DB_STR(detail),
		    DB_INT(id));
	} else if (strcmp(action, "silence") == 0) {
		if (!live)
			return CASE_CHANGED;
		kind = "silenced";
		rc = DB_EXEC(a, &q_silence, NULL, DB_INT(to), DB_INT(id));
	} else if (strcmp(action, "escalate") == 0) {
		if (strcmp(state, "open") != 0 && strcmp(state, "acknowledged") != 0)
			return CASE_CHANGED;
		if (x->team && !label_known(case_teams, x->team))
			return TEAM_UNKNOWN;
		if (!x->team && to && (rc = lead(a, to, &login)) != DB_OK)
			return rc;
		kind = "handed";
		detail = arena_printf(a, "%s %s%s%s", x->team ? "转给" : to ? "升级给" : "转",
		    x->team ? label_of(case_teams, x->team)->label : to ? login : "人工处理",
		    *detail ? "：" : "", detail);
		rc = DB_EXEC(a, &q_hand, NULL, x->team ? DB_STR(x->team) : DB_NULL,
		    to ? DB_INT(to) : DB_NULL, to ? DB_INT(to) : DB_NULL,
		    to ? DB_INT(to) : DB_NULL, DB_INT(id));
	} else if (strcmp(action, "note") == 0) {
		kind = "note";
		rc = DB_OK;
	} else
		return CASE_CHANGED;
	if (rc != DB_OK ||
	    (rc = DB_EXEC(a, &q_event, NULL, DB_INT(id), DB_INT(order_id), ACTOR_ARGS(who),
	    DB_STR(kind), DB_STR(detail))) != DB_OK ||
	    (who->type == ACTOR_AGENT && (rc = DB_EXEC(a, &q_seen, NULL, DB_INT(id))) != DB_OK))
		return rc;
	return audit(a, who, arena_printf(a, "case_%s", action), no,
	    arena_printf(a, "异常单 %lld", id), *detail ? detail : NULL);
}
