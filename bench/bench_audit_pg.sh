#!/usr/bin/env bash
# bench_audit against PostgreSQL 15 (bench/README.md, "Audit trail"): a throwaway
# cluster in a temporary directory (Unix socket only, fsync and synchronous_commit
# on: an append is durable when it returns), two databases with `audit init`,
# then the same figures as for SQLite. Runs the server as `nobody` under root (pg_lib.sh).
# usage: bench/bench_audit_pg.sh BUILD_DIR [APPENDS] [CHAIN]
set -eu
BUILD=$(cd "$1" && pwd -P)
APPENDS=${2:-10000}
CHAIN=${3:-1000000}
. "$(dirname "$0")/pg_lib.sh"
pg_start 5433 a c
A="postgresql:///a?host=$D&port=5433&user=mcadmin"
C="postgresql:///c?host=$D&port=5433&user=mcadmin"
"$BUILD/cli/modelcert" audit init "$A" >/dev/null
"$BUILD/cli/modelcert" audit init "$C" >/dev/null
"$BUILD/bench/bench_audit" "$A" "$C" "$APPENDS" "$CHAIN"
