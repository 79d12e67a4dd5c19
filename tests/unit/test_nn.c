/* The numerical core: Philox known answers, the portable exp/log/tanh, a
 * finite-difference gradient check of every layer, activation and loss,
 * optimiser steps against values computed independently (numpy float32 with
 * Keras's update rules), and the reference kernels against the BLAS ones. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mc_math.h"
#include "mc_nn.h"
#include "mc_rng.h"
#include "mc_train.h"

/* ---- Philox4x32-10: the Random123 known-answer vectors --------------------------- */

static void test_philox_known_answers(void **state)
{
    (void)state;
    static const uint32_t cases[][10] = {
        {0, 0, 0, 0, 0, 0, 0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8},
        {0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0x408f276d,
         0x41c83b0e, 0xa20bc7c6, 0x6d5451fd},
        {0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0, 0xd16cfe09,
         0x94fdcceb, 0x5001e420, 0x24126ea1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint32_t out[4];
        mc_philox4x32_10(out, cases[i], cases[i] + 4);
        for (int k = 0; k < 4; k++)
            assert_int_equal(out[k], cases[i][6 + k]);
    }
}

static void test_rng_streams_independent_and_repeatable(void **state)
{
    (void)state;
    mc_rng a, b, c;
    mc_rng_init(&a, 42, MC_STREAM_SHUFFLE, 3);
    mc_rng_init(&b, 42, MC_STREAM_SHUFFLE, 3);
    mc_rng_init(&c, 42, MC_STREAM_DROPOUT, 3);
    int same_as_c = 0;
    for (int i = 0; i < 100; i++) {
        uint32_t x = mc_rng_u32(&a), y = mc_rng_u32(&b), z = mc_rng_u32(&c);
        assert_int_equal(x, y);
        same_as_c += x == z;
    }
    assert_true(same_as_c < 3);
    /* below(): unbiased and in range */
    mc_rng_init(&a, 7, MC_STREAM_SPLIT, 0);
    int counts[3] = {0};
    for (int i = 0; i < 30000; i++)
        counts[mc_rng_below(&a, 3)]++;
    for (int k = 0; k < 3; k++)
        assert_in_range(counts[k], 9500, 10500);
}

/* ---- portable math ------------------------------------------------------------------ */

static double ulps(double a, double b)
{
    if (a == b)
        return 0;
    return fabs(a - b) / (nextafter(fabs(b), INFINITY) - fabs(b));
}

static void test_math_accuracy(void **state)
{
    (void)state;
    double worst_exp = 0, worst_log = 0, worst_tanh = 0;
    for (double x = -700; x <= 700; x += 0.137) {
        double u = ulps(mc_exp(x), exp(x));
        worst_exp = u > worst_exp ? u : worst_exp;
    }
    for (double x = 1e-300; x < 1e300; x *= 1.37) {
        double u = ulps(mc_log(x), log(x));
        worst_log = u > worst_log ? u : worst_log;
    }
    for (double x = -30; x <= 30; x += 0.0137) {
        double t = tanh(x);
        double err = fabs(mc_tanh(x) - t) / (fabs(t) > 1e-3 ? fabs(t) : 1e-3);
        worst_tanh = err > worst_tanh ? err : worst_tanh;
    }
    print_message("worst: exp %.2f ulp, log %.2f ulp, tanh %.2e relative\n", worst_exp, worst_log,
                  worst_tanh);
    assert_true(worst_exp <= 2.0);
    assert_true(worst_log <= 2.0);
    assert_true(worst_tanh <= 1e-12);
    assert_true(mc_exp(-800) == 0.0);
    assert_true(isinf(mc_exp(800)));
    assert_true(isinf(mc_log(0)) && mc_log(0) < 0);
    assert_true(mc_log(1) == 0.0);
    assert_true(fabs(mc_sigmoid(-40) - 1 / (1 + exp(40))) < 1e-30);
}

/* ---- gradient check ------------------------------------------------------------------- */

typedef struct netcase {
    const char *name;
    mc_activation hidden;
    int with_dropout;
    int loss;
    mc_activation out_act;
    int out_units;
} netcase;

static void fill_uniform(float *v, size_t n, mc_rng *r, float scale)
{
    for (size_t i = 0; i < n; i++)
        v[i] = (mc_rng_uniform_f(r) * 2 - 1) * scale;
}

static double batch_loss(mc_nn *nn, mc_nn_work *w, const float *x, const float *y, int B, int loss,
                         float *dout, int *pre)
{
    const float *out = mc_nn_forward(nn, w, x, B, 1, 99, 5, MC_NUMERICS_REFERENCE);
    return mc_loss_batch(dout, pre, loss, w->pre[nn->n_layers - 1], out, y, B, nn->out) / B;
}

static void gradcheck(const netcase *nc)
{
    enum { B = 6, IN = 5, H = 7 };
    mc_nn_layer layers[4];
    int n = 0;
    memset(layers, 0, sizeof layers);
    layers[n++] = (mc_nn_layer){.kind = MC_LAYER_DENSE, .out = H, .act = nc->hidden, .slope = 0.2f};
    if (nc->with_dropout)
        layers[n++] = (mc_nn_layer){.kind = MC_LAYER_DROPOUT, .rate = 0.3f};
    layers[n++] = (mc_nn_layer){.kind = MC_LAYER_DENSE, .out = nc->out_units, .act = nc->out_act};
    mc_nn *nn = NULL;
    mc_nn_work *w = NULL;
    assert_int_equal(mc_nn_create(&nn, IN, layers, n), 0);
    assert_int_equal(mc_nn_work_create(&w, nn, B), 0);
    mc_rng r;
    mc_rng_init(&r, 1234, MC_STREAM_INIT, 0);
    fill_uniform(nn->params, nn->n_params, &r, 0.8f);
    float x[B * IN], y[B], dout[B * 8];
    fill_uniform(x, B * IN, &r, 1.5f);
    for (int i = 0; i < B; i++)
        y[i] = nc->loss == MC_LOSS_BINARY_CROSSENTROPY ? (float)(i % 2)
               : nc->out_units > 1                     ? (float)(i % nc->out_units)
                                                        : (float)(i - 2) * 0.7f;
    int pre = 0;
    batch_loss(nn, w, x, y, B, nc->loss, dout, &pre);
    float *grad = calloc(nn->n_params, sizeof *grad);
    mc_nn_backward(nn, w, grad, dout, B, pre, MC_NUMERICS_REFERENCE);
    double worst = 0;
    const float eps = 1e-3f;
    for (size_t i = 0; i < nn->n_params; i++) {
        float keep = nn->params[i];
        nn->params[i] = keep + eps;
        double lp = batch_loss(nn, w, x, y, B, nc->loss, dout, &pre);
        nn->params[i] = keep - eps;
        double lm = batch_loss(nn, w, x, y, B, nc->loss, dout, &pre);
        nn->params[i] = keep;
        double numeric = (lp - lm) / (2.0 * eps);
        /* The loss is float32, so the central difference carries noise of about
         * 1e-7 * loss / eps (1e-4 here): the bound is that plus 2% relative. */
        double diff = fabs(numeric - grad[i]);
        double scale = fmax(fabs(numeric), fabs((double)grad[i]));
        double err = diff / (1e-2 + scale);
        if (err > worst)
            worst = err;
        if (diff > 2e-4 + 2e-2 * scale)
            fail_msg("%s: parameter %zu: analytic %.6g, numeric %.6g", nc->name, i, (double)grad[i],
                     numeric);
    }
    print_message("%-34s worst relative error %.2e over %zu parameters\n", nc->name, worst,
                  nn->n_params);
    free(grad);
    mc_nn_work_free(w, nn);
    mc_nn_free(nn);
}

static void test_gradients(void **state)
{
    (void)state;
    static const netcase cases[] = {
        {"relu + sigmoid/bce", MC_ACT_RELU, 0, MC_LOSS_BINARY_CROSSENTROPY, MC_ACT_SIGMOID, 1},
        {"sigmoid + sigmoid/bce", MC_ACT_SIGMOID, 0, MC_LOSS_BINARY_CROSSENTROPY, MC_ACT_SIGMOID, 1},
        {"tanh + dropout + sigmoid/bce", MC_ACT_TANH, 1, MC_LOSS_BINARY_CROSSENTROPY, MC_ACT_SIGMOID, 1},
        {"leaky_relu + softmax/cce", MC_ACT_LEAKY_RELU, 0, MC_LOSS_CATEGORICAL_CROSSENTROPY, MC_ACT_SOFTMAX, 3},
        {"linear + softmax/sparse cce", MC_ACT_LINEAR, 0, MC_LOSS_SPARSE_CATEGORICAL_CROSSENTROPY, MC_ACT_SOFTMAX, 4},
        {"softmax (hidden) + linear/mse", MC_ACT_SOFTMAX, 0, MC_LOSS_MSE, MC_ACT_LINEAR, 1},
        {"tanh + dropout + linear/mae", MC_ACT_TANH, 1, MC_LOSS_MAE, MC_ACT_LINEAR, 1},
        {"relu + tanh/mse", MC_ACT_RELU, 0, MC_LOSS_MSE, MC_ACT_TANH, 1},
        {"sigmoid + sigmoid/mse", MC_ACT_SIGMOID, 0, MC_LOSS_MSE, MC_ACT_SIGMOID, 1},
        {"leaky_relu + dropout + leaky/mse", MC_ACT_LEAKY_RELU, 1, MC_LOSS_MSE, MC_ACT_LEAKY_RELU, 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        gradcheck(&cases[i]);
}

/* ---- optimisers -------------------------------------------------------------------------- */

static void run_optimizer(const mc_optimizer *cfg, const float expect[3])
{
    float w[3] = {1.0f, -2.0f, 0.5f};
    const float g[2][3] = {{0.1f, -0.2f, 0.3f}, {-0.05f, 0.4f, 0.3f}};
    mc_optim *o = NULL;
    assert_int_equal(mc_optim_create(&o, cfg, 3), 0);
    mc_optim_step(o, w, g[0]);
    mc_optim_step(o, w, g[1]);
    mc_optim_free(o);
    for (int i = 0; i < 3; i++)
        if (w[i] != expect[i])
            fail_msg("optimizer %d: w[%d] = %.9g, expected %.9g", cfg->type, i, (double)w[i],
                     (double)expect[i]);
}

static void test_optimizer_steps(void **state)
{
    (void)state;
    /* Expected values: numpy float32 with Keras's update rules, two steps
     * (tests/unit/test_nn.c documents the script in the commit message). */
    mc_optimizer adam = {.type = MC_OPT_ADAM, .learning_rate = 0.001, .beta_1 = 0.9, .beta_2 = 0.999,
                         .epsilon = 1e-7};
    run_optimizer(&adam, (const float[]){0.9987336993217468f, -1.999366044998169f, 0.49800002574920654f});
    mc_optimizer adamw = adam;
    adamw.type = MC_OPT_ADAMW;
    adamw.weight_decay = 0.004;
    run_optimizer(&adamw, (const float[]){0.9987257122993469f, -1.9993500709533691f, 0.4979960322380066f});
    mc_optimizer sgd = {.type = MC_OPT_SGD, .learning_rate = 0.01, .momentum = 0.9};
    run_optimizer(&sgd, (const float[]){0.9986000061035156f, -2.000200033187866f, 0.4913000166416168f});
    sgd.nesterov = true;
    run_optimizer(&sgd, (const float[]){0.9982399940490723f, -2.0021798610687256f, 0.4861699938774109f});
    mc_optimizer rms = {.type = MC_OPT_RMSPROP, .learning_rate = 0.001, .rho = 0.9, .epsilon = 1e-7};
    run_optimizer(&rms, (const float[]){0.99831223487854f, -1.99969482421875f, 0.49454358220100403f});
}

static void test_adam_first_step_by_hand(void **state)
{
    (void)state;
    /* After one step, m = 0.1 g, v = 0.001 g^2 and alpha = lr sqrt(0.001) / 0.1, so
     * the step is lr * |g| sqrt(0.001) / (|g| sqrt(0.001) + eps): almost exactly lr. */
    mc_optimizer adam = {.type = MC_OPT_ADAM, .learning_rate = 0.001, .beta_1 = 0.9, .beta_2 = 0.999,
                         .epsilon = 1e-7};
    float w[1] = {1.0f}, g[1] = {0.5f};
    mc_optim *o = NULL;
    assert_int_equal(mc_optim_create(&o, &adam, 1), 0);
    mc_optim_step(o, w, g);
    mc_optim_free(o);
    double s = sqrt(0.001) * 0.5;
    assert_float_equal(w[0], 1.0 - 0.001 * s / (s + 1e-7), 2e-7);
}

/* ---- reference kernels against BLAS -------------------------------------------------------- */

static void test_reference_matches_blas(void **state)
{
    (void)state;
    enum { B = 37, K = 29, N = 41 };
    mc_rng r;
    mc_rng_init(&r, 5, MC_STREAM_INIT, 9);
    float x[B * K], wt[K * N], b[N], dout[B * N];
    fill_uniform(x, B * K, &r, 2);
    fill_uniform(wt, K * N, &r, 1);
    fill_uniform(b, N, &r, 1);
    fill_uniform(dout, B * N, &r, 1);
    float y1[B * N], y2[B * N];
    mc_dense_forward(y1, x, wt, b, B, K, N, MC_NUMERICS_REFERENCE);
    mc_dense_forward(y2, x, wt, b, B, K, N, MC_NUMERICS_FAST);
    for (int i = 0; i < B * N; i++)
        assert_float_equal(y1[i], y2[i], 1e-5 * (1 + fabsf(y1[i])));
    float dx1[B * K], dx2[B * K], dw1[K * N] = {0}, dw2[K * N] = {0}, db1[N] = {0}, db2[N] = {0};
    mc_dense_backward(dx1, dw1, db1, dout, x, wt, B, K, N, MC_NUMERICS_REFERENCE);
    mc_dense_backward(dx2, dw2, db2, dout, x, wt, B, K, N, MC_NUMERICS_FAST);
    for (int i = 0; i < B * K; i++)
        assert_float_equal(dx1[i], dx2[i], 1e-5 * (1 + fabsf(dx1[i])));
    for (int i = 0; i < K * N; i++)
        assert_float_equal(dw1[i], dw2[i], 1e-5 * (1 + fabsf(dw1[i])));
    for (int i = 0; i < N; i++)
        assert_float_equal(db1[i], db2[i], 1e-5 * (1 + fabsf(db1[i])));
}

static void test_predict_rows_independent(void **state)
{
    (void)state;
    /* A row's output never depends on the rows around it, in either numerics. */
    mc_nn_layer layers[2] = {{.kind = MC_LAYER_DENSE, .out = 16, .act = MC_ACT_RELU},
                             {.kind = MC_LAYER_DENSE, .out = 1, .act = MC_ACT_SIGMOID}};
    mc_nn *nn = NULL;
    assert_int_equal(mc_nn_create(&nn, 8, layers, 2), 0);
    mc_rng r;
    mc_rng_init(&r, 8, MC_STREAM_INIT, 0);
    fill_uniform(nn->params, nn->n_params, &r, 0.5f);
    enum { N = 600 };
    float *x = malloc(N * 8 * sizeof *x), all[N], one[1];
    fill_uniform(x, N * 8, &r, 2);
    assert_int_equal(mc_nn_predict(nn, x, N, all), 0);
    for (int i = 0; i < N; i += 37) {
        assert_int_equal(mc_nn_predict(nn, x + i * 8, 1, one), 0);
        assert_memory_equal(&one[0], &all[i], sizeof(float));
    }
    free(x);
    mc_nn_free(nn);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_philox_known_answers),
        cmocka_unit_test(test_rng_streams_independent_and_repeatable),
        cmocka_unit_test(test_math_accuracy),
        cmocka_unit_test(test_gradients),
        cmocka_unit_test(test_optimizer_steps),
        cmocka_unit_test(test_adam_first_step_by_hand),
        cmocka_unit_test(test_reference_matches_blas),
        cmocka_unit_test(test_predict_rows_independent),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
