/* calls.c: the phone robot's calls — asked for, kept to the rules and
 * scheduled; the do-not-call list (see calls.h; the scripts are
 * callscripts.c's, the robot's answers callresult.c's) */
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <sodium.h>

#include "core/buf.h"
#include "core/cfg.h"
#include "core/db.h"
#include "core/text.h"
#include "core/util.h"
#include "domain/actions.h"
#include "domain/audit.h"
#include "domain/calls.h"
#include "domain/cases.h"
#include "domain/outbox.h"

const struct label call_states[] = {
	{ "scheduled", "已安排", "blue" },
	{ "dialling", "拨打中", "blue" },
	{ "answered", "已接通", "green" },
	{ "no_answer", "无人接听", "amber" },
	{ "busy", "占线", "amber" },
	{ "voicemail", "语音信箱", "amber" },
	{ "invalid", "号码无效", "red" },
	{ "failed", "未能拨打", "red" },
	{ "cancelled", "已取消", "gray" },
	{ NULL, NULL, NULL },
};

const struct label call_statuses[] = {
	{ "answered", "已接通", "green" },
	{ "no_answer", "无人接听", "amber" },
	{ "busy", "占线", "amber" },
	{ "voicemail", "语音信箱", "amber" },
	{ "empty_number", "空号", "red" },
	{ "suspended", "停机", "red" },
	{ "out_of_service", "不在服务区", "amber" },
	{ "failed", "呼叫失败", "red" },
	{ NULL, NULL, NULL },
};

const struct label call_follow_ups[] = {
	{ "resolve", "解决异常单", "green" },
	{ "wait", "等待补货", "amber" },
	{ "substitute", "转人工推荐换购", "blue" },
	{ "cancel", "取消订单", "orange" },
	{ "price", "按正确价格改价", "orange" },
	{ "address", "修改地址", "orange" },
	{ "handoff", "转人工处理", "blue" },
	{ "survey", "记录评价", "gray" },
	{ "dnc", "加入免打扰名单", "gray" },
	{ NULL, NULL, NULL },
};

static struct db_stmt q_dnc_row = DB_STMT(DB_CONSOLE,
	"SELECT phone_tail, reason FROM dnc WHERE phone_hash = ? FOR UPDATE");
static struct db_stmt q_dnc_del = DB_STMT(DB_CONSOLE,
	"DELETE FROM dnc WHERE phone_hash = ?");

int
call_dnc_remove(struct arena *a, const struct actor *who, const char *hash)
{
	struct db_res res;
	const char *tail = NULL, *reason = NULL;
	int rc = DB_ONE(a, &q_dnc_row, &res, DB_STR(hash));

	if (rc == DB_OK) {
		tail = arena_strdup(a, db_str(&res, 0));
		reason = arena_strdup(a, db_str(&res, 1));
	}
	db_done(&res);
	if (rc != DB_OK)
		return rc;
	if ((rc = DB_EXEC(a, &q_dnc_del, NULL, DB_STR(hash))) != DB_OK)
		return rc;
	return audit(a, who, "dnc_removed", NULL, arena_printf(a, "尾号 %s", tail),
	    arena_printf(a, "加入时的原因：%s", reason));
}

/* What may stand in for the short item: the same category, a price within
 * 20% of what it sold at, in stock at the order's warehouse for its
 * quantity; the closest prices first. */
static struct db_stmt q_substitutes = DB_STMT(DB_REPLICA,
	"SELECT i.sku, i.product_name, p.sku, p.name, p.list_price FROM orders o"
	" JOIN order_items i ON i.order_id = o.id"
	" JOIN inventory v ON v.sku = i.sku AND v.warehouse = o.warehouse"
	"  AND v.on_hand - v.reserved < 0"
	" JOIN products s ON s.id = i.product_id"
	" JOIN products p ON p.category = s.category AND p.id <> s.id AND p.status = 'on_sale'"
	"  AND p.list_price BETWEEN i.unit_price * 0.8 AND i.unit_price * 1.2"
	" JOIN inventory w ON w.sku = p.sku AND w.warehouse = o.warehouse"
	"  AND w.on_hand - w.reserved >= i.qty"
	" WHERE o.id = ? ORDER BY i.id, ABS(p.list_price - i.unit_price), p.id LIMIT 3");

static struct db_stmt q_dnc = DB_STMT(DB_CONSOLE,
	"SELECT 1 FROM dnc WHERE phone_hash = ?");
