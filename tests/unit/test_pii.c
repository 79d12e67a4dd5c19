/* The personal-data detectors: valid and invalid vectors per detector, check
 * digits included, the column-name context and the masking. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "mc_csv.h"
#include "mc_error.h"
#include "mc_pii.h"
#include "mc_privacy.h"

#define YES(f, s) assert_true(f(s, strlen(s)))
#define NO(f, s) assert_false(f(s, strlen(s)))

static void test_email(void **state)
{
    (void)state;
    YES(mc_pii_is_email, "jane.doe@example.com");
    YES(mc_pii_is_email, "j+tag@mail.example.co.uk");
    YES(mc_pii_is_email, "x_y@sub-domain.example.org");
    NO(mc_pii_is_email, "jane.doe@example");      /* one label */
    NO(mc_pii_is_email, "jane..doe@example.com"); /* double dot */
    NO(mc_pii_is_email, ".jane@example.com");
    NO(mc_pii_is_email, "jane@-example.com");     /* label starts with '-' */
    NO(mc_pii_is_email, "jane@example.c0m");      /* digits in the TLD */
    NO(mc_pii_is_email, "@example.com");
    NO(mc_pii_is_email, "jane doe@example.com");
    NO(mc_pii_is_email, "not an email");
}

static void test_phone(void **state)
{
    (void)state;
    YES(mc_pii_is_phone, "+14155550123");      /* E.164, NANP */
    YES(mc_pii_is_phone, "+44 20 7946 0958");   /* E.164 with spaces */
    YES(mc_pii_is_phone, "+8613812345678");     /* E.164, Chinese mobile */
    YES(mc_pii_is_phone, "(415) 555-0123");     /* North American */
    YES(mc_pii_is_phone, "415-555-0123");
    YES(mc_pii_is_phone, "1-415-555-0123");
    YES(mc_pii_is_phone, "13812345678");        /* Chinese mobile */
    YES(mc_pii_is_phone, "138 1234 5678");
    NO(mc_pii_is_phone, "+0123456789");         /* country code 0 */
    NO(mc_pii_is_phone, "+1234567");            /* too short */
    NO(mc_pii_is_phone, "+1234567890123456");   /* 16 digits */
    NO(mc_pii_is_phone, "+11155550123");        /* NANP area 111 */
    NO(mc_pii_is_phone, "115-555-0123");        /* area starts with 1 */
    NO(mc_pii_is_phone, "415-155-0123");        /* exchange starts with 1 */
    NO(mc_pii_is_phone, "12812345678");         /* 12x is not a mobile prefix */
    NO(mc_pii_is_phone, "4155550123");          /* bare 10 digits without context */
    assert_true(mc_pii_match(MC_DETECT_PHONE, "4155550123", 10, MC_PII_CTX_PHONE));
    NO(mc_pii_is_phone, "415-555-01a3");
}

static void test_card(void **state)
{
    (void)state;
    YES(mc_pii_is_card, "4111111111111111");    /* Visa */
    YES(mc_pii_is_card, "4111 1111 1111 1111");
    YES(mc_pii_is_card, "5555-5555-5555-4444"); /* Mastercard */
    YES(mc_pii_is_card, "2223003122003222");    /* Mastercard 2-series */
    YES(mc_pii_is_card, "378282246310005");     /* American Express */
    YES(mc_pii_is_card, "6011111111111117");    /* Discover */
    YES(mc_pii_is_card, "3530111333300000");    /* JCB */
    YES(mc_pii_is_card, "6212345678901232");    /* UnionPay */
    YES(mc_pii_is_card, "30569309025904");      /* Diners Club, 14 digits */
    NO(mc_pii_is_card, "4111111111111112");     /* Luhn fails */
    NO(mc_pii_is_card, "411111111111111");      /* Visa has no 15-digit numbers */
    NO(mc_pii_is_card, "3782822463100050");     /* Amex is 15 digits */
    NO(mc_pii_is_card, "9111111111111111");     /* no issuer starts with 9 */
    NO(mc_pii_is_card, "1234567812345670");     /* Luhn-valid, no issuer */
    NO(mc_pii_is_card, "4111 1111-1111 1111");  /* mixed separators */
}

static void test_iban(void **state)
{
    (void)state;
    YES(mc_pii_is_iban, "GB82WEST12345698765432");
    YES(mc_pii_is_iban, "GB82 WEST 1234 5698 7654 32");
    YES(mc_pii_is_iban, "DE89370400440532013000");
    YES(mc_pii_is_iban, "FR1420041010050500013M02606");
    YES(mc_pii_is_iban, "NL91ABNA0417164300");
    NO(mc_pii_is_iban, "GB82WEST12345698765431"); /* mod 97 fails */
    NO(mc_pii_is_iban, "GB82WEST1234569876543");  /* GB is 22 characters */
    NO(mc_pii_is_iban, "XX82WEST12345698765432"); /* no such country */
    NO(mc_pii_is_iban, "DE89-3704-0044-0532-0130-00");
}

