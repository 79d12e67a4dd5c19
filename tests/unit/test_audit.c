/* The audit trail: appends chain, triggers refuse edits, and verify finds an
 * edited field, a deleted, an inserted and a reordered event even when the
 * attacker drops the triggers and edits the file directly; 8 processes
 * appending 500 events each give 4000 events and an intact chain; a writer
 * killed with SIGKILL mid-append loses at most its uncommitted event; a verb's
 * append after the head it verified (mc_audit_record_after) verifies the chain
 * once, and again only when another writer moved the head (the events after it),
 * refusing a head that was removed or rewritten meanwhile; what a verb checks
 * (the head and its link) and what only verify finds (an old event edited). */
#include <setjmp.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "mc_audit.h"
#include "mc_error.h"

static char dir[256];

static void db_path(char *buf, size_t size, const char *name)
{
    snprintf(buf, size, "%s/%s", dir, name);
}

static void append_n(const char *path, int n, const char *who)
{
    mc_audit *a = NULL;
    assert_int_equal(mc_audit_open(&a, path), MC_OK);
    for (int i = 0; i < n; i++) {
        char details[96];
        snprintf(details, sizeof details, "{\"writer\": \"%s\", \"i\": %d}", who, i);
        mc_audit_event ev = {.actor = who, .host = "test", .tool_version = "t", .command = "test",
                             .kind = "run", .spec_digest = "s", .model_digest = NULL,
                             .verdict = "pass", .details = details};
        assert_int_equal(mc_audit_append(a, &ev), MC_OK);
    }
    mc_audit_close(a);
}

static mc_audit_verify_result verify(const char *path, const char *head)
{
    mc_audit *a = NULL;
    mc_audit_verify_result r;
    assert_int_equal(mc_audit_open_readonly(&a, path), MC_OK);
    assert_int_equal(mc_audit_verify(a, &r, head), MC_OK);
    mc_audit_close(a);
    return r;
}

/* Runs SQL directly on the file, as an attacker would. */
static int tamper(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
    sqlite3_close(db);
    return rc;
}

static void fresh(char *path, size_t size, const char *name, int events)
{
    db_path(path, size, name);
    append_n(path, events, "alice");
    mc_audit_verify_result r = verify(path, NULL);
    assert_int_equal(r.first_bad, 0);
    assert_int_equal(r.events, events);
}

static void test_append_chains_and_verifies(void **state)
{
    (void)state;
    char path[300];
    fresh(path, sizeof path, "chain.db", 10);
    mc_audit *a = NULL;
    json_t *events = NULL;
    assert_int_equal(mc_audit_open_readonly(&a, path), MC_OK);
    mc_audit_filter f = {0};
    assert_int_equal(mc_audit_query(a, &f, &events), MC_OK);
    assert_int_equal(json_array_size(events), 10);
    json_t *e1 = json_array_get(events, 0), *e2 = json_array_get(events, 1);
    assert_string_equal(json_string_value(json_object_get(e1, "prev_hash")),
                        "0000000000000000000000000000000000000000000000000000000000000000");
    assert_string_equal(json_string_value(json_object_get(e2, "prev_hash")),
                        json_string_value(json_object_get(e1, "hash")));
    assert_int_equal(json_integer_value(json_object_get(json_object_get(e2, "details"), "i")), 1);
    json_decref(events);
    /* filters bind their values: a quote is just a character */
    mc_audit_filter g = {.spec_digest = "s' OR '1'='1"};
    assert_int_equal(mc_audit_query(a, &g, &events), MC_OK);
    assert_int_equal(json_array_size(events), 0);
    json_decref(events);
    mc_audit_close(a);
}

static void test_triggers_refuse_update_and_delete(void **state)
{
    (void)state;
    char path[300];
    fresh(path, sizeof path, "triggers.db", 3);
    assert_int_not_equal(tamper(path, "UPDATE events SET verdict = 'fail' WHERE id = 2"), SQLITE_OK);
    assert_int_not_equal(tamper(path, "DELETE FROM events WHERE id = 2"), SQLITE_OK);
    assert_int_equal(verify(path, NULL).first_bad, 0);
}

