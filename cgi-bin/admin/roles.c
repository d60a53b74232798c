/* roles.c: roles and their permissions
 *
 * GET  /admin/roles                    (admin) roles x permissions
 * POST /admin/roles                    (admin) a new role: name [a-z_]{2,32}, title
 *                                      1..64 characters, perm repeatable
 * POST /admin/roles/{role}             (admin) a role's perm (repeatable) and title
 *
 * The changes are role_create and role_update (lib/domain/agents.h), each
 * audited in its transaction.  A role that only loses permissions updates
 * its agents' sessions in place; one that gains any ends them, and the
 * admin making the change, if they hold the role, gets a new session in
 * this browser.  The admin role keeps the admin permission, and no change
 * may leave the console without an enabled person holding it.
 */
#include <string.h>

#include "core/db.h"
#include "core/model.h"
#include "core/url.h"
#include "domain/agents.h"
#include "ui/auth.h"
#include "ui/page.h"
#include "admin.h"

#define ROLE_CHARS "abcdefghijklmnopqrstuvwxyz_"

/* roles_model: the grid and the new-role form (as typed, or empty); NULL
 * when answered. */
static json_object *
roles_model(struct req *r, const struct roles *rs, unsigned long new_perms)
{
	json_object *m = page_model(r, "角色与权限", "admin"), *arr, *rows, *nf;
	struct perm_rows ps;
	const char *v;
	int rc, i, k, typed;

	page_admin_nav(r, m, "roles");
	arr = m_add(m, "roles", m_arr());
	for (i = 0; i < rs->n; i++) {
		json_object *e = m_push(arr, m_obj());

		m_str(e, "name", rs->v[i].name);
		m_str(e, "title", rs->v[i].title);
		m_int(e, "agents", rs->v[i].agents);
		m_str(e, "perms", perms_text(&r->arena, rs->v[i].perms));
		m_str(e, "perms_label", perms_titles(&r->arena, rs->v[i].perms));
		m_str(e, "form", arena_printf(&r->arena, "role-%s", rs->v[i].name));
		m_str(e, "action", url_for(&r->arena, "/admin/roles/%s", rs->v[i].name));
	}
	if ((rc = load_perms(r, &ps)) != DB_OK) {
		page_db_error(r, rc);
		return NULL;
	}
	rows = m_add(m, "grid", m_arr());
	for (k = 0; k < ps.n; k++) {
		json_object *row = m_push(rows, m_obj()), *cells;
		unsigned long bit = 1UL << ps.v[k].bit;

		m_str(row, "perm", ps.v[k].name);
		m_str(row, "perm_title", ps.v[k].title);
		cells = m_add(row, "cells", m_arr());
		for (i = 0; i < rs->n; i++) {
			json_object *c = m_push(cells, m_obj());

			m_str(c, "form", arena_printf(&r->arena, "role-%s", rs->v[i].name));
			m_str(c, "role", rs->v[i].name);
			m_bool(c, "on", (rs->v[i].perms & bit) != 0);
			/* the admin role keeps the admin permission */
			m_bool(c, "locked", bit == PERM_ADMIN && strcmp(rs->v[i].name, "admin") == 0);
		}
	}
	nf = m_add(m, "new", m_obj());
	m_str(nf, "action", url_for(&r->arena, "/admin/roles"));
	typed = strcmp(r->method, "POST") == 0 && r->nseg == 0;
	m_str(nf, "name", typed && (v = req_get(r, "name")) ? v : "");
	m_str(nf, "title", typed && (v = req_get(r, "title")) ? v : "");
	if ((rc = perm_list(r, m_add(nf, "perms", m_arr()), new_perms, 1)) != DB_OK) {
		page_db_error(r, rc);
		return NULL;
	}
	return m;
}

void
page_roles(struct req *r)
{
	struct roles rs;
	int rc;

	if ((rc = load_roles(r, &rs)) != DB_OK) {
		page_db_error(r, rc);
		return;
	}
	if (roles_model(r, &rs, 0) != NULL)
		page_show(r, 200, "admin_roles");
}

/* read_perms: the perm parameters as bits; -1 on an unknown name. */
static long long
read_perms(struct req *r)
{
	const char *names[PERM_COUNT + 1];
	unsigned long perms = 0;
	int n = req_all(r, "perm", names, PERM_COUNT + 1), i, k;

	if (n < 0)
		return -1;
	for (i = 0; i < n; i++) {
		if ((k = perm_bit(names[i])) < 0)
			return -1;
		perms |= 1UL << k;
	}
	return (long long)perms;
}

