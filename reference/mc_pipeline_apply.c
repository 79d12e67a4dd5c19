/* Applying a fitted pipeline to a table, in place: the same code for the
 * training rows, the held-out rows and prediction on raw rows. */
#include "mc_pipeline.h"

#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_error.h"
#include "mc_str.h"

/* ---- applying ------------------------------------------------------------------- */

static int data_error(const mc_table *t, size_t r, const char *fmt, ...) MC_PRINTF(3, 4);
static int data_error(const mc_table *t, size_t r, const char *fmt, ...)
{
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return mc_error_set_at(MC_EINPUT, t->source, (int)t->line_of_row[r], 1, "%s", msg);
}

static int apply_dropna(const mc_fitted_step *f, mc_table *t)
{
    unsigned char *keep = malloc(t->n_rows ? t->n_rows : 1);
    if (!keep)
        return mc_error_nomem();
    memset(keep, 1, t->n_rows);
    for (size_t i = 0; i < f->n_cols; i++) {
        long c = mc_table_find(t, f->cols[i].name);
        if (c < 0)
            continue; /* the target, at prediction time */
        for (size_t r = 0; r < t->n_rows; r++)
            if (mc_table_is_missing(t, (size_t)c, r))
                keep[r] = 0;
    }
    mc_table_keep_rows(t, keep);
    free(keep);
    return MC_OK;
}

/* *col = the index of the column a fitted step needs. MC_EINPUT when the
 * table lacks it. */
static int need_col(long *col, const mc_table *t, const char *name)
{
    long c = mc_table_find(t, name);
    if (c < 0)
        return mc_error_set(MC_EINPUT, "%s: column '%s' is missing", t->source, name);
    *col = c;
    return MC_OK;
}

static int apply_select(const mc_fitted_step *f, mc_table *t, const char *target, int drop)
{
    for (size_t c = t->n_cols; c-- > 0;) {
        int listed = 0;
        for (size_t i = 0; i < f->n_cols && !listed; i++)
            listed = strcmp(f->cols[i].name, t->cols[c].name) == 0;
        if (drop ? listed : (!listed && strcmp(t->cols[c].name, target) != 0))
            mc_table_drop_col(t, c);
    }
    return MC_OK;
}

static int apply_fill(const mc_fitted_step *f, mc_table *t)
{
    for (size_t i = 0; i < f->n_cols; i++) {
        const mc_fitted_col *fc = &f->cols[i];
        long c = -1;
        int rc = need_col(&c, t, fc->name);
        if (rc)
            return rc;
        mc_column *col = &t->cols[c];
        if (col->kind == MC_COLKIND_NUMERIC) {
            for (size_t r = 0; r < t->n_rows; r++)
                if (isnan(col->num[r]))
                    col->num[r] = fc->a;
            continue;
        }
        uint32_t code = mc_column_code(col, fc->text);
        if (code == MC_CODE_MISSING) { /* a new level: the fill value */
            char **levels = realloc(col->levels, (col->n_levels + 1) * sizeof *levels);
            if (!levels)
                return mc_error_nomem();
            col->levels = levels;
            if (!(levels[col->n_levels] = strdup(fc->text)))
                return mc_error_nomem();
            code = (uint32_t)col->n_levels++;
        }
        for (size_t r = 0; r < t->n_rows; r++)
            if (col->codes[r] == MC_CODE_MISSING)
                col->codes[r] = code;
    }
    return MC_OK;
}

static int apply_one_hot(const mc_fitted_step *f, mc_table *t)
{
    for (size_t i = 0; i < f->n_cols; i++) {
        const mc_fitted_col *fc = &f->cols[i];
        long c = -1;
        int rc = need_col(&c, t, fc->name);
        if (rc)
            return rc;
        size_t k = fc->n_cats, n = t->n_rows;
        char **names = calloc(k, sizeof *names);
        double **vals = calloc(k, sizeof *vals);
        rc = names && vals ? MC_OK : mc_error_nomem();
        for (size_t j = 0; rc == MC_OK && j < k; j++) {
            size_t len = strlen(fc->name) + strlen(fc->cats[j]) + 2;
            names[j] = malloc(len);
            vals[j] = calloc(n ? n : 1, sizeof **vals);
            if (!names[j] || !vals[j])
                rc = mc_error_nomem();
            else
                snprintf(names[j], len, "%s=%s", fc->name, fc->cats[j]);
        }
        const mc_column *col = &t->cols[c];
        for (size_t r = 0; rc == MC_OK && r < n; r++) {
            char buf[32];
            const char *text = mc_column_cell_text(col, r, buf);
            char *const *hit = text ? bsearch(&text, fc->cats, k, sizeof *fc->cats, mc_str_cmp_ptr) : NULL;
            if (hit)
                vals[hit - fc->cats][r] = 1.0;
            else if (f->handle_unknown == MC_UNKNOWN_ERROR) {
                char shown[MC_STR_PRINTABLE_CAP(MC_STR_QUOTE_MAX)]; /* a data value: limited, escaped */
                mc_str_printable(shown, sizeof shown, text, MC_STR_QUOTE_MAX);
                rc = data_error(t, r, "column '%s': %s%s%s was not seen in training (one_hot "
                                "handle_unknown: error)", fc->name, text ? "category '" : "a missing value",
                                text ? shown : "", text ? "'" : "");
            }
        }
        if (rc == MC_OK) {
            mc_table_drop_col(t, (size_t)c);
            rc = mc_table_insert_cols(t, (size_t)c, names, vals, k);
        }
        if (rc) {
            for (size_t j = 0; names && vals && j < k; j++) {
                free(names[j]);
                free(vals[j]);
            }
        }
        free(names);
        free(vals);
        if (rc)
            return rc;
    }
    return MC_OK;
}

