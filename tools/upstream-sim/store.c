/* store.c: upstream-sim's own tables — idempotency keys and the request record
 *
 * The database `upstream_sim` (made at start when missing, on the admin
 * connection) holds what a service keeps for itself: the keys it has
 * answered, with the first answer and a hash of the request they stand
 * for, and every request it was sent, with what it answered and whether it
 * had an effect, so the tests can count effects per key.  Statements name
 * the database, since the connection's own is the replica.
 */
#include <stdlib.h>
#include <string.h>

#include "core/db.h"
#include "core/log.h"
#include "core/util.h"
#include "sim.h"

static const char *const schema[] = {
	"CREATE DATABASE IF NOT EXISTS upstream_sim"
	" CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci",
	/* one row a key and service: a key is its service's, as the real
	 * services each keep their own */
	"CREATE TABLE IF NOT EXISTS upstream_sim.idem_keys ("
	" service    VARCHAR(16)  NOT NULL,"
	" idem_key   VARCHAR(255) NOT NULL,"
	" req_hash   CHAR(64)     NOT NULL,"	/* SHA-256 of method, path, canonical body */
	" status     INT          NOT NULL,"	/* the first answer */
	" answer     MEDIUMTEXT   NOT NULL,"
	" created_at DATETIME     NOT NULL,"
	" PRIMARY KEY (service, idem_key)"
	") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin",
	"CREATE TABLE IF NOT EXISTS upstream_sim.requests ("
	" id         BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,"
	" at         DATETIME(3)  NOT NULL,"
	" service    VARCHAR(16)  NOT NULL,"	/* '' when no route matched */
	" method     VARCHAR(8)   NOT NULL,"
	" path       VARCHAR(255) NOT NULL,"
	" idem_key   VARCHAR(255) NULL,"
	" body       MEDIUMTEXT   NOT NULL,"	/* as sent */
	" status     INT          NOT NULL,"	/* as answered */
	" answer     MEDIUMTEXT   NOT NULL,"
	" effect     TINYINT      NOT NULL,"	/* 1: it changed something */
	" outcome    VARCHAR(16)  NOT NULL,"	/* applied replayed refused key_reused invalid fault error */
	" KEY ix_requests_key (idem_key),"
	" KEY ix_requests_service (service, id)"
	") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin",
	/* the robot's jobs: the id is the job id (J…); what a callback sent
	 * later (/_sim/robot/send) needs of its job */
	"CREATE TABLE IF NOT EXISTS upstream_sim.robot_jobs ("
	" id           BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,"
	" ref          VARCHAR(64)  NOT NULL,"
	" job_group    VARCHAR(64)  NOT NULL,"
	" script       VARCHAR(64)  NOT NULL,"
	" first_intent VARCHAR(32)  NOT NULL,"
	" callback_url VARCHAR(255) NOT NULL,"
	" created_at   DATETIME(3)  NOT NULL,"
	" KEY ix_robot_jobs_ref (ref, id)"
	") ENGINE=InnoDB AUTO_INCREMENT=100001 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin",
};

static struct db_stmt q_key_find = DB_STMT(DB_ADMIN,
	"SELECT req_hash = SHA2(?, 256), status, answer FROM upstream_sim.idem_keys"
	" WHERE service = ? AND idem_key = ? AND created_at > NOW() - INTERVAL 1 DAY"
	" FOR UPDATE");
/* a key older than a day is free again: its row is taken over */
static struct db_stmt q_key_save = DB_STMT(DB_ADMIN,
	"INSERT INTO upstream_sim.idem_keys (service, idem_key, req_hash, status, answer,"
	" created_at) VALUES (?, ?, SHA2(?, 256), ?, ?, NOW())"
	" ON DUPLICATE KEY UPDATE req_hash = VALUES(req_hash), status = VALUES(status),"
	" answer = VALUES(answer), created_at = VALUES(created_at)");
static struct db_stmt q_record = DB_STMT(DB_ADMIN,
	"INSERT INTO upstream_sim.requests (at, service, method, path, idem_key, body,"
	" status, answer, effect, outcome) VALUES (NOW(3), ?, ?, ?, ?, ?, ?, ?, ?, ?)");
static struct db_stmt q_effects = DB_STMT(DB_ADMIN,
	"SELECT COUNT(*), COALESCE(SUM(effect), 0) FROM upstream_sim.requests"
	" WHERE idem_key = ?");

void
store_open(void)
{
	size_t i;
	int rc;

	for (i = 0; i < NELEM(schema); i++)
		if ((rc = db_run_sql(DB_ADMIN, schema[i])) != DB_OK)
			die("cannot make the upstream_sim tables: %s", db_error(DB_ADMIN));
}

int
key_find(struct arena *a, enum upstream svc, const char *key, const char *canon,
    int *same, int *status, const char **body)
{
	struct db_res res;
	int rc;

	rc = DB_ONE(a, &q_key_find, &res, DB_STR(canon), DB_STR(upstream_names[svc]),
	    DB_STR(key));
	if (rc == DB_OK) {
		*same = db_int(&res, 0) == 1;
		*status = (int)db_int(&res, 1);
		*body = arena_strdup(a, db_str(&res, 2));
	}
	db_done(&res);
	return rc;
}

