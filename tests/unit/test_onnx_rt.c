/* onnx/: the interpreter's pieces a unit test reaches best (docs/onnx.md). The vectorizable
 * Gemm kernel gives the bits of the naive one (a fused multiply-add chain over k in order) for
 * float and double, every transposition and odd sizes, with the AVX2 tile and without, and
 * so does its float-output form (a bias row, a fused Relu); the naive one gives a textbook
 * product;
 * shapes are checked at their bounds (a dimension of 2^31 and one over it, rank 8 and 9, a
 * byte limit met exactly and missed by one), before anything is allocated. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mc_error.h"
#include "mc_onnx_ops.h"

static uint64_t lcg = 88172645463325252ull;

static double next_value(void)
{
    lcg = lcg * 6364136223846793005ull + 1442695040888963407ull;
    return (double)(lcg >> 11) / 9007199254740992.0 * 4.0 - 2.0;
}

static void tensor(mc_onnx_tensor *t, int dtype, int64_t d0, int64_t d1)
{
    int64_t dims[2] = {d0, d1};
    assert_int_equal(mc_onnx_shape_set(t, dtype, dims, 2, MC_ONNX_BUDGET, "t"), MC_OK);
    assert_int_equal(mc_onnx_tensor_alloc(t), MC_OK);
    for (size_t i = 0; i < t->n; i++)
        mc_onnx_put(t, i, next_value());
}

static void fast_equals_ref(int dtype)
{
    const size_t sizes[][3] = {{1, 1, 1},  {7, 13, 37},  {64, 9, 5},  {3, 128, 64},
                               {70, 1, 300}, {9, 40, 33}, {8, 16, 5}, {13, 128, 32}};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++)
        for (int ta = 0; ta < 2; ta++)
            for (int tb = 0; tb < 2; tb++) {
                size_t m = sizes[s][0], n = sizes[s][1], k = sizes[s][2];
                mc_onnx_tensor a = {0}, b = {0};
                tensor(&a, dtype, (int64_t)(ta ? k : m), (int64_t)(ta ? m : k));
                tensor(&b, dtype, (int64_t)(tb ? n : k), (int64_t)(tb ? k : n));
                double *r = calloc(m * n, sizeof *r), *f = calloc(m * n, sizeof *f);
                void *scratch = NULL;
                assert_non_null(r);
                assert_non_null(f);
                mc_onnx_gemm_ref(r, 0, m, m, n, k, &a, ta, &b, tb, 0.5);
                for (size_t i0 = 0; i0 < m; i0 += 5) /* in blocks, as the kernel is called */
                    assert_int_equal(mc_onnx_gemm_fast(f + i0 * n, i0, m - i0 < 5 ? m - i0 : 5, m,
                                                       n, k, &a, ta, &b, tb, 0.5, &scratch),
                                     MC_OK);
                assert_memory_equal(r, f, m * n * sizeof *r);
                free(scratch);
                free(r);
                free(f);
                mc_onnx_tensor_release(&a);
                mc_onnx_tensor_release(&b);
            }
}

static void test_gemm_fast_equals_ref_float(void **state)
{
    (void)state;
    fast_equals_ref(MC_OT_FLOAT); /* the AVX2 tile where this CPU has it */
    mc_onnx_gemm_use_simd(0);
    fast_equals_ref(MC_OT_FLOAT); /* the plain tile */
    mc_onnx_gemm_use_simd(1);
}

static void test_gemm_fast_equals_ref_double(void **state)
{
    (void)state;
    fast_equals_ref(MC_OT_DOUBLE);
}

/* The float-output kernel (Gemm's float rows with a bias row and a fused Relu): each value
 * is the naive sum's alpha * s + bias[j] rounded once to float, then 0 > y ? 0 : y, bit for
 * bit, with the AVX2 tile (8 lanes) and without; every size class (tiles, edge columns, edge
 * rows, 8-row chains) and transposition. */
static void fast_f_equals_ref(void)
{
    const size_t sizes[][3] = {{1, 1, 1},    {7, 13, 37},  {64, 9, 5},   {3, 128, 64},
                               {70, 1, 300}, {9, 40, 33},  {8, 16, 5},   {13, 128, 32},
                               {64, 1, 64},  {21, 17, 3},  {64, 64, 128}};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++)
        for (int v = 0; v < 8; v++) { /* ta, tb, with bias and relu: each combination */
            int ta = v & 1, tb = (v >> 1) & 1, relu = (v >> 2) & 1, with_bias = v != 2;
            size_t m = sizes[s][0], n = sizes[s][1], k = sizes[s][2];
            mc_onnx_tensor a = {0}, b = {0};
            tensor(&a, MC_OT_FLOAT, (int64_t)(ta ? k : m), (int64_t)(ta ? m : k));
            tensor(&b, MC_OT_FLOAT, (int64_t)(tb ? n : k), (int64_t)(tb ? k : n));
            double *r = calloc(m * n, sizeof *r), *bias = calloc(n, sizeof *bias);
            float *want = calloc(m * n, sizeof *want), *got = calloc(m * n, sizeof *got);
            void *scratch = NULL;
            assert_true(r && bias && want && got);
            for (size_t j = 0; j < n; j++)
                bias[j] = (double)(float)next_value();
            mc_onnx_gemm_ref(r, 0, m, m, n, k, &a, ta, &b, tb, 0.75);
            for (size_t i = 0; i < m * n; i++) {
                float y = (float)(r[i] + (with_bias ? bias[i % n] : 0.0));
                want[i] = relu && 0.0f > y ? 0.0f : y;
            }
            for (size_t i0 = 0; i0 < m; i0 += 21) /* in blocks, as the kernel is called */
                assert_int_equal(mc_onnx_gemm_fast_f(got + i0 * n, i0, m - i0 < 21 ? m - i0 : 21,
                                                     m, n, k, &a, ta, &b, tb, 0.75,
                                                     with_bias ? bias : NULL, relu, &scratch),
                                 MC_OK);
            assert_memory_equal(want, got, m * n * sizeof *got);
            free(scratch);
            free(r), free(bias), free(want), free(got);
            mc_onnx_tensor_release(&a);
            mc_onnx_tensor_release(&b);
        }
}

