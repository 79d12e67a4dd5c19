#include "mc_run_audited.h"

#include <stdlib.h>

#include "mc_audit.h"
#include "mc_error.h"
#include "mc_run_dir.h"

void mc_run_outcome_free(mc_run_outcome *o)
{
    if (!o)
        return;
    mc_run_free(o->run);
    free(o->run_dir);
    free(o->audit_path);
    free(o);
}

static int record(mc_run_outcome *o, const mc_run_audited_options *opt)
{
    const mc_run *run = o->run;
    mc_audit_event ev = {.command = opt->command_line ? opt->command_line : "modelcert",
                         .kind = "run", .spec_digest = run->spec_digest,
                         .data_digest = run->data_digest, .model_digest = run->model_digest,
                         .verdict = "completed"};
    json_t *details = json_pack("{s:s, s:s, s:O}", "run_dir", o->run_dir, "run_id", run->run_id,
                                "numerics", json_object_get(run->record, "numerics"));
    int rc = details ? mc_audit_record(&o->audit_event, o->audit_path, &ev, details)
                     : mc_error_set(MC_ENOMEM, "the audit trail could not be written: out of memory");
    if (rc) {
        free(o->audit_path);
        o->audit_path = NULL;
        o->audit_event = 0;
    }
    json_decref(details);
    return rc;
}

int mc_run_audited(mc_run_outcome **out, const mc_run_audited_options *opt)
{
    mc_run_outcome *o = calloc(1, sizeof *o);
    mc_run_options ro = opt->run;
    char *absolute = NULL;
    int rc = o ? MC_OK : mc_error_nomem();
    *out = NULL;
    if (rc || (rc = mc_spec_check_paths(opt->spec, opt->confine)) ||
        (rc = mc_audit_path(&o->audit_path, opt->audit_path)) ||
        (rc = mc_audit_check_appendable(o->audit_path)) ||
        (rc = mc_audit_path_absolute(&absolute, o->audit_path)) ||
        (rc = mc_run_dir_choose(&o->run_dir, opt->output_dir, opt->spec)))
        goto cleanup;
    ro.audit_path = absolute; /* run.json names the trail the event below goes to */
    if ((rc = mc_run_execute(&o->run, opt->spec, &ro)) ||
        (rc = mc_run_write(o->run, o->run_dir, NULL, 0)))
        goto cleanup;
    rc = record(o, opt);
    *out = o; /* also when only the audit append failed: the run is written */
    o = NULL;
cleanup:
    mc_run_outcome_free(o);
    free(absolute);
    return rc;
}
