"""test_scan.py: the anomaly scanner (bin/mend-scan) against the private
stack — the seed manifest's counts, every kind's threshold from just under
to just over, cases kept in step across passes (dedup, refresh,
auto-resolve, reopen, agent-closed cases), incidents, inhibition, silences,
the SLA pause, escalation, the watermark, two scanners at once, /metrics.

The scanner judges by the database's clock, so time is moved by building
fixture rows relative to NOW() (an order created 31 minutes ago), and the
console's own rows are dated back where a test needs a case that waited or
closed long ago.  Fixture orders (fixtures.py, ids above 900,000,000) are
this module's own; seeded orders are never changed, and the last test
clears every condition its fixtures raised, so the cases and incidents they
made are closed for the modules that follow."""
import json
import os
import re
import signal
import time

import fixtures as fx
from client import Client

ORDER = 60
FIXTURE_BASE = 900000000        # fixtures.new_id's ids start above this
KINDS = ("unpaid_timeout", "payment_failed", "duplicate_payment", "not_shipped",
         "logistics_stalled", "stock_shortage", "price_anomaly", "address_problem",
         "refund_stuck")
MINE = []                       # this module's fixture orders


# --- helpers -------------------------------------------------------------------

def rows(st, sql, db="ordermend"):
    return st.sql(sql, database=db)


def one(st, sql, db="ordermend"):
    r = st.sql(sql, database=db)
    return r[0][0] if r else None


def null(v):
    return None if v == "NULL" else v


def touch(st, *oids):
    """The orders changed just now: the next pass looks at them."""
    fx.exec_sql(st, "UPDATE orders SET updated_at = NOW() WHERE id IN (%s);"
                % ", ".join(str(o) for o in oids))


def mk(st, status="paid", created="NOW - 2 HOUR", price=10000, list_price=None, qty=1,
       product=None, sku=None, paid=None, touch_it=True, **kw):
    """An order that is in no kind by itself: one item whose amounts add
    up, a valid mobile number and address.  paid: its paid_at ('NOW - 1
    HOUR').  Returns (order_id, order_no)."""
    list_price = list_price or price
    if product is None:
        product = fx.product(st, "扫描测试商品", list_price, sku=sku)
    sku = sku or "FX-%d" % product
    goods = price * qty
    row = dict(goods_amount=goods, pay_amount=goods,
               paid_amount=0 if status in ("pending", "cancelled") else goods)
    row.update(kw)
    oid, no = fx.order(st, status=status, created=created, **row)
    fx.item(st, oid, product, "扫描测试商品", list_price, price, qty, sku=sku)
    if paid:
        fx.exec_sql(st, "UPDATE orders SET paid_at = %s WHERE id = %d;" % (fx.sql_time(paid), oid))
    MINE.append(oid)
    if touch_it:
        touch(st, oid)
    return oid, no


def payment(st, oid, status, at="NOW - 10 MINUTE", channel="alipay", amount=10000,
            code=None):
    pid = fx.new_id(st)
    when = {"created_at": at, "updated_at": "NOW"}
    if status == "success":
        when["paid_at"] = at
    fx.timed(st, "payments", when, id=pid, order_id=oid, payment_no="PAYSCAN%d" % pid,
             channel=channel, trade_no="TRSCAN%d" % pid if status == "success" else None,
             amount=amount, status=status, failure_code=code,
             failure_message="测试失败" if code else None)
    return pid


def shipment(st, oid, last_event, carrier="SF", status="in_transit", shipped=None):
    sid = fx.new_id(st)
    fx.timed(st, "shipments", {"shipped_at": shipped or last_event, "last_event_at": last_event,
                               "updated_at": "NOW"},
             id=sid, order_id=oid, carrier=carrier, tracking_no="SCAN%d" % sid,
             warehouse="SH-01", status=status)
    fx.timed(st, "shipment_events", {"event_time": last_event}, shipment_id=sid,
             code="in_transit", location="上海", description="运输中")
    return sid


def stock(st, sku, warehouse, on_hand, reserved):
    fx.exec_sql(st, "INSERT INTO inventory (sku, warehouse, on_hand, reserved, updated_at)"
                " VALUES (%s, %s, %d, %d, NOW()) ON DUPLICATE KEY UPDATE on_hand = %d,"
                " reserved = %d, updated_at = NOW();"
                % (fx.q(sku), fx.q(warehouse), on_hand, reserved, on_hand, reserved))


def kinds_of(st, oid):
    """The kinds of the order's live cases."""
    return {r[0] for r in rows(st, "SELECT kind FROM cases WHERE order_id = %d AND live = 1"
                               % oid)}


CASE_COLS = ("id", "state", "facts", "since", "resolution", "resolved_by", "reopened",
             "silence_id", "incident_id", "escalated_at", "cleared_at", "group_key",
             "resolve_due_at", "waiting_since", "ack_due_at", "severity")


def case(st, oid, kind, live=True):
    """The order's case of a kind as a dict (its live one, or its newest)."""
    r = rows(st, "SELECT %s FROM cases WHERE order_id = %d AND kind = '%s' %s"
             " ORDER BY id DESC LIMIT 1" % (", ".join(CASE_COLS), oid, kind,
                                             "AND live = 1" if live else ""))
    if not r:
        return None
    return {k: null(v) for k, v in zip(CASE_COLS, r[0])}


def events(st, case_id, kind=None):
    return [(r[0], r[1]) for r in rows(
        st, "SELECT kind, detail FROM case_events WHERE case_id = %d%s ORDER BY id"
        % (int(case_id), " AND kind = '%s'" % kind if kind else ""))]


def secs(st, expr):
    return int(one(st, "SELECT TIMESTAMPDIFF(SECOND, NOW(), %s)" % expr))


def lead(st):
    return Client(st.url).login("lead", "demo-lead")


def act(c, case_id, action, **form):
    """A case action through the queue, as an agent does it."""
    c.get("/cases/%d" % case_id)
    r = c.post("/cases/%d/%s" % (case_id, action), form)
    assert r.status == 303, (action, r)


def tomorrow(st):
    """A wait's end a day from now, as the wait form sends it."""
    return one(st, "SELECT DATE_FORMAT(NOW() + INTERVAL 1 DAY, '%Y-%m-%d %H:%i')")


