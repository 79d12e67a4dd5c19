/* Evaluation of a trained run: predictions of each partition, test metrics,
 * training and validation summaries, the confusion matrix, per-slice metrics
 * and permutation importance (metrics.json, docs/formats.md). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mc_error.h"
#include "mc_json.h"
#include "mc_metrics.h"
#include "mc_predict.h"
#include "mc_rng.h"
#include "mc_run_ctx.h"

mc_metric_input mc_run_metric_input(const mc_run_ctx *c, const float *y, const float *pred, size_t n)
{
    mc_metric_input in = {c->task,
                          c->task == MC_TASK_REGRESSION ? 0 : c->lab.n_classes,
                          y,
                          pred,
                          n,
                          c->d->metrics.decision_threshold,
                          c->d->metrics.average,
                          1};
    return in;
}

static int is_scalar_metric(int m)
{
    return m != MC_METRIC_CONFUSION_MATRIX && m != MC_METRIC_PERMUTATION_IMPORTANCE;
}

/* {"accuracy": 0.93, ...}: each scalar metric the spec asks for. A metric
 * that is undefined for these rows (one class only, no positive prediction)
 * is null, with the reason in `undefined` when it is given; any other error
 * (out of memory) fails the whole evaluation, never a null metric. */
static int scalar_metrics(json_t **out, const mc_run_ctx *c, const mc_metric_input *in,
                          json_t *undefined)
{
    json_t *o = json_object();
    const mc_metrics *m = &c->d->metrics;
    int rc = o ? MC_OK : mc_error_nomem();
    for (size_t i = 0; rc == MC_OK && i < m->compute.count; i++) {
        int metric = m->compute.items[i];
        if (!is_scalar_metric(metric))
            continue;
        double v;
        int mrc = mc_metric_scalar(&v, metric, in);
        if (mrc == MC_OK && isfinite(v)) {
            rc = mc_json_set(o, mc_metric_name(metric), json_real(v));
            continue;
        }
        if (mrc != MC_OK && mrc != MC_EINPUT) {
            rc = mrc;
            break;
        }
        rc = mc_json_set(o, mc_metric_name(metric), json_null());
        if (rc == MC_OK && undefined)
            rc = mc_json_set(undefined, mc_metric_name(metric),
                             json_string(mrc ? mc_error_last()->message : "not a finite number"));
    }
    if (rc) {
        json_decref(o);
        return rc;
    }
    *out = o;
    return MC_OK;
}

/* Sets o[key] to the metrics of rows (y, pred, n), with their "undefined"
 * reasons beside them in o when with_reasons. */
static int set_metrics(json_t *o, const char *key, const mc_run_ctx *c, const float *y,
                       const float *pred, size_t n, int with_reasons)
{
    mc_metric_input in = mc_run_metric_input(c, y, pred, n);
    json_t *metrics = NULL, *undefined = with_reasons ? json_object() : NULL;
    int rc = with_reasons && !undefined ? mc_error_nomem() : MC_OK;
    if (rc == MC_OK && (rc = scalar_metrics(&metrics, c, &in, undefined)) == MC_OK)
        rc = mc_json_set(o, key, metrics);
    if (rc == MC_OK && undefined && json_object_size(undefined)) {
        rc = mc_json_set(o, "undefined", undefined);
        undefined = NULL;
    }
    json_decref(undefined);
    return rc;
}

static int confusion_json(json_t **out, const mc_run_ctx *c, const mc_metric_input *in)
{
    int k = c->lab.n_classes;
    long long *cm = malloc((size_t)k * (size_t)k * sizeof *cm);
    json_t *names = json_array(), *rows = json_array();
    int rc = cm && names && rows ? MC_OK : mc_error_nomem();
    json_t *cmj = NULL;
    if (rc == MC_OK)
        rc = mc_metric_confusion(cm, in);
    for (int i = 0; rc == MC_OK && i < k; i++) {
        json_t *row = json_array();
        rc = row ? MC_OK : mc_error_nomem();
        for (int j = 0; rc == MC_OK && j < k; j++)
            rc = mc_json_append(row, json_integer(cm[i * k + j]));
        rc = rc ? (json_decref(row), rc) : mc_json_append(rows, row);
        if (rc == MC_OK)
            rc = mc_json_append(names, json_string(c->lab.classes[i]));
    }
    free(cm);
    if (rc == MC_OK && !(cmj = json_pack("{s:O, s:O, s:s}", "labels", names, "counts", rows,
                                         "layout", "rows are true classes, columns predicted classes")))
        rc = mc_error_nomem();
    json_decref(names);
    json_decref(rows);
    if (rc == MC_OK)
        *out = cmj;
    return rc;
}

