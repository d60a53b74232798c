"""test_dispatch.py: the dispatcher keeps an action's effect to one, whatever
dies when: killed before its call, during it, after the service said done
but before it wrote that down; and two dispatchers over a thousand actions
send each once.  A service that keeps failing rests, without spending the
actions' attempts."""
import json
import os
import signal
import time
import urllib.request

ORDER = 76


def con(st, sql):
    return st.sql(sql, database="ordermend")


def one(st, sql):
    rows = con(st, sql)
    return rows[0][0] if rows and rows[0][0] != "NULL" else None


def sim(st, path, body=None):
    req = urllib.request.Request(st.upstream_url + path, method="POST" if body is not None
                                 else "GET", data=json.dumps(body).encode()
                                 if body is not None else None,
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.loads(r.read())


def requests_for(st, key):
    return sim(st, "/_sim/requests?key=" + key)["requests"]


def effects(st, key):
    return sim(st, "/_sim/effects?key=" + key)["effects"]


def sms_actions(st, n, prefix):
    """n SMS actions queued straight into the outbox (the form's checks are
    test_actions'); returns their keys."""
    no = one(st, "SELECT MIN(order_no) FROM shop.orders WHERE status = 'paid'")
    oid = one(st, "SELECT id FROM shop.orders WHERE order_no = '%s'" % no)
    body = json.dumps({"order_no": no, "phone": "13900001111", "template": "ship_delay",
                       "params": {"order_no": no, "name": "测试", "amount": "1.00"},
                       "operator": "cli:test"}, ensure_ascii=False)
    con(st, "INSERT INTO outbox (idem_key, request_hash, kind, service, path, body, order_id,"
            " order_no, summary, actor_type, actor, state, next_at, created_at, updated_at)"
            " SELECT CONCAT('%s', LPAD(seq, 6, '0')), SHA2(seq, 256), 'sms', 'sms',"
            " '/messages', '%s', %s, '%s', '短信：测试', 'cli', 'test', 'queued', NOW(3), NOW(),"
            " NOW() FROM seq_1_to_%d" % (prefix, body.replace("'", "''"), oid, no, n))
    return ["%s%06d" % (prefix, i) for i in range(1, n + 1)]


def state(st, key):
    return one(st, "SELECT state FROM outbox WHERE idem_key = '%s'" % key)


def wait_for(pred, timeout=60):
    end = time.time() + timeout
    while time.time() < end:
        if pred():
            return True
        time.sleep(0.2)
    return False


FAST = {"dispatch_lease": "5s", "dispatch_interval": "1s", "dispatch_backoff": "0s",
        "dispatch_backoff_max": "0s", "dispatch_breaker_failures": "100"}


def test_a_dispatcher_killed_before_its_call(st):
    [key] = sms_actions(st, 1, "kbefore")
    # what a kill -9 right after the claim leaves: taken, its lease running
    con(st, "UPDATE outbox SET state = 'sending', leased_by = 'gone:1', attempts = 1,"
            " lease_until = NOW(3) + INTERVAL 2 SECOND WHERE idem_key = '%s'" % key)
    st.dispatch_once(settings=FAST)
    assert state(st, key) == "sending"          # still leased: left alone
    time.sleep(2.2)
    st.dispatch_once(settings=FAST)
    assert state(st, key) == "effective"
    assert len(requests_for(st, key)) == 1 and effects(st, key) == 1


def test_a_dispatcher_killed_during_its_call(st):
    [key] = sms_actions(st, 1, "kduring")
    sim(st, "/_sim/faults", {"service": "sms", "hang": True})
    try:
        pid = st.start_dispatcher("dispatcher", settings=FAST)
        assert wait_for(lambda: state(st, key) == "sending", 30)
        time.sleep(0.5)                 # its request is at the service, unanswered
        os.kill(pid, signal.SIGKILL)
        st.stop_dispatcher("dispatcher")
        assert state(st, key) == "sending"
    finally:
        sim(st, "/_sim/reset", {})      # the hung request is served now
    assert wait_for(lambda: effects(st, key) == 1, 10)
    pid = st.start_dispatcher("dispatcher", settings=FAST)
    try:
        assert wait_for(lambda: state(st, key) == "effective", 30), state(st, key)
    finally:
        st.stop_dispatcher("dispatcher")
    reqs = requests_for(st, key)
    assert len(reqs) == 2 and effects(st, key) == 1, reqs   # sent again, one effect


def test_a_dispatcher_killed_after_the_answer(st):
    [key] = sms_actions(st, 1, "kafter")
    body = one(st, "SELECT body FROM outbox WHERE idem_key = '%s'" % key)
    # the call went through, then the dispatcher died before writing it down
    req = urllib.request.Request(st.upstream_url + "/v1/messages", data=body.encode(),
                                 headers={"Content-Type": "application/json",
                                          "Idempotency-Key": key,
                                          "Authorization": "Bearer " +
                                          st.upstream_token("sms")})
    with urllib.request.urlopen(req, timeout=10) as r:
        assert r.status == 200
    con(st, "UPDATE outbox SET state = 'sending', leased_by = 'gone:2', attempts = 1,"
            " lease_until = NOW(3) - INTERVAL 1 SECOND WHERE idem_key = '%s'" % key)
    st.dispatch_once(settings=FAST)
    assert state(st, key) == "effective"
    assert len(requests_for(st, key)) == 2 and effects(st, key) == 1


def test_two_dispatchers_send_each_action_once(st):
    keys = sms_actions(st, 1000, "pair")
    # each answer takes a few milliseconds, as a real service's would: a
    # batch is in flight while the other dispatcher takes the next one
    sim(st, "/_sim/faults", {"service": "sms", "delay_ms": 3})
    a = st.start_dispatcher("dispatcher", settings=dict(FAST, dispatch_batch="25"))
    b = st.start_dispatcher("dispatcher2", settings=dict(FAST, dispatch_batch="25"))
    try:
        assert wait_for(lambda: one(st, "SELECT COUNT(*) FROM outbox WHERE idem_key LIKE"
                                        " 'pair%' AND state = 'effective'") == "1000", 180), \
            con(st, "SELECT state, COUNT(*) FROM outbox WHERE idem_key LIKE 'pair%'"
                    " GROUP BY state")
    finally:
        st.stop_dispatcher()
        sim(st, "/_sim/reset", {})
    sent = []
    while True:     # at most 1,000 a call, oldest first
        page = sim(st, "/_sim/requests?service=sms&since=%d" % (sent[-1]["id"] if sent else 0))
        if not page["requests"]:
            break
        sent += page["requests"]
    per_key = {}
    for r in sent:
        if r["key"].startswith("pair"):
            per_key[r["key"]] = per_key.get(r["key"], 0) + 1
    assert len(per_key) == 1000 and set(per_key.values()) == {1}, \
        [k for k, v in per_key.items() if v != 1][:5]
    # both did their share
    log = st.log("ordermend")
    for pid in (a, b):
        assert log.count("prog=mend-dispatch pid=%d level=info event=action_sent" % pid) > 0, pid
    assert len(keys) == 1000


def test_a_failing_service_rests_without_spending_attempts(st):
    keys = sms_actions(st, 8, "rest")
    sim(st, "/_sim/faults", {"service": "sms", "fail": 1000, "status": 503})
    try:
        p = st.dispatch_once(settings=dict(FAST, dispatch_breaker_failures="3",
                                           dispatch_breaker_open="60s"))
    finally:
        sim(st, "/_sim/reset", {})
    attempts = [int(one(st, "SELECT attempts FROM outbox WHERE idem_key = '%s'" % k))
                for k in keys]
    # three calls failed, then the service rested: the others were not sent
    assert sum(attempts) == 3, attempts
    assert "upstream_resting" in p.stdout + p.stderr + st.log("ordermend")
    assert all(state(st, k) == "queued" for k in keys)
    assert sum(len(requests_for(st, k)) for k in keys) == 3
