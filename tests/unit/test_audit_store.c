/* The audit trail's storage interface on SQLite (PostgreSQL is exercised by
 * tests/e2e/audit_pg.sh against a real server): the head a checkpoint reads,
 * the backend a location selects, URIs shown without their passwords, writers
 * creating one new file at once, and migrate refusing a broken source or a non-empty
 * destination. */
#include <setjmp.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "mc_audit.h"
#include "mc_audit_store.h"
#include "mc_error.h"

static char dir[256];

static void append_n(const char *path, int n)
{
    mc_audit *a = NULL;
    assert_int_equal(mc_audit_open(&a, path), MC_OK);
    for (int i = 0; i < n; i++) {
        mc_audit_event ev = {.actor = "a", .host = "h", .tool_version = "t", .command = "c",
                             .kind = "run", .verdict = "pass", .details = "{\"i\":1}"};
        assert_int_equal(mc_audit_append(a, &ev), MC_OK);
    }
    mc_audit_close(a);
}

static void test_head(void **state)
{
    (void)state;
    char path[300];
    snprintf(path, sizeof path, "%s/head.db", dir);
    mc_audit *a = NULL;
    mc_audit_head h;
    assert_int_equal(mc_audit_open(&a, path), MC_OK);
    assert_int_equal(mc_audit_head_read(a, &h), MC_OK);
    assert_int_equal(h.id, 0);
    assert_string_equal(h.hash, MC_AUDIT_GENESIS);
    mc_audit_event ev = {.command = "c", .kind = "run", .verdict = "pass"};
    assert_int_equal(mc_audit_append(a, &ev), MC_OK);
    assert_int_equal(mc_audit_append(a, &ev), MC_OK);
    assert_int_equal(mc_audit_head_read(a, &h), MC_OK);
    assert_int_equal(h.id, 2);
    assert_string_equal(h.hash, ev.hash);
    assert_string_equal(h.time, ev.time);
    mc_audit_verify_result r;
    assert_int_equal(mc_audit_verify(a, &r, NULL), MC_OK);
    assert_string_equal(r.head, h.hash);
    mc_audit_close(a);
}

/* Writers that create the same new file at once: each sees the whole schema. */
static void test_concurrent_create(void **state)
{
    (void)state;
    char path[300];
    snprintf(path, sizeof path, "%s/new.db", dir);
    enum { WRITERS = 8 };
    pid_t pids[WRITERS];
    for (int w = 0; w < WRITERS; w++) {
        pids[w] = fork();
        assert_true(pids[w] >= 0);
        if (pids[w] == 0) {
            mc_audit *a = NULL;
            mc_audit_event ev = {.command = "c", .kind = "run", .verdict = "pass"};
            int rc = mc_audit_open(&a, path);
            if (rc == MC_OK)
                rc = mc_audit_append(a, &ev);
            if (rc != MC_OK) /* the reason, for whoever reads a failure */
                fprintf(stderr, "writer %d: %s\n", w, mc_error_last()->message);
            mc_audit_close(a);
            _exit(rc == MC_OK ? 0 : 1);
        }
    }
    for (int w = 0; w < WRITERS; w++) {
        int status = 0;
        assert_int_equal(waitpid(pids[w], &status, 0), pids[w]);
        assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    mc_audit_verify_result r;
    assert_int_equal(mc_audit_verify_file(&r, path, NULL), MC_OK);
    assert_int_equal(r.events, WRITERS);
    assert_int_equal(r.broken, 0);
}

static void test_backend_for_location(void **state)
{
    (void)state;
    assert_ptr_equal(mc_audit_store_for("postgresql://h/db"), &mc_audit_store_postgresql);
    assert_ptr_equal(mc_audit_store_for("postgres:///db?host=/run/pg"), &mc_audit_store_postgresql);
    assert_ptr_equal(mc_audit_store_for("audit.db"), &mc_audit_store_sqlite);
    assert_ptr_equal(mc_audit_store_for("postgresql:/x"), &mc_audit_store_sqlite);
    assert_ptr_equal(mc_audit_store_for("./postgresql://x"), &mc_audit_store_sqlite);
}

static void redacts(const char *in, const char *want)
{
    char *out = NULL;
    assert_int_equal(mc_audit_location_redact(&out, in), MC_OK);
    assert_string_equal(out, want);
    free(out);
}

static void test_redact(void **state)
{
    (void)state;
    redacts("postgresql://ci:s3cret@db.example:5432/audit", "postgresql://ci@db.example:5432/audit");
    redacts("postgres://ci:p%40ss:w@rd@h/audit?sslmode=require", "postgres://ci@h/audit?sslmode=require");
    redacts("postgresql://ci@h:5432/audit", "postgresql://ci@h:5432/audit");
    redacts("postgresql://h:5432/audit", "postgresql://h:5432/audit");
    redacts("postgresql:///audit?host=/run/pg&password=s3cret&user=ci", "postgresql:///audit?host=/run/pg&user=ci");
    redacts("postgresql:///audit?password=s3cret", "postgresql:///audit");
    redacts(".modelcert/audit.db", ".modelcert/audit.db");
    char *abs = NULL;
    assert_int_equal(mc_audit_path_absolute(&abs, "postgresql://u:pw@h/db"), MC_OK);
    assert_string_equal(abs, "postgresql://u@h/db");
    free(abs);
}

static void test_migrate_refuses(void **state)
{
    (void)state;
    char src[300], dst[300], broken[300];
    snprintf(src, sizeof src, "%s/src.db", dir);
    snprintf(dst, sizeof dst, "%s/dst.db", dir);
    snprintf(broken, sizeof broken, "%s/broken.db", dir);
    append_n(src, 5);
    append_n(broken, 5);
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(broken, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "DROP TRIGGER events_append_only_update;"
                                      "UPDATE events SET verdict = 'fail' WHERE id = 3", NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(db);
    mc_audit_verify_result r;
    assert_int_equal(mc_audit_migrate(&r, broken, dst), MC_EINPUT);
    assert_non_null(strstr(mc_error_last()->message, "broken at event 3"));
    assert_int_equal(mc_audit_migrate(&r, src, dst), MC_OK);
    assert_int_equal(r.events, 5);
    assert_int_equal(r.broken, 0);
    mc_audit_verify_result again;
    assert_int_equal(mc_audit_verify_file(&again, src, r.head), MC_OK);
    assert_int_equal(again.broken, 0);
    assert_int_equal(mc_audit_migrate(&r, src, dst), MC_EINPUT);
    assert_non_null(strstr(mc_error_last()->message, "already holds events"));
}

int main(void)
{
    snprintf(dir, sizeof dir, "%s/mc-audit-store-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(dir))
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_head),
        cmocka_unit_test(test_concurrent_create),
        cmocka_unit_test(test_backend_for_location),
        cmocka_unit_test(test_redact),
        cmocka_unit_test(test_migrate_refuses),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        failed++;
    return failed;
}
