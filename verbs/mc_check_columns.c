/* The column set of check's data pass (mc_check_columns.h): the raw header of
 * a sample with each column's kind, then each preprocessing step applied to the
 * set as the engine applies it to a table (reference/mc_pipeline.c,
 * mc_pipeline_apply.c, mc_pipeline_privacy.c): drop_columns and select_columns
 * take columns away, one_hot replaces a column by one 0/1 column per category
 * ("name=category", the categories of the sample), hash, mask and the text
 * forms of generalize make a column text, generalize by year a number. A step
 * naming a column that is not there is told which step took it away, or the
 * closest name and the columns there are. A spec's model: (an ONNX model) takes the columns
 * model.inputs names, not every column left. */
#include "mc_check_columns.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_csv.h"
#include "mc_pipeline.h"
#include "mc_str.h"

void mc_colset_diag(mc_colset *cs, mc_severity sev, const void *addr, const void *container,
                    const char *fmt, ...)
{
    char msg[1400];
    va_list ap;
    if (cs->rc)
        return;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (sev == MC_SEV_ERROR)
        cs->errors++;
    cs->rc = mc_spec_diag(cs->spec, cs->diags, sev, addr, container, "%s", msg);
}

int mc_colset_failed(mc_colset *cs, int rc)
{
    if (rc && !cs->rc)
        cs->rc = rc;
    return cs->rc != MC_OK;
}

static long find(const mc_colset *cs, const char *name)
{
    for (size_t i = 0; i < cs->n; i++)
        if (strcmp(cs->cols[i].name, name) == 0)
            return (long)i;
    return -1;
}

static int add(mc_colset *cs, const char *name, int numeric)
{
    if (cs->n == cs->cap) {
        size_t cap = cs->cap ? cs->cap * 2 : 16;
        mc_ccol *g = realloc(cs->cols, cap * sizeof *g);
        if (!g)
            return mc_colset_failed(cs, mc_error_nomem());
        cs->cols = g, cs->cap = cap;
    }
    if (!(cs->cols[cs->n].name = strdup(name)))
        return mc_colset_failed(cs, mc_error_nomem());
    cs->cols[cs->n++].numeric = numeric;
    return 0;
}

/* Column i leaves the set, taken away by step `step`. */
static void take_away(mc_colset *cs, size_t i, size_t step)
{
    if (cs->n_gone == cs->cap_gone) {
        size_t cap = cs->cap_gone ? cs->cap_gone * 2 : 8;
        mc_cgone *g = realloc(cs->gone, cap * sizeof *g);
        if (!g) {
            mc_colset_failed(cs, mc_error_nomem());
            return;
        }
        cs->gone = g, cs->cap_gone = cap;
    }
    cs->gone[cs->n_gone].name = cs->cols[i].name;
    cs->gone[cs->n_gone++].step = step;
    memmove(&cs->cols[i], &cs->cols[i + 1], (cs->n - i - 1) * sizeof *cs->cols);
    cs->n--;
}

void mc_colset_clear(mc_colset *cs)
{
    for (size_t i = 0; i < cs->n; i++)
        free(cs->cols[i].name);
    for (size_t i = 0; i < cs->n_gone; i++)
        free(cs->gone[i].name);
    free(cs->cols);
    free(cs->gone);
    free(cs->raw_numeric);
    cs->cols = NULL, cs->gone = NULL, cs->raw_numeric = NULL;
    cs->n = cs->n_gone = cs->cap = cs->cap_gone = 0;
}

/* " (did you mean 'x'?); the columns <where>: a, b, c" for a name not among `names`. */
static void hint(char *buf, size_t size, const char *name, const char *const *names, size_t n,
                 const char *where)
{
    const char *close = mc_str_suggest(name, names, n);
    char list[700] = "";
    size_t shown = n > 24 ? 24 : n;
    mc_str_join(list, sizeof list, names, shown, ", ");
    snprintf(buf, size, "%s%s%s; the columns %s: %s%s", close ? " (did you mean '" : "",
             close ? close : "", close ? "'?)" : "", where, n ? list : "none",
             shown < n ? ", ..." : "");
}

/* The raw header's names, for hints. Caller frees; NULL when out of memory. */
static const char **raw_names(mc_colset *cs)
{
    const char **names = malloc((cs->t->n_cols + 1) * sizeof *names);
    for (size_t i = 0; names && i < cs->t->n_cols; i++)
        names[i] = cs->t->cols[i].name;
    if (!names)
        mc_colset_failed(cs, mc_error_nomem());
    return names;
}

