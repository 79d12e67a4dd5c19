#!/usr/bin/env bash
# The GitHub Action (action.yml) run as a runner runs it (ci_runner.py: the steps with their
# shell and env, ${{ }} substituted, INPUT_* variables, GITHUB_OUTPUT, GITHUB_ENV and
# GITHUB_STEP_SUMMARY files) on a copy of the examples, with the binary under test as the
# action's `binary` input: a passing spec (seed), a failing one (privacy/raw.yaml), a
# baseline (the regression example's change threshold), a spec
# that cannot be read, no job summary, a binary that is not there. Checked: the
# step's exit status, the `verdict` output against validation.json's verdict, every report
# path output naming a file, the job summary, MODELCERT and MODELCERT_AUDIT exported to later
# steps through GITHUB_ENV, and the trail they name recording the runs.
# usage: ci_action.sh MODELCERT SOURCE_DIR
set -u
MC=$1
SRC=$2
PY=/usr/bin/python3 # Debian's, with python3-yaml
RUNNER="$SRC/tests/e2e/ci_runner.py"
. "$(dirname "$0")/lib.sh"
unset MODELCERT_AUDIT # the action's trail input says where the trail is

WS="$TMP/workspace"
mkdir -p "$WS" && cp -r "$SRC/examples/seed" "$SRC/examples/privacy" "$SRC/examples/regression" "$WS/"

# action NAME INPUT=VALUE...: runs the action in the workspace; the runner's JSON in $TMP/NAME.json
action() {
    local name=$1
    shift
    (cd "$WS" && $PY "$RUNNER" github "$SRC/action.yml" "$WS" binary="$MC" "$@") \
        >"$TMP/$name.json" 2>"$TMP/$name.log"
    local rc=$?
    [ "$rc" -ne 99 ] || { echo "FAIL: $name: the runner refused the action:"; tail -3 "$TMP/$name.log"; }
}

# expect NAME CHECK DESCRIPTION: CHECK is a Python expression over the runner's JSON (r) and
# the workspace (ci_runner.py check).
expect() {
    if $PY "$RUNNER" check "$TMP/$1.json" "$WS" "$2"; then
        echo "ok: $1: $3"
    else
        echo "FAIL: $1: $3 ($2)"
        sed 's/^/  /' "$TMP/$1.log" | tail -8
        failures=$((failures + 1))
    fi
}

REPORTS="['validation', 'junit', 'markdown', 'html', 'model-card']"

action pass spec=seed/modelcert.yaml trail=.modelcert/ci-audit.db report-dir=reports-pass
expect pass "r['status'] == 0 and r['outputs']['exit-status'] == '0'" "the step succeeds (exit 0)"
expect pass "r['outputs']['verdict'] == 'pass' == verdict(r['outputs']['run-dir'])" \
    "verdict output pass, as validation.json says"
expect pass "r['outputs']['run-dir'] == 'runs/ci-4242-1'" "the run directory defaults to runs/ci-RUN_ID-ATTEMPT"
expect pass "all(exists(r['outputs'][k]) for k in $REPORTS)" "every report path output names a file"
expect pass "r['outputs']['junit'] == 'reports-pass/junit.xml' and file('reports-pass/junit.xml').startswith('<?xml')" \
    "the JUnit report is in the report-dir input"
expect pass "file(r['summary']).startswith('## ✅ modelcert validate: PASS') and file(r['summary']) == file('reports-pass/report.md') + '\n'" \
    "the job summary is the Markdown report"
expect pass "os.path.samefile(r['env']['MODELCERT'], '$MC') and r['outputs']['modelcert'] == r['env']['MODELCERT']" \
    "MODELCERT exported to later steps (GITHUB_ENV) and as an output"
expect pass "r['env']['MODELCERT_AUDIT'] == os.path.join(os.path.realpath(ws), '.modelcert/ci-audit.db') and exists('.modelcert/ci-audit.db')" \
    "MODELCERT_AUDIT exported: the trail input, made absolute, holding the run"
expect pass "r['steps'] == [{'id': 'install', 'status': 0}, {'id': 'validate', 'status': 0}]" \
    "both steps ran"

# The trail the action exported records the gate: a later step (here `audit log`) sees it.
expect_exit 0 "audit verify on the trail the action exported" -- env MODELCERT_AUDIT="$WS/.modelcert/ci-audit.db" \
    "$MC" audit verify
expect_grep out "intact: " "the exported trail is intact"

action fail spec=privacy/raw.yaml trail=.modelcert/ci-audit.db report-dir=reports-fail run-dir=runs/raw
expect fail "r['status'] == 1 and r['outputs']['exit-status'] == '1'" "a failing gate fails the step (exit 1)"
expect fail "r['outputs']['verdict'] == 'fail' == verdict('runs/raw')" "verdict output fail, as validation.json says"
expect fail "all(exists(r['outputs'][k]) for k in $REPORTS) and r['outputs']['run-dir'] == 'runs/raw'" \
    "the reports are written and their paths set even when the gate fails"
