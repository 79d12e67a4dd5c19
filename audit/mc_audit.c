/* The audit trail's chain logic (mc_audit.h), the same on every store
 * (mc_audit_store.h): opening a trail, the canonical encoding (RFC 8785) of
 * an event and its details, linking and hashing new events under the store's
 * write lock, verifying the chain link by link (a broken link is a result),
 * and querying events as JSON. */
#include "mc_audit.h"

#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mc_audit_store.h"
#include "mc_clock.h"
#include "mc_env.h"
#include "mc_error.h"
#include "mc_json.h"

struct mc_audit {
    const mc_audit_store_ops *ops;
    mc_audit_store *store;
    char *shown;
};

const mc_audit_store_ops *mc_audit_store_for(const char *location)
{
    return mc_audit_is_uri(location) ? &mc_audit_store_postgresql : &mc_audit_store_sqlite;
}

int mc_audit_store_bad_row(const char *shown, long long id, const char *column, const char *why)
{
    return mc_error_set(MC_EINPUT, "audit trail %s: event %lld: column %s %s", shown, id, column, why);
}

static int open_trail(mc_audit **out, const char *path, int readonly)
{
    mc_audit *a = calloc(1, sizeof *a);
    int rc = a ? mc_audit_location_redact(&a->shown, path) : mc_error_nomem();
    if (rc == MC_OK) {
        a->ops = mc_audit_store_for(path);
        rc = a->ops->open(&a->store, path, a->shown, readonly);
    }
    if (rc) {
        mc_audit_close(a);
        return rc;
    }
    *out = a;
    return MC_OK;
}

int mc_audit_open(mc_audit **out, const char *path)
{
    return open_trail(out, path, 0);
}

int mc_audit_open_readonly(mc_audit **out, const char *path)
{
    return open_trail(out, path, 1);
}

void mc_audit_close(mc_audit *a)
{
    if (!a)
        return;
    if (a->store)
        a->ops->close(a->store);
    free(a->shown);
    free(a);
}

const char *mc_audit_location(const mc_audit *a)
{
    return a->shown;
}

int mc_audit_head_read(mc_audit *a, mc_audit_head *out)
{
    return a->ops->head(a->store, out);
}

/* The actor: GITHUB_ACTOR, GITLAB_USER_LOGIN or BUILD_USER from the CI
 * environment, else the OS user. */
