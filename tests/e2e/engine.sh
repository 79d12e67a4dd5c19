#!/usr/bin/env bash
# End-to-end tests of the reference engine through `modelcert run` and
# `modelcert predict`: determinism, fast versus reference numerics, predict
# reproducing a run bit for bit, model artifact checks, atomic run
# directories, and bad input with its exit status and message.
# usage: engine.sh MODELCERT SOURCE_DIR
set -u
MC=$1
SRC=$2
. "$(dirname "$0")/lib.sh"

json() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))" "$@"; }
digest() { json "$1/run.json" "d['model']['digest']"; }

# ---- determinism and numerics, every example ---------------------------------------
for ex in seed multiclass regression; do
    spec="$SRC/examples/$ex/modelcert.yaml"
    expect_exit 0 "$ex: run (fast)" -- "$MC" run -q "$spec" -o "$TMP/$ex-a"
    expect_exit 0 "$ex: run again (fast, 1 thread)" -- "$MC" run -q --threads 1 "$spec" -o "$TMP/$ex-b"
    expect_exit 0 "$ex: run (reference)" -- "$MC" run -q --numerics reference "$spec" -o "$TMP/$ex-r"
    check [ "$(digest "$TMP/$ex-a")" = "$(digest "$TMP/$ex-b")" ] -- "$ex: two fast runs give the same model digest"
    check [ "$(digest "$TMP/$ex-a")" = "$(sha256sum "$TMP/$ex-a/model.mcm" | cut -d' ' -f1)" ] -- "$ex: run.json cites the model file's sha256"
    # The two numerics agree within the documented tolerance (docs/engine.md): 0.02 on every test metric.
    check python3 - "$TMP/$ex-a/metrics.json" "$TMP/$ex-r/metrics.json" <<'PY' -- "$ex: fast and reference metrics agree within 0.02"
import json, sys
a, b = (json.load(open(p))["metrics"] for p in sys.argv[1:3])
bad = {k: (a[k], b[k]) for k in a if abs(a[k] - b[k]) > 0.02}
print("  metric differences:", {k: round(abs(a[k] - b[k]), 5) for k in a})
sys.exit(1 if bad or not a else 0)
PY
    # predict on exactly the run's test rows reproduces its predictions bit for bit.
    python3 - "$SRC/examples/$ex/data.csv" "$TMP/$ex-a/test_predictions.csv" "$TMP/$ex-test.csv" <<'PY'
import csv, sys
src = open(sys.argv[1], newline="").read().splitlines()
rows = [int(r["row"]) for r in csv.DictReader(open(sys.argv[2]))]
open(sys.argv[3], "w").write("\n".join([src[0]] + [src[i] for i in rows]) + "\n")
PY
    expect_exit 0 "$ex: predict on the test rows" -- "$MC" predict "$TMP/$ex-a/model.mcm" "$TMP/$ex-test.csv" -o "$TMP/$ex-pred.csv"
    check python3 - "$TMP/$ex-a/test_predictions.csv" "$TMP/$ex-pred.csv" <<'PY' -- "$ex: predict reproduces the run's test predictions exactly"
