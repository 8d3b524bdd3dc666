#!/usr/bin/env bash
# Import benchmark: generates N playlists in the MPD schema (default 100,000: about 6.4M entries,
# 3 GB of pretty-printed JSON), imports them with orrery-cli and with a plain Python importer,
# and prints one JSON line for each. Usage: tests/bench/bench_import.sh [N] [BUILD_DIR]
set -euo pipefail
n=${1:-100000}
build=${2:-build/release}
cli="$build/app/orrery-cli"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$cli" synth "$work/corpus" --playlists "$n" --seed 1 >/dev/null 2>&1
"$cli" bench import "$work/corpus" --project "$work/orrery.orrery"
rm -f "$work"/orrery.orrery*
/usr/bin/python3 "$(dirname "$0")/reference_import.py" "$work/corpus" "$work/reference.sqlite"