int
key_save(struct arena *a, enum upstream svc, const char *key, const char *canon,
    int status, const char *body)
{
	return DB_EXEC(a, &q_key_save, NULL, DB_STR(upstream_names[svc]), DB_STR(key),
	    DB_STR(canon), DB_INT(status), DB_STR(body));
}

/* text: s as the record can hold it (valid UTF-8, at most max characters). */
static const char *
text(struct arena *a, const char *s, size_t n, size_t max)
{
	if (!utf8_valid(s, n))
		return arena_printf(a, "(%zu bytes, not UTF-8)", n);
	return clip(a, arena_strndup(a, s, n), max);
}

void
record(struct arena *a, const char *service, const struct sim_req *r,
    const struct sim_resp *out)
{
	const char *body = r->too_big ? arena_printf(a, "(%zu bytes and more)", r->len) :
	    text(a, r->body, r->len, 16000000);
	int rc;

	rc = DB_EXEC(a, &q_record, NULL, DB_STR(service), DB_STR(r->method),
	    DB_STR(text(a, r->path, strlen(r->path), 255)),
	    r->key ? DB_STR(text(a, r->key, strlen(r->key), 255)) : DB_NULL,
	    DB_STR(body), DB_INT(out->status),
	    DB_STR(out->body.p ? out->body.p : ""), DB_INT(out->effect), DB_STR(out->outcome));
	if (rc != DB_OK)
		log_ev(LOG_ERROR, NULL, "record_failed", "path=%s error=%s", r->path,
		    db_error(DB_ADMIN));
}

/* store_requests: GET /_sim/requests?key=K | ?service=S&since=ID, oldest
 * first, 1,000 at most. */
void
store_requests(struct arena *a, const struct sim_req *r, struct sim_resp *out)
{
	const char *key = r->arg(r, "key"), *svc = r->arg(r, "service");
	const char *since = r->arg(r, "since");
	struct json_object *list, *o, *x;
	struct db_query q;
	struct db_res res;
	long long after = 0;
	int rc;

	if (since && parse_i64(since, strlen(since), &after) < 0) {
		reply_msg(out, 400, "since 须为整数");
		return;
	}
	dbq_init(&q, DB_ADMIN);
	dbq_sql(&q, "SELECT id, DATE_FORMAT(at, '%Y-%m-%d %H:%i:%s.%f'), service, method,"
	    " path, idem_key, body, status, answer, effect, outcome"
	    " FROM upstream_sim.requests WHERE id > ?");
	dbq_arg(&q, DB_INT(after));
	if (key)
		dbq_cond(&q, " AND idem_key = ?", DB_STR(key));
	if (svc)
		dbq_cond(&q, " AND service = ?", DB_STR(svc));
	dbq_sql(&q, " ORDER BY id LIMIT 1000");
	if ((rc = dbq_exec(a, &q, &res)) != DB_OK) {
		reply_msg(out, 500, "读取请求记录失败");
		return;
	}
	list = json_object_new_array();
	while ((rc = db_next(&res)) > 0) {
		o = json_object_new_object();
		json_object_object_add(o, "id", json_object_new_int64(db_int(&res, 0)));
		json_object_object_add(o, "at", json_object_new_string(db_str(&res, 1)));
		json_object_object_add(o, "service", json_object_new_string(db_str(&res, 2)));
		json_object_object_add(o, "method", json_object_new_string(db_str(&res, 3)));
		json_object_object_add(o, "path", json_object_new_string(db_str(&res, 4)));
		json_object_object_add(o, "key", db_null(&res, 5) ? NULL :
		    json_object_new_string(db_str(&res, 5)));
		json_object_object_add(o, "body", json_object_new_string_len(db_str(&res, 6),
		    (int)db_len(&res, 6)));
		json_object_object_add(o, "status", json_object_new_int64(db_int(&res, 7)));
		/* the answer is always JSON of ours: given as such */
		x = json_tokener_parse(db_str(&res, 8));
		json_object_object_add(o, "answer", x);
		json_object_object_add(o, "effect", json_object_new_boolean(db_int(&res, 9)));
		json_object_object_add(o, "outcome", json_object_new_string(db_str(&res, 10)));
		json_object_array_add(list, o);
	}
	if (db_done(&res) != DB_OK || rc < 0) {
		json_object_put(list);
		reply_msg(out, 500, "读取请求记录失败");
		return;
	}
	o = json_object_new_object();
	json_object_object_add(o, "requests", list);
	reply_json(out, 200, o);
}

/* store_effects: GET /_sim/effects?key=K */
void
store_effects(struct arena *a, const struct sim_req *r, struct sim_resp *out)
{
	const char *key = r->arg(r, "key");
	struct json_object *o;
	struct db_res res;

	if (key == NULL) {
		reply_msg(out, 400, "缺少参数 key");
		return;
	}
	if (DB_ONE(a, &q_effects, &res, DB_STR(key)) != DB_OK) {
		db_done(&res);
		reply_msg(out, 500, "读取请求记录失败");
		return;
	}
	o = json_object_new_object();
	json_object_object_add(o, "key", json_object_new_string(key));
	json_object_object_add(o, "requests", json_object_new_int64(db_int(&res, 0)));
	json_object_object_add(o, "effects", json_object_new_int64(db_int(&res, 1)));
	db_done(&res);
	reply_json(out, 200, o);
}
