/* model.h: building json-c view models
 *
 * A page builds one json-c object; resp_page renders it as HTML or JSON.
 * Keys must be string literals and each key is added once per object:
 * they are stored without copying or a duplicate check (json-c's
 * CONSTANT_KEY | KEY_IS_NEW), which is most of what makes the model cheap.
 */
#ifndef OM_MODEL_H
#define OM_MODEL_H

#include <json-c/json.h>

#include "core/arena.h"

json_object *m_obj(void);
json_object *m_arr(void);
/* m_add: add v (taken over) under key; returns v. */
json_object *m_add(json_object *o, const char *key, json_object *v);
/* m_str: a string, or JSON null when v is NULL; made valid UTF-8 on the
 * way (invalid bytes and bidirectional overrides become U+FFFD), so no
 * stored byte can break a page, a strict JSON reader or the text around
 * it. */
void m_str(json_object *o, const char *key, const char *v);
void m_strn(json_object *o, const char *key, const char *v, size_t n);
void m_int(json_object *o, const char *key, long long v);
/* m_bool: a boolean; in a template, true shows the section of that name
 * and false shows nothing (there is no else: add the opposite too). */
void m_bool(json_object *o, const char *key, int v);
/* m_opt: the string v under key, and the boolean has (for templates) when
 * v is not empty. */
void m_opt(json_object *o, const char *key, const char *has, const char *v);
/* m_push: append v (taken over) to an array; returns v. */
json_object *m_push(json_object *arr, json_object *v);
/* m_get: a string member of o, or NULL. */
const char *m_get(json_object *o, const char *key);
/* m_json: o (taken over and freed) as compact JSON text in the arena: a
 * request body built with the helpers above. */
const char *m_json(struct arena *a, json_object *o);

#endif
