/* The spec language v1 as schema tables (see mc_schema.h). Keep docs/spec.md
 * in step with this file and mc_spec_enums.h (the names of the enums): it is
 * the human-readable form of these tables. */
#include "mc_spec_schema.h"

#include <stddef.h>

#define ARR(a) a, (sizeof(a) / sizeof((a)[0]))
#define NOP MC_NO_PRESENCE
#define PRES(T, h) ((ptrdiff_t)offsetof(T, h))

#define F_STR(T, m, k, fl, d) \
    {.key = k, .type = MC_FT_STRING, .off = offsetof(T, m), .flags = fl, .def = d, .present_off = NOP}
#define F_INT(T, m, k, fl, d, lo, hi) \
    {.key = k, .type = MC_FT_INT, .off = offsetof(T, m), .flags = fl, .def = d, .min = lo, .max = hi, .present_off = NOP}
#define F_NUM(T, m, k, fl, d, lo, hi) \
    {.key = k, .type = MC_FT_NUMBER, .off = offsetof(T, m), .flags = fl, .def = d, .min = lo, .max = hi, .present_off = NOP}
#define F_NUM_OPT(T, m, h, k, fl, lo, hi) \
    {.key = k, .type = MC_FT_NUMBER, .off = offsetof(T, m), .flags = fl, .min = lo, .max = hi, .present_off = PRES(T, h)}
#define F_INT_OPT(T, m, h, k, fl, lo, hi) \
    {.key = k, .type = MC_FT_INT, .off = offsetof(T, m), .flags = fl, .min = lo, .max = hi, .present_off = PRES(T, h)}
#define F_BOOL(T, m, k, d) \
    {.key = k, .type = MC_FT_BOOL, .off = offsetof(T, m), .def = d, .present_off = NOP}
#define F_ENUM(T, m, k, fl, d, nm) \
    {.key = k, .type = MC_FT_ENUM, .off = offsetof(T, m), .flags = fl, .def = d, .names = nm, .present_off = NOP}
#define F_ENUM_OPT(T, m, h, k, nm) \
    {.key = k, .type = MC_FT_ENUM, .off = offsetof(T, m), .names = nm, .present_off = PRES(T, h)}
#define F_OBJ(T, m, k, fl, d, sb) \
    {.key = k, .type = MC_FT_OBJECT, .off = offsetof(T, m), .flags = fl, .def = d, .sub = &sb, .present_off = NOP}
#define F_OBJ_OPT(T, m, h, k, sb) \
    {.key = k, .type = MC_FT_OBJECT, .off = offsetof(T, m), .sub = &sb, .present_off = PRES(T, h)}
#define F_LIST(T, m, k, fl, d, lo, hi, el, ET) \
    {.key = k, .type = MC_FT_LIST, .off = offsetof(T, m), .flags = fl, .def = d, .min = lo, .max = hi, .elem = &el, .elem_size = sizeof(ET), .present_off = NOP}
#define F_MAP(T, m, k, nm, el, ET) \
    {.key = k, .type = MC_FT_MAP, .off = offsetof(T, m), .def = "{}", .names = nm, .elem = &el, .elem_size = sizeof(ET), .present_off = NOP}

/* The variants of a tagged union whose tag is an enum: one per value, made
 * from the enum's list (mc_spec_enums.h), so the variant at index ID, the
 * value the tag binds to, is named as the enum names ID and has the keys
 * fields_ID (which must exist for every value). */
#define VARIANT(id, name) [id] = {name, ARR(fields_##id)},

#define REQ MC_FF_REQUIRED
#define LO MC_FF_MIN
#define HI MC_FF_MAX
#define LO_OPEN MC_FF_MIN_OPEN
#define HI_OPEN MC_FF_MAX_OPEN

/* ---- names ---------------------------------------------------------------- */

static const char *const mc_names_api_version[] = {MC_SPEC_API_VERSION, NULL};
static const char *const mc_names_kind[] = {"Pipeline", NULL};
/* The enums' names (mc_names_step, mc_names_activation, ...) are generated
 * with the enums: mc_spec_enums.h. */

/* Elements of lists and maps. */
static const mc_field elem_string = {.type = MC_FT_STRING, .present_off = NOP};
static const mc_field elem_metric = {.type = MC_FT_ENUM, .names = mc_names_metric, .present_off = NOP};
static const mc_field elem_detector = {.type = MC_FT_ENUM, .names = mc_names_detector, .present_off = NOP};
static const mc_field elem_sign_what = {.type = MC_FT_ENUM, .names = mc_names_sign_what, .present_off = NOP};
static const mc_field elem_label_value = {.type = MC_FT_STRING, .off = offsetof(mc_label, value), .present_off = NOP};
static const mc_field elem_column_kind = {.type = MC_FT_ENUM, .off = offsetof(mc_column_type, kind), .names = mc_names_column_kind, .present_off = NOP};

