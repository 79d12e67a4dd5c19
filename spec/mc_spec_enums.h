/* The enums of the spec language v1 and their names, one list each (see
 * mc_enum.h): the words a spec may write, in the order of the values they
 * parse to. The schema tables (mc_spec_schema.c) parse and print keys with
 * these name tables, and the engine uses the same enums and names for the
 * network, the model artifact and the run record.
 *
 * The model artifact, run.json, validation.json and the spec digest store
 * names, never the numbers; the numbers only index the tables. Append new
 * values at the end of a list all the same. */
#ifndef MC_SPEC_ENUMS_H
#define MC_SPEC_ENUMS_H

#include "mc_enum.h"

/* data.columns: how a column is read. */
#define MC_COLUMN_KIND_LIST(X)           \
    X(MC_COL_AUTO, "auto")               \
    X(MC_COL_NUMERIC, "numeric")         \
    X(MC_COL_CATEGORICAL, "categorical") \
    X(MC_COL_TEXT, "text")
MC_ENUM(mc_column_kind, MC_COLUMN_KIND_LIST, MC_COL_COUNT, mc_names_column_kind);

/* preprocessing[].type. The schema has one variant per value (its keys). */
#define MC_STEP_TYPE_LIST(X)                    \
    X(MC_STEP_DROPNA, "dropna")                 \
    X(MC_STEP_DROP_COLUMNS, "drop_columns")     \
    X(MC_STEP_SELECT_COLUMNS, "select_columns") \
    X(MC_STEP_FILL_MISSING, "fill_missing")     \
    X(MC_STEP_ONE_HOT, "one_hot")               \
    X(MC_STEP_L2_NORMALIZE, "l2_normalize")     \
    X(MC_STEP_STANDARDIZE, "standardize")       \
    X(MC_STEP_MIN_MAX, "min_max")               \
    X(MC_STEP_HASH, "hash")                     \
    X(MC_STEP_MASK, "mask")                     \
    X(MC_STEP_GENERALIZE, "generalize")
MC_ENUM(mc_step_type, MC_STEP_TYPE_LIST, MC_STEP_COUNT, mc_names_step);

/* fill_missing.strategy */
#define MC_FILL_STRATEGY_LIST(X)              \
    X(MC_FILL_MEAN, "mean")                   \
    X(MC_FILL_MEDIAN, "median")               \
    X(MC_FILL_MOST_FREQUENT, "most_frequent") \
    X(MC_FILL_CONSTANT, "constant")
MC_ENUM(mc_fill_strategy, MC_FILL_STRATEGY_LIST, MC_FILL_COUNT, mc_names_fill);

/* one_hot.handle_unknown */
#define MC_HANDLE_UNKNOWN_LIST(X)  \
    X(MC_UNKNOWN_ERROR, "error")   \
    X(MC_UNKNOWN_IGNORE, "ignore")
MC_ENUM(mc_handle_unknown, MC_HANDLE_UNKNOWN_LIST, MC_UNKNOWN_COUNT, mc_names_unknown);

/* l2_normalize.axis */
#define MC_AXIS_LIST(X)           \
    X(MC_AXIS_COLUMNS, "columns") \
    X(MC_AXIS_ROWS, "rows")
MC_ENUM(mc_axis, MC_AXIS_LIST, MC_AXIS_COUNT, mc_names_axis);

/* generalize.date: what a calendar date is coarsened to */
#define MC_DATE_PART_LIST(X)     \
    X(MC_DATE_YEAR, "year")      \
    X(MC_DATE_MONTH, "month")
MC_ENUM(mc_date_part, MC_DATE_PART_LIST, MC_DATE_COUNT, mc_names_date_part);

/* architecture.layers[].type; also the network's layer kinds (mc_nn.h). The
 * schema has one variant per value. */
#define MC_LAYER_TYPE_LIST(X)      \
    X(MC_LAYER_DENSE, "dense")     \
    X(MC_LAYER_DROPOUT, "dropout")
MC_ENUM(mc_layer_type, MC_LAYER_TYPE_LIST, MC_LAYER_COUNT, mc_names_layer);

/* dense.activation; also the network's activations (mc_nn.h). */
#define MC_ACTIVATION_LIST(X)          \
    X(MC_ACT_RELU, "relu")             \
    X(MC_ACT_SIGMOID, "sigmoid")       \
    X(MC_ACT_TANH, "tanh")             \
    X(MC_ACT_SOFTMAX, "softmax")       \
    X(MC_ACT_LINEAR, "linear")         \
    X(MC_ACT_LEAKY_RELU, "leaky_relu")
MC_ENUM(mc_activation, MC_ACTIVATION_LIST, MC_ACT_COUNT, mc_names_activation);

