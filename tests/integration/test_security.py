"""test_security.py: the holes a security sweep found, each shown closed.

A hostile FastCGI record and idle connections no longer take a program
down; replica text that is not valid UTF-8, or that could reverse the text
around it, reaches no page and no JSON as it was stored; nginx's own
answers carry the security headers; /healthz tells details only to whom
it should and sets no cookie.  (An office's shared address that cannot
lock the floor out is in test_access.py, claiming another's case in
test_queue.py, and the logs in test_zz_logs.py, after everything else.)"""
import json
import os
import socket
import struct
import time

import cgirun
import fixtures as fx
from client import Client

ORDER = 88

SECURITY = {
    "content-security-policy": "frame-ancestors 'none'",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
}


def record(kind, content, rid=1):
    pad = (8 - len(content) % 8) % 8
    return struct.pack(">BBHHBB", 1, kind, rid, len(content), pad, 0) + content + b"\0" * pad


def hostile(sock_path):
    """A BEGIN_REQUEST and a PARAMS record whose name claims to be almost
    2 GiB long: libfcgi aborts the worker that reads it."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(sock_path)
    begin = record(1, struct.pack(">HB5x", 1, 0))
    params = record(4, struct.pack(">II", 0x80000000 | 0x7FFFFFF0, 0x80000000 | 4) + b"x" * 40)
    try:
        s.sendall(begin + params)
    except OSError:
        pass
    return s


def answered_within(st, path, seconds):
    """The time a GET of path took to get any answer from its program."""
    c = Client(st.url)
    t = time.time()
    r = c.get(path)
    took = time.time() - t
    assert r.status not in (502, 504), r
    assert took < seconds, "answered after %.1f s" % took
    return took


def test_a_hostile_fastcgi_record_does_not_take_a_program_down(st):
    sock = os.path.join(st.run, "health.sock")
    before = st.worker_pids("health")
    assert len(before) == st.workers
    # one such record for every worker: each dies, and is replaced
    conns = [hostile(sock) for _ in before]
    end = time.time() + 5
    while time.time() < end and set(st.worker_pids("health")) & set(before):
        time.sleep(0.02)
    for c in conns:
        c.close()
    after = st.worker_pids("health")
    assert not set(after) & set(before), (before, after)
    answered_within(st, "/healthz", 1.0)
    end = time.time() + 1
    while time.time() < end and len(st.worker_pids("health")) < st.workers:
        time.sleep(0.02)
    assert len(st.worker_pids("health")) == st.workers
    assert "event=worker_died" in st.log("ordermend")


def test_idle_connections_are_dropped(st):
    # more idle connections than workers: each worker reads one, which
    # sends nothing; after [server] request_timeout (3 s here) they are
    # dropped and the program answers again
    sock = os.path.join(st.run, "health.sock")
    idle = []
    for _ in range(5):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(sock)
        idle.append(s)
    try:
        answered_within(st, "/healthz", 3 + 2.0)
    finally:
        for s in idle:
            s.close()


def test_idle_workers_stay(st):
    # a worker waiting for its next request longer than request_timeout
    # (3 s here) keeps waiting: it is not ended and replaced
    before = st.worker_pids("account")
    assert len(before) == st.workers
    time.sleep(3 + 1.5)
    assert st.worker_pids("account") == before
    answered_within(st, "/account", 1.0)
    assert st.worker_pids("account") == before


def test_replica_text_is_made_valid_utf8(st):
    a = Client(st.url).login("lead", "demo-lead")
    oid, no = fx.order(st, status="shipped", created="NOW - 2 DAY")
    sid = fx.timed(st, "shipments", {"shipped_at": "NOW - 1 DAY", "updated_at": "NOW"},
                   order_id=oid, carrier="SF", tracking_no="SFX1", warehouse="SH-01",
                   status="in_transit")
    eid = fx.new_id(st)
    # stored as the replica's writers stored it: bytes no UTF-8 decoder
    # takes (a surrogate), and a right-to-left override
    st.sql("SET SESSION sql_mode = '';"
           "INSERT INTO shipment_events (id, shipment_id, event_time, code, location,"
           " description) VALUES (%d, %d, NOW(), 'in_transit', 'A',"
           " CONVERT(CONCAT('bad', UNHEX('EDA080'), 'x', UNHEX('E280AE'), 'gnp.exe')"
           " USING binary))" % (eid, sid), database="shop")
    stored = st.sql("SELECT HEX(description) FROM shipment_events WHERE id = %d" % eid,
                    database="shop")[0][0]
    assert "EDA080" in stored and "E280AE" in stored, stored
    for path in ("/orders/%s?tab=shipments" % no, "/orders/%s?tab=shipments&format=json" % no,
                 "/orders/%s" % no):
        r = a.request("GET", path)
        assert r.status == 200, r
        text = r.raw.decode("utf-8")        # strict: valid UTF-8, or this raises
        assert "\u202e" not in text
        assert "bad\ufffd\ufffd\ufffdx\ufffdgnp.exe" in text, path
        if "format=json" in path:
            json.loads(text)


def test_nginx_answers_carry_the_security_headers(st):
    c = Client(st.url)
    cases = [
        c.request("GET", "/"),                          # nginx's redirect
        c.request("GET", "/static/app.css"),            # a file
        c.request("GET", "/static/no-such-file.css"),   # nginx's 404
        c.request("GET", "/favicon.ico"),
        c.request("GET", "/" + "x" * 9000),             # 414
        c.request("POST", "/login", raw_body=b"x" * (2 * 1024 * 1024),
                  headers={"Content-Type": "application/x-www-form-urlencoded"}),  # 413
        c.request("GET", "/queue"),                     # a program's (303 to /login)
        c.request("GET", "/no/such/page"),              # the console's own 404
    ]
    statuses = [r.status for r in cases]
    assert statuses[:2] == [303, 200] and statuses[2] == 404 and statuses[3] == 200, statuses
    assert 414 in statuses and 413 in statuses, statuses
    for r in cases:
        for name, want in SECURITY.items():
            got = [v for k, v in r.all_headers if k.lower() == name]
            assert len(got) == 1 and want in got[0], (r.status, name, got)
    assert "页面不存在" in cases[-1].body and 'name="q"' in cases[-1].body or \
        "请先登录" in cases[-1].body or cases[-1].status == 404


def test_health_details_only_for_whom_they_are_meant(st):
    status, body, _, _ = cgirun.run(st, "health", "/healthz", addr="10.20.30.40")
    j = json.loads(body.split("\n\n", 1)[1])
    assert status == 200 and j == {"status": "ok"}, j
    assert "Set-Cookie" not in body
    status, body, _, _ = cgirun.run(st, "health", "/healthz", addr="10.20.30.40", env_extra={
        "ORDERMEND_HEALTH_TOKEN": "lb-secret-123", "HTTP_AUTHORIZATION": "Bearer lb-secret-123"})
    j = json.loads(body.split("\n\n", 1)[1])
    assert j["status"] == "ok" and "replication" in j and j["console"]["up"] is True, j
    status, body, _, _ = cgirun.run(st, "health", "/healthz", addr="10.20.30.40", env_extra={
        "ORDERMEND_HEALTH_TOKEN": "lb-secret-123", "HTTP_AUTHORIZATION": "Bearer wrong"})
    assert json.loads(body.split("\n\n", 1)[1]) == {"status": "ok"}
    # from an address in [health] details_from (here: loopback), the details
    r = Client(st.url).request("GET", "/healthz")
    assert "replication" in r.json() and r.header("set-cookie") is None