static void test_detects_edited_field(void **state)
{
    (void)state;
    char path[300];
    fresh(path, sizeof path, "edit.db", 6);
    assert_int_equal(tamper(path, "DROP TRIGGER events_append_only_update;"
                                  "UPDATE events SET verdict = 'pass!' WHERE id = 4"),
                     SQLITE_OK);
    mc_audit_verify_result r = verify(path, NULL);
    assert_int_equal(r.first_bad, 4);
    assert_non_null(strstr(r.reason, "was altered"));
    /* details too */
    fresh(path, sizeof path, "edit2.db", 6);
    tamper(path, "DROP TRIGGER events_append_only_update;"
                 "UPDATE events SET details = '{\"writer\":\"mallory\"}' WHERE id = 2");
    assert_int_equal(verify(path, NULL).first_bad, 2);
}

static void test_detects_deleted_event(void **state)
{
    (void)state;
    char path[300];
    fresh(path, sizeof path, "delete.db", 6);
    assert_int_equal(tamper(path, "DROP TRIGGER events_append_only_delete;"
                                  "DELETE FROM events WHERE id = 3"),
                     SQLITE_OK);
    mc_audit_verify_result r = verify(path, NULL);
    assert_int_equal(r.first_bad, 4);
    assert_non_null(strstr(r.reason, "event 4 comes where event 3 should"));
    /* Renumbering to hide the gap breaks the link instead. */
    tamper(path, "DROP TRIGGER events_append_only_update;"
                 "UPDATE events SET id = id - 1 WHERE id > 3");
    r = verify(path, NULL);
    assert_int_equal(r.first_bad, 3);
}

static void test_detects_inserted_event(void **state)
{
    (void)state;
    char path[300];
    fresh(path, sizeof path, "insert.db", 5);
    /* Make room after event 2 and insert a forged event 3 that links to 2. */
    assert_int_equal(
        tamper(path, "DROP TRIGGER events_append_only_update;"
                     "UPDATE events SET id = id + 100 WHERE id > 2;"
                     "UPDATE events SET id = id - 99 WHERE id > 100;"
                     "INSERT INTO events(id, time, actor, host, tool_version, command, kind, verdict,"
                     " details, prev_hash, hash) SELECT 3, time, 'mallory', host, tool_version,"
                     " command, kind, 'pass', details, hash, 'f00d' FROM events WHERE id = 2;"),
        SQLITE_OK);
    mc_audit_verify_result r = verify(path, NULL);
    assert_int_equal(r.first_bad, 3);
}

static void test_detects_reordering(void **state)
{
    (void)state;
    char path[300];
    fresh(path, sizeof path, "reorder.db", 5);
    assert_int_equal(tamper(path, "DROP TRIGGER events_append_only_update;"
                                  "UPDATE events SET id = -2 WHERE id = 2;"
                                  "UPDATE events SET id = 2 WHERE id = 3;"
                                  "UPDATE events SET id = 3 WHERE id = -2;"),
                     SQLITE_OK);
    mc_audit_verify_result r = verify(path, NULL);
    assert_true(r.first_bad == 2 || r.first_bad == 3);
}

static void test_detects_truncation_with_anchor(void **state)
{
    (void)state;
    char path[300];
    fresh(path, sizeof path, "tail.db", 5);
    char head[65];
    snprintf(head, sizeof head, "%s", verify(path, NULL).head);
    tamper(path, "DROP TRIGGER events_append_only_delete; DELETE FROM events WHERE id = 5");
    assert_int_equal(verify(path, NULL).first_bad, 0); /* the chain alone cannot tell ... */
    mc_audit_verify_result r = verify(path, head);     /* ... the anchor can */
    assert_int_equal(r.first_bad, 5);
    assert_non_null(strstr(r.reason, "expected head"));
}

/* mc_audit_verify_anchored: the verified head with its time, and an event found in the same
 * pass (what a signed checkpoint signs and checks); an event past the end is not found, nor
 * one the chain broke at or before. */