int mc_colset_need_raw(mc_colset *cs, const void *addr, const void *container, const char *what,
                       const char *name)
{
    char h[1000];
    if (mc_table_find(cs->t, name) >= 0)
        return 1;
    const char **names = raw_names(cs);
    if (!names)
        return 0;
    hint(h, sizeof h, name, names, cs->t->n_cols, "of the data");
    free(names);
    mc_colset_diag(cs, MC_SEV_ERROR, addr, container, "%s: column '%s' is not in the header of "
                   "%s%s", what, name, cs->t->source, h);
    return 0;
}

int mc_colset_raw_numeric(const mc_colset *cs, const char *name)
{
    long c = mc_table_find(cs->t, name);
    return c >= 0 && cs->raw_numeric[c];
}

static const mc_column_type *declared(const mc_spec_doc *d, const char *name)
{
    for (size_t i = 0; i < d->data.columns.count; i++)
        if (strcmp(d->data.columns.items[i].key, name) == 0)
            return &d->data.columns.items[i];
    return NULL;
}

/* A value of column c that is not a number, and the line it is on; NULL when all are. */
static const char *not_a_number(const mc_column *c, const mc_table *t, size_t *line)
{
    for (size_t r = 0; r < t->n_rows; r++) {
        uint32_t k = c->codes[r];
        double x;
        if (k != MC_CODE_MISSING &&
            mc_csv_parse_number(c->levels[k], strlen(c->levels[k]), &x) != 1) {
            *line = t->line_of_row[r];
            return c->levels[k];
        }
    }
    return NULL;
}

static int reads_text(const mc_spec_doc *d, const char *name)
{
    for (size_t i = 0; i < d->preprocessing.count; i++) {
        const mc_step *s = &d->preprocessing.items[i];
        for (size_t j = 0; mc_step_reads_text(s) && j < s->columns.count; j++)
            if (strcmp(s->columns.items[j], name) == 0)
                return 1;
    }
    return 0;
}

int mc_colset_init(mc_colset *cs, const mc_spec *spec, mc_diags *diags, const mc_table *t,
                   int whole, const char *name)
{
    memset(cs, 0, sizeof *cs);
    cs->spec = spec, cs->d = mc_spec_doc_get(spec), cs->diags = diags, cs->t = t;
    cs->whole = whole;
    if (whole)
        snprintf(cs->sample_note, sizeof cs->sample_note, "in %s", name);
    else
        snprintf(cs->sample_note, sizeof cs->sample_note, "in the first %zu rows of %s (a sample)",
                 t->n_rows, name);
    if (!(cs->raw_numeric = calloc(t->n_cols + 1, sizeof *cs->raw_numeric))) {
        mc_colset_failed(cs, mc_error_nomem());
        return cs->rc;
    }
    for (size_t i = 0; i < cs->d->data.columns.count; i++) {
        const mc_column_type *ct = &cs->d->data.columns.items[i];
        mc_colset_need_raw(cs, &ct->kind, ct, "data.columns", ct->key); /* at its key */
    }
    for (size_t c = 0; c < t->n_cols && !cs->rc; c++) {
        const mc_column *col = &t->cols[c];
        const mc_column_type *ct = declared(cs->d, col->name);
        char shown[MC_STR_PRINTABLE_CAP(MC_STR_QUOTE_MAX)];
        size_t line = 0;
        const char *text = not_a_number(col, t, &line);
        int kind = ct ? ct->kind : MC_COL_AUTO;
        if (kind == MC_COL_NUMERIC && text)
            mc_colset_diag(cs, MC_SEV_ERROR, &ct->kind, ct,
                           "data.columns.%s: declared numeric, but line %zu of %s holds '%s'",
                           col->name, line, name,
                           mc_str_printable(shown, sizeof shown, text, MC_STR_QUOTE_MAX));
        cs->raw_numeric[c] = kind == MC_COL_NUMERIC ||
                             (kind == MC_COL_AUTO && !text && !reads_text(cs->d, col->name));
        add(cs, col->name, cs->raw_numeric[c]);
    }
    return cs->rc;
}

/* Where a column named in a step went: the step that took it away, or the
 * closest name. Adds the error at the list item. */
