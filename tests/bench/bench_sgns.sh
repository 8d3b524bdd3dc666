#!/usr/bin/env bash
# Skip-gram benchmark: trains item vectors on yes_small (playlists, item2vec defaults) and on the BBC
# articles (text, word2vec defaults) with `orrery-cli train` and with Debian's fastText
# (`skipgram -minn 0 -maxn 0`, no subwords) at the same dim, window, negatives, epochs, threads, min
# count, sub-sampling and learning rate, on the same sequences exported as text. Prints one JSON line
# per tool and corpus (throughput and quality), then one with their ratios.
#
# Throughput: `tokens` is what Orrery reads (in-vocabulary entries × epochs, before sub-sampling);
# `wall_tokens_per_s` divides it by each tool's whole wall time (loading, training and saving),
# `train_tokens_per_s` is each tool's own figure for its training threads (fastText's words/sec/thread
# × threads, which also counts its end-of-line tokens). CPU seconds are there for busy machines.
# Quality: for yes_small the mean fraction of a song's 10 nearest neighbours (cosine) sharing a tag
# with it (and the same over random pairs); for BBC the Spearman ρ on WS-353. fastText has no noise
# exponent option (it is fixed at 0.5), so on playlists it runs at 0.5 where Orrery runs at -0.5.
#
# Usage: tests/bench/bench_sgns.sh [BUILD_DIR] [DATA_DIR]   (THREADS=2 by default)
set -euo pipefail
build=${1:-build/release}
data=${2:-$(dirname "$0")/../../../shared/data}
threads=${THREADS:-2}
cli="$build/app/orrery-cli"
quality=(/usr/bin/python3 "$(dirname "$0")/sgns_quality.py")
if ! command -v fasttext >/dev/null; then
  echo "bench_sgns.sh: fasttext is missing (ORRERY_BENCH_DEPS=1 scripts/install-deps.sh)" >&2
  exit 1
fi
[ -x "$cli" ] || { echo "bench_sgns.sh: no $cli (build it first)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
TIMEFORMAT='%R %U %S'

# timed OUT ERR CMD...: runs CMD, prints "wall user sys"; its peak RSS (kB) goes to OUT.rss when
# GNU time is there (package `time`).
timed() {
  local out=$1 err=$2
  shift 2
  if [ -x /usr/bin/time ]; then
    { time /usr/bin/time -o "$out.rss" -f %M "$@" >"$out" 2>"$err"; } 2>&1
  else
    echo 0 >"$out.rss"
    { time "$@" >"$out" 2>"$err"; } 2>&1
  fi
}

# bench NAME PATH MEASURE DIM WINDOW NEGATIVE EPOCHS MIN_COUNT SAMPLE LR NS_EXPONENT
bench() {
  local name=$1 path=$2 measure=$3 dim=$4 window=$5 negative=$6 epochs=$7 mincount=$8 sample=$9 lr=${10} ns=${11}
  local project="$work/$name.orrery"
  "$cli" import "$project" "$path" --dataset "$name" >/dev/null 2>&1
  "${quality[@]}" export "$project" "$name" "$work/$name.txt" 2>/dev/null
  local measure_args=(--tags)
  [ "$measure" = wordsim ] && measure_args=(--wordsim "$data/wordsim/EN-WS-353-ALL.txt")

  read -r o_wall o_user o_sys < <(timed "$work/o.json" "$work/o.err" "$cli" train "$project" --dataset "$name" --json \
    --dim "$dim" --window "$window" --negative "$negative" --epochs "$epochs" --min-count "$mincount" \
    --sample "$sample" --alpha "$lr" --ns-exponent "$ns" --threads "$threads" --seed 1)
  local o_quality
  o_quality=$("${quality[@]}" score "$project" --set "$name/sgns" "${measure_args[@]}")

  read -r f_wall f_user f_sys < <(timed "$work/f.out" "$work/f.err" fasttext skipgram -input "$work/$name.txt" \
    -output "$work/ft_$name" -minn 0 -maxn 0 -bucket 0 -dim "$dim" -ws "$window" -neg "$negative" -epoch "$epochs" \
    -minCount "$mincount" -t "$sample" -lr "$lr" -thread "$threads" -verbose 2)
  local f_quality
  f_quality=$("${quality[@]}" score "$project" --vec "$work/ft_$name.vec" "${measure_args[@]}")

  /usr/bin/python3 - "$name" "$threads" "$ns" "$work/o.json" "$work/f.err" "$o_quality" "$f_quality" \
    "$o_wall $o_user $o_sys" "$f_wall $f_user $f_sys" "$(cat "$work/o.json.rss")" "$(cat "$work/f.out.rss")" <<'EOF'
import json, re, sys
name, threads, ns, ojson, ferr, oq, fq, otime, ftime, orss, frss = sys.argv[1:]
threads = int(threads)
o = json.load(open(ojson))
rates = re.findall(r"words/sec/thread:\s*([0-9]+)", open(ferr, errors="replace").read())
ow, ou, os_ = map(float, otime.split())
fw, fu, fs = map(float, ftime.split())
tokens = o["tokens"]
p = o["params"]
common = {"bench": "sgns", "corpus": name, "threads": threads, "dim": p["dim"], "window": p["window"],
          "negative": p["negative"], "epochs": p["epochs"], "min_count": p["min_count"], "sample": p["sample"],
          "alpha": p["alpha"], "vocabulary": o["vocabulary"], "tokens": tokens}
rows = [
    dict(common, tool="orrery", ns_exponent=float(ns), train_tokens_per_s=round(o["tokens_per_s"]),
         wall_s=ow, cpu_s=round(ou + os_, 2), wall_tokens_per_s=round(tokens / ow), quality=json.loads(oq),
         peak_rss_mb=round(int(orss) / 1024, 1),
         # what the vectors and training state need: input and output vectors, the corpus, the noise table
         state_mb=round((2 * o["vocabulary"] * p["dim"] * 4 + tokens / p["epochs"] * 4 + o["vocabulary"] * 12) / 2**20, 1)),
    dict(common, tool="fasttext", ns_exponent=0.5,
         train_tokens_per_s=int(rates[-1]) * threads if rates else None,
         wall_s=fw, cpu_s=round(fu + fs, 2), wall_tokens_per_s=round(tokens / fw), quality=json.loads(fq),
         peak_rss_mb=round(int(frss) / 1024, 1)),
]
for r in rows:
    print(json.dumps(r))
key = "spearman" if "spearman" in rows[0]["quality"] else "knn10_tag_share"
ratio = {"bench": "sgns", "corpus": name, "ratio": "orrery/fasttext",
         "wall_tokens_per_s": round(rows[0]["wall_tokens_per_s"] / rows[1]["wall_tokens_per_s"], 2),
         "cpu_s_fasttext_over_orrery": round(rows[1]["cpu_s"] / rows[0]["cpu_s"], 2),
         key: [rows[0]["quality"][key], rows[1]["quality"][key]]}
if rows[1]["train_tokens_per_s"]:
    ratio["train_tokens_per_s"] = round(rows[0]["train_tokens_per_s"] / rows[1]["train_tokens_per_s"], 2)
print(json.dumps(ratio))
EOF
}

#     name      path              measure  dim window neg epochs min sample lr    ns
bench yes_small "$data/yes_small" tags     50  3      5   100    1   1e-5   0.025 -0.5
bench bbc       "$data/bbc"       wordsim  100 5      5   10     5   1e-4   0.05  0.75
