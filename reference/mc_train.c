#include "mc_train.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mc_clock.h"
#include "mc_dpsgd.h"
#include "mc_error.h"
#include "mc_math.h"
#include "mc_metrics.h"
#include "mc_rng.h"

/* ---- losses --------------------------------------------------------------- */

/* log(1 + exp(-|z|)) + max(z, 0) - z t: binary cross-entropy from the logit,
 * exact where clipping probabilities would not be. */
static double bce_from_logit(double z, double t)
{
    double az = z < 0 ? -z : z;
    return (z > 0 ? z : 0.0) - z * t + mc_log(1.0 + mc_exp(-az));
}

double mc_loss_batch(float *dout, int *pre_grad, int loss, const float *pre, const float *out,
                     const float *y, int B, int width)
{
    double total = 0.0;
    float invB = 1.0f / (float)B;
    switch (loss) {
    case MC_LOSS_BINARY_CROSSENTROPY:
        *pre_grad = 1;
        for (int r = 0; r < B; r++) {
            total += bce_from_logit((double)pre[r], (double)y[r]);
            dout[r] = (out[r] - y[r]) * invB;
        }
        break;
    case MC_LOSS_CATEGORICAL_CROSSENTROPY:
    case MC_LOSS_SPARSE_CATEGORICAL_CROSSENTROPY:
        *pre_grad = 1;
        for (int r = 0; r < B; r++) {
            const float *z = pre + (size_t)r * width, *p = out + (size_t)r * width;
            int cls = (int)y[r];
            double mx = z[0];
            for (int j = 1; j < width; j++)
                mx = z[j] > mx ? z[j] : mx;
            double s = 0.0;
            for (int j = 0; j < width; j++)
                s += mc_exp((double)z[j] - mx);
            total += mx + mc_log(s) - (double)z[cls];
            for (int j = 0; j < width; j++)
                dout[(size_t)r * width + j] = (p[j] - (j == cls ? 1.0f : 0.0f)) * invB;
        }
        break;
    case MC_LOSS_MSE:
        *pre_grad = 0;
        for (int r = 0; r < B; r++) {
            float d = out[r] - y[r];
            total += (double)d * d;
            dout[r] = 2.0f * d * invB;
        }
        break;
    case MC_LOSS_MAE:
        *pre_grad = 0;
        for (int r = 0; r < B; r++) {
            float d = out[r] - y[r];
            total += d < 0 ? -(double)d : (double)d;
            dout[r] = (d > 0 ? 1.0f : d < 0 ? -1.0f : 0.0f) * invB;
        }
        break;
    }
    return total;
}

/* ---- optimisers ------------------------------------------------------------- */

struct mc_optim {
    mc_optimizer cfg;
    size_t n;
    long long t;
    float *m, *v;
};

int mc_optim_create(mc_optim **out, const mc_optimizer *spec, size_t n_params)
{
    mc_optim *o = calloc(1, sizeof *o);
    if (!o)
        return mc_error_nomem();
    o->cfg = *spec;
    o->n = n_params;
    o->m = calloc(n_params ? n_params : 1, sizeof *o->m);
    o->v = calloc(n_params ? n_params : 1, sizeof *o->v);
    if (!o->m || !o->v) {
        mc_optim_free(o);
        return mc_error_nomem();
    }
    *out = o;
    return MC_OK;
}

void mc_optim_free(mc_optim *o)
{
    if (!o)
        return;
    free(o->m);
    free(o->v);
    free(o);
}

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

/* Keras 2.11+ Adam: m += (g - m)(1 - b1); v += (g^2 - v)(1 - b2);
 * w -= m * alpha / (sqrt(v) + eps) with alpha = lr sqrt(1 - b2^t) / (1 - b1^t). */
/* The hot loop of training after the matrix products. An AVX2 clone is picked
 * at run time where the CPU has it: elementwise IEEE operations without FMA
 * (-ffp-contract=off), so every width gives the same bits. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__SANITIZE_ADDRESS__)
#define MC_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define MC_CLONES
#endif

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

/* ---- initialisation ----------------------------------------------------------- */

static void init_tensor(float *w, size_t n, int init, int fan_in, int fan_out, mc_rng *rng)
{
    double limit, sd;
    switch (init) {
    case MC_INIT_ZEROS:
        memset(w, 0, n * sizeof *w);
        return;
    case MC_INIT_GLOROT_UNIFORM:
    case MC_INIT_HE_UNIFORM:
        limit = init == MC_INIT_GLOROT_UNIFORM ? sqrt(6.0 / (fan_in + fan_out)) : sqrt(6.0 / fan_in);
        for (size_t i = 0; i < n; i++)
            w[i] = (float)((2.0 * mc_rng_uniform(rng) - 1.0) * limit);
        return;
    default:
        /* Keras's normal initialisers are truncated at two standard deviations,
         * with the standard deviation corrected by 0.87962566103423978. */
        sd = init == MC_INIT_GLOROT_NORMAL ? sqrt(2.0 / (fan_in + fan_out)) : sqrt(2.0 / fan_in);
        sd /= 0.87962566103423978;
        for (size_t i = 0; i < n; i++) {
            double z;
            do
                z = mc_rng_normal(rng);
            while (z < -2.0 || z > 2.0);
            w[i] = (float)(z * sd);
        }
        return;
    }
}