#define STRLIST(T, m, k, fl, d, lo) F_LIST(T, m, k, (fl) | MC_FF_UNIQUE, d, lo, 0, elem_string, char *)

/* ---- metadata ------------------------------------------------------------- */

static const mc_field metadata_fields[] = {
    F_STR(mc_metadata, name, "name", REQ | MC_FF_NONEMPTY, NULL),
    F_STR(mc_metadata, version, "version", 0, NULL),
    F_STR(mc_metadata, owner, "owner", 0, NULL),
    F_STR(mc_metadata, description, "description", 0, NULL),
    F_MAP(mc_metadata, labels, "labels", NULL, elem_label_value, mc_label),
};
static const mc_schema metadata_schema = {"metadata", sizeof(mc_metadata), ARR(metadata_fields), NULL, 0, NULL, 0};

/* ---- data ----------------------------------------------------------------- */

static const mc_field split_fields[] = {
    F_NUM(mc_split, test_fraction, "test_fraction", LO_OPEN | HI_OPEN, "0.2", 0, 1),
    F_NUM(mc_split, validation_fraction, "validation_fraction", LO | HI_OPEN, "0", 0, 1),
    F_BOOL(mc_split, stratify, "stratify", "false"),
    F_BOOL(mc_split, shuffle, "shuffle", "false"),
    F_INT(mc_split, seed, "seed", LO, "0", 0, 0),
};
static const mc_schema split_schema = {"data.split", sizeof(mc_split), ARR(split_fields), NULL, 0, NULL, 0};

static const mc_field data_fields[] = {
    F_STR(mc_data, source, "source", REQ | MC_FF_NONEMPTY, NULL),
    F_STR(mc_data, target, "target", REQ | MC_FF_NONEMPTY, NULL),
    F_STR(mc_data, sha256, "sha256", 0, NULL),
    F_STR(mc_data, delimiter, "delimiter", MC_FF_NONEMPTY, "\",\""),
    F_LIST(mc_data, missing_values, "missing_values", MC_FF_UNIQUE, "[\"\", NA, NaN, \"null\"]", 0, 0,
           elem_string, char *),
    F_MAP(mc_data, columns, "columns", NULL, elem_column_kind, mc_column_type),
    F_OBJ(mc_data, split, "split", 0, NULL, split_schema),
};
static const mc_schema data_schema = {"data", sizeof(mc_data), ARR(data_fields), NULL, 0, NULL, 0};

/* ---- preprocessing ---------------------------------------------------------- */

#define COLS_ANY STRLIST(mc_step, columns, "columns", 0, "[]", 0)
#define COLS_REQ STRLIST(mc_step, columns, "columns", REQ | LO, NULL, 1)

static const mc_field fields_MC_STEP_DROPNA[] = {COLS_ANY};
static const mc_field fields_MC_STEP_DROP_COLUMNS[] = {COLS_REQ};
static const mc_field fields_MC_STEP_SELECT_COLUMNS[] = {COLS_REQ};
static const mc_field fields_MC_STEP_FILL_MISSING[] = {
    COLS_ANY,
    F_ENUM(mc_step, strategy, "strategy", 0, "mean", mc_names_fill),
    F_STR(mc_step, value, "value", 0, NULL),
};
static const mc_field fields_MC_STEP_ONE_HOT[] = {
    COLS_REQ,
    F_ENUM(mc_step, handle_unknown, "handle_unknown", 0, "error", mc_names_unknown),
    F_INT(mc_step, max_categories, "max_categories", LO | HI, "100", 2, 10000),
};
static const mc_field fields_MC_STEP_L2_NORMALIZE[] = {
    COLS_ANY,
    F_ENUM(mc_step, axis, "axis", 0, "columns", mc_names_axis),
};
static const mc_field fields_MC_STEP_STANDARDIZE[] = {COLS_ANY};
static const mc_field fields_MC_STEP_MIN_MAX[] = {
    COLS_ANY,
    F_NUM(mc_step, feature_min, "feature_min", 0, "0", 0, 0),
    F_NUM(mc_step, feature_max, "feature_max", 0, "1", 0, 0),
};
static const mc_field fields_MC_STEP_HASH[] = {
    COLS_REQ,
    F_STR(mc_step, salt_env, "salt_env", MC_FF_NONEMPTY, NULL),
};
static const mc_field fields_MC_STEP_MASK[] = {
    COLS_REQ,
    F_INT(mc_step, keep_last, "keep_last", LO | HI, "4", 0, 64),
    F_STR(mc_step, mask_char, "mask_char", MC_FF_NONEMPTY, "\"*\""),
};
static const mc_field fields_MC_STEP_GENERALIZE[] = {
    COLS_REQ,
    F_NUM_OPT(mc_step, bin_width, has_bin_width, "bin_width", LO_OPEN, 0, 0),
    F_INT_OPT(mc_step, prefix_length, has_prefix_length, "prefix_length", LO, 0, 0),
    F_ENUM_OPT(mc_step, date_part, has_date, "date", mc_names_date_part),
};
static const mc_variant step_variants[] = {MC_STEP_TYPE_LIST(VARIANT)};
static const mc_schema step_schema = {
    "preprocessing step", sizeof(mc_step), NULL, 0, "type", offsetof(mc_step, type), ARR(step_variants)};
