#!/usr/bin/env bash
# Every bundle model_signing has written verifies: its own compatibility goldens
# (tests/fixtures/model_signing, copied from sigstore/model-transparency), v0.2.0 to v1.1.0, in
# key and certificate modes, a directory and a single file, with --ignore given as
# model_signing's --ignore-paths is (from the current directory) and relative to the model.
# The expected subject digests are recomputed here with python3's hashlib. A tampered copy of
# each (a model file changed, the signed statement changed) is refused with its reason; the
# protobuf JSON mapping (proto field names, null as absent, unknown fields, media types v0.1
# to v0.3) is checked on rewritten copies (tests/interop/bundle_edit.py); and model_signing
# v0.2.0's PAE is re-made by python3 with a fresh key.
# usage: oms_goldens.sh MODELCERT SOURCE_DIR
set -u
MC=$1
SRC=$2
. "$(dirname "$0")/lib.sh"
cd "$TMP" || exit 2
cp -a "$SRC/tests/fixtures/model_signing" g
EDIT="$SRC/tests/interop/bundle_edit.py"
CA=keys/ca-cert.pem
PUB=keys/signing-key-pub.pem
cd g || exit 2

# subject DIR FILE...: the v1.0 subject digest of these files (sha256 over their sha256s).
subject() {
    local d=$1
    shift
    python3 -c '
import hashlib, sys
d, names = sys.argv[1], sorted(sys.argv[2:])
h = hashlib.sha256()
for n in names:
    h.update(hashlib.sha256(open(d + "/" + n, "rb").read()).digest())
print(h.hexdigest())' "$d" "$@"
}

# golden VERSION-MODE TRUST PATH FILE...: verifies PATH (the model) with the given trust;
# FILE... are the signed files, for the expected digest.
golden() {
    local v=$1 trust=$2 path=$3
    shift 3
    local want ig=()
    want=$(subject "$v" "$@")
    [ -e "$v/ignore-me" ] && ig=(--ignore "./$v/ignore-me")
    expect_exit 0 "$v verifies" -- "$MC" verify "$path" --signature "./$v/model.sig" $trust "${ig[@]}"
    expect_grep out "sha256:$want" "$v: the subject digest is the files' (hashlib)"
    # tampered: a signed file changed
    rm -rf "t-$v" && cp -a "$v" "t-$v"
    printf 'X' >> "t-$v/$1"
    local tp=${path/$v/t-$v} name=$1
    [ -f "$path" ] && name=.
    expect_exit 1 "$v with $1 changed is refused" -- \
        "$MC" verify "$tp" --signature "./t-$v/model.sig" $trust --ignore "./t-$v/ignore-me"
    expect_grep err "file '$name' was modified" "$v: the changed file is named"
    # tampered: the signed statement changed
    rm -rf "t-$v" && cp -a "$v" "t-$v"
    python3 "$EDIT" "$v/model.sig" "t-$v/model.sig" payload
    expect_exit 1 "$v with its statement changed is refused" -- \
        "$MC" verify "$tp" --signature "./t-$v/model.sig" $trust --ignore "./t-$v/ignore-me"
    expect_grep err "the DSSE signature does not verify with this key" "$v: the signature is named"
}

golden v0.2.0-certificate "--ca $CA" ./v0.2.0-certificate/ signme-1 signme-2
golden v0.3.1-certificate "--ca $CA" ./v0.3.1-certificate/ signme-1 signme-2
golden v1.0.0-certificate "--ca $CA" ./v1.0.0-certificate/ signme-1 signme-2
golden v1.0.1-certificate "--ca $CA" ./v1.0.1-certificate/ signme-1 signme-2
golden v1.1.0-certificate "--ca $CA" ./v1.1.0-certificate/ signme-1 signme-2
golden v0.3.1-elliptic-key "--key $PUB" ./v0.3.1-elliptic-key/signme-1 signme-1
golden v1.0.0-elliptic-key "--key $PUB" ./v1.0.0-elliptic-key/signme-1 signme-1
golden v1.0.1-elliptic-key "--key $PUB" ./v1.0.1-elliptic-key signme-1 signme-2
golden v1.1.0-elliptic-key "--key $PUB" ./v1.1.0-elliptic-key signme-1 signme-2
HINT=$(openssl pkey -pubin -in $PUB | sha256sum | cut -c1-64)
expect_exit 0 "v1.1.0-elliptic-key verifies" -- "$MC" verify v1.1.0-elliptic-key --key $PUB
expect_grep out "signed by key $HINT" \
    "key mode names the key by model_signing's hint (sha256sum of the key's SPKI PEM)"

# --ignore: as given from here (above), relative to the model, or missing.
expect_exit 0 "--ignore relative to the model root" -- \
    "$MC" verify v1.0.1-certificate --ca $CA --ignore ignore-me
expect_exit 1 "without --ignore, v1.0.1's unsigned ignore-me is refused" -- \
    "$MC" verify v1.0.1-certificate --ca $CA
