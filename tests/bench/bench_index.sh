#!/usr/bin/env bash
# Neighbour-index benchmark: N random clustered float32 vectors (default 1,000,000 × 64, 1,000
# Gaussian clusters, seeded numpy), imported as .npy; `orrery-cli index` timed with its peak RSS
# (/usr/bin/time -v), then single-thread queries of 2,000 held-out points with
# `orrery-cli bench index` at the smallest ef reaching recall@10 0.95; then python3-hnswlib with
# the same M, efConstruction, build threads and ef on the same files. One JSON line per tool.
# Usage: tests/bench/bench_index.sh [N] [BUILD_DIR]   (needs ORRERY_BENCH_DEPS=1 scripts/install-deps.sh)
set -euo pipefail
n=${1:-1000000}
build=${2:-build/release}
cli="$build/app/orrery-cli"
here=$(dirname "$0")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
/usr/bin/python3 "$here/hnsw_reference.py" generate "$work" --rows "$n" --dim 64 --queries 2000 --seed 1
"$cli" import "$work/bench.orrery" "$work/vectors.npy" --format vectors --dataset bench >/dev/null 2>&1
/usr/bin/time -v -o "$work/index.time" "$cli" index "$work/bench.orrery" --set bench --M 16 --ef-construction 200 \
  --threads 2 --json >"$work/index.json" 2>/dev/null
"$cli" bench index "$work/bench.orrery" --set bench --query-file "$work/queries.npy" --queries 2000 --target 0.95 \
  >"$work/bench.json"
/usr/bin/python3 "$here/hnsw_reference.py" merge "$work/index.json" "$work/index.time" "$work/bench.json"
ef=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["ef"])' "$work/bench.json")
rm -rf "$work"/bench.orrery* # the project and its graph file, done with
/usr/bin/python3 "$here/hnsw_reference.py" run "$work" --M 16 --ef-construction 200 --threads 2 --ef "$ef" --target 0.95
