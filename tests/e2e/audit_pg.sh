#!/usr/bin/env bash
# The audit trail on PostgreSQL (docs/audit.md, "PostgreSQL"), against a
# throwaway PostgreSQL 15 cluster that this test starts and always stops: in
# a temporary directory, Unix sockets only (listen_addresses = ''), run as
# `nobody` when the test runs as root. Shows: `audit init` makes the schema,
# roles and triggers; 16 writer processes x 500 appends give 8,000 events and
# an intact chain; a writer SIGKILLed mid-append loses nothing committed; a
# streaming-replication standby (pg_basebackup -R) verifies to the primary's
# head; tampering as the owner role with the triggers dropped (an edited
# field, a deleted row, a truncated tail against --head and against a signed
# checkpoint taken by the read role, verified on the standby too) exits 1; migration
# SQLite -> PostgreSQL -> SQLite keeps the head hash; a password in the URI is
# neither printed nor recorded (run.json, the event's command line); a run's event proved
# against a v2 checkpoint (audit prove), the proof checked by verify-proof and by Python.
# usage: audit_pg.sh MODELCERT SOURCE_DIR AUDIT_LOAD
set -u
MC=$(cd "$(dirname "$1")" && pwd -P)/$(basename "$1") # absolute: the test changes directory
SRC=$2
LOAD=$(cd "$(dirname "$3")" && pwd -P)/$(basename "$3")
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/pg_lib.sh"
fails() { ! "$@"; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }

ADMIN="postgresql:///audit?host=$S1&port=5433&user=mcadmin"
CI="postgresql://ci@/audit?host=$S1&port=5433"
AUDITOR="postgresql:///audit?host=$S1&port=5433&user=auditor"
export PGPASSFILE="$TMP/pgpass"
printf '*:*:*:ci:ci-secret-1\n*:*:*:auditor:aud-secret-2\n' >"$PGPASSFILE"
chmod 600 "$PGPASSFILE"

# ---- init, roles, triggers
expect_exit 2 "verify before init: no trail there" -- "$MC" audit verify --audit "$ADMIN"
expect_grep err "holds no modelcert audit trail" "it says to run audit init"
expect_exit 0 "audit init" -- "$MC" audit init "$ADMIN"
expect_grep out "audit trail ready: postgresql:///audit" "init reports the trail"
expect_exit 0 "audit init again leaves it as it is" -- "$MC" audit init "$ADMIN"
sql "CREATE ROLE ci LOGIN PASSWORD 'ci-secret-1' IN ROLE modelcert_append;
     CREATE ROLE auditor LOGIN PASSWORD 'aud-secret-2' IN ROLE modelcert_read;"
check [ "$(sql "SELECT string_agg(privilege_type, ',' ORDER BY privilege_type) FROM information_schema.role_table_grants WHERE grantee = 'modelcert_append' AND table_name = 'events'")" = "INSERT,SELECT" ] -- "the append role has INSERT and SELECT on events, nothing else"
expect_exit 0 "verify the empty trail as the append role (password from PGPASSFILE)" -- "$MC" audit verify --audit "$CI"
expect_grep out "intact: 0 events" "an empty trail is intact"

# ---- 16 writers x 500 events, separate processes
t0=$(now_ms)
expect_exit 0 "16 writer processes x 500 appends as the append role" -- "$LOAD" "$CI" 16 500
echo "  16 x 500 appends: $(($(now_ms) - t0)) ms"
expect_exit 0 "audit verify after concurrent writers" -- "$MC" audit verify --audit "$AUDITOR"
expect_grep out "intact: 8000 events" "8000 events, the chain intact"
MODELCERT_AUDIT=$AUDITOR expect_exit 0 "MODELCERT_AUDIT=postgresql://... selects the trail too" -- "$MC" audit log --kind run
check [ "$(wc -l <"$TMP/out")" = 8000 ] -- "audit log lists the 8000 events"
check [ "$(sql "SELECT count(DISTINCT actor) || ' ' || min(n) || ' ' || max(n) FROM (SELECT actor, count(*) n FROM modelcert.events GROUP BY actor) c")" = "16 500 500" ] -- "each of the 16 writers has its 500 events"

