"""test_access.py: who may do what — the permission table walked with every
role, CSRF and origin on every state-changing route, sessions that end,
sign-in throttling, API tokens, forced password changes."""
import os
import re
import subprocess
import time
import urllib.parse

import cgirun
from client import Client

ORDER = 50
ROLES = {"agent": "demo-agent", "lead": "demo-lead", "admin": "demo-admin"}
CONSOLE_TABLES = ("agents", "agent_roles", "roles", "role_permissions", "api_tokens",
                  "permissions", "anomaly_rules", "cases", "case_events", "silences")


def routes(st):
    out = []
    for prog in st.programs():
        text = subprocess.run([os.path.join(st.build, prog + ".fcgi"), "--routes"],
                              capture_output=True, text=True, check=True).stdout
        out += [line.split() for line in text.splitlines()]
    return out


def role_perms(st, role):
    return {r[0] for r in st.sql("SELECT permission FROM role_permissions WHERE role = '%s'"
                                 % role, database="ordermend")}


def sample_path(st, pattern):
    no = st.sql("SELECT order_no FROM orders ORDER BY id LIMIT 1", database="shop")[0][0]
    parts = pattern.split("/")
    for i, p in enumerate(parts):
        if p == "*":
            parts[i] = no if i > 0 and parts[i - 1] == "orders" else "999999"
    return "/".join(parts)


def snapshot(st):
    """What a refused request must leave unchanged."""
    sums = st.sql("CHECKSUM TABLE %s" % ", ".join(CONSOLE_TABLES), database="ordermend")
    live = st.sql("SELECT COUNT(*) FROM sessions WHERE revoked_at IS NULL", database="ordermend")
    return sums, live


def audit_count(st, kind):
    return int(st.sql("SELECT COUNT(*) FROM audit_log WHERE kind = '%s'" % kind,
                      database="ordermend")[0][0])


def signed_in(st, login):
    return Client(st.url).login(login, ROLES.get(login, login))


def test_every_route_with_every_role(st):
    table = routes(st)
    assert len(table) >= 10
    for role in ROLES:
        perms = role_perms(st, role)
        for prog, method, pattern, need in table:
            c = signed_in(st, role)
            path = sample_path(st, pattern)
            r = c.request(method, path, body={"csrf": c.csrf} if method == "POST" else None)
            if need in ("public", "signed"):
                assert r.status != 403, (role, method, path, r)
                continue
            allowed = need == "any" or set(need.split("+")) <= perms
            if not allowed:
                assert r.status == 403, (role, method, path, r.status)
                assert "没有权限" in r.body
            else:
                assert r.status != 403, (role, method, path, r)
                if method == "GET":
                    assert r.status in (200, 303, 404), (role, method, path, r.status)
            if method == "GET" and need not in ("public", "any") and allowed:
                assert r.status in (200, 303) or "999999" in path, (role, path, r.status)


def test_forbidden_is_audited_and_json(st):
    before = audit_count(st, "permission_denied")
    c = signed_in(st, "agent")
    no = st.sql("SELECT order_no FROM orders LIMIT 1", database="shop")[0][0]
    r = c.request("POST", "/orders/%s/reveal" % no, body={"csrf": c.csrf, "reason": "核对"},
                  headers={"Accept": "application/json"})
    assert r.status == 403 and r.json()["error"]["status"] == 403
    assert audit_count(st, "permission_denied") == before + 1


def test_state_changing_routes_refuse_forged_requests(st):
    # (a signed route has no session to forge: its signature is checked)
    posts = [r for r in routes(st) if r[1] == "POST" and r[3] != "signed"]
    assert posts
    victim = signed_in(st, "admin")
    other = signed_in(st, "admin")
    form = {"reason": "核对地址", "name": "伪造", "days": "30", "perm": "view_orders",
            "password": "another-password-1", "confirm": "another-password-1",
            "current": "demo-admin", "login": "admin"}
    for prog, method, pattern, need in posts:
        path = sample_path(st, pattern)
        if path in ("/login",):
            continue
        before = snapshot(st)
        refused = audit_count(st, "csrf_refused")
        cases = [
            (dict(form), {}),                                          # no token
            (dict(form, csrf=other.csrf), {}),                         # another session's
            (dict(form, csrf=victim.csrf), {"Origin": "http://evil.example"}),
            (dict(form, csrf=victim.csrf), {"Sec-Fetch-Site": "cross-site"}),
        ]
        for body, headers in cases:
            r = victim.request("POST", path, body=body, headers=headers)
            assert r.status == 403, (path, headers, r)
        # GET never changes anything
        r = victim.get(path)
        assert r.status in (200, 303, 404, 405), (path, r.status)
        assert snapshot(st) == before, path
        assert audit_count(st, "csrf_refused") == refused + len(cases), path
        assert victim.get("/search").status == 200


