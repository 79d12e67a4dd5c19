/* Signed checkpoints of the audit trail (mc_audit_checkpoint.h). The chain
 * logic is mc_audit.c's, the same on SQLite and PostgreSQL: a checkpoint
 * signs the head that mc_audit_verify_anchored saw, and is checked in the
 * same single pass. Keys come loaded (verbs/mc_trail.c loads them from their
 * references); nothing here reads a key. */
#include "mc_audit_checkpoint.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_audit_store.h"
#include "mc_clock.h"
#include "mc_dsse.h"
#include "mc_error.h"
#include "mc_file.h"
#include "mc_json.h"
#include "mc_key.h"
#include "mc_utf8.h"

/* ---- the payload ------------------------------------------------------------------ */

/* The canonical JSON (RFC 8785) that is signed: v2's nine members, or v1's seven (no
 * root_hash, no tree_size), in key order. */
static int payload_write(char **out, size_t *len, const mc_checkpoint *cp)
{
    json_t *j = json_object();
    int rc = j ? MC_OK : mc_error_nomem();
    rc = rc ? rc : mc_json_set(j, "head_hash", json_string(cp->head.hash));
    rc = rc ? rc : mc_json_set(j, "head_id", json_integer(cp->head.id));
    rc = rc ? rc : mc_json_set(j, "head_time", json_string(cp->head.time));
    if (cp->version == 2) {
        rc = rc ? rc : mc_json_set(j, "root_hash", json_string(cp->root_hash));
        rc = rc ? rc : mc_json_set(j, "tree_size", json_integer(cp->tree_size));
    }
    rc = rc ? rc : mc_json_set(j, "schema_version", json_integer(cp->schema_version));
    rc = rc ? rc : mc_json_set(j, "signed_at", json_string(cp->signed_at));
    rc = rc ? rc : mc_json_set(j, "trail", json_string(cp->trail));
    rc = rc ? rc : mc_json_set(j, "type", json_string(cp->version == 2 ? MC_CHECKPOINT_TYPE
                                                                       : MC_CHECKPOINT_TYPE_V1));
    rc = rc ? rc : mc_json_canonical(out, len, j);
    json_decref(j);
    return rc;
}

static int is_hex64(const char *s)
{
    if (strlen(s) != MC_SHA256_HEX_LEN)
        return 0;
    for (; *s; s++)
        if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
            return 0;
    return 1;
}

/* Whether j's member `key` is a string of 1 to max bytes without a NUL; if so, it is
 * copied to buf (max + 1 bytes). */
static int text_member(const json_t *j, const char *key, size_t max, char *buf)
{
    const json_t *v = json_object_get(j, key);
    if (!json_is_string(v) || json_string_length(v) == 0 || json_string_length(v) > max ||
        strlen(json_string_value(v)) != json_string_length(v))
        return 0;
    memcpy(buf, json_string_value(v), json_string_length(v) + 1);
    return 1;
}

/* Reads the signed payload into cp. MC_EINPUT saying what is wrong with it (for a
 * verification, a result: the caller takes the message as its reason), MC_ENOMEM. */
