#!/usr/bin/env bash
# Installs what Clusterdesk needs, builds it, and runs every test: once in the
# normal build and once under AddressSanitizer + UndefinedBehaviorSanitizer.
# Under CI (CI=true) compiler warnings are errors.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/install-deps.sh

werror=OFF
if [ "${CI:-}" = "true" ]; then werror=ON; fi
jobs=$(nproc 2>/dev/null || echo 2)

for preset in default asan; do
    echo "== ${preset}: configure and build"
    cmake --preset "$preset" -DCLUSTERDESK_WERROR="$werror" >/dev/null
    cmake --build --preset "$preset" -- -j "$jobs"
    echo "== ${preset}: test"
    ctest --preset "$preset" -j "$jobs"
done
