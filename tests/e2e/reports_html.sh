#!/usr/bin/env bash
# The HTML report as a reader sees it: examples/seed's report, and one whose column names are
# markup, rendered in headless Chromium (DevTools protocol over a pipe: tests/e2e/reports_html.py).
# Fails on any console error, exception, failed or outside load, or script element; checks
# that every chart is an SVG with non-empty paths; saves full-page PNG screenshots in OUT_DIR
# (the build tree) and shows the markup-named column as text.
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
    --control "$OUT/control.html" -- "the reports render in Chromium without errors, every chart drawn"
check grep -qF '<script>alert(1)</script>' "$OUT/hostile.txt" -- "the column named <script>alert(1)</script> shows as text"
check grep -qF 'seed-binary-mlp' "$OUT/seed.txt" -- "the seed report names its model"
finish
