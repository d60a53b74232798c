"""test_zz_logs.py: after everything else the suite did — phone numbers
searched for and typed as logins, 404s with searches as their Referer —
no log of the stack holds a mobile number in full, and none is readable
by others than its owner and group (0640)."""
import os
import re
import stat

ORDER = 99

# a number on its own (not digits inside a hex request id)
MOBILE = re.compile(r"(?<![0-9A-Za-z])(?:\+?86|0086)?1[3-9][0-9]{9}(?![0-9A-Za-z])")


def test_no_log_holds_a_phone_number_and_every_log_is_private(st):
    from client import Client
    c = Client(st.url)
    # a browser asks for the icon with a search as its Referer, and someone
    # types a phone number as their login
    c.request("GET", "/favicon.ico", headers={"Referer": st.url + "/search?q=13812345678"})
    c.request("GET", "/static/nope.png", headers={"Referer": st.url + "/search?q=13812345678"})
    c.get("/login")
    c.post("/login", {"login": "13812345678", "password": "whatever-it-is"})
    found, public = [], []
    for name in sorted(os.listdir(st.logs)):
        path = os.path.join(st.logs, name)
        if not os.path.isfile(path):
            continue
        mode = stat.S_IMODE(os.stat(path).st_mode)
        if mode & 0o027:
            public.append("%s %o" % (name, mode))
        with open(path, errors="replace") as f:
            for n, line in enumerate(f, 1):
                for m in MOBILE.finditer(line):
                    found.append("%s:%d: %s" % (name, n, line.strip()[:200]))
    assert not public, public
    assert not found, found[:10]
