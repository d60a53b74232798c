"""test_admin.py: the admin pages — agents, roles, API tokens, anomaly rules —
and the audit log's search and CSV export: what each change does at once,
what bad input is refused with, that nobody locks the console out, and that
every change is audited."""
import csv
import io
import re

import cgirun
from client import Client

ORDER = 60
FORMULA = "=cmd|' /C calc'!A0"


def q(st, sql):
    return st.sql(sql, database="ordermend")


def one(st, sql):
    return q(st, sql)[0][0]


def admin(st):
    return Client(st.url).login("admin", "demo-admin")


def audit_rows(st, kind, target):
    return q(st, "SELECT detail FROM audit_log WHERE kind = '%s' AND target = '%s'"
             " ORDER BY id" % (kind, target))


def agent_count(st):
    return int(one(st, "SELECT COUNT(*) FROM agents"))


def new_agent(a, login, roles=("agent",), password="temp-pass-123", **extra):
    form = {"login": login, "name": "测试 " + login, "role": list(roles),
            "password": password, "max_refund": "200", "daily_refund": "1000"}
    form.update(extra)
    r = a.post("/admin/agents", form)
    assert r.status == 303, r
    m = re.fullmatch(r"/admin/agents/(\d+)", r.header("location"))
    assert m, r.header("location")
    return int(m.group(1))


def first_login(st, login, temp="temp-pass-123", new="chosen-pass-123"):
    """Sign in with the temporary password an admin set, and change it."""
    c = Client(st.url)
    c.get("/login")
    r = c.post("/login", {"login": login, "password": temp})
    assert r.status == 303, r
    r = c.get("/search")
    assert r.status == 303 and r.header("location") == "/account/password"
    c.get("/account/password")
    r = c.post("/account/password", {"current": temp, "password": new, "confirm": new})
    assert r.status == 303, r
    assert c.get("/search").status == 200
    return c


def test_admin_pages_answer_html_and_json(st):
    a = admin(st)
    r = a.get("/admin")
    assert r.status == 303 and r.header("location") == "/admin/agents"
    for path, word in (("/admin/agents", "新建账号"), ("/admin/roles", "系统管理"),
                       ("/admin/tokens", "API 令牌"), ("/admin/rules", "超时未付款"),
                       ("/admin/audit", "审计日志")):
        r = a.get(path)
        assert r.status == 200, (path, r)
        assert word in r.body and 'class="subnav"' in r.body, path
        assert re.search(r'<a href="%s" aria-current="page">' % path, r.body), path
        j = a.get_json(path).json()
        assert j["nav"] == "admin" and any(s["current"] for s in j["subnav"]), path
    j = a.get_json("/admin/agents").json()
    agents = {x["login"]: x for x in j["agents"]}
    assert {"admin", "lead", "agent"} <= set(agents)
    assert agents["agent"]["role_names"] == "agent" and agents["agent"]["max_refund"] == "200.00"
    assert agents["admin"]["me"] and agents["admin"]["sessions"] >= 1
    assert agents["admin"]["has_last_login"]
    j = a.get_json("/admin/roles").json()
    assert len(j["grid"]) == 16 and {"agent", "lead", "admin"} <= {x["name"] for x in j["roles"]}
    assert "查看完整个人信息" in [g["perm_title"] for g in j["grid"]]
    for path in ("/admin/agents/999999", "/admin/agents/abc", "/admin/agents/0"):
        assert a.get(path).status == 404, path
    lead = Client(st.url).login("lead", "demo-lead")
    for path in ("/admin/agents", "/admin/roles", "/admin/tokens", "/admin/rules",
                 "/admin/audit", "/admin/audit.csv"):
        assert lead.get(path).status == 403, path


