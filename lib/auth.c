/* auth.c: sessions, CSRF, passwords and permissions (see auth.h) */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "auth.h"
#include "cfg.h"
#include "db.h"
#include "resp.h"
#include "util.h"

#define SESSION_COOKIE "om_sid"
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
static struct db_stmt q_revoke = DB_STMT(DB_CONSOLE,
	"UPDATE sessions SET revoked_at = NOW() WHERE id = ? AND revoked_at IS NULL");

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

int
auth_load(struct req *r)
{
	const char *tok = req_cookie(r, SESSION_COOKIE);
	unsigned char h[32];
	struct db_res res;
	struct session *s;
	int rc;

	r->sess = NULL;
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
