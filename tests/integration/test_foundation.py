"""test_foundation.py: the stack end to end — health, sign-in, sessions,
CSRF, limits, escaping, headers, routes, CGI mode, mendctl."""
import json
import os
import re
import subprocess

import fixtures
from client import Client

ORDER = 10
XSS = "<script>alert('x')</script>\"><img src=x onerror=alert(1)>"
SEC_HEADERS = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
}


def agent(st):
    return Client(st.url).login("agent", "demo-agent")


def some_order(st):
    return st.sql("SELECT order_no FROM orders ORDER BY id LIMIT 1", database="shop")[0][0]


def audit_count(st, kind, target=None):
    where = "kind = '%s'" % kind
    if target:
        where += " AND target = '%s'" % target
    return int(st.sql("SELECT COUNT(*) FROM audit_log WHERE %s" % where,
                      database="ordermend")[0][0])


def test_healthz_reports_both_databases(st):
    c = Client(st.url)
    r = c.get("/healthz")
    assert r.status == 200, r
    body = r.json()
    assert body["status"] == "ok"
    assert body["replica"]["up"] is True and body["console"]["up"] is True
    assert "replica_lag_seconds" in body and body["replica_lag_seconds"] is None
    assert r.header("content-type").startswith("application/json")


def test_visitor_is_sent_to_login(st):
    c = Client(st.url)
    r = c.get("/search?q=123456")
    assert r.status == 303, r
    assert r.header("location") == "/login?next=%2Fsearch%3Fq%3D123456"
    r = c.get("/orders/2026112300000001")
    assert r.status == 303 and r.header("location").startswith("/login?next=")
    r = c.get_json("/search")
    assert r.status == 401
    assert r.json()["error"]["status"] == 401
    r = c.post("/logout", {"csrf": "x" * 43})
    assert r.status in (401, 403)


def test_security_headers_on_every_page(st):
    c = Client(st.url)
    pages = [c.get("/login"), c.get("/search"), c.get("/healthz"), c.get("/orders/x")]
    a = agent(st)
    pages += [a.get("/search"), a.get("/orders/%s" % some_order(st)), a.get("/orders/bad!"),
              a.get_json("/search")]
    for r in pages:
        for k, v in SEC_HEADERS.items():
            assert r.header(k) == v, (k, r.header(k), r)
        csp = r.header("content-security-policy")
        assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp
        assert "unsafe-inline" not in csp
        assert r.header("cache-control") == "no-store"
        assert re.fullmatch(r"[0-9a-f]{32}", r.header("x-request-id")), r.header("x-request-id")


def test_wrong_password_is_refused_and_audited(st):
    before = audit_count(st, "login_failed", "agent")
    c = Client(st.url)
    c.get("/login")
    r = c.post("/login", {"login": "agent", "password": "not-the-password"})
    assert r.status == 401
    assert "账号或密码不正确" in r.body
    assert "om_sid" not in c.cookies
    unknown = Client(st.url)
    unknown.get("/login")
    r2 = unknown.post("/login", {"login": "nobody-here", "password": "not-the-password"})
    assert r2.status == 401
    # the same words whether or not the login exists
    msg = re.search(r'<p class="alert danger" role="alert">(.*?)</p>', r.body).group(1)
    assert msg in r2.body
    assert audit_count(st, "login_failed", "agent") == before + 1
    assert audit_count(st, "login_failed", "nobody-here") >= 1


def test_sign_in_search_and_order(st):
    no = some_order(st)
    c = Client(st.url)
    c.get("/login")
    r = c.post("/login", {"login": "agent", "password": "demo-agent",
                          "next": "/orders/%s" % no})
    assert r.status == 303 and r.header("location") == "/orders/%s" % no
    sid = [v for k, v in r.all_headers if k.lower() == "set-cookie" and v.startswith("om_sid=")]
    assert sid and "HttpOnly" in sid[0] and "SameSite=Lax" in sid[0] and "Path=/" in sid[0]
    assert "Secure" not in sid[0]  # plain http here
    r = c.get("/search?q=%s" % no)
    assert r.status == 200
    assert 'href="/orders/%s"' % no in r.body
    r = c.get("/orders/%s" % no)
    assert r.status == 200 and no in r.body
    assert audit_count(st, "login_ok", "agent") >= 1


