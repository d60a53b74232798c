"""test_search.py: one box and its filters — every mode and filter checked
against plain SQL over the replica, keyset paging both ways while orders
arrive, counts, JSON, bad input; what callers say (phone numbers as typed,
names, tracking and payment numbers), the item that matched, and what a
search that finds nothing understood."""
import html
import re
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
    for key in ("prev", "has_prev", "understood", "readings"):       # added keys
        assert key in j, key
    row = j["rows"][0]
    assert set(row) >= {"id", "order_no", "url", "status", "status_label", "status_tone",
                        "amount", "created_at", "user", "phone", "item", "has_anomaly",
                        "anomalies"}
    assert set(row) - {"id", "order_no", "url", "status", "status_label", "status_tone",
                       "amount", "created_at", "user", "phone", "item", "has_anomaly",
                       "anomalies"} <= {"receiver", "item_hl", "item_plain"}
    assert row["url"] == "/orders/" + row["order_no"] and row["status"] == "shipped"
    assert "****" in row["phone"]


# --- what callers say ---------------------------------------------------------

PHONE_WHERE = ("o.receiver_phone = '%s' OR o.user_id IN (SELECT id FROM users WHERE phone = '%s')")


def test_phone_numbers_as_people_type_them(st):
    c = agent(st)
    phone = "16694216504"
    uid = fx.user(st, phone=phone)
    fx.order(st, user_id=uid, receiver_phone="15900000000")
    fx.order(st, receiver_phone=phone)
    where = PHONE_WHERE % (phone, phone)
    fw = "".join(chr(ord(ch) + 0xFEE0) for ch in phone)          # １６６９４２１６５０４
    typed = ["166 9421 6504", "166-9421-6504", "+8616694216504", "+86 166 9421 6504",
             "86 166 9421 6504", "8616694216504", "0086 166 9421 6504", "008616694216504",
             "(+86) 166.9421.6504", "+86-166-9421-6504", fw, "＋８６" + fw,
             "＋８６　１６６－９４２１－６５０４", "\u3000166 9421 6504\u3000", "  166-9421-6504 ",
             "\u3000\uff11\uff16\uff16\u3000\uff19\uff14\uff12\uff11\u3000\uff16\uff15\uff10\uff14"]
    for q in typed:
        j = check(st, c, where, q=q)
        assert j["mode"] == "phone" and len(j["rows"]) == 2, (q, j["mode"])
        assert j["understood"] == "按手机号查找 166****6504", (q, j["understood"])
        assert j["q"] == q.strip(" \u3000"), q        # the box keeps what was typed
    check(st, c, "(%s) AND o.status = 'paid'" % where, q="＋８６ 166-9421-6504", status="paid")


def test_receiver_or_customer_name(st):
    c = agent(st)
    uid = fx.user(st, name="刘嘉", phone="13700000001")
    a, _ = fx.order(st, user_id=uid, receiver_name="王小明")        # the account's name
    b, _ = fx.order(st, receiver_name="刘嘉")                        # the receiver's name
    fx.order(st, receiver_name="刘嘉怡")                             # a longer name: not this one
    where = ("o.receiver_name = '刘嘉' OR o.user_id IN (SELECT id FROM users WHERE name = '刘嘉')")
    for q in ("刘嘉", "刘 嘉", "\u3000刘嘉 "):
        j = check(st, c, where, q=q)
        assert j["mode"] == "name" and j["understood"] == "按姓名查找“刘嘉”", (q, j)
        ids = [r["id"] for r in j["rows"]]
        assert a in ids and b in ids
    assert any(r["receiver"] == "刘嘉" for r in j["rows"])
    check(st, c, "(%s) AND o.status = 'paid'" % where, q="刘嘉", status="paid")
    # a name's statement reads through the indexes (no scan: test_plans)
    r = c.get("/search?q=" + urllib.parse.quote("刘嘉"))
    assert r.status == 200 and "按姓名查找“刘嘉”" in html.unescape(r.body)


