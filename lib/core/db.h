/* db.h: MariaDB through Connector/C, prepared statements only
 *
 * Two connections per process: the reporting replica (read only) and the
 * console schema (read/write); mendctl adds the admin connection.  Each is
 * opened lazily, with utf8mb4, the configured timeouts, the shop's time
 * zone, and a statement time limit.
 *
 * Statements are static objects declared at the top of the page that uses
 * them:
 *
 *     static struct db_stmt q_order = DB_STMT(DB_REPLICA,
 *         "SELECT order_no, status FROM orders WHERE order_no = ?");
 *
 * They are prepared on first use on a connection and again after a
 * reconnect; the parameter count is checked on every execution.  Results
 * are fetched whole (store_result) and every column comes back as text in
 * buffers from the caller's arena, so nothing needs freeing but db_done().
 *
 * When a server is down or goes away, calls fail with DB_DOWN at once and
 * the connection is retried at most once a second, so a dead database
 * costs a request no more than the connect timeout and the worker recovers
 * by itself when the server is back.
 */
#ifndef OM_DB_H
#define OM_DB_H

#include <stddef.h>
#include <string.h>

#include "core/arena.h"

enum db_which { DB_REPLICA, DB_CONSOLE, DB_ADMIN, DB_N };

enum db_rc {
	DB_OK = 0,
	DB_NOROW = 1,		/* db_one: the statement gave no row */
	DB_FAIL = -1,		/* the statement failed: a bug, or bad data */
	DB_DOWN = -2,		/* no connection: answer 503 */
	DB_DUP = -3,		/* duplicate key */
	DB_RETRY = -4,		/* deadlock or lock wait timeout */
};

struct st_mysql_stmt;

struct db_stmt {
	enum db_which db;
	const char *sql;
	/* private */
	struct st_mysql_stmt *st;
	unsigned gen;
	unsigned nparams, ncols;
	struct db_stmt *next;
};

/* The SQL is a string literal, or literals pasted together: "" pasted in
 * front makes anything else a compile error, so request data can never
 * become SQL. */
#define DB_STMT(which, text) { .db = (which), .sql = "" text }

struct db_arg {
	char type;		/* 's' string, 'i' integer, 'n' NULL */
	const char *s;
	size_t len;
	long long i;
};

#define DB_STR(v) ((struct db_arg){ .type = 's', .s = (v), .len = strlen(v) })
#define DB_BIN(v, n) ((struct db_arg){ .type = 's', .s = (v), .len = (n) })
#define DB_INT(v) ((struct db_arg){ .type = 'i', .i = (long long)(v) })
#define DB_NULL ((struct db_arg){ .type = 'n' })
/* a string that may be NULL */
#define DB_STRN(v) ((v) ? DB_STR(v) : DB_NULL)
/* db_clip: s (valid UTF-8) as an argument cut to at most max characters,
 * so a long text is shortened rather than refused by its column; NULL as
 * SQL NULL. */
struct db_arg db_clip(const char *s, size_t max);

struct db_res {
	struct db_stmt *q;
	unsigned ncols;
	char **val;
	unsigned long *len;
	char *isnull;
	void *bind;
	unsigned long long rows;	/* rows in the result */
	unsigned long long affected;	/* rows changed by INSERT/UPDATE/DELETE */
	unsigned long long insert_id;
	int rc;				/* a failed fetch (db_next), or DB_OK */
};

/* db_init: once per process, before any other call. */
void db_init(void);
/* db_exec: run q with args; on DB_OK, res holds the result (if any) until
 * db_done.  res may be NULL for statements without a result. */
int db_exec(struct arena *a, struct db_stmt *q, struct db_res *res,
    size_t nargs, const struct db_arg *args);
#define DB_EXEC(a, q, res, ...) db_exec((a), (q), (res), \
	sizeof((struct db_arg[]){ __VA_ARGS__ }) / sizeof(struct db_arg), \
	(const struct db_arg[]){ __VA_ARGS__ })
/* db_next: 1 when a row is ready, 0 at the end, or an error (< 0): a
 * failed fetch is never taken for the end of the rows.  Loops read
 *     while ((rc = db_next(&res)) > 0) ...
 * and db_done reports the error too. */
int db_next(struct db_res *res);
/* column access on the current row; db_str gives NULL for SQL NULL. */
const char *db_str(const struct db_res *res, unsigned col);
size_t db_len(const struct db_res *res, unsigned col);
int db_null(const struct db_res *res, unsigned col);
long long db_int(const struct db_res *res, unsigned col);
/* db_done: release the result; safe to call twice or after a failure.
 * Returns DB_OK, or the error a fetch met. */
int db_done(struct db_res *res);
/* db_one: db_exec + db_next for a statement expected to give at most one
 * row: DB_OK with a row, DB_NOROW with none, or an error.  Call db_done
 * after. */
int db_one(struct arena *a, struct db_stmt *q, struct db_res *res,
    size_t nargs, const struct db_arg *args);
#define DB_ONE(a, q, res, ...) db_one((a), (q), (res), \
	sizeof((struct db_arg[]){ __VA_ARGS__ }) / sizeof(struct db_arg), \
	(const struct db_arg[]){ __VA_ARGS__ })

/* A statement composed at run time from constant fragments, with its
 * arguments (search filters, queue filters).  dbq_exec runs it through
 * db_cached, so each distinct shape is prepared once per connection. */
#define DB_MAX_ARGS 32

struct db_query {
	enum db_which db;
	char sql[4096];
	size_t len;
	struct db_arg args[DB_MAX_ARGS];
	size_t nargs;
	int overflow;
};

void dbq_init(struct db_query *q, enum db_which which);
/* dbq_sql: append a fragment of SQL: a string literal (the macro pastes ""
 * in front, so nothing else compiles), never request data. */
#define dbq_sql(q, fragment) dbq_sql_((q), "" fragment)
void dbq_sql_(struct db_query *q, const char *fragment);
/* dbq_arg: append one argument for the next '?'. */
void dbq_arg(struct db_query *q, struct db_arg arg);
/* dbq_cond: append a fragment holding one '?' and its argument. */
#define dbq_cond(q, fragment, arg) dbq_cond_((q), "" fragment, (arg))
void dbq_cond_(struct db_query *q, const char *fragment, struct db_arg arg);
/* dbq_exec: run the composed statement; each distinct text is prepared
 * once per connection and kept, like a static statement. */
int dbq_exec(struct arena *a, struct db_query *q, struct db_res *res);

/* Transactions on one connection: begin, then commit or rollback. */
int db_begin(enum db_which which);
int db_commit(enum db_which which);
void db_rollback(enum db_which which);

/* db_ping: connect if needed and check the server; DB_OK or DB_DOWN. */
int db_ping(enum db_which which);
/* db_error: the last error text for a connection (for logs, never pages). */
const char *db_error(enum db_which which);
/* db_replica_lag: seconds the replica is behind, cached for a few seconds.
 * Returns 1 with *secs set (-1 when replication is configured but stopped),
 * or 0 when this server is not a replica or it cannot be told. */
int db_replica_lag(long long *secs);
/* db_run_sql: prepare, run once and forget one statement from a trusted
 * file (mendctl migrate, the seeder); any result is discarded.  Only
 * bin/ and tools/ may call it (make lint). */
int db_run_sql(enum db_which which, const char *sql);
/* db_mysql: the connected handle, for the seeder's bulk loading only. */
struct st_mysql *db_mysql(enum db_which which);
/* db_close_all: close every connection (before a fork, in tests). */
void db_close_all(void);
/* db_shutdown: close everything and release the client library (at exit). */
void db_shutdown(void);

#endif