def scan(st, *args):
    run = st.scan_once(*args)
    assert run is not None, "the scanner found its lock taken"
    return run


# --- the seed manifest ----------------------------------------------------------

def test_first_pass_matches_the_manifest(st):
    with open(st.manifest) as f:
        manifest = json.load(f)
    first = st.last_scan() is None
    run = scan(st)
    if first:
        assert run["full"] == 1 and run["opened"] > 0, run
    mnow = manifest["now"][:16]
    for kind in KINDS:
        want = set(manifest["kinds"][kind]["orders"])
        # the console's view of the seeded orders in this kind: live cases,
        # and cases an agent closed while the condition held
        got = {r[0]: r[1] for r in rows(
            st, "SELECT order_no, DATE_FORMAT(MIN(since), '%%Y-%%m-%%d %%H:%%i') FROM cases"
            " WHERE kind = '%s' AND order_id < %d AND (live = 1 OR (state IN ('resolved',"
            " 'dismissed') AND cleared_at IS NULL)) GROUP BY order_no" % (kind, FIXTURE_BASE))}
        assert not want - set(got), (kind, "missed", sorted(want - set(got))[:5])
        # anything more can only be an order the clock has carried over a
        # threshold since the seed's now: its case began after it
        late = {no: since for no, since in got.items() if no not in want}
        assert all(since >= mnow for since in late.values()), (kind, "extra", late)
        assert len(got) - len(late) == manifest["kinds"][kind]["count"], kind
    # no kind and order has two live cases
    assert rows(st, "SELECT kind, order_id FROM cases WHERE live = 1"
                " GROUP BY kind, order_id HAVING COUNT(*) > 1") == []


def test_a_second_pass_opens_nothing_new(st):
    before = int(one(st, "SELECT COUNT(*) FROM cases WHERE live = 1"))
    top = int(one(st, "SELECT COALESCE(MAX(id), 0) FROM cases"))
    t0 = one(st, "SELECT DATE_FORMAT(NOW(), '%Y-%m-%d %H:%i:%s')")
    for args in ((), ("--full",)):
        run = scan(st, *args)
        assert run["reopened"] == 0, run
        # a case opened now would be an order the clock just carried over
        # a threshold, never a second case for a known one
        assert all(r[0] >= t0 for r in rows(
            st, "SELECT DATE_FORMAT(since, '%%Y-%%m-%%d %%H:%%i:%%s') FROM cases WHERE id > %d"
            % top)), "a case opened again"
    new = int(one(st, "SELECT COUNT(*) FROM cases WHERE id > %d" % top))
    assert int(one(st, "SELECT COUNT(*) FROM cases WHERE live = 1")) == before + new
    assert rows(st, "SELECT kind, order_id FROM cases WHERE live = 1"
                " GROUP BY kind, order_id HAVING COUNT(*) > 1") == []
    # the unique key refuses a second live case for a kind and order
    probe = st.sh(["mariadb", "--socket=" + st.sock, "-uroot", "ordermend", "-e",
                   "INSERT INTO cases (kind, order_id, order_no, user_id, order_created_at,"
                   " state, severity, amount, since, facts, opened_at, ack_due_at,"
                   " resolve_due_at, updated_at) SELECT kind, order_id, order_no, user_id,"
                   " order_created_at, 'open', severity, amount, since, facts, NOW(), NOW(),"
                   " NOW(), NOW() FROM cases WHERE live = 1 LIMIT 1"], check=False)
    assert probe.returncode != 0 and "Duplicate entry" in probe.stderr, probe.stderr
    assert int(one(st, "SELECT COUNT(*) FROM cases WHERE live = 1")) == before + new


# --- each kind from just under its threshold to just over ---------------------------

def boundary(st, kind, under, over):
    """After a pass: no case for the order just under, a case of that kind
    only for the one just over; returns it."""
    scan(st)
    assert kinds_of(st, under) == set(), (kind, kinds_of(st, under))
    assert kinds_of(st, over) == {kind}, (kind, kinds_of(st, over))
    return case(st, over, kind)


def test_boundary_unpaid_timeout(st):
    under, _ = mk(st, status="pending", created="NOW - 29 MINUTE")
    over, _ = mk(st, status="pending", created="NOW - 31 MINUTE")
    c = boundary(st, "unpaid_timeout", under, over)
    assert c["state"] == "open" and "仍未付款" in c["facts"]
    # since: when the threshold was crossed, a minute ago
    assert -120 <= secs(st, "'%s'" % c["since"]) <= 0


def test_boundary_payment_failed(st):
    # latest attempt failed: a case; a failed attempt and a newer one: none
    over, _ = mk(st, status="pending", created="NOW - 20 MINUTE")
    payment(st, over, "failed", at="NOW - 15 MINUTE", channel="wechat", code="BANK_TIMEOUT")
    under, _ = mk(st, status="pending", created="NOW - 20 MINUTE")
    payment(st, under, "failed", at="NOW - 15 MINUTE", channel="wechat", code="BANK_TIMEOUT")
    payment(st, under, "pending", at="NOW - 14 MINUTE", channel="alipay")
    paid, _ = mk(st, status="paid", created="NOW - 20 MINUTE", paid="NOW - 13 MINUTE")
    payment(st, paid, "failed", at="NOW - 15 MINUTE", code="BANK_TIMEOUT")
    payment(st, paid, "success", at="NOW - 13 MINUTE")
    c = boundary(st, "payment_failed", under, over)
    assert kinds_of(st, paid) == set()
    assert c["group_key"] == "payment_failed:wechat:BANK_TIMEOUT", c
    assert "BANK_TIMEOUT" in c["facts"]


def test_boundary_duplicate_payment(st):
    under, _ = mk(st, paid="NOW - 1 HOUR")
    payment(st, under, "success", at="NOW - 1 HOUR")
    over, _ = mk(st, paid="NOW - 1 HOUR", paid_amount=20000)
    payment(st, over, "success", at="NOW - 1 HOUR")
    payment(st, over, "success", at="NOW - 59 MINUTE")
    assert boundary(st, "duplicate_payment", under, over)["facts"].startswith("2 笔成功支付")


