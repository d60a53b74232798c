"""test_search.py: one box and its filters — every mode and filter checked
against plain SQL over the replica, keyset paging while orders arrive,
counts, JSON, bad input."""
import urllib.parse

import fixtures as fx
from client import Client

ORDER = 30


def agent(st):
    return Client(st.url).login("agent", "demo-agent")


def search(c, **params):
    qs = urllib.parse.urlencode(params, doseq=True)
    r = c.get_json("/search?" + qs)
    assert r.status == 200, (params, r)
    return r.json()


def expected(st, where="1", order="o.created_at DESC, o.id DESC", limit=50, frm="orders o"):
    rows = st.sql("SELECT o.order_no FROM %s WHERE %s ORDER BY %s LIMIT %d"
                  % (frm, where, order, limit), database="shop")
    total = int(st.sql("SELECT COUNT(*) FROM (SELECT DISTINCT o.id FROM %s WHERE %s) t"
                       % (frm, where), database="shop")[0][0])
    return [r[0] for r in rows], total


def check(st, c, where, frm="orders o", order="o.created_at DESC, o.id DESC", **params):
    j = search(c, **params)
    want, total = expected(st, where, order=order, frm=frm)
    got = [r["order_no"] for r in j["rows"]]
    assert got == want, (params, got[:5], want[:5])
    assert j["count"] == min(total, 1000) and j["count_more"] == (total > 1000), (params, total, j["count"])
    assert j["count_label"] == ("1,000+" if total > 1000 else str(total))
    return j


def test_latest_orders(st):
    c = agent(st)
    j = check(st, c, "1")
    assert j["mode"] == "latest" and j["count_label"] == "1,000+" and j["has_next"] is True
    r = c.get("/search")
    assert r.status == 200 and "共 1,000+ 个订单" in r.body


def test_order_number_exact_and_prefix(st):
    c = agent(st)
    no = st.sql("SELECT order_no FROM orders ORDER BY id LIMIT 1 OFFSET 100", database="shop")[0][0]
    j = check(st, c, "o.order_no = '%s'" % no, q=no)
    assert j["mode"] == "order" and len(j["rows"]) == 1
    for n in (6, 8, 10, 12):
        p = no[:n]
        j = check(st, c, "o.order_no LIKE '%s%%'" % p, order="o.order_no DESC", q=p)
        assert j["mode"] == "prefix"
    check(st, c, "o.order_no LIKE '%s%%' AND o.status = 'completed'" % no[:8],
          order="o.order_no DESC", q=no[:8], status="completed")


def test_mobile_number_of_receiver_or_account(st):
    c = agent(st)
    phone = "13611112222"
    uid = fx.user(st, phone=phone)
    fx.order(st, user_id=uid, receiver_phone="15900000000")      # the account's phone
    fx.order(st, receiver_phone=phone)                             # the receiver's phone
    fx.order(st, receiver_phone="13611112223")                     # not this one
    where = ("o.receiver_phone = '%s' OR o.user_id IN (SELECT id FROM users WHERE phone = '%s')"
             % (phone, phone))
    j = check(st, c, where, q=phone)
    assert j["mode"] == "phone" and len(j["rows"]) == 2
    for row in j["rows"]:
        assert phone not in row["phone"] and "****" in row["phone"]
    check(st, c, "(%s) AND o.status = 'pending'" % where, q=phone, status="pending")


def test_last_four_digits_need_another_filter(st):
    c = agent(st)
    tail = st.sql("SELECT RIGHT(receiver_phone, 4) FROM orders WHERE status = 'completed'"
                  " LIMIT 1", database="shop")[0][0]
    r = c.get_json("/search?q=" + tail)
    assert r.status == 400 and "q" in r.json()["error"]["fields"]
    r = c.get("/search?q=" + tail)
    assert r.status == 400 and "请再加一个条件" in r.body and 'value="%s"' % tail in r.body
    j = check(st, c, "RIGHT(o.receiver_phone, 4) = '%s' AND o.status = 'completed'" % tail,
              q=tail, status="completed")
    assert j["mode"] == "phone_tail" and j["rows"]
    check(st, c, "RIGHT(o.receiver_phone, 4) = '%s' AND o.created_at >= '2020-01-01'" % tail,
          q=tail, **{"from": "2020-01-01"})


