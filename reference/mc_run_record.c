/* The records of a run: the model artifact, history.csv and run.json. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "mc_artifact.h"
#include "mc_buf.h"
#include "mc_clock.h"
#include "mc_error.h"
#include "mc_json.h"
#include "mc_run_ctx.h"
#include "mc_run_dir.h"

/* n strings as a JSON array. */
static int strings_json(json_t **out, char *const *items, size_t n)
{
    json_t *a = json_array();
    int rc = a ? MC_OK : mc_error_nomem();
    for (size_t i = 0; rc == MC_OK && i < n; i++)
        rc = mc_json_append(a, json_string(items[i]));
    if (rc) {
        json_decref(a);
        return rc;
    }
    *out = a;
    return MC_OK;
}

/* The model header. Nothing here depends on time, paths or the machine: the
 * same spec and data give the same bytes. */
static int model_header(json_t **out, const mc_run_ctx *c, const mc_run *run)
{
    const mc_data *data = &c->d->data;
    json_t *pre = NULL, *arch = NULL, *classes = NULL, *mv = NULL, *h = NULL;
    int rc = mc_artifact_architecture_json(&arch, c->nn);
    if (rc == MC_OK)
        rc = mc_pipeline_to_json(&pre, c->pipe);
    if (rc == MC_OK)
        rc = c->task == MC_TASK_REGRESSION ? ((classes = json_null()) ? MC_OK : mc_error_nomem())
                                           : strings_json(&classes, c->lab.classes,
                                                          (size_t)c->lab.n_classes);
    /* How prediction reads raw CSV: the same delimiter and missing-value markers. */
    if (rc == MC_OK)
        rc = strings_json(&mv, data->missing_values.items, data->missing_values.count);
    if (rc == MC_OK &&
        !(h = json_pack("{s:s, s:s, s:s, s:O, s:f, s:s, s:s, s:s, s:O, s:O, s:O, s:s}", "format",
                        "modelcert-model", "task", mc_task_name(c->task), "target", data->target,
                        "classes", classes, "decision_threshold",
                        c->d->metrics.decision_threshold, "numerics", mc_numerics_name(c->num),
                        "spec_digest", run->spec_digest, "data_digest", run->data_digest,
                        "architecture", arch, "preprocessing", pre, "missing_values", mv,
                        "delimiter", data->delimiter)))
        rc = mc_error_nomem();
    json_decref(pre), json_decref(arch), json_decref(classes), json_decref(mv);
    if (rc == MC_OK)
        *out = h;
    return rc;
}

int mc_run_model_bytes(const mc_run_ctx *c, mc_run *run)
{
    json_t *h = NULL;
    int rc = model_header(&h, c, run);
    if (rc == MC_OK)
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

int mc_run_history_csv(const mc_run_ctx *c, mc_run *run)
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

int mc_run_record_paths(json_t *record, const mc_run_ctx *c)
{
    int rc = MC_OK;
    char *absolute = realpath(c->data_path, NULL);
    if (!absolute && errno == ENOMEM) /* a missing key must never stand for "out of memory" */
        return mc_error_nomem();
    if (absolute)
        rc = mc_json_set(json_object_get(record, "data"), "absolute_path", json_string(absolute));
    free(absolute);
    /* Which trail the run's event goes to: run.json is written before the event. */
    if (rc == MC_OK && c->opt->audit_path) {
        json_t *audit = json_object();
        rc = audit ? mc_json_set(record, "audit", audit) : mc_error_nomem();
        if (rc == MC_OK)
            rc = mc_json_set(audit, "path", json_string(c->opt->audit_path));
    }
    return rc;
}

int mc_run_record(const mc_run_ctx *c, mc_run *run, double total)
{
    char when[32];
    mc_clock_utc(when, 0);
    /* A protected model is written only encrypted; run.json's model.digest stays the clear
     * model's SHA-256 (what a holder of the key can check after decrypting). */
    run->model_file = c->d->has_protection ? MC_RUN_FILE_MODEL_AGE : MC_RUN_FILE_MODEL;
    json_t *r = json_pack(
        "{s:s, s:i, s:s, s:{s:s, s:s}, s:{s:s, s:s}, s:{s:s, s:s, s:I, s:I}, s:{s:s, s:s, s:I},"
        " s:s, s:I, s:i, s:{s:I, s:I, s:I}, s:{s:i, s:i, s:b, s:I},"
        " s:{s:f, s:f, s:f, s:f, s:f}}",
        "format", "modelcert-run", "format_version", 1, "created", when,
        "engine", "name", "modelcert", "version", MC_VERSION,
        "spec", "path", mc_spec_path(c->spec), "digest", run->spec_digest,
        "data", "path", c->data_path, "digest", run->data_digest, "rows", (json_int_t)c->table->n_rows,
        "columns", (json_int_t)c->table->n_cols,
        "model", "file", run->model_file, "digest", run->model_digest, "parameters",
        (json_int_t)c->nn->n_params,
        "numerics", mc_numerics_name(c->num),
        "seed", (json_int_t)c->d->training.seed, "threads", c->threads,
        "split", "training", (json_int_t)c->parts[0].n, "validation", (json_int_t)c->parts[1].n, "test",
        (json_int_t)c->parts[2].n,
        "training", "epochs_run", c->tr.n_epochs, "best_epoch", c->tr.best_epoch, "stopped_early",
        c->tr.stopped_early, "steps", (json_int_t)c->tr.steps,
        "timings_s", "load", c->t_load, "preprocess", c->t_prep, "train", c->t_train, "evaluate",
        c->t_eval, "total", total);
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

