#!/usr/bin/python3
"""Control over real SSH and fault injection: the presets' stop and start commands
take a node's health down and up again; warm-up keeps the health endpoint from
answering for the configured time; each fault (down, hang, slow, refuse-start,
wrong-version) does what it says and clear undoes it."""

import json
import os
import socket
import sys
import time
import unittest

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from support import SANDBOX, Sandbox, SandboxTestCase, http_get, read, run, wait_for  # noqa: E402

WARMUP = 2


def connects(host, port):
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


class Control(SandboxTestCase):

    def test_jatos_ssh_control_and_faults(self):
        with Sandbox("jatos", nodes=2, extra=["--warmup", str(WARMUP)]) as sb:
            inst = sb.install_dir(1)
            running = 'test -f {d}/RUNNING_PID && kill -0 "$(cat {d}/RUNNING_PID)"'.format(d=inst)
            # --- stop and start over SSH ---------------------------------------------------
            self.assertEqual(sb.ssh(1, running).returncode, 0)
            r = sb.ssh(1, inst + "/loader.sh stop")
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIsNone(http_get(sb.url(1, "ping"), 1)[0])          # connection refused
            self.assertNotEqual(sb.ssh(1, running).returncode, 0)
            self.assertEqual(http_get(sb.url(2, "ping")), (200, "pong"))    # the other node is untouched
            self.assertEqual(sb.ssh(1, inst + "/loader.sh stop").returncode, 1)  # "was not running"
            started = time.monotonic()
            r = sb.ssh(1, inst + "/loader.sh start")
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(sb.ssh(1, running).returncode, 0)
            # warm-up: JATOS (Play) does not listen until the application has loaded
            if time.monotonic() - started < WARMUP - 0.5:
                self.assertIsNone(http_get(sb.url(1, "ping"), 0.5)[0])
            sb.wait_healthy(1, "ping", timeout=WARMUP + 30)
            self.assertGreaterEqual(time.monotonic() - started, WARMUP - 0.2)
            self.assertEqual(sb.ssh(1, inst + "/loader.sh start").returncode, 1)  # already running
            self.assertIn("JATOS 3.10.4 started", read(os.path.join(inst, "logs", "application.log")))

            # --- slow ------------------------------------------------------------------------
            sb.fault("jatos-1", "slow", "1500")
            t0 = time.monotonic()
            self.assertEqual(http_get(sb.url(1, "ping"), 10), (200, "pong"))
            self.assertGreaterEqual(time.monotonic() - t0, 1.4)
            self.assertIsNone(http_get(sb.url(1, "ping"), 0.5)[0])          # a short timeout expires
            # --- wrong-version --------------------------------------------------------------
            out = sb.fault("jatos-1", "wrong-version").stdout
            self.assertIn("reports version 3.10.5", out)
            page = http_get(sb.url(1, "jatos/signin"), 10)[1]
            self.assertIn('window.common.jatosVersion = "3.10.5";', page)
            # --- clear ------------------------------------------------------------------------
            sb.fault("jatos-1", "clear")
            t0 = time.monotonic()
            self.assertIn('jatosVersion = "3.10.4";', http_get(sb.url(1, "jatos/signin"))[1])
            self.assertLess(time.monotonic() - t0, 1.0)
            # --- hang: the TCP connect succeeds, the request times out --------------------
            sb.fault("jatos-1", "hang")
            with socket.create_connection((sb.node(1)["address"], 9000), timeout=2):
                pass
            t0 = time.monotonic()
            status, err = http_get(sb.url(1, "ping"), 1.5)
            self.assertIsNone(status)
            self.assertIn("timed out", err)
            self.assertGreaterEqual(time.monotonic() - t0, 1.4)
            self.assertEqual(run([SANDBOX, "status", "--dir", sb.dir], check=False).returncode, 1)
            sb.fault("jatos-1", "clear")
            self.assertEqual(http_get(sb.url(1, "ping"), 5), (200, "pong"))
            self.assertEqual(run([SANDBOX, "status", "--dir", sb.dir]).returncode, 0)
            # --- down: the process is killed, the port closes ---------------------------------
            sb.fault("jatos-1", "down")
            wait_for(lambda: not sb.node_pids(1), 5, "the killed node to be gone")
            self.assertIsNone(http_get(sb.url(1, "ping"), 1)[0])
            self.assertNotEqual(sb.ssh(1, running).returncode, 0)            # stale RUNNING_PID
            # --- refuse-start: the next start fails like a schema refusal ---------------------
            sb.fault("jatos-1", "refuse-start")
            r = sb.ssh(1, inst + "/loader.sh start")
            self.assertNotEqual(r.returncode, 0)
            self.assertIn("Refusing to start", read(os.path.join(inst, "logs", "application.log")))
            self.assertEqual(sb.node_pids(1), [])
            sb.fault("jatos-1", "clear")
            r = sb.ssh(1, inst + "/loader.sh start")
            self.assertEqual(r.returncode, 0, r.stderr)
            sb.wait_healthy(1, "ping", timeout=WARMUP + 30)

    def test_joget_version_file_and_tomcat_warmup(self):
        """Joget's wrong-version changes VERSION.txt (its version source) and clear
        restores it; tomcat.sh stop/start over SSH; Tomcat warms up with its port
        bound (a connect succeeds) but answers only once the web app is deployed."""
        with Sandbox("joget", nodes=1, extra=["--warmup", str(WARMUP)]) as sb:
            inst = sb.install_dir(1)
            version_file = os.path.join(inst, "VERSION.txt")
            original = read(version_file)
            sb.fault("joget-1", "wrong-version", "8.1.0")
            self.assertTrue(read(version_file).startswith("8.1.0 - build "))
            self.assertTrue(sb.ssh(1, "head -1 " + version_file).stdout.startswith("8.1.0 "))
            sb.fault("joget-1", "clear")
            self.assertEqual(read(version_file), original)
            health = "web/json/workflow/currentUsername"
            self.assertEqual(sb.ssh(1, inst + "/tomcat.sh stop").returncode, 0)
            self.assertIsNone(http_get(sb.url(1, health), 1)[0])
            started = time.monotonic()
            self.assertEqual(sb.ssh(1, inst + "/tomcat.sh start").returncode, 0)
            wait_for(lambda: connects(sb.node(1)["address"], 8080), 10, "Tomcat to bind its port")
            if time.monotonic() - started < WARMUP - 0.5:
                self.assertIsNone(http_get(sb.url(1, health), 0.3)[0])   # accepted, not answered yet
            status, body = wait_for(lambda: (lambda r: r if r[0] == 200 else None)(http_get(sb.url(1, health), 1)),
                                    WARMUP + 30, "Joget to answer")
            self.assertEqual(json.loads(body), {"username": "roleAnonymous"})
            self.assertGreaterEqual(time.monotonic() - started, WARMUP - 0.2)


if __name__ == "__main__":
    unittest.main(verbosity=2)
