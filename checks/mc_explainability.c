/* Explainability checks (mc_explainability.h): metrics.json's "attributions" against the
 * spec's explainability section: the largest column share against max_share (inclusive), and
 * the rows whose completeness gap missed the tolerance. Attributions not computed (a gate on
 * predictions made elsewhere has no model to explain) fail. */
#include "mc_explainability.h"

#define CAT "explainability"

int mc_explainability_check(mc_validation *v, const mc_spec *spec, const json_t *metrics)
{
    const mc_spec_doc *d = mc_spec_doc_get(spec);
    const mc_explainability *x = &d->explainability;
    const json_t *a = json_object_get(metrics, "attributions");
    if (!d->has_explainability)
        return MC_OK;
    if (!a)
        return mc_validation_add(v, CAT, "explainability.completeness", "attributions",
                                 MC_STATUS_FAIL, json_null(), json_null(),
                                 "attributions not computed (a gate on predictions made "
                                 "elsewhere has no model to explain)");
    json_int_t rows = json_integer_value(json_object_get(a, "rows"));
    json_int_t bad = json_integer_value(json_object_get(a, "unconverged"));
    double gap = json_number_value(json_object_get(a, "largest_gap"));
    int rc = mc_validation_add(v, CAT, "explainability.completeness", "completeness gap",
                               bad ? MC_STATUS_FAIL : MC_STATUS_PASS, json_real(gap),
                               json_pack("{s:f}", "tolerance", x->tolerance),
                               "%lld of %lld test rows' attributions add up within the "
                               "tolerance %g (largest gap %.3g)",
                               (long long)(rows - bad), (long long)rows, x->tolerance, gap);
    const json_t *top = json_array_get(json_object_get(a, "columns"), 0);
    if (rc || !x->has_max_share)
        return rc;
    double share = json_number_value(json_object_get(top, "share"));
    const char *col = json_string_value(json_object_get(top, "column"));
    int ok = share <= x->max_share;
    return mc_validation_add(v, CAT, "explainability.max_share", "largest attribution share",
                             ok ? MC_STATUS_PASS : MC_STATUS_FAIL, json_real(share),
                             json_pack("{s:f}", "max_share", x->max_share),
                             "column '%s' carries %.4f of the mean |attribution| %s max_share "
                             "%.4g", col ? col : "?", share, ok ? "<=" : "is above",
                             x->max_share);
}
