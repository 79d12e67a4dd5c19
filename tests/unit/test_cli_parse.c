/* The options every verb shares (cli/cli_util.c, mc_cli_parse): shared
 * options land in mc_cli_common, only those the verb takes are accepted,
 * --threads is range-checked, own options reach the verb's callback, unknown
 * options and missing values are usage errors, -h and --help print the help,
 * and parsing can start after a subcommand. The exit statuses are checked
 * (the messages are in the test's output). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cli.h"

typedef struct seen {
    const char *data;
    int json, calls;
} seen;

static int on_option(void *ctx, int code, const char *value)
{
    seen *s = ctx;
    s->calls++;
    if (code == 'd')
        s->data = value;
    else if (code == 'j')
        s->json = 1;
    else if (code == 'x')
        return mc_cli_usage_error("t", "bad x");
    return MC_EXIT_OK;
}

static const struct option own[] = {{"data", required_argument, NULL, 'd'},
                                    {"json", no_argument, NULL, 'j'},
                                    {"ex", no_argument, NULL, 'x'},
                                    {NULL, 0, NULL, 0}};

static int parse(unsigned common_flags, int first, mc_cli_common *common, seen *s, int *operand,
                 int argc, char **argv)
{
    mc_cli_verb v = {"t", "usage: t\n", common_flags, own, "jx", on_option, s, first};
    return mc_cli_parse(&v, argc, argv, common, operand);
}

static void test_shared_and_own(void **state)
{
    (void)state;
    mc_cli_common c;
    seen s = {0};
    int first = 0;
    char *argv[] = {"t", "-o", "out", "--threads", "4", "--audit", "a.db", "-q", "--data", "d.csv",
                    "-j", "spec.yaml", NULL};
    int argc = 12;
    assert_int_equal(parse(MC_CLI_OUTPUT | MC_CLI_THREADS | MC_CLI_AUDIT | MC_CLI_QUIET, 1, &c, &s,
                           &first, argc, argv),
                     MC_CLI_GO);
    assert_string_equal(c.output, "out");
    assert_int_equal(c.threads, 4);
    assert_string_equal(c.audit, "a.db");
    assert_int_equal(c.quiet, 1);
    assert_string_equal(s.data, "d.csv");
    assert_int_equal(s.json, 1);
    assert_int_equal(first, 11);
    assert_string_equal(argv[first], "spec.yaml");
}

static void test_errors(void **state)
{
    (void)state;
    mc_cli_common c;
    seen s = {0};
    int first = 0;
    unsigned all = MC_CLI_OUTPUT | MC_CLI_THREADS | MC_CLI_AUDIT | MC_CLI_QUIET;
    assert_int_equal(parse(all, 1, &c, &s, &first, 3, (char *[]){"t", "--threads", "0", NULL}),
                     MC_EXIT_USAGE);
    assert_int_equal(parse(all, 1, &c, &s, &first, 3, (char *[]){"t", "--threads", "1025", NULL}),
                     MC_EXIT_USAGE);
    assert_int_equal(parse(all, 1, &c, &s, &first, 3, (char *[]){"t", "--threads", "2x", NULL}),
                     MC_EXIT_USAGE);
    assert_int_equal(parse(all, 1, &c, &s, &first, 2, (char *[]){"t", "--frob", NULL}), MC_EXIT_USAGE);
    assert_int_equal(parse(all, 1, &c, &s, &first, 2, (char *[]){"t", "--data", NULL}), MC_EXIT_USAGE);
    assert_int_equal(parse(all, 1, &c, &s, &first, 2, (char *[]){"t", "-o", NULL}), MC_EXIT_USAGE);
    /* a shared option the verb does not take */
    assert_int_equal(parse(MC_CLI_THREADS, 1, &c, &s, &first, 2, (char *[]){"t", "-q", NULL}),
                     MC_EXIT_USAGE);
    assert_int_equal(parse(MC_CLI_THREADS, 1, &c, &s, &first, 3, (char *[]){"t", "--audit", "x", NULL}),
                     MC_EXIT_USAGE);
    /* the callback's own error, in the middle of a group of short options */
    assert_int_equal(parse(all, 1, &c, &s, &first, 3, (char *[]){"t", "-xj", "f", NULL}), MC_EXIT_USAGE);
    /* the next parse starts afresh */
    s.json = 0;
    assert_int_equal(parse(all, 1, &c, &s, &first, 3, (char *[]){"t", "-q", "f", NULL}), MC_CLI_GO);
    assert_int_equal(c.quiet, 1);
    assert_int_equal(s.json, 0);
    assert_int_equal(first, 2);
}

static void test_help_and_subcommand(void **state)
{
    (void)state;
    mc_cli_common c;
    seen s = {0};
    int first = 0;
    assert_int_equal(parse(0, 1, &c, &s, &first, 3, (char *[]){"t", "--frob", "--help", NULL}),
                     MC_EXIT_OK);
    assert_int_equal(parse(MC_CLI_QUIET, 1, &c, &s, &first, 2, (char *[]){"t", "-qh", NULL}), MC_EXIT_OK);
    assert_int_equal(parse(0, 1, &c, &s, &first, 2, (char *[]){"t", "-h", NULL}), MC_EXIT_OK);
    /* after "--", -h is an operand */
    assert_int_equal(parse(0, 1, &c, &s, &first, 3, (char *[]){"t", "--", "-h", NULL}), MC_CLI_GO);
    assert_int_equal(first, 2);
    /* options after a subcommand */
    assert_int_equal(parse(MC_CLI_AUDIT, 2, &c, &s, &first, 5,
                           (char *[]){"t", "show", "--audit", "a.db", "7", NULL}),
                     MC_CLI_GO);
    assert_string_equal(c.audit, "a.db");
    assert_int_equal(first, 4);
    assert_null(c.output);
    assert_int_equal(c.threads, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shared_and_own),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_help_and_subcommand),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
