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
/* Where a block of float product rows goes: alpha * each sum as a double (d), or straight into
 * the float output (f) as (float)(alpha * sum + bias[j]), Gemm's y = alpha A B + beta C for a C
 * of at most one row (bias[j] = beta * C[j], none: + 0.0), rounded once, then a Relu fused
 * into the Gemm (relu): 0 > y ? 0 : y, as the Relu kernel gives it (NaN and -0 kept). */
typedef struct gemm_store {
    double *d;
    float *f;
    const double *bias;
    double alpha;
    int relu;
} gemm_store;

static inline void store(const gemm_store *o, size_t at, size_t j, float t)
{
    if (!o->f) {
        o->d[at] = o->alpha * (double)t;
        return;
    }
    float y = (float)(o->alpha * (double)t + (o->bias ? o->bias[j] : 0.0));
    if (o->relu)
        y = 0.0f > y ? 0.0f : y;
    o->f[at] = y;
}

/* One tile of TR rows by TC columns of a float product, each of its chains over k in order:
 * with AVX2 and FMA the 8 accumulators stay in registers (vfmadd is correctly rounded, as
 * fmaf is, so the bits are those of the plain loop below, which runs elsewhere), and a float
 * output gets store()'s arithmetic on 8 lanes at once (the same IEEE operations: the widening,
 * the double product and sum, one rounding to float, vmaxps(0, y) for 0 > y ? 0 : y). */
enum { TR = 4, TC = 16 };
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define MC_HAVE_AVX2_TILE 1
__attribute__((target("avx2,fma"))) static inline void put8(const gemm_store *o, float *dst,
                                                            size_t j, __m256 t)
{
    __m256d al = _mm256_set1_pd(o->alpha);
    __m256d lo = _mm256_mul_pd(al, _mm256_cvtps_pd(_mm256_castps256_ps128(t)));
    __m256d hi = _mm256_mul_pd(al, _mm256_cvtps_pd(_mm256_extractf128_ps(t, 1)));
    __m256d b0 = o->bias ? _mm256_loadu_pd(o->bias + j) : _mm256_setzero_pd();
    __m256d b1 = o->bias ? _mm256_loadu_pd(o->bias + j + 4) : _mm256_setzero_pd();
    __m256 y = _mm256_set_m128(_mm256_cvtpd_ps(_mm256_add_pd(hi, b1)),
                               _mm256_cvtpd_ps(_mm256_add_pd(lo, b0)));
    if (o->relu)
        y = _mm256_max_ps(_mm256_setzero_ps(), y);
    _mm256_storeu_ps(dst, y);
}

