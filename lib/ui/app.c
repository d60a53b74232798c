/* app.c: start-up and the accept loop (see app.h)
 *
 * This file and resp.c are the only code that touches the client's
 * connection: the FastCGI and CGI transports live here.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcgiapp.h>

#include "core/cfg.h"
#include "core/db.h"
#include "core/resp.h"
#include "core/tmpl.h"
#include "core/url.h"
#include "core/util.h"
#include "domain/audit.h"
#include "ui/app.h"
#include "ui/auth.h"
#include "ui/page.h"

extern char **environ;

static volatile sig_atomic_t stopping;

/* --- transports ------------------------------------------------------ */

static const char *
fcgi_getenv(void *ctx, const char *name)
{
	return FCGX_GetParam(name, ((FCGX_Request *)ctx)->envp);
}

static int
fcgi_read(void *ctx, char *buf, int n)
{
	return FCGX_GetStr(buf, n, ((FCGX_Request *)ctx)->in);
}

static int
fcgi_write(void *ctx, const char *buf, int n)
{
	return FCGX_PutStr(buf, n, ((FCGX_Request *)ctx)->out);
}

static const char *
cgi_getenv(void *ctx, const char *name)
{
	(void)ctx;
	return getenv(name);
}

static int
cgi_read(void *ctx, char *buf, int n)
{
	(void)ctx;
	return (int)fread(buf, 1, (size_t)n, stdin);
}

static int
cgi_write(void *ctx, const char *buf, int n)
{
	(void)ctx;
	return (int)fwrite(buf, 1, (size_t)n, stdout);
}

/* --- dispatch -------------------------------------------------------- */

/* match: pattern against path, capturing the '*' segments. */
static int
match(struct req *r, const char *pat, const char *path)
{
	r->nseg = 0;
	while (*pat) {
		if (*pat == '*') {
			const char *start = path;

			while (*path && *path != '/')
				path++;
			if (path == start || r->nseg == REQ_MAX_SEGS)
				return 0;
			r->seg[r->nseg++] = arena_strndup(&r->arena, start,
			    (size_t)(path - start));
			pat++;
		} else if (*pat++ != *path++)
			return 0;
	}
	/* one trailing slash is forgiven */
	return *path == '\0' || (path[0] == '/' && path[1] == '\0');
}

static void
to_login(struct req *r)
{
	const char *next = r->path;

	if (r->json || strcmp(r->method, "GET") != 0) {
		resp_header(r, "WWW-Authenticate", "Bearer realm=\"ordermend\"");
		page_error(r, 401, "需要登录", "请先登录。");
		return;
	}
	if (r->query[0])
		next = arena_printf(&r->arena, "%s?%s", r->path, r->query);
	resp_redirect(r, url_for(&r->arena, "/login?next=%s", next));
}

