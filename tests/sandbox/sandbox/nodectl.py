"""Node control shared by the Kubernetes and Docker Compose emulations (k8s.py,
compose.py): they run on the host, outside the nodes' PID namespaces, and act on
the sandbox nodes exactly as an operator would, with the products' own control
scripts (`loader.sh start|stop`, `bin/startup.sh`/`bin/shutdown.sh`,
`tomcat.sh start|stop`) run inside the node (nsenter), and judge a node by its real
health endpoint with a short timeout (1 s; all nodes at once). A pod / container
maps 1:1 to a node: node K is replica K. Restarts are counted whenever a node's
process id is seen to change (on each request: two restarts between two requests
count as one).

Images: a replica started with an image (the Deployment's, the container's) whose
tag names another version than the node's current release first gets that release
installed (release.install_version: built in place, as make-release and
install-release.sh would), then starts and migrates the schema itself. The emulated
registry holds the product's image (IMAGES) with every tag of the product's version
format whose major version that image line has (REGISTRY_MAJORS); any other image
cannot be pulled: the replica does not start and waits with ErrImagePull.

Crash loops: a start the orchestrator makes that the node refuses (its start
command exits non-zero and leaves no process: a schema refusal, `fault
refuse-start`, ...) is what a container exiting at once looks like. As kubelet
(restartPolicy Always: CrashLoopBackOff) and dockerd (restart policy
unless-stopped: "Restarting") do, the replica is started again after a back-off
that doubles from BACKOFF_FIRST to BACKOFF_MAX seconds (kubelet: 10 s to 5 min;
dockerd: 100 ms doubling to 1 min: shorter here, for the tests), until a start
succeeds or the replica is stopped or scaled away. `fault down` (SIGKILL of a
running node) is left alone: it stays exited (137) for the tests that look at it."""

import hashlib
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from . import cluster, release, ssh
from .products import check_version, product
from .util import SandboxError, pid_state, say, version_key

START = {"jatos": "loader.sh start", "openspecimen": "bin/startup.sh", "joget": "tomcat.sh start"}
STOP = {"jatos": "loader.sh stop", "openspecimen": "bin/shutdown.sh", "joget": "tomcat.sh stop"}
IMAGES = {"jatos": "jatos/jatos", "openspecimen": "krishagni/openspecimen",
          "joget": "jogetworkflow/joget-dx8-tomcat9"}
REGISTRY_MAJORS = {"jatos": (3,), "openspecimen": (9, 10, 11), "joget": (8,)}
BACKOFF_FIRST, BACKOFF_MAX = 1.0, 4.0


def image_for(state):
    return "%s:%s" % (IMAGES[state["product"]], state["version"])


def image_version(pid, image):
    """The version the emulated registry's image `image` holds for product `pid`
    (jatos/jatos:3.10.5 -> 3.10.5; docker.io/ may precede the name), or None
    when there is no such image (another product, an unknown tag, a digest)."""
    name, sep, tag = (image or "").rpartition(":")
    if not sep or "/" in tag:
        return None
    for prefix in ("docker.io/library/", "docker.io/"):
        if name.startswith(prefix):
            name = name[len(prefix):]
    if name != IMAGES[pid]:
        return None
    try:
        check_version(pid, tag)
    except SandboxError:
        return None
    return tag if version_key(tag)[0] in REGISTRY_MAJORS[pid] else None


def uid(*parts):
    """A stable UUID-shaped id (Kubernetes uids, container ids) from the names."""
    h = hashlib.sha256("/".join(str(p) for p in parts).encode()).hexdigest()
    return "%s-%s-%s-%s-%s" % (h[:8], h[8:12], h[12:16], h[16:20], h[20:32])


def rfc3339(t):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


