#!/usr/bin/env bash
# Clustering benchmark: `orrery-cli bench cluster` (k-means of a seeded N × DIM Gaussian mixture
# beside faiss's k-means when orrery-cli was built with libfaiss-dev, grid density clusters of N 2D
# points, c-TF-IDF labels of N rows), then scikit-learn's KMeans (k-means++, one init, the same k
# and iterations, tol 0) and MiniBatchKMeans on a mixture drawn the same way by numpy. One JSON
# line per tool. Usage: tests/bench/bench_cluster.sh [N] [BUILD_DIR] [DIM] [K]
# (defaults 1000000 build/release 64 100; needs ORRERY_BENCH_DEPS=1 scripts/install-deps.sh for
# python3-sklearn). Note `uptime` beside the numbers: the machine's other work slows both.
set -euo pipefail
n=${1:-1000000}
build=${2:-build/release}
dim=${3:-64}
k=${4:-100}
uptime >&2
"$build/app/orrery-cli" bench cluster --points "$n" --dim "$dim" --k "$k" --iterations 20 --json
/usr/bin/python3 - "$n" "$dim" "$k" <<'PY'
import json, sys, time
import numpy as np
from sklearn.cluster import KMeans, MiniBatchKMeans
n, dim, k = (int(a) for a in sys.argv[1:4])
rng = np.random.default_rng(7)
centres = (2 * rng.standard_normal((k, dim))).astype(np.float32)
truth = rng.integers(0, k, n)
x = centres[truth] + rng.standard_normal((n, dim)).astype(np.float32)
def purity(labels):
    table = np.zeros((k, k), dtype=np.int64)
    np.add.at(table, (labels, truth), 1)
    return float(table.max(axis=1).sum() / n)
for name, model in (("sklearn_kmeans", KMeans(n_clusters=k, init="k-means++", n_init=1, max_iter=20, tol=0,
                                               algorithm="lloyd", random_state=1)),
                    ("sklearn_minibatch", MiniBatchKMeans(n_clusters=k, n_init=1, max_iter=20, batch_size=4096,
                                                          random_state=1))):
    start = time.perf_counter()
    model.fit(x)
    seconds = time.perf_counter() - start
    print(json.dumps({"bench": "cluster", "tool": name, "points": n, "dim": dim, "k": k, "seconds": round(seconds, 3),
                      "inertia_per_row": float(model.inertia_) / n, "purity": purity(model.labels_)}))
PY
uptime >&2
