#!/usr/bin/env bash
# The ONNX project's own node conformance cases (onnx/backend/test/case/node of Debian's
# python3-onnx, the test vectors every ONNX backend runs; credit to the ONNX authors) for every
# operator modelcert's interpreter supports (tests/e2e/onnx_node_cases.py writes them; the
# operator list is the interpreter's own table in onnx/mc_onnx_op.c), run by
# tests/e2e/onnx_conformance.c: every output of every case equal to ONNX's expected one within
# the case's tolerance, except the cases listed below, which must be refused with their reason
# (training-mode BatchNormalization and Dropout: inference only; string casts; MatMul of two
# stacks of matrices), never answered wrongly.
# usage: onnx_conformance.sh ONNX_CONFORMANCE SOURCE_DIR
set -u
RUNNER=$1
SRC=$2
MC=unused
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3 # Debian's, with python3-onnx
OPS=$(grep -o '^    {"[A-Za-z]*"' "$SRC/onnx/mc_onnx_op.c" | tr -d ' {"' | paste -sd, -)
expect_exit 0 "python3-onnx writes its node cases for the supported operators ($OPS)" -- \
    "$PY" -W ignore "$SRC/tests/e2e/onnx_node_cases.py" "$TMP/cases" "$OPS"
cat "$TMP/out"
written=$(sed -n 's/^written \([0-9]*\)$/\1/p' "$TMP/out")
check test "${written:-0}" -ge 150 -- "at least 150 cases for the supported operators (${written:-0})"
"$RUNNER" "$TMP"/cases/* >"$TMP/run.txt" 2>&1
tail -1 "$TMP/run.txt"
# case name pattern <TAB> the reason it is refused with
EXPECTED_REFUSALS=$(cat <<'LIST'
test_batchnorm_.*_training_mode	(BatchNormalization): 5 inputs and 3 outputs (expected 5..5 and 1..1)
test_training_dropout.*	(Dropout): its training_mode input 't' must be a constant
test_cast.*_STRING.*	is not supported (float, double, int64, bool)
test_matmul_[34]d	supported: A of rank 2 or more times a matrix B
LIST
)
refused=0
while read -r line; do
    name=${line#FAIL }
    name=${name%%:*}
    known=0
    while IFS=$'\t' read -r pat why; do
        if [[ $name =~ ^${pat}$ ]] && [[ $line == *"$why"* ]]; then
            known=1
        fi
    done <<<"$EXPECTED_REFUSALS"
    if [ $known = 1 ]; then
        refused=$((refused + 1))
    else
        echo "FAIL: $line"
        failures=$((failures + 1))
    fi
done < <(grep '^FAIL ' "$TMP/run.txt")
passed=$(grep -c '^ok ' "$TMP/run.txt")
check test "$((passed + refused))" -eq "${written:-0}" -- \
    "$passed cases equal ONNX's expected outputs, $refused refused with their listed reason, of ${written:-0}"
check test "$refused" -le 14 -- "  ... no more than the 14 known refusals"
finish
