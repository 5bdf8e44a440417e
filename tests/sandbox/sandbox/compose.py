"""Docker Compose emulation for `up --deployment compose`: a `docker` command on the
PATH of every sandbox SSH session (DIR/bin/docker; the sshd configs get
`SetEnv PATH=DIR/bin:...`) that hands its arguments to an emulated Docker daemon
on the unix socket DIR/docker.sock, as the real CLI talks to dockerd. The daemon
runs on the host (`clusterdesk-sandbox serve-docker`), outside the nodes' PID
namespaces, and maps the service's containers 1:1 to the sandbox nodes
(container `<project>-<service>-K` is node K). It answers:

    docker compose [-f FILE] [--project-directory DIR] [-p NAME] ps [-a] [-q] [--format json|table] [SERVICE]
    docker compose ... stop [-t N] [SERVICE...] | start [SERVICE...] | restart [SERVICE...]
    docker compose ... up -d [--force-recreate] [--scale SERVICE=N] [SERVICE...]
    docker compose ... logs [--no-color] [-t|--timestamps] [--tail N] [--since T] [SERVICE]
    docker compose version

Containers take their image and environment from the project's .env file
(<PRODUCT>_IMAGE, e.g. JATOS_IMAGE=jatos/jatos:3.10.4, which compose.yaml's `image:`
names; JATOS_SECRET, JATOS_DB_URL, JATOS_DB_USERNAME, JATOS_DB_PASSWORD, JATOS_MULTINODE
for JATOS, which its `environment:` passes through) when they are created: `up -d`
recreates the containers whose image or environment changed, start / stop / restart
keep them, as Compose does. A container created with another version's image gets
that release installed on its node first (nodectl.py); an image the emulated registry
lacks makes `up` fail before anything changes, with dockerd's "manifest unknown".

`ps --format json` prints one JSON object per line, as Compose v2.21 and later do
(earlier v2 releases printed one JSON array): Command, CreatedAt, ExitCode, Health,
ID, Image, Labels, LocalVolumes, Mounts, Name, Names, Networks, Ports, Project,
Publishers [{URL, TargetPort, PublishedPort, Protocol}], RunningFor, Service, Size,
State (running | exited), Status ("Up 5 minutes (healthy)", "Exited (137) 2 seconds
ago"; "Restarting (1) 2 seconds ago" for one in a crash loop). Without -a only
running (and restarting) containers are listed, as with the real command.

Restart policy unless-stopped: a container whose start the node refuses (it exits
at once) still counts as started for `start` / `up`, as dockerd reports it, and is
started again with a back-off until it stays up, or until it is stopped or scaled
away (nodectl.py's crash loop)."""

import calendar
import json
import os
import re
import socketserver
import threading
import time

from .nodectl import Nodes, image_for, image_version, uid
from .util import read_dotenv, stop_when_folder_goes, write_atomic, write_json

SHIM = '''#!/usr/bin/python3
"""docker CLI shim of clusterdesk-sandbox: forwards to the emulated daemon."""
import json, os, socket, sys
try:
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(%(sock)r)
except OSError:
    sys.stderr.write("Cannot connect to the Docker daemon at unix:///var/run/docker.sock. "
                     "Is the docker daemon running?\\n")
    sys.exit(1)
s.sendall(json.dumps({"argv": sys.argv[1:], "cwd": os.getcwd()}).encode() + b"\\n")
s.shutdown(socket.SHUT_WR)
data = b""
while True:
    chunk = s.recv(65536)
    if not chunk:
        break
    data += chunk
r = json.loads(data)
sys.stdout.write(r["stdout"])
sys.stderr.write(r["stderr"])
sys.exit(r["rc"])
'''

COMPOSE_VERSION = "v2.24.6"


ENV_KEYS = {"jatos": ("JATOS_SECRET", "JATOS_DB_URL", "JATOS_DB_USERNAME", "JATOS_DB_PASSWORD", "JATOS_MULTINODE")}
IMAGE_KEYS = {"jatos": "JATOS_IMAGE", "openspecimen": "OPENSPECIMEN_IMAGE", "joget": "JOGET_IMAGE"}


