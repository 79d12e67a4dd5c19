# Shared set-up and helpers for the end-to-end tests; source it first, after
# setting MC and SRC. A private temporary directory, removed on exit, holds
# everything a test writes, its audit trail included (never beside the example
# specs, in the source tree).
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
export MODELCERT_AUDIT="$TMP/audit.db"
failures=0

# expect_exit WANT DESCRIPTION -- COMMAND...
expect_exit() {
    local want=$1 what=$2
    shift 3
    "$@" >"$TMP/out" 2>"$TMP/err"
    local got=$?
    if [ "$got" -ne "$want" ]; then
        echo "FAIL: $what: exit $got, want $want"
        sed 's/^/  stdout: /' "$TMP/out" | head -20
        sed 's/^/  stderr: /' "$TMP/err" | head -20
        failures=$((failures + 1))
    else
        echo "ok: $what"
    fi
}

# expect_grep FILE(out|err) PATTERN DESCRIPTION
expect_grep() {
    local file=$1 pattern=$2 what=$3
    if grep -q -- "$pattern" "$TMP/$file"; then
        echo "ok: $what"
    else
        echo "FAIL: $what: '$pattern' not in $file"
        sed 's/^/  /' "$TMP/$file" | head -20
        failures=$((failures + 1))
    fi
}

# check CONDITION-COMMAND... -- DESCRIPTION: passes when the command succeeds
check() {
    local what=${!#}
    if "${@:1:$#-2}"; then
        echo "ok: $what"
    else
        echo "FAIL: $what"
        failures=$((failures + 1))
    fi
}

# skip DESCRIPTION REASON: a check that could not run here, shown as SKIP (never "ok")
# and counted in finish's summary.
skipped=0
skip() {
    echo "SKIP: $1 ($2)"
    skipped=$((skipped + 1))
}

finish() {
    if [ "$skipped" -gt 0 ]; then
        echo "$failures failure(s), $skipped skipped"
    else
        echo "$failures failure(s)"
    fi
    [ "$failures" -eq 0 ]
}
