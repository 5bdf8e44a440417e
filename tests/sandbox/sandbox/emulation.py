"""`up --deployment kubernetes|compose`: prepares and starts the orchestrator
emulations next to an ordinary sandbox, stops them in `down`, and writes the
profile's deployment block (docs/profile.md).

- kubernetes: DIR/k8s/ holds a CA and a server certificate made with the `openssl`
  command (SAN IP:127.0.0.1, DNS:localhost), the static token file tokens.csv
  (token,user,uid,groups as kube-apiserver's --token-auth-file) and server.json;
  DIR/kubeconfig has one context "sandbox". The token goes to the keychain as
  `<sandbox-id>/k8s-token` with the other secrets. The API server is k8s.py.
- compose: DIR/bin/docker (the `docker` CLI shim on the PATH of SSH sessions),
  DIR/compose/compose.yaml (the project folder), and the emulated Docker daemon
  (compose.py) on the unix socket DIR/docker.sock."""

import json
import os
import secrets as pysecrets
import subprocess

from .util import (PYTHON, SandboxError, find_pids, free_port, port_open, read_json, say, terminate,
                   wait_until, write_atomic, write_json)

SANDBOX = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "clusterdesk-sandbox"))


def marker(kind, top):
    return "--sandbox-%s=%s" % (kind, top)


def _openssl(*args, cwd):
    r = subprocess.run(["openssl"] + list(args), cwd=cwd, capture_output=True, text=True, timeout=60,
                       stdin=subprocess.DEVNULL)
    if r.returncode != 0:
        raise SandboxError("openssl %s failed: %s" % (args[0], r.stderr.strip()))


def make_certificates(d):
    """ca.crt/ca.key and server.crt/server.key (EC P-256), valid a year."""
    _openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
             "-keyout", "ca.key", "-out", "ca.crt", "-days", "365", "-subj", "/CN=clusterdesk-sandbox-ca",
             "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
             cwd=d)
    _openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
             "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=kube-apiserver", cwd=d)
    write_atomic(os.path.join(d, "server.ext"),
                 "subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes.default.svc\n"
                 "extendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature,keyEncipherment\n")
    _openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
             "-out", "server.crt", "-days", "365", "-extfile", "server.ext", cwd=d)
    for key in ("ca.key", "server.key"):
        os.chmod(os.path.join(d, key), 0o600)


def prepare(state, kind, values=None):
    """Before the nodes start. `values` carries the sandbox's real configuration
    ({db, appSecret}) for the Secrets / ConfigMaps and the Compose .env file.
    Returns {keychain name: secret} to store with the others."""
    top = state["dir"]
    values = values or {}
    if kind == "kubernetes":
        d = os.path.join(top, "k8s")
        os.makedirs(d, mode=0o700, exist_ok=True)
        make_certificates(d)
        token = pysecrets.token_urlsafe(32)
        write_atomic(os.path.join(d, "tokens.csv"), '%s,clusterdesk,1000,"system:masters"\n' % token, mode=0o600)
        port = free_port("127.0.0.1")
        name = state["product"]
        write_json(os.path.join(d, "server.json"), {"port": port, "namespace": name, "deployment": name})
        state["k8s"] = {"port": port, "apiServer": "https://127.0.0.1:%d" % port, "namespace": name,
                        "deployment": name, "hpa": name, "caFile": os.path.join(d, "ca.crt")}
        write_kubeconfig(top, state["k8s"], token)
        if values.get("db"):
            from . import k8s_config
            k8s_config.write_initial(top, state, values["db"], values.get("appSecret"))
        return {state["id"] + "/k8s-token": token}
    if kind == "compose":
        from . import compose
        compose.prepare(state, values.get("db"), values.get("appSecret"))
        return {}
    return {}


def write_kubeconfig(top, k, token):
    """DIR/kubeconfig (YAML is a superset of JSON, and kubectl reads both)."""
    conf = {"apiVersion": "v1", "kind": "Config", "preferences": {}, "current-context": "sandbox",
            "clusters": [{"name": "sandbox", "cluster": {"server": k["apiServer"],
                                                         "certificate-authority": k["caFile"]}}],
            "users": [{"name": "sandbox", "user": {"token": token}}],
            "contexts": [{"name": "sandbox", "context": {"cluster": "sandbox", "user": "sandbox",
                                                         "namespace": k["namespace"]}}]}
    write_atomic(os.path.join(top, "kubeconfig"), json.dumps(conf, indent=2) + "\n", mode=0o600)


def start(state, kind):
    """After the nodes: starts the emulation process and waits until it serves."""
    top = state["dir"]
    sub = {"kubernetes": ("serve-k8s", "k8s"), "compose": ("serve-docker", "docker")}.get(kind)
    if not sub:
        return
    command, mark = sub
    log = open(os.path.join(top, "%s.log" % mark), "a")
    proc = subprocess.Popen([PYTHON, SANDBOX, command, "--dir", top, "--marker=" + marker(mark, top)],
                            stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True)
    log.close()
    state.setdefault("emulations", []).append(mark)
    write_json(os.path.join(top, "sandbox.json"), state)     # so that `down` finds it if the wait fails

    def ready():
        if proc.poll() is not None:
            raise SandboxError("the %s emulation exited with %d; see %s/%s.log" % (kind, proc.returncode, top, mark))
        if kind == "kubernetes":
            return port_open("127.0.0.1", state["k8s"]["port"]) and read_json(os.path.join(top, "k8s", "ready.json"))
        return os.path.exists(os.path.join(top, "docker.sock"))
    wait_until(ready, 30, "the %s emulation" % kind, 0.1)
    say("%s emulation up (pid %d)" % (kind, proc.pid))


def stop(state):
    top = state["dir"]
    for mark in ("k8s", "docker"):
        terminate(find_pids("--marker=" + marker(mark, top)), timeout=10)
    sock = os.path.join(top, "docker.sock")
    if os.path.exists(sock):
        os.unlink(sock)


def amend_profile(state, path):
    """Puts the deployment block of the chosen kind into the written profile."""
    kind = state.get("deployment", "hosts")
    if kind == "hosts":
        return
    with open(path) as f:
        prof = json.load(f)
    known = prof["deployment"].get("knownHosts")
    if kind == "kubernetes":
        k = state["k8s"]
        prof["deployment"] = {"kind": "kubernetes", "knownHosts": known, "apiServer": k["apiServer"],
                              "namespace": k["namespace"],
                              "deployment": k["deployment"], "hpa": k["hpa"], "context": "sandbox",
                              "caFile": k["caFile"], "token": {"keychain": state["id"] + "/k8s-token"}}
    else:
        c = state["compose"]
        n1 = state["nodes"][0]
        prof["deployment"] = {"kind": "compose", "knownHosts": known,
                              "host": {"host": n1["address"], "port": n1["sshPort"], "user": state["sshUser"],
                                       "identity": "ssh/id_ed25519"},
                              "projectDir": c["projectDir"], "service": c["service"],
                              "imageVariable": c["imageVariable"]}
    write_json(path, prof)


def status_lines(state):
    """`status` lines of the emulation processes (their word is running or stopped)."""
    top, lines = state["dir"], []
    for kind, mark, where in (("kubernetes", "k8s", "https://127.0.0.1:%s" % state.get("k8s", {}).get("port")),
                              ("compose", "docker", os.path.join(top, "docker.sock"))):
        if state.get("deployment") == kind:
            pids = find_pids("--marker=" + marker(mark, top))
            lines.append("%-24s %-8s %-28s pid %s" % (kind + " emulation", "running" if pids else "stopped",
                                                      where, pids[0] if pids else "-"))
    return lines
