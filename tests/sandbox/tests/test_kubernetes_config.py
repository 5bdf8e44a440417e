#!/usr/bin/python3
"""Secrets and ConfigMaps of the Kubernetes emulation, with the real kubectl and raw
HTTPS: jatos-secret, mysql-pass and jatos-config carry the sandbox's real values;
`kubectl get -o yaml` / `kubectl patch` work; a PUT with a stale resourceVersion gets
409 Conflict; stringData is merged into data; after patching the secret and scaling
to 0 and back, the nodes started by the emulation take the new secret (effective.json)."""

import base64
import hashlib
import json
import os
import shutil
import sys
import unittest

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from orchestrator_support import OrchestratorTestCase, OwnSandbox  # noqa: E402
from support import SANDBOX, run, wait_for  # noqa: E402

ENV = dict(os.environ, CLUSTERDESK_SANDBOX_SUBNET=os.environ.get("CLUSTERDESK_SANDBOX_SUBNET_K8S_CONFIG", "43"))


def kubectl_path():
    return os.environ.get("KUBECTL") or shutil.which("kubectl")


def b64(text):
    return base64.b64encode(text.encode()).decode()


class KubernetesConfig(OrchestratorTestCase):
    NAME, ENV = "k8s-config", ENV

    def kubectl(self, sb, *args, check=True):
        return run([kubectl_path(), "--kubeconfig", os.path.join(sb.dir, "kubeconfig"),
                    "--cache-dir", os.path.join(sb.dir, "kube-cache"), "--request-timeout", "20s", "-n", "jatos"]
                   + list(args), check=check, timeout=60)

    def effective(self, sb):
        return json.loads(run([SANDBOX, "effective", "--dir", sb.dir], env=ENV).stdout)

    def test_secrets_configmaps_and_restart(self):
        self.assertTrue(kubectl_path(), "no kubectl (set KUBECTL)")
        with OwnSandbox("k8s-config", "jatos", nodes=2, extra=["--warmup", "1", "--deployment", "kubernetes"],
                        env=ENV) as sb:
            ns = "/api/v1/namespaces/jatos"
            eff = self.effective(sb)
            # --- initial objects: the sandbox's real values ------------------------------------
            sec = json.loads(self.kubectl(sb, "get", "secret", "jatos-secret", "-o", "json").stdout)
            self.assertEqual((sec["kind"], sec["apiVersion"], sec["type"]), ("Secret", "v1", "Opaque"))
            value = base64.b64decode(sec["data"]["JATOS_SECRET"]).decode()
            self.assertEqual(hashlib.sha256(value.encode()).hexdigest(), eff["jatos-1"]["secretSha256"])
            yaml = self.kubectl(sb, "get", "secret", "jatos-secret", "-o", "yaml").stdout
            self.assertIn("kind: Secret", yaml)
            self.assertIn("JATOS_SECRET: " + sec["data"]["JATOS_SECRET"], yaml)
            status, pw = self.api(sb, "GET", ns + "/secrets/mysql-pass")
            self.assertEqual(status, 200)
            self.assertEqual(sorted(pw["data"]), ["password"])
            status, cm = self.api(sb, "GET", ns + "/configmaps/jatos-config")
            self.assertEqual((status, cm["kind"]), (200, "ConfigMap"))
            self.assertEqual(cm["data"]["JATOS_MULTINODE"], "true")
            self.assertEqual(cm["data"]["JATOS_DB_URL"], eff["jatos-1"]["dbUrl"])
            self.assertEqual(cm["data"]["JATOS_DB_USERNAME"], "jatos")
            status, lst = self.api(sb, "GET", ns + "/secrets")
            self.assertEqual((status, lst["kind"]), (200, "SecretList"))
            self.assertEqual(sorted(i["metadata"]["name"] for i in lst["items"]), ["jatos-secret", "mysql-pass"])
            self.assertEqual(self.api(sb, "GET", ns + "/configmaps")[1]["kind"], "ConfigMapList")
            table = self.kubectl(sb, "get", "secrets,configmaps").stdout
            self.assertIn("jatos-secret", table)
            self.assertIn("Opaque", table)
            self.assertIn("jatos-config", table)
            self.assertEqual(self.api(sb, "GET", ns + "/secrets/nope")[0], 404)

            # --- PUT: stale resourceVersion -> 409; stringData merged into data -----------------
            stale = dict(sec)
            stale["metadata"] = dict(sec["metadata"], resourceVersion="1")
            status, st = self.api(sb, "PUT", ns + "/secrets/jatos-secret", stale)
            self.assertEqual((status, st["kind"], st["reason"], st["code"]), (409, "Status", "Conflict", 409))
            put = {"apiVersion": "v1", "kind": "Secret", "metadata": sec["metadata"], "type": "Opaque",
                   "data": sec["data"], "stringData": {"extra": "plain text"}}
            status, after_put = self.api(sb, "PUT", ns + "/secrets/jatos-secret", put)
            self.assertEqual(status, 200, after_put)
            self.assertEqual(after_put["data"]["extra"], b64("plain text"))
            self.assertNotIn("stringData", after_put)
            self.assertGreater(int(after_put["metadata"]["resourceVersion"]), int(sec["metadata"]["resourceVersion"]))
            # --- PATCH (merge, via raw HTTP) of the ConfigMap, kubectl patch of the Secret -------
            status, cm2 = self.api(sb, "PATCH", ns + "/configmaps/jatos-config", {"data": {"NOTE": "x"}},
                                   "application/merge-patch+json")
            self.assertEqual((status, cm2["data"]["NOTE"], cm2["data"]["JATOS_MULTINODE"]), (200, "x", "true"))
            new_secret = "rotated-by-kubectl-" + "s" * 40
            self.kubectl(sb, "patch", "secret", "jatos-secret", "-p",
                         json.dumps({"data": {"JATOS_SECRET": b64(new_secret)}}))
            rv_before = json.loads(self.kubectl(sb, "get", "secret", "jatos-secret", "-o", "json").stdout)
            self.kubectl(sb, "patch", "secret", "jatos-secret", "--type", "json", "-p",
                         json.dumps([{"op": "remove", "path": "/data/extra"}]))
            now = json.loads(self.kubectl(sb, "get", "secret", "jatos-secret", "-o", "json").stdout)
            self.assertEqual(base64.b64decode(now["data"]["JATOS_SECRET"]).decode(), new_secret)
            self.assertNotIn("extra", now["data"])
            self.assertGreater(int(now["metadata"]["resourceVersion"]), int(rv_before["metadata"]["resourceVersion"]))
            self.assertEqual(self.effective(sb), eff)          # running nodes keep what they took

            # --- scale to 0 and back: the new pods take the Secret -----------------------------
            self.kubectl(sb, "scale", "deployment", "jatos", "--replicas=0")
            wait_for(lambda: not sb.node_pids(1) and not sb.node_pids(2), 60, "both nodes to stop")
            self.kubectl(sb, "scale", "deployment", "jatos", "--replicas=2")
            wait_for(lambda: json.loads(self.kubectl(sb, "get", "deployment", "jatos", "-o", "json").stdout)
                     ["status"].get("readyReplicas", 0) == 2, 90, "2 ready replicas")
            after = self.effective(sb)
            for name in ("jatos-1", "jatos-2"):
                self.assertEqual(after[name]["secretSha256"], hashlib.sha256(new_secret.encode()).hexdigest())
                self.assertEqual(after[name]["dbUrl"], eff[name]["dbUrl"])
            # the Deployment names where the environment comes from
            dep = json.loads(self.kubectl(sb, "get", "deployment", "jatos", "-o", "json").stdout)
            env = {e["name"]: e["valueFrom"] for e in dep["spec"]["template"]["spec"]["containers"][0]["env"]}
            self.assertEqual(env["JATOS_SECRET"], {"secretKeyRef": {"name": "jatos-secret", "key": "JATOS_SECRET"}})
            self.assertEqual(os.stat(os.path.join(sb.dir, "k8s", "objects.json")).st_mode & 0o777, 0o600)


if __name__ == "__main__":
    unittest.main()
