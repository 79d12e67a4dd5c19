#!/usr/bin/env bash
# certify end to end: refusals (no validation, a failed one, a changed model,
# changed data), the spec's signing section (key env:VAR and file:PATH,
# format dsse_intoto, what is covered, the identity), verify --certificate, and
# that certify loads its key once (strace counts the opens of its files).
# usage: certify.sh MODELCERT SOURCE_DIR
set -u
MC=$1
SRC=$2
. "$(dirname "$0")/lib.sh"
cd "$TMP" || exit 2
seed_with_key P-384

expect_exit 0 "run (no validation)" -- "$MC" run -q seed/modelcert.yaml -o plain
expect_exit 2 "certify refuses a run without validation" -- "$MC" certify plain --key seed/k.pem
expect_grep err "plain has no validation.json" "the missing validation is named"
sed 's/accuracy: {min: 0.85}/accuracy: {min: 0.99}/' seed/modelcert.yaml > seed/tight.yaml
"$MC" validate -q seed/tight.yaml -o failed >/dev/null 2>&1
expect_exit 2 "certify refuses a failed validation" -- "$MC" certify failed --key seed/k.pem
expect_grep err "the validation did not pass (verdict fail)" "the verdict is named"
expect_exit 0 "validate" -- "$MC" validate -q seed/modelcert.yaml -o run
cp -a run changed; printf 'x' >> changed/model.mcm
expect_exit 2 "certify refuses a model changed after validation" -- "$MC" certify changed --key seed/k.pem
expect_grep err "the model on disk (sha256 .*) is not the one recorded" "the model is named"
cp -a run respec; sed -i 's/"seed": 42/"seed": 43/' respec/spec.json
expect_exit 2 "certify refuses a changed spec.json" -- "$MC" certify respec --key seed/k.pem
expect_grep err "the normalised spec on disk" "the spec is named"
cp seed/data.csv data2.csv; echo "1,2" >> data2.csv
expect_exit 2 "certify refuses other data" -- "$MC" certify run --key seed/k.pem --data data2.csv
expect_grep err "the data on disk" "the data is named"
expect_exit 2 "certify needs a key" -- "$MC" certify run

