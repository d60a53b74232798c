/* routes.c: the account program — an agent's own account
 *
 * mount: = /account
 * mount: /account/
 *
 * Its pages, one a file: account.c: the page, sessions and tokens;
 * password.c: changing the password.
 * Each page's URL, permission and parameters are in its file's header.
 */
#include "ui/app.h"
#include "ui/auth.h"
#include "account.h"

static const struct route routes[] = {
	{ "GET", "/account", AUTH_ANY, page_account },
	{ "POST", "/account/sessions/end-all", AUTH_ANY, page_end_all },
	{ "POST", "/account/sessions/*/end", AUTH_ANY, page_end_session },
	{ "GET", "/account/password", AUTH_ANY, page_password_form },
	{ "POST", "/account/password", AUTH_ANY, page_password },
	{ "POST", "/account/tokens", AUTH_ANY, page_new_token },
	{ "POST", "/account/tokens/*/revoke", AUTH_ANY, page_revoke_token },
	{ NULL, NULL, 0, NULL },
};

int
main(int argc, char **argv)
{
	return app_main(argc, argv, "account", routes, NULL);
}
