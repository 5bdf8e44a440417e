#!/usr/bin/python3
"""The nodes' behaviour at start, driven over real SSH with the presets' commands:
JATOS refuses a schema newer than it knows (exit status, log line, no process),
refuses multi-node mode on H2, and migrates forward after an upgrade installed from
a make-release package; OpenSpecimen appends to OS_UPGRADE_LOG on upgrade and
refuses a newer schema."""

import json
import os
import sys
import tarfile
import unittest
import zipfile

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from support import SANDBOX, Sandbox, SandboxTestCase, http_get, read, run, wait_for  # noqa: E402


class Schema(SandboxTestCase):

    def stop_node(self, sb, k, cmd):
        r = sb.ssh(k, cmd)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual(sb.node_pids(k), [])

    def test_jatos_refuses_newer_schema_and_h2(self):
        with Sandbox("jatos", nodes=2, extra=["--warmup", "0"]) as sb:
            inst = sb.install_dir(1)
            self.stop_node(sb, 1, inst + "/loader.sh stop")
            self.assertNotEqual(http_get(sb.url(1, "ping"), 1)[0], 200)
            # a newer JATOS has been here: evolution 24
            sb.sql("INSERT INTO play_evolutions (id, hash, applied_at, apply_script, revert_script, state, "
                   "last_problem) VALUES (24, 'x', NOW(), '', '', 'applied', '')")
            r = sb.ssh(1, inst + "/loader.sh start")
            self.assertNotEqual(r.returncode, 0, r.stdout)
            self.assertIn("newer", r.stderr)
            with open(os.path.join(inst, "logs", "application.log")) as f:
                log = f.read()
            self.assertRegex(log, r"\[ERROR\] - .* evolution 24, but JATOS 3\.10\.4 knows evolutions up to 23")
            self.assertEqual(sb.node_pids(1), [])
            self.assertFalse(os.path.exists(os.path.join(inst, "RUNNING_PID")))
            # the preset's running command agrees
            running = 'test -f {d}/RUNNING_PID && kill -0 "$(cat {d}/RUNNING_PID)"'.format(d=inst)
            self.assertNotEqual(sb.ssh(1, running).returncode, 0)
            sb.sql("DELETE FROM play_evolutions WHERE id = 24")

            # multi-node on H2: the configuration check refuses
            conf = os.path.join(inst, "conf", "jatos.conf")
            with open(conf) as f:
                text = f.read()
            with open(conf, "w") as f:
                f.write("\n".join(line for line in text.splitlines() if not line.startswith("jatos.db.url")) + "\n")
            r = sb.ssh(1, inst + "/loader.sh start")
            self.assertNotEqual(r.returncode, 0)
            with open(os.path.join(inst, "logs", "application.log")) as f:
                self.assertIn("needs a MySQL/MariaDB database, but jatos.db.url points at the embedded H2",
                              f.read())
            self.assertEqual(sb.node_pids(1), [])
            # fixed configuration: it starts again
            with open(conf, "w") as f:
                f.write(text)
            r = sb.ssh(1, inst + "/loader.sh start")
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(sb.ssh(1, running).returncode, 0)
            sb.wait_healthy(1, "ping")

    def test_jatos_upgrade_migrates_forward(self):
        with Sandbox("jatos", nodes=1, extra=["--warmup", "0", "--version", "3.9.3"]) as sb:
            self.assertEqual(sb.sql("SELECT MAX(id) FROM play_evolutions").strip(), "20")
            pkg = os.path.join(sb.dir, "jatos-3.10.4.zip")
            run([SANDBOX, "make-release", "--product", "jatos", "--version", "3.10.4", "--out", pkg])
            with zipfile.ZipFile(pkg) as z:
                names = z.namelist()
            self.assertIn("jatos-3.10.4/loader.sh", names)
            self.assertIn("jatos-3.10.4/install-release.sh", names)
            # upload it like an upgrade would (scp over the node's sshd), then install and start
            remote = "/tmp/%s-jatos-3.10.4.zip" % sb.state["id"]
            scp = ["scp", "-q", "-P", "2222"] + sb.ssh_args(1)[1:-3] + \
                  [pkg, "%s@%s:%s" % (sb.state["sshUser"], sb.node(1)["address"], remote)]
            run(scp)
            inst = sb.install_dir(1)
            conf_before = read(os.path.join(inst, "conf", "jatos.conf"))
            r = sb.ssh(1, "{d}/loader.sh stop && {d}/install-release.sh {p} 3.10.4 && rm {p} && {d}/loader.sh start"
                       .format(d=inst, p=remote))
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            self.assertIn("Installed JATOS 3.10.4 (was 3.9.3)", r.stdout)
            self.assertEqual(os.readlink(os.path.join(sb.node(1)["home"], "current")), "releases/3.10.4")
            self.assertEqual(read(os.path.join(inst, "conf", "jatos.conf")), conf_before)
            sb.wait_healthy(1, "ping")
            self.assertIn('window.common.jatosVersion = "3.10.4";', http_get(sb.url(1, "jatos/signin"))[1])
            self.assertEqual(sb.sql("SELECT MAX(id) FROM play_evolutions").strip(), "23")
            with open(os.path.join(inst, "logs", "application.log")) as f:
                log = f.read()
            for eid in (21, 22, 23):
                self.assertIn("Applying evolution %d.sql" % eid, log)
            # safe to run twice (nothing to do); refused: a version the package does not hold
            r = sb.ssh(1, "{d}/install-release.sh {p} 3.10.4; {d}/install-release.sh {p} 3.10.9".format(d=inst, p=pkg))
            self.assertIn("3.10.4 is already installed and current; nothing to do", r.stdout)
            self.assertIn("holds version 3.10.4, not 3.10.9", r.stderr)
            self.assertNotEqual(r.returncode, 0)

    def test_openspecimen_upgrade_and_refusal(self):
        with Sandbox("openspecimen", nodes=2, extra=["--warmup", "0", "--version", "v11.0"]) as sb:
            current = "SELECT VERSION FROM OS_UPGRADE_LOG ORDER BY UPGRADE_DATE DESC, IDENTIFIER DESC LIMIT 1"
            self.assertEqual(sb.sql(current).strip(), "v11.0")
            rows_before = int(sb.sql("SELECT COUNT(*) FROM OS_UPGRADE_LOG"))
            pkg = os.path.join(sb.dir, "os.tar.gz")
            run([SANDBOX, "make-release", "--product", "openspecimen", "--version", "v11.0.2", "--out", pkg])
            with tarfile.open(pkg) as t:
                self.assertIn("openspecimen-v11.0.2/bin/startup.sh", t.getnames())
            for k in (1, 2):                                    # all nodes down first
                self.stop_node(sb, k, sb.install_dir(k) + "/bin/shutdown.sh")
            inst = sb.install_dir(1)
            r = sb.ssh(1, "{d}/install-release.sh {p} v11.0.2 && {d}/bin/startup.sh".format(d=inst, p=pkg))
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            sb.wait_healthy(1, "rest/ng/config-settings/app-props")
            props = json.loads(http_get(sb.url(1, "rest/ng/config-settings/app-props"))[1])
            self.assertEqual(props["build_version"], "v11.0.2")
            self.assertEqual(sb.sql(current).strip(), "v11.0.2")
            self.assertEqual(int(sb.sql("SELECT COUNT(*) FROM OS_UPGRADE_LOG")), rows_before + 1)
            # node 2 still runs v11.0: it must not start against the v11.0.2 schema
            r = sb.ssh(2, sb.install_dir(2) + "/bin/startup.sh")
            self.assertNotEqual(r.returncode, 0)
            log = os.path.join(sb.state["shared"], "logs", "os.openspecimen-2.log")
            with open(log) as f:
                self.assertIn("Database schema is at v11.0.2, newer than this OpenSpecimen v11.0", f.read())
            self.assertEqual(sb.node_pids(2), [])
            tomcat_running = "pgrep -u \"$(id -u)\" -f 'org[.]apache[.]catalina[.]startup[.]Bootstrap'"
            self.assertEqual(sb.ssh(1, tomcat_running).returncode, 0)
            self.assertNotEqual(sb.ssh(2, tomcat_running).returncode, 0)
            wait_for(lambda: sb.node_pids(1), 5, "node 1's process")


if __name__ == "__main__":
    unittest.main(verbosity=2)
