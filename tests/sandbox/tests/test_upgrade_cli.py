#!/usr/bin/python3
"""The real `clusterdesk-cli upgrade` against sandbox clusters on hosts (subnet 98, or
$CLUSTERDESK_SANDBOX_SUBNET_UPGRADE_CLI): complete upgrades of JATOS (3 nodes, the
schema migrating 22 -> 23), OpenSpecimen and Joget; the refusals that must leave
every node running (downgrade, a node newer than the target, a schema newer than
the target, an unknown version, a wrong checksum, a backup waiver with the wrong
cluster name); a refused start that pauses the run, then --resume; a CLI killed
with SIGKILL mid-run, then --resume; a second console on another machine while the
upgrade lock is held; --check. Every claim is judged from outside the CLI: its exit
codes and JSON Lines, the sandbox's event record DIR/events.jsonl, SQL, the version
each node serves, the backup file.

Needs the Secret Service for the database password: run it under
tests/scripts/with-keyring.sh (as CTest does); without one, the tests are skipped.
Each test gets its own XDG_DATA_HOME, so the CLI's journal (upgrades.sqlite) of one
test is never seen by another."""

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import unittest

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))      # the sandbox package, for its events helpers
from orchestrator_support import OrchestratorTestCase, OwnSandbox  # noqa: E402
from sandbox import events  # noqa: E402
from support import SANDBOX, cli_path, http_get, run, wait_for  # noqa: E402

ENV = dict(os.environ, CLUSTERDESK_SANDBOX_SUBNET=os.environ.get("CLUSTERDESK_SANDBOX_SUBNET_UPGRADE_CLI", "98"))
CLI = cli_path()
JATOS_VERSION_RE = re.compile(r'jatosVersion = "([^"]+)"')
LIFECYCLE = ("starting", "refused", "migrated", "serving", "stopped", "killed")
# How the CLI names the holder of the upgrade lock: "database connection 17 (database user
# jatos) on 127.0.0.1:52528 has been upgrading this cluster since 23 Nov 2026 09:25:30."
HOLDER = r"held by|database connection \d+ \(database user \w+\) on \S+ has been upgrading this cluster since"
HEALTH = {"jatos": "ping", "openspecimen": "rest/ng/config-settings/app-props",
          "joget": "web/json/workflow/currentUsername"}


def served_version(sb, k):
    """The version node k answers with now (None: no answer)."""
    product = sb.product
    if product == "jatos":
        status, body = http_get(sb.url(k, "jatos/signin"), 2)
        m = JATOS_VERSION_RE.search(body) if status == 200 else None
        return m.group(1) if m else None
    status, body = http_get(sb.url(k, HEALTH[product]), 3)
    if status != 200:
        return None
    if product == "openspecimen":
        return json.loads(body)["build_version"]
    with open(os.path.join(sb.install_dir(k), "VERSION.txt")) as f:      # Joget: the file tells it
        return f.read().split(" - ")[0].strip()


def lifecycle(entries, node=None):
    return [(e["node"], e["event"], e["version"]) for e in entries
            if e["event"] in LIFECYCLE and (node is None or e["node"] == node)]


class CliRun:
    """A CLI started in the background (--json): its stdout lines are read on a thread,
    so the test can wait for an event and act while the CLI goes on."""

    def __init__(self, args, env):
        self.stderr = tempfile.TemporaryFile(mode="w+")
        self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=self.stderr,
                                     text=True, env=env)
        self.lines, self.cond = [], threading.Condition()
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self):
        for line in self.proc.stdout:
            with self.cond:
                self.lines.append(line)
                self.cond.notify_all()
        with self.cond:
            self.lines.append(None)         # end of output
            self.cond.notify_all()

    @property
    def events(self):
        with self.cond:
            return [json.loads(line) for line in self.lines if line and line.startswith("{")]

    def wait_event(self, predicate, timeout, what):
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                for line in self.lines:
                    if line is None:
                        raise AssertionError("the CLI ended before %s:\n%s%s" % (what, "".join(
                            x for x in self.lines if x), self.err()))
                    if line.startswith("{") and predicate(json.loads(line)):
                        return json.loads(line)
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError("timed out waiting for %s:\n%s" % (what, "".join(x for x in self.lines
                                                                                          if x)))
                self.cond.wait(left)

    def wait(self, timeout):
        rc = self.proc.wait(timeout=timeout)
        self.thread.join(10)
        return rc

    def err(self):
        self.stderr.seek(0)
        return self.stderr.read()

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
        self.thread.join(10)
        self.proc.stdout.close()
        self.stderr.close()


