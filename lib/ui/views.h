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
/* m_options: a select's choices from a label table under key, each with
 * code, label and selected (when it is cur). */
void m_options(json_object *m, const char *key, const struct label *t, const char *cur);
/* timeline_model: the events, newest first, at most TL_MAX, as a JSON
 * array. */
json_object *timeline_model(struct timeline *t);
/* actions_model: every action with whether it is valid for the order now
 * and whether this agent may request it. */
json_object *actions_model(struct req *r, const struct order_state *o);

#endif
