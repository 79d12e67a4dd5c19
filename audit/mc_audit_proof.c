/* Inclusion proofs of audit events against a signed v2 checkpoint (mc_audit_proof.h,
 * docs/audit.md "Proofs"). Proving is one verification pass over one snapshot of the trail,
 * from event 1 to the checkpoint's event (mc_audit_verify_observed): each verified event's
 * hash is a leaf of signing/'s streaming Merkle prover, which marks the selected events and
 * has their audit paths when the pass ends, in O(log n) memory each. Verifying a proof reads
 * nothing but the file and the key: every member is hostile input, typed and ranged; a file
 * that is not a proof is an error (exit 2), a proof that does not hold is a result (exit 1,
 * with the reason). */
#include "mc_audit_proof.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_audit_store.h"
#include "mc_dsse.h"
#include "mc_error.h"
#include "mc_file.h"
#include "mc_json.h"
#include "mc_utf8.h"

/* A result that does not hold: the reason, and MC_OK. */
static int fail(mc_proof_result *r, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
static int fail(mc_proof_result *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->reason, sizeof r->reason, fmt, ap);
    va_end(ap);
    r->ok = 0;
    return MC_OK;
}

/* The object of canonical details text, when it is one whose canonical form is exactly the
 * text (as an append stores it); NULL otherwise (*rc MC_ENOMEM when memory ran out). */
static json_t *details_object(const char *text, int *rc)
{
    json_t *j = json_loads(text, JSON_REJECT_DUPLICATES, NULL);
    char *again = NULL;
    *rc = MC_OK;
    if (json_is_object(j) && (*rc = mc_json_canonical(&again, NULL, j)) == MC_OK &&
        strcmp(again, text) == 0) {
        free(again);
        return j;
    }
    free(again);
    json_decref(j);
    return NULL;
}

/* Whether the details name run_id at their top level. */
static int of_run(const json_t *details, const char *run_id)
{
    const char *id = json_string_value(json_object_get(details, "run_id"));
    return id && strcmp(id, run_id) == 0;
}

/* src into dst (size bytes), cut if need be before a whole UTF-8 character. */
static void copy_text(char *dst, size_t size, const char *src)
{
    size_t n = src ? strlen(src) : 0, k;
    if (n >= size) {
        n = k = size - 1;
        while (k > 0 && ((unsigned char)src[k] & 0xC0) == 0x80)
            k--;
        if (((unsigned char)src[n] & 0xC0) == 0x80) /* the character at k would be cut */
            n = k;
    }
    memcpy(dst, src ? src : "", n);
    dst[n] = '\0';
}

static void summarize(mc_proof_result *r, long long id, const char *kind, const char *verdict,
                      const char *time)
{
    mc_proof_event *e = &r->events[r->n_events++];
    e->id = id;
    copy_text(e->kind, sizeof e->kind, kind);
    copy_text(e->verdict, sizeof e->verdict, verdict);
    copy_text(e->time, sizeof e->time, time);
}

/* ---- audit prove ----------------------------------------------------------------------- */

typedef struct prove_state {
    const mc_proof_options *o;
    mc_proof_result *r;
    mc_merkle_prover *prover;
    long long size;
    json_t *proofs;        /* {event, leaf_index} of each marked event; path added at the end */
    char needle[MC_PROOF_RUN_ID_MAX + 16];
} prove_state;

/* A text member of an event in a proof: its bytes as a JSON string (NULL: null). */
static int text_json(json_t *o, const char *key, const char *text, long long id)
{
    size_t bad = 0;
    if (text && !mc_utf8_valid(text, strlen(text), &bad))
        return mc_error_set(MC_EINPUT, "event %lld's %s is not UTF-8 text (byte %zu): it cannot "
                            "be written in a JSON proof", id, key, bad);
    return mc_json_set(o, key, text ? json_string(text) : json_null());
}

