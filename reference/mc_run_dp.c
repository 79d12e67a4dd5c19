/* Differentially private training in a run: the key from the secret, and
 * the privacy spent (mc_run_ctx.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mc_error.h"
#include "mc_env.h"
#include "mc_json.h"
#include "mc_run_ctx.h"

/* The secret the spec names, or MC_EINPUT explaining why DP training needs it. */
static int dp_secret(const char **out, const mc_spec *spec)
{
    const mc_train_dp *dp = &mc_spec_doc_get(spec)->training.differential_privacy;
    const char *name = dp->secret_env;
    const char *secret = mc_env_named(name);
    size_t len = secret ? strlen(secret) : 0;
    if (len < MC_DP_SECRET_MIN)
        return mc_spec_error(spec, &dp->secret_env,
                             "training.differential_privacy: the environment variable %.200s %s; "
                             "DP training needs a secret of at least %d bytes there. It keys the "
                             "noise and the batch sampling: derived from the public spec seed "
                             "alone, anyone who reads the spec could regenerate the noise and "
                             "subtract it. Set it (for example to the output of 'openssl rand "
                             "-hex 32'), keep it secret, and keep it: reproducing the run needs "
                             "the same secret",
                             name, secret ? "holds a shorter secret" : "is not set",
                             MC_DP_SECRET_MIN);
    *out = secret;
    return MC_OK;
}

int mc_run_check_secrets(const mc_spec *spec)
{
    const char *secret;
    return mc_spec_doc_get(spec)->training.has_differential_privacy ? dp_secret(&secret, spec)
                                                                     : MC_OK;
}

int mc_run_dp_setup(mc_run_ctx *c)
{
    const mc_train_dp *dp = &c->d->training.differential_privacy;
    const char *secret = NULL;
    int rc = dp_secret(&secret, c->spec);
    if (rc == MC_OK)
        rc = mc_dp_key_derive(c->dp.key, secret, strlen(secret), (uint64_t)c->d->training.seed);
    if (rc)
        return rc;
    c->dp.noise_multiplier = dp->noise_multiplier;
    c->dp.max_grad_norm = dp->max_grad_norm;
    c->dp.threaded = c->threads > 1; /* --threads 1: one thread in all */
    c->has_dp = 1;
    return MC_OK;
}

int mc_run_dp_account(mc_run_ctx *c)
{
    const mc_train_dp *dp = &c->d->training.differential_privacy;
    c->dp_sample_rate = mc_dpsgd_sample_rate(c->parts[MC_PART_TRAIN].n, c->d->training.batch_size);
    return mc_dp_epsilon(&c->dp_spent, dp->noise_multiplier, c->dp_sample_rate,
                         (long long)c->tr.steps, dp->delta);
}

/* {"epsilon", "delta", "order", "noise_multiplier", "max_grad_norm",
 * "sample_rate", "steps", "accountant", "sampling", "secret_env"}; epsilon
 * and order null when no privacy is left (noise multiplier 0). */
static int dp_json(json_t **out, const mc_run_ctx *c)
{
    const mc_train_dp *dp = &c->d->training.differential_privacy;
    int finite = isfinite(c->dp_spent.epsilon);
    json_t *o = json_pack("{s:o, s:f, s:o, s:f, s:f, s:f, s:I, s:s, s:s, s:s}", "epsilon",
                          finite ? json_real(c->dp_spent.epsilon) : json_null(), "delta", dp->delta,
                          "order", finite ? json_real(c->dp_spent.order) : json_null(),
                          "noise_multiplier", dp->noise_multiplier, "max_grad_norm",
                          dp->max_grad_norm, "sample_rate", c->dp_sample_rate, "steps",
                          (json_int_t)c->tr.steps, "accountant", "rdp", "sampling", "poisson",
                          "secret_env", dp->secret_env);
    if (!o)
        return mc_error_nomem();
    *out = o;
    return MC_OK;
}

int mc_run_dp_record(const mc_run_ctx *c, mc_run *run)
{
    json_t *a = NULL, *b = NULL;
    int rc = dp_json(&a, c);
    if (rc == MC_OK)
        rc = dp_json(&b, c);
    if (rc == MC_OK) {
        rc = mc_json_set(run->record, "differential_privacy", a);
        a = NULL;
    }
    if (rc == MC_OK) {
        rc = mc_json_set(run->metrics, "differential_privacy", b);
        b = NULL;
    }
    json_decref(a);
    json_decref(b);
    return rc;
}