static const mc_field elem_step = {.type = MC_FT_OBJECT, .sub = &step_schema, .present_off = NOP};

/* ---- architecture ------------------------------------------------------------ */

static int dense_is_leaky(const void *obj)
{
    return ((const mc_layer *)obj)->activation == MC_ACT_LEAKY_RELU;
}

static const mc_field fields_MC_LAYER_DENSE[] = {
    F_INT(mc_layer, units, "units", REQ | LO | HI, NULL, 1, 65536),
    F_ENUM(mc_layer, activation, "activation", 0, "linear", mc_names_activation),
    F_ENUM(mc_layer, kernel_initializer, "kernel_initializer", 0, "glorot_uniform", mc_names_initializer),
    F_ENUM(mc_layer, bias_initializer, "bias_initializer", 0, "zeros", mc_names_initializer),
    {.key = "negative_slope", .type = MC_FT_NUMBER, .off = offsetof(mc_layer, negative_slope),
     .flags = LO, .def = "0.2", .present_off = NOP, .applies = dense_is_leaky,
     .applies_msg = "applies only to activation leaky_relu"},
};
static const mc_field fields_MC_LAYER_DROPOUT[] = {
    F_NUM(mc_layer, rate, "rate", REQ | LO | HI_OPEN, NULL, 0, 1),
};
static const mc_variant layer_variants[] = {MC_LAYER_TYPE_LIST(VARIANT)};
static const mc_schema layer_schema = {
    "layer", sizeof(mc_layer), NULL, 0, "type", offsetof(mc_layer, type), ARR(layer_variants)};
static const mc_field elem_layer = {.type = MC_FT_OBJECT, .sub = &layer_schema, .present_off = NOP};

static const mc_field architecture_fields[] = {
    F_INT(mc_architecture, input, "input", MC_FF_AUTO | LO | HI, "auto", 1, 1000000),
    F_LIST(mc_architecture, layers, "layers", REQ | LO | HI, NULL, 1, 64, elem_layer, mc_layer),
};
static const mc_schema architecture_schema = {"architecture", sizeof(mc_architecture), ARR(architecture_fields), NULL, 0, NULL, 0};

/* ---- training ------------------------------------------------------------ */

#define LR(d) F_NUM(mc_optimizer, learning_rate, "learning_rate", LO_OPEN, d, 0, 0)
#define BETAS \
    F_NUM(mc_optimizer, beta_1, "beta_1", LO | HI_OPEN, "0.9", 0, 1), \
    F_NUM(mc_optimizer, beta_2, "beta_2", LO | HI_OPEN, "0.999", 0, 1)
#define EPS F_NUM(mc_optimizer, epsilon, "epsilon", LO_OPEN, "1e-7", 0, 0)
#define MOMENTUM F_NUM(mc_optimizer, momentum, "momentum", LO | HI_OPEN, "0", 0, 1)

static const mc_field fields_MC_OPT_SGD[] = {LR("0.01"), MOMENTUM, F_BOOL(mc_optimizer, nesterov, "nesterov", "false")};
static const mc_field fields_MC_OPT_ADAM[] = {LR("0.001"), BETAS, EPS};
static const mc_field fields_MC_OPT_ADAMW[] = {
    LR("0.001"), BETAS, EPS, F_NUM(mc_optimizer, weight_decay, "weight_decay", LO, "0.004", 0, 0)};
static const mc_field fields_MC_OPT_RMSPROP[] = {
    LR("0.001"), F_NUM(mc_optimizer, rho, "rho", LO | HI_OPEN, "0.9", 0, 1), MOMENTUM, EPS};