def test_boundary_not_shipped(st):
    under, _ = mk(st, created="NOW - 2890 MINUTE", paid="NOW - 2879 MINUTE")
    over, _ = mk(st, created="NOW - 2890 MINUTE", paid="NOW - 2881 MINUTE")
    assert boundary(st, "not_shipped", under, over)["group_key"] == "not_shipped:SH-01"


def test_boundary_logistics_stalled(st):
    under, _ = mk(st, status="shipped", created="NOW - 5 DAY", paid="NOW - 5 DAY")
    shipment(st, under, "NOW - 4319 MINUTE", carrier="YTO", shipped="NOW - 4 DAY")
    over, _ = mk(st, status="shipped", created="NOW - 5 DAY", paid="NOW - 5 DAY")
    shipment(st, over, "NOW - 4321 MINUTE", carrier="YTO", shipped="NOW - 4 DAY")
    assert boundary(st, "logistics_stalled", under, over)["group_key"] == "logistics_stalled:YTO"


def test_boundary_stock_shortage(st):
    p0 = fx.product(st, "库存刚好", 10000)
    p1 = fx.product(st, "库存不足", 10000)
    stock(st, "FX-%d" % p0, "SH-01", 5, 5)      # available 0: not short
    stock(st, "FX-%d" % p1, "SH-01", 5, 6)      # available -1: short
    under, _ = mk(st, product=p0, paid="NOW - 1 HOUR")
    over, _ = mk(st, product=p1, paid="NOW - 1 HOUR")
    c = boundary(st, "stock_shortage", under, over)
    assert c["group_key"] == "stock_shortage:FX-%d@SH-01" % p1 and "可用库存 -1" in c["facts"]


def test_boundary_price_anomaly(st):
    low_ok, _ = mk(st, price=5000, list_price=10000, paid="NOW - 1 HOUR")     # 50%
    low, _ = mk(st, price=4999, list_price=10000, paid="NOW - 1 HOUR")        # 49.99%
    high_ok, _ = mk(st, price=15000, list_price=10000, paid="NOW - 1 HOUR")   # 150%
    high, _ = mk(st, price=15001, list_price=10000, paid="NOW - 1 HOUR")
    sums, _ = mk(st, paid="NOW - 1 HOUR", pay_amount=10001, paid_amount=10001)
    scan(st)
    assert kinds_of(st, low_ok) == set() and kinds_of(st, high_ok) == set()
    for oid in (low, high, sums):
        assert kinds_of(st, oid) == {"price_anomaly"}, oid
    assert "偏离标价" in case(st, low, "price_anomaly")["facts"]
    assert "相差 ¥0.01" in case(st, sums, "price_anomaly")["facts"]


def test_boundary_address_problem(st):
    ok, _ = mk(st, paid="NOW - 1 HOUR", receiver_phone="13912345678")
    phone, _ = mk(st, paid="NOW - 1 HOUR", receiver_phone="12912345678")
    city, _ = mk(st, paid="NOW - 1 HOUR", city="")
    done, _ = mk(st, status="completed", paid="NOW - 1 HOUR", receiver_phone="12912345678")
    unreach, _ = mk(st, status="shipped", paid="NOW - 1 HOUR")
    sid = shipment(st, unreach, "NOW - 30 MINUTE")
    fx.timed(st, "shipment_events", {"event_time": "NOW - 20 MINUTE"}, shipment_id=sid,
             code="unreachable", location="上海", description="收件人电话无法接通")
    scan(st)
    assert kinds_of(st, ok) == set() and kinds_of(st, done) == set()
    for oid in (phone, city, unreach):
        assert kinds_of(st, oid) == {"address_problem"}, oid
    assert case(st, unreach, "address_problem")["facts"] == "快递员无法联系收件人"


def refund(st, oid, created, status="pending"):
    rid = fx.new_id(st)
    fx.timed(st, "refunds", {"created_at": created, "updated_at": "NOW"}, id=rid, order_id=oid,
             payment_id=None, refund_no="RFSCAN%d" % rid, amount=3000, reason="测试退款",
             status=status)
    return rid


def test_boundary_refund_stuck(st):
    under, _ = mk(st, status="refunding", created="NOW - 3 DAY", paid="NOW - 3 DAY")
    refund(st, under, "NOW - 1439 MINUTE")
    over, _ = mk(st, status="refunding", created="NOW - 3 DAY", paid="NOW - 3 DAY")
    refund(st, over, "NOW - 1441 MINUTE", status="processing")
    boundary(st, "refund_stuck", under, over)


# --- cases kept in step ----------------------------------------------------------------

def test_refresh_when_the_facts_change(st):
    p = fx.product(st, "库存变化", 10000)
    stock(st, "FX-%d" % p, "SH-01", 2, 3)
    oid, _ = mk(st, product=p, paid="NOW - 1 HOUR")
    scan(st)
    c = case(st, oid, "stock_shortage")
    assert "可用库存 -1" in c["facts"]
    # only the stock row changes: the watermark finds the order through it
    stock(st, "FX-%d" % p, "SH-01", 2, 5)
    fx.exec_sql(st, "UPDATE orders SET updated_at = NOW() - INTERVAL 1 DAY WHERE id = %d;" % oid)
    run = scan(st)
    c2 = case(st, oid, "stock_shortage")
    assert c2["id"] == c["id"] and "可用库存 -3" in c2["facts"], c2
    assert run["updated"] >= 1
    assert ("updated", c2["facts"]) in events(st, c["id"], "updated")


def test_a_row_without_its_time_is_judged_from_the_order(st):
    # a paid order whose paid_at the replica lost: its trouble began with
    # the order, and the pass goes on
    p = fx.product(st, "库存无时间", 10000)
    stock(st, "FX-%d" % p, "SH-01", 1, 2)
    oid, _ = mk(st, product=p, paid="NOW - 1 HOUR")
    fx.exec_sql(st, "UPDATE orders SET paid_at = NULL, updated_at = NOW() WHERE id = %d;" % oid)
    scan(st)
    c = case(st, oid, "stock_shortage")
    created = rows(st, "SELECT created_at FROM orders WHERE id = %d" % oid, db="shop")[0][0]
    assert c["since"] == created, (c["since"], created)


