/* login.h: the login program's pages — signing in and out
 *
 * Signing in goes through the domain's sign_in (lib/domain/sessions.h:
 * throttling, the password check, failure counting and their audit rows)
 * and auth_start (the session and its cookie), in one transaction.
 */
#ifndef OM_LOGIN_H
#define OM_LOGIN_H

#include "core/req.h"

/* The handlers (routes.c), all in login.c. */
void page_login_form(struct req *r);
void page_login(struct req *r);
void page_logout(struct req *r);

#endif
