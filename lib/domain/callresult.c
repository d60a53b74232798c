/* callresult.c: the phone robot's answer — read from its callback, kept
 * on the call and the case, and followed up as the script says (see
 * calls.h) */
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "core/buf.h"
#include "core/cfg.h"
#include "core/db.h"
#include "core/text.h"
#include "core/util.h"
#include "domain/actions.h"
#include "domain/calls.h"
#include "domain/cases.h"
#include "domain/outbox.h"

static struct db_stmt q_restock_at = DB_STMT(DB_REPLICA,
	"SELECT DATE_FORMAT(MIN(v.restock_at), '%Y-%m-%d %H:%i:%s') FROM orders o"
	" JOIN order_items i ON i.order_id = o.id"
	" JOIN inventory v ON v.sku = i.sku AND v.warehouse = o.warehouse"
	" WHERE o.id = ? AND v.on_hand - v.reserved < 0 AND v.restock_at > NOW()");
static struct db_stmt q_callback_seen = DB_STMT(DB_CONSOLE,
	"SELECT 1 FROM robot_callbacks WHERE callback_id = ?");
static struct db_stmt q_callback = DB_STMT(DB_CONSOLE,
	"INSERT INTO robot_callbacks (callback_id, call_id, received_at) VALUES (?, ?, NOW())");
static struct db_stmt q_call_lock = DB_STMT(DB_CONSOLE,
	"SELECT c.id, c.order_id, c.order_no, COALESCE(c.case_id, 0), c.script, c.attempt,"
	" c.state, COALESCE(c.campaign_id, 0), COALESCE(m.state IN ('running', 'paused')"
	" AND m.ends_at > NOW(), 1), COALESCE(c.options, '')"
	" FROM calls c LEFT JOIN campaigns m ON m.id = c.campaign_id"
	" WHERE c.id = ? FOR UPDATE");
static struct db_stmt q_call_done = DB_STMT(DB_CONSOLE,
	"UPDATE calls SET state = ?, status = ?, intent = ?, confidence = ?, slots = ?,"
	" duration = ?, transcript_url = ?, ended_at = COALESCE(CAST(? AS DATETIME), NOW()),"
	" job_id = COALESCE(?, job_id), follow_up = ?, score = ?, tags = ?, updated_at = NOW()"
	" WHERE id = ?");
static struct db_stmt q_call_event = DB_STMT(DB_CONSOLE,
	"INSERT INTO case_events (case_id, order_id, at, actor_type, agent_id, actor, kind,"
	" detail) VALUES (?, ?, NOW(), ?, ?, ?, 'call', ?)");

/* --- the robot's answer ------------------------------------------------- */

/* slot_str: a captured slot's text, or NULL. */
static const char *
slot_str(struct arena *a, json_object *slots, const char *name)
{
	json_object *v;

	if (!slots || !json_object_object_get_ex(slots, name, &v) ||
	    !json_object_is_type(v, json_type_string) || !*json_object_get_string(v))
		return NULL;
	return arena_strdup(a, json_object_get_string(v));
}

/* submit: a follow-up action by the robot, keyed by the call and what it
 * does, so a repeated result is one action. */
static int
submit(struct arena *a, const struct actor *who, long long call_id, long long case_id,
    struct outbox_new *n, int hold)
{
	long long id;
	const char *state;
	int rc;

	n->key = arena_printf(a, "robot-%lld-%s", call_id, n->kind);
	n->case_id = case_id;
	n->hold = hold;
	rc = outbox_submit(a, who, n, &id, &state);
	return rc == OUTBOX_REPEAT ? DOM_OK : rc;
}

/* on_case: action on the case (if any), as the answer asks; a case that
 * is closed meanwhile, or waiting, gets the answer as a note instead (a
 * waiting case is resumed first to be handed on). */
static int
on_case(struct arena *a, const struct actor *who, long long case_id, const char *action,
    const struct case_args *x)
{
	int rc;

	if (case_id == 0)
		return DOM_OK;
	rc = case_act(a, who, case_id, action, x);
	if (rc == CASE_CHANGED && strcmp(action, "escalate") == 0 &&
	    case_act(a, who, case_id, "resume", NULL) == DOM_OK)
		rc = case_act(a, who, case_id, action, x);
	if (rc == CASE_CHANGED || rc == WAIT_BAD)
		rc = case_act(a, who, case_id, "note", &(struct case_args){ .text = x->text });
	return rc;
}

