/* log.c: one key=value line per event on stderr (see log.h) */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <fcntl.h>
#include <unistd.h>

#include "core/log.h"

static const char *log_prog = "ordermend";
static enum log_level log_min = LOG_INFO;
static const char *const level_names[] = { "debug", "info", "warn", "error" };

void
log_init(const char *prog, enum log_level min)
{
	log_prog = prog;
	log_min = min;
}

int
log_to_file(const char *path)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);

	if (fd < 0)
		return -1;
	if (dup2(fd, STDERR_FILENO) < 0) {
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

struct out {
	char *p;
	size_t len, size;
};

static void
out_add(struct out *o, const char *s, size_t n)
{
	size_t room = o->size - o->len;

	if (room <= 1)
		return;
	if (n > room - 1)
		n = room - 1;	/* truncate; the line stays one line */
	memcpy(o->p + o->len, s, n);
	o->len += n;
	o->p[o->len] = '\0';
}

static void
out_c(struct out *o, char c)
{
	out_add(o, &c, 1);
}

/* mobile: 1 when the n digits at d are a mainland mobile number, bare
 * or after 86 / 0086 (11, 13 or 15 digits). */
static int
mobile(const char *d, size_t n)
{
	if (n == 13 && strncmp(d, "86", 2) == 0)
		d += 2, n -= 2;
	else if (n == 15 && strncmp(d, "0086", 4) == 0)
		d += 4, n -= 4;
	return n == 11 && d[0] == '1' && d[1] >= '3' && d[1] <= '9';
}

/* unphone: s with every mobile number in it masked (138****5678) into
 * buf, or s itself when it holds none — whoever passed it, a phone number
 * never reaches a log in full (a login typed as one, a search term). */
static const char *
unphone(const char *s, char *buf, size_t size)
{
	size_t i = 0, o = 0, n, k;
	int found = 0;

	while (s[i] && o + 1 < size) {
		for (n = 0; s[i + n] >= '0' && s[i + n] <= '9'; n++)
			;
		/* a number on its own: not digits inside a hex id or a word */
		if (n && mobile(s + i, n) && !(i > 0 && isalnum((unsigned char)s[i - 1])) &&
		    !isalnum((unsigned char)s[i + n])) {
			for (k = 0; k < n && o + 1 < size; k++)
				buf[o++] = k >= n - 8 && k < n - 4 ? '*' : s[i + k];
			found = 1;
		} else
			for (k = 0; k < (n ? n : 1) && o + 1 < size; k++)
				buf[o++] = s[i + k];
		i += n ? n : 1;
	}
	buf[o] = '\0';
	return found ? buf : s;
}

/* A value is written bare when it is plain; otherwise quoted, with
 * backslash, quote and control characters escaped. */
static void
out_value(struct out *o, const char *s)
{
	const unsigned char *u;
	char masked[1024];
	int plain = 1;

	if (s == NULL) {
		out_c(o, '-');
		return;
	}
	s = unphone(s, masked, sizeof(masked));
	if (*s == '\0')
		plain = 0;
	for (u = (const unsigned char *)s; *u && plain; u++)
		if (*u <= ' ' || *u == '"' || *u == '=' || *u == '\\' ||
		    *u == 0x7f)
			plain = 0;
	if (plain) {
		out_add(o, s, strlen(s));
		return;
	}
	out_c(o, '"');
	for (u = (const unsigned char *)s; *u; u++) {
		char esc[8];

		if (*u == '"' || *u == '\\') {
			out_c(o, '\\');
			out_c(o, (char)*u);
		} else if (*u == '\n')
			out_add(o, "\\n", 2);
		else if (*u < ' ' || *u == 0x7f) {
			snprintf(esc, sizeof(esc), "\\x%02x", *u);
			out_add(o, esc, 4);
		} else
			out_c(o, (char)*u);
	}
	out_c(o, '"');
}

/* Walk the printf format: %s values go through out_value, every other
 * conversion through snprintf with the argument of its own type. */
static void
out_vformat(struct out *o, const char *fmt, va_list ap)
{
	const char *f = fmt;

	while (*f) {
		char spec[16], tmp[64];
		size_t sl = 0;
		int lng = 0, sz = 0;

		if (*f != '%') {
			out_c(o, *f++);
			continue;
		}
		if (f[1] == '%') {
			out_c(o, '%');
			f += 2;
			continue;
		}
		spec[sl++] = *f++;
		while (*f && strchr("-+ #0123456789.", *f) && sl < 10)
			spec[sl++] = *f++;
		while (*f == 'l' && sl < 12) {
			lng++;
			spec[sl++] = *f++;
		}
		if (*f == 'z') {
			sz = 1;
			spec[sl++] = *f++;
		}
		spec[sl++] = *f;
		spec[sl] = '\0';
		switch (*f) {
		case 's':
			out_value(o, va_arg(ap, const char *));
			break;
		case 'd': case 'i':
			if (sz)
				snprintf(tmp, sizeof(tmp), spec, va_arg(ap, ssize_t));
			else if (lng >= 2)
				snprintf(tmp, sizeof(tmp), spec, va_arg(ap, long long));
			else if (lng)
				snprintf(tmp, sizeof(tmp), spec, va_arg(ap, long));
			else
				snprintf(tmp, sizeof(tmp), spec, va_arg(ap, int));
			out_add(o, tmp, strlen(tmp));
			break;
		case 'u': case 'x': case 'X':
			if (sz)
				snprintf(tmp, sizeof(tmp), spec, va_arg(ap, size_t));
			else if (lng >= 2)
				snprintf(tmp, sizeof(tmp), spec,
				    va_arg(ap, unsigned long long));
			else if (lng)
				snprintf(tmp, sizeof(tmp), spec,
				    va_arg(ap, unsigned long));
			else
				snprintf(tmp, sizeof(tmp), spec,
				    va_arg(ap, unsigned));
			out_add(o, tmp, strlen(tmp));
			break;
		case 'f': case 'g':
			snprintf(tmp, sizeof(tmp), spec, va_arg(ap, double));
			out_add(o, tmp, strlen(tmp));
			break;
		case 'c':
			out_c(o, (char)va_arg(ap, int));
			break;
		default:
			/* An unknown conversion: stop rather than misread
			 * the remaining arguments. */
			out_add(o, "?", 1);
			return;
		}
		if (*f)
			f++;
	}
}

int
log_format(char *buf, size_t size, const char *fmt, ...)
{
	struct out o = { buf, 0, size };
	va_list ap;

	if (size)
		buf[0] = '\0';
	va_start(ap, fmt);
	out_vformat(&o, fmt, ap);
	va_end(ap);
	return (int)o.len;
}

void
log_ev(enum log_level lvl, const char *reqid, const char *event,
    const char *fmt, ...)
{
	char line[2048], ts[40];
	struct out o = { line, 0, sizeof(line) - 1 };
	struct timeval tv;
	struct tm tm;
	va_list ap;
	int n;

	if (lvl < log_min)
		return;
	gettimeofday(&tv, NULL);
	localtime_r(&tv.tv_sec, &tm);
	n = (int)strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(ts + n, sizeof(ts) - (size_t)n, ".%03d", (int)(tv.tv_usec / 1000));
	n = (int)strlen(ts);
	strftime(ts + n, sizeof(ts) - (size_t)n, "%z", &tm);
	line[0] = '\0';
	out_add(&o, "ts=", 3);
	out_add(&o, ts, strlen(ts));
	out_add(&o, " prog=", 6);
	out_value(&o, log_prog);
	{
		char pid[32];

		snprintf(pid, sizeof(pid), " pid=%ld level=", (long)getpid());
		out_add(&o, pid, strlen(pid));
	}
	out_add(&o, level_names[lvl], strlen(level_names[lvl]));
	if (reqid) {
		out_add(&o, " req=", 5);
		out_value(&o, reqid);
	}
	out_add(&o, " event=", 7);
	out_value(&o, event);
	if (fmt && *fmt) {
		out_c(&o, ' ');
		va_start(ap, fmt);
		out_vformat(&o, fmt, ap);
		va_end(ap);
	}
	line[o.len++] = '\n';
	if (write(STDERR_FILENO, line, o.len) < 0) {
		/* nowhere left to report it */
	}
}
