/* show.c: a search's answer as its model (see search.h)
 *
 * The rows — for a product word the item that matched, its name split
 * around the match (before, match, after) so the template marks it while
 * every piece stays escaped —, the links to the pages before and after,
 * what the box was read as ("按手机号查找 138****5678") and its other
 * readings as links, with what each found when it was searched.
 */
#include <string.h>
#include <strings.h>

#include "core/buf.h"
#include "core/model.h"
#include "core/text.h"
#include "core/url.h"
#include "domain/shop.h"
#include "ui/views.h"
#include "search.h"

const char *
search_url(struct req *r, const struct search *s, int i, int filters, const char *key,
    const char *dir)
{
	struct buf b = { 0 };
	const char *v;
	char *u;
	int k;

	buf_puts(&b, url_for(&r->arena, "/search?q=%s", s->q ? s->q : ""));
	if (s->nrd > 1)
		buf_puts(&b, url_for(&r->arena, "&as=%s", mode_code(s->rd[i].mode)));
	for (k = 0; filters && k < s->nstatus; k++)
		buf_puts(&b, url_for(&r->arena, "&status=%s", s->status_list[k]));
	if (filters && s->from[0] && (v = req_get(r, "from")))
		buf_puts(&b, url_for(&r->arena, "&from=%s", v));
	if (filters && s->to[0] && (v = req_get(r, "to")))
		buf_puts(&b, url_for(&r->arena, "&to=%s", v));
	if (filters && s->min >= 0 && (v = req_get(r, "min")))
		buf_puts(&b, url_for(&r->arena, "&min=%s", v));
	if (filters && s->max >= 0 && (v = req_get(r, "max")))
		buf_puts(&b, url_for(&r->arena, "&max=%s", v));
	if (filters && s->carrier)
		buf_puts(&b, url_for(&r->arena, "&carrier=%s", s->carrier));
	if (filters && s->anomaly)
		buf_puts(&b, "&anomaly=1");
	if (key && strcmp(dir, "before") == 0)
		buf_puts(&b, url_for(&r->arena, "&before=%s", key));
	else if (key)
		buf_puts(&b, url_for(&r->arena, "&after=%s", key));
	u = arena_strdup(&r->arena, b.p);
	buf_free(&b);
	return u;
}

/* add_item: the item's name; for a product word, the first place it
 * holds the word (ASCII case ignored, as by the LIKE), split around it. */
static void
add_item(json_object *row, const struct search *s, const char *name)
{
	size_t len = s->mode == M_PRODUCT && s->value ? strlen(s->value) : 0, n, i;
	json_object *hl;

	m_str(row, "item", name);
	for (i = 0, n = name ? strlen(name) : 0; len && i + len <= n; i++) {
		if (((unsigned char)name[i] & 0xc0) == 0x80 ||
		    strncasecmp(name + i, s->value, len) != 0)
			continue;
		hl = m_add(row, "item_hl", m_obj());
		m_strn(hl, "before", name, i);
		m_strn(hl, "match", name + i, len);
		m_str(hl, "after", name + i + len);
		m_bool(row, "item_plain", 0);
		return;
	}
	m_add(row, "item_hl", NULL);
	m_bool(row, "item_plain", 1);
}

/* add_row: one order of the page's statement (plan_page's columns). */
static void
add_row(struct req *r, json_object *rows, const struct search *s, const struct db_res *res)
{
	json_object *row = m_push(rows, m_obj());

	m_str(row, "order_no", db_str(res, 1));
	m_str(row, "url", url_for(&r->arena, "/orders/%s", db_str(res, 1)));
	m_label(row, "status", label_of(order_statuses, db_str(res, 2)));
	m_str(row, "amount", yuan(&r->arena, db_int(res, 3)));
	m_str(row, "created_at", db_str(res, 4));
	m_str(row, "user", db_str(res, 5));
	m_str(row, "receiver", db_str(res, 9));
	m_str(row, "phone", mask_phone(&r->arena, db_str(res, 6)));
	add_item(row, s, db_str(res, 7));
	m_int(row, "id", db_int(res, 0));
	m_bool(row, "has_anomaly", 0);
	m_add(row, "anomalies", m_arr());
}

/* pager: the links to the pages after and before this one.  Going
 * forward, the statement's 51st row says there is a next page and a
 * cursor says there is a previous one; going back, the other way round. */
