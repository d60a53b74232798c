/* req.c: one HTTP request, parsed with bounds (see req.h) */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "core/req.h"
#include "core/util.h"

void
req_init(struct req *r)
{
	memset(r, 0, sizeof(*r));
	arena_init(&r->arena, 32768);
}

void
req_cleanup(struct req *r)
{
	struct arena a = r->arena;
	struct buf hb = r->head_buf, bb = r->body_buf;

	if (r->model)
		json_object_put(r->model);
	if (r->errs)
		json_object_put(r->errs);
	arena_reset(&a);
	buf_reset(&hb, 4096);
	buf_reset(&bb, 256 * 1024);
	memset(r, 0, sizeof(*r));
	r->arena = a;
	r->head_buf = hb;
	r->body_buf = bb;
}

const char *
req_env(struct req *r, const char *name)
{
	return r->io ? r->io->getenv(r->io->ctx, name) : NULL;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

char *
url_decode(struct arena *a, const char *s, size_t n, size_t *outlen)
{
	char *out = arena_alloc(a, n + 1), *o = out;
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] == '+')
			*o++ = ' ';
		else if (s[i] == '%') {
			int hi, lo;

			if (i + 2 >= n)
				return NULL;
			hi = hexval((unsigned char)s[i + 1]);
			lo = hexval((unsigned char)s[i + 2]);
			if (hi < 0 || lo < 0)
				return NULL;
			*o++ = (char)(hi << 4 | lo);
			i += 2;
		} else
			*o++ = s[i];
	}
	*o = '\0';
	*outlen = (size_t)(o - out);
	return out;
}

int
parse_urlencoded(struct arena *a, const char *s, size_t n, struct kv **out,
    size_t *count, const char **why)
{
	const char *p = s, *end = s + n;
	struct kv *v;
	size_t k = 0, pieces = 1, i;

	for (i = 0; i < n; i++)
		if (s[i] == '&')
			pieces++;
	if (pieces > REQ_MAX_PARAMS) {
		*why = "参数过多";
		return -1;
	}
	v = arena_alloc(a, pieces * sizeof(*v));
	while (p < end) {
		const char *amp = memchr(p, '&', (size_t)(end - p));
		const char *stop = amp ? amp : end;
		const char *eq = memchr(p, '=', (size_t)(stop - p));
		size_t nl, vl;
		char *name, *val;

		if (stop == p) {	/* empty piece: "a=1&&b=2" */
			p = stop + 1;
			continue;
		}
		name = url_decode(a, p, (size_t)((eq ? eq : stop) - p), &nl);
		val = eq ? url_decode(a, eq + 1, (size_t)(stop - eq - 1), &vl) :
		    (vl = 0, arena_strdup(a, ""));
		if (name == NULL || val == NULL) {
			*why = "参数中的 % 编码不正确";
			return -1;
		}
		if (nl == 0 || nl > REQ_MAX_NAME || !utf8_valid(name, nl) ||
		    str_has_ctl(name, nl)) {
			*why = "参数名不正确";
			return -1;
		}
		if (!utf8_valid(val, vl)) {
			*why = "参数不是有效的 UTF-8 文本";
			return -1;
		}
		if (str_has_ctl(val, vl)) {
			*why = "参数含有控制字符";
			return -1;
		}
		v[k].name = name;
		v[k].value = val;
		v[k].len = vl;
		k++;
		p = stop + 1;
	}
	*out = v;
	*count = k;
	return 0;
}

static void
parse_cookies(struct req *r, const char *h)
{
	const char *p = h;

	r->cookies = arena_alloc(&r->arena, REQ_MAX_COOKIES * sizeof(struct kv));
	while (*p && r->ncookies < REQ_MAX_COOKIES) {
		const char *semi = strchr(p, ';'), *stop, *eq;
		size_t nl, vl;

		while (*p == ' ' || *p == '\t')
			p++;
		stop = semi ? semi : p + strlen(p);
		eq = memchr(p, '=', (size_t)(stop - p));
		/* Other applications on the same host may set cookies of any
		 * shape: skip what is not ours to judge rather than refuse. */
		if (eq && eq > p) {
			nl = (size_t)(eq - p);
			vl = (size_t)(stop - eq - 1);
			while (vl && (eq[vl] == ' ' || eq[vl] == '\t'))
				vl--;
			if (nl <= REQ_MAX_NAME && vl <= 4096 &&
			    utf8_valid(eq + 1, vl) && !str_has_ctl(eq + 1, vl)) {
				struct kv *c = &r->cookies[r->ncookies++];

				c->name = arena_strndup(&r->arena, p, nl);
				c->value = arena_strndup(&r->arena, eq + 1, vl);
				c->len = vl;
			}
		}
		if (!semi)
			break;
		p = semi + 1;
	}
}