/* A binned slice's groups: every bin in order (an empty one too), then "(missing)" when a
 * test row has no value. */
static int group_binned(size_t *group, char **names, size_t *n_groups, const mc_run_ctx *c,
                        const mc_column *col, const double *edges, size_t n_edges)
{
    const mc_run_part *test = &c->parts[MC_PART_TEST];
    char label[80];
    for (*n_groups = 0; *n_groups <= n_edges; (*n_groups)++) {
        mc_slice_bin_label(label, sizeof label, edges, n_edges, *n_groups);
        if (!(names[*n_groups] = strdup(label)))
            return mc_error_nomem();
    }
    for (size_t r = 0; r < test->n; r++) {
        double x = col->num[test->tbl->row_index[r]];
        group[r] = isnan(x) ? n_edges + 1 : mc_slice_bin(edges, n_edges, x);
        if (isnan(x) && *n_groups == n_edges + 1) {
            if (!(names[*n_groups] = strdup("(missing)")))
                return mc_error_nomem();
            (*n_groups)++;
        }
    }
    return MC_OK;
}

/* The test rows grouped by the raw text of a slice column, groups in order of
 * first appearance: group[r] for each row, names[0..*n_groups); or by bins. */
static int group_rows(size_t *group, char **names, size_t *n_groups, const mc_run_ctx *c,
                      const mc_slice *sl, const mc_column *col, const double *edges,
                      size_t n_edges)
{
    const mc_run_part *test = &c->parts[MC_PART_TEST];
    if (edges)
        return group_binned(group, names, n_groups, c, col, edges, n_edges);
    *n_groups = 0;
    for (size_t r = 0; r < test->n; r++) {
        size_t orig = test->tbl->row_index[r];
        char buf[32];
        const char *text = mc_column_cell_text(col, orig, buf);
        if (!text)
            text = "(missing)";
        size_t g = 0;
        while (g < *n_groups && strcmp(names[g], text) != 0)
            g++;
        if (g == *n_groups) {
            if (*n_groups == 1000)
                return mc_spec_error(c->spec, &sl->column,
                                     "metrics.slices: column '%s' has more than 1000 distinct "
                                     "values in the test rows; slice on a categorical column",
                                     sl->column);
            if (!(names[g] = strdup(text)))
                return mc_error_nomem();
            (*n_groups)++;
        }
        group[r] = g;
    }
    return MC_OK;
}

/* One group's entry: its value, row count, and metrics unless it is too small. */
static int group_json(json_t **out, const mc_run_ctx *c, const mc_slice *sl, const char *name,
                      const float *ys, const float *ps, size_t cnt)
{
    json_t *jg = json_pack("{s:s, s:I, s:b}", "value", name, "count", (json_int_t)cnt, "skipped",
                           cnt < (size_t)sl->min_size);
    int rc = jg ? MC_OK : mc_error_nomem();
    if (rc == MC_OK && cnt < (size_t)sl->min_size)
        rc = mc_json_set(jg, "reason", json_string("fewer rows than min_size"));
    else if (rc == MC_OK)
        rc = set_metrics(jg, "metrics", c, ys, ps, cnt, 1);
    if (rc) {
        json_decref(jg);
        return rc;
    }
    *out = jg;
    return MC_OK;
}

/* A binned slice's edges in metrics.json ("edges"; "quantiles" when they were fitted), so
 * that reports and re-runs show the groups this run judged. */
static int slice_edges_json(json_t *js, const mc_slice *sl, const double *edges, size_t n_edges)
{
    json_t *je = json_array();
    int rc = je ? MC_OK : mc_error_nomem();
    for (size_t i = 0; rc == MC_OK && i < n_edges; i++)
        rc = mc_json_append(je, json_real(edges[i]));
    rc = rc ? (json_decref(je), rc) : mc_json_set(js, "edges", je);
    if (rc == MC_OK && sl->has_quantiles)
        rc = mc_json_set(js, "quantiles", json_integer(sl->quantiles));
    return rc;
}

