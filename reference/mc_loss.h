/* The training losses, Keras's: each a forward/backward pair over a batch of
 * B rows (mc_loss.c), and the loss of a prediction as evaluation computes it
 * (from probabilities, clipped). The loss kinds are the spec's (mc_loss,
 * mc_spec_enums.h). */
#ifndef MC_LOSS_H
#define MC_LOSS_H

#include "mc_spec_enums.h"

/* A training batch's loss and its gradient: returns the sum over the B rows
 * of each row's loss (in row order); dout[B][width] gets the gradient of the
 * batch's mean loss, already divided by B, with respect to the output layer's
 * pre-activation (*pre_grad = 1: cross-entropies, fused with their sigmoid or
 * softmax) or its output (*pre_grad = 0: mse, mae). pre[B][width] and
 * out[B][width] are the output layer's pre-activation and output, y[B] the
 * targets (0/1, the class index or the value). Cannot fail. */
double mc_loss_batch(float *dout, int *pre_grad, int loss, const float *pre, const float *out,
                     const float *y, int B, int width);

/* One row's loss from its prediction p[width] (probabilities after the output
 * activation, clipped to [1e-7, 1 - 1e-7] for the cross-entropies, as Keras
 * evaluates): the validation loss. Cannot fail. */
double mc_loss_of_prediction(int loss, const float *p, double y);

#endif
