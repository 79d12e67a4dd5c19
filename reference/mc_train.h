/* Training: the epoch loop, validation, early stopping, divergence and the
 * history (mc_train.c). Each step's gradient comes from a strategy
 * (mc_train_step.h: normal mini-batches or DP-SGD); the losses and the
 * optimisers it uses have their own files (mc_loss.h, mc_optim.h, included
 * here for the trainer's users). */
#ifndef MC_TRAIN_H
#define MC_TRAIN_H

#include <stddef.h>

#include "mc_loss.h"
#include "mc_nn.h"
#include "mc_optim.h"
#include "mc_spec.h"

/* Targets: one float per row: 0/1 (binary), the class index (multiclass) or
 * the value (regression). */
typedef struct mc_dataset {
    const float *x; /* [n][d] */
    const float *y; /* [n] */
    size_t n;
    int d;
} mc_dataset;

typedef struct mc_epoch_stats {
    int epoch;              /* 1-based */
    double loss, val_loss;  /* val_loss NaN without validation rows */
    double monitor;         /* the early-stopping monitor's value (NaN when none) */
    double accuracy, val_accuracy; /* classification only, else NaN */
    double seconds;
} mc_epoch_stats;

typedef struct mc_train_progress {
    int epoch, epochs;
    size_t batch, batches;
    double loss; /* running mean of this epoch */
    double elapsed;
    const mc_epoch_stats *done; /* set once per epoch, when it ends */
} mc_train_progress;

typedef void (*mc_train_progress_fn)(void *ctx, const mc_train_progress *p);

typedef struct mc_train_result {
    mc_epoch_stats *history;
    int n_epochs;      /* epochs run */
    int best_epoch;    /* with early stopping and restore_best: the epoch whose weights were kept */
    int stopped_early;
    size_t steps;
} mc_train_result;

/* What training needs besides the network and the rows. */
typedef struct mc_train_config {
    const mc_training *training;   /* the spec's training section: loss, optimiser, epochs, ... */
    const mc_metrics *metrics;     /* decision threshold and average, for accuracy and monitors */
    mc_task task;
    int n_classes;                 /* 0 for regression */
    mc_numerics numerics;
    mc_train_progress_fn progress; /* NULL: no progress reports */
    void *progress_ctx;
    const struct mc_dpsgd_config *dp; /* NULL: normal training; else DP-SGD (mc_dpsgd.h) */
} mc_train_config;

/* Trains nn in place on `train`, validating on `val` when val->n > 0, and
 * (cfg->dp) with DP-SGD: each step a Poisson sample instead of the next
 * batch of a shuffled order, the same number of steps per epoch; the epoch's
 * training loss and accuracy are then over the rows sampled in it. It
 * fills *res (history, epochs run, early stopping; free with
 * mc_train_result_clear). On error *res is cleared and nn's parameters are
 * unspecified. */
int mc_train(mc_train_result *res, mc_nn *nn, const mc_train_config *cfg, const mc_dataset *train,
             const mc_dataset *val);
/* Frees a result's history and zeroes it; safe on a zeroed result. */
void mc_train_result_clear(mc_train_result *res);

#endif
