/* The reports of docs/reports.md from a validation.json that no renderer
 * names the categories of (privacy, signing, lineage): each category its own
 * JUnit testsuite and HTML section, every status where it belongs, the same
 * bytes twice; escaping of markup, ill-formed UTF-8 and control characters;
 * hostile validation.json refused with the field named, never a crash. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "mc_file.h"
#include "mc_report.h"
#include "mc_report_esc.h"
#include "mc_validation.h"

static char dir[256];

static char *esc(void (*fn)(mc_buf *, const char *), const char *s)
{
    mc_buf b = {0};
    char *out = NULL;
    fn(&b, s);
    assert_int_equal(mc_buf_take(&b, &out, NULL), MC_OK);
    return out;
}

static void test_escaping(void **state)
{
    (void)state;
    char *x = esc(mc_esc_xml, "<script>alert(\"1\")</script> & 'q'");
    assert_string_equal(x, "&lt;script&gt;alert(&quot;1&quot;)&lt;/script&gt; &amp; &#39;q&#39;");
    free(x);
    x = esc(mc_esc_xml, "a\x01" "b\xff" "c\xc0\xaf" "d\xed\xa0\x80" "e\xef\xbf\xbe");
    /* a control character is shown, ill-formed UTF-8 (a stray byte, an overlong /, a surrogate)
       becomes U+FFFD, the non-character U+FFFE that XML forbids is shown */
    assert_string_equal(x, "a\\x01b\xef\xbf\xbd" "c\xef\xbf\xbd\xef\xbf\xbd" "d\xef\xbf\xbd\xef\xbf\xbd"
                           "\xef\xbf\xbd" "e\\xFFFE");
    free(x);
    x = esc(mc_esc_xml_attr, "line\nnext\ttab");
    assert_string_equal(x, "line&#10;next&#9;tab");
    free(x);
    x = esc(mc_esc_md, "a|b *c* <b>x</b>\nnext `code` [l](u)");
    assert_string_equal(x, "a\\|b \\*c\\* &lt;b&gt;x&lt;/b&gt; next \\`code\\` \\[l\\](u)");
    free(x);
    x = esc(mc_esc_yaml, "say \"hi\"\\\n\x7f é");
    assert_string_equal(x, "\"say \\\"hi\\\"\\\\\\n\\x7F é\"");
    free(x);
}

/* A run directory with only validation.json in it. */
static char *write_validation(const char *name)
{
    mc_validation *v = NULL;
    assert_int_equal(mc_validation_create(&v), MC_OK);
    assert_int_equal(mc_validation_add(v, "privacy", "privacy.k_anonymity", "k-anonymity",
                                       MC_STATUS_FAIL, json_integer(2), json_pack("{s:i}", "min", 5),
                                       "k 2 is below 5 on <zip>"), MC_OK);
    assert_int_equal(mc_validation_add(v, "signing", "signing.signature", "signature", MC_STATUS_PASS,
                                       json_string("ed25519:abcd"), json_null(), "signed"), MC_OK);
    assert_int_equal(mc_validation_add(v, "lineage", "lineage.source", "source", MC_STATUS_ERROR,
                                       json_null(), json_null(), "could not be evaluated"), MC_OK);
    assert_int_equal(mc_validation_add(v, "privacy", "privacy.epsilon", "epsilon", MC_STATUS_SKIPPED,
                                       json_null(), json_null(), "no DP training"), MC_OK);
    assert_int_equal(mc_validation_add(v, "signing", "signing.key", "key", MC_STATUS_WARN, json_null(),
                                       json_null(), "no key pinned"), MC_OK);
    char *text = NULL, *path = malloc(512);
    size_t len = 0;
    assert_int_equal(mc_validation_pretty(&text, &len, v), MC_OK);
    snprintf(path, 512, "%s/%s", dir, name);
    assert_int_equal(mc_dir_create_all(path), MC_OK);
    strcat(path, "/validation.json");
    assert_int_equal(mc_file_write_atomic(path, text, len), MC_OK);
    free(text);
    mc_validation_free(v);
    return path;
}

static char *render(const char *path, mc_report_format f)
{
    mc_report_doc *d = NULL;
    char *out = NULL;
    assert_int_equal(mc_report_doc_load(&d, path, "/nonexistent/audit.db"), MC_OK);
    assert_int_equal(mc_report_render(&out, NULL, d, f), MC_OK);
    mc_report_doc_free(d);
    return out;
}

