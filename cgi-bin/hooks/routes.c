/* routes.c: the hooks program — what upstream services call back
 *
 * mount: /hooks/
 *
 * Its pages, one a file: robot.c: the phone robot's results.
 * No session reaches these: each caller signs its request, and the page
 * checks the signature (AUTH_SIGNED).
 */
#include "ui/app.h"
#include "ui/auth.h"
#include "hooks.h"

static const struct route routes[] = {
	{ "POST", "/hooks/robot", AUTH_SIGNED, page_robot_hook },
	{ NULL, NULL, 0, NULL },
};

int
main(int argc, char **argv)
{
	return app_main(argc, argv, "hooks", routes, NULL);
}
