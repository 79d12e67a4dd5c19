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
# input that is not a column. `reproduce` of such a run repeats the inference from spec.json,
# the run directory's model.onnx and the data at 1 and 4 threads, and compares the recorded
# outputs bit for bit (its verdict in the audit trail); an altered model.onnx (against run.json,
# or against the spec's pin with run.json edited to match) or altered recorded predictions are
# refused with the reason. And membership inference on the ONNX model's own losses (each
# equal to the loss of PyTorch's output, the AUC scikit-learn's), reproduced as well. Every
# report format of such a run, checked by the reports and BOM tests' validators and for its
# content (metrics.json's values, model.onnx's sha256, no claim of a native model).
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

# reproduce: the inference repeated and compared bit for bit, at any thread count.
for m in binary multiclass regression; do
    for t in 1 4; do
        expect_exit 0 "reproduce the torch $m run at $t thread(s)" -- \
            "$MC" reproduce --threads "$t" "run_$m"
        for id in "ONNX model the spec pins" "inference, repeated twice, gave the same bits" \
            "metrics.json is what the re-run computes" "test_predictions.csv is what the re-run computes" \
            "run.json is what the re-run computes" "audit trail .* records this run"; do
            expect_grep out "PASS  .*$id" "  ... $id"
        done
        expect_grep out "verdict: REPRODUCED" "  ... reproduced"
    done
done
"$MC" audit log --json >events.json
check "$PY" - events.json "$(sha256sum torch_regression.onnx | cut -c1-64)" \
    -- "the audit trail holds both reproduce events of the regression run: its model's sha256, verdict pass" <<'PY'
import json, sys
events, sha = json.load(open(sys.argv[1])), sys.argv[2]
ours = [e for e in events if e["kind"] == "reproduce" and e["model_digest"] == sha]
assert [e["verdict"] for e in ours] == ["pass", "pass"], ours
assert all(e["details"]["counts"]["fail"] == 0 and e["details"]["run_dir"] == "run_regression"
           for e in ours), ours
PY
expect_exit 0 "reproduce --key: the certified run's signature covers every file read" -- \
    "$MC" reproduce --key k.pub run_binary
expect_grep out "PASS  .*is signed by" "  ... the signature checked first"
cp -a run_binary altered_model && cp torch_regression.onnx altered_model/model.onnx
expect_exit 1 "reproduce refuses a model.onnx that is not run.json's" -- "$MC" reproduce altered_model
expect_grep out "FAIL  altered_model/model.onnx has sha256 $(sha256sum torch_regression.onnx | cut -c1-64), but run.json records $(sha256sum torch_binary.onnx | cut -c1-64): the run directory was altered" "  ... naming both digests"
expect_grep out "verdict: NOT REPRODUCED" "  ... not reproduced"
"$PY" -c "import json,sys; p='altered_model/run.json'; r=json.load(open(p)); r['model']['digest']=sys.argv[1]; json.dump(r,open(p,'w'))" \
    "$(sha256sum torch_regression.onnx | cut -c1-64)"
expect_exit 1 "reproduce refuses a model.onnx that is not the spec's pin (run.json edited to match)" -- \
    "$MC" reproduce altered_model
expect_grep out "FAIL  altered_model/model.onnx has sha256 $(sha256sum torch_regression.onnx | cut -c1-64), but spec.json pins model.sha256 $(sha256sum torch_binary.onnx | cut -c1-64): the run directory was altered" "  ... naming the pin"
cp -a run_binary altered_preds
"$PY" -c "import sys; p='altered_preds/test_predictions.csv'; l=open(p).read().split('\n'); f=l[5].split(','); f[-1]=repr(float(f[-1])+1e-9); l[5]=','.join(f); open(p,'w').write('\n'.join(l))"
expect_exit 1 "reproduce refuses recorded predictions altered in one row by 1e-9" -- \
    "$MC" reproduce altered_preds
expect_grep out "FAIL  test_predictions.csv differs from the re-run at line 6: the recorded file was altered" "  ... naming the line"