static void test_verify_anchored(void **state)
{
    (void)state;
    char path[300];
    fresh(path, sizeof path, "anchored.db", 6);
    mc_audit *a = NULL;
    json_t *events = NULL;
    mc_audit_filter f = {0};
    assert_int_equal(mc_audit_open_readonly(&a, path), MC_OK);
    assert_int_equal(mc_audit_query(a, &f, &events), MC_OK);
    mc_audit_verify_result r;
    mc_audit_head head;
    mc_audit_anchor at = {.id = 4};
    assert_int_equal(mc_audit_verify_anchored(a, &r, NULL, &head, &at), MC_OK);
    json_t *e4 = json_array_get(events, 3), *e6 = json_array_get(events, 5);
    assert_int_equal(r.broken, 0);
    assert_int_equal(head.id, 6);
    assert_string_equal(head.hash, json_string_value(json_object_get(e6, "hash")));
    assert_string_equal(head.time, json_string_value(json_object_get(e6, "time")));
    assert_int_equal(at.found, 1);
    assert_int_equal(at.event.id, 4);
    assert_string_equal(at.event.hash, json_string_value(json_object_get(e4, "hash")));
    assert_string_equal(at.event.time, json_string_value(json_object_get(e4, "time")));
    mc_audit_anchor past = {.id = 7};
    assert_int_equal(mc_audit_verify_anchored(a, &r, NULL, NULL, &past), MC_OK);
    assert_int_equal(past.found, 0);
    mc_audit_close(a);
    json_decref(events);
    tamper(path, "DROP TRIGGER events_append_only_update; UPDATE events SET host = 'x' WHERE id = 4");
    assert_int_equal(mc_audit_open_readonly(&a, path), MC_OK);
    mc_audit_anchor broken = {.id = 4};
    assert_int_equal(mc_audit_verify_anchored(a, &r, NULL, &head, &broken), MC_OK);
    assert_int_equal(r.first_bad, 4);
    assert_int_equal(broken.found, 0);
    assert_int_equal(head.id, 3); /* the last event that verified */
    mc_audit_close(a);
}

static void test_concurrent_writers(void **state)
{
    (void)state;
    enum { WRITERS = 8, EACH = 500 };
    char path[300];
    db_path(path, sizeof path, "concurrent.db");
    append_n(path, 1, "setup"); /* create the schema once */
    pid_t pids[WRITERS];
    for (int w = 0; w < WRITERS; w++) {
        pids[w] = fork();
        assert_true(pids[w] >= 0);
        if (pids[w] == 0) {
            char who[24]; /* "writer" and any int */
            snprintf(who, sizeof who, "writer%d", w);
            mc_audit *a = NULL;
            if (mc_audit_open(&a, path) != MC_OK)
                _exit(2);
            for (int i = 0; i < EACH; i++) {
                mc_audit_event ev = {.actor = who, .host = "t", .tool_version = "t", .command = "c",
                                     .kind = "run", .verdict = "pass", .details = "{}"};
                if (mc_audit_append(a, &ev) != MC_OK)
                    _exit(3);
            }
            mc_audit_close(a);
            _exit(0);
        }
    }
    for (int w = 0; w < WRITERS; w++) {
        int st = 0;
        waitpid(pids[w], &st, 0);
        assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    }
    mc_audit_verify_result r = verify(path, NULL);
    assert_int_equal(r.first_bad, 0);
    assert_int_equal(r.events, 1 + WRITERS * EACH);
}

