/* The evaluation metrics with scikit-learn's definitions (mc_metrics.h):
 * accuracy, precision, recall, F1, ROC AUC, average precision, log loss,
 * MSE, RMSE, MAE, r2, and the confusion matrix. A metric that is undefined
 * for the rows given is MC_EINPUT saying why, never a made-up number. */
#include "mc_metrics.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mc_error.h"
#include "mc_math.h"

int mc_metric_predicted_class(const mc_metric_input *in, size_t r)
{
    if (in->task == MC_TASK_BINARY)
        return (double)in->pred[r] > in->threshold;
    const float *p = in->pred + r * (size_t)in->n_classes;
    int best = 0;
    for (int j = 1; j < in->n_classes; j++)
        if (p[j] > p[best])
            best = j;
    return best;
}

int mc_metric_confusion(long long *counts, const mc_metric_input *in)
{
    int k = in->n_classes;
    memset(counts, 0, (size_t)k * (size_t)k * sizeof *counts);
    for (size_t r = 0; r < in->n; r++)
        counts[(size_t)in->y[r] * (size_t)k + (size_t)mc_metric_predicted_class(in, r)]++;
    return MC_OK;
}

/* Score of row r for "class c versus the rest". */
static double score(const mc_metric_input *in, size_t r, int c)
{
    if (in->task == MC_TASK_BINARY)
        return c == 1 ? in->pred[r] : 1.0 - in->pred[r];
    return in->pred[r * (size_t)in->n_classes + (size_t)c];
}

typedef struct scored {
    double s;
    int pos;
} scored;

static int by_score_desc(const void *a, const void *b)
{
    double x = ((const scored *)a)->s, y = ((const scored *)b)->s;
    return (x < y) - (x > y);
}

/* ROC AUC and average precision of class c versus the rest. */
static int one_vs_rest(double *auc, double *ap, const mc_metric_input *in, int c)
{
    size_t n = in->n;
    scored *v = malloc((n ? n : 1) * sizeof *v);
    if (!v)
        return mc_error_nomem();
    size_t npos = 0;
    for (size_t r = 0; r < n; r++) {
        v[r].s = score(in, r, c);
        v[r].pos = (int)in->y[r] == c;
        npos += (size_t)v[r].pos;
    }
    size_t nneg = n - npos;
    if (npos == 0 || nneg == 0) {
        free(v);
        return mc_error_set(MC_EINPUT, "undefined: only one class is present in the true labels");
    }
    qsort(v, n, sizeof *v, by_score_desc);
    /* Walk thresholds from high to low; a group of tied scores moves as one
     * step (the ROC curve's diagonal segment, counted as a trapezoid). */
    double tp = 0, fp = 0, area = 0, prec_sum = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i + 1; /* always progress, whatever the scores */
        double gtp = v[i].pos, gfp = !v[i].pos;
        while (j < n && v[j].s == v[i].s) {
            gtp += v[j].pos;
            gfp += !v[j].pos;
            j++;
        }
        area += gfp * (tp + gtp / 2.0);
        tp += gtp;
        fp += gfp;
        if (gtp > 0)
            prec_sum += gtp * (tp / (tp + fp)); /* (R_n - R_{n-1}) P_n, times npos */
        i = j;
    }
    free(v);
    *auc = area / ((double)npos * (double)nneg);
    *ap = prec_sum / (double)npos;
    return MC_OK;
}

static int ranking_metric(double *out, const mc_metric_input *in, int want_auc)
{
    double auc, ap;
    if (in->task == MC_TASK_BINARY) {
        int rc = one_vs_rest(&auc, &ap, in, 1);
        *out = want_auc ? auc : ap;
        return rc;
    }
    double sum = 0;
    for (int c = 0; c < in->n_classes; c++) {
        int rc = one_vs_rest(&auc, &ap, in, c);
        if (rc)
            return rc;
        sum += want_auc ? auc : ap;
    }
    *out = sum / in->n_classes;
    return MC_OK;
}

static double safe_div(double a, double b)
{
    return b > 0 ? a / b : 0.0; /* scikit-learn's zero_division=0 (with a warning there) */
}

static int prf(double *out, int metric, const mc_metric_input *in)
{
    int k = in->n_classes;
    long long *cm = malloc((size_t)k * (size_t)k * sizeof *cm);
    if (!cm)
        return mc_error_nomem();
    int rc = mc_metric_confusion(cm, in);
    if (rc) {
        free(cm);
        return rc;
    }
    double tp_sum = 0, fp_sum = 0, fn_sum = 0, macro = 0;
    int avg = in->average;
    for (int c = 0; c < k; c++) {
        double tp = (double)cm[c * k + c], fp = 0, fn = 0;
        for (int o = 0; o < k; o++) {
            if (o == c)
                continue;
            fp += (double)cm[o * k + c];
            fn += (double)cm[c * k + o];
        }
        double p = safe_div(tp, tp + fp), r = safe_div(tp, tp + fn);
        double f = safe_div(2 * tp, 2 * tp + fp + fn);
        double v = metric == MC_METRIC_PRECISION ? p : metric == MC_METRIC_RECALL ? r : f;
        if (avg == MC_AVG_BINARY && c == in->positive)
            *out = v;
        macro += v;
        tp_sum += tp, fp_sum += fp, fn_sum += fn;
    }
    free(cm);
    if (avg == MC_AVG_MACRO)
        *out = macro / k;
    else if (avg == MC_AVG_MICRO)
        *out = metric == MC_METRIC_PRECISION ? safe_div(tp_sum, tp_sum + fp_sum)
               : metric == MC_METRIC_RECALL  ? safe_div(tp_sum, tp_sum + fn_sum)
                                             : safe_div(2 * tp_sum, 2 * tp_sum + fp_sum + fn_sum);
    else if (avg == MC_AVG_BINARY && in->task != MC_TASK_BINARY)
        return mc_error_set(MC_EINPUT, "average 'binary' needs two classes");
    return MC_OK;
}

