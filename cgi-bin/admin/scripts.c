/* scripts.c: the phone robot's scripts — what it says and what each answer
 * leads to
 *
 * GET  /admin/scripts              (manage_automation) every script: name,
 *      purpose, calling window, on or off, and its intents, each with its
 *      label and what the console does on it
 * GET  /admin/scripts/{code}       (manage_automation) one script's form
 * POST /admin/scripts/{code}       (manage_automation) change it
 *      name          1..64 characters
 *      purpose       1..255 characters
 *      text          1..1000 characters; every {{NAME}} one of call_vars
 *      text_en       0..2000 characters, the same variables
 *      window_start  HH:MM, 00:00..23:59
 *      window_end    HH:MM, after window_start; 24:00 is the day's end
 *      enabled       1, or absent for off
 *
 * The intents are shown, not edited: what an answer does is code (the
 * follow-ups in lib/domain/calls.c), and a script must keep the intents
 * the robot was told.  Every field is checked before anything is written;
 * the change and its audit row (script_updated, saying what changed)
 * share one transaction (call_script_save).
 */
#include <string.h>

#include "core/db.h"
#include "core/model.h"
#include "core/url.h"
#include "core/util.h"
#include "domain/calls.h"
#include "ui/auth.h"
#include "ui/page.h"
#include "ui/views.h"
#include "admin.h"

#define SCRIPTS_MAX 32
#define INTENTS_MAX 16

/* The form's text fields, with their bounds. */
static const struct {
	const char *name, *what;
	size_t max;
	int optional;
} fields[] = {
	{ "name", "名称", 64, 0 },
	{ "purpose", "用途", 255, 0 },
	{ "text", "话术", 1000, 0 },
	{ "text_en", "英文话术", 2000, 1 },
};

/* intents_model: s's intents, each with what it does, then the two every
 * script knows. */
static json_object *
intents_model(struct arena *a, const struct call_script *s)
{
	static const char *const always[] = { "dnc", "human" };
	struct call_intent v[INTENTS_MAX];
	json_object *arr = m_arr(), *e;
	const char *does, *label;
	int i, n = call_script_intents(a, s, v, INTENTS_MAX);
	size_t k;

	for (i = 0; i < n; i++) {
		e = m_push(arr, m_obj());
		m_str(e, "intent", v[i].intent);
		m_str(e, "label", v[i].label);
		m_label(e, "does", label_of(call_follow_ups, v[i].does));
		m_bool(e, "always", 0);
	}
	for (k = 0; k < NELEM(always); k++)
		if (call_script_intent(a, s, always[k], &does, &label)) {
			e = m_push(arr, m_obj());
			m_str(e, "intent", always[k]);
			m_str(e, "label", label);
			m_label(e, "does", label_of(call_follow_ups, does));
			m_bool(e, "always", 1);
		}
	return arr;
}

void
page_scripts(struct req *r)
{
	struct arena *a = &r->arena;
	json_object *m = page_model(r, "外呼话术", "admin"), *arr, *e;
	struct call_script v[SCRIPTS_MAX];
	int i, n, rc;

	page_admin_nav(r, m, "scripts");
	if ((rc = call_scripts_load(a, v, SCRIPTS_MAX, &n)) != DB_OK) {
		page_db_error(r, rc);
		return;
	}
	arr = m_add(m, "scripts", m_arr());
	for (i = 0; i < n; i++) {
		e = m_push(arr, m_obj());
		m_str(e, "code", v[i].code);
		m_str(e, "name", v[i].name);
		m_str(e, "purpose", v[i].purpose);
		m_str(e, "text", v[i].text);
		m_str(e, "window_start", v[i].window_start);
		m_str(e, "window_end", v[i].window_end);
		m_bool(e, "enabled", v[i].enabled);
		m_bool(e, "disabled", !v[i].enabled);
		m_add(e, "intents", intents_model(a, &v[i]));
		m_str(e, "url", url_for(a, "/admin/scripts/%s", v[i].code));
	}
	m_bool(m, "none", n == 0);
	page_show(r, 200, "admin_scripts");
}

