/* The run directory's one reader (mc_run_dir.h) on hostile files: a missing
 * file is MC_ENOTFOUND, a directory or a FIFO is refused before anything is
 * read, a file over the input limit is refused, JSON that is malformed (named
 * at its line and column), holds duplicate keys or is not an object is
 * MC_EINPUT naming the file; the text and byte variants are bounded too. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "mc_error.h"
#include "mc_run_dir.h"

static char dir[256];

static void put(const char *name, const char *text, size_t len)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

static void refused(const char *name, int code, const char *message)
{
    json_t *j = NULL;
    assert_int_equal(mc_run_dir_read_json(&j, dir, name), code);
    assert_null(j);
    const mc_error *e = mc_error_last();
    if (!strstr(e->message, message) || !strstr(e->file[0] ? e->file : e->message, name))
        fail_msg("%s: '%s' (file '%s') does not say '%s' and name the file", name,
                 e->message, e->file, message);
}

static void test_read_json(void **state)
{
    (void)state;
    json_t *j = NULL;
    put(MC_RUN_FILE_METRICS, "{\"metrics\": {\"accuracy\": 0.9}}", 30);
    assert_int_equal(mc_run_dir_read_json(&j, dir, MC_RUN_FILE_METRICS), MC_OK);
    assert_true(json_is_object(json_object_get(j, "metrics")));
    json_decref(j);

    refused(MC_RUN_FILE_RECORD, MC_ENOTFOUND, "cannot open");
    put("dup.json", "{\"a\": 1, \"a\": 2}", 16);
    refused("dup.json", MC_EINPUT, "duplicate object key");
    put("array.json", "[1, 2]", 6);
    refused("array.json", MC_EINPUT, "not a JSON object");
    put("bad.json", "{\n  \"a\": }", 10);
    refused("bad.json", MC_EINPUT, "");
    assert_int_equal(mc_error_last()->line, 2);
    put("nul.json", "{\"a\": \"x\0\"}", 11);
    refused("nul.json", MC_EINPUT, "");

    char sub[512];
    snprintf(sub, sizeof sub, "%s/%s", dir, MC_RUN_FILE_SPEC);
    assert_int_equal(mkdir(sub, 0700), 0);
    refused(MC_RUN_FILE_SPEC, MC_EINPUT, "");
    snprintf(sub, sizeof sub, "%s/fifo.json", dir);
    assert_int_equal(mkfifo(sub, 0600), 0);
    refused("fifo.json", MC_EINPUT, ""); /* refused before it is opened for a read that hangs */

    /* The input limit bounds it too. */
    setenv("MODELCERT_MAX_INPUT_BYTES", "16", 1);
    refused(MC_RUN_FILE_METRICS, MC_EINPUT, "");
    unsetenv("MODELCERT_MAX_INPUT_BYTES");
}

static void test_read_text_and_bytes(void **state)
{
    (void)state;
    char *text = NULL;
    size_t len = 0;
    put(MC_RUN_FILE_HISTORY, "epoch,loss\n1,0.5\n", 17);
    assert_int_equal(mc_run_dir_read_text(&text, &len, dir, MC_RUN_FILE_HISTORY, 0), MC_OK);
    assert_int_equal(len, 17);
    free(text);
    text = NULL;
    assert_int_equal(mc_run_dir_read_text(&text, &len, dir, MC_RUN_FILE_HISTORY, 8), MC_EINPUT);
    assert_null(text);
    put(MC_RUN_FILE_MODEL, "MCM\0\1\2", 6);
    assert_int_equal(mc_run_dir_read_text(&text, &len, dir, MC_RUN_FILE_MODEL, 0), MC_EINPUT);
    assert_int_equal(mc_run_dir_read_bytes(&text, &len, dir, MC_RUN_FILE_MODEL, 0), MC_OK);
    assert_int_equal(len, 6);
    assert_memory_equal(text, "MCM\0\1\2", 6);
    free(text);
    text = NULL;
    assert_int_equal(mc_run_dir_read_bytes(&text, &len, dir, MC_RUN_FILE_ONNX, 0), MC_ENOTFOUND);
    assert_null(text);
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/mc-test-run-dir-XXXXXX");
    if (!mkdtemp(dir))
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_read_json),
        cmocka_unit_test(test_read_text_and_bytes),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        failed++;
    return failed;
}
