/* The audit trail's PostgreSQL store (mc_audit_store.h), through libpq: the
 * schema `modelcert` that `audit init` makes (docs/audit.md), with its roles
 * checked to have no more rights than the design gives; appends serialised by
 * the writers' lock, a row lock on modelcert.append_lock that only the append
 * role may take (so a role that may only read, or only connect, cannot stall
 * the writers); reads from one REPEATABLE READ snapshot in single-row mode (a
 * million events never sit in memory at once). Every value is bound, never
 * spliced into SQL; every column read back is type- and length-checked; no
 * message shows a password, and a lost connection is reported by its cause.
 * Pooling-safe (PgBouncer's transaction mode, docs/audit.md): no session state
 * (each transaction sets its own search path and lock timeout with SET LOCAL),
 * no named prepared statements, only transaction-scoped locks; and few round
 * trips: a verb's check is one statement, its append two (`audit init` and
 * its roles' check: mc_audit_pg_init.c). */
#include <errno.h>
#include <libpq-fe.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_audit_pg.h"
#include "mc_audit_store.h"
#include "mc_buf.h"
#include "mc_error.h"

/* The writers' lock: the one row of modelcert.append_lock, locked FOR UPDATE until the
 * append's transaction ends. Locking a row needs the UPDATE right on its table, which
 * only modelcert_append has (and a trigger refuses every actual UPDATE). */
#define LOCK_SQL "SELECT 1 FROM modelcert.append_lock FOR UPDATE"
#define VERSION_SQL "SELECT value FROM modelcert.meta WHERE key = 'schema_version'"
#define HEAD_SQL "SELECT id, hash, time FROM modelcert.events ORDER BY id DESC LIMIT 1"
/* Opens a read-only transaction of one round trip's statements (an implicit block). */
#define READ_PREFIX "SET TRANSACTION READ ONLY;" MC_AUDIT_PG_TXN_SETTINGS
#define INT8_OID 20
#define TEXT_OID 25
#define N_COLUMNS 14
#define INSERT_CHUNK 64 /* rows per INSERT statement: 64 * 14 parameters */

static const char columns[] = "id, time, actor, host, tool_version, command, kind, spec_digest,"
                              " data_digest, model_digest, verdict, details, prev_hash, hash";

