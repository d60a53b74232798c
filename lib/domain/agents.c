/* agents.c: agents, their roles and permissions, and passwords (see
 * agents.h) */
#include <string.h>

#include "core/buf.h"
#include "core/db.h"
#include "core/text.h"
#include "core/util.h"
#include "domain/agents.h"
#include "domain/audit.h"
#include "domain/sessions.h"

const struct label perm_labels[PERM_COUNT + 1] = {
	{ "view_orders", "查看订单", "gray" },
	{ "view_pii", "查看完整个人信息", "gray" },
	{ "act_cancel", "取消订单", "gray" },
	{ "act_refund", "退款", "gray" },
	{ "act_compensate", "补偿", "gray" },
	{ "act_address", "修改地址", "gray" },
	{ "act_price", "修改价格", "gray" },
	{ "act_sms", "发送短信", "gray" },
	{ "call_request", "发起外呼", "gray" },
	{ "run_campaign", "外呼任务", "gray" },
	{ "approve", "审批", "gray" },
	{ "manage_rules", "管理规则", "gray" },
	{ "view_reports", "查看报表", "gray" },
	{ "admin", "系统管理", "gray" },
	{ "act_restock", "申请补货", "gray" },
	{ "manage_automation", "管理自动处理与通知", "gray" },
	{ NULL, NULL, NULL },
};

static struct db_stmt q_new = DB_STMT(DB_CONSOLE,
	"INSERT INTO agents (login, display_name, service, password_hash,"
	" must_change_password, max_refund, daily_refund, created_at, updated_at)"
	" VALUES (?, ?, ?, ?, ?, IFNULL(?, DEFAULT(max_refund)),"
	" IFNULL(?, DEFAULT(daily_refund)), NOW(), NOW())");
static struct db_stmt q_agent = DB_STMT(DB_CONSOLE,
	"SELECT login, display_name, max_refund, daily_refund,"
	" (SELECT GROUP_CONCAT(ar.role ORDER BY ar.role) FROM agent_roles ar"
	"  WHERE ar.agent_id = a.id)"
	" FROM agents a WHERE id = ? FOR UPDATE");
static struct db_stmt q_by_login = DB_STMT(DB_CONSOLE,
	"SELECT id FROM agents WHERE login = ?");
static struct db_stmt q_edit = DB_STMT(DB_CONSOLE,
	"UPDATE agents SET display_name = ?, max_refund = ?, daily_refund = ?,"
	" updated_at = NOW() WHERE id = ?");
static struct db_stmt q_disable = DB_STMT(DB_CONSOLE,
	"UPDATE agents SET disabled_at = NOW(), updated_at = NOW()"
	" WHERE id = ? AND disabled_at IS NULL");
static struct db_stmt q_enable = DB_STMT(DB_CONSOLE,
	"UPDATE agents SET disabled_at = NULL, updated_at = NOW()"
	" WHERE id = ? AND disabled_at IS NOT NULL");
static struct db_stmt q_password = DB_STMT(DB_CONSOLE,
	"UPDATE agents SET password_hash = ?, must_change_password = ?,"
	" updated_at = NOW() WHERE id = ?");
static struct db_stmt q_tokens_revoke = DB_STMT(DB_CONSOLE,
	"UPDATE api_tokens SET revoked_at = NOW() WHERE agent_id = ? AND revoked_at IS NULL");
static struct db_stmt q_roles_clear = DB_STMT(DB_CONSOLE,
	"DELETE FROM agent_roles WHERE agent_id = ?");
static struct db_stmt q_role_add = DB_STMT(DB_CONSOLE,
	"INSERT INTO agent_roles (agent_id, role) VALUES (?, ?)");
static struct db_stmt q_role_exists = DB_STMT(DB_CONSOLE,
	"SELECT 1 FROM roles WHERE name = ?");
/* The titles of a comma-separated list of roles, for the audit log. */
static struct db_stmt q_role_titles = DB_STMT(DB_CONSOLE,
	"SELECT COALESCE(GROUP_CONCAT(title ORDER BY name SEPARATOR '、'), '')"
	" FROM roles WHERE FIND_IN_SET(name, ?)");

/* The lock every change that could leave no admin takes first, then the
 * count it checks before its caller commits. */
static struct db_stmt q_admin_lock = DB_STMT(DB_CONSOLE,
	"SELECT name FROM roles WHERE name = 'admin' FOR UPDATE");
