/* resp.h: the response — the only code that writes to the client
 *
 * A handler sets a status and a body through these functions; the accept
 * loop sends it once the handler returns (resp_send), with the security
 * headers every response carries:
 *   Content-Security-Policy (no inline script, frame-ancestors 'none'),
 *   X-Content-Type-Options, Referrer-Policy, X-Frame-Options,
 *   Cross-Origin-Opener-Policy, Cache-Control: no-store (every dynamic
 *   page may hold personal data), X-Request-Id, and HSTS over https.
 *
 * HTML comes only from templates (resp_html), where every value is
 * escaped; resp_raw and streams send text, CSV or metrics, never HTML.
 * A view model given to resp_html or resp_json is adopted by the request
 * (r->model) and freed when the loop turns.  Pages render through
 * ui/page.h, which adds the layout's frame and the error pages.
 */
#ifndef OM_RESP_H
#define OM_RESP_H

#include <json-c/json.h>

#include "core/req.h"

enum resp_type { RESP_TEXT, RESP_CSV, RESP_METRICS };

/* resp_init: once at start-up, after cfg and tmpl: values every page
 * uses, computed once. */
void resp_init(void);
/* resp_header: one extra header line. */
void resp_header(struct req *r, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* resp_cookie: an HttpOnly, SameSite=Lax cookie on path "/", Secure when
 * the request came over https (or the config says so); max_age 0 deletes
 * it, -1 makes a session cookie. */
void resp_cookie(struct req *r, const char *name, const char *value,
    long long max_age);
/* resp_html: the layout with template tpl inside: frame (the layout's own
 * values, taken over and freed) and model (adopted). */
void resp_html(struct req *r, int status, const char *tpl, json_object *frame,
    json_object *model);
/* resp_json: model (adopted) as JSON, whatever the client asked. */
void resp_json(struct req *r, int status, json_object *model);
/* resp_raw: bytes of a given type (metrics, plain answers). */
void resp_raw(struct req *r, int status, enum resp_type type, const char *data,
    size_t len);
/* resp_attachment: a Content-Disposition header that makes the body a
 * download named filename (letters, digits, '.', '-' and '_' only). */
void resp_attachment(struct req *r, const char *filename);
/* Streamed bodies, for exports too large to hold in memory: after
 * resp_stream_begin the headers are out (no Content-Length, so the status
 * can no longer change); the page appends to r->body_buf and calls
 * resp_stream_flush now and then, which sends what is there once it is
 * large enough (always when force is set); resp_send sends the rest.
 * resp_stream_flush returns -1 when the client has gone away. */
void resp_stream_begin(struct req *r, int status, enum resp_type type);
int resp_stream_flush(struct req *r, int force);
/* resp_redirect: 303 See Other to a local URL (JSON clients get it as
 * {"location": ...}). */
void resp_redirect(struct req *r, const char *location);
/* resp_send: write the response out; called once by the accept loop. */
void resp_send(struct req *r);

#endif
