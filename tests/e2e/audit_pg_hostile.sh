#!/usr/bin/env bash
# The PostgreSQL audit trail against hostile roles and failures (docs/audit.md, "PostgreSQL"),
# on a throwaway PostgreSQL 15 cluster (pg_lib.sh): a row forged by the append role while an
# honest writer waits for the writers' lock makes the honest append refuse, naming the broken
# link; a role that may only read cannot hold the writers' lock; a connection dropped
# mid-append reports its cause; `audit init` refuses existing modelcert_* roles with more
# rights than the design gives; a PostgreSQL restart in the middle of 8 writers loses,
# duplicates and forks no event.
# usage: audit_pg_hostile.sh MODELCERT SOURCE_DIR AUDIT_LOAD
set -u
MC=$(cd "$(dirname "$1")" && pwd -P)/$(basename "$1") # absolute: the test changes directory
SRC=$2
LOAD=$(cd "$(dirname "$3")" && pwd -P)/$(basename "$3")
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/pg_lib.sh"
fails() { ! "$@"; }

ADMIN="postgresql:///audit?host=$S1&port=5433&user=mcadmin"
CI="postgresql://ci@/audit?host=$S1&port=5433"
AUDITOR="postgresql:///audit?host=$S1&port=5433&user=auditor"
ADMIN2="postgresql:///audit2?host=$S1&port=5433&user=mcadmin"
CI2="postgresql://ci@/audit2?host=$S1&port=5433"
export PGPASSFILE="$TMP/pgpass"
printf '*:*:*:ci:ci-secret-1\n*:*:*:auditor:aud-secret-2\n*:*:*:mallory:mal-secret-3\n' >"$PGPASSFILE"
chmod 600 "$PGPASSFILE"
expect_exit 0 "audit init" -- "$MC" audit init "$ADMIN"
expect_exit 0 "audit init of a second trail (audit2), the same roles" -- "$MC" audit init "$ADMIN2"
sql "CREATE ROLE ci LOGIN PASSWORD 'ci-secret-1' IN ROLE modelcert_append;
     CREATE ROLE auditor LOGIN PASSWORD 'aud-secret-2' IN ROLE modelcert_read;"
mkdir -p "$TMP/proj"
cp -r "$SRC/examples/seed" "$TMP/proj/seed"
rm -rf "$TMP/proj/seed/runs" "$TMP/proj/seed/.modelcert"
run_verb() { # run_verb NAME TRAIL: an honest `run` that appends one event
    (cd "$TMP/proj" && "$MC" run seed/modelcert.yaml -o "runs/$1" --audit "$2")
}
expect_exit 0 "an honest run appends" -- run_verb r1 "$CI2"

# A psql session driven through a FIFO, to hold a transaction open across the test's steps.
# session_open NAME USER; session_send NAME SQL; session_close NAME
session_open() { # session_open NAME USER [DB]
    mkfifo "$TMP/$1.fifo"
    "$PGBIN/psql" -X -q -At -h "$S1" -p 5433 -U "$2" -d "${3:-audit}" <"$TMP/$1.fifo" >"$TMP/$1.out" 2>&1 &
    eval "${1}_pid=$!"
    eval "exec {${1}_fd}>\"\$TMP/\$1.fifo\""
}
session_send() { local fd=${1}_fd; printf '%s\n' "$2" >&"${!fd}"; }
session_close() {
    local fd=${1}_fd pid=${1}_pid
    eval "exec ${!fd}>&-"
    wait "${!pid}"
}
waiters() { sql "SELECT count(*) FROM pg_catalog.pg_locks WHERE NOT granted"; }
wait_for_waiter() {
    for _ in $(seq 300); do
        [ "$(waiters)" -ge 1 ] && return 0
        sleep 0.1
    done
    return 1
}
# The writers' lock as a writer takes it, whichever form it has (the advisory lock of
# earlier versions, the row lock on modelcert.append_lock now).
TAKE_LOCK="SELECT pg_catalog.pg_advisory_xact_lock(7882248645014481268);
DO \$\$ BEGIN IF pg_catalog.to_regclass('modelcert.append_lock') IS NOT NULL THEN
  PERFORM 1 FROM modelcert.append_lock FOR UPDATE; END IF; END \$\$;"

