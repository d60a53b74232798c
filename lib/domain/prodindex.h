/* prodindex.h: the product name index in the console schema
 *
 * Searching orders by a piece of a product name must not scan the
 * catalogue on every request (a LIKE '%...%' over 50,000 names costs more
 * than the whole page may).  So every two-character piece ("gram") of every
 * name is kept in product_grams; a term's grams find the candidate
 * products with a few index reads, and the replica confirms them with the
 * real LIKE.  The index is derived, incrementally, from products.updated_at
 * (prodindex_refresh, run by `mendctl index` and by the scanner); until it
 * has been built once, search falls back to the plain LIKE.
 */
#ifndef OM_PRODINDEX_H
#define OM_PRODINDEX_H

#include "core/arena.h"

#define GRAM_MAX 8	/* bytes of one gram: two UTF-8 characters */

/* prodindex_grams: the distinct grams of s (ASCII lowercased), at most max
 * of them, spread over s; returns how many. */
size_t prodindex_grams(const char *s, char out[][GRAM_MAX + 1], size_t max);
/* prodindex_refresh: index what changed in products since the last run
 * (everything with rebuild set); *changed gets the number of products
 * indexed.  DB_OK or a db error. */
int prodindex_refresh(struct arena *a, int rebuild, long long *changed);

#endif
