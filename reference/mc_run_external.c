/* A gate on predictions made elsewhere (`validate --predictions`,
 * docs/predictions.md) or on a model trained elsewhere (the spec's model:, docs/onnx.md): the
 * first steps of the spec's run (mc_run_prepare, the same code a native run takes), so the
 * test rows are the ones it tests on; then another framework's predictions for them, or the
 * external model's scores of them (a callback: verbs/ runs the ONNX interpreter), in place
 * of the network's, and the same evaluation. */
#include <stdlib.h>
#include <string.h>

#include "mc_clock.h"
#include "mc_error.h"
#include "mc_file.h"
#include "mc_json.h"
#include "mc_predict.h"
#include "mc_preds.h"
#include "mc_run_ctx.h"

/* The scaffolding every entry point here shares: *run a new run record and c the spec's
 * first steps (mc_run_prepare) on it. Whatever this returns, the caller ends with
 * finish(), which clears c and frees *run unless it is handed out. */
static int begin(mc_run_ctx *c, mc_run **run, const mc_spec *spec, const mc_run_options *opt)
{
    if (!(*run = calloc(1, sizeof **run)))
        return mc_error_nomem();
    mc_run_ctx_init(c, spec, opt);
    return mc_run_prepare(c, *run);
}

/* The other half of begin(): c cleared; on success *out = run, else run freed. */
static int finish(int rc, mc_run_ctx *c, mc_run *run, mc_run **out)
{
    mc_run_ctx_clear(c);
    if (rc || !out) {
        mc_run_free(run);
        return rc;
    }
    *out = run;
    return MC_OK;
}

/* run.json of a predictions run: what it judged, and that no model was made. */
static int predictions_record(const mc_run_ctx *c, mc_run *run, const char *preds_path,
                              const char *preds_digest, double total)
{
    char when[32];
    mc_clock_utc(when, 0);
    json_t *r = json_pack(
        "{s:s, s:i, s:s, s:s, s:{s:s, s:s}, s:{s:s, s:s}, s:{s:s, s:s, s:I, s:I},"
        " s:{s:s, s:s, s:I}, s:n, s:{s:I, s:I, s:I}, s:{s:f}}",
        "format", "modelcert-run", "format_version", 1, "created", when, "mode", "predictions",
        "engine", "name", "modelcert", "version", MC_VERSION,
        "spec", "path", mc_spec_path(c->spec), "digest", run->spec_digest,
        "data", "path", c->data_path, "digest", run->data_digest, "rows", (json_int_t)c->table->n_rows,
        "columns", (json_int_t)c->table->n_cols,
        "predictions", "path", preds_path, "digest", preds_digest, "rows",
        (json_int_t)c->parts[MC_PART_TEST].n,
        "model",
        "split", "training", (json_int_t)c->split.n[MC_PART_TRAIN], "validation",
        (json_int_t)c->split.n[MC_PART_VALIDATION], "test", (json_int_t)c->parts[MC_PART_TEST].n,
        "timings_s", "total", total);
    int rc = r ? mc_json_set(r, "run_id", json_string(run->run_id)) : mc_error_nomem();
    if (rc == MC_OK)
        rc = mc_run_record_paths(r, c);
    if (rc) {
        json_decref(r);
        return rc;
    }
    run->record = r;
    return MC_OK;
}

/* The test rows as a native run predicts them: the whole pipeline applied,
 * so a dropna after the split removes the same rows; then their targets. */
static int test_rows(mc_run_ctx *c)
{
    mc_run_part *test = &c->parts[MC_PART_TEST];
    int rc = mc_pipeline_apply_range(c->pipe, test->tbl, 0, c->pipe->n_steps);
    if (rc == MC_OK)
        rc = mc_run_part_targets(test, &c->lab, c->table, "test");
    return rc;
}

/* *out = the data rows (0-based, in the file) of split parts first..last,
 * *n_out of them (the caller frees *out). MC_ENOMEM. */
static int split_rows(size_t **out, size_t *n_out, const mc_run_ctx *c, int first, int last)
{
    size_t n = 0, k = 0;
    for (int p = first; p <= last; p++)
        n += c->split.n[p];
    size_t *rows = malloc((n + 1) * sizeof *rows);
    if (!rows)
        return mc_error_nomem();
    for (int p = first; p <= last; p++)
        for (size_t i = 0; i < c->split.n[p]; i++)
            rows[k++] = c->table->row_index[c->split.idx[p][i]];
    *out = rows;
    *n_out = n;
    return MC_OK;
}

/* LOSSES.csv into run->membership (mc_losses_csv_parse), its digest into
 * run.json. */
