/* act.c: an action on an order — the form, and its submission
 *
 * GET  /orders/{order_no}/act/{kind}   (the kind's permission) the form,
 *      filled from the order: the payment to refund, the shortfall to
 *      restock, the current address ...; or why the action is not valid now
 * POST /orders/{order_no}/act/{kind}   (the kind's permission) submit it
 *   key       the idempotency key the form carries (or the Idempotency-Key
 *             header): 16-64 of [A-Za-z0-9_-]
 *   case      the case it fixes (optional): the answer returns to it
 *   and each kind's fields (act_forms.c): cancel reason, note; refund
 *   payment, amount (yuan), reason; compensate amount, reason, note,
 *   days; address name, phone, province, city, district, detail; price
 *   price_<sku> (yuan), agreed; sms template; restock sku, qty
 *
 * The POST checks everything again on the server — the permission, the
 * order's state on the replica now, the fields — and writes the action to
 * the outbox (lib/domain/outbox.c) with its audit row and case event in
 * one transaction; mend-dispatch sends it.  Over the agent's money limits
 * it waits for a second person (/approvals).  The answer is 303 to the
 * order (or the case), or JSON {id, state, summary}.
 *
 * The form's key comes from the order, the kind and the order's newest
 * action: two agents who opened the same form at once submit one action
 * (the second sees it done; with other values, 422), while a new action
 * after it gets a new key.
 */
#include <string.h>

#include <sodium.h>

#include "core/db.h"
#include "core/model.h"
#include "core/resp.h"
#include "core/text.h"
#include "core/url.h"
#include "core/util.h"
#include "domain/actions.h"
#include "domain/outbox.h"
#include "ui/auth.h"
#include "ui/page.h"
#include "ui/views.h"
#include "order.h"

static struct db_stmt q_order = DB_STMT(DB_REPLICA,
	"SELECT o.id, o.order_no, o.user_id, o.warehouse, o.receiver_name, o.receiver_phone,"
	" o.province, o.city, o.district, o.address_detail, u.name,"
	" (SELECT GROUP_CONCAT(product_name, ' ×', qty ORDER BY id SEPARATOR '、')"
	"  FROM order_items WHERE order_id = o.id), " ORDER_STATE_COLS
	" FROM orders o LEFT JOIN users u ON u.id = o.user_id WHERE o.order_no = ?");
enum { A_ID, A_NO, A_USER, A_WH, A_RNAME, A_RPHONE, A_PROVINCE, A_CITY, A_DISTRICT,
	A_DETAIL, A_UNAME, A_ITEMS, A_STATE };
/* The order's latest actions: those on their way are shown, and the
 * newest one's id is the form key's part. */
static struct db_stmt q_actions = DB_STMT(DB_CONSOLE,
	"SELECT id, kind, summary, state, DATE_FORMAT(created_at, '%Y-%m-%d %H:%i')"
	" FROM outbox FORCE INDEX (ix_outbox_order) WHERE order_id = ?"
	" ORDER BY created_at DESC, id DESC LIMIT 20");
static struct db_stmt q_case = DB_STMT(DB_CONSOLE,
	"SELECT order_id FROM cases WHERE id = ?");

/* form_key: the idempotency key of this form now (see the header): the
 * order, the kind, the case and the order's newest action. */
