/* Numeric slices (docs/spec.md, metrics.slices): the edges of a binned slice, given in the
 * spec (bins) or fitted on the training rows (quantiles, numpy's default "linear" method,
 * equal edges merged), the bin of a value (left-closed: x < e1, [e1,e2), ..., x >= en, as
 * pandas' cut with right=False between -inf and +inf) and its label; and the rule that a
 * slice column is not a model feature unless the spec says so. The edges go into
 * metrics.json beside the groups, so a re-run and every report show the same groups. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_error.h"
#include "mc_run_ctx.h"

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* numpy's _lerp: exact at both ends, the same bits numpy gives. */
static double lerp(double a, double b, double t)
{
    double diff = b - a;
    return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}

/* The q-quantile edges (k/q, k = 1..q-1) of the training rows' values, equal ones merged. */
static int fit_quantiles(double *edges, size_t *n_edges, const mc_run_ctx *c,
                         const mc_slice *sl, const mc_column *col)
{
    size_t n_train = c->split.n[MC_PART_TRAIN], n = 0;
    double *v = malloc((n_train + 1) * sizeof *v);
    if (!v)
        return mc_error_nomem();
    for (size_t r = 0; r < n_train; r++) {
        double x = col->num[c->split.idx[MC_PART_TRAIN][r]];
        if (!isnan(x))
            v[n++] = x;
    }
    if (n == 0) {
        free(v);
        return mc_spec_error(c->spec, &sl->quantiles, "metrics.slices: column '%s' has no "
                             "value in the training rows to fit its quantiles on", sl->column);
    }
    qsort(v, n, sizeof *v, cmp_double);
    *n_edges = 0;
    for (long long k = 1; k < sl->quantiles; k++) {
        double h = (double)(n - 1) * ((double)k / (double)sl->quantiles);
        size_t lo = (size_t)floor(h);
        double e = lo + 1 < n ? lerp(v[lo], v[lo + 1], h - (double)lo) : v[n - 1];
        if (!isfinite(e)) { /* numpy's form overflows between values of opposite sign > 8e307 */
            double lo_v = v[0], hi_v = v[n - 1];
            free(v);
            return mc_spec_error(c->spec, &sl->quantiles, "metrics.slices: the %lld-quantile "
                                 "edges of column '%s' overflow (its training values reach "
                                 "%g and %g): give bins instead", sl->quantiles, sl->column,
                                 lo_v, hi_v);
        }
        if (*n_edges == 0 || e > edges[*n_edges - 1])
            edges[(*n_edges)++] = e;
    }
    free(v);
    return MC_OK;
}

int mc_slice_edges(double **edges, size_t *n_edges, const mc_run_ctx *c, const mc_slice *sl,
                   const mc_column *col)
{
    *edges = NULL;
    *n_edges = 0;
    if (!sl->has_bins && !sl->has_quantiles)
        return MC_OK;
    if (col->kind != MC_COLKIND_NUMERIC)
        return mc_spec_error(c->spec, sl->has_bins ? (const void *)&sl->bins : &sl->quantiles,
                             "metrics.slices: %s need a numeric column, but '%s' is categorical "
                             "(slice it without bins)", sl->has_bins ? "bins" : "quantiles",
                             sl->column);
    double *e = malloc((MC_SLICE_MAX_EDGES + 1) * sizeof *e);
    if (!e)
        return mc_error_nomem();
    int rc = MC_OK;
    if (sl->has_bins) {
        memcpy(e, sl->bins.items, sl->bins.count * sizeof *e);
        *n_edges = sl->bins.count;
    } else {
        rc = fit_quantiles(e, n_edges, c, sl, col);
    }
    if (rc) {
        free(e);
        *n_edges = 0;
        return rc;
    }
    *edges = e;
    return MC_OK;
}

size_t mc_slice_bin(const double *edges, size_t n_edges, double x)
{
    size_t b = 0;
    while (b < n_edges && x >= edges[b])
        b++;
    return b;
}

/* A number as short as it can be and still read back the same. */
static void number_text(char *buf, size_t cap, double x)
{
    snprintf(buf, cap, "%.15g", x);
    if (strtod(buf, NULL) != x)
        snprintf(buf, cap, "%.17g", x);
}

void mc_slice_bin_label(char *buf, size_t cap, const double *edges, size_t n_edges, size_t b)
{
    char lo[32], hi[32];
    if (b > 0)
        number_text(lo, sizeof lo, edges[b - 1]);
    if (b < n_edges)
        number_text(hi, sizeof hi, edges[b]);
    if (b == 0)
        snprintf(buf, cap, "<%s", hi);
    else if (b == n_edges)
        snprintf(buf, cap, ">=%s", lo);
    else
        snprintf(buf, cap, "[%s,%s)", lo, hi);
}

/* 1 when a preprocessing step (other than drop_columns) names the column. */
static int named_by_step(const mc_spec_doc *d, const char *column)
{
    for (size_t i = 0; i < d->preprocessing.count; i++) {
        const mc_step *s = &d->preprocessing.items[i];
        for (size_t k = 0; s->type != MC_STEP_DROP_COLUMNS && k < s->columns.count; k++)
            if (strcmp(s->columns.items[k], column) == 0)
                return 1;
    }
    return 0;
}

/* 1 when a feature of the fitted pipeline is computed from raw column `column`: by its
 * lineage, or where that is not separable, by name (the column itself, or a one_hot of it). */
static int is_feature(const mc_pipeline *p, const long *input_of, int separable,
                      const char *column)
{
    for (size_t j = 0; j < p->n_features; j++)
        if (separable ? strcmp(p->inputs[input_of[j]].name, column) == 0
                      : strcmp(p->features[j], column) == 0)
            return 1;
    for (size_t s = 0; !separable && s < p->n_steps; s++)
        for (size_t k = 0; p->steps[s].type == MC_STEP_ONE_HOT && k < p->steps[s].n_cols; k++)
            if (strcmp(p->steps[s].cols[k].name, column) == 0)
                return 1;
    return 0;
}

int mc_slice_features_check(const mc_run_ctx *c)
{
    const mc_metrics *m = &c->d->metrics;
    const mc_pipeline *p = c->pipe;
    int separable = 0;
    long *input_of = m->slices.count ? malloc((p->n_features + 1) * sizeof *input_of) : NULL;
    if (m->slices.count && !input_of)
        return mc_error_nomem();
    int rc = m->slices.count ? mc_pipeline_lineage(input_of, &separable, p) : MC_OK;
    for (size_t i = 0; rc == MC_OK && i < m->slices.count; i++) {
        const mc_slice *sl = &m->slices.items[i];
        int reaches = is_feature(p, input_of, separable, sl->column);
        if (reaches && sl->has_feature && !sl->feature)
            rc = mc_spec_error(c->spec, &sl->feature, "metrics.slices[%zu]: column '%s' says "
                               "feature: false, but a preprocessing step makes it a model "
                               "feature", i, sl->column);
        else if (reaches && !sl->feature && !named_by_step(c->d, sl->column))
            rc = mc_spec_error(c->spec, &sl->column, "metrics.slices[%zu]: column '%s' would "
                               "reach the model as a feature, and the spec does not say so: "
                               "drop it before the model (a drop_columns step), or say "
                               "feature: true on the slice", i, sl->column);
    }
    free(input_of);
    return rc;
}
