/* The network in double precision and its input gradient (mc_nn_grad.h), for explanations:
 * Integrated Gradients needs d output / d input at many points of a path, Shapley values many
 * forward passes over mixed rows. Plain loops over the float32 weights promoted to double once
 * (and transposed for the backward pass, so both kernels run along contiguous rows and
 * vectorise without reordering a sum): the naive kernels are the only kernels here, and the
 * unit test checks their gradient against central finite differences. */
#include "mc_nn_grad.h"

#include <stdlib.h>
#include <string.h>

#include "mc_error.h"
#include "mc_math.h"

static int widest(const mc_nn *nn)
{
    int m = nn->in;
    for (int l = 0; l < nn->n_layers; l++)
        m = nn->layers[l].out > m ? nn->layers[l].out : m;
    return m;
}

void mc_nn64_work_free(mc_nn64_work *w)
{
    if (!w)
        return;
    for (int l = 0; w->acts && l <= w->n_layers; l++)
        free(w->acts[l]);
    for (int l = 0; w->pre && l < w->n_layers; l++)
        free(w->pre[l]);
    for (int l = 0; w->w && l < w->n_layers; l++) {
        free(w->w[l]);
        free(w->wt[l]);
        free(w->b[l]);
    }
    free(w->acts);
    free(w->pre);
    free(w->w);
    free(w->wt);
    free(w->b);
    free(w->g0);
    free(w->g1);
    free(w);
}

int mc_nn64_work_create(mc_nn64_work **out, const mc_nn *nn, int cap)
{
    mc_nn64_work *w = calloc(1, sizeof *w);
    if (!w)
        return mc_error_nomem();
    w->cap = cap;
    w->n_layers = nn->n_layers;
    size_t rows = (size_t)(cap > 0 ? cap : 1), wide = (size_t)widest(nn);
    size_t L = (size_t)nn->n_layers + 1;
    int ok = (w->acts = calloc(L, sizeof *w->acts)) && (w->pre = calloc(L, sizeof *w->pre)) &&
             (w->w = calloc(L, sizeof *w->w)) && (w->wt = calloc(L, sizeof *w->wt)) &&
             (w->b = calloc(L, sizeof *w->b)) &&
             (w->g0 = malloc(rows * wide * sizeof *w->g0)) &&
             (w->g1 = malloc(rows * wide * sizeof *w->g1)) &&
             (w->acts[0] = malloc(rows * (size_t)nn->in * sizeof *w->acts[0]));
    for (int l = 0; ok && l < nn->n_layers; l++) {
        size_t n = rows * (size_t)nn->layers[l].out;
        ok = (w->acts[l + 1] = malloc(n * sizeof *w->acts[l + 1])) &&
             (w->pre[l] = malloc(n * sizeof *w->pre[l]));
        const mc_nn_layer *Ly = &nn->layers[l];
        if (!ok || Ly->kind != MC_LAYER_DENSE)
            continue;
        size_t k = (size_t)Ly->in, o = (size_t)Ly->out;
        ok = (w->w[l] = malloc(k * o * sizeof *w->w[l])) &&
             (w->wt[l] = malloc(k * o * sizeof *w->wt[l])) &&
             (w->b[l] = malloc(o * sizeof *w->b[l]));
        const float *wf = nn->params + Ly->w_off;
        for (size_t i = 0; ok && i < k; i++)
            for (size_t j = 0; j < o; j++)
                w->w[l][i * o + j] = w->wt[l][j * k + i] = (double)wf[i * o + j];
        for (size_t j = 0; ok && j < o; j++)
            w->b[l][j] = (double)nn->params[Ly->b_off + j];
    }
    if (!ok) {
        mc_nn64_work_free(w);
        return mc_error_nomem();
    }
    *out = w;
    return MC_OK;
}

void mc_dense_forward_f64(double *out, const double *inp, const double *w, const double *b,
                          int B, int k, int n)
{
    for (int r = 0; r < B; r++) {
        double *o = out + (size_t)r * (size_t)n;
        const double *x = inp + (size_t)r * (size_t)k;
        for (int j = 0; j < n; j++)
            o[j] = b[j];
        for (int i = 0; i < k; i++) {
            const double *wi = w + (size_t)i * (size_t)n;
            double xi = x[i];
            for (int j = 0; j < n; j++)
                o[j] += xi * wi[j];
        }
    }
}

void mc_dense_backward_input_f64(double *dinp, const double *dout, const double *wt, int B,
                                 int k, int n)
{
    for (int r = 0; r < B; r++) {
        const double *d = dout + (size_t)r * (size_t)n;
        double *g = dinp + (size_t)r * (size_t)k;
        for (int i = 0; i < k; i++)
            g[i] = 0.0;
        for (int j = 0; j < n; j++) {
            const double *wj = wt + (size_t)j * (size_t)k;
            double dj = d[j];
            for (int i = 0; i < k; i++)
                g[i] += dj * wj[i];
        }
    }
}

