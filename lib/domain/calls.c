/* calls.c: the phone robot's calls (see calls.h) */
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

/* --- for the pages: variables, survey tags, script edits, list removals ---
 * (/admin/scripts, /admin/dnc and /calls; call_render fills only these) */

const struct label call_vars[] = {
	{ "ORDER_NO", "订单号", "gray" },
	{ "ORDER_TAIL", "订单号后四位", "gray" },
	{ "NAME", "收货人", "gray" },
	{ "ADDRESS", "收货地址", "gray" },
	{ "ITEMS", "商品和件数", "gray" },
	{ "AMOUNT", "实付金额", "gray" },
	{ "ESTIMATE", "新的预计送达日期", "gray" },
	{ "PRODUCT", "缺货、标错价或第一件商品", "gray" },
	{ "DAYS", "预计补货天数", "gray" },
	{ "PRICE", "错误标价", "gray" },
	{ "CORRECT_PRICE", "正确价格", "gray" },
	{ NULL, NULL, NULL },
};

const struct label call_survey_tags[] = {
	{ "size", "尺码", "blue" },
	{ "quality", "质量", "blue" },
	{ "delivery", "配送速度", "blue" },
	{ "speed", "配送速度", "blue" },
	{ "packaging", "包装", "blue" },
	{ "service", "服务", "blue" },
	{ NULL, NULL, NULL },
};

static struct db_stmt q_script_lock = DB_STMT(DB_CONSOLE,
	"SELECT code FROM call_scripts WHERE code = ? FOR UPDATE");
static struct db_stmt q_script_save = DB_STMT(DB_CONSOLE,
	"UPDATE call_scripts SET name = ?, purpose = ?, text = ?, text_en = ?,"
	" window_start = ?, window_end = ?, enabled = ?, updated_at = NOW() WHERE code = ?");
static struct db_stmt q_dnc_row = DB_STMT(DB_CONSOLE,
	"SELECT phone_tail, reason FROM dnc WHERE phone_hash = ? FOR UPDATE");
static struct db_stmt q_dnc_del = DB_STMT(DB_CONSOLE,
	"DELETE FROM dnc WHERE phone_hash = ?");

int
call_var_known(const char *name, size_t len)
{
	const struct label *l;

	for (l = call_vars; l->code; l++)
		if (strlen(l->code) == len && memcmp(l->code, name, len) == 0)
			return 1;
	return 0;
}

const char *
call_text_unknown(struct arena *a, const char *text, int *unclosed)
{
	const char *p, *open, *close;

	*unclosed = 0;
	for (p = text; (open = strstr(p, "{{")) != NULL; p = close + 2) {
		if ((close = strstr(open + 2, "}}")) == NULL) {
			*unclosed = 1;
			return arena_strndup(a, open, strlen(open) > 20 ? 20 : strlen(open));
		}
		if (!call_var_known(open + 2, (size_t)(close - open - 2)))
			return arena_strndup(a, open + 2, (size_t)(close - open - 2));
	}
	return NULL;
}

int
call_script_intents(struct arena *a, const struct call_script *s, struct call_intent *v,
    int max)
{
	json_object *m = json_tokener_parse(s->intents), *e;
	int n = 0;

	if (m && json_object_is_type(m, json_type_object)) {
		json_object_object_foreach(m, k, x) {
			if (n == max)
				break;
			v[n].intent = arena_strdup(a, k);
			v[n].label = json_object_object_get_ex(x, "label", &e) ?
			    arena_strdup(a, json_object_get_string(e)) : v[n].intent;
			v[n].does = json_object_object_get_ex(x, "do", &e) ?
			    arena_strdup(a, json_object_get_string(e)) : "";
			n++;
		}
	}
	json_object_put(m);
	return n;
}

