#!/usr/bin/env bash
# Reports (docs/reports.md): validation.json, metrics.json and run.json of all three examples
# against the JSON Schemas in reports/schema/, with an independent validator (Debian's
# python3-jsonschema); the schemas refuse real mistakes and accept new result categories.
# validate --report-dir and `report` write the same bytes; JUnit as GitLab and Jenkins read it
# (python3-junitparser, xmllint); Markdown and $GITHUB_STEP_SUMMARY; the model card's front
# matter; every string from a spec or data escaped (a column named <script>alert(1)</script>).
# With MODELCERT_FAILALLOC: `report` with one allocation failing at a time gives the same
# bytes or exits 3 with "out of memory", never another report.
# usage: reports.sh MODELCERT SOURCE_DIR [MODELCERT_FAILALLOC]
set -u
MC=$1
SRC=$2
FA=${3:-}
PY=/usr/bin/python3 # Debian's, with python3-jsonschema and python3-junitparser
CHECK="$SRC/tests/e2e/reports_check.py"
. "$(dirname "$0")/lib.sh"

for e in seed multiclass regression; do
    expect_exit 0 "validate $e --report-dir" -- "$MC" validate -q "$SRC/examples/$e/modelcert.yaml" \
        -o "$TMP/$e" --report-dir "$TMP/reports-$e"
done
check $PY "$CHECK" schema "$SRC/reports/schema" "$TMP/seed" "$TMP/multiclass" "$TMP/regression" -- \
    "the three examples' validation.json, metrics.json and run.json match the schemas"

# The privacy example (raw: failing privacy checks; treated: passing) and a gate on predictions
# made elsewhere (run.json with mode "predictions" and no model) match the schemas too.
mkdir -p "$TMP/privacy-project" && cp "$SRC/examples/privacy/"*.yaml "$SRC/examples/privacy/data.csv" "$TMP/privacy-project/"
expect_exit 1 "validate the privacy example's raw spec" -- "$MC" validate -q \
    "$TMP/privacy-project/raw.yaml" -o "$TMP/privacy-raw"
expect_exit 0 "validate the privacy example" -- env MODELCERT_PRIVACY_KEY=reports-test-key \
    "$MC" validate -q "$TMP/privacy-project/modelcert.yaml" -o "$TMP/privacy"
expect_exit 0 "validate --predictions with the seed run's own predictions" -- "$MC" validate -q \
    "$SRC/examples/seed/modelcert.yaml" --predictions "$TMP/seed/test_predictions.csv" -o "$TMP/preds"
# DP training (ε in run.json and metrics.json) and a signed baseline (a `signing` result).
mkdir -p "$TMP/dp-project" && cp "$SRC/examples/dp/"*.yaml "$SRC/examples/dp/data.csv" "$TMP/dp-project/"
expect_exit 0 "validate the DP example" -- env MODELCERT_DP_SECRET=reports-test-secret-0123456789 \
    "$MC" validate -q "$TMP/dp-project/modelcert.yaml" -o "$TMP/dp"
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$TMP/base.key" 2>/dev/null
chmod 600 "$TMP/base.key" && openssl pkey -in "$TMP/base.key" -pubout -out "$TMP/base.pub"
cp -r "$TMP/seed" "$TMP/seed-base"
expect_exit 0 "sign the baseline" -- "$MC" sign "$TMP/seed-base" --key "$TMP/base.key"
expect_exit 0 "validate against the signed baseline" -- "$MC" validate -q \
    "$SRC/examples/seed/modelcert.yaml" --baseline "$TMP/seed-base" --baseline-key "$TMP/base.pub" -o "$TMP/signed"
check grep -q '"signing"' "$TMP/signed/validation.json" -- "the validation holds a signing result"
check $PY "$CHECK" schema "$SRC/reports/schema" "$TMP/privacy-raw" "$TMP/privacy" "$TMP/preds" \
    "$TMP/dp" "$TMP/signed" -- \
    "privacy, DP and signing results and a predictions-mode run match the schemas"
