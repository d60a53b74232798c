/* views.c: models of what several pages show alike (see views.h) */
#include <stdio.h>
#include <string.h>

#include "core/model.h"
#include "core/text.h"
#include "core/url.h"
#include "domain/anomaly.h"
#include "domain/calls.h"
#include "ui/auth.h"
#include "ui/views.h"

void
m_label(json_object *o, const char *key, const struct label *l)
{
	char name[64];

	m_str(o, key, l->code);
	snprintf(name, sizeof(name), "%s_label", key);
	json_object_object_add(o, name, json_object_new_string(l->label));
	snprintf(name, sizeof(name), "%s_tone", key);
	json_object_object_add(o, name, json_object_new_string(l->tone ? l->tone : ""));
}

void
m_money(json_object *o, const char *key, long long fen)
{
	char name[64], s[YUAN_MAX];

	yuan_to(s, fen);
	m_str(o, key, s);
	snprintf(name, sizeof(name), "%s_fen", key);
	json_object_object_add(o, name, json_object_new_int64(fen));
}

void
m_facts(struct req *r, json_object *o, const char *key, const char *text)
{
	m_str(o, key, labels_in(&r->arena, text, pay_failures));
}

void
m_options(json_object *m, const char *key, const struct label *t, const char *cur)
{
	json_object *arr = m_add(m, key, m_arr());

	for (; t->code; t++) {
		json_object *o = m_push(arr, m_obj());

		m_str(o, "code", t->code);
		m_str(o, "label", t->label);
		m_bool(o, "selected", cur && strcmp(cur, t->code) == 0);
	}
}

/* tl_event: one event of the timeline as an entry, with text (NULL: its
 * own). */
static json_object *
tl_event(const struct tl_event *e, const char *text)
{
	json_object *o = m_obj();
	const struct label *who = label_of(actor_types, e->actor_type);

	m_strn(o, "at", e->at, strnlen(e->at, 19));
	m_str(o, "actor_type", e->actor_type);
	m_str(o, "actor_label", who->label);
	m_str(o, "actor_tone", who->tone);
	m_str(o, "actor", e->actor);
	m_str(o, "actor_name", e->actor_name);
	m_str(o, "kind", e->kind);
	m_str(o, "text", text ? text : e->text);
	m_bool(o, "console", e->console);
	if (*e->what && text == NULL) {	/* a stock move: its kind and pieces */
		m_str(o, "move", e->what);
		m_int(o, "qty", e->qty);
	}
	return o;
}

/* stock_run: the stock moves of ev[0..n) (n >= 2, newest first) as one
 * entry: "锁定库存 4 件，出库 4 件（共 6 条）", the moves inside. */
static json_object *
stock_run(const struct tl_event *ev, size_t n)
{
	const struct label *k;
	json_object *o, *moves;
	char text[512];
	size_t len = 0, i;

	for (k = stock_moves; k->code; k++) {
		long long qty = 0;
		int seen = 0;

		for (i = 0; i < n; i++)
			if (strcmp(ev[i].what, k->code) == 0) {
				qty += ev[i].qty;
				seen = 1;
			}
		if (seen && len < sizeof(text))
			len += (size_t)snprintf(text + len, sizeof(text) - len, "%s%s %lld 件",
			    len ? "，" : "", k->label, qty);
	}
	if (len < sizeof(text))
		snprintf(text + len, sizeof(text) - len, "（共 %zu 条库存变动）", n);
	o = tl_event(&ev[0], text);
	m_strn(o, "since", ev[n - 1].at, strnlen(ev[n - 1].at, 19));
	m_bool(o, "spans", strncmp(ev[0].at, ev[n - 1].at, 19) != 0);
	m_bool(o, "group", 1);
	moves = m_add(o, "moves", m_arr());
	for (i = 0; i < n; i++)
		m_push(moves, tl_event(&ev[i], NULL));
	return o;
}

json_object *
timeline_model(struct timeline *t)
{
	json_object *arr = m_arr();
	size_t i, n, max = t->n < TL_MAX ? t->n : TL_MAX;

	timeline_sort(t);
	for (i = 0; i < max; i += n) {
		for (n = 1; i + n < max && strcmp(t->ev[i].kind, "stock") == 0 &&
		    strcmp(t->ev[i + n].kind, "stock") == 0; n++)
			;
		if (n > 1)
			m_push(arr, stock_run(&t->ev[i], n));
		else {
			json_object *o = m_push(arr, tl_event(&t->ev[i], NULL));

			m_bool(o, "single", 1);
		}
	}
	return arr;
}

