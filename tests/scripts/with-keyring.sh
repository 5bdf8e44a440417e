#!/usr/bin/env bash
# Runs a command against a real Secret Service: gnome-keyring in a private D-Bus
# session, with a throwaway home folder and a keyring unlocked by a throwaway
# password. The user's own keyring and D-Bus session are never touched, and the
# bus, the keyring daemon and the home folder are gone when the command ends.
#
#   with-keyring.sh COMMAND [ARGS...]
set -euo pipefail

if [ "$#" -eq 0 ]; then
    echo "usage: $0 COMMAND [ARGS...]" >&2
    exit 2
fi
for tool in dbus-run-session gnome-keyring-daemon; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "with-keyring: $tool is missing; run scripts/install-deps.sh" >&2
        exit 1
    fi
done

sandbox=$(mktemp -d "${TMPDIR:-/tmp}/clusterdesk-keyring.XXXXXX")
# The keyring daemon normally exits with its bus, but not always; stop whatever
# still carries this sandbox's marker before the folder goes.
cleanup() {
    local pid
    for pid in $(grep -lsz "^CLUSTERDESK_KEYRING_SANDBOX=$sandbox\$" /proc/[0-9]*/environ | cut -d/ -f3); do
        kill "$pid" 2>/dev/null || true
    done
    rm -rf "$sandbox"
}
trap cleanup EXIT

mkdir -p "$sandbox/home" "$sandbox/runtime"
chmod 700 "$sandbox/runtime"

# The inner script runs inside the private bus; its environment is the test's.
cat > "$sandbox/inner.sh" <<'INNER'
set -euo pipefail
# The daemon prints the variables a client needs; eval them. Its password is a
# throwaway: the keyring lives in the temporary home and is deleted afterwards.
# The daemon forks into the background; its output goes to a log so it never holds
# the caller's pipes open. It exits by itself when this private bus closes.
eval "$(printf 'clusterdesk-test' | gnome-keyring-daemon --unlock --components=secrets \
    2>"$CLUSTERDESK_KEYRING_SANDBOX/keyring.log")"
export GNOME_KEYRING_CONTROL
exec "$@"
INNER

env -u DISPLAY -u WAYLAND_DISPLAY -u DBUS_SESSION_BUS_ADDRESS \
    HOME="$sandbox/home" XDG_DATA_HOME="$sandbox/home/.local/share" \
    XDG_CONFIG_HOME="$sandbox/home/.config" XDG_CACHE_HOME="$sandbox/home/.cache" \
    XDG_RUNTIME_DIR="$sandbox/runtime" CLUSTERDESK_KEYRING_SANDBOX="$sandbox" \
    dbus-run-session -- bash "$sandbox/inner.sh" "$@" 2> >(grep -v 'Failed to set fd limit' >&2)
