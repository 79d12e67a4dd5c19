/* Threshold semantics (docs/thresholds.md) on synthetic metrics: inclusive
 * bounds, change against a baseline in both directions, a zero baseline, no
 * baseline with and without allow_first_release, metric not found, an
 * undefined metric, slices with skipped groups and the gap. */
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
        "{\"metrics\": {\"accuracy\": 0.9}, \"slices\": {\"g\": {\"groups\": ["
        "{\"value\": \"a\", \"count\": 100, \"skipped\": false, \"metrics\": {\"accuracy\": 0.93}},"
        "{\"value\": \"b\", \"count\": 80, \"skipped\": false, \"metrics\": {\"accuracy\": 0.86}},"
        "{\"value\": \"c\", \"count\": 5, \"skipped\": true}]}}}";
    mc_validation *v = check("thresholds: {slices: [{slice: g, metric: accuracy, min: 0.85, max_gap: 0.05}]}",
                             metrics, NULL);
    expect(v, "thresholds.slices.g=a.accuracy", MC_STATUS_PASS, NULL);
    expect(v, "thresholds.slices.g=b.accuracy", MC_STATUS_PASS, NULL);
    expect(v, "thresholds.slices.g=c.accuracy", MC_STATUS_SKIPPED, "fewer than min_size");
    expect(v, "thresholds.slices.g.accuracy.max_gap", MC_STATUS_FAIL,
           "gap 0.0700 between g=a (0.9300) and g=b (0.8600) exceeds max_gap 0.05");
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
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
