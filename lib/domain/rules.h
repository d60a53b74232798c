/* rules.h: each anomaly kind's threshold and SLA targets, and severity
 *
 * Rules (anomaly_rules) hold each kind's threshold and its targets to
 * acknowledge and to resolve; a missing row is filled from the [anomaly]
 * configuration and the defaults in rules.c.  The scanner reads them on
 * every pass; a lead changes them at /admin/rules (rule_save).
 */
#ifndef OM_RULES_H
#define OM_RULES_H

#include "core/arena.h"
#include "domain/actor.h"
#include "domain/anomaly.h"

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

/* rule_save: kind's rule becomes nu, with an audit row saying what
 * changed, inside the caller's transaction; *changed is 0 when nu is what
 * it was (nothing written).  DB_OK, RULE_MISSING, or a db error. */
int rule_save(struct arena *a, const struct actor *who, const char *kind,
    const struct rule *nu, int *changed);

/* case_severity: 1..4 from the kind, the amount (fen) and how long the
 * condition has held compared with the threshold. */
int case_severity(const struct anomaly_kind *k, const struct rule *r,
    long long amount, long long age_seconds);

#endif
