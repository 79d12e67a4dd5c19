/* The bytes an audit event's hash covers must never change, or every chain
 * written before the change stops verifying. The expected bytes and hashes
 * below were computed by the original hand-written encoder (before it was
 * replaced by mc_json_canonical); they pin:
 *  - one event's canonical encoding and SHA-256 (strings with quotes,
 *    backslashes, control characters, non-ASCII and invalid UTF-8; NULL
 *    digests; details with nested objects, arrays, integers, reals in every
 *    number form and keys ordered by UTF-16 code units);
 *  - a three-event chain inserted into a database as an older modelcert
 *    wrote it (one event's details hold a real that the canonical form
 *    writes as a 21-digit integer), which must verify intact and with the
 *    same head, and accept a new event on top;
 *  - the canonical form in which append stores the details it is given;
 * and that append refuses details that would not read back exactly. */
#include <setjmp.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "mc_audit.h"
#include "mc_error.h"
#include "mc_hash.h"

#define ZEROS "0000000000000000000000000000000000000000000000000000000000000000"

static char dir[256];

static const char details1[] =
    "{\"a\":{\"\":3,\"B\":2,\"z\":1},\"arr\":[1,\"two\",null,true,false,{},[],2.5e-300],"
    "\"big\":123456789012345678,\"counts\":{\"error\":0,\"fail\":0,\"pass\":9,\"skipped\":0,\"warn\":0},"
    "\"huge\":1e+21,\"neg\":-0.5,\"real\":0.1,\"run_dir\":\"r1\","
    "\"tiny\":1e-7,\"unicode\":\"\xc3\xbc\xe2\x82\xac\xf0\x9f\x98\x80 \\\"q\\\" \\\\ \\n\\t\\u0001\\u001f\x7f\","
    "\"\xc3\xa9\":1,\"\xf0\x9f\x98\x80\":2,\"\xef\xbd\x81\":3}";

static const char canon1[] =
    "{\"actor\":\"alice\",\"command\":\"modelcert validate 'my spec.yaml' -o r1 caf\xc3\xa9 \xff\xfe "
    "tab\\there \\\"q\\\" back\\\\slash ctl\\u0001 nl\\n\",\"data_digest\":null,\"details\":"
    "{\"a\":{\"\":3,\"B\":2,\"z\":1},\"arr\":[1,\"two\",null,true,false,{},[],2.5e-300],"
    "\"big\":123456789012345678,\"counts\":{\"error\":0,\"fail\":0,\"pass\":9,\"skipped\":0,\"warn\":0},"
    "\"huge\":1e+21,\"neg\":-0.5,\"real\":0.1,\"run_dir\":\"r1\","
    "\"tiny\":1e-7,\"unicode\":\"\xc3\xbc\xe2\x82\xac\xf0\x9f\x98\x80 \\\"q\\\" \\\\ \\n\\t\\u0001\\u001f\x7f\","
    "\"\xc3\xa9\":1,\"\xf0\x9f\x98\x80\":2,\"\xef\xbd\x81\":3},\"host\":\"ci-7\",\"id\":1,"
    "\"kind\":\"validate\",\"model_digest\":\"4e2ed5f7546ec0b71b6d97a639836730e571cd193e76187457394c6d13aa0dd1\","
    "\"prev_hash\":\"" ZEROS "\","
    "\"spec_digest\":\"9e73a69089565f3a68b99d798f874e4e755d84e0426f728775d306f8c59c4771\","
    "\"time\":\"2026-11-28T14:55:15.655Z\",\"tool_version\":\"0.1.0\",\"verdict\":\"pass\"}";

static const char hash1[] = "ca1c75c2135c9f621b7d53b03242fc826943a4e699a9e71cbc1d05e2899b0f47";

static const char *const chain_hash[] = {
    "43bcccd110a610ce3df79cb922e994381316e5bc5415c100795a57bc0f89057f",
    "392172924efc938787a3259909f02200eaf9a9491225b9db060af1763f24a72f",
    "e99ad8f40606d0be167651be99851cd480eb5a716536546ff2a2b39257c1416f"};

