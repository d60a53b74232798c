/* audit.h: the audit program's pages — the audit log's search and export
 *
 * Both pages read the same filters (filter.c) into the same statement,
 * newest first by (at, id) and paged by keyset; the search (audit.c) shows
 * a page of it, the export (csv.c) streams all of it as CSV.  (The domain's
 * audit log itself is lib/domain/audit.h.)
 */
#ifndef OM_AUDIT_PAGES_H
#define OM_AUDIT_PAGES_H

#include <json-c/json.h>

#include "core/db.h"
#include "core/req.h"
#include "domain/shop.h"

/* What a search asks for, validated. */
struct filter {
	const char *agent, *order, *kind;
	long long agent_id;
	char from[20], to[20];
	long long before;
	char before_at[32];	/* the time of entry `before` */
};

/* The columns of filter_query's rows. */
enum { AU_ID, AU_AT, AU_LOGIN, AU_KIND, AU_ORDER, AU_TARGET, AU_DETAIL, AU_IP,
	AU_REQUEST };

/* filter.c */
/* filter_start: the search page's model (title, admin navigation, the
 * filters as typed, the kinds to choose from) with f read from the
 * request; NULL when the request is already answered (400 with the
 * field messages, or a database error). */
json_object *filter_start(struct req *r, struct filter *f);
/* filter_query: the entries matching f, older than (at, id) when at is
 * set, newest first, at most limit of them; the columns are AU_* above. */
void filter_query(struct db_query *d, const struct filter *f, const char *at,
    long long id, long long limit);
/* filter_url: base with the filters as typed, and before when not 0. */
const char *filter_url(struct req *r, const char *base, const struct filter *f,
    long long before);

/* The handlers (routes.c). */
void page_audit(struct req *r);		/* audit.c */
void page_audit_csv(struct req *r);	/* csv.c */

#endif
