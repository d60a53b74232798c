/* actions.h: what can be done to an order now, and the request each
 * action sends
 *
 * The order page and the case page list the actions valid now; the action
 * forms, their POSTs and the automation rules check the same rules, so
 * "cancel only before shipment, refund only what is still held" is written
 * once, here.  The rules look at the facts — money paid, refunded and on
 * its way back, whether a parcel left, whether the phone can take a text —
 * never at the status word alone: an order paid twice and refunded once
 * still holds money, whatever its status says.
 */
#ifndef OM_ACTIONS_H
#define OM_ACTIONS_H

#include "core/arena.h"
#include "core/db.h"
#include "domain/actor.h"
#include "domain/outbox.h"
#include "domain/shop.h"

/* What the rules look at, read by ORDER_STATE_COLS (o: the orders row). */
struct order_state {
	const char *status;
	long long pay_amount;
	long long paid_amount;		/* fen the customer paid (every payment) */
	long long refunded_amount;	/* fen back to them */
	long long refunding;		/* fen on its way back (refunds not settled) */
	int shipped;			/* a parcel left the warehouse */
	int delivered;
	int phone_ok;			/* the receiver's phone is a mainland mobile */
};

#define ORDER_STATE_COLS \
	"o.status, o.pay_amount, o.paid_amount, o.refunded_amount," \
	" (SELECT COALESCE(SUM(f.amount), 0) FROM refunds f WHERE f.order_id = o.id" \
	"  AND f.status IN ('pending', 'processing'))," \
	" o.shipped_at IS NOT NULL OR o.status IN ('shipped', 'delivered', 'completed')," \
	" o.delivered_at IS NOT NULL OR o.status IN ('delivered', 'completed')," \
	" o.receiver_phone REGEXP '^1[3-9][0-9]{9}$'"
#define ORDER_STATE_NCOLS 8

/* order_state_read: st from the ORDER_STATE_COLS starting at col. */
void order_state_read(struct arena *a, const struct db_res *res, unsigned col,
    struct order_state *st);
/* order_held: fen that can still be refunded. */
long long order_held(const struct order_state *o);

struct action_kind {
	const char *code;	/* cancel refund compensate address price sms restock call
				 * substitute */
	const char *label;
	long perm;		/* the permission it needs */
	int form;		/* it has a form at /orders/{no}/act/{code} */
};

extern const struct action_kind action_kinds[];

/* action_kind: the kind of code, or NULL. */
const struct action_kind *action_kind(const char *code);
/* action_why_not: NULL when kind is valid for the order now, else why not
 * (a sentence for the agent). */
const char *action_why_not(struct arena *a, const char *kind, const struct order_state *o);

/* The order an action is for, as its request needs it. */
struct action_order {
	long long id, user_id;
	const char *no, *warehouse;
	const char *receiver, *phone;	/* the receiver's name and full mobile */
	struct order_state st;
};

/* An item's price as corrected: from old to new fen, qty pieces. */
struct price_line {
	const char *sku;
	long long old, new, qty;
};

/* Each action's request (README: The upstream contract) into n: its kind,
 * order, service, path, JSON body, the money it gives back and its one-line
 * summary, as who asks it.  The values are checked already (the form, or
 * the rule); the case and the key are the caller's. */
void action_cancel(struct arena *a, const struct actor *who, const struct action_order *o,
    const char *reason, const char *note, struct outbox_new *n);
void action_refund(struct arena *a, const struct actor *who, const struct action_order *o,
    const char *payment_no, const char *channel, long long amount, const char *reason,
    struct outbox_new *n);
void action_compensate(struct arena *a, const struct actor *who,
    const struct action_order *o, long long amount, const char *reason, const char *note,
    long long days, struct outbox_new *n);
void action_address(struct arena *a, const struct actor *who, const struct action_order *o,
    const char *name, const char *mobile, const char *province, const char *city,
    const char *district, const char *detail, struct outbox_new *n);
void action_price(struct arena *a, const struct actor *who, const struct action_order *o,
    const struct price_line *lines, size_t nlines, const char *agreed_by,
    struct outbox_new *n);
struct sms_template;
void action_sms(struct arena *a, const struct actor *who, const struct action_order *o,
    const struct sms_template *t, struct outbox_new *n);
void action_bridge(struct arena *a, const struct actor *who, const struct action_order *o,
    const char *extension, struct outbox_new *n);
void action_substitute(struct arena *a, const struct actor *who, const struct action_order *o,
    const char *sku, const char *old_name, const char *new_sku, const char *new_name,
    struct outbox_new *n);
void action_restock(struct arena *a, const struct actor *who, const struct action_order *o,
    const char *sku, long long qty, struct outbox_new *n);

/* Why an order is cancelled, why a coupon is given (code, label). */
extern const struct label cancel_reasons[];
extern const struct label compensate_reasons[];
/* The texts a customer may be sent, with {order_no}, {name} and {amount}. */
struct sms_template {
	const char *code, *label, *text;
};
extern const struct sms_template sms_templates[];
/* sms_render: a template's text with the order's values. */
const char *sms_render(struct arena *a, const char *tpl, const char *order_no,
    const char *name, const char *amount);

/* action_order_load: the order with id, as the builders above need it,
 * and its channel (the automation rules read their orders so); DB_OK,
 * DB_NOROW or an error. */
int action_order_load(struct arena *a, long long id, struct action_order *o,
    const char **channel);

#endif
