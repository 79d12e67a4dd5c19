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

/* {"accuracy": 0.93, ...}; an undefined metric is null, with the reason in `undefined`. */
static json_t *scalar_metrics(const mc_run_ctx *c, const mc_metric_input *in, json_t *undefined)
{
    json_t *o = json_object();
    const mc_metrics *m = &c->d->metrics;
    for (size_t i = 0; o && i < m->compute.count; i++) {
        int metric = m->compute.items[i];
        if (!is_scalar_metric(metric))
            continue;
        double v;
        if (mc_metric_scalar(&v, metric, in) == MC_OK && isfinite(v)) {
            json_object_set_new(o, mc_metric_name(metric), json_real(v));
        } else {
            json_object_set_new(o, mc_metric_name(metric), json_null());
            if (undefined)
                json_object_set_new(undefined, mc_metric_name(metric),
                                    json_string(mc_error_last()->message));
        }
    }
    return o;
}

static json_t *confusion_json(const mc_run_ctx *c, const mc_metric_input *in)
{
    int k = c->lab.n_classes;
    long long *cm = malloc((size_t)k * (size_t)k * sizeof *cm);
    if (!cm)
        return NULL;
    mc_metric_confusion(cm, in);
    json_t *names = json_array(), *rows = json_array();
    for (int i = 0; i < k; i++) {
        json_t *row = json_array();
        for (int j = 0; j < k; j++)
            json_array_append_new(row, json_integer(cm[i * k + j]));
        json_array_append_new(rows, row);
        json_array_append_new(names, json_string(c->lab.classes[i]));
    }
    free(cm);
    return json_pack("{s:o, s:o, s:s}", "labels", names, "counts", rows, "layout",
                     "rows are true classes, columns predicted classes");
}

static int slice_metrics(json_t *out, const mc_run_ctx *c)
{
    const mc_run_part *test = &c->parts[MC_PART_TEST];
    const mc_metrics *m = &c->d->metrics;
    for (size_t s = 0; s < m->slices.count; s++) {
        const mc_slice *sl = &m->slices.items[s];
        long col = mc_table_find(c->table, sl->column);
        if (col < 0)
            return mc_spec_error(c->spec, &sl->column, "metrics.slices: column '%s' is not in the data",
                              sl->column);
        const mc_column *rc = &c->table->cols[col];
        /* Group test rows by the raw cell text, groups in order of first appearance. */
        size_t n = test->n, n_groups = 0;
        char **names = calloc(n + 1, sizeof *names);
        size_t *group = malloc((n + 1) * sizeof *group);
        if (!names || !group) {
            free(names), free(group);
            return mc_error_nomem();
        }
        for (size_t r = 0; r < n; r++) {
            size_t orig = test->tbl->row_index[r];
            char buf[32];
            const char *text;
            if (rc->kind == MC_COLKIND_NUMERIC) {
                if (isnan(rc->num[orig]))
                    text = "(missing)";
                else {
                    mc_json_format_number(buf, rc->num[orig]);
                    text = buf;
                }
            } else {
                text = rc->codes[orig] == MC_CODE_MISSING ? "(missing)" : rc->levels[rc->codes[orig]];
            }
            size_t g = 0;
            while (g < n_groups && strcmp(names[g], text) != 0)
                g++;
            if (g == n_groups) {
                if (n_groups == 1000) {
                    for (size_t k = 0; k < n_groups; k++)
                        free(names[k]);
                    free(names), free(group);
                    return mc_spec_error(c->spec, &sl->column,
                                      "metrics.slices: column '%s' has more than 1000 distinct "
                                      "values in the test rows; slice on a categorical column",
                                      sl->column);
                }
                names[n_groups++] = strdup(text);
            }
            group[r] = g;
        }
        json_t *groups = json_array();
        int width = c->nn->out;
        float *ys = malloc((n + 1) * sizeof *ys), *ps = malloc((n + 1) * (size_t)width * sizeof *ps);
        for (size_t g = 0; ys && ps && g < n_groups; g++) {
            size_t cnt = 0;
            for (size_t r = 0; r < n; r++) {
                if (group[r] != g)
                    continue;
                ys[cnt] = test->y[r];
                memcpy(ps + cnt * (size_t)width, test->pred + r * (size_t)width, (size_t)width * sizeof *ps);
                cnt++;
            }
            json_t *jg = json_pack("{s:s, s:I}", "value", names[g] ? names[g] : "", "count", (json_int_t)cnt);
            if (cnt < (size_t)sl->min_size) {
                json_object_set_new(jg, "skipped", json_true());
                json_object_set_new(jg, "reason", json_string("fewer rows than min_size"));
            } else {
                mc_metric_input in = mc_run_metric_input(c, ys, ps, cnt);
                json_t *undefined = json_object();
                json_object_set_new(jg, "skipped", json_false());
                json_object_set_new(jg, "metrics", scalar_metrics(c, &in, undefined));
                if (json_object_size(undefined))
                    json_object_set_new(jg, "undefined", undefined);
                else
                    json_decref(undefined);
            }
            json_array_append_new(groups, jg);
        }
        free(ys), free(ps);
        for (size_t k = 0; k < n_groups; k++)
            free(names[k]);
        free(names), free(group);
        json_object_set_new(out, sl->column, json_pack("{s:I, s:o}", "min_size",
                                                         (json_int_t)sl->min_size, "groups", groups));
    }
    return MC_OK;
}

