#!/usr/bin/env bash
# modelcert's ONNX interpreter end to end (docs/onnx.md "predict with an ONNX model"):
# models exported by Debian's PyTorch (torch.onnx.export: 2-3 layer MLPs for binary,
# multiclass and regression, with and without BatchNormalization and Dropout, opsets 11, 13
# and 17) and by modelcert's own export (the three examples) are run by `modelcert predict
# MODEL.onnx` and by ONNX Runtime (npm onnxruntime-node, one thread): every value of every row
# within 1e-6. Hostile graphs written with python3-onnx's helper (a cycle, a dangling input, a
# shape mismatch, a huge dimension, an element count over the budget, a 2 GB initializer
# claimed in a small file, NaN weights, an unsupported operator and opset, external data) are
# refused with exit 2 and the reason, naming the node or tensor. A Relu after a Gemm, fused
# into it or not (its input also an output, or read by another node), equals ONNX Runtime.
# usage: onnx_predict.sh MODELCERT SOURCE_DIR
set -u
MC=$1
SRC=$2
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/onnx_ort_setup.sh"
PY=/usr/bin/python3 # Debian's, with python3-torch and python3-onnx
ort_setup || exit 1
G="$TMP/gen"
mkdir -p "$G"
expect_exit 0 "PyTorch and python3-onnx write the models" -- "$PY" "$SRC/tests/e2e/onnx_models.py" "$G"
ORT() { env NODE_PATH="$ORT_NODE_PATH" node "$SRC/tests/e2e/onnx_ort.js" predict "$@"; }
COLS=f1,f2,f3,f4,f5

for m in binary_o11 binary_bn_dropout_o17 multiclass_o11 multiclass_bn_dropout_o17 \
         regression_o17 regression_bn_dropout_o11; do
    expect_exit 0 "torch $m: predict with --columns" -- \
        "$MC" predict "$G/torch_$m.onnx" "$G/data.csv" --columns $COLS -o "$G/$m.csv"
    expect_exit 0 "torch $m: ONNX Runtime's outputs equal modelcert's within 1e-6 on every row" -- \
        ORT "$G/torch_$m.onnx" "$G/data.csv" "$G/$m.csv" 1e-6 $COLS
    cat "$TMP/out"
done
case_bn=$("$PY" -c "import onnx,sys; m=onnx.load(sys.argv[1]); print(sorted({n.op_type for n in m.graph.node}))" "$G/torch_binary_bn_dropout_o17.onnx")
check grep -q BatchNormalization <<<"$case_bn" -- "the BN model has a BatchNormalization node ($case_bn)"

# The inputs are columns by name (torch, one [N, 1] input per column).
expect_exit 0 "torch, inputs by column name" -- \
    "$MC" predict "$G/torch_columns_multiclass_o13.onnx" "$G/data.csv" -o "$G/columns.csv"
expect_exit 0 "  ... equals ONNX Runtime within 1e-6" -- \
    ORT "$G/torch_columns_multiclass_o13.onnx" "$G/data.csv" "$G/columns.csv" 1e-6
cat "$TMP/out"
# A Relu after a Gemm is fused into it only when nothing else reads the Gemm's output.
for g in fused also_output two_readers; do
    expect_exit 0 "Gemm then Relu ($g): predict" -- \
        "$MC" predict "$G/fusion_$g.onnx" "$G/data.csv" --columns $COLS -o "$G/fusion_$g.csv"
    expect_exit 0 "  ... equals ONNX Runtime within 1e-6" -- \
        ORT "$G/fusion_$g.onnx" "$G/data.csv" "$G/fusion_$g.csv" 1e-6 $COLS
done
check "$PY" -c "import csv,sys; r=list(csv.DictReader(open(sys.argv[1]))); assert any(float(x['h_1'])<0 for x in r) and all(float(x['r_1'])>=0 for x in r), r[0]" \
    "$G/fusion_also_output.csv" -- "  ... the Gemm's own output keeps its negative values beside the Relu's"
# One [N, F] input without --columns: the file's numeric columns in file order.
expect_exit 0 "[N, F] input from the numeric columns in file order" -- \
    "$MC" predict "$G/torch_binary_o11.onnx" "$G/features.csv" -o "$G/features_out.csv"
