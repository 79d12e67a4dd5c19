/* The `validate` verb as a library call: everything it does except reading
 * options and printing. It runs its checks, gives the outcome (mc_outcome.h:
 * every result, the verdict, where things were written) and appends one event
 * to the audit trail. Nothing is printed; reports/ renders an outcome.
 * `reproduce` is mc_reproduce.h. */
#ifndef MC_VALIDATE_H
#define MC_VALIDATE_H

#include <stddef.h>

#include "mc_outcome.h"
#include "mc_spec.h"
#include "mc_train.h"
#include "mc_validation.h"

struct mc_decrypt_options;

typedef struct mc_validate_options {
    const mc_spec *spec;          /* the spec, loaded and checked (required) */
    const char *baseline;         /* a run directory, a metrics.json, or a model.mcm with
                                     metrics.json beside it; NULL: none */
    const char *output_dir;       /* the run directory to create; NULL: mc_run_dir_choose's default */
    long long runs;               /* re-runs for the reproducibility check; 0: as the spec says */
    int threads;                  /* BLAS threads; 0: the default */
    int numerics_set;             /* 1: train with `numerics`, not the spec's training.numerics
                                     (the run and every re-run, as `run --numerics`) */
    mc_numerics numerics;
    mc_train_progress_fn progress; /* each epoch of the run and of every re-run; NULL: none */
    void *progress_ctx;
    const char *audit_path;       /* the --audit value, or NULL (mc_audit_path decides) */
    int no_audit;                 /* 1: append no audit event */
    const char *command_line;     /* the event's command (mc_verb_command_line); NULL:
                                     "modelcert" */
    const mc_confinement *confine; /* what the spec may name (mc_spec_check_paths); NULL: the defaults */
    const char *losses;           /* with predictions: LOSSES.csv for membership inference */
    const char *predictions;      /* PREDS.csv: judge these predictions, made elsewhere, instead
                                     of training (docs/predictions.md); NULL: a native run */
    const char *baseline_key;     /* the baseline run must be signed by this key (mc_sign.h)... */
    const char *baseline_ca;      /* ...or by a certificate chain to this root; NULL: unsigned */
    /* ...or Sigstore keyless: this identity (or a regular expression for it) vouched for by
       this OIDC issuer, against this trusted root (NULL: the public-good one built in) */
    const char *baseline_identity, *baseline_identity_regexp, *baseline_issuer;
    const char *baseline_trusted_root;
    const struct mc_decrypt_options *keys; /* with a spec whose model.source is an age file:
                                              the keys that open it in memory (their input
                                              unset); NULL: none */
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

#endif
