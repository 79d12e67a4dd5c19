/* The trainer (mc_train.h): the epoch loop, the epoch's figures (training
 * and validation loss and accuracy), early stopping and the divergence check.
 * What a step does is a strategy's (mc_train_step.h): normal mini-batches
 * (mc_minibatch.c) or DP-SGD (mc_dpsgd.c), chosen once, before the loop; the
 * update rules are mc_optim.c's, the losses mc_loss.c's, the first parameters
 * mc_nn_init.c's. */
#include "mc_train.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mc_clock.h"
#include "mc_dpsgd.h"
#include "mc_error.h"
#include "mc_metrics.h"
#include "mc_train_step.h"

/* One training's state, from mc_train's start to its end. */
typedef struct trainer {
    const mc_train_config *cfg;
    const mc_training *t;
    mc_nn *nn;
    const mc_dataset *val;
    mc_train_env env;       /* what the steps work on */
    mc_train_step step;     /* how they get their gradient */
    mc_optim *opt;
    float *grad;            /* [n_params] */
    float *val_pred;        /* [val->n][width] */
    float *best;            /* [n_params]: the best epoch's parameters (early stopping) */
    size_t batches;         /* steps per epoch */
    double t0;
    mc_dataset epoch_rows;  /* the rows this epoch's training figures are over */
    const float *epoch_pred;
    const mc_early_stopping *es; /* NULL: none */
    double best_value;      /* of the monitor; NaN until an epoch gives one */
    int wait;               /* epochs since the monitor last improved */
} trainer;

/* ---- set-up ----------------------------------------------------------------------- */

static void trainer_clear(trainer *tr)
{
    if (tr->step.free)
        tr->step.free(tr->step.state);
    mc_nn_work_free(tr->env.w, tr->nn);
    mc_optim_free(tr->opt);
    free(tr->env.train_pred);
    free(tr->grad);
    free(tr->val_pred);
    free(tr->best);
}

static int trainer_init(trainer *tr, mc_train_result *res, mc_nn *nn, const mc_train_config *cfg,
                        const mc_dataset *train, const mc_dataset *val)
{
    const mc_training *t = cfg->training;
    size_t n = train->n, width = (size_t)nn->out;
    int B = (int)t->batch_size;
    *tr = (trainer){.cfg = cfg, .t = t, .nn = nn, .val = val};
    tr->env = (mc_train_env){.nn = nn, .train = train, .loss = t->loss, .batch_size = B,
                             .shuffle = t->shuffle, .seed = (uint64_t)t->seed,
                             .num = cfg->numerics};
    tr->env.train_pred = malloc((n ? n : 1) * width * sizeof *tr->env.train_pred);
    tr->grad = malloc(nn->n_params * sizeof *tr->grad);
    tr->val_pred = malloc((val->n ? val->n : 1) * width * sizeof *tr->val_pred);
    tr->best = malloc(nn->n_params * sizeof *tr->best);
    res->history = calloc((size_t)t->epochs, sizeof *res->history);
    if (!tr->env.train_pred || !tr->grad || !tr->val_pred || !tr->best || !res->history)
        return mc_error_nomem();
    int rc = mc_nn_work_create(&tr->env.w, nn, B);
    if (rc == MC_OK)
        rc = mc_optim_create(&tr->opt, &t->optimizer, nn->n_params);
    if (rc == MC_OK)
        rc = cfg->dp ? mc_train_step_dpsgd(&tr->step, &tr->env, cfg->dp)
                     : mc_train_step_minibatch(&tr->step, &tr->env);
    tr->es = t->has_early_stopping ? &t->early_stopping : NULL;
    tr->best_value = NAN;
    tr->batches = (n + (size_t)B - 1) / (size_t)B;
    tr->t0 = mc_clock_seconds();
    return rc;
}

/* ---- the figures -------------------------------------------------------------------- */

/* Training that produced a NaN or an infinity cannot recover: stop, and say
 * what the user can change. */
static int diverged(int epoch, const char *what)
{
    return mc_error_set(MC_EINPUT, "training diverged at epoch %d (%s became NaN or infinite); "
                        "lower the learning rate or scale the data", epoch, what);
}

