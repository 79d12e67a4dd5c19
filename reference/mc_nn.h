/* The network: a sequence of dense and dropout layers whose parameters live in
 * one flat float block (W0 b0 W1 b1 ..., W row-major [in][out] as Keras
 * stores a Dense kernel). Forward and backward come in pairs, outputs first,
 * shapes in comments. Two numerics (the spec's mc_numerics):
 *   MC_NUMERICS_FAST       OpenBLAS SGEMM;
 *   MC_NUMERICS_REFERENCE  fixed-order loops with no FMA, so the bits depend
 *                          only on the inputs: the same with any compiler,
 *                          flags, machine.
 * The reference kernels double as the tested naive implementation. */
#ifndef MC_NN_H
#define MC_NN_H

#include <stddef.h>
#include <stdint.h>

#include "mc_spec_enums.h"

/* One layer. Its kind and activation are the spec's enums (mc_spec_enums.h),
 * whose names the model artifact stores. */
typedef struct mc_nn_layer {
    mc_layer_type kind;
    int in, out;         /* widths; dropout: in == out */
    mc_activation act;   /* dense */
    float slope;         /* leaky_relu negative slope */
    float rate;          /* dropout */
    size_t w_off, b_off; /* dense: offsets into the parameter block */
} mc_nn_layer;

typedef struct mc_nn {
    int n_layers;
    mc_nn_layer *layers;
    size_t n_params;
    float *params;
    int in, out;
} mc_nn;

/* Activations of one batch: acts[0] is the input, acts[l+1] layer l's output
 * (after its activation); pre[l] a dense layer's pre-activation; masks for dropout. */
typedef struct mc_nn_work {
    int cap_batch;
    float **acts, **pre, **grads;
    uint8_t **masks;
} mc_nn_work;

/* A network of n_layers layers (their kinds, widths, activations; in and the
 * offsets are filled in) over input_width features, parameters zeroed; free
 * with mc_nn_free (NULL is fine). MC_ENOMEM. */
int mc_nn_create(mc_nn **out, int input_width, const mc_nn_layer *layers, int n_layers);
void mc_nn_free(mc_nn *nn);
/* Activation buffers for batches of up to cap_batch rows of nn; free with
 * mc_nn_work_free and the same nn (NULL is fine). MC_ENOMEM. */
int mc_nn_work_create(mc_nn_work **out, const mc_nn *nn, int cap_batch);
void mc_nn_work_free(mc_nn_work *w, const mc_nn *nn);

/* ---- kernels (B = batch rows) -------------------------------------------- */

/* out[B][n] = inp[B][k] . w[k][n] + b[n] */
void mc_dense_forward(float *out, const float *inp, const float *w, const float *b, int B, int k,
                      int n, mc_numerics num);
/* dinp[B][k] = dout . w^T (skipped when dinp is NULL); dw[k][n] += inp^T . dout;
 * db[n] += sum over rows of dout */
void mc_dense_backward(float *dinp, float *dw, float *db, const float *dout, const float *inp,
                       const float *w, int B, int k, int n, mc_numerics num);
/* y[B][n] = act(z) */
void mc_act_forward(float *y, const float *z, int B, int n, mc_activation act, float slope);
/* dz[B][n] = dy * act'(z) (softmax: its Jacobian-vector product) */
void mc_act_backward(float *dz, const float *dy, const float *z, const float *y, int B, int n,
                     mc_activation act, float slope);

/* Forward pass over B rows of x[B][in]; returns the output rows (in work).
 * training: dropout active with masks from (seed, step). */
const float *mc_nn_forward(const mc_nn *nn, mc_nn_work *w, const float *x, int B, int training,
                           uint64_t seed, uint64_t step, mc_numerics num);
/* Backward pass from dout[B][out] (gradient w.r.t. the last dense layer's
 * pre-activation when `dout_is_pre` is set, else w.r.t. its output),
 * accumulating into grad[n_params] (zeroed by the caller). */
void mc_nn_backward(const mc_nn *nn, mc_nn_work *w, float *grad, const float *dout, int B,
                    int dout_is_pre, mc_numerics num);

/* Predictions modelcert reports (test predictions, `predict`): computed with
 * the fixed-order kernels, which compute each row on its own, so a row's
 * bits never depend on the rows around it, whichever numerics trained the
 * model. out[n][nn->out]. */
int mc_nn_predict(const mc_nn *nn, const float *x, size_t n, float *out);
/* Inference for internal use (validation loss, permutation importance), with
 * the given numerics; fast numerics use BLAS on fixed 256-row chunks. */
int mc_nn_predict_batch(const mc_nn *nn, const float *x, size_t n, float *out,
                        mc_numerics num);

/* The index of the first dense layer (layers before it, dropout, are the
 * identity at inference), or -1. */
int mc_nn_first_dense(const mc_nn *nn);
/* Inference from a dense layer's pre-activations pre[n][layers[layer].out]
 * onwards: its activation, then the later layers; out[n][nn->out], in chunks
 * of w->cap_batch rows. Permutation importance uses it after updating the
 * first layer's pre-activations; w is the caller's, reused across calls. */
void mc_nn_predict_from(const mc_nn *nn, mc_nn_work *w, int layer, const float *pre, size_t n,
                        float *out, mc_numerics num);

#endif
