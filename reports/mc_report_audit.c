/* Reports of the audit trail (mc_report_audit.h): where a command's event
 * went, verify's finding (text and JSON), checkpoints and proofs, the event log, single
 * events and exports (CSV, JSON lines). A trail's location comes already
 * without its password (the verbs make it) and is printed as it is. */
#include "mc_report_audit.h"

#include <stdlib.h>
#include <string.h>

#include "mc_buf.h"
#include "mc_error.h"
#include "mc_file.h"
#include "mc_json.h"

static const char *const columns[] = {"id", "time", "actor", "host", "tool_version", "command",
                                      "kind", "spec_digest", "data_digest", "model_digest",
                                      "verdict", "details", "prev_hash", "hash"};
#define N_COLUMNS (sizeof columns / sizeof columns[0])

void mc_report_audit_recorded(FILE *f, const char *shown, long long id)
{
    if (id)
        fprintf(f, "audit: event %lld in %s\n", id, shown);
}

void mc_report_audit_initialized(FILE *f, const char *shown)
{
    fprintf(f, "audit trail ready: %s\n", shown);
}

static int print_json(FILE *f, const json_t *j)
{
    char *text = NULL;
    int rc = mc_json_pretty(&text, NULL, j, 2);
    if (rc == MC_OK)
        fputs(text, f);
    free(text);
    return rc;
}

void mc_report_audit_verify_text(FILE *f, const mc_audit_verify_result *r)
{
    if (r->broken)
        fprintf(f, "BROKEN at event %lld: %s\n", r->first_bad, r->reason);
    else
        fprintf(f, "intact: %lld events, head %s\n", r->events, r->head);
}

int mc_report_audit_verify_json(FILE *f, const mc_audit_verify_result *r)
{
    json_t *j = json_pack("{s:b, s:I, s:s}", "intact", !r->broken, "events",
                          (json_int_t)r->events, "head", r->head);
    int rc = j ? MC_OK : mc_error_nomem();
    if (rc == MC_OK && r->broken &&
        (json_object_set_new(j, "first_broken_event", json_integer(r->first_bad)) != 0 ||
         json_object_set_new(j, "reason", json_string(r->reason)) != 0))
        rc = mc_error_nomem();
    if (rc == MC_OK)
        rc = print_json(f, j);
    json_decref(j);
    return rc;
}

void mc_report_audit_checkpoint_text(FILE *f, const mc_checkpoint_result *r, const char *dest)
{
    fprintf(f, "checkpoint of event %lld (head %s, %s), trail %s, signed at %s by key %.16s...: %s\n",
            r->cp.head.id, r->cp.head.hash, r->cp.head.time, r->cp.trail, r->cp.signed_at,
            r->cp.keyid, !dest || strcmp(dest, "-") == 0 ? "standard output" : dest);
}

void mc_report_audit_checkpoint_verify_text(FILE *f, const mc_checkpoint_verify_result *r)
{
    if (!r->verified) {
        fprintf(f, "FAILED: %s\n", r->reason);
        return;
    }
    fprintf(f, "checkpoint verified: event %lld (head %s, %s) of trail %s, signed at %s, is in "
            "the trail unchanged\n", r->cp.head.id, r->cp.head.hash, r->cp.head.time,
            r->cp.trail, r->cp.signed_at);
    mc_report_audit_verify_text(f, &r->chain);
}

int mc_report_audit_checkpoint_verify_json(FILE *f, const mc_checkpoint_verify_result *r)
{
    json_t *j = json_pack("{s:b}", "verified", r->verified), *cp = NULL, *chain = NULL;
    int rc = j ? MC_OK : mc_error_nomem();
    if (rc == MC_OK && !r->verified)
        rc = mc_json_set(j, "reason", json_string(r->reason));
    if (rc == MC_OK && r->signature_ok) {
        cp = json_pack("{s:I, s:s, s:s, s:I, s:s, s:s, s:s}", "head_id", (json_int_t)r->cp.head.id,
                       "head_hash", r->cp.head.hash, "head_time", r->cp.head.time,
                       "schema_version", (json_int_t)r->cp.schema_version, "signed_at",
                       r->cp.signed_at, "trail", r->cp.trail, "keyid", r->cp.keyid);
        if (cp && r->cp.version == 2 &&
            (json_object_set_new(cp, "tree_size", json_integer(r->cp.tree_size)) ||
             json_object_set_new(cp, "root_hash", json_string(r->cp.root_hash)))) {
            json_decref(cp);
            cp = NULL; /* mc_json_set takes NULL as out of memory */
        }
        rc = mc_json_set(j, "checkpoint", cp);
    }
    if (rc == MC_OK && r->chain_checked) {
        chain = json_pack("{s:b, s:I, s:s}", "intact", !r->chain.broken, "events",
                          (json_int_t)r->chain.events, "head", r->chain.head);
        rc = mc_json_set(j, "chain", chain);
    }
    if (rc == MC_OK)
        rc = print_json(f, j);
    json_decref(j);
    return rc;
}

static void proof_events_text(FILE *f, const mc_proof_result *r)
{
    for (size_t i = 0; i < r->n_events; i++)
        fprintf(f, "  event %lld (%s, %s, %s) is leaf %lld\n", r->events[i].id, r->events[i].kind,
                r->events[i].verdict, r->events[i].time, r->events[i].id - 1);
}

