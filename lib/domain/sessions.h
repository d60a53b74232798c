/* sessions.h: signing in, sessions and API tokens
 *
 * A session is a 256-bit random token (the browser keeps it in a cookie;
 * ui/session.c) stored only as its BLAKE2b hash, with its own CSRF token
 * and the permissions its agent held at sign-in; idle and absolute
 * timeouts are enforced on every request.  An API token ("om_" and 43
 * characters) is stored the same way and holds a subset of its agent's
 * permissions, never more than the agent holds today.
 *
 * Failed sign-ins are counted per login, per login and address, and per
 * address: past a few for a login (5), each further attempt for it must
 * wait a growing delay (never a lock a stranger could keep closed), and a
 * waiting attempt is refused without a password check.  The address's own
 * limit is far higher (200 an hour: a whole office shares one) and only
 * holds back logins that failed lately: a correct password for an account
 * nobody attacks is never refused for its address.  A failed sign-in never says whether the login exists, and costs
 * the same password hash.
 */
#ifndef OM_SESSIONS_H
#define OM_SESSIONS_H

#include "core/arena.h"
#include "domain/actor.h"

/* Who a session or an API token is. */
struct session {
	long long id;		/* the session, or 0 for an API token */
	long long token_id;	/* the API token, or 0 for a session */
	long long agent_id;
	const char *login;
	const char *name;
	const char *csrf;	/* the token its forms carry ("" for API tokens) */
	unsigned long perms;
	int must_change_password;
};

#define TOKEN_CHARS 43		/* base64url of 32 random bytes */

/* token_shape: 1 when t looks like a token we made (43 base64url
 * characters): anything else is not worth a database round trip. */
int token_shape(const char *t);
/* token_new: 32 random bytes as 43 base64url characters, into the arena. */
char *token_new(struct arena *a);

/* sign_in: check a login and password, throttled: DOM_OK with *agent_id
 * (the caller starts a session), SIGNIN_WAIT with *wait seconds (no
 * password was checked), SIGNIN_FAILED, or a db error.  Failures and
 * waits are audited and counted; who is the visitor (their address). */
int sign_in(struct arena *a, const struct actor *who, const char *login,
    const char *password, long long *agent_id, long long *wait);

/* session_create: a new session for agent_id (at address ip, browser ua),
 * audited as kind ("login_ok", "password_changed" needs none: NULL);
 * *s is filled in and *token gets the secret for the cookie.  DB_OK or an
 * error. */
int session_create(struct arena *a, const struct actor *who, long long agent_id,
    const char *ip, const char *ua, const char *kind, struct session *s,
    const char **token);
/* session_find: the live session whose secret is token, within the idle
 * and absolute timeouts (seconds); DOM_OK, SESSION_MISSING, or an error. */
int session_find(struct arena *a, const char *token, long long idle, long long absolute,
    struct session *s);
/* token_find: the agent behind an API token ("om_..."); DOM_OK,
 * TOKEN_MISSING, or an error. */
int token_find(struct arena *a, const char *token, struct session *s);
/* session_end: end session id of agent_id (0: whoever's), audited as kind
 * ("logout", "session_ended").  DOM_OK, SESSION_MISSING, or an error. */
int session_end(struct arena *a, const struct actor *who, long long id,
    long long agent_id, const char *kind);
/* session_ended: 1 when session id has been revoked (by a change just
 * made), 0 when it lives, or an error. */
int session_ended(struct arena *a, long long id);
/* sessions_end_all: every session of agent_id, audited. */
int sessions_end_all(struct arena *a, const struct actor *who, long long agent_id,
    const char *login);
/* sessions_end_agent: every session of agent_id, as part of a change the
 * caller audits (new roles, a new password, disabling). */
int sessions_end_agent(struct arena *a, long long agent_id);

/* token_create: a new API token for agent_id (whose login is owner) with
 * perms until days from now, audited; the token itself (shown once, never
 * stored) goes to *token, its id to *id.  DB_OK or an error. */
int token_create(struct arena *a, const struct actor *who, long long agent_id,
    const char *owner, const char *name, unsigned long perms, long long days,
    const char **token, long long *id);
/* token_revoke: revoke token id of agent_id (0: anyone's), audited.
 * DOM_OK, TOKEN_MISSING, or an error. */
int token_revoke(struct arena *a, const struct actor *who, long long id,
    long long agent_id);

#endif
