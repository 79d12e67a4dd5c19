/* The audit trail's PostgreSQL store (mc_audit_store.h), through libpq: the
 * schema `modelcert` that `audit init` makes (docs/audit.md), with its roles
 * checked to have no more rights than the design gives; appends serialised by
 * the writers' lock, a row lock on modelcert.append_lock that only the append
 * role may take (so a role that may only read, or only connect, cannot stall
 * the writers); reads from one REPEATABLE READ snapshot in single-row mode (a
 * million events never sit in memory at once). Every value is bound, never
 * spliced into SQL; every column read back is type- and length-checked; no
 * message shows a password, and a lost connection is reported by its cause. */
#include <errno.h>
#include <libpq-fe.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_audit_store.h"
#include "mc_buf.h"
#include "mc_error.h"

/* "mc_audit" as a big-endian 64-bit number: the advisory lock `audit init` takes (any role
 * could take it: writers take the row lock below, which only the append role may). */
#define INIT_LOCK_SQL "SELECT pg_catalog.pg_advisory_xact_lock(7882248645014481268)"
/* The writers' lock: the one row of modelcert.append_lock, locked FOR UPDATE until the
 * append's transaction ends. Locking a row needs the UPDATE right on its table, which
 * only modelcert_append has (and a trigger refuses every actual UPDATE). */
#define LOCK_SQL "SELECT 1 FROM modelcert.append_lock FOR UPDATE"
#define INT8_OID 20
#define TEXT_OID 25
#define N_COLUMNS 14
#define INSERT_CHUNK 64 /* rows per INSERT statement: 64 * 14 parameters */

struct mc_audit_store {
    PGconn *conn;
    char *shown;
};

static const char columns[] = "id, time, actor, host, tool_version, command, kind, spec_digest,"
                              " data_digest, model_digest, verdict, details, prev_hash, hash";

/* The writers' lock table (see LOCK_SQL): made by `audit init`, also on a trail made
 * before it existed. */
static const char lock_table_sql[] =
    "CREATE TABLE modelcert.append_lock(id int PRIMARY KEY CHECK (id = 1));"
    "INSERT INTO modelcert.append_lock(id) VALUES (1);"
    "CREATE TRIGGER append_lock_no_change BEFORE UPDATE OR DELETE ON modelcert.append_lock"
    "  FOR EACH ROW EXECUTE FUNCTION modelcert.refuse_change();"
    "CREATE TRIGGER append_lock_no_truncate BEFORE TRUNCATE ON modelcert.append_lock"
    "  FOR EACH STATEMENT EXECUTE FUNCTION modelcert.refuse_change();"
    "ALTER TABLE modelcert.append_lock OWNER TO modelcert_owner;"
    "REVOKE ALL ON modelcert.append_lock FROM PUBLIC;"
    "GRANT SELECT, UPDATE ON modelcert.append_lock TO modelcert_append;";

