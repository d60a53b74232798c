/* tokens.c: API tokens — every one, a new one for a service account, revoking
 *
 * GET  /admin/tokens                   (admin) every API token
 * POST /admin/tokens                   (admin) a token for a service account, shown
 *                                      once: agent (its id), name, days, perm
 *                                      (within the account's own permissions)
 * POST /admin/tokens/{id}/revoke       (admin)
 *
 * Tokens are made and revoked by token_create and token_revoke
 * (lib/domain/sessions.h), audited in the same transaction.  A token is
 * stored only as its hash: the page that makes it shows it the one time.
 */
#include <stdint.h>
#include <string.h>

#include "core/db.h"
#include "core/model.h"
#include "core/url.h"
#include "domain/agents.h"
#include "domain/sessions.h"
#include "ui/auth.h"
#include "ui/page.h"
#include "admin.h"

static struct db_stmt q_tokens = DB_STMT(DB_CONSOLE,
	"SELECT t.id, a.login, a.display_name, t.name, t.perms, t.created_at,"
	" t.expires_at, t.last_used_at, t.revoked_at IS NOT NULL, t.expires_at <= NOW(),"
	" c.login, a.service, a.id, c.display_name FROM api_tokens t"
	" JOIN agents a ON a.id = t.agent_id"
	" LEFT JOIN agents c ON c.id = t.created_by ORDER BY t.id DESC LIMIT 500");
static struct db_stmt q_services = DB_STMT(DB_CONSOLE,
	"SELECT a.id, a.login, a.display_name, " PERMS_OF("a.id")
	" FROM agents a WHERE a.service = 1 AND a.disabled_at IS NULL ORDER BY a.login");

/* token_rows: every token into arr; DB_OK or an error. */
static int
token_rows(struct req *r, json_object *arr)
{
	struct db_res res;
	int rc;

	if ((rc = db_exec(&r->arena, &q_tokens, &res, 0, NULL)) != DB_OK)
		return rc;
	while ((rc = db_next(&res)) > 0) {
		json_object *e = m_push(arr, m_obj());
		int revoked = db_int(&res, 8) != 0, expired = db_int(&res, 9) != 0;

		m_int(e, "id", db_int(&res, 0));
		m_str(e, "login", db_str(&res, 1));
		m_str(e, "agent_name", db_str(&res, 2));
		m_str(e, "agent_url", url_for(&r->arena, "/admin/agents/%lld", db_int(&res, 12)));
		m_str(e, "name", db_str(&res, 3));
		m_str(e, "perms", perms_text(&r->arena, (unsigned long)db_int(&res, 4)));
		m_str(e, "perms_label", perms_titles(&r->arena, (unsigned long)db_int(&res, 4)));
		m_str(e, "created_at", db_str(&res, 5));
		m_str(e, "expires_at", db_str(&res, 6));
		m_str(e, "last_used_at", db_str(&res, 7));
		m_str(e, "created_by", db_str(&res, 10));
		m_str(e, "created_by_name", db_str(&res, 13));
		m_bool(e, "service", db_int(&res, 11) != 0);
		m_bool(e, "revoked", revoked);
		m_bool(e, "expired", expired && !revoked);
		m_bool(e, "active", !revoked && !expired);
		m_str(e, "revoke_url", url_for(&r->arena, "/admin/tokens/%lld/revoke",
		    db_int(&res, 0)));
	}
	db_done(&res);
	return rc < 0 ? rc : DB_OK;
}

/* service_rows: every enabled service account into arr, agent selected;
 * DB_OK or an error. */
static int
service_rows(struct req *r, json_object *arr, long long agent)
{
	struct db_res res;
	int rc;

	if ((rc = db_exec(&r->arena, &q_services, &res, 0, NULL)) != DB_OK)
		return rc;
	while ((rc = db_next(&res)) > 0) {
		json_object *e = m_push(arr, m_obj());

		m_int(e, "id", db_int(&res, 0));
		m_str(e, "login", db_str(&res, 1));
		m_str(e, "name", db_str(&res, 2));
		m_str(e, "perms", perms_text(&r->arena, (unsigned long)db_int(&res, 3)));
		m_str(e, "perms_label", perms_titles(&r->arena, (unsigned long)db_int(&res, 3)));
		m_bool(e, "selected", db_int(&res, 0) == agent);
	}
	db_done(&res);
	return rc < 0 ? rc : DB_OK;
}

/* tokens_model: every token, and the form (as typed); NULL when
 * answered. */
