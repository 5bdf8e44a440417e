#!/usr/bin/python3
"""Times a diagnostics bundle of a big cluster and measures the CLI's memory
(target: peak RSS at most 64 MB above the idle CLI's).

    tests/scripts/with-keyring.sh tests/bench/bench_diagnostics.py BUILD_DIR [--nodes N] [--mb MB]

A sandbox of N (default 10) JATOS nodes (subnet $CLUSTERDESK_SANDBOX_SUBNET, default
91) gets MB (default 200) MiB of logs per node with `clusterdesk-sandbox fill-logs`;
then `clusterdesk-cli diagnostics --max-log-mb MB --json` collects them over SSH and
writes the bundle. Measured:

- wall time of the CLI, and its peak RSS (the kernel's ru_maxrss of that one child,
  from wait4), against the idle RSS of `clusterdesk-cli --version`;
- throughput: the bundle's content bytes (the CLI's contentBytes; the logs' bytes on
  disk when it does not say) per second of wall time;
- for comparison, `zip -r -q` of the same log and configuration files, read locally
  (no SSH, no redaction): its wall time and MB/s.

Prints the figures (and writes them as JSON to $CLUSTERDESK_BENCH_JSON when set).
Fails only when the CLI fails, never on timing or memory."""

import json
import os
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SANDBOX = os.path.join(HERE, "..", "sandbox", "clusterdesk-sandbox")
MB = 1024 * 1024
TARGET_RSS_ABOVE_IDLE_MB = 64


def timed(args, env, stdout=subprocess.PIPE):
    """(exit code, stdout bytes, stderr bytes, wall seconds, peak RSS in KiB) of one
    process, its RSS from wait4 (only that process, not the other children)."""
    began = time.monotonic()
    proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=stdout, stderr=subprocess.PIPE, env=env)
    # read both pipes without blocking the child, then reap it with wait4 for its rusage
    out, err = b"", b""
    if stdout == subprocess.PIPE:
        box = {}
        t = threading.Thread(target=lambda: box.setdefault("err", proc.stderr.read()), daemon=True)
        t.start()
        out = proc.stdout.read()
        t.join()
        err = box.get("err", b"")
    else:
        err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - began
    proc.returncode = os.waitstatus_to_exitcode(status)
    return proc.returncode, out, err, wall, usage.ru_maxrss


