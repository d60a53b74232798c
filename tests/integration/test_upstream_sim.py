"""test_upstream_sim.py: the stand-in for the upstream services (tools/upstream-sim).

Spoken to directly over HTTP, as the dispatcher will: each request of
README's "The upstream contract" and its effect on the replica, each
refusal (400, 401, 404, 405, 409, 415, 422) leaving the replica as it was,
the idempotency key (one effect and the same answer for a repeat, 422 for
another request), each fault (fail N then succeed, delay, hang, refuse
connections, 409, 422) and the record of every request.  Orders are
fixtures with high ids, so no other test's orders change.
"""
import json
import threading
import time
import urllib.error
import urllib.request
import uuid

import fixtures as fx

ORDER = 55


# --- talking to the stand-in ------------------------------------------------

def call(st, path, body, key="new", service="order", token=None, ctype="application/json",
         method="POST", timeout=10, raw=None):
    """One request; returns (status, JSON answer, headers).  key "new" is a
    fresh key, None none."""
    data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
    req = urllib.request.Request(st.upstream_url + path, data=data, method=method)
    if ctype:
        req.add_header("Content-Type", ctype)
    tok = st.upstream_token(service) if token is None else token
    if tok:
        req.add_header("Authorization", "Bearer " + tok)
    if key:
        req.add_header("Idempotency-Key", new_key() if key == "new" else key)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, json.loads(r.read()), r.headers
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read()), e.headers


def new_key():
    return "t-" + uuid.uuid4().hex


