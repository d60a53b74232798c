/* admin.c: administration — agents, roles and permissions, API tokens, anomaly rules
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
 * GET  /admin/agents/{id}              (admin) one agent and its forms
 * POST /admin/agents/{id}              (admin) name, role, max_refund, daily_refund
 * POST /admin/agents/{id}/disable      (admin) not oneself
 * POST /admin/agents/{id}/enable       (admin)
 * POST /admin/agents/{id}/password     (admin) password: a temporary one, not one's own
 * GET  /admin/roles                    (admin) roles x permissions
 * POST /admin/roles                    (admin) a new role: name [a-z_]{2,32}, title
 *                                      1..64 characters, perm repeatable
 * POST /admin/roles/{role}             (admin) a role's perm (repeatable) and title
 * GET  /admin/tokens                   (admin) every API token
 * POST /admin/tokens                   (admin) a token for a service account, shown
 *                                      once: agent (its id), name, days, perm
 *                                      (within the account's own permissions)
 * POST /admin/tokens/{id}/revoke       (admin)
 * GET  /admin/rules                    (manage_rules) thresholds and SLA targets
 * POST /admin/rules/{kind}             (manage_rules)
 *      threshold        minutes (unpaid_timeout, 1..10080), hours (not_shipped,
 *                       logistics_stalled, refund_stuck, 1..720) or percent
 *                       of list price (price_anomaly, low, 1..99); the other
 *                       kinds have none
 *      threshold_high   price_anomaly: high percent, 101..1000
 *      ack_minutes      1..43200, not above resolve_minutes
 *      resolve_minutes  1..43200
 *      enabled          1, or absent for off
 *
 * Every change and its audit row share one transaction.  Privilege changes
 * take effect at once: disabling an agent, resetting their password or
 * changing their roles ends all their sessions (disabling revokes their
 * API tokens too); role permission changes update or end the sessions of
 * the role's agents (see page_role_save).
 * The console always keeps an enabled person holding the admin
 * permission: a change that would leave none is refused, and all such
 * changes take the same lock first, so two admins cannot remove each other
 * at once.
 */
#include <stdio.h>
#include <string.h>

#include "anomaly.h"
#include "app.h"
#include "audit.h"
#include "auth.h"
#include "cases.h"
#include "cfg.h"
#include "db.h"
#include "model.h"
#include "resp.h"
#include "url.h"
#include "util.h"

#define MAX_ROLES 32
#define LIMIT_MAX_FEN 100000000LL	/* ¥1,000,000 */
#define LOGIN_CHARS "abcdefghijklmnopqrstuvwxyz0123456789_.-"
#define ROLE_CHARS "abcdefghijklmnopqrstuvwxyz_"
#define SLA_MAX (30 * 24 * 60)		/* minutes */
#define PRICE_HIGH_MIN 101
#define PRICE_HIGH_MAX 1000

/* --- statements -------------------------------------------------------- */

#define AGENT_SELECT \
	"SELECT a.id, a.login, a.display_name, a.service, a.disabled_at," \
	" a.max_refund, a.daily_refund, a.must_change_password," \
	" (SELECT GROUP_CONCAT(ar.role ORDER BY ar.role) FROM agent_roles ar" \
	"  WHERE ar.agent_id = a.id)," \
	" (SELECT MAX(s.created_at) FROM sessions s WHERE s.agent_id = a.id)," \
	" (SELECT COUNT(*) FROM sessions s WHERE s.agent_id = a.id" \
	"  AND s.revoked_at IS NULL AND s.last_seen_at > NOW() - INTERVAL ? SECOND" \
	"  AND s.created_at > NOW() - INTERVAL ? SECOND)," \
	" a.created_at, a.updated_at, " AUTH_PERMS_OF("a.id") \
	" FROM agents a"

static struct db_stmt q_agents = DB_STMT(DB_CONSOLE,
	AGENT_SELECT " ORDER BY a.disabled_at IS NOT NULL, a.login LIMIT 1000");
static struct db_stmt q_agent = DB_STMT(DB_CONSOLE, AGENT_SELECT " WHERE a.id = ?");
static struct db_stmt q_roles = DB_STMT(DB_CONSOLE,
	"SELECT r.name, r.title,"
	" (SELECT COALESCE(BIT_OR(1 << p.bit), 0) FROM role_permissions rp"
	"  JOIN permissions p ON p.name = rp.permission WHERE rp.role = r.name),"
	" (SELECT COUNT(*) FROM agent_roles ar JOIN agents a ON a.id = ar.agent_id"
	"  WHERE ar.role = r.name AND a.disabled_at IS NULL)"
	" FROM roles r ORDER BY r.created_at, FIELD(r.name, 'agent', 'lead', 'admin'), r.name"
	" LIMIT 64");
static struct db_stmt q_perms = DB_STMT(DB_CONSOLE,
	"SELECT name, bit, title FROM permissions ORDER BY bit");

static struct db_stmt q_agent_new = DB_STMT(DB_CONSOLE,
	"INSERT INTO agents (login, display_name, service, password_hash,"
	" must_change_password, max_refund, daily_refund, created_at, updated_at)"
	" VALUES (?, ?, ?, ?, ?, ?, ?, NOW(), NOW())");
static struct db_stmt q_agent_edit = DB_STMT(DB_CONSOLE,
	"UPDATE agents SET display_name = ?, max_refund = ?, daily_refund = ?,"
	" updated_at = NOW() WHERE id = ?");
static struct db_stmt q_agent_disable = DB_STMT(DB_CONSOLE,
	"UPDATE agents SET disabled_at = NOW(), updated_at = NOW()"
	" WHERE id = ? AND disabled_at IS NULL");
static struct db_stmt q_agent_enable = DB_STMT(DB_CONSOLE,
	"UPDATE agents SET disabled_at = NULL, updated_at = NOW()"
	" WHERE id = ? AND disabled_at IS NOT NULL");
static struct db_stmt q_agent_password = DB_STMT(DB_CONSOLE,
	"UPDATE agents SET password_hash = ?, must_change_password = 1,"
	" updated_at = NOW() WHERE id = ?");
static struct db_stmt q_agent_tokens_revoke = DB_STMT(DB_CONSOLE,
	"UPDATE api_tokens SET revoked_at = NOW() WHERE agent_id = ? AND revoked_at IS NULL");
static struct db_stmt q_agent_roles_clear = DB_STMT(DB_CONSOLE,
	"DELETE FROM agent_roles WHERE agent_id = ?");
static struct db_stmt q_agent_role_add = DB_STMT(DB_CONSOLE,
	"INSERT INTO agent_roles (agent_id, role) VALUES (?, ?)");

/* The lock every change that could leave no admin takes first, then the
 * count it checks before committing. */
static struct db_stmt q_admin_lock = DB_STMT(DB_CONSOLE,
	"SELECT name FROM roles WHERE name = 'admin' FOR UPDATE");
static struct db_stmt q_admins = DB_STMT(DB_CONSOLE,
	"SELECT COUNT(*) FROM agents a WHERE a.disabled_at IS NULL AND a.service = 0"
	" AND " AUTH_PERMS_OF("a.id") " & ? <> 0");

static struct db_stmt q_role_new = DB_STMT(DB_CONSOLE,
	"INSERT INTO roles (name, title, created_at) VALUES (?, ?, NOW())");
static struct db_stmt q_role_title = DB_STMT(DB_CONSOLE,
	"UPDATE roles SET title = ? WHERE name = ?");
