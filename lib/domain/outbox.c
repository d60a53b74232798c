/* outbox.c: actions on their way to the upstream services (see outbox.h) */
#include <string.h>

#include <json.h>
#include <sodium.h>

#include "core/db.h"
#include "core/util.h"
#include "domain/actions.h"
#include "domain/audit.h"
#include "domain/calls.h"
#include "domain/cases.h"
#include "domain/notify.h"
#include "domain/outbox.h"

const struct label outbox_states[] = {
	{ "approval", "待审批", "amber" },
	{ "queued", "已提交", "blue" },
	{ "sending", "发送中", "blue" },
	{ "sent", "已发送", "indigo" },
	{ "effective", "已生效", "green" },
	{ "failed", "失败", "red" },
	{ "dead", "多次失败", "red" },
	{ "refused", "审批未通过", "gray" },
	{ "cancelled", "已撤回", "gray" },
	{ NULL, NULL, NULL },
};

static struct db_stmt q_key = DB_STMT(DB_CONSOLE,
	"SELECT id, request_hash, state FROM outbox WHERE idem_key = ?");
static struct db_stmt q_limits = DB_STMT(DB_CONSOLE,
	"SELECT a.max_refund, a.daily_refund, (SELECT COALESCE(SUM(o.amount), 0) FROM outbox o"
	"  WHERE o.agent_id = a.id AND o.created_at >= CURDATE()"
	"  AND o.state NOT IN ('refused', 'cancelled', 'failed'))"
	" FROM agents a WHERE a.id = ?");
static struct db_stmt q_insert = DB_STMT(DB_CONSOLE,
	"INSERT INTO outbox (idem_key, request_hash, kind, service, path, body, order_id,"
	" order_no, case_id, amount, summary, actor_type, actor, agent_id, state, next_at,"
	" created_at, updated_at)"
	" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, COALESCE(?, NOW(3)), NOW(), NOW())");
static struct db_stmt q_case_event = DB_STMT(DB_CONSOLE,
	"INSERT INTO case_events (case_id, order_id, at, actor_type, agent_id, actor,"
	" kind, detail) VALUES (?, ?, NOW(), ?, ?, ?, 'action', ?)");
static struct db_stmt q_lock = DB_STMT(DB_CONSOLE,
	"SELECT state, COALESCE(agent_id, 0), COALESCE(order_no, ''), summary, kind"
	" FROM outbox WHERE id = ? FOR UPDATE");
static struct db_stmt q_decide = DB_STMT(DB_CONSOLE,
	"UPDATE outbox SET state = ?, approver_id = ?, approval_note = ?, decided_at = NOW(),"
	" next_at = NOW(3), updated_at = NOW() WHERE id = ?");
static struct db_stmt q_requeue = DB_STMT(DB_CONSOLE,
	"UPDATE outbox SET state = 'queued', attempts = 0, next_at = NOW(3), lease_until = NULL,"
	" leased_by = NULL, updated_at = NOW() WHERE id = ?");
static struct db_stmt q_withdraw = DB_STMT(DB_CONSOLE,
	"UPDATE outbox SET state = 'cancelled', approval_note = ?, updated_at = NOW()"
	" WHERE id = ?");

/* The dispatcher's statements: what is due, and leases that ended. */
static struct db_stmt q_due = DB_STMT(DB_CONSOLE,
	"SELECT id FROM outbox FORCE INDEX (ix_outbox_due) WHERE state = 'queued'"
	" AND next_at <= NOW(3) AND kind <> 'call' ORDER BY next_at LIMIT ?"
	" FOR UPDATE SKIP LOCKED");
/* Calls are taken only while the robot's line has room ([robot]
 * in_flight): the calls dialling now (an hour at most: one never answered
 * for frees its line), counted under a lock that makes a second
 * dispatcher wait for the first one's count. */
static struct db_stmt q_in_flight = DB_STMT(DB_CONSOLE,
	"SELECT COUNT(*) FROM calls FORCE INDEX (ix_calls_state) WHERE state = 'dialling'"
	" AND dialled_at > NOW() - INTERVAL 1 HOUR FOR UPDATE");
