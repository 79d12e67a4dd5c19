/* The rules that span keys (mc_spec_check.h): combinations of individually
 * valid values that do not fit (a loss and an output activation, a threshold
 * on a metric not computed, a PII column no step transforms, ...), and the
 * `auto` values resolved into the concrete ones the normalised spec records.
 * Each broken rule is a diagnostic at the place it was written. */
#include "mc_spec_check.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "mc_file.h"
#include "mc_spec_schema.h"

typedef struct checker {
    mc_spec_doc *d;
    const mc_locmap *locs;
    mc_diags *diags;
    const char *file;
    int errors;
    int nomem;
} checker;

/* Reports at the place `addr` was written, else at `fallback`'s, else at the
 * top of the file. */
static void vadd(checker *c, mc_severity sev, const void *addr, const void *fallback,
                 const char *fmt, va_list ap) MC_PRINTF(5, 0);
static void vadd(checker *c, mc_severity sev, const void *addr, const void *fallback,
                 const char *fmt, va_list ap)
{
    char msg[1536];
    int line = 0, col = 0;
    vsnprintf(msg, sizeof msg, fmt, ap);
    if (!mc_locmap_find(c->locs, addr, &line, &col) && fallback)
        mc_locmap_find_container(c->locs, fallback, &line, &col);
    if (sev == MC_SEV_ERROR)
        c->errors++;
    if (mc_diags_add(c->diags, sev, c->file, line, col, "%s", msg) != MC_OK)
        c->nomem = 1;
}

static void error_at(checker *c, const void *addr, const void *fallback, const char *fmt, ...)
    MC_PRINTF(4, 5);
static void error_at(checker *c, const void *addr, const void *fallback, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vadd(c, MC_SEV_ERROR, addr, fallback, fmt, ap);
    va_end(ap);
}

static void warn_at(checker *c, const void *addr, const void *fallback, const char *fmt, ...)
    MC_PRINTF(4, 5);
static void warn_at(checker *c, const void *addr, const void *fallback, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vadd(c, MC_SEV_WARNING, addr, fallback, fmt, ap);
    va_end(ap);
}

static int written(const checker *c, const void *addr)
{
    int line, col;
    return mc_locmap_find(c->locs, addr, &line, &col);
}

/* Reports at the place the object (section, list item) at `obj` was written. */
static void error_in(checker *c, const void *obj, const char *fmt, ...) MC_PRINTF(3, 4);
static void error_in(checker *c, const void *obj, const char *fmt, ...)
{
    char msg[1536];
    int line = 0, col = 0;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    mc_locmap_find_container(c->locs, obj, &line, &col);
    c->errors++;
    if (mc_diags_add(c->diags, MC_SEV_ERROR, c->file, line, col, "%s", msg) != MC_OK)
        c->nomem = 1;
}

mc_task mc_spec_doc_task(const mc_spec_doc *d)
{
    if (d->has_model)
        return (mc_task)d->model.task;
    switch (d->training.loss) {
    case MC_LOSS_BINARY_CROSSENTROPY: return MC_TASK_BINARY;
    case MC_LOSS_CATEGORICAL_CROSSENTROPY:
    case MC_LOSS_SPARSE_CATEGORICAL_CROSSENTROPY: return MC_TASK_MULTICLASS;
    default: return MC_TASK_REGRESSION;
    }
}

static int metric_is_regression(int m)
{
    return m == MC_METRIC_MSE || m == MC_METRIC_RMSE || m == MC_METRIC_MAE || m == MC_METRIC_R2;
}

/* Metrics that are one number, so a threshold or a monitor can use them. */
static int metric_is_scalar(int m)
{
    return m != MC_METRIC_CONFUSION_MATRIX && m != MC_METRIC_PERMUTATION_IMPORTANCE;
}

/* Metrics whose values lie in [0, 1]. */
static int metric_is_unit_interval(int m)
{
    return m == MC_METRIC_ACCURACY || m == MC_METRIC_PRECISION || m == MC_METRIC_RECALL ||
           m == MC_METRIC_F1 || m == MC_METRIC_ROC_AUC || m == MC_METRIC_PR_AUC;
}