int
call_script_save(struct arena *a, const struct actor *who, const struct call_script *nu,
    int *changed)
{
	struct call_script cur;
	struct db_res res;
	struct buf b = { 0 };
	const char *detail;
	int rc;

	*changed = 0;
	rc = DB_ONE(a, &q_script_lock, &res, DB_STR(nu->code));
	db_done(&res);
	if (rc != DB_OK)
		return rc == DB_NOROW ? SCRIPT_MISSING : rc;
	if ((rc = call_script_get(a, nu->code, &cur)) != DB_OK)
		return rc;
	if (strcmp(cur.name, nu->name) != 0)
		buf_printf(&b, "名称「%s」→「%s」；", cur.name, nu->name);
	if (strcmp(cur.purpose, nu->purpose) != 0)
		buf_printf(&b, "用途改为「%s」；", nu->purpose);
	if (strcmp(cur.text, nu->text) != 0)
		buf_printf(&b, "话术改为「%s」；", nu->text);
	if (strcmp(cur.text_en, nu->text_en) != 0)
		buf_puts(&b, "修改了英文话术；");
	if (strcmp(cur.window_start, nu->window_start) != 0 ||
	    strcmp(cur.window_end, nu->window_end) != 0)
		buf_printf(&b, "外呼时段 %s–%s → %s–%s；", cur.window_start, cur.window_end,
		    nu->window_start, nu->window_end);
	if (cur.enabled != nu->enabled)
		buf_puts(&b, nu->enabled ? "启用；" : "停用；");
	detail = arena_strdup(a, b.p ? b.p : "");
	buf_free(&b);
	if (*detail == '\0')
		return DOM_OK;
	*changed = 1;
	if ((rc = DB_EXEC(a, &q_script_save, NULL, DB_STR(nu->name), DB_STR(nu->purpose),
	    DB_STR(nu->text), DB_STR(nu->text_en), DB_STR(nu->window_start),
	    DB_STR(nu->window_end), DB_INT(nu->enabled), DB_STR(nu->code))) != DB_OK)
		return rc;
	/* the script by its name, as the audit log reads (its code is English) */
	return audit(a, who, "script_updated", NULL, cur.name, detail);
}

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

#define SCRIPT_COLS "SELECT code, name, purpose, text, text_en, intents," \
	" COALESCE(window_start, ''), COALESCE(window_end, ''), enabled FROM call_scripts"
static struct db_stmt q_scripts = DB_STMT(DB_CONSOLE,
	SCRIPT_COLS " ORDER BY position, code LIMIT 50");
static struct db_stmt q_script = DB_STMT(DB_CONSOLE, SCRIPT_COLS " WHERE code = ?");

/* The order's values a script may name. */
static struct db_stmt q_vars = DB_STMT(DB_REPLICA,
	"SELECT o.order_no, RIGHT(o.order_no, 4), o.receiver_name, o.receiver_phone,"
	" CONCAT(o.province, o.city, o.district, o.address_detail),"
	" (SELECT GROUP_CONCAT(product_name, ' ', qty, ' 件' ORDER BY id SEPARATOR '、')"
	"  FROM order_items WHERE order_id = o.id),"
	" (SELECT product_name FROM order_items WHERE order_id = o.id ORDER BY id LIMIT 1),"
	" o.pay_amount, DATE_FORMAT(NOW() + INTERVAL 2 DAY, '%c月%e日'), o.warehouse"
	" FROM orders o WHERE o.id = ?");
/* the item short at the order's warehouse, and when more is expected */
static struct db_stmt q_short = DB_STMT(DB_REPLICA,
	"SELECT i.product_name, IF(v.restock_at > NOW(),"
	" GREATEST(1, CEIL(TIMESTAMPDIFF(HOUR, NOW(), v.restock_at) / 24)), NULL)"
	" FROM orders o JOIN order_items i ON i.order_id = o.id"
	" JOIN inventory v ON v.sku = i.sku AND v.warehouse = o.warehouse"
	" WHERE o.id = ? AND v.on_hand - v.reserved < 0 ORDER BY i.id LIMIT 1");
/* the item sold off its list price, furthest first */
static struct db_stmt q_mispriced = DB_STMT(DB_REPLICA,
	"SELECT product_name, unit_price, list_price, sku, qty FROM order_items"
	" WHERE order_id = ? AND unit_price <> list_price"
	" ORDER BY ABS(unit_price - list_price) DESC, id LIMIT 1");
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
static struct db_stmt q_restock_at = DB_STMT(DB_REPLICA,
	"SELECT DATE_FORMAT(MIN(v.restock_at), '%Y-%m-%d %H:%i:%s') FROM orders o"
	" JOIN order_items i ON i.order_id = o.id"
	" JOIN inventory v ON v.sku = i.sku AND v.warehouse = o.warehouse"
	" WHERE o.id = ? AND v.on_hand - v.reserved < 0 AND v.restock_at > NOW()");

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
static struct db_stmt q_dialled = DB_STMT(DB_CONSOLE,
	"UPDATE calls SET state = 'dialling', dialled_at = NOW(), updated_at = NOW()"
	" WHERE outbox_id = ? AND state = 'scheduled'");
