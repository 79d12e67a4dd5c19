/* The network in double precision, for explanations (mc_explain.h): the float32 weights of a
 * trained network applied to double inputs, and the gradient of one output with respect to
 * the inputs (the backward pass down to the input layer that training never needs). Forward
 * and backward come in pairs, outputs first, shapes in comments, llm.c style; the kernels are
 * plain loops (the naive reference), tested against finite differences (tests/unit/
 * test_explain.c). Double precision keeps an attribution's completeness gap far below any
 * tolerance a user asks for; float32 sums over thousands of path points would not. */
#ifndef MC_NN_GRAD_H
#define MC_NN_GRAD_H

#include "mc_nn.h"

/* Activations of up to cap rows: acts[0] the input, acts[l+1] layer l's output, pre[l] a
 * dense layer's pre-activation; g0, g1 two gradient buffers of the widest layer; each dense
 * layer's weights in double, w[l][k][n] and transposed wt[l][n][k], and its bias b[l][n]. */
typedef struct mc_nn64_work {
    int cap, n_layers;
    double **acts, **pre;
    double *g0, *g1;
    double **w, **wt, **b;
} mc_nn64_work;

/* Buffers for batches of up to cap rows of nn, and its weights as they are now; free with
 * mc_nn64_work_free (NULL is fine). MC_ENOMEM. */
int mc_nn64_work_create(mc_nn64_work **out, const mc_nn *nn, int cap);
void mc_nn64_work_free(mc_nn64_work *w);

/* out[B][n] = inp[B][k] . w[k][n] + b[n] (a sum over i in order, vectorised across n) */
void mc_dense_forward_f64(double *out, const double *inp, const double *w, const double *b,
                          int B, int k, int n);
/* dinp[B][k] = dout[B][n] . w^T, with wt[n][k] = w^T: the input gradient of a dense layer (a
 * sum over j in order, vectorised across k) */
void mc_dense_backward_input_f64(double *dinp, const double *dout, const double *wt, int B,
                                 int k, int n);
/* y[B][n] = act(z) */
void mc_act_forward_f64(double *y, const double *z, int B, int n, mc_activation act, float slope);
/* dz[B][n] = dy * act'(z) (softmax: its Jacobian-vector product); relu'(0) = 0 as in mc_nn.c */
void mc_act_backward_f64(double *dz, const double *dy, const double *z, const double *y, int B,
                         int n, mc_activation act, float slope);

/* Inference over B <= w->cap rows of x[B][nn->in] (dropout is the identity); returns the
 * output rows [B][nn->out], which live in w. */
const double *mc_nn64_forward(const mc_nn *nn, mc_nn64_work *w, const double *x, int B);
/* After mc_nn64_forward over the same B rows: dx[B][nn->in] = the gradient of output
 * unit[b] of row b with respect to that row's inputs. */
void mc_nn64_input_grad(const mc_nn *nn, mc_nn64_work *w, double *dx, const int *unit, int B);

#endif
