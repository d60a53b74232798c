/* audit.c: the append-only audit log (see audit.h) */
#include <string.h>

#include "audit.h"
#include "auth.h"
#include "db.h"

static struct db_stmt q_audit = DB_STMT(DB_CONSOLE,
	"INSERT INTO audit_log (at, agent_id, login, kind, order_no, target,"
	" detail, ip, request_id) VALUES (NOW(6), ?, ?, ?, ?, ?, ?, ?, ?)");

int
audit(struct req *r, const char *kind, const char *order_no,
    const char *target, const char *detail)
{
	return DB_EXEC(&r->arena, &q_audit, NULL,
	    r->sess ? DB_INT(r->sess->agent_id) : DB_NULL,
	    r->sess ? DB_STR(r->sess->login) : DB_NULL,
	    DB_STR(kind), DB_STRN(order_no), DB_STRN(target), DB_STRN(detail),
	    DB_STR(r->remote_addr), DB_STR(r->id));
}
