/* login.c: signing in and out
 *
 * GET  /login   (public)  the form; a signed-in agent goes straight on
 *      next     string, a local path to go to afterwards (default /queue, the agents' home)
 * POST /login   (public)  check login and password, start a session
 *      login    string, 1..64 characters
 *      password string, 8..128 characters, taken as typed
 *      next     as above
 * POST /logout  (any agent) end this session
 *
 * A failed sign-in never says whether the login exists: unknown logins,
 * disabled agents and service accounts cost the same password hash as a
 * wrong password.  Past 5 failures for a login (20 for an address) within
 * an hour, each further attempt waits a growing delay and is answered 429
 * without a password check; every attempt is audited.
 */
#include <string.h>

#include "app.h"
#include "audit.h"
#include "auth.h"
#include "db.h"
#include "model.h"
#include "resp.h"
#include "url.h"
#include "util.h"

static struct db_stmt q_agent = DB_STMT(DB_CONSOLE,
	"SELECT id, password_hash, disabled_at IS NOT NULL, service FROM agents"
	" WHERE login = ?");
static struct db_stmt q_rehash = DB_STMT(DB_CONSOLE,
	"UPDATE agents SET password_hash = ?, updated_at = NOW() WHERE id = ?");

/* A hash to verify against when the login is unknown, so that answer
 * takes as long as a wrong password.  Made once at start-up. */
static char dummy_hash[AUTH_HASH_LEN];

/* next_path: where to go after signing in: a local path that is not the
 * login page itself. */
static const char *
next_path(struct req *r)
{
	const char *next = req_get(r, "next");

	if (next == NULL || strlen(next) > 512 || !url_local_path(next) ||
	    strncmp(next, "/login", 6) == 0 || strncmp(next, "/logout", 7) == 0)
		return "/queue";
	return next;
}

static json_object *
form_model(struct req *r, const char *login)
{
	json_object *m = m_obj();

	m_str(m, "title", "登录");
	m_str(m, "action", url_for(&r->arena, "/login"));
	m_str(m, "next", next_path(r));
	m_str(m, "login", login ? login : "");
	return m;
}

static void
page_login_form(struct req *r)
{
	if (r->sess) {
		resp_redirect(r, url_map(&r->arena, next_path(r)));
		return;
	}
	resp_page(r, 200, "login", form_model(r, NULL));
}

static void
page_login(struct req *r)
{
	const char *login = NULL, *password = req_get(r, "password"), *why = NULL;
	json_object *m, *errs;
	struct db_res res;
	long long id = 0, wait;
	int rc, ok = 0, rehash = 0;
	char hash[AUTH_HASH_LEN];

	errs = m_obj();
	if (req_str(r, "login", 64, &login) != REQ_OK)
		m_str(errs, "login", "请输入账号 Enter your login");
	if (password == NULL || *password == '\0')
		m_str(errs, "password", "请输入密码 Enter your password");
	else if (strlen(password) > AUTH_PASSWORD_MAX * 4)
		m_str(errs, "password", "密码过长 Password too long");
	if (json_object_object_length(errs)) {
		page_bad_input(r, "login", form_model(r, login), errs);
		return;
	}
	json_object_put(errs);

	wait = auth_throttled(r, login, &rc);
	if (rc == DB_OK && wait > 0) {
		rc = audit(r, "login_throttled", NULL, login, NULL);
		rlog(r, LOG_WARN, "login_throttled", "login=%s ip=%s wait=%lld", login,
		    r->remote_addr, wait);
		if (rc != DB_OK) {
			page_db_error(r, rc);
			return;
		}
		resp_header(r, "Retry-After", "%lld", wait);
		m = form_model(r, login);
		m_str(m_add(m, "failure", m_obj()), "message", arena_printf(&r->arena,
		    "尝试次数过多，请 %lld 秒后再试。Too many attempts: wait %lld s.", wait, wait));
		resp_page(r, 429, "login", m);
		return;
	}
	if (rc == DB_OK)
		rc = DB_ONE(&r->arena, &q_agent, &res, DB_STR(login));
	if (rc != DB_OK && rc != 1) {
		page_db_error(r, rc);
		return;
	}
	if (rc == DB_OK) {
		id = db_int(&res, 0);
		ok = auth_verify(password, db_str(&res, 1), &rehash);
		if (ok && db_int(&res, 2))
			ok = 0, why = "disabled";
		if (ok && db_int(&res, 3))
			ok = 0, why = "service account";
	} else
		auth_verify(password, dummy_hash, &rehash);
	db_done(&res);

	if (!ok) {
		if ((rc = auth_note_failure(r, login)) == DB_OK)
			rc = audit(r, "login_failed", NULL, login, why);
		rlog(r, LOG_WARN, "login_failed", "login=%s ip=%s", login, r->remote_addr);
		if (rc != DB_OK) {
			page_db_error(r, rc);
			return;
		}
		m = form_model(r, login);
		m_str(m_add(m, "failure", m_obj()), "message",
		    "账号或密码不正确。Wrong login or password.");
		resp_page(r, 401, "login", m);
		return;
	}

	if ((rc = db_begin(DB_CONSOLE)) != DB_OK ||
	    (rc = auth_new_session(r, id)) != DB_OK ||
	    (rc = audit(r, "login_ok", NULL, login, NULL)) != DB_OK ||
	    (rc = auth_note_success(r, login)) != DB_OK ||
	    (rehash && auth_hash(password, hash) == 0 &&
	    (rc = DB_EXEC(&r->arena, &q_rehash, NULL, DB_STR(hash), DB_INT(id))) != DB_OK) ||
	    (rc = db_commit(DB_CONSOLE)) != DB_OK) {
		db_rollback(DB_CONSOLE);
		r->head_buf.len = 0;	/* no cookie for a session that is not */
		page_db_error(r, rc);
		return;
	}
	rlog(r, LOG_INFO, "login_ok", "login=%s", login);
	if (r->json) {
		m = m_obj();
		m_str(m, "login", r->sess->login);
		m_str(m, "csrf", r->sess->csrf);
		m_str(m, "next", next_path(r));
		resp_json(r, 200, m);
		return;
	}
	resp_redirect(r, url_map(&r->arena, next_path(r)));
}

static void
page_logout(struct req *r)
{
	int rc;

	if ((rc = db_begin(DB_CONSOLE)) != DB_OK ||
	    (rc = auth_end_session(r)) != DB_OK ||
	    (rc = audit(r, "logout", NULL, r->sess->login, NULL)) != DB_OK ||
	    (rc = db_commit(DB_CONSOLE)) != DB_OK) {
		db_rollback(DB_CONSOLE);
		page_db_error(r, rc);
		return;
	}
	rlog(r, LOG_INFO, "logout", "login=%s", r->sess->login);
	resp_redirect(r, url_for(&r->arena, "/login"));
}

static void
start(void)
{
	if (auth_hash("not a password of anyone", dummy_hash) < 0)
		die("cannot hash (out of memory?)");
}

static const struct route routes[] = {
	{ "GET", "/login", AUTH_PUBLIC, page_login_form },
	{ "POST", "/login", AUTH_PUBLIC, page_login },
	{ "POST", "/logout", AUTH_ANY, page_logout },
	{ NULL, NULL, 0, NULL },
};

int
main(int argc, char **argv)
{
	return app_main(argc, argv, "login", routes, start);
}
