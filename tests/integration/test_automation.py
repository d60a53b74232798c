"""test_automation.py: guarded automation — the standard rules are off and
do nothing; a rule switched on acts on exactly the cases its conditions
match, through the outbox and the stand-in, as itself on the timeline and
in the audit log; its per-pass and daily caps hold; the kill switch stops
everything, audited; a second scan does not act twice; the dry run and the
backtest say what counts computed here from the database say; bad input
changes nothing; only who manages rules may see or change them.

Every figure is computed from the database, never from the clock the test
runs at: fixture orders are dated relative to the database's NOW(), and
each test picks amounts no seeded case has (checked), so its cases are its
own.  Each test leaves the rules and the switch as it found them."""
import fixtures as fx
from client import Client

ORDER = 78
FIXING = "'approval', 'queued', 'sending', 'sent', 'effective'"
RULE_COLS = ("kind", "min_amount", "max_amount", "min_age", "carrier", "sku", "warehouse",
             "channel", "sms_template", "coupon_amount", "coupon_days", "min_orders",
             "pass_cap", "day_count", "day_amount", "enabled")


def con(st, sql):
    return st.sql(sql, database="ordermend")


def one(st, sql, database="ordermend"):
    rows = st.sql(sql, database=database)
    return rows[0][0] if rows and rows[0][0] != "NULL" else None


def num(st, sql, database="ordermend"):
    return int(one(st, sql, database) or 0)


def admin(st):
    return Client(st.url).login("admin", "demo-admin")


