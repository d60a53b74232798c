/* url.c: every link the console makes (see url.h) */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "core/cfg.h"
#include "core/url.h"
#include "core/util.h"

/* Which program serves which path, made from the programs' own mounts
 * (tools/mounts), like nginx/ordermend.conf.in's locations: an exact path,
 * or every path under a prefix; the longest match wins, as in nginx. */
struct mount {
	const char *path;
	int exact;
	const char *program;
};
#include "mounts.h"

const char *
url_program(const char *path)
{
	const struct mount *best = NULL;
	size_t i, n, plen = strcspn(path, "?");

	for (i = 0; i < NELEM(mounts); i++) {
		n = strlen(mounts[i].path);
		if (mounts[i].exact ? n == plen && strncmp(path, mounts[i].path, n) == 0 :
		    n <= plen && strncmp(path, mounts[i].path, n) == 0)
			if (best == NULL || n > strlen(best->path))
				best = &mounts[i];
	}
	return best ? best->program : NULL;
}

int
url_mounted(const char *program)
{
	size_t i;

	for (i = 0; i < NELEM(mounts); i++)
		if (strcmp(mounts[i].program, program) == 0)
			return 1;
	return 0;
}

static void
encode(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_' ||
		    c == '.' || c == '~')
			buf_putc(b, (char)c);
		else {
			buf_putc(b, '%');
			buf_putc(b, hex[c >> 4]);
			buf_putc(b, hex[c & 15]);
		}
	}
}

char *
url_for(struct arena *a, const char *fmt, ...)
{
	struct buf b = { 0 };
	const char *f;
	char *out;
	va_list ap;

	va_start(ap, fmt);
	for (f = fmt; *f; f++) {
		if (*f != '%') {
			buf_putc(&b, *f);
			continue;
		}
		f++;
		if (*f == 's')
			encode(&b, va_arg(ap, const char *));
		else if (*f == 'd')
			buf_printf(&b, "%d", va_arg(ap, int));
		else if (strncmp(f, "lld", 3) == 0) {
			buf_printf(&b, "%lld", va_arg(ap, long long));
			f += 2;
		} else if (*f == '%')
			buf_putc(&b, '%');
		else
			die("url_for: unsupported conversion in \"%s\"", fmt);
	}
	va_end(ap);
	out = url_map(a, b.p ? b.p : "/");
	buf_free(&b);
	return out;
}

char *
url_map(struct arena *a, const char *path)
{
	const char *prog;

	if (cfg.url_style == URL_CGI && (prog = url_program(path)))
		return arena_printf(a, "%s/%s.fcgi%s", cfg.cgi_base, prog, path);
	return arena_strdup(a, path);
}

int
url_local_path(const char *s)
{
	if (s == NULL || s[0] != '/' || s[1] == '/' || s[1] == '\\')
		return 0;
	for (; *s; s++)
		if ((unsigned char)*s < 0x21 || *s == '\\' || *s == 0x7f)
			return 0;
	return 1;
}
