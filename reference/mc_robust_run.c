/* Robustness of a trained model, measured on its test rows (metrics.json "robustness",
 * docs/robustness.md): the spec's metric again when the numeric input columns are a little
 * wrong. Each strength s is in units of the column's standard deviation on the training rows
 * (population, missing cells left out):
 *   noise  every numeric cell plus s * sd * N(0, 1), one seeded draw per cell (the same draws
 *          for every strength, so the curve is not noisier than the model);
 *   fgsm   every numeric cell moved by s * sd in the direction that raises the row's loss
 *          (the sign of its gradient, through the network and the stored preprocessing);
 *   pgd    pgd_steps such steps of 2.5 s / pgd_steps each, projected back into the L-infinity
 *          ball of radius s * sd around the row after every step (no random start);
 *   missing each cell of every input column, numeric or categorical, made missing with
 *          probability s (one seeded uniform draw per cell, the same for every rate); the
 *          model's own handling applies (fill_missing fills, dropna refuses the row: the
 *          metric is then on the rows it still predicts, and the refused rows are counted).
 * Categorical columns are never touched by the others. The perturbed rows are predicted as
 * `modelcert predict` would (mc_predict_table).
 *
 * The gradient: the network's input gradient in double precision (mc_nn_grad.h) at the
 * row's features, times each feature's slope in its raw column. The steps a separable
 * pipeline applies to a numeric column (fill_missing, standardize, min_max, l2 over columns)
 * are affine in it, so the slope is (features at x + sd - features at x) / sd, exactly. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mc_error.h"
#include "mc_json.h"
#include "mc_nn_grad.h"
#include "mc_predict.h"
#include "mc_rng.h"
#include "mc_run_ctx.h"

#define CAP 256 /* rows per double-precision network batch */

typedef struct robust {
    const mc_run_ctx *c;
    mc_model view;
    mc_table *base;    /* the test rows the model predicted, raw */
    size_t n, d;
    int metric, sign;
    double value0;     /* the metric unperturbed */
    long *col;         /* [ni] the base table's column of input i when numeric, else -1 */
    double *sd;        /* [ni] its training standard deviation */
    long *input_of;    /* [d] */
    float *slope;      /* [n][d] the feature's slope in its raw column (0: not numeric) */
    double *x0, *x;    /* [n][ni] the rows' numeric cells: unperturbed, current */
    double *g;         /* [n][ni] the loss gradient's sign */
    mc_nn64_work *w;
    double *zb, *dz;   /* [CAP][d] */
    int *unit;         /* [CAP] */
} robust;

/* Training standard deviation of input i's raw column (0 when it has no spread). */
static double train_sd(const mc_run_ctx *c, const char *name)
{
    long col = mc_table_find(c->table, name);
    const mc_partition *sp = &c->split;
    double mean = 0, ss = 0;
    size_t k = 0;
    for (size_t r = 0; col >= 0 && r < sp->n[MC_PART_TRAIN]; r++) {
        double v = c->table->cols[col].num[sp->idx[MC_PART_TRAIN][r]];
        if (isnan(v))
            continue;
        double dlt = v - mean;
        mean += dlt / (double)++k;
        ss += dlt * (v - mean);
    }
    return k ? sqrt(ss / (double)k) : 0.0;
}

/* A copy of the base rows with the numeric cells set from xs[n][ni] (NaN cells stay NaN). */
static int perturbed(mc_table **out, const robust *R, const double *xs)
{
    size_t ni = R->c->pipe->n_inputs;
    int rc = mc_table_copy(out, R->base);
    for (size_t i = 0; rc == MC_OK && i < ni; i++)
        for (size_t r = 0; R->col[i] >= 0 && r < R->n; r++)
            if (!isnan((*out)->cols[R->col[i]].num[r]))
                (*out)->cols[R->col[i]].num[r] = xs[r * ni + i];
    return rc;
}

/* The features of the rows xs (the pipeline applied; every row survives it). */
static int features(float **z, const robust *R, const double *xs)
{
    mc_table *t = NULL;
    int rc = perturbed(&t, R, xs);
    if (rc == MC_OK)
        rc = mc_pipeline_apply_range(R->c->pipe, t, 0, R->c->pipe->n_steps);
    if (rc == MC_OK && t->n_rows != R->n)
        rc = mc_error_set(MC_EINTERNAL, "robustness: %zu of %zu test rows left the pipeline",
                          t->n_rows, R->n);
    if (rc == MC_OK)
        rc = mc_pipeline_matrix(z, R->c->pipe, t, "test");
    mc_table_free(t);
    return rc;
}