def test_ids_of_others_are_not_mine(st):
    owner = signed_in(st, "lead")
    r = owner.post("/account/tokens", {"name": "lead's", "days": "10", "perm": "view_orders"})
    assert r.status == 201
    tok_id = st.sql("SELECT id FROM api_tokens WHERE name = 'lead''s' ORDER BY id DESC LIMIT 1",
                    database="ordermend")[0][0]
    sess_id = st.sql("SELECT s.id FROM sessions s JOIN agents a ON a.id = s.agent_id"
                     " WHERE a.login = 'lead' AND s.revoked_at IS NULL ORDER BY s.id DESC"
                     " LIMIT 1", database="ordermend")[0][0]
    intruder = signed_in(st, "agent")
    assert intruder.post("/account/tokens/%s/revoke" % tok_id).status == 404
    assert intruder.post("/account/sessions/%s/end" % sess_id).status == 404
    assert st.sql("SELECT revoked_at IS NULL FROM api_tokens WHERE id = %s" % tok_id,
                  database="ordermend")[0][0] == "1"
    assert owner.get("/search").status == 200


def test_sessions_end_on_timeouts_logout_and_disable(st):
    st.add_agent("timeout1", "timeout-pass-1", "超时测试", "agent")
    c = Client(st.url).login("timeout1", "timeout-pass-1")
    assert c.get("/search").status == 200
    st.sql("UPDATE sessions s JOIN agents a ON a.id = s.agent_id SET s.last_seen_at ="
           " NOW() - INTERVAL 31 MINUTE WHERE a.login = 'timeout1'", database="ordermend")
    assert c.get("/search").status == 303          # idle too long
    c = Client(st.url).login("timeout1", "timeout-pass-1")
    st.sql("UPDATE sessions s JOIN agents a ON a.id = s.agent_id SET s.created_at ="
           " NOW() - INTERVAL 13 HOUR WHERE a.login = 'timeout1'", database="ordermend")
    assert c.get("/search").status == 303          # too old, however busy
    c = Client(st.url).login("timeout1", "timeout-pass-1")
    d = Client(st.url).login("timeout1", "timeout-pass-1")
    st.mendctl("agent", "disable", "timeout1")
    for x in (c, d):
        assert x.get("/search").status == 303
    v = Client(st.url)
    v.get("/login")
    assert v.post("/login", {"login": "timeout1", "password": "timeout-pass-1"}).status == 401


def test_sign_out_everywhere(st):
    st.add_agent("everywhere", "everywhere-pass", "多端测试", "agent")
    a = Client(st.url).login("everywhere", "everywhere-pass")
    b = Client(st.url).login("everywhere", "everywhere-pass")
    j = a.get_json("/account").json()
    assert len(j["sessions"]) == 2 and sum(1 for s in j["sessions"] if s["current"]) == 1
    r = a.post("/account/sessions/end-all")
    assert r.status == 303 and r.header("location") == "/login"
    assert a.get("/search").status == 303 and b.get("/search").status == 303


def test_end_one_other_session(st):
    st.add_agent("twodevices", "twodevices-pass", "两台电脑", "agent")
    a = Client(st.url).login("twodevices", "twodevices-pass")
    b = Client(st.url).login("twodevices", "twodevices-pass")
    other = [s for s in a.get_json("/account").json()["sessions"] if not s["current"]][0]
    assert a.post("/account/sessions/%d/end" % other["id"]).status == 303
    assert b.get("/search").status == 303 and a.get("/search").status == 200


