/* probe_order.c: the order page's SQL and nothing else, for the benchmark
 *
 * GET /probe/orders/{order_no} runs exactly the statements the order page
 * runs for its overview — the same statement objects, compiled from
 * cgi-bin/order/order.c (with tabs.c, which its tab table names) and
 * lib/domain/timeline.c, over the same connections — and returns the rows
 * as plain text: no session check, no model, no template.  Its requests
 * per second are the database's ceiling for the page.  The page files
 * have no main (routes.c has), so this file's is the program's.
 */
#include "order/order.c"
#include "order/tabs.c"
#include "domain/timeline.c"

#include "ui/app.h"
#include "probe.h"

static void
probe_order(struct req *r)
{
	struct buf out = { 0 };
	struct db_res res;
	long long id, uid;
	int rc;

	rc = DB_ONE(&r->arena, &q_order, &res, DB_STR(r->seg[0]));
	if (rc != DB_OK) {
		db_done(&res);
		probe_fail(r, rc);
		return;
	}
	id = db_int(&res, O_ID);
	uid = db_int(&res, O_USER);
	rc = probe_rows(&out, &res, 1);
	if (rc == DB_OK && (rc = DB_EXEC(&r->arena, &q_customer, &res, DB_INT(uid),
	    DB_INT(uid), DB_INT(id))) == DB_OK)
		rc = probe_rows(&out, &res, 0);
	if (rc == DB_OK && (rc = DB_EXEC(&r->arena, &q_replica, &res, DB_INT(id),
	    DB_INT(id), DB_INT(id), DB_INT(id), DB_INT(id), DB_INT(id))) == DB_OK)
		rc = probe_rows(&out, &res, 0);
	if (rc == DB_OK && (rc = DB_EXEC(&r->arena, &q_cases, &res, DB_INT(id),
	    DB_INT(uid))) == DB_OK)
		rc = probe_rows(&out, &res, 0);
	if (rc == DB_OK && (rc = DB_EXEC(&r->arena, &q_console, &res,
	    DB_STR(r->seg[0]), DB_INT(id), DB_INT(id), DB_INT(id))) == DB_OK)
		rc = probe_rows(&out, &res, 0);
	probe_send(r, rc, &out);
}

static const struct route probe_routes[] = {
	{ "GET", "/probe/orders/*", AUTH_PUBLIC, probe_order },
	{ NULL, NULL, 0, NULL },
};

int
main(int argc, char **argv)
{
	return app_main(argc, argv, "probe_order", probe_routes, NULL);
}
