/* `explain` (mc_explain_verb.h): the model loaded from a file or from a run directory
 * (through the run directory's reader); the background rows from --background, or, for a
 * run directory, the run's own training rows (its recorded spec confined to the directory,
 * on its data, whose digest must be the recorded one, split and preprocessed as the run
 * did); the output opened as an atomic stream, the rows explained by
 * reference/mc_explain_file.c, and the stream committed only when every row was. */
#include "mc_explain_verb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "mc_diag.h"
#include "mc_error.h"
#include "mc_file.h"
#include "mc_hash.h"
#include "mc_run.h"
#include "mc_run_dir.h"

static int is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* MC_EINPUT when run_dir gated an ONNX model (run.json mode "model", the spec's model:),
 * which explain does not run: it differentiates modelcert's own network. */
static int refuse_onnx_run(const char *run_dir)
{
    json_t *record = NULL;
    int rc = mc_run_dir_read_json(&record, run_dir, MC_RUN_FILE_RECORD);
    const char *mode = json_string_value(json_object_get(record, "mode"));
    if (rc == MC_OK && mode && strcmp(mode, "model") == 0)
        rc = mc_error_set(MC_EINPUT, "%s gated an ONNX model (the spec's model:); explain "
                          "computes attributions through modelcert's own network and "
                          "preprocessing and does not run ONNX models yet", run_dir);
    json_decref(record);
    return rc == MC_ENOTFOUND ? MC_OK : rc; /* no run.json: the model file's error follows */
}

/* The model at path: a file, or a run directory's model.mcm. */
static int load_model(mc_model **m, const char *path)
{
    if (!is_dir(path))
        return mc_model_load(m, path);
    char *bytes = NULL;
    size_t len = 0;
    int rc = refuse_onnx_run(path);
    if (rc == MC_OK)
        rc = mc_run_dir_read_bytes(&bytes, &len, path, MC_RUN_FILE_MODEL, 0);
    if (rc == MC_OK)
        rc = mc_artifact_decode(m, (const unsigned char *)bytes, len, path);
    free(bytes);
    return rc;
}

/* The recorded spec of run_dir, confined to it. */
static int load_spec(mc_spec **spec, const char *run_dir)
{
    char *text = NULL, *path = mc_path_join(run_dir, MC_RUN_FILE_SPEC);
    size_t len = 0;
    mc_diags *diags = NULL;
    int rc = path ? mc_diags_create(&diags) : mc_error_nomem();
    if (rc == MC_OK)
        rc = mc_run_dir_read_bytes(&text, &len, run_dir, MC_RUN_FILE_SPEC, 1 << 20);
    if (rc == MC_OK && (rc = mc_spec_load_buffer(spec, diags, path, text, len)) == MC_EINPUT) {
        const mc_diag *d0 = mc_diags_get(diags, 0);
        rc = mc_error_set(MC_EINPUT, "%s is not a valid spec: %s", path, d0 ? d0->message : "?");
    }
    mc_confinement c = {0};
    c.root = run_dir;
    if (rc == MC_OK && (rc = mc_spec_check_paths(*spec, &c))) {
        mc_spec_free(*spec);
        *spec = NULL;
    }
    mc_diags_free(diags);
    free(text);
    free(path);
    return rc;
}

/* The run's training rows as features, from its recorded spec and data (whose digest must
 * be the one run.json records). */
static int training_rows(mc_training_features *tf, const char *run_dir, const mc_model *m)
{
    json_t *record = NULL;
    mc_spec *spec = NULL;
    char got[MC_SHA256_HEX_LEN + 1];
    int rc = mc_run_dir_read_json(&record, run_dir, MC_RUN_FILE_RECORD);
    if (rc)
        return rc;
    const json_t *jdata = json_object_get(record, "data");
    const char *digest = json_string_value(json_object_get(jdata, "digest"));
    const char *path = json_string_value(json_object_get(jdata, "absolute_path"));
    const char *numerics = json_string_value(json_object_get(record, "numerics"));
    if (!path)
        path = json_string_value(json_object_get(jdata, "path"));
    if (!digest || !path || !numerics)
        rc = mc_error_set(MC_EINPUT, "%s/run.json does not name the data (made by validate "
                          "--predictions?): give --background", run_dir);
    if (rc == MC_OK && (rc = mc_sha256_file_hex(got, path)) == MC_ENOTFOUND)
        rc = mc_error_set(MC_EINPUT, "the run's data %s is gone: give --background", path);
    if (rc == MC_OK && strcmp(got, digest) != 0)
        rc = mc_error_set(MC_EINPUT, "the run's data %s has changed since the run (sha256 "
                          "%.16s..., the run used %.16s...): give --background", path, got,
                          digest);
    if (rc == MC_OK)
        rc = load_spec(&spec, run_dir);
    if (rc == MC_OK) {
        mc_run_options opt = {.numerics = -1, .data_path = path, .threads = 1};
        rc = mc_run_training_features(tf, spec, &opt, m->pipeline);
    }
    mc_spec_free(spec);
    json_decref(record);
    return rc;
}

int mc_explain(mc_explain_summary *sum, const mc_explain_request *req)
{
    mc_model *m = NULL;
    mc_file_stream out = {0};
    mc_training_features tf = {0};
    char name[600];
    int open = 0, rc = MC_OK;
    mc_explain_background bg = {req->background, NULL, NULL, 0, req->background};
    if (!req->background && !is_dir(req->model))
        rc = mc_error_set(MC_EINPUT, "explain on a model file needs background rows: "
                          "--background FILE.csv (the training rows, or a sample of them); "
                          "a run directory has its own");
    if (rc == MC_OK)
        rc = load_model(&m, req->model);
    if (rc == MC_OK && !req->background && (rc = training_rows(&tf, req->model, m)) == MC_OK) {
        snprintf(name, sizeof name, "the training rows of %.500s", req->model);
        bg = (mc_explain_background){NULL, tf.x, tf.rows, tf.n, name};
    }
    if (rc == MC_OK && (rc = mc_file_stream_open(&out, req->output, 0644)) == MC_OK)
        open = 1;
    if (rc == MC_OK)
        rc = mc_explain_csv(sum, m, req->data, &bg, &req->opt, out.f);
    if (rc == MC_OK)
        rc = mc_file_stream_commit(&out);
    else if (open)
        mc_file_stream_abort(&out);
    free(tf.x);
    free(tf.rows);
    mc_model_free(m);
    return rc;
}
