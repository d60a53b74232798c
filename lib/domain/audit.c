/* audit.c: the append-only audit log (see audit.h) */
#include <string.h>

#include "core/db.h"
#include "domain/audit.h"

#define TARGET_MAX 255		/* characters, as in the schema */
#define DETAIL_MAX 1000

static struct db_stmt q_audit = DB_STMT(DB_CONSOLE,
	"INSERT INTO audit_log (at, actor_type, agent_id, login, kind, order_no, target,"
	" detail, ip, request_id) VALUES (NOW(6), ?, ?, ?, ?, ?, ?, ?, ?, ?)");

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
audit(struct arena *a, const struct actor *who, const char *kind,
    const char *order_no, const char *target, const char *detail)
{
	return DB_EXEC(a, &q_audit, NULL, DB_STR(actor_code(who)),
	    who->agent_id ? DB_INT(who->agent_id) : DB_NULL,
	    who->type == ACTOR_VISITOR ? DB_NULL : clip(who->name, 64),
	    DB_STR(kind), DB_STRN(order_no), clip(target, TARGET_MAX),
	    clip(detail, DETAIL_MAX), clip(who->addr, 45), clip(who->request_id, 64));
}
