#!/usr/bin/env bash
# The audit trail on PostgreSQL through PgBouncer in transaction pooling mode (docs/audit.md,
# "Through a connection pooler"): a throwaway PostgreSQL 15 cluster (tests/e2e/pg_lib.sh) and a
# PgBouncer in front of it, both started here as an unprivileged user, Unix sockets only, the pooler
# holding ONE server connection per role for all its clients (so anything a client left in its
# session would reach the next one). Shows: 16 writer processes x 100 appends through the pooler
# give 1,600 events and an intact chain, over the append role's one server connection; run, validate
# and reproduce record and find their events through it, opening no server connection of their own;
# no session setting of ours outlives its transaction (the pooled connection's search_path,
# lock_timeout and read-only default are the server's after every verb); a forged head is refused by
# the next verb, an event rewritten in the middle is caught by `audit verify --checkpoint`, both
# through the pooler; a run's event proved and the proof checked; the append role authenticates to
# the pooler with SCRAM (its secret passed on).
# usage: audit_pgbouncer.sh MODELCERT SOURCE_DIR AUDIT_LOAD
set -u
MC=$(cd "$(dirname "$1")" && pwd -P)/$(basename "$1") # absolute: the test changes directory
SRC=$2
LOAD=$(cd "$(dirname "$3")" && pwd -P)/$(basename "$3")
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/pg_lib.sh"
BOUNCER=${MODELCERT_PGBOUNCER:-/usr/sbin/pgbouncer}
if [ ! -x "$BOUNCER" ]; then
    echo "FAIL: $BOUNCER not found: install pgbouncer (make test-deps)"
    exit 1
fi

ADMIN="postgresql:///audit?host=$S1&port=5433&user=mcadmin"
BDIR=$PGD/bouncer
as_pg mkdir "$BDIR"
# Through the pooler: its socket directory and port, the pooled database `audit`
CI="postgresql://ci@/audit?host=$BDIR&port=6433"
AUDITOR="postgresql://auditor@/audit?host=$BDIR&port=6433"
export PGPASSFILE="$TMP/pgpass"
printf '*:*:*:ci:ci-secret-1\n*:*:*:auditor:aud-secret-2\n' >"$PGPASSFILE"
chmod 600 "$PGPASSFILE"

expect_exit 0 "audit init, directly on the server" -- "$MC" audit init "$ADMIN"
sql "CREATE ROLE ci LOGIN PASSWORD 'ci-secret-1' IN ROLE modelcert_append;
     CREATE ROLE auditor LOGIN PASSWORD 'aud-secret-2' IN ROLE modelcert_read;"

# The pooler: transaction pooling, one server connection per role (a pool is per database and
# user), SCRAM for its
# clients with the roles' secrets (so it logs in to the server as them: pass-through).
secret() { sql "SELECT rolpassword FROM pg_catalog.pg_authid WHERE rolname = '$1'"; }
printf '"ci" "%s"\n"auditor" "%s"\n' "$(secret ci)" "$(secret auditor)" |
    as_pg sh -c "cat > '$BDIR/userlist.txt'"
as_pg sh -c "cat > '$BDIR/pgbouncer.ini'" <<EOF
[databases]
audit = host=$S1 port=5433 dbname=audit pool_size=1
[pgbouncer]
listen_addr =
listen_port = 6433
unix_socket_dir = $BDIR
auth_type = scram-sha-256
auth_file = $BDIR/userlist.txt
pool_mode = transaction
max_client_conn = 100
logfile = $BDIR/pgbouncer.log
pidfile = $BDIR/pgbouncer.pid
EOF
stop_bouncer() {
    [ -f "$BDIR/pgbouncer.pid" ] && kill "$(cat "$BDIR/pgbouncer.pid")" 2>/dev/null
    stop_all
}
trap stop_bouncer EXIT
as_pg "$BOUNCER" -d "$BDIR/pgbouncer.ini" >"$TMP/bouncer.out" 2>&1 ||
    { cat "$TMP/bouncer.out" "$BDIR/pgbouncer.log"; exit 1; }
for _ in $(seq 50); do [ -S "$BDIR/.s.PGSQL.6433" ] && break; sleep 0.1; done

expect_exit 0 "audit verify through the pooler, as the append role (SCRAM)" -- "$MC" audit verify --audit "$CI"
expect_grep out "intact: 0 events" "the empty trail, read through the pooler"

