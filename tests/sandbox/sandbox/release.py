"""Release packages and installs. A release is a product folder for one version
(JATOS: loader.sh, conf/, logs/; OpenSpecimen: a Tomcat folder with bin/startup.sh,
bin/shutdown.sh; Joget: tomcat.sh, VERSION.txt, apache-tomcat/), carrying its own
copy of the node simulation in lib/. A node keeps releases/<version>/ and a `current`
link; the product's configuration and logs live in the node's persistent/ folder and
are linked into each release, so switching `current` upgrades and keeps the config.

make-release packs a release as .tar.gz or .zip (and writes <package>.sha256 in
sha256sum's format beside it); `install-release.sh PACKAGE VERSION` in a node's
install folder unpacks it into releases/<VERSION> and switches `current`.
install_version does the same without a package, for the orchestrator emulations
(an image of another version "pulled" onto the node)."""

import hashlib
import json
import os
import shutil
import tarfile
import tempfile
import zipfile

from . import configs
from .products import build_info, check_version, product
from .util import SandboxError, mkdirs, symlink_force

PKG_DIR = os.path.dirname(os.path.abspath(__file__))

LAUNCHER = """#!/usr/bin/python3
# Starts the clusterdesk-sandbox node simulation shipped in this release.
import os, sys
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.realpath(__file__)))
from sandbox.node import main
sys.exit(main(sys.argv[1:]))
"""

SCRIPTS = {
    "jatos": {"loader.sh": """#!/bin/bash
# JATOS loader for Linux (clusterdesk-sandbox simulation of JATOS {version})
# Usage: loader.sh start|stop|restart
dir="$( cd "$( dirname "$0" )" && pwd )"
node() {{ /usr/bin/python3 "$dir/lib/sandbox-node.py" "$@"; }}
case "$1" in
    start) node start "$dir" ;;
    stop) node stop "$dir" ;;
    restart) node stop "$dir"; node start "$dir" ;;
    *) echo "Usage: loader.sh start|stop|restart"; exit 1 ;;
esac
"""},
    "openspecimen": {"bin/startup.sh": """#!/bin/bash
# Start script for the OpenSpecimen Tomcat (clusterdesk-sandbox simulation of {version})
CATALINA_HOME="$( cd "$( dirname "$0" )/.." && pwd )"
exec /usr/bin/python3 "$CATALINA_HOME/lib/sandbox-node.py" start "$CATALINA_HOME"
""", "bin/shutdown.sh": """#!/bin/bash
# Stop script for the OpenSpecimen Tomcat (clusterdesk-sandbox simulation of {version})
CATALINA_HOME="$( cd "$( dirname "$0" )/.." && pwd )"
exec /usr/bin/python3 "$CATALINA_HOME/lib/sandbox-node.py" stop "$CATALINA_HOME"
"""},
    "joget": {"tomcat.sh": """#!/bin/bash
# Joget DX Tomcat control (clusterdesk-sandbox simulation of Joget DX {version})
# Usage: tomcat.sh start|stop|run
dir="$( cd "$( dirname "$0" )" && pwd )"
case "$1" in
    start|stop) exec /usr/bin/python3 "$dir/lib/sandbox-node.py" "$1" "$dir" ;;
    *) echo "Usage: tomcat.sh ( start | stop )"; exit 1 ;;
esac
"""},
}

INSTALL_SCRIPT = """#!/bin/bash
# Installs a release package on this node: unpacks it into releases/VERSION next to
# the current one, links this node's configuration and logs into it, and switches
# the `current` link. The node should be stopped first (start it again afterwards).
# Usage: install-release.sh PACKAGE VERSION
dir="$( cd "$( dirname "$0" )" && pwd )"
exec /usr/bin/python3 "$dir/lib/sandbox-node.py" install-release "$dir" "$@"
"""


def _write(path, text, mode=0o644):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, mode)