# ---- the append role cannot change history; the owner is refused by the triggers
# Each refusal for its reason (psql exits 1 on any error: a typo would pass as well).
expect_exit 1 "the append role cannot UPDATE" -- "$PGBIN/psql" -X -q -h "$S1" -p 5433 -U ci -d audit -c "UPDATE modelcert.events SET verdict = 'x' WHERE id = 1"
expect_grep err "permission denied for table events" "... for want of the privilege"
expect_exit 1 "the append role cannot DELETE" -- "$PGBIN/psql" -X -q -h "$S1" -p 5433 -U ci -d audit -c "DELETE FROM modelcert.events WHERE id = 1"
expect_grep err "permission denied for table events" "... for want of the privilege"
for op in "UPDATE modelcert.events SET verdict = 'x' WHERE id = 1" "DELETE FROM modelcert.events WHERE id = 1" "TRUNCATE modelcert.events"; do
    expect_exit 1 "the trigger refuses the owner's ${op%% *}" -- sql "SET ROLE modelcert_owner; $op"
    expect_grep err "audit events are append-only: ${op%% *} refused" "... with the trigger's reason"
done

# ---- a writer SIGKILLed mid-append loses nothing committed
for i in 1 2 3; do
    "$LOAD" "$CI" --forever >"$TMP/ids" 2>/dev/null &
    pid=$!
    for _ in $(seq 200); do # until it has committed some events (a loaded machine starts slowly)
        [ "$(wc -l <"$TMP/ids")" -ge 20 ] && break
        sleep 0.1
    done
    sleep 0.$((RANDOM % 3))$((RANDOM % 10)) # then kill it at a random moment of its appends
    kill -KILL "$pid"
    wait "$pid" 2>/dev/null
    last=$(tail -n 1 "$TMP/ids")
    head_id=$(sql "SELECT max(id) FROM modelcert.events")
    check [ -n "$last" ] -- "kill $i: the writer had committed events"
    check [ "${last:-0}" -le "$head_id" ] -- "kill $i: the last event the writer reported committed ($last) is in the trail (head $head_id)"
done
expect_exit 0 "verify after the kills" -- "$MC" audit verify --audit "$CI" --json
expect_grep out '"intact": true' "the chain is intact after SIGKILLed writers"

# ---- a password in the URI is never printed or recorded
mkdir -p "$TMP/proj"
cp -r "$SRC/examples/seed" "$TMP/proj/seed"
rm -rf "$TMP/proj/seed/runs" "$TMP/proj/seed/.modelcert"
PWURI="postgresql://ci:ci-secret-1@/audit?host=$S1&port=5433"
(cd "$TMP/proj" && env -u PGPASSFILE "$MC" validate seed/modelcert.yaml -o runs/v1 --audit "$PWURI" >"$TMP/out" 2>"$TMP/err")
rc=$?
check [ "$rc" -eq 0 ] -- "validate appends to PostgreSQL with the password in the URI (exit $rc)"
expect_grep out "audit: event [0-9]* in postgresql://ci@/audit" "its summary names the trail without the password"
check fails grep -rq "ci-secret-1" "$TMP/out" "$TMP/err" "$TMP/proj/runs" -- "the password is in no output and no run file"
sql "SELECT command FROM modelcert.events ORDER BY id DESC LIMIT 1" >"$TMP/command"
check grep -q "validate seed/modelcert.yaml" "$TMP/command" -- "the event records the command line: $(cat "$TMP/command")"
check fails grep -q "ci-secret-1" "$TMP/command" -- "the event's command line does not record the password"
check grep -q "postgresql://ci@/audit" "$TMP/proj/runs/v1/run.json" -- "run.json's audit.path names the trail without the password"
(cd "$TMP/proj" && env -u PGPASSFILE "$MC" reproduce runs/v1 --audit "$PWURI" >"$TMP/out" 2>"$TMP/err")
check [ $? -eq 0 ] -- "reproduce finds the run's event in the PostgreSQL trail"
expect_grep out "PASS  the audit trail postgresql://ci@/audit" "reproduce names the trail without the password"
check fails grep -q "ci-secret-1" "$TMP/out" "$TMP/err" -- "reproduce shows no password"
for fmt in html model-card; do
    (cd "$TMP/proj" && env -u PGPASSFILE "$MC" report runs/v1/validation.json --format $fmt \
        --audit "$PWURI" -o "$TMP/pw.$fmt" 2>"$TMP/err")
    check grep -q "postgresql://ci@/audit" "$TMP/pw.$fmt" -- \
        "report --format $fmt found the run's event and names the trail without the password"
    check fails grep -q "ci-secret-1" "$TMP/pw.$fmt" -- "report --format $fmt shows no password"
