/* Normal training's step (mc_train_step.h): each epoch a seeded shuffle of
 * the training rows (a function of (seed, epoch) alone), then batch b takes
 * rows [b B, (b + 1) B) of that order (the last batch may be partial), and
 * the step's gradient is the batch's mean gradient through the network.
 * DP-SGD's step, with its own sampling, is in mc_dpsgd.c. */
#include <stdlib.h>
#include <string.h>

#include "mc_error.h"
#include "mc_loss.h"
#include "mc_rng.h"
#include "mc_train_step.h"

typedef struct minibatch {
    uint32_t *perm; /* [n]: this epoch's order of the rows */
    float *dout;    /* [B][width]: the loss's gradient */
    float *ybatch;  /* [B]: the batch's targets */
} minibatch;

static void minibatch_free(void *state)
{
    minibatch *s = state;
    if (!s)
        return;
    free(s->perm);
    free(s->dout);
    free(s->ybatch);
    free(s);
}

/* Without shuffling, every epoch keeps the identity order set at creation. */
static void minibatch_epoch_start(void *state, const mc_train_env *env, int epoch)
{
    minibatch *s = state;
    uint32_t n = (uint32_t)env->train->n;
    if (!env->shuffle)
        return;
    mc_rng rng;
    mc_rng_init(&rng, env->seed, MC_STREAM_SHUFFLE, (uint64_t)epoch);
    for (uint32_t i = 0; i < n; i++)
        s->perm[i] = i;
    mc_rng_shuffle(&rng, s->perm, n);
}

static int minibatch_gradient(void *state, const mc_train_env *env, float *grad, double *loss_sum,
                              size_t *rows, size_t batch, uint64_t step)
{
    minibatch *s = state;
    const mc_nn *nn = env->nn;
    const mc_dataset *train = env->train;
    size_t width = (size_t)nn->out, start = batch * (size_t)env->batch_size;
    int bs = (int)(train->n - start < (size_t)env->batch_size ? train->n - start
                                                              : (size_t)env->batch_size);
    float *xb = env->w->acts[0];
    for (int r = 0; r < bs; r++) {
        uint32_t row = s->perm[start + (size_t)r];
        memcpy(xb + (size_t)r * train->d, train->x + (size_t)row * train->d,
               (size_t)train->d * sizeof *xb);
        s->ybatch[r] = train->y[row];
    }
    const float *out = mc_nn_forward(nn, env->w, xb, bs, 1, env->seed, step, env->num);
    for (int r = 0; r < bs; r++)
        memcpy(env->train_pred + (size_t)s->perm[start + (size_t)r] * width,
               out + (size_t)r * width, width * sizeof *out);
    int pre_grad = 0;
    *loss_sum = mc_loss_batch(s->dout, &pre_grad, env->loss, env->w->pre[nn->n_layers - 1], out,
                              s->ybatch, bs, (int)width);
    *rows = (size_t)bs;
    memset(grad, 0, nn->n_params * sizeof *grad);
    mc_nn_backward(nn, env->w, grad, s->dout, bs, pre_grad, env->num);
    return MC_OK;
}

/* Every row takes part in every epoch. */
static void minibatch_epoch_rows(void *state, const mc_train_env *env, mc_dataset *rows,
                                 const float **pred)
{
    (void)state;
    *rows = *env->train;
    *pred = env->train_pred;
}

int mc_train_step_minibatch(mc_train_step *out, const mc_train_env *env)
{
    size_t n = env->train->n, B = (size_t)env->batch_size;
    minibatch *s = calloc(1, sizeof *s);
    int rc = s ? MC_OK : mc_error_nomem();
    if (rc)
        goto cleanup;
    s->perm = malloc((n ? n : 1) * sizeof *s->perm);
    s->dout = malloc(B * (size_t)env->nn->out * sizeof *s->dout);
    s->ybatch = malloc(B * sizeof *s->ybatch);
    if (!s->perm || !s->dout || !s->ybatch) {
        rc = mc_error_nomem();
        goto cleanup;
    }
    for (uint32_t i = 0; i < n; i++)
        s->perm[i] = i;
    *out = (mc_train_step){s, minibatch_epoch_start, minibatch_gradient, minibatch_epoch_rows,
                           minibatch_free};
    s = NULL;
cleanup:
    minibatch_free(s);
    return rc;
}
