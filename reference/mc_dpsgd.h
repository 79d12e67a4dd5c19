/* DP-SGD (Abadi et al. 2016) as Opacus runs it: each step Poisson-samples
 * its rows (each training row independently, with probability q =
 * batch_size / rows, which is what the RDP accountant assumes), clips each
 * row's gradient of the whole model to max_grad_norm C, sums, adds Gaussian
 * noise of standard deviation noise_multiplier x C to every parameter, and
 * divides by the expected batch size q x rows. The sampling and the noise
 * come from the keyed streams of mc_dp_noise.h.
 *
 * Per-row gradient norms without per-row gradients (Goodfellow 2015): a
 * dense layer's gradient for row i is a_i (x) d_i (its input times the
 * gradient at its pre-activation) plus d_i for the bias, so its squared norm
 * is (|a_i|^2 + 1) |d_i|^2. The backward pass is linear in the output
 * gradient, so clipping row i scales every layer's d_i by the same factor:
 * one backward pass for the d's, then the weight gradients from the scaled
 * d's, the same products as normal training. */
#ifndef MC_DPSGD_H
#define MC_DPSGD_H

#include <stdint.h>

#include "mc_dp_noise.h"
#include "mc_nn.h"
#include "mc_train.h"

typedef struct mc_dpsgd_config {
    double noise_multiplier, max_grad_norm;
    uint8_t key[MC_DP_KEY_LEN]; /* mc_dp_key_derive */
    int threaded;               /* compute each step's noise a step ahead on a thread (the
                                   same values either way) */
} mc_dpsgd_config;

/* q = min(1, batch_size / rows): each row's probability of being in a batch. */
double mc_dpsgd_sample_rate(size_t rows, long long batch_size);

typedef struct mc_dpsgd mc_dpsgd;
/* State for DP-SGD over n_rows rows in chunks of batch_size (nn's work
 * buffers' size). Free with mc_dpsgd_free (NULL is fine). MC_ENOMEM. */
int mc_dpsgd_create(mc_dpsgd **out, const mc_dpsgd_config *cfg, const mc_nn *nn, size_t n_rows,
                    int batch_size);
void mc_dpsgd_free(mc_dpsgd *s);

/* One step: grad[nn->n_params] gets the noisy clipped mean gradient of a
 * Poisson sample of train's rows; *loss_sum the sum of their losses and
 * *rows their number; each sampled row's output goes to
 * train_pred[row][width] and seen[row] is set. dropout (training mode) masks
 * come from (seed, step). MC_EINTERNAL (OpenSSL). */
int mc_dpsgd_step(mc_dpsgd *s, float *grad, double *loss_sum, size_t *rows, const mc_nn *nn,
                  mc_nn_work *w, const mc_dataset *train, int loss, uint64_t seed, uint64_t step,
                  mc_numerics num, float *train_pred, uint8_t *seen);

/* The rows with seen[r] set, packed: their targets into y_out and their
 * predictions into pred_out; returns their number. */
size_t mc_dpsgd_pack_seen(float *y_out, float *pred_out, const uint8_t *seen, const float *y,
                          const float *pred, size_t n, int width);

/* The clipped backward pass alone (what mc_dpsgd_step does per chunk): from
 * the per-row output gradients dout[B][out] (not divided by B), adds to grad
 * the sum over rows of each row's gradient scaled to norm at most C;
 * norms[B] gets each row's gradient norm before clipping. Exposed for tests. */
void mc_nn_backward_clipped(const mc_nn *nn, mc_nn_work *w, float *grad, double *norms,
                            const float *dout, int B, int dout_is_pre, double C, mc_numerics num);

#endif
