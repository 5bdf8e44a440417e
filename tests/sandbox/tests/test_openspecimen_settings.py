#!/usr/bin/python3
"""OpenSpecimen's cluster JSON as a config setting (urllib against the simulated
nodes): the admin token header X-OS-API-TOKEN (401 with an error list without it),
GET of the setting, POST config-settings/files (multipart `file`) answering the stored
file name, PUT config-settings activating it (cluster.json replaced atomically), a
restart picking it up (effective.json's clusterJsonSha256 / clusterSecretSha256);
and effective.json of OpenSpecimen and Joget DX nodes at start."""

import hashlib
import json
import os
import sys
import unittest
import urllib.error
import urllib.request
import uuid

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from support import SANDBOX, Sandbox, SandboxTestCase, read, run  # noqa: E402

HEALTH = "rest/ng/config-settings/app-props"


def effective(sb):
    return json.loads(run([SANDBOX, "effective", "--dir", sb.dir]).stdout)


def secret_of(sb, name):
    """A sandbox secret from secrets.env, or the Secret Service."""
    key = "%s/%s" % (sb.state["id"], name)
    path = os.path.join(sb.dir, "secrets.env")
    if os.path.exists(path):
        for line in read(path).splitlines():
            if line.startswith(key + "="):
                return line.split("=", 1)[1]
    return run(["secret-tool", "lookup", "server", "clusterdesk", "user", key]).stdout


def call(url, method="GET", token=None, data=None, ctype=None):
    """(status, headers, body bytes)."""
    req = urllib.request.Request(url, data=data, method=method)
    if token is not None:
        req.add_header("X-OS-API-TOKEN", token)
    if ctype:
        req.add_header("Content-Type", ctype)
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


def multipart(field, filename, content):
    boundary = "----clusterdesk" + uuid.uuid4().hex
    body = ("--%s\r\nContent-Disposition: form-data; name=\"%s\"; filename=\"%s\"\r\n"
            "Content-Type: application/json\r\n\r\n" % (boundary, field, filename)).encode() + content + \
        ("\r\n--%s--\r\n" % boundary).encode()
    return body, "multipart/form-data; boundary=" + boundary


