"""test_chinese.py: everything an agent, a lead and an admin read is Chinese.

Every page they open (GET only) and its JSON is walked as each of the three:
the queue and its views, cases, an incident, orders with every tab, the admin
pages, the audit log, the account pages, the login page, and a 404 under
every program.  No English word may be left outside codes in tooltips
(title attributes) and JSON keys.

What counts:
- HTML: the visible text only (tags, attributes, scripts and styles are
  stripped).  JSON: every string value but those that are codes (no space
  and no Chinese: status codes, logins, URLs) and the code lists in CODE_KEYS.
- A word is a run of two or more Latin letters.  A token holding a digit (an
  order, tracking or payment number, a SKU, a warehouse code, a time) and a
  path ("/admin/agents") are identifiers, not words.
- Allowed: ALLOW (brands and carriers the seeder uses, units, acronyms
  agents use as words) and the words of the data itself: what people typed
  or the shop's systems hold (names, logins, product names, reasons, notes,
  devices), read from the databases — data is not the console's text.
"""
import getpass
import html
import os
import re
import subprocess

from client import Client

ORDER = 70
ROLES = {"agent": "demo-agent", "lead": "demo-lead", "admin": "demo-admin"}

ALLOW = {w.lower() for w in """
    ordermend SKU ID API JSON CSV IP SLA App PLUS UTF
    SF JD EMS ZTO YTO YD STO
    Authorization Bearer Accept application
    GB TB ml kg
    Apple iPhone HUAWEI Mate Xiaomi Redmi OPPO Reno vivo HONOR OnePlus Pro Max
    PC Chrome Edge Mac Safari
    Slack
    ORDER NO TAIL NAME ADDRESS ITEMS AMOUNT ESTIMATE PRODUCT DAYS PRICE CORRECT
""".split()}
# values under these keys are lists of codes ("view_orders, act_cancel")
CODE_KEYS = {"perms", "role_names", "user_agent"}

# Columns holding data — typed by people or kept by the shop's systems.
DATA = {
    "shop": [
        "SELECT name, spec, brand, category FROM products",
        "SELECT product_name, spec FROM order_items",
        "SELECT name FROM users",
        "SELECT receiver_name, remark, cancel_reason, address_detail FROM orders",
        "SELECT detail, device FROM user_events",
        "SELECT description, location FROM shipment_events",
        "SELECT reason FROM refunds",
        "SELECT failure_message FROM payments",
        "SELECT name FROM coupons",
        "SELECT note FROM order_status_history",
        # codes the console has no labels for: warehouses, SKUs, and the
        # carriers and warehouses test fixtures make up
        "SELECT carrier, warehouse FROM shipments",
        "SELECT DISTINCT warehouse FROM orders",
        "SELECT sku, warehouse FROM inventory",
        "SELECT sku FROM order_items",
    ],
    "ordermend": [
        "SELECT login, display_name FROM agents",
        "SELECT title FROM roles",
        "SELECT name FROM api_tokens",
        "SELECT reason FROM silences",
        "SELECT user_agent FROM sessions",
        "SELECT detail FROM case_events WHERE agent_id IS NOT NULL",
        "SELECT resolution FROM cases WHERE resolved_by IS NOT NULL",
        "SELECT detail FROM audit_log WHERE kind = 'pii_reveal'",
        "SELECT target FROM audit_log WHERE kind LIKE 'login%'",
        "SELECT login FROM audit_log WHERE actor_type = 'cli'",
        # the phone robot's scripts (a lead's text, and its English version),
        # the do-not-call list's reasons, the survey's tags as the robot sent them
        "SELECT name, purpose, text, text_en FROM call_scripts",
        "SELECT reason FROM dnc",
        "SELECT tags FROM calls",
        # rows the other tests write straight into the log, kinds and all
        "SELECT kind, target, detail FROM audit_log WHERE kind LIKE 'test%'",
    ],
}

WORD = re.compile(r"[A-Za-z]{2,}")
TOKEN = re.compile(r"[A-Za-z0-9_/][A-Za-z0-9_./:+#@\-]*")
CJK = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")


def words(text):
    """The English words of a text (identifiers and paths left out)."""
    out = set()
    for tok in TOKEN.findall(text):
        if any(ch.isdigit() for ch in tok) or tok.startswith("/"):
            continue
        out.update(WORD.findall(tok))
    return out