static const char init_sql[] =
    "DO $$ BEGIN"
    "  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'modelcert_owner') THEN"
    "    CREATE ROLE modelcert_owner NOLOGIN; END IF;"
    "  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'modelcert_append') THEN"
    "    CREATE ROLE modelcert_append NOLOGIN; END IF;"
    "  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'modelcert_read') THEN"
    "    CREATE ROLE modelcert_read NOLOGIN; END IF;"
    "END $$;"
    "CREATE SCHEMA modelcert;"
    "CREATE TABLE modelcert.meta(key text PRIMARY KEY, value text NOT NULL);"
    "CREATE TABLE modelcert.events("
    "  id bigint PRIMARY KEY CHECK (id >= 1),"
    "  time text NOT NULL, actor text NOT NULL, host text NOT NULL, tool_version text NOT NULL,"
    "  command text NOT NULL, kind text NOT NULL,"
    "  spec_digest text, data_digest text, model_digest text,"
    "  verdict text NOT NULL, details text NOT NULL,"
    "  prev_hash text NOT NULL UNIQUE," /* two events after one head: a fork, refused */
    "  hash text NOT NULL UNIQUE);"
    "CREATE INDEX events_model ON modelcert.events(model_digest);"
    "CREATE INDEX events_spec ON modelcert.events(spec_digest);"
    "CREATE FUNCTION modelcert.refuse_change() RETURNS trigger LANGUAGE plpgsql"
    "  SET search_path = '' AS $f$ BEGIN"
    "  RAISE EXCEPTION 'audit events are append-only: % refused', TG_OP; END $f$;"
    "CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON modelcert.events"
    "  FOR EACH ROW EXECUTE FUNCTION modelcert.refuse_change();"
    "CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON modelcert.events"
    "  FOR EACH STATEMENT EXECUTE FUNCTION modelcert.refuse_change();"
    "CREATE TRIGGER meta_append_only BEFORE UPDATE OR DELETE ON modelcert.meta"
    "  FOR EACH ROW EXECUTE FUNCTION modelcert.refuse_change();"
    "CREATE TRIGGER meta_no_truncate BEFORE TRUNCATE ON modelcert.meta"
    "  FOR EACH STATEMENT EXECUTE FUNCTION modelcert.refuse_change();"
    "INSERT INTO modelcert.meta(key, value) VALUES ('schema_version', '" MC_AUDIT_SCHEMA_VERSION "');"
    "ALTER SCHEMA modelcert OWNER TO modelcert_owner;"
    "ALTER TABLE modelcert.meta OWNER TO modelcert_owner;"
    "ALTER TABLE modelcert.events OWNER TO modelcert_owner;"
    "ALTER FUNCTION modelcert.refuse_change() OWNER TO modelcert_owner;"
    "REVOKE ALL ON SCHEMA modelcert FROM PUBLIC;"
    "REVOKE ALL ON ALL TABLES IN SCHEMA modelcert FROM PUBLIC;"
    "REVOKE ALL ON FUNCTION modelcert.refuse_change() FROM PUBLIC;"
    "GRANT USAGE ON SCHEMA modelcert TO modelcert_append, modelcert_read;"
    "GRANT SELECT, INSERT ON modelcert.events TO modelcert_append;"
    "GRANT SELECT ON modelcert.meta TO modelcert_append;"
    "GRANT SELECT ON modelcert.events, modelcert.meta TO modelcert_read;";

