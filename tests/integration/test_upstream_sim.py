"""test_upstream_sim.py: the stand-in for the upstream services (tools/upstream-sim).

Spoken to directly over HTTP, as the dispatcher will: each request of
README's "The upstream contract" and its effect on the replica, each
refusal (400, 401, 404, 405, 409, 415, 422) leaving the replica as it was,
the idempotency key (one effect and the same answer for a repeat, 422 for
another request), each fault (fail N then succeed, delay, hang, refuse
connections, 409, 422) and the record of every request.  Orders are
fixtures with high ids, so no other test's orders change.

The phone robot (README: "The phone robot") is spoken to the same way; its
results are called back to a small HTTP server of the test's own on a free
loopback port, which checks their signatures as the console does — the
console's /hooks/robot is not needed.
"""
import hashlib
import hmac
import http.server
import json
import re
import threading
import time
import urllib.error
import urllib.request
import uuid

import fixtures as fx
import stack

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
    for name in ("order", "payment", "coupon", "inventory", "sms", "robot"):
        assert "%s_url = %s/v1" % (name, st.upstream_url) in conf


# --- the phone robot ----------------------------------------------------------------

def signature(secret, ts, raw):
    """X-Robot-Signature as README's "The phone robot" defines it."""
    return "sha256=" + hmac.new(secret.encode(), ts.encode() + b"." + raw,
                                hashlib.sha256).hexdigest()


class Receiver:
    """The console's /hooks/robot played by the test: a threaded HTTP server
    on a free loopback port that keeps every callback and answers each from
    `answers` (statuses, in turn, then 200), or 401 when its signature does
    not verify with `secret`, as the console would."""

    def __init__(self, secret, answers=()):
        self.secret = secret
        self.answers = list(answers)
        self.got = []
        self.lock = threading.Lock()
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                ts = self.headers.get("X-Robot-Timestamp")
                sig = self.headers.get("X-Robot-Signature")
                good = ts is not None and sig is not None and hmac.compare_digest(
                    sig, signature(outer.secret, ts, raw))
                try:
                    body = json.loads(raw)
                except ValueError:
                    body = None
                with outer.lock:
                    status = outer.answers.pop(0) if outer.answers else 200
                    if not good:
                        status = 401
                    outer.got.append({"path": self.path, "ts": ts, "sig": sig, "raw": raw,
                                      "body": body, "good": good, "at": time.time(),
                                      "answered": status,
                                      "ctype": self.headers.get("Content-Type")})
                out = json.dumps({"message": "ok" if status < 300 else "拒绝"},
                                 ensure_ascii=False).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

            def log_message(self, *args):      # nothing on stderr
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%d/hooks/robot" % self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def of(self, ref):
        with self.lock:
            return [g for g in self.got if g["body"] and g["body"].get("ref") == ref]

    def wait(self, n, ref=None, timeout=8):
        """At least n callbacks (of ref) in; returns them."""
        end = time.time() + timeout
        while True:
            got = self.of(ref) if ref else list(self.got)
            if len(got) >= n or time.time() > end:
                return got
            time.sleep(0.02)

    def close(self):
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False


def new_ref():
    return "call-t%s-1" % uuid.uuid4().hex[:12]


def robot_job(ref, script="stock_shortage", intents=("wait", "substitute", "cancel")):
    return {"ref": ref, "phone": "13812345678", "order_no": "2026120210000001",
            "script": script, "text": "您购买的商品目前库存紧张，预计需要3天补货后发货。",
            "vars": {"PRODUCT": "保温杯", "DAYS": "3"}, "intents": list(intents), "options": []}


def robot_body(url, jobs, group="stock_shortage"):
    return {"job_group": group, "callback_url": url,
            "strategy": {"window": ["09:00", "20:00"], "time_zone": "+08:00",
                         "max_attempts": 1},
            "jobs": jobs, "operator": "agent:lead"}


