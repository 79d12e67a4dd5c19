#include "mc_run.h"

#include <cblas.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "mc_artifact.h"
#include "mc_buf.h"
#include "mc_csv.h"
#include "mc_error.h"
#include "mc_file.h"
#include "mc_json.h"
#include "mc_metrics.h"
#include "mc_pipeline.h"
#include "mc_rng.h"

extern void openblas_set_num_threads(int);

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* A CSV field, quoted when it needs to be. */
static void sb_csv_field(mc_buf *b, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        mc_buf_puts(b, s);
        return;
    }
    mc_buf_put(b, "\"", 1);
    for (; *s; s++) {
        mc_buf_put(b, s, 1);
        if (*s == '"') /* a quote inside a quoted field is doubled */
            mc_buf_put(b, s, 1);
    }
    mc_buf_put(b, "\"", 1);
}

/* ---- labels ------------------------------------------------------------------ */

typedef struct labels {
    char **classes;
    int n_classes;
    float *y; /* by original row: class index or value; NaN when missing */
} labels;

static void labels_clear(labels *l)
{
    for (int i = 0; i < l->n_classes; i++)
        free(l->classes[i]);
    free(l->classes);
    free(l->y);
    memset(l, 0, sizeof *l);
}

typedef struct classval {
    char *text;
    double num;
} classval;

static int cmp_classval_num(const void *a, const void *b)
{
    double x = ((const classval *)a)->num, y = ((const classval *)b)->num;
    return (x > y) - (x < y);
}

static int cmp_classval_text(const void *a, const void *b)
{
    return strcmp(((const classval *)a)->text, ((const classval *)b)->text);
}


/* Classes: numeric labels in numeric order, text labels in byte order; for a
 * binary task [the other class, the positive class]. */
static int build_labels(labels *l, const mc_spec *spec, const mc_table *t, long tc)
{
    const mc_spec_doc *d = mc_spec_doc_get(spec);
    const mc_column *col = &t->cols[tc];
    mc_task task = mc_spec_task(spec);
    l->y = malloc(t->n_rows * sizeof *l->y);
    if (!l->y)
        return mc_error_nomem();
    if (task == MC_TASK_REGRESSION) {
        if (col->kind != MC_COLKIND_NUMERIC)
            return mc_spec_error(spec, &d->data.target,
                              "data.target: '%s' is not numeric, but the loss %s makes this a "
                              "regression",
                              col->name, mc_loss_name(d->training.loss));
        for (size_t r = 0; r < t->n_rows; r++)
            l->y[r] = (float)col->num[r];
        return MC_OK;
    }
    size_t cap = 8, n = 0;
    classval *cv = calloc(cap, sizeof *cv);
    int rc = cv ? MC_OK : mc_error_nomem();
    /* distinct values */
    for (size_t r = 0; rc == MC_OK && r < t->n_rows; r++) {
        char buf[32];
        const char *text;
        if (col->kind == MC_COLKIND_NUMERIC) {
            if (isnan(col->num[r]))
                continue;
            mc_json_format_number(buf, col->num[r]);
            text = buf;
        } else {
            if (col->codes[r] == MC_CODE_MISSING)
                continue;
            text = col->levels[col->codes[r]];
        }
        size_t k = 0;
        while (k < n && strcmp(cv[k].text, text) != 0)
            k++;
        if (k < n)
            continue;
        if (n == 65536) {
            rc = mc_spec_error(spec, &d->data.target, "data.target: '%s' has more than 65536 classes",
                            col->name);
            break;
        }
        if (n == cap) {
            classval *g = realloc(cv, (cap *= 2) * sizeof *cv);
            if (!g) {
                rc = mc_error_nomem();
                break;
            }
            cv = g;
        }
        cv[n].text = strdup(text);
        cv[n].num = col->kind == MC_COLKIND_NUMERIC ? col->num[r] : 0;
        if (!cv[n++].text)
            rc = mc_error_nomem();
    }
    if (rc == MC_OK)
        qsort(cv, n, sizeof *cv, col->kind == MC_COLKIND_NUMERIC ? cmp_classval_num : cmp_classval_text);
    if (rc == MC_OK && task == MC_TASK_BINARY) {
        if (n != 2) {
            rc = mc_spec_error(spec, &d->training.loss,
                            "training.loss: binary_crossentropy needs exactly two classes; target "
                            "'%s' has %zu",
                            col->name, n);
        } else {
            int pos = strcmp(cv[0].text, d->metrics.positive_label) == 0 ? 0
                      : strcmp(cv[1].text, d->metrics.positive_label) == 0 ? 1 : -1;
            if (pos < 0)
                rc = mc_spec_error(spec, &d->metrics.positive_label,
                                "metrics.positive_label: '%s' is not a class of '%s' (classes: %s, %s)",
                                d->metrics.positive_label, col->name, cv[0].text, cv[1].text);
            else if (pos == 0) {
                classval tmp = cv[0];
                cv[0] = cv[1];
                cv[1] = tmp;
            }
        }
    }
    if (rc == MC_OK && task == MC_TASK_MULTICLASS && n < 2)
        rc = mc_spec_error(spec, &d->data.target, "data.target: '%s' has fewer than two classes",
                        col->name);
    if (rc == MC_OK) {
        l->classes = malloc(n * sizeof *l->classes);
        if (!l->classes)
            rc = mc_error_nomem();
    }
    for (size_t k = 0; k < n; k++) {
        if (rc == MC_OK)
            l->classes[k] = cv[k].text;
        else
            free(cv[k].text);
    }
    if (rc == MC_OK)
        l->n_classes = (int)n;
    free(cv);
    for (size_t r = 0; rc == MC_OK && r < t->n_rows; r++) {
        char buf[32];
        const char *text = NULL;
        if (col->kind == MC_COLKIND_NUMERIC && !isnan(col->num[r])) {
            mc_json_format_number(buf, col->num[r]);
            text = buf;
        } else if (col->kind == MC_COLKIND_CATEGORICAL && col->codes[r] != MC_CODE_MISSING) {
            text = col->levels[col->codes[r]];
        }
        l->y[r] = NAN;
        for (int k = 0; text && k < l->n_classes; k++)
            if (strcmp(l->classes[k], text) == 0)
                l->y[r] = (float)k;
    }
    return rc;
}