/* The tile into t, or with a float output (o->f) into it directly (returns 1). */
__attribute__((target("avx2,fma"))) static int tile_avx2(float t[TR][TC], const gemm_store *o,
                                                         size_t i0, size_t i, size_t j0,
                                                         size_t m, size_t n, size_t k,
                                                         const float *A, int ta,
                                                         const float *panel)
{
    __m256 c00 = _mm256_setzero_ps(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00,
           c30 = c00, c31 = c00;
    size_t sa = ta ? 1 : k, sq = ta ? m : 1; /* A[r][q] at r * sa + q * sq */
    const float *a = A + i * sa;
    for (size_t q = 0; q < k; q++) {
        const float *bq = panel + q * TC, *aq = a + q * sq; /* B's columns j0.. of row q */
        __m256 b0 = _mm256_loadu_ps(bq), b1 = _mm256_loadu_ps(bq + 8);
        __m256 a0 = _mm256_set1_ps(aq[0]);
        __m256 a1 = _mm256_set1_ps(aq[sa]);
        __m256 a2 = _mm256_set1_ps(aq[2 * sa]);
        __m256 a3 = _mm256_set1_ps(aq[3 * sa]);
        c00 = _mm256_fmadd_ps(a0, b0, c00);
        c01 = _mm256_fmadd_ps(a0, b1, c01);
        c10 = _mm256_fmadd_ps(a1, b0, c10);
        c11 = _mm256_fmadd_ps(a1, b1, c11);
        c20 = _mm256_fmadd_ps(a2, b0, c20);
        c21 = _mm256_fmadd_ps(a2, b1, c21);
        c30 = _mm256_fmadd_ps(a3, b0, c30);
        c31 = _mm256_fmadd_ps(a3, b1, c31);
    }
    if (o->f) {
        float *y = o->f + (i - i0) * n + j0;
        put8(o, y, j0, c00);
        put8(o, y + 8, j0 + 8, c01);
        put8(o, y + n, j0, c10);
        put8(o, y + n + 8, j0 + 8, c11);
        put8(o, y + 2 * n, j0, c20);
        put8(o, y + 2 * n + 8, j0 + 8, c21);
        put8(o, y + 3 * n, j0, c30);
        put8(o, y + 3 * n + 8, j0 + 8, c31);
        return 1;
    }
    _mm256_storeu_ps(t[0], c00);
    _mm256_storeu_ps(t[0] + 8, c01);
    _mm256_storeu_ps(t[1], c10);
    _mm256_storeu_ps(t[1] + 8, c11);
    _mm256_storeu_ps(t[2], c20);
    _mm256_storeu_ps(t[2] + 8, c21);
    _mm256_storeu_ps(t[3], c30);
    _mm256_storeu_ps(t[3] + 8, c31);
    return 0;
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

#ifdef MC_HAVE_AVX2_TILE
/* Eight chains (rows i..i+7 of column j) side by side: the same fused multiply-adds in the
 * same order as one chain at a time, inline (vfmadd is fmaf) and overlapped. */
__attribute__((target("avx2,fma"))) static void chains8_avx2(float s[8], size_t i, size_t j,
                                                             size_t m, size_t n, size_t k,
                                                             const float *A, int ta,
                                                             const float *B)
{
    float s0 = 0.0f, s1 = 0.0f, s2 = 0.0f, s3 = 0.0f, s4 = 0.0f, s5 = 0.0f, s6 = 0.0f,
          s7 = 0.0f;
    size_t sa = ta ? 1 : k, sq = ta ? m : 1; /* A[r][q] at r * sa + q * sq */
    const float *a = A + i * sa;
    for (size_t q = 0; q < k; q++) {
        const float b = B[q * n + j], *aq = a + q * sq;
        s0 = __builtin_fmaf(aq[0], b, s0);
        s1 = __builtin_fmaf(aq[sa], b, s1);
        s2 = __builtin_fmaf(aq[2 * sa], b, s2);
        s3 = __builtin_fmaf(aq[3 * sa], b, s3);
        s4 = __builtin_fmaf(aq[4 * sa], b, s4);
        s5 = __builtin_fmaf(aq[5 * sa], b, s5);
        s6 = __builtin_fmaf(aq[6 * sa], b, s6);
        s7 = __builtin_fmaf(aq[7 * sa], b, s7);
    }
    s[0] = s0, s[1] = s1, s[2] = s2, s[3] = s3, s[4] = s4, s[5] = s5, s[6] = s6, s[7] = s7;
}
#endif

/* The chains the tiles leave (rows [ra, rb) of columns [ja, jb)), one at a time or, with AVX2,
 * eight rows at a time; o's rows start at row i0. */
static void chains(const gemm_store *o, size_t i0, size_t ra, size_t rb, size_t ja, size_t jb,
                   size_t m, size_t n, size_t k, const float *A, int ta, const float *B,
                   int avx2)
{
    (void)avx2;
    for (size_t j = ja; j < jb; j++) {
        size_t i = ra;
#ifdef MC_HAVE_AVX2_TILE
        for (; avx2 && i + 8 <= rb; i += 8) {
            float s[8];
            chains8_avx2(s, i, j, m, n, k, A, ta, B);
            for (size_t r = 0; r < 8; r++)
                store(o, (i + r - i0) * n + j, j, s[r]);
        }
#endif
        for (; i < rb; i++) {
            float s = 0.0f;
            for (size_t q = 0; q < k; q++)
                s = __builtin_fmaf(A[ta ? q * m + i : i * k + q], B[q * n + j], s);
            store(o, (i - i0) * n + j, j, s);
        }
    }
}

/* B as [k][n], then (for the AVX2 tile) its first n - n % TC columns as panels of TC
 * columns, each [k][TC]: a tile reads its B rows one after the other. */
static void rows_f(const gemm_store *o, size_t i0, size_t r, size_t m, size_t n, size_t k,
                   const float *A, int ta, const float *B)
{
#ifdef MC_HAVE_AVX2_TILE
    const float *panels = B + k * n; /* only the AVX2 tile reads them (x86-64) */
#endif
    size_t end = i0 + r, tiled = end - r % TR, nt = n - n % TC;
    int avx2 = 0;
#ifdef MC_HAVE_AVX2_TILE
    avx2 = simd_allowed && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#endif
    for (size_t i = i0; i < tiled; i += TR)
        for (size_t j0 = 0; j0 < nt; j0 += TC) {
            float t[TR][TC];
#ifdef MC_HAVE_AVX2_TILE
            if (avx2 && tile_avx2(t, o, i0, i, j0, m, n, k, A, ta, panels + j0 * k))
                continue;
            if (!avx2)
#endif
                tile_plain(t, i, j0, m, n, k, A, ta, B);
            for (size_t ii = 0; ii < TR; ii++)
                for (size_t jj = 0; jj < TC; jj++)
                    store(o, (i + ii - i0) * n + j0 + jj, j0 + jj, t[ii][jj]);
        }
    chains(o, i0, i0, tiled, nt, n, m, n, k, A, ta, B, avx2); /* the columns past the tiles */
    chains(o, i0, tiled, end, 0, n, m, n, k, A, ta, B, avx2); /* the rows past them */
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

/* B as [k][n] (copied once into *scratch), then n accumulators (double) or the float tile's
 * panels (rows_f). MC_ENOMEM. */
static int b_rows(unsigned char **bt, const mc_onnx_tensor *b, int tb, size_t n, size_t k,
                  size_t es, void **scratch)
{
    if (!*scratch) {
        size_t nt = n - n % TC;
        unsigned char *s = malloc((k * n + (es == sizeof(float) ? k * nt : n) + 1) * es);
        if (!s)
            return mc_error_nomem();
        if (!tb) {
            memcpy(s, b->data, k * n * es);
        } else if (es == sizeof(float)) { /* typed: no call per element */
            const float *src = b->data;
            float *dst = (float *)s;
            for (size_t j = 0; j < n; j++)
                for (size_t q = 0; q < k; q++)
                    dst[q * n + j] = src[j * k + q];
        } else {
            const double *src = b->data;
            double *dst = (double *)s;
            for (size_t j = 0; j < n; j++)
                for (size_t q = 0; q < k; q++)
                    dst[q * n + j] = src[j * k + q];
        }
        if (es == sizeof(float)) {
            const float *kn = (const float *)s;
            float *panels = (float *)s + k * n;
            for (size_t j0 = 0; j0 < nt; j0 += TC)
                for (size_t q = 0; q < k; q++)
                    memcpy(panels + j0 * k + q * TC, kn + q * n + j0, TC * sizeof *panels);
        }
        *scratch = s;
    }
    *bt = *scratch;
    return MC_OK;
}

/* The fast kernel: B copied to [k][n], then rows_f or rows_d. Gives the bits of
 * mc_onnx_gemm_ref (tests/unit/test_onnx_rt.c). */
int mc_onnx_gemm_fast(double *c, size_t i0, size_t r, size_t m, size_t n, size_t k,
                      const mc_onnx_tensor *a, int ta, const mc_onnx_tensor *b, int tb,
                      double alpha, void **scratch)
{
    size_t es = mc_onnx_dtype_size(a->dtype);
    unsigned char *bt = NULL;
    int rc = b_rows(&bt, b, tb, n, k, es, scratch);
    if (rc)
        return rc;
    gemm_store o = {.d = c, .alpha = alpha};
    if (a->dtype == MC_OT_FLOAT)
        rows_f(&o, i0, r, m, n, k, a->data, ta, (const float *)bt);
    else
        rows_d(c, i0, r, m, n, k, a->data, ta, (const double *)bt, alpha,
               (double *)(bt + k * n * es));
    return MC_OK;
}

int mc_onnx_gemm_fast_f(float *y, size_t i0, size_t r, size_t m, size_t n, size_t k,
                        const mc_onnx_tensor *a, int ta, const mc_onnx_tensor *b, int tb,
                        double alpha, const double *bias, int relu, void **scratch)
{
    unsigned char *bt = NULL;
    int rc = b_rows(&bt, b, tb, n, k, sizeof(float), scratch);
    if (rc)
        return rc;
    gemm_store o = {.f = y, .bias = bias, .alpha = alpha, .relu = relu};
    rows_f(&o, i0, r, m, n, k, a->data, ta, (const float *)bt);
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

/* y = alpha * A B + beta * C, by blocks of rows (the accumulator stays small whatever m is),
 * then max(0, y) when a Relu is fused into this node (c->relu). Float rows with a C of at most
 * one row are written by the kernel itself (mc_onnx_gemm_fast_f); anything else through
 * double accumulators. */
static int product(mc_onnx_call *c, const mc_onnx_tensor *a, int ta, const mc_onnx_tensor *b,
                   int tb, const mc_onnx_tensor *cc, double alpha, double beta, size_t m,
                   size_t n, size_t k)
{
    size_t rows = m < 64 ? m : 64;
    mc_onnx_tensor *y = &c->out[0];
    size_t cw = cc && cc->rank >= 1 ? (size_t)cc->dims[cc->rank - 1] : 1;
    int crow = cc && cc->rank == 2 && cc->dims[0] != 1, ccol = cw != 1;
    int direct = y->dtype == MC_OT_FLOAT && a->dtype == MC_OT_FLOAT && !crow;
    double *acc = direct ? NULL : malloc((rows * n + 1) * sizeof *acc);
    double *bias = direct && cc ? malloc((n + 1) * sizeof *bias) : NULL;
    void *scratch = NULL;
    int rc = (direct || acc) && (!direct || !cc || bias) ? MC_OK : mc_error_nomem();
    for (size_t j = 0; rc == MC_OK && bias && j < n; j++)
        bias[j] = beta * mc_onnx_get(cc, ccol ? j : 0);
    for (size_t i0 = 0; rc == MC_OK && i0 < m; i0 += rows) {
        size_t r = m - i0 < rows ? m - i0 : rows;
        if (direct) {
            rc = mc_onnx_gemm_fast_f((float *)y->data + i0 * n, i0, r, m, n, k, a, ta, b, tb,
                                     alpha, bias, c->relu, &scratch);
            continue;
        }
        if ((rc = mc_onnx_gemm_fast(acc, i0, r, m, n, k, a, ta, b, tb, alpha, &scratch)))
            break;
        for (size_t i = 0; i < r; i++)
            for (size_t j = 0; j < n; j++) {
                double v = acc[i * n + j];
                size_t at = (i0 + i) * n + j;
                if (cc)
                    v += beta * mc_onnx_get(cc, (crow ? i0 + i : 0) * cw + (ccol ? j : 0));
                mc_onnx_put(y, at, v);
                if (c->relu && mc_onnx_get(y, at) < 0.0)
                    mc_onnx_put(y, at, 0.0);
            }
    }
    free(acc);
    free(bias);
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
    /* float rows with a C of at most one row: the kernel writes every element itself */
    int direct = a->dtype == MC_OT_FLOAT && !(cc && cc->rank == 2 && cc->dims[0] != 1);
    rc = macs_check(c, (uint64_t)m, (uint64_t)n, (uint64_t)k);
    if (rc == MC_OK)
        rc = direct ? mc_onnx_out_unset(c, 0, a->dtype, dims, 2)
                    : mc_onnx_out(c, 0, a->dtype, dims, 2);
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
