/* reference/mc_metrics against scikit-learn. The expected values come from
 * tests/fixtures/metrics/sklearn_metrics.json, written by
 *     /usr/bin/python3 tests/fixtures/metrics/gen_sklearn.py
 * (see the comment at its top). Every metric must match within 1e-12
 * (relative, or absolute near zero); log_loss within 1e-9. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "mc_error.h"
#include "mc_metrics.h"
#include "mc_spec.h"

#define FIXTURE MC_SOURCE_DIR "/tests/fixtures/metrics/sklearn_metrics.json"

/* ---- helpers ----------------------------------------------------------------------- */

static int close_enough(double got, double want, double tol)
{
    if (!isfinite(got) || !isfinite(want))
        return 0;
    double d = fabs(got - want);
    return d <= tol || d <= tol * fabs(want);
}

static void check_close(const char *what, const char *metric, double got, double want, double tol)
{
    if (!close_enough(got, want, tol)) {
        print_error("%s: %s = %.17g, scikit-learn %.17g (diff %.3g)\n", what, metric, got, want,
                    got - want);
        fail();
    }
}

/* A case of the fixture, as mc_metric_input. */
typedef struct mcase {
    const char *name;
    mc_metric_input in;
    float *y, *pred;
    json_t *expected;
    json_t *pred_class;
} mcase;

static float to_float_exact(json_t *v)
{
    assert_true(json_is_number(v));
    double d = json_number_value(v);
    float f = (float)d;
    /* The generator writes float32-representable values only. */
    assert_true((double)f == d);
    return f;
}

static void load_case(mcase *c, json_t *j)
{
    memset(c, 0, sizeof *c);
    c->name = json_string_value(json_object_get(j, "name"));
    assert_non_null(c->name);
    const char *task = json_string_value(json_object_get(j, "task"));
    assert_non_null(task);
    if (strcmp(task, "binary") == 0)
        c->in.task = MC_TASK_BINARY;
    else if (strcmp(task, "multiclass") == 0)
        c->in.task = MC_TASK_MULTICLASS;
    else if (strcmp(task, "regression") == 0)
        c->in.task = MC_TASK_REGRESSION;
    else
        fail_msg("%s: unknown task %s", c->name, task);
    c->in.n_classes = (int)json_integer_value(json_object_get(j, "n_classes"));
    c->in.threshold = json_number_value(json_object_get(j, "threshold"));
    c->in.positive = 1;
    json_t *y = json_object_get(j, "y"), *pred = json_object_get(j, "pred");
    assert_true(json_is_array(y) && json_is_array(pred));
    size_t n = json_array_size(y);
    assert_int_equal(json_array_size(pred), n);
    assert_true(n > 0);
    size_t width = c->in.task == MC_TASK_MULTICLASS ? (size_t)c->in.n_classes : 1;
    c->y = malloc(n * sizeof *c->y);
    c->pred = malloc(n * width * sizeof *c->pred);
    assert_non_null(c->y);
    assert_non_null(c->pred);
    for (size_t r = 0; r < n; r++) {
        c->y[r] = to_float_exact(json_array_get(y, r));
        json_t *p = json_array_get(pred, r);
        if (width == 1) {
            c->pred[r] = to_float_exact(p);
        } else {
            assert_int_equal(json_array_size(p), width);
            for (size_t k = 0; k < width; k++)
                c->pred[r * width + k] = to_float_exact(json_array_get(p, k));
        }
    }
    c->in.y = c->y;
    c->in.pred = c->pred;
    c->in.n = n;
    c->expected = json_object_get(j, "expected");
    c->pred_class = json_object_get(j, "pred_class");
    assert_true(json_is_object(c->expected));
}

static void free_case(mcase *c)
{
    free(c->y);
    free(c->pred);
}

