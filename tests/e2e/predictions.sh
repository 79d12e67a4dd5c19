#!/usr/bin/env bash
# validate --predictions (docs/predictions.md): a native run's own test predictions, gated as
# if made elsewhere, give the native run's threshold results line for line, with
# reproducibility not applicable, no model in the run directory, and an audit event that names
# the predictions; a raised threshold fails with the native message; a baseline change is
# judged; hostile PREDS.csv files (missing, duplicate, unknown or non-integer row ids, NaN, a
# probability outside [0, 1], probabilities that do not sum to 1, a label the probabilities do
# not give, a missing column, an empty cell, a header alone) exit 2 naming file and line.
# usage: predictions.sh MODELCERT SOURCE_DIR
set -u
MC=$1
SRC=$2
. "$(dirname "$0")/lib.sh"
P="$TMP/seed"
cp -r "$SRC/examples/seed" "$P"
rm -rf "$P/.modelcert" "$P/runs"
S="$P/modelcert.yaml"

expect_exit 0 "native validate of the seed example" -- "$MC" validate "$S" -o "$TMP/native"
grep -E '^  (PASS|FAIL)  (data|thresholds)\.' "$TMP/out" > "$TMP/native.lines"
PRED="$TMP/native/test_predictions.csv"
expect_exit 0 "its test predictions gated with --predictions pass" -- \
    "$MC" validate "$S" --predictions "$PRED" -o "$TMP/preds"
grep -E '^  (PASS|FAIL)  (data|thresholds)\.' "$TMP/out" > "$TMP/preds.lines"
check cmp -s "$TMP/native.lines" "$TMP/preds.lines" -- "the data and threshold lines equal the native run's"
expect_grep out "SKIP  reproducibility.not_applicable .*not applicable: the predictions in .* were made outside modelcert" \
    "reproducibility is marked not applicable"
check test ! -e "$TMP/preds/model.mcm" -a ! -e "$TMP/preds/history.csv" -a -e "$TMP/preds/validation.json" -- \
    "the run directory has no model or history, and has validation.json"
check python3 -c "
import json, sys
a = json.load(open(sys.argv[1])); b = json.load(open(sys.argv[2])); r = json.load(open(sys.argv[3]))
assert all(a[k] == b[k] for k in ('metrics', 'slices', 'confusion_matrix', 'rows')), 'metrics differ'
assert r['mode'] == 'predictions' and r['model'] is None and r['predictions']['rows'] == 579, r
" "$TMP/native/metrics.json" "$TMP/preds/metrics.json" "$TMP/preds/run.json" -- \
    "metrics.json equals the native one; run.json says mode predictions, no model, 579 rows"
expect_exit 0 "audit show of the last event" -- "$MC" audit show "$("$MC" audit log | tail -1 | awk '{print $1}')"
check python3 -c "
import json, sys
e = json.loads(sys.stdin.read())
assert e['kind'] == 'validate' and e['model_digest'] is None and e['details']['predictions']['rows'] == 579, e
" < "$TMP/out" -- "the audit event records the predictions and no model"
expect_exit 2 "reproduce of a predictions run is refused" -- "$MC" reproduce "$TMP/preds"
expect_grep err "judged predictions made elsewhere (validate --predictions): there is no model to reproduce" "  ... saying why"
expect_exit 0 "predictions on stdin" -- "$MC" validate "$S" --predictions - -o "$TMP/stdin" -q < "$PRED"

sed 's/accuracy: {min: 0.85}/accuracy: {min: 0.95}/' "$S" > "$P/tight.yaml"
expect_exit 1 "native: a raised threshold fails" -- "$MC" validate "$P/tight.yaml" -o "$TMP/tn"
grep 'FAIL  thresholds.metrics.accuracy.min' "$TMP/out" > "$TMP/tn.line"
expect_exit 1 "predictions: the raised threshold fails too" -- \
    "$MC" validate "$P/tight.yaml" --predictions "$PRED" -o "$TMP/tp"
