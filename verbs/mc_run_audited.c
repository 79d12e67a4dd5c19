/* `run` as one library call (mc_run_audited.h): the spec confined, the audit
 * trail found and verified, the run directory chosen before any work, then the
 * engine's run written atomically and its "run" event appended
 * (mc_verb_audit.h). The engine knows nothing of the trail; this is where the
 * two meet. Like validate, the run goes through the privacy view's hook, which
 * refuses personal data in the columns whose values a run writes (slices, the
 * target, one_hot categories) before anything is written. A spec with a
 * protection section has its model written only encrypted (mc_protect.h). */
#include "mc_run_audited.h"

#include <stdlib.h>

#include "mc_error.h"
#include "mc_json.h"
#include "mc_privacy.h"
#include "mc_protect.h"
#include "mc_run_dir.h"
#include "mc_verb_audit.h"

void mc_run_outcome_free(mc_run_outcome *o)
{
    if (!o)
        return;
    mc_run_free(o->run);
    free(o->run_dir);
    free(o->audit_path);
    free(o);
}

static int record(mc_run_outcome *o, mc_verb_audit *trail, const mc_run_audited_options *opt,
                  const mc_protect *protect)
{
    const mc_run *run = o->run;
    mc_verb_event ev = {.command = opt->command_line, .kind = "run",
                        .spec_digest = run->spec_digest, .data_digest = run->data_digest,
                        .model_digest = run->model_digest, .verdict = "completed"};
    json_t *details = json_pack("{s:s, s:s, s:O, s:s}", "run_dir", o->run_dir, "run_id",
                                run->run_id, "numerics", json_object_get(run->record, "numerics"),
                                "model_file", run->model_file);
    /* A protected run: the digest of the age file as written (model_digest is the clear
       model's), so that the encrypted file is bound to the run in the trail. */
    if (details && protect &&
        mc_json_set(details, "model_file_digest", json_string(mc_protect_file_digest(protect)))) {
        json_decref(details);
        return mc_error_nomem();
    }
    return mc_verb_audit_record(trail, &ev, details, &o->audit_event, &o->audit_path);
}

int mc_run_audited(mc_run_outcome **out, const mc_run_audited_options *opt)
{
    mc_run_outcome *o = calloc(1, sizeof *o);
    mc_run_options ro = opt->run;
    mc_verb_audit *trail = NULL;
    mc_privacy_view *pv = NULL;
    mc_protect *protect = NULL;
    char *absolute = NULL;
    int rc = o ? MC_OK : mc_error_nomem();
    *out = NULL;
    if (rc || (rc = mc_spec_check_paths(opt->spec, opt->confine)) ||
        (rc = mc_protect_open(&protect, opt->spec)) || /* its recipients, before any work */
        (rc = mc_privacy_view_create(&pv, opt->spec)) ||
        (rc = mc_verb_audit_open(&trail, opt->audit_path, 0)) ||
        (rc = mc_verb_audit_absolute(&absolute, trail)) ||
        (rc = mc_run_dir_choose(&o->run_dir, opt->output_dir, opt->spec)))
        goto cleanup;
    ro.audit_path = absolute; /* run.json names the trail the event below goes to */
    if (!ro.training_view) {
        ro.training_view = mc_privacy_view_hook;
        ro.training_view_ctx = pv;
    }
    if ((rc = mc_run_execute(&o->run, opt->spec, &ro)) ||
        (rc = mc_run_write_model(o->run, o->run_dir, NULL, 0, mc_protect_writer(protect))))
        goto cleanup;
    rc = record(o, trail, opt, protect);
    *out = o; /* also when only the audit append failed: the run is written */
    o = NULL;
cleanup:
    mc_run_outcome_free(o);
    mc_verb_audit_free(trail);
    mc_privacy_view_free(pv);
    mc_protect_free(protect);
    free(absolute);
    return rc;
}
