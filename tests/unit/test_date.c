/* reference/mc_date: calendar dates for generalize's date mode. Valid and
 * invalid vectors of every accepted form, leap years included. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "mc_date.h"

typedef struct valid_case {
    const char *text;
    int y, m, d;
} valid_case;

static void test_valid(void **state)
{
    (void)state;
    static const valid_case cases[] = {
        {"2024-02-29", 2024, 2, 29},
        {"2000-02-29", 2000, 2, 29},
        {"1984-12-31", 1984, 12, 31},
        {"1000-01-01", 1000, 1, 1},
        {"9999-12-31", 9999, 12, 31},
        {"2024-02-29T23:59:60Z", 2024, 2, 29},
        {"2024-03-01T00:30:00+14:00", 2024, 3, 1},
        {"2024-03-01T00:30:00-05:30", 2024, 3, 1},
        {"2024-03-01T12:00:00", 2024, 3, 1},
        {"2024-03-01T12:00:00.123456Z", 2024, 3, 1},
        {"2024-03-01 12:00:00", 2024, 3, 1},
        {"2024/02/29", 2024, 2, 29},
        {"20240229", 2024, 2, 29},
        {"19991231", 1999, 12, 31},
        {"29.02.2024", 2024, 2, 29},
        {"1.4.2024", 2024, 4, 1},
        {"30.04.2024", 2024, 4, 30},
        {"2024\xe5\xb9\xb4" "2\xe6\x9c\x88" "29\xe6\x97\xa5", 2024, 2, 29},
        {"1990\xe5\xb9\xb4" "05\xe6\x9c\x88" "07\xe6\x97\xa5", 1990, 5, 7},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        mc_date d = {0, 0, 0};
        mc_date_status st = mc_date_parse(&d, cases[i].text);
        if (st != MC_DATE_OK || d.year != cases[i].y || d.month != cases[i].m ||
            d.day != cases[i].d) {
            print_error("'%s': status %d, %d-%d-%d\n", cases[i].text, (int)st, d.year, d.month,
                        d.day);
            fail();
        }
    }
}

typedef struct invalid_case {
    const char *text;
    mc_date_status want;
} invalid_case;

static void test_invalid(void **state)
{
    (void)state;
    static const invalid_case cases[] = {
        {"2023-02-29", MC_DATE_DAY_RANGE},
        {"1900-02-29", MC_DATE_DAY_RANGE},
        {"2100-02-29", MC_DATE_DAY_RANGE},
        {"2024-13-01", MC_DATE_MONTH_RANGE},
        {"2024-00-10", MC_DATE_MONTH_RANGE},
        {"2024-01-00", MC_DATE_DAY_RANGE},
        {"31.04.2024", MC_DATE_DAY_RANGE},
        {"20240230", MC_DATE_DAY_RANGE},
        {"2024/04/31", MC_DATE_DAY_RANGE},
        {"2023\xe5\xb9\xb4" "2\xe6\x9c\x88" "29\xe6\x97\xa5", MC_DATE_DAY_RANGE},
        {"0999-12-31", MC_DATE_YEAR_RANGE},
        {"0000-01-01", MC_DATE_YEAR_RANGE},
        {"2024-02-29x", MC_DATE_FORMAT},
        {"2024-02-29 ", MC_DATE_FORMAT},
        {" 2024-02-29", MC_DATE_FORMAT},
        {"2024-02-29T", MC_DATE_FORMAT},
        {"2024-02-29T12:00", MC_DATE_FORMAT},
        {"2024-02-29T12:00:00+0100", MC_DATE_FORMAT},
        {"2024-02-29T12:00:00.Z", MC_DATE_FORMAT},
        {"2024-02-29T12:00:00.1234567890Z", MC_DATE_FORMAT},
        {"2024-02-29T24:00:00Z", MC_DATE_TIME_RANGE},
        {"2024-02-29T12:60:00Z", MC_DATE_TIME_RANGE},
        {"2024-02-29T12:00:00+24:00", MC_DATE_TIME_RANGE},
        {"2024-2-9", MC_DATE_FORMAT},
        {"2024/02-29", MC_DATE_FORMAT},
        {"202402291", MC_DATE_FORMAT},
        {"2024022", MC_DATE_FORMAT},
        {"12024-01-01", MC_DATE_FORMAT},
        {"29.02.24", MC_DATE_FORMAT},
        {"29.02.2024.", MC_DATE_FORMAT},
        {"123.4.2024", MC_DATE_FORMAT},
        {"2024\xe5\xb9\xb4" "2\xe6\x9c\x88" "29", MC_DATE_FORMAT},
        {"2024\xe5\xb9\xb4" "123\xe6\x9c\x88" "1\xe6\x97\xa5", MC_DATE_FORMAT},
        {"03/04/2024", MC_DATE_AMBIGUOUS},
        {"31/12/2024", MC_DATE_AMBIGUOUS},
        {"12-31-2024", MC_DATE_AMBIGUOUS},
        {"1/2/2024", MC_DATE_AMBIGUOUS},
        {"", MC_DATE_FORMAT},
        {"-", MC_DATE_FORMAT},
        {"abcd-ef-gh", MC_DATE_FORMAT},
        {"2024", MC_DATE_FORMAT},
        {"2024-02-29T12:00:00.123456789Z01234567890123456789012345678901234567", MC_DATE_TOO_LONG},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        mc_date d = {0, 0, 0};
        mc_date_status st = mc_date_parse(&d, cases[i].text);
        if (st != cases[i].want) {
            print_error("'%s': status %d, want %d\n", cases[i].text, (int)st, (int)cases[i].want);
            fail();
        }
        /* the reason never repeats the text */
        const char *why = mc_date_status_text(st);
        assert_non_null(why);
        if (strlen(cases[i].text) >= 4)
            assert_null(strstr(why, cases[i].text));
    }
}

