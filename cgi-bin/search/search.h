/* search.h: what the search program's files share
 *
 * A search is read once from the box and its filters (terms.c) into a
 * struct search; a product term is looked up in the products
 * (products.c); the search is made into the statements that list its
 * orders (plan.c) and shown with its paging links (search.c).  The benchmark's probe
 * (tests/bench/probe_search.c) runs the same functions.
 */
#ifndef OM_SEARCH_H
#define OM_SEARCH_H

#include <json-c/json.h>

#include "core/db.h"
#include "core/req.h"

#define PAGE_ROWS 50
#define COUNT_CAP 1000

enum mode { M_LATEST, M_ORDER, M_PREFIX, M_PHONE, M_TAIL, M_USER, M_PRODUCT };

/* What the request asks for, validated. */
struct search {
	enum mode mode;
	const char *q;			/* as typed */
	const char *value;		/* what the mode searches for */
	long long user_id;
	char statuses[128];		/* "paid,pending" for FIND_IN_SET */
	const char *status_list[8];
	int nstatus;
	char from[20], to[20];		/* "YYYY-MM-DD HH:MM:SS" or "" */
	long long min, max;		/* fen, -1: none */
	const char *carrier;
	char after_at[20];		/* keyset: created_at and id ... */
	long long after_id;
	const char *after_no;		/* ... or the order number */
	char *product_ids;		/* JSON array of the matching products */
	int confirmed;			/* ... checked against their names */
	int broad;			/* product term matches many products */
	char like[420];			/* the product term as a LIKE pattern */
	int anomaly;			/* only orders with a live case */
	char *anomaly_ids;		/* ... the newest of them, as JSON */
};

/* terms.c */
/* search_read: s from the request; what was typed goes back into m, field
 * messages into page_errs(r). */
void search_read(struct req *r, struct search *s, json_object *m);

/* products.c */
/* What products_find gives besides DB_OK (and db errors, < 0). */
enum { PRODUCTS_NONE = 1,	/* no product matches the term */
	PRODUCTS_TOO_MANY = 2 };	/* more than 20,000 do */
/* products_find: the products matching the term (s->product_ids, s->like)
 * and whether they are many (s->broad); DB_OK, PRODUCTS_NONE,
 * PRODUCTS_TOO_MANY or a db error. */
int products_find(struct req *r, struct search *s);
/* products_confirm: keep only the products whose name really holds the
 * term (s->confirmed); DB_OK or a db error. */
int products_confirm(struct req *r, struct search *s);

/* plan.c */
/* plan_anomalous: s->anomaly_ids, the newest orders with a live case;
 * DB_OK or a db error. */
int plan_anomalous(struct req *r, struct search *s);
/* plan_count_decides: must the count be known before the page can be
 * planned (plan_count first), or does it ride along in the page? */
int plan_count_decides(const struct search *s);
/* plan_count: how many orders match, up to COUNT_CAP + 1; *rc gets DB_OK
 * or a db error. */
long long plan_count(struct req *r, const struct search *s, int *rc);
/* plan_page: the page's statement, PAGE_ROWS + 1 rows, walking the newest
 * orders or collecting the few; with count set, every row also carries
 * the count (column 9).  Columns: id, order_no, status, pay_amount,
 * created_at, the customer's name, receiver_phone, the first item, the
 * keyset time. */
void plan_page(struct db_query *d, const struct search *s, int walk, int count);
/* plan_badges: the live cases' kinds of the page's orders (ids: their ids
 * as a JSON array) onto rows; DB_OK or a db error. */
int plan_badges(struct req *r, json_object *rows, const char *ids);

/* The handler (routes.c). */
void page_search(struct req *r);

#endif
