/* The privacy checks of a trained model (category "privacy"):
 * privacy.differential_privacy (the epsilon DP-SGD spent, against the budget)
 * and privacy.membership_inference (a loss-threshold attack, against max_auc). */
#ifndef MC_PRIVACY_DP_H
#define MC_PRIVACY_DP_H

#include <stddef.h>

#include "mc_run.h"
#include "mc_spec.h"
#include "mc_validation.h"

/* A loss-threshold membership-inference attack (Yeom et al. 2018): a row is
 * called a member when its loss is at most a threshold. auc: the probability
 * that a random member has a lower loss than a random non-member, ties
 * counted half (the area under the attack's ROC curve over all thresholds);
 * advantage: the largest |TPR - FPR| over all thresholds. */
typedef struct mc_membership_attack {
    double auc, advantage;
} mc_membership_attack;

/* The attack on the losses of n_m members and n_n non-members (both > 0).
 * MC_EINPUT when either is empty or a loss is NaN; MC_ENOMEM. */
int mc_membership_attack_run(mc_membership_attack *out, const double *member, size_t n_m,
                             const double *nonmember, size_t n_n);

/* Adds the results the spec's privacy section asks for about run (none when it
 * asks for neither): privacy.differential_privacy.epsilon (epsilon at the
 * budget's delta, recomputed from the run's noise, sample rate and steps) and
 * privacy.membership_inference.auc. MC_ENOMEM. */
int mc_privacy_dp_check(mc_validation *v, const mc_spec *spec, const mc_run *run);

#endif
