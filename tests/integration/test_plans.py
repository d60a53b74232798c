"""test_plans.py: every query of the search and order pages, under EXPLAIN
(ORDERMEND_EXPLAIN=1), reads orders, order_items and shipment_events
through an index — never a full scan; a name, a tracking number and a
payment's numbers are found through their own index."""
import urllib.parse

import cgirun

ORDER = 40
BIG = {"o": "orders", "orders": "orders", "oi": "order_items", "order_items": "order_items",
       "e": "shipment_events", "shipment_events": "shipment_events"}


def plans(st, program, path, query, tok):
    status, body, plan, _ = cgirun.run(st, program, path, query, cookie=tok, explain=True)
    assert status in (200, 400), (path, query, status, body[:300])
    assert plan, "no plans logged for %s?%s" % (path, query)
    return plan


def assert_indexed(plan, what):
    # the plan was read: some big table is there, with its access type
    assert any(p.get("table") in BIG and p.get("type") for p in plan), (what, plan)
    for p in plan:
        if p.get("table") in BIG:
            assert p.get("type") != "ALL", "%s: full scan of %s: %r" % (what, BIG[p["table"]], p)


def test_search_queries_use_indexes(st):
    tok = cgirun.session(st)
    o = st.sql("SELECT order_no, receiver_phone, user_id FROM orders WHERE id < 900000000"
               " ORDER BY id DESC LIMIT 1", database="shop")[0]
    day = st.sql("SELECT DATE(created_at) FROM orders ORDER BY id LIMIT 1 OFFSET 100",
                 database="shop")[0][0]
    name = st.sql("SELECT SUBSTRING(name, 1, 4) FROM products ORDER BY id LIMIT 1",
                  database="shop")[0][0]
    queries = [
        "", "status=paid", "status=paid&status=refunding", "q=" + o[0], "q=" + o[0][:8],
        "q=" + o[1], "q=%s&status=completed" % o[1][-4:], "q=u%s" % o[2],
        "q=" + name, "q=%s&status=completed&carrier=SF" % name, "carrier=SF",
        "carrier=JD&status=pending&status=paid", "from=%s&to=%s" % (day, day),
        "min=100&max=200", "min=100&max=200&status=completed",
        "from=%s&carrier=YTO&min=10" % day, "q=%s&from=%s" % (o[1], day),
        "status=completed&after=20261101000000-5",
    ]
    for q in queries:
        assert_indexed(plans(st, "search", "/search", q, tok), q)


def uses(plan, table, key, what):
    """Some plan line reads `table` (an alias) through index `key`."""
    assert any(p.get("table") == table and p.get("key") == key and p.get("type") != "ALL"
               for p in plan), "%s: %s not read through %s: %r" % (what, table, key, plan)


def test_search_by_what_callers_say_uses_indexes(st):
    tok = cgirun.session(st)
    one = lambda sql: st.sql(sql, database="shop")[0]
    name, phone = one("SELECT receiver_name, receiver_phone FROM orders WHERE id < 900000000"
                      " ORDER BY id DESC LIMIT 1")
    uname = one("SELECT name FROM users ORDER BY id LIMIT 1")[0]
    sf = one("SELECT tracking_no FROM shipments WHERE tracking_no LIKE 'SF%' LIMIT 1")[0]
    digits = one("SELECT tracking_no FROM shipments WHERE tracking_no REGEXP '^[0-9]+$'"
                 " LIMIT 1")[0]
    trade = one("SELECT trade_no FROM payments WHERE trade_no REGEXP '^[0-9]+$' LIMIT 1")[0]
    bal = st.sql("SELECT trade_no FROM payments WHERE trade_no LIKE 'BAL%' LIMIT 1",
                 database="shop")
    # a seeded payment (other tests add their own with other numbers)
    pno = one("SELECT payment_no FROM payments WHERE payment_no REGEXP '^P[0-9]+$'"
              " ORDER BY id DESC LIMIT 1")[0]
    no = one("SELECT order_no FROM orders WHERE id < 900000000 ORDER BY id DESC LIMIT 1")[0]
    word = one("SELECT SUBSTRING(name, 1, 2) FROM products ORDER BY id LIMIT 1")[0]
    enc = urllib.parse.quote
    cases = [
        # (query, [(alias, index)] that must be in the plan)
        ("q=" + enc(phone[:3] + " " + phone[3:7] + " " + phone[7:]),
         [("o", "ix_orders_phone"), ("u", "ix_users_phone")]),
        ("q=" + enc("+86-" + phone), [("o", "ix_orders_phone")]),
        ("q=%s&status=completed&status=paid" % phone,
         [("o", "ix_orders_phone"), ("u", "ix_users_phone")]),
        ("q=" + enc(name) + "&status=completed&status=paid&min=1",
         [("o", "ix_orders_receiver"), ("u", "ix_users_name")]),
        ("q=" + enc("".join(chr(ord(c) + 0xFEE0) for c in phone)), [("o", "ix_orders_phone")]),
        ("q=" + enc(name), [("o", "ix_orders_receiver"), ("u", "ix_users_name")]),
        ("q=" + enc(uname) + "&status=completed", [("u", "ix_users_name")]),
        ("q=" + enc(name) + "&as=name&before=20261101000000-5", [("o", "ix_orders_receiver")]),
        ("q=" + enc(word) + "&as=product", []),
        ("q=" + sf, [("t", "ix_shipments_tracking")]),
        ("q=" + digits, [("t", "ix_shipments_tracking")]),
        ("q=" + no[:14], [("t", "ix_shipments_tracking")]),
        ("q=" + no, [("o", "ux_orders_no"), ("t", "ix_shipments_tracking")]),
        ("q=" + trade, [("pay", "ix_payments_trade")]),
        ("q=" + pno, [("pay", "ix_payments_no")]),
        ("q=" + enc(word), []),
        ("before=20261101000000-5", []),
        ("status=paid&status=shipped&before=20261101000000-5", []),
        ("q=%s&before=%s" % (no[:8], no), []),
        ("q=%s&min=10&before=20261101000000-5" % enc(word), []),
    ]
    if bal:
        cases.append(("q=" + bal[0][0], [("pay", "ix_payments_trade")]))
    for q, keys in cases:
        plan = plans(st, "search", "/search", q, tok)
        assert_indexed(plan, q)
        for table, key in keys:
            uses(plan, table, key, q)


def test_order_page_queries_use_indexes(st):
    tok = cgirun.session(st)
    no = st.sql("SELECT o.order_no FROM orders o JOIN shipments s ON s.order_id = o.id"
                " ORDER BY o.id LIMIT 1", database="shop")[0][0]
    for tab in ("", "items", "payments", "shipments", "inventory", "coupons", "activity",
                "history"):
        assert_indexed(plans(st, "order", "/orders/" + no, "tab=" + tab if tab else "", tok),
                       "order tab " + tab)
