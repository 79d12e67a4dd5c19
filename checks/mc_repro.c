/* Reproducibility (mc_repro.h): two runs compared, bit for bit or within the
 * spec's tolerances, naming each differing tensor and metric (a difference
 * that cannot be recorded is an error, never a pass); the spec's re-runs
 * inside `validate`; and `reproduce`, an auditor re-running a recorded run
 * directory on its data and comparing its model and outputs. */
#include "mc_repro.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_artifact.h"
#include "mc_file.h"
#include "mc_hash.h"
#include "mc_json.h"
#include "mc_run_dir.h"

#define CAT "reproducibility"

/* Every tensor that differs (beyond tolerance when tol is set), appended to out as
 * {"tensor", "values", "differing", "max_abs_difference", "first_index", "a", "b"}.
 * MC_ENOMEM: a difference that cannot be recorded is an error, never a pass. */
static int diff_models(json_t *out, const mc_model *ma, const mc_model *mb, const mc_tolerance *tol)
{
    const json_t *tensors = json_object_get(ma->header, "tensors");
    int rc = MC_OK;
    for (size_t t = 0; rc == MC_OK && t < json_array_size(tensors); t++) {
        const json_t *jt = json_array_get(tensors, t);
        const json_t *shape = json_object_get(jt, "shape");
        size_t off = (size_t)json_integer_value(json_object_get(jt, "offset")), n = 1;
        for (size_t k = 0; k < json_array_size(shape); k++)
            n *= (size_t)json_integer_value(json_array_get(shape, k));
        size_t differing = 0, first = 0;
        double max_abs = 0, a_first = 0, b_first = 0;
        for (size_t i = 0; i < n; i++) {
            float a = ma->nn->params[off + i], b = mb->nn->params[off + i];
            if (memcmp(&a, &b, sizeof a) == 0)
                continue;
            double ad = fabs((double)a - (double)b);
            if (tol && ad <= tol->absolute + tol->relative * fabs((double)a))
                continue;
            if (!differing++) {
                first = i;
                a_first = a;
                b_first = b;
            }
            max_abs = ad > max_abs ? ad : max_abs;
        }
        if (differing)
            rc = mc_json_append(out, json_pack("{s:s, s:I, s:I, s:f, s:I, s:f, s:f}", "tensor",
                                               json_string_value(json_object_get(jt, "name")),
                                               "values", (json_int_t)n, "differing",
                                               (json_int_t)differing, "max_abs_difference",
                                               max_abs, "first_index", (json_int_t)first, "a",
                                               a_first, "b", b_first));
    }
    return rc;
}

/* Every metric that differs (beyond tolerance when tol is set), appended to out as
 * {"metric", "a", "b", "difference"}, or {"metric", "a", "b"} when one side is not a number
 * (undefined, or missing: null). MC_ENOMEM, never a shorter list. */
static int diff_metrics(json_t *out, const json_t *a, const json_t *b, const mc_tolerance *tol)
{
    const json_t *ma = json_object_get(a, "metrics"), *mb = json_object_get(b, "metrics");
    const char *key;
    json_t *va;
    int rc = MC_OK;
    json_object_foreach((json_t *)ma, key, va)
    {
        json_t *vb = json_object_get(mb, key);
        if (json_is_number(va) && json_is_number(vb)) {
            double x = json_number_value(va), y = json_number_value(vb);
            int bad = tol ? fabs(x - y) > tol->absolute + tol->relative * fabs(x) : x != y;
            if (bad)
                rc = mc_json_append(out, json_pack("{s:s, s:f, s:f, s:f}", "metric", key, "a", x,
                                                   "b", y, "difference", fabs(x - y)));
        } else if (!json_equal(va, vb)) {
            rc = mc_json_append(out, json_pack("{s:s, s:O, s:O}", "metric", key, "a", va, "b",
                                               vb ? vb : json_null()));
        }
        if (rc)
            break;
    }
    return rc;
}

/* "layers.0.kernel: 12 of 1536 values (max |difference| 3e-08); accuracy: 0.9 vs 0.89" */
static void describe(char *msg, size_t size, const json_t *tensors, const json_t *metrics)
{
    size_t used = 0, i;
    json_t *e;
    msg[0] = '\0';
    json_array_foreach(tensors, i, e)
    {
        int w = snprintf(msg + used, size - used, "%stensor %s: %lld of %lld values (max |difference| %.3g)",
                         used ? "; " : "", json_string_value(json_object_get(e, "tensor")),
                         (long long)json_integer_value(json_object_get(e, "differing")),
                         (long long)json_integer_value(json_object_get(e, "values")),
                         json_number_value(json_object_get(e, "max_abs_difference")));
        if (w < 0 || (size_t)w >= size - used)
            return;
        used += (size_t)w;
    }
    json_array_foreach(metrics, i, e)
    {
        const json_t *a = json_object_get(e, "a"), *b = json_object_get(e, "b");
        int w = json_is_number(a) && json_is_number(b)
                    ? snprintf(msg + used, size - used, "%smetric %s: %.9g vs %.9g", used ? "; " : "",
                               json_string_value(json_object_get(e, "metric")), json_number_value(a),
                               json_number_value(b))
                    : snprintf(msg + used, size - used, "%smetric %s: missing or undefined on one side",
                               used ? "; " : "", json_string_value(json_object_get(e, "metric")));
        if (w < 0 || (size_t)w >= size - used)
            return;
        used += (size_t)w;
    }
}