/* dense.kernel_initializer and dense.bias_initializer */
#define MC_INITIALIZER_LIST(X)                  \
    X(MC_INIT_GLOROT_UNIFORM, "glorot_uniform") \
    X(MC_INIT_GLOROT_NORMAL, "glorot_normal")   \
    X(MC_INIT_HE_UNIFORM, "he_uniform")         \
    X(MC_INIT_HE_NORMAL, "he_normal")           \
    X(MC_INIT_ZEROS, "zeros")
MC_ENUM(mc_initializer, MC_INITIALIZER_LIST, MC_INIT_COUNT, mc_names_initializer);

/* training.optimizer.type. The schema has one variant per value. */
#define MC_OPTIMIZER_TYPE_LIST(X) \
    X(MC_OPT_SGD, "sgd")          \
    X(MC_OPT_ADAM, "adam")        \
    X(MC_OPT_ADAMW, "adamw")      \
    X(MC_OPT_RMSPROP, "rmsprop")
MC_ENUM(mc_optimizer_type, MC_OPTIMIZER_TYPE_LIST, MC_OPT_COUNT, mc_names_optimizer);

/* training.loss */
#define MC_LOSS_LIST(X)                                                           \
    X(MC_LOSS_BINARY_CROSSENTROPY, "binary_crossentropy")                         \
    X(MC_LOSS_CATEGORICAL_CROSSENTROPY, "categorical_crossentropy")               \
    X(MC_LOSS_SPARSE_CATEGORICAL_CROSSENTROPY, "sparse_categorical_crossentropy") \
    X(MC_LOSS_MSE, "mse")                                                         \
    X(MC_LOSS_MAE, "mae")
MC_ENUM(mc_loss, MC_LOSS_LIST, MC_LOSS_COUNT, mc_names_loss);

/* training.numerics, `run --numerics`; the engine's kernels (mc_nn.h):
 *   fast       OpenBLAS SGEMM;
 *   reference  fixed-order loops with no FMA: the same bits everywhere. */
#define MC_NUMERICS_LIST(X)               \
    X(MC_NUMERICS_FAST, "fast")           \
    X(MC_NUMERICS_REFERENCE, "reference")
MC_ENUM(mc_numerics, MC_NUMERICS_LIST, MC_NUMERICS_COUNT, mc_names_numerics);

/* training.early_stopping.mode */
#define MC_MONITOR_MODE_LIST(X) \
    X(MC_MODE_AUTO, "auto")     \
    X(MC_MODE_MIN, "min")       \
    X(MC_MODE_MAX, "max")
MC_ENUM(mc_monitor_mode, MC_MONITOR_MODE_LIST, MC_MODE_COUNT, mc_names_monitor_mode);

/* metrics.compute; the keys of metrics.json and of thresholds.metrics. */
#define MC_METRIC_LIST(X)                                         \
    X(MC_METRIC_ACCURACY, "accuracy")                             \
    X(MC_METRIC_PRECISION, "precision")                           \
    X(MC_METRIC_RECALL, "recall")                                 \
    X(MC_METRIC_F1, "f1")                                         \
    X(MC_METRIC_ROC_AUC, "roc_auc")                               \
    X(MC_METRIC_PR_AUC, "pr_auc")                                 \
    X(MC_METRIC_LOG_LOSS, "log_loss")                             \
    X(MC_METRIC_CONFUSION_MATRIX, "confusion_matrix")             \
    X(MC_METRIC_MSE, "mse")                                       \
    X(MC_METRIC_RMSE, "rmse")                                     \
    X(MC_METRIC_MAE, "mae")                                       \
    X(MC_METRIC_R2, "r2")                                         \
    X(MC_METRIC_PERMUTATION_IMPORTANCE, "permutation_importance")
MC_ENUM(mc_metric, MC_METRIC_LIST, MC_METRIC_COUNT, mc_names_metric);
/* metrics.importance.scoring: "auto" (0), then the metric names (mc_metric + 1). */
extern const char *const mc_names_scoring[MC_METRIC_COUNT + 2];

/* metrics.average */
#define MC_AVERAGE_LIST(X)     \
    X(MC_AVG_AUTO, "auto")     \
    X(MC_AVG_BINARY, "binary") \
    X(MC_AVG_MACRO, "macro")   \
    X(MC_AVG_MICRO, "micro")
MC_ENUM(mc_average, MC_AVERAGE_LIST, MC_AVG_COUNT, mc_names_average);

/* thresholds.metrics.*.change.direction */
#define MC_DIRECTION_LIST(X)             \
    X(MC_DIR_AUTO, "auto")               \
    X(MC_DIR_HIGHER, "higher_is_better") \
    X(MC_DIR_LOWER, "lower_is_better")
MC_ENUM(mc_direction, MC_DIRECTION_LIST, MC_DIR_COUNT, mc_names_direction);

/* robustness.max_drop[].attack */
#define MC_ATTACK_LIST(X)          \
    X(MC_ATTACK_NOISE, "noise")    \
    X(MC_ATTACK_FGSM, "fgsm")      \
    X(MC_ATTACK_PGD, "pgd")        \
    X(MC_ATTACK_MISSING, "missing")
