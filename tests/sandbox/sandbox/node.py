"""The simulated application node, shipped inside every release (lib/) and run by
the product's own control scripts: loader.sh (JATOS), bin/startup.sh and
bin/shutdown.sh (OpenSpecimen), tomcat.sh (Joget).

`start` does what the real application does before it serves: reads the product
configuration, refuses multi-node JATOS on H2, connects to the database, compares
the schema with the version it runs (migrates an older one forward, refuses a newer
one: error in the log, exit status 1, no process left), then launches the server
in the background, writes the PID file and returns. The server (`serve`) warms up
(JATOS does not listen yet, as Play binds its port only once the application has
loaded; Tomcat binds at once but accepts only when the web application is deployed),
then answers the product's endpoints and writes log lines as it goes. `stop` ends it
as the product's scripts do. `install-release` is install-release.sh. Starts, refusals,
migrations, serving, stops and the health / version answers are appended to the
sandbox's event record (events.py)."""

import argparse
import asyncio
import json
import os
import re
import signal
import subprocess
import sys
import time

from . import configs, effective, events, ossettings, schema
from .db import Client, DbError
from .faults import FaultReader
from .httpserver import listening_socket, make_client_handler
from .products import evolution_for, log_line, product, respond
from .release import install_package, node_home_of
from .util import (SandboxError, read_dotenv, can_bind, compare_versions, pid_alive, read_json,
                   read_pidfile, version_key)

STYLES = {"jatos": ("logback", "loader"), "openspecimen": ("log4j-os", "juli"),
          "joget": ("log4j-joget", "juli")}

# The node's environment file (relative to installDir), as the product's start reads it: JATOS's
# service EnvironmentFile, Tomcat's bin/setenv.sh (OpenSpecimen, Joget's bundled Tomcat). Its
# `[export] KEY=VALUE` lines become the server process's environment (/proc/<pid>/environ).
ENV_FILES = {"jatos": "conf/jatos.env", "openspecimen": "bin/setenv.sh", "joget": "apache-tomcat/bin/setenv.sh"}


def read_env_file(path):
    """{KEY: VALUE} of `[export] KEY=VALUE` lines (quotes removed, `#` comments skipped,
    names that are no shell variable left out)."""
    return {k: v for k, v in read_dotenv(path).items() if re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", k)}


class Node:
    """One node as seen from its install folder."""

    def __init__(self, install_dir):
        self.install_dir = install_dir                       # the path as given (…/current)
        self.home = node_home_of(install_dir)
        self.release_dir = os.path.realpath(install_dir)
        with open(os.path.join(self.release_dir, "lib", "release.json")) as f:
            self.release = json.load(f)
        self.pid = self.release["product"]
        self.version = self.release["version"]
        self.settings = read_json(os.path.join(self.home, "sandbox-node.json"), {}) or {}
        self.name = self.settings.get("name", os.path.basename(self.home))
        self.cfg = configs.load_node_config(self.pid, install_dir, self.name)
        self.name = self.cfg["name"]
        self.faults = FaultReader(self.home)
        self.events = self.settings.get("eventsFile")       # DIR/events.jsonl (see events.py)
        self.migrated = None        # {from, to} when this start migrated the schema
        os.makedirs(os.path.join(self.home, "run"), exist_ok=True)

    def event(self, event, version=None, **fields):
        """Appends to DIR/events.jsonl; a failed write never stops the node."""
        try:
            events.record(self.events, self.name, event, version or self.version, **fields)
        except OSError:
            pass

    @property
    def pidfile(self):
        if self.pid == "jatos":
            return os.path.join(self.install_dir, "RUNNING_PID")
        return os.path.join(self.home, "run", "catalina.pid")

    def log(self, level, logger, message, which="app", thread="main"):
        style = STYLES[self.pid][0 if which == "app" else 1]
        path = self.cfg["logs"]["app" if which == "app" else ("loader" if self.pid == "jatos" else "catalina")]
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "a") as f:
            f.write(log_line(style, level, logger, message, thread))

    def db(self):
        d = self.cfg["db"]
        return Client(host=d["host"], port=d["port"], user=d["user"], password=d["password"],
                      schema=d["schema"])

    def running_pid(self):
        pid = read_pidfile(self.pidfile)
        return pid if pid_alive(pid) else 0


