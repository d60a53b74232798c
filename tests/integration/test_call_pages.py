"""test_call_pages.py: the phone robot's pages — /calls (filters, keyset
paging, JSON, the survey's summary against values computed here from SQL),
/admin/scripts (field errors that write nothing, a change audited with what
changed) and /admin/dnc (a number added as people write it, shown only by
its tail, a call to it refused, removed again), and who may open them."""
import hashlib
import hmac
import json

from client import Client
from test_calls import (all_day, call_of, call_order, callback, con, lead, one,
                        order_with, result)

ORDER = 73


def agent(st):
    return Client(st.url).login("agent", "demo-agent")


def survey_order(st):
    oid, no = order_with(st, status="completed")
    con(st, "UPDATE shop.orders SET shipped_at = NOW() - INTERVAL 3 DAY,"
            " delivered_at = NOW() - INTERVAL 1 DAY WHERE id = %d" % oid)
    return oid, no


def test_the_calls_list_filters_and_pages(st):
    all_day(st)
    c = lead(st)
    # one answered (through the form, the dispatcher and a signed callback),
    # one not reached, one still scheduled
    oid, no = order_with(st, status="paid")
    done_id, ref = call_order(st, c, no, oid, "address_confirm")
    assert callback(st, result(ref, intent="confirmed", duration=75))[0] == 200
    oid2, no2 = order_with(st, status="paid")
    busy_id, ref2 = call_order(st, c, no2, oid2, "address_confirm")
    assert callback(st, result(ref2, status="busy"))[0] == 200
    # the callback takes only http(s) links; the page does not trust the column either
    con(st, "UPDATE calls SET transcript_url = 'javascript:alert(1)' WHERE id = %s" % busy_id)
    retry_id = call_of(st, oid2, "address_confirm")[0]
    assert retry_id != busy_id
    oid3, no3 = order_with(st, status="paid")
    assert c.post("/orders/%s/act/call" % no3, {"script": "address_confirm"}).status == 303
    waiting_id = call_of(st, oid3, "address_confirm")[0]

    r = c.get("/calls")
    assert r.status == 200, r
    assert 'aria-current="page">外呼</a>' in r.body
    assert 'href="/orders/%s"' % no in r.body and "地址确认" in r.body
    assert 'data-label="状态"' in r.body

    j = c.get_json("/calls?order=%s" % no).json()
    row, = j["rows"]
    assert row["id"] == int(done_id) and row["order_no"] == no
    assert row["state"] == "answered" and row["state_label"] == "已接通"
    assert row["status"] == "answered" and row["status_label"] == "已接通"
    assert row["intent"] == "confirmed" and row["intent_label"] == "地址正确"
    assert row["follow_up"] == one(st, "SELECT follow_up FROM calls WHERE id = %s" % done_id)
    assert row["duration_s"] == 75 and row["duration"] == "1 分 15 秒"
    assert row["transcript_url"] == "https://robot.example/t/1" and row["has_transcript"]
    assert row["script"] == "address_confirm" and row["script_name"] == "地址确认"

    # only http(s) transcripts become links
    j = c.get_json("/calls?order=%s" % no2).json()
    by_id = {x["id"]: x for x in j["rows"]}
    assert by_id[int(busy_id)]["status_label"] == "占线"
    assert not by_id[int(busy_id)]["has_transcript"]
    assert by_id[int(retry_id)]["state"] == "scheduled"
    assert "javascript:" not in c.get("/calls?order=%s" % no2).body

    # the state groups
    ids = lambda path: {x["id"] for x in c.get_json(path).json()["rows"]}  # noqa: E731
    scheduled = ids("/calls?state=scheduled&script=address_confirm")
    assert {int(retry_id), int(waiting_id)} <= scheduled and int(done_id) not in scheduled
    finished = ids("/calls?state=finished&script=address_confirm")
    assert {int(done_id), int(busy_id)} <= finished and int(waiting_id) not in finished
    assert int(busy_id) in ids("/calls?status=busy") and int(done_id) not in ids(
        "/calls?status=busy")
    want = {int(x[0]) for x in con(st, "SELECT id FROM calls WHERE state IN ('scheduled',"
                                       " 'dialling') ORDER BY id DESC LIMIT 50")}
    assert ids("/calls?state=scheduled") == want

    # bad filters: 400 with each field's message, as HTML and as JSON
    for q, field in (("state=nosuch", "state"), ("status=exploded", "status"),
                     ("script=nosuch", "script"), ("order=12", "order"),
                     ("order=999999999999", "order"), ("before=-1", "before")):
        r = c.get("/calls?" + q)
        assert r.status == 400 and "field-error" in r.body, (q, r)
        r = c.get_json("/calls?" + q)
        assert r.status == 400 and field in r.json()["error"]["fields"], (q, r)

    # keyset paging: 50 a page, newest first, no row twice, none skipped
    # (copies of the scheduled call, whatever columns calls has by now)
    cols = [x[0] for x in con(st, "SELECT column_name FROM information_schema.columns"
                                  " WHERE table_schema = 'ordermend' AND table_name = 'calls'"
                                  " AND column_name <> 'id' ORDER BY ordinal_position")]
    vals = {"state": "'cancelled'", "why_then": "'分页测试'", "outbox_id": "NULL"}
    con(st, "INSERT INTO calls (%s) SELECT %s FROM calls, seq_1_to_60 WHERE calls.id = %s"
        % (", ".join(cols), ", ".join(vals.get(x, "calls." + x) for x in cols), waiting_id))
    try:
        want = [int(x[0]) for x in con(st, "SELECT id FROM calls WHERE order_id = %d"
                                           " ORDER BY id DESC" % oid3)]
        assert len(want) == 61
        seen, path, pages = [], "/calls?order=%s" % no3, 0
        while path:
            j = c.get_json(path).json()
            assert len(j["rows"]) <= 50
            seen += [x["id"] for x in j["rows"]]
            pages += 1
            path = j.get("next") if j.get("has_next") else None
            if path:
                assert "order=%s" % no3 in path and "before=%d" % seen[-1] in path
        assert seen == want and pages == 2
        r = c.get("/calls?order=%s&before=%d" % (no3, want[49]))
        assert r.status == 200 and "回到最新" in r.body
    finally:
        con(st, "DELETE FROM calls WHERE why_then = '分页测试'")


