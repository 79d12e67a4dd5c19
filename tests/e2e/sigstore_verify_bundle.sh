#!/usr/bin/env bash
# `modelcert sigstore verify-bundle`, the sigstore-conformance client protocol, in the Sigstore
# world of tests/interop/sigstore_world.py: a blob signed as Sigstore clients sign one (a
# message signature over its SHA-256, logged as hashedrekord 0.0.1, with an RFC 3161
# timestamp) verifies by path and by sha256: digest, and each link broken once is refused
# (exit 1, named), npm @sigstore/verify (cached as sigstore_world.sh caches it) agreeing on
# every case; the same blob logged in a Rekor v2 log (hashedrekord 0.0.2, a C2SP checkpoint
# cosigned by a witness named with --witness), each of its links broken once, @sigstore/verify
# 3.1.1 agreeing where it checks the link; a DSSE bundle over a model directory verifies
# against its subject digest
# (computed here with python3's hashlib); --key verifies with a public key; bad input exits 2
# with its reason.
# usage: sigstore_verify_bundle.sh MODELCERT SOURCE_DIR
set -u
MC=$1
SRC=$2
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sigstore_lib.sh"
cd "$TMP" || exit 2
npm_sigstore NM 2.1.1 3.1.0 || exit 1

# blob BREAK WANT-EXIT MESSAGE: a fresh world signing b-BREAK/a.txt with BREAK; modelcert's
# verdict by path, and @sigstore/verify's, must agree.
blob() {
    local brk=$1 want=$2 msg=$3
    world_blob "b-$brk" "$brk" || return
    expect_exit "$want" "blob, $brk: exits $want" -- "$MC" sigstore verify-bundle \
        --bundle "b-$brk/blob.sigstore.json" "${KEYLESS[@]}" \
        --trusted-root "b-$brk/trusted_root.json" "b-$brk/a.txt"
    expect_grep "$([ "$want" = 0 ] && echo out || echo err)" "$msg" "blob, $brk: named"
    node "$JS" "$NM" "b-$brk/blob.sigstore.json" "b-$brk/trusted_root.json" \
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

# Rekor v2 (hashedrekord 0.0.2, an Ed25519 log, a C2SP checkpoint cosigned by a witness that
# --witness names): each link broken once. @sigstore/verify 3.1.1 (the first to read Rekor v2
# entries; 2.1.1 refuses every one) must agree, except where it checks less: it takes no
# witness keys (cosignatures ignored), finds the log by the checkpoint's key rather than the
# entry's logId, and does not ask the v2 log's key to be valid at the timestamp's time.
npm_sigstore NM3 3.1.1 4.0.0 || exit 1
blob2() {
    local brk=$1 want=$2 msg=$3 js=${4:-agree}
    world_blob "v2-$brk" "$brk" v2 || return
    expect_exit "$want" "v2 blob, $brk: exits $want" -- "$MC" sigstore verify-bundle \
        --bundle "v2-$brk/blob.sigstore.json" "${KEYLESS[@]}" \
        --trusted-root "v2-$brk/trusted_root.json" --witness "$(cat "v2-$brk/witness.vkey")" \
        "v2-$brk/a.txt"
    expect_grep "$([ "$want" = 0 ] && echo out || echo err)" "$msg" "v2 blob, $brk: named"
    [ "$want" = 0 ] || v2_refused=$((v2_refused + 1))
    node "$JS" "$NM3" "v2-$brk/blob.sigstore.json" "v2-$brk/trusted_root.json" $ID $ISS \
        "v2-$brk/a.txt" >"$TMP/js.out" 2>&1
    local js_rc=$? js_want=$((want != 0))
    [ "$js" = lenient ] && js_want=0
    check [ $((js_rc != 0)) -eq $js_want ] -- \
        "v2 blob, $brk: @sigstore/verify 3.1.1 $js ($(head -c 160 "$TMP/js.out"))"
}
v2_refused=0
blob2 none 0 "verified: v2-none/a.txt, signed by $ID (issuer $ISS)"
blob2 v2_note_sig 1 "tlog entry 1: the checkpoint's signature by log2.test does not verify with the log's key"
blob2 v2_key_id 1 "the checkpoint is not signed by the log's key (no signature line of log2.test with key id"
blob2 v2_unknown_key 1 "the tlog entry's log .* is not a transparency log of the trusted root" lenient
blob2 v2_origin 1 "the checkpoint's origin 'other.test' is not the log's 'log2.test'"
blob2 v2_root 1 "the inclusion proof does not lead from the entry (index 4) to the checkpoint's root hash (tree size 7)"
blob2 v2_size 1 "the inclusion proof does not lead from the entry (index 4) to the checkpoint's root hash (tree size 9)"
blob2 v2_cosig_bad 1 "the cosignature of witness witness.test/w1 does not verify" lenient
blob2 v2_cosig_time 1 "the cosignature of witness witness.test/w1 does not verify" lenient
blob2 v2_cosig_missing 1 "the checkpoint is not cosigned by witness witness.test/w1" lenient
blob2 v2_other_witness 1 "the checkpoint is not cosigned by witness witness.test/w2" lenient
blob2 v2_root_log_id 1 "the trusted root's log log2.test: its logId is not the C2SP key id of its key and name"
blob2 v2_log_window 1 "timestamp 1's time .* is outside its log key's window in the trusted root" lenient
blob2 v2_no_proof 1 "the Rekor v2 entry has no inclusion proof"
blob2 no_tsa 1 "its Rekor v2 entries carry no integrated time and it has no RFC 3161 timestamp"
blob2 body_sig 1 "tlog entry 1: the tlog entry's body does not match the bundle: another signature was logged"
blob2 blob_logged_hash 1 "tlog entry 1: the tlog entry's body does not match the bundle: its digest is another"
blob2 identity 1 "identity (mallory@example.com) is not the expected '$ID'"
echo "sigstore world, Rekor v2: $v2_refused broken links refused"
# Without --witness, a cosignature is a line of an unknown key: ignored.
expect_exit 0 "v2 blob, no --witness: the cosignature ignored" -- "$MC" sigstore verify-bundle \
    --bundle v2-v2_cosig_bad/blob.sigstore.json "${KEYLESS[@]}" \
    --trusted-root v2-v2_cosig_bad/trusted_root.json v2-v2_cosig_bad/a.txt
bad_witness() {
    expect_exit 2 "--witness $1" -- "$MC" sigstore verify-bundle --bundle v2-none/blob.sigstore.json \
        "${KEYLESS[@]}" --trusted-root v2-none/trusted_root.json --witness "$1" v2-none/a.txt
    expect_grep err "$2" "--witness $1: named"
}
bad_witness "witness.test" "is not NAME+HEX8+BASE64"
bad_witness "w+0000000g+AA==" "its key id is not 8 lowercase hex digits"
bad_witness "w+00000000+AQID" "is not an Ed25519 cosignature key (type 0x04 and 32 bytes)"
W=$(cat v2-none/witness.vkey)
K=${W#*+}
bad_witness "${W%%+*}+00000000+${K#*+}" "its key id is not the key's"

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
