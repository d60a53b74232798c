/* model.c: building json-c view models (see model.h) */
#include <stdio.h>
#include <string.h>

#include "core/model.h"

#define ADD_FLAGS (JSON_C_OBJECT_ADD_KEY_IS_NEW | JSON_C_OBJECT_ADD_CONSTANT_KEY)

json_object *
m_obj(void)
{
	return json_object_new_object();
}

json_object *
m_arr(void)
{
	return json_object_new_array();
}

json_object *
m_add(json_object *o, const char *key, json_object *v)
{
	json_object_object_add_ex(o, key, v, ADD_FLAGS);
	return v;
}

void
m_str(json_object *o, const char *key, const char *v)
{
	m_add(o, key, v ? json_object_new_string(v) : NULL);
}

void
m_strn(json_object *o, const char *key, const char *v, size_t n)
{
	m_add(o, key, v ? json_object_new_string_len(v, (int)n) : NULL);
}

void
m_int(json_object *o, const char *key, long long v)
{
	m_add(o, key, json_object_new_int64(v));
}

void
m_bool(json_object *o, const char *key, int v)
{
	m_add(o, key, json_object_new_boolean(v != 0));
}

void
m_opt(json_object *o, const char *key, const char *has, const char *v)
{
	m_str(o, key, v);
	m_bool(o, has, v && *v);
}

json_object *
m_push(json_object *arr, json_object *v)
{
	json_object_array_add(arr, v);
	return v;
}

const char *
m_get(json_object *o, const char *key)
{
	json_object *v;

	if (o && json_object_object_get_ex(o, key, &v) &&
	    json_object_is_type(v, json_type_string))
		return json_object_get_string(v);
	return NULL;
}