static struct db_stmt q_due_calls = DB_STMT(DB_CONSOLE,
	"SELECT id FROM outbox FORCE INDEX (ix_outbox_due) WHERE state = 'queued'"
	" AND next_at <= NOW(3) AND kind = 'call' ORDER BY next_at LIMIT ?"
	" FOR UPDATE SKIP LOCKED");
static struct db_stmt q_lapsed = DB_STMT(DB_CONSOLE,
	"SELECT id FROM outbox FORCE INDEX (ix_outbox_lease) WHERE state = 'sending'"
	" AND lease_until < NOW(3) LIMIT ? FOR UPDATE SKIP LOCKED");
static struct db_stmt q_lease = DB_STMT(DB_CONSOLE,
	"UPDATE outbox SET state = 'sending', leased_by = ?, lease_until = NOW(3) + INTERVAL ?"
	" SECOND, attempts = attempts + 1, updated_at = NOW() WHERE id = ?");
static struct db_stmt q_leased = DB_STMT(DB_CONSOLE,
	"SELECT id, idem_key, kind, service, path, body, COALESCE(order_no, ''), attempts"
	" FROM outbox WHERE id = ?");
static struct db_stmt q_done = DB_STMT(DB_CONSOLE,
	"UPDATE outbox SET state = IF(kind IN ('sms', 'notify', 'call', 'bridge'), 'effective',"
	" 'sent'), sent_at = NOW(),"
	" effective_at = IF(kind IN ('sms', 'notify', 'call', 'bridge'), NOW(), NULL),"
	" last_status = ?, last_error = NULL,"
	" reply = ?, ref = ?, lease_until = NULL, leased_by = NULL, updated_at = NOW()"
	" WHERE id = ? AND state = 'sending' AND leased_by = ?");
static struct db_stmt q_failed = DB_STMT(DB_CONSOLE,
	"UPDATE outbox SET state = ?, next_at = NOW(3) + INTERVAL ? SECOND, last_status = ?,"
	" last_error = ?, attempts = attempts - ?, lease_until = NULL, leased_by = NULL,"
	" updated_at = NOW() WHERE id = ? AND state = 'sending' AND leased_by = ?");

/* Effects: sent actions, and what the replica shows of each kind. */
static struct db_stmt q_sent = DB_STMT(DB_CONSOLE,
	"SELECT id, kind, COALESCE(order_id, 0), COALESCE(order_no, ''), COALESCE(case_id, 0),"
	" body, COALESCE(ref, ''), DATE_FORMAT(sent_at, '%Y-%m-%d %H:%i:%s'), actor_type, actor,"
	" COALESCE(agent_id, 0), summary FROM outbox FORCE INDEX (ix_outbox_due)"
	" WHERE state = 'sent' ORDER BY next_at LIMIT 200");
static struct db_stmt q_effective = DB_STMT(DB_CONSOLE,
	"UPDATE outbox SET state = 'effective', effective_at = NOW(), updated_at = NOW()"
	" WHERE id = ? AND state = 'sent'");
static struct db_stmt e_cancel = DB_STMT(DB_REPLICA,
	"SELECT status = 'cancelled' FROM orders WHERE id = ?");
static struct db_stmt e_refund = DB_STMT(DB_REPLICA,
	"SELECT COUNT(*) > 0 FROM refunds WHERE order_id = ? AND refund_no = ?"
	" AND status = 'success'");
static struct db_stmt e_compensate = DB_STMT(DB_REPLICA,
	"SELECT COUNT(*) > 0 FROM coupons c JOIN coupon_grants g ON g.coupon_id = c.id"
	" WHERE c.code = ? AND g.order_id = ?");
static struct db_stmt e_address = DB_STMT(DB_REPLICA,
	"SELECT receiver_phone = JSON_VALUE(?, '$.receiver_phone')"
	" AND address_detail = JSON_VALUE(?, '$.detail') FROM orders WHERE id = ?");
