#!/usr/bin/env bash
# Recommendation latency: a synthetic catalogue of N tracks (default 2,000,000 × 32 dimensions in
# 200 clusters, HNSW index) and P Zipf-popular playlists (default 100,000) for popularity and
# co-occurrence, then 300 single-thread queries per recommender with 5 seeds and 500 results.
# Prints one JSON line with the median and 95th-percentile latency of each method.
# Usage: tests/bench/bench_recommend.sh [N] [P] [BUILD_DIR]
set -euo pipefail
n=${1:-2000000}
p=${2:-100000}
build=${3:-build/release}
/usr/bin/time -v -o /tmp/bench_recommend.$$.time "$build/app/orrery-cli" bench recommend --tracks "$n" \
  --playlists "$p" --dim 32 --queries 300 --seeds 5 --n 500 --threads 2 2>/dev/null
grep -E "Maximum resident|Elapsed" /tmp/bench_recommend.$$.time >&2
rm -f /tmp/bench_recommend.$$.time
