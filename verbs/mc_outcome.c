/* The outcome of validate and reproduce (mc_outcome.h): freeing it, its verdict and
 * counts, and the one audit event either verb appends with its counts and run
 * directory. */
#include "mc_outcome.h"

#include <stdlib.h>

#include "mc_error.h"

void mc_outcome_free(mc_outcome *o)
{
    if (!o)
        return;
    mc_validation_free(o->validation);
    free(o->run_dir);
    free(o->validation_path);
    free(o->audit_path);
    free(o);
}

void mc_outcome_summarize(mc_outcome *o)
{
    o->verdict = mc_validation_verdict(o->validation);
    mc_validation_counts(o->validation, o->counts);
}

int mc_outcome_record(mc_outcome *o, mc_verb_audit *trail, const mc_verb_event *ev,
                      json_t *extra)
{
    json_t *counts = NULL;
    if (extra && (mc_validation_counts_json(&counts, o->validation) ||
                  json_object_set_new(extra, "counts", counts) != 0 ||
                  json_object_set_new(extra, "run_dir", json_string(o->run_dir)) != 0)) {
        json_decref(extra); /* out of memory: mc_verb_audit_record says so */
        extra = NULL;
    }
    return mc_verb_audit_record(trail, ev, extra, &o->audit_event, &o->audit_path);
}