static double log_loss(const mc_metric_input *in)
{
    const double eps = 2.220446049250313e-16;
    double total = 0;
    for (size_t r = 0; r < in->n; r++) {
        double p = score(in, r, (int)in->y[r]);
        if (in->task != MC_TASK_BINARY) {
            /* Renormalise after clipping, as scikit-learn does. */
            double s = 0;
            for (int c = 0; c < in->n_classes; c++) {
                double q = score(in, r, c);
                s += q < eps ? eps : q > 1 - eps ? 1 - eps : q;
            }
            p = (p < eps ? eps : p > 1 - eps ? 1 - eps : p) / s;
        } else {
            p = p < eps ? eps : p > 1 - eps ? 1 - eps : p;
        }
        total -= mc_log(p); /* portable: the same bits on every machine */
    }
    return total / (double)in->n;
}

/* Regression metrics; for classifiers, on the probability of the true class
 * encoding (binary: the Brier score). */
static double err(const mc_metric_input *in, size_t r)
{
    return (double)in->pred[r * (size_t)(in->task == MC_TASK_MULTICLASS ? in->n_classes : 1)] - in->y[r];
}

/* No metric is computed from a NaN or infinite score: it would be a made-up
 * figure (a NaN probability counts as neither class), and sorting NaNs has no
 * order. */
static int check_scores(const mc_metric_input *in)
{
    size_t width = in->task == MC_TASK_MULTICLASS ? (size_t)in->n_classes : 1;
    for (size_t i = 0; i < in->n * width; i++)
        if (!isfinite(in->pred[i]))
            return mc_error_set(MC_EINPUT, "a prediction is not a finite number (row %zu); no "
                                "metric is computed from it", i / width + 1);
    return MC_OK;
}

int mc_metric_scalar(double *out, int metric, const mc_metric_input *in)
{
    if (in->n == 0)
        return mc_error_set(MC_EINPUT, "no rows to evaluate");
    int rc = check_scores(in);
    if (rc)
        return rc;
    int classification = in->task != MC_TASK_REGRESSION;
    switch (metric) {
    case MC_METRIC_ACCURACY: {
        if (!classification)
            break;
        size_t ok = 0;
        for (size_t r = 0; r < in->n; r++)
            ok += mc_metric_predicted_class(in, r) == (int)in->y[r];
        *out = (double)ok / (double)in->n;
        return MC_OK;
    }
    case MC_METRIC_PRECISION:
    case MC_METRIC_RECALL:
    case MC_METRIC_F1:
        if (!classification)
            break;
        return prf(out, metric, in);
    case MC_METRIC_ROC_AUC:
    case MC_METRIC_PR_AUC:
        if (!classification)
            break;
        return ranking_metric(out, in, metric == MC_METRIC_ROC_AUC);
    case MC_METRIC_LOG_LOSS:
        if (!classification)
            break;
        *out = log_loss(in);
        return MC_OK;
    case MC_METRIC_MSE:
    case MC_METRIC_RMSE:
    case MC_METRIC_MAE: {
        if (in->task == MC_TASK_MULTICLASS)
            break;
        double s = 0;
        for (size_t r = 0; r < in->n; r++) {
            double e = err(in, r);
            s += metric == MC_METRIC_MAE ? fabs(e) : e * e;
        }
        s /= (double)in->n;
        *out = metric == MC_METRIC_RMSE ? sqrt(s) : s;
        return MC_OK;
    }
    case MC_METRIC_R2: {
        if (classification)
            break;
        double mean = 0, ss_res = 0, ss_tot = 0;
        for (size_t r = 0; r < in->n; r++)
            mean += in->y[r];
        mean /= (double)in->n;
        for (size_t r = 0; r < in->n; r++) {
            double e = err(in, r), d = in->y[r] - mean;
            ss_res += e * e;
            ss_tot += d * d;
        }
        *out = ss_tot > 0 ? 1.0 - ss_res / ss_tot : ss_res == 0 ? 1.0 : 0.0;
        return MC_OK;
    }
    default: break;
    }
    return mc_error_set(MC_EINPUT, "metric %s does not apply to %s", mc_metric_name(metric),
                        in->task == MC_TASK_REGRESSION ? "regression" : "classification");
}