static json_t *load_fixture(void)
{
    json_error_t err;
    json_t *doc = json_load_file(FIXTURE, 0, &err);
    if (!doc)
        fail_msg("%s:%d: %s (regenerate with /usr/bin/python3 "
                 "tests/fixtures/metrics/gen_sklearn.py)",
                 FIXTURE, err.line, err.text);
    assert_true(json_is_array(json_object_get(doc, "cases")));
    return doc;
}

/* "precision_macro" -> MC_METRIC_PRECISION, MC_AVG_MACRO. */
static void parse_key(const char *key, int *metric, int *average)
{
    static const struct {
        const char *name;
        int metric;
    } names[] = {
        {"accuracy", MC_METRIC_ACCURACY}, {"precision", MC_METRIC_PRECISION},
        {"recall", MC_METRIC_RECALL},     {"f1", MC_METRIC_F1},
        {"roc_auc", MC_METRIC_ROC_AUC},   {"pr_auc", MC_METRIC_PR_AUC},
        {"log_loss", MC_METRIC_LOG_LOSS}, {"mse", MC_METRIC_MSE},
        {"rmse", MC_METRIC_RMSE},         {"mae", MC_METRIC_MAE},
        {"r2", MC_METRIC_R2},
    };
    static const struct {
        const char *suffix;
        int average;
    } avgs[] = {{"_binary", MC_AVG_BINARY}, {"_macro", MC_AVG_MACRO}, {"_micro", MC_AVG_MICRO}};
    *average = MC_AVG_MACRO;
    size_t len = strlen(key);
    for (size_t i = 0; i < sizeof avgs / sizeof *avgs; i++) {
        size_t sl = strlen(avgs[i].suffix);
        if (len > sl && strcmp(key + len - sl, avgs[i].suffix) == 0) {
            *average = avgs[i].average;
            len -= sl;
            break;
        }
    }
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (strlen(names[i].name) == len && strncmp(key, names[i].name, len) == 0) {
            *metric = names[i].metric;
            return;
        }
    fail_msg("unknown metric key '%s' in the fixture", key);
}

/* ---- against scikit-learn ------------------------------------------------------------ */

static void test_fixture_covers_the_cases(void **state)
{
    (void)state;
    json_t *doc = load_fixture();
    json_t *cases = json_object_get(doc, "cases");
    int seen[3] = {0, 0, 0};
    size_t idx;
    json_t *j;
    json_array_foreach(cases, idx, j) {
        mcase c;
        load_case(&c, j);
        seen[c.in.task]++;
        free_case(&c);
    }
    assert_true(seen[MC_TASK_BINARY] >= 4);
    assert_true(seen[MC_TASK_MULTICLASS] >= 2);
    assert_true(seen[MC_TASK_REGRESSION] >= 3);
    json_decref(doc);
}

static void test_predicted_class_rule(void **state)
{
    (void)state;
    json_t *doc = load_fixture();
    size_t idx;
    json_t *j;
    json_array_foreach(json_object_get(doc, "cases"), idx, j) {
        mcase c;
        load_case(&c, j);
        if (c.in.task != MC_TASK_REGRESSION) {
            assert_int_equal(json_array_size(c.pred_class), c.in.n);
            for (size_t r = 0; r < c.in.n; r++) {
                int want = (int)json_integer_value(json_array_get(c.pred_class, r));
                int got = mc_metric_predicted_class(&c.in, r);
                if (got != want)
                    fail_msg("%s row %zu: predicted class %d, expected %d", c.name, r, got, want);
            }
        }
        free_case(&c);
    }
    json_decref(doc);
}

