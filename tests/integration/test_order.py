"""test_order.py: the unified order page — every tab, the merged timeline,
the customer panel, masking and the audited reveal, JSON shapes."""
import re

import fixtures as fx
from client import Client

ORDER = 20
PHONE = "13712345678"
USER_PHONE = "18698765432"
DETAIL = "建国路88号院3号楼2单元501"


def rich_order(st):
    """An order with something in every tab, at known times."""
    uid = fx.user(st, name="周晓明", phone=USER_PHONE)
    for i in range(12):   # other orders of the same customer
        fx.order(st, user_id=uid, status=["completed", "cancelled", "refunded"][i % 3],
                 created="NOW - %d DAY" % (i + 2))
    p1 = fx.product(st, "测试 保温杯", 10000, sku="CUP-1")
    p2 = fx.product(st, "测试 充电线", 5000, sku="CABLE-1")
    oid, no = fx.order(st, user_id=uid, status="shipped", created="NOW - 3 HOUR",
                       receiver_phone=PHONE, province="北京市", city="北京市",
                       district="朝阳区", address_detail=DETAIL, warehouse="BJ-01",
                       goods_amount=12400, pay_amount=12400, paid_amount=12400,
                       remark="请放快递柜")
    fx.item(st, oid, p1, "测试 保温杯", 10000, 10000, 1, sku="CUP-1")
    fx.item(st, oid, p2, "测试 充电线", 5000, 2400, 1, sku="CABLE-1")   # 48%: flagged
    fx.timed(st, "order_status_history", {"changed_at": "NOW - 180 MINUTE"}, order_id=oid,
             from_status=None, to_status="pending", actor_type="customer", actor="", note="")
    fx.timed(st, "order_status_history", {"changed_at": "NOW - 170 MINUTE"}, order_id=oid,
             from_status="pending", to_status="paid", actor_type="system", actor="", note="")
    fx.timed(st, "order_status_history", {"changed_at": "NOW - 60 MINUTE"}, order_id=oid,
             from_status="paid", to_status="shipped", actor_type="agent", actor="wms", note="")
    fx.timed(st, "payments", {"created_at": "NOW - 178 MINUTE", "updated_at": "NOW - 178 MINUTE"},
             order_id=oid, payment_no="PAYFAIL1", channel="wechat", trade_no=None, amount=12400,
             status="failed", failure_code="BALANCE_NOT_ENOUGH", failure_message="余额不足")
    fx.timed(st, "payments", {"created_at": "NOW - 172 MINUTE", "paid_at": "NOW - 170 MINUTE",
                              "updated_at": "NOW - 170 MINUTE"},
             order_id=oid, payment_no="PAYOK1", channel="alipay", trade_no="2026TRADE1",
             amount=12400, status="success")
    fx.timed(st, "refunds", {"created_at": "NOW - 30 MINUTE", "updated_at": "NOW - 30 MINUTE"},
             order_id=oid, payment_id=None, refund_no="RF1", amount=2500, reason="少发配件",
             status="pending")
    sid = fx.timed(st, "shipments", {"shipped_at": "NOW - 60 MINUTE",
                                      "last_event_at": "NOW - 20 MINUTE",
                                      "updated_at": "NOW - 20 MINUTE"},
                   order_id=oid, carrier="SF", tracking_no="SF1234567890", warehouse="BJ-01",
                   status="in_transit")
    fx.timed(st, "shipment_events", {"event_time": "NOW - 50 MINUTE"}, shipment_id=sid,
             code="picked_up", location="北京", description="顺丰已揽收")
    fx.timed(st, "shipment_events", {"event_time": "NOW - 20 MINUTE"}, shipment_id=sid,
             code="unreachable", location="北京朝阳", description="收件人电话无法接通")
    st.sql("INSERT INTO inventory (sku, warehouse, on_hand, reserved, updated_at) VALUES"
           " ('CUP-1', 'BJ-01', 5, 8, NOW()) ON DUPLICATE KEY UPDATE on_hand = 5, reserved = 8;",
           database="shop")
    fx.timed(st, "inventory_moves", {"created_at": "NOW - 170 MINUTE"}, sku="CUP-1",
             warehouse="BJ-01", order_id=oid, kind="reserve", qty=1)
    cid = fx.new_id(st)
    st.sql("INSERT INTO coupons VALUES (%d, 'FXCOUPON%d', '测试满减券', 'fixed', 1000, 5000,"
           " NOW() - INTERVAL 10 DAY, NOW() + INTERVAL 10 DAY);" % (cid, cid), database="shop")
    fx.timed(st, "coupon_usages", {"used_at": "NOW - 175 MINUTE"}, coupon_id=cid, user_id=uid,
             order_id=oid, amount=1000)
    fx.timed(st, "user_events", {"created_at": "NOW - 200 MINUTE"}, user_id=uid, order_id=None,
             kind="view_product", detail="测试 保温杯", device="iPhone")
    fx.timed(st, "user_events", {"created_at": "NOW - 181 MINUTE"}, user_id=uid, order_id=oid,
             kind="checkout", detail="", device="iPhone")
    fx.timed(st, "user_events", {"created_at": "NOW - 40 HOUR"}, user_id=uid, order_id=None,
             kind="app_open", detail="outside the window", device="iPhone")
    return oid, no, uid