static int read_losses(mc_run *run, const mc_run_ctx *c, const char *path)
{
    char *buf = NULL, digest[MC_SHA256_HEX_LEN + 1];
    size_t len = 0;
    mc_losses_csv_expect e = {.n_data_rows = c->table->n_rows, .data_name = c->data_path};
    size_t *members = NULL, *others = NULL;
    int rc = split_rows(&members, &e.n_member_rows, c, MC_PART_TRAIN, MC_PART_TRAIN);
    if (rc == MC_OK)
        rc = split_rows(&others, &e.n_nonmember_rows, c, MC_PART_VALIDATION, MC_PART_TEST);
    e.member_rows = members;
    e.nonmember_rows = others;
    if (rc == MC_OK && strcmp(path, "-") == 0)
        rc = mc_error_set(MC_EINPUT, "--losses: give a file (standard input is for the "
                          "predictions at most)");
    if (rc == MC_OK)
        rc = mc_file_read_text(&buf, &len, path, mc_file_input_limit());
    if (rc == MC_OK)
        rc = mc_sha256_hex(digest, buf, len);
    if (rc == MC_OK)
        rc = mc_losses_csv_parse(&run->membership, path, buf, len, &e);
    json_t *l = rc == MC_OK ? json_pack("{s:s, s:s, s:I, s:I}", "path", path, "digest", digest,
                                        "members", (json_int_t)run->membership.n_member,
                                        "nonmembers", (json_int_t)run->membership.n_nonmember)
                            : NULL;
    if (rc == MC_OK)
        rc = l ? mc_json_set(run->record, "losses", l) : mc_error_nomem();
    free(buf);
    free(members);
    free(others);
    return rc;
}

int mc_run_execute_predictions(mc_run **out, const mc_spec *spec, const mc_run_options *opt,
                               const char *preds_path, const char *losses_path)
{
    double t0 = mc_clock_seconds();
    mc_run_ctx c = {0};
    char *buf = NULL, digest[MC_SHA256_HEX_LEN + 1];
    size_t len = 0;
    mc_run *run = NULL;
    int rc = begin(&c, &run, spec, opt);
    if (rc == MC_OK)
        rc = test_rows(&c);
    if (rc == MC_OK)
        rc = mc_file_read_text(&buf, &len, preds_path, mc_file_input_limit());
    if (rc == MC_OK)
        rc = mc_sha256_hex(digest, buf, len);
    mc_run_part *test = &c.parts[MC_PART_TEST];
    if (rc == MC_OK) {
        mc_preds_csv_expect e = {c.task, c.lab.classes, c.lab.n_classes,
                             c.d->metrics.decision_threshold, test->tbl->row_index, test->n,
                             c.table->n_rows, c.data_path};
        rc = mc_preds_csv_parse(&test->pred, strcmp(preds_path, "-") ? preds_path : "(stdin)",
                                buf, len, &e);
    }
    if (rc == MC_OK)
        rc = mc_run_evaluate_test(&run->metrics, &c);
    if (rc == MC_OK)
        rc = mc_json_set(run->metrics, "predictions_digest", json_string(digest));
    if (rc == MC_OK)
        rc = predictions_record(&c, run, preds_path, digest, mc_clock_seconds() - t0);
    if (rc == MC_OK && losses_path)
        rc = read_losses(run, &c, losses_path);
    free(buf);
    return finish(rc, &c, run, out);
}

/* run.json of a run that scored the test rows with an external model. */
static int model_record(const mc_run_ctx *c, mc_run *run, const mc_run_scorer *s, double total)
{
    char when[32];
    mc_clock_utc(when, 0);
    json_t *r = json_pack(
        "{s:s, s:i, s:s, s:s, s:{s:s, s:s}, s:{s:s, s:s}, s:{s:s, s:s, s:I, s:I},"
        " s:{s:s, s:s, s:s, s:s}, s:{s:I, s:I, s:I}, s:{s:f}}",
        "format", "modelcert-run", "format_version", 1, "created", when, "mode", "model",
        "engine", "name", "modelcert", "version", MC_VERSION,
        "spec", "path", mc_spec_path(c->spec), "digest", run->spec_digest,
        "data", "path", c->data_path, "digest", run->data_digest, "rows",
        (json_int_t)c->table->n_rows, "columns", (json_int_t)c->table->n_cols,
        "model", "file", s->file ? s->file : MC_RUN_FILE_ONNX, "format", "onnx", "path", s->path,
        "digest", s->digest,
        "split", "training", (json_int_t)c->split.n[MC_PART_TRAIN], "validation",
        (json_int_t)c->split.n[MC_PART_VALIDATION], "test", (json_int_t)c->parts[MC_PART_TEST].n,
        "timings_s", "total", total);
    int rc = r ? mc_json_set(r, "run_id", json_string(run->run_id)) : mc_error_nomem();
    if (rc == MC_OK)
        rc = mc_run_record_paths(r, c);
    if (rc) {
        json_decref(r);
        return rc;
    }
    run->record = r;
    return MC_OK;
}

/* Rows before preprocessing, aligned with the prepared ones (a dropna after the
 * split may have removed some): *out the raw rows whose data row the prepared table kept. */
static int raw_test_rows(mc_table **out, const mc_table *raw, const mc_table *prepared)
{
    unsigned char *keep = calloc(raw->n_rows + 1, 1);
    if (!keep)
        return mc_error_nomem();
    for (size_t r = 0, p = 0; r < raw->n_rows && p < prepared->n_rows; r++)
        if (raw->row_index[r] == prepared->row_index[p]) {
            keep[r] = 1;
            p++;
        }
    mc_table *t = NULL;
    int rc = mc_table_copy(&t, raw);
    if (rc == MC_OK)
        mc_table_keep_rows(t, keep);
    if (rc == MC_OK && t->n_rows != prepared->n_rows)
        rc = mc_error_set(MC_EINTERNAL, "the raw test rows do not align with the prepared ones");
    free(keep);
    if (rc) {
        mc_table_free(t);
        return rc;
    }
    *out = t;
    return MC_OK;
}