static struct db_stmt q_admins = DB_STMT(DB_CONSOLE,
	"SELECT COUNT(*) FROM agents a WHERE a.disabled_at IS NULL AND a.service = 0"
	" AND " PERMS_OF("a.id") " & ? <> 0");

static struct db_stmt q_role = DB_STMT(DB_CONSOLE,
	"SELECT r.title, (SELECT COALESCE(BIT_OR(1 << p.bit), 0) FROM role_permissions rp"
	"  JOIN permissions p ON p.name = rp.permission WHERE rp.role = r.name)"
	" FROM roles r WHERE r.name = ? FOR UPDATE");
static struct db_stmt q_role_new = DB_STMT(DB_CONSOLE,
	"INSERT INTO roles (name, title, created_at) VALUES (?, ?, NOW())");
static struct db_stmt q_role_title = DB_STMT(DB_CONSOLE,
	"UPDATE roles SET title = ? WHERE name = ?");
static struct db_stmt q_role_perms_clear = DB_STMT(DB_CONSOLE,
	"DELETE FROM role_permissions WHERE role = ?");
static struct db_stmt q_role_perm_add = DB_STMT(DB_CONSOLE,
	"INSERT INTO role_permissions (role, permission) VALUES (?, ?)");
static struct db_stmt q_role_sessions_update = DB_STMT(DB_CONSOLE,
	"UPDATE sessions s SET s.perms = " PERMS_OF("s.agent_id")
	" WHERE s.revoked_at IS NULL"
	" AND s.agent_id IN (SELECT agent_id FROM agent_roles WHERE role = ?)");
static struct db_stmt q_role_sessions_end = DB_STMT(DB_CONSOLE,
	"UPDATE sessions SET revoked_at = NOW() WHERE revoked_at IS NULL"
	" AND agent_id IN (SELECT agent_id FROM agent_roles WHERE role = ?)");

/* --- permissions and passwords ------------------------------------------- */

int
perm_bit(const char *name)
{
	int k;

	for (k = 0; k < PERM_COUNT; k++)
		if (strcmp(name, perm_labels[k].code) == 0)
			return k;
	return -1;
}

/* perms_join: the codes or the titles of the bits in perms, joined. */
static char *
perms_join(struct arena *a, unsigned long perms, int titles, const char *sep,
    const char *none)
{
	struct buf b = { 0 };
	char *out;
	int i;

	for (i = 0; i < PERM_COUNT; i++)
		if (perms & (1UL << i))
			buf_printf(&b, "%s%s", b.len ? sep : "",
			    titles ? perm_labels[i].label : perm_labels[i].code);
	out = arena_strdup(a, b.p ? b.p : none);
	buf_free(&b);
	return out;
}

char *
perms_text(struct arena *a, unsigned long perms)
{
	return perms_join(a, perms, 0, ", ", "");
}

char *
perms_titles(struct arena *a, unsigned long perms)
{
	return perms_join(a, perms, 1, "、", "无");
}

int
password_hash(const char *password, char out[PASSWORD_HASH_LEN])
{
	return crypto_pwhash_str(out, password, strlen(password),
	    crypto_pwhash_OPSLIMIT_INTERACTIVE,
	    crypto_pwhash_MEMLIMIT_INTERACTIVE) == 0 ? 0 : -1;
}