static const mc_variant optimizer_variants[] = {MC_OPTIMIZER_TYPE_LIST(VARIANT)};
static const mc_schema optimizer_schema = {"optimizer", sizeof(mc_optimizer), NULL, 0, "type",
                                           offsetof(mc_optimizer, type), ARR(optimizer_variants)};

static const mc_field early_stopping_fields[] = {
    F_STR(mc_early_stopping, monitor, "monitor", MC_FF_NONEMPTY, "val_loss"),
    F_INT(mc_early_stopping, patience, "patience", LO, "5", 0, 0),
    F_NUM(mc_early_stopping, min_delta, "min_delta", LO, "0", 0, 0),
    F_BOOL(mc_early_stopping, restore_best, "restore_best", "true"),
    F_ENUM(mc_early_stopping, mode, "mode", 0, "auto", mc_names_monitor_mode),
};
static const mc_schema early_stopping_schema = {"training.early_stopping", sizeof(mc_early_stopping), ARR(early_stopping_fields), NULL, 0, NULL, 0};

static const mc_field train_dp_fields[] = {
    F_NUM(mc_train_dp, noise_multiplier, "noise_multiplier", REQ | LO, NULL, 0, 0),
    F_NUM(mc_train_dp, max_grad_norm, "max_grad_norm", LO_OPEN, "1.0", 0, 0),
    F_NUM(mc_train_dp, delta, "delta", LO_OPEN | HI_OPEN, "1e-5", 0, 1),
    F_STR(mc_train_dp, secret_env, "secret_env", MC_FF_NONEMPTY, "MODELCERT_DP_SECRET"),
};
static const mc_schema train_dp_schema = {"training.differential_privacy", sizeof(mc_train_dp), ARR(train_dp_fields), NULL, 0, NULL, 0};

static const mc_field training_fields[] = {
    F_OBJ(mc_training, optimizer, "optimizer", 0, "adam", optimizer_schema),
    F_ENUM(mc_training, loss, "loss", REQ, NULL, mc_names_loss),
    F_INT(mc_training, epochs, "epochs", REQ | LO | HI, NULL, 1, 100000),
    F_INT(mc_training, batch_size, "batch_size", LO | HI, "32", 1, 1 << 20),
    F_BOOL(mc_training, shuffle, "shuffle", "true"),
    F_INT(mc_training, seed, "seed", LO, "0", 0, 0),
    F_OBJ_OPT(mc_training, early_stopping, has_early_stopping, "early_stopping", early_stopping_schema),
    F_ENUM(mc_training, numerics, "numerics", 0, "fast", mc_names_numerics),
    F_OBJ_OPT(mc_training, differential_privacy, has_differential_privacy, "differential_privacy", train_dp_schema),
};
static const mc_schema training_schema = {"training", sizeof(mc_training), ARR(training_fields), NULL, 0, NULL, 0};

/* ---- metrics -------------------------------------------------------------- */

static const mc_field elem_number = {.type = MC_FT_NUMBER, .present_off = NOP};
static const mc_field slice_fields[] = {
    F_STR(mc_slice, column, "column", REQ | MC_FF_NONEMPTY, NULL),
    F_INT(mc_slice, min_size, "min_size", LO, "30", 1, 0),
    /* optional, so a spec without them keeps its normalised form (and digest) */
    {.key = "bins", .type = MC_FT_LIST, .off = offsetof(mc_slice, bins), .flags = LO | HI,
     .min = 1, .max = MC_SLICE_MAX_EDGES, .elem = &elem_number, .elem_size = sizeof(double),
     .present_off = PRES(mc_slice, has_bins)},
    F_INT_OPT(mc_slice, quantiles, has_quantiles, "quantiles", LO | HI, 2, MC_SLICE_MAX_EDGES + 1),
    {.key = "feature", .type = MC_FT_BOOL, .off = offsetof(mc_slice, feature),
     .present_off = PRES(mc_slice, has_feature)},
};
static const mc_schema slice_schema = {"metrics.slices", sizeof(mc_slice), ARR(slice_fields), NULL, 0, NULL, 0};
static const mc_field elem_slice = {.type = MC_FT_OBJECT, .sub = &slice_schema, .present_off = NOP};

static const mc_field importance_fields[] = {
    F_INT(mc_importance, repeats, "repeats", LO | HI, "5", 1, 100),
    F_INT(mc_importance, seed, "seed", LO, "0", 0, 0),
    F_ENUM(mc_importance, scoring, "scoring", 0, "auto", mc_names_scoring),
};
static const mc_schema importance_schema = {"metrics.importance", sizeof(mc_importance), ARR(importance_fields), NULL, 0, NULL, 0};

