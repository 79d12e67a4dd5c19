#!/usr/bin/env bash
# modelcert's engine against the peer baselines in ../shared/bench, in one run,
# on the same data: 100,000 rows, 32 features, seed 7; dropna, column L2 norm,
# z-score, Dense 128-64-1, Adam (Keras defaults), binary cross-entropy, 10
# epochs of batch 32, the first 80% of rows for training.
#
# usage: bench/engine_vs_peers.sh [MODELCERT] [PEERS_DIR]
# needs: apt-get install -y python3-torch python3-sklearn python3-pandas
set -euo pipefail
MC=${1:-build/cli/modelcert}
PEERS=${2:-../shared/bench}
PY=/usr/bin/python3
WORK=${WORK:-/tmp/modelcert-bench}
mkdir -p "$WORK"
CSV=$WORK/bench100k.csv
[ -s "$CSV" ] || "$PY" "$PEERS/gen_data.py" "$CSV" 100000 32 7

cat > "$WORK/bench.yaml" <<YAML
apiVersion: modelcert/v1
kind: Pipeline
metadata: {name: bench100k}
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
training: {optimizer: adam, loss: binary_crossentropy, epochs: 10, batch_size: 32, seed: 0}
metrics: {compute: [accuracy]}
YAML

# run_mc NAME ARGS...: prints "name train_s total_s acc peak_mb"
run_mc() {
    local name=$1
    shift
    rm -rf "$WORK/run-$name"
    /usr/bin/time -f "%M" -o "$WORK/mem-$name" "$MC" run -q "$@" "$WORK/bench.yaml" -o "$WORK/run-$name" >/dev/null
    "$PY" - "$WORK/run-$name" "$WORK/mem-$name" "$name" <<'PY'
import json, sys
r = json.load(open(sys.argv[1] + "/run.json"))
m = json.load(open(sys.argv[1] + "/metrics.json"))
peak = int(open(sys.argv[2]).read().split()[-1]) / 1024
print(f"{sys.argv[3]} train_s={r['timings_s']['train']:.3f} total_s={r['timings_s']['total']:.3f} "
      f"test_acc={m['metrics']['accuracy']:.4f} peak_mb={peak:.1f}")
PY
}

peer() { # NAME SCRIPT ARGS...
    local name=$1
    shift
    /usr/bin/time -f "%M" -o "$WORK/mem-$name" "$PY" "$@" > "$WORK/out-$name"
    echo "$name $(cat "$WORK/out-$name") peak_mb=$(( $(tail -1 "$WORK/mem-$name") / 1024 ))"
}

{
    echo "csv_mb=$(( $(stat -c %s "$CSV") / 1048576 ))"
    run_mc modelcert_fast_2t --threads 2
    run_mc modelcert_fast_1t --threads 1
    run_mc modelcert_reference --numerics reference --threads 1
    peer torch_1t "$PEERS/peer_torch.py" "$CSV" 10 1
    peer torch_2t "$PEERS/peer_torch.py" "$CSV" 10 2
    peer sklearn "$PEERS/peer_sklearn.py" "$CSV" 10
} | tee "$WORK/results.txt"

"$PY" - "$WORK/results.txt" <<'PY'
import re, sys
rows = {}
for line in open(sys.argv[1]):
    if "=" in line and " " in line:
        name, rest = line.split(" ", 1)
        rows[name] = {k: float(v) for k, v in re.findall(r"(\w+)=([\d.]+)", rest)}
mc, t1 = rows["modelcert_fast_1t"], rows["torch_1t"]
csv_mb = float(open(sys.argv[1]).readline().split("=")[1])
print(f"train: torch_1t / modelcert_fast_1t = {t1['train_s'] / mc['train_s']:.1f}x (need >= 5)")
print(f"end to end: torch_1t total / modelcert total = {t1['total_s'] / mc['total_s']:.1f}x (need >= 5)")
print(f"accuracy: modelcert {mc['test_acc']:.4f} vs torch {t1['test_acc']:.4f} (need >= torch - 0.005)")
print(f"peak memory: {mc['peak_mb']:.0f} MB = {mc['peak_mb'] / csv_mb:.2f} x the CSV (need < 3)")
PY
