/* The spec language v1: a whole ML pipeline as one YAML document
 * (apiVersion: modelcert/v1, kind: Pipeline). docs/spec.md is the reference.
 *
 * mc_spec_load reads a file into these typed structs, strictly: every problem
 * is reported with file:line:col, all of them, like a compiler. The spec digest
 * is the SHA-256 of the normalised spec (defaults filled in) as canonical
 * JSON (RFC 8785): formatting and key order do not change it, values do. */
#ifndef MC_SPEC_H
#define MC_SPEC_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "mc_diag.h"
#include "mc_hash.h"
#include "mc_spec_enums.h"

#define MC_SPEC_API_VERSION "modelcert/v1"
#define MC_SPEC_LIST(T) struct { T *items; size_t count; }
#define MC_SLICE_MAX_EDGES 99 /* metrics.slices bins: at most 99 edges (100 groups) */

typedef MC_SPEC_LIST(char *) mc_strlist;

/* The enums (mc_column_kind, mc_step_type, mc_activation, mc_loss, mc_metric,
 * mc_task, ...) and their name tables are in mc_spec_enums.h. The int members
 * below hold their values. */

/* ---- sections ----------------------------------------------------------- */

typedef struct { char *key; char *value; } mc_label;

typedef struct mc_metadata {
    char *name, *version, *owner, *description;
    MC_SPEC_LIST(mc_label) labels;
} mc_metadata;

typedef struct { char *key; int kind; /* mc_column_kind */ } mc_column_type;

typedef struct mc_split {
    double test_fraction, validation_fraction;
    bool stratify, shuffle;
    long long seed;
} mc_split;

typedef struct mc_data {
    char *source;  /* relative to the spec file's directory */
    char *target;
    char *sha256;  /* NULL: not pinned */
    char *delimiter;
    mc_strlist missing_values;
    MC_SPEC_LIST(mc_column_type) columns;
    mc_split split;
} mc_data;

typedef struct mc_step {
    int type; /* mc_step_type */
    mc_strlist columns; /* empty: every applicable column */
    int strategy;       /* fill_missing */
    char *value;        /* fill_missing constant */
    int handle_unknown; /* one_hot */
    long long max_categories;
    int axis;           /* l2_normalize */
    double feature_min, feature_max;
    char *salt_env;     /* hash */
    long long keep_last; /* mask */
    char *mask_char;
    double bin_width;   /* generalize */
    bool has_bin_width;
    long long prefix_length;
    bool has_prefix_length;
    int date_part;      /* generalize.date: mc_date_part */
    bool has_date;
} mc_step;

typedef struct mc_layer {
    int type; /* mc_layer_type */
    long long units;
    int activation, kernel_initializer, bias_initializer;
    double negative_slope; /* leaky_relu */
    double rate;           /* dropout */
} mc_layer;

typedef struct mc_architecture {
    long long input; /* 0: auto (the width preprocessing produces) */
    MC_SPEC_LIST(mc_layer) layers;
} mc_architecture;

typedef struct mc_optimizer {
    int type; /* mc_optimizer_type */
    double learning_rate, momentum, beta_1, beta_2, epsilon, weight_decay, rho;
    bool nesterov;
} mc_optimizer;

typedef struct mc_early_stopping {
    char *monitor;
    long long patience;
    double min_delta;
    bool restore_best;
    int mode; /* mc_monitor_mode */
} mc_early_stopping;

typedef struct mc_train_dp {
    double noise_multiplier, max_grad_norm, delta;
    char *secret_env; /* the environment variable holding the noise key */
} mc_train_dp;

typedef struct mc_training {
    mc_optimizer optimizer;
    int loss; /* mc_loss */
    long long epochs, batch_size, seed;
    bool shuffle;
    mc_early_stopping early_stopping;
    bool has_early_stopping;
    int numerics; /* mc_numerics */
    mc_train_dp differential_privacy;
    bool has_differential_privacy;
} mc_training;

/* A slice: the test rows grouped by a column's raw values, or for a numeric column by bins:
 * given edges (bins) or `quantiles` groups whose edges are fitted on the training rows.
 * Edges e1 < ... < en make the groups x < e1, [e1,e2), ..., x >= en. feature: the column
 * may also reach the model (else a run refuses it there: a slice is not a feature unless
 * the spec says so, by this key or by naming the column in a preprocessing step). */
