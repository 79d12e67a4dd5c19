/* The ONNX interpreter's network kernels (docs/onnx.md "Operators"): Gemm and MatMul on one
 * naive kernel (for each output a fused multiply-add chain in the inputs' type over k in
 * order, as ONNX Runtime's MLAS kernels sum a dense layer; fmaf is correctly rounded, so the
 * bits are the same on every machine, and a row's result never depends on the rows around it
 * or on threads), Softmax and LogSoftmax
 * (the 2-D coercion of opsets before 13, one axis from 13), BatchNormalization at inference,
 * ReduceMax. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mc_math.h"
#include "mc_onnx_ops.h"

/* Rows [i0, i0 + r) of alpha * op(A) B, B laid out [k][n]: for each row, acc[j] is a chain of
 * fused multiply-adds over q in order, the loop over j vectorizable (x86-64: a clone for CPUs
 * with FMA; fma is correctly rounded, so both clones give the same bits). */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define MC_FMA_CLONES __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define MC_FMA_CLONES
#endif
/* One tile of TR rows by TC columns of a float product, each of its chains over k in order:
 * with AVX2 and FMA the 8 accumulators stay in registers (vfmadd is correctly rounded, as
 * fmaf is, so the bits are those of the plain loop below, which runs elsewhere). */
enum { TR = 4, TC = 16 };
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define MC_HAVE_AVX2_TILE 1
__attribute__((target("avx2,fma"))) static void tile_avx2(float t[TR][TC], size_t i, size_t j0,
                                                          size_t m, size_t n, size_t k,
                                                          const float *A, int ta,
                                                          const float *B)
{
    __m256 c00 = _mm256_setzero_ps(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00,
           c30 = c00, c31 = c00;
    for (size_t q = 0; q < k; q++) {
        const float *bq = B + q * n + j0;
        __m256 b0 = _mm256_loadu_ps(bq), b1 = _mm256_loadu_ps(bq + 8);
        __m256 a0 = _mm256_set1_ps(A[ta ? q * m + i : i * k + q]);
        __m256 a1 = _mm256_set1_ps(A[ta ? q * m + i + 1 : (i + 1) * k + q]);
        __m256 a2 = _mm256_set1_ps(A[ta ? q * m + i + 2 : (i + 2) * k + q]);
        __m256 a3 = _mm256_set1_ps(A[ta ? q * m + i + 3 : (i + 3) * k + q]);
        c00 = _mm256_fmadd_ps(a0, b0, c00);
        c01 = _mm256_fmadd_ps(a0, b1, c01);
        c10 = _mm256_fmadd_ps(a1, b0, c10);
        c11 = _mm256_fmadd_ps(a1, b1, c11);
        c20 = _mm256_fmadd_ps(a2, b0, c20);
        c21 = _mm256_fmadd_ps(a2, b1, c21);
        c30 = _mm256_fmadd_ps(a3, b0, c30);
        c31 = _mm256_fmadd_ps(a3, b1, c31);
    }
    _mm256_storeu_ps(t[0], c00);
    _mm256_storeu_ps(t[0] + 8, c01);
    _mm256_storeu_ps(t[1], c10);
    _mm256_storeu_ps(t[1] + 8, c11);
    _mm256_storeu_ps(t[2], c20);
    _mm256_storeu_ps(t[2] + 8, c21);
    _mm256_storeu_ps(t[3], c30);
    _mm256_storeu_ps(t[3] + 8, c31);
}
#endif

static void tile_plain(float t[TR][TC], size_t i, size_t j0, size_t m, size_t n, size_t k,
                       const float *A, int ta, const float *B)
{
    for (int ii = 0; ii < TR; ii++)
        for (int jj = 0; jj < TC; jj++) {
            float s = 0.0f;
            for (size_t q = 0; q < k; q++)
                s = __builtin_fmaf(A[ta ? q * m + i + (size_t)ii : (i + (size_t)ii) * k + q],
                                   B[q * n + j0 + (size_t)jj], s);
            t[ii][jj] = s;
        }
}

static int simd_allowed = 1;

void mc_onnx_gemm_use_simd(int on)
{
    simd_allowed = on;
}

static void rows_f(double *c, size_t i0, size_t r, size_t m, size_t n, size_t k, const float *A,
                   int ta, const float *B, double alpha)
{
    size_t i = i0, end = i0 + r, nt = n - n % TC;
#ifdef MC_HAVE_AVX2_TILE
    const int avx2 = simd_allowed && __builtin_cpu_supports("avx2") &&
                     __builtin_cpu_supports("fma");
#endif
    for (; i < end; i += TR) {
        size_t rows = end - i < TR ? end - i : TR;
        for (size_t j0 = 0; rows == TR && j0 < nt; j0 += TC) {
            float t[TR][TC];
#ifdef MC_HAVE_AVX2_TILE
            if (avx2)
                tile_avx2(t, i, j0, m, n, k, A, ta, B);
            else
#endif
                tile_plain(t, i, j0, m, n, k, A, ta, B);
            for (int ii = 0; ii < TR; ii++)
                for (int jj = 0; jj < TC; jj++)
                    c[(i + (size_t)ii - i0) * n + j0 + (size_t)jj] = alpha * (double)t[ii][jj];
        }
        for (size_t ii = 0; ii < rows; ii++) /* the edges: one chain at a time */
            for (size_t j = rows == TR ? nt : 0; j < n; j++) {
                float s = 0.0f;
                for (size_t q = 0; q < k; q++)
                    s = __builtin_fmaf(A[ta ? q * m + i + ii : (i + ii) * k + q], B[q * n + j], s);
                c[(i + ii - i0) * n + j] = alpha * (double)s;
            }
    }
}

MC_FMA_CLONES
static void rows_d(double *c, size_t i0, size_t r, size_t m, size_t n, size_t k, const double *A,
                   int ta, const double *B, double alpha, double *acc)
{
    for (size_t i = i0; i < i0 + r; i++) {
        for (size_t j = 0; j < n; j++)
            acc[j] = 0.0;
        for (size_t q = 0; q < k; q++) {
            const double aq = A[ta ? q * m + i : i * k + q], *bq = B + q * n;
            for (size_t j = 0; j < n; j++)
                acc[j] = __builtin_fma(aq, bq[j], acc[j]);
        }
        for (size_t j = 0; j < n; j++)
            c[(i - i0) * n + j] = alpha * acc[j];
    }
}

void mc_onnx_gemm_ref(double *c, size_t i0, size_t r, size_t m, size_t n, size_t k,
                      const mc_onnx_tensor *a, int ta, const mc_onnx_tensor *b, int tb,
                      double alpha)
{
    for (size_t i = i0; i < i0 + r; i++)
        for (size_t j = 0; j < n; j++) {
            double s = 0.0;
            if (a->dtype == MC_OT_FLOAT) {
                const float *A = a->data, *B = b->data;
                float f = 0.0f;
                for (size_t q = 0; q < k; q++)
                    f = __builtin_fmaf(A[ta ? q * m + i : i * k + q],
                                       B[tb ? j * k + q : q * n + j], f);
                s = f;
            } else {
                const double *A = a->data, *B = b->data;
                for (size_t q = 0; q < k; q++)
                    s = __builtin_fma(A[ta ? q * m + i : i * k + q],
                                      B[tb ? j * k + q : q * n + j], s);
            }
            c[(i - i0) * n + j] = alpha * s;
        }
}

/* The fast kernel: B copied to [k][n] when transposed, then rows_f or rows_d. Gives the bits
 * of mc_onnx_gemm_ref (tests/unit/test_onnx_rt.c). */
int mc_onnx_gemm_fast(double *c, size_t i0, size_t r, size_t m, size_t n, size_t k,
                      const mc_onnx_tensor *a, int ta, const mc_onnx_tensor *b, int tb,
                      double alpha, void **scratch)
{
    size_t es = mc_onnx_dtype_size(a->dtype);
    if (!*scratch) { /* [k][n] B, then n accumulators */
        unsigned char *s = malloc((k * n + n + 1) * es);
        if (!s)
            return mc_error_nomem();
        for (size_t q = 0; q < k; q++)
            for (size_t j = 0; j < n; j++)
                memcpy(s + (q * n + j) * es,
                       (const unsigned char *)b->data + (tb ? j * k + q : q * n + j) * es, es);
        *scratch = s;
    }
    unsigned char *bt = *scratch, *acc = bt + k * n * es;
    if (a->dtype == MC_OT_FLOAT)
        rows_f(c, i0, r, m, n, k, a->data, ta, (const float *)bt, alpha);
    else
        rows_d(c, i0, r, m, n, k, a->data, ta, (const double *)bt, alpha, (double *)acc);
    return MC_OK;
}

static int real_pair(const mc_onnx_call *c, const mc_onnx_tensor *a, const mc_onnx_tensor *b)
{
    if (a->dtype != b->dtype || (a->dtype != MC_OT_FLOAT && a->dtype != MC_OT_DOUBLE))
        return mc_onnx_fail(c, "its inputs must be float or double, of one type");
    return MC_OK;
}

/* The work of one product, bounded while planning. */
static int macs_check(const mc_onnx_call *c, uint64_t m, uint64_t n, uint64_t k)
{
    if (n && k && m > MC_ONNX_MAX_MACS / n / k)
        return mc_onnx_fail(c, "%llu x %llu x %llu multiply-adds are over the limit of %llu",
                            (unsigned long long)m, (unsigned long long)n, (unsigned long long)k,
                            (unsigned long long)MC_ONNX_MAX_MACS);
    return MC_OK;
}

/* y = alpha * A B + beta * C, by blocks of rows (the accumulator stays small whatever m is). */
static int product(mc_onnx_call *c, const mc_onnx_tensor *a, int ta, const mc_onnx_tensor *b,
                   int tb, const mc_onnx_tensor *cc, double alpha, double beta, size_t m,
                   size_t n, size_t k)
{
    size_t rows = m < 64 ? m : 64;
    double *acc = malloc((rows * n + 1) * sizeof *acc);
    if (!acc)
        return mc_error_nomem();
    mc_onnx_tensor *y = &c->out[0];
    void *scratch = NULL;
    int rc = MC_OK;
    size_t cw = cc && cc->rank >= 1 ? (size_t)cc->dims[cc->rank - 1] : 1;
    int crow = cc && cc->rank == 2 && cc->dims[0] != 1, ccol = cw != 1;
    for (size_t i0 = 0; i0 < m; i0 += rows) {
        size_t r = m - i0 < rows ? m - i0 : rows;
        if ((rc = mc_onnx_gemm_fast(acc, i0, r, m, n, k, a, ta, b, tb, alpha, &scratch)))
            break;
        if (y->dtype == MC_OT_FLOAT && (!cc || (!crow && ccol))) { /* a bias row */
            float *yf = (float *)y->data + i0 * n;
            for (size_t i = 0; i < r; i++)
                for (size_t j = 0; j < n; j++)
                    yf[i * n + j] = (float)(acc[i * n + j] +
                                            (cc ? beta * mc_onnx_get(cc, j) : 0.0));
            continue;
        }
        for (size_t i = 0; i < r; i++)
            for (size_t j = 0; j < n; j++) {
                double v = acc[i * n + j];
                if (cc)
                    v += beta * mc_onnx_get(cc, (crow ? i0 + i : 0) * cw + (ccol ? j : 0));
                mc_onnx_put(y, (i0 + i) * n + j, v);
            }
    }
    free(acc);
    free(scratch);
    return rc;
}

int mc_onnx_op_gemm(mc_onnx_call *c)
{
    const mc_onnx_tensor *a = c->in[0], *b = c->in[1], *cc = c->n_in > 2 ? c->in[2] : NULL;
    int64_t ta = 0, tb = 0;
    float alpha = 1.0f, beta = 1.0f;
    int rc = real_pair(c, a, b);
    if (rc == MC_OK && cc && cc->dtype != a->dtype)
        rc = mc_onnx_fail(c, "C must have A's type");
    if (rc == MC_OK)
        rc = mc_onnx_rt_attr_int(c, "transA", 0, &ta);
    if (rc == MC_OK)
        rc = mc_onnx_rt_attr_int(c, "transB", 0, &tb);
    if (rc == MC_OK)
        rc = mc_onnx_rt_attr_float(c, "alpha", 1.0f, &alpha);
    if (rc == MC_OK)
        rc = mc_onnx_rt_attr_float(c, "beta", 1.0f, &beta);
    if (rc)
        return rc;
    if (a->rank != 2 || b->rank != 2)
        return mc_onnx_fail(c, "A and B must be matrices (rank %d and %d given)", a->rank,
                            b->rank);
    int64_t m = ta ? a->dims[1] : a->dims[0], k = ta ? a->dims[0] : a->dims[1];
    int64_t kb = tb ? b->dims[1] : b->dims[0], n = tb ? b->dims[0] : b->dims[1];
    if (k != kb)
        return mc_onnx_fail(c, "A is [%lld, %lld] and B [%lld, %lld] (after transposition): "
                            "the inner dimensions differ", (long long)m, (long long)k,
                            (long long)kb, (long long)n);
    if (cc && (cc->rank > 2 ||
               (cc->rank >= 1 && cc->dims[cc->rank - 1] != 1 && cc->dims[cc->rank - 1] != n) ||
               (cc->rank == 2 && cc->dims[0] != 1 && cc->dims[0] != m)))
        return mc_onnx_fail(c, "C does not broadcast to [%lld, %lld]", (long long)m,
                            (long long)n);
    int64_t dims[2] = {m, n};
    rc = macs_check(c, (uint64_t)m, (uint64_t)n, (uint64_t)k);
    if (rc == MC_OK)
        rc = mc_onnx_out(c, 0, a->dtype, dims, 2);
    if (rc || !c->exec)
        return rc;
    return product(c, a, (int)ta, b, (int)tb, cc, alpha, beta, (size_t)m, (size_t)n, (size_t)k);
}

int mc_onnx_op_matmul(mc_onnx_call *c)
{
    const mc_onnx_tensor *a = c->in[0], *b = c->in[1];
    int rc = real_pair(c, a, b);
    if (rc)
        return rc;
    if (a->rank < 2 || b->rank != 2)
        return mc_onnx_fail(c, "supported: A of rank 2 or more times a matrix B (rank %d and %d "
                            "given)", a->rank, b->rank);
    int64_t k = a->dims[a->rank - 1], n = b->dims[1], dims[MC_ONNX_MAX_RANK];
    if (k != b->dims[0])
        return mc_onnx_fail(c, "the inner dimensions differ (%lld and %lld)", (long long)k,
                            (long long)b->dims[0]);
    size_t m = 1;
    for (int i = 0; i < a->rank - 1; i++) {
        dims[i] = a->dims[i];
        m *= (size_t)a->dims[i];
    }
    dims[a->rank - 1] = n;
    rc = macs_check(c, m, (uint64_t)n, (uint64_t)k);
    if (rc == MC_OK)
        rc = mc_onnx_out(c, 0, a->dtype, dims, a->rank);
    if (rc || !c->exec)
        return rc;
    return product(c, a, 0, b, 0, NULL, 1.0, 0.0, m, (size_t)n, (size_t)k);
}

int mc_onnx_op_softmax(mc_onnx_call *c)
{
    const mc_onnx_tensor *x = c->in[0];
    int log_ = c->node->p->op_type[0] == 'L', old = c->node->opset < 13, axis;
    int64_t ax = old ? 1 : -1;
    int rc = mc_onnx_rt_attr_int(c, "axis", ax, &ax);
    if (rc == MC_OK && x->dtype != MC_OT_FLOAT && x->dtype != MC_OT_DOUBLE)
        rc = mc_onnx_fail(c, "its input must be float or double");
    if (rc == MC_OK && x->rank == 0)
        rc = mc_onnx_fail(c, "its input must have rank 1 or more");
    if (rc == MC_OK)
        rc = mc_onnx_axis(c, ax, x->rank, &axis);
    if (rc == MC_OK)
        rc = mc_onnx_out(c, 0, x->dtype, x->dims, x->rank);
    if (rc || !c->exec)
        return rc;
    size_t outer = 1, len = 1, inner = 1;
    for (int i = 0; i < x->rank; i++) {
        size_t d = (size_t)x->dims[i];
        if (i < axis)
            outer *= d;
        else if (i == axis || old)
            len *= d;
        else
            inner *= d;
    }
    for (size_t o = 0; o < outer; o++)
        for (size_t in = 0; in < inner; in++) {
            size_t base = o * len * inner + in;
            double mx = -INFINITY, sum = 0.0;
            for (size_t j = 0; j < len; j++) {
                double v = mc_onnx_get(x, base + j * inner);
                mx = v > mx || isnan(v) ? v : mx;
            }
            for (size_t j = 0; j < len; j++)
                sum += mc_exp(mc_onnx_get(x, base + j * inner) - mx);
            for (size_t j = 0; j < len; j++) {
                double d = mc_onnx_get(x, base + j * inner) - mx;
                mc_onnx_put(&c->out[0], base + j * inner, log_ ? d - mc_log(sum)
                                                               : mc_exp(d) / sum);
            }
        }
    return MC_OK;
}

int mc_onnx_op_batchnorm(mc_onnx_call *c)
{
    const mc_onnx_tensor *x = c->in[0];
    float eps = 1e-5f;
    int64_t training = 0;
    int rc = mc_onnx_rt_attr_float(c, "epsilon", 1e-5f, &eps);
    if (rc == MC_OK)
        rc = mc_onnx_rt_attr_int(c, "training_mode", 0, &training);
    if (rc == MC_OK && training)
        rc = mc_onnx_fail(c, "training_mode is not supported (inference only)");
    if (rc == MC_OK && (x->dtype != MC_OT_FLOAT && x->dtype != MC_OT_DOUBLE))
        rc = mc_onnx_fail(c, "X must be float or double");
    if (rc == MC_OK && x->rank < 2)
        rc = mc_onnx_fail(c, "X must be [N, C, ...] (rank %d given)", x->rank);
    for (size_t k = 1; rc == MC_OK && k < 5; k++) {
        const mc_onnx_tensor *p = c->in[k];
        if (!p || p->rank != 1 || p->dims[0] != x->dims[1] ||
            (p->dtype != MC_OT_FLOAT && p->dtype != MC_OT_DOUBLE))
            rc = mc_onnx_fail(c, "input %zu must be a float or double vector of C = %lld values",
                              k, (long long)x->dims[1]);
    }
    if (rc == MC_OK)
        rc = mc_onnx_out(c, 0, x->dtype, x->dims, x->rank);
    if (rc || !c->exec)
        return rc;
    size_t ch = (size_t)x->dims[1], inner = 1;
    for (int i = 2; i < x->rank; i++)
        inner *= (size_t)x->dims[i];
    for (size_t i = 0; i < x->n; i++) {
        size_t j = (i / inner) % ch;
        double v = (mc_onnx_get(x, i) - mc_onnx_get(c->in[3], j)) /
                   sqrt(mc_onnx_get(c->in[4], j) + (double)eps);
        mc_onnx_put(&c->out[0], i, v * mc_onnx_get(c->in[1], j) + mc_onnx_get(c->in[2], j));
    }
    return MC_OK;
}

int mc_onnx_op_reducemax(mc_onnx_call *c)
{
    const mc_onnx_tensor *x = c->in[0];
    const int64_t *axes = NULL;
    size_t n_axes = 0;
    int64_t keep = 1, dims[MC_ONNX_MAX_RANK];
    unsigned char red[MC_ONNX_MAX_RANK] = {0};
    int rc = mc_onnx_rt_attr_ints(c, "axes", &axes, &n_axes);
    if (rc == MC_OK)
        rc = mc_onnx_rt_attr_int(c, "keepdims", 1, &keep);
    if (rc == MC_OK && x->dtype != MC_OT_FLOAT && x->dtype != MC_OT_DOUBLE)
        rc = mc_onnx_fail(c, "its input must be float or double");
    for (size_t i = 0; rc == MC_OK && i < n_axes; i++) {
        int a;
        if ((rc = mc_onnx_axis(c, axes[i], x->rank, &a)) == MC_OK)
            red[a] = 1;
    }
    int r = 0;
    for (int i = 0; rc == MC_OK && i < x->rank; i++) {
        if (!n_axes)
            red[i] = 1;
        if (red[i] && x->dims[i] == 0)
            rc = mc_onnx_fail(c, "axis %d to reduce is empty", i);
        if (!red[i] || keep)
            dims[r++] = red[i] ? 1 : x->dims[i];
    }
    if (rc == MC_OK)
        rc = mc_onnx_out(c, 0, x->dtype, dims, r);
    if (rc || !c->exec)
        return rc;
    mc_onnx_tensor *y = &c->out[0];
    for (size_t o = 0; o < y->n; o++)
        mc_onnx_put(y, o, -INFINITY);
    size_t idx[MC_ONNX_MAX_RANK] = {0};
    for (size_t i = 0; i < x->n; i++) {
        size_t o = 0;
        for (int d = 0; d < x->rank; d++)
            o = o * (red[d] ? 1 : (size_t)x->dims[d]) + (red[d] ? 0 : idx[d]);
        double v = mc_onnx_get(x, i), cur = mc_onnx_get(y, o);
        if (isnan(v) || v > cur)
            mc_onnx_put(y, o, v);
        for (int d = x->rank - 1; d >= 0 && ++idx[d] == (size_t)x->dims[d]; d--)
            idx[d] = 0;
    }
    return MC_OK;
}
