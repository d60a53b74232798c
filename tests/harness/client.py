"""client.py: a small HTTP client for the integration tests: cookies, no
automatic redirects, the CSRF token of the last page remembered."""
import http.client
import json
import re
import urllib.parse


class Resp:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers          # lower-case name -> last value
        self.all_headers = []           # (name, value) in order
        self.body = body

    def json(self):
        return json.loads(self.body)

    def header(self, name):
        return self.headers.get(name.lower())

    def __repr__(self):
        return "<Resp %d %s>" % (self.status, self.body[:200])


class Client:
    def __init__(self, base):
        u = urllib.parse.urlparse(base)
        self.host, self.port = u.hostname, u.port
        self.cookies = {}
        self.csrf = None
        self.default_headers = {}

    def request(self, method, path, body=None, headers=None, raw_body=None):
        h = {"Host": "%s:%d" % (self.host, self.port)}
        h.update(self.default_headers)
        if self.cookies:
            h["Cookie"] = "; ".join("%s=%s" % kv for kv in self.cookies.items())
        if body is not None:
            raw_body = urllib.parse.urlencode(body, doseq=True).encode()
            h["Content-Type"] = "application/x-www-form-urlencoded"
        if headers:
            h.update(headers)
        c = http.client.HTTPConnection(self.host, self.port, timeout=30)
        c.request(method, path, body=raw_body, headers=h)
        r = c.getresponse()
        raw = r.read()
        data = raw.decode("utf-8", errors="replace")
        resp = Resp(r.status, {k.lower(): v for k, v in r.getheaders()}, data)
        resp.raw = raw
        resp.all_headers = r.getheaders()
        c.close()
        for name, value in resp.all_headers:
            if name.lower() == "set-cookie":
                kv = value.split(";", 1)[0]
                k, _, v = kv.partition("=")
                if "Max-Age=0" in value or v == "":
                    self.cookies.pop(k, None)
                else:
                    self.cookies[k] = v
        m = re.search(r'name="csrf" value="([^"]+)"', data)
        if m:
            self.csrf = m.group(1)
        return resp

    def get(self, path, headers=None):
        return self.request("GET", path, headers=headers)

    def get_json(self, path):
        return self.request("GET", path, headers={"Accept": "application/json"})

    def post(self, path, form=None, csrf=True, headers=None):
        form = dict(form or {})
        if csrf and "csrf" not in form and self.csrf:
            form["csrf"] = self.csrf
        return self.request("POST", path, body=form, headers=headers)

    def login(self, login, password, next_path=None):
        self.get("/login")
        form = {"login": login, "password": password}
        if next_path:
            form["next"] = next_path
        r = self.post("/login", form)
        if r.status != 303:
            raise AssertionError("login as %s failed: %r" % (login, r))
        # the next page carries the session's own CSRF token
        self.get("/search")
        return self