check cmp -s <(cut -d, -f2- "$G/features_out.csv") <(cut -d, -f2- "$G/binary_o11.csv") -- \
    "  ... the same predictions as --columns $COLS"
expect_exit 2 "[N, F] with F numeric columns not matching" -- \
    "$MC" predict "$G/torch_binary_o11.onnx" "$G/data.csv"
expect_grep err "takes 5 features; the file has numeric columns 6 (in file order): name them in order with --columns" \
    "  ... says how many and to name them"
expect_exit 2 "--columns naming a missing column" -- \
    "$MC" predict "$G/torch_binary_o11.onnx" "$G/data.csv" --columns f1,f2,nope,f4,f5
expect_grep err "has no column 'nope'" "  ... names it"
expect_exit 2 "--columns with a model that is not ONNX" -- \
    "$MC" predict "$G/data.csv" "$G/data.csv" --columns f1
expect_grep err "columns is for an ONNX model" "  ... is a usage error"

# modelcert's own export: raw columns by name, strings and NaN markers, Where/IsNaN/LabelEncoder.
for e in seed multiclass regression; do
    expect_exit 0 "$e: run and export" -- sh -c "'$MC' run '$SRC/examples/$e/modelcert.yaml' -o '$TMP/$e' -q && '$MC' export '$TMP/$e' --format onnx"
    expect_exit 0 "$e: predict model.onnx" -- \
        "$MC" predict "$TMP/$e/model.onnx" "$SRC/examples/$e/data.csv" -o "$TMP/$e/onnx.csv"
    expect_exit 0 "$e: ONNX Runtime's outputs equal modelcert's within 1e-6 (NaN where NaN)" -- \
        ORT "$TMP/$e/model.onnx" "$SRC/examples/$e/data.csv" "$TMP/$e/onnx.csv" 1e-6
    cat "$TMP/out"
done
check test "$(grep -c ',nan$' "$TMP/seed/onnx.csv")" -eq 107 -- \
    "seed: NaN on the 107 rows its dropna step removes"

# Hostile graphs: exit 2, the reason and the node or tensor named.
hostile() { # NAME PATTERN WHAT
    expect_exit 2 "hostile $1: refused" -- "$MC" predict "$G/hostile_$1.onnx" "$G/features.csv"
    expect_grep err "$2" "  ... $3"
}
hostile cycle "node 'relu_a' (Relu) is on a cycle" "names a node on the cycle"
hostile dangling "node 'add_ghost' (Add): input 'ghost' is not produced by any node, initializer or graph input" \
    "names the node and the dangling input"
hostile shape_mismatch "node 'mm_bad' (MatMul): the inner dimensions differ (5 and 4)" \
    "names the node and the shapes"
hostile huge_dim "node 'reshape_huge' (Reshape): shape\[1\] is 1099511627776" "names the node and the dimension"
hostile over_budget "node 'onehot_big' (OneHot): output 0: the shape \[500, 5, 1073741824\] of float needs more than 1073741824 bytes" \
    "names the node and the budget"
check test "$(stat -c %s "$G/hostile_claim_2gb.onnx")" -le 1024 -- "the 2 GB claim is a file under 1 KB"
hostile claim_2gb "initializer 'W': the shape \[536870912\] of float needs more than 1073741824 bytes" \
    "names the initializer before allocating"
hostile nan_weights "initializer 'W': element 7 is NaN (NaN weights are refused)" "names the initializer"
hostile unsupported_op "node 'erf_1' (Erf): operator Erf of ai.onnx is not supported; supported: Abs, Add," \
    "names the node, its op type and the supported list"
hostile opset_18 "opset 18 of the default domain (ai.onnx) is not supported (11 to 17)" "names the opset"
hostile external_data "initializer 'W': external data is not supported" "names the tensor"
printf 'not a model' > "$G/garbage.onnx"
expect_exit 2 "bytes that are not ONNX" -- "$MC" predict "$G/garbage.onnx" "$G/features.csv"
expect_grep err "not an ONNX model" "  ... says so"
finish
