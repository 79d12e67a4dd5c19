/* Explainability checks (docs/explanations.md#in-the-run-and-the-gate): with
 * explainability.max_share, no raw column's share of the test rows' mean |attribution| may
 * exceed it (one result, id explainability.max_share); every row's completeness gap must
 * have met the tolerance (id explainability.completeness); with
 * explainability.min_rank_correlation, every reproducibility re-run's mean |attribution| per
 * column must rank the columns as the run's did, Spearman's correlation at least the bound
 * (id explainability.stability, the smallest correlation measured). */
#ifndef MC_EXPLAINABILITY_H
#define MC_EXPLAINABILITY_H

#include <jansson.h>

#include "mc_spec.h"
#include "mc_validation.h"

/* Adds the results the spec's explainability section asks for, judged on `metrics` (the
 * run's metrics.json) and `reruns` (a JSON array of the re-runs' metrics.json, from
 * mc_repro_check; NULL or empty when there were none, which fails the stability rule).
 * MC_ENOMEM. */
int mc_explainability_check(mc_validation *v, const mc_spec *spec, const json_t *metrics,
                            const json_t *reruns);

#endif
