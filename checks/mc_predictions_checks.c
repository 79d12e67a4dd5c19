/* The checks of `validate --predictions` that differ from a native run's
 * (mc_predictions_checks.h, docs/predictions.md): predictions made outside
 * modelcert cannot be re-run, so reproducibility is reported as skipped, not
 * silently passed. */
#include "mc_predictions_checks.h"

#include <jansson.h>
#include <string.h>

#include "mc_error.h"

int mc_predictions_checks(mc_validation *v, const mc_spec *spec, const char *preds_path)
{
    const mc_reproducibility *r = &mc_spec_doc_get(spec)->reproducibility;
    return mc_validation_add(v, "reproducibility", "reproducibility.not_applicable",
                             "reproducibility", MC_STATUS_SKIPPED, json_null(),
                             json_integer((json_int_t)r->runs),
                             "not applicable: the predictions in %s were made outside modelcert, "
                             "which cannot re-run them (reproducibility.runs: %lld not applied)",
                             strcmp(preds_path, "-") ? preds_path : "(stdin)", (long long)r->runs);
}