def test_create_agent_and_bad_input(st):
    a = admin(st)
    good = {"login": "new.agent_1", "name": "新客服", "role": "agent",
            "password": "temp-pass-123", "max_refund": "150.5", "daily_refund": "800"}
    bad = [
        ({"login": "AB"}, "小写字母"),
        ({"login": "a"}, "小写字母"),
        ({"login": "bad login"}, "小写字母"),
        ({"login": "x" * 33}, "小写字母"),
        ({"login": "agent"}, "已经存在"),
        ({"name": ""}, "请填写姓名"),
        ({"name": "长" * 65}, "请填写姓名"),
        ({"password": "short"}, "8"),
        ({"password": ""}, "临时密码"),
        ({"role": "nosuch"}, "没有这个角色"),
        ({"role": []}, "至少选择一个角色"),
        ({"max_refund": "1.234"}, "最多两位小数"),
        ({"max_refund": "-1"}, "最多两位小数"),
        ({"max_refund": "1000000.01"}, "最多两位小数"),
        ({"daily_refund": "abc"}, "最多两位小数"),
        ({"daily_refund": "100"}, "每日上限不能小于单笔上限"),
    ]
    before = agent_count(st)
    for change, msg in bad:
        form = dict(good, **change)
        r = a.post("/admin/agents", form)
        assert r.status == 400, (change, r)
        assert msg in r.body, (change, r.body[-3000:])
        assert 'class="field-error"' in r.body
        if "name" not in change:
            assert 'value="新客服"' in r.body, change       # the form keeps what was typed
        assert agent_count(st) == before, change
    r = a.request("POST", "/admin/agents", body=dict(good, login="A!", csrf=a.csrf),
                  headers={"Accept": "application/json"})
    assert r.status == 400 and "login" in r.json()["error"]["fields"]
    assert audit_rows(st, "agent_created", "new.agent_1") == []

    id_ = new_agent(a, **{k: v for k, v in good.items() if k not in ("role",)},
                    roles=("agent",))
    row = q(st, "SELECT login, display_name, must_change_password, max_refund, daily_refund,"
                " service, disabled_at IS NULL FROM agents WHERE id = %d" % id_)[0]
    assert row == ["new.agent_1", "新客服", "1", "15050", "80000", "0", "1"]
    assert one(st, "SELECT GROUP_CONCAT(role) FROM agent_roles WHERE agent_id = %d" % id_) == "agent"
    detail = audit_rows(st, "agent_created", "new.agent_1")
    assert len(detail) == 1 and "temp-pass" not in detail[0][0] and "150.50" in detail[0][0]
    r = a.get("/admin/agents/%d" % id_)
    assert r.status == 200 and "150.50" in r.body and "待改密码" in r.body
    assert "¥150.50" in a.get("/admin/agents").body
    # the temporary password must be changed first
    first_login(st, "new.agent_1")
    assert one(st, "SELECT must_change_password FROM agents WHERE id = %d" % id_) == "0"


def test_edit_agent_and_roles_end_sessions(st):
    a = admin(st)
    id_ = new_agent(a, "edit.me")
    c = first_login(st, "edit.me")
    form = {"name": "改名后", "role": "agent", "max_refund": "200", "daily_refund": "1000"}
    r = a.post("/admin/agents/%d" % id_, form)
    assert r.status == 303 and r.header("location") == "/admin/agents/%d" % id_
    assert c.get("/search").status == 200                      # a name is no privilege
    assert one(st, "SELECT display_name FROM agents WHERE id = %d" % id_) == "改名后"
    r = a.post("/admin/agents/%d" % id_, dict(form, max_refund="300.25", daily_refund="2000"))
    assert r.status == 303
    assert q(st, "SELECT max_refund, daily_refund FROM agents WHERE id = %d" % id_) == \
        [["30025", "200000"]]
    details = [d[0] for d in audit_rows(st, "agent_updated", "edit.me")]
    assert len(details) == 2 and "改名后" in details[0] and "300.25" in details[1]
    # saving the same again changes nothing and records nothing
    assert a.post("/admin/agents/%d" % id_, dict(form, max_refund="300.25",
                  daily_refund="2000")).status == 303
    assert len(audit_rows(st, "agent_updated", "edit.me")) == 2
    # bad input: 400, the message beside the field, nothing changed
    for change, msg in (({"max_refund": "abc"}, "最多两位小数"), ({"role": "nosuch"}, "没有这个角色"),
                        ({"name": ""}, "请填写姓名"), ({"role": []}, "至少选择一个角色")):
        r = a.post("/admin/agents/%d" % id_, dict(form, **change))
        assert r.status == 400 and msg in r.body, (change, r)
    assert one(st, "SELECT max_refund FROM agents WHERE id = %d" % id_) == "30025"
    # new roles end every session at once
    r = a.post("/admin/agents/%d" % id_, dict(form, role=["agent", "lead"]))
    assert r.status == 303
    assert c.get("/search").status == 303
    assert one(st, "SELECT COUNT(*) FROM sessions WHERE agent_id = %d AND revoked_at IS NULL"
               % id_) == "0"
    c = Client(st.url).login("edit.me", "chosen-pass-123")
    assert "view_pii" in c.get_json("/account").json()["perms"]
    # the audit log names roles by their titles
    assert "角色 客服 → 客服、客服主管" in audit_rows(st, "agent_updated", "edit.me")[-1][0]
    assert a.post("/admin/agents/999999", form).status == 404


