#!/usr/bin/env bash
# What certify, a signed baseline and a certificate chain may trust (docs/security.md,
# "What certify trusts"; issue 21's R1, R4, R5, R12), one case per way they were fooled:
# - R1: certify believes the audit trail's validate event, not validation.json: a failed
#   validation edited to say pass (the verdict alone, or every result too), a file that
#   validation.json vouches for or validation.json itself changed after validation, and a
#   run that no validate event records are refused; results that contradict the verdict too.
# - R4: a run whose data certify cannot find needs --data; a spec that pins the data must
#   agree with the run's data.
# - R5: a signed baseline whose signature leaves out metrics.json (what the gate reads) is
#   refused as unsigned.
# - R12: verify --ca judges the chain now (no timestamp proves a signing time) and asks the
#   leaf to be allowed to sign: not a CA; digitalSignature key usage, else the codeSigning
#   extended key usage; an extended key usage that is present must name codeSigning.
# usage: certify_trust.sh MODELCERT SOURCE_DIR
set -u
MC=$1
SRC=$2
. "$(dirname "$0")/lib.sh"
cd "$TMP" || exit 2
seed_with_key P-256

# A JSON file edited in place: edit FILE PYTHON-STATEMENTS (the object is `v`).
edit() {
    python3 -c "import json,sys
v = json.load(open(sys.argv[1]))
$2
json.dump(v, open(sys.argv[1], 'w'), indent=2)" "$1"
}

# ---- R1: certify believes the trail, not validation.json ------------------------------------
sed 's/accuracy: {min: 0.85}/accuracy: {min: 0.99}/' seed/modelcert.yaml > seed/tight.yaml
expect_exit 1 "a validation that fails" -- "$MC" validate -q seed/tight.yaml -o failed
cp -a failed flipped
edit flipped/validation.json "v['verdict'] = 'pass'"
expect_exit 2 "R1: certify refuses a failed validation whose verdict alone says pass" -- \
    "$MC" certify flipped --key seed/k.pem
expect_grep err "contradict" "the results that contradict the verdict are named"
cp -a failed forged
edit forged/validation.json "v['verdict'] = 'pass'
for r in v['results']:
    r['status'] = 'pass' if r['status'] in ('fail', 'error') else r['status']
v['counts'] = {s: sum(r['status'] == s for r in v['results']) for s in v['counts']}"
expect_exit 2 "R1: certify refuses a failed validation rewritten to pass throughout" -- \
    "$MC" certify forged --key seed/k.pem
expect_grep err "the audit trail's validate event [0-9]* for this run records verdict fail" \
    "the trail's verdict is named"
check test ! -e forged/release.intoto.jsonl -a ! -e forged/model.sig -- "nothing was signed"

expect_exit 0 "a validation that passes" -- "$MC" validate -q seed/modelcert.yaml -o good
cp -a good metrics
edit metrics/metrics.json "v['metrics']['accuracy'] = 0.999"
expect_exit 2 "R1: certify refuses a metrics.json changed after validation" -- \
    "$MC" certify metrics --key seed/k.pem
expect_grep err "metrics/metrics.json is not the file the validate event [0-9]* recorded" \
    "the changed file is named"
cp -a good vjson
edit vjson/validation.json "v['results'][0]['message'] = 'edited'"
expect_exit 2 "R1: certify refuses a validation.json changed after validation" -- \
    "$MC" certify vjson --key seed/k.pem
expect_grep err "vjson/validation.json is not the file the validate event [0-9]* recorded" \
    "validation.json is named"
# A run that `run` made, with a validation.json made up for it: no validate event records it.
expect_exit 0 "a run without validation" -- "$MC" run -q seed/modelcert.yaml -o plain
cp good/validation.json plain/
python3 -c "import json,sys
r = json.load(open('plain/run.json')); v = json.load(open('plain/validation.json'))
v['run'] = r
json.dump(v, open('plain/validation.json', 'w'), indent=2)"
expect_exit 2 "R1: certify refuses a run that no validate event records" -- \
    "$MC" certify plain --key seed/k.pem
expect_grep err "no validate event in the audit trail .* records this run" \
    "the missing event is named"
expect_exit 2 "R1: certify needs the trail the run was validated in" -- \
    "$MC" certify good --key seed/k.pem --audit other.db
expect_grep err "no validate event in the audit trail other.db records this run" \
    "the trail looked in is named"
cp -a good ok
expect_exit 0 "the untouched run is certified" -- "$MC" certify ok --key seed/k.pem
expect_exit 0 "and verifies" -- "$MC" verify ok --key k.pub --certificate ok/release.intoto.jsonl

# ---- R4: the data is always hashed, and must agree with a pin ---------------------------------
# run.json without data.absolute_path (edited, or from a version that did not record it):
# certify hashed nothing and signed whatever data digest run.json claimed.
cp -a good nodata
edit nodata/run.json "del v['data']['absolute_path']
v['data']['digest'] = '1' * 64"
expect_exit 2 "R4: certify refuses a run whose data it cannot hash" -- \
    "$MC" certify nodata --key seed/k.pem
expect_grep err "run.json records no data.absolute_path: give --data PATH" "--data is asked for"
check test ! -e nodata/release.intoto.jsonl -- "nothing was certified"
expect_exit 2 "R4: with --data the data is hashed and the claimed digest refused" -- \
    "$MC" certify nodata --key seed/k.pem --data seed/data.csv
expect_grep err \
    "the data on disk (sha256 f5200cb1f5ff...) is not the one recorded (111111111111...)" \
    "the data's digests are named"
