"""The sandbox's private MariaDB: Debian's mariadb-install-db and mariadbd with a
datadir, socket, pid file and log inside the sandbox folder, listening on 127.0.0.1
on a free port; and a small client that drives Debian's `mariadb` binary (the same
one an administrator would use), for the sandbox and for the simulated nodes."""

import getpass
import hashlib
import os
import shutil
import subprocess
import time

from .util import SandboxError, pid_alive, read_pidfile, say, terminate, wait_until

SERVER_OPTIONS = [
    "--innodb-buffer-pool-size=32M", "--innodb-log-file-size=8M", "--skip-log-bin",
    "--character-set-server=utf8mb4", "--collation-server=utf8mb4_unicode_ci",
]


class DbError(SandboxError):
    pass


def quote(value):
    """A SQL string literal."""
    return "'" + str(value).replace("\\", "\\\\").replace("'", "''") + "'"


def ident(name):
    return "`" + name.replace("`", "``") + "`"


class Client:
    """Runs SQL through the `mariadb` command-line client. Over TCP with a user and
    password (as the applications connect), or over the server's socket as the
    administrator (unix_socket authentication, no password)."""

    def __init__(self, host=None, port=None, user=None, password=None, socket=None, schema=None):
        self.host, self.port, self.user = host, port, user
        self.password, self.socket, self.schema = password, socket, schema

    def run(self, sql, timeout=30):
        """Runs one or more statements; returns the rows of the last result set as
        lists of strings (NULL as None)."""
        args = ["mariadb", "--no-defaults", "--batch", "--skip-column-names", "--connect-timeout=5"]
        if self.socket:
            args += ["--socket=" + self.socket]
        else:
            args += ["--protocol=TCP", "--host=" + self.host, "--port=%d" % self.port]
        if self.user:
            args += ["--user=" + self.user]
        if self.schema:
            args += ["--database=" + self.schema]
        env = dict(os.environ)
        env.pop("MYSQL_PWD", None)
        if self.password:
            env["MYSQL_PWD"] = self.password      # never on the command line
        try:
            proc = subprocess.run(args, input=sql, capture_output=True, text=True, env=env,
                                  timeout=timeout)
        except subprocess.TimeoutExpired:
            raise DbError("the database did not answer within %d s" % timeout)
        if proc.returncode != 0:
            raise DbError(proc.stderr.strip() or "mariadb exited with %d" % proc.returncode)
        rows = []
        for line in proc.stdout.splitlines():
            rows.append([None if c == "NULL" else c.replace("\\t", "\t").replace("\\n", "\n")
                         .replace("\\\\", "\\") for c in line.split("\t")])
        return rows

    def scalar(self, sql):
        rows = self.run(sql)
        return rows[0][0] if rows and rows[0] else None


def admin_user():
    """mariadb-install-db gives the installing OS user a unix_socket account."""
    return "root" if os.geteuid() == 0 else getpass.getuser()