def test_auto_resolve_says_why(st):
    unpaid, _ = mk(st, status="pending", created="NOW - 40 MINUTE")
    stalled, _ = mk(st, status="shipped", created="NOW - 6 DAY", paid="NOW - 6 DAY")
    sid = shipment(st, stalled, "NOW - 4 DAY", carrier="ZTO")
    scan(st)
    c1, c2 = case(st, unpaid, "unpaid_timeout"), case(st, stalled, "logistics_stalled")
    assert c1 and c2
    # the payment arrives; the parcel moves
    payment(st, unpaid, "success", at="NOW")
    fx.exec_sql(st, "UPDATE orders SET status = 'paid', paid_at = NOW(), paid_amount = pay_amount,"
                " updated_at = NOW() WHERE id = %d;" % unpaid)
    fx.timed(st, "shipment_events", {"event_time": "NOW"}, shipment_id=sid, code="arrived",
             location="杭州", description="到达杭州转运中心")
    fx.exec_sql(st, "UPDATE shipments SET last_event_at = NOW(), updated_at = NOW()"
                " WHERE id = %d;" % sid)
    run = scan(st)
    assert run["resolved"] >= 2
    for c, oid, kind, why in ((c1, unpaid, "unpaid_timeout", "订单已付款或已关闭"),
                              (c2, stalled, "logistics_stalled", "包裹有了新的轨迹或已签收")):
        got = case(st, oid, kind, live=False)
        assert got["id"] == c["id"] and got["state"] == "auto_resolved", got
        assert got["resolved_by"] is None and got["resolution"] == why, got
        assert events(st, c["id"], "auto_resolved") == [("auto_resolved", why)]
        assert kinds_of(st, oid) == set()


def test_reopen_within_the_window_and_a_new_case_after(st):
    p = fx.product(st, "反复缺货", 10000)
    sku = "FX-%d" % p
    stock(st, sku, "SH-01", 1, 2)
    oid, _ = mk(st, product=p, paid="NOW - 1 HOUR")
    scan(st)
    first = case(st, oid, "stock_shortage")
    # from here on only the stock changes: the pass finds the order through
    # the shortage case (restocked) or the short stock (short again)
    fx.exec_sql(st, "UPDATE orders SET updated_at = NOW() - INTERVAL 1 DAY WHERE id = %d;" % oid)
    stock(st, sku, "SH-01", 10, 2)              # restocked
    scan(st)
    assert case(st, oid, "stock_shortage", live=False)["state"] == "auto_resolved"
    stock(st, sku, "SH-01", 1, 3)               # short again, within 24 h
    run = scan(st)
    again = case(st, oid, "stock_shortage")
    assert again["id"] == first["id"] and again["state"] == "open", again
    assert again["reopened"] == "1" and again["resolution"] is None
    assert run["reopened"] >= 1 and len(events(st, first["id"], "reopened")) == 1
    # closed by the system more than a day ago: a new case, the old one stays
    stock(st, sku, "SH-01", 10, 3)
    scan(st)
    rows(st, "UPDATE cases SET resolved_at = NOW() - INTERVAL 25 HOUR WHERE id = %s"
         % first["id"])
    stock(st, sku, "SH-01", 1, 4)
    scan(st)
    new = case(st, oid, "stock_shortage")
    assert new["id"] != first["id"] and new["reopened"] == "0"
    assert one(st, "SELECT state FROM cases WHERE id = %s" % first["id"]) == "auto_resolved"


def test_a_case_an_agent_closed_stays_closed(st):
    oid, _ = mk(st, paid="NOW - 1 HOUR", receiver_phone="10000000000")
    scan(st)
    c = case(st, oid, "address_problem")
    act(lead(st), int(c["id"]), "resolve", reason="已电话核实地址")
    assert case(st, oid, "address_problem", live=False)["state"] == "resolved"
    # the condition merely goes on: no new case, no reopening
    touch(st, oid)
    scan(st)
    scan(st, "--full")
    assert kinds_of(st, oid) == set()
    closed = case(st, oid, "address_problem", live=False)
    assert closed["id"] == c["id"] and closed["state"] == "resolved"
    assert closed["cleared_at"] is None
    # it clears, then comes back within the window: the agent's case reopens
    fx.exec_sql(st, "UPDATE orders SET receiver_phone = '13912345678', updated_at = NOW()"
                " WHERE id = %d;" % oid)
    scan(st)
    closed = case(st, oid, "address_problem", live=False)
    assert closed["state"] == "resolved" and closed["cleared_at"] is not None
    fx.exec_sql(st, "UPDATE orders SET receiver_phone = '10000000000', updated_at = NOW()"
                " WHERE id = %d;" % oid)
    scan(st)
    back = case(st, oid, "address_problem")
    assert back["id"] == c["id"] and back["state"] == "open" and back["reopened"] == "1"


def test_cases_sharing_a_cause_become_an_incident(st):
    key = "not_shipped:GRP-SCAN"
    # nine crossed 48 h within the last hour: a group, not yet an incident
    group = [mk(st, created="NOW - 2950 MINUTE", paid="NOW - %d MINUTE" % (2885 + i),
                warehouse="GRP-SCAN")[0] for i in range(9)]
    # one of the same cause that crossed long ago: a backlog, not the burst
    old = mk(st, created="NOW - 4000 MINUTE", paid="NOW - 3500 MINUTE", warehouse="GRP-SCAN")[0]
    # ten that crossed long ago: outside the window
    for i in range(10):
        mk(st, created="NOW - 4000 MINUTE", paid="NOW - %d MINUTE" % (3000 + i),
           warehouse="GRP-OLD")
    scan(st)
    assert all(case(st, o, "not_shipped")["group_key"] == key for o in group)
    assert one(st, "SELECT COUNT(*) FROM incidents WHERE group_key = '%s'" % key) == "0"
    assert one(st, "SELECT COUNT(*) FROM incidents WHERE group_key = 'not_shipped:GRP-OLD'") == "0"
    # the tenth
    group.append(mk(st, created="NOW - 2950 MINUTE", paid="NOW - 2900 MINUTE",
                    warehouse="GRP-SCAN")[0])
    scan(st)
    inc = rows(st, "SELECT id, state, members, kind, label FROM incidents"
               " WHERE group_key = '%s'" % key)
    assert len(inc) == 1 and inc[0][1:4] == ["open", "10", "not_shipped"], inc
    assert "GRP-SCAN" in inc[0][4]
    assert {case(st, o, "not_shipped")["incident_id"] for o in group} == {inc[0][0]}
    assert case(st, old, "not_shipped")["incident_id"] is None
    # an eleventh joins it; a pass after that changes nothing
    group.append(mk(st, created="NOW - 2950 MINUTE", paid="NOW - 2890 MINUTE",
                    warehouse="GRP-SCAN")[0])
    scan(st)
    scan(st)
    assert rows(st, "SELECT COUNT(*), MIN(members) FROM incidents WHERE group_key = '%s'"
                % key) == [["1", "11"]]
    assert case(st, group[-1], "not_shipped")["incident_id"] == inc[0][0]


