#!/usr/bin/python3
"""Where the generated secrets go. Run under tests/scripts/with-keyring.sh (a
private D-Bus session with gnome-keyring): they are in the Secret Service under the
QtKeychain attributes and the profile's references, and gone after down. Run under
tests/scripts/without-keyring.sh: a plain notice, DIR/secrets.env with mode 0600,
and still no secret in the profile."""

import os
import stat
import subprocess
import sys
import unittest

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from support import SANDBOX, Sandbox, SandboxTestCase, read, run  # noqa: E402


def lookup(name):
    r = subprocess.run(["secret-tool", "lookup", "server", "clusterdesk", "user", name],
                       capture_output=True, text=True, timeout=15)
    return r.stdout if r.returncode == 0 else None


def has_bus():
    return bool(os.environ.get("DBUS_SESSION_BUS_ADDRESS"))


class Keychain(SandboxTestCase):

    @unittest.skipUnless(has_bus(), "needs a Secret Service: run under tests/scripts/with-keyring.sh")
    def test_secrets_in_secret_service(self):
        with Sandbox("jatos", nodes=1, extra=["--warmup", "0"]) as sb:
            sid = sb.state["id"]
            prof = sb.profile
            self.assertEqual(prof["database"]["password"], {"keychain": sid + "/db-password"})
            self.assertEqual(prof["secrets"]["appSecret"], {"keychain": sid + "/app-secret"})
            conf = read(os.path.join(sb.install_dir(1), "conf", "jatos.conf"))
            db_password = lookup(sid + "/db-password")
            app_secret = lookup(sid + "/app-secret")
            self.assertIsNotNone(db_password)
            self.assertGreaterEqual(len(db_password), 32)
            self.assertGreaterEqual(len(app_secret), 32)
            self.assertIn('jatos.db.password = "%s"' % db_password, conf)
            self.assertIn('play.http.secret.key = "%s"' % app_secret, conf)
            self.assertNotIn(db_password, read(os.path.join(sb.dir, "profile.json")))
            self.assertFalse(os.path.exists(os.path.join(sb.dir, "secrets.env")))
            # the attributes QtKeychain uses, including its schema
            found = run(["secret-tool", "search", "--all", "server", "clusterdesk", "user", sid + "/db-password"],
                        check=False)
            text = found.stdout + found.stderr
            self.assertIn("schema = org.qt.keychain", text)
            self.assertIn("attribute.type = plaintext", text)
            # the password works against the sandbox database
            r = subprocess.run(["mariadb", "--no-defaults", "--protocol=TCP", "--host=127.0.0.1",
                                "--port=%d" % prof["database"]["port"], "--user=" + prof["database"]["user"],
                                prof["database"]["schema"], "-e", "SELECT MAX(id) FROM play_evolutions"],
                               capture_output=True, text=True, env=dict(os.environ, MYSQL_PWD=db_password))
            self.assertEqual(r.returncode, 0, r.stderr)
            run([SANDBOX, "down", "--dir", sb.dir])
            self.assertIsNone(lookup(sid + "/db-password"))
            self.assertIsNone(lookup(sid + "/app-secret"))

    @unittest.skipIf(has_bus(), "run under tests/scripts/without-keyring.sh")
    def test_no_secret_service(self):
        with Sandbox("openspecimen", nodes=1, extra=["--warmup", "0"]) as sb:
            self.assertIn("no Secret Service is reachable", sb.up_result.stderr)
            env_file = os.path.join(sb.dir, "secrets.env")
            self.assertEqual(stat.S_IMODE(os.stat(env_file).st_mode), 0o600)
            values = dict(line.split("=", 1) for line in read(env_file).splitlines() if not line.startswith("#"))
            sid = sb.state["id"]
            # os-admin-token: the administrator's API token of the settings API (not in the profile)
            self.assertEqual(set(values), {sid + "/db-password", sid + "/cluster-secret", sid + "/os-admin-token"})
            profile_text = read(os.path.join(sb.dir, "profile.json"))
            for value in values.values():
                self.assertGreaterEqual(len(value), 32)
                self.assertNotIn(value, profile_text)
            self.assertEqual(sb.profile["secrets"], {"clusterSecret": {"keychain": sid + "/cluster-secret"},
                                                     "adminToken": {"keychain": sid + "/os-admin-token"}})


if __name__ == "__main__":
    unittest.main(verbosity=2)
