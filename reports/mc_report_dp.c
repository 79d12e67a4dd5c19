/* Reports of `modelcert privacy epsilon` (mc_report_dp.h): the epsilon (or
 * the noise multiplier for a target epsilon) that the RDP accountant gives
 * DP-SGD, as text and as one JSON object (non-finite numbers as null). */
#include "mc_report_dp.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>

#include "mc_error.h"
#include "mc_json.h"

void mc_report_dp_epsilon_text(FILE *f, const mc_dp_plan *in, const mc_dp_plan_result *r,
                               int quiet)
{
    if (in->has_target)
        fprintf(f, "noise multiplier %.6g meets epsilon %g at delta %g (spends epsilon %.6f; "
                   "search tolerance %g)\n",
                r->noise_multiplier, in->target_epsilon, in->delta, r->epsilon, in->tolerance);
    else if (isinf(r->epsilon))
        fprintf(f, "epsilon inf at delta %g (no privacy: the noise multiplier is 0)\n", in->delta);
    else
        fprintf(f, "epsilon %.6f at delta %g (best RDP order %g)\n", r->epsilon, in->delta,
                r->order);
    if (quiet)
        return;
    fprintf(f, "mechanism: Poisson-sampled Gaussian, noise multiplier %.6g, sample rate %g, "
               "%lld steps\n",
            r->noise_multiplier, in->sample_rate, in->steps);
    fprintf(f, "accountant: RDP over %d orders (1.1 to 63), Balle et al. 2020 conversion\n",
            MC_RDP_N_ORDERS);
}

/* A finite number, or null (epsilon inf, order NaN have no JSON number). */
static json_t *num(double x)
{
    return isfinite(x) ? json_real(x) : json_null();
}

int mc_report_dp_epsilon_json(FILE *f, const mc_dp_plan *in, const mc_dp_plan_result *r)
{
    json_t *o = json_object();
    char *text = NULL;
    int rc = o ? MC_OK : mc_error_nomem();
    if (rc == MC_OK)
        rc = mc_json_set(o, "accountant", json_string("rdp"));
    if (rc == MC_OK)
        rc = mc_json_set(o, "delta", json_real(in->delta));
    if (rc == MC_OK)
        rc = mc_json_set(o, "epsilon", num(r->epsilon));
    if (rc == MC_OK)
        rc = mc_json_set(o, "order", num(r->order));
    if (rc == MC_OK)
        rc = mc_json_set(o, "noise_multiplier", json_real(r->noise_multiplier));
    if (rc == MC_OK)
        rc = mc_json_set(o, "sample_rate", json_real(in->sample_rate));
    if (rc == MC_OK)
        rc = mc_json_set(o, "steps", json_integer(in->steps));
    if (rc == MC_OK && in->has_target)
        rc = mc_json_set(o, "target_epsilon", json_real(in->target_epsilon));
    if (rc == MC_OK && in->has_target)
        rc = mc_json_set(o, "tolerance", json_real(in->tolerance));
    if (rc == MC_OK)
        rc = mc_json_pretty(&text, NULL, o, 2);
    if (rc == MC_OK && fputs(text, f) == EOF)
        rc = mc_error_set(MC_EIO, "cannot write the report");
    free(text);
    json_decref(o);
    return rc;
}
