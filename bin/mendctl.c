/* mendctl.c: the admin command line
 *
 *   mendctl check-config [FILE]      report bad keys with file and line
 *   mendctl show-config              every key's effective value, secrets hidden
 *   mendctl migrate                  apply missing console migrations, then grants
 *   mendctl agent add LOGIN --name NAME --role ROLE [--role ROLE...]
 *   mendctl agent passwd LOGIN [--temporary]
 *   mendctl agent disable LOGIN
 *   mendctl agent role LOGIN ROLE [ROLE...]
 *   mendctl index [--rebuild]        bring the product name index up to date
 *   mendctl seed --orders N --seed S [--now "YYYY-MM-DD HH:MM"] [--manifest FILE]
 *
 * Passwords are read from standard input (one line), never from the
 * command line, where other users could see them.  mendctl connects with
 * the [admin] section of the configuration.
 */
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth.h"
#include "cfg.h"
#include "db.h"
#include "log.h"
#include "prodindex.h"
#include "seed.h"
#include "util.h"

static struct arena arena;
static int cfg_errors;

static void
complaint(const char *file, int line, const char *msg)
{
	cfg_errors++;
	if (line)
		fprintf(stderr, "%s:%d: %s\n", file, line, msg);
	else
		fprintf(stderr, "%s: %s\n", file, msg);
}

static void
usage(void)
{
	fputs("usage: mendctl check-config [FILE]\n"
	    "       mendctl show-config\n"
	    "       mendctl migrate\n"
	    "       mendctl agent add LOGIN --name NAME --role ROLE [--role ROLE...]\n"
	    "       mendctl agent passwd LOGIN [--temporary]\n"
	    "       mendctl agent disable LOGIN\n"
	    "       mendctl agent role LOGIN ROLE [ROLE...]\n"
	    "       mendctl index [--rebuild]\n"
	    "       mendctl seed --orders N --seed S [--now \"YYYY-MM-DD HH:MM\"] "
	    "[--manifest FILE]\n", stderr);
	exit(2);
}

static void
db_fail(const char *what, int rc)
{
	die("%s: %s (%s)", what, rc == DB_DOWN ? "database unreachable" :
	    rc == DB_DUP ? "already exists" : "statement failed",
	    db_error(DB_ADMIN));
}

/* --- check-config ---------------------------------------------------- */

static int
cmd_check_config(int argc, char **argv)
{
	cfg_errors = 0;
	cfg_load(argc > 1 ? argv[1] : NULL, complaint);
	if (cfg_errors) {
		fprintf(stderr, "%d problem%s\n", cfg_errors, cfg_errors > 1 ? "s" : "");
		return 1;
	}
	printf("%s: ok\n", cfg.path ? cfg.path : "(defaults)");
	return 0;
}

/* --- migrate --------------------------------------------------------- */

static char *
slurp(const char *path)
{
	FILE *fp = fopen(path, "r");
	char *s;
	long n;

	if (fp == NULL)
		die("%s: cannot open", path);
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	s = xmalloc((size_t)n + 1);
	if (fread(s, 1, (size_t)n, fp) != (size_t)n)
		die("%s: cannot read", path);
	s[n] = '\0';
	fclose(fp);
	return s;
}

/* run_file: every statement of an SQL file (statements end with ';' at
 * the end of a line; lines starting with "--" are comments), with
 * @REPLICA@ and @CONSOLE@ replaced by the configured database names. */
static void
run_file(const char *path)
{
	char *text = slurp(path), *line, *save = NULL;
	struct buf stmt = { 0 };
	int n = 0, rc;

	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		const char *p = line, *at;
		size_t len;

		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0' || strncmp(p, "--", 2) == 0)
			continue;
		while ((at = strchr(p, '@')) != NULL) {
			buf_add(&stmt, p, (size_t)(at - p));
			if (strncmp(at, "@REPLICA@", 9) == 0) {
				buf_puts(&stmt, cfg.replica.database);
				p = at + 9;
			} else if (strncmp(at, "@CONSOLE@", 9) == 0) {
				buf_puts(&stmt, cfg.console.database);
				p = at + 9;
			} else {
				buf_putc(&stmt, '@');
				p = at + 1;
			}
		}
		buf_puts(&stmt, p);
		buf_putc(&stmt, '\n');
		len = strlen(line);
		while (len && isspace((unsigned char)line[len - 1]))
			len--;
		if (len && line[len - 1] == ';') {
			stmt.p[stmt.len - 2] = '\0';	/* drop ";\n" */
			if ((rc = db_run_sql(DB_ADMIN, stmt.p)) != DB_OK) {
				fprintf(stderr, "%s: statement %d failed:\n%s\n", path,
				    n + 1, stmt.p);
				db_fail(path, rc);
			}
			n++;
			buf_reset(&stmt, 1 << 20);
		}
	}
	if (stmt.len)
		die("%s: last statement has no ';'", path);
	buf_free(&stmt);
	free(text);
}

