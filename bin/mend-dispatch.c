/* mend-dispatch.c: sends the outbox to the upstream services
 *
 *   mend-dispatch          a daemon: sends what is due every [dispatch] interval
 *   mend-dispatch --once   sends what is due now, watches for effects, exits
 *                          (cron on a shared host)
 *
 * Any number of dispatchers, on any hosts, share the outbox: each takes up
 * to [dispatch] batch due actions with SELECT ... FOR UPDATE SKIP LOCKED
 * and a lease (lib/domain/outbox.c), so no action is sent by two at once;
 * an action whose dispatcher died is taken again when its lease ends, and
 * sent again with the same Idempotency-Key, so the service makes one
 * effect of it (README: The upstream contract).
 *
 * Each answer is classified: 2xx and 409 done; 408, 429, 5xx, a timeout
 * or a refused connection retried after [dispatch] backoff, doubling up
 * to backoff_max, with jitter, until [dispatch] attempts, then dead; any
 * other 4xx failed, the service's message kept for the agent.  A service
 * that failed breaker_failures times in a row rests for breaker_open: its
 * actions wait without spending attempts, then one is sent as a probe.
 * After each round the sent actions the replica now shows are marked
 * effective, and the cases they were for resolved.
 *
 * One libcurl handle a service keeps its connection alive between
 * requests.  Everything the process holds is for the round at hand.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <json.h>
#include <sodium.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/cfg.h"
#include "core/daemon.h"
#include "core/db.h"
#include "core/log.h"
#include "core/util.h"
#include "domain/notify.h"
#include "domain/campaigns.h"
#include "domain/outbox.h"

#define REPLY_MAX 65536		/* bytes of an answer kept */

static char me[128];		/* host:pid, the leases' holder */

static struct service {
	CURL *h;
	int failures;		/* in a row */
	int64_t rest_until;	/* ms: resting (the breaker is open) until then */
} services[UP_COUNT];

struct reply {
	struct buf b;
	size_t dropped;
};

static size_t
on_data(char *p, size_t size, size_t n, void *arg)
{
	struct reply *rp = arg;
	size_t len = size * n;

	if (rp->b.len + len > REPLY_MAX)
		rp->dropped += len;
	else
		buf_add(&rp->b, p, len);
	return len;
}

/* message: the service's "message", else what its status means. */
static const char *
message(struct arena *a, long status, const char *body)
{
	json_object *j = body ? json_tokener_parse(body) : NULL, *v;
	const char *m = NULL;

	if (j && json_object_object_get_ex(j, "message", &v) &&
	    json_object_is_type(v, json_type_string) &&
	    utf8_valid(json_object_get_string(v), (size_t)json_object_get_string_len(v)))
		m = arena_strdup(a, json_object_get_string(v));
	json_object_put(j);
	return m ? m : arena_printf(a, "上游服务答复 HTTP %ld", status);
}

/* webhook: the chat channel's address for item it ("/<channel id>"), a
 * DingTalk channel with a secret signed as DingTalk asks (timestamp and
 * HMAC-SHA256 of "timestamp\nsecret", base64, in the query); NULL with
 * *why when the channel is gone or off. */
static const char *
webhook(struct arena *a, const struct outbox_item *it, const char **why)
{
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	crypto_auth_hmacsha256_state st;
	char b64[sodium_base64_ENCODED_LEN(sizeof(mac), sodium_base64_VARIANT_ORIGINAL)];
	struct channel c;
	const char *plain;
	char *esc;
	long long id = 0, ms;

	if (parse_i64(it->path + 1, strlen(it->path + 1), &id) < 0 ||
	    channel_get(a, id, &c) != DOM_OK || !c.enabled) {
		*why = "通知频道已删除或停用";
		return NULL;
	}
	if (strcmp(c.kind, "dingtalk") != 0 || *c.secret == '\0')
		return c.url;
	ms = (long long)time(NULL) * 1000;
	plain = arena_printf(a, "%lld\n%s", ms, c.secret);
	crypto_auth_hmacsha256_init(&st, (const unsigned char *)c.secret, strlen(c.secret));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)plain, strlen(plain));
	crypto_auth_hmacsha256_final(&st, mac);
	sodium_bin2base64(b64, sizeof(b64), mac, sizeof(mac), sodium_base64_VARIANT_ORIGINAL);
	esc = curl_easy_escape(NULL, b64, 0);
	plain = arena_printf(a, "%s%stimestamp=%lld&sign=%s", c.url, strchr(c.url, '?') ? "&" :
	    "?", ms, esc ? esc : "");
	curl_free(esc);
	return plain;
}