/* The metric on the rows xs, predicted as `modelcert predict` would. */
static int evaluate(double *value, const robust *R, const double *xs)
{
    mc_table *t = NULL;
    float *pred = NULL;
    int rc = perturbed(&t, R, xs);
    if (rc == MC_OK)
        rc = mc_predict_table(&pred, &R->view, t, "test");
    if (rc == MC_OK && t->n_rows != R->n)
        rc = mc_error_set(MC_EINTERNAL, "robustness: %zu of %zu test rows were predicted",
                          t->n_rows, R->n);
    if (rc == MC_OK) {
        const mc_run_part *test = &R->c->parts[MC_PART_TEST];
        mc_metric_input in = mc_run_metric_input(R->c, test->y, pred, R->n);
        rc = mc_metric_scalar(value, R->metric, &in);
    }
    free(pred);
    mc_table_free(t);
    return rc;
}

/* R->g = the sign of each row's loss gradient in its numeric cells, at R->x. */
static int loss_sign(robust *R)
{
    const mc_nn *nn = R->c->nn;
    const float *y = R->c->parts[MC_PART_TEST].y;
    size_t ni = R->c->pipe->n_inputs, d = R->d;
    float *z = NULL;
    int rc = features(&z, R, R->x);
    for (size_t s = 0; rc == MC_OK && s < R->n; s += CAP) {
        int B = (int)(R->n - s < CAP ? R->n - s : CAP);
        double dir[CAP];
        for (size_t k = 0; k < (size_t)B * d; k++)
            R->zb[k] = (double)z[s * d + k];
        const double *f = mc_nn64_forward(nn, R->w, R->zb, B);
        for (int b = 0; b < B; b++) {
            double yb = (double)y[s + (size_t)b], fb = f[(size_t)b * (size_t)nn->out];
            R->unit[b] = nn->out > 1 ? (int)yb : 0;
            if (R->c->task == MC_TASK_REGRESSION) /* squared error: up when f is above y */
                dir[b] = fb > yb ? 1.0 : fb < yb ? -1.0 : 0.0;
            else /* cross-entropy: away from the true class */
                dir[b] = nn->out > 1 || yb > 0.5 ? -1.0 : 1.0;
        }
        mc_nn64_input_grad(nn, R->w, R->dz, R->unit, B);
        for (int b = 0; b < B; b++) {
            size_t r = s + (size_t)b;
            double *gr = R->g + r * ni;
            for (size_t i = 0; i < ni; i++)
                gr[i] = 0.0;
            for (size_t j = 0; j < d; j++)
                gr[R->input_of[j]] += (double)R->slope[r * d + j] * R->dz[(size_t)b * d + j];
            for (size_t i = 0; i < ni; i++)
                gr[i] = dir[b] * (gr[i] > 0 ? 1.0 : gr[i] < 0 ? -1.0 : 0.0);
        }
    }
    free(z);
    return rc;
}

/* The perturbed rows R->x to the run's perturbed_rows hook, when it has one. */
static int show_rows(const robust *R, const char *name, double eps)
{
    const mc_run_options *opt = R->c->opt;
    mc_table *t = NULL;
    if (!opt->perturbed_rows)
        return MC_OK;
    int rc = perturbed(&t, R, R->x);
    if (rc == MC_OK)
        rc = opt->perturbed_rows(opt->perturbed_rows_ctx, name, eps, t);
    mc_table_free(t);
    return rc;
}

/* steps signed-gradient steps of alpha sd each from R->x0, kept within eps sd of it. */
static int attack(double *value, robust *R, const char *name, double eps, long long steps,
                  double alpha)
{
    size_t ni = R->c->pipe->n_inputs, cells = R->n * ni;
    memcpy(R->x, R->x0, cells * sizeof *R->x);
    int rc = MC_OK;
    for (long long k = 0; rc == MC_OK && k < steps; k++) {
        if ((rc = loss_sign(R)))
            break;
        for (size_t q = 0; q < cells; q++) {
            double sd = R->sd[q % ni], lo = R->x0[q] - eps * sd, hi = R->x0[q] + eps * sd;
            double v = R->x[q] + alpha * sd * R->g[q];
            R->x[q] = v < lo ? lo : v > hi ? hi : v;
        }
    }
    if (rc == MC_OK)
        rc = show_rows(R, name, eps);
    return rc ? rc : evaluate(value, R, R->x);
}

