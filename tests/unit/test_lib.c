/* test_lib.c: unit tests of lib/ (no database) with Check */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/cfg.h"
#include "core/log.h"
#include "core/model.h"
#include "core/req.h"
#include "core/text.h"
#include "core/tmpl.h"
#include "core/url.h"
#include "core/util.h"
#include "domain/agents.h"
#include "domain/shop.h"
#include "ui/auth.h"

/* --- a fake transport ------------------------------------------------ */

struct fake {
	const char *env[32];	/* "NAME=value" */
	const char *body;
	size_t body_len, pos;
	struct buf out;
};

static const char *
fake_getenv(void *ctx, const char *name)
{
	struct fake *f = ctx;
	size_t n = strlen(name), i;

	for (i = 0; f->env[i]; i++)
		if (strncmp(f->env[i], name, n) == 0 && f->env[i][n] == '=')
			return f->env[i] + n + 1;
	return NULL;
}

static int
fake_read(void *ctx, char *buf, int n)
{
	struct fake *f = ctx;
	size_t k = f->body_len - f->pos;

	if ((size_t)n < k)
		k = (size_t)n;
	memcpy(buf, f->body + f->pos, k);
	f->pos += k;
	return (int)k;
}

static int
fake_write(void *ctx, const char *buf, int n)
{
	buf_add(&((struct fake *)ctx)->out, buf, (size_t)n);
	return n;
}

static struct req r;
static struct fake fk;
static struct req_io fio = { fake_getenv, fake_read, fake_write, &fk };

static int
parse(const char *const *env, const char *body, size_t max)
{
	size_t i;

	req_cleanup(&r);
	buf_free(&fk.out);
	memset(&fk, 0, sizeof(fk));
	for (i = 0; env[i]; i++)
		fk.env[i] = env[i];
	fk.body = body ? body : "";
	fk.body_len = body ? strlen(body) : 0;
	return req_parse(&r, &fio, max);
}

static void
setup(void)
{
	cfg_load("/dev/null", NULL);	/* every default */
	req_init(&r);
}

static void
teardown(void)
{
	req_cleanup(&r);
	arena_cleanup(&r.arena);
	buf_free(&r.head_buf);
	buf_free(&r.body_buf);
	buf_free(&fk.out);
}

/* --- request parsing ------------------------------------------------- */

START_TEST(get_with_query)
{
	const char *env[] = { "REQUEST_METHOD=GET", "PATH_INFO=/search",
	    "QUERY_STRING=q=%E5%BC%A0%E4%B8%89+x&status=paid&status=pending&n=42",
	    NULL };
	const char *v[4];
	long long n;

	ck_assert_int_eq(parse(env, NULL, 65536), 0);
	ck_assert_str_eq(r.path, "/search");
	ck_assert_str_eq(req_get(&r, "q"), "张三 x");
	ck_assert_int_eq(req_all(&r, "status", v, 4), 2);
	ck_assert_str_eq(v[1], "pending");
	ck_assert_int_eq(req_all(&r, "status", v, 1), -1);
	ck_assert_int_eq(req_int(&r, "n", 0, 100, &n), REQ_OK);
	ck_assert_int_eq(n, 42);
	ck_assert_int_eq(req_int(&r, "n", 0, 10, &n), REQ_BAD);
	ck_assert_int_eq(req_int(&r, "missing", 0, 10, &n), REQ_MISSING);
	ck_assert(!r.json);
}
END_TEST

START_TEST(int_overflow)
{
	const char *env[] = { "REQUEST_METHOD=GET",
	    "QUERY_STRING=a=9223372036854775807&b=9223372036854775808&c=-9223372036854775809&d=12x&e=",
	    NULL };
	long long n;

	ck_assert_int_eq(parse(env, NULL, 65536), 0);
	ck_assert_int_eq(req_int(&r, "a", 0, 9223372036854775807LL, &n), REQ_OK);
	ck_assert_int_eq(req_int(&r, "b", 0, 9223372036854775807LL, &n), REQ_BAD);
	ck_assert_int_eq(req_int(&r, "c", -9223372036854775807LL - 1, 0, &n), REQ_BAD);
	ck_assert_int_eq(req_int(&r, "d", 0, 100, &n), REQ_BAD);
	ck_assert_int_eq(req_int(&r, "e", 0, 100, &n), REQ_MISSING);
}
END_TEST