def write_env_file(project_dir, pid, image, db, app_secret):
    """{projectDir}/.env (0600): the service's image and, for JATOS, the sandbox's real values."""
    values, keys = {IMAGE_KEYS[pid]: image}, [IMAGE_KEYS[pid]]
    if pid == "jatos" and db:
        from .configs import jdbc_url
        values.update({"JATOS_SECRET": app_secret, "JATOS_DB_URL": jdbc_url(db), "JATOS_DB_USERNAME": db["user"],
                       "JATOS_DB_PASSWORD": db["password"], "JATOS_MULTINODE": "true"})
        keys += ENV_KEYS["jatos"]
    write_atomic(os.path.join(project_dir, ".env"),
                 "# image and environment of the %s containers (clusterdesk-sandbox): `docker compose up -d` "
                 "applies changes\n" % pid + "".join("%s=%s\n" % (k, values[k]) for k in keys), mode=0o600)


def prepare(state, db=None, app_secret=None):
    top = state["dir"]
    bindir = os.path.join(top, "bin")
    os.makedirs(bindir, exist_ok=True)
    write_atomic(os.path.join(bindir, "docker"), SHIM % {"sock": os.path.join(top, "docker.sock")}, mode=0o755)
    project_dir = os.path.join(top, "compose")
    os.makedirs(project_dir, exist_ok=True)
    service = state["product"]
    from .products import product
    p = product(service)
    write_atomic(os.path.join(project_dir, "compose.yaml"),
                 "# the sandbox's Compose project (emulated: container K is sandbox node K)\n"
                 "services:\n  %s:\n    image: ${%s}\n    ports: [\"%d:%d\"]\n    healthcheck:\n"
                 "      test: [\"CMD\", \"curl\", \"-fs\", \"http://localhost:%d%s\"]\n    deploy:\n"
                 "      replicas: %d\n" % (service, IMAGE_KEYS[service], p.port, p.port, p.port,
                                         p.health_url("x").split("x:%d" % p.port, 1)[1], len(state["nodes"]))
                 + "".join(("    environment:\n" if i == 0 else "") + "      %s: ${%s}\n" % (k, k)
                           for i, k in enumerate(ENV_KEYS.get(service, ()))))
    write_env_file(project_dir, service, image_for(state), db, app_secret)
    state["compose"] = {"projectDir": project_dir, "service": service, "project": os.path.basename(project_dir),
                        "imageVariable": IMAGE_KEYS[service]}
    # sshd uses the first SetEnv line only: extend the existing one with PATH
    for n in state["nodes"]:
        config = os.path.join(top, "ssh", n["name"], "sshd_config")
        with open(config) as f:
            text = f.read()
        text = re.sub(r"^SetEnv (.*)$", lambda m: "SetEnv %s PATH=%s:/usr/local/bin:/usr/bin:/bin" % (
            m.group(1), bindir), text, count=1, flags=re.M)
        write_atomic(config, text, mode=0o644)


