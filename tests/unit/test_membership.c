/* The loss-threshold membership-inference attack (checks/mc_privacy_dp.c)
 * on cases computed by hand. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "mc_error.h"
#include "mc_privacy_dp.h"

static void test_hand_computed(void **state)
{
    (void)state;
    /* members 0.1 0.2 0.5 0.5, non-members 0.3 0.5 0.9. Pairs (member loss below
     * non-member loss): 0.1 and 0.2 beat all 3 (3 + 3); each 0.5 loses to 0.3, ties
     * 0.5 (a half) and beats 0.9 (1.5 + 1.5): 9 of 12, AUC 0.75. Thresholds
     * (member when loss <= t): t = 0.1: TPR 1/4, FPR 0; t = 0.2: 2/4, 0 (0.5);
     * t = 0.3: 2/4, 1/3; t = 0.5: 4/4, 2/3; t = 0.9: 1, 1. Advantage 0.5. */
    const double m[] = {0.5, 0.1, 0.5, 0.2}, n[] = {0.9, 0.3, 0.5};
    mc_membership_attack a;
    assert_int_equal(mc_membership_attack_run(&a, m, 4, n, 3), MC_OK);
    assert_true(fabs(a.auc - 0.75) < 1e-15);
    assert_true(fabs(a.advantage - 0.5) < 1e-15);
}

static void test_extremes(void **state)
{
    (void)state;
    const double lo[] = {0.1, 0.2}, hi[] = {0.7, 0.8, 0.9}, same[] = {0.4, 0.4, 0.4};
    mc_membership_attack a;
    assert_int_equal(mc_membership_attack_run(&a, lo, 2, hi, 3), MC_OK);
    assert_true(a.auc == 1.0 && a.advantage == 1.0); /* every member has a lower loss */
    assert_int_equal(mc_membership_attack_run(&a, hi, 3, lo, 2), MC_OK);
    assert_true(a.auc == 0.0 && a.advantage == 1.0); /* |TPR - FPR|: the other way round */
    assert_int_equal(mc_membership_attack_run(&a, same, 3, same, 2), MC_OK);
    assert_true(a.auc == 0.5 && a.advantage == 0.0); /* all ties: chance */
    assert_int_equal(mc_membership_attack_run(&a, same, 0, same, 2), MC_EINPUT);
    const double nan[] = {NAN};
    assert_int_equal(mc_membership_attack_run(&a, nan, 1, same, 2), MC_EINPUT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hand_computed),
        cmocka_unit_test(test_extremes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
