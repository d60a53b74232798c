"""test_screens.py: the queue, an order, a case and a search in Chromium
(Debian's chromium, driven by playwright-core: tests/browser/screens.js)
at 390 and 1366 px, with and without JavaScript: nothing needs sideways
scrolling, the claim buttons stay on one line, `c` claims a row and stays
on the queue.  Screenshots go to build/test-output/screens/."""
import os
import subprocess

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
