#!/usr/bin/env bash
# `modelcert sigstore verify-bundle`, the sigstore-conformance client protocol, in the Sigstore
# world of tests/interop/sigstore_world.py: a blob signed as Sigstore clients sign one (a
# message signature over its SHA-256, logged as hashedrekord 0.0.1, with an RFC 3161
# timestamp) verifies by path and by sha256: digest, and each link broken once is refused
# (exit 1, named), npm @sigstore/verify (cached as sigstore_world.sh caches it) agreeing on
# every case; a DSSE bundle over a model directory verifies against its subject digest
# (computed here with python3's hashlib); --key verifies with a public key; bad input exits 2
# with its reason.
# usage: sigstore_verify_bundle.sh MODELCERT SOURCE_DIR
set -u
MC=$1
SRC=$2
. "$(dirname "$0")/lib.sh"
cd "$TMP" || exit 2
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/modelcert-tests/npm-sigstore-2.1.1"
mkdir -p "$CACHE" || exit 1
(
    flock 9
    [ -f "$CACHE/node_modules/@sigstore/verify/package.json" ] && exit 0
    cd "$CACHE" && npm install --no-audit --no-fund --silent @sigstore/verify@2.1.1 \
        @sigstore/bundle@3.1.0 >"$CACHE/npm.log" 2>&1 || { cat "$CACHE/npm.log"; exit 1; }
) 9>"$CACHE.lock" || { echo "FAIL: npm install @sigstore/verify failed"; exit 1; }
WORLD="$SRC/tests/interop/sigstore_world.py"
JS="$SRC/tests/interop/sigstore_keyless_verify.js"
ID=signer@example.com
ISS=https://oidc.example
KEYLESS=(--certificate-identity $ID --certificate-oidc-issuer $ISS)

# blob BREAK WANT-EXIT MESSAGE: a fresh world signing b-BREAK/a.txt with BREAK; modelcert's
# verdict by path, and @sigstore/verify's, must agree.
blob() {
    local brk=$1 want=$2 msg=$3
    rm -rf "b-$brk" && mkdir -p "b-$brk"
    printf 'the artifact' > "b-$brk/a.txt"
    python3 "$WORLD" "b-$brk" "b-$brk/a.txt" "$brk" blob >/dev/null ||
        { echo "FAIL: world $brk"; failures=$((failures + 1)); return; }
    expect_exit "$want" "blob, $brk: exits $want" -- "$MC" sigstore verify-bundle \
        --bundle "b-$brk/blob.sigstore.json" "${KEYLESS[@]}" \
        --trusted-root "b-$brk/trusted_root.json" "b-$brk/a.txt"
    expect_grep "$([ "$want" = 0 ] && echo out || echo err)" "$msg" "blob, $brk: named"
    node "$JS" "$CACHE/node_modules" "b-$brk/blob.sigstore.json" "b-$brk/trusted_root.json" \
        $ID $ISS "b-$brk/a.txt" >"$TMP/js.out" 2>&1
    local js_rc=$?
    check [ $((js_rc != 0)) -eq $((want != 0)) ] -- \
        "blob, $brk: @sigstore/verify agrees ($(head -c 160 "$TMP/js.out"))"
}

blob none 0 "verified: b-none/a.txt, signed by $ID (issuer $ISS)"
blob no_tsa 0 "verified: b-no_tsa/a.txt, signed by $ID (issuer $ISS)"
blob blob_digest 1 "the bundle signs another artifact (sha256:.*), not this one"
blob file 1 "the bundle signs another artifact"
blob blob_logged_hash 1 "tlog entry 1: the tlog entry's body does not match the bundle: its digest is"
blob body_sig 1 "another signature was logged"
blob dsse_sig 1 "the message signature does not verify over the artifact's digest"
blob proof_hash 1 "the inclusion proof does not lead from the entry"
blob set_sig 1 "inclusion promise (SET) is not the log's signature"
blob tsa_imprint 1 "timestamp 1: RFC 3161 timestamp of .*: its message imprint is not the digest"
blob identity 1 "identity (mallory@example.com) is not the expected '$ID'"
blob sct_sig 1 "does not verify over this certificate"

