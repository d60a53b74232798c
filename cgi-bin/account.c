/* account.c: an agent's own account — sessions, password, API tokens
 *
 * GET  /account                       (any agent) who I am, my sessions, my tokens
 * POST /account/sessions/{id}/end     (any agent) end one of my sessions
 * POST /account/sessions/end-all      (any agent) sign out everywhere
 * GET  /account/password              (any agent) the form
 * POST /account/password              (any agent) change my password
 *      current   string, my password now
 *      password  string, 8..128 characters, not the current one
 *      confirm   string, the same again
 * POST /account/tokens                (any agent) a new API token, shown once
 *      name      string, 1..64 characters
 *      days      1..365, how long it lives
 *      perm      repeatable, permission names; a subset of mine
 * POST /account/tokens/{id}/revoke    (any agent) revoke one of my tokens
 *
 * Another agent's session or token is 404 here, never touched.  An API
 * token may read this page but may not change the account: new tokens,
 * passwords and sessions are for the person.  A password change ends every
 * session of the agent and starts a new one for this browser.
 */
#include <string.h>

#include "app.h"
#include "audit.h"
#include "auth.h"
#include "cfg.h"
#include "db.h"
#include "model.h"
#include "resp.h"
#include "url.h"
#include "util.h"

static struct db_stmt q_me = DB_STMT(DB_CONSOLE,
	"SELECT a.login, a.display_name, a.max_refund, a.daily_refund,"
	" (SELECT GROUP_CONCAT(r.title ORDER BY r.name SEPARATOR '、') FROM agent_roles ar"
	"  JOIN roles r ON r.name = ar.role WHERE ar.agent_id = a.id)"
	" FROM agents a WHERE a.id = ?");
static struct db_stmt q_sessions = DB_STMT(DB_CONSOLE,
	"SELECT id, created_at, last_seen_at, ip, user_agent FROM sessions"
	" WHERE agent_id = ? AND revoked_at IS NULL"
	" AND last_seen_at > NOW() - INTERVAL ? SECOND"
	" AND created_at > NOW() - INTERVAL ? SECOND ORDER BY last_seen_at DESC, id DESC");
static struct db_stmt q_tokens = DB_STMT(DB_CONSOLE,
	"SELECT id, name, perms, created_at, expires_at, last_used_at,"
	" revoked_at IS NOT NULL, expires_at <= NOW() FROM api_tokens"
	" WHERE agent_id = ? ORDER BY id DESC LIMIT 100");
static struct db_stmt q_end_one = DB_STMT(DB_CONSOLE,
	"UPDATE sessions SET revoked_at = NOW() WHERE id = ? AND agent_id = ?"
	" AND revoked_at IS NULL");
static struct db_stmt q_end_all = DB_STMT(DB_CONSOLE,
	"UPDATE sessions SET revoked_at = NOW() WHERE agent_id = ? AND revoked_at IS NULL");
static struct db_stmt q_revoke = DB_STMT(DB_CONSOLE,
	"UPDATE api_tokens SET revoked_at = NOW() WHERE id = ? AND agent_id = ?"
	" AND revoked_at IS NULL");
static struct db_stmt q_hash = DB_STMT(DB_CONSOLE,
	"SELECT password_hash FROM agents WHERE id = ?");
static struct db_stmt q_set_hash = DB_STMT(DB_CONSOLE,
	"UPDATE agents SET password_hash = ?, must_change_password = 0,"
	" updated_at = NOW() WHERE id = ?");

/* person_only: an API token may look, not change the account. */
static int
person_only(struct req *r)
{
	if (r->sess->token_id == 0)
		return 1;
	page_error(r, 403, "请在浏览器中操作",
	    "An API token cannot change sessions, passwords or tokens.");
	return 0;
}

