/* callscripts.c: the phone robot's scripts — as stored, edited, and
 * filled with an order's values (see calls.h) */
#include <string.h>

#include <json-c/json.h>

#include "core/buf.h"
#include "core/cfg.h"
#include "core/db.h"
#include "core/text.h"
#include "core/util.h"
#include "domain/audit.h"
#include "domain/calls.h"

/* --- for the pages: variables, survey tags, script edits ---------------
 * (/admin/scripts and /calls; call_render fills only these variables) */

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

int
call_mispriced(struct arena *a, long long order_id, struct call_mispriced *m)
{
	struct db_res res;
	int rc = DB_ONE(a, &q_mispriced, &res, DB_INT(order_id));

	if (rc == DB_OK) {
		m->name = copy(a, db_str(&res, 0));
		m->unit_price = db_int(&res, 1);
		m->list_price = db_int(&res, 2);
		m->sku = copy(a, db_str(&res, 3));
		m->qty = db_int(&res, 4);
	}
	db_done(&res);
	return rc;
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
	struct call_mispriced mp;
	const char *p, *open, *close, *first = NULL;
	int rc;

	memset(t, 0, sizeof(*t));
	if ((rc = DB_ONE(a, &q_vars, &res, DB_INT(order_id))) == DB_OK) {
		first = copy(a, db_str(&res, 6));
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
	if ((rc = call_mispriced(a, order_id, &mp)) == DB_OK) {
		var(t, "PRODUCT", mp.name);
		var(t, "PRICE", yuan(a, mp.unit_price));
		var(t, "CORRECT_PRICE", yuan(a, mp.list_price));
	} else if (rc != DB_NOROW)
		return rc;
	var(t, "PRODUCT", first);	/* else the first item */
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
