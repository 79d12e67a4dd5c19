/* reference/mc_artifact: the model file's codec (docs/formats.md). An
 * encoded model has the documented layout, decodes to the same network,
 * parameters (every bit, -0 and subnormals included), classes and
 * preprocessing, and encodes again to the same bytes. Decoding rejects,
 * with MC_EINPUT and without output: every truncation, every flipped byte,
 * a trailing byte, a wrong magic, another format version, and header
 * lengths that lie (too long for the file, or off by a little with the
 * checksum recomputed, as anyone can). Every decode reads an exactly sized
 * heap copy, so the sanitizer build catches a read past the end. */
#include <float.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mc_artifact.h"
#include "mc_error.h"
#include "mc_hash.h"

#define NAME "mem.mcm"

static const char preprocessing[] =
    "{\"target\": \"y\","
    " \"steps\": [{\"type\": \"standardize\", \"columns\": [{\"name\": \"a\", \"mean\": 0.25, \"std\": 1.5},"
    "                                                 {\"name\": \"b\", \"mean\": -3, \"std\": 0.1}]},"
    "           {\"type\": \"one_hot\", \"handle_unknown\": \"error\","
    "            \"columns\": [{\"name\": \"c\", \"categories\": [\"east\", \"west\"]}]}],"
    " \"inputs\": [{\"name\": \"a\", \"type\": \"numeric\"}, {\"name\": \"b\", \"type\": \"numeric\"},"
    "            {\"name\": \"c\", \"type\": \"categorical\"}],"
    " \"features\": [\"a\", \"b\", \"c=east\", \"c=west\"]}";

/* A 4-5-3 multiclass network (dense relu, dropout, dense softmax) with awkward parameters. */
static mc_nn *network(void)
{
    mc_nn_layer layers[3];
    memset(layers, 0, sizeof layers);
    layers[0] = (mc_nn_layer){.kind = MC_LAYER_DENSE, .out = 5, .act = MC_ACT_LEAKY_RELU, .slope = 0.3f};
    layers[1] = (mc_nn_layer){.kind = MC_LAYER_DROPOUT, .rate = 0.25f};
    layers[2] = (mc_nn_layer){.kind = MC_LAYER_DENSE, .out = 3, .act = MC_ACT_SOFTMAX};
    mc_nn *nn = NULL;
    assert_int_equal(mc_nn_create(&nn, 4, layers, 3), MC_OK);
    assert_int_equal(nn->n_params, 4 * 5 + 5 + 5 * 3 + 3);
    for (size_t i = 0; i < nn->n_params; i++)
        nn->params[i] = (float)((int)(i * 37 % 101) - 50) / 7.0f;
    nn->params[0] = -0.0f;
    nn->params[1] = FLT_MIN / 4; /* subnormal */
    nn->params[2] = FLT_MAX;
    nn->params[3] = -FLT_TRUE_MIN;
    return nn;
}

static json_t *header(const mc_nn *nn)
{
    json_error_t err;
    json_t *pre = json_loads(preprocessing, 0, &err), *arch = NULL;
    assert_non_null(pre);
    assert_int_equal(mc_artifact_architecture_json(&arch, nn), 0);
    json_t *h = json_pack(
        "{s:s, s:i, s:s, s:s, s:[s,s,s], s:f, s:s, s:s, s:s, s:o, s:o, s:s, s:[s,s]}", "format",
        "modelcert-model", "format_version", 1, "task", "multiclass", "target", "y", "classes",
        "alpha", "beta", "gamma", "decision_threshold", 0.5, "numerics", "reference", "spec_digest",
        "9e73a69089565f3a68b99d798f874e4e755d84e0426f728775d306f8c59c4771", "data_digest",
        "f5200cb1f5ff0aa50f5bc59134c4cf1042829e4a0ded6fdf17b9428d2ed7aac3", "architecture",
        arch, "preprocessing", pre, "delimiter", ",",
        "missing_values", "", "NA");
    assert_non_null(h);
    return h;
}

static uint64_t get_u64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

