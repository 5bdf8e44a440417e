"""The sandbox's event record DIR/events.jsonl: what the nodes did and answered, as
evidence for upgrade tests (which version served when). One JSON object per line,
appended by the node processes themselves (O_APPEND, one write(2) per line, so the
lines of concurrent processes never interleave), with `t` (epoch seconds), `node`,
`event`, `version` and event-specific fields:

    starting  a start passed its checks; the server process was launched (pid)
    refused   a start was refused (reason)
    migrated  the start migrated the schema forward (from, to: text)
    serving   warm-up done: the node answers its health endpoint
    stopped   the server process ended (code)
    killed    the process was SIGKILLed (`fault down`, or a stop that timed out)
    health    one answer to the health path (path, status)
    version   one answer to the version path (path, status): JATOS's /jatos/signin

`version` is the version the node runs; in health / version answers it is the
version the answer reports (a `wrong-version` fault shows there)."""

import json
import os
import time

FILE = "events.jsonl"


def path_of(top):
    return os.path.join(top, FILE)


def record(events_file, node, event, version, **fields):
    """Appends one event; no `events_file` (None) records nothing."""
    if not events_file:
        return
    entry = {"t": round(time.time(), 6), "node": node, "event": event, "version": version}
    entry.update(fields)
    line = (json.dumps(entry, separators=(",", ":")) + "\n").encode()
    fd = os.open(events_file, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, line)
    finally:
        os.close(fd)


def read(path, node=None):
    """The events in file order (a torn last line, if any, is skipped)."""
    out = []
    try:
        with open(path) as f:
            lines = f.read().splitlines()
    except FileNotFoundError:
        return out
    for line in lines:
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if node is None or entry.get("node") == node:
            out.append(entry)
    return out


def last_version(path, node):
    """The version of the node's last `starting` event, or None."""
    starts = [e for e in read(path, node) if e["event"] == "starting"]
    return starts[-1]["version"] if starts else None


def serving_intervals(entries, until=None):
    """[{node, version, from, to}]: from a `serving` event to the node's next
    `stopped` / `killed` (to = `until`, default now, while it still serves)."""
    open_, out = {}, []
    for e in sorted(entries, key=lambda e: e["t"]):
        if e["event"] == "serving":
            open_[e["node"]] = e
        elif e["event"] in ("stopped", "killed") and e["node"] in open_:
            s = open_.pop(e["node"])
            out.append({"node": s["node"], "version": s["version"], "from": s["t"], "to": e["t"]})
    end = time.time() if until is None else until
    out += [{"node": s["node"], "version": s["version"], "from": s["t"], "to": end} for s in open_.values()]
    return sorted(out, key=lambda i: i["from"])


def mixed_versions(entries):
    """Pairs of serving intervals of different versions that overlap in time
    (empty: two versions never served at the same time)."""
    spans = serving_intervals(entries)
    return [(a, b) for i, a in enumerate(spans) for b in spans[i + 1:]
            if a["version"] != b["version"] and a["from"] < b["to"] and b["from"] < a["to"]]