static void test_new_categories(void **state)
{
    (void)state;
    char *path = write_validation("cats");
    char *junit = render(path, MC_REPORT_JUNIT);
    assert_non_null(strstr(junit, "<testsuites name=\"modelcert validate "));
    assert_non_null(strstr(junit, " tests=\"5\" failures=\"1\" errors=\"1\" skipped=\"1\" time=\"0\">"));
    assert_non_null(strstr(junit, "<testsuite name=\"privacy\" id=\"0\" tests=\"2\" failures=\"1\" "
                                  "errors=\"0\" skipped=\"1\""));
    assert_non_null(strstr(junit, "<testsuite name=\"lineage\" id=\"2\" tests=\"1\" failures=\"0\" "
                                  "errors=\"1\" skipped=\"0\""));
    assert_non_null(strstr(junit, "<failure message=\"k 2 is below 5 on &lt;zip&gt;\" type=\"fail\">"
                                  "check: k-anonymity\nmeasured: 2\nexpected: min 5\n</failure>"));
    assert_non_null(strstr(junit, "<error message=\"could not be evaluated\" type=\"error\">"));
    assert_non_null(strstr(junit, "<skipped message=\"no DP training\"/>"));
    assert_non_null(strstr(junit, "<system-out>WARN: no key pinned</system-out>"));
    char *html = render(path, MC_REPORT_HTML), *again = render(path, MC_REPORT_HTML);
    assert_string_equal(html, again); /* the same input, the same bytes */
    assert_non_null(strstr(html, "<h3 class=\"category\">signing <small>(1 passed, 0 failed, 0 errors, "
                                 "1 warnings, 0 skipped)"));
    assert_non_null(strstr(html, "<h3 class=\"category\">lineage"));
    assert_non_null(strstr(html, "<h1>FAIL</h1>"));
    assert_non_null(strstr(html, "metrics.json: not in the run directory"));
    assert_null(strstr(html, "<zip>"));
    char *md = render(path, MC_REPORT_MARKDOWN);
    assert_non_null(strstr(md, "## ❌ modelcert validate: FAIL"));
    assert_non_null(strstr(md, "| ❌ FAIL | privacy | privacy.k\\_anonymity | 2 | min 5 | k 2 is below "
                               "5 on &lt;zip&gt; |"));
    char *card = render(path, MC_REPORT_MODEL_CARD);
    assert_non_null(strstr(card, "## Signature and certificate\n\n| status |"));
    assert_non_null(strstr(card, "| PASS | signing.signature | ed25519:abcd |"));
    char *json = render(path, MC_REPORT_JSON), *file = NULL;
    size_t flen = 0;
    assert_int_equal(mc_file_read_all(&file, &flen, path, 1 << 20), MC_OK);
    assert_string_equal(json, file); /* the json report is validation.json, byte for byte */
    free(junit);
    free(html);
    free(again);
    free(md);
    free(card);
    free(json);
    free(file);
    free(path);
}

static void expect_refused(const char *text, const char *why)
{
    char path[512];
    mc_report_doc *d = NULL;
    snprintf(path, sizeof path, "%s/bad.json", dir);
    assert_int_equal(mc_file_write_atomic(path, text, strlen(text)), MC_OK);
    assert_int_equal(mc_report_doc_load(&d, path, NULL), MC_EINPUT);
    assert_null(d);
    assert_non_null(strstr(mc_error_last()->message, why));
}

static void test_hostile_validation(void **state)
{
    (void)state;
    expect_refused("[]", "not a JSON object");
    expect_refused("{\"format\": \"modelcert-run\", \"format_version\": 1}", "not a modelcert validation");
    expect_refused("{\"format\": \"modelcert-validation\", \"format_version\": 1, \"results\": {}}",
                   "results: not an array");
    expect_refused("{\"format\": \"modelcert-validation\", \"format_version\": 1, \"results\": "
                   "[{\"id\": 1}]}", "results[0]: id, category, name and message must be strings");
    expect_refused("{\"format\": \"modelcert-validation\", \"format_version\": 1, \"results\": "
                   "[{\"id\": \"a\", \"category\": \"c\", \"name\": \"n\", \"message\": \"m\", "
                   "\"status\": \"passed\", \"measured\": null, \"expected\": null}]}",
                   "status is not one of");
    expect_refused("{\"format\": \"modelcert-validation\", \"format_version\": 1, \"results\": [], "
                   "\"results\": []}", "duplicate");
    mc_report_doc *d = NULL;
    assert_int_equal(mc_report_doc_load(&d, "-", NULL), MC_EINPUT);
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "%s/mc-report-formats-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escaping),
        cmocka_unit_test(test_new_categories),
        cmocka_unit_test(test_hostile_validation),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