class OpenSpecimenSettings(SandboxTestCase):

    def test_cluster_json_upload_and_effective(self):
        with Sandbox("openspecimen", nodes=2, extra=["--warmup", "1"]) as sb:
            shared = sb.state["shared"]
            cluster_json = os.path.join(shared, "config-settings", "cluster.json")
            eff = effective(sb)
            e1 = eff["openspecimen-1"]
            for key in ("nodeName", "dbHost", "dbName", "dbUser", "dataDir", "jvmRoute", "clusterJsonSha256",
                        "clusterSecretSha256"):
                self.assertIn(key, e1)
            self.assertEqual((e1["nodeName"], e1["jvmRoute"], e1["dataDir"], e1["dbName"], e1["dbHost"]),
                             ("openspecimen-1", "openspecimen-1", shared, "openspecimen", "127.0.0.1"))
            with open(cluster_json, "rb") as f:
                original = f.read()
            self.assertEqual(e1["clusterJsonSha256"], hashlib.sha256(original).hexdigest())
            cluster_secret = secret_of(sb, "cluster-secret")
            self.assertEqual(e1["clusterSecretSha256"], hashlib.sha256(cluster_secret.encode()).hexdigest())
            self.assertNotIn(cluster_secret, json.dumps(eff))
            token = secret_of(sb, "os-admin-token")
            self.assertGreaterEqual(len(token), 32)

            base = sb.url(1, "rest/ng/config-settings")
            query = "?module=common&property=cluster_config"
            # the health endpoint needs no token; the settings API does
            self.assertEqual(call(sb.url(1, HEALTH))[0], 200)
            for bad in (None, "wrong-token"):
                status, headers, body = call(base + query, token=bad)
                self.assertEqual(status, 401)
                self.assertTrue(headers["Content-Type"].startswith("application/json"))
                err = json.loads(body)
                self.assertIsInstance(err, list)
                self.assertEqual(set(err[0]), {"code", "message"})
            status, _, body = call(base + query, token=token)
            self.assertEqual(status, 200)
            setting = json.loads(body)
            self.assertEqual(len(setting), 1)
            self.assertEqual((setting[0]["module"], setting[0]["name"], setting[0]["type"], setting[0]["value"]),
                             ("common", "cluster_config", "FILE", "cluster.json"))

            # upload a new cluster JSON on node 2, save the setting: the shared file is replaced
            new_doc = json.loads(original)
            new_doc["secret"] = "rotated-cluster-secret-" + uuid.uuid4().hex
            new_doc["notifTimeout"] = 90
            content = json.dumps(new_doc, indent=2).encode()
            body, ctype = multipart("file", "cluster.json", content)
            status, _, stored = call(sb.url(2, "rest/ng/config-settings/files") + query, "POST", token, body, ctype)
            self.assertEqual(status, 200, stored)
            stored = stored.decode()
            self.assertRegex(stored, r"^[0-9a-f-]{36}_cluster\.json$")
            self.assertEqual(read(cluster_json).encode(), original)        # not active before the PUT
            self.assertEqual(call(sb.url(2, "rest/ng/config-settings/files") + query, "POST", None, body,
                                  ctype)[0], 401)
            put = json.dumps({"module": "common", "name": "cluster_config", "value": stored}).encode()
            status, _, saved = call(base, "PUT", token, put, "application/json")
            self.assertEqual(status, 200, saved)
            self.assertEqual(json.loads(saved)["value"], stored)
            with open(cluster_json, "rb") as f:
                self.assertEqual(f.read(), content)
            self.assertEqual(os.stat(cluster_json).st_mode & 0o777, 0o600)
            self.assertEqual([n for n in os.listdir(os.path.dirname(cluster_json)) if ".tmp." in n], [])
            self.assertEqual(json.loads(call(sb.url(2, "rest/ng/config-settings") + query, token=token)[2])[0]
                             ["value"], stored)
            # a file that is no cluster JSON is refused and changes nothing
            body, ctype = multipart("file", "broken.json", b"not json")
            bad_name = call(sb.url(1, "rest/ng/config-settings/files") + query, "POST", token, body, ctype)[2]
            status, _, err = call(base, "PUT", token, json.dumps(
                {"module": "common", "name": "cluster_config", "value": bad_name.decode()}).encode(),
                "application/json")
            self.assertEqual(status, 400)
            self.assertIn("code", json.loads(err)[0])
            with open(cluster_json, "rb") as f:
                self.assertEqual(f.read(), content)

            # nodes read cluster.json at start: node 1 restarted sees it, node 2 not yet
            self.assertEqual(effective(sb)["openspecimen-1"], e1)
            inst = sb.install_dir(1)
            r = sb.ssh(1, "%s/bin/shutdown.sh && %s/bin/startup.sh" % (inst, inst))
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            sb.wait_healthy(1, HEALTH, timeout=30)
            after = effective(sb)
            self.assertEqual(after["openspecimen-1"]["clusterJsonSha256"], hashlib.sha256(content).hexdigest())
            self.assertEqual(after["openspecimen-1"]["clusterSecretSha256"],
                             hashlib.sha256(new_doc["secret"].encode()).hexdigest())
            self.assertEqual(after["openspecimen-2"], eff["openspecimen-2"])

    def test_joget_effective(self):
        with Sandbox("joget", nodes=1, extra=["--warmup", "1"]) as sb:
            e = effective(sb)["joget-1"]
            wflow = os.path.join(sb.state["shared"], "wflow")
            self.assertEqual((e["wflowName"], e["wflowHome"], e["jvmRoute"], e["workflowUser"]),
                             ("joget-1", wflow, "joget-1", "joget"))
            self.assertTrue(e["workflowUrl"].startswith("jdbc:mysql://127.0.0.1:%d/jwdb?" % sb.state["db"]["port"]))
            self.assertNotIn("workflowPassword", e)


if __name__ == "__main__":
    unittest.main()
