/* sessions.c: signing in, sessions and API tokens (see sessions.h) */
#include <string.h>

#include <sodium.h>

#include "core/db.h"
#include "domain/agents.h"
#include "domain/audit.h"
#include "domain/sessions.h"

#define TOKEN_PREFIX "om_"		/* API tokens: om_ + 43 characters */
#define TOKEN_BYTES 32
#define LOGIN_FREE 5			/* failures before delays, per login */
#define PAIR_FREE 5			/* ... per login from one address */
#define ADDR_FREE 200			/* ... per address: an office shares one */
#define MAX_DELAY 900			/* seconds */

static struct db_stmt q_signin = DB_STMT(DB_CONSOLE,
	"SELECT id, password_hash, disabled_at IS NOT NULL, service FROM agents"
	" WHERE login = ?");
static struct db_stmt q_rehash = DB_STMT(DB_CONSOLE,
	"UPDATE agents SET password_hash = ?, updated_at = NOW() WHERE id = ?");
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
	"SELECT a.login, a.display_name, a.must_change_password, " PERMS_OF("a.id")
	" FROM agents a WHERE a.id = ?");
static struct db_stmt q_bearer = DB_STMT(DB_CONSOLE,
	"SELECT t.id, t.agent_id, a.login, a.display_name, t.perms & " PERMS_OF("a.id") ","
	" COALESCE(TIMESTAMPDIFF(SECOND, t.last_used_at, NOW()), 86400)"
	" FROM api_tokens t JOIN agents a ON a.id = t.agent_id"
	" WHERE t.token_hash = ? AND t.revoked_at IS NULL AND t.expires_at > NOW()"
	" AND a.disabled_at IS NULL");
static struct db_stmt q_token_used = DB_STMT(DB_CONSOLE,
	"UPDATE api_tokens SET last_used_at = NOW() WHERE id = ?");
static struct db_stmt q_token_new = DB_STMT(DB_CONSOLE,
	"INSERT INTO api_tokens (agent_id, name, token_hash, perms, created_by,"
	" created_at, expires_at) VALUES (?, ?, ?, ?, ?, NOW(), NOW() + INTERVAL ? DAY)");
static struct db_stmt q_token_revoke = DB_STMT(DB_CONSOLE,
	"UPDATE api_tokens SET revoked_at = NOW() WHERE id = ? AND (agent_id = ? OR ? = 0)"
	" AND revoked_at IS NULL");
static struct db_stmt q_token_owner = DB_STMT(DB_CONSOLE,
	"SELECT a.login, t.name FROM api_tokens t JOIN agents a ON a.id = t.agent_id"
	" WHERE t.id = ?");
/* Each subject's wait (seconds, 0: none) and its failures this hour. */
static struct db_stmt q_throttle = DB_STMT(DB_CONSOLE,
	"SELECT subject, IF(blocked_until > NOW(3), CEILING(TIMESTAMPDIFF(MICROSECOND,"
	" NOW(3), blocked_until) / 1000000), 0),"
	" IF(window_start > NOW() - INTERVAL 1 HOUR, failures, 0)"
	" FROM login_throttle WHERE subject IN (?, ?, ?)");
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
static struct db_stmt q_end = DB_STMT(DB_CONSOLE,
	"UPDATE sessions SET revoked_at = NOW() WHERE id = ? AND (agent_id = ? OR ? = 0)"
	" AND revoked_at IS NULL");
static struct db_stmt q_end_agent = DB_STMT(DB_CONSOLE,
	"UPDATE sessions SET revoked_at = NOW() WHERE agent_id = ? AND revoked_at IS NULL");
static struct db_stmt q_ended = DB_STMT(DB_CONSOLE,
	"SELECT revoked_at IS NOT NULL FROM sessions WHERE id = ?");

/* A hash to verify against when the login is unknown, so that answer
 * takes as long as a wrong password; made at the first sign-in. */
static char dummy_hash[PASSWORD_HASH_LEN];

int
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