/* The twelve countries of the SWIFT IBAN registry (release 100: 89 countries) that the
 * detector's first table of 77 missed: each registry example is detected, and the same
 * number one character longer or shorter, its check digits recomputed (python3, ISO 7064
 * MOD 97-10) so that only the length is wrong, is not. */
static void test_iban_registry_additions(void **state)
{
    (void)state;
    YES(mc_pii_is_iban, "BI4210000100010000332045181"); /* BI, 27 characters */
    NO(mc_pii_is_iban, "BI42100001000100003320451810");
    NO(mc_pii_is_iban, "BI351000010001000033204518");
    YES(mc_pii_is_iban, "DJ2100010000000154000100186"); /* DJ, 27 characters */
    NO(mc_pii_is_iban, "DJ21000100000001540001001860");
    NO(mc_pii_is_iban, "DJ760001000000015400010018");
    YES(mc_pii_is_iban, "FK88SC123456789012"); /* FK, 18 characters */
    NO(mc_pii_is_iban, "FK07SC1234567890120");
    NO(mc_pii_is_iban, "FK53SC12345678901");
    YES(mc_pii_is_iban, "HN88CABF00000000000250005469"); /* HN, 28 characters */
    NO(mc_pii_is_iban, "HN56CABF000000000002500054690");
    NO(mc_pii_is_iban, "HN67CABF0000000000025000546");
    YES(mc_pii_is_iban, "LY83002048000020100120361"); /* LY, 25 characters */
    NO(mc_pii_is_iban, "LY450020480000201001203610");
    NO(mc_pii_is_iban, "LY4100204800002010012036");
    YES(mc_pii_is_iban, "MN121234123456789123"); /* MN, 20 characters */
    NO(mc_pii_is_iban, "MN8912341234567891230");
    NO(mc_pii_is_iban, "MN90123412345678912");
    YES(mc_pii_is_iban, "NI45BAPR00000013000003558124"); /* NI, 28 characters */
    NO(mc_pii_is_iban, "NI74BAPR000000130000035581240");
    NO(mc_pii_is_iban, "NI82BAPR0000001300000355812");
    YES(mc_pii_is_iban, "OM810180000001299123456"); /* OM, 23 characters */
    NO(mc_pii_is_iban, "OM4101800000012991234560");
    NO(mc_pii_is_iban, "OM43018000000129912345");
    YES(mc_pii_is_iban, "RU0304452522540817810538091310419"); /* RU, 33 characters */
    NO(mc_pii_is_iban, "RU11044525225408178105380913104190");
    NO(mc_pii_is_iban, "RU750445252254081781053809131041");
    YES(mc_pii_is_iban, "SD2129010501234001"); /* SD, 18 characters */
    NO(mc_pii_is_iban, "SD07290105012340010");
    NO(mc_pii_is_iban, "SD932901050123400");
    YES(mc_pii_is_iban, "SO211000001001000100141"); /* SO, 23 characters */
    NO(mc_pii_is_iban, "SO1310000010010001001410");
    NO(mc_pii_is_iban, "SO73100000100100010014");
    YES(mc_pii_is_iban, "YE15CBYE0001018861234567891234"); /* YE, 30 characters */
    NO(mc_pii_is_iban, "YE72CBYE00010188612345678912340");
    NO(mc_pii_is_iban, "YE88CBYE000101886123456789123");
}

static void test_cn_id(void **state)
{
    (void)state;
    YES(mc_pii_is_cn_id, "11010519491231002X");
    YES(mc_pii_is_cn_id, "11010519491231002x");
    YES(mc_pii_is_cn_id, "440301199003071230");
    YES(mc_pii_is_cn_id, "310115198511124566");
    NO(mc_pii_is_cn_id, "110105194912310021"); /* wrong check character */
    NO(mc_pii_is_cn_id, "440301199003071231");
    NO(mc_pii_is_cn_id, "110105194902301234"); /* 30 February */
    NO(mc_pii_is_cn_id, "990105194912310025"); /* no province 99 */
    NO(mc_pii_is_cn_id, "11010519491231002");  /* 17 characters */
    NO(mc_pii_is_cn_id, "11010518991231002X"); /* born 1899 */
}