_rich = {}


def order_no(st):
    if "no" not in _rich:
        _rich["oid"], _rich["no"], _rich["uid"] = rich_order(st)
    return _rich["no"]


def agent(st):
    return Client(st.url).login("agent", "demo-agent")


def lead(st):
    return Client(st.url).login("lead", "demo-lead")


def test_overview_has_customer_and_timeline(st):
    no = order_no(st)
    a = agent(st)
    r = a.get("/orders/" + no)
    assert r.status == 200
    for text in ("周晓明", "测试 保温杯", "请放快递柜", "最近的其他订单", "时间线", "已发货"):
        assert text in r.body, text
    j = a.get_json("/orders/" + no).json()
    c = j["overview"]["customer"]
    assert c["name"] == "周晓明" and c["orders"] == 13
    assert c["cancels"] == 4 and c["refunds"] == 4
    assert c["phone"] == "186****5432"
    assert len(c["recent"]) == 10 and all(o["order_no"] != no for o in c["recent"])
    dates = [o["created_at"] for o in c["recent"]]
    assert dates == sorted(dates, reverse=True)
    assert c["search_url"] == "/search?q=u%d" % _rich["uid"]


def test_timeline_is_merged_newest_first(st):
    no = order_no(st)
    tl = agent(st).get_json("/orders/" + no).json()["overview"]["timeline"]
    times = [e["at"] for e in tl]
    assert times == sorted(times, reverse=True)
    kinds = {e["kind"] for e in tl}
    assert {"status", "payment", "refund", "logistics", "stock", "user"} <= kinds
    texts = " ".join(e["text"] for e in tl)
    for t in ("支付失败：余额不足（PAYFAIL1）", "支付成功 ¥124.00", "申请退款 ¥25.00",
              "收件人电话无法接通", "锁定库存 CUP-1 × 1 件", "状态 待付款 → 待发货"):
        assert t in texts, t
    assert "BALANCE_NOT_ENOUGH" not in texts
    # who acted: the code for scripts, the name for people
    actors = {(e["actor_type"], e["actor"], e["actor_name"]) for e in tl}
    assert ("agent", "wms", "仓储系统") in actors and ("system", "SF", "顺丰速运") in actors
    # the user's view of a product outside the order is not on the order's timeline
    assert "outside the window" not in texts


