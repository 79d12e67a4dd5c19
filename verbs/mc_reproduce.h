/* The `reproduce` verb as a library call: what an auditor runs on somebody else's run
 * directory. The recorded spec re-run on the same data and compared bit for bit
 * (checks/mc_repro.h judges), the outcome given (mc_outcome.h) and one event appended to
 * the audit trail. Nothing is printed; reports/ renders the outcome. */
#ifndef MC_REPRODUCE_H
#define MC_REPRODUCE_H

#include "mc_outcome.h"
#include "mc_spec.h"

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
    /* ...or as a Sigstore keyless bundle: this identity (or a regular expression for it)
       vouched for by this OIDC issuer, against trusted_root (NULL: the public-good one). */
    const char *identity, *identity_regexp, *issuer, *trusted_root;
    /* An encrypted run (model.mcm.age): the keys that open it; its model is decrypted in
       memory only (an audited decryption) and compared with the re-run's. NULL: an
       encrypted run is refused. */
    const struct mc_decrypt_options *decrypt;
} mc_reproduce_options;

/* Re-runs the normalised spec recorded in opt->run_dir on its data (whose
 * digest must match; data_path, given by the trusted user, overrides the
 * recorded location and is not confined), with its numerics, and compares the
 * model and the recorded outputs with the re-run's (mc_repro_compare,
 * mc_repro_outputs); the trail must record the run; then a "reproduce" event.
 * Before any data is read, spec.json's paths and environment variables are
 * confined (mc_spec_check_paths) with run_dir as the root unless
 * confine->root is set: a refusal is MC_EINPUT.
 *
 * An altered run directory, different or missing data and a different model
 * are results. On MC_OK *out is the outcome (validation_path NULL; caller
 * frees with mc_outcome_free). Errors: MC_EINPUT when run_dir is not a run
 * directory (or its spec.json is not a valid spec), MC_ENOTFOUND, MC_EIO,
 * MC_ENOMEM. When only the audit append failed, *out is set as well and the
 * audit error returned; otherwise *out is left NULL on error. */
int mc_reproduce(mc_outcome **out, const mc_reproduce_options *opt);

#endif
