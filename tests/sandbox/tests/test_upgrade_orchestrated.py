#!/usr/bin/python3
"""The real `clusterdesk-cli upgrade` against sandbox clusters deployed with
`--deployment kubernetes` and `--deployment compose` (subnet 99, or
$CLUSTERDESK_SANDBOX_SUBNET_UPGRADE_ORCH): the sandbox emulates the Kubernetes API
server and `docker compose`, and the CLI upgrades by changing the image and scaling.

- JATOS on Kubernetes (2 replicas, an HPA): the refusals that must leave every pod
  running (a downgrade, an image whose tag names another version than --to, the
  target already running: nothing to do); a complete upgrade 3.9.5 -> 3.10.0 given a
  tag only (the schema migrating 21 -> 22, the HPA restored as it was); then
  3.10.0 -> 3.10.5 given a whole image reference, with the CLI SIGKILLed once the
  first replica was verified, and --resume.
- OpenSpecimen on Compose (2 containers): a refused image tag, then a complete
  upgrade v11.0.2 -> v11.1 (the .env's image rewritten, the rest of it kept); then
  v11.1 -> v11.2 with the second container refusing to start (Docker's restart
  policy keeps trying): the run pauses (exit 5); the cause cleared, --resume completes.
- Joget on Kubernetes: the second replica refuses to start (kubelet's CrashLoopBackOff),
  the run pauses (exit 5); the cause cleared, the platform restarts the container and
  --resume completes.

Every claim is judged from outside the CLI: its exit codes and JSON Lines (their
"at" stamps), the sandbox's event record DIR/events.jsonl (no two versions ever
served at once; no replica on the new image started before the previous one was
verified), the Kubernetes API (Deployment, Pods, HPA) and `docker compose ps` over
SSH, the .env, SQL, the version each node serves, the backup file.

Needs the Secret Service (the database password, the Kubernetes token): run it under
tests/scripts/with-keyring.sh (as CTest does); without one, the tests are skipped.
Each test gets its own XDG_DATA_HOME, so the CLI's journal of one is never seen by
another."""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))      # the sandbox package, for its events helpers
from orchestrator_support import OrchestratorTestCase, OwnSandbox  # noqa: E402
from sandbox import events  # noqa: E402
from support import cli_path, wait_for  # noqa: E402
from test_upgrade_cli import CliRun, lifecycle, served_version  # noqa: E402

ENV = dict(os.environ, CLUSTERDESK_SANDBOX_SUBNET=os.environ.get("CLUSTERDESK_SANDBOX_SUBNET_UPGRADE_ORCH", "99"))
CLI = cli_path()
SCALE_RE = re.compile(r"^Scale to (\d+) replica")
VERIFY_RE = re.compile(r"^Verify that (\d+) replica")
HEALTH_TIMEOUT = "15"       # seconds a replica may take to answer on the new version (pause tests)


