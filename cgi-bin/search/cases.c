/* cases.c: what the console's cases add to a search (see search.h)
 *
 * anomaly=1 narrows a search to the newest orders with a live case; every
 * page's orders get their live cases' kinds as badges.  Both from the
 * console schema, each one statement, the list of ids driving any join.
 */
#include <string.h>

#include "core/buf.h"
#include "core/model.h"
#include "domain/anomaly.h"
#include "search.h"

#define ANOMALY_MAX 5000	/* anomalous orders an anomaly=1 search looks at */

/* The newest orders with a live case, for anomaly=1. */
static struct db_stmt q_anomalous = DB_STMT(DB_CONSOLE,
	"SELECT order_id FROM cases WHERE live = 1"
	" ORDER BY order_created_at DESC, order_id DESC LIMIT 10000");
/* The live cases of a page's orders, for their badges: from the page's
 * ids, each looked up by index.  STRAIGHT_JOIN: left to the optimizer, a
 * case table whose statistics still say it is empty (right after a bulk
 * load: a scanner's first pass, a rebuild) was read whole for every page. */
static struct db_stmt q_badges = DB_STMT(DB_CONSOLE,
	"SELECT STRAIGHT_JOIN c.order_id, GROUP_CONCAT(DISTINCT c.kind ORDER BY c.kind)"
	" FROM JSON_TABLE(?, '$[*]' COLUMNS (id BIGINT UNSIGNED PATH '$')) j"
	" JOIN cases c FORCE INDEX (ix_cases_order) ON c.order_id = j.id AND c.live = 1"
	" GROUP BY c.order_id");

/* plan_anomalous: the newest orders with a live case, as a JSON list. */
int
plan_anomalous(struct req *r, struct search *s)
{
	struct db_res res;
	struct buf ids = { 0 };
	int rc = db_exec(&r->arena, &q_anomalous, &res, 0, NULL), n = 0;

	if (rc != DB_OK)
		return rc;
	buf_putc(&ids, '[');
	while (n < ANOMALY_MAX && db_next(&res) > 0) {
		buf_printf(&ids, "%s%s", n ? "," : "", db_str(&res, 0));
		n++;
	}
	buf_putc(&ids, ']');
	rc = db_done(&res);
	s->anomaly_ids = arena_strdup(&r->arena, ids.p);
	buf_free(&ids);
	return rc;
}

/* plan_badges: the anomaly kinds of the page's orders, from the console. */
int
plan_badges(struct req *r, json_object *rows, const char *ids)
{
	struct db_res res;
	size_t i, n = json_object_array_length(rows);
	int rc;

	if (n == 0)
		return DB_OK;
	if ((rc = DB_EXEC(&r->arena, &q_badges, &res, DB_STR(ids))) != DB_OK)
		return rc;
	while (db_next(&res) > 0) {
		long long id = db_int(&res, 0);
		char *kinds = arena_strdup(&r->arena, db_str(&res, 1)), *k, *save = NULL;

		for (i = 0; i < n; i++) {
			json_object *row = json_object_array_get_idx(rows, i), *arr, *v;

			if (!json_object_object_get_ex(row, "id", &v) || json_object_get_int64(v) != id)
				continue;
			json_object_object_del(row, "has_anomaly");
			m_bool(row, "has_anomaly", 1);
			json_object_object_get_ex(row, "anomalies", &arr);
			for (k = strtok_r(kinds, ",", &save); k; k = strtok_r(NULL, ",", &save)) {
				const struct anomaly_kind *ak = anomaly_kind(k);

				m_push(arr, json_object_new_string(ak ? ak->label : k));
			}
			break;
		}
	}
	return db_done(&res);
}