/* A request id from nginx is used as it is if it looks like one. */
static const char *
request_id(struct req *r)
{
	const char *id = req_env(r, "REQUEST_ID");
	unsigned char raw[12];
	char *hex;
	size_t i, n;

	if (id && (n = strlen(id)) > 0 && n <= 64) {
		for (i = 0; i < n; i++)
			if (!isalnum((unsigned char)id[i]) && id[i] != '-')
				break;
		if (i == n)
			return arena_strndup(&r->arena, id, n);
	}
	randombytes_buf(raw, sizeof(raw));
	hex = arena_alloc(&r->arena, sizeof(raw) * 2 + 1);
	sodium_bin2hex(hex, sizeof(raw) * 2 + 1, raw, sizeof(raw));
	return hex;
}

static int
wants_json(struct req *r)
{
	const char *f = NULL, *acc;
	size_t i;

	for (i = 0; i < r->nargs; i++)
		if (strcmp(r->args[i].name, "format") == 0)
			f = r->args[i].value;
	if (f)
		return strcmp(f, "json") == 0;
	acc = req_env(r, "HTTP_ACCEPT");
	return acc && strstr(acc, "application/json") != NULL;
}

static int
refuse(struct req *r, int status, const char *why)
{
	r->err = why;
	return status;
}

static int
read_body(struct req *r, size_t max_body)
{
	const char *cl = req_env(r, "CONTENT_LENGTH");
	int needs = strcmp(r->method, "POST") == 0 ||
	    strcmp(r->method, "PUT") == 0 || strcmp(r->method, "PATCH") == 0;
	long long n;
	size_t got = 0;
	char *body, extra;

	if (cl == NULL || *cl == '\0') {
		if (needs)
			return refuse(r, 400, "请求缺少 Content-Length");
		return 0;
	}
	if (strspn(cl, "0123456789") != strlen(cl))
		return refuse(r, 400, "请求的 Content-Length 不是数字");
	if (parse_i64(cl, strlen(cl), &n) < 0)
		return refuse(r, 413, "请求内容过大");
	if ((unsigned long long)n > max_body)
		return refuse(r, 413, "请求内容过大");
	body = arena_alloc(&r->arena, (size_t)n + 1);
	while (got < (size_t)n) {
		int k = r->io->read(r->io->ctx, body + got, (int)((size_t)n - got));

		if (k <= 0)
			return refuse(r, 400, "请求内容比 Content-Length 短");
		got += (size_t)k;
	}
	if (r->io->read(r->io->ctx, &extra, 1) > 0)
		return refuse(r, 400, "请求内容比 Content-Length 长");
	body[got] = '\0';
	r->body = body;
	r->body_len = got;
	return 0;
}

static int
parse_body(struct req *r)
{
	const char *ct = req_env(r, "CONTENT_TYPE");
	const char *why;
	size_t tl;

	if (r->body_len == 0)
		return 0;
	if (ct == NULL)
		ct = "";
	r->ctype = ct;
	tl = strcspn(ct, "; \t");
	if (tl == 33 && strncasecmp(ct, "application/x-www-form-urlencoded", 33) == 0) {
		if (parse_urlencoded(&r->arena, r->body, r->body_len, &r->form,
		    &r->nform, &why) < 0)
			return refuse(r, 400, why);
		return 0;
	}
	if (tl == 16 && strncasecmp(ct, "application/json", 16) == 0) {
		if (!utf8_valid(r->body, r->body_len))
			return refuse(r, 400, "请求内容不是有效的 UTF-8 文本");
		return 0;
	}
	return refuse(r, 415, "请以表单（application/x-www-form-urlencoded）或 JSON 提交");
}

