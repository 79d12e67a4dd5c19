#!/usr/bin/env bash
# A real run's figures recomputed by independent tools at test time, never pasted from
# modelcert's output (tests/e2e/independent_check.py says how): the seed example's
# validate run, its metrics.json, confusion matrix, slice groups and validation.json's
# measured values and gap message, with scikit-learn (Debian's python3-sklearn) from
# test_predictions.csv and the raw data; the DP example's epsilon and best order, and two
# more from `privacy epsilon` (best orders 63 and 1.2), from the definition of the sampled
# Gaussian mechanism's Renyi divergence, integrated numerically; the DP example's
# membership-inference AUC and advantage with scikit-learn from the sample the run wrote.
# usage: independent.sh MODELCERT SOURCE_DIR
set -u
MC=$1
SRC=$2
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3 # Debian's, where python3-sklearn is (a python3 earlier in PATH may lack it)
CHECK="$SRC/tests/e2e/independent_check.py"
if ! "$PY" -c 'import sklearn, numpy' 2>/dev/null; then
    echo "FAIL: python3-sklearn is not installed for $PY (make test-deps installs it)"
    exit 1
fi

cp -r "$SRC/examples/seed" "$TMP/seed"
rm -rf "$TMP/seed/.modelcert" "$TMP/seed/runs"
expect_exit 0 "validate the seed example" -- \
    "$MC" validate -q "$TMP/seed/modelcert.yaml" -o "$TMP/run"
expect_exit 0 "scikit-learn recomputes its metrics, slices and threshold figures" -- \
    "$PY" "$CHECK" metrics "$TMP/run"
sed 's/^/  /' "$TMP/out"
# The checker is not vacuous: a metric off in its last digits is caught.
cp -r "$TMP/run" "$TMP/off"
"$PY" - "$TMP/off/metrics.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); d["metrics"]["accuracy"] += 1e-9
json.dump(d, open(sys.argv[1], "w"))
PY
expect_exit 1 "an accuracy off by 1e-9 is caught" -- "$PY" "$CHECK" metrics "$TMP/off"
expect_grep out "metrics.json accuracy .*, scikit-learn " "... and named"

mkdir -p "$TMP/dp"
cp "$SRC/examples/dp/modelcert.yaml" "$SRC/examples/dp/data.csv" "$TMP/dp/"
MODELCERT_DP_SECRET=e2e-secret-0123456789abcdef expect_exit 0 "validate the DP example" -- \
    "$MC" validate -q "$TMP/dp/modelcert.yaml" -o "$TMP/dprun"
# The membership-inference attack: its AUC and advantage with scikit-learn from the sample the
# run wrote, every sampled loss from a prediction of its row (`predict` on the whole data).
expect_exit 0 "predict every row of the DP example's data" -- \
    "$MC" predict "$TMP/dprun/model.mcm" "$TMP/dp/data.csv" -o "$TMP/dp-every.csv"
expect_exit 0 "scikit-learn recomputes the membership attack's AUC and advantage" -- \
    "$PY" "$CHECK" membership "$TMP/dprun" "$TMP/dp-every.csv"
sed 's/^/  /' "$TMP/out"
cp -r "$TMP/dprun" "$TMP/dpoff"
"$PY" - "$TMP/dpoff/membership_losses.csv" <<'PY'
import sys
p = sys.argv[1]; lines = open(p).read().splitlines()
row, member, loss = lines[1].split(","); lines[1] = f"{row},{member},{float(loss) * 1.001!r}"
open(p, "w").write("\n".join(lines) + "\n")
PY
expect_exit 1 "a sampled loss off by 0.1% is caught" -- \
    "$PY" "$CHECK" membership "$TMP/dpoff" "$TMP/dp-every.csv"
expect_grep out "loss .*, from predict" "... and named"
expect_exit 0 "privacy epsilon, a small budget" -- "$MC" privacy epsilon --noise-multiplier 6 \
    --sample-rate 0.01 --steps 50 --delta 1e-10 --json
cp "$TMP/out" "$TMP/e1.json"
expect_exit 0 "privacy epsilon, a large one" -- "$MC" privacy epsilon --noise-multiplier 0.8 \
    --sample-rate 0.2 --steps 3000 --delta 1e-5 --json
cp "$TMP/out" "$TMP/e2.json"
expect_exit 0 "epsilon and its order, recomputed from the RDP's definition" -- \
    "$PY" "$CHECK" epsilon "$TMP/dprun" "$TMP/e1.json" "$TMP/e2.json"
sed 's/^/  /' "$TMP/out"
"$PY" - "$TMP/e1.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); d["epsilon"] *= 1 + 1e-6
json.dump(d, open(sys.argv[1], "w"))
PY
expect_exit 1 "an epsilon off by one part in a million is caught" -- \
    "$PY" "$CHECK" epsilon "$TMP/e1.json"

finish
