#!/usr/bin/env bash
# Gating an ONNX model trained elsewhere (docs/onnx.md "Gating an ONNX model"): the spec's
# model: names models trained and exported by Debian's PyTorch (tests/e2e/onnx_gate_models.py:
# binary with BatchNormalization and Dropout, multiclass with logits out, regression) and by
# modelcert's own export; `validate` runs them with modelcert's interpreter and passes or fails
# as the thresholds say. The figures are judged against an independent computation: every test
# row's probability or prediction equals PyTorch's own within 1e-6, and each metric equals
# scikit-learn's on PyTorch's outputs for the test rows. Then certify binds the metrics to the
# ONNX file's digest and verify checks it; and the refusals, each with its reason: a model
# whose bytes are not the pinned sha256, a spec with both model: and architecture:, `run` of
# such a spec, scores that are not probabilities, an output too wide for the task, a graph
# input that is not a column, reproduce of such a run. And membership inference on the ONNX
# model's own losses (each equal to the loss of PyTorch's output, the AUC scikit-learn's).
# usage: onnx_gate.sh MODELCERT SOURCE_DIR
set -u
MC=$1
SRC=$2
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3 # Debian's, with python3-torch and python3-sklearn
cd "$TMP" || exit 2
expect_exit 0 "PyTorch trains and exports three MLPs" -- "$PY" "$SRC/tests/e2e/onnx_gate_models.py" .
DATA_SHA=$(sha256sum data.csv | cut -c1-64)
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out k.pem 2>/dev/null
chmod 600 k.pem
openssl pkey -in k.pem -pubout -out k.pub 2>/dev/null

# spec NAME TARGET TASK METRICS THRESHOLDS [EXTRA MODEL LINES]: NAME.yaml gating torch_NAME.onnx
spec() {
    local name=$1 target=$2 task=$3 metrics=$4 thresholds=$5 extra=${6:-}
    cat >"$name.yaml" <<YAML
apiVersion: modelcert/v1
kind: Pipeline
metadata: {name: torch-$name}
data:
  source: data.csv
  sha256: $DATA_SHA
  target: $target
  split: {test_fraction: 0.25, seed: 3}
model:
  source: torch_${name%%_*}.onnx
  sha256: $(sha256sum "torch_${name%%_*}.onnx" | cut -c1-64)
  task: $task
  inputs: [f1, f2, f3, f4, f5]
$extra
metrics:
  compute: [$metrics]
thresholds:
  metrics:
$thresholds
YAML
}

# judge NAME RUN_DIR: modelcert's test rows against PyTorch's outputs and scikit-learn's metrics
judge() {
    check "$PY" - "torch_$1.csv" "$2/test_predictions.csv" "$2/metrics.json" data.csv "$1" \
        -- "$1: every test row equals PyTorch's output within 1e-6, every metric sklearn's" <<'PY'
import csv, json, sys
import numpy as np
from sklearn import metrics as M
torch_csv, preds, mjson, data, name = sys.argv[1:]
ref = {int(r["row"]): r for r in csv.DictReader(open(torch_csv))}
rows = list(csv.DictReader(open(preds)))
got = json.load(open(mjson))["metrics"]
assert len(rows) == 150, len(rows)
cols = [c for c in rows[0] if c.startswith("p_") or c == "prediction" and name == "regression"]
worst = max(abs(float(r[c]) - float(ref[int(r["row"])][c])) for r in rows for c in cols)
assert worst <= 1e-6, worst
dat = list(csv.DictReader(open(data)))
ids = [int(r["row"]) for r in rows]
if name == "regression":
    y = np.array([float(dat[i - 1]["yr"]) for i in ids])
    p = np.array([float(ref[i]["prediction"]) for i in ids])
    want = {"mse": M.mean_squared_error(y, p), "mae": M.mean_absolute_error(y, p),
            "r2": M.r2_score(y, p)}
elif name == "binary":
    y = np.array([int(dat[i - 1]["yb"]) for i in ids])
    p = np.array([float(ref[i]["p_1"]) for i in ids])
    want = {"accuracy": M.accuracy_score(y, p > 0.5), "roc_auc": M.roc_auc_score(y, p),
            "f1": M.f1_score(y, p > 0.5)}
else:
    y = np.array([int(dat[i - 1]["ym"]) for i in ids])
    p = np.array([[float(ref[i]["p_%d" % k]) for k in range(3)] for i in ids])
    want = {"accuracy": M.accuracy_score(y, p.argmax(axis=1)),
            "f1": M.f1_score(y, p.argmax(axis=1), average="macro")}
for k, v in want.items():
    assert abs(got[k] - v) <= 1e-6 * max(1.0, abs(v)), (k, got[k], v)
print("worst row difference %.3g; metrics %s" % (worst, {k: round(v, 6) for k, v in want.items()}))
PY
    cat "$TMP/out"
}

