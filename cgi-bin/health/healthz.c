/* healthz.c: /healthz — is this worker able to serve?
 *
 * GET /healthz (public): JSON with the state of both databases and the
 * replica's lag in seconds (null when this server does not replicate or
 * replication is stopped).  200 when both databases answer, 503 when one
 * does not, so a load balancer can take the host out.
 */
#include "core/cfg.h"
#include "core/db.h"
#include "core/model.h"
#include "core/resp.h"
#include "health.h"

/* db_state: {"up": bool} under key; *ok cleared when it is down. */
static void
db_state(json_object *m, const char *key, enum db_which which, int *ok)
{
	json_object *d = m_add(m, key, m_obj());
	int up = db_ping(which) == DB_OK;

	m_add(d, "up", json_object_new_boolean(up));
	if (!up)
		*ok = 0;
}

void
page_health(struct req *r)
{
	json_object *m = m_obj();
	long long lag;
	int ok = 1;

	db_state(m, "replica", DB_REPLICA, &ok);
	db_state(m, "console", DB_CONSOLE, &ok);
	if (ok && db_replica_lag(&lag) && lag >= 0)
		m_int(m, "replica_lag_seconds", lag);
	else
		m_add(m, "replica_lag_seconds", NULL);
	m_str(m, "replication", !ok ? "unknown" : !db_replica_lag(&lag) ? "none" :
	    lag < 0 ? "stopped" : "running");
	m_str(m, "status", ok ? "ok" : "degraded");
	if (!ok)
		resp_header(r, "Retry-After", "%lld", cfg.retry_after);
	resp_json(r, ok ? 200 : 503, m);
}