/* Decodes both sides' models. A model that is not one (MC_EINPUT) is a result: *why says
 * which, and MC_OK is returned; other failures (MC_ENOMEM) are errors. */
static int decode_sides(mc_model **ma, mc_model **mb, char *why, size_t size,
                        const mc_repro_side *a, const mc_repro_side *b)
{
    int rc = mc_artifact_decode(ma, a->model, a->model_len, a->name);
    if (rc == MC_OK)
        rc = mc_artifact_decode(mb, b->model, b->model_len, b->name);
    if (rc == MC_EINPUT) {
        snprintf(why, size, "%s", mc_error_last()->message);
        return MC_OK;
    }
    return rc;
}

int mc_repro_compare(mc_validation *v, const char *id, const mc_repro_side *a,
                     const mc_repro_side *b, const mc_reproducibility *cfg)
{
    int tolerance = cfg && cfg->mode == MC_REPRO_TOLERANCE;
    char da[MC_SHA256_HEX_LEN + 1], db[MC_SHA256_HEX_LEN + 1], why[1024] = "", msg[700];
    mc_model *ma = NULL, *mb = NULL;
    json_t *expected = NULL, *measured = NULL, *tensors = NULL, *metrics = NULL;
    int rc = mc_sha256_hex(da, a->model, a->model_len);
    if (rc || (rc = mc_sha256_hex(db, b->model, b->model_len)))
        return rc;
    expected = tolerance
                   ? json_pack("{s:s, s:{s:f, s:f}, s:{s:f, s:f}}", "mode", "tolerance", "weights",
                               "absolute", cfg->tolerance.weights.absolute, "relative",
                               cfg->tolerance.weights.relative, "metrics", "absolute",
                               cfg->tolerance.metrics.absolute, "relative",
                               cfg->tolerance.metrics.relative)
                   : json_pack("{s:s}", "mode", "bitwise");
    measured = json_pack("{s:s, s:s}", a->name, da, b->name, db);
    if (strcmp(da, db) == 0) {
        rc = mc_validation_add(v, CAT, id, "reproducibility", MC_STATUS_PASS, measured, expected,
                               "%s and %s are the same model bit for bit (sha256 %.16s...)",
                               a->name, b->name, da);
        return rc; /* measured and expected were taken over */
    }
    tensors = json_array();
    metrics = json_array();
    if (!expected || !measured || !tensors || !metrics) {
        rc = mc_error_nomem();
        goto cleanup;
    }
    if ((rc = decode_sides(&ma, &mb, why, sizeof why, a, b)))
        goto cleanup;
    if (why[0]) {
        rc = mc_validation_add(v, CAT, id, "reproducibility", MC_STATUS_ERROR, json_null(),
                               json_null(), "cannot compare the models: %s", why);
        goto cleanup;
    }
    int same_arch = ma->nn->n_params == mb->nn->n_params &&
                    json_equal(json_object_get(ma->header, "architecture"),
                               json_object_get(mb->header, "architecture"));
    if ((same_arch &&
         (rc = diff_models(tensors, ma, mb, tolerance ? &cfg->tolerance.weights : NULL))) ||
        (rc = diff_metrics(metrics, a->metrics, b->metrics,
                           tolerance ? &cfg->tolerance.metrics : NULL)))
        goto cleanup;
    describe(msg, sizeof msg, tensors, metrics);
    int within = tolerance && same_arch && json_array_size(tensors) == 0 &&
                 json_array_size(metrics) == 0;
    rc = mc_json_set(measured, "differing_tensors", tensors);
    if (rc == MC_OK)
        rc = mc_json_set(measured, "differing_metrics", metrics);
    else
        json_decref(metrics);
    tensors = metrics = NULL; /* taken over, even on failure */
    if (rc)
        goto cleanup;
    if (within)
        rc = mc_validation_add(v, CAT, id, "reproducibility", MC_STATUS_PASS, measured, expected,
                               "%s and %s differ in bits but every weight and metric is within "
                               "tolerance", a->name, b->name);
    else
        rc = mc_validation_add(v, CAT, id, "reproducibility", MC_STATUS_FAIL, measured, expected,
                               "%s differs from %s: %s", b->name, a->name,
                               !same_arch ? "the architectures differ"
                               : msg[0]   ? msg
                                          : "the model files differ outside their weights "
                                            "(header)");
    measured = expected = NULL; /* taken over, even on failure */
cleanup:
    json_decref(expected);
    json_decref(measured);
    json_decref(tensors);
    json_decref(metrics);
    mc_model_free(ma);
    mc_model_free(mb);
    return rc;
}

