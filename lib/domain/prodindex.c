/* prodindex.c: the product name index in the console schema (see
 * prodindex.h)
 *
 * Each pass walks products in (updated_at, id) order from five minutes
 * before the last watermark — rows committed late with an older stamp are
 * picked up again, and indexing a product twice is harmless — replacing
 * the grams of each product it meets, a thousand products a transaction.
 * Rows travel as one JSON parameter, unpacked by JSON_TABLE, so a batch is
 * one statement whatever its size.  A product deleted from the catalogue
 * keeps stale grams; search confirms every candidate against the replica.
 */
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "core/db.h"
#include "domain/prodindex.h"
#include "core/util.h"

#define BATCH 1000

static struct db_stmt q_state = DB_STMT(DB_CONSOLE,
	"SELECT DATE_FORMAT(watermark - INTERVAL 5 MINUTE, '%Y-%m-%d %H:%i:%s')"
	" FROM index_state WHERE name = 'products'");
static struct db_stmt q_batch = DB_STMT(DB_REPLICA,
	"SELECT id, name, DATE_FORMAT(updated_at, '%Y-%m-%d %H:%i:%s') FROM products"
	" WHERE updated_at >= ? AND (updated_at > ? OR id > ?)"
	" ORDER BY updated_at, id LIMIT 1000");
static struct db_stmt q_forget = DB_STMT(DB_CONSOLE,
	"DELETE g FROM JSON_TABLE(?, '$[*]' COLUMNS (pid BIGINT UNSIGNED PATH '$')) j"
	" STRAIGHT_JOIN product_grams g ON g.product_id = j.pid");
static struct db_stmt q_add = DB_STMT(DB_CONSOLE,
	"INSERT IGNORE INTO product_grams (gram, product_id) SELECT g, pid FROM"
	" JSON_TABLE(?, '$[*]' COLUMNS (g VARCHAR(2) CHARACTER SET utf8mb4 PATH '$[0]',"
	" pid BIGINT UNSIGNED PATH '$[1]')) j");
/* after a rebuild, fresh statistics (see mend-scan.c's q_analyze) */
static struct db_stmt q_analyze = DB_STMT(DB_CONSOLE, "ANALYZE TABLE product_grams");
static struct db_stmt q_save = DB_STMT(DB_CONSOLE,
	"INSERT INTO index_state (name, watermark, items, refreshed_at)"
	" VALUES ('products', ?, ?, NOW()) ON DUPLICATE KEY UPDATE"
	" watermark = VALUES(watermark), items = items + VALUES(items),"
	" refreshed_at = NOW()");
static struct db_stmt q_clear = DB_STMT(DB_CONSOLE, "DELETE FROM product_grams");
static struct db_stmt q_unstate = DB_STMT(DB_CONSOLE,
	"DELETE FROM index_state WHERE name = 'products'");

/* next_char: the length of the UTF-8 character at s (1 for a stray byte). */
static size_t
next_char(const char *s)
{
	unsigned char c = (unsigned char)*s;
	size_t n = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4, i;

	for (i = 1; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			return 1;
	return n;
}

size_t
prodindex_grams(const char *s, char out[][GRAM_MAX + 1], size_t max)
{
	char all[256][GRAM_MAX + 1];
	size_t n = 0, k = 0, i, j, step;
	const char *p = s;

	while (*p && n < NELEM(all)) {
		size_t a = next_char(p), b = p[a] ? next_char(p + a) : 0, m;

		if (b == 0 && p != s)
			break;	/* the last character, already in the previous gram */
		m = a + b;
		for (i = 0; i < m; i++) {
			char c = p[i];

			all[n][i] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
		}
		all[n][m] = '\0';
		for (j = 0; j < n; j++)
			if (strcmp(all[j], all[n]) == 0)
				break;
		if (j == n)
			n++;
		p += a;
	}
	/* spread the chosen ones over the whole term */
	step = n > max ? (n + max - 1) / max : 1;
	for (i = 0; i < n && k < max; i += step)
		memcpy(out[k++], all[i], sizeof(all[i]));
	if (n > max && k == max)
		memcpy(out[max - 1], all[n - 1], sizeof(all[n - 1]));
	return k;
}

int
prodindex_refresh(struct arena *a, int rebuild, long long *changed)
{
	char since[20] = "1970-01-01 00:00:00";
	long long last_id = 0;
	struct db_res res;
	int rc, fresh;

	*changed = 0;
	if (rebuild && ((rc = db_exec(a, &q_clear, NULL, 0, NULL)) != DB_OK ||
	    (rc = db_exec(a, &q_unstate, NULL, 0, NULL)) != DB_OK))
		return rc;
	if ((rc = db_one(a, &q_state, &res, 0, NULL)) == DB_OK)
		snprintf(since, sizeof(since), "%s", db_str(&res, 0));
	db_done(&res);
	if (rc != DB_OK && rc != DB_NOROW)
		return rc;
	fresh = rc == DB_NOROW;
	for (;;) {
		json_object *ids = json_object_new_array();
		json_object *grams = json_object_new_array();
		char wm[20] = "";
		long long n = 0;

		int more = 0;

		rc = DB_EXEC(a, &q_batch, &res, DB_STR(since), DB_STR(since), DB_INT(last_id));
		while (rc == DB_OK && (more = db_next(&res)) > 0) {
			char g[256][GRAM_MAX + 1];
			size_t k, i;
			long long id = db_int(&res, 0);

			json_object_array_add(ids, json_object_new_int64(id));
			k = prodindex_grams(db_str(&res, 1), g, NELEM(g));
			for (i = 0; i < k; i++) {
				json_object *pair = json_object_new_array();

				json_object_array_add(pair, json_object_new_string(g[i]));
				json_object_array_add(pair, json_object_new_int64(id));
				json_object_array_add(grams, pair);
			}
			snprintf(wm, sizeof(wm), "%s", db_str(&res, 2));
			last_id = id;
			n++;
		}
		if (db_done(&res) != DB_OK)
			rc = more;
		if (rc == DB_OK && n > 0) {
			if ((rc = db_begin(DB_CONSOLE)) == DB_OK &&
			    (rc = DB_EXEC(a, &q_forget, NULL,
			    DB_STR(json_object_to_json_string(ids)))) == DB_OK &&
			    (rc = DB_EXEC(a, &q_add, NULL,
			    DB_STR(json_object_to_json_string_ext(grams,
			    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)))) == DB_OK &&
			    (rc = DB_EXEC(a, &q_save, NULL, DB_STR(wm), DB_INT(n))) == DB_OK)
				rc = db_commit(DB_CONSOLE);
			else
				db_rollback(DB_CONSOLE);
			memcpy(since, wm, sizeof(since));
			*changed += n;
		}
		json_object_put(ids);
		json_object_put(grams);
		if (rc != DB_OK || n < BATCH)
			break;
	}
	/* An empty catalogue still counts as indexed. */
	if (rc == DB_OK && fresh && *changed == 0)
		rc = DB_EXEC(a, &q_save, NULL, DB_STR(since), DB_INT(0));
	if (rc == DB_OK && *changed >= 1000)
		rc = db_exec(a, &q_analyze, NULL, 0, NULL);
	return rc;
}
