/* Running a spec end to end with the reference engine: load and pin-check the
 * data, split, fit preprocessing on the training rows, train, evaluate on the
 * test rows (overall, per slice, permutation importance), and produce the
 * model artifact and the run's records. mc_run_write (mc_run_dir.h) puts them
 * in a run directory atomically. */
#ifndef MC_RUN_H
#define MC_RUN_H

#include <jansson.h>
#include <stddef.h>

#include "mc_hash.h"
#include "mc_spec.h"
#include "mc_run_dir.h"
#include "mc_table.h"
#include "mc_train.h"

typedef struct mc_run_options {
    int threads;   /* 0: every core */
    int numerics;  /* -1: as the spec says; else mc_numerics */
    const char *data_path; /* NULL: data.source, relative to the spec's directory */
    const char *audit_path; /* the audit trail the run's event goes to (absolute), recorded in
                               run.json as audit.path; NULL: none (no "audit" in run.json) */
    mc_train_progress_fn progress;
    void *progress_ctx;
    /* Called once preprocessing is fitted, before training: the training rows
     * as the network sees them (every step applied, the target kept) and the
     * data as loaded, whole (train->row_index indexes its rows). A non-MC_OK
     * return stops the run. NULL: none. (validate's privacy measures.) */
    int (*training_view)(void *ctx, const mc_table *train, const mc_table *raw);
    void *training_view_ctx;
    /* Called by the robustness measures (a spec's robustness section) with each
     * adversarial attack's rows: `attack` "fgsm" or "pgd", its strength, and the test
     * rows the model predicts, raw, with their numeric input cells perturbed (row_index:
     * their 0-based data rows). A non-MC_OK return stops the run. NULL: none. (The rows
     * themselves, for a check against another framework: tests/e2e/robust_rows.c.) */
    int (*perturbed_rows)(void *ctx, const char *attack, double strength, const mc_table *rows);
    void *perturbed_rows_ctx;
} mc_run_options;

/* The inputs of a loss-threshold membership-inference attack: each sampled
 * row's loss under the model, for training rows (members) and held-out rows
 * (validation and test: non-members). */
typedef struct mc_membership_losses {
    double *member, *nonmember;
    size_t n_member, n_nonmember;
} mc_membership_losses;

typedef struct mc_run {
    json_t *record;         /* run.json */
    json_t *metrics;        /* metrics.json */
    json_t *normalized;     /* spec.json: the normalised spec */
    char *history_csv;      /* history.csv */
    char *predictions_csv;  /* test_predictions.csv */
    unsigned char *model;   /* model.mcm's bytes (in memory: an encrypted run never writes them) */
    size_t model_len;
    const char *model_file; /* the model's file in the run directory; NULL: model.mcm;
                               MC_RUN_FILE_MODEL_AGE when the spec has a protection section
                               (then mc_run_write refuses to write it without a writer);
                               model.onnx for an ONNX model gated by the spec's model: */
    char run_id[33];        /* random, unique to this run: ties the run directory to its audit event */
    char model_digest[MC_SHA256_HEX_LEN + 1];
    char data_digest[MC_SHA256_HEX_LEN + 1];
    char spec_digest[MC_SHA256_HEX_LEN + 1];
    mc_membership_losses membership; /* with privacy.membership_inference, else empty */
    char *membership_csv;   /* membership_losses.csv: the sampled rows and their losses */
} mc_run;

/* Runs spec end to end (docs/engine.md) and returns its outputs in *out
 * (free with mc_run_free). Bad spec or data is MC_EINPUT with the spec or data
 * location; nothing is written anywhere (mc_run_write does that). */
int mc_run_execute(mc_run **out, const mc_spec *spec, const mc_run_options *opt);
/* MC_EINPUT, explaining, when the spec trains with differential privacy and
 * the secret its training.differential_privacy.secret_env names is missing or
 * short (what mc_run_execute would refuse first); `reproduce` asks before
 * any work. */
int mc_run_check_secrets(const mc_spec *spec);
/* The training rows of spec's run as the network sees them (the data read and pin-checked,
 * split, the preprocessing fitted and applied, as mc_run_execute does, no training): x[n][d]
 * and each row's 0-based data row. `explain` takes them as its background. MC_EINPUT when
 * the fitted features are not expect's (the model is not this run's), else as
 * mc_run_execute. Free x and rows with free(). */
typedef struct mc_training_features {
    float *x;
    size_t *rows;
    size_t n, d;
} mc_training_features;
struct mc_pipeline;
int mc_run_training_features(mc_training_features *out, const mc_spec *spec,
                             const mc_run_options *opt, const struct mc_pipeline *expect);

/* Frees a run; NULL is safe. */
void mc_run_free(mc_run *run);

#endif
