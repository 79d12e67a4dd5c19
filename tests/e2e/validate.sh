#!/usr/bin/env bash
# The CI gate end to end: validate passes on examples/seed; a tightened
# threshold exits 1 and names it; a baseline comparison passes and fails as
# configured; a per-slice gap failure names both slices; reproduce succeeds,
# and fails with exit 1 naming the data digest when the data changed; every
# command left an event in an intact audit trail.
# usage: validate.sh MODELCERT SOURCE_DIR
set -u
MC=$1
SRC=$2
. "$(dirname "$0")/lib.sh"
P="$TMP/seed"
cp -r "$SRC/examples/seed" "$P"
rm -rf "$P/.modelcert" "$P/runs"

expect_exit 0 "validate passes on the seed example" -- "$MC" validate "$P/modelcert.yaml" -o "$TMP/base"
expect_grep out "verdict: PASS" "the verdict is printed"
expect_grep out "PASS  reproducibility.run1" "the reproducibility re-run is checked"
expect_grep out "PASS  thresholds.slices.segment.accuracy.max_gap" "the slice gap is checked"
check python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert d['verdict']=='pass' and d['counts']['fail']==0 and len(d['results'])>=8 and d['run']['model']['digest']" "$TMP/base/validation.json" -- "validation.json is written with the verdict and the run"

sed 's/accuracy: {min: 0.85}/accuracy: {min: 0.95}/' "$P/modelcert.yaml" > "$P/tight.yaml"
expect_exit 1 "a tightened threshold fails the gate" -- "$MC" validate "$P/tight.yaml" -o "$TMP/tight"
expect_grep out "FAIL  thresholds.metrics.accuracy.min .*accuracy 0.8998 is below min 0.95" "the failing threshold is named with its value"
expect_grep out "verdict: FAIL" "the verdict is FAIL"

# Baseline comparison: the same model against itself passes; against a better baseline it fails.
cat "$P/modelcert.yaml" > "$P/change.yaml"
sed -i 's/    accuracy: {min: 0.85}/    accuracy: {min: 0.85, change: {max_absolute_regression: 0.005}}/' "$P/change.yaml"
expect_exit 1 "a change threshold without a baseline fails" -- "$MC" validate "$P/change.yaml" -o "$TMP/nobase"
expect_grep out "no baseline given" "the missing baseline is explained"
expect_exit 0 "a change threshold against an equal baseline passes" -- "$MC" validate --baseline "$TMP/base" "$P/change.yaml" -o "$TMP/same"
expect_grep out "PASS  thresholds.metrics.accuracy.change.absolute" "the change check ran"
python3 - "$TMP/base/metrics.json" "$TMP/better.json" <<'PY'
import json, sys
m = json.load(open(sys.argv[1])); m["metrics"]["accuracy"] += 0.02
json.dump(m, open(sys.argv[2], "w"))
PY
expect_exit 1 "a regression beyond the allowed change fails" -- "$MC" validate --baseline "$TMP/better.json" "$P/change.yaml" -o "$TMP/worse"
expect_grep out "FAIL  thresholds.metrics.accuracy.change.absolute .*regression 0.02 exceeds the allowed 0.005" "the regression is quantified"
expect_exit 2 "a missing baseline is bad input" -- "$MC" validate --baseline "$TMP/nothing" "$P/modelcert.yaml" -o "$TMP/nb2"

sed 's/max_gap: 0.10}/max_gap: 0.02}/' "$P/modelcert.yaml" > "$P/gap.yaml"
expect_exit 1 "a per-slice gap beyond max_gap fails" -- "$MC" validate "$P/gap.yaml" -o "$TMP/gap"
expect_grep out "accuracy gap 0.0396 between segment=consumer (0.9146) and segment=public (0.8750) exceeds max_gap 0.02" "both slices and their values are named"

expect_exit 0 "--json prints validation.json" -- "$MC" validate --json "$P/modelcert.yaml" -o "$TMP/json"
check python3 -c "import json,sys; assert json.load(open(sys.argv[1]))['verdict']=='pass'" "$TMP/out" -- "--json output is the validation document"

# Reproduce: an auditor re-runs the recorded run.
expect_exit 0 "reproduce a run" -- "$MC" reproduce "$TMP/base"
expect_grep out "verdict: REPRODUCED" "reproduced bit for bit"
printf '\n' >> "$P/data.csv"
expect_exit 1 "reproduce fails when the data changed" -- "$MC" reproduce "$TMP/base"
expect_grep out "data digest differs" "the data digest is named"
expect_exit 2 "reproduce of a directory that is not a run" -- "$MC" reproduce "$TMP"

# The audit trail saw every command and is intact.
expect_exit 0 "audit verify" -- "$MC" audit verify
expect_grep out "intact: 9 events" "every run, validate and reproduce left an event"
expect_exit 0 "audit log" -- "$MC" audit log --kind reproduce
check [ "$(wc -l < "$TMP/out")" = 2 ] -- "log filters by kind"
model=$(python3 -c "import json; print(json.load(open('$TMP/base/run.json'))['model']['digest'])")
expect_exit 0 "audit log --model" -- "$MC" audit log --model "$model" --json
check python3 -c "import json,sys; e=json.load(open(sys.argv[1])); assert len(e)>=4 and all(x['model_digest']==sys.argv[2] for x in e)" "$TMP/out" "$model" -- "log filters by model digest"
expect_exit 0 "audit show" -- "$MC" audit show 1
expect_grep out '"kind": "validate"' "show prints the event"
expect_exit 2 "audit show of a missing event" -- "$MC" audit show 999
expect_exit 0 "audit export jsonl" -- "$MC" audit export --format jsonl
check [ "$(wc -l < "$TMP/out")" = 9 ] -- "export writes one line per event"
expect_exit 0 "audit export csv" -- "$MC" audit export --format csv -o "$TMP/audit.csv"
check python3 -c "import csv,sys; r=list(csv.DictReader(open(sys.argv[1]))); assert len(r)==9 and r[0]['kind']=='validate'" "$TMP/audit.csv" -- "csv export parses"
python3 - "$MODELCERT_AUDIT" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.executescript("DROP TRIGGER events_append_only_update; UPDATE events SET verdict = 'pass' WHERE id = 2;")
db.commit()
PY
expect_exit 1 "audit verify finds an edited event" -- "$MC" audit verify
expect_grep out "BROKEN at event 2" "the first broken link is named"
expect_exit 2 "audit verify of a missing database" -- "$MC" audit verify --audit "$TMP/none.db"

finish