grep 'FAIL  thresholds.metrics.accuracy.min' "$TMP/out" > "$TMP/tp.line"
check cmp -s "$TMP/tn.line" "$TMP/tp.line" -- "  ... with the native message"
check grep -q "is below min 0.95" "$TMP/tp.line" -- "  ... which names the bound"

sed 's/    accuracy: {min: 0.85}/    accuracy: {min: 0.85, change: {max_absolute_regression: 0.005}}/' "$S" > "$P/change.yaml"
expect_exit 0 "a change threshold against the native run as baseline passes" -- \
    "$MC" validate "$P/change.yaml" --predictions "$PRED" --baseline "$TMP/native" -o "$TMP/bl"
expect_grep out "PASS  thresholds.metrics.accuracy.change" "  ... the change is judged"
expect_exit 2 "--runs does not apply" -- "$MC" validate "$S" --predictions "$PRED" --runs 2 -o "$TMP/x"

# Hostile files: each exits 2 naming the file and line, and writes no run directory.
hostile() { # NAME PATTERN DESCRIPTION
    expect_exit 2 "$3" -- "$MC" validate "$S" --predictions "$TMP/$1" -o "$TMP/h-$1"
    expect_grep err "$2" "  ... $2"
    check test ! -e "$TMP/h-$1" -- "  ... no run directory"
}
sed '5d' "$PRED" > "$TMP/missing.csv"
hostile missing.csv "missing.csv: 578 prediction rows, but the spec's split has 579 test rows: row 2406 (a test row) has no prediction" "a missing row"
(cat "$PRED"; sed -n 3p "$PRED") > "$TMP/dup.csv"
hostile dup.csv "dup.csv:581:1: row 2404 appears twice (first on line 3)" "a duplicate row"
sed '3s/^[0-9]*,/5,/' "$PRED" > "$TMP/train.csv"
hostile train.csv "train.csv:3:1: row 5 of .* is not a test row" "a training row"
sed '3s/^[0-9]*,/99999,/' "$PRED" > "$TMP/beyond.csv"
hostile beyond.csv "beyond.csv:3:1: row id 99999 is not a data row" "a row beyond the data"
sed '3s/^[0-9]*,/2403.5,/' "$PRED" > "$TMP/frac.csv"
hostile frac.csv "frac.csv:3:1: row id 2403.5 is not a data row" "a fractional row id"
sed '3s/,[^,]*$/,nan/' "$PRED" > "$TMP/nan.csv"
hostile nan.csv "nan.csv:3:.*'nan' is not a finite number" "a NaN probability"
sed '3s/,[^,]*$/,1.5/' "$PRED" > "$TMP/big.csv"
hostile big.csv "big.csv:3:1: p_1 is 1.5, not a probability in \[0, 1\]" "a probability above 1"
sed '3s/,[^,]*$/,/' "$PRED" > "$TMP/empty.csv"
hostile empty.csv "empty.csv:3:1: column 'p_1' is empty" "an empty probability"
cut -d, -f1-3 "$PRED" > "$TMP/nop.csv"
hostile nop.csv "nop.csv:1:1: column 'p_1' is not in the header" "no probability column"
awk -F, 'BEGIN{OFS=","} NR==3{$3=($3=="1")?"0":"1"} {print}' "$PRED" > "$TMP/label.csv"
hostile label.csv "label.csv:3:1: prediction '.' disagrees with the probabilities" "a label the probabilities do not give"
awk -F, 'BEGIN{OFS=","} NR==3{$3="cat"} {print}' "$PRED" > "$TMP/cls.csv"
hostile cls.csv "cls.csv:3:1: prediction 'cat' is not a class of the target" "an unknown class"
head -1 "$PRED" > "$TMP/head.csv"
hostile head.csv "head.csv:2:1: the file has a header but no data rows" "a header alone"
awk -F, 'NR==1{print $0 ",p_0"; next} NR==3{print $0 ",0.5"; next} {print $0 "," 1-$4}' "$PRED" > "$TMP/sum.csv"
hostile sum.csv "sum.csv:3:1: the probabilities sum to" "p_0 and p_1 that do not sum to 1"
awk -F, 'NR==1{print $0 ",p_0"; next} {print $0 "," 1-$4}' "$PRED" > "$TMP/both.csv"
expect_exit 0 "p_0 beside p_1, summing to 1, is accepted" -- "$MC" validate "$S" --predictions "$TMP/both.csv" -o "$TMP/both" -q

