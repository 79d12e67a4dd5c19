/* Permutation importance (Breiman 2001): how much the scoring metric on the
 * test rows drops when one raw input column's values are shuffled among them,
 * averaged over `repeats` shuffles.
 *
 * When every feature comes from one raw column and no step after the split
 * drops rows (mc_pipeline_lineage), shuffling a raw column shuffles exactly
 * its block of features. Then the first dense layer's pre-activations are
 * updated by the block's change, z'[r] = z[r] + sum over the block of
 * (x[perm[r]][j] - x[r][j]) w[j], and only the later layers run again: the
 * cost per column is the block's width, not the pipeline and the whole first
 * layer. Otherwise (L2 over rows, a late dropna) the whole pipeline runs
 * again on the shuffled raw rows. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mc_error.h"
#include "mc_json.h"
#include "mc_rng.h"
#include "mc_run_ctx.h"

typedef struct imp {
    const char *column;
    double mean, std;
} imp;

static int cmp_imp(const void *a, const void *b)
{
    double x = ((const imp *)a)->mean, y = ((const imp *)b)->mean;
    return (x < y) - (x > y);
}

/* What every shuffle shares. */
typedef struct shuffle_ctx {
    const mc_run_ctx *c;
    int scoring, sign;
    double base;
    size_t rows;       /* test rows */
    uint32_t *perm;    /* [rows] */
    float *pred;       /* [rows][width] */
    /* the block method */
    const float *x;    /* [rows][d] transformed test features */
    float *z, *z2;     /* [rows][h] first dense layer's pre-activations: base, shuffled */
    int layer, h;
    mc_nn_work *work;
} shuffle_ctx;

static void make_perm(shuffle_ctx *s, size_t input, long long k)
{
    const mc_importance *cfg = &s->c->d->metrics.importance;
    mc_rng rng;
    mc_rng_init(&rng, (uint64_t)cfg->seed, MC_STREAM_IMPORTANCE, ((uint64_t)input << 16) | (uint64_t)k);
    for (size_t r = 0; r < s->rows; r++)
        s->perm[r] = (uint32_t)r;
    mc_rng_shuffle(&rng, s->perm, (uint32_t)s->rows);
}

/* The score drop for predictions s->pred of rows with targets y. */
static int score_drop(double *drop, const shuffle_ctx *s, const float *y)
{
    double v;
    mc_metric_input in = mc_run_metric_input(s->c, y, s->pred, s->rows);
    int rc = mc_metric_scalar(&v, s->scoring, &in);
    *drop = s->sign * (s->base - v);
    return rc;
}

/* One shuffle by the block method: block[0..nb) are the input's features. */
static int shuffle_block(double *drop, shuffle_ctx *s, const size_t *block, size_t nb)
{
    const mc_run_ctx *c = s->c;
    const mc_nn_layer *L = &c->nn->layers[s->layer];
    const float *w = c->nn->params + L->w_off;
    size_t d = (size_t)c->nn->in, h = (size_t)s->h;
    memcpy(s->z2, s->z, s->rows * h * sizeof *s->z2);
    for (size_t r = 0; r < s->rows; r++) {
        float *zr = s->z2 + r * h;
        for (size_t b = 0; b < nb; b++) {
            size_t j = block[b];
            float delta = s->x[(size_t)s->perm[r] * d + j] - s->x[r * d + j];
            if (delta == 0.0f)
                continue;
            const float *wj = w + j * h;
            for (size_t u = 0; u < h; u++)
                zr[u] = zr[u] + delta * wj[u];
        }
    }
    mc_nn_predict_from(c->nn, s->work, s->layer, s->z2, s->rows, s->pred, c->num);
    return score_drop(drop, s, c->parts[MC_PART_TEST].y);
}

/* One shuffle by re-running the pipeline on the raw rows with one column shuffled. */
static int shuffle_rerun(double *drop, shuffle_ctx *s, long col)
{
    const mc_run_ctx *c = s->c;
    const mc_table *raw = c->parts[MC_PART_TEST].raw;
    mc_table *t = NULL;
    float *x = NULL, *y = NULL;
    int rc = mc_table_copy(&t, raw);
    if (rc)
        return rc;
    if (col >= 0) {
        mc_column *dst = &t->cols[col];
        const mc_column *src = &raw->cols[col];
        for (size_t r = 0; r < s->rows; r++) {
            if (dst->kind == MC_COLKIND_NUMERIC)
                dst->num[r] = src->num[s->perm[r]];
            else
                dst->codes[r] = src->codes[s->perm[r]];
        }
    }
    rc = mc_pipeline_apply_range(c->pipe, t, 0, c->pipe->n_steps);
    if (rc == MC_OK)
        rc = mc_pipeline_matrix(&x, c->pipe, t, "test");
    if (rc == MC_OK && !(y = malloc((t->n_rows + 1) * sizeof *y)))
        rc = mc_error_nomem();
    if (rc == MC_OK)
        rc = mc_nn_predict_batch(c->nn, x, t->n_rows, s->pred, c->num);
    if (rc == MC_OK) {
        for (size_t r = 0; r < t->n_rows; r++)
            y[r] = c->lab.y[t->row_index[r]];
        size_t rows = s->rows;
        s->rows = t->n_rows; /* a late dropna may have removed rows */
        rc = score_drop(drop, s, y);
        s->rows = rows;
    }
    free(x), free(y);
    mc_table_free(t);
    return rc;
}

/* Block method set-up: the transformed test features and their first-layer
 * pre-activations. 0 in *ok when the method does not apply. */