/* perm_boxes: my permissions as checkboxes, ticked as in `checked`. */
static void
perm_boxes(struct req *r, json_object *m, unsigned long checked)
{
	json_object *arr = m_add(m, "my_perms", m_arr());
	int i;

	for (i = 0; i < PERM_COUNT; i++)
		if (r->sess->perms & (1UL << i)) {
			json_object *p = m_push(arr, m_obj());

			m_str(p, "name", perm_names[i]);
			m_bool(p, "checked", (checked & (1UL << i)) != 0);
		}
}

/* account_model: the page; NULL with the error page made on failure. */
static json_object *
account_model(struct req *r)
{
	json_object *m = m_obj(), *arr;
	struct db_res res;
	int rc;

	m_str(m, "title", "我的账户");
	rc = DB_ONE(&r->arena, &q_me, &res, DB_INT(r->sess->agent_id));
	if (rc != DB_OK) {
		db_done(&res);
		json_object_put(m);
		page_db_error(r, rc == 1 ? DB_FAIL : rc);
		return NULL;
	}
	m_str(m, "login", db_str(&res, 0));
	m_str(m, "name", db_str(&res, 1));
	m_str(m, "max_refund", yuan(&r->arena, db_int(&res, 2)));
	m_str(m, "daily_refund", yuan(&r->arena, db_int(&res, 3)));
	m_str(m, "roles", db_str(&res, 4));
	m_str(m, "perms", auth_perms_text(&r->arena, r->sess->perms));
	m_bool(m, "by_token", r->sess->token_id != 0);
	db_done(&res);

	if ((rc = DB_EXEC(&r->arena, &q_sessions, &res, DB_INT(r->sess->agent_id),
	    DB_INT(cfg.idle_timeout), DB_INT(cfg.absolute_timeout))) != DB_OK)
		goto fail;
	arr = m_add(m, "sessions", m_arr());
	while (db_next(&res)) {
		json_object *e = m_push(arr, m_obj());
		long long id = db_int(&res, 0);

		m_int(e, "id", id);
		m_str(e, "created_at", db_str(&res, 1));
		m_str(e, "last_seen_at", db_str(&res, 2));
		m_str(e, "ip", db_str(&res, 3));
		m_str(e, "user_agent", db_str(&res, 4));
		m_bool(e, "current", id == r->sess->id);
		m_str(e, "end_url", url_for(&r->arena, "/account/sessions/%lld/end", id));
	}
	db_done(&res);

	if ((rc = DB_EXEC(&r->arena, &q_tokens, &res, DB_INT(r->sess->agent_id))) != DB_OK)
		goto fail;
	arr = m_add(m, "tokens", m_arr());
	while (db_next(&res)) {
		json_object *e = m_push(arr, m_obj());
		int revoked = db_int(&res, 6) != 0, expired = db_int(&res, 7) != 0;

		m_int(e, "id", db_int(&res, 0));
		m_str(e, "name", db_str(&res, 1));
		m_str(e, "perms", auth_perms_text(&r->arena, (unsigned long)db_int(&res, 2)));
		m_str(e, "created_at", db_str(&res, 3));
		m_str(e, "expires_at", db_str(&res, 4));
		m_str(e, "last_used_at", db_str(&res, 5));
		m_bool(e, "revoked", revoked);
		m_bool(e, "expired", expired && !revoked);
		m_bool(e, "active", !revoked && !expired);
		m_str(e, "revoke_url", url_for(&r->arena, "/account/tokens/%lld/revoke",
		    db_int(&res, 0)));
	}
	db_done(&res);
	m_str(m, "u_password", url_for(&r->arena, "/account/password"));
	m_str(m, "u_end_all", url_for(&r->arena, "/account/sessions/end-all"));
	m_str(m, "u_tokens", url_for(&r->arena, "/account/tokens"));
	perm_boxes(r, m, 0);
	return m;
fail:
	json_object_put(m);
	page_db_error(r, rc);
	return NULL;
}

static void
page_account(struct req *r)
{
	json_object *m = account_model(r);

	if (m)
		resp_page(r, 200, "account", m);
}

