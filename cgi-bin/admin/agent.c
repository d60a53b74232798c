/* agent.c: one agent — its page, its edit, disabling, enabling, a new password
 *
 * GET  /admin/agents/{id}              (admin) one agent and its forms
 * POST /admin/agents/{id}              (admin) name, role, max_refund, daily_refund
 *                                      (as for a new agent, agents.c)
 * POST /admin/agents/{id}/disable      (admin) not oneself
 * POST /admin/agents/{id}/enable       (admin)
 * POST /admin/agents/{id}/password     (admin) password: a temporary one, not one's own
 *
 * The changes are agent_update, agent_set_disabled and agent_set_password
 * (lib/domain/agents.h), each with its audit row in one transaction.
 * Privilege changes take effect at once: disabling an agent, resetting
 * their password or changing their roles ends all their sessions
 * (disabling revokes their API tokens too); an admin who changes their own
 * roles gets a new session in this browser.  The console always keeps an
 * enabled person holding the admin permission: a change that would leave
 * none is refused (LAST_ADMIN), with the message beside the field.
 */
#include <string.h>

#include "core/cfg.h"
#include "core/db.h"
#include "core/model.h"
#include "core/text.h"
#include "core/url.h"
#include "domain/agents.h"
#include "ui/auth.h"
#include "ui/page.h"
#include "admin.h"

static struct db_stmt q_agent = DB_STMT(DB_CONSOLE, AGENT_SELECT " WHERE a.id = ?");

/* What we know of one agent, for the changes. */
struct agent {
	long long id;
	const char *login, *name, *roles;
	int disabled;
	long long max_refund, daily_refund;
};

static void
no_agent(struct req *r)
{
	page_error(r, 404, "没有这个账号", "账号不存在。");
}

/* load_agent: agent id into a; when m is not NULL, also the agent's page
 * model (titled with the login) with the agent on it.  1, or 0 answered
 * (404, or the database's error). */
static int
load_agent(struct req *r, const struct roles *rs, long long id, struct agent *a,
    json_object **m)
{
	struct db_res res;
	int rc = DB_ONE(&r->arena, &q_agent, &res, DB_INT(cfg.idle_timeout),
	    DB_INT(cfg.absolute_timeout), DB_INT(id));

	if (rc != DB_OK) {
		db_done(&res);
		if (rc == DB_NOROW)
			no_agent(r);
		else
			page_db_error(r, rc);
		return 0;
	}
	a->id = id;
	a->login = arena_strdup(&r->arena, db_str(&res, 1));
	a->name = arena_strdup(&r->arena, db_str(&res, 2));
	a->disabled = !db_null(&res, 4);
	a->max_refund = db_int(&res, 5);
	a->daily_refund = db_int(&res, 6);
	a->roles = arena_strdup(&r->arena, db_str(&res, 8) ? db_str(&res, 8) : "");
	if (m) {
		*m = page_model(r, arena_printf(&r->arena, "账号 %s", a->login), "admin");
		page_admin_nav(r, *m, "agents");
		agent_json(r, m_add(*m, "agent", m_obj()), rs, &res);
	}
	db_done(&res);
	return 1;
}

/* the_agent: the roles, and the agent the path names; 0 answered. */
static int
the_agent(struct req *r, struct roles *rs, struct agent *a)
{
	long long id = page_id(r, 0);
	int rc;

	if (id == 0) {
		no_agent(r);
		return 0;
	}
	if ((rc = load_roles(r, rs)) != DB_OK) {
		page_db_error(r, rc);
		return 0;
	}
	return load_agent(r, rs, id, a, NULL);
}

/* agent_model: the page of the agent the path names, its edit form as
 * typed in f (or as the agent is); NULL when answered. */
static json_object *
agent_model(struct req *r, const struct roles *rs, const struct agent_form *f)
{
	json_object *m, *o;
	const char *names[MAX_ROLES];
	char *list, *save = NULL, *p;
	struct agent a;
	long long id = page_id(r, 0);
	int n = 0;

	if (!load_agent(r, rs, id, &a, &m))
		return NULL;
	o = m_add(m, "edit", m_obj());
	m_str(o, "action", url_for(&r->arena, "/admin/agents/%lld", id));
	m_str(o, "name", f ? f->name : a.name);
	m_str(o, "max_refund", f ? f->max_s : yuan_plain(&r->arena, a.max_refund));
	m_str(o, "daily_refund", f ? f->daily_s : yuan_plain(&r->arena, a.daily_refund));
	list = arena_strdup(&r->arena, a.roles);
	for (p = strtok_r(list, ",", &save); p && n < MAX_ROLES; p = strtok_r(NULL, ",", &save))
		names[n++] = p;
	role_boxes(o, rs, f ? f->role : names, f ? f->nrole : n);
	m_str(m, "u_disable", url_for(&r->arena, "/admin/agents/%lld/disable", id));
	m_str(m, "u_enable", url_for(&r->arena, "/admin/agents/%lld/enable", id));
	m_str(m, "u_password", url_for(&r->arena, "/admin/agents/%lld/password", id));
	m_str(m, "u_audit", url_for(&r->arena, "/admin/audit?agent=%s", a.login));
	m_str(m, "u_tokens", url_for(&r->arena, "/admin/tokens"));
	m_str(m, "u_agents", url_for(&r->arena, "/admin/agents"));
	/* what cannot be done to oneself is not offered */
	m_bool(m, "me", a.id == r->sess->agent_id);
	m_bool(m, "can_disable", !a.disabled && a.id != r->sess->agent_id);
	m_bool(m, "can_reset", a.id != r->sess->agent_id);
	return m;
}

