/* sim.h: upstream-sim, the stand-in for the upstream services
 *
 * `upstream-sim --listen 127.0.0.1:PORT` (configuration from ORDERMEND_CONF)
 * plays the order, payment, coupon, inventory and SMS services and the
 * phone robot of README's "The upstream contract" for the demo and the
 * tests: a development tool, never installed.
 *
 * Design and caveats:
 * - One process, one thread, one database connection ([admin], on the
 *   replica's database): libmicrohttpd in external-select mode driven by
 *   http.c's loop, so a request's whole life — key, effect, record — runs
 *   to its end before the next one starts, and no two effects race.  The
 *   one other thread is the robot's, calling the console back (robot.c);
 *   it never touches the database.
 * - A request's effect, its idempotency key and its record are written in
 *   one transaction; the keys and records live in the stand-in's own
 *   database (`upstream_sim`, made at start), never in the replica.
 * - The key is spent by any answer the service decided (2xx, 404, 409,
 *   422): it comes back, status and body, for 24 hours.  A request it
 *   could not read (400, 401, 405, 413, 415), a fault it was told to play
 *   and its own trouble (5xx) leave the key unspent, as a retry would need.
 * - Faults (control.c) act before anything else: a delayed or hung
 *   request is suspended before it is read further, so the control
 *   endpoint keeps answering; a hung request is served normally — its
 *   effect applied — when its hang is cleared, whether or not the client
 *   is still there (as a slow service would).
 */
#ifndef SIM_H
#define SIM_H

#include <signal.h>
#include <stddef.h>

#include <json.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/cfg.h"

#define SIM_MAX_BODY	65536	/* larger request bodies get 413 */
#define SIM_MAX_KEY	255	/* longest Idempotency-Key */

/* A request as http.c hands it over. */
struct sim_req {
	const char *method, *path;	/* path without the query */
	const char *auth, *key, *ctype;	/* headers; NULL when absent */
	const char *body;
	size_t len;
	int too_big;			/* the body was over SIM_MAX_BODY */
	int loopback;			/* the client is 127.0.0.0/8 */
	/* the decoded query argument name, or NULL */
	const char *(*arg)(const struct sim_req *r, const char *name);
	void *conn;			/* for arg */
};

/* The answer: always JSON. */
struct sim_resp {
	int status;
	struct buf body;
	int replayed;			/* the first answer to a repeated key */
	const char *outcome;		/* for the log and the record */
	int effect;
};

/* One request to a service, as an effect sees it (serve.c makes it). */
struct call {
	struct arena *a;
	enum upstream svc;
	const char *order_no;		/* from the path (order service), else NULL */
	struct json_object *body;	/* the request, an object */
	const char *actor_type;		/* from `operator`: agent rule robot customer system */
	const char *actor;
	/* what the effect says */
	int status;			/* 0 until answered */
	struct json_object *answer;	/* owned by the call */
	int effect;			/* 1: it changed something */
};

typedef void effect_fn(struct call *c);

/* http.c: the listener. */
struct sockaddr_in;
/* http_run: listen on addr and serve until *stop; -1 when it cannot listen. */
int http_run(const struct sockaddr_in *addr, const volatile sig_atomic_t *stop);
void sim_wake(int svc);			/* resume hung requests no longer hanging (-1: all) */
void sim_refuse(long long ms);		/* close the listening socket for ms */

/* control.c: faults and the /_sim endpoints. */
long long fault_wait(enum upstream svc);	/* ms to delay a request; -1: hang */
int fault_take(enum upstream svc, int *status, const char **message);
void control_serve(const struct sim_req *r, struct sim_resp *out, struct arena *a);