void mc_report_audit_prove_text(FILE *f, const mc_proof_result *r, const char *dest)
{
    if (!r->ok) {
        fprintf(f, "FAILED: %s\n", r->reason);
        return;
    }
    fprintf(f, "proof of %zu event%s of run %s against the checkpoint of event %lld (tree of %lld "
            "events, root %s), %zu path hashes: %s\n", r->n_events, r->n_events == 1 ? "" : "s",
            r->run_id, r->cp.head.id, r->cp.tree_size, r->cp.root_hash, r->path_hashes,
            !dest || strcmp(dest, "-") == 0 ? "standard output" : dest);
    proof_events_text(f, r);
}

void mc_report_audit_proof_verify_text(FILE *f, const mc_proof_result *r)
{
    if (!r->ok) {
        fprintf(f, "FAILED: %s\n", r->reason);
        return;
    }
    fprintf(f, "proof verified: %zu event%s of run %s in the tree of %lld events (root %s) of "
            "trail %s, signed at %s by key %.16s...\n", r->n_events, r->n_events == 1 ? "" : "s",
            r->run_id, r->cp.tree_size, r->cp.root_hash, r->cp.trail, r->cp.signed_at,
            r->cp.keyid);
    proof_events_text(f, r);
}

int mc_report_audit_proof_verify_json(FILE *f, const mc_proof_result *r)
{
    json_t *j = json_pack("{s:b, s:s}", "verified", r->ok, "run_id", r->run_id);
    json_t *events = json_array();
    int rc = j && events ? MC_OK : mc_error_nomem();
    if (rc == MC_OK && !r->ok)
        rc = mc_json_set(j, "reason", json_string(r->reason));
    if (rc == MC_OK && r->signature_ok)
        rc = mc_json_set(j, "checkpoint",
                         json_pack("{s:I, s:s, s:I, s:s, s:s, s:s, s:s}", "head_id",
                                   (json_int_t)r->cp.head.id, "head_hash", r->cp.head.hash,
                                   "tree_size", (json_int_t)r->cp.tree_size, "root_hash",
                                   r->cp.root_hash, "signed_at", r->cp.signed_at, "trail",
                                   r->cp.trail, "keyid", r->cp.keyid));
    for (size_t i = 0; rc == MC_OK && r->ok && i < r->n_events; i++)
        rc = mc_json_append(events, json_pack("{s:I, s:s, s:s, s:s, s:I}", "id",
                                              (json_int_t)r->events[i].id, "kind",
                                              r->events[i].kind, "verdict", r->events[i].verdict,
                                              "time", r->events[i].time, "leaf_index",
                                              (json_int_t)(r->events[i].id - 1)));
    if (rc == MC_OK) {
        rc = mc_json_set(j, "events", events);
        events = NULL;
    }
    if (rc == MC_OK)
        rc = print_json(f, j);
    json_decref(events);
    json_decref(j);
    return rc;
}

static const char *text_of(const json_t *event, const char *key)
{
    const char *s = json_string_value(json_object_get(event, key));
    return s ? s : "-";
}

void mc_report_audit_log_text(FILE *f, const json_t *events)
{
    size_t i;
    const json_t *ev;
    json_array_foreach(events, i, ev)
    {
        fprintf(f, "%-5lld %s  %-10s %-9s %-9s model %.12s  %s\n",
                (long long)json_integer_value(json_object_get(ev, "id")), text_of(ev, "time"),
                text_of(ev, "actor"), text_of(ev, "kind"), text_of(ev, "verdict"),
                text_of(ev, "model_digest"), text_of(ev, "command"));
    }
}

int mc_report_audit_events_json(FILE *f, const json_t *events)
{
    return print_json(f, events);
}

int mc_report_audit_event_json(FILE *f, const json_t *events, size_t i)
{
    const json_t *ev = json_array_get(events, i);
    return ev ? print_json(f, ev) : mc_error_set(MC_EINTERNAL, "no audit event at position %zu", i);
}

/* One event as a CSV row: integers bare, strings and details quoted, nulls empty. */
static int csv_row(mc_buf *b, const json_t *ev)
{
    for (size_t k = 0; k < N_COLUMNS; k++) {
        const json_t *v = json_object_get(ev, columns[k]);
        char *text = NULL;
        if (k)
            mc_buf_put(b, ",", 1);
        if (json_is_integer(v)) {
            mc_buf_printf(b, "%lld", (long long)json_integer_value(v));
        } else if (json_is_string(v)) {
            mc_buf_put_csv_quoted(b, json_string_value(v));
        } else if (json_is_object(v)) {
            int rc = mc_json_canonical(&text, NULL, v);
            if (rc)
                return rc;
            mc_buf_put_csv_quoted(b, text);
            free(text);
        }
    }
    mc_buf_put(b, "\n", 1);
    return MC_OK;
}

int mc_report_audit_export(const json_t *events, mc_audit_export_format format,
                           const char *dest)
{
    mc_buf b = {0};
    char *text = NULL;
    size_t len = 0, i;
    const json_t *ev;
    int rc = MC_OK;
    if (format == MC_AUDIT_EXPORT_CSV) {
        for (size_t k = 0; k < N_COLUMNS; k++)
            mc_buf_printf(&b, "%s%s", k ? "," : "", columns[k]);
        mc_buf_put(&b, "\n", 1);
    }
    json_array_foreach(events, i, ev)
    {
        if (format == MC_AUDIT_EXPORT_CSV) {
            rc = csv_row(&b, ev);
        } else if ((rc = mc_json_canonical(&text, NULL, ev)) == MC_OK) {
            mc_buf_puts(&b, text);
            mc_buf_put(&b, "\n", 1);
            free(text);
            text = NULL;
        }
        if (rc)
            goto cleanup;
    }
    if ((rc = mc_buf_take(&b, &text, &len)) == MC_OK)
        rc = mc_file_write_atomic(dest, text, len);
cleanup:
    mc_buf_free(&b);
    free(text);
    return rc;
}
