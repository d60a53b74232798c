/* views.c: models of what several pages show alike (see views.h) */
#include <stdio.h>
#include <string.h>

#include "core/model.h"
#include "ui/auth.h"
#include "ui/views.h"

void
m_label(json_object *o, const char *key, const struct label *l)
{
	char name[64];

	m_str(o, key, l->code);
	snprintf(name, sizeof(name), "%s_label", key);
	json_object_object_add(o, name, json_object_new_string(l->label));
	snprintf(name, sizeof(name), "%s_tone", key);
	json_object_object_add(o, name, json_object_new_string(l->tone ? l->tone : ""));
}

void
m_options(json_object *m, const char *key, const struct label *t, const char *cur)
{
	json_object *arr = m_add(m, key, m_arr());

	for (; t->code; t++) {
		json_object *o = m_push(arr, m_obj());

		m_str(o, "code", t->code);
		m_str(o, "label", t->label);
		m_bool(o, "selected", cur && strcmp(cur, t->code) == 0);
	}
}

json_object *
timeline_model(struct timeline *t)
{
	json_object *arr = m_arr();
	size_t i;

	timeline_sort(t);
	for (i = 0; i < t->n && i < TL_MAX; i++) {
		const struct tl_event *e = &t->ev[i];
		json_object *o = m_push(arr, m_obj());
		const struct label *who = label_of(actor_types, e->actor_type);

		m_strn(o, "at", e->at, strnlen(e->at, 19));
		m_str(o, "actor_type", e->actor_type);
		m_str(o, "actor_label", who->label);
		m_str(o, "actor_tone", who->tone);
		m_str(o, "actor", e->actor);
		m_str(o, "kind", e->kind);
		m_str(o, "text", e->text);
		m_bool(o, "console", e->console);
	}
	return arr;
}

json_object *
actions_model(struct req *r, const struct order_state *o)
{
	json_object *arr = m_arr();
	const struct action_kind *k;

	for (k = action_kinds; k->code; k++) {
		json_object *a = m_push(arr, m_obj());
		const char *why = action_why_not(k->code, o);

		m_str(a, "code", k->code);
		m_str(a, "label", k->label);
		m_str(a, "why_not", why);
		m_bool(a, "valid", why == NULL);
		m_bool(a, "invalid", why != NULL);
		m_bool(a, "allowed", auth_can(r, k->perm));
	}
	return arr;
}
