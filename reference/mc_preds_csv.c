/* The PREDS.csv reader: another framework's predictions for a spec's test
 * rows (mc_preds.h, docs/predictions.md). Everything in it is checked; an
 * error names the file and line. Its sibling for per-row losses is
 * mc_losses_csv.c. */
#include "mc_preds.h"

#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_csv.h"
#include "mc_error.h"
#include "mc_str.h"
#include "mc_table.h"

/* |sum of a row's probabilities - 1| allowed: float32 softmax outputs are
 * within 1e-6; logits or unnormalised scores are far outside. */
#define MC_PREDS_SUM_TOLERANCE 1e-3

typedef struct preds_cols {
    const char **names; /* needed columns: "row", the p_ columns, "prediction" (regression) */
    size_t n;
    long row, prediction, negative; /* table positions; -1 when absent */
    long *p;                        /* p_ columns in prediction width order */
    int width;
} preds_cols;

static int row_error(const mc_table *t, size_t r, const char *fmt, ...) MC_PRINTF(3, 4);
static int row_error(const mc_table *t, size_t r, const char *fmt, ...)
{
    char msg[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return mc_error_set_at(MC_EINPUT, t->source, (int)t->line_of_row[r], 1, "%s", msg);
}

/* *out = "p_<cls>", the column of a class's probability (the caller frees
 * it). MC_ENOMEM. */
static int p_name(char **out, const char *cls)
{
    size_t len = strlen(cls) + 3;
    char *s = malloc(len);
    if (!s)
        return mc_error_nomem();
    snprintf(s, len, "p_%s", cls);
    *out = s;
    return MC_OK;
}

static void cols_clear(preds_cols *c, size_t n_names)
{
    for (size_t i = 1; c->names && i < n_names; i++)
        if (c->names[i] && strcmp(c->names[i], "prediction") != 0)
            free((char *)c->names[i]);
    free(c->names);
    free(c->p);
}

/* The columns PREDS.csv must have: row; p_<class> for each class
 * (binary: the positive one); prediction for a regression. */
static int needed_columns(preds_cols *c, const mc_preds_csv_expect *e)
{
    int k = e->task == MC_TASK_MULTICLASS ? e->n_classes : 1;
    c->width = k;
    c->names = calloc((size_t)k + 2, sizeof *c->names);
    c->p = calloc((size_t)k, sizeof *c->p);
    if (!c->names || !c->p)
        return mc_error_nomem();
    c->names[c->n++] = "row";
    if (e->task == MC_TASK_REGRESSION) {
        c->names[c->n++] = "prediction";
        return MC_OK;
    }
    for (int j = 0; j < k; j++) {
        const char *cls = e->classes[e->task == MC_TASK_BINARY ? 1 : j];
        char *name = NULL;
        int rc = p_name(&name, cls);
        if (rc)
            return rc;
        c->names[c->n++] = name;
    }
    return MC_OK;
}

static int read_table(mc_table **t, preds_cols *c, const char *name, const char *buf, size_t len,
                      const mc_preds_csv_expect *e)
{
    static const char *const missing[] = {""};
    char *neg = NULL; /* binary: the negative class's optional column */
    mc_csv_override *ov = calloc(c->n + 2, sizeof *ov);
    int rc = ov ? MC_OK : mc_error_nomem();
    if (rc == MC_OK && e->task == MC_TASK_BINARY)
        rc = p_name(&neg, e->classes[0]);
    size_t n_ov = 0;
    for (size_t i = 0; rc == MC_OK && i < c->n; i++)
        ov[n_ov++] = (mc_csv_override){c->names[i], MC_CSV_NUMERIC};
    /* The optional columns (a classifier's prediction, a binary p_<negative>) are read as
     * text: an override must name a column that exists. */
    mc_csv_options o = {',', missing, 1, ov, n_ov, c->names, c->n, 1};
    if (rc == MC_OK)
        rc = mc_csv_parse(t, name, buf, len, &o);
    if (rc == MC_OK) {
        c->row = mc_table_find(*t, "row");
        c->prediction = mc_table_find(*t, "prediction");
        c->negative = neg ? mc_table_find(*t, neg) : -1;
        for (int j = 0; j < c->width && e->task != MC_TASK_REGRESSION; j++)
            c->p[j] = mc_table_find(*t, c->names[1 + j]);
        if (e->task == MC_TASK_REGRESSION)
            c->p[0] = c->prediction;
    }
    free(neg);
    free(ov);
    return rc;
}

/* The row id of row r: its test position in *pos. */
static int row_position(size_t *pos, const mc_table *t, size_t r, long col, const long *pos_of,
                        const size_t *line_seen, const mc_preds_csv_expect *e)
{
    double v = t->cols[col].num[r];
    if (isnan(v))
        return row_error(t, r, "column 'row' is empty: every prediction needs its row id");
    if (v != floor(v) || v < 1 || v > (double)e->n_data_rows)
        return row_error(t, r, "row id %.17g is not a data row of %s (whole numbers 1 to %zu: "
                         "the data row's number, header and blank lines not counted)",
                         v, e->data_name, e->n_data_rows);
    long p = pos_of[(size_t)v - 1];
    if (p < 0)
        return row_error(t, r, "row %zu of %s is not a test row of the spec's split (it is a "
                         "training or validation row, or a preprocessing step removes it): "
                         "predict exactly the test rows", (size_t)v, e->data_name);
    if (line_seen[p])
        return row_error(t, r, "row %zu appears twice (first on line %zu)", (size_t)v,
                         line_seen[p]);
    *pos = (size_t)p;
    return MC_OK;
}

/* A classifier's probabilities of row r into out[width], checked. */
static int row_probabilities(float *out, const mc_table *t, size_t r, const preds_cols *c,
                             const mc_preds_csv_expect *e)
{
    double sum = 0;
    for (int j = 0; j < c->width; j++) {
        const mc_column *col = &t->cols[c->p[j]];
        double v = col->num[r];
        if (isnan(v))
            return row_error(t, r, "column '%s' is empty", col->name);
        if (v < 0 || v > 1)
            return row_error(t, r, "%s is %.9g, not a probability in [0, 1]%s", col->name, v,
                             e->task == MC_TASK_MULTICLASS ? " (logits? apply softmax)"
                                                           : " (a logit? apply the sigmoid)");
        out[j] = (float)v;
        sum += v;
    }
    if (e->task == MC_TASK_BINARY) {
        char buf[32];
        const mc_column *col = c->negative >= 0 ? &t->cols[c->negative] : NULL;
        const char *text = col ? mc_column_cell_text(col, r, buf) : NULL;
        double v = 0;
        if (!text)
            return MC_OK; /* p_<negative> is optional */
        if (mc_csv_parse_number(text, strlen(text), &v) != 1 || v < 0 || v > 1)
            return row_error(t, r, "%s is not a probability in [0, 1]", col->name);
        sum += v;
    }
    if (fabs(sum - 1) > MC_PREDS_SUM_TOLERANCE)
        return row_error(t, r, "the probabilities sum to %.9g, not 1", sum);
    return MC_OK;
}

/* A classifier's label, when given, is the class its probabilities give. */
static int row_label(const mc_table *t, size_t r, const preds_cols *c, const float *p,
                     const mc_preds_csv_expect *e)
{
    if (c->prediction < 0)
        return MC_OK;
    const mc_column *col = &t->cols[c->prediction];
    char buf[32];
    const char *text = mc_column_cell_text(col, r, buf);
    int want = 0;
    if (e->task == MC_TASK_BINARY)
        want = p[0] > e->decision_threshold;
    else
        for (int j = 1; j < e->n_classes; j++)
            if (p[j] > p[want])
                want = j;
    if (text && strcmp(text, e->classes[want]) == 0)
        return MC_OK;
    char shown[MC_STR_PRINTABLE_CAP(MC_STR_QUOTE_MAX)];
    mc_str_printable(shown, sizeof shown, text ? text : "", MC_STR_QUOTE_MAX);
    for (int j = 0; text && j < e->n_classes; j++)
        if (strcmp(text, e->classes[j]) == 0)
            return row_error(t, r, "prediction '%s' disagrees with the probabilities, which give "
                             "'%s' under the spec's rule (%s); the gate judges the probabilities: "
                             "write the labels they give, or set metrics.decision_threshold",
                             shown, e->classes[want],
                             e->task == MC_TASK_BINARY ? "positive when p > decision_threshold"
                                                       : "the most probable class");
    return row_error(t, r, "prediction '%s' is not a class of the target", shown);
}

static int fill(float *pred, const mc_table *t, const preds_cols *c,
                const mc_preds_csv_expect *e)
{
    long *pos_of = malloc((e->n_data_rows + 1) * sizeof *pos_of);
    size_t *line_seen = calloc(e->n_test + 1, sizeof *line_seen);
    int rc = pos_of && line_seen ? MC_OK : mc_error_nomem();
    for (size_t i = 0; rc == MC_OK && i < e->n_data_rows; i++)
        pos_of[i] = -1;
    for (size_t i = 0; rc == MC_OK && i < e->n_test; i++)
        pos_of[e->test_rows[i]] = (long)i;
    for (size_t r = 0; rc == MC_OK && r < t->n_rows; r++) {
        size_t pos = 0;
        if ((rc = row_position(&pos, t, r, c->row, pos_of, line_seen, e)))
            break;
        line_seen[pos] = t->line_of_row[r];
        float *p = pred + pos * (size_t)c->width;
        if (e->task != MC_TASK_REGRESSION) {
            if ((rc = row_probabilities(p, t, r, c, e)) == MC_OK)
                rc = row_label(t, r, c, p, e);
            continue;
        }
        double v = t->cols[c->p[0]].num[r];
        if (isnan(v))
            rc = row_error(t, r, "column 'prediction' is empty");
        else if (fabs(v) > FLT_MAX)
            rc = row_error(t, r, "prediction %g is beyond float32 (about 3.4e38)", v);
        else
            p[0] = (float)v;
    }
    for (size_t i = 0; rc == MC_OK && i < e->n_test; i++)
        if (!line_seen[i])
            rc = mc_error_set(MC_EINPUT, "%s: %zu prediction rows, but the spec's split has %zu "
                              "test rows: row %zu (a test row) has no prediction", t->source,
                              t->n_rows, e->n_test, e->test_rows[i] + 1);
    free(pos_of);
    free(line_seen);
    return rc;
}

int mc_preds_csv_parse(float **out, const char *name, const char *buf, size_t len,
                       const mc_preds_csv_expect *e)
{
    preds_cols c = {0};
    mc_table *t = NULL;
    float *pred = NULL;
    size_t n_names = 0;
    int rc = needed_columns(&c, e);
    n_names = c.n;
    if (rc == MC_OK)
        rc = read_table(&t, &c, name, buf, len, e);
    if (rc == MC_OK && !(pred = calloc((e->n_test + 1) * (size_t)c.width, sizeof *pred)))
        rc = mc_error_nomem();
    if (rc == MC_OK)
        rc = fill(pred, t, &c, e);
    if (rc == MC_OK) {
        *out = pred;
        pred = NULL;
    }
    free(pred);
    mc_table_free(t);
    cols_clear(&c, n_names);
    return rc;
}
