"""--http-only: many HTTP nodes (a thousand and more) in ONE process on one asyncio
loop, for benchmarks. No database, no SSH; each node answers its product's endpoints
on its own loopback address, optionally after --latency-ms. The file-descriptor
limit is raised to the hard limit first."""

import asyncio
import os
import resource
import signal
import subprocess

from .httpserver import listening_socket, make_client_handler
from .products import build_info, product, respond
from .util import SandboxError, find_pids, pid_alive, say, wait_until

READY = "http-only.ready"


def start(state, latency_ms):
    """Launches the serving process in the background and waits until it listens."""
    top = state["dir"]
    state["latencyMs"] = latency_ms or 0
    from .cluster import http_only_marker, save_state
    save_state(state)
    ready = os.path.join(top, READY)
    if os.path.exists(ready):
        os.unlink(ready)
    entry = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "clusterdesk-sandbox")
    log = open(os.path.join(top, "http-only.log"), "a")
    proc = subprocess.Popen(["/usr/bin/python3", entry, "serve-http-only", "--dir", top, http_only_marker(top)],
                            stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True)
    log.close()

    def ready_yet():
        if proc.poll() is not None:
            raise SandboxError("the http-only server exited with %d; see %s/http-only.log" % (proc.returncode, top))
        return os.path.exists(ready)
    wait_until(ready_yet, 60 + len(state["nodes"]) / 20, "%d HTTP nodes to listen" % len(state["nodes"]), 0.1)
    state["httpPid"] = proc.pid
    say("%d HTTP nodes listening in process %d" % (len(state["nodes"]), proc.pid))


def raise_nofile(needed):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = hard if hard != resource.RLIM_INFINITY else max(soft, needed)
    if soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    if soft < needed:
        raise SandboxError("the open-file limit (%d, hard %d) is below the %d this needs" % (soft, hard, needed))


async def _serve(state):
    pid = state["product"]
    delay = state.get("latencyMs", 0) / 1000.0
    info = {"version": state["version"], "multiNode": True, "build": build_info(pid, state["version"])}
    servers = []
    for n in state["nodes"]:
        node_info = dict(info, name=n["name"])

        async def handler(method, target, headers, node_info=node_info):
            if delay:
                await asyncio.sleep(delay)
            return respond(pid, method, target, node_info)
        sock = listening_socket(n["address"], n["port"], backlog=64)
        servers.append(await asyncio.start_server(make_client_handler(handler), sock=sock))
    with open(os.path.join(state["dir"], READY), "w") as f:
        f.write("%d\n" % len(servers))
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    for s in servers:
        s.close()


def serve(top):
    from .cluster import load_state
    state = load_state(top)
    raise_nofile(len(state["nodes"]) * 3 + 256)
    print("serving %d %s nodes" % (len(state["nodes"]), product(state["product"]).display), flush=True)
    asyncio.run(_serve(state))
    return 0


def running(top):
    from .cluster import http_only_marker
    return [p for p in find_pids(http_only_marker(top)) if pid_alive(p)]

