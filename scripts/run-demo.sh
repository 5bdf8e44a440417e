#!/usr/bin/env bash
# Installs what Clusterdesk needs, builds it, and opens it on the example profile.
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
exec ./build/default/ui/clusterdesk resources/examples/jatos-example.json
