#!/usr/bin/env bash
# Seq2seq training speed: `orrery-cli bench seq2seq` on generated MPD-schema corpora (seconds per
# epoch against the number of playlists, milliseconds to encode one playlist), then the same
# model and batches in PyTorch (tests/bench/seq2seq_reference.py) for one epoch on the corpora the
# bench exported. One JSON line per size and tool.
# Usage: tests/bench/bench_seq2seq.sh [SIZES] [BUILD_DIR] [EPOCHS] [THREADS]
# (defaults 10000,30000,100000 build/release 5 2; PyTorch needs ORRERY_BENCH_DEPS=1
# scripts/install-deps.sh for python3-torch, and libopenblas0-pthread so that its BLAS is not the
# reference one). Note `uptime` beside the numbers.
set -euo pipefail
sizes=${1:-10000,30000,100000}
build=${2:-build/release}
epochs=${3:-5}
threads=${4:-2}
corpora=$(mktemp -d)
trap 'rm -rf "$corpora"' EXIT
uptime >&2
"$build/app/orrery-cli" bench seq2seq --playlists "$sizes" --epochs "$epochs" --threads "$threads" \
  --export-corpus "$corpora"
/usr/bin/python3 "$(dirname "$0")/seq2seq_reference.py" "$corpora" "$threads" 64
uptime >&2
