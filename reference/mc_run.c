/* A run, end to end. Its first steps (mc_run_prepare: load and pin-check the
 * data, the labels, split, fit the preprocessing on the training rows) are
 * shared with a gate on predictions made elsewhere (mc_run_external.c); then
 * the network is built and trained, and evaluation (mc_evaluate.c) and the
 * records (mc_run_record.c, mc_run_dp.c) follow. Writing the run directory is
 * mc_run_dir.c's. */
#include "mc_run.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "mc_blas.h"
#include "mc_clock.h"
#include "mc_csv.h"
#include "mc_error.h"
#include "mc_run_dir.h"
#include "mc_file.h"
#include "mc_json.h"
#include "mc_metrics.h"
#include "mc_run_ctx.h"

static int strcasecmp_hex(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        int x = (*a >= 'A' && *a <= 'F') ? *a + 32 : *a, y = (*b >= 'A' && *b <= 'F') ? *b + 32 : *b;
        if (x != y)
            return x - y;
    }
    return *a - *b;
}

/* Columns a hash, mask or prefix generalize step reads are text unless
 * data.columns says otherwise: an identifier's leading zeros and every digit
 * of a long number are kept exactly (mc_step_reads_text). */
static int text_columns(mc_csv_override **ov, size_t *n_ov, const mc_spec_doc *d)
{
    for (size_t i = 0; i < d->preprocessing.count; i++) {
        const mc_step *s = &d->preprocessing.items[i];
        for (size_t j = 0; mc_step_reads_text(s) && j < s->columns.count; j++) {
            size_t k = 0;
            while (k < *n_ov && strcmp((*ov)[k].column, s->columns.items[j]) != 0)
                k++;
            if (k < *n_ov)
                continue;
            mc_csv_override *grown = realloc(*ov, (*n_ov + 1) * sizeof *grown);
            if (!grown)
                return mc_error_nomem();
            *ov = grown;
            grown[*n_ov].column = s->columns.items[j];
            grown[(*n_ov)++].kind = MC_CSV_CATEGORICAL;
        }
    }
    return MC_OK;
}

/* Parses the data file's bytes as the spec's data section says. */
static int parse_data(mc_run_ctx *c, const char *buf, size_t len)
{
    const mc_data *data = &c->d->data;
    const char **missing = malloc((data->missing_values.count + 1) * sizeof *missing);
    mc_csv_override *ov = malloc((data->columns.count + 1) * sizeof *ov);
    const char *required[] = {data->target};
    int rc = missing && ov ? MC_OK : mc_error_nomem();
    if (rc)
        goto cleanup;
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
    rc = text_columns(&ov, &n_ov, c->d);
    if (rc)
        goto cleanup;
    mc_csv_options o = {data->delimiter[0], missing, data->missing_values.count, ov, n_ov,
                        required, 1, 0};
    rc = mc_csv_parse(&c->table, c->data_path, buf, len, &o);
cleanup:
    free(missing);
    free(ov);
    return rc;
}

static int load_data(mc_run_ctx *c, mc_run *run)
{
    const mc_data *data = &c->d->data;
    char *buf = NULL;
    size_t len = 0;
    c->data_path = c->opt->data_path ? strdup(c->opt->data_path)
                                   : mc_path_join(mc_spec_dir(c->spec), data->source);
    if (!c->data_path)
        return mc_error_nomem();
    int rc = mc_file_read_text(&buf, &len, c->data_path, mc_file_input_limit());
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
                        c->data_path, run->data_digest, data->sha256);
    if (rc == MC_OK)
        rc = parse_data(c, buf, len);
    free(buf);
    return rc;
}

int mc_run_part_targets(mc_run_part *p, const mc_labels *lab, const mc_table *t, const char *what)
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

/* The index of the first step with statistics to fit (n_steps when none). */
static size_t first_fitted_step(const mc_spec_doc *d)
{
    for (size_t i = 0; i < d->preprocessing.count; i++)
        if (mc_step_is_fitted(d->preprocessing.items[i].type))
            return i;
    return d->preprocessing.count;
}

/* Steps before the first fitted one (row filters, column selection) apply to
 * every row: the split is made on the rows that survive them. Applying them
 * again (to the partitions, or at prediction) changes nothing. The loaded
 * table itself stays whole: slices read its raw columns. */
