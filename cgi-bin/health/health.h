/* health.h: the health program's pages — /healthz and /metrics
 *
 * Both are public (no session): a load balancer asks /healthz whether
 * this worker can serve, a Prometheus server scrapes /metrics.  Neither
 * shows anything personal.
 */
#ifndef OM_HEALTH_H
#define OM_HEALTH_H

#include "core/req.h"

/* The handlers (routes.c). */
void page_health(struct req *r);	/* healthz.c */
void page_metrics(struct req *r);	/* metrics.c */

#endif
