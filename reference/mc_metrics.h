/* Evaluation metrics, computed in double precision with scikit-learn's
 * definitions (checked against it in tests/unit/test_metrics.c):
 *   accuracy, precision, recall, f1   binary (positive class 1), macro, micro
 *   roc_auc    exact Mann-Whitney statistic, ties counted one half; multiclass: one-vs-rest macro
 *   pr_auc     average precision (sklearn average_precision_score); multiclass: one-vs-rest macro
 *   log_loss   mean negative log-likelihood, probabilities clipped to [eps, 1 - eps], eps = 2^-52
 *   mse, rmse, mae, r2 (r2: 1 when the target is constant and predicted exactly, else 0 then)
 * A class is predicted as: binary p > threshold; multiclass the first argmax. */
#ifndef MC_METRICS_H
#define MC_METRICS_H

#include <stddef.h>

#include "mc_spec.h"

typedef struct mc_metric_input {
    mc_task task;
    int n_classes;      /* 2 for binary */
    const float *y;     /* [n]: 0/1, class index, or value */
    const float *pred;  /* [n][width]: P(class 1) for binary, class probabilities, or value */
    size_t n;
    double threshold;   /* binary decision threshold */
    int average;        /* mc_average (binary, macro, micro) */
    int positive;       /* the positive class index for binary averaging (1) */
} mc_metric_input;

/* One number. MC_EINPUT when the metric does not apply or is undefined
 * (e.g. roc_auc with one class present): the message says why. */
int mc_metric_scalar(double *out, int metric, const mc_metric_input *in);
/* counts[n_classes * n_classes], row = true class, column = predicted. */
int mc_metric_confusion(long long *counts, const mc_metric_input *in);
/* The predicted class of row r. */
int mc_metric_predicted_class(const mc_metric_input *in, size_t r);

#endif
