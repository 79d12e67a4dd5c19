/* Threshold checks (docs/thresholds.md), after TFMA and MLflow:
 *  - value thresholds: min and max, both inclusive;
 *  - change thresholds against a baseline: direction, max absolute and max
 *    relative regression (relative to |baseline|; a baseline of 0 allows no
 *    regression at all);
 *  - per-slice thresholds on each group large enough, and the largest gap
 *    between the best and the worst group;
 *  - a metric named but not computed fails ("metric not found").
 * Reads metrics as the engine writes them (metrics.json). */
#ifndef MC_THRESHOLDS_H
#define MC_THRESHOLDS_H

#include <jansson.h>

#include "mc_spec.h"
#include "mc_validation.h"

/* Adds one result per threshold the spec declares, judged on `metrics` (the
 * run's metrics.json). baseline: a baseline run's metrics.json, or NULL when
 * none was given; baseline_name names it in messages. A threshold missed or
 * a metric not computed is a result; errors: MC_ENOMEM. */
int mc_thresholds_check(mc_validation *v, const mc_spec *spec, const json_t *metrics,
                        const json_t *baseline, const char *baseline_name);

#endif