class Nodes:
    """The sandbox nodes seen as replicas: observe (concurrently), start, stop, scale."""

    def __init__(self, top):
        self.top = top
        self.state = cluster.load_state(top)
        self.product = product(self.state["product"])
        self.lock = threading.Lock()
        now = time.time()
        self.info = {n["name"]: {"pid": 0, "restarts": 0, "started": now, "finished": None, "exitCode": 0,
                                 "image": image_for(self.state), "waiting": None, "crash": None}
                     for n in self.state["nodes"]}
        self.pool = ThreadPoolExecutor(max_workers=min(64, len(self.state["nodes"])))
        # node -> {name: value}: the environment a start gives the node (the orchestrator's
        # Secrets / ConfigMaps or .env file); None: the node's own config files only
        self.start_env = None
        # node -> the image a start creates the replica with (None: the node's own release)
        self.start_image = None
        # fn -> runs fn serialised with the emulation's other node control (the controller's
        # worker, the daemon's lock); set by supervise()
        self.serialised = None
        self.observe_all()

    @property
    def nodes(self):
        return self.state["nodes"]

    def _run(self, node, command, env=None):
        script, *rest = command.split()
        return ssh.run_in_node(node.get("nsPid"), [os.path.join(node["installDir"], script)] + rest,
                               self.state.get("pidNamespaces", False), timeout=60, env=env)

    def observe(self, node):
        """{name, index, address, pid, running, hung, ready, restarts, started, finished, exitCode}."""
        pids = cluster.node_pids(node)
        pid = pids[0] if pids else 0
        hung = bool(pid) and pid_state(pid) == "T"
        ready = bool(pid) and not hung and cluster.http_ok(self.product.health_url(node["address"]), timeout=1.0)
        with self.lock:
            info = self.info[node["name"]]
            if pid and pid != info["pid"]:
                if info["pid"] or info["finished"]:
                    info["restarts"] += 1
                info["started"], info["finished"] = time.time(), None
            elif not pid and info["pid"]:
                info["finished"] = time.time()
                # a SIGKILL (fault down) leaves the pid file behind: exit code 137 as Docker reports it
                info["exitCode"] = 137 if self._stale_pidfile(node) else 0
            info["pid"] = pid
            out = dict(info, crash=dict(info["crash"]) if info["crash"] else None)
        out.update(name=node["name"], index=node["index"], address=node["address"], running=bool(pid),
                   hung=hung, ready=ready)
        return out

    def _stale_pidfile(self, node):
        rel = "RUNNING_PID" if self.state["product"] == "jatos" else os.path.join("..", "run", "catalina.pid")
        return os.path.exists(os.path.join(node["installDir"], rel))

    def observe_all(self):
        return list(self.pool.map(self.observe, self.nodes))

    def start(self, node):
        """(ok, message). Starting a running node is not an error (idempotent, as the orchestrators are)."""
        if cluster.node_pids(node):
            return True, "already running"
        if self.start_image:
            ok, message = self.pull(node, self.start_image(node))
            if not ok:
                return False, message
        r = self._run(node, START[self.state["product"]], self.start_env(node) if self.start_env else None)
        self.observe(node)
        message = (r.stderr or r.stdout).strip()
        with self.lock:
            info = self.info[node["name"]]
            if r.returncode == 0:
                info["crash"] = None
            elif not cluster.node_pids(node):      # exited at once: back off, then start again
                crash = info["crash"] or {"attempts": 0, "since": time.time()}
                delay = min(BACKOFF_MAX, BACKOFF_FIRST * 2 ** crash["attempts"])
                crash.update(attempts=crash["attempts"] + 1, exitCode=r.returncode, message=message,
                             finished=time.time(), next=time.time() + delay, backoff=delay)
                info["crash"] = crash
                if crash["attempts"] > 1:
                    info["restarts"] += 1       # each start after the first is a restart
        return r.returncode == 0, message

    def crashed(self, node):
        """The crash loop of the node ({attempts, exitCode, message, finished, next,
        backoff}), or None."""
        with self.lock:
            crash = self.info[node["name"]]["crash"]
            return dict(crash) if crash else None

    def supervise(self, serialised):
        """Starts the restarter (kubelet's / dockerd's): replicas in a crash loop are
        started again when their back-off ends. `serialised(fn)` runs fn in turn with
        the emulation's other scaling and starting."""
        self.serialised = serialised
        threading.Thread(target=self._restarter, daemon=True, name="restarter").start()

    def _restarter(self):
        while True:
            time.sleep(0.2)
            now = time.time()
            for n in self.nodes:
                crash = self.crashed(n)
                if crash and crash["next"] <= now:
                    try:
                        self.serialised(lambda n=n: self._restart(n))
                    except Exception as e:     # never let the restarter die
                        say("restarter: %s: %r" % (n["name"], e))

    def _restart(self, node):
        crash = self.crashed(node)
        if not crash or crash["next"] > time.time() or cluster.node_pids(node):
            return
        ok, message = self.start(node)
        say("%s: restarted after a crash (attempt %d): %s" % (node["name"], crash["attempts"] + 1,
                                                              "ok" if ok else message))

    def pull(self, node, image):
        """Puts the release of `image` on the node (installing it when the node runs
        another version). (False, message) and ErrImagePull when there is no such image."""
        info = self.info[node["name"]]
        with self.lock:
            info["image"] = image
        version = image_version(self.state["product"], image)
        if version is None:
            with self.lock:
                info["waiting"] = "ErrImagePull"
            return False, "manifest for %s not found: manifest unknown: manifest unknown" % image
        try:
            was = release.install_version(node["installDir"], version)
        except (SandboxError, OSError) as e:
            return False, "cannot install %s on %s: %s" % (version, node["name"], e)
        if was != version:
            say("%s: installed %s (was %s) for image %s" % (node["name"], version, was, image))
        with self.lock:
            info["waiting"] = None
        return True, ""

    def forget(self, node):
        """The replica is removed (scaled away) or stopped: no image pull is pending for
        it, and it is not restarted."""
        with self.lock:
            self.info[node["name"]]["waiting"] = None
            self.info[node["name"]]["crash"] = None

    def stop(self, node):
        self.forget(node)
        if not cluster.node_pids(node):
            return True, "not running"
        r = self._run(node, STOP[self.state["product"]])
        self.observe(node)
        return r.returncode == 0, (r.stderr or r.stdout).strip()

    def scale(self, replicas):
        """Nodes 1..replicas running, the others stopped; returns [(node name, action, ok, message)]."""
        done = []
        for n in self.nodes:
            if n["index"] <= replicas:
                if not cluster.node_pids(n):
                    done.append((n["name"], "start") + self.start(n))
            elif cluster.node_pids(n):
                done.append((n["name"], "stop") + self.stop(n))
            else:
                self.forget(n)
        return done
