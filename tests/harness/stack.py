"""stack.py: a private ordermend stack — MariaDB, the FastCGI programs under
spawn-fcgi, nginx, and the anomaly scanner when asked (scan_once,
start_scanner) — in one directory, on free loopback ports.

Used by `make demo` (directory var/, port 8080, kept between runs) and by the
integration tests (a temporary directory, always torn down).  Everything it
starts is recorded by pid in <root>/run and stopped by pid; nothing else on
the machine is touched.
"""
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

# Every log and file the stack makes is readable by its owner and group
# only: logs can hold what agents searched for.
os.umask(0o027)

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# every folder in cgi-bin/ with a routes.c is one program
PROGRAMS = sorted(d for d in os.listdir(os.path.join(REPO, "cgi-bin"))
                  if os.path.isfile(os.path.join(REPO, "cgi-bin", d, "routes.c")))
DEMO_AGENTS = [
    ("admin", "demo-admin", "管理员 Admin", "admin"),
    ("lead", "demo-lead", "王主管", "lead"),
    ("agent", "demo-agent", "李客服", "agent"),
]
DB_PASSWORDS = {"ro": "om-ro-pass", "web": "om-web-pass"}
UPSTREAM_SERVICES = ("order", "payment", "coupon", "inventory", "sms", "robot")
# the phone robot's callbacks are signed with this ([robot] secret)
ROBOT_SECRET = "sim-robot-secret"


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def pid_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # a zombie of ours is not alive
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().split(") ")[-1][0] != "Z"
    except OSError:
        return False


