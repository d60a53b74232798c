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
 * without a password check; every attempt is audited.  All of that is the
 * domain's sign_in (lib/domain/sessions.c); this page reads the form,
 * starts the session and answers.
 */
#include <string.h>

#include "core/arena.h"
#include "core/db.h"
#include "core/model.h"
#include "core/resp.h"
#include "core/url.h"
#include "domain/audit.h"
#include "domain/sessions.h"
#include "ui/auth.h"
#include "ui/page.h"
#include "login.h"

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

/* form_model: the form, with the login as typed; a visitor's form
 * carries the double-submit token (the only page that sets it). */
static json_object *
form_model(struct req *r, const char *login)
{
	json_object *m = page_model(r, "登录", NULL);

	auth_csrf(r);
	m_str(m, "action", url_for(&r->arena, "/login"));
	m_str(m, "next", next_path(r));
	m_str(m, "login", login ? login : "");
	return m;
}

/* refused: the form again with a message above it. */
static void
refused(struct req *r, int status, const char *login, const char *msg)
{
	json_object *m = form_model(r, login);

	m_str(m_add(m, "failure", m_obj()), "message", msg);
	page_show(r, status, "login");
}

void
page_login_form(struct req *r)
{
	if (r->sess) {
		resp_redirect(r, url_map(&r->arena, next_path(r)));
		return;
	}
	form_model(r, NULL);
	page_show(r, 200, "login");
}

void
page_login(struct req *r)
{
	const char *login = NULL, *password = req_get(r, "password");
	json_object *errs = page_errs(r), *m;
	long long id = 0, wait = 0;
	int rc;

	if (req_str(r, "login", 64, &login) != REQ_OK)
		m_str(errs, "login", "请输入账号");
	if (password == NULL || *password == '\0')
		m_str(errs, "password", "请输入密码");
	else if (strlen(password) > PASSWORD_MAX * 4)
		m_str(errs, "password", "密码过长");
	if (page_erred(r)) {
		form_model(r, login);
		page_bad_input(r, "login");
		return;
	}

	/* A refusal is committed too: its audit row and the failure count
	 * must stay. */
	if ((rc = db_begin(DB_CONSOLE)) == DB_OK)
		rc = sign_in(&r->arena, auth_actor(r), login, password, &id, &wait);
	if (rc == SIGNIN_WAIT) {
		rlog(r, LOG_WARN, "login_throttled", "login=%s ip=%s wait=%lld", login,
		    r->remote_addr, wait);
		if ((rc = db_commit(DB_CONSOLE)) == DB_OK) {
			resp_header(r, "Retry-After", "%lld", wait);
			refused(r, 429, login, arena_printf(&r->arena,
			    "尝试次数过多，请 %lld 秒后再试。", wait));
			return;
		}
	} else if (rc == SIGNIN_FAILED) {
		rlog(r, LOG_WARN, "login_failed", "login=%s ip=%s", login, r->remote_addr);
		if ((rc = db_commit(DB_CONSOLE)) == DB_OK) {
			refused(r, 401, login, "账号或密码不正确。");
			return;
		}
	} else if (rc == DOM_OK) {
		if ((rc = auth_start(r, id, "login_ok")) == DB_OK)
			rc = db_commit(DB_CONSOLE);
	}
	if (rc != DB_OK) {
		db_rollback(DB_CONSOLE);
		auth_abandon(r);	/* no cookie for a session that is not */
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

void
page_logout(struct req *r)
{
	int rc;

	if ((rc = db_begin(DB_CONSOLE)) == DB_OK) {
		rc = session_end(&r->arena, auth_actor(r), r->sess->id, r->sess->agent_id,
		    "logout");
		/* nothing left to end (an API token has no session): still
		 * signed out, and on the record as before */
		if (rc == SESSION_MISSING)
			rc = audit(&r->arena, auth_actor(r), "logout", NULL, r->sess->login,
			    NULL);
	}
	if (rc != DB_OK || (rc = db_commit(DB_CONSOLE)) != DB_OK) {
		db_rollback(DB_CONSOLE);
		page_db_error(r, rc);
		return;
	}
	auth_forget(r);
	rlog(r, LOG_INFO, "logout", "login=%s", r->sess->login);
	resp_redirect(r, url_for(&r->arena, "/login"));
}