def test_user_id_in_every_spelling(st):
    c = agent(st)
    uid = st.sql("SELECT user_id FROM orders GROUP BY user_id ORDER BY COUNT(*) DESC, user_id"
                 " LIMIT 1", database="shop")[0][0]
    for q in ("u" + uid, "U" + uid, "uid:" + uid, "uid " + uid, "用户" + uid) + \
            ((uid,) if len(uid) <= 5 and len(uid) != 4 else ()):
        j = check(st, c, "o.user_id = %s" % uid, q=q)
        assert j["mode"] == "user" and j["rows"], q
    check(st, c, "o.user_id = %s AND o.pay_amount >= 10000" % uid, q="u" + uid, min="100")


def test_product_names_narrow_and_broad(st):
    c = agent(st)
    p1 = fx.product(st, "专测牌 真空保温杯 500ml")
    p2 = fx.product(st, "专测牌 真空保温壶 1L")
    want = []
    for i, (pid, name) in enumerate([(p1, "专测牌 真空保温杯 500ml"), (p2, "专测牌 真空保温壶 1L"),
                                     (p1, "专测牌 真空保温杯 500ml")]):
        oid, no = fx.order(st, created="NOW - %d HOUR" % (i + 1))
        fx.item(st, oid, pid, name, 9900, 9900)
        want.append(no)
    st.mendctl("index")
    j = check(st, c, "EXISTS (SELECT 1 FROM order_items oi JOIN products p ON p.id = oi.product_id"
              " WHERE oi.order_id = o.id AND p.name LIKE '%%真空保温%%')", q="真空保温")
    assert j["mode"] == "product" and [r["order_no"] for r in j["rows"]] == want
    assert j["rows"][0]["item"] == "专测牌 真空保温杯 500ml"
    j = search(c, q="真空保温杯")
    assert [r["order_no"] for r in j["rows"]] == [want[0], want[2]]
    j = search(c, q="保温杯 500ML")   # ASCII case does not matter
    assert [r["order_no"] for r in j["rows"]] == [want[0], want[2]]
    # a term many products share takes the broad plan; the answer is the same
    broad = [fx.product(st, "宽泛测试款 第%d号" % i) for i in range(60)]
    for i, pid in enumerate(broad[:30]):
        oid, _ = fx.order(st, status=["completed", "delivered", "paid"][i % 3],
                          created="NOW - %d MINUTE" % (i * 7))
        fx.item(st, oid, pid, "宽泛测试款 第%d号" % i, 1000, 1000)
    st.mendctl("index")
    where = ("EXISTS (SELECT 1 FROM order_items oi WHERE oi.order_id = o.id"
             " AND oi.product_name LIKE '%宽泛测试%')")
    j = check(st, c, where, q="宽泛测试")
    assert len(j["rows"]) == 30
    check(st, c, where + " AND o.status IN ('completed', 'delivered')", q="宽泛测试",
          status=["completed", "delivered"])
    # nothing at all
    j = search(c, q="没有这种商品名称")
    assert j["rows"] == [] and j["count"] == 0 and j["none"] is True


def test_filters_alone_and_together(st):
    c = agent(st)
    day = st.sql("SELECT DATE(created_at) FROM orders ORDER BY id LIMIT 1 OFFSET 1500",
                 database="shop")[0][0]
    ship = "EXISTS (SELECT 1 FROM shipments s WHERE s.order_id = o.id AND s.carrier = '%s')"
    cases = [
        ("o.status = 'paid'", dict(status="paid")),
        ("o.status IN ('refunding', 'pending', 'shipped')",
         dict(status=["refunding", "pending", "shipped"])),
        ("o.created_at >= '%s 00:00:00'" % day, {"from": day}),
        ("o.created_at <= '%s 23:59:59'" % day, {"to": day}),
        ("o.created_at BETWEEN '%s 08:00:00' AND '%s 20:30:59'" % (day, day),
         {"from": day + " 08:00", "to": day + " 20:30"}),
        ("o.pay_amount BETWEEN 10000 AND 50050", dict(min="100", max="500.5")),
        ("o.pay_amount >= 99999", dict(min="999.99")),
        (ship % "SF", dict(carrier="SF")),
        (ship % "JD" + " AND o.status IN ('completed', 'refunded')",
         dict(carrier="JD", status=["completed", "refunded"])),
        ("o.status = 'completed' AND o.created_at BETWEEN '%s 00:00:00' AND '%s 23:59:59'"
         " AND o.pay_amount >= 5000" % (day, day),
         {"status": "completed", "from": day, "to": day, "min": "50"}),
        (ship % "EMS" + " AND o.pay_amount <= 20000", dict(carrier="EMS", max="200")),
        ("o.status IN ('paid', 'pending') AND " + ship % "YTO",
         dict(status=["paid", "pending"], carrier="YTO")),
    ]
    for where, params in cases:
        check(st, c, where, **params)


