/* routes.c: the action program — the outbox and the approvals
 *
 * mount: = /actions
 * mount: /actions/
 * mount: = /approvals
 * mount: /approvals/
 *
 * Its pages, one a file: actions.c: the actions on their way, failed and
 * dead, with retry and withdraw; approvals.c: the actions waiting for a
 * second person.  (An action's form is the order program's: act.c.)
 * Each page's URL, permission and parameters are in its file's header.
 */
#include "ui/app.h"
#include "ui/auth.h"
#include "action.h"

static const struct route routes[] = {
	{ "GET", "/actions", PERM_VIEW_ORDERS, page_actions },
	{ "POST", "/actions/*/retry", PERM_VIEW_ORDERS, page_action_change },
	{ "POST", "/actions/*/cancel", PERM_VIEW_ORDERS, page_action_change },
	{ "POST", "/actions/*/confirm", PERM_VIEW_ORDERS, page_action_change },
	{ "GET", "/approvals", PERM_APPROVE, page_approvals },
	{ "POST", "/approvals/*/approve", PERM_APPROVE, page_approval_decide },
	{ "POST", "/approvals/*/refuse", PERM_APPROVE, page_approval_decide },
	{ NULL, NULL, 0, NULL },
};

int
main(int argc, char **argv)
{
	return app_main(argc, argv, "action", routes, NULL);
}