def test_tracking_numbers(st):
    c = agent(st)
    rows = st.sql("SELECT s.tracking_no, s.carrier FROM shipments s WHERE s.tracking_no LIKE 'SF%'"
                  " ORDER BY s.id LIMIT 1", database="shop")
    rows += st.sql("SELECT s.tracking_no, s.carrier FROM shipments s WHERE s.tracking_no"
                   " REGEXP '^[0-9]+$' ORDER BY s.id LIMIT 1", database="shop")
    rows += st.sql("SELECT s.tracking_no, s.carrier FROM shipments s WHERE s.tracking_no LIKE 'JDV%'"
                   " ORDER BY s.id LIMIT 1", database="shop")
    assert len(rows) == 3, rows
    for no, _ in rows:
        where = "o.id IN (SELECT order_id FROM shipments WHERE tracking_no = '%s')" % no
        fw = "".join(chr(ord(ch) + 0xFEE0) for ch in no)
        for q in (no, no.lower(), " %s " % no, fw, no[:4] + " " + no[4:8] + "-" + no[8:]):
            j = check(st, c, where, q=q)
            assert j["mode"] == "tracking" and len(j["rows"]) >= 1, (q, j["mode"])
            assert j["understood"] == "按运单号查找 " + re.sub("[ -]", "", q.strip()).translate(
                {0xFF10 + i: 0x30 + i for i in range(75)}), (q, j["understood"])
    # digits only: also the start of an order number; the tracking number
    # is found and the other reading is named, with what it found
    digits = rows[1][0]
    j = search(c, q=digits)
    other = [x for x in j["readings"] if x["other"]]
    assert j["mode"] == "tracking" and [x["mode"] for x in other] == ["prefix"]
    assert other[0]["count"] == 0 and other[0]["empty"] is True
    # the start of an order number with as many digits: the prefix is listed
    no = st.sql("SELECT order_no FROM orders WHERE id < 900000000 ORDER BY id DESC LIMIT 1",
                database="shop")[0][0]
    j = check(st, c, "o.order_no LIKE '%s%%'" % no[:14], order="o.order_no DESC", q=no[:14])
    assert j["mode"] == "prefix" and j["rows"]
    assert [(x["mode"], x["count"]) for x in j["readings"] if x["other"]] == [("tracking", 0)]
    # an order number is still one, a tracking number its other reading
    j = check(st, c, "o.order_no = '%s'" % no, q=no)
    assert j["mode"] == "order" and len(j["rows"]) == 1
    assert [x["mode"] for x in j["readings"] if x["other"]] == ["tracking"]


def test_payment_trade_and_payment_numbers(st):
    c = agent(st)
    trades = st.sql("SELECT trade_no FROM payments WHERE trade_no IS NOT NULL AND trade_no"
                    " REGEXP '^[0-9]+$' ORDER BY id LIMIT 1", database="shop")
    trades += st.sql("SELECT trade_no FROM payments WHERE trade_no LIKE 'BAL%'"
                     " ORDER BY id LIMIT 1", database="shop")
    assert trades, "no trade numbers in the seed"
    for (no,) in trades:
        where = "o.id IN (SELECT order_id FROM payments WHERE trade_no = '%s')" % no
        for q in (no, " %s\u3000" % no):
            j = check(st, c, where, q=q)
            assert j["mode"] == "trade" and j["rows"], (q, j["mode"])
            assert j["understood"] == "按支付交易号查找 " + no
    # a seeded payment (other tests add their own with other numbers)
    pno = st.sql("SELECT payment_no FROM payments WHERE payment_no REGEXP '^P[0-9]+$'"
                 " ORDER BY id DESC LIMIT 1", database="shop")[0][0]
    where = "o.id IN (SELECT order_id FROM payments WHERE payment_no = '%s')" % pno
    for q in (pno, pno.lower(), "Ｐ" + pno[1:]):
        j = check(st, c, where, q=q)
        assert j["mode"] == "payment" and len(j["rows"]) == 1, (q, j["mode"])


