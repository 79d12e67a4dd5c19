#!/usr/bin/env bash
# Sigstore keyless verification in a world of the tests' own (tests/interop/sigstore_world.py:
# a Fulcio-like CA, a CT-like log, a Rekor-like Merkle log with a signed checkpoint and a SET,
# a TSA whose RFC 3161 responses `openssl ts -reply` makes, and their trusted_root.json, made
# with python3's cryptography): a model signed there
# verifies, then each link is broken once and the failure is named. Every case is also
# verified by the Sigstore project's JavaScript verifier, npm @sigstore/verify (cached outside
# the tree, as tests/e2e/sign_interop.sh installs it), which must agree, except where it
# cannot see the link (the model's files on disk) or does not check it (marked lenient, and
# checked to be so, so that a change on either side shows): @sigstore/verify 2.1.1 does not ask
# for the codeSigning extended key usage (sigstore-go does) nor compare the checkpoint's tree
# size with the proof's. Then the model logged in a Rekor v2 log, its links broken, with
# @sigstore/verify 3.1.1 (the cases of the v2 checkpoint itself are in sigstore_verify_bundle.sh).
# usage: sigstore_world.sh MODELCERT SOURCE_DIR
set -u
MC=$1
SRC=$2
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sigstore_lib.sh"
cd "$TMP" || exit 2
npm_sigstore NM 2.1.1 3.1.0 || exit 1
refused=0

# case BREAK WANT-EXIT MESSAGE [js]: a fresh world with BREAK; modelcert's exit and message;
# @sigstore/verify's verdict must be the same (js "agree", the default), or it must verify
# (js "lenient"), or it is not asked ("skip").
case_() {
    local brk=$1 want=$2 msg=$3 js=${4:-agree}
    world_model "w-$brk" "$brk" || return
    expect_exit "$want" "world, $brk: modelcert exits $want" -- "$MC" verify "w-$brk/m" \
        --certificate-identity $ID --certificate-oidc-issuer $ISS --trusted-root "w-$brk/trusted_root.json"
    [ -z "$msg" ] || expect_grep "$([ "$want" = 0 ] && echo out || echo err)" "$msg" "world, $brk: named"
    [ "$want" = 0 ] || refused=$((refused + 1))
    if [ "$js" = skip ]; then
        return
    fi
    node "$JS" "$NM" "w-$brk/m/model.sig" "w-$brk/trusted_root.json" $ID $ISS \
        >"$TMP/js.out" 2>&1
    local js_rc=$? js_want=$((want != 0))
    [ "$js" = lenient ] && js_want=0
    check [ $((js_rc != 0)) -eq $js_want ] -- \
        "world, $brk: @sigstore/verify $js ($(head -c 160 "$TMP/js.out"))"
}

