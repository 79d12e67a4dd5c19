#!/usr/bin/env bash
# Sigstore, offline (docs/signing.md, "Sigstore"): the built-in public-good trusted root is
# byte for byte the one npm's @sigstore/tuf ships in its seeds (installed once into a cache
# outside the source tree), and it parses.
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
finish