static void test_gemm_fast_f_equals_ref(void **state)
{
    (void)state;
    fast_f_equals_ref(); /* the AVX2 tile and 8-row chains where this CPU has them */
    mc_onnx_gemm_use_simd(0);
    fast_f_equals_ref(); /* the plain tile and chains */
    mc_onnx_gemm_use_simd(1);
}

static void test_gemm_textbook(void **state)
{
    (void)state;
    float av[4] = {1, 2, 3, 4}, bv[4] = {5, 6, 7, 8};
    mc_onnx_tensor a = {MC_OT_FLOAT, 2, {2, 2}, 4, av, 1}, b = {MC_OT_FLOAT, 2, {2, 2}, 4, bv, 1};
    double c[4];
    mc_onnx_gemm_ref(c, 0, 2, 2, 2, 2, &a, 0, &b, 0, 1.0);
    assert_true(c[0] == 19 && c[1] == 22 && c[2] == 43 && c[3] == 50);
    mc_onnx_gemm_ref(c, 0, 2, 2, 2, 2, &a, 1, &b, 1, 1.0); /* A^T B^T = (B A)^T */
    assert_true(c[0] == 23 && c[1] == 31 && c[2] == 34 && c[3] == 46);
}

static void test_shape_bounds(void **state)
{
    (void)state;
    mc_onnx_tensor t = {0};
    int64_t d = MC_ONNX_MAX_DIM;
    assert_int_equal(mc_onnx_shape_set(&t, MC_OT_BOOL, &d, 1, (size_t)1 << 31, "t"), MC_OK);
    assert_int_equal(t.n, (size_t)1 << 31);
    d = MC_ONNX_MAX_DIM + 1;
    assert_int_equal(mc_onnx_shape_set(&t, MC_OT_BOOL, &d, 1, SIZE_MAX, "t"), MC_EINPUT);
    assert_non_null(strstr(mc_error_last()->message,
                           "dimension 0 is 2147483649, outside 0..2147483648"));
    d = -1;
    assert_int_equal(mc_onnx_shape_set(&t, MC_OT_FLOAT, &d, 1, SIZE_MAX, "t"), MC_EINPUT);
    int64_t dims[9] = {1, 1, 1, 1, 1, 1, 1, 1, 1};
    assert_int_equal(mc_onnx_shape_set(&t, MC_OT_FLOAT, dims, 8, 64, "t"), MC_OK);
    assert_int_equal(mc_onnx_shape_set(&t, MC_OT_FLOAT, dims, 9, 64, "t"), MC_EINPUT);
    assert_non_null(strstr(mc_error_last()->message, "rank 9 is over the limit of 8"));
    d = 256; /* 1024 bytes of float: a limit of 1024 holds it, 1023 does not */
    assert_int_equal(mc_onnx_shape_set(&t, MC_OT_FLOAT, &d, 1, 1024, "t"), MC_OK);
    assert_int_equal(mc_onnx_shape_set(&t, MC_OT_FLOAT, &d, 1, 1023, "w"), MC_EINPUT);
    assert_non_null(strstr(mc_error_last()->message,
                           "w: the shape [256] of float needs more than 1023 bytes (the limit)"));
    int64_t big[3] = {MC_ONNX_MAX_DIM, MC_ONNX_MAX_DIM, MC_ONNX_MAX_DIM}; /* 2^93: no overflow */
    assert_int_equal(mc_onnx_shape_set(&t, MC_OT_DOUBLE, big, 3, SIZE_MAX, "t"), MC_EINPUT);
    assert_int_equal(mc_onnx_shape_set(&t, 99, &d, 1, SIZE_MAX, "t"), MC_EINPUT);
    assert_non_null(strstr(mc_error_last()->message, "data type type 99 is not supported"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gemm_fast_equals_ref_float),
        cmocka_unit_test(test_gemm_fast_equals_ref_double),
        cmocka_unit_test(test_gemm_fast_f_equals_ref),
        cmocka_unit_test(test_gemm_textbook),
        cmocka_unit_test(test_shape_bounds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
