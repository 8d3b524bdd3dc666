#!/usr/bin/env bash
# Projection benchmark: the same vectors mapped by Orrery (orrery-cli project, UMAP and t-SNE) and
# by umap-learn and scikit-learn's t-SNE (n_jobs=2), one JSON line per tool and method with wall
# seconds and trustworthiness@15 measured by one function. Data: LSA-100 vectors of the bbc
# documents (when ../shared/data is present) and BLOBS clustered 64-d vectors; then a UMAP of BIG
# clustered 64-d vectors (sample-and-place) with time and peak memory from /usr/bin/time -v.
# Usage: tests/bench/bench_project.sh [BUILD_DIR] [BLOBS] [BIG]   (defaults: build/release 20000 1000000)
# Needs ORRERY_BENCH_DEPS=1 scripts/install-deps.sh (umap-learn, python3-sklearn). "seconds" is wall time
# of the computation alone (Orrery: the layout's own timing; Python: around fit_transform), "cpu_seconds"
# the process CPU time over all threads, the fairer figure when other work shares the cores.
# BENCH_SKIP_TSNE_ABOVE=N skips scikit-learn's t-SNE on data sets above N rows (it takes many minutes).
set -euo pipefail
build=${1:-build/release}
blobs=${2:-20000}
big=${3:-1000000}
cli="$build/app/orrery-cli"
ref="$(dirname "$0")/project_reference.py"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

/usr/bin/python3 "$ref" data "$work" --blobs "$blobs"
for name in bbc blobs; do
  [ -f "$work/$name.npy" ] || continue
  "$cli" import "$work/$name.orrery" "$work/$name.npy" --format vectors --dataset "$name" >/dev/null 2>&1
  for method in umap tsne; do
    "$cli" project "$work/$name.orrery" --set "$name" --method "$method" --seed 1 --trust-sample 0 --json >/dev/null 2>&1
  done
  /usr/bin/python3 "$ref" compare "$work/$name.npy" "$work/$name.orrery" "$name"
done

if [ "$big" -gt 0 ]; then
  /usr/bin/python3 "$ref" big "$work/big.npy" "$big"
  "$cli" import "$work/big.orrery" "$work/big.npy" --format vectors --dataset big >/dev/null 2>&1
  rm -f "$work/big.npy"
  /usr/bin/time -v -o "$work/time.txt" "$cli" project "$work/big.orrery" --set big --method umap --seed 1 --json \
    >"$work/big.json" 2>/dev/null
  /usr/bin/python3 - "$work/big.json" "$work/time.txt" <<'EOF'
import json, re, sys
report = json.load(open(sys.argv[1]))
timing = open(sys.argv[2]).read()
wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", timing).group(1).split(":")
rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", timing).group(1))
stats = report["stats"]
print(json.dumps({"dataset": "clustered-64", "tool": "orrery", "method": "umap", "n": report["count"], "dim": 64,
                  "seconds": round(stats["seconds"], 3), "cpu_seconds": round(stats["cpu_seconds"], 1), "process_seconds": round(sum(float(p) * 60 ** i for i, p in enumerate(reversed(wall))), 1),
                  "peak_rss_mb": round(rss / 1024), "sampled": report["sampled"], "placed": report["placed"],
                  "seconds_neighbours": round(stats["seconds_neighbours"], 1), "seconds_fit": round(stats["seconds_fit"], 1),
                  "trustworthiness15": round(report["trustworthiness15"], 4), "trust_sample": stats["trust_sample"]}))
EOF
fi
