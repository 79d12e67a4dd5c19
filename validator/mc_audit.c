#include "mc_audit.h"

#include <errno.h>
#include <pwd.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "mc_buf.h"
#include "mc_clock.h"
#include "mc_error.h"
#include "mc_file.h"
#include "mc_json.h"

#define GENESIS "0000000000000000000000000000000000000000000000000000000000000000"
#define SCHEMA_VERSION "1"
#define TRAIL_DIR ".modelcert"
#define TRAIL_FILE "audit.db"

struct mc_audit {
    sqlite3 *db;
    char *path;
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
    "INSERT OR IGNORE INTO meta(key, value) VALUES ('schema_version', '" SCHEMA_VERSION "');";

static int db_error(mc_audit *a, const char *what)
{
    int code = sqlite3_errcode(a->db);
    int status = code == SQLITE_CORRUPT || code == SQLITE_NOTADB || code == SQLITE_CONSTRAINT ||
                         code == SQLITE_READONLY
                     ? MC_EINPUT
                     : MC_EIO;
    return mc_error_set(status, "audit database %s: %s: %s", a->path, what, sqlite3_errmsg(a->db));
}

static int open_db(mc_audit **out, const char *path, int flags)
{
    mc_audit *a = calloc(1, sizeof *a);
    if (!a || !(a->path = strdup(path))) {
        free(a);
        return mc_error_nomem();
    }
    int rc = MC_OK;
    if (sqlite3_open_v2(path, &a->db, flags, NULL) != SQLITE_OK) {
        rc = a->db ? db_error(a, "cannot open") : mc_error_nomem();
        goto fail;
    }
    sqlite3_busy_timeout(a->db, 60000);
    sqlite3_extended_result_codes(a->db, 0);
    *out = a;
    return MC_OK;
fail:
    mc_audit_close(a);
    return rc;
}

/* The number of tables in the database (0: new and empty). */
static int count_tables(mc_audit *a, int *n)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(a->db, "SELECT count(*) FROM sqlite_master WHERE type = 'table'", -1,
                           &st, NULL) != SQLITE_OK || sqlite3_step(st) != SQLITE_ROW) {
        sqlite3_finalize(st);
        return db_error(a, "cannot read it (is this an SQLite database?)");
    }
    *n = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return MC_OK;
}

/* A database we did not create, or of another version, is refused: appending
 * to it or verifying it by our rules would mean nothing. */
static int check_schema_version(mc_audit *a)
{
    sqlite3_stmt *st = NULL;
    int rc = MC_OK;
    if (sqlite3_prepare_v2(a->db, "SELECT value FROM meta WHERE key = 'schema_version'", -1, &st,
                           NULL) != SQLITE_OK)
        return mc_error_set(MC_EINPUT, "audit database %s is not a modelcert audit trail (it has "
                            "no meta table)", a->path);
    int step = sqlite3_step(st);
    const char *v = step == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0) : NULL;
    if (!v)
        rc = mc_error_set(MC_EINPUT, "audit database %s is not a modelcert audit trail (it records "
                          "no schema_version)", a->path);
    else if (strcmp(v, SCHEMA_VERSION) != 0)
        rc = mc_error_set(MC_EINPUT, "audit database %s has schema version %.40s; this modelcert "
                          "reads and writes version " SCHEMA_VERSION, a->path, v);
    sqlite3_finalize(st);
    return rc;
}

