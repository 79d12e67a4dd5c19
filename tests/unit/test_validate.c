/* The validate and reproduce verbs as library calls, and the audit helpers
 * they use: mc_validate on the seed example writes the run directory and
 * validation.json and records an event; an existing output directory and a
 * bad baseline are errors with no outcome; a failed audit append still hands
 * the outcome back; mc_reproduce reproduces the run; the audit database
 * path, the quoted command line (database URIs without their passwords),
 * recording, listing and verifying. */
#include <setjmp.h>
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
#include "mc_file.h"
#include "mc_run_dir.h"
#include "mc_reproduce.h"
#include "mc_validate.h"
#include "mc_verb_audit.h"

static char dir[256];

static char *path_in(const char *name)
{
    char *p = mc_path_join(dir, name);
    assert_non_null(p);
    return p;
}

static int copy_example(const char *name)
{
    char src[512], *text = NULL, *dst = mc_path_join(dir, name);
    size_t len = 0;
    snprintf(src, sizeof src, "%s/examples/seed/%s", MC_SOURCE_DIR, name);
    int rc = dst ? mc_file_read_all(&text, &len, src, (size_t)1 << 26) : MC_ENOMEM;
    if (rc == MC_OK)
        rc = mc_file_write_atomic(dst, text, len);
    free(text);
    free(dst);
    return rc;
}

/* The seed example's spec and data in the test directory: runs go there, not into the source tree. */
static int setup(void **state)
{
    (void)state;
    unsetenv("MODELCERT_AUDIT");
    return copy_example("modelcert.yaml") || copy_example("data.csv");
}

static mc_spec *load_seed(void)
{
    mc_spec *spec = NULL;
    mc_diags *diags = NULL;
    char *path = path_in("modelcert.yaml");
    assert_int_equal(mc_diags_create(&diags), MC_OK);
    assert_int_equal(mc_spec_load(&spec, diags, path), MC_OK);
    mc_diags_free(diags);
    free(path);
    return spec;
}

/* One rule for every verb: --audit, $MODELCERT_AUDIT, the nearest .modelcert/ from the
 * current directory upward, else .modelcert/audit.db here. */
static void test_audit_path(void **state)
{
    (void)state;
    char *p = NULL, *here = getcwd(NULL, 0), *real = NULL, *top = NULL, *sub = NULL, *want = NULL;
    assert_non_null(here);
    assert_int_equal(chdir(dir), 0);
    assert_non_null(real = getcwd(NULL, 0)); /* dir with symbolic links resolved */
    top = mc_path_join(real, "proj");
    sub = mc_path_join(top, "a/b");
    want = mc_path_join(top, ".modelcert/audit.db");
    assert_int_equal(mc_dir_create_all(sub), MC_OK);
    unsetenv("MODELCERT_AUDIT");
    /* none anywhere above (unless the machine has one above /tmp): made here */
    assert_int_equal(chdir(sub), 0);
    assert_int_equal(mc_audit_path(&p, NULL), MC_OK);
    assert_string_equal(p, ".modelcert/audit.db");
    free(p);
    /* the nearest one upward, absolute */
    assert_int_equal(mc_dir_create_all(want), MC_OK); /* a directory named audit.db: only .modelcert/ counts */
    assert_int_equal(mc_audit_path(&p, NULL), MC_OK);
    assert_string_equal(p, want);
    free(p);
    assert_int_equal(mc_audit_path_absolute(&p, "x/y/t.db"), MC_OK); /* missing directories */
    char *wx = mc_path_join(sub, "x/y/t.db");
    assert_string_equal(p, wx);
    free(p), free(wx);
    /* in the current directory: relative */
    assert_int_equal(chdir(top), 0);
    assert_int_equal(mc_audit_path(&p, NULL), MC_OK);
    assert_string_equal(p, ".modelcert/audit.db");
    free(p);
    assert_int_equal(mc_audit_path_absolute(&p, ".modelcert/audit.db"), MC_OK);
    assert_string_equal(p, want);
    free(p);
    /* a nearer one wins */
    char *nearer = mc_path_join(sub, ".modelcert");
    assert_int_equal(mc_dir_create_all(nearer), MC_OK);
    assert_int_equal(chdir(sub), 0);
    assert_int_equal(mc_audit_path(&p, NULL), MC_OK);
    assert_string_equal(p, ".modelcert/audit.db");
    free(p);
    assert_int_equal(chdir(here), 0);
    /* the environment, then the flag */
    setenv("MODELCERT_AUDIT", "/env.db", 1);
    assert_int_equal(mc_audit_path(&p, NULL), MC_OK);
    assert_string_equal(p, "/env.db");
    free(p);
    assert_int_equal(mc_audit_path(&p, "flag.db"), MC_OK);
    assert_string_equal(p, "flag.db");
    free(p);
    unsetenv("MODELCERT_AUDIT");
    free(here), free(real), free(top), free(sub), free(want), free(nearer);
}

