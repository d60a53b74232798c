/* probe_search.c: the search page's SQL and nothing else, for the benchmark
 *
 * GET /probe/search takes the same parameters as /search, reads and
 * checks them with the page's own code, composes the same statements with
 * the page's own functions (compiled from cgi-bin/search.c) and runs them
 * over the same connections — the product lookup, the count, the page —
 * returning the rows as plain text: no session check, no model, no
 * template.
 */
int search_page_main(int, char **);
#define main search_page_main
#include "../../cgi-bin/search.c"
#undef main

#include "probe.h"

static void
probe_search(struct req *r)
{
	json_object *m = m_obj(), *errs = m_obj();
	struct buf out = { 0 };
	struct search s;
	struct db_query d;
	struct db_res res;
	long long count = 0;
	int rc = DB_OK, none = 0;

	read_params(r, &s, m, errs);
	if (s.anomaly && (rc = anomalous(r, &s)) != DB_OK) {
		json_object_put(m);
		json_object_put(errs);
		probe_fail(r, rc);
		return;
	}
	if (json_object_object_length(errs)) {
		json_object_put(m);
		json_object_put(errs);
		resp_raw(r, 400, "text/plain; charset=utf-8", "bad\n", 4);
		return;
	}
	json_object_put(m);
	json_object_put(errs);
	if (s.mode == M_PRODUCT) {
		rc = product_plan(r, &s);
		none = rc == 1 || rc == 2;
		if (none)
			rc = DB_OK;
	}
	if (rc == DB_OK && !none && count_decides(&s)) {
		count = search_count(r, &s, &rc);
		if (rc == DB_OK && s.mode == M_PRODUCT && !s.confirmed && count <= COUNT_CAP &&
		    (rc = confirm(r, &s)) == DB_OK)
			count = search_count(r, &s, &rc);
		buf_printf(&out, "%lld\n", count);
		none = count == 0;
	}
	if (rc == DB_OK && !none) {
		page_query(&d, &s, !count_decides(&s) || count > COUNT_CAP, !count_decides(&s));
		if ((rc = dbq_exec(&r->arena, &d, &res)) == DB_OK) {
			struct buf ids = { 0 };
			size_t mark = out.len;

			probe_rows(&out, &res, 0);
			/* the page's order ids, for the badges' statement */
			buf_putc(&ids, '[');
			for (char *line = out.p + mark; line && *line; ) {
				buf_printf(&ids, "%s%.*s", ids.len > 1 ? "," : "",
				    (int)strcspn(line, "\t\n"), line);
				line = strchr(line, '\n');
				line = line ? line + 1 : NULL;
			}
			buf_putc(&ids, ']');
			if (ids.len > 2 && (rc = DB_EXEC(&r->arena, &q_badges, &res,
			    DB_STR(ids.p))) == DB_OK)
				probe_rows(&out, &res, 0);
			buf_free(&ids);
		}
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
	(void)routes;
	return app_main(argc, argv, "probe_search", probe_routes, NULL);
}
