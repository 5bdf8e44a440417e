#!/usr/bin/python3
"""`up --deployment compose`: over real SSH to the Compose host (node 1's sshd),
`docker compose ps --format json` prints one parseable JSON object per container
(Compose v2 shape), states follow `fault down`, and `stop`, `start` and
`up -d --scale` really stop and start the sandbox nodes."""

import json
import os
import sys
import unittest

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from orchestrator_support import OrchestratorTestCase, OwnSandbox  # noqa: E402
from support import wait_for  # noqa: E402

ENV = dict(os.environ, CLUSTERDESK_SANDBOX_SUBNET="42")
KEYS = {"Command", "CreatedAt", "ExitCode", "Health", "ID", "Image", "Labels", "LocalVolumes", "Mounts", "Name",
        "Names", "Networks", "Ports", "Project", "Publishers", "RunningFor", "Service", "Size", "State", "Status"}


class Compose(OrchestratorTestCase):
    NAME, ENV = 'compose', ENV


    def compose(self, sb, args, ok=True):
        r = sb.ssh(1, "docker compose --project-directory %s %s" % (sb.profile["deployment"]["projectDir"], args))
        if ok:
            self.assertEqual(r.returncode, 0, r.stderr)
        return r

    def ps(self, sb, all_=False):
        out = self.compose(sb, "ps %s--format json" % ("-a " if all_ else "")).stdout
        return {c["Name"]: c for c in (json.loads(line) for line in out.splitlines())}

    def test_docker_compose_over_ssh(self):
        with OwnSandbox('compose', "jatos", nodes=3, extra=["--warmup", "1", "--deployment", "compose"], env=ENV) as sb:
            st, dep = sb.state, sb.profile["deployment"]
            n1 = st["nodes"][0]
            self.assertEqual(dep["kind"], "compose")
            self.assertEqual(dep["host"], {"host": n1["address"], "port": 2222, "user": st["sshUser"],
                                           "identity": "ssh/id_ed25519"})
            self.assertEqual((dep["projectDir"], dep["service"]), (os.path.join(sb.dir, "compose"), "jatos"))
            names = ["compose-jatos-%d" % k for k in (1, 2, 3)]

            # --- ps: one JSON object per line, in Compose v2's shape -------------------------------
            cs = wait_for(lambda: (lambda c: c if all(x["Health"] == "healthy" for x in c.values()) else None)(
                self.ps(sb)), 30, "all containers healthy")
            self.assertEqual(sorted(cs), names)
            for k, name in enumerate(names, 1):
                c = cs[name]
                self.assertEqual(set(c), KEYS)
                self.assertEqual((c["Service"], c["State"], c["Image"], c["Project"]),
                                 ("jatos", "running", "jatos/jatos:3.10.4", "compose"))
                self.assertTrue(c["Status"].startswith("Up "), c["Status"])
                self.assertEqual(c["Publishers"][0]["URL"], st["nodes"][k - 1]["address"])
                self.assertRegex(c["ID"], "^[0-9a-f]{12}$")
            r = sb.ssh(1, "docker compose ps --format json")          # not in the project folder
            self.assertEqual(r.returncode, 1)
            self.assertIn("no configuration file provided", r.stderr)
            r = sb.ssh(1, "cd %s && docker compose -f compose.yaml ps -q" % dep["projectDir"])
            self.assertEqual(len(r.stdout.split()), 3, r.stderr)

            # --- states follow the nodes ------------------------------------------------------------
            sb.fault("jatos-2", "down")
            self.assertEqual(sorted(self.ps(sb)), [names[0], names[2]])      # ps lists running ones only
            c2 = self.ps(sb, all_=True)[names[1]]
            self.assertEqual((c2["State"], c2["ExitCode"], c2["Health"]), ("exited", 137, ""))
            self.assertTrue(c2["Status"].startswith("Exited (137) "), c2["Status"])

            # --- stop / start --------------------------------------------------------------------------
            r = self.compose(sb, "stop jatos")
            self.assertIn("Container compose-jatos-1  Stopped", r.stderr)
            for k in (1, 2, 3):
                self.assertEqual(sb.node_pids(k), [], "node %d still runs" % k)
            self.assertEqual(self.ps(sb), {})
            self.assertEqual({c["State"] for c in self.ps(sb, all_=True).values()}, {"exited"})
            r = self.compose(sb, "start")
            self.assertIn("Container compose-jatos-3  Started", r.stderr)
            for k in (1, 2, 3):
                self.assertTrue(sb.node_pids(k), "node %d does not run" % k)
                sb.wait_healthy(k, "ping", 30)
            self.assertEqual({c["State"] for c in self.ps(sb).values()}, {"running"})

            # --- up --scale ------------------------------------------------------------------------------
            self.compose(sb, "up -d --scale jatos=1")
            self.assertEqual((bool(sb.node_pids(1)), sb.node_pids(2), sb.node_pids(3)), (True, [], []))
            self.assertEqual(sorted(self.ps(sb, all_=True)), names[:1])
            self.assertEqual(self.compose(sb, "up -d --scale jatos=9", ok=False).returncode, 1)
            self.compose(sb, "up -d --scale jatos=3")
            for k in (1, 2, 3):
                sb.wait_healthy(k, "ping", 30)
            wait_for(lambda: sorted(self.ps(sb)) == names, 30, "three running containers")
            addresses = [n["address"] for n in st["nodes"]]
        self.assertNothingLeft(sb.dir, addresses, [2222, 9000])     # the emulated daemon too


if __name__ == "__main__":
    unittest.main(verbosity=2)