import csv, sys
run = list(csv.reader(open(sys.argv[1])))
pred = list(csv.reader(open(sys.argv[2])))
strip = lambda r: r[2:]          # run: row,actual,prediction,...  predict: row,prediction,...
same = len(run) == len(pred) and all(strip(a) == b[1:] for a, b in zip(run[1:], pred[1:]))
sys.exit(0 if same and len(run) > 10 else 1)
PY
done
# A row's prediction does not depend on the rows around it: predicting the whole file
# gives the test rows exactly the run's predictions.
expect_exit 0 "seed: predict on the whole data file" -- "$MC" predict "$TMP/seed-a/model.mcm" "$SRC/examples/seed/data.csv" -o "$TMP/seed-all.csv"
check python3 - "$TMP/seed-a/test_predictions.csv" "$TMP/seed-all.csv" <<'PY' -- "seed: whole-file predictions equal the run's for its test rows"
import csv, sys
run = {r[0]: r[2:] for r in list(csv.reader(open(sys.argv[1])))[1:]}
allp = {r[0]: r[1:] for r in list(csv.reader(open(sys.argv[2])))[1:]}
sys.exit(0 if run and all(allp.get(k) == v for k, v in run.items()) else 1)
PY
# Without OPENBLAS_CORETYPE, modelcert may pick OpenBLAS's AVX-512 kernels (cli/main.c):
# still the same bits for 1 and 2 threads.
expect_exit 0 "seed: run with OpenBLAS choosing freely, 1 thread" -- env -u OPENBLAS_CORETYPE "$MC" run -q --threads 1 "$SRC/examples/seed/modelcert.yaml" -o "$TMP/free1"
expect_exit 0 "seed: run with OpenBLAS choosing freely, 2 threads" -- env -u OPENBLAS_CORETYPE "$MC" run -q --threads 2 "$SRC/examples/seed/modelcert.yaml" -o "$TMP/free2"
check [ "$(digest "$TMP/free1")" = "$(digest "$TMP/free2")" ] -- "seed: the same model with 1 and 2 threads whatever kernels OpenBLAS uses"
check [ "$(json "$TMP/seed-r/run.json" "d['numerics']")" = reference ] -- "run.json records the numerics"
for f in model.mcm metrics.json history.csv test_predictions.csv spec.json run.json; do
    check [ -s "$TMP/seed-a/$f" ] -- "run directory has $f"
done
check [ "$(json "$TMP/seed-a/metrics.json" "len(d['slices']['segment']['groups'])")" = 3 ] -- "seed: metrics per slice"
check [ "$(json "$TMP/regression-a/metrics.json" "len(d['permutation_importance']['columns']) > 3")" = True ] -- "regression: permutation importance per input column"
check [ "$(json "$TMP/multiclass-a/metrics.json" "len(d['confusion_matrix']['counts'])")" = 3 ] -- "multiclass: 3x3 confusion matrix"

# ---- the model artifact ---------------------------------------------------------------------
M="$TMP/seed-a/model.mcm"
head -c 1000 "$M" > "$TMP/trunc.mcm"
expect_exit 2 "predict rejects a truncated model" -- "$MC" predict "$TMP/trunc.mcm" "$TMP/seed-test.csv"
expect_grep err "truncated" "truncation is named"
cp "$M" "$TMP/flip.mcm"
size=$(stat -c %s "$M")
printf '\x01' | dd of="$TMP/flip.mcm" bs=1 seek=$((size - 100)) conv=notrunc status=none
expect_exit 2 "predict rejects an altered parameter" -- "$MC" predict "$TMP/flip.mcm" "$TMP/seed-test.csv"
expect_grep err "checksum mismatch" "alteration is detected by the checksum"
cp "$M" "$TMP/ver.mcm"
printf '\x02' | dd of="$TMP/ver.mcm" bs=1 seek=8 conv=notrunc status=none
expect_exit 2 "predict rejects another format version" -- "$MC" predict "$TMP/ver.mcm" "$TMP/seed-test.csv"
expect_grep err "format version 2 is not supported" "version is named"
expect_exit 2 "predict rejects a file that is not a model" -- "$MC" predict "$SRC/examples/seed/data.csv" "$TMP/seed-test.csv"
expect_grep err "wrong magic" "not-a-model is named"
# A header that is well-formed JSON but wrong (an input without its type), with a
# valid checksum, is refused cleanly (fuzzing once found a leak on this path).
python3 - "$M" "$TMP/badhdr.mcm" <<'PY'
import hashlib, json, struct, sys
b = open(sys.argv[1], "rb").read()
hlen = struct.unpack("<Q", b[16:24])[0]
h = json.loads(b[24:24 + hlen])
body = 24 + hlen; params = b[body + (64 - body % 64) % 64:-32]
del h["preprocessing"]["inputs"][0]["type"]
hb = json.dumps(h, separators=(",", ":"), sort_keys=True).encode()
out = b[:16] + struct.pack("<Q", len(hb)) + hb
out += b"\0" * ((64 - len(out) % 64) % 64) + params
open(sys.argv[2], "wb").write(out + hashlib.sha256(out).digest())
PY
expect_exit 2 "predict refuses a model whose header is wrong" -- "$MC" predict "$TMP/badhdr.mcm" "$TMP/seed-test.csv"
expect_grep err "not a valid modelcert model: preprocessing: inputs" "the wrong header part is named"
cut -d, -f2- "$TMP/seed-test.csv" > "$TMP/nocol.csv"
expect_exit 2 "predict needs the model's input columns" -- "$MC" predict "$M" "$TMP/nocol.csv"
expect_grep err "column '.*' is not in the header" "the missing column is named"

