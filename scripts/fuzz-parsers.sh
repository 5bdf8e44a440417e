#!/usr/bin/env bash
# Fuzzes the configuration parsers in models/formats with libFuzzer (clang-16,
# AddressSanitizer and UndefinedBehaviorSanitizer): each target in tests/fuzz for
# SECONDS (default 60), starting from its seed corpus. The corpus is copied to a work
# folder under build/fuzz, so the repository is not modified.
#
#     scripts/fuzz-parsers.sh [SECONDS] [TARGET...]
#
# Exits non-zero when a target crashes or breaks an invariant; the input that did it
# is left in build/fuzz/work/<target>/ and named in the output. See docs/fuzzing.md.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-60}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(fuzz_properties fuzz_hocon fuzz_opspecimen_cluster fuzz_tomcat_xml fuzz_balancer fuzz_dotenv)
fi
case "$seconds" in
    '' | *[!0-9]*) echo "fuzz-parsers: SECONDS must be a whole number, not '$seconds'" >&2; exit 2 ;;
esac
for tool in clang-16 clang++-16 cmake ninja; do
    command -v "$tool" >/dev/null || { echo "fuzz-parsers: $tool is missing (scripts/install-deps.sh)" >&2; exit 2; }
done

build=$root/build/fuzz
CC=clang-16 CXX=clang++-16 cmake -S "$root/tests/fuzz" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build"

# Leaks are checked too; UBSan stops at the first finding so libFuzzer keeps the input.
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

failed=()
printf '%-26s %12s %8s %8s %10s  %s\n' target runs cov ft corpus result
for target in "${targets[@]}"; do
    work=$build/work/$target
    rm -rf "$work"
    mkdir -p "$work/corpus"
    if [ -d "$root/tests/fuzz/corpus/$target" ]; then
        cp "$root/tests/fuzz/corpus/$target"/* "$work/corpus/" 2>/dev/null || true
    fi
    log=$work/fuzz.log
    status=0
    (cd "$work" && "$build/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$work/" corpus) >"$log" 2>&1 || status=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    if [ -z "$runs" ]; then
        runs=$(grep -oE '^#[0-9]+' "$log" | tail -1 | tr -d '#' || true)
    fi
    cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -1 | cut -d' ' -f2 || true)
    ft=$(grep -oE 'ft: [0-9]+' "$log" | tail -1 | cut -d' ' -f2 || true)
    corpus=$(find "$work/corpus" -type f | wc -l)
    if [ "$status" -eq 0 ]; then
        result=ok
    else
        result="FAILED (exit $status)"
        failed+=("$target")
    fi
    printf '%-26s %12s %8s %8s %10s  %s\n' "$target" "${runs:-?}" "${cov:-?}" "${ft:-?}" "$corpus" "$result"
    if [ "$status" -ne 0 ]; then
        grep -E 'invariant violated|ERROR: |SUMMARY: |runtime error' "$log" | head -5 | sed 's/^/    /' >&2 || true
        find "$work" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) \
            -printf '    input: %p\n' >&2
        echo "    log: $log" >&2
    fi
done

if [ ${#failed[@]} -gt 0 ]; then
    echo "fuzz-parsers: ${#failed[@]} target(s) failed: ${failed[*]}" >&2
    exit 1
fi
echo "fuzz-parsers: all ${#targets[@]} targets ran ${seconds}s each without a finding"