def test_paging_is_stable_while_orders_arrive(st):
    c = agent(st)
    want, total = expected(st, "o.status = 'completed'", limit=250)
    assert total > 250
    seen = []
    j = search(c, status="completed")
    for page in range(5):
        seen += [r["order_no"] for r in j["rows"]]
        for _ in range(7):      # new orders keep coming in between pages
            fx.order(st, status="completed", created="NOW")
        if page < 4:
            assert j["has_next"]
            r = c.get_json(j["next"])
            assert r.status == 200
            j = r.json()
    assert len(seen) == 250 and len(set(seen)) == 250
    assert seen == want
    # the same for the plain newest-first list and for a prefix, by number
    want, _ = expected(st, "1", limit=150)
    j = search(c)
    got = []
    for _ in range(3):
        got += [r["order_no"] for r in j["rows"]]
        fx.order(st, created="NOW")
        j = c.get_json(j["next"]).json()
    assert got == want
    # the newest six-digit prefix that holds more than a page of orders,
    # whatever day the suite runs (early in a month the newest month's
    # prefix holds only a few)
    pre = st.sql("SELECT LEFT(order_no, 6) AS p FROM orders WHERE id < 900000000"
                 " GROUP BY p HAVING COUNT(*) > 100 ORDER BY p DESC LIMIT 1",
                 database="shop")[0][0]
    want, _ = expected(st, "o.order_no LIKE '%s%%'" % pre, order="o.order_no DESC", limit=100)
    j = search(c, q=pre)
    got = [r["order_no"] for r in j["rows"]]
    r = c.get_json(j["next"])
    assert r.status == 200, (j["next"], r)
    got += [r["order_no"] for r in r.json()["rows"]]
    assert got == want[:len(got)] and len(got) == min(100, len(want))


def test_paging_links_keep_the_filters(st):
    c = agent(st)
    j = search(c, status="completed", min="10")
    assert "status=completed" in j["next"] and "min=10" in j["next"] and "after=" in j["next"]
    r = c.get(j["next"])
    assert r.status == 200 and "回到第一页" in r.body


def test_bad_input_is_400_beside_the_field(st):
    c = agent(st)
    cases = [
        ({"from": "2026-13-01"}, "from"),
        ({"from": "2026-02-30"}, "from"),
        ({"to": "yesterday"}, "to"),
        ({"from": "2026-11-20", "to": "2026-11-01"}, "to"),
        ({"q": "x" * 201}, "q"),
        ({"status": "lost"}, "status"),
        ({"min": "abc"}, "min"),
        ({"min": "1.234"}, "min"),
        ({"min": "500", "max": "100"}, "max"),
        ({"carrier": "DHL"}, "carrier"),
        ({"after": "garbage"}, "after"),
        ({"q": "杯"}, "q"),
        ({"q": "u0"}, "q"),
    ]
    for params, field in cases:
        qs = urllib.parse.urlencode(params)
        r = c.get_json("/search?" + qs)
        assert r.status == 400, (params, r)
        assert field in r.json()["error"]["fields"], (params, r.json())
        h = c.get("/search?" + qs)
        assert h.status == 400 and 'class="field-error"' in h.body
        for v in params.values():
            if len(v) < 100 and field not in ("status", "carrier", "after"):
                assert 'value="%s"' % v in h.body, (params, field)


def test_json_shape(st):
    c = agent(st)
    j = search(c, status="shipped")
    for key in ("q", "mode", "mode_label", "count", "count_label", "count_more", "rows", "next",
                "has_next", "none", "statuses", "carriers"):
        assert key in j, key
    row = j["rows"][0]
    assert set(row) == {"id", "order_no", "url", "status", "status_label", "status_tone",
                        "amount", "created_at", "user", "phone", "item", "has_anomaly",
                        "anomalies"}
    assert row["url"] == "/orders/" + row["order_no"] and row["status"] == "shipped"
    assert "****" in row["phone"]
