/* The `run` verb as one library call: run the spec, write the run directory,
 * and append a "run" event to the audit trail. The engine (reference/) knows
 * nothing of the audit trail; this is where the two meet. */
#ifndef MC_RUN_AUDITED_H
#define MC_RUN_AUDITED_H

#include "mc_run.h"
#include "mc_spec.h"

typedef struct mc_run_audited_options {
    const mc_spec *spec;          /* loaded and checked (required) */
    const char *output_dir;       /* -o; NULL: mc_run_dir_choose's default */
    mc_run_options run;           /* threads, numerics, progress (audit_path: set here) */
    const char *audit_path;       /* --audit, or NULL (mc_audit_path: the nearest .modelcert/) */
    const char *command_line;     /* the event's command; NULL: "modelcert" */
    const mc_confinement *confine; /* what the spec may name (mc_spec_check_paths); NULL: the defaults */
} mc_run_audited_options;

typedef struct mc_run_outcome {
    mc_run *run;                  /* the run's records (metrics, digests, ...) */
    char *run_dir;                /* where it was written */
    char *audit_path;             /* the trail, as shown (a URI without its password); NULL
                                     when no event was recorded */
    long long audit_event;        /* the event's id; 0 when none */
} mc_run_outcome;

/* Frees the outcome and its run; NULL is fine. */
void mc_run_outcome_free(mc_run_outcome *o);

/* Chooses and checks the run directory before any work (mc_run_dir_choose),
 * runs the pipeline, writes the run directory atomically (run.json's
 * audit.path naming the trail, absolute), then appends the "run" event
 * (verdict "completed"; details: run_dir, numerics). On MC_OK *out is the
 * outcome (free with mc_run_outcome_free). When only the audit append
 * failed, the run is written and *out is set too, and the audit error is
 * returned; otherwise *out is NULL on error. Errors: MC_EINPUT and
 * MC_ENOTFOUND for a bad spec, data or output directory; MC_EIO, MC_ENOMEM. */
int mc_run_audited(mc_run_outcome **out, const mc_run_audited_options *opt);

#endif
