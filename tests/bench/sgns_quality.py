#!/usr/bin/python3
"""Helper of bench_sgns.sh: exports a dataset's sequences as text for fastText, and scores item
vectors (an Orrery embedding set, or a word2vec/fastText .vec file keyed by item keys) the way
tst_sgns does.

  sgns_quality.py export PROJECT DATASET OUT.txt      one sequence per line, item keys joined by spaces
  sgns_quality.py score PROJECT (--set NAME | --vec FILE) (--tags | --wordsim FILE)

score prints one JSON object: {"items": N, "knn10_tag_share": x, "random_tag_share": y} for --tags
(mean fraction of a tagged item's 10 nearest neighbours by cosine that share a tag with it, and the
same over all other items), or {"items": N, "pairs": P, "spearman": rho} for --wordsim.
"""
import argparse
import json
import sqlite3
import struct
import sys

import numpy as np


def dataset_id(db, name):
    row = db.execute("SELECT id FROM dataset WHERE name = ?", (name,)).fetchone()
    if row is None:
        sys.exit(f"sgns_quality.py: no dataset named {name!r}")
    return row[0]


def export(args):
    db = sqlite3.connect(args.project)
    did = dataset_id(db, args.dataset)
    keys = {}
    for item_id, key in db.execute(
            "SELECT i.id, i.key FROM dataset_item di JOIN item i ON i.id = di.item_id WHERE di.dataset_id = ?", (did,)):
        keys[item_id] = key
    lines = 0
    with open(args.out, "w", encoding="utf-8") as out:
        for (entries,) in db.execute("SELECT entries FROM sequence WHERE dataset_id = ? ORDER BY item_id", (did,)):
            ids = struct.unpack(f"<{len(entries) // 8}q", entries)
            out.write(" ".join(keys[i] for i in ids) + "\n")
            lines += 1
    print(json.dumps({"sequences": lines}), file=sys.stderr)


def load_set(db, name):
    row = db.execute("SELECT dim, ids, vectors FROM embedding_set WHERE name = ?", (name,)).fetchone()
    if row is None:
        sys.exit(f"sgns_quality.py: no embedding set named {name!r}")
    dim, ids, vectors = row
    ids = np.frombuffer(ids, dtype="<i8")
    x = np.frombuffer(vectors, dtype="<f4").reshape(len(ids), dim)
    key_of = dict(db.execute("SELECT id, key FROM item"))
    return [key_of[int(i)] for i in ids], x


def load_vec(path):
    keys, rows = [], []
    with open(path, encoding="utf-8") as f:
        header = f.readline().split()
        dim = int(header[1])
        for line in f:
            parts = line.rstrip().split(" ")
            if len(parts) != dim + 1 or parts[0] == "</s>":
                continue
            keys.append(parts[0])
            rows.append([float(v) for v in parts[1:]])
    return keys, np.asarray(rows, dtype=np.float32)


def normalized(x):
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    norms[norms == 0] = 1
    return x / norms


def tag_share(db, keys, x):
    # Items by key (yes_small songs are keyed by their index; words by themselves).
    item_of = dict(db.execute("SELECT key, id FROM item WHERE kind IN (0, 3)"))
    tag_rows = db.execute(
        "SELECT it.item_id, t.id FROM item_tag it JOIN tag t ON t.id = it.tag_id WHERE t.kind = 'tag'")
    tags_of = {}
    for item_id, tag in tag_rows:
        tags_of.setdefault(item_id, set()).add(tag)
    all_tags = sorted({t for s in tags_of.values() for t in s})
    column = {t: c for c, t in enumerate(all_tags)}
    m = np.zeros((len(keys), len(all_tags)), dtype=np.float32)
    for r, k in enumerate(keys):
        for t in tags_of.get(item_of.get(k), ()):
            m[r, column[t]] = 1
    share = (m @ m.T) > 0
    tagged = m.sum(axis=1) > 0
    y = normalized(x)
    sims = y @ y.T
    np.fill_diagonal(sims, -np.inf)
    k = 10
    nearest = np.argpartition(-sims, k, axis=1)[:, :k]
    knn = share[np.arange(len(keys))[:, None], nearest].mean(axis=1)
    np.fill_diagonal(share, False)
    random = share.sum(axis=1) / (len(keys) - 1)
    return {"items": len(keys), "knn10_tag_share": round(float(knn[tagged].mean()), 4),
            "random_tag_share": round(float(random[tagged].mean()), 4)}


def ranks(v):
    order = np.argsort(v, kind="stable")
    r = np.empty(len(v))
    i = 0
    while i < len(v):
        j = i
        while j + 1 < len(v) and v[order[j + 1]] == v[order[i]]:
            j += 1
        r[order[i:j + 1]] = (i + j) / 2
        i = j + 1
    return r


def word_sim(keys, x, path):
    row = {k: i for i, k in enumerate(keys)}
    y = normalized(x)
    human, model = [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.strip().split("\t")
            if len(parts) < 3:
                continue
            a, b = row.get(parts[0].casefold()), row.get(parts[1].casefold())
            if a is None or b is None:
                continue
            human.append(float(parts[2]))
            model.append(float(y[a] @ y[b]))
    rho = float(np.corrcoef(ranks(np.array(human)), ranks(np.array(model)))[0, 1]) if len(human) > 2 else 0.0
    return {"items": len(keys), "pairs": len(human), "spearman": round(rho, 4)}


def score(args):
    db = sqlite3.connect(args.project)
    keys, x = load_set(db, args.set) if args.set else load_vec(args.vec)
    result = tag_share(db, keys, x) if args.tags else word_sim(keys, x, args.wordsim)
    print(json.dumps(result))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="verb", required=True)
    e = sub.add_parser("export")
    e.add_argument("project")
    e.add_argument("dataset")
    e.add_argument("out")
    s = sub.add_parser("score")
    s.add_argument("project")
    source = s.add_mutually_exclusive_group(required=True)
    source.add_argument("--set")
    source.add_argument("--vec")
    measure = s.add_mutually_exclusive_group(required=True)
    measure.add_argument("--tags", action="store_true")
    measure.add_argument("--wordsim")
    args = parser.parse_args()
    export(args) if args.verb == "export" else score(args)


if __name__ == "__main__":
    main()
