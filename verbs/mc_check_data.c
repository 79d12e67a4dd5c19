/* check's data pass (mc_check.h, mc_check_data): what `validate` would find
 * wrong with a spec on its data, found from the header and a sample of rows,
 * all at once. The columns are followed through the preprocessing steps as the
 * engine applies them (reference/mc_pipeline*.c): which step drops, selects,
 * one-hot encodes or retypes a column, so that a step naming a column that an
 * earlier step removed says which one did, and a name that was never there
 * gets the closest existing one. The target's classes and range come from the
 * sample and the messages say so when it is not the whole file. The column set
 * and its messages are mc_check_columns.c's. */
#include "mc_check.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_check_columns.h"
#include "mc_csv.h"
#include "mc_str.h"

/* The length of the header and the first max_rows records of csv (a record
 * ends at a line break outside quotes), or of the last whole record when the
 * head ends inside one. *cut: rows were left out. */
static size_t sample_length(const char *csv, size_t len, size_t max_rows, int *cut,
                            size_t *records_out)
{
    size_t records = 0, last_end = 0;
    int quoted = 0;
    *cut = 0;
    *records_out = 0;
    for (size_t i = 0; i < len; i++) {
        if (csv[i] == '"')
            quoted = !quoted;
        else if (csv[i] == '\n' && !quoted) {
            last_end = i + 1;
            *records_out = ++records;
            if (records == max_rows + 1) {
                *cut = last_end < len;
                return last_end;
            }
        }
    }
    return last_end;
}

/* The distinct values of column c of the sample, numeric when every one is a
 * number: their count (numbers compared as numbers), range and one that is not
 * a number. */
typedef struct values {
    size_t n;
    int numeric;
    double min, max;
    const char *text; /* a value that is not a number, or NULL */
} values;

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int distinct_values(values *v, const mc_column *c)
{
    double *nums = malloc((c->n_levels ? c->n_levels : 1) * sizeof *nums);
    if (!nums)
        return mc_error_nomem();
    v->n = c->n_levels, v->numeric = 1, v->min = INFINITY, v->max = -INFINITY, v->text = NULL;
    for (size_t k = 0; k < c->n_levels; k++) {
        if (mc_csv_parse_number(c->levels[k], strlen(c->levels[k]), &nums[k]) != 1) {
            v->numeric = 0;
            v->text = v->text ? v->text : c->levels[k];
            continue;
        }
        v->min = nums[k] < v->min ? nums[k] : v->min;
        v->max = nums[k] > v->max ? nums[k] : v->max;
    }
    if (v->numeric && c->n_levels) { /* "1" and "1.0" are one class */
        qsort(nums, c->n_levels, sizeof *nums, cmp_double);
        v->n = 1;
        for (size_t k = 1; k < c->n_levels; k++)
            v->n += nums[k] != nums[k - 1];
    }
    free(nums);
    return MC_OK;
}

/* The bounds of an output activation, or 0 when it has none that matter. */
static int activation_range(int act, double *lo, double *hi)
{
    if (act == MC_ACT_SIGMOID || act == MC_ACT_SOFTMAX)
        return *lo = 0, *hi = 1, 1;
    if (act == MC_ACT_TANH)
        return *lo = -1, *hi = 1, 1;
    return 0;
}

static const mc_layer *output_layer(const mc_spec_doc *d)
{
    const mc_architecture *a = &d->architecture;
    return a->layers.count ? &a->layers.items[a->layers.count - 1] : NULL;
}

/* Whether `label` is a value of column c: as text, or as the same number. */
static int has_value(const mc_column *c, const char *label)
{
    double want, x;
    int num = mc_csv_parse_number(label, strlen(label), &want) == 1;
    for (size_t k = 0; k < c->n_levels; k++)
        if (strcmp(c->levels[k], label) == 0 ||
            (num && mc_csv_parse_number(c->levels[k], strlen(c->levels[k]), &x) == 1 && x == want))
            return 1;
    return 0;
}

static void check_regression(mc_colset *cs, const mc_column *c, const values *v)
{
    const mc_spec_doc *d = cs->d;
    const mc_layer *out = output_layer(d);
    char shown[MC_STR_PRINTABLE_CAP(MC_STR_QUOTE_MAX)];
    double lo, hi;
    if (!mc_colset_raw_numeric(cs, c->name))
        mc_colset_diag(cs, MC_SEV_ERROR, &d->data.target, &d->data,
                       "data.target: '%s' is not numeric ('%s' %s), but the loss %s makes this "
                       "a regression; for classes use binary_crossentropy (two) or "
                       "sparse_categorical_crossentropy (more)", d->data.target,
                       mc_str_printable(shown, sizeof shown, v->text, MC_STR_QUOTE_MAX),
                       cs->sample_note, mc_names_loss[d->training.loss]);
    else if (out && v->n && activation_range(out->activation, &lo, &hi) &&
             (v->min < lo || v->max > hi))
        mc_colset_diag(cs, MC_SEV_ERROR, &out->activation, out,
                       "architecture: the output layer's %s lies between %g and %g, but the "
                       "target '%s' ranges from %g to %g %s: the model can never predict it; "
                       "use activation: linear (or scale the target into that range)",
                       mc_names_activation[out->activation], lo, hi, d->data.target, v->min,
                       v->max, cs->sample_note);
}