static void test_scalar_metrics_match_sklearn(void **state)
{
    (void)state;
    json_t *doc = load_fixture();
    size_t idx, checked = 0;
    json_t *j;
    json_array_foreach(json_object_get(doc, "cases"), idx, j) {
        mcase c;
        load_case(&c, j);
        const char *key;
        json_t *want;
        json_object_foreach(c.expected, key, want) {
            if (strcmp(key, "confusion_matrix") == 0)
                continue;
            int metric = -1, average = MC_AVG_MACRO;
            parse_key(key, &metric, &average);
            c.in.average = average;
            double got = NAN;
            mc_error_clear();
            int rc = mc_metric_scalar(&got, metric, &c.in);
            if (rc != MC_OK)
                fail_msg("%s: %s failed: %s", c.name, key, mc_error_last()->message);
            assert_true(json_is_number(want));
            check_close(c.name, key, got, json_number_value(want),
                        metric == MC_METRIC_LOG_LOSS ? 1e-9 : 1e-12);
            checked++;
        }
        free_case(&c);
    }
    assert_true(checked >= 100);
    json_decref(doc);
}

static void test_confusion_matches_sklearn(void **state)
{
    (void)state;
    json_t *doc = load_fixture();
    size_t idx;
    json_t *j;
    json_array_foreach(json_object_get(doc, "cases"), idx, j) {
        mcase c;
        load_case(&c, j);
        json_t *want = json_object_get(c.expected, "confusion_matrix");
        if (c.in.task == MC_TASK_REGRESSION) {
            assert_null(want);
            free_case(&c);
            continue;
        }
        int k = c.in.n_classes;
        assert_int_equal(json_array_size(want), (size_t)k);
        long long *cm = malloc((size_t)(k * k) * sizeof *cm);
        assert_non_null(cm);
        for (int i = 0; i < k * k; i++)
            cm[i] = -7; /* must be overwritten */
        assert_int_equal(mc_metric_confusion(cm, &c.in), MC_OK);
        long long total = 0;
        for (int t = 0; t < k; t++)
            for (int p = 0; p < k; p++) {
                long long w = (long long)json_integer_value(json_array_get(json_array_get(want, (size_t)t), (size_t)p));
                if (cm[t * k + p] != w)
                    fail_msg("%s: confusion[%d][%d] = %lld, scikit-learn %lld", c.name, t, p,
                             cm[t * k + p], w);
                total += cm[t * k + p];
            }
        assert_int_equal(total, (long long)c.in.n);
        free(cm);
        free_case(&c);
    }
    json_decref(doc);
}

/* ---- hand-checked values and error paths ------------------------------------------- */

static mc_metric_input binary_input(const float *y, const float *p, size_t n)
{
    mc_metric_input in = {MC_TASK_BINARY, 2, y, p, n, 0.5, MC_AVG_BINARY, 1};
    return in;
}

static void expect_einput(int metric, const mc_metric_input *in, const char *substring)
{
    double out = 12345.0;
    mc_error_clear();
    int rc = mc_metric_scalar(&out, metric, in);
    if (rc != MC_EINPUT)
        fail_msg("metric %s: rc %d (value %g), expected MC_EINPUT", mc_metric_name(metric), rc, out);
    assert_int_equal(mc_error_last()->code, MC_EINPUT);
    if (!strstr(mc_error_last()->message, substring))
        fail_msg("metric %s: message '%s' lacks '%s'", mc_metric_name(metric),
                 mc_error_last()->message, substring);
}