def test_the_survey_summary(st):
    all_day(st)
    c = lead(st)
    answers = [(5, ["service"]), (2, ["size", "quality"]), (4, ["size"]), (None, [])]
    nos = []
    for score, tags in answers:
        oid, no = survey_order(st)
        call_id, ref = call_order(st, c, no, oid, "satisfaction_survey")
        slots = {"feedback": "测试意见", "tags": tags}
        if score:
            slots["score"] = score
        assert callback(st, result(ref, intent="rated", slots=slots))[0] == 200
        nos.append(no)
    j = c.get_json("/calls?script=satisfaction_survey").json()
    assert j["is_survey"] is True
    s = j["survey"]
    calls, rated, avg = con(st, "SELECT COUNT(*), COUNT(score), COALESCE(ROUND(AVG(score), 2),"
                                " 0) FROM calls WHERE script = 'satisfaction_survey'")[0]
    assert (s["calls"], s["rated"], s["average"]) == (int(calls), int(rated), avg)
    per = {int(k): int(v) for k, v in con(st, "SELECT score, COUNT(*) FROM calls WHERE script ="
                                              " 'satisfaction_survey' AND score IS NOT NULL"
                                              " GROUP BY score")}
    assert {x["score"]: x["count"] for x in s["scores"]} == {k: per.get(k, 0) for k in range(1, 6)}
    counted = {}
    for (tags,) in con(st, "SELECT tags FROM calls WHERE script = 'satisfaction_survey'"
                           " AND tags <> ''"):
        for t in set(tags.split(",")):
            counted[t] = counted.get(t, 0) + 1
    assert {x["code"]: x["count"] for x in s["tags"]} == counted
    labels = {x["code"]: x["label"] for x in s["tags"]}
    assert labels["size"] == "尺码" and labels["service"] == "服务"
    # over one order only: the filters hold for the summary too
    s = c.get_json("/calls?script=satisfaction_survey&order=%s" % nos[1]).json()["survey"]
    assert (s["calls"], s["rated"], s["average"]) == (1, 1, "2.00")
    assert sorted(x["code"] for x in s["tags"]) == ["quality", "size"]
    r = c.get("/calls?script=satisfaction_survey")
    assert "平均" in r.body and "尺码" in r.body
    # not a survey: no summary
    j = c.get_json("/calls?script=address_confirm").json()
    assert j["is_survey"] is False and "survey" not in j


SCRIPT_COLS = "name, purpose, text, text_en, window_start, window_end, enabled"


def script_row(st, code):
    return con(st, "SELECT %s FROM call_scripts WHERE code = '%s'" % (SCRIPT_COLS, code))[0]


def audits(st, kind):
    return int(one(st, "SELECT COUNT(*) FROM audit_log WHERE kind = '%s'" % kind))