static void mc_audit_actor(char *buf, size_t size)
{
    static const mc_env_var vars[] = {MC_ENV_GITHUB_ACTOR, MC_ENV_GITLAB_USER_LOGIN,
                                      MC_ENV_BUILD_USER};
    for (size_t i = 0; i < 3; i++) {
        const char *v = mc_env_get(vars[i]);
        if (v && *v) {
            snprintf(buf, size, "%s", v);
            return;
        }
    }
    struct passwd *pw = getpwuid(geteuid());
    const char *user = pw && pw->pw_name ? pw->pw_name : mc_env_get(MC_ENV_USER);
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

/* ---- appending: the chain logic, the same on every store ------------------------ */

/* The ids after a head read from the store (which anyone who can write the file may have
 * set): n more must fit below LLONG_MAX, else MC_EINPUT, never an overflow. */
static int check_room(const mc_audit_head *head, size_t n)
{
    if (head->id < 0 || (unsigned long long)(LLONG_MAX - head->id) < n)
        return mc_error_set(MC_EINPUT, "the audit trail's head has id %lld: no event can "
                            "follow it (modelcert numbers events from 1; the trail was altered)",
                            head->id);
    return MC_OK;
}

/* Links evs after the head, under the store's write lock: ids, prev_hash,
 * time and hash. */
static int link_new(void *ctx, const mc_audit_head *head, mc_audit_event *evs, size_t n)
{
    (void)ctx;
    int room = check_room(head, n);
    if (room)
        return room;
    long long id = head->id;
    const char *prev = head->hash;
    for (size_t i = 0; i < n; i++) {
        mc_audit_event *ev = &evs[i];
        ev->id = ++id;
        snprintf(ev->prev_hash, sizeof ev->prev_hash, "%s", prev);
        mc_clock_utc(ev->time, 1);
        int rc = hash_event(ev->hash, ev, ev->details);
        if (rc)
            return rc;
        prev = ev->hash;
    }
    return MC_OK;
}

/* Appends evs, linked by `link` under the store's write lock (link_new, or link_at). */
static int append_linked(mc_audit *a, mc_audit_event *evs, size_t n, mc_audit_link_fn link,
                         void *link_ctx)
{
    char actor[256], host[256];
    mc_audit_event *work = n ? calloc(n, sizeof *work) : NULL;
    char **details = n ? calloc(n, sizeof *details) : NULL;
    int rc = !n || (work && details) ? MC_OK : mc_error_nomem();
    int need_actor = 0, need_host = 0;
    for (size_t i = 0; i < n; i++) {
        need_actor |= !evs[i].actor;
        need_host |= !evs[i].host;
    }
    if (need_actor)
        mc_audit_actor(actor, sizeof actor);
    if (need_host && gethostname(host, sizeof host - 1) != 0)
        snprintf(host, sizeof host, "unknown");
    host[sizeof host - 1] = '\0';
    /* Details in the canonical form stored and hashed, and the defaults, before
     * the lock: the lock is held only to link and insert. */
    for (size_t i = 0; rc == MC_OK && i < n; i++) {
        work[i] = evs[i];
        if ((rc = prepare_details(&details[i], evs[i].details)))
            break;
        work[i].details = details[i];
        work[i].actor = evs[i].actor ? evs[i].actor : actor;
        work[i].host = evs[i].host ? evs[i].host : host;
        work[i].tool_version = evs[i].tool_version ? evs[i].tool_version : MC_VERSION;
    }
    if (rc == MC_OK && n)
        rc = a->ops->append(a->store, work, n, link, link_ctx);
    for (size_t i = 0; rc == MC_OK && i < n; i++) {
        evs[i].id = work[i].id;
        memcpy(evs[i].time, work[i].time, sizeof evs[i].time);
        memcpy(evs[i].prev_hash, work[i].prev_hash, sizeof evs[i].prev_hash);
        memcpy(evs[i].hash, work[i].hash, sizeof evs[i].hash);
    }
    for (size_t i = 0; details && i < n; i++)
        free(details[i]);
    free(details);
    free(work);
    return rc;
}

int mc_audit_append_batch(mc_audit *a, mc_audit_event *evs, size_t n)
{
    return append_linked(a, evs, n, link_new, NULL);
}

int mc_audit_append(mc_audit *a, mc_audit_event *ev)
{
    return mc_audit_append_batch(a, ev, 1);
}

typedef struct link_at_ctx {
    const mc_audit_head *expect;
    int moved;
} link_at_ctx;

/* link_new, only when the head under the lock is the one expected. */
static int link_at(void *ctx, const mc_audit_head *head, mc_audit_event *evs, size_t n)
{
    link_at_ctx *c = ctx;
    if (head->id != c->expect->id || strcmp(head->hash, c->expect->hash) != 0) {
        c->moved = 1; /* rolled back; the caller verifies what was appended meanwhile */
        return mc_error_set(MC_EINPUT, "the chain's head moved");
    }
    return link_new(NULL, head, evs, n);
}

int mc_audit_append_at(mc_audit *a, mc_audit_event *ev, const mc_audit_head *expect, int *moved)
{
    link_at_ctx c = {.expect = expect};
    int rc = append_linked(a, ev, 1, link_at, &c);
    *moved = c.moved;
    if (c.moved) {
        mc_error_clear();
        return MC_OK;
    }
    return rc;
}

/* Checks that evs link to the head and hash as they record, under the lock. */
static int link_verbatim(void *ctx, const mc_audit_head *head, mc_audit_event *evs, size_t n)
{
    const char *shown = ctx;
    char hex[MC_SHA256_HEX_LEN + 1];
    int room = check_room(head, n);
    if (room)
        return room;
    long long id = head->id;
    const char *prev = head->hash;
    for (size_t i = 0; i < n; i++) {
        const mc_audit_event *ev = &evs[i];
        int rc = hash_event(hex, ev, ev->details ? ev->details : "{}");
        if (rc)
            return rc;
        if (ev->id != id + 1 || strcmp(ev->prev_hash, prev) != 0 || strcmp(hex, ev->hash) != 0)
            return mc_error_set(MC_EINPUT, "event %lld cannot be copied to %s: it does not follow "
                                "event %lld (%.16s...) there, or does not hash to what it records",
                                ev->id, shown, id, prev);
        id = ev->id;
        prev = ev->hash;
    }
    return MC_OK;
}

int mc_audit_scan(mc_audit *a, mc_audit_row_fn fn, void *ctx)
{
    return a->ops->scan(a->store, NULL, fn, ctx);
}

int mc_audit_append_verbatim(mc_audit *a, mc_audit_event *evs, size_t n)
{
    return n ? a->ops->append(a->store, evs, n, link_verbatim, a->shown) : MC_OK;
}

/* ---- verification ------------------------------------------------------------------ */

/* Not an mc_code: a scan callback's way to stop at the first broken link. */
#define STOP_BROKEN 1

typedef struct verify_state {
    mc_audit_verify_result *res;
    long long expect_id;
    char prev[MC_SHA256_HEX_LEN + 1];
    char last_time[32];           /* the last verified event's time */
    mc_audit_anchor *anchor;      /* NULL, or the event to record as it verified */
    int trust_link;               /* 1: take the first row's prev_hash as it is (a verb's check
                                     starts after events it does not read again) */
    mc_audit_verified_fn observe; /* NULL, or called with each event verified */
    void *observe_ctx;
} verify_state;

/* Checks one event: its id, its link, its hash. */
static int verify_row(void *ctx, const mc_audit_event *ev)
{
    verify_state *v = ctx;
    mc_audit_verify_result *res = v->res;
    char hex[MC_SHA256_HEX_LEN + 1];
    res->events++;
    if (ev->id != v->expect_id) {
        res->broken = 1;
        res->first_bad = ev->id;
        snprintf(res->reason, sizeof res->reason,
                 "event %lld comes where event %lld should: an event was deleted, inserted or "
                 "moved",
                 ev->id, v->expect_id);
        return STOP_BROKEN;
    }
    if (v->trust_link) {
        snprintf(v->prev, sizeof v->prev, "%s", ev->prev_hash);
        v->trust_link = 0;
    }
    if (strcmp(ev->prev_hash, v->prev) != 0) {
        res->broken = 1;
        res->first_bad = ev->id;
        snprintf(res->reason, sizeof res->reason,
                 "event %lld does not link to the event before it (prev_hash %.16s..., the "
                 "previous event's hash is %.16s...): an event was deleted, inserted or reordered",
                 ev->id, ev->prev_hash, v->prev);
        return STOP_BROKEN;
    }
    int rc = hash_event(hex, ev, ev->details ? ev->details : "{}");
    if (rc)
        return rc;
    if (strcmp(hex, ev->hash) != 0) {
        json_t *details = NULL;
        int canonical = read_details(&details, ev->details ? ev->details : "{}") == MC_OK;
        json_decref(details);
        res->broken = 1;
        res->first_bad = ev->id;
        if (!canonical)
            snprintf(res->reason, sizeof res->reason,
                     "event %lld was altered: its details are not the canonical JSON object an "
                     "append stores", ev->id);
        else
            snprintf(res->reason, sizeof res->reason,
                     "event %lld was altered: its fields hash to %.16s..., but it records %.16s...",
                     ev->id, hex, ev->hash[0] ? ev->hash : "(null)");
        return STOP_BROKEN;
    }
    snprintf(v->prev, sizeof v->prev, "%s", ev->hash);
    memcpy(v->last_time, ev->time, sizeof v->last_time);
    if (v->anchor && ev->id == v->anchor->id) {
        v->anchor->found = 1;
        memcpy(v->anchor->event.hash, v->prev, sizeof v->prev);
        memcpy(v->anchor->event.time, v->last_time, sizeof v->last_time);
        v->anchor->event.id = ev->id;
    }
    v->expect_id++;
    return v->observe ? v->observe(v->observe_ctx, ev) : MC_OK;
}

int mc_audit_verify(mc_audit *a, mc_audit_verify_result *res, const char *expect_head)
{
    return mc_audit_verify_anchored(a, res, expect_head, NULL, NULL);
}

/* verify_from's `from` for the rows of the store's tail (what a verb verifies). */
#define FROM_TAIL LLONG_MIN

/* The tail's rows: from the one before the head (its link taken as stored), or from the
 * genesis when the head's id is 2 or less (the rows are then the lowest ids), as
 * mc_audit_verify_recent's head and scan_from. */
static int verify_tail(void *ctx, const mc_audit_event *rows, size_t n)
{
    verify_state *v = ctx;
    long long last = n ? rows[n - 1].id : 0, from = last > 2 ? last - 1 : 1;
    v->expect_id = from;
    v->trust_link = from > 1;
    for (size_t i = 0; i < n; i++) {
        int rc = verify_row(v, &rows[i]);
        if (rc)
            return rc;
    }
    return MC_OK;
}

/* Verifies the rows from id `from` on (from < 1: every row, from the first event;
 * FROM_TAIL: the store's tail) as mc_audit_verify_anchored says. */
static int verify_from(mc_audit *a, long long from, mc_audit_verify_result *res,
                       const char *expect_head, mc_audit_head *head, mc_audit_anchor *anchor,
                       mc_audit_verified_fn observe, void *observe_ctx)
{
    verify_state v = {.res = res, .expect_id = from < 1 ? 1 : from, .prev = MC_AUDIT_GENESIS,
                      .anchor = anchor, .trust_link = from > 1, .observe = observe,
                      .observe_ctx = observe_ctx};
    memset(res, 0, sizeof *res);
    if (anchor) {
        anchor->found = 0;
        memset(&anchor->event, 0, sizeof anchor->event);
    }
    snprintf(res->head, sizeof res->head, "%s", MC_AUDIT_GENESIS);
    int rc = from == FROM_TAIL ? a->ops->tail(a->store, verify_tail, &v)
             : from < 1        ? a->ops->scan(a->store, NULL, verify_row, &v)
                               : a->ops->scan_from(a->store, from, verify_row, &v);
    if (rc == STOP_BROKEN || rc == MC_AUDIT_STOP)
        rc = MC_OK;
    if (rc)
        return rc;
    snprintf(res->head, sizeof res->head, "%s", v.prev);
    if (head) {
        head->id = v.expect_id - 1;
        memcpy(head->hash, v.prev, sizeof v.prev);
        memcpy(head->time, v.last_time, sizeof v.last_time);
    }
    if (!res->broken && expect_head && strcmp(expect_head, v.prev) != 0) {
        res->broken = 1;
        res->first_bad = res->events + 1;
        snprintf(res->reason, sizeof res->reason,
                 "the chain ends at %.16s..., not at the expected head %.16s...: events were "
                 "removed from the end or the chain was rewritten",
                 v.prev, expect_head);
    }
    return MC_OK;
}

int mc_audit_verify_anchored(mc_audit *a, mc_audit_verify_result *res, const char *expect_head,
                             mc_audit_head *head, mc_audit_anchor *anchor)
{
    return verify_from(a, 0, res, expect_head, head, anchor, NULL, NULL);
}

int mc_audit_verify_observed(mc_audit *a, mc_audit_verify_result *res, mc_audit_head *head,
                             mc_audit_anchor *anchor, mc_audit_verified_fn fn, void *ctx)
{
    return verify_from(a, 0, res, NULL, head, anchor, fn, ctx);
}

int mc_audit_verify_recent(mc_audit *a, mc_audit_verify_result *res, const mc_audit_head *since,
                           mc_audit_head *head, mc_audit_anchor *anchor)
{
    mc_audit_head stored;
    long long from = since ? since->id : 0;
    if (!since && a->ops->tail) /* the head and the event before it: one statement */
        return verify_from(a, FROM_TAIL, res, NULL, head, anchor, NULL, NULL);
    if (!since) {
        int rc = a->ops->head(a->store, &stored);
        if (rc)
            return rc;
        /* the head and the event it links to; a head id below 2 (forged, read from the
           file) is verified whole, without arithmetic on it */
        from = stored.id >= 2 ? stored.id - 1 : 0;
    }
    /* A trail of one or two events (or a forged id below 1 at the top) is verified whole:
     * there is no earlier event to start after. */
    return verify_from(a, from < 2 ? 0 : from, res, NULL, head, anchor, NULL, NULL);
}

/* ---- queries ----------------------------------------------------------------------- */

/* A column as the events' JSON shows it, into *out: text as its bytes (as the hash
 * covers them), details as the object, NULL as null. MC_ENOMEM. */
static int column_json(json_t **out, const char *text, int is_details)
{
    json_t *details = NULL;
    if (text && is_details) {
        int rc = read_details(&details, text);
        /* An allocation failure (also one that jansson's lexer reports as bad text: see
           mc_artifact.c read_header) is an error, never details shown as a string: a
           reading that fails once but not twice is one. */
        if (rc == MC_EINPUT && (rc = read_details(&details, text)) == MC_OK)
            rc = mc_error_nomem();
        if (rc != MC_EINPUT) {
            if (rc == MC_OK)
                *out = details;
            else
                json_decref(details);
            return rc;
        }
    }
    json_t *j = text ? json_stringn_nocheck(text, strlen(text)) : json_null();
    if (!j)
        return mc_error_nomem();
    *out = j;
    return MC_OK;
}

/* One event as a JSON object, appended to the array ctx. */
static int query_row(void *ctx, const mc_audit_event *ev)
{
    json_t *arr = ctx, *o = json_object(), *v = NULL;
    const char *texts[] = {ev->time, ev->actor, ev->host, ev->tool_version, ev->command,
                           ev->kind, ev->spec_digest, ev->data_digest, ev->model_digest,
                           ev->verdict, ev->details, ev->prev_hash, ev->hash};
    static const char *const names[] = {"time", "actor", "host", "tool_version", "command", "kind",
                                        "spec_digest", "data_digest", "model_digest", "verdict",
                                        "details", "prev_hash", "hash"};
    int rc = o ? mc_json_set(o, "id", json_integer(ev->id)) : mc_error_nomem();
    for (int i = 0; rc == MC_OK && i < 13; i++)
        if ((rc = column_json(&v, texts[i], i == 10)) == MC_OK)
            rc = mc_json_set(o, names[i], v);
    if (rc) {
        json_decref(o);
        return rc;
    }
    return mc_json_append(arr, o);
}

int mc_audit_query(mc_audit *a, const mc_audit_filter *f, json_t **events)
{
    json_t *arr = json_array();
    int rc = arr ? a->ops->scan(a->store, f, query_row, arr) : mc_error_nomem();
    if (rc) {
        json_decref(arr);
        return rc;
    }
    *events = arr;
    return MC_OK;
}
