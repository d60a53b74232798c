/* auth.c: sessions, CSRF, passwords and permissions (see auth.h) */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "audit.h"
#include "auth.h"
#include "cfg.h"
#include "db.h"
#include "model.h"
#include "resp.h"
#include "util.h"

#define SESSION_COOKIE "om_sid"
#define TOKEN_PREFIX "om_"		/* API tokens: om_ + 43 characters */
#define LOGIN_FREE 5			/* failures before delays, per login */
#define ADDR_FREE 20			/* ... per address */
#define MAX_DELAY 900			/* seconds */
#define PRE_COOKIE "om_pre"
#define TOKEN_BYTES 32
#define TOKEN_CHARS 43		/* base64url of 32 bytes, no padding */

const char *const perm_names[PERM_COUNT] = {
	"view_orders", "view_pii", "act_cancel", "act_refund",
	"act_compensate", "act_address", "act_price", "act_sms",
	"call_request", "run_campaign", "approve", "manage_rules",
	"view_reports", "admin",
};

static struct db_stmt q_session = DB_STMT(DB_CONSOLE,
	"SELECT s.id, s.agent_id, a.login, a.display_name, s.csrf_token,"
	" a.must_change_password,"
	" TIMESTAMPDIFF(SECOND, s.last_seen_at, NOW()), s.perms"
	" FROM sessions s JOIN agents a ON a.id = s.agent_id"
	" WHERE s.token_hash = ? AND s.revoked_at IS NULL"
	" AND a.disabled_at IS NULL"
	" AND s.last_seen_at > NOW() - INTERVAL ? SECOND"
	" AND s.created_at > NOW() - INTERVAL ? SECOND");
static struct db_stmt q_touch = DB_STMT(DB_CONSOLE,
	"UPDATE sessions SET last_seen_at = NOW() WHERE id = ?");
static struct db_stmt q_new = DB_STMT(DB_CONSOLE,
	"INSERT INTO sessions (token_hash, agent_id, csrf_token, perms, created_at,"
	" last_seen_at, ip, user_agent) VALUES (?, ?, ?, ?, NOW(), NOW(), ?, ?)");
static struct db_stmt q_agent = DB_STMT(DB_CONSOLE,
	"SELECT a.login, a.display_name, a.must_change_password,"
	" (SELECT COALESCE(BIT_OR(1 << p.bit), 0) FROM agent_roles ar"
	"   JOIN role_permissions rp ON rp.role = ar.role"
	"   JOIN permissions p ON p.name = rp.permission"
	"  WHERE ar.agent_id = a.id)"
	" FROM agents a WHERE a.id = ?");
static struct db_stmt q_bearer = DB_STMT(DB_CONSOLE,
	"SELECT t.id, t.agent_id, a.login, a.display_name,"
	" t.perms & (SELECT COALESCE(BIT_OR(1 << p.bit), 0) FROM agent_roles ar"
	"   JOIN role_permissions rp ON rp.role = ar.role"
	"   JOIN permissions p ON p.name = rp.permission WHERE ar.agent_id = a.id),"
	" COALESCE(TIMESTAMPDIFF(SECOND, t.last_used_at, NOW()), 86400)"
	" FROM api_tokens t JOIN agents a ON a.id = t.agent_id"
	" WHERE t.token_hash = ? AND t.revoked_at IS NULL AND t.expires_at > NOW()"
	" AND a.disabled_at IS NULL");
static struct db_stmt q_token_used = DB_STMT(DB_CONSOLE,
	"UPDATE api_tokens SET last_used_at = NOW() WHERE id = ?");
static struct db_stmt q_token_new = DB_STMT(DB_CONSOLE,
	"INSERT INTO api_tokens (agent_id, name, token_hash, perms, created_by,"
	" created_at, expires_at) VALUES (?, ?, ?, ?, ?, NOW(), NOW() + INTERVAL ? DAY)");
static struct db_stmt q_throttle = DB_STMT(DB_CONSOLE,
	"SELECT COALESCE(MAX(CEILING(TIMESTAMPDIFF(MICROSECOND, NOW(3), blocked_until)"
	" / 1000000)), 0) FROM login_throttle WHERE subject IN (?, ?)"
	" AND blocked_until > NOW(3)");