def control(st, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(st.upstream_url + path, data=data,
                                 method="GET" if body is None else "POST")
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.loads(r.read())


def faults(st, **f):
    return control(st, "/_sim/faults", f)


def reset(st):
    return control(st, "/_sim/reset", {})


def effects(st, key):
    return control(st, "/_sim/effects?key=" + key)["effects"]


def recorded(st, key):
    return control(st, "/_sim/requests?key=" + key)["requests"]


def one(st, sql):
    rows = st.sql(sql, database="shop")
    return rows[0] if rows else None


def snapshot(st, oid):
    """What an effect on the order would change."""
    return (st.sql("SELECT * FROM orders WHERE id = %d" % oid, database="shop"),
            st.sql("SELECT * FROM order_items WHERE order_id = %d ORDER BY id" % oid,
                   database="shop"),
            st.sql("SELECT COUNT(*) FROM order_status_history WHERE order_id = %d" % oid,
                   database="shop"),
            st.sql("SELECT COUNT(*) FROM refunds WHERE order_id = %d" % oid, database="shop"),
            st.sql("SELECT COUNT(*) FROM inventory_moves WHERE order_id = %d" % oid,
                   database="shop"))


# --- fixtures -----------------------------------------------------------------

def shop_order(st, status="paid", pay_status="success", reserve=True, paid=None):
    """An order of one product, 2 x ¥50.00, with its payment and the stock it
    holds (2 reserved of 10 at SH-01).  Returns a dict of its ids."""
    pid = fx.product(st, "模拟服务测试商品", list_price=5000)
    sku = "FX-%d" % pid
    kw = {} if paid is None else {"paid_amount": paid}
    oid, no = fx.order(st, status=status, **kw)
    fx.item(st, oid, pid, "模拟服务测试商品", 5000, 5000, qty=2, sku=sku)
    pay = None
    if status != "pending" or pay_status != "success":
        pay = fx.timed(st, "payments", {"created_at": "NOW - 2 HOUR", "paid_at": "NOW - 2 HOUR",
                                        "updated_at": "NOW - 2 HOUR"},
                       order_id=oid, payment_no="SIMPAY%d" % oid, channel="alipay",
                       trade_no="SIMTRADE%d" % oid, amount=10000, status=pay_status)
    if reserve:
        st.sql("INSERT INTO inventory (sku, warehouse, on_hand, reserved, restock_at, updated_at)"
               " VALUES ('%s', 'SH-01', 10, 2, NULL, NOW() - INTERVAL 2 HOUR);" % sku,
               database="shop")
        fx.timed(st, "inventory_moves", {"created_at": "NOW - 2 HOUR"}, sku=sku,
                 warehouse="SH-01", order_id=oid, kind="reserve", qty=2)
    return {"id": oid, "no": no, "sku": sku, "product": pid, "payment": pay,
            "user": int(one(st, "SELECT user_id FROM orders WHERE id = %d" % oid)[0])}


def fresh(st, oid):
    """The order was touched just now (the scanner's watermark)."""
    return one(st, "SELECT updated_at > NOW() - INTERVAL 1 MINUTE FROM orders"
                   " WHERE id = %d" % oid)[0] == "1"


# --- the order service --------------------------------------------------------

def test_cancel_releases_stock_refunds_the_money_and_writes_history(st):
    o = shop_order(st)
    key = new_key()
    body = {"reason": "customer_request", "note": "顾客来电取消", "operator": "agent:lead"}
    status, ans, _ = call(st, "/v1/orders/%s/cancel" % o["no"], body, key=key)
    assert status == 200, ans
    assert ans["status"] == "cancelled" and ans["refunded"] == 10000 and ans["message"]
    row = one(st, "SELECT status, cancel_reason, cancelled_at IS NOT NULL, refunded_amount"
                  " FROM orders WHERE id = %d" % o["id"])
    assert row == ["cancelled", "customer_request", "1", "10000"]
    assert fresh(st, o["id"])
    hist = st.sql("SELECT from_status, to_status, actor_type, actor, note FROM"
                  " order_status_history WHERE order_id = %d" % o["id"], database="shop")
    assert len(hist) == 1 and hist[0][:4] == ["paid", "cancelled", "agent", "lead"], hist
    assert "取消" in hist[0][4] and "顾客来电取消" in hist[0][4]
    refund = one(st, "SELECT payment_id, refund_no, amount, status, completed_at IS NOT NULL"
                     " FROM refunds WHERE order_id = %d" % o["id"])
    assert refund == [str(o["payment"]), ans["refund_no"], "10000", "success", "1"]
    move = one(st, "SELECT kind, qty FROM inventory_moves WHERE order_id = %d"
                   " AND kind = 'release'" % o["id"])
    assert move == ["release", "-2"]
    assert one(st, "SELECT reserved FROM inventory WHERE sku = '%s'" % o["sku"]) == ["0"]

    # the same key again: the first answer, no second effect
    before = snapshot(st, o["id"])
    status2, ans2, headers = call(st, "/v1/orders/%s/cancel" % o["no"], body, key=key)
    assert (status2, ans2) == (status, ans) and headers["Idempotent-Replayed"] == "true"
    # the same request with its fields in another order is the same request
    status3, ans3, _ = call(st, "/v1/orders/%s/cancel" % o["no"], dict(reversed(body.items())),
                            key=key)
    assert (status3, ans3) == (status, ans)
    assert snapshot(st, o["id"]) == before
    assert effects(st, key) == 1
    # the same key for another request: spent
    status, ans, _ = call(st, "/v1/orders/%s/cancel" % o["no"],
                          dict(body, reason="duplicate_order"), key=key)
    assert status == 422 and ans["message"] == "幂等键已用于另一个请求"
    # another key: already done
    status, ans, _ = call(st, "/v1/orders/%s/cancel" % o["no"], body)
    assert status == 409 and ans["status"] == "cancelled" and ans["message"]
    assert snapshot(st, o["id"]) == before
    assert [r["outcome"] for r in recorded(st, key)] == [
        "applied", "replayed", "replayed", "key_reused"]


def test_cancel_of_an_unpaid_order_gives_nothing_back(st):
    o = shop_order(st, status="pending")
    status, ans, _ = call(st, "/v1/orders/%s/cancel" % o["no"],
                          {"reason": "unpaid_timeout", "operator": "rule:auto_cancel_unpaid"})
    assert status == 200 and ans["refunded"] == 0 and "refund_no" not in ans, ans
    assert one(st, "SELECT status, refunded_amount FROM orders WHERE id = %d"
                   % o["id"]) == ["cancelled", "0"]
    assert one(st, "SELECT COUNT(*) FROM refunds WHERE order_id = %d" % o["id"]) == ["0"]
    assert one(st, "SELECT actor_type, actor FROM order_status_history WHERE order_id = %d"
                   % o["id"]) == ["rule", "auto_cancel_unpaid"]
    assert one(st, "SELECT reserved FROM inventory WHERE sku = '%s'" % o["sku"]) == ["0"]


def test_cancel_is_refused_once_shipped(st):
    for status in ("shipped", "delivered", "completed"):
        o = shop_order(st, status=status, reserve=False)
        before = snapshot(st, o["id"])
        code, ans, _ = call(st, "/v1/orders/%s/cancel" % o["no"],
                            {"reason": "customer_request", "operator": "agent:agent"})
        assert code == 422 and ans["message"] and ans["status"] == status, (status, ans)
        assert snapshot(st, o["id"]) == before


def test_address_is_changed_until_delivered(st):
    o = shop_order(st, status="shipped", reserve=False)
    good = {"receiver_name": "张三", "receiver_phone": "13912345678", "province": "浙江省",
            "city": "杭州市", "district": "西湖区", "detail": "文三路 1 号", "operator": "agent:agent"}
    path = "/v1/orders/%s/address" % o["no"]
    before = snapshot(st, o["id"])
    for bad, why in ((dict(good, receiver_phone="12345678901"), 422),
                     (dict(good, receiver_phone="139123456789"), 422),
                     (dict(good, detail=""), 422),
                     (dict(good, city=""), 422),
                     ({k: v for k, v in good.items() if k != "district"}, 400),
                     (dict(good, province=31), 400),
                     (dict(good, detail="长" * 256), 422)):
        status, ans, _ = call(st, path, bad)
        assert status == why and ans["message"], (bad, status, ans)
    assert snapshot(st, o["id"]) == before

    status, ans, _ = call(st, path, good)
    assert status == 200 and ans["status"] == "shipped", ans
    assert one(st, "SELECT receiver_name, receiver_phone, province, city, district,"
                   " address_detail FROM orders WHERE id = %d" % o["id"]) == [
        "张三", "13912345678", "浙江省", "杭州市", "西湖区", "文三路 1 号"]
    assert fresh(st, o["id"])
    assert one(st, "SELECT from_status, to_status, actor_type, note <> '' FROM"
                   " order_status_history WHERE order_id = %d" % o["id"]) == [
        "shipped", "shipped", "agent", "1"]
    # the same address again is already done
    status, ans, _ = call(st, path, good)
    assert status == 409, ans
    for done in ("delivered", "completed", "cancelled"):
        d = shop_order(st, status=done, reserve=False)
        status, ans, _ = call(st, "/v1/orders/%s/address" % d["no"], good)
        assert status == 422 and ans["message"], (done, ans)
    status, ans, _ = call(st, "/v1/orders/9999999999999999/address", good)
    assert status == 404 and ans["message"]


def test_price_of_an_unpaid_order_is_simply_changed(st):
    o = shop_order(st, status="pending", reserve=False)
    status, ans, _ = call(st, "/v1/orders/%s/price" % o["no"],
                          {"items": [{"sku": o["sku"], "unit_price": 6000}],
                           "agreed_by": "lead", "operator": "agent:lead"})
    assert status == 200 and ans["pay_amount"] == 12000 and ans["refunded"] == 0, ans
    assert one(st, "SELECT unit_price, amount FROM order_items WHERE order_id = %d"
                   % o["id"]) == ["6000", "12000"]
    assert one(st, "SELECT goods_amount, pay_amount, refunded_amount FROM orders"
                   " WHERE id = %d" % o["id"]) == ["12000", "12000", "0"]
    assert one(st, "SELECT from_status, to_status FROM order_status_history"
                   " WHERE order_id = %d" % o["id"]) == ["pending", "pending"]
    assert fresh(st, o["id"])


def test_price_of_a_paid_order_goes_down_only_and_refunds_the_difference(st):
    o = shop_order(st, reserve=False)
    path = "/v1/orders/%s/price" % o["no"]
    before = snapshot(st, o["id"])
    for items, why in (([{"sku": o["sku"], "unit_price": 5001}], 422),      # up
                       ([{"sku": "NO-SUCH-SKU", "unit_price": 100}], 422),
                       ([{"sku": o["sku"], "unit_price": -1}], 422),
                       ([{"sku": o["sku"], "unit_price": "40"}], 400),
                       ([{"sku": o["sku"]}], 400),
                       ([], 422),
                       ("cheaper", 400),
                       ([{"sku": o["sku"], "unit_price": 5000}], 409)):    # unchanged
        status, ans, _ = call(st, path, {"items": items, "agreed_by": "lead",
                                         "operator": "agent:lead"})
        assert status == why and ans["message"], (items, status, ans)
    assert snapshot(st, o["id"]) == before

    status, ans, _ = call(st, path, {"items": [{"sku": o["sku"], "unit_price": 4000}],
                                     "agreed_by": "lead", "operator": "agent:lead"})
    assert status == 200 and ans["pay_amount"] == 8000 and ans["refunded"] == 2000, ans
    assert one(st, "SELECT goods_amount, pay_amount, paid_amount, refunded_amount, status"
                   " FROM orders WHERE id = %d" % o["id"]) == ["8000", "8000", "10000", "2000",
                                                               "paid"]
    assert one(st, "SELECT payment_id, refund_no, amount, status FROM refunds"
                   " WHERE order_id = %d" % o["id"]) == [str(o["payment"]), ans["refund_no"],
                                                         "2000", "success"]


# --- payment, coupon, inventory, SMS --------------------------------------------

def test_refunds_up_to_what_the_payment_holds(st):
    o = shop_order(st, reserve=False)
    pay_no = "SIMPAY%d" % o["id"]

    def refund(amount, payment=pay_no, order=o["no"]):
        return call(st, "/v1/refunds", {"order_no": order, "payment_no": payment,
                                        "amount": amount, "reason": "商品破损",
                                        "operator": "agent:agent"}, service="payment")

    status, ans, _ = refund(3000)
    assert status == 200 and ans["status"] == "paid" and ans["refunded_amount"] == 3000, ans
    assert one(st, "SELECT payment_id, refund_no, amount, reason, status,"
                   " completed_at IS NOT NULL FROM refunds WHERE order_id = %d" % o["id"]) == [
        str(o["payment"]), ans["refund_no"], "3000", "商品破损", "success", "1"]
    assert one(st, "SELECT refunded_amount, status FROM orders WHERE id = %d"
                   % o["id"]) == ["3000", "paid"]
    assert fresh(st, o["id"])
    before = snapshot(st, o["id"])
    for args, why in (((7001,), 422), ((0,), 422), ((-5,), 422), (("70",), 400),
                      ((100, "NO-SUCH-PAYMENT"), 422),
                      ((100, pay_no, "9999999999999999"), 404)):
        status, ans, _ = refund(*args)
        assert status == why and ans["message"], (args, status, ans)
    assert snapshot(st, o["id"]) == before
    # the rest: everything paid is back
    status, ans, _ = refund(7000)
    assert status == 200 and ans["status"] == "refunded", ans
    assert one(st, "SELECT refunded_amount, status FROM orders WHERE id = %d"
                   % o["id"]) == ["10000", "refunded"]
    assert one(st, "SELECT from_status, to_status FROM order_status_history WHERE"
                   " order_id = %d" % o["id"]) == ["paid", "refunded"]
    status, ans, _ = refund(1)
    assert status == 422, ans
    # a payment that did not succeed gives nothing back
    f = shop_order(st, status="pending", pay_status="failed", reserve=False)
    status, ans, _ = refund(100, "SIMPAY%d" % f["id"], f["no"])
    assert status == 422 and ans["message"], ans


def test_a_grant_makes_a_coupon_for_the_user_and_order(st):
    o = shop_order(st, reserve=False)
    body = {"user_id": o["user"], "order_no": o["no"], "amount": 1000, "reason": "物流延误补偿",
            "valid_days": 30, "operator": "agent:lead"}
    status, ans, _ = call(st, "/v1/grants", body, service="coupon")
    assert status == 200 and ans["code"], ans
    coupon = one(st, "SELECT id, kind, value, TIMESTAMPDIFF(DAY, valid_from, valid_to)"
                     " FROM coupons WHERE code = '%s'" % ans["code"])
    assert coupon[1:] == ["fixed", "1000", "30"] and int(coupon[0]) == ans["coupon_id"]
    assert one(st, "SELECT coupon_id, user_id, amount, reason FROM coupon_grants"
                   " WHERE order_id = %d" % o["id"]) == [coupon[0], str(o["user"]), "1000",
                                                         "物流延误补偿"]
    assert fresh(st, o["id"])
    status, ans2, _ = call(st, "/v1/grants", body, service="coupon")
    assert status == 200 and ans2["code"] != ans["code"]       # another key: another coupon
    status, ans, _ = call(st, "/v1/grants", dict(body, user_id=o["user"] + 1), service="coupon")
    assert status == 422 and ans["message"], ans
    status, ans, _ = call(st, "/v1/grants", dict(body, valid_days=0), service="coupon")
    assert status == 422, ans
    assert one(st, "SELECT COUNT(*) FROM coupon_grants WHERE order_id = %d" % o["id"]) == ["2"]


def test_a_replenishment_raises_the_stock(st):
    o = shop_order(st)
    st.sql("UPDATE inventory SET restock_at = NOW() + INTERVAL 3 DAY WHERE sku = '%s';"
           % o["sku"], database="shop")
    status, ans, _ = call(st, "/v1/replenishments", {"sku": o["sku"], "warehouse": "SH-01",
                                                     "qty": 50, "operator": "agent:lead"},
                          service="inventory")
    assert status == 200 and ans["restock_at"] and ans["on_hand"] == 60, ans
    assert one(st, "SELECT on_hand, reserved, restock_at IS NULL, updated_at >"
                   " NOW() - INTERVAL 1 MINUTE FROM inventory WHERE sku = '%s'"
                   % o["sku"]) == ["60", "2", "1", "1"]
    assert one(st, "SELECT kind, qty, order_id IS NULL FROM inventory_moves WHERE sku = '%s'"
                   " AND kind = 'inbound'" % o["sku"]) == ["inbound", "50", "1"]
    assert fresh(st, o["id"])      # the paid order waiting for it
    # a warehouse that never held it gets its first stock
    status, ans, _ = call(st, "/v1/replenishments", {"sku": o["sku"], "warehouse": "BJ-09",
                                                     "qty": 5, "operator": "agent:lead"},
                          service="inventory")
    assert status == 200 and ans["on_hand"] == 5, ans
    for body, why in (({"sku": "NO-SUCH-SKU", "warehouse": "SH-01", "qty": 5}, 422),
                      ({"sku": o["sku"], "warehouse": "SH-01", "qty": 0}, 422),
                      ({"sku": o["sku"], "warehouse": "SH-01", "qty": 1.5}, 400),
                      ({"sku": o["sku"], "qty": 5}, 400)):
        status, ans, _ = call(st, "/v1/replenishments", dict(body, operator="agent:lead"),
                              service="inventory")
        assert status == why and ans["message"], (body, ans)
    assert one(st, "SELECT on_hand FROM inventory WHERE sku = '%s' AND warehouse = 'SH-01'"
                   % o["sku"]) == ["60"]


def test_a_message_is_accepted_and_changes_nothing(st):
    o = shop_order(st, reserve=False)
    before = snapshot(st, o["id"])
    body = {"order_no": o["no"], "phone": "13800138000", "template": "address_confirm",
            "params": {"name": "张三"}, "operator": "robot:callbot"}
    key = new_key()
    status, ans, _ = call(st, "/v1/messages", body, key=key, service="sms")
    assert status == 200 and ans["message_id"], ans
    assert call(st, "/v1/messages", body, key=key, service="sms")[1] == ans
    assert effects(st, key) == 1
    for bad, why in ((dict(body, phone="1380013800"), 422), (dict(body, params="x"), 400),
                     ({k: v for k, v in body.items() if k != "params"}, 400),
                     (dict(body, template=""), 422)):
        status, ans, _ = call(st, "/v1/messages", bad, service="sms")
        assert status == why and ans["message"], (bad, ans)
    assert snapshot(st, o["id"]) == before


# --- refusals before anything is done -------------------------------------------

def test_refusals_change_nothing_and_leave_the_key_unspent(st):
    o = shop_order(st, reserve=False)
    path = "/v1/orders/%s/cancel" % o["no"]
    body = {"reason": "customer_request", "operator": "agent:lead"}
    before = snapshot(st, o["id"])
    key = new_key()
    cases = (
        (dict(key=key, token=""), 401),                          # no token
        (dict(key=key, token="wrong"), 401),
        (dict(key=key, token=st.upstream_token("payment")), 401),  # another service's
        (dict(key=None), 400),                                   # no key
        (dict(key=key, raw=b"{not json"), 400),
        (dict(key=key, raw=b"[1, 2]"), 400),                     # not an object
        (dict(key=key, raw=b'{"reason": "\xff"}'), 400),         # not UTF-8
        (dict(key=key, ctype="text/plain"), 415),
        (dict(key=key, raw=json.dumps({"reason": "x"}).encode()), 400),   # no operator
        (dict(key=key, raw=json.dumps(dict(body, reason=7)).encode()), 400),
        (dict(key=key, raw=b"x" * 70000), 413),
    )
    for kw, why in cases:
        status, ans, headers = call(st, path, body, **kw)
        assert status == why and ans["message"], (kw, status, ans)
        if why == 401:
            assert headers["WWW-Authenticate"] == "Bearer"
    status, ans, _ = call(st, path, None, method="GET", ctype=None)
    assert status == 405, ans
    status, ans, _ = call(st, "/v1/orders/%s/refund" % o["no"], body)
    assert status == 404, ans
    assert snapshot(st, o["id"]) == before
    assert effects(st, key) == 0
    # none of those spent the key
    status, ans, _ = call(st, path, body, key=key)
    assert status == 200, ans
    assert effects(st, key) == 1


# --- faults -----------------------------------------------------------------------

def test_fail_n_answers_the_status_without_effect_then_succeeds(st):
    o = shop_order(st)
    key = new_key()
    body = {"reason": "customer_request", "operator": "agent:lead"}
    path = "/v1/orders/%s/cancel" % o["no"]
    try:
        got = faults(st, service="order", fail=2, status=503)
        assert got["faults"]["order"]["fail"] == 2 and got["faults"]["payment"]["fail"] == 0
        assert [call(st, path, body, key=key)[0] for _ in range(2)] == [503, 503]
        assert one(st, "SELECT status FROM orders WHERE id = %d" % o["id"]) == ["paid"]
        status, ans, _ = call(st, path, body, key=key)
        assert status == 200, ans
        assert effects(st, key) == 1
        assert [(r["status"], r["outcome"], r["effect"]) for r in recorded(st, key)] == [
            (503, "fault", False), (503, "fault", False), (200, "applied", True)]
        # the default status is 500, and "*" is every service
        faults(st, service="*", fail=1)
        assert call(st, "/v1/messages", {}, service="sms")[0] == 500
        assert call(st, "/v1/grants", {}, service="coupon")[0] == 500
    finally:
        reset(st)
    assert call(st, "/v1/messages", {}, service="sms")[0] == 400


def test_conflict_and_reject_answer_409_then_422_with_the_message(st):
    body = {"order_no": "1", "phone": "13800138000", "template": "t", "params": {},
            "operator": "agent:lead"}
    key = new_key()
    try:
        faults(st, service="sms", conflict=1, reject=1, message="号码已退订")
        assert call(st, "/v1/messages", body, key=key, service="sms")[:2] == (
            409, {"message": "号码已退订"})
        assert call(st, "/v1/messages", body, key=key, service="sms")[:2] == (
            422, {"message": "号码已退订"})
        status, ans, _ = call(st, "/v1/messages", body, key=key, service="sms")
        assert status == 200 and ans["message_id"]
        assert effects(st, key) == 1
    finally:
        reset(st)


def test_a_delay_holds_every_request_but_not_the_control_endpoint(st):
    body = {"order_no": "1", "phone": "13800138000", "template": "t", "params": {},
            "operator": "agent:lead"}
    try:
        faults(st, service="sms", delay_ms=800)
        took = {}

        def slow():
            t = time.time()
            took["status"] = call(st, "/v1/messages", body, service="sms")[0]
            took["s"] = time.time() - t
        th = threading.Thread(target=slow)
        th.start()
        time.sleep(0.2)
        t = time.time()
        assert control(st, "/_sim/faults")["faults"]["sms"]["delay_ms"] == 800
        assert time.time() - t < 0.3
        th.join(10)
        assert took["status"] == 200 and 0.75 <= took["s"] < 3, took
        # other services are not delayed
        t = time.time()
        assert call(st, "/v1/grants", {}, service="coupon")[0] == 400
        assert time.time() - t < 0.5
    finally:
        reset(st)


def test_a_hung_request_is_answered_when_the_hang_is_cleared(st):
    o = shop_order(st)
    key = new_key()
    body = {"reason": "customer_request", "operator": "agent:lead"}
    path = "/v1/orders/%s/cancel" % o["no"]
    try:
        faults(st, service="order", hang=True)
        t = time.time()
        try:
            call(st, path, body, key=key, timeout=1)
            raise AssertionError("a hung request was answered")
        except (TimeoutError, OSError) as e:     # the client gives up
            assert "timed out" in str(e), e
        assert 0.9 <= time.time() - t < 3
        assert one(st, "SELECT status FROM orders WHERE id = %d" % o["id"]) == ["paid"]
        assert control(st, "/_sim/faults")["faults"]["order"]["hang"] is True
    finally:
        reset(st)
    # cleared: the hung request is served as a slow service would, and the
    # client's retry with the same key gets its answer
    end = time.time() + 5
    while not recorded(st, key):
        assert time.time() < end, "the hung request was not served"
        time.sleep(0.05)
    assert one(st, "SELECT status FROM orders WHERE id = %d" % o["id"]) == ["cancelled"]
    status, ans, headers = call(st, path, body, key=key)
    assert status == 200 and ans["status"] == "cancelled", ans
    assert headers["Idempotent-Replayed"] == "true"
    assert effects(st, key) == 1


def test_refusing_connections_for_a_while(st):
    body = {"order_no": "1", "phone": "13800138000", "template": "t", "params": {},
            "operator": "agent:lead"}
    try:
        faults(st, service="*", refuse_ms=1500)
        t = time.time()
        try:
            call(st, "/v1/messages", body, service="sms", timeout=3)
            raise AssertionError("a refused connection was answered")
        except urllib.error.URLError as e:
            assert isinstance(e.reason, ConnectionRefusedError), e
        assert time.time() - t < 0.5
        end = time.time() + 5
        while True:
            try:
                status = call(st, "/v1/messages", body, service="sms")[0]
                break
            except urllib.error.URLError:
                assert time.time() < end, "still refusing"
                time.sleep(0.1)
        assert status == 200 and time.time() - t >= 1.4
    finally:
        reset(st)


def test_control_endpoint_refuses_bad_faults(st):
    for bad in ({"service": "mail", "fail": 1}, {"fail": 1}, {"service": "sms", "fail": -1},
                {"service": "sms", "status": 700}, {"service": "sms", "hang": "yes"}):
        req = urllib.request.Request(st.upstream_url + "/_sim/faults",
                                     data=json.dumps(bad).encode(), method="POST")
        try:
            urllib.request.urlopen(req, timeout=5)
            raise AssertionError("accepted %r" % bad)
        except urllib.error.HTTPError as e:
            assert e.code == 400 and json.loads(e.read())["message"], bad
    assert not any(f["fail"] for f in control(st, "/_sim/faults")["faults"].values())


# --- the record -------------------------------------------------------------------

def test_every_request_is_recorded(st):
    since = 0       # the newest so far: the list comes oldest first, 1,000 at a time
    while True:
        got = control(st, "/_sim/requests?service=sms&since=%d" % since)["requests"]
        if not got:
            break
        since = got[-1]["id"]
    body = {"order_no": "1", "phone": "13800138000", "template": "t", "params": {"a": 1},
            "operator": "agent:lead"}
    keys = [new_key(), new_key()]
    call(st, "/v1/messages", body, key=keys[0], service="sms")
    call(st, "/v1/messages", body, key=keys[0], service="sms")
    call(st, "/v1/messages", dict(body, phone="1"), key=keys[1], service="sms")
    call(st, "/v1/messages", body, key=keys[1], service="sms", token="wrong")
    got = control(st, "/_sim/requests?service=sms&since=%d" % since)["requests"]
    assert [(r["key"], r["status"], r["effect"], r["outcome"]) for r in got] == [
        (keys[0], 200, True, "applied"), (keys[0], 200, False, "replayed"),
        (keys[1], 422, False, "refused"), (keys[1], 401, False, "invalid")]
    assert json.loads(got[0]["body"]) == body and got[0]["path"] == "/v1/messages"
    assert got[0]["answer"]["message_id"] and got[0]["at"] and got[0]["method"] == "POST"
    assert [r["id"] for r in got] == sorted(r["id"] for r in got)
    assert control(st, "/_sim/effects?key=" + keys[0]) == {"key": keys[0], "requests": 2,
                                                          "effects": 1}
    # the configuration names the stand-in for every service
    with open(st.conf) as f:
        conf = f.read()
    for name in ("order", "payment", "coupon", "inventory", "sms"):
        assert "%s_url = %s/v1" % (name, st.upstream_url) in conf
