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
  try1.yaml:24:8: warning: metrics.slices[0]: column 'sex' reaches the model as a feature: the model learns from the groups it is judged on; if it should not, drop it with a drop_columns step (a slice reads the raw column, so it stays)
  try1.yaml: 4 errors
  [2]

`--no-data` checks the spec alone, as before: only the metric is wrong there.

  $ modelcert check --no-data try1.yaml
  try1.yaml:22:23: error: metrics.compute: r2 is a regression metric, but the loss binary_crossentropy makes this binary classification; the metrics of a classification: accuracy, precision, recall, f1, roc_auc, pr_auc, log_loss, confusion_matrix, permutation_importance
  try1.yaml: 1 error
  [2]

The 214 values are scikit-learn's too (an independent count):

  $ /usr/bin/python3 -c 'from sklearn.datasets import load_diabetes; import numpy; print(len(numpy.unique(load_diabetes().target)))'
  214
