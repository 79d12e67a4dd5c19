/* Fitting the preprocessing on the training rows (mc_pipeline.h): each spec
 * step's columns resolved and its statistics computed (fill values, one-hot
 * categories, scaling), then the feature columns and the raw inputs that
 * prediction needs. Applying fitted steps is mc_pipeline_apply.c's, the
 * privacy transforms mc_pipeline_privacy.c's, the stored form
 * mc_pipeline_json.c's. */
#include "mc_pipeline.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_csv.h"
#include "mc_error.h"
#include "mc_str.h"

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
        free(p->steps[s].key_env);
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

/* *out = the non-missing values of a numeric column, sorted, *n of them
 * (the caller frees *out). MC_ENOMEM. */
static int sorted_values(double **out, size_t *n, const mc_column *c, size_t n_rows)
{
    double *v = malloc((n_rows ? n_rows : 1) * sizeof *v);
    if (!v)
        return mc_error_nomem();
    size_t k = 0;
    for (size_t r = 0; r < n_rows; r++)
        if (!isnan(c->num[r]))
            v[k++] = c->num[r];
    qsort(v, k, sizeof *v, cmp_double);
    *out = v;
    *n = k;
    return MC_OK;
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
            size_t n = 0;
            double *v = NULL;
            int rc = sorted_values(&v, &n, c, t->n_rows);
            if (rc)
                return rc;
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
            const char *text = mc_column_cell_text(c, r, buf);
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
        qsort(fcol->cats, fcol->n_cats, sizeof *fcol->cats, mc_str_cmp_ptr);
    }
    return MC_OK;
}

/* Sum and sum of squares (about `center`) of a column's non-missing values.
 * Plain sums first: for every value that fits, these are the bits the engine
 * has always produced. When a sum overflows (values near 1e155 and above),
 * again on values scaled by a power of two, which is exact, so the statistic
 * is right wherever it can be represented at all. */
typedef struct moments {
    size_t n;
    double sum, sq, min, max;
} moments;

static void column_moments(moments *m, const double *v, size_t rows, double center, double scale)
{
    m->n = 0, m->sum = 0, m->sq = 0, m->min = INFINITY, m->max = -INFINITY;
    for (size_t r = 0; r < rows; r++) {
        if (isnan(v[r]))
            continue;
        double x = v[r] / scale, d = x - center / scale;
        m->sum += x;
        m->sq += d * d;
        m->min = v[r] < m->min ? v[r] : m->min;
        m->max = v[r] > m->max ? v[r] : m->max;
        m->n++;
    }
}

/* The power of two at or above the largest magnitude: dividing by it is exact. */
static double scale_of(double min, double max)
{
    double big = fabs(min) > fabs(max) ? fabs(min) : fabs(max);
    int e;
    frexp(big, &e);
    return ldexp(1.0, e);
}

/* A column's count, mean and sum of squares about `center` (0 for the L2
 * norm, the mean for the standard deviation), the latter as sq * scale^2. */
typedef struct col_stats {
    size_t n;
    double mean, sq, scale;
} col_stats;

static int column_stats(col_stats *st, const fitctx *fc, const char *name, const mc_column *c,
                        size_t rows, int about_mean)
{
    moments m;
    column_moments(&m, c->num, rows, 0.0, 1.0);
    if (m.n == 0)
        return step_error(fc, "column '%s' has no values in the training rows", name);
    double scale = scale_of(m.min, m.max);
    st->n = m.n;
    st->mean = m.sum / (double)m.n;
    if (!isfinite(st->mean)) { /* the sum overflowed */
        column_moments(&m, c->num, rows, 0.0, scale);
        st->mean = m.sum / (double)m.n * scale;
    }
    double center = about_mean ? st->mean : 0.0;
    if (about_mean) /* the first pass's squares are about 0 */
        column_moments(&m, c->num, rows, center, 1.0);
    st->sq = m.sq;
    st->scale = 1.0;
    if (!isfinite(st->sq)) {
        column_moments(&m, c->num, rows, center, scale);
        st->sq = m.sq;
        st->scale = scale;
    }
    if (!isfinite(st->mean) || !isfinite(st->sq) || !isfinite(sqrt(st->sq) * st->scale))
        return step_error(fc, "column '%s': its statistics overflow a double; the values are too "
                              "large to scale", name);
    return MC_OK;
}

/* min_max: the minimum and the range (1 for a constant column). */
static int column_range(double *min, double *range, const fitctx *fc, const char *name,
                        const mc_column *c, size_t rows)
{
    moments m;
    column_moments(&m, c->num, rows, 0.0, 1.0);
    if (m.n == 0)
        return step_error(fc, "column '%s' has no values in the training rows", name);
    double span = m.max - m.min;
    if (!isfinite(span))
        return step_error(fc, "column '%s' spans %g to %g, a range too wide for a double; "
                              "rescale the column first", name, m.min, m.max);
    *min = m.min;
    *range = span > 0 ? span : 1;
    return MC_OK;
}

static int fit_numeric_stats(mc_fitted_step *f, const fitctx *fc, const mc_table *t)
{
    for (size_t i = 0; i < f->n_cols; i++) {
        mc_fitted_col *fcol = &f->cols[i];
        const mc_column *c = &t->cols[mc_table_find(t, fcol->name)];
        col_stats st;
        int rc = MC_OK;
        switch (f->type) {
        case MC_STEP_STANDARDIZE: /* population std, as numpy; 1 for a constant column */
            rc = column_stats(&st, fc, fcol->name, c, t->n_rows, 1);
            fcol->a = st.mean;
            fcol->b = sqrt(st.sq / (double)st.n) * st.scale;
            if (fcol->b == 0)
                fcol->b = 1;
            break;
        case MC_STEP_L2_NORMALIZE: /* pandas: x / np.linalg.norm(x) per column */
            rc = column_stats(&st, fc, fcol->name, c, t->n_rows, 0);
            fcol->a = sqrt(st.sq) * st.scale;
            if (fcol->a == 0)
                fcol->a = 1;
            break;
        case MC_STEP_MIN_MAX:
            rc = column_range(&fcol->a, &fcol->b, fc, fcol->name, c, t->n_rows);
            break;
        }
        if (rc)
            return rc;
        double divisor = f->type == MC_STEP_L2_NORMALIZE ? fcol->a : fcol->b;
        if (!isnormal(divisor)) /* subnormal: the model file could not be trusted to carry it */
            return step_error(fc, "column '%s': its spread (%g) is too small to scale by; drop the "
                                  "column or rescale it", fcol->name, divisor);
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
    case MC_STEP_HASH:
    case MC_STEP_MASK:
    case MC_STEP_GENERALIZE:
        rc = resolve_columns(f, &fc, train, -1);
        if (rc == MC_OK && (rc = mc_pipeline_fit_privacy(f, s, train)) == MC_EINPUT) {
            char msg[600];
            snprintf(msg, sizeof msg, "%.500s", mc_error_last()->message);
            rc = step_error(&fc, "%s", msg);
        }
        break;
    default:
        return step_error(&fc, "unknown step type %d", s->type);
    }
    if (rc)
        return rc;
    return mc_pipeline_apply_range(p, train, p->n_steps - 1, p->n_steps);
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