/* ---- split ------------------------------------------------------------------------ */

typedef struct split {
    uint32_t *idx[3]; /* train, validation, test: original row indices, ascending */
    size_t n[3];
} split;

static void split_clear(split *s)
{
    for (int i = 0; i < 3; i++)
        free(s->idx[i]);
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

static size_t fraction_count(double f, size_t n)
{
    return f > 0 ? (size_t)ceil(f * (double)n - 1e-9) : 0;
}

/* Allocates `total` rows over groups in proportion to their sizes (largest
 * remainder; ties to the earlier group). */
static void allocate(size_t *out, const size_t *sizes, int k, size_t total, size_t n)
{
    size_t given = 0;
    double *rem = malloc((size_t)k * sizeof *rem);
    for (int c = 0; c < k; c++) {
        double exact = (double)total * (double)sizes[c] / (double)n;
        out[c] = (size_t)exact;
        if (out[c] > sizes[c])
            out[c] = sizes[c];
        given += out[c];
        if (rem)
            rem[c] = exact - (double)out[c];
    }
    while (rem && given < total) {
        int best = -1;
        for (int c = 0; c < k; c++)
            if (out[c] < sizes[c] && (best < 0 || rem[c] > rem[best]))
                best = c;
        if (best < 0)
            break;
        out[best]++;
        rem[best] = -1;
        given++;
    }
    free(rem);
}

static int make_split(split *s, const uint32_t *rows, size_t n, const mc_split *sp,
                      const float *y, int n_classes)
{
    uint32_t *order = malloc((n ? n : 1) * sizeof *order);
    if (!order)
        return mc_error_nomem();
    memcpy(order, rows, n * sizeof *order);
    if (sp->shuffle) {
        mc_rng rng;
        mc_rng_init(&rng, (uint64_t)sp->seed, MC_STREAM_SPLIT, 0);
        mc_rng_shuffle(&rng, order, (uint32_t)n);
    }
    size_t n_test = fraction_count(sp->test_fraction, n);
    size_t n_val = fraction_count(sp->validation_fraction, n);
    for (int i = 0; i < 3; i++) {
        s->idx[i] = malloc((n ? n : 1) * sizeof *s->idx[i]);
        s->n[i] = 0;
        if (!s->idx[i]) {
            free(order);
            return mc_error_nomem();
        }
    }
    int k = sp->stratify && n_classes > 0 ? n_classes : 1;
    size_t *sizes = calloc((size_t)k, sizeof *sizes), *tc = calloc((size_t)k, sizeof *tc);
    size_t *vc = calloc((size_t)k, sizeof *vc), *seen = calloc((size_t)k, sizeof *seen);
    if (!sizes || !tc || !vc || !seen) {
        free(order), free(sizes), free(tc), free(vc), free(seen);
        return mc_error_nomem();
    }
    for (size_t i = 0; i < n; i++)
        sizes[k > 1 ? (int)y[order[i]] : 0]++;
    allocate(tc, sizes, k, n_test, n);
    size_t *left = malloc((size_t)k * sizeof *left);
    for (int c = 0; left && c < k; c++)
        left[c] = sizes[c] - tc[c];
    if (left)
        allocate(vc, left, k, n_val, n - n_test);
    free(left);
    /* Within each group, in order: training rows first, then validation, then test. */
    for (size_t i = 0; i < n; i++) {
        int c = k > 1 ? (int)y[order[i]] : 0;
        size_t pos = seen[c]++;
        int part = pos >= sizes[c] - tc[c] ? 2 : pos >= sizes[c] - tc[c] - vc[c] ? 1 : 0;
        s->idx[part][s->n[part]++] = order[i];
    }
    for (int i = 0; i < 3; i++)
        qsort(s->idx[i], s->n[i], sizeof *s->idx[i], cmp_u32);
    free(order), free(sizes), free(tc), free(vc), free(seen);
    return MC_OK;
}

/* ---- the run -------------------------------------------------------------------------- */

typedef struct part {
    mc_table *raw;   /* the partition's rows of the loaded table */
    mc_table *tbl;   /* after preprocessing */
    float *x, *y;    /* x[n][d] */
    float *pred;     /* [n][width] */
    size_t n;
} part;

static void part_clear(part *p)
{
    mc_table_free(p->raw);
    mc_table_free(p->tbl);
    free(p->x);
    free(p->y);
    free(p->pred);
}

typedef struct ctx {
    const mc_spec *spec;
    const mc_spec_doc *d;
    const mc_run_options *opt;
    mc_task task;
    mc_numerics num;
    mc_table *table;
    labels lab;
    mc_pipeline *pipe;
    split sp;
    part parts[3];
    mc_nn *nn;
    mc_train_result tr;
    double t_load, t_prep, t_train, t_eval;
} ctx;

static int strcasecmp_hex(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        int x = (*a >= 'A' && *a <= 'F') ? *a + 32 : *a, y = (*b >= 'A' && *b <= 'F') ? *b + 32 : *b;
        if (x != y)
            return x - y;
    }
    return *a - *b;
}

