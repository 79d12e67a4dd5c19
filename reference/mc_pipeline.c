#include "mc_pipeline.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_csv.h"
#include "mc_error.h"
#include "mc_json.h"

/* ---- lifetime -------------------------------------------------------------- */

static void fitted_col_free(mc_fitted_col *c)
{
    free(c->name);
    free(c->text);
    for (size_t i = 0; i < c->n_cats; i++)
        free(c->cats[i]);
    free(c->cats);
}

void mc_pipeline_free(mc_pipeline *p)
{
    if (!p)
        return;
    for (size_t s = 0; s < p->n_steps; s++) {
        for (size_t i = 0; i < p->steps[s].n_cols; i++)
            fitted_col_free(&p->steps[s].cols[i]);
        free(p->steps[s].cols);
    }
    free(p->steps);
    for (size_t i = 0; i < p->n_inputs; i++)
        free(p->inputs[i].name);
    free(p->inputs);
    for (size_t i = 0; i < p->n_features; i++)
        free(p->features[i]);
    free(p->features);
    free(p->target);
    free(p);
}

int mc_step_is_fitted(int type)
{
    return type == MC_STEP_FILL_MISSING || type == MC_STEP_ONE_HOT || type == MC_STEP_STANDARDIZE ||
           type == MC_STEP_MIN_MAX || type == MC_STEP_L2_NORMALIZE;
}

/* ---- table edits ----------------------------------------------------------- */

static void table_drop_col(mc_table *t, size_t c)
{
    mc_column_clear(&t->cols[c]);
    memmove(&t->cols[c], &t->cols[c + 1], (t->n_cols - c - 1) * sizeof *t->cols);
    t->n_cols--;
}

/* Inserts k numeric columns at pos; names and values are taken over. */
static int table_insert_cols(mc_table *t, size_t pos, char **names, double **values, size_t k)
{
    mc_column *cols = realloc(t->cols, (t->n_cols + k) * sizeof *cols);
    if (!cols)
        return mc_error_nomem();
    t->cols = cols;
    memmove(&cols[pos + k], &cols[pos], (t->n_cols - pos) * sizeof *cols);
    for (size_t i = 0; i < k; i++) {
        memset(&cols[pos + i], 0, sizeof *cols);
        cols[pos + i].name = names[i];
        cols[pos + i].kind = MC_COLKIND_NUMERIC;
        cols[pos + i].num = values[i];
    }
    t->n_cols += k;
    return MC_OK;
}

static void table_keep_rows(mc_table *t, const unsigned char *keep)
{
    size_t w = 0;
    for (size_t r = 0; r < t->n_rows; r++) {
        if (!keep[r])
            continue;
        for (size_t c = 0; c < t->n_cols; c++) {
            mc_column *col = &t->cols[c];
            if (col->kind == MC_COLKIND_NUMERIC)
                col->num[w] = col->num[r];
            else
                col->codes[w] = col->codes[r];
        }
        t->line_of_row[w] = t->line_of_row[r];
        t->row_index[w] = t->row_index[r];
        w++;
    }
    t->n_rows = w;
}

/* The text of a cell (category, or a number in canonical form). */
static const char *cell_text(const mc_column *c, size_t r, char buf[32])
{
    if (c->kind == MC_COLKIND_CATEGORICAL)
        return c->codes[r] == MC_CODE_MISSING ? NULL : c->levels[c->codes[r]];
    if (isnan(c->num[r]))
        return NULL;
    mc_json_format_number(buf, c->num[r]);
    return buf;
}

/* ---- fitting ----------------------------------------------------------------- */

typedef struct fitctx {
    const mc_spec *spec;
    const mc_step *s;
    size_t index;
    const char *target;
} fitctx;

static int step_error(const fitctx *fc, const char *fmt, ...) MC_PRINTF(2, 3);
static int step_error(const fitctx *fc, const char *fmt, ...)
{
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return mc_spec_error(fc->spec, fc->s, "preprocessing[%zu] (%s): %s", fc->index,
                         mc_step_type_name(fc->s->type), msg);
}

