#!/usr/bin/python3
"""What diagnostics bundles need from the sandbox (subnet 93, or
$CLUSTERDESK_SANDBOX_SUBNET_DIAG): `fill-logs` grows every node's logs to the asked size
in the product's own line format and writes rotated .gz days with spread mtimes;
`plant-secrets` puts distinct values in every source a bundle reads from, and each
reported value is read back independently: files, /proc/<pid>/environ of the restarted
node, SQL through `clusterdesk-sandbox sql`, the Kubernetes API, the Compose .env."""

import base64
import datetime
import gzip
import json
import os
import re
import ssl
import sys
import time
import unittest
import urllib.request

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from support import SANDBOX, Sandbox, SandboxTestCase, read, run  # noqa: E402

ENV = dict(os.environ, CLUSTERDESK_SANDBOX_SUBNET=os.environ.get("CLUSTERDESK_SANDBOX_SUBNET_DIAG") or "93")
MB = 1024 * 1024

# one regular expression per log style (the products' own formats)
LINE = {
    "logback": re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} \[(INFO|DEBUG|WARN|ERROR)\] - \S* - .+$"),
    "loader": re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \[(INFO|WARN|ERROR)\] .+$"),
    "log4j-os": re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} (INFO |DEBUG|WARN |ERROR) \[[^\]]+\] \S+ - .+$"),
    "juli": re.compile(r"^\d\d-[A-Z][a-z]{2}-\d{4} \d\d:\d\d:\d\d\.\d{3} (INFO|WARNING|SEVERE|DEBUG) "
                       r"\[[^\]]+\] \S+ .+$"),
    "log4j-joget": re.compile(r"^(INFO |DEBUG|WARN |ERROR) \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d \S+  - .+$"),
}
# the first line of the sandbox's own start-up output that is not a log line (catalina.out, loader.log)
NOT_LOG = re.compile(r"^(Using CATALINA|Starting JATOS|To use JATOS|Tomcat started)")


def sandbox(sb_dir, *args):
    return run([SANDBOX] + list(args) + ["--dir", sb_dir], env=ENV)


def bad_lines(path, style):
    """Lines of the file that are not in the style's format (the start scripts' own output aside)."""
    with open(path, errors="strict") as f:
        return [line for line in f.read().splitlines()
                if not LINE[style].match(line) and not NOT_LOG.match(line)][:5]


def environ(pid):
    with open("/proc/%d/environ" % pid, "rb") as f:
        return dict(e.split("=", 1) for e in f.read().decode().split("\0") if "=" in e)


class K8s:
    def __init__(self, top):
        with open(os.path.join(top, "k8s", "server.json")) as f:
            self.port = json.load(f)["port"]
        with open(os.path.join(top, "k8s", "tokens.csv")) as f:
            self.token = f.readline().split(",")[0]
        self.ctx = ssl.create_default_context(cafile=os.path.join(top, "k8s", "ca.crt"))

    def get(self, path):
        req = urllib.request.Request("https://127.0.0.1:%d%s" % (self.port, path),
                                     headers={"Authorization": "Bearer " + self.token})
        with urllib.request.urlopen(req, context=self.ctx, timeout=10) as r:
            return json.loads(r.read())