static struct db_stmt q_lost = DB_STMT(DB_CONSOLE,
	"UPDATE calls SET state = IF(?, 'cancelled', 'failed'),"
	" follow_up = IF(?, '外呼已撤回', '机器人没有接受这通外呼'),"
	" updated_at = NOW() WHERE outbox_id = ? AND state IN ('scheduled', 'dialling')");

static const char *
copy(struct arena *a, const char *s)
{
	return arena_strdup(a, s ? s : "");
}

static void
read_script(struct arena *a, const struct db_res *res, struct call_script *s)
{
	s->code = copy(a, db_str(res, 0));
	s->name = copy(a, db_str(res, 1));
	s->purpose = copy(a, db_str(res, 2));
	s->text = copy(a, db_str(res, 3));
	s->text_en = copy(a, db_str(res, 4));
	s->intents = copy(a, db_str(res, 5));
	s->window_start = *db_str(res, 6) ? copy(a, db_str(res, 6)) : cfg.robot_window_start;
	s->window_end = *db_str(res, 7) ? copy(a, db_str(res, 7)) : cfg.robot_window_end;
	s->enabled = db_int(res, 8) != 0;
}

int
call_scripts_load(struct arena *a, struct call_script *v, int max, int *n)
{
	struct db_res res;
	int rc;

	*n = 0;
	if ((rc = db_exec(a, &q_scripts, &res, 0, NULL)) != DB_OK)
		return rc;
	while ((rc = db_next(&res)) > 0)
		if (*n < max)
			read_script(a, &res, &v[(*n)++]);
	if (rc < 0) {
		db_done(&res);
		return rc;
	}
	return db_done(&res);
}

int
call_script_get(struct arena *a, const char *code, struct call_script *s)
{
	struct db_res res;
	int rc = DB_ONE(a, &q_script, &res, DB_STR(code));

	if (rc == DB_OK)
		read_script(a, &res, s);
	db_done(&res);
	return rc == DB_NOROW ? SCRIPT_MISSING : rc;
}

int
call_script_intent(struct arena *a, const struct call_script *s, const char *intent,
    const char **does, const char **label)
{
	json_object *m = json_tokener_parse(s->intents), *e, *v;
	int ok = 0;

	if (strcmp(intent, "dnc") == 0 || strcmp(intent, "human") == 0) {
		*does = strcmp(intent, "dnc") == 0 ? "dnc" : "handoff";
		*label = strcmp(intent, "dnc") == 0 ? "要求不再来电" : "要求人工";
		ok = 1;
	} else if (m && json_object_object_get_ex(m, intent, &e) &&
	    json_object_object_get_ex(e, "do", &v) && label_known(call_follow_ups,
	    json_object_get_string(v))) {
		*does = arena_strdup(a, json_object_get_string(v));
		*label = json_object_object_get_ex(e, "label", &v) ?
		    arena_strdup(a, json_object_get_string(v)) : intent;
		ok = 1;
	}
	json_object_put(m);
	return ok;
}

const char *
call_script_for(const char *kind)
{
	static const char *const map[][2] = {
		{ "stock_shortage", "stock_shortage" },
		{ "price_anomaly", "price_correction" },
		{ "address_problem", "address_confirm" },
		{ "logistics_stalled", "logistics_delay" },
	};
	size_t i;

	for (i = 0; kind && i < NELEM(map); i++)
		if (strcmp(map[i][0], kind) == 0)
			return map[i][1];
	return "order_confirm";
}

/* --- the script's text for an order ------------------------------------ */

static void
var(struct call_text *t, const char *name, const char *value)
{
	if (t->n < CALL_VARS_MAX && value && *value &&
	    call_var_known(name, strlen(name))) {
		t->names[t->n] = name;
		t->values[t->n++] = value;
	}
}

static const char *
value_of(const struct call_text *t, const char *name, size_t len)
{
	int i;

	for (i = 0; i < t->n; i++)
		if (strlen(t->names[i]) == len && memcmp(t->names[i], name, len) == 0)
			return t->values[i];
	return NULL;
}

int
call_render(struct arena *a, const struct call_script *s, long long order_id,
    struct call_text *t)
{
	struct db_res res;
	struct buf b = { 0 };
	const char *p, *open, *close;
	int rc;

