/* Reproducibility (mc_repro.h): two runs compared, bit for bit or within the
 * spec's tolerances, naming each differing tensor and metric (a difference
 * that cannot be recorded is an error, never a pass), and the spec's re-runs
 * inside `validate`. The `reproduce` verb, which re-runs a recorded run
 * directory and judges it with these, is verbs/mc_reproduce.c. */
#include "mc_repro.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_artifact.h"
#include "mc_hash.h"
#include "mc_json.h"

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
                   const mc_run_options *opt, long long runs, json_t *reruns)
{
    const mc_spec_doc *d = mc_spec_doc_get(spec);
    if (!d->has_reproducibility && runs <= 0)
        return MC_OK;
    const mc_reproducibility *cfg = d->has_reproducibility ? &d->reproducibility : NULL;
    long long n = runs > 0 ? runs : cfg->runs;
    for (long long i = 1; i <= n; i++) {
        mc_run *again = NULL;
        char id[64], name[32];
        snprintf(id, sizeof id, "reproducibility.run%lld", i);
        snprintf(name, sizeof name, "re-run %lld", i);
        int rc = mc_run_execute(&again, spec, opt); /* its progress too */
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
        if (rc == MC_OK && reruns)
            rc = mc_json_append(reruns, json_incref(again->metrics));
        mc_run_free(again);
        if (rc)
            return rc;
    }
    return MC_OK;
}
