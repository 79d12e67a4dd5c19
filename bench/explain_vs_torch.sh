#!/usr/bin/env bash
# `modelcert explain` (Integrated Gradients) against PyTorch autograd doing the same, in one
# run, on the bench data's test rows (gen_data.py: 100,000 rows, 32 features, seed 7; the
# spec of engine_vs_peers.sh: dropna, column L2 norm, z-score, Dense 128-64-1): modelcert
# to a completeness gap of 1e-6 on every row, PyTorch (peer_torch_ig.py, through the ONNX
# export) with fixed midpoint grids. Prints the times (wall and CPU), the gaps, and how far
# the two disagree. bench/README.md has the figures.
#
# usage: bench/explain_vs_torch.sh [MODELCERT]
# environment: ROWS [100000], FEATURES [32], SEED [7], WORK [/tmp/modelcert-bench],
#   PY [/usr/bin/python3], STEPS ["64 256"] (PyTorch's grids), THREADS [1],
#   EPOCHS [2] (training only makes the model to explain; the timing is of explaining)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
MC=${1:-build/cli/modelcert}
PY=${PY:-/usr/bin/python3}
ROWS=${ROWS:-100000}
FEATURES=${FEATURES:-32}
SEED=${SEED:-7}
WORK=${WORK:-/tmp/modelcert-bench}
STEPS=${STEPS:-64 256}
EPOCHS=${EPOCHS:-2}
THREADS=${THREADS:-1}
if ! "$PY" -c "import torch, onnx, sklearn" 2>/dev/null; then
    echo "explain_vs_torch.sh: needs apt-get install -y python3-torch python3-onnx" \
        "python3-sklearn" >&2
    exit 2
fi
. "$HERE/bench_data.sh"
bench_data
bench_spec "$WORK/explain.yaml" bench-explain "$EPOCHS"
RUN=$WORK/explain-run
rm -rf "$RUN"
"$MC" run -q "$WORK/explain.yaml" -o "$RUN" >/dev/null
"$MC" export -q "$RUN" --format onnx
# the spec's split: the last 20% of the complete rows test, the rest train
"$PY" -c '
import sys
lines = open(sys.argv[1]).read().splitlines()
full = [l for l in lines[1:] if "" not in l.split(",")]
n_test = round(0.2 * len(full))
open(sys.argv[2], "w").write("\n".join([lines[0]] + full[:-n_test]) + "\n")
open(sys.argv[3], "w").write("\n".join([lines[0]] + full[-n_test:]) + "\n")' \
    "$CSV" "$WORK/explain-train.csv" "$WORK/explain-test.csv"

# CPU seconds (user + system) as well as wall-clock: the machine may be shared
TIMEFORMAT='%R %U %S'
{ time MODELCERT_ALLOW_PATHS=$WORK OPENBLAS_NUM_THREADS=1 "$MC" explain "$RUN" \
    "$WORK/explain-test.csv" -o "$WORK/explain-mc.csv" 2>"$WORK/explain-mc.txt"; } \
    2>"$WORK/explain-time.txt"
cat "$WORK/explain-mc.txt"
read -r wall user sys <"$WORK/explain-time.txt"
echo "modelcert explain: wall ${wall} s, cpu $(echo "$user + $sys" | bc) s" \
    "(1 thread, gap at most 1e-6 relative)"
for n in $STEPS; do
    "$PY" "$HERE/peer_torch_ig.py" "$RUN/model.onnx" "$WORK/explain-test.csv" \
        "$WORK/explain-train.csv" "$n" "$THREADS" "$WORK/explain-torch-$n.csv"
    "$PY" -c '
import csv, sys
import numpy as np
a = list(csv.DictReader(open(sys.argv[1])))
b = list(csv.DictReader(open(sys.argv[2])))
assert len(a) == len(b), (len(a), len(b))
cols = [k for k in a[0] if k.startswith("attr_")]
A = np.array([[float(r[c]) for c in cols] for r in a])
B = np.array([[float(r[c]) for c in cols] for r in b])
d = np.abs(A - B).max(axis=1)
print(f"  modelcert vs PyTorch ({sys.argv[3]} steps): largest difference {d.max():.3g}, "
      f"median {np.median(d):.3g}, rows within 1e-5: {(d <= 1e-5).sum()} of {len(d)}")' \
        "$WORK/explain-mc.csv" "$WORK/explain-torch-$n.csv" "$n"
done