/* Resolves the step's columns: the listed ones (which must exist), or every
 * column of the wanted kind except the target. kind -1: any kind. */
static int resolve_columns(mc_fitted_step *f, const fitctx *fc, const mc_table *t, int kind)
{
    const mc_strlist *l = &fc->s->columns;
    size_t n = l->count ? l->count : t->n_cols;
    f->cols = calloc(n ? n : 1, sizeof *f->cols);
    if (!f->cols)
        return mc_error_nomem();
    for (size_t i = 0; i < n; i++) {
        const char *name;
        if (l->count) {
            name = l->items[i];
            long c = mc_table_find(t, name);
            if (c < 0)
                return step_error(fc, "column '%s' is not in the data at this step", name);
            if (kind >= 0 && (int)t->cols[c].kind != kind)
                return step_error(fc, "column '%s' is %s; this step needs %s columns", name,
                                  t->cols[c].kind == MC_COLKIND_NUMERIC ? "numeric" : "categorical",
                                  kind == MC_COLKIND_NUMERIC ? "numeric" : "categorical");
        } else {
            name = t->cols[i].name;
            /* Every column: the target too for dropna (a row without a target is unusable). */
            int is_target = strcmp(name, fc->target) == 0 && fc->s->type != MC_STEP_DROPNA;
            if ((kind >= 0 && (int)t->cols[i].kind != kind) || is_target)
                continue;
        }
        if (!(f->cols[f->n_cols].name = strdup(name)))
            return mc_error_nomem();
        f->n_cols++;
    }
    return MC_OK;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Non-missing values of a numeric column, sorted. */
static double *sorted_values(const mc_column *c, size_t n_rows, size_t *n)
{
    double *v = malloc((n_rows ? n_rows : 1) * sizeof *v);
    if (!v)
        return NULL;
    *n = 0;
    for (size_t r = 0; r < n_rows; r++)
        if (!isnan(c->num[r]))
            v[(*n)++] = c->num[r];
    qsort(v, *n, sizeof *v, cmp_double);
    return v;
}

static int fit_fill(mc_fitted_step *f, const fitctx *fc, const mc_table *t)
{
    f->strategy = fc->s->strategy;
    for (size_t i = 0; i < f->n_cols; i++) {
        mc_fitted_col *fcol = &f->cols[i];
        const mc_column *c = &t->cols[mc_table_find(t, fcol->name)];
        int numeric = c->kind == MC_COLKIND_NUMERIC;
        if (f->strategy == MC_FILL_CONSTANT) {
            if (numeric) {
                const char *v = fc->s->value;
                if (mc_csv_parse_number(v, strlen(v), &fcol->a) != 1)
                    return step_error(fc, "value '%s' is not a number, but column '%s' is numeric",
                                      v, fcol->name);
            } else if (!(fcol->text = strdup(fc->s->value))) {
                return mc_error_nomem();
            }
            continue;
        }
        if (!numeric && f->strategy != MC_FILL_MOST_FREQUENT)
            return step_error(fc, "strategy %s needs a numeric column; '%s' is categorical",
                              mc_names_fill[f->strategy], fcol->name);
        if (numeric) {
            size_t n;
            double *v = sorted_values(c, t->n_rows, &n);
            if (!v)
                return mc_error_nomem();
            if (n == 0) {
                free(v);
                return step_error(fc, "column '%s' has no values in the training rows", fcol->name);
            }
            if (f->strategy == MC_FILL_MEAN) {
                double s = 0;
                for (size_t k = 0; k < n; k++)
                    s += v[k];
                fcol->a = s / (double)n;
            } else if (f->strategy == MC_FILL_MEDIAN) {
                fcol->a = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
            } else { /* most frequent; the smallest on ties, as scikit-learn */
                size_t best = 0, run = 0;
                for (size_t k = 0; k < n; k++) {
                    run = k > 0 && v[k] == v[k - 1] ? run + 1 : 1;
                    if (run > best) {
                        best = run;
                        fcol->a = v[k];
                    }
                }
            }
            free(v);
        } else {
            size_t *counts = calloc(c->n_levels ? c->n_levels : 1, sizeof *counts);
            if (!counts)
                return mc_error_nomem();
            for (size_t r = 0; r < t->n_rows; r++)
                if (c->codes[r] != MC_CODE_MISSING)
                    counts[c->codes[r]]++;
            long best = -1;
            for (size_t k = 0; k < c->n_levels; k++)
                if (counts[k] && (best < 0 || counts[k] > counts[best] ||
                                  (counts[k] == counts[best] && strcmp(c->levels[k], c->levels[best]) < 0)))
                    best = (long)k;
            free(counts);
            if (best < 0)
                return step_error(fc, "column '%s' has no values in the training rows", fcol->name);
            if (!(fcol->text = strdup(c->levels[best])))
                return mc_error_nomem();
        }
    }
    return MC_OK;
}

static int fit_one_hot(mc_fitted_step *f, const fitctx *fc, const mc_table *t)
{
    f->handle_unknown = fc->s->handle_unknown;
    for (size_t i = 0; i < f->n_cols; i++) {
        mc_fitted_col *fcol = &f->cols[i];
        const mc_column *c = &t->cols[mc_table_find(t, fcol->name)];
        size_t cap = 16;
        fcol->cats = malloc(cap * sizeof *fcol->cats);
        if (!fcol->cats)
            return mc_error_nomem();
        for (size_t r = 0; r < t->n_rows; r++) {
            char buf[32];
            const char *text = cell_text(c, r, buf);
            if (!text)
                continue;
            size_t k = 0;
            while (k < fcol->n_cats && strcmp(fcol->cats[k], text) != 0)
                k++;
            if (k < fcol->n_cats)
                continue;
            if (fcol->n_cats == (size_t)fc->s->max_categories)
                return step_error(fc, "column '%s' has more than max_categories (%lld) categories",
                                  fcol->name, fc->s->max_categories);
            if (fcol->n_cats == cap) {
                cap *= 2;
                char **cats = realloc(fcol->cats, cap * sizeof *cats);
                if (!cats)
                    return mc_error_nomem();
                fcol->cats = cats;
            }
            if (!(fcol->cats[fcol->n_cats] = strdup(text)))
                return mc_error_nomem();
            fcol->n_cats++;
        }
        if (fcol->n_cats == 0)
            return step_error(fc, "column '%s' has no values in the training rows", fcol->name);
        qsort(fcol->cats, fcol->n_cats, sizeof *fcol->cats, cmp_str);
    }
    return MC_OK;
}

static int fit_numeric_stats(mc_fitted_step *f, const fitctx *fc, const mc_table *t)
{
    for (size_t i = 0; i < f->n_cols; i++) {
        mc_fitted_col *fcol = &f->cols[i];
        const mc_column *c = &t->cols[mc_table_find(t, fcol->name)];
        double sum = 0, sq = 0, mn = INFINITY, mx = -INFINITY;
        size_t n = 0;
        for (size_t r = 0; r < t->n_rows; r++) {
            double v = c->num[r];
            if (isnan(v))
                continue;
            sum += v;
            mn = v < mn ? v : mn;
            mx = v > mx ? v : mx;
            n++;
        }
        if (n == 0)
            return step_error(fc, "column '%s' has no values in the training rows", fcol->name);
        double mean = sum / (double)n;
        for (size_t r = 0; r < t->n_rows; r++) {
            double v = c->num[r];
            if (isnan(v))
                continue;
            sq += f->type == MC_STEP_L2_NORMALIZE ? v * v : (v - mean) * (v - mean);
        }
        switch (f->type) {
        case MC_STEP_STANDARDIZE: /* population std, as numpy; 1 for a constant column */
            fcol->a = mean;
            fcol->b = sqrt(sq / (double)n);
            if (fcol->b == 0)
                fcol->b = 1;
            break;
        case MC_STEP_L2_NORMALIZE: /* pandas: x / np.linalg.norm(x) per column */
            fcol->a = sqrt(sq);
            if (fcol->a == 0)
                fcol->a = 1;
            break;
        case MC_STEP_MIN_MAX:
            fcol->a = mn;
            fcol->b = mx - mn > 0 ? mx - mn : 1;
            break;
        }
    }
    return MC_OK;
}

int mc_pipeline_fit_step(mc_pipeline *p, const mc_spec *spec, const mc_step *s, size_t index,
                         mc_table *train)
{
    fitctx fc = {spec, s, index, p->target};
    mc_fitted_step *steps = realloc(p->steps, (p->n_steps + 1) * sizeof *steps);
    if (!steps)
        return mc_error_nomem();
    p->steps = steps;
    mc_fitted_step *f = &p->steps[p->n_steps++];
    memset(f, 0, sizeof *f);
    f->type = s->type;
    f->axis = s->axis;
    f->feature_min = s->feature_min;
    f->feature_max = s->feature_max;
    int rc;
    switch (s->type) {
    case MC_STEP_DROPNA:
    case MC_STEP_DROP_COLUMNS:
        rc = resolve_columns(f, &fc, train, -1);
        break;
    case MC_STEP_SELECT_COLUMNS:
        rc = resolve_columns(f, &fc, train, -1);
        break;
    case MC_STEP_FILL_MISSING:
        /* Unlisted columns: numeric ones for mean and median, all for the others. */
        rc = resolve_columns(f, &fc, train,
                             s->strategy == MC_FILL_MEAN || s->strategy == MC_FILL_MEDIAN
                                 ? MC_COLKIND_NUMERIC : -1);
        if (rc == MC_OK)
            rc = fit_fill(f, &fc, train);
        break;
    case MC_STEP_ONE_HOT:
        rc = resolve_columns(f, &fc, train, -1);
        if (rc == MC_OK)
            rc = fit_one_hot(f, &fc, train);
        break;
    case MC_STEP_L2_NORMALIZE:
    case MC_STEP_STANDARDIZE:
    case MC_STEP_MIN_MAX:
        rc = resolve_columns(f, &fc, train, MC_COLKIND_NUMERIC);
        if (rc == MC_OK && !(s->type == MC_STEP_L2_NORMALIZE && s->axis == MC_AXIS_ROWS))
            rc = fit_numeric_stats(f, &fc, train);
        break;
    default:
        return step_error(&fc, "this privacy transform is not available in this version of the "
                               "engine yet");
    }
    if (rc)
        return rc;
    return mc_pipeline_apply_range(p, train, p->n_steps - 1, p->n_steps);
}

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
    table_keep_rows(t, keep);
    free(keep);
    return MC_OK;
}