static struct db_stmt q_role_perms_clear = DB_STMT(DB_CONSOLE,
	"DELETE FROM role_permissions WHERE role = ?");
static struct db_stmt q_role_perm_add = DB_STMT(DB_CONSOLE,
	"INSERT INTO role_permissions (role, permission) VALUES (?, ?)");
static struct db_stmt q_role_sessions_update = DB_STMT(DB_CONSOLE,
	"UPDATE sessions s SET s.perms = " AUTH_PERMS_OF("s.agent_id")
	" WHERE s.revoked_at IS NULL"
	" AND s.agent_id IN (SELECT agent_id FROM agent_roles WHERE role = ?)");
static struct db_stmt q_role_sessions_end = DB_STMT(DB_CONSOLE,
	"UPDATE sessions SET revoked_at = NOW() WHERE revoked_at IS NULL"
	" AND agent_id IN (SELECT agent_id FROM agent_roles WHERE role = ?)");

static struct db_stmt q_tokens = DB_STMT(DB_CONSOLE,
	"SELECT t.id, a.login, a.display_name, t.name, t.perms, t.created_at,"
	" t.expires_at, t.last_used_at, t.revoked_at IS NOT NULL, t.expires_at <= NOW(),"
	" c.login, a.service, a.id FROM api_tokens t JOIN agents a ON a.id = t.agent_id"
	" LEFT JOIN agents c ON c.id = t.created_by ORDER BY t.id DESC LIMIT 500");
static struct db_stmt q_services = DB_STMT(DB_CONSOLE,
	"SELECT a.id, a.login, a.display_name, " AUTH_PERMS_OF("a.id")
	" FROM agents a WHERE a.service = 1 AND a.disabled_at IS NULL ORDER BY a.login");
static struct db_stmt q_token_revoke = DB_STMT(DB_CONSOLE,
	"UPDATE api_tokens SET revoked_at = NOW() WHERE id = ? AND revoked_at IS NULL");
static struct db_stmt q_token_owner = DB_STMT(DB_CONSOLE,
	"SELECT a.login, t.name FROM api_tokens t JOIN agents a ON a.id = t.agent_id"
	" WHERE t.id = ?");

static struct db_stmt q_rules_meta = DB_STMT(DB_CONSOLE,
	"SELECT r.kind, r.updated_at, a.login FROM anomaly_rules r"
	" LEFT JOIN agents a ON a.id = r.updated_by");
static struct db_stmt q_rule_save = DB_STMT(DB_CONSOLE,
	"UPDATE anomaly_rules SET threshold = ?, threshold_high = ?, ack_minutes = ?,"
	" resolve_minutes = ?, enabled = ?, updated_at = NOW(), updated_by = ?"
	" WHERE kind = ?");

/* --- shared pieces ----------------------------------------------------- */

struct role {
	const char *name, *title;
	unsigned long perms;
	long long agents;		/* enabled agents holding it */
};

struct roles {
	struct role v[64];
	int n;
};

static int
load_roles(struct req *r, struct roles *rs)
{
	struct db_res res;
	int rc;

	rs->n = 0;
	if ((rc = db_exec(&r->arena, &q_roles, &res, 0, NULL)) != DB_OK)
		return rc;
	while (db_next(&res) && rs->n < (int)NELEM(rs->v)) {
		struct role *o = &rs->v[rs->n++];

		o->name = arena_strdup(&r->arena, db_str(&res, 0));
		o->title = arena_strdup(&r->arena, db_str(&res, 1));
		o->perms = (unsigned long)db_int(&res, 2);
		o->agents = db_int(&res, 3);
	}
	db_done(&res);
	return DB_OK;
}

static const struct role *
find_role(const struct roles *rs, const char *name)
{
	int i;

	for (i = 0; i < rs->n; i++)
		if (strcmp(rs->v[i].name, name) == 0)
			return &rs->v[i];
	return NULL;
}

/* in_list: is name one of the comma-separated names in list? */
static int
in_list(const char *list, const char *name)
{
	size_t n = strlen(name);
	const char *p = list;

	while (p && *p) {
		if (strncmp(p, name, n) == 0 && (p[n] == ',' || p[n] == '\0'))
			return 1;
		p = strchr(p, ',');
		p = p ? p + 1 : NULL;
	}
	return 0;
}

/* role_titles: "客服、主管" for the comma-separated role names in list. */
static char *
role_titles(struct req *r, const struct roles *rs, const char *list)
{
	struct buf b = { 0 };
	char *out;
	int i;

	for (i = 0; list && i < rs->n; i++)
		if (in_list(list, rs->v[i].name))
			buf_printf(&b, "%s%s", b.len ? "、" : "", rs->v[i].title);
	out = arena_strdup(&r->arena, b.p ? b.p : "");
	buf_free(&b);
	return out;
}

/* perm_list: the permissions (name, title) in perms, or every one with
 * `checked` set for those in perms when all is set. */
static int
perm_list(struct req *r, json_object *arr, unsigned long perms, int all)
{
	struct db_res res;
	int rc;

	if ((rc = db_exec(&r->arena, &q_perms, &res, 0, NULL)) != DB_OK)
		return rc;
	while (db_next(&res)) {
		unsigned long bit = 1UL << db_int(&res, 1);
		json_object *e;

		if (!all && !(perms & bit))
			continue;
		e = m_push(arr, m_obj());
		m_str(e, "name", db_str(&res, 0));
		m_str(e, "title", db_str(&res, 2));
		m_bool(e, "checked", (perms & bit) != 0);
	}
	db_done(&res);
	return DB_OK;
}

/* seg_id: the numeric id in the path, or 0. */
static long long
seg_id(struct req *r)
{
	long long id;

	if (parse_i64(r->seg[0], strlen(r->seg[0]), &id) < 0 || id <= 0)
		return 0;
	return id;
}

/* fail: roll back and answer for a failed db call. */
static void
fail(struct req *r, int rc)
{
	db_rollback(DB_CONSOLE);
	r->head_buf.len = 0;	/* no cookie from a session that was not made */
	page_db_error(r, rc);
}

/* admin_left: after the caller's change, inside its transaction (which
 * took admin_lock first): 1 when an enabled person still holds admin; 0
 * when nobody does, and the transaction is rolled back for the caller to
 * say why; -1 when the database failed, answered. */
static int
admin_left(struct req *r)
{
	struct db_res res;
	int rc = DB_ONE(&r->arena, &q_admins, &res, DB_INT(PERM_ADMIN));
	long long n = rc == DB_OK ? db_int(&res, 0) : 0;

	db_done(&res);
	if (rc != DB_OK) {
		fail(r, rc == 1 ? DB_FAIL : rc);
		return -1;
	}
	if (n == 0)
		db_rollback(DB_CONSOLE);
	return n > 0;
}

static int
admin_lock(struct req *r)
{
	struct db_res res;
	int rc = db_one(&r->arena, &q_admin_lock, &res, 0, NULL);

	db_done(&res);
	return rc == 1 ? DB_OK : rc;
}

/* done: back to a page, or {"ok": true, "done": what} for a script. */
static void
done(struct req *r, const char *what, const char *location)
{
	json_object *m;

	if (r->json) {
		m = m_obj();
		m_bool(m, "ok", 1);
		m_str(m, "done", what);
		m_str(m, "location", location);
		resp_json(r, 200, m);
	} else
		resp_redirect(r, location);
}

/* bad: 400 with the field messages on the page's model, or, when the
 * model could not be made (its error page is), just drop them. */
static void
bad(struct req *r, const char *tpl, json_object *m, json_object *errs)
{
	if (m == NULL)
		json_object_put(errs);
	else
		page_bad_input(r, tpl, m, errs);
}

