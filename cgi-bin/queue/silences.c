/* silences.c: keeping cases out of the queue for a while
 *
 * GET  /queue/silences               (view_orders) active and recent silences
 * POST /queue/silences               (approve) a new silence
 *   kind carrier sku warehouse user order   matchers, at least one
 *   hours     1..720 (default 24)
 *   reason    required, at most 255 characters
 * POST /queue/silences/{id}/end      (approve) end it now
 *
 * The silences themselves — which cases go under one, their events, the
 * audit rows — are lib/domain/silences.c's.
 */
#include <string.h>

#include "core/buf.h"
#include "core/model.h"
#include "core/resp.h"
#include "core/url.h"
#include "domain/silences.h"
#include "ui/auth.h"
#include "ui/page.h"
#include "ui/views.h"
#include "queue.h"

static struct db_stmt q_silences = DB_STMT(DB_CONSOLE,
	"SELECT s.id, s.kind, s.carrier, s.sku, s.warehouse, s.user_id, s.order_no,"
	" s.reason, a.display_name, s.created_at, s.ends_at, s.ended_at, s.cases_only,"
	" s.ends_at > NOW() AND s.ended_at IS NULL,"
	" (SELECT COUNT(*) FROM cases c WHERE c.silence_id = s.id AND c.live = 1), a.login"
	" FROM silences s LEFT JOIN agents a ON a.id = s.created_by"
	" WHERE s.ended_at IS NULL AND s.ends_at > NOW() - INTERVAL 7 DAY"
	"  OR s.ended_at > NOW() - INTERVAL 7 DAY"
	" ORDER BY s.ends_at > NOW() AND s.ended_at IS NULL DESC, s.id DESC LIMIT 200");

/* silence_form: the form's choices and values, as typed. */
static void
silence_form(struct req *r, json_object *m)
{
	const char *kind = req_get(r, "kind");
	json_object *arr = m_add(m, "kind_choices", m_arr());
	int i;

	for (i = 0; i < ANOMALY_KINDS; i++) {
		json_object *o = m_push(arr, m_obj());

		m_str(o, "code", anomaly_kinds[i].code);
		m_str(o, "label", anomaly_kinds[i].label);
		m_bool(o, "selected", kind && strcmp(kind, anomaly_kinds[i].code) == 0);
	}
	m_options(m, "carrier_choices", carriers, req_get(r, "carrier"));
	m_str(m, "sku", req_get(r, "sku") ? req_get(r, "sku") : "");
	m_str(m, "warehouse", req_get(r, "warehouse") ? req_get(r, "warehouse") : "");
	m_str(m, "user", req_get(r, "user") ? req_get(r, "user") : "");
	m_str(m, "order", req_get(r, "order") ? req_get(r, "order") : "");
	m_str(m, "hours", req_get(r, "hours") ? req_get(r, "hours") : "24");
	m_str(m, "reason", req_get(r, "reason") ? req_get(r, "reason") : "");
}

/* page_silences: the list and the form (the values typed, if any), with
 * the request's field messages (400) when it has any. */
void
page_silences(struct req *r)
{
	struct arena *a = &r->arena;
	json_object *m = page_model(r, "静默规则", "queue"), *arr;
	struct db_res res;
	int rc;

	silence_form(r, m);
	arr = m_add(m, "silences", m_arr());
	m_bool(m, "can_silence", auth_can(r, PERM_APPROVE));
	m_str(m, "u_new", url_for(a, "/queue/silences"));
	if ((rc = db_exec(a, &q_silences, &res, 0, NULL)) != DB_OK) {
		page_db_error(r, rc);
		return;
	}
	while ((rc = db_next(&res)) > 0) {
		json_object *o = m_push(arr, m_obj());
		struct buf b = { 0 };
		long long id = db_int(&res, 0);

		m_int(o, "id", id);
		if (!db_null(&res, 1))
			buf_printf(&b, "类型=%s ", anomaly_label(db_str(&res, 1)));
		if (!db_null(&res, 2))
			buf_printf(&b, "快递=%s ", label_of(carriers, db_str(&res, 2))->label);
		if (!db_null(&res, 3))
			buf_printf(&b, "SKU=%s ", db_str(&res, 3));
		if (!db_null(&res, 4))
			buf_printf(&b, "仓库=%s ", db_str(&res, 4));
		if (!db_null(&res, 5))
			buf_printf(&b, "用户=%s ", db_str(&res, 5));
		if (!db_null(&res, 6))
			buf_printf(&b, "订单=%s ", db_str(&res, 6));
		if (db_int(&res, 12))
			buf_puts(&b, "选定的异常单");
		m_str(o, "matchers", b.p ? b.p : "");
		buf_free(&b);
		m_str(o, "reason", db_str(&res, 7));
		m_str(o, "by", db_str(&res, 8));
		m_str(o, "by_login", db_str(&res, 15));
		m_str(o, "created_at", db_str(&res, 9));
		m_str(o, "ends_at", db_str(&res, 10));
		m_opt(o, "ended_at", "ended_early", db_str(&res, 11));
		m_bool(o, "active", db_int(&res, 13) != 0);
		m_bool(o, "can_end", db_int(&res, 13) != 0 && auth_can(r, PERM_APPROVE));
		m_int(o, "cases", db_int(&res, 14));
		m_str(o, "end_url", url_for(a, "/queue/silences/%lld/end", id));
	}
	if (rc < 0 || (rc = db_done(&res)) != DB_OK) {
		page_db_error(r, rc);
		return;
	}
	m_bool(m, "none", json_object_array_length(arr) == 0);
	if (page_erred(r))
		page_bad_input(r, "silences");
	else
		page_show(r, 200, "silences");
}