void mc_act_forward_f64(double *y, const double *z, int B, int n, mc_activation act, float slope)
{
    size_t total = (size_t)B * (size_t)n;
    switch (act) {
    case MC_ACT_RELU:
    case MC_ACT_LEAKY_RELU: {
        double s = act == MC_ACT_RELU ? 0.0 : (double)slope;
        for (size_t i = 0; i < total; i++)
            y[i] = z[i] > 0.0 ? z[i] : s * z[i];
        break;
    }
    case MC_ACT_LINEAR:
        memmove(y, z, total * sizeof *y);
        break;
    case MC_ACT_SIGMOID:
        for (size_t i = 0; i < total; i++)
            y[i] = mc_sigmoid(z[i]);
        break;
    case MC_ACT_TANH:
        for (size_t i = 0; i < total; i++)
            y[i] = mc_tanh(z[i]);
        break;
    case MC_ACT_SOFTMAX:
        for (int r = 0; r < B; r++) {
            const double *zr = z + (size_t)r * (size_t)n;
            double *yr = y + (size_t)r * (size_t)n, mx = zr[0], sum = 0.0;
            for (int j = 1; j < n; j++)
                mx = zr[j] > mx ? zr[j] : mx;
            for (int j = 0; j < n; j++)
                sum += (yr[j] = mc_exp(zr[j] - mx));
            for (int j = 0; j < n; j++)
                yr[j] /= sum;
        }
        break;
    }
}

void mc_act_backward_f64(double *dz, const double *dy, const double *z, const double *y, int B,
                         int n, mc_activation act, float slope)
{
    size_t total = (size_t)B * (size_t)n;
    switch (act) {
    case MC_ACT_RELU:
    case MC_ACT_LEAKY_RELU: {
        double s = act == MC_ACT_RELU ? 0.0 : (double)slope;
        for (size_t i = 0; i < total; i++)
            dz[i] = z[i] > 0.0 ? dy[i] : s * dy[i];
        break;
    }
    case MC_ACT_LINEAR:
        memmove(dz, dy, total * sizeof *dz);
        break;
    case MC_ACT_SIGMOID:
        for (size_t i = 0; i < total; i++)
            dz[i] = dy[i] * y[i] * (1.0 - y[i]);
        break;
    case MC_ACT_TANH:
        for (size_t i = 0; i < total; i++)
            dz[i] = dy[i] * (1.0 - y[i] * y[i]);
        break;
    case MC_ACT_SOFTMAX:
        for (int r = 0; r < B; r++) {
            const double *yr = y + (size_t)r * (size_t)n, *dyr = dy + (size_t)r * (size_t)n;
            double *dzr = dz + (size_t)r * (size_t)n, dot = 0.0;
            for (int j = 0; j < n; j++)
                dot += yr[j] * dyr[j];
            for (int j = 0; j < n; j++)
                dzr[j] = yr[j] * (dyr[j] - dot);
        }
        break;
    }
}

const double *mc_nn64_forward(const mc_nn *nn, mc_nn64_work *w, const double *x, int B)
{
    memcpy(w->acts[0], x, (size_t)B * (size_t)nn->in * sizeof *x);
    for (int l = 0; l < nn->n_layers; l++) {
        const mc_nn_layer *L = &nn->layers[l];
        if (L->kind != MC_LAYER_DENSE) { /* dropout: the identity at inference */
            memcpy(w->acts[l + 1], w->acts[l], (size_t)B * (size_t)L->out * sizeof *x);
            continue;
        }
        mc_dense_forward_f64(w->pre[l], w->acts[l], w->w[l], w->b[l], B, L->in, L->out);
        mc_act_forward_f64(w->acts[l + 1], w->pre[l], B, L->out, L->act, L->slope);
    }
    return w->acts[nn->n_layers];
}

void mc_nn64_input_grad(const mc_nn *nn, mc_nn64_work *w, double *dx, const int *unit, int B)
{
    int n = nn->out;
    double *g = w->g0, *h = w->g1;
    memset(g, 0, (size_t)B * (size_t)n * sizeof *g);
    for (int r = 0; r < B; r++)
        g[(size_t)r * (size_t)n + (size_t)unit[r]] = 1.0;
    for (int l = nn->n_layers - 1; l >= 0; l--) {
        const mc_nn_layer *L = &nn->layers[l];
        if (L->kind != MC_LAYER_DENSE)
            continue; /* dropout: the gradient passes unchanged */
        mc_act_backward_f64(h, g, w->pre[l], w->acts[l + 1], B, L->out, L->act, L->slope);
        mc_dense_backward_input_f64(g, h, w->wt[l], B, L->in, L->out);
    }
    memcpy(dx, g, (size_t)B * (size_t)nn->in * sizeof *dx);
}
