#!/usr/bin/python3
"""--http-only: a thousand HTTP nodes in one process (no database, no SSH) answer on
node 1 and node 1000 with the product's endpoints and the requested latency; the
profile lists them without ssh or database; down closes every port."""

import os
import sys
import time
import unittest

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from support import SANDBOX, Sandbox, SandboxTestCase, http_get, listening, processes_naming, read, run  # noqa: E402

NODES = 1000


class HttpOnly(SandboxTestCase):

    def test_thousand_nodes(self):
        with Sandbox("jatos", nodes=NODES, extra=["--http-only", "--latency-ms", "200"]) as sb:
            nodes = sb.state["nodes"]
            self.assertEqual(len(nodes), NODES)
            self.assertEqual(nodes[0]["address"], "127.0.1.1")
            self.assertEqual(nodes[253]["address"], "127.0.1.254")
            self.assertEqual(nodes[254]["address"], "127.0.2.1")
            self.assertEqual(nodes[-1]["address"], "127.0.4.238")
            procs = processes_naming("--sandbox-http-only=" + sb.dir)
            self.assertEqual(len(procs), 1, "all nodes must live in one process")
            open_ = listening()
            self.assertTrue(all((n["address"], 9000) in open_ for n in nodes))
            for k in (1, NODES):
                t0 = time.monotonic()
                self.assertEqual(http_get(sb.url(k, "ping")), (200, "pong"))
                self.assertGreaterEqual(time.monotonic() - t0, 0.19)
                self.assertIn('window.common.jatosVersion = "3.10.4";', http_get(sb.url(k, "jatos/signin"))[1])
            prof = sb.profile
            self.assertEqual(len(prof["nodes"]), NODES)
            self.assertEqual(prof["nodes"][-1], {"name": "jatos-%d" % NODES, "url": "http://127.0.4.238:9000/"})
            self.assertNotIn("database", prof)
            # The balancer file is written (one member per node), but without SSH there is
            # no way to read it, so the profile does not name it.
            self.assertNotIn("balancer", prof)
            balancer = read(os.path.join(sb.dir, "balancer", "balancer.conf"))
            self.assertEqual(balancer.count("BalancerMember "), NODES)
            self.assertIn('BalancerMember "http://%s:9000" route=jatos-%d\n' % (nodes[-1]["address"], NODES), balancer)
            self.assertEqual(run([SANDBOX, "status", "--dir", sb.dir]).returncode, 0)
            run([SANDBOX, "down", "--dir", sb.dir])
            self.assertEqual(processes_naming(sb.dir), [])
            open_ = listening()
            self.assertFalse(any((n["address"], 9000) in open_ for n in nodes))

    def test_other_products(self):
        with Sandbox("openspecimen", nodes=3, extra=["--http-only"]) as sb:
            status, body = http_get(sb.url(3, "rest/ng/config-settings/app-props"))
            self.assertEqual(status, 200)
            self.assertIn('"build_version": "v11.0.2"', body)
        with Sandbox("joget", nodes=3, extra=["--http-only", "--version", "8.0-RC2"]) as sb:
            self.assertEqual(http_get(sb.url(2, "web/json/workflow/currentUsername")),
                             (200, '{"username": "roleAnonymous"}'))


if __name__ == "__main__":
    unittest.main(verbosity=2)