static int computes(const mc_spec_doc *d, int metric)
{
    for (size_t i = 0; i < d->metrics.compute.count; i++)
        if (d->metrics.compute.items[i] == metric)
            return 1;
    return 0;
}

static int list_has(const mc_strlist *l, const char *s)
{
    for (size_t i = 0; i < l->count; i++)
        if (strcmp(l->items[i], s) == 0)
            return 1;
    return 0;
}

static const char *task_name(mc_task t)
{
    return t == MC_TASK_BINARY ? "binary classification"
           : t == MC_TASK_MULTICLASS ? "multiclass classification" : "regression";
}

static void check_data(checker *c)
{
    mc_data *data = &c->d->data;
    mc_split *sp = &data->split;
    if (data->sha256 && !mc_sha256_hex_valid(data->sha256))
        error_at(c, &data->sha256, data, "data.sha256: expected 64 hexadecimal digits, got '%s'",
                 data->sha256);
    if (data->delimiter && strlen(data->delimiter) != 1)
        error_at(c, &data->delimiter, data, "data.delimiter: must be one character, got '%s'",
                 data->delimiter);
    if (sp->test_fraction + sp->validation_fraction >= 1.0)
        error_at(c, &sp->validation_fraction, &sp->test_fraction,
                 "data.split: test_fraction + validation_fraction is %g; it must leave rows for "
                 "training (less than 1)",
                 sp->test_fraction + sp->validation_fraction);
    if (sp->stratify && mc_spec_doc_task(c->d) == MC_TASK_REGRESSION)
        error_at(c, &sp->stratify, sp,
                 "data.split.stratify: cannot stratify on a regression target (loss %s); "
                 "stratify needs class labels",
                 mc_names_loss[c->d->training.loss]);
    for (size_t i = 0; i < data->columns.count; i++)
        if (strcmp(data->columns.items[i].key, data->target) == 0 &&
            data->columns.items[i].kind == MC_COL_TEXT)
            error_at(c, &data->columns.items[i].kind, data,
                     "data.columns: the target column '%s' cannot be of type text", data->target);
}

static void check_steps(checker *c)
{
    mc_spec_doc *d = c->d;
    for (size_t i = 0; i < d->preprocessing.count; i++) {
        mc_step *s = &d->preprocessing.items[i];
        const char *name = mc_names_step[s->type];
        if ((s->type == MC_STEP_DROP_COLUMNS || s->type == MC_STEP_ONE_HOT ||
             s->type == MC_STEP_HASH || s->type == MC_STEP_MASK ||
             s->type == MC_STEP_GENERALIZE) &&
            d->data.target && list_has(&s->columns, d->data.target))
            error_at(c, &s->columns, s,
                     "preprocessing[%zu] (%s): the target column '%s' cannot be transformed "
                     "or dropped",
                     i, name, d->data.target);
        if (s->type != MC_STEP_DROPNA && s->type != MC_STEP_SELECT_COLUMNS &&
            s->type != MC_STEP_DROP_COLUMNS && s->type != MC_STEP_ONE_HOT &&
            s->type != MC_STEP_HASH && s->type != MC_STEP_MASK && s->type != MC_STEP_GENERALIZE &&
            d->data.target && list_has(&s->columns, d->data.target))
            error_at(c, &s->columns, s,
                     "preprocessing[%zu] (%s): the target column '%s' is never a feature; steps "
                     "other than dropna leave it alone",
                     i, name, d->data.target);
        if (s->type == MC_STEP_FILL_MISSING) {
            if (s->strategy == MC_FILL_CONSTANT && !s->value)
                error_at(c, &s->strategy, s,
                         "preprocessing[%zu] (fill_missing): strategy 'constant' needs a value", i);
            if (s->strategy != MC_FILL_CONSTANT && s->value)
                error_at(c, &s->value, s,
                         "preprocessing[%zu] (fill_missing): 'value' applies only to strategy "
                         "'constant'",
                         i);
        }
        if (s->type == MC_STEP_MIN_MAX && s->feature_min >= s->feature_max)
            error_at(c, &s->feature_max, s,
                     "preprocessing[%zu] (min_max): feature_min (%g) must be less than "
                     "feature_max (%g)",
                     i, s->feature_min, s->feature_max);
        if (s->type == MC_STEP_GENERALIZE &&
            (int)s->has_bin_width + (int)s->has_prefix_length + (int)s->has_date != 1)
            error_in(c, s,
                     "preprocessing[%zu] (generalize): give exactly one of bin_width (numeric "
                     "columns), prefix_length (text columns) or date (calendar dates)",
                     i);
        if (s->type == MC_STEP_MASK && s->mask_char && strlen(s->mask_char) != 1)
            error_at(c, &s->mask_char, s,
                     "preprocessing[%zu] (mask): mask_char must be one character, got '%s'", i,
                     s->mask_char);
    }
}