/* handoff: the case to a person, open and nobody's, with what was said. */
static int
handoff(struct arena *a, const struct actor *who, long long case_id, const char *what)
{
	return on_case(a, who, case_id, "escalate", &(struct case_args){ .text = what });
}

/* substitute: the substitution the customer chose (slots' "choice", one of
 * what the call offered), prepared and held for an agent's one-click
 * check; CALL_INTENT when there is no such choice (a person takes it). */
static int
substitute(struct arena *a, const struct actor *who, long long call_id, long long case_id,
    json_object *slots, const char *offered, const struct action_order *o, const char **did)
{
	struct outbox_new n = { 0 };
	json_object *off = json_tokener_parse(offered), *opts, *v, *e;
	const char *sku = NULL, *name = NULL, *nsku = NULL, *nname = NULL;
	int choice = 0, rc;
	size_t i;

	if (slots && json_object_object_get_ex(slots, "choice", &v) &&
	    json_object_is_type(v, json_type_int))
		choice = json_object_get_int(v);
	if (off && json_object_object_get_ex(off, "options", &opts) &&
	    json_object_is_type(opts, json_type_array))
		for (i = 0; i < json_object_array_length(opts); i++) {
			e = json_object_array_get_idx(opts, i);
			if (json_object_object_get_ex(e, "choice", &v) &&
			    json_object_get_int(v) == choice && choice > 0) {
				json_object_object_get_ex(e, "sku", &v);
				nsku = arena_strdup(a, json_object_get_string(v));
				json_object_object_get_ex(e, "name", &v);
				nname = arena_strdup(a, json_object_get_string(v));
			}
		}
	if (off && json_object_object_get_ex(off, "sku", &v))
		sku = arena_strdup(a, json_object_get_string(v));
	if (off && json_object_object_get_ex(off, "name", &v))
		name = arena_strdup(a, json_object_get_string(v));
	json_object_put(off);
	if (!nsku || !sku || !name || action_why_not(a, "substitute", &o->st))
		return CALL_INTENT;
	action_substitute(a, who, o, sku, name, nsku, nname, &n);
	if ((rc = submit(a, who, call_id, case_id, &n, 1)) != DOM_OK)
		return rc;
	*did = arena_printf(a, "客户选择换为 %s（待人工确认）", nname);
	return DOM_OK;
}

