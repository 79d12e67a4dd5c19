/* Threshold semantics (docs/thresholds.md) on synthetic metrics: inclusive
 * bounds, change against a baseline in both directions, a zero baseline, no
 * baseline with and without allow_first_release, metric not found, an
 * undefined metric, slices with skipped groups and the gap. Every inclusive
 * bound is also tested at equality (a value exactly on min or max, a gap exactly
 * max_gap, a regression exactly the allowed amount), with values exact in binary
 * so that equality is equality: a mutant turning <= into < (or >= into >) in
 * checks/mc_thresholds.c fails test_every_bound_holds_at_equality. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mc_spec.h"
#include "mc_thresholds.h"

static const char base_spec[] =
    "apiVersion: modelcert/v1\nkind: Pipeline\nmetadata: {name: t}\n"
    "data: {source: d.csv, target: y}\n"
    "architecture: {layers: [{type: dense, units: 1, activation: sigmoid}]}\n"
    "training: {loss: binary_crossentropy, epochs: 1}\n"
    "metrics: {compute: [accuracy, log_loss, roc_auc], slices: [{column: g}]}\n";

static mc_validation *check(const char *thresholds, const char *metrics, const char *baseline)
{
    char text[4096];
    snprintf(text, sizeof text, "%s%s", base_spec, thresholds);
    mc_diags *diags = NULL;
    mc_spec *spec = NULL;
    assert_int_equal(mc_diags_create(&diags), MC_OK);
    int rc = mc_spec_load_buffer(&spec, diags, "/nowhere/t.yaml", text, strlen(text));
    for (size_t i = 0; rc && i < mc_diags_count(diags); i++)
        print_message("%s\n", mc_diags_get(diags, i)->message);
    assert_int_equal(rc, MC_OK);
    json_t *m = json_loads(metrics, 0, NULL), *b = baseline ? json_loads(baseline, 0, NULL) : NULL;
    assert_non_null(m);
    mc_validation *v = NULL;
    assert_int_equal(mc_validation_create(&v), MC_OK);
    assert_int_equal(mc_thresholds_check(v, spec, m, b, "base"), MC_OK);
    json_decref(m);
    json_decref(b);
    mc_spec_free(spec);
    mc_diags_free(diags);
    return v;
}

static const mc_result *find(const mc_validation *v, const char *id)
{
    for (size_t i = 0; i < mc_validation_count(v); i++)
        if (strcmp(mc_validation_get(v, i)->id, id) == 0)
            return mc_validation_get(v, i);
    fail_msg("no result %s", id);
    return NULL;
}

static void expect(const mc_validation *v, const char *id, mc_status status, const char *text)
{
    const mc_result *r = find(v, id);
    if (r->status != status || (text && !strstr(r->message, text)))
        fail_msg("%s: %s '%s', expected %s '%s'", id, mc_status_name(r->status), r->message,
                 mc_status_name(status), text ? text : "");
}

/* A slice group's min and max results share one id: the one whose message holds text. */
static void expect_one_of(const mc_validation *v, const char *id, mc_status status,
                          const char *text)
{
    for (size_t i = 0; i < mc_validation_count(v); i++) {
        const mc_result *r = mc_validation_get(v, i);
        if (strcmp(r->id, id) == 0 && strstr(r->message, text)) {
            if (r->status != status)
                fail_msg("%s: %s '%s', expected %s", id, mc_status_name(r->status), r->message,
                         mc_status_name(status));
            return;
        }
    }
    fail_msg("no result %s saying '%s'", id, text);
}

static void test_value_bounds_are_inclusive(void **state)
{
    (void)state;
    mc_validation *v = check("thresholds: {metrics: {accuracy: {min: 0.9, max: 0.95}, log_loss: {max: 0.3}}}",
                             "{\"metrics\": {\"accuracy\": 0.9, \"log_loss\": 0.30000001}}", NULL);
    expect(v, "thresholds.metrics.accuracy.min", MC_STATUS_PASS, ">= min 0.9");
    expect(v, "thresholds.metrics.accuracy.max", MC_STATUS_PASS, NULL);
    expect(v, "thresholds.metrics.log_loss.max", MC_STATUS_FAIL, "is above max 0.3");
    assert_int_equal(mc_validation_verdict(v), MC_VERDICT_FAIL);
    mc_validation_free(v);
}

