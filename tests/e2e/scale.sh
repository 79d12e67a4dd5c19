#!/usr/bin/env bash
# Large inputs in linear time and memory (issue 21: R7, R13, R14): each large case runs
# under a generous bound, a memory cap (ulimit -v) and a timeout far above what the linear
# code needs on a loaded machine and far below what the quadratic code it replaced took
# (figures in bench/README.md). No tight timing: these machines are noisy.
# usage: scale.sh MODELCERT SOURCE_DIR
set -u
MC=$1
SRC=$2
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/onnx_ort_setup.sh"
PY=/usr/bin/python3 # Debian's, which has python3-onnx

# bounded MEGABYTES SECONDS COMMAND...: the command under an address-space cap and a timeout.
bounded() {
    local mb=$1 secs=$2
    shift 2
    (ulimit -v $((mb * 1024)) && exec timeout "$secs" "$@")
}

# ---- R14: privacy scan of 100,000 columns (was 69 s and 516 MB: a header's names compared
# with every earlier name, and 1,024 rows reserved per column however few the file has;
# now 2.4 s and 120 MB)
python3 - "$TMP/wide.csv" <<'PY'
import sys
n = 100000
with open(sys.argv[1], "w") as f:
    f.write(",".join("c%d" % i for i in range(n)) + "\n")
    for r in range(5):
        f.write(",".join("user%d@example.com" % (i + r) if i % 2 else str(i * r)
                         for i in range(n)) + "\n")
PY
expect_exit 1 "R14: privacy scan of 100,000 columns in 400 MB and 40 s" -- bounded 400 40 "$MC" privacy scan "$TMP/wide.csv"
expect_grep out "100000 columns scanned over 5 sampled rows (seed 0): 50000 with personal data" "R14: every column scanned, every email column flagged"
python3 -c "print(','.join(['a', 'b'] * 3000 + ['a']))" >"$TMP/dup.csv"
echo 1 >>"$TMP/dup.csv"
expect_exit 2 "R14: a repeated column name among 6,001" -- "$MC" privacy scan "$TMP/dup.csv"
expect_grep err "dup.csv:1:5: duplicate column name 'a' (also column 1)" "R14: the first repeat, where it is, and the column it repeats"

# ---- R13: the Markdown report of 150,000 results (100,000 took 70 s and more: each result's
# metric compared with every earlier result's for the baseline table; now linear), and a
# validation.json of 1,000,000 results refused before it is read (it took gigabytes)
validation() { # validation FILE N: N results in 100 categories, every other one with a baseline
    python3 - "$1" "$2" <<'PY'
import sys
n = int(sys.argv[2])
with open(sys.argv[1], "w") as f:
    f.write('{"format": "modelcert-validation", "format_version": 1, "run": null, "results": [')
    for k in range(n):
        m = '{"current": 0.9, "baseline": 0.8}' if k % 2 else '0.9'
        f.write(('' if k == 0 else ',') + '{"category": "c%d", "expected": null, "id": "m%d", '
                '"measured": %s, "message": "", "name": "m%d", "status": "pass"}'
                % (k % 100, k, m, k))
    f.write(']}')
PY
}
mkdir "$TMP/many" "$TMP/huge"
validation "$TMP/many/validation.json" 150000
expect_exit 0 "R13: the Markdown report of 150,000 results in 1.5 GB and 90 s" -- bounded 1500 90 "$MC" report "$TMP/many/validation.json" -f markdown
check [ "$(grep -c '^| ✅ PASS | c' "$TMP/out")" = 150000 ] -- "R13: a row per result"
check [ "$(grep -c '^| m[0-9]* | 0.8 | 0.9 | ↑' "$TMP/out")" = 75000 ] -- "R13: a baseline row per compared metric"
check [ "$(sed -n '7p;1507p' "$TMP/out" | cut -d'|' -f3,4 | tr -d ' ' | tr '\n' ' ')" = "c0|m0 c1|m1 " ] -- "R13: grouped by category, in first-seen order"
validation "$TMP/huge/validation.json" 1000000
expect_exit 2 "R13: a validation.json of 1,000,000 results is refused, in 300 MB" -- bounded 300 60 "$MC" report "$TMP/huge/validation.json" -f html
expect_grep err "huge/validation.json is larger than the limit of 33554432 bytes for this kind of file" "R13: it says which limit"

# ---- R7: the ONNX export of a one_hot column is linear in its categories (a dense
# (k + m) x k matrix made 10,000 categories a 401 MB file, 0.8 GB at peak; now 0.9 MB), and a
# model file claiming more categories than max_categories allows (10,000) is refused.
mkdir "$TMP/oh"
python3 - "$TMP/oh/data.csv" <<'PY'
import random, sys
random.seed(1)
rows = []
for i in range(4000):
    x = random.random()
    rows.append("k%05d,%.4f,%d" % (i % 1000, x, int(x > 0.5)))
