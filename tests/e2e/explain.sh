#!/usr/bin/env bash
# `explain` end to end (docs/explanations.md), against code modelcert did not write:
# Integrated Gradients on every one of the seed example's 579 test rows agree with PyTorch
# autograd through the exported ONNX graph (tests/e2e/explain_ref.py ig-exact: the path cut
# at the Relu kinks, Gauss-Legendre on the pieces) within 1e-5; exact Shapley values of the
# regression example agree with a brute-force NumPy sum over all 2^8 coalitions within 1e-9;
# the completeness gap meets the tolerance on every test row of the seed example. Hostile
# input: a NaN cell and a misspelled column named with file:line and "did you mean"; a usage
# error; a large file streamed in bounded memory (its peak memory that of a small one);
# nothing written on failure.
# usage: explain.sh MODELCERT SOURCE_DIR
set -u
MC=$1
SRC=$2
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3 # Debian's, which has python3-torch and python3-onnx
REF=$SRC/tests/e2e/explain_ref.py

D=$SRC/examples/seed/data.csv
# The spec's split: dropna, then the last 20% of the complete rows test, the rest train.
"$PY" -c '
import sys
lines = open(sys.argv[1]).read().splitlines()
full = [l for l in lines[1:] if "" not in l.split(",")]
n_test = round(0.2 * len(full))
open(sys.argv[2], "w").write("\n".join([lines[0]] + full[:-n_test]) + "\n")
open(sys.argv[3], "w").write("\n".join([lines[0]] + full[-n_test:]) + "\n")' \
    "$D" "$TMP/train.csv" "$TMP/test-split.csv"
{ head -1 "$D"; tail -n 600 "$D"; } >"$TMP/test.csv"   # the last 600 rows, some incomplete
expect_exit 0 "seed: run" -- "$MC" run --numerics reference -q "$SRC/examples/seed/modelcert.yaml" \
    -o "$TMP/seed"
expect_exit 0 "seed: export" -- "$MC" export "$TMP/seed" --format onnx

expect_exit 0 "seed: IG on the last 600 rows, every one within the tolerance (exit 0)" -- \
    "$MC" explain "$TMP/seed" "$TMP/test.csv" -o "$TMP/ig.csv"
expect_grep err "581 rows explained (ig), 19 dropped by the model's dropna step" \
    "seed: the 19 rows with empty cells dropped as predict drops them"
expect_grep err "background: the 2314 training rows of $TMP/seed; baseline: their mean features" \
    "seed: a run directory's background is its training rows"
check awk -F, 'NR > 1 && ($(NF) != 1 || $(NF-2) > 1e-6) { bad = 1 } END { exit bad || NR != 582 }' \
    "$TMP/ig.csv" -- "seed: every row converged = 1 with a gap at most 1e-6"
expect_exit 0 "seed: the model file with --background the training rows" -- \
    "$MC" explain -q "$TMP/seed/model.mcm" "$TMP/test.csv" --background "$TMP/train.csv" \
    -o "$TMP/ig2.csv"
check cmp -s "$TMP/ig.csv" "$TMP/ig2.csv" -- "the same bytes: the run's background is its training rows"
expect_exit 0 "seed: every test row of the split" -- \
    "$MC" explain "$TMP/seed" "$TMP/test-split.csv" -o "$TMP/ig-split.csv"
check awk -F, 'NR > 1 && ($(NF) != 1 || $(NF-2) > 1e-6) { bad = 1 } END { exit bad || NR != 580 }' \
    "$TMP/ig-split.csv" -- "seed: the 579 test rows, every gap at most 1e-6"
expect_exit 0 "seed: IG equals PyTorch autograd's (raw columns, through the ONNX graph) within 1e-5 on every test row" \
    -- "$PY" "$REF" "$TMP/seed/model.onnx" "$TMP/test-split.csv" "$TMP/train.csv" \
    "$TMP/ig-split.csv" ig-exact 1e-5
cat "$TMP/out"
expect_grep out "^579 rows: largest difference" "all 579 test rows compared"

R=$SRC/examples/regression/data.csv
head -21 "$R" >"$TMP/rbg.csv"
{ head -1 "$R"; sed -n '500,507p' "$R"; } >"$TMP/rx.csv"
expect_exit 0 "regression: run" -- "$MC" run --numerics reference -q \
    "$SRC/examples/regression/modelcert.yaml" -o "$TMP/reg"
expect_exit 0 "regression: export" -- "$MC" export "$TMP/reg" --format onnx
expect_exit 0 "regression: exact Shapley values" -- "$MC" explain "$TMP/reg" "$TMP/rx.csv" \
    --background "$TMP/rbg.csv" --method shapley --background-size 20 -o "$TMP/shap.csv"
expect_exit 0 "regression: exact Shapley values equal NumPy's brute force within 1e-9" -- \
    "$PY" "$REF" "$TMP/reg/model.onnx" "$TMP/rx.csv" "$TMP/rbg.csv" "$TMP/shap.csv" shapley 1e-9
cat "$TMP/out"
expect_exit 0 "regression: permutation sampling" -- "$MC" explain "$TMP/reg" "$TMP/rx.csv" \
    --background "$TMP/rbg.csv" --method shapley-sampling --permutations 200 \
    --background-size 20 -o "$TMP/samp.csv"