/* Overlong input is refused after MC_DATE_MAX_LEN + 1 bytes, whatever follows. */
static void test_overlong(void **state)
{
    (void)state;
    char buf[4096];
    memset(buf, '1', sizeof buf - 1);
    buf[sizeof buf - 1] = '\0';
    mc_date d;
    assert_int_equal(mc_date_parse(&d, buf), MC_DATE_TOO_LONG);
    memcpy(buf, "2024-02-29", 10);
    buf[MC_DATE_MAX_LEN + 1] = '\0';
    assert_int_equal(mc_date_parse(&d, buf), MC_DATE_TOO_LONG);
    buf[10] = '\0';
    assert_int_equal(mc_date_parse(&d, buf), MC_DATE_OK);
}

/* Every day of every month 1000-9999 against a count of days per year. */
static void test_calendar(void **state)
{
    (void)state;
    long total = 0;
    for (int y = 1000; y <= 9999; y++) {
        int year_days = 0;
        for (int m = 1; m <= 12; m++)
            year_days += mc_date_days_in_month(y, m);
        int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
        assert_int_equal(year_days, 365 + leap);
        total += year_days;
    }
    /* 9000 years: 2250 multiples of 4, minus 90 of 100, plus 22 of 400 */
    assert_int_equal(total, 9000L * 365 + 2250 - 90 + 22);
    char buf[32];
    mc_date d;
    for (int m = 1; m <= 12; m++) {
        int last = mc_date_days_in_month(2023, m);
        snprintf(buf, sizeof buf, "2023%02d%02d", m, last);
        assert_int_equal(mc_date_parse(&d, buf), MC_DATE_OK);
        snprintf(buf, sizeof buf, "2023%02d%02d", m, last + 1);
        assert_int_equal(mc_date_parse(&d, buf), MC_DATE_DAY_RANGE);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid),
        cmocka_unit_test(test_invalid),
        cmocka_unit_test(test_overlong),
        cmocka_unit_test(test_calendar),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
