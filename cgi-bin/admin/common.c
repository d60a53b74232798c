/* common.c: what several admin pages share — the roles, their checkboxes,
 * the permission list (see admin.h)
 */
#include <string.h>

#include "core/buf.h"
#include "core/db.h"
#include "core/model.h"
#include "core/util.h"
#include "ui/auth.h"
#include "ui/page.h"
#include "admin.h"

static struct db_stmt q_roles = DB_STMT(DB_CONSOLE,
	"SELECT r.name, r.title,"
	" (SELECT COALESCE(BIT_OR(1 << p.bit), 0) FROM role_permissions rp"
	"  JOIN permissions p ON p.name = rp.permission WHERE rp.role = r.name),"
	" (SELECT COUNT(*) FROM agent_roles ar JOIN agents a ON a.id = ar.agent_id"
	"  WHERE ar.role = r.name AND a.disabled_at IS NULL)"
	" FROM roles r ORDER BY r.created_at, FIELD(r.name, 'agent', 'lead', 'admin'), r.name"
	" LIMIT 64");
static struct db_stmt q_perms = DB_STMT(DB_CONSOLE,
	"SELECT name, bit, title FROM permissions ORDER BY bit");

int
load_roles(struct req *r, struct roles *rs)
{
	struct db_res res;
	int rc;

	rs->n = 0;
	if ((rc = db_exec(&r->arena, &q_roles, &res, 0, NULL)) != DB_OK)
		return rc;
	while ((rc = db_next(&res)) > 0 && rs->n < (int)NELEM(rs->v)) {
		struct role *o = &rs->v[rs->n++];

		o->name = arena_strdup(&r->arena, db_str(&res, 0));
		o->title = arena_strdup(&r->arena, db_str(&res, 1));
		o->perms = (unsigned long)db_int(&res, 2);
		o->agents = db_int(&res, 3);
	}
	db_done(&res);
	return rc < 0 ? rc : DB_OK;
}

const struct role *
find_role(const struct roles *rs, const char *name)
{
	int i;

	for (i = 0; i < rs->n; i++)
		if (strcmp(rs->v[i].name, name) == 0)
			return &rs->v[i];
	return NULL;
}

char *
role_titles(struct req *r, const struct roles *rs, const char *list)
{
	struct buf b = { 0 };
	char *out;
	int i;

	for (i = 0; list && i < rs->n; i++)
		if (str_in_list(list, rs->v[i].name))
			buf_printf(&b, "%s%s", b.len ? "、" : "", rs->v[i].title);
	out = arena_strdup(&r->arena, b.p ? b.p : "");
	buf_free(&b);
	return out;
}

void
role_boxes(json_object *o, const struct roles *rs, const char *const *names, int n)
{
	json_object *arr = m_add(o, "roles", m_arr());
	int i, k;

	for (i = 0; i < rs->n; i++) {
		json_object *e = m_push(arr, m_obj());
		int on = 0;

		for (k = 0; k < n; k++)
			on |= strcmp(names[k], rs->v[i].name) == 0;
		m_str(e, "name", rs->v[i].name);
		m_str(e, "title", rs->v[i].title);
		m_bool(e, "checked", on);
	}
}

int
load_perms(struct req *r, struct perm_rows *ps)
{
	struct db_res res;
	int rc;

	ps->n = 0;
	if ((rc = db_exec(&r->arena, &q_perms, &res, 0, NULL)) != DB_OK)
		return rc;
	while ((rc = db_next(&res)) > 0 && ps->n < (int)NELEM(ps->v)) {
		struct perm_row *p = &ps->v[ps->n++];

		p->name = arena_strdup(&r->arena, db_str(&res, 0));
		p->bit = (int)db_int(&res, 1);
		/* titles from the domain's table, the one place labels live */
		p->title = label_of(perm_labels, p->name)->label;
	}
	db_done(&res);
	return rc < 0 ? rc : DB_OK;
}

int
perm_list(struct req *r, json_object *arr, unsigned long perms, int all)
{
	struct perm_rows ps;
	int i, rc;

	if ((rc = load_perms(r, &ps)) != DB_OK)
		return rc;
	for (i = 0; i < ps.n; i++) {
		unsigned long bit = 1UL << ps.v[i].bit;
		json_object *e;

		if (!all && !(perms & bit))
			continue;
		e = m_push(arr, m_obj());
		m_str(e, "name", ps.v[i].name);
		m_str(e, "title", ps.v[i].title);
		m_bool(e, "checked", (perms & bit) != 0);
	}
	return DB_OK;
}

void
admin_fail(struct req *r, int rc)
{
	db_rollback(DB_CONSOLE);
	/* no cookie for a session that was not made (auth_renew in a
	 * transaction that did not commit) */
	auth_abandon(r);
	page_refused(r, rc);
}