static void test_metric_not_found_and_undefined(void **state)
{
    (void)state;
    mc_validation *v = check("thresholds: {metrics: {accuracy: {min: 0.5}, roc_auc: {min: 0.5}}}",
                             "{\"metrics\": {\"roc_auc\": null}, \"undefined\": {\"roc_auc\": "
                             "\"only one class is present\"}}",
                             NULL);
    expect(v, "thresholds.metrics.accuracy", MC_STATUS_FAIL, "metric not found");
    expect(v, "thresholds.metrics.roc_auc", MC_STATUS_ERROR, "only one class is present");
    mc_validation_free(v);
}

static void test_change_against_baseline(void **state)
{
    (void)state;
    const char *th = "thresholds: {metrics: {accuracy: {change: {max_absolute_regression: 0.01,"
                     " max_relative_regression: 0.02}}, log_loss: {change: {max_absolute_regression: 0.05}}}}";
    /* accuracy 0.90 -> 0.885: regression 0.015 > 0.01 (fails) and 1.67% < 2% (passes);
     * log_loss is lower-is-better: 0.30 -> 0.34 regresses by 0.04 (passes). */
    mc_validation *v = check(th, "{\"metrics\": {\"accuracy\": 0.885, \"log_loss\": 0.34}}",
                             "{\"metrics\": {\"accuracy\": 0.90, \"log_loss\": 0.30}}");
    expect(v, "thresholds.metrics.accuracy.change.absolute", MC_STATUS_FAIL, "exceeds the allowed 0.01");
    expect(v, "thresholds.metrics.accuracy.change.relative", MC_STATUS_PASS, "1.67%");
    expect(v, "thresholds.metrics.log_loss.change.absolute", MC_STATUS_PASS, "regression 0.04");
    mc_validation_free(v);
    /* An improvement always passes. */
    v = check(th, "{\"metrics\": {\"accuracy\": 0.95, \"log_loss\": 0.2}}",
              "{\"metrics\": {\"accuracy\": 0.90, \"log_loss\": 0.30}}");
    assert_int_equal(mc_validation_verdict(v), MC_VERDICT_PASS);
    mc_validation_free(v);
}

static void test_zero_baseline(void **state)
{
    (void)state;
    const char *th = "thresholds: {metrics: {log_loss: {change: {max_relative_regression: 0.1}}}}";
    mc_validation *v = check(th, "{\"metrics\": {\"log_loss\": 0.01}}", "{\"metrics\": {\"log_loss\": 0}}");
    expect(v, "thresholds.metrics.log_loss.change.relative", MC_STATUS_FAIL, "unbounded");
    mc_validation_free(v);
    v = check(th, "{\"metrics\": {\"log_loss\": 0}}", "{\"metrics\": {\"log_loss\": 0}}");
    expect(v, "thresholds.metrics.log_loss.change.relative", MC_STATUS_PASS, "no regression");
    mc_validation_free(v);
}

static void test_no_baseline(void **state)
{
    (void)state;
    mc_validation *v = check("thresholds: {metrics: {accuracy: {change: {max_absolute_regression: 0.01}}}}",
                             "{\"metrics\": {\"accuracy\": 0.9}}", NULL);
    expect(v, "thresholds.metrics.accuracy.change", MC_STATUS_FAIL, "no baseline given");
    mc_validation_free(v);
    v = check("thresholds: {allow_first_release: true, metrics: {accuracy: {change: "
              "{max_absolute_regression: 0.01}}}}",
              "{\"metrics\": {\"accuracy\": 0.9}}", NULL);
    expect(v, "thresholds.metrics.accuracy.change", MC_STATUS_SKIPPED, "first release");
    assert_int_equal(mc_validation_verdict(v), MC_VERDICT_PASS);
    mc_validation_free(v);
}