static const mc_field metrics_fields[] = {
    F_LIST(mc_metrics, compute, "compute", REQ | LO | MC_FF_UNIQUE, NULL, 1, 0, elem_metric, int),
    F_ENUM(mc_metrics, average, "average", 0, "auto", mc_names_average),
    F_STR(mc_metrics, positive_label, "positive_label", MC_FF_NONEMPTY, "\"1\""),
    F_NUM(mc_metrics, decision_threshold, "decision_threshold", LO_OPEN | HI_OPEN, "0.5", 0, 1),
    F_LIST(mc_metrics, slices, "slices", 0, "[]", 0, 0, elem_slice, mc_slice),
    F_OBJ(mc_metrics, importance, "importance", 0, NULL, importance_schema),
};
static const mc_schema metrics_schema = {"metrics", sizeof(mc_metrics), ARR(metrics_fields), NULL, 0, NULL, 0};

/* ---- thresholds --------------------------------------------------------------- */

static const mc_field change_fields[] = {
    F_ENUM(mc_change_threshold, direction, "direction", 0, "auto", mc_names_direction),
    F_NUM_OPT(mc_change_threshold, max_absolute_regression, has_max_absolute_regression,
              "max_absolute_regression", LO, 0, 0),
    F_NUM_OPT(mc_change_threshold, max_relative_regression, has_max_relative_regression,
              "max_relative_regression", LO, 0, 0),
};
static const mc_schema change_schema = {"change threshold", sizeof(mc_change_threshold), ARR(change_fields), NULL, 0, NULL, 0};

static const mc_field metric_threshold_fields[] = {
    F_NUM_OPT(mc_metric_threshold, min, has_min, "min", 0, 0, 0),
    F_NUM_OPT(mc_metric_threshold, max, has_max, "max", 0, 0, 0),
    F_OBJ_OPT(mc_metric_threshold, change, has_change, "change", change_schema),
};
static const mc_schema metric_threshold_schema = {"metric threshold", sizeof(mc_metric_threshold), ARR(metric_threshold_fields), NULL, 0, NULL, 0};
static const mc_field elem_metric_threshold = {.type = MC_FT_OBJECT, .sub = &metric_threshold_schema,
                                               .present_off = NOP};

static const mc_field slice_threshold_fields[] = {
    F_STR(mc_slice_threshold, slice, "slice", REQ | MC_FF_NONEMPTY, NULL),
    F_ENUM(mc_slice_threshold, metric, "metric", REQ, NULL, mc_names_metric),
    F_NUM_OPT(mc_slice_threshold, min, has_min, "min", 0, 0, 0),
    F_NUM_OPT(mc_slice_threshold, max, has_max, "max", 0, 0, 0),
    F_NUM_OPT(mc_slice_threshold, max_gap, has_max_gap, "max_gap", LO, 0, 0),
};
static const mc_schema slice_threshold_schema = {"slice threshold", sizeof(mc_slice_threshold), ARR(slice_threshold_fields), NULL, 0, NULL, 0};
static const mc_field elem_slice_threshold = {.type = MC_FT_OBJECT, .sub = &slice_threshold_schema,
                                              .present_off = NOP};

static const mc_field thresholds_fields[] = {
    F_BOOL(mc_thresholds, allow_first_release, "allow_first_release", "false"),
    F_MAP(mc_thresholds, metrics, "metrics", mc_names_metric, elem_metric_threshold, mc_metric_threshold),
    F_LIST(mc_thresholds, slices, "slices", 0, "[]", 0, 0, elem_slice_threshold, mc_slice_threshold),
};
static const mc_schema thresholds_schema = {"thresholds", sizeof(mc_thresholds), ARR(thresholds_fields), NULL, 0, NULL, 0};

/* ---- reproducibility --------------------------------------------------------- */