void mc_nn_init_params(mc_nn *nn, const mc_architecture *arch, unsigned long long seed)
{
    for (int l = 0; l < nn->n_layers; l++) {
        const mc_nn_layer *L = &nn->layers[l];
        if (L->kind != MC_LAYER_DENSE)
            continue;
        const mc_layer *spec = &arch->layers.items[l];
        mc_rng rng;
        /* Each tensor its own sub-stream: changing one layer leaves the others alone. */
        mc_rng_init(&rng, seed, MC_STREAM_INIT, (uint64_t)l * 2);
        init_tensor(nn->params + L->w_off, (size_t)L->in * L->out, spec->kernel_initializer, L->in,
                    L->out, &rng);
        mc_rng_init(&rng, seed, MC_STREAM_INIT, (uint64_t)l * 2 + 1);
        /* Keras computes a 1-D tensor's fans from its own length. */
        init_tensor(nn->params + L->b_off, (size_t)L->out, spec->bias_initializer, L->out, L->out,
                    &rng);
    }
}

/* ---- the loop ------------------------------------------------------------------- */

static int monitor_is_max(const mc_early_stopping *es)
{
    return es->mode == MC_MODE_MAX;
}

static double evaluate_loss(const mc_nn *nn, const mc_dataset *ds, const mc_training *t, float *pred,
                            mc_numerics num, int *rc)
{
    *rc = mc_nn_predict_batch(nn, ds->x, ds->n, pred, num);
    if (*rc)
        return NAN;
    double total = 0.0;
    int width = nn->out;
    const mc_nn_layer *last = &nn->layers[nn->n_layers - 1];
    for (size_t r = 0; r < ds->n; r++) {
        const float *p = pred + r * (size_t)width;
        double y = ds->y[r];
        switch (t->loss) {
        case MC_LOSS_BINARY_CROSSENTROPY: {
            /* Recover the logit from the clipped probability. */
            double pp = p[0] < 1e-7 ? 1e-7 : p[0] > 1 - 1e-7 ? 1 - 1e-7 : p[0];
            total += -(y * mc_log(pp) + (1 - y) * mc_log(1 - pp));
            break;
        }
        case MC_LOSS_CATEGORICAL_CROSSENTROPY:
        case MC_LOSS_SPARSE_CATEGORICAL_CROSSENTROPY: {
            double pp = p[(int)y];
            pp = pp < 1e-7 ? 1e-7 : pp > 1 - 1e-7 ? 1 - 1e-7 : pp;
            total += -mc_log(pp);
            break;
        }
        case MC_LOSS_MSE: total += ((double)p[0] - y) * ((double)p[0] - y); break;
        case MC_LOSS_MAE: total += fabs((double)p[0] - y); break;
        }
    }
    (void)last;
    return ds->n ? total / (double)ds->n : NAN;
}

static double monitored_value(const char *monitor, double loss, const float *pred,
                              const mc_dataset *ds, mc_task task, int n_classes,
                              const mc_metrics *metrics, int *rc)
{
    const char *name = monitor + (strncmp(monitor, "val_", 4) == 0 ? 4 : 0);
    if (strcmp(name, "loss") == 0)
        return loss;
    mc_metric_input in = {task, n_classes, ds->y, pred, ds->n, metrics->decision_threshold,
                          metrics->average, 1};
    double v = NAN;
    *rc = mc_metric_scalar(&v, mc_metric_from_name(name), &in);
    return v;
}

static double accuracy_of(const float *pred, const mc_dataset *ds, mc_task task, int n_classes,
                          const mc_metrics *metrics)
{
    if (task == MC_TASK_REGRESSION || ds->n == 0)
        return NAN;
    mc_metric_input in = {task, n_classes, ds->y, pred, ds->n, metrics->decision_threshold,
                          metrics->average, 1};
    double v = NAN;
    mc_metric_scalar(&v, MC_METRIC_ACCURACY, &in);
    return v;
}

/* Training that produced a NaN or an infinity cannot recover: stop, and say
 * what the user can change. */