def test_payment_failed_inhibits_unpaid_timeout(st):
    # both conditions hold: only payment_failed is a case
    both, _ = mk(st, status="pending", created="NOW - 45 MINUTE")
    payment(st, both, "failed", at="NOW - 40 MINUTE", code="CARD_EXPIRED")
    # unpaid first; then its payment fails: payment_failed takes it over
    later, _ = mk(st, status="pending", created="NOW - 45 MINUTE")
    scan(st)
    assert kinds_of(st, both) == {"payment_failed"}
    assert kinds_of(st, later) == {"unpaid_timeout"}
    unpaid = case(st, later, "unpaid_timeout")
    payment(st, later, "failed", at="NOW - 1 MINUTE", code="CARD_EXPIRED")
    scan(st)
    assert kinds_of(st, later) == {"payment_failed"}
    gone = case(st, later, "unpaid_timeout", live=False)
    assert gone["id"] == unpaid["id"] and gone["state"] == "auto_resolved"
    assert gone["resolution"] == "订单出现「支付失败」，由该异常单接替", gone
    # a new attempt after the failure: payment_failed clears, unpaid returns
    payment(st, later, "pending", at="NOW")
    scan(st)
    assert kinds_of(st, later) == {"unpaid_timeout"}
    assert case(st, later, "unpaid_timeout")["id"] == unpaid["id"]     # reopened
    assert case(st, later, "payment_failed", live=False)["state"] == "auto_resolved"


def silence(st, reason, hours=1, **match):
    lead_id = int(one(st, "SELECT id FROM agents WHERE login = 'lead'"))
    cols = ["reason", "created_by", "created_at", "ends_at"] + list(match)
    vals = [fx.q(reason), str(lead_id), "NOW()", "NOW() + INTERVAL %d HOUR" % hours] + \
        [fx.q(v) for v in match.values()]
    rows(st, "INSERT INTO silences (%s) VALUES (%s)" % (", ".join(cols), ", ".join(vals)))
    return one(st, "SELECT MAX(id) FROM silences")


def test_silences(st):
    s_carrier = silence(st, "测试：快递公司故障", kind="logistics_stalled", carrier="ZSIL")
    stalled, _ = mk(st, status="shipped", created="NOW - 6 DAY", paid="NOW - 6 DAY")
    shipment(st, stalled, "NOW - 4 DAY", carrier="ZSIL")
    other, _ = mk(st, status="shipped", created="NOW - 6 DAY", paid="NOW - 6 DAY")
    shipment(st, other, "NOW - 4 DAY", carrier="ZOTHER")
    p = fx.product(st, "静默缺货", 10000)
    stock(st, "FX-%d" % p, "SH-01", 0, 1)
    s_sku = silence(st, "测试：补货中", sku="FX-%d" % p)
    short, _ = mk(st, product=p, paid="NOW - 1 HOUR")
    s_wh = silence(st, "测试：仓库盘点", warehouse="SIL-WH")
    late, _ = mk(st, created="NOW - 50 HOUR", paid="NOW - 49 HOUR", warehouse="SIL-WH")
    uid = fx.user(st, name="静默用户")
    s_user = silence(st, "测试：用户已联系", user_id=uid)
    unpaid, _ = mk(st, status="pending", created="NOW - 1 HOUR", user_id=uid)
    addr, addr_no = mk(st, paid="NOW - 1 HOUR", city="")
    s_order = silence(st, "测试：已知问题", order_no=addr_no)
    scan(st)
    for oid, kind, sid in ((stalled, "logistics_stalled", s_carrier),
                           (short, "stock_shortage", s_sku), (late, "not_shipped", s_wh),
                           (unpaid, "unpaid_timeout", s_user), (addr, "address_problem", s_order)):
        c = case(st, oid, kind)
        assert c and c["silence_id"] == sid, (kind, c)      # recorded, but silenced
    assert case(st, other, "logistics_stalled")["silence_id"] is None
    # kept out of the queue, unless it asks for silenced cases
    lc = lead(st)
    q = lc.get_json("/queue?group=logistics_stalled:ZSIL")
    assert q.status == 200 and not [r for r in q.json()["rows"] if r.get("order_no")], q
    q = lc.get_json("/queue?group=logistics_stalled:ZSIL&silenced=1")
    assert q.status == 200 and len(q.json()["rows"]) >= 1, q
    # a silenced case is not escalated
    cid = case(st, stalled, "logistics_stalled")["id"]
    rows(st, "UPDATE cases SET ack_due_at = NOW() - INTERVAL 1 MINUTE WHERE id = %s" % cid)
    scan(st)
    assert case(st, stalled, "logistics_stalled")["escalated_at"] is None
    # the silence runs out (another is ended by hand): the cases come back
    rows(st, "UPDATE silences SET ends_at = NOW() - INTERVAL 1 SECOND WHERE id = %s" % s_carrier)
    rows(st, "UPDATE silences SET ended_at = NOW() WHERE id = %s" % s_sku)
    scan(st)
    back = case(st, stalled, "logistics_stalled")
    assert back["silence_id"] is None and back["escalated_at"] is not None
    assert case(st, short, "stock_shortage")["silence_id"] is None
    assert events(st, int(cid), "unsilenced") == [("unsilenced", "静默已结束：测试：快递公司故障")]
    assert case(st, late, "not_shipped")["silence_id"] == s_wh      # still on
    q = lc.get_json("/queue?group=logistics_stalled:ZSIL")
    assert [r for r in q.json()["rows"] if r.get("id") == int(cid)], q.json()["rows"]


