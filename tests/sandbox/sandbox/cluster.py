"""The sandbox as a whole, seen from the host: `up` (database, nodes, sshds, profile,
secrets; everything torn down again if a step fails), `down`, `status` and `fault`.
What is running is recorded in DIR/sandbox.json; processes are found again by a
marker on their command line, so `down` works even when a pid changed."""

import hashlib
import json
import os
import secrets as pysecrets
import shutil
import socket
import urllib.error
import urllib.request

from . import configs, emulation, events, faults, keychain, ossettings, profile, release, schema, ssh
from .db import Server
from .products import evolution_for, product
from .util import (SandboxError, find_pids, node_address, pid_alive, pid_state, port_open, read_json,
                   say, terminate, wait_until, write_atomic, write_json)

STATE = "sandbox.json"


def sandbox_id(top):
    return "sandbox-" + hashlib.sha1(os.path.realpath(top).encode()).hexdigest()[:10]


def load_state(top):
    return read_json(os.path.join(top, STATE))


def save_state(state):
    write_json(os.path.join(state["dir"], STATE), state)


def node_marker(node):
    return "--sandbox-node-home=" + node["home"]


def http_only_marker(top):
    return "--sandbox-http-only=" + top


def node_pids(node):
    return find_pids(node_marker(node))


def http_ok(url, timeout=2.0):
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status == 200
    except (urllib.error.URLError, OSError, socket.timeout):
        return False


def _check_free(nodes, with_ssh):
    for n in nodes:
        for port in [n["port"]] + ([ssh.SSH_PORT] if with_ssh else []):
            if port_open(n["address"], port, timeout=0.2):
                raise SandboxError("%s:%d is already in use (another sandbox? run `down` for it first)"
                                   % (n["address"], port))


def _require_tools():
    missing = [t for t in ("/usr/sbin/mariadbd", "/usr/bin/mariadb-install-db", "/usr/bin/mariadb",
                           ssh.SSHD, "/usr/bin/ssh-keygen") if not os.path.exists(t)]
    if missing:
        raise SandboxError("missing %s: run scripts/install-deps.sh" % ", ".join(missing))


def plan_nodes(top, pid, count):
    p = product(pid)
    nodes = []
    for k in range(1, count + 1):
        name = p.node_name(k)
        home = os.path.join(top, "nodes", name)
        nodes.append({"name": name, "index": k, "product": pid, "address": node_address(k), "port": p.port,
                      "home": home, "installDir": os.path.join(home, "current"), "sshPort": ssh.SSH_PORT})
    return nodes


def up(args):
    top = os.path.abspath(args.dir)
    pid = args.product
    p = product(pid)
    version = args.version or p.default_version
    from .products import check_version
    check_version(pid, version)
    if args.nodes < 1:
        raise SandboxError("--nodes must be at least 1")
    old = load_state(top)
    if old and old.get("running"):
        raise SandboxError("a sandbox is already up in %s; run `clusterdesk-sandbox down --dir %s` first"
                           % (top, top))
    if old:
        say("removing the stopped sandbox left in %s" % top)
        for entry in os.listdir(top):
            path = os.path.join(top, entry)
            if os.path.isdir(path) and not os.path.islink(path):
                shutil.rmtree(path)
            else:
                os.unlink(path)
    elif os.path.isdir(top) and os.listdir(top):
        raise SandboxError("%s is not empty and holds no sandbox; choose an empty or new folder" % top)
    if not args.http_only:
        _require_tools()
    nodes = plan_nodes(top, pid, args.nodes)
    _check_free(nodes, not args.http_only)
    os.makedirs(top, exist_ok=True)
    state = {"format": 1, "id": sandbox_id(top), "dir": top, "product": pid, "version": version,
             "warmup": args.warmup, "httpOnly": bool(args.http_only), "running": True,
             "sshUser": ssh.ssh_user(), "shared": os.path.join(top, "shared"), "nodes": nodes,
             "keychainNames": [], "deployment": getattr(args, "deployment", "hosts")}
    if args.http_only and state["deployment"] != "hosts":
        raise SandboxError("--deployment %s needs a full sandbox (not --http-only)" % state["deployment"])
    save_state(state)
    try:
        if args.http_only:
            from . import httponly
            httponly.start(state, args.latency_ms)
        else:
            _up_cluster(state, args)
        write_balancer(state)
        path = profile.write(state)
        emulation.amend_profile(state, path)
        ok, out = profile.validate(path, getattr(args, "cli", None))
        if ok is False:
            raise SandboxError("clusterdesk-cli does not accept %s:\n%s" % (path, out))
        if ok:
            say("profile checked by clusterdesk-cli: %s" % out.splitlines()[-1])
        save_state(state)
    except BaseException as e:
        say("up failed (%s); tearing down what was started" % e)
        try:
            down(top, quiet=True)
        except Exception as e2:
            say("teardown problem: %s" % e2)
        raise
    print("Sandbox %s up: %d %s node(s) %s" % (state["id"], len(nodes), p.display, version))
    print("profile: %s" % os.path.join(top, "profile.json"))
    for n in nodes[:5]:
        print("  %-16s %s%s" % (n["name"], p.url(n["address"]),
                                "" if args.http_only else "  ssh %s@%s -p %d" % (state["sshUser"], n["address"],
                                                                                 ssh.SSH_PORT)))
    if len(nodes) > 5:
        print("  ... %d more" % (len(nodes) - 5))
    print("open it:  clusterdesk %s" % os.path.join(top, "profile.json"))
    print("stop it:  clusterdesk-sandbox down --dir %s" % top)
    return 0


