#!/usr/bin/env bash
# modelcert keygen (docs/signing-keys.md): file modes 0600/0644 whatever the umask, PKCS#8
# and SubjectPublicKeyInfo PEM that `openssl pkey` reads, the three curves, a public key that
# matches its private key, the passphrase paths (file, standard input, variable; the key
# does not open without it), no passphrase on the command line, no overwriting without
# --force, and each error's exit status. Then --pkcs11-public: the public key of a key
# generated inside a SoftHSM2 token verifies a signature pkcs11-tool made in the token.
# usage: keygen.sh MODELCERT SOURCE_DIR SOFTHSM2_MODULE
set -u
MC=$1
SRC=$2
MODULE=$3
. "$(dirname "$0")/lib.sh"
unset MODELCERT_KEY_PASSPHRASE MODELCERT_PKCS11_MODULE MODELCERT_PKCS11_PIN
K="$TMP/keys"
mkdir "$K"

mode() { stat -c %a "$1"; }
curve_of() { openssl pkey -in "$1" -passin "pass:${2:-}" -noout -text </dev/null 2>/dev/null | sed -n 's/^ASN1 OID: //p'; }
# the public key that the private key file holds, as PEM
pub_of() { openssl pkey -in "$1" -passin "pass:${2:-}" -pubout </dev/null 2>/dev/null; }

expect_exit 0 "keygen --help" -- "$MC" keygen --help
expect_grep out "passphrase is never" "help says where a passphrase comes from"

# Defaults: P-256, no passphrase; modes hold under a permissive and a strict umask.
expect_exit 0 "keygen -o NAME (umask 000)" -- sh -c "umask 000 && exec '$MC' keygen -o '$K/a'"
expect_grep out "wrote $K/a.key (P-256 private key, not encrypted, mode 0600)" "key file reported"
check [ "$(mode "$K/a.key")" = 600 ] -- "NAME.key is mode 0600 under umask 000"
check [ "$(mode "$K/a.pub")" = 644 ] -- "NAME.pub is mode 0644 under umask 000"
check grep -q '^-----BEGIN PRIVATE KEY-----$' "$K/a.key" -- "NAME.key is unencrypted PKCS#8 PEM"
check openssl pkey -pubin -in "$K/a.pub" -noout -- "openssl pkey -pubin reads NAME.pub"
check [ "$(curve_of "$K/a.key")" = prime256v1 ] -- "default curve is P-256"
check [ "$(pub_of "$K/a.key")" = "$(cat "$K/a.pub")" ] -- "NAME.pub is the public half of NAME.key"
printf 'model digest\n' >"$TMP/msg"
check openssl dgst -sha256 -sign "$K/a.key" -out "$TMP/a.sig" "$TMP/msg" -- "openssl signs with NAME.key"
check openssl dgst -sha256 -verify "$K/a.pub" -signature "$TMP/a.sig" "$TMP/msg" -- "NAME.pub verifies it"
expect_exit 0 "keygen under umask 077" -- sh -c "umask 077 && exec '$MC' keygen -o '$K/u'"
check [ "$(mode "$K/u.key")/$(mode "$K/u.pub")" = 600/644 ] -- "modes 0600/0644 under umask 077"
left=$(find "$K" -name '*.tmp.*' | wc -l)
check [ "$left" = 0 ] -- "no temporary file is left"

expect_exit 0 "-o NAME.pub names the pair NAME.key and NAME.pub" -- "$MC" keygen -o "$K/named.pub"
check sh -c "[ -f '$K/named.key' ] && [ -f '$K/named.pub' ] && [ ! -e '$K/named.pub.key' ]" -- "a trailing .pub is dropped from NAME"
for c in p384:secp384r1 p521:secp521r1 p256:prime256v1; do
    expect_exit 0 "keygen --curve ${c%%:*}" -- "$MC" keygen --curve "${c%%:*}" -o "$K/${c%%:*}"
    check [ "$(curve_of "$K/${c%%:*}.key")" = "${c#*:}" ] -- "--curve ${c%%:*} makes a ${c#*:} key"
    check [ "$(pub_of "$K/${c%%:*}.key")" = "$(cat "$K/${c%%:*}.pub")" ] -- "${c%%:*}: the .pub matches the .key"
done

# Passphrases: a file's first line, standard input, the variable.
printf 'correct horse battery\nsecond line ignored\n' >"$TMP/pass"
expect_exit 0 "keygen --passphrase-file" -- "$MC" keygen -o "$K/e" --passphrase-file "$TMP/pass"
expect_grep out "P-256 private key, encrypted, mode 0600" "reported as encrypted"
check grep -q '^-----BEGIN ENCRYPTED PRIVATE KEY-----$' "$K/e.key" -- "NAME.key is encrypted PKCS#8"
check [ "$(mode "$K/e.key")" = 600 ] -- "the encrypted key is mode 0600"
check openssl pkey -in "$K/e.key" -passin "pass:correct horse battery" -noout -- "it opens with the passphrase (first line)"
check [ "$(pub_of "$K/e.key" "correct horse battery")" = "$(cat "$K/e.pub")" ] -- "its .pub matches it"
if openssl pkey -in "$K/e.key" -passin pass:wrong -noout </dev/null 2>/dev/null; then
    check false -- "it does not open with a wrong passphrase"
