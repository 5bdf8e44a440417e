#!/usr/bin/python3
"""What configuration editing needs of a node, over real SSH: SFTP on every node's
sshd (put and get with the `sftp` client), effective.json (the configuration a node
took when it started: an edited jatos.conf, written atomically with an SFTP upload
and `mv -f`, shows after a restart with the preset's stop / start commands), the
`effective` command, and the ssh-down fault (open sessions killed at once, new
connections hang, the node's HTTP keeps answering; clear restores SSH)."""

import hashlib
import json
import os
import subprocess
import sys
import time
import unittest

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from support import SANDBOX, Sandbox, SandboxTestCase, http_get, read, run  # noqa: E402


def sftp(sb, k, commands):
    """Runs `sftp -b` with the sandbox's key and known_hosts against node k."""
    n = sb.node(k)
    batch = os.path.join(sb.dir, "sftp-batch")
    with open(batch, "w") as f:
        f.write("".join(c + "\n" for c in commands))
    return run(["sftp", "-i", os.path.join(sb.dir, "ssh", "id_ed25519"),
                "-o", "UserKnownHostsFile=" + os.path.join(sb.dir, "known_hosts"),
                "-o", "StrictHostKeyChecking=accept-new", "-o", "BatchMode=yes", "-o", "ConnectTimeout=10",
                "-o", "GlobalKnownHostsFile=/dev/null", "-P", str(n["sshPort"]), "-b", batch,
                "%s@%s" % (sb.state["sshUser"], n["address"])], check=False, timeout=60)


def effective(sb, node=None):
    args = [SANDBOX, "effective", "--dir", sb.dir] + (["--node", node] if node else [])
    return json.loads(run(args).stdout)


