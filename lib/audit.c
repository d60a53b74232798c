/* audit.c: the append-only audit log (see audit.h) */
#include <string.h>

#include "audit.h"
#include "auth.h"
#include "db.h"

#define TARGET_MAX 255		/* characters, as in the schema */
#define DETAIL_MAX 1000

static struct db_stmt q_audit = DB_STMT(DB_CONSOLE,
	"INSERT INTO audit_log (at, agent_id, login, kind, order_no, target,"
	" detail, ip, request_id) VALUES (NOW(6), ?, ?, ?, ?, ?, ?, ?, ?)");

/* clip: s cut to at most max characters (of valid UTF-8), so a long
 * detail is shortened rather than refused by the column. */
static struct db_arg
clip(const char *s, size_t max)
{
	size_t i = 0, chars = 0;

	if (s == NULL)
		return DB_NULL;
	while (s[i] && chars < max) {
		i++;
		while ((s[i] & 0xC0) == 0x80)
			i++;
		chars++;
	}
	return DB_BIN(s, i);
}

int
audit(struct req *r, const char *kind, const char *order_no,
    const char *target, const char *detail)
{
	return DB_EXEC(&r->arena, &q_audit, NULL,
	    r->sess ? DB_INT(r->sess->agent_id) : DB_NULL,
	    r->sess ? DB_STR(r->sess->login) : DB_NULL,
	    DB_STR(kind), DB_STRN(order_no), clip(target, TARGET_MAX),
	    clip(detail, DETAIL_MAX), DB_STR(r->remote_addr), DB_STR(r->id));
}