def yuan(fen):
    return "" if fen is None else "%d.%02d" % (int(fen) // 100, int(fen) % 100)


def snapshot(st):
    """The rules and the switch as they are, to put back."""
    rows = con(st, "SELECT code, %s FROM automation_rules" % ", ".join(RULE_COLS))
    return rows, one(st, "SELECT stopped FROM automation_switch WHERE id = 1")


def restore(st, snap):
    rows, stopped = snap
    for row in rows:
        sets = ", ".join("%s = %s" % (c, "NULL" if v == "NULL" else fx.q(v))
                         for c, v in zip(RULE_COLS, row[1:]))
        con(st, "UPDATE automation_rules SET %s WHERE code = %s" % (sets, fx.q(row[0])))
    con(st, "UPDATE automation_switch SET stopped = %s WHERE id = 1" % stopped)


def form_of(st, code):
    """The rule's form as saved, for a POST that changes a few fields."""
    row = dict(zip(RULE_COLS, con(st, "SELECT %s FROM automation_rules WHERE code = '%s'"
                                       % (", ".join(RULE_COLS), code))[0]))
    v = {k: ("" if x == "NULL" else x) for k, x in row.items()}
    f = {"kind": v["kind"], "min_amount": yuan(v["min_amount"] or None),
         "max_amount": yuan(v["max_amount"] or None),
         "min_hours": str(int(v["min_age"]) // 3600), "carrier": v["carrier"],
         "sku": v["sku"], "warehouse": v["warehouse"], "channel": v["channel"],
         "sms_template": v["sms_template"], "coupon_amount": yuan(v["coupon_amount"] or 0),
         "coupon_days": v["coupon_days"] or "30", "min_orders": v["min_orders"] or "1",
         "pass_cap": v["pass_cap"], "day_count": v["day_count"],
         "day_amount": yuan(v["day_amount"])}
    if v["enabled"] == "1":
        f["enabled"] = "1"
    return f


def save(st, c, code, expect=303, **over):
    f = form_of(st, code)
    f.update(over)
    if f.get("enabled") is None:
        f.pop("enabled", None)
    r = c.post("/admin/automation/" + code, f)
    assert r.status == expect, (code, over, r.status, r.body[:2000])
    return r


def threshold(st, kind):
    return num(st, "SELECT threshold FROM anomaly_rules WHERE kind = '%s'" % kind)


def unpaid(st, amount, created="NOW - 3 HOUR"):
    return fx.order(st, items=[("自动处理测试", amount, amount, 1)], status="pending",
                    created=created)


def paid_twice(st, amount):
    oid, no = fx.order(st, items=[("自动处理测试", amount, amount, 1)], status="paid",
                       paid_amount=amount * 2)
    for i in range(2):
        pno = "PA%d%02d" % (oid, i)
        fx.timed(st, "payments", {"created_at": "NOW - %d MINUTE" % (30 - i),
                                  "paid_at": "NOW - %d MINUTE" % (30 - i), "updated_at": "NOW"},
                 order_id=oid, payment_no=pno, channel="alipay", trade_no="T" + pno,
                 amount=amount, status="success")
    return oid, no


def own_amounts(st, lo, hi):
    """No case has an amount in [lo, hi) yet: the test's cases are its own."""
    assert num(st, "SELECT COUNT(*) FROM cases WHERE amount >= %d AND amount < %d"
               % (lo, hi)) == 0, "a case already has a test amount"


def done_today(st, code):
    row = con(st, "SELECT COUNT(*), COALESCE(SUM(amount), 0) FROM automation_actions"
                  " WHERE rule = '%s' AND day = CURDATE()" % code)[0]
    return int(row[0]), int(row[1])


def acted(st, code):
    return {int(r[0]) for r in con(st, "SELECT order_id FROM automation_actions"
                                       " WHERE rule = '%s'" % code)}


def cancel_candidates(st, lo, hi):
    """The unpaid cases the cancel rule would take now, by SQL: its
    conditions, the age past the case's threshold, live and not silenced
    or waiting, not done by it before, nothing of the kind under way, and
    an order that can still be cancelled (the replica)."""
    cut = 7200 - threshold(st, "unpaid_timeout")
    return {int(r[0]) for r in con(st, (
        "SELECT c.order_id FROM cases c JOIN shop.orders o ON o.id = c.order_id"
        " WHERE c.kind = 'unpaid_timeout' AND c.live = 1"
        " AND c.state IN ('open', 'acknowledged') AND c.silence_id IS NULL"
        " AND c.amount >= %d AND c.amount < %d AND c.since <= NOW() - INTERVAL %d SECOND"
        " AND o.status NOT IN ('cancelled', 'refunding', 'refunded') AND o.shipped_at IS NULL"
        " AND NOT EXISTS (SELECT 1 FROM automation_actions d WHERE d.rule = 'auto_cancel_unpaid'"
        "  AND d.order_id = c.order_id)"
        " AND NOT EXISTS (SELECT 1 FROM outbox x WHERE x.order_id = c.order_id"
        "  AND x.kind = 'cancel'"
        "  AND x.state IN ('approval', 'queued', 'sending', 'sent', 'effective'))")
        % (lo, hi, cut))}


def dry(c, code):
    r = c.get_json("/admin/automation/" + code)
    assert r.status == 200, r
    return r.json()


def test_standard_rules_are_off_and_do_nothing(st):
    rows = con(st, "SELECT code, enabled FROM automation_rules ORDER BY position")
    assert [r[0] for r in rows] == ["auto_cancel_unpaid", "auto_refund_duplicate",
                                    "auto_soothe_stalled", "auto_restock_shortage"], rows
    assert all(r[1] == "0" for r in rows), rows
    before = num(st, "SELECT COUNT(*) FROM outbox WHERE actor_type = 'rule'")
    unpaid(st, 9900)
    st.scan_once("--full")
    assert num(st, "SELECT COUNT(*) FROM outbox WHERE actor_type = 'rule'") == before
    assert num(st, "SELECT COUNT(*) FROM automation_actions") == 0
    page = admin(st).get("/admin/automation")
    assert page.status == 200, page
    for name in ("自动取消未付订单", "自动退还重复支付", "物流停滞自动安抚", "缺货自动申请补货"):
        assert name in page.body, name
    assert "未启用" in page.body and "停止全部自动处理" in page.body


def test_cancel_rule_acts_on_exactly_its_cases_as_itself(st):
    snap = snapshot(st)
    lo, hi = 12341, 12345       # ¥123.41 up to, not including, ¥123.45
    own_amounts(st, lo - 1, hi + 1)
    try:
        inside = [unpaid(st, lo), unpaid(st, hi - 1)]
        outside = [unpaid(st, hi), unpaid(st, lo - 1),            # amounts
                   unpaid(st, lo + 1, created="NOW - 70 MINUTE")]  # too young for 2 hours
        st.scan_once("--full")  # the cases (a clock kind: a full pass), the rule off
        want = cancel_candidates(st, lo, hi)
        assert want == {o for o, _ in inside}, (want, inside)
        c = admin(st)
        save(st, c, "auto_cancel_unpaid", min_amount=yuan(lo), max_amount=yuan(hi),
             min_hours="2", enabled="1")
        # the dry run says what SQL says, and writes nothing
        d = dry(c, "auto_cancel_unpaid")["dry"]
        assert (d["matched"], d["eligible"], d["acts"], d["amount_fen"]) == \
            (len(want), len(want), len(want), 0), d
        assert sorted(r["order_no"] for r in d["rows"]) == sorted(n for _, n in inside)
        assert num(st, "SELECT COUNT(*) FROM automation_actions") == 0
        st.scan_once("--full")
        assert acted(st, "auto_cancel_unpaid") == want
        for oid, _ in outside:
            assert num(st, "SELECT COUNT(*) FROM outbox WHERE order_id = %d" % oid) == 0
        rows = con(st, "SELECT order_id, kind, actor_type, actor, state, case_id FROM outbox"
                       " WHERE actor_type = 'rule' ORDER BY id")
        assert {int(r[0]) for r in rows} == want
        assert all(r[1:5] == ["cancel", "rule", "auto_cancel_unpaid", "queued"] for r in rows)
        assert all(r[5] != "NULL" for r in rows)
        # the audit row is the rule's
        assert num(st, "SELECT COUNT(*) FROM audit_log WHERE kind = 'action_cancel'"
                       " AND actor_type = 'rule' AND login = 'auto_cancel_unpaid'"
                       " AND order_no IN (%s)" % ", ".join(fx.q(n) for _, n in inside)) == 2
        # through the stand-in: the orders are cancelled
        st.dispatch_once()
        for oid, no in inside:
            assert one(st, "SELECT status FROM orders WHERE id = %d" % oid,
                       database="shop") == "cancelled"
        body = c.get("/orders/%s" % inside[0][1]).body
        assert "自动取消未付订单" in body and "已生效" in body
        audit = c.get("/admin/audit?order=%s" % inside[0][1])
        assert audit.status == 200 and "自动取消未付订单" in audit.body
        # a second scan (a rerun after a crash) does nothing more
        n = num(st, "SELECT COUNT(*) FROM outbox WHERE actor_type = 'rule'")
        st.scan_once("--full")
        st.scan_once("--full")
        assert num(st, "SELECT COUNT(*) FROM outbox WHERE actor_type = 'rule'") == n
        assert dry(c, "auto_cancel_unpaid")["dry"]["acts"] == 0
    finally:
        restore(st, snap)


def test_per_pass_and_daily_count_caps_hold(st):
    snap = snapshot(st)
    lo, hi = 12351, 12358
    own_amounts(st, lo, hi)
    try:
        orders = [unpaid(st, lo + i) for i in range(6)]
        st.scan_once("--full")
        assert cancel_candidates(st, lo, hi) == {o for o, _ in orders}
        count0, _ = done_today(st, "auto_cancel_unpaid")
        c = admin(st)
        # two a pass, three more today than it did already
        save(st, c, "auto_cancel_unpaid", min_amount=yuan(lo), max_amount=yuan(hi),
             pass_cap="2", day_count=str(count0 + 3), enabled="1")
        d = dry(c, "auto_cancel_unpaid")["dry"]
        assert (d["matched"], d["acts"]) == (6, 2), d
        st.scan_once("--full")
        assert done_today(st, "auto_cancel_unpaid")[0] == count0 + 2
        assert dry(c, "auto_cancel_unpaid")["dry"]["acts"] == 1
        st.scan_once("--full")
        assert done_today(st, "auto_cancel_unpaid")[0] == count0 + 3
        st.scan_once("--full")
        assert done_today(st, "auto_cancel_unpaid")[0] == count0 + 3
        left = cancel_candidates(st, lo, hi)
        assert len(left) == 3 and dry(c, "auto_cancel_unpaid")["dry"]["acts"] == 0
        # the list shows today's count against the cap
        assert "%d / %d" % (count0 + 3, count0 + 3) in c.get("/admin/automation").body
    finally:
        restore(st, snap)


def test_daily_money_cap_holds(st):
    snap = snapshot(st)
    amounts = (7701, 7702, 7703)
    own_amounts(st, 7701, 7704)
    try:
        orders = [paid_twice(st, a) for a in amounts]
        st.scan_once("--full")
        ids = {int(r[0]) for r in con(st, "SELECT order_id FROM cases WHERE live = 1 AND"
                                          " kind = 'duplicate_payment' AND amount >= 7701"
                                          " AND amount < 7704")}
        assert ids == {o for o, _ in orders}
        count0, money0 = done_today(st, "auto_refund_duplicate")
        cap = money0 + 7701 + 7702 + 1        # any two fit, never three
        c = admin(st)
        save(st, c, "auto_refund_duplicate", min_amount="77.01", max_amount="77.04",
             day_amount=yuan(cap), enabled="1")
        d = dry(c, "auto_refund_duplicate")["dry"]
        assert (d["matched"], d["eligible"], d["acts"]) == (3, 3, 2), d
        assert d["eligible_amount_fen"] == sum(amounts) and d["amount_fen"] <= cap - money0
        st.scan_once("--full")
        count1, money1 = done_today(st, "auto_refund_duplicate")
        assert count1 - count0 == 2 and money1 <= cap, (count1, money1, cap)
        assert money1 - money0 == num(st, "SELECT COALESCE(SUM(amount), 0) FROM outbox"
                                          " WHERE actor = 'auto_refund_duplicate' AND kind ="
                                          " 'refund' AND created_at >= CURDATE()") - \
            (money0 if count0 else 0)
        st.scan_once("--full")
        assert done_today(st, "auto_refund_duplicate") == (count1, money1)
        # each refund is the extra payment, through the stand-in
        st.dispatch_once()
        for oid in acted(st, "auto_refund_duplicate") & ids:
            amount = num(st, "SELECT pay_amount FROM orders WHERE id = %d" % oid, "shop")
            assert num(st, "SELECT COALESCE(SUM(amount), 0) FROM refunds WHERE order_id = %d"
                           " AND status = 'success'" % oid, "shop") == amount
    finally:
        restore(st, snap)


def test_kill_switch_stops_everything_and_is_audited(st):
    snap = snapshot(st)
    lo, hi = 12371, 12374
    own_amounts(st, lo, hi)
    try:
        orders = [unpaid(st, lo), unpaid(st, lo + 1)]
        st.scan_once("--full")
        c = admin(st)
        con(st, "UPDATE automation_switch SET stopped = 0")   # whatever an earlier test left
        audits = num(st, "SELECT COUNT(*) FROM audit_log WHERE kind = 'automation_stopped'"
                         " AND login = 'admin'")
        r = c.post("/admin/automation/stop", {})
        assert r.status == 303, r
        assert one(st, "SELECT stopped FROM automation_switch") == "1"
        assert num(st, "SELECT COUNT(*) FROM audit_log WHERE kind = 'automation_stopped'"
                       " AND login = 'admin'") == audits + 1
        # without the token, nothing
        r = c.post("/admin/automation/resume", {"csrf": "forged"})
        assert r.status == 403 and one(st, "SELECT stopped FROM automation_switch") == "1"
        save(st, c, "auto_cancel_unpaid", min_amount=yuan(lo), max_amount=yuan(hi),
             enabled="1")
        assert "全部自动处理已停止" in c.get("/admin/automation").body
        st.scan_once("--full")
        assert not (acted(st, "auto_cancel_unpaid") & {o for o, _ in orders})
        # the dry run still says what it would do
        assert dry(c, "auto_cancel_unpaid")["dry"]["acts"] == 2
        r = c.post("/admin/automation/resume", {})
        assert r.status == 303, r
        assert num(st, "SELECT COUNT(*) FROM audit_log WHERE kind = 'automation_resumed'") >= 1
        st.scan_once("--full")
        assert acted(st, "auto_cancel_unpaid") >= {o for o, _ in orders}
    finally:
        restore(st, snap)


def test_backtest_figures_hold(st):
    """Five unpaid orders' cases: one resolved by an agent saying it
    cancelled, one an agent's cancel in the outbox (the same way), one
    resolved otherwise (differently), one untouched, one opened 40 days
    ago (outside 30 days, inside 60)."""
    snap = snapshot(st)
    lo, hi = 12381, 12390
    own_amounts(st, lo, hi)
    try:
        orders = [unpaid(st, lo + i) for i in range(5)]
        st.scan_once("--full")
        case = {}
        for oid, _ in orders:
            case[oid] = num(st, "SELECT id FROM cases WHERE order_id = %d" % oid)
        a, b, cc, d, e = [o for o, _ in orders]
        agent = num(st, "SELECT id FROM agents WHERE login = 'agent'")
        con(st, "UPDATE cases SET state = 'resolved', resolved_at = NOW(), resolved_by = %d,"
                " resolution = '已为客户取消订单' WHERE id = %d" % (agent, case[a]))
        con(st, "INSERT INTO outbox (idem_key, request_hash, kind, service, path, body,"
                " order_id, order_no, case_id, amount, summary, actor_type, actor, agent_id,"
                " state, next_at, created_at, updated_at) VALUES ('bt-agent-cancel-%d', 'x',"
                " 'cancel', 'order', '/x', '{}', %d, 'x', %d, 0, '取消订单', 'agent', '', %d,"
                " 'effective', NOW(), NOW(), NOW())" % (b, b, case[b], agent))
        con(st, "UPDATE cases SET state = 'resolved', resolved_at = NOW(), resolved_by = %d,"
                " resolution = '客户已付款' WHERE id = %d" % (agent, case[cc]))
        con(st, "UPDATE cases SET opened_at = opened_at - INTERVAL 40 DAY,"
                " since = since - INTERVAL 40 DAY WHERE id = %d" % case[d])
        c = admin(st)
        save(st, c, "auto_cancel_unpaid", min_amount=yuan(lo), max_amount=yuan(hi))

        def expect(days):
            """The backtest by SQL: the cases in the window the rule would
            have met (lasted past its 2 hours), and agents' fixes."""
            cut = 7200 - threshold(st, "unpaid_timeout")
            rows = con(st, (
                "SELECT c.order_id,"
                " EXISTS (SELECT 1 FROM outbox x WHERE x.order_id = c.order_id"
                "  AND x.actor_type = 'agent' AND x.kind = 'cancel'"
                "  AND x.state IN (%s) AND x.created_at >= c.opened_at)"
                " OR (c.state = 'resolved' AND c.resolved_by IS NOT NULL"
                "  AND c.resolution LIKE '%%%%取消%%%%'),"
                " c.resolved_by IS NOT NULL AND c.state IN ('resolved', 'dismissed')"
                " OR EXISTS (SELECT 1 FROM outbox x WHERE x.order_id = c.order_id"
                "  AND x.actor_type = 'agent' AND x.state IN (%s)"
                "  AND x.created_at >= c.opened_at)"
                " FROM cases c WHERE c.kind = 'unpaid_timeout' AND c.amount >= %d"
                " AND c.amount < %d AND c.opened_at >= NOW() - INTERVAL %d DAY"
                " AND COALESCE(c.resolved_at, NOW()) >= c.since + INTERVAL %d SECOND"
                " AND c.since + INTERVAL %d SECOND <= NOW()")
                % (FIXING, FIXING, lo, hi, days, cut, cut))
            ids = {int(r[0]) for r in rows}
            same = sum(1 for r in rows if r[1] == "1")
            diff = sum(1 for r in rows if r[1] != "1" and r[2] == "1")
            return {"orders": len(ids), "same": same, "different": diff, "amount_fen": 0}

        def got(days):
            r = c.get_json("/admin/automation/auto_cancel_unpaid?days=%d" % days)
            assert r.status == 200, r
            bt = r.json()["backtest"]
            return {k: bt[k] for k in ("orders", "same", "different", "amount_fen")}

        assert expect(30) == {"orders": 4, "same": 2, "different": 1, "amount_fen": 0}
        assert got(30) == expect(30)
        assert expect(60)["orders"] == 5 and got(60) == expect(60)
        # a daily cap of one: one order a day
        save(st, c, "auto_cancel_unpaid", day_count="1")
        days = num(st, "SELECT COUNT(DISTINCT DATE(since + INTERVAL %d SECOND)) FROM cases"
                       " WHERE kind = 'unpaid_timeout' AND amount >= %d AND amount < %d"
                       % (7200 - threshold(st, "unpaid_timeout"), lo, hi))
        assert got(60)["orders"] == days
        page = c.get("/admin/automation/auto_cancel_unpaid")
        assert page.status == 200 and "回测" in page.body and "试运行" in page.body
        for bad in ("0", "91", "abc", "1e3"):
            assert c.get("/admin/automation/auto_cancel_unpaid?days=" + bad).status == 400
    finally:
        restore(st, snap)


def test_bad_input_is_a_field_error_and_changes_nothing(st):
    snap = snapshot(st)
    c = admin(st)
    checksum = "CHECKSUM TABLE automation_rules"
    before = con(st, checksum)
    audits = num(st, "SELECT COUNT(*) FROM audit_log WHERE kind = 'automation_updated'")
    try:
        bad = [("min_amount", v) for v in ("1e309", "1,00", "-1", "1.234",
                                           "12345678901234567890", "abc")]
        bad += [("day_amount", v) for v in ("1e309", "1,00", "-5", "0.001", "")]
        bad += [(f, v) for f in ("pass_cap", "day_count") for v in ("0", "-1", "1.5", "abc",
                                                                     "")]
        bad += [("kind", "no_such_kind"), ("sku", "NO-SUCH-SKU-X"), ("carrier", "nope"),
                ("channel", "nope"), ("warehouse", "NOWHERE-9"), ("min_hours", "-1"),
                ("min_hours", "99999")]
        for field, value in bad:
            r = save(st, c, "auto_cancel_unpaid", expect=400, enabled="1", **{field: value})
            assert "field-error" in r.body, (field, value)
        r = save(st, c, "auto_cancel_unpaid", expect=400, min_amount="5", max_amount="5")
        for field, value in (("sms_template", "nope"), ("coupon_amount", "0"),
                             ("coupon_amount", "1e309"), ("coupon_days", "0")):
            save(st, c, "auto_soothe_stalled", expect=400, **{field: value})
        save(st, c, "auto_restock_shortage", expect=400, min_orders="0")
        assert con(st, checksum) == before
        assert num(st, "SELECT COUNT(*) FROM audit_log WHERE kind = 'automation_updated'") \
            == audits
        # JSON clients get the fields
        r = c.post("/admin/automation/auto_cancel_unpaid", dict(form_of(st, "auto_cancel_unpaid"),
                   pass_cap="0"), headers={"Accept": "application/json"})
        assert r.status == 400 and "pass_cap" in r.body
        assert c.get("/admin/automation/no_such_rule").status == 404
        # a good change is audited with what changed, in Chinese
        save(st, c, "auto_cancel_unpaid", pass_cap="7")
        detail = one(st, "SELECT detail FROM audit_log WHERE kind = 'automation_updated'"
                         " ORDER BY id DESC LIMIT 1")
        assert "每轮上限" in detail and "7" in detail, detail
    finally:
        restore(st, snap)


def test_only_who_manages_rules(st):
    before = con(st, "CHECKSUM TABLE automation_rules, automation_switch")
    # leads manage them (manage_automation); agents do not
    assert Client(st.url).login("lead", "demo-lead").get("/admin/automation").status == 200
    for login, pw in (("agent", "demo-agent"),):
        c = Client(st.url).login(login, pw)
        assert c.get("/admin/automation").status == 403
        assert c.get("/admin/automation/auto_cancel_unpaid").status == 403
        assert c.post("/admin/automation/stop", {}).status == 403
        assert c.post("/admin/automation/auto_cancel_unpaid",
                      form_of(st, "auto_cancel_unpaid")).status == 403
        assert "/admin/automation" not in c.get("/search").body
    anon = Client(st.url)
    r = anon.get("/admin/automation")
    assert r.status in (302, 303) and "/login" in r.header("location")
    assert con(st, "CHECKSUM TABLE automation_rules, automation_switch") == before
    assert "/admin/automation" in admin(st).get("/admin/rules").body


def test_soothe_and_restock_rules(st):
    snap = snapshot(st)
    lo, hi = 12391, 12394
    own_amounts(st, lo, hi)
    try:
        # a parcel with no tracking for five days
        oid, no = fx.order(st, items=[("自动处理测试", lo, lo, 1)], status="shipped",
                           created="NOW - 6 DAY")
        fx.exec_sql(st, "UPDATE orders SET paid_at = NOW() - INTERVAL 6 DAY, shipped_at ="
                        " NOW() - INTERVAL 5 DAY WHERE id = %d;" % oid)
        sid = fx.new_id(st)
        fx.timed(st, "shipments", {"shipped_at": "NOW - 5 DAY", "last_event_at": "NOW - 5 DAY",
                                   "updated_at": "NOW"}, id=sid, order_id=oid, carrier="SF",
                 tracking_no="AUTO%d" % sid, warehouse="SH-01", status="in_transit")
        fx.timed(st, "shipment_events", {"event_time": "NOW - 5 DAY"}, shipment_id=sid,
                 code="in_transit", location="上海", description="运输中")
        # three paid orders short of one SKU at one warehouse
        pid = fx.product(st, "自动补货测试", 5000)
        sku = "FX-%d" % pid
        short = []
        for _ in range(3):
            o, _ = fx.order(st, status="paid", goods_amount=5000, pay_amount=5000,
                            paid_amount=5000)
            fx.exec_sql(st, "UPDATE orders SET paid_at = NOW() - INTERVAL 1 HOUR"
                            " WHERE id = %d;" % o)
            fx.item(st, o, pid, "自动补货测试", 5000, 5000, 1, sku=sku)
            short.append(o)
        fx.exec_sql(st, "INSERT INTO inventory (sku, warehouse, on_hand, reserved, updated_at)"
                        " VALUES (%s, 'SH-01', 1, 6, NOW());" % fx.q(sku))
        st.scan_once("--full")
        cid = num(st, "SELECT id FROM cases WHERE order_id = %d AND kind = 'logistics_stalled'"
                      " AND live = 1" % oid)
        assert cid
        assert num(st, "SELECT COUNT(*) FROM cases WHERE kind = 'stock_shortage' AND live = 1"
                       " AND sku = %s" % fx.q(sku)) == 3
        c = admin(st)
        save(st, c, "auto_soothe_stalled", min_amount=yuan(lo), max_amount=yuan(hi),
             enabled="1")
        save(st, c, "auto_restock_shortage", sku=sku, min_orders="3", enabled="1")
        d = dry(c, "auto_restock_shortage")["dry"]
        assert (d["matched"], d["acts"]) == (1, 1) and d["rows"][0]["orders"] == 3, d
        assert dry(c, "auto_soothe_stalled")["dry"]["amount_fen"] == 500
        st.scan_once()
        rows = con(st, "SELECT kind, amount, state FROM outbox WHERE order_id = %d"
                       " AND actor = 'auto_soothe_stalled' ORDER BY kind" % oid)
        assert rows == [["compensate", "500", "queued"], ["sms", "0", "queued"]], rows
        assert num(st, "SELECT COUNT(*) FROM case_events WHERE case_id = %d AND kind = 'note'"
                       " AND actor = 'auto_soothe_stalled' AND detail LIKE '%%快递组%%'"
                       % cid) == 1
        body = one(st, "SELECT body FROM outbox WHERE actor = 'auto_restock_shortage'"
                       " AND kind = 'restock' AND JSON_VALUE(body, '$.sku') = %s" % fx.q(sku))
        assert body and '"qty":5' in body.replace(" ", ""), body
        st.scan_once()
        st.scan_once()
        assert num(st, "SELECT COUNT(*) FROM outbox WHERE actor = 'auto_soothe_stalled'"
                       " AND order_id = %d" % oid) == 2
        assert num(st, "SELECT COUNT(*) FROM outbox WHERE actor = 'auto_restock_shortage'"
                       " AND JSON_VALUE(body, '$.sku') = %s" % fx.q(sku)) == 1
        st.dispatch_once()
        assert num(st, "SELECT COUNT(*) FROM coupon_grants WHERE order_id = %d" % oid,
                   "shop") == 1
    finally:
        restore(st, snap)