/* The event as the trail stores it (details as their canonical text): what its hash covers. */
static int event_json(json_t **out, const mc_audit_event *ev)
{
    const char *keys[] = {"actor", "command", "data_digest", "details", "hash", "host", "kind",
                          "model_digest", "prev_hash", "spec_digest", "time", "tool_version",
                          "verdict"};
    const char *vals[] = {ev->actor, ev->command, ev->data_digest,
                          ev->details ? ev->details : "{}", ev->hash, ev->host, ev->kind,
                          ev->model_digest, ev->prev_hash, ev->spec_digest, ev->time,
                          ev->tool_version, ev->verdict};
    json_t *o = json_object();
    int rc = o ? mc_json_set(o, "id", json_integer(ev->id)) : mc_error_nomem();
    for (size_t i = 0; rc == MC_OK && i < sizeof keys / sizeof keys[0]; i++)
        rc = text_json(o, keys[i], vals[i], ev->id);
    if (rc) {
        json_decref(o);
        return rc;
    }
    *out = o;
    return MC_OK;
}

/* Whether the prover marks this event: of the run, and of --event, --verb when given. */
static int selected(prove_state *s, const mc_audit_event *ev, int *yes)
{
    const char *details = ev->details ? ev->details : "{}";
    int rc = MC_OK;
    *yes = 0;
    if ((s->o->event > 0 && ev->id != s->o->event) ||
        (s->o->kind && (!ev->kind || strcmp(ev->kind, s->o->kind) != 0)) ||
        !strstr(details, s->needle)) /* canonical text: a cheap test before parsing */
        return MC_OK;
    json_t *d = details_object(details, &rc);
    *yes = d && of_run(d, s->o->run_id);
    json_decref(d);
    return rc;
}

static int prove_row(void *ctx, const mc_audit_event *ev)
{
    prove_state *s = ctx;
    unsigned char raw[MC_MERKLE_HASH_LEN], leaf[MC_MERKLE_HASH_LEN];
    json_t *p = NULL, *e = NULL;
    int mark = 0, rc;
    if (ev->id > s->size)
        return MC_AUDIT_STOP;
    if (!mc_merkle_hash_from_hex(raw, ev->hash))
        return mc_error_set(MC_EINTERNAL, "event %lld's hash is not hex", ev->id);
    if ((rc = mc_merkle_leaf_hash(leaf, raw, sizeof raw)) || (rc = selected(s, ev, &mark)))
        return rc;
    if (mark && s->r->n_events == MC_PROOF_EVENTS_MAX)
        return mc_error_set(MC_EINPUT, "run %s has more than %d events at or before the "
                            "checkpoint's: choose them with --event or --verb", s->o->run_id,
                            MC_PROOF_EVENTS_MAX);
    if ((rc = mc_merkle_prover_add(s->prover, leaf, mark)))
        return rc;
    if (mark) {
        if (!(p = json_object()))
            return mc_error_nomem();
        if ((rc = event_json(&e, ev)) || (rc = mc_json_set(p, "event", e)) ||
            (rc = mc_json_set(p, "leaf_index", json_integer(ev->id - 1))) ||
            (rc = mc_json_append(s->proofs, p))) {
            json_decref(p);
            return rc;
        }
        summarize(s->r, ev->id, ev->kind, ev->verdict, ev->time);
    }
    return ev->id == s->size ? MC_AUDIT_STOP : MC_OK;
}