/* done: back to the account page, or a JSON outcome for a script. */
static void
done(struct req *r, const char *what)
{
	json_object *m;

	if (r->json) {
		m = m_obj();
		m_bool(m, "ok", 1);
		m_str(m, "done", what);
		resp_json(r, 200, m);
	} else
		resp_redirect(r, url_for(&r->arena, "/account"));
}

/* end_mine: one UPDATE of a row of mine the path names (q takes the id
 * and my agent id), audited as kind; 0 when done, else the answer is
 * made (404 for an id that is not mine). */
static int
end_mine(struct req *r, struct db_stmt *q, const char *kind, const char *what,
    long long *id)
{
	struct db_res res;
	int rc;

	if (!person_only(r))
		return -1;
	if (parse_i64(r->seg[0], strlen(r->seg[0]), id) < 0) {
		page_error(r, 404, what, "%s", "No such id.");
		return -1;
	}
	if ((rc = db_begin(DB_CONSOLE)) != DB_OK ||
	    (rc = DB_EXEC(&r->arena, q, &res, DB_INT(*id), DB_INT(r->sess->agent_id))) != DB_OK) {
		db_rollback(DB_CONSOLE);
		page_db_error(r, rc);
		return -1;
	}
	if (res.affected == 0) {
		db_rollback(DB_CONSOLE);
		page_error(r, 404, what, "%s", "None of yours by that id.");
		return -1;
	}
	if ((rc = audit(r, kind, NULL, r->seg[0], NULL)) != DB_OK ||
	    (rc = db_commit(DB_CONSOLE)) != DB_OK) {
		db_rollback(DB_CONSOLE);
		page_db_error(r, rc);
		return -1;
	}
	return 0;
}

static void
page_end_session(struct req *r)
{
	long long id;

	if (end_mine(r, &q_end_one, "session_ended", "没有这个会话", &id) < 0)
		return;
	if (id == r->sess->id) {
		auth_end_session(r);	/* already revoked: clears the cookie */
		resp_redirect(r, url_for(&r->arena, "/login"));
		return;
	}
	done(r, "session_ended");
}

static void
page_end_all(struct req *r)
{
	int rc;

	if (!person_only(r))
		return;
	if ((rc = db_begin(DB_CONSOLE)) != DB_OK ||
	    (rc = db_exec(&r->arena, &q_end_all, NULL, 1,
	    &DB_INT(r->sess->agent_id))) != DB_OK ||
	    (rc = audit(r, "sessions_ended_all", NULL, r->sess->login, NULL)) != DB_OK ||
	    (rc = db_commit(DB_CONSOLE)) != DB_OK) {
		db_rollback(DB_CONSOLE);
		page_db_error(r, rc);
		return;
	}
	auth_end_session(r);
	resp_redirect(r, url_for(&r->arena, "/login"));
}

static json_object *
password_model(struct req *r)
{
	json_object *m = m_obj();

	m_str(m, "title", "修改密码");
	m_bool(m, "forced", r->sess->must_change_password);
	m_str(m, "action", url_for(&r->arena, "/account/password"));
	return m;
}

static void
page_password_form(struct req *r)
{
	resp_page(r, 200, "password", password_model(r));
}