def test_disable_ends_sessions_and_tokens_at_once(st):
    a = admin(st)
    id_ = new_agent(a, "dis.able")
    c = first_login(st, "dis.able")
    d = Client(st.url).login("dis.able", "chosen-pass-123")
    r = c.request("POST", "/account/tokens", body={"csrf": c.csrf, "name": "mine", "days": "5",
                  "perm": "view_orders"}, headers={"Accept": "application/json"})
    token = r.json()["new_token"]["token"]
    script = Client(st.url)
    script.default_headers = {"Authorization": "Bearer " + token, "Accept": "application/json"}
    assert script.get("/search?q=u1").status == 200
    r = a.post("/admin/agents/%d/disable" % id_)
    assert r.status == 303
    for x in (c, d):
        assert x.get("/search").status == 303
    assert script.get("/search?q=u1").status == 401
    v = Client(st.url)
    v.get("/login")
    assert v.post("/login", {"login": "dis.able", "password": "chosen-pass-123"}).status == 401
    j = a.get_json("/admin/agents/%d" % id_).json()
    assert j["agent"]["disabled"] and j["agent"]["sessions"] == 0
    assert "已停用" in a.get("/admin/agents").body
    # twice is once
    assert a.post("/admin/agents/%d/disable" % id_).status == 303
    assert len(audit_rows(st, "agent_disabled", "dis.able")) == 1
    r = a.post("/admin/agents/%d/enable" % id_)
    assert r.status == 303
    Client(st.url).login("dis.able", "chosen-pass-123")
    assert script.get("/search?q=u1").status == 401                  # tokens stay revoked
    assert one(st, "SELECT COUNT(*) FROM api_tokens WHERE agent_id = %d AND revoked_at IS NULL"
               % id_) == "0"
    assert len(audit_rows(st, "agent_enabled", "dis.able")) == 1
    for verb in ("disable", "enable", "password"):
        assert a.post("/admin/agents/999999/%s" % verb).status == 404


def test_password_reset_forces_a_change(st):
    a = admin(st)
    id_ = new_agent(a, "reset.me")
    c = first_login(st, "reset.me")
    hash_before = one(st, "SELECT password_hash FROM agents WHERE id = %d" % id_)
    for pw, msg in (("short", "8"), ("", "8")):
        r = a.post("/admin/agents/%d/password" % id_, {"password": pw})
        assert r.status == 400 and msg in r.body, r
    assert one(st, "SELECT password_hash FROM agents WHERE id = %d" % id_) == hash_before
    r = a.post("/admin/agents/%d/password" % id_, {"password": "admin-set-temp"})
    assert r.status == 303
    assert c.get("/search").status == 303                  # signed out at once
    v = Client(st.url)
    v.get("/login")
    assert v.post("/login", {"login": "reset.me", "password": "chosen-pass-123"}).status == 401
    first_login(st, "reset.me", temp="admin-set-temp", new="second-choice-1")
    detail = audit_rows(st, "password_reset", "reset.me")
    assert len(detail) == 1 and "admin-set-temp" not in (detail[0][0] or "")
    # my own password is changed on my account page, not here
    me = one(st, "SELECT id FROM agents WHERE login = 'admin'")
    r = a.post("/admin/agents/%s/password" % me, {"password": "whatever-123"})
    assert r.status == 400 and "我的账户" in r.body