def build_tree(pid, version, dest):
    """Writes the release folder of `pid` `version` at `dest`."""
    check_version(pid, version)
    info = build_info(pid, version)
    p = product(pid)
    mkdirs(dest)
    for rel, text in SCRIPTS[pid].items():
        _write(os.path.join(dest, rel), text.format(version=version), 0o755)
    _write(os.path.join(dest, "install-release.sh"), INSTALL_SCRIPT, 0o755)
    for rel, text in configs.release_defaults(pid, version).items():
        _write(os.path.join(dest, rel), text)
    for rel in p.persistent:
        mkdirs(os.path.join(dest, rel))
    if pid == "openspecimen":
        _write(os.path.join(dest, "webapps/openspecimen/WEB-INF/classes/application.properties"),
               "buildinfo.version=%s\nbuildinfo.date=%s\nbuildinfo.commit_revision=%s\n"
               % (version, info["buildDate"], info["commit"]))
    if pid == "joget":
        _write(os.path.join(dest, "VERSION.txt"), "%s - build %s\n" % (version, info["commitShort"]))
        mkdirs(os.path.join(dest, "apache-tomcat/webapps/jw"))
    lib = os.path.join(dest, "lib")
    mkdirs(os.path.join(lib, "sandbox"))
    for name in sorted(os.listdir(PKG_DIR)):
        if name.endswith(".py"):
            shutil.copyfile(os.path.join(PKG_DIR, name), os.path.join(lib, "sandbox", name))
    _write(os.path.join(lib, "sandbox-node.py"), LAUNCHER, 0o755)
    _write(os.path.join(lib, "release.json"), json.dumps(info, indent=4) + "\n")
    return info


def top_folder(pid, version):
    return "%s-%s" % (pid, version)


def make_package(pid, version, out):
    """A .tar.gz (or .zip) holding the release folder <product>-<version>/."""
    with tempfile.TemporaryDirectory() as tmp:
        root = os.path.join(tmp, top_folder(pid, version))
        build_tree(pid, version, root)
        out = os.path.abspath(out)
        os.makedirs(os.path.dirname(out), exist_ok=True)
        if out.endswith(".zip"):
            with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
                for base, dirs, files in os.walk(root):
                    dirs.sort()
                    rel = os.path.relpath(base, tmp)
                    z.write(base, rel)              # the folder entry, mode included
                    for name in sorted(files):
                        z.write(os.path.join(base, name), os.path.join(rel, name))
        elif out.endswith((".tar.gz", ".tgz")):
            with tarfile.open(out, "w:gz") as t:
                t.add(root, arcname=top_folder(pid, version))
        else:
            raise SandboxError("the package name must end in .tar.gz, .tgz or .zip")
    write_checksum(out)
    return out


