# Sourced by the ONNX tests: ONNX Runtime for Node (npm onnxruntime-node, pinned), installed
# once into a cache outside the source tree with --ignore-scripts (its package carries the CPU
# library; the install script would only fetch GPU ones). Sets ORT_NODE_PATH, or prints why
# it cannot and returns 1. The version works with Debian 12's nodejs 18 and with nodejs 20.
ORT_VERSION=1.20.1
ort_setup() {
    command -v node >/dev/null && command -v npm >/dev/null || {
        echo "FAIL: node and npm are needed (make deps installs Debian's nodejs and npm)"; return 1; }
    local cache="${XDG_CACHE_HOME:-$HOME/.cache}/modelcert-tests/onnxruntime-node-$ORT_VERSION"
    mkdir -p "$cache" || { echo "FAIL: cannot create $cache"; return 1; }
    (
        flock 9
        [ -f "$cache/node_modules/onnxruntime-node/package.json" ] && exit 0
        echo "installing onnxruntime-node@$ORT_VERSION into $cache (once)"
        npm install --prefix "$cache" --ignore-scripts --no-audit --no-fund --no-save --silent \
            "onnxruntime-node@$ORT_VERSION" >"$cache/npm.log" 2>&1 || { cat "$cache/npm.log"; exit 1; }
    ) 9>"$cache.lock" || { echo "FAIL: npm install onnxruntime-node@$ORT_VERSION failed"; return 1; }
    ORT_NODE_PATH="$cache/node_modules"
}