int mc_audit_open(mc_audit **out, const char *path)
{
    char *dir = mc_path_dirname(path);
    int rc = dir ? mc_dir_create_all(dir) : mc_error_nomem();
    free(dir);
    if (rc)
        return rc;
    mc_audit *a = NULL;
    if ((rc = open_db(&a, path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)))
        return rc;
    /* WAL: readers never block the writer; FULL: a committed event survives a crash of the machine too. */
    static const char *const setup[] = {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL"};
    for (size_t i = 0; i < 2; i++) {
        if (sqlite3_exec(a->db, setup[i], NULL, NULL, NULL) != SQLITE_OK) {
            rc = db_error(a, setup[i]);
            mc_audit_close(a);
            return rc;
        }
    }
    int tables = 0;
    if ((rc = count_tables(a, &tables)) == MC_OK && tables == 0 &&
        sqlite3_exec(a->db, schema, NULL, NULL, NULL) != SQLITE_OK)
        rc = db_error(a, "cannot create the schema");
    if (rc == MC_OK)
        rc = check_schema_version(a);
    if (rc) {
        mc_audit_close(a);
        return rc;
    }
    *out = a;
    return MC_OK;
}

int mc_audit_open_readonly(mc_audit **out, const char *path)
{
    mc_audit *a = NULL;
    if (!mc_file_exists(path))
        return mc_error_set(MC_ENOTFOUND, "audit database %s does not exist", path);
    int rc = open_db(&a, path, SQLITE_OPEN_READONLY);
    if (rc == MC_OK && (rc = check_schema_version(a)))
        mc_audit_close(a);
    if (rc == MC_OK)
        *out = a;
    return rc;
}

void mc_audit_close(mc_audit *a)
{
    if (!a)
        return;
    sqlite3_close(a->db);
    free(a->path);
    free(a);
}

/* The actor: GITHUB_ACTOR, GITLAB_USER_LOGIN or BUILD_USER from the CI
 * environment, else the OS user. */
static void mc_audit_actor(char *buf, size_t size)
{
    static const char *const vars[] = {"GITHUB_ACTOR", "GITLAB_USER_LOGIN", "BUILD_USER"};
    for (size_t i = 0; i < 3; i++) {
        const char *v = getenv(vars[i]);
        if (v && *v) {
            snprintf(buf, size, "%s", v);
            return;
        }
    }
    struct passwd *pw = getpwuid(geteuid());
    const char *user = pw && pw->pw_name ? pw->pw_name : getenv("USER");
    snprintf(buf, size, "%s", user && *user ? user : "unknown");
}

/* ---- the canonical encoding ------------------------------------------------------ */

/* Reads an event's details text (canonical JSON) back as the object its hash
 * covers. The canonical form writes a real from 2^63 up to 1e21 as an integer
 * (1e20 as 100000000000000000000), too big for jansson's integers: such text
 * is read with every number as a real. MC_EINPUT unless the text is a JSON
 * object whose canonical encoding is exactly the text, as append stores it. */
static int read_details(json_t **out, const char *text)
{
    const size_t flags = JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL;
    json_t *j = json_loads(text, flags, NULL);
    char *again = NULL;
    int rc = MC_OK;
    if (!j)
        j = json_loads(text, flags | JSON_DECODE_INT_AS_REAL, NULL);
    if (!json_is_object(j)) {
        rc = mc_error_set(MC_EINPUT, "audit event details are not a JSON object");
        goto cleanup;
    }
    if ((rc = mc_json_canonical(&again, NULL, j)))
        goto cleanup;
    if (strcmp(again, text) != 0) {
        rc = mc_error_set(MC_EINPUT, "audit event details are not in canonical form, or hold numbers "
                                     "that cannot be read back exactly");
        goto cleanup;
    }
    *out = j;
    j = NULL;
cleanup:
    free(again);
    json_decref(j);
    return rc;
}

/* The canonical JSON (RFC 8785) of an event: every field, keys in order,
 * text fields as their bytes (a command line need not be UTF-8, and the hash
 * has always covered the bytes as they are), and details_text (canonical
 * already, as append stores it) as the details object. */
static int event_canonical(char **out, size_t *len, const mc_audit_event *ev,
                           const char *details_text)
{
    mc_json_writer w = {0};
    mc_json_writer_begin_object(&w);
    mc_json_writer_key(&w, "actor"), mc_json_writer_string(&w, ev->actor);
    mc_json_writer_key(&w, "command"), mc_json_writer_string(&w, ev->command);
    mc_json_writer_key(&w, "data_digest"), mc_json_writer_string(&w, ev->data_digest);
    mc_json_writer_key(&w, "details"), mc_json_writer_raw(&w, details_text);
    mc_json_writer_key(&w, "host"), mc_json_writer_string(&w, ev->host);
    mc_json_writer_key(&w, "id"), mc_json_writer_integer(&w, ev->id);
    mc_json_writer_key(&w, "kind"), mc_json_writer_string(&w, ev->kind);
    mc_json_writer_key(&w, "model_digest"), mc_json_writer_string(&w, ev->model_digest);
    mc_json_writer_key(&w, "prev_hash"), mc_json_writer_string(&w, ev->prev_hash);
    mc_json_writer_key(&w, "spec_digest"), mc_json_writer_string(&w, ev->spec_digest);
    mc_json_writer_key(&w, "time"), mc_json_writer_string(&w, ev->time);
    mc_json_writer_key(&w, "tool_version"), mc_json_writer_string(&w, ev->tool_version);
    mc_json_writer_key(&w, "verdict"), mc_json_writer_string(&w, ev->verdict);
    mc_json_writer_end_object(&w);
    return mc_json_writer_finish(&w, out, len);
}

/* SHA-256 of the event's canonical JSON. */
static int hash_event(char hex[MC_SHA256_HEX_LEN + 1], const mc_audit_event *ev,
                      const char *details_text)
{
    char *text = NULL;
    size_t len = 0;
    int rc = event_canonical(&text, &len, ev, details_text);
    if (rc == MC_OK)
        rc = mc_sha256_hex(hex, text, len);
    free(text);
    return rc;
}

static int canonical_details(char **text, const char *details);

int mc_audit_event_canonical(char **out, size_t *len, const mc_audit_event *ev)
{
    char *details = NULL;
    int rc = canonical_details(&details, ev->details);
    if (rc == MC_OK)
        rc = event_canonical(out, len, ev, details);
    free(details);
    return rc;
}

/* The canonical text of a details object given as text (NULL: {}). jansson's
 * reader can return a wrong value, not NULL, when an allocation fails inside
 * its lexer (akheron/jansson#362), so the text is read twice: two readings
 * that disagree are an allocation failure, never a silently altered event. */
static int canonical_details(char **text, const char *details)
{
    char *again = NULL;
    json_t *a = json_loads(details ? details : "{}", JSON_REJECT_DUPLICATES, NULL);
    json_t *b = json_loads(details ? details : "{}", JSON_REJECT_DUPLICATES, NULL);
    int rc = json_is_object(a) && json_is_object(b) ? mc_json_canonical(text, NULL, a)
             : (!a || !b) && details && json_is_object(a ? a : b)
                 ? mc_error_nomem()
                 : mc_error_set(MC_EINTERNAL, "audit event details are not a JSON object");
    if (rc == MC_OK && (rc = mc_json_canonical(&again, NULL, b)) == MC_OK && strcmp(*text, again) != 0)
        rc = mc_error_nomem();
    if (rc) {
        free(*text);
        *text = NULL;
    }
    free(again);
    json_decref(a);
    json_decref(b);
    return rc;
}

/* *text gets the canonical form of the details, which is stored and which
 * the hash covers. Details that would not read back as the same text (a real
 * written as an integer beyond jansson's range) are refused, so that `audit
 * log` and `export` show every event's details as the object it was. */
static int prepare_details(char **text, const char *details)
{
    json_t *back = NULL;
    int rc = canonical_details(text, details);
    if (rc == MC_OK && (rc = read_details(&back, *text)) == MC_EINPUT) {
        json_decref(back);
        back = NULL;
        /* A failed allocation can make jansson misread once: a second reading that
         * succeeds shows the text was fine and memory was short. */
        if (read_details(&back, *text) == MC_OK)
            rc = mc_error_nomem();
    }
    json_decref(back);
    if (rc) {
        free(*text);
        *text = NULL;
    }
    return rc;
}

static int bind_text(sqlite3_stmt *st, int i, const char *s)
{
    return s ? sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT) : sqlite3_bind_null(st, i);
}

