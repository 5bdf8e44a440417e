"""Fault injection into a running sandbox node. Faults the process must honour
(slow answers, a wrong version, refusing the next start) go through a small JSON
file in the node's state folder that the node re-reads when it changes; the others
act on the process from outside: down kills it (the port closes), hang stops it
with SIGSTOP (the socket stays open and the kernel still accepts connections, but
nothing answers), ssh-down cuts the node's SSH (every open session killed, the
listening sshd stopped with SIGSTOP so new connections hang), clear undoes
everything (SIGCONT, file removed, VERSION.txt back)."""

import os
import shutil
import signal

from .util import SandboxError, all_pids, children, cmdline, parent_pid, pid_alive, read_json, send, write_json

KINDS = ("down", "hang", "slow", "refuse-start", "wrong-version", "ssh-down", "clear")


def fault_file(node_home):
    return os.path.join(node_home, "state", "fault.json")


class FaultReader:
    """What a node process uses: the current faults, re-read only on change."""

    def __init__(self, node_home):
        self.path = fault_file(node_home)
        self.stamp = None
        self.value = {}

    def current(self):
        try:
            st = os.stat(self.path)
            stamp = (st.st_mtime_ns, st.st_size, st.st_ino)
        except FileNotFoundError:
            self.stamp, self.value = None, {}
            return self.value
        if stamp != self.stamp:
            self.value = read_json(self.path, {}) or {}
            self.stamp = stamp
        return self.value


def _update(node_home, **changes):
    path = fault_file(node_home)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    data = read_json(path, {}) or {}
    data.update(changes)
    write_json(path, data)


def apply(node, pids, kind, arg, version_of):
    """Injects `kind` into `node` (a dict from the sandbox state) whose running
    processes are `pids`. version_of(node) gives the installed version. Returns a
    line describing what was done."""
    home = node["home"]
    if kind == "down":
        if not pids:
            raise SandboxError("%s is not running" % node["name"])
        for p in pids:
            send(p, signal.SIGKILL)
        return "%s killed (SIGKILL); its port is closed" % node["name"]
    if kind == "hang":
        if not pids:
            raise SandboxError("%s is not running" % node["name"])
        for p in pids:
            send(p, signal.SIGSTOP)
        _update(home, hang=True)
        return "%s stopped (SIGSTOP): connections are accepted, nothing answers" % node["name"]
    if kind == "slow":
        try:
            ms = int(arg)
        except (TypeError, ValueError):
            raise SandboxError("slow needs a delay in milliseconds, e.g. `slow 2000`")
        if ms < 0:
            raise SandboxError("the delay cannot be negative")
        _update(home, slowMs=ms)
        return "%s answers every request %d ms late" % (node["name"], ms)
    if kind == "refuse-start":
        _update(home, refuseStart=True)
        return "%s refuses every start (like a schema refusal) until `clear`" % node["name"]
    if kind == "wrong-version":
        from .products import other_version
        installed = version_of(node)
        wrong = arg or other_version(installed)
        _update(home, wrongVersion=wrong)
        if node["product"] == "joget":
            _swap_version_file(node, wrong)
        return "%s reports version %s (installed: %s)" % (node["name"], wrong, installed)
    if kind == "ssh-down":
        listener = node.get("nsPid") or node.get("sshPid")
        if not pid_alive(listener):
            raise SandboxError("the sshd of %s is not running" % node["name"])
        killed = ssh_sessions_down(listener)
        _update(home, sshDown=True)
        return ("%s: %d SSH session process(es) killed, sshd stopped (SIGSTOP): connections are accepted, "
                "nothing answers" % (node["name"], killed))
    if kind == "clear":
        for p in pids:
            send(p, signal.SIGCONT)
        listener = node.get("nsPid") or node.get("sshPid")
        if listener and pid_alive(listener):
            send(listener, signal.SIGCONT)
        try:
            os.unlink(fault_file(home))
        except FileNotFoundError:
            pass
        if node["product"] == "joget":
            _restore_version_file(node)
        return "%s: faults cleared" % node["name"]
    raise SandboxError("unknown fault %r (one of %s)" % (kind, ", ".join(KINDS)))


def _swap_version_file(node, wrong):
    """Joget reports its version through VERSION.txt in its install folder."""
    path = os.path.join(node["installDir"], "VERSION.txt")
    saved = os.path.join(node["home"], "state", "VERSION.txt.orig")
    if not os.path.exists(saved):
        shutil.copyfile(path, saved)
    with open(saved) as f:
        original = f.read()
    rest = original.split(" ", 1)[1] if " " in original else "\n"
    with open(path, "w") as f:
        f.write(wrong + " " + rest)


def _restore_version_file(node):
    saved = os.path.join(node["home"], "state", "VERSION.txt.orig")
    if os.path.exists(saved):
        shutil.copyfile(saved, os.path.join(node["installDir"], "VERSION.txt"))
        os.unlink(saved)


def _descendants(pid):
    """Every process below pid (children first found, then theirs)."""
    table = {p: parent_pid(p) for p in all_pids()}
    out, todo = [], [pid]
    while todo:
        parent = todo.pop()
        kids = [p for p, pp in table.items() if pp == parent]
        out += kids
        todo += kids
    return out


def session_processes(listener):
    """The per-connection processes of the listening sshd `listener` (its children
    named `sshd: ...` or `sshd-session`) and everything below them. With PID
    namespaces the listener is the namespace's PID 1, so the node's application
    (an orphan reparented to it) is also its child: it is left out, as it is not
    an sshd."""
    found = []
    for kid in children(listener):
        argv = cmdline(kid)
        head = argv[0] if argv else ""
        if head.startswith("sshd:") or os.path.basename(head.split(" ")[0]) in ("sshd", "sshd-session"):
            found += [kid] + _descendants(kid)
    return found


def ssh_sessions_down(listener):
    """SIGSTOPs the listening sshd first (no new session can start meanwhile), then
    SIGKILLs every open session: the client sees its connection closed at once,
    and a new connection is accepted by the kernel but never answered."""
    send(listener, signal.SIGSTOP)
    victims = session_processes(listener)
    for p in victims:
        send(p, signal.SIGKILL)
    return len(victims)