/* privacy.membership_inference of an external model: its scores of the training and
 * validation rows (kept raw and prepared by mc_run_prepare), then the losses of a sample of
 * them and of the test rows, as a native run's (mc_run_membership). */
static int score_held(mc_run_ctx *c, const mc_run_scorer *s, size_t width)
{
    int rc = MC_OK;
    for (int i = MC_PART_TRAIN; rc == MC_OK && i < MC_PART_TEST; i++) {
        mc_run_part *p = &c->parts[i];
        mc_table *raw = NULL;
        if (!p->raw || !p->tbl)
            return mc_error_set(MC_EINTERNAL, "the training rows were not kept for scoring");
        rc = raw_test_rows(&raw, p->raw, p->tbl);
        if (rc == MC_OK && !(p->pred = calloc((p->n + 1) * width, sizeof *p->pred)))
            rc = mc_error_nomem();
        if (rc == MC_OK && p->n)
            rc = s->score(s->ctx, raw, p->tbl, p->pred, width);
        mc_table_free(raw);
    }
    return rc;
}

int mc_run_execute_scored(mc_run **out, const mc_spec *spec, const mc_run_options *opt,
                          const mc_run_scorer *s)
{
    double t0 = mc_clock_seconds();
    mc_run_ctx c = {0};
    mc_table *raw = NULL, *before = NULL;
    mc_run *run = NULL;
    int rc = begin(&c, &run, spec, opt);
    mc_run_part *test = &c.parts[MC_PART_TEST];
    if (rc == MC_OK)
        rc = mc_table_copy(&before, test->tbl);
    if (rc == MC_OK)
        rc = test_rows(&c);
    if (rc == MC_OK)
        rc = raw_test_rows(&raw, before, test->tbl);
    size_t width = c.task == MC_TASK_MULTICLASS ? (size_t)c.lab.n_classes : 1;
    if (rc == MC_OK && !(test->pred = calloc((test->n + 1) * width, sizeof *test->pred)))
        rc = mc_error_nomem();
    if (rc == MC_OK)
        rc = s->score(s->ctx, raw, test->tbl, test->pred, width);
    if (rc == MC_OK && c.d->privacy.has_membership_inference) /* its own losses */
        rc = score_held(&c, s, width);
    mc_model view = {.task = c.task, .classes = c.lab.classes,
                     .n_classes = c.task == MC_TASK_REGRESSION ? 0 : c.lab.n_classes,
                     .decision_threshold = c.d->metrics.decision_threshold};
    if (rc == MC_OK)
        rc = mc_predictions_csv(&run->predictions_csv, &view, test->tbl->row_index, test->pred,
                                test->n, test->y);
    if (rc == MC_OK)
        rc = mc_run_evaluate_test(&run->metrics, &c);
    if (rc == MC_OK && c.d->privacy.has_membership_inference)
        rc = mc_run_membership(&c, run);
    if (rc == MC_OK)
        rc = model_record(&c, run, s, mc_clock_seconds() - t0);
    if (rc == MC_OK) {
        memcpy(run->model_digest, s->digest, sizeof run->model_digest - 1);
        run->model_digest[sizeof run->model_digest - 1] = '\0';
        /* the metrics bound to the ONNX file's digest, as a native run's to model.mcm's */
        rc = mc_json_set(run->metrics, "model_digest", json_string(run->model_digest));
    }
    mc_table_free(raw);
    mc_table_free(before);
    return finish(rc, &c, run, out);
}

/* The same features, in the same order, as the model's pipeline. */
static int same_features(const mc_pipeline *a, const mc_pipeline *b)
{
    if (a->n_features != b->n_features)
        return 0;
    for (size_t j = 0; j < a->n_features; j++)
        if (strcmp(a->features[j], b->features[j]) != 0)
            return 0;
    return 1;
}

int mc_run_training_features(mc_training_features *out, const mc_spec *spec,
                             const mc_run_options *opt, const mc_pipeline *expect)
{
    mc_run_ctx c = {0};
    mc_run *run = NULL;
    int rc = begin(&c, &run, spec, opt);
    mc_run_part *train = &c.parts[MC_PART_TRAIN];
    if (rc == MC_OK && !same_features(c.pipe, expect))
        rc = mc_error_set(MC_EINPUT, "the spec on its data gives %zu features, not the model's "
                          "%zu in the same order: the model is not this run's",
                          c.pipe->n_features, expect->n_features);
    if (rc == MC_OK) {
        out->x = train->x, out->rows = train->rows, out->n = train->n;
        out->d = c.pipe->n_features;
        train->x = NULL, train->rows = NULL;
    }
    return finish(rc, &c, run, NULL); /* the run record itself is not wanted */
}
