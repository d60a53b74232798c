/* account.c: an agent's own account — the page, sessions, API tokens
 *
 * GET  /account                       (any agent) who I am, my sessions, my tokens
 * POST /account/sessions/{id}/end     (any agent) end one of my sessions
 * POST /account/sessions/end-all      (any agent) sign out everywhere
 * POST /account/tokens                (any agent) a new API token, shown once
 *      name      string, 1..64 characters
 *      days      1..365, how long it lives
 *      perm      repeatable, permission names; a subset of mine
 * POST /account/tokens/{id}/revoke    (any agent) revoke one of my tokens
 *
 * Another agent's session or token is 404 here, never touched.  An API
 * token may read this page but may not change the account: new tokens,
 * passwords and sessions are for the person.  (The password is changed
 * in password.c.)
 */
#include <string.h>

#include "core/cfg.h"
#include "core/db.h"
#include "core/model.h"
#include "core/resp.h"
#include "core/text.h"
#include "core/url.h"
#include "domain/agents.h"
#include "domain/sessions.h"
#include "ui/auth.h"
#include "ui/page.h"
#include "ui/views.h"
#include "account.h"

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

int
person_only(struct req *r)
{
	if (r->sess->token_id == 0)
		return 1;
	page_error(r, 403, "请在浏览器中操作",
	    "API 令牌不能修改会话、密码或令牌，请登录后在页面上操作。");
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

			m_str(p, "name", perm_labels[i].code);
			m_str(p, "title", perm_labels[i].label);
			m_bool(p, "checked", (checked & (1UL << i)) != 0);
		}
}