/* follow: what the script maps the answer to, done by who; *did says it. */
static int
follow(struct arena *a, const struct actor *who, long long call_id, long long case_id,
    const struct call_script *s, const char *does, const char *label, int confidence,
    json_object *slots, const char *offered, const struct action_order *o, const char **did)
{
	struct outbox_new n = { 0 };
	struct db_res res;
	int rc;

	*did = label_of(call_follow_ups, does)->label;
	if (strcmp(does, "resolve") == 0)
		return on_case(a, who, case_id, "resolve", &(struct case_args){
		    .text = arena_printf(a, "外呼确认：%s", label) });
	if (strcmp(does, "wait") == 0) {
		const char *until = NULL;

		if ((rc = DB_ONE(a, &q_restock_at, &res, DB_INT(o->id))) == DB_OK &&
		    !db_null(&res, 0))
			until = arena_strdup(a, db_str(&res, 0));
		db_done(&res);
		if (rc != DB_OK && rc != DB_NOROW)
			return rc;
		if (case_id == 0)
			return DOM_OK;
		if (until == NULL) {
			*did = "客户愿意等待，但补货时间未知：转人工跟进";
			return handoff(a, who, case_id, "外呼：客户愿意等待补货，补货时间未知，请跟进");
		}
		return on_case(a, who, case_id, "wait", &(struct case_args){ .until = until,
		    .text = "外呼：客户愿意等待补货" });
	}
	if (strcmp(does, "cancel") == 0) {
		const char *no = action_why_not(a, "cancel", &o->st);

		if (no) {
			*did = "客户要求取消，但订单已不能取消：转人工";
			return handoff(a, who, case_id, arena_printf(a, "外呼：客户要求取消；%s", no));
		}
		action_cancel(a, who, o, strcmp(s->code, "stock_shortage") == 0 ?
		    "out_of_stock" : "customer", "外呼确认：客户要求取消", &n);
		return submit(a, who, call_id, case_id, &n, 0);
	}
	if (strcmp(does, "price") == 0) {
		struct call_mispriced mp;
		struct price_line line;

		if ((rc = call_mispriced(a, o->id, &mp)) == DB_OK)
			line = (struct price_line){ mp.sku, mp.unit_price, mp.list_price, mp.qty };
		if (rc == DB_NOROW || (rc == DB_OK && o->st.paid_amount > 0 && line.new > line.old)) {
			*did = "客户同意改价，但需补款或价格已正确：转人工";
			return handoff(a, who, case_id, "外呼：客户同意按正确价格购买，请人工处理差价");
		}
		if (rc != DB_OK)
			return rc;
		action_price(a, who, o, &line, 1, "customer_call", &n);
		return submit(a, who, call_id, case_id, &n, 0);
	}
	if (strcmp(does, "address") == 0) {
		const char *pr = slot_str(a, slots, "province"), *ci = slot_str(a, slots, "city");
		const char *di = slot_str(a, slots, "district"), *de = slot_str(a, slots, "detail");
		const char *nm = slot_str(a, slots, "receiver_name");
		const char *ph = slot_str(a, slots, "receiver_phone");
		const char *no = action_why_not(a, "address", &o->st);

		if (!pr || !ci || !di || !de || (ph && !phone_mobile(ph)) || no) {
			*did = "客户要改地址，但没有完整记录或订单已不能改：转人工";
			return handoff(a, who, case_id, "外呼：客户要修改地址，请人工联系确认");
		}
		action_address(a, who, o, nm ? nm : o->receiver, ph ? ph : o->phone, pr, ci, di,
		    de, &n);
		if (confidence >= 0 && confidence < cfg.robot_confidence)
			*did = "修改地址（识别置信度低，待人工确认）";
		return submit(a, who, call_id, case_id, &n,
		    confidence >= 0 && confidence < cfg.robot_confidence);
	}
	if (strcmp(does, "dnc") == 0) {
		if ((rc = call_dnc_add(a, who, o->phone, "客户在通话中要求不再来电")) != DOM_OK)
			return rc;
		return handoff(a, who, case_id, "外呼：客户要求不再来电，已加入免打扰名单");
	}
	if (strcmp(does, "survey") == 0)
		return DOM_OK;
	if (strcmp(does, "substitute") == 0 && *offered &&
	    (rc = substitute(a, who, call_id, case_id, slots, offered, o, did)) != CALL_INTENT)
		return rc;
	/* handoff, substitute */
	return handoff(a, who, case_id, arena_printf(a, "外呼：%s", strcmp(does, "substitute") == 0 ?
	    "客户愿意换购，请推荐同类、价格相近、有货的商品" : label));
}

/* retry_after: how long after an outcome the next attempt waits (the
 * voicemail's next day is the window's start tomorrow); -1: no retry. */
static long long
retry_after(const char *status)
{
	if (strcmp(status, "no_answer") == 0 || strcmp(status, "failed") == 0 ||
	    strcmp(status, "out_of_service") == 0)
		return cfg.robot_retry_no_answer;
	if (strcmp(status, "busy") == 0)
		return cfg.robot_retry_busy;
	if (strcmp(status, "voicemail") == 0)
		return 86400;
	return -1;
}

static const char *
state_of(const char *status)
{
	if (strcmp(status, "answered") == 0 || strcmp(status, "no_answer") == 0 ||
	    strcmp(status, "busy") == 0 || strcmp(status, "voicemail") == 0)
		return status;
	if (strcmp(status, "failed") == 0 || strcmp(status, "out_of_service") == 0)
		return "no_answer";
	return "invalid";
}

static struct db_stmt q_later = DB_STMT(DB_CONSOLE,
	"SELECT DATE_FORMAT(IF(? = 'voicemail', TIMESTAMP(CURDATE() + INTERVAL 1 DAY, ?),"
	" NOW() + INTERVAL ? SECOND), '%Y-%m-%d %H:%i:%s')");

