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