static struct db_stmt e_price = DB_STMT(DB_REPLICA,
	"SELECT COUNT(*) = 0 FROM JSON_TABLE(?, '$.items[*]' COLUMNS ("
	" sku VARCHAR(32) PATH '$.sku', p BIGINT PATH '$.unit_price')) j"
	" STRAIGHT_JOIN order_items i ON i.order_id = ? AND i.sku = j.sku"
	" WHERE i.unit_price <> j.p");
static struct db_stmt e_substitute = DB_STMT(DB_REPLICA,
	"SELECT COUNT(*) > 0 FROM order_items WHERE order_id = ?"
	" AND sku = JSON_VALUE(?, '$.new_sku')");
static struct db_stmt e_restock = DB_STMT(DB_REPLICA,
	"SELECT COUNT(*) > 0 FROM inventory_moves WHERE sku = JSON_VALUE(?, '$.sku')"
	" AND warehouse = JSON_VALUE(?, '$.warehouse') AND kind = 'inbound'"
	" AND created_at >= CAST(? AS DATETIME) - INTERVAL 1 MINUTE");

int
outbox_key_ok(const char *k)
{
	size_t n = k ? strlen(k) : 0;

	return n >= OUTBOX_KEY_MIN && n <= OUTBOX_KEY_MAX &&
	    strspn(k, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") == n;
}

const char *
outbox_key_new(struct arena *a)
{
	unsigned char raw[18];
	char *k = arena_alloc(a, 25);

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(k, 25, raw, sizeof(raw), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return k;
}

/* request_hash: what makes two submissions the same action. */
static const char *
request_hash(struct arena *a, const struct outbox_new *n)
{
	crypto_hash_sha256_state st;
	unsigned char h[crypto_hash_sha256_BYTES];
	char *hex = arena_alloc(a, sizeof(h) * 2 + 1);
	const char *parts[] = { n->kind, upstream_names[n->service], n->path, n->body };
	size_t i;

	crypto_hash_sha256_init(&st);
	for (i = 0; i < NELEM(parts); i++)
		/* with the terminating NUL: ("ab","c") is not ("a","bc") */
		crypto_hash_sha256_update(&st, (const unsigned char *)parts[i],
		    strlen(parts[i]) + 1);
	crypto_hash_sha256_final(&st, h);
	sodium_bin2hex(hex, sizeof(h) * 2 + 1, h, sizeof(h));
	return hex;
}

/* same_key: what the key already stands for: DOM_OK (nothing yet),
 * OUTBOX_REPEAT (this action: *id, *state), KEY_REUSED, or an error. */
static int
same_key(struct arena *a, const char *key, const char *hash, long long *id,
    const char **state)
{
	struct db_res res;
	int rc = DB_ONE(a, &q_key, &res, DB_STR(key));

	if (rc == DB_OK) {
		*id = db_int(&res, 0);
		*state = arena_strdup(a, db_str(&res, 2));
		rc = strcmp(db_str(&res, 1), hash) == 0 ? OUTBOX_REPEAT : KEY_REUSED;
	} else if (rc == DB_NOROW)
		rc = DOM_OK;
	db_done(&res);
	return rc;
}

/* over_limits: 1 when an agent's action of amount fen needs a second
 * person (over one action's limit, or the day's with what they moved
 * today); rules and the command line answer to their own caps. */
static int
over_limits(struct arena *a, const struct actor *who, long long amount, int *over)
{
	struct db_res res;
	int rc;

	*over = 0;
	if (who->type != ACTOR_AGENT || amount <= 0)
		return DB_OK;
	if ((rc = DB_ONE(a, &q_limits, &res, DB_INT(who->agent_id))) == DB_OK)
		*over = amount > db_int(&res, 0) || db_int(&res, 2) + amount > db_int(&res, 1);
	db_done(&res);
	return rc == DB_NOROW ? AGENT_MISSING : rc;
}

int
outbox_submit(struct arena *a, const struct actor *who, const struct outbox_new *n,
    long long *id, const char **state)
{
	const char *hash = request_hash(a, n);
	struct db_res res;
	int rc, over;

	*id = 0;
	*state = "";
	if ((rc = same_key(a, n->key, hash, id, state)) != DOM_OK ||
	    (rc = over_limits(a, who, n->amount, &over)) != DB_OK)
		return rc;
	over = over || n->hold;
	rc = DB_EXEC(a, &q_insert, &res, DB_STR(n->key), DB_STR(hash), DB_STR(n->kind),
	    DB_STR(upstream_names[n->service]), DB_STR(n->path), DB_STR(n->body),
	    n->order_id ? DB_INT(n->order_id) : DB_NULL, DB_STRN(n->order_no),
	    n->case_id ? DB_INT(n->case_id) : DB_NULL, DB_INT(n->amount), DB_STR(n->summary),
	    DB_STR(actor_code(who)), DB_STR(who->name),
	    who->agent_id ? DB_INT(who->agent_id) : DB_NULL,
	    DB_STR(over ? "approval" : "queued"), DB_STRN(n->not_before));
	if (rc == DB_DUP)	/* another request with the key got there first */
		return same_key(a, n->key, hash, id, state);
	if (rc != DB_OK)
		return rc;
	*id = (long long)res.insert_id;
	*state = over ? "approval" : "queued";
	db_done(&res);
	if (strcmp(n->kind, "notify") == 0)
		return DOM_OK;	/* a message about something: that is what is audited */
	if (n->case_id && (rc = DB_EXEC(a, &q_case_event, NULL, DB_INT(n->case_id),
	    DB_INT(n->order_id), ACTOR_ARGS(who), DB_STR(arena_printf(a, "%s%s", n->summary,
	    !over ? "" : n->hold ? "（待人工确认）" : "（超出限额，待审批）")))) != DB_OK)
		return rc;
	if (over && (rc = notify(a, who, "approval", arena_printf(a, "action %lld", *id),
	    arena_printf(a, "待审批：%s", n->summary), arena_printf(a,
	    "%s 提交%s%s，%s，请有审批权限的同事处理。", who->name,
	    n->order_no ? "订单 " : "", n->order_no ? n->order_no : "",
	    n->hold ? "需要人工确认" : "超出其限额"))) != DB_OK)
		return rc;
	return audit(a, who, arena_printf(a, "action_%s", n->kind), n->order_no,
	    arena_printf(a, "操作 %lld", *id), arena_printf(a, "%s%s", n->summary,
	    over ? "（待审批）" : ""));
}

/* lock: the action's state, requester and summary, locked for a change. */
static int
lock(struct arena *a, long long id, const char **state, long long *agent,
    const char **order_no, const char **summary)
{
	struct db_res res;
	int rc = DB_ONE(a, &q_lock, &res, DB_INT(id));

	if (rc == DB_OK) {
		*state = arena_strdup(a, db_str(&res, 0));
		*agent = db_int(&res, 1);
		*order_no = arena_strdup(a, db_str(&res, 2));
		*summary = arena_strdup(a, db_str(&res, 3));
	}
	db_done(&res);
	return rc == DB_NOROW ? OUTBOX_MISSING : rc;
}

int
outbox_decide(struct arena *a, const struct actor *who, long long id, int approve,
    const char *note)
{
	const char *state, *no, *summary;
	long long agent;
	int rc;

	if ((rc = lock(a, id, &state, &agent, &no, &summary)) != DB_OK)
		return rc;
	if (strcmp(state, "approval") != 0)
		return OUTBOX_CHANGED;
	if (who->type == ACTOR_AGENT && agent == who->agent_id)
		return SELF_APPROVAL;
	if ((rc = DB_EXEC(a, &q_decide, NULL, DB_STR(approve ? "queued" : "refused"),
	    who->agent_id ? DB_INT(who->agent_id) : DB_NULL, DB_STRN(note), DB_INT(id))) != DB_OK)
		return rc;
	return audit(a, who, approve ? "action_approved" : "action_refused", *no ? no : NULL,
	    arena_printf(a, "操作 %lld", id), note && *note ?
	    arena_printf(a, "%s：%s", summary, note) : summary);
}

static struct db_stmt q_held = DB_STMT(DB_CONSOLE,
	"SELECT actor_type = 'robot' AND amount = 0, kind FROM outbox WHERE id = ?");

int
outbox_confirm(struct arena *a, const struct actor *who, long long id, long perms)
{
	const struct action_kind *k;
	const char *state, *no, *summary;
	struct db_res res;
	long long agent;
	int rc, held = 0;

	if ((rc = lock(a, id, &state, &agent, &no, &summary)) != DB_OK)
		return rc;
	if (strcmp(state, "approval") != 0)
		return OUTBOX_CHANGED;
	if ((rc = DB_ONE(a, &q_held, &res, DB_INT(id))) == DB_OK) {
		held = db_int(&res, 0) == 1;
		k = action_kind(db_str(&res, 1));
	}
	db_done(&res);
	if (rc != DB_OK)
		return rc;
	if (!held)
		return OUTBOX_CHANGED;		/* a person's action over its limits: /approvals */
	if (who->type != ACTOR_AGENT || k == NULL || (perms & k->perm) != k->perm)
		return NOT_A_PERSON;
	if ((rc = DB_EXEC(a, &q_decide, NULL, DB_STR("queued"), DB_INT(who->agent_id),
	    DB_STR("核对无误"), DB_INT(id))) != DB_OK)
		return rc;
	return audit(a, who, "action_confirmed", *no ? no : NULL, arena_printf(a, "操作 %lld", id),
	    summary);
}

int
outbox_retry(struct arena *a, const struct actor *who, long long id)
{
	const char *state, *no, *summary;
	long long agent;
	int rc;

	if ((rc = lock(a, id, &state, &agent, &no, &summary)) != DB_OK)
		return rc;
	if (strcmp(state, "failed") != 0 && strcmp(state, "dead") != 0)
		return OUTBOX_CHANGED;
	if ((rc = DB_EXEC(a, &q_requeue, NULL, DB_INT(id))) != DB_OK)
		return rc;
	return audit(a, who, "action_retry", *no ? no : NULL, arena_printf(a, "操作 %lld", id),
	    summary);
}

int
outbox_cancel(struct arena *a, const struct actor *who, long long id, const char *note)
{
	const char *state, *no, *summary;
	long long agent;
	int rc;

	if ((rc = lock(a, id, &state, &agent, &no, &summary)) != DB_OK)
		return rc;
	if (!str_in_list("approval queued failed dead", state))
		return OUTBOX_CHANGED;
	if ((rc = DB_EXEC(a, &q_withdraw, NULL, DB_STRN(note), DB_INT(id))) != DB_OK ||
	    (rc = call_lost(a, id, 1)) != DB_OK)	/* a call withdrawn */
		return rc;
	return audit(a, who, "action_cancelled", *no ? no : NULL,
	    arena_printf(a, "操作 %lld", id), note && *note ?
	    arena_printf(a, "%s：%s", summary, note) : summary);
}

/* ids: the rows of a one-column id result appended to v (up to max). */
static int
ids(struct db_res *res, long long *v, int *n, int max)
{
	int rc;

	while ((rc = db_next(res)) > 0)
		if (*n < max)
			v[(*n)++] = db_int(res, 0);
	return rc < 0 ? rc : db_done(res);
}

static enum upstream
service_of(const char *name)
{
	int i;

	for (i = 0; i < UP_COUNT; i++)
		if (strcmp(upstream_names[i], name) == 0)
			return (enum upstream)i;
	return UP_COUNT;
}

int
outbox_claim(struct arena *a, const char *by, long long lease, int max,
    struct outbox_item **items, int *n)
{
	long long *v = arena_alloc(a, (size_t)max * sizeof(*v));
	struct outbox_item *it;
	struct db_res res;
	int k = 0, i, rc;

	*items = NULL;
	*n = 0;
	if ((rc = db_begin(DB_CONSOLE)) != DB_OK)
		return rc;
	if ((rc = DB_EXEC(a, &q_lapsed, &res, DB_INT(max))) != DB_OK ||
	    (rc = ids(&res, v, &k, max)) != DB_OK ||
	    (k < max && ((rc = DB_EXEC(a, &q_due, &res, DB_INT(max - k))) != DB_OK ||
	    (rc = ids(&res, v, &k, max)) != DB_OK)))
		goto fail;
	if (k < max) {
		long long room;

		if ((rc = db_one(a, &q_in_flight, &res, 0, NULL)) != DB_OK) {
			db_done(&res);
			goto fail;
		}
		room = cfg.robot_in_flight - db_int(&res, 0);
		db_done(&res);
		if (room > 0 && ((rc = DB_EXEC(a, &q_due_calls, &res, DB_INT(room < max - k ?
		    room : max - k))) != DB_OK || (rc = ids(&res, v, &k, max)) != DB_OK))
			goto fail;
	}
	it = arena_alloc(a, (size_t)(k ? k : 1) * sizeof(*it));
	for (i = 0; i < k; i++) {
		if ((rc = DB_EXEC(a, &q_lease, NULL, DB_STR(by), DB_INT(lease), DB_INT(v[i]))) !=
		    DB_OK || (rc = DB_ONE(a, &q_leased, &res, DB_INT(v[i]))) != DB_OK) {
			db_done(&res);
			goto fail;
		}
		it[i].id = db_int(&res, 0);
		it[i].key = arena_strdup(a, db_str(&res, 1));
		it[i].kind = arena_strdup(a, db_str(&res, 2));
		it[i].service = service_of(db_str(&res, 3));
		it[i].path = arena_strdup(a, db_str(&res, 4));
		it[i].body = arena_strdup(a, db_str(&res, 5));
		it[i].order_no = arena_strdup(a, db_str(&res, 6));
		it[i].attempts = (int)db_int(&res, 7);
		db_done(&res);
		if (strcmp(it[i].kind, "call") == 0 && (rc = call_dialled(a, it[i].id)) != DB_OK)
			goto fail;
	}
	if ((rc = db_commit(DB_CONSOLE)) != DB_OK)
		goto fail;
	*items = it;
	*n = k;
	return DB_OK;
fail:
	db_rollback(DB_CONSOLE);
	return rc;
}

/* reply_ref: what the service made, from its answer (refund_no, code,
 * message_id, restock_at), or NULL. */
static const char *
reply_ref(struct arena *a, const char *reply)
{
	static const char *const keys[] = { "refund_no", "code", "message_id", "restock_at" };
	json_object *j = reply ? json_tokener_parse(reply) : NULL, *v;
	const char *ref = NULL;
	size_t i;

	for (i = 0; j && ref == NULL && i < NELEM(keys); i++)
		if (json_object_object_get_ex(j, keys[i], &v) &&
		    json_object_is_type(v, json_type_string))
			ref = arena_strndup(a, json_object_get_string(v), 64);
	json_object_put(j);
	return ref;
}

int
outbox_answer(struct arena *a, const char *by, const struct outbox_item *it,
    enum outbox_outcome out, int status, const char *message, const char *reply,
    long long delay, int max_attempts)
{
	struct db_res res;
	const char *state;
	int rc;

	if (out == OUT_DONE)
		rc = DB_EXEC(a, &q_done, &res, DB_INT(status), DB_STRN(reply),
		    DB_STRN(reply_ref(a, reply)), DB_INT(it->id), DB_STR(by));
	else {
		state = out == OUT_FAILED ? "failed" : out == OUT_LATER ? "queued" :
		    it->attempts >= max_attempts ? "dead" : "queued";
		rc = DB_EXEC(a, &q_failed, &res, DB_STR(state), DB_INT(delay), DB_INT(status),
		    db_clip(message, 480), DB_INT(out == OUT_LATER), DB_INT(it->id), DB_STR(by));
	}
	if (rc != DB_OK)
		return rc;
	rc = res.affected ? DB_OK : OUTBOX_CHANGED;
	db_done(&res);
	if (rc == DB_OK && out != OUT_DONE && strcmp(it->kind, "call") == 0 &&
	    (out == OUT_FAILED || it->attempts >= max_attempts))
		rc = call_lost(a, it->id, 0);
	if (rc == DB_OK && out == OUT_RETRY && it->attempts >= max_attempts &&
	    strcmp(it->kind, "notify") != 0) {
		struct actor me = actor_make(ACTOR_SCANNER, "mend-dispatch");

		rc = notify(a, &me, "dead", arena_printf(a, "action %lld", it->id),
		    arena_printf(a, "操作多次失败：%s%s", *it->order_no ? "订单 " : "操作 ",
		    *it->order_no ? it->order_no : arena_printf(a, "%lld", it->id)),
		    arena_printf(a, "%s试了 %d 次仍未成功：%s。请在“操作”页重试或撤回。",
		    action_kind(it->kind) ? action_kind(it->kind)->label : it->kind,
		    it->attempts, message ? message : "没有答复"));
	}
	return rc;
}

/* shows: 1 when the replica shows the sent action's effect. */
static int
shows(struct arena *a, const char *kind, long long order_id, const char *body,
    const char *ref, const char *sent_at, int *yes)
{
	struct db_res res;
	int rc;

	*yes = 0;
	if (strcmp(kind, "cancel") == 0)
		rc = DB_ONE(a, &e_cancel, &res, DB_INT(order_id));
	else if (strcmp(kind, "refund") == 0)
		rc = DB_ONE(a, &e_refund, &res, DB_INT(order_id), DB_STR(ref));
	else if (strcmp(kind, "compensate") == 0)
		rc = DB_ONE(a, &e_compensate, &res, DB_STR(ref), DB_INT(order_id));
	else if (strcmp(kind, "address") == 0)
		rc = DB_ONE(a, &e_address, &res, DB_STR(body), DB_STR(body), DB_INT(order_id));
	else if (strcmp(kind, "price") == 0)
		rc = DB_ONE(a, &e_price, &res, DB_STR(body), DB_INT(order_id));
	else if (strcmp(kind, "restock") == 0)
		rc = DB_ONE(a, &e_restock, &res, DB_STR(body), DB_STR(body), DB_STR(sent_at));
	else if (strcmp(kind, "substitute") == 0)
		rc = DB_ONE(a, &e_substitute, &res, DB_INT(order_id), DB_STR(body));
	else {
		*yes = 1;	/* nothing to watch: the service's word is the effect */
		return DB_OK;
	}
	if (rc == DB_OK)
		*yes = db_int(&res, 0) == 1;
	db_done(&res);
	return rc == DB_NOROW ? DB_OK : rc;
}

/* took_effect: the action marked effective and its case resolved in its
 * requester's name, in one transaction. */
static int
took_effect(struct arena *a, long long id, long long case_id, const struct actor *who,
    const char *summary)
{
	struct db_res res;
	int rc;

	if ((rc = db_begin(DB_CONSOLE)) != DB_OK)
		return rc;
	if ((rc = DB_EXEC(a, &q_effective, &res, DB_INT(id))) == DB_OK) {
		int mine = res.affected > 0;

		db_done(&res);
		if (mine && case_id) {
			rc = case_act(a, who, case_id, "resolve", &(struct case_args){
			    .text = arena_printf(a, "%s，已生效", summary) });
			if (rc == CASE_CHANGED || rc == CASE_MISSING)
				rc = DB_OK;	/* closed meanwhile: it stays as it is */
		}
	}
	if (rc == DB_OK)
		return db_commit(DB_CONSOLE);
	db_rollback(DB_CONSOLE);
	return rc;
}

int
outbox_effects(struct arena *a, int *n)
{
	struct db_res res;
	int rc, yes;

	*n = 0;
	if ((rc = DB_EXEC(a, &q_sent, &res)) != DB_OK)
		return rc;
	while ((rc = db_next(&res)) > 0) {
		long long id = db_int(&res, 0);
		struct actor who = actor_stored(db_str(&res, 8), arena_strdup(a, db_str(&res, 9)),
		    db_int(&res, 10));
		int e = shows(a, db_str(&res, 1), db_int(&res, 2), db_str(&res, 5),
		    db_str(&res, 6), db_str(&res, 7), &yes);

		if (e != DB_OK) {
			rc = e;
			break;
		}
		if (yes && (e = took_effect(a, id, db_int(&res, 4), &who,
		    arena_strdup(a, db_str(&res, 11)))) != DB_OK) {
			rc = e;
			break;
		}
		*n += yes;
	}
	if (rc < 0) {
		db_done(&res);
		return rc;
	}
	return db_done(&res);
}
