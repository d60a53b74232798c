/* test_domain.c: the domain's case changes by actors that are not agents,
 * against a real console database (Check)
 *
 * Run by tests/integration/test_domain.py with the private stack's
 * configuration (ORDERMEND_CONF): it connects as the web programs do.  A
 * daemon (a rule, the robot, the scanner, mendctl) changes a case through
 * the very functions a page uses; each change writes its case event and
 * audit row naming that actor, and each refusal is a named result that
 * changes nothing.  The cases it makes belong to an order number no seeded
 * order has, so nothing else in the suite sees them live for long.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "core/arena.h"
#include "core/cfg.h"
#include "core/db.h"
#include "core/log.h"
#include "domain/actor.h"
#include "domain/audit.h"
#include "domain/casebatch.h"
#include "domain/cases.h"
#include "domain/silences.h"

static struct db_stmt q_case = DB_STMT(DB_CONSOLE,
	"SELECT id FROM cases WHERE order_id = ? AND kind = ? AND live = 1");
static struct db_stmt q_state = DB_STMT(DB_CONSOLE,
	"SELECT state, COALESCE(resolved_by, 0), COALESCE(resolution, ''),"
	" COALESCE(assignee_id, 0), COALESCE(silence_id, 0) FROM cases WHERE id = ?");
static struct db_stmt q_last_event = DB_STMT(DB_CONSOLE,
	"SELECT kind, actor_type, COALESCE(agent_id, 0), actor, detail FROM case_events"
	" WHERE case_id = ? ORDER BY id DESC LIMIT 1");
static struct db_stmt q_events = DB_STMT(DB_CONSOLE,
	"SELECT COUNT(*) FROM case_events WHERE case_id = ?");
static struct db_stmt q_last_audit = DB_STMT(DB_CONSOLE,
	"SELECT kind, actor_type, COALESCE(agent_id, 0), COALESCE(login, ''), order_no,"
	" COALESCE(detail, ''), request_id FROM audit_log WHERE order_no = ?"
	" ORDER BY id DESC LIMIT 1");
static struct db_stmt q_tomorrow = DB_STMT(DB_CONSOLE,
	"SELECT DATE_FORMAT(NOW() + INTERVAL 1 DAY, '%Y-%m-%d %H:%i:%s')");
static struct db_stmt q_audits = DB_STMT(DB_CONSOLE,
	"SELECT COUNT(*) FROM audit_log WHERE order_no = ?");

static struct arena a;
static long long order_id, user_id;
static char order_no[32];

/* one: the first row of q as text, column col, into the arena. */
static const char *
one(struct db_stmt *q, unsigned col, size_t nargs, const struct db_arg *args)
{
	struct db_res res;
	const char *v = NULL;

	if (db_one(&a, q, &res, nargs, args) == DB_OK)
		v = arena_strdup(&a, db_str(&res, col) ? db_str(&res, col) : "");
	db_done(&res);
	return v;
}
#define ONE(q, col, ...) one((q), (col), \
	sizeof((struct db_arg[]){ __VA_ARGS__ }) / sizeof(struct db_arg), \
	(const struct db_arg[]){ __VA_ARGS__ })

/* begin, tx: a domain call in a transaction of its own, as a daemon
 * makes it; its result (committed only when DOM_OK). */
static int
begin(void)
{
	return db_begin(DB_CONSOLE);
}

static int
tx(int began, int rc)
{
	if (began != DB_OK)
		return began;
	if (rc == DOM_OK && db_commit(DB_CONSOLE) != DB_OK)
		return DB_FAIL;
	if (rc != DOM_OK)
		db_rollback(DB_CONSOLE);
	return rc;
}
static int began;
/* (the comma sequences them: the transaction begins before the call) */
#define TX(call) (began = begin(), tx(began, (call)))

/* open_case: a live case of kind on the test's order, opened as the
 * scanner opens cases; its id. */
static long long
open_case(const char *kind)
{
	struct actor scanner = actor_make(ACTOR_SCANNER, "mend-scan");
	char rows[512];
	const char *id;

	snprintf(rows, sizeof(rows), "[[%lld, \"%s\", %lld, 2, 12345, \"2026-11-30 10:00:00\","
	    " \"WH1\", null, null, null, null, \"单元测试\", \"2026-11-30 09:00:00\"]]",
	    order_id, order_no, user_id);
	ck_assert_int_eq(TX(cases_open(&a, &scanner, kind, 30, 240, rows)), DOM_OK);
	id = ONE(&q_case, 0, DB_INT(order_id), DB_STR(kind));
	ck_assert_ptr_nonnull(id);
	return atoll(id);
}