/* libpq prints notices to stderr by default; library code never prints. */
static void drop_notice(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

/* The server's (or libpq's) message, one line, bounded. MC_EINPUT for what
 * the trail or its permissions are at fault for, MC_EIO for the rest. */
int mc_audit_pg_error(mc_audit_store *s, const PGresult *r, const char *what)
{
    const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    char line[400];
    /* A lost connection is said so, with libpq's account of it (all it read since the
     * statements were sent: the server's reason, then the closed connection): the cause,
     * not whatever fails after it. */
    int lost = PQstatus(s->conn) == CONNECTION_BAD && strcmp(what, "cannot connect") != 0;
    const char *msg = !lost && r && *PQresultErrorMessage(r) ? PQresultErrorMessage(r)
                                                             : PQerrorMessage(s->conn);
    snprintf(line, sizeof line, "%s%s", lost ? "the connection to the server was lost: " : "",
             msg ? msg : "");
    for (char *p = line; *p; p++)
        if (*p == '\n' || *p == '\r' || *p == '\t')
            *p = *(p + 1) ? ' ' : '\0';
    int input = state && (strncmp(state, "22", 2) == 0 || strncmp(state, "23", 2) == 0 ||
                          strncmp(state, "42", 2) == 0 || strcmp(state, "P0001") == 0 ||
                          strcmp(state, "25006") == 0);
    return mc_error_set(input ? MC_EINPUT : MC_EIO, "audit database %s: %s: %s", s->shown, what, line);
}

/* Runs SQL without parameters; MC_OK when it succeeded (and, for COMMIT, committed). */
int mc_audit_pg_exec(mc_audit_store *s, const char *sql, const char *what)
{
    PGresult *r = PQexec(s->conn, sql);
    ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    int rc = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK ? MC_OK
                                                             : mc_audit_pg_error(s, r, what);
    /* A COMMIT of a failed transaction reports ROLLBACK, not an error. */
    if (rc == MC_OK && strcmp(sql, "COMMIT") == 0 && strcmp(PQcmdStatus(r), "COMMIT") != 0)
        rc = mc_error_set(MC_EIO, "audit database %s: %s: the transaction was rolled back",
                          s->shown, what);
    PQclear(r);
    return rc;
}

/* Ends a failed transaction. Its own failure (a lost connection) changes nothing for the
 * caller, who returns the first error: so it records nothing, and that message stays. */
void mc_audit_pg_rollback(mc_audit_store *s)
{
    PQclear(PQexec(s->conn, "ROLLBACK"));
}

void mc_audit_pg_close(mc_audit_store *s)
{
    if (!s)
        return;
    PQfinish(s->conn);
    free(s->shown);
    free(s);
}

/* Connects, in the server's own encoding (text comes back as the bytes stored, which the
 * hash covers): the start-up already reports both encodings, so only a client encoding set
 * elsewhere (PGCLIENTENCODING) costs a statement; a pooler tracks client_encoding per
 * client. Nothing else is set for the session: each transaction sets its own (no search
 * path, every name is qualified; the 60-second lock timeout SQLite's busy timeout gives),
 * so a pooled server connection carries nothing of this one to its next client. */
int mc_audit_pg_connect(mc_audit_store **out, const char *uri, const char *shown, int readonly)
{
    mc_audit_store *s = calloc(1, sizeof *s);
    char *err = NULL;
    int rc = MC_OK;
    if (!s || !(s->shown = strdup(shown))) {
        free(s);
        return mc_error_nomem();
    }
    s->readonly = readonly;
    /* libpq's own message for a malformed URI may quote it, password included. */
    PQconninfoOption *opts = PQconninfoParse(uri, &err);
    PQconninfoFree(opts);
    PQfreemem(err);
    if (!opts) {
        rc = mc_error_set(MC_EINPUT, "audit database %s is not a valid PostgreSQL connection URI",
                          shown);
        goto fail;
    }
    if (!(s->conn = PQconnectdb(uri))) {
        rc = mc_error_nomem();
        goto fail;
    }
    PQsetNoticeProcessor(s->conn, drop_notice, NULL);
    if (PQstatus(s->conn) != CONNECTION_OK) {
        rc = mc_audit_pg_error(s, NULL, "cannot connect");
        goto fail;
    }
    const char *enc = PQparameterStatus(s->conn, "server_encoding");
    const char *client = PQparameterStatus(s->conn, "client_encoding");
    if (!enc || ((!client || strcmp(client, enc) != 0) && PQsetClientEncoding(s->conn, enc) != 0)) {
        rc = mc_audit_pg_error(s, NULL, "cannot use the server's encoding");
        goto fail;
    }
    *out = s;
    return MC_OK;
fail:
    mc_audit_pg_close(s);
    return rc;
}

/* The trail exists (MC_ENOTFOUND when this database has no modelcert schema)
 * and is version 1. standalone: in a read-only transaction of its own (else in the
 * caller's, whose settings are made). */
int mc_audit_pg_check_version(mc_audit_store *s, int standalone)
{
    PGresult *r = PQexec(s->conn, standalone ? READ_PREFIX " " VERSION_SQL : VERSION_SQL);
    const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    int rc = MC_OK;
    if (state && (strcmp(state, "3F000") == 0 || strcmp(state, "42P01") == 0))
        rc = mc_error_set(MC_ENOTFOUND, "audit database %s holds no modelcert audit trail (make "
                          "one with `modelcert audit init`)", s->shown);
    else if (!r || PQresultStatus(r) != PGRES_TUPLES_OK)
        rc = mc_audit_pg_error(s, r, "cannot read its schema version");
    else if (PQntuples(r) != 1 || PQnfields(r) != 1 || PQftype(r, 0) != TEXT_OID ||
             PQgetisnull(r, 0, 0))
        rc = mc_error_set(MC_EINPUT, "audit database %s is not a modelcert audit trail (it records "
                          "no schema_version)", s->shown);
    else if (strcmp(PQgetvalue(r, 0, 0), MC_AUDIT_SCHEMA_VERSION) != 0)
        rc = mc_error_set(MC_EINPUT, "audit database %s has schema version %.40s; this modelcert "
                          "reads and writes version " MC_AUDIT_SCHEMA_VERSION, s->shown,
                          PQgetvalue(r, 0, 0));
    PQclear(r);
    return rc;
}

static int store_open(mc_audit_store **out, const char *uri, const char *shown, int readonly)
{
    mc_audit_store *s = NULL;
    int rc = mc_audit_pg_connect(&s, uri, shown, readonly);
    if (rc == MC_OK && (rc = mc_audit_pg_check_version(s, 1)))
        mc_audit_pg_close(s);
    if (rc == MC_OK)
        *out = s;
    return rc;
}

/* Sends `sql`, statements run in one round trip, and keeps the first n results in res[]
 * (NULL for a statement not run: those after a failed one). MC_OK when it was sent; the
 * caller checks each result and clears them (clear_each). */
static int exec_each(mc_audit_store *s, const char *sql, PGresult **res, int n, const char *what)
{
    PGresult *r;
    int i = 0;
    for (int k = 0; k < n; k++)
        res[k] = NULL;
    if (!PQsendQuery(s->conn, sql))
        return mc_audit_pg_error(s, NULL, what);
    while ((r = PQgetResult(s->conn))) {
        if (i < n)
            res[i++] = r;
        else
            PQclear(r);
    }
    return MC_OK;
}

/* MC_OK when res[0..n) all ran and succeeded, else the first failure's error. */
static int each_ok(mc_audit_store *s, PGresult **res, int n, const char *what)
{
    for (int k = 0; k < n; k++) {
        ExecStatusType st = res[k] ? PQresultStatus(res[k]) : PGRES_FATAL_ERROR;
        if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
            return mc_audit_pg_error(s, res[k], what);
    }
    return MC_OK;
}

static void clear_each(PGresult **res, int n)
{
    for (int k = 0; k < n; k++)
        PQclear(res[k]);
}

/* ---- reading rows: hostile input ------------------------------------------------- */

/* The result's columns are those of the events table, with its types. */
static int check_shape(mc_audit_store *s, const PGresult *r, int n)
{
    if (PQnfields(r) != n)
        return mc_error_set(MC_EINPUT, "audit database %s: the events table has %d columns where "
                            "%d were read", s->shown, PQnfields(r), n);
    for (int c = 0; c < n; c++) {
        Oid want = c == 0 ? INT8_OID : TEXT_OID;
        if (PQftype(r, c) != want || PQfformat(r, c) != 0)
            return mc_error_set(MC_EINPUT, "audit database %s: column %.60s of the events table "
                                "is of type %u, not %s", s->shown, PQfname(r, c),
                                (unsigned)PQftype(r, c), c == 0 ? "bigint" : "text");
    }
    return MC_OK;
}

/* A bigint as text: an optional minus and 1 to 19 digits. */
static int parse_id(mc_audit_store *s, const PGresult *r, int row, long long *id)
{
    const char *v = PQgetvalue(r, row, 0);
    int len = PQgetlength(r, row, 0), neg = v[0] == '-', ok = !PQgetisnull(r, row, 0) && len > neg &&
                                                            len - neg <= 19 && (int)strlen(v) == len;
    for (int i = neg; ok && i < len; i++)
        ok = v[i] >= '0' && v[i] <= '9';
    errno = 0;
    *id = ok ? strtoll(v, NULL, 10) : 0;
    if (!ok || errno)
        return mc_audit_store_bad_row(s->shown, 0, "id", "is not a 64-bit integer");
    return MC_OK;
}

/* A text column: NULL stays NULL (as in SQLite, for verify to report);
 * over-long text or text holding a NUL byte is refused. */
static int get_text(mc_audit_store *s, const PGresult *r, int row, int col, long long id,
                    const char **out)
{
    *out = NULL;
    if (PQgetisnull(r, row, col))
        return MC_OK;
    const char *v = PQgetvalue(r, row, col);
    size_t len = (size_t)PQgetlength(r, row, col);
    if (len > MC_AUDIT_MAX_TEXT || strlen(v) != len)
        return mc_audit_store_bad_row(s->shown, id, PQfname(r, col),
                                      "is longer than 16 MiB or holds a NUL byte");
    *out = v;
    return MC_OK;
}

/* A hash column into its buffer: NULL or over-long as "", which no event has. */
static void copy_hash(char *dst, size_t size, const char *v)
{
    snprintf(dst, size, "%s", v && strlen(v) <= MC_SHA256_HEX_LEN ? v : "");
}

static int row_event(mc_audit_store *s, const PGresult *r, int row, mc_audit_event *ev)
{
    const char *t[N_COLUMNS] = {0};
    memset(ev, 0, sizeof *ev);
    int rc = parse_id(s, r, row, &ev->id);
    for (int c = 1; rc == MC_OK && c < N_COLUMNS; c++)
        rc = get_text(s, r, row, c, ev->id, &t[c]);
    if (rc)
        return rc;
    snprintf(ev->time, sizeof ev->time, "%s", t[1] ? t[1] : "");
    ev->actor = t[2], ev->host = t[3], ev->tool_version = t[4], ev->command = t[5];
    ev->kind = t[6], ev->spec_digest = t[7], ev->data_digest = t[8], ev->model_digest = t[9];
    ev->verdict = t[10], ev->details = t[11];
    copy_hash(ev->prev_hash, sizeof ev->prev_hash, t[12]);
    copy_hash(ev->hash, sizeof ev->hash, t[13]);
    return MC_OK;
}

/* The head from r, the result of HEAD_SQL (the row with the highest id). */
static int head_result(mc_audit_store *s, const PGresult *r, mc_audit_head *h)
{
    const char *hash = NULL, *time = NULL;
    memset(h, 0, sizeof *h);
    snprintf(h->hash, sizeof h->hash, "%s", MC_AUDIT_GENESIS);
    int rc = r && PQresultStatus(r) == PGRES_TUPLES_OK
                 ? MC_OK
                 : mc_audit_pg_error(s, r, "cannot read the chain head");
    if (rc == MC_OK && PQntuples(r) == 1) {
        if (PQnfields(r) != 3 || PQftype(r, 0) != INT8_OID || PQftype(r, 1) != TEXT_OID ||
            PQftype(r, 2) != TEXT_OID)
            rc = mc_error_set(MC_EINPUT, "audit database %s: the events table is not of the "
                              "modelcert schema", s->shown);
        if (rc == MC_OK && (rc = parse_id(s, r, 0, &h->id)) == MC_OK &&
            (rc = get_text(s, r, 0, 1, h->id, &hash)) == MC_OK &&
            (rc = get_text(s, r, 0, 2, h->id, &time)) == MC_OK) {
            copy_hash(h->hash, sizeof h->hash, hash);
            snprintf(h->time, sizeof h->time, "%s", time ? time : "");
        }
    }
    return rc;
}

static int store_head(mc_audit_store *s, mc_audit_head *out)
{
    /* one statement: one snapshot; one round trip with its transaction's settings */
    PGresult *r = PQexec(s->conn, READ_PREFIX " " HEAD_SQL);
    int rc = head_result(s, r, out);
    PQclear(r);
    return rc;
}

/* The head and the event before it, or for a head id of 2 or less the first two events (a
 * trail of one or two events, or a forged id at the top, is verified from its genesis: the
 * lowest ids, as a whole verification reads them first), in one statement: one snapshot,
 * one round trip, the primary key's index searched twice (its highest entry, then from
 * there), never a scan of the table. fn gets the rows, oldest first, valid during the call. */
static int store_tail(mc_audit_store *s, mc_audit_tail_fn fn, void *ctx)
{
    char sql[1024];
    mc_audit_event evs[2];
    snprintf(sql, sizeof sql, READ_PREFIX " SELECT %s FROM modelcert.events WHERE id >= (SELECT"
             " CASE WHEN pg_catalog.max(id) > 2 THEN pg_catalog.max(id) - 1"
             " ELSE '-9223372036854775808'::bigint END FROM modelcert.events)"
             " ORDER BY id LIMIT 2", columns);
    PGresult *r = PQexec(s->conn, sql);
    int rc = r && PQresultStatus(r) == PGRES_TUPLES_OK
                 ? MC_OK
                 : mc_audit_pg_error(s, r, "cannot read the events");
    int n = rc == MC_OK ? PQntuples(r) : 0;
    if (rc == MC_OK && n > 2)
        rc = mc_error_set(MC_EINTERNAL, "audit database %s: %d rows read for 2", s->shown, n);
    if (rc == MC_OK && n > 0)
        rc = check_shape(s, r, N_COLUMNS);
    for (int i = 0; rc == MC_OK && i < n; i++)
        rc = row_event(s, r, i, &evs[i]);
    if (rc == MC_OK)
        rc = fn(ctx, evs, (size_t)n);
    PQclear(r);
    return rc;
}

/* ---- appending --------------------------------------------------------------------- */

/* The INSERT of evs[0..n), n <= INSERT_CHUNK, one statement: *text and values[] (pointing
 * into evs and ids). */
static int chunk_sql(char **text, const char **values, char (*ids)[24],
                     const mc_audit_event *evs, size_t n)
{
    mc_buf sql = {0};
    mc_buf_printf(&sql, "INSERT INTO modelcert.events(%s) VALUES ", columns);
    for (size_t i = 0; i < n; i++) {
        const mc_audit_event *ev = &evs[i];
        snprintf(ids[i], sizeof ids[i], "%lld", ev->id);
        const char *row[N_COLUMNS] = {ids[i], ev->time, ev->actor, ev->host, ev->tool_version,
                                      ev->command, ev->kind, ev->spec_digest, ev->data_digest,
                                      ev->model_digest, ev->verdict, ev->details, ev->prev_hash,
                                      ev->hash};
        mc_buf_printf(&sql, "%s($%zu::bigint", i ? "," : "", i * N_COLUMNS + 1);
        for (int c = 1; c < N_COLUMNS; c++)
            mc_buf_printf(&sql, ",$%zu::text", i * N_COLUMNS + (size_t)c + 1);
        mc_buf_put(&sql, ")", 1);
        memcpy(&values[i * N_COLUMNS], row, sizeof row);
    }
    return mc_buf_take(&sql, text, NULL);
}

/* Inserts evs[0..n), n <= INSERT_CHUNK, in one statement. */
static int insert_chunk(mc_audit_store *s, const mc_audit_event *evs, size_t n)
{
    const char *values[INSERT_CHUNK * N_COLUMNS];
    char ids[INSERT_CHUNK][24];
    char *text = NULL;
    int rc = chunk_sql(&text, values, ids, evs, n);
    if (rc)
        return rc;
    PGresult *r = PQexecParams(s->conn, text, (int)(n * N_COLUMNS), NULL, values, NULL, NULL, 0);
    rc = r && PQresultStatus(r) == PGRES_COMMAND_OK
             ? MC_OK
             : mc_audit_pg_error(s, r, "cannot append the event");
    PQclear(r);
    free(text);
    return rc;
}

/* As insert_chunk, and the COMMIT, in one round trip: libpq's pipeline mode, the two
 * statements (unnamed, bound) and one Sync, so a pooler sees one exchange. Then the
 * INSERT's result, the COMMIT's (each followed by a NULL) and the pipeline's end are read;
 * a statement after a failed one is not run (PGRES_PIPELINE_ABORTED), and the transaction is
 * the caller's to roll back. */
static int insert_commit(mc_audit_store *s, const mc_audit_event *evs, size_t n)
{
    static const char *const what[3] = {"cannot append the event", "cannot commit the events",
                                        "cannot commit the events"};
    const char *values[INSERT_CHUNK * N_COLUMNS];
    char ids[INSERT_CHUNK][24];
    char *text = NULL;
    int rc = chunk_sql(&text, values, ids, evs, n);
    if (rc)
        return rc;
    int sent = PQenterPipelineMode(s->conn) &&
               PQsendQueryParams(s->conn, text, (int)(n * N_COLUMNS), NULL, values, NULL, NULL,
                                 0) &&
               PQsendQueryParams(s->conn, "COMMIT", 0, NULL, NULL, NULL, NULL, 0) &&
               PQpipelineSync(s->conn);
    free(text);
    if (!sent)
        rc = mc_audit_pg_error(s, NULL, what[0]);
    for (int k = 0; sent && k < 3; k++) {
        PGresult *r = PQgetResult(s->conn);
        ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
        ExecStatusType want = k < 2 ? PGRES_COMMAND_OK : PGRES_PIPELINE_SYNC;
        if (rc == MC_OK && st != want)
            rc = mc_audit_pg_error(s, r, what[k]);
        else if (rc == MC_OK && k == 1 && strcmp(PQcmdStatus(r), "COMMIT") != 0)
            rc = mc_error_set(MC_EIO, "audit database %s: %s: the transaction was rolled back",
                              s->shown, what[k]);
        PQclear(r);
        if (!r) /* the connection is gone: nothing more comes */
            break;
        if (k < 2)
            PQclear(PQgetResult(s->conn)); /* the NULL after the statement's result */
    }
    /* Fails only with results unread, after a lost connection: the caller then closes it. */
    PQexitPipelineMode(s->conn);
    return rc;
}

/* Whether the writers' lock was taken (r: LOCK_SQL's result, NULL when it did not run):
 * MC_EINPUT when the trail predates it, this role may not take it, or its row is gone (no
 * lock at all). */
static int lock_result(mc_audit_store *s, const PGresult *r)
{
    const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    int rc = MC_OK;
    if (state && strcmp(state, "42P01") == 0)
        rc = mc_error_set(MC_EINPUT, "audit database %s has no writers' lock (it was made by an "
                          "older modelcert): run `modelcert audit init` on it, as a superuser, "
                          "to add it", s->shown);
    else if (state && strcmp(state, "42501") == 0)
        rc = mc_error_set(MC_EINPUT, "audit database %s: this role may not take the writers' "
                          "lock: appending needs the role modelcert_append", s->shown);
    else if (!r || PQresultStatus(r) != PGRES_TUPLES_OK)
        rc = mc_audit_pg_error(s, r, "cannot lock the chain head");
    else if (PQntuples(r) != 1)
        rc = mc_error_set(MC_EINPUT, "audit database %s: the writers' lock row of "
                          "modelcert.append_lock is missing: appends cannot be serialised",
                          s->shown);
    return rc;
}

static int store_append(mc_audit_store *s, mc_audit_event *evs, size_t n, mc_audit_link_fn link,
                        void *ctx)
{
    mc_audit_head head;
    PGresult *res[5];
    if (s->readonly)
        return mc_error_set(MC_EINTERNAL, "audit database %s was opened read-only", s->shown);
    /* One transaction; the writers' lock, held until it ends, serialises every
     * writer of this database, so the head cannot move between reading it and
     * appending after it (read by a statement after the lock's: its own snapshot, taken
     * once the lock is held). A writer killed before COMMIT leaves nothing. The
     * transaction's start, the lock and the head: one round trip. */
    int rc = exec_each(s, "BEGIN;" MC_AUDIT_PG_TXN_SETTINGS " " LOCK_SQL "; " HEAD_SQL, res, 5,
                       "cannot start a transaction");
    if (rc == MC_OK && (rc = each_ok(s, res, 3, "cannot start a transaction")) == MC_OK &&
        (rc = lock_result(s, res[3])) == MC_OK)
        rc = head_result(s, res[4], &head);
    clear_each(res, 5);
    if (rc || (rc = link(ctx, &head, evs, n)))
        goto rollback;
    size_t i = 0;
    for (; n - i > INSERT_CHUNK; i += INSERT_CHUNK)
        if ((rc = insert_chunk(s, evs + i, INSERT_CHUNK)))
            goto rollback;
    /* the last rows (a verb's one event) and the COMMIT: one round trip */
    if ((rc = insert_commit(s, evs + i, n - i)) == MC_OK)
        return MC_OK;
rollback:
    mc_audit_pg_rollback(s);
    return rc;
}

/* ---- scanning ---------------------------------------------------------------------- */

/* Stops a query whose remaining rows are not wanted, then reads what is left. */
static void drain(mc_audit_store *s, int cancel)
{
    PGresult *r;
    if (cancel) {
        char err[256];
        PGcancel *c = PQgetCancel(s->conn);
        if (c)
            PQcancel(c, err, sizeof err);
        PQfreeCancel(c);
    }
    while ((r = PQgetResult(s->conn)))
        PQclear(r);
}

/* The rows matching f, or (f NULL, from > LLONG_MIN) those from id `from` on (an index
 * range of the primary key, not a scan of the table), or every row. */
static int scan_rows(mc_audit_store *s, const mc_audit_filter *f, long long from,
                     mc_audit_row_fn fn, void *ctx)
{
    char sql[1024], id[24];
    int has_from = !f && from > LLONG_MIN;
    if (has_from)
        snprintf(sql, sizeof sql, "SELECT %s FROM modelcert.events WHERE id >= $1::bigint"
                 " ORDER BY id", columns);
    else if (f)
        snprintf(sql, sizeof sql,
                 "SELECT %s FROM modelcert.events"
                 " WHERE ($1::text IS NULL OR model_digest = $1::text)"
                 " AND ($2::text IS NULL OR spec_digest = $2::text)"
                 " AND ($3::text IS NULL OR time COLLATE \"C\" >= $3::text COLLATE \"C\")"
                 " AND ($4::text IS NULL OR kind = $4::text) AND ($5::bigint = 0 OR id = $5::bigint)"
                 " ORDER BY id", columns);
    else
        snprintf(sql, sizeof sql, "SELECT %s FROM modelcert.events ORDER BY id", columns);
    snprintf(id, sizeof id, "%lld", f ? f->id : from);
    const char *params[5] = {f ? f->model_digest : NULL, f ? f->spec_digest : NULL,
                             f ? f->since : NULL, f ? f->kind : NULL, id};
    const char *from_param[1] = {id};
    /* One snapshot: a concurrent append is wholly seen or not at all. */
    /* Without statistics (a trail never analysed) the planner guesses a third of the table
     * for id >= $1 and would read all of it, or start workers to: a verb walks the primary
     * key's index from $1, in order, and reads only the rows it finds there (set in the same
     * round trip as BEGIN). */
    int rc = mc_audit_pg_exec(s, has_from ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;"
                              MC_AUDIT_PG_TXN_SETTINGS " SET LOCAL enable_seqscan = off;"
                              " SET LOCAL enable_bitmapscan = off;"
                              " SET LOCAL max_parallel_workers_per_gather = 0"
                              : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;"
                              MC_AUDIT_PG_TXN_SETTINGS,
                              "cannot start a read transaction");
    if (rc) {
        mc_audit_pg_rollback(s);
        return rc;
    }
    if (!PQsendQueryParams(s->conn, sql, f ? 5 : has_from, NULL,
                           f ? params : has_from ? from_param : NULL, NULL, NULL, 0) ||
        !PQsetSingleRowMode(s->conn)) {
        rc = mc_audit_pg_error(s, NULL, "cannot read the events");
        drain(s, 1);
        goto done;
    }
    int stopped = 0, shaped = 0;
    PGresult *r;
    while ((r = PQgetResult(s->conn))) {
        ExecStatusType st = PQresultStatus(r);
        if (st == PGRES_SINGLE_TUPLE && !stopped) {
            mc_audit_event ev;
            if ((shaped || (rc = check_shape(s, r, N_COLUMNS)) == MC_OK) &&
                (rc = row_event(s, r, 0, &ev)) == MC_OK)
                rc = fn(ctx, &ev);
            shaped = 1;
        } else if (st != PGRES_SINGLE_TUPLE && st != PGRES_TUPLES_OK && !stopped) {
            rc = mc_audit_pg_error(s, r, "cannot read the events");
        }
        PQclear(r);
        if (rc && !stopped) {
            stopped = 1;
            drain(s, 1);
            break;
        }
    }
done:
    if (rc == MC_OK)
        rc = mc_audit_pg_exec(s, "COMMIT", "cannot end the read transaction");
    else
        mc_audit_pg_rollback(s);
    return rc;
}

static int store_scan(mc_audit_store *s, const mc_audit_filter *f, mc_audit_row_fn fn, void *ctx)
{
    return scan_rows(s, f, LLONG_MIN, fn, ctx);
}

static int store_scan_from(mc_audit_store *s, long long from, mc_audit_row_fn fn, void *ctx)
{
    return scan_rows(s, NULL, from, fn, ctx);
}

const mc_audit_store_ops mc_audit_store_postgresql = {
    .name = "postgresql", .open = store_open, .init = mc_audit_pg_init, .append = store_append,
    .scan = store_scan, .scan_from = store_scan_from, .tail = store_tail, .head = store_head,
    .close = mc_audit_pg_close,
};