def test_next_must_be_local(st):
    for nxt in ("//evil.example/x", "https://evil.example/", "/\\evil.example", "/logout"):
        c = Client(st.url)
        c.get("/login")
        r = c.post("/login", {"login": "agent", "password": "demo-agent", "next": nxt})
        assert r.status == 303 and r.header("location") == "/queue", (nxt, r.header("location"))


def test_csrf_is_required_on_every_post(st):
    a = agent(st)
    other = agent(st)
    before = audit_count(st, "csrf_refused")
    cases = [
        ({}, {}, False),                                   # no token
        ({"csrf": other.csrf}, {}, True),                  # another session's token
        ({"csrf": a.csrf}, {"Origin": "http://evil.example"}, True),
        ({"csrf": a.csrf}, {"Sec-Fetch-Site": "cross-site"}, True),
        ({"csrf": a.csrf}, {"Origin": "null"}, True),
    ]
    for form, headers, with_token in cases:
        r = a.post("/logout", form, csrf=False, headers=headers)
        assert r.status == 403, (form, headers, r)
        # still signed in: nothing changed
        assert a.get("/search").status == 200
    assert audit_count(st, "csrf_refused") == before + len(cases)
    # GET never changes state
    assert a.get("/logout").status == 405
    assert a.get("/search").status == 200
    # the login form needs its own token too
    v = Client(st.url)
    v.get("/login")
    r = v.post("/login", {"login": "agent", "password": "demo-agent"}, csrf=False)
    assert r.status == 403
    # a script may send the token as a header
    r = a.post("/logout", {}, csrf=False, headers={"X-CSRF-Token": a.csrf})
    assert r.status == 303


def test_logout_ends_the_session(st):
    a = agent(st)
    old = dict(a.cookies)
    r = a.post("/logout")
    assert r.status == 303 and r.header("location") == "/login"
    replay = Client(st.url)
    replay.cookies = old
    r = replay.get("/search")
    assert r.status == 303 and r.header("location").startswith("/login")
    assert audit_count(st, "logout") >= 1


def test_forged_session_cookie(st):
    c = Client(st.url)
    for v in ("A" * 43, "x", "../../etc", "A" * 500):
        c.cookies = {"om_sid": v}
        assert c.get("/search").status == 303


def test_output_is_escaped(st):
    uid = fixtures.user(st, name=XSS)
    _, no = fixtures.order(st, user_id=uid, items=[(XSS, 1000, 1000, 1)], remark=XSS,
                           address_detail=XSS, receiver_name=XSS)
    a = agent(st)
    for path in ("/orders/%s" % no, "/search?q=%s" % no):
        r = a.get(path)
        assert r.status == 200, r
        assert "<script>alert" not in r.body and "<img src=x" not in r.body
        assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in r.body
    j = a.get_json("/orders/%s" % no).json()
    assert j["remark"] == XSS
    # a payload in the path comes back escaped on the error page too
    r = a.get("/orders/%3Cscript%3Ealert(1)%3C")
    assert r.status == 400 and "<script>alert(1)" not in r.body
    r = a.get("/orders/%3Cscript%3Ealert(1)%3C%2Fscript%3E")
    assert r.status == 404 and "<script>alert(1)" not in r.body