# refused NAME DIR FILE REASON: the schemas refuse DIR's FILE for REASON (the JSON path and
# jsonschema's message, as reports_check.py prints them, on one line naming FILE), not for
# another file, a mutation that did not apply or a Python error (each also exits non-zero).
refused() {
    if $PY "$CHECK" schema "$SRC/reports/schema" "$2" > "$2.out" 2>&1; then
        echo "FAIL: the schemas accept $1"
        failures=$((failures + 1))
    elif grep -F -- "FAIL: $2/$3: " "$2.out" | grep -qF -- "$4"; then
        echo "ok: the schemas refuse $1 ($4)"
    else
        echo "FAIL: the schemas refuse $1, but not for '$3: $4':"
        sed 's/^/  /' "$2.out" | tail -5
        failures=$((failures + 1))
    fi
}
mutate_preds() { # NAME FILE PYTHON-STATEMENT-ON-d REASON
    mkdir -p "$TMP/badp-$1"
    cp "$TMP/preds/validation.json" "$TMP/preds/metrics.json" "$TMP/preds/run.json" "$TMP/badp-$1/"
    $PY -c "import json,sys; p=sys.argv[1]; d=json.load(open(p)); $3; json.dump(d, open(p, 'w'))" \
        "$TMP/badp-$1/$2"
    refused "$1" "$TMP/badp-$1" "$2" "$4"
}
mutate_preds "a predictions run without its predictions" run.json "del d['predictions']" \
    ": 'predictions' is a required property"
mutate_preds "a predictions run with a model" run.json \
    "d['model'] = {'file': 'model.mcm', 'digest': '0' * 64, 'parameters': 1}" \
    "'parameters': 1} is not of type 'null'"
mutate_preds "predictions metrics with a model digest" metrics.json "d['model_digest'] = '0' * 64" \
    "should not be valid under {'anyOf': [{'required': ['training']}, {'required': ['model_digest']}]}"

# The schemas catch mistakes: each mutation must be refused.
mutate() { # NAME FILE PYTHON-STATEMENT-ON-d REASON
    mkdir -p "$TMP/bad-$1"
    cp "$TMP/seed/validation.json" "$TMP/seed/metrics.json" "$TMP/seed/run.json" "$TMP/bad-$1/"
    $PY -c "import json,sys; p=sys.argv[1]; d=json.load(open(p)); $3; json.dump(d, open(p, 'w'))" \
        "$TMP/bad-$1/$2"
    refused "$1" "$TMP/bad-$1" "$2" "$4"
}
mutate "a result without a status" validation.json "del d['results'][0]['status']" \
    "results/0: 'status' is a required property"
mutate "an unknown status" validation.json "d['results'][0]['status'] = 'passed'" \
    "results/0/status: 'passed' is not one of"
mutate "a count as text" validation.json "d['counts']['pass'] = '9'" \
    "counts/pass: '9' is not of type 'integer'"
mutate "an unknown verdict" validation.json "d['verdict'] = 'ok'" \
    "verdict: 'ok' is not one of"
mutate "an unknown key in a result" validation.json "d['results'][0]['severity'] = 'high'" \
    "results/0: Additional properties are not allowed ('severity' was unexpected)"
mutate "a run record without its model digest" validation.json "del d['run']['model']['digest']" \
    "run/model: 'digest' is a required property"
mutate "a short data digest" run.json "d['data']['digest'] = 'f5200cb1'" \
    "data/digest: 'f5200cb1' does not match"
mutate "unknown numerics" run.json "d['numerics'] = 'fastest'" \
    "numerics: 'fastest' is not one of"
mutate "a metric as text" metrics.json "d['metrics']['accuracy'] = '0.9'" \
    "metrics/accuracy: '0.9' is not of type 'number', 'null'"