static void test_hand_checked_binary(void **state)
{
    (void)state;
    /* Scores 0.1 0.4 0.35 0.8 for labels 0 0 1 1: AUC 0.75, AP 0.8333...
     * (the sklearn documentation example). */
    const float y[] = {0, 0, 1, 1};
    const float p[] = {0.1f, 0.4f, 0.35f, 0.8f};
    mc_metric_input in = binary_input(y, p, 4);
    double v;
    assert_int_equal(mc_metric_scalar(&v, MC_METRIC_ROC_AUC, &in), MC_OK);
    check_close("doc example", "roc_auc", v, 0.75, 1e-15);
    assert_int_equal(mc_metric_scalar(&v, MC_METRIC_PR_AUC, &in), MC_OK);
    check_close("doc example", "pr_auc", v, 0.8333333333333333, 1e-15);
    /* All scores tied: AUC exactly one half; AP the positive rate. */
    const float q[] = {0.5f, 0.5f, 0.5f, 0.5f};
    in.pred = q;
    assert_int_equal(mc_metric_scalar(&v, MC_METRIC_ROC_AUC, &in), MC_OK);
    assert_true(v == 0.5);
    assert_int_equal(mc_metric_scalar(&v, MC_METRIC_PR_AUC, &in), MC_OK);
    assert_true(v == 0.5);
    /* 0.5 at threshold 0.5 is class 0. */
    for (size_t r = 0; r < 4; r++)
        assert_int_equal(mc_metric_predicted_class(&in, r), 0);
    assert_int_equal(mc_metric_scalar(&v, MC_METRIC_ACCURACY, &in), MC_OK);
    assert_true(v == 0.5);
    /* Perfectly confident and wrong: clipped at eps = 2^-52, not infinite. */
    const float yy[] = {1, 0};
    const float pp[] = {0.0f, 1.0f};
    in = binary_input(yy, pp, 2);
    assert_int_equal(mc_metric_scalar(&v, MC_METRIC_LOG_LOSS, &in), MC_OK);
    check_close("clip", "log_loss", v, -log(ldexp(1.0, -52)), 1e-12);
}

static void test_multiclass_first_argmax(void **state)
{
    (void)state;
    const float y[] = {0, 1, 2};
    const float p[] = {0.4f, 0.4f, 0.2f, 0.2f, 0.4f, 0.4f, 1.0f / 3, 1.0f / 3, 1.0f / 3};
    mc_metric_input in = {MC_TASK_MULTICLASS, 3, y, p, 3, 0.5, MC_AVG_MACRO, 1};
    assert_int_equal(mc_metric_predicted_class(&in, 0), 0);
    assert_int_equal(mc_metric_predicted_class(&in, 1), 1);
    assert_int_equal(mc_metric_predicted_class(&in, 2), 0);
}

static void test_error_one_class_present(void **state)
{
    (void)state;
    const float y[] = {1, 1, 1};
    const float p[] = {0.2f, 0.7f, 0.9f};
    mc_metric_input in = binary_input(y, p, 3);
    expect_einput(MC_METRIC_ROC_AUC, &in, "only one class");
    expect_einput(MC_METRIC_PR_AUC, &in, "only one class");
    const float y0[] = {0, 0, 0};
    in.y = y0;
    expect_einput(MC_METRIC_ROC_AUC, &in, "only one class");
    /* Label-based metrics stay defined. */
    double v;
    assert_int_equal(mc_metric_scalar(&v, MC_METRIC_ACCURACY, &in), MC_OK);
    check_close("one class", "accuracy", v, 1.0 / 3, 1e-15);
    /* Multiclass: one-vs-rest is undefined when a class never occurs. */
    const float ym[] = {0, 1, 0, 1};
    const float pm[] = {0.6f, 0.3f, 0.1f, 0.2f, 0.7f, 0.1f, 0.5f, 0.4f, 0.1f, 0.3f, 0.3f, 0.4f};
    mc_metric_input m = {MC_TASK_MULTICLASS, 3, ym, pm, 4, 0.5, MC_AVG_MACRO, 1};
    expect_einput(MC_METRIC_ROC_AUC, &m, "only one class");
    expect_einput(MC_METRIC_PR_AUC, &m, "only one class");
}

/* A NaN or infinite score is refused by every metric: it once made the ROC tie
 * walk spin forever (NaN == NaN is false), and a NaN probability is no class. */
static void test_error_non_finite_scores(void **state)
{
    (void)state;
    const float y[] = {0, 1, 0, 1};
    const float p[] = {0.2f, NAN, 0.4f, 0.9f};
    mc_metric_input in = binary_input(y, p, 4);
    static const int metrics[] = {MC_METRIC_ROC_AUC, MC_METRIC_PR_AUC, MC_METRIC_ACCURACY,
                                  MC_METRIC_F1, MC_METRIC_LOG_LOSS};
    for (size_t i = 0; i < sizeof metrics / sizeof metrics[0]; i++)
        expect_einput(metrics[i], &in, "not a finite number (row 2)");
    const float pinf[] = {0.2f, 0.3f, INFINITY, 0.9f};
    in.pred = pinf;
    expect_einput(MC_METRIC_ROC_AUC, &in, "not a finite number (row 3)");
}

