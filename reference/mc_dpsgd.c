/* DP-SGD's step (mc_dpsgd.h, mc_train_step.h): each step a Poisson sample of
 * the training rows, in chunks of batch_size rows through the network, each
 * row's gradient clipped (mc_nn_backward_clipped), the step's keyed noise
 * added (mc_dp_ahead.c) and the sum divided by the expected batch size. The
 * keyed streams are mc_dp_noise.c's; normal training's step is
 * mc_minibatch.c's, and the loop around both is mc_train.c. */
#include "mc_dpsgd.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mc_blas.h"
#include "mc_error.h"
#include "mc_loss.h"

#define MAX_CHUNKS 1024 /* chunks of batch_size rows in one Poisson batch (mean: 1) */

typedef struct dpsgd {
    mc_dpsgd_config cfg;
    mc_dp_stream *stream; /* the sampling's */
    mc_dp_ahead *ahead;   /* the noise */
    uint32_t *rows;       /* [n]: one step's sample */
    float *dout;          /* [B][width] */
    float *ybatch;        /* [B] */
    double *norms;        /* [B] */
    uint8_t *seen;        /* [n]: the rows sampled this epoch */
    float *seen_y;        /* [n]: their targets, packed at the epoch's end */
    float *seen_pred;     /* [n][width]: their outputs, likewise */
    double q;
    size_t n;
    int B;
} dpsgd;

double mc_dpsgd_sample_rate(size_t rows, long long batch_size)
{
    return rows == 0 || (double)batch_size >= (double)rows ? 1.0
                                                           : (double)batch_size / (double)rows;
}

static void dpsgd_free(void *state)
{
    dpsgd *s = state;
    if (!s)
        return;
    mc_dp_stream_free(s->stream);
    mc_dp_ahead_free(s->ahead);
    free(s->rows);
    free(s->dout);
    free(s->ybatch);
    free(s->norms);
    free(s->seen);
    free(s->seen_y);
    free(s->seen_pred);
    memset(&s->cfg, 0, sizeof s->cfg); /* the key */
    free(s);
}

/* ---- the clipped backward pass ------------------------------------------------ */

/* dinp[B][k] = dout[B][n] . w^T[n][k]: the input half of mc_dense_backward. */
static void dense_backward_input(float *dinp, const float *dout, const float *w, int B, int k,
                                 int n, mc_numerics num)
{
    if (num != MC_NUMERICS_REFERENCE) {
        mc_blas_sgemm(0, 1, B, k, n, 1.0f, dout, n, w, n, 0.0f, dinp, k);
        return;
    }
    for (int r = 0; r < B; r++) { /* the fixed order of mc_nn.c's reference kernel */
        const float *d = dout + (size_t)r * n;
        for (int i = 0; i < k; i++) {
            const float *wr = w + (size_t)i * n;
            float s = 0.0f;
            for (int j = 0; j < n; j++)
                s = s + d[j] * wr[j];
            dinp[(size_t)r * k + i] = s;
        }
    }
}

/* The sum of squares in eight lanes (lane j: elements j, j + 8, ...), each in a
 * fixed order, then combined in a fixed order: the same bits with any vector
 * width, and no serial chain of additions. */
static double sumsq(const float *x, int n)
{
    double lane[8] = {0};
    int i = 0;
    for (; i + 8 <= n; i += 8)
        for (int j = 0; j < 8; j++)
            lane[j] += (double)x[i + j] * (double)x[i + j];
    for (int j = 0; i < n; i++, j++)
        lane[j] += (double)x[i] * (double)x[i];
    return ((lane[0] + lane[1]) + (lane[2] + lane[3])) +
           ((lane[4] + lane[5]) + (lane[6] + lane[7]));
}