# Multiclass and regression: a native run's test predictions pass; their own hostile cases.
for e in multiclass regression; do
    expect_exit 0 "$e: run" -- "$MC" run "$SRC/examples/$e/modelcert.yaml" -o "$TMP/r-$e" -q
    expect_exit 0 "$e: its test predictions pass the gate" -- "$MC" validate \
        "$SRC/examples/$e/modelcert.yaml" --predictions "$TMP/r-$e/test_predictions.csv" -o "$TMP/g-$e" -q
done
M="$TMP/r-multiclass/test_predictions.csv"
awk -F, 'BEGIN{OFS=","} NR==3{$4=$4/2} {print}' "$M" > "$TMP/msum.csv"
expect_exit 2 "multiclass: probabilities that do not sum to 1" -- "$MC" validate \
    "$SRC/examples/multiclass/modelcert.yaml" --predictions "$TMP/msum.csv" -o "$TMP/h-msum"
expect_grep err "msum.csv:3:1: the probabilities sum to" "  ... named with the line"
cut -d, -f1-5 "$M" > "$TMP/mcol.csv"
expect_exit 2 "multiclass: a class's probability column missing" -- "$MC" validate \
    "$SRC/examples/multiclass/modelcert.yaml" --predictions "$TMP/mcol.csv" -o "$TMP/h-mcol"
expect_grep err "mcol.csv:1:1: column 'p_gamma' is not in the header" "  ... named"
R="$TMP/r-regression/test_predictions.csv"
sed '3s/,[^,]*$/,/' "$R" > "$TMP/rempty.csv"
expect_exit 2 "regression: an empty prediction" -- "$MC" validate \
    "$SRC/examples/regression/modelcert.yaml" --predictions "$TMP/rempty.csv" -o "$TMP/h-rempty"
expect_grep err "rempty.csv:3:1: column 'prediction' is empty" "  ... named with the line"
# The spec's privacy checks in predictions mode: the data checks (scan, k-anonymity) run; the
# declared PII columns are skipped (a foreign model's inputs are unseen); a DP budget and a
# membership-inference limit cannot be evaluated, so they are errors, never a pass.
mkdir -p "$TMP/priv" && cp "$SRC/examples/privacy/"*.yaml "$SRC/examples/privacy/data.csv" "$TMP/priv/"
expect_exit 0 "a privacy run for its predictions" -- env MODELCERT_PRIVACY_KEY=k1 "$MC" run -q \
    "$TMP/priv/modelcert.yaml" -o "$TMP/priv/run"
expect_exit 0 "its predictions gated with the privacy checks" -- env MODELCERT_PRIVACY_KEY=k1 \
    "$MC" validate "$TMP/priv/modelcert.yaml" --predictions "$TMP/priv/run/test_predictions.csv" -o "$TMP/priv/v"
expect_grep out "PASS  privacy.k_anonymity" "  ... k-anonymity is judged on the data"
expect_grep out "SKIP  privacy.pii_columns " "  ... declared PII columns are not applicable"
mkdir -p "$TMP/dp" && cp "$SRC/examples/dp/"*.yaml "$SRC/examples/dp/data.csv" "$TMP/dp/"
export MODELCERT_DP_SECRET=predictions-test-secret-0123456789
expect_exit 0 "a DP run for its predictions" -- "$MC" run -q "$TMP/dp/modelcert.yaml" -o "$TMP/dp/run"
expect_exit 1 "a DP budget cannot be judged on foreign predictions" -- "$MC" validate \
    "$TMP/dp/modelcert.yaml" --predictions "$TMP/dp/run/test_predictions.csv" -o "$TMP/dp/v"
