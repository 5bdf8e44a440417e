#!/usr/bin/python3
"""Times a guided upgrade and splits it into what the nodes need and what
Clusterdesk adds (issue target: at most 1 s per node).

    tests/scripts/with-keyring.sh tests/bench/bench_upgrade.py BUILD_DIR [--nodes N] [--warmup S]

A sandbox of N JATOS nodes on 3.10.0 (subnet $CLUSTERDESK_SANDBOX_SUBNET, default
70) is upgraded to 3.10.5 with `clusterdesk-cli upgrade --json`. From the CLI's step
timings and the sandbox's own event record (events.jsonl):

- stop:    the "Stop every node" step (the nodes' own shutdown, SSH included);
- install: the install steps (the product's own install command);
- warm-up: per node, from the moment the start command is sent (the CLI's
           step-started "at") to the node's `serving` event on the new version;
- backup:  the database dump (the database's time, not the nodes');
- overhead = wall time - stop - install - sum(warm-up) - backup, also per node:
  the checks, the lock, uploads and checksums, verification and the final check.

Prints the figures (and writes them as JSON to $CLUSTERDESK_BENCH_JSON when set).
Fails only when the upgrade itself fails, never on timing."""

import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "sandbox"))
from sandbox import events  # noqa: E402

SANDBOX = os.path.join(HERE, "..", "sandbox", "clusterdesk-sandbox")


def main(argv):
    if not argv or not os.path.isdir(argv[0]):
        print(__doc__, file=sys.stderr)
        return 2
    cli = os.path.join(os.path.abspath(argv[0]), "app", "clusterdesk-cli")
    nodes = int(argv[argv.index("--nodes") + 1]) if "--nodes" in argv else 5
    warmup = argv[argv.index("--warmup") + 1] if "--warmup" in argv else "2"
    env = dict(os.environ, CLUSTERDESK_SANDBOX_SUBNET=os.environ.get("CLUSTERDESK_SANDBOX_SUBNET", "70"),
               CLUSTERDESK_CLI=cli, PYTHONDONTWRITEBYTECODE="1")
    with tempfile.TemporaryDirectory(prefix="clusterdesk-bench-upgrade.") as tmp:
        top = os.path.join(tmp, "sandbox")
        env["XDG_DATA_HOME"] = os.path.join(tmp, "data")
        subprocess.run([SANDBOX, "up", "--product", "jatos", "--nodes", str(nodes), "--dir", top,
                        "--version", "3.10.0", "--warmup", warmup, "--trust-host-keys"], env=env, check=True,
                       stdout=subprocess.DEVNULL)
        try:
            package = os.path.join(tmp, "jatos-3.10.5.zip")
            subprocess.run([SANDBOX, "make-release", "--product", "jatos", "--version", "3.10.5",
                            "--out", package], env=env, check=True, stdout=subprocess.DEVNULL)
            began = time.time()
            run = subprocess.run([cli, "upgrade", "--profile", os.path.join(top, "profile.json"),
                                  "--to", "3.10.5", "--package", package, "--yes", "--json"],
                                 env=env, capture_output=True, text=True, timeout=1800)
            wall = time.time() - began
            lines = [json.loads(line) for line in run.stdout.splitlines() if line.startswith("{")]
            if run.returncode != 0:
                print(run.stdout[-4000:], run.stderr[-4000:], file=sys.stderr)
                print("the upgrade failed (exit %d)" % run.returncode, file=sys.stderr)
                return 1
            started = {e["step"]: e for e in lines if e["event"] == "step-started"}
            finished = {e["step"]: e for e in lines if e["event"] == "step-finished"}

            def seconds(prefix):
                return sum(finished[k]["elapsedMs"] / 1000.0 for k, e in started.items()
                           if e["description"].startswith(prefix) and k in finished)

            stop = seconds("Stop every node")
            backup = seconds("Back up the database")
            install = seconds("Install ")
            record = events.read(events.path_of(top))
            warmups = []
            for k in range(1, nodes + 1):
                name = "jatos-%d" % k
                # From the moment Clusterdesk runs the start command to the node's own
                # "serving" on the new version: the start script and the warm-up.
                start = next(e for e in started.values() if e["description"] == "Start %s" % name)
                serving = [e["t"] for e in record if e["node"] == name and e["event"] == "serving"
                           and e["version"] == "3.10.5"]
                warmups.append(serving[-1] - start["at"] / 1000.0)
            overhead = wall - stop - install - sum(warmups) - backup
            figures = {"nodes": nodes, "wallSeconds": round(wall, 2), "stopSeconds": round(stop, 2),
                       "installSeconds": round(install, 2), "warmupSecondsTotal": round(sum(warmups), 2),
                       "backupSeconds": round(backup, 2),
                       "overheadSeconds": round(overhead, 2), "overheadPerNodeSeconds": round(overhead / nodes, 3),
                       "targetPerNodeSeconds": 1.0}
            print("upgrade of %d nodes: %.1f s wall; the nodes' own stop %.1f s, install %.1f s, start and "
                  "warm-up %.1f s; backup %.1f s; Clusterdesk adds %.1f s = %.2f s per node (target <= 1 s)"
                  % (nodes, wall, stop, install, sum(warmups), backup, overhead, overhead / nodes))
            if os.environ.get("CLUSTERDESK_BENCH_JSON"):
                with open(os.environ["CLUSTERDESK_BENCH_JSON"], "w") as f:
                    json.dump(figures, f, indent=2)
        finally:
            subprocess.run([SANDBOX, "down", "--dir", top], env=env, stdout=subprocess.DEVNULL)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