# model.inputs is the tensor's column order: the normalised spec (spec.json, the spec digest)
# keeps it as written, so that the re-run feeds the columns in the same order.
sed 's/^  inputs: \[f1, f2, f3, f4, f5\]$/  inputs: [f2, f1, f3, f4, f5]/' binary.yaml > permuted.yaml
expect_exit 1 "a binary model fed f2 and f1 swapped: below its threshold" -- \
    "$MC" validate permuted.yaml -o run_permuted
check "$PY" -c "import json; i=json.load(open('run_permuted/spec.json'))['model']['inputs']; assert i==['f2','f1','f3','f4','f5'], i" \
    -- "  ... spec.json keeps model.inputs in the order written"
check test "$("$MC" check --digest permuted.yaml | cut -c1-64)" != "$("$MC" check --digest binary.yaml | cut -c1-64)" \
    -- "  ... and the spec digest tells the two orders apart"
expect_exit 0 "reproduce of the swapped-columns run" -- "$MC" reproduce run_permuted
expect_grep out "PASS  test_predictions.csv is what the re-run computes" "  ... the same predictions"

# check against the data: model.inputs are the tensor's columns (the text column segment that
# the model does not take is no error); each must be there after the steps, numeric, not the target.
expect_exit 0 "check of the model: specs against their data" -- "$MC" check binary.yaml permuted.yaml seed/onnx.yaml
sed 's/^  inputs: \[f1, f2, f3, f4, f5\]$/  inputs: [f2, segment, f9, yb, f4]/' binary.yaml > badinputs.yaml
expect_exit 2 "check of model.inputs naming a text column, a missing one and the target" -- "$MC" check badinputs.yaml
expect_grep err "badinputs.yaml:13:16: error: model.inputs: column 'segment' is text (not every value in data.csv is a number), and the model's \[N, F\] tensor takes numbers" "  ... the text column, at its place"
expect_grep err "badinputs.yaml:13:25: error: model.inputs: column 'f9' is not in the data after the preprocessing steps (did you mean 'f1'?)" "  ... the missing one, with the closest name"
expect_grep err "badinputs.yaml:13:29: error: model.inputs: column 'yb' is the target" "  ... the target"

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

# The reports of an ONNX model's run, in every format `report` offers, checked with the reports
# tests' own validators (tests/e2e/reports_check.py: JSON Schemas, junitparser, the model card's
# front matter; xmllint; the CycloneDX 1.6 schema as e2e_bom runs it) and for their content:
# metrics equal metrics.json's, model.onnx's sha256 named, no architecture, training,
# parameters, numerics or seed of modelcert's own claimed.
sed 's/^  compute: \[accuracy, f1, roc_auc\]$/  compute: [accuracy, f1, roc_auc, confusion_matrix]\n  slices:\n    - {column: segment, min_size: 10}/' binary.yaml > reports.yaml
printf '  slices:\n    - {slice: segment, metric: accuracy, min: 0.8, max_gap: 0.2}\n%s\n' \
    'privacy: {membership_inference: {max_auc: 0.9}}' >> reports.yaml
expect_exit 0 "validate --report-dir of the PyTorch model with slices and privacy" -- \
    "$MC" validate -q reports.yaml -o run_reports --report-dir rep