def test_every_tab(st):
    no = order_no(st)
    a = agent(st)
    expect = {
        "items": ["CUP-1", "价格异常", "48%"],
        "payments": ["PAYFAIL1", 'title="BALANCE_NOT_ENOUGH">余额不足', "2026TRADE1", "RF1",
                     "少发配件", 'title="wechat">微信支付'],
        "shipments": ["SF1234567890", "顺丰速运", "收件人电话无法接通", "顺丰已揽收", "小时前"],
        "inventory": ["CUP-1", "缺货", 'title="reserve">锁定库存'],
        "coupons": ["测试满减券", "满 ¥50.00 减 ¥10.00"],
        "activity": ['title="checkout">提交订单', 'title="view_product">浏览商品', "本单"],
        "history": ["待付款", "待发货", "已发货", 'title="wms">仓储系统'],
    }
    for tab, texts in expect.items():
        r = a.get("/orders/%s?tab=%s" % (no, tab))
        assert r.status == 200, (tab, r)
        assert 'aria-current="page"' in r.body
        for t in texts:
            assert t in r.body, (tab, t)
        assert "时间线" not in r.body   # the overview only without a tab
    j = a.get_json("/orders/%s?tab=items" % no).json()
    rows = {x["sku"]: x for x in j["items_tab"]["rows"]}
    assert rows["CABLE-1"]["deviates"] is True and rows["CABLE-1"]["pct"] == 48
    assert rows["CUP-1"]["deviates"] is False
    j = a.get_json("/orders/%s?tab=inventory" % no).json()
    stock = j["inventory_tab"]["stock"]
    cup = [x for x in stock if x["sku"] == "CUP-1"][0]
    assert cup["record"]["available"] == -3 and cup["record"]["short"] is True
    assert [x for x in stock if x["sku"] == "CABLE-1"][0]["no_record"] is True
    j = a.get_json("/orders/%s?tab=activity" % no).json()
    kinds = [e["kind"] for e in j["activity_tab"]["events"]]
    assert "checkout" in kinds and "app_open" not in kinds
    assert "提交订单" in [e["kind_label"] for e in j["activity_tab"]["events"]]
    j = a.get_json("/orders/%s?tab=shipments" % no).json()
    parcel = j["shipments_tab"]["parcels"][0]
    assert parcel["hours_since_event"] == 0 and len(parcel["events"]) == 2
    assert parcel["events"][0]["problem"] is True
    assert a.get("/orders/%s?tab=nope" % no).status == 400


def test_header_amounts_and_actions(st):
    no = order_no(st)
    j = agent(st).get_json("/orders/" + no).json()
    assert j["pay_amount"] == "124.00" and j["paid_amount"] == "124.00"
    assert j["pay_amount_fen"] == 12400 and j["refunded_amount_fen"] == 0
    assert j["items_summary"] == "测试 保温杯 ×1、测试 充电线 ×1"
    assert j["status"] == "shipped" and j["status_label"] == "已发货"
    acts = {a["code"]: a for a in j["actions"]}
    assert acts["cancel"]["valid"] is False and "已发货" in acts["cancel"]["why_not"]
    # shipped, not delivered: the address changes as a carrier redirect
    assert acts["address"]["valid"] is True
    assert acts["refund"]["valid"] is True and acts["compensate"]["valid"] is True
    assert acts["price"]["allowed"] is False      # agents may not correct prices
    assert acts["refund"]["allowed"] is True
    assert [t["code"] for t in j["tabs"]] == ["", "items", "payments", "shipments", "inventory",
                                             "coupons", "activity", "history"]


def test_totals_that_do_not_add_up_are_flagged(st):
    _, no = fx.order(st, items=[("测试 水杯", 2000, 2000, 1)], pay_amount=1500)
    j = agent(st).get_json("/orders/" + no).json()
    assert j["totals_mismatch"] is True
    _, ok = fx.order(st, items=[("测试 水杯", 2000, 2000, 1)])
    assert agent(st).get_json("/orders/" + ok).json()["totals_mismatch"] is False


def test_personal_data_is_masked(st):
    no = order_no(st)
    for c in (agent(st), lead(st)):
        for path in ("/orders/" + no, "/orders/%s?tab=items" % no):
            r = c.get(path)
            j = c.get_json(path)
            for body in (r.body, j.body):
                assert PHONE not in body and USER_PHONE not in body and DETAIL not in body
            assert "137****5678" in r.body


