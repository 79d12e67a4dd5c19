/* The explainability section's stability rule (checks/mc_explainability.c) on synthetic
 * metrics.json attributions: Spearman's rank correlation of the columns' mean |attribution|
 * between the run and each reproducibility re-run, the smallest judged against
 * min_rank_correlation (inclusive). The expected correlations are scipy's, computed with
 * Debian's python3-scipy (scipy.stats.spearmanr, ties at their average rank):
 *   spearmanr([3,2,1], [2,3,1]) = 0.5
 *   spearmanr([.30,.10,.10,.25,.05], [.28,.12,.09,.26,.05]) = 0.9746794344808963
 *   spearmanr([.9,.5,.4,.3,.2,.1], [.8,.1,.45,.2,.3,.35]) = 0.2
 * The bound is tested at equality with values exact in binary (0.5, and 0.2 which both
 * compute as the same double), and one ulp above it fails; a missing re-run, a re-run
 * without the run's columns and constant attributions fail with their reason. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mc_explainability.h"
#include "mc_spec.h"

static const char base_spec[] =
    "apiVersion: modelcert/v1\nkind: Pipeline\nmetadata: {name: t}\n"
    "data: {source: d.csv, target: y}\n"
    "architecture: {layers: [{type: dense, units: 1, activation: sigmoid}]}\n"
    "training: {loss: binary_crossentropy, epochs: 1}\n"
    "metrics: {compute: [accuracy]}\n"
    "explainability: {min_rank_correlation: %s}\n";

/* metrics.json with attributions over columns c0..c(n-1), mean |attribution| v[i]. */
static json_t *metrics(const double *v, size_t n)
{
    json_t *cols = json_array();
    for (size_t i = 0; i < n; i++) {
        char name[24]; /* "c" and any size_t */
        snprintf(name, sizeof name, "c%zu", i);
        json_array_append_new(cols, json_pack("{s:s, s:f}", "column", name, "mean_abs", v[i]));
    }
    return json_pack("{s:{s:I, s:I, s:f, s:o}}", "attributions", "rows", (json_int_t)10,
                     "unconverged", (json_int_t)0, "largest_gap", 1e-9, "columns", cols);
}

/* The stability result of the run `a` against the re-runs b[0..n_runs-1]. */
static const mc_result *judge(mc_validation **v, const char *bound, const double *a,
                              const double *const *b, size_t n_runs, size_t n)
{
    char text[2048];
    snprintf(text, sizeof text, base_spec, bound);
    mc_diags *diags = NULL;
    mc_spec *spec = NULL;
    assert_int_equal(mc_diags_create(&diags), MC_OK);
    int rc = mc_spec_load_buffer(&spec, diags, "/nowhere/t.yaml", text, strlen(text));
    for (size_t i = 0; rc && i < mc_diags_count(diags); i++)
        print_message("%s\n", mc_diags_get(diags, i)->message);
    assert_int_equal(rc, MC_OK);
    json_t *m = metrics(a, n), *reruns = json_array();
    for (size_t r = 0; r < n_runs; r++)
        json_array_append_new(reruns, metrics(b[r], n));
    assert_int_equal(mc_validation_create(v), MC_OK);
    assert_int_equal(mc_explainability_check(*v, spec, m, reruns), MC_OK);
    json_decref(m);
    json_decref(reruns);
    mc_spec_free(spec);
    mc_diags_free(diags);
    for (size_t i = 0; i < mc_validation_count(*v); i++)
        if (strcmp(mc_validation_get(*v, i)->id, "explainability.stability") == 0)
            return mc_validation_get(*v, i);
    fail_msg("no result explainability.stability");
    return NULL;
}

static void expect(const mc_result *r, mc_status status, double measured, double tol,
                   const char *text)
{
    if (r->status != status || (text && !strstr(r->message, text)))
        fail_msg("%s '%s', expected %s '%s'", mc_status_name(r->status), r->message,
                 mc_status_name(status), text ? text : "");
    if (!isnan(measured) && fabs(json_number_value(r->measured) - measured) > tol)
        fail_msg("measured %.17g, scipy %.17g", json_number_value(r->measured), measured);
}