# --- start ---------------------------------------------------------------------------

class Refusal(Exception):
    pass


def _check_database(node):
    """Connects and brings the schema in line with this version, or refuses."""
    d = node.cfg["db"]
    pid, version = node.pid, node.version
    if pid == "jatos" and node.cfg["multiNode"] and d["kind"] != "mariadb":
        node.log("ERROR", "p.a.ApplicationLoader",
                 "Multi-node mode (jatos.multiNode = true) needs a MySQL/MariaDB database, but "
                 "jatos.db.url points at the embedded H2 database: refusing to start")
        raise Refusal("JATOS refuses to start: multi-node mode needs MySQL/MariaDB, not H2")
    if d["kind"] != "mariadb":
        if pid == "jatos":
            node.log("INFO", "p.a.d.DefaultDBApi", "Database [default] initialized at jdbc:h2:./database/jatos")
            return
        node.log("ERROR", "o.h.e.j.e.i.JdbcEnvironmentInitiator", "No usable datasource configured")
        raise Refusal("no database configured")
    client = node.db()
    try:
        client.scalar("SELECT 1")
    except DbError as e:
        node.log("ERROR", "c.z.h.p.HikariPool", "HikariPool-1 - Exception during pool initialization: %s" % e)
        raise Refusal("cannot connect to the database %s:%s: %s" % (d["host"], d["port"], e))
    refuse = bool(node.faults.current().get("refuseStart"))
    if pid == "jatos":
        node.log("INFO", "p.a.d.DefaultDBApi",
                 "Database [default] initialized at jdbc:mysql://%s:%d/%s" % (d["host"], d["port"], d["schema"]))
        known = evolution_for(version)
        have = schema.jatos_revision(client)
        if refuse:
            have = max(have or 0, known) + 1
        if have is not None and have > known:
            node.log("ERROR", "p.a.d.e.ApplicationEvolutions",
                     "Database 'default' is at evolution %d, but JATOS %s knows evolutions up to %d: "
                     "it was used by a newer JATOS. Refusing to start (no downgrade)." % (have, version, known))
            raise Refusal("the database schema (evolution %d) is newer than JATOS %s knows (%d)"
                          % (have, version, known))
        start = (have or 0) + 1
        if start <= known:
            for eid in range(start, known + 1):
                node.log("INFO", "p.a.d.e.ApplicationEvolutions", "Applying evolution %d.sql" % eid)
            schema.jatos_apply(client, start, known)
            node.migrated = {"from": str(have or 0), "to": str(known)}
            node.log("INFO", "p.a.d.e.ApplicationEvolutions",
                     "Database 'default' is up to date (evolution %d)" % known)
    elif pid == "openspecimen":
        have = schema.os_schema_version(client)
        newer = refuse
        if have is not None and not refuse:
            if version_key(have) is None:
                node.log("WARN", "c.k.o.c.u.DbUpgrade", "Cannot order schema version %r; not upgrading" % have)
            else:
                newer = compare_versions(have, version) > 0
        if newer:
            node.log("ERROR", "c.k.o.c.u.DbUpgrade",
                     "Database schema is at %s, newer than this OpenSpecimen %s. Downgrade is not supported: "
                     "refusing to start." % (have if not refuse else "a newer version", version))
            raise Refusal("the database schema (%s) is newer than OpenSpecimen %s"
                          % (have if not refuse else "newer", version))
        if have is None or (version_key(have) is not None and compare_versions(have, version) < 0):
            node.log("INFO", "liquibase.changelog", "Upgrading database schema from %s to %s"
                     % (have or "(empty)", version))
            schema.os_upgrade(client, version)
            node.migrated = {"from": have or "", "to": version}
            node.log("INFO", "c.k.o.c.u.DbUpgrade", "Database upgraded to %s" % version)
    else:
        if refuse:
            node.log("ERROR", "org.joget.commons.util.SetupManager",
                     "Failed to initialise the platform database: schema update failed; refusing to start")
            raise Refusal("the database schema update failed (refuse-start fault)")
        schema.joget_register_node(client, node.name, "%s:%d %s" % (node.cfg["address"], node.cfg["port"],
                                                                     time.strftime("%Y-%m-%d %H:%M:%S")))
        node.log("INFO", "org.joget.commons.util.SetupManager", "Cluster node %s registered" % node.name)


