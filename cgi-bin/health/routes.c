/* routes.c: the health program — health and metrics
 *
 * mount: = /healthz
 * mount: = /metrics
 *
 * Its pages, one a file: healthz.c, metrics.c.
 * Each page's URL, permission and parameters are in its file's header.
 */
#include "ui/app.h"
#include "ui/auth.h"
#include "health.h"

static const struct route routes[] = {
	{ "GET", "/healthz", AUTH_PUBLIC, page_health },
	{ "GET", "/metrics", AUTH_PUBLIC, page_metrics },
	{ NULL, NULL, 0, NULL },
};

int
main(int argc, char **argv)
{
	return app_main(argc, argv, "health", routes, NULL);
}
