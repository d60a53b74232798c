/* http.c: upstream-sim's listener — the loop, connections, delays and hangs
 *
 * libmicrohttpd in external-select mode: this loop owns the only thread.
 * A request whose service is told to wait is suspended (MHD_suspend_
 * connection) and resumed by the loop when its delay ends, or when its
 * hang is cleared (sim_wake), so a slow service never holds up the control
 * endpoint.  Refusing connections closes the listening socket
 * (MHD_quiesce_daemon) and starts a new daemon on the same address when
 * the time is up; the old one lives on until its last connection is
 * answered.  Every answer closes its connection, so a client's kept-alive
 * connection cannot slip past a refusal.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <unistd.h>

#include <microhttpd.h>

#include "core/log.h"
#include "core/util.h"
#include "sim.h"

#define MAX_OLD	16		/* quiesced daemons still answering */

/* One connection's request. */
struct conn {
	struct MHD_Connection *mc;
	struct buf body;
	int too_big;
	int svc;		/* its service, or -1 */
	int waited;		/* its delay or hang is behind it */
	int suspended;
	int64_t wake_at;	/* a delay's end; 0: hung until cleared */
	int64_t t0;
	struct conn *next;	/* in the suspended list */
};

static struct sockaddr_in listen_addr;	/* where to listen (again) */
static struct MHD_Daemon *live;		/* listening; NULL while refusing */
static struct MHD_Daemon *old[MAX_OLD];
static int nold;
static int64_t refuse_until;		/* re-listen then */
static struct conn *waiting;		/* suspended connections */
static int resumed;			/* something was resumed this turn */
static struct arena arena;
static const volatile sig_atomic_t *stopping;

static void
resume(struct conn *k)
{
	struct conn **pp;

	for (pp = &waiting; *pp; pp = &(*pp)->next)
		if (*pp == k) {
			*pp = k->next;
			break;
		}
	k->suspended = 0;
	k->next = NULL;
	MHD_resume_connection(k->mc);
	resumed = 1;
}

void
sim_wake(int svc)
{
	struct conn *k, *next;

	for (k = waiting; k; k = next) {
		next = k->next;
		if (k->wake_at == 0 && (svc < 0 || k->svc == svc) &&
		    fault_wait((enum upstream)k->svc) >= 0)
			resume(k);
	}
}

void
sim_refuse(long long ms)
{
	MHD_socket fd;

	/* At once, before the answer to the request that asks for it goes
	 * out: a client's next connection must find no listener, not a
	 * backlog about to be reset.  Closing the socket from inside the
	 * daemon's callback is safe in external-select mode once it is
	 * quiesced: MHD accepts before it serves, and never again after. */
	if (live && nold < MAX_OLD) {
		if ((fd = MHD_quiesce_daemon(live)) != MHD_INVALID_SOCKET)
			close(fd);
		old[nold++] = live;
		live = NULL;
	}
	if (refuse_until < now_ms() + ms)
		refuse_until = now_ms() + ms;
	log_ev(LOG_INFO, NULL, "refusing", "ms=%lld", ms);
}