static struct db_stmt q_dnc_add = DB_STMT(DB_CONSOLE,
	"INSERT IGNORE INTO dnc (phone_hash, phone_tail, reason, actor_type, agent_id, actor,"
	" created_at) VALUES (?, ?, ?, ?, ?, ?, NOW())");
/* the attempts made or on their way, and whether one is on its way */
static struct db_stmt q_attempts = DB_STMT(DB_CONSOLE,
	"SELECT COUNT(*), COALESCE(SUM(state IN ('scheduled', 'dialling')), 0)"
	" FROM calls FORCE INDEX (ix_calls_order)"
	" WHERE order_id = ? AND script = ? AND state <> 'cancelled'");
/* The first moment at or after t inside the window [ws, we) of the shop's
 * day (the connection's time zone is the shop's). */
static struct db_stmt q_slot = DB_STMT(DB_CONSOLE,
	"SELECT DATE_FORMAT(s, '%Y-%m-%d %H:%i:%s'), s > t FROM (SELECT t,"
	" CASE WHEN TIME(t) < CAST(? AS TIME) THEN TIMESTAMP(DATE(t), ?)"
	" WHEN TIME(t) >= CAST(? AS TIME) THEN TIMESTAMP(DATE(t) + INTERVAL 1 DAY, ?)"
	" ELSE t END s"
	" FROM (SELECT GREATEST(NOW(), COALESCE(CAST(? AS DATETIME), NOW())) t) x) y");
static struct db_stmt q_call_new = DB_STMT(DB_CONSOLE,
	"INSERT INTO calls (order_id, order_no, user_id, case_id, campaign_id, script, attempt,"
	" state, scheduled_at, why_then, options, actor_type, agent_id, actor, created_at,"
	" updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'scheduled', ?, ?, ?, ?, ?, ?, NOW(), NOW())");
static struct db_stmt q_call_outbox = DB_STMT(DB_CONSOLE,
	"UPDATE calls SET outbox_id = ? WHERE id = ?");
static struct db_stmt q_call_held = DB_STMT(DB_CONSOLE,
	"UPDATE outbox SET next_at = '" CAMPAIGN_HELD "' WHERE id = ? AND EXISTS (SELECT 1"
	" FROM campaigns WHERE id = ? AND state = 'paused')");

static struct db_stmt q_dialled = DB_STMT(DB_CONSOLE,
	"UPDATE calls SET state = 'dialling', dialled_at = NOW(), updated_at = NOW()"
	" WHERE outbox_id = ? AND state = 'scheduled'");
static struct db_stmt q_lost = DB_STMT(DB_CONSOLE,
	"UPDATE calls SET state = IF(?, 'cancelled', 'failed'),"
	" follow_up = IF(?, '外呼已撤回', '机器人没有接受这通外呼'),"
	" updated_at = NOW() WHERE outbox_id = ? AND state IN ('scheduled', 'dialling')");

/* --- asking for a call ---------------------------------------------------- */

/* The do-not-call list's key (console_keys 'dnc', made by the migration):
 * a number's entry is its keyed hash, so the list's page, which shows
 * it, cannot be turned back into numbers by trying every mobile. */
static struct db_stmt q_dnc_key = DB_STMT(DB_CONSOLE,
	"SELECT value FROM console_keys WHERE name = 'dnc'");

/* phone_hash: phone's entry on the list into *hex; DB_OK or an error. */
static int
phone_hash(struct arena *a, const char *phone, const char **hex)
{
	static unsigned char key[crypto_auth_hmacsha256_KEYBYTES];
	static int have;
	unsigned char h[crypto_auth_hmacsha256_BYTES];
	char *out = arena_alloc(a, sizeof(h) * 2 + 1);
	struct db_res res;
	int rc;

	if (!have) {
		if ((rc = db_one(a, &q_dnc_key, &res, 0, NULL)) == DB_OK &&
		    db_len(&res, 0) == sizeof(key)) {
			memcpy(key, db_str(&res, 0), sizeof(key));
			have = 1;
		}
		db_done(&res);
		if (!have)
			return rc == DB_OK || rc == DB_NOROW ? DB_FAIL : rc;
	}
	crypto_auth_hmacsha256(h, (const unsigned char *)phone, strlen(phone), key);
	sodium_bin2hex(out, sizeof(h) * 2 + 1, h, sizeof(h));
	*hex = out;
	return DB_OK;
}