def test_product_word_shows_the_item_that_matched(st):
    c = agent(st)
    egg = fx.product(st, "鲜丰水果 当季 土鸡蛋")
    pid = fx.product(st, "<i>兰测</i> 小黑瓶精华 QX30ml")
    oid, no = fx.order(st, created="NOW - 1 MINUTE")
    fx.item(st, oid, egg, "鲜丰水果 当季 土鸡蛋", 2000, 2000)
    fx.item(st, oid, pid, "<i>兰测</i> 小黑瓶精华 QX30ml", 90000, 90000)
    st.mendctl("index")
    j = search(c, q="小黑瓶精华")
    assert j["mode"] == "product" and [r["order_no"] for r in j["rows"]] == [no], j
    row = j["rows"][0]
    assert row["item"] == "<i>兰测</i> 小黑瓶精华 QX30ml"
    assert row["item_hl"] == {"before": "<i>兰测</i> ", "match": "小黑瓶精华", "after": " QX30ml"}
    assert row["item_plain"] is False
    j = search(c, q="qx30ML")               # ASCII case as the LIKE: the name keeps its own
    hl = [r for r in j["rows"] if r["order_no"] == no][0]["item_hl"]
    assert hl["match"] == "QX30ml" and hl["after"] == "", hl
    # HTML: the match marked, every piece escaped
    r = c.get("/search?q=" + urllib.parse.quote("小黑瓶精华"))
    assert r.status == 200
    assert "&lt;i&gt;兰测&lt;/i&gt; <mark>小黑瓶精华</mark> QX30ml" in r.body, r.body[-3000:]
    assert "<i>兰测</i>" not in r.body and "土鸡蛋" not in r.body
    # other searches show the order's first item, unmarked
    j = search(c, q=no)
    assert j["rows"][0]["item"] == "鲜丰水果 当季 土鸡蛋" and j["rows"][0]["item_plain"] is True


def test_a_word_both_a_name_and_a_product(st):
    c = agent(st)
    uid = fx.user(st, name="柏翠", phone="13700000002")
    n1, _ = fx.order(st, user_id=uid, receiver_name="赵六", created="NOW - 3 HOUR")
    n2, _ = fx.order(st, receiver_name="柏翠", created="NOW - 2 HOUR")
    pid = fx.product(st, "柏翠 面包机 PE8800")
    p1, pno = fx.order(st, receiver_name="钱七", created="NOW - 1 HOUR")
    fx.item(st, p1, pid, "柏翠 面包机 PE8800", 39900, 39900)
    st.mendctl("index")
    j = search(c, q="柏翠")
    assert j["mode"] == "name" and [r["id"] for r in j["rows"]] == [n2, n1], j["rows"]
    prod = [x for x in j["readings"] if x["mode"] == "product"][0]
    assert prod["other"] and prod["found"] and prod["count"] == 1, prod
    assert "as=product" in prod["url"] and prod["said"] == "按商品名称查找“柏翠”"
    h = c.get("/search?q=" + urllib.parse.quote("柏翠"))
    assert 'href="%s"' % html.escape(prod["url"]) in h.body and "（1 个订单）" in h.body
    j = c.get_json(prod["url"]).json()
    assert j["mode"] == "product" and [r["id"] for r in j["rows"]] == [p1]
    assert j["rows"][0]["item_hl"]["match"] == "柏翠"
    name = [x for x in j["readings"] if x["mode"] == "name"][0]
    assert name["other"] and "as=name" in name["url"]
    # a product word that is no name: the product is listed, the name said empty
    j = search(c, q="面包机 PE8800")
    assert j["mode"] == "product" and p1 in [r["id"] for r in j["rows"]]


def unused_phone(st):
    for tail in range(5678, 9999, 1111):
        phone = "1380000%04d" % tail
        n = st.sql("SELECT COUNT(*) FROM orders WHERE receiver_phone = '%s'" % phone
                   + " UNION ALL SELECT COUNT(*) FROM users WHERE phone = '%s'" % phone,
                   database="shop")
        if all(int(x[0]) == 0 for x in n):
            return phone
    raise AssertionError("no unused phone")