def test_login_is_throttled_not_locked(st):
    st.add_agent("throttled", "the-right-password", "限速测试", "agent")
    logs_before = len(st.log("ordermend"))
    c = Client(st.url)
    statuses = []
    for _ in range(100):
        c.get("/login")
        r = c.post("/login", {"login": "throttled", "password": "wrong-password"})
        statuses.append(r.status)
        if r.status == 429:
            assert int(r.header("retry-after")) >= 1
            assert "尝试次数过多" in r.body
    assert statuses[:4] == [401] * 4
    assert statuses.count(429) >= 90, statuses
    failed = int(st.sql("SELECT COUNT(*) FROM audit_log WHERE kind = 'login_failed' AND"
                        " target = 'throttled'", database="ordermend")[0][0])
    throttled = int(st.sql("SELECT COUNT(*) FROM audit_log WHERE kind = 'login_throttled'"
                           " AND target = 'throttled'", database="ordermend")[0][0])
    assert failed + throttled == 100 and failed < 10
    # the right password is refused while the delay runs, then works
    c.get("/login")
    r = c.post("/login", {"login": "throttled", "password": "the-right-password"})
    assert r.status == 429
    wait = int(r.header("retry-after"))
    assert wait <= 60
    time.sleep(wait + 0.5)
    c.get("/login")
    r = c.post("/login", {"login": "throttled", "password": "the-right-password"})
    assert r.status == 303, r
    # the logs name the login and the address, nothing else
    new = st.log("ordermend")[logs_before:]
    assert "the-right-password" not in new and "wrong-password" not in new
    for line in new.splitlines():
        if "event=login_failed" in line or "event=login_throttled" in line:
            fields = dict(re.findall(r'(\w+)=("(?:[^"\\]|\\.)*"|\S*)', line))
            assert set(fields) <= {"ts", "prog", "pid", "level", "req", "event", "login",
                                   "ip", "wait"}, line


def test_an_office_address_is_not_locked_out(st):
    # failures for other logins from one address (a whole floor shares
    # it) never lock out a colleague with the right password
    st.add_agent("colleague", "colleague-pass", "同事", "agent")
    pre = "P" * 43

    def attempt(login, password, addr="10.9.9.9"):
        body = urllib.parse.urlencode({"csrf": pre, "login": login, "password": password})
        return cgirun.run(st, "login", "/login", body=body, addr=addr,
                          cookies={"om_pre": pre})[0]

    codes = [attempt("nobody%d" % i, "wrong-password") for i in range(23)]
    assert codes == [401] * 23, codes
    assert attempt("colleague", "colleague-pass") == 303
    # five wrong passwords for one login from there: that login waits
    codes = [attempt("nobody-x", "wrong-password") for _ in range(7)]
    assert codes[:5] == [401] * 5 and codes[-1] == 429, codes
    # an address past its own (far higher) limit holds back only the logins
    # that failed lately; the right password of an account nobody attacks
    # still gets in from it
    st.sql("INSERT INTO login_throttle (subject, failures, window_start, blocked_until)"
           " VALUES ('ip:10.9.9.20', 250, NOW(), NOW(3) + INTERVAL 10 MINUTE)"
           " ON DUPLICATE KEY UPDATE failures = 250, window_start = NOW(),"
           " blocked_until = NOW(3) + INTERVAL 10 MINUTE", database="ordermend")
    assert attempt("colleague", "colleague-pass", "10.9.9.20") == 303
    assert attempt("nobody-y", "wrong-password", "10.9.9.21") == 401
    assert attempt("nobody-y", "wrong-password", "10.9.9.20") == 429
    # another address is not held up
    assert attempt("nobody-else", "wrong-password", "10.9.9.10") == 401


