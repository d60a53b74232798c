/* dnc.c: the do-not-call list — numbers the robot never calls
 *
 * GET  /admin/dnc                  (manage_automation) newest first, at most
 *      200: each number's last four digits, why, who added it and when
 *      tail      4 digits: only the numbers ending so
 * POST /admin/dnc                  (manage_automation) add a number
 *      phone     a mainland mobile as people write it: full-width digits,
 *                spaces and dashes of any width, brackets, +86 / 0086
 *      reason    1..255 characters
 * POST /admin/dnc/{hash}/delete    (manage_automation) take it off again
 *
 * The list keeps a number as its HMAC-SHA256 under the console's own key
 * and its last four digits (lib/domain/calls.c), so no page can show it
 * whole, and the hash that names a row for the delete form cannot be
 * turned back into the number by trying every mobile.
 * Adding and removing are audited (dnc_added, dnc_removed) in the same
 * transaction (call_dnc_add, call_dnc_remove).  A customer who asks during
 * a call is added by the robot's callback, not here.
 *
 * The phone is read by a small reader of its own: the search box's
 * normaliser (cgi-bin/search/readings.c) is private to that program; when
 * it moves to lib/, this should use it.
 */
#include <string.h>

#include "core/db.h"
#include "core/model.h"
#include "core/url.h"
#include "core/util.h"
#include "core/text.h"
#include "domain/calls.h"
#include "domain/shop.h"
#include "ui/auth.h"
#include "ui/page.h"
#include "ui/views.h"
#include "admin.h"

#define ROWS_MAX 200

#define DNC_COLS "SELECT d.phone_hash, d.phone_tail, d.reason, d.actor, COALESCE(a.display_name, '')," \
	" DATE_FORMAT(d.created_at, '%Y-%m-%d %H:%i') FROM dnc d LEFT JOIN agents a ON a.id = d.agent_id"
static struct db_stmt q_list = DB_STMT(DB_CONSOLE,
	DNC_COLS " ORDER BY d.created_at DESC, d.phone_hash LIMIT 201");
static struct db_stmt q_tail = DB_STMT(DB_CONSOLE,
	DNC_COLS " WHERE d.phone_tail = ? ORDER BY d.created_at DESC, d.phone_hash LIMIT 201");
static struct db_stmt q_count = DB_STMT(DB_CONSOLE,
	"SELECT COUNT(*) FROM dnc");

static void
show(struct req *r, int status)
{
	struct arena *a = &r->arena;
	json_object *m = page_model(r, "免打扰名单", "admin"), *arr, *e;
	const char *tail = req_get(r, "tail"), *v;
	struct db_res res;
	int rc, n = 0;

	page_admin_nav(r, m, "dnc");
	if (tail && *tail && (strlen(tail) != 4 || strspn(tail, "0123456789") != 4)) {
		m_str(page_errs(r), "tail", "尾号为 4 位数字。");
		status = 400;
		tail = NULL;
	}
	if (tail && !*tail)
		tail = NULL;
	m_str(m, "tail", tail ? tail : "");
	rc = db_exec(a, &q_count, &res, 0, NULL);
	if (rc == DB_OK && (rc = db_next(&res)) > 0)
		m_int(m, "total", db_int(&res, 0));
	if (rc < 0 || (rc = db_done(&res)) != DB_OK ||
	    (rc = tail ? DB_EXEC(a, &q_tail, &res, DB_STR(tail)) :
	    db_exec(a, &q_list, &res, 0, NULL)) != DB_OK) {
		db_done(&res);
		page_db_error(r, rc);
		return;
	}
	arr = m_add(m, "rows", m_arr());
	while ((rc = db_next(&res)) > 0 && ++n <= ROWS_MAX) {
		const char *hash = db_str(&res, 0);

		e = m_push(arr, m_obj());
		m_str(e, "hash", hash);
		m_str(e, "tail", db_str(&res, 1));
		m_str(e, "reason", db_str(&res, 2));
		m_str(e, "actor", db_str(&res, 3));
		m_str(e, "who", *db_str(&res, 4) ? db_str(&res, 4) :
		    label_of(actor_names, db_str(&res, 3))->label);
		m_str(e, "at", db_str(&res, 5));
		m_str(e, "delete_url", url_for(a, "/admin/dnc/%s/delete", hash));
	}
	if ((rc = db_done(&res)) != DB_OK) {
		page_db_error(r, rc);
		return;
	}
	m_bool(m, "none", n == 0);
	m_bool(m, "more", n > ROWS_MAX);
	m_str(m, "post", url_for(a, "/admin/dnc"));
	m_str(m, "reason", (v = req_get(r, "reason")) ? v : "");
	if (status == 400)
		page_bad_input(r, "admin_dnc");
	else
		page_show(r, status, "admin_dnc");
}

void
page_dnc(struct req *r)
{
	show(r, 200);
}

void
page_dnc_add(struct req *r)
{
	const char *phone = NULL, *reason = NULL;
	char digits[12];
	int rc, had = 0;

	if (req_str(r, "phone", 40, &phone) != REQ_OK || phone_read(phone, digits) < 0)
		m_str(page_errs(r), "phone", "请填写 11 位大陆手机号，例如 138 1234 5678。");
	if (req_str(r, "reason", 255, &reason) != REQ_OK)
		m_str(page_errs(r), "reason", "请填写原因，最多 255 个字。");
	if (page_erred(r)) {
		show(r, 400);
		return;
	}
	if ((rc = db_begin(DB_CONSOLE)) == DB_OK &&
	    (rc = call_dnc_has(&r->arena, digits, &had)) == DB_OK &&
	    (had || (rc = call_dnc_add(&r->arena, auth_actor(r), digits, reason)) == DOM_OK))
		rc = db_commit(DB_CONSOLE);
	if (rc != DOM_OK) {
		db_rollback(DB_CONSOLE);
		page_refused(r, rc);
		return;
	}
	page_done(r, had ? "这个号码已在免打扰名单上" : "已加入免打扰名单",
	    url_for(&r->arena, "/admin/dnc"));
}

void
page_dnc_delete(struct req *r)
{
	const char *hash = r->seg[0];
	int rc;

	if (strlen(hash) != 64 || strspn(hash, "0123456789abcdef") != 64) {
		page_error(r, 404, "不在名单上", "%s", "免打扰名单上没有这个号码。");
		return;
	}
	if ((rc = db_begin(DB_CONSOLE)) == DB_OK &&
	    (rc = call_dnc_remove(&r->arena, auth_actor(r), hash)) == DOM_OK)
		rc = db_commit(DB_CONSOLE);
	if (rc != DOM_OK) {
		db_rollback(DB_CONSOLE);
		if (rc == DB_NOROW)
			page_error(r, 404, "不在名单上", "%s", "免打扰名单上没有这个号码。");
		else
			page_refused(r, rc);
		return;
	}
	page_done(r, "已移出免打扰名单", url_for(&r->arena, "/admin/dnc"));
}