static const mc_field tol_weights_fields[] = {
    F_NUM(mc_tolerance, absolute, "absolute", LO, "1e-6", 0, 0),
    F_NUM(mc_tolerance, relative, "relative", LO, "1e-4", 0, 0),
};
static const mc_schema tol_weights_schema = {"tolerance.weights", sizeof(mc_tolerance), ARR(tol_weights_fields), NULL, 0, NULL, 0};
static const mc_field tol_metrics_fields[] = {
    F_NUM(mc_tolerance, absolute, "absolute", LO, "1e-4", 0, 0),
    F_NUM(mc_tolerance, relative, "relative", LO, "0", 0, 0),
};
static const mc_schema tol_metrics_schema = {"tolerance.metrics", sizeof(mc_tolerance), ARR(tol_metrics_fields), NULL, 0, NULL, 0};
static const mc_field repro_tol_fields[] = {
    F_OBJ(mc_repro_tolerance, weights, "weights", 0, NULL, tol_weights_schema),
    F_OBJ(mc_repro_tolerance, metrics, "metrics", 0, NULL, tol_metrics_schema),
};
static const mc_schema repro_tol_schema = {"reproducibility.tolerance", sizeof(mc_repro_tolerance), ARR(repro_tol_fields), NULL, 0, NULL, 0};
static int repro_is_tolerance(const void *obj)
{
    return ((const mc_reproducibility *)obj)->mode == MC_REPRO_TOLERANCE;
}

static const mc_field repro_fields[] = {
    F_INT(mc_reproducibility, runs, "runs", LO | HI, "1", 1, 20),
    F_ENUM(mc_reproducibility, mode, "mode", 0, "bitwise", mc_names_repro_mode),
    {.key = "tolerance", .type = MC_FT_OBJECT, .off = offsetof(mc_reproducibility, tolerance),
     .sub = &repro_tol_schema, .present_off = NOP, .applies = repro_is_tolerance,
     .applies_msg = "tolerances apply only to mode 'tolerance'; mode 'bitwise' demands identical "
                    "models"},
};
static const mc_schema repro_schema = {"reproducibility", sizeof(mc_reproducibility), ARR(repro_fields), NULL, 0, NULL, 0};

/* ---- robustness ------------------------------------------------------------- */

#define MC_ROBUST_MAX_STRENGTHS 16
static const mc_field elem_strength = {.type = MC_FT_NUMBER, .flags = LO_OPEN | HI, .min = 0,
                                       .max = 100, .present_off = NOP};
static const mc_field elem_rate = {.type = MC_FT_NUMBER, .flags = LO_OPEN | HI, .min = 0,
                                   .max = 1, .present_off = NOP};
static const mc_field robust_rule_fields[] = {
    F_ENUM(mc_robust_rule, attack, "attack", REQ, NULL, mc_names_attack),
    F_NUM(mc_robust_rule, strength, "strength", REQ | LO_OPEN | HI, NULL, 0, 100),
    F_NUM(mc_robust_rule, max, "max", REQ | LO, NULL, 0, 0),
};
static const mc_schema robust_rule_schema = {"robustness.max_drop", sizeof(mc_robust_rule), ARR(robust_rule_fields), NULL, 0, NULL, 0};
static const mc_field elem_robust_rule = {.type = MC_FT_OBJECT, .sub = &robust_rule_schema, .present_off = NOP};

static const mc_field robust_fields[] = {
    F_LIST(mc_robustness, noise, "noise", HI | MC_FF_UNIQUE, "[]", 0, MC_ROBUST_MAX_STRENGTHS,
           elem_strength, double),
    F_LIST(mc_robustness, adversarial, "adversarial", HI | MC_FF_UNIQUE, "[]", 0,
           MC_ROBUST_MAX_STRENGTHS, elem_strength, double),
    F_LIST(mc_robustness, missing, "missing", HI | MC_FF_UNIQUE, "[]", 0,
           MC_ROBUST_MAX_STRENGTHS, elem_rate, double),
    F_INT(mc_robustness, pgd_steps, "pgd_steps", LO | HI, "10", 1, 100),
    F_INT(mc_robustness, seed, "seed", LO, "0", 0, 0),
    F_ENUM(mc_robustness, metric, "metric", 0, "auto", mc_names_scoring),
    F_LIST(mc_robustness, max_drop, "max_drop", 0, "[]", 0, 0, elem_robust_rule, mc_robust_rule),
};
static const mc_schema robust_schema = {"robustness", sizeof(mc_robustness), ARR(robust_fields), NULL, 0, NULL, 0};

/* ---- explainability ----------------------------------------------------------- */

static const mc_field explain_fields[] = {
    F_NUM(mc_explainability, tolerance, "tolerance", LO_OPEN | HI, "1e-6", 0, 0.01),
    F_NUM_OPT(mc_explainability, max_share, has_max_share, "max_share", LO_OPEN | HI, 0, 1),
    F_NUM_OPT(mc_explainability, min_rank_correlation, has_min_rank_correlation,
              "min_rank_correlation", LO | HI, -1, 1),
};
static const mc_schema explain_schema = {"explainability", sizeof(mc_explainability), ARR(explain_fields), NULL, 0, NULL, 0};