case_ none 0 "signed by $ID (issuer $ISS)"
case_ no_tsa 0 "signed by $ID (issuer $ISS)"     # the Rekor entry alone is enough
case_ leaf_expired_at_t 1 "outside the signing certificate's validity" # Rekor's time checked first
case_ ca_window 1 "no certificate authority of the trusted root is valid at the signing time"
case_ rogue_ca 1 "does not chain to a certificate authority of the trusted root"
case_ no_codesign 1 "may not sign code" lenient
case_ identity 1 "identity (mallory@example.com) is not the expected '$ID'"
case_ issuer 1 "OIDC issuer 'https://other.example' is not the expected '$ISS'"
case_ no_sct 1 "carries no SCT"
case_ sct_sig 1 "does not verify over this certificate"
case_ sct_log 1 "no SCT is from a CT log of the trusted root"
case_ tlog_unknown 1 "is not a transparency log of the trusted root"
case_ body_sig 1 "another signature was logged"
case_ statement 1 "does not match the bundle: its payload hash"
case_ proof_hash 1 "the inclusion proof does not lead from the entry (index 4) to the root hash of the tree of size 7"
case_ root_hash 1 "the checkpoint's root hash is not the proof's"
case_ checkpoint_size 1 "the checkpoint's tree size 8 is not the proof's 7" lenient
case_ checkpoint_sig 1 "the checkpoint is not signed by the log's key"
case_ set_sig 1 "inclusion promise (SET) is not the log's signature"
case_ no_proofs 1 "neither an inclusion proof nor an inclusion promise"
case_ time_outside_cert 1 "outside the signing certificate's validity"
case_ rekor_window 1 "outside its log key's window"
case_ dsse_sig 1 "the DSSE signature does not verify with this key"
case_ file 1 "file 'd/config.json' was modified" skip  # @sigstore/verify checks no files
case_ sct_window 1 "is dated .*, outside its key's window in the trusted root"
case_ no_checkpoint 1 "the inclusion proof has no checkpoint"
case_ no_tlog 1 "a keyless signature needs 1 to 8 transparency-log entries (it has 0)"
case_ tsa_sig 1 "timestamp 1: RFC 3161 timestamp of .*: not signed by a timestamp authority of the trusted root valid at that time (signature failure)"
case_ tsa_imprint 1 "timestamp 1: RFC 3161 timestamp of .*: its message imprint is not the digest of the bundle's signature"
case_ tsa_unknown 1 "timestamp 1: .*not signed by a timestamp authority of the trusted root valid at that time (Verify error:certificate signature failure)"
case_ tsa_window 1 "timestamp 1: .*no timestamp authority of the trusted root is valid at that time"
case_ tsa_outside_cert 1 "timestamp 1: the signing certificate ($ID) was not valid at the signing time"
case_ tsa_cert_expired 1 "timestamp 1: .*not signed by a timestamp authority .*(Verify error:certificate has expired)"

# The same model logged in a Rekor v2 log (dsse 0.0.2 entries, an Ed25519 log key, a C2SP
# checkpoint with a witness's cosignature, no integrated time: the RFC 3161 timestamp gives
# it); `verify` names no witness, so the cosignature is a line of an unknown key. @sigstore/verify
# 3.1.1 (2.1.1 reads no Rekor v2 entry) must agree.
npm_sigstore NM3 3.1.1 4.0.0 || exit 1
v2case() {
    local brk=$1 want=$2 msg=$3
    world_model "v2-$brk" "$brk" v2 || return
    expect_exit "$want" "world v2, $brk: modelcert exits $want" -- "$MC" verify "v2-$brk/m" \
        "${KEYLESS[@]}" --trusted-root "v2-$brk/trusted_root.json"
    expect_grep "$([ "$want" = 0 ] && echo out || echo err)" "$msg" "world v2, $brk: named"
    [ "$want" = 0 ] || refused=$((refused + 1))
    node "$JS" "$NM3" "v2-$brk/m/model.sig" "v2-$brk/trusted_root.json" $ID $ISS \
        >"$TMP/js.out" 2>&1
    check [ $(($? != 0)) -eq $((want != 0)) ] -- \
        "world v2, $brk: @sigstore/verify 3.1.1 agrees ($(head -c 160 "$TMP/js.out"))"
}
v2case none 0 "signed by $ID (issuer $ISS)"
v2case statement 1 "the tlog entry's body does not match the bundle: its payload hash is another"
v2case body_sig 1 "the tlog entry's body does not match the bundle: another signature was logged"
v2case dsse_sig 1 "the DSSE signature does not verify with this key"
v2case v2_note_sig 1 "the checkpoint's signature by log2.test does not verify with the log's key"
v2case v2_root 1 "the inclusion proof does not lead from the entry (index 4) to the checkpoint's root hash"
v2case no_tsa 1 "its Rekor v2 entries carry no integrated time and it has no RFC 3161 timestamp"
v2case tsa_outside_cert 1 "the signing certificate ($ID) was not valid at the signing time"
echo "sigstore world: $refused broken links refused"
finish