static int block_setup(shuffle_ctx *s, long *input_of, int *ok)
{
    const mc_run_ctx *c = s->c;
    const mc_run_part *test = &c->parts[MC_PART_TEST];
    int rc = mc_pipeline_lineage(input_of, ok, c->pipe);
    s->layer = mc_nn_first_dense(c->nn);
    if (rc || !*ok || s->layer < 0 || test->tbl->n_rows != s->rows) {
        *ok = 0;
        return rc;
    }
    const mc_nn_layer *L = &c->nn->layers[s->layer];
    float *x = NULL;
    s->h = L->out;
    if ((rc = mc_pipeline_matrix(&x, c->pipe, test->tbl, "test")))
        return rc;
    s->x = x;
    s->z = malloc((s->rows + 1) * (size_t)s->h * sizeof *s->z);
    s->z2 = malloc((s->rows + 1) * (size_t)s->h * sizeof *s->z2);
    if (!s->z || !s->z2)
        return mc_error_nomem();
    if ((rc = mc_nn_work_create(&s->work, c->nn, 256)))
        return rc;
    mc_dense_forward(s->z, s->x, c->nn->params + L->w_off, c->nn->params + L->b_off, (int)s->rows,
                     L->in, L->out, c->num);
    return MC_OK;
}

/* The features of input i, from input_of: block[start[i] .. start[i + 1]). */
static int group_blocks(size_t **block, size_t **start, const long *input_of, size_t d, size_t ni)
{
    *block = malloc((d + 1) * sizeof **block);
    *start = calloc(ni + 2, sizeof **start);
    if (!*block || !*start)
        return mc_error_nomem();
    for (size_t j = 0; j < d; j++)
        (*start)[input_of[j] + 2]++;
    for (size_t i = 0; i < ni; i++)
        (*start)[i + 2] += (*start)[i + 1];
    for (size_t j = 0; j < d; j++)
        (*block)[(*start)[input_of[j] + 1]++] = j;
    return MC_OK;
}

/* *out = metrics.json's "permutation_importance": the columns by mean drop. */
static int importance_json(json_t **out, const shuffle_ctx *s, imp *res, size_t ni)
{
    const mc_importance *cfg = &s->c->d->metrics.importance;
    qsort(res, ni, sizeof *res, cmp_imp);
    json_t *cols = json_array(), *j = NULL;
    int rc = cols ? MC_OK : mc_error_nomem();
    for (size_t i = 0; rc == MC_OK && i < ni; i++)
        rc = mc_json_append(cols, json_pack("{s:s, s:f, s:f}", "column", res[i].column, "mean",
                                            res[i].mean, "std", res[i].std));
    if (rc == MC_OK &&
        !(j = json_pack("{s:s, s:f, s:I, s:I, s:O}", "scoring", mc_metric_name(s->scoring),
                        "baseline", s->base, "repeats", (json_int_t)cfg->repeats, "seed",
                        (json_int_t)cfg->seed, "columns", cols)))
        rc = mc_error_nomem();
    json_decref(cols);
    if (rc == MC_OK)
        *out = j;
    return rc;
}

static void mean_std(imp *out, const double *v, long long n)
{
    double mean = 0, var = 0;
    for (long long k = 0; k < n; k++)
        mean += v[k];
    mean /= (double)n;
    for (long long k = 0; k < n; k++)
        var += (v[k] - mean) * (v[k] - mean);
    out->mean = mean;
    out->std = sqrt(var / (double)n);
}

int mc_run_importance(json_t **out, const mc_run_ctx *c)
{
    const mc_importance *cfg = &c->d->metrics.importance;
    const mc_run_part *test = &c->parts[MC_PART_TEST];
    size_t ni = c->pipe->n_inputs, d = c->pipe->n_features;
    shuffle_ctx s = {.c = c, .scoring = cfg->scoring - 1, .rows = test->raw->n_rows};
    s.sign = mc_metric_higher_is_better(s.scoring) ? 1 : -1;
    imp *res = calloc(ni + 1, sizeof *res);
    double *scores = malloc((size_t)cfg->repeats * sizeof *scores);
    long *input_of = malloc((d + 1) * sizeof *input_of);
    size_t *block = NULL, *start = NULL;
    int ok = 0, rc = MC_OK;
    s.perm = malloc((s.rows + 1) * sizeof *s.perm);
    s.pred = malloc((s.rows + 1) * (size_t)c->nn->out * sizeof *s.pred);
    if (!res || !scores || !input_of || !s.perm || !s.pred) {
        rc = mc_error_nomem();
        goto cleanup;
    }
    mc_metric_input base_in = mc_run_metric_input(c, test->y, test->pred, test->n);
    if ((rc = mc_metric_scalar(&s.base, s.scoring, &base_in)) || (rc = block_setup(&s, input_of, &ok)))
        goto cleanup;
    if (ok && (rc = group_blocks(&block, &start, input_of, d, ni)))
        goto cleanup;
    for (size_t i = 0; rc == MC_OK && i < ni; i++) {
        long col = ok ? -1 : mc_table_find(test->raw, c->pipe->inputs[i].name);
        res[i].column = c->pipe->inputs[i].name;
        for (long long k = 0; rc == MC_OK && k < cfg->repeats; k++) {
            make_perm(&s, i, k);
            rc = ok ? shuffle_block(&scores[k], &s, block + start[i], start[i + 1] - start[i])
                    : shuffle_rerun(&scores[k], &s, col);
        }
        mean_std(&res[i], scores, cfg->repeats);
    }
    if (rc == MC_OK)
        rc = importance_json(out, &s, res, ni);
cleanup:
    free(res), free(scores), free(input_of), free(block), free(start);
    free(s.perm), free(s.pred), free((float *)s.x), free(s.z), free(s.z2);
    mc_nn_work_free(s.work, c->nn);
    return rc;
}