# ---- 16 writers x 100 appends through the pooler's one server connection
expect_exit 0 "16 writer processes x 100 appends through the pooler" -- "$LOAD" "$CI" 16 100
expect_exit 0 "audit verify through the pooler, as the read role" -- "$MC" audit verify --audit "$AUDITOR"
expect_grep out "intact: 1600 events" "1,600 events, the chain intact"
n=$(sql "SELECT count(*) FROM pg_catalog.pg_stat_activity WHERE usename = 'ci'")
check [ "$n" -le 1 ] -- "the 16 writers shared one server connection of the append role ($n open)"

# ---- verbs through the pooler: no server connection of their own, no session state left
cp -r "$SRC/examples/seed" "$TMP/seed" || exit 2
rm -rf "$TMP/seed/.modelcert" "$TMP/seed/runs"
sql "ALTER SYSTEM SET log_connections = on" && sql "SELECT pg_reload_conf()" >/dev/null
conns() { grep -c "connection authorized: user=" "$PGD/primary.log"; }
before=$(conns)
expect_exit 0 "run, recorded through the pooler" -- "$MC" run -q --numerics reference "$TMP/seed/modelcert.yaml" -o "$TMP/r1" --audit "$CI"
expect_exit 0 "validate, recorded through the pooler" -- "$MC" validate "$TMP/seed/modelcert.yaml" -o "$TMP/v1" --audit "$CI"
expect_exit 0 "reproduce finds the run's event through the pooler" -- "$MC" reproduce "$TMP/r1" --audit "$CI"
expect_grep out "PASS  the audit trail postgresql://ci@/audit?host=.* records this run" "reproduce found the run's event through the pooler"
check [ "$(($(conns) - before))" = 0 ] -- "the verbs opened no server connection: the pooler's served them ($(($(conns) - before)) new)"
pooled() { # the one pooled server connection's setting $1, read through the pooler
    PGPASSWORD=ci-secret-1 "$PGBIN/psql" -X -q -At -h "$BDIR" -p 6433 -U ci -d audit -c "SHOW $1"
}
check [ "$(pooled search_path)" = '"$user", public' ] -- "the pooled connection's search_path is the server's ($(pooled search_path))"
check [ "$(pooled lock_timeout)" = 0 ] -- "its lock_timeout is the server's ($(pooled lock_timeout))"
check [ "$(pooled default_transaction_read_only)" = off ] -- "its read-only default is the server's"
expect_exit 0 "audit log through the pooler" -- "$MC" audit log --audit "$AUDITOR" --kind validate
check [ "$(wc -l <"$TMP/out")" = 1 ] -- "the validate event is there"

# ---- a proof through the pooler
"$MC" keygen -o "$TMP/ck" >/dev/null || exit 2
RID=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["run_id"])' "$TMP/r1/run.json")
expect_exit 0 "a v2 checkpoint through the pooler (read role)" -- "$MC" audit checkpoint --key "$TMP/ck.key" -o "$TMP/cp.json" --audit "$AUDITOR"
expect_exit 0 "audit prove through the pooler" -- "$MC" audit prove "$RID" --checkpoint "$TMP/cp.json" --audit "$AUDITOR" -o "$TMP/proof.json"
expect_exit 0 "the proof verifies with the public key alone" -- "$MC" audit verify-proof "$TMP/proof.json" --key "$TMP/ck.pub"

# ---- tampering, caught through the pooler
sql "ALTER TABLE modelcert.events DISABLE TRIGGER events_append_only"
sql "UPDATE modelcert.events SET verdict = 'fail' WHERE id = 800"
expect_exit 0 "an event rewritten in the middle: the next verb appends after the intact head" -- "$MC" run -q --numerics reference "$TMP/seed/modelcert.yaml" -o "$TMP/r2" --audit "$CI"
expect_exit 1 "audit verify --checkpoint through the pooler catches it" -- "$MC" audit verify --audit "$AUDITOR" --checkpoint "$TMP/cp.json" --key "$TMP/ck.pub"
expect_grep out "BROKEN at event 800: event 800 was altered" "it names the rewritten event"
sql "UPDATE modelcert.events SET verdict = 'forged' WHERE id = (SELECT max(id) FROM modelcert.events)"
HEAD_ID=$(sql "SELECT max(id) FROM modelcert.events")
expect_exit 2 "a forged head is not appended to, through the pooler" -- "$MC" run -q --numerics reference "$TMP/seed/modelcert.yaml" -o "$TMP/r3" --audit "$CI"
expect_grep err "is broken at event $HEAD_ID (event $HEAD_ID was altered" "the next verb names the forged head"
check test ! -e "$TMP/r3" -- "nothing was run (checked before any work)"
finish
