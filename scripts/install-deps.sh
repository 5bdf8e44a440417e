#!/usr/bin/env bash
# Installs the Debian 12 packages Clusterdesk needs to build, run and test.
# Idempotent: packages already present are left alone, so a second run is quick.
set -euo pipefail

packages=(
    # toolchain
    cmake ninja-build g++ ccache pkg-config git
    # Qt 6 and the libraries named in the design
    qt6-base-dev qt6-base-dev-tools qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools
    qt6-qpa-plugins libqt6sql6-mysql libqt6svg6 libgl-dev
    qtkeychain-qt6-dev libssh-dev nlohmann-json3-dev
    # a real Secret Service for the keychain tests, an X server for screenshots
    gnome-keyring libsecret-tools dbus dbus-x11 xvfb xauth x11-utils imagemagick fonts-dejavu-core
    # formatting checks
    clang-format
)

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

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