static void not_here(mc_colset *cs, size_t step, const mc_step *s, size_t j)
{
    const char *name = s->columns.items[j], *type = mc_names_step[s->type];
    for (size_t g = cs->n_gone; g-- > 0;) {
        if (strcmp(cs->gone[g].name, name) != 0)
            continue;
        const mc_step *by = &cs->d->preprocessing.items[cs->gone[g].step];
        const char *how = by->type == MC_STEP_DROP_COLUMNS ? "drops it"
                          : by->type == MC_STEP_SELECT_COLUMNS ? "does not select it"
                          : "replaces it with one 0/1 column per category";
        char extra[200] = "";
        if (by->type == MC_STEP_ONE_HOT)
            snprintf(extra, sizeof extra, " ('%.60s=<category>')", name);
        mc_colset_diag(cs, MC_SEV_ERROR, &s->columns.items[j], s,
                       "preprocessing[%zu] (%s): column '%s' is not in the data at this step: "
                       "preprocessing[%zu] (%s) %s%s; move this step before it, or name the "
                       "column as it is then", step, type, name, cs->gone[g].step,
                       mc_names_step[by->type], how, extra);
        return;
    }
    const char **names = malloc((cs->n + 1) * sizeof *names);
    char h[1000], where[64];
    if (!names) {
        mc_colset_failed(cs, mc_error_nomem());
        return;
    }
    for (size_t i = 0; i < cs->n; i++)
        names[i] = cs->cols[i].name;
    snprintf(where, sizeof where, "%s", step ? "at this step" : "of the data");
    hint(h, sizeof h, name, names, cs->n, where);
    free(names);
    mc_colset_diag(cs, MC_SEV_ERROR, &s->columns.items[j], s,
                   "preprocessing[%zu] (%s): column '%s' is not %s%s", step, type, name,
                   step ? "in the data at this step" : "in the header", h);
}

static int needs_numeric(const mc_step *s)
{
    return s->type == MC_STEP_STANDARDIZE || s->type == MC_STEP_MIN_MAX ||
           s->type == MC_STEP_L2_NORMALIZE ||
           (s->type == MC_STEP_FILL_MISSING &&
            (s->strategy == MC_FILL_MEAN || s->strategy == MC_FILL_MEDIAN)) ||
           (s->type == MC_STEP_GENERALIZE && s->has_bin_width);
}

static int listed(const mc_step *s, const char *name)
{
    for (size_t j = 0; j < s->columns.count; j++)
        if (strcmp(s->columns.items[j], name) == 0)
            return 1;
    return 0;
}

/* one_hot: column i replaced by one numeric column per category of the raw sample. */
static void one_hot(mc_colset *cs, size_t i, size_t step)
{
    char *name = cs->cols[i].name;
    long raw = mc_table_find(cs->t, name);
    take_away(cs, i, step);
    if (raw < 0 || cs->rc)
        return; /* made by a step: its categories are not known here */
    const mc_column *c = &cs->t->cols[raw];
    for (size_t k = 0; k < c->n_levels && !cs->rc; k++) {
        size_t len = strlen(name) + strlen(c->levels[k]) + 2;
        char *made = malloc(len);
        if (!made) {
            mc_colset_failed(cs, mc_error_nomem());
            return;
        }
        snprintf(made, len, "%s=%s", name, c->levels[k]);
        if (find(cs, made) < 0)
            add(cs, made, 1);
        free(made);
    }
}

static void apply(mc_colset *cs, const mc_step *s, size_t step)
{
    const char *target = cs->d->data.target;
    for (size_t i = cs->n; i-- > 0 && !cs->rc;) {
        mc_ccol *c = &cs->cols[i];
        int named = s->columns.count ? listed(s, c->name) : strcmp(c->name, target) != 0;
        switch (s->type) {
        case MC_STEP_DROP_COLUMNS:
            if (s->columns.count && named)
                take_away(cs, i, step);
            break;
        case MC_STEP_SELECT_COLUMNS:
            if (s->columns.count && !named && strcmp(c->name, target) != 0)
                take_away(cs, i, step);
            break;
        case MC_STEP_ONE_HOT:
            if (named)
                one_hot(cs, i, step);
            break;
        case MC_STEP_HASH:
        case MC_STEP_MASK:
            c->numeric = named ? 0 : c->numeric;
            break;
        case MC_STEP_GENERALIZE:
            if (named && s->has_date)
                c->numeric = s->date_part == MC_DATE_YEAR;
            else if (named && s->has_prefix_length)
                c->numeric = 0;
            break;
        default:
            break;
        }
    }
}

