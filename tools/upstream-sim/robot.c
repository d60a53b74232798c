/* robot.c: upstream-sim's phone robot — jobs taken, results called back
 *
 *   POST /v1/robot/jobs  {job_group, callback_url, strategy, jobs: [{ref, phone,
 *                        order_no, script, text, vars, intents, options}], operator}
 *                        answers {"jobs": [{"ref": …, "job_id": "J…"}]}
 *
 * The route goes through serve.c like every service's (faults, token,
 * key, record).  Each job accepted is "dialled": after delay_ms (200 by
 * default) its result is POSTed to the job's callback_url, signed as
 * README's "The phone robot" says ([robot] secret), by one delivery thread
 * with libcurl, so the listener never waits for the console.  A 5xx or no
 * answer is tried again (ROBOT_TRIES in all, the wait doubling from
 * ROBOT_BACKOFF); any other answer is the console's decision.
 *
 * The jobs are rows of upstream_sim.robot_jobs (their id is the job id),
 * written in the request's transaction; their results are staged and
 * handed to the thread only once it commits (robot_commit), so a repeated
 * key (the first answer again) or a request rolled back dials no one.
 *
 * Control, loopback only (control.c hands /_sim/robot* here):
 *   POST /_sim/robot          {"delay_ms": T, "hold": bool, "rules": [rule, …]}
 *                             replaces the settings (a field left out: its
 *                             default, 200 / false / no rules).  A rule
 *                             {"script", "ref", outcome fields} or
 *                             {"script", "ref", "cycle": [outcome, …]}; the
 *                             first rule whose script and ref (those given)
 *                             match a job gives its outcome, a cycle's in
 *                             turn.  Outcome fields: status, intent,
 *                             confidence, slots, duration, transcript_url.
 *   GET  /_sim/robot          the settings, and how many results are held
 *                             and queued
 *   POST /_sim/robot/release  {"ref": R} or {}: the held results (of R) go now
 *   POST /_sim/robot/send     one result at once, answered with the
 *                             console's status and body (see robot_send)
 *   GET  /_sim/robot/results  ?ref=R: every attempt to call back, oldest first
 *
 * Threads: the listener's thread owns the settings, the staged results and
 * the database; the delivery thread shares only the queue, the held list
 * and the results, under mu.  Callbacks go to this machine only
 * (127.0.0.0/8, localhost, ::1): a job naming another host is accepted and
 * its result recorded as not sent.  Logs name the ref, the job and the
 * callback id, never a phone number.
 */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <time.h>

#include <curl/curl.h>
#include <sodium.h>

#include "core/cfg.h"
#include "core/db.h"
#include "core/log.h"
#include "core/util.h"
#include "sim.h"

#define JSON_OUT (JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)

#define ROBOT_MAX_JOBS	25	/* jobs in one request */
#define ROBOT_DELAY	200	/* ms from a job to its result, by default */
#define ROBOT_TRIES	4	/* attempts at a callback the console did not decide */
#define ROBOT_BACKOFF	500	/* ms before the second, doubling */
#define ROBOT_RESULTS	2000	/* attempts kept for /_sim/robot/results */
#define ROBOT_TIMEOUT	10000	/* ms for one callback */

static const char *const statuses[] = {
	"answered", "no_answer", "busy", "voicemail", "empty_number", "suspended",
	"out_of_service", "failed",
};

static struct db_stmt q_job = DB_STMT(DB_ADMIN,
	"INSERT INTO upstream_sim.robot_jobs (ref, job_group, script, first_intent,"
	" callback_url, created_at) VALUES (?, ?, ?, ?, ?, NOW(3))");
static struct db_stmt q_job_find = DB_STMT(DB_ADMIN,
	"SELECT id, callback_url, first_intent FROM upstream_sim.robot_jobs"
	" WHERE ref = ? ORDER BY id DESC LIMIT 1");

/* One result on its way back. */
struct delivery {
	char *ref, *job_id, *callback_id, *url, *body;	/* owned */
	char *status, *intent;		/* the outcome, for the results list */
	int held;			/* waits for /_sim/robot/release */
	int64_t due;			/* now_ms() to send at */
	int attempt;			/* attempts made */
	struct delivery *next;
};

/* One attempt to call back. */
struct result {
	long long seq;
	char *ref, *job_id, *callback_id, *status, *intent, *via, *answer, *error, *at;
	int attempt, retry;
	long code;			/* the console's status; 0: no answer */
};

/* the listener's thread only */
static long long delay_ms = ROBOT_DELAY;
static int hold;
static struct json_object *rules;	/* an array, or NULL */
static long long *turns;		/* each cycle rule's next outcome */
static struct delivery *staged;		/* this request's, until it commits */

/* shared, under mu */
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv;
static struct delivery *queue, *held;
static struct result results[ROBOT_RESULTS];
static long long nresults;		/* ever added; the newest ROBOT_RESULTS are kept */
static pthread_t thread;
static int started;
static atomic_int quit;

/* --- small helpers -------------------------------------------------------- */

static char *
dup_or_empty(const char *s)
{
	return xstrdup(s ? s : "");
}

