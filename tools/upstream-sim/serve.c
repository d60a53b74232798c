/* serve.c: upstream-sim's /v1 requests — routes, token, key, one transaction
 *
 * Checks in order: the route (404) and method (405), the service's faults,
 * the token (401), the body's size (413) and type (415), the
 * Idempotency-Key (400), the JSON (400); then, in one transaction, the key
 * (the first answer again, or 422 when it was spent on another request),
 * `operator` and the effect, the key spent and the request recorded.  An
 * effect that refuses is rolled back before its key is spent, so a refusal
 * never leaves half a change behind.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <sodium.h>

#include "core/db.h"
#include "core/log.h"
#include "core/util.h"
#include "sim.h"

#define JSON_OUT (JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)

static const struct route {
	enum upstream svc;
	const char *prefix, *suffix;	/* prefix ORDER_NO suffix, or prefix alone */
	effect_fn *fn;
} routes[] = {
	{ UP_ORDER, "/v1/orders/", "/cancel", do_cancel },
	{ UP_ORDER, "/v1/orders/", "/address", do_address },
	{ UP_ORDER, "/v1/orders/", "/price", do_price },
	{ UP_ORDER, "/v1/orders/", "/substitute", do_substitute },
	{ UP_PAYMENT, "/v1/refunds", NULL, do_refund },
	{ UP_COUPON, "/v1/grants", NULL, do_grant },
	{ UP_INVENTORY, "/v1/replenishments", NULL, do_replenish },
	{ UP_SMS, "/v1/messages", NULL, do_message },
	{ UP_ROBOT, "/v1/robot/jobs", NULL, do_robot_jobs },
	{ UP_ROBOT, "/v1/robot/bridges", NULL, do_robot_bridge },
};

/* find_route: the route of path, with the order number it names. */
static const struct route *
find_route(const char *path, char order_no[33])
{
	size_t i, n, lp, ls;

	for (i = 0; i < NELEM(routes); i++) {
		const struct route *rt = &routes[i];

		if (rt->suffix == NULL) {
			if (strcmp(path, rt->prefix) == 0)
				return rt;
			continue;
		}
		lp = strlen(rt->prefix);
		ls = strlen(rt->suffix);
		n = strlen(path);
		if (n <= lp + ls || n - lp - ls > 32 || strncmp(path, rt->prefix, lp) != 0 ||
		    strcmp(path + n - ls, rt->suffix) != 0)
			continue;
		n -= lp + ls;
		if (strspn(path + lp, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "abcdefghijklmnopqrstuvwxyz_-") != n)
			continue;
		memcpy(order_no, path + lp, n);
		order_no[n] = '\0';
		return rt;
	}
	return NULL;
}

int
route_service(const char *path)
{
	char no[33];
	const struct route *rt = find_route(path, no);

	if (strncmp(path, "/hooks/", 7) == 0)
		return UP_CHAT;
	return rt ? (int)rt->svc : -1;
}

int
service_named(const char *name)
{
	int i;

	for (i = 0; i < UP_COUNT; i++)
		if (strcmp(name, upstream_names[i]) == 0)
			return i;
	return -1;
}

/* authorized: the service's token, compared in constant time; a service
 * configured without one takes any. */
static int
authorized(enum upstream svc, const char *header)
{
	const char *want = cfg.upstream[svc].token;
	size_t i, n = strlen(want);
	unsigned char diff = 0;

	if (n == 0)
		return 1;
	if (header == NULL || strncasecmp(header, "Bearer ", 7) != 0)
		return 0;
	header += 7;
	if (strlen(header) != n)
		return 0;
	for (i = 0; i < n; i++)
		diff |= (unsigned char)(header[i] ^ want[i]);
	return diff == 0;
}

struct json_object *
parse_body(const char *s, size_t n)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *o;
	size_t end;

	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	o = json_tokener_parse_ex(tok, s, (int)n);
	end = json_tokener_get_parse_end(tok);
	if (json_tokener_get_error(tok) != json_tokener_success ||
	    !json_object_is_type(o, json_type_object) ||
	    strspn(s + end, " \t\r\n") != n - end) {
		json_object_put(o);
		o = NULL;
	}
	json_tokener_free(tok);
	return o;
}

void
reply_json(struct sim_resp *out, int status, struct json_object *o)
{
	out->status = status;
	out->body.len = 0;
	buf_puts(&out->body, json_object_to_json_string_ext(o, JSON_OUT));
	json_object_put(o);
}

void
reply_msg(struct sim_resp *out, int status, const char *fmt, ...)
{
	struct json_object *o = json_object_new_object();
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	json_object_object_add(o, "message", json_object_new_string(msg));
	reply_json(out, status, o);
}

