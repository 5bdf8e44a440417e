#!/usr/bin/python3
"""The real `clusterdesk-cli diagnostics` against sandbox clusters (subnet 92, or
$CLUSTERDESK_SANDBOX_SUBNET_DIAG_E2E): the bundle of JATOS, OpenSpecimen and Joget on
hosts (3 nodes, logs filled with `fill-logs`, secrets planted with `plant-secrets`),
of JATOS on Kubernetes and Joget on Compose; a node whose SSH is gone; --mask-hosts;
runs that must leave nothing behind (an --out folder that does not exist, SIGTERM and
SIGINT in the middle of a big log). Every claim is judged from outside the CLI: the zip
itself (`unzip -t`, every entry decompressed), the manifest against the stored bytes,
the nodes' files on disk, SQL, the Kubernetes API, and every value plant-secrets
reported (known, pattern and excluded alike), which must not reach the bundle in raw,
base64 or percent-encoded form.

Needs the Secret Service for the sandbox's secrets: run it under
tests/scripts/with-keyring.sh (as CTest does); without one, the tests are skipped.
Each test gets its own XDG_DATA_HOME and its own --out folder. CLUSTERDESK_DIAG_KEEP=DIR keeps a
copy of every bundle (and the --json report) in DIR/<test name>/ to look at."""

import base64
import gzip
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.parse
import zipfile

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from orchestrator_support import OrchestratorTestCase, OwnSandbox  # noqa: E402
from support import SANDBOX, cli_path, run, wait_for  # noqa: E402

ENV = dict(os.environ, CLUSTERDESK_SANDBOX_SUBNET=os.environ.get("CLUSTERDESK_SANDBOX_SUBNET_DIAG_E2E") or "92")
CLI = cli_path()
MIB = 1024 * 1024
BUNDLE_RE = re.compile(r"^clusterdesk-diagnostics-(.+)-(\d{8}T\d{6}Z)\.zip$")
MARKER = re.compile(rb"\[REDACTED:[^\]\n]*\]")
# what the presets name: the main log first, the second log, the configuration files
LOGS = {"jatos": ("application.log", "loader.log"), "openspecimen": (None, "catalina.out"),
        "joget": ("joget.log", "catalina.out")}
CONFIGS = {"jatos": ("jatos.conf",), "openspecimen": ("openspecimen.properties",),
           "joget": ("app_datasource.properties", "app_datasource-default.properties")}


def main_log_name(product, node):
    return "os.%s.log" % node if product == "openspecimen" else LOGS[product][0]


def encodings(value):
    """The forms of a secret that must not appear: raw, base64 (standard and URL-safe,
    with and without padding), percent-encoded (both styles)."""
    raw = value.encode()
    forms = {raw, base64.b64encode(raw), base64.urlsafe_b64encode(raw),
             base64.b64encode(raw).rstrip(b"="), urllib.parse.quote(value, safe="").encode(),
             urllib.parse.quote_plus(value).encode(), urllib.parse.quote(value).encode()}
    return {f for f in forms if len(f) >= 8}


def pattern_of(line):
    """A regular expression matching `line` (bytes) of a bundle in the original file:
    each redaction marker stands for any text without a line break."""
    parts = MARKER.split(line)
    return re.compile(b"(?m)^" + b".+?".join(re.escape(p) for p in parts) + b"$")


class Bundle:
    """An opened bundle: the zip's entries (decompressed) under their names relative to
    the top folder, and its manifest."""

    def __init__(self, test, path):
        self.path = path
        self.top = os.path.basename(path)[:-len(".zip")]
        r = run(["unzip", "-t", "-qq", path], check=False)
        test.assertEqual(r.returncode, 0, "unzip -t failed:\n%s%s" % (r.stdout, r.stderr))
        self.entries = {}
        with zipfile.ZipFile(path) as z:
            for info in z.infolist():
                if info.is_dir():
                    continue
                test.assertTrue(info.filename.startswith(self.top + "/"), info.filename)
                self.entries[info.filename[len(self.top) + 1:]] = z.read(info)
        test.assertIn("manifest.json", self.entries)
        self.manifest = json.loads(self.entries["manifest.json"])

    def json(self, name):
        return json.loads(self.entries[name])

    def names(self, prefix=""):
        return sorted(n for n in self.entries if n.startswith(prefix))