done
expect_exit 3 "a server that is not there: exit 3" -- "$MC" audit verify --audit "postgresql://ci:ci-secret-1@/audit?host=$PGD/none&port=5433"
check fails grep -q "ci-secret-1" "$TMP/err" -- "the connection error does not show the password"

# ---- a streaming-replication standby reports the primary's head
as_pg "$PGBIN/pg_basebackup" -D "$PGD/standby" -R -X stream -c fast -h "$S1" -p 5433 -U mcadmin >/dev/null 2>&1
as_pg sh -c "printf '%s\n' \"unix_socket_directories = '$S2'\" 'port = 5434' >> '$PGD/standby/postgresql.conf'"
as_pg "$PGBIN/pg_ctl" -D "$PGD/standby" -l "$PGD/standby.log" -w start >/dev/null ||
    { cat "$PGD/standby.log"; exit 1; }
expect_exit 0 "more appends on the primary" -- "$LOAD" "$CI" 4 25
STANDBY="postgresql:///audit?host=$S2&port=5434&user=auditor"
"$MC" audit verify --audit "$CI" >"$TMP/primary"
lsn=$(sql "SELECT pg_current_wal_lsn()")
for _ in $(seq 300); do
    [ "$(psql_on "$S2" 5434 audit -c "SELECT pg_last_wal_replay_lsn() >= '$lsn'")" = t ] && break
    sleep 0.1
done
expect_exit 0 "audit verify on the standby" -- "$MC" audit verify --audit "$STANDBY"
check [ "$(cat "$TMP/out")" = "$(cat "$TMP/primary")" ] -- "the standby reports the primary's head: $(cat "$TMP/primary")"
expect_exit 1 "the standby refuses appends" -- "$LOAD" "postgresql://ci@/audit?host=$S2&port=5434" 1 1
expect_grep err "read-only transaction" "... because it is read-only"
expect_grep err "read-only" "because it is read-only"
HEAD=$(sed -n 's/.*head \([0-9a-f]*\)$/\1/p' "$TMP/primary")

# ---- migration SQLite -> PostgreSQL -> SQLite keeps the head
expect_exit 0 "audit init of an SQLite trail" -- "$MC" audit init "$TMP/a.db"
expect_exit 0 "an SQLite trail: 3 writers x 40" -- "$LOAD" "$TMP/a.db" 3 40
"$MC" audit verify --audit "$TMP/a.db" >"$TMP/sqlite_head"
expect_exit 0 "audit init on a second database" -- "$MC" audit init "postgresql:///audit2?host=$S1&port=5433&user=mcadmin"
expect_exit 0 "migrate SQLite -> PostgreSQL" -- "$MC" audit migrate --from "$TMP/a.db" --to "postgresql:///audit2?host=$S1&port=5433&user=mcadmin"
check [ "$(cat "$TMP/out")" = "$(cat "$TMP/sqlite_head")" ] -- "PostgreSQL copy: $(cat "$TMP/out")"
expect_exit 0 "migrate PostgreSQL -> SQLite" -- "$MC" audit migrate --from "postgresql:///audit2?host=$S1&port=5433&user=mcadmin" --to "$TMP/b.db"
check [ "$(cat "$TMP/out")" = "$(cat "$TMP/sqlite_head")" ] -- "SQLite copy of the copy: the same head"
expect_exit 0 "verify the SQLite copy" -- "$MC" audit verify --audit "$TMP/b.db"
check [ "$(cat "$TMP/out")" = "$(cat "$TMP/sqlite_head")" ] -- "it verifies to the original head"
expect_exit 2 "migrate into a trail that is not empty" -- "$MC" audit migrate --from "$TMP/a.db" --to "$TMP/b.db"
expect_grep err "already holds events" "... for that reason"
expect_exit 0 "migrate the 8,000-event PostgreSQL trail -> SQLite" -- "$MC" audit migrate --from "$CI" --to "$TMP/c.db"
check grep -q "head $HEAD" "$TMP/out" -- "the SQLite copy ends at the PostgreSQL head"