def test_admin_cannot_lock_the_console_out(st):
    a = admin(st)
    me = int(one(st, "SELECT id FROM agents WHERE login = 'admin'"))
    admins = int(one(st, "SELECT COUNT(*) FROM agents a JOIN agent_roles ar ON ar.agent_id = a.id"
                         " WHERE ar.role = 'admin' AND a.disabled_at IS NULL AND a.service = 0"))
    assert admins == 1, "this test needs demo-admin to be the only admin"
    r = a.post("/admin/agents/%d/disable" % me)
    assert r.status == 400 and "不能停用自己" in r.body
    form = {"name": "管理员 Admin", "role": "lead", "max_refund": "200", "daily_refund": "1000"}
    r = a.post("/admin/agents/%d" % me, form)
    assert r.status == 400 and "最后一位管理员" in r.body
    perms = [p for p in q(st, "SELECT permission FROM role_permissions WHERE role = 'admin'")]
    r = a.post("/admin/roles/admin", {"perm": [p[0] for p in perms if p[0] != "admin"]})
    assert r.status == 400 and "必须保留" in r.body
    assert q(st, "SELECT permission FROM role_permissions WHERE role = 'admin'") == perms
    assert one(st, "SELECT disabled_at IS NULL FROM agents WHERE id = %d" % me) == "1"
    assert one(st, "SELECT GROUP_CONCAT(role) FROM agent_roles WHERE agent_id = %d" % me) == "admin"
    assert a.get("/admin/agents").status == 200                # still signed in, still admin
    # with a second admin, one may step down; my own privilege change gives
    # me a new session in this browser
    id2 = new_agent(a, "second.admin", roles=("admin",))
    b = first_login(st, "second.admin")
    old = b.cookies["om_sid"]
    r = b.post("/admin/agents/%d" % id2, dict(form, name="第二位"))
    assert r.status == 303 and b.cookies["om_sid"] != old
    assert b.get("/admin/agents").status == 403 and b.get("/search").status == 200
    # a gain for myself: new session id too; then back as it was
    old = a.cookies["om_sid"]
    r = a.post("/admin/agents/%d" % me, dict(form, role=["admin", "lead"]))
    assert r.status == 303 and a.cookies["om_sid"] != old
    a.get("/admin/agents")                                      # the new session's CSRF token
    assert a.post("/admin/agents/%d" % me, dict(form, role="admin")).status == 303
    assert a.get("/admin/agents").status == 200


def test_role_permission_change_takes_effect(st):
    a = admin(st)
    roles_before = int(one(st, "SELECT COUNT(*) FROM roles"))
    for form, msg in (({"name": "X", "title": "x"}, "小写字母"), ({"name": "a", "title": "x"}, "小写字母"),
                      ({"name": "agent", "title": "x"}, "已经存在"),
                      ({"name": "night_shift"}, "请填写角色名称"),
                      ({"name": "night_shift", "title": "夜班", "perm": "fly"}, "没有这个权限")):
        r = a.post("/admin/roles", form)
        assert r.status == 400 and msg in r.body, (form, r)
    assert int(one(st, "SELECT COUNT(*) FROM roles")) == roles_before
    r = a.post("/admin/roles", {"name": "night_shift", "title": "夜班客服", "perm": "view_orders"})
    assert r.status == 303 and r.header("location") == "/admin/roles"
    assert audit_rows(st, "role_created", "night_shift")[0][0] == "夜班客服：查看订单"
    id_ = new_agent(a, "night.one", roles=("night_shift",))
    c = first_login(st, "night.one")
    assert c.get("/admin/rules").status == 403
    # losing a permission: in effect at the next request, still signed in
    r = a.post("/admin/roles/night_shift", {"title": "夜班客服"})
    assert r.status == 303
    assert c.get("/search").status == 403
    assert c.get("/account").status == 200
    # gaining one: the role's sessions end; signed in again, it is there
    r = a.post("/admin/roles/night_shift", {"perm": ["view_orders", "manage_rules"]})
    assert r.status == 303
    assert c.get("/search").status == 303
    c = Client(st.url).login("night.one", "chosen-pass-123")
    assert c.get("/admin/rules").status == 200 and c.get("/search").status == 200
    details = [d[0] for d in audit_rows(st, "role_updated", "night_shift")]
    assert "去掉权限 查看订单" in details[0] and "增加权限 查看订单、管理规则" in details[1]
    j = a.get_json("/admin/roles").json()
    night = [x for x in j["roles"] if x["name"] == "night_shift"][0]
    assert night["agents"] == 1 and night["perms"] == "view_orders, manage_rules"
    # a new title alone
    assert a.post("/admin/roles/night_shift", {"title": "夜班", "perm": ["view_orders",
                  "manage_rules"]}).status == 303
    assert one(st, "SELECT title FROM roles WHERE name = 'night_shift'") == "夜班"
    assert c.get("/search").status == 200
    assert a.post("/admin/roles/nosuch", {"perm": "view_orders"}).status == 404
    assert a.post("/admin/agents/%d/disable" % id_).status == 303