START_TEST(trim_and_length)
{
	const char *env[] = { "REQUEST_METHOD=GET",
	    "QUERY_STRING=a=%E3%80%80%20abc%09&b=%E4%B8%80%E4%BA%8C%E4%B8%89", NULL };
	const char *s;

	ck_assert_int_eq(parse(env, NULL, 65536), 0);
	ck_assert_int_eq(req_str(&r, "a", 10, &s), REQ_OK);
	ck_assert_str_eq(s, "abc");
	/* three characters, nine bytes */
	ck_assert_int_eq(req_str(&r, "b", 3, &s), REQ_OK);
	ck_assert_int_eq(req_str(&r, "b", 2, &s), REQ_BAD);
}
END_TEST

START_TEST(bad_encoding)
{
	const char *bad_pct[] = { "REQUEST_METHOD=GET", "QUERY_STRING=a=%4", NULL };
	const char *bad_hex[] = { "REQUEST_METHOD=GET", "QUERY_STRING=a=%zz", NULL };
	const char *bad_utf8[] = { "REQUEST_METHOD=GET", "QUERY_STRING=a=%C3%28", NULL };
	const char *overlong[] = { "REQUEST_METHOD=GET", "QUERY_STRING=a=%C0%AF", NULL };
	const char *surrogate[] = { "REQUEST_METHOD=GET", "QUERY_STRING=a=%ED%A0%80", NULL };
	const char *nul[] = { "REQUEST_METHOD=GET", "QUERY_STRING=a=x%00y", NULL };
	const char *ctl[] = { "REQUEST_METHOD=GET", "QUERY_STRING=a=x%1By", NULL };
	const char *name[] = { "REQUEST_METHOD=GET", "QUERY_STRING==x", NULL };
	const char *path[] = { "REQUEST_METHOD=GET", "PATH_INFO=/a\xff", NULL };
	const char *nomethod[] = { "PATH_INFO=/", NULL };

	ck_assert_int_eq(parse(bad_pct, NULL, 65536), 400);
	ck_assert_int_eq(parse(bad_hex, NULL, 65536), 400);
	ck_assert_int_eq(parse(bad_utf8, NULL, 65536), 400);
	ck_assert_int_eq(parse(overlong, NULL, 65536), 400);
	ck_assert_int_eq(parse(surrogate, NULL, 65536), 400);
	ck_assert_int_eq(parse(nul, NULL, 65536), 400);
	ck_assert_int_eq(parse(ctl, NULL, 65536), 400);
	ck_assert_int_eq(parse(name, NULL, 65536), 400);
	ck_assert_int_eq(parse(path, NULL, 65536), 400);
	ck_assert_int_eq(parse(nomethod, NULL, 65536), 400);
}
END_TEST

START_TEST(too_many_params)
{
	struct buf q = { 0 };
	const char *env[3] = { "REQUEST_METHOD=GET", NULL, NULL };
	int i;

	buf_puts(&q, "QUERY_STRING=");
	for (i = 0; i < REQ_MAX_PARAMS + 1; i++)
		buf_printf(&q, "%sp%d=1", i ? "&" : "", i);
	env[1] = q.p;
	ck_assert_int_eq(parse(env, NULL, 65536), 400);
	buf_free(&q);
}
END_TEST