/* sessions_model: my live sessions; DB_OK or an error. */
static int
sessions_model(struct req *r, json_object *m)
{
	json_object *arr = m_add(m, "sessions", m_arr());
	struct db_res res;
	int rc;

	if ((rc = DB_EXEC(&r->arena, &q_sessions, &res, DB_INT(r->sess->agent_id),
	    DB_INT(cfg.idle_timeout), DB_INT(cfg.absolute_timeout))) != DB_OK)
		return rc;
	while ((rc = db_next(&res)) > 0) {
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
	return db_done(&res);
}

/* tokens_model: my API tokens, the newest 100; DB_OK or an error. */
static int
tokens_model(struct req *r, json_object *m)
{
	json_object *arr = m_add(m, "tokens", m_arr());
	struct db_res res;
	int rc;

	if ((rc = DB_EXEC(&r->arena, &q_tokens, &res, DB_INT(r->sess->agent_id))) != DB_OK)
		return rc;
	while ((rc = db_next(&res)) > 0) {
		json_object *e = m_push(arr, m_obj());
		int revoked = db_int(&res, 6) != 0, expired = db_int(&res, 7) != 0;

		m_int(e, "id", db_int(&res, 0));
		m_str(e, "name", db_str(&res, 1));
		m_str(e, "perms", perms_text(&r->arena, (unsigned long)db_int(&res, 2)));
		m_str(e, "perms_label", perms_titles(&r->arena, (unsigned long)db_int(&res, 2)));
		m_str(e, "created_at", db_str(&res, 3));
		m_str(e, "expires_at", db_str(&res, 4));
		m_str(e, "last_used_at", db_str(&res, 5));
		m_bool(e, "revoked", revoked);
		m_bool(e, "expired", expired && !revoked);
		m_bool(e, "active", !revoked && !expired);
		m_str(e, "revoke_url", url_for(&r->arena, "/account/tokens/%lld/revoke",
		    db_int(&res, 0)));
	}
	return db_done(&res);
}

/* account_model: the page; NULL with the error page made on failure. */
static json_object *
account_model(struct req *r)
{
	json_object *m = page_model(r, "我的账户", NULL);
	struct db_res res;
	int rc;

	rc = DB_ONE(&r->arena, &q_me, &res, DB_INT(r->sess->agent_id));
	if (rc != DB_OK) {
		db_done(&res);
		page_db_error(r, rc == DB_NOROW ? DB_FAIL : rc);
		return NULL;
	}
	m_str(m, "login", db_str(&res, 0));
	m_str(m, "name", db_str(&res, 1));
	m_money(m, "max_refund", db_int(&res, 2));
	m_money(m, "daily_refund", db_int(&res, 3));
	m_str(m, "roles", db_str(&res, 4));
	m_str(m, "perms", perms_text(&r->arena, r->sess->perms));
	m_str(m, "perms_label", perms_titles(&r->arena, r->sess->perms));
	m_bool(m, "by_token", r->sess->token_id != 0);
	db_done(&res);
	if ((rc = sessions_model(r, m)) != DB_OK || (rc = tokens_model(r, m)) != DB_OK) {
		page_db_error(r, rc);
		return NULL;
	}
	m_str(m, "u_password", url_for(&r->arena, "/account/password"));
	m_str(m, "u_end_all", url_for(&r->arena, "/account/sessions/end-all"));
	m_str(m, "u_tokens", url_for(&r->arena, "/account/tokens"));
	perm_boxes(r, m, 0);
	return m;
}

void
page_account(struct req *r)
{
	if (account_model(r))
		page_show(r, 200, "account");
}

void
page_end_session(struct req *r)
{
	long long id;
	int rc;

	if (!person_only(r))
		return;
	if ((id = page_id(r, 0)) == 0) {
		page_error(r, 404, "没有这个会话", "%s", "编号不正确。");
		return;
	}
	if ((rc = db_begin(DB_CONSOLE)) != DB_OK ||
	    (rc = session_end(&r->arena, auth_actor(r), id, r->sess->agent_id,
	    "session_ended")) != DOM_OK ||
	    (rc = db_commit(DB_CONSOLE)) != DB_OK) {
		db_rollback(DB_CONSOLE);
		page_refused(r, rc);	/* another agent's: SESSION_MISSING, 404 */
		return;
	}
	if (id == r->sess->id) {
		auth_forget(r);		/* this browser's own: sign in again */
		resp_redirect(r, url_for(&r->arena, "/login"));
		return;
	}
	page_done(r, "session_ended", url_for(&r->arena, "/account"));
}

void
page_end_all(struct req *r)
{
	int rc;

	if (!person_only(r))
		return;
	if ((rc = db_begin(DB_CONSOLE)) != DB_OK ||
	    (rc = sessions_end_all(&r->arena, auth_actor(r), r->sess->agent_id,
	    r->sess->login)) != DB_OK ||
	    (rc = db_commit(DB_CONSOLE)) != DB_OK) {
		db_rollback(DB_CONSOLE);
		page_db_error(r, rc);
		return;
	}
	auth_forget(r);
	resp_redirect(r, url_for(&r->arena, "/login"));
}

void
page_new_token(struct req *r)
{
	const char *name = NULL, *token;
	json_object *m, *t;
	unsigned long perms = 0;
	long long days = 90, id;
	int rc;

	if (!person_only(r))
		return;
	if (!auth_token_form(r, r->sess->perms, page_errs(r), &name, &days, &perms)) {
		if ((m = account_model(r)) == NULL)
			return;
		m_str(m, "new_name", name ? name : "");
		page_bad_input(r, "account");
		return;
	}
	if ((rc = db_begin(DB_CONSOLE)) != DB_OK ||
	    (rc = token_create(&r->arena, auth_actor(r), r->sess->agent_id, r->sess->login,
	    name, perms, days, &token, &id)) != DB_OK ||
	    (rc = db_commit(DB_CONSOLE)) != DB_OK) {
		db_rollback(DB_CONSOLE);
		page_db_error(r, rc);
		return;
	}
	if ((m = account_model(r)) == NULL)
		return;
	/* the one time it is shown */
	t = m_add(m, "new_token", m_obj());
	m_str(t, "token", token);
	m_int(t, "id", id);
	m_str(t, "name", name);
	m_str(t, "login", r->sess->login);
	m_int(t, "days", days);
	page_show(r, 201, "account");
}

void
page_revoke_token(struct req *r)
{
	long long id;
	int rc;

	if (!person_only(r))
		return;
	if ((id = page_id(r, 0)) == 0) {
		page_error(r, 404, "没有这个令牌", "%s", "编号不正确。");
		return;
	}
	if ((rc = db_begin(DB_CONSOLE)) != DB_OK ||
	    (rc = token_revoke(&r->arena, auth_actor(r), id, r->sess->agent_id)) != DOM_OK ||
	    (rc = db_commit(DB_CONSOLE)) != DB_OK) {
		db_rollback(DB_CONSOLE);
		page_refused(r, rc);	/* another agent's: TOKEN_MISSING, 404 */
		return;
	}
	page_done(r, "token_revoked", url_for(&r->arena, "/account"));
}