int
req_parse(struct req *r, const struct req_io *io, size_t max_body)
{
	const char *m, *p, *q, *https, *ck, *why;
	size_t i, n;
	int rc;

	r->io = io;
	r->t0 = now_ms();
	r->id = request_id(r);
	r->status = 500;

	m = req_env(r, "REQUEST_METHOD");
	if (m == NULL || (n = strlen(m)) == 0 || n > 16)
		return refuse(r, 400, "请求缺少方法");
	for (i = 0; i < n; i++)
		if (m[i] < 'A' || m[i] > 'Z')
			return refuse(r, 400, "请求方法不正确");
	r->method = arena_strndup(&r->arena, m, n);
	r->head = strcmp(r->method, "HEAD") == 0;

	r->remote_addr = arena_strdup(&r->arena,
	    (p = req_env(r, "REMOTE_ADDR")) ? p : "");
	https = req_env(r, "HTTPS");
	r->https = (https && (strcasecmp(https, "on") == 0 || strcmp(https, "1") == 0)) ||
	    ((p = req_env(r, "REQUEST_SCHEME")) && strcmp(p, "https") == 0);

	q = req_env(r, "QUERY_STRING");
	r->query = arena_strdup(&r->arena, q ? q : "");
	if (strlen(r->query) > 8192)
		return refuse(r, 414, "查询参数过长");
	rc = parse_urlencoded(&r->arena, r->query, strlen(r->query), &r->args,
	    &r->nargs, &why);
	r->json = wants_json(r);
	if (rc < 0)
		return refuse(r, 400, why);

	p = req_env(r, "PATH_INFO");
	if (p == NULL || *p == '\0')
		p = "/";
	n = strlen(p);
	if (p[0] != '/' || n > 2048 || !utf8_valid(p, n) || str_has_ctl(p, n))
		return refuse(r, 400, "地址不正确");
	r->path = arena_strndup(&r->arena, p, n);

	if ((ck = req_env(r, "HTTP_COOKIE")) != NULL)
		parse_cookies(r, ck);

	if ((rc = read_body(r, max_body)) != 0)
		return rc;
	return parse_body(r);
}

static const struct kv *
find(const struct kv *v, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i].name, name) == 0)
			return &v[i];
	return NULL;
}

const char *
req_get(struct req *r, const char *name)
{
	const struct kv *v = find(r->form, r->nform, name);

	if (v == NULL)
		v = find(r->args, r->nargs, name);
	return v ? v->value : NULL;
}

/* Surrounding ASCII white space and U+3000 (the ideographic space Chinese
 * input methods type) are not part of a value. */
static const char *
trim(struct req *r, const char *s, size_t *len)
{
	size_t n = strlen(s);

	for (;;) {
		if (n && (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n'))
			s++, n--;
		else if (n >= 3 && memcmp(s, "\xe3\x80\x80", 3) == 0)
			s += 3, n -= 3;
		else
			break;
	}
	for (;;) {
		if (n && (s[n - 1] == ' ' || s[n - 1] == '\t' ||
		    s[n - 1] == '\r' || s[n - 1] == '\n'))
			n--;
		else if (n >= 3 && memcmp(s + n - 3, "\xe3\x80\x80", 3) == 0)
			n -= 3;
		else
			break;
	}
	*len = n;
	return arena_strndup(&r->arena, s, n);
}

int
req_str(struct req *r, const char *name, size_t maxchars, const char **out)
{
	const char *v = req_get(r, name);
	size_t n;

	*out = NULL;
	if (v == NULL)
		return REQ_MISSING;
	v = trim(r, v, &n);
	if (n == 0)
		return REQ_MISSING;
	if (utf8_len(v, n) > maxchars)
		return REQ_BAD;
	*out = v;
	return REQ_OK;
}

int
req_int(struct req *r, const char *name, long long min, long long max,
    long long *out)
{
	const char *v;
	long long x;
	size_t n;
	int rc = req_str(r, name, 24, &v);

	if (rc != REQ_OK)
		return rc;
	n = strlen(v);
	if (parse_i64(v, n, &x) < 0 || x < min || x > max)
		return REQ_BAD;
	*out = x;
	return REQ_OK;
}

int
req_all(struct req *r, const char *name, const char **out, size_t max)
{
	const struct kv *src = r->nform ? r->form : r->args;
	size_t n = r->nform ? r->nform : r->nargs, i, k = 0;

	for (i = 0; i < n; i++)
		if (strcmp(src[i].name, name) == 0 && src[i].len > 0) {
			if (k == max)
				return -1;
			out[k++] = src[i].value;
		}
	return (int)k;
}

const char *
req_cookie(struct req *r, const char *name)
{
	const struct kv *c = find(r->cookies, r->ncookies, name);

	return c ? c->value : NULL;
}