static int split_rows(mc_run_ctx *c, size_t first_fitted)
{
    const mc_spec_doc *d = c->d;
    mc_table *work = NULL;
    uint32_t *surv = NULL;
    size_t n_surv = 0;
    int rc = mc_table_copy(&work, c->table);
    for (size_t i = 0; rc == MC_OK && i < first_fitted; i++)
        rc = mc_pipeline_fit_step(c->pipe, c->spec, &d->preprocessing.items[i], i, work);
    if (rc)
        goto cleanup;
    n_surv = work->n_rows;
    if (!(surv = malloc((n_surv ? n_surv : 1) * sizeof *surv))) {
        rc = mc_error_nomem();
        goto cleanup;
    }
    for (size_t r = 0; r < n_surv; r++) {
        surv[r] = (uint32_t)work->row_index[r];
        if (isnan(c->lab.y[surv[r]])) {
            rc = mc_error_set_at(MC_EINPUT, c->table->source, (int)work->line_of_row[r], 1,
                                 "the target '%s' is missing in this row; add a dropna step "
                                 "before the first fitted step",
                                 d->data.target);
            goto cleanup;
        }
    }
    if (n_surv < 3) {
        rc = mc_error_set(MC_EINPUT, "%s: only %zu rows remain after preprocessing; too few to "
                          "split", c->table->source, n_surv);
        goto cleanup;
    }
    rc = mc_partition_make(&c->split, surv, n_surv, &d->data.split, c->lab.y,
                           c->task == MC_TASK_REGRESSION ? 0 : c->lab.n_classes);
    if (rc == MC_OK && (c->split.n[MC_PART_TRAIN] == 0 || c->split.n[MC_PART_TEST] == 0))
        rc = mc_error_set(MC_EINPUT, "the split leaves %zu training and %zu test rows; both must "
                          "be non-empty", c->split.n[MC_PART_TRAIN], c->split.n[MC_PART_TEST]);
cleanup:
    free(surv);
    mc_table_free(work);
    return rc;
}

static int wants_importance(const mc_spec_doc *d)
{
    for (size_t i = 0; i < d->metrics.compute.count; i++)
        if (d->metrics.compute.items[i] == MC_METRIC_PERMUTATION_IMPORTANCE)
            return 1;
    return 0;
}

/* Fits the remaining steps on the training rows, then turns the training and
 * validation rows into feature matrices. The test rows stay raw: evaluation
 * predicts them as `modelcert predict` would. */
static int fit_and_transform(mc_run_ctx *c, size_t first_fitted)
{
    static const char *const names[] = {"training", "validation", "test"};
    const mc_spec_doc *d = c->d;
    int rc = MC_OK;
    /* An ONNX model trained elsewhere (model:) takes the inputs its graph declares: the
       network's features, and whether a slice is one, are not the engine's to settle. Its
       membership-inference losses need its scores of the training and validation rows: their
       raw rows are kept (raw) with the prepared ones (tbl). */
    const int external = d->has_model;
    const int keep = external && d->privacy.has_membership_inference;
    for (int i = 0; i < MC_PART_COUNT && rc == MC_OK; i++)
        rc = mc_table_take_rows(&c->parts[i].tbl, c->table, c->split.idx[i], c->split.n[i]);
    for (int i = MC_PART_TRAIN; keep && i < MC_PART_TEST && rc == MC_OK; i++)
        rc = mc_table_copy(&c->parts[i].raw, c->parts[i].tbl);
    /* permutation importance and robustness re-predict raw test rows */
    if (rc == MC_OK && (wants_importance(d) || d->has_robustness))
        rc = mc_table_copy(&c->parts[MC_PART_TEST].raw, c->parts[MC_PART_TEST].tbl);
    mc_run_part *train = &c->parts[MC_PART_TRAIN];
    if (rc == MC_OK)
        rc = mc_pipeline_apply_range(c->pipe, train->tbl, 0, first_fitted);
    for (size_t i = first_fitted; rc == MC_OK && i < d->preprocessing.count; i++)
        rc = mc_pipeline_fit_step(c->pipe, c->spec, &d->preprocessing.items[i], i, train->tbl);
    if (rc == MC_OK && !external)
        rc = mc_pipeline_finish(c->pipe, train->tbl, c->table);
    if (rc == MC_OK && !external) /* a slice is not a feature unless the spec says so */
        rc = mc_slice_features_check(c);
    if (rc == MC_OK && c->opt->training_view)
        rc = c->opt->training_view(c->opt->training_view_ctx, train->tbl, c->table);
    for (int i = MC_PART_TRAIN; i < MC_PART_TEST && rc == MC_OK; i++) {
        mc_run_part *p = &c->parts[i];
        if (i != MC_PART_TRAIN)
            rc = mc_pipeline_apply_range(c->pipe, p->tbl, 0, c->pipe->n_steps);
        if (rc == MC_OK)
            rc = mc_run_part_targets(p, &c->lab, c->table, names[i]);
        if (rc == MC_OK && !external)
            rc = mc_pipeline_matrix(&p->x, c->pipe, p->tbl, names[i]);
        if (rc == MC_OK && !(p->rows = malloc((p->n ? p->n : 1) * sizeof *p->rows)))
            rc = mc_error_nomem();
        if (rc == MC_OK)
            memcpy(p->rows, p->tbl->row_index, p->n * sizeof *p->rows);
        if (!keep) { /* only the test rows' table is needed later */
            mc_table_free(p->tbl);
            p->tbl = NULL;
        }
    }
    return rc;
}

