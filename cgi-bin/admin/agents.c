/* agents.c: every agent, and a new one; the agent form they share
 *
 * GET  /admin                          (admin) to /admin/agents
 * GET  /admin/agents                   (admin) every agent, and the form for a new one
 * POST /admin/agents                   (admin) a new agent
 *      login         [a-z0-9_.-], 2..32 characters, unique
 *      name          1..64 characters
 *      role          repeatable, at least one, roles that exist
 *      password      8..128 characters, temporary: changed at first sign-in
 *                    (a service account, which never signs in, may leave it
 *                    out and gets a random one)
 *      max_refund    yuan, 0..1,000,000, at most two decimals: the largest
 *                    single refund or compensation without approval
 *      daily_refund  yuan, as above, not below max_refund: a day's total
 *      service       1: a service account (scripts with API tokens)
 *
 * The agent is made by agent_create (lib/domain/agents.h), audited as
 * agent_created in the same transaction.
 */
#include <string.h>

#include "core/cfg.h"
#include "core/db.h"
#include "core/model.h"
#include "core/resp.h"
#include "core/text.h"
#include "core/url.h"
#include "core/util.h"
#include "domain/agents.h"
#include "ui/auth.h"
#include "ui/page.h"
#include "ui/views.h"
#include "admin.h"

#define LIMIT_MAX_FEN 100000000LL	/* ¥1,000,000 */
#define LOGIN_CHARS "abcdefghijklmnopqrstuvwxyz0123456789_.-"

static struct db_stmt q_agents = DB_STMT(DB_CONSOLE,
	AGENT_SELECT " ORDER BY a.disabled_at IS NOT NULL, a.login LIMIT 1000");

static int
login_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	return n >= 2 && n <= 32 && strspn(s, LOGIN_CHARS) == n;
}

/* money: a limit in yuan as fen, or -1 with the field's message. */
static long long
money(struct req *r, const char *field, const char **typed)
{
	const char *v;
	long long fen;
	int rc = req_str(r, field, 16, &v);

	*typed = rc == REQ_OK ? v : req_get(r, field);
	if (rc != REQ_OK || parse_yuan(v, &fen) < 0 || fen > LIMIT_MAX_FEN) {
		m_str(page_errs(r), field, "金额为 0 到 1,000,000 元，最多两位小数");
		return -1;
	}
	return fen;
}

void
read_agent_form(struct req *r, const struct roles *rs, struct agent_form *f,
    int creating)
{
	json_object *errs = page_errs(r);
	const char *roles[MAX_ROLES], *v, *why = NULL;
	int n, i, k;

	memset(f, 0, sizeof(*f));
	if (creating) {
		if (req_str(r, "login", 32, &f->login) == REQ_BAD || !login_ok(f->login))
			m_str(errs, "login", "账号为 2 到 32 个小写字母、数字或 _ . -");
		if (f->login == NULL)
			f->login = req_get(r, "login");
		f->service = (v = req_get(r, "service")) != NULL && strcmp(v, "1") == 0;
		f->password = req_get(r, "password");
		if (f->password && *f->password == '\0')
			f->password = NULL;
		if (f->password ? (why = password_acceptable(f->password)) != NULL :
		    !f->service)
			m_str(errs, "password", why ? why : "请设置临时密码（8 到 128 个字符）");
	}
	if (req_str(r, "name", 64, &f->name) != REQ_OK) {
		m_str(errs, "name", "请填写姓名（1 到 64 个字）");
		f->name = req_get(r, "name");
	}
	n = req_all(r, "role", roles, MAX_ROLES);
	for (i = 0; i < n; i++) {
		if (find_role(rs, roles[i]) == NULL) {
			m_str(errs, "role", "没有这个角色");
			break;
		}
		for (k = 0; k < f->nrole && strcmp(f->role[k], roles[i]) != 0; k++)
			;
		if (k == f->nrole)
			f->role[f->nrole++] = roles[i];
	}
	if (n <= 0)
		m_str(errs, "role", "至少选择一个角色");
	f->max_refund = money(r, "max_refund", &f->max_s);
	f->daily_refund = money(r, "daily_refund", &f->daily_s);
	if (f->max_refund >= 0 && f->daily_refund >= 0 && f->daily_refund < f->max_refund)
		m_str(errs, "daily_refund", "每日上限不能小于单笔上限");
}