def test_waiting_pauses_the_sla_clock(st):
    a, _ = mk(st, status="refunding", created="NOW - 3 DAY", paid="NOW - 3 DAY")
    refund(st, a, "NOW - 2 DAY")
    b, _ = mk(st, status="refunding", created="NOW - 3 DAY", paid="NOW - 3 DAY")
    refund(st, b, "NOW - 2 DAY")
    c, _ = mk(st, status="refunding", created="NOW - 3 DAY", paid="NOW - 3 DAY")
    rc = refund(st, c, "NOW - 2 DAY")
    scan(st)
    lc = lead(st)
    ids = {o: int(case(st, o, "refund_stuck")["id"]) for o in (a, b, c)}

    def wait_for(oid, minutes):
        act(lc, ids[oid], "wait", until=tomorrow(st))
        got = case(st, oid, "refund_stuck")
        assert got["state"] == "waiting" and got["waiting_since"], got
        # it has waited this long
        rows(st, "UPDATE cases SET waiting_since = waiting_since - INTERVAL %d MINUTE"
             " WHERE id = %d" % (minutes, ids[oid]))
        return int(one(st, "SELECT UNIX_TIMESTAMP(resolve_due_at) FROM cases WHERE id = %d"
                       % ids[oid]))

    def moved(oid, due):
        return int(one(st, "SELECT UNIX_TIMESTAMP(resolve_due_at) FROM cases WHERE id = %d"
                       % ids[oid])) - due

    # resumed: the target moves by the time waited
    due = wait_for(a, 120)
    act(lc, ids[a], "resume")
    got = case(st, a, "refund_stuck")
    assert got["state"] == "acknowledged" and got["waiting_since"] is None
    assert 7200 <= moved(a, due) <= 7200 + 10, moved(a, due)
    # resolved while waiting: the same
    due = wait_for(b, 60)
    act(lc, ids[b], "resolve", reason="渠道已确认到账")
    assert 3600 <= moved(b, due) <= 3600 + 10, moved(b, due)
    # the condition clears while waiting: the scanner does the same
    due = wait_for(c, 30)
    fx.exec_sql(st, "UPDATE refunds SET status = 'success', completed_at = NOW(),"
                " updated_at = NOW() WHERE id = %d;" % rc)
    scan(st)
    got = case(st, c, "refund_stuck", live=False)
    assert got["state"] == "auto_resolved" and got["waiting_since"] is None
    assert 1800 <= moved(c, due) <= 1800 + 10, moved(c, due)
    # a waiting case is never escalated
    d, _ = mk(st, status="refunding", created="NOW - 3 DAY", paid="NOW - 3 DAY")
    refund(st, d, "NOW - 1470 MINUTE")     # past the threshold half an hour ago
    scan(st)
    ids[d] = int(case(st, d, "refund_stuck")["id"])
    wait_for(d, 10)
    rows(st, "UPDATE cases SET ack_due_at = NOW() - INTERVAL 1 HOUR WHERE id = %d" % ids[d])
    scan(st)
    assert case(st, d, "refund_stuck")["escalated_at"] is None


def test_escalation_past_the_acknowledge_target(st):
    late, _ = mk(st, created="NOW - 10 MINUTE", paid="NOW - 5 MINUTE", city="")
    taken, _ = mk(st, created="NOW - 10 MINUTE", paid="NOW - 5 MINUTE", city="")
    fresh, _ = mk(st, created="NOW - 10 MINUTE", paid="NOW - 5 MINUTE", city="")
    scan(st)
    cl, ct, cf = (case(st, o, "address_problem") for o in (late, taken, fresh))
    act(lead(st), int(ct["id"]), "claim")
    # both were due to be acknowledged a minute ago; one was
    rows(st, "UPDATE cases SET ack_due_at = NOW() - INTERVAL 1 MINUTE WHERE id IN (%s, %s)"
         % (cl["id"], ct["id"]))
    scan(st)
    assert case(st, late, "address_problem")["escalated_at"] is not None
    assert case(st, taken, "address_problem")["escalated_at"] is None
    assert case(st, fresh, "address_problem")["escalated_at"] is None
    scan(st)
    assert len(events(st, int(cl["id"]), "escalated")) == 1
    assert events(st, int(ct["id"]), "escalated") == []


def test_the_sla_clock_starts_when_the_trouble_began(st):
    # found now, began long ago: born overdue, and escalated by the same
    # pass (past the acknowledge target too)
    old, _ = mk(st, status="pending", created="NOW - 3 DAY", paid_amount=0)
    new, _ = mk(st, status="pending", created="NOW - 40 MINUTE", paid_amount=0)
    scan(st)
    co, cn = case(st, old, "unpaid_timeout"), case(st, new, "unpaid_timeout")
    # unpaid_timeout: the clock starts at creation plus the threshold (30 min)
    assert -3 * 86400 + 1800 - 5 <= secs(st, "'%s'" % co["since"]) <= -3 * 86400 + 1800 + 5
    ack, resolve = (int(x) for x in rows(st, "SELECT ack_minutes, resolve_minutes FROM"
                                         " anomaly_rules WHERE kind = 'unpaid_timeout'")[0])
    assert int(one(st, "SELECT TIMESTAMPDIFF(MINUTE, since, resolve_due_at) FROM cases"
                       " WHERE id = %s" % co["id"])) == resolve
    assert int(one(st, "SELECT TIMESTAMPDIFF(MINUTE, since, ack_due_at) FROM cases"
                       " WHERE id = %s" % cn["id"])) == ack
    assert secs(st, "'%s'" % co["resolve_due_at"]) < 0 and co["escalated_at"] is not None
    assert secs(st, "'%s'" % cn["resolve_due_at"]) > 0 and cn["escalated_at"] is None
    # the queue's soonest-due order is the order the troubles began in
    c = lead(st)
    seen = [r["id"] for r in c.get_json("/queue?kind=unpaid_timeout&sort=due").json()["rows"]]
    assert seen.index(int(co["id"])) < seen.index(int(cn["id"])) if int(cn["id"]) in seen \
        else int(co["id"]) in seen
    page = c.get("/cases/%s" % co["id"]).body
    assert "超时" in page and "已升级" in page


