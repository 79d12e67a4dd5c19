#!/usr/bin/env bash
# Permutation importance on wide data: modelcert against scikit-learn's
# sklearn.inspection.permutation_importance, in one run, on the same data:
# 500 rows of C = 500, 2000 and 10000 numeric columns (seed 7), the label from
# two of them (f0, f1); standardize, Dense 128 relu, 64 relu, 1 sigmoid, Adam,
# binary cross-entropy, 2 epochs of batch 32, the first 80% of rows for
# training; permutation importance on the 100 test rows, 5 repeats, accuracy.
# Both tools use one BLAS thread. modelcert's figure is timings_s.evaluate
# (test predictions, metrics and the importance); the peer's is the
# permutation_importance call alone. A peer run over PEER_MAX_S seconds
# (default 600) is stopped and reported as not measured.
#
# usage: bench/importance_wide.sh [MODELCERT]
# needs: apt-get install -y python3-sklearn python3-pandas (for the peer; without
#        scikit-learn the peer is skipped)
set -euo pipefail
MC=${1:-build/cli/modelcert}
PY=${PY:-/usr/bin/python3}
SIZES=${SIZES:-500 2000 10000}
PEER_MAX_S=${PEER_MAX_S:-600}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/modelcert-impwide.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

HAVE_SK=1
if ! "$PY" -c "import sklearn, pandas, numpy" 2>/dev/null; then
    HAVE_SK=0
    echo "note: scikit-learn (or pandas) is missing for $PY; the peer is skipped." >&2
    echo "      apt-get install -y python3-sklearn python3-pandas" >&2
fi

# gen C OUT.csv: 500 rows, columns f0..f{C-1} at different scales and offsets
# (so standardisation matters), label = [z0 - z1 > 0] on the unscaled values.
gen() {
    "$PY" - "$1" "$2" <<'PY'
import random, sys
c, out = int(sys.argv[1]), sys.argv[2]
rng = random.Random(7)
scale = [rng.uniform(0.5, 50) for _ in range(c)]
shift = [rng.uniform(-10, 10) for _ in range(c)]
with open(out, "w") as f:
    f.write(",".join(f"f{j}" for j in range(c)) + ",label\n")
    for _ in range(500):
        z = [rng.gauss(0, 1) for _ in range(c)]
        f.write(",".join(f"{z[j] * scale[j] + shift[j]:.6g}" for j in range(c)))
        f.write(f",{int(z[0] - z[1] > 0)}\n")
PY
}

spec() { # C: writes $TMP/wide$C.yaml
    cat > "$TMP/wide$1.yaml" <<YAML
apiVersion: modelcert/v1
kind: Pipeline
metadata: {name: wide$1}
data:
  source: $TMP/wide$1.csv
  target: label
  split: {test_fraction: 0.2, shuffle: false}
preprocessing:
  - standardize
architecture:
  layers:
    - {type: dense, units: 128, activation: relu}
    - {type: dense, units: 64, activation: relu}
    - {type: dense, units: 1, activation: sigmoid}
training: {optimizer: adam, loss: binary_crossentropy, epochs: 2, batch_size: 32, seed: 0}
metrics:
  compute: [accuracy, permutation_importance]
  importance: {repeats: 5, seed: 0}
YAML
}

run_mc() { # C: prints "modelcert C imp_s total_s acc top"
    "$MC" run -q --threads 1 --audit "$TMP/a.db" -o "$TMP/run$1" "$TMP/wide$1.yaml" >/dev/null
    "$PY" - "$TMP/run$1" "$1" <<'PY'
import json, sys
r = json.load(open(sys.argv[1] + "/run.json"))
m = json.load(open(sys.argv[1] + "/metrics.json"))
top = ";".join(c["column"] for c in m["permutation_importance"]["columns"][:2])
print(f"modelcert {sys.argv[2]} imp_s={r['timings_s']['evaluate']:.3f} "
      f"total_s={r['timings_s']['total']:.3f} acc={m['metrics']['accuracy']:.4f} top={top}")
PY
}

run_sk() { # C: prints "sklearn C imp_s acc top", or why it was not measured
    local rc=0
    OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 timeout "$PEER_MAX_S" "$PY" - "$TMP/wide$1.csv" "$1" <<'PY' || rc=$?
import sys, time, warnings, numpy as np, pandas as pd
from sklearn.inspection import permutation_importance
from sklearn.neural_network import MLPClassifier
warnings.filterwarnings("ignore")
df = pd.read_csv(sys.argv[1])
y = df.pop("label").to_numpy()
X = df.to_numpy(np.float64)
n_train = len(X) - -(-len(X) // 5)                 # modelcert's split: ceil(0.2 n) test rows last
mean, std = X[:n_train].mean(0), X[:n_train].std(0)   # fitted on the training rows, as modelcert does
X = np.where(std > 0, (X - mean) / np.where(std > 0, std, 1), 0)
m = MLPClassifier(hidden_layer_sizes=(128, 64), solver="adam", batch_size=32, max_iter=2,
                  epsilon=1e-7, tol=0, n_iter_no_change=10**9, random_state=0, shuffle=True)
m.fit(X[:n_train], y[:n_train])
Xt, yt = X[n_train:], y[n_train:]
t0 = time.perf_counter()
pi = permutation_importance(m, Xt, yt, n_repeats=5, random_state=0)
t1 = time.perf_counter()
top = ";".join(df.columns[j] for j in np.argsort(-pi.importances_mean, kind="stable")[:2])
print(f"sklearn {sys.argv[2]} imp_s={t1 - t0:.3f} acc={m.score(Xt, yt):.4f} top={top}")
PY
    if [ "$rc" = 124 ]; then
        echo "sklearn $1 not measured: stopped after PEER_MAX_S = $PEER_MAX_S s"
    elif [ "$rc" != 0 ]; then
        echo "sklearn $1 not measured: failed with exit status $rc"
    fi
}

for c in $SIZES; do
    gen "$c" "$TMP/wide$c.csv"
    spec "$c"
    run_mc "$c"
    if [ "$HAVE_SK" = 1 ]; then
        run_sk "$c"
    else
        echo "sklearn $c not measured: scikit-learn missing"
    fi
done | tee "$TMP/results.txt"

"$PY" - "$TMP/results.txt" <<'PY'
import re, sys
rows = {}
for line in open(sys.argv[1]):
    tool, c, rest = line.split(" ", 2)
    why = rest.split(": ", 1)[1].strip() if rest.startswith("not measured") else ""
    rows.setdefault(int(c), {})[tool] = dict(re.findall(r"(\w+)=([\d.]+)", rest), why=why)
print()
print("| C | modelcert importance s | modelcert total s | sklearn importance s | sklearn / modelcert |")
print("|---|---|---|---|---|")
measured = []
for c in sorted(rows):
    mc, sk = rows[c]["modelcert"], rows[c].get("sklearn", {})
    if "imp_s" in sk:
        ratio = float(sk["imp_s"]) / float(mc["imp_s"])
        measured.append(c)
        print(f"| {c} | {mc['imp_s']} | {mc['total_s']} | {sk['imp_s']} | {ratio:.0f}x |")
    else:
        print(f"| {c} | {mc['imp_s']} | {mc['total_s']} | not measured ({sk.get('why', '')}) | — |")
print()
print("peer measured at C =", ", ".join(map(str, measured)) if measured else "none")
if measured:
    c = measured[-1]
    r = float(rows[c]["sklearn"]["imp_s"]) / float(rows[c]["modelcert"]["imp_s"])
    print(f"importance: sklearn / modelcert = {r:.0f}x at C = {c} (the largest measured)")
PY
