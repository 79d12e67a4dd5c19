#!/usr/bin/env bash
# The three seeds are independent (docs/engine.md, Randomness): on the
# regression example (shuffled split, permutation importance),
# - training.seed (initialisation, shuffling, dropout) changes the model but
#   not the split: the same test rows;
# - data.split.seed changes the split: other test rows;
# - metrics.importance.seed changes the permutation importance and nothing
#   else: the same parameters, and the same model file but for the spec
#   digest its header records (docs/formats.md), the same predictions and
#   the same metrics.
# usage: seeds.sh MODELCERT SOURCE_DIR
set -u
MC=$1
SRC=$2
. "$(dirname "$0")/lib.sh"

P="$TMP/proj"
mkdir -p "$P"
cp "$SRC/examples/regression/modelcert.yaml" "$SRC/examples/regression/data.csv" "$P/"

# variant NAME SED-EXPRESSION KEY VALUE: the example spec edited; the normalised
# spec must differ from the example's exactly at KEY (a dotted path), which must be VALUE.
variant() {
    sed -e "$2" "$P/modelcert.yaml" > "$P/$1.yaml"
    "$MC" check --print-normalized "$P/modelcert.yaml" > "$TMP/base.json" 2>&1
    "$MC" check --print-normalized "$P/$1.yaml" > "$TMP/$1.json" 2>&1
    check python3 - "$TMP/base.json" "$TMP/$1.json" "$3" "$4" <<'PY' -- "$1: the spec differs only in $3, now $4"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
def flat(d, pre=""):
    if isinstance(d, dict):
        out = {}
        for k, v in d.items():
            out.update(flat(v, pre + k + "."))
        return out
    return {pre[:-1]: d}
fa, fb = flat(a), flat(b)
diff = sorted(k for k in fa.keys() | fb.keys() if fa.get(k) != fb.get(k))
print("  differing keys:", diff)
sys.exit(0 if diff == [sys.argv[3]] and str(fb[sys.argv[3]]) == sys.argv[4] else 1)
PY
}
variant split 's/^    seed: 7$/    seed: 8/' data.split.seed 8
variant train 's/^  seed: 1$/  seed: 2/' training.seed 2
variant importance 's/importance: {repeats: 5, seed: 0,/importance: {repeats: 5, seed: 5,/' metrics.importance.seed 5

for v in modelcert split train importance; do
    expect_exit 0 "run $v.yaml" -- "$MC" run -q --audit "$TMP/audit.db" "$P/$v.yaml" -o "$TMP/$v"
done

# compare.py BASE OTHER WHAT: one fact about two run directories, exit 0 when it holds.
cat > "$TMP/compare.py" <<'PY'
import csv, json, struct, sys
base, other, what = sys.argv[1:4]

def test_rows(d):
    return [r["row"] for r in csv.DictReader(open(d + "/test_predictions.csv"))]

def model(d):
    b = open(d + "/model.mcm", "rb").read()
    h = struct.unpack("<Q", b[16:24])[0]
    return b, json.loads(b[24:24 + h]), b[24 + h:-32]

def metrics(d):
    return json.load(open(d + "/metrics.json"))

if what == "same-test-rows":
    a, b = test_rows(base), test_rows(other)
    print(f"  {len(a)} and {len(b)} test rows")
    ok = a == b and len(a) > 50
elif what == "other-test-rows":
    a, b = set(test_rows(base)), set(test_rows(other))
    print(f"  {len(a)} and {len(b)} test rows, {len(a & b)} in common")
    ok = len(a) == len(b) and a != b
elif what == "other-parameters":
    ok = model(base)[2] != model(other)[2]
elif what == "same-model-but-spec-digest":
    (ba, ha, pa), (bb, hb, pb) = model(base), model(other)
    diff = sorted(k for k in ha.keys() | hb.keys() if ha.get(k) != hb.get(k))
    print("  header keys differing:", diff)
    # Every byte but the spec digest (and so the checksum) is the same.
    same = bb.replace(hb["spec_digest"].encode(), ha["spec_digest"].encode())[:-32] == ba[:-32]
    ok = pa == pb and diff == ["spec_digest"] and same
elif what == "same-predictions":
    ok = open(base + "/test_predictions.csv").read() == open(other + "/test_predictions.csv").read()
elif what == "same-metrics-but-importance":
    a, b = metrics(base), metrics(other)
    for m in (a, b):
        del m["permutation_importance"], m["model_digest"]
    ok = a == b and "metrics" in a
elif what == "other-importance":
    a, b = (metrics(d)["permutation_importance"] for d in (base, other))
    sa = {c["column"]: (c["mean"], c["std"]) for c in a["columns"]}
    sb = {c["column"]: (c["mean"], c["std"]) for c in b["columns"]}
    changed = [k for k in sa if sa[k] != sb.get(k)]
    print(f"  {len(changed)} of {len(sa)} columns' importance changed; baseline {a['baseline']} and {b['baseline']}")
    ok = sa.keys() == sb.keys() and len(sa) > 3 and changed and a["baseline"] == b["baseline"]
else:
    sys.exit(f"unknown comparison {what}")
sys.exit(0 if ok else 1)
PY
cmp_runs() { python3 "$TMP/compare.py" "$TMP/modelcert" "$TMP/$1" "$2"; }

check cmp_runs train same-test-rows -- "training.seed: the same test rows (the split does not use it)"
check cmp_runs train other-parameters -- "training.seed: another model"
check cmp_runs split other-test-rows -- "data.split.seed: other test rows"
check cmp_runs importance same-model-but-spec-digest -- "metrics.importance.seed: the same model (all but the spec digest in its header)"
check cmp_runs importance same-test-rows -- "metrics.importance.seed: the same test rows"
check cmp_runs importance same-predictions -- "metrics.importance.seed: the same test predictions"
check cmp_runs importance same-metrics-but-importance -- "metrics.importance.seed: the same metrics, slices and training figures"
check cmp_runs importance other-importance -- "metrics.importance.seed: another permutation importance"

finish
