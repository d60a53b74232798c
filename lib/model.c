/* model.c: building json-c view models (see model.h) */
#include <stdio.h>
#include <string.h>

#include "model.h"
#include "shop.h"
#include "util.h"

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

static char *
money(struct arena *a, long long fen, int grouped)
{
	unsigned long long u = fen < 0 ? 0ULL - (unsigned long long)fen :
	    (unsigned long long)fen;
	char digits[32], out[48];
	int n, i, o = 0;

	n = snprintf(digits, sizeof(digits), "%llu", u / 100);
	if (fen < 0)
		out[o++] = '-';
	for (i = 0; i < n; i++) {
		if (grouped && i && (n - i) % 3 == 0)
			out[o++] = ',';
		out[o++] = digits[i];
	}
	snprintf(out + o, sizeof(out) - (size_t)o, ".%02llu", u % 100);
	return arena_strdup(a, out);
}

char *
yuan(struct arena *a, long long fen)
{
	return money(a, fen, 1);
}

char *
yuan_plain(struct arena *a, long long fen)
{
	return money(a, fen, 0);
}

char *
mask_phone(struct arena *a, const char *phone)
{
	size_t n = phone ? strlen(phone) : 0, i;

	for (i = 0; i < n; i++)
		if (phone[i] < '0' || phone[i] > '9')
			break;
	if (n < 7 || i < n)
		return arena_strdup(a, n ? "****" : "");
	return arena_printf(a, "%.3s****%s", phone, phone + n - 4);
}

char *
mask_tail(struct arena *a, const char *s, size_t keep)
{
	size_t n = strlen(s), i = 0, cps = 0;

	/* keep counts characters, not bytes */
	while (i < n && cps < keep) {
		i++;
		while (i < n && ((unsigned char)s[i] & 0xc0) == 0x80)
			i++;
		cps++;
	}
	return arena_printf(a, "%.*s***", (int)i, s);
}

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