# Pass and fail as the thresholds say, for each model.
spec binary yb binary "accuracy, f1, roc_auc" "    accuracy: {min: 0.85}
    roc_auc: {min: 0.9}"
spec binary_strict yb binary "accuracy, f1, roc_auc" "    accuracy: {min: 0.999}"
spec multiclass ym multiclass "accuracy, f1" "    accuracy: {min: 0.8}" "  scores: logit"
spec multiclass_strict ym multiclass "accuracy, f1" "    accuracy: {min: 0.999}" "  scores: logit"
spec regression yr regression "mse, mae, r2" "    r2: {min: 0.8}"
spec regression_strict yr regression "mse, mae, r2" "    mse: {max: 0.0001}"
for m in binary multiclass regression; do
    expect_exit 0 "torch $m: validate passes its thresholds" -- "$MC" validate "$m.yaml" -o "run_$m"
    expect_grep out "PASS  reproducibility.inference" "  ... inference run twice gives the same bits"
    judge "$m" "run_$m"
    expect_exit 1 "torch $m: validate fails a threshold it cannot meet" -- \
        "$MC" validate "${m}_strict.yaml" -o "run_${m}_strict"
    expect_grep out "FAIL  thresholds.metrics" "  ... the threshold's result fails"
done
check cmp -s run_binary/model.onnx torch_binary.onnx -- "the run directory holds model.onnx, the very file"
check "$PY" -c "import json,sys; r=json.load(open('run_binary/run.json')); assert r['mode']=='model' and r['model']=={'file':'model.onnx','format':'onnx','path':'torch_binary.onnx','digest':sys.argv[1]}, r['model']" \
    "$(sha256sum torch_binary.onnx | cut -c1-64)" -- "run.json names the model and its sha256"

# Certify binds the metrics to the ONNX file's digest; verify checks it.
expect_exit 0 "certify the binary model's run" -- "$MC" certify run_binary --key k.pem
expect_grep out "model.onnx sha256:$(sha256sum torch_binary.onnx | cut -c1-64)" "  ... names model.onnx and its sha256"
check "$PY" -c "import base64,json,sys; sts=[json.loads(base64.b64decode(json.loads(l)['payload'])) for l in open('run_binary/release.intoto.jsonl')]; assert len(sts)==2 and all(s['subject'][0]=={'name':'model.onnx','digest':{'sha256':sys.argv[1]},'annotations':{'format':'onnx'}} and [x['name'] for x in s['subject'][1:]]==['bom.cdx.json'] for s in sts), sts[0]['subject']" \
    "$(sha256sum torch_binary.onnx | cut -c1-64)" -- "  ... both statements' subject is model.onnx with its sha256 (and the ML-BOM)"
expect_exit 0 "verify --certificate" -- "$MC" verify run_binary --key k.pub --certificate run_binary/release.intoto.jsonl
cp -a run_binary flipped && "$PY" -c "import sys; p=sys.argv[1]; b=bytearray(open(p,'rb').read()); b[len(b)//2]^=1; open(p,'wb').write(bytes(b))" flipped/model.onnx
expect_exit 1 "verify catches a flipped byte in the certified model.onnx" -- \
    "$MC" verify flipped --key k.pub --certificate flipped/release.intoto.jsonl
expect_grep err "model.onnx" "  ... naming it"

# modelcert's own export gated as an external model: the raw columns by name.
mkdir seed && cp "$SRC/examples/seed/data.csv" "$SRC/examples/seed/modelcert.yaml" seed/
expect_exit 0 "validate the seed example natively, export it" -- \
    sh -c "'$MC' validate -q seed/modelcert.yaml -o native && '$MC' export native --format onnx"
cp native/model.onnx seed/model.onnx
"$PY" - seed/modelcert.yaml "$(sha256sum seed/model.onnx | cut -c1-64)" > seed/onnx.yaml <<'PY'
import sys
out, skip = [], False
for line in open(sys.argv[1]):
    if line[:1] not in (" ", "#", "\n", "-"):
        skip = line.startswith(("architecture:", "training:", "reproducibility:"))
        if line.startswith("architecture:"):
            out.append("model:\n  source: model.onnx\n  sha256: %s\n  task: binary\n"
                       % sys.argv[2])
    if not skip:
        out.append(line)
print("".join(out), end="")
PY
expect_exit 0 "validate the seed's own ONNX export through model: (inputs by column name)" -- \
    "$MC" validate seed/onnx.yaml -o external
