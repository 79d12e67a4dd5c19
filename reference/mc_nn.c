/* The network (mc_nn.h): its flat parameter block and work buffers, the
 * dense and activation kernels as forward/backward pairs (BLAS for the fast
 * numerics, fixed-order loops for the reference ones, which double as the
 * naive kernels the tests compare against), dropout, and inference. Not here:
 * the first parameters (mc_nn_init.c), the losses (mc_loss.c), DP-SGD's
 * clipped backward pass (mc_dpsgd.c). */
#include "mc_nn.h"

#include <stdlib.h>
#include <string.h>

#include "mc_blas.h"
#include "mc_error.h"
#include "mc_math.h"
#include "mc_rng.h"

/* Rows per inference chunk. With fast numerics the same rows in the same
 * chunk give the same bits (identical BLAS calls); only the reference
 * kernels make a row's bits independent of its neighbours. */
#define MC_NN_CHUNK 256

int mc_nn_create(mc_nn **out, int input_width, const mc_nn_layer *layers, int n_layers)
{
    mc_nn *nn = calloc(1, sizeof *nn);
    if (!nn)
        return mc_error_nomem();
    nn->layers = calloc((size_t)n_layers, sizeof *nn->layers);
    if (!nn->layers) {
        free(nn);
        return mc_error_nomem();
    }
    nn->n_layers = n_layers;
    nn->in = input_width;
    int width = input_width;
    size_t off = 0;
    for (int l = 0; l < n_layers; l++) {
        mc_nn_layer L = layers[l];
        L.in = width;
        if (L.kind == MC_LAYER_DROPOUT) {
            L.out = width;
        } else {
            L.w_off = off;
            off += (size_t)L.in * (size_t)L.out;
            L.b_off = off;
            off += (size_t)L.out;
        }
        width = L.out;
        nn->layers[l] = L;
    }
    nn->out = width;
    nn->n_params = off;
    nn->params = calloc(off ? off : 1, sizeof *nn->params);
    if (!nn->params) {
        mc_nn_free(nn);
        return mc_error_nomem();
    }
    *out = nn;
    return MC_OK;
}

void mc_nn_free(mc_nn *nn)
{
    if (!nn)
        return;
    free(nn->layers);
    free(nn->params);
    free(nn);
}

int mc_nn_work_create(mc_nn_work **out, const mc_nn *nn, int cap_batch)
{
    mc_nn_work *w = calloc(1, sizeof *w);
    if (!w)
        return mc_error_nomem();
    int L = nn->n_layers;
    w->cap_batch = cap_batch;
    w->acts = calloc((size_t)L + 1, sizeof *w->acts);
    w->pre = calloc((size_t)L, sizeof *w->pre);
    w->grads = calloc((size_t)L + 1, sizeof *w->grads);
    w->masks = calloc((size_t)L, sizeof *w->masks);
    int rc = w->acts && w->pre && w->grads && w->masks ? MC_OK : mc_error_nomem();
    if (rc)
        goto cleanup;
    for (int l = 0; l <= L; l++) {
        int width = l == 0 ? nn->in : nn->layers[l - 1].out;
        size_t n = (size_t)cap_batch * (size_t)width;
        w->acts[l] = malloc(n * sizeof(float));
        w->grads[l] = malloc(n * sizeof(float));
        if (!w->acts[l] || !w->grads[l]) {
            rc = mc_error_nomem();
            goto cleanup;
        }
        if (l < L) {
            const mc_nn_layer *ly = &nn->layers[l];
            size_t m = (size_t)cap_batch * (size_t)ly->out;
            if ((ly->kind == MC_LAYER_DENSE && !(w->pre[l] = malloc(m * sizeof(float)))) ||
                (ly->kind == MC_LAYER_DROPOUT && !(w->masks[l] = malloc(m)))) {
                rc = mc_error_nomem();
                goto cleanup;
            }
        }
    }
    *out = w;
    w = NULL;
cleanup:
    mc_nn_work_free(w, nn);
    return rc;
}

void mc_nn_work_free(mc_nn_work *w, const mc_nn *nn)
{
    if (!w)
        return;
    for (int l = 0; l <= nn->n_layers; l++) {
        if (w->acts)
            free(w->acts[l]);
        if (w->grads)
            free(w->grads[l]);
        if (l < nn->n_layers) {
            if (w->pre)
                free(w->pre[l]);
            if (w->masks)
                free(w->masks[l]);
        }
    }
    free(w->acts);
    free(w->pre);
    free(w->grads);
    free(w->masks);
    free(w);
}

/* ---- dense --------------------------------------------------------------- */