static void
delivery_free(struct delivery *d)
{
	free(d->ref);
	free(d->job_id);
	free(d->callback_id);
	free(d->url);
	free(d->body);
	free(d->status);
	free(d->intent);
	free(d);
}

static void
list_free(struct delivery **list)
{
	struct delivery *d, *next;

	for (d = *list; d; d = next) {
		next = d->next;
		delivery_free(d);
	}
	*list = NULL;
}

/* new_callback_id: "cb-" and 24 hex digits. */
static void
new_callback_id(char out[3 + 24 + 1])
{
	unsigned char r[12];

	if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r))
		abort();
	memcpy(out, "cb-", 3);
	sodium_bin2hex(out + 3, 25, r, sizeof(r));
}

/* iso_time: t as 2026-12-02T10:03:11+08:00, in the shop's time zone
 * ([server] time_zone), whatever the machine's own. */
static void
iso_time(time_t t, char out[32])
{
	time_t local = t + (time_t)cfg_tz_offset();
	struct tm tm;

	gmtime_r(&local, &tm);
	strftime(out, 26, "%Y-%m-%dT%H:%M:%S", &tm);
	strcat(out, cfg.time_zone);
}

/* sign: "sha256=" and the hex HMAC-SHA256 of ts "." body under secret. */
static void
sign(const char *secret, const char *ts, const char *body, size_t len, char out[7 + 65])
{
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	crypto_auth_hmacsha256_state st;

	crypto_auth_hmacsha256_init(&st, (const unsigned char *)secret, strlen(secret));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)ts, strlen(ts));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)".", 1);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)body, len);
	crypto_auth_hmacsha256_final(&st, mac);
	memcpy(out, "sha256=", 7);
	sodium_bin2hex(out + 7, 65, mac, sizeof(mac));
}

/* http_url: an http or https URL. */
static int
http_url(const char *s)
{
	return (strncasecmp(s, "http://", 7) == 0 && s[7]) ||
	    (strncasecmp(s, "https://", 8) == 0 && s[8]);
}

/* loopback_url: an http(s) URL whose host is this machine. */
static int
loopback_url(const char *url)
{
	CURLU *u = curl_url();
	char *host = NULL;
	int ok = 0;

	if (u && http_url(url) && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK)
		ok = strncmp(host, "127.", 4) == 0 || strcasecmp(host, "localhost") == 0 ||
		    strcmp(host, "[::1]") == 0;
	curl_free(host);
	curl_url_cleanup(u);
	return ok;
}

/* --- one callback --------------------------------------------------------- */

static size_t
on_data(char *p, size_t size, size_t n, void *ud)
{
	struct buf *b = ud;

	if (b->len < 65536)
		buf_add(b, p, size * n);
	return size * n;
}

static int
on_progress(void *ud, curl_off_t a, curl_off_t b, curl_off_t c, curl_off_t d)
{
	(void)ud;
	(void)a;
	(void)b;
	(void)c;
	(void)d;
	return atomic_load(&quit);	/* non-zero ends the transfer */
}

/* post: body to url, with the timestamp and signature headers (NULL: left
 * out).  The console's status, its answer in ans; 0 when there was none
 * (err says why). */
static long
post(const char *url, const char *body, size_t len, const char *ts, const char *sig,
    struct buf *ans, char *err, size_t errsz)
{
	struct curl_slist *hd = NULL;
	char line[160];
	long code = 0;
	CURLcode cc;
	CURL *h;

	err[0] = '\0';
	if (!loopback_url(url)) {
		snprintf(err, errsz, "not sent: the stand-in calls back to this machine only");
		return 0;
	}
	if ((h = curl_easy_init()) == NULL) {
		snprintf(err, errsz, "curl_easy_init failed");
		return 0;
	}
	hd = curl_slist_append(hd, "Content-Type: application/json");
	hd = curl_slist_append(hd, "Expect:");
	if (ts) {
		snprintf(line, sizeof(line), "X-Robot-Timestamp: %s", ts);
		hd = curl_slist_append(hd, line);
	}
	if (sig) {
		snprintf(line, sizeof(line), "X-Robot-Signature: %s", sig);
		hd = curl_slist_append(hd, line);
	}
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hd);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)len);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)ROBOT_TIMEOUT);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, 3000L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "upstream-sim-robot");
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, ans);
	curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
	if ((cc = curl_easy_perform(h)) != CURLE_OK)
		snprintf(err, errsz, "%s", curl_easy_strerror(cc));
	else
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
	curl_slist_free_all(hd);
	curl_easy_cleanup(h);
	return code;
}

/* add_result: one attempt, for /_sim/robot/results (under mu). */
static void
add_result(const struct delivery *d, const char *via, long code, const char *answer,
    const char *error, int retry)
{
	struct result *r = &results[nresults % ROBOT_RESULTS];
	char at[32];

	free(r->ref);
	free(r->job_id);
	free(r->callback_id);
	free(r->status);
	free(r->intent);
	free(r->via);
	free(r->answer);
	free(r->error);
	free(r->at);
	iso_time(time(NULL), at);
	r->seq = ++nresults;
	r->ref = dup_or_empty(d->ref);
	r->job_id = dup_or_empty(d->job_id);
	r->callback_id = dup_or_empty(d->callback_id);
	r->status = dup_or_empty(d->status);
	r->intent = dup_or_empty(d->intent);
	r->via = xstrdup(via);
	r->answer = dup_or_empty(answer);
	r->error = dup_or_empty(error);
	r->at = xstrdup(at);
	r->attempt = d->attempt;
	r->retry = retry;
	r->code = code;
}

