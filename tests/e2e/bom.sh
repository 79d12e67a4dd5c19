#!/usr/bin/env bash
# The ML-BOM (docs/signing.md, "The ML-BOM"): certify writes bom.cdx.json for the seed example
# (with its ONNX export), the DP example and the privacy example; each is valid against
# CycloneDX's official 1.6 JSON Schema (npm @cyclonedx/cyclonedx-library ships it with the
# spdx and jsf schemas it refers to; applied by Debian's python3-jsonschema, bom_check.py) and
# states the facts bom_check.py recomputes from the files (hashlib digests, the spec's
# thresholds, metrics.json's values, run.json's DP facts). The schema refuses broken BOMs
# (so the check can fail); `report --format cyclonedx` gives the same bytes; certifying again
# gives the same bytes; the release certificate lists the BOM and `verify` names a BOM
# changed or removed after certify.
# With MODELCERT_FAILALLOC: `report --format cyclonedx` with one allocation failing at a time
# gives the same bytes or exits 3 with "out of memory".
# usage: bom.sh MODELCERT SOURCE_DIR [MODELCERT_FAILALLOC]
set -u
MC=$1
SRC=$2
FA=${3:-}
PY=/usr/bin/python3 # Debian's, with python3-jsonschema and python3-yaml
CHECK="$SRC/tests/e2e/bom_check.py"
. "$(dirname "$0")/lib.sh"

# The schemas: npm @cyclonedx/cyclonedx-library, pinned, installed once (cdx_setup.sh).
. "$(dirname "$0")/cdx_setup.sh"
cdx_setup || exit 1
SCHEMAS=$CDX_SCHEMAS

openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$TMP/rel.key" 2>/dev/null
chmod 600 "$TMP/rel.key" && openssl pkey -in "$TMP/rel.key" -pubout -out "$TMP/rel.pub"
for e in seed dp privacy; do
    mkdir -p "$TMP/$e-project" && cp "$SRC/examples/$e/"*.yaml "$SRC/examples/$e/data.csv" "$TMP/$e-project/"
done
expect_exit 0 "validate the seed example" -- "$MC" validate -q "$TMP/seed-project/modelcert.yaml" -o "$TMP/seed"
expect_exit 0 "export it to ONNX" -- "$MC" export "$TMP/seed" --format onnx
expect_exit 0 "validate the DP example" -- env MODELCERT_DP_SECRET=bom-test-secret-0123456789 \
    "$MC" validate -q "$TMP/dp-project/modelcert.yaml" -o "$TMP/dp"
expect_exit 0 "validate the privacy example" -- env MODELCERT_PRIVACY_KEY=bom-test-key \
    "$MC" validate -q "$TMP/privacy-project/modelcert.yaml" -o "$TMP/privacy"
for e in seed dp privacy; do
    expect_exit 0 "certify $e" -- "$MC" certify "$TMP/$e" --key "$TMP/rel.key"
    expect_grep out "ML-BOM (CycloneDX): $TMP/$e/bom.cdx.json sha256:$(sha256sum <"$TMP/$e/bom.cdx.json" | cut -c1-64)" \
        "certify $e names the BOM with its sha256"
    check $PY "$CHECK" facts "$SCHEMAS" "$TMP/$e" "$TMP/$e-project/data.csv" "$TMP/$e-project/modelcert.yaml" -- \
        "$e: the BOM is valid CycloneDX 1.6 and states the run's facts"
    expect_exit 0 "report --format cyclonedx $e" -- "$MC" report "$TMP/$e/validation.json" --format cyclonedx
    check cmp -s "$TMP/out" "$TMP/$e/bom.cdx.json" -- "$e: report --format cyclonedx gives certify's bytes"
