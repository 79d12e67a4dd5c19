# Shared by the engine benchmarks (engine_vs_peers.sh, explain_vs_torch.sh, dp_vs_sgd.sh): the
# bench data and the engine benchmark's pipeline, written once here so the benchmarks measure
# the same thing. Source it from bash after setting HERE (this directory), PY, ROWS, FEATURES,
# SEED and WORK. It defines:
#   bench_data          makes $WORK/data-ROWSxFEATURES-seedSEED.csv with gen_data.py, unless it
#                       exists (written under another name first, so that an interrupted run
#                       leaves no half file to be reused), and sets CSV to its path;
#   bench_spec OUT NAME EPOCHS
#                       writes the spec at OUT: CSV, the first 80% of rows for training, dropna,
#                       column L2 norm, z-score, Dense 128-64-1, Adam, binary cross-entropy,
#                       batch 32, seed 0, EPOCHS epochs, metadata.name NAME.
bench_data() {
    mkdir -p "$WORK"
    CSV=$WORK/data-${ROWS}x${FEATURES}-seed${SEED}.csv
    if [ ! -s "$CSV" ]; then
        "$PY" "$HERE/gen_data.py" "$CSV.part" "$ROWS" "$FEATURES" "$SEED"
        mv "$CSV.part" "$CSV"
    fi
}

bench_spec() {
    cat > "$1" <<YAML
apiVersion: modelcert/v1
kind: Pipeline
metadata: {name: $2}
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
training: {optimizer: adam, loss: binary_crossentropy, epochs: $3, batch_size: 32, seed: 0}
metrics: {compute: [accuracy]}
YAML
}
