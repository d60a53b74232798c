/* db.c: MariaDB through Connector/C, prepared statements only (see db.h)
 *
 * Caveats: a statement object is shared by all its executions, so a page
 * must finish with one result (db_done) before running the same statement
 * again; results are stored client-side, so other statements may run while
 * a result is being read.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <mysql.h>
#include <errmsg.h>
#include <mysqld_error.h>

#include "core/cfg.h"
#include "core/db.h"
#include "core/log.h"
#include "core/util.h"

struct conn {
	const char *name;
	MYSQL *m;
	unsigned gen;		/* bumped on every successful connect */
	int up;
	int in_tx;		/* a transaction is open: never retry */
	int64_t retry_at;	/* no connect attempt before this (ms) */
	char err[256];
};

static struct conn conns[DB_N] = {
	{ .name = "replica" }, { .name = "console" }, { .name = "admin" },
};
static struct db_stmt *registry;	/* every statement ever prepared */

/* The cache of composed statements (dbq_exec): small and bounded. */
#define CACHE_MAX 512
static struct db_stmt *cache[CACHE_MAX];
static unsigned long cache_hash[CACHE_MAX];
static size_t ncache;

static unsigned long
fnv1a(const char *s)
{
	unsigned long h = 2166136261UL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619UL;
	return h;
}

static const struct cfg_db *
conf_of(enum db_which w)
{
	return w == DB_REPLICA ? &cfg.replica :
	    w == DB_CONSOLE ? &cfg.console : &cfg.admin;
}

void
db_init(void)
{
	if (mysql_library_init(0, NULL, NULL))
		die("db: cannot initialise the MariaDB client library");
}

static void
set_err(struct conn *c, const char *msg)
{
	snprintf(c->err, sizeof(c->err), "%s", msg ? msg : "");
}

/* drop: forget a broken connection and every statement prepared on it. */
static void
drop(enum db_which w)
{
	struct conn *c = &conns[w];
	struct db_stmt *q;

	for (q = registry; q; q = q->next)
		if (q->db == w && q->st) {
			mysql_stmt_close(q->st);
			q->st = NULL;
		}
	if (c->m)
		mysql_close(c->m);
	c->m = NULL;
	c->in_tx = 0;
	if (c->up)
		log_ev(LOG_WARN, NULL, "db_down", "db=%s error=%s", c->name, c->err);
	c->up = 0;
	c->retry_at = now_ms() + 1000;
}