static void
setup(void)
{
	arena_init(&a, 1 << 16);
}

static void
teardown(void)
{
	arena_cleanup(&a);
}

START_TEST(a_rule_changes_a_case_like_an_agent)
{
	struct actor rule = actor_make(ACTOR_RULE, "auto_refund_duplicate");
	long long id = open_case("price_anomaly");
	const char *events, *audits;

	rule.request_id = "unit-1";
	ck_assert_int_eq(TX(case_act(&a, &rule, id, "note", &(struct case_args){ .text = "规则备注" })), DOM_OK);
	ck_assert_str_eq(ONE(&q_last_event, 0, DB_INT(id)), "note");
	ck_assert_str_eq(ONE(&q_last_event, 1, DB_INT(id)), "rule");
	ck_assert_str_eq(ONE(&q_last_event, 2, DB_INT(id)), "0");
	ck_assert_str_eq(ONE(&q_last_event, 3, DB_INT(id)), "auto_refund_duplicate");
	ck_assert_str_eq(ONE(&q_last_event, 4, DB_INT(id)), "规则备注");
	ck_assert_str_eq(ONE(&q_last_audit, 0, DB_STR(order_no)), "case_note");
	ck_assert_str_eq(ONE(&q_last_audit, 1, DB_STR(order_no)), "rule");
	ck_assert_str_eq(ONE(&q_last_audit, 2, DB_STR(order_no)), "0");
	ck_assert_str_eq(ONE(&q_last_audit, 3, DB_STR(order_no)), "auto_refund_duplicate");
	ck_assert_str_eq(ONE(&q_last_audit, 6, DB_STR(order_no)), "unit-1");

	/* a rule is not a person: it cannot claim, and nothing is written */
	events = ONE(&q_events, 0, DB_INT(id));
	audits = ONE(&q_audits, 0, DB_STR(order_no));
	ck_assert_int_eq(TX(case_act(&a, &rule, id, "claim", NULL)), NOT_A_PERSON);
	ck_assert_str_eq(ONE(&q_state, 0, DB_INT(id)), "open");
	ck_assert_str_eq(ONE(&q_state, 3, DB_INT(id)), "0");
	ck_assert_str_eq(ONE(&q_events, 0, DB_INT(id)), events);
	ck_assert_str_eq(ONE(&q_audits, 0, DB_STR(order_no)), audits);

	/* it resolves the case: resolved_by stays empty, the event is the rule's */
	ck_assert_int_eq(TX(case_act(&a, &rule, id, "resolve", &(struct case_args){ .text = "已自动退款" })), DOM_OK);
	ck_assert_str_eq(ONE(&q_state, 0, DB_INT(id)), "resolved");
	ck_assert_str_eq(ONE(&q_state, 1, DB_INT(id)), "0");
	ck_assert_str_eq(ONE(&q_state, 2, DB_INT(id)), "已自动退款");
	ck_assert_str_eq(ONE(&q_last_event, 0, DB_INT(id)), "resolved");
	ck_assert_str_eq(ONE(&q_last_event, 3, DB_INT(id)), "auto_refund_duplicate");
	ck_assert_str_eq(ONE(&q_last_audit, 0, DB_STR(order_no)), "case_resolve");

	/* again: the case changed meanwhile, a named result, nothing written */
	events = ONE(&q_events, 0, DB_INT(id));
	ck_assert_int_eq(TX(case_act(&a, &rule, id, "resolve", &(struct case_args){ .text = "x" })), CASE_CHANGED);
	ck_assert_str_eq(ONE(&q_events, 0, DB_INT(id)), events);
	/* and a case that does not exist is not one that changed */
	ck_assert_int_eq(TX(case_act(&a, &rule, 999999999999LL, "resolve", NULL)),
	    CASE_MISSING);
}
END_TEST

