/* admin.h: what the admin program's pages share
 *
 * The roles (loaded once a request, shown as checkboxes), the list of
 * permissions, the agent form (read by the new-agent and the edit page)
 * and an agent as the pages show it.  Every change of an agent, a role, an
 * API token or a rule goes through the domain (lib/domain/agents.h,
 * sessions.h, rules.h) with the request's actor, inside a transaction on
 * the console connection; the pages keep the forms, the lists and the
 * answers.
 */
#ifndef OM_ADMIN_H
#define OM_ADMIN_H

#include <json-c/json.h>

#include "core/db.h"
#include "core/req.h"
#include "domain/agents.h"

#define MAX_ROLES 32

/* One agent with its roles, last sign-in and live sessions: q_agents
 * (agents.c) and q_agent (agent.c) add their order or condition; the
 * arguments are the idle and the absolute session timeout.  agent_json
 * reads its columns. */
#define AGENT_SELECT \
	"SELECT a.id, a.login, a.display_name, a.service, a.disabled_at," \
	" a.max_refund, a.daily_refund, a.must_change_password," \
	" (SELECT GROUP_CONCAT(ar.role ORDER BY ar.role) FROM agent_roles ar" \
	"  WHERE ar.agent_id = a.id)," \
	" (SELECT MAX(s.created_at) FROM sessions s WHERE s.agent_id = a.id)," \
	" (SELECT COUNT(*) FROM sessions s WHERE s.agent_id = a.id" \
	"  AND s.revoked_at IS NULL AND s.last_seen_at > NOW() - INTERVAL ? SECOND" \
	"  AND s.created_at > NOW() - INTERVAL ? SECOND)," \
	" a.created_at, a.updated_at, " PERMS_OF("a.id") \
	" FROM agents a"

struct role {
	const char *name, *title;
	unsigned long perms;
	long long agents;		/* enabled agents holding it */
};

struct roles {
	struct role v[64];
	int n;
};

/* The permissions table: each permission's name, bit and title. */
struct perm_row {
	const char *name, *title;
	int bit;
};

struct perm_rows {
	struct perm_row v[64];
	int n;
};

/* What the agent forms hold, as typed. */
struct agent_form {
	const char *login, *name, *password, *max_s, *daily_s;
	const char *role[MAX_ROLES];
	int nrole, service;
	long long max_refund, daily_refund;
};

/* common.c */
/* load_roles: every role, in the order the pages show them; DB_OK or an
 * error. */
int load_roles(struct req *r, struct roles *rs);
/* find_role: the role called name, or NULL. */
const struct role *find_role(const struct roles *rs, const char *name);
/* role_titles: "客服、主管" for the comma-separated role names in list. */
char *role_titles(struct req *r, const struct roles *rs, const char *list);
/* role_boxes: every role as a checkbox under "roles", ticked when named. */
void role_boxes(json_object *o, const struct roles *rs, const char *const *names,
    int n);
/* load_perms: every permission, by bit; DB_OK or an error. */
int load_perms(struct req *r, struct perm_rows *ps);
/* perm_list: the permissions (name, title) in perms into arr, or every one
 * with `checked` set for those in perms when all is set; DB_OK or an
 * error. */
int perm_list(struct req *r, json_object *arr, unsigned long perms, int all);
/* admin_fail: roll back, drop a session cookie a renewal set in the
 * transaction, and answer rc (a refusal or a db error). */
void admin_fail(struct req *r, int rc);

/* agents.c */
/* read_agent_form: the agent form into f (the login and password too when
 * creating); field messages into page_errs(r). */
void read_agent_form(struct req *r, const struct roles *rs, struct agent_form *f,
    int creating);
/* agent_json: one row of AGENT_SELECT into o. */
void agent_json(struct req *r, json_object *o, const struct roles *rs,
    struct db_res *res);

/* The handlers (routes.c). */
void page_home(struct req *r);
void page_agents(struct req *r);
void page_agent_new(struct req *r);
void page_agent(struct req *r);
void page_agent_edit(struct req *r);
void page_agent_disable(struct req *r);
void page_agent_enable(struct req *r);
void page_agent_password(struct req *r);
void page_roles(struct req *r);
void page_role_new(struct req *r);
void page_role_save(struct req *r);
void page_tokens(struct req *r);
void page_token_new(struct req *r);
void page_token_revoke(struct req *r);
void page_rules(struct req *r);
void page_rule_save(struct req *r);

/* automation.c: the list and the kill switch; automation_rule.c: one rule */
struct arena;
struct automation_rule;
struct automation_switch;
/* automation_summary: a rule's conditions and action in one line. */
const char *automation_summary(struct arena *a, const struct automation_rule *r);
/* automation_switch_model: the switch's state and its forms' addresses. */
void automation_switch_model(struct req *r, json_object *m,
    const struct automation_switch *s);
/* automation_state_model: a rule's state as a badge (state_label, _tone). */
void automation_state_model(json_object *o, int enabled, int stopped);
void page_automation(struct req *r);
void page_automation_stop(struct req *r);
void page_automation_resume(struct req *r);
void page_automation_rule(struct req *r);
void page_automation_save(struct req *r);

/* notifications.c */
void page_notifications(struct req *r);
void page_notification_save(struct req *r);
void page_notification_delete(struct req *r);
void page_notification_test(struct req *r);

/* scripts.c */
void page_scripts(struct req *r);
void page_script(struct req *r);
void page_script_save(struct req *r);

/* dnc.c */
void page_dnc(struct req *r);
void page_dnc_add(struct req *r);
void page_dnc_delete(struct req *r);

#endif