int
password_verify(const char *password, const char *hash, int *rehash)
{
	*rehash = 0;
	if (crypto_pwhash_str_verify(hash, password, strlen(password)) != 0)
		return 0;
	*rehash = crypto_pwhash_str_needs_rehash(hash,
	    crypto_pwhash_OPSLIMIT_INTERACTIVE,
	    crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0;
	return 1;
}

const char *
password_acceptable(const char *pw)
{
	size_t n = strlen(pw), chars;

	if (!utf8_valid(pw, n))
		return "密码含有无效的字符";
	chars = utf8_len(pw, n);
	if (chars < PASSWORD_MIN)
		return "密码至少 8 个字符";
	if (chars > PASSWORD_MAX)
		return "密码最多 128 个字符";
	return NULL;
}

/* --- agents ---------------------------------------------------------------- */

static int
admin_lock(struct arena *a)
{
	struct db_res res;
	int rc = db_one(a, &q_admin_lock, &res, 0, NULL);

	db_done(&res);
	return rc == DB_NOROW ? DB_OK : rc;
}

/* admin_left: after a change, inside its transaction (which took
 * admin_lock first): DOM_OK when an enabled person still holds admin,
 * else LAST_ADMIN (the caller rolls back). */
static int
admin_left(struct arena *a)
{
	struct db_res res;
	int rc = DB_ONE(a, &q_admins, &res, DB_INT(PERM_ADMIN));
	long long n = rc == DB_OK ? db_int(&res, 0) : 0;

	db_done(&res);
	if (rc != DB_OK)
		return rc == DB_NOROW ? DB_FAIL : rc;
	return n > 0 ? DOM_OK : LAST_ADMIN;
}

/* set_roles: agent id holds exactly the roles given. */
static int
set_roles(struct arena *a, long long id, const char *const *roles, int n)
{
	struct db_res res;
	int i, rc = DB_EXEC(a, &q_roles_clear, NULL, DB_INT(id));

	for (i = 0; rc == DB_OK && i < n; i++) {
		rc = DB_ONE(a, &q_role_exists, &res, DB_STR(roles[i]));
		db_done(&res);
		if (rc == DB_NOROW)
			return ROLE_MISSING;
		if (rc == DB_OK)
			rc = DB_EXEC(a, &q_role_add, NULL, DB_INT(id), DB_STR(roles[i]));
	}
	return rc;
}

/* roles_text: "agent,lead", as agent_roles lists them. */
static char *
roles_text(struct arena *a, const char *const *roles, int n)
{
	struct buf b = { 0 };
	char *out;
	int i;

	for (i = 0; i < n; i++)
		buf_printf(&b, "%s%s", i ? "," : "", roles[i]);
	out = arena_strdup(a, b.p ? b.p : "");
	buf_free(&b);
	return out;
}

/* role_titles: the roles of a list as agents read them, "客服、客服主管"
 * ("无" for none); *rc gets the statement's result. */
static const char *
role_titles(struct arena *a, const char *list, int *rc)
{
	struct db_res res;
	const char *out = "无";

	*rc = DB_ONE(a, &q_role_titles, &res, DB_STR(list));
	if (*rc == DB_OK && *db_str(&res, 0))
		out = arena_strdup(a, db_str(&res, 0));
	db_done(&res);
	if (*rc == DB_NOROW)
		*rc = DB_OK;
	return out;
}

/* same_roles: do roles hold exactly the names in list? */
static int
same_roles(const char *const *roles, int nroles, const char *list)
{
	int i, n = *list ? 1 : 0;
	const char *p;

	for (p = list; *p; p++)
		n += *p == ',';
	if (n != nroles)
		return 0;
	for (i = 0; i < nroles; i++)
		if (!str_in_list(list, roles[i]))
			return 0;
	return 1;
}

static const char *
limit(struct arena *a, long long fen)
{
	return fen < 0 ? "默认" : yuan_plain(a, fen);
}

int
agent_create(struct arena *a, const struct actor *who, const struct agent_new *n,
    long long *id)
{
	char hash[PASSWORD_HASH_LEN], random[33];
	unsigned char raw[16];
	struct db_res res;
	const char *titles;
	int rc;

	if (n->password == NULL) {
		/* a service account never signs in: a password nobody knows */
		randombytes_buf(raw, sizeof(raw));
		sodium_bin2hex(random, sizeof(random), raw, sizeof(raw));
	}
	if (password_hash(n->password ? n->password : random, hash) < 0)
		return DB_FAIL;
	rc = DB_EXEC(a, &q_new, &res, DB_STR(n->login), DB_STR(n->name), DB_INT(n->service),
	    DB_STR(hash), DB_INT(n->temporary),
	    n->max_refund >= 0 ? DB_INT(n->max_refund) : DB_NULL,
	    n->daily_refund >= 0 ? DB_INT(n->daily_refund) : DB_NULL);
	if (rc != DB_OK)
		return rc == DB_DUP ? AGENT_EXISTS : rc;
	*id = (long long)res.insert_id;
	if ((rc = set_roles(a, *id, n->roles, n->nroles)) != DB_OK)
		return rc;
	titles = role_titles(a, roles_text(a, n->roles, n->nroles), &rc);
	if (rc != DB_OK)
		return rc;
	return audit(a, who, "agent_created", NULL, n->login, arena_printf(a,
	    "编号 %lld%s；角色 %s；单笔上限 %s，每日上限 %s", *id,
	    n->service ? "，服务账号" : "", titles, limit(a, n->max_refund),
	    limit(a, n->daily_refund)));
}

int
agent_by_login(struct arena *a, const char *login, long long *id)
{
	struct db_res res;
	int rc = DB_ONE(a, &q_by_login, &res, DB_STR(login));

	if (rc == DB_OK)
		*id = db_int(&res, 0);
	db_done(&res);
	return rc == DB_NOROW ? AGENT_MISSING : rc;
}

/* What agent_update compares with. */
struct current {
	const char *login, *name, *roles;
	long long max_refund, daily_refund;
};

static int
current(struct arena *a, long long id, struct current *c)
{
	struct db_res res;
	int rc = DB_ONE(a, &q_agent, &res, DB_INT(id));

	if (rc == DB_OK) {
		c->login = arena_strdup(a, db_str(&res, 0));
		c->name = arena_strdup(a, db_str(&res, 1));
		c->max_refund = db_null(&res, 2) ? -1 : db_int(&res, 2);
		c->daily_refund = db_null(&res, 3) ? -1 : db_int(&res, 3);
		c->roles = arena_strdup(a, db_str(&res, 4) ? db_str(&res, 4) : "");
	}
	db_done(&res);
	return rc == DB_NOROW ? AGENT_MISSING : rc;
}

int
agent_update(struct arena *a, const struct actor *who, long long id,
    const struct agent_edit *e, int *changed)
{
	struct current c;
	struct buf b = { 0 };
	const char *name, *detail;
	long long max, daily;
	int rc, roles_changed;

	*changed = 0;
	if ((rc = current(a, id, &c)) != DB_OK)
		return rc;
	name = e->name ? e->name : c.name;
	max = e->max_refund >= 0 ? e->max_refund : c.max_refund;
	daily = e->daily_refund >= 0 ? e->daily_refund : c.daily_refund;
	roles_changed = e->roles && !same_roles(e->roles, e->nroles, c.roles);
	if (strcmp(name, c.name) != 0)
		buf_printf(&b, "姓名 %s → %s；", c.name, name);
	if (roles_changed) {
		const char *was = role_titles(a, c.roles, &rc), *now;

		if (rc != DB_OK || (now = role_titles(a, roles_text(a, e->roles, e->nroles),
		    &rc), rc != DB_OK)) {
			buf_free(&b);
			return rc;
		}
		buf_printf(&b, "角色 %s → %s；", was, now);
	}
	if (max != c.max_refund || daily != c.daily_refund)
		buf_printf(&b, "单笔上限 %s → %s，每日上限 %s → %s；", limit(a, c.max_refund),
		    limit(a, max), limit(a, c.daily_refund), limit(a, daily));
	detail = arena_strdup(a, b.p ? b.p : "");
	buf_free(&b);
	if (*detail == '\0')
		return DOM_OK;
	*changed = 1;
	/* New roles end every session of the agent: the change takes effect
	 * at once and a gain of privilege comes with a new session id. */
	if ((roles_changed && (rc = admin_lock(a)) != DB_OK) ||
	    (rc = DB_EXEC(a, &q_edit, NULL, DB_STR(name), max >= 0 ? DB_INT(max) : DB_NULL,
	    daily >= 0 ? DB_INT(daily) : DB_NULL, DB_INT(id))) != DB_OK ||
	    (roles_changed && (rc = set_roles(a, id, e->roles, e->nroles)) != DB_OK) ||
	    (roles_changed && (rc = sessions_end_agent(a, id)) != DB_OK) ||
	    (roles_changed && (rc = admin_left(a)) != DOM_OK))
		return rc;
	return audit(a, who, "agent_updated", NULL, c.login, detail);
}

int
agent_set_disabled(struct arena *a, const struct actor *who, long long id,
    int disable, int *changed)
{
	struct current c;
	struct db_res res;
	int rc;

	*changed = 0;
	if ((rc = current(a, id, &c)) != DB_OK)
		return rc;
	if (disable && who->agent_id == id)
		return AGENT_SELF;
	/* disabling ends every session and revokes every API token at once,
	 * so enabling the account later brings none of them back */
	if ((disable && (rc = admin_lock(a)) != DB_OK) ||
	    (rc = DB_EXEC(a, disable ? &q_disable : &q_enable, &res, DB_INT(id))) != DB_OK)
		return rc;
	if (res.affected == 0)
		return DOM_OK;		/* already so */
	*changed = 1;
	if (disable && ((rc = sessions_end_agent(a, id)) != DB_OK ||
	    (rc = DB_EXEC(a, &q_tokens_revoke, NULL, DB_INT(id))) != DB_OK ||
	    (rc = admin_left(a)) != DOM_OK))
		return rc;
	return audit(a, who, disable ? "agent_disabled" : "agent_enabled", NULL, c.login, NULL);
}

int
agent_set_password(struct arena *a, const struct actor *who, long long id,
    const char *password, int temporary)
{
	char hash[PASSWORD_HASH_LEN];
	struct current c;
	int rc, own = who->agent_id == id;

	if ((rc = current(a, id, &c)) != DB_OK)
		return rc;
	if (password_hash(password, hash) < 0)
		return DB_FAIL;
	if ((rc = DB_EXEC(a, &q_password, NULL, DB_STR(hash), DB_INT(temporary),
	    DB_INT(id))) != DB_OK ||
	    (rc = sessions_end_agent(a, id)) != DB_OK)
		return rc;
	return audit(a, who, own ? "password_changed" : "password_reset", NULL, c.login,
	    temporary ? "临时密码，下次登录时须修改" : NULL);
}

/* --- roles ------------------------------------------------------------------ */

static int
set_role_perms(struct arena *a, const char *role, unsigned long perms)
{
	int i, rc = DB_EXEC(a, &q_role_perms_clear, NULL, DB_STR(role));

	for (i = 0; rc == DB_OK && i < PERM_COUNT; i++)
		if (perms & (1UL << i))
			rc = DB_EXEC(a, &q_role_perm_add, NULL, DB_STR(role),
			    DB_STR(perm_labels[i].code));
	return rc;
}

int
role_create(struct arena *a, const struct actor *who, const char *name,
    const char *title, unsigned long perms)
{
	int rc = DB_EXEC(a, &q_role_new, NULL, DB_STR(name), DB_STR(title));

	if (rc != DB_OK)
		return rc == DB_DUP ? ROLE_EXISTS : rc;
	if ((rc = set_role_perms(a, name, perms)) != DB_OK)
		return rc;
	return audit(a, who, "role_created", NULL, name, arena_printf(a, "%s：%s", title,
	    perms_titles(a, perms)));
}

/* A role's permissions changed.  Sessions carry their agent's permissions
 * (sessions.perms, worked out at sign-in), so the role's agents' sessions
 * are brought in line in the same transaction:
 *   - a role that only lost permissions: their live sessions get the new,
 *     smaller set in place — the loss is effective at the next request and
 *     nobody is signed out for it;
 *   - a role that gained any permission: their sessions are ended, since a
 *     gain of privilege comes with a new session id (as at sign-in); they
 *     sign in again and get the new set.
 * API tokens need nothing: a token's permissions are intersected with its
 * agent's current ones on every request (sessions.c). */
int
role_update(struct arena *a, const struct actor *who, const char *name,
    const char *title, unsigned long perms, unsigned long *gained, int *changed)
{
	struct db_res res;
	struct buf b = { 0 };
	const char *old_title, *detail;
	unsigned long old, lost;
	int rc;

	*gained = 0;
	*changed = 0;
	rc = DB_ONE(a, &q_role, &res, DB_STR(name));
	if (rc != DB_OK) {
		db_done(&res);
		return rc == DB_NOROW ? ROLE_MISSING : rc;
	}
	old_title = arena_strdup(a, db_str(&res, 0));
	old = (unsigned long)db_int(&res, 1);
	db_done(&res);
	if (title == NULL)
		title = old_title;
	if (strcmp(name, "admin") == 0 && !(perms & PERM_ADMIN))
		return ROLE_KEEPS_ADMIN;
	*gained = perms & ~old;
	lost = old & ~perms;
	if (*gained)
		buf_printf(&b, "增加权限 %s；", perms_titles(a, *gained));
	if (lost)
		buf_printf(&b, "去掉权限 %s；", perms_titles(a, lost));
	if (strcmp(title, old_title) != 0)
		buf_printf(&b, "名称 %s → %s；", old_title, title);
	detail = arena_strdup(a, b.p ? b.p : "");
	buf_free(&b);
	if (*detail == '\0')
		return DOM_OK;
	*changed = 1;
	if (((lost & PERM_ADMIN) && (rc = admin_lock(a)) != DB_OK) ||
	    (rc = DB_EXEC(a, &q_role_title, NULL, DB_STR(title), DB_STR(name))) != DB_OK ||
	    (rc = set_role_perms(a, name, perms)) != DB_OK ||
	    (*gained && (rc = DB_EXEC(a, &q_role_sessions_end, NULL, DB_STR(name))) != DB_OK) ||
	    (!*gained && lost && (rc = DB_EXEC(a, &q_role_sessions_update, NULL,
	    DB_STR(name))) != DB_OK) ||
	    ((lost & PERM_ADMIN) && (rc = admin_left(a)) != DOM_OK))
		return rc;
	return audit(a, who, "role_updated", NULL, name, detail);
}
