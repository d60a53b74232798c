/* routes.c: the admin program — administration: agents, roles, API tokens, anomaly rules,
 * automation
 *
 * mount: = /admin
 * mount: /admin/
 *
 * Its pages, one a file: agents.c: the list and a new agent; agent.c: one
 * agent; roles.c; tokens.c; rules.c; notifications.c: the team's chat
 * channels; automation.c: the automation rules and the kill switch;
 * automation_rule.c: one rule, its dry run and backtest; scripts.c: the
 * phone robot's scripts; dnc.c: the do-not-call list.
 * Each page's URL, permission and parameters are in its file's header.
 */
#include "ui/app.h"
#include "ui/auth.h"
#include "admin.h"

static const struct route routes[] = {
	{ "GET", "/admin", PERM_ADMIN, page_home },
	{ "GET", "/admin/agents", PERM_ADMIN, page_agents },
	{ "POST", "/admin/agents", PERM_ADMIN, page_agent_new },
	{ "GET", "/admin/agents/*", PERM_ADMIN, page_agent },
	{ "POST", "/admin/agents/*", PERM_ADMIN, page_agent_edit },
	{ "POST", "/admin/agents/*/disable", PERM_ADMIN, page_agent_disable },
	{ "POST", "/admin/agents/*/enable", PERM_ADMIN, page_agent_enable },
	{ "POST", "/admin/agents/*/password", PERM_ADMIN, page_agent_password },
	{ "GET", "/admin/roles", PERM_ADMIN, page_roles },
	{ "POST", "/admin/roles", PERM_ADMIN, page_role_new },
	{ "POST", "/admin/roles/*", PERM_ADMIN, page_role_save },
	{ "GET", "/admin/tokens", PERM_ADMIN, page_tokens },
	{ "POST", "/admin/tokens", PERM_ADMIN, page_token_new },
	{ "POST", "/admin/tokens/*/revoke", PERM_ADMIN, page_token_revoke },
	{ "GET", "/admin/rules", PERM_MANAGE_RULES, page_rules },
	{ "POST", "/admin/rules/*", PERM_MANAGE_RULES, page_rule_save },
	{ "GET", "/admin/notifications", PERM_MANAGE_AUTOMATION, page_notifications },
	{ "POST", "/admin/notifications", PERM_MANAGE_AUTOMATION, page_notification_save },
	{ "POST", "/admin/notifications/*", PERM_MANAGE_AUTOMATION, page_notification_save },
	{ "POST", "/admin/notifications/*/delete", PERM_MANAGE_AUTOMATION, page_notification_delete },
	{ "POST", "/admin/notifications/*/test", PERM_MANAGE_AUTOMATION, page_notification_test },
	{ "GET", "/admin/automation", PERM_MANAGE_AUTOMATION, page_automation },
	{ "POST", "/admin/automation/stop", PERM_MANAGE_AUTOMATION, page_automation_stop },
	{ "POST", "/admin/automation/resume", PERM_MANAGE_AUTOMATION, page_automation_resume },
	{ "GET", "/admin/automation/*", PERM_MANAGE_AUTOMATION, page_automation_rule },
	{ "POST", "/admin/automation/*", PERM_MANAGE_AUTOMATION, page_automation_save },
	{ "GET", "/admin/scripts", PERM_MANAGE_AUTOMATION, page_scripts },
	{ "GET", "/admin/scripts/*", PERM_MANAGE_AUTOMATION, page_script },
	{ "POST", "/admin/scripts/*", PERM_MANAGE_AUTOMATION, page_script_save },
	{ "GET", "/admin/dnc", PERM_MANAGE_AUTOMATION, page_dnc },
	{ "POST", "/admin/dnc", PERM_MANAGE_AUTOMATION, page_dnc_add },
	{ "POST", "/admin/dnc/*/delete", PERM_MANAGE_AUTOMATION, page_dnc_delete },
	{ NULL, NULL, 0, NULL },
};

int
main(int argc, char **argv)
{
	return app_main(argc, argv, "admin", routes, NULL);
}