void mc_colset_steps(mc_colset *cs)
{
    const mc_spec_doc *d = cs->d;
    for (size_t i = 0; i < d->preprocessing.count && !cs->rc; i++) {
        const mc_step *s = &d->preprocessing.items[i];
        for (size_t j = 0; j < s->columns.count; j++) {
            const char *name = s->columns.items[j];
            long c = find(cs, name);
            if (c < 0) {
                not_here(cs, i, s, j);
                continue;
            }
            if (needs_numeric(s) && !cs->cols[c].numeric && mc_colset_raw_numeric(cs, name))
                mc_colset_diag(cs, MC_SEV_ERROR, &s->columns.items[j], s,
                               "preprocessing[%zu] (%s): column '%s' is text at this step (an "
                               "earlier hash, mask or generalize step made it so), and this step "
                               "needs numbers", i, mc_names_step[s->type], name);
            else if (needs_numeric(s) && !cs->cols[c].numeric)
                mc_colset_diag(cs, MC_SEV_ERROR, &s->columns.items[j], s,
                               "preprocessing[%zu] (%s): column '%s' is text (not every value "
                               "%s is a number), and this step needs numbers: one_hot it, drop "
                               "it, or declare it in data.columns", i, mc_names_step[s->type],
                               name, cs->sample_note);
        }
        apply(cs, s, i);
    }
}

/* A spec's model: (an ONNX model trained elsewhere): with model.inputs, exactly those columns
 * make its [N, F] tensor, each there and numeric after the steps, none the target; without,
 * the graph's inputs are raw columns by name, string or number, which only the model file
 * tells (validate checks them against it). */
static void model_inputs(mc_colset *cs)
{
    const mc_strlist *in = &cs->d->model.inputs;
    for (size_t i = 0; i < in->count && !cs->rc; i++) {
        const char *name = in->items[i];
        long c = find(cs, name);
        if (c >= 0 && strcmp(name, cs->d->data.target) == 0)
            mc_colset_diag(cs, MC_SEV_ERROR, &in->items[i], in, "model.inputs: column '%s' is "
                           "the target: the model may not take it as a feature", name);
        else if (c >= 0 && !cs->cols[c].numeric)
            mc_colset_diag(cs, MC_SEV_ERROR, &in->items[i], in, "model.inputs: column '%s' is "
                           "text (not every value %s is a number), and the model's [N, F] "
                           "tensor takes numbers: one_hot it or leave it out", name,
                           cs->sample_note);
        if (c >= 0)
            continue;
        const char **names = malloc((cs->n + 1) * sizeof *names);
        char h[1000];
        if (!names) {
            mc_colset_failed(cs, mc_error_nomem());
            return;
        }
        for (size_t j = 0; j < cs->n; j++)
            names[j] = cs->cols[j].name;
        hint(h, sizeof h, name, names, cs->n, "after the preprocessing");
        free(names);
        mc_colset_diag(cs, MC_SEV_ERROR, &in->items[i], in, "model.inputs: column '%s' is not "
                       "in the data after the preprocessing steps%s", name, h);
    }
}

void mc_colset_features(mc_colset *cs)
{
    const mc_spec_doc *d = cs->d;
    size_t features = 0;
    if (d->has_model) {
        model_inputs(cs);
        return;
    }
    for (size_t i = 0; i < cs->n && !cs->rc; i++) {
        const mc_ccol *c = &cs->cols[i];
        if (strcmp(c->name, d->data.target) == 0)
            continue;
        features++;
        if (c->numeric)
            continue;
        const mc_column_type *ct = declared(d, c->name);
        const void *at = ct ? (const void *)&ct->kind : (const void *)&d->data.source;
        mc_colset_diag(cs, MC_SEV_ERROR, at, ct ? (const void *)ct : (const void *)&d->data,
                       "column '%s' is text and would reach the model as it is: add a one_hot "
                       "step for it, or drop it with drop_columns", c->name);
    }
    if (!cs->rc && features == 0)
        mc_colset_diag(cs, MC_SEV_ERROR, &d->preprocessing, &d->preprocessing,
                       "preprocessing: no feature column reaches the model (the target '%s' is "
                       "never one)", d->data.target);
}

int mc_colset_reaches_model(const mc_colset *cs, const char *name)
{
    size_t len = strlen(name);
    for (size_t i = 0; i < cs->n; i++)
        if (strcmp(cs->cols[i].name, name) == 0 ||
            (strncmp(cs->cols[i].name, name, len) == 0 && cs->cols[i].name[len] == '='))
            return 1;
    return 0;
}