START_TEST(the_robot_and_the_command_line)
{
	struct actor robot = actor_make(ACTOR_ROBOT, "outbound-bot");
	struct actor cli = actor_make(ACTOR_CLI, "root");
	long long id = open_case("address_problem");
	const char *events;

	/* a wait needs an end, in the future */
	ck_assert_int_eq(TX(case_act(&a, &robot, id, "wait", &(struct case_args){
	    .text = "客户要求明天再联系" })), WAIT_BAD);
	ck_assert_int_eq(TX(case_act(&a, &robot, id, "wait", &(struct case_args){
	    .until = "2001-01-01 10:00:00" })), WAIT_BAD);
	ck_assert_int_eq(TX(case_act(&a, &robot, id, "wait", &(struct case_args){
	    .text = "客户要求明天再联系", .until = one(&q_tomorrow, 0, 0, NULL) })), DOM_OK);
	ck_assert_str_eq(ONE(&q_state, 0, DB_INT(id)), "waiting");
	ck_assert_str_eq(ONE(&q_last_event, 1, DB_INT(id)), "robot");
	ck_assert_str_eq(ONE(&q_last_event, 3, DB_INT(id)), "outbound-bot");

	/* assigning to nobody: the agent is missing, not the case */
	events = ONE(&q_events, 0, DB_INT(id));
	ck_assert_int_eq(TX(case_act(&a, &cli, id, "assign", &(struct case_args){ .to = 999999999999LL })),
	    AGENT_MISSING);
	ck_assert_str_eq(ONE(&q_state, 3, DB_INT(id)), "0");
	ck_assert_str_eq(ONE(&q_events, 0, DB_INT(id)), events);

	ck_assert_int_eq(TX(case_act(&a, &cli, id, "resume", NULL)), DOM_OK);
	ck_assert_str_eq(ONE(&q_state, 0, DB_INT(id)), "acknowledged");
	ck_assert_str_eq(ONE(&q_last_event, 1, DB_INT(id)), "cli");
	ck_assert_str_eq(ONE(&q_last_audit, 1, DB_STR(order_no)), "cli");
	ck_assert_str_eq(ONE(&q_last_audit, 3, DB_STR(order_no)), "root");
}
END_TEST

START_TEST(silences_and_the_scanner)
{
	struct actor cli = actor_make(ACTOR_CLI, "root");
	struct actor scanner = actor_make(ACTOR_SCANNER, "mend-scan");
	struct silence_match m = { .user_id = 0 };
	long long id = open_case("not_shipped"), sid = 0, n = 0;
	char ids[64];

	/* a silence by the command line takes the live case of its user */
	m.user_id = user_id;
	ck_assert_int_eq(TX(silence_create(&a, &cli, &m, 2, "单元测试静默", &sid, &n)), DOM_OK);
	ck_assert_int_ge(n, 1);
	ck_assert_int_eq(atoll(ONE(&q_state, 4, DB_INT(id))), sid);
	ck_assert_str_eq(ONE(&q_last_event, 0, DB_INT(id)), "silenced");
	ck_assert_str_eq(ONE(&q_last_event, 1, DB_INT(id)), "cli");
	ck_assert_int_eq(TX(silence_end(&a, &cli, sid)), DOM_OK);
	ck_assert_str_eq(ONE(&q_state, 4, DB_INT(id)), "0");
	ck_assert_str_eq(ONE(&q_last_event, 0, DB_INT(id)), "unsilenced");
	ck_assert_int_eq(TX(silence_end(&a, &cli, sid)), SILENCE_MISSING);

	/* the scanner resolves it with the same event rows, as the system */
	snprintf(ids, sizeof(ids), "[%lld]", id);
	ck_assert_int_eq(TX(cases_resolve(&a, &scanner, ids, "订单已发货")), DOM_OK);
	ck_assert_str_eq(ONE(&q_state, 0, DB_INT(id)), "auto_resolved");
	ck_assert_str_eq(ONE(&q_last_event, 0, DB_INT(id)), "auto_resolved");
	ck_assert_str_eq(ONE(&q_last_event, 1, DB_INT(id)), "system");
	ck_assert_str_eq(ONE(&q_last_event, 3, DB_INT(id)), "mend-scan");
}
END_TEST

static void
complaint(const char *file, int line, const char *msg)
{
	fprintf(stderr, "%s:%d: %s\n", file, line, msg);
}

int
main(void)
{
	Suite *s = suite_create("domain");
	TCase *tc = tcase_create("cases");
	SRunner *sr;
	int run, failed;

	if (cfg_load(NULL, complaint) != 0)
		return 2;
	log_init("unit_domain", LOG_WARN);
	db_init();
	/* an order no seeded order has (their ids stay far below) */
	order_id = 990000000LL + getpid();
	user_id = 990000000LL + getpid();
	snprintf(order_no, sizeof(order_no), "UT%lld", order_id);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, a_rule_changes_a_case_like_an_agent);
	tcase_add_test(tc, the_robot_and_the_command_line);
	tcase_add_test(tc, silences_and_the_scanner);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_set_fork_status(sr, CK_NOFORK);
	srunner_run_all(sr, CK_NORMAL);
	run = srunner_ntests_run(sr);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	db_shutdown();
	printf("domain: %d passed, %d failed\n", run - failed, failed);
	return failed ? 1 : 0;
}
