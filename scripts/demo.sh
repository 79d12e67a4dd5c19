#!/usr/bin/env bash
# The main example end to end, with what this version of modelcert can do.
set -euo pipefail
MC=${1:-build/cli/modelcert}
cd "$(dirname "$0")/.."
echo "== modelcert $("$MC" --version | cut -d' ' -f2)"
echo "== checking every example spec"
"$MC" check examples/*/modelcert.yaml
echo "== the seed pipeline, normalised (every default filled in; this is what the digest covers)"
"$MC" check --print-normalized examples/seed/modelcert.yaml | head -40
echo "   ..."
echo "== a starter project from 'modelcert init'"
tmp=$(mktemp -d)
"$MC" init "$tmp/starter"
"$MC" check "$tmp/starter/modelcert.yaml"
rm -rf "$tmp"