def jobs_call(st, body, **kw):
    return call(st, "/v1/robot/jobs", body, service="robot", **kw)


def robot_set(st, **settings):
    return control(st, "/_sim/robot", settings)


def robot_results(st, ref):
    return control(st, "/_sim/robot/results?ref=" + ref)["results"]


def robot_send(st, body):
    return control(st, "/_sim/robot/send", body)


def test_robot_jobs_are_taken_and_each_result_is_called_back_signed(st):
    refs = [new_ref() for _ in range(3)]
    with Receiver(st.robot_secret) as rx:
        key = new_key()
        t0 = time.time()
        status, ans, _ = jobs_call(st, robot_body(rx.url, [robot_job(r) for r in refs]),
                                   key=key)
        assert status == 200, ans
        assert [j["ref"] for j in ans["jobs"]] == refs and set(ans) == {"jobs"}, ans
        ids = [j["job_id"] for j in ans["jobs"]]
        assert all(re.match(r"^J[0-9]+$", i) for i in ids) and len(set(ids)) == 3, ids
        got = rx.wait(3)
        assert len(got) == 3, got
        seen = set()
        for g in got:
            # the default delay is 200 ms; every callback is signed
            assert g["at"] - t0 >= 0.15, g["at"] - t0
            assert g["good"] and g["path"] == "/hooks/robot", g
            assert g["sig"] == signature(st.robot_secret, g["ts"], g["raw"])
            assert abs(int(g["ts"]) - time.time()) < 10
            assert g["ctype"].startswith("application/json")
            b = g["body"]
            assert set(b) == {"callback_id", "job_id", "ref", "status", "intent", "confidence",
                              "slots", "duration", "transcript_url", "ended_at"}, b
            assert b["job_id"] == ids[refs.index(b["ref"])]
            assert b["callback_id"].startswith("cb-") and b["callback_id"] not in seen
            seen.add(b["callback_id"])
            assert (b["status"], b["intent"], b["confidence"], b["slots"]) == (
                "answered", "wait", 0.95, {}), b
            assert isinstance(b["duration"], int) and b["transcript_url"]
            assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$", b["ended_at"]), b
            res = robot_results(st, b["ref"])
            assert [(r["callback_id"], r["status"], r["attempt"], r["via"]) for r in res] == [
                (b["callback_id"], 200, 1, "robot")], res
        # one effect a request (the calls dialled), nothing in the replica
        assert effects(st, key) == 1
        assert recorded(st, key)[0]["outcome"] == "applied"


def test_robot_a_repeated_key_answers_the_same_jobs_and_calls_no_one_again(st):
    ref = new_ref()
    with Receiver(st.robot_secret) as rx:
        key = new_key()
        body = robot_body(rx.url, [robot_job(ref)])
        first = jobs_call(st, body, key=key)
        assert first[0] == 200, first
        assert len(rx.wait(1, ref)) == 1
        status, ans, headers = jobs_call(st, body, key=key)
        assert (status, ans) == first[:2] and headers["Idempotent-Replayed"] == "true"
        status, ans, _ = jobs_call(st, dict(body, job_group="other"), key=key)
        assert status == 422 and ans["message"] == "幂等键已用于另一个请求"
        time.sleep(0.8)
        assert len(rx.of(ref)) == 1
        assert effects(st, key) == 1
        assert len(robot_results(st, ref)) == 1


