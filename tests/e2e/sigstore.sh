#!/usr/bin/env bash
# Sigstore, offline (docs/signing.md, "Sigstore"): the built-in public-good trusted root is
# byte for byte the one npm's @sigstore/tuf ships in its seeds (installed once into a cache
# outside the source tree); model_signing's Sigstore-mode goldens (v0.3.1 to v1.1.0, signed
# keyless with the public-good Fulcio and Rekor) verify with verify --certificate-identity
# --certificate-oidc-issuer, offline, their subject digests recomputed with hashlib; and the
# wrong identity, issuer, trusted root, a changed file, statement or log entry are refused,
# each named.
# usage: sigstore.sh MODELCERT SOURCE_DIR
set -u
MC=$1
SRC=$2
. "$(dirname "$0")/lib.sh"
cd "$TMP" || exit 2
TUF_VERSION=5.0.1
command -v node >/dev/null && command -v npm >/dev/null || {
    echo "FAIL: node and npm are needed (make deps installs Debian's nodejs and npm)"; exit 1; }
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/modelcert-tests/npm-sigstore-tuf-$TUF_VERSION"
mkdir -p "$CACHE" || exit 1
(
    flock 9
    [ -f "$CACHE/node_modules/@sigstore/tuf/seeds.json" ] && exit 0
    npm install --prefix "$CACHE" --ignore-scripts --no-audit --no-fund --no-save --silent \
        "@sigstore/tuf@$TUF_VERSION" >"$CACHE/npm.log" 2>&1 || { cat "$CACHE/npm.log"; exit 1; }
) 9>"$CACHE.lock" || { echo "FAIL: npm install @sigstore/tuf@$TUF_VERSION failed"; exit 1; }
node -e 'const s=require(process.argv[1]);process.stdout.write(Buffer.from(
  s["https://tuf-repo-cdn.sigstore.dev"].targets["trusted_root.json"],"base64"))' \
  "$CACHE/node_modules/@sigstore/tuf/seeds.json" > seed_root.json
check cmp -s seed_root.json "$SRC/signing/sigstore/trusted_root_public_good.json" -- \
    "the built-in trusted root is @sigstore/tuf $TUF_VERSION's seed"

cp -a "$SRC/tests/fixtures/model_signing" g
ID=stefanb@us.ibm.com
ISS=https://sigstore.verify.ibm.com/oauth2
for v in v0.3.1 v1.0.0 v1.0.1 v1.1.0; do
    d=g/$v-sigstore
    want=$(python3 -c '
import hashlib, sys
h = hashlib.sha256()
for n in ("signme-1", "signme-2"):
    h.update(hashlib.sha256(open(sys.argv[1] + "/" + n, "rb").read()).digest())
print(h.hexdigest())' "$d")
    expect_exit 0 "model_signing $v's keyless bundle verifies offline" -- \
        "$MC" verify "$d" --certificate-identity $ID --certificate-oidc-issuer $ISS --ignore "$d/ignore-me"
    expect_grep out "sha256:$want), signed by $ID (issuer $ISS)" "$v: the subject (hashlib) and the signer"
done
d=g/v1.1.0-sigstore
keyless() { "$MC" verify "$d" --certificate-oidc-issuer $ISS "$@"; }
expect_exit 0 "the identity by regular expression" -- keyless --certificate-identity-regexp '@us\.ibm\.com$'
expect_exit 1 "another identity is refused" -- keyless --certificate-identity someone@example.com
expect_grep err "identity (stefanb@us.ibm.com) is not the expected 'someone@example.com'" "named"
expect_exit 1 "another issuer is refused" -- \
    "$MC" verify "$d" --certificate-identity $ID --certificate-oidc-issuer https://accounts.google.com
expect_grep err "OIDC issuer 'https://sigstore.verify.ibm.com/oauth2' is not the expected" "named"
expect_exit 2 "an identity without an issuer is a usage error" -- \
    "$MC" verify "$d" --certificate-identity $ID
expect_exit 2 "a bad regular expression is a usage error" -- keyless --certificate-identity-regexp '('
expect_grep err "certificate-identity-regexp" "named"
cp seed_root.json root.json
expect_exit 0 "--trusted-root with the same root" -- keyless --certificate-identity $ID --trusted-root root.json
python3 -c '
import json, sys
r = json.load(open("root.json")); r["certificateAuthorities"] = r["certificateAuthorities"][:1]
json.dump(r, open("noca.json", "w"))
r = json.load(open("root.json")); r["ctlogs"] = []
json.dump(r, open("noct.json", "w"))
r = json.load(open("root.json")); r["tlogs"] = r["tlogs"][1:]
json.dump(r, open("notlog.json", "w"))'
expect_exit 1 "a root without the CA of 2022 on is refused" -- keyless --certificate-identity $ID --trusted-root noca.json
expect_grep err "no certificate authority of the trusted root is valid at the signing time 2025-10-10 02:12:20 UTC" "the time is named"
expect_exit 1 "a root without CT logs is refused" -- keyless --certificate-identity $ID --trusted-root noct.json
expect_grep err "no SCT is from a CT log of the trusted root" "named"
expect_exit 1 "a root without Rekor v1 is refused" -- keyless --certificate-identity $ID --trusted-root notlog.json
expect_grep err "tlog entry 1: the tlog entry's log wNI9atQGlz+VWfO6LRygH4QUfY/8W4RFwiT5i5WRgB0= is not a transparency log of the trusted root" "named"
printf '{"mediaType":"x"}' > bad.json
expect_exit 2 "a trusted root that does not parse is a usage error" -- keyless --certificate-identity $ID --trusted-root bad.json
expect_grep err "bad.json: trusted root: mediaType 'x' is not" "named"
expect_exit 2 "a missing trusted root" -- keyless --certificate-identity $ID --trusted-root none.json
printf 'X' >> "$d/signme-1"
expect_exit 1 "a changed file is refused" -- keyless --certificate-identity $ID
expect_grep err "file 'signme-1' was modified" "named"
cp "$SRC/tests/fixtures/model_signing/v1.1.0-sigstore/signme-1" "$d/signme-1"
python3 "$SRC/tests/interop/bundle_edit.py" "$d/model.sig" e.sig payload
expect_exit 1 "a changed statement is refused (its log entry no longer matches)" -- \
    keyless --certificate-identity $ID --signature e.sig --ignore "$d/model.sig"
expect_grep err "tlog entry 1: the tlog entry's body does not match the bundle: its payload hash" "named"
python3 -c '
import json, sys
b = json.load(open(sys.argv[1])); b["verificationMaterial"]["tlogEntries"] = []
json.dump(b, open("notlog.sig", "w"))' "$d/model.sig"
expect_exit 1 "a keyless bundle without a log entry is refused" -- \
    keyless --certificate-identity $ID --signature notlog.sig --ignore "$d/model.sig"
expect_grep err "needs 1 to 8 transparency-log entries (it has 0)" "named"
expect_exit 1 "a key-mode golden checked keyless is refused" -- \
    "$MC" verify g/v1.1.0-elliptic-key --certificate-identity $ID --certificate-oidc-issuer $ISS
expect_grep err "Sigstore verification needs the signing certificate" "named"
finish