static void check_architecture(checker *c)
{
    mc_spec_doc *d = c->d;
    mc_architecture *a = &d->architecture;
    if (a->layers.count == 0)
        return;
    mc_layer *last = &a->layers.items[a->layers.count - 1];
    if (last->type != MC_LAYER_DENSE) {
        error_at(c, &last->type, last, "architecture.layers: the last layer must be dense (the output)");
        return;
    }
    for (size_t i = 0; i < a->layers.count; i++) {
        mc_layer *l = &a->layers.items[i];
        if (l->type == MC_LAYER_DENSE && l->activation == MC_ACT_SOFTMAX && l->units < 2)
            error_at(c, &l->activation, l,
                     "architecture.layers[%zu]: softmax over %lld unit is constant 1; use "
                     "sigmoid for one output",
                     i, l->units);
    }
    const char *loss = mc_names_loss[d->training.loss];
    const char *act = mc_names_activation[last->activation];
    switch (d->training.loss) {
    case MC_LOSS_BINARY_CROSSENTROPY:
        if (last->activation != MC_ACT_SIGMOID)
            error_at(c, &last->activation, last,
                     "architecture: the output layer's %s activation does not fit loss %s, "
                     "which needs sigmoid",
                     act, loss);
        else if (last->units != 1)
            error_at(c, &last->units, last,
                     "architecture: loss %s needs one output unit, the output layer has %lld",
                     loss, last->units);
        break;
    case MC_LOSS_CATEGORICAL_CROSSENTROPY:
    case MC_LOSS_SPARSE_CATEGORICAL_CROSSENTROPY:
        if (last->activation != MC_ACT_SOFTMAX)
            error_at(c, &last->activation, last,
                     "architecture: the output layer's %s activation does not fit loss %s, "
                     "which needs softmax",
                     act, loss);
        break;
    default:
        if (last->activation == MC_ACT_SOFTMAX)
            error_at(c, &last->activation, last,
                     "architecture: a softmax output does not fit the regression loss %s; "
                     "use linear",
                     loss);
        else if (last->units != 1)
            error_at(c, &last->units, last,
                     "architecture: the regression loss %s predicts one target column, so the "
                     "output layer needs one unit, not %lld",
                     loss, last->units);
        break;
    }
}

static int monitor_valid(const mc_spec_doc *d, const char *mon, int *metric_out)
{
    *metric_out = -1;
    if (strncmp(mon, "val_", 4) == 0)
        mon += 4;
    if (strcmp(mon, "loss") == 0)
        return 1;
    int m = mc_metric_from_name(mon);
    if (m < 0 || !metric_is_scalar(m) || !computes(d, m))
        return 0;
    *metric_out = m;
    return 1;
}

static void check_training(checker *c)
{
    mc_spec_doc *d = c->d;
    mc_training *t = &d->training;
    if (t->has_early_stopping) {
        mc_early_stopping *es = &t->early_stopping;
        int metric;
        if (!monitor_valid(d, es->monitor, &metric))
            error_at(c, &es->monitor, es,
                     "training.early_stopping.monitor: '%s' is not loss, val_loss, or "
                     "[val_]<metric> of a metric listed in metrics.compute",
                     es->monitor);
        else if (strncmp(es->monitor, "val_", 4) == 0 && d->data.split.validation_fraction <= 0)
            error_at(c, &es->monitor, es,
                     "training.early_stopping.monitor: '%s' needs a validation split; set "
                     "data.split.validation_fraction above 0",
                     es->monitor);
        if (es->mode == MC_MODE_AUTO)
            es->mode = metric >= 0 && mc_metric_higher_is_better(metric) ? MC_MODE_MAX : MC_MODE_MIN;
    }
}