def test_robot_refuses_bad_tokens_and_bad_jobs_and_calls_no_one(st):
    with Receiver(st.robot_secret) as rx:
        ref = new_ref()
        good = robot_body(rx.url, [robot_job(ref)])
        key = new_key()
        for kw, why in ((dict(token=""), 401), (dict(token="wrong"), 401),
                        (dict(token=st.upstream_token("sms")), 401),
                        (dict(key=None), 400), (dict(ctype="text/plain"), 415)):
            kw.setdefault("key", key)
            status, ans, _ = jobs_call(st, good, **kw)
            assert status == why and ans["message"], (kw, status, ans)

        def job(**change):
            j = dict(robot_job(ref), **change)
            return [{k: v for k, v in j.items() if v is not None}]

        cases = (
            ({k: v for k, v in good.items() if k != "jobs"}, 400),
            ({k: v for k, v in good.items() if k != "job_group"}, 400),
            ({k: v for k, v in good.items() if k != "callback_url"}, 400),
            (dict(good, jobs={"ref": ref}), 400),
            (dict(good, jobs=["x"]), 400),
            (dict(good, jobs=job(phone=None)), 400),
            (dict(good, jobs=job(ref=None)), 400),
            (dict(good, jobs=job(script=None)), 400),
            (dict(good, jobs=job(text=None)), 400),
            (dict(good, jobs=job(intents=None)), 400),
            (dict(good, jobs=job(intents="wait")), 400),
            (dict(good, jobs=job(intents=["wait", 3])), 400),
            (dict(good, jobs=job(vars="x")), 400),
            (dict(good, strategy="fast"), 400),
            ({k: v for k, v in good.items() if k != "operator"}, 400),
            (dict(good, jobs=job(phone="12345678901")), 422),
            (dict(good, jobs=job(phone="1381234567")), 422),
            (dict(good, jobs=job(intents=[])), 422),
            (dict(good, jobs=job(ref="")), 422),
            (dict(good, jobs=job(text="")), 422),
            (dict(good, jobs=[]), 422),
            (dict(good, jobs=[robot_job("%s-%d" % (ref, i)) for i in range(26)]), 422),
            (dict(good, jobs=[robot_job(ref), robot_job(ref)]), 422),
            (dict(good, callback_url="ftp://127.0.0.1/hooks/robot"), 422),
            (dict(good, job_group=""), 422),
        )
        for body, why in cases:
            status, ans, _ = jobs_call(st, body)
            assert status == why and ans["message"], (body, status, ans)
            assert re.search(r"[\u4e00-\u9fff]", ans["message"]), ans
        # which job was wrong is said
        status, ans, _ = jobs_call(st, dict(good, jobs=[robot_job(new_ref()),
                                                        job(phone="123")[0]]))
        assert status == 422 and "第 2 项" in ans["message"], ans
        status, ans, _ = call(st, "/v1/robot/jobs", None, method="GET", ctype=None,
                              service="robot")
        assert status == 405, ans
        # 25 jobs is the most, and none of the refusals spent the key
        many = [robot_job("%s-%d" % (ref, i)) for i in range(25)]
        status, ans, _ = jobs_call(st, dict(good, jobs=many), key=key)
        assert status == 200 and len(ans["jobs"]) == 25, ans
        assert len(rx.wait(25)) == 25
        time.sleep(0.4)
        assert len(rx.got) == 25 and not rx.of(ref)


def test_robot_faults_apply_as_to_any_service(st):
    ref = new_ref()
    with Receiver(st.robot_secret) as rx:
        key = new_key()
        body = robot_body(rx.url, [robot_job(ref)])
        try:
            got = faults(st, service="robot", fail=1, status=503, reject=1,
                         message="外呼线路忙")
            assert got["faults"]["robot"]["fail"] == 1
            assert jobs_call(st, body, key=key)[:2] == (503, {"message": "外呼线路忙"})
            assert jobs_call(st, body, key=key)[:2] == (422, {"message": "外呼线路忙"})
            time.sleep(0.5)
            assert not rx.got
            status, ans, _ = jobs_call(st, body, key=key)
            assert status == 200, ans
            assert len(rx.wait(1, ref)) == 1
            assert [(r["status"], r["outcome"]) for r in recorded(st, key)] == [
                (503, "fault"), (422, "fault"), (200, "applied")]
            # a delay holds the request, not the control endpoint
            faults(st, service="robot", delay_ms=600)
            t = time.time()
            assert jobs_call(st, robot_body(rx.url, [robot_job(new_ref())]))[0] == 200
            assert time.time() - t >= 0.55
        finally:
            reset(st)