/* attempt: one try at d's callback, signed now; 1 when it is to be tried
 * again. */
static int
attempt(struct delivery *d)
{
	struct buf ans = { 0 };
	char ts[24], sig[7 + 65], err[256];
	int64_t t0 = now_ms();
	long code;
	int again;

	snprintf(ts, sizeof(ts), "%lld", (long long)time(NULL));
	sign(cfg.robot_secret, ts, d->body, strlen(d->body), sig);
	d->attempt++;
	code = post(d->url, d->body, strlen(d->body), ts, sig, &ans, err, sizeof(err));
	again = (code == 0 || code >= 500) && d->attempt < ROBOT_TRIES && !atomic_load(&quit) &&
	    strncmp(err, "not sent", 8) != 0;
	log_ev(code >= 200 && code < 300 ? LOG_INFO : LOG_WARN, NULL, "robot_callback",
	    "ref=%s job=%s callback=%s attempt=%d status=%ld retry=%d error=%s ms=%lld",
	    d->ref, d->job_id, d->callback_id, d->attempt, code, again, err,
	    (long long)(now_ms() - t0));
	pthread_mutex_lock(&mu);
	add_result(d, "robot", code, ans.p, err, again);
	pthread_mutex_unlock(&mu);
	buf_free(&ans);
	return again;
}

/* deliver: the delivery thread — each queued result when it is due. */
static void *
deliver(void *arg)
{
	struct delivery *d, **pp, **first;
	struct timespec ts;
	int64_t wait;

	(void)arg;
	pthread_mutex_lock(&mu);
	while (!atomic_load(&quit)) {
		first = NULL;
		for (pp = &queue; *pp; pp = &(*pp)->next)
			if (first == NULL || (*pp)->due < (*first)->due)
				first = pp;
		if (first == NULL) {
			pthread_cond_wait(&cv, &mu);
			continue;
		}
		if ((wait = (*first)->due - now_ms()) > 0) {
			clock_gettime(CLOCK_MONOTONIC, &ts);
			ts.tv_sec += wait / 1000;
			ts.tv_nsec += (wait % 1000) * 1000000;
			if (ts.tv_nsec >= 1000000000) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000;
			}
			pthread_cond_timedwait(&cv, &mu, &ts);
			continue;
		}
		d = *first;
		*first = d->next;
		d->next = NULL;
		pthread_mutex_unlock(&mu);
		if (attempt(d)) {
			d->due = now_ms() + ((int64_t)ROBOT_BACKOFF << (d->attempt - 1));
			pthread_mutex_lock(&mu);
			d->next = queue;
			queue = d;
		} else {
			delivery_free(d);
			pthread_mutex_lock(&mu);
		}
	}
	pthread_mutex_unlock(&mu);
	return NULL;
}

void
robot_start(void)
{
	pthread_condattr_t ca;
	sigset_t all, old;

	if (sodium_init() < 0 || curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
		die("upstream-sim: cannot initialise libsodium or libcurl");
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&cv, &ca);
	pthread_condattr_destroy(&ca);
	/* signals are the listener's: SIGTERM must end its select */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	if (pthread_create(&thread, NULL, deliver, NULL) != 0)
		die("upstream-sim: cannot start the robot's delivery thread");
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	started = 1;
}

void
robot_stop(void)
{
	long long i;

	if (!started)
		return;
	pthread_mutex_lock(&mu);
	atomic_store(&quit, 1);
	pthread_cond_signal(&cv);
	pthread_mutex_unlock(&mu);
	pthread_join(thread, NULL);
	started = 0;
	robot_discard();
	list_free(&queue);
	list_free(&held);
	for (i = 0; i < ROBOT_RESULTS; i++) {
		struct result *r = &results[i];

		free(r->ref);
		free(r->job_id);
		free(r->callback_id);
		free(r->status);
		free(r->intent);
		free(r->via);
		free(r->answer);
		free(r->error);
		free(r->at);
	}
	json_object_put(rules);
	rules = NULL;
	free(turns);
	turns = NULL;
	curl_global_cleanup();
}

/* --- outcomes ------------------------------------------------------------- */

/* outcome_for: the outcome of the first rule matching the job, or NULL. */
static struct json_object *
outcome_for(const char *ref, const char *script)
{
	struct json_object *rule, *x, *cycle;
	size_t i, n = rules ? json_object_array_length(rules) : 0;

	for (i = 0; i < n; i++) {
		rule = json_object_array_get_idx(rules, i);
		if (json_object_object_get_ex(rule, "script", &x) && x &&
		    strcmp(json_object_get_string(x), script) != 0)
			continue;
		if (json_object_object_get_ex(rule, "ref", &x) && x &&
		    strcmp(json_object_get_string(x), ref) != 0)
			continue;
		if (json_object_object_get_ex(rule, "cycle", &cycle) && cycle)
			return json_object_array_get_idx(cycle,
			    (size_t)(turns[i]++ % (long long)json_object_array_length(cycle)));
		return rule;
	}
	return NULL;
}