# one_hot at prediction: an unseen category stops prediction (handle_unknown: error) ...
python3 - "$SRC/examples/multiclass/data.csv" "$TMP/newsite.csv" <<'PY'
import sys
lines = open(sys.argv[1]).read().splitlines()[:4]
lines[2] = lines[2].replace(",west,", ",mars,").replace(",south,", ",mars,").replace(",north,", ",mars,").replace(",east,", ",mars,")
open(sys.argv[2], "w").write("\n".join(lines) + "\n")
PY
expect_exit 2 "predict refuses an unseen one_hot category (handle_unknown: error)" -- "$MC" predict "$TMP/multiclass-a/model.mcm" "$TMP/newsite.csv"
expect_grep err "newsite.csv:3:1: column 'site': category 'mars' was not seen in training" "the unseen category is named with its line"
# ... and is all zeros with handle_unknown: ignore (the init starter project).
expect_exit 0 "init a starter project" -- "$MC" init "$TMP/starter"
expect_exit 0 "the starter project runs" -- "$MC" run -q "$TMP/starter/modelcert.yaml" -o "$TMP/starter/run"
python3 - "$TMP/starter/churn.csv" "$TMP/starter/new.csv" <<'PY'
import sys
lines = open(sys.argv[1]).read().splitlines()[:3]
parts = lines[2].split(","); parts[5] = "atlantis"; lines[2] = ",".join(parts)
open(sys.argv[2], "w").write("\n".join(lines) + "\n")
PY
expect_exit 0 "predict accepts an unseen category with handle_unknown: ignore" -- "$MC" predict "$TMP/starter/run/model.mcm" "$TMP/starter/new.csv"
check [ "$(wc -l < "$TMP/out")" = 3 ] -- "both rows predicted"

# ---- run errors: exit 2 with a clear message -----------------------------------------------
P="$TMP/proj"
mkdir -p "$P"
cp "$SRC/examples/seed/modelcert.yaml" "$SRC/examples/seed/data.csv" "$P/"
expect_exit 2 "an existing output directory is refused" -- "$MC" run -q "$P/modelcert.yaml" -o "$TMP/seed-a"
expect_grep err "exists" "the existing directory is named"
printf '\n' >> "$P/data.csv"
sed -i '2s/^\(.\)/9/' "$P/data.csv"
expect_exit 2 "a pinned sha256 that does not match stops the run" -- "$MC" run -q "$P/modelcert.yaml" -o "$TMP/x1"
expect_grep err "data.sha256: .* but the spec pins" "the pin mismatch is reported with both digests"
check [ ! -e "$TMP/x1" ] -- "nothing is written when the pin fails"