	memset(t, 0, sizeof(*t));
	if ((rc = DB_ONE(a, &q_vars, &res, DB_INT(order_id))) == DB_OK) {
		var(t, "ORDER_NO", copy(a, db_str(&res, 0)));
		var(t, "ORDER_TAIL", copy(a, db_str(&res, 1)));
		var(t, "NAME", copy(a, db_str(&res, 2)));
		var(t, "ADDRESS", copy(a, db_str(&res, 4)));
		var(t, "ITEMS", copy(a, db_str(&res, 5)));
		var(t, "AMOUNT", yuan(a, db_int(&res, 7)));
		var(t, "ESTIMATE", copy(a, db_str(&res, 8)));
	}
	db_done(&res);
	if (rc != DB_OK)
		return rc;
	if ((rc = DB_ONE(a, &q_short, &res, DB_INT(order_id))) == DB_OK) {
		var(t, "PRODUCT", copy(a, db_str(&res, 0)));
		if (!db_null(&res, 1))
			var(t, "DAYS", arena_printf(a, "%lld", db_int(&res, 1)));
	}
	db_done(&res);
	if (rc != DB_OK && rc != DB_NOROW)
		return rc;
	if ((rc = DB_ONE(a, &q_mispriced, &res, DB_INT(order_id))) == DB_OK) {
		var(t, "PRODUCT", copy(a, db_str(&res, 0)));
		var(t, "PRICE", yuan(a, db_int(&res, 1)));
		var(t, "CORRECT_PRICE", yuan(a, db_int(&res, 2)));
	}
	db_done(&res);
	if (rc != DB_OK && rc != DB_NOROW)
		return rc;
	if ((rc = DB_ONE(a, &q_vars, &res, DB_INT(order_id))) == DB_OK)
		var(t, "PRODUCT", copy(a, db_str(&res, 6)));	/* else the first item */
	db_done(&res);
	for (p = s->text; (open = strstr(p, "{{")) && (close = strstr(open, "}}")); p = close + 2) {
		const char *v = value_of(t, open + 2, (size_t)(close - open - 2));

		buf_add(&b, p, (size_t)(open - p));
		if (v == NULL && t->missing == NULL)
			t->missing = arena_strndup(a, open + 2, (size_t)(close - open - 2));
		buf_puts(&b, v ? v : "");
	}
	buf_puts(&b, p);
	t->text = arena_strdup(a, b.p ? b.p : "");
	buf_free(&b);
	return DB_OK;
}

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

static int
mobile(const char *p)
{
	return p && strlen(p) == 11 && p[0] == '1' && p[1] >= '3' &&
	    strspn(p, "0123456789") == 11;
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

	if (!mobile(phone))
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
call_best_hour(struct arena *a, const struct call_script *s, long long user_id, int *hour,
    const char **why)
{
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
	if ((rc = hours(a, &q_all_hours, 0, 0, n, k)) != DB_OK)
		return rc;
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
best_time(struct arena *a, const struct call_script *s, long long user_id, const char **at,
    const char **why)
{
	struct db_res res;
	int h, rc;

	*at = NULL;
	if ((rc = call_best_hour(a, s, user_id, &h, why)) != DB_OK || h < 0)
		return rc;
	if ((rc = DB_ONE(a, &q_hour_next, &res, DB_INT(h), DB_INT(h), DB_INT(h))) == DB_OK)
		*at = arena_strdup(a, db_str(&res, 0));
	db_done(&res);
	return rc;
}

/* schedule: call number `attempt` of s to order o, at the first moment
 * the rules allow after not_before; the calls row and its outbox row. */
static int
schedule(struct arena *a, const struct actor *who, const struct call_script *s,
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
	if (!mobile(o->phone))
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
	if ((rc = call_script_get(a, q->script, &s)) != DB_OK ||
	    (rc = action_order_load(a, q->order_id, &o, &channel)) != DB_OK ||
	    (rc = may_call(a, &s, &o, &attempt)) != DB_OK ||
	    (q->best && (rc = best_time(a, &s, o.user_id, &at, &because)) != DB_OK))
		return rc;
	if (at && (!not_before || strcmp(at, not_before) > 0))
		not_before = at;
	else
		because = NULL;
	return schedule(a, who, &s, &o, q->case_id, q->campaign, attempt, not_before, because,
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
		struct price_line line;

		if ((rc = DB_ONE(a, &q_mispriced, &res, DB_INT(o->id))) == DB_OK) {
			line.sku = arena_strdup(a, db_str(&res, 3));
			line.old = db_int(&res, 1);
			line.new = db_int(&res, 2);
			line.qty = db_int(&res, 4);
		}
		db_done(&res);
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

		if (!pr || !ci || !di || !de || (ph && !mobile(ph)) || no) {
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
	if ((rc = schedule(a, who, s, o, case_id, campaign, attempt + 1, after, arena_printf(a,
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