char *
token_new(struct arena *a)
{
	unsigned char raw[TOKEN_BYTES];
	char *t = arena_alloc(a, TOKEN_CHARS + 1);

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(t, TOKEN_CHARS + 1, raw, sizeof(raw),
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return t;
}

static struct db_arg
hashed(struct arena *a, const char *token)
{
	unsigned char *h = arena_alloc(a, 32);

	crypto_generichash(h, 32, (const unsigned char *)token, strlen(token), NULL, 0);
	return DB_BIN((const char *)h, 32);
}

/* --- signing in ---------------------------------------------------------- */

/* subject: the throttle's key for a login or an address. */
static char *
subject(struct arena *a, const char *kind, const char *what)
{
	return arena_printf(a, "%s:%.100s", kind, what);
}

/* fail: one more failure for a subject; past `free` of them in an hour,
 * the next attempt waits 1, 2, 4 ... seconds, up to MAX_DELAY. */
static int
fail(struct arena *a, const char *subj, long long free)
{
	struct db_res res;
	long long n = 1, delay = 0;
	int rc = DB_ONE(a, &q_fail_get, &res, DB_STR(subj));

	if (rc == DB_OK)
		n = db_int(&res, 0) + 1;
	db_done(&res);
	if (rc != DB_OK && rc != DB_NOROW)
		return rc;
	if (n >= free)
		delay = n - free >= 10 ? MAX_DELAY : 1LL << (n - free);
	if (delay > MAX_DELAY)
		delay = MAX_DELAY;
	return DB_EXEC(a, &q_fail_put, NULL, DB_STR(subj), DB_INT(n), DB_INT(delay),
	    DB_INT(delay));
}

/* waiting: how long this attempt must wait before a password is checked.
 * A login under attack waits (its own failures, or its failures from this
 * address); an address past its far higher limit makes only logins that
 * failed lately wait, so a correct password for an account nobody attacks
 * gets in even when the whole office shares the address an attacker used. */
static int
waiting(struct arena *a, const char *login, const char *pair, const char *ip,
    long long *wait)
{
	long long ip_wait = 0, login_failures = 0, w;
	struct db_res res;
	int rc = DB_EXEC(a, &q_throttle, &res, DB_STR(login), DB_STR(pair), DB_STR(ip));

	*wait = 0;
	if (rc != DB_OK)
		return rc;
	while ((rc = db_next(&res)) > 0) {
		w = db_int(&res, 1);
		if (strcmp(db_str(&res, 0), ip) == 0)
			ip_wait = w;
		else if (w > *wait)
			*wait = w;
		if (strcmp(db_str(&res, 0), login) == 0)
			login_failures = db_int(&res, 2);
	}
	if (rc < 0 || (rc = db_done(&res)) != DB_OK)
		return rc;
	if (login_failures > 0 && ip_wait > *wait)
		*wait = ip_wait;
	return DB_OK;
}

int
sign_in(struct arena *a, const struct actor *who, const char *login,
    const char *password, long long *agent_id, long long *wait)
{
	const char *why = NULL, *sl = subject(a, "login", login),
	    *sp = arena_printf(a, "pair:%.60s@%.40s", login, who->addr),
	    *si = subject(a, "ip", who->addr);
	struct db_res res;
	int rc, ok = 0, rehash = 0;
	char hash[PASSWORD_HASH_LEN];

	if ((rc = waiting(a, sl, sp, si, wait)) != DB_OK)
		return rc;
	if (*wait > 0) {
		rc = audit(a, who, "login_throttled", NULL, login, NULL);
		return rc != DB_OK ? rc : SIGNIN_WAIT;
	}
	rc = DB_ONE(a, &q_signin, &res, DB_STR(login));
	if (rc == DB_OK) {
		*agent_id = db_int(&res, 0);
		ok = password_verify(password, db_str(&res, 1), &rehash);
		if (ok && db_int(&res, 2))
			ok = 0, why = "账号已停用";
		if (ok && db_int(&res, 3))
			ok = 0, why = "服务账号不能登录";
	} else if (rc == DB_NOROW) {
		if (dummy_hash[0] == '\0' &&
		    password_hash("not a password of anyone", dummy_hash) < 0)
			rc = DB_FAIL;
		else
			password_verify(password, dummy_hash, &rehash);
	}
	db_done(&res);
	if (rc != DB_OK && rc != DB_NOROW)
		return rc;
	if (!ok) {
		if ((rc = fail(a, sl, LOGIN_FREE)) != DB_OK ||
		    (rc = fail(a, sp, PAIR_FREE)) != DB_OK ||
		    (rc = fail(a, si, ADDR_FREE)) != DB_OK ||
		    (rc = audit(a, who, "login_failed", NULL, login, why)) != DB_OK)
			return rc;
		return SIGNIN_FAILED;
	}
	if ((rc = DB_EXEC(a, &q_fail_clear, NULL, DB_STR(sl))) != DB_OK ||
	    (rc = DB_EXEC(a, &q_fail_clear, NULL, DB_STR(sp))) != DB_OK)
		return rc;
	if (rehash && password_hash(password, hash) == 0)
		return DB_EXEC(a, &q_rehash, NULL, DB_STR(hash), DB_INT(*agent_id));
	return DB_OK;
}

/* --- sessions -------------------------------------------------------------- */

int
session_create(struct arena *a, const struct actor *who, long long agent_id,
    const char *ip, const char *ua, const char *kind, struct session *s,
    const char **token)
{
	char *tok = token_new(a), *csrf = token_new(a);
	size_t ualen = ua ? strlen(ua) : 0;
	struct db_res res;
	int rc;

	memset(s, 0, sizeof(*s));
	rc = DB_ONE(a, &q_agent, &res, DB_INT(agent_id));
	if (rc != DB_OK) {
		db_done(&res);
		return rc == DB_NOROW ? DB_FAIL : rc;
	}
	s->agent_id = agent_id;
	s->csrf = csrf;
	s->login = arena_strdup(a, db_str(&res, 0));
	s->name = arena_strdup(a, db_str(&res, 1));
	s->must_change_password = db_int(&res, 2) != 0;
	s->perms = (unsigned long)db_int(&res, 3);
	db_done(&res);
	rc = DB_EXEC(a, &q_new, &res, hashed(a, tok), DB_INT(agent_id), DB_STR(csrf),
	    DB_INT((long long)s->perms), DB_STR(ip ? ip : ""),
	    DB_BIN(ua ? ua : "", ualen > 255 ? 255 : ualen));
	if (rc != DB_OK)
		return rc;
	s->id = (long long)res.insert_id;
	*token = tok;
	return kind ? audit(a, who, kind, NULL, s->login, NULL) : DB_OK;
}

int
session_find(struct arena *a, const char *token, long long idle, long long absolute,
    struct session *s)
{
	struct db_res res;
	int rc;

	memset(s, 0, sizeof(*s));
	if (!token_shape(token))
		return SESSION_MISSING;
	rc = DB_ONE(a, &q_session, &res, hashed(a, token), DB_INT(idle), DB_INT(absolute));
	if (rc != DB_OK) {
		db_done(&res);
		return rc == DB_NOROW ? SESSION_MISSING : rc;
	}
	s->id = db_int(&res, 0);
	s->agent_id = db_int(&res, 1);
	s->login = arena_strdup(a, db_str(&res, 2));
	s->name = arena_strdup(a, db_str(&res, 3));
	s->csrf = arena_strdup(a, db_str(&res, 4));
	s->must_change_password = db_int(&res, 5) != 0;
	s->perms = (unsigned long)db_int(&res, 7);
	/* Idle time is counted from the last request; writing it at most
	 * once a minute keeps page views from all being writes. */
	rc = db_int(&res, 6) >= 60 ? DB_EXEC(a, &q_touch, NULL, DB_INT(s->id)) : DB_OK;
	db_done(&res);
	return rc;
}

int
token_find(struct arena *a, const char *token, struct session *s)
{
	struct db_res res;
	int rc;

	memset(s, 0, sizeof(*s));
	if (strncmp(token, TOKEN_PREFIX, 3) != 0 || !token_shape(token + 3))
		return TOKEN_MISSING;
	rc = DB_ONE(a, &q_bearer, &res, hashed(a, token));
	if (rc != DB_OK) {
		db_done(&res);
		return rc == DB_NOROW ? TOKEN_MISSING : rc;
	}
	s->token_id = db_int(&res, 0);
	s->agent_id = db_int(&res, 1);
	s->login = arena_strdup(a, db_str(&res, 2));
	s->name = arena_strdup(a, db_str(&res, 3));
	s->perms = (unsigned long)db_int(&res, 4);
	s->csrf = "";
	rc = db_int(&res, 5) >= 60 ? DB_EXEC(a, &q_token_used, NULL, DB_INT(s->token_id)) :
	    DB_OK;
	db_done(&res);
	return rc;
}

int
session_end(struct arena *a, const struct actor *who, long long id, long long agent_id,
    const char *kind)
{
	struct db_res res;
	int rc = DB_EXEC(a, &q_end, &res, DB_INT(id), DB_INT(agent_id), DB_INT(agent_id));

	if (rc != DB_OK)
		return rc;
	if (res.affected == 0)
		return SESSION_MISSING;
	return audit(a, who, kind, NULL, strcmp(kind, "logout") == 0 ? who->name :
	    arena_printf(a, "%lld", id), NULL);
}

int
session_ended(struct arena *a, long long id)
{
	struct db_res res;
	int rc = DB_ONE(a, &q_ended, &res, DB_INT(id)), ended;

	ended = rc == DB_OK && db_int(&res, 0) != 0;
	db_done(&res);
	if (rc != DB_OK && rc != DB_NOROW)
		return rc;
	return ended;
}

int
sessions_end_agent(struct arena *a, long long agent_id)
{
	return DB_EXEC(a, &q_end_agent, NULL, DB_INT(agent_id));
}

int
sessions_end_all(struct arena *a, const struct actor *who, long long agent_id,
    const char *login)
{
	int rc = sessions_end_agent(a, agent_id);

	return rc != DB_OK ? rc : audit(a, who, "sessions_ended_all", NULL, login, NULL);
}

/* --- API tokens ------------------------------------------------------------- */

int
token_create(struct arena *a, const struct actor *who, long long agent_id,
    const char *owner, const char *name, unsigned long perms, long long days,
    const char **token, long long *id)
{
	char *tok = arena_printf(a, "%s%s", TOKEN_PREFIX, token_new(a));
	struct db_res res;
	int rc;

	rc = DB_EXEC(a, &q_token_new, &res, DB_INT(agent_id), DB_STR(name), hashed(a, tok),
	    DB_INT((long long)perms), who->agent_id ? DB_INT(who->agent_id) : DB_NULL,
	    DB_INT(days));
	if (rc != DB_OK)
		return rc;
	*token = tok;
	*id = (long long)res.insert_id;
	return audit(a, who, "token_created", NULL, owner, arena_printf(a,
	    "编号 %lld「%s」，%lld 天；权限：%s", *id, name, days, perms_titles(a, perms)));
}

int
token_revoke(struct arena *a, const struct actor *who, long long id, long long agent_id)
{
	struct db_res res;
	const char *owner;
	int rc = DB_EXEC(a, &q_token_revoke, &res, DB_INT(id), DB_INT(agent_id),
	    DB_INT(agent_id));

	if (rc != DB_OK)
		return rc;
	if (res.affected == 0)
		return TOKEN_MISSING;
	rc = DB_ONE(a, &q_token_owner, &res, DB_INT(id));
	if (rc != DB_OK) {
		db_done(&res);
		return rc == DB_NOROW ? DB_FAIL : rc;
	}
	owner = arena_strdup(a, db_str(&res, 0));
	rc = audit(a, who, "token_revoked", NULL, owner,
	    arena_printf(a, "编号 %lld「%s」", id, db_str(&res, 1)));
	db_done(&res);
	return rc;
}