else
    check true -- "it does not open with a wrong passphrase"
fi
if openssl pkey -in "$K/e.key" -passin pass: -noout </dev/null 2>/dev/null; then
    check false -- "it does not open without the passphrase"
else
    check true -- "it does not open without the passphrase"
fi
check sh -c "openssl asn1parse -in '$K/e.key' | grep -q 'aes-256-cbc' && openssl asn1parse -in '$K/e.key' | grep -q hmacWithSHA256" -- "PBES2 with AES-256-CBC and PBKDF2-HMAC-SHA256"
expect_exit 0 "keygen --passphrase-file - (standard input)" -- sh -c "printf 'from stdin\n' | '$MC' keygen -o '$K/s' --passphrase-file -"
check openssl pkey -in "$K/s.key" -passin "pass:from stdin" -noout -- "the standard-input passphrase opens it"
expect_exit 0 "keygen with MODELCERT_KEY_PASSPHRASE" -- env MODELCERT_KEY_PASSPHRASE=from-env "$MC" keygen -o "$K/v" --curve p384
check openssl pkey -in "$K/v.key" -passin pass:from-env -noout -- "the variable's passphrase opens it"

# Errors.
expect_exit 2 "a passphrase on the command line" -- "$MC" keygen -o "$K/x" --passphrase s3cret-value
expect_grep err "never taken from the command line" "the refusal says why"
check sh -c "! grep -q s3cret-value '$TMP/err'" -- "the refused passphrase is not echoed"
expect_exit 2 "an empty passphrase file" -- sh -c ": >'$TMP/empty' && exec '$MC' keygen -o '$K/x' --passphrase-file '$TMP/empty'"
expect_grep err "first line is empty" "an empty passphrase is refused"
expect_exit 2 "a missing passphrase file" -- "$MC" keygen -o "$K/x" --passphrase-file "$TMP/no-such-file"
expect_grep err "no-such-file" "names the passphrase file"
expect_exit 2 "a directory as the passphrase file" -- "$MC" keygen -o "$K/x" --passphrase-file "$TMP"
expect_exit 2 "an empty MODELCERT_KEY_PASSPHRASE" -- env MODELCERT_KEY_PASSPHRASE= "$MC" keygen -o "$K/x"
expect_exit 2 "an unknown curve" -- "$MC" keygen --curve p999 -o "$K/x"
expect_grep err "unknown curve 'p999': p256, p384 or p521" "the curve error names the choices"
expect_exit 2 "no -o" -- "$MC" keygen
expect_exit 2 "an extra operand" -- "$MC" keygen -o "$K/x" extra
expect_exit 2 "an output directory that does not exist" -- "$MC" keygen -o "$K/no/such/dir/x"
check [ -z "$(ls "$K" | grep '^x\.')" ] -- "no error leaves a file behind"

before=$(cat "$K/a.key" "$K/a.pub" | sha256sum)
expect_exit 2 "an existing NAME.key without --force" -- "$MC" keygen -o "$K/a"
expect_grep err "a.key exists; use --force to overwrite it" "the refusal names the file"
check [ "$(cat "$K/a.key" "$K/a.pub" | sha256sum)" = "$before" ] -- "the existing key pair is unchanged"
cp "$K/a.pub" "$K/only.pub"
expect_exit 2 "an existing NAME.pub alone without --force" -- "$MC" keygen -o "$K/only"
check [ ! -e "$K/only.key" ] -- "no NAME.key is written when NAME.pub exists"
ln -s "$K/a.key" "$K/link.key"
expect_exit 2 "NAME.key a symlink, even with --force" -- "$MC" keygen -o "$K/link" --force
expect_exit 0 "--force replaces the pair" -- sh -c "umask 000 && exec '$MC' keygen -o '$K/a' --force"
check [ "$(cat "$K/a.key" "$K/a.pub" | sha256sum)" != "$before" ] -- "a new pair replaced the old one"
check [ "$(mode "$K/a.key")/$(mode "$K/a.pub")" = 600/644 ] -- "the replaced pair is 0600/0644"
check [ "$(pub_of "$K/a.key")" = "$(cat "$K/a.pub")" ] -- "the replaced .pub matches the replaced .key"