static int
name_ok(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_')
			return 0;
	return 1;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static struct db_stmt q_lock = DB_STMT(DB_ADMIN,
	"SELECT GET_LOCK('ordermend.migrate', 60)");
static struct db_stmt q_unlock = DB_STMT(DB_ADMIN,
	"SELECT RELEASE_LOCK('ordermend.migrate')");
static struct db_stmt q_applied = DB_STMT(DB_ADMIN,
	"SELECT 1 FROM schema_migrations WHERE version = ?");
static struct db_stmt q_record = DB_STMT(DB_ADMIN,
	"INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, NOW())");

static int
cmd_migrate(void)
{
	char path[4096], *files[1000];
	struct dirent *de;
	struct db_res res;
	size_t nfiles = 0, i;
	char *dbname = cfg.admin.database;
	DIR *dp;
	int rc, applied = 0;

	if (!name_ok(dbname) || !name_ok(cfg.replica.database))
		die("database names may hold only letters, digits and '_'");
	/* Create the console database if it is not there yet. */
	cfg.admin.database = "";
	snprintf(path, sizeof(path),
	    "CREATE DATABASE IF NOT EXISTS `%s` CHARACTER SET utf8mb4 "
	    "COLLATE utf8mb4_general_ci", dbname);
	if ((rc = db_run_sql(DB_ADMIN, path)) != DB_OK)
		db_fail("create database", rc);
	db_close_all();
	cfg.admin.database = dbname;

	if ((rc = db_one(&arena, &q_lock, &res, 0, NULL)) != DB_OK &&
	    rc != 1)
		db_fail("lock", rc);
	db_done(&res);
	snprintf(path, sizeof(path), "%s/console.sql", cfg.schema);
	run_file(path);

	snprintf(path, sizeof(path), "%s/migrations", cfg.schema);
	if ((dp = opendir(path)) == NULL)
		die("%s: cannot open", path);
	while ((de = readdir(dp)) != NULL && nfiles < NELEM(files))
		if (isdigit((unsigned char)de->d_name[0]) &&
		    str_endswith(de->d_name, ".sql"))
			files[nfiles++] = xstrdup(de->d_name);
	closedir(dp);
	qsort(files, nfiles, sizeof(*files), cmp_str);
	for (i = 0; i < nfiles; i++) {
		long long version = strtoll(files[i], NULL, 10);

		rc = DB_ONE(&arena, &q_applied, &res, DB_INT(version));
		db_done(&res);
		if (rc == DB_OK)
			continue;
		if (rc != 1)
			db_fail("schema_migrations", rc);
		if (i > 0 && version == strtoll(files[i - 1], NULL, 10))
			die("two migrations numbered %lld", version);
		snprintf(path, sizeof(path), "%s/migrations/%s", cfg.schema, files[i]);
		run_file(path);
		if ((rc = DB_EXEC(&arena, &q_record, NULL, DB_INT(version),
		    DB_STR(files[i]))) != DB_OK)
			db_fail("schema_migrations", rc);
		printf("applied %s\n", files[i]);
		applied++;
	}
	snprintf(path, sizeof(path), "%s/grants.sql", cfg.schema);
	run_file(path);
	db_one(&arena, &q_unlock, &res, 0, NULL);
	db_done(&res);
	printf("schema up to date (%d applied)\n", applied);
	for (i = 0; i < nfiles; i++)
		free(files[i]);
	return 0;
}

/* --- index --------------------------------------------------------- */

static int
cmd_index(int argc, char **argv)
{
	long long n;
	int rc, rebuild = argc > 1 && strcmp(argv[1], "--rebuild") == 0;

	if (argc > 2 || (argc == 2 && !rebuild))
		usage();
	if ((rc = prodindex_refresh(&arena, rebuild, &n)) != DB_OK)
		die("index: %s (%s%s)", rc == DB_DOWN ? "database unreachable" :
		    "statement failed", db_error(DB_REPLICA), db_error(DB_CONSOLE));
	printf("product index: %lld product%s indexed\n", n, n == 1 ? "" : "s");
	return 0;
}

/* --- agent ----------------------------------------------------------- */

static struct db_stmt q_agent_add = DB_STMT(DB_ADMIN,
	"INSERT INTO agents (login, display_name, password_hash,"
	" must_change_password, created_at, updated_at)"
	" VALUES (?, ?, ?, 0, NOW(), NOW())");
static struct db_stmt q_agent_id = DB_STMT(DB_ADMIN,
	"SELECT id FROM agents WHERE login = ?");
static struct db_stmt q_role_exists = DB_STMT(DB_ADMIN,
	"SELECT 1 FROM roles WHERE name = ?");
static struct db_stmt q_role_clear = DB_STMT(DB_ADMIN,
	"DELETE FROM agent_roles WHERE agent_id = ?");
static struct db_stmt q_role_add = DB_STMT(DB_ADMIN,
	"INSERT INTO agent_roles (agent_id, role) VALUES (?, ?)");
static struct db_stmt q_passwd = DB_STMT(DB_ADMIN,
	"UPDATE agents SET password_hash = ?, must_change_password = ?,"
	" updated_at = NOW() WHERE id = ?");
static struct db_stmt q_disable = DB_STMT(DB_ADMIN,
	"UPDATE agents SET disabled_at = NOW(), updated_at = NOW() WHERE id = ?");
static struct db_stmt q_end_sessions = DB_STMT(DB_ADMIN,
	"UPDATE sessions SET revoked_at = NOW() WHERE agent_id = ? AND revoked_at IS NULL");
static struct db_stmt q_audit_cli = DB_STMT(DB_ADMIN,
	"INSERT INTO audit_log (at, kind, target, detail, ip, request_id)"
	" VALUES (NOW(6), ?, ?, ?, 'mendctl', '')");

static const char *
read_password(char *buf, size_t size)
{
	const char *why;
	size_t n;

	if (isatty(STDIN_FILENO))
		fputs("password: ", stderr);
	if (fgets(buf, (int)size, stdin) == NULL)
		die("no password on standard input");
	n = strlen(buf);
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
	if ((why = auth_password_acceptable(buf)) != NULL)
		die("%s", why);
	return buf;
}

static long long
agent_id(const char *login)
{
	struct db_res res;
	long long id;
	int rc = DB_ONE(&arena, &q_agent_id, &res, DB_STR(login));

	if (rc == 1)
		die("no agent %s", login);
	if (rc != DB_OK)
		db_fail("agents", rc);
	id = db_int(&res, 0);
	db_done(&res);
	return id;
}

static void
set_roles(long long id, char **roles, int n)
{
	struct db_res res;
	int i, rc;

	if ((rc = db_exec(&arena, &q_role_clear, NULL, 1, &DB_INT(id))) != DB_OK)
		db_fail("agent_roles", rc);
	for (i = 0; i < n; i++) {
		rc = DB_ONE(&arena, &q_role_exists, &res, DB_STR(roles[i]));
		db_done(&res);
		if (rc == 1)
			die("no role %s", roles[i]);
		if (rc != DB_OK ||
		    (rc = DB_EXEC(&arena, &q_role_add, NULL, DB_INT(id),
		    DB_STR(roles[i]))) != DB_OK)
			db_fail("agent_roles", rc);
	}
}

static void
audit_cli(const char *kind, const char *login, const char *detail)
{
	int rc = DB_EXEC(&arena, &q_audit_cli, NULL, DB_STR(kind), DB_STR(login),
	    DB_STRN(detail));

	if (rc != DB_OK)
		db_fail("audit_log", rc);
}

static int
cmd_agent(int argc, char **argv)
{
	char pw[AUTH_PASSWORD_MAX * 4 + 8], hash[AUTH_HASH_LEN];
	char *roles[16];
	const char *login, *name = NULL;
	int nroles = 0, i, rc, temporary = 0;
	long long id;

	if (argc < 3)
		usage();
	login = argv[2];
	if (strlen(login) > 64 || !utf8_valid(login, strlen(login)) ||
	    str_has_ctl(login, strlen(login)) || strchr(login, ' '))
		die("bad login");
	if (strcmp(argv[1], "add") == 0) {
		for (i = 3; i < argc; i++) {
			if (strcmp(argv[i], "--name") == 0 && i + 1 < argc)
				name = argv[++i];
			else if (strcmp(argv[i], "--role") == 0 && i + 1 < argc &&
			    nroles < 16)
				roles[nroles++] = argv[++i];
			else
				usage();
		}
		if (name == NULL || nroles == 0)
			usage();
		read_password(pw, sizeof(pw));
		if (auth_hash(pw, hash) < 0)
			die("cannot hash the password (out of memory?)");
		sodium_memzero(pw, sizeof(pw));
		if ((rc = db_begin(DB_ADMIN)) != DB_OK)
			db_fail("begin", rc);
		{
			struct db_res res;

			rc = DB_EXEC(&arena, &q_agent_add, &res, DB_STR(login),
			    DB_STR(name), DB_STR(hash));
			if (rc != DB_OK)
				db_fail(login, rc);
			id = (long long)res.insert_id;
		}
		set_roles(id, roles, nroles);
		audit_cli("agent_created", login, NULL);
		if ((rc = db_commit(DB_ADMIN)) != DB_OK)
			db_fail("commit", rc);
		printf("agent %s added\n", login);
		return 0;
	}
	id = agent_id(login);
	if (strcmp(argv[1], "passwd") == 0) {
		if (argc > 3 && strcmp(argv[3], "--temporary") == 0)
			temporary = 1;
		else if (argc > 3)
			usage();
		read_password(pw, sizeof(pw));
		if (auth_hash(pw, hash) < 0)
			die("cannot hash the password (out of memory?)");
		sodium_memzero(pw, sizeof(pw));
		if ((rc = DB_EXEC(&arena, &q_passwd, NULL, DB_STR(hash),
		    DB_INT(temporary), DB_INT(id))) != DB_OK)
			db_fail("agents", rc);
		audit_cli("password_reset", login, temporary ? "temporary" : NULL);
		printf("password of %s changed\n", login);
	} else if (strcmp(argv[1], "disable") == 0) {
		if ((rc = db_exec(&arena, &q_disable, NULL, 1, &DB_INT(id))) != DB_OK ||
		    (rc = db_exec(&arena, &q_end_sessions, NULL, 1, &DB_INT(id))) != DB_OK)
			db_fail("agents", rc);
		audit_cli("agent_disabled", login, NULL);
		printf("agent %s disabled, sessions ended\n", login);
	} else if (strcmp(argv[1], "role") == 0) {
		if (argc < 4)
			usage();
		if ((rc = db_begin(DB_ADMIN)) != DB_OK)
			db_fail("begin", rc);
		set_roles(id, argv + 3, argc - 3);
		/* a change of privilege ends the agent's sessions */
		if ((rc = db_exec(&arena, &q_end_sessions, NULL, 1, &DB_INT(id))) != DB_OK)
			db_fail("sessions", rc);
		audit_cli("roles_changed", login, NULL);
		if ((rc = db_commit(DB_ADMIN)) != DB_OK)
			db_fail("commit", rc);
		printf("roles of %s set\n", login);
	} else
		usage();
	return 0;
}

int
main(int argc, char **argv)
{
	int rc;

	if (argc < 2)
		usage();
	auth_init();
	if (strcmp(argv[1], "check-config") == 0)
		return cmd_check_config(argc - 1, argv + 1);
	if (cfg_load(NULL, complaint) != 0)
		die("the configuration has errors");
	if (strcmp(argv[1], "show-config") == 0) {
		cfg_dump(stdout);
		return 0;
	}
	log_init("mendctl", LOG_WARN);
	db_init();
	arena_init(&arena, 65536);
	if (strcmp(argv[1], "migrate") == 0)
		rc = cmd_migrate();
	else if (strcmp(argv[1], "agent") == 0)
		rc = cmd_agent(argc - 1, argv + 1);
	else if (strcmp(argv[1], "index") == 0)
		rc = cmd_index(argc - 1, argv + 1);
	else if (strcmp(argv[1], "seed") == 0)
		rc = seed_main(argc - 1, argv + 1);
	else
		usage();
	db_shutdown();
	arena_cleanup(&arena);
	return rc;
}
