/* cases.h: anomaly cases — their states and every change of one
 *
 * A case is one kind of trouble on one order (at most one live case per
 * kind and order).  It is open, acknowledged (claimed) or waiting (on the
 * customer or a call; the SLA clock pauses), then resolved, auto-resolved
 * (its condition cleared) or dismissed.
 *
 * Every change of a case is made here, with its case_events row naming
 * the actor, in the caller's console transaction: one case at a time
 * through case_act (pages, bulk actions, rules, the robot, mendctl), many
 * at once through the set-based functions of casebatch.h (the scanner's
 * passes) and silences.h.  case_act writes an audit row too.
 */
#ifndef OM_CASES_H
#define OM_CASES_H

#include "core/arena.h"
#include "domain/actor.h"
#include "domain/shop.h"

/* What a change of a case carries besides its kind. */
struct case_args {
	long long to;		/* assign: the agent; escalate: the lead; silence: the silence */
	const char *team;	/* escalate: to this team (case_teams) instead */
	const char *text;	/* resolve, dismiss: how or why; note; silence: why */
	const char *until;	/* wait: "YYYY-MM-DD HH:MM:SS" */
};

/* case_act: one change of one case by who:
 *   claim    the case becomes who's: who must be a person (NOT_A_PERSON)
 *            and the case nobody's or who's already (CASE_TAKEN)
 *   assign   to agent x->to (AGENT_MISSING when there is no such person)
 *   wait     until x->until (in the future, within 30 days: WAIT_BAD);
 *            the SLA clock stops, and a case nobody holds becomes who's
 *            (when who is a person); at that time the scanner brings it
 *            back to its owner as a reminder (cases_wake)
 *   resume   the SLA clock goes on
 *   resolve, dismiss   closed, x->text the resolution or reason
 *   note     x->text
 *   silence  under silence x->to, x->text its reason
 *   escalate an open or acknowledged case handed on with note x->text:
 *            to team x->team's queue (TEAM_UNKNOWN), unheld and open; or
 *            to lead x->to (NOT_A_LEAD unless an enabled person who may
 *            approve), who holds it; with neither, to the queue, open
 *            and nobody's (the robot's hand-off).  Its SLA clock goes on.
 * Any change by a person clears the case's reminder.  DOM_OK;
 * CASE_CHANGED when the case's state does not allow it (it changed
 * meanwhile); CASE_MISSING; or a db error. */
int case_act(struct arena *a, const struct actor *who, long long case_id,
    const char *action, const struct case_args *x);
/* case_live: 1 for open, acknowledged and waiting (the states in the
 * queue). */
int case_live(const char *state);
/* case_action_known: 1 for the actions above. */
int case_action_known(const char *action);

extern const struct label case_states[];
extern const struct label case_actions[];
extern const struct label severities[];
extern const struct label case_teams[];
/* What a case_events row's kind says, for the timeline and the case page. */
extern const struct label case_event_kinds[];

/* The silence a live case falls under, as an SQL condition on cases c and
 * silences s (for the scanner and for a new silence): one with matchers,
 * not one an agent put on chosen cases (cases_only). */
#define SILENCE_MATCH \
	"s.ends_at > NOW() AND s.ended_at IS NULL AND s.cases_only = 0" \
	" AND (s.kind IS NULL OR s.kind = c.kind)" \
	" AND (s.carrier IS NULL OR s.carrier = c.carrier)" \
	" AND (s.sku IS NULL OR s.sku = c.sku)" \
	" AND (s.warehouse IS NULL OR s.warehouse = c.warehouse)" \
	" AND (s.user_id IS NULL OR s.user_id = c.user_id)" \
	" AND (s.order_no IS NULL OR s.order_no = c.order_no)"

/* The actor of a case event or audit row, as the three statement
 * arguments (actor_type, agent_id, actor) every write of events takes. */
#define ACTOR_ARGS(who) DB_STR(actor_code(who)), \
	(who)->agent_id ? DB_INT((who)->agent_id) : DB_NULL, \
	(who)->type == ACTOR_AGENT ? DB_STR("") : DB_STR((who)->name)

#endif