static void
page_password(struct req *r)
{
	const char *cur = req_get(r, "current"), *pw = req_get(r, "password"),
	    *again = req_get(r, "confirm"), *why;
	json_object *errs = m_obj();
	char hash[AUTH_HASH_LEN];
	struct db_res res;
	int rc, rehash, ok = 0;

	if (!person_only(r)) {
		json_object_put(errs);
		return;
	}
	if (cur == NULL || *cur == '\0' || strlen(cur) > AUTH_PASSWORD_MAX * 4)
		m_str(errs, "current", "请输入当前密码");
	if (pw == NULL || (why = auth_password_acceptable(pw)) != NULL)
		m_str(errs, "password", pw ? why : "请输入新密码");
	else if (again == NULL || strcmp(pw, again) != 0)
		m_str(errs, "confirm", "两次输入的新密码不一致");
	else if (cur && strcmp(pw, cur) == 0)
		m_str(errs, "password", "新密码不能与当前密码相同");
	if (json_object_object_length(errs) == 0) {
		rc = DB_ONE(&r->arena, &q_hash, &res, DB_INT(r->sess->agent_id));
		if (rc != DB_OK) {
			db_done(&res);
			json_object_put(errs);
			page_db_error(r, rc == 1 ? DB_FAIL : rc);
			return;
		}
		ok = auth_verify(cur, db_str(&res, 0), &rehash);
		db_done(&res);
		if (!ok)
			m_str(errs, "current", "当前密码不正确");
	}
	if (json_object_object_length(errs)) {
		page_bad_input(r, "password", password_model(r), errs);
		return;
	}
	json_object_put(errs);
	if (auth_hash(pw, hash) < 0) {
		page_error(r, 500, "内部错误", "The password could not be hashed.");
		return;
	}
	/* every session ends; this browser gets a new one */
	if ((rc = db_begin(DB_CONSOLE)) != DB_OK ||
	    (rc = DB_EXEC(&r->arena, &q_set_hash, NULL, DB_STR(hash),
	    DB_INT(r->sess->agent_id))) != DB_OK ||
	    (rc = db_exec(&r->arena, &q_end_all, NULL, 1,
	    &DB_INT(r->sess->agent_id))) != DB_OK ||
	    (rc = audit(r, "password_changed", NULL, r->sess->login, NULL)) != DB_OK ||
	    (rc = auth_new_session(r, r->sess->agent_id)) != DB_OK ||
	    (rc = db_commit(DB_CONSOLE)) != DB_OK) {
		db_rollback(DB_CONSOLE);
		r->head_buf.len = 0;
		page_db_error(r, rc);
		return;
	}
	rlog(r, LOG_INFO, "password_changed", "login=%s", r->sess->login);
	done(r, "password_changed");
}

static void
page_new_token(struct req *r)
{
	const char *name = NULL;
	json_object *errs = m_obj(), *m, *t;
	unsigned long perms = 0;
	long long days = 90;
	int rc;

	if (!person_only(r)) {
		json_object_put(errs);
		return;
	}
	if (!auth_token_form(r, r->sess->perms, errs, &name, &days, &perms)) {
		if ((m = account_model(r)) == NULL) {
			json_object_put(errs);
			return;
		}
		m_str(m, "new_name", name ? name : "");
		page_bad_input(r, "account", m, errs);
		return;
	}
	json_object_put(errs);
	if ((rc = auth_issue_token(r, r->sess->agent_id, r->sess->login, name, perms,
	    days, &t)) != DB_OK) {
		page_db_error(r, rc);
		return;
	}
	if ((m = account_model(r)) == NULL) {
		json_object_put(t);
		return;
	}
	m_add(m, "new_token", t);		/* the one time it is shown */
	resp_page(r, 201, "account", m);
}

static void
page_revoke_token(struct req *r)
{
	long long id;

	if (end_mine(r, &q_revoke, "token_revoked", "没有这个令牌", &id) == 0)
		done(r, "token_revoked");
}

static const struct route routes[] = {
	{ "GET", "/account", AUTH_ANY, page_account },
	{ "POST", "/account/sessions/end-all", AUTH_ANY, page_end_all },
	{ "POST", "/account/sessions/*/end", AUTH_ANY, page_end_session },
	{ "GET", "/account/password", AUTH_ANY, page_password_form },
	{ "POST", "/account/password", AUTH_ANY, page_password },
	{ "POST", "/account/tokens", AUTH_ANY, page_new_token },
	{ "POST", "/account/tokens/*/revoke", AUTH_ANY, page_revoke_token },
	{ NULL, NULL, 0, NULL },
};

int
main(int argc, char **argv)
{
	return app_main(argc, argv, "account", routes, NULL);
}
