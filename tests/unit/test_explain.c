/* Explanations (reference/mc_explain.h, mc_nn_grad.h, mc_csv_stream.h): the double-precision
 * input gradient of every activation against central finite differences; Integrated
 * Gradients and Shapley values on an additive network whose attributions are known in closed
 * form (w_i (x_i - baseline_i)); the bounds (16 raw columns exact, 17 refused with the
 * reason); the chunked CSV reader against the whole-file reader (lines, rows, errors). The
 * agreement with PyTorch and NumPy on trained models is tests/e2e/explain.sh's. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "mc_csv.h"
#include "mc_csv_stream.h"
#include "mc_error.h"
#include "mc_explain.h"
#include "mc_nn_grad.h"

static uint64_t lcg = 12345;
static double rnd(void) /* uniform in [-1, 1) */
{
    lcg = lcg * 6364136223846793005ull + 1442695040888963407ull;
    return (double)(lcg >> 11) / 4503599627370496.0 - 1.0;
}

static mc_nn *network(int in, const mc_nn_layer *layers, int n)
{
    mc_nn *nn = NULL;
    assert_int_equal(mc_nn_create(&nn, in, layers, n), MC_OK);
    for (size_t i = 0; i < nn->n_params; i++)
        nn->params[i] = (float)(0.7 * rnd());
    return nn;
}

/* d out[unit] / d x by the backward pass, against central differences, for each activation
 * in a hidden layer and each output activation. */
static void check_gradient(mc_activation hidden, mc_activation last, int n_out)
{
    mc_nn_layer layers[] = {{.kind = MC_LAYER_DENSE, .out = 7, .act = hidden, .slope = 0.1f},
                            {.kind = MC_LAYER_DROPOUT, .out = 7, .rate = 0.5f},
                            {.kind = MC_LAYER_DENSE, .out = 5, .act = MC_ACT_TANH},
                            {.kind = MC_LAYER_DENSE, .out = n_out, .act = last}};
    mc_nn *nn = network(4, layers, 4);
    mc_nn64_work *w = NULL;
    assert_int_equal(mc_nn64_work_create(&w, nn, 3), MC_OK);
    double x[3][4], dx[3][4];
    int unit[3];
    for (int r = 0; r < 3; r++) {
        for (int j = 0; j < 4; j++)
            x[r][j] = 1.5 * rnd();
        unit[r] = r % n_out;
    }
    mc_nn64_forward(nn, w, &x[0][0], 3);
    mc_nn64_input_grad(nn, w, &dx[0][0], unit, 3);
    const double h = 1e-6;
    for (int r = 0; r < 3; r++)
        for (int j = 0; j < 4; j++) {
            double xp[4], xm[4];
            memcpy(xp, x[r], sizeof xp);
            memcpy(xm, x[r], sizeof xm);
            xp[j] += h, xm[j] -= h;
            double fp = mc_nn64_forward(nn, w, xp, 1)[unit[r]];
            double fm = mc_nn64_forward(nn, w, xm, 1)[unit[r]];
            double fd = (fp - fm) / (2 * h);
            assert_true(fabs(fd - dx[r][j]) <= 1e-7 * (1.0 + fabs(fd)));
        }
    mc_nn64_work_free(w);
    mc_nn_free(nn);
}

static void test_input_gradient_finite_differences(void **state)
{
    (void)state;
    const mc_activation acts[] = {MC_ACT_RELU, MC_ACT_LEAKY_RELU, MC_ACT_SIGMOID, MC_ACT_TANH,
                                  MC_ACT_LINEAR};
    for (size_t i = 0; i < sizeof acts / sizeof acts[0]; i++) {
        check_gradient(acts[i], MC_ACT_SIGMOID, 1);
        check_gradient(acts[i], MC_ACT_SOFTMAX, 3);
        check_gradient(acts[i], MC_ACT_LINEAR, 2);
    }
}

/* A model of M raw numeric columns, one feature each, no preprocessing steps, and a network
 * given by the caller. */
static mc_model *model(int M, mc_nn *nn)
{
    mc_model *m = calloc(1, sizeof *m);
    mc_pipeline *p = calloc(1, sizeof *p);
    assert_non_null(m);
    assert_non_null(p);
    p->n_inputs = p->n_features = (size_t)M;
    p->inputs = calloc((size_t)M, sizeof *p->inputs);
    p->features = calloc((size_t)M, sizeof *p->features);
    for (int i = 0; i < M; i++) {
        char name[16];
        snprintf(name, sizeof name, "c%d", i);
        p->inputs[i].name = strdup(name);
        p->features[i] = strdup(name);
    }
    m->pipeline = p, m->nn = nn, m->task = MC_TASK_REGRESSION;
    return m;
}

