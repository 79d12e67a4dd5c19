#!/usr/bin/env bash
# bench_audit against PostgreSQL 15 (bench/README.md, "Audit trail"): a throwaway
# cluster in a temporary directory (Unix socket only, fsync and synchronous_commit
# on: an append is durable when it returns), two databases with `audit init`,
# then the same figures as for SQLite. Runs the server as `nobody` under root.
# usage: bench/bench_audit_pg.sh BUILD_DIR [APPENDS] [CHAIN]
set -eu
BUILD=$(cd "$1" && pwd -P)
APPENDS=${2:-10000}
CHAIN=${3:-1000000}
PGBIN=${MODELCERT_PG_BIN:-/usr/lib/postgresql/15/bin}
D=$(mktemp -d)
chmod 755 "$D"
AS=()
if [ "$(id -u)" = 0 ]; then
    chown nobody "$D"
    AS=(runuser -u nobody --)
fi
as_pg() { (cd "$D" && "${AS[@]}" "$@"); }
cleanup() {
    [ -f "$D/data/postmaster.pid" ] && as_pg "$PGBIN/pg_ctl" -D "$D/data" -m fast -w stop >/dev/null 2>&1
    rm -rf "$D"
}
trap cleanup EXIT
as_pg "$PGBIN/initdb" -D "$D/data" -U mcadmin -A trust -E UTF8 --locale=C >/dev/null
as_pg sh -c "printf '%s\n' \"listen_addresses = ''\" \"unix_socket_directories = '$D'\" 'port = 5433' 'shared_buffers = 256MB' >> '$D/data/postgresql.conf'"
as_pg "$PGBIN/pg_ctl" -D "$D/data" -l "$D/log" -w start >/dev/null
"$PGBIN/psql" -X -q -h "$D" -p 5433 -U mcadmin -d postgres -c "CREATE DATABASE a" -c "CREATE DATABASE c"
A="postgresql:///a?host=$D&port=5433&user=mcadmin"
C="postgresql:///c?host=$D&port=5433&user=mcadmin"
"$BUILD/cli/modelcert" audit init "$A" >/dev/null
"$BUILD/cli/modelcert" audit init "$C" >/dev/null
"$BUILD/bench/bench_audit" "$A" "$C" "$APPENDS" "$CHAIN"