/* show: the form of s, as typed when typed (after a refusal). */
static void
show(struct req *r, const struct call_script *s, int typed, int status)
{
	struct arena *a = &r->arena;
	json_object *m = page_model(r, s->name, "admin"), *f, *arr, *e;
	const struct label *l;
	const char *v;
	size_t i;

	page_admin_nav(r, m, "scripts");
	m_str(m, "code", s->code);
	m_str(m, "name", s->name);
	m_str(m, "post", url_for(a, "/admin/scripts/%s", s->code));
	m_str(m, "list_url", url_for(a, "/admin/scripts"));
	f = m_add(m, "form", m_obj());
	if (typed) {
		for (i = 0; i < NELEM(fields); i++)
			m_str(f, fields[i].name, (v = req_get(r, fields[i].name)) ? v : "");
		m_str(f, "window_start", (v = req_get(r, "window_start")) ? v : "");
		m_str(f, "window_end", (v = req_get(r, "window_end")) ? v : "");
		m_bool(f, "enabled", req_get(r, "enabled") != NULL);
	} else {
		m_str(f, "name", s->name);
		m_str(f, "purpose", s->purpose);
		m_str(f, "text", s->text);
		m_str(f, "text_en", s->text_en);
		m_str(f, "window_start", s->window_start);
		m_str(f, "window_end", s->window_end);
		m_bool(f, "enabled", s->enabled);
	}
	m_add(m, "intents", intents_model(a, s));
	arr = m_add(m, "vars", m_arr());
	for (l = call_vars; l->code; l++) {
		e = m_push(arr, m_obj());
		m_str(e, "code", l->code);
		m_str(e, "written", arena_printf(a, "{{%s}}", l->code));
		m_str(e, "label", l->label);
	}
	if (status == 400)
		page_bad_input(r, "admin_scripts_edit");
	else
		page_show(r, status, "admin_scripts_edit");
}

/* script: the script the path names; the page's 404 or error when none. */
static int
script(struct req *r, struct call_script *s)
{
	int rc = call_script_get(&r->arena, r->seg[0], s);

	if (rc == SCRIPT_MISSING)
		page_error(r, 404, "没有这个话术", "%s", "没有这个外呼话术。");
	else if (rc != DB_OK)
		page_db_error(r, rc);
	return rc;
}

void
page_script(struct req *r)
{
	struct call_script s;

	if (script(r, &s) == DB_OK)
		show(r, &s, 0, 200);
}

/* hhmm: "HH:MM" as minutes of the day (24:00 is 1440 when end), or -1. */
static int
hhmm(const char *v, int end)
{
	int h, m;

	if (v == NULL || strlen(v) != 5 || v[2] != ':' || strspn(v, "0123456789:") != 5 ||
	    v[0] == ':' || v[1] == ':' || v[3] == ':' || v[4] == ':')
		return -1;
	h = (v[0] - '0') * 10 + (v[1] - '0');
	m = (v[3] - '0') * 10 + (v[4] - '0');
	if (end && h == 24 && m == 0)
		return 1440;
	return h < 24 && m < 60 ? h * 60 + m : -1;
}

/* read: the form into x; messages into page_errs. */
static void
read(struct req *r, struct call_script *x)
{
	struct arena *a = &r->arena;
	json_object *errs = page_errs(r);
	const char *got[NELEM(fields)], *bad;
	int rc, ws, we, unclosed;
	size_t i;

	for (i = 0; i < NELEM(fields); i++) {
		got[i] = "";
		rc = req_str(r, fields[i].name, fields[i].max, &got[i]);
		if (rc == REQ_MISSING && fields[i].optional)
			got[i] = "";
		else if (rc != REQ_OK)
			m_str(errs, fields[i].name, arena_printf(a, "请填写%s，最多 %zu 个字。",
			    fields[i].what, fields[i].max));
		else if ((bad = call_text_unknown(a, got[i], &unclosed)) != NULL)
			m_str(errs, fields[i].name, unclosed ?
			    arena_printf(a, "%s里的「%s」缺少结尾的「}}」。", fields[i].what, bad) :
			    arena_printf(a, "%s里的「{{%s}}」不是可用的变量，可用的变量见下方。",
			    fields[i].what, bad));
	}
	x->name = got[0];
	x->purpose = got[1];
	x->text = got[2];
	x->text_en = got[3];
	x->window_start = req_get(r, "window_start");
	x->window_end = req_get(r, "window_end");
	ws = hhmm(x->window_start, 0);
	we = hhmm(x->window_end, 1);
	if (ws < 0)
		m_str(errs, "window_start", "开始时间请写成 09:00 这样的时和分。");
	if (we < 0)
		m_str(errs, "window_end", "结束时间请写成 20:00 这样的时和分（到当天结束为 24:00）。");
	else if (ws >= 0 && we <= ws)
		m_str(errs, "window_end", "结束时间须晚于开始时间。");
	x->enabled = req_get(r, "enabled") != NULL;
}

void
page_script_save(struct req *r)
{
	struct call_script cur, x;
	int rc, changed = 0;

	if (script(r, &cur) != DB_OK)
		return;
	x = cur;
	read(r, &x);
	if (page_erred(r)) {
		show(r, &cur, 1, 400);
		return;
	}
	if ((rc = db_begin(DB_CONSOLE)) == DB_OK &&
	    (rc = call_script_save(&r->arena, auth_actor(r), &x, &changed)) == DOM_OK)
		rc = db_commit(DB_CONSOLE);
	if (rc != DOM_OK) {
		db_rollback(DB_CONSOLE);
		page_refused(r, rc);
		return;
	}
	page_done(r, changed ? "已保存" : "没有改动", url_for(&r->arena, "/admin/scripts"));
}