/* field: the outcome's value of name (a new reference; NULL for JSON
 * null), or dflt when the outcome leaves it out (dflt is taken). */
static struct json_object *
field(struct json_object *outcome, const char *name, struct json_object *dflt)
{
	struct json_object *x;

	if (outcome && json_object_object_get_ex(outcome, name, &x)) {
		json_object_put(dflt);
		return json_object_get(x);
	}
	return dflt;
}

/* result_body: the callback's JSON for the job and outcome (NULL: the
 * default, answered with the job's first intent). */
static struct json_object *
result_body(const char *callback_id, const char *job_id, const char *ref,
    const char *first_intent, struct json_object *outcome, time_t ended)
{
	struct json_object *o = json_object_new_object(), *st;
	char when[32], url[96];
	int answered;

	st = field(outcome, "status", json_object_new_string("answered"));
	answered = json_object_is_type(st, json_type_string) &&
	    strcmp(json_object_get_string(st), "answered") == 0;
	iso_time(ended, when);
	snprintf(url, sizeof(url), "https://robot.invalid/transcripts/%s", job_id);
	json_object_object_add(o, "callback_id", json_object_new_string(callback_id));
	json_object_object_add(o, "job_id", json_object_new_string(job_id));
	json_object_object_add(o, "ref", json_object_new_string(ref));
	json_object_object_add(o, "status", st);
	json_object_object_add(o, "intent", field(outcome, "intent",
	    answered && first_intent[0] ? json_object_new_string(first_intent) : NULL));
	json_object_object_add(o, "confidence", field(outcome, "confidence",
	    answered ? json_object_new_double_s(0.95, "0.95") : json_object_new_int(0)));
	json_object_object_add(o, "slots", field(outcome, "slots", json_object_new_object()));
	json_object_object_add(o, "duration", field(outcome, "duration",
	    json_object_new_int(answered ? 35 : 0)));
	json_object_object_add(o, "transcript_url", field(outcome, "transcript_url",
	    answered ? json_object_new_string(url) : NULL));
	json_object_object_add(o, "ended_at", json_object_new_string(when));
	return o;
}

/* make_delivery: d for the body o (taken). */
static struct delivery *
make_delivery(struct json_object *o, const char *url)
{
	struct delivery *d = xcalloc(1, sizeof(*d));
	struct json_object *x;

#define STR_OF(name) (json_object_object_get_ex(o, name, &x) && \
	json_object_is_type(x, json_type_string) ? json_object_get_string(x) : "")
	d->ref = xstrdup(STR_OF("ref"));
	d->job_id = xstrdup(STR_OF("job_id"));
	d->callback_id = xstrdup(STR_OF("callback_id"));
	d->status = xstrdup(STR_OF("status"));
	d->intent = xstrdup(STR_OF("intent"));
#undef STR_OF
	d->url = xstrdup(url);
	d->body = xstrdup(json_object_to_json_string_ext(o, JSON_OUT));
	json_object_put(o);
	return d;
}

/* --- POST /v1/robot/jobs --------------------------------------------------- */

struct job {
	const char *ref, *phone, *order_no, *script, *text, *first_intent;
};

/* opt_type: the object's field name, when there, is of type t (else 400). */
static int
opt_type(struct call *c, struct json_object *o, const char *name, json_type t,
    const char *what)
{
	struct json_object *x;

	if (json_object_object_get_ex(o, name, &x) && x && !json_object_is_type(x, t)) {
		answer(c, 400, "字段 %s 应为%s", name, what);
		return -1;
	}
	return 0;
}

