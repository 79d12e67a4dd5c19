# Shared set-up of the PostgreSQL end-to-end tests (audit_pg.sh, audit_pg_hostile.sh): a
# throwaway PostgreSQL 15 cluster in a temporary directory, Unix sockets only
# (listen_addresses = ''), run as `nobody` when the test runs as root, always stopped on exit.
# Source it after lib.sh. It defines PGBIN, PGD, S1, S2, AS, as_pg, psql_on, sql, stop_all and
# starts the primary (port 5433, database `audit`, the administrator `mcadmin`).
PGBIN=${MODELCERT_PG_BIN:-/usr/lib/postgresql/15/bin}
if [ ! -x "$PGBIN/initdb" ]; then
    echo "FAIL: $PGBIN/initdb not found: install postgresql-15 (make deps)"
    exit 1
fi

# The cluster's directory: owned by the user the server runs as (never root).
PGD=$(mktemp -d)
chmod 755 "$PGD"
AS=()
if [ "$(id -u)" = 0 ]; then
    chown nobody "$PGD"
    AS=(runuser -u nobody --)
fi
S1=$PGD/s1
S2=$PGD/s2
stop_all() {
    for d in "$PGD/standby" "$PGD/primary"; do
        [ -f "$d/postmaster.pid" ] && (cd "$PGD" && "${AS[@]}" "$PGBIN/pg_ctl" -D "$d" -m immediate -w stop >/dev/null 2>&1)
    done
    rm -rf "$PGD" "$TMP"
}
trap stop_all EXIT

as_pg() { (cd "$PGD" && "${AS[@]}" "$@"); }
as_pg mkdir "$S1" "$S2"
as_pg "$PGBIN/initdb" -D "$PGD/primary" -U mcadmin -A trust -E UTF8 --locale=C >"$PGD/initdb.log" 2>&1 ||
    { cat "$PGD/initdb.log"; exit 1; }
as_pg sh -c "cat >> '$PGD/primary/postgresql.conf'" <<EOF
listen_addresses = ''
unix_socket_directories = '$S1'
port = 5433
fsync = off
full_page_writes = off
max_connections = 40
wal_level = replica
EOF
# The administrator and replication over the socket without a password; everyone else with one.
as_pg sh -c "printf '%s\n' 'local all mcadmin trust' 'local replication mcadmin trust' 'local all all scram-sha-256' > '$PGD/primary/pg_hba.conf'"
as_pg "$PGBIN/pg_ctl" -D "$PGD/primary" -l "$PGD/primary.log" -w start >/dev/null ||
    { cat "$PGD/primary.log"; exit 1; }

psql_on() { # psql_on SOCKET_DIR PORT DB SQL...: as the administrator
    local sock=$1 port=$2 db=$3
    shift 3
    "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -At -h "$sock" -p "$port" -U mcadmin -d "$db" "$@"
}
sql() { psql_on "$S1" 5433 audit -c "$1"; }
psql_on "$S1" 5433 postgres -c "CREATE DATABASE audit" -c "CREATE DATABASE audit2"
