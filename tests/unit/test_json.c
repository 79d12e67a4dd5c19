/* Canonical JSON (RFC 8785) and the number form every digest depends on. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>

#include <cmocka.h>

#include "mc_json.h"
#include "mc_error.h"
#include "mc_hash.h"
#include "mc_str.h"
#include "mc_utf8.h"

static void expect_number(double x, const char *want)
{
    char buf[32];
    assert_int_equal(mc_json_format_number(buf, x), 0);
    assert_string_equal(buf, want);
}

static void test_numbers_ecmascript_form(void **state)
{
    (void)state;
    /* Values from RFC 8785 appendix B and ECMAScript Number.prototype.toString. */
    expect_number(0.0, "0");
    expect_number(-0.0, "0");
    expect_number(1.0, "1");
    expect_number(-1.5, "-1.5");
    expect_number(0.001, "0.001");
    expect_number(1e-7, "1e-7");
    expect_number(0.000001, "0.000001");
    expect_number(123456789012345680000.0, "123456789012345680000");
    expect_number(1e21, "1e+21");
    expect_number(1.5e300, "1.5e+300");
    expect_number(5e-324, "5e-324");
    expect_number(1.7976931348623157e308, "1.7976931348623157e+308");
    expect_number(0.1, "0.1");
    expect_number(0.1 + 0.2, "0.30000000000000004");
    expect_number(333333333.33333329, "333333333.3333333");
    expect_number(9007199254740992.0, "9007199254740992");
}

static void test_numbers_reject_nan_inf(void **state)
{
    (void)state;
    char buf[32];
    assert_int_equal(mc_json_format_number(buf, NAN), MC_EINPUT);
    assert_int_equal(mc_json_format_number(buf, INFINITY), MC_EINPUT);
}

static char *canon(const char *json_text)
{
    json_error_t err;
    json_t *v = json_loads(json_text, JSON_DECODE_ANY, &err);
    assert_non_null(v);
    char *out = NULL;
    assert_int_equal(mc_json_canonical(&out, NULL, v), 0);
    json_decref(v);
    return out;
}

static void test_canonical_sorting_and_escaping(void **state)
{
    (void)state;
    char *s = canon("{\"b\": [1, 2.50, {\"z\": null, \"a\": true}], \"a\": \"x\\ny\\u0001\\\"\"}");
    assert_string_equal(s, "{\"a\":\"x\\ny\\u0001\\\"\",\"b\":[1,2.5,{\"a\":true,\"z\":null}]}");
    free(s);
    /* RFC 8785 3.2.3: sorting by UTF-16 code units puts U+1F600 (surrogates
     * D83D...) before U+FB33, unlike a byte-wise or code point sort. */
    s = canon("{\"\\ufb33\": 1, \"\\ud83d\\ude00\": 2, \"\\u00e9\": 3, \"a\": 4}");
    assert_string_equal(s, "{\"a\":4,\"\xc3\xa9\":3,\"\xf0\x9f\x98\x80\":2,\"\xef\xac\xb3\":1}");
    free(s);
}

static void test_pretty_uses_same_order(void **state)
{
    (void)state;
    json_t *v = json_pack("{s:i, s:[f]}", "z", 1, "a", 0.5);
    char *out = NULL;
    assert_int_equal(mc_json_pretty(&out, NULL, v, 2), 0);
    assert_string_equal(out, "{\n  \"a\": [\n    0.5\n  ],\n  \"z\": 1\n}\n");
    free(out);
    json_decref(v);
}

static void test_sha256_known_vector(void **state)
{
    (void)state;
    char hex[65];
    assert_int_equal(mc_sha256_hex(hex, "abc", 3), 0);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assert_true(mc_sha256_hex_valid(hex));
    assert_false(mc_sha256_hex_valid("abc"));
}

static void test_suggestions(void **state)
{
    (void)state;
    const char *names[] = {"epochs", "batch_size", "optimizer", "loss"};
    assert_string_equal(mc_str_suggest("epoch", names, 4), "epochs");
    assert_string_equal(mc_str_suggest("optimiser", names, 4), "optimizer");
    assert_null(mc_str_suggest("colour", names, 4));
    const char *detectors[] = {"email", "phone", "ssn"};
    assert_string_equal(mc_str_suggest("emial", detectors, 3), "email"); /* a swap is one edit */
    assert_null(mc_str_suggest("los", (const char *[]){"batch_size"}, 1));
}

static void test_utf8_validation(void **state)
{
    (void)state;
    size_t bad = 0;
    assert_true(mc_utf8_valid("h\xc3\xa9llo \xf0\x9f\x98\x80", 11, &bad));
    assert_false(mc_utf8_valid("ab\xff", 3, &bad));
    assert_int_equal(bad, 2);
    assert_false(mc_utf8_valid("\xc0\xaf", 2, &bad));         /* overlong */
    assert_false(mc_utf8_valid("\xed\xa0\x80", 3, &bad));     /* surrogate */
    assert_false(mc_utf8_valid("\xf4\x90\x80\x80", 4, &bad)); /* > U+10FFFF */
    assert_false(mc_utf8_valid("\xe2\x82", 2, &bad));         /* truncated */
    int line, col;
    mc_utf8_position("a\nb\xc3\xa9z", 5, &line, &col);
    assert_int_equal(line, 2);
    assert_int_equal(col, 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_numbers_ecmascript_form),
        cmocka_unit_test(test_numbers_reject_nan_inf),
        cmocka_unit_test(test_canonical_sorting_and_escaping),
        cmocka_unit_test(test_pretty_uses_same_order),
        cmocka_unit_test(test_sha256_known_vector),
        cmocka_unit_test(test_suggestions),
        cmocka_unit_test(test_utf8_validation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
