"""fixtures.py: orders written straight into the private replica, for tests
that need to know exactly what is there (XSS payloads, boundaries, timelines).
Ids start high above the seed's, and every value is passed through SQL
quoting, so payloads arrive as data."""
_next = [0]
_TABLES = ("users", "orders", "order_items", "order_status_history", "payments",
           "refunds", "shipments", "shipment_events", "inventory_moves",
           "coupon_usages", "user_events")


def q(v):
    """SQL literal for a Python value (None, int, str)."""
    if v is None:
        return "NULL"
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, int):
        return str(v)
    return "'" + str(v).replace("\\", "\\\\").replace("'", "''") + "'"


def insert(st, table, row):
    cols = ", ".join(row)
    vals = ", ".join(q(v) for v in row.values())
    st.sql("INSERT INTO %s (%s) VALUES (%s);" % (table, cols, vals), database="shop")


def new_id(st=None):
    """Ids above everything in the replica, unique within the test run."""
    if _next[0] == 0:
        top = 900000000
        for t in _TABLES:
            v = st.sql("SELECT COALESCE(MAX(id), 0) FROM %s" % t, database="shop")[0][0]
            top = max(top, int(v))
        _next[0] = top
    _next[0] += 1
    return _next[0]


def user(st, name="测试用户", phone="13900001111", **kw):
    uid = new_id(st)
    row = dict(id=uid, name=name, phone=phone, level="normal", city="上海",
               registered_at="2025-03-01 10:00:00", updated_at="2025-03-01 10:00:00")
    row.update(kw)
    insert(st, "users", row)
    return uid


def order(st, user_id=None, items=(), status="paid", created="NOW - 2 HOUR", **kw):
    """An order with items [(name, list_price, unit_price, qty)]; returns
    (order_id, order_no).  Times like "NOW - 2 HOUR" are SQL expressions."""
    if user_id is None:
        user_id = user(st)
    oid = new_id(st)
    order_no = kw.pop("order_no", "9%015d" % oid)
    goods = sum(up * qty for _, _, up, qty in items) if items else 10000
    row = dict(id=oid, order_no=order_no, user_id=user_id, status=status, channel="app",
               goods_amount=goods, discount_amount=0, coupon_amount=0, shipping_fee=0,
               pay_amount=goods, paid_amount=goods if status != "pending" else 0,
               refunded_amount=0, receiver_name="收件人", receiver_phone="13900001111",
               province="上海市", city="上海市", district="浦东新区",
               address_detail="世纪大道100号", warehouse="SH-01", remark="")
    row.update(kw)
    cols = list(row) + ["created_at", "updated_at"]
    vals = [q(v) for v in row.values()] + [sql_time(created), sql_time(created)]
    st.sql("INSERT INTO orders (%s) VALUES (%s);" % (", ".join(cols), ", ".join(vals)),
           database="shop")
    for i, (name, lp, up, qty) in enumerate(items):
        insert(st, "order_items", dict(id=new_id(st), order_id=oid, product_id=900000000 + i,
                                       sku="TEST-%d" % i, product_name=name, spec="",
                                       list_price=lp, unit_price=up, qty=qty,
                                       amount=up * qty))
    return oid, order_no


def sql_time(expr):
    """'NOW - 2 HOUR' -> NOW() - INTERVAL 2 HOUR; literal times pass through."""
    if expr.startswith("NOW"):
        rest = expr[3:].strip()
        if not rest:
            return "NOW()"
        sign, n, unit = rest.split()
        return "NOW() %s INTERVAL %s %s" % (sign, n, unit)
    return q(expr)


def exec_sql(st, statements):
    st.sql(statements, database="shop")


def product(st, name, list_price=10000, sku=None, **kw):
    """A catalogue product; returns its id (index it with st.mendctl('index'))."""
    pid = new_id(st)
    row = dict(id=pid, sku=sku or "FX-%d" % pid, name=name, spec="", category="测试",
               brand="测试", list_price=list_price, status="on_sale")
    row.update(kw)
    cols = list(row) + ["updated_at"]
    vals = [q(v) for v in row.values()] + ["NOW()"]
    st.sql("INSERT INTO products (%s) VALUES (%s);" % (", ".join(cols), ", ".join(vals)),
           database="shop")
    return pid


def item(st, order_id, product_id, name, list_price, unit_price, qty=1, sku=None):
    insert(st, "order_items", dict(id=new_id(st), order_id=order_id, product_id=product_id,
                                   sku=sku or "FX-%d" % product_id, product_name=name, spec="",
                                   list_price=list_price, unit_price=unit_price, qty=qty,
                                   amount=unit_price * qty))


def timed(st, table, when, **row):
    """A row whose time columns (given as 'NOW - 3 HOUR' style values in
    `when`) are SQL expressions."""
    row = dict(row)
    row.setdefault("id", new_id(st))
    cols = list(row) + list(when)
    vals = [q(v) for v in row.values()] + [sql_time(v) for v in when.values()]
    st.sql("INSERT INTO %s (%s) VALUES (%s);" % (table, ", ".join(cols), ", ".join(vals)),
           database="shop")
    return row["id"]
