/* terms.c: what the search box and its filters hold (see search.h)
 *
 * The parameters of GET /search (listed with their rules in search.c's
 * header), read and checked once: the box is normalised and read
 * (readings.c), and as= may choose one of its readings; the filters are
 * checked against the shop's vocabulary and parsed into times and
 * amounts.  What was typed goes back into the model, so a page with an
 * error keeps it.
 */
#include <stdio.h>
#include <string.h>

#include "core/model.h"
#include "core/util.h"
#include "domain/shop.h"
#include "ui/page.h"
#include "search.h"

static int
all_digits(const char *s, size_t *n)
{
	*n = strlen(s);
	return *n > 0 && strspn(s, "0123456789") == *n;
}

int
has_filters(const struct search *s)
{
	return s->nstatus || s->from[0] || s->to[0] || s->min >= 0 || s->max >= 0 ||
	    s->carrier || s->anomaly;
}

/* parse_after: a page cursor, after= or before=: "YYYYMMDDHHMMSS-ID"
 * (time order) or an order number (a prefix, by number). */
static int
parse_after(struct search *s, const char *in)
{
	size_t n = strlen(in);

	if (s->mode == M_PREFIX) {
		if (!order_no_valid(in))
			return -1;
		s->after_no = in;
		return 0;
	}
	if (n < 16 || n > 35 || in[14] != '-' || strspn(in, "0123456789") != 14 ||
	    !all_digits(in + 15, &n) || parse_i64(in + 15, n, &s->after_id) < 0)
		return -1;
	snprintf(s->after_at, sizeof(s->after_at), "%.4s-%.2s-%.2s %.2s:%.2s:%.2s",
	    in, in + 4, in + 6, in + 8, in + 10, in + 12);
	return 0;
}

/* choose: the reading as= asks for, or, with a page cursor and no as=,
 * the first (the cursor is its own); the others are then only offered. */
static void
choose(struct req *r, struct search *s, json_object *errs)
{
	const char *v;
	int rc, i = 0, m;

	rc = req_str(r, "as", 16, &v);
	if (rc == REQ_MISSING && !(s->nrd > 1 && (req_get(r, "after") || req_get(r, "before")))) {
		reading_use(s, 0);
		return;
	}
	if (rc != REQ_MISSING) {
		m = rc == REQ_OK ? mode_by_code(v) : -1;
		for (i = 0; i < s->nrd && m >= 0; i++)
			if ((int)s->rd[i].mode == m)
				break;
		if (m < 0 || i == s->nrd) {
			m_str(errs, "as", "这个搜索词不能这样理解，请换一种查找方式。");
			i = 0;
		}
	}
	s->cur = i;
	for (m = 0; m < s->nrd; m++)
		s->rd[m].searched = m == i;
	reading_use(s, i);
}

static void
read_cursor(struct req *r, struct search *s, json_object *errs)
{
	const char *after, *before;
	int ra = req_str(r, "after", 40, &after), rb = req_str(r, "before", 40, &before);

	if (ra == REQ_BAD || rb == REQ_BAD || (ra == REQ_OK && rb == REQ_OK) ||
	    (ra == REQ_OK && parse_after(s, after) < 0) ||
	    (rb == REQ_OK && parse_after(s, before) < 0)) {
		m_str(errs, "after", "分页参数不正确，请从第一页开始。");
		return;
	}
	s->backward = rb == REQ_OK;
	s->cursor = s->backward ? before : ra == REQ_OK ? after : NULL;
}

void
search_read(struct req *r, struct search *s, json_object *m)
{
	json_object *errs = page_errs(r);
	const char *v, *st[9];
	int n, i, rc;

	memset(s, 0, sizeof(*s));
	s->min = s->max = -1;
	rc = req_str(r, "q", 200, &s->q);
	m_str(m, "q", rc == REQ_BAD ? req_get(r, "q") : s->q ? s->q : "");
	if (rc == REQ_BAD)
		m_str(errs, "q", "最多 200 个字。");
	readings_of(&r->arena, s);
	choose(r, s, errs);

	n = req_all(r, "status", st, 8);
	if (n < 0)
		m_str(errs, "status", "最多选 8 个状态。");
	for (i = 0; i < n; i++) {
		if (!label_known(order_statuses, st[i])) {
			m_str(errs, "status", "没有这个订单状态。");
			break;
		}
		if (!strstr(s->statuses, st[i])) {
			snprintf(s->statuses + strlen(s->statuses),
			    sizeof(s->statuses) - strlen(s->statuses), "%s%s",
			    s->nstatus ? "," : "", st[i]);
			s->status_list[s->nstatus++] = st[i];
		}
	}
	if ((rc = req_str(r, "from", 16, &v)) == REQ_BAD ||
	    (rc == REQ_OK && parse_time(v, 0, s->from) < 0))
		m_str(errs, "from", "日期格式：2026-11-23 或 2026-11-23 08:30");
	m_str(m, "from", req_get(r, "from") ? req_get(r, "from") : "");
	if ((rc = req_str(r, "to", 16, &v)) == REQ_BAD ||
	    (rc == REQ_OK && parse_time(v, 1, s->to) < 0))
		m_str(errs, "to", "日期格式：2026-11-23 或 2026-11-23 18:00");
	m_str(m, "to", req_get(r, "to") ? req_get(r, "to") : "");
	if (s->from[0] && s->to[0] && strcmp(s->from, s->to) > 0 &&
	    !json_object_object_get_ex(errs, "to", NULL))
		m_str(errs, "to", "结束时间早于开始时间。");
	if ((rc = req_str(r, "min", 16, &v)) == REQ_BAD ||
	    (rc == REQ_OK && parse_yuan(v, &s->min) < 0))
		m_str(errs, "min", "金额格式：如 99 或 99.50");
	m_str(m, "min", req_get(r, "min") ? req_get(r, "min") : "");
	if ((rc = req_str(r, "max", 16, &v)) == REQ_BAD ||
	    (rc == REQ_OK && parse_yuan(v, &s->max) < 0))
		m_str(errs, "max", "金额格式：如 99 或 99.50");
	m_str(m, "max", req_get(r, "max") ? req_get(r, "max") : "");
	if (s->min >= 0 && s->max >= 0 && s->min > s->max &&
	    !json_object_object_get_ex(errs, "max", NULL))
		m_str(errs, "max", "最高金额小于最低金额。");
	if ((rc = req_str(r, "anomaly", 1, &v)) == REQ_BAD ||
	    (rc == REQ_OK && strcmp(v, "1") != 0))
		m_str(errs, "anomaly", "“只看有异常的订单”只能是 1。");
	s->anomaly = rc == REQ_OK && strcmp(v, "1") == 0;
	m_bool(m, "anomaly", s->anomaly);
	if ((rc = req_str(r, "carrier", 8, &s->carrier)) == REQ_BAD ||
	    (rc == REQ_OK && !label_known(carriers, s->carrier)))
		m_str(errs, "carrier", "没有这个快递公司。");

	if (s->mode == M_TAIL && !has_filters(s))
		m_str(errs, "q", "按手机尾号搜索时，请再加一个条件（时间、状态、金额或快递）。");
	if (s->mode == M_PRODUCT && utf8_len(s->term, strlen(s->term)) < 2)
		m_str(errs, "q", "商品名称至少输入 2 个字。");
	if (s->mode == M_USER && s->user_id <= 0)
		m_str(errs, "q", "用户 ID 不正确。");
	read_cursor(r, s, errs);
}
