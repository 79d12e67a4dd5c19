#!/usr/bin/env bash
# sign, verify and digest end to end (docs/signing.md): keys and their errors
# (curves, RSA, Ed25519, encryption, passphrases, file modes), a directory and
# a one-file model, certificate mode (chain, code-signing leaf, expiry), and
# each rejection with its own message and exit 1, on bundles written the way
# model_signing writes them (tests/interop/oms_emit.py), mutated one way each.
# usage: sign.sh MODELCERT SOURCE_DIR
set -u
MC=$1
SRC=$2
. "$(dirname "$0")/lib.sh"
PY=python3
for p in python3 /usr/bin/python3; do
    if "$p" -c 'import cryptography' 2>/dev/null; then PY=$p; break; fi
done
EMIT="$SRC/tests/interop/oms_emit.py"
cd "$TMP" || exit 2

M="$TMP/model"
mkdir -p "$M/d0" "$M/d1" "$M/a"
printf 'weights' > "$M/f0"; printf 'b' > "$M/d0/f00"; printf 'c' > "$M/d1/f10"
printf 'x' > "$M/a-b"; printf 'y' > "$M/a/b"; : > "$M/empty"

# ---- keys ----------------------------------------------------------------------------
for c in P-256 P-384 P-521; do
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:$c -out "k$c.pem" 2>/dev/null
    chmod 600 "k$c.pem"
    openssl pkey -in "k$c.pem" -pubout -out "k$c.pub" 2>/dev/null
done
openssl ecparam -name prime256v1 -genkey -noout -out sec1.pem 2>/dev/null; chmod 600 sec1.pem
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out rsa.pem 2>/dev/null
openssl genpkey -algorithm ED25519 -out ed.pem 2>/dev/null
openssl ecparam -name secp256k1 -genkey -noout -out k1.pem 2>/dev/null
openssl pkey -in kP-256.pem -aes256 -passout pass:s3cret -out enc.pem 2>/dev/null; chmod 600 enc.pem
printf 's3cret\n' > pass.txt

for c in P-256 P-384 P-521; do
    expect_exit 0 "sign with a $c key" -- "$MC" sign "$M" --key "k$c.pem" --signature "$c.sig"
    expect_exit 0 "verify a $c signature" -- "$MC" verify "$M" --key "k$c.pub" --signature "$c.sig"
done
expect_grep out "verified: .*6 resources" "verify names what it checked"
expect_exit 0 "a SEC1 (ecparam) key signs" -- "$MC" sign "$M" --key sec1.pem --signature sec1.sig
expect_exit 0 "verify with a private key file as the public key" -- "$MC" verify "$M" --key sec1.pem --signature sec1.sig
expect_exit 2 "an RSA key is refused" -- "$MC" sign "$M" --key rsa.pem --signature x.sig
expect_grep err "an RSA key (OMS key mode signs with ECDSA only" "the RSA refusal says why"
expect_exit 2 "an Ed25519 key is refused" -- "$MC" sign "$M" --key ed.pem --signature x.sig
expect_grep err "an Ed25519/Ed448 key" "the Ed25519 refusal says why"
expect_exit 2 "a secp256k1 key is refused" -- "$MC" sign "$M" --key k1.pem --signature x.sig
expect_grep err "unsupported curve" "the curve is named as unsupported"
expect_exit 2 "an encrypted key without a passphrase" -- env -u MODELCERT_KEY_PASSPHRASE "$MC" sign "$M" --key enc.pem --signature x.sig
expect_grep err "the private key is encrypted: give its passphrase in MODELCERT_KEY_PASSPHRASE" "the missing passphrase is explained"
expect_exit 2 "a wrong passphrase" -- env MODELCERT_KEY_PASSPHRASE=nope "$MC" sign "$M" --key enc.pem --signature x.sig
expect_grep err "wrong passphrase" "the wrong passphrase is named"
expect_exit 0 "the passphrase from MODELCERT_KEY_PASSPHRASE" -- env MODELCERT_KEY_PASSPHRASE=s3cret "$MC" sign "$M" --key enc.pem --signature enc.sig
expect_exit 0 "the passphrase from --passphrase-file" -- "$MC" sign "$M" --key enc.pem --passphrase-file pass.txt --signature enc2.sig
expect_exit 0 "the encrypted key's signature verifies" -- "$MC" verify "$M" --key kP-256.pub --signature enc2.sig
cp kP-256.pem open.pem; chmod 644 open.pem
expect_exit 0 "a group/other-readable key still signs" -- "$MC" sign "$M" --key open.pem --signature open.sig
expect_grep err "warning: private key file open.pem is readable by its group or others (mode 644)" "with a warning"
expect_exit 2 "a public key is not a private key" -- "$MC" sign "$M" --key kP-256.pub --signature x.sig
expect_grep err "not a private key" "the public key is named as such"
expect_exit 2 "a missing key file" -- "$MC" sign "$M" --key nosuch.pem --signature x.sig
KEYPEM=$(cat kP-256.pem)
expect_exit 0 "key env:VAR holds the PEM" -- env MC_TEST_KEY="$KEYPEM" "$MC" sign "$M" --key env:MC_TEST_KEY --signature env.sig
expect_exit 0 "key file:PATH" -- "$MC" verify "$M" --key file:kP-256.pub --signature env.sig
expect_exit 2 "a pkcs11: URI without a module names what is missing" -- env -u MODELCERT_PKCS11_MODULE "$MC" sign "$M" --key "pkcs11:token=t;object=k" --signature x.sig
expect_grep err "PKCS #11" "the PKCS #11 message"
expect_exit 2 "sign needs --key" -- "$MC" sign "$M"
expect_exit 2 "verify needs --key or --ca" -- "$MC" verify "$M"

