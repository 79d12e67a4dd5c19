/* A model decrypted in memory leaves no knowledge in freed memory (issue 26, docs/encryption.md
 * "Predicting with an encrypted model"): reference/'s mc_predict_bytes, which predicts with
 * the bytes of a model that `predict --identity` decrypted, wipes the decoded weights and the
 * fitted preprocessing before it frees them. The test links with -Wl,--wrap=free (and gives
 * jansson the same free), and while mc_predict_bytes runs it looks in every block freed for
 * four distinctive consecutive weights and for the fitted mean as a double: neither may be
 * there. A control run with mc_model_free (no wiping) shows that the search finds them.
 * The same for export/'s mc_onnx_encode, which `export --identity` runs on a decrypted model:
 * the graph (its arena holds a copy of the weights) is wiped before it is freed; the ONNX
 * bytes it returns hold the four weights in a row, so the graph's copy held them too. */
#include <malloc.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "mc_artifact.h"
#include "mc_error.h"
#include "mc_json.h"
#include "mc_onnx.h"
#include "mc_predict.h"

void __real_free(void *p);
void __wrap_free(void *p);

static const float weights[4] = {1234.5678f, -8765.4321f, 3.14159e-3f, 2.71828e5f};
static const double mean = 4321.0625;
static int armed;
static size_t weights_seen, mean_seen;

static int holds(const unsigned char *p, size_t n, const void *what, size_t len)
{
    for (size_t i = 0; i + len <= n; i++)
        if (memcmp(p + i, what, len) == 0)
            return 1;
    return 0;
}

void __wrap_free(void *p)
{
    if (p && armed) {
        size_t n = malloc_usable_size(p);
        weights_seen += (size_t)holds(p, n, weights, sizeof weights);
        mean_seen += (size_t)holds(p, n, &mean, sizeof mean);
    }
    __real_free(p);
}

static void jansson_free(void *p)
{
    __wrap_free(p);
}

static const char preprocessing[] =
    "{\"target\": \"y\","
    " \"steps\": [{\"type\": \"standardize\", \"columns\": [{\"name\": \"a\", \"mean\": 4321.0625,"
    " \"std\": 1.5}, {\"name\": \"b\", \"mean\": -3, \"std\": 0.1}]}],"
    " \"inputs\": [{\"name\": \"a\", \"type\": \"numeric\"}, {\"name\": \"b\", \"type\": \"numeric\"}],"
    " \"features\": [\"a\", \"b\"]}";

/* A 2-3-2 multiclass model, its first four weights the distinctive ones, encoded. */
static void model_bytes(unsigned char **buf, size_t *len)
{
    mc_nn_layer layers[2];
    memset(layers, 0, sizeof layers);
    layers[0] = (mc_nn_layer){.kind = MC_LAYER_DENSE, .out = 3, .act = MC_ACT_RELU};
    layers[1] = (mc_nn_layer){.kind = MC_LAYER_DENSE, .out = 2, .act = MC_ACT_SOFTMAX};
    mc_nn *nn = NULL;
    json_t *arch = NULL, *pre = NULL;
    json_error_t err;
    assert_int_equal(mc_nn_create(&nn, 2, layers, 2), MC_OK);
    for (size_t i = 0; i < nn->n_params; i++)
        nn->params[i] = (float)i / 8.0f;
    memcpy(nn->params, weights, sizeof weights);
    assert_int_equal(mc_artifact_architecture_json(&arch, nn), MC_OK);
    assert_non_null(pre = json_loads(preprocessing, 0, &err));
    json_t *h = json_pack("{s:s, s:i, s:s, s:s, s:[s,s], s:f, s:s, s:s, s:s, s:o, s:o, s:s, "
                          "s:[s]}", "format", "modelcert-model", "format_version", 1, "task",
                          "multiclass", "target", "y", "classes", "no", "yes",
                          "decision_threshold", 0.5, "numerics", "reference", "spec_digest",
                          "9e73a69089565f3a68b99d798f874e4e755d84e0426f728775d306f8c59c4771",
                          "data_digest",
                          "f5200cb1f5ff0aa50f5bc59134c4cf1042829e4a0ded6fdf17b9428d2ed7aac3",
                          "architecture", arch, "preprocessing", pre, "delimiter", ",",
                          "missing_values", "");
    assert_non_null(h);
    assert_int_equal(mc_artifact_encode(buf, len, h, nn), MC_OK);
    /* The test's own copies wiped too: a freed block that malloc hands out again keeps its
     * old bytes past the new object's end, which the search would find. */
    mc_json_wipe(h);
    json_decref(h);
    memset(nn->params, 0, nn->n_params * sizeof *nn->params);
    mc_nn_free(nn);
}

