"""cgirun.py: run a program once as plain CGI against a stack, signed in as an
agent, optionally with ORDERMEND_EXPLAIN=1 — for plan checks and for
timing a page without nginx in the way."""
import hashlib
import os
import re
import secrets
import subprocess
import time


def session(st, login="agent"):
    """A session cookie value for login, made directly in the console."""
    tok = secrets.token_urlsafe(32)[:43]
    h = hashlib.blake2b(tok.encode(), digest_size=32).hexdigest()
    st.sql("INSERT INTO sessions (token_hash, agent_id, csrf_token, perms, created_at,"
           " last_seen_at) SELECT UNHEX('%s'), a.id, '%s', (SELECT COALESCE(BIT_OR(1 << p.bit), 0)"
           " FROM agent_roles ar JOIN role_permissions rp ON rp.role = ar.role"
           " JOIN permissions p ON p.name = rp.permission WHERE ar.agent_id = a.id),"
           " NOW(), NOW() FROM agents a WHERE a.login = '%s';"
           % (h, secrets.token_urlsafe(32)[:43], login), database="ordermend")
    return tok


def run(st, program, path, query="", cookie=None, explain=False, accept=None, body=None,
        addr="127.0.0.1", cookies=None, env_extra=None):
    """Returns (status, body, plan lines, seconds).  With body (a str), a
    urlencoded POST; env_extra: more CGI variables (headers, settings)."""
    env = dict(st.env(), GATEWAY_INTERFACE="CGI/1.1", REQUEST_METHOD="GET",
               PATH_INFO=path, QUERY_STRING=query, REMOTE_ADDR=addr,
               ORDERMEND_LOG_FILE="", ORDERMEND_LOG_LEVEL="info")
    if body is not None:
        env.update(REQUEST_METHOD="POST", CONTENT_LENGTH=str(len(body.encode())),
                   CONTENT_TYPE="application/x-www-form-urlencoded")
    jar = dict(cookies or {})
    if cookie:
        jar["om_sid"] = cookie
    if jar:
        env["HTTP_COOKIE"] = "; ".join("%s=%s" % kv for kv in jar.items())
    if accept:
        env["HTTP_ACCEPT"] = accept
    if explain:
        env["ORDERMEND_EXPLAIN"] = "1"
    env.update(env_extra or {})
    t = time.time()
    p = subprocess.run([os.path.join(st.build, program + ".fcgi")], env=env,
                       capture_output=True, text=True, timeout=60,
                       input=body if body is not None else "")
    took = time.time() - t
    m = re.match(r"Status: (\d+)", p.stdout)
    plans = []
    for line in p.stderr.splitlines():
        if "event=explain " in line:
            kv = dict(re.findall(r'(\w+)=("(?:[^"\\]|\\.)*"|\S*)', line))
            plans.append({k: v.strip('"') for k, v in kv.items()})
    return (int(m.group(1)) if m else 0), p.stdout, plans, took
