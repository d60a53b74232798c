/* probe_action.c: an action POST's SQL and nothing else, for the benchmark
 *
 * GET /probe/act/{order_no}?key=K runs what POST /orders/{no}/act/sms
 * runs — the order and its actions read with the page's own statements
 * (compiled from cgi-bin/order/act.c), the request built by
 * lib/domain/actions.c, the outbox row, its audit row, in one transaction —
 * with no session, no form, no model beyond what load() fills, no
 * template (a GET: a POST would need a session's CSRF token).  Its
 * requests per second are the database's ceiling for the action POST.
 */
#include "order/act.c"
#include "order/act_forms.c"

#include "ui/app.h"
#include "probe.h"

static void
probe_act(struct req *r)
{
	struct act x = { 0 };
	struct outbox_new n = { 0 };
	struct actor who = actor_make(ACTOR_CLI, "probe");
	const char *key = req_get(r, "key"), *state;
	json_object *m = page_model(r, "probe", NULL);
	long long id;
	int rc;

	x.kind = action_kind("sms");
	x.o.no = r->seg[0];
	if (!outbox_key_ok(key)) {
		resp_raw(r, 400, RESP_TEXT, "key\n", 4);
		return;
	}
	if ((rc = load(r, m, &x)) == DB_OK) {
		action_sms(&r->arena, &who, &x.o, &sms_templates[0], &n);
		n.key = key;
		if ((rc = db_begin(DB_CONSOLE)) == DB_OK &&
		    (rc = outbox_submit(&r->arena, &who, &n, &id, &state)) == DOM_OK)
			rc = db_commit(DB_CONSOLE);
		if (rc != DB_OK)
			db_rollback(DB_CONSOLE);
	}
	if (rc == DB_OK || rc == OUTBOX_REPEAT)
		resp_raw(r, 200, RESP_TEXT, "ok\n", 3);
	else
		probe_fail(r, rc);
}

static const struct route probe_routes[] = {
	{ "GET", "/probe/act/*", AUTH_PUBLIC, probe_act },
	{ NULL, NULL, 0, NULL },
};

int
main(int argc, char **argv)
{
	return app_main(argc, argv, "probe_action", probe_routes, NULL);
}
