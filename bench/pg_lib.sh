# Shared by the PostgreSQL benchmarks (bench_audit_pg.sh, audit_scale.sh): a throwaway
# PostgreSQL 15 cluster, Unix socket only (listen_addresses = ''), with the server's default
# fsync and synchronous_commit (an append is durable when it returns, as in production),
# run as `nobody` when the benchmark runs as root (PostgreSQL refuses root), always stopped
# and deleted on exit. Source it from bash after setting PG_ROOT (the parent directory of
# the cluster's, default the system's temporary directory); it defines PGBIN, D (the
# directory, owned by the server's user), as_pg, and pg_start.
PGBIN=${MODELCERT_PG_BIN:-/usr/lib/postgresql/15/bin}
D=$(mktemp -d "${PG_ROOT:-${TMPDIR:-/tmp}}/mc-bench-pg.XXXXXX")
chmod 755 "$D"
AS=()
if [ "$(id -u)" = 0 ]; then
    chown nobody "$D"
    AS=(runuser -u nobody --)
fi
as_pg() { (cd "$D" && "${AS[@]}" "$@"); }
pg_cleanup() {
    [ -f "$D/pg/postmaster.pid" ] && as_pg "$PGBIN/pg_ctl" -D "$D/pg" -m fast -w stop >/dev/null 2>&1
    rm -rf "$D"
}
trap pg_cleanup EXIT

# pg_start PORT DATABASE... [-- EXTRA_SETTING...]: the cluster in $D/pg, listening on the
# socket in $D at PORT, with the databases created (administrator `mcadmin`, trusted on the
# socket). Its URI for database X: postgresql:///X?host=$D&port=PORT&user=mcadmin
pg_start() {
    local port=$1 db settings=("listen_addresses = ''" "unix_socket_directories = '$D'"
                                "port = $1" "shared_buffers = 256MB")
    shift
    local dbs=()
    while [ $# -gt 0 ] && [ "$1" != -- ]; do dbs+=("$1"); shift; done
    [ $# -gt 0 ] && shift
    settings+=("$@")
    as_pg "$PGBIN/initdb" -D "$D/pg" -U mcadmin -A trust -E UTF8 --locale=C >/dev/null
    printf '%s\n' "${settings[@]}" | as_pg sh -c "cat >> '$D/pg/postgresql.conf'"
    as_pg "$PGBIN/pg_ctl" -D "$D/pg" -l "$D/pg.log" -w start >/dev/null
    for db in "${dbs[@]}"; do
        "$PGBIN/psql" -X -q -h "$D" -p "$port" -U mcadmin -d postgres -c "CREATE DATABASE $db"
    done
}
