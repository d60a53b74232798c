/* calls.h: the phone robot's calls — asked for, scheduled within the
 * rules (calls.c), their scripts (callscripts.c), and what follows from
 * each answer (callresult.c)
 *
 * A call is one attempt to reach an order's customer with a script
 * (call_scripts, schema/migrations/013_calls.sql): a calls row and an
 * outbox row of kind 'call' that mend-dispatch sends to the robot at or
 * after its scheduled time (README: The phone robot).  The console keeps
 * the rules itself, whatever the robot's own strategy says: only inside
 * the script's calling window (the shop's time), never a number on the
 * do-not-call list, at most [robot] attempts per order and script, the
 * next attempt after a delay that depends on how the last one ended.
 *
 * The robot's result (call_result, from POST /hooks/robot) is stored on
 * the call, shown on the case's history, and does what the script maps
 * its intent to — an action into the outbox as the robot, the case
 * waiting or resolved, or the case handed to a person — in the same
 * transaction, so a callback is one outcome however often it comes.
 */
#ifndef OM_CALLS_H
#define OM_CALLS_H

#include "core/arena.h"
#include "domain/actor.h"
#include "domain/shop.h"

extern const struct label call_states[];	/* scheduled dialling ... */
extern const struct label call_statuses[];	/* the robot's: answered no_answer ... */
extern const struct label call_follow_ups[];	/* resolve wait ... as agents read them */

#define CALL_VARS_MAX 12

/* The variables a script's text may name ({{ORDER_NO}} ...), each with
 * what it holds: call_render fills these and no other; the survey's tags
 * as the robot sends them (size quality ...). */
extern const struct label call_vars[];
extern const struct label call_survey_tags[];
/* call_var_known: 1 when name[0..len) is one of call_vars. */
int call_var_known(const char *name, size_t len);
/* The next_at of a paused campaign's calls: not before it resumes. */
#define CAMPAIGN_HELD "2099-01-01 00:00:00"

/* A script as stored. */
struct call_script {
	const char *code, *name, *purpose, *text, *text_en;
	const char *intents;		/* JSON: {"intent": {"label", "do"}} */
	const char *window_start, *window_end;	/* "HH:MM", the rule's when unset */
	int enabled;
};

/* call_scripts_load: every script, in the list's order, into v (up to
 * max); call_script_get: one.  DB_OK, SCRIPT_MISSING or an error. */
int call_scripts_load(struct arena *a, struct call_script *v, int max, int *n);
int call_script_get(struct arena *a, const char *code, struct call_script *s);
/* call_script_intent: what the script does on intent (its "do", and its
 * label), or 0 when it does not know it; "dnc" and "human" every script
 * knows. */
int call_script_intent(struct arena *a, const struct call_script *s, const char *intent,
    const char **does, const char **label);

/* call_text_unknown: the first {{NAME}} in text that is not a known
 * variable (or, with *unclosed set, the "{{" left open), or NULL when
 * every one is known. */
const char *call_text_unknown(struct arena *a, const char *text, int *unclosed);

/* One of a script's intents: what the robot may answer, its label, and
 * what the console does (a call_follow_ups code). */
struct call_intent {
	const char *intent, *label, *does;
};
/* call_script_intents: s's intents into v (up to max), in their order;
 * returns how many. */
int call_script_intents(struct arena *a, const struct call_script *s,
    struct call_intent *v, int max);
/* call_script_save: the script nu->code (a lead's edit: name, purpose,
 * text, text_en, window, enabled; checked by the caller) with an audit
 * row (script_updated, about the script by its name as it was) saying
 * what changed; *changed 0 when nothing did
 * (nothing written).  DOM_OK, SCRIPT_MISSING or an error.  In the
 * caller's transaction. */
int call_script_save(struct arena *a, const struct actor *who,
    const struct call_script *nu, int *changed);

/* call_script_for: the script that suits an anomaly kind's customers. */
const char *call_script_for(const char *kind);

/* A script's text as the customer would hear it for an order. */
struct call_text {
	const char *text;		/* filled */
	const char *missing;		/* the first variable the order lacks, or NULL */
	const char *names[CALL_VARS_MAX], *values[CALL_VARS_MAX];
	int n;
};
/* call_render: script s filled with order_id's values (the replica).
 * DB_OK (see t->missing), DB_NOROW (no such order) or an error. */
int call_render(struct arena *a, const struct call_script *s, long long order_id,
    struct call_text *t);

/* Everyone's answers by the hour (the best time's last resort): read once
 * for a campaign's many calls. */
struct call_rates {
	int loaded;
	long long calls[24], answered[24];
};