static int load_data(ctx *c, mc_run *run, char **data_path)
{
    const mc_data *data = &c->d->data;
    char *buf = NULL;
    size_t len = 0;
    *data_path = c->opt->data_path ? strdup(c->opt->data_path)
                                   : mc_path_join(mc_spec_dir(c->spec), data->source);
    if (!*data_path)
        return mc_error_nomem();
    int rc = mc_file_read_all(&buf, &len, *data_path, (size_t)1 << 36);
    if (rc == MC_ENOTFOUND || rc == MC_EINPUT) {
        char msg[1100];
        snprintf(msg, sizeof msg, "%s", mc_error_last()->message);
        return mc_spec_error(c->spec, &data->source, "data.source: %.800s", msg);
    }
    if (rc == MC_OK)
        rc = mc_sha256_hex(run->data_digest, buf, len);
    if (rc == MC_OK && data->sha256 && strcasecmp_hex(data->sha256, run->data_digest) != 0)
        rc = mc_spec_error(c->spec, &data->sha256,
                        "data.sha256: %s has sha256 %s, but the spec pins %s; refusing to run on "
                        "other data",
                        *data_path, run->data_digest, data->sha256);
    if (rc == MC_OK) {
        const char **missing = malloc((data->missing_values.count + 1) * sizeof *missing);
        mc_csv_override *ov = malloc((data->columns.count + 1) * sizeof *ov);
        const char *required[] = {data->target};
        if (!missing || !ov) {
            rc = mc_error_nomem();
        } else {
            for (size_t i = 0; i < data->missing_values.count; i++)
                missing[i] = data->missing_values.items[i];
            size_t n_ov = 0;
            for (size_t i = 0; i < data->columns.count; i++) {
                int kind = data->columns.items[i].kind;
                if (kind == MC_COL_AUTO)
                    continue;
                ov[n_ov].column = data->columns.items[i].key;
                ov[n_ov++].kind = kind == MC_COL_NUMERIC ? MC_CSV_NUMERIC : MC_CSV_CATEGORICAL;
            }
            mc_csv_options o = {data->delimiter[0], missing, data->missing_values.count, ov, n_ov,
                                required, 1, 0};
            rc = mc_csv_parse(&c->table, *data_path, buf, len, &o);
        }
        free(missing);
        free(ov);
    }
    free(buf);
    return rc;
}


/* Targets of a transformed partition, by each remaining row's original index. */
static int part_targets(part *p, const labels *lab, const mc_table *t, const char *what)
{
    p->n = p->tbl->n_rows;
    p->y = malloc((p->n ? p->n : 1) * sizeof *p->y);
    if (!p->y)
        return mc_error_nomem();
    for (size_t r = 0; r < p->n; r++) {
        p->y[r] = lab->y[p->tbl->row_index[r]];
        if (isnan(p->y[r]))
            return mc_error_set_at(MC_EINPUT, t->source, (int)p->tbl->line_of_row[r], 1,
                                   "%s row has no target value; add a dropna step", what);
    }
    return MC_OK;
}

