/* url.h: every link the console makes
 *
 * Pages link by logical path ("/orders/2026112300012345").  Behind nginx
 * that is the URL; on a shared host (url_style = cgi) the same path is
 * served by a CGI program as "<cgi_base>/<program>.fcgi<path>".  Which
 * program serves which path is written once, in each program's routes.c
 * ("mount:" lines), and made into this module's table and nginx's
 * locations by tools/mounts.
 */
#ifndef OM_URL_H
#define OM_URL_H

#include "core/arena.h"

/* url_for: a link to a logical path; every %s argument is percent-encoded
 * (so an order number or a search term is safe in a path or a query), %d
 * and %lld are numbers.  Nothing else is allowed in fmt. */
char *url_for(struct arena *a, const char *fmt, ...);
/* url_map: a logical path (already encoded, as from a request) as a link. */
char *url_map(struct arena *a, const char *path);
/* url_program: the program that serves a logical path, or NULL. */
const char *url_program(const char *path);
/* url_mounted: 1 when the program has mounts (every real page family). */
int url_mounted(const char *program);
/* url_local_path: 1 when s is a safe local redirect target ("/x", not
 * "//host", "/\\host" or a scheme). */
int url_local_path(const char *s);

#endif