static long need_col(const mc_table *t, const char *name)
{
    long c = mc_table_find(t, name);
    if (c < 0)
        mc_error_set(MC_EINPUT, "%s: column '%s' is missing", t->source, name);
    return c;
}

static int apply_select(const mc_fitted_step *f, mc_table *t, const char *target, int drop)
{
    for (size_t c = t->n_cols; c-- > 0;) {
        int listed = 0;
        for (size_t i = 0; i < f->n_cols && !listed; i++)
            listed = strcmp(f->cols[i].name, t->cols[c].name) == 0;
        if (drop ? listed : (!listed && strcmp(t->cols[c].name, target) != 0))
            table_drop_col(t, c);
    }
    return MC_OK;
}

static int apply_fill(const mc_fitted_step *f, mc_table *t)
{
    for (size_t i = 0; i < f->n_cols; i++) {
        const mc_fitted_col *fc = &f->cols[i];
        long c = need_col(t, fc->name);
        if (c < 0)
            return MC_EINPUT;
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
        long c = need_col(t, fc->name);
        if (c < 0)
            return MC_EINPUT;
        size_t k = fc->n_cats, n = t->n_rows;
        char **names = calloc(k, sizeof *names);
        double **vals = calloc(k, sizeof *vals);
        int rc = names && vals ? MC_OK : mc_error_nomem();
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
            const char *text = cell_text(col, r, buf);
            char *const *hit = text ? bsearch(&text, fc->cats, k, sizeof *fc->cats, cmp_str) : NULL;
            if (hit)
                vals[hit - fc->cats][r] = 1.0;
            else if (f->handle_unknown == MC_UNKNOWN_ERROR)
                rc = data_error(t, r, "column '%s': %s%s%s was not seen in training (one_hot "
                                "handle_unknown: error)", fc->name, text ? "category '" : "a missing value",
                                text ? text : "", text ? "'" : "");
        }
        if (rc == MC_OK) {
            table_drop_col(t, (size_t)c);
            rc = table_insert_cols(t, (size_t)c, names, vals, k);
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
        long c = need_col(t, fc->name);
        if (c < 0)
            return MC_EINPUT;
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
        default: rc = mc_error_set(MC_EINTERNAL, "unknown fitted step %d", f->type);
        }
        if (rc)
            return rc;
    }
    return MC_OK;
}