class ConfigEditing(SandboxTestCase):

    def test_sftp_effective_config_and_ssh_down(self):
        with Sandbox("jatos", nodes=2, extra=["--warmup", "1"]) as sb:
            # --- SFTP on every node ----------------------------------------------------------
            for k in (1, 2):
                config = read(os.path.join(sb.dir, "ssh", sb.node(k)["name"], "sshd_config"))
                self.assertRegex(config, r"(?m)^Subsystem sftp (internal-sftp|/\S+sftp-server) -d /\S+/home$")
            local = os.path.join(sb.dir, "upload.txt")
            with open(local, "w") as f:
                f.write("payload %d\n" % os.getpid())
            for k in (1, 2):
                remote = os.path.join(sb.node(k)["home"], "home", "remote.txt")
                back = os.path.join(sb.dir, "back-%d.txt" % k)
                r = sftp(sb, k, ["put %s %s" % (local, remote), "get %s %s" % (remote, back)])
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertEqual(read(back), read(local))

            # --- effective.json at start -----------------------------------------------------
            eff = effective(sb)
            self.assertEqual(sorted(eff), ["jatos-1", "jatos-2"])
            secret = None
            with open(os.path.join(sb.dir, "secrets.env")) as f:
                for line in f:
                    if line.startswith(sb.state["id"] + "/app-secret="):
                        secret = line.split("=", 1)[1].rstrip("\n")
            e1 = eff["jatos-1"]
            self.assertEqual(e1["multiNode"], True)
            self.assertEqual(e1["httpPort"], 9000)
            self.assertEqual(e1["dbUser"], "jatos")
            self.assertTrue(e1["dbUrl"].startswith("jdbc:mysql://127.0.0.1:%d/jatos?" % sb.state["db"]["port"]))
            self.assertEqual(set(e1["sharedFolders"]), {"jatos.studyAssetsRootPath", "jatos.resultUploads.path",
                                                        "jatos.studyLogs.path", "jatos.tmpPath"})
            self.assertRegex(e1["secretSha256"], r"^[0-9a-f]{64}$")
            if secret is not None:          # secrets.env only without a Secret Service
                self.assertEqual(e1["secretSha256"], hashlib.sha256(secret.encode()).hexdigest())
            text = json.dumps(eff)
            self.assertNotIn(sb.state["db"].get("password", "no-such-value"), text)
            if secret:
                self.assertNotIn(secret, text)
            self.assertEqual(effective(sb, "jatos-2"), {"jatos-2": eff["jatos-2"]})

            # --- edit jatos.conf as Clusterdesk will: SFTP temp file + mv -f, restart ----------
            inst = sb.install_dir(1)
            conf = os.path.join(inst, "conf", "jatos.conf")
            got = os.path.join(sb.dir, "jatos.conf.got")
            self.assertEqual(sftp(sb, 1, ["get %s %s" % (conf, got)]).returncode, 0)
            new_secret = "edited-secret-" + "x" * 40
            text = "".join(('play.http.secret.key = "%s"\n' % new_secret) if line.startswith("play.http.secret.key")
                           else line for line in open(got).readlines())
            edited = os.path.join(sb.dir, "jatos.conf.new")
            with open(edited, "w") as f:
                f.write(text)
            tmp = os.path.join(inst, "conf", ".jatos.conf.clusterdesk-tmp")
            self.assertEqual(sftp(sb, 1, ["put %s %s" % (edited, tmp)]).returncode, 0)
            r = sb.ssh(1, "cp -p %s %s.bak && mv -f %s %s" % (conf, conf, tmp, conf))
            self.assertEqual(r.returncode, 0, r.stderr)
            before = effective(sb, "jatos-1")["jatos-1"]
            self.assertEqual(before, e1)                    # not picked up before a restart
            r = sb.ssh(1, "%s/loader.sh stop && %s/loader.sh start" % (inst, inst))
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            sb.wait_healthy(1, "ping", timeout=30)
            after = effective(sb)
            self.assertEqual(after["jatos-1"]["secretSha256"], hashlib.sha256(new_secret.encode()).hexdigest())
            self.assertGreater(after["jatos-1"]["startedAt"], e1["startedAt"])
            self.assertEqual(after["jatos-2"], eff["jatos-2"])          # the other node untouched

            # --- ssh-down: sessions killed, new connections hang, HTTP still answers -------------
            session = subprocess.Popen(sb.ssh_args(2) + ["echo started; sleep 30"], stdin=subprocess.DEVNULL,
                                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            try:
                self.assertEqual(session.stdout.readline().strip(), "started")
                t0 = time.monotonic()
                r = sb.fault("jatos-2", "ssh-down")
                self.assertIn("sshd stopped", r.stdout)
                session.wait(timeout=5)
                self.assertLess(time.monotonic() - t0, 5)
                self.assertNotEqual(session.returncode, 0)
            finally:
                if session.poll() is None:
                    session.kill()
                    session.wait()
            t0 = time.monotonic()
            # ssh takes the first value of an option: ConnectTimeout=3 goes before ssh_args' 10
            r = run(["ssh", "-o", "ConnectTimeout=3"] + sb.ssh_args(2)[1:] + ["true"], check=False, timeout=30)
            self.assertNotEqual(r.returncode, 0)
            self.assertLess(time.monotonic() - t0, 8)
            self.assertEqual(http_get(sb.url(2, "ping")), (200, "pong"))
            self.assertTrue(sb.node_pids(2), "the node's application must survive ssh-down")
            st = run([SANDBOX, "status", "--dir", sb.dir], check=False)
            self.assertEqual(st.returncode, 1)
            self.assertIn("hung (ssh-down)", st.stdout)
            self.assertEqual(sb.ssh(1, "true").returncode, 0)              # other nodes keep their SSH
            sb.fault("jatos-2", "clear")
            r = sb.ssh(2, "echo back")
            self.assertEqual((r.returncode, r.stdout.strip()), (0, "back"), r.stderr)
            self.assertEqual(run([SANDBOX, "status", "--dir", sb.dir], check=False).returncode, 0)


if __name__ == "__main__":
    unittest.main()
