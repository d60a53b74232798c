/* routes.c: the audit program — the audit log
 *
 * mount: = /admin/audit
 * mount: = /admin/audit.csv
 *
 * Its pages, one a file: audit.c: the search; csv.c: the export; filter.c:
 * what both read.
 * Each page's URL, permission and parameters are in its file's header.
 */
#include "ui/app.h"
#include "ui/auth.h"
#include "audit.h"

static const struct route routes[] = {
	{ "GET", "/admin/audit", PERM_ADMIN, page_audit },
	{ "GET", "/admin/audit.csv", PERM_ADMIN, page_audit_csv },
	{ NULL, NULL, 0, NULL },
};

int
main(int argc, char **argv)
{
	return app_main(argc, argv, "audit", routes, NULL);
}
