/* automation.h: guarded automation — rules that make the safe, repetitive
 * fixes by themselves, within limits a lead sets
 *
 * A rule (automation_rules, schema/migrations/010_automation.sql) matches
 * live cases by conditions — kind, the case's amount (at least, below),
 * how long the trouble has lasted, carrier, SKU, warehouse, the order's
 * channel; an empty one matches anything — and has one action with its
 * parameters:
 *   cancel   cancel the order (a paid one's money goes back with it)
 *   refund   refund the extra payment of an order paid more than once:
 *            the later payment, at most what was paid over the amount due
 *   soothe   text the customer (a template), give a coupon, and note on
 *            the case that the carrier team was told to check the parcel;
 *            once per order
 *   restock  ask for restock of a SKU at a warehouse once that many of
 *            its orders are short: one request, for the whole shortfall
 * A case's trouble "has lasted" from where its clock started: for a kind
 * the clock brings about (unpaid, not shipped, stalled, refund stuck)
 * from the order's creation, payment, last tracking event or refund
 * request, so "2 小时" of an unpaid order means two hours unpaid; for the
 * others from when the trouble began.  Silenced cases and cases waiting
 * on the customer are left to people.
 *
 * What a rule asks for is built by the same builders as the agents' forms
 * (actions.h) from the replica's facts, and never what action_why_not
 * refuses.  A rule does an order at most once, and nothing an action of
 * the same kind is already under way or done for; it bypasses agents'
 * money limits but obeys its own caps: things done in one pass, in one
 * day, and money given back in one day.  The kill switch stops every rule
 * at once.  Both the switch and the caps are read inside the transaction
 * that writes each action (outbox_submit, with the actor rule:<code>, an
 * idempotency key from the rule, the case or SKU and warehouse, and the
 * day) and its automation_actions row, so neither can be overrun.
 *
 * The dry run says what a rule would do now, caps and all, writing
 * nothing; the backtest what it would have done over the last days of
 * cases, and how many of those orders agents fixed the same way or
 * differently (backtest.c).  Rules and the switch are changed through
 * autorules.c, audited with what changed.
 */
#ifndef OM_AUTOMATION_H
#define OM_AUTOMATION_H

#include "core/arena.h"
#include "core/db.h"
#include "domain/actor.h"
#include "domain/shop.h"

/* The actions (automation_rules.action) as leads read them. */
extern const struct label automation_kinds[];

#define AUTOMATION_MAX 16		/* rules */
#define AUTOMATION_DRY_ROWS 200		/* rows a dry run lists */

struct automation_rule {
	const char *code, *action;
	const char *kind, *carrier, *sku, *warehouse, *channel;	/* "": any */
	long long min_amount, max_amount;	/* fen; -1: no bound */
	long long min_age;			/* seconds; 0: any */
	const char *sms_template;		/* soothe */
	long long coupon_amount, coupon_days;	/* soothe */
	long long min_orders;			/* restock */
	long long pass_cap, day_count, day_amount;	/* caps; day_amount in fen */
	int enabled;
	const char *updated_at, *updated_by, *updated_by_name;	/* as stored */
};

/* automation_rules_load: every rule, in the list's order, into v (up to
 * max); DB_OK or an error. */
int automation_rules_load(struct arena *a, struct automation_rule *v, int max, int *n);
/* automation_rule_get: the rule called code; DB_OK, RULE_MISSING or an
 * error. */
int automation_rule_get(struct arena *a, const char *code, struct automation_rule *r);
/* automation_rule_save: the rule nu->code becomes nu (its action stays),
 * with an audit row saying what changed, in the caller's transaction;
 * *changed 0 when nothing did (nothing written).  DOM_OK, RULE_MISSING or
 * an error. */
int automation_rule_save(struct arena *a, const struct actor *who,
    const struct automation_rule *nu, int *changed);

/* The kill switch. */
struct automation_switch {
	int stopped;
	const char *updated_at, *updated_by, *updated_by_name;
};
int automation_switch_get(struct arena *a, struct automation_switch *s);
/* automation_stop: stop every rule (stop = 1) or let them work again,
 * audited; *changed 0 when it was so already.  DB_OK or an error. */
int automation_stop(struct arena *a, const struct actor *who, int stop, int *changed);

/* What a rule did on a day. */
struct automation_day {
	long long count, amount;
};
/* automation_today: what rule code did today. */
int automation_today(struct arena *a, const char *code, struct automation_day *d);

/* One thing a rule would do (or did): a case's order, or a SKU at a
 * warehouse asked through one of its short orders. */
struct automation_plan {
	long long case_id, order_id;
	const char *order_no, *target;	/* target: case:ID or stock:SKU@WAREHOUSE */
	long long order_amount;		/* the case's amount, fen */
	long long amount;		/* fen given back */
	long long orders;		/* restock: the short orders; else 1 */
	const char *summary;		/* what it asks, one line */
	const char *skip;		/* why it would not, or NULL */
};

/* A dry run: what the rule would do now. */
struct automation_dry {
	struct automation_plan *v;	/* up to AUTOMATION_DRY_ROWS, in order */
	int n;
	long long matched;		/* cases (restock: SKUs) its conditions match */
	long long eligible, eligible_amount;	/* what it would do without caps */
	long long acts, amount;		/* what it would do within its caps */
	struct automation_day today;	/* what it did today already */
	int truncated;			/* more cases than one pass looks at */
};
/* automation_dry_run: r as it stands (on or off), writing nothing. */
int automation_dry_run(struct arena *a, const struct automation_rule *r,
    struct automation_dry *d);

/* automation_run: the scanner's call after each pass: every enabled rule
 * acts, unless the switch is off; each action in its own transaction.
 * Logs what it did; DB_OK or the first error. */
int automation_run(struct arena *a);

/* A backtest over the cases opened in the last `days` days. */
struct automation_backtest {
	int days;
	long long orders;	/* the orders the rule would have done */
	long long requests;	/* restock: the requests (SKUs at warehouses); else orders */
	long long amount;	/* fen it would have given back */
	long long same;		/* of the orders, fixed the same way by agents */
	long long different;	/* fixed otherwise by agents */
	int truncated;		/* more cases than it reads (AUTOMATION_BACKTEST_MAX) */
};
#define AUTOMATION_BACKTEST_MAX 20000
int automation_backtest(struct arena *a, const struct automation_rule *r, int days,
    struct automation_backtest *b);

/* For backtest.c: the rule's conditions on cases c as SQL (kind, amounts,
 * carrier, SKU, warehouse); the seconds the since column must lie before
 * the moment considered (its age condition, see above); and whether an
 * order's channel matches. */
struct db_query;
void automation_conds(struct db_query *q, const struct automation_rule *r);
int automation_age_cut(struct arena *a, const struct automation_rule *r, long long *cut);
int automation_channel_ok(const struct automation_rule *r, const char *channel);
/* automation_same_kinds: the outbox kinds that are "the same way" as r's
 * action (soothe: an SMS or a coupon), and the word a resolution says it
 * with. */
void automation_same_kinds(const struct automation_rule *r, const char **k1,
    const char **k2, const char **word);

#endif