# The artifact as a digest: the right one, another one.
D=$(python3 -c 'import hashlib,sys; print(hashlib.sha256(open(sys.argv[1],"rb").read()).hexdigest())' b-none/a.txt)
expect_exit 0 "blob by sha256: digest" -- "$MC" sigstore verify-bundle \
    --bundle b-none/blob.sigstore.json "${KEYLESS[@]}" --trusted-root b-none/trusted_root.json "sha256:$D"
expect_exit 1 "another digest refused" -- "$MC" sigstore verify-bundle \
    --bundle b-none/blob.sigstore.json "${KEYLESS[@]}" --trusted-root b-none/trusted_root.json \
    "sha256:$(printf '%064d' 0)"
expect_grep err "not this one (sha256:0000000000000000000000000000000000000000000000000000000000000000)" \
    "another digest: named"

# A DSSE bundle over a model directory: its in-toto subject digest (the SHA-256 of the files'
# SHA-256s in path order, as model_signing computes it) is the artifact.
mkdir -p m/d && printf 'weights' > m/w.bin && printf '{"layers":2}' > m/d/config.json
python3 "$WORLD" w m none >/dev/null || { echo "FAIL: world for the model"; exit 1; }
S=$(python3 -c '
import hashlib, pathlib, sys
m = pathlib.Path(sys.argv[1]); h = hashlib.sha256()
for p in sorted(q for q in m.rglob("*") if q.is_file() and q.name != "model.sig"):
    h.update(hashlib.sha256(p.read_bytes()).digest())
print(h.hexdigest())' m)
expect_exit 0 "DSSE bundle: the statement's subject digest" -- "$MC" sigstore verify-bundle \
    --bundle m/model.sig "${KEYLESS[@]}" --trusted-root w/trusted_root.json "sha256:$S"
expect_exit 1 "DSSE bundle: a file that is no subject" -- "$MC" sigstore verify-bundle \
    --bundle m/model.sig "${KEYLESS[@]}" --trusted-root w/trusted_root.json m/w.bin
expect_grep err "no subject of the bundle's statement has the artifact's digest" "no subject: named"

# --key: the signer's public key (taken from the bundle's certificate by openssl).
python3 -c 'import base64,json,sys; sys.stdout.buffer.write(base64.b64decode(json.load(open(sys.argv[1]))["verificationMaterial"]["certificate"]["rawBytes"]))' \
    b-none/blob.sigstore.json > leaf.der
openssl x509 -inform DER -in leaf.der -pubkey -noout > leaf.pub
openssl ecparam -name prime256v1 -genkey -noout 2>/dev/null | openssl ec -pubout > other.pub 2>/dev/null
expect_exit 0 "--key: the signer's key" -- "$MC" sigstore verify-bundle \
    --bundle b-none/blob.sigstore.json --key leaf.pub b-none/a.txt
expect_exit 1 "--key: another key" -- "$MC" sigstore verify-bundle \
    --bundle b-none/blob.sigstore.json --key other.pub b-none/a.txt
expect_grep err "the message signature does not verify over the artifact's digest" "--key: named"

# Bad input: exit 2, the reason named.
bad() {
    local what=$1 msg=$2; shift 2
    expect_exit 2 "bad input: $what" -- "$MC" sigstore verify-bundle "$@"
    expect_grep err "$msg" "bad input: $what, named"
}
bad "a short digest" "artifact digest 'sha256:abc' is not sha256: and 64 hex digits" \
    --bundle b-none/blob.sigstore.json "${KEYLESS[@]}" sha256:abc
bad "--staging" "no staging trusted root is built in" \
    --bundle b-none/blob.sigstore.json "${KEYLESS[@]}" --staging b-none/a.txt
bad "no --bundle" "verify-bundle needs --bundle FILE" "${KEYLESS[@]}" b-none/a.txt
bad "--key and an identity" "give either --key or --certificate-identity" \
    --bundle b-none/blob.sigstore.json --key leaf.pub "${KEYLESS[@]}" b-none/a.txt
bad "a missing artifact" "cannot read nothing.txt" \
    --bundle b-none/blob.sigstore.json "${KEYLESS[@]}" nothing.txt
bad "a trusted root that is not one" "trusted root" \
    --bundle b-none/blob.sigstore.json "${KEYLESS[@]}" --trusted-root leaf.pub b-none/a.txt
finish
