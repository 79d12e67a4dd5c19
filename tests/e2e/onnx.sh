#!/usr/bin/env bash
# ONNX export end to end (docs/onnx.md): the models of the three examples pass python3-onnx's
# checker and load in ONNX Runtime (onnxruntime-node), whose outputs on every raw row equal
# `modelcert predict` within 1e-6 absolute, with NaN exactly for the rows predict drops;
# usage errors and a run directory without a model exit 2; a step ONNX cannot express exits 2
# naming it (once the engine has such a step: the unit test test_onnx covers it meanwhile).
# usage: onnx.sh MODELCERT SOURCE_DIR
set -u
MC=$1
SRC=$2
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/onnx_ort_setup.sh"
PY=/usr/bin/python3 # Debian's, which has python3-onnx (a python3 earlier in PATH may not)
ort_setup || exit 1
check "$PY" -c "import onnx" -- "python3-onnx is importable"

for e in seed multiclass regression; do
    expect_exit 0 "$e: run" -- "$MC" run "$SRC/examples/$e/modelcert.yaml" -o "$TMP/$e" -q
    expect_exit 0 "$e: export --format onnx" -- "$MC" export "$TMP/$e" --format onnx
    expect_grep out "wrote $TMP/$e/model.onnx sha256:$(sha256sum "$TMP/$e/model.onnx" | cut -c1-64)" \
        "$e: the default output is RUN_DIR/model.onnx, its digest printed"
    "$MC" predict "$TMP/$e/model.mcm" "$SRC/examples/$e/data.csv" -o "$TMP/$e/pred.csv" 2>/dev/null
    expect_exit 0 "$e: python3-onnx's checker (full check) accepts it" -- \
        "$PY" "$SRC/tests/e2e/onnx_check.py" "$TMP/$e/model.onnx" "$TMP/$e/sig.json"
    cat "$TMP/out"
    expect_exit 0 "$e: ONNX Runtime's outputs equal predict's within 1e-6 on every row" -- \
        env NODE_PATH="$ORT_NODE_PATH" node "$SRC/tests/e2e/onnx_ort.js" export "$TMP/$e/model.onnx" \
        "$TMP/$e/sig.json" "$SRC/examples/$e/data.csv" "$TMP/$e/pred.csv" 1e-6
    cat "$TMP/out"
    [ "$e" != seed ] || expect_grep out " 107 rows NaN where predict drops them" \
        "seed: the 107 rows its dropna step removes are NaN"
done

# The model digest is in the ONNX metadata: what is deployed names what was certified.
check "$PY" -c "import json,sys; assert json.load(open(sys.argv[1]))['model_digest']==sys.argv[2]" \
    "$TMP/seed/sig.json" "$(sha256sum "$TMP/seed/model.mcm" | cut -c1-64)" -- \
    "the ONNX metadata names the model.mcm digest"

expect_exit 0 "-o writes elsewhere" -- "$MC" export --format onnx -o "$TMP/m.onnx" "$TMP/seed"
check cmp -s "$TMP/m.onnx" "$TMP/seed/model.onnx" -- "the same model gives the same bytes"
expect_exit 2 "--format is required" -- "$MC" export "$TMP/seed"
expect_grep err "format is required" "  ... and says so"
expect_exit 2 "an unknown format is a usage error" -- "$MC" export --format tflite "$TMP/seed"
expect_exit 2 "a directory without a model" -- "$MC" export --format onnx "$TMP"
expect_grep err "not a run directory" "  ... is named as not a run directory"
expect_exit 2 "an output in a missing directory" -- "$MC" export --format onnx -o "$TMP/no/m.onnx" "$TMP/seed"
check test ! -e "$TMP/no" -- "  ... writes nothing"

# A keyed hash cannot be in a deployed graph: export refuses it, naming the step.
mkdir -p "$TMP/h" && cp "$SRC/examples/seed/data.csv" "$TMP/h/"
sed -e 's/^  - type: drop_columns .*/  - {type: hash, columns: [segment], salt_env: MODELCERT_SALT}\n  - type: drop_columns/' \
    -e '/^  sha256:/d' "$SRC/examples/seed/modelcert.yaml" > "$TMP/h/modelcert.yaml"
expect_exit 0 "a run with a hash step" -- env MODELCERT_SALT=s3cret "$MC" run "$TMP/h/modelcert.yaml" -o "$TMP/h/run" -q
expect_exit 2 "a model with a hash step is refused" -- "$MC" export --format onnx "$TMP/h/run"
expect_grep err "step 1 (hash) cannot be exported to ONNX" "  ... naming the step"
finish
