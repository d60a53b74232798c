/* bulk.c: one action over many cases
 *
 * POST /queue/bulk/{claim,resolve,dismiss}   (view_orders)
 * POST /queue/bulk/{assign,silence}          (approve)
 * POST /queue/bulk/campaign                  (run_campaign) the cases, ticked
 *             or the whole filter's, to a campaign: the form that picks its
 *             script and posts them to /campaigns (cgi-bin/calls)
 *   id        repeatable, the chosen cases; or all=1 and the filter
 *             (filter.c): every case it matches (at most BULK_MAX, in its
 *             order)
 *   confirm   1 to do it; without it the answer is a confirmation page
 *             stating the count (scripts send confirm=1 at once)
 *   reason    dismiss: why (required); resolve: how; silence: why (required)
 *   to        assign: the agent's id
 *   hours     silence: how long, 1..720
 *   back      a local /queue or /incidents link to return to
 *
 * The action runs case by case through case_act, in one transaction: a
 * case whose state changed meanwhile is skipped and counted.  A bulk
 * silence is a silence for the chosen cases only.
 */
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/model.h"
#include "core/resp.h"
#include "core/url.h"
#include "core/util.h"
#include "domain/cases.h"
#include "domain/silences.h"
#include "ui/auth.h"
#include "ui/page.h"
#include "ui/views.h"
#include "queue.h"

#define SAMPLE_ROWS 20		/* cases a confirmation lists */

/* The chosen cases that exist, in id order. */
static struct db_stmt q_chosen = DB_STMT(DB_CONSOLE,
	"SELECT STRAIGHT_JOIN c.id, c.kind, c.order_no, c.state, c.facts FROM JSON_TABLE(?,"
	" '$[*]' COLUMNS (id BIGINT UNSIGNED PATH '$')) j JOIN cases c ON c.id = j.id"
	" ORDER BY c.id");
static struct db_stmt q_agent_ok = DB_STMT(DB_CONSOLE,
	"SELECT 1 FROM agents WHERE id = ? AND disabled_at IS NULL AND service = 0");

/* What a bulk request asks for. */
struct bulk {
	const char *action;
	const char *ids;	/* the cases, a JSON array */
	long long n;		/* how many */
	int more;		/* the filter matched more than BULK_MAX */
	const char *reason;
	long long to, hours;
};

/* chosen: the cases the request names, into b; DB_OK, DB_NOROW when the
 * ids are not numbers or too many, or a db error. */
static int
chosen(struct req *r, const struct filter *f, struct bulk *b)
{
	const char *ids[BULK_MAX + 1], *all = req_get(r, "all");
	struct buf out = { 0 };
	struct db_query d;
	struct db_res res;
	long long id;
	int i, k, rc = DB_OK;

	buf_putc(&out, '[');
	if (all && strcmp(all, "1") == 0) {
		filter_list(&d, f, r->sess->agent_id, BULK_MAX + 1);
		if ((rc = dbq_exec(&r->arena, &d, &res)) != DB_OK)
			goto out;
		while ((rc = db_next(&res)) > 0) {
			if (b->n == BULK_MAX) {
				b->more = 1;
				break;
			}
			buf_printf(&out, "%s%s", b->n++ ? "," : "", db_str(&res, L_ID));
		}
		if (rc < 0 || (rc = db_done(&res)) != DB_OK)
			goto out;
	} else {
		if ((k = req_all(r, "id", ids, BULK_MAX)) < 0) {
			rc = DB_NOROW;
			goto out;
		}
		for (i = 0; i < k; i++) {
			if (parse_i64(ids[i], strlen(ids[i]), &id) < 0 || id <= 0) {
				rc = DB_NOROW;
				goto out;
			}
			buf_printf(&out, "%s%lld", b->n++ ? "," : "", id);
		}
	}
	buf_putc(&out, ']');
	b->ids = arena_strdup(&r->arena, out.p);
out:
	buf_free(&out);
	return rc;
}

/* extra: what the action needs beyond the cases; messages into the
 * request's field errors. */