void
agent_json(struct req *r, json_object *o, const struct roles *rs, struct db_res *res)
{
	long long id = db_int(res, 0);

	m_int(o, "id", id);
	m_str(o, "login", db_str(res, 1));
	m_str(o, "name", db_str(res, 2));
	m_bool(o, "service", db_int(res, 3) != 0);
	m_bool(o, "disabled", !db_null(res, 4));
	m_str(o, "disabled_at", db_str(res, 4));
	m_money(o, "max_refund", db_int(res, 5));
	m_money(o, "daily_refund", db_int(res, 6));
	m_bool(o, "must_change_password", db_int(res, 7) != 0);
	m_str(o, "role_names", db_str(res, 8) ? db_str(res, 8) : "");
	m_str(o, "role_titles", role_titles(r, rs, db_str(res, 8)));
	m_opt(o, "last_login", "has_last_login", db_str(res, 9));
	m_int(o, "sessions", db_int(res, 10));
	m_str(o, "created_at", db_str(res, 11));
	m_str(o, "updated_at", db_str(res, 12));
	m_str(o, "perms", perms_text(&r->arena, (unsigned long)db_int(res, 13)));
	m_str(o, "perms_label", perms_titles(&r->arena, (unsigned long)db_int(res, 13)));
	m_bool(o, "me", id == r->sess->agent_id);
	m_str(o, "url", url_for(&r->arena, "/admin/agents/%lld", id));
}

/* agents_model: the list, and the new-agent form (as typed in f, or the
 * defaults); NULL when it could not be made (answered). */
static json_object *
agents_model(struct req *r, const struct roles *rs, const struct agent_form *f)
{
	json_object *m = page_model(r, "客服账号", "admin"), *arr, *nf;
	static const char *const dflt[] = { "agent" };
	struct db_res res;
	int rc;

	page_admin_nav(r, m, "agents");
	if ((rc = DB_EXEC(&r->arena, &q_agents, &res, DB_INT(cfg.idle_timeout),
	    DB_INT(cfg.absolute_timeout))) != DB_OK) {
		page_db_error(r, rc);
		return NULL;
	}
	arr = m_add(m, "agents", m_arr());
	while ((rc = db_next(&res)) > 0)
		agent_json(r, m_push(arr, m_obj()), rs, &res);
	db_done(&res);
	if (rc < 0) {
		page_db_error(r, rc);
		return NULL;
	}
	nf = m_add(m, "new", m_obj());
	m_str(nf, "action", url_for(&r->arena, "/admin/agents"));
	m_str(nf, "login", f ? f->login : "");
	m_str(nf, "name", f ? f->name : "");
	m_str(nf, "max_refund", f ? f->max_s : "200.00");
	m_str(nf, "daily_refund", f ? f->daily_s : "1000.00");
	m_bool(nf, "service", f && f->service);
	role_boxes(nf, rs, f ? f->role : dflt, f ? f->nrole : 1);
	return m;
}

void
page_home(struct req *r)
{
	resp_redirect(r, url_for(&r->arena, "/admin/agents"));
}

void
page_agents(struct req *r)
{
	struct roles rs;
	int rc;

	if ((rc = load_roles(r, &rs)) != DB_OK) {
		page_db_error(r, rc);
		return;
	}
	if (agents_model(r, &rs, NULL) != NULL)
		page_show(r, 200, "admin_agents");
}

void
page_agent_new(struct req *r)
{
	struct agent_form f;
	struct agent_new n;
	struct roles rs;
	long long id = 0;
	int rc;

	if ((rc = load_roles(r, &rs)) != DB_OK) {
		page_db_error(r, rc);
		return;
	}
	read_agent_form(r, &rs, &f, 1);
	if (!page_erred(r)) {
		memset(&n, 0, sizeof(n));
		n.login = f.login;
		n.name = f.name;
		n.password = f.password;
		n.service = f.service;
		n.temporary = !f.service;
		n.max_refund = f.max_refund;
		n.daily_refund = f.daily_refund;
		n.roles = f.role;
		n.nroles = f.nrole;
		if ((rc = db_begin(DB_CONSOLE)) == DB_OK &&
		    (rc = agent_create(&r->arena, auth_actor(r), &n, &id)) == DOM_OK)
			rc = db_commit(DB_CONSOLE);
		if (rc == AGENT_EXISTS || rc == ROLE_MISSING) {
			db_rollback(DB_CONSOLE);
			if (rc == AGENT_EXISTS)
				m_str(page_errs(r), "login", "这个账号已经存在");
			else
				m_str(page_errs(r), "role", "没有这个角色");
		} else if (rc != DOM_OK) {
			admin_fail(r, rc);
			return;
		}
	}
	if (page_erred(r)) {
		if (agents_model(r, &rs, &f) != NULL)
			page_bad_input(r, "admin_agents");
		return;
	}
	rlog(r, LOG_INFO, "agent_created", "login=%s", f.login);
	page_done(r, "agent_created", url_for(&r->arena, "/admin/agents/%lld", id));
}