def test_scripts_are_edited_with_field_errors_and_audited(st):
    all_day(st)
    c = lead(st)
    r = c.get("/admin/scripts")
    assert r.status == 200, r
    for text in ("缺货沟通", "愿意等待", "等待补货", "换购其他商品", "要求不再来电", "只显示，不能修改"):
        assert text in r.body, text
    j = c.get_json("/admin/scripts").json()
    ss = {s["code"]: s for s in j["scripts"]}
    wait = [i for i in ss["stock_shortage"]["intents"] if i["intent"] == "wait"][0]
    assert (wait["label"], wait["does"], wait["does_label"]) == ("愿意等待", "wait", "等待补货")
    assert c.get("/admin/scripts/nosuch").status == 404
    page = c.get("/admin/scripts/logistics_delay")
    assert page.status == 200 and "{{ESTIMATE}}" in page.body and "{{CORRECT_PRICE}}" in page.body

    keep = script_row(st, "logistics_delay")
    good = dict(zip(SCRIPT_COLS.split(", "), keep))
    good["enabled"] = "1"
    before = audits(st, "script_updated")
    for change, field in (({"name": ""}, "name"),
                          ({"name": "名" * 65}, "name"),
                          ({"purpose": ""}, "purpose"),
                          ({"text": "您好，{{FOO}} 延误了"}, "text"),
                          ({"text": "您好，{{ESTIMATE 延误了"}, "text"),
                          ({"text_en": "Hello {{order_no}}"}, "text_en"),
                          ({"window_start": "9:00"}, "window_start"),
                          ({"window_start": "24:00", "window_end": "24:00"}, "window_start"),
                          ({"window_end": "25:00"}, "window_end"),
                          ({"window_start": "10:00", "window_end": "10:00"}, "window_end"),
                          ({"window_start": "10:00", "window_end": "09:59"}, "window_end")):
        c.get("/admin/scripts/logistics_delay")
        r = c.post("/admin/scripts/logistics_delay", dict(good, **change))
        assert r.status == 400, (change, r)
        assert "field-error" in r.body, change
        j = c.request("POST", "/admin/scripts/logistics_delay",
                      body=dict(good, csrf=c.csrf, **change),
                      headers={"Accept": "application/json"})
        assert j.status == 400 and field in j.json()["error"]["fields"], (change, j)
    assert script_row(st, "logistics_delay") == keep
    assert audits(st, "script_updated") == before
    # what was typed stays in the form
    c.get("/admin/scripts/logistics_delay")
    r = c.post("/admin/scripts/logistics_delay", dict(good, name="新名称", window_start="9:00"))
    assert 'value="新名称"' in r.body

    # a real change: saved, audited with what changed
    c.get("/admin/scripts/logistics_delay")
    new = dict(good, name="物流延误致歉（改）", window_start="08:30", window_end="24:00",
               text="您好，您的包裹预计{{ESTIMATE}}前送达，订单尾号{{ORDER_TAIL}}。")
    r = c.post("/admin/scripts/logistics_delay", new)
    assert r.status == 303, r
    assert script_row(st, "logistics_delay")[:6] == [new["name"], good["purpose"], new["text"],
                                                    good["text_en"], "08:30", "24:00"]
    assert audits(st, "script_updated") == before + 1
    target, detail = con(st, "SELECT target, detail FROM audit_log WHERE kind = 'script_updated'"
                             " ORDER BY id DESC LIMIT 1")[0]
    assert target == good["name"]
    assert "名称「%s」→「%s」" % (good["name"], new["name"]) in detail
    assert "外呼时段 %s–%s → 08:30–24:00" % (good["window_start"], good["window_end"]) in detail
    assert "话术改为" in detail and "英文" not in detail
    # the same again changes nothing and writes no audit row
    c.get("/admin/scripts/logistics_delay")
    assert c.post("/admin/scripts/logistics_delay", new).status == 303
    assert audits(st, "script_updated") == before + 1
    # turned off, a script cannot be used for a call
    c.get("/admin/scripts/logistics_delay")
    off = dict(new)
    del off["enabled"]
    assert c.post("/admin/scripts/logistics_delay", off).status == 303
    assert script_row(st, "logistics_delay")[6] == "0"
    assert "停用" in one(st, "SELECT detail FROM audit_log WHERE kind = 'script_updated'"
                             " ORDER BY id DESC LIMIT 1")
    # put back
    con(st, "UPDATE call_scripts SET name = '%s', text = '%s', enabled = 1 WHERE code ="
            " 'logistics_delay'" % (keep[0], keep[2]))
    all_day(st)


def fullwidth(s):
    return "".join(chr(ord(ch) + 0xfee0) if ch.isdigit() else ch for ch in s)


