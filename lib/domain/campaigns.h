/* campaigns.h: one script called to many orders — an incident's, or the
 * cases an agent chose — between a start and an end, up to a cap
 *
 * A campaign asks for each case's call (call_request, calls.h) at the
 * customer's best hour inside the script's window, not before its start;
 * the rules of every call hold for each (the do-not-call list, attempts,
 * one call of a script to an order at a time, the variables it needs) and
 * a case they refuse is skipped, counted with why.  The dispatcher sends
 * the calls as the robot's line has room.  Pausing holds the calls not yet
 * dialled; resuming lets them go at their times; stopping, or the end,
 * withdraws them.  Schema: migrations/014_campaigns.sql.
 */
#ifndef OM_CAMPAIGNS_H
#define OM_CAMPAIGNS_H

#include "core/arena.h"
#include "domain/actor.h"
#include "domain/shop.h"

#define CAMPAIGN_MAX 10000	/* calls one campaign may make */

extern const struct label campaign_states[];

struct campaign_new {
	const char *name;		/* "" : made from the script and source */
	const char *script;
	long long incident;		/* its live cases; or */
	const long long *cases;		/* these cases */
	int ncases;
	const char *starts_at, *ends_at;	/* "YYYY-MM-DD HH:MM:SS"; NULL: now, +3 days */
	long long cap;			/* 1..CAMPAIGN_MAX */
};

/* campaign_create: the campaign c by who, and a call for each of its
 * cases (up to its cap), in the caller's transaction.  *id the campaign,
 * *asked the calls asked for, *skipped the cases refused.  DOM_OK;
 * SCRIPT_MISSING; CAMPAIGN_EMPTY (no live case to call); CAMPAIGN_BAD
 * (times or cap out of bounds); or an error. */
int campaign_create(struct arena *a, const struct actor *who, const struct campaign_new *c,
    long long *id, long long *asked, long long *skipped);

/* campaign_change: "pause", "resume" or "stop" campaign id, audited.
 * DOM_OK; CAMPAIGN_MISSING; CAMPAIGN_CHANGED (its state does not allow
 * it); or an error.  In the caller's transaction. */
int campaign_change(struct arena *a, const struct actor *who, long long id,
    const char *change);

/* campaigns_end: the campaigns whose end came, ended, their calls not
 * dialled withdrawn; *n how many.  Its own transaction (the dispatcher's
 * round). */
int campaigns_end(struct arena *a, int *n);

#endif