/* The checkpoint file, read and parsed: *env its envelope, r->cp its payload (unverified). */
static int read_checkpoint(json_t **env, mc_proof_result *r, const char *file)
{
    char *text = NULL;
    size_t len = 0;
    int rc = mc_file_read_text(&text, &len, file, MC_CHECKPOINT_FILE_MAX);
    if (rc == MC_ENOTFOUND)
        rc = mc_error_set(MC_ENOTFOUND, "no checkpoint file %s", file);
    if (rc == MC_OK && (rc = mc_dsse_json_read(env, text, len)) == MC_OK &&
        (rc = mc_audit_checkpoint_read_unverified(&r->cp, *env)) == MC_OK && r->cp.version < 2)
        rc = mc_error_set(MC_EINPUT, "it is a %s checkpoint, which signs no Merkle root: nothing "
                          "can be proved against it (take a new one with audit checkpoint)",
                          MC_CHECKPOINT_TYPE_V1);
    if (rc == MC_EINPUT) {
        char why[sizeof mc_error_last()->message];
        snprintf(why, sizeof why, "%s", mc_error_last()->message);
        rc = mc_error_set(MC_EINPUT, "checkpoint %s cannot be used: %s", file, why);
    }
    free(text);
    return rc;
}

/* Whether the pass found the checkpoint's tree in the trail: its event with its hash and
 * time, and the root signed (`root`, computed over events 1..N). */
static int judge(mc_proof_result *r, const mc_audit_verify_result *c, const mc_audit_anchor *at,
                 const char *root, const char *trail)
{
    long long id = r->cp.head.id;
    if (!at->found && c->broken)
        return fail(r, "%s was altered at or before the checkpoint's event %lld: BROKEN at event "
                    "%lld: %s", trail, id, c->first_bad, c->reason);
    if (!at->found)
        return fail(r, "%s ends at event %lld, before the checkpoint's event %lld: events were "
                    "removed from the end (a truncated tail)", trail, c->events, id);
    if (strcmp(at->event.hash, r->cp.head.hash) != 0 || strcmp(at->event.time, r->cp.head.time))
        return fail(r, "%s was rewritten at or before event %lld: that event now hashes to "
                    "%.16s..., but the checkpoint signed %.16s...", trail, id, at->event.hash,
                    r->cp.head.hash);
    if (strcmp(root, r->cp.root_hash) != 0)
        return fail(r, "%s was rewritten at or before event %lld: the Merkle root over events 1 "
                    "to %lld is %.16s..., but the checkpoint signed %.16s...", trail, id, id, root,
                    r->cp.root_hash);
    r->ok = 1;
    return MC_OK;
}

/* The proof document: the envelope, the events with their paths, the run, the size. */
static int write_proof(prove_state *s, json_t *env, const char *dest)
{
    json_t *doc = json_object(), *path;
    char *text = NULL, hex[MC_SHA256_HEX_LEN + 1];
    size_t len = 0;
    int rc = doc ? MC_OK : mc_error_nomem();
    for (size_t i = 0; rc == MC_OK && i < s->r->n_events; i++) {
        const unsigned char (*hashes)[MC_MERKLE_HASH_LEN] = NULL;
        uint64_t index = 0;
        size_t n = 0;
        if ((rc = mc_merkle_prover_path(s->prover, i, &index, &hashes, &n)) ||
            (rc = mc_json_set(json_array_get(s->proofs, i), "path", path = json_array())))
            break;
        for (size_t k = 0; rc == MC_OK && k < n; k++) {
            mc_merkle_hash_to_hex(hex, hashes[k]);
            rc = mc_json_append(path, json_string(hex));
        }
        s->r->path_hashes += n;
    }
    rc = rc ? rc : mc_json_set(doc, "checkpoint", json_incref(env));
    rc = rc ? rc : mc_json_set(doc, "proofs", json_incref(s->proofs));
    rc = rc ? rc : mc_json_set(doc, "run_id", json_string(s->o->run_id));
    rc = rc ? rc : mc_json_set(doc, "tree_size", json_integer(s->size));
    rc = rc ? rc : mc_json_set(doc, "type", json_string(MC_PROOF_TYPE));
    rc = rc ? rc : mc_json_canonical(&text, &len, doc);
    if (rc == MC_OK) {
        char *line = realloc(text, len + 2);
        rc = line ? MC_OK : mc_error_nomem();
        if (line) {
            text = line;
            memcpy(text + len, "\n", 2);
            rc = mc_file_write_atomic(dest, text, len + 1);
        }
    }
    json_decref(doc);
    free(text);
    return rc;
}