def main(argv):
    if not argv or not os.path.isdir(argv[0]):
        print(__doc__, file=sys.stderr)
        return 2
    cli = os.path.join(os.path.abspath(argv[0]), "app", "clusterdesk-cli")
    nodes = int(argv[argv.index("--nodes") + 1]) if "--nodes" in argv else 10
    mb = int(argv[argv.index("--mb") + 1]) if "--mb" in argv else 200
    env = dict(os.environ, CLUSTERDESK_SANDBOX_SUBNET=os.environ.get("CLUSTERDESK_SANDBOX_SUBNET", "91"),
               CLUSTERDESK_CLI=cli, PYTHONDONTWRITEBYTECODE="1")
    with tempfile.TemporaryDirectory(prefix="clusterdesk-bench-diagnostics.") as tmp:
        top = os.path.join(tmp, "sandbox")
        env["XDG_DATA_HOME"] = os.path.join(tmp, "data")
        subprocess.run([SANDBOX, "up", "--product", "jatos", "--nodes", str(nodes), "--dir", top,
                        "--warmup", "1", "--trust-host-keys"], env=env, check=True, stdout=subprocess.DEVNULL)
        try:
            fill = json.loads(subprocess.run([SANDBOX, "fill-logs", "--dir", top, "--mb", str(mb)], env=env,
                                             check=True, capture_output=True, text=True).stdout)
            log_bytes = sum(n["bytes"] for n in fill["nodes"].values())
            rc, _, err, _, idle_kib = timed([cli, "--version"], env)
            if rc != 0:
                print(err.decode()[-2000:], file=sys.stderr)
                print("clusterdesk-cli --version failed (exit %d)" % rc, file=sys.stderr)
                return 1
            out_dir = os.path.join(tmp, "out")
            os.makedirs(out_dir)
            rc, out, err, wall, peak_kib = timed([cli, "diagnostics", "--profile", os.path.join(top, "profile.json"),
                                                  "--out", out_dir, "--max-log-mb", str(mb), "--json"], env)
            if rc != 0:
                print(out.decode()[-4000:], err.decode()[-4000:], file=sys.stderr)
                print("the diagnostics run failed (exit %d)" % rc, file=sys.stderr)
                return 1
            report = json.loads(out)
            content = report.get("contentBytes") or log_bytes
            # the same files, zipped locally: symbolic links to every node's logs and configuration
            stage = os.path.join(tmp, "stage")
            with open(os.path.join(top, "sandbox.json")) as f:
                state = json.load(f)
            for n in state["nodes"]:
                files = [x["path"] for x in fill["nodes"][n["name"]]["logs"]]
                files.append(os.path.join(n["installDir"], "conf", "jatos.conf"))
                folder = os.path.join(stage, "nodes", n["name"])
                os.makedirs(folder)
                for path in files:
                    os.symlink(path, os.path.join(folder, os.path.basename(path)))
            began = time.monotonic()
            z = subprocess.run(["zip", "-r", "-q", os.path.join(tmp, "plain.zip"), "stage"], cwd=tmp,
                               capture_output=True, text=True)
            zip_wall = time.monotonic() - began
            zip_bytes = os.path.getsize(os.path.join(tmp, "plain.zip")) if z.returncode == 0 else None
            above = (peak_kib - idle_kib) / 1024.0
            figures = {
                "nodes": nodes, "logMiBPerNode": mb, "logBytes": log_bytes,
                "wallSeconds": round(wall, 2), "contentBytes": content,
                "archiveBytes": report.get("archiveBytes"), "entries": report.get("entries"),
                "cliElapsedMs": report.get("elapsedMs"),
                "throughputMBps": round(content / MB / wall, 1) if wall else None,
                "peakRssMB": round(peak_kib / 1024.0, 1), "idleRssMB": round(idle_kib / 1024.0, 1),
                "rssAboveIdleMB": round(above, 1), "targetRssAboveIdleMB": TARGET_RSS_ABOVE_IDLE_MB,
                "zipSeconds": round(zip_wall, 2) if z.returncode == 0 else None,
                "zipArchiveBytes": zip_bytes,
                "zipThroughputMBps": round(log_bytes / MB / zip_wall, 1) if z.returncode == 0 and zip_wall else None,
                "failures": len(report.get("failures") or []),
            }
            print("diagnostics of %d nodes x %d MiB of logs: %.1f s wall, %.1f MB/s (%d content bytes, archive %s "
                  "bytes, %s entries, %d failures)" % (nodes, mb, wall, figures["throughputMBps"] or 0, content,
                                                       report.get("archiveBytes"), report.get("entries"),
                                                       figures["failures"]))
            print("peak RSS %.1f MB, idle (--version) %.1f MB: %.1f MB above idle (target <= %d MB: %s)"
                  % (figures["peakRssMB"], figures["idleRssMB"], above, TARGET_RSS_ABOVE_IDLE_MB,
                     "met" if above <= TARGET_RSS_ABOVE_IDLE_MB else "MISSED"))
            if z.returncode == 0:
                print("zip -r -q of the same files, locally: %.1f s, %.1f MB/s, %d bytes"
                      % (zip_wall, figures["zipThroughputMBps"] or 0, zip_bytes))
            else:
                print("zip -r -q failed: %s" % z.stderr.strip())
            if os.environ.get("CLUSTERDESK_BENCH_JSON"):
                with open(os.environ["CLUSTERDESK_BENCH_JSON"], "w") as f:
                    json.dump(figures, f, indent=2)
        finally:
            subprocess.run([SANDBOX, "down", "--dir", top], env=env, stdout=subprocess.DEVNULL)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
