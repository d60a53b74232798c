/* routes.c: the login program — signing in and out
 *
 * mount: = /login
 * mount: = /logout
 *
 * Its pages, one a file: login.c: the form, signing in and out.
 * Each page's URL, permission and parameters are in its file's header.
 */
#include "ui/app.h"
#include "ui/auth.h"
#include "login.h"

static const struct route routes[] = {
	{ "GET", "/login", AUTH_PUBLIC, page_login_form },
	{ "POST", "/login", AUTH_PUBLIC, page_login },
	{ "POST", "/logout", AUTH_ANY, page_logout },
	{ NULL, NULL, 0, NULL },
};

int
main(int argc, char **argv)
{
	return app_main(argc, argv, "login", routes, NULL);
}