static int preprocess(ctx *c)
{
    const mc_spec_doc *d = c->d;
    size_t n_steps = d->preprocessing.count, first_fitted = n_steps;
    for (size_t i = 0; i < n_steps; i++) {
        if (mc_step_is_fitted(d->preprocessing.items[i].type)) {
            first_fitted = i;
            break;
        }
    }
    if (!(c->pipe = calloc(1, sizeof *c->pipe)) || !(c->pipe->target = strdup(d->data.target)))
        return mc_error_nomem();
    /* Steps before the first fitted one (row filters, column selection) apply
     * to every row: the split is made on the rows that survive them. Applying
     * them again (to the partitions, or at prediction) changes nothing. The
     * loaded table itself stays whole: slices read its raw columns. */
    mc_table *work = NULL;
    int rc = mc_table_copy(&work, c->table);
    for (size_t i = 0; rc == MC_OK && i < first_fitted; i++)
        rc = mc_pipeline_fit_step(c->pipe, c->spec, &d->preprocessing.items[i], i, work);
    uint32_t *surv = NULL;
    size_t n_surv = 0;
    if (rc == MC_OK) {
        n_surv = work->n_rows;
        surv = malloc((n_surv ? n_surv : 1) * sizeof *surv);
        if (!surv)
            rc = mc_error_nomem();
        for (size_t r = 0; rc == MC_OK && r < n_surv; r++) {
            surv[r] = (uint32_t)work->row_index[r];
            if (isnan(c->lab.y[surv[r]]))
                rc = mc_error_set_at(MC_EINPUT, c->table->source, (int)work->line_of_row[r], 1,
                                     "the target '%s' is missing in this row; add a dropna step "
                                     "before the first fitted step",
                                     d->data.target);
        }
    }
    mc_table_free(work);
    if (rc == MC_OK && n_surv < 3)
        rc = mc_error_set(MC_EINPUT, "%s: only %zu rows remain after preprocessing; too few to "
                          "split", c->table->source, n_surv);
    if (rc == MC_OK)
        rc = make_split(&c->sp, surv, n_surv, &d->data.split, c->lab.y,
                        c->task == MC_TASK_REGRESSION ? 0 : c->lab.n_classes);
    free(surv);
    if (rc)
        return rc;
    if (c->sp.n[0] == 0 || c->sp.n[2] == 0)
        return mc_error_set(MC_EINPUT, "the split leaves %zu training and %zu test rows; both must "
                            "be non-empty", c->sp.n[0], c->sp.n[2]);
    int importance = 0;
    for (size_t i = 0; i < d->metrics.compute.count; i++)
        importance |= d->metrics.compute.items[i] == MC_METRIC_PERMUTATION_IMPORTANCE;
    for (int i = 0; i < 3 && rc == MC_OK; i++) {
        rc = mc_table_take_rows(&c->parts[i].tbl, c->table, c->sp.idx[i], c->sp.n[i]);
        /* The raw test rows are kept for permutation importance. */
        if (rc == MC_OK && i == 2 && importance)
            rc = mc_table_copy(&c->parts[i].raw, c->parts[i].tbl);
    }
    /* Fit the remaining steps on the training rows. */
    if (rc == MC_OK)
        rc = mc_pipeline_apply_range(c->pipe, c->parts[0].tbl, 0, first_fitted);
    for (size_t i = first_fitted; rc == MC_OK && i < n_steps; i++)
        rc = mc_pipeline_fit_step(c->pipe, c->spec, &d->preprocessing.items[i], i, c->parts[0].tbl);
    if (rc == MC_OK)
        rc = mc_pipeline_finish(c->pipe, c->parts[0].tbl, c->table);
    static const char *const names[] = {"training", "validation", "test"};
    for (int i = 0; i < 3 && rc == MC_OK; i++) {
        part *p = &c->parts[i];
        if (i > 0)
            rc = mc_pipeline_apply_range(c->pipe, p->tbl, 0, c->pipe->n_steps);
        if (rc == MC_OK)
            rc = part_targets(p, &c->lab, c->table, names[i]);
        if (rc == MC_OK)
            rc = mc_pipeline_matrix(&p->x, c->pipe, p->tbl, names[i]);
        if (rc == MC_OK && i < 2) { /* only the test rows' table is needed later */
            mc_table_free(p->tbl);
            p->tbl = NULL;
        }
    }
    return rc;
}

static int build_network(ctx *c)
{
    const mc_architecture *a = &c->d->architecture;
    int d = (int)c->pipe->n_features;
    if (a->input != 0 && a->input != d)
        return mc_spec_error(c->spec, &a->input,
                          "architecture.input: %lld, but preprocessing produces %d feature "
                          "columns",
                          a->input, d);
    const mc_layer *last = &a->layers.items[a->layers.count - 1];
    if (c->task == MC_TASK_MULTICLASS && last->units != c->lab.n_classes)
        return mc_spec_error(c->spec, &last->units,
                          "architecture: the output layer has %lld units, but the target has %d "
                          "classes",
                          last->units, c->lab.n_classes);
    if (c->task == MC_TASK_REGRESSION && last->units != 1)
        return mc_spec_error(c->spec, &last->units,
                          "architecture: a regression on one target column needs one output "
                          "unit, not %lld",
                          last->units);
    mc_nn_layer *L = calloc(a->layers.count, sizeof *L);
    if (!L)
        return mc_error_nomem();
    for (size_t i = 0; i < a->layers.count; i++) {
        const mc_layer *s = &a->layers.items[i];
        L[i].kind = s->type;
        L[i].out = (int)s->units;
        L[i].act = s->activation;
        L[i].slope = (float)s->negative_slope;
        L[i].rate = (float)s->rate;
    }
    int rc = mc_nn_create(&c->nn, d, L, (int)a->layers.count);
    free(L);
    if (rc == MC_OK)
        mc_nn_init_params(c->nn, a, (unsigned long long)c->d->training.seed);
    return rc;
}

/* ---- evaluation ---------------------------------------------------------------------- */

static mc_metric_input metric_input(const ctx *c, const float *y, const float *pred, size_t n)
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
static json_t *scalar_metrics(const ctx *c, const mc_metric_input *in, json_t *undefined)
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

static json_t *confusion_json(const ctx *c, const mc_metric_input *in)
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