# ---- default signature, digest, the bundle's bytes -------------------------------------
expect_exit 0 "sign a directory to its default model.sig" -- "$MC" sign "$M" --key kP-256.pem
check test -f "$M/model.sig" -- "the bundle is PATH/model.sig"
expect_exit 0 "verify with the default signature" -- "$MC" verify "$M" --key kP-256.pub
SUBJ=$(sed -n 's/^verified: .*sha256:\([0-9a-f]*\)).*/\1/p' "$TMP/out")
expect_exit 0 "digest prints the subject" -- "$MC" digest "$M"
check grep -q "^sha256:$SUBJ  " "$TMP/out" -- "digest equals the signed subject (model.sig left out)"
expect_exit 0 "digest on 1 thread" -- "$MC" digest --threads 1 "$M"
check grep -q "^sha256:$SUBJ  " "$TMP/out" -- "the digest does not depend on the thread count"
# model_signing's order: path components compared one by one ("a/b" before "a-b")
$PY - "$M/model.sig" <<'PY' > order.txt
import base64, json, sys
b = json.load(open(sys.argv[1]))
s = json.loads(base64.b64decode(b["dsseEnvelope"]["payload"]))
print(" ".join(r["name"] for r in s["predicate"]["resources"]))
print(s["predicate"]["serialization"]["ignore_paths"])
PY
check grep -qx "a/b a-b d0/f00 d1/f10 empty f0" order.txt -- "resources in model_signing's order, the signature never among them"
check grep -q "'model.sig'" order.txt -- "the signature is a recorded ignore path"
head -c 10000 /dev/urandom > "$M/d0/blob"
expect_exit 0 "sign by shards (--shard-size)" -- "$MC" sign "$M" --key kP-256.pem --shard-size 4096
expect_exit 0 "verify a shards bundle" -- "$MC" verify "$M" --key kP-256.pub
SH=$(sed -n 's/^verified: .* (\([0-9]*\) resources, sha256:\([0-9a-f]*\)).*/\1 \2/p' "$TMP/out")
check test "${SH%% *}" -eq 9 -- "the 10000-byte file is three shards (9 resources)"
expect_exit 0 "digest --shard-size" -- "$MC" digest "$M" --shard-size 4096
check grep -q "^sha256:${SH#* }  " "$TMP/out" -- "digest --shard-size equals the signed subject"
expect_exit 2 "a shard size under 4096 is refused" -- "$MC" digest "$M" --shard-size 100
printf 'y' >> "$M/d0/blob"
expect_exit 1 "a changed shard is named" -- "$MC" verify "$M" --key kP-256.pub
expect_grep err "d0/blob:8192:10000" "the shard's range is named"
rm "$M/d0/blob"
expect_exit 0 "sign by files again" -- "$MC" sign "$M" --key kP-256.pem
expect_exit 0 "sign one file" -- "$MC" sign "$M/f0" --key kP-256.pem
check test -f "$M/f0.sig" -- "the bundle is PATH.sig"
expect_exit 0 "verify one file" -- "$MC" verify "$M/f0" --key kP-256.pub
rm "$M/f0.sig"