/* The model as prediction sees it, borrowed from the run (never freed). */
static mc_model model_view(const mc_run_ctx *c)
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
 * rows); training and validation rows only feed summary metrics. */
static int predict_parts(mc_run_ctx *c, mc_run *run)
{
    int width = c->nn->out;
    for (int i = MC_PART_TRAIN; i < MC_PART_TEST; i++) {
        mc_run_part *p = &c->parts[i];
        if (!(p->pred = malloc((p->n + 1) * (size_t)width * sizeof *p->pred)))
            return mc_error_nomem();
        int rc = mc_nn_predict_batch(c->nn, p->x, p->n, p->pred, c->num);
        if (rc)
            return rc;
    }
    mc_run_part *test = &c->parts[MC_PART_TEST];
    mc_model view = model_view(c);
    int rc = mc_predict_table(&test->pred, &view, test->tbl, "test");
    if (rc == MC_OK)
        rc = mc_run_part_targets(test, &c->lab, c->table, "test");
    if (rc == MC_OK)
        rc = mc_predictions_csv(&run->predictions_csv, &view, test->tbl->row_index, test->pred,
                                test->n, test->y);
    return rc;
}

int mc_run_evaluate(mc_run_ctx *c, mc_run *run)
{
    int rc = predict_parts(c, run);
    if (rc)
        return rc;
    const mc_run_part *test = &c->parts[MC_PART_TEST];
    mc_metric_input in = mc_run_metric_input(c, test->y, test->pred, test->n);
    json_t *undefined = json_object();
    json_t *metrics = json_pack("{s:s, s:I, s:o}", "evaluated_on", "test", "rows", (json_int_t)test->n,
                                "metrics", scalar_metrics(c, &in, undefined));
    if (!metrics)
        return mc_error_nomem();
    run->metrics = metrics;
    if (json_object_size(undefined))
        json_object_set_new(metrics, "undefined", undefined);
    else
        json_decref(undefined);
    if (c->parts[MC_PART_VALIDATION].n) {
        mc_metric_input vin = mc_run_metric_input(c, c->parts[MC_PART_VALIDATION].y, c->parts[MC_PART_VALIDATION].pred, c->parts[MC_PART_VALIDATION].n);
        json_object_set_new(metrics, "validation", scalar_metrics(c, &vin, NULL));
    }
    mc_metric_input tin = mc_run_metric_input(c, c->parts[MC_PART_TRAIN].y, c->parts[MC_PART_TRAIN].pred, c->parts[MC_PART_TRAIN].n);
    json_object_set_new(metrics, "training", scalar_metrics(c, &tin, NULL));
    const mc_metrics *m = &c->d->metrics;
    for (size_t i = 0; i < m->compute.count; i++) {
        if (m->compute.items[i] == MC_METRIC_CONFUSION_MATRIX) {
            json_t *cm = confusion_json(c, &in);
            if (!cm)
                return mc_error_nomem();
            json_object_set_new(metrics, "confusion_matrix", cm);
        }
        if (m->compute.items[i] == MC_METRIC_PERMUTATION_IMPORTANCE) {
            json_t *pi = NULL;
            rc = mc_run_importance(&pi, c);
            if (rc)
                return rc;
            json_object_set_new(metrics, "permutation_importance", pi);
        }
    }
    if (m->slices.count) {
        json_t *slices = json_object();
        json_object_set_new(metrics, "slices", slices);
        rc = slice_metrics(slices, c);
        if (rc)
            return rc;
    }
    return MC_OK;
}

