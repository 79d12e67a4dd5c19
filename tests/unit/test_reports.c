/* Renderers: a validation's text in the gate's and the auditor's style,
 * exactly, with results of categories no renderer names (privacy, signing)
 * and every status; quiet; the audit trail's verify lines, log, and the
 * JSON lines and CSV exports, whose events (a command line that is not
 * UTF-8 included) recompute to their hashes. */
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
#include "mc_hash.h"
#include "mc_json.h"
#include "mc_report_audit.h"
#include "mc_report_validation.h"

static char dir[256];

/* Runs `call`, which writes to FILE *f, and puts what it wrote in `out` (caller frees). */
#define CAPTURE(out, call)                                                                        \
    do {                                                                                          \
        size_t size_ = 0;                                                                         \
        FILE *f = open_memstream(&(out), &size_);                                                 \
        assert_non_null(f);                                                                       \
        call;                                                                                     \
        fclose(f);                                                                                \
    } while (0)

static mc_validation *sample(void)
{
    mc_validation *v = NULL;
    assert_int_equal(mc_validation_create(&v), MC_OK);
    assert_int_equal(mc_validation_add(v, "privacy", "privacy.epsilon", "epsilon", MC_STATUS_PASS,
                                       json_real(1.5), json_null(), "epsilon %.1f <= 3", 1.5),
                     MC_OK);
    assert_int_equal(mc_validation_add(v, "signing", "signing.key", "key", MC_STATUS_WARN, json_null(),
                                       json_null(), "no key pinned"),
                     MC_OK);
    assert_int_equal(mc_validation_add(v, "thresholds", "thresholds.metrics.f1.min", "f1",
                                       MC_STATUS_FAIL, json_null(), json_null(), "f1 0.7 is below min 0.8"),
                     MC_OK);
    assert_int_equal(mc_validation_add(v, "data", "data.pinned", "data", MC_STATUS_SKIPPED, json_null(),
                                       json_null(), "skipped"),
                     MC_OK);
    return v;
}

static void test_validation_text(void **state)
{
    (void)state;
    mc_validation *v = sample();
    mc_outcome o = {.validation = v, .run_dir = "r1", .validation_path = "r1/validation.json"};
    char *text = NULL;
    CAPTURE(text, mc_report_validate_text(f, &o, "spec.yaml", 0));
    assert_string_equal(text,
                        "validate spec.yaml\n"
                        "  PASS  privacy.epsilon                              epsilon 1.5 <= 3\n"
                        "  WARN  signing.key                                  no key pinned\n"
                        "  FAIL  thresholds.metrics.f1.min                    f1 0.7 is below min 0.8\n"
                        "  SKIP  data.pinned                                  skipped\n"
                        "verdict: FAIL (1 passed, 1 failed, 0 errors, 1 warnings, 1 skipped)\n"
                        "run: r1\nvalidation: r1/validation.json\n");
    free(text);
    CAPTURE(text, mc_report_validate_text(f, &o, "spec.yaml", 1));
    assert_string_equal(text, "verdict: FAIL (1 passed, 1 failed, 0 errors, 1 warnings, 1 skipped)\n");
    free(text);
    o.audit_path = "a.db", o.audit_event = 7; /* the summary names the event; -q does not */
    CAPTURE(text, mc_report_validate_text(f, &o, "spec.yaml", 0));
    assert_non_null(strstr(text, "validation: r1/validation.json\naudit: event 7 in a.db\n"));
    free(text);
    CAPTURE(text, mc_report_validate_text(f, &o, "spec.yaml", 1));
    assert_null(strstr(text, "audit:"));
    free(text);
    o.audit_path = NULL, o.audit_event = 0;
    CAPTURE(text, mc_report_reproduce_text(f, &o, 0));
    assert_string_equal(text, "reproduce r1\n"
                              "  PASS  epsilon 1.5 <= 3\n"
                              "  WARN  no key pinned\n"
                              "  FAIL  f1 0.7 is below min 0.8\n"
                              "  SKIP  skipped\n"
                              "verdict: NOT REPRODUCED\n");
    free(text);
    mc_report_style plain = {0};
    CAPTURE(text, mc_report_results_text(f, v, &plain));
    assert_non_null(strstr(text, "verdict: FAIL\n"));
    assert_null(strstr(text, "validate"));
    free(text);
    CAPTURE(text, assert_int_equal(mc_report_validation_json(f, v), MC_OK));
    json_t *doc = json_loads(text, 0, NULL);
    assert_non_null(doc);
    assert_string_equal(json_string_value(json_object_get(doc, "verdict")), "fail");
    assert_int_equal(json_integer_value(json_object_get(json_object_get(doc, "counts"), "warn")), 1);
    json_decref(doc);
    free(text);
    mc_validation_free(v);
}