/* job_fields: the i-th job's fields, checked as call.c checks a body's. */
static int
job_fields(struct call *c, struct json_object *job, size_t i, struct job *out)
{
	struct json_object *top = c->body, *intents, *x;
	char msg[512];
	size_t k, n;
	int rc = -1;

	if (!json_object_is_type(job, json_type_object)) {
		answer(c, 400, "jobs 第 %zu 项应为对象", i + 1);
		return -1;
	}
	c->body = job;
	if (want_str(c, "ref", 64, &out->ref) < 0 || want_str(c, "phone", 20, &out->phone) < 0 ||
	    opt_str(c, "order_no", 32, "", &out->order_no) < 0 ||
	    want_str(c, "script", 64, &out->script) < 0 ||
	    want_str(c, "text", 1000, &out->text) < 0 ||
	    opt_type(c, job, "vars", json_type_object, "对象") < 0 ||
	    opt_type(c, job, "options", json_type_array, "数组") < 0)
		goto out;
	if (!json_object_object_get_ex(job, "intents", &intents) || intents == NULL) {
		answer(c, 400, "缺少字段 intents");
		goto out;
	}
	if (!json_object_is_type(intents, json_type_array)) {
		answer(c, 400, "字段 intents 应为数组");
		goto out;
	}
	n = json_object_array_length(intents);
	for (k = 0; k < n; k++)
		if (!json_object_is_type(json_object_array_get_idx(intents, k),
		    json_type_string)) {
			answer(c, 400, "intents 的每一项应为字符串");
			goto out;
		}
	if (*out->ref == '\0')
		answer(c, 422, "ref 不能为空");
	else if (!mobile_ok(out->phone))
		answer(c, 422, "手机号不是有效的大陆手机号");
	else if (*out->script == '\0')
		answer(c, 422, "script 不能为空");
	else if (*out->text == '\0')
		answer(c, 422, "text 不能为空");
	else if (n < 1 || n > 20)
		answer(c, 422, "intents 须有 1 到 20 项");
	else {
		for (k = 0; k < n; k++) {
			x = json_object_array_get_idx(intents, k);
			if (json_object_get_string_len(x) < 1 ||
			    utf8_len(json_object_get_string(x),
			    (size_t)json_object_get_string_len(x)) > 32) {
				answer(c, 422, "intents 的每一项须为 1 到 32 个字");
				goto out;
			}
		}
		out->first_intent = json_object_get_string(json_object_array_get_idx(intents, 0));
		rc = 0;
	}
out:
	c->body = top;
	if (rc < 0) {
		x = NULL;
		json_object_object_get_ex(c->answer, "message", &x);
		snprintf(msg, sizeof(msg), "%s", x ? json_object_get_string(x) : "");
		answer(c, c->status, "jobs 第 %zu 项：%s", i + 1, msg);
	}
	return rc;
}

void
do_robot_jobs(struct call *c)
{
	struct json_object *jobs, *list, *o, *outcome;
	struct job job[ROBOT_MAX_JOBS];
	const char *group, *url;
	char cbid[28];
	struct db_res res;
	struct delivery *d;
	size_t i, k, n;
	time_t now = time(NULL);
	int rc;

	if (want_str(c, "job_group", 64, &group) < 0 ||
	    want_str(c, "callback_url", 255, &url) < 0 ||
	    opt_type(c, c->body, "strategy", json_type_object, "对象") < 0)
		return;
	if (!json_object_object_get_ex(c->body, "jobs", &jobs) || jobs == NULL) {
		answer(c, 400, "缺少字段 jobs");
		return;
	}
	if (!json_object_is_type(jobs, json_type_array)) {
		answer(c, 400, "字段 jobs 应为数组");
		return;
	}
	n = json_object_array_length(jobs);
	for (i = 0; i < n && i < ROBOT_MAX_JOBS; i++)
		if (job_fields(c, json_object_array_get_idx(jobs, i), i, &job[i]) < 0)
			return;
	if (*group == '\0') {
		answer(c, 422, "job_group 不能为空");
		return;
	}
	if (!http_url(url)) {
		answer(c, 422, "callback_url 须为 http:// 或 https:// 地址");
		return;
	}
	if (n < 1 || n > ROBOT_MAX_JOBS) {
		answer(c, 422, "jobs 须有 1 到 %d 项", ROBOT_MAX_JOBS);
		return;
	}
	for (i = 0; i < n; i++)
		for (k = 0; k < i; k++)
			if (strcmp(job[i].ref, job[k].ref) == 0) {
				answer(c, 422, "jobs 中的 ref %s 重复", clip(c->a, job[i].ref, 64));
				return;
			}
	list = json_object_new_array();
	for (i = 0; i < n; i++) {
		memset(&res, 0, sizeof(res));
		if ((rc = DB_EXEC(c->a, &q_job, &res, DB_STR(job[i].ref), DB_STR(group),
		    DB_STR(job[i].script), DB_STR(job[i].first_intent), DB_STR(url))) != DB_OK) {
			json_object_put(list);
			robot_discard();
			failed(c, rc);
			return;
		}
		o = json_object_new_object();
		json_object_object_add(o, "ref", json_object_new_string(job[i].ref));
		json_object_object_add(o, "job_id", json_object_new_string(
		    arena_printf(c->a, "J%llu", res.insert_id)));
		json_object_array_add(list, o);
		/* its result, staged until the request commits */
		new_callback_id(cbid);
		outcome = outcome_for(job[i].ref, job[i].script);
		d = make_delivery(result_body(cbid, arena_printf(c->a, "J%llu", res.insert_id),
		    job[i].ref, job[i].first_intent, outcome, now + delay_ms / 1000), url);
		d->held = hold;
		d->due = now_ms() + delay_ms;
		d->next = staged;
		staged = d;
	}
	json_object_put(c->answer);
	c->answer = json_object_new_object();
	json_object_object_add(c->answer, "jobs", list);
	c->status = 200;
	c->effect = 1;
}

void
robot_commit(void)
{
	struct delivery *d, *next;

	if (staged == NULL)
		return;
	pthread_mutex_lock(&mu);
	for (d = staged; d; d = next) {
		next = d->next;
		if (d->held) {
			d->next = held;
			held = d;
		} else {
			d->next = queue;
			queue = d;
		}
	}
	staged = NULL;
	pthread_cond_signal(&cv);
	pthread_mutex_unlock(&mu);
}

void
robot_discard(void)
{
	list_free(&staged);
}

/* --- control ---------------------------------------------------------------- */

