/* account.h: the account program's pages — an agent's own account
 *
 * account.c: the page, ending sessions, API tokens; password.c: changing
 * the password.  Every change goes through the domain (sessions_end_all,
 * session_end, token_create, token_revoke, agent_set_password) with the
 * request's actor, and is for the person: an API token may look at the
 * page but not change the account (person_only).
 */
#ifndef OM_ACCOUNT_H
#define OM_ACCOUNT_H

#include "core/req.h"

/* person_only: 1 when the request is a person's (a browser session);
 * else 0 with the 403 answer made. */
int person_only(struct req *r);

/* The handlers (routes.c). */
/* account.c */
void page_account(struct req *r);
void page_end_all(struct req *r);
void page_end_session(struct req *r);
void page_new_token(struct req *r);
void page_revoke_token(struct req *r);
/* password.c */
void page_password_form(struct req *r);
void page_password(struct req *r);

#endif
