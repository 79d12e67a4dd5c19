/* Reproducibility comparisons: identical models pass bitwise; a perturbed
 * weight fails bitwise naming the tensor and the size of the difference,
 * passes within a loose tolerance and fails within a tight one; a metric
 * difference is named too. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mc_artifact.h"
#include "mc_repro.h"

static unsigned char *model_bytes(size_t *len, float perturb)
{
    mc_nn_layer layers[2] = {{.kind = MC_LAYER_DENSE, .out = 4, .act = MC_ACT_RELU},
                             {.kind = MC_LAYER_DENSE, .out = 1, .act = MC_ACT_SIGMOID}};
    mc_nn *nn = NULL;
    assert_int_equal(mc_nn_create(&nn, 3, layers, 2), 0);
    for (size_t i = 0; i < nn->n_params; i++)
        nn->params[i] = (float)i * 0.01f;
    nn->params[5] += perturb; /* in layers.0.kernel */
    json_t *pre = json_pack("{s:s, s:[], s:[{s:s, s:s}, {s:s, s:s}, {s:s, s:s}], s:[s, s, s]}", "target",
                            "y", "steps", "inputs", "name", "a", "type", "numeric", "name", "b", "type",
                            "numeric", "name", "c", "type", "numeric", "features", "a", "b", "c");
    json_t *arch = NULL;
    assert_int_equal(mc_artifact_architecture_json(&arch, nn), 0);
    json_t *h = json_pack("{s:s, s:s, s:[s, s], s:f, s:s, s:o, s:o}", "format", "modelcert-model", "task",
                          "binary", "classes", "0", "1", "decision_threshold", 0.5, "numerics", "fast",
                          "architecture", arch, "preprocessing", pre);
    unsigned char *buf = NULL;
    assert_int_equal(mc_artifact_encode(&buf, len, h, nn), 0);
    json_decref(h);
    mc_nn_free(nn);
    return buf;
}

static const mc_result *compare(mc_validation *v, float perturb, const char *metrics_b,
                                const mc_reproducibility *cfg)
{
    size_t la, lb;
    unsigned char *a = model_bytes(&la, 0), *b = model_bytes(&lb, perturb);
    json_t *ma = json_loads("{\"metrics\": {\"accuracy\": 0.9}}", 0, NULL);
    json_t *mb = json_loads(metrics_b, 0, NULL);
    mc_repro_side sa = {a, la, ma, "run"}, sb = {b, lb, mb, "re-run"};
    assert_int_equal(mc_repro_compare(v, "r", &sa, &sb, cfg), 0);
    free(a), free(b);
    json_decref(ma), json_decref(mb);
    return mc_validation_get(v, mc_validation_count(v) - 1);
}

static void test_bitwise(void **state)
{
    (void)state;
    mc_validation *v = NULL;
    assert_int_equal(mc_validation_create(&v), 0);
    const mc_result *r = compare(v, 0, "{\"metrics\": {\"accuracy\": 0.9}}", NULL);
    assert_int_equal(r->status, MC_STATUS_PASS);
    r = compare(v, 1e-6f, "{\"metrics\": {\"accuracy\": 0.9}}", NULL);
    assert_int_equal(r->status, MC_STATUS_FAIL);
    assert_non_null(strstr(r->message, "tensor layers.0.kernel: 1 of 12 values (max |difference|"));
    assert_int_equal(json_array_size(json_object_get(r->measured, "differing_tensors")), 1);
    r = compare(v, 0.5f, "{\"metrics\": {\"accuracy\": 0.8}}", NULL);
    assert_non_null(strstr(r->message, "metric accuracy: 0.9 vs 0.8"));
    mc_validation_free(v);
}

static void test_tolerance(void **state)
{
    (void)state;
    mc_reproducibility cfg = {.runs = 1, .mode = MC_REPRO_TOLERANCE,
                              .tolerance = {{1e-5, 0}, {1e-3, 0}}};
    mc_validation *v = NULL;
    assert_int_equal(mc_validation_create(&v), 0);
    const mc_result *r = compare(v, 1e-6f, "{\"metrics\": {\"accuracy\": 0.9005}}", &cfg);
    assert_int_equal(r->status, MC_STATUS_PASS);
    assert_non_null(strstr(r->message, "within tolerance"));
    cfg.tolerance.weights.absolute = 1e-8;
    r = compare(v, 1e-6f, "{\"metrics\": {\"accuracy\": 0.9005}}", &cfg);
    assert_int_equal(r->status, MC_STATUS_FAIL);
    assert_non_null(strstr(r->message, "layers.0.kernel"));
    cfg.tolerance.weights.absolute = 1e-5;
    r = compare(v, 1e-6f, "{\"metrics\": {\"accuracy\": 0.91}}", &cfg);
    assert_int_equal(r->status, MC_STATUS_FAIL);
    assert_non_null(strstr(r->message, "metric accuracy"));
    mc_validation_free(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bitwise),
        cmocka_unit_test(test_tolerance),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
