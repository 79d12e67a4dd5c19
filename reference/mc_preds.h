/* A gate on predictions made elsewhere (docs/predictions.md): the two CSV
 * files another framework hands in, read and checked as hostile input (PREDS.csv:
 * mc_preds_csv.c; LOSSES.csv: mc_losses_csv.c), and the run that judges them
 * (mc_run_external.c). */
#ifndef MC_PREDS_H
#define MC_PREDS_H

#include <stddef.h>

#include "mc_run.h"
#include "mc_spec.h"
#include "mc_spec_enums.h"

/* What the predictions must fit. */
typedef struct mc_preds_csv_expect {
    mc_task task;
    char *const *classes;     /* class order (binary: [negative, positive]); NULL for regression */
    int n_classes;
    double decision_threshold; /* binary: the positive class when p > this */
    const size_t *test_rows;  /* the test rows' 0-based data row indices, in test order */
    size_t n_test;
    size_t n_data_rows;       /* rows of the data file: row ids are 1..n_data_rows */
    const char *data_name;    /* the data file, for messages */
} mc_preds_csv_expect;

/* Parses PREDS.csv, len bytes of buf, the file `name` (for messages): a header
 * with `row` and, for a classifier, a p_<class> column per class (binary:
 * p_<positive>, p_<negative> optional),
 * for a regression `prediction`; a classifier's optional `prediction` must be
 * the class its probabilities give under the spec's rule. Other columns are
 * ignored. *out gets [n_test][width] floats in test order (width: classes for
 * multiclass, else 1), as the engine's predictions. MC_EINPUT with file:line
 * for a row id that is not an integer, not a data row, not a test row or
 * seen twice, a missing value, NaN, a probability outside [0, 1] or
 * probabilities that do not sum to 1, a label that disagrees; and, without a
 * line, a row count other than n_test. The caller frees *out. */
int mc_preds_csv_parse(float **out, const char *name, const char *buf, size_t len,
                       const mc_preds_csv_expect *e);

/* Where LOSSES.csv's rows must come from: the data rows (0-based) of the
 * spec's training part (members) and of its validation and test parts
 * (non-members). */
typedef struct mc_losses_csv_expect {
    const size_t *member_rows;
    size_t n_member_rows;
    const size_t *nonmember_rows;
    size_t n_nonmember_rows;
    size_t n_data_rows;       /* row ids are 1..n_data_rows */
    const char *data_name;    /* the data file, for messages */
} mc_losses_csv_expect;

/* Parses LOSSES.csv (docs/predictions.md): columns `row` and `loss` (others
 * ignored), one line per row the other framework's model scored, each loss
 * finite and >= 0, under the loss it was trained on. *out gets the members'
 * and non-members' losses (free both arrays). MC_EINPUT with file:line for a
 * row id that is not a whole data row number, is in no part of the split or
 * is seen twice, an empty, negative or non-finite loss; without a line, when
 * either side has no row. */
int mc_losses_csv_parse(mc_membership_losses *out, const char *name, const char *buf,
                        size_t len, const mc_losses_csv_expect *e);

/* `validate --predictions`: the first steps of the spec's run (the same data,
 * pin check, split and preprocessing, so the same test rows), then the
 * predictions of preds_path ("-": stdin) judged in place of the network's:
 * *out holds metrics.json (test metrics, confusion matrix, slices), spec.json
 * and run.json ("mode": "predictions", the predictions' path, digest and
 * rows; "model": null), and no model, history or test predictions. Errors as
 * mc_run_execute's and mc_preds_csv_parse's. losses_path (NULL: none; "-" is
 * refused, stdin holds the predictions at most): LOSSES.csv for
 * privacy.membership_inference, in run->membership. */
/* A model the engine does not train (the spec's model:, an ONNX model: verbs/ runs it) scores
 * the test rows: raw, the test rows before preprocessing (as the data file has them),
 * prepared, the same rows after the spec's preprocessing (row r of each is the same data row);
 * pred gets [n_rows][width] floats as the engine's predictions (width: the classes for
 * multiclass, else 1; binary: the positive class's probability). Returns an mc_code. */
typedef struct mc_run_scorer {
    int (*score)(void *ctx, const mc_table *raw, const mc_table *prepared, float *pred,
                 size_t width);
    void *ctx;
    const char *path;   /* the model file, recorded in run.json */
    const char *digest; /* its sha256 (hex): the clear model's when the file is encrypted */
    const char *file;   /* the run directory's model file: NULL, model.onnx; model.onnx.age
                           for an encrypted model (docs/encryption.md) */
} mc_run_scorer;

/* `validate` of a spec with model: the first steps of the spec's run (as
 * mc_run_execute_predictions), the test rows scored by s, and the same evaluation: *out holds
 * metrics.json, spec.json, test_predictions.csv and run.json ("mode": "model", "model":
 * {"file", "format": "onnx", "path", "digest"}); run->model is not set (the caller adds the
 * model's bytes). */
int mc_run_execute_scored(mc_run **out, const mc_spec *spec, const mc_run_options *opt,
                          const mc_run_scorer *s);

int mc_run_execute_predictions(mc_run **out, const mc_spec *spec, const mc_run_options *opt,
                               const char *preds_path, const char *losses_path);

#endif