expect fail "file(r['summary']).startswith('## ❌ modelcert validate: FAIL')" "the job summary says FAIL"

# The regression example's change threshold: skipped without a baseline, judged with one.
action first spec=regression/modelcert.yaml report-dir=reports-first run-dir=runs/first
action baseline spec=regression/modelcert.yaml baseline=runs/first report-dir=reports-base run-dir=runs/base
CHANGE="[x['status'] for x in json.load(open(path('runs/%s/validation.json')))['results'] if x['id'].startswith('thresholds.metrics.r2.change')]"
expect first "r['status'] == 0 and $(printf "$CHANGE" first) == ['skipped']" "no baseline input: the change check is skipped"
expect baseline "r['status'] == 0 and r['outputs']['verdict'] == 'pass' and $(printf "$CHANGE" base) == ['pass']" \
    "the baseline input reaches validate: the change check is judged against it"

action nosummary spec=seed/modelcert.yaml summary=false report-dir=reports-ns run-dir=runs/ns
expect nosummary "r['status'] == 0 and file(r['summary']) == '' and exists('reports-ns/report.md')" \
    "summary=false: reports written, the job summary left alone"

action error spec=seed/nothing-here.yaml report-dir=reports-err run-dir=runs/err
expect error "r['status'] == 2 and r['outputs']['exit-status'] == '2' and r['outputs']['verdict'] == 'error'" \
    "a spec that cannot be read: exit 2, verdict error"
expect error "'## modelcert validate: ERROR' in file(r['summary']) and 'exited 2' in file(r['summary'])" \
    "the job summary says the gate could not run"
check grep -q "nothing-here.yaml" "$TMP/error.log" -- "error: the log names the missing spec"

(cd "$WS" && $PY "$RUNNER" github "$SRC/action.yml" "$WS" binary="$WS/no-such-modelcert" \
    spec=seed/modelcert.yaml) >"$TMP/nobin.json" 2>"$TMP/nobin.log"
expect nobin "r['status'] == 2 and [s['id'] for s in r['steps']] == ['install'] and r['outputs']['verdict'] == ''" \
    "a binary input that is not there stops the action at the install step"
check grep -q "::error::modelcert binary '.*no-such-modelcert' is not an executable file" "$TMP/nobin.log" -- \
    "nobin: the error annotation names the binary"

# An independent validator: npm @action-validator/cli (SchemaStore's schemas for actions and
# workflows), pinned, installed once into the npm cache the other tests use. action.yml and
# README.md's workflow are valid; two broken copies of action.yml are refused, each for its
# reason (the validator picks the action schema by the file name, action.yml).
AV_VERSION=0.6.0
AV_CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/modelcert-tests/action-validator-$AV_VERSION"
AV="$AV_CACHE/node_modules/.bin/action-validator"
command -v npm >/dev/null || { echo "FAIL: npm is needed (make test-deps installs it)"; exit 1; }
mkdir -p "$AV_CACHE" && (
    flock 9
    [ -x "$AV" ] && exit 0
    echo "installing @action-validator/cli@$AV_VERSION into $AV_CACHE (once)"
    npm install --prefix "$AV_CACHE" --ignore-scripts --no-audit --no-fund --no-save --silent \
        "@action-validator/cli@$AV_VERSION" "@action-validator/core@$AV_VERSION" \
        >"$AV_CACHE/npm.log" 2>&1 || { cat "$AV_CACHE/npm.log"; exit 1; }
) 9>"$AV_CACHE.lock" || { echo "FAIL: npm install @action-validator/cli failed"; exit 1; }
validates() { "$AV" "$1" >"$TMP/av.out" 2>&1 || { sed 's/^/  /' "$TMP/av.out" | head -20; return 1; }; }
check validates "$SRC/action.yml" -- "action-validator: action.yml is a valid action"
awk '/^```yaml/ {n++; f = 1; next} /^```/ {f = 0} f && n == 1' "$SRC/README.md" >"$TMP/model.yml"
check grep -q '^      - id: gate' "$TMP/model.yml" -- "README.md's first yaml block is its workflow"
check validates "$TMP/model.yml" -- "action-validator: README.md's workflow is a valid workflow"
# refused NAME SED REASON: action.yml changed by SED is refused, the reason in the output
refused() {
    mkdir -p "$TMP/$1" && sed "$2" "$SRC/action.yml" >"$TMP/$1/action.yml"
    if "$AV" "$TMP/$1/action.yml" >"$TMP/av.out" 2>&1; then
        echo "FAIL: action-validator accepts $1"; failures=$((failures + 1))
    elif grep -qF -- "$3" "$TMP/av.out"; then
        echo "ok: action-validator refuses $1 ($3)"
    else
        echo "FAIL: action-validator refuses $1, but not for '$3'"; failures=$((failures + 1))
    fi
}
refused bad-step 's/^    - id: install$/    - idx: install/' "Additional property 'idx' is not allowed"
refused bad-output 's/^    value: \${{ steps.validate.outputs.verdict }}$/    valeur: x/' '"path": "/outputs/verdict"'

finish