static void test_audit_reports(void **state)
{
    (void)state;
    char *text = NULL;
    mc_audit_verify_result ok = {.events = 3, .head = "abc"}, bad = {.events = 3, .broken = 1, .first_bad = 2};
    snprintf(bad.reason, sizeof bad.reason, "event 2 was altered");
    CAPTURE(text, mc_report_audit_verify_text(f, &ok));
    assert_string_equal(text, "intact: 3 events, head abc\n");
    free(text);
    CAPTURE(text, mc_report_audit_verify_text(f, &bad));
    assert_string_equal(text, "BROKEN at event 2: event 2 was altered\n");
    free(text);
    CAPTURE(text, assert_int_equal(mc_report_audit_verify_json(f, &bad), MC_OK));
    assert_non_null(strstr(text, "\"first_broken_event\": 2"));
    assert_non_null(strstr(text, "\"intact\": false"));
    free(text);
    CAPTURE(text, mc_report_audit_recorded(f, "a.db", 0));
    assert_string_equal(text, "");
    free(text);
    CAPTURE(text, mc_report_audit_recorded(f, "a.db", 4));
    assert_string_equal(text, "audit: event 4 in a.db\n");
    free(text);

    char db[300], csv[300], jsonl[300];
    snprintf(db, sizeof db, "%s/a.db", dir);
    snprintf(csv, sizeof csv, "%s/a.csv", dir);
    snprintf(jsonl, sizeof jsonl, "%s/a.jsonl", dir);
    mc_audit_event ev = {.actor = "ann", .command = "modelcert \"x\" \xff", .kind = "run",
                         .model_digest = "0123456789abcdef", .verdict = "completed"};
    json_t *details = json_pack("{s:s}", "run_dir", "r");
    long long id = 0;
    assert_int_equal(mc_audit_record(&id, db, &ev, details), MC_OK);
    assert_int_equal(mc_audit_record(&id, db, &ev, NULL), MC_OK);
    json_decref(details);
    json_t *events = NULL;
    mc_audit_filter all = {0};
    assert_int_equal(mc_audit_list(&events, db, &all), MC_OK);
    /* every listed event recomputes to its hash, as docs/audit.md promises auditors */
    size_t i;
    json_t *e;
    json_array_foreach(events, i, e)
    {
        json_t *copy = json_deep_copy(e);
        char *canon = NULL, hex[MC_SHA256_HEX_LEN + 1];
        size_t n = 0;
        assert_int_equal(json_object_del(copy, "hash"), 0);
        assert_int_equal(mc_json_canonical(&canon, &n, copy), MC_OK);
        assert_int_equal(mc_sha256_hex(hex, canon, n), MC_OK);
        assert_string_equal(hex, json_string_value(json_object_get(e, "hash")));
        free(canon);
        json_decref(copy);
    }
    CAPTURE(text, mc_report_audit_log_text(f, events));
    assert_non_null(strstr(text, "1     "));
    assert_non_null(strstr(text, "  ann        run       completed model 0123456789ab  modelcert \"x\" \xff\n"));
    free(text);
    CAPTURE(text, assert_int_equal(mc_report_audit_event_json(f, events, 1), MC_OK));
    assert_non_null(strstr(text, "\"id\": 2"));
    free(text);
    assert_int_equal(mc_report_audit_export(events, MC_AUDIT_EXPORT_CSV, csv), MC_OK);
    assert_int_equal(mc_report_audit_export(events, MC_AUDIT_EXPORT_JSONL, jsonl), MC_OK);
    json_decref(events);

    size_t len = 0;
    assert_int_equal(mc_file_read_all(&text, &len, csv, 1 << 20), MC_OK);
    assert_memory_equal(text, "id,time,actor,host,tool_version,command,kind,spec_digest,data_digest,"
                              "model_digest,verdict,details,prev_hash,hash\n1,\"", 98);
    assert_non_null(strstr(text, ",\"modelcert \"\"x\"\" \xff\",\"run\",,,\"0123456789abcdef\",\"completed\","
                                 "\"{\"\"run_dir\"\":\"\"r\"\"}\","));
    free(text);
    assert_int_equal(mc_file_read_all(&text, &len, jsonl, 1 << 20), MC_OK);
    assert_non_null(strstr(text, "\"details\":{\"run_dir\":\"r\"}"));
    assert_non_null(strstr(text, "}\n{\"actor\":\"ann\""));
    assert_int_equal(text[len - 1], '\n');
    free(text);
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/mc-test-reports-XXXXXX");
    if (!mkdtemp(dir))
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_validation_text),
        cmocka_unit_test(test_audit_reports),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        return 1;
    return failed;
}