/* ---- features and inputs ------------------------------------------------------------ */

static int add_input(mc_pipeline *p, const mc_table *raw, const char *name)
{
    if (strcmp(name, p->target) == 0)
        return MC_OK;
    for (size_t i = 0; i < p->n_inputs; i++)
        if (strcmp(p->inputs[i].name, name) == 0)
            return MC_OK;
    long c = mc_table_find(raw, name);
    if (c < 0)
        return MC_OK; /* a column made by a step (one_hot output) */
    mc_input_col *in = realloc(p->inputs, (p->n_inputs + 1) * sizeof *in);
    if (!in)
        return mc_error_nomem();
    p->inputs = in;
    in[p->n_inputs].categorical = raw->cols[c].kind == MC_COLKIND_CATEGORICAL;
    if (!(in[p->n_inputs].name = strdup(name)))
        return mc_error_nomem();
    p->n_inputs++;
    return MC_OK;
}

int mc_pipeline_finish(mc_pipeline *p, const mc_table *fitted, const mc_table *raw)
{
    int rc = MC_OK;
    p->features = calloc(fitted->n_cols ? fitted->n_cols : 1, sizeof *p->features);
    if (!p->features)
        return mc_error_nomem();
    for (size_t c = 0; c < fitted->n_cols; c++) {
        const mc_column *col = &fitted->cols[c];
        if (strcmp(col->name, p->target) == 0)
            continue;
        if (col->kind != MC_COLKIND_NUMERIC)
            return mc_error_set(MC_EINPUT,
                                "column '%s' is categorical and reaches the model: add a one_hot "
                                "step for it, or drop it with drop_columns",
                                col->name);
        if (!(p->features[p->n_features] = strdup(col->name)))
            return mc_error_nomem();
        p->n_features++;
    }
    if (p->n_features == 0)
        return mc_error_set(MC_EINPUT, "no feature columns reach the model");
    /* Inputs: every raw column a step reads or that reaches the model as itself. */
    for (size_t s = 0; rc == MC_OK && s < p->n_steps; s++) {
        const mc_fitted_step *f = &p->steps[s];
        if (f->type == MC_STEP_DROP_COLUMNS)
            continue;
        for (size_t i = 0; rc == MC_OK && i < f->n_cols; i++)
            rc = add_input(p, raw, f->cols[i].name);
    }
    for (size_t i = 0; rc == MC_OK && i < p->n_features; i++)
        rc = add_input(p, raw, p->features[i]);
    return rc;
}

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