int mc_repro_check(mc_validation *v, const mc_spec *spec, const mc_run *first,
                   const mc_run_options *opt, long long runs)
{
    const mc_spec_doc *d = mc_spec_doc_get(spec);
    if (!d->has_reproducibility && runs <= 0)
        return MC_OK;
    const mc_reproducibility *cfg = d->has_reproducibility ? &d->reproducibility : NULL;
    long long n = runs > 0 ? runs : cfg->runs;
    mc_run_options quiet = *opt;
    quiet.progress = NULL;
    for (long long i = 1; i <= n; i++) {
        mc_run *again = NULL;
        char id[64], name[32];
        snprintf(id, sizeof id, "reproducibility.run%lld", i);
        snprintf(name, sizeof name, "re-run %lld", i);
        int rc = mc_run_execute(&again, spec, &quiet);
        if (rc && rc != MC_EINPUT && rc != MC_ENOTFOUND)
            return rc; /* out of memory, disk, a bug: an error, not a result */
        if (rc) {
            rc = mc_validation_add(v, CAT, id, "reproducibility", MC_STATUS_ERROR, json_null(), json_null(),
                                   "re-run %lld failed: %s", i, mc_error_last()->message);
            if (rc)
                return rc;
            continue;
        }
        mc_repro_side a = {first->model, first->model_len, first->metrics, "the run"};
        mc_repro_side b = {again->model, again->model_len, again->metrics, name};
        rc = mc_repro_compare(v, id, &a, &b, cfg);
        mc_run_free(again);
        if (rc)
            return rc;
    }
    return MC_OK;
}

/* ---- reproduce ------------------------------------------------------------------ */

/* A JSON file of the run directory through its one bounded reader (mc_run_dir.h). */
static int load_json(json_t **out, const char *dir, const char *name)
{
    int rc = mc_run_dir_read_json(out, dir, name);
    if (rc == MC_EINPUT || rc == MC_ENOTFOUND) {
        char why[sizeof mc_error_last()->message];
        mc_error_format(mc_error_last(), why, sizeof why);
        rc = mc_error_set(MC_EINPUT, "%s (is %s a run directory?)", why, dir);
    }
    return rc;
}