/* The target against the task: its kind, its number of classes, its range. */
static void check_target(mc_colset *cs, const mc_column *c)
{
    const mc_spec_doc *d = cs->d;
    const mc_layer *out = output_layer(d);
    values v = {0, 0, 0, 0, NULL};
    if (mc_colset_failed(cs, distinct_values(&v, c)))
        return;
    int numeric = mc_colset_raw_numeric(cs, c->name);
    mc_task task = mc_spec_task(cs->spec);
    if (task == MC_TASK_REGRESSION) {
        check_regression(cs, c, &v);
        return;
    }
    if (task == MC_TASK_BINARY && v.n > 2)
        mc_colset_diag(cs, MC_SEV_ERROR, &d->training.loss, &d->training,
                       "training.loss: binary_crossentropy needs exactly two classes, but the "
                       "target '%s' has %zu distinct values %s; for more classes use "
                       "sparse_categorical_crossentropy with a softmax output of one unit per "
                       "class%s", d->data.target, v.n, cs->sample_note,
                       numeric && v.n > 20 ? ", for a number to predict mse and a linear output"
                                           : "");
    else if (task == MC_TASK_BINARY && v.n < 2)
        mc_colset_diag(cs, cs->whole ? MC_SEV_ERROR : MC_SEV_WARNING, &d->training.loss,
                       &d->training, "training.loss: binary_crossentropy needs two classes, but "
                       "the target '%s' has %zu distinct value%s %s", d->data.target, v.n,
                       v.n == 1 ? "" : "s", cs->sample_note);
    else if (task == MC_TASK_BINARY && !has_value(c, d->metrics.positive_label)) {
        char c0[MC_STR_PRINTABLE_CAP(MC_STR_QUOTE_MAX)], c1[MC_STR_PRINTABLE_CAP(MC_STR_QUOTE_MAX)];
        mc_colset_diag(cs, MC_SEV_ERROR, &d->metrics.positive_label, &d->metrics,
                       "metrics.positive_label: '%s' is not a class of '%s' (its classes %s: "
                       "'%s' and '%s'); set positive_label to the class to detect",
                       d->metrics.positive_label, d->data.target, cs->sample_note,
                       mc_str_printable(c0, sizeof c0, c->levels[0], MC_STR_QUOTE_MAX),
                       mc_str_printable(c1, sizeof c1, c->levels[1], MC_STR_QUOTE_MAX));
    }
    if (task != MC_TASK_MULTICLASS)
        return;
    if (v.n == 2)
        mc_colset_diag(cs, MC_SEV_WARNING, &d->training.loss, &d->training,
                       "training.loss: the target '%s' has two classes %s: that is a binary "
                       "classification; binary_crossentropy with one sigmoid output gives the "
                       "binary metrics (positive_label, decision_threshold)", d->data.target,
                       cs->sample_note);
    if (out && (v.n > (size_t)out->units || (cs->whole && v.n >= 2 && v.n < (size_t)out->units)))
        mc_colset_diag(cs, MC_SEV_ERROR, &out->units, out,
                       "architecture: the output layer has %lld units, but the target '%s' has "
                       "%zu classes %s: %s", out->units, d->data.target, v.n, cs->sample_note,
                       numeric && v.n > 20 && v.n * 2 > cs->t->n_rows
                           ? "its values look like numbers to predict: for a regression use "
                             "loss mse and one linear output unit"
                           : "give one unit per class");
}

static int named_by_step(const mc_spec_doc *d, const char *name)
{
    for (size_t i = 0; i < d->preprocessing.count; i++)
        for (size_t j = 0; j < d->preprocessing.items[i].columns.count; j++)
            if (strcmp(d->preprocessing.items[i].columns.items[j], name) == 0)
                return 1;
    return 0;
}

