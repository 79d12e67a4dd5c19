#!/usr/bin/env bash
# The `robustness` section end to end (docs/robustness.md), against code modelcert did not
# write: on the seed example's test rows, the accuracy under FGSM and PGD perturbations that
# PyTorch autograd computes through the exported ONNX graph (tests/e2e/robust_ref.py) equals
# metrics.json's (within one row of 579), and so does every perturbed row itself, cell by cell
# within 1e-5 (tests/e2e/robust_rows.py on the rows tests/e2e/robust_rows.c gets from the
# engine); NumPy's own Gaussian draws put modelcert's noise
# figures within 4 standard deviations of theirs, and so its figures with cells made missing
# (the accuracy on the rows the model's dropna keeps, the number it refuses); a re-run gives
# the same curves; the gate
# passes and fails on a max_drop rule with the measured drop in the message; the stability
# rule (explainability.min_rank_correlation) passes at equality on a bit-identical re-run
# (scipy's Spearman correlation of its attributions) and fails, saying why, without one; a
# rule on a strength not measured is refused at its line.
# usage: robustness.sh MODELCERT SOURCE_DIR ROBUST_ROWS
set -u
MC=$1
SRC=$2
ROWS=$3 # tests/e2e/robust_rows.c: the engine's perturbed rows
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3 # Debian's, which has python3-torch and python3-onnx

D=$SRC/examples/seed/data.csv
cp "$D" "$TMP/data.csv"
"$PY" -c '
import sys
lines = open(sys.argv[1]).read().splitlines()
full = [l for l in lines[1:] if "" not in l.split(",")]
n_test = round(0.2 * len(full))
open(sys.argv[2], "w").write("\n".join([lines[0]] + full[:-n_test]) + "\n")
open(sys.argv[3], "w").write("\n".join([lines[0]] + full[-n_test:]) + "\n")' \
    "$D" "$TMP/train.csv" "$TMP/test.csv"
# the seed spec without its reproducibility re-run, with a robustness section
spec() { # spec FILE MAX_SHARE RULES...
    local out=$1 share=$2
    shift 2
    sed '/^reproducibility:/,$d' "$SRC/examples/seed/modelcert.yaml" >"$out"
    printf '%s\n' "explainability: {max_share: $share, min_rank_correlation: 1}" >>"$out"
    printf '%s\n' "robustness:" "  noise: [0.05, 0.1, 0.2, 0.5]" \
        "  adversarial: [0.01, 0.05, 0.1]" "  missing: [0.01, 0.05]" "  pgd_steps: 10" \
        "  max_drop:" "$@" >>"$out"
}
spec "$TMP/pass.yaml" 0.5 "    - {attack: noise, strength: 0.1, max: 0.02}" \
    "    - {attack: fgsm, strength: 0.05, max: 0.10}" \
    "    - {attack: missing, strength: 0.05, max: 0.02}"
expect_exit 0 "seed: validate with robustness rules that hold" -- \
    "$MC" validate "$TMP/pass.yaml" --numerics reference --runs 1 -o "$TMP/pass"
expect_grep out \
    "PASS  robustness.noise.0.1 .*noise at 0.1 sd: 0\.[0-9]*, a drop of 0\.[0-9]* <= max 0.02" \
    "the noise rule passes, its drop in the message"
expect_grep out "PASS  robustness.fgsm.0.05 " "the FGSM rule passes"
expect_grep out "PASS  reproducibility.run1 " "the re-run reproduces the model"
expect_grep out "PASS  explainability.stability .*1 (re-run 1) >= min_rank_correlation 1" \
    "the stability rule passes at equality on a bit-identical re-run"
check "$PY" -c '
import json, sys
from scipy.stats import spearmanr
v = json.load(open(sys.argv[1]))
r = [x for x in v["results"] if x["id"] == "explainability.stability"][0]
a = [c["mean_abs"] for c in json.load(open(sys.argv[2]))["attributions"]["columns"]]
# the re-run reproduced the model bit for bit (reproducibility.run1), so its attributions
# are the same as the run: scipy correlates them
sys.exit(0 if r["measured"] == spearmanr(a, list(a)).correlation else 1)' \
    "$TMP/pass/validation.json" "$TMP/pass/metrics.json" -- \
    "the measured correlation is scipy's"
expect_grep out "PASS  robustness.missing.0.05 .*with 0.05 of the cells missing ([0-9]* rows" \
    "the missing-cells rule passes, the refused rows counted"
check "$PY" -c '
import json, sys
import jsonschema
schema = json.load(open(sys.argv[1]))
m = json.load(open(sys.argv[2]))
jsonschema.validate(m, schema)
m["robustness"]["fgsm"][0]["extra"] = 1
try:
    jsonschema.validate(m, schema)
except jsonschema.ValidationError:
    sys.exit(0)
sys.exit(1)' "$SRC/reports/schema/metrics.schema.json" "$TMP/pass/metrics.json" -- \
    "metrics.json with robustness and attributions matches its schema (python3-jsonschema)"
expect_exit 0 "the model card" -- "$MC" report "$TMP/pass/validation.json" --format model-card
cp "$TMP/out" "$TMP/card.md"
check "$PY" -c '
import json, sys
card = open(sys.argv[1]).read()
m = json.load(open(sys.argv[2]))
rob, att = m["robustness"], m["attributions"]
rows = ["| %s | %g | %.4f | %.4f |" % (k, p["strength"], p["value"], p["drop"])
        for k in ("noise", "fgsm", "pgd", "missing") for p in rob[k]]
