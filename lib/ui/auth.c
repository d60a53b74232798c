/* auth.c: who is asking, and may they (see auth.h) */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "core/cfg.h"
#include "core/db.h"
#include "core/model.h"
#include "core/resp.h"
#include "core/util.h"
#include "ui/auth.h"

#define SESSION_COOKIE "om_sid"
#define PRE_COOKIE "om_pre"

void
auth_init(void)
{
	if (sodium_init() < 0)
		die("libsodium cannot be initialised");
}

/* use: the request is this session's, or this token's. */
static void
use(struct req *r, const struct session *found)
{
	struct session *s = arena_alloc(&r->arena, sizeof(*s));

	*s = *found;
	r->sess = s;
	r->csrf = s->csrf;
}

int
auth_load(struct req *r)
{
	const char *authz = req_env(r, "HTTP_AUTHORIZATION");
	struct session s;
	int rc;

	r->sess = NULL;
	if (authz && strncasecmp(authz, "Bearer ", 7) == 0)
		rc = token_find(&r->arena, authz + 7, &s);
	else
		rc = session_find(&r->arena, req_cookie(r, SESSION_COOKIE), cfg.idle_timeout,
		    cfg.absolute_timeout, &s);
	if (rc == DOM_OK)
		use(r, &s);
	return rc > 0 ? DB_OK : rc;	/* none is no one, not an error */
}

const struct actor *
auth_actor(struct req *r)
{
	struct actor *a = arena_alloc(&r->arena, sizeof(*a));

	a->type = r->sess ? ACTOR_AGENT : ACTOR_VISITOR;
	a->agent_id = r->sess ? r->sess->agent_id : 0;
	a->name = r->sess ? r->sess->login : "";
	a->request_id = r->id ? r->id : "";
	a->addr = r->remote_addr ? r->remote_addr : "";
	return a;
}

int
auth_can(const struct req *r, long perm)
{
	if (perm == AUTH_PUBLIC || perm == AUTH_SIGNED)
		return 1;
	if (r->sess == NULL)
		return 0;
	return perm == AUTH_ANY || (r->sess->perms & (unsigned long)perm) ==
	    (unsigned long)perm;
}

int
auth_start(struct req *r, long long agent_id, const char *kind)
{
	struct session s;
	const char *token;
	int rc = session_create(&r->arena, auth_actor(r), agent_id, r->remote_addr,
	    req_env(r, "HTTP_USER_AGENT"), kind, &s, &token);

	if (rc != DB_OK)
		return rc;
	use(r, &s);
	resp_cookie(r, SESSION_COOKIE, token, -1);
	resp_cookie(r, PRE_COOKIE, "", 0);
	return DB_OK;
}

void
auth_forget(struct req *r)
{
	resp_cookie(r, SESSION_COOKIE, "", 0);
}

void
auth_abandon(struct req *r)
{
	static const char sid[] = "Set-Cookie: " SESSION_COOKIE "=",
	    pre[] = "Set-Cookie: " PRE_COOKIE "=";
	struct buf *h = &r->head_buf;
	size_t i = 0, o = 0, n;

	while (i < h->len) {
		const char *nl = memchr(h->p + i, '\n', h->len - i);

		n = nl ? (size_t)(nl - (h->p + i)) + 1 : h->len - i;
		if (strncmp(h->p + i, sid, sizeof(sid) - 1) != 0 &&
		    strncmp(h->p + i, pre, sizeof(pre) - 1) != 0) {
			memmove(h->p + o, h->p + i, n);
			o += n;
		}
		i += n;
	}
	h->len = o;
	if (h->p)
		h->p[o] = '\0';
}

int
auth_renew(struct req *r)
{
	int rc;

	if (r->sess == NULL || r->sess->id == 0)
		return DB_OK;		/* an API token has no session */
	if ((rc = session_ended(&r->arena, r->sess->id)) <= 0)
		return rc;
	return auth_start(r, r->sess->agent_id, NULL);
}

void
auth_csrf(struct req *r)
{
	const char *pre;

	if (r->sess) {
		r->csrf = r->sess->csrf;
		return;
	}
	pre = req_cookie(r, PRE_COOKIE);
	if (!token_shape(pre)) {
		pre = token_new(&r->arena);
		resp_cookie(r, PRE_COOKIE, pre, -1);
	}
	r->csrf = pre;
}

/* The origin this console is served from, to compare Origin with. */
static int
same_origin(struct req *r, const char *origin)
{
	const char *host = req_env(r, "HTTP_HOST");
	char want[300];

	if (cfg.public_origin[0])
		return strcasecmp(origin, cfg.public_origin) == 0;
	if (host == NULL)
		return 0;
	snprintf(want, sizeof(want), "%s://%s", r->https ? "https" : "http", host);
	return strcasecmp(origin, want) == 0;
}

int
auth_csrf_ok(struct req *r)
{
	const char *site = req_env(r, "HTTP_SEC_FETCH_SITE");
	const char *origin = req_env(r, "HTTP_ORIGIN");
	const char *sent = req_env(r, "HTTP_X_CSRF_TOKEN");
	const char *want;
	size_t i;

	if (site && strcmp(site, "same-origin") != 0 && strcmp(site, "none") != 0) {
		r->err = "来自其他网站的请求";
		return 0;
	}
	if (origin && strcmp(origin, "null") != 0 && !same_origin(r, origin)) {
		r->err = "来自其他来源的请求";
		return 0;
	}
	if (origin && strcmp(origin, "null") == 0) {
		r->err = "来源不明的请求";
		return 0;
	}
	/* The token comes from the form body or the header, never from the
	 * query string, where it would leak through logs and Referer. */
	for (i = 0; sent == NULL && i < r->nform; i++)
		if (strcmp(r->form[i].name, "csrf") == 0)
			sent = r->form[i].value;
	want = r->sess ? r->sess->csrf : req_cookie(r, PRE_COOKIE);
	if (!token_shape(want) || sent == NULL || strlen(sent) != TOKEN_CHARS ||
	    sodium_memcmp(sent, want, TOKEN_CHARS) != 0) {
		r->err = "表单令牌缺失或不正确";
		return 0;
	}
	return 1;
}


int
auth_token_form(struct req *r, unsigned long allowed, json_object *errs,
    const char **name, long long *days, unsigned long *perms)
{
	const char *names[PERM_COUNT + 1];
	int n, i, k, bad = 0;

	*perms = 0;
	*days = 90;
	if (req_str(r, "name", 64, name) != REQ_OK)
		m_str(errs, "name", "请填写名称（1 到 64 个字）"), bad = 1;
	if (req_int(r, "days", 1, 365, days) == REQ_BAD)
		m_str(errs, "days", "有效期为 1 到 365 天"), bad = 1;
	n = req_all(r, "perm", names, PERM_COUNT + 1);
	for (i = 0; i < n; i++) {
		if ((k = perm_bit(names[i])) < 0 || !(allowed & (1UL << k))) {
			m_str(errs, "perm", "令牌的权限只能是账号自己拥有的权限");
			return 0;
		}
		*perms |= 1UL << k;
	}
	if (n <= 0) {
		m_str(errs, "perm", "至少选择一项权限");
		return 0;
	}
	return !bad;
}