/* A call asked for. */
struct call_ask {
	long long order_id;
	long long case_id;	/* the case it is about, or 0 */
	long long campaign;	/* the campaign it is part of, or 0 */
	const char *script;
	const char *not_before;	/* "YYYY-MM-DD HH:MM:SS", or NULL: now */
	int best;		/* at the customer's best hour (call_best_hour) */
	/* a campaign's: its script read once, everyone's rates read once */
	const struct call_script *loaded;
	struct call_rates *everyone;
};

/* call_request: the call q by who, scheduled at the first moment the
 * rules allow.  *id is the call, *when its time, *why why then.  DOM_OK; SCRIPT_MISSING;
 * CALL_VAR_MISSING (*why names the variable); CALL_NO_PHONE; CALL_DNC;
 * CALL_ATTEMPTS; CALL_PENDING (a call of this script to this order is
 * already scheduled or dialling); DB_NOROW (no such order); or an error.
 * In the caller's transaction. */
int call_request(struct arena *a, const struct actor *who, const struct call_ask *q,
    long long *id, const char **when, const char **why);

/* call_best_hour: the hour of the day (0-23, inside s's window) the
 * customer user_id most likely answers, and why (a sentence): the hour
 * their earlier calls were answered most (by rate, from two calls on);
 * else the hour they order and use the app most (from three events);
 * else the hour everyone answers most (from twenty answers in 30 days;
 * everyone's rates read into *everyone unless loaded there already, or
 * each time when it is NULL);
 * *hour -1 when nothing tells.  DB_OK or an error. */
int call_best_hour(struct arena *a, const struct call_script *s, long long user_id,
    struct call_rates *everyone, int *hour, const char **why);

/* A result as the robot sends it. */
struct call_result {
	const char *callback_id, *job_id, *ref;	/* ref: "call-{id}-{attempt}" */
	const char *status, *intent;		/* intent: with "answered" */
	int confidence;				/* percent; -1: not given */
	const char *slots;			/* JSON object, or NULL */
	long long duration;			/* seconds; -1: not given */
	const char *transcript_url, *ended_at;
};

/* call_result_read: the robot's result in body (JSON) into x, in the
 * arena; NULL, or what is wrong with it (a sentence). */
const char *call_result_read(struct arena *a, const char *body, struct call_result *x);

/* call_result: the robot's result r for its call, by who (the robot):
 * stored, on the case's history, and followed up.  DOM_OK;
 * CALLBACK_REPEAT (this callback_id came before: nothing done);
 * CALL_MISSING (no call has this ref); CALL_CHANGED (it has its result);
 * CALL_INTENT (the script does not know the intent); or an error.  Its own
 * transaction. */
int call_result(struct arena *a, const struct actor *who, const struct call_result *r);

/* call_dnc_add: phone (a mainland mobile) never to be called again, with
 * a reason; call_dnc_has: 1 when it is on the list. */
int call_dnc_add(struct arena *a, const struct actor *who, const char *phone,
    const char *reason);
int call_dnc_has(struct arena *a, const char *phone, int *yes);
/* call_dnc_remove: the number whose SHA-256 is hash (64 hex digits) off
 * the list, audited (dnc_removed).  DOM_OK, DB_NOROW (not on it) or an
 * error.  In the caller's transaction. */
int call_dnc_remove(struct arena *a, const struct actor *who, const char *hash);

/* The item an order holds off its list price, the furthest off. */
struct call_mispriced {
	const char *sku, *name;
	long long unit_price, list_price, qty;
};
/* call_mispriced: that item of order_id into m; DB_OK, DB_NOROW or an
 * error. */
int call_mispriced(struct arena *a, long long order_id, struct call_mispriced *m);

/* call_schedule: call number attempt of script s to order o (about case
 * case_id, in campaign campaign, or 0), at the first moment the rules
 * allow after not_before, saying why then (because, or NULL: the window
 * says); the calls row and its outbox row (for callresult.c's next
 * attempts; call_request keeps the rules first). */
struct action_order;
int call_schedule(struct arena *a, const struct actor *who, const struct call_script *s,
    const struct action_order *o, long long case_id, long long campaign, int attempt,
    const char *not_before, const char *because, long long *id, const char **when,
    const char **why);

/* call_dialled: the dispatcher took the call whose outbox row is
 * outbox_id; call_lost: its outbox row failed or died (no call made), or
 * was withdrawn. */
int call_dialled(struct arena *a, long long outbox_id);
int call_lost(struct arena *a, long long outbox_id, int withdrawn);

#endif