int
call_dnc_has(struct arena *a, const char *phone, int *yes)
{
	struct db_res res;
	const char *h;
	int rc;

	*yes = 0;
	if ((rc = phone_hash(a, phone, &h)) != DB_OK)
		return rc;
	rc = DB_ONE(a, &q_dnc, &res, DB_STR(h));
	*yes = rc == DB_OK;
	db_done(&res);
	return rc == DB_NOROW ? DB_OK : rc;
}

int
call_dnc_add(struct arena *a, const struct actor *who, const char *phone, const char *reason)
{
	struct db_res res;
	const char *h;
	int rc;

	if (!phone_mobile(phone))
		return CALL_NO_PHONE;
	if ((rc = phone_hash(a, phone, &h)) != DB_OK)
		return rc;
	if ((rc = DB_EXEC(a, &q_dnc_add, &res, DB_STR(h),
	    DB_STR(phone + 7), DB_STR(reason), ACTOR_ARGS(who))) != DB_OK)
		return rc;
	if (res.affected == 0)
		return DOM_OK;		/* on the list already */
	return audit(a, who, "dnc_added", NULL, arena_printf(a, "尾号 %s", phone + 7), reason);
}

/* slot: the first moment at or after not_before (NULL: now) inside s's
 * window; *later 1 when the window moved it on. */
static int
slot(struct arena *a, const struct call_script *s, const char *not_before,
    const char **when, int *later)
{
	struct db_res res;
	const char *ws = arena_printf(a, "%s:00", s->window_start);
	const char *we = arena_printf(a, "%s:00", s->window_end);
	int rc = DB_ONE(a, &q_slot, &res, DB_STR(ws), DB_STR(ws), DB_STR(we), DB_STR(ws),
	    DB_STRN(not_before));

	if (rc == DB_OK) {
		*when = arena_strdup(a, db_str(&res, 0));
		*later = db_int(&res, 1) != 0;
	}
	db_done(&res);
	return rc;
}

/* offers: what the call offers instead of the short item, as the calls
 * row keeps it ({"sku", "name", "options": [{choice, sku, name, price}]})
 * into *json, NULL when there is nothing to offer. */