static void test_event_bytes_and_hash(void **state)
{
    (void)state;
    mc_audit_event ev = {
        .id = 1, .time = "2026-11-28T14:55:15.655Z", .actor = "alice", .host = "ci-7",
        .tool_version = "0.1.0",
        .command = "modelcert validate 'my spec.yaml' -o r1 caf\xc3\xa9 \xff\xfe tab\there \"q\" "
                   "back\\slash ctl\x01 nl\n",
        .kind = "validate", .spec_digest = "9e73a69089565f3a68b99d798f874e4e755d84e0426f728775d306f8c59c4771",
        .data_digest = NULL, .model_digest = "4e2ed5f7546ec0b71b6d97a639836730e571cd193e76187457394c6d13aa0dd1",
        .verdict = "pass", .details = details1, .prev_hash = ZEROS};
    char *text = NULL, hex[MC_SHA256_HEX_LEN + 1];
    size_t len = 0;
    assert_int_equal(mc_audit_event_canonical(&text, &len, &ev), MC_OK);
    assert_int_equal(len, sizeof canon1 - 1);
    assert_memory_equal(text, canon1, len);
    assert_int_equal(mc_sha256_hex(hex, text, len), MC_OK);
    assert_string_equal(hex, hash1);
    free(text);

    /* NULL details hash as {} */
    mc_audit_event bare = {.id = 7, .time = "t", .prev_hash = ZEROS};
    assert_int_equal(mc_audit_event_canonical(&text, &len, &bare), MC_OK);
    assert_string_equal(text, "{\"actor\":null,\"command\":null,\"data_digest\":null,\"details\":{},"
                              "\"host\":null,\"id\":7,\"kind\":null,\"model_digest\":null,"
                              "\"prev_hash\":\"" ZEROS "\",\"spec_digest\":null,\"time\":\"t\","
                              "\"tool_version\":null,\"verdict\":null}");
    free(text);
}

static int sql(const char *path, const char *fmt, ...)
{
    char buf[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    int rc = sqlite3_exec(db, buf, NULL, NULL, NULL);
    sqlite3_close(db);
    return rc;
}

/* Rows exactly as an older modelcert stored them. */
static void write_old_chain(const char *path)
{
    static const char *const kind[] = {"run", "validate", "reproduce"};
    static const char *const spec[] = {"'s'", "'s'", "NULL"};
    static const char *const model[] = {"NULL", "'m'", "'m'"};
    static const char *const details[] = {"{}", "{\"e20\":100000000000000000000,\"n\":1}", "{}"};
    mc_audit *a = NULL;
    assert_int_equal(mc_audit_open(&a, path), MC_OK); /* the schema */
    mc_audit_close(a);
    for (int i = 0; i < 3; i++)
        assert_int_equal(sql(path,
                             "INSERT INTO events VALUES (%d, '2026-01-0%dT00:00:00.000Z', 'bob',"
                             " 'h\xc3\xb6st', '0.1.0', 'modelcert x', '%s', %s, 'd', %s, 'completed',"
                             " '%s', '%s', '%s')",
                             i + 1, i + 1, kind[i], spec[i], model[i], details[i],
                             i ? chain_hash[i - 1] : ZEROS, chain_hash[i]),
                         SQLITE_OK);
}

static void test_old_chain_verifies(void **state)
{
    (void)state;
    char path[300];
    snprintf(path, sizeof path, "%s/old.db", dir);
    write_old_chain(path);
    mc_audit *a = NULL;
    mc_audit_verify_result r;
    assert_int_equal(mc_audit_open_readonly(&a, path), MC_OK);
    assert_int_equal(mc_audit_verify(a, &r, chain_hash[2]), MC_OK);
    mc_audit_close(a);
    assert_int_equal(r.first_bad, 0);
    assert_int_equal(r.events, 3);
    assert_string_equal(r.head, chain_hash[2]);

    /* A new event links onto the old chain, and the whole chain verifies. */
    assert_int_equal(mc_audit_open(&a, path), MC_OK);
    mc_audit_event ev = {.actor = "carol", .host = "h", .tool_version = "0.1.0", .command = "c",
                         .kind = "run", .verdict = "completed", .details = "{\"x\": 1}"};
    assert_int_equal(mc_audit_append(a, &ev), MC_OK);
    assert_int_equal(ev.id, 4);
    assert_string_equal(ev.prev_hash, chain_hash[2]);
    assert_int_equal(mc_audit_verify(a, &r, NULL), MC_OK);
    mc_audit_close(a);
    assert_int_equal(r.first_bad, 0);
    assert_int_equal(r.events, 4);

    /* Editing the old event with the big number is still found. */
    assert_int_equal(sql(path, "DROP TRIGGER events_append_only_update;"
                               "UPDATE events SET details = '{\"e20\":100000000000000000001,\"n\":1}'"
                               " WHERE id = 2"),
                     SQLITE_OK);
    assert_int_equal(mc_audit_open_readonly(&a, path), MC_OK);
    assert_int_equal(mc_audit_verify(a, &r, NULL), MC_OK);
    mc_audit_close(a);
    assert_int_equal(r.first_bad, 2);
}

static int stored_details(void *arg, int n, char **vals, char **names)
{
    (void)n, (void)names;
    snprintf(arg, 256, "%s", vals[0]);
    return 0;
}

static void test_append_stores_canonical_details(void **state)
{
    (void)state;
    char path[300], got[256] = "";
    snprintf(path, sizeof path, "%s/details.db", dir);
    mc_audit *a = NULL;
    assert_int_equal(mc_audit_open(&a, path), MC_OK);
    mc_audit_event ev = {.actor = "a", .host = "h", .tool_version = "v", .command = "c", .kind = "run",
                         .verdict = "completed",
                         .details = "{ \"b\": 1, \"a\": [1.0, 1e-7, 1E21, \"\\u00e9\"], \"\\u00e9\": {} }"};
    assert_int_equal(mc_audit_append(a, &ev), MC_OK);
    mc_audit_close(a);
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "SELECT details FROM events", stored_details, got, NULL), SQLITE_OK);
    sqlite3_close(db);
    assert_string_equal(got, "{\"a\":[1,1e-7,1e+21,\"\xc3\xa9\"],\"b\":1,\"\xc3\xa9\":{}}");
}