def test_a_wait_ends_and_the_case_comes_back_to_its_owner(st):
    oid, _ = mk(st, created="NOW - 10 MINUTE", paid="NOW - 5 MINUTE", city="")
    scan(st)
    cid = int(case(st, oid, "address_problem")["id"])
    a = Client(st.url).login("agent", "demo-agent")
    # a wait needs an end; it takes the case for the agent
    a.get("/cases/%d" % cid)
    r = a.post("/cases/%d/wait" % cid, {})
    assert r.status == 400 and "等待到" in r.body
    r = a.post("/cases/%d/wait" % cid, {"until": "2001-01-01 10:00"})
    assert r.status == 400 and "之后" in r.body
    assert case(st, oid, "address_problem")["state"] == "open"
    assert "明天 10:00" in a.get("/cases/%d" % cid).body
    act(a, cid, "wait", until=tomorrow(st))
    got = rows(st, "SELECT c.state, a.login, c.wait_until IS NOT NULL, c.reminded FROM cases c"
                   " JOIN agents a ON a.id = c.assignee_id WHERE c.id = %d" % cid)[0]
    assert got == ["waiting", "agent", "1", "0"], got
    scan(st)
    assert case(st, oid, "address_problem")["state"] == "waiting"      # not yet
    # the clock reaches the end of the wait (the wait began an hour ago)
    rows(st, "UPDATE cases SET wait_until = NOW() - INTERVAL 1 MINUTE,"
             " waiting_since = NOW() - INTERVAL 1 HOUR WHERE id = %d" % cid)
    due = int(one(st, "SELECT UNIX_TIMESTAMP(resolve_due_at) FROM cases WHERE id = %d" % cid))
    scan(st)
    got = rows(st, "SELECT c.state, a.login, c.wait_until IS NULL, c.reminded,"
                   " UNIX_TIMESTAMP(c.resolve_due_at) - %d FROM cases c"
                   " JOIN agents a ON a.id = c.assignee_id WHERE c.id = %d" % (due, cid))[0]
    assert got[:4] == ["acknowledged", "agent", "1", "1"], got
    assert 3600 <= int(got[4]) <= 3610, got        # the clock stood still meanwhile
    assert events(st, cid, "reminder")
    q = a.get_json("/queue?assignee=me").json()
    assert [r for r in q["rows"] if r["id"] == cid and r["reminded"]], q["rows"]
    # once the agent acts on it, the reminder is seen
    act(a, cid, "note", reason="已跟进")
    assert one(st, "SELECT reminded FROM cases WHERE id = %d" % cid) == "0"


def test_an_incremental_pass_looks_only_at_changed_orders(st):
    oid, _ = mk(st, price=4000, list_price=10000, paid="NOW - 1 HOUR")
    scan(st)
    assert kinds_of(st, oid) == {"price_anomaly"}
    # long unchanged, then its prices are put right without a trace in
    # updated_at: an incremental pass cannot see it
    fx.exec_sql(st, "UPDATE orders SET updated_at = NOW() - INTERVAL 1 HOUR WHERE id = %d;" % oid)
    scan(st, "--full")
    fx.exec_sql(st, "UPDATE order_items SET unit_price = list_price, amount = list_price * qty"
                " WHERE order_id = %d; UPDATE orders SET goods_amount = 10000, pay_amount = 10000,"
                " paid_amount = 10000 WHERE id = %d;" % (oid, oid))
    # what the pass should look at: the orders whose rows changed since the
    # last pass's newest change (less five minutes for late commits), and
    # the orders of shortage cases whose stock changed
    since = one(st, "SELECT mark - INTERVAL 300 SECOND FROM scan_state WHERE name = 'changes'")
    changed = {r[0] for r in rows(st, """
        SELECT id FROM orders WHERE updated_at >= '{s}'
        UNION SELECT order_id FROM payments WHERE updated_at >= '{s}'
        UNION SELECT order_id FROM refunds WHERE updated_at >= '{s}'
        UNION SELECT order_id FROM shipments WHERE updated_at >= '{s}'
        UNION SELECT s.order_id FROM shipment_events e JOIN shipments s ON s.id = e.shipment_id
              WHERE e.event_time >= '{s}'
        UNION SELECT o.id FROM inventory v JOIN products pr ON pr.sku = v.sku
              JOIN order_items i ON i.product_id = pr.id
              JOIN orders o ON o.id = i.order_id AND o.warehouse = v.warehouse
              AND o.status = 'paid' WHERE v.updated_at >= '{s}'
              AND v.on_hand - v.reserved < 0""".format(s=since), db="shop")}
    keys = [r[0] for r in rows(st, "SELECT CONCAT('stock_shortage:', sku, '@', warehouse)"
                               " FROM inventory WHERE updated_at >= '%s'" % since, db="shop")]
    if keys:
        changed |= {r[0] for r in rows(
            st, "SELECT order_id FROM cases WHERE kind = 'stock_shortage' AND live = 1"
            " AND group_key IN (%s)" % ", ".join(fx.q(k) for k in keys))}
    total = int(one(st, "SELECT COUNT(*) FROM orders", db="shop"))
    run = scan(st)
    assert run["full"] == 0, run
    assert run["examined"] == len(changed) and run["examined"] < total / 10, (run, changed, total)
    assert kinds_of(st, oid) == {"price_anomaly"}       # not looked at
    touch(st, oid)
    run = scan(st)
    assert run["full"] == 0 and kinds_of(st, oid) == set()
    assert case(st, oid, "price_anomaly", live=False)["resolution"] == "价格和金额已更正"


def scanner_lines(st, since_pos):
    text = st.log("ordermend")[since_pos:]
    return [dict(re.findall(r'(\w+)=("(?:[^"\\]|\\.)*"|\S*)', line)) for line in text.splitlines()
            if "prog=mend-scan" in line]


