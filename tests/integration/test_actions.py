"""test_actions.py: actions that fix an order at its source — the form,
the outbox, the dispatcher, the upstream (tools/upstream-sim), the
replica's effect, the timeline and the case — and every refusal on the
way.  The dispatcher runs --once here, so each step is seen."""
import json
import re
import threading
import urllib.parse
import urllib.request

import fixtures as fx
from client import Client

ORDER = 75


def con(st, sql):
    return st.sql(sql, database="ordermend")


def one(st, sql, database="ordermend"):
    rows = st.sql(sql, database=database)
    return rows[0][0] if rows and rows[0][0] != "NULL" else None


def agent(st):
    return Client(st.url).login("agent", "demo-agent")


def lead(st):
    return Client(st.url).login("lead", "demo-lead")


def sim(st, path, body=None):
    req = urllib.request.Request(st.upstream_url + path, method="POST" if body is not None
                                 else "GET", data=json.dumps(body).encode()
                                 if body is not None else None,
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.loads(r.read())


def effects(st, key):
    return sim(st, "/_sim/effects?key=" + urllib.parse.quote(key))["effects"]


def paid_order(st, amount=30000, payments=1, status="paid", **kw):
    """A fixture order paid `payments` times (each the full amount)."""
    oid, no = fx.order(st, items=[("测试商品", amount, amount, 1)], status=status,
                       paid_amount=amount * payments, **kw)
    pays = []
    for i in range(payments):
        pno = "P%d%02d" % (oid, i)
        fx.timed(st, "payments", {"created_at": "NOW - %d MINUTE" % (30 - i),
                                  "paid_at": "NOW - %d MINUTE" % (30 - i), "updated_at": "NOW"},
                 order_id=oid, payment_no=pno, channel="alipay", trade_no="T%s" % pno,
                 amount=amount, status="success")
        pays.append(pno)
    return oid, no, pays


def form_key(page):
    m = re.search(r'name="key" value="([^"]+)"', page)
    assert m, "the form carries no key"
    return m.group(1)


def outbox(st, order_id):
    return con(st, "SELECT id, kind, state, attempts, idem_key, COALESCE(last_error, '')"
                   " FROM outbox WHERE order_id = %d ORDER BY id" % order_id)


def test_refund_of_a_duplicate_payment_end_to_end(st):
    oid, no, pays = paid_order(st, amount=12300, payments=2)
    c = agent(st)
    page = c.get("/orders/%s/act/refund" % no)
    assert page.status == 200, page
    # the later payment is the extra one, pre-selected with its amount
    assert re.search(r'value="%s" checked' % pays[1], page.body), page.body
    assert 'value="123.00"' in page.body
    key = form_key(page.body)
    r = c.post("/orders/%s/act/refund" % no, {"key": key, "payment": pays[1],
                                              "amount": "123.00", "reason": "重复支付"})
    assert r.status == 303 and "done=refund" in r.header("location"), r
    [(aid, kind, state, attempts, k, _)] = outbox(st, oid)
    assert (kind, state, k) == ("refund", "queued", key)
    # on the order's timeline at once
    assert "已提交" in c.get("/orders/%s" % no).body
    st.dispatch_once()
    assert effects(st, key) == 1
    assert one(st, "SELECT state FROM outbox WHERE id = %s" % aid) == "effective"
    assert one(st, "SELECT SUM(amount) FROM refunds WHERE order_id = %d AND status = 'success'"
               % oid, database="shop") == "12300"
    assert one(st, "SELECT refunded_amount FROM orders WHERE id = %d" % oid,
               database="shop") == "12300"
    body = c.get("/orders/%s" % no).body
    assert "已生效" in body and "退款 ¥123.00" in body


def test_an_action_that_takes_effect_resolves_its_case(st):
    oid, no, pays = paid_order(st, amount=5000, payments=2)
    st.scan_once()
    cid = int(one(st, "SELECT id FROM cases WHERE order_id = %d AND kind = 'duplicate_payment'"
                      " AND live = 1" % oid))
    c = agent(st)
    # the case page offers the refund as a link to its form, for this case
    assert "/orders/%s/act/refund?case=%d" % (no, cid) in c.get("/cases/%d" % cid).body
    page = c.get("/orders/%s/act/refund?case=%d" % (no, cid))
    r = c.post("/orders/%s/act/refund" % no, {"key": form_key(page.body), "case": cid,
                                              "payment": pays[1], "amount": "50",
                                              "reason": "重复支付"})
    assert r.status == 303 and r.header("location").startswith("/cases/%d?" % cid), r
    st.dispatch_once()
    row = con(st, "SELECT state, resolution FROM cases WHERE id = %d" % cid)[0]
    assert row[0] == "resolved" and "已生效" in row[1], row
    kinds = [x[0] for x in con(st, "SELECT kind FROM case_events WHERE case_id = %d ORDER BY id"
                               % cid)]
    assert kinds[-2:] == ["action", "resolved"], kinds
    # the scanner agrees: the condition has cleared, the case stays resolved
    st.scan_once()
    assert one(st, "SELECT state FROM cases WHERE id = %d" % cid) == "resolved"


def test_cancel_an_unpaid_order(st):
    oid, no = fx.order(st, status="pending", created="NOW - 3 HOUR")
    c = agent(st)
    page = c.get("/orders/%s/act/cancel" % no)
    r = c.post("/orders/%s/act/cancel" % no, {"key": form_key(page.body), "reason": "unpaid"})
    assert r.status == 303, r
    st.dispatch_once()
    assert one(st, "SELECT status FROM orders WHERE id = %d" % oid, database="shop") == \
        "cancelled"
    assert outbox(st, oid)[0][2] == "effective"


def test_bad_input_is_a_field_error_and_writes_nothing(st):
    oid, no, pays = paid_order(st, amount=10000)
    c = agent(st)
    key = form_key(c.get("/orders/%s/act/refund" % no).body)
    for amount in ("-1", "0", "1e309", "1,00", "12345678901234567890", "1.234", "",
                   "100.01", "abc"):
        r = c.post("/orders/%s/act/refund" % no, {"key": key, "payment": pays[0],
                                                  "amount": amount, "reason": "测试"})
        assert r.status == 400, (amount, r)
        assert "field-error" in r.body, amount
    r = c.post("/orders/%s/act/refund" % no, {"key": key, "payment": "P404",
                                              "amount": "1", "reason": "测试"})
    assert r.status == 400
    r = c.post("/orders/%s/act/refund" % no, {"key": key, "payment": pays[0],
                                              "amount": "1", "reason": "测试"},
               headers={"Accept": "application/json"})
    assert r.status == 303 or r.status == 200
    # only the last, good one was written
    assert len(outbox(st, oid)) == 1
    # an address without its district, a phone that is not a mobile
    key = form_key(c.get("/orders/%s/act/address" % no).body)
    for form, field in (({"district": ""}, "district"), ({"phone": "12345"}, "phone")):
        f = {"key": key, "name": "张三", "phone": "13800001234", "province": "浙江省",
             "city": "杭州市", "district": "西湖区", "detail": "文三路 1 号"}
        f.update(form)
        r = c.post("/orders/%s/act/address" % no, f, headers={"Accept": "application/json"})
        assert r.status == 400 and field in r.json()["error"]["fields"], (field, r)
    # no key: refused, nothing written
    r = c.post("/orders/%s/act/sms" % no, {"template": "ship_delay"})
    assert r.status == 400
    assert len(outbox(st, oid)) == 1


def test_refusals_by_state_and_permission(st):
    c = agent(st)
    # shipped: no cancel (409), its form says why
    oid, no, _ = paid_order(st, status="shipped")
    st.sql("UPDATE orders SET shipped_at = NOW() WHERE id = %d" % oid, database="shop")
    page = c.get("/orders/%s/act/cancel" % no)
    assert page.status == 409 and "已发货" in page.body
    r = c.post("/orders/%s/act/cancel" % no, {"key": "k" * 20, "reason": "customer"})
    assert r.status == 409
    # nothing paid: nothing to refund
    oid2, no2 = fx.order(st, status="pending")
    assert c.get("/orders/%s/act/refund" % no2).status == 409
    # an agent may not change prices (their role lacks act_price)
    assert c.get("/orders/%s/act/price" % no2).status == 403
    r = c.post("/orders/%s/act/price" % no2, {"key": "k" * 20, "agreed": "1"})
    assert r.status == 403
    assert outbox(st, oid) == [] and outbox(st, oid2) == []
    # an unknown action, an unknown order
    assert c.get("/orders/%s/act/teleport" % no).status == 404
    assert c.get("/orders/9999999999999999/act/refund").status == 404


def test_the_rules_look_at_the_facts(st):
    c = agent(st)
    # paid twice, refunded once: status refunded, yet money is still held
    oid, no, pays = paid_order(st, amount=8000, payments=2, status="refunded",
                               refunded_amount=8000)
    fx.timed(st, "refunds", {"created_at": "NOW", "completed_at": "NOW", "updated_at": "NOW"},
             order_id=oid, payment_id=None, refund_no="R%d" % oid, amount=8000, reason="x",
             status="success")
    page = c.get("/orders/%s" % no).body
    assert "/orders/%s/act/refund" % no in page
    assert c.get("/orders/%s/act/refund" % no).status == 200
    # never shipped, pending: cancel is offered
    oid, no = fx.order(st, status="pending")
    assert "/orders/%s/act/cancel" % no in c.get("/orders/%s" % no).body


def test_over_the_limit_waits_for_a_second_person(st):
    oid, no, pays = paid_order(st, amount=50000)   # ¥500: over the agent's ¥200
    a = agent(st)
    page = a.get("/orders/%s/act/refund" % no)
    r = a.post("/orders/%s/act/refund" % no, {"key": form_key(page.body), "payment": pays[0],
                                              "amount": "300", "reason": "客户退货"})
    assert r.status == 303 and "approval=1" in r.header("location"), r
    [(aid, _, state, _, key, _)] = outbox(st, oid)
    assert state == "approval"
    st.dispatch_once()
    assert effects(st, key) == 0        # not sent while waiting
    assert "待审批" in a.get("/orders/%s" % no).body
    # the agent cannot approve; a lead can, with a reason to refuse
    assert a.post("/approvals/%s/approve" % aid).status == 403
    l = lead(st)
    assert "300.00" in l.get("/approvals").body
    assert l.post("/approvals/%s/refuse" % aid, {}).status == 400
    assert l.post("/approvals/%s/approve" % aid).status == 303
    assert one(st, "SELECT state FROM outbox WHERE id = %s" % aid) == "queued"
    st.dispatch_once()
    assert effects(st, key) == 1
    # a lead's own action over their limit: another person must approve it
    oid, no, pays = paid_order(st, amount=50000)
    page = l.get("/orders/%s/act/refund" % no)
    l.post("/orders/%s/act/refund" % no, {"key": form_key(page.body), "payment": pays[0],
                                          "amount": "300", "reason": "客户退货"})
    [(aid, _, state, _, _, _)] = outbox(st, oid)
    assert state == "approval"
    r = l.post("/approvals/%s/approve" % aid)
    assert r.status == 403 and "自己" in r.body
    assert one(st, "SELECT state FROM outbox WHERE id = %s" % aid) == "approval"


def test_one_action_for_a_double_submit_and_parallel_posts(st):
    oid, no, pays = paid_order(st, amount=6000)
    a, b = agent(st), agent(st)
    key = form_key(a.get("/orders/%s/act/refund" % no).body)
    # a second agent who opened the same form at once has the same key
    assert form_key(b.get("/orders/%s/act/refund" % no).body) == key
    form = {"key": key, "payment": pays[0], "amount": "10", "reason": "测试"}
    results = []

    def post(c):
        results.append(c.post("/orders/%s/act/refund" % no, form).status)

    threads = [threading.Thread(target=post, args=(c,)) for c in (a, b, a)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [303, 303, 303], results
    assert len(outbox(st, oid)) == 1
    # the same key with other parameters: 422, nothing written
    r = a.post("/orders/%s/act/refund" % no, dict(form, amount="11"))
    assert r.status == 422, r
    st.dispatch_once()
    assert effects(st, key) == 1
    assert len(sim(st, "/_sim/requests?key=" + key)["requests"]) == 1
    # after it, a new form has a new key
    assert form_key(a.get("/orders/%s/act/refund" % no).body) != key


def test_retries_until_the_upstream_answers(st):
    oid, no, pays = paid_order(st, amount=7000)
    c = agent(st)
    page = c.get("/orders/%s/act/refund" % no)
    c.post("/orders/%s/act/refund" % no, {"key": form_key(page.body), "payment": pays[0],
                                          "amount": "70", "reason": "测试"})
    [(aid, _, _, _, key, _)] = outbox(st, oid)
    sim(st, "/_sim/faults", {"service": "payment", "fail": 5, "status": 503})
    fast = {"dispatch_backoff": "0s", "dispatch_backoff_max": "0s",
            "dispatch_breaker_failures": "100"}
    try:
        for _ in range(10):
            st.dispatch_once(settings=fast)
            if one(st, "SELECT state FROM outbox WHERE id = %s" % aid) == "effective":
                break
    finally:
        sim(st, "/_sim/reset", {})
    assert one(st, "SELECT state FROM outbox WHERE id = %s" % aid) == "effective"
    assert one(st, "SELECT attempts FROM outbox WHERE id = %s" % aid) == "6"
    assert effects(st, key) == 1


def test_a_refusal_is_not_retried(st):
    oid, no, pays = paid_order(st, amount=7000)
    c = agent(st)
    page = c.get("/orders/%s/act/refund" % no)
    c.post("/orders/%s/act/refund" % no, {"key": form_key(page.body), "payment": pays[0],
                                          "amount": "70", "reason": "测试"})
    sim(st, "/_sim/faults", {"service": "payment", "reject": 1, "message": "风控拒绝退款"})
    try:
        st.dispatch_once()
        st.dispatch_once()
    finally:
        sim(st, "/_sim/reset", {})
    [(aid, _, state, attempts, key, error)] = outbox(st, oid)
    assert (state, attempts, error) == ("failed", "1", "风控拒绝退款")
    page = c.get("/actions?view=failed").body
    assert "风控拒绝退款" in page
    # its requester queues it again by hand; then it goes through
    assert c.post("/actions/%s/retry" % aid).status == 303
    st.dispatch_once()
    assert one(st, "SELECT state FROM outbox WHERE id = %s" % aid) == "effective"
    assert effects(st, key) == 1


def test_every_kind_reaches_its_service_and_takes_effect(st):
    a, l = agent(st), lead(st)
    oid, no, pays = paid_order(st, amount=20000)
    sku = one(st, "SELECT sku FROM order_items WHERE order_id = %d" % oid, database="shop")
    st.sql("INSERT INTO inventory (sku, warehouse, on_hand, reserved, updated_at)"
           " VALUES ('%s', 'SH-01', 0, 1, NOW()) ON DUPLICATE KEY UPDATE on_hand = 0,"
           " reserved = 1" % sku, database="shop")
    forms = [
        (a, "compensate", {"amount": "5", "reason": "delay", "days": "30"}),
        (a, "address", {"name": "李四", "phone": "+86 138-0013-8000", "province": "浙江省",
                        "city": "杭州市", "district": "西湖区", "detail": "文三路 1 号"}),
        (a, "sms", {"template": "ship_delay"}),
        (a, "restock", {"sku": sku, "qty": "5"}),
        (l, "price", {"price_" + sku: "150", "agreed": "1"}),
    ]
    for c, kind, form in forms:
        page = c.get("/orders/%s/act/%s" % (no, kind))
        assert page.status == 200, (kind, page)
        r = c.post("/orders/%s/act/%s" % (no, kind), dict(form, key=form_key(page.body)))
        assert r.status == 303, (kind, r)
    st.dispatch_once()
    rows = {r[1]: r for r in outbox(st, oid)}
    assert {k: v[2] for k, v in rows.items()} == {k: "effective" for k in
                                                  ("compensate", "address", "sms", "restock",
                                                   "price")}, rows
    for k, v in rows.items():
        assert effects(st, v[4]) == 1, k
    shop = st.sql("SELECT receiver_phone, address_detail, refunded_amount FROM orders"
                  " WHERE id = %d" % oid, database="shop")[0]
    assert shop[:2] == ["13800138000", "文三路 1 号"]
    assert shop[2] == "5000"        # the price came down by ¥50: given back
    assert one(st, "SELECT COUNT(*) FROM coupon_grants WHERE order_id = %d" % oid,
               database="shop") == "1"
    assert one(st, "SELECT on_hand FROM inventory WHERE sku = '%s' AND warehouse = 'SH-01'"
               % sku, database="shop") == "5"
    # what the timeline says, in words, by whom
    body = a.get("/orders/%s" % no).body
    for words in ("补偿优惠券 ¥5.00", "修改收货地址", "短信：发货延迟致歉", "申请补货", "改价"):
        assert words in body, words
    # the SMS went to the full number, the timeline shows it masked
    req = sim(st, "/_sim/requests?key=" + rows["sms"][4])["requests"]
    assert "13900001111" in json.dumps(req, ensure_ascii=False)
    assert "13900001111" not in body


def test_each_kind_proposes_an_action_valid_for_its_orders(st):
    # every live case of the seeded shop: the action its playbook proposes
    # first is offered, filled in, or the page says why it cannot be done
    st.scan_once()
    l = lead(st)
    seen = {}
    for cid, kind in con(st, "SELECT MIN(id), kind FROM cases WHERE live = 1 AND order_id"
                             " < 900000000 GROUP BY kind, state"):
        j = l.get_json("/cases/%s" % cid).json()
        s = j.get("suggested")
        assert s, kind
        assert s["valid"] or s.get("why_not"), (kind, s)
        seen[kind] = s
        if s["valid"]:
            page = l.get(s["url"])
            assert page.status == 200 and 'name="key"' in page.body, (kind, s["url"])
    assert len(seen) >= 7, sorted(seen)
    # a duplicate payment's refund is valid whatever the status says (the
    # money is still held); three clicks: the queue links the case, the case
    # the filled-in form, the form submits
    oid, no, pays = paid_order(st, amount=4400, payments=2)
    st.scan_once()
    cid = one(st, "SELECT id FROM cases WHERE order_id = %d AND kind = 'duplicate_payment'" % oid)
    assert "/cases/%s" % cid in l.get("/queue?kind=duplicate_payment").body
    case = l.get("/cases/%s" % cid).body
    url = re.search(r'<a class="button-link primary" href="([^"]+)">退款</a>', case).group(1)
    form = l.get(url.replace("&amp;", "&")).body
    fields = dict(re.findall(r'name="(key|amount|reason)" value="([^"]*)"', form))
    assert fields["amount"] == "44.00" and fields["reason"]
    payment = re.search(r'name="payment" value="([^"]+)" checked', form).group(1)
    assert payment == pays[1]
    r = l.post("/orders/%s/act/refund" % no, dict(fields, payment=payment, case=cid))
    assert r.status == 303
    st.dispatch_once()
    assert one(st, "SELECT state FROM cases WHERE id = %s" % cid) == "resolved"
