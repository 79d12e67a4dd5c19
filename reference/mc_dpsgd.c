#include "mc_dpsgd.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mc_blas.h"
#include "mc_error.h"

#define MAX_CHUNKS 1024 /* chunks of batch_size rows in one Poisson batch (mean: 1) */

struct mc_dpsgd {
    mc_dpsgd_config cfg;
    mc_dp_stream *stream; /* the sampling's */
    mc_dp_ahead *ahead;   /* the noise */
    uint32_t *rows;  /* [n]: one step's sample */
    float *dout;     /* [B][width] */
    float *ybatch;   /* [B] */
    double *norms;   /* [B] */
    double q;
    size_t n;
    int B;
};

double mc_dpsgd_sample_rate(size_t rows, long long batch_size)
{
    return rows == 0 || (double)batch_size >= (double)rows ? 1.0 : (double)batch_size / (double)rows;
}

int mc_dpsgd_create(mc_dpsgd **out, const mc_dpsgd_config *cfg, const mc_nn *nn, size_t n_rows,
                    int batch_size)
{
    mc_dpsgd *s = calloc(1, sizeof *s);
    if (!s)
        return mc_error_nomem();
    s->cfg = *cfg;
    s->n = n_rows;
    s->B = batch_size;
    s->q = mc_dpsgd_sample_rate(n_rows, batch_size);
    s->rows = malloc((n_rows ? n_rows : 1) * sizeof *s->rows);
    s->dout = malloc((size_t)batch_size * (size_t)nn->out * sizeof *s->dout);
    s->ybatch = malloc((size_t)batch_size * sizeof *s->ybatch);
    s->norms = malloc((size_t)batch_size * sizeof *s->norms);
    int rc = s->rows && s->dout && s->ybatch && s->norms ? MC_OK : mc_error_nomem();
    if (rc == MC_OK)
        rc = mc_dp_stream_create(&s->stream, cfg->key);
    if (rc == MC_OK)
        rc = mc_dp_ahead_create(&s->ahead, cfg->key, nn->n_params,
                                cfg->noise_multiplier * cfg->max_grad_norm, cfg->threaded);
    if (rc) {
        mc_dpsgd_free(s);
        return rc;
    }
    *out = s;
    return MC_OK;
}

void mc_dpsgd_free(mc_dpsgd *s)
{
    if (!s)
        return;
    mc_dp_stream_free(s->stream);
    mc_dp_ahead_free(s->ahead);
    free(s->rows);
    free(s->dout);
    free(s->ybatch);
    free(s->norms);
    memset(&s->cfg, 0, sizeof s->cfg);
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
    return ((lane[0] + lane[1]) + (lane[2] + lane[3])) + ((lane[4] + lane[5]) + (lane[6] + lane[7]));
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

/* ---- one step ---------------------------------------------------------------------- */

int mc_dpsgd_step(mc_dpsgd *s, float *grad, double *loss_sum, size_t *rows, const mc_nn *nn,
                  mc_nn_work *w, const mc_dataset *train, int loss, uint64_t seed, uint64_t step,
                  mc_numerics num, float *train_pred, uint8_t *seen)
{
    size_t m = 0, width = (size_t)nn->out;
    double total = 0.0;
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
        float *xb = w->acts[0];
        for (int r = 0; r < bs; r++) {
            uint32_t row = s->rows[c0 + (size_t)r];
            memcpy(xb + (size_t)r * train->d, train->x + (size_t)row * train->d,
                   (size_t)train->d * sizeof *xb);
            s->ybatch[r] = train->y[row];
        }
        const float *out = mc_nn_forward(nn, w, xb, bs, 1, seed, (step << 10) | chunk, num);
        const float *pre = w->pre[nn->n_layers - 1];
        int pre_grad = 0;
        for (int r = 0; r < bs; r++) {
            uint32_t row = s->rows[c0 + (size_t)r];
            memcpy(train_pred + (size_t)row * width, out + (size_t)r * width, width * sizeof *out);
            seen[row] = 1;
            /* one row at a time: its own loss's gradient, not divided by the batch */
            total += mc_loss_batch(s->dout + (size_t)r * width, &pre_grad, loss,
                                   pre + (size_t)r * width, out + (size_t)r * width,
                                   s->ybatch + r, 1, (int)width);
        }
        mc_nn_backward_clipped(nn, w, grad, s->norms, s->dout, bs, pre_grad,
                               s->cfg.max_grad_norm, num);
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

size_t mc_dpsgd_pack_seen(float *y_out, float *pred_out, const uint8_t *seen, const float *y,
                          const float *pred, size_t n, int width)
{
    size_t k = 0;
    for (size_t r = 0; r < n; r++) {
        if (!seen[r])
            continue;
        y_out[k] = y[r];
        memcpy(pred_out + k * (size_t)width, pred + r * (size_t)width, (size_t)width * sizeof *pred);
        k++;
    }
    return k;
}