static int
extra(struct req *r, struct bulk *b, json_object *m)
{
	json_object *errs = page_errs(r);
	struct db_res res;
	int rc = req_str(r, "reason", REASON_MAX, &b->reason);

	if (rc == REQ_BAD)
		m_str(errs, "reason", "原因最多 255 个字。");
	if (rc != REQ_OK)
		b->reason = NULL;
	m_str(m, "reason", b->reason ? b->reason : "");
	if ((strcmp(b->action, "dismiss") == 0 || strcmp(b->action, "silence") == 0) &&
	    !b->reason && rc != REQ_BAD)
		m_str(errs, "reason", "请写明原因。");
	if (strcmp(b->action, "assign") == 0) {
		if (req_int(r, "to", 1, 999999999999LL, &b->to) != REQ_OK)
			m_str(errs, "to", "请选择要指派的客服。");
		else {
			rc = DB_ONE(&r->arena, &q_agent_ok, &res, DB_INT(b->to));
			db_done(&res);
			if (rc != DB_OK && rc != DB_NOROW)
				return rc;
			if (rc == DB_NOROW)
				m_str(errs, "to", "这个客服不存在或已停用。");
		}
	}
	b->hours = 24;
	if (strcmp(b->action, "silence") == 0 &&
	    (rc = req_int(r, "hours", 1, 720, &b->hours)) != REQ_OK && rc != REQ_MISSING)
		m_str(errs, "hours", "静默时长为 1 到 720 小时。");
	m_int(m, "hours", b->hours);
	return DB_OK;
}

/* confirm: the confirmation, stating the count and listing a sample (or,
 * when a confirmed request had bad fields, the same with the messages). */
static void
confirm(struct req *r, const struct bulk *b, json_object *m, int confirmed)
{
	json_object *idarr = m_add(m, "ids", m_arr()), *list, *o;
	struct db_res res;
	int rc;

	m_int(m, "count", b->n);
	m_bool(m, "more", b->more);
	list = m_add(m, "sample", m_arr());
	if ((rc = DB_EXEC(&r->arena, &q_chosen, &res, DB_STR(b->ids))) != DB_OK) {
		page_db_error(r, rc);
		return;
	}
	while ((rc = db_next(&res)) > 0) {
		m_push(idarr, json_object_new_int64(db_int(&res, 0)));
		if (json_object_array_length(list) >= SAMPLE_ROWS)
			continue;
		o = m_push(list, m_obj());
		m_int(o, "id", db_int(&res, 0));
		m_str(o, "kind_label", anomaly_label(db_str(&res, 1)));
		m_str(o, "order_no", db_str(&res, 2));
		m_label(o, "state", label_of(case_states, db_str(&res, 3)));
		m_facts(r, o, "facts", db_str(&res, 4));
	}
	if (rc < 0 || (rc = db_done(&res)) != DB_OK) {
		page_db_error(r, rc);
		return;
	}
	m_bool(m, "has_more_sample", b->n > SAMPLE_ROWS);
	if (confirmed && page_erred(r))
		page_bad_input(r, "bulk");
	else
		page_show(r, 200, "bulk");
}

/* What a bulk action did: done, skipped (changed meanwhile or gone),
 * taken (another agent's, for a claim), refused (another refusal: not a
 * person, no such agent). */
struct outcome {
	long long done, skipped, taken, refused;
	long long silence;	/* a bulk silence's id */
};

/* apply: the action on every chosen case, in one transaction. */
static int
apply(struct req *r, const struct bulk *b, struct outcome *o)
{
	struct arena *a = &r->arena;
	const struct actor *who = auth_actor(r);
	const char *text = b->reason;
	struct db_res res;
	long long *each, to = b->to, n = b->n;
	size_t k = 0, i;
	int rc;

	if (strcmp(b->action, "resolve") == 0 && !text)
		text = "批量解决";
	if ((rc = db_begin(DB_CONSOLE)) != DB_OK)
		return rc;
	if (strcmp(b->action, "silence") == 0 &&
	    (rc = silence_create(a, who, NULL, b->hours, b->reason, &o->silence, &n)) != DB_OK)
		goto fail;
	to = o->silence ? o->silence : to;
	if ((rc = DB_EXEC(a, &q_chosen, &res, DB_STR(b->ids))) != DB_OK)
		goto fail;
	each = arena_alloc(a, (res.rows + 1) * sizeof(*each));
	while ((rc = db_next(&res)) > 0)
		each[k++] = db_int(&res, 0);
	if (rc < 0 || (rc = db_done(&res)) != DB_OK)
		goto fail;
	o->skipped = b->n - (long long)k;	/* gone */
	for (i = 0; i < k; i++) {
		rc = case_act(a, who, each[i], b->action,
		    &(struct case_args){ .to = to, .text = text });
		if (rc == CASE_CHANGED || rc == CASE_MISSING)
			o->skipped++;
		else if (rc == CASE_TAKEN)
			o->taken++;
		else if (rc > 0)
			o->refused++;
		else if (rc != DB_OK)
			goto fail;
		else
			o->done++;
	}
	if ((rc = db_commit(DB_CONSOLE)) == DB_OK)
		return DB_OK;
fail:
	db_rollback(DB_CONSOLE);
	return rc;
}