START_TEST(body_limits)
{
	const char *ok[] = { "REQUEST_METHOD=POST", "CONTENT_LENGTH=7",
	    "CONTENT_TYPE=application/x-www-form-urlencoded; charset=UTF-8", NULL };
	const char *missing[] = { "REQUEST_METHOD=POST", "CONTENT_TYPE=application/x-www-form-urlencoded", NULL };
	const char *negative[] = { "REQUEST_METHOD=POST", "CONTENT_LENGTH=-1", NULL };
	const char *junk[] = { "REQUEST_METHOD=POST", "CONTENT_LENGTH=7x", NULL };
	const char *spaces[] = { "REQUEST_METHOD=POST", "CONTENT_LENGTH= 7", NULL };
	const char *huge[] = { "REQUEST_METHOD=POST", "CONTENT_LENGTH=99999999999999999999", NULL };
	const char *big[] = { "REQUEST_METHOD=POST", "CONTENT_LENGTH=65537",
	    "CONTENT_TYPE=application/x-www-form-urlencoded", NULL };
	const char *edge[] = { "REQUEST_METHOD=POST", "CONTENT_LENGTH=65536",
	    "CONTENT_TYPE=application/x-www-form-urlencoded", NULL };
	const char *shorter[] = { "REQUEST_METHOD=POST", "CONTENT_LENGTH=10",
	    "CONTENT_TYPE=application/x-www-form-urlencoded", NULL };
	const char *longer[] = { "REQUEST_METHOD=POST", "CONTENT_LENGTH=3",
	    "CONTENT_TYPE=application/x-www-form-urlencoded", NULL };
	const char *xml[] = { "REQUEST_METHOD=POST", "CONTENT_LENGTH=7",
	    "CONTENT_TYPE=text/xml", NULL };
	const char *badform[] = { "REQUEST_METHOD=POST", "CONTENT_LENGTH=5",
	    "CONTENT_TYPE=application/x-www-form-urlencoded", NULL };
	const char *jsonbad[] = { "REQUEST_METHOD=POST", "CONTENT_LENGTH=4",
	    "CONTENT_TYPE=application/json", NULL };
	char *body = xmalloc(65537);

	ck_assert_int_eq(parse(ok, "a=1&b=2", 65536), 0);
	ck_assert_str_eq(req_get(&r, "b"), "2");
	ck_assert_int_eq(parse(missing, "a=1", 65536), 400);
	ck_assert_int_eq(parse(negative, "", 65536), 400);
	ck_assert_int_eq(parse(junk, "a=1&b=2", 65536), 400);
	ck_assert_int_eq(parse(spaces, "a=1&b=2", 65536), 400);
	ck_assert_int_eq(parse(huge, "", 65536), 413);
	memset(body, 'a', 65536);
	body[65536] = '\0';
	ck_assert_int_eq(parse(big, body, 65536), 413);
	body[0] = 'x';
	body[1] = '=';
	body[65535] = '\0';
	body[65535] = 'b';
	ck_assert_int_eq(parse(edge, NULL, 65536), 400);	/* nothing sent */
	fk.body = body;
	{
		/* exactly the limit is fine */
		size_t i;

		req_cleanup(&r);
		memset(&fk, 0, sizeof(fk));
		for (i = 0; edge[i]; i++)
			fk.env[i] = edge[i];
		fk.body = body;
		fk.body_len = 65536;
		ck_assert_int_eq(req_parse(&r, &fio, 65536), 0);
	}
	ck_assert_int_eq(parse(shorter, "a=1", 65536), 400);
	ck_assert_int_eq(parse(longer, "a=1&b=2", 65536), 400);
	ck_assert_int_eq(parse(xml, "<a></a>", 65536), 415);
	ck_assert_int_eq(parse(badform, "a=\xff\xfe\xfd", 65536), 400);
	ck_assert_int_eq(parse(jsonbad, "\"\xff\"x", 65536), 400);
	free(body);
}
END_TEST

START_TEST(body_before_query)
{
	const char *env[] = { "REQUEST_METHOD=POST", "CONTENT_LENGTH=3",
	    "QUERY_STRING=a=query&b=q", "CONTENT_TYPE=application/x-www-form-urlencoded", NULL };

	ck_assert_int_eq(parse(env, "a=1", 65536), 0);
	ck_assert_str_eq(req_get(&r, "a"), "1");
	ck_assert_str_eq(req_get(&r, "b"), "q");
}
END_TEST

