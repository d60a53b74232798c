/* cfg.c: the one INI configuration file (see cfg.h)
 *
 * The key table below is the whole configuration reference: section, key,
 * type, default and bounds.  inih does the parsing; our own line reader
 * counts lines so every complaint names its file and line.
 */
#include <ctype.h>
#include <stdarg.h>
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ini.h>

#include "core/cfg.h"
#include "core/util.h"

struct cfg cfg;

#ifndef OM_DATADIR
#define OM_DATADIR "/usr/local/share/ordermend"
#endif
#define DEFAULT_CONF "/etc/ordermend/ordermend.ini"

enum ktype { K_STR, K_INT, K_DUR, K_ENUM, K_PATH, K_SECRET, K_TZ, K_HM };

struct key {
	const char *section, *name;
	enum ktype type;
	size_t off;
	const char *def;
	long long min, max;
	const char *const *choices;	/* K_ENUM, NULL-terminated */
};

static const char *const url_styles[] = { "pretty", "cgi", NULL };
static const char *const secure_modes[] = { "auto", "always", "never", NULL };
static const char *const log_levels[] = { "debug", "info", "warn", "error", NULL };

#define O(f) offsetof(struct cfg, f)
#define DBKEYS(sec, f, defuser, defdb) \
	{ sec, "host", K_STR, O(f.host), "", 0, 255, NULL }, \
	{ sec, "port", K_INT, O(f.port), "3306", 1, 65535, NULL }, \
	{ sec, "socket", K_PATH, O(f.socket), "", 0, 4095, NULL }, \
	{ sec, "user", K_STR, O(f.user), defuser, 1, 80, NULL }, \
	{ sec, "password", K_SECRET, O(f.password), "", 0, 255, NULL }, \
	{ sec, "database", K_STR, O(f.database), defdb, 1, 64, NULL }, \
	{ sec, "connect_timeout", K_DUR, O(f.connect_timeout), "3s", 1, 60, NULL }, \
	{ sec, "read_timeout", K_DUR, O(f.read_timeout), "10s", 1, 600, NULL }, \
	{ sec, "write_timeout", K_DUR, O(f.write_timeout), "10s", 1, 600, NULL }, \
	{ sec, "query_timeout", K_DUR, O(f.query_timeout), "5s", 0, 600, NULL }

const char *const upstream_names[UP_COUNT] = {
	"order", "payment", "coupon", "inventory", "sms", "robot", "chat",
};

#define UPKEYS(name, i) \
	{ "upstream", name "_url", K_STR, O(upstream[i].url), "", 0, 255, NULL }, \
	{ "upstream", name "_token", K_SECRET, O(upstream[i].token), "", 0, 255, NULL }

