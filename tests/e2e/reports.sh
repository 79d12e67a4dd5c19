#!/usr/bin/env bash
# Reports (docs/reports.md): validation.json, metrics.json and run.json of all three examples
# against the JSON Schemas in reports/schema/, with an independent validator (Debian's
# python3-jsonschema); the schemas refuse real mistakes and accept new result categories.
# usage: reports.sh MODELCERT SOURCE_DIR
set -u
MC=$1
SRC=$2
PY=/usr/bin/python3 # Debian's, with python3-jsonschema and python3-junitparser
CHECK="$SRC/tests/e2e/reports_check.py"
. "$(dirname "$0")/lib.sh"

for e in seed multiclass regression; do
    expect_exit 0 "validate $e" -- "$MC" validate -q "$SRC/examples/$e/modelcert.yaml" -o "$TMP/$e"
done
check $PY "$CHECK" schema "$SRC/reports/schema" "$TMP/seed" "$TMP/multiclass" "$TMP/regression" -- \
    "the three examples' validation.json, metrics.json and run.json match the schemas"

# The schemas catch mistakes: each mutation must be refused.
mutate() { # NAME FILE PYTHON-STATEMENT-ON-d
    mkdir -p "$TMP/bad-$1"
    cp "$TMP/seed/validation.json" "$TMP/seed/metrics.json" "$TMP/seed/run.json" "$TMP/bad-$1/"
    $PY -c "import json,sys; p=sys.argv[1]; d=json.load(open(p)); $3; json.dump(d, open(p, 'w'))" \
        "$TMP/bad-$1/$2"
    if $PY "$CHECK" schema "$SRC/reports/schema" "$TMP/bad-$1" > "$TMP/bad-$1.out"; then
        echo "FAIL: the schemas accept $1"
        failures=$((failures + 1))
    else
        echo "ok: the schemas refuse $1"
    fi
}
mutate "a result without a status" validation.json "del d['results'][0]['status']"
mutate "an unknown status" validation.json "d['results'][0]['status'] = 'passed'"
mutate "a count as text" validation.json "d['counts']['pass'] = '9'"
mutate "an unknown verdict" validation.json "d['verdict'] = 'ok'"
mutate "an unknown key in a result" validation.json "d['results'][0]['severity'] = 'high'"
mutate "a run record without its model digest" validation.json "del d['run']['model']['digest']"
mutate "a short data digest" run.json "d['data']['digest'] = 'f5200cb1'"
mutate "unknown numerics" run.json "d['numerics'] = 'fastest'"
mutate "a metric as text" metrics.json "d['metrics']['accuracy'] = '0.9'"
mutate "a slice group without metrics" metrics.json \
    "g = d['slices']['segment']['groups'][0]; del g['metrics']"
mutate "a negative confusion count" metrics.json "d['confusion_matrix']['counts'][0][0] = -1"

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

finish
