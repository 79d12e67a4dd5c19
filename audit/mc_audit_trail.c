/* The audit trail as the verbs use it (mc_audit.h), one call each, on either store:
 * whether an event may be appended now (its head must verify), recording one event,
 * verifying a trail and listing its events. The verbs themselves, and the command line an
 * event records, are in verbs/; where the trail is: mc_audit_location.c; `audit init` and
 * `audit migrate`: mc_audit_migrate.c. */
#include "mc_audit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mc_audit_store.h"
#include "mc_env.h"
#include "mc_error.h"
#include "mc_file.h"
#include "mc_json.h"

/* A new event must not extend a broken chain without a word: its link would
 * vouch for tampered history. What is checked here costs the same on a trail of
 * any length (mc_audit_verify_recent: the head, the event it links to, and what
 * was appended after a head verified earlier); the whole chain is `audit
 * verify`'s (docs/audit.md, "What a verb checks"). MODELCERT_AUDIT_ALLOW_BROKEN=1 appends anyway
 * (docs/audit.md), for a trail kept for forensics. *head (NULL: not wanted)
 * is the head to append after: the verified one, or the stored one of a
 * broken chain so allowed. `since` (NULL: none) is a head verified earlier,
 * which the chain must still hold. */
static int check_intact_at(mc_audit *a, mc_audit_head *head, const mc_audit_head *since)
{
    mc_audit_verify_result r;
    mc_audit_head h;
    mc_audit_anchor anchor = {.id = since ? since->id : 0};
    const char *allow = mc_env_get(MC_ENV_AUDIT_ALLOW_BROKEN);
    int rc = mc_audit_verify_recent(a, &r, since, &h, anchor.id > 0 ? &anchor : NULL);
    if (rc)
        return rc;
    if (r.broken && !(allow && strcmp(allow, "1") == 0))
        return mc_error_set(MC_EINPUT, "%s is broken at event %lld (%s); refusing to append to "
                            "it. Restore it from a copy, or set MODELCERT_AUDIT_ALLOW_BROKEN=1 to "
                            "append anyway", mc_audit_location(a), r.first_bad, r.reason);
    if (r.broken)
        return head ? mc_audit_head_read(a, head) : MC_OK;
    if (anchor.id > 0 && (!anchor.found || strcmp(anchor.event.hash, since->hash) != 0))
        return mc_error_set(MC_EINPUT, "%s changed while the command ran: event %lld is no "
                            "longer the one verified before its work (events were removed or "
                            "rewritten); refusing to append to it", mc_audit_location(a),
                            since->id);
    if (head)
        *head = h;
    return MC_OK;
}

int mc_audit_check_appendable_keep(const char *path, mc_audit_head *head, mc_audit **kept)
{
    mc_audit *a = NULL;
    mc_audit_head h = {.id = 0, .hash = MC_AUDIT_GENESIS};
    /* A PostgreSQL trail kept is opened for appending now (that opens nothing more than a
     * read-only session would: the schema is init's), so the append reuses the connection. */
    int keep = kept && mc_audit_is_uri(path);
    int rc = keep ? mc_audit_open(&a, path)
             : mc_audit_is_uri(path) || mc_file_exists(path) ? mc_audit_open_readonly(&a, path)
                                                             : MC_OK;
    /* An SQLite file with no table (an empty file, as mktemp or touch makes) is an empty
     * chain, as a missing file is: the append gives it the schema. */
    if (rc == MC_ENOTFOUND && !mc_audit_is_uri(path))
        rc = MC_OK;
    if (rc == MC_OK && a)
        rc = check_intact_at(a, &h, NULL);
    if (rc) {
        char why[1200];
        mc_audit_close(a);
        mc_error_format(mc_error_last(), why, sizeof why);
        return mc_error_set(rc, "the audit trail cannot be appended to: %s", why);
    }
    if (head)
        *head = h;
    if (keep)
        *kept = a;
    else
        mc_audit_close(a);
    return MC_OK;
}

