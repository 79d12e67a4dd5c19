#!/usr/bin/env bash
# modelcert's ONNX interpreter against ONNX Runtime (npm onnxruntime-node, one thread), in one
# run, inference only, on the benchmark's data (gen_data.py: 100,000 rows, 32 features, seed 7)
# and PyTorch's export of the engine benchmark's network (onnx_mlp.py: 32-128-64-1). Both read
# the same float32 [N, 32] input (a missing cell NaN) before the clock starts (the CSV parsing
# is counted on neither side; each pass wraps its chunks as tensors, runs them and sums the
# outputs) and run it in chunks of 1,024 rows (as `predict MODEL.onnx` does); ONNX Runtime
# also in chunks of 4,096 and as one batch, and modelcert is compared with the best of those.
# ROUNDS rounds alternate the programs, so that a load that comes and goes on a shared machine
# falls on both; each program prints the best of its passes in wall-clock and CPU seconds,
# and the best over the rounds is taken. The checksums of the outputs must agree.
# bench/README.md has the figures.
#
# usage: bench/onnx_vs_ort.sh [BUILD_DIR]       (default build; needs bench_onnx built)
# environment: ROWS [100000], FEATURES [32], SEED [7], REPEATS [5] passes per program and
#   round, ROUNDS [3], WORK [/tmp/modelcert-bench],
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
ROUNDS=${ROUNDS:-3}
OUT=$WORK/onnx_vs_ort.out
: >"$OUT"
for round in $(seq 1 "$ROUNDS"); do
    "$BENCH" "$MODEL" "$CSV" "$FEATURES" 1024 "$REPEATS" | sed "s/^/round $round /" | tee -a "$OUT"
    for chunk in 1024 4096 0; do
        NODE_PATH="$ORT_NODE_PATH" node "$HERE/ort_infer.js" "$MODEL" "$CSV" "$FEATURES" "$chunk" \
            "$REPEATS" | sed "s/^/round $round /" | tee -a "$OUT"
    done
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
"$PY" - "$OUT" <<'PY'
import re, sys
best = {}  # (program, chunks) -> [wall, cpu, checksum]
for line in open(sys.argv[1]):
    m = re.search(r"(modelcert|onnxruntime)\S*:? .*chunks of (\d+): best ([\d.]+) s, median [\d.]+ s, "
                  r"cpu best ([\d.]+) s, .*checksum ([-\d.]+)", line)
    if not m:
        continue
    key = (m.group(1), int(m.group(2)))
    wall, cpu, total = float(m.group(3)), float(m.group(4)), float(m.group(5))
    b = best.setdefault(key, [wall, cpu, total])
    b[0], b[1] = min(b[0], wall), min(b[1], cpu)
mc = best[("modelcert", 1024)]
ort = {k: v for k, v in best.items() if k[0] == "onnxruntime"}
for k, v in sorted(best.items()):
    print("best over the rounds: %-11s chunks of %6d: %.4f s wall, %.4f s cpu" % (k[0], k[1], v[0], v[1]))
for i, what in ((0, "wall clock"), (1, "CPU time")):
    k = min(ort, key=lambda k: ort[k][i])
    print("ratio modelcert / onnxruntime's best configuration (chunks of %d), %s: %.2fx"
          % (k[1], what, mc[i] / ort[k][i]))
worst = max(abs(mc[2] - v[2]) for v in ort.values())
print("checksums %s: |difference| %.3g" % ("agree" if worst <= 1e-4 * max(1.0, abs(mc[2])) else "DIFFER", worst))
PY
