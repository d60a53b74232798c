/* notify.h: telling the team's chat what needs people
 *
 * Four happenings are worth a message: an incident opening (many orders,
 * one cause), cases escalated past their targets, an action that died
 * after its attempts, and an action waiting for approval.  A lead keeps
 * the channels at /admin/notifications — a WeCom, DingTalk (with its
 * signed-webhook option) or Slack-compatible webhook each, and which of
 * the four go there.  A message is an outbox row (kind notify, service
 * chat, path "/<channel id>") written in the caller's transaction, so a
 * chat that is down loses nothing: mend-dispatch retries it like any
 * action.  Its key is the happening's, so one happening is posted once
 * per channel however often it is noticed.
 */
#ifndef OM_NOTIFY_H
#define OM_NOTIFY_H

#include "core/arena.h"
#include "domain/actor.h"
#include "domain/shop.h"

extern const struct label notify_events[];	/* incident sla dead approval */
extern const struct label notify_kinds[];	/* wecom dingtalk slack */

/* notify: event (a notify_events code) about something (what makes it
 * this happening, e.g. "incident 12"), as a title and a few lines of text,
 * to every enabled channel that takes the event.  DB_OK or an error. */
int notify(struct arena *a, const struct actor *who, const char *event, const char *about,
    const char *title, const char *text);

/* notify_message: a title and text as the chat of kind takes them (its
 * own JSON: WeCom's and DingTalk's markdown, Slack's text). */
const char *notify_message(struct arena *a, const char *kind, const char *title,
    const char *text);

/* A channel, as kept and edited. */
struct channel {
	long long id;		/* 0: a new one */
	const char *name, *kind, *url, *secret;
	const char *events;	/* codes, space-separated */
	int enabled;
};

/* channel_get: channel id (for mend-dispatch: its kind, url and secret);
 * DOM_OK, CHANNEL_MISSING or an error. */
int channel_get(struct arena *a, long long id, struct channel *c);
/* channel_save: a new channel or a change of one, audited (the secret
 * never); *id the channel.  DOM_OK, CHANNEL_MISSING or an error. */
int channel_save(struct arena *a, const struct actor *who, const struct channel *c,
    long long *id);
/* channel_delete: DOM_OK, CHANNEL_MISSING or an error; audited. */
int channel_delete(struct arena *a, const struct actor *who, long long id);

#endif
