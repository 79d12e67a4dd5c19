#!/usr/bin/env bash
# Reference numerics give the same bits on every machine (docs/engine.md): the
# model digests of the three examples, run with --numerics reference, are
# pinned here, so every machine that runs `make test` proves it gets them too.
# usage: reference_digests.sh MODELCERT SOURCE_DIR
set -u
MC=$1
SRC=$2
. "$(dirname "$0")/lib.sh"

# And predictions, like models, are the same bits everywhere: `predict` on the first 20
# data rows of each example, with its reference model (sha256 of the predictions CSV).
declare -A pinned_predictions=(
    [seed]=dd57e9bae759e69f8aaa659bdf655517b1b020ec54947e9c6595e6ed7c2977cb
    [multiclass]=87dd345195890c75a566a70d97bb70a4fb49fcfc129c63e29218b043051d4d51
    [regression]=5e77a031ea0dba972fd96410a6f260d8eb32aabe7267b273ed485b6631480256
)
declare -A pinned=(
    [seed]=f9a261812678e4fda7ab1ff6bd1da74b21f65e42a3b1556d94f624c94d73c9b6
    [multiclass]=8a66872461b1def027c82bb84570e6f72721d6653c2c707a1e20bfe5ed9aff77
    [regression]=3a2238c693f5918b909bc1a2dffcdfda317c0d8e582aff9c3b1aa18761ef499b
)
for ex in seed multiclass regression; do
    expect_exit 0 "$ex: run (reference)" -- "$MC" run -q --numerics reference --audit "$TMP/audit.db" \
        "$SRC/examples/$ex/modelcert.yaml" -o "$TMP/$ex"
    actual=$(sha256sum "$TMP/$ex/model.mcm" 2>/dev/null | cut -d' ' -f1)
    if [ "$actual" = "${pinned[$ex]}" ]; then
        echo "ok: $ex: reference model digest is the pinned $actual"
    else
        echo "FAIL: $ex: reference model digest differs from the pinned one"
        echo "  example:  examples/$ex/modelcert.yaml (--numerics reference)"
        echo "  expected: ${pinned[$ex]}"
        echo "  actual:   ${actual:-(no model.mcm)}"
        echo "  hint: reference numerics must give the same bits on every compiler and machine."
        echo "        If only this machine differs, the reference kernels lost their portability"
        echo "        (reference/mc_math.c, mc_nn.c, the engine's -ffp-contract=off/-fno-fast-math"
        echo "        flags): that is a bug. If the engine, the example, its data or the spec's"
        echo "        normalised form (its digest is in the model header) changed on purpose,"
        echo "        update the pinned digest here (tests/e2e/reference_digests.sh) and the"
        echo "        digest docs/engine.md cites."
        failures=$((failures + 1))
    fi
    head -21 "$SRC/examples/$ex/data.csv" > "$TMP/$ex-head.csv"
    "$MC" predict "$TMP/$ex/model.mcm" "$TMP/$ex-head.csv" -o "$TMP/$ex-pred.csv" 2>/dev/null
    actual=$(sha256sum "$TMP/$ex-pred.csv" 2>/dev/null | cut -d' ' -f1)
    if [ "$actual" = "${pinned_predictions[$ex]}" ]; then
        echo "ok: $ex: predictions of the first 20 rows are the pinned bits"
    else
        echo "FAIL: $ex: predictions of the first 20 rows differ from the pinned ones"
        echo "  expected sha256: ${pinned_predictions[$ex]}"
        echo "  actual sha256:   ${actual:-(no output)}"
        head -4 "$TMP/$ex-pred.csv" 2>/dev/null | sed 's/^/  /'
        echo "  hint: reported predictions use the fixed-order kernels (mc_nn_predict), whose bits"
        echo "        must not depend on the CPU's vector width or the compiler."
        failures=$((failures + 1))
    fi
done

finish