def test_robot_rules_choose_each_outcome_and_cycle_through_a_mix(st):
    mix = [{"status": "answered", "intent": "wait", "confidence": 0.9, "duration": 40},
           {"status": "answered", "intent": "cancel", "confidence": 0.88},
           {"status": "no_answer"}]
    special = new_ref()
    try:
        got = robot_set(st, delay_ms=0, rules=[
            {"ref": special, "status": "answered", "intent": "human", "confidence": 0.7,
             "slots": {"province": "浙江省", "city": "杭州市", "choice": 1},
             "duration": 61},
            {"script": "stock_shortage", "cycle": mix},
            {"script": "address_confirm", "status": "busy"}])
        assert got["delay_ms"] == 0 and got["hold"] is False and len(got["rules"]) == 3
        assert control(st, "/_sim/robot")["rules"] == got["rules"]
        with Receiver(st.robot_secret) as rx:
            refs = [new_ref() for _ in range(6)]
            jobs = [robot_job(special)] + [robot_job(r) for r in refs]
            assert jobs_call(st, robot_body(rx.url, jobs))[0] == 200
            other = new_ref()
            assert jobs_call(st, robot_body(rx.url, [robot_job(other, "address_confirm",
                                                               ["confirm", "change"])],
                                            group="address_confirm"))[0] == 200
            plain = new_ref()
            assert jobs_call(st, robot_body(rx.url, [robot_job(plain, "delivery_delay",
                                                               ["ok", "cancel"])],
                                            group="delivery_delay"))[0] == 200
            assert len(rx.wait(9)) == 9
            b = rx.of(special)[0]["body"]
            assert (b["status"], b["intent"], b["confidence"], b["duration"]) == (
                "answered", "human", 0.7, 61) and b["slots"]["city"] == "杭州市", b
            # the cycle hands out its outcomes in turn, the jobs in their order
            outs = [rx.of(r)[0]["body"] for r in refs]
            assert [(o["status"], o["intent"]) for o in outs] == [
                ("answered", "wait"), ("answered", "cancel"), ("no_answer", None)] * 2, outs
            assert outs[0]["confidence"] == 0.9 and outs[0]["duration"] == 40
            assert outs[2]["confidence"] == 0 and outs[2]["slots"] == {}
            assert outs[2]["transcript_url"] is None
            b = rx.of(other)[0]["body"]
            assert (b["status"], b["intent"]) == ("busy", None), b
            # no rule: answered with the job's first intent
            b = rx.of(plain)[0]["body"]
            assert (b["status"], b["intent"], b["confidence"]) == ("answered", "ok", 0.95)
            assert all(g["good"] for g in rx.got)
        # bad rules are refused, the settings stay
        for bad in ({"rules": [{"status": "ringing"}]}, {"rules": "all"},
                    {"rules": [{"cycle": []}]}, {"rules": [{"confidence": 2}]},
                    {"rules": [{"script": 3}]}, {"delay_ms": -1}, {"hold": "yes"}):
            req = urllib.request.Request(st.upstream_url + "/_sim/robot",
                                         data=json.dumps(bad).encode(), method="POST")
            try:
                urllib.request.urlopen(req, timeout=5)
                raise AssertionError("accepted %r" % bad)
            except urllib.error.HTTPError as e:
                assert e.code == 400 and json.loads(e.read())["message"], bad
        assert len(control(st, "/_sim/robot")["rules"]) == 3
    finally:
        reset(st)
    assert control(st, "/_sim/robot")["rules"] == []
    assert control(st, "/_sim/robot")["delay_ms"] == 200