int mc_reproduce(mc_validation *v, json_t **run_record, const char *run_dir,
                 const char *data_path, int threads, const mc_confinement *confine)
{
    json_t *record = NULL, *metrics = NULL;
    char *spec_text = NULL, *model = NULL, *spec_path = NULL, *model_path = NULL;
    size_t spec_len = 0, model_len = 0;
    mc_spec *spec = NULL;
    mc_diags *diags = NULL;
    mc_run *again = NULL;
    int rc;
    *run_record = NULL;
    if ((rc = load_json(&record, run_dir, MC_RUN_FILE_RECORD)) || (rc = load_json(&metrics, run_dir, MC_RUN_FILE_METRICS)))
        goto cleanup;
    const char *mode = json_string_value(json_object_get(record, "mode"));
    if (mode && strcmp(mode, "predictions") == 0) {
        rc = mc_error_set(MC_EINPUT, "%s judged predictions made elsewhere (validate --predictions): "
                          "there is no model to reproduce", run_dir);
        goto cleanup;
    }
    spec_path = mc_path_join(run_dir, MC_RUN_FILE_SPEC);
    model_path = mc_path_join(run_dir, MC_RUN_FILE_MODEL);
    if (!spec_path || !model_path) {
        rc = mc_error_nomem();
        goto cleanup;
    }
    if ((rc = mc_run_dir_read_bytes(&spec_text, &spec_len, run_dir, MC_RUN_FILE_SPEC, 1 << 20)) ||
        (rc = mc_run_dir_read_bytes(&model, &model_len, run_dir, MC_RUN_FILE_MODEL,
                                    (size_t)1 << 34)))
        goto cleanup;
    const json_t *jdata = json_object_get(record, "data");
    const char *rec_spec = json_string_value(json_object_get(json_object_get(record, "spec"), "digest"));
    const char *rec_data = json_string_value(json_object_get(jdata, "digest"));
    const char *rec_model = json_string_value(json_object_get(json_object_get(record, "model"), "digest"));
    const char *numerics = json_string_value(json_object_get(record, "numerics"));
    const char *path = data_path ? data_path : json_string_value(json_object_get(jdata, "absolute_path"));
    if (!path)
        path = json_string_value(json_object_get(jdata, "path"));
    if (!rec_spec || !rec_data || !rec_model || !numerics || !path) {
        rc = mc_error_set(MC_EINPUT, "%s/run.json lacks the spec, data or model digest", run_dir);
        goto cleanup;
    }
    /* The recorded files must be the ones the record names. */
    char got[MC_SHA256_HEX_LEN + 1];
    if ((rc = mc_sha256_hex(got, model, model_len)))
        goto cleanup;
    if (strcmp(got, rec_model) != 0) {
        rc = mc_validation_add(v, CAT, "reproduce.model_file", "recorded model", MC_STATUS_FAIL,
                               json_string(got), json_string(rec_model),
                               "%s has sha256 %s, but run.json records %s: the run directory was altered",
                               model_path, got, rec_model);
        goto done;
    }
    if ((rc = mc_diags_create(&diags)))
        goto cleanup;
    rc = mc_spec_load_buffer(&spec, diags, spec_path, spec_text, spec_len);
    if (rc == MC_EINPUT) {
        const mc_diag *d0 = mc_diags_get(diags, 0);
        rc = mc_error_set(MC_EINPUT, "%s is not a valid spec: %s", spec_path, d0 ? d0->message : "?");
        goto cleanup;
    }
    if (rc)
        goto cleanup;
    mc_confinement c = confine ? *confine : (mc_confinement){0};
    if (!c.root)
        c.root = run_dir; /* the run directory is the root of its recorded spec */
    if ((rc = mc_spec_check_paths(spec, &c)) || (rc = mc_spec_digest(got, spec)) ||
        (rc = mc_run_check_secrets(spec)))
        goto cleanup;
    if (strcmp(got, rec_spec) != 0) {
        rc = mc_validation_add(v, CAT, "reproduce.spec", "recorded spec", MC_STATUS_FAIL, json_string(got),
                               json_string(rec_spec),
                               "spec.json has digest %s, but run.json records %s: the run directory was "
                               "altered", got, rec_spec);
        goto done;
    }
    rc = mc_sha256_file_hex(got, path);
    if (rc == MC_ENOTFOUND) {
        rc = mc_validation_add(v, CAT, "reproduce.data", "data digest", MC_STATUS_ERROR, json_null(),
                               json_string(rec_data), "the data file %s is missing (give --data PATH)", path);
        goto done;
    }
    if (rc)
        goto cleanup;
    if (strcmp(got, rec_data) != 0) {
        rc = mc_validation_add(v, CAT, "reproduce.data", "data digest", MC_STATUS_FAIL, json_string(got),
                               json_string(rec_data),
                               "data digest differs: %s has sha256 %s, the run used %s", path, got, rec_data);
        goto done;
    }
    if ((rc = mc_validation_add(v, CAT, "reproduce.data", "data digest", MC_STATUS_PASS, json_string(got),
                                json_string(rec_data), "%s is the data the run used (sha256 %.16s...)",
                                path, got)))
        goto cleanup;
    int num = mc_enum_from_name(mc_names_numerics, numerics);
    mc_run_options opt = {.threads = threads,
                          .numerics = num == MC_NUMERICS_REFERENCE ? MC_NUMERICS_REFERENCE
                                                                   : MC_NUMERICS_FAST,
                          .data_path = path};
    rc = mc_run_execute(&again, spec, &opt);
    if (rc == MC_EINPUT || rc == MC_ENOTFOUND) {
        rc = mc_validation_add(v, CAT, "reproduce.run", "re-run", MC_STATUS_ERROR, json_null(), json_null(),
                               "the re-run failed: %s", mc_error_last()->message);
        goto done;
    }
    if (rc)
        goto cleanup;
    mc_repro_side a = {(const unsigned char *)model, model_len, metrics, "the recorded run"};
    mc_repro_side b = {again->model, again->model_len, again->metrics, "the re-run"};
    rc = mc_repro_compare(v, "reproduce.model", &a, &b, NULL);
    if (rc == MC_OK)
        rc = mc_repro_outputs(v, run_dir, record, metrics, again);
done:
    if (rc == MC_OK) {
        *run_record = record;
        record = NULL;
    }
cleanup:
    json_decref(record);
    json_decref(metrics);
    free(spec_text);
    free(model);
    free(spec_path);
    free(model_path);
    mc_spec_free(spec);
    mc_diags_free(diags);
    mc_run_free(again);
    return rc;
}
