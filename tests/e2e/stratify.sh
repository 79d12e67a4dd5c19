#!/usr/bin/env bash
# The stratified split end to end: with data.split.stratify true, each class's
# share of the test rows (test_predictions.csv) is its share of the data to
# within one row, exactly as the largest-remainder rule of docs/engine.md
# allots it, with and without shuffling, for a skewed multiclass and a
# skewed binary target. Without stratify, on data sorted by class, the test
# part is far from the data's proportions (which shows the check can tell).
# usage: stratify.sh MODELCERT SOURCE_DIR
set -u
MC=$1
SRC=$2
. "$(dirname "$0")/lib.sh"

# Skewed data, sorted by class, so that the unshuffled test part (the last rows) is one class.
python3 - "$TMP" <<'PY'
import random, sys
r = random.Random(5)
def write(path, counts):
    with open(path, "w") as f:
        f.write("x1,x2,y\n")
        for cls, n in counts:
            for _ in range(n):
                f.write(f"{r.uniform(-1, 1):.4f},{r.uniform(-1, 1):.4f},{cls}\n")
write(sys.argv[1] + "/multi.csv", [("alpha", 613), ("beta", 251), ("gamma", 137)])
write(sys.argv[1] + "/binary.csv", [("0", 871), ("1", 96)])
# alpha and gamma tie for the last test row (remainders 0.4 and 0.4)
write(sys.argv[1] + "/tie.csv", [("alpha", 92), ("beta", 1), ("gamma", 7)])
PY

# spec NAME DATA LOSS UNITS ACTIVATION SPLIT: a minimal pipeline with the given split
spec() {
    cat > "$TMP/$1.yaml" <<YAML
apiVersion: modelcert/v1
kind: Pipeline
metadata: {name: $1}
data:
  source: $2
  target: y
  columns: {y: categorical}
  split: $6
architecture: {layers: [{type: dense, units: $4, activation: $5}]}
training: {loss: $3, epochs: 1}
metrics: {compute: [accuracy]$([ "$3" = binary_crossentropy ] && echo ', positive_label: "1"')}
YAML
}
multi() { spec "$1" multi.csv sparse_categorical_crossentropy 3 softmax "$2"; }
binary() { spec "$1" binary.csv binary_crossentropy 1 sigmoid "$2"; }
multi m-strat "{test_fraction: 0.2, validation_fraction: 0.1, stratify: true}"
multi m-strat-shuffled "{test_fraction: 0.2, validation_fraction: 0.1, stratify: true, shuffle: true, seed: 3}"
multi m-plain "{test_fraction: 0.2, validation_fraction: 0.1}"
multi m-plain-shuffled "{test_fraction: 0.2, validation_fraction: 0.1, shuffle: true, seed: 3}"
binary b-strat "{test_fraction: 0.15, stratify: true}"
binary b-strat-shuffled "{test_fraction: 0.15, stratify: true, shuffle: true, seed: 11}"
binary b-plain "{test_fraction: 0.15}"
spec tie tie.csv sparse_categorical_crossentropy 3 softmax "{test_fraction: 0.2, stratify: true}"

# proportions.py DATA RUN_DIR TEST_FRACTION MODE: MODE is "stratified" (each class's
# test rows within one of its share, and the documented allotment exactly), "within"
# (within one of its share) or "skewed" (some class off by more than one row).
cat > "$TMP/proportions.py" <<'PY'
import csv, math, sys
data, run, frac, mode = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4]
labels = [r["y"] for r in csv.DictReader(open(data))]
classes = sorted(set(labels))
n = len(labels)
total = {c: labels.count(c) for c in classes}
test = list(csv.DictReader(open(run + "/test_predictions.csv")))
# Every test row's actual class is the data's class for that row.
wrong = [r["row"] for r in test if r["actual"] != labels[int(r["row"]) - 1]]
if wrong:
    sys.exit(f"  rows whose actual is not the data's: {wrong[:5]}")
rows = [int(r["row"]) for r in test]
if len(set(rows)) != len(rows) or rows != sorted(rows):
    sys.exit("  test rows repeated or out of file order")
n_test = len(test)
if n_test != math.ceil(frac * n - 1e-9):
    sys.exit(f"  {n_test} test rows, expected ceil({frac} x {n})")
got = {c: sum(r["actual"] == c for r in test) for c in classes}
want = {c: n_test * total[c] / n for c in classes}
# The largest-remainder allotment (docs/engine.md, The split).
allot = {c: n_test * total[c] // n for c in classes}
left = n_test - sum(allot.values())
for c in sorted(classes, key=lambda c: (-(n_test * total[c] % n), classes.index(c)))[:left]:
    allot[c] += 1
print("  " + ", ".join(f"{c}: {got[c]} test rows (share {want[c]:.2f}, allotted {allot[c]})" for c in classes))
within = all(abs(got[c] - want[c]) < 1 for c in classes)
ok = {"stratified": within and got == allot, "within": within, "skewed": not within}[mode]
sys.exit(0 if ok else 1)
PY
props() { python3 "$TMP/proportions.py" "$TMP/$1" "$TMP/run-$2" "$3" "$4"; }

for s in m-strat m-strat-shuffled m-plain m-plain-shuffled b-strat b-strat-shuffled b-plain tie; do
    expect_exit 0 "run $s" -- "$MC" run -q --audit "$TMP/audit.db" "$TMP/$s.yaml" -o "$TMP/run-$s"
done
check props multi.csv m-strat 0.2 stratified -- "multiclass, stratified: test classes within one row of their share, as allotted by docs/engine.md"
check props multi.csv m-strat-shuffled 0.2 stratified -- "multiclass, stratified and shuffled: test classes within one row of their share, as allotted by docs/engine.md"
check props multi.csv m-plain 0.2 skewed -- "multiclass, not stratified, sorted data: the test rows are out of proportion"
check props binary.csv b-strat 0.15 stratified -- "binary, stratified: test classes within one row of their share, as allotted by docs/engine.md"
check props binary.csv b-strat-shuffled 0.15 stratified -- "binary, stratified and shuffled: test classes within one row of their share, as allotted by docs/engine.md"
check props binary.csv b-plain 0.15 skewed -- "binary, not stratified, sorted data: the test rows are out of proportion"
# Two classes tie for the last row: docs/engine.md gives it to the earlier class (alpha 19,
# gamma 1). Remainders compared as doubles once gave it to gamma (18, 2).
check props tie.csv tie 0.2 stratified -- "stratified with tied remainders: the earlier class gets the last row"
check python3 -c "import json,sys; s=json.load(open(sys.argv[1]))['split']; sys.exit(0 if s == {'training': 699, 'validation': 101, 'test': 201} else 1)" "$TMP/run-m-strat/run.json" -- "multiclass, stratified: run.json records the part sizes"
# A shuffled split without stratify is whatever the shuffle gives; it still has the right size and rows.
check python3 - "$TMP/multi.csv" "$TMP/run-m-plain-shuffled" <<'PY' -- "multiclass, shuffled, not stratified: 201 test rows, every class present"
import csv, sys
test = list(csv.DictReader(open(sys.argv[2] + "/test_predictions.csv")))
sys.exit(0 if len(test) == 201 and len({r["actual"] for r in test}) == 3 else 1)
PY

finish
