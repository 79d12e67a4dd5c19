#!/usr/bin/env bash
# DP-SGD against normal training in modelcert, on the engine benchmark's data
# (gen_data.py: 100,000 rows, 32 features, seed 7) and pipeline (dropna, column
# L2 norm, z-score, Dense 128-64-1, Adam, binary cross-entropy, 10 epochs of
# batch 32, the first 80% of rows for training). The DP spec adds only
# training.differential_privacy (noise multiplier 1.0, max_grad_norm 1.0): the
# same layers, epochs, batch size and steps. Runs alternate, REPEATS times each,
# and medians are compared: (1) wall: run.json's timings_s.train with the
# default threads (DP-SGD draws the next step's noise on a second thread);
# (2) CPU: the user + system seconds of training alone, on one thread
# (--threads 1), as the CPU time of an EPOCHS-epoch run minus that of a 1-epoch
# run, which is robust to other processes on the machine. A second pair does the
# same at batch 256. bench/README.md has the figures.
#
# usage: bench/dp_vs_sgd.sh [MODELCERT]
# environment: ROWS [100000], FEATURES [32], SEED [7], EPOCHS [10], REPEATS [3],
#   NUMERICS [fast], WORK [/tmp/modelcert-bench], PY [/usr/bin/python3]
# needs: apt-get install -y python3-sklearn (numpy and scikit-learn write the data)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
MC=${1:-build/cli/modelcert}
PY=${PY:-/usr/bin/python3}
ROWS=${ROWS:-100000}
FEATURES=${FEATURES:-32}
SEED=${SEED:-7}
EPOCHS=${EPOCHS:-10}
REPEATS=${REPEATS:-3}
NUMERICS=${NUMERICS:-fast}
WORK=${WORK:-/tmp/modelcert-bench}
if [ ! -x "$MC" ]; then
    echo "dp_vs_sgd.sh: $MC is not an executable (build it first: make build)" >&2
    exit 2
fi
. "$HERE/bench_data.sh"
bench_data
# A benchmark's own secret: it keys this run's noise, it protects nothing.
export MODELCERT_DP_SECRET=benchmark-secret-not-for-real-use
export MODELCERT_AUDIT="$WORK/dp-audit.db"

# spec NAME BATCH DP(0|1) [EPOCHS]
spec() {
    {
        cat <<YAML
apiVersion: modelcert/v1
kind: Pipeline
metadata: {name: bench-$1}
data:
  source: $CSV
  target: label
  split: {test_fraction: 0.2, shuffle: false}
preprocessing:
  - dropna
  - {type: l2_normalize, axis: columns}
  - standardize
architecture:
  layers:
    - {type: dense, units: 128, activation: relu}
    - {type: dense, units: 64, activation: relu}
    - {type: dense, units: 1, activation: sigmoid}
training:
  optimizer: adam
  loss: binary_crossentropy
  epochs: ${4:-$EPOCHS}
  batch_size: $2
  seed: 0
  numerics: $NUMERICS
YAML
        [ "$3" = 1 ] && echo "  differential_privacy: {noise_multiplier: 1.0, max_grad_norm: 1.0, delta: 1.0e-5}"
        echo "metrics: {compute: [accuracy]}"
    } > "$WORK/$1.yaml"
}

# measure NAME: one run; prints "train_s test_acc epsilon steps"
measure() {
    rm -rf "$WORK/run-$1"
    "$MC" run -q "$WORK/$1.yaml" -o "$WORK/run-$1" >/dev/null
    "$PY" - "$WORK/run-$1" <<'PY'
import json, sys
r = json.load(open(sys.argv[1] + "/run.json"))
m = json.load(open(sys.argv[1] + "/metrics.json"))
dp = r.get("differential_privacy", {})
print("%.3f %.4f %s %d" % (r["timings_s"]["train"], m["metrics"]["accuracy"],
                           "%.3f" % dp["epsilon"] if dp else "-", r["training"]["steps"]))
PY
}

# cpu NAME: user + system seconds of `run --threads 1`
cpu() {
    rm -rf "$WORK/run-$1"
    /usr/bin/time -f "%U %S" -o "$WORK/cpu-$1" "$MC" run -q --threads 1 "$WORK/$1.yaml" \
        -o "$WORK/run-$1" >/dev/null
    awk '{print $1 + $2}' "$WORK/cpu-$1"
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }

for batch in 32 256; do
    for m in sgd dp; do
        spec "$m-$batch" "$batch" "$([ $m = dp ] && echo 1 || echo 0)"
        spec "$m-$batch-1" "$batch" "$([ $m = dp ] && echo 1 || echo 0)" 1
        : > "$WORK/t-$m-$batch"
        : > "$WORK/c-$m-$batch"
    done
    for _ in $(seq "$REPEATS"); do
        for m in sgd dp; do
            measure "$m-$batch" | tee -a "$WORK/t-$m-$batch.full" | cut -d' ' -f1 >> "$WORK/t-$m-$batch"
            full=$(cpu "$m-$batch")
            one=$(cpu "$m-$batch-1")
            awk -v a="$full" -v b="$one" 'BEGIN {printf "%.3f\n", a - b}' >> "$WORK/c-$m-$batch"
        done
    done
    s=$(median < "$WORK/t-sgd-$batch")
    d=$(median < "$WORK/t-dp-$batch")
    cs=$(median < "$WORK/c-sgd-$batch")
    cd=$(median < "$WORK/c-dp-$batch")
    read -r _ acc_s _ steps < <(tail -1 "$WORK/t-sgd-$batch.full")
    read -r _ acc_d eps _ < <(tail -1 "$WORK/t-dp-$batch.full")
    rm -f "$WORK/t-sgd-$batch.full" "$WORK/t-dp-$batch.full"
    echo "batch $batch, $steps steps: normal test_acc=$acc_s; DP-SGD test_acc=$acc_d epsilon=$eps (delta 1e-5)"
    echo "  wall, default threads: normal train_s=$s, DP-SGD train_s=$d: ratio $(ratio "$d" "$s")x"
    echo "  CPU of $((EPOCHS - 1)) epochs, 1 thread: normal ${cs}s, DP-SGD ${cd}s: ratio $(ratio "$cd" "$cs")x"
done