typedef struct mc_slice {
    char *column;
    long long min_size;
    MC_SPEC_LIST(double) bins;
    bool has_bins;
    long long quantiles;
    bool has_quantiles;
    bool feature;
    bool has_feature;
} mc_slice;
/* scoring: 0 is auto (accuracy for classification, r2 for regression), else mc_metric + 1 */
typedef struct mc_importance { long long repeats, seed; int scoring; } mc_importance;

typedef struct mc_metrics {
    MC_SPEC_LIST(int) compute; /* mc_metric */
    int average;               /* mc_average */
    char *positive_label;
    double decision_threshold;
    MC_SPEC_LIST(mc_slice) slices;
    mc_importance importance;
} mc_metrics;

typedef struct mc_change_threshold {
    int direction; /* mc_direction; resolved from the metric when auto */
    double max_absolute_regression, max_relative_regression;
    bool has_max_absolute_regression, has_max_relative_regression;
} mc_change_threshold;

typedef struct mc_metric_threshold {
    char *key; /* metric name */
    double min, max;
    bool has_min, has_max;
    mc_change_threshold change;
    bool has_change;
} mc_metric_threshold;

typedef struct mc_slice_threshold {
    char *slice; /* a column of metrics.slices */
    int metric;
    double min, max, max_gap;
    bool has_min, has_max, has_max_gap;
} mc_slice_threshold;

typedef struct mc_thresholds {
    bool allow_first_release;
    MC_SPEC_LIST(mc_metric_threshold) metrics;
    MC_SPEC_LIST(mc_slice_threshold) slices;
} mc_thresholds;

/* robustness.max_drop[]: the metric may fall at most `max` under `attack` at `strength`
 * (one of the strengths the section lists for that attack). */
typedef struct mc_robust_rule {
    int attack; /* mc_attack */
    double strength, max;
} mc_robust_rule;

/* robustness (docs/robustness.md): the test rows' metric again under Gaussian noise on the
 * numeric input columns (strengths: fractions of each column's training standard deviation)
 * and under FGSM and PGD perturbations within an L-infinity budget (the same unit), and with
 * cells of every input column made missing at stated rates, seeded. */
typedef struct mc_robustness {
    MC_SPEC_LIST(double) noise;
    MC_SPEC_LIST(double) adversarial;
    MC_SPEC_LIST(double) missing; /* rates of cells made missing */
    long long pgd_steps, seed;
    int metric; /* as metrics.importance.scoring: 0 auto, else mc_metric + 1 */
    MC_SPEC_LIST(mc_robust_rule) max_drop;
} mc_robustness;

/* explainability (docs/explanations.md#in-the-run-and-the-gate): the test rows' Integrated
 * Gradients in the run, their mean |attribution| per raw column in metrics.json; the gate
 * fails when one column's share of the total exceeds max_share (when given), or when a
 * reproducibility re-run's columns rank differently: Spearman's correlation below
 * min_rank_correlation (when given). */
typedef struct mc_explainability {
    double tolerance, max_share, min_rank_correlation;
    bool has_max_share, has_min_rank_correlation;
} mc_explainability;

typedef struct mc_tolerance { double absolute, relative; } mc_tolerance;

typedef struct mc_repro_tolerance { mc_tolerance weights, metrics; } mc_repro_tolerance;

typedef struct mc_reproducibility {
    long long runs;
    int mode; /* mc_repro_mode */
    mc_repro_tolerance tolerance; /* only meaningful, and only allowed, in tolerance mode */
} mc_reproducibility;

typedef struct { char *column; int transform; /* mc_pii_transform */ } mc_pii_column;

typedef struct mc_pii_scan {
    MC_SPEC_LIST(int) detectors; /* mc_pii_detector */
    long long sample_rows;
    int action; /* mc_action */
    mc_strlist columns;
    long long seed;   /* which rows are sampled when there are more than sample_rows */
    double min_share; /* the share of validated cells that flags a column */
} mc_pii_scan;

typedef struct mc_l_diversity {
    char *sensitive;
    long long l;
    bool entropy; /* also entropy l-diversity: each class's entropy >= log(l) */
} mc_l_diversity;