done
check $PY -c 'import json,sys; b=json.load(open(sys.argv[1])); c=[x for x in b["components"] if x["bom-ref"]=="model.onnx"]; import hashlib; sys.exit(not (c and c[0]["hashes"][0]["content"]==hashlib.sha256(open(sys.argv[2],"rb").read()).hexdigest()))' \
    "$TMP/seed/bom.cdx.json" "$TMP/seed/model.onnx" -- "seed: model.onnx is in the BOM with its SHA-256"
check $PY -c '
import json, sys
b = json.load(open(sys.argv[1]))
f = b["components"][0]["modelCard"]["considerations"]["fairnessAssessments"]
groups = json.load(open(sys.argv[2]))["slices"]["segment"]["groups"]
worst = min(groups, key=lambda g: g["metrics"]["accuracy"])["value"]
sys.exit(len(f) != 1 or f[0]["groupAtRisk"] != "segment=" + worst)' \
    "$TMP/seed/bom.cdx.json" "$TMP/seed/metrics.json" -- \
    "seed: the slice gap rule is a fairness assessment naming the worst group in metrics.json"

# Reproducible: certifying the same run again writes the same bytes.
cp "$TMP/dp/bom.cdx.json" "$TMP/dp-bom.first"
expect_exit 0 "certify dp again" -- "$MC" certify "$TMP/dp" --key "$TMP/rel.key"
check cmp -s "$TMP/dp-bom.first" "$TMP/dp/bom.cdx.json" -- "certifying again gives the same BOM bytes"

# The release certificate lists the BOM in every statement's subject, and verify checks it.
check $PY -c '
import base64, hashlib, json, sys
bom = hashlib.sha256(open(sys.argv[2], "rb").read()).hexdigest()
lines = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
subjects = [json.loads(base64.b64decode(e["payload"]))["subject"] for e in lines]
sys.exit(not (len(subjects) == 2 and all({"name": "bom.cdx.json", "digest": {"sha256": bom},
    "annotations": {"mediaType": "application/vnd.cyclonedx+json", "specVersion": "1.6"}} in s
    for s in subjects)))' "$TMP/seed/release.intoto.jsonl" "$TMP/seed/bom.cdx.json" -- \
    "the release certificate's subjects list bom.cdx.json with its sha256"
expect_exit 0 "verify the certified seed run" -- "$MC" verify "$TMP/seed" --key "$TMP/rel.pub" \
    --certificate "$TMP/seed/release.intoto.jsonl"
cp -r "$TMP/seed" "$TMP/seed-edited"
sed -i 's/"task": "binary classification"/"task": "regression"/' "$TMP/seed-edited/bom.cdx.json"
expect_exit 1 "verify a run whose BOM was edited" -- "$MC" verify "$TMP/seed-edited" --key "$TMP/rel.pub" \
    --certificate "$TMP/seed-edited/release.intoto.jsonl"
expect_grep err "file 'bom.cdx.json' was modified" "verify names the edited BOM"
cp -r "$TMP/seed" "$TMP/seed-nobom" && rm "$TMP/seed-nobom/bom.cdx.json"
expect_exit 1 "verify a run whose BOM was removed" -- "$MC" verify "$TMP/seed-nobom" --key "$TMP/rel.pub" \
    --certificate "$TMP/seed-nobom/release.intoto.jsonl"
expect_grep err "file 'bom.cdx.json' is signed but missing on disk" "verify names the removed BOM"

# Re-signed by someone with the key but without certify: the certificate still pins the BOM.
expect_exit 0 "re-sign the run with the edited BOM" -- "$MC" sign "$TMP/seed-edited" --key "$TMP/rel.key"
expect_exit 1 "verify --certificate the re-signed run" -- "$MC" verify "$TMP/seed-edited" --key "$TMP/rel.pub" \
    --certificate "$TMP/seed-edited/release.intoto.jsonl"
expect_grep err "release certificate: bom.cdx.json on disk (sha256 .*) is not the certified one" \
    "the certificate names the BOM that is not the certified one"
