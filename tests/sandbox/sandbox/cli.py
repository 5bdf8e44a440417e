"""The `clusterdesk-sandbox` command line: up, down, status, fault, effective (the
configuration the nodes took, as JSON), events (what the nodes did, as JSON),
make-release, and sql (a query against the sandbox database as its administrator, for tests and
demos). Errors are one line on stderr and exit status 1; usage errors exit 2."""

import argparse
import json
import os
import sys

from . import cluster, faults, httponly, release
from .products import PRODUCTS, check_version
from .util import SandboxError


def parser():
    ap = argparse.ArgumentParser(
        prog="clusterdesk-sandbox",
        description="A local cluster of simulated JATOS, OpenSpecimen or Joget DX nodes behind real "
                    "OpenSSH servers and a real MariaDB, for Clusterdesk's tests and demos.")
    sub = ap.add_subparsers(dest="command", required=True,
                         metavar="{up,down,status,fault,effective,events,make-release,sql,fill-logs,plant-secrets}")

    up = sub.add_parser("up", help="start a sandbox cluster in DIR")
    up.add_argument("--product", required=True, choices=sorted(PRODUCTS))
    up.add_argument("--nodes", type=int, default=3)
    up.add_argument("--dir", required=True)
    up.add_argument("--version", help="node version (default: jatos 3.10.4, openspecimen v11.0.2, joget 8.0.12)")
    up.add_argument("--warmup", type=float, default=3.0,
                    help="seconds a starting node takes before its health endpoint answers (default 3)")
    up.add_argument("--trust-host-keys", action="store_true",
                    help="put the nodes' host keys in DIR/known_hosts (default: leave it empty)")
    up.add_argument("--http-only", action="store_true",
                    help="HTTP nodes only, all in one process (no database, no SSH): for benchmarks")
    up.add_argument("--latency-ms", type=int, default=0, help="--http-only: delay of every answer")
    up.add_argument("--deployment", choices=["hosts", "kubernetes", "compose"], default="hosts",
                    help="also emulate a Kubernetes API server or a `docker compose` on the nodes' SSH "
                         "(default hosts: neither)")
    up.add_argument("--no-wait", action="store_true", help="return once started, before the nodes are ready")
    up.add_argument("--cli", help="clusterdesk-cli to validate the profile with (default: $CLUSTERDESK_CLI, "
                                  "then build/default/app/clusterdesk-cli)")

    down = sub.add_parser("down", help="stop everything of the sandbox in DIR")
    down.add_argument("--dir", required=True)

    st = sub.add_parser("status", help="one line per component; exit 0 when all are up")
    st.add_argument("--dir", required=True)

    fl = sub.add_parser("fault", help="inject a fault into a node")
    fl.add_argument("--dir", required=True)
    fl.add_argument("--node", required=True)
    fl.add_argument("kind", choices=faults.KINDS)
    fl.add_argument("arg", nargs="?", help="slow: milliseconds; wrong-version: the version to report")
    # ssh-down: open SSH sessions killed, sshd stopped (SIGSTOP); clear resumes it

    ef = sub.add_parser("effective", help="print the configuration each node took at its last start (JSON)")
    ef.add_argument("--dir", required=True)
    ef.add_argument("--node", help="only this node")

    ev = sub.add_parser("events", help="print the nodes' event record DIR/events.jsonl as one JSON list")
    ev.add_argument("--dir", required=True)
    ev.add_argument("--node", help="only this node")

    mr = sub.add_parser("make-release", help="build a release package (.tar.gz or .zip)")
    mr.add_argument("--product", required=True, choices=sorted(PRODUCTS))
    mr.add_argument("--version", required=True)
    mr.add_argument("--out", required=True)

    q = sub.add_parser("sql", help="run SQL on the sandbox's product database (as its administrator)")
    q.add_argument("--dir", required=True)
    q.add_argument("query")

    fl2 = sub.add_parser("fill-logs", help="grow every node's product logs to about N MB (diagnostics tests)")
    fl2.add_argument("--dir", required=True)
    fl2.add_argument("--mb", type=float, required=True, help="megabytes (MiB) of log per node, over its log files")
    fl2.add_argument("--rotated", type=int, default=0, help="also K rotated .gz days of the main log (default 0)")
    fl2.add_argument("--rotated-mb", type=float, default=1.0,
                     help="uncompressed MiB of each rotated file (default 1)")
    fl2.add_argument("--jobs", type=int, help="worker processes (default: the CPU count, at most 32)")

    ps = sub.add_parser("plant-secrets", help="plant distinct secret values in every source a diagnostics "
                                              "bundle collects from, and print them")
    ps.add_argument("--dir", required=True)
    ps.add_argument("--json", action="store_true", help="print one JSON object (default: source<TAB>value lines)")
    ps.add_argument("--no-restart", action="store_true",
                    help="hosts: do not restart the nodes (the planted environment then waits for their next start)")

    for internal in ("serve-k8s", "serve-docker"):      # internal: the emulation processes
        em = sub.add_parser(internal)
        em.add_argument("--dir", required=True)
        em.add_argument("--marker", help="marker: lets `down` find this process")

    hs = sub.add_parser("serve-http-only")      # internal: the --http-only process
    hs.add_argument("--dir", required=True)
    hs.add_argument("--sandbox-http-only", help="marker: lets `down` find this process")
    return ap


def main(argv=None):
    args = parser().parse_args(argv)
    try:
        if args.command == "up":
            if args.version:
                check_version(args.product, args.version)
            return cluster.up(args)
        if args.command == "down":
            return cluster.down(args.dir)
        if args.command == "status":
            return cluster.status(args.dir)
        if args.command == "fault":
            return cluster.fault(args.dir, args.node, args.kind, args.arg)
        if args.command == "effective":
            return cluster.show_effective(args.dir, args.node)
        if args.command == "events":
            return cluster.show_events(args.dir, args.node)
        if args.command == "make-release":
            out = release.make_package(args.product, check_version(args.product, args.version), args.out)
            print(out)
            print(out + ".sha256")
            print("install on a node with: {installDir}/install-release.sh %s %s"
                  % (os.path.basename(out), args.version))
            return 0
        if args.command == "sql":
            return cluster.sql(args.dir, args.query)
        if args.command == "fill-logs":
            from . import diagnostics
            if args.mb < 0 or args.rotated < 0 or args.rotated_mb < 0:
                raise SandboxError("--mb, --rotated and --rotated-mb cannot be negative")
            print(json.dumps(diagnostics.fill_logs(args.dir, args.mb, args.rotated, args.rotated_mb, args.jobs),
                             indent=1))
            return 0
        if args.command == "plant-secrets":
            from . import diagnostics
            out = diagnostics.plant_secrets(args.dir, restart=not args.no_restart)
            if args.json:
                print(json.dumps(out, indent=1))
            else:
                for source, value in out["values"].items():
                    print("%s\t%s" % (source, value))
            return 0
        if args.command == "serve-k8s":
            from . import k8s
            return k8s.serve(os.path.abspath(args.dir))
        if args.command == "serve-docker":
            from . import compose
            return compose.serve(os.path.abspath(args.dir))
        if args.command == "serve-http-only":
            return httponly.serve(os.path.abspath(args.dir))
    except SandboxError as e:
        print("clusterdesk-sandbox: error: %s" % e, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return 2

