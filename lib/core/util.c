/* util.c: small helpers shared by every program */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/util.h"


void
die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", program_invocation_short_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		abort();
	return p;
}

void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (p == NULL)
		abort();
	return p;
}

void *
xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (p == NULL)
		abort();
	return p;
}

char *
xstrdup(const char *s)
{
	char *p = strdup(s);

	if (p == NULL)
		abort();
	return p;
}

int
utf8_valid(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str, *end = s + n;

	while (s < end) {
		unsigned c = *s;

		if (c < 0x80) {
			s++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			if (end - s < 2 || (s[1] & 0xc0) != 0x80)
				return 0;
			s += 2;
		} else if (c >= 0xe0 && c <= 0xef) {
			if (end - s < 3 || (s[1] & 0xc0) != 0x80 ||
			    (s[2] & 0xc0) != 0x80)
				return 0;
			if (c == 0xe0 && s[1] < 0xa0)
				return 0;	/* overlong */
			if (c == 0xed && s[1] > 0x9f)
				return 0;	/* surrogate */
			s += 3;
		} else if (c >= 0xf0 && c <= 0xf4) {
			if (end - s < 4 || (s[1] & 0xc0) != 0x80 ||
			    (s[2] & 0xc0) != 0x80 || (s[3] & 0xc0) != 0x80)
				return 0;
			if (c == 0xf0 && s[1] < 0x90)
				return 0;	/* overlong */
			if (c == 0xf4 && s[1] > 0x8f)
				return 0;	/* above U+10FFFF */
			s += 4;
		} else
			return 0;
	}
	return 1;
}

size_t
utf8_len(const char *s, size_t n)
{
	size_t i, len = 0;

	for (i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			len++;
	return len;
}

int
str_has_ctl(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c < 0x20 && c != '\t' && c != '\r' && c != '\n') ||
		    c == 0x7f)
			return 1;
	}
	return 0;
}

int
str_startswith(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

int
str_in_list(const char *list, const char *name)
{
	size_t n = strlen(name);
	const char *p = list;

	while (p && *p) {
		if (strncmp(p, name, n) == 0 && (p[n] == ',' || p[n] == '\0'))
			return 1;
		p = strchr(p, ',');
		p = p ? p + 1 : NULL;
	}
	return 0;
}

int
str_endswith(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

int
parse_i64(const char *s, size_t n, long long *out)
{
	unsigned long long v = 0, limit;
	int neg = 0;
	size_t i = 0;

	if (n > 0 && s[0] == '-') {
		neg = 1;
		i = 1;
	}
	if (i == n)
		return -1;
	limit = neg ? (unsigned long long)LLONG_MAX + 1 : (unsigned long long)LLONG_MAX;
	for (; i < n; i++) {
		unsigned d;

		if (s[i] < '0' || s[i] > '9')
			return -1;
		d = (unsigned)(s[i] - '0');
		if (v > (limit - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*out = neg ? (long long)(0 - v) : (long long)v;
	return 0;
}

int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* num: the digits at s[at..at+len), already checked to be digits. */
static unsigned
num(const char *s, size_t at, size_t len)
{
	long long v = 0;

	parse_i64(s + at, len, &v);
	return (unsigned)v;
}

int
parse_time(const char *in, int end, char out[20])
{
	static const char shape[] = "dddd-dd-dd dd:dd";
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	size_t n = strlen(in), i;
	unsigned y, mo, d, h = end ? 23 : 0, mi = end ? 59 : 0;

	if (n != 10 && n != 16)
		return -1;
	for (i = 0; i < n; i++)
		if (shape[i] == 'd' ? in[i] < '0' || in[i] > '9' : in[i] != shape[i])
			return -1;
	y = num(in, 0, 4);
	mo = num(in, 5, 2);
	d = num(in, 8, 2);
	if (n == 16) {
		h = num(in, 11, 2);
		mi = num(in, 14, 2);
	}
	if (y < 2000 || y > 2100 || mo < 1 || mo > 12 || d < 1 || d > (unsigned)mdays[mo - 1] ||
	    (mo == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))) ||
	    h > 23 || mi > 59)
		return -1;
	snprintf(out, 20, "%04u-%02u-%02u %02u:%02u:%02u", y % 10000, mo % 100, d % 100,
	    h % 100, mi % 100, end ? 59u : 0u);
	return 0;
}

int
parse_yuan(const char *in, long long *fen)
{
	const char *dot = strchr(in, '.');
	size_t ni = dot ? (size_t)(dot - in) : strlen(in), nf = dot ? strlen(dot + 1) : 0;
	long long whole, frac = 0;

	if (ni == 0 || ni > 11 || strspn(in, "0123456789") != ni ||
	    parse_i64(in, ni, &whole) < 0)
		return -1;
	if (dot) {
		if (nf == 0 || nf > 2 || strspn(dot + 1, "0123456789") != nf)
			return -1;
		frac = strtoll(dot + 1, NULL, 10) * (nf == 1 ? 10 : 1);
	}
	*fen = whole * 100 + frac;
	return 0;
}