static int slice_metrics(json_t *out, const ctx *c)
{
    const part *test = &c->parts[2];
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
                mc_metric_input in = metric_input(c, ys, ps, cnt);
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

typedef struct imp {
    const char *column;
    double mean, std;
} imp;

static int cmp_imp(const void *a, const void *b)
{
    double x = ((const imp *)a)->mean, y = ((const imp *)b)->mean;
    return (x < y) - (x > y);
}

/* Permutation importance (Breiman): the drop in the scoring metric on the
 * test rows when one raw input column's values are shuffled among them. */
static int permutation_importance(json_t **out, const ctx *c)
{
    const mc_importance *cfg = &c->d->metrics.importance;
    int scoring = cfg->scoring - 1;
    int sign = mc_metric_higher_is_better(scoring) ? 1 : -1;
    const part *test = &c->parts[2];
    mc_metric_input base_in = metric_input(c, test->y, test->pred, test->n);
    double base;
    int rc = mc_metric_scalar(&base, scoring, &base_in);
    if (rc)
        return rc;
    size_t ni = c->pipe->n_inputs;
    imp *res = calloc(ni + 1, sizeof *res);
    double *scores = malloc((size_t)cfg->repeats * sizeof *scores);
    uint32_t *perm = malloc((test->raw->n_rows + 1) * sizeof *perm);
    if (!res || !scores || !perm) {
        free(res), free(scores), free(perm);
        return mc_error_nomem();
    }
    for (size_t i = 0; rc == MC_OK && i < ni; i++) {
        long col = mc_table_find(test->raw, c->pipe->inputs[i].name);
        res[i].column = c->pipe->inputs[i].name;
        for (long long k = 0; rc == MC_OK && k < cfg->repeats; k++) {
            mc_table *t = NULL;
            mc_rng rng;
            mc_rng_init(&rng, (uint64_t)cfg->seed, MC_STREAM_IMPORTANCE, (i << 16) | (uint64_t)k);
            for (size_t r = 0; r < test->raw->n_rows; r++)
                perm[r] = (uint32_t)r;
            mc_rng_shuffle(&rng, perm, (uint32_t)test->raw->n_rows);
            rc = mc_table_take_rows(&t, test->raw, perm, test->raw->n_rows); /* rows permuted ... */
            if (rc)
                break;
            /* ... then every column but this one put back in order */
            mc_table *orig = test->raw;
            for (size_t cc = 0; cc < t->n_cols; cc++) {
                if ((long)cc == col)
                    continue;
                mc_column *dst = &t->cols[cc];
                const mc_column *src = &orig->cols[cc];
                if (dst->kind == MC_COLKIND_NUMERIC)
                    memcpy(dst->num, src->num, orig->n_rows * sizeof *dst->num);
                else
                    memcpy(dst->codes, src->codes, orig->n_rows * sizeof *dst->codes);
            }
            memcpy(t->row_index, orig->row_index, orig->n_rows * sizeof *t->row_index);
            memcpy(t->line_of_row, orig->line_of_row, orig->n_rows * sizeof *t->line_of_row);
            float *x = NULL, *pred = NULL, *y = NULL;
            rc = mc_pipeline_apply_range(c->pipe, t, 0, c->pipe->n_steps);
            if (rc == MC_OK)
                rc = mc_pipeline_matrix(&x, c->pipe, t, "test");
            if (rc == MC_OK) {
                pred = malloc(t->n_rows * (size_t)c->nn->out * sizeof *pred + 1);
                y = malloc(t->n_rows * sizeof *y + 1);
                rc = pred && y ? mc_nn_predict_batch(c->nn, x, t->n_rows, pred, c->num) : mc_error_nomem();
            }
            if (rc == MC_OK) {
                for (size_t r = 0; r < t->n_rows; r++)
                    y[r] = c->lab.y[t->row_index[r]];
                mc_metric_input in = metric_input(c, y, pred, t->n_rows);
                rc = mc_metric_scalar(&scores[k], scoring, &in);
                scores[k] = sign * (base - scores[k]);
            }
            free(x), free(pred), free(y);
            mc_table_free(t);
        }
        double mean = 0, var = 0;
        for (long long k = 0; k < cfg->repeats; k++)
            mean += scores[k];
        mean /= (double)cfg->repeats;
        for (long long k = 0; k < cfg->repeats; k++)
            var += (scores[k] - mean) * (scores[k] - mean);
        res[i].mean = mean;
        res[i].std = sqrt(var / (double)cfg->repeats);
    }
    if (rc == MC_OK) {
        qsort(res, ni, sizeof *res, cmp_imp);
        json_t *cols = json_array();
        for (size_t i = 0; i < ni; i++)
            json_array_append_new(cols, json_pack("{s:s, s:f, s:f}", "column", res[i].column, "mean",
                                                  res[i].mean, "std", res[i].std));
        *out = json_pack("{s:s, s:f, s:I, s:I, s:o}", "scoring", mc_metric_name(scoring), "baseline",
                         base, "repeats", (json_int_t)cfg->repeats, "seed", (json_int_t)cfg->seed,
                         "columns", cols);
    }
    free(res), free(scores), free(perm);
    return rc;
}

static int evaluate(ctx *c, mc_run *run)
{
    int width = c->nn->out;
    for (int i = 0; i < 3; i++) {
        part *p = &c->parts[i];
        p->pred = malloc((p->n + 1) * (size_t)width * sizeof *p->pred);
        if (!p->pred)
            return mc_error_nomem();
        /* The test rows' predictions are reported: row-independent kernels.
         * Training and validation rows only feed summary metrics. */
        int rc = i == 2 ? mc_nn_predict(c->nn, p->x, p->n, p->pred)
                        : mc_nn_predict_batch(c->nn, p->x, p->n, p->pred, c->num);
        if (rc)
            return rc;
    }
    const part *test = &c->parts[2];
    mc_metric_input in = metric_input(c, test->y, test->pred, test->n);
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
    if (c->parts[1].n) {
        mc_metric_input vin = metric_input(c, c->parts[1].y, c->parts[1].pred, c->parts[1].n);
        json_object_set_new(metrics, "validation", scalar_metrics(c, &vin, NULL));
    }
    mc_metric_input tin = metric_input(c, c->parts[0].y, c->parts[0].pred, c->parts[0].n);
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
            int rc = permutation_importance(&pi, c);
            if (rc)
                return rc;
            json_object_set_new(metrics, "permutation_importance", pi);
        }
    }
    if (m->slices.count) {
        json_t *slices = json_object();
        json_object_set_new(metrics, "slices", slices);
        int rc = slice_metrics(slices, c);
        if (rc)
            return rc;
    }
    return MC_OK;
}

