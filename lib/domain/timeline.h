/* timeline.h: one timeline of everything that happened to an order
 *
 * Events come from sources: the replica's (status changes, payments,
 * refunds, tracking events, stock moves, the customer's actions) and the
 * console's own (PII reveals now; cases, notes, actions and calls as they
 * arrive).  A feature adds its events by adding one source function to the
 * table in timeline.c — never by editing a page.  Every event has a time,
 * an actor (system, customer, agent, rule, robot, with a name) and one line
 * of text; the timeline is shown newest first.
 */
#ifndef OM_TIMELINE_H
#define OM_TIMELINE_H

#include <stddef.h>

#include "core/arena.h"

struct tl_order {
	long long id;
	const char *order_no;
	long long user_id;
};

struct tl_event {
	const char *at;		/* "YYYY-MM-DD HH:MM:SS" */
	const char *actor_type;	/* system customer agent rule robot */
	const char *actor;	/* who, within the type, as stored: a login, a
				 * carrier's or a system's code ("" if nobody) */
	const char *actor_name;	/* who as agents read it: an agent's name, a
				 * system's label (actor_names), else actor */
	const char *kind;	/* status payment refund logistics stock user console ... */
	const char *what;	/* within the kind: a stock move's kind, or "" */
	long long qty;		/* a stock move's quantity (pieces, unsigned) */
	const char *text;
	int console;		/* from the console schema, not the replica */
	size_t seq;		/* order of arrival, to keep sorting stable */
};

struct timeline {
	struct arena *a;
	struct tl_event *ev;
	size_t n, cap;
};

/* timeline_add: one event, its actor named by actor_names (else as
 * given); strings are copied into the arena.  The event is returned for
 * the fields a kind adds (actor_name, what, qty). */
struct tl_event *timeline_add(struct timeline *t, const char *at, const char *actor_type,
    const char *actor, const char *kind, const char *text, int console);
/* timeline_build: every source's events for an order, into the arena;
 * DB_OK or an error. */
int timeline_build(struct arena *a, struct timeline *t, const struct tl_order *o);
/* timeline_sort: the events newest first (ties in order of arrival). */
void timeline_sort(struct timeline *t);

#define TL_MAX 400		/* events a page shows */

#endif