static int
by_name(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* canonical: what a key stands for — method, path and the body with every
 * object's keys in order, so that the same request sent again with its
 * fields in another order or other spacing is the same request. */
static void
canonical(struct buf *b, struct json_object *v)
{
	struct json_object *ks;
	const char **keys;
	size_t i, n = 0;

	if (json_object_is_type(v, json_type_object)) {
		keys = xcalloc((size_t)json_object_object_length(v), sizeof(*keys));
		json_object_object_foreach(v, k, x) {
			(void)x;
			keys[n++] = k;
		}
		qsort(keys, n, sizeof(*keys), by_name);
		buf_putc(b, '{');
		for (i = 0; i < n; i++) {
			ks = json_object_new_string(keys[i]);
			buf_printf(b, "%s%s:", i ? "," : "", json_object_to_json_string_ext(ks, JSON_OUT));
			json_object_put(ks);
			canonical(b, json_object_object_get(v, keys[i]));
		}
		buf_putc(b, '}');
		free(keys);
	} else if (json_object_is_type(v, json_type_array)) {
		buf_putc(b, '[');
		for (i = 0; i < json_object_array_length(v); i++) {
			if (i)
				buf_putc(b, ',');
			canonical(b, json_object_array_get_idx(v, i));
		}
		buf_putc(b, ']');
	} else
		buf_puts(b, json_object_to_json_string_ext(v, JSON_OUT));
}

/* operator_of: `operator` as the console names who acted ("agent:lead",
 * "rule:auto_cancel_unpaid", "robot:callbot"), made the replica's actor
 * type and actor; any other kind is the system's. */
static int
operator_of(struct call *c)
{
	static const char *const kinds[] = { "agent", "rule", "robot", "customer", "system" };
	const char *op, *colon;
	size_t i;

	if (want_str(c, "operator", 128, &op) < 0)
		return -1;
	if (*op == '\0') {
		answer(c, 422, "operator 不能为空");
		return -1;
	}
	c->actor_type = "system";
	c->actor = clip(c->a, op, 64);
	if ((colon = strchr(op, ':')) == NULL)
		return 0;
	for (i = 0; i < NELEM(kinds); i++)
		if (strlen(kinds[i]) == (size_t)(colon - op) &&
		    strncmp(op, kinds[i], (size_t)(colon - op)) == 0) {
			c->actor_type = kinds[i];
			c->actor = clip(c->a, colon + 1, 64);
		}
	return 0;
}

/* hook_signed: DingTalk's signature of timestamp (ms, within an hour) with
 * secret: base64 of HMAC-SHA256 over "timestamp\nsecret" (the query's
 * value arrives decoded). */
static int
hook_signed(struct arena *a, const char *ts, const char *sign, const char *secret)
{
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	crypto_auth_hmacsha256_state st;
	char b64[sodium_base64_ENCODED_LEN(sizeof(mac), sodium_base64_VARIANT_ORIGINAL)];
	const char *plain = arena_printf(a, "%s\n%s", ts, secret);
	long long ms;

	if (parse_i64(ts, strlen(ts), &ms) < 0 || llabs(ms / 1000 - (long long)time(NULL)) > 3600)
		return 0;
	crypto_auth_hmacsha256_init(&st, (const unsigned char *)secret, strlen(secret));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)plain, strlen(plain));
	crypto_auth_hmacsha256_final(&st, mac);
	sodium_bin2base64(b64, sizeof(b64), mac, sizeof(mac), sodium_base64_VARIANT_ORIGINAL);
	return strcmp(b64, sign) == 0;
}

/* --- one request ---------------------------------------------------------- */

/* key_ok: a key of visible ASCII characters, as any client makes them. */
static int
key_ok(const char *k)
{
	for (; *k; k++)
		if (*k < '!' || *k > '~')
			return 0;
	return 1;
}

static void
db_trouble(struct sim_resp *out, int rc)
{
	log_ev(LOG_ERROR, NULL, "db_failed", "rc=%d error=%s", rc, db_error(DB_ADMIN));
	db_rollback(DB_ADMIN);
	if (rc == DB_DOWN)
		reply_msg(out, 503, "模拟服务的数据库暂时不可用");
	else
		reply_msg(out, 500, "模拟服务内部错误");
	out->outcome = "error";
	out->effect = 0;
}

/* run: the key, the effect, the key spent and the record, in one
 * transaction. */
static void
run(struct call *c, const struct route *rt, const struct sim_req *r,
    struct sim_resp *out)
{
	const char *name = upstream_names[c->svc], *first;
	struct buf canon = { 0 };
	int rc, same, status;