# ---- R6: a row forged while an honest writer waits is not vouched for
session_open forger ci audit2
session_send forger "BEGIN; $TAKE_LOCK"
sleep 0.5
run_verb r2 "$CI2" >"$TMP/honest.out" 2>"$TMP/honest.err" &
honest=$!
check wait_for_waiter -- "R6: the honest writer waits for the writers' lock"
head=$(psql_on "$S1" 5433 audit2 -c "SELECT id || ' ' || hash FROM modelcert.events ORDER BY id DESC LIMIT 1")
forged=$((${head%% *} + 1))
session_send forger "INSERT INTO modelcert.events VALUES ($forged, '2026-12-01T00:00:00.000Z', 'mallory', 'h', 't', 'forged', 'validate', NULL, NULL, 'm', 'pass', '{}', '${head#* }', repeat('f', 64)); COMMIT;"
wait "$honest"
rc=$?
session_close forger
check [ "$rc" -eq 2 ] -- "R6: the honest append refuses (exit $rc, want 2)"
check grep -q "is broken at event $forged (event $forged was altered" "$TMP/honest.err" -- "R6: it names the forged link: $(cat "$TMP/honest.err")"
check [ "$(psql_on "$S1" 5433 audit2 -c "SELECT max(id) FROM modelcert.events")" = "$forged" ] -- "R6: no honest event vouches for the forged row"
expect_exit 1 "R6: audit verify finds the forged row" -- "$MC" audit verify --audit "$CI2"
expect_grep out "BROKEN at event $forged" "R6: at the forged event"

# ---- R11: a role that may only read cannot hold the writers' lock
# It holds the advisory lock (the writers' lock of earlier versions) for as long as its session lasts,
# and tries the row lock writers take now.
session_open reader auditor
session_send reader "SELECT pg_catalog.pg_advisory_lock(7882248645014481268);"
"$PGBIN/psql" -X -q -At -h "$S1" -p 5433 -U auditor -d audit -c "SELECT 1 FROM modelcert.append_lock FOR UPDATE" >"$TMP/reader.try" 2>&1
sleep 0.5
expect_exit 0 "R11: an append goes through while the read role holds every lock it can" -- timeout 20 "$LOAD" "$CI" 1 3
session_close reader
check grep -q "permission denied for table append_lock" "$TMP/reader.try" -- "R11: the read role may not take the writers' lock: $(cat "$TMP/reader.try")"
sql "CREATE ROLE mallory LOGIN PASSWORD 'mal-secret-3'"
"$PGBIN/psql" -X -q -At -h "$S1" -p 5433 -U mallory -d audit -c "SELECT 1 FROM modelcert.append_lock FOR UPDATE" >"$TMP/out" 2>&1
check grep -q "permission denied for schema modelcert" "$TMP/out" -- "R11: nor may a role that may only connect: $(cat "$TMP/out")"
expect_exit 1 "R11: the read role cannot append" -- "$LOAD" "$AUDITOR" 1 1
expect_grep err "may not take the writers' lock: appending needs the role modelcert_append" "R11: it says why"

# A trail made before the lock table existed: appends say what to do; audit init adds it.
psql_on "$S1" 5433 audit2 -c "SET ROLE modelcert_owner; DROP TABLE modelcert.append_lock"
expect_exit 1 "R11: a trail without the writers' lock is not appended to" -- "$LOAD" "$CI2" 1 1
expect_grep err "has no writers' lock (it was made by an older modelcert): run \`modelcert audit init\` on it" "R11: it says to run audit init"
expect_exit 0 "R11: audit init adds the lock to the existing trail" -- "$MC" audit init "$ADMIN2"
check [ "$(psql_on "$S1" 5433 audit2 -c "SELECT count(*) FROM modelcert.append_lock")" = 1 ] -- "R11: the lock row is there"

# ---- R15: a connection dropped mid-append reports its cause
session_open holder ci
session_send holder "BEGIN; $TAKE_LOCK"
sleep 0.5
run_verb r3 "$CI" >"$TMP/dropped.out" 2>"$TMP/dropped.err" &
dropped=$!
check wait_for_waiter -- "R15: the writer waits for the writers' lock"
sql "SELECT pg_catalog.pg_terminate_backend(pid) FROM pg_catalog.pg_locks WHERE NOT granted" >/dev/null
wait "$dropped"
rc=$?
session_send holder "ROLLBACK;"
session_close holder
check [ "$rc" -eq 3 ] -- "R15: the append fails (exit $rc, want 3)"
check grep -q "cannot lock the chain head: the connection to the server was lost: .*server closed the connection unexpectedly" "$TMP/dropped.err" -- "R15: it names the cause: $(tail -n 1 "$TMP/dropped.err")"
check fails grep -q "no connection" "$TMP/dropped.err" -- "R15: not the failed rollback"

