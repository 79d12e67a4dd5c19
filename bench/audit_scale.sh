#!/usr/bin/env bash
# The audit trail's cost to one verb against the trail's length (bench/README.md, "Audit
# trail at scale"; issue 23 item 7): for each backend, a trail filled with a valid chain to
# each size in turn (bench/audit_fill.py: Python hashes and links the events, as docs/audit.md
# says; SQLite through its sqlite3 module, PostgreSQL by COPY, with the unique indexes built
# after the rows), and at each size the median of REPS verbs' trail work: the check before the
# verb's work and its one append, through one connection (bench_audit_scale verb, the calls
# verbs/mc_verb_audit.c makes). PostgreSQL is measured directly and through PgBouncer in
# transaction pooling mode (started here in front of the server: trust on its Unix socket),
# and bench_pg_probe times each step of a verb with libpq, both ways, at each size.
# PostgreSQL: a throwaway 15 cluster started here (Unix socket only, default fsync and
# synchronous_commit, as `nobody` under root, as tests/e2e/pg_lib.sh does), `audit init`.
# Trails go to MODELCERT_BENCH_DIR (default /dev/shm, else /tmp; a directory on a disk
# counts its fsyncs) and are deleted at exit. With MODELCERT_BENCH_BEFORE=PATH (a
# bench_audit_scale built from another tree) the same is measured with that code, side by side.
# usage: bench/audit_scale.sh BUILD_DIR [sqlite|postgresql|both] [SIZES] [REPS]
#        SIZES: ascending event counts, default "0 1000000 10000000"; REPS default 15
set -eu
BUILD=$(cd "$1" && pwd -P)
BACKENDS=${2:-both}
SIZES=${3:-0 1000000 10000000}
REPS=${4:-15}
HERE=$(cd "$(dirname "$0")" && pwd -P)
BENCH="$BUILD/bench/bench_audit_scale"
PROBE="$BUILD/bench/bench_pg_probe"
BEFORE=${MODELCERT_BENCH_BEFORE:-}
BOUNCER=${MODELCERT_PGBOUNCER:-/usr/sbin/pgbouncer}
PG_ROOT=${MODELCERT_BENCH_DIR:-$([ -d /dev/shm ] && echo /dev/shm || echo /tmp)}
. "$HERE/pg_lib.sh"

load() { cut -d' ' -f1-3 /proc/loadavg; }
measure() { # measure LABEL TRAIL N
    printf '%-16s events=%-9s load %s  %s\n' "$1" "$3" "$(load)" "$("$BENCH" verb "$2" "$REPS")"
    if [ -n "$BEFORE" ]; then
        printf '%-16s events=%-9s before: %s\n' "$1" "$3" "$("$BEFORE" verb "$2" "$REPS")"
    fi
}

case $BACKENDS in sqlite | both)
    T="$D/trail.db"
    "$BENCH" fill "$T" 0 >/dev/null # the schema, as modelcert makes it
    for n in $SIZES; do
        t0=$(date +%s)
        python3 "$HERE/audit_fill.py" sqlite "$T" "$n"
        echo "sqlite: filled to $n events in $(($(date +%s) - t0)) s" >&2
        measure sqlite "$T" "$n"
    done
    rm -f "$D"/trail.db*
    ;;
esac
case $BACKENDS in postgresql | both)
    pg_start 5434 trail -- 'max_wal_size = 4GB'
    URI="postgresql:///trail?host=$D&port=5434&user=mcadmin"
    "$BUILD/cli/modelcert" audit init "$URI" >/dev/null
    # PgBouncer in front: transaction pooling, trust on its own Unix socket (runners on the
    # same host; docs/audit.md "Through a connection pooler")
    as_pg mkdir "$D/b"
    echo '"mcadmin" ""' | as_pg sh -c "cat > '$D/b/users.txt'"
    printf '%s\n' "[databases]" "trail = host=$D port=5434 dbname=trail" "[pgbouncer]" \
        "listen_addr =" "listen_port = 6434" "unix_socket_dir = $D/b" "auth_type = trust" \
        "auth_file = $D/b/users.txt" "pool_mode = transaction" "default_pool_size = 4" \
        "logfile = $D/b/pgbouncer.log" "pidfile = $D/b/pgbouncer.pid" |
        as_pg sh -c "cat > '$D/b/pgbouncer.ini'"
    as_pg "$BOUNCER" -d "$D/b/pgbouncer.ini"
    trap '[ -f "$D/b/pgbouncer.pid" ] && kill "$(cat "$D/b/pgbouncer.pid")"; pg_cleanup' EXIT
    for _ in $(seq 50); do [ -S "$D/b/.s.PGSQL.6434" ] && break; sleep 0.1; done
    POOLED="postgresql:///trail?host=$D/b&port=6434&user=mcadmin"
    PSQL=("$PGBIN/psql" -X -q -At -v ON_ERROR_STOP=1 -h "$D" -p 5434 -U mcadmin -d trail)
    for n in $SIZES; do
        t0=$(date +%s)
        read -r id hash < <("${PSQL[@]}" -F ' ' -c "SELECT coalesce(max(id), 0),
            coalesce((SELECT hash FROM modelcert.events ORDER BY id DESC LIMIT 1), repeat('0', 64))
            FROM modelcert.events")
        if [ "$n" -gt "$id" ]; then
            # the rows first, the unique indexes after them (built by a sort, not 2n random
            # inserts); the same names and definitions as audit init's
            "${PSQL[@]}" -c "ALTER TABLE modelcert.events DROP CONSTRAINT events_prev_hash_key,
                DROP CONSTRAINT events_hash_key; DROP INDEX modelcert.events_model, modelcert.events_spec"
            python3 "$HERE/audit_fill.py" copy "$id" "$hash" "$n" |
                "${PSQL[@]}" -c "COPY modelcert.events FROM STDIN"
            "${PSQL[@]}" -c "ALTER TABLE modelcert.events ADD CONSTRAINT events_prev_hash_key
                UNIQUE (prev_hash), ADD CONSTRAINT events_hash_key UNIQUE (hash);
                CREATE INDEX events_model ON modelcert.events(model_digest);
                CREATE INDEX events_spec ON modelcert.events(spec_digest)"
            # as autovacuum and the checkpointer would, but before the timing, not during it
            "${PSQL[@]}" -c "VACUUM (ANALYZE) modelcert.events" -c "CHECKPOINT"
        fi
        echo "postgresql: filled to $n events in $(($(date +%s) - t0)) s" >&2
        measure "pg direct" "$URI" "$n"
        measure "pg pgbouncer" "$POOLED" "$n"
        "$PROBE" "$URI" "$REPS" | sed "s/^/probe direct    events=$n  /"
        "$PROBE" "$POOLED" "$REPS" | grep -v '^EXPLAIN\|^ ' | sed "s/^/probe pgbouncer events=$n  /"
    done
    ;;
esac
