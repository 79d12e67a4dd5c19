/* k-anonymity, l-diversity and prosecutor risk on a hand-made table with
 * known answers (worked out in the comments). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "mc_anon.h"
#include "mc_error.h"

/* Ten records in four classes:
 *   class 0 (3 records): sensitive x x y
 *   class 1 (4 records): sensitive x y z z
 *   class 2 (2 records): sensitive y y
 *   class 3 (1 record):  sensitive z
 * Sensitive codes: x 0, y 1, z 2. */
static const uint32_t cls[10] = {0, 1, 2, 0, 1, 3, 1, 0, 2, 1};
static const uint32_t sens[10] = {0, 0, 1, 0, 1, 2, 2, 1, 1, 2};

static void test_k_without_suppression(void **state)
{
    (void)state;
    mc_anon_input in = {cls, sens, 10, 4, 2, 0.0, 2, 0.4};
    mc_anon_result r;
    assert_int_equal(mc_anon_measure(&r, &in), MC_OK);
    assert_int_equal(r.records, 10);
    assert_int_equal(r.classes, 4);
    assert_int_equal(r.smallest, 1);
    assert_int_equal(r.below_k_classes, 1); /* class 3 */
    assert_int_equal(r.below_k_records, 1);
    assert_int_equal(r.n_below_k, 1);
    assert_int_equal(r.below_k[0].size, 1);
    assert_int_equal(r.below_k[0].count, 1);
    assert_false(r.suppressed);
    assert_false(r.k_anonymous);
    assert_int_equal(r.k_achieved, 1);
    assert_true(r.max_risk == 1.0);
    assert_true(fabs(r.avg_risk - 0.4) < 1e-15);        /* 4 classes / 10 records */
    assert_true(fabs(r.records_at_risk - 0.3) < 1e-15); /* classes 2 (risk 0.5) and 3 (1.0) */
    assert_int_equal(r.distinct_l, 1);
    assert_int_equal(r.below_l_distinct, 2);            /* classes 2 and 3 */
    assert_int_equal(r.below_l_entropy, 3);             /* 0 (H = 0.637 < ln 2), 2, 3 */
    assert_true(fabs(r.entropy_l - 1.0) < 1e-12);
    mc_anon_result_clear(&r);
}

static void test_k_with_suppression(void **state)
{
    (void)state;
    /* One record of ten is under k = 2: a 10% limit suppresses it. */
    mc_anon_input in = {cls, sens, 10, 4, 2, 0.1, 2, 0.4};
    mc_anon_result r;
    assert_int_equal(mc_anon_measure(&r, &in), MC_OK);
    assert_true(r.suppressed);
    assert_true(r.k_anonymous);
    assert_int_equal(r.kept_records, 9);
    assert_int_equal(r.kept_classes, 3);
    assert_int_equal(r.k_achieved, 2);
    assert_true(r.max_risk == 0.5);
    assert_true(fabs(r.avg_risk - 3.0 / 9.0) < 1e-15);
    assert_true(fabs(r.records_at_risk - 2.0 / 9.0) < 1e-15); /* class 2 only */
    assert_int_equal(r.distinct_l, 1);        /* class 2: y y */
    assert_int_equal(r.below_l_distinct, 1);
    assert_int_equal(r.below_l_entropy, 2);   /* classes 0 and 2 */
    mc_anon_result_clear(&r);

    /* k = 3: classes 2 and 3 (3 records) are under it; 10% cannot hide them. */
    mc_anon_input in3 = {cls, NULL, 10, 4, 3, 0.1, 0, 0};
    assert_int_equal(mc_anon_measure(&r, &in3), MC_OK);
    assert_false(r.suppressed);
    assert_false(r.k_anonymous);
    assert_int_equal(r.below_k_classes, 2);
    assert_int_equal(r.below_k_records, 3);
    assert_int_equal(r.n_below_k, 2);
    assert_int_equal(r.below_k[0].size, 1);
    assert_int_equal(r.below_k[1].size, 2);
    assert_int_equal(r.below_k[1].count, 1);
    mc_anon_result_clear(&r);
    /* ... and 30% can. */
    in3.max_suppression = 0.3;
    assert_int_equal(mc_anon_measure(&r, &in3), MC_OK);
    assert_true(r.k_anonymous);
    assert_int_equal(r.k_achieved, 3);
    mc_anon_result_clear(&r);
}

static void test_entropy_value(void **state)
{
    (void)state;
    /* One class, sensitive x x y: H = -(2/3 ln 2/3 + 1/3 ln 1/3); entropy l = exp(H). */
    static const uint32_t c1[3] = {0, 0, 0}, s1[3] = {0, 0, 1};
    mc_anon_input in = {c1, s1, 3, 1, 3, 0, 2, 0};
    mc_anon_result r;
    assert_int_equal(mc_anon_measure(&r, &in), MC_OK);
    double h = -(2.0 / 3 * log(2.0 / 3) + 1.0 / 3 * log(1.0 / 3));
    assert_true(fabs(r.entropy_l - exp(h)) < 1e-12);
    assert_true(fabs(r.entropy_l - 1.8899) < 1e-4);
    assert_int_equal(r.distinct_l, 2);
    assert_int_equal(r.below_l_distinct, 0);
    assert_int_equal(r.below_l_entropy, 1);
    assert_true(fabs(r.avg_risk - 1.0 / 3) < 1e-15);
    mc_anon_result_clear(&r);
}

static void test_bad_input(void **state)
{
    (void)state;
    static const uint32_t bad[2] = {0, 5};
    mc_anon_input in = {bad, NULL, 2, 2, 2, 0, 0, 0};
    mc_anon_result r;
    assert_int_equal(mc_anon_measure(&r, &in), MC_EINPUT);
    in.class_of = cls;
    in.k = 0;
    assert_int_equal(mc_anon_measure(&r, &in), MC_EINPUT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_k_without_suppression),
        cmocka_unit_test(test_k_with_suppression),
        cmocka_unit_test(test_entropy_value),
        cmocka_unit_test(test_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
