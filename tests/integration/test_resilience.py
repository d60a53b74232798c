"""test_resilience.py: a database that goes away gives 503 pages with
Retry-After, quickly, and the same workers recover by themselves."""
import time

from client import Client

ORDER = 90


def test_database_down_gives_503_and_recovers(st):
    a = Client(st.url).login("agent", "demo-agent")
    no = st.sql("SELECT order_no FROM orders ORDER BY id LIMIT 1", database="shop")[0][0]
    assert a.get("/orders/%s" % no).status == 200
    workers = sorted(st.worker_pids("order") + st.worker_pids("search"))
    st.stop_db()
    try:
        for path in ("/orders/%s" % no, "/search?q=%s" % no, "/search"):
            # the client gives up after 30 s: a hang fails the test
            r = a.get(path)
            assert r.status == 503, (path, r)
            assert int(r.header("retry-after")) > 0
            assert r.header("x-request-id") in r.body
            assert "SQL" not in r.body and "socket" not in r.body
        r = a.get_json("/orders/%s" % no)
        assert r.status == 503 and r.json()["error"]["status"] == 503
        h = Client(st.url).get("/healthz")
        assert h.status == 503
        assert h.json()["replica"]["up"] is False and h.json()["console"]["up"] is False
        # visitors still get the login form, and a sign-in attempt a clean 503
        v = Client(st.url)
        assert v.get("/login").status == 200
        assert v.post("/login", {"login": "agent", "password": "demo-agent"}).status == 503
    finally:
        st.start_db()
    st.wait_healthy()
    deadline = time.time() + 30
    while a.get("/orders/%s" % no).status != 200 and time.time() < deadline:
        time.sleep(0.5)
    # every worker answers again, on its first try
    for _ in range(4 * st.workers):
        assert a.get("/orders/%s" % no).status == 200
        assert a.get("/search?q=%s" % no).status == 200
    # recovered without a restart
    assert sorted(st.worker_pids("order") + st.worker_pids("search")) == workers