static void
dispatch(struct req *r, const struct route *routes)
{
	const struct route *rt, *found = NULL;
	const char *method = r->head ? "GET" : r->method;
	int path_ok = 0, rc;

	for (rt = routes; rt->method; rt++)
		if (match(r, rt->pattern, r->path)) {
			path_ok = 1;
			if (strcmp(rt->method, method) == 0) {
				found = rt;
				break;
			}
		}
	if (found == NULL) {
		if (path_ok) {
			struct buf allow = { 0 };

			for (rt = routes; rt->method; rt++)
				if (match(r, rt->pattern, r->path) &&
				    !strstr(allow.p ? allow.p : "", rt->method))
					buf_printf(&allow, "%s%s",
					    allow.len ? ", " : "", rt->method);
			resp_header(r, "Allow", "%s", allow.p);
			buf_free(&allow);
			page_error(r, 405, "方法不允许", "这个地址不接受 %s 请求。", r->method);
		} else {
			/* signed in, the page keeps the agent's header and the
			 * search box: a wrong address is a search away */
			if (auth_load(r) != DB_OK)
				r->sess = NULL;
			page_error(r, 404, "页面不存在", "%s", r->sess ?
			    "没有这个页面。请检查地址，或用下面的搜索框查找订单。" :
			    "没有这个页面。请检查地址。");
		}
		return;
	}
	match(r, found->pattern, r->path);	/* recapture the segments */

	if (found->perm == AUTH_SIGNED) {	/* the signature is the authentication */
		found->handler(r);
		return;
	}
	if ((rc = auth_load(r)) != DB_OK) {
		page_db_error(r, rc);
		return;
	}
	if (found->perm != AUTH_PUBLIC && r->sess == NULL) {
		to_login(r);
		return;
	}
	if (!auth_can(r, found->perm)) {
		audit(&r->arena, auth_actor(r), "permission_denied", NULL, r->path,
		    strcmp(method, "GET") == 0 ? "打开页面" : "提交操作");
		rlog(r, LOG_WARN, "forbidden", "login=%s path=%s", r->sess->login,
		    r->path);
		page_error(r, 403, "没有权限", "你的角色不能做这件事。如需权限，请联系管理员。");
		return;
	}
	if (r->sess && r->sess->must_change_password &&
	    strcmp(r->path, "/account/password") != 0 && strcmp(r->path, "/logout") != 0) {
		/* a password an admin set must be replaced before anything else */
		if (!r->json && strcmp(method, "GET") == 0)
			resp_redirect(r, url_for(&r->arena, "/account/password"));
		else
			page_error(r, 403, "请先修改密码",
			    "你的密码已被重置，请先在「修改密码」页面设置新密码。");
		return;
	}
	/* a script with an API token needs no CSRF token: no browser sends
	 * an Authorization header on its own */
	if (strcmp(r->method, "POST") == 0 && !(r->sess && r->sess->token_id) &&
	    !auth_csrf_ok(r)) {
		audit(&r->arena, auth_actor(r), "csrf_refused", NULL, r->path, r->err);
		rlog(r, LOG_WARN, "csrf_refused", "path=%s why=%s", r->path, r->err);
		page_error(r, 403, "请求被拒绝",
		    "表单已过期，或来自其他网站。请刷新页面后重试。");
		return;
	}
	found->handler(r);
}

static void
serve(struct req *r, const struct req_io *io, const struct route *routes)
{
	int rc = req_parse(r, io, (size_t)cfg.max_body);

	if (rc != 0)
		page_error(r, rc, rc == 413 ? "请求过大" : "请求无效", "%s", r->err);
	else
		dispatch(r, routes);
	if (!r->done)
		page_error(r, 500, "内部错误", "页面没有给出回答。");
	resp_send(r);
	rlog(r, r->status >= 500 ? LOG_WARN : LOG_INFO, "request",
	    "method=%s path=%s status=%d ms=%lld", r->method ? r->method : "-",
	    r->path ? r->path : "-", r->status, (long long)(now_ms() - r->t0));
}

/* --- start-up -------------------------------------------------------- */

static void
on_term(int sig)
{
	(void)sig;
	stopping = 1;
	FCGX_ShutdownPending();
}

static void
cfg_complaint(const char *file, int line, const char *msg)
{
	if (line)
		fprintf(stderr, "%s:%d: %s\n", file, line, msg);
	else
		fprintf(stderr, "%s: %s\n", file, msg);
}

/* --- workers ---------------------------------------------------------- */

/* limit_memory: a worker may use [server] memory_limit MiB of address
 * space: one request cannot take the machine's memory, and a record that
 * makes libfcgi ask for gigabytes ends the worker (its allocator aborts),
 * which the supervisor replaces, instead of holding it.  Not under the
 * address sanitizer, which reserves terabytes by design. */
static void
limit_memory(void)
{
#ifndef __SANITIZE_ADDRESS__
	struct rlimit rl;

	if (cfg.memory_limit <= 0)
		return;
	rl.rlim_cur = rl.rlim_max = (rlim_t)cfg.memory_limit << 20;
	setrlimit(RLIMIT_AS, &rl);
#endif
}

