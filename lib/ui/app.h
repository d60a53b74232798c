/* app.h: a program's main: start-up, then the accept loop
 *
 * Each program is a folder cgi-bin/NAME/: one file per page, and
 * routes.c with the program's mounts (its header's "mount:" lines, which
 * tools/mounts makes into nginx's locations and url.c's table), its route
 * table and its main:
 *
 *     static const struct route routes[] = {
 *         { "GET", "/orders/{no}", PERM_VIEW_ORDERS, page_order },  ("*" below)
 *         { NULL },
 *     };
 *     int main(int argc, char **argv)
 *     { return app_main(argc, argv, "order", routes, NULL); }
 *
 * A route's pattern is a logical path where '*' is one segment (handed to
 * the handler as r->seg[]).  Its permission is AUTH_PUBLIC, AUTH_ANY (any
 * signed-in agent) or a PERM_ bit; this table is the only place a page's
 * access is decided.  For every request the loop, in order: parses it
 * (400/413/415), finds the route (404/405), loads the session, sends a
 * visitor to /login (or 401 for JSON), refuses a missing permission (403,
 * audited), sends an agent whose password was reset to change it, checks
 * CSRF and origin on POST (403, audited; not for API tokens), runs the
 * handler, writes the response, and frees everything the request took.
 *
 * Start-up loads the configuration and templates and stops the program on
 * any error, before a single request is accepted — and when a route is
 * not under the program's own mounts.  The program runs under
 * FastCGI (socket on fd 0, as spawn-fcgi and mod_fcgid pass it) or, when
 * started as plain CGI, answers the one request in its environment.
 *
 * `prog --routes` prints the route table (tests walk it); `prog --check`
 * loads the configuration and templates and exits.
 */
#ifndef OM_APP_H
#define OM_APP_H

#include "core/req.h"

struct route {
	const char *method;
	const char *pattern;
	long perm;
	void (*handler)(struct req *r);
};

/* app_main: never returns before shutdown; start (may be NULL) runs once
 * after everything is loaded and before the first request. */
int app_main(int argc, char **argv, const char *name,
    const struct route *routes, void (*start)(void));

#endif
