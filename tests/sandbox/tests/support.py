"""Shared helpers of the sandbox tests: a Sandbox context that always runs `down`
and removes its folder, real ssh with the sandbox's key and known_hosts, HTTP with
timeouts, bounded polling, and the leak checks (no process whose command line names
the sandbox folder, no listening port on its addresses, read from `ss -ltnp`)."""

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
SANDBOX = os.path.join(os.path.dirname(HERE), "clusterdesk-sandbox")
REPO = os.path.abspath(os.path.join(HERE, "..", "..", ".."))


def run(args, check=True, timeout=300, **kw):
    r = subprocess.run(args, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL, **kw)
    if check and r.returncode != 0:
        raise AssertionError("%s exited with %d\nstdout:\n%s\nstderr:\n%s"
                             % (" ".join(args), r.returncode, r.stdout, r.stderr))
    return r


def read(path):
    with open(path) as f:
        return f.read()


def wait_for(predicate, timeout, what, interval=0.1):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("timed out after %.0f s waiting for %s" % (timeout, what))
        time.sleep(interval)


def http_get(url, timeout=3.0):
    """(status, body) or (None, error text) when no answer came."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()
    except (urllib.error.URLError, OSError) as e:
        return None, str(e)


def listening():
    """{(address, port)} of every listening TCP socket, from `ss -ltnp`."""
    out = run(["ss", "-ltnpH"]).stdout
    found = set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 4:
            addr, _, port = parts[3].rpartition(":")
            found.add((addr.strip("[]"), int(port)))
    return found


def processes_naming(text):
    """Live processes (not this one or its parents) whose command line contains text."""
    spare, pid = set(), os.getpid()
    while pid > 1:
        spare.add(pid)
        try:
            with open("/proc/%d/stat" % pid) as f:
                pid = int(f.read().rsplit(")", 1)[1].split()[1])
        except OSError:
            break
    found = []
    for p in os.listdir("/proc"):
        if not p.isdigit() or int(p) in spare:
            continue
        try:
            with open("/proc/%s/cmdline" % p, "rb") as f:
                cmd = f.read().replace(b"\0", b" ").decode("utf-8", "replace")
        except OSError:
            continue
        if text in cmd:
            found.append((int(p), cmd))
    return found


class Sandbox:
    """`with Sandbox("jatos", nodes=2) as sb:` runs up in a fresh temp folder; on
    leaving (also after a failure) runs down, checks nothing was left, removes it."""

    prefix = "cd-sandbox-test-"  # sweep_leftovers() finds this suite's folders by it

    def __init__(self, product, nodes=2, extra=(), env=None):
        self.product, self.nodes, self.extra, self.env = product, nodes, list(extra), env
        self.dir = None
        self.up_result = None

    def __enter__(self):
        self.dir = tempfile.mkdtemp(prefix=self.prefix)
        try:
            self.up_result = run([SANDBOX, "up", "--product", self.product, "--nodes", str(self.nodes),
                                  "--dir", self.dir] + self.extra, env=self.env)
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc):
        try:
            run([SANDBOX, "down", "--dir", self.dir], check=False, env=self.env)
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)

    # --- what the sandbox made --------------------------------------------------------
    @property
    def state(self):
        with open(os.path.join(self.dir, "sandbox.json")) as f:
            return json.load(f)

    @property
    def profile(self):
        with open(os.path.join(self.dir, "profile.json")) as f:
            return json.load(f)

    def node(self, k):
        return self.state["nodes"][k - 1]

    def url(self, k, path=""):
        return self.profile["nodes"][k - 1]["url"] + path

    def install_dir(self, k):
        return self.node(k)["installDir"]

    def sql(self, query):
        return run([SANDBOX, "sql", "--dir", self.dir, query]).stdout

    def fault(self, name, *args):
        return run([SANDBOX, "fault", "--dir", self.dir, "--node", name] + list(args))

    def ssh_args(self, k, strict="accept-new"):
        n = self.node(k)
        return ["ssh", "-i", os.path.join(self.dir, "ssh", "id_ed25519"),
                "-o", "UserKnownHostsFile=" + os.path.join(self.dir, "known_hosts"),
                "-o", "StrictHostKeyChecking=" + strict, "-o", "BatchMode=yes", "-o", "ConnectTimeout=10",
                "-o", "GlobalKnownHostsFile=/dev/null", "-p", str(n["sshPort"]),
                "%s@%s" % (self.state["sshUser"], n["address"])]

    def ssh(self, k, command, strict="accept-new", timeout=120):
        """Runs command on node k over real SSH; returns the CompletedProcess."""
        return run(self.ssh_args(k, strict) + [command], check=False, timeout=timeout)

    def node_pids(self, k):
        return [p for p, _ in processes_naming("--sandbox-node-home=" + self.node(k)["home"])]

    def wait_healthy(self, k, health, timeout=60):
        return wait_for(lambda: http_get(self.url(k, health), 2)[0] == 200, timeout,
                        "%s to answer %s" % (self.node(k)["name"], health))


def sweep_leftovers():
    """Brings down sandboxes that an earlier, killed test run left in the temp folder
    (only this suite's own cd-sandbox-test-* folders), so they cannot block this run."""
    top = tempfile.gettempdir()
    for name in os.listdir(top):
        path = os.path.join(top, name)
        if not name.startswith("cd-sandbox-test-"):
            continue
        try:
            with open(os.path.join(path, "sandbox.json")) as f:
                running = json.load(f).get("running")
        except (OSError, ValueError):
            continue
        if running:
            run([SANDBOX, "down", "--dir", path], check=False)
            shutil.rmtree(path, ignore_errors=True)


class SandboxTestCase(unittest.TestCase):
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        # A SIGTERM (a CTest timeout) unwinds through the tests' `with Sandbox` blocks.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
        sweep_leftovers()

    def assertNothingLeft(self, sb_dir, addresses, ports):
        procs = processes_naming(sb_dir)
        self.assertEqual(procs, [], "processes of the sandbox are still running")
        open_ = listening()
        left = [(a, p) for a in addresses for p in ports if (a, p) in open_]
        self.assertEqual(left, [], "ports of the sandbox are still listening")


def cli_path():
    for c in (os.environ.get("CLUSTERDESK_CLI"), os.path.join(REPO, "build", "default", "app", "clusterdesk-cli")):
        if c and os.access(c, os.X_OK):
            return c
    return None
