#!/usr/bin/env bash
# The HTML report as a reader sees it: examples/seed's report, and one whose column names are
# markup, rendered in headless Chromium (DevTools protocol over a pipe: tests/e2e/reports_html.py).
# Fails on any console error, exception, failed or outside load, or script element; checks
# that every chart is an SVG with non-empty paths; saves full-page PNG screenshots in OUT_DIR
# (the build tree) and shows the markup-named column as text. A run with explainability and
# robustness sections draws the global attribution chart and the robustness curves, whose bars
# and points, read from the SVG, equal metrics.json's figures (tests/e2e/reports_charts.py).
# usage: reports_html.sh MODELCERT SOURCE_DIR OUT_DIR
set -u
MC=$1
SRC=$2
OUT=$3
PY=/usr/bin/python3
. "$(dirname "$0")/lib.sh"
. "$SRC/tests/e2e/hostile_project.sh"
rm -rf "$OUT"
mkdir -p "$OUT"

expect_exit 0 "validate examples/seed --report-dir" -- "$MC" validate -q "$SRC/examples/seed/modelcert.yaml" \
    -o "$TMP/seed" --report-dir "$TMP/seed-reports"
hostile_project "$SRC" "$TMP/hostile"
expect_exit 1 "validate the project with markup for column names (a threshold fails)" -- \
    "$MC" validate -q "$TMP/hostile/modelcert.yaml" -o "$TMP/hostile-run" --report-dir "$TMP/hostile-reports"
# the seed spec without its re-run, with explainability and robustness sections
cp "$SRC/examples/seed/data.csv" "$TMP/data.csv"
sed '/^reproducibility:/,$d' "$SRC/examples/seed/modelcert.yaml" >"$TMP/robust.yaml"
printf '%s\n' "explainability: {max_share: 0.5}" "robustness:" "  noise: [0.1, 0.5]" \
    "  adversarial: [0.05, 0.1]" "  missing: [0.01, 0.05]" "  pgd_steps: 3" \
    "  max_drop: [{attack: fgsm, strength: 0.05, max: 0.1}]" >>"$TMP/robust.yaml"
expect_exit 0 "validate with explainability and robustness --report-dir" -- "$MC" validate -q \
    --numerics reference "$TMP/robust.yaml" -o "$TMP/robust" --report-dir "$TMP/robust-reports"
cp "$TMP/robust-reports/report.html" "$OUT/robust.html"
check $PY "$SRC/tests/e2e/reports_charts.py" "$OUT/robust.html" "$TMP/robust/metrics.json" -- \
    "the attribution bars and robustness points equal metrics.json's figures"
cp "$TMP/seed-reports/report.html" "$OUT/seed.html"
cp "$TMP/hostile-reports/report.html" "$OUT/hostile.html"
# A control page that the check must catch: a console error and an image from outside.
printf '<!DOCTYPE html><html><body><script>console.error("boom")</script><img src="http://127.0.0.1:9/x.png"></body></html>' \
    > "$OUT/control.html"

# examples/seed has no validation rows and computes no importance: four charts, the
# loss without validation loss. The other project draws all five.
check $PY "$SRC/tests/e2e/reports_html.py" "$OUT" \
    "seed=$OUT/seed.html:loss,roc,confusion,slices-0" \
    "hostile=$OUT/hostile.html:loss,roc,confusion,slices-0,importance" \
    "robust=$OUT/robust.html:loss,roc,confusion,slices-0,attributions,robustness,robustness-missing" \
    --control "$OUT/control.html" -- "the reports render in Chromium without errors, every chart drawn"
check grep -qF '<script>alert(1)</script>' "$OUT/hostile.txt" -- "the column named <script>alert(1)</script> shows as text"
check grep -qF 'seed-binary-mlp' "$OUT/seed.txt" -- "the seed report names its model"
finish