static const struct key keys[] = {
	{ "server", "url_style", K_ENUM, O(url_style), "pretty", 0, 0, url_styles },
	{ "server", "cgi_base", K_STR, O(cgi_base), "/cgi-bin", 0, 200, NULL },
	{ "server", "static_url", K_STR, O(static_url), "/static", 1, 200, NULL },
	{ "server", "templates", K_PATH, O(templates), OM_DATADIR "/templates", 1, 4095, NULL },
	{ "server", "schema", K_PATH, O(schema), OM_DATADIR "/schema", 1, 4095, NULL },
	{ "server", "max_body", K_INT, O(max_body), "65536", 1024, 16777216, NULL },
	{ "server", "cookie_secure", K_ENUM, O(cookie_secure), "auto", 0, 0, secure_modes },
	{ "server", "public_origin", K_STR, O(public_origin), "", 0, 255, NULL },
	{ "server", "retry_after", K_DUR, O(retry_after), "5s", 1, 3600, NULL },
	{ "server", "time_zone", K_TZ, O(time_zone), "+08:00", 6, 6, NULL },
	{ "server", "workers", K_INT, O(workers), "4", 1, 256, NULL },
	{ "server", "request_timeout", K_DUR, O(request_timeout), "10s", 1, 600, NULL },
	{ "server", "memory_limit", K_INT, O(memory_limit), "1024", 0, 1048576, NULL },
	{ "health", "details_from", K_STR, O(health_details_from), "127.0.0.1 ::1", 0, 1000, NULL },
	{ "health", "token", K_SECRET, O(health_token), "", 0, 255, NULL },
	DBKEYS("replica", replica, "ordermend_ro", "shop"),
	{ "replica", "lag_warn", K_DUR, O(replica_lag_warn), "30s", 1, 86400, NULL },
	DBKEYS("console", console, "ordermend_web", "ordermend"),
	DBKEYS("admin", admin, "root", "ordermend"),
	{ "session", "idle_timeout", K_DUR, O(idle_timeout), "30m", 60, 86400, NULL },
	{ "session", "absolute_timeout", K_DUR, O(absolute_timeout), "12h", 300, 604800, NULL },
	{ "log", "level", K_ENUM, O(log_level), "info", 0, 0, log_levels },
	{ "log", "file", K_PATH, O(log_file), "", 0, 4095, NULL },
	{ "anomaly", "unpaid_timeout", K_DUR, O(unpaid_timeout), "30m", 60, 604800, NULL },
	{ "anomaly", "not_shipped", K_DUR, O(not_shipped), "48h", 3600, 2592000, NULL },
	{ "anomaly", "logistics_stalled", K_DUR, O(logistics_stalled), "72h", 3600, 2592000, NULL },
	{ "anomaly", "refund_stuck", K_DUR, O(refund_stuck), "24h", 3600, 2592000, NULL },
	{ "anomaly", "price_low_pct", K_INT, O(price_low_pct), "50", 1, 99, NULL },
	{ "anomaly", "price_high_pct", K_INT, O(price_high_pct), "150", 101, 10000, NULL },
	{ "scanner", "interval", K_DUR, O(scan_interval), "30s", 5, 3600, NULL },
	{ "scanner", "full_interval", K_DUR, O(scan_full_interval), "10m", 60, 86400, NULL },
	{ "scanner", "group_threshold", K_INT, O(group_threshold), "10", 2, 100000, NULL },
	{ "scanner", "group_window", K_DUR, O(group_window), "1h", 60, 604800, NULL },
	{ "scanner", "reopen_window", K_DUR, O(reopen_window), "24h", 60, 2592000, NULL },
	{ "queue", "counts_ttl", K_DUR, O(queue_counts_ttl), "10s", 0, 3600, NULL },
	{ "order", "activity_window", K_DUR, O(activity_window), "24h", 600, 604800, NULL },
	UPKEYS("order", UP_ORDER),
	UPKEYS("payment", UP_PAYMENT),
	UPKEYS("coupon", UP_COUPON),
	UPKEYS("inventory", UP_INVENTORY),
	UPKEYS("sms", UP_SMS),
	UPKEYS("robot", UP_ROBOT),
	{ "upstream", "timeout", K_DUR, O(upstream_timeout), "10s", 1, 300, NULL },
	{ "upstream", "connect_timeout", K_DUR, O(upstream_connect_timeout), "3s", 1, 60, NULL },
	{ "dispatch", "interval", K_DUR, O(dispatch_interval), "1s", 1, 3600, NULL },
	{ "dispatch", "batch", K_INT, O(dispatch_batch), "20", 1, 500, NULL },
	{ "dispatch", "lease", K_DUR, O(dispatch_lease), "60s", 5, 3600, NULL },
	{ "dispatch", "attempts", K_INT, O(dispatch_attempts), "8", 1, 100, NULL },
	{ "dispatch", "backoff", K_DUR, O(dispatch_backoff), "2s", 0, 3600, NULL },
	{ "dispatch", "backoff_max", K_DUR, O(dispatch_backoff_max), "10m", 0, 86400, NULL },
	{ "dispatch", "breaker_failures", K_INT, O(breaker_failures), "5", 1, 1000, NULL },
	{ "dispatch", "breaker_open", K_DUR, O(breaker_open), "30s", 1, 3600, NULL },
	{ "robot", "callback_url", K_STR, O(robot_callback_url), "", 0, 255, NULL },
	{ "robot", "secret", K_SECRET, O(robot_secret), "", 0, 255, NULL },
	{ "robot", "max_skew", K_DUR, O(robot_max_skew), "300s", 10, 3600, NULL },
	{ "robot", "window_start", K_HM, O(robot_window_start), "09:00", 5, 5, NULL },
	{ "robot", "window_end", K_HM, O(robot_window_end), "20:00", 5, 5, NULL },
	{ "robot", "attempts", K_INT, O(robot_attempts), "3", 1, 20, NULL },
	{ "robot", "in_flight", K_INT, O(robot_in_flight), "20", 1, 10000, NULL },
	{ "robot", "retry_no_answer", K_DUR, O(robot_retry_no_answer), "2h", 60, 604800, NULL },
	{ "robot", "retry_busy", K_DUR, O(robot_retry_busy), "30m", 60, 604800, NULL },
	{ "robot", "confidence", K_INT, O(robot_confidence), "80", 0, 100, NULL },
};

