#!/usr/bin/env bash
# The audit trail's cost to one verb against the trail's length (bench/README.md, "Audit
# trail at scale"; issue 23 item 7): for each backend, a trail filled with valid events
# (bench_audit_scale fill: the library links and hashes them, 10,000 per transaction) to
# each size in turn, and at each size the median of REPS verbs' trail work (the check
# before the verb's work and its one append, on PostgreSQL through one connection:
# bench_audit_scale verb; and, for comparison, with a connection each, as before: verb2). With
# MODELCERT_BENCH_BEFORE=PATH (a bench_audit_scale built from another tree, e.g. main) the
# same is measured with that code on the same trail, side by side (1 repetition from
# 1,000,001 events on: it verifies the whole chain per verb).
# PostgreSQL: a throwaway 15 cluster started here (Unix socket only, default fsync and
# synchronous_commit, as `nobody` under root, as tests/e2e/pg_lib.sh does), `audit init`.
# Trails go to MODELCERT_BENCH_DIR (default /dev/shm, else /tmp) and are deleted at exit.
# usage: bench/audit_scale.sh BUILD_DIR [sqlite|postgresql|both] [SIZES] [REPS]
#        SIZES: ascending event counts, default "0 1000000 10000000"; REPS default 7
set -eu
BUILD=$(cd "$1" && pwd -P)
BACKENDS=${2:-both}
SIZES=${3:-0 1000000 10000000}
REPS=${4:-7}
BENCH="$BUILD/bench/bench_audit_scale"
BEFORE=${MODELCERT_BENCH_BEFORE:-}
PG_ROOT=${MODELCERT_BENCH_DIR:-$([ -d /dev/shm ] && echo /dev/shm || echo /tmp)}
. "$(dirname "$0")/pg_lib.sh"

measure() { # measure BACKEND TRAIL
    local backend=$1 trail=$2 n reps
    for n in $SIZES; do
        "$BENCH" fill "$trail" "$n" >&2
        printf '%-10s events=%-9s after:  %s\n' "$backend" "$n" "$("$BENCH" verb "$trail" "$REPS")"
        printf '%-10s events=%-9s 2 conn: %s\n' "$backend" "$n" "$("$BENCH" verb2 "$trail" "$REPS")"
        if [ -n "$BEFORE" ]; then
            reps=$REPS
            [ "$n" -gt 1000000 ] && reps=1
            printf '%-10s events=%-9s before: %s\n' "$backend" "$n" "$("$BEFORE" verb "$trail" "$reps")"
        fi
    done
}

case $BACKENDS in sqlite | both)
    measure sqlite "$D/trail.db"
    rm -f "$D"/trail.db*
    ;;
esac
case $BACKENDS in postgresql | both)
    pg_start 5434 trail -- 'max_wal_size = 4GB'
    URI="postgresql:///trail?host=$D&port=5434&user=mcadmin"
    "$BUILD/cli/modelcert" audit init "$URI" >/dev/null
    measure postgresql "$URI"
    ;;
esac
