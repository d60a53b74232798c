/* readings.c: what a caller says, as the search box reads it (see search.h)
 *
 * The box is normalised first: agents type what they hear on the phone,
 * often through a Chinese input method, or paste it with what surrounded
 * it.  Full-width forms (０-９, Ａ-Ｚ, ＋, －, ：) become ASCII, every dash
 * a '-', the ideographic space and the no-break space a ' ', runs of
 * spaces one, and the ends are trimmed.
 *
 * Then it is read, each reading in the order it is tried (a reading in
 * brackets is not searched unasked, only offered as a link):
 *   digits, with spaces, dashes, dots, brackets and a leading + between:
 *     a mobile number, bare or after 86, +86 or 0086   a mobile number
 *     4 digits       the receiver's last four (another filter needed), (a user id)
 *     1 to 5 digits  a user id
 *     6 to 9         the start of an order number
 *     10 to 15       a tracking number, the start of an order number (the
 *                    other way round when they begin with a date, 2026…)
 *     16             an order number, a tracking number
 *     17 to 32       a payment's trade number, a tracking number, an order number
 *   u123, uid:123, 用户123       a user id
 *   letters and at least 6 digits, spaces and dashes dropped:
 *     P and digits   a payment number (payment_no), a trade number
 *     otherwise      a tracking number (SF…, JDV…), a trade number (BAL…),
 *                    (a product word)
 *   no digit, 2 to 20 characters: a receiver's or customer's name, a
 *     product word
 *   anything else: a product word (2 characters at least)
 * The exact readings come first: a caller reading out a number means the
 * few orders it names (find.c lists the first reading that finds any).
 */
#include <string.h>
#include <strings.h>

#include "core/text.h"
#include "core/util.h"
#include "search.h"

static const struct {
	const char *code, *label;
	const char *said;	/* in "按…查找" */
	int quoted;		/* shown in quotes: a word, not a number */
} modes[M_NMODES] = {
	[M_LATEST] = { "latest", "最新订单", "最新订单", 0 },
	[M_ORDER] = { "order", "订单号", "订单号", 0 },
	[M_PREFIX] = { "prefix", "订单号前缀", "订单号前缀", 0 },
	[M_PHONE] = { "phone", "手机号", "手机号", 0 },
	[M_TAIL] = { "phone_tail", "手机尾号", "手机尾号", 0 },
	[M_USER] = { "user", "用户 ID", "用户ID", 0 },
	[M_PRODUCT] = { "product", "商品名称", "商品名称", 1 },
	[M_NAME] = { "name", "姓名", "姓名", 1 },
	[M_TRACKING] = { "tracking", "运单号", "运单号", 0 },
	[M_TRADE] = { "trade", "支付交易号", "支付交易号", 0 },
	[M_PAYMENT] = { "payment", "支付单号", "支付单号", 0 },
};

const char *
mode_code(enum mode m)
{
	return modes[m].code;
}

const char *
mode_label(enum mode m)
{
	return modes[m].label;
}

int
mode_by_code(const char *code)
{
	int i;

	for (i = 0; i < M_NMODES; i++)
		if (strcmp(modes[i].code, code) == 0)
			return i;
	return -1;
}

const char *
reading_shown(struct arena *a, const struct reading *rd)
{
	if (rd->mode == M_LATEST || rd->value == NULL)
		return "";
	if (rd->mode == M_PHONE)
		return mask_phone(a, rd->value);
	if (modes[rd->mode].quoted)
		return arena_printf(a, "“%s”", rd->value);
	return rd->value;
}

void
reading_use(struct search *s, int i)
{
	s->mode = s->rd[i].mode;
	s->value = s->rd[i].value;
	s->user_id = s->rd[i].user_id;
}

/* --- normalising ------------------------------------------------------- */

/* cp3: the code point of the 3-byte UTF-8 sequence at p, or 0. */
static unsigned
cp3(const unsigned char *p)
{
	if ((p[0] & 0xf0) == 0xe0 && (p[1] & 0xc0) == 0x80 && (p[2] & 0xc0) == 0x80)
		return (p[0] & 0x0fu) << 12 | (p[1] & 0x3fu) << 6 | (p[2] & 0x3fu);
	return 0;
}