mutate "a slice group without metrics" metrics.json \
    "g = d['slices']['segment']['groups'][0]; del g['metrics']" \
    "slices/segment/groups/0: 'metrics' is a required property"
mutate "a negative confusion count" metrics.json "d['confusion_matrix']['counts'][0][0] = -1" \
    "confusion_matrix/counts/0/0: -1 is less than the minimum of 0"

# Results are generic: the privacy and signing categories (and any new one) are accepted.
mkdir -p "$TMP/newcat"
cp "$TMP/seed/metrics.json" "$TMP/seed/run.json" "$TMP/newcat/"
$PY - "$TMP/seed/validation.json" "$TMP/newcat/validation.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["results"] += [
    {"category": "privacy", "id": "privacy.k_anonymity", "name": "k-anonymity", "status": "fail",
     "measured": {"k": 2}, "expected": {"min": 5}, "message": "k 2 is below 5"},
    {"category": "signing", "id": "signing.signature", "name": "signature", "status": "pass",
     "measured": "ed25519:ab", "expected": None, "message": "signed"},
    {"category": "fairness_v2", "id": "x.y", "name": "x", "status": "warn",
     "measured": [1, 2], "expected": True, "message": ""}]
json.dump(d, open(sys.argv[2], "w"))
PY
check $PY "$CHECK" schema "$SRC/reports/schema" "$TMP/newcat" -- "privacy, signing and new categories are valid"

# Every format from --report-dir, and the same bytes again from `report`.
for e in seed multiclass regression; do
    for f in json:validation.json junit:junit.xml markdown:report.md html:report.html \
        model-card:model_card.md; do
        "$MC" report "$TMP/$e/validation.json" --format "${f%%:*}" -o "$TMP/again.out"
        check cmp -s "$TMP/again.out" "$TMP/reports-$e/${f#*:}" -- \
            "$e: report --format ${f%%:*} gives the bytes validate --report-dir wrote"
    done
    check cmp -s "$TMP/$e/validation.json" "$TMP/reports-$e/validation.json" -- \
        "$e: the json report is validation.json itself"
    check xmllint --noout "$TMP/reports-$e/junit.xml" -- "$e: junit.xml is well-formed (xmllint)"
    check $PY "$CHECK" junit "$TMP/reports-$e/junit.xml" "$TMP/$e/validation.json" -- \
        "$e: junit.xml: suites per category, cases per check, counts (junitparser)"
    check $PY "$CHECK" card "$TMP/reports-$e/model_card.md" "$TMP/$e" -- \
        "$e: the model card's front matter (Hugging Face model-index)"
done
# The bytes do not depend on how the path is spelled, nor on a relative audit trail.
mkdir -p "$TMP/rel"
(cd "$TMP/rel" && MODELCERT_AUDIT=trail.db "$MC" validate -q "$SRC/examples/seed/modelcert.yaml" \
    -o run --report-dir rep >/dev/null)
(cd "$TMP" && "$MC" report rel/run/validation.json --format html -o rel-again.html)
check cmp -s "$TMP/rel-again.html" "$TMP/rel/rep/report.html" -- \
    "a relative audit trail and another spelling of the path give the same HTML"
check grep -q "<tr><th>audit event</th><td>1</td></tr>" "$TMP/rel-again.html" -- \
    "the run's audit event is found through the trail run.json names"
# A trail given as a PostgreSQL URI with a password (nothing listens on port 1): the HTML report
# and the model card name the trail without the password, as user@host, in either URI form.
# (The model card names a trail only where it found the run's event: audit_pg.sh.)
for fmt in html; do
    "$MC" report "$TMP/seed/validation.json" --format $fmt \
        --audit 'postgresql://alice:s3cret-pw@127.0.0.1:1/db?sslmode=disable&password=other-pw' \
        -o "$TMP/pw.$fmt" 2>/dev/null
    check test -s "$TMP/pw.$fmt" -- "$fmt report with a trail URI holding passwords written"
    check grep -q "postgresql://alice@127.0.0.1:1/db" "$TMP/pw.$fmt" -- \
        "$fmt report names the trail as alice@127.0.0.1:1/db"
    check sh -c "! grep -q -e s3cret-pw -e other-pw '$TMP/pw.$fmt'" -- \
        "$fmt report shows neither password of the trail URI"
