"""Small helpers shared by every part of the sandbox: loopback addresses, bounded
waiting, free ports, process lookup by command-line marker, signals, atomic files
and version ordering. Nothing here knows about a particular product."""

import errno
import json
import os
import re
import signal
import socket
import sys
import time

PYTHON = "/usr/bin/python3"


def say(msg):
    """A progress line on stderr (stdout is kept for machine-readable output)."""
    print("clusterdesk-sandbox: " + msg, file=sys.stderr, flush=True)


class SandboxError(Exception):
    """A failure worth one clear line to the user, not a traceback."""


def subnet():
    """The second octet of every node address: 0 unless CLUSTERDESK_SANDBOX_SUBNET
    says otherwise, so that sandboxes started side by side (parallel test suites)
    never share an address. Always inside 127.0.0.0/8."""
    text = os.environ.get("CLUSTERDESK_SANDBOX_SUBNET", "0")
    if not text.isdigit() or not 0 <= int(text) <= 255:
        raise SandboxError("CLUSTERDESK_SANDBOX_SUBNET must be a number from 0 to 255, not %r" % text)
    return int(text)


def node_address(index):
    """Node K (1-based) listens on 127.S.1.K (S from subnet(), normally 0); past 254
    the third octet moves on: node 255 is 127.S.2.1, node 1000 is 127.S.4.238."""
    if index < 1:
        raise ValueError("node index starts at 1")
    i = index - 1
    third = 1 + i // 254
    if third > 255:
        raise ValueError("too many nodes for the loopback plan")
    return "127.%d.%d.%d" % (subnet(), third, 1 + i % 254)


def wait_until(predicate, timeout, what, interval=0.05):
    """Polls predicate() until it returns a true value or the deadline passes.
    Returns the value; raises SandboxError naming `what` on timeout."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise SandboxError("timed out after %.0f s waiting for %s" % (timeout, what))
        time.sleep(interval)


def port_open(host, port, timeout=0.5):
    """True when a TCP connection to host:port is accepted."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def free_port(host="127.0.0.1"):
    """A TCP port that nothing listens on right now (the kernel's pick)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def can_bind(host, port):
    """True when host:port is free to listen on."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
            return True
        except OSError:
            return False


def pid_alive(pid):
    """True when the process exists and is not a zombie."""
    if not pid or pid <= 0:
        return False
    try:
        with open("/proc/%d/stat" % pid) as f:
            stat = f.read()
    except OSError:
        return False
    # The state follows the command name in parentheses, which may hold spaces.
    state = stat[stat.rfind(")") + 2:].split(" ", 1)[0]
    return state not in ("Z", "X")