rows += ["| %s | " % c["column"] for c in att["columns"]]
sys.exit(0 if "## Robustness" in card and "## Explanations" in card
         and all(r in card for r in rows) else 1)' "$TMP/card.md" "$TMP/pass/metrics.json" -- \
    "the model card has Explanations and Robustness sections, every curve point and column"
expect_exit 0 "export" -- "$MC" export "$TMP/pass" --format onnx
expect_exit 0 "FGSM and PGD equal PyTorch autograd's, noise within NumPy's spread" -- \
    env PYTHONPATH="$SRC/tests/e2e" "$PY" "$SRC/tests/e2e/robust_ref.py" "$TMP/pass/model.onnx" \
    "$TMP/test.csv" "$TMP/train.csv" label "$TMP/pass/metrics.json" 0.0018 30
cat "$TMP/out"
mkdir -p "$TMP/rows"
expect_exit 0 "the engine's FGSM and PGD rows (tests/e2e/robust_rows.c)" -- \
    "$ROWS" "$TMP/pass.yaml" "$TMP/rows"
check "$PY" -c '
import json, sys
d = open(sys.argv[2]).read().strip()
sys.exit(0 if len(d) == 64 and json.load(open(sys.argv[1]))["model"]["digest"].endswith(d) else 1)' \
    "$TMP/pass/run.json" "$TMP/out" -- "the rows come from the same weights (the model's sha256)"
expect_exit 0 "every FGSM and PGD perturbed row equals PyTorch autograd's within 1e-5" -- \
    env PYTHONPATH="$SRC/tests/e2e" "$PY" "$SRC/tests/e2e/robust_rows.py" "$TMP/pass/model.onnx" \
    "$TMP/data.csv" "$TMP/train.csv" label "$TMP/pass/metrics.json" "$TMP/rows" 1e-5
cat "$TMP/out"
expect_grep out "^fgsm 0.05: 579 rows, 12 columns each; .*rows within 1e-05: 579 of 579" \
    "all 579 test rows compared"

spec "$TMP/fail.yaml" 0.1 "    - {attack: pgd, strength: 0.1, max: 0.05}"
expect_exit 1 "seed: validate with a PGD rule the model misses (exit 1)" -- \
    "$MC" validate "$TMP/fail.yaml" --numerics reference -o "$TMP/fail"
expect_grep out \
    "FAIL  robustness.pgd.0.1 .*under pgd at 0.1 sd: 0\.[0-9]*, a drop of 0\.[0-9]* is above max" \
    "the PGD rule fails, its drop in the message"
expect_grep out "FAIL  explainability.max_share .*carries 0\.[0-9]* of the mean |attribution| is" \
    "max_share 0.1 fails, naming the column"
expect_grep out "PASS  explainability.completeness .*579 of 579 test rows" "every row adds up"
expect_grep out "FAIL  explainability.stability .*no re-run to compare with" \
    "the stability rule without a re-run fails, saying why"
expect_exit 0 "explain the test rows from the run directory" -- \
    "$MC" explain -q "$TMP/fail" "$TMP/test.csv" -o "$TMP/ig.csv"
check "$PY" -c '
import csv, json, sys
import numpy as np
rows = list(csv.DictReader(open(sys.argv[1])))
cols = json.load(open(sys.argv[2]))["attributions"]["columns"]
assert len(rows) == 579 and len(cols) == 12
A = np.array([[float(r["attr_" + c["column"]]) for c in cols] for r in rows])
ref = np.abs(A).mean(axis=0)
got = np.array([c["mean_abs"] for c in cols])
print("largest difference", np.abs(ref - got).max())
sys.exit(0 if np.abs(ref - got).max() <= 1e-12 and np.all(np.diff(got) <= 0) else 1)' \
    "$TMP/ig.csv" "$TMP/fail/metrics.json" -- \
    "mean |attribution| per column equals NumPy's over explain's rows"
check "$PY" -c '
import json, sys
a, b = (json.load(open(p))["robustness"] for p in sys.argv[1:3])
sys.exit(0 if a == b else 1)' "$TMP/pass/metrics.json" "$TMP/fail/metrics.json" -- \
    "seeded: a re-run gives the same curves"

spec "$TMP/bad.yaml" 0.5 "    - {attack: fgsm, strength: 0.2, max: 0.1}"
expect_exit 2 "a rule on a strength not measured" -- "$MC" check "$TMP/bad.yaml"
expect_grep err \
    "bad.yaml:[0-9]*:[0-9]*: .*max_drop\[0\]: fgsm at strength 0.2 is not measured; add 0.2 to" \
    "refused at the rule, saying what to add"
spec "$TMP/neg.yaml" 0.5 "    - {attack: noise, strength: 0.1, max: 0.1}"
sed -i 's/noise: \[0.05, 0.1, 0.2, 0.5\]/noise: [0.1, -0.5]/' "$TMP/neg.yaml"
expect_exit 2 "a negative strength" -- "$MC" check "$TMP/neg.yaml"
expect_grep err "robustness.noise\[1\]" "refused at the strength"

finish
