#!/usr/bin/env bash
# Runs bench_refresh against a sandbox of HTTP-only nodes and prints its figures.
# Builds nothing: pass the build folder that holds tests/bench/bench_refresh.
#
#     tests/bench/run-refresh-bench.sh BUILD_DIR [bench_refresh options, e.g. --runs 10 --trace]
#
# The sandbox (CLUSTERDESK_BENCH_NODES nodes, default 1000, each answering after
# CLUSTERDESK_BENCH_LATENCY_MS, default 50) lives in a temporary folder on subnet
# CLUSTERDESK_SANDBOX_SUBNET (default 71) and is taken down and deleted on exit,
# also on failure or interruption. CLUSTERDESK_BENCH_JSON=FILE writes the figures
# as JSON too.
set -euo pipefail

if [ $# -lt 1 ] || [ ! -d "$1" ]; then
    echo "usage: $0 BUILD_DIR [bench_refresh options]" >&2
    exit 2
fi
build=$(cd "$1" && pwd)
shift
here=$(cd "$(dirname "$0")" && pwd)
sandbox="$here/../sandbox/clusterdesk-sandbox"
bench="$build/tests/bench/bench_refresh"
if [ ! -x "$bench" ]; then
    echo "$bench is not built; build the project first (cmake --build $build)" >&2
    exit 2
fi

export CLUSTERDESK_SANDBOX_SUBNET="${CLUSTERDESK_SANDBOX_SUBNET:-71}"
export PYTHONDONTWRITEBYTECODE=1
nodes="${CLUSTERDESK_BENCH_NODES:-1000}"
latency="${CLUSTERDESK_BENCH_LATENCY_MS:-50}"
if [ -x "$build/app/clusterdesk-cli" ]; then
    export CLUSTERDESK_CLI="$build/app/clusterdesk-cli" # the sandbox checks its profile with it
fi

dir=$(mktemp -d "${TMPDIR:-/tmp}/clusterdesk-bench.XXXXXX")
cleanup() {
    "$sandbox" down --dir "$dir" >/dev/null 2>&1 || echo "warning: could not take the sandbox in $dir down" >&2
    rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

started=$SECONDS
echo "Bringing up $nodes HTTP-only jatos nodes (latency $latency ms, subnet $CLUSTERDESK_SANDBOX_SUBNET) in $dir"
if ! up=$("$sandbox" up --product jatos --http-only --nodes "$nodes" --latency-ms "$latency" --dir "$dir" 2>&1); then
    echo "$up" >&2
    exit 1
fi
echo "Sandbox up in $((SECONDS - started)) s"

# Offscreen, and without a session bus: the keychain check of MainWindow then falls
# back to memory instead of touching anyone's keychain (the profile has no secrets).
status=0
QT_QPA_PLATFORM=offscreen DBUS_SESSION_BUS_ADDRESS= "$bench" "$dir/profile.json" "$@" || status=$?
echo "Benchmark finished in $((SECONDS - started)) s (exit $status)"
exit $status