void mc_nn_backward_clipped(const mc_nn *nn, mc_nn_work *w, float *grad, double *norms,
                            const float *dout, int B, int dout_is_pre, double C, mc_numerics num)
{
    int L = nn->n_layers;
    memcpy(w->grads[L], dout, (size_t)B * (size_t)nn->out * sizeof(float));
    /* 1. The gradients at each dense layer's pre-activation, per row: after this
     *    loop grads[l + 1] holds layer l's (nothing writes it again). */
    for (int l = L - 1; l >= 0; l--) {
        const mc_nn_layer *ly = &nn->layers[l];
        float *dy = w->grads[l + 1], *dx = l > 0 ? w->grads[l] : NULL;
        size_t total = (size_t)B * (size_t)ly->out;
        if (ly->kind == MC_LAYER_DENSE) {
            if (!(l == L - 1 && dout_is_pre))
                mc_act_backward(dy, dy, w->pre[l], w->acts[l + 1], B, ly->out, ly->act, ly->slope);
            if (dx)
                dense_backward_input(dx, dy, nn->params + ly->w_off, B, ly->in, ly->out, num);
        } else if (dx) {
            float scale = 1.0f / (1.0f - ly->rate);
            if (ly->rate > 0.0f)
                for (size_t i = 0; i < total; i++)
                    dx[i] = w->masks[l][i] ? dy[i] * scale : 0.0f;
            else
                memcpy(dx, dy, total * sizeof *dx);
        }
    }
    /* 2. Each row's norm over every dense layer: (|a|^2 + 1) |d|^2 per layer. */
    for (int r = 0; r < B; r++) {
        double s = 0.0;
        for (int l = 0; l < L; l++) {
            const mc_nn_layer *ly = &nn->layers[l];
            if (ly->kind != MC_LAYER_DENSE)
                continue;
            double a2 = sumsq(w->acts[l] + (size_t)r * ly->in, ly->in);
            s += (a2 + 1.0) * sumsq(w->grads[l + 1] + (size_t)r * ly->out, ly->out);
        }
        norms[r] = sqrt(s);
    }
    /* 3. Scale row r by min(1, C / norm) at every layer, then the weight
     *    gradients as in normal training, from the scaled rows. */
    for (int l = 0; l < L; l++) {
        const mc_nn_layer *ly = &nn->layers[l];
        if (ly->kind != MC_LAYER_DENSE)
            continue;
        float *d = w->grads[l + 1];
        for (int r = 0; r < B; r++) {
            if (norms[r] <= C)
                continue;
            float f = (float)(C / norms[r]);
            float *row = d + (size_t)r * ly->out;
            for (int j = 0; j < ly->out; j++)
                row[j] = row[j] * f;
        }
        mc_dense_backward(NULL, grad + ly->w_off, grad + ly->b_off, d, w->acts[l],
                          nn->params + ly->w_off, B, ly->in, ly->out, num);
    }
}

/* ---- the strategy ---------------------------------------------------------------- */

static void dpsgd_epoch_start(void *state, const mc_train_env *env, int epoch)
{
    dpsgd *s = state;
    (void)epoch;
    memset(s->seen, 0, env->train->n ? env->train->n : 1);
}

/* One step: the noisy clipped mean gradient of a Poisson sample. Each chunk's
 * dropout masks come from (seed, step << 10 | chunk). */
