/* export/mc_onnx: the ONNX encoding of a model (docs/onnx.md). A model with
 * numeric and categorical inputs, standardize and one_hot, and a network with
 * dropout encodes to a ModelProto that protobuf-c reads back with IR 8, opset
 * 17 and ai.onnx.ml 3, one typed [N,1] input per raw column, the output the
 * task names, Gemm per dense layer, and the model digest in its metadata. A
 * step that the graph cannot express (hash, mask, generalize) is MC_EINPUT
 * naming the step, with no output. (ONNX Runtime and python3-onnx's checker
 * run the examples' exports in tests/e2e/onnx.sh.) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mc_error.h"
#include "mc_onnx.h"
#include "onnx/onnx.pb-c.h"

static const char preprocessing[] =
    "{\"target\": \"y\","
    " \"steps\": [{\"type\": \"standardize\", \"columns\": [{\"name\": \"a\", \"mean\": 0.25, \"std\": 1.5},"
    "                                                 {\"name\": \"b\", \"mean\": -3, \"std\": 0.1}]},"
    "           {\"type\": \"one_hot\", \"handle_unknown\": \"error\","
    "            \"columns\": [{\"name\": \"c\", \"categories\": [\"east\", \"west\"]}]}],"
    " \"inputs\": [{\"name\": \"a\", \"type\": \"numeric\"}, {\"name\": \"b\", \"type\": \"numeric\"},"
    "            {\"name\": \"c\", \"type\": \"categorical\"}],"
    " \"features\": [\"a\", \"b\", \"c=east\", \"c=west\"]}";

static mc_model *model(void)
{
    mc_model *m = calloc(1, sizeof *m);
    assert_non_null(m);
    json_error_t err;
    json_t *j = json_loads(preprocessing, 0, &err);
    assert_non_null(j);
    assert_int_equal(mc_pipeline_from_json(&m->pipeline, j), MC_OK);
    json_decref(j);
    mc_nn_layer layers[3] = {{.kind = MC_LAYER_DENSE, .out = 5, .act = MC_ACT_RELU},
                             {.kind = MC_LAYER_DROPOUT, .out = 5, .rate = 0.5f},
                             {.kind = MC_LAYER_DENSE, .out = 3, .act = MC_ACT_SOFTMAX}};
    assert_int_equal(mc_nn_create(&m->nn, 4, layers, 3), MC_OK);
    for (size_t i = 0; i < m->nn->n_params; i++)
        m->nn->params[i] = (float)i / 16.0f - 2.0f;
    m->task = MC_TASK_MULTICLASS;
    m->n_classes = 3;
    m->classes = calloc(3, sizeof *m->classes);
    assert_non_null(m->classes);
    const char *names[3] = {"x", "y", "z"};
    for (int k = 0; k < 3; k++)
        assert_non_null(m->classes[k] = strdup(names[k]));
    m->missing_values = calloc(1, sizeof *m->missing_values);
    assert_non_null(m->missing_values);
    assert_non_null(m->missing_values[0] = strdup("NA"));
    m->n_missing_values = 1;
    m->decision_threshold = 0.5;
    memset(m->digest, 'a', MC_SHA256_HEX_LEN);
    assert_non_null(m->header = json_object());
    return m;
}

static int has_op(const Onnx__GraphProto *g, const char *op)
{
    int n = 0;
    for (size_t i = 0; i < g->n_node; i++)
        n += strcmp(g->node[i]->op_type, op) == 0;
    return n;
}

static void test_encode_reads_back(void **state)
{
    (void)state;
    mc_model *m = model();
    unsigned char *buf = NULL;
    size_t len = 0;
    assert_int_equal(mc_onnx_encode(&buf, &len, m), MC_OK);
    Onnx__ModelProto *p = onnx__model_proto__unpack(NULL, len, buf);
    assert_non_null(p);
    assert_int_equal(p->ir_version, 8);
    assert_int_equal(p->n_opset_import, 2);
    assert_string_equal(p->opset_import[0]->domain, "");
    assert_int_equal(p->opset_import[0]->version, 17);
    assert_string_equal(p->opset_import[1]->domain, "ai.onnx.ml");
    assert_int_equal(p->opset_import[1]->version, 3);
    const Onnx__GraphProto *g = p->graph;
    assert_int_equal(g->n_input, 3);
    const char *in_names[3] = {"a", "b", "c"};
    const int in_types[3] = {11, 11, 8}; /* double, double, string */
    for (int i = 0; i < 3; i++) {
        assert_string_equal(g->input[i]->name, in_names[i]);
        const Onnx__TypeProto__Tensor *t = g->input[i]->type->tensor_type;
        assert_int_equal(t->elem_type, in_types[i]);
        assert_int_equal(t->shape->n_dim, 2);
        assert_string_equal(t->shape->dim[0]->dim_param, "N");
        assert_int_equal(t->shape->dim[1]->dim_value, 1);
    }
    assert_int_equal(g->n_output, 1);
    assert_string_equal(g->output[0]->name, "probabilities");
    assert_int_equal(g->output[0]->type->tensor_type->shape->dim[1]->dim_value, 3);
    assert_int_equal(has_op(g, "Gemm"), 2); /* dropout is no node */
    assert_int_equal(has_op(g, "Relu"), 1);
    assert_int_equal(has_op(g, "Softmax"), 1);
    assert_int_equal(has_op(g, "OneHot"), 1); /* linear in the categories: */
    assert_int_equal(has_op(g, "OneHotEncoder"), 0);
    assert_int_equal(has_op(g, "MatMul"), 0); /* no dense category matrix */
    assert_int_equal(has_op(g, "Where"), 1); /* the invalid rows' NaN */
    int digest = 0;
    for (size_t i = 0; i < p->n_metadata_props; i++)
        if (strcmp(p->metadata_props[i]->key, "modelcert.model_digest") == 0)
            digest = strcmp(p->metadata_props[i]->value, m->digest) == 0;
    assert_true(digest);
    char from[MC_SHA256_HEX_LEN + 1];
    assert_int_equal(mc_onnx_exported_from(from, buf, len, "m.onnx"), MC_OK);
    assert_string_equal(from, m->digest);
    /* truncated or foreign bytes are refused, never a digest */
    assert_int_equal(mc_onnx_exported_from(from, buf, len / 2, "m.onnx"), MC_EINPUT);
    const unsigned char junk[] = {0x0a, 0x03, 'a', 'b', 'c'};
    assert_int_not_equal(mc_onnx_exported_from(from, junk, sizeof junk, "m.onnx"), MC_OK);
    onnx__model_proto__free_unpacked(p, NULL);
    free(buf);
    mc_model_free(m);
}

