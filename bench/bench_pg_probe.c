/* Where a PostgreSQL verb's milliseconds go (bench/README.md, "Audit trail at scale";
 * issue 23 item 7): libpq alone, timing each step a verb's trail work is made of, on a trail
 * `audit init` made (bench/audit_scale.sh runs it on the same cluster, direct and through
 * PgBouncer). For each step, REPS times, the median and the minimum in milliseconds:
 *   connect        PQconnectdb to a ready connection (the socket, the server's backend,
 *                  authentication, the start-up parameters), and PQfinish
 *   round trip     one `SELECT 1`: the floor of any statement
 *   set encoding   PQsetClientEncoding (a statement of its own)
 *   SET LOCALs     search_path and lock_timeout, as each transaction sets them (a statement
 *                  alone here: nothing outlives it, also through a pooler)
 *   schema query   the meta table's schema_version
 *   head query     the highest event (ORDER BY id DESC LIMIT 1)
 *   tail query     the head and the event before it, one statement (what a verb verifies)
 *   commit empty   BEGIN; COMMIT: a transaction that writes nothing (no WAL flush)
 *   commit durable a one-row write and its COMMIT: the WAL flush (fsync) the server makes
 *                  (into a table of the probe's own: no event is appended)
 * and EXPLAIN (ANALYZE) of the head and tail queries (printed: index scans, rows, time).
 * usage: bench_pg_probe CONNINFO [REPS]   (CONNINFO: a libpq URI or key=value string) */
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_REPS 1000

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

static void report(const char *what, double *ms, int reps)
{
    qsort(ms, (size_t)reps, sizeof *ms, cmp_double);
    printf("%-15s median %7.3f ms  min %7.3f ms\n", what, ms[reps / 2], ms[0]);
}

static int run(PGconn *c, const char *sql)
{
    PGresult *r = PQexec(c, sql);
    ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    int ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
    if (!ok)
        fprintf(stderr, "bench_pg_probe: %s: %s", sql, PQerrorMessage(c));
    PQclear(r);
    return ok ? 0 : 1;
}

static void explain(PGconn *c, const char *sql)
{
    char q[1024];
    snprintf(q, sizeof q, "EXPLAIN (ANALYZE, COSTS OFF) %s", sql);
    PGresult *r = PQexec(c, q);
    printf("EXPLAIN ANALYZE %s\n", sql);
    for (int i = 0; r && PQresultStatus(r) == PGRES_TUPLES_OK && i < PQntuples(r); i++)
        printf("  %s\n", PQgetvalue(r, i, 0));
    PQclear(r);
}

static const char head_sql[] =
    "SELECT id, hash, time FROM modelcert.events ORDER BY id DESC LIMIT 1";
static const char tail_sql[] =
    "SELECT id, time, actor, host, tool_version, command, kind, spec_digest, data_digest,"
    " model_digest, verdict, details, prev_hash, hash FROM modelcert.events"
    " WHERE id >= (SELECT CASE WHEN pg_catalog.max(id) > 2 THEN pg_catalog.max(id) - 1"
    " ELSE '-9223372036854775808'::bigint END FROM modelcert.events) ORDER BY id LIMIT 2";
int main(int argc, char **argv)
{
    int reps = argc == 3 ? atoi(argv[2]) : 15;
    if ((argc != 2 && argc != 3) || reps < 1 || reps > MAX_REPS) {
        fprintf(stderr, "usage: bench_pg_probe CONNINFO [REPS]  (REPS 1 to %d)\n", MAX_REPS);
        return 2;
    }
    static double ms[MAX_REPS];
    for (int i = 0; i < reps; i++) {
        double t0 = now_ms();
        PGconn *c = PQconnectdb(argv[1]);
        if (PQstatus(c) != CONNECTION_OK) {
            fprintf(stderr, "bench_pg_probe: cannot connect: %s", PQerrorMessage(c));
            PQfinish(c);
            return 1;
        }
        PQfinish(c);
        ms[i] = now_ms() - t0;
    }
    report("connect", ms, reps);

    PGconn *c = PQconnectdb(argv[1]);
    if (PQstatus(c) != CONNECTION_OK) {
        fprintf(stderr, "bench_pg_probe: cannot connect: %s", PQerrorMessage(c));
        PQfinish(c);
        return 1;
    }
    const char *enc = PQparameterStatus(c, "server_encoding");
    printf("server_encoding %s, client_encoding %s, ssl %s, server %d, protocol %d\n",
           enc ? enc : "?", PQparameterStatus(c, "client_encoding"),
           PQsslInUse(c) ? "yes" : "no", PQserverVersion(c), PQprotocolVersion(c));
    struct {
        const char *what, *sql;
    } steps[] = {
        {"round trip", "SELECT 1"},
        {"set encoding", NULL},
        {"SET LOCALs", "SET LOCAL search_path = ''; SET LOCAL lock_timeout = '60s'"},
        {"schema query", "SELECT value FROM modelcert.meta WHERE key = 'schema_version'"},
        {"head query", head_sql},
        {"tail query", tail_sql},
        {"commit empty", "BEGIN; COMMIT"},
        {"commit durable", "INSERT INTO public.mc_probe_t VALUES (1)"},
    };
    /* A regular table (a temporary one is not WAL-logged): its row's COMMIT flushes the WAL
       as an event's does, and no event is appended to the trail. */
    int rc = run(c, "CREATE TABLE IF NOT EXISTS public.mc_probe_t(x int)");
    for (size_t s = 0; rc == 0 && s < sizeof steps / sizeof *steps; s++) {
        for (int i = 0; rc == 0 && i < reps; i++) {
            double t0 = now_ms();
            if (steps[s].sql)
                rc = run(c, steps[s].sql);
            else if (PQsetClientEncoding(c, enc) != 0)
                rc = 1;
            ms[i] = now_ms() - t0;
        }
        if (rc == 0)
            report(steps[s].what, ms, reps);
    }
    if (rc == 0) {
        explain(c, head_sql);
        explain(c, tail_sql);
        run(c, "DROP TABLE IF EXISTS public.mc_probe_t");
    }
    PQfinish(c);
    return rc;
}