static struct db_stmt q_fail_get = DB_STMT(DB_CONSOLE,
	"SELECT failures FROM login_throttle WHERE subject = ?"
	" AND window_start > NOW() - INTERVAL 1 HOUR");
static struct db_stmt q_fail_put = DB_STMT(DB_CONSOLE,
	"INSERT INTO login_throttle (subject, failures, window_start, blocked_until)"
	" VALUES (?, ?, NOW(), IF(? > 0, NOW(3) + INTERVAL ? SECOND, NULL))"
	" ON DUPLICATE KEY UPDATE failures = VALUES(failures),"
	" window_start = IF(VALUES(failures) = 1, NOW(), window_start),"
	" blocked_until = VALUES(blocked_until)");
static struct db_stmt q_fail_clear = DB_STMT(DB_CONSOLE,
	"DELETE FROM login_throttle WHERE subject = ?");
static struct db_stmt q_revoke = DB_STMT(DB_CONSOLE,
	"UPDATE sessions SET revoked_at = NOW() WHERE id = ? AND revoked_at IS NULL");
static struct db_stmt q_revoke_agent = DB_STMT(DB_CONSOLE,
	"UPDATE sessions SET revoked_at = NOW() WHERE agent_id = ? AND revoked_at IS NULL");
static struct db_stmt q_revoked = DB_STMT(DB_CONSOLE,
	"SELECT revoked_at IS NOT NULL FROM sessions WHERE id = ?");

void
auth_init(void)
{
	if (sodium_init() < 0)
		die("libsodium cannot be initialised");
}

static void
token_hash(const char *token, size_t n, unsigned char out[32])
{
	crypto_generichash(out, 32, (const unsigned char *)token, n, NULL, 0);
}