MC_ENUM(mc_attack, MC_ATTACK_LIST, MC_ATTACK_COUNT, mc_names_attack);

/* reproducibility.mode */
#define MC_REPRO_MODE_LIST(X)          \
    X(MC_REPRO_BITWISE, "bitwise")     \
    X(MC_REPRO_TOLERANCE, "tolerance")
MC_ENUM(mc_repro_mode, MC_REPRO_MODE_LIST, MC_REPRO_COUNT, mc_names_repro_mode);

/* privacy.pii_columns[].transform */
#define MC_PII_TRANSFORM_LIST(X)       \
    X(MC_PII_HASH, "hash")             \
    X(MC_PII_MASK, "mask")             \
    X(MC_PII_GENERALIZE, "generalize") \
    X(MC_PII_DROP, "drop")
MC_ENUM(mc_pii_transform, MC_PII_TRANSFORM_LIST, MC_PII_COUNT, mc_names_pii_transform);

/* privacy.pii_scan.detectors */
#define MC_PII_DETECTOR_LIST(X)             \
    X(MC_DETECT_EMAIL, "email")             \
    X(MC_DETECT_PHONE, "phone")             \
    X(MC_DETECT_SSN, "ssn")                 \
    X(MC_DETECT_CREDIT_CARD, "credit_card") \
    X(MC_DETECT_IPV4, "ipv4")               \
    X(MC_DETECT_IBAN, "iban")               \
    X(MC_DETECT_CN_ID, "cn_resident_id")    \
    X(MC_DETECT_IPV6, "ipv6")               \
    X(MC_DETECT_BIRTH_DATE, "date_of_birth") \
    X(MC_DETECT_COLUMN_NAME, "column_name")
MC_ENUM(mc_pii_detector, MC_PII_DETECTOR_LIST, MC_DETECT_COUNT, mc_names_detector);

/* privacy.pii_scan.action */
#define MC_ACTION_LIST(X)     \
    X(MC_ACTION_FAIL, "fail") \
    X(MC_ACTION_WARN, "warn")
MC_ENUM(mc_action, MC_ACTION_LIST, MC_ACTION_COUNT, mc_names_action);

/* signing.format */
#define MC_SIGN_FORMAT_LIST(X)                \
    X(MC_SIGN_MODEL_SIGNING, "model_signing") \
    X(MC_SIGN_DSSE_INTOTO, "dsse_intoto")
MC_ENUM(mc_sign_format, MC_SIGN_FORMAT_LIST, MC_SIGN_FORMAT_COUNT, mc_names_sign_format);

/* signing.sign */
#define MC_SIGN_WHAT_LIST(X)                 \
    X(MC_SIGN_WHAT_MODEL, "model")           \
    X(MC_SIGN_WHAT_METRICS, "metrics")       \
    X(MC_SIGN_WHAT_SPEC, "spec")             \
    X(MC_SIGN_WHAT_VALIDATION, "validation") \
    X(MC_SIGN_WHAT_DATA, "data")
MC_ENUM(mc_sign_what, MC_SIGN_WHAT_LIST, MC_SIGN_WHAT_COUNT, mc_names_sign_what);

/* The task, from the loss (mc_spec_task); its name is the model artifact's
 * "task". */
#define MC_TASK_LIST(X)                 \
    X(MC_TASK_BINARY, "binary")         \
    X(MC_TASK_MULTICLASS, "multiclass") \
    X(MC_TASK_REGRESSION, "regression")
MC_ENUM(mc_task, MC_TASK_LIST, MC_TASK_COUNT, mc_names_task);

/* model.scores: what an external model's output holds (docs/onnx.md "Gating an ONNX model") */
#define MC_SCORES_LIST(X)                         \
    X(MC_SCORES_PROBABILITY, "probability")       \
    X(MC_SCORES_LOGIT, "logit")                   \
    X(MC_SCORES_LOG_PROBABILITY, "log_probability")
MC_ENUM(mc_scores, MC_SCORES_LIST, MC_SCORES_COUNT, mc_names_scores);

/* ---- names --------------------------------------------------------------- */

/* The index of `name` in the NULL-terminated table `names` (one of the
 * mc_names_* tables), that is the enum value it names; -1 when it is not
 * there or `name` is NULL. */
int mc_enum_from_name(const char *const *names, const char *name);

/* Names of enum values, for messages and reports; "?" for a value out of range. */
const char *mc_metric_name(int metric);
const char *mc_loss_name(int loss);
const char *mc_activation_name(int act);
const char *mc_step_type_name(int type);
const char *mc_numerics_name(int numerics);
const char *mc_task_name(int task);
/* 1 when a larger value of the metric is better (accuracy), 0 when smaller is (mse). */
int mc_metric_higher_is_better(int metric);
/* The index of a metric name, or -1. */
int mc_metric_from_name(const char *name);

#endif
