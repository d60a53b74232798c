/* cases.c: anomaly cases — rules and severity (see cases.h) */
#include <string.h>

#include "audit.h"
#include "auth.h"
#include "cases.h"
#include "cfg.h"
#include "db.h"
#include "shop.h"

/* Targets to acknowledge and to resolve, in minutes, until an admin
 * changes them. */
static const struct { const char *kind; int ack, resolve; } targets[] = {
	{ "unpaid_timeout", 60, 1440 },
	{ "payment_failed", 30, 240 },
	{ "duplicate_payment", 30, 240 },
	{ "not_shipped", 120, 1440 },
	{ "logistics_stalled", 120, 2880 },
	{ "stock_shortage", 60, 1440 },
	{ "price_anomaly", 30, 480 },
	{ "address_problem", 60, 720 },
	{ "refund_stuck", 60, 720 },
};

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
	{ "note", "备注", "gray" },
	{ "silenced", "异常单被静默", "gray" },
	{ "unsilenced", "异常单解除静默", "gray" },
	{ NULL, NULL, NULL },
};

static struct db_stmt q_lock = DB_STMT(DB_CONSOLE,
	"SELECT state, order_id, order_no FROM cases WHERE id = ? FOR UPDATE");
static struct db_stmt q_claim = DB_STMT(DB_CONSOLE,
	"UPDATE cases SET state = IF(state = 'open', 'acknowledged', state),"
	" assignee_id = ?, acknowledged_at = COALESCE(acknowledged_at, NOW()),"
	" updated_at = NOW() WHERE id = ?");
static struct db_stmt q_wait = DB_STMT(DB_CONSOLE,
	"UPDATE cases SET state = 'waiting', waiting_since = NOW(),"
	" acknowledged_at = COALESCE(acknowledged_at, NOW()), updated_at = NOW() WHERE id = ?");
/* the SLA clock stood still while waiting: the resolve target moves on */
static struct db_stmt q_resume = DB_STMT(DB_CONSOLE,
	"UPDATE cases SET state = 'acknowledged', resolve_due_at = resolve_due_at"
	" + INTERVAL TIMESTAMPDIFF(SECOND, waiting_since, NOW()) SECOND,"
	" waiting_since = NULL, updated_at = NOW() WHERE id = ?");
/* closed while waiting: the clock stood still until now, as on resume
 * (assignments run left to right: resolve_due_at reads waiting_since
 * before it is cleared) */
static struct db_stmt q_close = DB_STMT(DB_CONSOLE,
	"UPDATE cases SET state = ?, resolved_at = NOW(), resolved_by = ?, resolution = ?,"
	" resolve_due_at = resolve_due_at + INTERVAL"
	" COALESCE(TIMESTAMPDIFF(SECOND, waiting_since, NOW()), 0) SECOND,"
	" waiting_since = NULL, updated_at = NOW() WHERE id = ?");
static struct db_stmt q_silence = DB_STMT(DB_CONSOLE,
	"UPDATE cases SET silence_id = ?, updated_at = NOW() WHERE id = ?");
static struct db_stmt q_agent_login = DB_STMT(DB_CONSOLE,
	"SELECT login FROM agents WHERE id = ? AND disabled_at IS NULL AND service = 0");
static struct db_stmt q_case_event = DB_STMT(DB_CONSOLE,
	"INSERT INTO case_events (case_id, order_id, at, actor_type, agent_id, kind, detail)"
	" VALUES (?, ?, NOW(), 'agent', ?, ?, ?)");

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

