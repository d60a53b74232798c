/* routes.c: the queue program — the anomaly queue, cases, incidents and silences
 *
 * mount: = /queue
 * mount: /queue/
 * mount: /cases/
 * mount: /incidents/
 *
 * Its pages, one a file: list.c: the queue; filter.c: what a queue request
 * asks for; bulk.c: bulk actions; case.c: one case; incident.c: one
 * incident; silences.c: silences.
 * Each page's URL, permission and parameters are in its file's header.
 */
#include "ui/app.h"
#include "ui/auth.h"
#include "queue.h"

static const struct route routes[] = {
	{ "GET", "/queue", PERM_VIEW_ORDERS, page_queue },
	{ "POST", "/queue/bulk/claim", PERM_VIEW_ORDERS, page_bulk },
	{ "POST", "/queue/bulk/resolve", PERM_VIEW_ORDERS, page_bulk },
	{ "POST", "/queue/bulk/dismiss", PERM_VIEW_ORDERS, page_bulk },
	{ "POST", "/queue/bulk/assign", PERM_APPROVE, page_bulk },
	{ "POST", "/queue/bulk/silence", PERM_APPROVE, page_bulk },
	{ "POST", "/queue/bulk/campaign", PERM_RUN_CAMPAIGN, page_bulk },
	{ "GET", "/queue/silences", PERM_VIEW_ORDERS, page_silences },
	{ "POST", "/queue/silences", PERM_APPROVE, page_silence_new },
	{ "POST", "/queue/silences/*/end", PERM_APPROVE, page_silence_end },
	{ "GET", "/cases/*", PERM_VIEW_ORDERS, page_case },
	{ "POST", "/cases/*/claim", PERM_VIEW_ORDERS, page_case_act },
	{ "POST", "/cases/*/wait", PERM_VIEW_ORDERS, page_case_act },
	{ "POST", "/cases/*/resume", PERM_VIEW_ORDERS, page_case_act },
	{ "POST", "/cases/*/resolve", PERM_VIEW_ORDERS, page_case_act },
	{ "POST", "/cases/*/dismiss", PERM_VIEW_ORDERS, page_case_act },
	{ "POST", "/cases/*/note", PERM_VIEW_ORDERS, page_case_act },
	{ "POST", "/cases/*/escalate", PERM_VIEW_ORDERS, page_case_act },
	{ "POST", "/cases/*/assign", PERM_APPROVE, page_case_act },
	{ "GET", "/incidents/*", PERM_VIEW_ORDERS, page_incident },
	{ NULL, NULL, 0, NULL },
};

int
main(int argc, char **argv)
{
	return app_main(argc, argv, "queue", routes, NULL);
}