/* A pure predicate: 1 when every parameter is finite. */
static int params_finite(const mc_nn *nn)
{
    for (size_t i = 0; i < nn->n_params; i++)
        if (!isfinite(nn->params[i]))
            return 0;
    return 1;
}

static mc_metric_input metric_input(const trainer *tr, const float *pred, const mc_dataset *ds)
{
    const mc_train_config *c = tr->cfg;
    return (mc_metric_input){c->task, c->n_classes, ds->y, pred, ds->n,
                             c->metrics->decision_threshold, c->metrics->average, 1};
}

/* *out = the rows' accuracy for the history: NaN for regression, without
 * rows, or where a prediction is not finite (an undefined figure is shown
 * missing; divergence is the loss's and the parameters' checks to catch). */
static int accuracy_of(double *out, const trainer *tr, const float *pred, const mc_dataset *ds)
{
    *out = NAN;
    if (tr->cfg->task == MC_TASK_REGRESSION || ds->n == 0)
        return MC_OK;
    mc_metric_input in = metric_input(tr, pred, ds);
    int rc = mc_metric_scalar(out, MC_METRIC_ACCURACY, &in);
    if (rc == MC_EINPUT) { /* the one way accuracy fails: a prediction is not finite */
        *out = NAN;
        rc = MC_OK;
    }
    return rc;
}

/* *out = the validation rows' mean loss, their predictions in tr->val_pred. */
static int validation_loss(double *out, trainer *tr)
{
    const mc_dataset *ds = tr->val;
    const mc_nn *nn = tr->nn;
    int rc = mc_nn_predict_batch(nn, ds->x, ds->n, tr->val_pred, tr->cfg->numerics);
    if (rc)
        return rc;
    double total = 0.0;
    for (size_t r = 0; r < ds->n; r++)
        total += mc_loss_of_prediction(tr->t->loss, tr->val_pred + r * (size_t)nn->out, ds->y[r]);
    *out = ds->n ? total / (double)ds->n : NAN;
    return MC_OK;
}

/* The epoch's figures into st (the monitor and the time come later). */
static int epoch_figures(mc_epoch_stats *st, trainer *tr, int epoch, double loss)
{
    tr->step.epoch_rows(tr->step.state, &tr->env, &tr->epoch_rows, &tr->epoch_pred);
    *st = (mc_epoch_stats){.epoch = epoch, .loss = loss, .val_loss = NAN, .monitor = NAN,
                           .accuracy = NAN, .val_accuracy = NAN};
    int rc = accuracy_of(&st->accuracy, tr, tr->epoch_pred, &tr->epoch_rows);
    if (rc == MC_OK && tr->val->n)
        rc = validation_loss(&st->val_loss, tr);
    if (rc == MC_OK && tr->val->n)
        rc = accuracy_of(&st->val_accuracy, tr, tr->val_pred, tr->val);
    return rc;
}

/* ---- early stopping (Keras's EarlyStopping) ----------------------------------------- */

/* *out = the monitor's value this epoch: a loss, or a metric ("val_" prefix:
 * on the validation rows, else on the epoch's training rows). */
static int monitor_value(double *out, const trainer *tr, const mc_epoch_stats *st)
{
    const char *monitor = tr->es->monitor;
    int is_val = strncmp(monitor, "val_", 4) == 0;
    const char *name = monitor + (is_val ? 4 : 0);
    if (strcmp(name, "loss") == 0) {
        *out = is_val ? st->val_loss : st->loss;
        return MC_OK;
    }
    mc_metric_input in = is_val ? metric_input(tr, tr->val_pred, tr->val)
                                : metric_input(tr, tr->epoch_pred, &tr->epoch_rows);
    double v = NAN;
    int rc = mc_metric_scalar(&v, mc_metric_from_name(name), &in);
    if (rc == MC_OK)
        *out = v;
    return rc;
}

/* Records the monitor, keeps the best epoch's parameters, and stops once
 * `patience` epochs in a row did not improve by min_delta. */