static int diverged(int epoch, const char *what)
{
    return mc_error_set(MC_EINPUT, "training diverged at epoch %d (%s became NaN or infinite); "
                        "lower the learning rate or scale the data", epoch, what);
}

static int params_finite(const mc_nn *nn)
{
    for (size_t i = 0; i < nn->n_params; i++)
        if (!isfinite(nn->params[i]))
            return 0;
    return 1;
}

void mc_train_result_clear(mc_train_result *res)
{
    free(res->history);
    memset(res, 0, sizeof *res);
}

int mc_train(mc_train_result *res, mc_nn *nn, const mc_train_config *cfg, const mc_dataset *train,
             const mc_dataset *val)
{
    const mc_training *t = cfg->training;
    const mc_metrics *metrics = cfg->metrics;
    mc_task task = cfg->task;
    int n_classes = cfg->n_classes;
    mc_numerics num = cfg->numerics;
    mc_train_progress_fn progress = cfg->progress;
    void *ctx = cfg->progress_ctx;
    int rc = MC_OK;
    int B = (int)t->batch_size;
    size_t n = train->n, width = (size_t)nn->out;
    mc_nn_work *w = NULL;
    mc_optim *opt = NULL;
    mc_dpsgd *dp = NULL;
    uint8_t *seen = NULL;     /* DP: rows sampled this epoch */
    float *seen_y = NULL, *seen_pred = NULL;
    mc_dataset seen_ds = {NULL, NULL, 0, train->d};
    uint32_t *perm = malloc((n ? n : 1) * sizeof *perm);
    float *grad = malloc(nn->n_params * sizeof *grad);
    float *dout = malloc((size_t)B * width * sizeof *dout);
    float *ybatch = malloc((size_t)B * sizeof *ybatch);
    float *train_pred = malloc((n ? n : 1) * width * sizeof *train_pred);
    float *val_pred = malloc((val->n ? val->n : 1) * width * sizeof *val_pred);
    float *best = malloc(nn->n_params * sizeof *best);
    memset(res, 0, sizeof *res);
    res->history = calloc((size_t)t->epochs, sizeof *res->history);
    if (!perm || !grad || !dout || !ybatch || !train_pred || !val_pred || !best || !res->history) {
        rc = mc_error_nomem();
        goto cleanup;
    }
    if ((rc = mc_nn_work_create(&w, nn, B)) || (rc = mc_optim_create(&opt, &t->optimizer, nn->n_params)))
        goto cleanup;
    if (cfg->dp) {
        seen = malloc(n ? n : 1);
        seen_y = malloc((n ? n : 1) * sizeof *seen_y);
        seen_pred = malloc((n ? n : 1) * width * sizeof *seen_pred);
        if (!seen || !seen_y || !seen_pred) {
            rc = mc_error_nomem();
            goto cleanup;
        }
        if ((rc = mc_dpsgd_create(&dp, cfg->dp, nn, n, B)))
            goto cleanup;
        seen_ds.y = seen_y;
    }

    const mc_early_stopping *es = t->has_early_stopping ? &t->early_stopping : NULL;
    double best_value = NAN;
    int wait = 0;
    double t0 = mc_clock_seconds();
    size_t batches = (n + (size_t)B - 1) / (size_t)B;
    for (uint32_t i = 0; i < n; i++)
        perm[i] = i;
    for (int epoch = 1; epoch <= (int)t->epochs; epoch++) {
        double te = mc_clock_seconds(), loss_sum = 0.0;
        size_t loss_rows = 0;
        if (dp)
            memset(seen, 0, n ? n : 1);
        if (t->shuffle) {
            mc_rng rng;
            mc_rng_init(&rng, (uint64_t)t->seed, MC_STREAM_SHUFFLE, (uint64_t)epoch);
            for (uint32_t i = 0; i < n; i++)
                perm[i] = i; /* each epoch's order is a function of (seed, epoch) alone */
            mc_rng_shuffle(&rng, perm, (uint32_t)n);
        }
        for (size_t b = 0; b < batches; b++) {
            size_t start = b * (size_t)B;
            int bs = (int)(n - start < (size_t)B ? n - start : (size_t)B); /* the last batch may be partial */
            if (dp) {
                double batch_loss = 0.0;
                size_t m = 0;
                rc = mc_dpsgd_step(dp, grad, &batch_loss, &m, nn, w, train, t->loss,
                                   (uint64_t)t->seed, res->steps, num, train_pred, seen);
                if (rc)
                    goto cleanup;
                if (!isfinite(batch_loss)) {
                    rc = diverged(epoch, "the loss");
                    goto cleanup;
                }
                loss_sum += batch_loss;
                loss_rows += m;
                mc_optim_step(opt, nn->params, grad);
                res->steps++;
                if (progress) {
                    mc_train_progress p = {epoch, (int)t->epochs, b + 1, batches,
                                           loss_rows ? loss_sum / (double)loss_rows : NAN,
                                           mc_clock_seconds() - t0, NULL};
                    progress(ctx, &p);
                }
                continue;
            }
            float *xb = w->acts[0];
            for (int r = 0; r < bs; r++) {
                uint32_t row = perm[start + (size_t)r];
                memcpy(xb + (size_t)r * train->d, train->x + (size_t)row * train->d,
                       (size_t)train->d * sizeof *xb);
                ybatch[r] = train->y[row];
            }
            const float *out = mc_nn_forward(nn, w, xb, bs, 1, (uint64_t)t->seed, res->steps, num);
            for (int r = 0; r < bs; r++)
                memcpy(train_pred + (size_t)perm[start + (size_t)r] * width, out + (size_t)r * width,
                       width * sizeof *out);
            int pre_grad = 0;
            double batch_loss = mc_loss_batch(dout, &pre_grad, t->loss, w->pre[nn->n_layers - 1],
                                              out, ybatch, bs, (int)width);
            if (!isfinite(batch_loss)) {
                rc = diverged(epoch, "the loss");
                goto cleanup;
            }
            loss_sum += batch_loss;
            loss_rows += (size_t)bs;
            memset(grad, 0, nn->n_params * sizeof *grad);
            mc_nn_backward(nn, w, grad, dout, bs, pre_grad, num);
            mc_optim_step(opt, nn->params, grad);
            res->steps++;
            if (progress) {
                mc_train_progress p = {epoch, (int)t->epochs, b + 1, batches,
                                       loss_sum / (double)(start + (size_t)bs), mc_clock_seconds() - t0, NULL};
                progress(ctx, &p);
            }
        }
        if (!params_finite(nn)) {
            rc = diverged(epoch, "a parameter");
            goto cleanup;
        }
        mc_epoch_stats *st = &res->history[epoch - 1];
        /* DP: the training figures are over the rows this epoch sampled */
        const mc_dataset *tr_ds = train;
        const float *tr_pred = train_pred;
        if (dp) {
            seen_ds.n = mc_dpsgd_pack_seen(seen_y, seen_pred, seen, train->y, train_pred, n,
                                           (int)width);
            tr_ds = &seen_ds;
            tr_pred = seen_pred;
        }
        st->epoch = epoch;
        st->loss = loss_rows ? loss_sum / (double)loss_rows : NAN;
        st->val_loss = NAN;
        st->monitor = NAN;
        st->accuracy = accuracy_of(tr_pred, tr_ds, task, n_classes, metrics);
        st->val_accuracy = NAN;
        if (val->n) {
            st->val_loss = evaluate_loss(nn, val, t, val_pred, num, &rc);
            if (rc)
                goto cleanup;
            st->val_accuracy = accuracy_of(val_pred, val, task, n_classes, metrics);
        }
        res->n_epochs = epoch;
        if (es) {
            int is_val = strncmp(es->monitor, "val_", 4) == 0;
            st->monitor = monitored_value(es->monitor, is_val ? st->val_loss : st->loss,
                                          is_val ? val_pred : tr_pred, is_val ? val : tr_ds, task,
                                          n_classes, metrics, &rc);
            if (rc)
                goto cleanup;
            double v = st->monitor;
            /* A NaN monitor (a metric undefined this epoch) is no improvement. */
            int improved = !isnan(v) && (isnan(best_value) ||
                                         (monitor_is_max(es) ? v > best_value + es->min_delta
                                                             : v < best_value - es->min_delta));
            if (improved) {
                best_value = v;
                res->best_epoch = epoch;
                wait = 0;
                memcpy(best, nn->params, nn->n_params * sizeof *best);
            } else if (++wait >= es->patience) { /* Keras: stop once `patience` epochs did not improve */
                res->stopped_early = epoch < (int)t->epochs;
            }
        }
        st->seconds = mc_clock_seconds() - te;
        if (progress) {
            mc_train_progress p = {epoch, (int)t->epochs, batches, batches, st->loss, mc_clock_seconds() - t0, st};
            progress(ctx, &p);
        }
        if (res->stopped_early)
            break;
    }
    if (es && es->restore_best && res->best_epoch > 0)
        memcpy(nn->params, best, nn->n_params * sizeof *best);
cleanup:
    mc_nn_work_free(w, nn);
    mc_optim_free(opt);
    mc_dpsgd_free(dp);
    free(seen);
    free(seen_y);
    free(seen_pred);
    free(perm);
    free(grad);
    free(dout);
    free(ybatch);
    free(train_pred);
    free(val_pred);
    free(best);
    if (rc)
        mc_train_result_clear(res);
    return rc;
}