/* chat_answer: WeCom and DingTalk answer 200 with an errcode: 0 is done,
 * their rate limits are tried again, anything else is refused. */
static enum outbox_outcome
chat_answer(struct arena *a, const char *body, const char **why)
{
	json_object *j = json_tokener_parse(body), *v;
	long long code = 0;
	enum outbox_outcome out = OUT_DONE;

	if (j && json_object_object_get_ex(j, "errcode", &v))
		code = json_object_get_int64(v);
	if (code != 0) {
		out = code == 45009 || code == 130101 || code == -1 ? OUT_RETRY : OUT_FAILED;
		*why = arena_printf(a, "聊天机器人答复错误 %lld：%s", code,
		    j && json_object_object_get_ex(j, "errmsg", &v) &&
		    utf8_valid(json_object_get_string(v), strlen(json_object_get_string(v))) ?
		    json_object_get_string(v) : "");
	}
	json_object_put(j);
	return out;
}

/* delay: seconds before attempt n + 1: backoff doubling per attempt, at
 * most backoff_max, then between half and all of it (jitter, so retries
 * from many dispatchers spread out). */
static long long
delay(int attempts)
{
	long long d = cfg.dispatch_backoff;
	int i;

	for (i = 1; i < attempts && d < cfg.dispatch_backoff_max; i++)
		d *= 2;
	if (d > cfg.dispatch_backoff_max)
		d = cfg.dispatch_backoff_max;
	return d / 2 + (d ? (long long)randombytes_uniform((uint32_t)(d / 2 + 1)) : 0);
}

static CURL *
handle(enum upstream u)
{
	if (services[u].h == NULL && (services[u].h = curl_easy_init()) == NULL)
		die("mend-dispatch: curl_easy_init failed");
	return services[u].h;
}

/* send: one action to its service; the outcome and what to record. */
static void
send_one(struct arena *a, const struct outbox_item *it)
{
	struct service *s = &services[it->service];
	const char *url, *msg = NULL;
	struct curl_slist *hd = NULL;
	struct reply rp = { { 0 }, 0 };
	enum outbox_outcome out;
	long status = 0;
	int64_t t0 = now_ms();
	CURLcode cc;
	CURL *h;
	int rc;

	if (it->service == UP_CHAT) {
		if ((url = webhook(a, it, &msg)) == NULL) {
			rc = outbox_answer(a, me, it, OUT_FAILED, 0, msg, NULL, 0,
			    (int)cfg.dispatch_attempts);
			goto done;
		}
	} else if (it->service == UP_COUNT || !*cfg.upstream[it->service].url) {
		rc = outbox_answer(a, me, it, OUT_RETRY, 0, "没有配置这个上游服务的地址",
		    NULL, cfg.dispatch_backoff_max, (int)cfg.dispatch_attempts);
		goto done;
	} else
		url = arena_printf(a, "%s%s", cfg.upstream[it->service].url, it->path);
	if (s->rest_until > t0) {	/* resting: not sent, not an attempt */
		rc = outbox_answer(a, me, it, OUT_LATER, 0, "上游服务暂时不可用，稍后重试",
		    NULL, (s->rest_until - t0) / 1000 + 1, (int)cfg.dispatch_attempts);
		goto done;
	}
	h = handle(it->service);
	curl_easy_reset(h);
	hd = curl_slist_append(hd, "Content-Type: application/json");
	hd = curl_slist_append(hd, "Accept: application/json");
	hd = curl_slist_append(hd, arena_printf(a, "Idempotency-Key: %s", it->key));
	if (*cfg.upstream[it->service].token)	/* a chat's token is in its address */
		hd = curl_slist_append(hd, arena_printf(a, "Authorization: Bearer %s",
		    cfg.upstream[it->service].token));
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hd);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, it->body);
	curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)strlen(it->body));
	curl_easy_setopt(h, CURLOPT_TIMEOUT, (long)cfg.upstream_timeout);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, (long)cfg.upstream_connect_timeout);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "ordermend-dispatch");
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &rp);
	cc = curl_easy_perform(h);
	curl_slist_free_all(hd);
	buf_add(&rp.b, "", 0);		/* a string, even when empty */
	if (cc != CURLE_OK) {
		out = OUT_RETRY;
		msg = cc == CURLE_OPERATION_TIMEDOUT ? "上游服务超时没有答复" :
		    cc == CURLE_COULDNT_CONNECT ? "无法连接上游服务" :
		    arena_printf(a, "发送失败：%s", curl_easy_strerror(cc));
	} else {
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
		if ((status >= 200 && status < 300) || status == 409)
			out = OUT_DONE;
		else if (status == 408 || status == 429 || status >= 500)
			out = OUT_RETRY;
		else
			out = OUT_FAILED;
		if (out != OUT_DONE)
			msg = message(a, status, rp.b.p);
		else if (it->service == UP_CHAT)
			out = chat_answer(a, rp.b.p, &msg);
	}
	/* the breaker counts what says the service is unwell */
	if (out == OUT_RETRY && ++s->failures >= cfg.breaker_failures) {
		s->rest_until = now_ms() + cfg.breaker_open * 1000;
		log_ev(LOG_WARN, NULL, "upstream_resting", "service=%s failures=%d secs=%lld",
		    upstream_names[it->service], s->failures, cfg.breaker_open);
	} else if (out != OUT_RETRY)
		s->failures = 0;
	rc = outbox_answer(a, me, it, out, (int)status, msg,
	    out == OUT_DONE && !rp.dropped && utf8_valid(rp.b.p, rp.b.len) ? rp.b.p : NULL,
	    out == OUT_RETRY ? delay(it->attempts) : 0, (int)cfg.dispatch_attempts);
	log_ev(out == OUT_DONE ? LOG_INFO : LOG_WARN, NULL, "action_sent",
	    "id=%lld kind=%s service=%s status=%ld attempt=%d ms=%lld outcome=%s",
	    it->id, it->kind, upstream_names[it->service], status, it->attempts,
	    (long long)(now_ms() - t0), out == OUT_DONE ? "done" : out == OUT_FAILED ?
	    "failed" : it->attempts >= cfg.dispatch_attempts ? "dead" : "retry");