# --pkcs11-public: a key generated inside a SoftHSM2 token made here.
export SOFTHSM2_CONF="$TMP/softhsm2.conf"
mkdir "$TMP/tokens"
printf 'directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\n' "$TMP/tokens" >"$SOFTHSM2_CONF"
printf '2468' >"$TMP/pin"
P11="pkcs11-tool --module $MODULE --token-label keygen-test --login --pin 2468"
if softhsm2-util --init-token --free --label keygen-test --pin 2468 --so-pin 13579135 >"$TMP/setup.log" 2>&1 &&
    $P11 --keypairgen --key-type EC:secp384r1 --label release --id 0a >>"$TMP/setup.log" 2>&1; then
    check true -- "SoftHSM2 token with a P-384 key generated inside it"
else
    check false -- "SoftHSM2 token with a P-384 key generated inside it"
    cat "$TMP/setup.log"
fi
URI="pkcs11:token=keygen-test;object=release;id=%0A?module-path=$MODULE&pin-source=file:$TMP/pin"
expect_exit 0 "keygen --pkcs11-public" -- "$MC" keygen --pkcs11-public "$URI" -o "$K/hsm.pub"
expect_grep out "wrote $K/hsm.pub (P-384 public key" "the token key's public half is reported"
check [ ! -e "$K/hsm.key" ] -- "no private key file for a token key"
check [ "$(mode "$K/hsm.pub")" = 644 ] -- "the exported .pub is mode 0644"
check openssl pkey -pubin -in "$K/hsm.pub" -noout -- "openssl pkey -pubin reads it"
# SoftHSM2 offers raw ECDSA only: the digest is made outside, the signature inside.
openssl dgst -sha384 -binary -out "$TMP/msg.sha384" "$TMP/msg"
$P11 --sign --mechanism ECDSA --id 0a --signature-format openssl --input-file "$TMP/msg.sha384" \
    --output-file "$TMP/hsm.sig" >>"$TMP/setup.log" 2>&1
check openssl dgst -sha384 -verify "$K/hsm.pub" -signature "$TMP/hsm.sig" "$TMP/msg" -- "it verifies a signature pkcs11-tool made in the token"
expect_exit 2 "--pkcs11-public with a wrong PIN" -- env MODELCERT_PKCS11_PIN=0000 "$MC" keygen --pkcs11-public "pkcs11:token=keygen-test;object=release?module-path=$MODULE" -o "$K/bad"
expect_grep err "wrong PIN for PKCS #11 token 'keygen-test'" "the wrong PIN is named"
expect_exit 2 "--pkcs11-public with a missing object" -- "$MC" keygen --pkcs11-public "pkcs11:token=keygen-test;object=nope?module-path=$MODULE&pin-source=file:$TMP/pin" -o "$K/bad"
expect_grep err "has no private key matching" "the missing object is named"
expect_exit 2 "--pkcs11-public without a module" -- "$MC" keygen --pkcs11-public "pkcs11:token=keygen-test;object=release" -o "$K/bad"
expect_grep err "no PKCS #11 module" "the missing module is named"
expect_exit 2 "--pkcs11-public with --curve" -- "$MC" keygen --pkcs11-public "$URI" --curve p256 -o "$K/bad"
check [ ! -e "$K/bad.pub" ] -- "no error writes a .pub"

# The issue's PKCS #11 path end to end: `sign` with the key inside the token (an OMS bundle),
# `verify` with the public key exported above; another key is refused.
mkdir -p "$TMP/model" && printf 'weights' >"$TMP/model/w.bin" && printf '{}' >"$TMP/model/config.json"
expect_exit 0 "sign a model directory with the token key" -- "$MC" sign "$TMP/model" --key "$URI"
check [ -s "$TMP/model/model.sig" ] -- "the bundle is written"
expect_exit 0 "verify it with the token's exported public key" -- "$MC" verify "$TMP/model" --key "$K/hsm.pub"
expect_exit 1 "verify with another key fails" -- "$MC" verify "$TMP/model" --key "$K/a.pub"
expect_exit 0 "sign with the module and PIN from the environment" -- env \
    MODELCERT_PKCS11_MODULE="$MODULE" MODELCERT_PKCS11_PIN=2468 "$MC" sign "$TMP/model" \
    --key "pkcs11:token=keygen-test;object=release" --signature "$TMP/env.sig"
expect_exit 0 "... and it verifies" -- "$MC" verify "$TMP/model" --key "$K/hsm.pub" --signature "$TMP/env.sig"
# A signed checkpoint of the audit trail those verbs appended to, with the token key (P-384).
expect_exit 0 "audit checkpoint with the token key" -- "$MC" audit checkpoint --key "$URI" -o "$TMP/cp.json"
expect_exit 0 "... verified with its exported public key" -- "$MC" audit verify --checkpoint "$TMP/cp.json" --key "$K/hsm.pub"
expect_grep out "checkpoint verified: event" "the trail holds the head the token signed"
expect_exit 1 "... and refused with another key" -- "$MC" audit verify --checkpoint "$TMP/cp.json" --key "$K/a.pub"

finish
