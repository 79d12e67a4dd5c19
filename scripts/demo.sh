#!/usr/bin/env bash
# The main example end to end: check the seed pipeline's spec, run it with the
# reference engine, show its metrics, and predict with the model it wrote.
set -euo pipefail
MC=${1:-build/cli/modelcert}
cd "$(dirname "$0")/.."
out=$(mktemp -d /tmp/modelcert-demo.XXXXXX)
export MODELCERT_AUDIT="$out/audit.db"   # keep the demo's audit trail out of the source tree
echo "== modelcert $("$MC" --version | cut -d' ' -f2)"
echo
echo "== 1. check every example spec (errors would name file:line:col)"
"$MC" check examples/*/modelcert.yaml
echo
echo "== 2. run the seed example's pipeline (examples/seed/modelcert.yaml)"
"$MC" run examples/seed/modelcert.yaml -o "$out/seed-run"
echo
echo "== 3. the run directory"
ls -l "$out/seed-run"
echo
echo "== 4. test metrics per slice (metrics.json)"
python3 - "$out/seed-run/metrics.json" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
print("  overall:", ", ".join(f"{k} {v:.4f}" for k, v in m["metrics"].items()))
for col, s in m.get("slices", {}).items():
    for g in s["groups"]:
        acc = g.get("metrics", {}).get("accuracy")
        print(f"  {col}={g['value']:<10} rows {g['count']:>4}  accuracy {acc:.4f}" if acc is not None
              else f"  {col}={g['value']:<10} rows {g['count']:>4}  skipped")
PY
echo
echo "== 5. predict with the model on raw rows (first 5 data rows of the CSV)"
head -6 examples/seed/data.csv > "$out/five.csv"
"$MC" predict "$out/seed-run/model.mcm" "$out/five.csv"
echo
echo "== 6. the CI gate: run again, re-run for reproducibility, judge the thresholds"
"$MC" validate examples/seed/modelcert.yaml -o "$out/seed-gate"
echo
echo "== 7. an auditor reproduces the gated run, then checks the audit trail"
"$MC" reproduce "$out/seed-gate"
"$MC" audit verify
"$MC" audit log
echo
echo "== 8. reports for CI and auditors from the gated run (JUnit, Markdown, HTML, model card)"
"$MC" report "$out/seed-gate/validation.json" --format html -o "$out/report.html"
"$MC" report "$out/seed-gate/validation.json" --format junit -o "$out/junit.xml"
"$MC" report "$out/seed-gate/validation.json" --format markdown | head -12
echo
echo "== 9. export the model for serving (ONNX), then certify the release and verify it"
"$MC" export "$out/seed-gate" --format onnx
"$MC" keygen -o "$out/release"
"$MC" certify "$out/seed-gate" --key "$out/release.key"
"$MC" verify "$out/seed-gate" --key "$out/release.pub" --certificate "$out/seed-gate/release.intoto.jsonl"
echo
echo "== 10. personal data: scan the privacy example's raw data (masked examples, never values)"
"$MC" privacy scan examples/privacy/data.csv || [ $? -eq 1 ] # 1: personal data found, as expected
echo
echo "run:        $out/seed-run"
echo "metrics:    $out/seed-run/metrics.json"
echo "model:      $out/seed-run/model.mcm"
echo "validation: $out/seed-gate/validation.json"
echo "report:     $out/report.html"
echo "release:    $out/seed-gate/release.intoto.jsonl"
echo "audit:      $MODELCERT_AUDIT"