static void test_error_metric_does_not_apply(void **state)
{
    (void)state;
    const float y[] = {0, 1, 1, 0};
    const float p[] = {0.2f, 0.7f, 0.9f, 0.4f};
    mc_metric_input in = binary_input(y, p, 4);
    expect_einput(MC_METRIC_R2, &in, "does not apply to classification");
    expect_einput(MC_METRIC_CONFUSION_MATRIX, &in, "does not apply");
    expect_einput(MC_METRIC_PERMUTATION_IMPORTANCE, &in, "does not apply");

    const float pm[] = {0.6f, 0.3f, 0.1f, 0.2f, 0.7f, 0.1f, 0.5f, 0.4f, 0.1f, 0.3f, 0.3f, 0.4f};
    const float ym[] = {0, 1, 2, 1};
    mc_metric_input m = {MC_TASK_MULTICLASS, 3, ym, pm, 4, 0.5, MC_AVG_MACRO, 1};
    expect_einput(MC_METRIC_MSE, &m, "does not apply to classification");
    expect_einput(MC_METRIC_RMSE, &m, "does not apply to classification");
    expect_einput(MC_METRIC_MAE, &m, "does not apply to classification");
    expect_einput(MC_METRIC_R2, &m, "does not apply to classification");
    m.average = MC_AVG_BINARY;
    expect_einput(MC_METRIC_PRECISION, &m, "'binary' needs two classes");
    expect_einput(MC_METRIC_F1, &m, "'binary' needs two classes");

    const float yr[] = {1.5f, 2.0f, -1.0f};
    const float pr[] = {1.0f, 2.5f, -0.5f};
    mc_metric_input r = {MC_TASK_REGRESSION, 0, yr, pr, 3, 0.5, MC_AVG_MACRO, 1};
    const int cls[] = {MC_METRIC_ACCURACY, MC_METRIC_PRECISION, MC_METRIC_RECALL, MC_METRIC_F1,
                       MC_METRIC_ROC_AUC,  MC_METRIC_PR_AUC,    MC_METRIC_LOG_LOSS};
    for (size_t i = 0; i < sizeof cls / sizeof *cls; i++)
        expect_einput(cls[i], &r, "does not apply to regression");
    double v;
    assert_int_equal(mc_metric_scalar(&v, MC_METRIC_MAE, &r), MC_OK);
    check_close("regression", "mae", v, 0.5, 1e-15);
}

static void test_error_no_rows(void **state)
{
    (void)state;
    const float y[] = {0};
    const float p[] = {0.5f};
    mc_metric_input in = binary_input(y, p, 0);
    expect_einput(MC_METRIC_ACCURACY, &in, "no rows");
    expect_einput(MC_METRIC_LOG_LOSS, &in, "no rows");
    in.task = MC_TASK_REGRESSION;
    expect_einput(MC_METRIC_MSE, &in, "no rows");
    expect_einput(MC_METRIC_R2, &in, "no rows");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fixture_covers_the_cases),
        cmocka_unit_test(test_predicted_class_rule),
        cmocka_unit_test(test_scalar_metrics_match_sklearn),
        cmocka_unit_test(test_confusion_matches_sklearn),
        cmocka_unit_test(test_hand_checked_binary),
        cmocka_unit_test(test_multiclass_first_argmax),
        cmocka_unit_test(test_error_one_class_present),
        cmocka_unit_test(test_error_non_finite_scores),
        cmocka_unit_test(test_error_metric_does_not_apply),
        cmocka_unit_test(test_error_no_rows),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
