#!/usr/bin/env bash
# Installs what Clusterdesk needs, builds it, starts a local 3-node JATOS sandbox
# cluster (real MariaDB and OpenSSH on 127.0.1.x, simulated JATOS nodes) and opens
# Clusterdesk on it. Quitting Clusterdesk stops the sandbox: no process or port is
# left behind.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/install-deps.sh
cmake --preset default >/dev/null
cmake --build --preset default -- -j "$(nproc 2>/dev/null || echo 2)"

if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
    echo "run-demo: no display found (DISPLAY and WAYLAND_DISPLAY are empty)." >&2
    echo "run-demo: start it from a desktop session, or under a virtual one: xvfb-run -a $0" >&2
    exit 1
fi

sandbox=tests/sandbox/clusterdesk-sandbox
dir="$PWD/build/demo-sandbox"
export CLUSTERDESK_CLI="$PWD/build/default/app/clusterdesk-cli"

# A sandbox left by an interrupted run would hold the addresses; stop it first.
"$sandbox" down --dir "$dir" >/dev/null 2>&1 || true
trap '"$sandbox" down --dir "$dir"' EXIT
trap 'exit 130' INT TERM
"$sandbox" up --product jatos --nodes 3 --dir "$dir" --trust-host-keys

./build/default/ui/clusterdesk "$dir/profile.json"