/* The test rows stay raw until evaluation predicts them as `modelcert
 * predict` would. Transforming a copy now reports a bad test row (an unknown
 * category, a missing feature) before training rather than after it. */
static int check_test_rows(const mc_run_ctx *c)
{
    mc_table *probe = NULL;
    float *x = NULL;
    int rc = mc_table_copy(&probe, c->parts[MC_PART_TEST].tbl);
    if (rc == MC_OK)
        rc = mc_pipeline_apply_range(c->pipe, probe, 0, c->pipe->n_steps);
    if (rc == MC_OK)
        rc = mc_pipeline_matrix(&x, c->pipe, probe, "test");
    free(x);
    mc_table_free(probe);
    return rc;
}

static int preprocess(mc_run_ctx *c)
{
    size_t first_fitted = first_fitted_step(c->d);
    if (!(c->pipe = calloc(1, sizeof *c->pipe)) || !(c->pipe->target = strdup(c->d->data.target)))
        return mc_error_nomem();
    int rc = split_rows(c, first_fitted);
    if (rc == MC_OK)
        rc = fit_and_transform(c, first_fitted);
    if (rc == MC_OK)
        rc = check_test_rows(c);
    return rc;
}

/* A regression's output with a bounded activation (sigmoid 0 to 1, tanh -1 to 1) must be
 * able to reach every target value: else the model cannot fit and its metrics mean nothing.
 * Checked on every row's target (`check` does the same on a sample). */
static int check_output_range(const mc_run_ctx *c, const mc_layer *last)
{
    int act = last->activation;
    double lo = act == MC_ACT_TANH ? -1 : 0, hi = 1, min = INFINITY, max = -INFINITY;
    long tc = mc_table_find(c->table, c->d->data.target);
    if (c->task != MC_TASK_REGRESSION || (act != MC_ACT_SIGMOID && act != MC_ACT_TANH) || tc < 0 ||
        c->table->cols[tc].kind != MC_COLKIND_NUMERIC)
        return MC_OK; /* the labels refused a target that is not numeric */
    for (size_t r = 0; r < c->table->n_rows; r++) {
        double y = c->table->cols[tc].num[r];
        if (isnan(y))
            continue;
        min = y < min ? y : min;
        max = y > max ? y : max;
    }
    if (min >= lo && max <= hi)
        return MC_OK;
    return mc_spec_error(c->spec, &last->activation,
                         "architecture: the output layer's %s lies between %g and %g, but the "
                         "target '%s' ranges from %g to %g in %s: the model can never predict "
                         "it; use activation: linear (or scale the target into that range)",
                         mc_activation_name(act), lo, hi, c->d->data.target, min, max,
                         c->data_path);
}

/* The output layer must fit the task and the input the features. */
static int check_network_shape(const mc_run_ctx *c, int d)
{
    const mc_architecture *a = &c->d->architecture;
    const mc_layer *last = &a->layers.items[a->layers.count - 1];
    if (a->input != 0 && a->input != d)
        return mc_spec_error(c->spec, &a->input,
                             "architecture.input: %lld, but preprocessing produces %d feature "
                             "columns",
                             a->input, d);
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
    return check_output_range(c, last);
}

static int build_network(mc_run_ctx *c)
{
    const mc_architecture *a = &c->d->architecture;
    int d = (int)c->pipe->n_features;
    int rc = check_network_shape(c, d);
    if (rc)
        return rc;
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
    rc = mc_nn_create(&c->nn, d, L, (int)a->layers.count);
    free(L);
    if (rc == MC_OK)
        mc_nn_init_params(c->nn, a, (unsigned long long)c->d->training.seed);
    return rc;
}

static int train(mc_run_ctx *c)
{
    const mc_run_part *tp = &c->parts[MC_PART_TRAIN], *vp = &c->parts[MC_PART_VALIDATION];
    int d = (int)c->pipe->n_features;
    mc_dataset tr = {tp->x, tp->y, tp->n, d}, va = {vp->x, vp->y, vp->n, d};
    mc_train_config cfg = {&c->d->training, &c->d->metrics, c->task, c->lab.n_classes, c->num,
                           c->opt->progress, c->opt->progress_ctx, c->has_dp ? &c->dp : NULL};
    int rc = mc_train(&c->tr, c->nn, &cfg, &tr, &va);
    return rc == MC_OK && c->has_dp ? mc_run_dp_account(c) : rc;
}