def test_two_scanners_one_works_the_other_takes_over(st):
    settings = {"scanner_interval": "5s"}
    pos = len(st.log("ordermend"))
    top = st.last_scan()["id"]
    pids = [st.start_scanner("scanner-a", settings), st.start_scanner("scanner-b", settings)]
    try:
        end = time.time() + 40
        while time.time() < end and st.last_scan()["id"] < top + 3:
            time.sleep(0.5)
        leases = {int(ln["pid"]) for ln in scanner_lines(st, pos) if ln.get("event") == "scanner_lease"}
        assert len(leases) == 1 and leases <= set(pids), leases
        holder = leases.pop()
        other = pids[1 - pids.index(holder)]
        starts = [float(r[0]) for r in rows(
            st, "SELECT UNIX_TIMESTAMP(started_at) FROM scan_runs WHERE id > %d ORDER BY id" % top)]
        assert len(starts) >= 3
        # one scanner's rhythm: a pass every 5 s, never two at once
        assert all(b - a >= 4.5 for a, b in zip(starts, starts[1:])), starts
        assert one(st, "SELECT IS_USED_LOCK('ordermend.scanner') IS NOT NULL") == "1"
        # the worker dies without a word
        top = st.last_scan()["id"]
        pos = len(st.log("ordermend"))
        os.kill(holder, signal.SIGKILL)
        killed = time.time()
        while time.time() < killed + 30 and st.last_scan()["id"] <= top:
            time.sleep(0.2)
        took = time.time() - killed
        assert st.last_scan()["id"] > top, "no scanner took over"
        assert took < 15, took         # within a few intervals
        lines = scanner_lines(st, pos)
        assert [int(ln["pid"]) for ln in lines if ln.get("event") == "scanner_lease"] == [other]
        assert [ln for ln in lines if ln.get("event") == "scan" and int(ln["pid"]) == other]
    finally:
        st.stop_scanner("scanner-a")
        st.stop_scanner("scanner-b")
    assert one(st, "SELECT IS_USED_LOCK('ordermend.scanner') IS NULL") == "1"


def metrics(st):
    r = Client(st.url).get("/metrics")      # public: no session
    assert r.status == 200, r
    assert r.header("content-type").startswith("text/plain; version=0.0.4"), r.headers
    out = {}
    for line in r.body.splitlines():
        if line and not line.startswith("#"):
            name, value = line.rsplit(" ", 1)
            out[name] = float(value)
    return r.body, out


def test_metrics(st):
    run = scan(st)
    body, m = metrics(st)
    assert m["ordermend_scan_last_duration_seconds"] == run["ms"] / 1000.0
    assert m["ordermend_scan_last_full"] == run["full"]
    assert m["ordermend_scan_last_examined"] == run["examined"]
    for change in ("opened", "updated", "resolved", "reopened"):
        assert m['ordermend_scan_last_cases{change="%s"}' % change] == run[change]
    assert 0 <= m["ordermend_scan_last_age_seconds"] < 60
    assert abs(m["ordermend_scan_last_end_timestamp_seconds"] - time.time()) < 60
    counts = {(k, s): int(n) for k, s, n in rows(
        st, "SELECT kind, state, COUNT(*) FROM cases WHERE live = 1 GROUP BY kind, state")}
    for kind in KINDS:
        for state in ("open", "acknowledged", "waiting"):
            assert m['ordermend_cases{kind="%s",state="%s"}' % (kind, state)] == \
                counts.get((kind, state), 0), (kind, state)
    for name, where in (("silenced", "silence_id IS NOT NULL"),
                        ("escalated", "state = 'open' AND escalated_at IS NOT NULL"),
                        ("in_incident", "incident_id IS NOT NULL")):
        got = {r[0]: int(r[1]) for r in rows(
            st, "SELECT kind, COUNT(*) FROM cases WHERE live = 1 AND %s GROUP BY kind" % where)}
        for kind in KINDS:
            assert m['ordermend_cases_%s{kind="%s"}' % (name, kind)] == got.get(kind, 0), name
    assert m["ordermend_cases_escalated{kind=\"address_problem\"}"] >= 1
    assert m["ordermend_incidents_open"] == int(one(
        st, "SELECT COUNT(*) FROM incidents WHERE state = 'open'")) >= 1
    # counts only: nothing like an order number (16 digits) or a mobile (11)
    assert not re.search(r"\d{11,}", body)


def test_zz_fixtures_cleared_leave_no_case(st):
    """Every condition this module raised, cleared: its cases resolve by
    themselves and its incident ends, so later modules see the seeded
    queue."""
    ids = ", ".join(str(o) for o in MINE)
    fx.exec_sql(st, """
UPDATE order_items SET unit_price = list_price, amount = list_price * qty WHERE order_id IN ({ids});
UPDATE orders o SET goods_amount = (SELECT SUM(amount) FROM order_items WHERE order_id = o.id),
  discount_amount = 0, coupon_amount = 0, shipping_fee = 0 WHERE id IN ({ids});
UPDATE orders SET status = 'completed', pay_amount = goods_amount, paid_amount = goods_amount,
  receiver_phone = '13912345678', province = '上海市', city = '上海市',
  address_detail = '世纪大道100号', completed_at = NOW(), updated_at = NOW() WHERE id IN ({ids});
UPDATE payments p SET status = 'closed', updated_at = NOW() WHERE order_id IN ({ids})
  AND status = 'success' AND id > (SELECT MIN(id) FROM (SELECT * FROM payments) p2
  WHERE p2.order_id = p.order_id AND p2.status = 'success');
UPDATE refunds SET status = 'success', completed_at = NOW(), updated_at = NOW()
  WHERE order_id IN ({ids}) AND status IN ('pending', 'processing');
UPDATE shipments SET status = 'delivered', delivered_at = NOW(), updated_at = NOW()
  WHERE order_id IN ({ids}) AND status = 'in_transit';
DELETE e FROM shipment_events e JOIN shipments s ON s.id = e.shipment_id
  WHERE s.order_id IN ({ids}) AND e.code = 'unreachable';
UPDATE inventory v SET on_hand = reserved, updated_at = NOW() WHERE on_hand < reserved
  AND sku IN (SELECT sku FROM order_items WHERE order_id IN ({ids}));
""".format(ids=ids))
    run = scan(st, "--full")
    assert run["resolved"] > 0
    assert rows(st, "SELECT kind, order_id FROM cases WHERE live = 1 AND order_id IN (%s)"
                % ids) == []
    assert rows(st, "SELECT group_key FROM incidents WHERE state = 'open'"
                " AND group_key LIKE '%%GRP-%%'") == []
    assert rows(st, "SELECT state FROM incidents WHERE group_key = 'not_shipped:GRP-SCAN'") == \
        [["resolved"]]
