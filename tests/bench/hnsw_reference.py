#!/usr/bin/python3
"""Reference side of the neighbour-index benchmark (tests/bench/bench_index.sh).

  generate DIR --rows N --dim D --queries Q --seed S [--clusters C] [--sigma X]
      writes DIR/vectors.npy (N x D) and DIR/queries.npy (Q x D): float32 points around C
      Gaussian centres (isotropic noise of standard deviation X), numpy-seeded.
  run DIR --M 16 --ef-construction 200 --threads 2 [--ef N] [--target 0.95]
      builds a python3-hnswlib index of DIR/vectors.npy (cosine) on --threads threads, times
      single-thread queries of DIR/queries.npy at --ef (the ef Orrery chose) and sweeps ef for
      its own smallest ef reaching --target, recall@10 against numpy brute force; one JSON line.
  merge INDEX_JSON TIME_FILE BENCH_JSON
      prints Orrery's JSON line: `orrery-cli index --json`, the peak RSS /usr/bin/time -v measured
      for it, and `orrery-cli bench index`.
"""
import argparse
import json
import resource
import sys
import time

SWEEP = [10, 16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512, 768, 1024]


def generate(args):
    import numpy as np

    rng = np.random.default_rng(args.seed)
    centres = rng.standard_normal((args.clusters, args.dim), dtype=np.float32)

    def points(count):
        out = np.empty((count, args.dim), dtype=np.float32)
        block = 100_000
        for start in range(0, count, block):
            m = min(block, count - start)
            which = rng.integers(0, args.clusters, m)
            out[start:start + m] = centres[which] + args.sigma * rng.standard_normal((m, args.dim), dtype=np.float32)
        return out

    np.save(f"{args.dir}/vectors.npy", points(args.rows))
    np.save(f"{args.dir}/queries.npy", points(args.queries))


def exact_top(data_unit, queries_unit, k):
    import numpy as np

    truth = np.empty((len(queries_unit), k), dtype=np.int64)
    for start in range(0, len(queries_unit), 100):
        sims = queries_unit[start:start + 100] @ data_unit.T
        part = np.argpartition(-sims, k, axis=1)[:, :k]
        order = np.argsort(-np.take_along_axis(sims, part, axis=1), axis=1)
        truth[start:start + 100] = np.take_along_axis(part, order, axis=1)
    return truth


def run(args):
    import hnswlib
    import numpy as np

    data = np.load(f"{args.dir}/vectors.npy")
    queries = np.load(f"{args.dir}/queries.npy")
    n, dim = data.shape
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    started = time.perf_counter()
    index = hnswlib.Index(space="cosine", dim=dim)
    index.init_index(max_elements=n, ef_construction=args.ef_construction, M=args.M, random_seed=100)
    index.add_items(data, np.arange(n), num_threads=args.threads)
    build = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024

    unit = data / np.maximum(np.linalg.norm(data, axis=1, keepdims=True), 1e-30)
    qunit = queries / np.maximum(np.linalg.norm(queries, axis=1, keepdims=True), 1e-30)
    started = time.perf_counter()
    truth = exact_top(unit, qunit, 10)
    exact_seconds = time.perf_counter() - started
    del unit

    def measure(ef):
        index.set_ef(ef)
        started = time.perf_counter()
        labels, _ = index.knn_query(queries, k=10, num_threads=1)
        seconds = time.perf_counter() - started
        hits = sum(len(set(labels[i]) & set(truth[i])) for i in range(len(queries)))
        return hits / truth.size, len(queries) / seconds

    sweep = []
    own = None
    for ef in SWEEP:
        recall, qps = measure(ef)
        sweep.append({"ef": ef, "recall_at_10": recall, "queries_per_s": qps})
        if recall >= args.target:
            own = sweep[-1]
            break
    same = None
    if args.ef:
        recall, qps = measure(args.ef)
        same = {"ef": args.ef, "recall_at_10": recall, "queries_per_s": qps}
    chosen = same or own or sweep[-1]
    print(json.dumps({
        "bench": "index", "tool": "python3-hnswlib", "count": n, "dim": dim, "metric": "cosine",
        "M": args.M, "ef_construction": args.ef_construction, "build_threads": args.threads,
        "build_seconds": build, "peak_rss_mb": peak / 1e6, "rss_before_build_mb": rss_before / 1e6,
        "exact_seconds": exact_seconds, "queries": len(queries), "threads": 1, "target_recall": args.target,
        "ef": chosen["ef"], "recall_at_10": chosen["recall_at_10"], "queries_per_s": chosen["queries_per_s"],
        "own_ef_for_target": own, "sweep": sweep}), flush=True)


def merge(args):
    with open(args.index_json) as f:
        built = json.load(f)
    with open(args.bench_json) as f:
        bench = json.load(f)
    peak = None
    with open(args.time_file) as f:
        for line in f:
            if "Maximum resident set size" in line:
                peak = int(line.split(":")[1]) * 1024
    bench.update({
        "build_seconds": built.get("build_seconds"), "build_threads": 2, "index_seconds": built.get("seconds"),
        "tuned_ef": built.get("ef"), "tuned_recall_at_10": built.get("recall_at_10"),
        "recall_seconds": built.get("recall_seconds"), "peak_rss_mb": peak / 1e6 if peak else None,
        "stored": "file" if built.get("stored") != "inline" else "inline"})
    print(json.dumps(bench), flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    g = sub.add_parser("generate")
    g.add_argument("dir")
    g.add_argument("--rows", type=int, default=1_000_000)
    g.add_argument("--dim", type=int, default=64)
    g.add_argument("--queries", type=int, default=2000)
    g.add_argument("--seed", type=int, default=1)
    g.add_argument("--clusters", type=int, default=1000)
    g.add_argument("--sigma", type=float, default=0.5)
    r = sub.add_parser("run")
    r.add_argument("dir")
    r.add_argument("--M", type=int, default=16)
    r.add_argument("--ef-construction", type=int, default=200)
    r.add_argument("--threads", type=int, default=2)
    r.add_argument("--ef", type=int, default=0)
    r.add_argument("--target", type=float, default=0.95)
    m = sub.add_parser("merge")
    m.add_argument("index_json")
    m.add_argument("time_file")
    m.add_argument("bench_json")
    args = parser.parse_args()
    {"generate": generate, "run": run, "merge": merge}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