/* Columns that privacy and slices name are read from the raw data. */
static void check_raw_names(mc_colset *cs)
{
    const mc_spec_doc *d = cs->d;
    for (size_t i = 0; i < d->metrics.slices.count; i++) {
        const mc_slice *sl = &d->metrics.slices.items[i];
        /* The run's rule (reference/mc_slices.c): a slice column is a model feature only
         * when a step names it in its columns or the slice says feature: true. */
        int reaches = mc_colset_need_raw(cs, &sl->column, sl, "metrics.slices", sl->column) &&
                      mc_colset_reaches_model(cs, sl->column);
        if (reaches && sl->has_feature && !sl->feature)
            mc_colset_diag(cs, MC_SEV_ERROR, &sl->feature, sl,
                           "metrics.slices[%zu]: column '%s' says feature: false, but a "
                           "preprocessing step makes it a model feature", i, sl->column);
        else if (reaches && !sl->feature && !named_by_step(d, sl->column))
            mc_colset_diag(cs, MC_SEV_ERROR, &sl->column, sl,
                           "metrics.slices[%zu]: column '%s' would reach the model as a "
                           "feature, and the spec does not say so: drop it before the model (a "
                           "drop_columns step), or say feature: true on the slice", i,
                           sl->column);
    }
    if (!d->has_privacy)
        return;
    const mc_privacy *p = &d->privacy;
    for (size_t i = 0; i < p->pii_columns.count; i++)
        mc_colset_need_raw(cs, &p->pii_columns.items[i].column, &p->pii_columns.items[i],
                           "privacy.pii_columns", p->pii_columns.items[i].column);
    for (size_t i = 0; i < p->forbidden_features.count; i++)
        mc_colset_need_raw(cs, &p->forbidden_features.items[i], &p->forbidden_features,
                           "privacy.forbidden_features", p->forbidden_features.items[i]);
    if (!p->has_quasi_identifiers)
        return;
    const mc_quasi_identifiers *q = &p->quasi_identifiers;
    for (size_t i = 0; i < q->columns.count; i++)
        mc_colset_need_raw(cs, &q->columns.items[i], &q->columns,
                           "privacy.quasi_identifiers.columns", q->columns.items[i]);
    if (q->has_l_diversity)
        mc_colset_need_raw(cs, &q->l_diversity.sensitive, &q->l_diversity,
                           "privacy.quasi_identifiers.l_diversity.sensitive",
                           q->l_diversity.sensitive);
}

/* The sample as a table, every column read as text. A file the CSV reader refuses is an
 * error at data.source; *t stays NULL. */
static int parse_sample(mc_table **t, size_t *errors, mc_diags *diags, const mc_spec *spec,
                        const char *name, const char *csv, size_t n)
{
    const mc_data *data = &mc_spec_doc_get(spec)->data;
    const char **missing = malloc((data->missing_values.count + 1) * sizeof *missing);
    if (!missing)
        return mc_error_nomem();
    for (size_t i = 0; i < data->missing_values.count; i++)
        missing[i] = data->missing_values.items[i];
    mc_csv_options o = {data->delimiter[0], missing, data->missing_values.count, NULL, 0,
                        NULL, 0, 1};
    int rc = mc_csv_parse(t, name, csv, n, &o);
    free(missing);
    if (rc != MC_EINPUT)
        return rc;
    (*errors)++;
    const mc_error *e = mc_error_last();
    char msg[1100], at[64] = "";
    snprintf(msg, sizeof msg, "%s", e->message);
    if (e->line > 0)
        snprintf(at, sizeof at, " (line %d, column %d)", e->line, e->col);
    return mc_spec_diag(spec, diags, MC_SEV_ERROR, &data->source, data,
                        "data.source: %s cannot be read as CSV%s: %.900s", name, at, msg);
}

int mc_check_data(size_t *errors, mc_diags *diags, const mc_spec *spec, const char *name,
                  const char *csv, size_t len, int whole)
{
    const mc_spec_doc *d = mc_spec_doc_get(spec);
    mc_table *t = NULL;
    mc_colset cs;
    size_t bad = 0;
    int cut = 0;
    size_t records = 0;
    size_t n = sample_length(csv, len, MC_CHECK_SAMPLE_ROWS, &cut, &records);
    if (!cut && whole)
        n = len; /* all of it: the last record may lack its line break */
    if (!whole && records < 2) {
        /* The head ends inside the header or the first row: the sample holds no row, which
           says nothing of the file (it is not empty). */
        *errors = 1;
        return mc_spec_diag(spec, diags, MC_SEV_ERROR, &d->data.source, &d->data,
                            "data.source: the %s of %s is longer than the %zu MiB that check "
                            "reads (records that long are not read as data: split them, or "
                            "check with --no-data)", records ? "first data row" : "header line",
                            name, MC_CHECK_SAMPLE_BYTES >> 20);
    }
    int rc = parse_sample(&t, &bad, diags, spec, name, csv, n);
    if (rc || !t) {
        *errors = bad;
        return rc;
    }
    rc = mc_colset_init(&cs, spec, diags, t, whole && !cut, name);
    long tc = mc_table_find(t, d->data.target);
    if (!rc && mc_colset_need_raw(&cs, &d->data.target, &d->data, "data.target", d->data.target))
        check_target(&cs, &t->cols[tc]);
    if (!cs.rc) {
        mc_colset_steps(&cs);
        mc_colset_features(&cs);
        check_raw_names(&cs);
    }
    rc = rc ? rc : cs.rc;
    if (!rc)
        *errors = cs.errors;
    mc_colset_clear(&cs);
    mc_table_free(t);
    return rc;
}