class DiagnosticsSupport(SandboxTestCase):

    def check_fill(self, sb, mb, rotated):
        """fill-logs' report and the files on disk agree, in size and format."""
        out = json.loads(sandbox(sb.dir, "fill-logs", "--mb", str(mb), "--rotated", str(rotated),
                                 "--rotated-mb", "0.5").stdout)
        self.assertEqual(sorted(out["nodes"]), sorted(n["name"] for n in sb.state["nodes"]))
        today = datetime.date.today()
        for name, entry in out["nodes"].items():
            total = sum(os.path.getsize(x["path"]) for x in entry["logs"])
            self.assertGreaterEqual(total, mb * MB * 0.95, name)
            self.assertLessEqual(total, mb * MB * 1.10, name)
            for x in entry["logs"]:
                self.assertEqual(bad_lines(x["path"], x["style"]), [], x["path"])
            self.assertEqual(len(entry["rotated"]), rotated)
            style = entry["logs"][0]["style"]
            ages = []
            for k, r in enumerate(sorted(entry["rotated"], key=lambda r: -r["mtime"]), start=1):
                day = today - datetime.timedelta(days=k)
                self.assertIn(day.strftime("%Y-%m-%d"), os.path.basename(r["path"]))
                self.assertTrue(r["path"].endswith(".gz"))
                with gzip.open(r["path"], "rt") as f:
                    lines = f.read().splitlines()
                self.assertGreater(sum(len(x) + 1 for x in lines), 0.45 * MB)
                self.assertTrue(all(LINE[style].match(x) for x in lines), r["path"])
                stamp = day.strftime({"juli": "%d-%b-%Y", "log4j-joget": "%d %b %Y"}.get(style, "%Y-%m-%d"))
                self.assertIn(stamp, lines[0])
                self.assertIn(stamp, lines[-1])
                ages.append(time.time() - os.path.getmtime(r["path"]))
            # rotated at midnight: yesterday's within the last 24 h, older ones beyond it
            if ages:
                self.assertLess(ages[0], 86400)
                self.assertTrue(all(a >= 86400 * (k - 1) for k, a in enumerate(ages, start=1)), ages)
                self.assertEqual(ages, sorted(ages))
        return out

    def check_planted(self, sb, out):
        """Every reported value is where the report says; the planted ones are distinct."""
        values = out["values"]
        self.assertEqual(set(values), set(out["sources"]))
        planted = [s["value"] for s in out["sources"].values() if s["kind"] != "known"]
        self.assertEqual(len(planted), len(set(planted)))
        for v in planted:
            self.assertRegex(v, r"^[0-9a-f]{24}$")
            self.assertEqual([u for u in set(values.values()) if u != v and (v in u or u in v)], [])
        kinds = {}
        for source, s in out["sources"].items():
            kinds.setdefault(s["where"], []).append(source)
            if s["where"] in ("file", "log"):
                self.assertIn(s["value"], read(s["path"]), source)
            elif s["where"] == "rotated-log":
                with gzip.open(s["path"], "rt") as f:
                    self.assertIn(s["value"], f.read(), source)
            elif s["where"] == "env":
                self.assertIn('%s="%s"' % (s["variable"], s["value"]), read(s["path"]), source)
            elif s["where"] == "sql":
                self.assertIn(s["value"], sb.sql(s["query"]), source)
        for n in sb.state["nodes"]:
            mine = [s for s in out["sources"] if s.startswith(n["name"] + ":")]
            for what in ("conf/", ":log:", ":env:"):
                self.assertTrue(any(what in s for s in mine), "%s has no %s source" % (n["name"], what))
        self.assertIn("sql", kinds)
        self.assertIn("keychain:db-password", values)
        return kinds

    def test_jatos_hosts(self):
        with Sandbox("jatos", nodes=2, env=ENV) as sb:
            fill = self.check_fill(sb, 3, 3)
            before = {n["name"]: sb.node_pids(k) for k, n in enumerate(sb.state["nodes"], start=1)}
            out = json.loads(sandbox(sb.dir, "plant-secrets", "--json").stdout)
            kinds = self.check_planted(sb, out)
            self.assertEqual(len(kinds["rotated-log"]), 2)      # the newest rotated file of each node
            for name, entry in fill["nodes"].items():
                newest = max(entry["rotated"], key=lambda r: r["mtime"])
                self.assertEqual(os.path.getmtime(newest["path"]), newest["mtime"])     # kept
            # the restarted node processes carry the planted environment
            for k, n in enumerate(sb.state["nodes"], start=1):
                pids = sb.node_pids(k)
                self.assertEqual(len(pids), 1)
                self.assertNotEqual(pids, before[n["name"]])
                src = out["sources"]["%s:env:MAIL_SMTP_PASSWORD" % n["name"]]
                self.assertTrue(src["inProcess"])
                self.assertEqual(environ(pids[0]).get("MAIL_SMTP_PASSWORD"), src["value"])
            # the evolution's script holds its value, the columns a bundle reads do not
            src = out["sources"]["db:play_evolutions.apply_script"]
            self.assertNotIn(src["value"], sb.sql("SELECT id, hash, applied_at, state FROM play_evolutions"))
            self.assertIn(out["keychain"][sb.state["id"] + "/app-secret"],
                          read(os.path.join(sb.install_dir(1), "conf", "jatos.conf")))
            # plain output: source<TAB>value lines, new values on a second run
            again = sandbox(sb.dir, "plant-secrets", "--no-restart").stdout.splitlines()
            pairs = dict(line.split("\t") for line in again)
            self.assertEqual(set(pairs), set(out["values"]))
            self.assertNotEqual(pairs["jatos-1:env:MAIL_SMTP_PASSWORD"], out["values"]["jatos-1:env:MAIL_SMTP_PASSWORD"])

    def test_openspecimen_kubernetes(self):
        with Sandbox("openspecimen", nodes=1, extra=["--deployment", "kubernetes"], env=ENV) as sb:
            fill = self.check_fill(sb, 1, 2)
            rotated = fill["nodes"]["openspecimen-1"]["rotated"]
            self.assertTrue(all(os.path.basename(r["path"]).startswith("os.openspecimen-1.") for r in rotated))
            self.assertEqual(os.path.dirname(rotated[0]["path"]), os.path.join(sb.state["shared"], "logs"))
            out = json.loads(sandbox(sb.dir, "plant-secrets", "--json").stdout)
            self.check_planted(sb, out)
            self.assertFalse(out["sources"]["openspecimen-1:env:MAIL_SMTP_PASSWORD"]["inProcess"])
            api, ns = K8s(sb.dir), "/api/v1/namespaces/openspecimen"
            secret = api.get(ns + "/secrets/openspecimen-secret")["data"]
            self.assertEqual(base64.b64decode(secret["API_TOKEN"]).decode(),
                             out["values"]["k8s:Secret/openspecimen-secret:API_TOKEN"])
            self.assertEqual(base64.b64decode(secret["clusterSecret"]).decode(),
                             out["keychain"][sb.state["id"] + "/cluster-secret"])
            cm = api.get(ns + "/configmaps/openspecimen-mail")
            self.assertEqual(cm["data"]["MAIL_PASSWORD"], out["values"]["k8s:ConfigMap/openspecimen-mail:MAIL_PASSWORD"])
            want = {"name": "SMTP_PASSWORD", "value": out["values"]["k8s:Deployment/openspecimen:env:SMTP_PASSWORD"]}
            dep = api.get("/apis/apps/v1/namespaces/openspecimen/deployments/openspecimen")
            self.assertIn(want, dep["spec"]["template"]["spec"]["containers"][0]["env"])
            pods = api.get(ns + "/pods")["items"]
            self.assertEqual(len(pods), 1)
            self.assertIn(want, pods[0]["spec"]["containers"][0]["env"])
            self.assertIn("server.xml:Resource@password", " ".join(out["sources"]))
            self.assertNotIn(out["values"]["db:DATABASECHANGELOG.COMMENTS"], sb.sql("SELECT * FROM OS_UPGRADE_LOG"))

    def test_joget_compose(self):
        with Sandbox("joget", nodes=1, extra=["--deployment", "compose"], env=ENV) as sb:
            self.check_fill(sb, 1, 0)
            out = json.loads(sandbox(sb.dir, "plant-secrets", "--json").stdout)
            self.check_planted(sb, out)
            dotenv = read(os.path.join(sb.dir, "compose", ".env"))
            self.assertIn("SMTP_PASSWORD=%s\n" % out["values"]["compose:.env:SMTP_PASSWORD"], dotenv)
            self.assertNotIn(out["values"]["db:wf_setup.smtpPassword"],
                             sb.sql("SELECT property, value FROM wf_setup WHERE property LIKE 'node::%'"))
            self.assertEqual(out["values"]["shared:wflow/app_datasource-default.properties:workflowPassword"],
                             out["keychain"][sb.state["id"] + "/db-password"])


if __name__ == "__main__":
    unittest.main(verbosity=2)
