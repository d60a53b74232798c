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
 *
 * Passwords are read from standard input (one line), never from the
 * command line, where other users could see them.  mendctl connects with
 * the [admin] section of the configuration, to the console schema too:
 * its agent changes go through the same domain functions as the admin
 * pages (lib/domain/agents.c), audited as the command line and the
 * operating-system user who ran it.  The demo data seeder is a
 * development tool, tools/seed.c, not part of mendctl.
 */
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pwd.h>

#include <sodium.h>

#include "core/buf.h"
#include "core/cfg.h"
#include "core/db.h"
#include "core/log.h"
#include "core/util.h"
#include "domain/agents.h"
#include "domain/prodindex.h"

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
	    "       mendctl index [--rebuild]\n", stderr);
	exit(2);
}

static void
db_fail(const char *what, int rc)
{
	die("%s: %s (%s%s)", what, rc > 0 ? dom_why(rc) : rc == DB_DOWN ?
	    "database unreachable" : rc == DB_DUP ? "already exists" : "statement failed",
	    db_error(DB_ADMIN), db_error(DB_CONSOLE));
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
	    rc != DB_NOROW)
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
		if (rc != DB_NOROW)
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

/* Who mendctl's changes are by: the command line, as the OS user. */
static struct actor cli;

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
	if ((why = password_acceptable(buf)) != NULL)
		die("%s", why);
	return buf;
}

/* change: one domain change in a transaction of its own, or die saying
 * why. */
#define CHANGE(what, call) do { \
	int rc_ = db_begin(DB_CONSOLE); \
	if (rc_ == DB_OK && (rc_ = (call)) == DB_OK) \
		rc_ = db_commit(DB_CONSOLE); \
	if (rc_ != DB_OK) { \
		db_rollback(DB_CONSOLE); \
		db_fail((what), rc_); \
	} \
} while (0)

static int
cmd_agent(int argc, char **argv)
{
	char pw[PASSWORD_MAX * 4 + 8];
	const char *roles[16];
	const char *login, *name = NULL;
	int nroles = 0, i, temporary = 0, changed;
	long long id;

	if (argc < 3)
		usage();
	login = argv[2];
	if (strlen(login) > 64 || !utf8_valid(login, strlen(login)) ||
	    str_has_ctl(login, strlen(login)) || strchr(login, ' '))
		die("bad login");
	if (strcmp(argv[1], "add") == 0) {
		struct agent_new n = { .login = login, .max_refund = -1, .daily_refund = -1 };

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
		n.name = name;
		n.password = read_password(pw, sizeof(pw));
		n.roles = roles;
		n.nroles = nroles;
		CHANGE(login, agent_create(&arena, &cli, &n, &id));
		sodium_memzero(pw, sizeof(pw));
		printf("agent %s added\n", login);
		return 0;
	}
	if ((i = agent_by_login(&arena, login, &id)) != DOM_OK)
		db_fail(login, i);
	if (strcmp(argv[1], "passwd") == 0) {
		if (argc > 3 && strcmp(argv[3], "--temporary") == 0)
			temporary = 1;
		else if (argc > 3)
			usage();
		read_password(pw, sizeof(pw));
		CHANGE(login, agent_set_password(&arena, &cli, id, pw, temporary));
		sodium_memzero(pw, sizeof(pw));
		printf("password of %s changed, sessions ended\n", login);
	} else if (strcmp(argv[1], "disable") == 0) {
		CHANGE(login, agent_set_disabled(&arena, &cli, id, 1, &changed));
		printf("agent %s disabled, sessions ended\n", login);
	} else if (strcmp(argv[1], "role") == 0) {
		struct agent_edit e = { .roles = (const char *const *)argv + 3,
		    .nroles = argc - 3, .max_refund = -1, .daily_refund = -1 };

		if (argc < 4)
			usage();
		/* a change of privilege ends the agent's sessions */
		CHANGE(login, agent_update(&arena, &cli, id, &e, &changed));
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
	if (sodium_init() < 0)
		die("libsodium cannot be initialised");
	if (strcmp(argv[1], "check-config") == 0)
		return cmd_check_config(argc - 1, argv + 1);
	if (cfg_load(NULL, complaint) != 0)
		die("the configuration has errors");
	if (strcmp(argv[1], "show-config") == 0) {
		cfg_dump(stdout);
		return 0;
	}
	log_init("mendctl", LOG_WARN);
	/* the console schema, reached as [admin] (see the top); [console]'s
	 * own strings are let go first */
	free(cfg.console.host);
	free(cfg.console.socket);
	free(cfg.console.user);
	free(cfg.console.password);
	free(cfg.console.database);
	cfg.console = cfg.admin;
	cli = actor_make(ACTOR_CLI, getpwuid(getuid()) ? getpwuid(getuid())->pw_name : NULL);
	db_init();
	arena_init(&arena, 65536);
	if (strcmp(argv[1], "migrate") == 0)
		rc = cmd_migrate();
	else if (strcmp(argv[1], "agent") == 0)
		rc = cmd_agent(argc - 1, argv + 1);
	else if (strcmp(argv[1], "index") == 0)
		rc = cmd_index(argc - 1, argv + 1);
	else
		usage();
	db_shutdown();
	arena_cleanup(&arena);
	return rc;
}