/* span: seconds as a delay reads ("2 小时", "30 分钟"). */
static const char *
span(struct arena *a, long long s)
{
	if (s % 3600 == 0)
		return arena_printf(a, " %lld 小时", s / 3600);
	return arena_printf(a, " %lld 分钟", (s + 59) / 60);
}

/* again: the next attempt after an outcome that did not reach anyone;
 * *did says what became of it. */
static int
again(struct arena *a, const struct actor *who, const struct call_script *s,
    const struct action_order *o, long long case_id, long long campaign, int attempt,
    const char *status, const char **did)
{
	struct db_res res;
	long long id, delay = retry_after(status);
	const char *after = NULL, *when, *why;
	int rc, dnc;

	if (delay < 0) {
		*did = "号码无效，不再拨打：转人工";
		return handoff(a, who, case_id, arena_printf(a, "外呼：%s，请人工联系",
		    label_of(call_statuses, status)->label));
	}
	if (attempt >= cfg.robot_attempts) {
		*did = arena_printf(a, "%lld 次都没有联系上：转人工", cfg.robot_attempts);
		return handoff(a, who, case_id, arena_printf(a, "外呼 %d 次都没有联系上客户，请人工跟进",
		    attempt));
	}
	if ((rc = call_dnc_has(a, o->phone, &dnc)) != DB_OK)
		return rc;
	if (dnc) {
		*did = "号码已在免打扰名单上，不再拨打";
		return DOM_OK;
	}
	if ((rc = DB_ONE(a, &q_later, &res, DB_STR(status),
	    DB_STR(arena_printf(a, "%s:00", s->window_start)), DB_INT(delay))) == DB_OK)
		after = arena_strdup(a, db_str(&res, 0));
	db_done(&res);
	if (rc != DB_OK)
		return rc;
	if ((rc = call_schedule(a, who, s, o, case_id, campaign, attempt + 1, after, arena_printf(a,
	    "上次%s，%s后再拨", label_of(call_statuses, status)->label,
	    strcmp(status, "voicemail") == 0 ? "次日" : span(a, delay)),
	    &id, &when, &why)) != DB_OK)
		return rc;
	*did = arena_printf(a, "第 %d 次外呼安排在 %.16s", attempt + 1, when);
	return DOM_OK;
}

/* --- the robot's result as it comes (README: The phone robot) ---------- */

/* text: a string member of at most max bytes; NULL when absent (*bad
 * when present and not so). */
static const char *
text(struct arena *a, json_object *o, const char *name, size_t max, int *bad)
{
	json_object *v;

	if (!json_object_object_get_ex(o, name, &v) || json_object_is_type(v, json_type_null))
		return NULL;
	if (!json_object_is_type(v, json_type_string) ||
	    (size_t)json_object_get_string_len(v) > max || json_object_get_string_len(v) == 0) {
		*bad = 1;
		return NULL;
	}
	return arena_strdup(a, json_object_get_string(v));
}