/* supervise: under FastCGI the first process keeps [server] workers
 * workers, each a fork sharing the listening socket (fd 0), and replaces
 * one that dies at once — a hostile record can make libfcgi abort a
 * worker, and nothing else would start another (spawn-fcgi does not).  A
 * worker that died within a second of its start is replaced after a tenth
 * of one, so a crash loop does not spin.  SIGTERM stops the workers and
 * then the supervisor.  Returns in each worker; the supervisor exits. */
static void
supervise(const char *name)
{
	long long n = cfg.workers, i, alive = 0;
	pid_t *kids = xcalloc((size_t)n, sizeof(*kids)), pid;
	int64_t *born = xcalloc((size_t)n, sizeof(*born));
	struct sigaction sa;
	int status;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_term;	/* no SA_RESTART: waitpid returns */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	log_ev(LOG_INFO, NULL, "supervisor", "pid=%ld workers=%lld", (long)getpid(), n);
	for (;;) {
		for (i = 0; i < n && !stopping; i++) {
			if (kids[i])
				continue;
			if (born[i] && now_ms() - born[i] < 1000)
				usleep(100000);
			if ((pid = fork()) == 0) {
				free(kids);
				free(born);
				signal(SIGTERM, SIG_DFL);
				signal(SIGINT, SIG_DFL);
				limit_memory();
				return;
			}
			if (pid < 0) {
				log_ev(LOG_ERROR, NULL, "fork_failed", "errno=%d", errno);
				sleep(1);
				continue;
			}
			kids[i] = pid;
			born[i] = now_ms();
			alive++;
		}
		if (stopping || alive == 0)
			break;
		if ((pid = waitpid(-1, &status, 0)) < 0)
			continue;	/* a signal: look again */
		for (i = 0; i < n; i++)
			if (kids[i] == pid) {
				kids[i] = 0;
				alive--;
				if (!stopping)
					log_ev(LOG_WARN, NULL, "worker_died", "program=%s pid=%ld"
					    " status=%d signal=%d", name, (long)pid,
					    WIFEXITED(status) ? WEXITSTATUS(status) : -1,
					    WIFSIGNALED(status) ? WTERMSIG(status) : 0);
			}
	}
	for (i = 0; i < n; i++)
		if (kids[i])
			kill(kids[i], SIGTERM);
	while (alive > 0 && waitpid(-1, &status, 0) > 0)
		alive--;
	log_ev(LOG_INFO, NULL, "stop", "pid=%ld", (long)getpid());
	exit(0);
}

/* idle_timeout: a connection that sends nothing for [server]
 * request_timeout is dropped, not waited for: accepted sockets inherit
 * the listening socket's timeouts, and libfcgi closes a connection whose
 * read fails and accepts the next.  accept() itself then also returns
 * EAGAIN after that long with no connection: the loop accepts again. */
