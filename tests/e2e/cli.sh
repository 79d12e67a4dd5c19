#!/usr/bin/env bash
# End-to-end tests of the `modelcert` command: exit codes, output forms, init.
# usage: cli.sh MODELCERT SOURCE_DIR
set -u
MC=$1
SRC=$2
. "$(dirname "$0")/lib.sh"

expect_exit 0 "--version" -- "$MC" --version
expect_grep out "^modelcert [0-9]" "--version prints the version"
# the commit it was built from (git's own answer; unknown outside git), the parts built in
commit=$(git -C "$SRC" rev-parse HEAD 2>/dev/null || echo unknown)
expect_grep out "^commit: $commit\$" "--version names the commit"
expect_grep out "^built with: PKCS #11 keys (libp11 [0-9].*), PostgreSQL audit trail (libpq [0-9].*), ONNX export (protobuf-c [0-9]" \
    "--version names the optional parts built in"
expect_exit 0 "--help" -- "$MC" --help
expect_exit 2 "no verb is a usage error" -- "$MC"
expect_exit 2 "unknown verb" -- "$MC" frobnicate
expect_grep err "unknown verb 'frobnicate'" "unknown verb is named"
for verb in init check run predict validate reproduce; do
    expect_exit 0 "$verb --help" -- "$MC" $verb --help
    expect_grep out "usage: modelcert $verb" "$verb --help prints usage"
done
expect_exit 2 "check with no spec" -- "$MC" check
expect_exit 2 "check with an unknown option" -- "$MC" check --frob x.yaml
expect_exit 2 "check of a missing file" -- "$MC" check "$TMP/missing.yaml"
expect_grep err "missing.yaml" "missing file is named"

# init writes a project that check accepts; a second init refuses to overwrite.
expect_exit 0 "init" -- "$MC" init "$TMP/proj"
expect_exit 0 "check accepts the starter spec" -- "$MC" check "$TMP/proj/modelcert.yaml"
expect_grep out "ok (spec digest sha256:" "check prints the digest"
[ -s "$TMP/proj/churn.csv" ] && echo "ok: init wrote data" || { echo "FAIL: no data"; failures=$((failures + 1)); }
cp "$TMP/proj/modelcert.yaml" "$TMP/before.yaml"
expect_exit 2 "init refuses to overwrite" -- "$MC" init "$TMP/proj"
cmp -s "$TMP/proj/modelcert.yaml" "$TMP/before.yaml" && echo "ok: spec untouched" || { echo "FAIL: spec changed"; failures=$((failures + 1)); }
expect_exit 0 "init --force overwrites" -- "$MC" init --force "$TMP/proj"

# Output forms.
expect_exit 0 "check --digest" -- "$MC" check --digest "$TMP/proj/modelcert.yaml"
expect_grep out "^[0-9a-f]\{64\}  " "--digest prints sha256sum-style lines"
digest=$(cut -d' ' -f1 "$TMP/out")
expect_exit 0 "check from stdin" -- bash -c "'$MC' check --digest - < '$TMP/proj/modelcert.yaml'"
expect_grep out "^$digest  -" "stdin gives the same digest"
expect_exit 0 "check --print-normalized" -- "$MC" check --print-normalized "$TMP/proj/modelcert.yaml"
expect_grep out '"batch_size": 32' "normalized spec has defaults filled in"
expect_exit 2 "--print-normalized takes one spec" -- "$MC" check --print-normalized "$TMP/proj/modelcert.yaml" "$TMP/proj/modelcert.yaml"

printf 'apiVersion: modelcert/v1\nkind: Pipeline\nmetadata: {name: x}\ntrainig: {}\n' > "$TMP/bad.yaml"
expect_exit 2 "check rejects a bad spec" -- "$MC" check "$TMP/bad.yaml"
expect_grep err "bad.yaml:4:1: error: unknown key 'trainig' in the spec (did you mean 'training'?)" "error names file:line:col and suggests"
expect_grep err "missing required key 'data'" "all errors are reported"
expect_exit 2 "check --json on a bad spec" -- "$MC" check --json "$TMP/bad.yaml" "$TMP/proj/modelcert.yaml"
if python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["valid"] is False; a,b=d["specs"]; assert not a["valid"] and a["errors"]>=2 and a["diagnostics"][0]["line"]>0; assert b["valid"] and len(b["digest"])==64' "$TMP/out"; then
    echo "ok: --json is well-formed and complete"
else
    echo "FAIL: --json output"; failures=$((failures + 1))
fi

# Every example passes check: every directory of examples/ has its spec (a glob that
# matches nothing, or an example without a spec, fails instead of passing silently).
dirs=0 specs=0
shopt -s nullglob
for dir in "$SRC"/examples/*/; do
    dirs=$((dirs + 1))
    spec="$dir/modelcert.yaml"
    check [ -f "$spec" ] -- "example $(basename "$dir") has a modelcert.yaml"
    [ -f "$spec" ] || continue
    specs=$((specs + 1))
    expect_exit 0 "example $(basename "$dir") passes check" -- "$MC" check "$spec"
done
shopt -u nullglob
check [ "$specs" -ge 5 ] -- "the examples were found ($specs specs in $dirs directories, 5 or more)"

finish