/* Cells made missing at rate s; *refused: the rows the model no longer predicts. */
static int missing(double *value, size_t *refused, const robust *R, double s)
{
    const mc_run_ctx *c = R->c;
    const mc_run_part *test = &c->parts[MC_PART_TEST];
    size_t ni = c->pipe->n_inputs, m = 0;
    mc_table *t = NULL;
    float *pred = NULL, *y = malloc((R->n + 1) * sizeof *y);
    mc_rng rng;
    mc_rng_init(&rng, (uint64_t)c->d->robustness.seed, MC_STREAM_ROBUSTNESS, 1);
    int rc = y ? mc_table_copy(&t, R->base) : mc_error_nomem();
    for (size_t r = 0; rc == MC_OK && r < R->n; r++)
        for (size_t i = 0; i < ni; i++) {
            long col = mc_table_find(t, c->pipe->inputs[i].name);
            if (!(mc_rng_uniform(&rng) < s) || col < 0)
                continue;
            if (t->cols[col].kind == MC_COLKIND_NUMERIC)
                t->cols[col].num[r] = NAN;
            else
                t->cols[col].codes[r] = MC_CODE_MISSING;
        }
    if (rc == MC_OK)
        rc = mc_predict_table(&pred, &R->view, t, "test");
    for (size_t r = 0; rc == MC_OK && r < R->n && m < t->n_rows; r++)
        if (R->base->row_index[r] == t->row_index[m]) /* both ascend by data row */
            y[m++] = test->y[r];
    if (rc == MC_OK && m != t->n_rows)
        rc = mc_error_set(MC_EINTERNAL, "robustness: %zu of %zu predicted rows found", m,
                          t->n_rows);
    if (rc == MC_OK && m == 0)
        rc = mc_error_set(MC_EINPUT, "robustness: with %g of the cells missing the model "
                          "refuses every test row; lower the rate", s);
    if (rc == MC_OK) {
        mc_metric_input in = mc_run_metric_input(c, y, pred, m);
        rc = mc_metric_scalar(value, R->metric, &in);
        *refused = R->n - m;
    }
    free(pred), free(y);
    mc_table_free(t);
    return rc;
}

/* Gaussian noise of strength s on every numeric cell: the same draws for every s. */
static int noise(double *value, robust *R, double s)
{
    size_t ni = R->c->pipe->n_inputs;
    mc_rng rng;
    mc_rng_init(&rng, (uint64_t)R->c->d->robustness.seed, MC_STREAM_ROBUSTNESS, 0);
    for (size_t q = 0; q < R->n * ni; q++)
        R->x[q] = R->x0[q] + s * R->sd[q % ni] * mc_rng_normal(&rng);
    return evaluate(value, R, R->x);
}

/* The base rows (those the model predicted), their numeric cells, and each feature's slope. */
static int setup(robust *R)
{
    const mc_run_ctx *c = R->c;
    const mc_run_part *test = &c->parts[MC_PART_TEST];
    size_t ni = c->pipe->n_inputs, d = R->d, n = R->n = test->n;
    int separable = 0;
    uint32_t *keep = malloc((test->raw->n_rows + 1) * sizeof *keep);
    float *z0 = NULL, *z1 = NULL;
    int rc = keep && (R->col = calloc(ni + 1, sizeof *R->col)) &&
                     (R->sd = calloc(ni + 1, sizeof *R->sd)) &&
                     (R->input_of = calloc(d + 1, sizeof *R->input_of)) &&
                     (R->slope = calloc(n * d + 1, sizeof *R->slope)) &&
                     (R->x0 = calloc(n * ni + 1, sizeof *R->x0)) &&
                     (R->x = calloc(n * ni + 1, sizeof *R->x)) &&
                     (R->g = calloc(n * ni + 1, sizeof *R->g)) &&
                     (R->zb = malloc(CAP * d * sizeof *R->zb + 1)) &&
                     (R->dz = malloc(CAP * d * sizeof *R->dz + 1)) &&
                     (R->unit = calloc(CAP, sizeof *R->unit))
                 ? MC_OK : mc_error_nomem();
    if (rc == MC_OK)
        rc = mc_pipeline_feature_lineage(R->input_of, &separable, c->pipe);
    if (rc == MC_OK && !separable)
        rc = mc_error_set(MC_EINPUT, "robustness: the preprocessing mixes raw columns (an "
                          "l2_normalize over rows): a column's perturbation is not defined");
    size_t m = 0; /* the raw rows the model predicted: both lists ascend by data row */
    for (size_t r = 0; rc == MC_OK && r < test->raw->n_rows && m < n; r++)
        if (test->raw->row_index[r] == test->tbl->row_index[m])
            keep[m++] = (uint32_t)r;
    if (rc == MC_OK && m != n)
        rc = mc_error_set(MC_EINTERNAL, "robustness: %zu of %zu test rows found", m, n);
    if (rc == MC_OK)
        rc = mc_table_take_rows(&R->base, test->raw, keep, n);
    for (size_t i = 0; rc == MC_OK && i < ni; i++) {
        long col = mc_table_find(R->base, c->pipe->inputs[i].name);
        R->col[i] = col >= 0 && R->base->cols[col].kind == MC_COLKIND_NUMERIC ? col : -1;
        R->sd[i] = R->col[i] >= 0 ? train_sd(c, c->pipe->inputs[i].name) : 0.0;
        for (size_t r = 0; R->col[i] >= 0 && r < n; r++)
            R->x0[r * ni + i] = R->base->cols[col].num[r];
    }
    for (size_t q = 0; rc == MC_OK && q < n * ni; q++)
        R->x[q] = R->x0[q] + R->sd[q % ni];
    if (rc == MC_OK && (rc = features(&z0, R, R->x0)) == MC_OK)
        rc = features(&z1, R, R->x);
    for (size_t r = 0; rc == MC_OK && r < n; r++)
        for (size_t j = 0; j < d; j++) {
            double sd = R->sd[R->input_of[j]];
            R->slope[r * d + j] = sd > 0 ? (float)((z1[r * d + j] - z0[r * d + j]) / sd) : 0.0f;
        }
    if (rc == MC_OK)
        rc = mc_nn64_work_create(&R->w, c->nn, CAP);
    free(keep), free(z0), free(z1);
    return rc;
}

