/* The audit trail's SQLite store (mc_audit_store.h): one file, WAL
 * journaling, synchronous=FULL, appends serialised by BEGIN IMMEDIATE. */
#include <limits.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_audit_store.h"
#include "mc_error.h"
#include "mc_file.h"

struct mc_audit_store {
    sqlite3 *db;
    char *shown;
};

static const char schema[] =
    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS events("
    "  id INTEGER PRIMARY KEY,"
    "  time TEXT NOT NULL,"
    "  actor TEXT NOT NULL,"
    "  host TEXT NOT NULL,"
    "  tool_version TEXT NOT NULL,"
    "  command TEXT NOT NULL,"
    "  kind TEXT NOT NULL,"
    "  spec_digest TEXT,"
    "  data_digest TEXT,"
    "  model_digest TEXT,"
    "  verdict TEXT NOT NULL,"
    "  details TEXT NOT NULL,"
    "  prev_hash TEXT NOT NULL,"
    "  hash TEXT NOT NULL UNIQUE);"
    "CREATE INDEX IF NOT EXISTS events_model ON events(model_digest);"
    "CREATE INDEX IF NOT EXISTS events_spec ON events(spec_digest);"
    "CREATE TRIGGER IF NOT EXISTS events_append_only_update BEFORE UPDATE ON events"
    "  BEGIN SELECT RAISE(ABORT, 'audit events are append-only: UPDATE refused'); END;"
    "CREATE TRIGGER IF NOT EXISTS events_append_only_delete BEFORE DELETE ON events"
    "  BEGIN SELECT RAISE(ABORT, 'audit events are append-only: DELETE refused'); END;"
    "INSERT OR IGNORE INTO meta(key, value) VALUES ('schema_version', '" MC_AUDIT_SCHEMA_VERSION "');";

static const char columns[] = "id, time, actor, host, tool_version, command, kind, spec_digest,"
                              " data_digest, model_digest, verdict, details, prev_hash, hash";

static int db_error(mc_audit_store *s, const char *what)
{
    int code = sqlite3_errcode(s->db);
    int status = code == SQLITE_CORRUPT || code == SQLITE_NOTADB || code == SQLITE_CONSTRAINT ||
                         code == SQLITE_READONLY
                     ? MC_EINPUT
                     : MC_EIO;
    return mc_error_set(status, "audit database %s: %s: %s", s->shown, what, sqlite3_errmsg(s->db));
}

static void store_close(mc_audit_store *s)
{
    if (!s)
        return;
    sqlite3_close(s->db);
    free(s->shown);
    free(s);
}

static int open_db(mc_audit_store **out, const char *path, const char *shown, int flags)
{
    mc_audit_store *s = calloc(1, sizeof *s);
    if (!s || !(s->shown = strdup(shown))) {
        free(s);
        return mc_error_nomem();
    }
    int rc = MC_OK;
    if (sqlite3_open_v2(path, &s->db, flags, NULL) != SQLITE_OK) {
        rc = s->db ? db_error(s, "cannot open") : mc_error_nomem();
        store_close(s);
        return rc;
    }
    sqlite3_busy_timeout(s->db, 60000);
    sqlite3_extended_result_codes(s->db, 0);
    *out = s;
    return MC_OK;
}

/* A file SQLite cannot read as a database (another format, or damaged): said as what it
 * means for the trail, with SQLite's own words. */
static int not_a_database(mc_audit_store *s)
{
    return mc_error_set(MC_EINPUT, "audit database %s is not a modelcert audit trail: the file "
                        "is not an SQLite database, or it is corrupt (%s)", s->shown,
                        sqlite3_errmsg(s->db));
}

static int unreadable(mc_audit_store *s, const char *what)
{
    int code = sqlite3_errcode(s->db);
    return code == SQLITE_NOTADB || code == SQLITE_CORRUPT ? not_a_database(s) : db_error(s, what);
}

/* The number of tables in the database (0: new and empty). */
static int count_tables(mc_audit_store *s, int *n)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db, "SELECT count(*) FROM sqlite_master WHERE type = 'table'", -1,
                           &st, NULL) != SQLITE_OK || sqlite3_step(st) != SQLITE_ROW) {
        int rc = unreadable(s, "cannot read it");
        sqlite3_finalize(st);
        return rc;
    }
    *n = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return MC_OK;
}