static void model_free(mc_model *m)
{
    m->header = NULL;
    mc_model_free(m);
}

/* f(x) = w . x + b: IG from baseline z0 gives w_i (x_i - z0_i) on the first grid; Shapley
 * values over a background give w_i (x_i - mean(bg_i)), with no sampling error. */
static void test_additive_model_closed_form(void **state)
{
    (void)state;
    const int M = 5, NB = 4;
    mc_nn_layer layers[] = {{.kind = MC_LAYER_DENSE, .out = 1, .act = MC_ACT_LINEAR}};
    mc_model *m = model(M, network(M, layers, 1));
    const float *w = m->nn->params + m->nn->layers[0].w_off;
    double bg[4][5], z0[5] = {0}, x[5], mean[5] = {0}, attr[5], se[5];
    for (int b = 0; b < NB; b++)
        for (int i = 0; i < M; i++)
            bg[b][i] = rnd(), mean[i] += bg[b][i] / NB;
    for (int i = 0; i < M; i++)
        x[i] = 2 * rnd(), z0[i] = rnd();
    for (int method = 0; method < MC_EXPLAIN_METHOD_COUNT; method++) {
        mc_explain_options o;
        mc_explain_options_default(&o);
        o.method = method;
        o.permutations = 7;
        mc_explainer *e = NULL;
        assert_int_equal(mc_explainer_create(&e, m, &bg[0][0], NB, z0, &o), MC_OK);
        assert_int_equal(mc_explainer_columns(e), (size_t)M);
        mc_explanation out = {.attr = attr, .se = se};
        assert_int_equal(mc_explainer_row(e, x, 3, &out), MC_OK);
        for (int i = 0; i < M; i++) {
            double want = (double)w[i] * (x[i] - (method == MC_EXPLAIN_IG ? z0[i] : mean[i]));
            assert_true(fabs(out.attr[i] - want) <= 1e-12);
            if (method == MC_EXPLAIN_SHAPLEY_SAMPLING)
                assert_true(out.se[i] <= 1e-12);
        }
        assert_true(out.gap <= 1e-12);
        assert_int_equal(out.converged, 1);
        if (method == MC_EXPLAIN_IG)
            assert_int_equal(out.steps, 16);
        mc_explainer_free(e);
    }
    model_free(m);
}

/* A curved network: the IG grid grows until the gap meets the tolerance; with too small a
 * budget the row is flagged, not failed. */
static void test_ig_grid_doubles_until_the_gap_meets_the_tolerance(void **state)
{
    (void)state;
    mc_nn_layer layers[] = {{.kind = MC_LAYER_DENSE, .out = 16, .act = MC_ACT_TANH},
                            {.kind = MC_LAYER_DENSE, .out = 1, .act = MC_ACT_SIGMOID}};
    mc_nn *nn = network(3, layers, 2);
    for (size_t i = 0; i < nn->n_params; i++)
        nn->params[i] *= 4.0f;
    mc_model *m = model(3, nn);
    double bg[3] = {0}, z0[3] = {0}, x[3] = {1.5, -2.0, 0.7}, attr[3], se[3];
    mc_explain_options o;
    mc_explain_options_default(&o);
    o.tolerance = 1e-9;
    o.max_steps = MC_EXPLAIN_MAX_STEPS;
    mc_explainer *e = NULL;
    assert_int_equal(mc_explainer_create(&e, m, bg, 1, z0, &o), MC_OK);
    mc_explanation out = {.attr = attr, .se = se};
    assert_int_equal(mc_explainer_row(e, x, 0, &out), MC_OK);
    assert_int_equal(out.converged, 1);
    assert_true(out.steps > 16);
    assert_true(out.gap <= 1e-9);
    double sum = attr[0] + attr[1] + attr[2];
    assert_true(fabs(sum - (out.prediction - out.baseline)) <= 1e-9);
    mc_explainer_free(e);
    o.max_steps = 16;
    assert_int_equal(mc_explainer_create(&e, m, bg, 1, z0, &o), MC_OK);
    assert_int_equal(mc_explainer_row(e, x, 0, &out), MC_OK);
    assert_int_equal(out.converged, 0);
    assert_int_equal(out.steps, 16);
    assert_true(out.gap > 1e-9);
    mc_explainer_free(e);
    model_free(m);
}

