#!/bin/bash
# Regenerates docs/explore.png (the README's picture of the Compare tab) from the sample project,
# headless, in a throwaway HOME. Run from the source tree after `cmake --build --preset dev`.
set -euo pipefail
BUILD=${BUILD:-build/dev/app}
export HOME=$(mktemp -d)
export QT_QPA_PLATFORM=offscreen
trap 'rm -rf "$HOME"' EXIT
"$BUILD/orrery" --sample --screenshot "$HOME/first.png" # creates the sample and its maps
P="$HOME/.local/share/Orrery/Orrery/sample.orrery"
S="Sample playlists/sgns"
"$BUILD/orrery-cli" project "$P" --set "$S" --method tsne --threads 2
"$BUILD/orrery-cli" project "$P" --set "$S" --method umap --threads 1
"$BUILD/orrery-cli" cluster "$P" --set "$S" --method kmeans --k 6
"$BUILD/orrery" --project "$P" --compare "$S/tsne,$S/umap" --compare-colour clusters --chart cluster \
    --size 1600x900 --screenshot docs/explore.png
