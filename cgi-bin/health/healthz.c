/* healthz.c: /healthz — is this worker able to serve?
 *
 * GET /healthz (public): {"status": "ok"}, 200 when both databases answer,
 * or "degraded", 503 when one does not, so a load balancer can take the
 * host out.  The details — each database up or not, whether the replica
 * replicates and how far behind it is — only for the addresses in
 * [health] details_from, or with "Authorization: Bearer" and [health]
 * token: the replication state of a shop is nobody else's business.  It
 * sets no cookie.
 */
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "core/cfg.h"
#include "core/db.h"
#include "core/model.h"
#include "core/resp.h"
#include "health.h"

/* listed: addr is one of the space- or comma-separated addresses. */
static int
listed(const char *list, const char *addr)
{
	size_t n = strlen(addr), k;
	const char *p = list;

	while (n && *p) {
		p += strspn(p, " ,");
		k = strcspn(p, " ,");
		if (k == n && strncmp(p, addr, n) == 0)
			return 1;
		p += k;
	}
	return 0;
}

/* details: may this client see the details? */
static int
details(struct req *r)
{
	const char *authz = req_env(r, "HTTP_AUTHORIZATION");
	size_t n = strlen(cfg.health_token);

	if (n && authz && strncasecmp(authz, "Bearer ", 7) == 0 && strlen(authz + 7) == n &&
	    sodium_memcmp(authz + 7, cfg.health_token, n) == 0)
		return 1;
	return r->remote_addr && listed(cfg.health_details_from, r->remote_addr);
}

void
page_health(struct req *r)
{
	json_object *m = m_obj(), *d;
	int replica = db_ping(DB_REPLICA) == DB_OK, console = db_ping(DB_CONSOLE) == DB_OK;
	int ok = replica && console, known;
	long long lag = 0;

	m_str(m, "status", ok ? "ok" : "degraded");
	if (details(r)) {
		d = m_add(m, "replica", m_obj());
		m_bool(d, "up", replica);
		d = m_add(m, "console", m_obj());
		m_bool(d, "up", console);
		known = ok && db_replica_lag(&lag);
		if (known && lag >= 0)
			m_int(m, "replica_lag_seconds", lag);
		else
			m_add(m, "replica_lag_seconds", NULL);
		m_str(m, "replication", !ok ? "unknown" : !known ? "none" :
		    lag < 0 ? "stopped" : "running");
	}
	if (!ok)
		resp_header(r, "Retry-After", "%lld", cfg.retry_after);
	resp_json(r, ok ? 200 : 503, m);
}