def test_robot_delay_hold_and_release(st):
    try:
        with Receiver(st.robot_secret) as rx:
            robot_set(st, delay_ms=700)
            ref = new_ref()
            t0 = time.time()
            assert jobs_call(st, robot_body(rx.url, [robot_job(ref)]))[0] == 200
            got = rx.wait(1, ref)
            assert got and got[0]["at"] - t0 >= 0.65, got

            robot_set(st, hold=True, delay_ms=0)
            refs = [new_ref() for _ in range(3)]
            assert jobs_call(st, robot_body(rx.url, [robot_job(r) for r in refs]))[0] == 200
            time.sleep(0.5)
            assert not any(rx.of(r) for r in refs)
            assert control(st, "/_sim/robot")["held"] == 3
            assert control(st, "/_sim/robot/release", {"ref": refs[1]})["released"] == 1
            assert len(rx.wait(1, refs[1])) == 1
            time.sleep(0.3)
            assert not rx.of(refs[0]) and not rx.of(refs[2])
            assert control(st, "/_sim/robot/release", {})["released"] == 2
            rx.wait(1, refs[0])
            assert len(rx.wait(1, refs[2])) == 1 and len(rx.of(refs[0])) == 1
            assert control(st, "/_sim/robot")["held"] == 0
            # a reset drops what is held
            last = new_ref()
            assert jobs_call(st, robot_body(rx.url, [robot_job(last)]))[0] == 200
            assert control(st, "/_sim/robot")["held"] == 1
            reset(st)
            now = control(st, "/_sim/robot")
            assert (now["held"], now["hold"], now["delay_ms"]) == (0, False, 200), now
            assert control(st, "/_sim/robot/release", {})["released"] == 0
            time.sleep(0.4)
            assert not rx.of(last)
    finally:
        reset(st)


def test_robot_retries_a_console_that_fails_or_is_not_there(st):
    try:
        robot_set(st, delay_ms=0)
        with Receiver(st.robot_secret, answers=[500, 503]) as rx:
            ref = new_ref()
            assert jobs_call(st, robot_body(rx.url, [robot_job(ref)]))[0] == 200
            got = rx.wait(3, ref)
            assert [g["answered"] for g in got] == [500, 503, 200], got
            # the same result each time, signed anew
            assert len({g["raw"] for g in got}) == 1 and all(g["good"] for g in got)
            res = robot_results(st, ref)
            assert [(r["attempt"], r["status"], r["retry"]) for r in res] == [
                (1, 500, True), (2, 503, True), (3, 200, False)], res
            # a 4xx is the console's decision: not tried again
            rx.answers = [404]
            ref = new_ref()
            assert jobs_call(st, robot_body(rx.url, [robot_job(ref)]))[0] == 200
            rx.wait(1, ref)
            time.sleep(0.8)
            assert [g["answered"] for g in rx.of(ref)] == [404]
            assert [(r["status"], r["retry"]) for r in robot_results(st, ref)] == [(404, False)]
        # nobody listening: a few tries, then given up
        ref = new_ref()
        gone = "http://127.0.0.1:%d/hooks/robot" % stack.free_port()
        t = time.time()
        assert jobs_call(st, robot_body(gone, [robot_job(ref)]))[0] == 200
        while len(robot_results(st, ref)) < 4:
            assert time.time() - t < 15, robot_results(st, ref)
            time.sleep(0.1)
        res = robot_results(st, ref)
        assert [(r["status"], r["retry"]) for r in res] == [(0, True)] * 3 + [(0, False)]
        assert all(r["error"] for r in res)
        # the stand-in stayed responsive all the while
        assert control(st, "/_sim/faults")["faults"]["robot"]["fail"] == 0
    finally:
        reset(st)