/* A run id as given: 1 to MC_PROOF_RUN_ID_MAX printable ASCII bytes, no quote or backslash
 * (it is looked for in canonical JSON text as it is). */
static int check_run_id(const char *id)
{
    size_t n = strlen(id);
    int ok = n >= 1 && n <= MC_PROOF_RUN_ID_MAX;
    for (size_t i = 0; ok && i < n; i++)
        ok = id[i] > 0x20 && id[i] < 0x7f && id[i] != '"' && id[i] != '\\';
    return ok ? MC_OK : mc_error_set(MC_EINPUT, "a run id is 1 to %d printable ASCII characters "
                                     "without quotes or backslashes (run.json's run_id)",
                                     MC_PROOF_RUN_ID_MAX);
}

int mc_audit_prove(mc_proof_result *r, const mc_proof_options *o)
{
    char *path = NULL, root[MC_SHA256_HEX_LEN + 1];
    const char *dest = o->output ? o->output : "-";
    unsigned char raw_root[MC_MERKLE_HASH_LEN];
    json_t *env = NULL;
    mc_audit *a = NULL;
    mc_audit_verify_result chain;
    prove_state s = {.o = o, .r = r};
    memset(r, 0, sizeof *r);
    int rc = check_run_id(o->run_id);
    if (rc || (rc = mc_audit_path(&path, o->audit_path)) ||
        (strcmp(dest, "-") != 0 && (rc = mc_file_check_output(dest))) ||
        (rc = read_checkpoint(&env, r, o->checkpoint)))
        goto cleanup;
    snprintf(r->run_id, sizeof r->run_id, "%s", o->run_id);
    snprintf(s.needle, sizeof s.needle, "\"run_id\":\"%s\"", o->run_id);
    s.size = r->cp.tree_size;
    if (o->event > s.size) {
        rc = mc_error_set(MC_EINPUT, "event %lld is after the checkpoint's event %lld: it is not "
                          "in the tree the checkpoint signed", o->event, s.size);
        goto cleanup;
    }
    mc_audit_anchor at = {.id = s.size};
    if ((rc = mc_merkle_prover_new(&s.prover, (uint64_t)s.size)))
        goto cleanup;
    if (!(s.proofs = json_array())) {
        rc = mc_error_nomem();
        goto cleanup;
    }
    if ((rc = mc_audit_open_readonly(&a, path)) ||
        (rc = mc_audit_verify_observed(a, &chain, NULL, &at, prove_row, &s)))
        goto cleanup;
    /* a tree left incomplete (the trail broke or ends before the checkpoint) has no root */
    root[0] = '\0';
    if (at.found && (rc = mc_merkle_prover_finish(s.prover, raw_root, NULL)))
        goto cleanup;
    if (at.found)
        mc_merkle_hash_to_hex(root, raw_root);
    if ((rc = judge(r, &chain, &at, root, mc_audit_location(a))) || !r->ok)
        goto cleanup;
    if (r->n_events == 0) {
        rc = o->event > 0 ? mc_error_set(MC_ENOTFOUND, "event %lld is not an event of run %s%s%s",
                                         o->event, o->run_id, o->kind ? " of kind " : "",
                                         o->kind ? o->kind : "")
                          : mc_error_set(MC_ENOTFOUND, "%s holds no event of run %s%s%s at or "
                                         "before the checkpoint's event %lld",
                                         mc_audit_location(a), o->run_id,
                                         o->kind ? " of kind " : "", o->kind ? o->kind : "",
                                         s.size);
        goto cleanup;
    }
    rc = write_proof(&s, env, dest);
cleanup:
    if (rc)
        r->ok = 0;
    mc_merkle_prover_free(s.prover);
    json_decref(s.proofs);
    json_decref(env);
    mc_audit_close(a);
    free(path);
    return rc;
}

