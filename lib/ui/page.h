/* page.h: a page's life — its model, its answer, its errors
 *
 * A handler builds one view model (page_model, owned by the request and
 * freed by the accept loop), collects field messages (page_errs, owned
 * too), and answers once:
 *   page_show        the model as HTML (the layout around the page's
 *                    template) or as JSON, as the client asked
 *   page_bad_input   400: the model again with each field's message
 *   page_error       an error page (or JSON error) with the request id
 *   page_db_error    503 / 409 / 500 for a failed database call
 *   page_refused     a domain refusal (enum dom_rc) in its words
 *   page_done        303 back to a page, or {"ok": true, ...} for a script
 * Nothing on an error path frees anything.  The layout's own values (the
 * signed-in agent, navigation, banners) come from the frame made here.
 */
#ifndef OM_PAGE_H
#define OM_PAGE_H

#include <json-c/json.h>

#include "core/req.h"

/* page_model: the page's model, with its title and the navigation entry
 * it belongs under (search queue admin, or NULL); the request owns it. */
json_object *page_model(struct req *r, const char *title, const char *nav);
/* page_errs: the field messages (field -> message), made on first use;
 * page_erred: 1 when there is any. */
json_object *page_errs(struct req *r);
int page_erred(struct req *r);
/* page_show: r->model rendered with template tpl, or as JSON. */
void page_show(struct req *r, int status, const char *tpl);
/* page_bad_input: 400 with r->errs on r->model re-rendered with tpl, so
 * the form keeps what was typed; the template shows each message as
 * {{#err_FIELD}}{{message}}{{/err_FIELD}}.  JSON clients get
 * {"error": {..., "fields": errors}}. */
void page_bad_input(struct req *r, const char *tpl);
/* page_error: the error page (or JSON error) with the request id, in
 * place of any model; the message is for the user and escaped like any
 * other value.  For 503, a Retry-After header. */
void page_error(struct req *r, int status, const char *title,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* page_db_error: the answer to a failed db call: 503 when the database is
 * down or too slow, 409 on a conflicting write, 500 otherwise. */
void page_db_error(struct req *r, int rc);
/* page_refused: a domain function's result that is not DOM_OK: a refusal
 * (> 0) as 404, 409 or 403 with its sentence, or a db error. */
void page_refused(struct req *r, int rc);
/* page_done: a change went through: 303 to location, or for a script
 * {"ok": true, "done": what, "location": location}. */
void page_done(struct req *r, const char *what, const char *location);
/* page_id: path segment i as a positive id, or 0. */
long long page_id(struct req *r, int i);
/* page_admin_nav: "subnav", the admin pages this agent may open, the
 * current one marked (the model was made with nav "admin"). */
void page_admin_nav(struct req *r, json_object *m, const char *current);

#endif
