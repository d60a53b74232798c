"""test_screens.py: the queue, an order, a case and a search in Chromium
(Debian's chromium, driven by playwright-core: tests/browser/screens.js)
at 390 and 1366 px, with and without JavaScript: nothing needs sideways
scrolling, the claim buttons stay on one line, `c` claims a row and stays
on the queue.  Screenshots go to build/test-output/screens/."""
import os
import subprocess

import fixtures as fx

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))


def test_pages_fit_a_phone_and_a_desktop(st):
    out = os.path.join(st.build, "test-output", "screens")
    os.makedirs(out, exist_ok=True)
    subprocess.run([os.path.join(st.build, "mend-scan"), "--once"], env=st.env(), check=True,
                   capture_output=True, timeout=300)
    # a busy order (a live case and a long timeline: shipped) and its case
    order_no, case_id = st.sql(
        "SELECT o.order_no, c.id FROM ordermend.cases c JOIN shop.orders o ON o.id = c.order_id"
        " WHERE c.live = 1 ORDER BY c.kind = 'logistics_stalled' DESC, c.id LIMIT 1")[0]
    p = subprocess.run(["node", os.path.join(REPO, "tests", "browser", "screens.js"), st.url,
                        "agent", "demo-agent", order_no, case_id, out, "admin", "demo-admin"],
                       capture_output=True, text=True, timeout=300)
    print(p.stdout[-6000:], p.stderr[-2000:])
    assert p.returncode == 0, "see the FAIL lines above"
    assert " 0 failed" in p.stdout.splitlines()[-1]
    assert os.path.exists(os.path.join(out, "queue-390.png"))


def test_a_duplicate_payment_is_fixed_in_three_clicks(st):
    out = os.path.join(st.build, "test-output", "screens")
    os.makedirs(out, exist_ok=True)
    # an order paid twice (¥44 each: within an agent's limits), its case
    oid, no = fx.order(st, items=[("测试 水杯", 4400, 4400, 1)], paid_amount=8800)
    for i in range(2):
        fx.timed(st, "payments", {"created_at": "NOW - %d MINUTE" % (20 - i),
                                  "paid_at": "NOW - %d MINUTE" % (20 - i), "updated_at": "NOW"},
                 order_id=oid, payment_no="PB%d%d" % (oid, i), channel="wechat",
                 trade_no="TB%d%d" % (oid, i), amount=4400, status="success")
    st.scan_once()
    st.start_dispatcher("dispatcher")
    try:
        p = subprocess.run(["node", os.path.join(REPO, "tests", "browser", "fix.js"), st.url,
                            "agent", "demo-agent", no, out],
                           capture_output=True, text=True, timeout=300)
    finally:
        st.stop_dispatcher("dispatcher")
    print(p.stdout[-4000:], p.stderr[-2000:])
    assert p.returncode == 0, "see the FAIL lines above"
    assert st.sql("SELECT COUNT(*) FROM refunds WHERE order_id = %d AND amount = 4400"
                  % oid, database="shop")[0][0] == "1"
