The transcript of docs/explanations.md: the seed example's most and least confident test rows
explained, by Integrated Gradients and by exact Shapley values, each adding up.

  $ modelcert() { "$MODELCERT" "$@"; }
  $ cp -R "$SRC/examples/seed" .
  $ export MODELCERT_AUDIT=audit.db
  $ modelcert run --numerics reference -q seed/modelcert.yaml -o seed-run
  seed-run

The test rows the model is most and least sure of (the probability furthest from and closest
to the 0.5 threshold), taken from the data file by their row number:

  $ python3 - <<'PY'
  > import csv
  > preds = list(csv.DictReader(open("seed-run/test_predictions.csv")))
  > by = sorted(preds, key=lambda r: abs(float(r["p_1"]) - 0.5))
  > least, most = by[0], by[-1]
  > lines = open("seed/data.csv").read().splitlines()
  > open("two.csv", "w").write("\n".join([lines[0], lines[int(most["row"])], lines[int(least["row"])]]) + "\n")
  > for name, r in (("most", most), ("least", least)):
  >     print(f"{name} confident: data row {r['row']}, actual {r['actual']}, p_1 {float(r['p_1']):.4f}")
  > PY
  most confident: data row 2556, actual 0, p_1 0.0000
  least confident: data row 2591, actual 1, p_1 0.4937
  $ modelcert explain seed-run two.csv -o ig.csv
  explain: 2 rows explained (ig)
    background: the 2314 training rows of seed-run; baseline: their mean features
    largest completeness gap: 1.89e-09 (data row 1)
    grid: at most 356 steps; tolerance 1e-06 relative
  $ head -1 ig.csv
  row,prediction,baseline,attr_f01,attr_f02,attr_f03,attr_f04,attr_f05,attr_f06,attr_f07,attr_f08,attr_f09,attr_f10,attr_f11,attr_f12,gap,steps,converged

Each row: the prediction, the baseline (the model's output at the training rows' mean
features), the three columns that moved it most, and the check that the attributions add up
to prediction - baseline:

  $ cat > show.py <<'PY'
  > import csv, sys
  > for r in csv.DictReader(open(sys.argv[1])):
  >     attr = {k[5:]: float(v) for k, v in r.items() if k.startswith("attr_")}
  >     top = sorted(attr, key=lambda k: -abs(attr[k]))[:3]
  >     p, b = float(r["prediction"]), float(r["baseline"])
  >     print(f"row {r['row']}: prediction {p:.4f}, baseline {b:.4f}, difference {p - b:+.4f}")
  >     print("  " + ", ".join(f"{k} {attr[k]:+.4f}" for k in top))
  >     print(f"  sum of the 12 attributions {sum(attr.values()):+.4f}, gap {float(r['gap']):.0e}")
  > PY
  $ python3 show.py ig.csv
  row 1: prediction 0.0000, baseline 0.3893, difference -0.3893
    f01 -0.1358, f04 -0.1136, f10 -0.0621
    sum of the 12 attributions -0.3893, gap 2e-09
  row 2: prediction 0.4937, baseline 0.3893, difference +0.1044
    f07 -2.0872, f01 +1.6303, f10 +0.6788
    sum of the 12 attributions +0.1044, gap 6e-16

Exact Shapley values (all 4,096 coalitions of the 12 columns) over 20 training rows spread
evenly: another baseline (the mean output over those rows), the same story:

  $ modelcert explain seed-run two.csv --method shapley --background-size 20 -o shap.csv
  explain: 2 rows explained (shapley)
    background: the 2314 training rows of seed-run; 20 in the sample
    largest completeness gap: 2.78e-16 (data row 1)
  $ python3 show.py shap.csv
  row 1: prediction 0.0000, baseline 0.4698, difference -0.4698
    f01 -0.1563, f04 -0.1147, f10 -0.1142
    sum of the 12 attributions -0.4698, gap 3e-16
  row 2: prediction 0.4937, baseline 0.4698, difference +0.0239
    f01 +0.3356, f07 -0.3291, f10 +0.1133
    sum of the 12 attributions +0.0239, gap 2e-16

A misspelled column is named with the closest header name; a NaN cell with its line:

  $ sed '1s/f07/f7/' two.csv > typo.csv
  $ modelcert explain seed-run typo.csv
  modelcert: typo.csv:1:1: column 'f07', an input of the model, is not in the header (did you mean 'f7'?)
  [2]
  $ sed '3s/^[^,]*,/nan,/' two.csv > nan.csv
  $ modelcert explain seed-run nan.csv
  modelcert: nan.csv:3:1: column 'f01': 'nan' is not a finite number (NaN and infinity are not allowed in data; list the text in data.missing_values to treat it as missing)
  [2]

Robustness: the same model's accuracy on its test rows when the numeric columns are a little
wrong, Gaussian noise and FGSM and PGD perturbations at strengths in units of each column's
training standard deviation, judged by the gate. The seed spec without its reproducibility
re-run, with a robustness section and two rules:

  $ sed '/^reproducibility:/,$d' seed/modelcert.yaml > seed/robust.yaml
  $ cat >> seed/robust.yaml <<'YAML'
  > robustness:
  >   noise: [0.05, 0.1, 0.2, 0.5]
  >   adversarial: [0.01, 0.05, 0.1]
  >   pgd_steps: 10
  >   max_drop:
  >     - {attack: noise, strength: 0.1, max: 0.02}
  >     - {attack: fgsm, strength: 0.05, max: 0.10}
  > YAML
  $ modelcert validate --numerics reference seed/robust.yaml -o robust-run | grep -E 'robustness|verdict'
    PASS  robustness.noise.0.1                         accuracy under noise at 0.1 sd: 0.8895, a drop of 0.0104 <= max 0.02
    PASS  robustness.fgsm.0.05                         accuracy under fgsm at 0.05 sd: 0.8480, a drop of 0.0518 <= max 0.1
  verdict: PASS (10 passed, 0 failed, 0 errors, 0 warnings, 0 skipped)

The curves metrics.json records (accuracy, and its drop from the unperturbed 0.8998):

  $ python3 - <<'PY'
  > import json
  > r = json.load(open("robust-run/metrics.json"))["robustness"]
  > print(f"{r['metric']} unperturbed {r['baseline']:.4f}")
  > for kind in ("noise", "fgsm", "pgd"):
  >     print(kind.ljust(5), "  ".join(f"{p['strength']:g}: {p['value']:.4f}" for p in r[kind]))
  > PY
  accuracy unperturbed 0.8998
  noise 0.05: 0.8912  0.1: 0.8895  0.2: 0.8877  0.5: 0.8273
  fgsm  0.01: 0.8895  0.05: 0.8480  0.1: 0.7910
  pgd   0.01: 0.8895  0.05: 0.8463  0.1: 0.7910

A stricter rule, accuracy may fall at most 0.05 under PGD at 0.1 sd, fails the gate:

  $ sed -i 's/{attack: fgsm, strength: 0.05, max: 0.10}/{attack: pgd, strength: 0.1, max: 0.05}/' seed/robust.yaml
  $ modelcert validate --numerics reference seed/robust.yaml -o robust-fail > fail.txt
  [1]
  $ grep -E 'robustness|verdict' fail.txt
    PASS  robustness.noise.0.1                         accuracy under noise at 0.1 sd: 0.8895, a drop of 0.0104 <= max 0.02
    FAIL  robustness.pgd.0.1                           accuracy under pgd at 0.1 sd: 0.7910, a drop of 0.1088 is above max 0.05
  verdict: FAIL (9 passed, 1 failed, 0 errors, 0 warnings, 0 skipped)
