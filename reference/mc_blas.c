/* The one door to OpenBLAS (mc_blas.h): choosing its kernels at start-up, its
 * thread count, and the single-precision product the fast numerics use.
 * Nothing else in modelcert names OpenBLAS or CBLAS (tests/architecture.sh). */
#include "mc_blas.h"
#include "mc_env.h"

#include <cblas.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void mc_blas_prefer_fast_kernels(char **argv)
{
#if defined(__x86_64__) && defined(__GNUC__)
    if (mc_env_get(MC_ENV_OPENBLAS_CORETYPE))
        return;
    __builtin_cpu_init();
    if (!__builtin_cpu_supports("avx512f") || !__builtin_cpu_supports("avx512bw") ||
        !__builtin_cpu_supports("avx512dq") || !__builtin_cpu_supports("avx512vl"))
        return;
    char core[64] = "";
    const char *name = openblas_get_corename();
    for (size_t i = 0; name && name[i] && i + 1 < sizeof core; i++)
        core[i] = (char)tolower((unsigned char)name[i]);
    if (strstr(core, "skylakex") || strstr(core, "cooperlake") || strstr(core, "sapphire"))
        return; /* OpenBLAS already uses its AVX-512 kernels */
    if (setenv("OPENBLAS_CORETYPE", "SKYLAKEX", 1) == 0)
        execv("/proc/self/exe", argv);
    unsetenv("OPENBLAS_CORETYPE");
#else
    (void)argv;
#endif
}

void mc_blas_set_threads(int n)
{
    openblas_set_num_threads(n < 1 ? 1 : n);
}

void mc_blas_sgemm(int trans_a, int trans_b, int m, int n, int k, float alpha, const float *a,
                   int lda, const float *b, int ldb, float beta, float *c, int ldc)
{
    cblas_sgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans,
                trans_b ? CblasTrans : CblasNoTrans, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}