# mkspec NAME SED-EXPRESSION: the seed spec without its pin, edited
mkspec() {
    sed -e '/sha256:/d' -e "$2" "$SRC/examples/seed/modelcert.yaml" > "$P/$1.yaml"
    cp "$SRC/examples/seed/data.csv" "$P/data.csv"
}
expect_run_error() { # NAME SED MESSAGE DESCRIPTION
    mkspec "$1" "$2"
    expect_exit 2 "$4" -- "$MC" run -q "$P/$1.yaml" -o "$TMP/out-$1"
    expect_grep err "$3" "$4: message"
    check [ ! -e "$TMP/out-$1" ] -- "$4: no run directory"
}
expect_run_error missing-data 's/source: data.csv/source: nowhere.csv/' "data.source: cannot open" "a missing data file"
expect_run_error posl 's/positive_label: "1"/positive_label: "yes"/' "positive_label: 'yes' is not a class" "a positive label that is not a class"
expect_run_error cat-reaches '/type: drop_columns/,/columns: \[segment\]/d' "column 'segment' is categorical and reaches the model" "a categorical column reaching the model"
expect_run_error input-width 's/input: auto /input: 5 /' "architecture.input: 5, but preprocessing produces" "a wrong input width"
expect_run_error no-dropna '/- type: dropna/d;/- dropna/d' "missing a value the model needs" "missing values without dropna or fill_missing"
expect_run_error hash-step 's/^  - standardize .*/  - {type: hash, columns: [f01]}\n  - standardize/' "a hash step needs salt_env" "a hash step without its key's variable"
expect_run_error std-unknown-col 's/^  - standardize .*/  - {type: standardize, columns: [nope]}/' "column 'nope' is not in the data" "a step naming an unknown column"
mkspec threeclass 's/^x//'
python3 - "$P/data.csv" <<'PY'
import sys
lines = open(sys.argv[1]).read().splitlines()
lines[5] = lines[5][:-1] + "2"   # a third class in the label column
open(sys.argv[1], "w").write("\n".join(lines) + "\n")
PY
expect_exit 2 "binary loss on a three-class target" -- "$MC" run -q "$P/threeclass.yaml" -o "$TMP/out-threeclass"
expect_grep err "needs exactly two classes" "the class count is reported"
expect_exit 2 "--numerics takes fast or reference" -- "$MC" run --numerics turbo "$P/threeclass.yaml"
expect_exit 2 "--threads takes a positive number" -- "$MC" run --threads 0 "$P/threeclass.yaml"

# ---- a run killed midway leaves nothing that looks complete ----------------------------------
python3 - "$P/big.csv" <<'PY'
import random, sys
r = random.Random(3)
with open(sys.argv[1], "w") as f:
    f.write(",".join(f"x{i}" for i in range(16)) + ",y\n")
    for _ in range(40000):
        xs = [r.uniform(-1, 1) for _ in range(16)]
        f.write(",".join(f"{x:.5f}" for x in xs) + f",{int(sum(xs[:4]) > 0)}\n")
PY
cat > "$P/big.yaml" <<'YAML'
apiVersion: modelcert/v1
kind: Pipeline
metadata: {name: big}
data: {source: big.csv, target: y}
architecture: {layers: [{type: dense, units: 64, activation: relu}, {type: dense, units: 1, activation: sigmoid}]}
training: {loss: binary_crossentropy, epochs: 200, numerics: reference}
metrics: {compute: [accuracy]}
YAML
"$MC" run -q "$P/big.yaml" -o "$TMP/killed" &
pid=$!
sleep 1
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
status=$?
# 137 = 128 + SIGKILL: the run was still alive when killed (a run that had already
# finished, or failed at once, exits 0 or 2 and proves nothing about an interrupted one).
check [ "$status" -eq 137 ] -- "the run was alive when killed (exit $status, want 137: killed by SIGKILL)"
check [ ! -e "$TMP/killed" ] -- "a killed run leaves no run directory"
check [ -z "$(ls "$TMP" | grep '^killed.tmp-' | xargs -I{} ls "$TMP/{}/run.json" 2>/dev/null)" ] -- "a killed run leaves no run record"

finish
