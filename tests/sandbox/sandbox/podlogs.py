"""A replica's log stream for the orchestrator emulations (k8s.py's
`GET .../pods/NAME/log`, compose.py's `docker compose logs`): the node's main product
log file (the first of the product's logs: JATOS `logs/application.log`, OpenSpecimen
`os.<node>.log`, Joget `joget.log`), as a container's stdout would carry it. Each
line's time is the timestamp at its start in the product's format (local time);
a line without one (a stack trace, a start script's output) takes the time of the
line before it (lines before the first stamped line: that line's time).

Selection as the kubelet does it (pkg/kubelet/kuberuntime/logs): `tail` lines from
the end first, then `since` (epoch seconds) drops the older lines, then `limit`
bytes cuts the output (in the middle of a line if it falls there). Files are read
in blocks, never whole, so a 200 MiB log costs no memory."""

import datetime
import os
import re
import time

from . import configs

BLOCK = 1024 * 1024
_STAMPS = (
    # logback, log4j-os, loader: 2026-11-23 16:43:46,123
    (re.compile(rb"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)(?:[,.](\d{3}))?"), "%Y-%m-%d %H:%M:%S"),
    # juli: 23-Nov-2026 16:43:46.123
    (re.compile(rb"^(\d\d-[A-Z][a-z]{2}-\d{4} \d\d:\d\d:\d\d)(?:[.,](\d{3}))?"), "%d-%b-%Y %H:%M:%S"),
    # log4j-joget: INFO  23 Nov 2026 16:43:46 logger  - message
    (re.compile(rb"^[A-Z]+ +(\d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d)()"), "%d %b %Y %H:%M:%S"),
)


def main_log(state, node):
    """Absolute path of node's main product log (it may not exist yet)."""
    logs = configs.load_node_config(state["product"], node["installDir"], node["name"])["logs"]
    return logs["app"]


def line_time(line):
    """Epoch seconds of the timestamp a log line starts with, or None."""
    for rx, fmt in _STAMPS:
        m = rx.match(line)
        if m:
            try:
                t = time.mktime(datetime.datetime.strptime(m.group(1).decode(), fmt).timetuple())
            except ValueError:
                return None
            return t + (int(m.group(2)) / 1000.0 if m.group(2) else 0.0)
    return None


def tail_offset(f, size, n):
    """The offset where the last n lines of the first `size` bytes of f begin (a last
    line without its newline counts as a line)."""
    if n <= 0:
        return size
    pos, count = size, 0
    # a trailing newline ends the last line: it does not start another one
    if size:
        f.seek(size - 1)
        if f.read(1) == b"\n":
            pos -= 1
    while pos > 0:
        step = min(BLOCK, pos)
        f.seek(pos - step)
        block = f.read(step)
        i = len(block)
        while True:
            i = block.rfind(b"\n", 0, i)
            if i < 0:
                break
            count += 1
            if count == n:
                return pos - step + i + 1
        pos -= step
    return 0


def _lines(f, start, end):
    """The lines (with their newline, if any) of f between offsets start and end."""
    f.seek(start)
    left, rest = end - start, b""
    while left > 0:
        block = f.read(min(BLOCK, left))
        if not block:
            break
        left -= len(block)
        block = rest + block
        parts = block.split(b"\n")
        rest = parts.pop()
        for p in parts:
            yield p + b"\n"
    if rest:
        yield rest


def stamped(lines):
    """(time, line) pairs; unstamped lines take the time of the stamped line before
    them (before the first one: the first one's time)."""
    pending, last = [], None
    for line in lines:
        t = line_time(line)
        if t is None and last is None:
            pending.append(line)
            if len(pending) > 10000:       # no stamp in sight: give them "now"
                for p in pending:
                    yield time.time(), p
                pending, last = [], time.time()
            continue
        if t is None:
            t = last
        for p in pending:
            yield t, p
        pending, last = [], t
        yield t, line
    for p in pending:
        yield time.time() if last is None else last, p


def rfc3339nano(t, fixed=False):
    """kubelet's timestamps (RFC 3339 with nanoseconds, trailing zeros dropped) or, with
    fixed=True, Docker's (always 9 digits)."""
    sec = int(t)
    frac = "%09d" % int(round((t - sec) * 1e9))
    if frac == "1000000000":
        sec, frac = sec + 1, "000000000"
    if not fixed:
        frac = frac.rstrip("0")
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(sec)) + ("." + frac if frac else "") + "Z"


def select(path, tail=None, since=None, limit=None, timestamps=False, docker_time=False):
    """Yields the bytes of the selected stream of the log at path, in blocks: the last
    `tail` lines, those not older than `since` (epoch seconds), each prefixed with its
    time when `timestamps`, cut after `limit` bytes. A missing file is an empty stream."""
    try:
        f = open(path, "rb")
    except FileNotFoundError:
        return
    with f:
        size = os.fstat(f.fileno()).st_size     # what was written when the request came
        start = 0 if tail is None else tail_offset(f, size, tail)
        left = limit
        out, n = [], 0
        lines = _lines(f, start, size)
        if since is not None or timestamps:
            pairs = stamped(lines)
            if since is not None:
                pairs = ((t, line) for t, line in pairs if t >= since)
            if timestamps:
                lines = (rfc3339nano(t, docker_time).encode() + b" " + line for t, line in pairs)
            else:
                lines = (line for _, line in pairs)
        for line in lines:
            if left is not None and len(line) >= left:
                out.append(line[:left])
                break
            if left is not None:
                left -= len(line)
            out.append(line)
            n += len(line)
            if n >= 256 * 1024:
                yield b"".join(out)
                out, n = [], 0
        if out:
            yield b"".join(out)