	buf_printf(&canon, "%s %s\n", r->method, r->path);
	canonical(&canon, c->body);
	if ((rc = db_begin(DB_ADMIN)) != DB_OK)
		goto fail;
	rc = key_find(c->a, c->svc, r->key, canon.p, &same, &status, &first);
	if (rc == DB_OK && same) {
		out->status = status;
		buf_puts(&out->body, first);
		out->replayed = 1;
		out->outcome = "replayed";
		goto done;
	}
	if (rc == DB_OK) {
		reply_msg(out, 422, "幂等键已用于另一个请求");
		out->outcome = "key_reused";
		goto done;
	}
	if (rc != DB_NOROW)
		goto fail;
	if (operator_of(c) == 0)
		rt->fn(c);
	if (c->status == 0)
		failed(c, DB_FAIL);	/* an effect that said nothing */
	json_object_get(c->answer);
	reply_json(out, c->status, c->answer);
	if (c->status >= 500 || c->status == 400) {
		/* not decided: the key stays unspent */
		db_rollback(DB_ADMIN);
		out->outcome = c->status == 400 ? "invalid" : "error";
		record(c->a, name, r, out);
		goto out;
	}
	if (c->status >= 300) {
		/* a refusal: whatever the effect wrote goes, the key is spent */
		db_rollback(DB_ADMIN);
		if ((rc = db_begin(DB_ADMIN)) != DB_OK)
			goto fail;
		out->outcome = "refused";
	} else {
		out->outcome = "applied";
		out->effect = c->effect;
	}
	if ((rc = key_save(c->a, c->svc, r->key, canon.p, out->status, out->body.p)) != DB_OK)
		goto fail;
done:
	record(c->a, name, r, out);
	if ((rc = db_commit(DB_ADMIN)) != DB_OK)
		goto fail;
	robot_commit();		/* the robot's calls, once they are decided */
	goto out;
fail:
	db_trouble(out, rc);
	record(c->a, name, r, out);
out:
	robot_discard();	/* any not committed */
	buf_free(&canon);
}

/* hook: a chat webhook (POST /hooks/NAME), as WeCom and DingTalk answer
 * one: {"errcode": 0} when the JSON is a message.  No key, no token (a
 * webhook's token is its address).  /hooks/signed also checks DingTalk's
 * signature, with the secret HOOK_SECRET. */
#define HOOK_SECRET "sim-hook-secret"

static void
hook(const struct sim_req *r, struct sim_resp *out, struct arena *a)
{
	struct json_object *body = NULL, *o;
	const char *message, *ts, *sign;
	int status;

	if (strcmp(r->method, "POST") != 0)
		reply_msg(out, 405, "只接受 POST 请求");
	else if (fault_take(UP_CHAT, &status, &message)) {
		reply_msg(out, status, "%s", message);
		out->outcome = "fault";
	} else if ((body = parse_body(r->body, r->len)) == NULL)
		reply_msg(out, 400, "请求体不是合法的 JSON 对象");
	else if (strcmp(r->path, "/hooks/signed") == 0 &&
	    ((ts = r->arg(r, "timestamp")) == NULL || (sign = r->arg(r, "sign")) == NULL ||
	    !hook_signed(a, ts, sign, HOOK_SECRET))) {
		o = json_object_new_object();
		json_object_object_add(o, "errcode", json_object_new_int(310000));
		json_object_object_add(o, "errmsg", json_object_new_string("sign not match"));
		reply_json(out, 200, o);
		out->outcome = "refused";
	} else {
		o = json_object_new_object();
		json_object_object_add(o, "errcode", json_object_new_int(0));
		json_object_object_add(o, "errmsg", json_object_new_string("ok"));
		reply_json(out, 200, o);
		out->outcome = "applied";
		out->effect = 1;
	}
	json_object_put(body);
	record(a, "chat", r, out);
}

void
serve(const struct sim_req *r, struct sim_resp *out, struct arena *a)
{
	struct call c = { .a = a };
	const struct route *rt;
	const char *message;
	char order_no[33];
	int status;

	out->outcome = "invalid";
	if (strncmp(r->path, "/hooks/", 7) == 0) {
		hook(r, out, a);
		return;
	}
	if ((rt = find_route(r->path, order_no)) == NULL) {
		reply_msg(out, 404, "没有这个接口");
		record(a, "", r, out);
		return;
	}
	c.svc = rt->svc;
	c.order_no = rt->suffix ? order_no : NULL;
	if (strcmp(r->method, "POST") != 0)
		reply_msg(out, 405, "只接受 POST 请求");
	else if (fault_take(c.svc, &status, &message)) {
		reply_msg(out, status, "%s", message);
		out->outcome = "fault";
	} else if (!authorized(c.svc, r->auth))
		reply_msg(out, 401, "令牌无效");
	else if (r->too_big)
		reply_msg(out, 413, "请求体过大");
	else if (r->ctype == NULL || strncasecmp(r->ctype, "application/json", 16) != 0)
		reply_msg(out, 415, "请求体须为 JSON（Content-Type: application/json）");
	else if (r->key == NULL || r->key[0] == '\0')
		reply_msg(out, 400, "缺少 Idempotency-Key");
	else if (strlen(r->key) > SIM_MAX_KEY || !key_ok(r->key))
		reply_msg(out, 400, "Idempotency-Key 须为至多 %d 个可见 ASCII 字符", SIM_MAX_KEY);
	else if ((c.body = parse_body(r->body, r->len)) == NULL)
		reply_msg(out, 400, "请求体不是合法的 JSON 对象");
	else {
		run(&c, rt, r, out);
		json_object_put(c.answer);
		json_object_put(c.body);
		return;
	}
	record(a, upstream_names[c.svc], r, out);
}
