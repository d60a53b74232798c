/* find.c: which reading of the box is listed, and its page (see search.h)
 *
 * A box with one reading searched is searched as it always was: the count
 * first when the plan depends on it (a product word, the latest orders
 * narrowed by amount, carrier or cases), else riding along in the page:
 * one round trip.
 *
 * A box with several readings searched (14 digits: a tracking number or
 * the start of order numbers; 刘嘉: a name or a product word) is searched
 * for each, in as few statements as that allows:
 *   - a product word among them is looked up first (products.c); when no
 *     product matches, that reading has no orders, without a statement;
 *   - when one of them needs its count to be planned (a product word),
 *     one statement counts them all, and the first that finds orders is
 *     listed;
 *   - else the first reading's page carries the counts of the others, and
 *     only when it is empty does one statement count the others; the
 *     first that finds orders is listed.
 * The counts of the others are what the page says about them ("also 3
 * orders by tracking number"), as links to them.
 */
#include "search.h"

/* product_lookup: the products of a product reading that is searched.
 * *too_many when the word is too common to search (the reading is then
 * only offered). */
static int
product_lookup(struct req *r, struct search *s, int *too_many)
{
	int i, rc;

	for (i = 0; i < s->nrd; i++) {
		struct reading *rd = &s->rd[i];

		if (!rd->searched || rd->mode != M_PRODUCT)
			continue;
		rc = products_find(r, s, rd->value);
		if (rc == PRODUCTS_NONE)
			rd->count = 0;
		else if (rc == PRODUCTS_TOO_MANY) {
			rd->searched = 0;
			*too_many = 1;
		} else if (rc != DB_OK)
			return rc;
	}
	return DB_OK;
}

/* recount: a product word's count over candidates not yet checked against
 * their names is at most what it says; when that is few, check them and
 * count again, as the page will list them. */
static int
recount(struct req *r, struct search *s, int i)
{
	int rc;

	if (s->rd[i].mode != M_PRODUCT || s->confirmed || s->rd[i].count > COUNT_CAP)
		return DB_OK;
	if ((rc = products_confirm(r, s)) != DB_OK)
		return rc;
	return plan_counts(r, s, 1u << i);
}

/* list: the page of reading i, with its count when it is known (else the
 * count rides along) and the counts of others. */
static int
list(struct req *r, struct search *s, int i, unsigned others, struct db_res *res,
    int *ran, long long *count, unsigned *counted)
{
	struct db_query d;
	long long known = s->rd[i].count;
	int rc;

	s->cur = i;
	reading_use(s, i);
	if (plan_page(&d, s, known < 0 || known > COUNT_CAP, known < 0, others) < 0)
		others = 0;
	if (d.overflow && known < 0) {
		/* too long with the count in it: count first */
		if ((rc = plan_counts(r, s, 1u << i)) != DB_OK)
			return rc;
		known = s->rd[i].count;
		plan_page(&d, s, known > COUNT_CAP, 0, 0);
		others = 0;
	}
	*counted = others;
	*count = known;
	rc = dbq_exec(&r->arena, &d, res);
	*ran = rc == DB_OK;
	return rc;
}

/* first_found: the first searched reading that found orders, or -1. */
static int
first_found(const struct search *s)
{
	int i;

	for (i = 0; i < s->nrd; i++)
		if (s->rd[i].searched && s->rd[i].count > 0)
			return i;
	return -1;
}

static int
count_decides(const struct search *s, int i)
{
	struct search t = *s;

	reading_use(&t, i);
	return plan_count_decides(&t);
}

int
search_find(struct req *r, struct search *s, struct db_res *res, int *ran,
    long long *count, unsigned *others)
{
	unsigned pending = 0;
	int i, rc, n = 0, first = -1, decides = 0, too_many = 0;

	*ran = 0;
	*count = -1;
	*others = 0;
	if ((rc = product_lookup(r, s, &too_many)) != DB_OK)
		return rc;
	for (i = 0; i < s->nrd; i++) {
		if (!s->rd[i].searched)
			continue;
		if (first < 0)
			first = i;
		if (s->rd[i].count < 0) {
			pending |= 1u << i;
			decides |= count_decides(s, i);
			n++;
		}
	}
	if (first < 0 && too_many)
		return FIND_TOO_MANY;
	if (n == 0) {		/* nothing left that could match */
		s->cur = first < 0 ? s->cur : first;
		reading_use(s, s->cur);
		return DB_OK;
	}
	if (n == 1 || decides) {
		/* the count first when the plan needs it (one reading as always;
		 * several side by side) */
		if (decides) {
			if ((rc = plan_counts(r, s, pending)) != DB_OK)
				return rc;
			for (i = 0; i < s->nrd; i++)
				if ((pending & (1u << i)) && (rc = recount(r, s, i)) != DB_OK)
					return rc;
			if ((i = first_found(s)) < 0) {
				s->cur = first;
				reading_use(s, first);
				return DB_OK;
			}
		} else
			for (i = 0; !(pending & (1u << i)); i++)
				;
		return list(r, s, i, 0, res, ran, count, others);
	}
	/* the first reading's page, with the others' counts */
	for (i = 0; !(pending & (1u << i)); i++)
		;
	pending &= ~(1u << i);
	if ((rc = list(r, s, i, pending, res, ran, count, others)) != DB_OK || res->rows > 0)
		return rc;
	db_done(res);
	*ran = 0;
	s->rd[i].count = 0;
	*others = 0;		/* an empty page brought no counts */
	if ((rc = plan_counts(r, s, pending)) != DB_OK)
		return rc;
	if ((i = first_found(s)) < 0) {
		s->cur = first;
		reading_use(s, first);
		return DB_OK;
	}
	return list(r, s, i, 0, res, ran, count, others);
}
