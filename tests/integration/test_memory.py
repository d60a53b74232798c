"""test_memory.py: one worker serves 100,000 requests with a flat RSS.

The order program is restarted with a single worker; ab (which, unlike
wrk, stops after a number of requests) drives the order page (session,
four queries, a template) and the numbers are read from /proc after a
warm-up and at the end.  Skipped under the sanitizers, whose
own bookkeeping grows by design."""
import os
import subprocess

from client import Client

ORDER = 95
REQUESTS = int(os.environ.get("MEMORY_REQUESTS", "100000"))
WARMUP = 10000

def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS")


def drive(st, path, cookie, count):
    p = subprocess.run(["ab", "-q", "-n", str(count), "-c", "4", "-H", "Cookie: om_sid=" + cookie,
                        st.url + path], capture_output=True, text=True, timeout=900)
    assert p.returncode == 0, p.stdout + p.stderr
    assert "Failed requests:        0" in p.stdout, p.stdout
    assert "Non-2xx" not in p.stdout, p.stdout
    return p.stdout


def test_one_worker_rss_flat_over_100k_requests(st):
    if st.sanitize:
        return
    no = st.sql("SELECT order_no FROM orders ORDER BY id LIMIT 1", database="shop")[0][0]
    a = Client(st.url).login("agent", "demo-agent")
    st.stop_programs(["order"])
    workers, st.workers = st.workers, 1
    try:
        st.start_programs(["order"])
        pid = st.worker_pids("order")[0]
        drive(st, "/orders/" + no, a.cookies["om_sid"], WARMUP)
        warm = rss_kb(pid)
        drive(st, "/orders/" + no, a.cookies["om_sid"], REQUESTS - WARMUP)
        end = rss_kb(pid)
        assert st.worker_pids("order") == [pid], "the worker was replaced"
        print("    rss after %d requests: %d kB, after %d: %d kB" % (WARMUP, warm, REQUESTS, end))
        assert end - warm <= 1024, "RSS grew by %d kB" % (end - warm)
    finally:
        st.stop_programs(["order"])
        st.workers = workers
        st.start_programs(["order"])
