"""Shared by the orchestrator and upgrade suites (test_kubernetes.py, test_compose.py,
test_upgrade_*.py): a Sandbox whose temporary folder has its own prefix
(cd-sandbox-orch-<name>-), so that another suite's sweep of cd-sandbox-test-*
leftovers (support.sweep_leftovers, when sandbox suites of several checkouts run at
once on different subnets) cannot bring it down mid-test, and this suite sweeps only
its own leftovers (not those of a suite whose name merely starts with its own, as
"upgrade-cli" starts with "upgrade")."""

import json
import os
import shutil
import signal
import ssl
import sys
import tempfile
import urllib.error
import urllib.request

from support import SANDBOX, Sandbox, SandboxTestCase, run


class OwnSandbox(Sandbox):
    def __init__(self, name, *args, **kw):
        super().__init__(*args, **kw)
        self.prefix = "cd-sandbox-orch-%s-" % name


def sweep_own(name, env):
    top = tempfile.gettempdir()
    prefix = "cd-sandbox-orch-%s-" % name
    for entry in os.listdir(top):
        path = os.path.join(top, entry)
        # mkdtemp's random part has no "-": "upgrade" must not sweep "upgrade-cli-x1y2z3"
        if not entry.startswith(prefix) or "-" in entry[len(prefix):]:
            continue
        try:
            with open(os.path.join(path, "sandbox.json")) as f:
                running = json.load(f).get("running")
        except (OSError, ValueError):
            running = False
        if running:
            run([SANDBOX, "down", "--dir", path], check=False, env=env)
        shutil.rmtree(path, ignore_errors=True)


class OrchestratorTestCase(SandboxTestCase):
    NAME, ENV = None, None

    @staticmethod
    def api(sb, method, path, body=None, ctype="application/json"):
        """(status, JSON body) of one call to the sandbox's Kubernetes API server, with the
        token of its kubeconfig and its CA."""
        with open(os.path.join(sb.dir, "kubeconfig")) as f:
            token = json.load(f)["users"][0]["user"]["token"]
        ctx = ssl.create_default_context(cafile=os.path.join(sb.dir, "k8s", "ca.crt"))
        req = urllib.request.Request(sb.state["k8s"]["apiServer"] + path, method=method,
                                     data=json.dumps(body).encode() if body is not None else None)
        req.add_header("Authorization", "Bearer " + token)
        req.add_header("Content-Type", ctype)
        try:
            with urllib.request.urlopen(req, timeout=20, context=ctx) as r:
                return r.status, json.loads(r.read())
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read())

    @classmethod
    def setUpClass(cls):
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
        sweep_own(cls.NAME, cls.ENV)