/* parse: the result o into x; NULL, or what is wrong. */
static const char *
parse(struct arena *a, json_object *o, struct call_result *x)
{
	json_object *v;
	const char *ended;
	int bad = 0;

	if (!json_object_is_type(o, json_type_object))
		return "回调内容不是 JSON 对象";
	x->callback_id = text(a, o, "callback_id", 64, &bad);
	x->job_id = text(a, o, "job_id", 64, &bad);
	x->ref = text(a, o, "ref", 64, &bad);
	x->status = text(a, o, "status", 16, &bad);
	x->intent = text(a, o, "intent", 32, &bad);
	x->transcript_url = text(a, o, "transcript_url", 500, &bad);
	ended = text(a, o, "ended_at", 40, &bad);
	if (bad || !x->callback_id || !x->ref || !x->status)
		return "缺少 callback_id、ref 或 status，或它们的格式不正确";
	if (strspn(x->callback_id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789_.:-") != strlen(x->callback_id))
		return "callback_id 含有不允许的字符";
	if (!label_known(call_statuses, x->status))
		return "status 不是约定的值";
	if (strcmp(x->status, "answered") == 0 && !x->intent)
		return "接通的回调须带 intent";
	if (x->transcript_url && strncmp(x->transcript_url, "https://", 8) != 0 &&
	    strncmp(x->transcript_url, "http://", 7) != 0)
		return "transcript_url 须是 http(s) 地址";
	x->confidence = -1;
	if (json_object_object_get_ex(o, "confidence", &v) && !json_object_is_type(v, json_type_null)) {
		double c = json_object_get_double(v);

		if (!(json_object_is_type(v, json_type_double) || json_object_is_type(v, json_type_int)) ||
		    c < 0 || c > 1)
			return "confidence 须是 0 到 1 之间的数";
		x->confidence = (int)(c * 100 + 0.5);
	}
	x->duration = -1;
	if (json_object_object_get_ex(o, "duration", &v) && !json_object_is_type(v, json_type_null)) {
		if (!json_object_is_type(v, json_type_int) || json_object_get_int64(v) < 0 ||
		    json_object_get_int64(v) > 86400)
			return "duration 须是秒数";
		x->duration = json_object_get_int64(v);
	}
	x->slots = NULL;
	if (json_object_object_get_ex(o, "slots", &v) && !json_object_is_type(v, json_type_null)) {
		const char *s;

		if (!json_object_is_type(v, json_type_object))
			return "slots 须是 JSON 对象";
		s = json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN |
		    JSON_C_TO_STRING_NOSLASHESCAPE);
		if (strlen(s) > 4000)
			return "slots 太长";
		x->slots = arena_strdup(a, s);
	}
	/* "2026-12-02T10:03:11+08:00": the shop's time, to the second */
	x->ended_at = NULL;
	if (ended && strlen(ended) >= 19 && ended[4] == '-' && ended[7] == '-' &&
	    ended[10] == 'T' && ended[13] == ':' && ended[16] == ':') {
		char *e = arena_strndup(a, ended, 19);

		e[10] = ' ';
		x->ended_at = e;
	}
	return NULL;
}

const char *
call_result_read(struct arena *a, const char *body, struct call_result *x)
{
	json_object *o = body ? json_tokener_parse(body) : NULL;
	const char *why = o ? parse(a, o, x) : "回调内容不是 JSON";

	json_object_put(o);
	return why;
}

/* ref_id: the call a job's ref "call-{id}-{attempt}" names, or 0. */
static long long
ref_id(const char *ref, int *attempt)
{
	const char *p = ref, *dash;
	char *end;
	long long id;

	if (strncmp(p, "call-", 5) != 0)
		return 0;
	id = strtoll(p + 5, &end, 10);
	dash = end;
	if (id <= 0 || *dash != '-')
		return 0;
	*attempt = (int)strtol(dash + 1, &end, 10);
	return *end == '\0' && *attempt > 0 ? id : 0;
}

/* summary: one line of the call's outcome for the case's history. */
static const char *
summary(struct arena *a, const struct call_script *s, const struct call_result *r,
    const char *label, const char *did, int score)
{
	return arena_printf(a, "外呼「%s」%s%s%s%s%s；%s", s->name,
	    label_of(call_statuses, r->status)->label, label ? "，客户：" : "",
	    label ? label : "", score > 0 ? arena_printf(a, "，评分 %d", score) : "",
	    r->duration >= 0 ? arena_printf(a, "，通话 %lld 秒", r->duration) : "", did);
}

static int
result(struct arena *a, const struct actor *who, const struct call_result *r)
{
	struct db_res res;
	struct call_script s;
	struct action_order o;
	json_object *slots = r->slots ? json_tokener_parse(r->slots) : NULL, *v;
	const char *state, *does = NULL, *label = NULL, *did = "", *channel, *tags = NULL;
	const char *offered;
	long long id, order_id, case_id, campaign;
	int attempt = 0, stored_attempt, rc, score = 0, going;

	/* a callback that came before is answered as it was: done */
	rc = DB_ONE(a, &q_callback_seen, &res, DB_STR(r->callback_id));
	db_done(&res);
	if (rc != DB_NOROW) {
		json_object_put(slots);
		return rc == DB_OK ? CALLBACK_REPEAT : rc;
	}
	if ((id = ref_id(r->ref, &attempt)) == 0) {
		json_object_put(slots);
		return CALL_MISSING;
	}
	if ((rc = DB_ONE(a, &q_call_lock, &res, DB_INT(id))) != DB_OK) {
		db_done(&res);
		json_object_put(slots);
		return rc == DB_NOROW ? CALL_MISSING : rc;
	}
	order_id = db_int(&res, 1);
	case_id = db_int(&res, 3);
	stored_attempt = (int)db_int(&res, 5);
	state = arena_strdup(a, db_str(&res, 6));
	campaign = db_int(&res, 7);
	going = db_int(&res, 8) != 0;
	offered = arena_strdup(a, db_str(&res, 9));
	rc = call_script_get(a, db_str(&res, 4), &s);
	db_done(&res);
	if (rc == DB_OK && stored_attempt != attempt)
		rc = CALL_MISSING;
	else if (rc == DB_OK && strcmp(state, "scheduled") != 0 && strcmp(state, "dialling") != 0)
		rc = CALL_CHANGED;
	if (rc != DB_OK) {
		json_object_put(slots);
		return rc == SCRIPT_MISSING ? CALL_MISSING : rc;
	}
	if (strcmp(r->status, "answered") == 0 &&
	    !call_script_intent(a, &s, r->intent ? r->intent : "", &does, &label)) {
		json_object_put(slots);
		return CALL_INTENT;
	}
	if ((rc = DB_EXEC(a, &q_callback, NULL, DB_STR(r->callback_id), DB_INT(id))) != DB_OK) {
		json_object_put(slots);
		return rc == DB_DUP ? CALLBACK_REPEAT : rc;
	}
	if (slots && json_object_object_get_ex(slots, "score", &v) &&
	    json_object_is_type(v, json_type_int) && json_object_get_int(v) >= 1 &&
	    json_object_get_int(v) <= 5)
		score = json_object_get_int(v);
	if (slots && json_object_object_get_ex(slots, "tags", &v) &&
	    json_object_is_type(v, json_type_array)) {
		struct buf b = { 0 };
		size_t i;

		for (i = 0; i < json_object_array_length(v) && i < 10; i++) {
			json_object *t = json_object_array_get_idx(v, i);

			if (json_object_is_type(t, json_type_string))
				buf_printf(&b, "%s%.20s", b.p ? "," : "", json_object_get_string(t));
		}
		tags = b.p ? arena_strdup(a, b.p) : NULL;
		buf_free(&b);
	}
	if ((rc = action_order_load(a, order_id, &o, &channel)) != DB_OK)
		rc = rc == DB_NOROW ? DOM_OK : rc;	/* gone from the replica: nothing follows */
	else if (does)
		rc = follow(a, who, id, case_id, &s, does, label, r->confidence, slots, offered,
		    &o, &did);
	else if (!going)
		did = "外呼任务已结束，不再拨打";
	else
		rc = again(a, who, &s, &o, case_id, campaign, attempt, r->status, &did);
	json_object_put(slots);
	if (rc != DOM_OK)
		return rc;
	if ((rc = DB_EXEC(a, &q_call_done, NULL, DB_STR(state_of(r->status)), DB_STR(r->status),
	    does ? DB_STR(r->intent) : DB_NULL, r->confidence >= 0 ? DB_INT(r->confidence) : DB_NULL,
	    DB_STRN(r->slots), r->duration >= 0 ? DB_INT(r->duration) : DB_NULL,
	    DB_STRN(r->transcript_url), DB_STRN(r->ended_at), DB_STRN(r->job_id),
	    DB_STR(did), score ? DB_INT(score) : DB_NULL, DB_STRN(tags), DB_INT(id))) != DB_OK)
		return rc;
	if (case_id && (rc = DB_EXEC(a, &q_call_event, NULL, DB_INT(case_id), DB_INT(order_id),
	    ACTOR_ARGS(who), DB_STR(summary(a, &s, r, label, did, score)))) != DB_OK)
		return rc;
	return DOM_OK;
}

int
call_result(struct arena *a, const struct actor *who, const struct call_result *r)
{
	int rc;

	if ((rc = db_begin(DB_CONSOLE)) != DB_OK)
		return rc;
	if ((rc = result(a, who, r)) == DOM_OK)
		rc = db_commit(DB_CONSOLE);
	if (rc != DOM_OK)
		db_rollback(DB_CONSOLE);
	return rc;
}