# ---- R16: audit init refuses existing roles with more rights than the design gives
sql "ALTER ROLE modelcert_read LOGIN"
expect_exit 2 "R16: a read role that can log in" -- "$MC" audit init "$ADMIN"
expect_grep err "role modelcert_read has LOGIN, a right the design does not give it" "R16: it names the role and the right"
sql "ALTER ROLE modelcert_read NOLOGIN; GRANT modelcert_owner TO modelcert_append"
expect_exit 2 "R16: an append role that is a member of the owner" -- "$MC" audit init "$ADMIN"
expect_grep err "role modelcert_append has membership in role modelcert_owner" "R16: it names the membership"
sql "REVOKE modelcert_owner FROM modelcert_append; GRANT UPDATE ON modelcert.events TO modelcert_read"
expect_exit 2 "R16: a read role with UPDATE on the events" -- "$MC" audit init "$ADMIN"
expect_grep err "role modelcert_read has UPDATE on modelcert.events" "R16: it names the table right"
sql "REVOKE UPDATE ON modelcert.events FROM modelcert_read; ALTER ROLE modelcert_append CREATEROLE"
psql_on "$S1" 5433 postgres -c "CREATE DATABASE audit3"
expect_exit 2 "R16: a new trail is not made with an append role that can create roles" -- "$MC" audit init "postgresql:///audit3?host=$S1&port=5433&user=mcadmin"
expect_grep err "role modelcert_append has CREATEROLE" "R16: it names the attribute"
check [ "$(psql_on "$S1" 5433 audit3 -c "SELECT pg_catalog.to_regnamespace('modelcert') IS NULL")" = t ] -- "R16: nothing was made"
sql "ALTER ROLE modelcert_append NOCREATEROLE"
expect_exit 0 "R16: the roles as designed again" -- "$MC" audit init "postgresql:///audit3?host=$S1&port=5433&user=mcadmin"

# ---- a PostgreSQL restart in the middle of 8 writers: no event lost, duplicated or forked
"$LOAD" "$CI" 8 150 --report >"$TMP/restart.log" 2>"$TMP/restart.err" &
load=$!
for _ in $(seq 300); do
    [ "$(grep -c '^ok' "$TMP/restart.log")" -ge 200 ] && break
    sleep 0.1
done
as_pg "$PGBIN/pg_ctl" -D "$PGD/primary" -m immediate -w restart -l "$PGD/primary.log" >/dev/null
wait "$load"
oks=$(grep -c '^ok' "$TMP/restart.log")
fails=$(grep -c '^fail' "$TMP/restart.log")
echo "  restart: $oks appends reported recorded, $fails reported failed"
check [ $((oks + fails)) -eq 1200 ] -- "restart: every append reported an outcome"
check [ "$fails" -ge 1 ] -- "restart: the restart came in the middle of the appends"
check [ "$(sed -n '/^fail/,$p' "$TMP/restart.log" | grep -c '^ok')" -ge 1 ] -- "restart: the writers appended again after it"
expect_exit 0 "restart: the chain verifies" -- "$MC" audit verify --audit "$AUDITOR"
sql "SELECT id, details FROM modelcert.events WHERE actor LIKE 'report-%'" >"$TMP/rows"
python3 - "$TMP/restart.log" "$TMP/rows" >"$TMP/judge" <<'PY'
import json, sys
ok, fail = {}, set()
for line in open(sys.argv[1]):
    f = line.split()
    if f and f[0] == "ok":
        ok[(int(f[1]), int(f[2]))] = int(f[3])
    elif f and f[0] == "fail":
        fail.add((int(f[1]), int(f[2])))
rows = {}
dup = 0
for line in open(sys.argv[2]):
    i, d = line.rstrip("\n").split("|", 1)
    d = json.loads(d)
    key = (d["writer"], d["i"])
    dup += key in rows
    rows[key] = int(i)
lost = [k for k, i in ok.items() if rows.get(k) != i]
stray = [k for k in rows if k not in ok and k not in fail]
print(f"{len(rows)} rows, {dup} duplicated, {len(lost)} reported but not there, {len(stray)} never tried")
PY
check grep -q ", 0 duplicated, 0 reported but not there, 0 never tried" "$TMP/judge" -- "restart: each event reported recorded is there once, none twice: $(cat "$TMP/judge")"

finish