def _launch_args(node):
    base = [sys.executable if sys.executable else "/usr/bin/python3",
            os.path.join(node.release_dir, "lib", "sandbox-node.py"), "serve",
            "--sandbox-node-home=" + node.home, node.install_dir]
    if node.pid == "jatos":
        return base + ["-Dconfig.file=" + os.path.join(node.install_dir, "conf", "jatos.conf"),
                       "-Dhttp.address=" + node.cfg["address"], "-Dhttp.port=%d" % node.cfg["port"],
                       "play.core.server.ProdServerStart"]
    extra = ["-Dwflow.name=" + node.name] if node.pid == "joget" else ["-Dnode.name=" + node.name]
    return base + ["-Dcatalina.base=" + node.install_dir, "-Dcatalina.home=" + node.install_dir] + extra + [
        "org.apache.catalina.startup.Bootstrap", "start"]


def start(install_dir):
    node = Node(install_dir)
    p = product(node.pid)
    if node.pid == "jatos":
        node.log("INFO", "", "loader.sh start (JATOS %s)" % node.version, which="loader")
    else:
        print("Using CATALINA_BASE:   %s\nUsing CATALINA_HOME:   %s\nUsing CATALINA_PID:    %s"
              % (install_dir, install_dir, node.pidfile))
    running = node.running_pid()
    if running:
        msg = ("There seems to be a running JATOS." if node.pid == "jatos" else
               "Tomcat appears to still be running with PID %d. Start aborted." % running)
        print(msg)
        node.event("refused", reason="already running (pid %d)" % running)
        return 1
    try:
        os.unlink(node.pidfile)
    except FileNotFoundError:
        pass
    if not can_bind(node.cfg["address"], node.cfg["port"]):
        print("Some other program is using port %d on %s already." % (node.cfg["port"], node.cfg["address"]))
        node.event("refused", reason="port %d on %s is taken" % (node.cfg["port"], node.cfg["address"]))
        return 1
    try:
        _check_database(node)
    except Refusal as e:
        node.event("refused", reason=str(e))
        if node.pid == "jatos":
            node.log("ERROR", "", "JATOS did not start: %s" % e, which="loader")
        else:
            node.log("ERROR", "org.apache.catalina.core.StandardContext.startInternal",
                     "One or more listeners failed to start. Context [%s] startup failed due to previous errors"
                     % p.base_path.rstrip("/"), which="catalina")
        print("%s did not start: %s" % (p.display, e), file=sys.stderr)
        return 1
    out_path = node.cfg["logs"]["loader" if node.pid == "jatos" else "catalina"]
    with open(out_path, "a") as out:
        env = dict(os.environ, **read_env_file(os.path.join(install_dir, ENV_FILES[node.pid])))
        proc = subprocess.Popen(_launch_args(node), stdin=subprocess.DEVNULL, stdout=out, stderr=out,
                                start_new_session=True, cwd=install_dir, env=env)
    with open(node.pidfile, "w") as f:
        f.write("%d\n" % proc.pid)
    node.event("starting", pid=proc.pid)
    if node.migrated:       # recorded after `starting`, where the real products migrate (warm-up)
        node.event("migrated", **node.migrated)
    if node.pid == "jatos":
        print("Starting JATOS...started")
        print("To use JATOS type %s:%d in your browser's address bar" % (node.cfg["address"], node.cfg["port"]))
        node.log("INFO", "", "JATOS started (pid %d)" % proc.pid, which="loader")
    else:
        print("Tomcat started.")
    return 0


# --- stop ----------------------------------------------------------------------------

def stop(install_dir, timeout=20.0):
    node = Node(install_dir)
    pid = read_pidfile(node.pidfile)
    if node.pid == "jatos":
        if not pid_alive(pid):
            print("This JATOS was not running")
            return 1
        sys.stdout.write("Stopping JATOS")
    else:
        if not os.path.exists(node.pidfile):
            print("$CATALINA_PID was set but the specified file does not exist. Is Tomcat running? Stop aborted.")
            return 1
        if not pid_alive(pid):
            print("PID file found but either no matching process was found or the current user does not "
                  "have permission to stop the process. Stop aborted.")
            return 1
    os.kill(pid, signal.SIGCONT)
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while pid_alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    if pid_alive(pid):
        os.kill(pid, signal.SIGKILL)
        while pid_alive(pid):
            time.sleep(0.05)
        node.event("killed", pid=pid, reason="did not stop within %.0f s" % timeout)
    try:
        os.unlink(node.pidfile)
    except FileNotFoundError:
        pass
    if node.pid == "jatos":
        print("...stopped")
        node.log("INFO", "", "loader.sh stop: JATOS stopped", which="loader")
    else:
        print("Tomcat stopped.")
    return 0