/* ---- JSON (the artifact header) ---------------------------------------------------- */

/* The step types a fitted pipeline holds, so the only ones an artifact may
 * name: MC_STEP_DROPNA to MC_STEP_MIN_MAX. Not the PII transforms after them
 * (hash, mask, generalize), which run before the split; nor, until this says
 * so, a type added later. */
static int artifact_step_type(int type)
{
    return type >= 0 && type <= MC_STEP_MIN_MAX;
}

int mc_pipeline_to_json(json_t **out, const mc_pipeline *p)
{
    json_t *steps = json_array(), *inputs = json_array(), *features = json_array();
    for (size_t s = 0; s < p->n_steps; s++) {
        const mc_fitted_step *f = &p->steps[s];
        json_t *cols = json_array();
        for (size_t i = 0; i < f->n_cols; i++) {
            const mc_fitted_col *c = &f->cols[i];
            json_t *jc = json_pack("{s:s}", "name", c->name);
            if (f->type == MC_STEP_STANDARDIZE)
                json_object_set_new(jc, "mean", json_real(c->a)), json_object_set_new(jc, "std", json_real(c->b));
            else if (f->type == MC_STEP_L2_NORMALIZE && f->axis == MC_AXIS_COLUMNS)
                json_object_set_new(jc, "norm", json_real(c->a));
            else if (f->type == MC_STEP_MIN_MAX)
                json_object_set_new(jc, "min", json_real(c->a)), json_object_set_new(jc, "range", json_real(c->b));
            else if (f->type == MC_STEP_FILL_MISSING)
                json_object_set_new(jc, "value", c->text ? json_string(c->text) : json_real(c->a));
            else if (f->type == MC_STEP_ONE_HOT) {
                json_t *cats = json_array();
                for (size_t k = 0; k < c->n_cats; k++)
                    json_array_append_new(cats, json_string(c->cats[k]));
                json_object_set_new(jc, "categories", cats);
            }
            json_array_append_new(cols, jc);
        }
        json_t *js = json_pack("{s:s, s:o}", "type", mc_step_type_name(f->type), "columns", cols);
        if (f->type == MC_STEP_L2_NORMALIZE)
            json_object_set_new(js, "axis", json_string(mc_names_axis[f->axis]));
        if (f->type == MC_STEP_ONE_HOT)
            json_object_set_new(js, "handle_unknown", json_string(mc_names_unknown[f->handle_unknown]));
        if (f->type == MC_STEP_MIN_MAX) {
            json_object_set_new(js, "feature_min", json_real(f->feature_min));
            json_object_set_new(js, "feature_max", json_real(f->feature_max));
        }
        json_array_append_new(steps, js);
    }
    for (size_t i = 0; i < p->n_inputs; i++)
        json_array_append_new(inputs, json_pack("{s:s, s:s}", "name", p->inputs[i].name, "type",
                                                p->inputs[i].categorical ? "categorical" : "numeric"));
    for (size_t i = 0; i < p->n_features; i++)
        json_array_append_new(features, json_string(p->features[i]));
    *out = json_pack("{s:s, s:o, s:o, s:o}", "target", p->target, "steps", steps, "inputs", inputs,
                     "features", features);
    return *out ? MC_OK : mc_error_nomem();
}

