/* Philox4x32-10 and what the engine draws from it (mc_rng.h): uniform
 * floats and doubles, unbiased integers, normals by the polar method (with
 * mc_log), and the Fisher-Yates shuffle. Every value is a function of (seed,
 * stream, sub-sequence, position) alone. DP-SGD's secret randomness is not
 * drawn here (mc_dp_noise.c). */
#include "mc_rng.h"

#include <math.h>

#include "mc_math.h"

#define PHILOX_M0 0xD2511F53u
#define PHILOX_M1 0xCD9E8D57u
#define PHILOX_W0 0x9E3779B9u
#define PHILOX_W1 0xBB67AE85u

static inline void mulhilo(uint32_t a, uint32_t b, uint32_t *hi, uint32_t *lo)
{
    uint64_t p = (uint64_t)a * b;
    *hi = (uint32_t)(p >> 32);
    *lo = (uint32_t)p;
}

void mc_philox4x32_10(uint32_t out[4], const uint32_t ctr[4], const uint32_t key[2])
{
    uint32_t c0 = ctr[0], c1 = ctr[1], c2 = ctr[2], c3 = ctr[3];
    uint32_t k0 = key[0], k1 = key[1];
    for (int round = 0; round < 10; round++) {
        uint32_t hi0, lo0, hi1, lo1;
        mulhilo(PHILOX_M0, c0, &hi0, &lo0);
        mulhilo(PHILOX_M1, c2, &hi1, &lo1);
        uint32_t n0 = hi1 ^ c1 ^ k0, n1 = lo1, n2 = hi0 ^ c3 ^ k1, n3 = lo0;
        c0 = n0, c1 = n1, c2 = n2, c3 = n3;
        k0 += PHILOX_W0;
        k1 += PHILOX_W1;
    }
    out[0] = c0, out[1] = c1, out[2] = c2, out[3] = c3;
}

void mc_rng_init(mc_rng *r, uint64_t seed, mc_rng_stream stream, uint64_t sub)
{
    r->key[0] = (uint32_t)seed;
    r->key[1] = (uint32_t)(seed >> 32) ^ ((uint32_t)stream * 0x9E3779B9u);
    r->ctr[0] = r->ctr[1] = 0;
    r->ctr[2] = (uint32_t)sub;
    r->ctr[3] = (uint32_t)(sub >> 32);
    r->avail = 0;
}

uint32_t mc_rng_u32(mc_rng *r)
{
    if (r->avail == 0) {
        mc_philox4x32_10(r->out, r->ctr, r->key);
        if (++r->ctr[0] == 0)
            ++r->ctr[1];
        r->avail = 4;
    }
    return r->out[4 - r->avail--];
}

float mc_rng_uniform_f(mc_rng *r)
{
    return (float)(mc_rng_u32(r) >> 8) * (1.0f / 16777216.0f);
}

double mc_rng_uniform(mc_rng *r)
{
    uint64_t hi = mc_rng_u32(r) >> 5, lo = mc_rng_u32(r) >> 6; /* 27 + 26 bits */
    return (double)(hi * 67108864u + lo) * (1.0 / 9007199254740992.0);
}

uint32_t mc_rng_below(mc_rng *r, uint32_t n)
{
    /* Reject the top partial range so every value is equally likely. */
    uint32_t limit = UINT32_MAX - UINT32_MAX % n;
    uint32_t x;
    do
        x = mc_rng_u32(r);
    while (x >= limit);
    return x % n;
}

double mc_rng_normal(mc_rng *r)
{
    double u, v, s;
    do {
        u = 2.0 * mc_rng_uniform(r) - 1.0;
        v = 2.0 * mc_rng_uniform(r) - 1.0;
        s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    return u * sqrt(-2.0 * mc_log(s) / s); /* sqrt is correctly rounded (IEEE 754) */
}

void mc_rng_shuffle(mc_rng *r, uint32_t *idx, uint32_t n)
{
    for (uint32_t i = n; i > 1; i--) {
        uint32_t j = mc_rng_below(r, i);
        uint32_t t = idx[i - 1];
        idx[i - 1] = idx[j];
        idx[j] = t;
    }
}