/* ---- privacy ------------------------------------------------------------ */

static const mc_field pii_column_fields[] = {
    F_STR(mc_pii_column, column, "column", REQ | MC_FF_NONEMPTY, NULL),
    F_ENUM(mc_pii_column, transform, "transform", REQ, NULL, mc_names_pii_transform),
};
static const mc_schema pii_column_schema = {"privacy.pii_columns", sizeof(mc_pii_column), ARR(pii_column_fields), NULL, 0, NULL, 0};
static const mc_field elem_pii_column = {.type = MC_FT_OBJECT, .sub = &pii_column_schema, .present_off = NOP};

static const mc_field pii_scan_fields[] = {
    F_LIST(mc_pii_scan, detectors, "detectors", LO | MC_FF_UNIQUE,
           "[email, phone, ssn, credit_card, ipv4, iban]", 1, 0, elem_detector, int),
    F_INT(mc_pii_scan, sample_rows, "sample_rows", LO, "1000", 1, 0),
    F_ENUM(mc_pii_scan, action, "action", 0, "fail", mc_names_action),
    STRLIST(mc_pii_scan, columns, "columns", 0, "[]", 0),
    F_INT(mc_pii_scan, seed, "seed", LO, "0", 0, 0),
    F_NUM(mc_pii_scan, min_share, "min_share", LO_OPEN | HI, "0.5", 0, 1),
};
static const mc_schema pii_scan_schema = {"privacy.pii_scan", sizeof(mc_pii_scan), ARR(pii_scan_fields), NULL, 0, NULL, 0};

static const mc_field l_div_fields[] = {
    F_STR(mc_l_diversity, sensitive, "sensitive", REQ | MC_FF_NONEMPTY, NULL),
    F_INT(mc_l_diversity, l, "l", LO, "2", 2, 0),
    F_BOOL(mc_l_diversity, entropy, "entropy", "false"),
};
static const mc_schema l_div_schema = {"privacy.quasi_identifiers.l_diversity", sizeof(mc_l_diversity), ARR(l_div_fields), NULL, 0, NULL, 0};

static const mc_field qi_fields[] = {
    STRLIST(mc_quasi_identifiers, columns, "columns", REQ | LO, NULL, 1),
    F_INT(mc_quasi_identifiers, k, "k", LO, "5", 2, 0),
    F_OBJ_OPT(mc_quasi_identifiers, l_diversity, has_l_diversity, "l_diversity", l_div_schema),
    F_NUM(mc_quasi_identifiers, max_suppression, "max_suppression", LO | HI_OPEN, "0", 0, 1),
    F_NUM_OPT(mc_quasi_identifiers, risk_threshold, has_risk_threshold, "risk_threshold",
              LO_OPEN | HI, 0, 1),
    F_NUM(mc_quasi_identifiers, max_records_at_risk, "max_records_at_risk", LO | HI, "0", 0, 1),
};
static const mc_schema qi_schema = {"privacy.quasi_identifiers", sizeof(mc_quasi_identifiers), ARR(qi_fields), NULL, 0, NULL, 0};

static const mc_field dp_budget_fields[] = {
    F_NUM(mc_dp_budget, max_epsilon, "max_epsilon", REQ | LO_OPEN, NULL, 0, 0),
    F_NUM(mc_dp_budget, delta, "delta", LO_OPEN | HI_OPEN, "1e-5", 0, 1),
};
static const mc_schema dp_budget_schema = {"privacy.differential_privacy", sizeof(mc_dp_budget), ARR(dp_budget_fields), NULL, 0, NULL, 0};

static const mc_field membership_fields[] = {
    F_NUM(mc_membership, max_auc, "max_auc", LO | HI, "0.6", 0.5, 1),
    F_INT(mc_membership, sample_rows, "sample_rows", LO, "1000", 10, 0),
};
static const mc_schema membership_schema = {"privacy.membership_inference", sizeof(mc_membership), ARR(membership_fields), NULL, 0, NULL, 0};

static const mc_field privacy_fields[] = {
    F_LIST(mc_privacy, pii_columns, "pii_columns", 0, "[]", 0, 0, elem_pii_column, mc_pii_column),
    F_OBJ_OPT(mc_privacy, pii_scan, has_pii_scan, "pii_scan", pii_scan_schema),
    F_OBJ_OPT(mc_privacy, quasi_identifiers, has_quasi_identifiers, "quasi_identifiers", qi_schema),
    STRLIST(mc_privacy, forbidden_features, "forbidden_features", 0, "[]", 0),
    F_OBJ_OPT(mc_privacy, differential_privacy, has_differential_privacy, "differential_privacy", dp_budget_schema),
    F_OBJ_OPT(mc_privacy, membership_inference, has_membership_inference, "membership_inference", membership_schema),
};
static const mc_schema privacy_schema = {"privacy", sizeof(mc_privacy), ARR(privacy_fields), NULL, 0, NULL, 0};