expect_exit 0 "certify it (the ML-BOM)" -- "$MC" certify run_reports --key k.pem
for f in json:validation.json junit:junit.xml markdown:report.md html:report.html \
    model-card:model_card.md cyclonedx:bom.cdx.json; do
    "$MC" report run_reports/validation.json --format "${f%%:*}" -o "rep-${f#*:}"
    want=rep/${f#*:}
    [ "${f%%:*}" = cyclonedx ] && want=run_reports/bom.cdx.json
    check cmp -s "rep-${f#*:}" "$want" -- "report --format ${f%%:*} gives the bytes validate (certify for the BOM) wrote"
done
CHECK="$SRC/tests/e2e/reports_check.py"
check "$PY" "$CHECK" schema "$SRC/reports/schema" run_reports -- \
    "validation.json, metrics.json and run.json of the ONNX run match the JSON Schemas"
check xmllint --noout rep/junit.xml -- "junit.xml is well-formed (xmllint)"
check "$PY" "$CHECK" junit rep/junit.xml run_reports/validation.json -- \
    "junit.xml: a suite per category, a case per check, the counts (junitparser)"
check "$PY" "$CHECK" card rep/model_card.md run_reports -- \
    "the model card's front matter: every test metric and slice group metrics.json's"
check "$PY" - run_reports rep "$(sha256sum torch_binary.onnx | cut -c1-64)" \
    -- "every format names model.onnx's sha256, gives metrics.json's values and claims no native model" <<'PY'
import json, re, sys, html
run, rep, sha = sys.argv[1:]
m = json.load(open(run + "/metrics.json"))
texts = {f: open(rep + "/" + f, encoding="utf-8").read()
         for f in ("validation.json", "report.md", "report.html", "model_card.md")}
texts["bom.cdx.json"] = open(run + "/bom.cdx.json").read()
for f, t in texts.items():
    assert sha in t, (f, "no model.onnx sha256")
    for claim in ("architecture\"", "\"layers", "optimizer", "epoch", "model.mcm", "parameters</th>",
                  "**Training**", "**Numerics**", "**Seed**", "modelArchitecture",
                  "feed-forward", "numerics</th>", "seed</th>"):
        assert claim not in t, (f, claim)
md = texts["report.md"]
assert "| model (model.onnx, ONNX, trained elsewhere) | %s |" % sha in md, "markdown artifacts"
page = html.unescape(texts["report.html"])
assert "model.onnx (ONNX, trained elsewhere: " in re.sub(r"<[^>]+>", "", page), "html model file"
# HTML metrics table: each test metric as metrics.json has it (4 significant digits)
rows = dict(re.findall(r"<tr><th>([a-z0-9_]+)</th><td class=\"num\">([^<]+)</td>", page))
for k, v in m["metrics"].items():
    if isinstance(v, (int, float)):
        assert rows.get(k) == "%.4g" % v, (k, rows.get(k), v)
# model card: the evaluation table and the pipeline tag of a classifier
card = texts["model_card.md"]
assert "pipeline_tag: tabular-classification" in card, "a binary model is a classifier"
assert "- **Model**: ONNX, trained elsewhere (torch\\_binary.onnx)" in card, "card model line"
for k, v in m["metrics"].items():
    if isinstance(v, (int, float)):
        assert re.search(r"\| %s \| %s \|" % (re.escape(k.replace("_", "\\_")), re.escape("%.4g" % v)), card), (k, v)
# validation.json's run record and the BOM: the ONNX file and its digest
v = json.loads(texts["validation.json"])
assert v["run"]["model"] == {"file": "model.onnx", "format": "onnx", "path": "torch_binary.onnx",
                             "digest": sha}, v["run"]["model"]
bom = json.loads(texts["bom.cdx.json"])
c = bom["components"][0]
assert c["hashes"] == [{"alg": "SHA-256", "content": sha}], c["hashes"]
props = {p["name"]: p["value"] for p in c["properties"]}
assert props["modelcert:file"] == "model.onnx" and "modelcert:numerics" not in props, props
assert c["modelCard"]["modelParameters"]["task"] == "binary classification"
perf = {(p["type"], p.get("slice")): float(p["value"]) for p in c["modelCard"]["quantitativeAnalysis"]["performanceMetrics"]}
assert perf[("accuracy", None)] == m["metrics"]["accuracy"], perf
for g in m["slices"]["segment"]["groups"]:
    key = ("accuracy", "segment=" + g["value"])
    assert perf[key] == g["metrics"]["accuracy"], (key, perf)
print("metrics", {k: round(x, 4) for k, x in m["metrics"].items() if isinstance(x, float)})
PY
cat "$TMP/out"
. "$(dirname "$0")/cdx_setup.sh"
if cdx_setup; then
    check "$PY" "$SRC/tests/e2e/bom_check.py" facts "$CDX_SCHEMAS" run_reports data.csv reports.yaml \
        -- "the ML-BOM is valid CycloneDX 1.6 and states the ONNX run's facts (bom_check.py)"
else
    failures=$((failures + 1))
fi
expect_exit 0 "reproduce the membership-inference run" -- "$MC" reproduce run_mia
expect_grep out "PASS  membership_losses.csv is what the re-run computes" "  ... the losses' sample recomputed bit for bit"
expect_grep out "PASS  .*privacy.membership_inference\|verdict: REPRODUCED" "  ... reproduced"
finish
