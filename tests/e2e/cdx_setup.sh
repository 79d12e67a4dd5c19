# Sourced by the ML-BOM tests (bom.sh, onnx_gate.sh): CycloneDX's official 1.6 JSON Schema with
# the spdx and jsf schemas it refers to, as npm @cyclonedx/cyclonedx-library (pinned) ships
# them, installed once into the cache the other npm-using tests use (onnx_ort_setup.sh),
# without its optional native parts. Sets CDX_SCHEMAS, or prints why it cannot and returns 1.
CDX_VERSION=10.3.0
cdx_setup() {
    local cache="${XDG_CACHE_HOME:-$HOME/.cache}/modelcert-tests/cyclonedx-library-$CDX_VERSION"
    CDX_SCHEMAS="$cache/node_modules/@cyclonedx/cyclonedx-library/res/schema"
    command -v npm >/dev/null || { echo "FAIL: npm is needed (make test-deps installs it)"; return 1; }
    mkdir -p "$cache" || { echo "FAIL: cannot create $cache"; return 1; }
    (
        flock 9
        [ -f "$CDX_SCHEMAS/bom-1.6.SNAPSHOT.schema.json" ] && exit 0
        echo "installing @cyclonedx/cyclonedx-library@$CDX_VERSION into $cache (once)"
        npm install --prefix "$cache" --ignore-scripts --omit=optional --omit=peer --no-audit \
            --no-fund --no-save --silent "@cyclonedx/cyclonedx-library@$CDX_VERSION" \
            >"$cache/npm.log" 2>&1 || { cat "$cache/npm.log"; exit 1; }
    ) 9>"$cache.lock" || { echo "FAIL: npm install @cyclonedx/cyclonedx-library failed"; return 1; }
}
