#!/usr/bin/env bash
# A model trained with Debian's python3-torch on the seed data (examples/seed/torch_predictions.py,
# deterministic), its test predictions gated by `validate --predictions`: it passes the seed's
# thresholds and fails when one is raised, with the lines a native run prints.
# Exits 77 (skipped) when python3-torch is not installed (`make deps` installs it).
# usage: predictions_torch.sh MODELCERT SOURCE_DIR
set -u
MC=$1
SRC=$2
PY=/usr/bin/python3 # Debian's, where python3-torch is (a python3 earlier in PATH may lack it)
if ! "$PY" -c "import torch" 2>/dev/null; then
    echo "skipped: python3-torch is not installed for $PY (make deps installs it)"
    exit 77
fi
. "$(dirname "$0")/lib.sh"
P="$TMP/seed"
cp -r "$SRC/examples/seed" "$P"
rm -rf "$P/.modelcert" "$P/runs"

expect_exit 0 "torch trains on the seed data and writes PREDS.csv" -- \
    "$PY" "$P/torch_predictions.py" "$P/data.csv" "$TMP/torch.csv"
"$PY" "$P/torch_predictions.py" "$P/data.csv" "$TMP/torch2.csv"
check cmp -s "$TMP/torch.csv" "$TMP/torch2.csv" -- "  ... the same bytes a second time"
check test "$(wc -l < "$TMP/torch.csv")" = 580 -- "  ... a header and the 579 test rows"
expect_exit 0 "the torch model's predictions pass the seed thresholds" -- \
    "$MC" validate "$P/modelcert.yaml" --predictions "$TMP/torch.csv" -o "$TMP/pass"
cat "$TMP/out"
expect_grep out "PASS  thresholds.metrics.accuracy.min              accuracy 0.[89][0-9]* >= min 0.85" \
    "  ... accuracy judged as in a native run"
expect_grep out "PASS  thresholds.slices.segment.accuracy.max_gap" "  ... and the slice gap"
expect_grep out "verdict: PASS" "  ... verdict PASS"

sed 's/accuracy: {min: 0.85}/accuracy: {min: 0.95}/' "$P/modelcert.yaml" > "$P/tight.yaml"
expect_exit 1 "a raised threshold fails the torch model" -- \
    "$MC" validate "$P/tight.yaml" --predictions "$TMP/torch.csv" -o "$TMP/fail"
expect_grep out "FAIL  thresholds.metrics.accuracy.min              accuracy 0.[0-9]* is below min 0.95" \
    "  ... with the native message"
expect_grep out "verdict: FAIL" "  ... verdict FAIL"
finish