static int payload_read(mc_checkpoint *cp, const unsigned char *payload, size_t len)
{
    json_t *j = NULL;
    char *again = NULL, why[sizeof mc_error_last()->message];
    size_t alen = 0;
    int rc = mc_dsse_json_read(&j, (const char *)payload, len);
    if (rc == MC_EINPUT) {
        snprintf(why, sizeof why, "%s", mc_error_last()->message);
        rc = mc_error_set(MC_EINPUT, "its payload is not JSON (%s)", why);
    }
    if (rc)
        goto cleanup;
    const json_t *type = json_object_get(j, "type"), *id = json_object_get(j, "head_id");
    const json_t *sv = json_object_get(j, "schema_version");
    const json_t *size = json_object_get(j, "tree_size");
    const char *t = json_string_value(type);
    cp->version = !t ? 0 : !strcmp(t, MC_CHECKPOINT_TYPE) ? 2 : !strcmp(t, MC_CHECKPOINT_TYPE_V1);
    size_t members = cp->version == 2 ? 9 : 7;
    if (!json_is_object(j) || !cp->version) {
        rc = mc_error_set(MC_EINPUT, "its payload is not a %s or %s object", MC_CHECKPOINT_TYPE,
                          MC_CHECKPOINT_TYPE_V1);
    } else if (json_object_size(j) != members) {
        rc = mc_error_set(MC_EINPUT, "its payload has %zu members, not the %zu of %s",
                          json_object_size(j), members, t);
    } else if (!json_is_integer(id) || json_integer_value(id) < 1) {
        rc = mc_error_set(MC_EINPUT, "head_id is not an event id (an integer from 1)");
    } else if (!text_member(j, "head_hash", MC_SHA256_HEX_LEN, cp->head.hash) ||
               !is_hex64(cp->head.hash)) {
        rc = mc_error_set(MC_EINPUT, "head_hash is not 64 lowercase hex digits");
    } else if (cp->version == 2 && (!json_is_integer(size) ||
                                    json_integer_value(size) != json_integer_value(id))) {
        rc = mc_error_set(MC_EINPUT, "tree_size is not head_id (the tree holds events 1 to "
                          "head_id)");
    } else if (cp->version == 2 && (!text_member(j, "root_hash", MC_SHA256_HEX_LEN,
                                                 cp->root_hash) || !is_hex64(cp->root_hash))) {
        rc = mc_error_set(MC_EINPUT, "root_hash is not 64 lowercase hex digits");
    } else if (!text_member(j, "head_time", sizeof cp->head.time - 1, cp->head.time) ||
               !text_member(j, "signed_at", sizeof cp->signed_at - 1, cp->signed_at)) {
        rc = mc_error_set(MC_EINPUT, "head_time or signed_at is not a time (a string of 1 to "
                          "%zu bytes)", sizeof cp->signed_at - 1);
    } else if (!text_member(j, "trail", MC_CHECKPOINT_LABEL_MAX, cp->trail)) {
        rc = mc_error_set(MC_EINPUT, "trail is not a label (a string of 1 to %d bytes)",
                          MC_CHECKPOINT_LABEL_MAX);
    } else if (!json_is_integer(sv) ||
               json_integer_value(sv) != atoll(MC_AUDIT_SCHEMA_VERSION)) {
        if (json_is_integer(sv))
            rc = mc_error_set(MC_EINPUT, "it checkpoints a trail of schema version %lld; this "
                              "modelcert reads version %s", (long long)json_integer_value(sv),
                              MC_AUDIT_SCHEMA_VERSION);
        else
            rc = mc_error_set(MC_EINPUT, "schema_version is not an integer");
    } else {
        cp->head.id = json_integer_value(id);
        cp->tree_size = cp->version == 2 ? cp->head.id : 0;
        cp->schema_version = json_integer_value(sv);
        rc = payload_write(&again, &alen, cp);
        if (rc == MC_OK && (alen != len || memcmp(again, payload, len) != 0))
            rc = mc_error_set(MC_EINPUT, "its payload is not in the canonical form (RFC 8785) "
                              "that modelcert signs");
    }
cleanup:
    free(again);
    json_decref(j);
    return rc;
}

/* ---- audit checkpoint --------------------------------------------------------------- */

/* The trail's label: o->label (a URI without its password) or the trail's
 * location, absolute; UTF-8 text without control characters. */
static int make_label(char *out, const char *label, const char *path)
{
    char *text = NULL;
    int rc = label && !mc_audit_is_uri(label) ? ((text = strdup(label)) ? MC_OK : mc_error_nomem())
             : label ? mc_audit_location_redact(&text, label)
                     : mc_audit_path_absolute(&text, path);
    if (rc)
        return rc;
    size_t n = strlen(text), bad = 0;
    int ok = n > 0 && n <= MC_CHECKPOINT_LABEL_MAX && mc_utf8_valid(text, n, &bad);
    for (size_t i = 0; ok && i < n; i++)
        ok = (unsigned char)text[i] >= 0x20 && text[i] != 0x7f;
    if (!ok)
        rc = mc_error_set(MC_EINPUT, "the trail's label must be UTF-8 text of 1 to %d bytes "
                          "without control characters%s", MC_CHECKPOINT_LABEL_MAX,
                          label ? "" : ": give one with --label");
    else
        memcpy(out, text, n + 1);
    free(text);
    return rc;
}