/* outcome_ok: an outcome's fields, as far as they are given, are of their
 * kind; else why not. */
static const char *
outcome_ok(struct json_object *o)
{
	struct json_object *x;
	size_t i;
	double v;

	if (!json_object_is_type(o, json_type_object))
		return "每个结果须为对象";
	if (json_object_object_get_ex(o, "status", &x)) {
		for (i = 0; i < NELEM(statuses); i++)
			if (json_object_is_type(x, json_type_string) &&
			    strcmp(json_object_get_string(x), statuses[i]) == 0)
				break;
		if (i == NELEM(statuses))
			return "status 须为 answered、no_answer、busy、voicemail、empty_number、"
			    "suspended、out_of_service 或 failed";
	}
	if (json_object_object_get_ex(o, "intent", &x) && x &&
	    !json_object_is_type(x, json_type_string))
		return "intent 须为字符串或 null";
	if (json_object_object_get_ex(o, "confidence", &x) && x) {
		if (!json_object_is_type(x, json_type_double) &&
		    !json_object_is_type(x, json_type_int))
			return "confidence 须为 0 到 1 的数";
		v = json_object_get_double(x);
		if (v < 0 || v > 1)
			return "confidence 须为 0 到 1 的数";
	}
	if (json_object_object_get_ex(o, "slots", &x) && !json_object_is_type(x, json_type_object))
		return "slots 须为对象";
	if (json_object_object_get_ex(o, "duration", &x) &&
	    (!json_object_is_type(x, json_type_int) || json_object_get_int64(x) < 0))
		return "duration 须为非负整数";
	if (json_object_object_get_ex(o, "transcript_url", &x) && x &&
	    !json_object_is_type(x, json_type_string))
		return "transcript_url 须为字符串或 null";
	return NULL;
}

/* rules_ok: the rules array; else why not. */
static const char *
rules_ok(struct json_object *list)
{
	struct json_object *rule, *x, *cycle;
	const char *why;
	size_t i, k;

	if (!json_object_is_type(list, json_type_array))
		return "rules 须为数组";
	for (i = 0; i < json_object_array_length(list); i++) {
		rule = json_object_array_get_idx(list, i);
		if (!json_object_is_type(rule, json_type_object))
			return "每条规则须为对象";
		if ((json_object_object_get_ex(rule, "script", &x) && x &&
		    !json_object_is_type(x, json_type_string)) ||
		    (json_object_object_get_ex(rule, "ref", &x) && x &&
		    !json_object_is_type(x, json_type_string)))
			return "规则的 script、ref 须为字符串";
		if (!json_object_object_get_ex(rule, "cycle", &cycle) || cycle == NULL) {
			if ((why = outcome_ok(rule)) != NULL)
				return why;
			continue;
		}
		if (!json_object_is_type(cycle, json_type_array) ||
		    json_object_array_length(cycle) == 0)
			return "cycle 须为非空数组";
		for (k = 0; k < json_object_array_length(cycle); k++)
			if ((why = outcome_ok(json_object_array_get_idx(cycle, k))) != NULL)
				return why;
	}
	return NULL;
}

static int
count(struct delivery *d)
{
	int n = 0;

	for (; d; d = d->next)
		n++;
	return n;
}

static struct json_object *
settings_json(void)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "delay_ms", json_object_new_int64(delay_ms));
	json_object_object_add(o, "hold", json_object_new_boolean(hold));
	json_object_object_add(o, "rules", rules ? json_object_get(rules) :
	    json_object_new_array());
	pthread_mutex_lock(&mu);
	json_object_object_add(o, "held", json_object_new_int(count(held)));
	json_object_object_add(o, "queued", json_object_new_int(count(queue)));
	pthread_mutex_unlock(&mu);
	return o;
}

/* set: POST /_sim/robot */
static void
set(const struct sim_req *r, struct sim_resp *out)
{
	struct json_object *o = parse_body(r->body, r->len), *x, *list = NULL;
	long long delay = ROBOT_DELAY;
	int hold_new = 0;
	const char *why;

	if (o == NULL) {
		reply_msg(out, 400, "请求体须为 JSON 对象");
		return;
	}
	if (json_object_object_get_ex(o, "delay_ms", &x) && x) {
		if (!json_object_is_type(x, json_type_int) ||
		    (delay = json_object_get_int64(x)) < 0 || delay > 600000) {
			reply_msg(out, 400, "delay_ms 须为 0–600000 的整数");
			goto out;
		}
	}
	if (json_object_object_get_ex(o, "hold", &x) && x) {
		if (!json_object_is_type(x, json_type_boolean)) {
			reply_msg(out, 400, "hold 须为 true 或 false");
			goto out;
		}
		hold_new = json_object_get_boolean(x);
	}
	if (json_object_object_get_ex(o, "rules", &list) && list) {
		if ((why = rules_ok(list)) != NULL) {
			reply_msg(out, 400, "%s", why);
			goto out;
		}
	} else
		list = NULL;
	delay_ms = delay;
	hold = hold_new;
	json_object_put(rules);
	free(turns);
	rules = list ? json_object_get(list) : NULL;
	turns = xcalloc(list ? json_object_array_length(list) + 1 : 1, sizeof(*turns));
	reply_json(out, 200, settings_json());
out:
	json_object_put(o);
}