static void test_command_line(void **state)
{
    (void)state;
    char *argv[] = {"modelcert", "validate", "my spec.yaml", "", "it's", "a$b", "-o", "r1", NULL};
    char *line = NULL;
    assert_int_equal(mc_verb_command_line(&line, 8, argv), MC_OK);
    assert_string_equal(line, "modelcert validate 'my spec.yaml' '' 'it'\\''s' 'a$b' -o r1");
    free(line);
    assert_int_equal(mc_verb_command_line(&line, 0, argv), MC_OK);
    assert_string_equal(line, "");
    free(line);
}

static void test_command_line_redacts_uris(void **state)
{
    (void)state;
    char *line = NULL;
    char *argv[] = {"modelcert", "validate", "s.yaml", "--audit", "postgresql://ci:pw@h/db",
                    "--audit=postgres://ci:pw@h/db?password=x&a=b", "x y"};
    assert_int_equal(mc_verb_command_line(&line, 7, argv), MC_OK);
    assert_string_equal(line, "modelcert validate s.yaml --audit postgresql://ci@h/db "
                              "'--audit=postgres://ci@h/db?a=b' 'x y'");
    free(line);
}

static void test_record_list_verify(void **state)
{
    (void)state;
    char *db = path_in("trail/record.db");
    mc_audit_event ev = {.command = "modelcert x", .kind = "validate", .spec_digest = "s",
                         .verdict = "pass"};
    json_t *details = json_pack("{s:s, s:i}", "run_dir", "r", "n", 2);
    long long id = 0;
    assert_int_equal(mc_audit_record(&id, db, &ev, details), MC_OK);
    assert_int_equal(id, 1);
    assert_int_equal(mc_audit_record(&id, db, &ev, NULL), MC_OK);
    assert_int_equal(id, 2);
    json_decref(details);

    mc_audit_verify_result r;
    assert_int_equal(mc_audit_verify_file(&r, db, NULL), MC_OK);
    assert_int_equal(r.first_bad, 0);
    assert_int_equal(r.events, 2);

    json_t *events = NULL;
    mc_audit_filter all = {0}, one = {.id = 1}, none = {.id = 9};
    assert_int_equal(mc_audit_list(&events, db, &all), MC_OK);
    assert_int_equal(json_array_size(events), 2);
    const json_t *first = json_array_get(events, 0);
    assert_string_equal(json_string_value(json_object_get(first, "tool_version")), MC_VERSION_TEST);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(first, "details"), "n")), 2);
    json_decref(events);
    assert_int_equal(mc_audit_list(&events, db, &one), MC_OK);
    assert_int_equal(json_array_size(events), 1);
    json_decref(events);
    assert_int_equal(mc_audit_list(&events, db, &none), MC_ENOTFOUND);
    assert_string_equal(mc_error_last()->message, "no audit event 9");

    char *missing = path_in("none.db");
    assert_int_equal(mc_audit_verify_file(&r, missing, NULL), MC_ENOTFOUND);
    assert_int_equal(mc_audit_list(&events, missing, &all), MC_ENOTFOUND);
    /* a file in the way of the database's directory */
    char *blocked = path_in("modelcert.yaml/x.db");
    assert_int_not_equal(mc_audit_record(&id, blocked, &ev, NULL), MC_OK);
    assert_non_null(strstr(mc_error_last()->message, "the audit trail could not be written: "));
    free(db);
    free(missing);
    free(blocked);
}