def _up_cluster(state, args):
    top, pid, version = state["dir"], state["product"], state["version"]
    p = product(pid)
    # 1. the database
    server = Server(top, state["id"])
    say("initialising MariaDB in %s" % server.datadir)
    server.install()
    port = _free_db_port()
    state["db"] = {"port": port, "socket": server.socket, "schema": {"jatos": "jatos", "openspecimen":
                   "openspecimen", "joget": "jwdb"}[pid], "user": pid}
    state["db"]["pid"] = server.start(port)
    save_state(state)
    _fail_point("db")
    db = {"host": "127.0.0.1", "port": port, "schema": state["db"]["schema"], "user": pid,
          "password": pysecrets.token_urlsafe(32)}
    server.create_product_db(db["schema"], db["user"], db["password"])
    admin = server.admin(db["schema"])
    if pid == "jatos":
        schema.jatos_create(admin, evolution_for(version))
    elif pid == "openspecimen":
        schema.os_create(admin, version)
    else:
        schema.joget_create(admin, [n["name"] for n in state["nodes"]])
    secret_values = {state["id"] + "/db-password": db["password"]}
    app_secret = None
    if pid == "jatos":
        app_secret = pysecrets.token_urlsafe(48)
        secret_values[state["id"] + "/app-secret"] = app_secret
    elif pid == "openspecimen":
        app_secret = pysecrets.token_urlsafe(32)
        secret_values[state["id"] + "/cluster-secret"] = app_secret
    # 2. nodes' install folders and configuration; the shared folder
    shared = state["shared"]
    for sub in ("study_assets_root", "result_uploads", "study_logs", "tmp", "logs", "wflow", "config-settings"):
        os.makedirs(os.path.join(shared, sub), exist_ok=True)
    ssh.user_key(top, state["id"])
    for n in state["nodes"]:
        os.makedirs(os.path.join(n["home"], "state"), exist_ok=True)
        release.install_fresh(n["home"], pid, version)
        own, shared_files = configs.node_files(pid, n, db, shared, app_secret)
        # The products keep database passwords and secrets in these files: owner only.
        for rel, text in own.items():
            write_atomic(os.path.join(n["installDir"], rel), text, mode=0o600)
        for path, text in shared_files.items():
            write_atomic(path, text, mode=0o600)
        write_json(os.path.join(n["home"], "sandbox-node.json"),
                   {"name": n["name"], "warmupSeconds": args.warmup, "heartbeatSeconds": 10,
                    "eventsFile": events.path_of(top)})
        ssh.write_config(top, n["name"], n["address"], os.path.join(n["home"], "home"))
    if pid == "openspecimen":
        write_json(os.path.join(shared, "config-settings", "cluster.json"), {
            "notifTimeout": 60, "notifErrorRcpts": ["admin@example.org"], "secret": app_secret,
            "nodes": [{"name": n["name"], "url": p.url(n["address"])} for n in state["nodes"]]}, mode=0o600)
        # an administrator's API token for the settings API (X-OS-API-TOKEN), see ossettings.py
        admin_token = pysecrets.token_urlsafe(32)
        secret_values[state["id"] + "/os-admin-token"] = admin_token
        ossettings.setup(shared, admin_token)
    secret_values.update(emulation.prepare(state, state["deployment"], {"db": db, "appSecret": app_secret}))
    ssh.write_known_hosts(top, state["nodes"], args.trust_host_keys)
    # 3. one sshd per node, then the nodes themselves, one at a time
    state["pidNamespaces"] = ssh.pid_namespaces_available()
    if not state["pidNamespaces"]:
        say("NOTICE: no PID namespaces (unshare --pid unavailable or turned off): all nodes share one "
            "process table, so the Tomcat presets' `pgrep` running check sees every node's process")
    for n in state["nodes"]:
        n["sshPid"], n["nsPid"] = ssh.start(top, n["name"], n["address"], state["pidNamespaces"])
        save_state(state)
    _fail_point("sshd")
    for n in state["nodes"]:
        start_node(state, n)
    _fail_point("nodes")
    if not args.no_wait:
        for n in state["nodes"]:
            url = p.health_url(n["address"])
            wait_until(lambda: http_ok(url), args.warmup + 60, "%s to answer %s" % (n["name"], url), 0.1)
    save_state(state)
    emulation.start(state, state["deployment"])
    # 4. secrets and profile
    state["secrets"] = keychain.store_all(top, secret_values)
    state["keychainNames"] = sorted(secret_values) if state["secrets"] == "keychain" else []