def test_nothing_found_says_what_it_understood(st):
    c = agent(st)
    phone = unused_phone(st)
    j = search(c, q=phone[:3] + " " + phone[3:7] + " " + phone[7:])
    assert j["none"] is True and j["rows"] == [] and j["count"] == 0
    assert j["none_message"] == "按手机号查找 %s****%s：没有订单" % (phone[:3], phone[-4:])
    h = c.get("/search?q=" + phone)
    assert h.status == 200 and j["none_message"] in h.body and phone not in h.body.replace(
        'value="%s"' % phone, "")
    # with filters: a link to the same search without them
    j = search(c, q=phone, status="paid")
    assert j["has_without_filters"] and "status=" not in j["without_filters"]
    # a number that is neither a tracking number nor an order number's start
    j = search(c, q="99887766554433")
    assert j["none"] and j["none_message"] == "按运单号查找 99887766554433：没有订单"
    other = [x for x in j["readings"] if x["other"]]
    assert [(x["mode"], x["empty"]) for x in other] == [("prefix", True)]
    # a word that is neither a name nor a product: both said, the other a link
    j = search(c, q="查无此人此物")
    assert j["none"] and j["none_message"] == "按姓名查找“查无此人此物”：没有订单"
    other = [x for x in j["readings"] if x["other"]]
    assert [x["mode"] for x in other] == ["product"] and other[0]["url"].startswith("/search?")
    h = c.get("/search?q=" + urllib.parse.quote("查无此人此物"))
    body = html.unescape(h.body)
    assert "按姓名查找“查无此人此物”：没有订单" in body and "其他理解：" in body
    assert 'href="%s"' % html.escape(other[0]["url"]) in h.body
    # a tracking-like number offers the product reading, not searched
    j = search(c, q="SF000000000000")
    assert j["none"] and j["none_message"] == "按运单号查找 SF000000000000：没有订单"
    offered = {x["mode"]: x for x in j["readings"] if x["other"]}
    assert set(offered) == {"trade", "product"} and offered["product"]["count"] is None
    # four digits alone: the filter it needs, and the user id as a link
    h = c.get("/search?q=5678")
    assert h.status == 400 and "按用户ID查找 5678" in h.body and "as=user" in h.body


def english(text):
    """Words of two or more Latin letters, but the acronyms agents read as
    Chinese text (用户 ID, UTF-8) and the carriers' names (中国邮政EMS)."""
    return [w for w in re.findall("[A-Za-z]{2,}", text)
            if w not in ("ID", "UTF", "SF", "JD", "EMS", "ZTO", "YTO", "YD", "STO")]


def test_messages_are_chinese(st):
    c = agent(st)
    for params in ({"from": "x"}, {"to": "2026-02-30"}, {"min": "abc"}, {"min": "5", "max": "1"},
                   {"status": "lost"}, {"carrier": "DHL"}, {"after": "garbage"}, {"q": "杯"},
                   {"q": "u0"}, {"q": "1234"}, {"q": "x" * 201}, {"anomaly": "2"},
                   {"q": "刘嘉", "as": "tracking"}, {"after": "20261101000000-5",
                                                      "before": "20261101000000-5"}):
        r = c.get_json("/search?" + urllib.parse.urlencode(params))
        assert r.status == 400, (params, r)
        e = r.json()["error"]
        for text in [e["message"], e["title"]] + list(e["fields"].values()):
            assert not english(text), (params, text)
    j = search(c, q="查无此物")
    for text in [j["none_message"], j["understood"], j["readings_intro"]] + \
            [x["said"] for x in j["readings"]] + [x["label"] for x in j["readings"]]:
        assert not english(text), text
    h = c.get("/search?q=" + urllib.parse.quote("查无此物"))
    body = re.sub(r"<[^>]+>", " ", h.body.split("<main>")[1].split("</main>")[0])
    assert not english(html.unescape(body)), english(html.unescape(body))


def walk(c, url, key, pages):
    """Up to `pages` pages from url on, following the `key` link (next or
    prev): the order numbers of each page in the order visited, and the
    last page."""
    r = c.get_json(url)
    assert r.status == 200, (url, r)
    j = r.json()
    seen = [[x["order_no"] for x in j["rows"]]]
    while len(seen) < pages and j.get("has_" + key):
        r = c.get_json(j[key])
        assert r.status == 200, (j[key], r)
        j = r.json()
        seen.append([x["order_no"] for x in j["rows"]])
    return seen, j