void
robot_reset(void)
{
	delay_ms = ROBOT_DELAY;
	hold = 0;
	json_object_put(rules);
	rules = NULL;
	free(turns);
	turns = NULL;
	pthread_mutex_lock(&mu);
	list_free(&held);
	list_free(&queue);
	pthread_mutex_unlock(&mu);
}

/* release: POST /_sim/robot/release {"ref": R} — the held results (of R) go now. */
static void
release(const struct sim_req *r, struct sim_resp *out)
{
	struct json_object *o = r->len ? parse_body(r->body, r->len) :
	    json_object_new_object(), *x, *a;
	struct delivery **pp, *d;
	const char *ref = NULL;
	int n = 0;

	if (o == NULL) {
		reply_msg(out, 400, "请求体须为 JSON 对象");
		return;
	}
	if (json_object_object_get_ex(o, "ref", &x) && x) {
		if (!json_object_is_type(x, json_type_string)) {
			reply_msg(out, 400, "ref 须为字符串");
			json_object_put(o);
			return;
		}
		ref = json_object_get_string(x);
	}
	pthread_mutex_lock(&mu);
	for (pp = &held; (d = *pp) != NULL;) {
		if (ref && strcmp(d->ref, ref) != 0) {
			pp = &d->next;
			continue;
		}
		*pp = d->next;
		d->held = 0;
		d->due = now_ms();
		d->next = queue;
		queue = d;
		n++;
	}
	pthread_cond_signal(&cv);
	pthread_mutex_unlock(&mu);
	a = json_object_new_object();
	json_object_object_add(a, "released", json_object_new_int(n));
	reply_json(out, 200, a);
	json_object_put(o);
}

/* robot_send: POST /_sim/robot/send — one callback at once:
 *   {ref, status, intent, confidence, slots, duration, transcript_url,
 *    ended_at, job_id, callback_id: the result (left out: as a job's
 *    default; the job is the newest of that ref),
 *    callback_url: where (default: the job's),
 *    raw: a body to send verbatim instead,
 *    sign: "good" (default) | "bad" (another key) | "none" (no signature),
 *    timestamp: N (default now)}
 * answered {"status": the console's status (0: none), "body": its answer,
 * "sent": the body sent, "callback_id", "error"}. */
static void
robot_send(const struct sim_req *r, struct sim_resp *out, struct arena *a)
{
	struct json_object *o = parse_body(r->body, r->len), *x, *body = NULL, *ans;
	const char *ref = "", *url = NULL, *raw = NULL, *how = "good", *first = "";
	const char *job_id = "J0";
	char cbid[28], ts[24], sig[7 + 65], err[256];
	struct delivery *d = NULL;
	struct buf reply = { 0 };
	struct db_res res;
	long long t = (long long)time(NULL);
	long code;
	int rc;

	if (o == NULL) {
		reply_msg(out, 400, "请求体须为 JSON 对象");
		return;
	}
#define OPT_STR(name, var) \
	if (json_object_object_get_ex(o, name, &x) && x) { \
		if (!json_object_is_type(x, json_type_string)) { \
			reply_msg(out, 400, name " 须为字符串"); \
			goto out; \
		} \
		var = json_object_get_string(x); \
	}
	OPT_STR("ref", ref);
	OPT_STR("callback_url", url);
	OPT_STR("raw", raw);
	OPT_STR("sign", how);
#undef OPT_STR
	if (strcmp(how, "good") != 0 && strcmp(how, "bad") != 0 && strcmp(how, "none") != 0) {
		reply_msg(out, 400, "sign 须为 good、bad 或 none");
		goto out;
	}
	if (json_object_object_get_ex(o, "timestamp", &x) && x) {
		if (!json_object_is_type(x, json_type_int)) {
			reply_msg(out, 400, "timestamp 须为整数");
			goto out;
		}
		t = json_object_get_int64(x);
	}
	memset(&res, 0, sizeof(res));
	if ((rc = DB_ONE(a, &q_job_find, &res, DB_STR(ref))) == DB_OK) {
		job_id = arena_printf(a, "J%s", db_str(&res, 0));
		if (url == NULL)
			url = arena_strdup(a, db_str(&res, 1));
		first = arena_strdup(a, db_str(&res, 2));
	}
	db_done(&res);
	if (rc != DB_OK && rc != DB_NOROW) {
		reply_msg(out, 500, "读取外呼任务失败");
		goto out;
	}
	if (url == NULL) {
		reply_msg(out, 404, "没有 ref 为 %s 的外呼任务，也没有给 callback_url",
		    clip(a, ref, 64));
		goto out;
	}
	if (!loopback_url(url)) {
		reply_msg(out, 422, "callback_url 须为本机地址（127.0.0.1、localhost）");
		goto out;
	}
	new_callback_id(cbid);
	body = result_body(cbid, job_id, ref, first, o, time(NULL));
	/* the result's own fields, as given */
	if (json_object_object_get_ex(o, "callback_id", &x))
		json_object_object_add(body, "callback_id", json_object_get(x));
	if (json_object_object_get_ex(o, "job_id", &x))
		json_object_object_add(body, "job_id", json_object_get(x));
	if (json_object_object_get_ex(o, "ended_at", &x))
		json_object_object_add(body, "ended_at", json_object_get(x));
	d = make_delivery(body, url);
	if (raw) {
		free(d->body);
		d->body = xstrdup(raw);
	}
	snprintf(ts, sizeof(ts), "%lld", t);
	sign(strcmp(how, "bad") == 0 ? "not-the-robot-secret" : cfg.robot_secret, ts,
	    d->body, strlen(d->body), sig);
	d->attempt = 1;
	code = post(url, d->body, strlen(d->body), ts, strcmp(how, "none") == 0 ? NULL : sig,
	    &reply, err, sizeof(err));
	log_ev(LOG_INFO, NULL, "robot_send", "ref=%s job=%s callback=%s sign=%s status=%ld"
	    " error=%s", d->ref, d->job_id, d->callback_id, how, code, err);
	pthread_mutex_lock(&mu);
	add_result(d, "send", code, reply.p, err, 0);
	pthread_mutex_unlock(&mu);
	ans = json_object_new_object();
	json_object_object_add(ans, "status", json_object_new_int64(code));
	json_object_object_add(ans, "body", json_object_new_string_len(reply.p ? reply.p : "",
	    (int)reply.len));
	json_object_object_add(ans, "sent", json_object_new_string(d->body));
	json_object_object_add(ans, "callback_id", json_object_new_string(d->callback_id));
	json_object_object_add(ans, "error", json_object_new_string(err));
	reply_json(out, 200, ans);
out:
	if (d)
		delivery_free(d);
	buf_free(&reply);
	json_object_put(o);
}