static void test_run_dir(void **state)
{
    (void)state;
    mc_spec *spec = load_seed();
    char *out = NULL, *existing = path_in("modelcert.yaml");
    assert_int_equal(mc_run_dir_choose(&out, existing, spec), MC_EINPUT);
    assert_non_null(strstr(mc_error_last()->message, "exists; choose another output directory with -o"));
    assert_null(out);
    assert_int_equal(mc_run_dir_choose(&out, NULL, spec), MC_OK);
    assert_non_null(strstr(out, "/runs/seed-binary-mlp-"));
    assert_int_equal(strcmp(out + strlen(out) - 1, "Z"), 0);
    free(out);
    free(existing);
    mc_spec_free(spec);
}

static void test_validate_and_reproduce(void **state)
{
    (void)state;
    mc_spec *spec = load_seed();
    char *run = path_in("run1"), *db = path_in("v.db"), *bad = path_in("afile/x.db");
    mc_outcome *o = NULL;
    mc_validate_options vo = {.spec = spec, .output_dir = run, .audit_path = db,
                              .command_line = "modelcert validate seed"};
    assert_int_equal(mc_validate(&o, &vo), MC_OK);
    assert_non_null(o);
    assert_int_equal(o->verdict, MC_VERDICT_PASS);
    assert_int_equal(o->counts[MC_STATUS_PASS], mc_validation_count(o->validation));
    assert_int_equal(o->counts[MC_STATUS_FAIL], 0);
    assert_string_equal(o->run_dir, run);
    assert_true(mc_file_exists(o->validation_path));
    assert_string_equal(o->audit_path, db);
    assert_int_equal(o->audit_event, 1);
    mc_outcome_free(o);

    /* the directory now exists: an error, no outcome, no event */
    mc_outcome dummy;
    o = &dummy;
    assert_int_equal(mc_validate(&o, &vo), MC_EINPUT);
    assert_null(o);
    /* a bad baseline: the same */
    char *run2 = path_in("run2");
    vo.output_dir = run2;
    vo.baseline = "/nonexistent/run";
    assert_int_equal(mc_validate(&o, &vo), MC_EINPUT);
    assert_null(o);
    assert_false(mc_file_exists(run2));
    /* no audit */
    vo.baseline = NULL;
    vo.no_audit = 1;
    assert_int_equal(mc_validate(&o, &vo), MC_OK);
    assert_int_equal(o->audit_event, 0);
    assert_null(o->audit_path);
    mc_outcome_free(o);
    /* the audit append fails: the error, and the outcome all the same */
    char *afile = path_in("afile"), *run3 = path_in("run3");
    assert_int_equal(mc_file_write_atomic(afile, "x", 1), MC_OK);
    vo.no_audit = 0;
    vo.output_dir = run3;
    vo.audit_path = bad;
    assert_int_not_equal(mc_validate(&o, &vo), MC_OK);
    assert_non_null(strstr(mc_error_last()->message, "the audit trail could not be written"));
    assert_non_null(o);
    assert_int_equal(o->verdict, MC_VERDICT_PASS);
    assert_int_equal(o->audit_event, 0);
    assert_true(mc_file_exists(o->validation_path));
    mc_outcome_free(o);

    /* reproduce the first run */
    mc_reproduce_options ro = {.run_dir = run, .audit_path = db, .command_line = "modelcert reproduce"};
    assert_int_equal(mc_reproduce(&o, &ro), MC_OK);
    assert_int_equal(o->verdict, MC_VERDICT_PASS);
    assert_int_equal(o->audit_event, 2);
    assert_null(o->validation_path);
    mc_outcome_free(o);
    ro.run_dir = dir; /* not a run directory */
    assert_int_equal(mc_reproduce(&o, &ro), MC_EINPUT);
    assert_null(o);

    mc_audit_verify_result r;
    assert_int_equal(mc_audit_verify_file(&r, db, NULL), MC_OK);
    assert_int_equal(r.first_bad, 0);
    assert_int_equal(r.events, 2);
    free(run), free(run2), free(run3), free(db), free(bad), free(afile);
    mc_spec_free(spec);
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/mc-test-validate-XXXXXX");
    if (!mkdtemp(dir))
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_audit_path),
        cmocka_unit_test(test_command_line),
        cmocka_unit_test(test_command_line_redacts_uris),
        cmocka_unit_test(test_record_list_verify),
        cmocka_unit_test(test_run_dir),
        cmocka_unit_test(test_validate_and_reproduce),
    };
    int failed = cmocka_run_group_tests(tests, setup, NULL);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        return 1;
    return failed;
}