typedef struct mc_quasi_identifiers {
    mc_strlist columns;
    long long k;
    mc_l_diversity l_diversity;
    bool has_l_diversity;
    double max_suppression;     /* share of records in classes under k that may be suppressed */
    double risk_threshold;      /* prosecutor risk: a record is at risk above this */
    bool has_risk_threshold;
    double max_records_at_risk; /* the share of records at risk allowed */
} mc_quasi_identifiers;

typedef struct mc_dp_budget { double max_epsilon, delta; } mc_dp_budget;
typedef struct mc_membership { double max_auc; long long sample_rows; } mc_membership;

typedef struct mc_privacy {
    MC_SPEC_LIST(mc_pii_column) pii_columns;
    mc_pii_scan pii_scan;
    bool has_pii_scan;
    mc_quasi_identifiers quasi_identifiers;
    bool has_quasi_identifiers;
    mc_strlist forbidden_features;
    mc_dp_budget differential_privacy;
    bool has_differential_privacy;
    mc_membership membership_inference;
    bool has_membership_inference;
} mc_privacy;

typedef struct mc_signing {
    int format; /* mc_sign_format */
    char *key;  /* file:PATH (relative to the spec), env:VAR, or PATH */
    char *identity;
    MC_SPEC_LIST(int) sign; /* mc_sign_what */
} mc_signing;

/* protection (docs/encryption.md, "Encrypted runs"): the model is written only encrypted,
 * in the age format, to these recipients. */
typedef struct mc_protection {
    mc_strlist encrypt_to;   /* age1... recipients */
    char *recipients_file;   /* a recipients file, relative to the spec; NULL: none */
    bool require_encryption; /* validate fails a run that would leave a clear model */
} mc_protection;
/* model: an ONNX model trained elsewhere, gated in place of architecture and training
 * (docs/onnx.md "Gating an ONNX model"). */
typedef struct mc_model_ref {
    char *source;      /* the .onnx file, relative to the spec's directory */
    char *sha256;      /* its pinned digest: the gate runs on exactly these bytes */
    int task;          /* mc_task */
    int scores;        /* mc_scores: what the output holds */
    char *output;      /* the graph output read; NULL: the first */
    mc_strlist inputs; /* one [N, F] tensor of these columns after preprocessing, in order;
                          empty: every graph input is the raw column of its name */
} mc_model_ref;

typedef struct mc_spec_doc {
    int api_version, kind;
    mc_metadata metadata;
    mc_data data;
    MC_SPEC_LIST(mc_step) preprocessing;
    mc_model_ref model;
    bool has_model;
    mc_architecture architecture;
    bool has_architecture;
    mc_training training;
    bool has_training;
    mc_metrics metrics;
    mc_thresholds thresholds;
    bool has_thresholds;
    mc_reproducibility reproducibility;
    bool has_reproducibility;
    mc_robustness robustness;
    bool has_robustness;
    mc_explainability explainability;
    bool has_explainability;
    mc_privacy privacy;
    bool has_privacy;
    mc_signing signing;
    bool has_signing;
    mc_protection protection;
    bool has_protection;
} mc_spec_doc;

/* ---- the loaded spec ---------------------------------------------------- */

typedef struct mc_spec mc_spec;

/* Loads and checks `path` ("-" for stdin). Every problem found goes to
 * `diags` (errors and warnings). Returns MC_OK with *out set, MC_EINPUT when
 * the spec has errors (*out NULL), MC_ENOTFOUND/MC_EIO/MC_ENOMEM otherwise. */
int mc_spec_load(mc_spec **out, mc_diags *diags, const char *path);
/* The same from memory; `name` is used in messages and resolves data paths. */
int mc_spec_load_buffer(mc_spec **out, mc_diags *diags, const char *name, const char *text,
                        size_t len);
void mc_spec_free(mc_spec *spec);

/* `modelcert check` over several files: each spec's diagnostics, and its
 * digest and loaded form when it is valid. */
typedef struct mc_check_result {
    const char *path;     /* as given (not copied) */
    mc_diags *diags;      /* every problem found */
    const char *digest;   /* NULL when the spec is invalid; else points at digest_hex */
    char digest_hex[MC_SHA256_HEX_LEN + 1];
    mc_spec *spec;        /* the loaded spec when valid, else NULL */
    mc_spec *bound;       /* when only the cross-field rules failed: the spec as bound, which
                             check's data pass still reads (every error in one pass); else NULL */
} mc_check_result;