static int bad_header(const char *what)
{
    return mc_error_set(MC_EINPUT, "model artifact: invalid preprocessing (%s)", what);
}

static char *dup_str(const json_t *j)
{
    return json_is_string(j) ? strdup(json_string_value(j)) : NULL;
}

static int num_field(const json_t *o, const char *key, double *out)
{
    json_t *v = json_object_get(o, key);
    if (!json_is_number(v))
        return 0;
    *out = json_number_value(v);
    return isfinite(*out);
}

static int step_from_json(mc_fitted_step *f, const json_t *js)
{
    const json_t *cols = json_object_get(js, "columns");
    f->type = mc_enum_from_name(mc_names_step, json_string_value(json_object_get(js, "type")));
    if (!artifact_step_type(f->type) || !json_is_array(cols))
        return bad_header("step type or columns");
    /* Anything but "rows" reads as columns, anything but "ignore" as error. */
    int axis = mc_enum_from_name(mc_names_axis, json_string_value(json_object_get(js, "axis")));
    f->axis = axis == MC_AXIS_ROWS ? MC_AXIS_ROWS : MC_AXIS_COLUMNS;
    int hu = mc_enum_from_name(mc_names_unknown,
                               json_string_value(json_object_get(js, "handle_unknown")));
    f->handle_unknown = hu == MC_UNKNOWN_IGNORE ? MC_UNKNOWN_IGNORE : MC_UNKNOWN_ERROR;
    if (f->type == MC_STEP_MIN_MAX && (!num_field(js, "feature_min", &f->feature_min) ||
                                       !num_field(js, "feature_max", &f->feature_max)))
        return bad_header("min_max range");
    f->cols = calloc(json_array_size(cols) + 1, sizeof *f->cols);
    if (!f->cols)
        return mc_error_nomem();
    for (size_t i = 0; i < json_array_size(cols); i++) {
        const json_t *jc = json_array_get(cols, i);
        mc_fitted_col *c = &f->cols[f->n_cols++];
        if (!(c->name = dup_str(json_object_get(jc, "name"))))
            return bad_header("column name");
        int ok = 1;
        if (f->type == MC_STEP_STANDARDIZE)
            ok = num_field(jc, "mean", &c->a) && num_field(jc, "std", &c->b) && c->b != 0;
        else if (f->type == MC_STEP_L2_NORMALIZE && f->axis == MC_AXIS_COLUMNS)
            ok = num_field(jc, "norm", &c->a) && c->a != 0;
        else if (f->type == MC_STEP_MIN_MAX)
            ok = num_field(jc, "min", &c->a) && num_field(jc, "range", &c->b) && c->b != 0;
        else if (f->type == MC_STEP_FILL_MISSING) {
            const json_t *v = json_object_get(jc, "value");
            ok = json_is_string(v) ? (c->text = dup_str(v)) != NULL : num_field(jc, "value", &c->a);
        } else if (f->type == MC_STEP_ONE_HOT) {
            const json_t *cats = json_object_get(jc, "categories");
            ok = json_is_array(cats) && json_array_size(cats) > 0;
            c->cats = ok ? calloc(json_array_size(cats), sizeof *c->cats) : NULL;
            for (size_t k = 0; ok && k < json_array_size(cats); k++) {
                ok = (c->cats[k] = dup_str(json_array_get(cats, k))) != NULL;
                c->n_cats += ok;
                if (ok && k > 0 && strcmp(c->cats[k - 1], c->cats[k]) >= 0)
                    ok = 0; /* must stay sorted: apply uses binary search */
            }
        }
        if (!ok)
            return bad_header(c->name);
    }
    return MC_OK;
}