static void test_slices_and_gap(void **state)
{
    (void)state;
    const char *metrics =
        "{\"metrics\": {\"accuracy\": 0.9}, \"slices\": {\"g\": {\"min_size\": 30, \"groups\": ["
        "{\"value\": \"a\", \"count\": 100, \"skipped\": false, \"metrics\": {\"accuracy\": 0.93}},"
        "{\"value\": \"b\", \"count\": 80, \"skipped\": false, \"metrics\": {\"accuracy\": 0.86}},"
        "{\"value\": \"c\", \"count\": 5, \"skipped\": true}]}}}";
    mc_validation *v = check("thresholds: {slices: [{slice: g, metric: accuracy, min: 0.85, max_gap: 0.05}]}",
                             metrics, NULL);
    expect(v, "thresholds.slices.g=a.accuracy", MC_STATUS_PASS, NULL);
    expect(v, "thresholds.slices.g=b.accuracy", MC_STATUS_PASS, NULL);
    expect(v, "thresholds.slices.g.accuracy.min_size", MC_STATUS_WARN,
           "1 of 3 groups of g not judged: fewer test rows than min_size 30: c (5)");
    expect(v, "thresholds.slices.g.accuracy.max_gap", MC_STATUS_FAIL,
           "gap 0.0700 between g=a (0.9300) and g=b (0.8600) exceeds max_gap 0.05");
    mc_validation_free(v);
}

/* A slice rule that judged no group is an error, never a pass (issue 24): every group under
 * min_size, no group at all, or a gap with one group to compare. */
static void test_slice_rule_that_judged_nothing(void **state)
{
    (void)state;
    const char *all_small =
        "{\"metrics\": {\"accuracy\": 0.9}, \"slices\": {\"g\": {\"min_size\": 30, \"groups\": ["
        "{\"value\": \"a\", \"count\": 29, \"skipped\": true},"
        "{\"value\": \"b\", \"count\": 3, \"skipped\": true}]}}}";
    mc_validation *v = check("thresholds: {slices: [{slice: g, metric: accuracy, min: 0.5, "
                             "max_gap: 0.1}]}", all_small, NULL);
    expect(v, "thresholds.slices.g.accuracy.min_size", MC_STATUS_ERROR,
           "the rule judged nothing: all 2 groups of g have fewer test rows than min_size 30: "
           "a (29), b (3)");
    assert_int_equal(mc_validation_count(v), 1);
    assert_int_equal(mc_validation_verdict(v), MC_VERDICT_ERROR);
    mc_validation_free(v);
    v = check("thresholds: {slices: [{slice: g, metric: accuracy, min: 0.5}]}",
              "{\"metrics\": {\"accuracy\": 0.9}, \"slices\": {\"g\": {\"groups\": []}}}",
              NULL);
    expect(v, "thresholds.slices[0]", MC_STATUS_ERROR, "has no groups");
    assert_int_equal(mc_validation_verdict(v), MC_VERDICT_ERROR);
    mc_validation_free(v);
    const char *one =
        "{\"metrics\": {\"accuracy\": 0.9}, \"slices\": {\"g\": {\"min_size\": 30, \"groups\": ["
        "{\"value\": \"a\", \"count\": 30, \"skipped\": false, \"metrics\": {\"accuracy\": 0.9}},"
        "{\"value\": \"b\", \"count\": 29, \"skipped\": true}]}}}";
    v = check("thresholds: {slices: [{slice: g, metric: accuracy, max_gap: 0.1}]}", one, NULL);
    expect(v, "thresholds.slices.g.accuracy.min_size", MC_STATUS_WARN, "1 of 2 groups");
    expect(v, "thresholds.slices.g.accuracy.max_gap", MC_STATUS_ERROR,
           "the gap rule judged nothing: 1 group of g is large enough to judge");
    assert_int_equal(mc_validation_verdict(v), MC_VERDICT_ERROR);
    mc_validation_free(v);
}

/* Every inclusive bound at equality passes, and just past it fails. The values
 * (0.25, 0.5, 0.75, 0.9375) are exact in binary: a gap or a regression computed
 * from them is exactly the bound it is compared with. */