static int
offers(struct arena *a, long long order_id, const char **json)
{
	json_object *top = NULL, *arr = NULL, *e;
	struct db_res res;
	int rc, n = 0;

	*json = NULL;
	if ((rc = DB_EXEC(a, &q_substitutes, &res, DB_INT(order_id))) != DB_OK)
		return rc;
	while ((rc = db_next(&res)) > 0) {
		if (top == NULL) {
			top = json_object_new_object();
			arr = json_object_new_array();
			json_object_object_add(top, "sku", json_object_new_string(db_str(&res, 0)));
			json_object_object_add(top, "name", json_object_new_string(db_str(&res, 1)));
			json_object_object_add(top, "options", arr);
		}
		e = json_object_new_object();
		json_object_object_add(e, "choice", json_object_new_int(++n));
		json_object_object_add(e, "sku", json_object_new_string(db_str(&res, 2)));
		json_object_object_add(e, "name", json_object_new_string(db_str(&res, 3)));
		json_object_object_add(e, "price", json_object_new_string(yuan(a, db_int(&res, 4))));
		json_object_array_add(arr, e);
	}
	if (top) {
		*json = arena_strdup(a, json_object_to_json_string_ext(top,
		    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(top);
	}
	if (rc < 0) {
		db_done(&res);
		return rc;
	}
	return db_done(&res);
}

/* job: the robot's request for call id (README: The phone robot), with
 * what it may offer (offered: offers' JSON, or NULL). */
static const char *
job(struct arena *a, const struct actor *who, const struct call_script *s,
    const struct action_order *o, const struct call_text *t, const char *ref,
    const char *offered)
{
	json_object *b = json_object_new_object(), *g = json_object_new_object();
	json_object *w = json_object_new_array(), *jobs = json_object_new_array();
	json_object *j = json_object_new_object(), *vars = json_object_new_object();
	json_object *intents = json_object_new_array(), *m = json_tokener_parse(s->intents);
	const char *cb = *cfg.robot_callback_url ? cfg.robot_callback_url :
	    arena_printf(a, "%s/hooks/robot", cfg.public_origin);
	const char *out;
	int i;

	json_object_object_add(b, "job_group", json_object_new_string(s->code));
	json_object_object_add(b, "callback_url", json_object_new_string(cb));
	json_object_array_add(w, json_object_new_string(s->window_start));
	json_object_array_add(w, json_object_new_string(s->window_end));
	json_object_object_add(g, "window", w);
	json_object_object_add(g, "time_zone", json_object_new_string(cfg.time_zone));
	json_object_object_add(g, "max_attempts", json_object_new_int(1));
	json_object_object_add(b, "strategy", g);
	json_object_object_add(j, "ref", json_object_new_string(ref));
	json_object_object_add(j, "phone", json_object_new_string(o->phone));
	json_object_object_add(j, "order_no", json_object_new_string(o->no));
	json_object_object_add(j, "script", json_object_new_string(s->code));
	json_object_object_add(j, "text", json_object_new_string(t->text));
	for (i = 0; i < t->n; i++)
		if (strstr(s->text, arena_printf(a, "{{%s}}", t->names[i])))
			json_object_object_add(vars, t->names[i],
			    json_object_new_string(t->values[i]));
	json_object_object_add(j, "vars", vars);
	if (m) {
		json_object_object_foreach(m, k, v) {
			(void)v;
			json_object_array_add(intents, json_object_new_string(k));
		}
	}
	json_object_put(m);
	json_object_object_add(j, "intents", intents);
	{
		json_object *off = offered ? json_tokener_parse(offered) : NULL, *opts;

		if (off && json_object_object_get_ex(off, "options", &opts))
			json_object_object_add(j, "options", json_object_get(opts));
		else
			json_object_object_add(j, "options", json_object_new_array());
		json_object_put(off);
	}
	json_object_array_add(jobs, j);
	json_object_object_add(b, "jobs", jobs);
	json_object_object_add(b, "operator", json_object_new_string(
	    arena_printf(a, "%s:%s", actor_code(who), who->name)));
	out = arena_strdup(a, json_object_to_json_string_ext(b,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(b);
	return out;
}

/* --- the best time to call --------------------------------------------- */

/* the customer's own calls by the hour they ended (answered or not) */
static struct db_stmt q_user_hours = DB_STMT(DB_CONSOLE,
	"SELECT HOUR(COALESCE(ended_at, dialled_at, scheduled_at)), COUNT(*),"
	" SUM(state = 'answered') FROM calls FORCE INDEX (ix_calls_user) WHERE user_id = ?"
	" AND state IN ('answered', 'no_answer', 'busy', 'voicemail') GROUP BY 1");
/* when they order and use the app, the last 90 days */
static struct db_stmt q_user_activity = DB_STMT(DB_REPLICA,
	"SELECT h, SUM(n) FROM ("
	" SELECT HOUR(created_at) h, COUNT(*) n FROM user_events FORCE INDEX (ix_user_events_user)"
	"  WHERE user_id = ? AND created_at > NOW() - INTERVAL 90 DAY GROUP BY 1"
	" UNION ALL SELECT HOUR(created_at), COUNT(*) FROM orders FORCE INDEX (ix_orders_user)"
	"  WHERE user_id = ? AND created_at > NOW() - INTERVAL 90 DAY GROUP BY 1) x GROUP BY h");
/* everyone's calls, the last 30 days */
static struct db_stmt q_all_hours = DB_STMT(DB_CONSOLE,
	"SELECT HOUR(ended_at), COUNT(*), SUM(state = 'answered') FROM calls"
	" FORCE INDEX (ix_calls_ended) WHERE ended_at > NOW() - INTERVAL 30 DAY GROUP BY 1");
static struct db_stmt q_hour_next = DB_STMT(DB_CONSOLE,
	"SELECT DATE_FORMAT(IF(HOUR(NOW()) = ?, NOW(), TIMESTAMP(CURDATE()"
	" + INTERVAL (HOUR(NOW()) > ?) DAY, MAKETIME(?, 0, 0))), '%Y-%m-%d %H:%i:%s')");

/* hours: a statement's (hour, count[, answered]) rows into n[24], k[24]. */
static int
hours(struct arena *a, struct db_stmt *q, long long id, int twice, long long *n, long long *k)
{
	struct db_res res;
	int rc = twice ? DB_EXEC(a, q, &res, DB_INT(id), DB_INT(id)) :
	    id ? DB_EXEC(a, q, &res, DB_INT(id)) : db_exec(a, q, &res, 0, NULL);

	memset(n, 0, 24 * sizeof(*n));
	memset(k, 0, 24 * sizeof(*k));
	if (rc != DB_OK)
		return rc;
	while ((rc = db_next(&res)) > 0) {
		long long h = db_int(&res, 0);

		if (h >= 0 && h < 24) {
			n[h] = db_int(&res, 1);
			k[h] = res.ncols > 2 ? db_int(&res, 2) : 0;
		}
	}
	if (rc < 0) {
		db_done(&res);
		return rc;
	}
	return db_done(&res);
}

/* allowed: hour h meets the window [ws, we) ("HH:MM"). */
static int
allowed(const struct call_script *s, int h)
{
	int ws = atoi(s->window_start) * 60 + atoi(s->window_start + 3);
	int we = atoi(s->window_end) * 60 + atoi(s->window_end + 3);

	return h * 60 + 60 > ws && h * 60 < we;
}

int
call_best_hour(struct arena *a, const struct call_script *s, long long user_id,
    struct call_rates *everyone, int *hour, const char **why)
{
	struct call_rates here = { 0 };
	long long n[24], k[24], total = 0, answered = 0;
	int h, best = -1, rc;

	*hour = -1;
	*why = NULL;
	/* 1. the customer's own answers: the hour answered most, by rate */
	if ((rc = hours(a, &q_user_hours, user_id, 0, n, k)) != DB_OK)
		return rc;
	for (h = 0; h < 24; h++) {
		total += n[h];
		answered += k[h];
		if (allowed(s, h) && k[h] > 0 && (best < 0 || (k[h] + 1) * (n[best] + 2) >
		    (k[best] + 1) * (n[h] + 2)))
			best = h;
	}
	if (total >= 2 && best >= 0) {
		*hour = best;
		*why = arena_printf(a, "之前 %lld 次外呼中有 %lld 次在 %02d:00–%02d:00 接通",
		    total, k[best], best, best + 1);
		return DB_OK;
	}
	/* 2. when they order and use the app */
	if ((rc = hours(a, &q_user_activity, user_id, 1, n, k)) != DB_OK)
		return rc;
	for (h = 0, best = -1, total = 0; h < 24; h++) {
		total += n[h];
		if (allowed(s, h) && n[h] > 0 && (best < 0 || n[h] > n[best]))
			best = h;
	}
	if (total >= 3 && best >= 0) {
		*hour = best;
		*why = arena_printf(a, "客户常在 %02d:00–%02d:00 下单或使用 App（近 90 天 %lld 次）",
		    best, best + 1, n[best]);
		return DB_OK;
	}
	/* 3. everyone's answer rate by the hour */
	if (everyone == NULL)
		everyone = &here;
	if (!everyone->loaded && (rc = hours(a, &q_all_hours, 0, 0, everyone->calls,
	    everyone->answered)) != DB_OK)
		return rc;
	everyone->loaded = 1;
	memcpy(n, everyone->calls, sizeof(n));
	memcpy(k, everyone->answered, sizeof(k));
	for (h = 0, best = -1, answered = 0; h < 24; h++) {
		answered += k[h];
		if (allowed(s, h) && n[h] >= 5 && (best < 0 || k[h] * n[best] > k[best] * n[h]))
			best = h;
	}
	if (answered >= 20 && best >= 0) {
		*hour = best;
		*why = arena_printf(a, "所有客户在 %02d:00–%02d:00 接听率最高（%lld%%）", best,
		    best + 1, k[best] * 100 / n[best]);
	}
	return DB_OK;
}

/* best_time: the next start of the best hour for user_id (NULL when
 * nothing tells), and why. */
static int
best_time(struct arena *a, const struct call_script *s, long long user_id,
    struct call_rates *everyone, const char **at, const char **why)
{
	struct db_res res;
	int h, rc;

	*at = NULL;
	if ((rc = call_best_hour(a, s, user_id, everyone, &h, why)) != DB_OK || h < 0)
		return rc;
	if ((rc = DB_ONE(a, &q_hour_next, &res, DB_INT(h), DB_INT(h), DB_INT(h))) == DB_OK)
		*at = arena_strdup(a, db_str(&res, 0));
	db_done(&res);
	return rc;
}

/* call_schedule: see calls.h */
int
call_schedule(struct arena *a, const struct actor *who, const struct call_script *s,
    const struct action_order *o, long long case_id, long long campaign, int attempt,
    const char *not_before, const char *because, long long *id, const char **when,
    const char **why)
{
	struct call_text t;
	struct db_res res;
	struct outbox_new n = { 0 };
	const char *state, *ref, *offered = NULL;
	long long oid;
	int rc, later = 0;

	if ((rc = call_render(a, s, o->id, &t)) != DB_OK)
		return rc;
	if (t.missing) {
		*why = arena_printf(a, "订单缺少话术需要的「%s」，不能外呼。", t.missing);
		return CALL_VAR_MISSING;
	}
	if ((rc = slot(a, s, not_before, when, &later)) != DB_OK ||
	    (strstr(s->intents, "\"substitute\"") && (rc = offers(a, o->id, &offered)) != DB_OK))
		return rc;
	*why = later && !because ? arena_printf(a, "允许外呼的时段为 %s–%s，安排在时段内",
	    s->window_start, s->window_end) : because ? because : "立即拨打";
	if ((rc = DB_EXEC(a, &q_call_new, &res, DB_INT(o->id), DB_STR(o->no), DB_INT(o->user_id),
	    case_id ? DB_INT(case_id) : DB_NULL, campaign ? DB_INT(campaign) : DB_NULL,
	    DB_STR(s->code), DB_INT(attempt),
	    DB_STR(*when), DB_STR(*why), DB_STRN(offered), ACTOR_ARGS(who))) != DB_OK)
		return rc;
	*id = (long long)res.insert_id;
	ref = arena_printf(a, "call-%lld-%d", *id, attempt);
	n.key = ref;
	n.kind = "call";
	n.service = UP_ROBOT;
	n.path = "/robot/jobs";
	n.body = job(a, who, s, o, &t, ref, offered);
	n.order_id = o->id;
	n.order_no = o->no;
	n.case_id = case_id;
	n.summary = arena_printf(a, "外呼：%s（第 %d 次，%.16s）", s->name, attempt, *when);
	n.not_before = *when;
	if ((rc = outbox_submit(a, who, &n, &oid, &state)) != DOM_OK ||
	    (rc = DB_EXEC(a, &q_call_outbox, NULL, DB_INT(oid), DB_INT(*id))) != DB_OK)
		return rc;
	/* a paused campaign's calls wait for it */
	return campaign ? DB_EXEC(a, &q_call_held, NULL, DB_INT(oid), DB_INT(campaign)) : DB_OK;
}

/* may_call: the rules that refuse a call of s to o before it is made. */
static int
may_call(struct arena *a, const struct call_script *s, const struct action_order *o,
    int *attempt)
{
	struct db_res res;
	int rc, dnc;

	if (!s->enabled)
		return SCRIPT_MISSING;
	if (!phone_mobile(o->phone))
		return CALL_NO_PHONE;
	if ((rc = call_dnc_has(a, o->phone, &dnc)) != DB_OK)
		return rc;
	if (dnc)
		return CALL_DNC;
	if ((rc = DB_ONE(a, &q_attempts, &res, DB_INT(o->id), DB_STR(s->code))) == DB_OK) {
		*attempt = (int)db_int(&res, 0) + 1;
		rc = db_int(&res, 1) > 0 ? CALL_PENDING :
		    db_int(&res, 0) >= cfg.robot_attempts ? CALL_ATTEMPTS : DB_OK;
	}
	db_done(&res);
	return rc;
}

int
call_request(struct arena *a, const struct actor *who, const struct call_ask *q,
    long long *id, const char **when, const char **why)
{
	struct call_script s;
	struct action_order o;
	const char *channel, *at = NULL, *because = NULL, *not_before = q->not_before;
	int rc, attempt = 1;

	*why = NULL;
	if (q->loaded)
		s = *q->loaded;
	else if ((rc = call_script_get(a, q->script, &s)) != DB_OK)
		return rc;
	if ((rc = action_order_load(a, q->order_id, &o, &channel)) != DB_OK ||
	    (rc = may_call(a, &s, &o, &attempt)) != DB_OK ||
	    (q->best && (rc = best_time(a, &s, o.user_id, q->everyone, &at, &because)) != DB_OK))
		return rc;
	if (at && (!not_before || strcmp(at, not_before) > 0))
		not_before = at;
	else
		because = NULL;
	return call_schedule(a, who, &s, &o, q->case_id, q->campaign, attempt, not_before, because,
	    id, when, why);
}

int
call_dialled(struct arena *a, long long outbox_id)
{
	return DB_EXEC(a, &q_dialled, NULL, DB_INT(outbox_id));
}

int
call_lost(struct arena *a, long long outbox_id, int withdrawn)
{
	return DB_EXEC(a, &q_lost, NULL, DB_INT(withdrawn), DB_INT(withdrawn),
	    DB_INT(outbox_id));
}