struct loader {
	const char *file;
	char *dir;			/* of file, for relative paths */
	FILE *fp;
	int line;
	int errors;
	int seen[NELEM(keys)];		/* line where each key was set */
	void (*report)(const char *, int, const char *);
};

static void
complain(struct loader *l, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
complain(struct loader *l, int line, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	l->errors++;
	if (l->report)
		l->report(line ? l->file : "environment", line, msg);
}

/* parse_dur: "90", "90s", "30m", "48h", "7d" into seconds. */
static int
parse_dur(const char *s, long long *out)
{
	size_t n = strlen(s);
	long long v, mul = 1;

	if (n == 0)
		return -1;
	switch (s[n - 1]) {
	case 's': mul = 1; n--; break;
	case 'm': mul = 60; n--; break;
	case 'h': mul = 3600; n--; break;
	case 'd': mul = 86400; n--; break;
	}
	if (parse_i64(s, n, &v) < 0 || v < 0 || v > LLONG_MAX / mul)
		return -1;
	*out = v * mul;
	return 0;
}

/* set_key: validate value and store it; 0 or -1 with *why set. */
static int
set_key(const struct key *k, const char *dir, const char *value,
    const char **why)
{
	char *base = (char *)&cfg + k->off;
	long long v;
	size_t len = strlen(value);
	int i;

	/* these reach SQL, so exactly this */
	if (k->type == K_HM && (len != 5 || strspn(value, "0123456789") != 2 ||
	    value[2] != ':' || strspn(value + 3, "0123456789") != 2 ||
	    (value[0] - '0') * 10 + (value[1] - '0') > 23 || value[3] > '5')) {
		*why = "not a time of day like 09:00";
		return -1;
	}
	if (k->type == K_TZ && (len != 6 || (value[0] != '+' && value[0] != '-') ||
	    strspn(value + 1, "0123456789") != 2 || value[3] != ':' ||
	    strspn(value + 4, "0123456789") != 2)) {
		*why = "not a UTC offset like +08:00";
		return -1;
	}
	switch (k->type) {
	case K_HM:
	case K_TZ:
	case K_STR:
	case K_SECRET:
	case K_PATH:
		if ((long long)len < k->min || (long long)len > k->max) {
			*why = len ? "value too long" : "value must not be empty";
			return -1;
		}
		if (str_has_ctl(value, len) || !utf8_valid(value, len)) {
			*why = "value has control characters or bad UTF-8";
			return -1;
		}
		free(*(char **)base);
		if (k->type == K_PATH && len && value[0] != '/' && dir) {
			size_t n = strlen(dir) + len + 2;
			char *p = xmalloc(n);

			snprintf(p, n, "%s/%s", dir, value);
			*(char **)base = p;
		} else
			*(char **)base = xstrdup(value);
		return 0;
	case K_INT:
		if (parse_i64(value, len, &v) < 0) {
			*why = "not a whole number";
			return -1;
		}
		goto bounds;
	case K_DUR:
		if (parse_dur(value, &v) < 0) {
			*why = "not a duration (like 90s, 30m, 48h, 7d)";
			return -1;
		}
	bounds:
		if (v < k->min || v > k->max) {
			*why = "out of bounds";
			return -1;
		}
		*(long long *)base = v;
		return 0;
	case K_ENUM:
		for (i = 0; k->choices[i]; i++)
			if (strcmp(value, k->choices[i]) == 0) {
				*(int *)base = i;
				return 0;
			}
		*why = "not one of the allowed values";
		return -1;
	}
	*why = "unknown key type";
	return -1;
}

static const struct key *
find_key(const char *section, const char *name, size_t *idx)
{
	size_t i;

	for (i = 0; i < NELEM(keys); i++)
		if (strcmp(keys[i].section, section) == 0 &&
		    strcmp(keys[i].name, name) == 0) {
			*idx = i;
			return &keys[i];
		}
	return NULL;
}

static int
on_key(void *user, const char *section, const char *name, const char *value)
{
	struct loader *l = user;
	const struct key *k;
	const char *why = NULL;
	size_t i;

	k = find_key(section, name, &i);
	if (k == NULL) {
		complain(l, l->line, "[%s] %s: unknown key", section, name);
		return 1;
	}
	if (l->seen[i]) {
		complain(l, l->line, "[%s] %s: set twice (first on line %d)",
		    section, name, l->seen[i]);
		return 1;
	}
	l->seen[i] = l->line;
	if (set_key(k, l->dir, value, &why) < 0) {
		if (k->type == K_ENUM) {
			char list[128] = "";
			int j;

			for (j = 0; k->choices[j]; j++) {
				strncat(list, j ? ", " : "", sizeof(list) - strlen(list) - 1);
				strncat(list, k->choices[j], sizeof(list) - strlen(list) - 1);
			}
			complain(l, l->line, "[%s] %s: %s (%s)", section, name, why, list);
		} else if (k->type == K_INT || k->type == K_DUR)
			complain(l, l->line, "[%s] %s: %s (%lld..%lld%s)", section,
			    name, why, k->min, k->max, k->type == K_DUR ? " seconds" : "");
		else
			complain(l, l->line, "[%s] %s: %s", section, name, why);
	}
	return 1;
}

/* read_line: inih's line reader, counting lines as it goes.  A line longer
 * than inih's buffer is reported and skipped whole. */
static char *
read_line(char *str, int num, void *stream)
{
	struct loader *l = stream;
	int c;

	for (;;) {
		if (fgets(str, num, l->fp) == NULL)
			return NULL;
		l->line++;
		if (strchr(str, '\n') || feof(l->fp))
			return str;
		while ((c = fgetc(l->fp)) != EOF && c != '\n')
			;
		complain(l, l->line, "line longer than %d bytes", num - 2);
		str[0] = '\0';
		return str;
	}
}

static void
set_defaults(void)
{
	size_t i;
	const char *why;

	for (i = 0; i < NELEM(keys); i++)
		if (set_key(&keys[i], NULL, keys[i].def, &why) < 0)
			die("config: bad default for [%s] %s: %s",
			    keys[i].section, keys[i].name, why);
	free(cfg.upstream[UP_CHAT].url);	/* no keys of its own */
	free(cfg.upstream[UP_CHAT].token);
	cfg.upstream[UP_CHAT].url = xstrdup("");
	cfg.upstream[UP_CHAT].token = xstrdup("");
}

static void
from_env(struct loader *l)
{
	size_t i;

	for (i = 0; i < NELEM(keys); i++) {
		char name[96], *p;
		const char *v, *why = NULL;

		snprintf(name, sizeof(name), "ORDERMEND_%s_%s", keys[i].section,
		    keys[i].name);
		for (p = name; *p; p++)
			*p = (char)toupper((unsigned char)*p);
		if ((v = getenv(name)) == NULL)
			continue;
		if (set_key(&keys[i], NULL, v, &why) < 0)
			complain(l, 0, "%s: %s", name, why);
		else
			l->seen[i] = -1;
	}
}

/* The [admin] connection defaults to the console's server. */
static void
inherit_admin(const struct loader *l)
{
	size_t i;

	for (i = 0; i < NELEM(keys); i++) {
		const struct key *k = &keys[i], *ck;
		size_t j;

		if (strcmp(k->section, "admin") != 0 || l->seen[i] ||
		    strcmp(k->name, "user") == 0 ||
		    strcmp(k->name, "password") == 0)
			continue;
		ck = find_key("console", k->name, &j);
		if (k->type == K_INT || k->type == K_DUR)
			*(long long *)((char *)&cfg + k->off) =
			    *(long long *)((char *)&cfg + ck->off);
		else {
			free(*(char **)((char *)&cfg + k->off));
			*(char **)((char *)&cfg + k->off) =
			    xstrdup(*(char **)((char *)&cfg + ck->off));
		}
	}
}

int
cfg_load(const char *path, void (*report)(const char *, int, const char *))
{
	struct loader l;
	int explicit = path != NULL || getenv("ORDERMEND_CONF") != NULL;
	int rc;

	memset(&l, 0, sizeof(l));
	l.report = report;
	set_defaults();
	if (path == NULL)
		path = getenv("ORDERMEND_CONF");
	if (path == NULL || *path == '\0')
		path = DEFAULT_CONF;
	l.file = path;
	if ((l.fp = fopen(path, "r")) == NULL) {
		if (explicit || errno != ENOENT) {
			l.errors++;
			if (report) {
				char msg[300];

				snprintf(msg, sizeof(msg), "cannot open: %s",
				    strerror(errno));
				report(path, 0, msg);
			}
		}
	} else {
		const char *slash = strrchr(path, '/');

		free((char *)cfg.path);
		cfg.path = xstrdup(path);
		l.dir = slash ? strndup(path, (size_t)(slash - path)) : xstrdup(".");
		if (l.dir && l.dir[0] == '\0') {
			free(l.dir);
			l.dir = xstrdup("/");
		}
		rc = ini_parse_stream(read_line, &l, on_key, &l);
		if (rc > 0)
			complain(&l, rc, "syntax error");
		fclose(l.fp);
	}
	from_env(&l);
	inherit_admin(&l);
	free(l.dir);
	return l.errors;
}

void
cfg_dump(void *out)
{
	FILE *fp = out;
	size_t i;

	for (i = 0; i < NELEM(keys); i++) {
		const struct key *k = &keys[i];
		const char *base = (const char *)&cfg + k->off;

		if (i == 0 || strcmp(keys[i - 1].section, k->section) != 0)
			fprintf(fp, "%s[%s]\n", i ? "\n" : "", k->section);
		fprintf(fp, "%s = ", k->name);
		switch (k->type) {
		case K_SECRET:
			fputs(**(char *const *)base ? "(set)" : "", fp);
			break;
		case K_STR:
		case K_PATH:
		case K_TZ:
		case K_HM:
			fputs(*(char *const *)base, fp);
			break;
		case K_INT:
		case K_DUR:
			fprintf(fp, "%lld", *(const long long *)base);
			break;
		case K_ENUM:
			fputs(k->choices[*(const int *)base], fp);
			break;
		}
		fputc('\n', fp);
	}
}

long
cfg_tz_offset(void)
{
	const char *z = cfg.time_zone;	/* exactly [+-]HH:MM (K_TZ) */
	long off = ((z[1] - '0') * 10 + (z[2] - '0')) * 3600L +
	    ((z[4] - '0') * 10 + (z[5] - '0')) * 60L;

	return z[0] == '-' ? -off : off;
}
