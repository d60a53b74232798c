"""test_calls.py: the phone robot — a call asked for from a case, sent
through the outbox within the rules (window, do-not-call list, attempts,
retry delays), and each answer's follow-up on the case and the order; the
signed callback refuses everything that is not the robot's."""
import glob
from datetime import datetime, timedelta, timezone
import hashlib
import hmac
import json
import re
import time
import urllib.request

import fixtures as fx
from client import Client

ORDER = 72
FAST = {"dispatch_interval": "1s", "dispatch_backoff": "0s", "dispatch_backoff_max": "0s"}
_phone = [0]
SHOP = timezone(timedelta(hours=8))     # the stack's [server] time_zone


def con(st, sql):
    return st.sql(sql, database="ordermend")


def one(st, sql):
    rows = con(st, sql)
    return rows[0][0] if rows and rows[0][0] != "NULL" else None


def lead(st):
    return Client(st.url).login("lead", "demo-lead")


def sim(st, path, body):
    req = urllib.request.Request(st.upstream_url + path, data=json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.loads(r.read() or b"{}")


def all_day(st):
    """Every script may call at any time of day (the tests do not depend on
    the time they run); the robot answers nothing by itself."""
    con(st, "UPDATE call_scripts SET window_start = '00:00', window_end = '24:00'")
    sim(st, "/_sim/robot", {"hold": True, "rules": []})


def phone():
    _phone[0] += 1
    return "1370000%04d" % _phone[0]


def short_order(st, restock="NOW() + INTERVAL 3 DAY"):
    """A paid order whose one product is short at its warehouse, its case
    found; returns (order_id, order_no, case_id)."""
    p = fx.product(st, "缺货测试商品", 10000)
    sku = "FX-%d" % p
    fx.exec_sql(st, "INSERT INTO inventory (sku, warehouse, on_hand, reserved, restock_at,"
                " updated_at) VALUES (%s, 'SH-01', 1, 2, %s, NOW());" % (fx.q(sku), restock))
    oid, no = fx.order(st, status="paid", receiver_phone=phone(), paid_at=None)
    fx.exec_sql(st, "UPDATE orders SET paid_at = NOW() - INTERVAL 1 HOUR WHERE id = %d;" % oid)
    fx.item(st, oid, p, "缺货测试商品", 10000, 10000)
    st.scan_once()
    cid = one(st, "SELECT id FROM cases WHERE order_id = %d AND kind = 'stock_shortage'"
                  " AND live = 1" % oid)
    assert cid, "no stock_shortage case for %s" % no
    return oid, no, cid


def ask(st, c, no, cid, script, expect=303):
    r = c.post("/orders/%s/act/call?case=%s" % (no, cid), {"script": script})
    assert r.status == expect, (r.status, r.body[:400])
    return r


def call_of(st, oid, script):
    rows = con(st, "SELECT id, attempt, state, outbox_id FROM calls WHERE order_id = %d AND"
                   " script = '%s' ORDER BY id DESC LIMIT 1" % (oid, script))
    return rows[0] if rows else None


def callback(st, body, secret=None, ts=None, sign=True, raw=None):
    """POST /hooks/robot as the robot would (signed with the stack's
    secret), or as someone else."""
    data = raw if raw is not None else json.dumps(body, ensure_ascii=False).encode()
    ts = str(int(time.time()) if ts is None else ts)
    key = (secret or st.robot_secret).encode()
    headers = {"Content-Type": "application/json", "X-Robot-Timestamp": ts}
    if sign:
        headers["X-Robot-Signature"] = "sha256=" + hmac.new(key, ts.encode() + b"." + data,
                                                            hashlib.sha256).hexdigest()
    req = urllib.request.Request(st.url + "/hooks/robot", data=data, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"{}")


_cb = [0]


def result(ref, status="answered", intent=None, **kw):
    _cb[0] += 1
    body = {"callback_id": "cb-test-%d-%d" % (int(time.time()), _cb[0]), "job_id": "J1",
            "ref": ref, "status": status, "duration": 40,
            "transcript_url": "https://robot.example/t/1",
            "ended_at": datetime.now(SHOP).isoformat(timespec="seconds")}
    if intent:
        body["intent"] = intent
        body["confidence"] = 0.95
    body.update(kw)
    return body


def sent(st, call_id, attempt):
    """Dispatch until the call's job reached the robot; its ref."""
    ref = "call-%s-%s" % (call_id, attempt)
    for _ in range(3):
        st.dispatch_once(settings=FAST)
        if one(st, "SELECT state FROM calls WHERE id = %s" % call_id) == "dialling":
            break
    assert one(st, "SELECT state FROM calls WHERE id = %s" % call_id) == "dialling"
    assert one(st, "SELECT state FROM outbox WHERE idem_key = '%s'" % ref) == "effective"
    return ref


def test_a_call_from_a_case_and_the_customer_waits(st):
    all_day(st)
    oid, no, cid = short_order(st)
    c = lead(st)
    page = c.get("/orders/%s/act/call?case=%s" % (no, cid)).body
    assert "缺货测试商品目前库存紧张，预计需要3天补货后发货" in page, page[:2000]
    ask(st, c, no, cid, "stock_shortage")
    call_id, attempt, state, _ = call_of(st, oid, "stock_shortage")
    assert (attempt, state) == ("1", "scheduled")
    # one at a time: a second request while it is on its way is refused
    r = ask(st, c, no, cid, "stock_shortage", expect=409)
    assert "已有一通同样的外呼" in r.body
    ref = sent(st, call_id, 1)
    # what the robot got: the job, with the text filled and the number
    reqs = json.loads(urllib.request.urlopen(st.upstream_url + "/_sim/requests?key=" + ref)
                      .read())["requests"]
    job = json.loads(reqs[0]["body"])
    assert job["jobs"][0]["ref"] == ref and job["jobs"][0]["script"] == "stock_shortage"
    assert job["callback_url"].endswith("/hooks/robot")
    assert set(job["jobs"][0]["intents"]) == {"wait", "substitute", "cancel"}
    status, j = callback(st, result(ref, intent="wait"))
    assert status == 200, j
    assert con(st, "SELECT state, intent, confidence, duration FROM calls WHERE id = %s"
               % call_id) == [["answered", "wait", "95", "40"]]
    restock = one(st, "SELECT DATE_FORMAT(restock_at, '%%Y-%%m-%%d %%H:%%i') FROM shop.inventory"
                      " WHERE sku = (SELECT sku FROM shop.order_items WHERE order_id = %d)" % oid)
    assert con(st, "SELECT state, DATE_FORMAT(wait_until, '%%Y-%%m-%%d %%H:%%i') FROM cases"
                   " WHERE id = %s" % cid) == [["waiting", restock]]
    history = c.get("/cases/%s" % cid).body
    assert "外呼「缺货沟通」已接通，客户：愿意等待" in history
    assert "智能外呼" in history


def test_a_customer_who_cancels_gets_the_order_cancelled(st):
    all_day(st)
    oid, no, cid = short_order(st)
    c = lead(st)
    ask(st, c, no, cid, "stock_shortage")
    call_id = call_of(st, oid, "stock_shortage")[0]
    ref = sent(st, call_id, 1)
    assert callback(st, result(ref, intent="cancel"))[0] == 200
    key = "robot-%s-cancel" % call_id
    assert con(st, "SELECT kind, actor_type, actor FROM outbox WHERE idem_key = '%s'" % key) == \
        [["cancel", "robot", "callbot"]]
    for _ in range(3):
        st.dispatch_once(settings=FAST)
    assert one(st, "SELECT status FROM shop.orders WHERE id = %d" % oid) == "cancelled"
    assert one(st, "SELECT state FROM cases WHERE id = %s" % cid) == "resolved"
    assert "已生效" in c.get("/orders/%s" % no).body


def test_not_reached_is_tried_again_later_then_handed_to_a_person(st):
    all_day(st)
    oid, no, cid = short_order(st)
    c = lead(st)
    ask(st, c, no, cid, "stock_shortage")
    delays = {"no_answer": 7200, "busy": 1800}
    for attempt, status in ((1, "no_answer"), (2, "busy")):
        call_id = call_of(st, oid, "stock_shortage")[0]
        ref = sent(st, call_id, attempt) if attempt == 1 else "call-%s-%s" % (call_id, attempt)
        before = int(one(st, "SELECT UNIX_TIMESTAMP(NOW())"))
        assert callback(st, result(ref, status=status))[0] == 200
        nxt, n, state, _ = call_of(st, oid, "stock_shortage")
        assert (n, state) == (str(attempt + 1), "scheduled"), (n, state)
        at = int(one(st, "SELECT UNIX_TIMESTAMP(scheduled_at) FROM calls WHERE id = %s" % nxt))
        assert before + delays[status] - 2 <= at <= before + delays[status] + 60, (at, before)
        # not sent before its time
        st.dispatch_once(settings=FAST)
        assert one(st, "SELECT state FROM calls WHERE id = %s" % nxt) == "scheduled"
        con(st, "UPDATE calls SET scheduled_at = NOW() WHERE id = %s" % nxt)
        con(st, "UPDATE outbox SET next_at = NOW() WHERE id = (SELECT outbox_id FROM calls"
                " WHERE id = %s)" % nxt)
        sent(st, nxt, attempt + 1)
    # the third (the last [robot] attempts allows) not reached either: a person's
    call_id = call_of(st, oid, "stock_shortage")[0]
    assert callback(st, result("call-%s-3" % call_id, status="voicemail"))[0] == 200
    assert con(st, "SELECT COUNT(*) FROM calls WHERE order_id = %d" % oid) == [["3"]]
    assert con(st, "SELECT state, assignee_id FROM cases WHERE id = %s" % cid) == \
        [["open", "NULL"]]
    assert "外呼 3 次都没有联系上客户" in one(
        st, "SELECT detail FROM case_events WHERE case_id = %s AND kind = 'handed'" % cid)
    r = ask(st, c, no, cid, "stock_shortage", expect=409)
    assert "次数已用完" in r.body


def test_outside_the_window_it_waits_for_it(st):
    all_day(st)
    oid, no, cid = short_order(st)
    # a one-minute window that began two minutes ago: the next is tomorrow's
    con(st, "UPDATE call_scripts SET window_start = DATE_FORMAT(NOW() - INTERVAL 2 MINUTE,"
            " '%H:%i'), window_end = DATE_FORMAT(NOW() - INTERVAL 1 MINUTE, '%H:%i')"
            " WHERE code = 'order_confirm'")
    ws, we = con(st, "SELECT window_start, window_end FROM call_scripts"
                     " WHERE code = 'order_confirm'")[0]
    if we < ws:     # the window crosses midnight this minute: use the next ones
        con(st, "UPDATE call_scripts SET window_start = '23:58', window_end = '23:59'"
                " WHERE code = 'order_confirm'")
    c = lead(st)
    ask(st, c, no, cid, "order_confirm")
    call_id, _, state, box = call_of(st, oid, "order_confirm")
    start = one(st, "SELECT window_start FROM call_scripts WHERE code = 'order_confirm'")
    at = one(st, "SELECT DATE_FORMAT(scheduled_at, '%%H:%%i') FROM calls WHERE id = %s" % call_id)
    assert at == start and state == "scheduled"
    assert int(one(st, "SELECT TIMESTAMPDIFF(SECOND, NOW(), scheduled_at) FROM calls"
                       " WHERE id = %s" % call_id)) > 0
    assert "允许外呼的时段" in one(st, "SELECT why_then FROM calls WHERE id = %s" % call_id)
    st.dispatch_once(settings=FAST)
    assert one(st, "SELECT state FROM outbox WHERE id = %s" % box) == "queued"
    all_day(st)


def test_a_customer_who_asks_not_to_be_called_is_not_called_again(st):
    all_day(st)
    oid, no, cid = short_order(st)
    c = lead(st)
    ask(st, c, no, cid, "stock_shortage")
    call_id = call_of(st, oid, "stock_shortage")[0]
    ref = sent(st, call_id, 1)
    assert callback(st, result(ref, intent="dnc"))[0] == 200
    tail = one(st, "SELECT RIGHT(receiver_phone, 4) FROM shop.orders WHERE id = %d" % oid)
    assert one(st, "SELECT phone_tail FROM dnc WHERE phone_tail = '%s'" % tail) == tail
    assert one(st, "SELECT kind FROM audit_log WHERE kind = 'dnc_added' ORDER BY id DESC"
                   " LIMIT 1") == "dnc_added"
    r = ask(st, c, no, cid, "order_confirm", expect=409)
    assert "免打扰" in r.body


def test_a_script_needs_what_it_names(st):
    all_day(st)
    # no restock date: the shortage script cannot say how many days
    oid, no, cid = short_order(st, restock="NULL")
    c = lead(st)
    page = c.get("/orders/%s/act/call?case=%s" % (no, cid)).body
    assert "订单缺少「DAYS」" in page
    r = ask(st, c, no, cid, "stock_shortage", expect=400)
    assert "DAYS" in r.body
    assert call_of(st, oid, "stock_shortage") is None
    assert ask(st, c, no, cid, "nosuch", expect=400)
    # an agent without call_request may not
    con(st, "DELETE FROM role_permissions WHERE role = 'agent' AND permission = 'call_request'")
    try:
        a = Client(st.url).login("agent", "demo-agent")
        assert a.post("/orders/%s/act/call" % no, {"script": "order_confirm"}).status == 403
    finally:
        con(st, "INSERT IGNORE INTO role_permissions VALUES ('agent', 'call_request')")


def test_bad_callbacks_change_nothing(st):
    all_day(st)
    oid, no, cid = short_order(st)
    c = lead(st)
    ask(st, c, no, cid, "stock_shortage")
    call_id = call_of(st, oid, "stock_shortage")[0]
    ref = sent(st, call_id, 1)
    good = result(ref, intent="wait")
    checks = "CHECKSUM TABLE calls, cases, case_events, outbox, robot_callbacks"
    before = con(st, checks)
    for body, kw, want in (
            (good, {"sign": False}, 401),
            (good, {"secret": "not-the-secret"}, 401),
            (good, {"ts": int(time.time()) - 3600}, 401),
            (good, {"ts": int(time.time()) + 3600}, 401),
            (None, {"raw": b"{not json"}, 400),
            (None, {"raw": b"[1, 2]"}, 400),
            (dict(good, status="exploded"), {}, 400),
            (dict(good, ref="call-999999999-1"), {}, 404),
            (dict(good, ref="call-%s-2" % call_id), {}, 404),
            (dict(good, intent="teleport"), {}, 422)):
        status, j = callback(st, body, **kw)
        assert status == want, (body, kw, status, j)
    assert con(st, checks) == before
    # the good one, then again: the same callback once
    assert callback(st, good)[0] == 200
    after = con(st, checks)
    assert callback(st, good) == (200, {"ok": True, "message": "这个回调已经处理过了。"})
    assert con(st, checks) == after
    # another result for a call that has one
    assert callback(st, result(ref, intent="cancel"))[0] == 409
    assert con(st, checks) == after
    log = "".join(open(p, errors="replace").read() for p in glob.glob(st.logs + "/*.log"))
    assert "robot_callback_refused status=401" in log and "status=422" in log


def order_with(st, **kw):
    """An order of one item (list ¥100) with its own number; (id, no)."""
    p = fx.product(st, "外呼测试商品", 10000)
    unit = kw.pop("unit", 10000)
    oid, no = fx.order(st, receiver_phone=phone(), **kw)
    fx.item(st, oid, p, "外呼测试商品", 10000, unit)
    fx.exec_sql(st, "UPDATE orders SET goods_amount = %d, pay_amount = %d, paid_amount ="
                " IF(status = 'pending', 0, %d) WHERE id = %d;" % (unit, unit, unit, oid))
    return oid, no


def call_order(st, c, no, oid, script, case=None):
    url = "/orders/%s/act/call" % no + ("?case=%s" % case if case else "")
    r = c.post(url, {"script": script})
    assert r.status == 303, (r.status, r.body[:300])
    call_id = call_of(st, oid, script)[0]
    return call_id, sent(st, call_id, 1)


def test_a_price_the_customer_accepts_is_corrected(st):
    all_day(st)
    oid, no = order_with(st, status="pending", created="NOW - 5 MINUTE", unit=3000)
    c = lead(st)
    page = c.get("/orders/%s/act/call" % no).body
    assert "显示为30.00元，正确价格为100.00元" in page
    call_id, ref = call_order(st, c, no, oid, "price_correction")
    assert callback(st, result(ref, intent="accept"))[0] == 200
    body = json.loads(one(st, "SELECT body FROM outbox WHERE idem_key = 'robot-%s-price'"
                              % call_id))
    assert body["items"][0]["unit_price"] == 10000 and body["agreed_by"] == "customer_call"
    for _ in range(3):
        st.dispatch_once(settings=FAST)
    assert one(st, "SELECT unit_price FROM shop.order_items WHERE order_id = %d" % oid) == "10000"


def test_a_new_address_heard_with_little_confidence_waits_for_a_person(st):
    all_day(st)
    slots = {"province": "浙江省", "city": "杭州市", "district": "西湖区",
             "detail": "文三路 90 号", "receiver_name": "新收件人"}
    c = lead(st)
    states = []
    for confidence in (0.6, 0.93):
        oid, no = order_with(st, status="paid")
        call_id, ref = call_order(st, c, no, oid, "address_confirm")
        assert callback(st, result(ref, intent="new_address", slots=slots,
                                   confidence=confidence))[0] == 200
        states.append(one(st, "SELECT state FROM outbox WHERE idem_key = 'robot-%s-address'"
                              % call_id))
        follow = one(st, "SELECT follow_up FROM calls WHERE id = %s" % call_id)
    assert states == ["approval", "queued"], states
    # the held one: an agent checks it and sends it on in one click
    held = one(st, "SELECT MIN(id) FROM outbox WHERE state = 'approval' AND actor_type = 'robot'"
                   " AND kind = 'address'")
    a = Client(st.url).login("agent", "demo-agent")
    assert "核对无误，发送" in a.get("/actions?view=open").body
    r = a.post("/actions/%s/confirm" % held, {})
    assert r.status == 303, r.status
    assert con(st, "SELECT state, approval_note FROM outbox WHERE id = %s" % held) == \
        [["queued", "核对无误"]]
    assert one(st, "SELECT kind FROM audit_log WHERE kind = 'action_confirmed' ORDER BY id"
                   " DESC LIMIT 1") == "action_confirmed"
    assert a.post("/actions/%s/confirm" % held, {}).status == 409
    for _ in range(3):
        st.dispatch_once(settings=FAST)
    assert st.sql("SELECT province, address_detail, receiver_name FROM orders WHERE id = %d"
                  % oid, database="shop") == [["浙江省", "文三路 90 号", "新收件人"]]
    assert follow == "修改地址"
    # without the district the robot's address is a person's to take
    oid, no = order_with(st, status="paid")
    call_id, ref = call_order(st, c, no, oid, "address_confirm")
    part = dict(slots)
    del part["district"]
    assert callback(st, result(ref, intent="new_address", slots=part))[0] == 200
    assert one(st, "SELECT COUNT(*) FROM outbox WHERE idem_key = 'robot-%s-address'"
                   % call_id) == "0"
    assert "转人工" in one(st, "SELECT follow_up FROM calls WHERE id = %s" % call_id)


def test_a_survey_keeps_the_score_and_the_tags(st):
    all_day(st)
    oid, no = order_with(st, status="completed")
    fx.exec_sql(st, "UPDATE orders SET shipped_at = NOW() - INTERVAL 3 DAY,"
                " delivered_at = NOW() - INTERVAL 1 DAY WHERE id = %d;" % oid)
    c = lead(st)
    call_id, ref = call_order(st, c, no, oid, "satisfaction_survey")
    assert callback(st, result(ref, intent="rated", slots={
        "score": 2, "feedback": "尺码偏小", "tags": ["size", "quality"]}))[0] == 200
    assert con(st, "SELECT state, score, tags, follow_up FROM calls WHERE id = %s"
               % call_id) == [["answered", "2", "size,quality", "记录评价"]]
    # a score out of 1..5 is not one
    oid, no = order_with(st, status="completed")
    call_id, ref = call_order(st, c, no, oid, "satisfaction_survey")
    assert callback(st, result(ref, intent="rated", slots={"score": 9}))[0] == 200
    assert one(st, "SELECT score FROM calls WHERE id = %s" % call_id) is None


def test_the_robot_answers_by_itself(st):
    """The stand-in calls back on its own, signed: a wait, end to end."""
    all_day(st)
    oid, no, cid = short_order(st)
    sim(st, "/_sim/robot", {"hold": False, "delay_ms": 50,
                            "rules": [{"script": "stock_shortage", "status": "answered",
                                       "intent": "wait", "confidence": 0.9}]})
    try:
        ask(st, lead(st), no, cid, "stock_shortage")
        call_id = call_of(st, oid, "stock_shortage")[0]
        sent(st, call_id, 1)
        for _ in range(100):
            if one(st, "SELECT state FROM calls WHERE id = %s" % call_id) == "answered":
                break
            time.sleep(0.1)
        assert con(st, "SELECT state, intent FROM calls WHERE id = %s" % call_id) == \
            [["answered", "wait"]]
        assert one(st, "SELECT state FROM cases WHERE id = %s" % cid) == "waiting"
    finally:
        sim(st, "/_sim/robot", {"hold": True, "rules": []})


def past_call(st, user_id, hour, state, days_ago=1):
    """A finished call of user_id's that ended at hour:10, days_ago."""
    con(st, "INSERT INTO calls (order_id, order_no, user_id, script, attempt, state,"
            " scheduled_at, why_then, actor_type, actor, created_at, updated_at, ended_at)"
            " VALUES (1, 'x', %d, 'order_confirm', 1, '%s', @t := TIMESTAMP(CURDATE()"
            " - INTERVAL %d DAY, MAKETIME(%d, 10, 0)), '', 'cli', 'test', @t, @t, @t)"
            % (user_id, state, days_ago, hour))


def best_call(st, oid, no):
    r = lead(st).post("/orders/%s/act/call" % no, {"script": "order_confirm", "best": "1"})
    assert r.status == 303, r.body[:300]
    return con(st, "SELECT HOUR(scheduled_at), why_then, TIMESTAMPDIFF(MINUTE, NOW(),"
                   " scheduled_at) FROM calls WHERE order_id = %d ORDER BY id DESC LIMIT 1"
                   % oid)[0]


def next_start(st, hour):
    """Minutes from now to the next start of hour (0 when in it now)."""
    return int(one(st, "SELECT TIMESTAMPDIFF(MINUTE, NOW(), IF(HOUR(NOW()) = %d, NOW(),"
                       " TIMESTAMP(CURDATE() + INTERVAL (HOUR(NOW()) > %d) DAY,"
                       " MAKETIME(%d, 0, 0))))" % (hour, hour, hour)))


def test_the_best_time_to_call(st):
    all_day(st)
    # their own history: four of five calls answered between 20:00 and 21:00
    oid, no = order_with(st, status="paid")
    uid = int(one(st, "SELECT user_id FROM shop.orders WHERE id = %d" % oid))
    for state in ("answered", "answered", "answered", "answered"):
        past_call(st, uid, 20, state)
    past_call(st, uid, 10, "no_answer")
    hour, why, minutes = best_call(st, oid, no)
    assert hour == "20" and why == "之前 5 次外呼中有 4 次在 20:00–21:00 接通", why
    assert abs(int(minutes) - next_start(st, 20)) <= 1
    # no calls, but the app: mostly between 21:00 and 22:00
    oid, no = order_with(st, status="paid")
    uid = int(one(st, "SELECT user_id FROM shop.orders WHERE id = %d" % oid))
    for d in range(1, 6):
        fx.exec_sql(st, "INSERT INTO user_events (id, user_id, kind, created_at) VALUES"
                    " (%d, %d, 'app_open', TIMESTAMP(CURDATE() - INTERVAL %d DAY,"
                    " '21:30:00'));" % (fx.new_id(st), uid, d))
    hour, why, _ = best_call(st, oid, no)
    assert hour == "21" and why.startswith("客户常在 21:00–22:00 下单或使用 App"), why
    # nothing of theirs: everyone's best hour, as computed here
    for h, n, k in ((11, 10, 9), (15, 10, 3), (18, 6, 5)):
        for i in range(n):
            past_call(st, 1, h, "answered" if i < k else "no_answer", days_ago=2)
    rows = con(st, "SELECT HOUR(ended_at), COUNT(*), SUM(state = 'answered') FROM calls"
                   " WHERE ended_at > NOW() - INTERVAL 30 DAY GROUP BY 1 ORDER BY 1")
    rate = {int(h): (int(n), int(k)) for h, n, k in rows}
    best = None
    for h in sorted(rate):
        n, k = rate[h]
        if n >= 5 and (best is None or k * rate[best][0] > rate[best][1] * n):
            best = h
    oid, no = order_with(st, status="paid")
    hour, why, _ = best_call(st, oid, no)
    assert int(hour) == best, (hour, why, rate)
    assert why == "所有客户在 %02d:00–%02d:00 接听率最高（%d%%）" % (
        best, best + 1, rate[best][1] * 100 // rate[best][0])
    con(st, "DELETE FROM calls WHERE actor = 'test'")


def shortage_incident(st, n):
    """n paid orders short of one SKU at one warehouse, found together: an
    incident.  Returns (incident id, sku)."""
    p = fx.product(st, "双11爆款", 10000)
    sku = "FX-%d" % p
    sql = ["INSERT INTO inventory (sku, warehouse, on_hand, reserved, restock_at, updated_at)"
           " VALUES (%s, 'SH-02', 0, %d, NOW() + INTERVAL 4 DAY, NOW());" % (fx.q(sku), n)]
    for _ in range(n):
        uid, oid, iid = fx.new_id(st), fx.new_id(st), fx.new_id(st)
        sql.append("INSERT INTO users (id, name, phone, level, city, registered_at, updated_at)"
                   " VALUES (%d, '买家', '%s', 'normal', '上海', NOW(), NOW());" % (uid, phone()))
        sql.append("INSERT INTO orders (id, order_no, user_id, status, channel, goods_amount,"
                   " discount_amount, coupon_amount, shipping_fee, pay_amount, paid_amount,"
                   " refunded_amount, receiver_name, receiver_phone, province, city, district,"
                   " address_detail, warehouse, remark, created_at, updated_at, paid_at) VALUES"
                   " (%d, '9%015d', %d, 'paid', 'app', 10000, 0, 0, 0, 10000, 10000, 0, '买家',"
                   " '%s', '上海市', '上海市', '浦东新区', '世纪大道1号', 'SH-02', '',"
                   " NOW() - INTERVAL 40 MINUTE, NOW() - INTERVAL 40 MINUTE,"
                   " NOW() - INTERVAL 30 MINUTE);" % (oid, oid, uid, phone()))
        sql.append("INSERT INTO order_items (id, order_id, product_id, sku, product_name, spec,"
                   " list_price, unit_price, qty, amount) VALUES (%d, %d, %d, %s, '双11爆款', '',"
                   " 10000, 10000, 1, 10000);" % (iid, oid, p, fx.q(sku)))
        sql.append("INSERT INTO payments (id, order_id, payment_no, channel, trade_no, amount,"
                   " status, created_at, paid_at, updated_at) VALUES (%d, %d, 'PN%d', 'alipay',"
                   " 'TN%d', 10000, 'success', NOW() - INTERVAL 30 MINUTE,"
                   " NOW() - INTERVAL 30 MINUTE, NOW() - INTERVAL 30 MINUTE);"
                   % (fx.new_id(st), oid, oid, oid))
    fx.exec_sql(st, "\n".join(sql))
    st.scan_once()
    inc = one(st, "SELECT incident_id FROM cases WHERE sku = '%s' AND live = 1"
                  " GROUP BY incident_id" % sku)
    assert inc, "no incident"
    assert one(st, "SELECT COUNT(*) FROM cases WHERE incident_id = %s AND live = 1" % inc) \
        == str(n)
    return inc, sku


def test_an_incident_becomes_a_campaign_in_two_clicks(st):
    all_day(st)
    inc, sku = shortage_incident(st, 200)
    c = lead(st)
    page = c.get("/incidents/%s" % inc).body                     # click one
    form = re.search(r'<form method="post" action="(/campaigns)"(.*?)</form>', page, re.S)
    assert form and 'value="stock_shortage" selected' in form.group(2)
    r = c.post("/campaigns", {"incident": inc, "script": "stock_shortage"})   # click two
    assert r.status == 303, r.body[:300]
    cid = re.search(r"/campaigns/(\d+)$", r.header("location")).group(1)
    assert con(st, "SELECT state, asked, skipped FROM campaigns WHERE id = %s" % cid) == \
        [["running", "200", "0"]]
    # time passes to each call's hour (the best hour may be later today)
    con(st, "UPDATE outbox o JOIN calls c ON o.id = c.outbox_id SET o.next_at = NOW(),"
            " c.scheduled_at = NOW() WHERE c.campaign_id = %s" % cid)
    # the line holds five calls: the robot keeps them until released
    sim(st, "/_sim/robot", {"hold": True, "rules": []})
    line = dict(FAST, robot_in_flight="5", dispatch_batch="50")
    for _ in range(2):
        st.dispatch_once(settings=line)
        assert one(st, "SELECT COUNT(*) FROM calls WHERE campaign_id = %s AND state ="
                       " 'dialling'" % cid) == "5"
    # paused: nothing more goes out; resumed: it does
    assert c.post("/campaigns/%s/pause" % cid, {}).status == 303
    sim(st, "/_sim/robot/release", {})
    wait_for(st, "SELECT COUNT(*) FROM calls WHERE campaign_id = %s AND state = 'answered'"
                 % cid, "5")
    st.dispatch_once(settings=line)
    assert one(st, "SELECT COUNT(*) FROM calls WHERE campaign_id = %s AND state = 'dialling'"
                   % cid) == "0"
    assert c.post("/campaigns/%s/resume" % cid, {}).status == 303
    # the customers answer in turn: wait, substitute, cancel
    sim(st, "/_sim/robot", {"hold": False, "delay_ms": 0, "rules": [{
        "script": "stock_shortage", "cycle": [
            {"status": "answered", "intent": "wait", "confidence": 0.9},
            {"status": "answered", "intent": "substitute", "confidence": 0.9},
            {"status": "answered", "intent": "cancel", "confidence": 0.9}]}]})
    fast = dict(FAST, robot_in_flight="50", dispatch_batch="100")
    for _ in range(60):
        st.dispatch_once(settings=fast)
        if one(st, "SELECT COUNT(*) FROM calls WHERE campaign_id = %s AND state = 'answered'"
                   % cid) == "200":
            break
        time.sleep(0.1)
    for _ in range(3):
        st.dispatch_once(settings=fast)
    got = con(st, "SELECT c.intent, k.state, k.assignee_id IS NULL, o.status FROM calls c"
                  " JOIN cases k ON k.id = c.case_id JOIN shop.orders o ON o.id = c.order_id"
                  " WHERE c.campaign_id = %s" % cid)
    assert len(got) == 200
    want = {"wait": ("waiting", "paid"), "substitute": ("open", "paid"),
            "cancel": ("resolved", "cancelled")}
    mix = {}
    for intent, state, _, status in got:
        assert (state, status) == want[intent], (intent, state, status)
        mix[intent] = mix.get(intent, 0) + 1
    assert set(mix) == set(want) and min(mix.values()) >= 60, mix
    assert int(one(st, "SELECT COUNT(*) FROM case_events e JOIN calls c ON c.case_id ="
                       " e.case_id WHERE c.campaign_id = %s AND c.intent = 'substitute'"
                       " AND e.kind = 'handed'" % cid)) == mix["substitute"]
    # the campaign's page counts them
    j = c.get("/campaigns/%s?format=json" % cid).json()
    assert j["answered"] == 200
    assert {o["label"]: o["count"] for o in j["outcomes"]} == {
        "愿意等待": mix["wait"], "换购其他商品": mix["substitute"], "取消订单": mix["cancel"]}
    # the incident's page shows what became of each: waiting, open again, closed
    rows = c.get("/incidents/%s?format=json" % inc).json()["rows"]
    assert {r["state"] for r in rows} <= {"waiting", "open"}
    assert sum(r["state"] == "waiting" for r in rows) == mix["wait"]
    sim(st, "/_sim/robot", {"hold": True, "rules": []})


def wait_for(st, sql, value, seconds=10):
    for _ in range(seconds * 10):
        if one(st, sql) == value:
            return
        time.sleep(0.1)
    assert one(st, sql) == value, sql


def test_a_campaign_stopped_or_ended_withdraws_what_was_not_dialled(st):
    all_day(st)
    inc, _ = shortage_incident(st, 12)
    c = lead(st)
    r = c.post("/campaigns", {"incident": inc, "script": "stock_shortage",
                              "starts_at": "", "cap": "5"})
    cid = re.search(r"/campaigns/(\d+)$", r.header("location")).group(1)
    assert one(st, "SELECT asked FROM campaigns WHERE id = %s" % cid) == "5"
    assert c.post("/campaigns/%s/stop" % cid, {}).status == 303
    assert con(st, "SELECT c.state, o.state FROM calls c JOIN outbox o ON o.id = c.outbox_id"
                   " WHERE c.campaign_id = %s GROUP BY 1, 2" % cid) == [["cancelled", "cancelled"]]
    assert c.post("/campaigns/%s/resume" % cid, {}).status == 409
    # another, whose end comes: the dispatcher ends it
    r = c.post("/campaigns", {"incident": inc, "script": "order_confirm"})
    cid = re.search(r"/campaigns/(\d+)$", r.header("location")).group(1)
    con(st, "UPDATE campaigns SET ends_at = NOW() - INTERVAL 1 SECOND WHERE id = %s" % cid)
    con(st, "UPDATE outbox o JOIN calls c ON o.id = c.outbox_id SET o.next_at ="
            " NOW() + INTERVAL 1 HOUR WHERE c.campaign_id = %s" % cid)
    st.dispatch_once(settings=FAST)
    assert one(st, "SELECT state FROM campaigns WHERE id = %s" % cid) == "ended"
    assert one(st, "SELECT COUNT(*) FROM calls WHERE campaign_id = %s AND state <> 'cancelled'"
                   % cid) == "0"
    # bad requests change nothing
    n = one(st, "SELECT COUNT(*) FROM campaigns")
    for form, status in (({"script": "stock_shortage"}, 400),
                         ({"incident": inc, "script": "stock_shortage", "cap": "0"}, 400),
                         ({"incident": inc, "script": "stock_shortage",
                           "ends_at": "2020-01-01T00:00"}, 400),
                         ({"incident": inc, "script": "nosuch"}, 400),
                         ({"incident": "999999999", "script": "stock_shortage"}, 409)):
        assert c.post("/campaigns", form).status == status, form
    assert one(st, "SELECT COUNT(*) FROM campaigns") == n
    a = Client(st.url).login("agent", "demo-agent")
    assert a.post("/campaigns", {"incident": inc, "script": "stock_shortage"}).status == 403


def test_a_customer_who_takes_a_substitute(st):
    all_day(st)
    cat = "换购测试%d" % fx.new_id(st)
    short = fx.product(st, "缺货的杯子", 10000, category=cat)
    subs = {}
    for name, price, stock in (("杯子 B", 9000, 5), ("杯子 C", 11500, 5), ("杯子 D", 13000, 5),
                               ("杯子 E", 9500, 5), ("杯子 F", 9900, 0)):
        p = fx.product(st, name, price, category=cat)
        subs[name] = "FX-%d" % p
        fx.exec_sql(st, "INSERT INTO inventory (sku, warehouse, on_hand, reserved, updated_at)"
                    " VALUES ('FX-%d', 'SH-01', %d, 0, NOW());" % (p, stock))
    fx.exec_sql(st, "INSERT INTO inventory (sku, warehouse, on_hand, reserved, restock_at,"
                " updated_at) VALUES ('FX-%d', 'SH-01', 0, 1, NOW() + INTERVAL 5 DAY, NOW());"
                % short)
    c = lead(st)
    cases = []
    for choice in (2, 7):
        oid, no = fx.order(st, status="paid", receiver_phone=phone(), paid_at=None)
        fx.exec_sql(st, "UPDATE orders SET paid_at = NOW() - INTERVAL 1 HOUR WHERE id = %d;"
                    % oid)
        fx.item(st, oid, short, "缺货的杯子", 10000, 10000)
        st.scan_once()
        cid = one(st, "SELECT id FROM cases WHERE order_id = %d AND kind = 'stock_shortage'"
                      " AND live = 1" % oid)
        call_id, ref = call_order(st, c, no, oid, "stock_shortage", case=cid)
        reqs = json.loads(urllib.request.urlopen(st.upstream_url + "/_sim/requests?key=" + ref)
                          .read())["requests"]
        options = json.loads(reqs[0]["body"])["jobs"][0]["options"]
        # the closest prices in the category, in stock: E, B, C (not D: 30% more; not F: none)
        assert [(o["choice"], o["name"], o["price"]) for o in options] == \
            [(1, "杯子 E", "95.00"), (2, "杯子 B", "90.00"), (3, "杯子 C", "115.00")], options
        assert callback(st, result(ref, intent="substitute", slots={"choice": choice}))[0] == 200
        cases.append((oid, no, cid, call_id))
    # a choice it offered: prepared, held for an agent's one click on the case
    oid, no, cid, call_id = cases[0]
    held = one(st, "SELECT id FROM outbox WHERE idem_key = 'robot-%s-substitute'" % call_id)
    assert one(st, "SELECT state FROM outbox WHERE id = %s" % held) == "approval"
    a = Client(st.url).login("agent", "demo-agent")
    page = a.get("/cases/%s" % cid).body
    assert "换购：缺货的杯子 换为 杯子 B" in page and "核对无误，发送" in page
    r = a.post("/actions/%s/confirm" % held, {"back": "/cases/%s" % cid})
    assert r.status == 303 and r.header("location").endswith("/cases/%s" % cid)
    for _ in range(3):
        st.dispatch_once(settings=FAST)
    assert st.sql("SELECT sku, unit_price FROM order_items WHERE order_id = %d" % oid,
                  database="shop") == [[subs["杯子 B"], "10000"]]
    assert one(st, "SELECT state FROM cases WHERE id = %s" % cid) == "resolved"
    # a choice it did not offer: a person's
    oid, no, cid, call_id = cases[1]
    assert one(st, "SELECT COUNT(*) FROM outbox WHERE idem_key = 'robot-%s-substitute'"
                   % call_id) == "0"
    assert "换购" in one(st, "SELECT detail FROM case_events WHERE case_id = %s AND kind ="
                           " 'handed'" % cid)


def test_a_campaign_from_cases_ticked_in_the_queue(st):
    all_day(st)
    picked = [short_order(st)[2] for _ in range(3)]
    c = lead(st)
    assert 'formaction="/queue/bulk/campaign"' in c.get("/queue").body
    # the bulk bar sends the ticked rows: the form asks for the script
    r = c.post("/queue/bulk/campaign", {"id": [str(x) for x in picked], "all": ""})
    assert r.status == 200 and "为选中的 <strong>3</strong> 个异常单" in r.body
    assert 'name="script" value="stock_shortage"' in r.body
    for x in picked:
        assert 'name="case" value="%s"' % x in r.body
    # or every case the filter matches
    r = c.post("/queue/bulk/campaign", {"all": "1", "kind": "stock_shortage",
                                        "sort": "due"})
    n = int(one(st, "SELECT COUNT(*) FROM cases WHERE kind = 'stock_shortage' AND live = 1"
                    " AND silence_id IS NULL AND incident_id IS NULL"))
    assert r.status == 200 and "为选中的 <strong>%d</strong> 个异常单" % min(n, 1000) in r.body
    assert Client(st.url).login("agent", "demo-agent").post(
        "/queue/bulk/campaign", {"id": [str(picked[0])]}).status == 403
    r = c.post("/campaigns", {"case": [str(x) for x in picked], "script": "stock_shortage"})
    assert r.status == 303
    cid = re.search(r"/campaigns/(\d+)$", r.header("location")).group(1)
    assert con(st, "SELECT COUNT(*) FROM calls WHERE campaign_id = %s" % cid) == [["3"]]
    assert sorted(int(x[0]) for x in con(st, "SELECT case_id FROM calls WHERE campaign_id = %s"
                                         % cid)) == sorted(int(x) for x in picked)
    assert c.post("/campaigns/%s/stop" % cid, {}).status == 303


def test_an_agent_is_put_through_without_seeing_the_number(st):
    oid, no = order_with(st, status="paid")
    number = one(st, "SELECT receiver_phone FROM shop.orders WHERE id = %d" % oid)
    a = Client(st.url).login("agent", "demo-agent")
    assert "/orders/%s/act/bridge" % no in a.get("/orders/%s" % no).body
    page = a.get("/orders/%s/act/bridge" % no).body
    assert number not in page
    key = re.search(r'name="key" value="([^"]+)"', page).group(1)
    for bad in ("", "12a4", "123456789"):
        r = a.post("/orders/%s/act/bridge" % no, {"key": key, "extension": bad})
        assert r.status == 400 and "分机号" in r.body, bad
    assert one(st, "SELECT COUNT(*) FROM outbox WHERE idem_key = '%s'" % key) == "0"
    r = a.post("/orders/%s/act/bridge" % no, {"key": key, "extension": "8001"})
    assert r.status == 303, r.body[:300]
    for _ in range(2):
        st.dispatch_once(settings=FAST)
    assert con(st, "SELECT state, service FROM outbox WHERE idem_key = '%s'" % key) == \
        [["effective", "robot"]]
    reqs = json.loads(urllib.request.urlopen(st.upstream_url + "/_sim/requests?key=" + key)
                      .read())["requests"]
    body = json.loads(reqs[0]["body"])
    assert body["phone"] == number and body["extension"] == "8001"
    order_page = a.get("/orders/%s" % no).body
    assert "接通客户：先呼分机 8001" in order_page and number not in order_page
    # the next time, the extension is remembered
    oid, no = order_with(st, status="paid")
    assert 'name="extension" value="8001"' in a.get("/orders/%s/act/bridge" % no).body


ADDRESS = {"province": "浙江省", "city": "杭州市", "district": "西湖区", "detail": "文三路 90 号"}


def test_every_script_answer_does_what_its_script_says(st):
    all_day(st)
    c = lead(st)
    plan = (("order_confirm", "confirmed", None, "resolved"),
            ("order_confirm", "change_address", ADDRESS, "address"),
            ("order_confirm", "cancel", None, "cancel"),
            ("price_correction", "accept", None, "handed"),    # paid: would pay more
            ("price_correction", "reject", None, "handed"),
            ("address_confirm", "confirmed", None, "resolved"),
            ("address_confirm", "new_address", ADDRESS, "address"),
            ("logistics_delay", "ok", None, "resolved"),
            ("logistics_delay", "wants_refund", None, "handed"),
            ("logistics_delay", "wants_human", None, "handed"),
            ("satisfaction_survey", "rated", {"score": 5, "tags": ["delivery"]}, "survey"),
            ("stock_shortage", "human", None, "handed"))
    for script, intent, slots, want in plan:
        oid, no, cid = short_order(st)
        # an item sold under its list price, for the price script's variables
        fx.exec_sql(st, "UPDATE order_items SET list_price = 20000 WHERE order_id = %d;" % oid)
        call_id, ref = call_order(st, c, no, oid, script, case=cid)
        status, j = callback(st, result(ref, intent=intent, slots=slots or {}))
        assert status == 200, (script, intent, j)
        state = one(st, "SELECT state FROM cases WHERE id = %s" % cid)
        if want == "resolved":
            assert state == "resolved", (script, intent, state)
        elif want == "handed":
            assert one(st, "SELECT COUNT(*) FROM case_events WHERE case_id = %s AND kind ="
                           " 'handed'" % cid) == "1", (script, intent)
        elif want == "survey":
            assert one(st, "SELECT score FROM calls WHERE id = %s" % call_id) == "5"
        else:
            assert one(st, "SELECT kind FROM outbox WHERE idem_key = 'robot-%s-%s'"
                           % (call_id, want)) == want, (script, intent)
        assert one(st, "SELECT COUNT(*) FROM case_events WHERE case_id = %s AND kind = 'call'"
                       % cid) == "1", (script, intent)


def test_a_campaign_takes_its_start_end_and_cap_from_the_form(st):
    all_day(st)
    picked = [short_order(st)[2] for _ in range(3)]
    c = lead(st)
    page = c.post("/queue/bulk/campaign", {"id": [str(x) for x in picked]}).body
    assert 'name="starts_at"' in page and 'name="ends_at"' in page and 'name="cap"' in page
    start = one(st, "SELECT DATE_FORMAT(NOW() + INTERVAL 1 DAY, '%Y-%m-%dT%H:%i')")
    end = one(st, "SELECT DATE_FORMAT(NOW() + INTERVAL 2 DAY, '%Y-%m-%dT%H:%i')")
    r = c.post("/campaigns", {"case": [str(x) for x in picked], "script": "order_confirm",
                              "starts_at": start, "ends_at": end, "cap": "2"})
    assert r.status == 303, r.body[:300]
    cid = re.search(r"/campaigns/(\d+)$", r.header("location")).group(1)
    assert con(st, "SELECT DATE_FORMAT(starts_at, '%%Y-%%m-%%dT%%H:%%i'), DATE_FORMAT(ends_at,"
                   " '%%Y-%%m-%%dT%%H:%%i'), cap, asked FROM campaigns WHERE id = %s" % cid) == \
        [[start, end, "2", "2"]]
    # none before its start
    assert int(one(st, "SELECT MIN(TIMESTAMPDIFF(MINUTE, NOW(), scheduled_at)) FROM calls"
                       " WHERE campaign_id = %s" % cid)) >= 23 * 60
    assert c.post("/campaigns/%s/stop" % cid, {}).status == 303