static const double a3[] = {3, 2, 1}, b3[] = {2, 3, 1};

static void test_bound_at_equality(void **state)
{
    (void)state;
    mc_validation *v = NULL;
    const double *b[] = {b3};
    expect(judge(&v, "0.5", a3, b, 1, 3), MC_STATUS_PASS, 0.5, 0,
           "0.5 (re-run 1) >= min_rank_correlation 0.5");
    mc_validation_free(v);
    expect(judge(&v, "0.5000000000000001", a3, b, 1, 3), MC_STATUS_FAIL, 0.5, 0,
           "is below min_rank_correlation");
    mc_validation_free(v);
}

static void test_ties_as_scipy(void **state)
{
    (void)state;
    const double a[] = {.30, .10, .10, .25, .05}, b0[] = {.28, .12, .09, .26, .05};
    const double *b[] = {b0};
    mc_validation *v = NULL;
    expect(judge(&v, "0.97", a, b, 1, 5), MC_STATUS_PASS, 0.9746794344808963, 1e-15, NULL);
    mc_validation_free(v);
    expect(judge(&v, "0.975", a, b, 1, 5), MC_STATUS_FAIL, 0.9746794344808963, 1e-15, NULL);
    mc_validation_free(v);
}

static void test_smallest_rerun_judged(void **state)
{
    (void)state;
    const double a[] = {.9, .5, .4, .3, .2, .1}, b1[] = {.8, .1, .45, .2, .3, .35};
    const double *b[] = {a, b1, a};
    mc_validation *v = NULL;
    expect(judge(&v, "0.2", a, b, 3, 6), MC_STATUS_PASS, 0.2, 0, "in 3 re-runs");
    mc_validation_free(v);
    expect(judge(&v, "0.20000000000000004", a, b, 3, 6), MC_STATUS_FAIL, 0.2, 0, "(re-run 2)");
    mc_validation_free(v);
    expect(judge(&v, "1", a, b, 1, 6), MC_STATUS_PASS, 1, 0, "1 (re-run 1) >= min_rank_correlation 1");
    mc_validation_free(v);
}

static void test_refusals_say_why(void **state)
{
    (void)state;
    mc_validation *v = NULL;
    expect(judge(&v, "0", a3, NULL, 0, 3), MC_STATUS_FAIL, NAN, 0, "no re-run to compare");
    mc_validation_free(v);
    const double flat[] = {1, 1, 1}, *b[] = {flat};
    expect(judge(&v, "0", a3, b, 1, 3), MC_STATUS_FAIL, NAN, 0, "undefined");
    mc_validation_free(v);
    /* a re-run with fewer columns: c2 missing */
    char text[2048];
    snprintf(text, sizeof text, base_spec, "0");
    mc_diags *diags = NULL;
    mc_spec *spec = NULL;
    assert_int_equal(mc_diags_create(&diags), MC_OK);
    assert_int_equal(mc_spec_load_buffer(&spec, diags, "/nowhere/t.yaml", text, strlen(text)),
                     MC_OK);
    json_t *m = metrics(a3, 3), *reruns = json_array();
    json_array_append_new(reruns, metrics(b3, 2));
    assert_int_equal(mc_validation_create(&v), MC_OK);
    assert_int_equal(mc_explainability_check(v, spec, m, reruns), MC_OK);
    const mc_result *r = mc_validation_get(v, mc_validation_count(v) - 1);
    expect(r, MC_STATUS_FAIL, NAN, 0, "do not name the run's columns");
    mc_validation_free(v);
    json_decref(m);
    json_decref(reruns);
    mc_spec_free(spec);
    mc_diags_free(diags);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bound_at_equality),
        cmocka_unit_test(test_ties_as_scipy),
        cmocka_unit_test(test_smallest_rerun_judged),
        cmocka_unit_test(test_refusals_say_why),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