done
"$MC" report "$TMP/seed/validation.json" --format html > "$TMP/stdout.html"
check cmp -s "$TMP/stdout.html" "$TMP/reports-seed/report.html" -- "report writes to standard output"
expect_grep_file() { # FILE PATTERN DESCRIPTION
    if grep -q -- "$2" "$1"; then echo "ok: $3"; else echo "FAIL: $3: '$2' not in $1"; failures=$((failures + 1)); fi
}
expect_grep_file "$TMP/reports-seed/report.md" "^## ✅ modelcert validate: PASS" "Markdown: the verdict first"
expect_grep_file "$TMP/reports-seed/report.md" "| ✅ PASS | thresholds | thresholds.metrics.accuracy.min | 0.8998 | min 0.85 |" \
    "Markdown: a check with measured and expected"
expect_grep_file "$TMP/reports-seed/report.md" "$(sed -n 's/.*"digest": "\([0-9a-f]*\)".*/\1/p' "$TMP/seed/run.json" | head -1)" \
    "Markdown: the digests"
expect_exit 2 "report: an unknown format is a usage error" -- "$MC" report "$TMP/seed/validation.json" --format pdf
expect_exit 2 "report: a file that is not a validation" -- "$MC" report "$TMP/seed/metrics.json"
expect_grep err "not a modelcert validation" "the refusal says why"
expect_exit 2 "report: a missing validation.json" -- "$MC" report "$TMP/nowhere/validation.json"

# Baseline changes with arrows: the seed against a better baseline fails with a down arrow.
P="$TMP/seedsrc"
cp -r "$SRC/examples/seed" "$P"
rm -rf "$P/.modelcert" "$P/runs"
sed -i 's/    accuracy: {min: 0.85}/    accuracy: {min: 0.85, change: {max_absolute_regression: 0.005}}/' "$P/modelcert.yaml"
$PY - "$TMP/seed/metrics.json" "$TMP/better.json" <<'PY'
import json, sys
m = json.load(open(sys.argv[1])); m["metrics"]["accuracy"] += 0.02
json.dump(m, open(sys.argv[2], "w"))
PY
: > "$TMP/summary.md"
GITHUB_STEP_SUMMARY="$TMP/summary.md" expect_exit 1 "validate against a better baseline fails" -- \
    "$MC" validate -q --baseline "$TMP/better.json" "$P/modelcert.yaml" -o "$TMP/worse" --github-summary
expect_grep_file "$TMP/summary.md" "^## ❌ modelcert validate: FAIL" "--github-summary appends the Markdown report"
expect_grep_file "$TMP/summary.md" "| accuracy | 0.9198 | 0.8998 | ↓ -0.02 | worse ❌ |" \
    "Markdown: the change against the baseline with an arrow"
GITHUB_STEP_SUMMARY="$TMP/summary.md" "$MC" report --github-summary "$TMP/seed/validation.json" -o "$TMP/x.md"
check test "$(grep -c '^## ' "$TMP/summary.md")" -eq 2 -- "report --github-summary appends a second report"
"$MC" report --format junit "$TMP/worse/validation.json" -o "$TMP/worse.xml"
check $PY "$CHECK" junit "$TMP/worse.xml" "$TMP/worse/validation.json" -- "junit.xml with a failure"
expect_grep_file "$TMP/worse.xml" '<failure message="accuracy 0.8998 against baseline 0.9198: regression 0.02 exceeds the allowed 0.005" type="fail">' \
    "JUnit: the failure's message"

