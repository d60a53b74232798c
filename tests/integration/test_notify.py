"""test_notify.py: the team's chat hears what needs people — an action
waiting for approval, an action dead after its attempts, cases escalated,
an incident — through the outbox, so a chat that is down loses nothing;
DingTalk's signed webhooks are signed; one happening is one message."""
import json
import re
import urllib.request

import fixtures as fx
from client import Client

ORDER = 77
FAST = {"dispatch_backoff": "0s", "dispatch_backoff_max": "0s",
        "dispatch_breaker_failures": "100"}


def con(st, sql):
    return st.sql(sql, database="ordermend")


def one(st, sql):
    rows = con(st, sql)
    return rows[0][0] if rows and rows[0][0] != "NULL" else None


def sim(st, path, body=None):
    req = urllib.request.Request(st.upstream_url + path, method="POST" if body is not None
                                 else "GET", data=json.dumps(body).encode()
                                 if body is not None else None,
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.loads(r.read())


def hooks(st, name):
    """What the chat webhook NAME received, applied, oldest first."""
    out, since = [], 0
    while True:
        page = sim(st, "/_sim/requests?service=chat&since=%d" % since)["requests"]
        if not page:
            return out
        since = page[-1]["id"]
        out += [r for r in page if r["path"] == "/hooks/" + name]


def admin(st):
    return Client(st.url).login("admin", "demo-admin")


def channel(st, c, name, kind="wecom", hook="team", secret="",
            events=("incident", "sla", "dead", "approval")):
    r = c.post("/admin/notifications", {"name": name, "kind": kind,
                                        "url": st.upstream_url + "/hooks/" + hook,
                                        "secret": secret, "event": list(events),
                                        "enabled": "1"})
    assert r.status == 303, r
    return one(st, "SELECT MAX(id) FROM notify_channels")


def notify_rows(st, channel_id):
    return con(st, "SELECT state, attempts, summary FROM outbox WHERE kind = 'notify'"
                   " AND path = '/%s' ORDER BY id" % channel_id)


def test_the_page_keeps_channels_and_refuses_bad_ones(st):
    c = admin(st)
    assert c.get("/admin/notifications").status == 200
    for form, field in (({"url": "ftp://x"}, "url"), ({"kind": "fax"}, "kind"),
                        ({"event": []}, "event"), ({"name": ""}, "name")):
        f = {"name": "坏频道", "kind": "wecom", "url": "https://example.invalid/h",
             "event": ["sla"]}
        f.update(form)
        r = c.post("/admin/notifications", f, headers={"Accept": "application/json"})
        assert r.status == 400 and field in r.json()["error"]["fields"], (field, r)
    assert one(st, "SELECT COUNT(*) FROM notify_channels WHERE name = '坏频道'") == "0"
    cid = channel(st, c, "检查频道", hook="check", secret="s3cret")
    # the page never shows the webhook's token nor the secret
    page = c.get("/admin/notifications").body
    assert "/hooks/check" not in page and "s3cret" not in page and "检查频道" in page
    # a change with the address left empty keeps it; then it goes
    assert c.post("/admin/notifications/%s" % cid, {"name": "检查频道2", "kind": "slack",
                                                    "event": ["dead"]}).status == 303
    row = con(st, "SELECT name, kind, url LIKE '%%/hooks/check', secret, events, enabled"
                  " FROM notify_channels WHERE id = %s" % cid)[0]
    assert row == ["检查频道2", "slack", "1", "s3cret", "dead", "0"], row
    assert c.post("/admin/notifications/%s/delete" % cid).status == 303
    assert one(st, "SELECT COUNT(*) FROM notify_channels WHERE id = %s" % cid) == "0"
    # audited, without the address or the secret
    details = " ".join(r[0] for r in con(st, "SELECT COALESCE(detail, '') FROM audit_log"
                                             " WHERE kind LIKE 'channel_%'"))
    assert "检查频道" in details and "s3cret" not in details and "hooks" not in details
    # agents may not see it
    agent = Client(st.url).login("agent", "demo-agent")
    assert agent.get("/admin/notifications").status == 403


def test_a_chat_that_is_down_hears_it_afterwards(st):
    c = admin(st)
    cid = channel(st, c, "主管群", hook="leads", events=("approval",))
    try:
        # an action over an agent's limits: waiting for approval
        oid, no = fx.order(st, items=[("测试 大件", 60000, 60000, 1)], paid_amount=60000)
        fx.timed(st, "payments", {"created_at": "NOW", "paid_at": "NOW", "updated_at": "NOW"},
                 order_id=oid, payment_no="PN%d" % oid, channel="alipay",
                 trade_no="TN%d" % oid, amount=60000, status="success")
        a = Client(st.url).login("agent", "demo-agent")
        page = a.get("/orders/%s/act/refund" % no).body
        key = re.search(r'name="key" value="([^"]+)"', page).group(1)
        r = a.post("/orders/%s/act/refund" % no, {"key": key, "payment": "PN%d" % oid,
                                                  "amount": "300", "reason": "退货"})
        assert "approval=1" in r.header("location")
        # the chat is down for three tries
        sim(st, "/_sim/faults", {"service": "chat", "fail": 3, "status": 502})
        for _ in range(6):
            st.dispatch_once(settings=FAST)
        [(state, attempts, summary)] = notify_rows(st, cid)
        assert (state, attempts) == ("effective", "4") and "待审批" in summary
        got = [h for h in hooks(st, "leads") if h["outcome"] == "applied"]
        assert len(got) == 1
        body = json.loads(got[0]["body"])
        assert body["msgtype"] == "markdown" and "待审批" in body["markdown"]["content"]
        assert no in body["markdown"]["content"]
    finally:
        sim(st, "/_sim/reset", {})
        con(st, "UPDATE notify_channels SET enabled = 0 WHERE id = %s" % cid)


def test_a_dead_action_and_escalations_are_told_once(st):
    c = admin(st)
    cid = channel(st, c, "值班群", hook="duty", events=("dead", "sla"))
    try:
        # an SMS the service keeps failing: dead after two attempts
        oid, no = fx.order(st, status="paid")
        a = Client(st.url).login("agent", "demo-agent")
        page = a.get("/orders/%s/act/sms" % no).body
        key = re.search(r'name="key" value="([^"]+)"', page).group(1)
        assert a.post("/orders/%s/act/sms" % no, {"key": key,
                                                  "template": "ship_delay"}).status == 303
        sim(st, "/_sim/faults", {"service": "sms", "fail": 100, "status": 500})
        for _ in range(3):
            st.dispatch_once(settings=dict(FAST, dispatch_attempts="2"))
        sim(st, "/_sim/reset", {})
        assert one(st, "SELECT state FROM outbox WHERE idem_key = '%s'" % key) == "dead"
        st.dispatch_once(settings=FAST)
        # an unpaid order found late (by a full pass: an incremental one
        # looks only at orders whose time came since the last pass):
        # escalated at once, and told
        _, late = fx.order(st, status="pending", created="NOW - 10 HOUR")
        st.scan_once("--full")
        assert one(st, "SELECT escalated_at IS NOT NULL FROM cases WHERE order_no = '%s'"
                   % late) == "1"
        escalated = "SELECT COUNT(*) FROM cases WHERE escalated_at IS NOT NULL"
        told = lambda: [r for r in notify_rows(st, cid) if "超时升级" in r[2]]
        before, n = one(st, escalated), len(told())
        assert n == 1, notify_rows(st, cid)
        st.scan_once()          # nothing new: nothing more told
        st.dispatch_once(settings=FAST)
        # (unless a case of another test crossed its target meanwhile)
        assert len(told()) == n + (one(st, escalated) != before), notify_rows(st, cid)
        rows = notify_rows(st, cid)
        dead = [r for r in rows if "多次失败" in r[2]]
        assert len(dead) == 1, rows
        assert all(r[0] == "effective" for r in rows), rows
        texts = [json.loads(h["body"])["markdown"]["content"] for h in hooks(st, "duty")]
        assert any("发短信" in t and "2 次" in t for t in texts), texts
    finally:
        sim(st, "/_sim/reset", {})
        con(st, "UPDATE notify_channels SET enabled = 0 WHERE id = %s" % cid)


def test_dingtalk_webhooks_are_signed(st):
    c = admin(st)
    good = channel(st, c, "钉钉群", kind="dingtalk", hook="signed", secret="sim-hook-secret",
                   events=("dead",))
    bad = channel(st, c, "钉钉群（错的密钥）", kind="dingtalk", hook="signed", secret="wrong",
                  events=("dead",))
    for cid in (good, bad):
        assert c.post("/admin/notifications/%s/test" % cid).status == 303
    st.dispatch_once(settings=FAST)
    assert notify_rows(st, good)[0][0] == "effective"
    state = notify_rows(st, bad)[0]
    assert state[0] == "failed", state
    assert "310000" in one(st, "SELECT last_error FROM outbox WHERE kind = 'notify' AND"
                               " path = '/%s'" % bad)
    body = json.loads([h for h in hooks(st, "signed") if h["outcome"] == "applied"][0]["body"])
    assert body["msgtype"] == "markdown" and "测试消息" in body["markdown"]["title"]
    con(st, "UPDATE notify_channels SET enabled = 0 WHERE id IN (%s, %s)" % (good, bad))
