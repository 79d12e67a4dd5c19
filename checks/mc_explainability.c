/* Explainability checks (mc_explainability.h): metrics.json's "attributions" against the
 * spec's explainability section: the largest column share against max_share (inclusive), the
 * rows whose completeness gap missed the tolerance, and the stability of the global
 * attributions across the reproducibility re-runs (Spearman's rank correlation of the
 * columns' mean |attribution|, ties given their average rank as scipy.stats.spearmanr does,
 * at least min_rank_correlation, inclusive). Attributions not computed (a gate on
 * predictions made elsewhere has no model to explain) fail. */
#include "mc_explainability.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define CAT "explainability"
#define STABILITY "explainability.stability"

/* The average ranks (1-based; ties share the mean of their positions) of v[0..n-1] into r. */
static void average_ranks(double *r, const double *v, size_t n, size_t *order)
{
    for (size_t i = 0; i < n; i++)
        order[i] = i;
    for (size_t i = 1; i < n; i++) /* insertion sort: a spec's columns, stable */
        for (size_t j = i; j > 0 && v[order[j - 1]] > v[order[j]]; j--) {
            size_t t = order[j];
            order[j] = order[j - 1];
            order[j - 1] = t;
        }
    for (size_t i = 0; i < n;) {
        size_t k = i;
        while (k + 1 < n && v[order[k + 1]] == v[order[i]])
            k++;
        for (size_t j = i; j <= k; j++)
            r[order[j]] = (double)(i + k) / 2 + 1;
        i = k + 1;
    }
}

/* Spearman's correlation of a and b (Pearson's of their average ranks); NaN when either is
 * constant (as scipy). ws holds 2n doubles and n size_t. */
static double spearman(const double *a, const double *b, size_t n, double *ws, size_t *order)
{
    double *ra = ws, *rb = ws + n, sab = 0, saa = 0, sbb = 0, mean = (double)(n + 1) / 2;
    average_ranks(ra, a, n, order);
    average_ranks(rb, b, n, order);
    for (size_t i = 0; i < n; i++) {
        sab += (ra[i] - mean) * (rb[i] - mean);
        saa += (ra[i] - mean) * (ra[i] - mean);
        sbb += (rb[i] - mean) * (rb[i] - mean);
    }
    return saa > 0 && sbb > 0 ? sab / sqrt(saa * sbb) : NAN;
}

/* The mean |attribution| of `column` in an attributions object's columns, or NAN. */
static double mean_abs_of(const json_t *a, const char *column)
{
    size_t i;
    const json_t *c;
    json_array_foreach(json_object_get(a, "columns"), i, c)
    {
        const char *name = json_string_value(json_object_get(c, "column"));
        if (name && strcmp(name, column) == 0)
            return json_number_value(json_object_get(c, "mean_abs"));
    }
    return NAN;
}

/* explainability.stability: each re-run's columns against the run's, the smallest
 * correlation judged. */
static int stability(mc_validation *v, const mc_explainability *x, const json_t *a,
                     const json_t *reruns)
{
    const json_t *cols = json_object_get(a, "columns");
    size_t n = json_array_size(cols), n_runs = json_array_size(reruns), worst_run = 0;
    double worst = INFINITY, *ws = malloc((4 * n + 1) * sizeof *ws);
    size_t *order = malloc((n + 1) * sizeof *order);
    const char *why = NULL;
    int rc = ws && order ? MC_OK : mc_error_nomem();
    for (size_t r = 0; rc == MC_OK && !why && r < n_runs; r++) {
        const json_t *b = json_object_get(json_array_get(reruns, r), "attributions");
        double *va = ws + 2 * n, *vb = ws + 3 * n;
        for (size_t i = 0; i < n; i++) {
            const json_t *c = json_array_get(cols, i);
            va[i] = json_number_value(json_object_get(c, "mean_abs"));
            vb[i] = mean_abs_of(b, json_string_value(json_object_get(c, "column")));
            if (!isfinite(vb[i]))
                why = "a re-run's attributions do not name the run's columns";
        }
        double rho = why ? NAN : spearman(va, vb, n, ws, order);
        if (!why && isnan(rho))
            why = "the rank correlation is undefined: every column's attribution is equal";
        if (!why && rho < worst)
            worst = rho, worst_run = r + 1;
    }
    if (rc == MC_OK && !why && n_runs == 0)
        why = "no re-run to compare with (reproducibility.runs is 0, or every re-run failed)";
    json_t *expected = json_pack("{s:f}", "min_rank_correlation", x->min_rank_correlation);
    if (rc == MC_OK && why)
        rc = mc_validation_add(v, CAT, STABILITY, "attribution stability", MC_STATUS_FAIL,
                               json_null(), expected, "%s", why);
    else if (rc == MC_OK)
        rc = mc_validation_add(v, CAT, STABILITY, "attribution stability",
                               worst >= x->min_rank_correlation ? MC_STATUS_PASS
                                                                : MC_STATUS_FAIL,
                               json_real(worst), expected,
                               "the columns' mean |attribution| ranks alike in %zu re-run%s: "
                               "smallest Spearman correlation %.6g (re-run %zu) %s "
                               "min_rank_correlation %.6g", n_runs, n_runs == 1 ? "" : "s",
                               worst, worst_run,
                               worst >= x->min_rank_correlation ? ">=" : "is below",
                               x->min_rank_correlation);
    else
        json_decref(expected);
    free(ws);
    free(order);
    return rc;
}

int mc_explainability_check(mc_validation *v, const mc_spec *spec, const json_t *metrics,
                            const json_t *reruns)
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
    if (rc == MC_OK && x->has_max_share) {
        double share = json_number_value(json_object_get(top, "share"));
        const char *col = json_string_value(json_object_get(top, "column"));
        int ok = share <= x->max_share;
        rc = mc_validation_add(v, CAT, "explainability.max_share", "largest attribution share",
                               ok ? MC_STATUS_PASS : MC_STATUS_FAIL, json_real(share),
                               json_pack("{s:f}", "max_share", x->max_share),
                               "column '%s' carries %.4f of the mean |attribution| %s "
                               "max_share %.4g", col ? col : "?", share, ok ? "<=" : "is above",
                               x->max_share);
    }
    if (rc == MC_OK && x->has_min_rank_correlation)
        rc = stability(v, x, a, reruns);
    return rc;
}