# --- serve (the background process) --------------------------------------------------

class Server:
    def __init__(self, node):
        self.node = node
        self.stopping = asyncio.Event()
        self.requests = 0
        self.started = time.time()
        p = product(node.pid)
        self.health_path = p.base_path + p.health
        self.version_path = "/jatos/signin" if node.pid == "jatos" else None    # OpenSpecimen: health = version

    def app_log(self, level, logger, message, thread="main"):
        self.node.log(level, logger, message, thread=thread)

    async def handle(self, method, target, headers, body=b""):
        fault = self.node.faults.current()
        delay = fault.get("slowMs", 0)
        if delay:
            await asyncio.sleep(delay / 1000.0)
        path = target.split("?", 1)[0]
        if self.node.pid == "openspecimen" and path.rstrip("/").startswith(ossettings.PREFIX) \
                and path != ossettings.PREFIX + "/app-props":
            return ossettings.handle(self.node.cfg["shared"], method, target, headers, body)
        info = {"version": fault.get("wrongVersion") or self.node.version,
                "multiNode": self.node.cfg["multiNode"], "build": self.node.release, "name": self.node.name}
        return respond(self.node.pid, method, target, info)

    def on_request(self, method, target, status):
        self.requests += 1
        n = self.node
        path = target.split("?", 1)[0]
        kind = "health" if path == self.health_path else "version" if path == self.version_path else None
        if kind:
            n.event(kind, self.node.faults.current().get("wrongVersion"), path=path, status=status)
        if n.pid == "jatos":
            if target.startswith("/jatos"):
                n.log("INFO", "s.RequestLoggingFilter", "%s %s took 2ms and returned %d" % (method, target, status),
                      thread="application-akka.actor.default-dispatcher-%d" % (2 + self.requests % 7))
        else:
            day = time.strftime("%Y-%m-%d")
            path = os.path.join(os.path.dirname(n.cfg["logs"]["catalina"]), "localhost_access_log.%s.txt" % day)
            with open(path, "a") as f:
                f.write('127.0.0.1 - - [%s] "%s %s HTTP/1.1" %d -\n'
                        % (time.strftime("%d/%b/%Y:%H:%M:%S %z"), method, target, status))

    async def heartbeat(self, every):
        while not self.stopping.is_set():
            try:
                await asyncio.wait_for(self.stopping.wait(), every)
            except asyncio.TimeoutError:
                pass
            if self.stopping.is_set():
                break
            n = self.node
            up = int(time.time() - self.started)
            if n.pid == "jatos":
                self.app_log("INFO", "s.g.GroupDispatcherRegistry",
                             "Cluster heartbeat: %s up %ds, %d requests" % (n.name, up, self.requests),
                             thread="application-akka.actor.default-dispatcher-3")
            elif n.pid == "openspecimen":
                self.app_log("INFO", "c.k.c.s.i.ClusterNodeHeartbeat",
                             "Node %s alive: up %ds, %d requests served" % (n.name, up, self.requests),
                             thread="os-scheduler-1")
            else:
                self.app_log("INFO", "org.joget.apps.app.service.ClusterHeartbeat",
                             "Node %s alive: up %ds, %d requests served" % (n.name, up, self.requests))

    async def run(self):
        n = self.node
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, self.stopping.set)
        warmup = float(n.settings.get("warmupSeconds", 0))
        address, port = n.cfg["address"], n.cfg["port"]
        sock = None
        if n.pid == "jatos":
            self.app_log("INFO", "play.api.Play", "Application starting (JATOS %s, multi-node: %s)"
                         % (n.version, str(n.cfg["multiNode"]).lower()))
        else:
            n.log("INFO", "org.apache.catalina.startup.Catalina.load", "Server initialization", which="catalina")
            sock = listening_socket(address, port)       # bindOnInit: the port is bound now
            n.log("INFO", "org.apache.coyote.AbstractProtocol.init",
                  'Initializing ProtocolHandler ["http-nio-%s-%d"]' % (address, port), which="catalina")
            n.log("INFO", "org.apache.catalina.startup.HostConfig.deployDirectory",
                  "Deploying web application directory [%s]" % product(n.pid).base_path.strip("/"),
                  which="catalina")
            self.app_log("INFO", "c.k.o.c.u.AppInit" if n.pid == "openspecimen" else "org.joget.apps.app.AppInit",
                         "Starting %s %s on node %s" % (product(n.pid).display, n.version, n.name))
        try:
            await asyncio.wait_for(self.stopping.wait(), warmup)
        except asyncio.TimeoutError:
            pass
        if self.stopping.is_set():
            return
        if sock is None:
            sock = listening_socket(address, port)
        server = await asyncio.start_server(make_client_handler(self.handle, self.on_request, with_body=True),
                                           sock=sock)
        n.event("serving", pid=os.getpid())
        if n.pid == "jatos":
            self.app_log("INFO", "p.c.s.PekkoHttpServer", "Listening for HTTP on /%s:%d" % (address, port))
            self.app_log("INFO", "s.JatosStartup", "JATOS %s started" % n.version)
        else:
            n.log("INFO", "org.apache.coyote.AbstractProtocol.start",
                  'Starting ProtocolHandler ["http-nio-%s-%d"]' % (address, port), which="catalina")
            n.log("INFO", "org.apache.catalina.startup.Catalina.start",
                  "Server startup in [%d] milliseconds" % int(warmup * 1000 + 850), which="catalina")
            self.app_log("INFO", "c.k.o.c.u.AppInit" if n.pid == "openspecimen" else "org.joget.apps.app.AppInit",
                         "%s %s started" % (product(n.pid).display, n.version))
        beat = asyncio.ensure_future(self.heartbeat(float(n.settings.get("heartbeatSeconds", 10))))
        await self.stopping.wait()
        server.close()
        await server.wait_closed()
        beat.cancel()
        if n.pid == "jatos":
            self.app_log("INFO", "p.c.s.PekkoHttpServer", "Stopping Pekko HTTP server...")
            self.app_log("INFO", "play.api.Play", "Shutdown application default Pekko Actor System.")
        else:
            n.log("INFO", "org.apache.catalina.core.StandardService.stopInternal",
                  "Stopping service [Catalina]", which="catalina")