/* ---- records ---------------------------------------------------------------------------- */

static const char *task_name(mc_task t)
{
    return t == MC_TASK_BINARY ? "binary" : t == MC_TASK_MULTICLASS ? "multiclass" : "regression";
}

static int model_bytes(ctx *c, mc_run *run)
{
    json_t *pre = NULL;
    int rc = mc_pipeline_to_json(&pre, c->pipe);
    if (rc)
        return rc;
    json_t *classes = json_null();
    if (c->task != MC_TASK_REGRESSION) {
        classes = json_array();
        for (int i = 0; i < c->lab.n_classes; i++)
            json_array_append_new(classes, json_string(c->lab.classes[i]));
    }
    /* Nothing here depends on time, paths or the machine: the same spec and
     * data give the same bytes. */
    json_t *h = json_pack("{s:s, s:i, s:s, s:s, s:o, s:f, s:s, s:s, s:s, s:o, s:o}", "format",
                          "modelcert-model", "format_version", MC_ARTIFACT_VERSION, "task",
                          task_name(c->task), "target", c->d->data.target, "classes", classes,
                          "decision_threshold", c->d->metrics.decision_threshold, "numerics",
                          mc_numerics_name(c->num), "spec_digest",
                          run->spec_digest, "data_digest", run->data_digest, "architecture",
                          mc_artifact_architecture_json(c->nn), "preprocessing", pre);
    if (!h)
        return mc_error_nomem();
    /* How prediction reads raw CSV: the same delimiter and missing-value markers. */
    json_t *mv = json_array();
    for (size_t i = 0; i < c->d->data.missing_values.count; i++)
        json_array_append_new(mv, json_string(c->d->data.missing_values.items[i]));
    json_object_set_new(h, "missing_values", mv);
    json_object_set_new(h, "delimiter", json_string(c->d->data.delimiter));
    rc = mc_artifact_encode(&run->model, &run->model_len, h, c->nn);
    json_decref(h);
    if (rc == MC_OK)
        rc = mc_sha256_hex(run->model_digest, run->model, run->model_len);
    return rc;
}

static void csv_number(mc_buf *b, double v)
{
    if (isnan(v))
        mc_buf_printf(b, ",");
    else
        mc_buf_printf(b, ",%.9g", v);
}

static int history_csv(ctx *c, mc_run *run)
{
    mc_buf b = {0};
    int cls = c->task != MC_TASK_REGRESSION;
    mc_buf_printf(&b, "epoch,loss%s,val_loss%s,monitor,seconds\n", cls ? ",accuracy" : "",
              cls ? ",val_accuracy" : "");
    for (int e = 0; e < c->tr.n_epochs; e++) {
        const mc_epoch_stats *s = &c->tr.history[e];
        mc_buf_printf(&b, "%d", s->epoch);
        csv_number(&b, s->loss);
        if (cls)
            csv_number(&b, s->accuracy);
        csv_number(&b, s->val_loss);
        if (cls)
            csv_number(&b, s->val_accuracy);
        csv_number(&b, s->monitor);
        mc_buf_printf(&b, ",%.3f\n", s->seconds);
    }
    return mc_buf_take(&b, &run->history_csv, NULL);
}

