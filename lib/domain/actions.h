/* actions.h: what can be done to an order in its current state
 *
 * The order page lists the actions valid now; the case playbooks and the
 * action forms use the same rules, so "cancel only if not shipped, refund
 * only up to what was paid" is written once, here.
 */
#ifndef OM_ACTIONS_H
#define OM_ACTIONS_H

/* What the rules look at. */
struct order_state {
	const char *status;
	long long pay_amount;
	long long paid_amount;
	long long refunded_amount;
};

struct action_kind {
	const char *code;	/* cancel refund compensate address price sms call */
	const char *label;
	long perm;		/* the permission it needs */
};

extern const struct action_kind action_kinds[];

/* action_why_not: NULL when kind is valid for the order now, else why not
 * (a sentence for the agent). */
const char *action_why_not(const char *kind, const struct order_state *o);

#endif
