#!/usr/bin/env bash
# One workflow, one audit trail (docs/audit.md, "Where"): in a copy of a small
# project, the README's sequence from the repository root (run, validate,
# reproduce, audit verify, audit log) leaves every event in ONE trail,
# REPO/.modelcert/audit.db, made there by the first command; reproduce and
# audit verify from a subdirectory find it upward (as git finds .git); a nearer
# .modelcert/ wins; --audit and $MODELCERT_AUDIT still name another one; and
# run.json's audit.path names, absolute, the trail each run's event went to.
# usage: trail.sh MODELCERT SOURCE_DIR
set -u
MC=$(cd "$(dirname "$1")" && pwd -P)/$(basename "$1") # absolute: the test changes directory
SRC=$2
. "$(dirname "$0")/lib.sh"
unset MODELCERT_AUDIT # lib.sh sets one: this test is about the default

R="$TMP/repo"
mkdir -p "$R/examples"
cp -r "$SRC/examples/seed" "$R/examples/seed"
rm -rf "$R/examples/seed/.modelcert" "$R/examples/seed/runs"
# A .modelcert/ above the temporary directory would be the nearest one: this test needs none.
d=$(cd "$TMP" && pwd -P)
while :; do
    if [ -d "$d/.modelcert" ]; then
        echo "FAIL: $d/.modelcert exists above the test's directory; remove it to run this test"
        exit 1
    fi
    [ "$d" = / ] && break
    d=$(dirname "$d")
done
TRAIL=$(cd "$R" && pwd -P)/.modelcert/audit.db

# events DB: the number of events in the trail, counted with SQLite itself
events() { python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select count(*) from events').fetchone()[0])" "$1"; }
# audit_path RUN_DIR: run.json's audit.path
audit_path() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['audit']['path'])" "$1/run.json"; }
# trails: every audit database under the project
trails() { (cd "$R" && find . -name '*.db' | sort | tr '\n' ' '); }

# The README's sequence, from the repository root.
cd "$R" || exit 1
expect_exit 0 "run from the repository root" -- "$MC" run -v examples/seed/modelcert.yaml -o runs/r1
expect_grep err "audit: event 1 in .modelcert/audit.db" "run made the trail in the current directory"
check [ -f "$R/.modelcert/audit.db" ] -- "the trail is REPO/.modelcert/audit.db"
check [ ! -e "$R/examples/seed/.modelcert" ] -- "nothing beside the spec"
check [ "$(audit_path runs/r1)" = "$TRAIL" ] -- "run.json's audit.path names the trail, absolute"
expect_exit 0 "validate from the repository root" -- "$MC" validate -v examples/seed/modelcert.yaml -o runs/v1
expect_grep err "audit: event 2 in .modelcert/audit.db" "validate appended to the same trail"
check [ "$(audit_path runs/v1)" = "$TRAIL" ] -- "validate's run.json names the same trail"
expect_exit 0 "reproduce from the repository root" -- "$MC" reproduce runs/r1
expect_grep out "PASS  the audit trail .modelcert/audit.db records this run" "reproduce finds the run's event"
expect_exit 0 "audit verify from the repository root" -- "$MC" audit verify
expect_grep out "intact: 3 events" "audit verify sees run, validate and reproduce"
expect_exit 0 "audit log from the repository root" -- "$MC" audit log
check [ "$(grep -c -E ' (run|validate|reproduce) ' "$TMP/out")" = 3 ] -- "audit log lists the three events"
check [ "$(events "$TRAIL")" = 3 ] -- "the trail holds 3 events"
check [ "$(trails)" = "./.modelcert/audit.db " ] -- "one trail in the project: $(trails)"

# From subdirectories: the nearest .modelcert/ upward.
mkdir -p "$R/docs/deep/er"
cd "$R/examples/seed" || exit 1
expect_exit 0 "reproduce from a subdirectory" -- "$MC" reproduce -v ../../runs/v1
expect_grep out "PASS  the audit trail $TRAIL records this run" "reproduce found the trail upward"
expect_grep err "audit: event 4 in $TRAIL" "and appended to it"
expect_exit 0 "run from a subdirectory" -- "$MC" run modelcert.yaml -o ../../runs/r2
check [ "$(audit_path ../../runs/r2)" = "$TRAIL" ] -- "its run.json names the trail upward"
cd "$R/docs/deep/er" || exit 1
expect_exit 0 "audit verify from a subdirectory" -- "$MC" audit verify
expect_grep out "intact: 5 events" "audit verify sees every event"
expect_exit 0 "audit log from a subdirectory" -- "$MC" audit log --kind reproduce
check [ "$(grep -c ' reproduce ' "$TMP/out")" = 2 ] -- "both reproduce events are in it"
check [ "$(events "$TRAIL")" = 5 ] -- "the trail holds 5 events"
check [ "$(trails)" = "./.modelcert/audit.db " ] -- "still one trail in the project: $(trails)"
cd "$R" || exit 1
check python3 - "$TRAIL" <<'PY' -- "the trail records run, validate, reproduce, reproduce, run in order"
import sqlite3, sys
kinds = [k for (k,) in sqlite3.connect(sys.argv[1]).execute("select kind from events order by id")]
sys.exit(kinds != ["run", "validate", "reproduce", "reproduce", "run"])
PY

# A nearer .modelcert/ wins, as a nested repository's .git does.
mkdir -p "$R/sub/.modelcert" "$R/sub/x"
cd "$R/sub/x" || exit 1
expect_exit 2 "audit verify of the nearer, still empty, trail" -- "$MC" audit verify
expect_grep err "$(cd "$R/sub" && pwd -P)/.modelcert/audit.db does not exist" "the nearer trail is the one named"
cd "$R" || exit 1

# --audit and MODELCERT_AUDIT name another trail; run.json says which.
expect_exit 0 "run --audit" -- "$MC" run -q --audit other/a.db examples/seed/modelcert.yaml -o runs/r3
check [ "$(audit_path runs/r3)" = "$(pwd -P)/other/a.db" ] -- "run.json names the --audit trail, absolute"
MODELCERT_AUDIT="$TMP/env.db" expect_exit 0 "run with MODELCERT_AUDIT" -- "$MC" run -q examples/seed/modelcert.yaml -o runs/r4
check [ "$(audit_path runs/r4)" = "$(cd "$TMP" && pwd -P)/env.db" ] -- "run.json names the MODELCERT_AUDIT trail"
check [ "$(events "$TRAIL")" = 5 ] -- "the default trail was not touched"

# reproduce compares only deterministic fields: a run recorded in another trail
# reproduces with --audit naming it, whatever audit.path says.
expect_exit 0 "reproduce with --audit" -- "$MC" reproduce --audit other/a.db runs/r3
expect_grep out "verdict: REPRODUCED" "the recorded trail path does not disturb reproduce"

cd /
finish
