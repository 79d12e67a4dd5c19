/* Philox4x32-10 (Salmon et al., SC'11): a counter-based generator. A value is
 * a pure function of (seed, stream, counter), so results never depend on call
 * order across threads, time or addresses. Each use has its own stream
 * (docs/engine.md): the key is (seed mod 2^32, (seed >> 32) XOR stream * 0x9E3779B9). */
#ifndef MC_RNG_H
#define MC_RNG_H

#include <stdint.h>

typedef enum mc_rng_stream {
    MC_STREAM_SPLIT = 1,      /* shuffling rows before the train/validation/test split */
    MC_STREAM_INIT = 2,       /* weight initialisation */
    MC_STREAM_SHUFFLE = 3,    /* per-epoch batch order */
    MC_STREAM_DROPOUT = 4,    /* dropout masks */
    MC_STREAM_NOISE = 5,      /* reserved, unused: DP-SGD's sampling and noise come from
                                 secret-keyed streams (mc_dp_noise.h), never from the seed */
    MC_STREAM_IMPORTANCE = 6, /* permutation importance */
    MC_STREAM_MEMBERSHIP = 7, /* the rows a membership-inference attack samples */
    MC_STREAM_PII_SAMPLE = 16, /* the rows a personal-data scan samples */
    MC_STREAM_EXPLAIN = 24,   /* explain: the permutations of sampled Shapley values */
    MC_STREAM_ROBUSTNESS = 25 /* robustness: the Gaussian noise on the test rows */
} mc_rng_stream;

typedef struct mc_rng {
    uint32_t key[2];
    uint32_t ctr[4];
    uint32_t out[4];
    int avail; /* unread words in out */
} mc_rng;

/* A generator at the start of `stream`; `sub` selects an independent
 * sub-sequence (an epoch, a layer): it is placed in the counter's high words. */
void mc_rng_init(mc_rng *r, uint64_t seed, mc_rng_stream stream, uint64_t sub);
/* One Philox block: out = philox(key, ctr). */
void mc_philox4x32_10(uint32_t out[4], const uint32_t ctr[4], const uint32_t key[2]);
uint32_t mc_rng_u32(mc_rng *r);
/* Uniform in [0, 1) with 24 random bits (exact in float). */
float mc_rng_uniform_f(mc_rng *r);
/* Uniform in [0, 1) with 53 random bits. */
double mc_rng_uniform(mc_rng *r);
/* Uniform integer in [0, n), unbiased (rejection). n > 0. */
uint32_t mc_rng_below(mc_rng *r, uint32_t n);
/* Standard normal (Marsaglia polar method, with mc_log and sqrt only). */
double mc_rng_normal(mc_rng *r);
/* Fisher-Yates shuffle of idx[0..n). */
void mc_rng_shuffle(mc_rng *r, uint32_t *idx, uint32_t n);

#endif
