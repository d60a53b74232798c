/* anomaly.h: the nine kinds of order trouble the scanner looks for
 *
 * Each kind has its label, how it raises severity, what groups its cases
 * (the same carrier, SKU, warehouse, or payment channel and error), the
 * agent's playbook, and the SQL that finds it on the replica — exactly the
 * definitions in tests/harness/anomalies.sql, which the seed's manifest
 * follows too.  A kind's SQL reads the session variables the scanner sets
 * first (@now, @thr, @thr2: the pass's clock and the kind's thresholds,
 * @ids: a JSON list of order ids for a scoped pass) and gives, per order:
 *   0 id, 1 order_no, 2 user_id, 3 pay_amount, 4 since (when the trouble
 *   began), 5 warehouse, 6 carrier, 7 sku, 8 x1, 9 x2 (kind-specific facts),
 *   10 the order's created_at
 */
#ifndef OM_ANOMALY_H
#define OM_ANOMALY_H

struct db_stmt;

struct anomaly_kind {
	const char *code;
	const char *label;
	int severity;		/* the base, 1..3; amount and age add to it */
	int timed;		/* crossing a threshold needs no change of data */
	const char *group;	/* carrier sku warehouse payment, or NULL */
	const char *playbook;	/* steps, one a line */
	/* the action the playbook proposes first (actions.h), and the form's
	 * values it brings ("template=pay_reminder"), or "" */
	const char *action, *preset;
	struct db_stmt *all;	/* finds it over every order */
	struct db_stmt *some;	/* ... over the orders in @ids */
	/* A kind that hides this one on the same order (its SQL leaves such
	 * orders out), or NULL: a case it hides is resolved as taken over. */
	const char *inhibited_by;
};

extern const struct anomaly_kind anomaly_kinds[];

#define ANOMALY_KINDS 9

/* anomaly_kind: the kind called code, or NULL. */
const struct anomaly_kind *anomaly_kind(const char *code);
/* anomaly_label: the kind's label, or the code itself when unknown. */
const char *anomaly_label(const char *code);

#endif