static void test_sigkill_mid_append(void **state)
{
    (void)state;
    char path[300];
    db_path(path, sizeof path, "killed.db");
    append_n(path, 1, "setup");
    srand(12345);
    long long before = 1;
    for (int round = 0; round < 12; round++) {
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            mc_audit *a = NULL;
            if (mc_audit_open(&a, path) != MC_OK)
                _exit(2);
            for (;;) {
                mc_audit_event ev = {.actor = "victim", .host = "t", .tool_version = "t",
                                     .command = "c", .kind = "run", .verdict = "pass", .details = "{}"};
                if (mc_audit_append(a, &ev) != MC_OK)
                    _exit(3);
            }
        }
        struct timespec ts = {0, 2000000 + (rand() % 20) * 1000000L}; /* 2 to 21 ms */
        nanosleep(&ts, NULL);
        kill(pid, SIGKILL);
        int st = 0;
        waitpid(pid, &st, 0);
        assert_true(WIFSIGNALED(st));
        mc_audit_verify_result r = verify(path, NULL);
        if (r.first_bad)
            fail_msg("round %d: chain broken at %lld: %s", round, r.first_bad, r.reason);
        assert_true(r.events >= before);
        before = r.events;
    }
    /* The database still takes appends after all those kills. */
    append_n(path, 3, "after");
    assert_int_equal(verify(path, NULL).first_bad, 0);
}

static long long record_after(const char *path, mc_audit_head *head, int *rc)
{
    long long id = 0;
    mc_audit_event ev = {.command = "test", .kind = "validate", .verdict = "pass"};
    json_t *details = json_pack("{s:s}", "who", "verb");
    assert_non_null(details);
    *rc = mc_audit_record_after(&id, path, head, &ev, details);
    json_decref(details);
    return id;
}

static void test_record_after(void **state)
{
    (void)state;
    char path[300];
    mc_audit_head head, before;
    int rc;
    /* A trail that does not exist yet: the genesis head, and appends after it. */
    db_path(path, sizeof path, "after.db");
    assert_int_equal(mc_audit_check_appendable_at(path, &head), MC_OK);
    assert_int_equal(head.id, 0);
    assert_int_equal(record_after(path, &head, &rc), 1);
    assert_int_equal(rc, MC_OK);
    assert_int_equal(head.id, 1);
    assert_int_equal(record_after(path, &head, &rc), 2);
    assert_int_equal(verify(path, NULL).first_bad, 0);
    assert_string_equal(verify(path, NULL).head, head.hash);

    /* Another writer appends between the verification and the append: the chain is
       verified again and the event goes after the new head. */
    assert_int_equal(mc_audit_check_appendable_at(path, &head), MC_OK);
    append_n(path, 3, "bob");
    assert_int_equal(record_after(path, &head, &rc), 6);
    assert_int_equal(rc, MC_OK);
    mc_audit_verify_result r = verify(path, NULL);
    assert_int_equal(r.first_bad, 0);
    assert_int_equal(r.events, 6);

    /* Verified once: with the head unmoved, the append does not scan the chain again, so
       an edit behind the head made meanwhile is left to `audit verify` to find... */
    fresh(path, sizeof path, "after-once.db", 4);
    assert_int_equal(mc_audit_check_appendable_at(path, &head), MC_OK);
    assert_int_equal(tamper(path, "DROP TRIGGER events_append_only_update;"
                                  "UPDATE events SET verdict = 'pass!' WHERE id = 2"),
                     SQLITE_OK);
    assert_int_equal(record_after(path, &head, &rc), 5);
    assert_int_equal(rc, MC_OK);
    assert_int_equal(verify(path, NULL).first_bad, 2);
    /* ...and so is one behind a head that moved: the events appended after the head
       verified are verified, not the chain behind it (docs/audit.md, "What a verb checks"). */
    fresh(path, sizeof path, "after-moved-behind.db", 4);
    assert_int_equal(mc_audit_check_appendable_at(path, &head), MC_OK);
    assert_int_equal(tamper(path, "DROP TRIGGER events_append_only_update;"
                                  "UPDATE events SET verdict = 'pass!' WHERE id = 2"),
                     SQLITE_OK);
    append_n(path, 1, "bob");
    assert_int_equal(record_after(path, &head, &rc), 6);
    assert_int_equal(rc, MC_OK);
    assert_int_equal(verify(path, NULL).first_bad, 2);
    /* A head that moved onto an event that does not hash: refused. */
    fresh(path, sizeof path, "after-broken.db", 4);
    assert_int_equal(mc_audit_check_appendable_at(path, &head), MC_OK);
    append_n(path, 2, "bob");
    assert_int_equal(tamper(path, "DROP TRIGGER events_append_only_update;"
                                  "UPDATE events SET verdict = 'pass!' WHERE id = 5"),
                     SQLITE_OK);
    assert_int_equal(record_after(path, &head, &rc), 0);
    assert_int_equal(rc, MC_EINPUT);
    assert_non_null(strstr(mc_error_last()->message, "the audit trail could not be written"));
    assert_non_null(strstr(mc_error_last()->message, "is broken at event 5"));
    assert_int_equal(head.id, 4);

    /* The verified head removed and replaced by another event 4 whose chain verifies: the
       head moved, and the event verified before the work is no longer there. */
    fresh(path, sizeof path, "after-rewrite.db", 4);
    assert_int_equal(mc_audit_check_appendable_at(path, &head), MC_OK);
    before = head;
    assert_int_equal(tamper(path, "DROP TRIGGER events_append_only_delete;"
                                  "DELETE FROM events WHERE id = 4"),
                     SQLITE_OK);
    append_n(path, 1, "mallory");
    assert_int_equal(verify(path, NULL).first_bad, 0);
    assert_int_equal(record_after(path, &head, &rc), 0);
    assert_int_equal(rc, MC_EINPUT);
    assert_non_null(strstr(mc_error_last()->message, "changed while the command ran: event 4"));
    assert_memory_equal(&head, &before, sizeof head);
}

