/* silences.h: keeping cases out of the queue for a while
 *
 * A lead silences by matchers (kind, carrier, SKU, warehouse, user,
 * order) for a time with a reason: the live cases that match go under it
 * at once, and new ones as the scanner finds them.  A silence put on
 * chosen cases (cases_only, from a bulk action) covers only those.  When
 * a silence ends, by its time or by hand, its cases come back to the
 * queue.  Every case that goes under a silence or leaves it gets a case
 * event naming the actor; creating and ending one are audited.
 */
#ifndef OM_SILENCES_H
#define OM_SILENCES_H

#include "core/arena.h"
#include "domain/actor.h"

/* What a silence matches; NULL (0 for user_id) matches anything. */
struct silence_match {
	const char *kind, *carrier, *sku, *warehouse, *order_no;
	long long user_id;
};

/* silence_create: a silence for hours with reason, inside the caller's
 * transaction.  With m, the live cases it matches go under it now (*n of
 * them); without, it is a silence for chosen cases, which the caller puts
 * under it with case_act(..., "silence", *id, reason), and n is how many
 * it will hold (for the audit row).  DB_OK or a db error. */
int silence_create(struct arena *a, const struct actor *who,
    const struct silence_match *m, long long hours, const char *reason,
    long long *id, long long *n);
/* silence_end: end silence id now; its cases come back.  DOM_OK,
 * SILENCE_MISSING (none, or over already), or a db error. */
int silence_end(struct arena *a, const struct actor *who, long long id);
/* silences_release: the cases of every silence whose time is up come back
 * (the scanner, each pass), in a transaction of its own. */
int silences_release(struct arena *a, const struct actor *who);

#endif
