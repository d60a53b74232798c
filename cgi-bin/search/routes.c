/* routes.c: the search program — finding orders
 *
 * mount: = /search
 * mount: /
 *
 * The second mount takes every path no other program serves: it answers
 * the console's own "no such page" (with the search box), not nginx's.
 * Its pages, one a file: search.c: the page; terms.c: what the box holds;
 * products.c: the products a name matches; plan.c: the statements.
 * Each page's URL, permission and parameters are in its file's header.
 */
#include "ui/app.h"
#include "ui/auth.h"
#include "search.h"

static const struct route routes[] = {
	{ "GET", "/search", PERM_VIEW_ORDERS, page_search },
	{ NULL, NULL, 0, NULL },
};

int
main(int argc, char **argv)
{
	return app_main(argc, argv, "search", routes, NULL);
}