/* Exact Shapley values: 16 raw columns is the bound; 17 is refused, saying why. */
static void test_exact_shapley_bound(void **state)
{
    (void)state;
    mc_nn_layer layers[] = {{.kind = MC_LAYER_DENSE, .out = 1, .act = MC_ACT_LINEAR}};
    double bg[17] = {0};
    mc_explain_options o;
    mc_explain_options_default(&o);
    o.method = MC_EXPLAIN_SHAPLEY;
    for (int M = 16; M <= 17; M++) {
        mc_model *m = model(M, network(M, layers, 1));
        mc_explainer *e = NULL;
        int rc = mc_explainer_create(&e, m, bg, 1, NULL, &o);
        if (M == 16) {
            assert_int_equal(rc, MC_OK);
        } else {
            assert_int_equal(rc, MC_EINPUT);
            assert_non_null(strstr(mc_error_last()->message, "at most 16 columns"));
        }
        mc_explainer_free(e);
        model_free(m);
    }
}

/* The chunked reader gives the rows, lines and row numbers of the whole-file reader, and
 * an error at the file's line. */
static void test_chunks_match_the_whole_file(void **state)
{
    (void)state;
    char path[] = "/tmp/mc_test_explain_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    const char text[] = "a,value\n1,x\n\n2,\"two\nlines\"\n3,y\n4,z\n\n5,w\n6,\"q\"\"\"\n";
    assert_int_equal(write(fd, text, sizeof text - 1), (ssize_t)(sizeof text - 1));
    close(fd);
    mc_csv_override ov[] = {{"a", MC_CSV_NUMERIC}, {"value", MC_CSV_CATEGORICAL}};
    const char *req[] = {"a", "value"};
    mc_csv_options o = {',', NULL, 0, ov, 2, req, 2, 1};
    mc_table *whole = NULL, *t = NULL;
    assert_int_equal(mc_csv_read(&whole, path, &o), MC_OK);
    for (size_t chunk = 1; chunk <= 4; chunk++) {
        mc_csv_chunks *c = NULL;
        assert_int_equal(mc_csv_chunks_open(&c, path, &o, chunk), MC_OK);
        size_t seen = 0;
        while (mc_csv_chunks_next(c, &t) == MC_OK && t) {
            for (size_t r = 0; r < t->n_rows; r++, seen++) {
                assert_int_equal(t->line_of_row[r], whole->line_of_row[seen]);
                assert_int_equal(t->row_index[r], whole->row_index[seen]);
                assert_true(t->cols[0].num[r] == whole->cols[0].num[seen]);
            }
            mc_table_free(t);
        }
        assert_int_equal(seen, whole->n_rows);
        mc_csv_chunks_free(c);
    }
    mc_table_free(whole);
    /* a NaN on line 7, in the third chunk of two records: named at the file's line */
    FILE *f = fopen(path, "w");
    fputs("a,value\n1,x\n2,y\n3,z\n4,w\n5,v\nnan,u\n", f);
    fclose(f);
    mc_csv_chunks *c = NULL;
    assert_int_equal(mc_csv_chunks_open(&c, path, &o, 2), MC_OK);
    int rc;
    while ((rc = mc_csv_chunks_next(c, &t)) == MC_OK && t)
        mc_table_free(t);
    assert_int_equal(rc, MC_EINPUT);
    assert_int_equal(mc_error_last()->line, 7);
    assert_non_null(strstr(mc_error_last()->message, "not a finite number"));
    mc_csv_chunks_free(c);
    /* a misspelled column: the closest header name */
    f = fopen(path, "w");
    fputs("a,vaue\n1,x\n", f);
    fclose(f);
    assert_int_equal(mc_csv_chunks_open(&c, path, &o, 2), MC_EINPUT);
    assert_non_null(strstr(mc_error_last()->message, "column 'value', an input of the model, is "
                                                     "not in the header (did you mean 'vaue'?)"));
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_input_gradient_finite_differences),
        cmocka_unit_test(test_additive_model_closed_form),
        cmocka_unit_test(test_ig_grid_doubles_until_the_gap_meets_the_tolerance),
        cmocka_unit_test(test_exact_shapley_bound),
        cmocka_unit_test(test_chunks_match_the_whole_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
