/* products.c: which products a name term matches (see search.h)
 *
 * A product name is looked up in the products first, never by a scan of
 * orders.  The gram index in the console schema (domain/prodindex.h)
 * gives the candidates with a few index reads; the replica confirms them
 * with the real LIKE.  Until the index has been built once, the catalogue
 * itself is searched with the LIKE.  How many match chooses the plan
 * (plan.c): a few go from the products through their items, many walk the
 * newest orders.
 */
#include <string.h>

#include "core/buf.h"
#include "core/log.h"
#include "core/util.h"
#include "domain/prodindex.h"
#include "search.h"

#define NARROW_PRODUCTS 40	/* more matching products: the broad plan */

#define GRAM_MAX_TERM 6	/* grams of a term looked up in the index */

static struct db_stmt q_ready = DB_STMT(DB_CONSOLE,
	"SELECT 1 FROM index_state WHERE name = 'products'");
static struct db_stmt q_like_all = DB_STMT(DB_REPLICA,
	"SELECT id FROM products WHERE name LIKE ? LIMIT 20001");
static struct db_stmt q_confirm = DB_STMT(DB_REPLICA,
	"SELECT STRAIGHT_JOIN p.id FROM JSON_TABLE(?, '$[*]' COLUMNS (pid BIGINT UNSIGNED"
	" PATH '$')) j JOIN products p ON p.id = j.pid WHERE p.name LIKE ?");

static void
like_pattern(struct search *s, const char *term)
{
	const char *p;
	size_t o = 0;

	s->like[o++] = '%';
	for (p = term; *p && o < sizeof(s->like) - 3; p++) {
		if (*p == '%' || *p == '_' || *p == '\\')
			s->like[o++] = '\\';
		s->like[o++] = *p;
	}
	s->like[o++] = '%';
	s->like[o] = '\0';
}

/* index_ready: has the product name index been built?  Once it has, it
 * stays so; until then, asked again at most once a minute. */
static int
index_ready(struct req *r)
{
	static int ready;
	static int64_t asked;
	struct db_res res;

	if (ready || (asked && now_ms() - asked < 60000))
		return ready;
	asked = now_ms();
	ready = db_one(&r->arena, &q_ready, &res, 0, NULL) == DB_OK;
	db_done(&res);
	if (!ready)
		rlog(r, LOG_WARN, "product_index_missing", "hint=%s", "mendctl index");
	return ready;
}

/* candidates: ids of the products whose name may hold the term: from the
 * gram index, or (before it exists) from the catalogue itself. */
static int
candidates(struct req *r, struct search *s, const char *term, struct db_res *res,
    int *exact)
{
	char g[GRAM_MAX_TERM][GRAM_MAX + 1];
	struct db_query d;
	size_t n, i;

	*exact = !index_ready(r);
	if (*exact)
		return DB_EXEC(&r->arena, &q_like_all, res, DB_STR(s->like));
	n = prodindex_grams(term, g, GRAM_MAX_TERM);
	dbq_init(&d, DB_CONSOLE);
	dbq_sql(&d, "SELECT product_id FROM product_grams WHERE gram IN (");
	for (i = 0; i < n; i++) {
		if (i)
			dbq_sql(&d, ", ?");
		else
			dbq_sql(&d, "?");
		dbq_arg(&d, DB_STR(arena_strdup(&r->arena, g[i])));
	}
	dbq_sql(&d, ") GROUP BY product_id HAVING COUNT(*) = ? LIMIT 20001");
	dbq_arg(&d, DB_INT((long long)n));
	return dbq_exec(&r->arena, &d, res);
}

/* id_list: the first column of res as a JSON array, into the arena
 * (*out); releases res.  DB_OK or the error a fetch met. */
static int
id_list(struct req *r, struct db_res *res, char **out)
{
	struct buf ids = { 0 };
	int rc;

	buf_putc(&ids, '[');
	while (db_next(res) > 0)
		buf_printf(&ids, "%s%s", ids.len > 1 ? "," : "", db_str(res, 0));
	buf_putc(&ids, ']');
	rc = db_done(res);
	*out = arena_strdup(&r->arena, ids.p);
	buf_free(&ids);
	return rc;
}

/* products_confirm: keep only the products whose name really holds the
 * term (the grams only say "maybe"). */
int
products_confirm(struct req *r, struct search *s)
{
	struct db_res res;
	int rc = DB_EXEC(&r->arena, &q_confirm, &res, DB_STR(s->product_ids),
	    DB_STR(s->like));

	if (rc == DB_OK)
		rc = id_list(r, &res, &s->product_ids);
	s->confirmed = 1;
	return rc;
}

/* products_find: the products matching the term, as a JSON list; many of
 * them choose the broad plan.  A broad list is left unconfirmed — the
 * broad plan matches item names itself, and a count over 1,000 is "1,000+"
 * either way; page_search confirms it when the count turns out small.
 * DB_OK, or PRODUCTS_NONE when nothing matches, or PRODUCTS_TOO_MANY
 * when the term is too broad. */
int
products_find(struct req *r, struct search *s, const char *term)
{
	struct db_res res;
	int rc, exact;

	like_pattern(s, term);
	if ((rc = candidates(r, s, term, &res, &exact)) != DB_OK)
		return rc;
	if (res.rows > 20000) {
		db_done(&res);
		return PRODUCTS_TOO_MANY;
	}
	s->broad = res.rows > NARROW_PRODUCTS;
	if ((rc = id_list(r, &res, &s->product_ids)) != DB_OK)
		return rc;
	s->confirmed = exact;
	if (!s->confirmed && !s->broad && (rc = products_confirm(r, s)) != DB_OK)
		return rc;
	return strcmp(s->product_ids, "[]") == 0 ? PRODUCTS_NONE : DB_OK;
}

