/* probe_search.c: the search page's SQL and nothing else, for the benchmark
 *
 * GET /probe/search takes the same parameters as /search, reads and
 * checks them with the page's own code, composes the same statements with
 * the page's own functions (compiled from cgi-bin/search/: readings.c,
 * terms.c, products.c, plan.c, cases.c, find.c, show.c and search.c) and
 * runs them over the same connections — the product lookup, the counts,
 * the page, the badges — returning the rows as plain
 * text: no session check, no model, no template.  The page files have no
 * main (routes.c has), so this file's is the program's.
 */
#include "search/readings.c"
#include "search/terms.c"
#include "search/products.c"
#include "search/plan.c"
#include "search/cases.c"
#include "search/find.c"
#include "search/show.c"
#include "search/search.c"

#include "ui/app.h"
#include "ui/auth.h"
#include "probe.h"

static void
probe_search(struct req *r)
{
	json_object *m = page_model(r, "probe", NULL);
	struct buf out = { 0 };
	struct search s;
	struct db_res res;
	long long count;
	unsigned others;
	int rc = DB_OK, ran = 0;

	search_read(r, &s, m);
	if (s.anomaly && (rc = plan_anomalous(r, &s)) != DB_OK) {
		probe_fail(r, rc);
		return;
	}
	if (page_erred(r)) {
		resp_raw(r, 400, RESP_TEXT, "bad\n", 4);
		return;
	}
	/* the product lookup, the counts, the page: the page's own choices */
	rc = search_find(r, &s, &res, &ran, &count, &others);
	if (rc == FIND_TOO_MANY)
		rc = DB_OK;
	if (rc == DB_OK && count >= 0)
		buf_printf(&out, "%lld\n", count);
	if (rc == DB_OK && ran) {
		struct buf ids = { 0 };
		size_t mark = out.len;

		rc = probe_rows(&out, &res, 0);
		/* the page's order ids, for the badges' statement */
		buf_putc(&ids, '[');
		for (char *line = out.p + mark; line && *line; ) {
			buf_printf(&ids, "%s%.*s", ids.len > 1 ? "," : "",
			    (int)strcspn(line, "\t\n"), line);
			line = strchr(line, '\n');
			line = line ? line + 1 : NULL;
		}
		buf_putc(&ids, ']');
		if (rc == DB_OK && ids.len > 2 && (rc = DB_EXEC(&r->arena, &q_badges,
		    &res, DB_STR(ids.p))) == DB_OK)
			rc = probe_rows(&out, &res, 0);
		buf_free(&ids);
	}
	probe_send(r, rc, &out);
}

static const struct route probe_routes[] = {
	{ "GET", "/probe/search", AUTH_PUBLIC, probe_search },
	{ NULL, NULL, 0, NULL },
};

int
main(int argc, char **argv)
{
	return app_main(argc, argv, "probe_search", probe_routes, NULL);
}