static const char *
form_key(struct arena *a, const struct act *x, long long newest)
{
	unsigned char h[crypto_hash_sha256_BYTES];
	const char *src = arena_printf(a, "%s\n%s\n%lld\n%lld", x->o.no, x->kind->code,
	    x->case_id, newest);
	char *k = arena_alloc(a, 45);

	crypto_hash_sha256(h, (const unsigned char *)src, strlen(src));
	sodium_bin2base64(k, 45, h, 24, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return k;
}

/* load: the order and its actions into x and the model; DB_NOROW when
 * there is no such order. */
static int
load(struct req *r, json_object *m, struct act *x)
{
	struct arena *a = &r->arena;
	json_object *arr, *e;
	struct db_res res;
	long long newest = 0;
	int rc = DB_ONE(a, &q_order, &res, DB_STR(x->o.no));

	if (rc != DB_OK) {
		db_done(&res);
		return rc;
	}
	x->o.id = db_int(&res, A_ID);
	x->o.user_id = db_int(&res, A_USER);
	x->o.warehouse = arena_strdup(a, db_str(&res, A_WH));
	x->o.receiver = arena_strdup(a, db_str(&res, A_RNAME));
	x->o.phone = arena_strdup(a, db_str(&res, A_RPHONE));
	x->province = arena_strdup(a, db_str(&res, A_PROVINCE));
	x->city = arena_strdup(a, db_str(&res, A_CITY));
	x->district = arena_strdup(a, db_str(&res, A_DISTRICT));
	x->detail = arena_strdup(a, db_str(&res, A_DETAIL));
	x->customer = arena_strdup(a, db_str(&res, A_UNAME) ? db_str(&res, A_UNAME) : "");
	order_state_read(a, &res, A_STATE, &x->o.st);
	m_str(m, "items", db_str(&res, A_ITEMS));
	db_done(&res);

	m_str(m, "order_no", x->o.no);
	m_str(m, "order_url", url_for(a, "/orders/%s", x->o.no));
	m_label(m, "status", label_of(order_statuses, x->o.st.status));
	m_money(m, "paid_amount", x->o.st.paid_amount);
	m_money(m, "refunded_amount", x->o.st.refunded_amount);
	m_money(m, "held", order_held(&x->o.st));
	m_str(m, "receiver", x->o.receiver);
	m_str(m, "phone", mask_phone(a, x->o.phone));
	m_str(m, "region", arena_printf(a, "%s %s %s", x->province, x->city, x->district));

	if ((rc = DB_EXEC(a, &q_actions, &res, DB_INT(x->o.id))) != DB_OK)
		return rc;
	arr = m_add(m, "in_flight", m_arr());
	while ((rc = db_next(&res)) > 0) {
		const char *state = db_str(&res, 3);

		if (newest == 0)
			newest = db_int(&res, 0);
		if (!str_in_list("approval queued sending sent", state))
			continue;
		e = m_push(arr, m_obj());
		m_str(e, "summary", db_str(&res, 2));
		m_label(e, "state", label_of(outbox_states, state));
		m_str(e, "at", db_str(&res, 4));
	}
	m_bool(m, "has_in_flight", json_object_array_length(arr) > 0);
	if (rc < 0 || (rc = db_done(&res)) != DB_OK)
		return rc;
	x->key = form_key(a, x, newest);
	return DB_OK;
}

/* read_case: the case the action is for (?case=, or the form's field),
 * which must be the order's; 0 when none. */
static int
read_case(struct req *r, struct act *x)
{
	struct db_res res;
	long long id = 0;
	int rc;

	x->case_id = 0;
	if (req_get(r, "case") == NULL)
		return DB_OK;
	if (req_int(r, "case", 1, 999999999999LL, &id) != REQ_OK) {
		m_str(page_errs(r), "case", "异常单编号不正确。");
		return DB_OK;
	}
	if ((rc = DB_ONE(&r->arena, &q_case, &res, DB_INT(id))) == DB_OK &&
	    db_int(&res, 0) == x->o.id)
		x->case_id = id;
	else if (rc == DB_OK || rc == DB_NOROW)
		m_str(page_errs(r), "case", "这个异常单不属于这个订单。");
	db_done(&res);
	return rc == DB_NOROW ? DB_OK : rc;
}

/* start: the kind, the permission, the order, the case; 0 when the
 * answer is already given. */
static int
start(struct req *r, json_object **mp, struct act *x)
{
	struct arena *a = &r->arena;
	json_object *m;
	int rc;

	memset(x, 0, sizeof(*x));
	x->o.no = r->seg[0];
	if ((x->kind = action_kind(r->seg[1])) == NULL || !x->kind->form) {
		page_error(r, 404, "没有这个操作", "%s", "订单没有这种操作。");
		return 0;
	}
	if (!auth_can(r, x->kind->perm)) {
		page_error(r, 403, "没有权限",
		    "你的角色不能%s。如需权限，请联系管理员。", x->kind->label);
		return 0;
	}
	m = *mp = page_model(r, arena_printf(a, "%s · 订单 %s", x->kind->label, x->o.no),
	    "search");
	m_str(m, "kind", x->kind->code);
	m_str(m, "kind_label", x->kind->label);
	m_bool(m, arena_printf(a, "is_%s", x->kind->code), 1);
	if ((rc = load(r, m, x)) == DB_OK)
		rc = read_case(r, x);
	if (rc == DB_NOROW) {
		page_error(r, 404, "订单不存在", "没有订单 %s。", x->o.no);
		return 0;
	}
	if (rc != DB_OK) {
		page_db_error(r, rc);
		return 0;
	}
	m_str(m, "post", url_for(a, "/orders/%s/act/%s", x->o.no, x->kind->code));
	if (x->case_id) {
		m_int(m, "case", x->case_id);
		m_bool(m, "has_case", 1);
		m_str(m, "back", url_for(a, "/cases/%lld", x->case_id));
	} else
		m_str(m, "back", url_for(a, "/orders/%s", x->o.no));
	x->why_not = action_why_not(a, x->kind->code, &x->o.st);
	m_opt(m, "why_not", "invalid", x->why_not);
	m_bool(m, "valid", x->why_not == NULL);
	return 1;
}

void
page_act_form(struct req *r)
{
	json_object *m;
	struct act x;
	int rc;

	if (!start(r, &m, &x))
		return;
	m_str(m, "key", x.key);
	if (x.why_not == NULL && (rc = form_fill(r, m, &x)) != DB_OK) {
		page_db_error(r, rc);
		return;
	}
	page_show(r, x.why_not ? 409 : 200, "act");
}

void
page_act(struct req *r)
{
	struct arena *a = &r->arena;
	const char *key = req_get(r, "key");
	struct outbox_new n = { 0 };
	const char *state = "";
	json_object *m, *j;
	struct act x;
	long long id = 0;
	int rc;

	if (!start(r, &m, &x))
		return;
	if (key == NULL)
		key = req_env(r, "HTTP_IDEMPOTENCY_KEY");
	m_str(m, "key", key && outbox_key_ok(key) ? key : x.key);
	if (x.why_not) {
		page_error(r, 409, "现在不能这样做", "%s。", x.why_not);
		return;
	}
	if (!outbox_key_ok(key))
		m_str(page_errs(r), "key", "缺少幂等键（key），或格式不对：请从表单提交。");
	n.kind = x.kind->code;
	n.order_id = x.o.id;
	n.order_no = x.o.no;
	if ((rc = form_read(r, m, &x, &n)) != DB_OK) {
		page_db_error(r, rc);
		return;
	}
	n.key = key;			/* the request is built: now the key and case */
	n.case_id = x.case_id;
	if (page_erred(r)) {
		if ((rc = form_fill(r, m, &x)) != DB_OK) {
			page_db_error(r, rc);
			return;
		}
		page_bad_input(r, "act");
		return;
	}
	if ((rc = db_begin(DB_CONSOLE)) == DB_OK &&
	    (rc = outbox_submit(a, auth_actor(r), &n, &id, &state)) == DOM_OK)
		rc = db_commit(DB_CONSOLE);
	if (rc != DOM_OK && rc != OUTBOX_REPEAT) {
		db_rollback(DB_CONSOLE);
		page_refused(r, rc);
		return;
	}
	if (rc == OUTBOX_REPEAT)
		db_rollback(DB_CONSOLE);	/* nothing was written */
	if (r->json) {
		j = m_obj();
		m_int(j, "id", id);
		m_str(j, "key", key);
		m_label(j, "state", label_of(outbox_states, state));
		m_str(j, "summary", n.summary);
		m_bool(j, "repeat", rc == OUTBOX_REPEAT);
		m_str(j, "location", m_get(m, "back"));
		resp_json(r, 200, j);
		return;
	}
	resp_redirect(r, arena_printf(a, "%s%sdone=%s%s", m_get(m, "back"),
	    strchr(m_get(m, "back"), '?') ? "&" : "?", x.kind->code,
	    strcmp(state, "approval") == 0 ? "&approval=1" : rc == OUTBOX_REPEAT ? "&repeat=1" : ""));
}
