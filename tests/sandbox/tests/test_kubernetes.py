#!/usr/bin/python3
"""`up --deployment kubernetes`: the real `kubectl` (KUBECTL, or kubectl on the PATH;
Debian's kubernetes-client or any other) reads the emulated API server's Deployment,
Pods and HPA, scales the Deployment (a node is really stopped, readyReplicas follows)
and sets its image; a wrong token gets 401 with the real Status body; TLS is
verified against the generated CA only; pod readiness follows `fault down`."""

import json
import os
import shutil
import ssl
import sys
import unittest
import urllib.error
import urllib.request

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from orchestrator_support import OrchestratorTestCase, OwnSandbox  # noqa: E402
from support import listening, run, wait_for  # noqa: E402

ENV = dict(os.environ, CLUSTERDESK_SANDBOX_SUBNET="41")
UNAUTHORIZED = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                "message": "Unauthorized", "reason": "Unauthorized", "code": 401}


def kubectl_path():
    return os.environ.get("KUBECTL") or shutil.which("kubectl")


class Kubernetes(OrchestratorTestCase):
    NAME, ENV = 'k8s', ENV


    def kubectl(self, sb, *args, check=True):
        return run([kubectl_path(), "--kubeconfig", os.path.join(sb.dir, "kubeconfig"),
                    "--cache-dir", os.path.join(sb.dir, "kube-cache"), "--request-timeout", "20s"] + list(args),
                   check=check, timeout=60)

    def get(self, sb, *args):
        return json.loads(self.kubectl(sb, "get", *args, "-n", "jatos", "-o", "json").stdout)

    def ready_replicas(self, sb):
        return self.get(sb, "deployment", "jatos")["status"].get("readyReplicas", 0)

    def test_kubectl_against_the_emulation(self):
        exe = kubectl_path()
        self.assertTrue(exe, "no kubectl: install Debian's kubernetes-client (scripts/install-deps.sh) or set KUBECTL")
        print("kubectl:", run([exe, "version", "--client"], check=False).stdout.strip().splitlines()[0],
              file=sys.stderr)
        with OwnSandbox('k8s', "jatos", nodes=2, extra=["--warmup", "1", "--deployment", "kubernetes"], env=ENV) as sb:
            st, prof = sb.state, sb.profile
            dep = prof["deployment"]
            port = st["k8s"]["port"]
            self.assertEqual(dep["kind"], "kubernetes")
            self.assertEqual(dep["apiServer"], "https://127.0.0.1:%d" % port)
            self.assertEqual((dep["namespace"], dep["deployment"], dep["hpa"]), ("jatos", "jatos", "jatos"))
            self.assertEqual(dep["caFile"], os.path.join(sb.dir, "k8s", "ca.crt"))
            self.assertEqual(dep["token"], {"keychain": st["id"] + "/k8s-token"})
            self.assertEqual(len(prof["nodes"]), 2)
            with open(os.path.join(sb.dir, "kubeconfig")) as f:
                token = json.load(f)["users"][0]["user"]["token"]
            if st["secrets"] == "file":
                with open(os.path.join(sb.dir, "secrets.env")) as f:
                    self.assertIn("%s/k8s-token=%s\n" % (st["id"], token), f.read())
            else:
                r = run(["secret-tool", "lookup", "server", "clusterdesk", "user", st["id"] + "/k8s-token"])
                self.assertEqual(r.stdout, token)

            # --- get: Deployment, Pods, HPA ----------------------------------------------------
            d = self.get(sb, "deployment", "jatos")
            self.assertEqual((d["kind"], d["apiVersion"]), ("Deployment", "apps/v1"))
            self.assertEqual(d["spec"]["replicas"], 2)
            self.assertEqual(d["spec"]["strategy"], {"type": "Recreate"})
            self.assertEqual(d["spec"]["template"]["spec"]["containers"][0]["image"], "jatos/jatos:3.10.4")
            for key in ("replicas", "readyReplicas", "availableReplicas", "updatedReplicas"):
                self.assertEqual(d["status"][key], 2, key)
            self.assertEqual(d["status"]["observedGeneration"], d["metadata"]["generation"])
            pods = self.get(sb, "pods", "-l", "app=jatos")["items"]
            self.assertEqual(sorted(p["status"]["podIP"] for p in pods), [n["address"] for n in st["nodes"]])
            for p in pods:
                self.assertEqual(p["status"]["phase"], "Running")
                self.assertIn({"type": "Ready", "status": "True"},
                              [{k: c[k] for k in ("type", "status")} for c in p["status"]["conditions"]])
                self.assertTrue(p["status"]["containerStatuses"][0]["ready"])
            self.assertEqual(self.get(sb, "pods", "-l", "app=other")["items"], [])
            table = self.kubectl(sb, "get", "pods", "-n", "jatos", "-o", "wide").stdout.splitlines()   # as=Table
            self.assertEqual(table[0].split(), ["NAME", "READY", "STATUS", "RESTARTS", "IP", "NODE", "AGE"])
            self.assertEqual([line.split()[1:5] for line in table[1:]],
                             [["1/1", "Running", "0", n["address"]] for n in st["nodes"]])
            hpa = self.get(sb, "hpa")["items"][0]
            self.assertEqual(hpa["apiVersion"], "autoscaling/v2")
            self.assertEqual((hpa["spec"]["minReplicas"], hpa["spec"]["maxReplicas"]), (1, 2))
            self.assertEqual(hpa["spec"]["scaleTargetRef"]["name"], "jatos")
            self.assertEqual(hpa["status"]["currentReplicas"], 2)

            # --- scale: a node is really stopped, and started again -------------------------------
            out = self.kubectl(sb, "scale", "deployment", "jatos", "-n", "jatos", "--replicas=1").stdout
            self.assertIn("scaled", out)
            wait_for(lambda: not sb.node_pids(2), 30, "jatos-2 to be stopped")
            wait_for(lambda: self.ready_replicas(sb) == 1, 30, "readyReplicas 1")
            self.assertEqual(len(self.get(sb, "pods", "-l", "app=jatos")["items"]), 1)
            self.assertTrue(sb.node_pids(1))
            self.kubectl(sb, "scale", "deployment", "jatos", "-n", "jatos", "--replicas=2")
            wait_for(lambda: self.ready_replicas(sb) == 2, 60, "readyReplicas 2")
            pods = {p["spec"]["nodeName"]: p for p in self.get(sb, "pods", "-l", "app=jatos")["items"]}
            self.assertEqual(pods["jatos-2"]["status"]["containerStatuses"][0]["restartCount"], 1)

            # --- set image ------------------------------------------------------------------------
            out = self.kubectl(sb, "set", "image", "deployment/jatos", "jatos=jatos/jatos:3.10.5", "-n", "jatos").stdout
            self.assertIn("image updated", out)
            d = self.get(sb, "deployment", "jatos")
            self.assertEqual(d["spec"]["template"]["spec"]["containers"][0]["image"], "jatos/jatos:3.10.5")
            self.assertEqual(d["metadata"]["generation"], 2)
            events = self.get(sb, "events")["items"]
            self.assertTrue(any(e["reason"] == "ScalingReplicaSet" for e in events))

            # --- auth -------------------------------------------------------------------------------
            r = self.kubectl(sb, "--token", "wrong-token", "get", "pods", "-n", "jatos", check=False)
            self.assertNotEqual(r.returncode, 0)
            self.assertIn("Unauthorized", r.stderr)
            ca = ssl.create_default_context(cafile=dep["caFile"])
            url = dep["apiServer"] + "/apis/apps/v1/namespaces/jatos/deployments/jatos"
            req = urllib.request.Request(url, headers={"Authorization": "Bearer wrong-token"})
            with self.assertRaises(urllib.error.HTTPError) as cm:
                urllib.request.urlopen(req, context=ca, timeout=10)
            self.assertEqual(cm.exception.code, 401)
            self.assertEqual(json.loads(cm.exception.read()), UNAUTHORIZED)

            # --- TLS: only with the sandbox CA ------------------------------------------------------
            req = urllib.request.Request(url, headers={"Authorization": "Bearer " + token})
            with urllib.request.urlopen(req, context=ca, timeout=10) as resp:
                self.assertEqual(json.loads(resp.read())["metadata"]["name"], "jatos")
            with self.assertRaises(urllib.error.URLError) as cm:
                urllib.request.urlopen(req, context=ssl.create_default_context(), timeout=10)
            self.assertIsInstance(cm.exception.reason, ssl.SSLCertVerificationError)
            r = run(["curl", "-sS", "-H", "Authorization: Bearer " + token, url], check=False)
            self.assertEqual(r.returncode, 60, r.stderr)          # CURLE_PEER_FAILED_VERIFICATION
            r = run(["curl", "-sS", "--cacert", dep["caFile"], "-H", "Authorization: Bearer " + token, url])
            self.assertEqual(json.loads(r.stdout)["kind"], "Deployment")

            # --- readiness follows the node's health --------------------------------------------------
            sb.fault("jatos-1", "down")

            def pod1_unready():
                pods = {p["spec"]["nodeName"]: p for p in self.get(sb, "pods", "-l", "app=jatos")["items"]}
                ready = [c["status"] for c in pods["jatos-1"]["status"]["conditions"] if c["type"] == "Ready"]
                return ready == ["False"] and not pods["jatos-1"]["status"]["containerStatuses"][0]["ready"]
            wait_for(pod1_unready, 20, "the pod of jatos-1 to be unready")
            d = self.get(sb, "deployment", "jatos")
            self.assertEqual(d["status"]["readyReplicas"], 1)
            self.assertEqual(d["status"]["unavailableReplicas"], 1)
            self.assertEqual([c["status"] for c in d["status"]["conditions"] if c["type"] == "Available"], ["False"])
            api = ("127.0.0.1", port)
        self.assertNotIn(api, listening(), "the API server still listens after down")


if __name__ == "__main__":
    unittest.main(verbosity=2)