def test_tokens_for_service_accounts(st):
    a = admin(st)
    svc = new_agent(a, "svc.sync", password="", service="1")
    assert q(st, "SELECT service, must_change_password FROM agents WHERE id = %d" % svc) == \
        [["1", "0"]]
    v = Client(st.url)
    v.get("/login")
    assert v.post("/login", {"login": "svc.sync", "password": ""}).status in (400, 401)
    r = a.get("/admin/tokens")
    assert r.status == 200 and "svc.sync" in r.body
    plain = one(st, "SELECT id FROM agents WHERE login = 'agent'")
    tokens_before = int(one(st, "SELECT COUNT(*) FROM api_tokens"))
    for form, field, msg in (
            ({"agent": plain, "name": "x", "perm": "view_orders"}, "agent", "服务账号"),
            ({"agent": "999999", "name": "x", "perm": "view_orders"}, "agent", "服务账号"),
            ({"agent": svc, "name": "x", "perm": "view_pii"}, "perm", "自己拥有的权限"),
            ({"agent": svc, "name": "", "perm": "view_orders"}, "name", "名称"),
            ({"agent": svc, "name": "x", "days": "400", "perm": "view_orders"}, "days", "365")):
        r = a.post("/admin/tokens", form)
        assert r.status == 400 and msg in r.body, (form, r)
        r = a.request("POST", "/admin/tokens", body=dict(form, csrf=a.csrf),
                      headers={"Accept": "application/json"})
        assert field in r.json()["error"]["fields"], (form, r)
    assert int(one(st, "SELECT COUNT(*) FROM api_tokens")) == tokens_before
    r = a.request("POST", "/admin/tokens", body={"csrf": a.csrf, "agent": svc, "name": "同步",
                  "days": "30", "perm": ["view_orders", "act_sms"]},
                  headers={"Accept": "application/json"})
    assert r.status == 201, r
    token = r.json()["new_token"]["token"]
    assert re.fullmatch(r"om_[A-Za-z0-9_-]{43}", token)
    r = a.post("/admin/tokens", {"agent": svc, "name": "第二个", "perm": "view_orders"})
    assert r.status == 201 and "只显示这一次" in r.body
    script = Client(st.url)
    script.default_headers = {"Authorization": "Bearer " + token, "Accept": "application/json"}
    assert script.get("/search?q=u1").status == 200
    listed = [t for t in a.get_json("/admin/tokens").json()["tokens"] if t["login"] == "svc.sync"]
    assert len(listed) == 2 and all(t["active"] and t["service"] for t in listed)
    assert token not in a.get("/admin/tokens").body
    created = audit_rows(st, "token_created", "svc.sync")
    assert len(created) == 2 and token not in created[0][0] and "发送短信" in created[0][0]
    tid = [t["id"] for t in listed if t["name"] == "同步"][0]
    assert a.post("/admin/tokens/%d/revoke" % tid).status == 303
    assert script.get("/search?q=u1").status == 401
    assert a.post("/admin/tokens/%d/revoke" % tid).status == 404
    assert a.post("/admin/tokens/999999/revoke").status == 404
    assert len(audit_rows(st, "token_revoked", "svc.sync")) == 1
    # an admin may revoke any agent's token
    lead = Client(st.url).login("lead", "demo-lead")
    r = lead.request("POST", "/account/tokens", body={"csrf": lead.csrf, "name": "lead's own",
                     "days": "3", "perm": "view_orders"}, headers={"Accept": "application/json"})
    lid = r.json()["new_token"]["id"]
    assert a.post("/admin/tokens/%d/revoke" % lid).status == 303