/* roles_again: the roles page again, 400, with the messages in
 * page_errs. */
static void
roles_again(struct req *r, const struct roles *rs, unsigned long perms)
{
	if (roles_model(r, rs, perms) != NULL)
		page_bad_input(r, "admin_roles");
}

void
page_role_new(struct req *r)
{
	json_object *errs = page_errs(r);
	const char *name = NULL, *title = NULL;
	long long perms = read_perms(r);
	struct roles rs;
	size_t n;
	int rc;

	if ((rc = load_roles(r, &rs)) != DB_OK) {
		page_db_error(r, rc);
		return;
	}
	if (req_str(r, "name", 32, &name) != REQ_OK || (n = strlen(name)) < 2 ||
	    strspn(name, ROLE_CHARS) != n)
		m_str(errs, "name", "角色代码为 2 到 32 个小写字母或 _");
	else if (find_role(&rs, name))
		m_str(errs, "name", "这个角色已经存在");
	if (req_str(r, "title", 64, &title) != REQ_OK)
		m_str(errs, "title", "请填写角色名称（1 到 64 个字）");
	if (perms < 0)
		m_str(errs, "perm", "没有这个权限");
	if (!page_erred(r)) {
		if ((rc = db_begin(DB_CONSOLE)) == DB_OK &&
		    (rc = role_create(&r->arena, auth_actor(r), name, title,
		    (unsigned long)perms)) == DOM_OK)
			rc = db_commit(DB_CONSOLE);
		if (rc == ROLE_EXISTS) {
			db_rollback(DB_CONSOLE);
			m_str(errs, "name", "这个角色已经存在");
		} else if (rc != DOM_OK) {
			admin_fail(r, rc);
			return;
		}
	}
	if (page_erred(r)) {
		roles_again(r, &rs, perms < 0 ? 0 : (unsigned long)perms);
		return;
	}
	page_done(r, "role_created", url_for(&r->arena, "/admin/roles"));
}

/* page_role_save: a role's title and permissions (role_update).  Its
 * agents' sessions are brought in line in the same transaction; when it
 * gained any permission they are ended, and the admin making the change,
 * if they hold the role, gets a new session in this browser (auth_renew). */
void
page_role_save(struct req *r)
{
	json_object *errs = page_errs(r);
	const struct role *role;
	const char *title = NULL;
	long long perms = read_perms(r);
	unsigned long gained = 0;
	struct roles rs;
	int rc, changed = 0;

	if ((rc = load_roles(r, &rs)) != DB_OK) {
		page_db_error(r, rc);
		return;
	}
	if ((role = find_role(&rs, r->seg[0])) == NULL) {
		page_error(r, 404, "没有这个角色", "没有这个角色。");
		return;
	}
	if (req_str(r, "title", 64, &title) == REQ_BAD)
		m_str(errs, "role", "角色名称最多 64 个字");
	else if (perms < 0)
		m_str(errs, "role", "没有这个权限");
	if (page_erred(r)) {
		roles_again(r, &rs, 0);
		return;
	}
	if ((rc = db_begin(DB_CONSOLE)) == DB_OK &&
	    (rc = role_update(&r->arena, auth_actor(r), role->name, title,
	    (unsigned long)perms, &gained, &changed)) == DOM_OK && changed) {
		if (!gained || (rc = auth_renew(r)) == DB_OK)
			rc = db_commit(DB_CONSOLE);
	} else if (rc == DOM_OK)
		db_rollback(DB_CONSOLE);	/* nothing to change */
	if (rc == ROLE_KEEPS_ADMIN || rc == LAST_ADMIN) {
		db_rollback(DB_CONSOLE);
		m_str(errs, "role", rc == ROLE_KEEPS_ADMIN ?
		    "「管理员」角色必须保留「系统管理」权限。" :
		    "不能移除最后一位管理员的管理权限。");
		roles_again(r, &rs, 0);
		return;
	}
	if (rc == ROLE_MISSING) {
		db_rollback(DB_CONSOLE);
		page_error(r, 404, "没有这个角色", "没有这个角色。");
		return;
	}
	if (rc != DOM_OK) {
		admin_fail(r, rc);
		return;
	}
	page_done(r, changed ? "role_updated" : "unchanged", url_for(&r->arena, "/admin/roles"));
}