int mc_audit_checkpoint(mc_checkpoint_result *r, const mc_checkpoint_options *o)
{
    char *path = NULL, *payload = NULL, *text = NULL;
    size_t plen = 0, tlen = 0;
    const mc_key *key = o->key;
    mc_audit *a = NULL;
    json_t *env = NULL;
    const char *dest = o->output ? o->output : "-";
    mc_audit_tree *tree = malloc(sizeof *tree);
    memset(r, 0, sizeof *r);
    int rc = tree ? mc_audit_path(&path, o->audit_path) : mc_error_nomem();
    if (tree)
        mc_audit_tree_init(tree, 0);
    /* the Merkle tree over the events in the same pass that verifies them */
    if (rc || (strcmp(dest, "-") != 0 && (rc = mc_file_check_output(dest))) ||
        (rc = make_label(r->cp.trail, o->label, path)) ||
        (rc = mc_audit_open_readonly(&a, path)) ||
        (rc = mc_audit_verify_observed(a, &r->chain, &r->cp.head, NULL, mc_audit_tree_observe,
                                       tree)))
        goto cleanup;
    if (mc_key_warning(key))
        snprintf(r->warning, sizeof r->warning, "%s", mc_key_warning(key));
    if (r->chain.broken) /* a checkpoint never vouches for a broken chain */
        goto cleanup;
    if (r->cp.head.id == 0) {
        rc = mc_error_set(MC_EINPUT, "%s holds no events: there is no head to sign",
                          mc_audit_location(a));
        goto cleanup;
    }
    r->cp.schema_version = atoll(MC_AUDIT_SCHEMA_VERSION);
    r->cp.version = 2;
    r->cp.tree_size = r->cp.head.id;
    if ((rc = mc_audit_tree_root(tree, r->cp.root_hash)))
        goto cleanup;
    mc_clock_utc(r->cp.signed_at, 1);
    snprintf(r->cp.keyid, sizeof r->cp.keyid, "%s", mc_key_hint(key));
    if ((rc = payload_write(&payload, &plen, &r->cp)) ||
        (rc = mc_dsse_sign(&env, mc_key_pkey(key), r->cp.keyid, MC_CHECKPOINT_PAYLOAD_TYPE,
                           payload, plen)) ||
        (rc = mc_json_canonical(&text, &tlen, env)))
        goto cleanup;
    char *line = realloc(text, tlen + 2);
    if (!line) {
        rc = mc_error_nomem();
        goto cleanup;
    }
    text = line;
    memcpy(text + tlen, "\n", 2);
    rc = mc_file_write_atomic(dest, text, tlen + 1);
cleanup:
    mc_audit_close(a);
    json_decref(env);
    free(tree);
    free(path);
    free(payload);
    free(text);
    return rc;
}

/* ---- audit verify --checkpoint ------------------------------------------------------- */

/* A failed verification: the reason, and MC_OK (it is a result, not an error). */
static int fail(mc_checkpoint_verify_result *r, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
static int fail(mc_checkpoint_verify_result *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->reason, sizeof r->reason, fmt, ap);
    va_end(ap);
    r->verified = 0;
    return MC_OK;
}

/* The envelope's first keyid, when every signature names one and none is
 * `hint`: the checkpoint was signed by another key. NULL otherwise. */
static const char *other_keyid(const json_t *env, const char *hint)
{
    const json_t *sigs = json_object_get(env, "signatures"), *s;
    const char *first = NULL;
    size_t i;
    if (!json_is_array(sigs) || json_array_size(sigs) == 0)
        return NULL;
    json_array_foreach(sigs, i, s)
    {
        const char *kid = json_string_value(json_object_get(s, "keyid"));
        if (!kid || !*kid || strcmp(kid, hint) == 0)
            return NULL;
        first = first ? first : kid;
    }
    return first;
}

