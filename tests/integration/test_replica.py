"""test_replica.py: a replica that lags or has stopped replicating puts a
banner on every page and shows in /healthz.  A real second MariaDB
replicates from the stack's server with MASTER_DELAY, so its lag grows."""
import os
import signal
import subprocess
import time

import cgirun
import stack as stackmod

ORDER = 85


def start_replica(st):
    root = os.path.join(st.root, "replica2")
    os.makedirs(root, exist_ok=True)
    sock = os.path.join(root, "mysqld.sock")
    cnf = os.path.join(root, "my.cnf")
    with open(cnf, "w") as f:
        f.write("[mariadbd]\ndatadir = %s/data\nsocket = %s\nskip-networking = 0\n"
                "port = %d\nbind-address = 127.0.0.1\npid-file = %s/mariadb.pid\n"
                "log-error = %s/mariadb.err\nuser = root\nserver-id = 2\n"
                "default-time-zone = '+08:00'\ninnodb_buffer_pool_size = 64M\n"
                "performance_schema = OFF\n" % (root, sock, stackmod.free_port(), root, root))
    subprocess.run(["mariadb-install-db", "--defaults-file=" + cnf, "--user=root",
                    "--auth-root-authentication-method=socket", "--skip-test-db",
                    "--datadir=" + root + "/data"], check=True, capture_output=True)
    subprocess.Popen(["mariadbd", "--defaults-file=" + cnf], stdin=subprocess.DEVNULL,
                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                     start_new_session=True)
    for _ in range(300):
        if subprocess.run(["mariadb-admin", "--socket=" + sock, "-uroot", "ping"],
                          capture_output=True).returncode == 0:
            break
        time.sleep(0.1)
    return root, sock


def sql(sock, text, db=None):
    args = ["mariadb", "--socket=" + sock, "-uroot", "-N", "-B"] + ([db] if db else [])
    p = subprocess.run(args, input=text, capture_output=True, text=True, check=True)
    return [line.split("\t") for line in p.stdout.splitlines()]


def page(st, sock, program, path, tok):
    old = dict(os.environ)
    os.environ.update(ORDERMEND_REPLICA_SOCKET=sock, ORDERMEND_REPLICA_LAG_WARN="2s")
    try:
        return cgirun.run(st, program, path, "", cookie=tok)
    finally:
        os.environ.clear()
        os.environ.update(old)


def test_lag_and_stopped_replication_are_shown(st):
    root, sock = start_replica(st)
    try:
        # the replica: the shop's tables (empty is enough for a page) and a reader
        with open(os.path.join(stackmod.REPO, "schema", "replica.sql")) as f:
            schema = f.read()
        sql(sock, "CREATE DATABASE shop; CREATE USER om_ro@localhost IDENTIFIED BY '%s';"
            " GRANT SELECT ON shop.* TO om_ro@localhost;"
            " GRANT SLAVE MONITOR ON *.* TO om_ro@localhost;" % stackmod.DB_PASSWORDS["ro"])
        sql(sock, schema, db="shop")
        st.sql("CREATE USER IF NOT EXISTS repl@'127.0.0.1' IDENTIFIED BY 'repl';"
               " GRANT REPLICATION SLAVE ON *.* TO repl@'127.0.0.1';")
        f, pos = st.sql("SHOW MASTER STATUS")[0][:2]
        sql(sock, "CHANGE MASTER TO MASTER_HOST = '127.0.0.1', MASTER_PORT = %d,"
            " MASTER_USER = 'repl', MASTER_PASSWORD = 'repl', MASTER_LOG_FILE = '%s',"
            " MASTER_LOG_POS = %s, MASTER_DELAY = 3600; START SLAVE;" % (st.db_port, f, pos))
        tok = cgirun.session(st)
        st.sql("CREATE DATABASE IF NOT EXISTS lag_probe; DROP DATABASE lag_probe;")
        deadline = time.time() + 30
        status = body = None
        while time.time() < deadline:
            status, body, _, _ = page(st, sock, "search", "/search", tok)
            if "只读副本延迟约" in body:
                break
            time.sleep(1)
        assert status == 200 and "只读副本延迟约" in body, body[-1500:]
        _, hbody, _, _ = page(st, sock, "health", "/healthz", None)
        assert '"replication":"running"' in hbody and '"replica_lag_seconds":null' not in hbody

        sql(sock, "STOP SLAVE;")
        status, body, _, _ = page(st, sock, "order", "/orders/20991231000000", tok)
        assert status == 404 and "复制已停止" in body
        _, hbody, _, _ = page(st, sock, "health", "/healthz", None)
        assert '"replication":"stopped"' in hbody and '"replica_lag_seconds":null' in hbody
        # the stack's own server is no replica: no banner there
        status, body, _, _ = cgirun.run(st, "search", "/search", "", cookie=tok)
        assert "只读副本" not in body and "复制已停止" not in body
    finally:
        with open(os.path.join(root, "mariadb.pid")) as f:
            pid = int(f.read().strip())
        os.kill(pid, signal.SIGTERM)
        for _ in range(200):
            if not stackmod.pid_alive(pid):
                break
            time.sleep(0.1)