static void
page_home(struct req *r)
{
	resp_redirect(r, url_for(&r->arena, "/admin/agents"));
}

/* --- agents ------------------------------------------------------------ */

/* What the agent forms hold, as typed. */
struct agent_form {
	const char *login, *name, *password, *max_s, *daily_s;
	const char *role[MAX_ROLES];
	int nrole, service;
	long long max_refund, daily_refund;
};

static int
login_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	return n >= 2 && n <= 32 && strspn(s, LOGIN_CHARS) == n;
}

/* money: a limit in yuan as fen, or -1 with the field's message. */
static long long
money(struct req *r, const char *field, const char **typed, json_object *errs)
{
	const char *v;
	long long fen;
	int rc = req_str(r, field, 16, &v);

	*typed = rc == REQ_OK ? v : req_get(r, field);
	if (rc != REQ_OK || parse_yuan(v, &fen) < 0 || fen > LIMIT_MAX_FEN) {
		m_str(errs, field, "金额为 0 到 1,000,000 元，最多两位小数");
		return -1;
	}
	return fen;
}

static void
read_agent_form(struct req *r, const struct roles *rs, struct agent_form *f,
    int creating, json_object *errs)
{
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
		if (f->password ? (why = auth_password_acceptable(f->password)) != NULL :
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
	f->max_refund = money(r, "max_refund", &f->max_s, errs);
	f->daily_refund = money(r, "daily_refund", &f->daily_s, errs);
	if (f->max_refund >= 0 && f->daily_refund >= 0 && f->daily_refund < f->max_refund)
		m_str(errs, "daily_refund", "每日上限不能小于单笔上限");
}

/* role_boxes: every role as a checkbox, ticked when in the list. */
static void
role_boxes(json_object *o, const struct roles *rs, const char *const *names, int n)
{
	json_object *arr = m_add(o, "roles", m_arr());
	int i, k;

	for (i = 0; i < rs->n; i++) {
		json_object *e = m_push(arr, m_obj());
		int on = 0;

		for (k = 0; k < n; k++)
			on |= strcmp(names[k], rs->v[i].name) == 0;
		m_str(e, "name", rs->v[i].name);
		m_str(e, "title", rs->v[i].title);
		m_bool(e, "checked", on);
	}
}

/* agent_json: one row of q_agents / q_agent. */
static void
agent_json(struct req *r, json_object *o, const struct roles *rs, struct db_res *res)
{
	long long id = db_int(res, 0);

	m_int(o, "id", id);
	m_str(o, "login", db_str(res, 1));
	m_str(o, "name", db_str(res, 2));
	m_bool(o, "service", db_int(res, 3) != 0);
	m_bool(o, "disabled", !db_null(res, 4));
	m_str(o, "disabled_at", db_str(res, 4));
	m_str(o, "max_refund", yuan_plain(&r->arena, db_int(res, 5)));
	m_str(o, "daily_refund", yuan_plain(&r->arena, db_int(res, 6)));
	m_str(o, "max_refund_label", yuan(&r->arena, db_int(res, 5)));
	m_str(o, "daily_refund_label", yuan(&r->arena, db_int(res, 6)));
	m_bool(o, "must_change_password", db_int(res, 7) != 0);
	m_str(o, "role_names", db_str(res, 8) ? db_str(res, 8) : "");
	m_str(o, "role_titles", role_titles(r, rs, db_str(res, 8)));
	m_opt(o, "last_login", "has_last_login", db_str(res, 9));
	m_int(o, "sessions", db_int(res, 10));
	m_str(o, "created_at", db_str(res, 11));
	m_str(o, "updated_at", db_str(res, 12));
	m_str(o, "perms", auth_perms_text(&r->arena, (unsigned long)db_int(res, 13)));
	m_bool(o, "me", id == r->sess->agent_id);
	m_str(o, "url", url_for(&r->arena, "/admin/agents/%lld", id));
}

/* agents_model: the list, and the new-agent form (as typed in f, or the
 * defaults); NULL with the error page made on failure. */
static json_object *
agents_model(struct req *r, const struct roles *rs, const struct agent_form *f)
{
	json_object *m = m_obj(), *arr, *nf;
	static const char *const dflt[] = { "agent" };
	struct db_res res;
	int rc;

	m_str(m, "title", "客服账号");
	resp_admin_nav(r, m, "agents");
	if ((rc = DB_EXEC(&r->arena, &q_agents, &res, DB_INT(cfg.idle_timeout),
	    DB_INT(cfg.absolute_timeout))) != DB_OK) {
		json_object_put(m);
		page_db_error(r, rc);
		return NULL;
	}
	arr = m_add(m, "agents", m_arr());
	while (db_next(&res))
		agent_json(r, m_push(arr, m_obj()), rs, &res);
	db_done(&res);
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

static void
page_agents(struct req *r)
{
	struct roles rs;
	json_object *m;
	int rc;

	if ((rc = load_roles(r, &rs)) != DB_OK) {
		page_db_error(r, rc);
		return;
	}
	if ((m = agents_model(r, &rs, NULL)) != NULL)
		resp_page(r, 200, "admin_agents", m);
}

/* roles_text: the form's roles, "agent,lead" (as agent_roles lists them). */
static char *
roles_text(struct req *r, const struct agent_form *f)
{
	struct buf b = { 0 };
	char *out;
	int i;

	for (i = 0; i < f->nrole; i++)
		buf_printf(&b, "%s%s", i ? "," : "", f->role[i]);
	out = arena_strdup(&r->arena, b.p ? b.p : "");
	buf_free(&b);
	return out;
}

static int
set_roles(struct req *r, long long id, const struct agent_form *f)
{
	int i, rc = db_exec(&r->arena, &q_agent_roles_clear, NULL, 1, &DB_INT(id));

	for (i = 0; rc == DB_OK && i < f->nrole; i++)
		rc = DB_EXEC(&r->arena, &q_agent_role_add, NULL, DB_INT(id),
		    DB_STR(f->role[i]));
	return rc;
}

static void
page_agent_new(struct req *r)
{
	json_object *errs = m_obj();
	char hash[AUTH_HASH_LEN], random[33];
	unsigned char raw[16];
	struct agent_form f;
	struct db_res res = { 0 };
	struct roles rs;
	long long id;
	int rc;

	if ((rc = load_roles(r, &rs)) != DB_OK) {
		json_object_put(errs);
		page_db_error(r, rc);
		return;
	}
	read_agent_form(r, &rs, &f, 1, errs);
	if (json_object_object_length(errs) == 0) {
		if (f.password == NULL) {
			/* a service account never signs in: a password nobody knows */
			randombytes_buf(raw, sizeof(raw));
			sodium_bin2hex(random, sizeof(random), raw, sizeof(raw));
		}
		if (auth_hash(f.password ? f.password : random, hash) < 0) {
			json_object_put(errs);
			page_error(r, 500, "内部错误", "The password could not be hashed.");
			return;
		}
		if ((rc = db_begin(DB_CONSOLE)) != DB_OK ||
		    (rc = DB_EXEC(&r->arena, &q_agent_new, &res, DB_STR(f.login),
		    DB_STR(f.name), DB_INT(f.service), DB_STR(hash), DB_INT(!f.service),
		    DB_INT(f.max_refund), DB_INT(f.daily_refund))) != DB_OK) {
			db_rollback(DB_CONSOLE);
			if (rc != DB_DUP) {
				json_object_put(errs);
				page_db_error(r, rc);
				return;
			}
			m_str(errs, "login", "这个账号已经存在");
		}
	}
	if (json_object_object_length(errs)) {
		bad(r, "admin_agents", agents_model(r, &rs, &f), errs);
		return;
	}
	json_object_put(errs);
	id = (long long)res.insert_id;
	if ((rc = set_roles(r, id, &f)) != DB_OK ||
	    (rc = audit(r, "agent_created", NULL, f.login, arena_printf(&r->arena,
	    "id %lld%s; roles %s; limits %s / %s", id, f.service ? ", service account" : "",
	    roles_text(r, &f), yuan_plain(&r->arena, f.max_refund),
	    yuan_plain(&r->arena, f.daily_refund)))) != DB_OK ||
	    (rc = db_commit(DB_CONSOLE)) != DB_OK) {
		fail(r, rc);
		return;
	}
	rlog(r, LOG_INFO, "agent_created", "login=%s", f.login);
	done(r, "agent_created", url_for(&r->arena, "/admin/agents/%lld", id));
}

/* What we know of one agent, for the changes. */
struct agent {
	long long id;
	const char *login, *name, *roles;
	int disabled;
	long long max_refund, daily_refund;
};

/* load_agent: agent id into a, and into o for the page when o is not
 * NULL; 1, or 0 with the page made (404, or the database's error). */
static int
load_agent(struct req *r, const struct roles *rs, long long id, struct agent *a,
    json_object *o)
{
	struct db_res res;
	int rc = DB_ONE(&r->arena, &q_agent, &res, DB_INT(cfg.idle_timeout),
	    DB_INT(cfg.absolute_timeout), DB_INT(id));

	if (rc != DB_OK) {
		db_done(&res);
		if (rc == 1)
			page_error(r, 404, "没有这个账号", "No such agent.");
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
	if (o)
		agent_json(r, o, rs, &res);
	db_done(&res);
	return 1;
}

/* the_agent: the roles, and the agent the path names; 0 with the page
 * made. */
static int
the_agent(struct req *r, struct roles *rs, struct agent *a)
{
	long long id = seg_id(r);
	int rc;

	if (id == 0) {
		page_error(r, 404, "没有这个账号", "No such agent.");
		return 0;
	}
	if ((rc = load_roles(r, rs)) != DB_OK) {
		page_db_error(r, rc);
		return 0;
	}
	return load_agent(r, rs, id, a, NULL);
}

/* agent_model: the page of the agent the path names, its edit form as
 * typed in f (or as the agent is); NULL with the page made. */
static json_object *
agent_model(struct req *r, const struct roles *rs, const struct agent_form *f)
{
	json_object *m = m_obj(), *o;
	const char *names[MAX_ROLES];
	char *list, *save = NULL, *p;
	struct agent a;
	long long id = seg_id(r);
	int n = 0;

	resp_admin_nav(r, m, "agents");
	if (!load_agent(r, rs, id, &a, m_add(m, "agent", m_obj()))) {
		json_object_put(m);
		return NULL;
	}
	m_str(m, "title", arena_printf(&r->arena, "账号 %s", a.login));
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

static void
page_agent(struct req *r)
{
	struct roles rs;
	json_object *m;
	int rc;

	if (seg_id(r) == 0) {
		page_error(r, 404, "没有这个账号", "No such agent.");
		return;
	}
	if ((rc = load_roles(r, &rs)) != DB_OK)
		page_db_error(r, rc);
	else if ((m = agent_model(r, &rs, NULL)) != NULL)
		resp_page(r, 200, "admin_agent", m);
}

/* refuse: the agent's page again, 400, with one message beside a field. */
static void
refuse(struct req *r, const struct roles *rs, const struct agent_form *f,
    const char *field, const char *msg)
{
	json_object *errs = m_obj();

	m_str(errs, field, msg);
	bad(r, "admin_agent", agent_model(r, rs, f), errs);
}

/* same_roles: does the form hold exactly the roles in list? */
static int
same_roles(const struct agent_form *f, const char *list)
{
	int i, n = *list ? 1 : 0;
	const char *p;

	for (p = list; *p; p++)
		n += *p == ',';
	if (n != f->nrole)
		return 0;
	for (i = 0; i < f->nrole; i++)
		if (!in_list(list, f->role[i]))
			return 0;
	return 1;
}

static void
page_agent_edit(struct req *r)
{
	json_object *errs;
	struct agent_form f;
	struct roles rs;
	struct agent a;
	struct buf b = { 0 };
	const char *detail;
	long long id;
	int rc, roles_changed;

	if (!the_agent(r, &rs, &a))
		return;
	id = a.id;
	errs = m_obj();
	read_agent_form(r, &rs, &f, 0, errs);
	if (json_object_object_length(errs)) {
		bad(r, "admin_agent", agent_model(r, &rs, &f), errs);
		return;
	}
	json_object_put(errs);
	roles_changed = !same_roles(&f, a.roles);
	if (strcmp(f.name, a.name) != 0)
		buf_printf(&b, "name %s -> %s; ", a.name, f.name);
	if (roles_changed)
		buf_printf(&b, "roles %s -> %s; ", a.roles, roles_text(r, &f));
	if (f.max_refund != a.max_refund || f.daily_refund != a.daily_refund)
		buf_printf(&b, "limits %s / %s -> %s / %s; ",
		    yuan_plain(&r->arena, a.max_refund), yuan_plain(&r->arena, a.daily_refund),
		    yuan_plain(&r->arena, f.max_refund), yuan_plain(&r->arena, f.daily_refund));
	detail = arena_strdup(&r->arena, b.p ? b.p : "");
	buf_free(&b);
	if (*detail == '\0') {
		done(r, "unchanged", url_for(&r->arena, "/admin/agents/%lld", id));
		return;
	}
	/* New roles end every session of the agent: the change takes effect
	 * at once and a gain of privilege comes with a new session id. */
	if ((rc = db_begin(DB_CONSOLE)) != DB_OK ||
	    (roles_changed && (rc = admin_lock(r)) != DB_OK) ||
	    (rc = DB_EXEC(&r->arena, &q_agent_edit, NULL, DB_STR(f.name),
	    DB_INT(f.max_refund), DB_INT(f.daily_refund), DB_INT(id))) != DB_OK ||
	    (roles_changed && (rc = set_roles(r, id, &f)) != DB_OK) ||
	    (roles_changed && (rc = auth_end_agent_sessions(r, id)) != DB_OK)) {
		fail(r, rc);
		return;
	}
	if (roles_changed && (rc = admin_left(r)) <= 0) {
		if (rc == 0)
			refuse(r, &rs, &f, "role",
			    "不能移除最后一位管理员的管理权限：请先让另一位同事成为管理员。");
		return;
	}
	if ((rc = audit(r, "agent_updated", NULL, a.login, detail)) != DB_OK ||
	    (id == r->sess->agent_id && (rc = auth_renew_session(r)) != DB_OK) ||
	    (rc = db_commit(DB_CONSOLE)) != DB_OK) {
		fail(r, rc);
		return;
	}
	done(r, "agent_updated", url_for(&r->arena, "/admin/agents/%lld", id));
}

/* agent_state: disable or enable the agent the path names. */
static void
agent_state(struct req *r, int disable)
{
	struct roles rs;
	struct agent a;
	struct db_res res;
	long long id;
	int rc;

	if (!the_agent(r, &rs, &a))
		return;
	id = a.id;
	if (disable && id == r->sess->agent_id) {
		refuse(r, &rs, NULL, "disable", "不能停用自己的账号。");
		return;
	}
	/* disabling ends every session and revokes every API token at once,
	 * so enabling the account later brings none of them back */
	if ((rc = db_begin(DB_CONSOLE)) != DB_OK ||
	    (disable && (rc = admin_lock(r)) != DB_OK) ||
	    (rc = DB_EXEC(&r->arena, disable ? &q_agent_disable : &q_agent_enable, &res,
	    DB_INT(id))) != DB_OK) {
		fail(r, rc);
		return;
	}
	if (res.affected != 0 && disable &&
	    ((rc = auth_end_agent_sessions(r, id)) != DB_OK ||
	    (rc = db_exec(&r->arena, &q_agent_tokens_revoke, NULL, 1, &DB_INT(id))) != DB_OK)) {
		fail(r, rc);
		return;
	}
	if (res.affected == 0) {	/* already so */
		db_rollback(DB_CONSOLE);
		done(r, "unchanged", url_for(&r->arena, "/admin/agents/%lld", id));
		return;
	}
	if (disable && (rc = admin_left(r)) <= 0) {
		if (rc == 0)
			refuse(r, &rs, NULL, "disable", "不能停用最后一位管理员。");
		return;
	}
	if ((rc = audit(r, disable ? "agent_disabled" : "agent_enabled", NULL, a.login,
	    NULL)) != DB_OK || (rc = db_commit(DB_CONSOLE)) != DB_OK) {
		fail(r, rc);
		return;
	}
	rlog(r, LOG_INFO, disable ? "agent_disabled" : "agent_enabled", "login=%s", a.login);
	done(r, disable ? "agent_disabled" : "agent_enabled",
	    url_for(&r->arena, "/admin/agents/%lld", id));
}

static void
page_agent_disable(struct req *r)
{
	agent_state(r, 1);
}

static void
page_agent_enable(struct req *r)
{
	agent_state(r, 0);
}

static void
page_agent_password(struct req *r)
{
	const char *pw = req_get(r, "password"), *why;
	char hash[AUTH_HASH_LEN];
	struct roles rs;
	struct agent a;
	long long id;
	int rc;

	if (!the_agent(r, &rs, &a))
		return;
	id = a.id;
	if (id == r->sess->agent_id) {
		refuse(r, &rs, NULL, "password", "自己的密码请在「我的账户」中修改。");
		return;
	}
	if (pw == NULL || (why = auth_password_acceptable(pw)) != NULL) {
		refuse(r, &rs, NULL, "password", pw ? why : "请设置临时密码（8 到 128 个字符）");
		return;
	}
	if (auth_hash(pw, hash) < 0) {
		page_error(r, 500, "内部错误", "The password could not be hashed.");
		return;
	}
	/* the agent must choose a new one at next sign-in (app.c); whoever
	 * holds a session now is signed out */
	if ((rc = db_begin(DB_CONSOLE)) != DB_OK ||
	    (rc = DB_EXEC(&r->arena, &q_agent_password, NULL, DB_STR(hash),
	    DB_INT(id))) != DB_OK ||
	    (rc = auth_end_agent_sessions(r, id)) != DB_OK ||
	    (rc = audit(r, "password_reset", NULL, a.login, "temporary")) != DB_OK ||
	    (rc = db_commit(DB_CONSOLE)) != DB_OK) {
		fail(r, rc);
		return;
	}
	rlog(r, LOG_INFO, "password_reset", "login=%s", a.login);
	done(r, "password_reset", url_for(&r->arena, "/admin/agents/%lld", id));
}

/* --- roles ------------------------------------------------------------- */

/* roles_model: the grid and the new-role form (as typed, or empty). */
static json_object *
roles_model(struct req *r, const struct roles *rs, unsigned long new_perms)
{
	json_object *m = m_obj(), *arr, *rows, *nf;
	struct db_res res;
	const char *v;
	int rc, i, typed;

	m_str(m, "title", "角色与权限");
	resp_admin_nav(r, m, "roles");
	arr = m_add(m, "roles", m_arr());
	for (i = 0; i < rs->n; i++) {
		json_object *e = m_push(arr, m_obj());

		m_str(e, "name", rs->v[i].name);
		m_str(e, "title", rs->v[i].title);
		m_int(e, "agents", rs->v[i].agents);
		m_str(e, "perms", auth_perms_text(&r->arena, rs->v[i].perms));
		m_str(e, "form", arena_printf(&r->arena, "role-%s", rs->v[i].name));
		m_str(e, "action", url_for(&r->arena, "/admin/roles/%s", rs->v[i].name));
	}
	if ((rc = db_exec(&r->arena, &q_perms, &res, 0, NULL)) != DB_OK) {
		json_object_put(m);
		page_db_error(r, rc);
		return NULL;
	}
	rows = m_add(m, "grid", m_arr());
	while (db_next(&res)) {
		json_object *row = m_push(rows, m_obj()), *cells;
		unsigned long bit = 1UL << db_int(&res, 1);

		m_str(row, "perm", db_str(&res, 0));
		m_str(row, "perm_title", db_str(&res, 2));
		cells = m_add(row, "cells", m_arr());
		for (i = 0; i < rs->n; i++) {
			json_object *c = m_push(cells, m_obj());

			m_str(c, "form", arena_printf(&r->arena, "role-%s", rs->v[i].name));
			m_str(c, "role", rs->v[i].name);
			m_bool(c, "on", (rs->v[i].perms & bit) != 0);
			/* the admin role keeps the admin permission */
			m_bool(c, "locked", bit == PERM_ADMIN && strcmp(rs->v[i].name, "admin") == 0);
		}
	}
	db_done(&res);
	nf = m_add(m, "new", m_obj());
	m_str(nf, "action", url_for(&r->arena, "/admin/roles"));
	typed = strcmp(r->method, "POST") == 0 && r->nseg == 0;
	m_str(nf, "name", typed && (v = req_get(r, "name")) ? v : "");
	m_str(nf, "title", typed && (v = req_get(r, "title")) ? v : "");
	if ((rc = perm_list(r, m_add(nf, "perms", m_arr()), new_perms, 1)) != DB_OK) {
		json_object_put(m);
		page_db_error(r, rc);
		return NULL;
	}
	return m;
}

static void
page_roles(struct req *r)
{
	struct roles rs;
	json_object *m;
	int rc;

	if ((rc = load_roles(r, &rs)) != DB_OK) {
		page_db_error(r, rc);
		return;
	}
	if ((m = roles_model(r, &rs, 0)) != NULL)
		resp_page(r, 200, "admin_roles", m);
}

/* read_perms: the perm parameters as bits; -1 on an unknown name. */
static long long
read_perms(struct req *r)
{
	const char *names[PERM_COUNT + 1];
	unsigned long perms = 0;
	int n = req_all(r, "perm", names, PERM_COUNT + 1), i, k;

	if (n < 0)
		return -1;
	for (i = 0; i < n; i++) {
		if ((k = auth_perm_bit(names[i])) < 0)
			return -1;
		perms |= 1UL << k;
	}
	return (long long)perms;
}

static int
set_role_perms(struct req *r, const char *role, unsigned long perms)
{
	int i, rc = DB_EXEC(&r->arena, &q_role_perms_clear, NULL, DB_STR(role));

	for (i = 0; rc == DB_OK && i < PERM_COUNT; i++)
		if (perms & (1UL << i))
			rc = DB_EXEC(&r->arena, &q_role_perm_add, NULL, DB_STR(role),
			    DB_STR(perm_names[i]));
	return rc;
}

/* roles_refuse: the roles page again, 400, with the messages in errs. */
static void
roles_refuse(struct req *r, const struct roles *rs, unsigned long perms,
    json_object *errs)
{
	bad(r, "admin_roles", roles_model(r, rs, perms), errs);
}

static void
page_role_new(struct req *r)
{
	json_object *errs = m_obj();
	const char *name = NULL, *title = NULL;
	long long perms = read_perms(r);
	struct roles rs;
	size_t n;
	int rc;

	if ((rc = load_roles(r, &rs)) != DB_OK) {
		json_object_put(errs);
		page_db_error(r, rc);
		return;
	}
	if (req_str(r, "name", 32, &name) != REQ_OK || (n = strlen(name)) < 2 ||
	    strspn(name, ROLE_CHARS) != n)
		m_str(errs, "name", "角色代码为 2 到 32 个小写字母或 _");
	else if (find_role(&rs, name))
		m_str(errs, "name", "这个角色已经存在");
	if (req_str(r, "title", 64, &title) != REQ_OK)
		m_str(errs, "title", "请填写角色名称（1 到 64 个字）");
	if (perms < 0)
		m_str(errs, "perm", "没有这个权限");
	if (json_object_object_length(errs)) {
		roles_refuse(r, &rs, perms < 0 ? 0 : (unsigned long)perms, errs);
		return;
	}
	json_object_put(errs);
	if ((rc = db_begin(DB_CONSOLE)) != DB_OK ||
	    (rc = DB_EXEC(&r->arena, &q_role_new, NULL, DB_STR(name), DB_STR(title))) != DB_OK ||
	    (rc = set_role_perms(r, name, (unsigned long)perms)) != DB_OK ||
	    (rc = audit(r, "role_created", NULL, name, arena_printf(&r->arena, "%s: %s",
	    title, auth_perms_text(&r->arena, (unsigned long)perms)))) != DB_OK ||
	    (rc = db_commit(DB_CONSOLE)) != DB_OK) {
		fail(r, rc);
		return;
	}
	done(r, "role_created", url_for(&r->arena, "/admin/roles"));
}

/* A role's permissions changed.  Sessions carry their agent's permissions
 * (sessions.perms, worked out at sign-in), so the role's agents' sessions
 * are brought in line in the same transaction:
 *   - a role that only lost permissions: their live sessions get the new,
 *     smaller set in place — the loss is effective at the next request and
 *     nobody is signed out for it;
 *   - a role that gained any permission: their sessions are ended, since a
 *     gain of privilege comes with a new session id (as at sign-in); they
 *     sign in again and get the new set.  The admin making the change, if
 *     they hold the role, gets a new session in this browser.
 * API tokens need nothing: auth.c intersects a token's permissions with
 * its agent's current ones on every request. */
static void
page_role_save(struct req *r)
{
	json_object *errs;
	const struct role *role;
	const char *title = NULL;
	long long perms = read_perms(r);
	unsigned long gained, lost;
	struct roles rs;
	struct buf b = { 0 };
	const char *detail;
	int rc;

	if ((rc = load_roles(r, &rs)) != DB_OK) {
		page_db_error(r, rc);
		return;
	}
	if ((role = find_role(&rs, r->seg[0])) == NULL) {
		page_error(r, 404, "没有这个角色", "No such role.");
		return;
	}
	errs = m_obj();
	if (req_str(r, "title", 64, &title) == REQ_BAD)
		m_str(errs, "role", "角色名称最多 64 个字");
	else if (perms < 0)
		m_str(errs, "role", "没有这个权限");
	else if (strcmp(role->name, "admin") == 0 && !(perms & PERM_ADMIN))
		m_str(errs, "role", "「管理员」角色必须保留「系统管理」权限。");
	if (json_object_object_length(errs)) {
		roles_refuse(r, &rs, 0, errs);
		return;
	}
	if (title == NULL)
		title = role->title;
	gained = (unsigned long)perms & ~role->perms;
	lost = role->perms & ~(unsigned long)perms;
	if (gained)
		buf_printf(&b, "added %s; ", auth_perms_text(&r->arena, gained));
	if (lost)
		buf_printf(&b, "removed %s; ", auth_perms_text(&r->arena, lost));
	if (strcmp(title, role->title) != 0)
		buf_printf(&b, "title %s -> %s; ", role->title, title);
	detail = arena_strdup(&r->arena, b.p ? b.p : "");
	buf_free(&b);
	if (*detail == '\0') {
		json_object_put(errs);
		done(r, "unchanged", url_for(&r->arena, "/admin/roles"));
		return;
	}
	if ((rc = db_begin(DB_CONSOLE)) != DB_OK ||
	    ((lost & PERM_ADMIN) && (rc = admin_lock(r)) != DB_OK) ||
	    (rc = DB_EXEC(&r->arena, &q_role_title, NULL, DB_STR(title),
	    DB_STR(role->name))) != DB_OK ||
	    (rc = set_role_perms(r, role->name, (unsigned long)perms)) != DB_OK ||
	    (gained && (rc = DB_EXEC(&r->arena, &q_role_sessions_end, NULL,
	    DB_STR(role->name))) != DB_OK) ||
	    (!gained && lost && (rc = DB_EXEC(&r->arena, &q_role_sessions_update, NULL,
	    DB_STR(role->name))) != DB_OK)) {
		json_object_put(errs);
		fail(r, rc);
		return;
	}
	if ((lost & PERM_ADMIN) && (rc = admin_left(r)) <= 0) {
		if (rc == 0) {
			m_str(errs, "role", "不能移除最后一位管理员的管理权限。");
			roles_refuse(r, &rs, 0, errs);
		} else
			json_object_put(errs);
		return;
	}
	json_object_put(errs);
	if ((rc = audit(r, "role_updated", NULL, role->name, detail)) != DB_OK ||
	    (gained && (rc = auth_renew_session(r)) != DB_OK) ||
	    (rc = db_commit(DB_CONSOLE)) != DB_OK) {
		fail(r, rc);
		return;
	}
	done(r, "role_updated", url_for(&r->arena, "/admin/roles"));
}

/* --- API tokens -------------------------------------------------------- */

/* tokens_model: every token, and the form (as typed). */
static json_object *
tokens_model(struct req *r, long long agent, unsigned long perms)
{
	json_object *m = m_obj(), *arr, *nf;
	struct db_res res;
	const char *v;
	int rc;

	m_str(m, "title", "API 令牌");
	resp_admin_nav(r, m, "tokens");
	if ((rc = db_exec(&r->arena, &q_tokens, &res, 0, NULL)) != DB_OK)
		goto fail;
	arr = m_add(m, "tokens", m_arr());
	while (db_next(&res)) {
		json_object *e = m_push(arr, m_obj());
		int revoked = db_int(&res, 8) != 0, expired = db_int(&res, 9) != 0;

		m_int(e, "id", db_int(&res, 0));
		m_str(e, "login", db_str(&res, 1));
		m_str(e, "agent_name", db_str(&res, 2));
		m_str(e, "agent_url", url_for(&r->arena, "/admin/agents/%lld", db_int(&res, 12)));
		m_str(e, "name", db_str(&res, 3));
		m_str(e, "perms", auth_perms_text(&r->arena, (unsigned long)db_int(&res, 4)));
		m_str(e, "created_at", db_str(&res, 5));
		m_str(e, "expires_at", db_str(&res, 6));
		m_str(e, "last_used_at", db_str(&res, 7));
		m_str(e, "created_by", db_str(&res, 10));
		m_bool(e, "service", db_int(&res, 11) != 0);
		m_bool(e, "revoked", revoked);
		m_bool(e, "expired", expired && !revoked);
		m_bool(e, "active", !revoked && !expired);
		m_str(e, "revoke_url", url_for(&r->arena, "/admin/tokens/%lld/revoke",
		    db_int(&res, 0)));
	}
	db_done(&res);
	if ((rc = db_exec(&r->arena, &q_services, &res, 0, NULL)) != DB_OK)
		goto fail;
	nf = m_add(m, "new", m_obj());
	arr = m_add(nf, "services", m_arr());
	while (db_next(&res)) {
		json_object *e = m_push(arr, m_obj());

		m_int(e, "id", db_int(&res, 0));
		m_str(e, "login", db_str(&res, 1));
		m_str(e, "name", db_str(&res, 2));
		m_str(e, "perms", auth_perms_text(&r->arena, (unsigned long)db_int(&res, 3)));
		m_bool(e, "selected", db_int(&res, 0) == agent);
	}
	db_done(&res);
	m_bool(nf, "no_services", json_object_array_length(arr) == 0);
	m_str(nf, "action", url_for(&r->arena, "/admin/tokens"));
	m_str(nf, "name", strcmp(r->method, "POST") == 0 &&
	    (v = req_get(r, "name")) ? v : "");
	if ((rc = perm_list(r, m_add(nf, "perms", m_arr()), perms, 1)) != DB_OK)
		goto fail;
	return m;
fail:
	json_object_put(m);
	page_db_error(r, rc);
	return NULL;
}

static void
page_tokens(struct req *r)
{
	json_object *m = tokens_model(r, 0, 0);

	if (m)
		resp_page(r, 200, "admin_tokens", m);
}

static void
page_token_new(struct req *r)
{
	json_object *errs = m_obj(), *m, *t;
	const char *name = NULL, *login = NULL;
	unsigned long perms = 0, allowed = 0;
	long long agent = 0, days = 90;
	struct db_res res;
	int rc;

	/* an enabled service account: its permissions bound the token's */
	if (req_int(r, "agent", 1, INT64_MAX, &agent) == REQ_OK) {
		rc = db_exec(&r->arena, &q_services, &res, 0, NULL);
		while (rc == DB_OK && db_next(&res))
			if (db_int(&res, 0) == agent) {
				login = arena_strdup(&r->arena, db_str(&res, 1));
				allowed = (unsigned long)db_int(&res, 3);
			}
		db_done(&res);
		if (rc != DB_OK) {
			json_object_put(errs);
			page_db_error(r, rc);
			return;
		}
	}
	if (login == NULL)
		m_str(errs, "agent", "请选择一个启用中的服务账号");
	if (!auth_token_form(r, allowed, errs, &name, &days, &perms) || login == NULL) {
		bad(r, "admin_tokens", tokens_model(r, agent, perms), errs);
		return;
	}
	json_object_put(errs);
	if ((rc = auth_issue_token(r, agent, login, name, perms, days, &t)) != DB_OK) {
		page_db_error(r, rc);
		return;
	}
	if ((m = tokens_model(r, 0, 0)) == NULL) {
		json_object_put(t);
		return;
	}
	m_add(m, "new_token", t);		/* the one time it is shown */
	resp_page(r, 201, "admin_tokens", m);
}

static void
page_token_revoke(struct req *r)
{
	long long id = seg_id(r);
	struct db_res res;
	const char *target;
	int rc;

	if (id == 0) {
		page_error(r, 404, "没有这个令牌", "No such token.");
		return;
	}
	if ((rc = db_begin(DB_CONSOLE)) != DB_OK ||
	    (rc = DB_EXEC(&r->arena, &q_token_revoke, &res, DB_INT(id))) != DB_OK) {
		fail(r, rc);
		return;
	}
	if (res.affected == 0) {
		db_rollback(DB_CONSOLE);
		page_error(r, 404, "没有这个令牌", "No such active token.");
		return;
	}
	rc = DB_ONE(&r->arena, &q_token_owner, &res, DB_INT(id));
	target = rc == DB_OK ? arena_strdup(&r->arena, db_str(&res, 0)) : NULL;
	if (rc == DB_OK)
		rc = audit(r, "token_revoked", NULL, target, arena_printf(&r->arena,
		    "id %lld \"%s\"", id, db_str(&res, 1)));
	db_done(&res);
	if (rc != DB_OK || (rc = db_commit(DB_CONSOLE)) != DB_OK) {
		fail(r, rc == 1 ? DB_FAIL : rc);
		return;
	}
	done(r, "token_revoked", url_for(&r->arena, "/admin/tokens"));
}

/* --- anomaly rules ----------------------------------------------------- */

/* How each kind's threshold is typed: unit, seconds (or percent) per unit,
 * bounds in units.  Kinds not here have no threshold. */
static const struct threshold {
	const char *kind, *unit;
	long long scale, min, max;
} thresholds[] = {
	{ "unpaid_timeout", "分钟", 60, 1, 7 * 24 * 60 },
	{ "not_shipped", "小时", 3600, 1, 30 * 24 },
	{ "logistics_stalled", "小时", 3600, 1, 30 * 24 },
	{ "refund_stuck", "小时", 3600, 1, 30 * 24 },
	{ "price_anomaly", "%", 1, 1, 99 },
};

static const struct threshold *
threshold_of(const char *kind)
{
	size_t i;

	for (i = 0; i < NELEM(thresholds); i++)
		if (strcmp(thresholds[i].kind, kind) == 0)
			return &thresholds[i];
	return NULL;
}

static const char *const rule_fields[] = {
	"threshold", "threshold_high", "ack_minutes", "resolve_minutes",
};

/* rules_model: every kind's rule; the row of kind `bad` (may be NULL)
 * shows what was typed and the messages in errs. */
static json_object *
rules_model(struct req *r, const char *bad, json_object *errs)
{
	json_object *m = m_obj(), *arr, *rows[ANOMALY_KINDS];
	struct rule rules[ANOMALY_KINDS];
	struct db_res res;
	int i, rc;
	size_t f;

	m_str(m, "title", "异常规则");
	resp_admin_nav(r, m, "rules");
	if ((rc = rules_load(&r->arena, rules)) != DB_OK ||
	    (rc = db_exec(&r->arena, &q_rules_meta, &res, 0, NULL)) != DB_OK) {
		json_object_put(m);
		page_db_error(r, rc);
		return NULL;
	}
	arr = m_add(m, "rules", m_arr());
	for (i = 0; i < ANOMALY_KINDS; i++) {
		const struct anomaly_kind *k = &anomaly_kinds[i];
		const struct threshold *t = threshold_of(k->code);
		json_object *e = rows[i] = m_push(arr, m_obj()), *b;
		int typed = bad && strcmp(bad, k->code) == 0;
		const char *v;

		m_str(e, "kind", k->code);
		m_str(e, "label", k->label);
		m_str(e, "action", url_for(&r->arena, "/admin/rules/%s", k->code));
		m_bool(e, "has_threshold", t != NULL);
		m_bool(e, "is_price", t && t->scale == 1);
		m_bool(e, "timed", t && t->scale != 1);
		m_bool(e, "no_threshold", t == NULL);
		m_str(e, "unit", t ? t->unit : "");
		m_int(e, "threshold_value", rules[i].threshold);
		m_int(e, "threshold_min", t ? t->min : 0);
		m_int(e, "threshold_max", t ? t->max : 0);
		if (typed) {
			for (f = 0; f < NELEM(rule_fields); f++)
				m_str(e, rule_fields[f], (v = req_get(r, rule_fields[f])) ? v : "");
			m_bool(e, "enabled", (v = req_get(r, "enabled")) && strcmp(v, "1") == 0);
			b = m_add(e, "bad", m_obj());
			json_object_object_foreach(errs, field, msg) {
				json_object *x = m_obj();
				char key[64];

				snprintf(key, sizeof(key), "bad_%s", field);
				m_str(x, "message", json_object_get_string(msg));
				json_object_object_add(b, key, x);
			}
		} else {
			m_str(e, "threshold", t ? arena_printf(&r->arena, "%lld",
			    rules[i].threshold / t->scale) : "");
			m_str(e, "threshold_high", arena_printf(&r->arena, "%lld",
			    rules[i].threshold_high));
			m_str(e, "ack_minutes", arena_printf(&r->arena, "%lld",
			    rules[i].ack_minutes));
			m_str(e, "resolve_minutes", arena_printf(&r->arena, "%lld",
			    rules[i].resolve_minutes));
			m_bool(e, "enabled", rules[i].enabled);
		}
	}
	while (db_next(&res)) {
		const struct anomaly_kind *k = anomaly_kind(db_str(&res, 0));

		if (k == NULL)
			continue;
		i = (int)(k - anomaly_kinds);
		m_str(rows[i], "updated_at", db_str(&res, 1));
		m_str(rows[i], "updated_by", db_str(&res, 2));
	}
	db_done(&res);
	return m;
}

static void
page_rules(struct req *r)
{
	json_object *m = rules_model(r, NULL, NULL);

	if (m)
		resp_page(r, 200, "admin_rules", m);
}

/* rule_int: a whole number within bounds, or -1 with its message. */
static long long
rule_int(struct req *r, const char *field, long long min, long long max,
    const char *what, json_object *errs)
{
	long long v;

	if (req_int(r, field, min, max, &v) != REQ_OK) {
		m_str(errs, field, arena_printf(&r->arena, "%s为 %lld 到 %lld 的整数",
		    what, min, max));
		return -1;
	}
	return v;
}

static void
page_rule_save(struct req *r)
{
	const struct anomaly_kind *k = anomaly_kind(r->seg[0]);
	const struct threshold *t;
	struct rule rules[ANOMALY_KINDS], *cur, nu;
	json_object *errs;
	struct buf b = { 0 };
	const char *v, *detail;
	int rc;

	if (k == NULL) {
		page_error(r, 404, "没有这种异常", "No such anomaly kind.");
		return;
	}
	if ((rc = rules_load(&r->arena, rules)) != DB_OK) {
		page_db_error(r, rc);
		return;
	}
	cur = &rules[k - anomaly_kinds];
	nu = *cur;
	t = threshold_of(k->code);
	errs = m_obj();
	if (t && t->scale == 1) {
		nu.threshold = rule_int(r, "threshold", t->min, t->max, "低价阈值（%）", errs);
		nu.threshold_high = rule_int(r, "threshold_high", PRICE_HIGH_MIN,
		    PRICE_HIGH_MAX, "高价阈值（%）", errs);
	} else if (t) {
		nu.threshold = rule_int(r, "threshold", t->min, t->max,
		    arena_printf(&r->arena, "阈值（%s）", t->unit), errs);
		if (nu.threshold > 0)
			nu.threshold *= t->scale;
	}
	nu.ack_minutes = rule_int(r, "ack_minutes", 1, SLA_MAX, "响应时限（分钟）", errs);
	nu.resolve_minutes = rule_int(r, "resolve_minutes", 1, SLA_MAX, "解决时限（分钟）", errs);
	if (nu.ack_minutes > 0 && nu.resolve_minutes > 0 && nu.ack_minutes > nu.resolve_minutes)
		m_str(errs, "ack_minutes", "响应时限不能长于解决时限");
	nu.enabled = (v = req_get(r, "enabled")) != NULL && strcmp(v, "1") == 0;
	if (json_object_object_length(errs)) {
		bad(r, "admin_rules", rules_model(r, k->code, errs), errs);
		return;
	}
	json_object_put(errs);
	if (nu.threshold != cur->threshold)
		buf_printf(&b, "threshold %lld -> %lld; ", cur->threshold, nu.threshold);
	if (t && t->scale == 1 && nu.threshold_high != cur->threshold_high)
		buf_printf(&b, "threshold_high %lld -> %lld; ", cur->threshold_high,
		    nu.threshold_high);
	if (nu.ack_minutes != cur->ack_minutes)
		buf_printf(&b, "ack_minutes %lld -> %lld; ", cur->ack_minutes, nu.ack_minutes);
	if (nu.resolve_minutes != cur->resolve_minutes)
		buf_printf(&b, "resolve_minutes %lld -> %lld; ", cur->resolve_minutes,
		    nu.resolve_minutes);
	if (nu.enabled != cur->enabled)
		buf_puts(&b, nu.enabled ? "enabled; " : "disabled; ");
	detail = arena_strdup(&r->arena, b.p ? b.p : "");
	buf_free(&b);
	if (*detail == '\0') {
		done(r, "unchanged", url_for(&r->arena, "/admin/rules"));
		return;
	}
	if ((rc = db_begin(DB_CONSOLE)) != DB_OK ||
	    (rc = DB_EXEC(&r->arena, &q_rule_save, NULL, DB_INT(nu.threshold),
	    t && t->scale == 1 ? DB_INT(nu.threshold_high) : DB_NULL,
	    DB_INT(nu.ack_minutes), DB_INT(nu.resolve_minutes), DB_INT(nu.enabled),
	    DB_INT(r->sess->agent_id), DB_STR(k->code))) != DB_OK ||
	    (rc = audit(r, "rule_updated", NULL, k->code, detail)) != DB_OK ||
	    (rc = db_commit(DB_CONSOLE)) != DB_OK) {
		fail(r, rc);
		return;
	}
	done(r, "rule_updated", url_for(&r->arena, "/admin/rules"));
}

static const struct route routes[] = {
	{ "GET", "/admin", PERM_ADMIN, page_home },
	{ "GET", "/admin/agents", PERM_ADMIN, page_agents },
	{ "POST", "/admin/agents", PERM_ADMIN, page_agent_new },
	{ "GET", "/admin/agents/*", PERM_ADMIN, page_agent },
	{ "POST", "/admin/agents/*", PERM_ADMIN, page_agent_edit },
	{ "POST", "/admin/agents/*/disable", PERM_ADMIN, page_agent_disable },
	{ "POST", "/admin/agents/*/enable", PERM_ADMIN, page_agent_enable },
	{ "POST", "/admin/agents/*/password", PERM_ADMIN, page_agent_password },
	{ "GET", "/admin/roles", PERM_ADMIN, page_roles },
	{ "POST", "/admin/roles", PERM_ADMIN, page_role_new },
	{ "POST", "/admin/roles/*", PERM_ADMIN, page_role_save },
	{ "GET", "/admin/tokens", PERM_ADMIN, page_tokens },
	{ "POST", "/admin/tokens", PERM_ADMIN, page_token_new },
	{ "POST", "/admin/tokens/*/revoke", PERM_ADMIN, page_token_revoke },
	{ "GET", "/admin/rules", PERM_MANAGE_RULES, page_rules },
	{ "POST", "/admin/rules/*", PERM_MANAGE_RULES, page_rule_save },
	{ NULL, NULL, 0, NULL },
};

int
main(int argc, char **argv)
{
	return app_main(argc, argv, "admin", routes, NULL);
}