def test_the_do_not_call_list(st):
    all_day(st)
    c = lead(st)
    oid, no = order_with(st, status="paid")
    number = one(st, "SELECT receiver_phone FROM shop.orders WHERE id = %d" % oid)
    # its entry: the keyed hash under the console's own key
    key = bytes.fromhex(one(st, "SELECT HEX(value) FROM console_keys WHERE name = 'dnc'"))
    digest = hmac.new(key, number.encode(), hashlib.sha256).hexdigest()
    tail = number[-4:]
    added = audits(st, "dnc_added")
    # junk is refused and nothing is added
    for bad in ("12345", "2" * 11, "1381234567x", "+1 138 1234 5678", ""):
        c.get("/admin/dnc")
        r = c.post("/admin/dnc", {"phone": bad, "reason": "测试"})
        assert r.status == 400 and "field-error" in r.body, (bad, r)
    c.get("/admin/dnc")
    assert c.post("/admin/dnc", {"phone": number, "reason": ""}).status == 400
    assert one(st, "SELECT COUNT(*) FROM dnc WHERE phone_hash = '%s'" % digest) == "0"
    # as people write it: +86, full-width digits, spaces and dashes
    typed = "＋86 %s－%s %s" % (fullwidth(number[:3]), fullwidth(number[3:7]), number[7:])
    c.get("/admin/dnc")
    r = c.post("/admin/dnc", {"phone": typed, "reason": "客户来电要求不再外呼"})
    assert r.status == 303, r
    assert con(st, "SELECT d.phone_tail, d.reason, a.login FROM dnc d JOIN agents a"
                   " ON a.id = d.agent_id WHERE d.phone_hash = '%s'"
               % digest) == [[tail, "客户来电要求不再外呼", "lead"]]
    assert audits(st, "dnc_added") == added + 1
    # twice is once
    c.get("/admin/dnc")
    assert c.post("/admin/dnc", {"phone": number, "reason": "再来一次"}).status == 303
    assert audits(st, "dnc_added") == added + 1
    # shown by its tail only, never whole
    page = c.get("/admin/dnc?tail=%s" % tail)
    assert page.status == 200 and "尾号 %s" % tail in page.body
    assert number not in page.body and number not in c.get("/admin/dnc").body
    assert number not in r.body
    j = c.get_json("/admin/dnc?tail=%s" % tail).json()
    assert number not in json.dumps(j)
    row = [x for x in j["rows"] if x["hash"] == digest][0]
    assert (row["tail"], row["who"], row["reason"]) == (tail, "王主管", "客户来电要求不再外呼")
    assert c.get("/admin/dnc?tail=12a").status == 400
    # the robot does not call it
    r = c.post("/orders/%s/act/call" % no, {"script": "address_confirm"})
    assert r.status == 409 and "免打扰" in r.body, r
    assert call_of(st, oid, "address_confirm") is None
    # taken off again: audited, and the call goes
    removed = audits(st, "dnc_removed")
    c.get("/admin/dnc")
    assert c.post("/admin/dnc/%s/delete" % ("0" * 64)).status == 404
    assert c.post("/admin/dnc/nothex/delete").status == 404
    assert c.post("/admin/dnc/%s/delete" % digest).status == 303
    assert one(st, "SELECT COUNT(*) FROM dnc WHERE phone_hash = '%s'" % digest) == "0"
    assert audits(st, "dnc_removed") == removed + 1
    assert one(st, "SELECT target FROM audit_log WHERE kind = 'dnc_removed' ORDER BY id DESC"
                   " LIMIT 1") == "尾号 %s" % tail
    assert number not in "".join(r[0] for r in con(
        st, "SELECT CONCAT(COALESCE(target, ''), COALESCE(detail, '')) FROM audit_log"
            " WHERE kind LIKE 'dnc%%'"))
    assert c.post("/admin/dnc/%s/delete" % digest).status == 404
    c.get("/orders/%s" % no)
    assert c.post("/orders/%s/act/call" % no, {"script": "address_confirm"}).status == 303


def test_who_may_open_them(st):
    a = agent(st)
    assert a.get("/calls").status == 200
    for path in ("/admin/scripts", "/admin/scripts/order_confirm", "/admin/dnc"):
        r = a.get(path)
        assert r.status == 403 and "没有权限" in r.body, (path, r)
    a.get("/calls")
    for path, form in (("/admin/scripts/order_confirm", {"name": "x"}),
                       ("/admin/dnc", {"phone": "13800000000", "reason": "x"}),
                       ("/admin/dnc/%s/delete" % ("0" * 64), {})):
        assert a.post(path, form).status == 403, path
    # leads keep them: the admin menu lists them for a lead
    body = lead(st).get("/admin/dnc").body
    assert "外呼话术" in body and "免打扰名单" in body
    # a visitor is sent to sign in
    assert Client(st.url).get("/calls").status in (303, 401)