def test_rules_editing_with_bounds(st):
    a = admin(st)
    j = a.get_json("/admin/rules").json()
    rules = {x["kind"]: x for x in j["rules"]}
    assert len(rules) == 9 and rules["unpaid_timeout"]["unit"] == "分钟"
    assert rules["price_anomaly"]["is_price"] and not rules["payment_failed"]["has_threshold"]
    keep = q(st, "SELECT kind, threshold, threshold_high, ack_minutes, resolve_minutes, enabled"
                 " FROM anomaly_rules ORDER BY kind")
    try:
        ok = {"threshold": "45", "ack_minutes": "20", "resolve_minutes": "240", "enabled": "1"}
        r = a.post("/admin/rules/unpaid_timeout", ok)
        assert r.status == 303 and r.header("location") == "/admin/rules"
        row = q(st, "SELECT r.threshold, r.ack_minutes, r.resolve_minutes, r.enabled, a.login,"
                    " r.updated_at > NOW() - INTERVAL 1 MINUTE FROM anomaly_rules r"
                    " JOIN agents a ON a.id = r.updated_by WHERE r.kind = 'unpaid_timeout'")[0]
        assert row == ["2700", "20", "240", "1", "admin", "1"]
        assert "阈值" in audit_rows(st, "rule_updated", "unpaid_timeout")[-1][0]
        assert "→ 45 分钟" in audit_rows(st, "rule_updated", "unpaid_timeout")[-1][0]
        before = q(st, "SELECT * FROM anomaly_rules ORDER BY kind")
        for kind, change, msg in (
                ("unpaid_timeout", {"threshold": "0"}, "1 到 10080"),
                ("unpaid_timeout", {"threshold": "10081"}, "1 到 10080"),
                ("unpaid_timeout", {"threshold": "abc"}, "1 到 10080"),
                ("not_shipped", {"threshold": "721"}, "1 到 720"),
                ("unpaid_timeout", {"ack_minutes": "0"}, "响应时限"),
                ("unpaid_timeout", {"resolve_minutes": "43201"}, "解决时限"),
                ("unpaid_timeout", {"ack_minutes": "300"}, "不能长于"),
                ("price_anomaly", {"threshold": "100", "threshold_high": "150"}, "1 到 99"),
                ("price_anomaly", {"threshold": "50", "threshold_high": "100"}, "101 到 1000")):
            r = a.post("/admin/rules/" + kind, dict(ok, **change))
            assert r.status == 400 and msg in r.body, (kind, change, r)
            assert 'value="%s"' % list(change.values())[0] in r.body     # kept as typed
        assert q(st, "SELECT * FROM anomaly_rules ORDER BY kind") == before
        # a kind without a threshold: the targets and the switch only
        r = a.post("/admin/rules/payment_failed", {"ack_minutes": "15", "resolve_minutes": "60"})
        assert r.status == 303
        assert q(st, "SELECT ack_minutes, enabled FROM anomaly_rules WHERE kind ="
                     " 'payment_failed'") == [["15", "0"]]
        assert "停用" in audit_rows(st, "rule_updated", "payment_failed")[-1][0]
        r = a.post("/admin/rules/price_anomaly", dict(ok, threshold="40", threshold_high="200"))
        assert r.status == 303
        assert q(st, "SELECT threshold, threshold_high FROM anomaly_rules WHERE kind ="
                     " 'price_anomaly'") == [["40", "200"]]
        assert a.post("/admin/rules/nosuch", ok).status == 404
        lead = Client(st.url).login("lead", "demo-lead")
        assert lead.post("/admin/rules/unpaid_timeout", ok).status == 403
    finally:
        for kind, thr, high, ack, res, en in keep:
            st.sql("UPDATE anomaly_rules SET threshold = %s, threshold_high = %s, ack_minutes = %s,"
                   " resolve_minutes = %s, enabled = %s WHERE kind = '%s'"
                   % (thr, "NULL" if high == "NULL" else high, ack, res, en, kind),
                   database="ordermend")


def fill_audit(st, kind, n, order_no=None, login="lead", start="2026-01-01 00:00:00"):
    """n rows of kind, three to a second (ties broken by id)."""
    st.sql("INSERT INTO audit_log (at, agent_id, login, kind, order_no, target, detail)"
           " SELECT '%s' + INTERVAL (s.seq DIV 3) SECOND, a.id, a.login, '%s', %s,"
           " CONCAT('t', s.seq), CONCAT('row ', s.seq) FROM seq_1_to_%d s"
           " JOIN agents a ON a.login = '%s'"
           % (start, kind, "'%s'" % order_no if order_no else "NULL", n, login),
           database="ordermend")


