#!/usr/bin/env bash
# validate --baseline RUN with a Sigstore keyless baseline (issue 22 item 4): a run directory
# signed keyless in the tests' own Sigstore world (tests/interop/sigstore_world.py: Fulcio-,
# CT-, Rekor-like and a TSA) is checked before any training against
# --certificate-identity / --certificate-oidc-issuer / --trusted-root (verify's flags); another identity, a
# changed metrics.json and options that do not go together are refused with their reasons.
# usage: sigstore_baseline.sh MODELCERT SOURCE_DIR
set -u
MC=$1
SRC=$2
. "$(dirname "$0")/lib.sh"
cd "$TMP" || exit 2
cp -r "$SRC/examples/seed" seed
rm -rf seed/.modelcert seed/runs
ID=signer@example.com
ISS=https://oidc.example
expect_exit 0 "a baseline run" -- "$MC" validate -q seed/modelcert.yaml -o base
python3 "$SRC/tests/interop/sigstore_world.py" w base none >/dev/null ||
    { echo "FAIL: the world could not sign the baseline"; exit 1; }
KEYLESS=(--certificate-identity $ID --certificate-oidc-issuer $ISS
         --trusted-root w/trusted_root.json)

expect_exit 0 "a keyless-signed baseline is judged" -- \
    "$MC" validate -q seed/modelcert.yaml --baseline base "${KEYLESS[@]}" -o gated
check python3 -c "
import json, sys
v = json.load(open('gated/validation.json'))
r = [r for r in v['results'] if r['id'] == 'signing.baseline']
sys.exit(not (len(r) == 1 and r[0]['status'] == 'pass' and
              r[0]['expected'] == '$ID (issuer $ISS)'))" -- \
    "validation.json: signing.baseline passed, expected the keyless signer"
expect_exit 0 "the identity by regular expression" -- \
    "$MC" validate -q seed/modelcert.yaml --baseline base --certificate-identity-regexp \
    '^signer@example\.com$' --certificate-oidc-issuer $ISS \
    --trusted-root w/trusted_root.json -o gated_re

expect_exit 2 "another identity is refused" -- "$MC" validate -q seed/modelcert.yaml \
    --baseline base --certificate-identity mallory@example.com \
    --certificate-oidc-issuer $ISS --trusted-root w/trusted_root.json -o g2
expect_grep err "the baseline's signature does not verify: the signing certificate's identity ($ID) is not the expected 'mallory@example.com'" \
    "another identity: named"
check test ! -e g2 -- "nothing was run"
expect_exit 2 "the built-in public-good root does not know the test world" -- \
    "$MC" validate -q seed/modelcert.yaml --baseline base --certificate-identity $ID \
    --certificate-oidc-issuer $ISS -o g3
expect_grep err "the baseline's signature does not verify: tlog entry 1: the tlog entry's log .* is not a transparency log of the trusted root" \
    "public-good root: named"

cp -a base changed
printf ' ' >> changed/metrics.json
expect_exit 2 "a changed metrics.json is refused" -- \
    "$MC" validate -q seed/modelcert.yaml --baseline changed "${KEYLESS[@]}" -o g4
expect_grep err "the baseline's signature does not verify: .*metrics.json" "the changed file is named"

expect_exit 2 "an identity without an issuer" -- "$MC" validate -q seed/modelcert.yaml \
    --baseline base --certificate-identity $ID -o g5
expect_grep err "a keyless baseline needs --certificate-oidc-issuer and one of --certificate-identity" "usage: named"
check test ! -e g5 -- "nothing was run"
expect_exit 2 "a key and an identity" -- "$MC" validate -q seed/modelcert.yaml \
    --baseline base --baseline-key w/trusted_root.json "${KEYLESS[@]}" -o g6
expect_grep err "a baseline signer (--baseline-key, --baseline-ca or --certificate-identity, one) needs --baseline" \
    "one signer only: named"
expect_exit 2 "an identity without --baseline" -- "$MC" validate -q seed/modelcert.yaml \
    "${KEYLESS[@]}" -o g7
expect_grep err "a baseline signer .* needs --baseline" "no baseline: named"

# reproduce RUN with the same keyless signer: the run's signature first, then the re-run.
expect_exit 0 "reproduce: a keyless-signed run" -- "$MC" reproduce base "${KEYLESS[@]}" --json
check python3 -c "
import json, sys
v = json.load(sys.stdin)
r = [r for r in v['results'] if r['id'] == 'signing.run']
sys.exit(not (len(r) == 1 and r[0]['status'] == 'pass' and
              r[0]['expected'] == '$ID (issuer $ISS)'))" < "$TMP/out" -- \
    "reproduce: signing.run passed, expected the keyless signer"
expect_exit 2 "reproduce: another identity" -- "$MC" reproduce base \
    --certificate-identity mallory@example.com --certificate-oidc-issuer $ISS \
    --trusted-root w/trusted_root.json
expect_grep err "the run's signature does not verify: the signing certificate's identity ($ID) is not the expected 'mallory@example.com'" \
    "reproduce, another identity: named"
expect_exit 2 "reproduce: a changed metrics.json" -- "$MC" reproduce changed "${KEYLESS[@]}"
expect_grep err "the run's signature does not verify: .*metrics.json" "reproduce, changed: named"
expect_exit 2 "reproduce: a key and an identity" -- "$MC" reproduce base --key w/trusted_root.json \
    "${KEYLESS[@]}"
expect_grep err "give either --key or the keyless flags" "reproduce, two signers: named"

# A baseline logged in a Rekor v2 log (dsse 0.0.2, a C2SP checkpoint; its time from the RFC
# 3161 timestamp) is judged the same way.
cp -a base base2 && rm -f base2/model.sig
python3 "$SRC/tests/interop/sigstore_world.py" w2 base2 none v2 >/dev/null ||
    { echo "FAIL: the world could not sign the baseline in Rekor v2"; exit 1; }
expect_exit 0 "a baseline signed keyless, logged in Rekor v2" -- "$MC" validate -q \
    seed/modelcert.yaml --baseline base2 --certificate-identity $ID \
    --certificate-oidc-issuer $ISS --trusted-root w2/trusted_root.json -o gated2
expect_exit 0 "reproduce: a run logged in Rekor v2" -- "$MC" reproduce base2 \
    --certificate-identity $ID --certificate-oidc-issuer $ISS --trusted-root w2/trusted_root.json
finish