/* A database we did not create, or of another version, is refused: appending
 * to it or verifying it by our rules would mean nothing. One with no table at
 * all (an empty file) holds no trail yet: MC_ENOTFOUND, as a missing file. */
static int check_schema_version(mc_audit_store *s)
{
    sqlite3_stmt *st = NULL;
    int rc = MC_OK, tables = 0;
    if (sqlite3_prepare_v2(s->db, "SELECT value FROM meta WHERE key = 'schema_version'", -1, &st,
                           NULL) != SQLITE_OK) {
        if ((rc = count_tables(s, &tables)))
            return rc;
        if (tables == 0)
            return mc_error_set(MC_ENOTFOUND, "audit database %s is empty: no event has been "
                                "recorded in it yet", s->shown);
        return mc_error_set(MC_EINPUT, "audit database %s is not a modelcert audit trail: it is "
                            "an SQLite database without the trail's meta table", s->shown);
    }
    int step = sqlite3_step(st);
    const char *v = step == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0) : NULL;
    if (!v)
        rc = mc_error_set(MC_EINPUT, "audit database %s is not a modelcert audit trail (it records "
                          "no schema_version)", s->shown);
    else if (strcmp(v, MC_AUDIT_SCHEMA_VERSION) != 0)
        rc = mc_error_set(MC_EINPUT, "audit database %s has schema version %.40s; this modelcert "
                          "reads and writes version " MC_AUDIT_SCHEMA_VERSION, s->shown, v);
    sqlite3_finalize(st);
    return rc;
}