static void test_ssn(void **state)
{
    (void)state;
    assert_true(mc_pii_is_ssn("123-45-6789", 11, 0));
    assert_true(mc_pii_is_ssn("772 12 3456", 11, 0));
    assert_false(mc_pii_is_ssn("000-12-3456", 11, 0)); /* area 000 */
    assert_false(mc_pii_is_ssn("666-12-3456", 11, 0)); /* area 666 */
    assert_false(mc_pii_is_ssn("912-12-3456", 11, 0)); /* area 900-999 */
    assert_false(mc_pii_is_ssn("123-00-4567", 11, 0)); /* group 00 */
    assert_false(mc_pii_is_ssn("123-45-0000", 11, 0)); /* serial 0000 */
    assert_false(mc_pii_is_ssn("078-05-1120", 11, 0)); /* the Woolworth wallet number */
    assert_false(mc_pii_is_ssn("123-45 6789", 11, 0));
    assert_false(mc_pii_is_ssn("123456789", 9, 0));    /* bare: only with context */
    assert_true(mc_pii_is_ssn("123456789", 9, 1));
    assert_true(mc_pii_match(MC_DETECT_SSN, "123456789", 9, mc_pii_name_context("ssn")));
}

static void test_ip(void **state)
{
    (void)state;
    YES(mc_pii_is_ipv4, "192.168.1.20");
    YES(mc_pii_is_ipv4, "0.0.0.0");
    YES(mc_pii_is_ipv4, "255.255.255.255");
    NO(mc_pii_is_ipv4, "256.1.1.1");
    NO(mc_pii_is_ipv4, "1.2.3");
    NO(mc_pii_is_ipv4, "1.2.3.4.5");
    NO(mc_pii_is_ipv4, "01.2.3.4");
    NO(mc_pii_is_ipv4, "1.2.3.");
    YES(mc_pii_is_ipv6, "2001:db8::1");
    YES(mc_pii_is_ipv6, "::1");
    YES(mc_pii_is_ipv6, "fe80::1ff:fe23:4567:890a");
    NO(mc_pii_is_ipv6, "2001:db8:::1");
    NO(mc_pii_is_ipv6, "12345::1");
    NO(mc_pii_is_ipv6, "2001-db8-1");
}

static void test_dates(void **state)
{
    (void)state;
    assert_true(mc_pii_is_date("1984-02-29", 10, 2026));
    assert_true(mc_pii_is_date("29/02/1984", 10, 2026));
    assert_true(mc_pii_is_date("19840229", 8, 2026));
    assert_false(mc_pii_is_date("1983-02-29", 10, 2026)); /* not a leap year */
    assert_false(mc_pii_is_date("1984-13-01", 10, 2026));
    assert_false(mc_pii_is_date("2030-01-01", 10, 2026)); /* in the future */
    assert_false(mc_pii_is_date("1899-12-31", 10, 2026));
    /* A date is a date of birth only in a column whose name says so. */
    assert_false(mc_pii_match(MC_DETECT_BIRTH_DATE, "1984-02-29", 10, 0));
    assert_true(mc_pii_match(MC_DETECT_BIRTH_DATE, "1984-02-29", 10,
                             mc_pii_name_context("date_of_birth")));
    assert_true(mc_pii_match(MC_DETECT_BIRTH_DATE, "1984-02-29", 10,
                             mc_pii_name_context("出生日期")));
}

static void test_name_context(void **state)
{
    (void)state;
    assert_int_equal(mc_pii_name_context("email"), MC_PII_CTX_EMAIL);
    assert_int_equal(mc_pii_name_context("E-Mail"), MC_PII_CTX_EMAIL);
    assert_int_equal(mc_pii_name_context("contactEmail"), MC_PII_CTX_EMAIL);
    assert_int_equal(mc_pii_name_context("邮箱"), MC_PII_CTX_EMAIL);
    assert_int_equal(mc_pii_name_context("mobile_phone"), MC_PII_CTX_PHONE);
    assert_int_equal(mc_pii_name_context("手机号码"), MC_PII_CTX_PHONE);
    assert_int_equal(mc_pii_name_context("身份证号"), MC_PII_CTX_ID);
    assert_int_equal(mc_pii_name_context("full_name"), MC_PII_CTX_NAME);
    assert_int_equal(mc_pii_name_context("姓名"), MC_PII_CTX_NAME);
    assert_int_equal(mc_pii_name_context("home_address"), MC_PII_CTX_ADDRESS);
    assert_int_equal(mc_pii_name_context("家庭住址"), MC_PII_CTX_ADDRESS);
    assert_int_equal(mc_pii_name_context("birth_date"), MC_PII_CTX_BIRTH);
    assert_int_equal(mc_pii_name_context("income"), 0);
    assert_int_equal(mc_pii_name_context("named_entity_count"), 0); /* "named" is not "name" */
    assert_int_equal(mc_pii_name_context("zip"), 0);
}