class UpgradeCli(OrchestratorTestCase):
    NAME = "upgrade-cli"
    ENV = ENV

    def setUp(self):
        if not CLI:
            self.skipTest("no clusterdesk-cli: set CLUSTERDESK_CLI or build build/default")
        self.xdg = tempfile.mkdtemp(prefix="cd-upgrade-cli-xdg-")
        self.addCleanup(shutil.rmtree, self.xdg, True)

    # --- helpers --------------------------------------------------------------------------
    def sandbox(self, product, nodes, version):
        return OwnSandbox(self.NAME, product, nodes=nodes, env=ENV,
                          extra=["--warmup", "1", "--version", version, "--trust-host-keys"])

    def entered(self, sb):
        """Called first inside `with`: the CLI reads the database password from the keychain."""
        if os.path.exists(os.path.join(sb.dir, "secrets.env")):
            self.skipTest("no Secret Service: run under tests/scripts/with-keyring.sh")
        return sb

    def package(self, sb, version):
        out = os.path.join(sb.dir, "%s-%s.zip" % (sb.product, version))
        if not os.path.exists(out):
            run([SANDBOX, "make-release", "--product", sb.product, "--version", version, "--out", out], env=ENV)
        with open(out + ".sha256") as f:
            return out, f.read().split()[0]

    def cli_env(self, xdg=None):
        return dict(ENV, XDG_DATA_HOME=xdg or self.xdg)

    def upgrade_args(self, sb, target, *more, package=None, sha256=None, backup=True):
        args = [CLI, "upgrade", "--profile", os.path.join(sb.dir, "profile.json"), "--json"]
        if target is not None:
            pkg, sha = self.package(sb, target) if package is None and re.match(r"^v?\d", target) else (package, None)
            args += ["--to", target]
            if pkg:
                args += ["--package", pkg, "--sha256", sha256 or sha]
            if backup:
                args += ["--backup-folder", os.path.join(sb.dir, "backups")]
        return args + list(more)

    def cli(self, args, xdg=None, timeout=240):
        """(exit code, JSON events, stdout + stderr) of one CLI run."""
        r = subprocess.run(args, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL,
                           env=self.cli_env(xdg))
        evs = []
        for line in r.stdout.splitlines():
            if line.startswith("{"):
                evs.append(json.loads(line))
        return r.returncode, evs, "$ %s\nexit %d\nstdout:\n%s\nstderr:\n%s" % (
            " ".join(args), r.returncode, r.stdout, r.stderr)

    def record(self, sb):
        return events.read(events.path_of(sb.dir))

    @staticmethod
    def checks(evs):
        found = [e for e in evs if e["event"] == "checks"]
        return {c["id"]: c for c in found[-1]["checks"]} if found else {}

    @staticmethod
    def last(evs, kind):
        found = [e for e in evs if e["event"] == kind]
        return found[-1] if found else None

    def steps_named(self, evs, text):
        plan = [e for e in evs if e["event"] == "checks"][-1]["plan"]
        return [i + 1 for i, d in enumerate(plan) if d.startswith(text)]

    def assert_served(self, sb, version, nodes=None):
        for k in nodes or range(1, sb.nodes + 1):
            self.assertEqual(wait_for(lambda: served_version(sb, k), 30, "node %d to answer" % k), version,
                             "node %d" % k)

    def assert_refused(self, sb, rc, evs, out, check_id, before, version):
        """Exit 3, the check failed, nothing stopped since `before` (events), every node still serves."""
        self.assertEqual(rc, 3, out)
        check = self.checks(evs).get(check_id)
        self.assertIsNotNone(check, out)
        self.assertEqual(check["status"], "fail", out)
        self.assertEqual(check["severity"], "blocking", out)
        self.assertTrue(check["reason"], out)
        self.assertEqual(evs[-1].get("exitCode"), 3, out)
        self.assertEqual([e for e in evs if e["event"].startswith("step-")], [], out)
        after = [e for e in self.record(sb)[before:] if e["event"] in ("stopped", "killed", "starting")]
        self.assertEqual(after, [], "a refused upgrade touched a node\n" + out)
        self.assertEqual(events.mixed_versions(self.record(sb)), [])
        for k in range(1, sb.nodes + 1):
            self.assertEqual(served_version(sb, k), version, "node %d after a refusal\n%s" % (k, out))
        return check

    def assert_upgrade_order(self, sb, old, new, since=0):
        """From the event record: never two versions served at once; every node stopped on
        `old` before any node started on `new`; node k+1 started on `new` only after node k
        answered its health / version path on `new` (after node k's own start on `new`)."""
        rec = self.record(sb)[since:]
        self.assertEqual(events.mixed_versions(self.record(sb)), [], "two versions served at once")
        names = [n["name"] for n in sb.state["nodes"]]
        stops = [e for e in rec if e["event"] in ("stopped", "killed") and e["version"] == old]
        self.assertEqual({e["node"] for e in stops}, set(names), lifecycle(rec))
        new_starts = [e for e in rec if e["event"] == "starting" and e["version"] == new]
        self.assertTrue(new_starts, lifecycle(rec))
        last_stop = max(e["t"] for e in stops)
        self.assertLess(last_stop, min(e["t"] for e in new_starts), "a node started before all had stopped")
        self.assertEqual([e for e in rec if e["event"] == "starting" and e["version"] != new], [],
                         "a node started on another version")
        for prev, nxt in zip(names, names[1:]):
            start_next = [e["t"] for e in new_starts if e["node"] == nxt]
            self.assertTrue(start_next, "%s never started on %s" % (nxt, new))
            # the last attempt of the next node that got going, the previous node's start before it
            t_next = start_next[-1]
            start_prev = [e["t"] for e in new_starts if e["node"] == prev and e["t"] < t_next]
            self.assertTrue(start_prev, "%s started before %s" % (nxt, prev))
            answered = [e for e in rec if e["node"] == prev and e["event"] in ("health", "version")
                        and e["version"] == new and e.get("status") == 200 and start_prev[-1] < e["t"] < t_next]
            self.assertTrue(answered, "%s started before %s answered on %s:\n%s"
                            % (nxt, prev, new, lifecycle(rec)))

    def assert_backup(self, report):
        backup = report["backup"]
        self.assertTrue(os.path.isfile(backup["path"]), backup)
        self.assertGreater(backup["size"], 0)
        with open(backup["path"], "rb") as f:
            data = f.read()
        self.assertEqual(len(data), backup["size"])
        self.assertEqual(hashlib.sha256(data).hexdigest(), backup["sha256"])
        return data

    # --- 1. JATOS, three nodes, the schema migrates ------------------------------------------
    def test_jatos_three_nodes(self):
        old, new = "3.10.0", "3.10.5"
        with self.sandbox("jatos", 3, old) as sb:
            self.entered(sb)
            self.assertEqual(sb.sql("SELECT MAX(id) FROM play_evolutions").strip(), "22")
            before = len(self.record(sb))
            rc, evs, out = self.cli(self.upgrade_args(sb, new, "--yes"))
            self.assertEqual(rc, 0, out)
            report = self.last(evs, "finished")
            self.assertEqual((report["outcome"], report["exitCode"], report["target"]), ("completed", 0, new), out)
            self.assertEqual({s["state"] for s in report["steps"]}, {"succeeded"})
            self.assertEqual(report["instructions"], [])
            self.assertEqual(self.checks(evs)["target"]["status"], "pass")
            finished = [e for e in evs if e["event"] == "step-finished"]
            self.assertEqual([e["step"] for e in finished], list(range(1, len(report["steps"]) + 1)))
            self.assertTrue(all(e["ok"] for e in finished))

            self.assert_served(sb, new)
            self.assertEqual(sb.sql("SELECT MAX(id) FROM play_evolutions").strip(), "23")
            for k in (1, 2, 3):
                self.assertEqual(os.readlink(sb.install_dir(k)), "releases/" + new)
            dump = self.assert_backup(report)
            self.assertIn(b"play_evolutions", dump)     # a dump of the schema before the upgrade
            self.assertIn(b"INSERT INTO `play_evolutions`", dump)
            self.assertNotIn(b"(23,", dump)

            self.assert_upgrade_order(sb, old, new, before)
            rec = self.record(sb)[before:]
            migrated = [e for e in rec if e["event"] == "migrated"]
            self.assertEqual([(e["node"], e["from"], e["to"]) for e in migrated], [("jatos-1", "22", "23")])
            for name in ("jatos-1", "jatos-2", "jatos-3"):
                self.assertEqual([(ev, v) for _, ev, v in lifecycle(rec, name)],
                                 [("stopped", old), ("starting", new)] + ([("migrated", new)] if name == "jatos-1"
                                                                          else []) + [("serving", new)])


    # --- 2. OpenSpecimen and Joget ---------------------------------------------------------
    def test_openspecimen_two_nodes(self):
        old, new = "v11.0.2", "v11.1"
        with self.sandbox("openspecimen", 2, old) as sb:
            self.entered(sb)
            current = "SELECT VERSION FROM OS_UPGRADE_LOG ORDER BY UPGRADE_DATE DESC, IDENTIFIER DESC LIMIT 1"
            self.assertEqual(sb.sql(current).strip(), old)
            before = len(self.record(sb))
            rc, evs, out = self.cli(self.upgrade_args(sb, new, "--yes"))
            self.assertEqual(rc, 0, out)
            report = self.last(evs, "finished")
            self.assertEqual(report["outcome"], "completed", out)
            self.assert_served(sb, new)
            self.assertEqual(sb.sql(current).strip(), new)
            self.assert_backup(report)
            self.assert_upgrade_order(sb, old, new, before)
            migrated = [e for e in self.record(sb)[before:] if e["event"] == "migrated"]
            self.assertEqual([(e["node"], e["from"], e["to"]) for e in migrated], [("openspecimen-1", old, new)])

    def test_joget_two_nodes(self):
        old, new = "8.0.12", "8.1.1"
        with self.sandbox("joget", 2, old) as sb:
            self.entered(sb)
            started = {k: json.loads(run([SANDBOX, "effective", "--dir", sb.dir, "--node", "joget-%d" % k],
                                         env=ENV).stdout)["joget-%d" % k]["startedAt"] for k in (1, 2)}
            before = len(self.record(sb))
            rc, evs, out = self.cli(self.upgrade_args(sb, new, "--yes"))
            self.assertEqual(rc, 0, out)
            report = self.last(evs, "finished")
            self.assertEqual(report["outcome"], "completed", out)
            plan = self.last(evs, "checks")["plan"]
            self.assertFalse([d for d in plan if "schema moved" in d], plan)     # Joget keeps no schema version
            self.assert_served(sb, new)
            eff = json.loads(run([SANDBOX, "effective", "--dir", sb.dir], env=ENV).stdout)
            for k in (1, 2):
                name = "joget-%d" % k
                with open(os.path.join(sb.install_dir(k), "VERSION.txt")) as f:
                    self.assertTrue(f.read().startswith(new + " - build "))
                self.assertGreater(eff[name]["startedAt"], started[k])       # restarted on the new release
                self.assertEqual(eff[name]["wflowName"], name)
                self.assertEqual(os.readlink(sb.install_dir(k)), "releases/" + new)
            rows = sb.sql("SELECT COUNT(*) FROM wf_setup WHERE property LIKE 'node::%'").strip()
            self.assertEqual(rows, "2")
            self.assert_backup(report)
            self.assert_upgrade_order(sb, old, new, before)

    # --- 3. refusals: exit 3, nothing stopped ---------------------------------------------------
    def test_refusals(self):
        old = "3.9.5"       # evolution 21
        with self.sandbox("jatos", 2, old) as sb:
            self.entered(sb)

            # a downgrade
            before = len(self.record(sb))
            rc, evs, out = self.cli(self.upgrade_args(sb, "3.9.1", "--yes"))
            check = self.assert_refused(sb, rc, evs, out, "downgrade", before, old)
            self.assertIn("3.9.1", check["reason"])

            # a node that reports a newer version than the target
            sb.fault("jatos-2", "wrong-version", "3.10.6")
            before = len(self.record(sb))
            rc, evs, out = self.cli(self.upgrade_args(sb, "3.10.5", "--yes"))
            self.assertEqual(rc, 3, out)
            check = self.checks(evs)["downgrade"]
            self.assertEqual(check["status"], "fail", out)
            self.assertIn("jatos-2", check["nodes"] + [check["reason"]], out)
            self.assertIn("jatos-2", check["reason"], out)
            self.assertIn("3.10.6", check["reason"], out)
            self.assertNotIn("jatos-1", check["nodes"], out)
            after = [e for e in self.record(sb)[before:] if e["event"] in ("stopped", "killed", "starting")]
            self.assertEqual(after, [], out)
            self.assertEqual((served_version(sb, 1), served_version(sb, 2)), (old, "3.10.6"))
            sb.fault("jatos-2", "clear")

            # an unknown version
            before = len(self.record(sb))
            rc, evs, out = self.cli(self.upgrade_args(sb, "banana", "--yes"))
            self.assertEqual(rc, 3, out)
            failed = {i for i, c in self.checks(evs).items() if c["status"] == "fail"}
            self.assertTrue(failed & {"target", "unknownVersion"}, out)
            self.assert_refused(sb, rc, evs, out, "target" if "target" in failed else "unknownVersion", before, old)

            # a wrong checksum
            before = len(self.record(sb))
            rc, evs, out = self.cli(self.upgrade_args(sb, "3.10.5", "--yes", sha256="0" * 64))
            check = self.assert_refused(sb, rc, evs, out, "checksum", before, old)
            self.assertEqual({i for i, c in self.checks(evs).items() if c["status"] == "fail"}, {"checksum"}, out)

            # no backup, and the cluster's name typed wrong
            before = len(self.record(sb))
            rc, evs, out = self.cli(self.upgrade_args(sb, "3.10.5", "--yes", "--no-backup", "--confirm-no-backup",
                                                      "WRONG", backup=False))
            self.assert_refused(sb, rc, evs, out, "backup", before, old)
            self.assertIn(sb.profile["name"], self.checks(evs)["backup"]["fix"], out)

            # the schema newer than the target: evolution 22 (first in 3.9.8) applied, target 3.9.6
            sb.sql("INSERT INTO play_evolutions (id, hash, applied_at, apply_script, revert_script, state, "
                   "last_problem) VALUES (22, 'x', NOW(), '', '', 'applied', '')")
            before = len(self.record(sb))
            rc, evs, out = self.cli(self.upgrade_args(sb, "3.9.6", "--yes"))
            check = self.assert_refused(sb, rc, evs, out, "downgrade", before, old)
            self.assertIn("3.9.8", check["reason"], out)
            self.assertIn("schema", check["reason"].lower(), out)

            self.assertEqual(os.listdir(os.path.join(sb.dir, "backups")) if os.path.isdir(
                os.path.join(sb.dir, "backups")) else [], [], "a refused upgrade made a backup")
            for k in (1, 2):
                self.assertEqual(os.readlink(sb.install_dir(k)), "releases/" + old)

    # --- 4. a refused start pauses the run; clear, --resume ------------------------------------
    def test_refused_start_pauses_then_resume(self):
        old, new = "3.10.0", "3.10.5"
        with self.sandbox("jatos", 3, old) as sb:
            self.entered(sb)
            sb.fault("jatos-2", "refuse-start")
            before = len(self.record(sb))
            rc, evs, out = self.cli(self.upgrade_args(sb, new, "--yes", "--health-timeout", "15"))
            self.assertEqual(rc, 5, out)
            paused = self.last(evs, "paused")
            self.assertIsNotNone(paused, out)
            self.assertEqual(paused["exitCode"], 5)
            self.assertEqual([paused["step"]], self.steps_named(evs, "Start jatos-2"), out)
            self.assertTrue(paused["reason"], out)
            failed = [e for e in evs if e["event"] == "step-finished" and not e["ok"]]
            self.assertEqual([e["step"] for e in failed], [paused["step"]], out)
            # nothing after the failed step
            self.assertEqual([e for e in evs if e["event"] == "step-started" and e["step"] > paused["step"]], [])
            self.assertEqual(evs[-1].get("exitCode"), 5, out)

            self.assertEqual(served_version(sb, 1), new)
            self.assertIsNone(served_version(sb, 2))
            self.assertIsNone(served_version(sb, 3))
            self.assertEqual(sb.node_pids(2) + sb.node_pids(3), [])
            self.assertEqual(events.mixed_versions(self.record(sb)), [])
            refused = [e for e in self.record(sb)[before:] if e["event"] == "refused"]
            self.assertEqual({e["node"] for e in refused}, {"jatos-2"})

            # a new run from this machine is refused: the journal holds the paused one
            rc, evs3, out3 = self.cli(self.upgrade_args(sb, new, "--check"))
            self.assertEqual(rc, 3, out3)
            self.assertEqual(self.checks(evs3)["interrupted"]["status"], "fail", out3)

            sb.fault("jatos-2", "clear")
            rc, evs2, out2 = self.cli([CLI, "upgrade", "--profile", os.path.join(sb.dir, "profile.json"),
                                       "--resume", "--json"])
            self.assertEqual(rc, 0, out + "\n" + out2)
            report = self.last(evs2, "finished")
            self.assertEqual(report["outcome"], "completed", out2)
            self.assertEqual({s["state"] for s in report["steps"]}, {"succeeded"}, out2)
            # the resumed run starts at the failed step, not again from the stop
            self.assertEqual(min(e["step"] for e in evs2 if e["event"] == "step-started"), paused["step"], out2)
            self.assert_served(sb, new)
            self.assert_backup(report)
            self.assert_upgrade_order(sb, old, new, before)
            self.assertEqual(sb.sql("SELECT MAX(id) FROM play_evolutions").strip(), "23")

    # --- 5. SIGKILL mid-run, then --resume --------------------------------------------------
    def kill_at(self, sb, predicate, what):
        """Starts the upgrade to 3.10.5, SIGKILLs the CLI (this process only) when an event
        matches; returns that event."""
        first = CliRun(self.upgrade_args(sb, "3.10.5", "--yes"), self.cli_env())
        try:
            event = first.wait_event(predicate, 120, what)
            first.proc.kill()
            self.assertEqual(first.wait(30), -9)
        finally:
            first.close()
        return event

    def resume_after_kill(self, sb, old, new, before, first_step):
        rc, evs, out = self.cli([CLI, "upgrade", "--profile", os.path.join(sb.dir, "profile.json"),
                                 "--resume", "--json"])
        self.assertEqual(rc, 0, out)
        report = self.last(evs, "finished")
        self.assertEqual(report["outcome"], "completed", out)
        self.assertEqual({s["state"] for s in report["steps"]}, {"succeeded"}, out)
        self.assertLessEqual(min(e["step"] for e in evs if e["event"] == "step-started"), first_step, out)
        self.assert_served(sb, new)
        self.assert_backup(report)
        self.assert_upgrade_order(sb, old, new, before)
        stops = [e for e in self.record(sb)[before:] if e["event"] in ("stopped", "killed")]
        self.assertEqual(sorted(e["node"] for e in stops), ["jatos-1", "jatos-2", "jatos-3"], "stopped again")
        # the journal is closed: a second --resume finds nothing to resume
        rc, evs, out = self.cli([CLI, "upgrade", "--profile", os.path.join(sb.dir, "profile.json"),
                                 "--resume", "--json"])
        self.assertNotIn(rc, (0, 5), out)

    def test_killed_then_resume(self):
        """Killed once jatos-1 is verified on the new version: --resume goes on with jatos-2."""
        old, new = "3.10.0", "3.10.5"
        with self.sandbox("jatos", 3, old) as sb:
            self.entered(sb)
            before = len(self.record(sb))
            verified = self.kill_at(sb, lambda e: e["event"] == "step-finished" and e["ok"]
                                    and "jatos-1 is healthy" in e["detail"], "jatos-1's verification")
            self.assertEqual(served_version(sb, 1), new)
            self.assertIsNone(served_version(sb, 3))
            self.resume_after_kill(sb, old, new, before, verified["step"] + 5)

    def test_killed_during_start_then_resume(self):
        """Killed when the step "Start jatos-2" began. The start command may still land on the
        node after the console died (the SSH session was already under way); the test makes
        sure it did, by starting jatos-2 itself if it has not. --resume must then find jatos-2
        running the new version and go on, not fail on "already running"."""
        old, new = "3.10.0", "3.10.5"
        with self.sandbox("jatos", 3, old) as sb:
            self.entered(sb)
            before = len(self.record(sb))
            started = self.kill_at(sb, lambda e: e["event"] == "step-started" and e["description"] == "Start jatos-2",
                                   "the start of jatos-2")
            time.sleep(1)           # a start command in flight lands (or not)
            landed = any(e["node"] == "jatos-2" and e["event"] == "starting" and e["version"] == new
                         for e in self.record(sb)[before:])
            print("\nthe killed console's start of jatos-2 landed: %s" % landed, file=sys.stderr)
            if not landed:
                r = sb.ssh(2, "%s/loader.sh start" % sb.install_dir(2))
                self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            wait_for(lambda: served_version(sb, 2) == new, 30, "jatos-2 to serve " + new)
            self.assertIsNone(served_version(sb, 3))
            self.resume_after_kill(sb, old, new, before, started["step"])


    # --- 6. two consoles: the lock -------------------------------------------------------------
    def test_second_console_is_locked_out(self):
        old, new = "3.10.0", "3.10.5"
        with self.sandbox("jatos", 3, old) as sb:
            self.entered(sb)
            other = tempfile.mkdtemp(prefix="cd-upgrade-cli-xdg-other-")
            self.addCleanup(shutil.rmtree, other, True)
            before = len(self.record(sb))
            first = CliRun(self.upgrade_args(sb, new, "--yes"), self.cli_env())
            try:
                first.wait_event(lambda e: e["event"] == "step-started", 60, "the first step")
                outs = []
                for extra in (["--check"], ["--yes"]):
                    rc, evs, out = self.cli(self.upgrade_args(sb, new, *extra), xdg=other)
                    outs.append((rc, evs, out, extra[0]))
                self.assertIsNone(first.proc.poll(), "the first upgrade ended before the second console looked")
                rc1 = first.wait(180)
                evs1 = first.events
            finally:
                first.close()
            log1 = "\n".join(json.dumps(e) for e in evs1)
            self.assertEqual(rc1, 0, log1)
            self.assertEqual(self.last(evs1, "finished")["outcome"], "completed")

            for rc, evs, out, mode in outs:
                # Another console's lock is its own refusal: exit 4, the holder named.
                self.assertEqual(rc, 4, out)
                lock = self.checks(evs).get("lock")
                self.assertEqual(lock["status"], "fail", out)
                self.assertRegex(lock["reason"], HOLDER, out)
                self.assertEqual(evs[-1]["event"], "finished", out)
                self.assertEqual(evs[-1]["exitCode"], 4, out)
                self.assertEqual([e for e in evs if e["event"].startswith("step-")], [], out)
            # nothing stopped twice, the run left one consistent record
            stops = [e for e in self.record(sb)[before:] if e["event"] in ("stopped", "killed")]
            self.assertEqual(sorted(e["node"] for e in stops), ["jatos-1", "jatos-2", "jatos-3"])
            self.assert_upgrade_order(sb, old, new, before)
            self.assert_served(sb, new)
            # the other machine's journal knows no run of this cluster
            rc, _, out = self.cli([CLI, "upgrade", "--profile", os.path.join(sb.dir, "profile.json"), "--resume",
                                   "--json"], xdg=other)
            self.assertNotIn(rc, (0, 5), out)

    # --- 7. --check ---------------------------------------------------------------------------
    def test_check_ready(self):
        with self.sandbox("jatos", 2, "3.10.4") as sb:
            self.entered(sb)
            before = len(self.record(sb))
            rc, evs, out = self.cli(self.upgrade_args(sb, "3.10.5", "--check"))
            self.assertEqual(rc, 0, out)
            checks = self.last(evs, "checks")
            self.assertEqual(checks["outcome"], "ready", out)
            self.assertEqual({c["status"] for c in checks["checks"]}, {"pass"}, out)
            self.assertEqual(checks["plan"][0], "Stop every node", out)
            self.assertEqual(checks["plan"][-1][:len("Final check")], "Final check", out)
            self.assertEqual([e for e in evs if e["event"].startswith("step-")], [], out)
            self.assertEqual(lifecycle(self.record(sb)[before:]), [])
            self.assert_served(sb, "3.10.4")
            self.assertFalse(os.path.isdir(os.path.join(sb.dir, "backups")))

    def assert_nothing_to_do(self, sb, version):
        before = len(self.record(sb))
        rc, evs, out = self.cli(self.upgrade_args(sb, version, "--check"))
        self.assertEqual(self.last(evs, "checks")["outcome"], "nothing-to-do", out)
        self.assertEqual(rc, 0, out)        # exit 0: "done or nothing to do", also with --check
        rc, evs, out = self.cli(self.upgrade_args(sb, version, "--yes"))
        self.assertEqual(rc, 0, out)
        self.assertEqual([e for e in evs if e["event"].startswith("step-")], [], out)
        self.assertEqual(lifecycle(self.record(sb)[before:]), [], "nothing to do, yet the nodes were touched")
        self.assert_served(sb, version)

    def test_check_nothing_to_do(self):
        # 3.10.1 shipped the highest evolution (23): nodes and schema name the same version
        with self.sandbox("jatos", 2, "3.10.1") as sb:
            self.entered(sb)
            self.assert_nothing_to_do(sb, "3.10.1")

    def test_check_nothing_to_do_schema_of_an_earlier_release(self):
        # JATOS 3.10.4 runs on evolution 23, which is 3.10.1's schema (no evolution since):
        # the cluster is on 3.10.4, there is nothing to upgrade
        with self.sandbox("jatos", 2, "3.10.4") as sb:
            self.entered(sb)
            self.assert_nothing_to_do(sb, "3.10.4")


if __name__ == "__main__":
    unittest.main(verbosity=2)