json_object *
actions_model(struct req *r, const char *order_no, long long case_id,
    const struct order_state *o)
{
	json_object *arr = m_arr();
	const struct action_kind *k;

	for (k = action_kinds; k->code; k++) {
		json_object *a;
		const char *why;
		int allowed;

		if (!k->form)
			continue;	/* prepared by the robot, not asked for */
		a = m_push(arr, m_obj());
		why = action_why_not(&r->arena, k->code, o);
		allowed = auth_can(r, k->perm);
		m_str(a, "code", k->code);
		m_str(a, "label", k->label);
		m_str(a, "why_not", why);
		m_bool(a, "valid", why == NULL);
		m_bool(a, "invalid", why != NULL);
		m_bool(a, "allowed", allowed);
		if (why == NULL && allowed && k->form)
			m_str(a, "url", case_id ?
			    url_for(&r->arena, "/orders/%s/act/%s?case=%lld", order_no, k->code,
			    case_id) : url_for(&r->arena, "/orders/%s/act/%s", order_no, k->code));
		m_bool(a, "has_url", why == NULL && allowed && k->form);
		m_bool(a, "no_url", !(why == NULL && allowed && k->form));
		m_str(a, "no_url_why", !allowed ? "你的角色不能做这件事" : why ? why : "即将提供");
	}
	return arr;
}

void
action_notice(struct req *r, json_object *m)
{
	const char *done = req_get(r, "done");
	const struct action_kind *k = done ? action_kind(done) : NULL;

	if (k == NULL || !k->form)
		return;
	if (strcmp(k->code, "call") == 0) {
		m_opt(m, "notice", "has_notice", "已安排外呼；机器人拨打后，结果会出现在时间线上。");
		return;
	}
	m_opt(m, "notice", "has_notice", req_get(r, "approval") ?
	    arena_printf(&r->arena, "%s超出你的限额，已提交审批；另一位有审批权限的同事同意后才会执行。",
	    k->label) : req_get(r, "repeat") ?
	    arena_printf(&r->arena, "这个%s已经提交过了，没有重复提交。", k->label) :
	    arena_printf(&r->arena, "已提交%s，正在发送；生效后时间线上会显示“已生效”。", k->label));
}

json_object *
suggested_model(struct req *r, const struct anomaly_kind *k, const char *order_no,
    long long case_id, const struct order_state *o)
{
	const struct action_kind *ak = k && *k->action ? action_kind(k->action) : NULL;
	json_object *e;
	const char *why;

	if (ak == NULL)
		return NULL;
	why = action_why_not(&r->arena, ak->code, o);
	e = m_obj();
	m_str(e, "code", ak->code);
	m_str(e, "label", ak->label);
	m_bool(e, "valid", why == NULL);
	m_opt(e, "why_not", "invalid", why);
	m_bool(e, "allowed", auth_can(r, ak->perm));
	m_bool(e, "denied", !auth_can(r, ak->perm));
	m_bool(e, "ready", why == NULL && auth_can(r, ak->perm));
	m_str(e, "url", url_for(&r->arena, "/orders/%s/act/%s?case=%lld%s%s", order_no, ak->code,
	    case_id, *k->preset ? "&" : "", k->preset));
	return e;
}

int
campaign_choice(struct req *r, json_object *m, const long long *ids, int n)
{
	struct call_script v[16];
	json_object *arr;
	int k, i, rc;

	if ((rc = call_scripts_load(&r->arena, v, 16, &k)) != DB_OK)
		return rc;
	arr = m_add(m, "scripts", m_arr());
	for (i = 0; i < k; i++)
		if (v[i].enabled) {
			json_object *o = m_push(arr, m_obj());

			m_str(o, "code", v[i].code);
			m_str(o, "name", v[i].name);
			m_str(o, "purpose", v[i].purpose);
		}
	arr = m_add(m, "cases", m_arr());
	for (i = 0; i < n; i++)
		m_int(m_push(arr, m_obj()), "id", ids[i]);
	m_int(m, "count", n);
	m_str(m, "post", url_for(&r->arena, "/campaigns"));
	return DB_OK;
}