expect_exit 0 "re-sign the run without its BOM" -- "$MC" sign "$TMP/seed-nobom" --key "$TMP/rel.key"
expect_exit 1 "verify --certificate the re-signed run without BOM" -- "$MC" verify "$TMP/seed-nobom" \
    --key "$TMP/rel.pub" --certificate "$TMP/seed-nobom/release.intoto.jsonl"
expect_grep err "it certifies bom.cdx.json (sha256 .*), which is not in the run directory" \
    "the certificate names the certified BOM that is gone"

# report --format cyclonedx renders only a run whose validation passed.
expect_exit 1 "validate the privacy example's raw spec" -- "$MC" validate -q \
    "$TMP/privacy-project/raw.yaml" -o "$TMP/raw"
expect_exit 2 "report --format cyclonedx of a failed validation" -- "$MC" report \
    "$TMP/raw/validation.json" --format cyclonedx
expect_grep err "the validation did not pass (verdict fail)" "the refusal says why"

# The schema check can fail: broken BOMs are refused, each for its reason.
# broken NAME PYTHON-MUTATION REASON
broken() {
    $PY -c "import json,sys; b=json.load(open(sys.argv[1])); $2; json.dump(b, open(sys.argv[2], 'w'))" \
        "$TMP/seed/bom.cdx.json" "$TMP/$1.json"
    if $PY "$CHECK" schema "$SCHEMAS" "$TMP/$1.json" >"$TMP/$1.out" 2>&1; then
        echo "FAIL: the schema accepts $1"
        failures=$((failures + 1))
    elif grep -qF -- "$3" "$TMP/$1.out"; then
        echo "ok: the schema refuses $1 ($3)"
    else
        echo "FAIL: the schema refuses $1, but not for '$3':"
        sed 's/^/  /' "$TMP/$1.out" | tail -5
        failures=$((failures + 1))
    fi
}
broken wrong-hash-alg "b['components'][0]['hashes'][0]['alg'] = 'SHA256'" \
    "components/0/hashes/0/alg: 'SHA256' is not one of"
broken short-digest "b['components'][1]['hashes'][0]['content'] = 'abc123'" \
    "components/1/hashes/0/content: 'abc123' does not match"
broken model-card-field "b['components'][0]['modelCard']['accuracy'] = 0.9" \
    "Additional properties are not allowed ('accuracy' was unexpected)"
broken serial-number "b['serialNumber'] = 'urn:uuid:not-a-uuid'" "serialNumber: 'urn:uuid:not-a-uuid' does not match"
broken unknown-component-type "b['components'][0]['type'] = 'ml-model'" "components/0"

# One allocation failing in `report --format cyclonedx` (every 97th, and every 7th of the last
# 900, where the BOM is built): the same bytes, or exit 3 with "out of memory", never another BOM.
if [ -n "$FA" ]; then
    MC_FAIL_ALLOC_COUNT="$TMP/fa.count" "$FA" report "$TMP/privacy/validation.json" --format cyclonedx >/dev/null
    total=$(cut -d' ' -f1 "$TMP/fa.count")
    same=0 oom=0 bad=0
    for i in $(seq 1 97 "$total") $(seq $((total - 900)) 7 $((total + 1))) $((total + 1)); do
        MC_FAIL_ALLOC_AFTER=$i "$FA" report "$TMP/privacy/validation.json" --format cyclonedx \
            >"$TMP/fa.out" 2>"$TMP/fa.err"
        st=$?
        if [ $st = 0 ] && cmp -s "$TMP/fa.out" "$TMP/privacy/bom.cdx.json"; then same=$((same + 1))
        elif [ $st = 3 ] && grep -q "out of memory" "$TMP/fa.err"; then oom=$((oom + 1))
        else bad=$((bad + 1)); echo "  allocation $i: exit $st: $(head -c 300 "$TMP/fa.err")"; fi
    done
    check test "$bad" -eq 0 -a "$oom" -gt 0 -a "$same" -gt 0 -- \
        "report --format cyclonedx with one allocation of $total failing: $same the same, $oom out of memory"
fi

finish
