/* Global attributions in a run (metrics.json "attributions", docs/explanations.md): every
 * test row explained by Integrated Gradients (mc_explain.h) from the training rows' mean
 * features, as `modelcert explain RUN_DIR` explains it, then the mean |attribution| of each
 * raw column over the rows and its share of their sum: which columns the model's decisions
 * rest on, next to permutation importance. The spec's explainability.max_share judges the
 * shares (checks/mc_explainability.c). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_error.h"
#include "mc_explain.h"
#include "mc_json.h"
#include "mc_run_ctx.h"

typedef struct col_attr {
    const char *column;
    double mean_abs;
} col_attr;

static int cmp_attr(const void *a, const void *b)
{
    double x = ((const col_attr *)a)->mean_abs, y = ((const col_attr *)b)->mean_abs;
    return (x < y) - (x > y);
}

/* *out = the columns by mean |attribution|, with their shares, and the rows' summary. */
static int attributions_json(json_t **out, col_attr *ca, size_t M, size_t n, double gap,
                             size_t unconverged, double tolerance)
{
    double total = 0;
    for (size_t i = 0; i < M; i++)
        total += ca[i].mean_abs;
    qsort(ca, M, sizeof *ca, cmp_attr);
    json_t *cols = json_array(), *j = NULL;
    int rc = cols ? MC_OK : mc_error_nomem();
    for (size_t i = 0; rc == MC_OK && i < M; i++)
        rc = mc_json_append(cols, json_pack("{s:s, s:f, s:f}", "column", ca[i].column,
                                            "mean_abs", ca[i].mean_abs, "share",
                                            total > 0 ? ca[i].mean_abs / total : 0.0));
    if (rc == MC_OK &&
        !(j = json_pack("{s:s, s:s, s:I, s:f, s:f, s:I, s:O}", "method", "ig", "baseline",
                        "the training rows' mean features", "rows", (json_int_t)n,
                        "tolerance", tolerance, "largest_gap", gap, "unconverged",
                        (json_int_t)unconverged, "columns", cols)))
        rc = mc_error_nomem();
    json_decref(cols);
    if (rc == MC_OK)
        *out = j;
    return rc;
}

int mc_run_attributions(json_t **out, const mc_run_ctx *c)
{
    const mc_run_part *train = &c->parts[MC_PART_TRAIN], *test = &c->parts[MC_PART_TEST];
    size_t d = (size_t)c->nn->in, M = c->pipe->n_inputs, n = test->n, unconverged = 0;
    mc_model view = mc_run_model_view(c);
    mc_explain_options o;
    mc_explain_options_default(&o);
    o.tolerance = c->d->explainability.tolerance;
    mc_explainer *e = NULL;
    float *x = NULL;
    double *z0 = calloc(d + 1, sizeof *z0), *z = calloc(d + 1, sizeof *z), gap = 0;
    col_attr *ca = calloc(M + 1, sizeof *ca);
    mc_explanation ex = {.attr = calloc(M + 1, sizeof *ex.attr),
                         .se = calloc(M + 1, sizeof *ex.se)};
    int rc = z0 && z && ca && ex.attr && ex.se ? MC_OK : mc_error_nomem();
    for (size_t r = 0; rc == MC_OK && r < train->n; r++) /* as explain's background mean */
        for (size_t j = 0; j < d; j++)
            z0[j] += (double)train->x[r * d + j];
    for (size_t j = 0; rc == MC_OK && j < d; j++)
        z0[j] /= (double)(train->n ? train->n : 1);
    if (rc == MC_OK)
        rc = mc_pipeline_matrix(&x, c->pipe, test->tbl, "test");
    if (rc == MC_OK)
        rc = mc_explainer_create(&e, &view, z0, 1, z0, &o);
    for (size_t i = 0; rc == MC_OK && i < M; i++)
        ca[i].column = c->pipe->inputs[i].name;
    for (size_t r = 0; rc == MC_OK && r < n; r++) {
        for (size_t j = 0; j < d; j++)
            z[j] = (double)x[r * d + j];
        size_t row = test->tbl->row_index[r];
        if ((rc = mc_explainer_row(e, z, row, &ex))) {
            char msg[1100];
            snprintf(msg, sizeof msg, "%s", mc_error_last()->message);
            rc = mc_error_set_at(MC_EINPUT, c->table->source, (int)test->tbl->line_of_row[r],
                                 1, "attributions: %.900s", msg);
            break;
        }
        for (size_t i = 0; i < M; i++)
            ca[i].mean_abs += fabs(ex.attr[i]) / (double)n;
        gap = ex.gap > gap ? ex.gap : gap;
        unconverged += !ex.converged;
    }
    if (rc == MC_OK)
        rc = attributions_json(out, ca, M, n, gap, unconverged, o.tolerance);
    mc_explainer_free(e);
    free(x), free(z0), free(z), free(ca), free(ex.attr), free(ex.se);
    return rc;
}