/* ---- audit verify-proof ----------------------------------------------------------------- */

static const char *const event_keys[] = {"actor", "command", "data_digest", "details", "hash",
                                         "host", "id", "kind", "model_digest", "prev_hash",
                                         "spec_digest", "time", "tool_version", "verdict"};
#define N_EVENT_KEYS (sizeof event_keys / sizeof event_keys[0])

/* A string without NUL bytes, of at most max bytes. */
static int is_text(const json_t *v, size_t max)
{
    return json_is_string(v) && json_string_length(v) <= max &&
           strlen(json_string_value(v)) == json_string_length(v);
}

static int is_hash(const json_t *v)
{
    unsigned char raw[MC_MERKLE_HASH_LEN];
    return is_text(v, MC_SHA256_HEX_LEN) && mc_merkle_hash_from_hex(raw, json_string_value(v));
}

/* What is wrong with one event's member, or NULL. */
static const char *event_member_problem(const char *key, const json_t *v)
{
    if (!strcmp(key, "id"))
        return json_is_integer(v) && json_integer_value(v) >= 1 ? NULL : "an integer from 1";
    if (!strcmp(key, "hash") || !strcmp(key, "prev_hash"))
        return is_hash(v) ? NULL : "64 lowercase hex digits";
    if (!strcmp(key, "time"))
        return is_text(v, 31) ? NULL : "a string of at most 31 bytes";
    if (strstr(key, "_digest"))
        return json_is_null(v) || is_text(v, MC_AUDIT_MAX_TEXT) ? NULL : "a string or null";
    return is_text(v, MC_AUDIT_MAX_TEXT) ? NULL : "a string without NUL bytes";
}

/* The shape of a proof document, every member typed and ranged. MC_EINPUT naming the first
 * member that is not as it must be. */
static int check_shape(const json_t *doc, const char *file)
{
    const json_t *proofs = json_object_get(doc, "proofs"), *p, *v;
    const json_t *size = json_object_get(doc, "tree_size");
    const char *type = json_string_value(json_object_get(doc, "type"));
    size_t i, k;
    if (!json_is_object(doc) || !type || strcmp(type, MC_PROOF_TYPE) != 0)
        return mc_error_set(MC_EINPUT, "proof %s is malformed: it is not a %s object", file,
                            MC_PROOF_TYPE);
    if (json_object_size(doc) != 5 || !json_is_object(json_object_get(doc, "checkpoint")))
        return mc_error_set(MC_EINPUT, "proof %s is malformed: it must have exactly checkpoint "
                            "(an object), proofs, run_id, tree_size and type", file);
    if (!is_text(json_object_get(doc, "run_id"), MC_PROOF_RUN_ID_MAX) ||
        !json_string_length(json_object_get(doc, "run_id")))
        return mc_error_set(MC_EINPUT, "proof %s is malformed: run_id is not a string of 1 to %d "
                            "bytes", file, MC_PROOF_RUN_ID_MAX);
    if (!json_is_integer(size) || json_integer_value(size) < 1)
        return mc_error_set(MC_EINPUT, "proof %s is malformed: tree_size is not an integer from "
                            "1", file);
    if (!json_is_array(proofs) || json_array_size(proofs) < 1 ||
        json_array_size(proofs) > MC_PROOF_EVENTS_MAX)
        return mc_error_set(MC_EINPUT, "proof %s is malformed: proofs is not an array of 1 to %d "
                            "events", file, MC_PROOF_EVENTS_MAX);
    json_array_foreach(proofs, i, p)
    {
        const json_t *e = json_object_get(p, "event"), *path = json_object_get(p, "path");
        const json_t *index = json_object_get(p, "leaf_index");
        if (!json_is_object(p) || json_object_size(p) != 3 || !json_is_object(e) ||
            !json_is_integer(index) || json_integer_value(index) < 0 || !json_is_array(path) ||
            json_array_size(path) > MC_MERKLE_MAX_PATH)
            return mc_error_set(MC_EINPUT, "proof %s is malformed: proofs[%zu] must have exactly "
                                "event (an object), leaf_index (an integer from 0) and path (an "
                                "array of at most %d hashes)", file, i, MC_MERKLE_MAX_PATH);
        json_array_foreach(path, k, v)
        {
            if (!is_hash(v))
                return mc_error_set(MC_EINPUT, "proof %s is malformed: proofs[%zu].path[%zu] is "
                                    "not 64 lowercase hex digits", file, i, k);
        }
        if (json_object_size(e) != N_EVENT_KEYS)
            return mc_error_set(MC_EINPUT, "proof %s is malformed: proofs[%zu].event has %zu "
                                "members, not the %zu of an audit event", file, i,
                                json_object_size(e), N_EVENT_KEYS);
        for (k = 0; k < N_EVENT_KEYS; k++) {
            const char *why = event_member_problem(event_keys[k],
                                                   json_object_get(e, event_keys[k]));
            if (why)
                return mc_error_set(MC_EINPUT, "proof %s is malformed: proofs[%zu].event.%s is "
                                    "not %s", file, i, event_keys[k], why);
        }
    }
    return MC_OK;
}

