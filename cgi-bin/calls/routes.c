/* routes.c: the calls program — the phone robot's calls (and, next, its
 * campaigns)
 *
 * mount: = /calls
 * mount: /calls/
 * mount: = /campaigns
 * mount: /campaigns/
 *
 * Its pages, one a file: list.c: the calls, scheduled and finished, with
 * filters and the survey's scores and tags; campaigns.c: campaigns, one
 * script called to an incident's customers.  A call is
 * asked for from an order (the order program's call.c); the scripts and
 * the do-not-call list are admin pages (cgi-bin/admin/scripts.c, dnc.c).
 * Each page's URL, permission and parameters are in its file's header.
 */
#include "ui/app.h"
#include "ui/auth.h"
#include "calls.h"

static const struct route routes[] = {
	{ "GET", "/calls", PERM_VIEW_ORDERS, page_calls },
	{ "GET", "/campaigns", PERM_VIEW_ORDERS, page_campaigns },
	{ "POST", "/campaigns", PERM_RUN_CAMPAIGN, page_campaign_new },
	{ "GET", "/campaigns/*", PERM_VIEW_ORDERS, page_campaign },
	{ "POST", "/campaigns/*/pause", PERM_RUN_CAMPAIGN, page_campaign_change },
	{ "POST", "/campaigns/*/resume", PERM_RUN_CAMPAIGN, page_campaign_change },
	{ "POST", "/campaigns/*/stop", PERM_RUN_CAMPAIGN, page_campaign_change },
	{ NULL, NULL, 0, NULL },
};

int
main(int argc, char **argv)
{
	return app_main(argc, argv, "calls", routes, NULL);
}
