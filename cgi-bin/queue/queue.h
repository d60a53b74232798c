/* queue.h: what the queue program's pages share
 *
 * A queue request's filter (filter.c) is read by the list, the bulk
 * actions and the incident page alike, made into the same SQL and the
 * same links; a case is shown as a row (rows.c) wherever cases are
 * listed.  Every change of a case goes through case_act and the silence
 * functions of the domain (lib/domain/cases.h, silences.h), with the
 * request's actor.
 */
#ifndef OM_QUEUE_H
#define OM_QUEUE_H

#include <json-c/json.h>

#include "core/db.h"
#include "core/req.h"
#include "domain/anomaly.h"
#include "domain/shop.h"

#define PAGE_ROWS 50
#define COUNT_CAP 1000
#define BULK_MAX 1000		/* cases one bulk action handles */
#define REASON_MAX 255

/* What a queue request asks for, validated. */
struct filter {
	const char *kinds[ANOMALY_KINDS];
	int nkind;
	int kind_on[ANOMALY_KINDS];	/* kind i (of anomaly_kinds) asked for */
	const char *state;		/* NULL: every live state */
	int closed;
	const char *assignee;		/* NULL: anyone */
	const char *team;		/* handed to this team (case_teams); NULL: any */
	long long severity;		/* at least; 0: any */
	const char *sla;
	long long age;			/* hours; 0: any */
	long long min, max;		/* fen; -1: none */
	const char *group;
	long long incident;
	int silenced;
	const char *sort;
	int has_after;
	long long after_v;		/* amount or severity */
	char after_at[20];
	long long after_id;
};

/* filter.c */
/* filter_read: f from the request; the form's values and choices into m,
 * field messages into page_errs(r). */
void filter_read(struct req *r, struct filter *f, json_object *m);
/* filter_incident: the filter of an incident's live cases. */
void filter_incident(struct filter *f, long long incident);
/* filter_url: path with the filter as a query, from the page after
 * `after` (NULL: the first). */
const char *filter_url(struct req *r, const struct filter *f, const char *path,
    const char *after);
/* filter_fields: the filter as hidden form fields, for the bulk forms. */
void filter_fields(struct req *r, json_object *m, const struct filter *f);
/* filter_where: the filter as SQL over cases c. */
void filter_where(struct db_query *d, const struct filter *f, long long me);
/* filter_list: the cases the filter matches in its order, from its
 * `after`, at most limit rows; the columns are L_* below. */
void filter_list(struct db_query *d, const struct filter *f, long long me,
    long long limit);
enum { L_ID, L_KIND, L_NO, L_STATE, L_SEVERITY, L_AMOUNT, L_SINCE, L_FACTS,
	L_ASSIGNEE, L_ASSIGNEE_ID, L_DUE_MIN, L_ESCALATED, L_GROUP, L_RESOLVED,
	L_RESOLUTION, L_LEFT_MIN, L_REMINDED, L_TEAM, L_AFTER };

/* bulk.c: the actions one may take over many cases at once (their labels
 * are the domain's case_actions) */
#define BULK_ACTIONS "claim,assign,resolve,dismiss,silence"

/* rows.c */
/* case_row: one row of filter_list as the lists show it. */
json_object *case_row(struct req *r, const struct db_res *res);
/* case_due: the SLA as one phrase, and whether it is overdue. */
const char *case_due(struct arena *a, const char *state, long long due_min,
    long long left_min, int *overdue);
/* agent_choices: who a lead may assign to ("agents", "can_assign"), the
 * agent `to` selected; DB_OK or an error. */
int agent_choices(struct req *r, json_object *m, long long to);
/* back_link: the page a bulk action returns to: a local queue or incident
 * link, else the queue. */
const char *back_link(struct req *r);
/* back_done: redirect to back_link with what an action did, for the
 * queue's notice. */
void back_done(struct req *r, const char *action, long long done, long long skipped,
    long long taken);

/* The handlers (routes.c). */
void page_queue(struct req *r);
void page_bulk(struct req *r);
void page_case(struct req *r);
void page_case_act(struct req *r);
void page_incident(struct req *r);
void page_silences(struct req *r);
void page_silence_new(struct req *r);
void page_silence_end(struct req *r);

#endif