# ---- what model_signing writes verifies with us -------------------------------------------
expect_exit 0 "a model_signing-style bundle (files) verifies" -- sh -c "$PY '$EMIT' '$M' kP-256.pem ms.sig files && '$MC' verify '$M' --key kP-256.pub --signature ms.sig"
expect_exit 0 "a model_signing-style P-384 bundle verifies" -- sh -c "$PY '$EMIT' '$M' kP-384.pem ms.sig files && '$MC' verify '$M' --key kP-384.pub --signature ms.sig"
expect_exit 0 "a model_signing-style shards bundle verifies" -- sh -c "$PY '$EMIT' '$M' kP-256.pem ms.sig shards:3 && '$MC' verify '$M' --key kP-256.pub --signature ms.sig"
expect_exit 0 "a model_signing-style one-file bundle verifies" -- sh -c "$PY '$EMIT' '$M/f0' kP-256.pem f0ms.sig shards:4 && '$MC' verify '$M/f0' --key kP-256.pub --signature f0ms.sig"
expect_exit 0 "recorded ignore paths are honoured" -- sh -c "$PY '$EMIT' '$M' kP-256.pem ms.sig files ignore:d1 && echo changed > '$M/d1/f10' && '$MC' verify '$M' --key kP-256.pub --signature ms.sig"
printf 'c' > "$M/d1/f10"

# ---- each rejection: its own message, exit 1 -------------------------------------------------
reject() { # MUTATION PATTERN
    $PY "$EMIT" "$M" kP-256.pem bad.sig files "$1"
    expect_exit 1 "rejected: $1" -- "$MC" verify "$M" --key kP-256.pub --signature bad.sig
    expect_grep err "$2" "the $1 rejection names it"
}
reject predicate "predicateType 'https://model_signing/signature/v0.9' is not"
reject payload_type "payloadType 'application/json' is not application/vnd.in-toto+json"
reject media_type "mediaType 'application/vnd.dev.sigstore.bundle.v0.2+json' is not"
reject subject "the subject digest .* does not match its resources"
reject dotdot "resource name '../escape' has a '..' component"
reject absolute "resource name '/etc/passwd' is absolute"
reject duplicate "is listed twice"
expect_exit 1 "a wrong key" -- "$MC" verify "$M" --key kP-384.pub
expect_grep err "wrong key: the bundle was signed by key" "the wrong key is named"
$PY - "$M/model.sig" nohint.sig <<'PY'
import json, sys
b = json.load(open(sys.argv[1])); b["verificationMaterial"]["publicKey"] = {}
json.dump(b, open(sys.argv[2], "w"))
PY
expect_exit 1 "a bad signature (no hint to catch the key first)" -- "$MC" verify "$M" --key sec1.pem --signature nohint.sig
expect_grep err "the DSSE signature does not verify with this key" "the bad signature is named"
head -c 300 "$M/model.sig" > trunc.sig
expect_exit 1 "a truncated bundle" -- "$MC" verify "$M" --key kP-256.pub --signature trunc.sig
expect_grep err "the bundle is not a JSON object" "truncation is named"
truncate -s 65M big.sig
expect_exit 1 "an oversized bundle" -- "$MC" verify "$M" --key kP-256.pub --signature big.sig
expect_grep err "over the limit" "the size limit is named"
rm -f big.sig
expect_exit 1 "a missing bundle" -- "$MC" verify "$M" --key kP-256.pub --signature none.sig
expect_grep err "no signature at none.sig" "the missing bundle is named"
ln -s f0 "$M/link"
expect_exit 1 "a symbolic link is refused" -- "$MC" verify "$M" --key kP-256.pub
expect_grep err "'link' is a symbolic link (refused unless --allow-symlinks)" "the link is named"
expect_exit 2 "sign refuses a symbolic link" -- "$MC" sign "$M" --key kP-256.pem --signature x.sig
expect_exit 0 "sign --allow-symlinks follows it" -- "$MC" sign "$M" --key kP-256.pem --signature sym.sig --allow-symlinks
expect_exit 0 "verify --allow-symlinks" -- "$MC" verify "$M" --key kP-256.pub --signature sym.sig --allow-symlinks
rm "$M/link"
echo extra > "$M/extra"
expect_exit 1 "an added file" -- "$MC" verify "$M" --key kP-256.pub
expect_grep err "file 'extra' is on disk but not in the signature" "the added file is named"
expect_exit 0 "--ignore-unsigned-files allows it" -- "$MC" verify "$M" --key kP-256.pub --ignore-unsigned-files
expect_exit 0 "--ignore leaves it out" -- "$MC" verify "$M" --key kP-256.pub --ignore extra
rm "$M/extra"

