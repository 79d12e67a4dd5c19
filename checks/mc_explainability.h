/* Explainability checks (docs/explanations.md#in-the-run-and-the-gate): with
 * explainability.max_share, no raw column's share of the test rows' mean |attribution| may
 * exceed it (one result, id explainability.max_share); and every row's completeness gap must
 * have met the tolerance (id explainability.completeness). */
#ifndef MC_EXPLAINABILITY_H
#define MC_EXPLAINABILITY_H

#include <jansson.h>

#include "mc_spec.h"
#include "mc_validation.h"

/* Adds the results the spec's explainability section asks for, judged on `metrics` (the
 * run's metrics.json). MC_ENOMEM. */
int mc_explainability_check(mc_validation *v, const mc_spec *spec, const json_t *metrics);

#endif