static int dpsgd_gradient(void *state, const mc_train_env *env, float *grad, double *loss_sum,
                          size_t *rows, size_t batch, uint64_t step)
{
    dpsgd *s = state;
    const mc_nn *nn = env->nn;
    const mc_dataset *train = env->train;
    size_t m = 0, width = (size_t)nn->out;
    double total = 0.0;
    (void)batch; /* every step samples afresh */
    int rc = mc_dp_stream_start(s->stream, MC_DP_SAMPLE, step);
    if (rc == MC_OK)
        rc = mc_dp_poisson_sample(s->rows, &m, s->stream, s->n, s->q);
    if (rc)
        return rc;
    if (m > (size_t)MAX_CHUNKS * (size_t)s->B)
        return mc_error_set(MC_EINTERNAL, "a Poisson batch of %zu rows (expected %g)", m,
                            s->q * (double)s->n);
    memset(grad, 0, nn->n_params * sizeof *grad);
    for (size_t c0 = 0, chunk = 0; c0 < m; c0 += (size_t)s->B, chunk++) {
        int bs = (int)(m - c0 < (size_t)s->B ? m - c0 : (size_t)s->B);
        float *xb = env->w->acts[0];
        for (int r = 0; r < bs; r++) {
            uint32_t row = s->rows[c0 + (size_t)r];
            memcpy(xb + (size_t)r * train->d, train->x + (size_t)row * train->d,
                   (size_t)train->d * sizeof *xb);
            s->ybatch[r] = train->y[row];
        }
        const float *out = mc_nn_forward(nn, env->w, xb, bs, 1, env->seed, (step << 10) | chunk,
                                         env->num);
        const float *pre = env->w->pre[nn->n_layers - 1];
        int pre_grad = 0;
        for (int r = 0; r < bs; r++) {
            uint32_t row = s->rows[c0 + (size_t)r];
            memcpy(env->train_pred + (size_t)row * width, out + (size_t)r * width,
                   width * sizeof *out);
            s->seen[row] = 1;
            /* one row at a time: its own loss's gradient, not divided by the batch */
            total += mc_loss_batch(s->dout + (size_t)r * width, &pre_grad, env->loss,
                                   pre + (size_t)r * width, out + (size_t)r * width,
                                   s->ybatch + r, 1, (int)width);
        }
        mc_nn_backward_clipped(nn, env->w, grad, s->norms, s->dout, bs, pre_grad,
                               s->cfg.max_grad_norm, env->num);
    }
    rc = mc_dp_ahead_add(s->ahead, grad, step);
    if (rc)
        return rc;
    float inv = (float)(1.0 / (s->q * (double)s->n)); /* Opacus: the expected batch size */
    for (size_t i = 0; i < nn->n_params; i++)
        grad[i] = grad[i] * inv;
    *loss_sum = total;
    *rows = m;
    return MC_OK;
}

/* The epoch's training figures are over the rows it sampled: their targets
 * and outputs, packed in row order. */
static void dpsgd_epoch_rows(void *state, const mc_train_env *env, mc_dataset *rows,
                             const float **pred)
{
    dpsgd *s = state;
    size_t k = 0, width = (size_t)env->nn->out;
    for (size_t r = 0; r < s->n; r++) {
        if (!s->seen[r])
            continue;
        s->seen_y[k] = env->train->y[r];
        memcpy(s->seen_pred + k * width, env->train_pred + r * width, width * sizeof *s->seen_pred);
        k++;
    }
    *rows = (mc_dataset){NULL, s->seen_y, k, env->train->d};
    *pred = s->seen_pred;
}

int mc_train_step_dpsgd(mc_train_step *out, const mc_train_env *env, const mc_dpsgd_config *cfg)
{
    size_t n = env->train->n, B = (size_t)env->batch_size, width = (size_t)env->nn->out;
    dpsgd *s = calloc(1, sizeof *s);
    int rc = s ? MC_OK : mc_error_nomem();
    if (rc)
        goto cleanup;
    s->cfg = *cfg;
    s->n = n;
    s->B = env->batch_size;
    s->q = mc_dpsgd_sample_rate(n, env->batch_size);
    s->rows = malloc((n ? n : 1) * sizeof *s->rows);
    s->dout = malloc(B * width * sizeof *s->dout);
    s->ybatch = malloc(B * sizeof *s->ybatch);
    s->norms = malloc(B * sizeof *s->norms);
    s->seen = malloc(n ? n : 1);
    s->seen_y = malloc((n ? n : 1) * sizeof *s->seen_y);
    s->seen_pred = malloc((n ? n : 1) * width * sizeof *s->seen_pred);
    if (!s->rows || !s->dout || !s->ybatch || !s->norms || !s->seen || !s->seen_y ||
        !s->seen_pred) {
        rc = mc_error_nomem();
        goto cleanup;
    }
    if ((rc = mc_dp_stream_create(&s->stream, cfg->key)))
        goto cleanup;
    if ((rc = mc_dp_ahead_create(&s->ahead, cfg->key, env->nn->n_params,
                                 cfg->noise_multiplier * cfg->max_grad_norm, cfg->threaded)))
        goto cleanup;
    *out = (mc_train_step){s, dpsgd_epoch_start, dpsgd_gradient, dpsgd_epoch_rows, dpsgd_free};
    s = NULL;
cleanup:
    dpsgd_free(s);
    return rc;
}