class UpgradeOrchestrated(OrchestratorTestCase):
    # not "upgrade-...": an older checkout's test_upgrade_support.py (NAME "upgrade") sweeps
    # every cd-sandbox-orch-upgrade-* folder, running or not
    NAME = "orchestrated-upgrade"
    ENV = ENV

    def setUp(self):
        if not CLI:
            self.skipTest("no clusterdesk-cli: set CLUSTERDESK_CLI or build build/default")
        self.xdg = tempfile.mkdtemp(prefix="cd-upgrade-orch-xdg-")
        self.addCleanup(shutil.rmtree, self.xdg, True)

    # --- the sandbox ----------------------------------------------------------------------
    def sandbox(self, product, nodes, version, deployment):
        return OwnSandbox(self.NAME, product, nodes=nodes, env=ENV,
                          extra=["--warmup", "1", "--version", version, "--trust-host-keys",
                                 "--deployment", deployment])

    def entered(self, sb):
        """Called first inside `with`: the CLI reads the database password and the
        Kubernetes token from the keychain."""
        if os.path.exists(os.path.join(sb.dir, "secrets.env")):
            self.skipTest("no Secret Service: run under tests/scripts/with-keyring.sh")
        return sb

    def record(self, sb):
        return events.read(events.path_of(sb.dir))

    # --- the CLI ----------------------------------------------------------------------------
    def upgrade_args(self, sb, target, image, *more):
        return [CLI, "upgrade", "--profile", os.path.join(sb.dir, "profile.json"), "--json", "--to", target,
                "--image", image, "--backup-folder", os.path.join(sb.dir, "backups")] + list(more)

    def resume_args(self, sb, *more):
        return [CLI, "upgrade", "--profile", os.path.join(sb.dir, "profile.json"), "--resume", "--json"] + list(more)

    def cli(self, args, timeout=240):
        """(exit code, JSON events, stdout + stderr) of one CLI run."""
        r = subprocess.run(args, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL,
                           env=dict(ENV, XDG_DATA_HOME=self.xdg))
        evs = [json.loads(line) for line in r.stdout.splitlines() if line.startswith("{")]
        return r.returncode, evs, "$ %s\nexit %d\nstdout:\n%s\nstderr:\n%s" % (
            " ".join(args), r.returncode, r.stdout, r.stderr)

    @staticmethod
    def checks(evs):
        found = [e for e in evs if e["event"] == "checks"]
        return {c["id"]: c for c in found[-1]["checks"]} if found else {}

    @staticmethod
    def last(evs, kind):
        found = [e for e in evs if e["event"] == kind]
        return found[-1] if found else None

    @staticmethod
    def plan(evs):
        return [e for e in evs if e["event"] == "checks"][-1]["plan"]

    def step_of(self, evs, pattern, k):
        """The 1-based number of the plan's step "Scale to k ..." / "Verify that k ...". """
        found = [i + 1 for i, d in enumerate(self.plan(evs)) if pattern.match(d) and int(pattern.match(d).group(1))
                 == k]
        self.assertEqual(len(found), 1, "no single step %s %d in the plan:\n%s" % (pattern.pattern, k,
                                                                                   "\n".join(self.plan(evs))))
        return found[0]

    def assert_completed(self, rc, evs, out, target):
        self.assertEqual(rc, 0, out)
        report = self.last(evs, "finished")
        self.assertEqual((report["outcome"], report["exitCode"], report["target"]), ("completed", 0, target), out)
        self.assertEqual({s["state"] for s in report["steps"]}, {"succeeded"}, out)
        self.assertEqual(report["instructions"], [], out)
        return report

    def assert_backup(self, report, *must_hold):
        backup = report["backup"]
        self.assertTrue(os.path.isfile(backup["path"]), backup)
        self.assertGreater(backup["size"], 0)
        with open(backup["path"], "rb") as f:
            data = f.read()
        self.assertEqual(len(data), backup["size"])
        for text in must_hold:
            self.assertIn(text, data)
        return data

    def assert_refused(self, sb, rc, evs, out, check_id, before, version, state):
        """Exit 3, the check failed, no step ran, no node stopped or started since
        `before`, every node still serves `version`, the orchestrator unchanged (`state()`)."""
        self.assertEqual(rc, 3, out)
        check = self.checks(evs).get(check_id)
        self.assertIsNotNone(check, out)
        self.assertEqual((check["status"], check["severity"]), ("fail", "blocking"), out)
        self.assertTrue(check["reason"], out)
        self.assertEqual(evs[-1].get("exitCode"), 3, out)
        self.assertEqual([e for e in evs if e["event"].startswith("step-")], [], out)
        after = [e for e in self.record(sb)[before["events"]:] if e["event"] in ("stopped", "killed", "starting")]
        self.assertEqual(after, [], "a refused upgrade touched a node\n" + out)
        for k in range(1, sb.nodes + 1):
            self.assertEqual(served_version(sb, k), version, "node %d after a refusal\n%s" % (k, out))
        self.assertEqual(state(), before["state"], "a refused upgrade changed the orchestrator\n" + out)
        self.assertFalse(os.path.isdir(os.path.join(sb.dir, "backups")) and os.listdir(
            os.path.join(sb.dir, "backups")), "a refused upgrade made a backup")
        return check

    def assert_upgrade_order(self, sb, old, new, since, runs):
        """From the event record and the CLI's own JSON Lines (`runs`: the events of every
        run of this upgrade, killed or paused ones too): never two versions served at once;
        every node stopped on `old` before any node started on `new`; node k+1 started on
        `new` only after the CLI had asked for k+1 replicas and had verified replica k (its
        verifyNode step finished ok, by its "at")."""
        rec = self.record(sb)[since:]
        self.assertEqual(events.mixed_versions(self.record(sb)), [], "two versions served at once")
        names = [n["name"] for n in sb.state["nodes"]]
        stops = [e for e in rec if e["event"] in ("stopped", "killed") and e["version"] == old]
        self.assertEqual(sorted(e["node"] for e in stops), names, "each node stopped once:\n%s" % lifecycle(rec))
        starts = [e for e in rec if e["event"] == "starting"]
        self.assertTrue(starts, lifecycle(rec))
        self.assertEqual({e["version"] for e in starts}, {new}, "a node started on another version")
        self.assertLess(max(e["t"] for e in stops), min(e["t"] for e in starts),
                        "a node started before all had stopped")
        self.assertEqual([e for e in rec if e["event"] in ("stopped", "killed") and e["version"] == new], [],
                         "a node was stopped on the new version:\n%s" % lifecycle(rec))
        evs = [e for run in runs for e in run]
        for k, name in enumerate(names[1:], start=2):
            first = min(e["t"] for e in starts if e["node"] == name) * 1000
            verify = self.step_of(runs[0], VERIFY_RE, k - 1)
            scale = self.step_of(runs[0], SCALE_RE, k)
            verified = [e["at"] for e in evs if e["event"] == "step-finished" and e["step"] == verify and e["ok"]]
            asked = [e["at"] for e in evs if e["event"] == "step-started" and e["step"] == scale]
            self.assertTrue(verified, "replica %d never verified" % (k - 1))
            self.assertLess(min(verified), first, "%s started before replica %d was verified" % (name, k - 1))
            self.assertTrue(asked and min(asked) <= first, "%s started before the CLI scaled to %d" % (name, k))
        for k in range(1, len(names) + 1):       # the CLI checked each replica's version over HTTP
            answered = [e for e in rec if e["node"] == names[k - 1] and e["event"] in ("health", "version")
                        and e["version"] == new and e.get("status") == 200]
            self.assertTrue(answered, "%s never answered on %s" % (names[k - 1], new))

    # --- Kubernetes ---------------------------------------------------------------------------
    def deployment(self, sb):
        ns = sb.state["k8s"]["namespace"]
        status, d = self.api(sb, "GET", "/apis/apps/v1/namespaces/%s/deployments/%s" % (ns, ns))
        self.assertEqual(status, 200, d)
        return d

    def hpa(self, sb):
        """(status, HPA) of the sandbox's HPA."""
        ns = sb.state["k8s"]["namespace"]
        return self.api(sb, "GET", "/apis/autoscaling/v2/namespaces/%s/horizontalpodautoscalers/%s" % (ns, ns))

    def pods(self, sb):
        ns = sb.state["k8s"]["namespace"]
        items = self.api(sb, "GET", "/api/v1/namespaces/%s/pods?labelSelector=app%%3D%s" % (ns, ns))[1]["items"]
        return {p["spec"]["nodeName"]: p for p in items}

    def k8s_state(self, sb):
        """What an upgrade changes on the cluster: image, replicas, the HPA (uid included)."""
        d = self.deployment(sb)
        status, h = self.hpa(sb)
        return {"image": d["spec"]["template"]["spec"]["containers"][0]["image"], "replicas": d["spec"]["replicas"],
                "hpa": (status, h.get("metadata", {}).get("uid"), h.get("spec"))}

    def assert_k8s_after(self, sb, image, replicas, hpa_before):
        d = self.deployment(sb)
        self.assertEqual(d["spec"]["template"]["spec"]["containers"][0]["image"], image)
        self.assertEqual(d["spec"]["replicas"], replicas)
        wait_for(lambda: self.deployment(sb)["status"].get("readyReplicas") == replicas, 30,
                 "readyReplicas %d" % replicas)
        self.assertEqual(self.deployment(sb)["status"].get("updatedReplicas"), replicas)
        for name, pod in self.pods(sb).items():
            self.assertEqual(pod["status"]["containerStatuses"][0]["image"], image, name)
        status, hpa = self.hpa(sb)
        self.assertEqual(status, 200, "the HPA was not restored: %s" % hpa)
        self.assertEqual(hpa["metadata"]["name"], hpa_before["metadata"]["name"])
        for key in ("minReplicas", "maxReplicas", "scaleTargetRef", "metrics"):
            self.assertEqual(hpa["spec"].get(key), hpa_before["spec"].get(key), key)
        return hpa

    # --- Compose ------------------------------------------------------------------------------
    def compose_ps(self, sb):
        r = sb.ssh(1, "docker compose --project-directory %s ps -a --format json"
                   % sb.profile["deployment"]["projectDir"])
        self.assertEqual(r.returncode, 0, r.stderr)
        return {c["Name"]: c for c in (json.loads(line) for line in r.stdout.splitlines())}

    def dotenv(self, sb):
        with open(os.path.join(sb.profile["deployment"]["projectDir"], ".env")) as f:
            return f.read()

    def compose_state(self, sb):
        return {"env": self.dotenv(sb), "containers": sorted((c["Name"], c["Image"], c["State"])
                                                             for c in self.compose_ps(sb).values())}

    # --- 1. JATOS on Kubernetes: refusals, an upgrade, a killed CLI and --resume ---------------
    def test_kubernetes_jatos(self):
        old, mid, new = "3.9.5", "3.10.0", "3.10.5"      # evolutions 21, 22, 23
        evolution = "SELECT MAX(id) FROM play_evolutions"
        with self.sandbox("jatos", 2, old, "kubernetes") as sb:
            self.entered(sb)
            self.assertEqual(sb.sql(evolution).strip(), "21")
            status, hpa_before = self.hpa(sb)
            self.assertEqual(status, 200)
            self.assertEqual((hpa_before["spec"]["minReplicas"], hpa_before["spec"]["maxReplicas"]), (1, 2))

            def state():
                return self.k8s_state(sb)

            # a downgrade
            before = {"events": len(self.record(sb)), "state": state()}
            rc, evs, out = self.cli(self.upgrade_args(sb, "3.9.1", "3.9.1", "--yes"))
            check = self.assert_refused(sb, rc, evs, out, "downgrade", before, old, state)
            self.assertIn("3.9.1", check["reason"], out)

            # an image whose tag names another version than --to
            rc, evs, out = self.cli(self.upgrade_args(sb, mid, "jatos/jatos:3.10.1", "--yes"))
            check = self.assert_refused(sb, rc, evs, out, "image", before, old, state)
            self.assertIn("3.10.1", check["reason"], out)
            self.assertEqual({i for i, c in self.checks(evs).items() if c["status"] == "fail"}, {"image"}, out)

            # the version every pod already runs: nothing to do, exit 0
            rc, evs, out = self.cli(self.upgrade_args(sb, old, old, "--yes"))
            self.assertEqual(rc, 0, out)
            self.assertEqual(self.last(evs, "checks")["outcome"], "nothing-to-do", out)
            self.assertEqual(self.last(evs, "finished")["exitCode"], 0, out)
            self.assertEqual([e for e in evs if e["event"].startswith("step-")], [], out)
            self.assertEqual(lifecycle(self.record(sb)[before["events"]:]), [], "nothing to do, yet pods moved")
            self.assertEqual(state(), before["state"])

            # a complete upgrade, the image given as a tag only
            before = len(self.record(sb))
            rc, evs, out = self.cli(self.upgrade_args(sb, mid, mid, "--yes"))
            report = self.assert_completed(rc, evs, out, mid)
            for k in (1, 2):
                self.assertEqual(served_version(sb, k), mid)
            self.assertEqual(sb.sql(evolution).strip(), "22")
            hpa_mid = self.assert_k8s_after(sb, "jatos/jatos:" + mid, 2, hpa_before)
            self.assertNotEqual(hpa_mid["metadata"]["uid"], hpa_before["metadata"]["uid"],
                                "the HPA was never paused (deleted and created again)")
            self.assert_backup(report, b"INSERT INTO `play_evolutions`")
            self.assert_upgrade_order(sb, old, mid, before, [evs])
            migrated = [e for e in self.record(sb)[before:] if e["event"] == "migrated"]
            self.assertEqual([(e["node"], e["from"], e["to"]) for e in migrated], [("jatos-1", "21", "22")])

            # the next version, a whole image reference; the CLI killed once replica 1 is verified
            before = len(self.record(sb))
            first = CliRun(self.upgrade_args(sb, new, "jatos/jatos:" + new, "--yes"), dict(ENV, XDG_DATA_HOME=self.xdg))
            try:
                def verified_one(e):
                    return e["event"] == "step-finished" and e["ok"] and e["step"] == self.step_of(
                        first.events, VERIFY_RE, 1)
                first.wait_event(verified_one, 120, "the verification of replica 1")
                first.proc.kill()
                self.assertEqual(first.wait(30), -9)
                killed_run = first.events
            finally:
                first.close()
            self.assertEqual(served_version(sb, 1), new)
            self.assertEqual(self.hpa(sb)[0], 404, "the HPA is not paused mid-upgrade")
            rc, evs, out = self.cli(self.resume_args(sb))
            report = self.assert_completed(rc, evs, out, new)
            self.assertGreater(min(e["step"] for e in evs if e["event"] == "step-started"),
                               self.step_of(killed_run, SCALE_RE, 1), "--resume started over:\n" + out)
            for k in (1, 2):
                self.assertEqual(served_version(sb, k), new)
            self.assertEqual(sb.sql(evolution).strip(), "23")
            self.assert_k8s_after(sb, "jatos/jatos:" + new, 2, hpa_before)
            self.assert_backup(report)
            self.assert_upgrade_order(sb, mid, new, before, [killed_run, evs])
            # the journal is closed: a second --resume finds nothing to resume
            rc, evs, out = self.cli(self.resume_args(sb))
            self.assertNotIn(rc, (0, 5), out)

    # --- 2. OpenSpecimen on Compose: a refused tag, an upgrade, a paused one and --resume --------
    def test_compose_openspecimen(self):
        old, new = "v11.0.2", "v11.1"
        current = "SELECT VERSION FROM OS_UPGRADE_LOG ORDER BY UPGRADE_DATE DESC, IDENTIFIER DESC LIMIT 1"
        with self.sandbox("openspecimen", 2, old, "compose") as sb:
            self.entered(sb)
            self.assertEqual(sb.sql(current).strip(), old)
            env_before = self.dotenv(sb)
            self.assertIn("OPENSPECIMEN_IMAGE=krishagni/openspecimen:%s\n" % old, env_before)

            def state():
                return self.compose_state(sb)

            before = {"events": len(self.record(sb)), "state": state()}
            rc, evs, out = self.cli(self.upgrade_args(sb, new, "v11.2", "--yes"))
            check = self.assert_refused(sb, rc, evs, out, "image", before, old, state)
            self.assertIn("v11.2", check["reason"], out)

            before = len(self.record(sb))
            rc, evs, out = self.cli(self.upgrade_args(sb, new, new, "--yes"))
            report = self.assert_completed(rc, evs, out, new)
            for k in (1, 2):
                self.assertEqual(served_version(sb, k), new)
            self.assertEqual(sb.sql(current).strip(), new)
            image = "krishagni/openspecimen:" + new
            env_after = self.dotenv(sb)
            self.assertEqual(env_after, env_before.replace("krishagni/openspecimen:" + old, image),
                             "the .env changed beyond the image")
            path = os.path.join(sb.profile["deployment"]["projectDir"], ".env")
            self.assertEqual(os.stat(path).st_mode & 0o777, 0o600)
            cs = self.compose_ps(sb)
            self.assertEqual(sorted(cs), ["compose-openspecimen-1", "compose-openspecimen-2"])
            self.assertEqual({(c["Image"], c["State"]) for c in cs.values()}, {(image, "running")})
            self.assert_backup(report, b"OS_UPGRADE_LOG")
            self.assert_upgrade_order(sb, old, new, before, [evs])
            migrated = [e for e in self.record(sb)[before:] if e["event"] == "migrated"]
            self.assertEqual([(e["node"], e["from"], e["to"]) for e in migrated], [("openspecimen-1", old, new)])

            # the next version, container 2 refusing to start: Docker restarts it (restart
            # policy), the run pauses at its verification; the cause cleared, --resume completes
            newer = "v11.2"
            sb.fault("openspecimen-2", "refuse-start")
            before = len(self.record(sb))
            rc, evs, out = self.cli(self.upgrade_args(sb, newer, newer, "--yes", "--health-timeout", HEALTH_TIMEOUT))
            self.assertEqual(rc, 5, out)
            paused = self.last(evs, "paused")
            self.assertIsNotNone(paused, out)
            self.assertEqual(paused["step"], self.step_of(evs, VERIFY_RE, 2), out)
            self.assertEqual([e for e in evs if e["event"] == "step-started" and e["step"] > paused["step"]], [])
            self.assertEqual(served_version(sb, 1), newer)
            self.assertIsNone(served_version(sb, 2))
            self.assertEqual(self.compose_ps(sb)["compose-openspecimen-2"]["State"], "restarting")
            self.assertEqual(events.mixed_versions(self.record(sb)), [])
            sb.fault("openspecimen-2", "clear")
            rc, evs2, out2 = self.cli(self.resume_args(sb, "--health-timeout", HEALTH_TIMEOUT))
            report = self.assert_completed(rc, evs2, out2, newer)
            self.assertEqual(min(e["step"] for e in evs2 if e["event"] == "step-started"), paused["step"], out2)
            for k in (1, 2):
                self.assertEqual(served_version(sb, k), newer)
            self.assertEqual(sb.sql(current).strip(), newer)
            self.assertIn("OPENSPECIMEN_IMAGE=krishagni/openspecimen:%s\n" % newer, self.dotenv(sb))
            self.assertEqual({(c["Image"], c["State"]) for c in self.compose_ps(sb).values()},
                             {("krishagni/openspecimen:" + newer, "running")})
            self.assert_backup(report)
            self.assert_upgrade_order(sb, new, newer, before, [evs, evs2])

    # --- 3. Joget on Kubernetes: a replica in CrashLoopBackOff pauses the run; --resume ---------
    def test_kubernetes_joget_refused_start_then_resume(self):
        old, new = "8.0.12", "8.1.1"
        with self.sandbox("joget", 2, old, "kubernetes") as sb:
            self.entered(sb)
            hpa_before = self.hpa(sb)[1]
            sb.fault("joget-2", "refuse-start")
            before = len(self.record(sb))
            rc, evs, out = self.cli(self.upgrade_args(sb, new, new, "--yes", "--health-timeout", HEALTH_TIMEOUT))
            self.assertEqual(rc, 5, out)
            paused = self.last(evs, "paused")
            self.assertIsNotNone(paused, out)
            self.assertEqual(paused["exitCode"], 5)
            self.assertEqual(paused["step"], self.step_of(evs, VERIFY_RE, 2), out)
            self.assertTrue(paused["reason"], out)
            self.assertFalse([d for d in self.plan(evs) if "schema moved" in d], self.plan(evs))  # Joget keeps none
            self.assertEqual([e for e in evs if e["event"] == "step-started" and e["step"] > paused["step"]], [])
            self.assertEqual(evs[-1].get("exitCode"), 5, out)

            self.assertEqual(served_version(sb, 1), new)
            self.assertIsNone(served_version(sb, 2))
            cs = self.pods(sb)["joget-2"]["status"]["containerStatuses"][0]
            self.assertEqual(cs["state"].get("waiting", {}).get("reason"), "CrashLoopBackOff", cs)
            self.assertEqual(self.hpa(sb)[0], 404, "the HPA came back while the run is paused")
            self.assertEqual(events.mixed_versions(self.record(sb)), [])
            refused = [e for e in self.record(sb)[before:] if e["event"] == "refused"]
            self.assertEqual({e["node"] for e in refused}, {"joget-2"})

            # the cause gone, the platform starts the container again; --resume verifies it
            sb.fault("joget-2", "clear")
            rc, evs2, out2 = self.cli(self.resume_args(sb, "--health-timeout", HEALTH_TIMEOUT))
            report = self.assert_completed(rc, evs2, out2, new)
            self.assertEqual(min(e["step"] for e in evs2 if e["event"] == "step-started"), paused["step"], out2)
            for k in (1, 2):
                self.assertEqual(served_version(sb, k), new)
                with open(os.path.join(sb.install_dir(k), "VERSION.txt")) as f:
                    self.assertTrue(f.read().startswith(new + " - build "))
            self.assert_k8s_after(sb, "jogetworkflow/joget-dx8-tomcat9:" + new, 2, hpa_before)
            self.assert_backup(report)
            self.assert_upgrade_order(sb, old, new, before, [evs, evs2])
            rows = sb.sql("SELECT COUNT(*) FROM wf_setup WHERE property LIKE 'node::%'").strip()
            self.assertEqual(rows, "2")


if __name__ == "__main__":
    unittest.main(verbosity=2)