open(sys.argv[1], "w").write("cat,x,label\n" + "\n".join(rows) + "\n")
PY
cat >"$TMP/oh/modelcert.yaml" <<'YAML'
apiVersion: modelcert/v1
kind: Pipeline
metadata: {name: many-categories, version: "1"}
data:
  source: data.csv
  target: label
  columns: {cat: categorical}
  split: {test_fraction: 0.1, shuffle: false}
preprocessing:
  - {type: one_hot, columns: [cat], max_categories: 1000, handle_unknown: error}
architecture:
  input: auto
  layers:
    - {type: dense, units: 1, activation: sigmoid}
training:
  optimizer: {type: sgd, learning_rate: 0.1}
  loss: binary_crossentropy
  epochs: 1
  batch_size: 256
  seed: 1
metrics:
  compute: [accuracy]
  positive_label: "1"
YAML
expect_exit 0 "R7: a model with 1,000 categories" -- "$MC" run "$TMP/oh/modelcert.yaml" -o "$TMP/oh/run" -q
expect_exit 0 "R7: its ONNX export" -- "$MC" export "$TMP/oh/run" --format onnx
"$MC" predict "$TMP/oh/run/model.mcm" "$TMP/oh/data.csv" -o "$TMP/oh/pred.csv" 2>/dev/null
expect_exit 0 "R7: python3-onnx's checker (full check) accepts it" -- "$PY" "$SRC/tests/e2e/onnx_check.py" "$TMP/oh/run/model.onnx" "$TMP/oh/sig.json"
if ort_setup; then
    expect_exit 0 "R7: ONNX Runtime's outputs equal predict's within 1e-6 on every row" -- \
        env NODE_PATH="$ORT_NODE_PATH" node "$SRC/tests/e2e/onnx_ort.js" export "$TMP/oh/run/model.onnx" \
        "$TMP/oh/sig.json" "$TMP/oh/data.csv" "$TMP/oh/pred.csv" 1e-6
    cat "$TMP/out"
else
    check false -- "R7: ONNX Runtime for Node is needed"
fi
# The same model with K categories, made by hand (the header's categories, features, input
# width and parameters; the checksum recomputed): what a trained model of K categories is.
widen() { # widen K OUT.mcm
    python3 - "$TMP/oh/run/model.mcm" "$1" "$2" <<'PY'
import hashlib, json, struct, sys
b = open(sys.argv[1], "rb").read()
k = int(sys.argv[2])
h = json.loads(b[24:24 + struct.unpack("<Q", b[16:24])[0]])
cats = ["k%05d" % i for i in range(k)]
h["preprocessing"]["steps"][0]["columns"][0]["categories"] = cats
h["preprocessing"]["features"] = ["cat=" + c for c in cats] + ["x"]
h["architecture"]["input"] = k + 1
h["parameters"] = k + 2
h["tensors"] = [{"name": "layers.0.kernel", "offset": 0, "shape": [k + 1, 1]},
                {"name": "layers.0.bias", "offset": k + 1, "shape": [1]}]
head = json.dumps(h, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
body = b"MCMODEL\0" + struct.pack("<II", 1, 0) + struct.pack("<Q", len(head)) + head
body += b"\0" * ((64 - len(body) % 64) % 64)
body += b"".join(struct.pack("<f", ((i % 7) - 3) / 10) for i in range(k + 2))
open(sys.argv[3], "wb").write(body + hashlib.sha256(body).digest())
PY
}
mkdir "$TMP/oh10k" "$TMP/oh20k"
widen 10000 "$TMP/oh10k/model.mcm"
expect_exit 0 "R7: the export of 10,000 categories (the most max_categories allows) in 600 MB" -- bounded 600 120 "$MC" export "$TMP/oh10k" --format onnx -o "$TMP/oh10k/model.onnx"
size=$(stat -c %s "$TMP/oh10k/model.onnx" 2>/dev/null || echo 0)
echo "  10,000 categories: $size bytes"
check [ "$size" -gt 0 ] -- "R7: it was written"
check [ "$size" -le 2000000 ] -- "R7: linear size: $size bytes <= 2,000,000 (200 bytes a category)"
expect_exit 0 "R7: python3-onnx's checker accepts it" -- "$PY" "$SRC/tests/e2e/onnx_check.py" "$TMP/oh10k/model.onnx" "$TMP/oh10k/sig.json"
widen 20000 "$TMP/oh20k/model.mcm"
expect_exit 2 "R7: a model file with 20,000 categories is refused" -- bounded 600 120 "$MC" export "$TMP/oh20k" --format onnx -o "$TMP/oh20k/model.onnx"
expect_grep err "one_hot column 'cat' has 20000 categories, more than max_categories allows (at most 10000)" "R7: it says why"

finish