# Hostile names: a column named <script>alert(1)</script> and one named <img src=x onerror=alert(2)>
# render as text in every format (the HTML is also checked in a browser: reports_html.sh).
H="$TMP/hostile"
. "$SRC/tests/e2e/hostile_project.sh"
hostile_project "$SRC" "$H"
expect_exit 1 "validate the hostile spec (a failing threshold)" -- "$MC" validate -q "$H/modelcert.yaml" \
    -o "$TMP/hostile-run" --report-dir "$TMP/hostile-reports"
for f in junit.xml report.md report.html model_card.md; do
    check $PY - "$TMP/hostile-reports/$f" <<'PY' -- "hostile names are escaped in $f"
import sys
t = open(sys.argv[1], encoding="utf-8").read()
if t.startswith("---\n"):  # YAML front matter holds the names as data, in quoted scalars
    t = t[t.index("\n---\n", 4):]
assert "<script" not in t and "<img" not in t, "raw markup"
assert "alert(1)" in t, "the slice column's name is missing"
assert "alert(2)" in t or not sys.argv[1].endswith(".html"), "the importance chart's column is missing"
PY
done
expect_grep_file "$TMP/hostile-reports/report.html" "&lt;script&gt;alert(1)&lt;/script&gt;" "HTML: the column name as text"
check xmllint --noout "$TMP/hostile-reports/junit.xml" -- "junit.xml with hostile names is well-formed"
check $PY "$CHECK" junit "$TMP/hostile-reports/junit.xml" "$TMP/hostile-run/validation.json" -- \
    "junit.xml with a warning and a failure (junitparser)"
check $PY "$CHECK" card "$TMP/hostile-reports/model_card.md" "$TMP/hostile-run" -- \
    "the model card's YAML with hostile names reads back"
check $PY - "$TMP/hostile-reports/report.html" <<'PY' -- "report.html: no script, image, link or style sheet from outside"
import sys
from html.parser import HTMLParser
class P(HTMLParser):
    tags = set()
    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        assert not any(k in ("src", "href") or k.startswith("on") for k, _ in attrs), (tag, attrs)
p = P(); p.feed(open(sys.argv[1], encoding="utf-8").read())
assert not p.tags & {"script", "img", "link", "iframe", "object", "embed"}, p.tags
assert {"svg", "path", "table"} <= p.tags, p.tags
PY

# One allocation failing: the same report or "out of memory" (every 41st allocation, and
# each of the last 40, where the rendering happens).
if [ -n "$FA" ]; then
    for f in html model-card; do
        "$MC" report "$TMP/seed/validation.json" --format $f > "$TMP/fa.ref"
        MC_FAIL_ALLOC_COUNT="$TMP/fa.count" "$FA" report "$TMP/seed/validation.json" --format $f > /dev/null
        total=$(cut -d' ' -f1 "$TMP/fa.count")
        same=0 oom=0 bad=0
        for i in $(seq 1 41 "$total") $(seq $((total - 40)) $((total + 1))); do
            MC_FAIL_ALLOC_AFTER=$i "$FA" report "$TMP/seed/validation.json" --format $f > "$TMP/fa.out" 2> "$TMP/fa.err"
            st=$?
            if [ $st = 0 ] && cmp -s "$TMP/fa.out" "$TMP/fa.ref"; then same=$((same + 1))
            elif [ $st = 3 ] && grep -q "out of memory" "$TMP/fa.err"; then oom=$((oom + 1))
            else bad=$((bad + 1)); echo "  allocation $i: exit $st: $(head -c 300 "$TMP/fa.err")"; fi
        done
        check test "$bad" -eq 0 -a "$oom" -gt 0 -a "$same" -gt 0 -- \
            "report --format $f with one allocation of $total failing: $same the same, $oom out of memory"
    done
fi

finish
