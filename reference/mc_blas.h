/* BLAS behind one door. The engine's fast numerics multiply matrices with
 * OpenBLAS; nothing else in modelcert names OpenBLAS or CBLAS. This file owns
 * the three things that touch it: choosing its kernels, its thread count, and
 * the one product the dense layers need. */
#ifndef MC_BLAS_H
#define MC_BLAS_H

/* Called once, first thing in main, with main's argv. Debian 12's OpenBLAS
 * (0.3.21) does not recognise some AVX-512 CPUs (AMD Zen 4) and gives them its
 * Haswell (AVX2) kernels; its SkylakeX kernels run on any CPU with AVX-512 F,
 * BW, DQ and VL and train about 1.6 times faster (bench/README.md). OpenBLAS
 * chooses when it is loaded, before main, so the choice is made by executing
 * this program again, once, with OPENBLAS_CORETYPE set. A user's own
 * OPENBLAS_CORETYPE is respected; when exec fails nothing changes. Returns
 * only when no re-execution happened. */
void mc_blas_prefer_fast_kernels(char **argv);

/* Threads OpenBLAS may use (n >= 1). The fast numerics give the same bits for
 * every count: the products they use do not split their sums across threads. */
void mc_blas_set_threads(int n);

/* C[m][n] = alpha * op(A) . op(B) + beta * C, row-major; op(X) is X, or X
 * transposed when trans_x is set. lda, ldb, ldc are the row strides. */
void mc_blas_sgemm(int trans_a, int trans_b, int m, int n, int k, float alpha, const float *a,
                   int lda, const float *b, int ldb, float beta, float *c, int ldc);

#endif
