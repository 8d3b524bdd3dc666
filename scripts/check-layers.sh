#!/usr/bin/env bash
# Reads the #includes of core/, ui/ and app/ and fails on an arrow that core/layers.txt does not
# allow, on a cycle in that graph, on a folder of core/ that is no layer, and on SQLite outside
# the store (and the importers' writer). Prints each offence as file:line. CI runs it.
set -euo pipefail
cd "$(dirname "$0")/.."

declare -A uses
layers=()
while IFS= read -r line; do
    [[ $line =~ ^([a-z]+):(.*)$ ]] || continue
    layers+=("${BASH_REMATCH[1]}")
    uses[${BASH_REMATCH[1]}]=" $(echo ${BASH_REMATCH[2]}) "
done <core/layers.txt

failures=0
fail() {
    echo "check-layers: $*" >&2
    failures=$((failures + 1))
}

# The graph must be acyclic: every layer uses only layers listed before it.
seen=" "
for layer in "${layers[@]}"; do
    for used in ${uses[$layer]}; do
        [[ -v uses[$used] ]] || fail "core/layers.txt: $layer uses $used, which is no layer"
        [[ $seen == *" $used "* ]] || fail "core/layers.txt: $layer uses $used, listed after it (a cycle, or out of order)"
    done
    seen+="$layer "
done

for dir in core/*/; do
    name=$(basename "$dir")
    [[ -v uses[$name] ]] || fail "$dir is not a layer in core/layers.txt"
done

layer_of() {
    case $1 in
    core/*) local rest=${1#core/}; echo "${rest%%/*}" ;;
    ui/render/*) echo render ;;
    ui/*) echo ui ;;
    app/*) echo app ;;
    esac
}

sql_allowed() {
    case $1 in
    core/store/* | core/io/importwriter.*) return 0 ;;
    *) return 1 ;;
    esac
}

while IFS= read -r file; do
    layer=$(layer_of "$file")
    [ -n "$layer" ] || continue
    while IFS=: read -r lineno text; do
        if [[ $text =~ ^#include[[:space:]]*\"([a-z]+)/ ]]; then
            target=${BASH_REMATCH[1]}
            if [[ -v uses[$target] && $target != "$layer" && ${uses[$layer]} != *" $target "* ]]; then
                fail "$file:$lineno: $layer may not include $target (core/layers.txt)"
            fi
        fi
        if [[ $text =~ ^#include[[:space:]]*[\<\"](sqlite3\.h|store/sqlite\.h)[\>\"] ]] && ! sql_allowed "$file"; then
            fail "$file:$lineno: only core/store (and core/io/importwriter) may include ${BASH_REMATCH[1]}"
        fi
    done < <(grep -n '^#include' "$file" || true)
done < <(git ls-files -co --exclude-standard core ui app | grep -E '\.(h|cpp)$')

if [ "$failures" -gt 0 ]; then
    echo "check-layers: $failures offence(s)" >&2
    exit 1
fi
echo "check-layers: ${#layers[@]} layers, no forbidden include"