int mc_predictions_csv(char **out, const size_t *row_index, const float *pred, size_t n, int width,
                       mc_task task, char *const *classes, int n_classes, double threshold,
                       const float *actual)
{
    mc_buf b = {0};
    mc_buf_printf(&b, "row%s,prediction", actual ? ",actual" : "");
    for (int k = task == MC_TASK_BINARY ? 1 : 0; task != MC_TASK_REGRESSION && k < n_classes; k++) {
        char head[600];
        snprintf(head, sizeof head, "p_%.512s", classes[k]); /* one field: quoted as a whole */
        mc_buf_put(&b, ",", 1);
        sb_csv_field(&b, head);
    }
    mc_buf_printf(&b, "\n");
    for (size_t r = 0; r < n; r++) {
        const float *p = pred + r * (size_t)width;
        mc_buf_printf(&b, "%zu", row_index[r] + 1);
        if (actual) {
            mc_buf_put(&b, ",", 1);
            if (task == MC_TASK_REGRESSION)
                mc_buf_printf(&b, "%.9g", (double)actual[r]);
            else
                sb_csv_field(&b, classes[(int)actual[r]]);
        }
        mc_buf_put(&b, ",", 1);
        if (task == MC_TASK_REGRESSION) {
            mc_buf_printf(&b, "%.9g\n", (double)p[0]);
            continue;
        }
        mc_metric_input in = {task, n_classes, NULL, p, 1, threshold, 0, 1};
        sb_csv_field(&b, classes[mc_metric_predicted_class(&in, 0)]);
        for (int k = 0; k < width; k++)
            mc_buf_printf(&b, ",%.9g", (double)p[k]);
        mc_buf_printf(&b, "\n");
    }
    return mc_buf_take(&b, out, NULL);
}

static void utc_now(char buf[32])
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int run_record(ctx *c, mc_run *run, const char *data_path, int threads, double total)
{
    char when[32];
    utc_now(when);
    char *absolute = realpath(data_path, NULL);
    json_t *r = json_pack(
        "{s:s, s:i, s:s, s:{s:s, s:s}, s:{s:s, s:s}, s:{s:s, s:s, s:I, s:I}, s:{s:s, s:s, s:I},"
        " s:s, s:I, s:i, s:{s:I, s:I, s:I}, s:{s:i, s:i, s:b, s:I},"
        " s:{s:f, s:f, s:f, s:f, s:f}}",
        "format", "modelcert-run", "format_version", 1, "created", when,
        "engine", "name", "modelcert", "version", MC_VERSION,
        "spec", "path", mc_spec_path(c->spec), "digest", run->spec_digest,
        "data", "path", data_path, "digest", run->data_digest, "rows", (json_int_t)c->table->n_rows,
        "columns", (json_int_t)c->table->n_cols,
        "model", "file", "model.mcm", "digest", run->model_digest, "parameters",
        (json_int_t)c->nn->n_params,
        "numerics", mc_numerics_name(c->num),
        "seed", (json_int_t)c->d->training.seed, "threads", threads,
        "split", "training", (json_int_t)c->parts[0].n, "validation", (json_int_t)c->parts[1].n, "test",
        (json_int_t)c->parts[2].n,
        "training", "epochs_run", c->tr.n_epochs, "best_epoch", c->tr.best_epoch, "stopped_early",
        c->tr.stopped_early, "steps", (json_int_t)c->tr.steps,
        "timings_s", "load", c->t_load, "preprocess", c->t_prep, "train", c->t_train, "evaluate",
        c->t_eval, "total", total);
    if (r && absolute)
        json_object_set_new(json_object_get(r, "data"), "absolute_path", json_string(absolute));
    free(absolute);
    if (!r)
        return mc_error_nomem();
    run->record = r;
    return MC_OK;
}

static void ctx_clear(ctx *c)
{
    mc_table_free(c->table);
    labels_clear(&c->lab);
    mc_pipeline_free(c->pipe);
    split_clear(&c->sp);
    for (int i = 0; i < 3; i++)
        part_clear(&c->parts[i]);
    mc_nn_free(c->nn);
    mc_train_result_clear(&c->tr);
}

void mc_run_free(mc_run *run)
{
    if (!run)
        return;
    json_decref(run->record);
    json_decref(run->metrics);
    json_decref(run->normalized);
    free(run->history_csv);
    free(run->predictions_csv);
    free(run->model);
    free(run);
}

