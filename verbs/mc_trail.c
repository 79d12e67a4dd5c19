/* The audit trail's own verbs as library calls (mc_trail.h): `audit verify`, `init`,
 * `migrate`, `log`/`show`/`export`, `checkpoint`, `verify --checkpoint`, `prove` and
 * `verify-proof`, each one call
 * into audit/ with what the CLI must not do itself (find the trail, show its location
 * without a password, load a checkpoint's key from its reference: audit/ signs and checks
 * with loaded keys only); and a run's validate event, looked up for the reports. */
#include "mc_trail.h"

#include <stdlib.h>
#include <string.h>

#include "mc_error.h"
#include "mc_key.h"

int mc_trail_verify(mc_audit_verify_result *res, const char *flag, const char *expect_head)
{
    return mc_audit_verify_file(res, flag, expect_head);
}

int mc_trail_init(char **shown, const char *flag)
{
    char *path = NULL, *text = NULL;
    int rc = mc_audit_path(&path, flag);
    /* shown before the work: the line that reports it cannot fail after the trail is made */
    if (rc || (rc = mc_audit_location_redact(&text, path)) || (rc = mc_audit_init(path)))
        goto cleanup;
    *shown = text;
    text = NULL;
cleanup:
    free(path);
    free(text);
    return rc;
}

int mc_trail_migrate(mc_audit_verify_result *res, const char *from, const char *to)
{
    return mc_audit_migrate(res, from, to);
}

int mc_trail_log(json_t **events, const char *flag, const mc_audit_filter *f)
{
    return mc_audit_list(events, flag, f);
}

void mc_trail_events_free(json_t *events)
{
    json_decref(events);
}

int mc_trail_run_event(json_t **event, const char *trail, const char *model_digest,
                       const char *run_id)
{
    json_t *list = NULL, *found = NULL, *ev;
    mc_audit_filter f = {.model_digest = model_digest, .kind = "validate"};
    size_t i;
    int rc = mc_audit_list(&list, trail, &f);
    if (rc)
        return rc;
    json_array_foreach(list, i, ev)
    {
        const char *id = json_string_value(json_object_get(json_object_get(ev, "details"),
                                                           "run_id"));
        if (id && strcmp(id, run_id) == 0)
            found = ev;
    }
    *event = json_incref(found);
    json_decref(list);
    return MC_OK;
}

int mc_trail_location_shown(char **out, const char *location)
{
    return mc_audit_location_redact(out, location);
}

int mc_trail_checkpoint(mc_checkpoint_result *r, const mc_trail_checkpoint_options *o)
{
    mc_key *key = NULL;
    memset(r, 0, sizeof *r);
    int rc = mc_key_load_private_with(&key, o->key, o->passphrase_file);
    if (rc == MC_OK) {
        mc_checkpoint_options co = {.audit_path = o->audit_path, .key = key,
                                    .output = o->output, .label = o->label};
        rc = mc_audit_checkpoint(r, &co);
    }
    mc_key_free(key);
    return rc;
}

int mc_trail_checkpoint_verify(mc_checkpoint_verify_result *r, const char *flag,
                               const char *checkpoint_path, const char *pubkey)
{
    mc_key *key = NULL;
    memset(r, 0, sizeof *r);
    int rc = mc_key_load_public(&key, pubkey);
    if (rc == MC_OK)
        rc = mc_audit_checkpoint_verify(r, flag, checkpoint_path, key);
    mc_key_free(key);
    return rc;
}

int mc_trail_prove(mc_proof_result *r, const mc_proof_options *o)
{
    return mc_audit_prove(r, o);
}

int mc_trail_verify_proof(mc_proof_result *r, const char *proof_path, const char *pubkey)
{
    mc_key *key = NULL;
    memset(r, 0, sizeof *r);
    int rc = mc_key_load_public(&key, pubkey);
    if (rc == MC_OK)
        rc = mc_audit_proof_verify(r, proof_path, key);
    mc_key_free(key);
    return rc;
}