static char *
new_token(struct arena *a)
{
	unsigned char raw[TOKEN_BYTES];
	char *t = arena_alloc(a, TOKEN_CHARS + 1);

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(t, TOKEN_CHARS + 1, raw, sizeof(raw),
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return t;
}

/* A token we made is 43 base64url characters; anything else is not
 * worth a database round trip. */
static int
token_shape(const char *t)
{
	size_t i;

	if (t == NULL || strlen(t) != TOKEN_CHARS)
		return 0;
	for (i = 0; i < TOKEN_CHARS; i++) {
		char c = t[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_'))
			return 0;
	}
	return 1;
}

/* bearer: the agent behind an API token in the Authorization header. */
static int
bearer(struct req *r, const char *header)
{
	const char *tok = header + 7;
	unsigned char h[32];
	struct db_res res;
	struct session *s;
	int rc;

	if (strncmp(tok, TOKEN_PREFIX, 3) != 0 || !token_shape(tok + 3))
		return DB_OK;
	token_hash(tok, 3 + TOKEN_CHARS, h);
	rc = DB_ONE(&r->arena, &q_bearer, &res, DB_BIN((const char *)h, 32));
	if (rc == 1) {
		db_done(&res);
		return DB_OK;
	}
	if (rc != DB_OK)
		return rc;
	s = arena_alloc(&r->arena, sizeof(*s));
	s->token_id = db_int(&res, 0);
	s->agent_id = db_int(&res, 1);
	s->login = arena_strdup(&r->arena, db_str(&res, 2));
	s->name = arena_strdup(&r->arena, db_str(&res, 3));
	s->perms = (unsigned long)db_int(&res, 4);
	s->csrf = "";
	if (db_int(&res, 5) >= 60)
		db_exec(&r->arena, &q_token_used, NULL, 1, &DB_INT(s->token_id));
	db_done(&res);
	r->sess = s;
	return DB_OK;
}

int
auth_load(struct req *r)
{
	const char *authz = req_env(r, "HTTP_AUTHORIZATION");
	const char *tok = req_cookie(r, SESSION_COOKIE);
	unsigned char h[32];
	struct db_res res;
	struct session *s;
	int rc;

	r->sess = NULL;
	if (authz && strncasecmp(authz, "Bearer ", 7) == 0)
		return bearer(r, authz);
	if (!token_shape(tok))
		return DB_OK;
	token_hash(tok, TOKEN_CHARS, h);
	rc = DB_ONE(&r->arena, &q_session, &res, DB_BIN((const char *)h, 32),
	    DB_INT(cfg.idle_timeout), DB_INT(cfg.absolute_timeout));
	if (rc == 1) {
		db_done(&res);
		return DB_OK;
	}
	if (rc != DB_OK)
		return rc;
	s = arena_alloc(&r->arena, sizeof(*s));
	s->id = db_int(&res, 0);
	s->agent_id = db_int(&res, 1);
	s->login = arena_strdup(&r->arena, db_str(&res, 2));
	s->name = arena_strdup(&r->arena, db_str(&res, 3));
	s->csrf = arena_strdup(&r->arena, db_str(&res, 4));
	s->must_change_password = db_int(&res, 5) != 0;
	s->perms = (unsigned long)db_int(&res, 7);
	/* Idle time is counted from the last request; writing it at most
	 * once a minute keeps page views from all being writes. */
	if (db_int(&res, 6) >= 60)
		db_exec(&r->arena, &q_touch, NULL, 1, &DB_INT(s->id));
	db_done(&res);
	r->sess = s;
	r->csrf = s->csrf;
	return DB_OK;
}

int
auth_can(const struct req *r, long perm)
{
	if (perm == AUTH_PUBLIC)
		return 1;
	if (r->sess == NULL)
		return 0;
	return perm == AUTH_ANY || (r->sess->perms & (unsigned long)perm) ==
	    (unsigned long)perm;
}

void
auth_csrf(struct req *r)
{
	const char *pre;

	if (r->sess) {
		r->csrf = r->sess->csrf;
		return;
	}
	pre = req_cookie(r, PRE_COOKIE);
	if (!token_shape(pre)) {
		pre = new_token(&r->arena);
		resp_cookie(r, PRE_COOKIE, pre, -1);
	}
	r->csrf = pre;
}

/* The origin this console is served from, to compare Origin with. */
static int
same_origin(struct req *r, const char *origin)
{
	const char *host = req_env(r, "HTTP_HOST");
	char want[300];

	if (cfg.public_origin[0])
		return strcasecmp(origin, cfg.public_origin) == 0;
	if (host == NULL)
		return 0;
	snprintf(want, sizeof(want), "%s://%s", r->https ? "https" : "http", host);
	return strcasecmp(origin, want) == 0;
}

int
auth_csrf_ok(struct req *r)
{
	const char *site = req_env(r, "HTTP_SEC_FETCH_SITE");
	const char *origin = req_env(r, "HTTP_ORIGIN");
	const char *sent = req_env(r, "HTTP_X_CSRF_TOKEN");
	const char *want;
	size_t i;

	if (site && strcmp(site, "same-origin") != 0 && strcmp(site, "none") != 0) {
		r->err = "cross-site request";
		return 0;
	}
	if (origin && strcmp(origin, "null") != 0 && !same_origin(r, origin)) {
		r->err = "cross-origin request";
		return 0;
	}
	if (origin && strcmp(origin, "null") == 0) {
		r->err = "opaque origin";
		return 0;
	}
	/* The token comes from the form body or the header, never from the
	 * query string, where it would leak through logs and Referer. */
	for (i = 0; sent == NULL && i < r->nform; i++)
		if (strcmp(r->form[i].name, "csrf") == 0)
			sent = r->form[i].value;
	want = r->sess ? r->sess->csrf : req_cookie(r, PRE_COOKIE);
	if (!token_shape(want) || sent == NULL || strlen(sent) != TOKEN_CHARS ||
	    sodium_memcmp(sent, want, TOKEN_CHARS) != 0) {
		r->err = "missing or wrong CSRF token";
		return 0;
	}
	return 1;
}

int
auth_hash(const char *password, char out[AUTH_HASH_LEN])
{
	return crypto_pwhash_str(out, password, strlen(password),
	    crypto_pwhash_OPSLIMIT_INTERACTIVE,
	    crypto_pwhash_MEMLIMIT_INTERACTIVE) == 0 ? 0 : -1;
}

int
auth_verify(const char *password, const char *hash, int *rehash)
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
auth_password_acceptable(const char *pw)
{
	size_t n = strlen(pw), chars;

	if (!utf8_valid(pw, n))
		return "密码不是有效的 UTF-8 文本";
	chars = utf8_len(pw, n);
	if (chars < AUTH_PASSWORD_MIN)
		return "密码至少 8 个字符";
	if (chars > AUTH_PASSWORD_MAX)
		return "密码最多 128 个字符";
	return NULL;
}

int
auth_new_session(struct req *r, long long agent_id)
{
	char *tok = new_token(&r->arena), *csrf = new_token(&r->arena);
	const char *ua = req_env(r, "HTTP_USER_AGENT");
	unsigned char h[32];
	struct db_res res;
	struct session *s;
	int rc;

	s = arena_alloc(&r->arena, sizeof(*s));
	rc = DB_ONE(&r->arena, &q_agent, &res, DB_INT(agent_id));
	if (rc != DB_OK) {
		db_done(&res);
		return rc == 1 ? DB_FAIL : rc;
	}
	s->agent_id = agent_id;
	s->csrf = csrf;
	s->login = arena_strdup(&r->arena, db_str(&res, 0));
	s->name = arena_strdup(&r->arena, db_str(&res, 1));
	s->must_change_password = db_int(&res, 2) != 0;
	s->perms = (unsigned long)db_int(&res, 3);
	db_done(&res);
	token_hash(tok, TOKEN_CHARS, h);
	rc = DB_EXEC(&r->arena, &q_new, &res, DB_BIN((const char *)h, 32),
	    DB_INT(agent_id), DB_STR(csrf), DB_INT((long long)s->perms),
	    DB_STR(r->remote_addr),
	    DB_BIN(ua ? ua : "", ua ? (strlen(ua) > 255 ? 255 : strlen(ua)) : 0));
	if (rc != DB_OK)
		return rc;
	s->id = (long long)res.insert_id;
	r->sess = s;
	r->csrf = csrf;
	resp_cookie(r, SESSION_COOKIE, tok, -1);
	resp_cookie(r, PRE_COOKIE, "", 0);
	return DB_OK;
}

int
auth_end_session(struct req *r)
{
	int rc = DB_OK;

	if (r->sess)
		rc = db_exec(&r->arena, &q_revoke, NULL, 1, &DB_INT(r->sess->id));
	resp_cookie(r, SESSION_COOKIE, "", 0);
	return rc;
}

char *
auth_perms_text(struct arena *a, unsigned long perms)
{
	char out[512] = "";
	size_t i;

	for (i = 0; i < PERM_COUNT; i++)
		if (perms & (1UL << i)) {
			if (out[0])
				strncat(out, ", ", sizeof(out) - strlen(out) - 1);
			strncat(out, perm_names[i], sizeof(out) - strlen(out) - 1);
		}
	return arena_strdup(a, out);
}

int
auth_new_token(struct req *r, long long agent_id, const char *name,
    unsigned long perms, long long days, const char **token, long long *id)
{
	char *tok = arena_alloc(&r->arena, 3 + TOKEN_CHARS + 1);
	unsigned char h[32];
	struct db_res res;
	int rc;

	memcpy(tok, TOKEN_PREFIX, 3);
	memcpy(tok + 3, new_token(&r->arena), TOKEN_CHARS + 1);
	token_hash(tok, 3 + TOKEN_CHARS, h);
	rc = DB_EXEC(&r->arena, &q_token_new, &res, DB_INT(agent_id), DB_STR(name),
	    DB_BIN((const char *)h, 32), DB_INT((long long)perms),
	    DB_INT(r->sess->agent_id), DB_INT(days));
	if (rc != DB_OK)
		return rc;
	*token = tok;
	*id = (long long)res.insert_id;
	return DB_OK;
}

int
auth_issue_token(struct req *r, long long agent_id, const char *owner,
    const char *name, unsigned long perms, long long days, json_object **shown)
{
	const char *token;
	long long id;
	int rc;

	*shown = NULL;
	if ((rc = db_begin(DB_CONSOLE)) != DB_OK ||
	    (rc = auth_new_token(r, agent_id, name, perms, days, &token, &id)) != DB_OK ||
	    (rc = audit(r, "token_created", NULL, owner, arena_printf(&r->arena,
	    "id %lld \"%s\", %lld days: %s", id, name, days,
	    auth_perms_text(&r->arena, perms)))) != DB_OK ||
	    (rc = db_commit(DB_CONSOLE)) != DB_OK) {
		db_rollback(DB_CONSOLE);
		return rc;
	}
	*shown = m_obj();
	m_str(*shown, "token", token);
	m_int(*shown, "id", id);
	m_str(*shown, "name", name);
	m_str(*shown, "login", owner);
	m_int(*shown, "days", days);
	return DB_OK;
}

int
auth_perm_bit(const char *name)
{
	int k;

	for (k = 0; k < PERM_COUNT; k++)
		if (strcmp(name, perm_names[k]) == 0)
			return k;
	return -1;
}

int
auth_token_form(struct req *r, unsigned long allowed, json_object *errs,
    const char **name, long long *days, unsigned long *perms)
{
	const char *names[PERM_COUNT + 1];
	int n, i, k, bad = 0;

	*perms = 0;
	*days = 90;
	if (req_str(r, "name", 64, name) != REQ_OK)
		m_str(errs, "name", "请填写名称（1 到 64 个字）"), bad = 1;
	if (req_int(r, "days", 1, 365, days) == REQ_BAD)
		m_str(errs, "days", "有效期为 1 到 365 天"), bad = 1;
	n = req_all(r, "perm", names, PERM_COUNT + 1);
	for (i = 0; i < n; i++) {
		if ((k = auth_perm_bit(names[i])) < 0 || !(allowed & (1UL << k))) {
			m_str(errs, "perm", "令牌的权限只能是账号自己拥有的权限");
			return 0;
		}
		*perms |= 1UL << k;
	}
	if (n <= 0) {
		m_str(errs, "perm", "至少选择一项权限");
		return 0;
	}
	return !bad;
}

int
auth_end_agent_sessions(struct req *r, long long agent_id)
{
	return db_exec(&r->arena, &q_revoke_agent, NULL, 1, &DB_INT(agent_id));
}

int
auth_renew_session(struct req *r)
{
	struct db_res res;
	int rc, ended;

	if (r->sess == NULL || r->sess->id == 0)
		return DB_OK;		/* an API token has no session */
	rc = DB_ONE(&r->arena, &q_revoked, &res, DB_INT(r->sess->id));
	ended = rc == DB_OK && db_int(&res, 0) != 0;
	db_done(&res);
	if (rc != DB_OK && rc != 1)
		return rc;
	return ended ? auth_new_session(r, r->sess->agent_id) : DB_OK;
}

/* subject: the throttle's key for a login or an address. */
static char *
subject(struct req *r, const char *kind, const char *what)
{
	return arena_printf(&r->arena, "%s:%.100s", kind, what);
}

long long
auth_throttled(struct req *r, const char *login, int *rc)
{
	struct db_res res;
	long long wait = 0;

	*rc = DB_ONE(&r->arena, &q_throttle, &res,
	    DB_STR(subject(r, "login", login)), DB_STR(subject(r, "ip", r->remote_addr)));
	if (*rc == DB_OK)
		wait = db_int(&res, 0);
	else if (*rc == 1)
		*rc = DB_OK;
	db_done(&res);
	return wait;
}

/* fail: one more failure for a subject; past `free` of them in an hour,
 * the next attempt waits 1, 2, 4 ... seconds, up to MAX_DELAY. */
static int
fail(struct req *r, const char *subj, long long free)
{
	struct db_res res;
	long long n = 1, delay = 0;
	int rc = DB_ONE(&r->arena, &q_fail_get, &res, DB_STR(subj));

	if (rc == DB_OK)
		n = db_int(&res, 0) + 1;
	db_done(&res);
	if (rc != DB_OK && rc != 1)
		return rc;
	if (n >= free)
		delay = n - free >= 10 ? MAX_DELAY : 1LL << (n - free);
	if (delay > MAX_DELAY)
		delay = MAX_DELAY;
	return DB_EXEC(&r->arena, &q_fail_put, NULL, DB_STR(subj), DB_INT(n),
	    DB_INT(delay), DB_INT(delay));
}

int
auth_note_failure(struct req *r, const char *login)
{
	int rc = fail(r, subject(r, "login", login), LOGIN_FREE);

	return rc != DB_OK ? rc : fail(r, subject(r, "ip", r->remote_addr), ADDR_FREE);
}

int
auth_note_success(struct req *r, const char *login)
{
	return DB_EXEC(&r->arena, &q_fail_clear, NULL, DB_STR(subject(r, "login", login)));
}