static const char *
query_arg(const struct sim_req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

/* from_loopback: the client is on this machine (the listener is IPv4). */
static int
from_loopback(struct MHD_Connection *mc)
{
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(mc, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci ? ci->client_addr : NULL;

	return sa && sa->sa_family == AF_INET &&
	    ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr) >> 24 == 127;
}

static enum MHD_Result
respond(struct conn *k, const char *url, const char *method)
{
	struct MHD_Connection *mc = k->mc;
	struct sim_resp out = { .status = 500, .outcome = "error" };
	struct sim_req r = {
		.method = method, .path = url,
		.auth = MHD_lookup_connection_value(mc, MHD_HEADER_KIND, "Authorization"),
		.key = MHD_lookup_connection_value(mc, MHD_HEADER_KIND, "Idempotency-Key"),
		.ctype = MHD_lookup_connection_value(mc, MHD_HEADER_KIND, "Content-Type"),
		.body = k->body.p ? k->body.p : "", .len = k->body.len,
		.too_big = k->too_big, .loopback = from_loopback(mc),
		.arg = query_arg, .conn = mc,
	};
	struct MHD_Response *resp;
	enum MHD_Result rc;

	if (*stopping) {
		out.status = 503;
		out.outcome = "stopping";
		buf_puts(&out.body, "{\"message\":\"模拟服务正在停止\"}");
	} else if (strncmp(url, "/_sim/", 6) == 0)
		control_serve(&r, &out, &arena);
	else
		serve(&r, &out, &arena);
	resp = MHD_create_response_from_buffer(out.body.len, out.body.p ? out.body.p : "",
	    MHD_RESPMEM_MUST_COPY);
	if (resp == NULL)
		abort();
	MHD_add_response_header(resp, "Content-Type", "application/json; charset=utf-8");
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	MHD_add_response_header(resp, "Connection", "close");
	if (out.replayed)
		MHD_add_response_header(resp, "Idempotent-Replayed", "true");
	if (out.status == 401)
		MHD_add_response_header(resp, "WWW-Authenticate", "Bearer");
	rc = MHD_queue_response(mc, (unsigned)out.status, resp);
	MHD_destroy_response(resp);
	log_ev(LOG_INFO, NULL, "request", "method=%s path=%s status=%d outcome=%s"
	    " effect=%d key=%s ms=%lld", method, url, out.status, out.outcome, out.effect,
	    r.key ? r.key : "", (long long)(now_ms() - k->t0));
	buf_free(&out.body);
	arena_reset(&arena);
	return rc;
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *mc, const char *url, const char *method,
    const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
	struct conn *k = *con_cls;
	long long w;

	(void)cls;
	(void)version;
	if (k == NULL) {	/* the headers: the body comes next */
		k = xcalloc(1, sizeof(*k));
		k->mc = mc;
		k->t0 = now_ms();
		k->svc = route_service(url);
		*con_cls = k;
		return MHD_YES;
	}
	if (*upload_size) {
		if (k->body.len + *upload_size > SIM_MAX_BODY)
			k->too_big = 1;
		else
			buf_add(&k->body, upload, *upload_size);
		*upload_size = 0;
		return MHD_YES;
	}
	if (!k->waited && k->svc >= 0 && !*stopping) {
		k->waited = 1;
		if ((w = fault_wait((enum upstream)k->svc)) != 0) {
			MHD_suspend_connection(mc);
			k->suspended = 1;
			k->wake_at = w > 0 ? now_ms() + w : 0;
			k->next = waiting;
			waiting = k;
			return MHD_YES;
		}
	}
	return respond(k, url, method);
}

static void
on_done(void *cls, struct MHD_Connection *mc, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct conn *k = *con_cls;

	(void)cls;
	(void)mc;
	(void)toe;
	if (k == NULL)
		return;
	if (k->suspended)	/* cannot happen: MHD resumes before it ends one */
		resume(k);
	buf_free(&k->body);
	free(k);
	*con_cls = NULL;
}

static void
mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[256];
	size_t n;

	(void)cls;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	n = strlen(msg);
	while (n > 0 && msg[n - 1] == '\n')
		msg[--n] = '\0';
	log_ev(LOG_WARN, NULL, "mhd", "error=%s", msg);
}

static struct MHD_Daemon *
start_daemon(void)
{
	return MHD_start_daemon(MHD_USE_ERROR_LOG | MHD_ALLOW_SUSPEND_RESUME,
	    ntohs(listen_addr.sin_port), NULL, NULL, on_request, NULL,
	    MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,	/* first, to catch all */
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&listen_addr,
	    MHD_OPTION_NOTIFY_COMPLETED, on_done, NULL,
	    MHD_OPTION_CONNECTION_LIMIT, 256u,
	    MHD_OPTION_CONNECTION_TIMEOUT, 30u,
	    MHD_OPTION_END);
}

