/* audit.h: the append-only audit log
 *
 * One row per thing worth answering for later: sign-ins (ok and failed),
 * sign-outs, PII reveals, case changes, admin changes, permission
 * denials.  It is written on the console connection, so a caller that
 * opened a transaction gets the row in the same transaction as what it
 * records.  The row names its actor (type, agent, name), the request and
 * the client address when there is one.  The web programs' database role
 * may INSERT and SELECT it, never UPDATE or DELETE (schema/grants.sql).
 * Details never hold personal data; a target or detail longer than its
 * column is cut to fit.
 */
#ifndef OM_AUDIT_H
#define OM_AUDIT_H

#include "core/arena.h"
#include "domain/actor.h"
#include "domain/shop.h"

/* audit_kinds: the kinds the console writes, as agents read them (others
 * show their code). */
extern const struct label audit_kinds[];

/* audit: kind such as "login_ok"; order_no, target and detail may be NULL
 * (target: what was acted on, e.g. the login tried).  DB_OK or an error. */
int audit(struct arena *a, const struct actor *who, const char *kind,
    const char *order_no, const char *target, const char *detail);

#endif
