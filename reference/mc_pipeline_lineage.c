/* Which raw input column each feature comes from, worked out from the fitted
 * steps alone (no data): what permutation importance needs to shuffle a
 * column's transformed block instead of re-running the whole pipeline. It
 * follows the column renaming of mc_pipeline_apply.c step by step. */
#include "mc_pipeline.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_error.h"
#include "mc_str.h"

typedef struct named {
    char *name; /* owned */
    long input; /* index into p->inputs */
} named;

typedef struct columns {
    named *v;
    size_t n, cap;
} columns;

static void columns_free(columns *c)
{
    for (size_t i = 0; i < c->n; i++)
        free(c->v[i].name);
    free(c->v);
}

static int columns_push(columns *c, const char *a, const char *b, long input)
{
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 64;
        named *v = realloc(c->v, cap * sizeof *v);
        if (!v)
            return mc_error_nomem();
        c->v = v, c->cap = cap;
    }
    size_t len = strlen(a) + (b ? strlen(b) + 1 : 0) + 1;
    char *s = malloc(len);
    if (!s)
        return mc_error_nomem();
    if (b)
        snprintf(s, len, "%s=%s", a, b);
    else
        memcpy(s, a, len);
    c->v[c->n].name = s;
    c->v[c->n++].input = input;
    return MC_OK;
}

static int cmp_named(const void *a, const void *b)
{
    return strcmp(((const named *)a)->name, ((const named *)b)->name);
}

/* *out = the step's column names, sorted, for lookups (the caller frees the
 * array only). MC_ENOMEM. */
static int step_names(char ***out, const mc_fitted_step *f)
{
    char **names = malloc((f->n_cols + 1) * sizeof *names);
    if (!names)
        return mc_error_nomem();
    for (size_t i = 0; i < f->n_cols; i++)
        names[i] = f->cols[i].name;
    qsort(names, f->n_cols, sizeof *names, mc_str_cmp_ptr);
    *out = names;
    return MC_OK;
}

static int listed(char **names, size_t n, const char *name)
{
    return bsearch(&name, names, n, sizeof *names, mc_str_cmp_ptr) != NULL;
}

/* drop_columns (drop) or select_columns (keep only the listed), one_hot
 * (each listed column becomes NAME=CATEGORY columns in its place). */
static int rename_step(columns *c, const mc_fitted_step *f)
{
    char **names = NULL;
    columns out = {0};
    int rc = step_names(&names, f);
    for (size_t i = 0; rc == MC_OK && i < c->n; i++) {
        const named *col = &c->v[i];
        int is_listed = listed(names, f->n_cols, col->name);
        if (f->type == MC_STEP_ONE_HOT && is_listed) {
            const mc_fitted_col *fc = NULL;
            for (size_t k = 0; k < f->n_cols && !fc; k++)
                if (strcmp(f->cols[k].name, col->name) == 0)
                    fc = &f->cols[k];
            for (size_t k = 0; rc == MC_OK && k < fc->n_cats; k++)
                rc = columns_push(&out, col->name, fc->cats[k], col->input);
        } else if (f->type == MC_STEP_ONE_HOT || (f->type == MC_STEP_DROP_COLUMNS) != is_listed) {
            rc = columns_push(&out, col->name, NULL, col->input);
        }
    }
    free(names);
    if (rc) {
        columns_free(&out);
        return rc;
    }
    columns_free(c);
    *c = out;
    return MC_OK;
}

/* Walks the steps; *separable = 0 when a step mixes columns (L2 over rows) or
 * can drop test rows depending on a column's values (dropna after the split). */
static int walk(columns *c, const mc_pipeline *p, int *separable, int rows_may_drop)
{
    int fitted_seen = 0, rc = MC_OK;
    for (size_t i = 0; rc == MC_OK && i < p->n_inputs; i++)
        rc = columns_push(c, p->inputs[i].name, NULL, (long)i);
    for (size_t s = 0; rc == MC_OK && *separable && s < p->n_steps; s++) {
        const mc_fitted_step *f = &p->steps[s];
        fitted_seen |= mc_step_is_fitted(f->type);
        if ((f->type == MC_STEP_L2_NORMALIZE && f->axis == MC_AXIS_ROWS) ||
            (f->type == MC_STEP_DROPNA && fitted_seen && !rows_may_drop))
            *separable = 0;
        else if (f->type == MC_STEP_DROP_COLUMNS || f->type == MC_STEP_SELECT_COLUMNS ||
                 f->type == MC_STEP_ONE_HOT)
            rc = rename_step(c, f);
    }
    return rc;
}

static int lineage(long *input_of, int *separable, const mc_pipeline *p, int rows_may_drop)
{
    columns c = {0};
    *separable = 1;
    int rc = walk(&c, p, separable, rows_may_drop);
    if (rc || !*separable)
        goto cleanup;
    qsort(c.v, c.n, sizeof *c.v, cmp_named);
    for (size_t i = 1; i < c.n; i++)
        if (strcmp(c.v[i - 1].name, c.v[i].name) == 0)
            *separable = 0; /* a one-hot name collides with another column */
    for (size_t j = 0; *separable && j < p->n_features; j++) {
        named key = {p->features[j], 0};
        const named *hit = bsearch(&key, c.v, c.n, sizeof *c.v, cmp_named);
        if (hit)
            input_of[j] = hit->input;
        else
            *separable = 0;
    }
cleanup:
    columns_free(&c);
    return rc;
}

int mc_pipeline_lineage(long *input_of, int *separable, const mc_pipeline *p)
{
    return lineage(input_of, separable, p, 0);
}

int mc_pipeline_feature_lineage(long *input_of, int *separable, const mc_pipeline *p)
{
    return lineage(input_of, separable, p, 1);
}
