#!/usr/bin/python3
"""What a guided upgrade needs from the sandbox: make-release's .sha256; on hosts
(subnet 95) a package uploaded with sftp and installed over SSH with the profile's
`commands.install`, the node left stopped, then started on the new version, and the
event record DIR/events.jsonl proving the order (stopped, starting, migrated,
serving; no two versions serving at once; node 2 started only after node 1 answered
on the new version); Kubernetes (subnet 96): a new image runs after scaling to 0 and
back, an unknown image leaves the pod in ErrImagePull, the HPA can be deleted and
created, a refused start is retried (CrashLoopBackOff) until it comes up; Compose
(subnet 97): a new JATOS_IMAGE in .env and `up -d --scale` runs the new version, an
unknown image fails as dockerd does, a refused start is retried (restart policy
unless-stopped) until it comes up or the container is stopped."""

import hashlib
import json
import os
import re
import shutil
import sys
import tempfile
import time
import unittest

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))      # the sandbox package, for its events helpers
from orchestrator_support import OrchestratorTestCase, OwnSandbox  # noqa: E402
from sandbox import events  # noqa: E402
from support import SANDBOX, http_get, run, wait_for  # noqa: E402

SUBNET = os.environ.get("CLUSTERDESK_SANDBOX_SUBNET_UPGRADE")
ENV_HOSTS = dict(os.environ, CLUSTERDESK_SANDBOX_SUBNET=SUBNET or "95")
ENV_K8S = dict(os.environ, CLUSTERDESK_SANDBOX_SUBNET=SUBNET or "96")
ENV_COMPOSE = dict(os.environ, CLUSTERDESK_SANDBOX_SUBNET=SUBNET or "97")
NEW = "3.10.5"
VERSION_RE = re.compile(r'jatosVersion = "([^"]+)"')


def kubectl_path():
    return os.environ.get("KUBECTL") or shutil.which("kubectl")


def served_version(sb, k):
    status, body = http_get(sb.url(k, "jatos/signin"), 2)
    m = VERSION_RE.search(body) if status == 200 else None
    return m.group(1) if m else None


def sftp(sb, k, commands):
    n = sb.node(k)
    batch = os.path.join(sb.dir, "sftp-batch")
    with open(batch, "w") as f:
        f.write("".join(c + "\n" for c in commands))
    return run(["sftp", "-i", os.path.join(sb.dir, "ssh", "id_ed25519"),
                "-o", "UserKnownHostsFile=" + os.path.join(sb.dir, "known_hosts"),
                "-o", "StrictHostKeyChecking=accept-new", "-o", "BatchMode=yes", "-o", "ConnectTimeout=10",
                "-o", "GlobalKnownHostsFile=/dev/null", "-P", str(n["sshPort"]), "-b", batch,
                "%s@%s" % (sb.state["sshUser"], n["address"])], check=False, timeout=60)


def expand(command, **values):
    for key, value in values.items():
        command = command.replace("{%s}" % key, value)
    return command


def lifecycle(entries):
    """The node's events without its health / version answers."""
    return [(e["event"], e["version"]) for e in entries if e["event"] not in ("health", "version")]