expect_grep err "file 'ignore-me' is on disk but not in the signature" "the extra file is named"
expect_exit 0 "v1.1.0 recorded ignore-me in its ignore_paths: no --ignore needed" -- \
    "$MC" verify v1.1.0-certificate --ca $CA
expect_exit 0 "--ignore as an absolute path inside the model" -- \
    "$MC" verify v1.0.1-elliptic-key --key $PUB --ignore "$PWD/v1.0.1-elliptic-key/ignore-me"
(cd v1.0.1-elliptic-key && "$MC" verify . --key ../$PUB --ignore ./ignore-me >/dev/null 2>&1)
check [ $? -eq 0 ] -- "--ignore ./ignore-me from inside the model"

# The wrong trust is refused, naming why.
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out k.pem 2>/dev/null
openssl pkey -in k.pem -pubout -out k.pub 2>/dev/null
expect_exit 1 "a key-mode golden under another key is refused" -- \
    "$MC" verify v1.1.0-elliptic-key --key k.pub
expect_grep err "wrong key: the bundle was signed by key $HINT" "the signing key is named"
expect_exit 1 "a certificate-mode golden with the intermediate as its only root" -- \
    "$MC" verify v1.0.0-certificate --ca keys/int-ca-cert.pem
expect_grep err "the certificate chain does not lead to the trusted root" "the chain is named"
expect_exit 1 "a certificate-mode golden in key mode" -- "$MC" verify v1.0.0-certificate --key $PUB
expect_grep err "this bundle is signed with a certificate: use --ca" "the mode is named"

# The protobuf JSON mapping, on a key and a certificate golden.
for v in v1.0.1-elliptic-key v0.2.0-certificate; do
    trust="--key $PUB"
    [ "$v" = v0.2.0-certificate ] && trust="--ca $CA"
    ig=(--ignore "./$v/ignore-me" --ignore "./$v/model.sig")
    for op in snake nulls unknown "media:application/vnd.dev.sigstore.bundle+json;version=0.1" \
              "media:application/vnd.dev.sigstore.bundle+json;version=0.2" \
              "media:application/vnd.dev.sigstore.bundle+json;version=0.3"; do
        python3 "$EDIT" "$v/model.sig" e.sig "$op"
        expect_exit 0 "$v, rewritten ($op), verifies" -- \
            "$MC" verify "$v" --signature e.sig $trust "${ig[@]}"
    done
    python3 "$EDIT" "$v/model.sig" e.sig both_media
    expect_exit 1 "$v with mediaType and media_type both is refused" -- \
        "$MC" verify "$v" --signature e.sig $trust "${ig[@]}"
    expect_grep err "bundle: both mediaType and media_type are given" "both spellings named"
    python3 "$EDIT" "$v/model.sig" e.sig "media:application/vnd.dev.sigstore.bundle.v0.4+json"
    expect_exit 1 "$v with an unknown media type is refused" -- \
        "$MC" verify "$v" --signature e.sig $trust "${ig[@]}"
    expect_grep err "mediaType 'application/vnd.dev.sigstore.bundle.v0.4+json' is not" \
        "the media type is named"
    python3 "$EDIT" "$v/model.sig" e.sig keyid_number
    expect_exit 1 "$v with a numeric keyid is refused" -- \
        "$MC" verify "$v" --signature e.sig $trust "${ig[@]}"
    expect_grep err "signature 1 needs a string \`sig\`" "the keyid is named"
    python3 "$EDIT" "$v/model.sig" e.sig message_sig
    expect_exit 1 "$v as a message signature is refused" -- \
        "$MC" verify "$v" --signature e.sig $trust "${ig[@]}"
    expect_grep err "it signs a message digest (messageSignature)" "the content kind is named"
done

# model_signing v0.2.0's PAE, re-made by python3 with a fresh P-256 key: accepted for its
# Digests/v0.1 statement, refused for any other.
python3 "$EDIT" v0.2.0-certificate/model.sig e.sig "v02:k.pem:https://model_signing/Digests/v0.1"
expect_exit 0 "v0.2.0's PAE over Digests/v0.1 (python3, P-256) verifies" -- \
    "$MC" verify v0.2.0-certificate --signature e.sig --key k.pub --ignore v0.2.0-certificate/model.sig
python3 "$EDIT" v1.0.0-certificate/model.sig e.sig "v02:k.pem:https://model_signing/signature/v1.0"
expect_exit 1 "v0.2.0's PAE over a v1.0 statement is refused" -- \
    "$MC" verify v1.0.0-certificate --signature e.sig --key k.pub --ignore v1.0.0-certificate/model.sig
expect_grep err "signed in model_signing v0.2.0's form" "the old form is named"

# The sigstore-mode goldens (Fulcio, ten-minute certificates) cannot be read as
# certificate-mode bundles: their leaf expired minutes after signing.
expect_exit 1 "a sigstore-mode golden under --ca is refused" -- \
    "$MC" verify v1.1.0-sigstore --ca $CA
expect_grep err "has expired" "the expired Fulcio leaf is named"
finish
