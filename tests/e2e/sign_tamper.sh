#!/usr/bin/env bash
# The tamper test: examples/seed validated, exported to ONNX and certified, then, for every file
# of the run directory and for the bundle and the release certificate, a
# flipped byte (in the middle), a truncation (to half its size) and a deletion, and an added file: each makes
# `verify --certificate` exit 1 naming what failed; the pristine copy verifies
# before and after. The closing line counts the cases.
# usage: sign_tamper.sh MODELCERT SOURCE_DIR
set -u
MC=$1
SRC=$2
. "$(dirname "$0")/lib.sh"
cd "$TMP" || exit 2
cp -r "$SRC/examples/seed" seed
rm -rf seed/.modelcert seed/runs
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out k.pem 2>/dev/null
chmod 600 k.pem
openssl pkey -in k.pem -pubout -out k.pub 2>/dev/null
expect_exit 0 "validate the seed example" -- "$MC" validate seed/modelcert.yaml -o run -q
expect_exit 0 "export it to ONNX (model.onnx is certified with it)" -- "$MC" export run --format onnx
expect_exit 0 "certify it" -- "$MC" certify run --key k.pem
expect_exit 0 "the pristine run verifies with its certificate" -- "$MC" verify run --key k.pub --certificate run/release.intoto.jsonl
rm -rf pristine && cp -a run pristine

cases=0 caught=0
tampered() { # DESCRIPTION PATTERN: verify the tampered copy
    cases=$((cases + 1))
    "$MC" verify t --key k.pub --certificate t/release.intoto.jsonl >"$TMP/out" 2>"$TMP/err"
    local got=$?
    if [ "$got" -eq 1 ] && grep -q -- "$2" "$TMP/err"; then
        caught=$((caught + 1))
    else
        echo "FAIL: not caught: $1 (exit $got, want 1 naming '$2')"; sed 's/^/  /' "$TMP/err" | head -5
        failures=$((failures + 1))
    fi
}
fresh() { rm -rf t && cp -a pristine t; }
for f in $(cd pristine && ls -A); do
    size=$(stat -c %s "pristine/$f")
    case $f in
        model.sig) what="bundle" ;;
        release.intoto.jsonl) what="release certificate" ;;
        *) what="'$f'" ;;
    esac
    fresh
    python3 - "t/$f" "$((size / 2))" <<'PY'
import sys
p, at = sys.argv[1], int(sys.argv[2])
b = bytearray(open(p, "rb").read()); b[at] ^= 0x01
open(p, "wb").write(bytes(b))
PY
    case $f in
        model.sig) pat="bundle\|not a JSON\|DSSE\|statement\|subject\|resource" ;;
        release.intoto.jsonl) pat="release certificate" ;;
        *) pat="$f" ;;
    esac
    tampered "a flipped byte in $what" "$pat"
    fresh; truncate -s $((size / 2)) "t/$f"
    tampered "$what truncated to half" "$pat"
    fresh; rm "t/$f"
    case $f in
        model.sig) pat="no signature at" ;;
        release.intoto.jsonl) pat="no release certificate at" ;;
        *) pat="'$f' is signed but missing on disk" ;;
    esac
    tampered "$what deleted" "$pat"
done
fresh; echo extra > t/extra.txt
tampered "an added file" "'extra.txt' is on disk but not in the signature"
fresh; mkdir t/sub; echo extra > t/sub/x
tampered "an added file in a new directory" "'sub/x' is on disk but not in the signature"
fresh
expect_exit 0 "a fresh copy still verifies" -- "$MC" verify t --key k.pub --certificate t/release.intoto.jsonl
echo "tamper cases: $cases, caught: $caught"
[ "$cases" -ge 32 ] || { echo "FAIL: only $cases cases"; failures=$((failures + 1)); }
echo "$failures failure(s)"
[ "$failures" -eq 0 ]
