/* The checks of `validate --predictions` (docs/predictions.md) that differ
 * from a native run's: the predictions were made elsewhere, so nothing here
 * can re-run them. The data pin and the thresholds are checked as for a native
 * run (mc_validate.c). */
#ifndef MC_PREDICTIONS_CHECKS_H
#define MC_PREDICTIONS_CHECKS_H

#include "mc_spec.h"
#include "mc_validation.h"

/* Adds the results a predictions run has in place of a native run's
 * re-runs: reproducibility "not applicable" (skipped, id
 * reproducibility.not_applicable). Checks that need no training and apply to
 * predictions made elsewhere (the data scan, k-anonymity, membership
 * inference from supplied per-row losses) belong here too. MC_ENOMEM. */
int mc_predictions_checks(mc_validation *v, const mc_spec *spec, const char *preds_path);

#endif