int mc_audit_checkpoint_check(mc_checkpoint_verify_result *r, const json_t *env,
                              const mc_key *key, const char *file)
{
    unsigned char *payload = NULL;
    size_t plen = 0;
    char *ptype = NULL;
    const char *kid = other_keyid(env, mc_key_hint(key));
    int rc = MC_OK;
    if (kid) {
        rc = fail(r, "wrong key: checkpoint %s was signed by key %.16s..., not by this key (%.16s...)",
                  file, kid, mc_key_hint(key));
    } else if ((rc = mc_dsse_verify(&payload, &plen, &ptype, env, mc_key_pkey(key))) == MC_EINPUT) {
        const char *msg = mc_error_last()->message;
        rc = strncmp(msg, "not a DSSE envelope", 19) == 0
                 ? fail(r, "checkpoint %s is %s", file, msg)
                 : fail(r, "checkpoint %s does not verify with this key: it was altered after it "
                        "was signed, or another key signed it", file);
    } else if (rc == MC_OK && strcmp(ptype, MC_CHECKPOINT_PAYLOAD_TYPE) != 0) {
        rc = fail(r, "checkpoint %s is not an audit checkpoint: its payloadType is '%.100s', not %s",
                  file, ptype, MC_CHECKPOINT_PAYLOAD_TYPE);
    } else if (rc == MC_OK && (rc = payload_read(&r->cp, payload, plen)) == MC_EINPUT) {
        rc = fail(r, "checkpoint %s is signed by this key but malformed: %s", file,
                  mc_error_last()->message);
    } else if (rc == MC_OK) {
        r->signature_ok = 1;
        snprintf(r->cp.keyid, sizeof r->cp.keyid, "%s", mc_key_hint(key));
    }
    free(payload);
    free(ptype);
    return rc;
}

/* Whether the trail holds the checkpoint's head unchanged (and, v2, the same Merkle root
 * over the events up to it: `root`), and verifies on. */
static void judge(mc_checkpoint_verify_result *r, const mc_audit_anchor *at, const char *trail,
                  const char *root)
{
    const mc_audit_verify_result *c = &r->chain;
    long long id = r->cp.head.id;
    if (c->broken && !at->found) { /* the scan stopped before it */
        fail(r, "%s was altered at or before the checkpoint's event %lld: BROKEN at event %lld: %s",
             trail, id, c->first_bad, c->reason);
    } else if (!at->found) {
        fail(r, "%s ends at event %lld (head %.16s...), before the checkpoint's event %lld: events "
             "were removed from the end (a truncated tail)", trail, c->events, c->head, id);
    } else if (strcmp(at->event.hash, r->cp.head.hash) != 0) {
        fail(r, "%s was rewritten at or before event %lld: that event now hashes to %.16s..., but "
             "the checkpoint signed %.16s...", trail, id, at->event.hash, r->cp.head.hash);
    } else if (strcmp(at->event.time, r->cp.head.time) != 0) {
        fail(r, "event %lld of %s has time %s, but the checkpoint signed %s", id, trail,
             at->event.time, r->cp.head.time);
    } else if (r->cp.version == 2 && strcmp(root, r->cp.root_hash) != 0) {
        fail(r, "%s was rewritten at or before event %lld: the Merkle root over events 1 to "
             "%lld is %.16s..., but the checkpoint signed %.16s...", trail, id, id, root,
             r->cp.root_hash);
    } else if (c->broken) {
        fail(r, "%s holds the checkpoint's event %lld unchanged, but is broken after it: BROKEN at "
             "event %lld: %s", trail, id, c->first_bad, c->reason);
    } else {
        r->verified = 1;
    }
}