static int early_stopping(trainer *tr, mc_train_result *res, mc_epoch_stats *st, int epoch)
{
    const mc_early_stopping *es = tr->es;
    int rc = monitor_value(&st->monitor, tr, st);
    if (rc)
        return rc;
    double v = st->monitor;
    /* A NaN monitor (a metric undefined this epoch) is no improvement. */
    int improved = !isnan(v) && (isnan(tr->best_value) ||
                                 (es->mode == MC_MODE_MAX ? v > tr->best_value + es->min_delta
                                                          : v < tr->best_value - es->min_delta));
    if (improved) {
        tr->best_value = v;
        res->best_epoch = epoch;
        tr->wait = 0;
        memcpy(tr->best, tr->nn->params, tr->nn->n_params * sizeof *tr->best);
    } else if (++tr->wait >= es->patience) {
        res->stopped_early = epoch < (int)tr->t->epochs;
    }
    return MC_OK;
}

/* ---- the loop ------------------------------------------------------------------------- */

static void report(const trainer *tr, int epoch, size_t batch, double loss,
                   const mc_epoch_stats *done)
{
    if (!tr->cfg->progress)
        return;
    mc_train_progress p = {epoch, (int)tr->t->epochs, batch, tr->batches, loss,
                           mc_clock_seconds() - tr->t0, done};
    tr->cfg->progress(tr->cfg->progress_ctx, &p);
}

/* The epoch's steps: each a strategy's gradient and an optimiser update.
 * *loss = the mean loss over the rows the steps used. */
static int run_steps(double *loss, trainer *tr, mc_train_result *res, int epoch)
{
    double loss_sum = 0.0;
    size_t loss_rows = 0;
    tr->step.epoch_start(tr->step.state, &tr->env, epoch);
    for (size_t b = 0; b < tr->batches; b++) {
        double batch_loss = 0.0;
        size_t rows = 0;
        int rc = tr->step.gradient(tr->step.state, &tr->env, tr->grad, &batch_loss, &rows, b,
                                   res->steps);
        if (rc)
            return rc;
        if (!isfinite(batch_loss))
            return diverged(epoch, "the loss");
        loss_sum += batch_loss;
        loss_rows += rows;
        mc_optim_step(tr->opt, tr->nn->params, tr->grad);
        res->steps++;
        report(tr, epoch, b + 1, loss_rows ? loss_sum / (double)loss_rows : NAN, NULL);
    }
    *loss = loss_rows ? loss_sum / (double)loss_rows : NAN;
    return MC_OK;
}

static int train_epoch(trainer *tr, mc_train_result *res, int epoch)
{
    double te = mc_clock_seconds(), loss = NAN;
    mc_epoch_stats *st = &res->history[epoch - 1];
    int rc = run_steps(&loss, tr, res, epoch);
    if (rc == MC_OK && !params_finite(tr->nn))
        rc = diverged(epoch, "a parameter");
    if (rc == MC_OK)
        rc = epoch_figures(st, tr, epoch, loss);
    if (rc == MC_OK && tr->es)
        rc = early_stopping(tr, res, st, epoch);
    if (rc)
        return rc;
    res->n_epochs = epoch;
    st->seconds = mc_clock_seconds() - te;
    report(tr, epoch, tr->batches, st->loss, st);
    return MC_OK;
}

void mc_train_result_clear(mc_train_result *res)
{
    free(res->history);
    memset(res, 0, sizeof *res);
}

int mc_train(mc_train_result *res, mc_nn *nn, const mc_train_config *cfg, const mc_dataset *train,
             const mc_dataset *val)
{
    trainer tr;
    memset(res, 0, sizeof *res);
    int rc = trainer_init(&tr, res, nn, cfg, train, val);
    for (int epoch = 1; rc == MC_OK && epoch <= (int)tr.t->epochs && !res->stopped_early; epoch++)
        rc = train_epoch(&tr, res, epoch);
    if (rc == MC_OK && tr.es && tr.es->restore_best && res->best_epoch > 0)
        memcpy(nn->params, tr.best, nn->n_params * sizeof *tr.best);
    trainer_clear(&tr);
    if (rc)
        mc_train_result_clear(res);
    return rc;
}