static const char *member(const json_t *e, const char *key)
{
    return json_string_value(json_object_get(e, key)); /* NULL for null */
}

/* One proved event: its index, run, hash recomputed from its fields, path to the root. */
static int check_event(mc_proof_result *r, const json_t *p, const char *run_id)
{
    const json_t *e = json_object_get(p, "event"), *path = json_object_get(p, "path");
    long long id = json_integer_value(json_object_get(e, "id"));
    long long index = json_integer_value(json_object_get(p, "leaf_index"));
    long long size = r->cp.tree_size;
    unsigned char leaf[MC_MERKLE_HASH_LEN], raw[MC_MERKLE_HASH_LEN], root[MC_MERKLE_HASH_LEN];
    unsigned char hashes[MC_MERKLE_MAX_PATH][MC_MERKLE_HASH_LEN];
    char hex[MC_SHA256_HEX_LEN + 1], *text = NULL;
    size_t len = 0, n = json_array_size(path), need;
    int rc = MC_OK;
    if (id > size)
        return fail(r, "event %lld is not in the tree of %lld events the checkpoint signed", id,
                    size);
    if (index != id - 1)
        return fail(r, "wrong index: event %lld is leaf %lld of the tree, but the proof says leaf "
                    "%lld", id, id - 1, index);
    json_t *details = details_object(member(e, "details"), &rc);
    int canonical = details != NULL, run_ok = details && of_run(details, run_id);
    json_decref(details);
    if (rc)
        return rc;
    if (!canonical)
        return fail(r, "event %lld was altered: its details are not the canonical JSON object an "
                    "append stores", id);
    if (!run_ok)
        return fail(r, "event %lld is not an event of run %s", id, run_id);
    mc_audit_event ev = {.id = id, .actor = member(e, "actor"), .host = member(e, "host"),
                         .tool_version = member(e, "tool_version"),
                         .command = member(e, "command"), .kind = member(e, "kind"),
                         .spec_digest = member(e, "spec_digest"),
                         .data_digest = member(e, "data_digest"),
                         .model_digest = member(e, "model_digest"),
                         .verdict = member(e, "verdict"), .details = member(e, "details")};
    snprintf(ev.time, sizeof ev.time, "%s", member(e, "time"));
    snprintf(ev.prev_hash, sizeof ev.prev_hash, "%s", member(e, "prev_hash"));
    if ((rc = mc_audit_event_canonical(&text, &len, &ev)) == MC_OK)
        rc = mc_sha256_hex(hex, text, len);
    free(text);
    if (rc)
        return rc;
    if (strcmp(hex, member(e, "hash")) != 0)
        return fail(r, "event %lld was altered: its fields hash to %.16s..., but it records "
                    "%.16s...", id, hex, member(e, "hash"));
    if (!mc_merkle_hash_from_hex(raw, hex) || (rc = mc_merkle_leaf_hash(leaf, raw, sizeof raw)))
        return rc ? rc : mc_error_set(MC_EINTERNAL, "a SHA-256 hex digest did not decode");
    if ((need = mc_merkle_path_len((uint64_t)index, (uint64_t)size)) != n)
        return fail(r, "the path of event %lld has %zu hashes, but leaf %lld of a tree of %lld "
                    "needs %zu: it was truncated or extended", id, n, index, size, need);
    for (size_t k = 0; k < n; k++)
        mc_merkle_hash_from_hex(hashes[k], json_string_value(json_array_get(path, k)));
    mc_merkle_hash_from_hex(root, r->cp.root_hash);
    if (!mc_merkle_inclusion_ok(leaf, (uint64_t)index, (uint64_t)size,
                                (const unsigned char (*)[MC_MERKLE_HASH_LEN])hashes, n, root))
        return fail(r, "the path of event %lld does not lead to the checkpoint's root %.16s...: a "
                    "hash of its path was altered", id, r->cp.root_hash);
    summarize(r, id, ev.kind, ev.verdict, ev.time);
    r->path_hashes += n;
    return MC_OK;
}

