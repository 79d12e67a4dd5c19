/* The privacy checks of a trained model (mc_privacy_dp.h, docs/privacy-training.md):
 * the epsilon that DP-SGD spent, accounted from the run's record with the RDP
 * accountant (mc_rdp.c) against the spec's budget, and a loss-threshold
 * membership-inference attack (its AUC and advantage, exact under ties)
 * against max_auc. In predictions mode both say why they cannot be measured. */
#include "mc_privacy_dp.h"

#include <math.h>
#include <stdlib.h>

#include "mc_error.h"
#include "mc_rdp.h"

#define CAT "privacy"

typedef struct scored {
    double loss;
    int member;
} scored;

static int by_loss(const void *a, const void *b)
{
    double x = ((const scored *)a)->loss, y = ((const scored *)b)->loss;
    return x < y ? -1 : x > y;
}

int mc_membership_attack_run(mc_membership_attack *out, const double *member, size_t n_m,
                             const double *nonmember, size_t n_n)
{
    if (n_m == 0 || n_n == 0)
        return mc_error_set(MC_EINPUT, "membership inference needs member and non-member rows "
                            "(%zu and %zu)", n_m, n_n);
    size_t n = n_m + n_n;
    scored *s = malloc(n * sizeof *s);
    if (!s)
        return mc_error_nomem();
    for (size_t i = 0; i < n; i++) {
        s[i].member = i < n_m;
        s[i].loss = i < n_m ? member[i] : nonmember[i - n_m];
        if (isnan(s[i].loss)) {
            free(s);
            return mc_error_set(MC_EINPUT, "membership inference: a loss is NaN");
        }
    }
    qsort(s, n, sizeof *s, by_loss);
    /* Groups of equal loss, in increasing order. A member beats every
     * non-member of a larger loss, and ties half of those of its own. */
    double wins = 0.0, adv = 0.0;
    size_t cum_m = 0, cum_n = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i, gm = 0, gn = 0;
        for (; j < n && s[j].loss == s[i].loss; j++)
            s[j].member ? gm++ : gn++;
        /* non-members with a larger loss than this group: n_n - cum_n - gn */
        wins += (double)gm * ((double)(n_n - cum_n - gn) + 0.5 * (double)gn);
        cum_m += gm;
        cum_n += gn;
        /* the threshold at this group's loss: members (and non-members) at or below it */
        double d = fabs((double)cum_m / (double)n_m - (double)cum_n / (double)n_n);
        adv = d > adv ? d : adv;
        i = j;
    }
    free(s);
    out->auc = wins / ((double)n_m * (double)n_n);
    out->advantage = adv;
    return MC_OK;
}

static int epsilon_check(mc_validation *v, const mc_spec_doc *d, const mc_run *run)
{
    const mc_dp_budget *b = &d->privacy.differential_privacy;
    const char *id = "privacy.differential_privacy.epsilon", *name = "DP epsilon";
    json_t *dp = json_object_get(run->record, "differential_privacy");
    json_t *sigma = json_object_get(dp, "noise_multiplier"), *q = json_object_get(dp, "sample_rate");
    json_t *steps = json_object_get(dp, "steps");
    if (!json_is_number(sigma) || !json_is_number(q) || !json_is_integer(steps))
        return mc_validation_add(v, CAT, id, name, MC_STATUS_ERROR, json_null(), json_null(),
                                 "the run has no differential-privacy record (noise multiplier, "
                                 "sample rate, steps) to account");
    mc_dp_spent s;
    int rc = mc_dp_epsilon(&s, json_number_value(sigma), json_number_value(q),
                           (long long)json_integer_value(steps), b->delta);
    if (rc == MC_EINPUT)
        return mc_validation_add(v, CAT, id, name, MC_STATUS_ERROR, json_null(), json_null(),
                                 "cannot account the run: %s", mc_error_last()->message);
    if (rc)
        return rc;
    int ok = s.epsilon <= b->max_epsilon;
    return mc_validation_add(v, CAT, id, name, ok ? MC_STATUS_PASS : MC_STATUS_FAIL,
                             isfinite(s.epsilon) ? json_real(s.epsilon) : json_null(),
                             json_pack("{s:f, s:f}", "max", b->max_epsilon, "delta", b->delta),
                             "epsilon %.4f at delta %g %s max %g (noise multiplier %g, sample "
                             "rate %g, %lld steps; RDP, best order %g)",
                             s.epsilon, b->delta, ok ? "<=" : "is above", b->max_epsilon,
                             json_number_value(sigma), json_number_value(q),
                             (long long)json_integer_value(steps), s.order);
}

static int membership_check(mc_validation *v, const mc_spec_doc *d, const mc_run *run)
{
    const mc_membership *mi = &d->privacy.membership_inference;
    const mc_membership_losses *l = &run->membership;
    const char *id = "privacy.membership_inference.auc", *name = "membership inference";
    mc_membership_attack a;
    int rc = mc_membership_attack_run(&a, l->member, l->n_member, l->nonmember, l->n_nonmember);
    if (rc == MC_EINPUT)
        return mc_validation_add(v, CAT, id, name, MC_STATUS_ERROR, json_null(), json_null(),
                                 "%s", mc_error_last()->message);
    if (rc)
        return rc;
    int ok = a.auc <= mi->max_auc;
    return mc_validation_add(v, CAT, id, name, ok ? MC_STATUS_PASS : MC_STATUS_FAIL,
                             json_real(a.auc), json_pack("{s:f}", "max", mi->max_auc),
                             "loss-threshold attack AUC %.4f %s max %g (advantage %.4f; %zu "
                             "training rows against %zu held-out rows)",
                             a.auc, ok ? "<=" : "is above", mi->max_auc, a.advantage, l->n_member,
                             l->n_nonmember);
}

/* Predictions mode (no model here): the budget and the attack cannot be measured, and a
 * gate must not pass what it could not evaluate, so each is an error that says why. */
static int not_evaluable(mc_validation *v, const char *id, const char *name, const char *what)
{
    return mc_validation_add(v, CAT, id, name, MC_STATUS_ERROR, json_null(), json_null(),
                             "not evaluated: the predictions were made by a model trained outside "
                             "modelcert, so %s cannot be measured here; remove the key from the "
                             "spec or gate a modelcert run", what);
}

int mc_privacy_dp_check(mc_validation *v, const mc_spec *spec, const mc_run *run)
{
    const mc_spec_doc *d = mc_spec_doc_get(spec);
    int rc = MC_OK;
    if (!run->model) {
        if (d->privacy.has_differential_privacy)
            rc = not_evaluable(v, "privacy.differential_privacy.epsilon", "DP epsilon",
                               "its privacy budget (privacy.differential_privacy)");
        if (rc == MC_OK && d->privacy.has_membership_inference && run->membership.n_member)
            rc = membership_check(v, d, run); /* the other model's losses (--losses) */
        else if (rc == MC_OK && d->privacy.has_membership_inference)
            rc = not_evaluable(v, "privacy.membership_inference.auc", "membership inference",
                               "its membership-inference risk (privacy.membership_inference) "
                               "without its per-row losses (--losses LOSSES.csv)");
        return rc;
    }
    if (d->privacy.has_differential_privacy)
        rc = epsilon_check(v, d, run);
    if (rc == MC_OK && d->privacy.has_membership_inference)
        rc = membership_check(v, d, run);
    return rc;
}