def test_robot_send_delivers_any_result_good_or_bad_at_once(st):
    try:
        robot_set(st, hold=True)       # the job's own result stays back
        with Receiver(st.robot_secret) as rx:
            ref = new_ref()
            status, ans, _ = jobs_call(st, robot_body(rx.url, [robot_job(ref)]))
            job_id = ans["jobs"][0]["job_id"]
            # a well-signed result, to the job's callback_url
            got = robot_send(st, {"ref": ref, "status": "answered", "intent": "substitute",
                                  "confidence": 0.81, "slots": {"choice": 2},
                                  "callback_id": "cb-test-1"})
            assert got["status"] == 200 and json.loads(got["body"]) == {"message": "ok"}, got
            g = rx.of(ref)[-1]
            assert g["good"] and g["raw"] == got["sent"].encode()
            b = g["body"]
            assert (b["job_id"], b["callback_id"], b["intent"], b["confidence"],
                    b["slots"]) == (job_id, "cb-test-1", "substitute", 0.81, {"choice": 2}), b
            # a bad signature, none, an old timestamp, a body sent verbatim
            got = robot_send(st, {"ref": ref, "sign": "bad"})
            assert got["status"] == 401 and not rx.of(ref)[-1]["good"], got
            assert rx.of(ref)[-1]["sig"] != signature(st.robot_secret, rx.of(ref)[-1]["ts"],
                                                      rx.of(ref)[-1]["raw"])
            got = robot_send(st, {"ref": ref, "sign": "none"})
            assert got["status"] == 401 and rx.of(ref)[-1]["sig"] is None
            got = robot_send(st, {"ref": ref, "timestamp": 1796140800})
            last = rx.of(ref)[-1]
            assert got["status"] == 200 and last["ts"] == "1796140800" and last["good"]
            n = len(rx.got)
            got = robot_send(st, {"ref": ref, "raw": '{"ref": "%s", "status": 7' % ref})
            assert got["status"] == 200 and rx.got[n]["raw"] == (
                '{"ref": "%s", "status": 7' % ref).encode() and rx.got[n]["good"]
            # anything in the result goes as given: an intent no script knows
            got = robot_send(st, {"ref": ref, "intent": "fly", "duration": "long"})
            b = rx.of(ref)[-1]["body"]
            assert (b["intent"], b["duration"]) == ("fly", "long"), b
            # every send is listed, and the held result never went
            res = [r for r in robot_results(st, ref) if r["via"] == "send"]
            assert [r["status"] for r in res] == [200, 401, 401, 200, 200, 200], res
            assert control(st, "/_sim/robot")["held"] == 1
            # an unknown ref needs a callback_url; only this machine is called
            other = new_ref()
            got = robot_send(st, {"ref": other, "callback_url": rx.url, "status": "busy"})
            assert got["status"] == 200 and rx.of(other)[0]["body"]["job_id"] == "J0"
            assert rx.of(other)[0]["body"]["status"] == "busy"
            for bad, why in (({"ref": new_ref()}, 404),
                             ({"ref": ref, "callback_url": "http://192.0.2.1/hooks"}, 422),
                             ({"ref": ref, "sign": "maybe"}, 400),
                             ({"ref": ref, "timestamp": "now"}, 400)):
                req = urllib.request.Request(st.upstream_url + "/_sim/robot/send",
                                             data=json.dumps(bad).encode(), method="POST")
                try:
                    urllib.request.urlopen(req, timeout=5)
                    raise AssertionError("accepted %r" % bad)
                except urllib.error.HTTPError as e:
                    assert e.code == why and json.loads(e.read())["message"], bad
    finally:
        reset(st)


def test_robot_configuration_names_the_stand_in_and_the_secret(st):
    with open(st.conf) as f:
        conf = f.read()
    assert "robot_url = %s/v1" % st.upstream_url in conf
    assert "robot_token = %s" % st.upstream_token("robot") in conf
    assert "[robot]\nsecret = sim-robot-secret\ncallback_url = %s/hooks/robot\n" % st.url in conf
    assert st.robot_secret == "sim-robot-secret"
