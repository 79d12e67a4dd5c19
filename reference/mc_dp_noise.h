/* The randomness of DP-SGD that must stay secret: which rows each step
 * samples and the Gaussian noise it adds. Both come from a key derived from
 * a secret (HMAC-SHA256(secret, "modelcert/dp-sgd/v1" || seed)), never from
 * the public spec seed alone: whoever reads the spec could otherwise
 * regenerate the noise and subtract it from the model. The key drives
 * AES-256 in counter mode (through OpenSSL, with AES-NI where the CPU has
 * it), one independent keystream per (purpose, step); the values are a pure
 * function of (secret, seed, purpose, step), the same on every machine. */
#ifndef MC_DP_NOISE_H
#define MC_DP_NOISE_H

#include <stddef.h>
#include <stdint.h>

#define MC_DP_KEY_LEN 32
#define MC_DP_SECRET_MIN 16 /* bytes a secret must have at least */

typedef enum mc_dp_purpose {
    MC_DP_SAMPLE = 1, /* Poisson sampling of a step's rows */
    MC_DP_NOISE = 2   /* the Gaussian noise of a step */
} mc_dp_purpose;

/* key = HMAC-SHA256(secret, "modelcert/dp-sgd/v1" || seed as 8 bytes
 * little-endian). MC_EINPUT when the secret is shorter than MC_DP_SECRET_MIN;
 * MC_EINTERNAL if OpenSSL fails. */
int mc_dp_key_derive(uint8_t key[MC_DP_KEY_LEN], const char *secret, size_t len, uint64_t seed);

/* A keystream for one (purpose, step). Free with mc_dp_stream_free (NULL is fine). */
typedef struct mc_dp_stream mc_dp_stream;
int mc_dp_stream_create(mc_dp_stream **out, const uint8_t key[MC_DP_KEY_LEN]);
void mc_dp_stream_free(mc_dp_stream *s);
/* Restarts s at the beginning of the keystream of (purpose, step). MC_EINTERNAL. */
int mc_dp_stream_start(mc_dp_stream *s, mc_dp_purpose purpose, uint64_t step);
/* Uniform in (0, 1], 53 random bits (two 32-bit words). MC_EINTERNAL. */
int mc_dp_stream_uniform(mc_dp_stream *s, double *u);

/* The rows of one Poisson-sampled batch: each of rows[0..n) independently
 * with probability q (geometric gaps between chosen rows, one uniform per
 * chosen row); rows[] gets their indices in increasing order, *m their
 * number (at most n). MC_EINTERNAL. */
int mc_dp_poisson_sample(uint32_t *rows, size_t *m, mc_dp_stream *s, size_t n, double q);

/* out[i] = scale * z_i for n standard normal z_i: Box-Muller in float from
 * fresh keystream (two 32-bit words per pair of values), with the engine's
 * own log, sin and cos polynomials and the correctly rounded sqrt, so the
 * same bits everywhere; |z| <= 6.6 (the float uniform's smallest value).
 * Starts at a fresh block: call it first after mc_dp_stream_start. MC_EINTERNAL. */
int mc_dp_fill_gaussian(float *out, size_t n, double scale, mc_dp_stream *s);
/* out[i] = out[i] + v[i]. */
void mc_dp_add(float *out, const float *v, size_t n);

/* One step's noise, scale * z over n values, for steps 0, 1, 2, ... in turn.
 * Threaded, a worker thread computes step t + 1's while the caller trains
 * step t; the values are the same either way (each step's from its own
 * keystream). Free with mc_dp_ahead_free (NULL is fine). MC_ENOMEM,
 * MC_EINTERNAL. */
typedef struct mc_dp_ahead mc_dp_ahead;
int mc_dp_ahead_create(mc_dp_ahead **out, const uint8_t key[MC_DP_KEY_LEN], size_t n,
                       double scale, int threaded);
void mc_dp_ahead_free(mc_dp_ahead *a);
/* grad[i] = grad[i] + step's noise[i]. MC_EINTERNAL (OpenSSL). */
int mc_dp_ahead_add(mc_dp_ahead *a, float *grad, uint64_t step);

#endif