/* Fills in the defaults of an event, and its details as stored and hashed. */
static int prepare_event(mc_audit_event *ev, char **details, char *actor, size_t actor_size,
                         char *host, size_t host_size)
{
    int rc = prepare_details(details, ev->details);
    if (rc)
        return rc;
    if (!ev->actor) {
        mc_audit_actor(actor, actor_size);
        ev->actor = actor;
    }
    if (!ev->host) {
        if (gethostname(host, host_size - 1) != 0)
            snprintf(host, host_size, "unknown");
        host[host_size - 1] = '\0';
        ev->host = host;
    }
    if (!ev->tool_version)
        ev->tool_version = MC_VERSION;
    return MC_OK;
}

/* Links, hashes and inserts one event after (id - 1, prev); inside a transaction. */
static int insert_event(mc_audit *a, sqlite3_stmt *ins, mc_audit_event *ev, const char *details)
{
    mc_clock_utc(ev->time, 1);
    int rc = hash_event(ev->hash, ev, details);
    if (rc)
        return rc;
    sqlite3_reset(ins);
    sqlite3_clear_bindings(ins);
    sqlite3_bind_int64(ins, 1, ev->id);
    const char *texts[] = {ev->time, ev->actor, ev->host, ev->tool_version, ev->command, ev->kind,
                           ev->spec_digest, ev->data_digest, ev->model_digest, ev->verdict, details,
                           ev->prev_hash, ev->hash};
    for (int i = 0; i < 13; i++)
        bind_text(ins, i + 2, texts[i]);
    if (sqlite3_step(ins) != SQLITE_DONE)
        return db_error(a, "cannot append the event");
    return MC_OK;
}

