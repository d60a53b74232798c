/* notify.c: telling the team's chat what needs people (see notify.h) */
#include <string.h>

#include <json.h>
#include <sodium.h>

#include "core/db.h"
#include "core/util.h"
#include "domain/audit.h"
#include "domain/notify.h"
#include "domain/outbox.h"

const struct label notify_events[] = {
	{ "incident", "新事件（同一原因的一批异常）", NULL },
	{ "sla", "异常单超时升级", NULL },
	{ "dead", "操作多次失败", NULL },
	{ "approval", "操作待审批", NULL },
	{ NULL, NULL, NULL },
};

const struct label notify_kinds[] = {
	{ "wecom", "企业微信群机器人", NULL },
	{ "dingtalk", "钉钉群机器人", NULL },
	{ "slack", "Slack 兼容", NULL },
	{ NULL, NULL, NULL },
};

/* The channels that take an event. */
static struct db_stmt q_takers = DB_STMT(DB_CONSOLE,
	"SELECT id, kind FROM notify_channels WHERE enabled = 1"
	" AND FIND_IN_SET(?, REPLACE(events, ' ', ',')) > 0 ORDER BY id");
static struct db_stmt q_get = DB_STMT(DB_CONSOLE,
	"SELECT id, name, kind, url, secret, events, enabled FROM notify_channels WHERE id = ?");
static struct db_stmt q_new = DB_STMT(DB_CONSOLE,
	"INSERT INTO notify_channels (name, kind, url, secret, events, enabled, created_at,"
	" updated_at) VALUES (?, ?, ?, ?, ?, ?, NOW(), NOW())");
static struct db_stmt q_update = DB_STMT(DB_CONSOLE,
	"UPDATE notify_channels SET name = ?, kind = ?, url = ?, secret = ?, events = ?,"
	" enabled = ?, updated_at = NOW() WHERE id = ?");
static struct db_stmt q_delete = DB_STMT(DB_CONSOLE,
	"DELETE FROM notify_channels WHERE id = ?");

const char *
notify_message(struct arena *a, const char *kind, const char *title, const char *text)
{
	json_object *m = json_object_new_object(), *md;
	const char *s;

	if (strcmp(kind, "slack") == 0)
		json_object_object_add(m, "text", json_object_new_string(
		    arena_printf(a, "*%s*\n%s", title, text)));
	else {
		md = json_object_new_object();
		json_object_object_add(m, "msgtype", json_object_new_string("markdown"));
		if (strcmp(kind, "dingtalk") == 0) {
			json_object_object_add(md, "title", json_object_new_string(title));
			json_object_object_add(md, "text", json_object_new_string(
			    arena_printf(a, "#### %s\n\n%s", title, text)));
		} else
			json_object_object_add(md, "content", json_object_new_string(
			    arena_printf(a, "**%s**\n%s", title, text)));
		json_object_object_add(m, "markdown", md);
	}
	s = arena_strdup(a, json_object_to_json_string_ext(m,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(m);
	return s;
}

/* key: one happening to one channel. */
static const char *
key(struct arena *a, const char *event, const char *about, long long channel)
{
	unsigned char h[crypto_hash_sha256_BYTES];
	const char *src = arena_printf(a, "%s\n%s\n%lld", event, about, channel);
	char *k = arena_alloc(a, 48);

	crypto_hash_sha256(h, (const unsigned char *)src, strlen(src));
	memcpy(k, "notify-", 7);
	sodium_bin2base64(k + 7, 41, h, 24, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return k;
}

int
notify(struct arena *a, const struct actor *who, const char *event, const char *about,
    const char *title, const char *text)
{
	struct db_res res;
	long long id;
	const char *state;
	int rc;

	if ((rc = DB_EXEC(a, &q_takers, &res, DB_STR(event))) != DB_OK)
		return rc;
	while ((rc = db_next(&res)) > 0) {
		long long ch = db_int(&res, 0);
		struct outbox_new n = {
			.key = key(a, event, about, ch), .kind = "notify", .service = UP_CHAT,
			.path = arena_printf(a, "/%lld", ch),
			.body = notify_message(a, db_str(&res, 1), title, text),
			.summary = arena_printf(a, "通知：%s", title),
		};
		int e = outbox_submit(a, who, &n, &id, &state);

		if (e != DOM_OK && e != OUTBOX_REPEAT) {
			rc = e;
			break;
		}
	}
	if (rc < 0 || rc > 0) {
		db_done(&res);
		return rc;
	}
	return db_done(&res);
}

int
channel_get(struct arena *a, long long id, struct channel *c)
{
	struct db_res res;
	int rc = DB_ONE(a, &q_get, &res, DB_INT(id));

	if (rc == DB_OK) {
		c->id = db_int(&res, 0);
		c->name = arena_strdup(a, db_str(&res, 1));
		c->kind = arena_strdup(a, db_str(&res, 2));
		c->url = arena_strdup(a, db_str(&res, 3));
		c->secret = arena_strdup(a, db_str(&res, 4));
		c->events = arena_strdup(a, db_str(&res, 5));
		c->enabled = db_int(&res, 6) == 1;
	}
	db_done(&res);
	return rc == DB_NOROW ? CHANNEL_MISSING : rc;
}

int
channel_save(struct arena *a, const struct actor *who, const struct channel *c,
    long long *id)
{
	struct db_res res;
	int rc;

	if (c->id == 0) {
		if ((rc = DB_EXEC(a, &q_new, &res, DB_STR(c->name), DB_STR(c->kind),
		    DB_STR(c->url), DB_STR(c->secret), DB_STR(c->events),
		    DB_INT(c->enabled))) != DB_OK)
			return rc;
		*id = (long long)res.insert_id;
	} else {
		if ((rc = DB_EXEC(a, &q_update, &res, DB_STR(c->name), DB_STR(c->kind),
		    DB_STR(c->url), DB_STR(c->secret), DB_STR(c->events), DB_INT(c->enabled),
		    DB_INT(c->id))) != DB_OK)
			return rc;
		if (res.affected == 0) {
			struct channel old;

			db_done(&res);
			if ((rc = channel_get(a, c->id, &old)) != DOM_OK)
				return rc;	/* gone; else saved unchanged */
		}
		*id = c->id;
	}
	db_done(&res);
	/* the webhook's address carries its token: only the host goes to the log */
	return audit(a, who, c->id ? "channel_updated" : "channel_created", NULL,
	    arena_printf(a, "通知频道 %lld", *id), arena_printf(a, "%s（%s）%s：%s",
	    c->name, label_of(notify_kinds, c->kind)->label, c->enabled ? "" : "，停用",
	    c->events));
}

int
channel_delete(struct arena *a, const struct actor *who, long long id)
{
	struct db_res res;
	int rc;

	if ((rc = DB_EXEC(a, &q_delete, &res, DB_INT(id))) != DB_OK)
		return rc;
	rc = res.affected ? DOM_OK : CHANNEL_MISSING;
	db_done(&res);
	return rc == DOM_OK ? audit(a, who, "channel_deleted", NULL,
	    arena_printf(a, "通知频道 %lld", id), NULL) : rc;
}