int mc_pipeline_from_json(mc_pipeline **out, const json_t *j)
{
    int rc = MC_OK;
    mc_pipeline *p = calloc(1, sizeof *p);
    if (!p)
        return mc_error_nomem();
    const json_t *steps = json_object_get(j, "steps"), *inputs = json_object_get(j, "inputs");
    const json_t *features = json_object_get(j, "features");
    if (!(p->target = dup_str(json_object_get(j, "target"))) || !json_is_array(steps) ||
        !json_is_array(inputs) || !json_is_array(features) || json_array_size(features) == 0) {
        rc = bad_header("target, steps, inputs or features");
        goto cleanup;
    }
    p->steps = calloc(json_array_size(steps) + 1, sizeof *p->steps);
    p->inputs = calloc(json_array_size(inputs) + 1, sizeof *p->inputs);
    p->features = calloc(json_array_size(features) + 1, sizeof *p->features);
    if (!p->steps || !p->inputs || !p->features) {
        rc = mc_error_nomem();
        goto cleanup;
    }
    for (size_t i = 0; rc == MC_OK && i < json_array_size(steps); i++) {
        p->n_steps++;
        rc = step_from_json(&p->steps[i], json_array_get(steps, i));
    }
    for (size_t i = 0; rc == MC_OK && i < json_array_size(inputs); i++) {
        const json_t *in = json_array_get(inputs, i);
        const char *type = json_string_value(json_object_get(in, "type"));
        p->inputs[i].name = dup_str(json_object_get(in, "name"));
        p->n_inputs += p->inputs[i].name != NULL; /* counted, so freed, whatever comes next */
        if (!p->inputs[i].name || !type) {
            rc = bad_header("inputs");
            break;
        }
        p->inputs[i].categorical = strcmp(type, "categorical") == 0;
    }
    for (size_t i = 0; rc == MC_OK && i < json_array_size(features); i++) {
        if (!(p->features[i] = dup_str(json_array_get(features, i))))
            rc = bad_header("features");
        else
            p->n_features++;
    }
cleanup:
    if (rc) {
        mc_pipeline_free(p);
        return rc;
    }
    *out = p;
    return MC_OK;
}
