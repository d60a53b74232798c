/* robot.c: the phone robot's results
 *
 * POST /hooks/robot                    (signed) one job's result
 *   X-Robot-Timestamp   unix seconds, within [robot] max_skew of now
 *   X-Robot-Signature   sha256=<hex HMAC-SHA256([robot] secret,
 *                       timestamp "." raw body)>
 *   body                the result as JSON (README: The phone robot)
 *
 * A missing, wrong or stale signature is 401; a body that is not the
 * result 400; a ref no call has 404; a call that has its result 409; an
 * intent its script does not know 422: each changes nothing and is
 * logged.  A callback id that came before is 200 and does nothing.  The
 * result itself is the domain's (call_result, lib/domain/calls.c), by the
 * robot as its actor.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>
#include <sodium.h>

#include "core/cfg.h"
#include "core/model.h"
#include "core/resp.h"
#include "domain/calls.h"
#include "hooks.h"

/* answer: the robot's answer, JSON, logged when it is a refusal. */
static void
answer(struct req *r, int status, const char *why)
{
	json_object *m = json_object_new_object();

	json_object_object_add(m, "ok", json_object_new_boolean(status == 200));
	json_object_object_add(m, "message", json_object_new_string(why));
	if (status != 200)
		rlog(r, LOG_WARN, "robot_callback_refused", "status=%d why=\"%s\"", status, why);
	resp_json(r, status, m);
}

/* signed_ok: NULL when the request carries a valid, fresh signature of
 * its body; else why not. */
static const char *
signed_ok(struct req *r)
{
	const char *ts = req_env(r, "HTTP_X_ROBOT_TIMESTAMP");
	const char *sig = req_env(r, "HTTP_X_ROBOT_SIGNATURE");
	unsigned char mac[crypto_auth_hmacsha256_BYTES], got[crypto_auth_hmacsha256_BYTES];
	crypto_auth_hmacsha256_state st;
	long long t, now = (long long)time(NULL);
	char *end;

	if (*cfg.robot_secret == '\0')
		return "没有配置回调密钥（[robot] secret）";
	if (ts == NULL || sig == NULL)
		return "缺少签名";
	if (strspn(ts, "0123456789") != strlen(ts) || strlen(ts) == 0 || strlen(ts) > 12)
		return "时间戳不正确";
	t = strtoll(ts, &end, 10);
	if (t < now - cfg.robot_max_skew || t > now + cfg.robot_max_skew)
		return "时间戳过期";
	if (strncmp(sig, "sha256=", 7) != 0 || strlen(sig + 7) != 2 * sizeof(got) ||
	    sodium_hex2bin(got, sizeof(got), sig + 7, 2 * sizeof(got), NULL, NULL, NULL) != 0)
		return "签名格式不正确";
	crypto_auth_hmacsha256_init(&st, (const unsigned char *)cfg.robot_secret,
	    strlen(cfg.robot_secret));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)ts, strlen(ts));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)".", 1);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)(r->body ? r->body : ""),
	    r->body ? r->body_len : 0);
	crypto_auth_hmacsha256_final(&st, mac);
	return sodium_memcmp(mac, got, sizeof(mac)) == 0 ? NULL : "签名不正确";
}

void
page_robot_hook(struct req *r)
{
	struct actor robot = actor_make(ACTOR_ROBOT, "callbot");
	struct call_result x;
	const char *why;
	int rc;

	if ((why = signed_ok(r)) != NULL) {
		answer(r, 401, why);
		return;
	}
	if ((why = call_result_read(&r->arena, r->body, &x)) != NULL) {
		answer(r, 400, why);
		return;
	}
	robot.request_id = r->id;
	robot.addr = r->remote_addr;
	rc = call_result(&r->arena, &robot, &x);
	rlog(r, LOG_INFO, "robot_callback", "ref=%s status=%s intent=%s rc=%d", x.ref, x.status,
	    x.intent ? x.intent : "-", rc);
	if (rc == DOM_OK)
		answer(r, 200, "已处理");
	else if (rc == CALLBACK_REPEAT)
		answer(r, 200, dom_why(rc));
	else if (rc == CALL_MISSING)
		answer(r, 404, dom_why(rc));
	else if (rc == CALL_CHANGED)
		answer(r, 409, dom_why(rc));
	else if (rc == CALL_INTENT)
		answer(r, 422, dom_why(rc));
	else
		answer(r, 503, "暂时无法处理，请稍后重发");
}