/* campaign_of: the chosen cases, for a campaign: its script's form. */
static void
campaign_of(struct req *r, const struct bulk *b)
{
	long long *v = arena_alloc(&r->arena, (size_t)(b->n + 1) * sizeof(*v));
	const char *p = b->ids;
	char *end;
	int n = 0, rc;

	/* b->ids is "[1,2,...]", made by chosen() */
	while (n < b->n && *p && *++p && *p != ']') {
		v[n++] = strtoll(p, &end, 10);
		p = end;
	}
	if ((rc = campaign_choice(r, r->model, v, n)) != DB_OK)
		page_db_error(r, rc);
	else
		page_show(r, 200, "campaign_new");
}

void
page_bulk(struct req *r)
{
	struct arena *a = &r->arena;
	struct bulk b = { .action = strrchr(r->path, '/') + 1 };
	const char *label = strcmp(b.action, "campaign") == 0 ? "外呼" :
	    label_of(case_actions, b.action)->label, *v;
	json_object *m = page_model(r, arena_printf(a, "批量%s", label), "queue");
	struct outcome o = { 0 };
	struct filter f;
	int rc;

	m_str(m, "action", b.action);
	m_str(m, "action_label", label);
	m_bool(m, "need_reason", strcmp(b.action, "dismiss") == 0 ||
	    strcmp(b.action, "silence") == 0);
	m_bool(m, "want_reason", strcmp(b.action, "resolve") == 0);
	m_bool(m, "need_to", strcmp(b.action, "assign") == 0);
	m_bool(m, "need_hours", strcmp(b.action, "silence") == 0);
	m_str(m, "post", url_for(a, "/queue/bulk/%s", b.action));
	m_str(m, "back", back_link(r));
	filter_read(r, &f, m);
	if (page_erred(r)) {
		page_error(r, 400, "筛选条件不正确", "%s", "请回到异常队列重新选择。");
		return;
	}
	if ((rc = chosen(r, &f, &b)) != DB_OK) {
		if (rc == DB_NOROW)
			page_error(r, 400, "选择的异常单不正确",
			    "一次最多处理 %d 个异常单，编号须为数字。", BULK_MAX);
		else
			page_db_error(r, rc);
		return;
	}
	if (b.n == 0) {
		page_error(r, 400, "没有选择异常单", "%s", "请先勾选异常单，或选择“当前筛选的全部”。");
		return;
	}
	if (strcmp(b.action, "campaign") == 0) {
		campaign_of(r, &b);
		return;
	}
	if ((rc = extra(r, &b, m)) != DB_OK || (rc = agent_choices(r, m, b.to)) != DB_OK) {
		page_db_error(r, rc);
		return;
	}
	v = req_get(r, "confirm");
	if (v == NULL || strcmp(v, "1") != 0 || page_erred(r)) {
		confirm(r, &b, m, v && strcmp(v, "1") == 0);
		return;
	}
	if ((rc = apply(r, &b, &o)) != DB_OK) {
		page_db_error(r, rc);
		return;
	}
	if (r->json) {
		json_object *j = m_obj();

		m_str(j, "action", b.action);
		m_int(j, "requested", b.n);
		m_int(j, "done", o.done);
		m_int(j, "skipped", o.skipped + o.taken + o.refused);
		m_int(j, "changed", o.skipped);
		m_int(j, "taken", o.taken);
		m_int(j, "refused", o.refused);
		m_bool(j, "more", b.more);
		if (o.silence)
			m_int(j, "silence_id", o.silence);
		resp_json(r, 200, j);
		return;
	}
	back_done(r, b.action, o.done, o.skipped + o.refused, o.taken);
}
