/* cases.h: anomaly cases — rules, severity, and the changes agents make
 *
 * A case is one kind of trouble on one order (at most one live case per
 * kind and order).  It is open, acknowledged (claimed) or waiting (on the
 * customer or a call; the SLA clock pauses), then resolved, auto-resolved
 * (the scanner saw the condition clear) or dismissed.  Every change after
 * opening is a case_events row and, when an agent made it, an audit row,
 * in the same transaction; both show on the order's timeline.
 *
 * Rules (anomaly_rules) hold each kind's threshold and its targets to
 * acknowledge and to resolve; a missing row is filled from the [anomaly]
 * configuration and the defaults here.
 */
#ifndef OM_CASES_H
#define OM_CASES_H

#include "anomaly.h"
#include "arena.h"
#include "req.h"
#include "shop.h"

struct rule {
	long long threshold;		/* seconds; percent for price_anomaly */
	long long threshold_high;	/* price_anomaly: the upper percent */
	long long ack_minutes;
	long long resolve_minutes;
	int enabled;
};

/* rules_load: every kind's rule, in anomaly_kinds order; DB_OK or an
 * error. */
int rules_load(struct arena *a, struct rule rules[ANOMALY_KINDS]);

/* case_severity: 1..4 from the kind, the amount (fen) and how long the
 * condition has held compared with the threshold. */
int case_severity(const struct anomaly_kind *k, const struct rule *r,
    long long amount, long long age_seconds);

/* case_act: one agent action on one case, with its case event and audit
 * row, inside the caller's console transaction:
 *   claim (assignee = the agent), assign (to `who`), wait, resume,
 *   resolve, dismiss (text: the reason, required), note (text),
 *   silence (under silence `who`, text: its reason).
 * DB_OK; 1 when the case's state does not allow it (changed meanwhile);
 * 2 when there is no such case; or a db error. */
int case_act(struct req *r, long long case_id, const char *action,
    long long who, const char *text);
/* case_live: 1 for open, acknowledged and waiting (the states in the
 * queue). */
int case_live(const char *state);
/* case_action_known: 1 for the actions above. */
int case_action_known(const char *action);

extern const struct label case_states[];
extern const struct label case_actions[];
extern const struct label severities[];
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

#endif