# The spec's signing section: env: key, dsse_intoto, what is covered, identity.
cat seed/modelcert.yaml > seed/signed.yaml
printf 'signing:\n  format: dsse_intoto\n  key: env:MODELCERT_TEST_KEY\n  identity: release@example.com\n  sign: [model, spec, validation]\n' >> seed/signed.yaml
cp -a run r2
expect_exit 0 "certify with the spec's signing section" -- env MODELCERT_TEST_KEY="$(cat seed/k.pem)" "$MC" certify r2 --spec seed/signed.yaml
expect_grep out "signature (dsse_intoto): r2/model.sig" "the format is the spec's"
check python3 -c "import json,sys; e=json.load(open(sys.argv[1])); assert e['payloadType']=='application/vnd.in-toto+json' and 'mediaType' not in e" r2/model.sig -- "a bare DSSE envelope"
check grep -q "release@example.com" <(python3 -c "import base64,json,sys; [print(base64.b64decode(json.loads(l)['payload']).decode()) for l in open(sys.argv[1])]" r2/release.intoto.jsonl) -- "the identity is in the certificate"
expect_exit 0 "verify the dsse_intoto run with its certificate" -- "$MC" verify r2 --key k.pub --certificate r2/release.intoto.jsonl
echo changed >> r2/metrics.json
expect_exit 0 "metrics are not covered by sign: [model, spec, validation]" -- "$MC" verify r2 --key k.pub
printf 'x' >> r2/model.mcm
expect_exit 1 "the model is covered" -- "$MC" verify r2 --key k.pub
expect_grep err "model.mcm" "and named"
printf 'signing:\n  key: file:k.pem\n' > seed/filekey.yaml.part
cat seed/modelcert.yaml seed/filekey.yaml.part > seed/filekey.yaml
cp -a run r3
expect_exit 0 "certify with signing.key file:PATH (relative to the spec)" -- "$MC" certify r3 --spec seed/filekey.yaml -o r3.jsonl
expect_exit 0 "verify with a certificate outside the run" -- "$MC" verify r3 --key k.pub --certificate r3.jsonl
expect_exit 1 "another run's certificate is refused" -- "$MC" verify r3 --key k.pub --certificate failed/validation.json
sed 's/^  seed: 42$/  seed: 7/' seed/modelcert.yaml > seed/seed7.yaml
expect_exit 0 "validate another model (seed 7)" -- "$MC" validate -q seed/seed7.yaml -o r4
expect_exit 0 "certify it with --key" -- "$MC" certify r4 --key seed/k.pem
expect_exit 1 "r3's certificate does not fit r4's files" -- "$MC" verify r4 --key k.pub --certificate r3.jsonl
expect_grep err "release certificate: its subject is not the model on disk" "the subject is named"
# A signed baseline and a signed run to reproduce.
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 2>/dev/null | openssl pkey -pubout -out other.pub 2>/dev/null
expect_exit 0 "validate against a signed baseline" -- "$MC" validate seed/modelcert.yaml --baseline r4 --baseline-key k.pub -o v-signed
expect_grep out "PASS  signing.baseline .*baseline r4 is signed by key" "the baseline's signature is a signing result"
check python3 -c "import json,sys; r=[x for x in json.load(open(sys.argv[1]))['results'] if x['category']=='signing']; assert r and r[0]['status']=='pass'" v-signed/validation.json -- "validation.json has the signing result"
expect_exit 2 "a baseline signed by another key is refused before training" -- "$MC" validate seed/modelcert.yaml --baseline r4 --baseline-key other.pub -o v-other
expect_grep err "the baseline's signature does not verify: wrong key" "the wrong key is named"
check test ! -e v-other -- "nothing was run"
expect_exit 2 "an unsigned baseline is refused" -- "$MC" validate seed/modelcert.yaml --baseline run --baseline-key k.pub -o v-unsigned
expect_grep err "no signature at run/model.sig" "the missing signature is named"
expect_exit 2 "--baseline-key needs --baseline" -- "$MC" validate seed/modelcert.yaml --baseline-key k.pub
expect_exit 0 "reproduce a signed run with --key" -- "$MC" reproduce r4 --key k.pub
expect_grep out "PASS  r4 is signed by key" "the run's signature is checked first"
expect_exit 2 "reproduce refuses a run signed by another key" -- "$MC" reproduce r4 --key other.pub
expect_grep err "the run's signature does not verify" "and says why"
# The signature must cover what reproduce reads: a bundle that leaves spec.json out (the spec
# steers the re-run) is refused before anything runs, and so is each other file it reads,
# the outputs it compares with the re-run included.
for f in spec.json run.json metrics.json test_predictions.csv history.csv; do
    rm -rf r4-ign && cp -r r4 r4-ign && rm -f r4-ign/model.sig
    expect_exit 0 "sign a copy of r4 leaving $f out" -- "$MC" sign r4-ign --key seed/k.pem --ignore "$f"
    expect_exit 2 "reproduce --key refuses a signature that leaves $f out" -- \
        "$MC" reproduce r4-ign --key k.pub
    expect_grep err "the run's signature does not verify: $f is unsigned: the signature leaves it out" \
        "the unsigned $f is named"
    check sh -c "! grep -q reproduce.run out" -- "nothing was re-run ($f)"
done
# certify loads its key once: the passphrase file is read once (it was read twice, and a
# PKCS #11 key logged in twice, when the run's signature loaded the key a second time).
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -aes-128-cbc -pass pass:e2e-pass \
    -out enc.pem 2>/dev/null
chmod 600 enc.pem
printf 'e2e-pass\n' > pass.txt
openssl pkey -in enc.pem -passin pass:e2e-pass -pubout -out enc.pub 2>/dev/null
cp -a run r5
# (LeakSanitizer cannot run under ptrace: the sanitizer build checks leaks everywhere else.)
expect_exit 0 "certify with an encrypted key under strace" -- \
    env ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" strace -f -qq -e trace=open,openat,openat2 -o strace.log "$MC" certify r5 --key enc.pem --passphrase-file pass.txt
check [ "$(grep -c '"pass.txt"' strace.log)" = 1 ] -- "the passphrase file is opened once ($(grep -c '"pass.txt"' strace.log))"
check [ "$(grep -c '"enc.pem"' strace.log)" = 1 ] -- "the key file is opened once ($(grep -c '"enc.pem"' strace.log))"
expect_exit 0 "and the release verifies" -- "$MC" verify r5 --key enc.pub --certificate r5/release.intoto.jsonl
expect_exit 0 "the audit trail is intact" -- "$MC" audit verify
expect_exit 0 "certify events" -- "$MC" audit log
expect_grep out "certify" "a certify event is listed"
echo "$failures failure(s)"
[ "$failures" -eq 0 ]