START_TEST(json_choice)
{
	const char *acc[] = { "REQUEST_METHOD=GET", "HTTP_ACCEPT=application/json", NULL };
	const char *fmt[] = { "REQUEST_METHOD=GET", "QUERY_STRING=format=json", NULL };
	const char *html[] = { "REQUEST_METHOD=GET",
	    "HTTP_ACCEPT=text/html,application/xhtml+xml,*/*;q=0.8", NULL };
	const char *force[] = { "REQUEST_METHOD=GET", "HTTP_ACCEPT=application/json",
	    "QUERY_STRING=format=html", NULL };

	ck_assert_int_eq(parse(acc, NULL, 65536), 0);
	ck_assert(r.json);
	ck_assert_int_eq(parse(fmt, NULL, 65536), 0);
	ck_assert(r.json);
	ck_assert_int_eq(parse(html, NULL, 65536), 0);
	ck_assert(!r.json);
	ck_assert_int_eq(parse(force, NULL, 65536), 0);
	ck_assert(!r.json);
}
END_TEST

START_TEST(cookies)
{
	const char *env[] = { "REQUEST_METHOD=GET",
	    "HTTP_COOKIE=a=1; om_sid=abc ;junk; =x; b=\xff; c=3", NULL };

	ck_assert_int_eq(parse(env, NULL, 65536), 0);
	ck_assert_str_eq(req_cookie(&r, "a"), "1");
	ck_assert_str_eq(req_cookie(&r, "om_sid"), "abc");
	ck_assert_str_eq(req_cookie(&r, "c"), "3");
	ck_assert_ptr_null(req_cookie(&r, "b"));
	ck_assert_ptr_null(req_cookie(&r, "junk"));
}
END_TEST

START_TEST(request_id)
{
	const char *given[] = { "REQUEST_METHOD=GET", "REQUEST_ID=0123abcd", NULL };
	const char *forged[] = { "REQUEST_METHOD=GET", "REQUEST_ID=a b\"c", NULL };

	ck_assert_int_eq(parse(given, NULL, 65536), 0);
	ck_assert_str_eq(r.id, "0123abcd");
	ck_assert_int_eq(parse(forged, NULL, 65536), 0);
	ck_assert_int_eq(strlen(r.id), 24);
}
END_TEST

/* --- CSRF ------------------------------------------------------------ */

START_TEST(csrf)
{
	static struct session s;
	const char *tok = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ";
	const char *good[] = { "REQUEST_METHOD=POST", "CONTENT_LENGTH=48",
	    "CONTENT_TYPE=application/x-www-form-urlencoded", "HTTP_HOST=console",
	    "HTTP_ORIGIN=http://console", "HTTP_SEC_FETCH_SITE=same-origin", NULL };
	const char *cross[] = { "REQUEST_METHOD=POST", "CONTENT_LENGTH=48",
	    "CONTENT_TYPE=application/x-www-form-urlencoded", "HTTP_HOST=console",
	    "HTTP_SEC_FETCH_SITE=cross-site", NULL };
	const char *origin[] = { "REQUEST_METHOD=POST", "CONTENT_LENGTH=48",
	    "CONTENT_TYPE=application/x-www-form-urlencoded", "HTTP_HOST=console",
	    "HTTP_ORIGIN=http://evil.example", NULL };
	const char *header[] = { "REQUEST_METHOD=POST", "CONTENT_LENGTH=0",
	    "HTTP_X_CSRF_TOKEN=abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ", NULL };
	char body[64];

	s.csrf = tok;
	snprintf(body, sizeof(body), "csrf=%s", tok);
	ck_assert_int_eq(parse(good, body, 65536), 0);
	r.sess = &s;
	ck_assert(auth_csrf_ok(&r));
	ck_assert_int_eq(parse(good, "csrf=abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPX", 65536), 0);
	r.sess = &s;
	ck_assert(!auth_csrf_ok(&r));
	ck_assert_int_eq(parse(good, "csrfx=abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOP", 65536), 0);
	r.sess = &s;
	ck_assert(!auth_csrf_ok(&r));
	ck_assert_int_eq(parse(cross, body, 65536), 0);
	r.sess = &s;
	ck_assert(!auth_csrf_ok(&r));
	ck_assert_int_eq(parse(origin, body, 65536), 0);
	r.sess = &s;
	ck_assert(!auth_csrf_ok(&r));
	ck_assert_int_eq(parse(header, "", 65536), 0);
	r.sess = &s;
	ck_assert(auth_csrf_ok(&r));
}
END_TEST

