#!/usr/bin/python3
"""What diagnostics bundles need from the sandbox (subnet 93, or
$CLUSTERDESK_SANDBOX_SUBNET_DIAG): `fill-logs` grows every node's logs to the asked size
in the product's own line format and writes rotated .gz days with spread mtimes;
`plant-secrets` puts distinct values in every source a bundle reads from, and each
reported value is read back independently: files, /proc/<pid>/environ of the restarted
node, SQL through `clusterdesk-sandbox sql`, the Kubernetes API, the Compose .env.
The orchestrators serve the nodes' main product logs as the containers' output:
Kubernetes' `GET .../pods/NAME/log` (with urllib and with kubectl) and
`docker compose logs` over SSH, with their limits."""

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
import urllib.error
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

    def raw(self, path):
        """(status, Content-Type, body bytes), also for error answers."""
        req = urllib.request.Request("https://127.0.0.1:%d%s" % (self.port, path),
                                     headers={"Authorization": "Bearer " + self.token})
        try:
            with urllib.request.urlopen(req, context=self.ctx, timeout=30) as r:
                return r.status, r.headers.get("Content-Type"), r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.headers.get("Content-Type"), e.read()


def read_bytes(path):
    with open(path, "rb") as f:
        return f.read()


def local_time(line):
    """Epoch seconds of a logback / log4j line's leading timestamp (local time)."""
    return time.mktime(time.strptime(line[:19], "%Y-%m-%d %H:%M:%S"))


