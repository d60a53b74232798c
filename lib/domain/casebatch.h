/* casebatch.h: changes of many cases at once — the scanner's writes
 *
 * A case's SLA clock starts when its trouble began (`since`), not when a
 * pass noticed it (`opened_at`): a case found late is born overdue.
 *
 * A scanner pass opens, refreshes, reopens and auto-resolves cases by the
 * thousand, groups them into incidents and escalates the late ones; each
 * of these is one set-based statement over a JSON list of ids (or over
 * the cases a condition selects), with the case events written in the
 * same statement shape, naming the actor.  The caller holds the console
 * transaction, except where a function says it takes its own.  These
 * write no audit rows per case (a pass would write a million); an
 * incident's opening is audited.
 */
#ifndef OM_CASEBATCH_H
#define OM_CASEBATCH_H

#include "core/arena.h"
#include "domain/actor.h"

/* What the scanner knows of a case's condition now. */
struct case_facts {
	int severity;
	long long amount;
	const char *facts, *since;
	const char *warehouse, *carrier, *sku, *group_key, *group_label;
};

/* cases_open: new open cases of kind, one per row of rows, a JSON array
 * of [order_id, order_no, user_id, severity, amount, since, warehouse,
 * carrier, sku, group_key, group_label, facts, order_created_at]; each
 * under the silence that matches it, if any. */
int cases_open(struct arena *a, const struct actor *who, const char *kind,
    long long ack_minutes, long long resolve_minutes, const char *rows);
/* case_refresh: a live case's facts changed (event "updated"). */
int case_refresh(struct arena *a, const struct actor *who, long long id,
    const struct case_facts *f);
/* case_reopen: a case closed recently whose condition came back (event
 * "reopened"), with new targets. */
int case_reopen(struct arena *a, const struct actor *who, long long id,
    const struct case_facts *f, long long ack_minutes, long long resolve_minutes);
/* cases_resolve: the live cases in ids (a JSON array) auto-resolved,
 * saying why (event "auto_resolved"). */
int cases_resolve(struct arena *a, const struct actor *who, const char *ids,
    const char *why);
/* cases_cleared: the closed cases in ids saw their condition go away. */
int cases_cleared(struct arena *a, const char *ids);
/* incidents_update: groups of at least threshold live cases that began
 * within window seconds become incidents (audited), their cases join
 * them, and an incident without a live case left is over. */
int incidents_update(struct arena *a, const struct actor *who, long long window,
    long long threshold);
/* cases_escalate: open cases past their acknowledge target, not silenced,
 * are escalated, once (event "escalated"), in a transaction of its own. */
int cases_escalate(struct arena *a, const struct actor *who);

/* cases_wake: the waiting cases whose wait ended come back to the queue,
 * to their owner, as reminders (event "reminder"), in a transaction of its
 * own. */
int cases_wake(struct arena *a, const struct actor *who);

#endif