static int apply_numeric(const mc_fitted_step *f, mc_table *t)
{
    if (f->type == MC_STEP_L2_NORMALIZE && f->axis == MC_AXIS_ROWS) {
        for (size_t r = 0; r < t->n_rows; r++) {
            double sq = 0;
            for (size_t i = 0; i < f->n_cols; i++) {
                long c = mc_table_find(t, f->cols[i].name);
                double v = c < 0 ? 0 : t->cols[c].num[r];
                sq += isnan(v) ? 0 : v * v;
            }
            double norm = sqrt(sq);
            if (norm == 0)
                continue;
            for (size_t i = 0; i < f->n_cols; i++) {
                long c = mc_table_find(t, f->cols[i].name);
                if (c >= 0)
                    t->cols[c].num[r] /= norm;
            }
        }
        return MC_OK;
    }
    for (size_t i = 0; i < f->n_cols; i++) {
        const mc_fitted_col *fc = &f->cols[i];
        long c = -1;
        int rc = need_col(&c, t, fc->name);
        if (rc)
            return rc;
        if (t->cols[c].kind != MC_COLKIND_NUMERIC)
            return mc_error_set(MC_EINPUT, "%s: column '%s' is not numeric", t->source, fc->name);
        double *v = t->cols[c].num;
        double span = f->feature_max - f->feature_min;
        for (size_t r = 0; r < t->n_rows; r++) {
            if (f->type == MC_STEP_STANDARDIZE)
                v[r] = (v[r] - fc->a) / fc->b;
            else if (f->type == MC_STEP_L2_NORMALIZE)
                v[r] = v[r] / fc->a;
            else
                v[r] = (v[r] - fc->a) / fc->b * span + f->feature_min;
        }
    }
    return MC_OK;
}

int mc_pipeline_apply_range(const mc_pipeline *p, mc_table *t, size_t first, size_t last)
{
    for (size_t s = first; s < last; s++) {
        const mc_fitted_step *f = &p->steps[s];
        int rc = MC_OK;
        switch (f->type) {
        case MC_STEP_DROPNA: rc = apply_dropna(f, t); break;
        case MC_STEP_DROP_COLUMNS: rc = apply_select(f, t, p->target, 1); break;
        case MC_STEP_SELECT_COLUMNS: rc = apply_select(f, t, p->target, 0); break;
        case MC_STEP_FILL_MISSING: rc = apply_fill(f, t); break;
        case MC_STEP_ONE_HOT: rc = apply_one_hot(f, t); break;
        case MC_STEP_L2_NORMALIZE:
        case MC_STEP_STANDARDIZE:
        case MC_STEP_MIN_MAX: rc = apply_numeric(f, t); break;
        case MC_STEP_HASH:
        case MC_STEP_MASK:
        case MC_STEP_GENERALIZE: rc = mc_pipeline_apply_privacy(f, t); break;
        default: rc = mc_error_set(MC_EINTERNAL, "unknown fitted step %d", f->type);
        }
        if (rc)
            return rc;
    }
    return MC_OK;
}

/* The smallest magnitude a double rounds to infinity as a float: FLT_MAX
 * plus half its last place (2^103); a tie rounds to even, which is infinity. */
#define FLT_ROUNDS_TO_INF ((double)FLT_MAX + 0x1p103)

int mc_pipeline_matrix(float **x, const mc_pipeline *p, const mc_table *t, const char *what)
{
    size_t n = t->n_rows, d = p->n_features;
    long *idx = malloc(d * sizeof *idx);
    float *m = malloc((n ? n : 1) * d * sizeof *m);
    int rc = idx && m ? MC_OK : mc_error_nomem();
    for (size_t j = 0; rc == MC_OK && j < d; j++) {
        idx[j] = mc_table_find(t, p->features[j]);
        if (idx[j] < 0)
            rc = mc_error_set(MC_EINPUT, "%s: feature column '%s' is missing", what, p->features[j]);
        else if (t->cols[idx[j]].kind != MC_COLKIND_NUMERIC)
            rc = mc_error_set(MC_EINPUT, "%s: feature column '%s' is not numeric", what, p->features[j]);
    }
    for (size_t r = 0; rc == MC_OK && r < n; r++) {
        for (size_t j = 0; j < d; j++) {
            double v = t->cols[idx[j]].num[r];
            if (isnan(v)) {
                rc = data_error(t, r,
                                "column '%s' is missing a value the model needs: add dropna or "
                                "fill_missing to the preprocessing",
                                p->features[j]);
                break;
            }
            if (fabs(v) >= FLT_ROUNDS_TO_INF) {
                rc = data_error(t, r,
                                "feature '%s' is %g after preprocessing, beyond the range of the "
                                "float32 numbers the model computes in (about 3.4e38); scale the "
                                "data, or check this row's values",
                                p->features[j], v);
                break;
            }
            m[r * d + j] = (float)v;
        }
    }
    free(idx);
    if (rc) {
        free(m);
        return rc;
    }
    *x = m;
    return MC_OK;
}
