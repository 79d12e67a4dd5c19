/* Robustness checks (docs/robustness.md): each robustness.max_drop rule of the spec judged on
 * the curves the run measured (metrics.json "robustness"): the metric may fall at most `max`
 * under the rule's attack at its strength. One result per rule, id
 * robustness.<attack>.<strength>; a curve point not measured (a gate on predictions made
 * elsewhere: no model to perturb) fails. */
#ifndef MC_ROBUSTNESS_H
#define MC_ROBUSTNESS_H

#include <jansson.h>

#include "mc_spec.h"
#include "mc_validation.h"

/* Adds one result per max_drop rule, judged on `metrics` (the run's metrics.json).
 * MC_ENOMEM. */
int mc_robustness_check(mc_validation *v, const mc_spec *spec, const json_t *metrics);

#endif