class Server:
    """One mariadbd, everything of it under `top` (the sandbox folder)."""

    def __init__(self, top, sandbox_id):
        self.top = top
        self.datadir = os.path.join(top, "mysql")
        self.pidfile = os.path.join(top, "mysqld.pid")
        self.log = os.path.join(top, "mysqld.log")
        sock = os.path.join(top, "mysqld.sock")
        # A unix socket path must fit in 108 bytes; a deep DIR gets one in /tmp.
        self.socket = sock if len(sock) < 100 else "/tmp/%s-mysqld.sock" % sandbox_id

    def _user_option(self):
        return ["--user=root"] if os.geteuid() == 0 else []

    def install(self):
        """mariadb-install-db into the datadir. With $CLUSTERDESK_SANDBOX_CACHE set (the
        test suite sets it), a freshly installed datadir is kept there once per
        MariaDB version, options and user, and copied: a copy takes a fraction of
        a second, an install about five."""
        if os.path.isdir(os.path.join(self.datadir, "mysql")):
            return
        cache = os.environ.get("CLUSTERDESK_SANDBOX_CACHE")
        if not cache:
            self._install_into(self.datadir)
            return
        version = subprocess.run(["/usr/sbin/mariadbd", "--version"], capture_output=True, text=True).stdout
        key = hashlib.sha1(repr((version, SERVER_OPTIONS, admin_user())).encode()).hexdigest()[:12]
        template = os.path.join(cache, "mariadb-datadir-" + key)
        if not os.path.isdir(template):
            os.makedirs(cache, exist_ok=True)
            fresh = "%s.tmp-%d" % (template, os.getpid())
            self._install_into(fresh)
            try:
                os.rename(fresh, template)          # another process may have won the race
            except OSError:
                shutil.rmtree(fresh, ignore_errors=True)
        subprocess.run(["cp", "-a", template, self.datadir], check=True)

    def _install_into(self, datadir):
        args = ["mariadb-install-db", "--no-defaults", "--datadir=" + datadir,
                "--auth-root-authentication-method=socket", "--skip-test-db"]
        args += ["--user=root"] if os.geteuid() == 0 else ["--user=" + getpass.getuser()]
        args += SERVER_OPTIONS
        # A private TMPDIR: bootstraps running side by side (CTest -j) must not meet
        # in /tmp, where one was seen to lose its temporary tables to another.
        env = dict(os.environ, TMPDIR=self.tmpdir())
        with open(os.path.join(self.top, "mariadb-install-db.log"), "w") as log:
            rc = subprocess.call(args, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env)
        if rc != 0:
            raise SandboxError("mariadb-install-db failed (exit %d); see %s/mariadb-install-db.log"
                               % (rc, self.top))

    def tmpdir(self):
        """The server's own temporary folder, inside the sandbox's."""
        path = os.path.join(self.top, "mysql-tmp")
        os.makedirs(path, exist_ok=True)
        return path

    def start(self, port):
        args = ["/usr/sbin/mariadbd", "--no-defaults"] + self._user_option() + [
            "--datadir=" + self.datadir, "--socket=" + self.socket, "--port=%d" % port,
            "--tmpdir=" + self.tmpdir(),
            "--bind-address=127.0.0.1", "--pid-file=" + self.pidfile, "--log-error=" + self.log,
            "--skip-name-resolve", "--max-connections=300"] + SERVER_OPTIONS
        proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, start_new_session=True)
        admin = self.admin()

        def ready():
            if proc.poll() is not None:
                raise SandboxError("mariadbd exited with %d at start; see %s" % (proc.returncode, self.log))
            try:
                return admin.scalar("SELECT 1") == "1"
            except DbError:
                return False
        wait_until(ready, 60, "mariadbd to accept connections", interval=0.1)
        return proc.pid

    def admin(self, schema=None):
        return Client(socket=self.socket, user=admin_user(), schema=schema)

    def pid(self):
        pid = read_pidfile(self.pidfile)
        return pid if pid_alive(pid) else 0

    def stop(self, timeout=30):
        pid = self.pid()
        if not pid:
            return
        subprocess.call(["mariadb-admin", "--no-defaults", "--socket=" + self.socket,
                         "--user=" + admin_user(), "shutdown"],
                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=timeout)
        deadline = time.monotonic() + timeout
        while pid_alive(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        if pid_alive(pid):
            say("mariadbd did not shut down in %d s; killing it" % timeout)
            terminate([pid], timeout=5)

    def create_product_db(self, schema, user, password):
        """The product's database and its user, reachable over TCP from loopback."""
        sql = ["CREATE DATABASE IF NOT EXISTS %s CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;"
               % ident(schema)]
        for host in ("127.0.0.1", "localhost"):
            sql.append("CREATE USER IF NOT EXISTS %s@%s IDENTIFIED BY %s;" % (quote(user), quote(host),
                                                                           quote(password)))
            sql.append("GRANT ALL PRIVILEGES ON %s.* TO %s@%s;" % (ident(schema), quote(user), quote(host)))
        sql.append("FLUSH PRIVILEGES;")
        self.admin().run("\n".join(sql))
