#!/usr/bin/env bash
# Runs a command where no keychain service exists: no D-Bus session bus and no
# display to start one, and a throwaway home folder.
set -euo pipefail
sandbox=$(mktemp -d "${TMPDIR:-/tmp}/clusterdesk-nokeyring.XXXXXX")
trap 'rm -rf "$sandbox"' EXIT
mkdir -p "$sandbox/home"
env -u DISPLAY -u WAYLAND_DISPLAY -u DBUS_SESSION_BUS_ADDRESS -u GNOME_KEYRING_CONTROL \
    HOME="$sandbox/home" XDG_RUNTIME_DIR="$sandbox/home" "$@"
