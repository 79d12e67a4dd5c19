#!/usr/bin/env bash
# modelcert's engine against the peer scripts next to this file (peer_torch.py,
# peer_sklearn.py), in one run, on the same data (gen_data.py: 100,000 rows,
# 32 features, seed 7): dropna, column L2 norm, z-score, Dense 128-64-1, Adam
# (Keras defaults), binary cross-entropy, 10 epochs of batch 32, the first 80%
# of rows for training. bench/README.md has the figures and what they mean.
#
# usage: bench/engine_vs_peers.sh [MODELCERT]
#   MODELCERT  the binary to measure (default build/cli/modelcert)
# environment (defaults in brackets):
#   ROWS [100000], FEATURES [32], SEED [7]  the generated table
#   EPOCHS [10]                             training epochs, for every tool
#   WORK [/tmp/modelcert-bench]             data, runs and results
#   PY [/usr/bin/python3]                   the Python with the peers' packages
# needs: apt-get install -y python3-sklearn python3-pandas python3-torch
#   (numpy and scikit-learn write the data; a peer whose packages are missing
#   is skipped with a note, and the ratios that need it are not computed)
set -euo pipefail
if [ $# -gt 1 ]; then
    echo "usage: bench/engine_vs_peers.sh [MODELCERT]" >&2
    exit 2
fi
HERE=$(cd "$(dirname "$0")" && pwd)
MC=${1:-build/cli/modelcert}
PY=${PY:-/usr/bin/python3}
ROWS=${ROWS:-100000}
FEATURES=${FEATURES:-32}
SEED=${SEED:-7}
EPOCHS=${EPOCHS:-10}
WORK=${WORK:-/tmp/modelcert-bench}

if [ ! -x "$MC" ]; then
    echo "engine_vs_peers.sh: $MC is not an executable (build it first: make build)" >&2
    exit 2
fi
if ! "$PY" -c "import numpy, sklearn" 2>/dev/null; then
    echo "engine_vs_peers.sh: the data generator needs NumPy and scikit-learn for $PY:" >&2
    echo "    apt-get install -y python3-sklearn" >&2
    exit 2
fi
HAVE_TORCH=1
HAVE_SK=1
"$PY" -c "import torch, pandas" 2>/dev/null || HAVE_TORCH=0
"$PY" -c "import sklearn, pandas" 2>/dev/null || HAVE_SK=0
if [ "$HAVE_TORCH" = 0 ]; then
    echo "note: PyTorch (or pandas) is missing for $PY: the PyTorch peer is skipped." >&2
    echo "      apt-get install -y python3-torch python3-pandas" >&2
fi
if [ "$HAVE_SK" = 0 ]; then
    echo "note: pandas is missing for $PY: the scikit-learn peer is skipped." >&2
    echo "      apt-get install -y python3-pandas" >&2
fi

. "$HERE/bench_data.sh"
bench_data
bench_spec "$WORK/bench.yaml" bench "$EPOCHS"

# Every tool prints one line "NAME key=value ...": train_s, total_s, test_acc
# and peak_mb (maximum resident set size, from /usr/bin/time).

# run_mc NAME ARGS...: modelcert run with ARGS; its times come from run.json.
run_mc() {
    local name=$1
    shift
    rm -rf "$WORK/run-$name"
    /usr/bin/time -f "%M" -o "$WORK/mem-$name" \
        "$MC" run -q "$@" "$WORK/bench.yaml" -o "$WORK/run-$name" >/dev/null
    "$PY" - "$WORK/run-$name" "$WORK/mem-$name" "$name" <<'PY'
import json, sys
run_dir, mem_file, name = sys.argv[1:4]
with open(run_dir + "/run.json") as f:
    timings = json.load(f)["timings_s"]
with open(run_dir + "/metrics.json") as f:
    accuracy = json.load(f)["metrics"]["accuracy"]
with open(mem_file) as f:
    peak_mb = int(f.read().split()[-1]) / 1024
print(f"{name} train_s={timings['train']:.3f} total_s={timings['total']:.3f} "
      f"test_acc={accuracy:.4f} peak_mb={peak_mb:.1f}")
PY
}

# peer NAME SCRIPT ARGS...: a peer script prints its own times and accuracy.
peer() {
    local name=$1
    shift
    /usr/bin/time -f "%M" -o "$WORK/mem-$name" "$PY" "$@" > "$WORK/out-$name"
    echo "$name $(cat "$WORK/out-$name") peak_mb=$(( $(tail -1 "$WORK/mem-$name") / 1024 ))"
}

{
    echo "csv_mb=$("$PY" -c 'import os, sys; print(f"{os.path.getsize(sys.argv[1]) / 1048576:.3f}")' "$CSV")"
    run_mc modelcert_fast_2t --threads 2
    run_mc modelcert_fast_1t --threads 1
    run_mc modelcert_reference --numerics reference --threads 1
    if [ "$HAVE_TORCH" = 1 ]; then
        peer torch_1t "$HERE/peer_torch.py" "$CSV" "$EPOCHS" 1
        peer torch_2t "$HERE/peer_torch.py" "$CSV" "$EPOCHS" 2
    else
        echo "torch not measured: PyTorch missing"
    fi
    if [ "$HAVE_SK" = 1 ]; then
        peer sklearn "$HERE/peer_sklearn.py" "$CSV" "$EPOCHS"
    else
        echo "sklearn not measured: pandas missing"
    fi
} | tee "$WORK/results.txt"

"$PY" - "$WORK/results.txt" <<'PY'
import re, sys
rows = {}
with open(sys.argv[1]) as f:
    csv_mb = float(f.readline().split("=")[1])
    for line in f:
        name, rest = line.split(" ", 1)
        values = re.findall(r"(\w+)=([\d.]+)", rest)
        if values:
            rows[name] = {k: float(v) for k, v in values}
mc = rows["modelcert_fast_1t"]
print()
t1 = rows.get("torch_1t")
if t1:
    print(f"train: torch_1t / modelcert_fast_1t = {t1['train_s'] / mc['train_s']:.1f}x (need >= 5)")
    print(f"end to end: torch_1t total / modelcert total = {t1['total_s'] / mc['total_s']:.1f}x (need >= 5)")
    print(f"accuracy: modelcert {mc['test_acc']:.4f} vs torch {t1['test_acc']:.4f} (need >= torch - 0.005)")
else:
    print("train, end to end, accuracy: not compared (PyTorch was not measured; "
          "apt-get install -y python3-torch)")
print(f"peak memory: {mc['peak_mb']:.0f} MB = {mc['peak_mb'] / csv_mb:.2f} x the CSV (need < 3)")
PY
