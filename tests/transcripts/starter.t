A first gate that is green (issue 24, item 4): every template `init` writes passes `check`
and its own `validate` (exit 0, no warning: the data is pinned as it is written), and the
comments say how to see the gate fail.

  $ modelcert() { "$MODELCERT" "$@"; }
  $ export MODELCERT_AUDIT=audit.db
  $ export MODELCERT_DP_SECRET=0123456789abcdef0123456789abcdef
  $ modelcert init --list
  binary      two classes (churn), slices by region and by age band
  multiclass  three classes (a plan), softmax, macro F1
  regression  a number (monthly spend), r2
  dp          DP-SGD training, its epsilon and a membership-inference attack checked (needs MODELCERT_DP_SECRET)
  privacy     personal data dropped and generalised, k-anonymity and a scan checked

Each template, written, checked and gated:

  $ for t in $(modelcert init --list | cut -d' ' -f1); do
  >   modelcert init -q --template "$t" "$t" &&
  >   modelcert check -q "$t/modelcert.yaml" &&
  >   modelcert validate -q "$t/modelcert.yaml" -o "$t/gate" | sed "s/^/$t: /" ||
  >   echo "$t: exit $?"
  > done
  binary: verdict: PASS (9 passed, 0 failed, 0 errors, 0 warnings, 0 skipped)
  multiclass: verdict: PASS (4 passed, 0 failed, 0 errors, 0 warnings, 0 skipped)
  regression: verdict: PASS (3 passed, 0 failed, 0 errors, 0 warnings, 0 skipped)
  dp: verdict: PASS (4 passed, 0 failed, 0 errors, 0 warnings, 0 skipped)
  privacy: verdict: PASS (13 passed, 0 failed, 0 errors, 0 warnings, 0 skipped)

A plain `init` is the binary template; what it prints, and the data it writes:

  $ modelcert init start
  wrote start/churn.csv
  wrote start/modelcert.yaml
  next: modelcert validate start/modelcert.yaml
  $ cmp start/churn.csv binary/churn.csv && cmp start/modelcert.yaml binary/modelcert.yaml && echo same
  same
  $ head -2 start/churn.csv
  age,income,tenure_months,monthly_charges,support_calls,region,churned
  [0-9]*,([0-9]+|NA),[0-9]+,[0-9.]+,[0-9]+,(north|south|east|west),[01] (re)
  $ wc -l < start/churn.csv
  801
  $ grep -c '^  sha256: [0-9a-f]\{64\} ' start/modelcert.yaml
  1
  $ sha256sum start/churn.csv | cut -c1-64 | xargs -I{} grep -c {} start/modelcert.yaml
  1

Its comments say how to see a failure; doing what they say fails the gate (exit 1):

  $ grep -n 'to see' start/modelcert.yaml
  *:thresholds:                      # to see the gate fail: accuracy {min: 0.95} (glob)
  *:    - {slice: region, metric: accuracy, max_gap: 0.30}   # or 0.10 to see it fail (glob)
  $ sed -i 's/accuracy: {min: 0.70}/accuracy: {min: 0.95}/' start/modelcert.yaml
  $ modelcert validate start/modelcert.yaml -o start/red > red.txt; echo "exit $?"
  exit 1
  $ grep FAIL red.txt | cut -d' ' -f1-6 | tr -s ' '
   FAIL thresholds.metrics.accuracy.min 
  verdict: FAIL (8 passed, 1 failed,

Without the DP secret, the dp starter is refused before any work, naming the variable:

  $ env -u MODELCERT_DP_SECRET "$MODELCERT" validate -q dp/modelcert.yaml -o dp/x 2>&1 |
  >   grep -o 'MODELCERT_DP_SECRET is not set'
  MODELCERT_DP_SECRET is not set

An unknown template is named with the known ones:

  $ modelcert init --template mystery m
  modelcert: no starter template 'mystery' (known: binary, multiclass, regression, dp, privacy)
  [2]
  $ test -e m || echo "nothing written"
  nothing written
