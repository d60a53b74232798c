"""test_plans.py: every query of the search and order pages, under EXPLAIN
(ORDERMEND_EXPLAIN=1), reads orders, order_items and shipment_events
through an index — never a full scan."""
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


def test_order_page_queries_use_indexes(st):
    tok = cgirun.session(st)
    no = st.sql("SELECT o.order_no FROM orders o JOIN shipments s ON s.order_id = o.id"
                " ORDER BY o.id LIMIT 1", database="shop")[0][0]
    for tab in ("", "items", "payments", "shipments", "inventory", "coupons", "activity",
                "history"):
        assert_indexed(plans(st, "order", "/orders/" + no, "tab=" + tab if tab else "", tok),
                       "order tab " + tab)