def visible(body):
    """The text a person sees on an HTML page."""
    body = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", body)
    body = re.sub(r"(?s)<!--.*?-->", " ", body)
    body = re.sub(r"(?s)<[^>]*>", " ", body)
    return html.unescape(body)


def json_texts(v, key=None):
    """The string values of a JSON answer that are text, not codes."""
    if isinstance(v, dict):
        for k, x in v.items():
            if k not in CODE_KEYS:
                yield from json_texts(x, k)
    elif isinstance(v, list):
        for x in v:
            yield from json_texts(x, key)
    elif isinstance(v, str) and (CJK.search(v) or re.search(r"\s", v.strip())):
        yield key, v


def data_words(st):
    allowed = set()
    for db, statements in DATA.items():
        for sql in statements:
            for row in st.sql(sql, database=db):
                for v in row:
                    if v and v != "NULL":
                        allowed.update(w.lower() for w in words(v))
    allowed.add(getpass.getuser().lower())
    return allowed


class Walk:
    """Pages checked, and the English found on them."""

    def __init__(self, st):
        self.allowed = ALLOW | data_words(st)
        self.found = []
        self.seen = 0

    def english(self, text):
        return sorted(w for w in words(text) if w.lower() not in self.allowed)

    def page(self, c, path, statuses=(200,), who=""):
        r = c.get(path)
        assert r.status in statuses, (who, path, r)
        text = visible(r.body)
        bad = self.english(text)
        if bad:
            at = re.search(re.escape(bad[0]), text)
            self.found.append((who, path, "html", bad,
                               " ".join(text[max(0, at.start() - 80):at.end() + 80].split())
                               if at else ""))
        j = c.get_json(path)
        assert j.status == r.status, (who, path, j)
        for key, text in json_texts(j.json()):
            bad = self.english(text)
            if bad:
                self.found.append((who, path, "json " + key, bad, text[:120]))
        self.seen += 1
        return r, j.json()


def scan(st):
    r = subprocess.run([os.path.join(st.build, "mend-scan"), "--once"], env=st.env(),
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]


def one(st, sql, db="ordermend"):
    rows = st.sql(sql, database=db)
    return rows[0][0] if rows else None


def signed_in(st, role):
    return Client(st.url).login(role, ROLES[role])


