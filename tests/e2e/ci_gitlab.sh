#!/usr/bin/env bash
# The GitLab CI template (ci/gitlab/modelcert.gitlab-ci.yml) run as GitLab Runner runs a job
# (ci_runner.py: `extends:` resolved, the job's variables with ours on top and expanded, CI_*
# variables, before_script and script lines in one bash with `set -eo pipefail`) on a copy of
# the examples, with the binary under test as MODELCERT_BIN: a passing spec (seed), a failing
# one (privacy/raw.yaml), a baseline (the regression example's change threshold), a spec that
# cannot be read. Checked: the job's exit status, MODELCERT_VERDICT in the dotenv report
# against validation.json's verdict, the JUnit report and the artifact paths present, the run
# directory's default name, and MODELCERT_TRAIL's trail recording the runs.
# usage: ci_gitlab.sh MODELCERT SOURCE_DIR
set -u
MC=$1
SRC=$2
PY=/usr/bin/python3 # Debian's, with python3-yaml
RUNNER="$SRC/tests/e2e/ci_runner.py"
. "$(dirname "$0")/lib.sh"
unset MODELCERT_AUDIT # MODELCERT_TRAIL says where the trail is

WS="$TMP/project"
mkdir -p "$WS" && cp -r "$SRC/examples/seed" "$SRC/examples/privacy" "$SRC/examples/regression" "$WS/"

# job NAME VAR=VALUE...: the template's modelcert-validate job; the runner's JSON in $TMP/NAME.json
job() {
    local name=$1
    shift
    (cd "$WS" && $PY "$RUNNER" gitlab "$SRC/ci/gitlab/modelcert.gitlab-ci.yml" modelcert-validate \
        "$WS" MODELCERT_BIN="$MC" MODELCERT_TRAIL="$WS/.modelcert/trail.db" "$@") \
        >"$TMP/$name.json" 2>"$TMP/$name.log"
    [ $? -ne 99 ] || { echo "FAIL: $name: the runner refused the template:"; tail -3 "$TMP/$name.log"; }
}

expect() {
    if $PY "$RUNNER" check "$TMP/$1.json" "$WS" "$2"; then
        echo "ok: $1: $3"
    else
        echo "FAIL: $1: $3 ($2)"
        sed 's/^/  /' "$TMP/$1.log" | tail -8
        failures=$((failures + 1))
    fi
}

ARTIFACTS="all(os.path.exists(path(p)) for p in r['artifacts']['paths']) and exists(r['artifacts']['reports']['junit'])"

job pass MODELCERT_SPEC=seed/modelcert.yaml
expect pass "r['status'] == 0 and r['dotenv']['MODELCERT_EXIT_STATUS'] == '0'" "the job succeeds (exit 0)"
expect pass "r['dotenv']['MODELCERT_VERDICT'] == 'pass' == verdict(r['dotenv']['MODELCERT_RUN_DIR'])" \
    "MODELCERT_VERDICT pass in the dotenv report, as validation.json says"
expect pass "r['dotenv']['MODELCERT_RUN_DIR'] == 'runs/ci-777-4711'" \
    "the run directory defaults to runs/ci-PIPELINE-JOB"
expect pass "$ARTIFACTS and r['artifacts']['reports']['junit'] == 'modelcert-reports/junit.xml'" \
    "the artifacts and the JUnit report are there"
expect pass "exists(r['dotenv']['MODELCERT_HTML']) and exists(r['dotenv']['MODELCERT_VALIDATION']) and r['artifacts']['when'] == 'always'" \
    "the dotenv report's paths name files; artifacts kept whatever the verdict"
expect_exit 0 "the MODELCERT_TRAIL trail holds the gate" -- env MODELCERT_AUDIT="$WS/.modelcert/trail.db" \
    "$MC" audit log
expect_grep out "validate" "audit log shows the validate event"

job fail MODELCERT_SPEC=privacy/raw.yaml MODELCERT_RUN_DIR=runs/raw MODELCERT_REPORT_DIR=reports-fail
expect fail "r['status'] == 1 and r['dotenv']['MODELCERT_VERDICT'] == 'fail' == verdict('runs/raw')" \
    "a failing gate fails the job (exit 1) with MODELCERT_VERDICT fail"
expect fail "$ARTIFACTS and r['artifacts']['reports']['junit'] == 'reports-fail/junit.xml'" \
    "the reports are kept when the gate fails"

job first MODELCERT_SPEC=regression/modelcert.yaml MODELCERT_RUN_DIR=runs/first
job baseline MODELCERT_SPEC=regression/modelcert.yaml MODELCERT_RUN_DIR=runs/base MODELCERT_BASELINE=runs/first
CHANGE="[x['status'] for x in json.load(open(path('runs/%s/validation.json')))['results'] if x['id'].startswith('thresholds.metrics.r2.change')]"
expect first "r['status'] == 0 and $(printf "$CHANGE" first) == ['skipped']" "no baseline: the change check is skipped"
expect baseline "r['status'] == 0 and $(printf "$CHANGE" base) == ['pass']" \
    "MODELCERT_BASELINE reaches validate: the change check is judged against it"

job error MODELCERT_SPEC=seed/nothing-here.yaml MODELCERT_RUN_DIR=runs/err
expect error "r['status'] == 2 and r['dotenv'] == dict(r['dotenv'], MODELCERT_VERDICT='error', MODELCERT_EXIT_STATUS='2')" \
    "a spec that cannot be read: exit 2, MODELCERT_VERDICT error"
check grep -q "nothing-here.yaml" "$TMP/error.log" -- "error: the job log names the missing spec"

finish