class Stack:
    def __init__(self, root=None, port=None, workers=2, build=None, orders=2000,
                 seed=7, keep=False, sanitize=False, log_level="info", programs=None,
                 nginx_extra="", conf_extra="", scan_interval="30s", days=90):
        self.temp = root is None
        self.root = os.path.abspath(root or tempfile.mkdtemp(prefix="ordermend-"))
        self.port = port or free_port()
        self.db_port = free_port()
        self.workers = workers
        self.build = os.path.join(REPO, build or os.environ.get("BUILD", "build"))
        self.orders = orders
        self.seed = seed
        self.days = days                       # the demo shop's history
        self.keep = keep
        self.sanitize = sanitize
        self.log_level = log_level
        self.program_names = list(programs or PROGRAMS)
        self.nginx_extra = nginx_extra
        self.conf_extra = conf_extra          # more ini lines, e.g. for tests
        self.scan_interval = scan_interval     # [scanner] interval in the ini
        self.run = os.path.join(self.root, "run")
        self.logs = os.path.join(self.root, "log")
        self.sock = os.path.join(self.run, "mysqld.sock")
        self.conf = os.path.join(self.root, "ordermend.ini")
        self.manifest = os.path.join(self.root, "seed-manifest.json")
        self.url = "http://127.0.0.1:%d" % self.port
        # the stand-in for the upstream services (tools/upstream-sim): its
        # port is known before it starts, so the configuration can name it
        self.upstream_port = free_port()
        self.upstream_url = "http://127.0.0.1:%d" % self.upstream_port
        # the stand-in's robot signs its callbacks with it, the console checks them
        self.robot_secret = ROBOT_SECRET

    # --- helpers -----------------------------------------------------------

    def env(self):
        e = dict(os.environ)
        e["ORDERMEND_CONF"] = self.conf
        e["TZ"] = "Asia/Shanghai"
        if self.sanitize:
            e["ASAN_OPTIONS"] = "log_path=%s/asan:detect_leaks=1:abort_on_error=0" % self.logs
            e["UBSAN_OPTIONS"] = "log_path=%s/ubsan:print_stacktrace=1" % self.logs
        return e

    def sh(self, args, input=None, check=True, quiet=False):
        p = subprocess.run(args, input=input, env=self.env(), capture_output=True,
                           text=True)
        if check and p.returncode != 0:
            raise RuntimeError("%s failed (%d):\n%s%s" % (" ".join(args), p.returncode,
                                                          p.stdout, p.stderr))
        return p

    def sql(self, statements, database=None, check=True):
        """Run SQL as root through the mariadb client; returns rows of text."""
        args = ["mariadb", "--socket=" + self.sock, "-uroot", "-N", "-B"]
        if database:
            args.append(database)
        p = self.sh(args, input=statements, check=check)
        return [line.split("\t") for line in p.stdout.splitlines()]

    def mendctl(self, *args, input=None, check=True):
        return self.sh([os.path.join(self.build, "mendctl")] + list(args), input=input,
                       check=check)

    def pidfile(self, name):
        return os.path.join(self.run, name + ".pid")

    def pids(self, name):
        try:
            with open(self.pidfile(name)) as f:
                return [int(x) for x in f.read().split()]
        except (OSError, ValueError):
            return []

    # --- MariaDB -----------------------------------------------------------

    def write_mycnf(self):
        # the whole replica should fit: ~2 GB per million orders
        buffer_pool = os.environ.get("OM_DB_BUFFER_POOL") or (
            "2G" if self.orders >= 500000 else "1G" if self.orders >= 100000 else "256M")
        # its own tmpdir: a MariaDB server removes every #sql* file in its
        # tmpdir when it starts, so stacks sharing /tmp break each other's
        # on-disk temporary tables ("Error on delete of '/tmp/#sql-...'")
        os.makedirs(os.path.join(self.root, "tmp"), exist_ok=True)
        with open(os.path.join(self.root, "my.cnf"), "w") as f:
            f.write("""[mariadbd]
datadir = {root}/mysql
tmpdir = {root}/tmp
socket = {sock}
port = {port}
bind-address = 127.0.0.1
pid-file = {run}/mariadb.pid
log-error = {logs}/mariadb.err
user = root
skip-name-resolve
character-set-server = utf8mb4
collation-server = utf8mb4_general_ci
default-time-zone = '+08:00'
innodb_buffer_pool_size = {bp}
innodb_log_file_size = 256M
innodb_flush_log_at_trx_commit = 2
max_connections = 300
performance_schema = OFF
server-id = 1
log-bin = mysql-bin
binlog_format = ROW
[client]
socket = {sock}
""".format(root=self.root, sock=self.sock, port=self.db_port, run=self.run,
           logs=self.logs, bp=buffer_pool))

    def start_db(self):
        datadir = os.path.join(self.root, "mysql")
        self.write_mycnf()
        if not os.path.isdir(os.path.join(datadir, "mysql")):
            self.sh(["mariadb-install-db", "--defaults-file=" + os.path.join(self.root, "my.cnf"),
                     "--user=root", "--auth-root-authentication-method=socket",
                     "--skip-test-db", "--datadir=" + datadir])
        log = open(os.path.join(self.logs, "mariadbd.out"), "a")
        # MariaDB makes its files with UMASK (default 0660): its logs 0640 too
        subprocess.Popen(["mariadbd", "--defaults-file=" + os.path.join(self.root, "my.cnf")],
                         env=dict(os.environ, UMASK="0640", UMASK_DIR="0750"),
                         stdout=log, stderr=log, stdin=subprocess.DEVNULL,
                         start_new_session=True)
        self.wait_db()
        # (its error log is opened before UMASK applies)
        err = os.path.join(self.logs, "mariadb.err")
        if os.path.exists(err):
            os.chmod(err, 0o640)

    def wait_db(self, timeout=60):
        end = time.time() + timeout
        while time.time() < end:
            p = subprocess.run(["mariadb-admin", "--socket=" + self.sock, "-uroot", "ping"],
                               capture_output=True)
            if p.returncode == 0:
                return
            time.sleep(0.2)
        raise RuntimeError("MariaDB did not start; see %s/mariadb.err" % self.logs)

    def stop_db(self):
        self.stop_pids("mariadb", sig=signal.SIGTERM, timeout=60)

    def bootstrap_db(self):
        """Databases, schema, users, demo data and agents."""
        self.sql("CREATE DATABASE IF NOT EXISTS shop CHARACTER SET utf8mb4 "
                 "COLLATE utf8mb4_general_ci;")
        self.mendctl("migrate")
        self.sql("""
CREATE USER IF NOT EXISTS 'om_ro'@'localhost' IDENTIFIED BY '{ro}';
CREATE USER IF NOT EXISTS 'om_web'@'localhost' IDENTIFIED BY '{web}';
GRANT ordermend_reader TO 'om_ro'@'localhost';
GRANT ordermend_web TO 'om_web'@'localhost';
SET DEFAULT ROLE ordermend_reader FOR 'om_ro'@'localhost';
SET DEFAULT ROLE ordermend_web FOR 'om_web'@'localhost';
""".format(**DB_PASSWORDS))
        self.seed_data()
        for login, password, name, role in DEMO_AGENTS:
            self.add_agent(login, password, name, role)

    def seed_data(self):
        # the demo-data seeder is a development tool (tools/seed.c)
        self.sh([os.path.join(self.build, "seed"), "--orders", str(self.orders),
                 "--seed", str(self.seed), "--days", str(self.days),
                 "--manifest", self.manifest])
        self.mendctl("index", "--rebuild")

    def add_agent(self, login, password, name, *roles):
        args = ["agent", "add", login, "--name", name]
        for r in roles:
            args += ["--role", r]
        self.mendctl(*args, input=password + "\n")

    # --- configuration -----------------------------------------------------

    def write_conf(self, extra=""):
        with open(self.conf, "w") as f:
            f.write("""; ordermend.ini for the private stack in {root}
[server]
templates = {repo}/templates
schema = {repo}/schema
static_url = /static

[replica]
socket = {sock}
user = om_ro
password = {ro}
database = shop

[console]
socket = {sock}
user = om_web
password = {web}
database = ordermend

[admin]
socket = {sock}
user = root

[log]
level = {level}
file = {logs}/ordermend.log

[scanner]
interval = {scan_interval}

[upstream]
{upstream}
{robot}
{extra}""".format(root=self.root, repo=REPO, sock=self.sock, level=self.log_level,
                  extra=self.conf_extra + extra, logs=self.logs, scan_interval=self.scan_interval,
                  upstream=self.upstream_conf(), robot=self.robot_conf(), **DB_PASSWORDS))
        os.chmod(self.conf, 0o600)

    def upstream_conf(self):
        """The [upstream] lines: every service played by the stand-in."""
        lines = []
        for name in UPSTREAM_SERVICES:
            lines.append("%s_url = %s/v1" % (name, self.upstream_url))
            lines.append("%s_token = %s" % (name, self.upstream_token(name)))
        return "\n".join(lines) + "\n"

    def robot_conf(self):
        """The [robot] section: the callbacks' secret, and where the robot
        (the stand-in) calls the console back."""
        return "[robot]\nsecret = %s\ncallback_url = %s/hooks/robot\n" % (
            self.robot_secret, self.url)

    def upstream_token(self, service):
        """The token the configuration gives a service (and the stand-in checks)."""
        return "sim-%s-token" % service

    # --- programs and nginx -------------------------------------------------

    def start_programs(self, names=None):
        env = self.env()
        env["ORDERMEND_SERVER_WORKERS"] = str(self.workers)
        names = names or self.program_names
        for name in names:
            sock = os.path.join(self.run, name + ".sock")
            if os.path.exists(sock):
                os.unlink(sock)
            log = open(os.path.join(self.logs, name + ".log"), "a")
            # one supervisor a program; it keeps [server] workers workers
            subprocess.run(["spawn-fcgi", "-s", sock, "-F", "1",
                            "-P", self.pidfile(name), "-M", "0600", "--",
                            os.path.join(self.build, name + ".fcgi")],
                           env=env, stdout=log, stderr=log, check=True)
        end = time.time() + 10
        while time.time() < end and any(len(self.worker_pids(n)) < self.workers
                                        for n in names):
            time.sleep(0.02)

    def stop_programs(self, names=None):
        for name in names or self.program_names:
            self.stop_pids(name)

    def write_nginx(self):
        ng = os.path.join(self.root, "nginx")
        for d in ("body", "fastcgi", "proxy", "uwsgi", "scgi"):
            os.makedirs(os.path.join(ng, "tmp", d), exist_ok=True)
        # made by make from nginx/ordermend.conf.in and the programs' mounts
        with open(os.path.join(self.build, "ordermend.conf.in")) as f:
            server = f.read()
        if self.nginx_extra:
            # extra locations (the benchmark's probes) go inside the server block
            server = server[:server.rindex("}")] + self.nginx_extra + "\n}\n"
        for k, v in (("@LISTEN@", "127.0.0.1:%d" % self.port),
                     ("@STATIC@", os.path.join(REPO, "static")),
                     ("@RUN@", self.run), ("@NGINX@", os.path.join(REPO, "nginx"))):
            server = server.replace(k, v)
        with open(os.path.join(ng, "ordermend.conf"), "w") as f:
            f.write(server)
        access = "off" if os.environ.get("OM_NO_ACCESS_LOG") else \
            os.path.join(self.logs, "nginx-access.log") + " ordermend"
        with open(os.path.join(ng, "nginx.conf"), "w") as f:
            f.write("""user root;
worker_processes 2;
pid {run}/nginx.pid;
error_log {logs}/nginx-error.log warn;
events {{ worker_connections 4096; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    include {repo}/nginx/log_format.conf;
    access_log {access};
    sendfile on;
    keepalive_timeout 65;
    client_body_temp_path {ng}/tmp/body;
    fastcgi_temp_path {ng}/tmp/fastcgi;
    proxy_temp_path {ng}/tmp/proxy;
    uwsgi_temp_path {ng}/tmp/uwsgi;
    scgi_temp_path {ng}/tmp/scgi;
    include {ng}/ordermend.conf;
}}
""".format(run=self.run, logs=self.logs, ng=ng, access=access, repo=REPO))

    def start_nginx(self):
        self.write_nginx()
        ng = os.path.join(self.root, "nginx")
        self.sh(["nginx", "-p", ng, "-c", os.path.join(ng, "nginx.conf"), "-t"], quiet=True)
        self.sh(["nginx", "-p", ng, "-c", os.path.join(ng, "nginx.conf")])

    def stop_nginx(self):
        self.stop_pids("nginx", sig=signal.SIGQUIT)

    # --- the scanner (build/mend-scan) ----------------------------------------
    #
    # It judges the replica by the database's clock (NOW() on the replica),
    # so tests move time by writing fixture rows relative to NOW(), never by
    # faking a clock.  Its settings come from the stack's ini ([scanner],
    # [anomaly]); `settings` overrides keys for one run through the
    # environment (ORDERMEND_SCANNER_INTERVAL="5s" and so on), the way an
    # administrator would.

    def scanner_env(self, settings=None):
        e = self.env()
        for key, value in (settings or {}).items():
            e["ORDERMEND_" + key.upper()] = str(value)
        return e

    def last_scan(self):
        """The newest scan_runs row as a dict, or None."""
        rows = self.sql("SELECT id, full, ms, examined, opened, updated, resolved, reopened"
                        " FROM scan_runs ORDER BY id DESC LIMIT 1", database="ordermend")
        if not rows:
            return None
        keys = ("id", "full", "ms", "examined", "opened", "updated", "resolved", "reopened")
        return dict(zip(keys, (int(v) for v in rows[0])))

    def scan_once(self, *args, settings=None, check=True):
        """One pass: build/mend-scan --once [args] (e.g. "--full") with the
        stack's configuration.  Returns the scan_runs row it wrote (a dict;
        None when another scanner held the lock), with "output": the lines
        it logged (also appended to log/mend-scan.log)."""
        before = self.last_scan()
        e = self.scanner_env(settings)
        e["ORDERMEND_LOG_FILE"] = ""      # its log lines to stderr, returned
        p = subprocess.run([os.path.join(self.build, "mend-scan"), "--once"] + list(args),
                           env=e, capture_output=True, text=True, timeout=600)
        with open(os.path.join(self.logs, "mend-scan.log"), "a") as f:
            f.write(p.stdout + p.stderr)
        if check and p.returncode != 0:
            raise RuntimeError("mend-scan --once %s failed (%d):\n%s%s"
                               % (" ".join(args), p.returncode, p.stdout, p.stderr))
        run = self.last_scan()
        if run is None or (before is not None and run["id"] == before["id"]):
            return None     # another scanner held the lock (event=scanner_busy)
        run["output"] = p.stdout + p.stderr
        return run

    def start_scanner(self, name="scanner", settings=None):
        """The scanner daemon, recorded by pid in run/<name>.pid (start
        several under different names to watch them share the lock).
        Returns its pid."""
        log = open(os.path.join(self.logs, name + ".out"), "a")
        p = subprocess.Popen([os.path.join(self.build, "mend-scan")],
                             env=self.scanner_env(settings), stdout=log, stderr=log,
                             stdin=subprocess.DEVNULL, start_new_session=True)
        log.close()
        with open(self.pidfile(name), "w") as f:
            f.write("%d\n" % p.pid)
        self._children = getattr(self, "_children", {})
        self._children[p.pid] = p       # reaped when it ends
        return p.pid

    def scanner_names(self):
        try:
            names = os.listdir(self.run)
        except OSError:
            return []
        return sorted(f[:-4] for f in names if f.startswith("scanner") and f.endswith(".pid"))

    def stop_scanner(self, name=None):
        """Stop one scanner daemon by name, or every one this stack started."""
        for n in [name] if name else self.scanner_names():
            self.stop_pids(n, timeout=30)
        for pid, p in list(getattr(self, "_children", {}).items()):
            if p.poll() is not None:
                del self._children[pid]

    # --- the upstream stand-in (build/upstream-sim) ----------------------------
    #
    # It plays the order, payment, coupon, inventory and SMS services and
    # the phone robot on self.upstream_url, writes their effects into the
    # replica and records every request in its own database (upstream_sim);
    # its faults are set at run time through POST /_sim/faults, the robot's
    # outcomes through /_sim/robot (its callbacks go to [robot] callback_url,
    # signed with self.robot_secret).

    def start_upstream(self, timeout=10):
        """Start the stand-in (recorded in run/upstream-sim.pid) and wait
        until it answers.  Returns its pid."""
        log = open(os.path.join(self.logs, "upstream-sim.out"), "a")
        p = subprocess.Popen([os.path.join(self.build, "upstream-sim"), "--listen",
                              "127.0.0.1:%d" % self.upstream_port],
                             env=self.env(), stdout=log, stderr=log,
                             stdin=subprocess.DEVNULL, start_new_session=True)
        log.close()
        with open(self.pidfile("upstream-sim"), "w") as f:
            f.write("%d\n" % p.pid)
        self._children = getattr(self, "_children", {})
        self._children[p.pid] = p       # reaped when it ends
        end = time.time() + timeout
        last = None
        while time.time() < end:
            if p.poll() is not None:
                raise RuntimeError("upstream-sim exited (%d); see %s/upstream-sim.out"
                                   % (p.returncode, self.logs))
            try:
                with urllib.request.urlopen(self.upstream_url + "/_sim/faults",
                                            timeout=2) as r:
                    if r.status == 200:
                        return p.pid
            except Exception as e:  # not up yet
                last = e
            time.sleep(0.05)
        raise RuntimeError("upstream-sim did not answer: %r" % (last,))

    def stop_upstream(self):
        self.stop_pids("upstream-sim", timeout=10)
        for pid, p in list(getattr(self, "_children", {}).items()):
            if p.poll() is not None:
                del self._children[pid]

    # --- the dispatcher (build/mend-dispatch) ----------------------------------
    #
    # It sends the outbox to the upstream services (the stand-in here).  The
    # tests run it --once, or as daemons under names (dispatcher, dispatcher2
    # ...) to kill and restart them.

    def dispatch_once(self, settings=None, check=True):
        p = subprocess.run([os.path.join(self.build, "mend-dispatch"), "--once"],
                           env=self.scanner_env(settings), capture_output=True, text=True,
                           timeout=300)
        if check and p.returncode != 0:
            raise RuntimeError("mend-dispatch --once failed (%d):\n%s%s"
                               % (p.returncode, p.stdout, p.stderr))
        return p

    def start_dispatcher(self, name="dispatcher", settings=None):
        """A dispatcher daemon, recorded by pid in run/<name>.pid."""
        log = open(os.path.join(self.logs, name + ".out"), "a")
        p = subprocess.Popen([os.path.join(self.build, "mend-dispatch")],
                             env=self.scanner_env(settings), stdout=log, stderr=log,
                             stdin=subprocess.DEVNULL, start_new_session=True)
        log.close()
        with open(self.pidfile(name), "w") as f:
            f.write("%d\n" % p.pid)
        self._children = getattr(self, "_children", {})
        self._children[p.pid] = p
        return p.pid

    def stop_dispatcher(self, name=None, sig=signal.SIGTERM):
        try:
            names = sorted(f[:-4] for f in os.listdir(self.run)
                           if f.startswith("dispatcher") and f.endswith(".pid"))
        except OSError:
            names = []
        for n in [name] if name else names:
            self.stop_pids(n, sig=sig, timeout=30)
        for pid, p in list(getattr(self, "_children", {}).items()):
            if p.poll() is not None:
                del self._children[pid]

    # --- whole stack --------------------------------------------------------

    def stop_pids(self, name, sig=signal.SIGTERM, timeout=20):
        pids = [p for p in self.pids(name) if pid_alive(p)]
        for p in pids:
            try:
                os.kill(p, sig)
            except ProcessLookupError:
                pass
        end = time.time() + timeout
        while time.time() < end and any(pid_alive(p) for p in pids):
            time.sleep(0.05)
        for p in pids:
            if pid_alive(p):
                try:
                    os.kill(p, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        try:
            os.unlink(self.pidfile(name))
        except OSError:
            pass

    def wait_healthy(self, timeout=60):
        end = time.time() + timeout
        last = None
        while time.time() < end:
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=5) as r:
                    body = json.loads(r.read())
                    if body.get("status") == "ok":
                        return body
                    last = body
            except Exception as e:  # not up yet
                last = e
            time.sleep(0.2)
        raise RuntimeError("the console did not become healthy: %r" % (last,))

    def start(self, fresh_data=True):
        os.makedirs(self.run, exist_ok=True)
        os.makedirs(self.logs, exist_ok=True)
        self.write_conf()
        self.start_db()
        if fresh_data:
            self.bootstrap_db()
        else:
            self.mendctl("migrate")
        self.start_upstream()
        self.start_programs()
        self.start_nginx()
        self.wait_healthy()
        return self

    def stop(self):
        self.stop_scanner()
        self.stop_dispatcher()
        self.stop_nginx()
        self.stop_programs()
        self.stop_upstream()
        self.stop_db()
        if self.temp and not self.keep:
            shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self):
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc):
        self.stop()
        return False

    def programs(self):
        return list(self.program_names)

    def worker_pids(self, name):
        """The workers of a program: the children of its supervisor."""
        kids = []
        for p in self.pids(name):
            try:
                with open("/proc/%d/task/%d/children" % (p, p)) as f:
                    kids += [int(x) for x in f.read().split()]
            except OSError:
                pass
        return sorted(k for k in kids if pid_alive(k))

    def log(self, name):
        try:
            with open(os.path.join(self.logs, name + ".log"), errors="replace") as f:
                return f.read()
        except OSError:
            return ""