/* done_with: 1 when a quiesced daemon has nothing left to answer (a
 * daemon may not be stopped while it holds a suspended connection). */
static int
done_with(struct MHD_Daemon *d)
{
	const union MHD_DaemonInfo *di =
	    MHD_get_daemon_info(d, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
	const union MHD_ConnectionInfo *ci;
	struct conn *k;

	for (k = waiting; k; k = k->next)
		if ((ci = MHD_get_connection_info(k->mc, MHD_CONNECTION_INFO_DAEMON)) &&
		    ci->daemon == d)
			return 0;
	return di && di->num_connections == 0;
}

/* timers: delays that are over, a refusal that is over, daemons with
 * nothing left to answer. */
static void
timers(void)
{
	int64_t now = now_ms();
	struct conn *k, *next;
	int i;

	for (k = waiting; k; k = next) {
		next = k->next;
		if (k->wake_at && now >= k->wake_at)
			resume(k);
	}
	if (live == NULL && now >= refuse_until) {
		if ((live = start_daemon()) == NULL)
			refuse_until = now + 100;	/* the port is not free yet */
		else
			log_ev(LOG_INFO, NULL, "listening", "port=%d", ntohs(listen_addr.sin_port));
	}
	for (i = 0; i < nold; i++)
		if (done_with(old[i])) {
			MHD_stop_daemon(old[i]);
			old[i--] = old[--nold];
		}
}

/* turn: wait for the sockets of every daemon (or a timer), then run them. */
static void
turn(void)
{
	struct MHD_Daemon *ds[MAX_OLD + 1];
	MHD_UNSIGNED_LONG_LONG t;
	fd_set rs, ws, es;
	MHD_socket maxfd = -1;
	long long wait = resumed ? 0 : 500;
	struct conn *k;
	struct timeval tv;
	int i, n = 0;

	resumed = 0;
	if (live)
		ds[n++] = live;
	for (i = 0; i < nold; i++)
		ds[n++] = old[i];
	FD_ZERO(&rs);
	FD_ZERO(&ws);
	FD_ZERO(&es);
	for (i = 0; i < n; i++) {
		MHD_get_fdset(ds[i], &rs, &ws, &es, &maxfd);
		if (MHD_get_timeout(ds[i], &t) == MHD_YES && (long long)t < wait)
			wait = (long long)t;
	}
	for (k = waiting; k; k = k->next)
		if (k->wake_at && k->wake_at - now_ms() < wait)
			wait = k->wake_at - now_ms();
	if (live == NULL && refuse_until - now_ms() < wait)
		wait = refuse_until - now_ms();
	if (wait < 0)
		wait = 0;
	tv.tv_sec = wait / 1000;
	tv.tv_usec = (wait % 1000) * 1000;
	if (select(maxfd + 1, &rs, &ws, &es, &tv) < 0) {
		if (errno != EINTR)
			log_ev(LOG_ERROR, NULL, "select_failed", "errno=%d", errno);
		FD_ZERO(&rs);
		FD_ZERO(&ws);
		FD_ZERO(&es);
	}
	for (i = 0; i < n; i++)
		MHD_run_from_select(ds[i], &rs, &ws, &es);
	timers();
}

int
http_run(const struct sockaddr_in *addr, const volatile sig_atomic_t *stop)
{
	int i, j;

	listen_addr = *addr;
	stopping = stop;
	if ((live = start_daemon()) == NULL)
		return -1;
	arena_init(&arena, 1 << 16);
	while (!*stopping)
		turn();

	/* Suspended connections must be resumed before their daemon stops;
	 * they are answered 503, without effect. */
	while (waiting)
		resume(waiting);
	for (i = 0; i < 3; i++) {
		if (live)
			MHD_run(live);
		for (j = 0; j < nold; j++)
			MHD_run(old[j]);
	}
	if (live)
		MHD_stop_daemon(live);
	for (i = 0; i < nold; i++)
		MHD_stop_daemon(old[i]);
	arena_cleanup(&arena);
	return 0;
}