int mc_audit_check_appendable_at(const char *path, mc_audit_head *head)
{
    return mc_audit_check_appendable_keep(path, head, NULL);
}

int mc_audit_check_appendable(const char *path)
{
    return mc_audit_check_appendable_at(path, NULL);
}

/* How often an append waits for other writers before giving up: each retry follows
 * another writer's commit, so only a trail appended to without pause exhausts it. */
#define APPEND_TRIES 1000

/* Appends e after the head *at (verified): under the writers' lock the head must still be
 * *at; when another writer moved it, the chain is verified again (*at must still be in it)
 * and the append tried again after the new head. A row that does not link or hash,
 * committed while this writer waited for the lock, is refused, never linked to. */
static int append_after(mc_audit *a, mc_audit_event *e, mc_audit_head *at)
{
    mc_audit_head since;
    int rc = MC_OK, moved = 1;
    for (int tries = 0; rc == MC_OK && moved; tries++) {
        if (tries == APPEND_TRIES) {
            rc = mc_error_set(MC_EIO, "%s: other writers kept appending (%d tries)",
                              mc_audit_location(a), tries);
        } else if (tries > 0) { /* another writer appended: verify again, from where it was */
            since = *at;
            rc = check_intact_at(a, at, &since);
        }
        if (rc == MC_OK)
            rc = mc_audit_append_at(a, e, at, &moved);
    }
    return rc;
}

/* Records ev after `head` (NULL: the head verified now), as the calls below, through `kept`
 * (NULL: the trail at path, opened here and closed after). */
static int record(long long *id, const char *path, mc_audit *kept, mc_audit_head *head,
                  const mc_audit_event *ev, const json_t *details)
{
    mc_audit *a = NULL;
    char *text = NULL;
    mc_audit_event e = *ev;
    mc_audit_head at = {0};
    int rc = details ? mc_json_canonical(&text, NULL, details) : MC_OK;
    if (rc == MC_OK) {
        e.details = text;
        rc = kept ? MC_OK : mc_audit_open(&a, path);
    }
    mc_audit *on = kept ? kept : a;
    if (rc == MC_OK && head)
        at = *head;
    else if (rc == MC_OK)
        rc = check_intact_at(on, &at, NULL);
    if (rc == MC_OK)
        rc = append_after(on, &e, &at);
    if (rc) {
        char why[1200];
        mc_error_format(mc_error_last(), why, sizeof why);
        rc = mc_error_set(rc, "the audit trail could not be written: %s", why);
        goto cleanup;
    }
    *id = e.id;
    if (head) {
        *head = (mc_audit_head){.id = e.id};
        memcpy(head->hash, e.hash, sizeof head->hash);
        memcpy(head->time, e.time, sizeof head->time);
    }
cleanup:
    mc_audit_close(a);
    free(text);
    return rc;
}

int mc_audit_record(long long *id, const char *path, const mc_audit_event *ev,
                    const json_t *details)
{
    return record(id, path, NULL, NULL, ev, details);
}

int mc_audit_record_after(long long *id, const char *path, mc_audit_head *head,
                          const mc_audit_event *ev, const json_t *details)
{
    return record(id, path, NULL, head, ev, details);
}

int mc_audit_record_kept(long long *id, mc_audit *kept, const char *path, mc_audit_head *head,
                         const mc_audit_event *ev, const json_t *details)
{
    return record(id, path, kept, head, ev, details);
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

int mc_audit_list(json_t **out, const char *path, const mc_audit_filter *f)
{
    mc_audit *a = NULL;
    json_t *list = NULL;
    int rc = open_readonly(&a, path);
    if (rc == MC_OK)
        rc = mc_audit_query(a, f, &list);
    if (rc == MC_OK && f->id && json_array_size(list) == 0)
        rc = mc_error_set(MC_ENOTFOUND, "no audit event %lld", f->id);
    if (rc == MC_OK) {
        *out = list;
        list = NULL;
    }
    json_decref(list);
    mc_audit_close(a);
    return rc;
}