static void check_metrics(checker *c)
{
    mc_spec_doc *d = c->d;
    mc_metrics *m = &d->metrics;
    mc_task task = mc_spec_doc_task(d);
    for (size_t i = 0; i < m->compute.count; i++) {
        int metric = m->compute.items[i];
        int reg = metric_is_regression(metric);
        if (metric == MC_METRIC_PERMUTATION_IMPORTANCE)
            continue;
        if (task == MC_TASK_REGRESSION && !reg)
            error_at(c, &m->compute.items[i], &m->compute,
                     "metrics.compute: %s is a classification metric, but the loss %s makes "
                     "this a regression; the metrics of a regression: mse, rmse, mae, r2, "
                     "permutation_importance",
                     mc_names_metric[metric], mc_names_loss[d->training.loss]);
        if (task != MC_TASK_REGRESSION && reg)
            error_at(c, &m->compute.items[i], &m->compute,
                     "metrics.compute: %s is a regression metric, but the loss %s makes this %s; "
                     "the metrics of a classification: accuracy, precision, recall, f1, "
                     "roc_auc, pr_auc, log_loss, confusion_matrix, permutation_importance",
                     mc_names_metric[metric], mc_names_loss[d->training.loss], task_name(task));
    }
    if (task == MC_TASK_REGRESSION && m->average != MC_AVG_AUTO)
        error_at(c, &m->average, m, "metrics.average: applies only to classification");
    /* Keys that mean nothing for a regression would look like they were applied. The
     * normalised form (a run's spec.json, which reproduce and explain load) writes both at
     * their defaults ("1", 0.5): that alone applies nothing. */
    int odd = (written(c, &m->positive_label) && m->positive_label &&
               strcmp(m->positive_label, "1") != 0) ||
              (written(c, &m->decision_threshold) && m->decision_threshold != 0.5);
    if (task == MC_TASK_REGRESSION && odd && written(c, &m->positive_label))
        error_at(c, &m->positive_label, m,
                 "metrics.positive_label: applies only to binary classification; the loss %s "
                 "makes this a regression: remove it",
                 mc_names_loss[d->training.loss]);
    if (task == MC_TASK_REGRESSION && odd && written(c, &m->decision_threshold))
        error_at(c, &m->decision_threshold, m,
                 "metrics.decision_threshold: applies only to binary classification; the loss "
                 "%s makes this a regression: remove it",
                 mc_names_loss[d->training.loss]);
    if (m->average == MC_AVG_BINARY && task == MC_TASK_MULTICLASS && written(c, &m->average))
        error_at(c, &m->average, m,
                 "metrics.average: 'binary' needs two classes; use macro or micro for "
                 "multiclass classification");
    if (m->average == MC_AVG_AUTO && task != MC_TASK_REGRESSION) /* stays auto: no meaning there */
        m->average = task == MC_TASK_BINARY ? MC_AVG_BINARY : MC_AVG_MACRO;
    if (m->importance.scoring == 0)
        m->importance.scoring = 1 + (task == MC_TASK_REGRESSION ? MC_METRIC_R2 : MC_METRIC_ACCURACY);
    int scoring = m->importance.scoring - 1;
    if (!metric_is_scalar(scoring))
        error_at(c, &m->importance.scoring, &m->importance,
                 "metrics.importance.scoring: %s is not a single number", mc_names_metric[scoring]);
    else if ((task == MC_TASK_REGRESSION) != metric_is_regression(scoring))
        error_at(c, &m->importance.scoring, &m->importance,
                 "metrics.importance.scoring: %s does not apply to %s", mc_names_metric[scoring],
                 task_name(task));
    for (size_t i = 0; i < m->slices.count; i++) {
        const mc_slice *sl = &m->slices.items[i];
        for (size_t j = 0; j < i; j++)
            if (strcmp(sl->column, m->slices.items[j].column) == 0)
                error_at(c, &sl->column, &m->slices, "metrics.slices: column '%s' is listed twice",
                         sl->column);
        if (sl->has_bins && sl->has_quantiles)
            error_at(c, &sl->quantiles, sl, "metrics.slices[%zu]: give bins (edges) or quantiles, "
                     "not both", i);
        for (size_t k = 1; sl->has_bins && k < sl->bins.count; k++)
            if (!(sl->bins.items[k] > sl->bins.items[k - 1])) {
                error_at(c, &sl->bins.items[k], sl, "metrics.slices[%zu].bins: the edges must be "
                         "strictly increasing, but %.15g follows %.15g", i, sl->bins.items[k],
                         sl->bins.items[k - 1]);
                break;
            }
    }
}

