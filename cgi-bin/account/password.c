/* password.c: changing my own password
 *
 * GET  /account/password              (any agent) the form
 * POST /account/password              (any agent) change my password
 *      current   string, my password now
 *      password  string, 8..128 characters, not the current one
 *      confirm   string, the same again
 *
 * The form is also where an agent whose password an admin reset is sent
 * before anything else (app.c).  A change ends every session of the agent
 * (agent_set_password, audited as password_changed) and starts a new one
 * for this browser, in one transaction.  An API token may not change it.
 */
#include <string.h>

#include "core/db.h"
#include "core/model.h"
#include "core/url.h"
#include "domain/agents.h"
#include "ui/auth.h"
#include "ui/page.h"
#include "account.h"

static struct db_stmt q_hash = DB_STMT(DB_CONSOLE,
	"SELECT password_hash FROM agents WHERE id = ?");

static json_object *
password_model(struct req *r)
{
	json_object *m = page_model(r, "修改密码", NULL);

	m_bool(m, "forced", r->sess->must_change_password);
	m_str(m, "action", url_for(&r->arena, "/account/password"));
	return m;
}

/* current_ok: 1 when cur is my password now, 0 when not, or an error. */
static int
current_ok(struct req *r, const char *cur)
{
	struct db_res res;
	int rc, rehash, ok;

	rc = DB_ONE(&r->arena, &q_hash, &res, DB_INT(r->sess->agent_id));
	if (rc != DB_OK) {
		db_done(&res);
		return rc == DB_NOROW ? DB_FAIL : rc;
	}
	ok = password_verify(cur, db_str(&res, 0), &rehash);
	db_done(&res);
	return ok;
}

void
page_password_form(struct req *r)
{
	password_model(r);
	page_show(r, 200, "password");
}

void
page_password(struct req *r)
{
	const char *cur = req_get(r, "current"), *pw = req_get(r, "password"),
	    *again = req_get(r, "confirm"), *why;
	json_object *errs = page_errs(r);
	int rc;

	if (!person_only(r))
		return;
	if (cur == NULL || *cur == '\0' || strlen(cur) > PASSWORD_MAX * 4)
		m_str(errs, "current", "请输入当前密码");
	if (pw == NULL || (why = password_acceptable(pw)) != NULL)
		m_str(errs, "password", pw ? why : "请输入新密码");
	else if (again == NULL || strcmp(pw, again) != 0)
		m_str(errs, "confirm", "两次输入的新密码不一致");
	else if (cur && strcmp(pw, cur) == 0)
		m_str(errs, "password", "新密码不能与当前密码相同");
	if (!page_erred(r)) {
		if ((rc = current_ok(r, cur)) < 0) {
			page_db_error(r, rc);
			return;
		}
		if (rc == 0)
			m_str(errs, "current", "当前密码不正确");
	}
	if (page_erred(r)) {
		password_model(r);
		page_bad_input(r, "password");
		return;
	}
	/* every session ends; this browser gets a new one */
	if ((rc = db_begin(DB_CONSOLE)) != DB_OK ||
	    (rc = agent_set_password(&r->arena, auth_actor(r), r->sess->agent_id, pw,
	    0)) != DOM_OK ||
	    (rc = auth_start(r, r->sess->agent_id, NULL)) != DB_OK ||
	    (rc = db_commit(DB_CONSOLE)) != DB_OK) {
		db_rollback(DB_CONSOLE);
		auth_abandon(r);	/* no cookie for a session that is not */
		page_refused(r, rc);
		return;
	}
	rlog(r, LOG_INFO, "password_changed", "login=%s", r->sess->login);
	page_done(r, "password_changed", url_for(&r->arena, "/account"));
}