# ---- proofs on PostgreSQL (docs/audit.md, "Proofs"): a run's event on the copy, proved
# against a v2 checkpoint, checked without the trail and by Python (hashlib, json)
A2="postgresql:///audit2?host=$S1&port=5433&user=mcadmin"
cp -r "$SRC/examples/seed" "$TMP/seed" && "$MC" keygen -o "$TMP/pk" >/dev/null &&
    "$MC" keygen -o "$TMP/ck0" >/dev/null || exit 2
# A verb opens one connection: its check's, kept for its append (the server logs each one)
sql "ALTER SYSTEM SET log_connections = on" && sql "SELECT pg_reload_conf()" >/dev/null
conns() { grep -c "connection authorized: user=mcadmin database=audit2" "$PGD/primary.log"; }
before=$(conns)
expect_exit 0 "a run recorded on PostgreSQL" -- "$MC" run -q --numerics reference "$TMP/seed/modelcert.yaml" -o "$TMP/pgrun" --audit "$A2"
check [ "$(($(conns) - before))" = 1 ] -- "the run opened one connection to the trail ($(($(conns) - before)))"
sql "ALTER SYSTEM RESET log_connections" && sql "SELECT pg_reload_conf()" >/dev/null
expect_exit 0 "10 events after it" -- "$LOAD" "$A2" 2 5
RID=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['run_id'])" "$TMP/pgrun/run.json")
expect_exit 0 "a v2 checkpoint of the PostgreSQL trail" -- "$MC" audit checkpoint --key "$TMP/pk.key" -o "$TMP/pcp.json" --audit "$A2"
python3 -c "import base64,json,sys; p=json.loads(base64.b64decode(json.load(open(sys.argv[1]))['payload'])); print(p['tree_size'], p['root_hash'])" "$TMP/pcp.json" >"$TMP/pcp.root"
"$MC" audit log --json --audit "$A2" >"$TMP/pglog.json"
read -r SIZE ROOT <"$TMP/pcp.root"
check [ "$SIZE" = 131 ] -- "the tree holds the 131 events (120 copied, the run, 10)"
check [ "$(python3 "$SRC/tests/e2e/proof_check.py" root-jsonl "$TMP/pglog.json" "$SIZE")" = "$ROOT" ] -- "the signed root is RFC 6962's over the hashes audit log --json prints"
expect_exit 0 "audit prove on PostgreSQL" -- "$MC" audit prove "$RID" --checkpoint "$TMP/pcp.json" --audit "$A2" -o "$TMP/proof.json"
expect_grep out "proof of 1 event of run $RID against the checkpoint of event 131" "the run's event, leaf 120"
expect_exit 0 "verify-proof, no trail named" -- "$MC" audit verify-proof "$TMP/proof.json" --key "$TMP/pk.pub"
expect_grep out "  event 121 (run, completed, .*) is leaf 120" "the event proved"
expect_exit 0 "Python checks the proof independently" -- python3 "$SRC/tests/e2e/proof_check.py" verify "$TMP/proof.json"
expect_exit 1 "another key refuses it" -- "$MC" audit verify-proof "$TMP/proof.json" --key "$TMP/ck0.pub"

