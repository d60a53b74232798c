/* auth.h: who is asking, and may they
 *
 * Sessions: a 256-bit random token in the om_sid cookie (HttpOnly,
 * SameSite=Lax, Secure over https), stored only as its BLAKE2b hash; idle
 * and absolute timeouts are enforced on the server on every request.  Each
 * session has its own CSRF token; forms carry it in the "csrf" field and
 * scripts may send it as X-CSRF-Token.  Public forms (the login form) use a
 * double-submit token in the om_pre cookie instead.
 *
 * Scripts send "Authorization: Bearer om_..." instead: an API token, stored
 * only as its hash, holding a subset of its agent's permissions (and never
 * more than the agent holds today); a bearer request needs no CSRF token,
 * since no browser sends that header by itself.
 *
 * Failed sign-ins are counted per login and per address: past a few, each
 * further attempt must wait a growing delay (never a lock a stranger could
 * keep closed), and a waiting attempt is refused without a password check.
 *
 * Permissions are bits, named as in the console schema's permissions table;
 * an agent has the union of their roles'.  A route declares what it needs
 * and the accept loop (app.c) checks it before the handler runs: handlers
 * never check permissions for the page itself.
 */
#ifndef OM_AUTH_H
#define OM_AUTH_H

#include <json-c/json.h>
#include <sodium.h>

#include "req.h"

enum perm {
	PERM_VIEW_ORDERS	= 1L << 0,
	PERM_VIEW_PII		= 1L << 1,
	PERM_ACT_CANCEL		= 1L << 2,
	PERM_ACT_REFUND		= 1L << 3,
	PERM_ACT_COMPENSATE	= 1L << 4,
	PERM_ACT_ADDRESS	= 1L << 5,
	PERM_ACT_PRICE		= 1L << 6,
	PERM_ACT_SMS		= 1L << 7,
	PERM_CALL_REQUEST	= 1L << 8,
	PERM_RUN_CAMPAIGN	= 1L << 9,
	PERM_APPROVE		= 1L << 10,
	PERM_MANAGE_RULES	= 1L << 11,
	PERM_VIEW_REPORTS	= 1L << 12,
	PERM_ADMIN		= 1L << 13,
};
#define PERM_COUNT 14
#define AUTH_PUBLIC (-1L)	/* route needs no session */
#define AUTH_ANY 0L		/* any signed-in agent */

/* perm_names[i] is the name of bit i. */
extern const char *const perm_names[PERM_COUNT];

struct session {
	long long id;		/* the session, or 0 for an API token */
	long long token_id;	/* the API token, or 0 for a session */
	long long agent_id;
	const char *login;
	const char *name;
	const char *csrf;
	unsigned long perms;
	int must_change_password;
};

#define AUTH_PASSWORD_MIN 8
#define AUTH_PASSWORD_MAX 128
#define AUTH_HASH_LEN crypto_pwhash_STRBYTES

/* auth_init: once at start-up (libsodium). */
void auth_init(void);
/* auth_load: r->sess from the session cookie (NULL if none or expired);
 * DB_OK or a db error. */
int auth_load(struct req *r);
/* auth_can: does the request's agent hold perm (AUTH_ANY: any agent)? */
int auth_can(const struct req *r, long perm);
/* auth_csrf: r->csrf for the page's forms: the session's token, or for a
 * visitor the om_pre cookie (set when missing). */
void auth_csrf(struct req *r);
/* auth_csrf_ok: a state-changing request's token and origin are right;
 * 1 or 0 with r->err set. */
int auth_csrf_ok(struct req *r);
/* auth_hash: hash a password (argon2id); 0 or -1. */
int auth_hash(const char *password, char out[AUTH_HASH_LEN]);
/* auth_verify: 1 when password matches hash; *rehash set when the hash
 * was made with weaker limits than today's. */
int auth_verify(const char *password, const char *hash, int *rehash);
/* auth_password_acceptable: NULL, or why the password is refused. */
const char *auth_password_acceptable(const char *password);
/* auth_new_session: a session for agent_id, inside the caller's console
 * transaction; sets the cookie and r->sess.  DB_OK or a db error. */
int auth_new_session(struct req *r, long long agent_id);
/* auth_end_session: revoke the current session and clear the cookie. */
int auth_end_session(struct req *r);

/* auth_perms_text: the names of the bits in perms, "a, b, c", into the
 * arena (for the audit log). */
char *auth_perms_text(struct arena *a, unsigned long perms);
/* auth_new_token: a new API token for agent_id with perms until expiry
 * days from now; the token itself (shown once, never stored) goes to
 * *token, its row id to *id.  DB_OK or an error. */
int auth_new_token(struct req *r, long long agent_id, const char *name,
    unsigned long perms, long long days, const char **token, long long *id);

/* AUTH_PERMS_OF: SQL for the permission bits an agent holds through
 * their roles, given an SQL expression for the agent's id. */
#define AUTH_PERMS_OF(agent_id_sql) \
	"(SELECT COALESCE(BIT_OR(1 << p.bit), 0) FROM agent_roles ar" \
	" JOIN role_permissions rp ON rp.role = ar.role" \
	" JOIN permissions p ON p.name = rp.permission" \
	" WHERE ar.agent_id = " agent_id_sql ")"

/* auth_issue_token: a new API token for agent_id (whose login is owner)
 * and its token_created audit row, in a transaction of its own; *shown
 * gets what the page shows once: token, id, name, login, days.  DB_OK,
 * or a db error with everything rolled back. */
int auth_issue_token(struct req *r, long long agent_id, const char *owner,
    const char *name, unsigned long perms, long long days, json_object **shown);
/* auth_token_form: read a new API token's form (name 1..64 characters,
 * days 1..365, default 90, perm repeatable and within `allowed`) into the
 * out parameters; field messages go to errs.  1 when all is well. */
int auth_token_form(struct req *r, unsigned long allowed, json_object *errs,
    const char **name, long long *days, unsigned long *perms);
/* auth_perm_bit: the bit of a permission name, or -1. */
int auth_perm_bit(const char *name);
/* auth_end_agent_sessions: revoke every live session of an agent (inside
 * the caller's transaction); DB_OK or an error. */
int auth_end_agent_sessions(struct req *r, long long agent_id);
/* auth_renew_session: when the request's own session was revoked by what
 * the caller just did (its privileges changed), start a new one for this
 * browser, inside the caller's transaction; DB_OK or an error. */
int auth_renew_session(struct req *r);

/* Sign-in throttling. */
/* auth_throttled: the seconds this login or this address must still wait
 * before a password is checked (0: none); DB_OK or an error in *rc. */
long long auth_throttled(struct req *r, const char *login, int *rc);
/* auth_note_failure: count a failed sign-in for the login and address. */
int auth_note_failure(struct req *r, const char *login);
/* auth_note_success: a good sign-in clears the login's count. */
int auth_note_success(struct req *r, const char *login);

#endif