static char *
normalise(struct arena *a, const char *in)
{
	const unsigned char *p = (const unsigned char *)in;
	char *out = arena_alloc(a, strlen(in) + 1);
	size_t o = 0;
	int blank = 1;		/* after a space, or at the start */

	while (*p) {
		unsigned c;
		size_t len = 1;
		char ch = 0;

		if (*p < 0x80)
			ch = (char)*p;
		else if (p[0] == 0xc2 && p[1] == 0xa0)
			ch = ' ', len = 2;
		else if ((c = cp3(p)) != 0) {
			len = 3;
			if (c >= 0xff01 && c <= 0xff5e)		/* full-width ASCII */
				ch = (char)(c - 0xfee0);
			else if (c == 0x3000)
				ch = ' ';
			else if ((c >= 0x2010 && c <= 0x2015) || c == 0x2212 ||
			    c == 0xfe58 || c == 0xfe63)
				ch = '-';
		}
		if (ch == '\t' || ch == '\r' || ch == '\n')
			ch = ' ';
		if (ch == ' ') {
			if (!blank)
				out[o++] = ' ';
			blank = 1;
		} else {
			if (ch)
				out[o++] = ch;
			else {
				memcpy(out + o, p, len);
				o += len;
			}
			blank = 0;
		}
		p += len;
	}
	while (o && out[o - 1] == ' ')
		o--;
	out[o] = '\0';
	return out;
}

/* --- recognising ------------------------------------------------------- */

static void
add(struct search *s, enum mode m, const char *value, int searched)
{
	struct reading *rd;

	if (s->nrd == MAX_READINGS)
		return;
	rd = &s->rd[s->nrd++];
	rd->mode = m;
	rd->value = value;
	rd->searched = searched;
	rd->count = -1;
	if (m == M_USER && value && parse_i64(value, strlen(value), &rd->user_id) < 0)
		rd->user_id = 0;
}

/* digits_of: the digits of t when it is a number written with spaces,
 * dashes, dots, brackets and a + before the first digit; else 0. */
static size_t
digits_of(const char *t, char *out, size_t size)
{
	size_t o = 0;

	for (; *t; t++) {
		if (*t >= '0' && *t <= '9') {
			if (o + 1 >= size)
				return 0;
			out[o++] = *t;
		} else if (!(*t == '+' && o == 0) && !strchr(" -.()", *t))
			return 0;
	}
	out[o] = '\0';
	return o;
}

/* dated: do the digits begin as an order number does, with the day it
 * was placed (20261123…)?  Then they are read as its start first, and a
 * tracking number second: the page of the first reading carries the count
 * of the second, so the likelier reading costs one statement. */
