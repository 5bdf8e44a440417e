"""Writes DIR/profile.json in the format of docs/profile.md (format 1), written
from that document, not from Clusterdesk's code: no secret values, only keychain
references. Checks it with the real `clusterdesk-cli profile validate` when one
is found (--cli, $CLUSTERDESK_CLI, or the default build folder)."""

import os
import shutil
import subprocess

from .products import product
from .util import say, write_json

INSTALL_COMMAND = "{installDir}/install-release.sh {package} {version}"
REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))


def build(state):
    """The profile dict for the sandbox described by `state`."""
    pid = state["product"]
    top = state["dir"]
    sid = state["id"]
    httponly = state.get("httpOnly", False)
    nodes = []
    for n in state["nodes"]:
        entry = {"name": n["name"], "url": product(pid).url(n["address"])}
        if not httponly:
            entry["installDir"] = n["installDir"]
            entry["ssh"] = {"host": n["address"], "port": n["sshPort"], "user": state["sshUser"],
                            "identity": "ssh/id_ed25519"}
        nodes.append(entry)
    prof = {
        "format": 1,
        "name": "Sandbox %s (%d nodes)" % (product(pid).display, len(nodes)),
        "product": pid,
        "deployment": {"kind": "hosts", "knownHosts": "known_hosts"},
        "nodes": nodes,
    }
    # The balancer's configuration is read over SSH: only where the nodes have SSH.
    if not httponly and state.get("balancer"):
        prof["balancer"] = {"ssh": dict(nodes[0]["ssh"]), "configFile": state["balancer"]["configFile"]}
    overrides = {"startup": {"warmupSeconds": max(10, int(state.get("warmup", 0)) + 30)}}
    if not httponly:
        prof["database"] = {"driver": "mariadb", "host": "127.0.0.1", "port": state["db"]["port"],
                            "schema": state["db"]["schema"], "user": state["db"]["user"],
                            "password": {"keychain": sid + "/db-password"}}
        prof["sharedDataDir"] = state["shared"]
        if pid == "jatos":
            prof["secrets"] = {"appSecret": {"keychain": sid + "/app-secret"}}
        elif pid == "openspecimen":
            prof["secrets"] = {"clusterSecret": {"keychain": sid + "/cluster-secret"},
                              "adminToken": {"keychain": sid + "/os-admin-token"}}
            # OpenSpecimen's data folder is the shared one (logs/os.<node>.log live there)
            overrides["defaults"] = {"dataDir": state["shared"]}
        else:
            overrides["defaults"] = {"dataDir": os.path.join(state["shared"], "wflow")}
        if state.get("deployment", "hosts") == "hosts":
            # an upgrade uploads the package and installs it with the release's own script
            overrides["commands"] = {"install": INSTALL_COMMAND}
    prof["presetOverrides"] = overrides
    return prof


def write(state):
    path = os.path.join(state["dir"], "profile.json")
    write_json(path, build(state))
    return path


def find_cli(explicit=None):
    for candidate in (explicit, os.environ.get("CLUSTERDESK_CLI"),
                      os.path.join(REPO, "build", "default", "app", "clusterdesk-cli"),
                      shutil.which("clusterdesk-cli")):
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return None


def validate(path, cli=None):
    """(True|False|None, output): None when no clusterdesk-cli was found."""
    exe = find_cli(cli)
    if not exe:
        say("profile check skipped: no clusterdesk-cli found (set CLUSTERDESK_CLI or pass --cli)")
        return None, ""
    r = subprocess.run([exe, "profile", "validate", path], capture_output=True, text=True, timeout=60)
    out = (r.stdout + r.stderr).strip()
    ok = r.returncode == 0 and "valid" in out and "not a valid" not in out
    return ok, out
