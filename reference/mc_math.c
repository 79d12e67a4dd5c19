/* The engine's portable elementary functions (mc_math.h): exp, log, tanh and
 * the sigmoid from +, -, *, / and exact bit operations only, so the
 * reference numerics give the same bits with any compiler and libm. */
#include "mc_math.h"

#include <stdint.h>
#include <string.h>

static double from_bits(uint64_t b)
{
    double d;
    memcpy(&d, &b, sizeof d);
    return d;
}

static uint64_t to_bits(double d)
{
    uint64_t b;
    memcpy(&b, &d, sizeof b);
    return b;
}

/* exp: x = k ln2 + r with |r| <= ln2/2, exp(r) by a degree-13 Taylor
 * polynomial in Horner form (truncation error < 2e-17 relative), then scale
 * by 2^k through the exponent bits. ln2 is split in two so k*ln2 is exact. */
double mc_exp(double x)
{
    static const double ln2_hi = 6.93147180369123816490e-01; /* 0x3FE62E42FEE00000 */
    static const double ln2_lo = 1.90821492927058770002e-10; /* 0x3DEA39EF35793C76 */
    static const double inv_ln2 = 1.44269504088896338700e+00;
    if (x != x)
        return x;
    if (x > 709.782712893384)
        return from_bits(0x7FF0000000000000ull);
    if (x < -745.1332191019412)
        return 0.0;
    double kd = x * inv_ln2;
    /* round half away from zero, without libm */
    long long k = (long long)(kd + (kd >= 0 ? 0.5 : -0.5));
    double r = (x - (double)k * ln2_hi) - (double)k * ln2_lo;
    double p = 1.0 / 6227020800.0;            /* 1/13! */
    p = p * r + 1.0 / 479001600.0;             /* 1/12! */
    p = p * r + 1.0 / 39916800.0;
    p = p * r + 1.0 / 3628800.0;
    p = p * r + 1.0 / 362880.0;
    p = p * r + 1.0 / 40320.0;
    p = p * r + 1.0 / 5040.0;
    p = p * r + 1.0 / 720.0;
    p = p * r + 1.0 / 120.0;
    p = p * r + 1.0 / 24.0;
    p = p * r + 1.0 / 6.0;
    p = p * r + 0.5;
    p = p * r + 1.0;
    p = p * r + 1.0;
    /* 2^k, in two steps when k is outside the normal exponent range */
    if (k < -1020) {
        p *= from_bits((uint64_t)(k + 1023 + 54) << 52);
        return p * from_bits((uint64_t)(1023 - 54) << 52);
    }
    if (k > 1023)
        return p * 2.0 * from_bits((uint64_t)(k - 1 + 1023) << 52);
    return p * from_bits((uint64_t)(k + 1023) << 52);
}

/* log: x = 2^e * m with m in [sqrt(1/2), sqrt(2)); log(m) = 2 atanh(s) with
 * s = (m-1)/(m+1), |s| < 0.172, by its odd series to s^23 (error < 1e-18). */
double mc_log(double x)
{
    static const double ln2_hi = 6.93147180369123816490e-01;
    static const double ln2_lo = 1.90821492927058770002e-10;
    if (x != x || x < 0)
        return from_bits(0x7FF8000000000000ull);
    if (x == 0)
        return -from_bits(0x7FF0000000000000ull);
    if (x == from_bits(0x7FF0000000000000ull))
        return x;
    int e = 0;
    uint64_t b = to_bits(x);
    if ((b >> 52) == 0) { /* subnormal: scale up by 2^54 */
        x *= 18014398509481984.0;
        b = to_bits(x);
        e = -54;
    }
    e += (int)((b >> 52) & 0x7FF) - 1023;
    double m = from_bits((b & 0x000FFFFFFFFFFFFFull) | 0x3FF0000000000000ull);
    if (m > 1.4142135623730951) {
        m *= 0.5;
        e += 1;
    }
    double s = (m - 1.0) / (m + 1.0);
    double z = s * s;
    double p = 1.0 / 23;
    p = p * z + 1.0 / 21;
    p = p * z + 1.0 / 19;
    p = p * z + 1.0 / 17;
    p = p * z + 1.0 / 15;
    p = p * z + 1.0 / 13;
    p = p * z + 1.0 / 11;
    p = p * z + 1.0 / 9;
    p = p * z + 1.0 / 7;
    p = p * z + 1.0 / 5;
    p = p * z + 1.0 / 3;
    double logm = 2.0 * s + 2.0 * s * z * p;
    return ((double)e * ln2_hi + logm) + (double)e * ln2_lo;
}

double mc_tanh(double x)
{
    double ax = x < 0 ? -x : x;
    double t;
    if (ax > 22.0) {
        t = 1.0;
    } else if (ax < 1e-8) {
        t = ax;
    } else {
        double e = mc_exp(-2.0 * ax); /* tanh = (1 - e^-2x) / (1 + e^-2x) */
        t = (1.0 - e) / (1.0 + e);
    }
    return x < 0 ? -t : t;
}

double mc_sigmoid(double x)
{
    if (x >= 0)
        return 1.0 / (1.0 + mc_exp(-x));
    double e = mc_exp(x);
    return e / (1.0 + e);
}