/* robustness: its metric resolved like importance's scoring; each max_drop rule names a
 * strength the section measures for its attack. */
static void check_robustness(checker *c)
{
    mc_robustness *r = &c->d->robustness;
    mc_task task = mc_spec_doc_task(c->d);
    if (!c->d->has_robustness)
        return;
    if (r->metric == 0)
        r->metric = 1 + (task == MC_TASK_REGRESSION ? MC_METRIC_R2 : MC_METRIC_ACCURACY);
    int metric = r->metric - 1;
    if (!metric_is_scalar(metric) || (task == MC_TASK_REGRESSION) != metric_is_regression(metric))
        error_at(c, &r->metric, r, "robustness.metric: %s is not a single number for %s",
                 mc_names_metric[metric], task_name(task));
    for (size_t i = 0; i < r->max_drop.count; i++) {
        const mc_robust_rule *u = &r->max_drop.items[i];
        const char *key = u->attack == MC_ATTACK_NOISE     ? "noise"
                          : u->attack == MC_ATTACK_MISSING ? "missing" : "adversarial";
        const double *v = u->attack == MC_ATTACK_NOISE     ? r->noise.items
                          : u->attack == MC_ATTACK_MISSING ? r->missing.items
                                                           : r->adversarial.items;
        size_t n = u->attack == MC_ATTACK_NOISE     ? r->noise.count
                   : u->attack == MC_ATTACK_MISSING ? r->missing.count : r->adversarial.count;
        size_t k = 0;
        while (k < n && v[k] != u->strength)
            k++;
        if (k == n)
            error_at(c, &u->strength, u, "robustness.max_drop[%zu]: %s at strength %g is not "
                     "measured; add %g to robustness.%s", i, mc_names_attack[u->attack],
                     u->strength, u->strength, key);
    }
}

static int slice_declared(const mc_spec_doc *d, const char *col)
{
    for (size_t i = 0; i < d->metrics.slices.count; i++)
        if (strcmp(d->metrics.slices.items[i].column, col) == 0)
            return 1;
    return 0;
}