def write_balancer(state):
    """DIR/balancer/balancer.conf: the load balancer's configuration, one BalancerMember
    per node (see configs.balancer_conf). The profile names it with the first node's SSH
    target, as if that host ran the balancer too."""
    folder = os.path.join(state["dir"], "balancer")
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, "balancer.conf")
    p = product(state["product"])
    write_atomic(path, configs.balancer_conf(state["product"], state["nodes"], p.base_path))
    state["balancer"] = {"configFile": path}
    return path


def _fail_point(name):
    """Lets the tests break `up` part-way (CLUSTERDESK_SANDBOX_FAIL_AFTER=db|sshd|nodes)
    to check that everything started so far is torn down again."""
    if os.environ.get("CLUSTERDESK_SANDBOX_FAIL_AFTER") == name:
        raise SandboxError("failing after %s, as CLUSTERDESK_SANDBOX_FAIL_AFTER asks" % name)


def _free_db_port():
    from .util import free_port
    return free_port("127.0.0.1")


def start_node(state, node):
    """Runs the product's start command inside the node (as over its SSH)."""
    p = product(state["product"])
    cmd = {"jatos": "loader.sh start", "openspecimen": "bin/startup.sh", "joget": "tomcat.sh start"}[p.id]
    script, *rest = cmd.split()
    r = ssh.run_in_node(node.get("nsPid"), [os.path.join(node["installDir"], script)] + rest,
                        state.get("pidNamespaces", False))
    if r.returncode != 0:
        raise SandboxError("%s did not start (exit %d): %s" % (node["name"], r.returncode,
                                                               (r.stderr or r.stdout).strip()))


def down(top, quiet=False):
    top = os.path.abspath(top)
    state = load_state(top)
    if not state:
        if not quiet:
            say("no sandbox in %s" % top)
        return 0
    if state.get("httpOnly"):
        terminate(find_pids(http_only_marker(top)), timeout=10)
    emulation.stop(state)
    for n in [] if state.get("httpOnly") else state.get("nodes", []):
        terminate(node_pids(n), timeout=10)
    for n in [] if state.get("httpOnly") else state.get("nodes", []):
        config = os.path.join(ssh.node_dir(top, n["name"]), "sshd_config")
        pids = [p for p in (n.get("sshPid"), n.get("nsPid")) if p and pid_alive(p)]
        terminate(sorted(set(pids + find_pids(config))), timeout=10)
    if state.get("db"):
        server = Server(top, state["id"])
        server.stop()
        terminate(find_pids("--datadir=" + server.datadir), timeout=10)
        if server.socket.startswith("/tmp/"):
            try:
                os.unlink(server.socket)
            except FileNotFoundError:
                pass
    for name in state.get("keychainNames", []):
        keychain.clear(name)
    state["running"] = False
    save_state(state)
    busy = [("%s:%d" % (n["address"], port)) for n in state.get("nodes", [])
            for port in (n["port"], ssh.SSH_PORT) if port_open(n["address"], port, timeout=0.2)]
    if state.get("db", {}).get("port") and port_open("127.0.0.1", state["db"]["port"], timeout=0.2):
        busy.append("127.0.0.1:%d (mariadbd)" % state["db"]["port"])
    if busy:
        raise SandboxError("after down, still listening: %s" % ", ".join(busy))
    if not quiet:
        say("sandbox in %s is down" % top)
    return 0


def node_status(state, n):
    """(word, pid) for a node: running, warming up, hung, stopped."""
    pids = node_pids(n)
    if not pids:
        return "stopped", 0
    pid = pids[0]
    if pid_state(pid) == "T":
        return "hung (SIGSTOP)", pid
    url = product(state["product"]).health_url(n["address"])
    if state.get("httpOnly"):
        return "running", pid
    return ("running" if http_ok(url, timeout=1.0) else "starting or not answering"), pid


