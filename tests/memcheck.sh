#!/usr/bin/env bash
# Valgrind's memcheck over unit tests and a few commands: reads of uninitialised memory, which
# AddressSanitizer does not see (a jansson error record read after a successful parse made
# decoding fail at random). Normal builds only; the sanitizer build has ASan instead.
# usage: memcheck.sh MODELCERT SOURCE_DIR UNIT_TEST...
set -u
MC=$1
SRC=$2
shift 2
. "$(dirname "$0")/e2e/lib.sh"
export OPENBLAS_NUM_THREADS=1
VG="valgrind -q --error-exitcode=99 --track-origins=yes"
for t in "$@"; do
    check $VG "$t" -- "memcheck: $(basename "$t")"
done
# The seed example at 2 epochs, not 10: every code path of validate is reached in the first
# epoch, and valgrind runs about 50 times slower than the program (it still passes its
# thresholds at 2 epochs, so the reports below render a passing run).
cp "$SRC/examples/seed/data.csv" "$TMP/"
sed 's/^  epochs: 10$/  epochs: 2/' "$SRC/examples/seed/modelcert.yaml" > "$TMP/modelcert.yaml"
check grep -q '^  epochs: 2$' "$TMP/modelcert.yaml" -- "memcheck: the seed spec at 2 epochs"
expect_exit 0 "memcheck: validate the seed example" -- $VG "$MC" validate -q --threads 1 \
    "$TMP/modelcert.yaml" -o "$TMP/run"
for f in html junit model-card; do
    expect_exit 0 "memcheck: report --format $f" -- $VG "$MC" report "$TMP/run/validation.json" \
        --format "$f" -o "$TMP/report.$f"
done
expect_exit 0 "memcheck: predict" -- $VG "$MC" predict "$TMP/run/model.mcm" "$TMP/data.csv" -o "$TMP/p.csv"
expect_exit 0 "export --format onnx" -- "$MC" export "$TMP/run" --format onnx -q
expect_exit 0 "memcheck: predict model.onnx (the ONNX interpreter)" -- $VG "$MC" predict \
    "$TMP/run/model.onnx" "$TMP/data.csv" -o "$TMP/po.csv"
finish