static void check_thresholds(checker *c)
{
    mc_spec_doc *d = c->d;
    if (!d->has_thresholds)
        return;
    mc_thresholds *t = &d->thresholds;
    for (size_t i = 0; i < t->metrics.count; i++) {
        mc_metric_threshold *mt = &t->metrics.items[i];
        int metric = mc_metric_from_name(mt->key);
        if (!metric_is_scalar(metric)) {
            error_in(c, mt, "thresholds.metrics.%s: %s is not a single number and cannot "
                     "have a threshold", mt->key, mt->key);
            continue;
        }
        if (!computes(d, metric))
            error_in(c, mt,
                     "thresholds.metrics.%s: metric not found: metrics.compute does not list %s",
                     mt->key, mt->key);
        if (!mt->has_min && !mt->has_max && !mt->has_change)
            error_in(c, mt, "thresholds.metrics.%s: give min, max or change", mt->key);
        if (metric_is_unit_interval(metric)) {
            if (mt->has_min && (mt->min < 0 || mt->min > 1))
                error_at(c, &mt->min, mt,
                         "thresholds.metrics.%s: %s lies between 0 and 1, so min %g can never be "
                         "met as written (a fraction, not a percentage)",
                         mt->key, mt->key, mt->min);
            if (mt->has_max && (mt->max < 0 || mt->max > 1))
                error_at(c, &mt->max, mt,
                         "thresholds.metrics.%s: %s lies between 0 and 1; max %g is outside that",
                         mt->key, mt->key, mt->max);
        }
        if (mt->has_min && mt->has_max && mt->min > mt->max)
            error_at(c, &mt->max, mt, "thresholds.metrics.%s: min (%g) is greater than max (%g)",
                     mt->key, mt->min, mt->max);
        if (mt->has_change) {
            mc_change_threshold *ch = &mt->change;
            if (!ch->has_max_absolute_regression && !ch->has_max_relative_regression)
                error_in(c, ch,
                         "thresholds.metrics.%s.change: give max_absolute_regression, "
                         "max_relative_regression, or both",
                         mt->key);
            if (ch->direction == MC_DIR_AUTO)
                ch->direction = mc_metric_higher_is_better(metric) ? MC_DIR_HIGHER : MC_DIR_LOWER;
        }
    }
    for (size_t i = 0; i < t->slices.count; i++) {
        mc_slice_threshold *st = &t->slices.items[i];
        if (!slice_declared(d, st->slice))
            error_at(c, &st->slice, st,
                     "thresholds.slices[%zu]: slice '%s' is not declared in metrics.slices", i,
                     st->slice);
        if (!metric_is_scalar(st->metric))
            error_at(c, &st->metric, st, "thresholds.slices[%zu]: %s is not a single number", i,
                     mc_names_metric[st->metric]);
        else if (!computes(d, st->metric))
            error_at(c, &st->metric, st,
                     "thresholds.slices[%zu]: metric not found: metrics.compute does not list %s",
                     i, mc_names_metric[st->metric]);
        if (!st->has_min && !st->has_max && !st->has_max_gap)
            error_in(c, st, "thresholds.slices[%zu]: give min, max or max_gap", i);
        if (st->has_min && st->has_max && st->min > st->max)
            error_at(c, &st->max, st, "thresholds.slices[%zu]: min (%g) is greater than max (%g)",
                     i, st->min, st->max);
    }
}


/* A PII column's declared transform must be applied by a preprocessing step. */
static int step_applies(const mc_spec_doc *d, int step_type, const char *col)
{
    for (size_t i = 0; i < d->preprocessing.count; i++)
        if (d->preprocessing.items[i].type == step_type &&
            list_has(&d->preprocessing.items[i].columns, col))
            return 1;
    return 0;
}

/* Whether a column can reach the model: not dropped, and selected if anything is. */
static int reaches_model(const mc_spec_doc *d, const char *col)
{
    int selected = 1;
    for (size_t i = 0; i < d->preprocessing.count; i++) {
        const mc_step *s = &d->preprocessing.items[i];
        if (s->type == MC_STEP_DROP_COLUMNS && list_has(&s->columns, col))
            return 0;
        if (s->type == MC_STEP_SELECT_COLUMNS)
            selected = selected && list_has(&s->columns, col);
    }
    return selected;
}