int mc_audit_proof_verify(mc_proof_result *r, const char *file, const mc_key *key)
{
    char *text = NULL, label[64 + 1024];
    size_t len = 0, i;
    json_t *doc = NULL;
    const json_t *p;
    mc_checkpoint_verify_result *cv = calloc(1, sizeof *cv);
    memset(r, 0, sizeof *r);
    int rc = cv ? mc_file_read_text(&text, &len, file, MC_PROOF_FILE_MAX) : mc_error_nomem();
    if (rc == MC_ENOTFOUND)
        rc = mc_error_set(MC_ENOTFOUND, "no proof file %s", file);
    if (rc == MC_OK && (rc = mc_dsse_json_read(&doc, text, len)) == MC_EINPUT) {
        char why[sizeof mc_error_last()->message];
        snprintf(why, sizeof why, "%s", mc_error_last()->message);
        rc = mc_error_set(MC_EINPUT, "proof %s is not JSON (%s)", file, why);
    }
    snprintf(label, sizeof label, "in %s", file);
    if (rc || (rc = check_shape(doc, file)) ||
        (rc = mc_audit_checkpoint_check(cv, json_object_get(doc, "checkpoint"), key, label)))
        goto cleanup;
    if (!cv->signature_ok) {
        rc = fail(r, "%s", cv->reason);
        goto cleanup;
    }
    r->signature_ok = 1;
    r->cp = cv->cp;
    snprintf(r->run_id, sizeof r->run_id, "%s", member(doc, "run_id"));
    if (r->cp.version != 2) {
        rc = fail(r, "the checkpoint in %s is a %s checkpoint: it signs no Merkle root, so no "
                  "event can be proved against it", file, MC_CHECKPOINT_TYPE_V1);
        goto cleanup;
    }
    if (json_integer_value(json_object_get(doc, "tree_size")) != r->cp.tree_size) {
        rc = fail(r, "size mismatch: the proof is for a tree of %lld events, but the checkpoint "
                  "signed a tree of %lld", (long long)json_integer_value(json_object_get(doc,
                  "tree_size")), r->cp.tree_size);
        goto cleanup;
    }
    json_array_foreach(json_object_get(doc, "proofs"), i, p)
    {
        if ((rc = check_event(r, p, r->run_id)) || r->reason[0])
            goto cleanup;
    }
    r->ok = 1;
cleanup:
    if (rc)
        r->ok = 0;
    free(cv);
    free(text);
    json_decref(doc);
    return rc;
}