static int slice_json(json_t **out, const mc_run_ctx *c, const mc_slice *sl, const size_t *group,
                      char **names, size_t n_groups, const double *edges, size_t n_edges)
{
    const mc_run_part *test = &c->parts[MC_PART_TEST];
    size_t n = test->n, width = c->nn ? (size_t)c->nn->out /* no network: predictions from elsewhere */
                                       : c->task == MC_TASK_MULTICLASS ? (size_t)c->lab.n_classes : 1;
    json_t *groups = json_array(), *js = NULL;
    float *ys = malloc((n + 1) * sizeof *ys), *ps = malloc((n + 1) * width * sizeof *ps);
    int rc = groups && ys && ps ? MC_OK : mc_error_nomem();
    for (size_t g = 0; rc == MC_OK && g < n_groups; g++) {
        size_t cnt = 0;
        for (size_t r = 0; r < n; r++) {
            if (group[r] != g)
                continue;
            ys[cnt] = test->y[r];
            memcpy(ps + cnt * width, test->pred + r * width, width * sizeof *ps);
            cnt++;
        }
        json_t *jg = NULL;
        if ((rc = group_json(&jg, c, sl, names[g], ys, ps, cnt)) == MC_OK)
            rc = mc_json_append(groups, jg);
    }
    free(ys), free(ps);
    if (rc == MC_OK && !(js = json_pack("{s:I, s:O}", "min_size", (json_int_t)sl->min_size,
                                        "groups", groups)))
        rc = mc_error_nomem();
    json_decref(groups);
    if (rc == MC_OK && edges && (rc = slice_edges_json(js, sl, edges, n_edges)))
        json_decref(js);
    if (rc == MC_OK)
        *out = js;
    return rc;
}

/* metrics.json's "slices": the metrics of each group of test rows. */
static int slice_metrics(json_t *out, const mc_run_ctx *c)
{
    const mc_metrics *m = &c->d->metrics;
    size_t n = c->parts[MC_PART_TEST].n;
    int rc = MC_OK;
    for (size_t s = 0; rc == MC_OK && s < m->slices.count; s++) {
        const mc_slice *sl = &m->slices.items[s];
        long col = mc_table_find(c->table, sl->column);
        if (col < 0)
            return mc_spec_error(c->spec, &sl->column,
                                 "metrics.slices: column '%s' is not in the data", sl->column);
        double *edges = NULL;
        size_t n_edges = 0, n_groups = 0, *group = malloc((n + 1) * sizeof *group);
        rc = mc_slice_edges(&edges, &n_edges, c, sl, &c->table->cols[col]);
        size_t cap = edges ? n_edges + 2 : n > 1000 ? 1001 : n + 1; /* bins, "(missing)" */
        char **names = calloc(cap, sizeof *names);
        json_t *js = NULL;
        rc = rc ? rc : group && names ? MC_OK : mc_error_nomem();
        if (rc == MC_OK)
            rc = group_rows(group, names, &n_groups, c, sl, &c->table->cols[col], edges, n_edges);
        if (rc == MC_OK &&
            (rc = slice_json(&js, c, sl, group, names, n_groups, edges, n_edges)) == MC_OK)
            rc = mc_json_set(out, sl->column, js);
        for (size_t k = 0; names && k < cap; k++)
            free(names[k]);
        free(names), free(group), free(edges);
    }
    return rc;
}

mc_model mc_run_model_view(const mc_run_ctx *c)
{
    mc_model m = {0};
    m.nn = c->nn;
    m.pipeline = c->pipe;
    m.task = c->task;
    m.classes = c->lab.classes;
    m.n_classes = c->task == MC_TASK_REGRESSION ? 0 : c->lab.n_classes;
    m.numerics = c->num;
    m.decision_threshold = c->d->metrics.decision_threshold;
    return m;
}

/* Predictions of every partition. The test rows' are reported, so they take
 * the path `modelcert predict` takes (row-independent kernels, from the raw
 * rows); training and validation rows feed summary metrics, computed with the
 * same fixed-order kernels so that every reported figure is the same on every
 * machine (a few percent of a run). */
