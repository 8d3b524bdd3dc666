#!/usr/bin/env bash
# Fails when a C++ file differs from what clang-format (the repo's .clang-format) makes of it,
# and lists those files; `scripts/check-format.sh --fix` formats them in place. CI runs it.
set -euo pipefail
cd "$(dirname "$0")/.."
format=$(command -v clang-format-14 || command -v clang-format || true)
[ -n "$format" ] || { echo "check-format: clang-format is not installed (scripts/install-deps.sh installs it)" >&2; exit 1; }
mapfile -t files < <(git ls-files -co --exclude-standard core ui app tests | grep -E '\.(h|cpp)$')
if [ "${1:-}" = "--fix" ]; then
    "$format" -i "${files[@]}"
    exit 0
fi
bad=()
for f in "${files[@]}"; do
    "$format" --dry-run --Werror "$f" >/dev/null 2>&1 || bad+=("$f")
done
if [ ${#bad[@]} -gt 0 ]; then
    printf 'check-format: not formatted: %s\n' "${bad[@]}" >&2
    echo "check-format: ${#bad[@]} file(s); scripts/check-format.sh --fix formats them" >&2
    exit 1
fi
echo "check-format: ${#files[@]} files formatted"