START_TEST(passwords)
{
	char h[PASSWORD_HASH_LEN];
	int rehash;

	ck_assert_ptr_nonnull(password_acceptable("short"));
	ck_assert_ptr_null(password_acceptable("长度足够的中文密码"));
	ck_assert_ptr_nonnull(password_acceptable("\xff\xfe\xfd\xfc\xfb\xfa\xf9\xf8"));
	ck_assert_int_eq(password_hash("correct horse", h), 0);
	ck_assert(str_startswith(h, "$argon2id$"));
	ck_assert(password_verify("correct horse", h, &rehash));
	ck_assert(!password_verify("correct horsf", h, &rehash));
}
END_TEST

/* --- small pieces ---------------------------------------------------- */

START_TEST(arena_basics)
{
	struct arena a;
	char *p, *big;
	int i;

	arena_init(&a, 1024);
	p = arena_strdup(&a, "hello");
	ck_assert_str_eq(p, "hello");
	ck_assert_str_eq(arena_printf(&a, "%d-%s", 7, "x"), "7-x");
	big = arena_alloc(&a, 100000);
	memset(big, 1, 100000);
	for (i = 0; i < 1000; i++)
		ck_assert_ptr_nonnull(arena_alloc(&a, 100));
	ck_assert_int_eq((size_t)arena_alloc(&a, 3) % 16, 0);
	arena_reset(&a);
	ck_assert_str_eq(arena_strndup(&a, "abcdef", 3), "abc");
	arena_cleanup(&a);
}
END_TEST

START_TEST(utf8)
{
	ck_assert(utf8_valid("张三 abc", strlen("张三 abc")));
	ck_assert(utf8_valid("\xf0\x9f\x98\x80", 4));
	ck_assert(!utf8_valid("\xf4\x90\x80\x80", 4));
	ck_assert(!utf8_valid("\xe4\xb8", 2));
	ck_assert(!utf8_valid("\x80", 1));
	ck_assert_int_eq(utf8_len("张三x", strlen("张三x")), 3);
}
END_TEST

START_TEST(money_and_masks)
{
	struct arena a;

	arena_init(&a, 1024);
	ck_assert_str_eq(yuan(&a, 0), "0.00");
	ck_assert_str_eq(yuan(&a, 5), "0.05");
	ck_assert_str_eq(yuan(&a, 123456789), "1,234,567.89");
	ck_assert_str_eq(yuan(&a, -100050), "-1,000.50");
	ck_assert_str_eq(yuan_plain(&a, 123456789), "1234567.89");
	ck_assert_str_eq(mask_phone(&a, "13812345678"), "138****5678");
	ck_assert_str_eq(mask_phone(&a, "12x"), "****");
	ck_assert_str_eq(mask_phone(&a, ""), "");
	ck_assert_str_eq(mask_tail(&a, "北京市朝阳区建国路88号", 6), "北京市朝阳区***");
	ck_assert_str_eq(mask_tail(&a, "ab", 6), "ab***");
	arena_cleanup(&a);
}
END_TEST