def where_in(body, path, size_before):
    """body is a run of whole lines of the (append-only) file at path that ends at or
    after the file's size before the request: the stream was the file's current end."""
    after = read_bytes(path)
    pos = after.rfind(body)
    if pos < 0 or (pos > 0 and after[pos - 1:pos] != b"\n") or pos + len(body) < size_before:
        return None
    return pos, after


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

    def test_kubernetes_pod_log(self):
        with Sandbox("jatos", nodes=2, extra=["--deployment", "kubernetes"], env=ENV) as sb:
            sandbox(sb.dir, "fill-logs", "--mb", "2")
            api, ns = K8s(sb.dir), "/api/v1/namespaces/jatos"
            pods = {p["spec"]["nodeName"]: p["metadata"]["name"] for p in api.get(ns + "/pods")["items"]}
            self.assertEqual(sorted(pods), ["jatos-1", "jatos-2"])
            path = os.path.join(sb.install_dir(2), "logs", "application.log")
            log = ns + "/pods/%s/log" % pods["jatos-2"]
            # the whole stream: the node's main log as it was (it only grows)
            size = os.path.getsize(path)
            code, ctype, body = api.raw(log)
            self.assertEqual((code, ctype), (200, "text/plain"))
            self.assertGreaterEqual(len(body), 1.5 * MB * 0.95)
            self.assertEqual(read_bytes(path)[:len(body)], body)
            self.assertGreaterEqual(len(body), size)
            # another pod's stream is its own node's file
            code, _, other = api.raw(ns + "/pods/%s/log?limitBytes=4096" % pods["jatos-1"])
            self.assertEqual(other, read_bytes(os.path.join(sb.install_dir(1), "logs", "application.log"))[:4096])
            self.assertNotEqual(other, body[:4096])
            # limitBytes: the first N bytes
            code, _, head = api.raw(log + "?limitBytes=1000&container=jatos")
            self.assertEqual((code, head), (200, body[:1000]))
            # tailLines: the last N whole lines, up to the end of the file at the request
            size = os.path.getsize(path)
            code, _, tail = api.raw(log + "?tailLines=5")
            self.assertEqual(code, 200)
            self.assertEqual(tail.count(b"\n"), 5)
            self.assertTrue(tail.endswith(b"\n"))
            self.assertIsNotNone(where_in(tail, path, size))
            # tailLines first, then limitBytes cuts: 300 bytes from the start of the 100th last line
            size = os.path.getsize(path)
            code, _, cut = api.raw(log + "?tailLines=100&limitBytes=300")
            self.assertEqual((code, len(cut)), (200, 300))
            pos, after = where_in(cut, path, 0)
            self.assertGreaterEqual(after.count(b"\n", pos), 100)
            self.assertLessEqual(after.count(b"\n", pos, size), 100)
            # sinceSeconds: only lines of the last 10 minutes (fill-logs spread today's lines up to now;
            # the node's own start-up lines before them are recent too), in the file's order
            before = read_bytes(path).decode().splitlines()
            started = time.time()
            code, _, recent = api.raw(log + "?sinceSeconds=600")
            lines = recent.decode().splitlines()
            self.assertEqual(code, 200)
            self.assertLess(len(recent), len(body) / 2)
            self.assertTrue(all(local_time(x) >= started - 602 for x in lines), lines[:2])
            inside = [x for x in before if local_time(x) >= started - 598]
            self.assertGreater(len(inside), 10)
            self.assertEqual([x for x in lines if x in set(inside)], inside)
            # timestamps: RFC 3339 time, a space, the line
            code, _, stamped = api.raw(log + "?tailLines=3&timestamps=true")
            rows = stamped.decode().splitlines()
            self.assertEqual(len(rows), 3)
            for row in rows:
                stamp, _, line = row.partition(" ")
                self.assertRegex(stamp, r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")
                self.assertIn(line.encode() + b"\n", read_bytes(path))
                t = time.mktime(time.strptime(stamp[:19], "%Y-%m-%dT%H:%M:%S")) - time.timezone
                self.assertLess(abs(t - local_time(line)), 1.01)
            # errors, as the real API server answers them
            code, ctype, err = api.raw(log + "?container=mysql")
            status = json.loads(err)
            self.assertEqual((code, ctype, status["kind"], status["reason"], status["code"]),
                             (400, "application/json", "Status", "BadRequest", 400))
            self.assertEqual(status["message"], "container mysql is not valid for pod %s" % pods["jatos-2"])
            code, _, err = api.raw(ns + "/pods/jatos-nope-x1/log")
            status = json.loads(err)
            self.assertEqual((code, status["reason"], status["message"]),
                             (404, "NotFound", 'pods "jatos-nope-x1" not found'))
            code, _, err = api.raw(log + "?limitBytes=0")
            self.assertEqual((code, json.loads(err)["reason"]), (422, "Invalid"))
            # kubectl reads it as from a real cluster
            kubectl = run(["kubectl", "--kubeconfig", os.path.join(sb.dir, "kubeconfig"), "-n", "jatos", "logs",
                           pods["jatos-1"], "--tail=4"])
            self.assertEqual(len(kubectl.stdout.splitlines()), 4)
            self.assertIn(kubectl.stdout.encode(), read_bytes(os.path.join(sb.install_dir(1), "logs",
                                                                           "application.log")))

    def test_compose_logs(self):
        with Sandbox("openspecimen", nodes=2, extra=["--deployment", "compose"], env=ENV) as sb:
            sandbox(sb.dir, "fill-logs", "--mb", "1")
            logs = {k: os.path.join(sb.state["shared"], "logs", "os.openspecimen-%d.log" % k) for k in (1, 2)}
            compose = "docker compose --project-directory %s logs " % os.path.join(sb.dir, "compose")

            def split(stdout):
                """{container: [line, ...]} in the order the lines came; the names' order."""
                out, order = {}, []
                for row in stdout.splitlines():
                    m = re.match(r"^(\S+)( +)\| (.*)$", row)
                    self.assertIsNotNone(m, row)
                    self.assertEqual(len(m.group(1)) + len(m.group(2)), len("compose-openspecimen-1") + 2, row)
                    if m.group(1) not in out:
                        order.append(m.group(1))
                    out.setdefault(m.group(1), []).append(m.group(3))
                return out, order

            # --tail N per container, in container order, from each node's main log
            sizes = {k: os.path.getsize(p) for k, p in logs.items()}
            r = sb.ssh(1, compose + "--no-color --tail 7 openspecimen")
            self.assertEqual(r.returncode, 0, r.stderr)
            got, order = split(r.stdout)
            self.assertEqual(order, ["compose-openspecimen-1", "compose-openspecimen-2"])
            for k in (1, 2):
                lines = got["compose-openspecimen-%d" % k]
                self.assertEqual(len(lines), 7)
                self.assertIsNotNone(where_in(("\n".join(lines) + "\n").encode(), logs[k], sizes[k]))
            # everything: each container's whole file
            r = sb.ssh(1, compose + "--no-color")
            self.assertEqual(r.returncode, 0, r.stderr)
            got, _ = split(r.stdout)
            for k in (1, 2):
                whole = ("\n".join(got["compose-openspecimen-%d" % k]) + "\n").encode()
                self.assertGreaterEqual(len(whole), 0.7 * MB)
                self.assertEqual(read_bytes(logs[k])[:len(whole)], whole)
            # -t: Docker's timestamp after the prefix
            r = sb.ssh(1, compose + "--no-color -t --tail 2 openspecimen")
            got, _ = split(r.stdout)
            for lines in got.values():
                self.assertEqual(len(lines), 2)
                for line in lines:
                    self.assertRegex(line, r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z \d{4}-\d\d-\d\d ")
            # an unknown service: the same error as the other commands
            r = sb.ssh(1, compose + "nope")
            self.assertEqual((r.returncode, r.stdout, r.stderr.strip()), (1, "", "no such service: nope"))
            r = sb.ssh(1, compose.replace("logs ", "ps ") + "nope")
            self.assertEqual(r.stderr.strip(), "no such service: nope")


if __name__ == "__main__":
    unittest.main(verbosity=2)