static void put_u64(unsigned char *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

/* Recomputes the trailing checksum, as anyone altering a file can. */
static void reseal(unsigned char *buf, size_t len)
{
    char hex[MC_SHA256_HEX_LEN + 1];
    assert_int_equal(mc_sha256_hex(hex, buf, len - 32), MC_OK);
    for (int i = 0; i < 32; i++) {
        unsigned v;
        sscanf(hex + 2 * i, "%2x", &v);
        buf[len - 32 + (size_t)i] = (unsigned char)v;
    }
}

/* Where `what` first occurs in the header, or NULL. */
static unsigned char *in_header(unsigned char *buf, const char *what)
{
    uint64_t h = get_u64(buf + 16);
    size_t n = strlen(what);
    for (size_t i = 24; i + n <= 24 + h; i++)
        if (memcmp(buf + i, what, n) == 0)
            return buf + i;
    return NULL;
}

static void encode(unsigned char **buf, size_t *len)
{
    mc_nn *nn = network();
    json_t *h = header(nn);
    assert_int_equal(mc_artifact_encode(buf, len, h, nn), MC_OK);
    json_decref(h);
    mc_nn_free(nn);
}

/* Decodes an exactly sized copy; the result must be a rejection (MC_EINPUT, no
 * model) whose message holds `substring` (when not NULL). */
static void expect_rejected(const unsigned char *buf, size_t len, const char *substring,
                            const char *what)
{
    unsigned char *copy = malloc(len ? len : 1);
    assert_non_null(copy);
    memcpy(copy, buf, len);
    mc_model *m = NULL;
    mc_error_clear();
    int rc = mc_artifact_decode(&m, copy, len, NAME);
    free(copy);
    if (rc == MC_OK) {
        mc_model_free(m);
        fail_msg("%s: accepted", what);
    }
    if (rc != MC_EINPUT)
        fail_msg("%s: rc %d, expected MC_EINPUT: %s", what, rc, mc_error_last()->message);
    assert_null(m);
    if (substring && !strstr(mc_error_last()->message, substring))
        fail_msg("%s: message '%s' lacks '%s'", what, mc_error_last()->message, substring);
}

/* ---- encoding and decoding -------------------------------------------------------------- */

static void test_layout(void **state)
{
    (void)state;
    unsigned char *buf = NULL;
    size_t len = 0;
    encode(&buf, &len);
    assert_memory_equal(buf, "MCMODEL\0", 8);
    assert_memory_equal(buf + 8, "\1\0\0\0\0\0\0\0", 8); /* version 1, reserved 0 */
    uint64_t h = get_u64(buf + 16);
    size_t pad = (64 - (24 + h) % 64) % 64;
    assert_int_equal(len, 24 + h + pad + 4 * 43 + 32);
    for (size_t i = 0; i < pad; i++)
        assert_int_equal(buf[24 + h + i], 0);
    /* The header is canonical JSON with the tensors and the parameter count added. */
    assert_int_equal(buf[24], '{');
    assert_int_equal(buf[24 + h - 1], '}');
    json_error_t err;
    json_t *hdr = json_loadb((const char *)buf + 24, h, 0, &err);
    assert_non_null(hdr);
    assert_int_equal(json_integer_value(json_object_get(hdr, "parameters")), 43);
    assert_int_equal(json_array_size(json_object_get(hdr, "tensors")), 4);
    json_decref(hdr);
    /* Parameters: little-endian float32. -0 first. */
    assert_memory_equal(buf + 24 + h + pad, "\0\0\0\x80", 4);
    /* The checksum: SHA-256 of everything before it. */
    unsigned char copy[32];
    memcpy(copy, buf + len - 32, 32);
    reseal(buf, len);
    assert_memory_equal(copy, buf + len - 32, 32);
    free(buf);
}

static void test_round_trip(void **state)
{
    (void)state;
    unsigned char *buf = NULL, *again = NULL;
    size_t len = 0, len2 = 0;
    encode(&buf, &len);
    mc_model *m = NULL;
    mc_error_clear();
    if (mc_artifact_decode(&m, buf, len, NAME) != MC_OK)
        fail_msg("decode: %s", mc_error_last()->message);
    mc_nn *nn = network();
    /* The network: shape, layers, every parameter's bits. */
    assert_int_equal(m->nn->in, 4);
    assert_int_equal(m->nn->out, 3);
    assert_int_equal(m->nn->n_layers, 3);
    for (int l = 0; l < 3; l++) {
        assert_int_equal(m->nn->layers[l].kind, nn->layers[l].kind);
        assert_int_equal(m->nn->layers[l].out, nn->layers[l].out);
    }
    assert_int_equal(m->nn->layers[0].act, MC_ACT_LEAKY_RELU);
    assert_true(m->nn->layers[0].slope == 0.3f);
    assert_true(m->nn->layers[1].rate == 0.25f);
    assert_int_equal(m->nn->layers[2].act, MC_ACT_SOFTMAX);
    assert_int_equal(m->nn->n_params, nn->n_params);
    assert_memory_equal(m->nn->params, nn->params, nn->n_params * sizeof *nn->params);
    /* The rest of the header. */
    assert_int_equal(m->task, MC_TASK_MULTICLASS);
    assert_int_equal(m->n_classes, 3);
    assert_string_equal(m->classes[0], "alpha");
    assert_string_equal(m->classes[2], "gamma");
    assert_int_equal(m->numerics, MC_NUMERICS_REFERENCE);
    assert_true(m->decision_threshold == 0.5);
    assert_int_equal(m->pipeline->n_steps, 2);
    assert_int_equal(m->pipeline->n_features, 4);
    assert_string_equal(m->pipeline->features[3], "c=west");
    assert_true(m->pipeline->steps[0].cols[1].b == 0.1);
    /* The model digest is the SHA-256 of the whole file. */
    char hex[MC_SHA256_HEX_LEN + 1];
    assert_int_equal(mc_sha256_hex(hex, buf, len), MC_OK);
    assert_string_equal(m->digest, hex);
    /* Encoding what was decoded gives the same bytes. */
    json_t *h = json_deep_copy(m->header);
    assert_int_equal(mc_artifact_encode(&again, &len2, h, m->nn), MC_OK);
    assert_int_equal(len2, len);
    assert_memory_equal(again, buf, len);
    json_decref(h);
    mc_nn_free(nn);
    mc_model_free(m);
    free(again);
    free(buf);
}

/* ---- rejections --------------------------------------------------------------------------- */

static void test_truncation(void **state)
{
    (void)state;
    unsigned char *buf = NULL;
    size_t len = 0;
    encode(&buf, &len);
    char what[64];
    for (size_t n = 0; n < len; n++) {
        snprintf(what, sizeof what, "the first %zu of %zu bytes", n, len);
        expect_rejected(buf, n, "not a valid modelcert model", what);
    }
    expect_rejected(buf, 55, "wrong magic", "55 bytes");
    expect_rejected(buf, len - 1, "checksum mismatch", "one byte short");
    /* One byte too many: the checksum is no longer at the end; resealed, the size is wrong. */
    unsigned char *longer = calloc(1, len + 1);
    assert_non_null(longer);
    memcpy(longer, buf, len);
    expect_rejected(longer, len + 1, "checksum mismatch", "a trailing byte");
    memcpy(longer, buf, len - 32);
    memset(longer + len - 32, 0, 1);
    reseal(longer, len + 1);
    expect_rejected(longer, len + 1, "file size does not match", "a trailing byte, resealed");
    free(longer);
    free(buf);
}

static void test_flipped_bytes(void **state)
{
    (void)state;
    unsigned char *buf = NULL;
    size_t len = 0;
    encode(&buf, &len);
    char what[64];
    for (size_t i = 0; i < len; i++) {
        for (unsigned bit = 0; bit < 8; bit += 7) {
            buf[i] ^= (unsigned char)(1u << bit);
            snprintf(what, sizeof what, "bit %u of byte %zu flipped", bit, i);
            /* The magic, the version and the header length have their own messages. */
            expect_rejected(buf, len, i < 8 || (i >= 16 && i < 24) ? NULL
                                      : i < 12                     ? "version"
                                                                   : "checksum mismatch",
                            what);
            buf[i] ^= (unsigned char)(1u << bit);
        }
    }
    free(buf);
}

static void test_wrong_magic_and_version(void **state)
{
    (void)state;
    unsigned char *buf = NULL;
    size_t len = 0;
    encode(&buf, &len);
    buf[6] = 'X';
    reseal(buf, len);
    expect_rejected(buf, len, "wrong magic", "MCMODEX");
    buf[6] = 'L';
    buf[7] = '!';
    reseal(buf, len);
    expect_rejected(buf, len, "wrong magic", "no NUL after MCMODEL");
    buf[7] = 0;
    buf[8] = 2;
    reseal(buf, len);
    expect_rejected(buf, len, "model format version 2 is not supported", "version 2");
    buf[8] = 1;
    buf[11] = 1;
    reseal(buf, len);
    expect_rejected(buf, len, "model format version 16777217 is not supported", "a high version byte");
    free(buf);
}

static void test_header_length_lies(void **state)
{
    (void)state;
    unsigned char *buf = NULL;
    size_t len = 0;
    encode(&buf, &len);
    uint64_t h = get_u64(buf + 16);
    const struct {
        uint64_t value;
        const char *message;
    } lies[] = {
        {len - 24 - 32 + 1, "header length"},     /* past the checksum */
        {len, "header length"},                   /* past the end */
        {MC_ARTIFACT_MAX_HEADER + 1, "header length"},
        {UINT64_MAX, "header length"},            /* wraps around in a careless sum */
        {UINT64_MAX - 23, "header length"},
        {(uint64_t)1 << 63, "header length"},
        {0, NULL},                                /* no header at all */
        {h - 1, NULL},                            /* the JSON cut short */
        {h + 1, NULL},                            /* a padding byte in the JSON */
        {h + 64, NULL},                           /* parameters in the JSON */
        {len - 24 - 32, NULL},                    /* everything up to the checksum */
    };
    char what[64];
    for (size_t i = 0; i < sizeof lies / sizeof lies[0]; i++) {
        put_u64(buf + 16, lies[i].value);
        reseal(buf, len);
        snprintf(what, sizeof what, "header length %llu (really %llu)",
                 (unsigned long long)lies[i].value, (unsigned long long)h);
        expect_rejected(buf, len, lies[i].message, what);
    }
    free(buf);
}

static void test_altered_content_resealed(void **state)
{
    (void)state;
    unsigned char *buf = NULL;
    size_t len = 0;
    encode(&buf, &len);
    uint64_t h = get_u64(buf + 16);
    size_t params = 24 + h + (64 - (24 + h) % 64) % 64;
    /* A NaN parameter. */
    memcpy(buf + params + 4 * 7, "\0\0\xc0\x7f", 4);
    reseal(buf, len);
    expect_rejected(buf, len, "NaN or infinite", "a NaN parameter");
    free(buf);
    /* A header that names more parameters than the file holds. */
    encode(&buf, &len);
    unsigned char *at = in_header(buf, "\"parameters\":43");
    assert_non_null(at);
    memcpy(at, "\"parameters\":44", 15);
    reseal(buf, len);
    expect_rejected(buf, len, "do not match the architecture", "parameters 44");
    free(buf);
    /* A tensor's shape that disagrees with the architecture. */
    encode(&buf, &len);
    at = in_header(buf, "\"shape\":[4,5]");
    assert_non_null(at);
    memcpy(at, "\"shape\":[5,4]", 13);
    reseal(buf, len);
    expect_rejected(buf, len, "do not match the architecture", "a transposed kernel");
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_layout),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_truncation),
        cmocka_unit_test(test_flipped_bytes),
        cmocka_unit_test(test_wrong_magic_and_version),
        cmocka_unit_test(test_header_length_lies),
        cmocka_unit_test(test_altered_content_resealed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
