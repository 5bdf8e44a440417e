#!/usr/bin/env bash
# Installs the Debian 12 packages Clusterdesk needs to build, run and test, and the
# sandbox cluster (tests/sandbox) needs to run: a real MariaDB and OpenSSH server.
# Idempotent: packages already present are left alone, so a second run is quick.
#
# The sandbox starts private mariadbd and sshd processes on loopback addresses. The
# system-wide services those packages would start are kept from starting while
# they install; a server the machine already had is never touched.
set -euo pipefail

packages=(
    # toolchain
    cmake ninja-build g++ ccache pkg-config git
    # Qt 6 and the libraries named in the design
    qt6-base-dev qt6-base-dev-tools qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools
    qt6-qpa-plugins libqt6sql6-mysql libqt6sql6-sqlite libqt6svg6 libgl-dev
    qtkeychain-qt6-dev libssh-dev nlohmann-json3-dev libyaml-cpp-dev libarchive-dev
    # unzip checks diagnostics bundles as an admin would; zip is the benchmark's yardstick
    unzip zip
    # a real Secret Service for the keychain tests, an X server for screenshots
    gnome-keyring libsecret-tools dbus dbus-x11 xvfb xauth x11-utils imagemagick fonts-dejavu-core
    # the sandbox cluster: real database and SSH servers, driven from Debian's Python
    mariadb-server mariadb-client openssh-server openssh-client python3 iproute2 util-linux
    # formatting checks
    clang-format
    # fuzzing the configuration parsers (scripts/fuzz-parsers.sh)
    clang-16 libclang-rt-16-dev
)
# The sandbox's Kubernetes emulation is checked with a real kubectl. Debian's comes
# in kubernetes-client; a kubectl the machine already has (another vendor's
# package owns the same path) serves as well.
if ! command -v kubectl >/dev/null 2>&1; then
    packages+=(kubernetes-client)
fi

missing=()
for p in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
        missing+=("$p")
    fi
done

if [ ${#missing[@]} -eq 0 ]; then
    echo "install-deps: all ${#packages[@]} packages present"
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
        echo "install-deps: run as root (or install sudo) to install: ${missing[*]}" >&2
        exit 1
    fi
else
    SUDO=
fi

# Forbid service starts for the length of the install, unless a policy is already
# in place (container images ship one that does the same).
policy=/usr/sbin/policy-rc.d
own_policy=
if [ ! -e "$policy" ]; then
    own_policy=1
    printf '#!/bin/sh\n# install-deps: no service starts during the install\nexit 101\n' \
        | $SUDO tee "$policy" >/dev/null
    $SUDO chmod 755 "$policy"
fi
remove_policy() {
    if [ -n "$own_policy" ]; then $SUDO rm -f "$policy"; fi
}
trap remove_policy EXIT

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"

# The servers installed just now are for the sandbox only: keep them off at boot too.
for pair in mariadb-server:mariadb openssh-server:ssh; do
    package=${pair%%:*}
    service=${pair##*:}
    case " ${missing[*]} " in *" $package "*) ;; *) continue ;; esac
    if [ -d /run/systemd/system ]; then
        $SUDO systemctl disable --now "$service.service" >/dev/null 2>&1 || true
    elif [ -x "/etc/init.d/$service" ]; then
        $SUDO "/etc/init.d/$service" stop >/dev/null 2>&1 || true
    fi
done
