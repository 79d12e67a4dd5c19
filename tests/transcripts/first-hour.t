The first hour on one's own data (issue 24): scikit-learn's diabetes data written to CSV,
and the specs a new user writes for it. `check` reads the data's header and the column
types of its first 1000 rows and reports every problem at once (docs/spec.md, "Checking a
spec against its data"). Run by `make test`.

  $ modelcert() { "$MODELCERT" "$@"; }

The data: scikit-learn's diabetes set (442 rows, unscaled), its target the disease
progression, 25 to 346. Debian's python3, where python3-sklearn is:

  $ /usr/bin/python3 - <<'PY'
  > from sklearn.datasets import load_diabetes
  > d = load_diabetes(scaled=False)
  > with open("diabetes.csv", "w") as f:
  >     f.write(",".join(d.feature_names + ["progression"]) + "\n")
  >     for row, y in zip(d.data, d.target):
  >         f.write(",".join("%g" % v for v in row) + ",%g\n" % y)
  > PY
  $ head -2 diabetes.csv
  age,sex,bmi,bp,s1,s2,s3,s4,s5,s6,progression
  59,2,32.1,101,157,93.2,38,4,4.8598,87,151

A first try, with five mistakes: a column spelled as in a paper (`Sex`), a step naming a
column an earlier step dropped, a binary loss on a target of 214 values, a regression metric
on a classification, and a slice column that the model also learns from (a warning). All of
them in one pass, each at its place in the spec, each with its fix:

  $ cat > try1.yaml <<'YAML'
  > apiVersion: modelcert/v1
  > kind: Pipeline
  > metadata:
  >   name: diabetes
  > data:
  >   source: diabetes.csv
  >   target: progression
  >   columns: {Sex: categorical}
  > preprocessing:
  >   - type: drop_columns
  >     columns: [s4]
  >   - type: standardize
  >     columns: [age, bmi, bp, s1, s2, s3, s4, s5, s6]
  > architecture:
  >   layers:
  >     - {type: dense, units: 16, activation: relu}
  >     - {type: dense, units: 1, activation: sigmoid}
  > training:
  >   loss: binary_crossentropy
  >   epochs: 10
  > metrics:
  >   compute: [accuracy, r2]
  >   slices:
  >     - {column: sex, min_size: 30}
  > YAML
  $ modelcert check try1.yaml
  try1.yaml:8:13: error: data.columns: column 'Sex' is not in the header of diabetes.csv (did you mean 'sex'?); the columns of the data: age, sex, bmi, bp, s1, s2, s3, s4, s5, s6, progression
  try1.yaml:13:41: error: preprocessing[1] (standardize): column 's4' is not in the data at this step: preprocessing[0] (drop_columns) drops it; move this step before it, or name the column as it is then
  try1.yaml:19:3: error: training.loss: binary_crossentropy needs exactly two classes, but the target 'progression' has 214 distinct values in diabetes.csv; for more classes use sparse_categorical_crossentropy with a softmax output of one unit per class, for a number to predict mse and a linear output
  try1.yaml:22:23: error: metrics.compute: r2 is a regression metric, but the loss binary_crossentropy makes this binary classification; the metrics of a classification: accuracy, precision, recall, f1, roc_auc, pr_auc, log_loss, confusion_matrix, permutation_importance
  try1.yaml:24:8: error: metrics.slices[0]: column 'sex' would reach the model as a feature, and the spec does not say so: drop it before the model (a drop_columns step), or say feature: true on the slice
  try1.yaml: 5 errors
  [2]

`--no-data` checks the spec alone, as before: only the metric is wrong there.

  $ modelcert check --no-data try1.yaml
  try1.yaml:22:23: error: metrics.compute: r2 is a regression metric, but the loss binary_crossentropy makes this binary classification; the metrics of a classification: accuracy, precision, recall, f1, roc_auc, pr_auc, log_loss, confusion_matrix, permutation_importance
  try1.yaml: 1 error
  [2]

The 214 values are scikit-learn's too (an independent count):

  $ /usr/bin/python3 -c 'from sklearn.datasets import load_diabetes; import numpy; print(len(numpy.unique(load_diabetes().target)))'
  214

A second try: a regression now, but the output layer is still the sigmoid of a classifier, so
the model could never predict a progression of 25 to 346. `check` says so from its sample of
the data, before any training; `validate` says the same from every row, and trains nothing:

  $ sed -e 's/columns: {Sex: categorical}/columns: {sex: categorical}/' \
  >     -e 's/    columns: \[s4\]/    columns: [sex]/' -e 's/, s4, s5/, s5/' \
  >     -e 's/binary_crossentropy/mse/' -e 's/\[accuracy, r2\]/[mse, r2]/' try1.yaml > try2.yaml
  $ modelcert check try2.yaml
  try2.yaml:17:31: error: architecture: the output layer's sigmoid lies between 0 and 1, but the target 'progression' ranges from 25 to 346 in diabetes.csv: the model can never predict it; use activation: linear (or scale the target into that range)
  try2.yaml: 1 error
  [2]
  $ export MODELCERT_AUDIT=audit.db
  $ modelcert validate -q try2.yaml -o gate2
  modelcert: try2.yaml:17:31: architecture: the output layer's sigmoid lies between 0 and 1, but the target 'progression' ranges from 25 to 346 in diabetes.csv: the model can never predict it; use activation: linear (or scale the target into that range)
  [2]
  $ test -e gate2 || echo "no run directory"
  no run directory

The range is the data's (independently):

  $ /usr/bin/python3 -c 'from sklearn.datasets import load_diabetes; t = load_diabetes().target; print("%g %g" % (t.min(), t.max()))'
  25 346

Keys that would mean nothing in a regression are errors, not silently ignored:

  $ sed 's/  compute: \[mse, r2\]/  compute: [mse, r2]\n  decision_threshold: 0.3/' try2.yaml > try2b.yaml
  $ modelcert check --no-data try2b.yaml
  try2b.yaml:23:3: error: metrics.decision_threshold: applies only to binary classification; the loss mse makes this a regression: remove it
  try2b.yaml: 1 error
  [2]

A third try: linear output, a threshold per sex. But the test split holds fewer than 50 rows
of each sex, so the slice rule judges no group at all: that is an error, not a pass.

  $ sed -e 's/activation: sigmoid/activation: linear/' -e 's/min_size: 30/min_size: 50/' try2.yaml > try3.yaml
  $ cat >> try3.yaml <<'YAML'
  > thresholds:
  >   slices:
  >     - {slice: sex, metric: r2, min: 0.1}
  > YAML
  $ modelcert check try3.yaml
  try3.yaml: ok (spec digest sha256:*) (glob)
  $ modelcert validate try3.yaml -o gate3 2>/dev/null
  validate try3.yaml
    WARN  data.pinned                                  diabetes.csv is not pinned: add data.sha256: * so the gate runs on exactly these bytes (glob)
    ERROR thresholds.slices.sex.r2.min_size            the rule judged nothing: all 2 groups of sex have fewer test rows than min_size 50: 1 \(\d\d\), 2 \(\d\d\) \(lower metrics.slices min_size, or give the test split more rows\) (re)
  verdict: ERROR (0 passed, 0 failed, 1 errors, 1 warnings, 0 skipped)
  run: gate3
  validation: gate3/validation.json
  audit: event 1 in audit.db
  [1]

The run's metrics.json agrees: two groups, both under 50 rows and not judged:

  $ /usr/bin/python3 -c 'import json; g = json.load(open("gate3/metrics.json"))["slices"]["sex"]["groups"]; print(len(g), all(x["count"] < 50 and x["skipped"] for x in g))'
  2 True

A fourth try: slices of at least 30 rows, no thresholds yet. The gate passes, with one
warning: the data is not pinned. `certify` does not release a validation with warnings
(issue 24): it names them, and releases only when told to accept them:

  $ sed -e 's/min_size: 50/min_size: 30/' -e '/^thresholds:/,$d' try3.yaml > try4.yaml
  $ modelcert validate -q try4.yaml -o gate4 2>/dev/null
  verdict: PASS (0 passed, 0 failed, 0 errors, 1 warnings, 0 skipped)
  $ modelcert keygen -o release > /dev/null
  $ modelcert certify gate4 --key release.key
  modelcert: gate4: the validation passed with 1 warning: data.pinned (diabetes.csv is not pinned: add data.sha256: * so the gate runs on exactly these bytes); certify releases a validation with warnings only with --accept-warnings (the certificate then lists them as warnedTests), else fix them and validate again (glob)
  [2]
  $ test -e gate4/release.intoto.jsonl || echo "no certificate"
  no certificate
  $ modelcert certify gate4 --key release.key --accept-warnings 2>/dev/null
  certified gate4: WARNED (0 passed, 1 warned), model sha256:* (glob)
    signature (model_signing): gate4/model.sig
    release certificate: gate4/release.intoto.jsonl
    ML-BOM (CycloneDX): gate4/bom.cdx.json sha256:* (glob)
    note: no model.onnx: export first if you deploy ONNX

The certify event records that warnings were accepted, and the certificate names them:

  $ modelcert audit log --kind certify --json | /usr/bin/python3 -c 'import json, sys; print(json.load(sys.stdin)[-1]["details"]["accepted_warnings"])'
  1
  $ sed -n 2p gate4/release.intoto.jsonl | /usr/bin/python3 -c 'import base64, json, sys; print(json.loads(base64.b64decode(json.load(sys.stdin)["payload"]))["predicate"]["warnedTests"])'
  ['data.pinned']

Editing the warning out of validation.json does not help: the trail's validate event vouches
for its bytes, and certify believes only those.

  $ /usr/bin/python3 - <<'PY'
  > import json
  > v = json.load(open("gate4/validation.json"))
  > for r in v["results"]:
  >     r["status"] = "pass"
  > v["counts"] = {"error": 0, "fail": 0, "pass": 1, "skipped": 0, "warn": 0}
  > json.dump(v, open("gate4/validation.json", "w"), indent=2)
  > PY
  $ modelcert certify gate4 --key release.key -o edited.jsonl
  modelcert: gate4/validation.json is not the file the validate event 2 recorded (sha256 *... on disk, *... recorded): changed after validation (glob)
  [2]

Pinned, the data warns no more, and the gate is certified without --accept-warnings:

  $ sed "s/^  target: progression$/  target: progression\n  sha256: $(sha256sum diabetes.csv | cut -c1-64)/" try4.yaml > try5.yaml
  $ modelcert validate -q try5.yaml -o gate5 2>/dev/null
  verdict: PASS (1 passed, 0 failed, 0 errors, 0 warnings, 0 skipped)
  $ modelcert certify gate5 --key release.key 2>/dev/null
  certified gate5: PASSED (1 passed, 0 warned), model sha256:* (glob)
    signature (model_signing): gate5/model.sig
    release certificate: gate5/release.intoto.jsonl
    ML-BOM (CycloneDX): gate5/bom.cdx.json sha256:* (glob)
    note: no model.onnx: export first if you deploy ONNX