static void test_every_bound_holds_at_equality(void **state)
{
    (void)state;
    const char *th =
        "thresholds: {metrics: {accuracy: {min: 0.75, max: 0.75, change: {max_absolute_regression: "
        "0.25, max_relative_regression: 0.25}}, log_loss: {max: 0.5, change: "
        "{max_absolute_regression: 0.25, max_relative_regression: 1}}}, "
        "slices: [{slice: g, metric: accuracy, min: 0.5, max: 0.9375, max_gap: 0.4375}]}";
    /* accuracy 1 -> 0.75: regression 0.25 (absolute), 25% (relative); log_loss
     * 0.25 -> 0.5 (lower is better): regression 0.25, 100%; groups 0.9375 and 0.5:
     * gap 0.4375. */
    const char *metrics =
        "{\"metrics\": {\"accuracy\": 0.75, \"log_loss\": 0.5}, \"slices\": {\"g\": {\"groups\": ["
        "{\"value\": \"a\", \"count\": 16, \"skipped\": false,"
        " \"metrics\": {\"accuracy\": 0.9375}},"
        "{\"value\": \"b\", \"count\": 8, \"skipped\": false,"
        " \"metrics\": {\"accuracy\": 0.5}}]}}}";
    const char *baseline = "{\"metrics\": {\"accuracy\": 1, \"log_loss\": 0.25}}";
    mc_validation *v = check(th, metrics, baseline);
    expect(v, "thresholds.metrics.accuracy.min", MC_STATUS_PASS, "accuracy 0.7500 >= min 0.75");
    expect(v, "thresholds.metrics.accuracy.max", MC_STATUS_PASS, "accuracy 0.7500 <= max 0.75");
    expect(v, "thresholds.metrics.log_loss.max", MC_STATUS_PASS, "log_loss 0.5000 <= max 0.5");
    expect(v, "thresholds.metrics.accuracy.change.absolute", MC_STATUS_PASS,
           "regression 0.25 within the allowed 0.25");
    expect(v, "thresholds.metrics.accuracy.change.relative", MC_STATUS_PASS,
           "relative regression 25.00% within the allowed 25.00%");
    expect(v, "thresholds.metrics.log_loss.change.absolute", MC_STATUS_PASS,
           "regression 0.25 within the allowed 0.25");
    expect(v, "thresholds.metrics.log_loss.change.relative", MC_STATUS_PASS,
           "relative regression 100.00% within the allowed 100.00%");
    expect_one_of(v, "thresholds.slices.g=a.accuracy", MC_STATUS_PASS, "(16 rows) <= max 0.9375");
    expect_one_of(v, "thresholds.slices.g=b.accuracy", MC_STATUS_PASS, "(8 rows) >= min 0.5");
    expect(v, "thresholds.slices.g.accuracy.max_gap", MC_STATUS_PASS,
           "gap 0.4375 between g=a (0.9375) and g=b (0.5000) is within max_gap 0.4375");
    assert_int_equal(mc_validation_verdict(v), MC_VERDICT_PASS);
    mc_validation_free(v);

    /* One step (2^-4) past every bound: each check fails. */
    th = "thresholds: {metrics: {accuracy: {min: 0.8125, change: {max_absolute_regression: "
         "0.1875, max_relative_regression: 0.1875}}, log_loss: {max: 0.4375}}, "
         "slices: [{slice: g, metric: accuracy, min: 0.5625, max: 0.875, max_gap: 0.375}]}";
    v = check(th, metrics, baseline);
    expect(v, "thresholds.metrics.accuracy.min", MC_STATUS_FAIL, "is below min 0.8125");
    expect(v, "thresholds.metrics.log_loss.max", MC_STATUS_FAIL, "is above max 0.4375");
    expect(v, "thresholds.metrics.accuracy.change.absolute", MC_STATUS_FAIL, "exceeds");
    expect(v, "thresholds.metrics.accuracy.change.relative", MC_STATUS_FAIL, "exceeds");
    expect_one_of(v, "thresholds.slices.g=a.accuracy", MC_STATUS_FAIL, "is above max 0.875");
    expect_one_of(v, "thresholds.slices.g=b.accuracy", MC_STATUS_FAIL, "is below min 0.5625");
    expect(v, "thresholds.slices.g.accuracy.max_gap", MC_STATUS_FAIL, "exceeds max_gap 0.375");
    mc_validation_free(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_value_bounds_are_inclusive),
        cmocka_unit_test(test_metric_not_found_and_undefined),
        cmocka_unit_test(test_change_against_baseline),
        cmocka_unit_test(test_zero_baseline),
        cmocka_unit_test(test_no_baseline),
        cmocka_unit_test(test_slices_and_gap),
        cmocka_unit_test(test_slice_rule_that_judged_nothing),
        cmocka_unit_test(test_every_bound_holds_at_equality),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