check "$PY" -c "import json; a=json.load(open('native/metrics.json'))['metrics']; b=json.load(open('external/metrics.json'))['metrics']; assert a['accuracy']==b['accuracy'] and abs(a['roc_auc']-b['roc_auc'])<1e-6, (a,b)" \
    -- "  ... the same accuracy and roc_auc as the native run on the same test rows"

# Refusals, each with its reason.
"$PY" -c "import sys; s=open('binary.yaml').read(); m=s.index('model:'); i=s.index('sha256: ', m)+8; open('tampered.yaml','w').write(s[:i]+'0'*64+s[i+64:])"
expect_exit 2 "a model whose bytes are not the pinned sha256" -- "$MC" validate tampered.yaml -o t1
expect_grep err "model.sha256: .*torch_binary.onnx has sha256 .*not the pinned 0000" "  ... says so, naming the file"
{ cat binary.yaml; printf 'architecture:\n  layers: [{type: dense, units: 1, activation: sigmoid}]\n'; } > both.yaml
expect_exit 2 "a spec with model: and architecture:" -- "$MC" validate both.yaml -o t2
expect_grep err "architecture: the spec gates the ONNX model of model.source, which replaces architecture and training" "  ... says which to remove"
expect_exit 2 "explain on the run of an ONNX model" -- "$MC" explain run_binary data.csv
expect_grep err "run_binary gated an ONNX model (the spec's model:); explain computes attributions through modelcert's own network" \
    "  ... says it explains modelcert's own networks only"
expect_exit 2 "run of a model: spec" -- "$MC" run binary.yaml -o t3
expect_grep err "there is nothing to train: use .modelcert validate." "  ... says to validate it"
sed 's/^  scores: logit$/  scores: probability/' multiclass.yaml > noprob.yaml
expect_exit 2 "logits declared as probabilities" -- "$MC" validate noprob.yaml -o t4
expect_grep err "not probabilities (set model.scores: logit or log_probability)" "  ... says so, with the row"
sed 's/^  task: binary$/  task: multiclass/; s/^  target: yb$/  target: ym/' binary.yaml > wide.yaml
expect_exit 2 "a binary model's one output gated as a 3-class model" -- "$MC" validate wide.yaml -o t5
expect_grep err "the output has 1 values a row; a multiclass model.task needs 3" "  ... names the widths"
sed '/^  inputs:/d' binary.yaml > noinputs.yaml
expect_exit 2 "a [N, F] graph input without model.inputs" -- "$MC" validate noinputs.yaml -o t6
expect_grep err "the graph's input 'x' is not a column of .*name the columns of its \[N, F\] tensor in order with model.inputs" "  ... says to name them"
expect_exit 2 "reproduce of a model: run" -- "$MC" reproduce run_binary
expect_grep err "gated an ONNX model trained elsewhere (the spec's model:): there is no training to reproduce" "  ... says why"

# Membership inference: the ONNX model's own losses on a sample of training and held-out rows.
{ cat binary.yaml; printf 'privacy:\n  membership_inference: {max_auc: 0.9}\n'; } > mia.yaml
expect_exit 0 "privacy.membership_inference of the PyTorch model" -- "$MC" validate mia.yaml -o run_mia
expect_grep out "PASS  privacy.membership_inference.auc" "  ... the attack's result"
check "$PY" - run_mia torch_binary.csv data.csv -- "  ... each loss is PyTorch's within 1e-5, the AUC sklearn's on them" <<'PY'
import csv, json, math, sys
from sklearn.metrics import roc_auc_score
run, ref_csv, data = sys.argv[1:]
p = {int(r["row"]): float(r["p_1"]) for r in csv.DictReader(open(ref_csv))}
y = [int(r["yb"]) for r in csv.DictReader(open(data))]
rows = list(csv.DictReader(open(run + "/membership_losses.csv")))
assert len(rows) >= 400, len(rows)
worst = 0.0
for r in rows:
    i = int(r["row"])
    q = p[i] if y[i - 1] == 1 else 1.0 - p[i]
    q = min(max(q, 1e-7), 1 - 1e-7)
    worst = max(worst, abs(-math.log(q) - float(r["loss"])))
assert worst <= 1e-5, worst
auc = roc_auc_score([1 - int(r["member"]) for r in rows], [float(r["loss"]) for r in rows])
res = [x for x in json.load(open(run + "/validation.json"))["results"]
       if x["id"] == "privacy.membership_inference.auc"][0]
assert abs(res["measured"] - auc) <= 1e-9, (res["measured"], auc)
print("%d rows, worst loss difference %.2g, AUC %.6f" % (len(rows), worst, auc))
PY
cat "$TMP/out"
finish