def test_previous_and_next_walk_the_same_pages_while_orders_arrive(st):
    c = agent(st)
    for params, order in ((dict(status="completed"), "o.created_at DESC, o.id DESC"),
                          ({}, "o.created_at DESC, o.id DESC")):
        where = "o.status = 'completed'" if params else "1"
        want, total = expected(st, where, order=order, limit=200)
        assert total > 200
        j = search(c, **params)
        assert j["has_prev"] is False and j["prev"] is None
        pages, urls = [], []
        for i in range(4):
            pages.append([r["order_no"] for r in j["rows"]])
            urls.append(j)
            for _ in range(3):   # new orders keep coming in
                fx.order(st, status="completed", created="NOW")
            if i < 3:
                j = c.get_json(j["next"]).json()
                assert j["has_prev"] and "before=" in j["prev"] and j["paged"]
        assert sum(pages, []) == want
        # back from the fourth page to the first: the same pages, in reverse
        back = []
        for i in range(3):
            j = c.get_json(j["prev"]).json()
            back.append([r["order_no"] for r in j["rows"]])
        assert back == pages[2::-1], params
        # the first page again; before it, only the orders that arrived since
        assert j["has_prev"] is True
        newer = c.get_json(j["prev"]).json()
        arrived = [r["order_no"] for r in newer["rows"]]
        assert len(arrived) == min(12, 50) and set(arrived).isdisjoint(want)
        assert newer["has_next"] and not newer["has_prev"]
        # and forward again: the same second page
        again = c.get_json(j["next"]).json()
        assert [r["order_no"] for r in again["rows"]] == pages[1]
    # a prefix pages by number, both ways
    pre = st.sql("SELECT LEFT(order_no, 6) AS p FROM orders WHERE id < 900000000"
                 " GROUP BY p HAVING COUNT(*) > 120 ORDER BY p DESC LIMIT 1",
                 database="shop")[0][0]
    want, _ = expected(st, "o.order_no LIKE '%s%%'" % pre, order="o.order_no DESC", limit=150)
    fwd, last = walk(c, "/search?q=" + pre, "next", 3)
    assert sum(fwd, []) == want[:len(sum(fwd, []))] and len(fwd) >= 2
    bwd, _ = walk(c, last["prev"], "prev", len(fwd) - 1)
    assert bwd == fwd[-2::-1]
    # HTML: both links
    r = c.get(urls[1]["next"].replace("&amp;", "&"))
    assert "上一页" in r.body and "下一页" in r.body and 'rel="prev"' in r.body


def test_a_name_pages_both_ways(st):
    c = agent(st)
    made = [fx.order(st, receiver_name="翻页测试", created="NOW - %d MINUTE" % (i + 1))[1]
            for i in range(55)]
    j = search(c, q="翻页测试")
    assert j["mode"] == "name" and j["count"] == 55 and j["has_next"] and not j["has_prev"]
    first = [r["order_no"] for r in j["rows"]]
    assert first == made[:50]
    fx.order(st, receiver_name="翻页测试", created="NOW")          # one more arrives
    j = c.get_json(j["next"]).json()
    assert [r["order_no"] for r in j["rows"]] == made[50:] and not j["has_next"]
    j = c.get_json(j["prev"]).json()
    assert [r["order_no"] for r in j["rows"]] == first and j["has_prev"]


def test_every_filter_at_once_still_answers(st):
    c = agent(st)
    statuses = ["pending", "paid", "shipped", "delivered", "completed", "cancelled",
                "refunding", "refunded"]
    base = {"status": statuses, "from": "2020-01-01", "to": "2099-12-31", "min": "0.01",
            "max": "99999", "carrier": "SF", "anomaly": "1"}
    for q in ("13611112222", "刘嘉", "2026112300000001", "SF000000000000"):
        for extra in ({}, {"after": "20991231000000-1"}, {"before": "20000101000000-1"}):
            params = dict(base, q=q, **extra)
            r = c.get_json("/search?" + urllib.parse.urlencode(params, doseq=True))
            assert r.status == 200, (params, r)