done:
	buf_free(&rp.b);
	if (rc == OUTBOX_CHANGED)
		log_ev(LOG_WARN, NULL, "lease_lost", "id=%lld", it->id);
	else if (rc != DB_OK)
		log_ev(LOG_ERROR, NULL, "answer_failed", "id=%lld rc=%d", it->id, rc);
}

/* send_round: the due actions, sent; then the effects.  The number sent. */
static int
send_round(struct arena *a)
{
	struct outbox_item *items;
	int n = 0, i, rc, effective, ended;

	if ((rc = outbox_claim(a, me, cfg.dispatch_lease, (int)cfg.dispatch_batch, &items,
	    &n)) != DB_OK) {
		log_ev(LOG_ERROR, NULL, "claim_failed", "rc=%d", rc);
		return 0;
	}
	for (i = 0; i < n && !daemon_stopping; i++)
		send_one(a, &items[i]);
	if ((rc = campaigns_end(a, &ended)) != DB_OK)
		log_ev(LOG_ERROR, NULL, "campaigns_end_failed", "rc=%d", rc);
	else if (ended)
		log_ev(LOG_INFO, NULL, "campaigns_ended", "n=%d", ended);
	if ((rc = outbox_effects(a, &effective)) != DB_OK)
		log_ev(LOG_ERROR, NULL, "effects_failed", "rc=%d", rc);
	else if (effective)
		log_ev(LOG_INFO, NULL, "effective", "n=%d", effective);
	return n;
}

int
main(int argc, char **argv)
{
	struct arena a;
	char host[64];
	int once = 0, i, n;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--once") == 0)
			once = 1;
		else
			die("usage: mend-dispatch [--once]");
	}
	daemon_start("mend-dispatch");
	if (sodium_init() < 0 || curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
		die("mend-dispatch: cannot start libsodium or libcurl");
	if (gethostname(host, sizeof(host)) != 0)
		snprintf(host, sizeof(host), "localhost");
	host[sizeof(host) - 1] = '\0';
	snprintf(me, sizeof(me), "%s:%ld", host, (long)getpid());
	arena_init(&a, 1 << 16);
	log_ev(LOG_INFO, NULL, "start", "pid=%ld by=%s", (long)getpid(), me);
	do {
		int64_t t0 = now_ms();

		/* a full batch: more may be due, go on at once */
		while ((n = send_round(&a)) > 0 && n >= cfg.dispatch_batch && !daemon_stopping)
			arena_reset(&a);
		arena_reset(&a);
		while (!once && !daemon_stopping && now_ms() - t0 < cfg.dispatch_interval * 1000)
			usleep(50000);
	} while (!once && !daemon_stopping);
	log_ev(LOG_INFO, NULL, "stop", "pid=%ld", (long)getpid());
	for (i = 0; i < UP_COUNT; i++)
		if (services[i].h)
			curl_easy_cleanup(services[i].h);
	curl_global_cleanup();
	db_shutdown();
	arena_cleanup(&a);
	return 0;
}
