/* routes.c: the order program — the unified order view
 *
 * mount: /orders/
 *
 * Its pages, one a file: order.c: the header, the overview and the
 * timeline; tabs.c: the other tabs; act.c: an action's form and its
 * submission (act_forms.c: each kind's fields); call.c: a call by the
 * phone robot (the "call" action, before act.c's routes).  The action forms live
 * here, under the order's own URL, because nginx gives each URL prefix
 * to one program.
 * Each page's URL, permission and parameters are in its file's header.
 */
#include "ui/app.h"
#include "ui/auth.h"
#include "order.h"

static const struct route routes[] = {
	{ "GET", "/orders/*", PERM_VIEW_ORDERS, page_order },
	{ "POST", "/orders/*/reveal", PERM_VIEW_ORDERS | PERM_VIEW_PII, page_reveal },
	{ "GET", "/orders/*/act/call", PERM_VIEW_ORDERS | PERM_CALL_REQUEST, page_call_form },
	{ "POST", "/orders/*/act/call", PERM_VIEW_ORDERS | PERM_CALL_REQUEST, page_call },
	{ "GET", "/orders/*/act/*", PERM_VIEW_ORDERS, page_act_form },
	{ "POST", "/orders/*/act/*", PERM_VIEW_ORDERS, page_act },
	{ NULL, NULL, 0, NULL },
};

int
main(int argc, char **argv)
{
	return app_main(argc, argv, "order", routes, NULL);
}
