/* The `validate` and `reproduce` verbs as library calls: everything they do
 * except reading options and printing. Each runs its checks, gives the
 * outcome (every result, the verdict, where things were written) and
 * appends one event to the audit trail. Nothing is printed; reports/
 * renders an outcome. */
#ifndef MC_VALIDATE_H
#define MC_VALIDATE_H

#include <stddef.h>

#include "mc_spec.h"
#include "mc_validation.h"

/* What a validate or reproduce call produced. */
typedef struct mc_outcome {
    mc_validation *validation;    /* every check's result and the run they judged */
    mc_verdict verdict;
    size_t counts[MC_STATUS_COUNT]; /* results per status */
    char *run_dir;                /* the run directory written (validate) or re-run (reproduce) */
    char *validation_path;        /* validate: run_dir/validation.json; reproduce: NULL */
    char *audit_path;             /* the trail written, as shown (a URI without its password);
                                     NULL when no event was recorded */
    long long audit_event;        /* the event's id; 0 when none was recorded */
} mc_outcome;

/* Frees the outcome and everything in it; NULL is fine. */
void mc_outcome_free(mc_outcome *o);

typedef struct mc_validate_options {
    const mc_spec *spec;          /* the spec, loaded and checked (required) */
    const char *baseline;         /* a run directory, a metrics.json, or a model.mcm with
                                     metrics.json beside it; NULL: none */
    const char *output_dir;       /* the run directory to create; NULL: mc_run_dir_choose's default */
    long long runs;               /* re-runs for the reproducibility check; 0: as the spec says */
    int threads;                  /* BLAS threads; 0: the default */
    const char *audit_path;       /* the --audit value, or NULL (mc_audit_path decides) */
    int no_audit;                 /* 1: append no audit event */
    const char *command_line;     /* the event's command (mc_verb_command_line); NULL: "modelcert" */
    const mc_confinement *confine; /* what the spec may name (mc_spec_check_paths); NULL: the defaults */
    const char *losses;           /* with predictions: LOSSES.csv for membership inference */
    const char *predictions;      /* PREDS.csv: judge these predictions, made elsewhere, instead
                                     of training (docs/predictions.md); NULL: a native run */
    const char *baseline_key;     /* the baseline run must be signed by this key (mc_sign.h)... */
    const char *baseline_ca;      /* ...or by a certificate chain to this root; NULL: unsigned */
} mc_validate_options;

/* The CI gate: loads the baseline, chooses the run directory (it must not
 * exist), runs the pipeline and writes the run there, then checks the data
 * pin, reproducibility and thresholds, writes run_dir/validation.json, and
 * appends a "validate" event to the audit trail.
 *
 * On MC_OK *out is the outcome (caller frees with mc_outcome_free); a failed
 * check is a verdict, not an error. Errors: MC_EINPUT and MC_ENOTFOUND for a
 * bad baseline, an existing run directory, bad data; MC_EIO, MC_ENOMEM,
 * MC_EINTERNAL. When only the audit append failed, the run directory and
 * validation.json are written and *out is set as well, so the outcome can
 * still be shown; the return is then the audit error ("the audit trail could
 * not be written: ..."). Otherwise *out is left NULL on error. */
int mc_validate(mc_outcome **out, const mc_validate_options *opt);

typedef struct mc_reproduce_options {
    const char *run_dir;          /* the recorded run (required) */
    const char *data_path;        /* where the data is now; NULL: where run.json says */
    int threads;                  /* BLAS threads; 0: the default */
    const char *audit_path;       /* the --audit value, or NULL (mc_audit_path decides) */
    int no_audit;                 /* 1: append no audit event */
    const char *command_line;     /* the event's command; NULL: "modelcert" */
    const mc_confinement *confine; /* what spec.json may name, the run directory as the root
                                      unless confine->root says otherwise; NULL: the defaults */
    const char *key;              /* verify the run's bundle (model.sig) with this public key
                                     before re-running it (mc_sign.h); NULL: do not */
} mc_reproduce_options;

/* What an auditor runs: mc_reproduce on run_dir (the recorded spec re-run on
 * the same data and compared bit for bit), then a "reproduce" event in the
 * audit trail. *out, its ownership and the errors are as for mc_validate
 * (MC_EINPUT when run_dir is not a run directory); validation_path is NULL. */
int mc_reproduce_run(mc_outcome **out, const mc_reproduce_options *opt);

#endif