/* Loads and checks paths[0..n); an invalid spec is a result, not an error.
 * *out gets n results (free with mc_check_results_free). Errors only for
 * what stops checking: MC_ENOTFOUND, MC_EIO, MC_ENOMEM. */
int mc_spec_check_files(mc_check_result **out, const char *const *paths, size_t n);
/* Frees n results and what they hold; NULL is fine. */
void mc_check_results_free(mc_check_result *r, size_t n);

/* The typed document, owned by spec. */
const mc_spec_doc *mc_spec_doc_get(const mc_spec *spec);
/* The file it came from, and the directory data paths are relative to. */
const char *mc_spec_path(const mc_spec *spec);
const char *mc_spec_dir(const mc_spec *spec);
/* binary, multiclass or regression, from the loss. */
mc_task mc_spec_task(const mc_spec *spec);


/* Sets the last error (MC_EINPUT) at the place `addr` was written in the
 * spec, for problems found later, against the data; returns MC_EINPUT. */
int mc_spec_error(const mc_spec *spec, const void *addr, const char *fmt, ...) MC_PRINTF(3, 4);

/* Adds a diagnostic to diags at the place `addr` was written in the spec (else
 * where the object `container` was, else the top of the file), for problems
 * found against the data (`check`'s data pass). MC_ENOMEM. */
int mc_spec_diag(const mc_spec *spec, mc_diags *diags, mc_severity sev, const void *addr,
                 const void *container, const char *fmt, ...) MC_PRINTF(6, 7);

/* Normalised spec: a new reference the caller decrefs. */
int mc_spec_normalized(json_t **out, const mc_spec *spec);
/* SHA-256 (hex) of the canonical JSON of the normalised spec. */
int mc_spec_digest(char hex[MC_SHA256_HEX_LEN + 1], const mc_spec *spec);

/* ---- confinement: what an untrusted spec may name ---------------------- */

/* A spec from a pull request is untrusted (docs/security.md, "Untrusted
 * specs"). Every path it names must resolve (symlinks followed) inside its
 * project root: the nearest directory at or above the spec's own directory
 * that holds `.git` or `.modelcert/`, else the spec's own directory. Every
 * environment variable it names must start with MODELCERT_. A trusted
 * pipeline widens both here. */
typedef struct mc_confinement {
    const char *const *allow_paths; /* directories also allowed (--allow-path) */
    size_t n_allow_paths;
    const char *const *allow_envs;  /* variable names also allowed (--allow-env) */
    size_t n_allow_envs;
    const char *root;               /* NULL: the spec's project root; else this directory */
} mc_confinement;

#define MC_CONFINE_ENV_PREFIX "MODELCERT_"

/* The project root for a spec in directory `dir` (the rule above), resolved
 * with realpath; *out is the caller's. MC_ENOTFOUND when dir does not exist,
 * MC_ENOMEM. */
int mc_spec_project_root(char **out, const char *dir);

/* Whether `path` (relative paths taken from `base`) resolves, symlinks
 * followed, inside `root` or a directory of `allow` (and of the
 * colon-separated MODELCERT_ALLOW_PATHS). *inside is 1 or 0; *resolved (may
 * be NULL) gets the resolved path, the caller's. A path that does not exist
 * yet is resolved as far as it exists and the rest taken lexically.
 * Errors: MC_ENOMEM. */
int mc_confine_path(int *inside, char **resolved, const char *base, const char *path,
                    const char *root, const mc_confinement *allow);

/* Checks every path key (data.source, signing.key's file:PATH or PATH,
 * protection.recipients_file) and
 * every environment variable name (preprocessing hash steps' salt_env,
 * signing.key's env:VAR) of spec against the confinement (NULL: the
 * defaults). Nothing is read. A refusal is MC_EINPUT located at the key
 * (mc_spec_error), naming the key and the resolved path or the variable;
 * MC_ENOMEM otherwise. Run, validate and check call it before any data is read. */
int mc_spec_check_paths(const mc_spec *spec, const mc_confinement *allow);

/* `check` with confinement: each valid result in r[0..n) that
 * mc_spec_check_paths refuses becomes invalid (its diagnostic added, digest
 * and spec cleared). Errors: MC_ENOMEM. */
int mc_check_results_confine(mc_check_result *r, size_t n, const mc_confinement *allow);

#endif