int mc_audit_append_batch(mc_audit *a, mc_audit_event *evs, size_t n)
{
    char actor[256], host[256];
    sqlite3_stmt *last = NULL, *ins = NULL;
    char *details = NULL;
    int rc = MC_OK;
    /* BEGIN IMMEDIATE takes the write lock now: the chain head cannot move
     * between reading it and appending to it. */
    if (sqlite3_exec(a->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        return db_error(a, "cannot start a transaction");
    if (sqlite3_prepare_v2(a->db, "SELECT id, hash FROM events ORDER BY id DESC LIMIT 1", -1, &last,
                           NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(a->db,
                           "INSERT INTO events(id, time, actor, host, tool_version, command, kind,"
                           " spec_digest, data_digest, model_digest, verdict, details, prev_hash, hash)"
                           " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                           -1, &ins, NULL) != SQLITE_OK) {
        rc = db_error(a, "cannot prepare the append");
        goto rollback;
    }
    long long id = 1;
    char prev[MC_SHA256_HEX_LEN + 1] = GENESIS;
    int step = sqlite3_step(last);
    if (step == SQLITE_ROW) {
        id = sqlite3_column_int64(last, 0) + 1;
        snprintf(prev, sizeof prev, "%s", (const char *)sqlite3_column_text(last, 1));
    } else if (step != SQLITE_DONE) {
        rc = db_error(a, "cannot read the chain head");
        goto rollback;
    }
    for (size_t i = 0; i < n; i++) {
        mc_audit_event *ev = &evs[i];
        const char *given_actor = ev->actor, *given_host = ev->host, *given_version = ev->tool_version;
        if ((rc = prepare_event(ev, &details, actor, sizeof actor, host, sizeof host)))
            goto rollback;
        ev->id = id++;
        snprintf(ev->prev_hash, sizeof ev->prev_hash, "%s", prev);
        rc = insert_event(a, ins, ev, details);
        ev->actor = given_actor;
        ev->host = given_host;
        ev->tool_version = given_version;
        free(details);
        details = NULL;
        if (rc)
            goto rollback;
        snprintf(prev, sizeof prev, "%s", ev->hash);
    }
    if (sqlite3_exec(a->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        rc = db_error(a, "cannot commit the events");
        goto rollback;
    }
    goto cleanup;
rollback:
    sqlite3_exec(a->db, "ROLLBACK", NULL, NULL, NULL);
cleanup:
    sqlite3_finalize(last);
    sqlite3_finalize(ins);
    free(details);
    return rc;
}

int mc_audit_append(mc_audit *a, mc_audit_event *ev)
{
    return mc_audit_append_batch(a, ev, 1);
}

/* ---- verification ------------------------------------------------------------------ */

static const char *col_text(sqlite3_stmt *st, int i)
{
    return (const char *)sqlite3_column_text(st, i);
}

int mc_audit_verify(mc_audit *a, mc_audit_verify_result *res, const char *expect_head)
{
    sqlite3_stmt *st = NULL;
    memset(res, 0, sizeof *res);
    snprintf(res->head, sizeof res->head, "%s", GENESIS);
    /* Read in a transaction so a concurrent writer cannot show us half a chain. */
    if (sqlite3_exec(a->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
        return db_error(a, "cannot start a read transaction");
    int rc = MC_OK;
    if (sqlite3_prepare_v2(a->db,
                           "SELECT id, time, actor, host, tool_version, command, kind, spec_digest,"
                           " data_digest, model_digest, verdict, details, prev_hash, hash"
                           " FROM events ORDER BY rowid",
                           -1, &st, NULL) != SQLITE_OK) {
        rc = db_error(a, "cannot read the events (is this an audit database?)");
        goto cleanup;
    }
    long long expect_id = 1;
    char prev[MC_SHA256_HEX_LEN + 1] = GENESIS, hex[MC_SHA256_HEX_LEN + 1];
    int step;
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
        const char *stored_prev = col_text(st, 12), *stored = col_text(st, 13);
        snprintf(ev.prev_hash, sizeof ev.prev_hash, "%s", stored_prev ? stored_prev : "");
        res->events++;
        if (ev.id != expect_id) {
            res->broken = 1;
            res->first_bad = ev.id;
            snprintf(res->reason, sizeof res->reason,
                     "event %lld comes where event %lld should: an event was deleted, inserted or "
                     "moved",
                     ev.id, expect_id);
            break;
        }
        if (strcmp(ev.prev_hash, prev) != 0) {
            res->broken = 1;
            res->first_bad = ev.id;
            snprintf(res->reason, sizeof res->reason,
                     "event %lld does not link to the event before it (prev_hash %.16s..., the "
                     "previous event's hash is %.16s...): an event was deleted, inserted or reordered",
                     ev.id, ev.prev_hash, prev);
            break;
        }
        if ((rc = hash_event(hex, &ev, ev.details ? ev.details : "{}")))
            goto cleanup;
        if (!stored || strcmp(hex, stored) != 0) {
            json_t *details = NULL;
            int canonical = read_details(&details, ev.details ? ev.details : "{}") == MC_OK;
            json_decref(details);
            res->broken = 1;
            res->first_bad = ev.id;
            if (!canonical)
                snprintf(res->reason, sizeof res->reason,
                         "event %lld was altered: its details are not the canonical JSON object an "
                         "append stores", ev.id);
            else
                snprintf(res->reason, sizeof res->reason,
                         "event %lld was altered: its fields hash to %.16s..., but it records %.16s...",
                         ev.id, hex, stored ? stored : "(null)");
            break;
        }
        snprintf(prev, sizeof prev, "%s", stored);
        expect_id++;
    }
    if (!res->broken && step != SQLITE_DONE) {
        rc = db_error(a, "cannot read the events");
        goto cleanup;
    }
    snprintf(res->head, sizeof res->head, "%s", prev);
    if (!res->broken && expect_head && strcmp(expect_head, prev) != 0) {
        res->broken = 1;
        res->first_bad = res->events + 1;
        snprintf(res->reason, sizeof res->reason,
                 "the chain ends at %.16s..., not at the expected head %.16s...: events were "
                 "removed from the end or the chain was rewritten",
                 prev, expect_head);
    }
cleanup:
    sqlite3_finalize(st);
    sqlite3_exec(a->db, "COMMIT", NULL, NULL, NULL);
    return rc;
}

/* ---- queries ----------------------------------------------------------------------- */

/* A column as the events' JSON shows it: text as its bytes (as the hash
 * covers them), details as the object, NULL as null. */
static json_t *column_json(const char *text, int is_details)
{
    json_t *details = NULL;
    if (!text)
        return json_null();
    if (is_details) {
        int rc = read_details(&details, text);
        if (rc == MC_OK)
            return details;
        /* An allocation failure (also one that jansson's lexer reports as bad text: see
           mc_artifact.c read_header) is an error, never details shown as a string: a
           reading that fails once but not twice is one. NULL makes the query fail. */
        if (rc == MC_ENOMEM || (rc = read_details(&details, text)) != MC_EINPUT) {
            json_decref(details);
            if (rc == MC_OK)
                mc_error_nomem();
            return NULL;
        }
    }
    return json_stringn_nocheck(text, strlen(text));
}

int mc_audit_query(mc_audit *a, const mc_audit_filter *f, json_t **events)
{
    sqlite3_stmt *st = NULL;
    /* Every value is bound, never spliced into the SQL text. */
    const char *sql =
        "SELECT id, time, actor, host, tool_version, command, kind, spec_digest, data_digest,"
        " model_digest, verdict, details, prev_hash, hash FROM events"
        " WHERE (?1 IS NULL OR model_digest = ?1) AND (?2 IS NULL OR spec_digest = ?2)"
        " AND (?3 IS NULL OR time >= ?3) AND (?4 IS NULL OR kind = ?4) AND (?5 = 0 OR id = ?5)"
        " ORDER BY id";
    if (sqlite3_prepare_v2(a->db, sql, -1, &st, NULL) != SQLITE_OK)
        return db_error(a, "cannot query the events");
    bind_text(st, 1, f->model_digest);
    bind_text(st, 2, f->spec_digest);
    bind_text(st, 3, f->since);
    bind_text(st, 4, f->kind);
    sqlite3_bind_int64(st, 5, f->id);
    json_t *arr = json_array();
    static const char *const names[] = {"id", "time", "actor", "host", "tool_version", "command", "kind",
                                        "spec_digest", "data_digest", "model_digest", "verdict",
                                        "details", "prev_hash", "hash"};
    int step = SQLITE_DONE, rc = arr ? MC_OK : mc_error_nomem();
    while (rc == MC_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
        json_t *o = json_object();
        int failed = json_object_set_new(o, "id", json_integer(sqlite3_column_int64(st, 0))) != 0;
        for (int i = 1; i < 14; i++)
            failed |= json_object_set_new(o, names[i], column_json(col_text(st, i), i == 11)) != 0;
        if (failed)
            json_decref(o);
        if (failed || json_array_append_new(arr, o) != 0)
            rc = mc_error_nomem();
    }
    if (rc == MC_OK && step != SQLITE_DONE)
        rc = db_error(a, "cannot read the events");
    sqlite3_finalize(st);
    if (rc) {
        json_decref(arr);
        return rc;
    }
    *events = arr;
    return MC_OK;
}

/* ---- the trail as the verbs use it ---------------------------------------------------- */

/* Whether dir/.modelcert is a directory. */
static int has_trail_dir(const char *dir, int *found)
{
    struct stat st;
    char *p = mc_path_join(dir, TRAIL_DIR);
    if (!p)
        return mc_error_nomem();
    *found = stat(p, &st) == 0 && S_ISDIR(st.st_mode);
    free(p);
    return MC_OK;
}

int mc_audit_path(char **out, const char *flag)
{
    const char *env = getenv("MODELCERT_AUDIT");
    char *dir = NULL, *path = NULL;
    int rc = MC_OK, found = 0;
    size_t len = 0, n = 0;
    if (flag || (env && *env)) {
        path = strdup(flag ? flag : env);
        goto done;
    }
    if (!(dir = getcwd(NULL, 0))) {
        rc = errno == ENOMEM ? mc_error_nomem()
                             : mc_error_set(MC_EIO, "cannot find the audit trail: the current "
                                            "directory cannot be read: %s", strerror(errno));
        goto done;
    }
    /* The current directory, its parent, ... the root: the nearest .modelcert/ wins. */
    len = n = strlen(dir);
    for (;;) {
        dir[n] = '\0';
        if ((rc = has_trail_dir(n ? dir : "/", &found)) || found || n == 0)
            break;
        while (n > 0 && dir[n - 1] != '/')
            n--;
        if (n > 0)
            n--; /* the slash before the last name */
    }
    if (rc)
        goto done;
    if (!found || n == len) /* here, made on the first append when there is none */
        path = strdup(TRAIL_DIR "/" TRAIL_FILE);
    else
        path = n ? mc_path_join(dir, TRAIL_DIR "/" TRAIL_FILE) : strdup("/" TRAIL_DIR "/" TRAIL_FILE);
done:
    free(dir);
    if (rc == MC_OK && !path)
        rc = mc_error_nomem();
    if (rc == MC_OK)
        *out = path;
    return rc;
}

/* The absolute form of a directory that may not exist yet: its nearest
 * existing ancestor resolved (realpath), the missing names appended. */
static int absolute_dir(char **out, const char *dir)
{
    char *real = realpath(dir, NULL), *parent = NULL, *up = NULL, *joined = NULL;
    int rc = MC_OK;
    if (real) {
        *out = real;
        return MC_OK;
    }
    if (errno == ENOMEM)
        return mc_error_nomem();
    if (errno != ENOENT || strcmp(dir, "/") == 0 || strcmp(dir, ".") == 0)
        return mc_error_set(MC_EIO, "cannot resolve the directory %s: %s", dir, strerror(errno));
    const char *slash = strrchr(dir, '/'), *name = slash ? slash + 1 : dir;
    if (!(parent = mc_path_dirname(dir))) {
        rc = mc_error_nomem();
        goto cleanup;
    }
    if (!*name || strcmp(name, ".") == 0 || strcmp(name, "..") == 0) {
        rc = mc_error_set(MC_EIO, "cannot resolve the directory %s: %s", dir, strerror(ENOENT));
        goto cleanup;
    }
    if ((rc = absolute_dir(&up, parent)))
        goto cleanup;
    if (!(joined = strcmp(up, "/") == 0 ? mc_path_join("", name) : mc_path_join(up, name))) {
        rc = mc_error_nomem();
        goto cleanup;
    }
    *out = joined;
cleanup:
    free(parent);
    free(up);
    return rc;
}

int mc_audit_path_absolute(char **out, const char *path)
{
    const char *slash = strrchr(path, '/'), *name = slash ? slash + 1 : path;
    char *dir = mc_path_dirname(path), *abs = NULL, *joined = NULL;
    int rc = dir ? absolute_dir(&abs, dir) : mc_error_nomem();
    if (rc)
        goto cleanup;
    if (!(joined = mc_path_join(strcmp(abs, "/") == 0 ? "" : abs, name))) {
        rc = mc_error_nomem();
        goto cleanup;
    }
    *out = joined;
cleanup:
    free(dir);
    free(abs);
    return rc;
}

int mc_audit_command_line(char **out, int argc, char *const *argv)
{
    mc_buf b = {0};
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (i)
            mc_buf_put(&b, " ", 1);
        if (*a && !strpbrk(a, " \t\n'\"\\$`*?[]{}()<>|&;#~")) {
            mc_buf_puts(&b, a);
            continue;
        }
        mc_buf_put(&b, "'", 1);
        for (; *a; a++)
            *a == '\'' ? mc_buf_puts(&b, "'\\''") : mc_buf_put(&b, a, 1);
        mc_buf_put(&b, "'", 1);
    }
    return mc_buf_take(&b, out, NULL);
}

/* A new event must not extend a broken chain without a word: its link would
 * vouch for tampered history. MODELCERT_AUDIT_ALLOW_BROKEN=1 appends anyway
 * (docs/audit.md), for a trail kept for forensics. */
static int check_intact(mc_audit *a)
{
    mc_audit_verify_result r;
    const char *allow = getenv("MODELCERT_AUDIT_ALLOW_BROKEN");
    int rc = mc_audit_verify(a, &r, NULL);
    if (rc || !r.broken || (allow && strcmp(allow, "1") == 0))
        return rc;
    return mc_error_set(MC_EINPUT, "%s is broken at event %lld (%s); refusing to append to it. "
                        "Restore it from a copy, or set MODELCERT_AUDIT_ALLOW_BROKEN=1 to append "
                        "anyway", a->path, r.first_bad, r.reason);
}

int mc_audit_check_appendable(const char *path)
{
    mc_audit *a = NULL;
    int rc = mc_file_exists(path) ? mc_audit_open_readonly(&a, path) : MC_OK;
    if (rc == MC_OK && a)
        rc = check_intact(a);
    mc_audit_close(a);
    if (rc) {
        char why[1200];
        mc_error_format(mc_error_last(), why, sizeof why);
        rc = mc_error_set(rc, "the audit trail cannot be appended to: %s", why);
    }
    return rc;
}

int mc_audit_record(long long *id, const char *path, const mc_audit_event *ev,
                    const json_t *details)
{
    mc_audit *a = NULL;
    char *text = NULL;
    mc_audit_event e = *ev;
    int rc = details ? mc_json_canonical(&text, NULL, details) : MC_OK;
    if (rc == MC_OK) {
        e.details = text;
        rc = mc_audit_open(&a, path);
    }
    if (rc == MC_OK)
        rc = check_intact(a);
    if (rc == MC_OK)
        rc = mc_audit_append(a, &e);
    if (rc) {
        char why[1200];
        mc_error_format(mc_error_last(), why, sizeof why);
        rc = mc_error_set(rc, "the audit trail could not be written: %s", why);
        goto cleanup;
    }
    *id = e.id;
cleanup:
    mc_audit_close(a);
    free(text);
    return rc;
}

/* Opens the database at path (NULL: the default one) read-only. */
static int open_readonly(mc_audit **out, const char *path)
{
    char *def = NULL;
    int rc = path ? MC_OK : mc_audit_path(&def, NULL);
    if (rc == MC_OK)
        rc = mc_audit_open_readonly(out, path ? path : def);
    free(def);
    return rc;
}

int mc_audit_verify_file(mc_audit_verify_result *res, const char *path, const char *expect_head)
{
    mc_audit *a = NULL;
    int rc = open_readonly(&a, path);
    if (rc == MC_OK)
        rc = mc_audit_verify(a, res, expect_head);
    mc_audit_close(a);
    return rc;
}

struct mc_audit_events {
    json_t *list;
};

int mc_audit_list(mc_audit_events **out, const char *path, const mc_audit_filter *f)
{
    mc_audit *a = NULL;
    mc_audit_events *e = calloc(1, sizeof *e);
    int rc = e ? open_readonly(&a, path) : mc_error_nomem();
    if (rc == MC_OK)
        rc = mc_audit_query(a, f, &e->list);
    if (rc == MC_OK && f->id && json_array_size(e->list) == 0)
        rc = mc_error_set(MC_ENOTFOUND, "no audit event %lld", f->id);
    if (rc) {
        mc_audit_events_free(e);
        goto cleanup;
    }
    *out = e;
cleanup:
    mc_audit_close(a);
    return rc;
}

size_t mc_audit_events_count(const mc_audit_events *e)
{
    return json_array_size(e->list);
}

const json_t *mc_audit_events_json(const mc_audit_events *e)
{
    return e->list;
}

void mc_audit_events_free(mc_audit_events *e)
{
    if (!e)
        return;
    json_decref(e->list);
    free(e);
}