static void test_inexpressible_steps_refused(void **state)
{
    (void)state;
    const int types[3] = {MC_STEP_HASH, MC_STEP_MASK, MC_STEP_GENERALIZE};
    for (int t = 0; t < 3; t++) {
        mc_model *m = model();
        m->pipeline->steps[1].type = types[t];
        unsigned char *buf = NULL;
        size_t len = 0;
        mc_error_clear();
        assert_int_equal(mc_onnx_encode(&buf, &len, m), MC_EINPUT);
        assert_null(buf);
        char want[128], msg[512];
        snprintf(want, sizeof want, "preprocessing step 2 (%s) cannot be exported to ONNX",
                 mc_names_step[types[t]]);
        mc_error_format(mc_error_last(), msg, sizeof msg);
        assert_non_null(strstr(msg, want));
        mc_model_free(m);
    }
}

static void test_clashing_input_name_refused(void **state)
{
    (void)state;
    mc_model *m = model();
    free(m->pipeline->inputs[0].name);
    assert_non_null(m->pipeline->inputs[0].name = strdup("probabilities"));
    unsigned char *buf = NULL;
    size_t len = 0;
    assert_int_equal(mc_onnx_encode(&buf, &len, m), MC_EINPUT);
    assert_null(buf);
    mc_model_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_encode_reads_back),
        cmocka_unit_test(test_inexpressible_steps_refused),
        cmocka_unit_test(test_clashing_input_name_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