START_TEST(log_quoting)
{
	char b[256];
	const char *volatile none = NULL;

	log_format(b, sizeof(b), "a=%s b=%d c=%s d=%s e=%zu f=%lld", "plain", -3,
	    "two words", "x=\"y\"\n", (size_t)9, 12345678901LL);
	ck_assert_str_eq(b, "a=plain b=-3 c=\"two words\" d=\"x=\\\"y\\\"\\n\" e=9 f=12345678901");
	log_format(b, sizeof(b), "n=%s e=%s", none, "");
	ck_assert_str_eq(b, "n=- e=\"\"");
	/* a mobile number never reaches a log in full; an order number does */
	log_format(b, sizeof(b), "login=%s q=%s p=%s order=%s", "13800138000",
	    "call 8613912345678 now", "008615012345678", "2026112300000001");
	ck_assert_str_eq(b, "login=138****8000 q=\"call 86139****5678 now\""
	    " p=0086150****5678 order=2026112300000001");
	log_format(b, sizeof(b), "req=%s", "16107809042e75eac2c4e712834b06e5");
	ck_assert_str_eq(b, "req=16107809042e75eac2c4e712834b06e5");
}
END_TEST

START_TEST(urls)
{
	struct arena a;

	arena_init(&a, 1024);
	cfg.url_style = URL_PRETTY;
	ck_assert_str_eq(url_for(&a, "/orders/%s", "20261123 <x>"),
	    "/orders/20261123%20%3Cx%3E");
	ck_assert_str_eq(url_for(&a, "/search?q=%s&n=%d", "张", 5),
	    "/search?q=%E5%BC%A0&n=5");
	cfg.url_style = URL_CGI;
	ck_assert_str_eq(cfg.cgi_base, "/cgi-bin");
	ck_assert_str_eq(url_for(&a, "/orders/%s", "2026"),
	    "/cgi-bin/order.fcgi/orders/2026");
	ck_assert_str_eq(url_for(&a, "/admin/audit?agent=%s", "lead"),
	    "/cgi-bin/audit.fcgi/admin/audit?agent=lead");
	ck_assert_str_eq(url_for(&a, "/admin/agents/%d", 3),
	    "/cgi-bin/admin.fcgi/admin/agents/3");
	ck_assert_str_eq(url_for(&a, "/login"), "/cgi-bin/login.fcgi/login");
	ck_assert_str_eq(url_for(&a, "/search?q=%s", "a"), "/cgi-bin/search.fcgi/search?q=a");
	cfg.url_style = URL_PRETTY;
	/* the mounts, as nginx matches them: exact paths, prefixes, longest */
	ck_assert_str_eq(url_program("/queue"), "queue");
	ck_assert_str_eq(url_program("/queue?sort=due"), "queue");
	ck_assert_str_eq(url_program("/queue/bulk/claim"), "queue");
	ck_assert_str_eq(url_program("/queues"), "search");	/* the rest: a 404 */
	ck_assert_str_eq(url_program("/admin/audit.csv"), "audit");
	ck_assert_str_eq(url_program("/admin/roles"), "admin");
	ck_assert_str_eq(url_program("/nowhere"), "search");
	ck_assert(url_mounted("health"));
	ck_assert(!url_mounted("probe_order"));
	ck_assert(url_local_path("/orders/1?x=2"));
	ck_assert(!url_local_path("//evil.example/"));
	ck_assert(!url_local_path("/\\evil.example/"));
	ck_assert(!url_local_path("https://evil.example/"));
	ck_assert(!url_local_path("/a b"));
	ck_assert(!url_local_path(NULL));
	arena_cleanup(&a);
}
END_TEST

START_TEST(order_numbers)
{
	ck_assert(order_no_valid("2026112300000001"));
	ck_assert(order_no_valid("ABC123"));
	ck_assert(!order_no_valid("12345"));
	ck_assert(!order_no_valid("2026-11"));
	ck_assert(!order_no_valid("202611230000000100000000000000001"));
	ck_assert_str_eq(label_of(order_statuses, "paid")->label, "待发货");
	ck_assert_str_eq(label_of(order_statuses, "weird")->label, "weird");
}
END_TEST

/* --- configuration --------------------------------------------------- */

static char complaints[4096];

static void
collect(const char *file, int line, const char *msg)
{
	size_t n = strlen(complaints);

	(void)file;
	snprintf(complaints + n, sizeof(complaints) - n, "%d:%s\n", line, msg);
}