int mc_run_execute(mc_run **out, const mc_spec *spec, const mc_run_options *opt)
{
    ctx c = {0};
    char *data_path = NULL;
    double t0 = now_seconds();
    mc_run *run = calloc(1, sizeof *run);
    if (!run)
        return mc_error_nomem();
    c.spec = spec;
    c.d = mc_spec_doc_get(spec);
    c.opt = opt;
    c.task = mc_spec_task(spec);
    c.num = (opt->numerics >= 0 ? opt->numerics : c.d->training.numerics) == MC_NUMERICS_REFERENCE
                ? MC_NUMERICS_REFERENCE : MC_NUMERICS_FAST;
    int threads = opt->threads > 0 ? opt->threads : (int)sysconf(_SC_NPROCESSORS_ONLN);
    if (threads < 1)
        threads = 1;
    openblas_set_num_threads(threads);
    int rc = MC_OK;
    if (c.d->training.has_differential_privacy)
        rc = mc_spec_error(spec, &c.d->training.differential_privacy,
                        "training.differential_privacy: differentially private training is not "
                        "available in this version of the engine yet");
    if (rc == MC_OK)
        rc = mc_spec_digest(run->spec_digest, spec);
    if (rc == MC_OK)
        rc = mc_spec_normalized(&run->normalized, spec);
    if (rc == MC_OK)
        rc = load_data(&c, run, &data_path);
    long tc = rc == MC_OK ? mc_table_find(c.table, c.d->data.target) : -1;
    if (rc == MC_OK)
        rc = build_labels(&c.lab, spec, c.table, tc);
    c.t_load = now_seconds() - t0;
    double t1 = now_seconds();
    if (rc == MC_OK)
        rc = preprocess(&c);
    if (rc == MC_OK)
        rc = build_network(&c);
    c.t_prep = now_seconds() - t1;
    double t2 = now_seconds();
    if (rc == MC_OK) {
        mc_dataset tr = {c.parts[0].x, c.parts[0].y, c.parts[0].n, (int)c.pipe->n_features};
        mc_dataset va = {c.parts[1].x, c.parts[1].y, c.parts[1].n, (int)c.pipe->n_features};
        rc = mc_train(&c.tr, c.nn, &c.d->training, &c.d->metrics, c.task, c.lab.n_classes, &tr, &va,
                      c.num, opt->progress, opt->progress_ctx);
    }
    c.t_train = now_seconds() - t2;
    double t3 = now_seconds();
    if (rc == MC_OK)
        rc = evaluate(&c, run);
    if (rc == MC_OK)
        rc = mc_predictions_csv(&run->predictions_csv, c.parts[2].tbl->row_index, c.parts[2].pred,
                                c.parts[2].n, c.nn->out, c.task, c.lab.classes, c.lab.n_classes,
                                c.d->metrics.decision_threshold, c.parts[2].y);
    c.t_eval = now_seconds() - t3;
    if (rc == MC_OK)
        rc = model_bytes(&c, run);
    if (rc == MC_OK)
        rc = history_csv(&c, run);
    if (rc == MC_OK)
        rc = run_record(&c, run, data_path, threads, now_seconds() - t0);
    if (rc == MC_OK)
        json_object_set_new(run->metrics, "model_digest", json_string(run->model_digest));
    ctx_clear(&c);
    free(data_path);
    if (rc) {
        mc_run_free(run);
        return rc;
    }
    *out = run;
    return MC_OK;
}

/* ---- the run directory ------------------------------------------------------------------ */

static int write_json(const char *dir, const char *name, const json_t *j)
{
    char *text = NULL;
    size_t len = 0;
    int rc = mc_json_pretty(&text, &len, j, 2);
    char *path = rc ? NULL : mc_path_join(dir, name);
    if (rc == MC_OK && !path)
        rc = mc_error_nomem();
    if (rc == MC_OK)
        rc = mc_file_write_atomic(path, text, len);
    free(path);
    free(text);
    return rc;
}

static int write_bytes(const char *dir, const char *name, const void *data, size_t len)
{
    char *path = mc_path_join(dir, name);
    if (!path)
        return mc_error_nomem();
    int rc = mc_file_write_atomic(path, data, len);
    free(path);
    return rc;
}

static void remove_tree_shallow(const char *dir)
{
    static const char *const files[] = {"model.mcm", "metrics.json", "history.csv", "spec.json",
                                        "run.json", "test_predictions.csv"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char *p = mc_path_join(dir, files[i]);
        if (p)
            unlink(p);
        free(p);
    }
    rmdir(dir);
}

int mc_run_write(const mc_run *run, const char *dir)
{
    if (mc_file_exists(dir))
        return mc_error_set(MC_EINPUT, "%s exists; choose another output directory", dir);
    char *parent = mc_path_dirname(dir);
    if (!parent)
        return mc_error_nomem();
    int rc = mc_dir_create_all(parent);
    free(parent);
    if (rc)
        return rc;
    size_t n = strlen(dir) + 16;
    char *tmp = malloc(n);
    if (!tmp)
        return mc_error_nomem();
    snprintf(tmp, n, "%s.tmp-XXXXXX", dir);
    if (!mkdtemp(tmp)) {
        rc = mc_error_set(MC_EIO, "cannot create %s: %s", tmp, strerror(errno));
        free(tmp);
        return rc;
    }
    chmod(tmp, 0755); /* mkdtemp makes it private; a run is as readable as its files */
    /* Build aside; the record last, so a directory with run.json is complete. */
    rc = write_bytes(tmp, "model.mcm", run->model, run->model_len);
    if (rc == MC_OK)
        rc = write_json(tmp, "metrics.json", run->metrics);
    if (rc == MC_OK)
        rc = write_json(tmp, "spec.json", run->normalized);
    if (rc == MC_OK)
        rc = write_bytes(tmp, "history.csv", run->history_csv, strlen(run->history_csv));
    if (rc == MC_OK)
        rc = write_bytes(tmp, "test_predictions.csv", run->predictions_csv,
                         strlen(run->predictions_csv));
    if (rc == MC_OK)
        rc = write_json(tmp, "run.json", run->record);
    if (rc == MC_OK && rename(tmp, dir) != 0)
        rc = mc_error_set(MC_EIO, "cannot rename %s to %s: %s", tmp, dir, strerror(errno));
    if (rc)
        remove_tree_shallow(tmp);
    free(tmp);
    return rc;
}
