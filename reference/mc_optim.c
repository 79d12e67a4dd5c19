/* The optimisers' update rules (mc_optim.h), elementwise over the flat
 * parameter block: w[n_params], g[n_params], the moments m and v likewise.
 * Each follows Keras's formula and its order of operations, in float, with no
 * FMA contraction, so the reference numerics give the same bits everywhere.
 * Not here: the gradient (mc_nn.c, mc_loss.c, mc_dpsgd.c) and the loop that
 * calls the step (mc_train.c). */
#include "mc_optim.h"

#include <math.h>
#include <stdlib.h>

#include "mc_error.h"

struct mc_optim {
    mc_optimizer cfg;
    size_t n;
    long long t;  /* steps taken */
    float *m, *v; /* [n]: first and second moments (SGD and RMSprop: momentum in m) */
};

int mc_optim_create(mc_optim **out, const mc_optimizer *spec, size_t n_params)
{
    mc_optim *o = calloc(1, sizeof *o);
    int rc = o ? MC_OK : mc_error_nomem();
    if (rc)
        goto cleanup;
    o->cfg = *spec;
    o->n = n_params;
    o->m = calloc(n_params ? n_params : 1, sizeof *o->m);
    o->v = calloc(n_params ? n_params : 1, sizeof *o->v);
    if (!o->m || !o->v) {
        rc = mc_error_nomem();
        goto cleanup;
    }
    *out = o;
    o = NULL;
cleanup:
    mc_optim_free(o);
    return rc;
}

void mc_optim_free(mc_optim *o)
{
    if (!o)
        return;
    free(o->m);
    free(o->v);
    free(o);
}

/* b^e by repeated squaring, for Adam's bias correction: the same bits on
 * every machine, which libm's pow does not promise. */
static double pow_int(double b, long long e)
{
    double r = 1.0;
    while (e > 0) {
        if (e & 1)
            r *= b;
        b *= b;
        e >>= 1;
    }
    return r;
}

/* Adam's step is the hot loop of training after the matrix products. An AVX2
 * clone is picked at run time where the CPU has it: elementwise IEEE
 * operations without FMA (-ffp-contract=off), so every width gives the same
 * bits. The one loop serves as its own naive kernel. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__SANITIZE_ADDRESS__)
#define MC_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define MC_CLONES
#endif

/* Keras 2.11+ Adam: m += (g - m)(1 - b1); v += (g^2 - v)(1 - b2);
 * w -= m * alpha / (sqrt(v) + eps) with alpha = lr sqrt(1 - b2^t) / (1 - b1^t).
 * AdamW first decays w by weight_decay * lr. */
MC_CLONES
static void adam_step(mc_optim *o, float *restrict w, const float *restrict g)
{
    const mc_optimizer *c = &o->cfg;
    float b1 = (float)c->beta_1, b2 = (float)c->beta_2, eps = (float)c->epsilon;
    float alpha = (float)(c->learning_rate * sqrt(1.0 - pow_int(c->beta_2, o->t)) /
                          (1.0 - pow_int(c->beta_1, o->t)));
    float one_b1 = 1.0f - b1, one_b2 = 1.0f - b2;
    if (c->type == MC_OPT_ADAMW) {
        float decay = (float)(c->weight_decay * c->learning_rate);
        for (size_t i = 0; i < o->n; i++)
            w[i] = w[i] - w[i] * decay;
    }
    float *restrict m = o->m, *restrict v = o->v;
    for (size_t i = 0; i < o->n; i++) {
        m[i] = m[i] + (g[i] - m[i]) * one_b1;
        v[i] = v[i] + (g[i] * g[i] - v[i]) * one_b2;
        w[i] = w[i] - (m[i] * alpha) / (sqrtf(v[i]) + eps);
    }
}

/* Keras SGD: m = momentum m - lr g; w += m (nesterov: w += momentum m - lr g). */
static void sgd_step(mc_optim *o, float *w, const float *g)
{
    float lr = (float)o->cfg.learning_rate, mom = (float)o->cfg.momentum;
    if (mom == 0.0f) {
        for (size_t i = 0; i < o->n; i++)
            w[i] = w[i] - lr * g[i];
        return;
    }
    for (size_t i = 0; i < o->n; i++) {
        o->m[i] = mom * o->m[i] - lr * g[i];
        w[i] = o->cfg.nesterov ? w[i] + (mom * o->m[i] - lr * g[i]) : w[i] + o->m[i];
    }
}

/* Keras RMSprop: v = rho v + (1 - rho) g^2; step = lr g / sqrt(v + eps);
 * with momentum: m = momentum m + step, w -= m; else w -= step. */
static void rmsprop_step(mc_optim *o, float *w, const float *g)
{
    float lr = (float)o->cfg.learning_rate, rho = (float)o->cfg.rho, eps = (float)o->cfg.epsilon;
    float mom = (float)o->cfg.momentum;
    for (size_t i = 0; i < o->n; i++) {
        o->v[i] = rho * o->v[i] + (1.0f - rho) * g[i] * g[i];
        float step = lr * g[i] / sqrtf(o->v[i] + eps);
        if (mom > 0.0f) {
            o->m[i] = mom * o->m[i] + step;
            w[i] = w[i] - o->m[i];
        } else {
            w[i] = w[i] - step;
        }
    }
}

void mc_optim_step(mc_optim *o, float *params, const float *grad)
{
    o->t++;
    switch (o->cfg.type) {
    case MC_OPT_ADAM:
    case MC_OPT_ADAMW: adam_step(o, params, grad); break;
    case MC_OPT_SGD: sgd_step(o, params, grad); break;
    case MC_OPT_RMSPROP: rmsprop_step(o, params, grad); break;
    }
}