static json_object *
tokens_model(struct req *r, long long agent, unsigned long perms)
{
	json_object *m = page_model(r, "API 令牌", "admin"), *arr, *nf;
	const char *v;
	int rc;

	page_admin_nav(r, m, "tokens");
	if ((rc = token_rows(r, m_add(m, "tokens", m_arr()))) != DB_OK)
		goto fail;
	nf = m_add(m, "new", m_obj());
	arr = m_add(nf, "services", m_arr());
	if ((rc = service_rows(r, arr, agent)) != DB_OK)
		goto fail;
	m_bool(nf, "no_services", json_object_array_length(arr) == 0);
	m_str(nf, "action", url_for(&r->arena, "/admin/tokens"));
	m_str(nf, "name", strcmp(r->method, "POST") == 0 &&
	    (v = req_get(r, "name")) ? v : "");
	if ((rc = perm_list(r, m_add(nf, "perms", m_arr()), perms, 1)) != DB_OK)
		goto fail;
	return m;
fail:
	page_db_error(r, rc);
	return NULL;
}

void
page_tokens(struct req *r)
{
	if (tokens_model(r, 0, 0) != NULL)
		page_show(r, 200, "admin_tokens");
}

/* service: the enabled service account agent: its login, name and
 * permissions (which bound its tokens'), or *login NULL; DB_OK or an
 * error. */
static int
service(struct req *r, long long agent, const char **login, const char **name,
    unsigned long *allowed)
{
	struct db_res res;
	int rc;

	*login = *name = NULL;
	*allowed = 0;
	if ((rc = db_exec(&r->arena, &q_services, &res, 0, NULL)) != DB_OK)
		return rc;
	while ((rc = db_next(&res)) > 0)
		if (db_int(&res, 0) == agent) {
			*login = arena_strdup(&r->arena, db_str(&res, 1));
			*name = arena_strdup(&r->arena, db_str(&res, 2));
			*allowed = (unsigned long)db_int(&res, 3);
		}
	db_done(&res);
	return rc < 0 ? rc : DB_OK;
}

void
page_token_new(struct req *r)
{
	json_object *m, *t;
	const char *name = NULL, *login = NULL, *token = NULL, *agent_name = NULL;
	unsigned long perms = 0, allowed = 0;
	long long agent = 0, days = 90, id = 0;
	int rc;

	if (req_int(r, "agent", 1, INT64_MAX, &agent) == REQ_OK &&
	    (rc = service(r, agent, &login, &agent_name, &allowed)) != DB_OK) {
		page_db_error(r, rc);
		return;
	}
	if (login == NULL)
		m_str(page_errs(r), "agent", "请选择一个启用中的服务账号");
	if (!auth_token_form(r, allowed, page_errs(r), &name, &days, &perms) ||
	    login == NULL) {
		if (tokens_model(r, agent, perms) != NULL)
			page_bad_input(r, "admin_tokens");
		return;
	}
	if ((rc = db_begin(DB_CONSOLE)) != DB_OK ||
	    (rc = token_create(&r->arena, auth_actor(r), agent, login, name, perms, days,
	    &token, &id)) != DB_OK ||
	    (rc = db_commit(DB_CONSOLE)) != DB_OK) {
		admin_fail(r, rc);
		return;
	}
	if ((m = tokens_model(r, 0, 0)) == NULL)
		return;
	t = m_add(m, "new_token", m_obj());	/* the one time it is shown */
	m_str(t, "token", token);
	m_int(t, "id", id);
	m_str(t, "name", name);
	m_str(t, "login", login);
	m_str(t, "agent_name", agent_name);
	m_int(t, "days", days);
	page_show(r, 201, "admin_tokens");
}

void
page_token_revoke(struct req *r)
{
	long long id = page_id(r, 0);
	int rc;

	if (id == 0) {
		page_error(r, 404, "没有这个令牌", "令牌编号不正确。");
		return;
	}
	if ((rc = db_begin(DB_CONSOLE)) != DB_OK ||
	    (rc = token_revoke(&r->arena, auth_actor(r), id, 0)) != DOM_OK ||
	    (rc = db_commit(DB_CONSOLE)) != DB_OK) {
		if (rc == TOKEN_MISSING) {
			db_rollback(DB_CONSOLE);
			page_error(r, 404, "没有这个令牌", "没有这个有效的令牌。");
		} else
			admin_fail(r, rc);
		return;
	}
	page_done(r, "token_revoked", url_for(&r->arena, "/admin/tokens"));
}