def human(seconds):
    """Docker's units.HumanDuration."""
    s = int(seconds)
    if s < 1:
        return "Less than a second"
    if s == 1:
        return "1 second"
    if s < 60:
        return "%d seconds" % s
    m = s // 60
    if m == 1:
        return "About a minute"
    if m < 60:
        return "%d minutes" % m
    h = round(s / 3600)
    if h == 1:
        return "About an hour"
    return "%d hours" % h if h < 48 else "%d days" % (h // 24)


class Daemon:
    def __init__(self, top):
        self.nodes = Nodes(top)
        st = self.nodes.state
        self.conf = st["compose"]
        self.scale = len(self.nodes.nodes)
        self.created = time.time()
        self.lock = threading.Lock()       # one compose command at a time, as the real one locks the project
        # A container keeps the environment it was created with (.env read at creation):
        # start / stop / restart reuse it, `up -d` recreates containers whose environment
        # changed (or all with --force-recreate), as Compose does.
        self.env_keys = ENV_KEYS.get(st["product"], ())
        self.created_env = {n["index"]: self.project_env() for n in self.nodes.nodes}
        self.nodes.start_env = lambda node: self.created_env.setdefault(node["index"], self.project_env())
        # ... and the image: the nodes `up` started run the sandbox's version
        self.created_image = {n["index"]: image_for(st) for n in self.nodes.nodes}
        self.nodes.start_image = lambda node: self.created_image.setdefault(node["index"], self.project_image())
        # restart policy unless-stopped: a container that exits at start is started again
        self.nodes.supervise(self.locked)

    def locked(self, fn):
        with self.lock:
            return fn()

    def started(self, n, ok, msg):
        """A start whose container exited at once still started (as dockerd says);
        the restart policy takes over (nodectl's crash loop)."""
        return ok or (self.nodes.crashed(n) is not None and not self.nodes.info[n["name"]]["waiting"]), msg

    def project_env(self):
        """The service's environment from the project's .env file now."""
        env = read_dotenv(os.path.join(self.conf["projectDir"], ".env"))
        return {k: env[k] for k in self.env_keys if k in env}

    def project_image(self):
        """The service's image from the project's .env file now ("" when unset)."""
        key = IMAGE_KEYS[self.nodes.state["product"]]
        return read_dotenv(os.path.join(self.conf["projectDir"], ".env")).get(key, "")

    def container(self, p):
        c, st = self.conf, self.nodes.state
        name = "%s-%s-%d" % (c["project"], c["service"], p["index"])
        now = time.time()
        port = self.nodes.product.port
        crash = p.get("crash")
        if crash and not p["running"]:
            health, state = "", "restarting"
            status = "Restarting (%d) %s ago" % (crash["exitCode"], human(now - crash["finished"]))
        elif p["running"]:
            warm = now - p["started"] < st.get("warmup", 3) + 30
            health = "healthy" if p["ready"] else ("starting" if warm else "unhealthy")
            state, status = "running", "Up %s (%s)" % (human(now - p["started"]), health)
        else:
            health, state = "", "exited"
            status = "Exited (%d) %s ago" % (p["exitCode"], human(now - (p["finished"] or now)))
        return {
            "Command": '"%s"' % {"jatos": "/opt/jatos/loader.sh start", "openspecimen": "/usr/local/bin/start.sh",
                                 "joget": "/opt/joget/tomcat.sh start"}[st["product"]],
            "CreatedAt": time.strftime("%Y-%m-%d %H:%M:%S +0000 UTC", time.gmtime(self.created)),
            "ExitCode": 0 if p["running"] else crash["exitCode"] if crash else p["exitCode"], "Health": health,
            "ID": uid(st["id"], name).replace("-", "")[:12],
            "Image": self.created_image.get(p["index"]) or image_for(st),
            "Labels": "com.docker.compose.project=%s,com.docker.compose.service=%s,"
                      "com.docker.compose.container-number=%d,com.docker.compose.oneoff=False"
                      % (c["project"], c["service"], p["index"]),
            "LocalVolumes": "0", "Mounts": "", "Name": name, "Names": name,
            "Networks": c["project"] + "_default",
            "Ports": "%s:%d->%d/tcp" % (p["address"], port, port) if p["running"] else "",
            "Project": c["project"],
            "Publishers": [{"URL": p["address"], "TargetPort": port, "PublishedPort": port if p["running"] else 0,
                            "Protocol": "tcp"}],
            "RunningFor": human(now - self.created) + " ago", "Service": c["service"], "Size": "0B",
            "State": state, "Status": status}

    def run(self, argv, cwd):
        """(exit code, stdout, stderr) of one docker command line."""
        if not argv or argv[0] != "compose":
            if argv[:1] == ["version"] or argv[:1] == ["--version"]:
                return 0, "Docker version 24.0.7, build afdd53b (clusterdesk-sandbox emulation)\n", ""
            return 1, "", "docker: the sandbox emulates only `docker compose`\n"
        args, project_dir, files, project = list(argv[1:]), None, [], None
        while args and args[0].startswith("-"):
            opt = args.pop(0)
            key, eq, val = opt.partition("=")
            if key in ("-f", "--file", "--project-directory", "-p", "--project-name", "--ansi", "--progress",
                       "--env-file", "--profile"):
                val = val if eq else (args.pop(0) if args else "")
            if key in ("-f", "--file"):
                files.append(val)
            elif key == "--project-directory":
                project_dir = val
            elif key in ("-p", "--project-name"):
                project = val
        if not args:
            return 1, "", "Usage:  docker compose [OPTIONS] COMMAND\n"
        cmd, rest = args[0], args[1:]
        if cmd == "version":
            return 0, "Docker Compose version %s\n" % COMPOSE_VERSION, ""
        where = project_dir or (os.path.dirname(os.path.join(cwd, files[0])) if files else cwd)
        if os.path.realpath(os.path.join(cwd, where)) != os.path.realpath(self.conf["projectDir"]) \
                and project != self.conf["project"]:
            return 1, "", "no configuration file provided: not found\n"
        with self.lock:
            if cmd == "ps":
                return self.ps(rest)
            if cmd in ("stop", "start", "restart"):
                return self.stop_start(cmd, [a for a in rest if not a.startswith("-") and not a.isdigit()])
            if cmd == "up":
                return self.up(rest)
            if cmd == "logs":
                return self.logs(rest)
        return 1, "", "docker compose %s: not emulated by the sandbox\n" % cmd

    def _services_ok(self, services):
        bad = [s for s in services if s != self.conf["service"]]
        return "no such service: %s\n" % bad[0] if bad else None

    def ps(self, rest):
        fmt, all_, quiet, services = "table", False, False, []
        while rest:
            a = rest.pop(0)
            if a in ("-a", "--all"):
                all_ = True
            elif a in ("-q", "--quiet"):
                quiet = True
            elif a == "--format" or a.startswith("--format="):
                fmt = a.split("=", 1)[1] if "=" in a else (rest.pop(0) if rest else "table")
            elif not a.startswith("-"):
                services.append(a)
        err = self._services_ok(services)
        if err:
            return 1, "", err
        cs = [self.container(p) for p in self.nodes.observe_all() if p["index"] <= self.scale]
        cs = [c for c in cs if all_ or c["State"] in ("running", "restarting")]
        if quiet:
            return 0, "".join(c["ID"] + "\n" for c in cs), ""
        if fmt == "json":
            return 0, "".join(json.dumps(c, separators=(",", ":")) + "\n" for c in cs), ""
        lines = ["%-24s %-22s %-30s %-10s %-32s %s" % ("NAME", "IMAGE", "COMMAND", "SERVICE", "STATUS", "PORTS")]
        lines += ["%-24s %-22s %-30s %-10s %-32s %s" % (c["Name"], c["Image"], c["Command"], c["Service"],
                                                         c["Status"], c["Ports"]) for c in cs]
        return 0, "\n".join(lines) + "\n", ""

    def logs(self, rest):
        """docker compose logs [--no-color] [-t|--timestamps] [-n|--tail N|all] [--since T] [SERVICE]:
        each container's output (its node's main product log, podlogs.py), in container order,
        every line prefixed with the container's name padded as Compose pads it ("NAME  | ");
        --tail per container; -t puts Docker's timestamp (RFC 3339, 9 digits) after the prefix.
        Stopped containers are included, as Compose shows them; removed ones (scaled away) not."""
        tail, since, timestamps, services = None, None, False, []
        while rest:
            a = rest.pop(0)
            key, eq, val = a.partition("=")
            if key in ("-n", "--tail", "--since", "--until") and not eq:
                if not rest:
                    return 1, "", "flag needs an argument: %s\n" % key
                val = rest.pop(0)
            if a in ("--no-color", "--no-log-prefix") or key == "--until":
                continue
            if a in ("-t", "--timestamps"):
                timestamps = True
            elif a in ("-f", "--follow"):
                return 1, "", "docker compose logs --follow: not emulated by the sandbox\n"
            elif key in ("-n", "--tail"):
                if val == "all":
                    tail = None
                elif val.lstrip("-").isdigit():
                    tail = int(val) if int(val) >= 0 else None      # negative: all, as Docker takes it
                else:
                    return 1, "", 'invalid argument "%s" for "-n, --tail" flag\n' % val
            elif key == "--since":
                since = parse_since(val)
                if since is None:
                    return 1, "", 'invalid value for "since": failed to parse value as time or duration: "%s"\n' \
                        % val
            elif a.startswith("-"):
                return 1, "", "unknown flag: %s\n" % a
            else:
                services.append(a)
        err = self._services_ok(services)
        if err:
            return 1, "", err
        from .podlogs import main_log, select
        nodes = [n for n in self.nodes.nodes if n["index"] <= self.scale]
        names = ["%s-%s-%d" % (self.conf["project"], self.conf["service"], n["index"]) for n in nodes]
        width = max((len(x) for x in names), default=0) + 1
        out = []
        for n, name in zip(nodes, names):
            prefix = ("%-*s | " % (width, name)).encode()
            rest_ = b""
            for block in select(main_log(self.nodes.state, n), tail, since, None, timestamps, docker_time=True):
                block = rest_ + block
                lines = block.split(b"\n")
                rest_ = lines.pop()
                out.extend(prefix + line + b"\n" for line in lines)
            if rest_:
                out.append(prefix + rest_ + b"\n")
        return 0, b"".join(out).decode("utf-8", "replace"), ""

    def stop_start(self, cmd, services):
        err = self._services_ok(services)
        if err:
            return 1, "", err
        out, rc = [], 0
        for n in self.nodes.nodes:
            if n["index"] > self.scale:
                continue
            name = "%s-%s-%d" % (self.conf["project"], self.conf["service"], n["index"])
            steps = [("stop", "Stopping", "Stopped"), ("start", "Starting", "Started")]
            for action, doing, done in steps if cmd == "restart" else [s for s in steps if s[0] == cmd]:
                out.append(" Container %s  %s\n" % (name, doing))
                ok, msg = getattr(self.nodes, action)(n)
                if action == "start":
                    ok, msg = self.started(n, ok, msg)
                out.append(" Container %s  %s\n" % (name, done) if ok else
                           "Error response from daemon: %s\n" % msg)
                rc |= 0 if ok else 1
        return rc, "", "".join(out)

    def up(self, rest):
        scale, force = self.scale, False
        while rest:
            a = rest.pop(0)
            if a == "--force-recreate":
                force = True
                continue
            if a == "--scale" or a.startswith("--scale="):
                spec = a.split("=", 1)[1] if a.startswith("--scale=") else (rest.pop(0) if rest else "")
                svc, _, n = spec.partition("=")
                err = self._services_ok([svc])
                if err or not n.isdigit():
                    return 1, "", err or "invalid --scale %s\n" % spec
                if int(n) > len(self.nodes.nodes):
                    return 1, "", "the sandbox has %d nodes: cannot scale %s to %s\n" % (
                        len(self.nodes.nodes), svc, n)
                scale = int(n)
        image, out = self.project_image(), []
        err = self.pull(image)
        if err:
            return 1, "", err
        if image not in self.created_image.values():     # not on the host yet
            out.append(" %s Pulling \n %s Pulled \n" % (self.conf["service"], self.conf["service"]))
        self.scale = scale
        rc = 0
        wanted = self.project_env()
        recreated = set()
        for n in self.nodes.nodes[:scale]:      # recreate: stop, new environment and image, start
            if n["index"] in self.created_env and (force or self.created_env[n["index"]] != wanted
                                                   or self.created_image.get(n["index"]) != image):
                cname = "%s-%s-%d" % (self.conf["project"], self.conf["service"], n["index"])
                out.append(" Container %s  Recreate\n" % cname)
                ok, msg = self.nodes.stop(n)
                self.created_env[n["index"]] = dict(wanted)
                self.created_image[n["index"]] = image
                if ok:
                    ok, msg = self.started(n, *self.nodes.start(n))
                out.append(" Container %s  Recreated\n" % cname if ok else "Error response from daemon: %s\n" % msg)
                rc |= 0 if ok else 1
                recreated.add(n["index"])
        for n in self.nodes.nodes[scale:]:
            self.created_env.pop(n["index"], None)     # removed: a later scale-up creates it anew
            self.created_image.pop(n["index"], None)
        for name, action, ok, msg in self.nodes.scale(scale):
            if action == "start":
                ok, msg = self.started(self.nodes.nodes[int(name.rsplit("-", 1)[1]) - 1], ok, msg)
            cname = "%s-%s-%s" % (self.conf["project"], self.conf["service"], name.rsplit("-", 1)[1])
            out.append(" Container %s  %s\n" % (cname, {"start": "Started", "stop": "Removed"}[action]) if ok
                       else "Error response from daemon: %s\n" % msg)
            rc |= 0 if ok else 1
        for n in self.nodes.nodes[:scale]:
            if n["index"] not in recreated:
                out.append(" Container %s-%s-%d  Running\n" % (self.conf["project"], self.conf["service"],
                                                               n["index"]))
        return rc, "", "".join(out)


    def pull(self, image):
        """None when the service's image can be used, else the error `up` prints
        (Compose's for an unset variable, dockerd's for an unknown image)."""
        service, key = self.conf["service"], IMAGE_KEYS[self.nodes.state["product"]]
        if not image:
            return ('WARN[0000] The "%s" variable is not set. Defaulting to a blank string.\n'
                    'service "%s" has neither an image nor a build context specified: invalid compose project\n'
                    % (key, service))
        if image_version(self.nodes.state["product"], image) is None:
            return (" %s Pulling \n %s Error \nError response from daemon: manifest for %s not found: "
                    "manifest unknown: manifest unknown\n" % (service, service, image))
        return None


def parse_since(value):
    """Docker's --since: a Go duration (24h, 90m, 1h30m, 10s) back from now, a Unix time
    (seconds, fractions allowed), or an RFC 3339 date / time (UTC when no zone is given).
    Epoch seconds, or None when it is none of these."""
    m = re.fullmatch(r"((?:\d+(?:\.\d+)?(?:h|m|s|ms|us|ns))+)", value)
    if m:
        units = {"h": 3600, "m": 60, "s": 1, "ms": 1e-3, "us": 1e-6, "ns": 1e-9}
        total = sum(float(n) * units[u] for n, u in re.findall(r"(\d+(?:\.\d+)?)(ms|us|ns|h|m|s)", value))
        return time.time() - total
    if re.fullmatch(r"\d+(\.\d+)?", value):
        return float(value)
    for fmt in ("%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"):
        try:
            base = value[:19] if fmt.endswith("%S") else value[:10]
            t = calendar.timegm(time.strptime(base, fmt))
        except ValueError:
            continue
        zone = re.search(r"([+-])(\d\d):(\d\d)$", value)
        if zone:
            t -= (1 if zone.group(1) == "+" else -1) * (int(zone.group(2)) * 3600 + int(zone.group(3)) * 60)
        return t
    return None


class _Handler(socketserver.StreamRequestHandler):
    def handle(self):
        req = json.loads(self.rfile.readline() or b"{}")
        try:
            rc, out, err = self.server.daemon.run(req.get("argv", []), req.get("cwd", "/"))
        except Exception as e:      # a bug here must reach the caller, not hang it
            rc, out, err = 1, "", "sandbox docker daemon: %r\n" % e
        self.wfile.write(json.dumps({"rc": rc, "stdout": out, "stderr": err}).encode())


def serve(top):
    sock = os.path.join(top, "docker.sock")
    if os.path.exists(sock):
        os.unlink(sock)
    daemon = Daemon(top)
    server = socketserver.ThreadingUnixStreamServer(sock + ".tmp", _Handler)
    server.daemon_threads = True
    server.daemon = daemon
    os.chmod(sock + ".tmp", 0o660)
    os.rename(sock + ".tmp", sock)
    write_json(os.path.join(top, "compose", "daemon.json"), {"pid": os.getpid()})
    stop_when_folder_goes(server, top)
    server.serve_forever()
    return 0
