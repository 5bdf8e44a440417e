#!/usr/bin/env bash
# Fails when a C++ source in the repository is not formatted by .clang-format.
set -euo pipefail
cd "$(dirname "$0")/../.."
mapfile -t files < <(git ls-files -co --exclude-standard -- '*.cpp' '*.h' 2>/dev/null || find models app ui tests -name '*.cpp' -o -name '*.h')
# One clang-format per file, as many at once as there are processors.
mapfile -t bad < <(printf '%s\0' "${files[@]}" | xargs -0 -P "$(nproc)" -n 8 sh -c '
    for f; do [ -f "$f" ] && ! clang-format --dry-run --Werror "$f" >/dev/null 2>&1 && echo "$f"; done; exit 0' sh)
if [ ${#bad[@]} -gt 0 ]; then
    printf 'not formatted (run clang-format -i):\n' >&2
    printf '  %s\n' "${bad[@]}" >&2
    exit 1
fi
echo "all ${#files[@]} C++ files formatted"