static void check_privacy(checker *c)
{
    mc_spec_doc *d = c->d;
    if (!d->has_privacy)
        return;
    mc_privacy *p = &d->privacy;
    static const int step_for[] = {MC_STEP_HASH, MC_STEP_MASK, MC_STEP_GENERALIZE, -1};
    for (size_t i = 0; i < p->pii_columns.count; i++) {
        mc_pii_column *pc = &p->pii_columns.items[i];
        const char *tr = mc_names_pii_transform[pc->transform];
        if (d->data.target && strcmp(pc->column, d->data.target) == 0) {
            error_at(c, &pc->column, pc, "privacy.pii_columns[%zu]: the target column '%s' cannot be a PII column", i, pc->column);
            continue;
        }
        if (pc->transform == MC_PII_DROP) {
            if (reaches_model(d, pc->column))
                error_at(c, &pc->transform, pc,
                         "privacy.pii_columns[%zu]: PII column '%s' must be dropped, but no "
                         "drop_columns step drops it",
                         i, pc->column);
        } else if (!step_applies(d, step_for[pc->transform], pc->column)) {
            error_at(c, &pc->transform, pc,
                     "privacy.pii_columns[%zu]: PII column '%s' must get transform '%s', but no "
                     "preprocessing step '%s' lists it",
                     i, pc->column, tr, tr);
        }
    }
    /* A slice names its groups by the raw values of its column (metrics.json, every report,
     * the model card): never on personal data, whatever its transform. */
    for (size_t i = 0; i < d->metrics.slices.count; i++) {
        const mc_slice *sl = &d->metrics.slices.items[i];
        for (size_t j = 0; sl->column && j < p->pii_columns.count; j++)
            if (strcmp(sl->column, p->pii_columns.items[j].column) == 0)
                error_at(c, &sl->column, sl,
                         "metrics.slices[%zu]: column '%s' is personal data (declared in "
                         "privacy.pii_columns): a slice names its groups by the column's raw "
                         "values, which metrics.json and every report would hold; remove the "
                         "slice", i, sl->column);
    }
    for (size_t i = 0; i < p->pii_columns.count; i++)
        for (size_t j = 0; j < i; j++)
            if (strcmp(p->pii_columns.items[i].column, p->pii_columns.items[j].column) == 0)
                error_at(c, &p->pii_columns.items[i].column, &p->pii_columns,
                         "privacy.pii_columns[%zu]: column '%s' is already declared at index %zu",
                         i, p->pii_columns.items[i].column, j);
    for (size_t i = 0; i < p->forbidden_features.count; i++) {
        const char *col = p->forbidden_features.items[i];
        if (d->data.target && strcmp(col, d->data.target) == 0)
            error_at(c, &p->forbidden_features, p,
                     "privacy.forbidden_features: '%s' is the target column", col);
        else if (reaches_model(d, col))
            error_at(c, &p->forbidden_features, p,
                     "privacy.forbidden_features: '%s' would reach the model; drop it with a "
                     "drop_columns step",
                     col);
    }
    if (p->has_differential_privacy && !d->training.has_differential_privacy)
        error_in(c, &p->differential_privacy,
                 "privacy.differential_privacy: a privacy budget needs differentially private "
                 "training; add training.differential_privacy");
    if (p->has_differential_privacy && d->training.has_differential_privacy &&
        d->training.differential_privacy.delta > p->differential_privacy.delta)
        error_at(c, &d->training.differential_privacy.delta, &d->training.differential_privacy,
                 "training.differential_privacy.delta (%g) exceeds the budget's delta (%g)",
                 d->training.differential_privacy.delta, p->differential_privacy.delta);
    if (p->has_quasi_identifiers && p->quasi_identifiers.has_l_diversity &&
        list_has(&p->quasi_identifiers.columns, p->quasi_identifiers.l_diversity.sensitive))
        error_at(c, &p->quasi_identifiers.l_diversity.sensitive, &p->quasi_identifiers,
                 "privacy.quasi_identifiers.l_diversity: the sensitive column '%s' cannot also "
                 "be a quasi-identifier",
                 p->quasi_identifiers.l_diversity.sensitive);
}

static void check_source(checker *c, const char *dir)
{
    mc_data *data = &c->d->data;
    if (!data->source)
        return;
    char *path = mc_path_join(dir, data->source);
    if (!path) {
        c->nomem = 1;
        return;
    }
    if (!mc_file_exists(path))
        warn_at(c, &data->source, data, "data.source: %s does not exist (yet)", path);
    free(path);
}

int mc_spec_check(mc_spec_doc *doc, const mc_locmap *locs, mc_diags *diags, const char *file,
                  const char *dir, int bound_ok)
{
    checker c = {doc, locs, diags, file, 0, 0};
    if (!bound_ok)
        return MC_OK; /* cross-field rules on half-bound values would mislead */
    check_data(&c);
    check_steps(&c);
    if (doc->has_architecture)
        check_architecture(&c);
    if (doc->has_training)
        check_training(&c);
    int mrc = mc_spec_check_model(doc, locs, diags, file);
    if (mrc == MC_ENOMEM)
        c.nomem = 1;
    else if (mrc)
        c.errors++;
    check_metrics(&c);
    check_thresholds(&c);
    check_robustness(&c);
    check_privacy(&c);
    int krc = mc_spec_check_keys(doc, locs, diags, file);
    if (krc == MC_ENOMEM)
        c.nomem = 1;
    else if (krc)
        c.errors++;
    check_source(&c, dir);
    if (c.nomem)
        return mc_error_nomem();
    return c.errors ? MC_EINPUT : MC_OK;
}
