# Shared set-up of the tests in the Sigstore world of tests/interop/sigstore_world.py
# (sigstore_world.sh, sigstore_verify_bundle.sh) and of the conformance goldens
# (sigstore_conformance.sh); source it after lib.sh, with SRC set, in $TMP.
WORLD="$SRC/tests/interop/sigstore_world.py"
JS="$SRC/tests/interop/sigstore_keyless_verify.js"
ID=signer@example.com
ISS=https://oidc.example
KEYLESS=(--certificate-identity $ID --certificate-oidc-issuer $ISS)

# npm_sigstore VAR VERIFY_VERSION BUNDLE_VERSION: npm @sigstore/verify (and @sigstore/bundle) of
# these versions, installed once in the user's cache (outside the tree, under a lock, as
# sign_interop.sh installs it); VAR is set to its node_modules. Returns 1 when npm fails.
npm_sigstore() {
    local cache="${XDG_CACHE_HOME:-$HOME/.cache}/modelcert-tests/npm-sigstore-$2"
    mkdir -p "$cache" || return 1
    (
        flock 9
        [ -f "$cache/node_modules/@sigstore/verify/package.json" ] && exit 0
        cd "$cache" && npm install --no-audit --no-fund --silent "@sigstore/verify@$2" \
            "@sigstore/bundle@$3" >"$cache/npm.log" 2>&1 || { cat "$cache/npm.log"; exit 1; }
    ) 9>"$cache.lock" || { echo "FAIL: npm install @sigstore/verify@$2 failed"; return 1; }
    printf -v "$1" '%s' "$cache/node_modules"
}

# world_model DIR BREAK [v2]: a model directory DIR/m (w.bin, d/config.json) signed keyless in
# a fresh world with BREAK (DIR/m/model.sig, DIR/trusted_root.json). Returns 1 (counted as a
# failure) when the world cannot be made.
world_model() {
    rm -rf "$1" && mkdir -p "$1/m/d"
    printf 'weights' > "$1/m/w.bin"
    printf '{"layers":2}' > "$1/m/d/config.json"
    python3 "$WORLD" "$1" "$1/m" "$2" ${3:+"$3"} >/dev/null ||
        { echo "FAIL: world $2 ${3:-}"; failures=$((failures + 1)); return 1; }
}

# world_blob DIR BREAK [v2]: DIR/a.txt signed as a blob (DIR/blob.sigstore.json), as above.
world_blob() {
    rm -rf "$1" && mkdir -p "$1"
    printf 'the artifact' > "$1/a.txt"
    python3 "$WORLD" "$1" "$1/a.txt" "$2" blob ${3:+"$3"} >/dev/null ||
        { echo "FAIL: world $2 ${3:-}"; failures=$((failures + 1)); return 1; }
}