def test_body_and_encoding_limits(st):
    c = Client(st.url)
    c.get("/login")
    r = c.post("/login", {"login": "agent", "password": "x" * 70000})
    assert r.status == 413, r
    assert "请求过大" in r.body and r.header("x-request-id") in r.body
    r = c.request("POST", "/login", raw_body=b"login=a", headers={"Content-Type": "text/plain"})
    assert r.status == 415
    r = c.get("/login?next=%C3%28")
    assert r.status == 400
    r = c.get("/login?next=%zz")
    assert r.status == 400
    r = c.request("POST", "/login", raw_body=b"login=%FF%FE&password=x",
                  headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status == 400


def test_bad_and_unknown_order_numbers(st):
    a = agent(st)
    r = a.get("/orders/ab!cd")
    assert r.status == 400
    r = a.get("/orders/20991231999999")
    assert r.status == 404
    assert 'name="q"' in r.body  # a search box on the 404 page
    r = a.get_json("/orders/20991231999999")
    assert r.status == 404 and r.json()["error"]["request_id"] == r.header("x-request-id")


def test_method_not_allowed(st):
    a = agent(st)
    r = a.post("/search", {})
    assert r.status == 405 and "GET" in r.header("allow")


def test_error_page_shows_request_id_not_internals(st):
    a = agent(st)
    r = a.get("/orders/20991231999999")
    rid = r.header("x-request-id")
    assert rid in r.body
    for leak in ("SELECT", "mysql", "mariadb", ".c:", "Traceback"):
        assert leak not in r.body


def test_every_route_answers_through_nginx(st):
    routes = []
    for prog in st.programs():
        out = subprocess.run([os.path.join(st.build, prog + ".fcgi"), "--routes"],
                             capture_output=True, text=True, check=True).stdout
        routes += [line.split() for line in out.splitlines()]
    assert routes
    v = Client(st.url)
    a = agent(st)
    for prog, method, pattern, perm in routes:
        path = pattern.replace("*", "2026112300000001")
        rv = v.request(method, path, body={} if method == "POST" else None)
        ra = a.request(method, path, body={} if method == "POST" else None)
        for r in (rv, ra):
            # answered by the program (it sets X-Request-Id), not by nginx
            assert r.header("x-request-id"), (prog, method, path, r)
        if perm != "public":
            assert rv.status in (303, 401), (method, path, rv)


def test_plain_cgi_mode(st):
    a = agent(st)
    no = some_order(st)
    env = dict(st.env(), GATEWAY_INTERFACE="CGI/1.1", REQUEST_METHOD="GET",
               PATH_INFO="/orders/" + no, QUERY_STRING="",
               HTTP_COOKIE="om_sid=" + a.cookies["om_sid"], REMOTE_ADDR="127.0.0.1")
    p = subprocess.run([os.path.join(st.build, "order.fcgi")], env=env,
                       capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL)
    assert p.stdout.startswith("Status: 200 OK\n"), p.stdout[:300] + p.stderr
    assert no in p.stdout
    # links take the CGI form when the site is configured for it
    env["ORDERMEND_SERVER_URL_STYLE"] = "cgi"
    env["PATH_INFO"] = "/search"
    env["QUERY_STRING"] = "q=" + no
    p = subprocess.run([os.path.join(st.build, "search.fcgi")], env=env,
                       capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL)
    assert "/cgi-bin/order.fcgi/orders/%s" % no in p.stdout, p.stdout[-2000:]


def test_check_config_names_file_and_line(st):
    bad = os.path.join(st.root, "bad.ini")
    with open(bad, "w") as f:
        f.write("[server]\nmax_body = 12\n[replica]\nport = http\nnonsense = 1\n")
    p = st.mendctl("check-config", bad, check=False)
    assert p.returncode == 1
    assert "%s:2: [server] max_body: out of bounds" % bad in p.stderr
    assert "%s:4: [replica] port: not a whole number" % bad in p.stderr
    assert "%s:5: [replica] nonsense: unknown key" % bad in p.stderr
    p = st.mendctl("check-config", check=False)
    assert p.returncode == 0, p.stderr
    # a program refuses to start on a bad configuration
    env = dict(st.env(), ORDERMEND_CONF=bad)
    p = subprocess.run([os.path.join(st.build, "order.fcgi"), "--check"], env=env,
                       capture_output=True, text=True)
    assert p.returncode != 0 and "max_body" in p.stderr


def test_migrate_is_idempotent(st):
    p = st.mendctl("migrate")
    assert "(0 applied)" in p.stdout


def test_audit_log_is_append_only_for_the_web_user(st):
    out = subprocess.run(["mariadb", "--socket=" + st.sock, "-uom_web", "-pom-web-pass",
                          "ordermend", "-e", "DELETE FROM audit_log"],
                         capture_output=True, text=True)
    assert out.returncode != 0 and "denied" in out.stderr
    out = subprocess.run(["mariadb", "--socket=" + st.sock, "-uom_ro", "-pom-ro-pass",
                          "shop", "-e", "UPDATE orders SET remark = 'x' LIMIT 1"],
                         capture_output=True, text=True)
    assert out.returncode != 0 and "denied" in out.stderr


def test_logs_hold_no_personal_data(st):
    a = agent(st)
    a.get("/search?q=13900001111")   # a search term never reaches a log
    text = st.log("ordermend") + st.log("nginx-access")
    assert "event=request" in text and "event=login_failed" in text
    phones = {row[0] for row in st.sql("SELECT DISTINCT receiver_phone FROM orders "
                                       "UNION SELECT phone FROM users", database="shop")}
    for p in phones:
        assert p not in text, "a phone number is in the log"
    for secret in ("demo-agent", "demo-admin", "not-the-password", "om_sid="):
        assert secret not in text
    assert not re.search(r"\b1[3-9]\d{9}\b", text)
