#!/usr/bin/env bash
# Installs what is missing, builds the release preset and opens Orrery on a sample project
# it generates itself. Extra arguments go to the app (e.g. a project file instead of --sample).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake --preset release
cmake --build --preset release
if [ $# -eq 0 ]; then set -- --sample; fi
exec build/release/app/orrery "$@"