/* code_ok: letters, digits, '-' and '_' only (SKUs, warehouses). */
static int
code_ok(const char *s)
{
	return strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789-_") == strlen(s);
}

void
page_silence_new(struct req *r)
{
	struct arena *a = &r->arena;
	json_object *errs = page_errs(r), *m;
	struct silence_match sm = { 0 };
	const char *kind, *carrier, *sku, *wh, *no, *reason;
	long long user = 0, hours = 24, id, n;
	int rc, matchers = 0;

	if ((rc = req_str(r, "kind", 32, &kind)) == REQ_BAD ||
	    (rc == REQ_OK && !anomaly_kind(kind)))
		m_str(errs, "kind", "没有这种异常类型。");
	matchers += rc == REQ_OK;
	if (rc != REQ_OK)
		kind = NULL;
	if ((rc = req_str(r, "carrier", 8, &carrier)) == REQ_BAD ||
	    (rc == REQ_OK && !label_known(carriers, carrier)))
		m_str(errs, "carrier", "没有这个快递公司。");
	matchers += rc == REQ_OK;
	if (rc != REQ_OK)
		carrier = NULL;
	if ((rc = req_str(r, "sku", 32, &sku)) == REQ_BAD || (rc == REQ_OK && !code_ok(sku)))
		m_str(errs, "sku", "SKU 只能有字母、数字、- 和 _，最多 32 个。");
	matchers += rc == REQ_OK;
	if (rc != REQ_OK)
		sku = NULL;
	if ((rc = req_str(r, "warehouse", 16, &wh)) == REQ_BAD || (rc == REQ_OK && !code_ok(wh)))
		m_str(errs, "warehouse", "仓库编码只能有字母、数字、- 和 _，最多 16 个。");
	matchers += rc == REQ_OK;
	if (rc != REQ_OK)
		wh = NULL;
	if ((rc = req_int(r, "user", 1, 999999999999LL, &user)) == REQ_BAD)
		m_str(errs, "user", "用户 ID 是数字。");
	matchers += rc == REQ_OK;
	if ((rc = req_str(r, "order", 32, &no)) == REQ_BAD || (rc == REQ_OK && !order_no_valid(no)))
		m_str(errs, "order", "订单号不正确。");
	matchers += rc == REQ_OK;
	if (rc != REQ_OK)
		no = NULL;
	if ((rc = req_int(r, "hours", 1, 720, &hours)) == REQ_BAD)
		m_str(errs, "hours", "静默时长为 1 到 720 小时。");
	if ((rc = req_str(r, "reason", REASON_MAX, &reason)) != REQ_OK)
		m_str(errs, "reason", rc == REQ_BAD ? "原因最多 255 个字。" :
		    "请写明静默原因。");
	if (matchers == 0 && !page_erred(r))
		m_str(errs, "kind", "至少选择一个条件，不能静默全部异常。");
	if (page_erred(r)) {
		page_silences(r);
		return;
	}
	sm.kind = kind;
	sm.carrier = carrier;
	sm.sku = sku;
	sm.warehouse = wh;
	sm.user_id = user;
	sm.order_no = no;
	if ((rc = db_begin(DB_CONSOLE)) != DB_OK ||
	    (rc = silence_create(a, auth_actor(r), &sm, hours, reason, &id, &n)) != DB_OK ||
	    (rc = db_commit(DB_CONSOLE)) != DB_OK) {
		db_rollback(DB_CONSOLE);
		page_db_error(r, rc);
		return;
	}
	if (r->json) {
		m = m_obj();
		m_int(m, "id", id);
		m_int(m, "silenced", n);
		resp_json(r, 201, m);
		return;
	}
	resp_redirect(r, url_for(a, "/queue/silences"));
}

void
page_silence_end(struct req *r)
{
	long long id = page_id(r, 0);
	json_object *m;
	int rc;

	if (id == 0) {
		page_error(r, 404, "没有这个静默规则", "%s", "编号不正确。");
		return;
	}
	if ((rc = db_begin(DB_CONSOLE)) != DB_OK ||
	    (rc = silence_end(&r->arena, auth_actor(r), id)) != DOM_OK ||
	    (rc = db_commit(DB_CONSOLE)) != DB_OK) {
		db_rollback(DB_CONSOLE);
		if (rc == SILENCE_MISSING)
			page_error(r, 404, "没有这个静默规则", "静默规则 %lld 不存在或已经结束。", id);
		else
			page_db_error(r, rc);
		return;
	}
	if (r->json) {
		m = m_obj();
		m_int(m, "id", id);
		m_str(m, "outcome", "ended");
		resp_json(r, 200, m);
		return;
	}
	resp_redirect(r, url_for(&r->arena, "/queue/silences"));
}