static int curve(json_t *out, const char *key, robust *R, const double *strength, size_t count,
                 int which)
{
    const mc_robustness *cfg = &R->c->d->robustness;
    json_t *arr = json_array();
    int rc = arr ? MC_OK : mc_error_nomem();
    for (size_t k = 0; rc == MC_OK && k < count; k++) {
        double s = strength[k], v = 0;
        size_t refused = 0;
        rc = which == MC_ATTACK_MISSING ? missing(&v, &refused, R, s)
             : which == MC_ATTACK_NOISE ? noise(&v, R, s)
             : which == MC_ATTACK_FGSM ? attack(&v, R, "fgsm", s, 1, s)
                                       : attack(&v, R, "pgd", s, cfg->pgd_steps,
                                                2.5 * s / (double)cfg->pgd_steps);
        json_t *p = NULL;
        if (rc == MC_OK)
            rc = mc_json_append(arr, p = json_pack("{s:f, s:f, s:f}", "strength", s, "value", v,
                                                   "drop", R->sign * (R->value0 - v)));
        if (rc == MC_OK && which == MC_ATTACK_MISSING)
            rc = mc_json_set(p, "refused", json_integer((json_int_t)refused));
    }
    return rc ? (json_decref(arr), rc) : mc_json_set(out, key, arr);
}

int mc_run_robustness(json_t **out, const mc_run_ctx *c)
{
    const mc_robustness *cfg = &c->d->robustness;
    const mc_run_part *test = &c->parts[MC_PART_TEST];
    robust R = {.c = c, .view = mc_run_model_view(c), .d = (size_t)c->nn->in};
    R.metric = cfg->metric - 1;
    R.sign = mc_metric_higher_is_better(R.metric) ? 1 : -1;
    json_t *j = NULL, *cols = json_array();
    mc_metric_input in = mc_run_metric_input(c, test->y, test->pred, test->n);
    int rc = cols ? mc_metric_scalar(&R.value0, R.metric, &in) : mc_error_nomem();
    if (rc == MC_OK)
        rc = setup(&R);
    for (size_t i = 0; rc == MC_OK && i < c->pipe->n_inputs; i++)
        if (R.col[i] >= 0)
            rc = mc_json_append(cols, json_pack("{s:s, s:f}", "column", c->pipe->inputs[i].name,
                                                "sd", R.sd[i]));
    if (rc == MC_OK &&
        !(j = json_pack("{s:s, s:f, s:I, s:I, s:O}", "metric", mc_metric_name(R.metric),
                        "baseline", R.value0, "seed", (json_int_t)cfg->seed, "pgd_steps",
                        (json_int_t)cfg->pgd_steps, "columns", cols)))
        rc = mc_error_nomem();
    if (rc == MC_OK)
        rc = curve(j, "noise", &R, cfg->noise.items, cfg->noise.count, MC_ATTACK_NOISE);
    if (rc == MC_OK)
        rc = curve(j, "fgsm", &R, cfg->adversarial.items, cfg->adversarial.count, MC_ATTACK_FGSM);
    if (rc == MC_OK)
        rc = curve(j, "pgd", &R, cfg->adversarial.items, cfg->adversarial.count, MC_ATTACK_PGD);
    if (rc == MC_OK)
        rc = curve(j, "missing", &R, cfg->missing.items, cfg->missing.count, MC_ATTACK_MISSING);
    json_decref(cols);
    mc_table_free(R.base);
    free(R.col), free(R.sd), free(R.input_of), free(R.slope), free(R.x0), free(R.x), free(R.g);
    free(R.zb), free(R.dz), free(R.unit);
    mc_nn64_work_free(R.w);
    if (rc) {
        json_decref(j);
        return rc;
    }
    *out = j;
    return MC_OK;
}
