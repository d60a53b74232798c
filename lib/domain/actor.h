/* actor.h: who acts, and the named results of what they do
 *
 * Every domain function that changes something — a case, an agent, a
 * session, a silence — or writes an audit row takes an actor, never a
 * request, so that a page, a daemon and the command line change a case
 * through the same function.  A page makes its actor from the session
 * (ui/session.h, session_actor); a daemon or mendctl makes its own with
 * actor_make.  An actor is small and is copied freely; its strings belong
 * to whoever made it.
 *
 * Domain functions work on the console connection (DB_CONSOLE) inside the
 * caller's transaction when one is open: the caller begins and commits,
 * so a change, its case event and its audit row land together or not at
 * all.  mendctl points the console connection at the [admin] account.
 *
 * Results: DOM_OK, a refusal (> 0, named below: what the change would
 * have broken), or a database error (< 0, enum db_rc).  dom_why says a
 * refusal in a sentence for the agent.
 */
#ifndef OM_ACTOR_H
#define OM_ACTOR_H

enum actor_type {
	ACTOR_VISITOR,		/* not signed in (a sign-in attempt) */
	ACTOR_AGENT,		/* a person, or a service account's API token */
	ACTOR_RULE,		/* an automation rule, by name */
	ACTOR_SCANNER,		/* mend-scan */
	ACTOR_ROBOT,		/* the phone robot's callbacks */
	ACTOR_CLI,		/* mendctl, by the operating-system user */
};

struct actor {
	enum actor_type type;
	long long agent_id;	/* ACTOR_AGENT: the agent; otherwise 0 */
	const char *name;	/* the agent's login, the rule's or robot's name,
				 * the OS user; "" for a visitor */
	const char *request_id;	/* the request that acted, or "" */
	const char *addr;	/* the client's address, or "" */
};

/* actor_make: an actor of a type that is not an agent (name may be NULL:
 * the type's own name). */
struct actor actor_make(enum actor_type type, const char *name);
/* actor_code: the type as stored in case_events and audit_log
 * ("visitor" "agent" "rule" "system" "robot" "cli"). */
const char *actor_code(const struct actor *who);
/* actor_stored: the actor a row recorded (its actor_code, name and agent),
 * to act again in its name (an action's requester when it takes effect). */
struct actor actor_stored(const char *code, const char *name, long long agent_id);

enum dom_rc {
	DOM_OK = 0,
	CASE_CHANGED,		/* the case's state does not allow it (it changed meanwhile) */
	CASE_MISSING,		/* no such case */
	CASE_TAKEN,		/* another agent holds the case: a lead assigns it */
	WAIT_BAD,		/* a wait must end in the future, within 30 days */
	NOT_A_LEAD,		/* a case is escalated to a person who may approve */
	TEAM_UNKNOWN,		/* no such team */
	AGENT_MISSING,		/* no such enabled person */
	AGENT_EXISTS,		/* the login is taken */
	AGENT_SELF,		/* not to oneself */
	NOT_A_PERSON,		/* only a person may do this */
	LAST_ADMIN,		/* it would leave no enabled person holding admin */
	ROLE_MISSING,
	ROLE_EXISTS,
	ROLE_KEEPS_ADMIN,	/* the admin role keeps the admin permission */
	SESSION_MISSING,	/* no such live session of the agent's */
	TOKEN_MISSING,		/* no such active token of the agent's */
	SILENCE_MISSING,	/* no such silence, or it is over */
	RULE_MISSING,		/* no such anomaly kind */
	SIGNIN_FAILED,		/* wrong login or password (never which) */
	SIGNIN_WAIT,		/* too many failures: wait before trying again */
	OUTBOX_REPEAT,		/* the key already stands for this same action */
	KEY_REUSED,		/* the key stands for another action */
	OUTBOX_MISSING,		/* no such action */
	OUTBOX_CHANGED,		/* the action's state does not allow it (it moved on) */
	SELF_APPROVAL,		/* one's own action needs another person */
	ACTION_INVALID,		/* the order's state does not allow the action now */
	CHANNEL_MISSING,	/* no such notification channel */
	SCRIPT_MISSING,		/* no such call script, or it is off */
	CALL_VAR_MISSING,	/* the order lacks a variable the script needs */
	CALL_NO_PHONE,		/* the order has no mainland mobile to call */
	CALL_DNC,		/* the number is on the do-not-call list */
	CALL_ATTEMPTS,		/* the attempts of this script to this order are spent */
	CALL_PENDING,		/* a call of this script to this order is on its way */
	CALL_MISSING,		/* no such call */
	CALL_CHANGED,		/* the call has its result already */
	CALL_INTENT,		/* the script does not know the intent */
	CALLBACK_REPEAT,	/* the robot's callback came before */
	CAMPAIGN_EMPTY,		/* no live case to call */
	CAMPAIGN_BAD,		/* its times or cap are out of bounds */
	CAMPAIGN_MISSING,	/* no such campaign */
	CAMPAIGN_CHANGED,	/* its state does not allow it */
	DOM_RC_N
};

/* dom_why: a refusal as a sentence for the agent (Chinese). */
const char *dom_why(int rc);

#endif
