#!/usr/bin/env bash
# Rekor v2 bundles of the sigstore-conformance suite (tests/fixtures/sigstore_conformance, its
# README names the commit): `modelcert sigstore verify-bundle` run as the suite runs a client
# (its test_verify: the identity and issuer of its beacon, the case's trusted_root.json or the
# staging root they share, the case's artifact or a.txt). A case whose name ends in _fail must
# exit 1 with the reason named here; every other case must verify (exit 0). These bundles were
# signed by Sigstore's staging Fulcio, Rekor v2 log and TSA, not by modelcert. npm
# @sigstore/verify 3.1.1 must agree on each case but the one pinned below.
# usage: sigstore_conformance.sh MODELCERT SOURCE_DIR
set -u
MC=$1
SRC=$2
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sigstore_lib.sh"
F="$SRC/tests/fixtures/sigstore_conformance"
npm_sigstore NM3 3.1.1 4.0.0 || exit 1
ID=https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main
ISS=https://token.actions.githubusercontent.com

# The reason each failing case must give.
declare -A WHY=(
    [rekor2-checkpoint-missing-log-signature_fail]="the checkpoint is not signed by the log's key (no signature line of log2025-alpha1.rekor.sigstage.dev with key id f30d5a99)"
    [rekor2-checkpoint-missing-origin_fail]="the checkpoint's text is not an origin, a tree size and a root hash"
    [rekor2-checkpoint-missing-root-hash_fail]="the checkpoint's text is not an origin, a tree size and a root hash"
    [rekor2-checkpoint-missing-size_fail]="the checkpoint's text is not an origin, a tree size and a root hash"
    [rekor2-checkpoint-no-matching-signature_fail]="the checkpoint's origin 'log2025-alpha1.rekor.github.dev' is not the log's 'log2025-alpha1.rekor.sigstage.dev'"
    [rekor2-dsse-invalid-sig_fail]="the tlog entry's body does not match the bundle: another signature was logged"
    [rekor2-dsse-mismatch-envelope_fail]="its digest (of the envelope's PAE) is another"
    [rekor2-dsse-mismatch-sig_fail]="the tlog entry's body does not match the bundle: another signature was logged"
    [rekor2-no-inclusion-proof_fail]="the Rekor v2 entry has no inclusion proof"
    [rekor2-no-timestamp_fail]="its Rekor v2 entries carry no integrated time and it has no RFC 3161 timestamp"
    [rekor2-timestamp-outside-trust-root-tsa-validity_fail]="no timestamp authority of the trusted root is valid at that time"
    [rekor2-timestamp-outside-tsa-cert-validity_fail]="not signed by a timestamp authority of the trusted root valid at that time (Verify error:certificate has expired)"
    [rekor2-timestamp-payload-mismatch_fail]="its message imprint is not the digest of the bundle's signature"
    [rekor2-timestamp-untrusted-tsa-with-embedded-cert_fail]="not signed by a timestamp authority of the trusted root"
    [rekor2-timestamp-untrusted-tsa-without-embedded-cert_fail]="not signed by a timestamp authority of the trusted root"
    [rekor2-timestamp-with-incorrect-time_fail]="was not valid at the signing time 2025-07-15 10:33:31 UTC"
)
# Where npm @sigstore/verify 3.1.1 (code we did not write) disagrees, and why: it predates the
# hashedrekord-over-DSSE encoding (the entry logs SHA-256(PAE), not a dsse 0.0.2 entry).
declare -A JS_DIFFERS=([rekor2-dsse-happy-path]="TLOG_BODY_ERROR digest mismatch")
# js NAME WANT ROOT ART: @sigstore/verify's verdict on the case agrees with WANT, or differs
# as JS_DIFFERS says.
js() {
    node "$JS" "$NM3" "$F/$1/bundle.sigstore.json" "$3" "$ID" "$ISS" "$4" >"$TMP/js.out" 2>&1
    local rc=$? want=$(($2 != 0))
    if [ -n "${JS_DIFFERS[$1]:-}" ]; then
        check grep -q "${JS_DIFFERS[$1]}" "$TMP/js.out" -- \
            "$1: @sigstore/verify 3.1.1 differs as pinned ($(head -c 120 "$TMP/js.out"))"
        want=$((1 - want))
    fi
    check [ $((rc != 0)) -eq $want ] -- "$1: @sigstore/verify 3.1.1 ($(head -c 120 "$TMP/js.out"))"
}
n_pass=0
n_fail=0
for d in "$F"/*/; do
    name=$(basename "$d")
    root="$d/trusted_root.json"
    [ -f "$root" ] || root="$F/staging_trusted_root.json"
    art="$d/artifact"
    [ -f "$art" ] || art="$F/a.txt"
    case $name in
    *_fail)
        n_fail=$((n_fail + 1))
        expect_exit 1 "$name: refused" -- "$MC" sigstore verify-bundle \
            --bundle "$d/bundle.sigstore.json" --certificate-identity "$ID" \
            --certificate-oidc-issuer "$ISS" --trusted-root "$root" "$art"
        check [ -n "${WHY[$name]:-}" ] -- "$name: has an expected reason"
        expect_grep err "${WHY[$name]:-no reason given}" "$name: named"
        js "$name" 1 "$root" "$art" ;;
    *)
        n_pass=$((n_pass + 1))
        expect_exit 0 "$name: verified" -- "$MC" sigstore verify-bundle \
            --bundle "$d/bundle.sigstore.json" --certificate-identity "$ID" \
            --certificate-oidc-issuer "$ISS" --trusted-root "$root" "$art"
        expect_grep out "verified: .*a.txt, signed by $ID (issuer $ISS)" "$name: signer named"
        js "$name" 0 "$root" "$art" ;;
    esac
done
check [ "$n_pass" -eq 10 ] -- "10 passing cases (found $n_pass)"
check [ "$n_fail" -eq 16 ] -- "16 failing cases (found $n_fail)"
# The same bundle, another identity: refused by the identity, after the v2 entry verified.
expect_exit 1 "rekor2-happy-path, another identity" -- "$MC" sigstore verify-bundle \
    --bundle "$F/rekor2-happy-path/bundle.sigstore.json" --certificate-identity mallory@example.com \
    --certificate-oidc-issuer "$ISS" --trusted-root "$F/staging_trusted_root.json" "$F/a.txt"
expect_grep err "is not the expected 'mallory@example.com'" "another identity: named"
finish
