Numeric slices (issue 24, item 3): groups of a numeric column by given edges (bins) or by
quantiles fitted on the training rows, their edges kept in metrics.json, the slice rules
judged per group, and every group's metrics recomputed independently, by numpy and
scikit-learn from the data and the run's test_predictions.csv (tests/e2e/slices_check.py).

  $ modelcert() { "$MODELCERT" "$@"; }
  $ PY=/usr/bin/python3 # Debian's, with python3-numpy and python3-sklearn
  $ export MODELCERT_AUDIT=audit.db
  $ modelcert init -q .
  $ cat > slices.yaml <<'YAML'
  > apiVersion: modelcert/v1
  > kind: Pipeline
  > metadata: {name: churn-slices}
  > data:
  >   source: churn.csv
  >   target: churned
  >   columns: {region: categorical}
  >   split: {test_fraction: 0.25, shuffle: true, stratify: true, seed: 7}
  > preprocessing:
  >   - dropna
  >   - {type: one_hot, columns: [region], handle_unknown: ignore}
  >   - {type: drop_columns, columns: [income]}
  >   - standardize
  > architecture:
  >   layers:
  >     - {type: dense, units: 16, activation: relu}
  >     - {type: dense, units: 1, activation: sigmoid}
  > training:
  >   optimizer: {type: adam, learning_rate: 0.01}
  >   loss: binary_crossentropy
  >   epochs: 10
  >   batch_size: 32
  >   seed: 42
  >   numerics: reference
  > metrics:
  >   compute: [accuracy, f1, roc_auc]
  >   positive_label: "1"
  >   slices:
  >     - {column: age, bins: [30, 45, 60], min_size: 43, feature: true}
  >     - {column: income, quantiles: 4}
  > thresholds:
  >   slices:
  >     - {slice: age, metric: accuracy, min: 0.7}
  >     - {slice: income, metric: accuracy, max_gap: 0.25}
  > reproducibility: {runs: 1, mode: bitwise}
  > YAML

The gate judges each age band (a band with fewer than min_size test rows is skipped; one
with exactly min_size is judged) and the largest gap between income quartiles. The re-run
fits the same quartiles: its metrics.json is the same.

  $ modelcert validate slices.yaml -o gate > gate.txt; echo "exit $?"
  exit 0
  $ grep -e 'thresholds.slices' -e verdict gate.txt | cut -c1-50 | sed 's/ *$//'
    PASS  thresholds.slices.age=[30,45).accuracy
    PASS  thresholds.slices.age=[45,60).accuracy
    PASS  thresholds.slices.age=>=60.accuracy
    WARN  thresholds.slices.age.accuracy.min_size
    PASS  thresholds.slices.income.accuracy.max_gap
  verdict: PASS (5 passed, 0 failed, 0 errors, 2 war
  $ $PY -c "import json; s = json.load(open('gate/metrics.json'))['slices']
  > print(s['age']['edges'], [g['value'] for g in s['age']['groups']])
  > print(s['income']['quantiles'], len(s['income']['edges']), s['income']['groups'][0]['value'][0])"
  [30, 45, 60] ['<30', '[30,45)', '[45,60)', '>=60']
  4 3 <

numpy's quantiles of the training rows, np.digitize's left-closed bins, scikit-learn's
metrics per group:

  $ $PY "$SRC/tests/e2e/slices_check.py" churn.csv gate age=30,45,60 income=q4
  age <30: 36 rows (skipped)
  age [30,45): 43 rows
  age [45,60): 57 rows
  age >=60: 56 rows
  income <*: * rows (glob)
  income [*,*): * rows (glob)
  income [*,*): * rows (glob)
  income >=*: * rows (glob)
  independent check: ok

The check fails when the groups differ (here, other edges than the run's):

  $ $PY "$SRC/tests/e2e/slices_check.py" churn.csv gate age=30,45 | tail -1
  independent check: 2 failures

The spec is checked: edges strictly increasing and finite, bins or quantiles (not both),
at the place they are written; against the data, bins need a numeric column.

  $ sed -e 's/bins: \[30, 45, 60\]/bins: [30, 60, 45]/' -e 's/quantiles: 4}/quantiles: 4, bins: [1]}/' \
  >   slices.yaml > bad.yaml
  $ modelcert check bad.yaml
  bad.yaml:29:36: error: metrics.slices[0].bins: the edges must be strictly increasing, but 45 follows 60
  bad.yaml:30:24: error: metrics.slices[1]: give bins (edges) or quantiles, not both
  bad.yaml: 2 errors
  [2]
  $ sed 's/bins: \[30, 45, 60\]/bins: [30, .nan]/' slices.yaml > nan.yaml
  $ modelcert check nan.yaml
  nan.yaml:29:32: error: metrics.slices[0].bins[1]: must be a finite number, got '.nan'
  nan.yaml: 1 error
  [2]
  $ sed '/column: income, quantiles/a\    - {column: region, quantiles: 4}' slices.yaml > cat.yaml
  $ modelcert run -q cat.yaml -o cat
  modelcert: cat.yaml:31:24: metrics.slices: quantiles need a numeric column, but 'region' is categorical (slice it without bins)
  [2]

Quantile edges are numpy's "linear" interpolation, which overflows between finite values of
opposite sign beyond 8.9e307: such edges are refused at the rule, never used. Here the first
30 rows train (no shuffle), 15 at -1.7e308 and 15 at 1.7e308, so the median falls between
the two:

  $ $PY -c "print('x,income,churned')
  > for i in range(40): print(i, ('-1.7e308', '1.7e308', '0')[min(i // 15, 2)], i % 2, sep=',')" > huge.csv
  $ cat > huge.yaml <<'YAML'
  > apiVersion: modelcert/v1
  > kind: Pipeline
  > metadata: {name: huge}
  > data:
  >   source: huge.csv
  >   target: churned
  >   split: {test_fraction: 0.25, shuffle: false}
  > preprocessing:
  >   - {type: drop_columns, columns: [income]}
  > architecture:
  >   layers: [{type: dense, units: 1, activation: sigmoid}]
  > training: {loss: binary_crossentropy, epochs: 1, seed: 1}
  > metrics:
  >   compute: [accuracy]
  >   positive_label: "1"
  >   slices: [{column: income, quantiles: 4}]
  > YAML
  $ modelcert run -q huge.yaml -o huge
  modelcert: huge.yaml:16:29: metrics.slices: the 4-quantile edges of column 'income' overflow (its training values reach -1.7e+308 and 1.7e+308): give bins instead
  [2]
  $ sed 's/quantiles: 4/bins: [0]/' huge.yaml > huge-bins.yaml
  $ modelcert run -q huge-bins.yaml -o huge-bins; echo "exit $?"
  huge-bins
  exit 0

A slice column is not a model feature unless the spec says so: age without feature: true
(standardize would make it one) is refused; income, dropped before the model, is not a
feature and needs nothing.

  $ sed 's/, feature: true}/}/' slices.yaml > implicit.yaml
  $ modelcert run -q implicit.yaml -o implicit
  modelcert: implicit.yaml:29:8: metrics.slices[0]: column 'age' would reach the model as a feature, and the spec does not say so: drop it before the model (a drop_columns step), or say feature: true on the slice
  [2]