def pid_state(pid):
    """The one-letter process state from /proc (R, S, T for stopped, ...) or None."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            stat = f.read()
    except OSError:
        return None
    return stat[stat.rfind(")") + 2:].split(" ", 1)[0]


def cmdline(pid):
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            return [a.decode("utf-8", "replace") for a in f.read().split(b"\0") if a]
    except OSError:
        return []


def parent_pid(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            stat = f.read()
        return int(stat[stat.rfind(")") + 2:].split(" ")[1])
    except (OSError, ValueError, IndexError):
        return 0


def all_pids():
    return [int(p) for p in os.listdir("/proc") if p.isdigit()]


def own_lineage():
    """This process and its ancestors: never to be killed by a sweep."""
    pids, pid = set(), os.getpid()
    while pid > 1 and pid not in pids:
        pids.add(pid)
        pid = parent_pid(pid)
    return pids


def find_pids(marker):
    """Live processes whose command line has an argument equal to `marker`."""
    spare = own_lineage()
    found = []
    for pid in all_pids():
        if pid in spare:
            continue
        if marker in cmdline(pid) and pid_alive(pid):
            found.append(pid)
    return found


def children(pid):
    return [p for p in all_pids() if parent_pid(p) == pid]


def send(pid, sig):
    try:
        os.kill(pid, sig)
        return True
    except ProcessLookupError:
        return False


def terminate(pids, timeout=10.0, sig=signal.SIGTERM):
    """Sends sig to every pid (waking stopped ones first), waits up to timeout
    for them to go, then SIGKILLs what is left and waits for that too."""
    pids = [p for p in pids if pid_alive(p)]
    for p in pids:
        send(p, signal.SIGCONT)
        send(p, sig)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and any(pid_alive(p) for p in pids):
        time.sleep(0.05)
    left = [p for p in pids if pid_alive(p)]
    for p in left:
        send(p, signal.SIGKILL)
    if left:
        wait_until(lambda: not any(pid_alive(p) for p in left), 10, "processes to die after SIGKILL")


def read_pidfile(path):
    try:
        with open(path) as f:
            return int(f.read().strip() or 0)
    except (OSError, ValueError):
        return 0


def write_atomic(path, text, mode=0o644):
    tmp = "%s.tmp.%d" % (path, os.getpid())
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "w") as f:
        f.write(text)
    os.chmod(tmp, mode)
    os.replace(tmp, path)


def read_json(path, default=None):
    try:
        with open(path) as f:
            return json.load(f)
    except FileNotFoundError:
        return default


def write_json(path, data, mode=0o644):
    write_atomic(path, json.dumps(data, indent=4) + "\n", mode)


def mkdirs(*paths):
    for p in paths:
        os.makedirs(p, exist_ok=True)


def symlink_force(target, link):
    """Points `link` at `target`, replacing whatever is there, atomically."""
    tmp = "%s.tmp.%d" % (link, os.getpid())
    try:
        os.unlink(tmp)
    except FileNotFoundError:
        pass
    os.symlink(target, tmp)
    os.replace(tmp, link)


# --- versions -------------------------------------------------------------------
# The sandbox orders versions by its own rules, written from the products' documentation, so that a
# mistake in Clusterdesk's version code cannot be mirrored here.

_VERSION = re.compile(r"^v?(\d+(?:\.\d+)*)(?:-([A-Za-z]+)(\d*))?$")
_PRE_RANK = {"snapshot": 0, "alpha": 1, "beta": 2, "rc": 3}


def version_key(text):
    """A sortable key for 3.10.4, v11.0.2, 3.9.8-beta, 8.0-RC2 (a pre-release sorts
    before its release); None for what cannot be ordered (a branch name)."""
    m = _VERSION.match(text.strip())
    if not m:
        return None
    nums = [int(x) for x in m.group(1).split(".")]
    while len(nums) < 4:
        nums.append(0)
    if m.group(2):
        rank = _PRE_RANK.get(m.group(2).lower())
        if rank is None:
            return None
        pre = (0, rank, int(m.group(3) or 0))
    else:
        pre = (1, 0, 0)
    return tuple(nums) + pre


def compare_versions(a, b):
    """-1, 0 or 1; raises SandboxError when either cannot be ordered."""
    ka, kb = version_key(a), version_key(b)
    if ka is None or kb is None:
        raise SandboxError("cannot order versions %r and %r" % (a, b))
    return (ka > kb) - (ka < kb)


def ignore_enoent(fn, *args):
    try:
        return fn(*args)
    except OSError as e:
        if e.errno != errno.ENOENT:
            raise


def stop_when_folder_goes(server, top, interval=1.0):
    """Shuts a socketserver down once its sandbox folder is gone (deleted without
    `down`), so a long-lived helper process never outlives its sandbox."""
    import threading

    def watch():
        while os.path.isdir(top):
            time.sleep(interval)
        server.shutdown()

    threading.Thread(target=watch, name="folder-watch", daemon=True).start()


def read_dotenv(path):
    """{KEY: VALUE} of a dotenv file as Compose reads it: KEY=VALUE lines, `#`
    comments and blank lines skipped, an optional `export `, values optionally in
    single or double quotes (no interpolation). A missing file is empty."""
    values = {}
    try:
        with open(path) as f:
            lines = f.read().splitlines()
    except OSError:
        return values
    for line in lines:
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("export "):
            line = line[7:].lstrip()
        key, sep, value = line.partition("=")
        if not sep or not key.strip():
            continue
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        elif " #" in value:
            value = value.split(" #", 1)[0].rstrip()
        values[key.strip()] = value
    return values