expect_grep out "ERROR privacy.differential_privacy.epsilon .*not evaluated: the predictions were made" \
    "  ... the budget is an error that says why"
expect_grep out "ERROR privacy.membership_inference.auc .*not evaluated" "  ... and so is the attack"
# --losses: the other model's per-row losses (here the non-DP example's own, through `predict`)
# feed the membership-inference attack; the non-DP model memorises its rows and fails.
expect_exit 0 "a non-DP run" -- "$MC" run -q "$TMP/dp/nondp.yaml" -o "$TMP/dp/nrun"
expect_exit 0 "its predictions on every data row" -- "$MC" predict "$TMP/dp/nrun/model.mcm" \
    "$TMP/dp/data.csv" -o "$TMP/dp/all.csv"
/usr/bin/python3 - "$TMP/dp/all.csv" "$TMP/dp/data.csv" "$TMP/dp/losses.csv" <<'PY'
import csv, math, sys
preds = list(csv.DictReader(open(sys.argv[1])))
data = list(csv.DictReader(open(sys.argv[2])))
with open(sys.argv[3], "w") as f:
    f.write("row,loss\n")
    for p in preds:
        y = int(data[int(p["row"]) - 1]["label"])
        q = float(p["p_1"]) if y == 1 else 1 - float(p["p_1"])
        f.write("%s,%.9g\n" % (p["row"], -math.log(min(max(q, 1e-7), 1 - 1e-7))))
PY
expect_exit 1 "the attack on the other model's losses fails the gate" -- "$MC" validate \
    "$TMP/dp/nondp.yaml" --predictions "$TMP/dp/nrun/test_predictions.csv" \
    --losses "$TMP/dp/losses.csv" -o "$TMP/dp/nv"
expect_grep out "FAIL  privacy.membership_inference.auc .*AUC 0\.6[0-9]* is above max 0.6 .*500 training rows against 500 held-out rows" \
    "  ... with the AUC over every supplied row"
check grep -q '"members": 500' "$TMP/dp/nv/run.json" -- "  ... run.json records the losses file"
check /usr/bin/python3 "$SRC/tests/e2e/reports_check.py" schema "$SRC/reports/schema" "$TMP/dp/nv" -- \
    "  ... and matches the schemas"
expect_exit 2 "--losses without --predictions" -- "$MC" validate "$TMP/dp/nondp.yaml" --losses "$TMP/dp/losses.csv"
losses_case() { # NAME SED-EXPRESSION EXPECTED-MESSAGE
    sed "$2" "$TMP/dp/losses.csv" > "$TMP/dp/bad.csv"
    expect_exit 2 "losses: $1" -- "$MC" validate "$TMP/dp/nondp.yaml" --predictions \
        "$TMP/dp/nrun/test_predictions.csv" --losses "$TMP/dp/bad.csv" -o "$TMP/dp/bad-run"
    expect_grep err "$3" "  ... named"
}
losses_case "a duplicate row" '3s/^[0-9]*,/1,/' "bad.csv:3:1: row 1 appears twice (first on line 2)"
losses_case "a negative loss" '2s/,.*/,-1/' "bad.csv:2:1: loss -1 is not a finite number >= 0"
losses_case "an empty loss" '2s/,.*/,/' "bad.csv:2:1: column 'loss' is empty"
losses_case "a row beyond the data" '2s/^[0-9]*,/1001,/' "bad.csv:2:1: row id 1001 is not a data row"
losses_case "no loss column" '1s/loss/lost/' "loss"
check [ ! -e "$TMP/dp/bad-run" ] -- "no run directory for bad losses"
finish