/* ---- signing --------------------------------------------------------------- */

static const mc_field signing_fields[] = {
    F_ENUM(mc_signing, format, "format", 0, "model_signing", mc_names_sign_format),
    F_STR(mc_signing, key, "key", REQ | MC_FF_NONEMPTY, NULL),
    F_STR(mc_signing, identity, "identity", 0, NULL),
    F_LIST(mc_signing, sign, "sign", LO | MC_FF_UNIQUE, "[model, metrics, spec]", 1, 0, elem_sign_what, int),
};
static const mc_schema signing_schema = {"signing", sizeof(mc_signing), ARR(signing_fields), NULL, 0, NULL, 0};

/* ---- protection ------------------------------------------------------------- */

static const mc_field protection_fields[] = {
    STRLIST(mc_protection, encrypt_to, "encrypt_to", 0, "[]", 0),
    F_STR(mc_protection, recipients_file, "recipients_file", MC_FF_NONEMPTY, NULL),
    F_BOOL(mc_protection, require_encryption, "require_encryption", "false"),
};
static const mc_schema protection_schema = {"protection", sizeof(mc_protection), ARR(protection_fields), NULL, 0, NULL, 0};
/* ---- model ------------------------------------------------------------------ */

static const mc_field model_fields[] = {
    F_STR(mc_model_ref, source, "source", REQ | MC_FF_NONEMPTY, NULL),
    F_STR(mc_model_ref, sha256, "sha256", REQ | MC_FF_NONEMPTY, NULL),
    F_ENUM(mc_model_ref, task, "task", REQ, NULL, mc_names_task),
    F_ENUM(mc_model_ref, scores, "scores", 0, "probability", mc_names_scores),
    F_STR(mc_model_ref, output, "output", MC_FF_NONEMPTY, NULL),
    /* the columns of the [N, F] tensor, in its order: the normalised form keeps it */
    STRLIST(mc_model_ref, inputs, "inputs", MC_FF_ORDERED, "[]", 0),
};
static const mc_schema model_schema = {"model", sizeof(mc_model_ref), ARR(model_fields), NULL, 0,
                                       NULL, 0};

/* ---- the document ------------------------------------------------------------- */

static const mc_field doc_fields[] = {
    F_ENUM(mc_spec_doc, api_version, "apiVersion", REQ, NULL, mc_names_api_version),
    F_ENUM(mc_spec_doc, kind, "kind", REQ, NULL, mc_names_kind),
    F_OBJ(mc_spec_doc, metadata, "metadata", REQ, NULL, metadata_schema),
    F_OBJ(mc_spec_doc, data, "data", REQ, NULL, data_schema),
    F_LIST(mc_spec_doc, preprocessing, "preprocessing", HI, "[]", 0, 64, elem_step, mc_step),
    F_OBJ_OPT(mc_spec_doc, model, has_model, "model", model_schema),
    F_OBJ_OPT(mc_spec_doc, architecture, has_architecture, "architecture", architecture_schema),
    F_OBJ_OPT(mc_spec_doc, training, has_training, "training", training_schema),
    F_OBJ(mc_spec_doc, metrics, "metrics", REQ, NULL, metrics_schema),
    F_OBJ_OPT(mc_spec_doc, thresholds, has_thresholds, "thresholds", thresholds_schema),
    F_OBJ_OPT(mc_spec_doc, reproducibility, has_reproducibility, "reproducibility", repro_schema),
    F_OBJ_OPT(mc_spec_doc, robustness, has_robustness, "robustness", robust_schema),
    F_OBJ_OPT(mc_spec_doc, explainability, has_explainability, "explainability", explain_schema),
    F_OBJ_OPT(mc_spec_doc, privacy, has_privacy, "privacy", privacy_schema),
    F_OBJ_OPT(mc_spec_doc, signing, has_signing, "signing", signing_schema),
    F_OBJ_OPT(mc_spec_doc, protection, has_protection, "protection", protection_schema),
};
const mc_schema mc_spec_doc_schema = {"spec", sizeof(mc_spec_doc), ARR(doc_fields), NULL, 0, NULL, 0};