static int predict_parts(mc_run_ctx *c, mc_run *run)
{
    int width = c->nn->out;
    for (int i = MC_PART_TRAIN; i < MC_PART_TEST; i++) {
        mc_run_part *p = &c->parts[i];
        if (!(p->pred = malloc((p->n + 1) * (size_t)width * sizeof *p->pred)))
            return mc_error_nomem();
        int rc = mc_nn_predict(c->nn, p->x, p->n, p->pred);
        if (rc)
            return rc;
    }
    mc_run_part *test = &c->parts[MC_PART_TEST];
    mc_model view = mc_run_model_view(c);
    int rc = mc_predict_table(&test->pred, &view, test->tbl, "test");
    if (rc == MC_OK)
        rc = mc_run_part_targets(test, &c->lab, c->table, "test");
    if (rc == MC_OK)
        rc = mc_predictions_csv(&run->predictions_csv, &view, test->tbl->row_index, test->pred,
                                test->n, test->y);
    return rc;
}

/* The optional parts of metrics.json the spec asks for. */
static int extra_metrics(json_t *metrics, const mc_run_ctx *c, const mc_metric_input *in)
{
    const mc_metrics *m = &c->d->metrics;
    int rc = MC_OK;
    for (size_t i = 0; rc == MC_OK && i < m->compute.count; i++) {
        json_t *j = NULL;
        if (m->compute.items[i] == MC_METRIC_PERMUTATION_IMPORTANCE && !c->nn)
            continue; /* predictions from elsewhere: no model to permute */
        if (m->compute.items[i] == MC_METRIC_CONFUSION_MATRIX &&
            (rc = confusion_json(&j, c, in)) == MC_OK)
            rc = mc_json_set(metrics, "confusion_matrix", j);
        if (m->compute.items[i] == MC_METRIC_PERMUTATION_IMPORTANCE &&
            (rc = mc_run_importance(&j, c)) == MC_OK)
            rc = mc_json_set(metrics, "permutation_importance", j);
    }
    if (rc == MC_OK && c->nn && c->d->has_explainability) {
        json_t *j = NULL;
        if ((rc = mc_run_attributions(&j, c)) == MC_OK)
            rc = mc_json_set(metrics, "attributions", j);
    }
    if (rc == MC_OK && c->nn && c->d->has_robustness) {
        json_t *j = NULL;
        if ((rc = mc_run_robustness(&j, c)) == MC_OK)
            rc = mc_json_set(metrics, "robustness", j);
    }
    if (rc == MC_OK && m->slices.count) {
        json_t *slices = json_object();
        rc = slices ? slice_metrics(slices, c) : mc_error_nomem();
        rc = rc ? (json_decref(slices), rc) : mc_json_set(metrics, "slices", slices);
    }
    return rc;
}

int mc_run_evaluate(mc_run_ctx *c, mc_run *run)
{
    const mc_run_part *test = &c->parts[MC_PART_TEST], *val = &c->parts[MC_PART_VALIDATION];
    const mc_run_part *train = &c->parts[MC_PART_TRAIN];
    int rc = predict_parts(c, run);
    if (rc)
        return rc;
    mc_metric_input in = mc_run_metric_input(c, test->y, test->pred, test->n);
    json_t *metrics = json_pack("{s:s, s:I}", "evaluated_on", "test", "rows", (json_int_t)test->n);
    rc = metrics ? set_metrics(metrics, "metrics", c, test->y, test->pred, test->n, 1)
                 : mc_error_nomem();
    if (rc == MC_OK && val->n)
        rc = set_metrics(metrics, "validation", c, val->y, val->pred, val->n, 0);
    if (rc == MC_OK)
        rc = set_metrics(metrics, "training", c, train->y, train->pred, train->n, 0);
    if (rc == MC_OK)
        rc = extra_metrics(metrics, c, &in);
    if (rc) {
        json_decref(metrics);
        return rc;
    }
    run->metrics = metrics;
    return MC_OK;
}

int mc_run_evaluate_test(json_t **out, const mc_run_ctx *c)
{
    const mc_run_part *test = &c->parts[MC_PART_TEST];
    mc_metric_input in = mc_run_metric_input(c, test->y, test->pred, test->n);
    json_t *metrics = json_pack("{s:s, s:I}", "evaluated_on", "test", "rows", (json_int_t)test->n);
    int rc = metrics ? set_metrics(metrics, "metrics", c, test->y, test->pred, test->n, 1)
                     : mc_error_nomem();
    if (rc == MC_OK)
        rc = extra_metrics(metrics, c, &in);
    if (rc) {
        json_decref(metrics);
        return rc;
    }
    *out = metrics;
    return MC_OK;
}
