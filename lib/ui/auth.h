/* auth.h: who is asking, and may they — sessions over HTTP
 *
 * A browser keeps its session's secret in the om_sid cookie (HttpOnly,
 * SameSite=Lax, Secure over https); scripts send "Authorization: Bearer
 * om_..." (an API token) instead.  Either becomes r->sess (the domain's
 * struct session: the agent, their permissions, the CSRF token) before a
 * handler runs; the sessions themselves live in the console schema
 * (domain/sessions.h).  Each session has its own CSRF token, which forms
 * carry in the "csrf" field and scripts may send as X-CSRF-Token; public
 * forms (the login form) use a double-submit token in the om_pre cookie.
 * A bearer request needs no CSRF token: no browser sends that header by
 * itself.
 *
 * A route declares the permission it needs and the accept loop (app.c)
 * checks it before the handler runs: handlers never check permissions
 * for the page itself.  A page acts as auth_actor(r): the signed-in agent,
 * or a visitor, with the request's id and address.
 */
#ifndef OM_AUTH_H
#define OM_AUTH_H

#include <json-c/json.h>

#include "core/req.h"
#include "domain/actor.h"
#include "domain/agents.h"
#include "domain/sessions.h"

#define AUTH_PUBLIC (-1L)	/* route needs no session */
#define AUTH_SIGNED (-2L)	/* no session and no CSRF token: the handler
				 * checks the caller's signature (/hooks/robot) */
#define AUTH_ANY 0L		/* any signed-in agent */

/* auth_init: once at start-up (libsodium). */
void auth_init(void);
/* auth_load: r->sess from the session cookie or the bearer token (NULL if
 * none, expired or revoked); DB_OK or a db error. */
int auth_load(struct req *r);
/* auth_actor: who the request acts as. */
const struct actor *auth_actor(struct req *r);
/* auth_can: does the request's agent hold perm (AUTH_ANY: any agent)? */
int auth_can(const struct req *r, long perm);
/* auth_start: a new session for agent_id (audited as kind, or not when
 * NULL) inside the caller's console transaction; sets the cookie and
 * r->sess.  DB_OK or a db error. */
int auth_start(struct req *r, long long agent_id, const char *kind);
/* auth_forget: clear the session cookie. */
void auth_forget(struct req *r);
/* auth_abandon: the session auth_start or auth_renew made belonged to a
 * transaction that was rolled back: no cookie goes out for it. */
void auth_abandon(struct req *r);
/* auth_renew: when the request's own session was ended by what the caller
 * just did (its privileges changed), a new one for this browser, inside
 * the caller's transaction; DB_OK or an error. */
int auth_renew(struct req *r);
/* auth_csrf: r->csrf for a visitor's form (the login form): the om_pre
 * cookie, set when missing.  A signed-in agent's pages have the session's
 * token already; no other public page sets a cookie. */
void auth_csrf(struct req *r);
/* auth_csrf_ok: a state-changing request's token and origin are right;
 * 1 or 0 with r->err set. */
int auth_csrf_ok(struct req *r);
/* auth_token_form: read a new API token's form (name 1..64 characters,
 * days 1..365, default 90, perm repeatable and within `allowed`) into the
 * out parameters; field messages go to errs.  1 when all is well. */
int auth_token_form(struct req *r, unsigned long allowed, json_object *errs,
    const char **name, long long *days, unsigned long *perms);

#endif
