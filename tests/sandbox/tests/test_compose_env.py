#!/usr/bin/python3
"""The Compose emulation's environment: {projectDir}/.env (0600) holds JATOS_SECRET
and JATOS_DB_* with the sandbox's real values; edited (as Clusterdesk will, over
SFTP-like file replacement on the Compose host), `docker compose restart` keeps the
containers' environment as Compose does, and `docker compose up -d` recreates the
containers whose environment changed: effective.json shows the new secret."""

import hashlib
import json
import os
import sys
import unittest

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from orchestrator_support import OrchestratorTestCase, OwnSandbox  # noqa: E402
from support import SANDBOX, read, run, wait_for  # noqa: E402

ENV = dict(os.environ, CLUSTERDESK_SANDBOX_SUBNET=os.environ.get("CLUSTERDESK_SANDBOX_SUBNET_COMPOSE_ENV", "44"))


class ComposeEnv(OrchestratorTestCase):
    NAME, ENV = "compose-env", ENV

    def compose(self, sb, args):
        r = sb.ssh(1, "docker compose --project-directory %s %s" % (sb.profile["deployment"]["projectDir"], args))
        self.assertEqual(r.returncode, 0, r.stderr)
        return r

    def effective(self, sb):
        return json.loads(run([SANDBOX, "effective", "--dir", sb.dir], env=ENV).stdout)

    def restarted(self, sb, before):
        """effective.json once every node has started again since `before` (the server
        process writes it a moment after the start script returns)."""
        return wait_for(lambda: (lambda e: e if all(e[n]["startedAt"] > before[n]["startedAt"] for n in before)
                                 else None)(self.effective(sb)), 30, "the nodes to start again")

    def test_env_file_and_recreate(self):
        with OwnSandbox("compose-env", "jatos", nodes=2, extra=["--warmup", "1", "--deployment", "compose"],
                        env=ENV) as sb:
            project = sb.profile["deployment"]["projectDir"]
            env_path = os.path.join(project, ".env")
            self.assertEqual(os.stat(env_path).st_mode & 0o777, 0o600)
            values = dict(line.split("=", 1) for line in read(env_path).splitlines()
                          if line and not line.startswith("#"))
            self.assertEqual(sorted(values), ["JATOS_DB_PASSWORD", "JATOS_DB_URL", "JATOS_DB_USERNAME",
                                            "JATOS_IMAGE", "JATOS_MULTINODE", "JATOS_SECRET"])
            self.assertEqual(values["JATOS_IMAGE"], "jatos/jatos:3.10.4")
            eff = self.effective(sb)
            self.assertEqual(eff["jatos-1"]["secretSha256"], hashlib.sha256(values["JATOS_SECRET"].encode()).hexdigest())
            self.assertEqual(eff["jatos-1"]["dbUrl"], values["JATOS_DB_URL"])
            self.assertIn("JATOS_SECRET: ${JATOS_SECRET}", read(os.path.join(project, "compose.yaml")))

            # edit .env (temp file + mv -f over SSH on the Compose host), with a comment and quotes
            new_secret = "compose-rotated-" + "c" * 40
            text = "".join('JATOS_SECRET="%s"\n' % new_secret if line.startswith("JATOS_SECRET=") else line + "\n"
                           for line in read(env_path).splitlines()) + "# edited by the test\n"
            tmp = os.path.join(project, ".env.tmp")
            with open(tmp, "w") as f:
                f.write(text)
            r = sb.ssh(1, "chmod 600 %s && mv -f %s %s" % (tmp, tmp, env_path))
            self.assertEqual(r.returncode, 0, r.stderr)

            # restart keeps the environment the containers were created with
            self.compose(sb, "restart")
            kept = self.restarted(sb, eff)
            for name in ("jatos-1", "jatos-2"):
                self.assertEqual(kept[name]["secretSha256"], eff[name]["secretSha256"])
            # up -d recreates both (their environment changed); a second up -d changes nothing
            r = self.compose(sb, "up -d")
            self.assertIn("Recreated", r.stderr)
            want = hashlib.sha256(new_secret.encode()).hexdigest()
            after = self.restarted(sb, kept)
            for name in ("jatos-1", "jatos-2"):
                self.assertEqual(after[name]["secretSha256"], want)
            r = self.compose(sb, "up -d")
            self.assertNotIn("Recreate", r.stderr)
            self.assertEqual(self.effective(sb), after)
            # stop + start keeps the new environment
            self.compose(sb, "stop")
            self.compose(sb, "start")
            self.assertEqual(self.restarted(sb, after)["jatos-2"]["secretSha256"], want)
            r = self.compose(sb, "up -d --force-recreate")
            self.assertEqual(r.stderr.count("Recreated"), 2)


if __name__ == "__main__":
    unittest.main()