static void dense_forward_ref(float *out, const float *inp, const float *w, const float *b, int B,
                              int k, int n)
{
    /* For each output element the sum runs over k in ascending order; the
     * innermost loop is over n, so vectorising it keeps every element's order. */
    for (int r = 0; r < B; r++) {
        float *o = out + (size_t)r * n;
        for (int j = 0; j < n; j++)
            o[j] = 0.0f;
        for (int i = 0; i < k; i++) {
            float x = inp[(size_t)r * k + i];
            const float *wr = w + (size_t)i * n;
            for (int j = 0; j < n; j++)
                o[j] = o[j] + x * wr[j];
        }
        for (int j = 0; j < n; j++)
            o[j] = o[j] + b[j];
    }
}

void mc_dense_forward(float *out, const float *inp, const float *w, const float *b, int B, int k,
                      int n, mc_numerics num)
{
    if (num == MC_NUMERICS_REFERENCE) {
        dense_forward_ref(out, inp, w, b, B, k, n);
        return;
    }
    for (int r = 0; r < B; r++)
        memcpy(out + (size_t)r * n, b, (size_t)n * sizeof *out);
    mc_blas_sgemm(0, 0, B, n, k, 1.0f, inp, k, w, n, 1.0f, out, n);
}

static void dense_backward_ref(float *dinp, float *dw, float *db, const float *dout,
                               const float *inp, const float *w, int B, int k, int n)
{
    for (int r = 0; r < B; r++) {
        const float *d = dout + (size_t)r * n;
        for (int j = 0; j < n; j++)
            db[j] = db[j] + d[j];
        for (int i = 0; i < k; i++) {
            float x = inp[(size_t)r * k + i];
            float *dwr = dw + (size_t)i * n;
            for (int j = 0; j < n; j++)
                dwr[j] = dwr[j] + x * d[j];
        }
    }
    if (!dinp)
        return;
    for (int r = 0; r < B; r++) {
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

void mc_dense_backward(float *dinp, float *dw, float *db, const float *dout, const float *inp,
                       const float *w, int B, int k, int n, mc_numerics num)
{
    if (num == MC_NUMERICS_REFERENCE) {
        dense_backward_ref(dinp, dw, db, dout, inp, w, B, k, n);
        return;
    }
    for (int r = 0; r < B; r++) {
        const float *d = dout + (size_t)r * n;
        for (int j = 0; j < n; j++)
            db[j] += d[j];
    }
    /* dw[k][n] += inp^T[k][B] . dout[B][n] */
    mc_blas_sgemm(1, 0, k, n, B, 1.0f, inp, k, dout, n, 1.0f, dw, n);
    /* dinp[B][k] = dout[B][n] . w^T[n][k] */
    if (dinp)
        mc_blas_sgemm(0, 1, B, k, n, 1.0f, dout, n, w, n, 0.0f, dinp, k);
}

/* ---- activations ------------------------------------------------------------ */

/* Branch-free and restrict-qualified so compilers vectorise them; each element
 * is computed alone, so vector width never changes a bit. */
static void relu_forward(float *restrict y, const float *restrict z, size_t n, float slope)
{
    if (slope == 0.0f) {
        for (size_t i = 0; i < n; i++)
            y[i] = z[i] > 0.0f ? z[i] : 0.0f;
        return;
    }
    for (size_t i = 0; i < n; i++)
        y[i] = z[i] > 0.0f ? z[i] : slope * z[i];
}

/* In place, d = dy * relu'(z): the backward pass overwrites the gradient it reads. */
static void relu_backward_inplace(float *restrict d, const float *restrict z, size_t n, float slope)
{
    if (slope == 0.0f) {
        for (size_t i = 0; i < n; i++)
            d[i] = z[i] > 0.0f ? d[i] : 0.0f;
        return;
    }
    for (size_t i = 0; i < n; i++)
        d[i] = z[i] > 0.0f ? d[i] : slope * d[i];
}

static void relu_backward(float *dz, const float *dy, const float *z, size_t n, float slope)
{
    if (dz != dy)
        memcpy(dz, dy, n * sizeof *dz);
    relu_backward_inplace(dz, z, n, slope);
}

void mc_act_forward(float *y, const float *z, int B, int n, mc_activation act, float slope)
{
    size_t total = (size_t)B * (size_t)n;
    if (y != z && (act == MC_ACT_RELU || act == MC_ACT_LEAKY_RELU)) {
        relu_forward(y, z, total, act == MC_ACT_RELU ? 0.0f : slope);
        return;
    }
    switch (act) {
    case MC_ACT_RELU:
        for (size_t i = 0; i < total; i++)
            y[i] = z[i] > 0.0f ? z[i] : 0.0f;
        break;
    case MC_ACT_LEAKY_RELU:
        for (size_t i = 0; i < total; i++)
            y[i] = z[i] > 0.0f ? z[i] : slope * z[i];
        break;
    case MC_ACT_LINEAR:
        if (y != z)
            memcpy(y, z, total * sizeof *y);
        break;
    case MC_ACT_SIGMOID:
        for (size_t i = 0; i < total; i++)
            y[i] = (float)mc_sigmoid((double)z[i]);
        break;
    case MC_ACT_TANH:
        for (size_t i = 0; i < total; i++)
            y[i] = (float)mc_tanh((double)z[i]);
        break;
    case MC_ACT_SOFTMAX:
        for (int r = 0; r < B; r++) {
            const float *zr = z + (size_t)r * n;
            float *yr = y + (size_t)r * n;
            float mx = zr[0];
            for (int j = 1; j < n; j++)
                mx = zr[j] > mx ? zr[j] : mx;
            double sum = 0.0;
            for (int j = 0; j < n; j++)
                sum += mc_exp((double)zr[j] - (double)mx);
            for (int j = 0; j < n; j++)
                yr[j] = (float)(mc_exp((double)zr[j] - (double)mx) / sum);
        }
        break;
    }
}

void mc_act_backward(float *dz, const float *dy, const float *z, const float *y, int B, int n,
                     mc_activation act, float slope)
{
    size_t total = (size_t)B * (size_t)n;
    if (act == MC_ACT_RELU || act == MC_ACT_LEAKY_RELU) {
        relu_backward(dz, dy, z, total, act == MC_ACT_RELU ? 0.0f : slope);
        return;
    }
    switch (act) {
    case MC_ACT_RELU:
        for (size_t i = 0; i < total; i++)
            dz[i] = z[i] > 0.0f ? dy[i] : 0.0f;
        break;
    case MC_ACT_LEAKY_RELU:
        for (size_t i = 0; i < total; i++)
            dz[i] = z[i] > 0.0f ? dy[i] : slope * dy[i];
        break;
    case MC_ACT_LINEAR:
        if (dz != dy)
            memcpy(dz, dy, total * sizeof *dz);
        break;
    case MC_ACT_SIGMOID:
        for (size_t i = 0; i < total; i++)
            dz[i] = dy[i] * y[i] * (1.0f - y[i]);
        break;
    case MC_ACT_TANH:
        for (size_t i = 0; i < total; i++)
            dz[i] = dy[i] * (1.0f - y[i] * y[i]);
        break;
    case MC_ACT_SOFTMAX:
        for (int r = 0; r < B; r++) {
            const float *yr = y + (size_t)r * n, *dyr = dy + (size_t)r * n;
            float *dzr = dz + (size_t)r * n;
            float dot = 0.0f;
            for (int j = 0; j < n; j++)
                dot = dot + yr[j] * dyr[j];
            for (int j = 0; j < n; j++)
                dzr[j] = yr[j] * (dyr[j] - dot);
        }
        break;
    }
}

/* ---- network ------------------------------------------------------------------ */

static void dropout_mask(uint8_t *mask, size_t n, float rate, uint64_t seed, uint64_t step, int layer)
{
    mc_rng rng;
    mc_rng_init(&rng, seed, MC_STREAM_DROPOUT, (step << 8) | (uint64_t)layer);
    for (size_t i = 0; i < n; i++)
        mask[i] = mc_rng_uniform_f(&rng) >= rate;
}

/* Layers [first, n_layers) of the forward pass; acts[first] holds their input. */
static const float *forward_layers(const mc_nn *nn, mc_nn_work *w, int first, int B, int training,
                                   uint64_t seed, uint64_t step, mc_numerics num)
{
    for (int l = first; l < nn->n_layers; l++) {
        const mc_nn_layer *L = &nn->layers[l];
        float *in = w->acts[l], *out = w->acts[l + 1];
        size_t total = (size_t)B * (size_t)L->out;
        if (L->kind == MC_LAYER_DENSE) {
            mc_dense_forward(w->pre[l], in, nn->params + L->w_off, nn->params + L->b_off, B, L->in,
                             L->out, num);
            mc_act_forward(out, w->pre[l], B, L->out, L->act, L->slope);
        } else if (training && L->rate > 0.0f) {
            /* Inverted dropout: keep with probability 1 - rate, scale by 1 / (1 - rate). */
            float scale = 1.0f / (1.0f - L->rate);
            dropout_mask(w->masks[l], total, L->rate, seed, step, l);
            for (size_t i = 0; i < total; i++)
                out[i] = w->masks[l][i] ? in[i] * scale : 0.0f;
        } else {
            memcpy(out, in, total * sizeof *out);
        }
    }
    return w->acts[nn->n_layers];
}

const float *mc_nn_forward(const mc_nn *nn, mc_nn_work *w, const float *x, int B, int training,
                           uint64_t seed, uint64_t step, mc_numerics num)
{
    if (x != w->acts[0])
        memcpy(w->acts[0], x, (size_t)B * (size_t)nn->in * sizeof(float));
    return forward_layers(nn, w, 0, B, training, seed, step, num);
}

void mc_nn_backward(const mc_nn *nn, mc_nn_work *w, float *grad, const float *dout, int B,
                    int dout_is_pre, mc_numerics num)
{
    int L = nn->n_layers;
    memcpy(w->grads[L], dout, (size_t)B * (size_t)nn->out * sizeof(float));
    for (int l = L - 1; l >= 0; l--) {
        const mc_nn_layer *ly = &nn->layers[l];
        float *dy = w->grads[l + 1];
        float *dx = l > 0 ? w->grads[l] : NULL; /* no gradient for the data */
        size_t total = (size_t)B * (size_t)ly->out;
        if (ly->kind == MC_LAYER_DENSE) {
            float *dz = dy; /* in place: dy is not needed afterwards */
            if (!(l == L - 1 && dout_is_pre))
                mc_act_backward(dz, dy, w->pre[l], w->acts[l + 1], B, ly->out, ly->act, ly->slope);
            mc_dense_backward(dx, grad + ly->w_off, grad + ly->b_off, dz, w->acts[l],
                              nn->params + ly->w_off, B, ly->in, ly->out, num);
        } else if (dx) {
            float scale = 1.0f / (1.0f - ly->rate);
            if (ly->rate > 0.0f)
                for (size_t i = 0; i < total; i++)
                    dx[i] = w->masks[l][i] ? dy[i] * scale : 0.0f;
            else
                memcpy(dx, dy, total * sizeof *dx);
        }
    }
}

int mc_nn_predict(const mc_nn *nn, const float *x, size_t n, float *out)
{
    return mc_nn_predict_batch(nn, x, n, out, MC_NUMERICS_REFERENCE);
}

int mc_nn_predict_batch(const mc_nn *nn, const float *x, size_t n, float *out, mc_numerics num)
{
    mc_nn_work *w = NULL;
    int rc = mc_nn_work_create(&w, nn, MC_NN_CHUNK);
    if (rc)
        return rc;
    for (size_t start = 0; start < n; start += MC_NN_CHUNK) {
        int B = (int)(n - start < MC_NN_CHUNK ? n - start : MC_NN_CHUNK);
        /* Pad the last chunk so every BLAS call has the same shape. */
        memset(w->acts[0], 0, (size_t)MC_NN_CHUNK * (size_t)nn->in * sizeof(float));
        memcpy(w->acts[0], x + start * (size_t)nn->in, (size_t)B * (size_t)nn->in * sizeof(float));
        const float *y = mc_nn_forward(nn, w, w->acts[0], MC_NN_CHUNK, 0, 0, 0, num);
        memcpy(out + start * (size_t)nn->out, y, (size_t)B * (size_t)nn->out * sizeof(float));
    }
    mc_nn_work_free(w, nn);
    return MC_OK;
}

int mc_nn_first_dense(const mc_nn *nn)
{
    for (int l = 0; l < nn->n_layers; l++)
        if (nn->layers[l].kind == MC_LAYER_DENSE)
            return l;
    return -1;
}

void mc_nn_predict_from(const mc_nn *nn, mc_nn_work *w, int layer, const float *pre, size_t n,
                        float *out, mc_numerics num)
{
    const mc_nn_layer *L = &nn->layers[layer];
    size_t cap = (size_t)w->cap_batch;
    for (size_t start = 0; start < n; start += cap) {
        int B = (int)(n - start < cap ? n - start : cap);
        memcpy(w->pre[layer], pre + start * (size_t)L->out, (size_t)B * (size_t)L->out * sizeof(float));
        mc_act_forward(w->acts[layer + 1], w->pre[layer], B, L->out, L->act, L->slope);
        const float *y = forward_layers(nn, w, layer + 1, B, 0, 0, 0, num);
        memcpy(out + start * (size_t)nn->out, y, (size_t)B * (size_t)nn->out * sizeof(float));
    }
}