def changes(st):
    """Changes whose audit rows and events the walk then reads: an agent
    created and given new roles, a role's permissions and a rule edited and
    put back, a token, a case claimed with a note, personal data revealed."""
    a = signed_in(st, "admin")
    login = "zh.check"
    if one(st, "SELECT COUNT(*) FROM agents WHERE login = '%s'" % login) == "0":
        r = a.post("/admin/agents", {"login": login, "name": "中文检查", "role": "agent",
                                     "password": "zh-check-pass-1", "max_refund": "100",
                                     "daily_refund": "500"})
        assert r.status == 303, r
    aid = one(st, "SELECT id FROM agents WHERE login = '%s'" % login)
    r = a.post("/admin/agents/%s" % aid, {"name": "中文检查", "role": ["agent", "lead"],
                                          "max_refund": "120", "daily_refund": "600"})
    assert r.status == 303, r
    if one(st, "SELECT COUNT(*) FROM roles WHERE name = 'zh_check'") == "0":
        assert a.post("/admin/roles", {"name": "zh_check", "title": "检查角色",
                                       "perm": ["view_orders"]}).status == 303
    for perms in (["view_orders", "act_sms"], ["view_orders"]):
        assert a.post("/admin/roles/zh_check", {"title": "检查角色",
                                                "perm": perms}).status == 303
    rule = st.sql("SELECT threshold, ack_minutes, resolve_minutes, enabled FROM anomaly_rules"
                  " WHERE kind = 'unpaid_timeout'", database="ordermend")[0]
    keep = {"threshold": str(int(rule[0]) // 60), "ack_minutes": rule[1],
            "resolve_minutes": rule[2], "enabled": "1"}
    assert a.post("/admin/rules/unpaid_timeout",
                  dict(keep, ack_minutes=str(int(rule[1]) + 5))).status == 303
    assert a.post("/admin/rules/unpaid_timeout", keep).status == 303
    assert a.post("/account/tokens", {"name": "中文检查令牌", "days": "7",
                                      "perm": "view_orders"}).status == 201
    lead = signed_in(st, "lead")
    case = one(st, "SELECT id FROM cases WHERE live = 1 AND assignee_id IS NULL"
                   " AND silence_id IS NULL ORDER BY id LIMIT 1")
    if case:
        lead.post("/cases/%s/claim" % case, {})
        lead.post("/cases/%s/note" % case, {"reason": "已联系客户，等待回复"})
    no = one(st, "SELECT order_no FROM orders ORDER BY id LIMIT 1", db="shop")
    lead.post("/orders/%s/reveal" % no, {"reason": "客户来电核对地址"})


def orders_to_read(st):
    """Orders worth reading: one per anomaly kind with a case, and one with
    a run of stock moves."""
    nos = [r[0] for r in st.sql("SELECT MIN(order_no) FROM cases GROUP BY kind",
                                database="ordermend")]
    moves = one(st, "SELECT order_id FROM inventory_moves WHERE order_id > 0"
                    " GROUP BY order_id, created_at HAVING COUNT(*) >= 2 ORDER BY order_id LIMIT 1",
                db="shop")
    if moves:
        nos.append(one(st, "SELECT order_no FROM orders WHERE id = %s" % moves, db="shop"))
    return nos, moves


def test_every_page_speaks_chinese(st):
    scan(st)
    changes(st)
    scan(st)
    w = Walk(st)
    nos, moves = orders_to_read(st)
    assert nos, "the scanner found no case"
    cases = [r[0] for r in st.sql(
        "SELECT MIN(id) FROM cases GROUP BY kind UNION SELECT MIN(id) FROM cases WHERE live = 0"
        " UNION SELECT MAX(case_id) FROM case_events WHERE agent_id IS NOT NULL",
        database="ordermend") if r[0] and r[0] != "NULL"]
    incidents = [r[0] for r in st.sql("SELECT MIN(id) FROM incidents", database="ordermend")
                 if r[0] and r[0] != "NULL"]
    for role in ROLES:
        c = signed_in(st, role)
        _, q = w.page(c, "/queue", who=role)
        for v in q["views"]:
            w.page(c, v["url"], who=role)
        for i in incidents:
            w.page(c, "/incidents/%s" % i, who=role)
        for cid in cases:
            w.page(c, "/cases/%s" % cid, who=role)
        for no in nos:
            _, o = w.page(c, "/orders/%s" % no, who=role)
            for t in o["tabs"][1:]:
                w.page(c, t["url"], who=role)
            # each action's form (or why it is not valid, or not theirs)
            for act in o["actions"]:
                if act["code"] != "call":
                    w.page(c, "/orders/%s/act/%s" % (no, act["code"]), (200, 403, 409),
                           who=role)
        for v in ("open", "failed", "done"):
            w.page(c, "/actions?view=%s" % v, who=role)
        w.page(c, "/approvals", (200,) if role != "agent" else (403,), who=role)
        admin = role == "admin"
        for path in ("/admin/agents", "/admin/roles", "/admin/tokens", "/admin/rules",
                     "/admin/audit", "/admin/agents/%s" % one(st, "SELECT MIN(id) FROM agents")):
            w.page(c, path, (200,) if admin else (403,), who=role)
        # leads manage the automation and the chat notifications
        for path in ("/admin/automation", "/admin/automation/auto_soothe_stalled",
                     "/admin/automation/auto_restock_shortage", "/admin/notifications"):
            w.page(c, path, (200,) if role != "agent" else (403,), who=role)
        w.page(c, "/admin/audit?kind=role_updated", (200,) if admin else (403,), who=role)
        # the phone robot: its calls for everyone, its scripts and list for leads
        for path in ("/calls", "/calls?state=finished", "/calls?script=satisfaction_survey"):
            w.page(c, path, who=role)
        for path in ("/admin/scripts", "/admin/scripts/stock_shortage", "/admin/dnc"):
            w.page(c, path, (200,) if role != "agent" else (403,), who=role)
        w.page(c, "/account", who=role)
        w.page(c, "/account/password", who=role)
        for path in ("/nosuch", "/queue/nosuch", "/cases/1/nosuch", "/incidents/1/nosuch",
                     "/orders/%s/nosuch" % nos[0], "/account/nosuch", "/admin/nosuch",
                     "/admin/audit/nosuch", "/login/nosuch", "/healthz/nosuch",
                     "/actions/nosuch", "/approvals/nosuch", "/calls/nosuch"):
            r, j = w.page(c, path, (404,), who=role)
            # the console's own 404 for a signed-in agent: the header and a search box
            assert 'class="searchbox"' in r.body and "退出" in r.body, (role, path)
            assert j["error"]["status"] == 404
    visitor = Client(st.url)
    w.page(visitor, "/login", who="visitor")
    r, _ = w.page(visitor, "/nosuch", (404,), who="visitor")
    assert 'class="searchbox"' not in r.body
    assert w.seen > 100, w.seen
    assert not w.found, "\n".join(repr(f) for f in w.found[:40])


def test_codes_have_labels(st):
    """Payment errors, stock moves, user events and the systems that act show
    their labels, with the code kept in a tooltip and in JSON."""
    c = signed_in(st, "agent")
    no = one(st, "SELECT o.order_no FROM orders o JOIN payments p ON p.order_id = o.id"
                 " WHERE p.failure_code = 'BANK_TIMEOUT' ORDER BY o.id LIMIT 1", db="shop")
    if no:
        r = c.get("/orders/%s?tab=payments" % no)
        assert "银行处理超时" in r.body and 'title="BANK_TIMEOUT"' in r.body
        pays = c.get_json("/orders/%s?tab=payments" % no).json()["payments_tab"]["payments"]
        assert any(p.get("failure") == "BANK_TIMEOUT" for p in pays)
        tl = c.get_json("/orders/%s" % no).json()["overview"]["timeline"]
        assert any("银行处理超时" in e["text"] for e in tl)
    no = one(st, "SELECT o.order_no FROM orders o JOIN order_status_history h"
                 " ON h.order_id = o.id WHERE h.actor = 'wms' ORDER BY o.id LIMIT 1", db="shop")
    r = c.get("/orders/%s?tab=history" % no)
    assert "仓储系统" in r.body and 'title="wms"' in r.body


def test_stock_moves_fold_on_the_timeline(st):
    _, moves = orders_to_read(st)
    assert moves, "the seed has no order with stock moves"
    no = one(st, "SELECT order_no FROM orders WHERE id = %s" % moves, db="shop")
    c = signed_in(st, "agent")
    tl = c.get_json("/orders/%s" % no).json()["overview"]["timeline"]
    groups = [e for e in tl if e.get("group")]
    assert groups, tl
    g = groups[0]
    assert g["kind"] == "stock" and len(g["moves"]) >= 2 and "件" in g["text"]
    assert all(m["kind"] == "stock" for m in g["moves"])
    # no two entries of the list are stock moves in a row
    kinds = [e["kind"] for e in tl]
    assert all(not (a == b == "stock") for a, b in zip(kinds, kinds[1:]))
    r = c.get("/orders/%s" % no)
    assert '<details class="tl-group">' in r.body and "<summary>" in r.body


def test_amounts_are_fen_and_text(st):
    c = signed_in(st, "admin")
    no = one(st, "SELECT order_no FROM orders WHERE pay_amount >= 100000 ORDER BY id LIMIT 1",
             db="shop")
    fen = int(one(st, "SELECT pay_amount FROM orders WHERE order_no = '%s'" % no, db="shop"))
    j = c.get_json("/orders/%s" % no).json()
    assert j["pay_amount_fen"] == fen
    assert j["pay_amount"] == "{:,}.{:02d}".format(fen // 100, fen % 100)
    items = c.get_json("/orders/%s?tab=items" % no).json()["items_tab"]["rows"]
    assert all(isinstance(i["amount_fen"], int) and isinstance(i["unit_price_fen"], int)
               for i in items)
    rows = c.get_json("/queue").json()["rows"]
    assert rows and all(isinstance(x["amount_fen"], int) for x in rows)
    case = c.get_json(rows[0]["url"]).json()
    assert isinstance(case["case"]["amount_fen"], int)
    assert isinstance(case["order"]["pay_amount_fen"], int)
    agents = c.get_json("/admin/agents").json()["agents"]
    assert all(isinstance(a["max_refund_fen"], int) for a in agents)
    me = c.get_json("/account").json()
    assert isinstance(me["daily_refund_fen"], int) and isinstance(me["max_refund_fen"], int)
