/* agents.h: agents, their roles and permissions, and passwords
 *
 * Permissions are bits, named as in the console schema's permissions
 * table; an agent holds the union of their roles'.  A service account is
 * an agent that never signs in (scripts use its API tokens).
 *
 * Every change here is audited in the caller's transaction and takes
 * effect at once: new roles, a disabled account or a new password end the
 * agent's sessions (disabling revokes their API tokens too); a role that
 * loses permissions updates its agents' sessions in place, one that gains
 * any ends them, so a gain comes with a new session id.  The console
 * always keeps an enabled person holding admin: a change that would leave
 * none is refused (LAST_ADMIN), and every such change takes the same lock
 * first, so two admins cannot remove each other at once.
 */
#ifndef OM_AGENTS_H
#define OM_AGENTS_H

#include <sodium.h>

#include "core/arena.h"
#include "domain/actor.h"
#include "domain/shop.h"

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
	PERM_ACT_RESTOCK	= 1L << 14,
	PERM_MANAGE_AUTOMATION	= 1L << 15,
};
#define PERM_COUNT 16

/* perm_labels[i]: the permission of bit i, its code as the console schema's
 * permissions table names it and its title as agents read it. */
extern const struct label perm_labels[PERM_COUNT + 1];
/* perm_bit: the bit number of a permission name, or -1. */
int perm_bit(const char *name);
/* perms_text: the names of the bits in perms, "a, b, c", into the arena. */
char *perms_text(struct arena *a, unsigned long perms);
/* perms_titles: their titles, "查看订单、退款" ("无" for none). */
char *perms_titles(struct arena *a, unsigned long perms);

/* PERMS_OF: SQL for the permission bits an agent holds through their
 * roles, given an SQL expression for the agent's id. */
#define PERMS_OF(agent_id_sql) \
	"(SELECT COALESCE(BIT_OR(1 << p.bit), 0) FROM agent_roles ar" \
	" JOIN role_permissions rp ON rp.role = ar.role" \
	" JOIN permissions p ON p.name = rp.permission" \
	" WHERE ar.agent_id = " agent_id_sql ")"

#define PASSWORD_MIN 8
#define PASSWORD_MAX 128
#define PASSWORD_HASH_LEN crypto_pwhash_STRBYTES

/* password_hash: hash a password (argon2id, interactive limits); 0 or -1. */
int password_hash(const char *password, char out[PASSWORD_HASH_LEN]);
/* password_verify: 1 when password matches hash; *rehash set when the
 * hash was made with weaker limits than today's. */
int password_verify(const char *password, const char *hash, int *rehash);
/* password_acceptable: NULL, or why the password is refused. */
const char *password_acceptable(const char *password);

/* A new agent. */
struct agent_new {
	const char *login, *name;
	const char *password;	/* NULL: one nobody knows (service accounts) */
	int service;		/* a service account: never signs in */
	int temporary;		/* the password must be changed at first sign-in */
	long long max_refund, daily_refund;	/* fen; -1: the schema's default */
	const char *const *roles;
	int nroles;
};

/* agent_create: *id gets the new agent's.  DOM_OK, AGENT_EXISTS,
 * ROLE_MISSING, or a db error. */
int agent_create(struct arena *a, const struct actor *who, const struct agent_new *n,
    long long *id);

/* A change of an agent; what is NULL (or -1) stays as it is. */
struct agent_edit {
	const char *name;
	const char *const *roles;	/* NULL: unchanged */
	int nroles;
	long long max_refund, daily_refund;	/* -1: unchanged */
};

/* agent_update: *changed is 0 when the edit changes nothing (nothing is
 * written).  DOM_OK, AGENT_MISSING, ROLE_MISSING, LAST_ADMIN, or a db
 * error. */
int agent_update(struct arena *a, const struct actor *who, long long id,
    const struct agent_edit *e, int *changed);
/* agent_set_disabled: disable (ending every session and revoking every
 * token) or enable; *changed is 0 when it was so already.  DOM_OK,
 * AGENT_MISSING, AGENT_SELF (disabling oneself), LAST_ADMIN, or an error. */
int agent_set_disabled(struct arena *a, const struct actor *who, long long id,
    int disabled, int *changed);
/* agent_set_password: a new password for agent id, ending every session
 * of theirs; temporary: to be changed at the next sign-in.  Audited as
 * password_changed when the agent changes their own, else password_reset.
 * DOM_OK, AGENT_MISSING, or an error. */
int agent_set_password(struct arena *a, const struct actor *who, long long id,
    const char *password, int temporary);
/* agent_by_login: the id of the agent called login; DOM_OK or
 * AGENT_MISSING (disabled agents are found too). */
int agent_by_login(struct arena *a, const char *login, long long *id);

/* role_create: a new role with perms.  DOM_OK, ROLE_EXISTS, or an error. */
int role_create(struct arena *a, const struct actor *who, const char *name,
    const char *title, unsigned long perms);
/* role_update: a role's title and permissions; *gained gets the
 * permissions it gained (their agents' sessions ended), *changed 0 when
 * nothing changed.  DOM_OK, ROLE_MISSING, ROLE_KEEPS_ADMIN, LAST_ADMIN,
 * or an error. */
int role_update(struct arena *a, const struct actor *who, const char *name,
    const char *title, unsigned long perms, unsigned long *gained, int *changed);

#endif