def test_reveal_needs_permission_and_is_audited(st):
    no = order_no(st)
    before = st.sql("SELECT COUNT(*) FROM audit_log WHERE kind = 'pii_reveal' AND order_no = '%s'"
                    % no, database="ordermend")[0][0]
    a = agent(st)
    a.get("/orders/" + no)
    assert "查看完整手机号和地址" not in a.get("/orders/" + no).body
    r = a.post("/orders/%s/reveal" % no, {"reason": "客户来电核对地址"})
    assert r.status == 403
    assert PHONE not in r.body and DETAIL not in r.body
    denied = st.sql("SELECT COUNT(*) FROM audit_log WHERE kind = 'permission_denied'"
                    " AND target = '/orders/%s/reveal'" % no, database="ordermend")[0][0]
    assert int(denied) >= 1
    rj = a.request("POST", "/orders/%s/reveal" % no, body={"reason": "x" * 5, "csrf": a.csrf},
                   headers={"Accept": "application/json"})
    assert rj.status == 403 and PHONE not in rj.body

    l = lead(st)
    page = l.get("/orders/" + no)
    assert "查看完整手机号和地址" in page.body
    assert l.post("/orders/%s/reveal" % no, {"reason": ""}).status == 400
    assert l.post("/orders/%s/reveal" % no, {"reason": "客户来电核对地址"}, csrf=False).status == 403
    r = l.post("/orders/%s/reveal" % no, {"reason": "客户来电核对地址", "tab": ""})
    assert r.status == 200
    assert PHONE in r.body and DETAIL in r.body and USER_PHONE in r.body
    assert r.header("cache-control") == "no-store"
    after = st.sql("SELECT COUNT(*) FROM audit_log WHERE kind = 'pii_reveal' AND order_no = '%s'"
                   % no, database="ordermend")[0][0]
    assert int(after) == int(before) + 1
    row = st.sql("SELECT login, detail, ip FROM audit_log WHERE kind = 'pii_reveal'"
                 " AND order_no = '%s' ORDER BY id DESC LIMIT 1" % no, database="ordermend")[0]
    assert row == ["lead", "客户来电核对地址", "127.0.0.1"]
    # the next page is masked again, and the reveal is on the timeline
    again = l.get_json("/orders/" + no)
    assert PHONE not in again.body
    texts = [e["text"] for e in again.json()["overview"]["timeline"] if e.get("console")]
    assert any("查看完整个人信息，原因：客户来电核对地址" in t for t in texts)
    # a script gets the same values as JSON
    rj = l.request("POST", "/orders/%s/reveal" % no,
                   body={"reason": "脚本核对", "csrf": l.csrf},
                   headers={"Accept": "application/json"})
    assert rj.status == 200 and rj.json()["receiver"]["phone"] == PHONE


def test_empty_tables_say_none(st):
    _, no = fx.order(st, items=[("测试 水杯", 2000, 2000, 1)])
    a = agent(st)
    for tab, n in (("payments", 2), ("coupons", 1), ("inventory", 1), ("history", 1),
                   ("activity", 1)):
        r = a.get("/orders/%s?tab=%s" % (no, tab))
        assert r.body.count('class="empty">无</td>') == n, (tab, r.body.count("无</td>"))
    j = a.get_json("/orders/%s?tab=payments" % no).json()["payments_tab"]
    assert j["no_payments"] is True and j["no_refunds"] is True


def test_unknown_and_malformed(st):
    a = agent(st)
    r = a.get("/orders/20991231000000")
    assert r.status == 404 and "没有订单号为 20991231000000 的订单。" in r.body
    assert 'class="searchbox"' in r.body
    assert a.get("/orders/12-34").status == 400
    r = a.post("/orders/20991231000000/reveal", {"reason": "核对信息"})
    assert r.status == 403   # agents may not reveal at all
    r = lead(st).post("/orders/20991231000000/reveal", {"reason": "核对信息"})
    assert r.status == 404


def test_xss_in_tracking_and_product_names(st):
    payload = "<script>alert(2)</script>"
    pid = fx.product(st, payload + "杯")
    oid, no = fx.order(st, status="shipped")
    fx.item(st, oid, pid, payload + "杯", 1000, 1000)
    sid = fx.timed(st, "shipments", {"shipped_at": "NOW - 2 HOUR", "last_event_at": "NOW - 1 HOUR",
                                      "updated_at": "NOW - 1 HOUR"},
                   order_id=oid, carrier="ZTO", tracking_no="ZT1", warehouse="SH-01",
                   status="in_transit")
    fx.timed(st, "shipment_events", {"event_time": "NOW - 1 HOUR"}, shipment_id=sid,
             code="in_transit", location=payload, description=payload)
    a = agent(st)
    for path in ("/orders/" + no, "/orders/%s?tab=shipments" % no, "/orders/%s?tab=items" % no,
                 "/search?q=" + no):
        r = a.get(path)
        assert r.status == 200, path
        assert "<script>alert(2)" not in r.body, path
        assert "&lt;script&gt;alert(2)&lt;/script&gt;" in r.body, path
