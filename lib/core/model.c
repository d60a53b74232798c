/* model.c: building json-c view models (see model.h) */
#include <stdio.h>
#include <stdlib.h>
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

/* seqlen: the length of the valid UTF-8 sequence at s (of n bytes), or 0
 * (an overlong form, a surrogate, past U+10FFFF, cut short). */
static size_t
seqlen(const unsigned char *s, size_t n)
{
	unsigned c = s[0];
	size_t len, i;
	unsigned long cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		len = 2, cp = c & 0x1F;
	else if (c >= 0xE0 && c <= 0xEF)
		len = 3, cp = c & 0x0F;
	else if (c >= 0xF0 && c <= 0xF4)
		len = 4, cp = c & 0x07;
	else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3F);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
		return 0;
	return len;
}

/* bidi: the sequence at s is a bidirectional override or isolate
 * (U+202A..U+202E, U+2066..U+2069), which could turn the text around it. */
static int
bidi(const unsigned char *s, size_t len)
{
	return len == 3 && s[0] == 0xE2 && ((s[1] == 0x80 && s[2] >= 0xAA && s[2] <= 0xAE) ||
	    (s[1] == 0x81 && s[2] >= 0xA6 && s[2] <= 0xA9));
}

/* text: a json string of s[0..n) as valid UTF-8 with no bidirectional
 * controls: each invalid byte and each control becomes U+FFFD.  Data from
 * the replica is whatever its writers stored; nothing reaches a page or a
 * JSON answer unchecked.  Plain text (the common case) costs one scan. */
static json_object *
text(const char *v, size_t n)
{
	const unsigned char *s = (const unsigned char *)v;
	size_t i = 0, len;
	char *out, *p;
	json_object *j;

	while (i < n) {
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if ((len = seqlen(s + i, n - i)) == 0 || bidi(s + i, len))
			break;
		i += len;
	}
	if (i == n)
		return json_object_new_string_len(v, (int)n);
	out = p = malloc(n * 3 + 1);	/* each byte at most one U+FFFD */
	if (out == NULL)
		abort();
	memcpy(p, v, i);
	p += i;
	while (i < n) {
		len = seqlen(s + i, n - i);
		if (len && !bidi(s + i, len)) {
			memcpy(p, s + i, len);
			p += len;
			i += len;
		} else {
			memcpy(p, "\xEF\xBF\xBD", 3);
			p += 3;
			i += len ? len : 1;
		}
	}
	j = json_object_new_string_len(out, (int)(p - out));
	free(out);
	return j;
}

void
m_str(json_object *o, const char *key, const char *v)
{
	m_add(o, key, v ? text(v, strlen(v)) : NULL);
}

void
m_strn(json_object *o, const char *key, const char *v, size_t n)
{
	m_add(o, key, v ? text(v, n) : NULL);
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

const char *
m_json(struct arena *a, json_object *o)
{
	const char *s = arena_strdup(a, json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));

	json_object_put(o);
	return s;
}