sed "s/sha256: f5200cb1f5ff[0-9a-f]*/sha256: $(printf '0%.0s' {1..63})1/" \
    seed/modelcert.yaml > seed/otherpin.yaml
printf 'signing:\n  key: file:k.pem\n' >> seed/otherpin.yaml
cp -a good pinned
expect_exit 2 "R4: certify refuses a spec whose data pin is not the run's data" -- \
    "$MC" certify pinned --spec seed/otherpin.yaml
expect_grep err "pins the data to sha256 000000000000.*, not the run's f5200cb1f5ff" "both digests are named"

# ---- R5: every baseline file the gate reads must be signed ------------------------------------
cp -a good base
expect_exit 0 "a baseline signed without its metrics.json" -- \
    "$MC" sign base --key seed/k.pem --ignore metrics.json
expect_exit 2 "R5: the gate refuses it" -- \
    "$MC" validate -q seed/modelcert.yaml --baseline base --baseline-key k.pub -o gated
expect_grep err "the baseline's signature does not verify: metrics.json is unsigned: the signature leaves it out" \
    "the unsigned file is named"
check test ! -e gated -- "nothing was run"
cp -a good base2
expect_exit 0 "a baseline signed whole" -- "$MC" sign base2 --key seed/k.pem
expect_exit 0 "is judged" -- \
    "$MC" validate -q seed/modelcert.yaml --baseline base2 --baseline-key k.pub -o gated2
cp -a good base3
printf '%10000s\n' '' >> base3/metrics.json # three shards of 4096 bytes
expect_exit 0 "a baseline signed by shards" -- "$MC" sign base3 --key seed/k.pem --shard-size 4096
expect_exit 0 "is judged too (each shard of metrics.json checked)" -- \
    "$MC" validate -q seed/modelcert.yaml --baseline base3 --baseline-key k.pub -o gated3

# ---- R12: the certificate policy of verify --ca -----------------------------------------------
mkdir -p m && echo weights > m/w.bin
cat > ext.cnf <<'CNF'
[rootext]
basicConstraints=critical,CA:TRUE
keyUsage=critical,keyCertSign
[code]
basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=codeSigning
[kuonly]
basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature
[ekuonly]
basicConstraints=CA:FALSE
extendedKeyUsage=codeSigning
[server]
basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth
[caleaf]
basicConstraints=critical,CA:TRUE
keyUsage=critical,digitalSignature,keyCertSign
[bare]
basicConstraints=CA:FALSE
[encipher]
basicConstraints=CA:FALSE
keyUsage=critical,keyEncipherment
extendedKeyUsage=codeSigning
CNF
make_test_root
# leaf NAME EXTENSION START END: a leaf for the signing key, issued by the root.
leaf() {
    openssl req -new -key seed/k.pem -subj "/CN=$1" -out "$1.csr" 2>/dev/null
    openssl ca -batch -config ca.cnf -cert ca.pem -keyfile ca.key -in "$1.csr" -out "$1.pem" \
        -startdate "$3" -enddate "$4" -extensions "$2" -notext 2>/dev/null
}
now=$(date -u -d '-1 day' +%Y%m%d%H%M%SZ)
soon=$(date -u -d '+30 days' +%Y%m%d%H%M%SZ)
# verify_leaf NAME WANT DESCRIPTION [PATTERN]: sign m with the leaf, verify against the root.
verify_leaf() {
    expect_exit 0 "sign with the $1 leaf (nothing is checked at signing)" -- \
        "$MC" sign m --key seed/k.pem --cert "$1.pem" --signature "$1.sig"
    expect_exit "$2" "$3" -- "$MC" verify m --ca ca.pem --signature "$1.sig"
    [ $# -lt 4 ] || expect_grep err "$4" "the reason is named"
}
leaf code code "$now" "$soon"
verify_leaf code 0 "a codeSigning leaf with digitalSignature verifies"
leaf kuonly kuonly "$now" "$soon"
verify_leaf kuonly 0 "a leaf with digitalSignature and no extended key usage verifies"
leaf ekuonly ekuonly "$now" "$soon"
verify_leaf ekuonly 0 "R12: a codeSigning leaf with no key usage verifies (as model_signing)"
leaf future code 20300101000000Z 20310101000000Z
verify_leaf future 1 "R12: a leaf not valid until 2030 is refused" \
    "the signing certificate (/CN=future) is not valid until 2030-01-01"
leaf expired code 20200101000000Z 20200201000000Z
verify_leaf expired 1 "an expired leaf is refused" "the signing certificate (/CN=expired) has expired"
leaf caleaf caleaf "$now" "$soon"
verify_leaf caleaf 1 "R12: a CA:TRUE leaf is refused" \
    "the signing certificate (/CN=caleaf) is a CA certificate (basicConstraints CA:TRUE)"
leaf server server "$now" "$soon"
verify_leaf server 1 "R12: a serverAuth-only leaf is refused" \
    "the signing certificate (/CN=server) may not sign: its extended key usage does not include codeSigning"
leaf bare bare "$now" "$soon"
verify_leaf bare 1 "a leaf with neither key usage is refused" \
    "may not sign: neither digitalSignature key usage nor the codeSigning extended key usage"
leaf encipher encipher "$now" "$soon"
verify_leaf encipher 1 "a key usage without digitalSignature is refused, whatever the EKU" \
    "may not sign: its key usage does not include digitalSignature"

expect_exit 0 "the audit trail is intact" -- "$MC" audit verify
finish