static char data_path[4096];

static int setup(void **state)
{
    (void)state;
    json_set_alloc_funcs(malloc, jansson_free);
    const char *tmp = getenv("TMPDIR");
    snprintf(data_path, sizeof data_path, "%s/mc_wipe_XXXXXX", tmp && *tmp ? tmp : "/tmp");
    int fd = mkstemp(data_path);
    assert_true(fd >= 0);
    static const char csv[] = "a,b\n1,2\n-1,0.5\n3,-2\n";
    assert_int_equal(write(fd, csv, sizeof csv - 1), (ssize_t)(sizeof csv - 1));
    close(fd);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    unlink(data_path);
    return 0;
}

/* The control: decoding the model and freeing it unwiped leaves the weights and the mean in
 * freed blocks (else the search below proves nothing). */
static void test_control_finds_them(void **state)
{
    (void)state;
    unsigned char *buf = NULL;
    size_t len = 0;
    mc_model *m = NULL;
    model_bytes(&buf, &len);
    assert_int_equal(mc_artifact_decode(&m, buf, len, "mem.mcm"), MC_OK);
    weights_seen = mean_seen = 0;
    armed = 1;
    mc_model_free(m);
    armed = 0;
    assert_true(weights_seen > 0);
    assert_true(mean_seen > 0);
    __real_free(buf);
}

static void test_predict_bytes_wipes(void **state)
{
    (void)state;
    unsigned char *buf = NULL;
    size_t len = 0;
    mc_prediction pred = {0};
    model_bytes(&buf, &len);
    weights_seen = mean_seen = 0;
    armed = 1;
    int rc = mc_predict_bytes(&pred, buf, len, "mem.mcm", data_path);
    armed = 0;
    if (rc)
        fail_msg("mc_predict_bytes: %s", mc_error_last()->message);
    assert_int_equal(pred.rows, 3);
    if (weights_seen || mean_seen)
        fail_msg("freed memory held the decrypted model's weights (%zu blocks) or its fitted "
                 "mean (%zu blocks)", weights_seen, mean_seen);
    mc_prediction_clear(&pred);
    __real_free(buf);
}

/* export --identity's path: decoded, encoded to ONNX, the ONNX bytes and the model wiped. */
static void test_onnx_encode_wipes(void **state)
{
    (void)state;
    unsigned char *buf = NULL, *onnx = NULL;
    size_t len = 0, onnx_len = 0;
    mc_model *m = NULL;
    model_bytes(&buf, &len);
    weights_seen = mean_seen = 0;
    armed = 1;
    int rc = mc_artifact_decode(&m, buf, len, "mem.mcm");
    if (rc == MC_OK)
        rc = mc_onnx_encode(&onnx, &onnx_len, m);
    armed = 0;
    if (rc)
        fail_msg("decode or encode: %s", mc_error_last()->message);
    /* The control: the graph's copy of the weights was in a row (protobuf packs float_data
     * as it is), so a search of its freed arena could find them. */
    assert_true(holds(onnx, onnx_len, weights, sizeof weights));
    memset(onnx, 0, onnx_len);
    __real_free(onnx);
    armed = 1;
    mc_model_free_wiped(m);
    armed = 0;
    if (weights_seen || mean_seen)
        fail_msg("freed memory held the model's weights (%zu blocks) or its fitted mean "
                 "(%zu blocks) after the ONNX encoding", weights_seen, mean_seen);
    __real_free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_predict_bytes_wipes),
        cmocka_unit_test(test_onnx_encode_wipes),
        cmocka_unit_test(test_control_finds_them), /* last: it leaves unwiped blocks behind */
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