class Diagnostics(OrchestratorTestCase):
    NAME = "diagnostics"
    ENV = ENV

    def setUp(self):
        if not CLI:
            self.skipTest("no clusterdesk-cli: set CLUSTERDESK_CLI or build build/default")
        self.tmp = tempfile.mkdtemp(prefix="cd-diagnostics-test-")
        self.addCleanup(shutil.rmtree, self.tmp, True)
        self.xdg = os.path.join(self.tmp, "xdg")
        self.out = os.path.join(self.tmp, "out")
        os.makedirs(self.out)

    # --- helpers --------------------------------------------------------------------------
    def sandbox(self, product, nodes=3, extra=()):
        return OwnSandbox(self.NAME, product, nodes=nodes, env=ENV,
                          extra=["--warmup", "1", "--trust-host-keys"] + list(extra))

    def entered(self, sb):
        """Called first inside `with`: the CLI reads the secrets from the keychain."""
        if os.path.exists(os.path.join(sb.dir, "secrets.env")):
            self.skipTest("no Secret Service: run under tests/scripts/with-keyring.sh")
        return sb

    def tool(self, sb, *args):
        return run([SANDBOX] + list(args) + ["--dir", sb.dir], env=ENV, timeout=600)

    def plant(self, sb):
        return json.loads(self.tool(sb, "plant-secrets", "--json").stdout)

    def args(self, sb, *more, out=None, profile=None):
        return [CLI, "diagnostics", "--profile", profile or os.path.join(sb.dir, "profile.json"),
                "--out", out or self.out, "--json"] + list(more)

    def cli(self, args, timeout=600):
        """(exit code, the --json report or None, a transcript for messages)."""
        r = subprocess.run(args, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL,
                           env=dict(ENV, XDG_DATA_HOME=self.xdg))
        text = "$ %s\nexit %d\nstdout:\n%s\nstderr:\n%s" % (" ".join(args), r.returncode, r.stdout[-6000:],
                                                          r.stderr[-6000:])
        try:
            report = json.loads(r.stdout)
        except ValueError:
            report = None
        return r.returncode, report, text

    def diagnose(self, sb, *more):
        """Runs the CLI, expects exit 0 and one bundle in the --out folder; returns (report, Bundle)."""
        rc, report, text = self.cli(self.args(sb, *more))
        self.assertEqual(rc, 0, text)
        self.assertIsInstance(report, dict, text)
        files = os.listdir(self.out)
        self.assertEqual(len(files), 1, "the --out folder holds %s\n%s" % (files, text))
        self.assertRegex(files[0], BUNDLE_RE)
        self.assertEqual(os.path.realpath(report["path"]), os.path.realpath(os.path.join(self.out, files[0])))
        for key in ("archiveBytes", "contentBytes", "entries", "elapsedMs", "failures", "redaction", "hostMap"):
            self.assertIn(key, report, text)
        self.assertEqual(report["archiveBytes"], os.path.getsize(report["path"]))
        if os.environ.get("CLUSTERDESK_DIAG_KEEP"):       # keep the bundles to look at them
            keep = os.path.join(os.environ["CLUSTERDESK_DIAG_KEEP"], self.id().rsplit(".", 1)[-1])
            os.makedirs(keep, exist_ok=True)
            shutil.copy(report["path"], keep)
            with open(os.path.join(keep, "report.json"), "w") as f:
                json.dump(report, f, indent=2)
        bundle = Bundle(self, report["path"])
        self.assertEqual(report["entries"], len(bundle.entries), text)
        self.check_manifest(bundle)
        return report, bundle

    def check_manifest(self, bundle):
        """Its keys; every entry but itself listed with the size and SHA-256 of the stored
        bytes; no keychain reference anywhere."""
        m = bundle.manifest
        for key in ("format", "clusterdesk", "created", "cluster", "product", "deployment", "options", "profile",
                    "sources", "files", "failures", "redaction", "hostsMasked"):
            self.assertIn(key, m)
        self.assertIn("version", m["clusterdesk"])
        for s in m["sources"]:
            self.assertEqual(set(s) >= {"name", "ok", "detail"}, True, s)
        listed = {}
        for f in m["files"]:
            name = f["name"][len(bundle.top) + 1:] if f["name"].startswith(bundle.top + "/") else f["name"]
            listed[name] = f
        self.assertEqual(sorted(listed), sorted(n for n in bundle.entries if n != "manifest.json"))
        for name, f in listed.items():
            data = bundle.entries[name]
            self.assertEqual(f["size"], len(data), name)
            self.assertEqual(f["sha256"], hashlib.sha256(data).hexdigest(), name)
        self.assertNotIn("keychain", json.dumps(m["profile"]))
        for name, data in bundle.entries.items():
            self.assertNotIn(b'"keychain"', data, name)
        for name in ("README.txt", "cluster/status.json", "cluster/config-checks.json"):
            self.assertIn(name, bundle.entries, "%s missing; the manifest's sources: %s; failures: %s"
                          % (name, m["sources"], m["failures"]))

    def assert_no_secrets(self, bundle, planted):
        """None of plant-secrets' values (every kind) in any entry, in any of its forms."""
        leaks = []
        for source, value in sorted(planted["values"].items()):
            forms = encodings(value)
            for name, data in bundle.entries.items():
                for form in forms:
                    if form in data:
                        leaks.append("%s (%s) in %s as %r" % (source, planted["sources"][source]["kind"], name,
                                                               form.decode()))
        self.assertEqual(leaks, [], "secrets in the bundle")

    def assert_tail_of(self, entry, path, size_before, what):
        """The entry's last line is a line of the file at path (modulo redaction) that was
        written before the bundle's run ended: at or after the size the file had before."""
        last = entry.rstrip(b"\n").rsplit(b"\n", 1)[-1]
        self.assertTrue(last, what)
        with open(path, "rb") as f:
            data = f.read()
        start = max(0, data.rfind(b"\n", 0, max(0, size_before - 1)) + 1)
        rx = pattern_of(last)
        self.assertIsNotNone(rx.search(data, start), "%s: the last line %r is not among the file's last lines"
                             % (what, last[:200]))

    # --- 1. every product on hosts ----------------------------------------------------------
    def check_hosts(self, product):
        with self.sandbox(product, 3) as sb:
            self.entered(sb)
            fill = json.loads(self.tool(sb, "fill-logs", "--mb", "3", "--rotated", "3").stdout)
            planted = self.plant(sb)
            state = sb.state
            sizes = {x["path"]: os.path.getsize(x["path"]) for entry in fill["nodes"].values()
                     for x in entry["logs"]}
            # --since 24h keeps exactly the newest rotated day (fill-logs' mtimes: 00:00:01 after each day)
            report, bundle = self.diagnose(sb, "--since", "24h", "--max-log-mb", "1")
            self.assert_no_secrets(bundle, planted)
            self.assertGreater(report["redaction"]["total"], 0)
            self.assertGreater(bundle.manifest["redaction"]["total"], 0)
            self.assertEqual(bundle.manifest["failures"], [], bundle.manifest["failures"])
            self.assertEqual(report["failures"], [])
            for n in state["nodes"]:
                name = n["name"]
                base = "nodes/%s/" % name
                for part in ("status.json", "system.txt", "ssh-host-key.txt"):
                    self.assertIn(base + part, bundle.entries)
                # logs: the last MiB (plus at most one line), ending where the file ends
                main = main_log_name(product, name)
                for log in (main, LOGS[product][1]):
                    entry = bundle.entries.get(base + "logs/" + log)
                    self.assertIsNotNone(entry, "%s missing; the bundle holds %s" % (base + "logs/" + log,
                                                                                     bundle.names(base)))
                    self.assertLessEqual(len(entry), MIB + 4096, log)
                    self.assertGreater(len(entry), MIB // 2, log)
                    path = next(x["path"] for x in fill["nodes"][name]["logs"] if os.path.basename(x["path"]) == log)
                    self.assert_tail_of(entry, path, sizes[path], base + "logs/" + log)
                    self.assertRegex(entry, MARKER, "no redaction in %s" % log)     # planted lines at the end
                # the rotated days: the newest one (decompressed), not the older ones
                rotated = sorted(fill["nodes"][name]["rotated"], key=lambda r: -r["mtime"])
                newest = base + "logs/rotated/" + os.path.basename(rotated[0]["path"])[:-len(".gz")]
                self.assertIn(newest, bundle.entries, bundle.names(base))
                self.assertRegex(bundle.entries[newest], MARKER)
                with gzip.open(rotated[0]["path"]) as f:
                    original = f.read()
                last = bundle.entries[newest].rstrip(b"\n").rsplit(b"\n", 1)[-1]
                self.assertIsNotNone(pattern_of(last).search(original), newest)
                for older in rotated[1:]:
                    self.assertNotIn(base + "logs/rotated/" + os.path.basename(older["path"])[:-len(".gz")],
                                     bundle.entries)
                # configuration files
                for conf in CONFIGS[product]:
                    self.assertIn(base + "config/" + conf, bundle.entries, bundle.names(base))
            planted_conf = {"jatos": "jatos.conf", "openspecimen": "openspecimen.properties",
                            "joget": "app_datasource-default.properties"}[product]
            self.assertRegex(bundle.entries["nodes/%s/config/%s" % (state["nodes"][0]["name"], planted_conf)],
                             MARKER)
            # the database: the product's bookkeeping rows, never the columns it must not read
            for part in ("server.json", "schema-history.json", "replication.json"):
                self.assertIn("database/" + part, bundle.entries)
            history = bundle.entries["database/schema-history.json"].decode()
            json.loads(history)
            if product == "jatos":
                ids = set(sb.sql("SELECT id FROM play_evolutions").split())
                self.assertEqual(ids, {str(i) for i in range(1, len(ids) + 1)})
                found = {str(r.get("id")) for r in rows_of(json.loads(history))}
                self.assertEqual(ids - found, set(), history[:2000])
                self.assertNotIn("apply_script", history)
            elif product == "openspecimen":
                for v in sb.sql("SELECT VERSION FROM OS_UPGRADE_LOG").split():
                    self.assertIn(v, history)
            else:
                for n in state["nodes"]:
                    self.assertIn("node::" + n["name"], history)

    def test_jatos_hosts(self):
        self.check_hosts("jatos")

    def test_openspecimen_hosts(self):
        self.check_hosts("openspecimen")

    def test_joget_hosts(self):
        self.check_hosts("joget")

    # --- 2. orchestrators -------------------------------------------------------------------
    def test_jatos_kubernetes(self):
        with self.sandbox("jatos", 2, ["--deployment", "kubernetes"]) as sb:
            self.entered(sb)
            planted = self.plant(sb)
            report, bundle = self.diagnose(sb)
            self.assert_no_secrets(bundle, planted)
            self.assertIn("k8s:Secret/jatos-secret:API_TOKEN", planted["values"])
            for part in ("deployment.json", "pods.json", "events.json"):
                self.assertIn("kubernetes/" + part, bundle.entries, bundle.names("kubernetes/"))
            if sb.profile["deployment"].get("hpa"):
                self.assertIn("kubernetes/hpa.json", bundle.entries)
            dep = bundle.json("kubernetes/deployment.json")
            envs = []
            walk(dep, lambda k, v: envs.extend(v) if k == "env" and isinstance(v, list) else None)
            smtp = [e for e in envs if isinstance(e, dict) and e.get("name") == "SMTP_PASSWORD"]
            self.assertTrue(smtp, "no SMTP_PASSWORD env entry in kubernetes/deployment.json")
            for e in smtp:
                self.assertNotEqual(e.get("value"), planted["values"]["k8s:Deployment/jatos:env:SMTP_PASSWORD"])
                self.assertIn("[REDACTED:", str(e.get("value")))
            code, pods = self.api(sb, "GET", "/api/v1/namespaces/jatos/pods")
            self.assertEqual(code, 200)
            for p in pods["items"]:
                name = "kubernetes/logs/%s/%s.log" % (p["metadata"]["name"], p["spec"]["containers"][0]["name"])
                self.assertIn(name, bundle.entries, bundle.names("kubernetes/"))
                log = bundle.entries[name]
                self.assertGreater(len(log), 0)
                k = int(p["spec"]["nodeName"].rsplit("-", 1)[1])
                with open(os.path.join(sb.install_dir(k), "logs", "application.log"), "rb") as f:
                    original = f.read()
                first = log.split(b"\n", 1)[0]
                self.assertIsNotNone(pattern_of(first).search(original), name)
                self.assertRegex(log, MARKER)       # the planted log lines, redacted

    def test_joget_compose(self):
        with self.sandbox("joget", 2, ["--deployment", "compose"]) as sb:
            self.entered(sb)
            planted = self.plant(sb)
            report, bundle = self.diagnose(sb)
            self.assert_no_secrets(bundle, planted)
            for part in ("ps.json", "env", "logs.txt"):
                self.assertIn("compose/" + part, bundle.entries, bundle.names("compose/"))
            env = bundle.entries["compose/env"].decode()
            self.assertRegex(env, r"(?m)^SMTP_PASSWORD=.*\[REDACTED:")
            self.assertIn("JOGET_IMAGE=", env)
            logs = bundle.entries["compose/logs.txt"].decode()
            for k in (1, 2):
                self.assertRegex(logs, r"(?m)^\S*joget-%d +\| " % k)
            self.assertRegex(logs, r"\[REDACTED:")

    # --- 3. a node whose SSH is gone ----------------------------------------------------------
    def test_dead_node(self):
        with self.sandbox("jatos", 3) as sb:
            self.entered(sb)
            self.tool(sb, "fill-logs", "--mb", "1")
            sb.fault("jatos-2", "ssh-down")
            try:
                report, bundle = self.diagnose(sb, "--max-log-mb", "1")
            finally:
                sb.fault("jatos-2", "clear")
            failures = bundle.manifest["failures"]
            mine = [f for f in failures if "jatos-2" in json.dumps(f)]
            self.assertTrue(mine, "no failure names jatos-2: %s" % failures)
            for f in mine:
                self.assertTrue(set(f) >= {"source", "item", "reason"}, f)
                self.assertTrue(f["reason"], f)
            self.assertFalse([f for f in failures if "jatos-1" in json.dumps(f) or "jatos-3" in json.dumps(f)],
                             failures)
            self.assertTrue([f for f in report["failures"] if "jatos-2" in json.dumps(f)], report["failures"])
            for name in ("jatos-1", "jatos-3"):
                self.assertIn("nodes/%s/logs/application.log" % name, bundle.entries)
            self.assertNotIn("nodes/jatos-2/logs/application.log", bundle.entries)

    # --- 4. --mask-hosts ----------------------------------------------------------------------
    def test_mask_hosts(self):
        with self.sandbox("jatos", 2) as sb:
            self.entered(sb)
            state = sb.state
            report, bundle = self.diagnose(sb, "--mask-hosts", "--max-log-mb", "1")
            self.assertTrue(bundle.manifest["hostsMasked"])
            host_map = report["hostMap"]
            self.assertTrue(host_map and os.path.isfile(host_map), report)
            self.addCleanup(lambda: os.path.exists(host_map) and os.remove(host_map))
            self.assertFalse(os.path.realpath(host_map).startswith(os.path.realpath(self.out) + os.sep), host_map)
            with open(host_map, "rb") as f:
                map_bytes = f.read()
            hidden = [n["name"] for n in state["nodes"]] + [n["address"] for n in state["nodes"]]
            for h in hidden:
                self.assertIn(h.encode(), map_bytes, "the host map does not name %s" % h)
            loopback = re.compile(rb"(?<![\d.])127\.\d{1,3}\.\d{1,3}\.\d{1,3}(?![\d])")
            shown = []
            for name, data in bundle.entries.items():
                for h in hidden:
                    if h in name or h.encode() in data:
                        shown.append("%s in %s" % (h, name))
                for m in sorted(set(loopback.findall(data))):       # the database's 127.0.0.1 too
                    shown.append("%s in %s" % (m.decode(), name))
                self.assertNotEqual(data, map_bytes, name)
                self.assertNotEqual(os.path.basename(name), os.path.basename(host_map), name)
            self.assertEqual(shown, [])

    # --- 5. runs that leave nothing ---------------------------------------------------------
    def test_nothing_left(self):
        with self.sandbox("jatos", 2) as sb:
            self.entered(sb)
            # an --out folder that does not exist: exit 1, nothing created
            missing = os.path.join(self.tmp, "no-such-folder")
            rc, _, text = self.cli(self.args(sb, out=missing))
            self.assertEqual(rc, 1, text)
            self.assertFalse(os.path.exists(missing))
            self.assertEqual(sorted(os.listdir(self.tmp)), sorted(x for x in ("out", "xdg")
                                                                  if os.path.exists(os.path.join(self.tmp, x))))
            self.assertEqual(os.listdir(self.out), [])
            # a big log; SIGTERM, then SIGINT, while the CLI is writing: no bundle, no temporary file
            self.tool(sb, "fill-logs", "--mb", "120")
            for sig in (signal.SIGTERM, signal.SIGINT):
                out = os.path.join(self.tmp, "out-%d" % sig)
                os.makedirs(out)
                logs = tempfile.TemporaryFile(dir=self.tmp)
                began, seen = time.monotonic(), None
                proc = subprocess.Popen(self.args(sb, "--max-log-mb", "200", out=out), stdin=subprocess.DEVNULL,
                                        stdout=logs, stderr=subprocess.STDOUT, env=dict(ENV, XDG_DATA_HOME=self.xdg))
                try:
                    wait_for(lambda: proc.poll() is not None or writing_into(proc.pid, out), 120,
                             "the CLI to write into %s" % out, 0.01)
                    seen = time.monotonic() - began
                    self.assertIsNone(proc.poll(), "the CLI finished before it could be interrupted")
                    proc.send_signal(sig)
                    rc = proc.wait(60)
                finally:
                    if proc.poll() is None:
                        proc.kill()
                        proc.wait(10)
                    logs.seek(0)
                    err = "writing seen after %s s, %s sent then; the CLI ended after %.2f s; its output:\n%s" % (
                        seen and round(seen, 2), sig.name, time.monotonic() - began,
                        logs.read().decode(errors="replace")[-3000:])
                    logs.close()
                self.assertEqual(os.listdir(out), [], "%s left files (exit %d)\n%s" % (sig.name, rc, err))
                self.assertNotEqual(rc, 0, "%s: exit 0, which says a bundle was written\n%s" % (sig.name, err))


def writing_into(pid, folder):
    """Whether process pid has a file under folder open (the bundle being written)."""
    fd_dir = "/proc/%d/fd" % pid
    try:
        fds = os.listdir(fd_dir)
    except OSError:
        return False
    real = os.path.realpath(folder) + os.sep
    for fd in fds:
        try:
            target = os.readlink(os.path.join(fd_dir, fd))
        except OSError:
            continue
        if target.startswith(real):
            return True
    return bool(os.listdir(folder))


def rows_of(doc):
    """Every row of a JSON document as a dict: objects as they are, and the rows of
    tables given as {"columns": [...], "rows": [[...], ...]}."""
    out = []

    def visit(node):
        if isinstance(node, dict):
            cols, rows = node.get("columns"), node.get("rows")
            if isinstance(cols, list) and isinstance(rows, list):
                out.extend(dict(zip(cols, r)) for r in rows if isinstance(r, list))
                out.extend(r for r in rows if isinstance(r, dict))
            else:
                out.append(node)
            for v in node.values():
                visit(v)
        elif isinstance(node, list):
            for v in node:
                visit(v)
    visit(doc)
    return out


def walk(doc, visit):
    """Calls visit(key, value) for every key of every object in a JSON document."""
    if isinstance(doc, dict):
        for k, v in doc.items():
            visit(k, v)
            walk(v, visit)
    elif isinstance(doc, list):
        for v in doc:
            walk(v, visit)


if __name__ == "__main__":
    unittest.main(verbosity=2)