/* results_json: GET /_sim/robot/results?ref=R */
static void
results_list(const struct sim_req *r, struct sim_resp *out)
{
	const char *ref = r->arg(r, "ref");
	struct json_object *list = json_object_new_array(), *o;
	long long i, from;

	pthread_mutex_lock(&mu);
	from = nresults > ROBOT_RESULTS ? nresults - ROBOT_RESULTS : 0;
	for (i = from; i < nresults; i++) {
		const struct result *x = &results[i % ROBOT_RESULTS];

		if (ref && strcmp(x->ref, ref) != 0)
			continue;
		o = json_object_new_object();
		json_object_object_add(o, "seq", json_object_new_int64(x->seq));
		json_object_object_add(o, "at", json_object_new_string(x->at));
		json_object_object_add(o, "via", json_object_new_string(x->via));
		json_object_object_add(o, "ref", json_object_new_string(x->ref));
		json_object_object_add(o, "job_id", json_object_new_string(x->job_id));
		json_object_object_add(o, "callback_id", json_object_new_string(x->callback_id));
		json_object_object_add(o, "result", json_object_new_string(x->status));
		json_object_object_add(o, "intent", json_object_new_string(x->intent));
		json_object_object_add(o, "attempt", json_object_new_int(x->attempt));
		json_object_object_add(o, "status", json_object_new_int64(x->code));
		json_object_object_add(o, "answer", json_object_new_string(x->answer));
		json_object_object_add(o, "error", json_object_new_string(x->error));
		json_object_object_add(o, "retry", json_object_new_boolean(x->retry));
		json_object_array_add(list, o);
	}
	pthread_mutex_unlock(&mu);
	o = json_object_new_object();
	json_object_object_add(o, "results", list);
	reply_json(out, 200, o);
}

void
robot_control(const struct sim_req *r, struct sim_resp *out, struct arena *a)
{
	int post_ = strcmp(r->method, "POST") == 0, get = strcmp(r->method, "GET") == 0;

	if (strcmp(r->path, "/_sim/robot") == 0 && post_)
		set(r, out);
	else if (strcmp(r->path, "/_sim/robot") == 0 && get)
		reply_json(out, 200, settings_json());
	else if (strcmp(r->path, "/_sim/robot/release") == 0 && post_)
		release(r, out);
	else if (strcmp(r->path, "/_sim/robot/send") == 0 && post_)
		robot_send(r, out, a);
	else if (strcmp(r->path, "/_sim/robot/results") == 0 && get)
		results_list(r, out);
	else
		reply_msg(out, 404, "没有这个控制接口");
}

/* POST /v1/robot/bridges {extension, phone, order_no, operator}: the
 * telephony rings the agent's extension, then the customer; no replica
 * effect. */
void
do_robot_bridge(struct call *c)
{
	const char *ext, *phone, *no;
	size_t n;

	if (want_str(c, "extension", 8, &ext) < 0 || want_str(c, "phone", 20, &phone) < 0 ||
	    want_str(c, "order_no", 32, &no) < 0)
		return;
	n = strlen(ext);
	if (n < 2 || strspn(ext, "0123456789") != n) {
		answer(c, 422, "分机号须是 2–8 位数字");
		return;
	}
	if (!mobile_ok(phone)) {
		answer(c, 422, "客户号码不是有效的大陆手机号");
		return;
	}
	answer(c, 200, "正在接通");
	answer_str(c, "bridge_id", arena_printf(c->a, "B%s-%s", no, ext));
	c->effect = 1;
}
