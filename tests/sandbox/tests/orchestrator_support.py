"""Shared by test_kubernetes.py and test_compose.py: a Sandbox whose temporary folder
has its own prefix (cd-sandbox-orch-<name>-), so that another suite's sweep of
cd-sandbox-test-* leftovers (support.sweep_leftovers, when sandbox suites of several
checkouts run at once on different subnets) cannot bring it down mid-test, and this
suite sweeps only its own leftovers."""

import json
import os
import shutil
import signal
import sys
import tempfile

from support import SANDBOX, Sandbox, SandboxTestCase, run


class OwnSandbox(Sandbox):
    def __init__(self, name, *args, **kw):
        super().__init__(*args, **kw)
        self.prefix = "cd-sandbox-orch-%s-" % name


def sweep_own(name, env):
    top = tempfile.gettempdir()
    for entry in os.listdir(top):
        path = os.path.join(top, entry)
        if not entry.startswith("cd-sandbox-orch-%s-" % name):
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

    @classmethod
    def setUpClass(cls):
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
        sweep_own(cls.NAME, cls.ENV)