/* What a verb checks before it appends, and what it leaves to `audit verify`: the head's
 * hash and its link are checked without reading the rest of the chain (an edit of an old
 * event, hash not recomputed, goes through a verb and is caught by verify), so the verb's
 * cost does not grow with the trail. */
static void test_verb_check_is_incremental(void **state)
{
    (void)state;
    char path[300];
    mc_audit_head head;
    /* The head edited: refused, naming it. */
    fresh(path, sizeof path, "verb-head.db", 10);
    assert_int_equal(tamper(path, "DROP TRIGGER events_append_only_update;"
                                  "UPDATE events SET verdict = 'fail' WHERE id = 10"),
                     SQLITE_OK);
    assert_int_equal(mc_audit_check_appendable_at(path, &head), MC_EINPUT);
    assert_non_null(strstr(mc_error_last()->message, "is broken at event 10 (event 10 was altered"));
    /* The head's link broken (its prev_hash not the hash of event 9): refused. */
    fresh(path, sizeof path, "verb-link.db", 10);
    assert_int_equal(tamper(path, "DROP TRIGGER events_append_only_update;"
                                  "UPDATE events SET prev_hash = (SELECT hash FROM events WHERE "
                                  "id = 8) WHERE id = 10"),
                     SQLITE_OK);
    assert_int_equal(mc_audit_check_appendable_at(path, &head), MC_EINPUT);
    assert_non_null(strstr(mc_error_last()->message, "event 10 does not link to the event before"));
    /* The event the head links to edited: refused (its hash is recomputed too). */
    fresh(path, sizeof path, "verb-prev.db", 10);
    assert_int_equal(tamper(path, "DROP TRIGGER events_append_only_update;"
                                  "UPDATE events SET actor = 'mallory' WHERE id = 9"),
                     SQLITE_OK);
    assert_int_equal(mc_audit_check_appendable_at(path, &head), MC_EINPUT);
    assert_non_null(strstr(mc_error_last()->message, "is broken at event 9"));
    /* A gap below the head (event 9 deleted): refused. */
    fresh(path, sizeof path, "verb-gap.db", 10);
    assert_int_equal(tamper(path, "DROP TRIGGER events_append_only_delete;"
                                  "DELETE FROM events WHERE id = 9"),
                     SQLITE_OK);
    assert_int_equal(mc_audit_check_appendable_at(path, &head), MC_EINPUT);
    assert_non_null(strstr(mc_error_last()->message, "event 10 comes where event 9 should"));
    /* The boundary: an old event edited without its hash recomputed is not read by the
       verb, which appends after the intact head; `audit verify` names it. */
    fresh(path, sizeof path, "verb-old.db", 10);
    assert_int_equal(tamper(path, "DROP TRIGGER events_append_only_update;"
                                  "UPDATE events SET verdict = 'forged' WHERE id BETWEEN 1 AND 8"),
                     SQLITE_OK);
    assert_int_equal(mc_audit_check_appendable_at(path, &head), MC_OK);
    assert_int_equal(head.id, 10);
    mc_audit_verify_result r = verify(path, NULL);
    assert_int_equal(r.first_bad, 1);
    assert_non_null(strstr(r.reason, "event 1 was altered"));
}