static void
pager(struct req *r, const struct search *s, json_object *m, unsigned long long got,
    const char *first, const char *last)
{
	int more = got > PAGE_ROWS, next, prev;

	next = s->backward ? s->cursor != NULL : more;
	prev = s->backward ? more : s->cursor != NULL;
	m_opt(m, "next", "has_next", next ? search_url(r, s, s->cur, 1,
	    last ? last : s->cursor, "after") : NULL);
	m_opt(m, "prev", "has_prev", prev ? search_url(r, s, s->cur, 1,
	    first ? first : s->cursor, "before") : NULL);
	m_bool(m, "has_pager", next || prev);
	/* not the first page (one reached going back is, when nothing is
	 * before it) */
	m_bool(m, "paged", prev && s->cursor != NULL);
	if (prev && s->cursor)
		m_str(m, "first", search_url(r, s, s->cur, 1, NULL, NULL));
}

int
show_rows(struct req *r, struct search *s, json_object *m, struct db_res *res,
    long long *count, unsigned others, struct buf *ids)
{
	json_object *rows = m_add(m, "rows", m_arr());
	unsigned long long got = res ? res->rows : 0;
	const char *first = NULL, *last = NULL;
	unsigned col;
	int rc = 0, n = 0, i;

	buf_putc(ids, '[');
	while (res && (rc = db_next(res)) > 0) {
		if (n++ == 0) {		/* the counts riding along */
			col = PAGE_COLS;
			if (*count < 0)
				*count = db_int(res, col++);
			for (i = 0; i < s->nrd; i++)
				if (others & (1u << i))
					s->rd[i].count = db_int(res, col++);
		}
		/* the row beyond the page: last going forward, first going back */
		if (s->backward ? n == 1 && got > PAGE_ROWS : n > PAGE_ROWS)
			continue;
		add_row(r, rows, s, res);
		buf_printf(ids, "%s%s", ids->len > 1 ? "," : "", db_str(res, 0));
		last = s->mode == M_PREFIX ? arena_strdup(&r->arena, db_str(res, 1)) :
		    arena_printf(&r->arena, "%s-%s", db_str(res, 8), db_str(res, 0));
		if (first == NULL)
			first = last;
	}
	buf_putc(ids, ']');
	if (res && (i = db_done(res)) != DB_OK)
		return i;
	if (rc < 0)
		return rc;
	if (*count < 0)
		*count = 0;
	pager(r, s, m, got, first, last);
	return DB_OK;
}

void
show_understood(struct req *r, const struct search *s, json_object *m, int none)
{
	const struct reading *cur = &s->rd[s->cur];
	const char *said = reading_said(&r->arena, cur);
	json_object *arr = m_add(m, "readings", m_arr());
	int i, others = 0, searched = 0;

	m_str(m, "mode", mode_code(cur->mode));
	m_str(m, "mode_label", mode_label(cur->mode));
	m_str(m, "understood", said);
	if (none)
		m_str(m, "none_message", cur->mode == M_LATEST ? "没有找到符合条件的订单。" :
		    arena_printf(&r->arena, "%s：没有订单", said));
	m_opt(m, "without_filters", "has_without_filters", none && has_filters(s) &&
	    cur->mode != M_LATEST ? search_url(r, s, s->cur, 0, NULL, NULL) : NULL);
	for (i = 0; i < s->nrd; i++) {
		const struct reading *rd = &s->rd[i];
		json_object *e = m_push(arr, m_obj());

		m_str(e, "mode", mode_code(rd->mode));
		m_str(e, "label", mode_label(rd->mode));
		m_str(e, "said", reading_said(&r->arena, rd));
		m_str(e, "url", search_url(r, s, i, 1, NULL, NULL));
		m_bool(e, "current", i == s->cur);
		m_bool(e, "other", i != s->cur);
		m_bool(e, "searched", rd->searched);
		if (rd->count >= 0) {
			m_int(e, "count", rd->count > COUNT_CAP ? COUNT_CAP : rd->count);
			m_str(e, "count_label", rd->count > COUNT_CAP ? "1,000+" :
			    arena_printf(&r->arena, "%lld", rd->count));
		} else
			m_add(e, "count", NULL);
		m_bool(e, "found", rd->count > 0);
		m_bool(e, "empty", rd->count == 0);
		others += i != s->cur;
		searched += rd->searched && rd->count >= 0;
	}
	m_bool(m, "has_other_readings", others > 0);
	m_bool(m, "readings_above", others > 0 && !none);
	m_bool(m, "readings_below", others > 0 && none);
	m_str(m, "readings_intro", none ? "其他理解：" : "也可以理解为：");
	/* several readings were searched: say which found the orders */
	m_bool(m, "several", searched > 1);
}