# ---- tampering as the owner role, triggers dropped
sql "SET ROLE modelcert_owner; DROP TRIGGER events_append_only ON modelcert.events; DROP TRIGGER events_no_truncate ON modelcert.events"
old=$(sql "SELECT verdict FROM modelcert.events WHERE id = 100")
sql "SET ROLE modelcert_owner; UPDATE modelcert.events SET verdict = 'pass' WHERE id = 100"
expect_exit 1 "an edited field" -- "$MC" audit verify --audit "$AUDITOR"
expect_grep out "BROKEN at event 100: event 100 was altered" "verify names the edited event"
sql "SET ROLE modelcert_owner; UPDATE modelcert.events SET verdict = '$old' WHERE id = 100"
expect_exit 0 "the field restored" -- "$MC" audit verify --audit "$AUDITOR"
# A signed checkpoint of the head, taken by the auditor (the read role: a checkpoint appends
# nothing), with a password in the URI that the signed label must not hold.
"$MC" keygen -o "$TMP/ck" >/dev/null
expect_exit 0 "audit checkpoint as the read role" -- "$MC" audit checkpoint --key "$TMP/ck.key" -o "$TMP/cp.json" --audit "postgresql://auditor:aud-secret-2@/audit?host=$S1&port=5433"
expect_grep out "trail postgresql://auditor@/audit" "the checkpoint's label names the trail without the password"
python3 -c "import base64,json,sys; print(base64.b64decode(json.load(open(sys.argv[1]))['payload']).decode())" "$TMP/cp.json" >"$TMP/cp.payload"
check grep -q '"trail":"postgresql://auditor@/audit?host=' "$TMP/cp.payload" -- "the signed label: $(cat "$TMP/cp.payload")"
check fails grep -q "aud-secret-2" "$TMP/out" "$TMP/err" "$TMP/cp.json" "$TMP/cp.payload" -- "the password is neither printed nor signed"
expect_exit 0 "verify --checkpoint on PostgreSQL" -- "$MC" audit verify --audit "$AUDITOR" --checkpoint "$TMP/cp.json" --key "$TMP/ck.pub"
expect_grep out "checkpoint verified: event" "the trail holds the signed head"
lsn=$(sql "SELECT pg_current_wal_lsn()")
for _ in $(seq 300); do
    [ "$(psql_on "$S2" 5434 audit -c "SELECT pg_last_wal_replay_lsn() >= '$lsn'")" = t ] && break
    sleep 0.1
done
expect_exit 0 "verify --checkpoint on the standby" -- "$MC" audit verify --audit "$STANDBY" --checkpoint "$TMP/cp.json" --key "$TMP/ck.pub"
sql "SET ROLE modelcert_owner; DELETE FROM modelcert.events WHERE id > 8000"
expect_exit 0 "a truncated tail: the chain alone still verifies" -- "$MC" audit verify --audit "$AUDITOR"
expect_exit 1 "a truncated tail against the signed checkpoint" -- "$MC" audit verify --audit "$AUDITOR" --checkpoint "$TMP/cp.json" --key "$TMP/ck.pub"
expect_grep out "ends at event 8000 (head .*), before the checkpoint's event [0-9]*: events were removed from the end" "verify --checkpoint says the tail went"
expect_exit 1 "a truncated tail against the head kept elsewhere" -- "$MC" audit verify --audit "$AUDITOR" --head "$HEAD"
expect_grep out "events were removed from the end" "verify says the tail went"
sql "SET ROLE modelcert_owner; DELETE FROM modelcert.events WHERE id = 200"
expect_exit 1 "a deleted row" -- "$MC" audit verify --audit "$AUDITOR"
expect_grep out "BROKEN at event 201: event 201 comes where event 200 should" "verify names the gap"
# A verb checks the head, not the whole chain (docs/audit.md, "What a verb checks"): the row
# deleted in the middle is audit verify's to find, before and after the verb's append...
expect_exit 0 "a row deleted in the middle: the next verb appends after the intact head" -- "$MC" validate "$TMP/proj/seed/modelcert.yaml" -o "$TMP/proj/runs/v2" --audit "$CI"
expect_exit 1 "audit verify still names the gap" -- "$MC" audit verify --audit "$AUDITOR"
expect_grep out "BROKEN at event 201: event 201 comes where event 200 should" "verify names the gap after the append"
# ...while a forged head is refused by the next verb, before its work.
sql "SET ROLE modelcert_owner; UPDATE modelcert.events SET verdict = 'forged' WHERE id = (SELECT max(id) FROM modelcert.events)"
expect_exit 2 "a forged head is not appended to" -- "$MC" validate "$TMP/proj/seed/modelcert.yaml" -o "$TMP/proj/runs/v3" --audit "$CI"
expect_grep err "is broken at event 8001 (event 8001 was altered" "the next verb names the forged head"
check test ! -e "$TMP/proj/runs/v3" -- "nothing was run (checked before any work)"
# A column retyped by the owner is refused as input, not misread.
psql_on "$S1" 5433 audit2 -c "SET ROLE modelcert_owner; ALTER TABLE modelcert.events ALTER COLUMN id TYPE numeric"
expect_exit 2 "a retyped id column" -- "$MC" audit verify --audit "postgresql:///audit2?host=$S1&port=5433&user=mcadmin"
expect_grep err "is of type" "verify says which column has the wrong type"
finish
