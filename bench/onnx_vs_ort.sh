#!/usr/bin/env bash
# modelcert's ONNX interpreter against ONNX Runtime (npm onnxruntime-node, one thread), in one
# run, inference only, on the benchmark's data (gen_data.py: 100,000 rows, 32 features, seed 7)
# and PyTorch's export of the engine benchmark's network (onnx_mlp.py: 32-128-64-1). Both read
# the same float32 [N, 32] input (a missing cell NaN) and run it in chunks of 1,024 rows (as
# `predict MODEL.onnx` does) and, for ONNX Runtime, also as one batch; the checksums of the
# outputs must agree. bench/README.md has the figures.
#
# usage: bench/onnx_vs_ort.sh [BUILD_DIR]       (default build; needs bench_onnx built)
# environment: ROWS [100000], FEATURES [32], SEED [7], REPEATS [5], WORK [/tmp/modelcert-bench],
#   PY [/usr/bin/python3, with python3-torch and python3-sklearn]
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
BUILD=${1:-build}
PY=${PY:-/usr/bin/python3}
ROWS=${ROWS:-100000}
FEATURES=${FEATURES:-32}
SEED=${SEED:-7}
REPEATS=${REPEATS:-5}
WORK=${WORK:-/tmp/modelcert-bench}
BENCH=$BUILD/bench/bench_onnx
[ -x "$BENCH" ] || { echo "onnx_vs_ort.sh: $BENCH is not built (cmake --build $BUILD --target bench_onnx)" >&2; exit 2; }
. "$HERE/../tests/e2e/onnx_ort_setup.sh"
ort_setup || exit 2
mkdir -p "$WORK"
CSV=$WORK/bench${ROWS}_${FEATURES}_${SEED}.csv
if [ ! -f "$CSV" ]; then
    "$PY" "$HERE/gen_data.py" "$CSV.part" "$ROWS" "$FEATURES" "$SEED"
    mv "$CSV.part" "$CSV"
fi
MODEL=$WORK/mlp_${FEATURES}.onnx
"$PY" "$HERE/onnx_mlp.py" "$MODEL" "$FEATURES" "$SEED"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1
mc=$("$BENCH" "$MODEL" "$CSV" "$FEATURES" 1024 "$REPEATS")
echo "$mc"
ort=$(NODE_PATH="$ORT_NODE_PATH" node "$HERE/ort_infer.js" "$MODEL" "$CSV" "$FEATURES" 1024 "$REPEATS")
echo "$ort"
ort1=$(NODE_PATH="$ORT_NODE_PATH" node "$HERE/ort_infer.js" "$MODEL" "$CSV" "$FEATURES" 0 "$REPEATS")
echo "$ort1"
best() { sed -n 's/.*best \([0-9.]*\) s.*/\1/p' <<<"$1"; }
sum() { sed -n 's/.*checksum \([-0-9.]*\).*/\1/p' <<<"$1"; }
"$PY" - "$(best "$mc")" "$(best "$ort")" "$(best "$ort1")" "$(sum "$mc")" "$(sum "$ort")" <<'PY'
import sys
mc, ort, ort1, s1, s2 = map(float, sys.argv[1:])
print("ratio modelcert / onnxruntime (best of each): %.2fx in chunks of 1024, %.2fx against "
      "one batch" % (mc / ort, mc / ort1))
print("checksums %s: |difference| %.3g" % ("agree" if abs(s1 - s2) <= 1e-6 * max(1.0, abs(s2)) * 100 else "DIFFER", abs(s1 - s2)))
PY
