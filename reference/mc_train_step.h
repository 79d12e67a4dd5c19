/* How a training step gets its gradient: the strategy mc_train's loop runs
 * (internal to reference/). The loop around a step (the optimiser's update,
 * divergence, the epoch's figures, early stopping) is the same for every
 * strategy; two implement it:
 *   mini-batches (mc_minibatch.c)  normal training: the next batch_size rows
 *                                  of a seeded shuffled order, the batch's
 *                                  mean gradient;
 *   DP-SGD (mc_dpsgd.c)            a Poisson sample of the rows, each row's
 *                                  gradient clipped, keyed noise added. */
#ifndef MC_TRAIN_STEP_H
#define MC_TRAIN_STEP_H

#include <stddef.h>
#include <stdint.h>

#include "mc_nn.h"
#include "mc_train.h"

/* What every step works on; the loop owns all of it. */
typedef struct mc_train_env {
    const mc_nn *nn;
    mc_nn_work *w;            /* activation buffers for batch_size rows */
    const mc_dataset *train;
    int loss;                 /* mc_loss */
    int batch_size;
    int shuffle;              /* training.shuffle (mini-batches) */
    uint64_t seed;            /* training.seed: the shuffle and the dropout masks */
    mc_numerics num;
    float *train_pred;        /* [train->n][nn->out]: each row's latest output in training */
} mc_train_env;

/* A strategy: its state and its three operations. */
typedef struct mc_train_step {
    void *state;
    /* Before epoch `epoch`'s first step (epochs count from 1). Cannot fail. */
    void (*epoch_start)(void *state, const mc_train_env *env, int epoch);
    /* Step `step` of the run (counting from 0), the epoch's batch `batch`:
     * grad[nn->n_params] gets the gradient the optimiser applies, *loss_sum
     * the sum of the losses of the rows the step used and *rows their number;
     * their outputs go to env->train_pred. MC_EINTERNAL (DP-SGD: OpenSSL). */
    int (*gradient)(void *state, const mc_train_env *env, float *grad, double *loss_sum,
                    size_t *rows, size_t batch, uint64_t step);
    /* After the epoch's last step: the rows the epoch's training loss and
     * accuracy are over (rows->x may be NULL) and their outputs, [rows->n][nn->out].
     * Valid until the next epoch starts. Cannot fail. */
    void (*epoch_rows)(void *state, const mc_train_env *env, mc_dataset *rows,
                       const float **pred);
    void (*free)(void *state); /* NULL is fine */
} mc_train_step;

/* mc_minibatch.c: normal training. MC_ENOMEM. */
int mc_train_step_minibatch(mc_train_step *out, const mc_train_env *env);

#endif