class UpgradeSupport(OrchestratorTestCase):
    NAME, ENV = "upgrade", ENV_HOSTS

    def events(self, sb, node=None, env=ENV_HOSTS):
        return json.loads(run([SANDBOX, "events", "--dir", sb.dir] + (["--node", node] if node else []),
                              env=env).stdout)

    # --- release packages ----------------------------------------------------------------
    def test_release_checksum(self):
        with tempfile.TemporaryDirectory(prefix="cd-sandbox-release-") as tmp:
            for name in ("jatos-%s.zip" % NEW, "jatos-%s.tar.gz" % NEW):
                out = os.path.join(tmp, name)
                r = run([SANDBOX, "make-release", "--product", "jatos", "--version", NEW, "--out", out])
                self.assertIn(out + ".sha256", r.stdout)
                with open(out, "rb") as f:
                    digest = hashlib.sha256(f.read()).hexdigest()
                with open(out + ".sha256") as f:
                    self.assertEqual(f.read(), "%s  %s\n" % (digest, name))
                run(["sha256sum", "-c", name + ".sha256"], cwd=tmp)

    # --- the interval helper -----------------------------------------------------------------
    def test_mixed_version_check(self):
        def ev(t, node, event, version):
            return {"t": t, "node": node, "event": event, "version": version}
        clean = [ev(1, "a", "serving", "1"), ev(2, "b", "serving", "1"), ev(3, "a", "stopped", "1"),
                 ev(4, "b", "killed", "1"), ev(5, "a", "serving", "2"), ev(6, "b", "serving", "2")]
        self.assertEqual(events.mixed_versions(clean), [])
        self.assertEqual([(i["node"], i["version"], i["from"], i["to"]) for i in events.serving_intervals(
            clean, until=9)], [("a", "1", 1, 3), ("b", "1", 2, 4), ("a", "2", 5, 9), ("b", "2", 6, 9)])
        mixed = clean[:2] + [ev(3, "a", "stopped", "1"), ev(3.5, "a", "serving", "2"), ev(4, "b", "stopped", "1")]
        self.assertEqual([(a["node"], b["node"]) for a, b in events.mixed_versions(mixed)], [("b", "a")])

    # --- hosts: upload, stop, install, start; the event record ------------------------------
    def test_hosts_upgrade_over_ssh(self):
        with OwnSandbox("upgrade", "jatos", nodes=2, extra=["--warmup", "1", "--version", "3.10.0"],
                        env=ENV_HOSTS) as sb:
            prof = sb.profile
            install = prof["presetOverrides"]["commands"]["install"]
            self.assertEqual(install, "{installDir}/install-release.sh {package} {version}")
            package = os.path.join(sb.dir, "jatos-%s.zip" % NEW)
            run([SANDBOX, "make-release", "--product", "jatos", "--version", NEW, "--out", package])
            remote = []
            for k in (1, 2):        # upload into $HOME/clusterdesk-packages on each node
                home = os.path.join(sb.node(k)["home"], "home")
                r = sb.ssh(k, 'mkdir -p clusterdesk-packages && pwd && echo "$HOME"')
                self.assertEqual(r.stdout.split(), [home, home], r.stderr)     # sessions start in HOME
                r = sftp(sb, k, ["put %s clusterdesk-packages/" % package])
                self.assertEqual(r.returncode, 0, r.stderr)
                remote.append(os.path.join(home, "clusterdesk-packages", os.path.basename(package)))
                self.assertTrue(os.path.isfile(remote[-1]))

            # stop every node (the preset's stop command), then install on each
            for k in (1, 2):
                r = sb.ssh(k, expand("{installDir}/loader.sh stop", installDir=prof["nodes"][k - 1]["installDir"]))
                self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            for k in (1, 2):
                command = expand(install, installDir=prof["nodes"][k - 1]["installDir"], package=remote[k - 1],
                                 version=NEW)
                r = sb.ssh(k, command)
                self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
                self.assertIn("Installed JATOS %s (was 3.10.0)" % NEW, r.stdout)
                self.assertEqual(sb.node_pids(k), [], "install must leave the node stopped")
                again = sb.ssh(k, command)      # a second run is safe: it changes nothing
                self.assertEqual(again.returncode, 0, again.stdout + again.stderr)
                self.assertIn("already installed and current; nothing to do", again.stdout)
                self.assertEqual(os.readlink(sb.install_dir(k)), "releases/" + NEW)
            self.assertIsNone(served_version(sb, 1))

            # start node 1, wait for its version answer, then node 2
            start = "{installDir}/loader.sh start"
            self.assertEqual(sb.ssh(1, expand(start, installDir=sb.install_dir(1))).returncode, 0)
            wait_for(lambda: served_version(sb, 1) == NEW, 30, "jatos-1 to serve " + NEW)
            self.assertEqual(sb.ssh(2, expand(start, installDir=sb.install_dir(2))).returncode, 0)
            wait_for(lambda: served_version(sb, 2) == NEW, 30, "jatos-2 to serve " + NEW)

            n1 = self.events(sb, "jatos-1")
            self.assertEqual({e["node"] for e in n1}, {"jatos-1"})
            self.assertEqual(lifecycle(n1), [("starting", "3.10.0"), ("serving", "3.10.0"), ("stopped", "3.10.0"),
                                             ("starting", NEW), ("migrated", NEW), ("serving", NEW)])
            migrated = next(e for e in n1 if e["event"] == "migrated")
            self.assertEqual((migrated["from"], migrated["to"]), ("22", "23"))       # 3.10.0 -> 3.10.5
            self.assertNotIn("migrated", [e["event"] for e in self.events(sb, "jatos-2")])  # done by node 1
            for e in n1:
                self.assertIsInstance(e["t"], float)
            answers = [e for e in n1 if e["event"] == "version"]
            self.assertTrue(answers and answers[-1]["version"] == NEW and answers[-1]["path"] == "/jatos/signin")

            # the proofs a guided-upgrade test makes from the record
            everything = self.events(sb)
            self.assertEqual(events.mixed_versions(everything), [])
            starting2 = [e for e in everything if e["node"] == "jatos-2" and e["event"] == "starting"][-1]
            first_answer = next(e for e in everything if e["node"] == "jatos-1" and e["version"] == NEW
                                and e["event"] in ("version", "health") and e["status"] == 200)
            self.assertLess(first_answer["t"], starting2["t"])
            self.assertEqual(everything, events.read(os.path.join(sb.dir, "events.jsonl")))

            # a refused start and a SIGKILL are recorded too
            sb.fault("jatos-2", "refuse-start")
            stop2 = expand("{installDir}/loader.sh stop", installDir=sb.install_dir(2))
            self.assertEqual(sb.ssh(2, stop2).returncode, 0)
            self.assertEqual(sb.ssh(2, expand(start, installDir=sb.install_dir(2))).returncode, 1)
            sb.fault("jatos-2", "clear")
            sb.fault("jatos-1", "down")
            tail = [(e["node"], e["event"]) for e in self.events(sb) if e["event"] not in ("health", "version")][-3:]
            self.assertEqual(tail, [("jatos-2", "stopped"), ("jatos-2", "refused"), ("jatos-1", "killed")])
            refused = [e for e in self.events(sb, "jatos-2") if e["event"] == "refused"][-1]
            self.assertIn("newer", refused["reason"])
            self.assertEqual(events.serving_intervals(self.events(sb))[-1]["version"], NEW)

    # --- Kubernetes -------------------------------------------------------------------------
    def set_image(self, sb, image):
        status, _ = self.api(sb, "PATCH", "/apis/apps/v1/namespaces/jatos/deployments/jatos",
                             {"spec": {"template": {"spec": {"containers": [{"name": "jatos", "image": image}]}}}},
                             "application/strategic-merge-patch+json")
        self.assertEqual(status, 200)

    def scale(self, sb, n):
        status, _ = self.api(sb, "PATCH", "/apis/apps/v1/namespaces/jatos/deployments/jatos/scale",
                             {"spec": {"replicas": n}}, "application/merge-patch+json")
        self.assertEqual(status, 200)

    def pods(self, sb):
        items = self.api(sb, "GET", "/api/v1/namespaces/jatos/pods?labelSelector=app%3Djatos")[1]["items"]
        return {p["spec"]["nodeName"]: p for p in items}

    def ready(self, sb):
        return self.api(sb, "GET", "/apis/apps/v1/namespaces/jatos/deployments/jatos")[1]["status"].get(
            "readyReplicas", 0)

    def test_kubernetes_image_upgrade_and_hpa(self):
        with OwnSandbox("upgrade", "jatos", nodes=2, extra=["--warmup", "1", "--deployment", "kubernetes"],
                        env=ENV_K8S) as sb:
            self.assertNotIn("commands", sb.profile["presetOverrides"])
            self.set_image(sb, "jatos/jatos:" + NEW)
            self.assertEqual(served_version(sb, 1), "3.10.4")       # no rollout: running pods keep theirs
            self.scale(sb, 0)
            wait_for(lambda: not sb.node_pids(1) and not sb.node_pids(2), 30, "both nodes to stop")
            self.scale(sb, 1)
            wait_for(lambda: self.ready(sb) == 1, 60, "readyReplicas 1")
            self.assertEqual(served_version(sb, 1), NEW)
            self.assertEqual(os.readlink(sb.install_dir(1)), "releases/" + NEW)
            self.assertEqual(os.readlink(sb.install_dir(2)), "releases/3.10.4")
            pod = self.pods(sb)["jatos-1"]
            self.assertEqual(pod["status"]["containerStatuses"][0]["image"], "jatos/jatos:" + NEW)
            d = self.api(sb, "GET", "/apis/apps/v1/namespaces/jatos/deployments/jatos")[1]
            self.assertEqual(d["status"]["updatedReplicas"], 1)

            # an image the registry lacks: the pod waits in ErrImagePull, readyReplicas stays below
            self.set_image(sb, "jatos/jatos:9.9.9")
            self.scale(sb, 2)

            def pulling():
                cs = self.pods(sb).get("jatos-2", {}).get("status", {}).get("containerStatuses", [{}])[0]
                return cs if "waiting" in cs.get("state", {}) else None
            cs = wait_for(pulling, 30, "the pod of jatos-2 to wait for its image")
            self.assertIn(cs["state"]["waiting"]["reason"], ("ErrImagePull", "ImagePullBackOff"))
            self.assertFalse(cs["ready"])
            self.assertEqual(cs["image"], "jatos/jatos:9.9.9")
            self.assertEqual(self.pods(sb)["jatos-2"]["status"]["phase"], "Pending")
            self.assertEqual(sb.node_pids(2), [])
            self.assertEqual(self.ready(sb), 1)
            failed = [e for e in self.api(sb, "GET", "/api/v1/namespaces/jatos/events")[1]["items"]
                      if e["reason"] == "Failed"]
            self.assertTrue(failed and "9.9.9" in failed[-1]["message"])
            if kubectl_path():
                table = run([kubectl_path(), "--kubeconfig", os.path.join(sb.dir, "kubeconfig"), "--cache-dir",
                             os.path.join(sb.dir, "kube-cache"), "get", "pods", "-n", "jatos"]).stdout
                self.assertIn("ErrImagePull", table)
            # an image of another product cannot be pulled either; a good one is, for the waiting pod
            self.set_image(sb, "krishagni/openspecimen:v11.0.2")
            wait_for(lambda: (pulling() or {}).get("image") == "krishagni/openspecimen:v11.0.2", 30,
                     "the pod to try the other image")
            self.set_image(sb, "jatos/jatos:" + NEW)
            wait_for(lambda: self.ready(sb) == 2, 60, "readyReplicas 2")
            self.assertEqual(served_version(sb, 2), NEW)

            # the HPA: delete (Status Success), get (404), create (201), create again (409)
            hpa_path = "/apis/autoscaling/v2/namespaces/jatos/horizontalpodautoscalers"
            status, hpa = self.api(sb, "GET", hpa_path + "/jatos")
            self.assertEqual(status, 200)
            status, gone = self.api(sb, "DELETE", hpa_path + "/jatos", {"kind": "DeleteOptions", "apiVersion": "v1"})
            self.assertEqual(status, 200)
            self.assertEqual((gone["kind"], gone["status"]), ("Status", "Success"))
            self.assertEqual(gone["details"], {"name": "jatos", "group": "autoscaling",
                                               "kind": "horizontalpodautoscalers", "uid": hpa["metadata"]["uid"]})
            status, body = self.api(sb, "GET", hpa_path + "/jatos")
            self.assertEqual((status, body["reason"]), (404, "NotFound"))
            self.assertEqual(self.api(sb, "GET", hpa_path)[1]["items"], [])
            status, body = self.api(sb, "DELETE", hpa_path + "/jatos")
            self.assertEqual((status, body["kind"], body["reason"]), (404, "Status", "NotFound"))
            new = {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
                   "metadata": {"name": "jatos", "namespace": "jatos"}, "spec": hpa["spec"]}
            status, created = self.api(sb, "POST", hpa_path, new)
            self.assertEqual(status, 201)
            self.assertEqual((created["metadata"]["name"], created["spec"]), ("jatos", hpa["spec"]))
            self.assertNotEqual(created["metadata"]["uid"], hpa["metadata"]["uid"])
            status, body = self.api(sb, "POST", hpa_path, new)
            self.assertEqual((status, body["reason"]), (409, "AlreadyExists"))
            self.assertEqual(self.api(sb, "GET", hpa_path + "/jatos")[0], 200)

            if kubectl_path():      # the same with kubectl
                base = [kubectl_path(), "--kubeconfig", os.path.join(sb.dir, "kubeconfig"), "--cache-dir",
                        os.path.join(sb.dir, "kube-cache"), "--request-timeout", "20s", "-n", "jatos"]
                out = run(base + ["delete", "hpa", "jatos"], timeout=60).stdout
                self.assertIn("deleted", out)
                self.assertEqual(self.api(sb, "GET", hpa_path + "/jatos")[0], 404)
                path = os.path.join(sb.dir, "hpa.json")
                with open(path, "w") as f:
                    json.dump(new, f)
                r = run(base + ["create", "-f", path, "--validate=false"], timeout=60)  # no OpenAPI here
                self.assertIn("created", r.stdout)
                self.assertEqual(self.api(sb, "GET", hpa_path + "/jatos")[0], 200)

    def test_kubernetes_crash_loop_restarts(self):
        """A replica whose start is refused is started again by "kubelet" (CrashLoopBackOff
        meanwhile) and comes up by itself once the cause is gone."""
        with OwnSandbox("upgrade", "jatos", nodes=2, extra=["--warmup", "1", "--deployment", "kubernetes"],
                        env=ENV_K8S) as sb:
            self.scale(sb, 1)
            wait_for(lambda: not sb.node_pids(2), 30, "jatos-2 to stop")
            sb.fault("jatos-2", "refuse-start")
            before = len(events.read(events.path_of(sb.dir)))
            self.scale(sb, 2)

            def crash_looping():
                cs = self.pods(sb).get("jatos-2", {}).get("status", {}).get("containerStatuses", [{}])[0]
                return cs if cs.get("state", {}).get("waiting", {}).get("reason") == "CrashLoopBackOff" else None
            cs = wait_for(crash_looping, 30, "the pod of jatos-2 in CrashLoopBackOff")
            self.assertFalse(cs["ready"])
            self.assertEqual(cs["lastState"]["terminated"]["exitCode"], 1)
            self.assertIn("back-off", cs["state"]["waiting"]["message"])
            self.assertEqual(self.pods(sb)["jatos-2"]["status"]["phase"], "Running")
            # kubelet keeps trying: a second refusal comes without anyone asking
            wait_for(lambda: len([e for e in events.read(events.path_of(sb.dir))[before:]
                                  if e["node"] == "jatos-2" and e["event"] == "refused"]) >= 2, 30,
                     "a second start attempt of jatos-2")
            self.assertEqual(self.ready(sb), 1)
            # the refusal is on record a moment before "kubelet" counts the restart
            wait_for(lambda: self.pods(sb)["jatos-2"]["status"]["containerStatuses"][0]["restartCount"] >= 1, 10,
                     "restartCount of jatos-2 to count the second attempt")
            if kubectl_path():
                table = run([kubectl_path(), "--kubeconfig", os.path.join(sb.dir, "kubeconfig"), "--cache-dir",
                             os.path.join(sb.dir, "kube-cache"), "get", "pods", "-n", "jatos"]).stdout
                self.assertIn("CrashLoopBackOff", table)
            sb.fault("jatos-2", "clear")
            wait_for(lambda: self.ready(sb) == 2, 30, "readyReplicas 2 after the fault is cleared")
            cs = self.pods(sb)["jatos-2"]["status"]["containerStatuses"][0]
            self.assertIn("running", cs["state"])
            # scaled away, a crash-looping replica is no longer started
            sb.fault("jatos-2", "refuse-start")
            self.scale(sb, 1)
            wait_for(lambda: not sb.node_pids(2), 30, "jatos-2 to stop")
            self.assertNotIn("jatos-2", self.pods(sb))

    # --- Compose ------------------------------------------------------------------------------
    def compose(self, sb, args):
        return sb.ssh(1, "docker compose --project-directory %s %s" % (sb.profile["deployment"]["projectDir"], args))

    def ps(self, sb):
        r = self.compose(sb, "ps -a --format json")
        self.assertEqual(r.returncode, 0, r.stderr)
        return {c["Name"]: c for c in (json.loads(line) for line in r.stdout.splitlines())}

    def set_env_image(self, sb, image):
        path = os.path.join(sb.profile["deployment"]["projectDir"], ".env")
        with open(path) as f:
            text = re.sub(r"(?m)^JATOS_IMAGE=.*$", "JATOS_IMAGE=" + image, f.read())
        with open(path + ".tmp", "w") as f:
            f.write(text)
        r = sb.ssh(1, "chmod 600 %s.tmp && mv -f %s.tmp %s" % (path, path, path))
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_compose_image_upgrade(self):
        with OwnSandbox("upgrade", "jatos", nodes=2, extra=["--warmup", "1", "--deployment", "compose"],
                        env=ENV_COMPOSE) as sb:
            dep = sb.profile["deployment"]
            self.assertEqual(dep["imageVariable"], "JATOS_IMAGE")
            with open(os.path.join(dep["projectDir"], ".env")) as f:
                self.assertIn("JATOS_IMAGE=jatos/jatos:3.10.4\n", f.read())
            with open(os.path.join(dep["projectDir"], "compose.yaml")) as f:
                self.assertIn("image: ${JATOS_IMAGE}\n", f.read())
            self.assertEqual({c["Image"] for c in self.ps(sb).values()}, {"jatos/jatos:3.10.4"})

            # an unknown image: up fails as dockerd does, nothing changes
            self.set_env_image(sb, "jatos/jatos:9.9.9")
            r = self.compose(sb, "up -d --scale jatos=1")
            self.assertEqual(r.returncode, 1)
            self.assertIn("Error response from daemon: manifest for jatos/jatos:9.9.9 not found: manifest unknown: "
                          "manifest unknown\n", r.stderr)
            cs = self.ps(sb)
            self.assertEqual(sorted(cs), ["compose-jatos-1", "compose-jatos-2"])
            self.assertEqual({c["State"] for c in cs.values()}, {"running"})
            self.assertEqual(served_version(sb, 1), "3.10.4")

            # a new version: container 1 recreated on it, container 2 removed
            self.set_env_image(sb, "jatos/jatos:" + NEW)
            r = self.compose(sb, "up -d --scale jatos=1")
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("Container compose-jatos-1  Recreated", r.stderr)
            wait_for(lambda: served_version(sb, 1) == NEW, 30, "container 1 to serve " + NEW)
            cs = self.ps(sb)
            self.assertEqual(sorted(cs), ["compose-jatos-1"])
            self.assertEqual(cs["compose-jatos-1"]["Image"], "jatos/jatos:" + NEW)
            self.assertEqual(sb.node_pids(2), [])
            # scaling up creates container 2 on the new version too; a second up changes nothing
            r = self.compose(sb, "up -d --scale jatos=2")
            self.assertEqual(r.returncode, 0, r.stderr)
            wait_for(lambda: served_version(sb, 2) == NEW, 30, "container 2 to serve " + NEW)
            self.assertEqual({c["Image"] for c in self.ps(sb).values()}, {"jatos/jatos:" + NEW})
            r = self.compose(sb, "up -d")
            self.assertNotIn("Recreate", r.stderr)
            n1 = self.events(sb, "jatos-1")
            self.assertEqual(lifecycle(n1)[-3:], [("stopped", "3.10.4"), ("starting", NEW), ("serving", NEW)])


    def test_compose_restart_policy(self):
        """A container whose start is refused counts as started (as dockerd reports it), shows
        as Restarting, and the daemon starts it again until it stays up; `stop` ends that."""
        with OwnSandbox("upgrade", "jatos", nodes=2, extra=["--warmup", "1", "--deployment", "compose"],
                        env=ENV_COMPOSE) as sb:
            r = self.compose(sb, "stop jatos")
            self.assertEqual(r.returncode, 0, r.stderr)
            sb.fault("jatos-2", "refuse-start")
            before = len(events.read(events.path_of(sb.dir)))
            r = self.compose(sb, "up -d --scale jatos=2 jatos")
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("Container compose-jatos-2  Started", r.stderr)
            c2 = self.ps(sb)["compose-jatos-2"]
            self.assertEqual((c2["State"], c2["Health"], c2["ExitCode"]), ("restarting", "", 1))
            self.assertRegex(c2["Status"], r"^Restarting \(1\) ")
            r = self.compose(sb, "ps --format json")       # restarting containers are listed without -a
            self.assertIn("compose-jatos-2", r.stdout)
            wait_for(lambda: len([e for e in events.read(events.path_of(sb.dir))[before:]
                                  if e["node"] == "jatos-2" and e["event"] == "refused"]) >= 2, 30,
                     "a second start attempt of jatos-2")
            sb.fault("jatos-2", "clear")
            wait_for(lambda: served_version(sb, 2) == "3.10.4", 30, "jatos-2 to come up by itself")
            self.assertEqual(self.ps(sb)["compose-jatos-2"]["State"], "running")
            # a stopped container is not restarted
            sb.fault("jatos-2", "refuse-start")
            r = self.compose(sb, "restart jatos")
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(self.ps(sb)["compose-jatos-2"]["State"], "restarting")
            r = self.compose(sb, "stop jatos")
            self.assertEqual(r.returncode, 0, r.stderr)
            n = len(events.read(events.path_of(sb.dir)))
            self.assertEqual({c["State"] for c in self.ps(sb).values()}, {"exited"})
            sb.fault("jatos-2", "clear")
            # the restarter's back-off is at most nodectl.BACKOFF_MAX (4 s): give it more than that
            self.assertFalse(any(e["node"] == "jatos-2" and e["event"] in ("starting", "refused") for e in wait_idle(
                sb, n, 6)), "a stopped container was started again")


def wait_idle(sb, since, seconds):
    """The events after `since` once `seconds` passed (a negative check: nothing may come)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        time.sleep(0.5)
    return events.read(events.path_of(sb.dir))[since:]


if __name__ == "__main__":
    unittest.main(verbosity=2)
