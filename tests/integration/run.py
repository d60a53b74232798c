#!/usr/bin/env python3
"""run.py: the integration suite against one private stack.

Every tests/integration/test_*.py module is imported; its functions named
test_* run in the order they are written, each given the running stack.
Modules run in order of their ORDER (default 50), then name.  The stack is
always torn down.  With SANITIZE=1 the programs are the ASan+UBSan build,
and any sanitizer report fails the run.  Ends with "N passed, N failed".
"""
import glob
import importlib
import inspect
import os
import sys
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "harness"))
sys.path.insert(0, HERE)

import stack  # noqa: E402


def collect(only):
    mods = []
    for path in sorted(glob.glob(os.path.join(HERE, "test_*.py"))):
        name = os.path.basename(path)[:-3]
        m = importlib.import_module(name)
        mods.append((getattr(m, "ORDER", 50), name, m))
    mods.sort()
    tests = []
    for _, name, m in mods:
        fns = [(f.__code__.co_firstlineno, n, f) for n, f in vars(m).items()
               if n.startswith("test_") and inspect.isfunction(f)
               and f.__module__ == m.__name__]
        for _, n, f in sorted(fns):
            full = "%s.%s" % (name, n)
            if not only or any(o in full for o in only):
                tests.append((full, f))
    return tests


def sanitizer_reports(st):
    """Reports in the sanitizers' own files, and any that went to a
    program's stderr (the log file, once a program has opened it)."""
    found = []
    for p in glob.glob(os.path.join(st.logs, "asan*")) + glob.glob(os.path.join(st.logs, "ubsan*")):
        with open(p, errors="replace") as f:
            text = f.read()
        if text.strip():
            found.append((os.path.basename(p), text[:3000]))
    for p in glob.glob(os.path.join(st.logs, "*.log")):
        with open(p, errors="replace") as f:
            for line in f:
                if "runtime error:" in line or "Sanitizer" in line:
                    found.append((os.path.basename(p), line.strip()[:3000]))
    return found


def main():
    only = sys.argv[1:]
    sanitize = os.environ.get("SANITIZE") == "1"
    build = os.environ.get("BUILD") or ("build-san" if sanitize else "build")
    # a young shop: ten days of orders, about 80 live cases
    orders = int(os.environ.get("TEST_ORDERS", "4000"))
    days = int(os.environ.get("TEST_DAYS", "10"))
    tests = collect(only)
    passed = failed = 0
    t0 = time.time()
    # the queue's counts per kind are cached for a few seconds per worker;
    # the tests compare them with the database right after changing it.
    # An idle connection is dropped after 3 s (test_security waits for it).
    st = stack.Stack(build=build, orders=orders, days=days, seed=11, sanitize=sanitize,
                     keep=os.environ.get("KEEP") == "1",
                     conf_extra="[queue]\ncounts_ttl = 0s\n"
                     "[server]\nrequest_timeout = 3s\n")
    try:
        st.start()
        print("stack up in %.1fs at %s (root %s)" % (time.time() - t0, st.url, st.root),
              flush=True)
        for name, fn in tests:
            t = time.time()
            try:
                fn(st)
            except Exception:
                failed += 1
                print("FAIL %s (%.1fs)\n%s" % (name, time.time() - t,
                                               traceback.format_exc()), flush=True)
            else:
                passed += 1
                print("ok   %s (%.1fs)" % (name, time.time() - t), flush=True)
    except Exception:
        failed += 1
        print("FAIL stack\n%s" % traceback.format_exc(), flush=True)
    finally:
        st.stop_nginx()
        st.stop_programs()
        if sanitize:
            for fname, text in sanitizer_reports(st):
                failed += 1
                print("FAIL sanitizer report %s:\n%s" % (fname, text), flush=True)
        st.stop()
    print("integration: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