void
page_agent(struct req *r)
{
	struct roles rs;
	int rc;

	if (page_id(r, 0) == 0) {
		no_agent(r);
		return;
	}
	if ((rc = load_roles(r, &rs)) != DB_OK)
		page_db_error(r, rc);
	else if (agent_model(r, &rs, NULL) != NULL)
		page_show(r, 200, "admin_agent");
}

/* again: the agent's page, 400, with the messages in page_errs. */
static void
again(struct req *r, const struct roles *rs, const struct agent_form *f)
{
	if (agent_model(r, rs, f) != NULL)
		page_bad_input(r, "admin_agent");
}

/* refuse: roll back, and the agent's page again with one message beside
 * a field. */
static void
refuse(struct req *r, const struct roles *rs, const struct agent_form *f,
    const char *field, const char *msg)
{
	db_rollback(DB_CONSOLE);
	m_str(page_errs(r), field, msg);
	again(r, rs, f);
}

void
page_agent_edit(struct req *r)
{
	struct agent_form f;
	struct agent_edit e;
	struct roles rs;
	struct agent a;
	const char *back;
	int rc, changed = 0;

	if (!the_agent(r, &rs, &a))
		return;
	read_agent_form(r, &rs, &f, 0);
	if (page_erred(r)) {
		again(r, &rs, &f);
		return;
	}
	memset(&e, 0, sizeof(e));
	e.name = f.name;
	e.roles = f.role;
	e.nroles = f.nrole;
	e.max_refund = f.max_refund;
	e.daily_refund = f.daily_refund;
	/* new roles end every session of the agent; mine comes back new */
	if ((rc = db_begin(DB_CONSOLE)) == DB_OK &&
	    (rc = agent_update(&r->arena, auth_actor(r), a.id, &e, &changed)) == DOM_OK &&
	    changed) {
		if (a.id != r->sess->agent_id || (rc = auth_renew(r)) == DB_OK)
			rc = db_commit(DB_CONSOLE);
	} else if (rc == DOM_OK)
		db_rollback(DB_CONSOLE);	/* nothing to change */
	if (rc == LAST_ADMIN) {
		refuse(r, &rs, &f, "role",
		    "不能移除最后一位管理员的管理权限：请先让另一位同事成为管理员。");
		return;
	}
	if (rc == ROLE_MISSING) {
		refuse(r, &rs, &f, "role", "没有这个角色");
		return;
	}
	if (rc == AGENT_MISSING) {
		db_rollback(DB_CONSOLE);
		no_agent(r);
		return;
	}
	if (rc != DOM_OK) {
		admin_fail(r, rc);
		return;
	}
	back = url_for(&r->arena, "/admin/agents/%lld", a.id);
	page_done(r, changed ? "agent_updated" : "unchanged", back);
}

/* agent_state: disable or enable the agent the path names. */
static void
agent_state(struct req *r, int disable)
{
	const char *what = disable ? "agent_disabled" : "agent_enabled";
	struct roles rs;
	struct agent a;
	int rc, changed = 0;

	if (!the_agent(r, &rs, &a))
		return;
	if ((rc = db_begin(DB_CONSOLE)) == DB_OK &&
	    (rc = agent_set_disabled(&r->arena, auth_actor(r), a.id, disable,
	    &changed)) == DOM_OK && changed)
		rc = db_commit(DB_CONSOLE);
	else if (rc == DOM_OK)
		db_rollback(DB_CONSOLE);	/* already so */
	if (rc == AGENT_SELF) {
		refuse(r, &rs, NULL, "disable", "不能停用自己的账号。");
		return;
	}
	if (rc == LAST_ADMIN) {
		refuse(r, &rs, NULL, "disable", "不能停用最后一位管理员。");
		return;
	}
	if (rc == AGENT_MISSING) {
		db_rollback(DB_CONSOLE);
		no_agent(r);
		return;
	}
	if (rc != DOM_OK) {
		admin_fail(r, rc);
		return;
	}
	if (changed)
		rlog(r, LOG_INFO, what, "login=%s", a.login);
	page_done(r, changed ? what : "unchanged",
	    url_for(&r->arena, "/admin/agents/%lld", a.id));
}

void
page_agent_disable(struct req *r)
{
	agent_state(r, 1);
}

void
page_agent_enable(struct req *r)
{
	agent_state(r, 0);
}

void
page_agent_password(struct req *r)
{
	const char *pw = req_get(r, "password"), *why;
	struct roles rs;
	struct agent a;
	int rc;

	if (!the_agent(r, &rs, &a))
		return;
	if (a.id == r->sess->agent_id) {
		m_str(page_errs(r), "password", "自己的密码请在「我的账户」中修改。");
		again(r, &rs, NULL);
		return;
	}
	if (pw == NULL || (why = password_acceptable(pw)) != NULL) {
		m_str(page_errs(r), "password", pw ? why : "请设置临时密码（8 到 128 个字符）");
		again(r, &rs, NULL);
		return;
	}
	/* the agent must choose a new one at next sign-in (app.c); whoever
	 * holds a session now is signed out */
	if ((rc = db_begin(DB_CONSOLE)) != DB_OK ||
	    (rc = agent_set_password(&r->arena, auth_actor(r), a.id, pw, 1)) != DOM_OK ||
	    (rc = db_commit(DB_CONSOLE)) != DB_OK) {
		if (rc == AGENT_MISSING) {
			db_rollback(DB_CONSOLE);
			no_agent(r);
		} else
			admin_fail(r, rc);
		return;
	}
	rlog(r, LOG_INFO, "password_reset", "login=%s", a.login);
	page_done(r, "password_reset", url_for(&r->arena, "/admin/agents/%lld", a.id));
}
