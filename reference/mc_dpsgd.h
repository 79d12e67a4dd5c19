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
#include "mc_train_step.h"

typedef struct mc_dpsgd_config {
    double noise_multiplier, max_grad_norm;
    uint8_t key[MC_DP_KEY_LEN]; /* mc_dp_key_derive */
    int threaded;               /* compute each step's noise a step ahead on a thread (the
                                   same values either way) */
} mc_dpsgd_config;

/* q = min(1, batch_size / rows): each row's probability of being in a batch. */
double mc_dpsgd_sample_rate(size_t rows, long long batch_size);

/* DP-SGD as a training step strategy (mc_train_step.h), over env's training
 * rows in chunks of env->batch_size rows (the work buffers' size): each step
 * grad gets the noisy clipped mean gradient of a Poisson sample, and each
 * epoch's training figures are over the rows it sampled. MC_ENOMEM,
 * MC_EINTERNAL (OpenSSL); the step itself MC_EINTERNAL. */
int mc_train_step_dpsgd(mc_train_step *out, const mc_train_env *env, const mc_dpsgd_config *cfg);

/* The clipped backward pass alone (what a DP-SGD step does per chunk): from
 * the per-row output gradients dout[B][out] (not divided by B), adds to grad
 * the sum over rows of each row's gradient scaled to norm at most C;
 * norms[B] gets each row's gradient norm before clipping. Exposed for tests. */
void mc_nn_backward_clipped(const mc_nn *nn, mc_nn_work *w, float *grad, double *norms,
                            const float *dout, int B, int dout_is_pre, double C, mc_numerics num);

#endif