/* libpq prints notices to stderr by default; library code never prints. */
static void drop_notice(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

/* The server's (or libpq's) message, one line, bounded. MC_EINPUT for what
 * the trail or its permissions are at fault for, MC_EIO for the rest. */
static int pg_error(mc_audit_store *s, const PGresult *r, const char *what)
{
    const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    const char *msg = r && *PQresultErrorMessage(r) ? PQresultErrorMessage(r) : PQerrorMessage(s->conn);
    char line[400];
    /* A lost connection is said so, with libpq's account of it: the cause, not whatever
     * fails after it. */
    int lost = PQstatus(s->conn) == CONNECTION_BAD && strcmp(what, "cannot connect") != 0;
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
static int exec(mc_audit_store *s, const char *sql, const char *what)
{
    PGresult *r = PQexec(s->conn, sql);
    ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    int rc = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK ? MC_OK : pg_error(s, r, what);
    /* A COMMIT of a failed transaction reports ROLLBACK, not an error. */
    if (rc == MC_OK && strcmp(sql, "COMMIT") == 0 && strcmp(PQcmdStatus(r), "COMMIT") != 0)
        rc = mc_error_set(MC_EIO, "audit database %s: %s: the transaction was rolled back",
                          s->shown, what);
    PQclear(r);
    return rc;
}

/* Ends a failed transaction. Its own failure (a lost connection) changes nothing for the
 * caller, who returns the first error: so it records nothing, and that message stays. */
static void rollback(mc_audit_store *s)
{
    PQclear(PQexec(s->conn, "ROLLBACK"));
}

static void store_close(mc_audit_store *s)
{
    if (!s)
        return;
    PQfinish(s->conn);
    free(s->shown);
    free(s);
}

/* Connects, with no search path (every name is qualified), the server's own
 * encoding (text comes back as the bytes stored, which the hash covers), and
 * the 60-second lock timeout SQLite's busy timeout gives. */
static int connect_db(mc_audit_store **out, const char *uri, const char *shown, int readonly)
{
    mc_audit_store *s = calloc(1, sizeof *s);
    char *err = NULL;
    int rc = MC_OK;
    if (!s || !(s->shown = strdup(shown))) {
        free(s);
        return mc_error_nomem();
    }
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
        rc = pg_error(s, NULL, "cannot connect");
        goto fail;
    }
    const char *enc = PQparameterStatus(s->conn, "server_encoding");
    if (!enc || PQsetClientEncoding(s->conn, enc) != 0) {
        rc = pg_error(s, NULL, "cannot use the server's encoding");
        goto fail;
    }
    if ((rc = exec(s, "SET search_path = ''; SET lock_timeout = '60s'", "cannot set up the session")) ||
        (readonly && (rc = exec(s, "SET default_transaction_read_only = on", "cannot set up the session"))))
        goto fail;
    *out = s;
    return MC_OK;
fail:
    store_close(s);
    return rc;
}

/* The trail exists (MC_ENOTFOUND when this database has no modelcert schema)
 * and is version 1. */
static int check_schema_version(mc_audit_store *s)
{
    PGresult *r = PQexec(s->conn, "SELECT value FROM modelcert.meta WHERE key = 'schema_version'");
    const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    int rc = MC_OK;
    if (state && (strcmp(state, "3F000") == 0 || strcmp(state, "42P01") == 0))
        rc = mc_error_set(MC_ENOTFOUND, "audit database %s holds no modelcert audit trail (make "
                          "one with `modelcert audit init`)", s->shown);
    else if (!r || PQresultStatus(r) != PGRES_TUPLES_OK)
        rc = pg_error(s, r, "cannot read its schema version");
    else if (PQntuples(r) != 1 || PQnfields(r) != 1 || PQftype(r, 0) != TEXT_OID || PQgetisnull(r, 0, 0))
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
    int rc = connect_db(&s, uri, shown, readonly);
    if (rc == MC_OK && (rc = check_schema_version(s)))
        store_close(s);
    if (rc == MC_OK)
        *out = s;
    return rc;
}

/* The rights the design gives the three roles (docs/audit.md), and nothing more: none of
 * the role attributes, no membership in another role (it would inherit that role's
 * rights), no CREATE on the schema, and only the table rights granted by init_sql and
 * lock_table_sql. Each row of the query is one right too many: (role, right, rank), the
 * attributes and memberships (the causes) first. */
static const char roles_sql[] =
    "WITH r(role) AS (VALUES ('modelcert_owner'), ('modelcert_append'), ('modelcert_read')),"
    " design(role, tab, priv) AS (VALUES ('modelcert_append', 'modelcert.events', 'SELECT'),"
    "  ('modelcert_append', 'modelcert.events', 'INSERT'),"
    "  ('modelcert_append', 'modelcert.meta', 'SELECT'),"
    "  ('modelcert_append', 'modelcert.append_lock', 'SELECT'),"
    "  ('modelcert_append', 'modelcert.append_lock', 'UPDATE'),"
    "  ('modelcert_read', 'modelcert.events', 'SELECT'),"
    "  ('modelcert_read', 'modelcert.meta', 'SELECT'))"
    " SELECT g.rolname::text, a.what, 1 FROM pg_catalog.pg_roles g, LATERAL (VALUES"
    "  (g.rolsuper, 'SUPERUSER'), (g.rolcreaterole, 'CREATEROLE'), (g.rolcreatedb, 'CREATEDB'),"
    "  (g.rolcanlogin, 'LOGIN'), (g.rolreplication, 'REPLICATION'),"
    "  (g.rolbypassrls, 'BYPASSRLS')) a(has, what)"
    "  WHERE g.rolname IN (SELECT role FROM r) AND a.has"
    " UNION ALL SELECT m.rolname::text, 'membership in role ' || o.rolname, 2"
    "  FROM pg_catalog.pg_auth_members x JOIN pg_catalog.pg_roles o ON o.oid = x.roleid"
    "  JOIN pg_catalog.pg_roles m ON m.oid = x.member WHERE m.rolname IN (SELECT role FROM r)"
    " UNION ALL SELECT r.role, 'CREATE on schema modelcert', 3 FROM r"
    "  WHERE r.role <> 'modelcert_owner'"
    "  AND pg_catalog.has_schema_privilege(r.role, 'modelcert', 'CREATE')"
    " UNION ALL SELECT r.role, v.priv || ' on ' || t.tab, 4 FROM r"
    "  CROSS JOIN (VALUES ('modelcert.events'), ('modelcert.meta'),"
    "   ('modelcert.append_lock')) t(tab)"
    "  CROSS JOIN (VALUES ('SELECT'), ('INSERT'), ('UPDATE'), ('DELETE'), ('TRUNCATE'),"
    "   ('REFERENCES'), ('TRIGGER')) v(priv)"
    "  WHERE r.role <> 'modelcert_owner'"
    "  AND pg_catalog.has_table_privilege(r.role, t.tab, v.priv)"
    "  AND (r.role, t.tab, v.priv) NOT IN (SELECT role, tab, priv FROM design)"
    " ORDER BY 3, 1, 2";

/* MC_EINPUT naming the first role with a right the design does not give it: `audit init`
 * reuses roles that exist already, and must not hand a trail to one that can do more. */
static int check_roles(mc_audit_store *s)
{
    PGresult *r = PQexec(s->conn, roles_sql);
    int rc = r && PQresultStatus(r) == PGRES_TUPLES_OK
                 ? MC_OK
                 : pg_error(s, r, "cannot read its roles' rights");
    if (rc == MC_OK && PQntuples(r) > 0)
        rc = mc_error_set(MC_EINPUT, "audit database %s: role %.64s has %.200s, a right the "
                          "design does not give it (docs/audit.md): revoke it or drop the role, "
                          "then run audit init again (%d such right%s)", s->shown,
                          PQgetvalue(r, 0, 0), PQgetvalue(r, 0, 1), PQntuples(r),
                          PQntuples(r) == 1 ? "" : "s");
    PQclear(r);
    return rc;
}

/* *yes: whether `query` (one boolean) returned true. */
static int ask(mc_audit_store *s, const char *query, const char *what, int *yes)
{
    PGresult *r = PQexec(s->conn, query);
    int rc = r && PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 && PQnfields(r) == 1
                 ? MC_OK
                 : pg_error(s, r, what);
    if (rc == MC_OK)
        *yes = strcmp(PQgetvalue(r, 0, 0), "t") == 0;
    PQclear(r);
    return rc;
}

/* Makes the trail, or leaves an existing version-1 trail as it is (adding the writers'
 * lock table if it predates it); either way its roles must have the design's rights. */
static int store_init(const char *uri, const char *shown)
{
    mc_audit_store *s = NULL;
    int exists = 0, locked = 0;
    int rc = connect_db(&s, uri, shown, 0);
    if (rc)
        return rc;
    if ((rc = exec(s, "BEGIN", "cannot start a transaction")) ||
        (rc = exec(s, INIT_LOCK_SQL, "cannot lock the trail")) ||
        (rc = ask(s, "SELECT pg_catalog.to_regnamespace('modelcert') IS NOT NULL",
                  "cannot look for the schema", &exists)))
        goto rollback;
    if (exists)
        rc = check_schema_version(s);
    else
        rc = exec(s, init_sql, "cannot create the trail (init needs a superuser)");
    if (rc || (rc = ask(s, "SELECT pg_catalog.to_regclass('modelcert.append_lock') IS NOT NULL",
                        "cannot look for the writers' lock", &locked)) ||
        (!locked && (rc = exec(s, lock_table_sql, "cannot create the writers' lock (init needs "
                                                  "a superuser)"))) ||
        (rc = check_roles(s)))
        goto rollback;
    if ((rc = exec(s, "COMMIT", "cannot commit the new trail")) == MC_OK)
        goto cleanup;
rollback:
    rollback(s);
cleanup:
    store_close(s);
    return rc;
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

/* The head: the row with the highest id, inside the caller's transaction. */
static int read_head(mc_audit_store *s, mc_audit_head *h)
{
    PGresult *r = PQexec(s->conn, "SELECT id, hash, time FROM modelcert.events ORDER BY id DESC LIMIT 1");
    const char *hash = NULL, *time = NULL;
    memset(h, 0, sizeof *h);
    snprintf(h->hash, sizeof h->hash, "%s", MC_AUDIT_GENESIS);
    int rc = r && PQresultStatus(r) == PGRES_TUPLES_OK ? MC_OK : pg_error(s, r, "cannot read the chain head");
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
    PQclear(r);
    return rc;
}

static int store_head(mc_audit_store *s, mc_audit_head *out)
{
    return read_head(s, out); /* one statement: one snapshot */
}

/* ---- appending --------------------------------------------------------------------- */

/* Inserts evs[0..n), n <= INSERT_CHUNK, in one statement. */
static int insert_chunk(mc_audit_store *s, const mc_audit_event *evs, size_t n)
{
    const char *values[INSERT_CHUNK * N_COLUMNS];
    char ids[INSERT_CHUNK][24];
    mc_buf sql = {0};
    char *text = NULL;
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
    int rc = mc_buf_take(&sql, &text, NULL);
    if (rc)
        return rc;
    PGresult *r = PQexecParams(s->conn, text, (int)(n * N_COLUMNS), NULL, values, NULL, NULL, 0);
    rc = r && PQresultStatus(r) == PGRES_COMMAND_OK ? MC_OK : pg_error(s, r, "cannot append the event");
    PQclear(r);
    free(text);
    return rc;
}

/* Takes the writers' lock (LOCK_SQL) inside the caller's transaction: MC_EINPUT when the
 * trail predates it, this role may not take it, or its row is gone (no lock at all). */
static int lock_writers(mc_audit_store *s)
{
    PGresult *r = PQexec(s->conn, LOCK_SQL);
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
        rc = pg_error(s, r, "cannot lock the chain head");
    else if (PQntuples(r) != 1)
        rc = mc_error_set(MC_EINPUT, "audit database %s: the writers' lock row of "
                          "modelcert.append_lock is missing: appends cannot be serialised",
                          s->shown);
    PQclear(r);
    return rc;
}

static int store_append(mc_audit_store *s, mc_audit_event *evs, size_t n, mc_audit_link_fn link,
                        void *ctx)
{
    mc_audit_head head;
    /* One transaction; the writers' lock, held until it ends, serialises every
     * writer of this database, so the head cannot move between reading it and
     * appending after it. A writer killed before COMMIT leaves nothing. */
    int rc = exec(s, "BEGIN", "cannot start a transaction");
    if (rc)
        return rc;
    if ((rc = lock_writers(s)) || (rc = read_head(s, &head)) ||
        (rc = link(ctx, &head, evs, n)))
        goto rollback;
    for (size_t i = 0; i < n; i += INSERT_CHUNK)
        if ((rc = insert_chunk(s, evs + i, n - i < INSERT_CHUNK ? n - i : INSERT_CHUNK)))
            goto rollback;
    if ((rc = exec(s, "COMMIT", "cannot commit the events")) == MC_OK)
        return MC_OK;
rollback:
    rollback(s);
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
    int rc = exec(s, has_from ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;"
                                " SET LOCAL enable_seqscan = off; SET LOCAL enable_bitmapscan = off;"
                                " SET LOCAL max_parallel_workers_per_gather = 0"
                              : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
                  "cannot start a read transaction");
    if (rc) {
        if (has_from)
            rollback(s);
        return rc;
    }
    if (!PQsendQueryParams(s->conn, sql, f ? 5 : has_from, NULL,
                           f ? params : has_from ? from_param : NULL, NULL, NULL, 0) ||
        !PQsetSingleRowMode(s->conn)) {
        rc = pg_error(s, NULL, "cannot read the events");
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
            rc = pg_error(s, r, "cannot read the events");
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
        rc = exec(s, "COMMIT", "cannot end the read transaction");
    else
        rollback(s);
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
    .name = "postgresql", .open = store_open, .init = store_init, .append = store_append,
    .scan = store_scan, .scan_from = store_scan_from, .head = store_head, .close = store_close,
};