void mc_run_ctx_clear(mc_run_ctx *c)
{
    mc_table_free(c->table);
    mc_labels_clear(&c->lab);
    mc_pipeline_free(c->pipe);
    mc_partition_clear(&c->split);
    for (int i = 0; i < MC_PART_COUNT; i++) {
        mc_run_part *p = &c->parts[i];
        mc_table_free(p->raw);
        mc_table_free(p->tbl);
        free(p->x);
        free(p->y);
        free(p->pred);
        free(p->rows);
    }
    mc_nn_free(c->nn);
    mc_train_result_clear(&c->tr);
    free(c->data_path);
    memset(&c->dp, 0, sizeof c->dp); /* the key */
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
    if (run->model && run->model_file && strcmp(run->model_file, MC_RUN_FILE_MODEL) != 0)
        OPENSSL_cleanse(run->model, run->model_len); /* a protected model leaves nothing */
    free(run->model);
    free(run->membership.member);
    free(run->membership.nonmember);
    free(run->membership_csv);
    free(run);
}

void mc_run_ctx_init(mc_run_ctx *c, const mc_spec *spec, const mc_run_options *opt)
{
    c->spec = spec;
    c->d = mc_spec_doc_get(spec);
    c->opt = opt;
    c->task = mc_spec_task(spec);
    int numerics = opt->numerics >= 0 ? opt->numerics : (int)c->d->training.numerics;
    c->num = numerics == MC_NUMERICS_REFERENCE ? MC_NUMERICS_REFERENCE : MC_NUMERICS_FAST;
    c->threads = opt->threads > 0 ? opt->threads : (int)sysconf(_SC_NPROCESSORS_ONLN);
    if (c->threads < 1)
        c->threads = 1;
}

int mc_run_prepare(mc_run_ctx *c, mc_run *run)
{
    double t0 = mc_clock_seconds();
    int rc = mc_random_id(run->run_id);
    if (rc == MC_OK)
        rc = mc_spec_digest(run->spec_digest, c->spec);
    if (rc == MC_OK)
        rc = mc_spec_normalized(&run->normalized, c->spec);
    if (rc == MC_OK)
        rc = load_data(c, run);
    if (rc == MC_OK)
        rc = mc_labels_build(&c->lab, c->spec, c->table,
                             mc_table_find(c->table, c->d->data.target));
    double t1 = mc_clock_seconds();
    c->t_load = t1 - t0;
    if (rc == MC_OK)
        rc = preprocess(c);
    c->t_prep = mc_clock_seconds() - t1;
    return rc;
}

/* The shared first steps (mc_run_prepare), then build, train, evaluate and
 * record: each step's time goes in run.json. */
static int execute(mc_run_ctx *c, mc_run *run, double t0)
{
    int rc = mc_run_prepare(c, run);
    double t2 = mc_clock_seconds();
    if (rc == MC_OK)
        rc = build_network(c);
    double t3 = mc_clock_seconds();
    c->t_prep += t3 - t2;
    if (rc == MC_OK)
        rc = train(c);
    double t4 = mc_clock_seconds();
    c->t_train = t4 - t3;
    if (rc == MC_OK)
        rc = mc_run_evaluate(c, run);
    c->t_eval = mc_clock_seconds() - t4;
    if (rc == MC_OK && c->d->privacy.has_membership_inference)
        rc = mc_run_membership(c, run);
    if (rc == MC_OK)
        rc = mc_run_model_bytes(c, run);
    if (rc == MC_OK)
        rc = mc_run_history_csv(c, run);
    if (rc == MC_OK)
        rc = mc_run_record(c, run, mc_clock_seconds() - t0);
    if (rc == MC_OK && c->has_dp)
        rc = mc_run_dp_record(c, run);
    if (rc == MC_OK)
        rc = mc_json_set(run->metrics, "model_digest", json_string(run->model_digest));
    return rc;
}

int mc_run_execute(mc_run **out, const mc_spec *spec, const mc_run_options *opt)
{
    mc_run_ctx c = {0};
    double t0 = mc_clock_seconds();
    mc_run *run = calloc(1, sizeof *run);
    int rc = run ? MC_OK : mc_error_nomem();
    if (rc)
        goto cleanup;
    mc_run_ctx_init(&c, spec, opt);
    if (c.d->has_model) { /* nothing to train: validate gates it */
        rc = mc_spec_error(spec, &c.d->model, "model: this spec gates an ONNX model trained "
                           "elsewhere; there is nothing to train: use `modelcert validate`");
        goto cleanup;
    }
    /* DP training without its secret is refused before any work */
    if (c.d->training.has_differential_privacy && (rc = mc_run_dp_setup(&c)))
        goto cleanup;
    mc_blas_set_threads(c.threads);
    if ((rc = execute(&c, run, t0)))
        goto cleanup;
    *out = run;
    run = NULL;
cleanup:
    mc_run_ctx_clear(&c);
    mc_run_free(run);
    return rc;
}
