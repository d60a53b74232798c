/* outbox.h: actions on their way to the upstream services
 *
 * An action that fixes an order at its source — a cancel, a refund, a
 * coupon, an address, a price, an SMS, a restock — is first a row of the
 * outbox (schema/migrations/009_outbox.sql says its states), written with
 * its audit row and case event in the caller's transaction; mend-dispatch
 * then sends it (README: The upstream contract) until the service has
 * answered for it, and marks it effective once the replica shows it.  The
 * idempotency key makes a double submit, a script's retry and two agents
 * at once one action; the same key goes to the service on every attempt,
 * so a dispatcher that dies mid-call cannot make a second effect.
 *
 * Pages and rules submit (outbox_submit) and decide (approve, refuse,
 * retry, cancel) through an actor; the dispatcher takes rows with a lease
 * (outbox_claim) and records each answer (outbox_answer).
 */
#ifndef OM_OUTBOX_H
#define OM_OUTBOX_H

#include "core/arena.h"
#include "core/cfg.h"
#include "domain/actor.h"
#include "domain/shop.h"

extern const struct label outbox_states[];	/* approval queued ... as agents read them */

#define OUTBOX_KEY_MIN 16	/* an idempotency key: 16-64 of [A-Za-z0-9_-] */
#define OUTBOX_KEY_MAX 64

/* A new action. */
struct outbox_new {
	const char *key;	/* the idempotency key (outbox_key_ok) */
	const char *kind;	/* action_kinds[].code */
	enum upstream service;
	const char *path;	/* under the service's URL: "/orders/X/cancel" */
	const char *body;	/* the JSON to send */
	long long order_id;	/* 0: none */
	const char *order_no;	/* or NULL */
	long long case_id;	/* the case it fixes, or 0 */
	long long amount;	/* fen it gives back (refund, compensate), else 0 */
	const char *summary;	/* one line: "退款 ¥12.00 到 支付宝" */
	const char *not_before;	/* "YYYY-MM-DD HH:MM:SS": not sent before; NULL: now */
	int hold;		/* waits for a person's approval whatever the limits
				 * (what a robot captured with low confidence) */
};

/* outbox_key_ok: 1 when k is a well-formed idempotency key. */
int outbox_key_ok(const char *k);
/* outbox_key_new: a fresh random key (for a form). */
const char *outbox_key_new(struct arena *a);

/* outbox_submit: write n as one action by who, waiting for approval when
 * it is over who's money limits (an agent's max_refund for one action,
 * daily_refund for a day).  *id is the action, *state its state (queued
 * or approval).  DOM_OK; OUTBOX_REPEAT when the key already stands for
 * this same action (*id and *state are it; nothing is written);
 * KEY_REUSED when it stands for another; or an error.  Writes the audit
 * row and, with a case, the case event. */
int outbox_submit(struct arena *a, const struct actor *who, const struct outbox_new *n,
    long long *id, const char **state);

/* outbox_decide: approve (approve = 1) or refuse an action waiting for a
 * second person; a refusal needs a note.  DOM_OK, OUTBOX_MISSING,
 * OUTBOX_CHANGED (not waiting), AGENT_SELF (one's own), or an error. */
int outbox_decide(struct arena *a, const struct actor *who, long long id, int approve,
    const char *note);
/* outbox_confirm: an action the robot prepared and held for a person's
 * check (what it heard with little confidence; no money back) sent on by
 * an agent whose permissions (perms) include its kind's.  DOM_OK,
 * OUTBOX_MISSING, OUTBOX_CHANGED (not such an action, or not waiting),
 * NOT_A_PERSON (not an agent with the kind's permission), or an error. */
int outbox_confirm(struct arena *a, const struct actor *who, long long id, long perms);
/* outbox_retry: a failed or dead action queued again, its attempts from
 * zero; outbox_cancel: an action not yet sent withdrawn.  DOM_OK,
 * OUTBOX_MISSING, OUTBOX_CHANGED, or an error. */
int outbox_retry(struct arena *a, const struct actor *who, long long id);
int outbox_cancel(struct arena *a, const struct actor *who, long long id, const char *note);

/* An action taken by a dispatcher. */
struct outbox_item {
	long long id;
	const char *key, *kind, *path, *body, *order_no;
	enum upstream service;
	int attempts;		/* this one included */
};

/* outbox_claim: up to max actions due now (and those whose lease ended),
 * leased to `by` for lease seconds, in their own transaction.  *items in
 * the arena; DB_OK or an error. */
int outbox_claim(struct arena *a, const char *by, long long lease, int max,
    struct outbox_item **items, int *n);

enum outbox_outcome {
	OUT_DONE,		/* 2xx or 409: sent (or effective, with nothing to watch) */
	OUT_FAILED,		/* refused: never retried */
	OUT_RETRY,		/* not known: again after delay seconds, or dead */
	OUT_LATER,		/* not sent (its service is resting): again after
				 * delay seconds, the attempt not counted */
};

/* outbox_answer: what became of item it, as the dispatcher `by` saw it:
 * status (0: no answer), the service's message or reply.  A retry past
 * max attempts is dead.  Only the lease holder's answer counts: DB_OK,
 * OUTBOX_CHANGED (the lease was lost: someone else has it), or an error. */
int outbox_answer(struct arena *a, const char *by, const struct outbox_item *it,
    enum outbox_outcome out, int status, const char *message, const char *reply,
    long long delay, int max_attempts);

/* outbox_effects: the sent actions the replica now shows, marked
 * effective, and the cases they were for resolved by their actors;
 * *n how many.  DB_OK or an error. */
int outbox_effects(struct arena *a, int *n);

#endif
