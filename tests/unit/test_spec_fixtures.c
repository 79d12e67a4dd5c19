/* Every spec in tests/fixtures/bad must be rejected with the diagnostics its
 * header announces, and every spec in examples/ and tests/fixtures/good must
 * be accepted. A bad fixture starts with lines of the form
 *     # expect: LINE: TEXT
 * (LINE 0 when the problem has no single place); each must match one error
 * at that line whose message contains TEXT. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mc_file.h"
#include "mc_spec.h"

#define MAX_FIXTURES 512

typedef struct fixture {
    char path[1024];
    int bad;
} fixture;

static fixture fixtures[MAX_FIXTURES];
static size_t n_fixtures;

static int has_suffix(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

static int cmp_fixture(const void *a, const void *b)
{
    return strcmp(((const fixture *)a)->path, ((const fixture *)b)->path);
}

static void collect(const char *dir, int bad, int recurse)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && n_fixtures < MAX_FIXTURES) {
        if (e->d_name[0] == '.')
            continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (has_suffix(e->d_name, ".yaml")) {
            snprintf(fixtures[n_fixtures].path, sizeof fixtures[n_fixtures].path, "%s", path);
            fixtures[n_fixtures++].bad = bad;
        } else if (recurse && !strchr(e->d_name, '.')) {
            collect(path, bad, 0);
        }
    }
    closedir(d);
}

typedef struct expectation {
    int line;
    char text[512];
} expectation;

static size_t read_expectations(const char *text, expectation *out, size_t max)
{
    size_t n = 0;
    const char *p = text;
    while ((p = strstr(p, "# expect: ")) != NULL && n < max) {
        p += strlen("# expect: ");
        char *end;
        out[n].line = (int)strtol(p, &end, 10);
        if (*end != ':')
            fail_msg("malformed expectation near '%.40s'", p);
        end++;
        while (*end == ' ')
            end++;
        size_t len = strcspn(end, "\n");
        if (len >= sizeof out[n].text)
            len = sizeof out[n].text - 1;
        memcpy(out[n].text, end, len);
        out[n].text[len] = '\0';
        n++;
        p = end + len;
    }
    return n;
}

static void dump(const mc_diags *diags)
{
    for (size_t i = 0; i < mc_diags_count(diags); i++) {
        const mc_diag *d = mc_diags_get(diags, i);
        print_message("  got %d:%d: %s\n", d->line, d->col, d->message);
    }
}

static void test_fixture(void **state)
{
    const fixture *fx = *state;
    mc_diags *diags = NULL;
    mc_spec *spec = NULL;
    assert_int_equal(mc_diags_create(&diags), MC_OK);
    int rc = mc_spec_load(&spec, diags, fx->path);
    if (!fx->bad) {
        if (rc != MC_OK)
            dump(diags);
        assert_int_equal(rc, MC_OK);
        assert_non_null(spec);
    } else {
        char *text = NULL;
        size_t len = 0;
        expectation exp[16];
        assert_int_equal(mc_file_read_all(&text, &len, fx->path, 1 << 22), MC_OK);
        size_t n = read_expectations(text, exp, 16);
        free(text);
        if (n == 0)
            fail_msg("%s has no '# expect:' line", fx->path);
        assert_int_equal(rc, MC_EINPUT);
        assert_null(spec);
        for (size_t k = 0; k < n; k++) {
            int found = 0;
            for (size_t i = 0; i < mc_diags_count(diags) && !found; i++) {
                const mc_diag *d = mc_diags_get(diags, i);
                found = d->severity == MC_SEV_ERROR && d->line == exp[k].line &&
                        strstr(d->message, exp[k].text) != NULL;
            }
            if (!found) {
                dump(diags);
                fail_msg("%s: no error at line %d containing '%s'", fx->path, exp[k].line,
                         exp[k].text);
            }
        }
    }
    mc_spec_free(spec);
    mc_diags_free(diags);
}

int main(void)
{
    collect(MC_SOURCE_DIR "/tests/fixtures/bad", 1, 0);
    collect(MC_SOURCE_DIR "/tests/fixtures/good", 0, 0);
    collect(MC_SOURCE_DIR "/examples", 0, 1);
    qsort(fixtures, n_fixtures, sizeof *fixtures, cmp_fixture);
    size_t n_bad = 0;
    for (size_t i = 0; i < n_fixtures; i++)
        n_bad += fixtures[i].bad;
    /* The corpus itself is part of the contract: it must not shrink unnoticed. */
    if (n_bad < 40) {
        fprintf(stderr, "only %zu bad fixtures; the corpus must have at least 40\n", n_bad);
        return 1;
    }
    struct CMUnitTest *tests = calloc(n_fixtures, sizeof *tests);
    for (size_t i = 0; i < n_fixtures; i++) {
        tests[i].name = fixtures[i].path + strlen(MC_SOURCE_DIR) + 1;
        tests[i].test_func = test_fixture;
        tests[i].initial_state = &fixtures[i];
    }
    int failed = _cmocka_run_group_tests("spec_fixtures", tests, n_fixtures, NULL, NULL);
    free(tests);
    return failed;
}