/* Details that would not read back exactly are refused at append, so every
 * appended event verifies; stored details not in canonical form are altered. */
static void test_details_must_read_back(void **state)
{
    (void)state;
    char path[300];
    snprintf(path, sizeof path, "%s/readback.db", dir);
    mc_audit *a = NULL;
    assert_int_equal(mc_audit_open(&a, path), MC_OK);
    mc_audit_event ev = {.actor = "a", .host = "h", .tool_version = "v", .command = "c", .kind = "run",
                         .verdict = "completed", .details = "{\"big\": 123456789012345678, \"r\": 1e20}"};
    assert_int_equal(mc_audit_append(a, &ev), MC_EINPUT);
    ev.details = "[1]";
    assert_int_equal(mc_audit_append(a, &ev), MC_EINTERNAL);
    ev.details = "{\"r\": 1e20}";
    assert_int_equal(mc_audit_append(a, &ev), MC_OK);
    ev.details = NULL;
    assert_int_equal(mc_audit_append(a, &ev), MC_OK);
    mc_audit_close(a);
    mc_audit_verify_result r;
    assert_int_equal(mc_audit_open_readonly(&a, path), MC_OK);
    assert_int_equal(mc_audit_verify(a, &r, NULL), MC_OK);
    assert_int_equal(r.first_bad, 0);
    assert_int_equal(r.events, 2);
    mc_audit_close(a);
    assert_int_equal(sql(path, "DROP TRIGGER events_append_only_update;"
                               "UPDATE events SET details = '{ }' WHERE id = 2"),
                     SQLITE_OK);
    assert_int_equal(mc_audit_open_readonly(&a, path), MC_OK);
    assert_int_equal(mc_audit_verify(a, &r, NULL), MC_OK);
    mc_audit_close(a);
    assert_int_equal(r.first_bad, 2);
    assert_non_null(strstr(r.reason, "details are not the canonical JSON object"));
}

int main(void)
{
    snprintf(dir, sizeof dir, "%s/mc_audit_canon_XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(dir))
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_event_bytes_and_hash),
        cmocka_unit_test(test_old_chain_verifies),
        cmocka_unit_test(test_append_stores_canonical_details),
        cmocka_unit_test(test_details_must_read_back),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        return 1;
    return failed;
}
