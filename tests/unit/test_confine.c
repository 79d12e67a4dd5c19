#define _DEFAULT_SOURCE /* realpath */
/* Confinement of untrusted specs, unit by unit: path resolution inside a root
 * (absolute paths, .. escapes, symlinks out, paths that do not exist yet,
 * --allow-path), the project root rule, and the terminal-safe rendering of data
 * values (control bytes, C1, malformed UTF-8, the length limit). */
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

#include "mc_spec.h"
#include "mc_str.h"

static char root[256], outside[256];

static int setup(void **state)
{
    (void)state;
    char base[200];
    snprintf(base, sizeof base, "%s/mc_confine_XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(base))
        return -1;
    snprintf(root, sizeof root, "%s/proj", base);
    snprintf(outside, sizeof outside, "%s/secret", base);
    char p[400];
    mkdir(root, 0755);
    mkdir(outside, 0755);
    snprintf(p, sizeof p, "%s/data", root);
    mkdir(p, 0755);
    snprintf(p, sizeof p, "%s/data/in.csv", root);
    fclose(fopen(p, "w"));
    snprintf(p, sizeof p, "%s/passwd", outside);
    fclose(fopen(p, "w"));
    snprintf(p, sizeof p, "%s/data/link.csv", root);
    char target[300];
    snprintf(target, sizeof target, "%s/passwd", outside);
    if (symlink(target, p) != 0)
        return -1;
    snprintf(p, sizeof p, "%s/.git", root);
    mkdir(p, 0755);
    return 0;
}

static int inside(const char *path, const mc_confinement *allow)
{
    int in = -1;
    char *resolved = NULL;
    assert_int_equal(mc_confine_path(&in, &resolved, root, path, root, allow), 0);
    free(resolved);
    return in;
}

static void test_paths(void **state)
{
    (void)state;
    char abs_out[300];
    snprintf(abs_out, sizeof abs_out, "%s/passwd", outside);
    assert_int_equal(inside("data/in.csv", NULL), 1);
    assert_int_equal(inside("./data/../data/in.csv", NULL), 1);
    assert_int_equal(inside("data/not-yet/file.csv", NULL), 1);
    assert_int_equal(inside(abs_out, NULL), 0);
    assert_int_equal(inside("../secret/passwd", NULL), 0);
    assert_int_equal(inside("data/link.csv", NULL), 0);           /* a symlink out */
    assert_int_equal(inside("data/missing/../../../secret/x", NULL), 0); /* an escape through a missing dir */
    const char *dirs[] = {outside};
    mc_confinement allow = {dirs, 1, NULL, 0, NULL};
    assert_int_equal(inside(abs_out, &allow), 1);
    assert_int_equal(inside("data/link.csv", &allow), 1);
}

static void test_project_root(void **state)
{
    (void)state;
    char sub[300], *r = NULL;
    snprintf(sub, sizeof sub, "%s/data", root);
    assert_int_equal(mc_spec_project_root(&r, sub), 0);
    char *want = realpath(root, NULL);
    assert_non_null(want);
    assert_string_equal(r, want); /* the nearest directory above with .git */
    free(r);
    free(want);
}

static void test_printable(void **state)
{
    (void)state;
    char out[MC_STR_QUOTE_MAX * 4 + 16];
    assert_string_equal(mc_str_printable(out, sizeof out, "plain", 64), "plain");
    assert_string_equal(mc_str_printable(out, sizeof out, "\x1b[31mred", 64), "\\x1b[31mred");
    assert_string_equal(mc_str_printable(out, sizeof out, "a\tb\nc\x7f", 64), "a\\x09b\\x0ac\\x7f");
    assert_string_equal(mc_str_printable(out, sizeof out, "\xc2\x9b" "2J", 64), "\\xc2\\x9b2J"); /* C1 CSI */
    assert_string_equal(mc_str_printable(out, sizeof out, "caf\xc3\xa9", 64), "caf\xc3\xa9");
    assert_string_equal(mc_str_printable(out, sizeof out, "\xff\xfe", 64), "\\xff\\xfe");
    assert_string_equal(mc_str_printable(out, sizeof out, "abcdefgh", 4), "abcd\xe2\x80\xa6");
    assert_string_equal(mc_str_printable(out, sizeof out, NULL, 4), "");
    assert_null(strchr(mc_str_printable(out, sizeof out, "\x1b\x1b\x1b", 64), '\x1b'));
}

/* Removes what setup made (a fixed set of entries). */
static int teardown(void **state)
{
    (void)state;
    static const char *const files[] = {"data/in.csv", "data/link.csv"};
    char p[400];
    for (size_t i = 0; i < 2; i++) {
        snprintf(p, sizeof p, "%s/%s", root, files[i]);
        unlink(p);
    }
    snprintf(p, sizeof p, "%s/data", root), rmdir(p);
    snprintf(p, sizeof p, "%s/.git", root), rmdir(p);
    rmdir(root);
    snprintf(p, sizeof p, "%s/passwd", outside), unlink(p);
    rmdir(outside);
    char *base = strrchr(root, '/');
    if (base)
        *base = '\0', rmdir(root);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_paths),
        cmocka_unit_test(test_project_root),
        cmocka_unit_test(test_printable),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