def serve(install_dir):
    node = Node(install_dir)
    effective.write(node.home, node.pid, node.name, node.cfg)     # what this start actually took
    code = 0
    try:
        asyncio.run(Server(node).run())
    except OSError as e:
        node.log("ERROR", "play.core.server.ProdServerStart" if node.pid == "jatos" else
                 "org.apache.catalina.core.StandardService.initInternal", "Failed to bind: %s" % e)
        code = 1
    finally:
        node.event("stopped", pid=os.getpid(), code=code)
        if node.pid == "jatos" and read_pidfile(node.pidfile) == os.getpid():
            os.unlink(node.pidfile)     # Play removes RUNNING_PID on a clean exit
    return code


def main(argv):
    parser = argparse.ArgumentParser(prog="sandbox-node")
    parser.add_argument("command", choices=["start", "stop", "serve", "install-release"])
    parser.add_argument("install_dir")
    parser.add_argument("rest", nargs="*")
    args, _unknown = parser.parse_known_args(argv)
    try:
        if args.command == "start":
            return start(args.install_dir)
        if args.command == "stop":
            return stop(args.install_dir)
        if args.command == "serve":
            return serve(args.install_dir)
        if len(args.rest) != 2:
            print("usage: install-release.sh PACKAGE VERSION", file=sys.stderr)
            return 2
        print(install_package(args.install_dir, os.path.abspath(args.rest[0]), args.rest[1]))
        return 0
    except SandboxError as e:
        print("error: %s" % e, file=sys.stderr)
        return 1
    except (OSError, ValueError, KeyError) as e:    # e.g. a missing or broken config file
        print("error: %s: %s" % (type(e).__name__, e), file=sys.stderr)
        return 1
