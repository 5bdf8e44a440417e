"""What a node actually took from its configuration when it started, written to
nodes/<node>/state/effective.json by the node's server process (so the environment
an orchestrator gave it counts too), and read back by `clusterdesk-sandbox effective`.
Secrets and passwords appear only as lowercase hex SHA-256 fingerprints of their
UTF-8 text, never as values.

    JATOS:        multiNode, dbUrl, dbUser, secretSha256, sharedFolders{...}, httpPort
    OpenSpecimen: nodeName, dbHost, dbName, dbUser, dataDir, jvmRoute,
                  clusterJsonSha256 (of the cluster JSON file's bytes), clusterSecretSha256
    Joget DX:     wflowName, wflowHome, workflowUrl, workflowUser, jvmRoute
Every file also has `product`, `node` and `startedAt` (epoch seconds)."""

import hashlib
import json
import os
import time

from .util import read_json, write_json


def sha256(text):
    if text is None:
        return None
    data = text if isinstance(text, bytes) else str(text).encode("utf-8")
    return hashlib.sha256(data).hexdigest()


def path_of(node_home):
    return os.path.join(node_home, "state", "effective.json")


def describe(pid, name, cfg):
    """The effective configuration of a node from its loaded config (configs.load_node_config)."""
    out = {"product": pid, "node": name, "startedAt": round(time.time(), 3)}
    db = cfg.get("db") or {}
    if pid == "jatos":
        out.update(multiNode=cfg["multiNode"], dbUrl=cfg.get("dbUrl"), dbUser=db.get("user"),
                   secretSha256=sha256(cfg.get("secret")), sharedFolders=cfg.get("sharedFolders", {}),
                   httpPort=cfg["port"])
    elif pid == "openspecimen":
        raw = cfg.get("clusterJson")
        secret = None
        if raw is not None:
            try:
                secret = json.loads(raw.decode("utf-8")).get("secret")
            except (ValueError, AttributeError, UnicodeDecodeError):
                secret = None
        out.update(nodeName=cfg["name"], dbHost=db.get("host"), dbName=db.get("schema"), dbUser=db.get("user"),
                   dataDir=cfg["shared"], jvmRoute=cfg.get("route"),
                   clusterJsonSha256=sha256(raw), clusterSecretSha256=sha256(secret))
    else:
        out.update(wflowName=cfg["name"], wflowHome=cfg.get("wflow"), workflowUrl=cfg.get("dbUrl"),
                   workflowUser=db.get("user"), jvmRoute=cfg.get("route"))
    return out


def write(node_home, pid, name, cfg):
    write_json(path_of(node_home), describe(pid, name, cfg))


def collect(state, only=None):
    """{node name: effective.json or None (never started)} of the sandbox's nodes."""
    nodes = [n for n in state["nodes"] if only is None or n["name"] == only]
    return {n["name"]: read_json(path_of(n["home"])) for n in nodes}
