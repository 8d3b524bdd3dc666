#!/usr/bin/env bash
# Installs every Debian 12 package Orrery needs to build, test and benchmark.
# Idempotent: packages already present are skipped, so a second run does nothing.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git
  qt6-base-dev qt6-base-dev-tools qt6-svg-dev qt6-charts-dev libqt6opengl6-dev libgl-dev
  libeigen3-dev libhnswlib-dev libsqlite3-dev libsimdjson-dev
  xvfb xauth fonts-dejavu-core clang-format
)
if [ "${ORRERY_BENCH_DEPS:-0}" = 1 ]; then
  packages+=(fasttext python3-sklearn umap-learn python3-hnswlib python3-numpy python3-torch libopenblas0-pthread time)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && { echo "install-deps: all ${#packages[@]} packages present"; exit 0; }

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: run as root or install sudo" >&2; exit 1; }
  sudo="sudo"
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
