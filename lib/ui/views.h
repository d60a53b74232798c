/* views.h: models of what several pages show alike
 *
 * A coded value as a badge, a select's choices, an order's timeline and
 * the actions valid for an order now: each made once, here, from the
 * domain's tables and rules, for every page that shows it.
 */
#ifndef OM_VIEWS_H
#define OM_VIEWS_H

#include <json-c/json.h>

#include "core/req.h"
#include "domain/actions.h"
#include "domain/shop.h"
#include "domain/timeline.h"

/* m_label: a coded value as a badge: key (the code), key_label and
 * key_tone, from a label table's entry. */
void m_label(json_object *o, const char *key, const struct label *l);
/* m_money: an amount of fen as two keys: key, formatted for people
 * ("14,285.40"), and key_fen, the integer (1428540) for scripts. */
void m_money(json_object *o, const char *key, long long fen);
/* m_facts: a text the scanner stored (a case's facts, a group's label)
 * under key, any payment failure code in it shown by its label. */
void m_facts(struct req *r, json_object *o, const char *key, const char *text);
/* m_options: a select's choices from a label table under key, each with
 * code, label and selected (when it is cur). */
void m_options(json_object *m, const char *key, const struct label *t, const char *cur);
/* timeline_model: the events, newest first, at most TL_MAX, as a JSON
 * array; a run of two or more stock moves in a row is one entry (kind
 * "stock", group true, its moves under "moves" and a summary as text),
 * which the page shows folded. */
json_object *timeline_model(struct timeline *t);
/* actions_model: every action with whether it is valid for the order now,
 * whether this agent may request it, and its form's link (for case_id's
 * case, when not 0). */
json_object *actions_model(struct req *r, const char *order_no, long long case_id,
    const struct order_state *o);

/* suggested_model: the action k's playbook proposes first, for the case
 * case_id of the order: its form's link (with the kind's preset values)
 * and whether it is valid now (why not, when not); NULL when the kind
 * proposes none. */
struct anomaly_kind;
json_object *suggested_model(struct req *r, const struct anomaly_kind *k,
    const char *order_no, long long case_id, const struct order_state *o);
/* action_notice: after an action's form (?done=kind, &approval=1 or
 * &repeat=1), what became of it, as the notice (has_notice). */
void action_notice(struct req *r, json_object *m);

/* campaign_choice: the form (template campaign_new) that picks a script
 * for a campaign over the cases ids; DB_OK or an error. */
int campaign_choice(struct req *r, json_object *m, const long long *ids, int n);

#endif
