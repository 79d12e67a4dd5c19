/* Internal to the engine's run: the state one run builds up, step by step,
 * shared by the files that make up a run (mc_run.c, mc_run_external.c,
 * mc_evaluate.c, mc_importance.c, mc_robust_run.c, mc_explain_run.c, mc_membership.c, mc_run_dp.c,
 * mc_run_record.c). Not installed, not used outside reference/. */
#ifndef MC_RUN_CTX_H
#define MC_RUN_CTX_H

#include "mc_artifact.h"
#include "mc_dpsgd.h"
#include "mc_labels.h"
#include "mc_metrics.h"
#include "mc_nn.h"
#include "mc_nn_init.h"
#include "mc_partition.h"
#include "mc_pipeline.h"
#include "mc_rdp.h"
#include "mc_run.h"
#include "mc_table.h"
#include "mc_train.h"

/* One partition of the rows: training, validation or test. */
typedef struct mc_run_part {
    mc_table *raw;   /* test rows only, before preprocessing (permutation importance) */
    mc_table *tbl;   /* after preprocessing; kept for the test rows only */
    float *x, *y;    /* x[n][d] features, y[n] targets */
    float *pred;     /* [n][width] */
    size_t *rows;    /* [n] each row's 0-based index in the data file (training and
                        validation; the test rows' is tbl->row_index) */
    size_t n;
} mc_run_part;

typedef struct mc_run_ctx {
    const mc_spec *spec;
    const mc_spec_doc *d;
    const mc_run_options *opt;
    mc_task task;
    mc_numerics num;
    int threads;
    char *data_path;
    mc_table *table;     /* the loaded data, whole: slices read its raw columns */
    mc_labels lab;
    mc_pipeline *pipe;
    mc_partition split;
    mc_run_part parts[MC_PART_COUNT];
    mc_nn *nn;
    mc_train_result tr;
    double t_load, t_prep, t_train, t_eval;
    /* training.differential_privacy: the keyed DP-SGD set-up and what it spent */
    int has_dp;
    mc_dpsgd_config dp;
    mc_dp_spent dp_spent;
    double dp_sample_rate;
} mc_run_ctx;

/* mc_run.c: p->n and p->y[n], the targets of p->tbl's rows (by their
 * original row index); a row without a target is MC_EINPUT. */
int mc_run_part_targets(mc_run_part *p, const mc_labels *lab, const mc_table *t, const char *what);

/* mc_slices.c: a binned slice's edges (*edges NULL and *n_edges 0 when it is not binned):
 * its bins, or its quantiles fitted on the training rows of col (numpy's "linear"), equal
 * edges merged; MC_EINPUT at the slice for a categorical column. Caller frees *edges. */
int mc_slice_edges(double **edges, size_t *n_edges, const mc_run_ctx *c, const mc_slice *sl,
                   const mc_column *col);
/* mc_slices.c: the bin of x (x not NaN): 0 for x < edges[0], i for edges[i-1] <= x <
 * edges[i], n_edges for x >= the last edge. */
size_t mc_slice_bin(const double *edges, size_t n_edges, double x);
/* mc_slices.c: bin b's label: "<e1", "[e1,e2)", ">=en" (numbers as short as they read back). */
void mc_slice_bin_label(char *buf, size_t cap, const double *edges, size_t n_edges, size_t b);
/* mc_slices.c: after the pipeline is fitted: a slice column that reaches the model must be
 * one the spec makes a feature (a step names it, or feature: true); MC_EINPUT at the slice. */
int mc_slice_features_check(const mc_run_ctx *c);

/* mc_evaluate.c: the metric input for n rows' targets and predictions. */
mc_metric_input mc_run_metric_input(const mc_run_ctx *c, const float *y, const float *pred, size_t n);

/* mc_evaluate.c: the model as prediction sees it, borrowed from the run (never freed). */
mc_model mc_run_model_view(const mc_run_ctx *c);

/* mc_robust_run.c: metrics.json's "robustness" (docs/robustness.md): the spec's metric on
 * the test rows under seeded Gaussian noise and FGSM and PGD perturbations of the numeric
 * input columns, each strength in units of the column's training standard deviation. The
 * test rows must have been predicted. MC_EINPUT when the preprocessing mixes raw columns. */
int mc_run_robustness(json_t **out, const mc_run_ctx *c);

/* mc_explain_run.c: metrics.json's "attributions": Integrated Gradients of every test row
 * from the training rows' mean features, mean |attribution| per raw column and its share.
 * MC_EINPUT when the preprocessing mixes raw columns or a row's output is not finite. */
int mc_run_attributions(json_t **out, const mc_run_ctx *c);

/* mc_importance.c: metrics.json's "permutation_importance" (the test rows
 * must have been predicted: parts[MC_PART_TEST].pred and .tbl). */
int mc_run_importance(json_t **out, const mc_run_ctx *c);

/* mc_evaluate.c: predictions of every partition, then metrics.json: test
 * metrics, validation and training summaries, confusion matrix, slices and
 * permutation importance, as the spec's metrics section asks. */
int mc_run_evaluate(mc_run_ctx *c, mc_run *run);

/* mc_run_record.c: the model artifact's bytes and digest, history.csv, and
 * run.json (total: the run's seconds so far). */
int mc_run_model_bytes(const mc_run_ctx *c, mc_run *run);
int mc_run_history_csv(const mc_run_ctx *c, mc_run *run);
int mc_run_record(const mc_run_ctx *c, mc_run *run, double total);
/* mc_run_record.c: run.json's "data.absolute_path" (when the data path
 * resolves) and "audit": {"path"} (with a trail), for native runs and runs
 * on predictions made elsewhere alike. MC_ENOMEM. */
int mc_run_record_paths(json_t *record, const mc_run_ctx *c);

/* mc_run_dp.c: DP-SGD's key from the secret the spec names (MC_EINPUT, with
 * an explanation, when it is missing or short); after training, epsilon for
 * the spec's delta, into run.json and metrics.json ("differential_privacy"). */
int mc_run_dp_setup(mc_run_ctx *c);
int mc_run_dp_account(mc_run_ctx *c);
int mc_run_dp_record(const mc_run_ctx *c, mc_run *run);

/* mc_membership.c: privacy.membership_inference's per-row losses of a seeded
 * sample of training rows and of held-out rows, into run->membership. */
int mc_run_membership(const mc_run_ctx *c, mc_run *run);

/* mc_run.c: the spec and engine choices a run starts from (c->spec, d, opt,
 * task, numerics, threads). Cannot fail. */
void mc_run_ctx_init(mc_run_ctx *c, const mc_spec *spec, const mc_run_options *opt);
/* mc_run.c: the first steps of every run, native (mc_run_execute) or on
 * predictions made elsewhere (mc_run_external.c), so both test on the same
 * rows: run's id, spec digest and normalised spec; the data read and
 * pin-checked; the labels; the split; the preprocessing fitted and the
 * training and validation rows transformed (the test rows left raw). Records
 * c->t_load and c->t_prep. After mc_run_ctx_init; c is cleared with
 * mc_run_ctx_clear whatever this returns. */
int mc_run_prepare(mc_run_ctx *c, mc_run *run);
void mc_run_ctx_clear(mc_run_ctx *c);
/* mc_evaluate.c: metrics.json from the test rows' targets and predictions
 * (parts[MC_PART_TEST] y, pred, n and tbl): the test metrics, the confusion
 * matrix and slices; no training or validation figures, no importance (no
 * network to predict with). */
int mc_run_evaluate_test(json_t **out, const mc_run_ctx *c);

#endif