def status(top):
    state = load_state(os.path.abspath(top))
    if not state:
        raise SandboxError("no sandbox in %s" % top)
    all_up = True
    lines = []
    if state.get("httpOnly"):
        pids = find_pids(http_only_marker(state["dir"]))
        up_ = bool(pids)
        all_up &= up_
        lines.append("%-24s %-8s %-28s pid %s" % ("http-only (%d nodes)" % len(state["nodes"]),
                     "running" if up_ else "stopped",
                     "%s..%s" % (state["nodes"][0]["address"], state["nodes"][-1]["address"]),
                     pids[0] if pids else "-"))
    else:
        db = state.get("db", {})
        pid = Server(state["dir"], state["id"]).pid()
        up_ = bool(pid) and port_open("127.0.0.1", db.get("port", 0))
        all_up &= up_
        lines.append("%-24s %-8s %-28s pid %s" % ("db", "running" if up_ else "stopped",
                                                  "127.0.0.1:%s" % db.get("port"), pid or "-"))
        for n in state["nodes"]:
            word, pid = node_status(state, n)
            all_up &= word == "running"
            lines.append("%-24s %-8s %-28s pid %s" % (n["name"], word, product(state["product"]).url(n["address"]),
                                                      pid or "-"))
        for n in state["nodes"]:
            alive = pid_alive(n.get("sshPid", 0)) and port_open(n["address"], ssh.SSH_PORT)
            word = "running" if alive else "stopped"
            if alive and pid_state(n.get("nsPid") or n["sshPid"]) == "T":
                word, alive = "hung (ssh-down)", False
            all_up &= alive
            lines.append("%-24s %-8s %-28s pid %s" % ("sshd " + n["name"], word,
                                                      "%s:%d" % (n["address"], ssh.SSH_PORT),
                                                      n.get("nsPid") if word != "stopped" else "-"))
    emulated = emulation.status_lines(state)
    all_up &= not any(" stopped " in line for line in emulated)
    lines += emulated
    print("\n".join(lines))
    return 0 if all_up else 1


def installed_version(node):
    with open(os.path.join(os.path.realpath(node["installDir"]), "lib", "release.json")) as f:
        return json.load(f)["version"]


def fault(top, name, kind, arg):
    state = load_state(os.path.abspath(top))
    if not state:
        raise SandboxError("no sandbox in %s" % top)
    if state.get("httpOnly"):
        raise SandboxError("faults need a full sandbox (not --http-only)")
    node = next((n for n in state["nodes"] if n["name"] == name), None)
    if node is None:
        raise SandboxError("no node %r (nodes: %s)" % (name, ", ".join(n["name"] for n in state["nodes"])))
    pids = node_pids(node)
    print(faults.apply(node, pids, kind, arg, installed_version))
    if kind == "down":      # the process cannot record its own SIGKILL
        path = events.path_of(state["dir"])
        events.record(path, name, "killed", events.last_version(path, name) or installed_version(node),
                      pid=pids[0], reason="fault down")
    return 0


def show_events(top, name=None):
    """Prints DIR/events.jsonl (see events.py) as one JSON list, optionally one node's."""
    state = load_state(os.path.abspath(top))
    if not state:
        raise SandboxError("no sandbox in %s" % top)
    if name and not any(n["name"] == name for n in state["nodes"]):
        raise SandboxError("no node %r (nodes: %s)" % (name, ", ".join(n["name"] for n in state["nodes"])))
    print(json.dumps(events.read(events.path_of(state["dir"]), name), indent=1))
    return 0


def show_effective(top, name=None):
    """Prints {node: effective.json or null} (see effective.py) as one JSON object."""
    from . import effective
    state = load_state(os.path.abspath(top))
    if not state:
        raise SandboxError("no sandbox in %s" % top)
    if state.get("httpOnly"):
        raise SandboxError("--http-only nodes write no effective configuration")
    if name and not any(n["name"] == name for n in state["nodes"]):
        raise SandboxError("no node %r (nodes: %s)" % (name, ", ".join(n["name"] for n in state["nodes"])))
    print(json.dumps(effective.collect(state, name), indent=2, sort_keys=True))
    return 0


def sql(top, query):
    state = load_state(os.path.abspath(top))
    if not state or not state.get("db"):
        raise SandboxError("no sandbox database in %s" % top)
    rows = Server(state["dir"], state["id"]).admin(state["db"]["schema"]).run(query)
    for row in rows:
        print("\t".join("NULL" if c is None else c for c in row))
    return 0


def remove_tree(top):
    """Used by tests: deletes DIR after down."""
    shutil.rmtree(top, ignore_errors=True)