def write_checksum(package):
    """<package>.sha256: `<64 hex>  <file name>` as `sha256sum` prints it (so that
    `sha256sum -c` run in the package's folder checks it)."""
    h = hashlib.sha256()
    with open(package, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    with open(package + ".sha256", "w") as f:
        f.write("%s  %s\n" % (h.hexdigest(), os.path.basename(package)))
    return package + ".sha256"


def _unpack(package, dest):
    if zipfile.is_zipfile(package):
        with zipfile.ZipFile(package) as z:
            for info in z.infolist():
                target = os.path.realpath(os.path.join(dest, info.filename))
                if not target.startswith(os.path.realpath(dest) + os.sep):
                    raise SandboxError("unsafe path in package: %s" % info.filename)
                z.extract(info, dest)
                mode = (info.external_attr >> 16) & 0o777
                if mode and not info.is_dir():
                    os.chmod(target, mode)
    elif tarfile.is_tarfile(package):
        with tarfile.open(package) as t:
            if hasattr(tarfile, "data_filter"):
                t.extractall(dest, filter="data")
            else:
                for m in t.getmembers():
                    if m.name.startswith("/") or ".." in m.name.split("/") or not (m.isfile() or m.isdir()):
                        raise SandboxError("unsafe entry in package: %s" % m.name)
                t.extractall(dest)
    else:
        raise SandboxError("%s is neither a .tar.gz nor a .zip" % package)
    entries = os.listdir(dest)
    if len(entries) != 1 or not os.path.isdir(os.path.join(dest, entries[0])):
        raise SandboxError("the package must hold exactly one folder (the release)")
    return os.path.join(dest, entries[0])


def adopt(home, release_dir, pid):
    """Links the node's persistent folders into release_dir; the first release a
    node gets donates its folders (the product defaults) to persistent/."""
    for rel in product(pid).persistent:
        keep = os.path.join(home, "persistent", rel)
        inside = os.path.join(release_dir, rel)
        if not os.path.exists(keep):
            os.makedirs(os.path.dirname(keep), exist_ok=True)
            shutil.move(inside, keep)
        elif os.path.lexists(inside):
            if os.path.isdir(inside) and not os.path.islink(inside):
                shutil.rmtree(inside)
            else:
                os.unlink(inside)
        os.makedirs(os.path.dirname(inside), exist_ok=True)
        os.symlink(os.path.relpath(keep, os.path.dirname(inside)), inside)


def node_home_of(install_dir):
    """install_dir is <home>/current (a link to <home>/releases/<version>)."""
    real = os.path.realpath(install_dir)
    if os.path.basename(os.path.dirname(real)) != "releases":
        raise SandboxError("%s is not a sandbox node's install folder (no releases/ above it)" % install_dir)
    return os.path.dirname(os.path.dirname(real))


def install_package(install_dir, package, version):
    """What install-release.sh does. Returns a line for the operator."""
    home = node_home_of(install_dir)
    current_real = os.path.realpath(install_dir)
    with open(os.path.join(current_real, "lib", "release.json")) as f:
        current_info = json.load(f)
    pid = current_info["product"]
    if not os.path.isfile(package):
        raise SandboxError("no such package: %s" % package)
    releases = os.path.join(home, "releases")
    with tempfile.TemporaryDirectory(dir=home, prefix=".unpack-") as tmp:
        root = _unpack(package, tmp)
        try:
            with open(os.path.join(root, "lib", "release.json")) as f:
                info = json.load(f)
        except (OSError, ValueError):
            raise SandboxError("%s is not a %s release package (no lib/release.json)" % (package, pid))
        if info.get("product") != pid:
            raise SandboxError("%s holds %s, but this node runs %s" % (package, info.get("product"), pid))
        if info.get("version") != version:
            raise SandboxError("%s holds version %s, not %s" % (package, info.get("version"), version))
        if os.path.realpath(os.path.join(releases, version)) == current_real:
            # Safe to run twice, as an install command must be: an upgrade that was
            # interrupted after this point runs it again.
            return "%s %s is already installed and current; nothing to do" % (product(pid).display, version)
        _switch(home, current_real, root, pid, version)
    return ("Installed %s %s (was %s): current -> releases/%s; configuration and logs kept"
            % (product(pid).display, version, current_info["version"], version))


def _switch(home, current_real, root, pid, version):
    """Moves the unpacked release `root` to releases/<version> (replacing a leftover
    of an earlier attempt), links persistent/ into it and switches `current`."""
    target = os.path.join(home, "releases", version)
    if os.path.exists(target):
        shutil.rmtree(target)
    shutil.move(root, target)
    adopt(home, target, pid)
    if pid == "jatos":      # Play's RUNNING_PID lives in the install folder
        old_pid = os.path.join(current_real, "RUNNING_PID")
        if os.path.exists(old_pid):
            shutil.move(old_pid, os.path.join(target, "RUNNING_PID"))
    symlink_force(os.path.join("releases", version), os.path.join(home, "current"))


def install_version(install_dir, version):
    """What the orchestrator emulations do when a container of another version is
    created on a node: the release is built in place (as make-release builds it)
    and installed as install-release.sh would. Returns the previous version."""
    home = node_home_of(install_dir)
    current_real = os.path.realpath(install_dir)
    with open(os.path.join(current_real, "lib", "release.json")) as f:
        current_info = json.load(f)
    pid = current_info["product"]
    if current_info["version"] == version:
        return version
    with tempfile.TemporaryDirectory(dir=home, prefix=".unpack-") as tmp:
        root = os.path.join(tmp, top_folder(pid, version))
        build_tree(pid, check_version(pid, version), root)
        _switch(home, current_real, root, pid, version)
    return current_info["version"]


def install_fresh(home, pid, version):
    """A node's first install (what `up` does): releases/<version>, persistent/,
    current. Returns the release's build info."""
    target = os.path.join(home, "releases", version)
    info = build_tree(pid, version, target)
    adopt(home, target, pid)
    symlink_force(os.path.join("releases", version), os.path.join(home, "current"))
    return info