static int
dated(const char *d)
{
	int month = (d[4] - '0') * 10 + (d[5] - '0'), day = (d[6] - '0') * 10 + (d[7] - '0');

	return strncmp(d, "20", 2) == 0 && month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

static void
by_digits(struct arena *a, struct search *s, const char *d, size_t n)
{
	const char *v = arena_strdup(a, d);

	if (phone_mobile(d))
		add(s, M_PHONE, v, 1);
	else if (n == 13 && strncmp(d, "86", 2) == 0 && phone_mobile(d + 2))
		add(s, M_PHONE, v + 2, 1);
	else if (n == 15 && strncmp(d, "0086", 4) == 0 && phone_mobile(d + 4))
		add(s, M_PHONE, v + 4, 1);
	else if (n == 4) {
		add(s, M_TAIL, v, 1);
		add(s, M_USER, v, 0);
	} else if (n <= 5)
		add(s, M_USER, v, 1);
	else if (n <= 9)
		add(s, M_PREFIX, v, 1);
	else if (n <= 15 && dated(d)) {
		add(s, M_PREFIX, v, 1);
		add(s, M_TRACKING, v, 1);
	} else if (n <= 15) {
		add(s, M_TRACKING, v, 1);
		add(s, M_PREFIX, v, 1);
	} else if (n == 16) {
		add(s, M_ORDER, v, 1);
		add(s, M_TRACKING, v, 1);
	} else if (n <= 32) {
		add(s, M_TRADE, v, 1);
		add(s, M_TRACKING, v, 1);
		add(s, M_ORDER, v, 1);
	} else
		add(s, M_ORDER, v, 1);
}

/* user_ref: "u123", "uid:123", "uid 123", "用户123" -> "123" */
static const char *
user_ref(const char *t)
{
	const char *p = NULL;
	size_t n;

	if (t[0] == 'u' || t[0] == 'U')
		p = t + 1;
	if (strncasecmp(t, "uid", 3) == 0)
		p = t + 3;
	if (strncmp(t, "用户", 6) == 0)
		p = t + 6;
	if (p == NULL)
		return NULL;
	while (*p == ':' || *p == ' ' || *p == '#')
		p++;
	n = strlen(p);
	return n > 0 && n <= 12 && strspn(p, "0123456789") == n ? p : NULL;
}

static int
ascii_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* ident: t without spaces and dashes, when that is ASCII letters and
 * digits with at least 6 digits (a tracking or payment number); else NULL. */
static char *
ident(struct arena *a, const char *t)
{
	char *out = arena_alloc(a, strlen(t) + 1);
	size_t o = 0, digits = 0, letters = 0;

	for (; *t; t++) {
		if (*t == ' ' || *t == '-')
			continue;
		if (*t >= '0' && *t <= '9')
			digits++;
		else if (ascii_alpha(*t))
			letters++;
		else
			return NULL;
		out[o++] = *t;
	}
	out[o] = '\0';
	return digits >= 6 && letters && o <= 32 ? out : NULL;
}

/* name_of: t as a person's name (no digit, no punctuation but a dot, 2 to
 * 20 characters; a Chinese name's spaces dropped), or NULL. */
static char *
name_of(struct arena *a, const char *t)
{
	size_t n = utf8_len(t, strlen(t)), o = 0;
	int latin = 0;
	char *out;
	const char *p;

	if (n < 2 || n > 20)
		return NULL;
	for (p = t; *p; p++) {
		if ((unsigned char)*p >= 0x80 || *p == ' ' || *p == '.')
			continue;
		if (!ascii_alpha(*p))
			return NULL;
		latin = 1;
	}
	out = arena_alloc(a, strlen(t) + 1);
	for (p = t; *p; p++)
		if (latin || *p != ' ')
			out[o++] = *p;
	out[o] = '\0';
	return utf8_len(out, o) >= 2 ? out : NULL;
}

void
readings_of(struct arena *a, struct search *s)
{
	const char *t, *u;
	char d[72], *v;
	size_t n;

	s->nrd = s->cur = 0;
	s->term = t = s->q ? normalise(a, s->q) : "";
	if (*t == '\0') {
		add(s, M_LATEST, NULL, 1);
		return;
	}
	if ((n = digits_of(t, d, sizeof(d))) > 0) {
		by_digits(a, s, d, n);
		return;
	}
	if ((u = user_ref(t)) != NULL) {
		add(s, M_USER, u, 1);
		return;
	}
	if ((v = ident(a, t)) != NULL) {
		if ((v[0] == 'P' || v[0] == 'p') && strspn(v + 1, "0123456789") == strlen(v + 1))
			add(s, M_PAYMENT, v, 1);
		else
			add(s, M_TRACKING, v, 1);
		add(s, M_TRADE, v, 1);
		add(s, M_PRODUCT, t, 0);
		return;
	}
	if ((v = name_of(a, t)) != NULL)
		add(s, M_NAME, v, 1);
	add(s, M_PRODUCT, t, 1);
}

const char *
reading_said(struct arena *a, const struct reading *rd)
{
	if (rd->mode == M_LATEST)
		return modes[M_LATEST].label;
	return arena_printf(a, "按%s查找%s%s", modes[rd->mode].said,
	    modes[rd->mode].quoted ? "" : " ", reading_shown(a, rd));
}