static void
idle_timeout(void)
{
	struct timeval tv = { .tv_sec = (time_t)cfg.request_timeout };
	int fl = fcntl(0, F_GETFL);

	if (fl != -1 && (fl & O_NONBLOCK))	/* an accept loop must block */
		fcntl(0, F_SETFL, fl & ~O_NONBLOCK);
	setsockopt(0, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(0, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

/* check_mounts: every route of a mounted program is under its mounts
 * (tools/mounts), so nginx, the links and the table agree; a program
 * that disagrees does not start. */
static void
check_mounts(const char *name, const struct route *routes)
{
	const struct route *rt;
	char path[256];
	const char *p, *prog;
	size_t n;

	if (!url_mounted(name))
		return;		/* not a page family (the benchmark's probes) */
	for (rt = routes; rt->method; rt++) {
		for (n = 0, p = rt->pattern; *p && n + 2 < sizeof(path); p++)
			path[n++] = *p == '*' ? 'x' : *p;
		path[n] = '\0';
		if ((prog = url_program(path)) == NULL || strcmp(prog, name) != 0)
			die("route %s %s is mounted to %s, not %s (cgi-bin/%s/routes.c)",
			    rt->method, rt->pattern, prog ? prog : "no program", name, name);
	}
}

/* print_routes: "program METHOD pattern perm[+perm...]" a line, for tests
 * and for admins wondering who may open what. */
static void
print_routes(const char *name, const struct route *routes)
{
	const struct route *rt;
	int i, n;

	for (rt = routes; rt->method; rt++) {
		printf("%s %s %s ", name, rt->method, rt->pattern);
		if (rt->perm == AUTH_PUBLIC)
			fputs("public", stdout);
		else if (rt->perm == AUTH_SIGNED)
			fputs("signed", stdout);
		else if (rt->perm == AUTH_ANY)
			fputs("any", stdout);
		for (i = 0, n = 0; rt->perm > 0 && i < PERM_COUNT; i++)
			if (rt->perm & (1L << i))
				printf("%s%s", n++ ? "+" : "", perm_labels[i].code);
		putchar('\n');
	}
}

int
app_main(int argc, char **argv, const char *name, const struct route *routes,
    void (*start)(void))
{
	struct req r;
	char err[512];
	int check = 0;
	int lvl;

	check_mounts(name, routes);
	if (argc > 1 && strcmp(argv[1], "--routes") == 0) {
		print_routes(name, routes);
		return 0;
	}
	if (argc > 1 && strcmp(argv[1], "--check") == 0)
		check = 1;
	else if (argc > 1)
		die("usage: %s [--routes | --check]", argv[0]);

	signal(SIGPIPE, SIG_IGN);
	auth_init();
	if (cfg_load(NULL, cfg_complaint) != 0)
		die("the configuration has errors (mendctl check-config)");
	lvl = cfg.log_level;
	log_init(name, (enum log_level)lvl);
	if (cfg.log_file[0] && log_to_file(cfg.log_file) < 0)
		die("cannot open log file %s", cfg.log_file);
	if (tmpl_init(cfg.templates, err, sizeof(err)) < 0)
		die("%s", err);
	if (check)
		return 0;
	db_init();
	resp_init();
	if (start)
		start();
	req_init(&r);

	if (FCGX_IsCGI()) {
		static const struct req_io cgi = { cgi_getenv, cgi_read, cgi_write, NULL };

		serve(&r, &cgi, routes);
		fflush(stdout);
		req_cleanup(&r);
	} else {
		FCGX_Request fr;
		struct req_io io = { fcgi_getenv, fcgi_read, fcgi_write, NULL };
		struct sigaction sa;

		idle_timeout();
		supervise(name);
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_term;
		sigaction(SIGTERM, &sa, NULL);
		sigaction(SIGINT, &sa, NULL);
		FCGX_Init();
		FCGX_InitRequest(&fr, 0, FCGI_FAIL_ACCEPT_ON_INTR);
		io.ctx = &fr;
		log_ev(LOG_INFO, NULL, "start", "pid=%ld", (long)getpid());
		while (!stopping) {
			int rc = FCGX_Accept_r(&fr);

			/* an idle worker's accept times out with the socket
			 * (idle_timeout): nothing came, wait again */
			if (rc == -EAGAIN || rc == -EWOULDBLOCK)
				continue;
			if (rc < 0)
				break;
			serve(&r, &io, routes);
			FCGX_Finish_r(&fr);
			req_cleanup(&r);
		}
		FCGX_Free(&fr, 1);
		log_ev(LOG_INFO, NULL, "stop", "pid=%ld", (long)getpid());
	}
	arena_cleanup(&r.arena);
	buf_free(&r.head_buf);
	buf_free(&r.body_buf);
	db_shutdown();
	return 0;
}