# ---- certificate mode ----------------------------------------------------------------------
cat > ext.cnf <<'CNF'
[rootext]
basicConstraints=critical,CA:TRUE
keyUsage=critical,keyCertSign
[code]
basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=codeSigning
[nosign]
basicConstraints=CA:FALSE
keyUsage=critical,keyEncipherment
extendedKeyUsage=serverAuth
CNF
# The root starts in 2019 (openssl ca sets the dates), so that a leaf from 2020 is judged by it.
make_test_root
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out other.key 2>/dev/null
openssl req -x509 -new -key other.key -subj /CN=Other-Root -days 30 -out other.pem 2>/dev/null
leaf() { # NAME EXTENSION DAYS
    openssl req -new -key kP-256.pem -subj "/CN=$1" -out "$1.csr" 2>/dev/null
    openssl x509 -req -in "$1.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -days "$3" \
        -extfile ext.cnf -extensions "$2" -out "$1.pem" 2>/dev/null
}
leaf releaser code 10
leaf server nosign 10
expect_exit 0 "certificate mode signs" -- "$MC" sign "$M" --key kP-256.pem --cert releaser.pem --chain ca.pem --signature cert.sig
expect_exit 0 "certificate mode verifies against the root" -- "$MC" verify "$M" --ca ca.pem --signature cert.sig
expect_grep out "signed by .*CN=releaser" "the signer's subject is named"
expect_exit 1 "another root is refused" -- "$MC" verify "$M" --ca other.pem --signature cert.sig
expect_grep err "the certificate chain does not lead to the trusted root" "the wrong root is named"
expect_exit 1 "a certificate bundle with --key" -- "$MC" verify "$M" --key kP-256.pub --signature cert.sig
expect_exit 2 "a leaf that is not the signing key's" -- "$MC" sign "$M" --key kP-384.pem --cert releaser.pem --signature x.sig
expect_grep err "the certificate's public key is not the signing key's" "the mismatch is named"
expect_exit 0 "a non-code-signing leaf signs..." -- "$MC" sign "$M" --key kP-256.pem --cert server.pem --signature srv.sig
expect_exit 1 "...but does not verify" -- "$MC" verify "$M" --ca ca.pem --signature srv.sig
expect_grep err "may not sign: neither digitalSignature key usage nor the codeSigning" "the usage is named"
# An expired leaf: notBefore and notAfter in the past, within the root's validity.
openssl req -new -key kP-256.pem -subj /CN=expired -out expired.csr 2>/dev/null
openssl ca -batch -config ca.cnf -cert ca.pem -keyfile ca.key -in expired.csr -out expired.pem \
    -startdate 20200101000000Z -enddate 20200201000000Z -extensions code -notext 2>/dev/null
expect_exit 0 "an expired leaf still signs (nothing checks at signing)" -- "$MC" sign "$M" --key kP-256.pem --cert expired.pem --signature exp.sig
expect_exit 1 "an expired leaf does not verify" -- "$MC" verify "$M" --ca ca.pem --signature exp.sig
expect_grep err "the signing certificate (/CN=expired) has expired" "the expiry is named"

# ---- the audit trail ------------------------------------------------------------------------
expect_exit 0 "the audit trail is intact" -- "$MC" audit verify
expect_exit 0 "sign and verify events are listed" -- "$MC" audit log
expect_grep out " sign " "a sign event"
expect_grep out " verify .*fail" "a failed verify event"

echo "$failures failure(s)"
[ "$failures" -eq 0 ]