/* Ids a hostile editor of the file may write at the head: the verb's check works on them
 * without arithmetic overflow (the sanitizer build stops at one), refuses them as a broken
 * chain, and an append after LLONG_MAX is refused, never numbered by an overflow. At the
 * edge: a head at LLONG_MAX - 1 takes exactly one more event. */
static void test_head_id_extremes(void **state)
{
    (void)state;
    char path[300];
    mc_audit_head head;
    fresh(path, sizeof path, "id-min.db", 1);
    assert_int_equal(tamper(path, "DROP TRIGGER events_append_only_update;"
                                  "UPDATE events SET id = -9223372036854775808 WHERE id = 1"),
                     SQLITE_OK);
    assert_int_equal(mc_audit_check_appendable_at(path, &head), MC_EINPUT);
    assert_non_null(strstr(mc_error_last()->message,
                           "event -9223372036854775808 comes where event 1 should"));
    mc_audit *a = NULL;
    mc_audit_event ev = {.actor = "t", .host = "t", .tool_version = "t", .command = "t",
                         .kind = "run", .verdict = "pass", .details = "{}"};
    assert_int_equal(mc_audit_open(&a, path), MC_OK);
    assert_int_equal(mc_audit_append(a, &ev), MC_EINPUT);
    assert_non_null(strstr(mc_error_last()->message, "head has id -9223372036854775808: no event"));
    mc_audit_close(a);

    fresh(path, sizeof path, "id-max.db", 3);
    assert_int_equal(tamper(path, "DROP TRIGGER events_append_only_update;"
                                  "UPDATE events SET id = 9223372036854775807 WHERE id = 3"),
                     SQLITE_OK);
    assert_int_equal(mc_audit_check_appendable_at(path, &head), MC_EINPUT);
    assert_non_null(strstr(mc_error_last()->message, "event 9223372036854775807 comes where"));
    assert_int_equal(mc_audit_open(&a, path), MC_OK);
    assert_int_equal(mc_audit_append(a, &ev), MC_EINPUT);
    assert_non_null(strstr(mc_error_last()->message, "head has id 9223372036854775807: no event"));
    mc_audit_close(a);

    fresh(path, sizeof path, "id-max1.db", 3);
    assert_int_equal(tamper(path, "DROP TRIGGER events_append_only_update;"
                                  "UPDATE events SET id = 9223372036854775806 WHERE id = 3"),
                     SQLITE_OK);
    assert_int_equal(mc_audit_open(&a, path), MC_OK);
    assert_int_equal(mc_audit_append(a, &ev), MC_OK);
    assert_int_equal(ev.id, 9223372036854775807LL);
    assert_int_equal(mc_audit_append(a, &ev), MC_EINPUT);
    mc_audit_close(a);
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/mc-test-audit-XXXXXX");
    if (!mkdtemp(dir))
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_append_chains_and_verifies),
        cmocka_unit_test(test_triggers_refuse_update_and_delete),
        cmocka_unit_test(test_detects_edited_field),
        cmocka_unit_test(test_detects_deleted_event),
        cmocka_unit_test(test_detects_inserted_event),
        cmocka_unit_test(test_detects_reordering),
        cmocka_unit_test(test_detects_truncation_with_anchor),
        cmocka_unit_test(test_verify_anchored),
        cmocka_unit_test(test_concurrent_writers),
        cmocka_unit_test(test_sigkill_mid_append),
        cmocka_unit_test(test_record_after),
        cmocka_unit_test(test_verb_check_is_incremental),
        cmocka_unit_test(test_head_id_extremes),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        return 1;
    return failed;
}