static int
connect_db(enum db_which w)
{
	const struct cfg_db *d = conf_of(w);
	struct conn *c = &conns[w];
	unsigned int t;
	char init[256];
	my_bool off = 0;

	if (c->up)
		return DB_OK;
	if (now_ms() < c->retry_at)
		return DB_DOWN;
	if ((c->m = mysql_init(NULL)) == NULL)
		abort();
	t = (unsigned)d->connect_timeout;
	mysql_options(c->m, MYSQL_OPT_CONNECT_TIMEOUT, &t);
	t = (unsigned)d->read_timeout;
	mysql_options(c->m, MYSQL_OPT_READ_TIMEOUT, &t);
	t = (unsigned)d->write_timeout;
	mysql_options(c->m, MYSQL_OPT_WRITE_TIMEOUT, &t);
	mysql_options(c->m, MYSQL_OPT_RECONNECT, &off);
	mysql_options(c->m, MYSQL_OPT_LOCAL_INFILE, &off);
	mysql_options(c->m, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	/* Built from configuration only.  No index-merge intersections: on
	 * two low-selectivity indexes (cases with no silence and no incident)
	 * the optimizer chose one over the index that holds the whole
	 * condition, and a 1 ms count took 30.  The replica session is read
	 * only even if its user were given more than SELECT, and keeps EXISTS
	 * as written: a check per row of an ordered walk (search filters), not
	 * a semi-join over every matching row. */
	snprintf(init, sizeof(init),
	    "SET time_zone = '%s', SESSION max_statement_time = %lld,"
	    " SESSION optimizer_switch = 'index_merge_intersection=off%s'%s",
	    cfg.time_zone, d->query_timeout, w == DB_REPLICA ? ",exists_to_in=off" : "",
	    w == DB_REPLICA ? ", SESSION tx_read_only = 1" : "");
	mysql_options(c->m, MYSQL_INIT_COMMAND, init);
	if (!mysql_real_connect(c->m, d->host[0] ? d->host : NULL, d->user,
	    d->password, d->database[0] ? d->database : NULL, (unsigned)d->port,
	    d->socket[0] ? d->socket : NULL, CLIENT_FOUND_ROWS)) {
		set_err(c, mysql_error(c->m));
		mysql_close(c->m);
		c->m = NULL;
		c->retry_at = now_ms() + 1000;
		log_ev(LOG_WARN, NULL, "db_connect_failed", "db=%s error=%s",
		    c->name, c->err);
		return DB_DOWN;
	}
	c->gen++;
	c->up = 1;
	c->err[0] = '\0';
	log_ev(LOG_INFO, NULL, "db_connected", "db=%s gen=%u", c->name, c->gen);
	return DB_OK;
}

/* classify: map a client/server error to our return codes, dropping the
 * connection when it is the connection that failed. */
static int
classify(enum db_which w, unsigned e, const char *msg, const char *sql)
{
	struct conn *c = &conns[w];

	set_err(c, msg);
	switch (e) {
	case CR_SERVER_GONE_ERROR:
	case CR_SERVER_LOST:
	case CR_CONNECTION_ERROR:
	case CR_CONN_HOST_ERROR:
	case CR_COMMANDS_OUT_OF_SYNC:
	case ER_CONNECTION_KILLED:
	case ER_SERVER_SHUTDOWN:
		drop(w);
		return DB_DOWN;
	case ER_STATEMENT_TIMEOUT:
		/* The server is up but too slow for this: also a 503. */
		log_ev(LOG_WARN, NULL, "db_timeout", "db=%s sql=%.60s", c->name, sql);
		return DB_DOWN;
	case ER_DUP_ENTRY:
		return DB_DUP;
	case ER_LOCK_DEADLOCK:
	case ER_LOCK_WAIT_TIMEOUT:
		return DB_RETRY;
	}
	log_ev(LOG_ERROR, NULL, "db_error", "db=%s errno=%u error=%s sql=%.60s",
	    c->name, e, msg, sql);
	return DB_FAIL;
}

/* stale: after a server restart every idle connection is dead, which we
 * learn only when we use it.  A statement that could not even be sent
 * (gone away), or a read on the replica, is retried once on a new
 * connection, so a restart costs no request an error; nothing is retried
 * inside a transaction. */
static int
stale(struct db_stmt *q, unsigned e)
{
	struct conn *c = &conns[q->db];

	if (c->in_tx || !(e == CR_SERVER_GONE_ERROR ||
	    (e == CR_SERVER_LOST && q->db == DB_REPLICA)))
		return 0;
	set_err(c, "connection lost, reconnecting");
	drop(q->db);
	c->retry_at = 0;
	return 1;
}

static int
prepare(struct db_stmt *q)
{
	struct conn *c = &conns[q->db];
	MYSQL_STMT *st;
	my_bool yes = 1;
	int rc;

	if ((rc = connect_db(q->db)) != DB_OK)
		return rc;
	if (q->st && q->gen == c->gen)
		return DB_OK;
	if (q->st)
		mysql_stmt_close(q->st);
	q->st = NULL;
	if ((st = mysql_stmt_init(c->m)) == NULL)
		abort();
	if (mysql_stmt_prepare(st, q->sql, strlen(q->sql))) {
		unsigned e = mysql_stmt_errno(st);
		char msg[256];

		snprintf(msg, sizeof(msg), "%s", mysql_stmt_error(st));
		mysql_stmt_close(st);
		if (e == CR_SERVER_GONE_ERROR && !c->in_tx && stale(q, e))
			return prepare(q);
		return classify(q->db, e, msg, q->sql);
	}
	mysql_stmt_attr_set(st, STMT_ATTR_UPDATE_MAX_LENGTH, &yes);
	if (q->gen == 0) {	/* first preparation: remember it */
		q->next = registry;
		registry = q;
	}
	q->st = st;
	q->gen = c->gen;
	q->nparams = (unsigned)mysql_stmt_param_count(st);
	q->ncols = mysql_stmt_field_count(st);
	return DB_OK;
}

static int
fail_stmt(struct db_stmt *q)
{
	return classify(q->db, mysql_stmt_errno(q->st), mysql_stmt_error(q->st),
	    q->sql);
}

/* Buffer size for a column: strings as long as the longest value, other
 * types long enough for their text form. */
static unsigned long
col_size(const MYSQL_FIELD *f)
{
	switch (f->type) {
	case MYSQL_TYPE_TINY_BLOB: case MYSQL_TYPE_MEDIUM_BLOB:
	case MYSQL_TYPE_LONG_BLOB: case MYSQL_TYPE_BLOB:
	case MYSQL_TYPE_VAR_STRING: case MYSQL_TYPE_STRING:
	case MYSQL_TYPE_VARCHAR: case MYSQL_TYPE_JSON:
	case MYSQL_TYPE_NEWDECIMAL: case MYSQL_TYPE_DECIMAL:
	case MYSQL_TYPE_ENUM: case MYSQL_TYPE_SET: case MYSQL_TYPE_BIT:
	case MYSQL_TYPE_GEOMETRY:
		return f->max_length + 1;
	default:
		return f->max_length > 64 ? f->max_length + 1 : 65;
	}
}

/* explain: with ORDERMEND_EXPLAIN=1 in the environment, every SELECT is
 * first run under EXPLAIN with the same arguments and the plan logged, one
 * line per table (event=explain) — how the tests check that no query scans
 * a big table, and how an admin finds out why a page is slow. */
static void
explain(struct db_stmt *q, MYSQL_BIND *pb, size_t nargs)
{
	static const char *const want[5] = { "table", "type", "key", "rows", "Extra" };
	static int on = -1;
	const char *env = getenv("ORDERMEND_EXPLAIN");
	char sql[8192], (*val)[128];
	const char *v[5];
	unsigned long *len;
	my_bool *isnull;
	MYSQL_BIND *rb;
	MYSQL_STMT *st;
	MYSQL_RES *meta;
	unsigned i, k, n;
	int at[5] = { -1, -1, -1, -1, -1 };

	if (on < 0)
		on = env && strcmp(env, "1") == 0;
	if (!on || strncmp(q->sql, "SELECT", 6) != 0 ||
	    snprintf(sql, sizeof(sql), "EXPLAIN %s", q->sql) >= (int)sizeof(sql) ||
	    (st = mysql_stmt_init(conns[q->db].m)) == NULL)
		return;
	if (mysql_stmt_prepare(st, sql, strlen(sql)) ||
	    (nargs && mysql_stmt_bind_param(st, pb)) || mysql_stmt_execute(st) ||
	    (meta = mysql_stmt_result_metadata(st)) == NULL) {
		log_ev(LOG_WARN, NULL, "explain_failed", "error=%s", mysql_stmt_error(st));
		mysql_stmt_close(st);
		return;
	}
	n = mysql_num_fields(meta);
	for (i = 0; i < n; i++)
		for (k = 0; k < 5; k++)
			if (strcmp(mysql_fetch_field_direct(meta, i)->name, want[k]) == 0)
				at[k] = (int)i;
	mysql_free_result(meta);
	rb = xcalloc(n, sizeof(*rb));
	val = xcalloc(n, sizeof(*val));
	len = xcalloc(n, sizeof(*len));
	isnull = xcalloc(n, sizeof(*isnull));
	for (i = 0; i < n; i++) {
		rb[i].buffer_type = MYSQL_TYPE_STRING;
		rb[i].buffer = val[i];
		rb[i].buffer_length = sizeof(val[i]) - 1;
		rb[i].length = &len[i];
		rb[i].is_null = &isnull[i];
	}
	mysql_stmt_bind_result(st, rb);
	while ((k = (unsigned)mysql_stmt_fetch(st)) == 0 || k == MYSQL_DATA_TRUNCATED) {
		for (i = 0; i < n; i++)
			val[i][isnull[i] ? 0 : len[i] < sizeof(val[i]) ? len[i] : sizeof(val[i]) - 1] = '\0';
		for (k = 0; k < 5; k++)
			v[k] = at[k] >= 0 ? val[at[k]] : "";
		log_ev(LOG_INFO, NULL, "explain", "db=%s table=%s type=%s key=%s rows=%s"
		    " extra=%s sql=%.80s", conns[q->db].name, v[0], v[1], v[2], v[3], v[4],
		    q->sql);
	}
	free(rb);
	free(val);
	free(len);
	free(isnull);
	mysql_stmt_close(st);
}

int
db_exec(struct arena *a, struct db_stmt *q, struct db_res *res,
    size_t nargs, const struct db_arg *args)
{
	MYSQL_BIND pb[DB_MAX_ARGS];
	MYSQL_BIND *rb;
	MYSQL_RES *meta;
	unsigned i;
	int rc, attempt = 0;

	if (res) {
		memset(res, 0, sizeof(*res));
		res->q = q;
	}
again:
	if ((rc = prepare(q)) != DB_OK)
		return rc;
	if (nargs != q->nparams || nargs > NELEM(pb)) {
		log_ev(LOG_ERROR, NULL, "db_error", "db=%s error=%s want=%u got=%zu sql=%.60s",
		    conns[q->db].name, "parameter count", q->nparams, nargs, q->sql);
		return DB_FAIL;
	}
	memset(pb, 0, sizeof(pb));
	for (i = 0; i < nargs; i++) {
		switch (args[i].type) {
		case 's':
			pb[i].buffer_type = MYSQL_TYPE_STRING;
			pb[i].buffer = (void *)args[i].s;
			pb[i].buffer_length = args[i].len;
			break;
		case 'i':
			pb[i].buffer_type = MYSQL_TYPE_LONGLONG;
			pb[i].buffer = (void *)&args[i].i;
			break;
		default:
			pb[i].buffer_type = MYSQL_TYPE_NULL;
			break;
		}
	}
	explain(q, pb, nargs);
	if ((nargs && mysql_stmt_bind_param(q->st, pb)) ||
	    mysql_stmt_execute(q->st)) {
		if (attempt++ == 0 && stale(q, mysql_stmt_errno(q->st)))
			goto again;
		return fail_stmt(q);
	}
	if (q->ncols == 0) {
		if (res) {
			res->affected = mysql_stmt_affected_rows(q->st);
			res->insert_id = mysql_stmt_insert_id(q->st);
		}
		return DB_OK;
	}
	if (mysql_stmt_store_result(q->st))
		return fail_stmt(q);
	if (res == NULL) {
		mysql_stmt_free_result(q->st);
		return DB_OK;
	}
	res->ncols = q->ncols;
	res->rows = mysql_stmt_num_rows(q->st);
	res->val = arena_alloc(a, q->ncols * sizeof(char *));
	res->len = arena_alloc(a, q->ncols * sizeof(unsigned long));
	res->isnull = arena_alloc(a, q->ncols);
	rb = arena_alloc(a, q->ncols * sizeof(MYSQL_BIND));
	res->bind = rb;
	meta = mysql_stmt_result_metadata(q->st);
	for (i = 0; i < q->ncols; i++) {
		unsigned long sz = col_size(mysql_fetch_field_direct(meta, i));

		res->val[i] = arena_alloc(a, sz);
		rb[i].buffer_type = MYSQL_TYPE_STRING;
		rb[i].buffer = res->val[i];
		rb[i].buffer_length = sz;
		rb[i].length = &res->len[i];
		rb[i].is_null = (my_bool *)&res->isnull[i];
	}
	mysql_free_result(meta);
	if (mysql_stmt_bind_result(q->st, rb)) {
		rc = fail_stmt(q);
		mysql_stmt_free_result(q->st);
		return rc;
	}
	return DB_OK;
}

int
db_next(struct db_res *res)
{
	int rc;
	unsigned i;

	if (res->rc != DB_OK)
		return res->rc;
	if (res->q == NULL || res->ncols == 0)
		return 0;
	rc = mysql_stmt_fetch(res->q->st);
	if (rc == MYSQL_NO_DATA)
		return 0;
	if (rc == 1 || rc == MYSQL_DATA_TRUNCATED) {
		log_ev(LOG_ERROR, NULL, "db_error", "db=%s error=%s sql=%.60s",
		    conns[res->q->db].name,
		    rc == 1 ? mysql_stmt_error(res->q->st) : "truncated",
		    res->q->sql);
		return res->rc = DB_FAIL;
	}
	for (i = 0; i < res->ncols; i++)
		res->val[i][res->isnull[i] ? 0 : res->len[i]] = '\0';
	return 1;
}

const char *
db_str(const struct db_res *res, unsigned col)
{
	return col < res->ncols && !res->isnull[col] ? res->val[col] : NULL;
}

size_t
db_len(const struct db_res *res, unsigned col)
{
	return col < res->ncols && !res->isnull[col] ? res->len[col] : 0;
}

int
db_null(const struct db_res *res, unsigned col)
{
	return col >= res->ncols || res->isnull[col];
}

long long
db_int(const struct db_res *res, unsigned col)
{
	return db_null(res, col) ? 0 : strtoll(res->val[col], NULL, 10);
}

int
db_done(struct db_res *res)
{
	if (res == NULL)
		return DB_OK;
	if (res->q && res->q->st && res->ncols)
		mysql_stmt_free_result(res->q->st);
	res->q = NULL;
	return res->rc;
}

int
db_one(struct arena *a, struct db_stmt *q, struct db_res *res,
    size_t nargs, const struct db_arg *args)
{
	int rc = db_exec(a, q, res, nargs, args);

	if (rc != DB_OK)
		return rc;
	rc = db_next(res);
	return rc > 0 ? DB_OK : rc == 0 ? DB_NOROW : rc;
}

/* cached: the statement for SQL composed at run time from literal
 * fragments (dbq_*), kept and prepared once per connection like a static
 * one. */
static struct db_stmt *
cached(enum db_which which, const char *sql)
{
	unsigned long h = fnv1a(sql) ^ (unsigned long)which;
	struct db_stmt *q;
	size_t i;

	for (i = 0; i < ncache; i++)
		if (cache_hash[i] == h && cache[i]->db == which &&
		    strcmp(cache[i]->sql, sql) == 0)
			return cache[i];
	if (ncache == CACHE_MAX) {
		/* Full: retarget the oldest.  Composed statements come from a
		 * fixed set of fragments, so this means a bug elsewhere. */
		log_ev(LOG_WARN, NULL, "db_cache_full", "size=%d", CACHE_MAX);
		q = cache[0];
		if (q->st)
			mysql_stmt_close(q->st);
		q->st = NULL;
		memmove(cache, cache + 1, (CACHE_MAX - 1) * sizeof(*cache));
		memmove(cache_hash, cache_hash + 1, (CACHE_MAX - 1) * sizeof(*cache_hash));
		ncache--;
		free((char *)q->sql);	/* still in the registry: keep the struct */
	} else {
		q = xcalloc(1, sizeof(*q));
	}
	q->db = which;
	q->sql = xstrdup(sql);
	cache_hash[ncache] = h;
	cache[ncache++] = q;
	return q;
}

void
dbq_init(struct db_query *q, enum db_which which)
{
	q->db = which;
	q->len = 0;
	q->sql[0] = '\0';
	q->nargs = 0;
	q->overflow = 0;
}

void
dbq_sql_(struct db_query *q, const char *fragment)
{
	size_t n = strlen(fragment);

	if (q->len + n >= sizeof(q->sql)) {
		q->overflow = 1;
		return;
	}
	memcpy(q->sql + q->len, fragment, n + 1);
	q->len += n;
}

void
dbq_arg(struct db_query *q, struct db_arg arg)
{
	if (q->nargs == DB_MAX_ARGS) {
		q->overflow = 1;
		return;
	}
	q->args[q->nargs++] = arg;
}

void
dbq_cond_(struct db_query *q, const char *fragment, struct db_arg arg)
{
	dbq_sql_(q, fragment);
	dbq_arg(q, arg);
}

int
dbq_exec(struct arena *a, struct db_query *q, struct db_res *res)
{
	if (q->overflow) {
		log_ev(LOG_ERROR, NULL, "db_error", "error=%s sql=%.60s",
		    "composed statement too long", q->sql);
		if (res)
			memset(res, 0, sizeof(*res));
		return DB_FAIL;
	}
	return db_exec(a, cached(q->db, q->sql), res, q->nargs, q->args);
}

int
db_begin(enum db_which which)
{
	int rc;

	if ((rc = connect_db(which)) != DB_OK)
		return rc;
	if (mysql_autocommit(conns[which].m, 0)) {
		/* a dead idle connection: one fresh try */
		if (mysql_errno(conns[which].m) == CR_SERVER_GONE_ERROR) {
			drop(which);
			conns[which].retry_at = 0;
			if ((rc = connect_db(which)) != DB_OK)
				return rc;
			if (!mysql_autocommit(conns[which].m, 0))
				goto ok;
		}
		return classify(which, mysql_errno(conns[which].m),
		    mysql_error(conns[which].m), "BEGIN");
	}
ok:
	conns[which].in_tx = 1;
	return DB_OK;
}

int
db_commit(enum db_which which)
{
	struct conn *c = &conns[which];
	int rc = DB_OK;

	c->in_tx = 0;
	if (!c->up)
		return DB_DOWN;
	if (mysql_commit(c->m))
		rc = classify(which, mysql_errno(c->m), mysql_error(c->m), "COMMIT");
	if (c->up && mysql_autocommit(c->m, 1))
		rc = classify(which, mysql_errno(c->m), mysql_error(c->m), "AUTOCOMMIT");
	return rc;
}

void
db_rollback(enum db_which which)
{
	struct conn *c = &conns[which];

	c->in_tx = 0;
	if (!c->up)
		return;
	if (mysql_rollback(c->m) || mysql_autocommit(c->m, 1))
		classify(which, mysql_errno(c->m), mysql_error(c->m), "ROLLBACK");
}

int
db_ping(enum db_which which)
{
	struct conn *c = &conns[which];
	int rc;

	if ((rc = connect_db(which)) != DB_OK)
		return rc;
	if (mysql_ping(c->m)) {
		set_err(c, mysql_error(c->m));
		drop(which);
		return DB_DOWN;
	}
	return DB_OK;
}

const char *
db_error(enum db_which which)
{
	return conns[which].err;
}

static struct db_stmt q_lag = DB_STMT(DB_REPLICA, "SHOW SLAVE STATUS");

int
db_replica_lag(long long *secs)
{
	static int64_t checked_at;
	static int known;
	static long long lag;
	struct arena a;
	struct db_res res;
	int64_t now = now_ms();

	if (checked_at && now - checked_at < 5000) {
		*secs = lag;
		return known;
	}
	checked_at = now;
	known = 0;
	arena_init(&a, 4096);
	if (db_exec(&a, &q_lag, &res, 0, NULL) == DB_OK && db_next(&res) > 0) {
		/* SHOW SLAVE STATUS: find the columns by name, they move
		 * between versions. */
		MYSQL_RES *meta = mysql_stmt_result_metadata(q_lag.st);
		const char *io = NULL, *sql = NULL, *behind = NULL;
		unsigned i;

		for (i = 0; meta && i < res.ncols; i++) {
			const char *n = mysql_fetch_field_direct(meta, i)->name;

			if (strcmp(n, "Slave_IO_Running") == 0)
				io = db_str(&res, i);
			else if (strcmp(n, "Slave_SQL_Running") == 0)
				sql = db_str(&res, i);
			else if (strcmp(n, "Seconds_Behind_Master") == 0)
				behind = db_str(&res, i);
		}
		if (meta)
			mysql_free_result(meta);
		known = 1;
		if (io && sql && strcmp(io, "Yes") == 0 && strcmp(sql, "Yes") == 0 && behind)
			lag = strtoll(behind, NULL, 10);
		else
			lag = -1;
	}
	db_done(&res);
	arena_cleanup(&a);
	*secs = lag;
	return known;
}

void
db_close_all(void)
{
	int w;

	for (w = 0; w < DB_N; w++) {
		conns[w].up = 0;
		drop(w);
		conns[w].retry_at = 0;
	}
	while (ncache) {
		struct db_stmt *q = cache[--ncache];

		/* unlink from the registry before freeing */
		struct db_stmt **pp = &registry;

		while (*pp && *pp != q)
			pp = &(*pp)->next;
		if (*pp)
			*pp = q->next;
		free((char *)q->sql);
		free(q);
	}
}

void
db_shutdown(void)
{
	db_close_all();
	mysql_library_end();
}

int
db_run_sql(enum db_which which, const char *sql)
{
	struct conn *c = &conns[which];
	MYSQL_STMT *st;
	int rc;

	if ((rc = connect_db(which)) != DB_OK)
		return rc;
	if ((st = mysql_stmt_init(c->m)) == NULL)
		abort();
	if (mysql_stmt_prepare(st, sql, strlen(sql)) || mysql_stmt_execute(st)) {
		rc = classify(which, mysql_stmt_errno(st), mysql_stmt_error(st), sql);
		mysql_stmt_close(st);
		return rc;
	}
	if (mysql_stmt_field_count(st))
		mysql_stmt_store_result(st);
	mysql_stmt_close(st);
	return DB_OK;
}

MYSQL *
db_mysql(enum db_which which)
{
	return connect_db(which) == DB_OK ? conns[which].m : NULL;
}

struct db_arg
db_clip(const char *s, size_t max)
{
	size_t i = 0, chars = 0;

	if (s == NULL)
		return DB_NULL;
	while (s[i] && chars < max) {
		i++;
		while ((s[i] & 0xC0) == 0x80)
			i++;
		chars++;
	}
	return DB_BIN(s, i);
}