static void test_mask(void **state)
{
    (void)state;
    char out[64];
    const char *e = "jane.doe@example.com";
    mc_pii_mask(out, sizeof out, MC_DETECT_EMAIL, e, strlen(e));
    assert_string_equal(out, "j***@e***.com");
    const char *p = "415-555-0123";
    mc_pii_mask(out, sizeof out, MC_DETECT_PHONE, p, strlen(p));
    assert_string_equal(out, "***-***-**23");
    const char *id = "11010519491231002X";
    mc_pii_mask(out, sizeof out, MC_DETECT_CN_ID, id, strlen(id));
    assert_string_equal(out, "***************02*");
    mc_pii_mask(out, 4, MC_DETECT_CN_ID, id, strlen(id)); /* bounded */
    assert_string_equal(out, "***");
}

/* A whole column: look-alikes with failing check digits are not flagged; the
 * real values are, with counts and a masked example; sampling is bounded. */
static void test_scan_columns(void **state)
{
    (void)state;
    static const char csv[] =
        "bad_card,bad_id,good_card,good_id,note\n"
        "4111111111111112,110105194912310021,4111111111111111,11010519491231002X,hello\n"
        "5555555555554445,440301199003071231,5555555555554444,440301199003071230,x\n"
        "4012888888881882,310115198511124567,4012888888881881,310115198511124566,\n"
        "378282246310006,110105194912310022,378282246310005,11010519491231002X,y\n";
    mc_csv_options o = {0};
    o.others_categorical = 1;
    mc_table *t = NULL;
    mc_validation *v = NULL;
    assert_int_equal(mc_csv_parse(&t, "mem.csv", csv, strlen(csv), &o), MC_OK);
    assert_int_equal(mc_validation_create(&v), MC_OK);
    mc_pii_scan_config c;
    mc_pii_scan_config_from_spec(&c, NULL);
    assert_int_equal(mc_pii_scan_table(v, t, &c), MC_OK);
    int good_card = 0, good_id = 0;
    for (size_t i = 0; i < mc_validation_count(v); i++) {
        const mc_result *r = mc_validation_get(v, i);
        assert_null(strstr(r->id, "bad_"));
        assert_null(strstr(r->id, "note"));
        assert_null(strstr(r->message, "4111111111111111")); /* never a value */
        if (strcmp(r->id, "privacy.pii_scan.good_card") == 0) {
            good_card = 1;
            assert_int_equal(r->status, MC_STATUS_FAIL);
            assert_string_equal(json_string_value(json_object_get(r->measured, "detector")),
                                "credit_card");
            assert_int_equal(json_integer_value(json_object_get(r->measured, "matches")), 4);
            assert_string_equal(json_string_value(json_object_get(r->measured, "example")),
                                "**************11");
        }
        if (strcmp(r->id, "privacy.pii_scan.good_id") == 0) {
            good_id = 1;
            assert_string_equal(json_string_value(json_object_get(r->measured, "detector")),
                                "cn_resident_id");
        }
    }
    assert_true(good_card && good_id);
    mc_validation_free(v);

    /* Two rows sampled of four; warn instead of fail; a declared column passes. */
    mc_pii_column declared = {"good_id", MC_PII_DROP};
    c.sample_rows = 2;
    c.seed = 7;
    c.action = MC_ACTION_WARN;
    c.declared = &declared;
    c.n_declared = 1;
    assert_int_equal(mc_validation_create(&v), MC_OK);
    assert_int_equal(mc_pii_scan_table(v, t, &c), MC_OK);
    for (size_t i = 0; i < mc_validation_count(v); i++) {
        const mc_result *r = mc_validation_get(v, i);
        if (strcmp(r->id, "privacy.pii_scan.good_card") == 0) {
            assert_int_equal(r->status, MC_STATUS_WARN);
            assert_int_equal(json_integer_value(json_object_get(r->measured, "sampled")), 2);
        }
        if (strcmp(r->id, "privacy.pii_scan.good_id") == 0)
            assert_int_equal(r->status, MC_STATUS_PASS);
        if (strcmp(r->id, "privacy.pii_scan") == 0)
            assert_int_equal(json_integer_value(json_object_get(r->measured, "rows")), 2);
    }
    mc_validation_free(v);
    mc_table_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_email),  cmocka_unit_test(test_phone),
        cmocka_unit_test(test_card),   cmocka_unit_test(test_iban),
        cmocka_unit_test(test_iban_registry_additions),
        cmocka_unit_test(test_cn_id),  cmocka_unit_test(test_ssn),
        cmocka_unit_test(test_ip),     cmocka_unit_test(test_dates),
        cmocka_unit_test(test_name_context), cmocka_unit_test(test_mask),
        cmocka_unit_test(test_scan_columns),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
