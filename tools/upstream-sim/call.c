/* call.c: upstream-sim's requests seen from an effect — fields and answers
 *
 * A field that is missing or of the wrong type is the request's fault
 * (400: the key stays unspent); a value out of bounds is the service's
 * decision (422: the key is spent on it).  Messages are Chinese: the
 * console shows them to the agent as they are.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/db.h"
#include "core/util.h"
#include "sim.h"

int
want_str(struct call *c, const char *name, size_t maxchars, const char **out)
{
	struct json_object *x;
	const char *s;
	size_t n;

	if (!json_object_object_get_ex(c->body, name, &x) || x == NULL) {
		answer(c, 400, "缺少字段 %s", name);
		return -1;
	}
	if (!json_object_is_type(x, json_type_string)) {
		answer(c, 400, "字段 %s 应为字符串", name);
		return -1;
	}
	s = json_object_get_string(x);
	n = (size_t)json_object_get_string_len(x);
	if (str_has_ctl(s, n)) {
		answer(c, 422, "字段 %s 含有控制字符", name);
		return -1;
	}
	if (utf8_len(s, n) > maxchars) {
		answer(c, 422, "字段 %s 过长（最多 %zu 个字）", name, maxchars);
		return -1;
	}
	*out = s;
	return 0;
}

int
opt_str(struct call *c, const char *name, size_t maxchars, const char *dflt,
    const char **out)
{
	struct json_object *x;

	if (!json_object_object_get_ex(c->body, name, &x) || x == NULL) {
		*out = dflt;
		return 0;
	}
	return want_str(c, name, maxchars, out);
}

int
want_int(struct call *c, const char *name, long long lo, long long hi, long long *out)
{
	struct json_object *x;

	if (!json_object_object_get_ex(c->body, name, &x) || x == NULL) {
		answer(c, 400, "缺少字段 %s", name);
		return -1;
	}
	if (!json_object_is_type(x, json_type_int)) {
		answer(c, 400, "字段 %s 应为整数", name);
		return -1;
	}
	*out = json_object_get_int64(x);
	if (*out < lo || *out > hi) {
		answer(c, 422, "字段 %s 应在 %lld 到 %lld 之间", name, lo, hi);
		return -1;
	}
	return 0;
}

static struct json_object *
answer_obj(struct call *c)
{
	if (c->answer == NULL)
		c->answer = json_object_new_object();
	return c->answer;
}

void
answer(struct call *c, int status, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	c->status = status;
	json_object_object_add(answer_obj(c), "message", json_object_new_string(msg));
}

void
answer_str(struct call *c, const char *name, const char *value)
{
	json_object_object_add(answer_obj(c), name, json_object_new_string(value));
}

void
answer_int(struct call *c, const char *name, long long value)
{
	json_object_object_add(answer_obj(c), name, json_object_new_int64(value));
}

void
failed(struct call *c, int rc)
{
	json_object_put(c->answer);
	c->answer = NULL;
	if (rc == DB_DOWN)
		answer(c, 503, "模拟服务的数据库暂时不可用");
	else
		answer(c, 500, "模拟服务内部错误");
	c->effect = 0;
}

int
mobile_ok(const char *s)
{
	return strlen(s) == 11 && s[0] == '1' && s[1] >= '3' && s[1] <= '9' &&
	    strspn(s, "0123456789") == 11;
}

char *
clip(struct arena *a, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p && n > 0) {
		p++;
		while ((*p & 0xc0) == 0x80)
			p++;
		n--;
	}
	return arena_strndup(a, s, (size_t)(p - (const unsigned char *)s));
}

const char *
yuan(struct arena *a, long long fen)
{
	return arena_printf(a, "¥%lld.%02lld", fen / 100, fen % 100);
}
