/* DP-SGD's parts (reference/mc_dpsgd.c, mc_dp_noise.c): the clipped backward
 * pass against per-row gradients computed one row at a time (the naive
 * reference), the key derivation against Python's hmac module, the keyed
 * streams (repeatable, independent per purpose, step and secret), Poisson
 * sampling's rate, and the Gaussian noise's moments. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mc_dp_noise.h"
#include "mc_dpsgd.h"
#include "mc_error.h"
#include "mc_nn.h"
#include "mc_rng.h"
#include "mc_train.h"

/* ---- the clipped backward pass ------------------------------------------------------ */

enum { B = 6, IN = 5 };

static mc_nn *small_net(void)
{
    mc_nn_layer layers[] = {
        {.kind = MC_LAYER_DENSE, .out = 7, .act = MC_ACT_TANH},
        {.kind = MC_LAYER_DENSE, .out = 4, .act = MC_ACT_RELU},
        {.kind = MC_LAYER_DENSE, .out = 1, .act = MC_ACT_SIGMOID},
    };
    mc_nn *nn = NULL;
    assert_int_equal(mc_nn_create(&nn, IN, layers, 3), MC_OK);
    mc_rng r;
    mc_rng_init(&r, 9, MC_STREAM_INIT, 0);
    for (size_t i = 0; i < nn->n_params; i++)
        nn->params[i] = (float)(2.0 * mc_rng_uniform(&r) - 1.0);
    return nn;
}

/* Each row's gradient alone (a batch of one), its norm over every parameter,
 * clipped to C, summed: what DP-SGD defines. */
static void naive_clipped(float *sum, double *norms, mc_nn *nn, const float *x, const float *y,
                          double C)
{
    mc_nn_work *w = NULL;
    assert_int_equal(mc_nn_work_create(&w, nn, 1), MC_OK);
    float *g = calloc(nn->n_params, sizeof *g);
    memset(sum, 0, nn->n_params * sizeof *sum);
    for (int r = 0; r < B; r++) {
        const float *out = mc_nn_forward(nn, w, x + r * IN, 1, 0, 0, 0, MC_NUMERICS_REFERENCE);
        float dout;
        int pre = 0;
        mc_loss_batch(&dout, &pre, MC_LOSS_BINARY_CROSSENTROPY, w->pre[2], out, y + r, 1, 1);
        memset(g, 0, nn->n_params * sizeof *g);
        mc_nn_backward(nn, w, g, &dout, 1, pre, MC_NUMERICS_REFERENCE);
        double s = 0;
        for (size_t i = 0; i < nn->n_params; i++)
            s += (double)g[i] * g[i];
        norms[r] = sqrt(s);
        double f = norms[r] > C ? C / norms[r] : 1.0;
        for (size_t i = 0; i < nn->n_params; i++)
            sum[i] += (float)(f * g[i]);
    }
    free(g);
    mc_nn_work_free(w, nn);
}

static void check_clipped(double C, mc_numerics num)
{
    mc_nn *nn = small_net();
    float x[B * IN], y[B], dout[B];
    mc_rng r;
    mc_rng_init(&r, 3, MC_STREAM_SPLIT, 0);
    for (int i = 0; i < B * IN; i++)
        x[i] = (float)(4.0 * mc_rng_uniform(&r) - 2.0);
    for (int i = 0; i < B; i++)
        y[i] = (float)(i % 2);
    float *want = malloc(nn->n_params * sizeof *want), *got = calloc(nn->n_params, sizeof *got);
    double want_norms[B], got_norms[B];
    naive_clipped(want, want_norms, nn, x, y, C);
    mc_nn_work *w = NULL;
    assert_int_equal(mc_nn_work_create(&w, nn, B), MC_OK);
    const float *out = mc_nn_forward(nn, w, x, B, 0, 0, 0, num);
    int pre = 0;
    for (int i = 0; i < B; i++)
        mc_loss_batch(dout + i, &pre, MC_LOSS_BINARY_CROSSENTROPY, w->pre[2] + i, out + i, y + i,
                      1, 1);
    mc_nn_backward_clipped(nn, w, got, got_norms, dout, B, pre, C, num);
    int clipped = 0;
    for (int i = 0; i < B; i++) {
        assert_true(fabs(got_norms[i] - want_norms[i]) <= 1e-5 * want_norms[i]);
        clipped += want_norms[i] > C;
    }
    if (C < 1e9)
        assert_true(clipped >= 2); /* the case exercises clipping */
    for (size_t i = 0; i < nn->n_params; i++)
        if (fabs(got[i] - want[i]) > 1e-5 + 1e-4 * fabs(want[i])) {
            print_error("param %zu: clipped %.9g, naive %.9g\n", i, got[i], want[i]);
            fail();
        }
    free(want);
    free(got);
    mc_nn_work_free(w, nn);
    mc_nn_free(nn);
}