static int open_readwrite(mc_audit_store **out, const char *path, const char *shown)
{
    char *dir = mc_path_dirname(path);
    int rc = dir ? mc_dir_create_all(dir) : mc_error_nomem();
    free(dir);
    if (rc)
        return rc;
    mc_audit_store *s = NULL;
    if ((rc = open_db(&s, path, shown, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)))
        return rc;
    /* WAL: readers never block the writer; FULL: a committed event survives a crash of the machine too. */
    static const char *const setup[] = {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL"};
    for (size_t i = 0; i < 2 && rc == MC_OK; i++) {
        /* Switching a new file to WAL while another writer does the same can be
         * SQLITE_BUSY without SQLite calling the busy handler: retry it ourselves,
         * within the same 60 s as the busy timeout. */
        int e = SQLITE_BUSY;
        for (int tries = 0; e == SQLITE_BUSY && tries < 6000; tries++)
            if ((e = sqlite3_exec(s->db, setup[i], NULL, NULL, NULL)) == SQLITE_BUSY)
                sqlite3_sleep(10);
        if (e != SQLITE_OK)
            rc = db_error(s, setup[i]);
    }
    /* Under the write lock: a writer creating the same new file at the same
     * moment sees no tables or the whole schema, never half of it. */
    int tables = 0;
    if (rc == MC_OK && sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        rc = db_error(s, "cannot start a transaction");
    else if (rc == MC_OK) {
        if ((rc = count_tables(s, &tables)) == MC_OK && tables == 0 &&
            sqlite3_exec(s->db, schema, NULL, NULL, NULL) != SQLITE_OK)
            rc = db_error(s, "cannot create the schema");
        if (rc == MC_OK && sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
            rc = db_error(s, "cannot commit the schema");
        if (rc)
            sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    }
    if (rc == MC_OK)
        rc = check_schema_version(s);
    if (rc) {
        store_close(s);
        return rc;
    }
    *out = s;
    return MC_OK;
}

static int store_open(mc_audit_store **out, const char *path, const char *shown, int readonly)
{
    mc_audit_store *s = NULL;
    if (!readonly)
        return open_readwrite(out, path, shown);
    if (!mc_file_exists(path))
        return mc_error_set(MC_ENOTFOUND, "audit database %s does not exist", shown);
    int rc = open_db(&s, path, shown, SQLITE_OPEN_READONLY);
    if (rc == MC_OK && (rc = check_schema_version(s)))
        store_close(s);
    if (rc == MC_OK)
        *out = s;
    return rc;
}

static int store_init(const char *path, const char *shown)
{
    mc_audit_store *s = NULL;
    int rc = open_readwrite(&s, path, shown);
    store_close(s);
    return rc;
}

/* Binds text (NULL as SQL NULL); a failed bind (out of memory) would leave the parameter
 * NULL, a different event or a filter dropped, so it is an error. */
static int bind_text(mc_audit_store *s, sqlite3_stmt *st, int i, const char *text)
{
    int e = text ? sqlite3_bind_text(st, i, text, -1, SQLITE_TRANSIENT) : sqlite3_bind_null(st, i);
    return e == SQLITE_OK ? MC_OK : db_error(s, "cannot bind a value");
}

static int bind_int64(mc_audit_store *s, sqlite3_stmt *st, int i, long long v)
{
    return sqlite3_bind_int64(st, i, v) == SQLITE_OK ? MC_OK : db_error(s, "cannot bind a value");
}

static const char *col_text(sqlite3_stmt *st, int i)
{
    return (const char *)sqlite3_column_text(st, i);
}

/* The head as stored: the event with the highest id (NULL text as ""). */
static int read_head(mc_audit_store *s, mc_audit_head *h)
{
    sqlite3_stmt *st = NULL;
    memset(h, 0, sizeof *h);
    snprintf(h->hash, sizeof h->hash, "%s", MC_AUDIT_GENESIS);
    if (sqlite3_prepare_v2(s->db, "SELECT id, hash, time FROM events ORDER BY id DESC LIMIT 1", -1,
                           &st, NULL) != SQLITE_OK)
        return db_error(s, "cannot read the chain head");
    int step = sqlite3_step(st), rc = MC_OK;
    if (step == SQLITE_ROW) {
        h->id = sqlite3_column_int64(st, 0);
        snprintf(h->hash, sizeof h->hash, "%s", col_text(st, 1) ? col_text(st, 1) : "");
        snprintf(h->time, sizeof h->time, "%s", col_text(st, 2) ? col_text(st, 2) : "");
    } else if (step != SQLITE_DONE) {
        rc = db_error(s, "cannot read the chain head");
    }
    sqlite3_finalize(st);
    return rc;
}

static int store_head(mc_audit_store *s, mc_audit_head *out)
{
    if (sqlite3_exec(s->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
        return db_error(s, "cannot start a read transaction");
    int rc = read_head(s, out);
    if (sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK && rc == MC_OK)
        rc = db_error(s, "cannot end a read transaction");
    return rc;
}

static int store_append(mc_audit_store *s, mc_audit_event *evs, size_t n, mc_audit_link_fn link,
                        void *ctx)
{
    sqlite3_stmt *ins = NULL;
    mc_audit_head head;
    int rc = MC_OK;
    /* BEGIN IMMEDIATE takes the write lock now: the chain head cannot move
     * between reading it and appending to it. */
    if (sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        return db_error(s, "cannot start a transaction");
    char sql[512];
    snprintf(sql, sizeof sql, "INSERT INTO events(%s) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", columns);
    if (sqlite3_prepare_v2(s->db, sql, -1, &ins, NULL) != SQLITE_OK) {
        rc = db_error(s, "cannot prepare the append");
        goto rollback;
    }
    if ((rc = read_head(s, &head)) || (rc = link(ctx, &head, evs, n)))
        goto rollback;
    for (size_t i = 0; i < n; i++) {
        const mc_audit_event *ev = &evs[i];
        sqlite3_reset(ins);
        sqlite3_clear_bindings(ins);
        const char *texts[] = {ev->time, ev->actor, ev->host, ev->tool_version, ev->command,
                               ev->kind, ev->spec_digest, ev->data_digest, ev->model_digest,
                               ev->verdict, ev->details, ev->prev_hash, ev->hash};
        rc = bind_int64(s, ins, 1, ev->id);
        for (int c = 0; rc == MC_OK && c < 13; c++)
            rc = bind_text(s, ins, c + 2, texts[c]);
        if (rc)
            goto rollback;
        if (sqlite3_step(ins) != SQLITE_DONE) {
            rc = db_error(s, "cannot append the event");
            goto rollback;
        }
    }
    if (sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        rc = db_error(s, "cannot commit the events");
        goto rollback;
    }
    goto cleanup;
rollback:
    sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
cleanup:
    sqlite3_finalize(ins);
    return rc;
}

/* The rows matching f, or (f NULL, from > LLONG_MIN) those from id `from` on (the
 * primary key's b-tree: a search, not a scan), or every row. */
static int scan_rows(mc_audit_store *s, const mc_audit_filter *f, long long from,
                     mc_audit_row_fn fn, void *ctx)
{
    sqlite3_stmt *st = NULL;
    char sql[1024];
    /* Every value is bound, never spliced into the SQL text. The whole chain
     * is read in storage order, so a row moved to another id shows. */
    if (!f && from > LLONG_MIN)
        snprintf(sql, sizeof sql, "SELECT %s FROM events WHERE id >= ?1 ORDER BY id", columns);
    else if (f)
        snprintf(sql, sizeof sql,
                 "SELECT %s FROM events"
                 " WHERE (?1 IS NULL OR model_digest = ?1) AND (?2 IS NULL OR spec_digest = ?2)"
                 " AND (?3 IS NULL OR time >= ?3) AND (?4 IS NULL OR kind = ?4) AND (?5 = 0 OR id = ?5)"
                 " ORDER BY id", columns);
    else
        snprintf(sql, sizeof sql, "SELECT %s FROM events ORDER BY rowid", columns);
    /* Read in a transaction so a concurrent writer cannot show us half a chain. */
    if (sqlite3_exec(s->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
        return db_error(s, "cannot start a read transaction");
    int rc = MC_OK, step = SQLITE_DONE;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
        rc = db_error(s, "cannot read the events (is this an audit database?)");
        goto cleanup;
    }
    if (f && ((rc = bind_text(s, st, 1, f->model_digest)) ||
              (rc = bind_text(s, st, 2, f->spec_digest)) || (rc = bind_text(s, st, 3, f->since)) ||
              (rc = bind_text(s, st, 4, f->kind)) || (rc = bind_int64(s, st, 5, f->id))))
        goto cleanup;
    if (!f && from > LLONG_MIN && (rc = bind_int64(s, st, 1, from)))
        goto cleanup;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        mc_audit_event ev = {0};
        ev.id = sqlite3_column_int64(st, 0);
        snprintf(ev.time, sizeof ev.time, "%s", col_text(st, 1) ? col_text(st, 1) : "");
        ev.actor = col_text(st, 2);
        ev.host = col_text(st, 3);
        ev.tool_version = col_text(st, 4);
        ev.command = col_text(st, 5);
        ev.kind = col_text(st, 6);
        ev.spec_digest = col_text(st, 7);
        ev.data_digest = col_text(st, 8);
        ev.model_digest = col_text(st, 9);
        ev.verdict = col_text(st, 10);
        ev.details = col_text(st, 11);
        const char *prev = col_text(st, 12), *stored = col_text(st, 13);
        /* NULL or over-long: a hash no event has, so it is reported, not cut */
        snprintf(ev.prev_hash, sizeof ev.prev_hash, "%s", prev && strlen(prev) <= MC_SHA256_HEX_LEN ? prev : "");
        snprintf(ev.hash, sizeof ev.hash, "%s", stored && strlen(stored) <= MC_SHA256_HEX_LEN ? stored : "");
        if ((rc = fn(ctx, &ev)))
            goto cleanup;
    }
    if (step != SQLITE_DONE)
        rc = db_error(s, "cannot read the events");
cleanup:
    sqlite3_finalize(st);
    if (sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK && rc == MC_OK)
        rc = db_error(s, "cannot end a read transaction");
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

const mc_audit_store_ops mc_audit_store_sqlite = {
    .name = "sqlite", .open = store_open, .init = store_init, .append = store_append,
    .scan = store_scan, .scan_from = store_scan_from, .head = store_head, .close = store_close,
};