def walk(a, url):
    """Every row of a search, page by page; the pages' ids."""
    ids, pages = [], 0
    while url:
        j = a.get_json(url).json()
        ids += [(r["at"], r["id"]) for r in j["rows"]]
        assert len(j["rows"]) <= 100
        url = j["next"] if j["has_next"] else None
        pages += 1
    return ids, pages


def test_audit_search_filters_and_keyset_paging(st):
    a = admin(st)
    fill_audit(st, "test_paging", 250)
    ids, pages = walk(a, "/admin/audit?kind=test_paging")
    assert pages == 3 and len(ids) == 250 and len(set(ids)) == 250
    assert ids == sorted(ids, reverse=True)             # newest first, ties by id
    # new entries while paging: none twice, none skipped
    j = a.get_json("/admin/audit?kind=test_paging").json()
    fill_audit(st, "test_paging", 30, start="2026-06-01 00:00:00")
    rest, _ = walk(a, j["next"])
    seen = [(r["at"], r["id"]) for r in j["rows"]] + rest
    assert len(seen) == 250 and len(set(seen)) == 250
    # each filter alone and together, against SQL
    no = st.sql("SELECT order_no FROM orders ORDER BY id LIMIT 1", database="shop")[0][0]
    fill_audit(st, "test_filter", 40, order_no=no, login="agent", start="2026-02-01 10:00:00")
    fill_audit(st, "test_filter", 20, login="lead", start="2026-02-02 10:00:00")
    checks = [
        ("agent=agent&kind=test_filter", "login = 'agent' AND kind = 'test_filter'"),
        ("order=%s" % no, "order_no = '%s'" % no),
        ("kind=test_filter&from=2026-02-02", "kind = 'test_filter' AND at >= '2026-02-02'"),
        ("kind=test_filter&to=2026-02-01", "kind = 'test_filter' AND at < '2026-02-02'"),
        ("from=2026-02-01+10:00&to=2026-02-01+10:05", "at >= '2026-02-01 10:00'"
         " AND at < '2026-02-01 10:06'"),
        ("agent=lead&from=2026-02-02&to=2026-02-02", "login = 'lead' AND DATE(at) = '2026-02-02'"),
    ]
    for query, where in checks:
        want = [int(x[0]) for x in q(st, "SELECT id FROM audit_log WHERE %s ORDER BY at DESC,"
                                         " id DESC" % where)]
        got, _ = walk(a, "/admin/audit?" + query)
        assert [i for _, i in got] == want, query
        assert want, query
    r = a.get("/admin/audit?kind=test_filter&agent=agent")
    assert r.status == 200 and no in r.body and 'selected' in r.body
    # bad input: 400, the message beside the field
    for query, msg in (("agent=nosuch", "没有这个账号"), ("from=2026-13-01", "日期格式"),
                       ("to=yesterday", "日期格式"), ("from=2026-02-02&to=2026-02-01", "早于"),
                       ("order=abc!", "订单号"), ("kind=DROP+TABLE", "类型"),
                       ("before=abc", "分页参数"), ("before=999999999", "分页参数")):
        r = a.get("/admin/audit?" + query)
        assert r.status == 400 and msg in r.body, (query, r)
        assert a.get_json("/admin/audit?" + query).status == 400
        assert a.get("/admin/audit.csv?" + query).status == 400


def parse_csv(r):
    assert r.status == 200, r
    assert r.header("content-type").startswith("text/csv")
    assert re.fullmatch(r'attachment; filename="audit-\d{8}-\d{6}\.csv"',
                        r.header("content-disposition"))
    assert r.body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(r.body[1:], newline="")))