int mc_audit_checkpoint_verify(mc_checkpoint_verify_result *r, const char *audit_path,
                               const char *checkpoint_path, const mc_key *key)
{
    mc_audit *a = NULL;
    mc_audit_tree *tree = NULL;
    json_t *env = NULL;
    char *text = NULL, *path = NULL;
    size_t len = 0;
    memset(r, 0, sizeof *r);
    int rc = mc_audit_path(&path, audit_path);
    if (rc)
        goto cleanup;
    if ((rc = mc_file_read_text(&text, &len, checkpoint_path, MC_CHECKPOINT_FILE_MAX)) == MC_EINPUT) {
        rc = fail(r, "checkpoint %s cannot be used: %s", checkpoint_path, mc_error_last()->message);
        goto cleanup;
    }
    if (rc == MC_ENOTFOUND)
        rc = mc_error_set(MC_ENOTFOUND, "no checkpoint file %s", checkpoint_path);
    if (rc)
        goto cleanup;
    if ((rc = mc_dsse_json_read(&env, text, len)) == MC_EINPUT) {
        rc = fail(r, "checkpoint %s is not JSON (%s)", checkpoint_path, mc_error_last()->message);
        goto cleanup;
    }
    if (rc || (rc = mc_audit_checkpoint_check(r, env, key, checkpoint_path)) ||
        !r->signature_ok)
        goto cleanup;
    mc_audit_anchor at = {.id = r->cp.head.id};
    char root[MC_SHA256_HEX_LEN + 1] = "";
    if (!(tree = malloc(sizeof *tree))) {
        rc = mc_error_nomem();
        goto cleanup;
    }
    mc_audit_tree_init(tree, r->cp.head.id);
    if ((rc = mc_audit_open_readonly(&a, path)) ||
        (rc = mc_audit_verify_observed(a, &r->chain, NULL, &at, mc_audit_tree_observe, tree)) ||
        (rc = mc_audit_tree_root(tree, root)))
        goto cleanup;
    r->chain_checked = 1;
    judge(r, &at, mc_audit_location(a), root);
cleanup:
    free(tree);
    mc_audit_close(a);
    json_decref(env);
    free(text);
    free(path);
    return rc;
}

/* ---- shared with proofs ------------------------------------------------------------------ */

int mc_audit_checkpoint_read_unverified(mc_checkpoint *cp, const json_t *env)
{
    const char *type = json_string_value(json_object_get(env, "payloadType"));
    const char *b64 = json_string_value(json_object_get(env, "payload"));
    unsigned char *payload = NULL;
    size_t len = 0;
    memset(cp, 0, sizeof *cp);
    if (!json_is_object(env) || !type || !b64)
        return mc_error_set(MC_EINPUT, "it is not a DSSE envelope (payload and payloadType)");
    if (strcmp(type, MC_CHECKPOINT_PAYLOAD_TYPE) != 0)
        return mc_error_set(MC_EINPUT, "it is not an audit checkpoint: its payloadType is "
                            "'%.100s', not %s", type, MC_CHECKPOINT_PAYLOAD_TYPE);
    int rc = mc_base64_decode(&payload, &len, b64, MC_CHECKPOINT_FILE_MAX);
    if (rc == MC_OK)
        rc = payload_read(cp, payload, len);
    free(payload);
    return rc;
}

void mc_audit_tree_init(mc_audit_tree *t, long long size)
{
    t->size = size;
    mc_merkle_acc_init(&t->acc);
}

int mc_audit_tree_observe(void *ctx, const mc_audit_event *ev)
{
    mc_audit_tree *t = ctx;
    unsigned char raw[MC_MERKLE_HASH_LEN], leaf[MC_MERKLE_HASH_LEN];
    if (t->size > 0 && ev->id > t->size) /* after the tree: verified on, not a leaf */
        return MC_OK;
    if (!mc_merkle_hash_from_hex(raw, ev->hash)) /* verified: it hashes to this */
        return mc_error_set(MC_EINTERNAL, "event %lld's hash is not hex", ev->id);
    int rc = mc_merkle_leaf_hash(leaf, raw, sizeof raw);
    return rc ? rc : mc_merkle_acc_add(&t->acc, leaf);
}

int mc_audit_tree_root(const mc_audit_tree *t, char hex[MC_SHA256_HEX_LEN + 1])
{
    unsigned char root[MC_MERKLE_HASH_LEN];
    int rc = mc_merkle_acc_root(&t->acc, root);
    if (rc == MC_OK)
        mc_merkle_hash_to_hex(hex, root);
    return rc;
}