static const char *
write_tmp(const char *text)
{
	static char path[64];
	FILE *fp;
	int fd;

	strcpy(path, "/tmp/om-cfg-XXXXXX");
	fd = mkstemp(path);
	fp = fdopen(fd, "w");
	fputs(text, fp);
	fclose(fp);
	return path;
}

START_TEST(config)
{
	const char *p;
	int n;

	complaints[0] = '\0';
	p = write_tmp("[server]\nmax_body = 2048\n[session]\nidle_timeout = 45m\n"
	    "[replica]\nuser = reader\ndatabase = shop2\n");
	unsetenv("ORDERMEND_CONSOLE_PASSWORD");
	n = cfg_load(p, collect);
	ck_assert_msg(n == 0, "%s", complaints);
	ck_assert_int_eq(cfg.max_body, 2048);
	ck_assert_int_eq(cfg.idle_timeout, 2700);
	ck_assert_str_eq(cfg.replica.user, "reader");
	ck_assert_int_eq(cfg.absolute_timeout, 43200);
	ck_assert_str_eq(cfg.admin.user, "root");
	unlink(p);

	complaints[0] = '\0';
	p = write_tmp("[server]\nmax_body = 10\nbogus = 1\n[nosuch]\nx = 1\n"
	    "[session]\nidle_timeout = soon\nidle_timeout = 5m\n[server]\nurl_style = fancy\n"
	    "garbage line\n");
	n = cfg_load(p, collect);
	ck_assert_int_eq(n, 7);
	ck_assert_ptr_nonnull(strstr(complaints, "2:[server] max_body: out of bounds"));
	ck_assert_ptr_nonnull(strstr(complaints, "3:[server] bogus: unknown key"));
	ck_assert_ptr_nonnull(strstr(complaints, "5:[nosuch] x: unknown key"));
	ck_assert_ptr_nonnull(strstr(complaints, "7:[session] idle_timeout: not a duration"));
	ck_assert_ptr_nonnull(strstr(complaints, "8:[session] idle_timeout: set twice (first on line 7)"));
	ck_assert_ptr_nonnull(strstr(complaints, "10:[server] url_style: not one of"));
	ck_assert_ptr_nonnull(strstr(complaints, "11:syntax error"));
	unlink(p);

	complaints[0] = '\0';
	p = write_tmp("[console]\npassword = in-file\n");
	setenv("ORDERMEND_CONSOLE_PASSWORD", "from-env", 1);
	ck_assert_int_eq(cfg_load(p, collect), 0);
	ck_assert_str_eq(cfg.console.password, "from-env");
	setenv("ORDERMEND_SERVER_MAX_BODY", "1", 1);
	ck_assert_int_eq(cfg_load(p, collect), 1);
	ck_assert_ptr_nonnull(strstr(complaints, "ORDERMEND_SERVER_MAX_BODY"));
	unsetenv("ORDERMEND_SERVER_MAX_BODY");
	unsetenv("ORDERMEND_CONSOLE_PASSWORD");
	unlink(p);
	ck_assert_int_eq(cfg_load("/nonexistent/om.ini", collect), 1);
	cfg_load(write_tmp(""), NULL);
}
END_TEST

START_TEST(model_text_is_valid_utf8)
{
	json_object *m = m_obj();

	m_str(m, "plain", "顺丰 SF123");
	m_str(m, "surrogate", "a\xED\xA0\x80" "b");
	m_str(m, "bidi", "\xE2\x80\xAEgnp.exe\xE2\x81\xA6");
	m_strn(m, "cut", "\xE4\xB8\xAD\xE6", 4);
	ck_assert_str_eq(m_get(m, "plain"), "顺丰 SF123");
	ck_assert_str_eq(m_get(m, "surrogate"), "a\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD" "b");
	ck_assert_str_eq(m_get(m, "bidi"), "\xEF\xBF\xBDgnp.exe\xEF\xBF\xBD");
	ck_assert_str_eq(m_get(m, "cut"), "中\xEF\xBF\xBD");
	ck_assert(utf8_valid(json_object_to_json_string(m), strlen(json_object_to_json_string(m))));
	json_object_put(m);
}
END_TEST