def test_audit_csv_export(st):
    a = admin(st)
    # what an attacker may type ends up in the log: a failed sign-in's login
    v = Client(st.url)
    v.get("/login")
    assert v.post("/login", {"login": FORMULA, "password": "wrong-password"}).status == 401
    tricky = ["+1", "-2", "@SUM(A1)", "\tx", "\rx", 'a,"b"\nc', "普通中文"]
    for i, d in enumerate(tricky):
        st.sql("INSERT INTO audit_log (at, kind, target, detail) VALUES (NOW(6), 'test_csv',"
               " 't%d', '%s')" % (i, d.replace("\\", "\\\\").replace("'", "''")
                                   .replace("\n", "\\n").replace("\r", "\\r")
                                   .replace("\t", "\\t")), database="ordermend")
    rows = parse_csv(a.get("/admin/audit.csv?kind=test_csv"))
    assert rows[0][:4] == ["编号", "时间", "账号", "类型"] and len(rows) == 1 + len(tricky)
    got = {r[6]: r[7] for r in rows[1:]}
    assert got["t0"] == "'+1" and got["t1"] == "'-2" and got["t2"] == "'@SUM(A1)"
    assert got["t3"] == "'\tx" and got["t4"] == "'\rx"
    assert got["t5"] == 'a,"b"\nc' and got["t6"] == "普通中文"
    assert '"a,""b""\nc"' in a.get("/admin/audit.csv?kind=test_csv").body.replace("\r\n", "\n")
    rows = parse_csv(a.get("/admin/audit.csv?kind=login_failed"))
    assert "'" + FORMULA in [r[6] for r in rows]
    assert FORMULA not in [r[6] for r in rows]
    # the same filters as the page; more than one batch, no row twice
    fill_audit(st, "test_bulk", 2500)
    rows = parse_csv(a.get("/admin/audit.csv?kind=test_bulk&agent=lead"))
    ids = [int(r[0]) for r in rows[1:]]
    assert len(ids) == 2500 and len(set(ids)) == 2500
    want = [int(x[0]) for x in q(st, "SELECT id FROM audit_log WHERE kind = 'test_bulk'"
                                     " ORDER BY at DESC, id DESC")]
    assert ids == want
    assert rows[1][3] == "test_bulk" and rows[1][2] == "lead"
    # capped, and the file says so
    fill_audit(st, "test_cap", 100005)
    rows = parse_csv(a.get("/admin/audit.csv?kind=test_cap"))
    assert len(rows) == 1 + 100000 + 1 and "100000" in rows[-1][0]
    assert a.get("/admin/audit.csv?kind=test_cap", headers={"Accept": "application/json"}) \
        .status == 200


def test_audit_queries_use_indexes(st):
    # after the export test: the log holds 100,000+ rows by now
    assert int(one(st, "SELECT COUNT(*) FROM audit_log")) > 100000
    tok = cgirun.session(st, "admin")
    no = st.sql("SELECT order_no FROM orders ORDER BY id LIMIT 1", database="shop")[0][0]
    last = one(st, "SELECT MAX(id) FROM audit_log")
    for query in ("", "kind=login_ok", "agent=admin", "order=" + no, "from=2026-01-01",
                  "from=2026-01-01&to=2026-12-31", "kind=login_ok&agent=admin",
                  "kind=test_paging&before=" + last, "agent=lead&from=2026-02-02"):
        status, body, plan, _ = cgirun.run(st, "audit", "/admin/audit", query, cookie=tok,
                                           explain=True)
        assert status == 200, (query, body[:300])
        audit = [p for p in plan if p.get("table") == "audit_log"]
        assert audit, (query, plan)
        for p in audit:
            assert p.get("type") != "ALL", (query, p)
        main = audit[-1]
        assert "filesort" not in main.get("extra", ""), (query, main)


def test_every_admin_change_is_audited_without_secrets(st):
    kinds = {r[0] for r in q(st, "SELECT DISTINCT kind FROM audit_log")}
    assert {"agent_created", "agent_updated", "agent_disabled", "agent_enabled",
            "password_reset", "role_created", "role_updated", "token_created",
            "token_revoked", "rule_updated"} <= kinds
    for secret in ("temp-pass-123", "chosen-pass-123", "admin-set-temp", "second-choice-1",
                   "om_[A-Za-z0-9_-]{43}"):
        assert one(st, "SELECT COUNT(*) FROM audit_log WHERE detail REGEXP '%s'"
                   " OR target REGEXP '%s'" % (secret, secret)) == "0", secret
    a = admin(st)
    j = a.get_json("/admin/audit?agent=admin&kind=agent_created").json()
    assert j["rows"] and all(r["login"] == "admin" for r in j["rows"])
    assert {"kind": "agent_created"}.items() <= j["rows"][0].items()
    assert "新建账号" in a.get("/admin/audit?kind=agent_created").body
