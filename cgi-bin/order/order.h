/* order.h: what the order program's files share
 *
 * Every tab of the order page shows the header (order.c) and then its
 * own part: the overview (order.c) or one of the other tabs (tabs.c),
 * each given the order as the header read it.  The benchmark's probe
 * (tests/bench/probe_order.c) runs the same statements.
 */
#ifndef OM_ORDER_H
#define OM_ORDER_H

#include <json-c/json.h>

#include "core/db.h"
#include "core/req.h"
#include "domain/actions.h"

/* The order as the header and every tab need it. */
struct order {
	long long id, user_id, anomalies;
	const char *no, *created_at, *warehouse;
	struct order_state state;
};

/* order.c */
/* order_money: column col of res (fen) under key, as yuan text and as
 * key_fen (m_money). */
void order_money(struct req *r, json_object *o, const char *key,
    const struct db_res *res, unsigned col);

/* tabs.c: each tab's part of the model, under its own key (items_tab,
 * payments_tab ...); DB_OK or a db error. */
int tab_items(struct req *r, json_object *m, const struct order *o);
int tab_payments(struct req *r, json_object *m, const struct order *o);
int tab_shipments(struct req *r, json_object *m, const struct order *o);
int tab_inventory(struct req *r, json_object *m, const struct order *o);
int tab_coupons(struct req *r, json_object *m, const struct order *o);
int tab_activity(struct req *r, json_object *m, const struct order *o);
int tab_history(struct req *r, json_object *m, const struct order *o);

/* An action being asked for (act.c, act_forms.c). */
struct act {
	const struct action_kind *kind;
	struct action_order o;		/* id, no, user, warehouse, receiver, phone, st */
	long long case_id;		/* the case it fixes, or 0 */
	const char *key;		/* the form's idempotency key */
	const char *why_not;		/* NULL: valid now */
	const char *province, *city, *district, *detail;
	const char *customer;		/* the account's name */
};

/* act_forms.c: each kind's fields */
struct outbox_new;
/* form_fill: the kind's fields into the model: choices, and values (the
 * submitted ones, else the order's); DB_OK or an error. */
int form_fill(struct req *r, json_object *m, const struct act *x);
/* form_read: the kind's fields, checked (messages into page_errs), and the
 * request they make into n (service, path, body, amount, summary); DB_OK
 * or an error. */
int form_read(struct req *r, json_object *m, const struct act *x, struct outbox_new *n);

/* The handlers (routes.c). */
void page_order(struct req *r);
void page_reveal(struct req *r);
void page_act_form(struct req *r);
void page_act(struct req *r);
/* call.c */
void page_call_form(struct req *r);
void page_call(struct req *r);

#endif
