#!/usr/bin/env bash
# Interoperability with code we did not write: our P-256 key-mode bundle is
# verified by the Sigstore project's JavaScript verifier (npm @sigstore/verify,
# installed once into a cache directory outside the source tree), its DSSE
# envelope by securesystemslib (Debian's python3-securesystemslib), and the
# statement's digests are recomputed with sha256sum; a tampered bundle is
# refused by both verifiers.
# usage: sign_interop.sh MODELCERT SOURCE_DIR
set -u
MC=$1
SRC=$2
. "$(dirname "$0")/lib.sh"
cd "$TMP" || exit 2
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/modelcert-tests/npm-sigstore-2.1.1"
if [ ! -f "$CACHE/node_modules/@sigstore/verify/package.json" ]; then
    mkdir -p "$CACHE"
    if ! (cd "$CACHE" && npm install --no-audit --no-fund --silent \
            @sigstore/verify@2.1.1 @sigstore/bundle@3.1.0 >"$TMP/npm.log" 2>&1); then
        echo "FAIL: npm install @sigstore/verify into $CACHE"; cat "$TMP/npm.log"; exit 1
    fi
fi
PY=python3
for p in python3 /usr/bin/python3; do
    if "$p" -c 'import securesystemslib.signer' 2>/dev/null; then PY=$p; break; fi
done

M="$TMP/model"
mkdir -p "$M/sub"
printf 'weights' > "$M/w.bin"; printf 'config' > "$M/sub/c.json"; head -c 100000 /dev/urandom > "$M/big"
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out k.pem 2>/dev/null
chmod 600 k.pem
openssl pkey -in k.pem -pubout -out k.pub 2>/dev/null
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out k2.pem 2>/dev/null
openssl pkey -in k2.pem -pubout -out k2.pub 2>/dev/null
expect_exit 0 "sign" -- "$MC" sign "$M" --key k.pem -q
VERIFY_JS="$SRC/tests/interop/sigstore_verify.js"
expect_exit 0 "@sigstore/verify accepts our bundle" -- node "$VERIFY_JS" "$CACHE/node_modules" "$M/model.sig" k.pub
SUBJ=$(cat "$TMP/out")
expect_exit 0 "modelcert digest" -- "$MC" digest "$M"
check grep -q "^sha256:$SUBJ " "$TMP/out" -- "@sigstore/verify's payload names our subject digest"
expect_exit 1 "@sigstore/verify refuses another key" -- node "$VERIFY_JS" "$CACHE/node_modules" "$M/model.sig" k2.pub
expect_grep err "@sigstore/verify: SIGNATURE_ERROR signature verification failed" "... because the signature fails (not a crash: node exits 1 on any exception)"
expect_exit 0 "securesystemslib verifies the DSSE envelope" -- "$PY" "$SRC/tests/interop/dsse_verify.py" "$M/model.sig" k.pub
expect_grep out "application/vnd.in-toto+json" "the payload type"
expect_exit 1 "securesystemslib refuses another key" -- "$PY" "$SRC/tests/interop/dsse_verify.py" "$M/model.sig" k2.pub
expect_grep err "securesystemslib: Failed to verify signature" "... because the signature fails (not a Python error)"

# The statement's digests, recomputed with sha256sum: each resource, and the subject over them.
"$PY" - "$M/model.sig" > stmt.txt <<'PY'
import base64, json, sys
s = json.loads(base64.b64decode(json.load(open(sys.argv[1]))["dsseEnvelope"]["payload"]))
for r in s["predicate"]["resources"]:
    print(r["digest"], r["name"])
print(s["subject"][0]["digest"]["sha256"], "SUBJECT")
PY
(cd "$M" && grep -v ' SUBJECT$' "$TMP/stmt.txt" | sed 's/ /  /' | sha256sum --check --strict --quiet) >"$TMP/out" 2>&1
check test $? -eq 0 -- "sha256sum --check agrees with every resource digest"
check test "$(grep -vc ' SUBJECT$' stmt.txt)" -eq 3 -- "the statement lists the 3 files"
SUB_SUM=$(grep -v ' SUBJECT$' stmt.txt | cut -d' ' -f1 |
    "$PY" -c 'import sys; sys.stdout.buffer.write(bytes.fromhex("".join(sys.stdin.read().split())))' |
    sha256sum | cut -d' ' -f1)
check grep -q "^$SUB_SUM SUBJECT$" stmt.txt -- "the subject is sha256 over the resource digests, recomputed"

# A flipped byte in the signature: both verifiers refuse it.
"$PY" - "$M/model.sig" bad.sig <<'PY'
import base64, json, sys
b = json.load(open(sys.argv[1]))
s = bytearray(base64.b64decode(b["dsseEnvelope"]["signatures"][0]["sig"])); s[-1] ^= 1
b["dsseEnvelope"]["signatures"][0]["sig"] = base64.b64encode(bytes(s)).decode()
json.dump(b, open(sys.argv[2], "w"))
PY
expect_exit 1 "@sigstore/verify refuses a flipped signature byte" -- node "$VERIFY_JS" "$CACHE/node_modules" bad.sig k.pub
expect_grep err "@sigstore/verify: SIGNATURE_ERROR signature verification failed" "... because the signature fails"
expect_exit 1 "securesystemslib refuses it" -- "$PY" "$SRC/tests/interop/dsse_verify.py" bad.sig k.pub
expect_grep err "securesystemslib: Failed to verify signature" "... because the signature fails"
expect_exit 1 "and so do we" -- "$MC" verify "$M" --key k.pub --signature bad.sig
expect_grep err "bundle: the DSSE signature does not verify with this key" "... because the signature fails"

echo "$failures failure(s)"
[ "$failures" -eq 0 ]
