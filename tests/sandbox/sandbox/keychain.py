"""Puts the sandbox's generated secrets where Clusterdesk looks for them: the
Secret Service, through Debian's `secret-tool`, under the attributes QtKeychain uses
(xdg:schema org.qt.keychain, server clusterdesk, user <entry name>, type plaintext).
No Clusterdesk code is involved. Without a reachable Secret Service the secrets go
only to DIR/secrets.env (mode 0600) for the sandbox's own tests, and a plain notice
says so; they are never written to the profile."""

import os
import shutil
import subprocess

from .util import say

SERVICE = "clusterdesk"


def _run(args, value=None, timeout=15):
    try:
        return subprocess.run(args, input=value, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None
    except OSError:
        return None


def bus_reachable():
    """A session bus to ask; without one secret-tool would try to autolaunch a
    D-Bus daemon (which may then linger), so it is not called at all."""
    if os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        return True
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    return bool(runtime) and os.path.exists(os.path.join(runtime, "bus"))


def store(name, value):
    """True when the entry was stored and reads back unchanged."""
    if not shutil.which("secret-tool") or not bus_reachable():
        return False
    r = _run(["secret-tool", "store", "--label=" + SERVICE, "xdg:schema", "org.qt.keychain",
              "server", SERVICE, "user", name, "type", "plaintext"], value)
    if r is None or r.returncode != 0:
        return False
    return lookup(name) == value


def lookup(name):
    r = _run(["secret-tool", "lookup", "server", SERVICE, "user", name])
    if r is None or r.returncode != 0:
        return None
    return r.stdout


def clear(name):
    if shutil.which("secret-tool") and bus_reachable():
        _run(["secret-tool", "clear", "server", SERVICE, "user", name])


def write_env_file(top, values):
    """DIR/secrets.env, 0600: for the sandbox's tests only, never read by Clusterdesk."""
    path = os.path.join(top, "secrets.env")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write("# clusterdesk-sandbox secrets (no Secret Service was reachable). Test use only.\n")
        for name, value in values.items():
            f.write("%s=%s\n" % (name, value))
    os.chmod(path, 0o600)
    return path


def store_all(top, values):
    """Stores {entry name: value}; returns 'keychain' or 'file'."""
    if values and all(store(n, v) for n, v in values.items()):
        say("secrets stored in the Secret Service (%s)" % ", ".join(sorted(values)))
        return "keychain"
    for n in values:
        clear(n)
    path = write_env_file(top, values)
    say("NOTICE: no Secret Service is reachable (secret-tool could not store an entry), so "
        "Clusterdesk will not find this sandbox's secrets in the keychain. They are in %s "
        "(mode 0600) for the sandbox's own use only; store them yourself with "
        "`clusterdesk-cli secret set NAME` to open the profile." % path)
    return "file"