int
case_act(struct req *r, long long id, const char *action, long long who,
    const char *text)
{
	struct arena *a = &r->arena;
	struct db_res res;
	const char *state, *no, *detail = text ? text : "", *kind = action;
	long long order_id;
	int live, rc;

	rc = DB_ONE(a, &q_lock, &res, DB_INT(id));
	if (rc != DB_OK) {
		db_done(&res);
		return rc == 1 ? 2 : rc;
	}
	state = arena_strdup(a, db_str(&res, 0));
	order_id = db_int(&res, 1);
	no = arena_strdup(a, db_str(&res, 2));
	db_done(&res);
	live = case_live(state);

	if (strcmp(action, "claim") == 0 || strcmp(action, "assign") == 0) {
		if (!live)
			return 1;
		if (strcmp(action, "claim") == 0)
			who = r->sess->agent_id;
		rc = DB_ONE(a, &q_agent_login, &res, DB_INT(who));
		if (rc == DB_OK && strcmp(action, "assign") == 0)
			detail = arena_printf(a, "指派给 %s", db_str(&res, 0));
		db_done(&res);
		if (rc != DB_OK)
			return rc == 1 ? 2 : rc;
		kind = strcmp(action, "claim") == 0 ? "acknowledged" : "assigned";
		rc = DB_EXEC(a, &q_claim, NULL, DB_INT(who), DB_INT(id));
	} else if (strcmp(action, "wait") == 0) {
		if (strcmp(state, "open") != 0 && strcmp(state, "acknowledged") != 0)
			return 1;
		kind = "waiting";
		rc = db_exec(a, &q_wait, NULL, 1, &DB_INT(id));
	} else if (strcmp(action, "resume") == 0) {
		if (strcmp(state, "waiting") != 0)
			return 1;
		kind = "resumed";
		rc = db_exec(a, &q_resume, NULL, 1, &DB_INT(id));
	} else if (strcmp(action, "resolve") == 0 || strcmp(action, "dismiss") == 0) {
		if (!live)
			return 1;
		kind = strcmp(action, "resolve") == 0 ? "resolved" : "dismissed";
		rc = DB_EXEC(a, &q_close, NULL, DB_STR(kind), DB_INT(r->sess->agent_id),
		    DB_STR(detail), DB_INT(id));
	} else if (strcmp(action, "silence") == 0) {
		if (!live)
			return 1;
		kind = "silenced";
		rc = DB_EXEC(a, &q_silence, NULL, DB_INT(who), DB_INT(id));
	} else if (strcmp(action, "note") == 0)
		rc = DB_OK;
	else
		return 1;
	if (rc != DB_OK ||
	    (rc = DB_EXEC(a, &q_case_event, NULL, DB_INT(id), DB_INT(order_id),
	    DB_INT(r->sess->agent_id), DB_STR(kind), DB_STR(detail))) != DB_OK)
		return rc;
	return audit(r, arena_printf(a, "case_%s", action), no,
	    arena_printf(a, "case %lld", id), *detail ? detail : NULL);
}

static struct db_stmt q_ensure = DB_STMT(DB_CONSOLE,
	"INSERT IGNORE INTO anomaly_rules (kind, title, threshold, threshold_high,"
	" ack_minutes, resolve_minutes, enabled, updated_at)"
	" VALUES (?, ?, ?, ?, ?, ?, 1, NOW())");
static struct db_stmt q_rules = DB_STMT(DB_CONSOLE,
	"SELECT kind, threshold, threshold_high, ack_minutes, resolve_minutes, enabled"
	" FROM anomaly_rules");

static long long
default_threshold(const char *kind)
{
	if (strcmp(kind, "unpaid_timeout") == 0)
		return cfg.unpaid_timeout;
	if (strcmp(kind, "not_shipped") == 0)
		return cfg.not_shipped;
	if (strcmp(kind, "logistics_stalled") == 0)
		return cfg.logistics_stalled;
	if (strcmp(kind, "refund_stuck") == 0)
		return cfg.refund_stuck;
	if (strcmp(kind, "price_anomaly") == 0)
		return cfg.price_low_pct;
	return 0;
}

int
rules_load(struct arena *a, struct rule rules[ANOMALY_KINDS])
{
	struct db_res res;
	int i, rc;

	for (i = 0; i < ANOMALY_KINDS; i++) {
		const struct anomaly_kind *k = &anomaly_kinds[i];
		int price = strcmp(k->code, "price_anomaly") == 0;

		rc = DB_EXEC(a, &q_ensure, NULL, DB_STR(k->code), DB_STR(k->label),
		    DB_INT(default_threshold(k->code)),
		    price ? DB_INT(cfg.price_high_pct) : DB_NULL,
		    DB_INT(targets[i].ack), DB_INT(targets[i].resolve));
		if (rc != DB_OK)
			return rc;
		rules[i].threshold = default_threshold(k->code);
		rules[i].threshold_high = cfg.price_high_pct;
		rules[i].ack_minutes = targets[i].ack;
		rules[i].resolve_minutes = targets[i].resolve;
		rules[i].enabled = 1;
	}
	if ((rc = db_exec(a, &q_rules, &res, 0, NULL)) != DB_OK)
		return rc;
	while (db_next(&res)) {
		const struct anomaly_kind *k = anomaly_kind(db_str(&res, 0));

		if (k == NULL)
			continue;
		i = (int)(k - anomaly_kinds);
		rules[i].threshold = db_int(&res, 1);
		if (!db_null(&res, 2))
			rules[i].threshold_high = db_int(&res, 2);
		rules[i].ack_minutes = db_int(&res, 3);
		rules[i].resolve_minutes = db_int(&res, 4);
		rules[i].enabled = db_int(&res, 5) != 0;
	}
	db_done(&res);
	return DB_OK;
}

int
case_severity(const struct anomaly_kind *k, const struct rule *r,
    long long amount, long long age)
{
	int s = k->severity;

	if (amount >= 100000)		/* ¥1,000 */
		s++;
	if (amount >= 500000)		/* ¥5,000 */
		s++;
	/* twice the threshold, or a day for kinds without one */
	if (age > (k->timed && r->threshold > 0 ? 2 * r->threshold : 86400))
		s++;
	return s > 4 ? 4 : s;
}
