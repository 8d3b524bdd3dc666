#!/usr/bin/python3
"""Reference side of the projection benchmark (bench_project.sh).

  project_reference.py data OUT_DIR [--blobs N]   writes bbc.npy (LSA-100 document vectors of
      ../shared/data/bbc, when present) and blobs.npy (N clustered 64-d vectors)
  project_reference.py big OUT.npy N               writes N clustered 64-d vectors (float32)
  project_reference.py compare DATA.npy PROJECT SET  runs umap-learn and scikit-learn's t-SNE on the
      same unit rows, reads Orrery's layouts SET/umap and SET/tsne from the project file, and prints
      one JSON line per tool and method: wall seconds and trustworthiness@15, all measured by the
      same function (exact high-dimensional ranks on a sample of up to 2,000 points).
"""
import glob, json, os, sqlite3, sys, time

import numpy as np

SAMPLE = 2000


def unit(x):
    x = np.asarray(x, dtype=np.float32)
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    norms[norms == 0] = 1
    return x / norms


def trustworthiness(x, y, k=15, sample=SAMPLE, seed=1):
    """T(k) as Orrery computes it: cosine ranks among all n rows for `sample` points."""
    n = len(x)
    xn = unit(x)
    y = np.asarray(y, dtype=np.float64)
    rows = np.arange(n) if sample >= n else np.sort(np.random.default_rng(seed).choice(n, sample, replace=False))
    penalty = 0
    for start in range(0, len(rows), 32):
        block = rows[start:start + 32]
        b = np.arange(len(block))
        s = xn[block] @ xn.T
        s[b, block] = -np.inf
        d = ((y[block, None, :] - y[None, :, :]) ** 2).sum(-1)
        d[b, block] = np.inf
        near = np.argpartition(d, k, axis=1)[:, :k]
        t = s[b[:, None], near]
        ranks = (s[:, None, :] > t[:, :, None]).sum(-1) + 1
        penalty += np.maximum(ranks - k, 0).sum()
    m = len(rows)
    return float(1 - 2.0 * penalty / (m * k * (2.0 * n - 3.0 * k - 1.0)))


def clustered(n, dim, clusters, seed):
    rng = np.random.default_rng(seed)
    centres = rng.normal(scale=3.0, size=(clusters, dim)).astype(np.float32)
    labels = rng.integers(0, clusters, n)
    out = np.empty((n, dim), dtype=np.float32)
    for start in range(0, n, 100000):
        part = labels[start:start + 100000]
        out[start:start + len(part)] = centres[part] + rng.standard_normal((len(part), dim), dtype=np.float32)
    return out


def data(out, blobs):
    os.makedirs(out, exist_ok=True)
    bbc = os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../../shared/data/bbc")
    files = sorted(glob.glob(os.path.join(bbc, "*", "*.txt")))
    if files:
        from sklearn.decomposition import TruncatedSVD
        from sklearn.feature_extraction.text import TfidfVectorizer
        docs = [open(f, encoding="latin-1").read() for f in files]
        tfidf = TfidfVectorizer(sublinear_tf=True).fit_transform(docs)
        np.save(os.path.join(out, "bbc.npy"), TruncatedSVD(100, random_state=1).fit_transform(tfidf).astype(np.float32))
    np.save(os.path.join(out, "blobs.npy"), clustered(blobs, 64, 20, 7))


def layout(project, name):
    db = sqlite3.connect(project)
    row = db.execute("SELECT coords, stats FROM layout WHERE name = ?", (name,)).fetchone()
    if row is None:
        return None, None
    return np.frombuffer(row[0], dtype=np.float64).reshape(-1, 2), json.loads(row[1])


def emit(dataset, tool, method, x, seconds, cpu, y, extra=None):
    line = {"dataset": dataset, "tool": tool, "method": method, "n": len(x), "dim": x.shape[1],
            "seconds": round(seconds, 3), "cpu_seconds": round(cpu, 3), "trustworthiness15": round(trustworthiness(x, y), 4)}
    if len(x) <= 5000:
        from sklearn.manifold import trustworthiness as sk_trust
        line["sklearn_trustworthiness15"] = round(float(sk_trust(unit(x), y, n_neighbors=15)), 4)
    line.update(extra or {})
    print(json.dumps(line), flush=True)


def compare(path, project, dataset):
    import umap
    from sklearn.manifold import TSNE
    x = unit(np.load(path))
    # Numba compiles umap-learn (and pynndescent above 4,096 rows) on first use: warm both up.
    warm = unit(clustered(5000, x.shape[1], 5, 1))
    umap.UMAP(random_state=0).fit_transform(warm)
    umap.UMAP().fit_transform(warm[:500])

    for method in ("umap", "tsne"):
        y, stats = layout(project, f"{dataset}/{method}")
        if y is not None:
            emit(dataset, "orrery", method, x, stats["seconds"], stats.get("cpu_seconds", 0), y, {"threads": 2})
    runs = [("umap-learn", "umap", {"threads": 1, "note": "random_state set: serial SGD"},
             lambda: umap.UMAP(n_neighbors=15, min_dist=0.1, random_state=1)),
            ("umap-learn", "umap", {"threads": 2, "note": "no random_state: parallel SGD"},
             lambda: umap.UMAP(n_neighbors=15, min_dist=0.1)),
            ("sklearn", "tsne", {"threads": 2},
             lambda: TSNE(n_components=2, perplexity=30, init="pca", learning_rate="auto", n_jobs=2, random_state=1))]
    for tool, method, extra, make in runs:
        if os.environ.get("BENCH_SKIP_TSNE_ABOVE") and method == "tsne" and len(x) > int(os.environ["BENCH_SKIP_TSNE_ABOVE"]):
            continue
        start, cpu = time.perf_counter(), time.process_time()
        y = make().fit_transform(x)
        emit(dataset, tool, method, x, time.perf_counter() - start, time.process_time() - cpu, y, extra)


if __name__ == "__main__":
    if sys.argv[1] == "data":
        data(sys.argv[2], int(sys.argv[4]) if len(sys.argv) > 4 else 20000)
    elif sys.argv[1] == "big":
        np.save(sys.argv[2], clustered(int(sys.argv[3]), 64, 50, 3))
    elif sys.argv[1] == "compare":
        compare(sys.argv[2], sys.argv[3], sys.argv[4])