check "$PY" -c '
import csv, sys
ex = {r["row"]: r for r in csv.DictReader(open(sys.argv[1]))}
z = []
for r in csv.DictReader(open(sys.argv[2])):
    for k in r:
        if k.startswith("attr_"):
            z.append(abs(float(r[k]) - float(ex[r["row"]][k])) / max(float(r["se_" + k[5:]]), 1e-12))
sys.exit(0 if max(z) < 5 else 1)' "$TMP/shap.csv" "$TMP/samp.csv" -- \
    "regression: sampled values within 5 standard errors of the exact ones"
expect_exit 0 "sampling is seeded: the same bytes again" -- "$MC" explain -q "$TMP/reg" \
    "$TMP/rx.csv" --background "$TMP/rbg.csv" --method shapley-sampling --permutations 200 \
    --background-size 20 -o "$TMP/samp2.csv"
check cmp -s "$TMP/samp.csv" "$TMP/samp2.csv" -- "the same bytes"

# hostile input
{ head -1 "$D"; sed -n '2402,2404p' "$D"; sed -n '2405p' "$D" | sed 's/^[^,]*,/nan,/'; } \
    >"$TMP/nan.csv"
expect_exit 2 "a NaN cell" -- "$MC" explain "$TMP/seed" "$TMP/nan.csv" -o "$TMP/none.csv"
expect_grep err "nan.csv:5:" "the NaN row named by file:line"
check test ! -e "$TMP/none.csv" -- "nothing written on failure"
sed '1s/bathrooms/bathroms/' "$TMP/rx.csv" >"$TMP/typo.csv"
expect_exit 2 "a misspelled column" -- "$MC" explain "$TMP/reg" "$TMP/typo.csv" \
    --background "$TMP/rbg.csv"
expect_grep err "typo.csv:1:1: column 'bathrooms', an input of the model, is not in the header (did you mean 'bathroms'?)" \
    "the missing column named, with the closest header name"
expect_exit 2 "exact Shapley values with --baseline-row" -- "$MC" explain "$TMP/seed" \
    "$TMP/test.csv" --background "$TMP/train.csv" --method shapley --baseline-row 3
expect_grep err "baseline-row is for --method ig" "the usage error says why"
expect_exit 2 "--max-steps must be a power of two" -- "$MC" explain "$TMP/seed" "$TMP/test.csv" \
    --background "$TMP/train.csv" --max-steps 1000
expect_grep err "not a power of two from 16 to 65536" "the bound named"
expect_exit 2 "a model file without --background" -- "$MC" explain "$TMP/seed/model.mcm" \
    "$TMP/test.csv"
expect_grep err "explain on a model file needs background rows" "says what is missing"
cp -r "$TMP/seed" "$TMP/moved"
python3 -c '
import json, sys
p = sys.argv[1] + "/run.json"
r = json.load(open(p))
r["data"]["absolute_path"] = sys.argv[2]
json.dump(r, open(p, "w"))' "$TMP/moved" "$TMP/train.csv"
expect_exit 2 "a run whose data changed" -- "$MC" explain "$TMP/moved" "$TMP/test.csv"
expect_grep err "has changed since the run" "says so, and to give --background"

# a large file streams: the peak memory (VmHWM) for 100,000 rows is within 20 MB of that for
# 2,000 rows (the file is read a chunk of 1,024 rows at a time)
"$PY" -c '
import sys
lines = open(sys.argv[1]).read().splitlines()
for n, out in ((2000, sys.argv[2]), (100000, sys.argv[3])):
    with open(out, "w") as f:
        f.write(lines[0] + "\n")
        body = lines[1:]
        for i in range(n):
            f.write(body[i % len(body)] + "\n")' "$R" "$TMP/small.csv" "$TMP/big.csv"
peak() { # the peak resident memory (kB) of explain on $1
    OPENBLAS_NUM_THREADS=1 "$MC" explain -q "$TMP/reg" "$1" --background "$TMP/rbg.csv" \
        --max-steps 16 --tolerance 1 -o "$2" &
    local pid=$! hwm=0 h
    while kill -0 "$pid" 2>/dev/null; do
        h=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status" 2>/dev/null)
        [ -n "$h" ] && hwm=$h
        sleep 0.05
    done
    wait "$pid" || return 1
    echo "$hwm"
}
small=$(peak "$TMP/small.csv" "$TMP/small-out.csv")
big=$(peak "$TMP/big.csv" "$TMP/big-out.csv")
echo "peak memory: $small kB for 2,000 rows, $big kB for 100,000 rows"
if ldd "$MC" 2>/dev/null | grep -q libasan; then
    # AddressSanitizer's shadow memory and quarantine grow with every allocation freed.
    skip "100,000 rows in the memory of 2,000" "peak memory means nothing under AddressSanitizer"
else
    check test -n "$small" -a -n "$big" -a "$((big - small))" -lt 20000 -- "100,000 rows in the memory of 2,000"
fi
check test "$(wc -l <"$TMP/big-out.csv")" -eq 100001 -- "every row written"

finish