/* --- templates ------------------------------------------------------- */

START_TEST(template_bridge)
{
	char dir[] = "/tmp/om-tpl-XXXXXX", path[128], err[256];
	struct buf out = { 0 };
	json_object *m = m_obj(), *f = m_obj(), *g = m_obj(), *arr;
	FILE *fp;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/layout.tpl", dir);
	fp = fopen(path, "w");
	fputs("{{%AUTOESCAPE context=\"HTML\"}}<t>{{title}}</t>[{{>BODY}}]{{csrf}}", fp);
	fclose(fp);
	snprintf(path, sizeof(path), "%s/page.tpl", dir);
	fp = fopen(path, "w");
	fputs("{{%AUTOESCAPE context=\"HTML\"}}<a href=\"{{url}}\">{{name}}</a>"
	    "{{#rows}}({{n}}:{{csrf}}){{/rows}}{{#flag}}F{{/flag}}{{#off}}X{{/off}}"
	    "{{#sub}}{{x}}{{#flag}}!{{/flag}}{{/sub}}{{#tags}}[{{value}}]{{/tags}}{{#name}}N{{/name}}{{title}}", fp);
	fclose(fp);
	ck_assert_int_eq(tmpl_init(dir, err, sizeof(err)), 0);
	ck_assert(tmpl_exists("page"));

	m_str(f, "title", "T<1>");
	m_str(g, "csrf", "tok");
	m_str(m, "url", "javascript:alert(1)");
	m_str(m, "name", "<script>alert('x')</script>");
	arr = m_add(m, "rows", m_arr());
	m_int(m_push(arr, m_obj()), "n", 1);
	m_int(m_push(arr, m_obj()), "n", 2);
	m_bool(m, "flag", 1);
	m_bool(m, "off", 0);
	m_str(m_add(m, "sub", m_obj()), "x", "sx");
	arr = m_add(m, "tags", m_arr());
	m_push(arr, json_object_new_string("a&b"));
	ck_assert_int_eq(tmpl_expand(&out, "layout", "page", f, m, g), 0);
	ck_assert_str_eq(out.p,
	    "<t>T&lt;1&gt;</t>[<a href=\"#\">&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;</a>"
	    "(1:tok)(2:tok)Fsx![a&amp;b]]tok");
	json_object_put(m);
	json_object_put(f);
	json_object_put(g);
	buf_free(&out);
	unlink(path);
	snprintf(path, sizeof(path), "%s/layout.tpl", dir);
	unlink(path);
	rmdir(dir);
}
END_TEST

static Suite *
lib_suite(void)
{
	Suite *s = suite_create("lib");
	TCase *tc = tcase_create("all");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, get_with_query);
	tcase_add_test(tc, int_overflow);
	tcase_add_test(tc, trim_and_length);
	tcase_add_test(tc, bad_encoding);
	tcase_add_test(tc, too_many_params);
	tcase_add_test(tc, body_limits);
	tcase_add_test(tc, body_before_query);
	tcase_add_test(tc, json_choice);
	tcase_add_test(tc, cookies);
	tcase_add_test(tc, request_id);
	tcase_add_test(tc, csrf);
	tcase_add_test(tc, passwords);
	tcase_add_test(tc, arena_basics);
	tcase_add_test(tc, utf8);
	tcase_add_test(tc, money_and_masks);
	tcase_add_test(tc, log_quoting);
	tcase_add_test(tc, urls);
	tcase_add_test(tc, order_numbers);
	tcase_add_test(tc, config);
	tcase_add_test(tc, template_bridge);
	tcase_add_test(tc, model_text_is_valid_utf8);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(lib_suite());
	int run, failed;

	auth_init();
	srunner_run_all(sr, CK_NORMAL);
	run = srunner_ntests_run(sr);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	printf("unit: %d passed, %d failed\n", run - failed, failed);
	return failed ? 1 : 0;
}