def test_api_tokens(st):
    a = signed_in(st, "agent")
    # more than the agent holds is refused
    r = a.post("/account/tokens", {"name": "too much", "days": "5", "perm": "view_pii"})
    assert r.status == 400 and "自己拥有的权限" in r.body
    r = a.request("POST", "/account/tokens", body={"csrf": a.csrf, "name": "同步脚本",
                  "days": "30", "perm": ["view_orders", "act_sms"]},
                  headers={"Accept": "application/json"})
    assert r.status == 201, r
    token = r.json()["new_token"]["token"]
    assert re.fullmatch(r"om_[A-Za-z0-9_-]{43}", token)
    # shown once: the list has no token, the database only a hash
    assert token not in a.get("/account").body
    assert st.sql("SELECT COUNT(*) FROM api_tokens WHERE token_hash = '%s'" % token,
                  database="ordermend")[0][0] == "0"
    script = Client(st.url)
    script.default_headers = {"Authorization": "Bearer " + token, "Accept": "application/json"}
    r = script.get("/search?q=u1")
    assert r.status == 200 and "rows" in r.json()
    no = st.sql("SELECT order_no FROM orders LIMIT 1", database="shop")[0][0]
    assert script.get("/orders/" + no).status == 200
    # no CSRF token for a bearer, but still its permissions only
    r = script.request("POST", "/orders/%s/reveal" % no, body={"reason": "脚本核对"})
    assert r.status == 403
    r = script.request("POST", "/account/tokens", body={"name": "x", "days": "1",
                                                         "perm": "view_orders"})
    assert r.status == 403
    used = st.sql("SELECT last_used_at IS NOT NULL FROM api_tokens WHERE name = '同步脚本'",
                  database="ordermend")[0][0]
    assert used == "1"
    tid = r_id = st.sql("SELECT id FROM api_tokens WHERE name = '同步脚本'",
                        database="ordermend")[0][0]
    assert a.post("/account/tokens/%s/revoke" % r_id).status == 303
    assert script.get("/search?q=u1").status == 401
    assert audit_count(st, "token_created") >= 1 and audit_count(st, "token_revoked") >= 1
    # a lead's token may reveal, without CSRF; an expired one may not
    l = signed_in(st, "lead")
    r = l.request("POST", "/account/tokens", body={"csrf": l.csrf, "name": "lead script",
                  "days": "30", "perm": ["view_orders", "view_pii"]},
                  headers={"Accept": "application/json"})
    lt = r.json()["new_token"]["token"]
    s2 = Client(st.url)
    s2.default_headers = {"Authorization": "Bearer " + lt, "Accept": "application/json"}
    r = s2.request("POST", "/orders/%s/reveal" % no, body={"reason": "脚本核对"})
    assert r.status == 200 and "receiver" in r.json()
    st.sql("UPDATE api_tokens SET expires_at = NOW() - INTERVAL 1 SECOND WHERE name ="
           " 'lead script'", database="ordermend")
    assert s2.get("/search?q=u1").status == 401
    for bad in ("Bearer om_" + "A" * 43, "Bearer nonsense", "Basic Zm9vOmJhcg=="):
        x = Client(st.url)
        x.default_headers = {"Authorization": bad, "Accept": "application/json"}
        assert x.get("/search").status == 401
    del tid


def test_reset_password_must_be_changed(st):
    st.add_agent("resetme", "original-pass", "重置测试", "agent")
    st.mendctl("agent", "passwd", "resetme", "--temporary", input="temporary-pass\n")
    c = Client(st.url)
    c.get("/login")
    r = c.post("/login", {"login": "resetme", "password": "temporary-pass"})
    assert r.status == 303
    r = c.get("/search")
    assert r.status == 303 and r.header("location") == "/account/password"
    assert c.get_json("/search").status == 403
    r = c.get("/account/password")
    assert r.status == 200 and "管理员重置了你的密码" in r.body
    r = c.post("/account/password", {"current": "temporary-pass", "password": "short",
                                     "confirm": "short"})
    assert r.status == 400 and "8" in r.body
    r = c.post("/account/password", {"current": "wrong", "password": "brand-new-pass",
                                     "confirm": "brand-new-pass"})
    assert r.status == 400 and "当前密码不正确" in r.body
    old = dict(c.cookies)
    r = c.post("/account/password", {"current": "temporary-pass", "password": "brand-new-pass",
                                     "confirm": "brand-new-pass"})
    assert r.status == 303 and c.cookies["om_sid"] != old["om_sid"]   # a new session id
    assert c.get("/search").status == 200
    stale = Client(st.url)
    stale.cookies = old
    assert stale.get("/search").status == 303
    Client(st.url).login("resetme", "brand-new-pass")
    assert audit_count(st, "password_changed") >= 1


def test_roles_change_ends_sessions(st):
    st.add_agent("promoted", "promoted-pass", "升职测试", "agent")
    c = Client(st.url).login("promoted", "promoted-pass")
    no = st.sql("SELECT order_no FROM orders LIMIT 1", database="shop")[0][0]
    assert c.post("/orders/%s/reveal" % no, {"reason": "核对"}).status == 403
    st.mendctl("agent", "role", "promoted", "lead")
    assert c.get("/search").status == 303          # privilege change: sign in again
    c = Client(st.url).login("promoted", "promoted-pass")
    assert c.post("/orders/%s/reveal" % no, {"reason": "核对"}).status == 200


def test_account_page(st):
    c = signed_in(st, "lead")
    j = c.get_json("/account").json()
    assert j["login"] == "lead" and "view_pii" in j["perms"]
    assert {p["name"] for p in j["my_perms"]} == role_perms(st, "lead")
    r = c.get("/account")
    assert r.status == 200 and "在所有设备上退出" in r.body
