/* search.h: what the search program's files share
 *
 * A search is read once from the box and its filters (terms.c).  The box
 * is normalised and read as one or more readings (readings.c): a number
 * typed "166 9421 6504" is a mobile number, 14 digits may be a tracking
 * number or the start of an order number, 刘嘉 a name or a product word.
 * A product term is looked up in the products (products.c); each reading
 * is made into the statements that count and list its orders (plan.c,
 * with the console's cases in cases.c); find.c decides which reading is
 * listed, and show.c makes the model: the rows, what was understood, the
 * other readings, the paging links.  The benchmark's probe
 * (tests/bench/probe_search.c) runs the same functions.
 */
#ifndef OM_SEARCH_H
#define OM_SEARCH_H

#include <json-c/json.h>

#include "core/buf.h"
#include "core/db.h"
#include "core/req.h"

#define PAGE_ROWS 50
#define COUNT_CAP 1000
#define MAX_READINGS 4

enum mode { M_LATEST, M_ORDER, M_PREFIX, M_PHONE, M_TAIL, M_USER, M_PRODUCT,
	M_NAME, M_TRACKING, M_TRADE, M_PAYMENT, M_NMODES };

/* One way to read the box. */
struct reading {
	enum mode mode;
	const char *value;	/* what it searches for, normalised */
	long long user_id;	/* M_USER */
	int searched;		/* searched unasked (else only offered as a link) */
	long long count;	/* matching orders up to COUNT_CAP + 1; -1: not counted */
};

/* What the request asks for, validated. */
struct search {
	enum mode mode;			/* the reading in use (reading_use) ... */
	const char *value;		/* ... what it searches for ... */
	long long user_id;		/* ... and its user id */
	const char *q;			/* as typed */
	const char *term;		/* normalised (readings.c) */
	struct reading rd[MAX_READINGS];	/* the readings, in the order tried */
	int nrd;
	int cur;			/* the reading listed (as= may choose it) */
	char statuses[128];		/* "paid,pending" for FIND_IN_SET */
	const char *status_list[8];
	int nstatus;
	char from[20], to[20];		/* "YYYY-MM-DD HH:MM:SS" or "" */
	long long min, max;		/* fen, -1: none */
	const char *carrier;
	const char *cursor;		/* after= or before= as given */
	int backward;			/* before=: the page before the cursor */
	char after_at[20];		/* keyset cursor: created_at and id ... */
	long long after_id;
	const char *after_no;		/* ... or the order number */
	char *product_ids;		/* JSON array of the matching products */
	int confirmed;			/* ... checked against their names */
	int broad;			/* product term matches many products */
	char like[420];			/* the product term as a LIKE pattern */
	int anomaly;			/* only orders with a live case */
	char *anomaly_ids;		/* ... the newest of them, as JSON */
};

/* readings.c */
/* readings_of: s->term and the readings of s->q (s->nrd is 0 for an empty
 * box: the latest orders). */
void readings_of(struct arena *a, struct search *s);
/* reading_use: make reading i the one the statements search for. */
void reading_use(struct search *s, int i);
/* mode_code, mode_label: "phone", "手机号"; mode_by_code: -1 if unknown. */
const char *mode_code(enum mode m);
const char *mode_label(enum mode m);
int mode_by_code(const char *code);
/* reading_shown: the reading's value as a page shows it (a mobile number
 * masked, a word in quotes). */
const char *reading_shown(struct arena *a, const struct reading *rd);
/* reading_said: "按手机号查找 138****5678", "按姓名查找“刘嘉”", "最新订单". */
const char *reading_said(struct arena *a, const struct reading *rd);

/* terms.c */
/* search_read: s from the request; what was typed goes back into m, field
 * messages into page_errs(r). */
void search_read(struct req *r, struct search *s, json_object *m);
/* has_filters: does the search narrow by anything beside the box? */
int has_filters(const struct search *s);

/* products.c */
/* What products_find gives besides DB_OK (and db errors, < 0). */
enum { PRODUCTS_NONE = 1,	/* no product matches the term */
	PRODUCTS_TOO_MANY = 2 };	/* more than 20,000 do */
/* products_find: the products matching term (s->product_ids, s->like)
 * and whether they are many (s->broad); DB_OK, PRODUCTS_NONE,
 * PRODUCTS_TOO_MANY or a db error. */
int products_find(struct req *r, struct search *s, const char *term);
/* products_confirm: keep only the products whose name really holds the
 * term (s->confirmed); DB_OK or a db error. */
int products_confirm(struct req *r, struct search *s);

/* plan.c */
/* plan_count_decides: must the count be known before the page can be
 * planned (plan_count first), or does it ride along in the page? */
int plan_count_decides(const struct search *s);
/* plan_counts: count the readings whose bit is set in which (1 << i), up
 * to COUNT_CAP + 1 each, in one statement, into s->rd[i].count; DB_OK or
 * a db error.  The reading in use is left as it was. */
int plan_counts(struct req *r, struct search *s, unsigned which);
/* plan_page: the page's statement for the reading in use, PAGE_ROWS + 1
 * rows, walking the newest orders or collecting the few, newest first
 * (backward: the rows nearest before the cursor, still newest first).
 * Columns: id, order_no, status, pay_amount, created_at, the customer's
 * name, receiver_phone, the item shown (one that matched a product
 * term), the keyset time, receiver_name; with count set, the count; then
 * the count of each reading in others (bit i: reading i), in order.
 * Returns 0, or -1 when the statement would be too long with the counts
 * of others (then it is composed without them). */
int plan_page(struct db_query *d, const struct search *s, int walk, int count,
    unsigned others);
#define PAGE_COLS 10

/* cases.c */
/* plan_anomalous: s->anomaly_ids, the newest orders with a live case;
 * DB_OK or a db error. */
int plan_anomalous(struct req *r, struct search *s);
/* plan_badges: the live cases' kinds of the page's orders (ids: their ids
 * as a JSON array) onto rows; DB_OK or a db error. */
int plan_badges(struct req *r, json_object *rows, const char *ids);

/* find.c */
/* What search_find gives besides DB_OK (and db errors, < 0). */
enum { FIND_TOO_MANY = 3 };	/* the only reading is a too common word */
/* search_find: count what needs counting, choose the reading to list
 * (s->cur, in use) and run its page into res (*ran: 0 when nothing
 * matched and no page ran).  *count is its count, or -1 when it rides
 * along in the page (column PAGE_COLS); the counts of the readings in
 * *others follow it. */
int search_find(struct req *r, struct search *s, struct db_res *res, int *ran,
    long long *count, unsigned *others);

/* show.c */
/* show_rows: the page's rows (res) into m's "rows", their ids as a JSON
 * array into ids, the paging links; the counts riding along into s. */
int show_rows(struct req *r, struct search *s, json_object *m, struct db_res *res,
    long long *count, unsigned others, struct buf *ids);
/* show_understood: what the box was read as, the other readings as links
 * and, when nothing is listed (none: no order matched, or the input was
 * refused), the sentence saying so. */
void show_understood(struct req *r, const struct search *s, json_object *m, int none);
/* search_url: this search with its filters as typed (filters: 0, the box
 * alone), on reading i, from the cursor key (NULL: the first page) in the
 * direction dir ("after", "before"). */
const char *search_url(struct req *r, const struct search *s, int i, int filters,
    const char *key, const char *dir);

/* The handler (search.c). */
void page_search(struct req *r);

#endif