/* serve.c: a /v1 request, and JSON in and out. */
int route_service(const char *path);	/* its service, or -1 */
void serve(const struct sim_req *r, struct sim_resp *out, struct arena *a);
/* parse_body: the body as a JSON object (UTF-8 checked), or NULL. */
struct json_object *parse_body(const char *s, size_t n);
/* reply_json: the answer is o (freed here); reply_msg: {"message": ...}. */
void reply_json(struct sim_resp *out, int status, struct json_object *o);
void reply_msg(struct sim_resp *out, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* service_named: the service of that name, or -1. */
int service_named(const char *name);

/* call.c: the body's fields and the call's answer.
 * Fields of the body.  Each answers 0, or -1 having answered the call:
 * 400 when the field is missing or of the wrong type, 422 when its value
 * is out of bounds (lo..hi, at most maxchars characters). */
int want_str(struct call *c, const char *name, size_t maxchars, const char **out);
int want_int(struct call *c, const char *name, long long lo, long long hi, long long *out);
/* opt_str: as want_str, but a field left out (or null) is *out = dflt. */
int opt_str(struct call *c, const char *name, size_t maxchars, const char *dflt,
    const char **out);
/* answer: the call's answer, with a Chinese message (printf-style). */
void answer(struct call *c, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void answer_str(struct call *c, const char *name, const char *value);
void answer_int(struct call *c, const char *name, long long value);
/* failed: a database error (the answer is 500 or 503). */
void failed(struct call *c, int rc);
/* mobile_ok: a mainland mobile number, ^1[3-9][0-9]{9}$ */
int mobile_ok(const char *s);
/* clip: cut s to at most n characters, on a character boundary. */
char *clip(struct arena *a, const char *s, size_t n);
/* yuan: "¥12.30", in the arena. */
const char *yuan(struct arena *a, long long fen);

/* store.c: the stand-in's own tables. */
void store_open(void);
int key_find(struct arena *a, enum upstream svc, const char *key, const char *canon,
    int *same, int *status, const char **body);
int key_save(struct arena *a, enum upstream svc, const char *key, const char *canon,
    int status, const char *body);
void record(struct arena *a, const char *service, const struct sim_req *r,
    const struct sim_resp *out);
void store_requests(struct arena *a, const struct sim_req *r, struct sim_resp *out);
void store_effects(struct arena *a, const struct sim_req *r, struct sim_resp *out);

/* orders.c, price.c: the order service, and what the others share of it. */
struct order {
	long long id, user_id;
	const char *no, *status, *warehouse;
	long long goods, discount, coupon, shipping, pay, paid, refunded;
	const char *name, *phone, *province, *city, *district, *detail;
};

effect_fn do_cancel, do_address, do_price, do_substitute;
/* order_load: the order, locked for the call's transaction; -1 having
 * answered the call (404, or a database error) when there is none. */
int order_load(struct call *c, const char *order_no, struct order *o);
/* order_history: a status-history row by the call's operator. */
int order_history(struct call *c, long long order_id, const char *from, const char *to,
    const char *note);
/* refund_money: amount given back to the order's buyer as successful
 * refunds: against payment_id, or (0) against its successful payments,
 * newest first, as far as each has not been refunded, the rest without a
 * payment.  *refund_no is the first refund's number.  DB_OK or an error;
 * the caller raises orders.refunded_amount. */
int refund_money(struct call *c, const struct order *o, long long amount,
    const char *reason, long long payment_id, const char **refund_no);
/* by_whom: "客服", "自动规则" ... for the call's actor type, in notes. */
const char *by_whom(const struct call *c);

/* services.c: payment, coupon, inventory, SMS. */
effect_fn do_refund, do_grant, do_replenish, do_message;

/* robot.c: the phone robot — its jobs, and their results called back by
 * its own delivery thread (started before the listener, stopped after). */
effect_fn do_robot_jobs, do_robot_bridge;
void robot_start(void);
void robot_stop(void);
/* robot_commit: the request's staged results go to be delivered, once its
 * transaction committed; robot_discard: they go nowhere (any other end). */
void robot_commit(void);
void robot_discard(void);
void robot_reset(void);			/* /_sim/reset: no rules, nothing held */
void robot_control(const struct sim_req *r, struct sim_resp *out, struct arena *a);

#endif