static void test_clipped_backward_matches_per_row(void **state)
{
    (void)state;
    check_clipped(0.05, MC_NUMERICS_REFERENCE);
    check_clipped(0.05, MC_NUMERICS_FAST);
    check_clipped(1e30, MC_NUMERICS_REFERENCE); /* no clipping: the plain batch sum */
}

/* ---- keys and streams ------------------------------------------------------------------ */

/* python3 -c "import hmac,hashlib,struct; print(hmac.new(b'0123456789abcdef-secret-one',
 *   b'modelcert/dp-sgd/v1' + struct.pack('<Q', 5), hashlib.sha256).hexdigest())" */
static void test_key_derivation(void **state)
{
    (void)state;
    static const char *want = "6bae9fe63e088264013a1bb9625fea3161f84ec77e7eca7c33f11b2383ca31eb";
    uint8_t key[MC_DP_KEY_LEN];
    const char *secret = "0123456789abcdef-secret-one";
    assert_int_equal(mc_dp_key_derive(key, secret, strlen(secret), 5), MC_OK);
    char hex[65];
    for (int i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", key[i]);
    assert_string_equal(hex, want);
    assert_int_equal(mc_dp_key_derive(key, "short", 5, 5), MC_EINPUT);
}

static void draw(double *u, int n, const char *secret, mc_dp_purpose p, uint64_t step)
{
    uint8_t key[MC_DP_KEY_LEN];
    mc_dp_stream *s = NULL;
    assert_int_equal(mc_dp_key_derive(key, secret, strlen(secret), 1), MC_OK);
    assert_int_equal(mc_dp_stream_create(&s, key), MC_OK);
    assert_int_equal(mc_dp_stream_start(s, p, step), MC_OK);
    for (int i = 0; i < n; i++) {
        assert_int_equal(mc_dp_stream_uniform(s, u + i), MC_OK);
        assert_true(u[i] > 0.0 && u[i] <= 1.0);
    }
    mc_dp_stream_free(s);
}

static void test_streams(void **state)
{
    (void)state;
    enum { N = 1500 }; /* crosses a refill */
    static double a[N], b[N], c[N], d[N], e[N];
    draw(a, N, "secret-number-one!", MC_DP_NOISE, 7);
    draw(b, N, "secret-number-one!", MC_DP_NOISE, 7);
    draw(c, N, "secret-number-two!", MC_DP_NOISE, 7);
    draw(d, N, "secret-number-one!", MC_DP_NOISE, 8);
    draw(e, N, "secret-number-one!", MC_DP_SAMPLE, 7);
    assert_memory_equal(a, b, sizeof a);
    int same_c = 0, same_d = 0, same_e = 0;
    double mean = 0;
    for (int i = 0; i < N; i++) {
        same_c += a[i] == c[i], same_d += a[i] == d[i], same_e += a[i] == e[i];
        mean += a[i] / N;
    }
    assert_true(same_c == 0 && same_d == 0 && same_e == 0);
    assert_true(fabs(mean - 0.5) < 0.03);
}

static void test_poisson_and_gaussian(void **state)
{
    (void)state;
    uint8_t key[MC_DP_KEY_LEN];
    mc_dp_stream *s = NULL;
    assert_int_equal(mc_dp_key_derive(key, "secret-number-one!", 18, 1), MC_OK);
    assert_int_equal(mc_dp_stream_create(&s, key), MC_OK);
    enum { N = 20000 };
    static uint32_t rows[N];
    size_t total = 0, m;
    for (uint64_t step = 0; step < 50; step++) {
        assert_int_equal(mc_dp_stream_start(s, MC_DP_SAMPLE, step), MC_OK);
        assert_int_equal(mc_dp_poisson_sample(rows, &m, s, N, 0.01), MC_OK);
        for (size_t i = 1; i < m; i++)
            assert_true(rows[i] > rows[i - 1] && rows[i] < N);
        total += m;
    }
    /* 50 x 20000 x 0.01 = 10000 expected; sd 99.5 */
    assert_in_range(total, 9600, 10400);
    assert_int_equal(mc_dp_poisson_sample(rows, &m, s, 10, 1.0), MC_OK);
    assert_int_equal(m, 10);
    assert_int_equal(mc_dp_poisson_sample(rows, &m, s, 10, 0.0), MC_OK);
    assert_int_equal(m, 0);

    static float z[100001];
    assert_int_equal(mc_dp_stream_start(s, MC_DP_NOISE, 3), MC_OK);
    assert_int_equal(mc_dp_fill_gaussian(z, 100001, 2.0, s), MC_OK);
    double mean = 0, var = 0, big = 0, max = 0;
    for (int i = 0; i < 100001; i++)
        mean += z[i] / 100001.0;
    for (int i = 0; i < 100001; i++) {
        var += (z[i] - mean) * (z[i] - mean) / 100000.0;
        big += fabs(z[i]) > 4.0; /* beyond 2 sd: 4.55% */
        max = fabs(z[i]) > max ? fabs(z[i]) : max;
    }
    assert_true(fabs(mean) < 0.03);      /* sd of the mean: 0.0063 */
    assert_true(fabs(var - 4.0) < 0.12); /* sd of the variance: 0.018 */
    assert_in_range((long)big, 4350, 4750); /* sd 66 */
    assert_true(max <= 2.0 * 6.6);
    mc_dp_stream_free(s);
}

/* The noise a step ahead on a thread, and without: the same bits, in order
 * and out of order. */
static void test_ahead_threaded_same_bits(void **state)
{
    (void)state;
    uint8_t key[MC_DP_KEY_LEN];
    assert_int_equal(mc_dp_key_derive(key, "secret-number-one!", 18, 4), MC_OK);
    enum { N = 5001 };
    static float a[N], b[N];
    mc_dp_ahead *serial = NULL, *threaded = NULL;
    assert_int_equal(mc_dp_ahead_create(&serial, key, N, 1.5, 0), MC_OK);
    assert_int_equal(mc_dp_ahead_create(&threaded, key, N, 1.5, 1), MC_OK);
    const uint64_t steps[] = {0, 1, 2, 3, 7, 8, 2};
    for (size_t k = 0; k < sizeof steps / sizeof steps[0]; k++) {
        for (int i = 0; i < N; i++)
            a[i] = b[i] = (float)i * 0.25f;
        assert_int_equal(mc_dp_ahead_add(serial, a, steps[k]), MC_OK);
        assert_int_equal(mc_dp_ahead_add(threaded, b, steps[k]), MC_OK);
        assert_memory_equal(a, b, sizeof a);
    }
    mc_dp_ahead_free(serial);
    mc_dp_ahead_free(threaded);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_clipped_backward_matches_per_row),
        cmocka_unit_test(test_key_derivation),
        cmocka_unit_test(test_streams),
        cmocka_unit_test(test_poisson_and_gaussian),
        cmocka_unit_test(test_ahead_threaded_same_bits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
