/* text.c: amounts and personal data as people read them (see text.h) */
#include <stdio.h>
#include <string.h>

#include "core/text.h"

static void
money(char out[YUAN_MAX], long long fen, int grouped)
{
	unsigned long long u = fen < 0 ? 0ULL - (unsigned long long)fen :
	    (unsigned long long)fen;
	char digits[32];
	int n, i, o = 0;

	n = snprintf(digits, sizeof(digits), "%llu", u / 100);
	if (fen < 0)
		out[o++] = '-';
	for (i = 0; i < n; i++) {
		if (grouped && i && (n - i) % 3 == 0)
			out[o++] = ',';
		out[o++] = digits[i];
	}
	snprintf(out + o, YUAN_MAX - (size_t)o, ".%02llu", u % 100);
}

void
yuan_to(char out[YUAN_MAX], long long fen)
{
	money(out, fen, 1);
}

char *
yuan(struct arena *a, long long fen)
{
	char out[YUAN_MAX];

	money(out, fen, 1);
	return arena_strdup(a, out);
}

char *
yuan_plain(struct arena *a, long long fen)
{
	char out[YUAN_MAX];

	money(out, fen, 0);
	return arena_strdup(a, out);
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

int
phone_mobile(const char *d)
{
	return strlen(d) == 11 && strspn(d, "0123456789") == 11 && d[0] == '1' &&
	    d[1] >= '3';
}

/* utf8_cp: the code point of the UTF-8 sequence at p (its length in *n),
 * or 0 for one that is not 1..3 bytes. */
static unsigned
utf8_cp(const unsigned char *p, size_t *n)
{
	*n = 1;
	if (p[0] < 0x80)
		return p[0];
	if ((p[0] & 0xe0) == 0xc0 && (p[1] & 0xc0) == 0x80) {
		*n = 2;
		return (p[0] & 0x1fu) << 6 | (p[1] & 0x3fu);
	}
	if ((p[0] & 0xf0) == 0xe0 && (p[1] & 0xc0) == 0x80 && (p[2] & 0xc0) == 0x80) {
		*n = 3;
		return (p[0] & 0x0fu) << 12 | (p[1] & 0x3fu) << 6 | (p[2] & 0x3fu);
	}
	return 0;
}

int
phone_read(const char *in, char out[12])
{
	const unsigned char *p = (const unsigned char *)in;
	char d[24];
	size_t n, o = 0;
	unsigned c;

	for (; *p; p += n) {
		if ((c = utf8_cp(p, &n)) == 0)
			return -1;
		if (c >= 0xff01 && c <= 0xff5e)		/* full-width ASCII */
			c -= 0xfee0;
		if (c >= '0' && c <= '9') {
			if (o + 1 >= sizeof(d))
				return -1;
			d[o++] = (char)c;
		} else if (c == '+' && o == 0)
			continue;
		else if (!(c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' ||
		    c == 0xa0 || c == 0x3000 || (c >= 0x2010 && c <= 0x2015) || c == 0x2212))
			return -1;
	}
	d[o] = '\0';
	n = o == 15 && strncmp(d, "0086", 4) == 0 ? 4 : o == 13 && strncmp(d, "86", 2) == 0 ? 2 : 0;
	if (o - n != 11 || !phone_mobile(d + n))
		return -1;
	memcpy(out, d + n, 12);
	return 0;
}
