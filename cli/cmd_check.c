/* The `check` verb: load and check specs without running anything, each
 * against the head of its data file unless --no-data (verbs/mc_check.c); the
 * diagnostics on stderr, an ok line, the digest or the normalised spec on
 * stdout, or all of it as JSON.
 *
 *   modelcert check SPEC... [--json] [--digest] [--print-normalized] [--no-data] [-q] */
#include <stdio.h>

#include "cli.h"
#include "mc_check.h"
#include "mc_report_check.h"
#include "mc_spec.h"

static const char help[] =
    "usage: modelcert check [options] SPEC...\n"
    "\n"
    "Check pipeline specs (use - for stdin). Every problem is reported as\n"
    "file:line:col, all of them, not just the first.\n"
    "\n"
    "When the spec's data file can be read, check also reads its header and the\n"
    "column types of its first 1000 rows, and reports what validate would refuse:\n"
    "columns the spec names that are not in the header (with the closest name),\n"
    "steps naming a column an earlier step dropped or replaced (which one), text\n"
    "columns reaching the model, a target whose classes do not fit the task, a\n"
    "bounded output activation (sigmoid, tanh) on a target outside its range, and\n"
    "warns of a slice column that is also a model feature (docs/spec.md).\n"
    "\n"
    "options:\n"
    "  --json               one JSON document on stdout: diagnostics and digests\n"
    "  --digest             print '<sha256>  <spec>' for each valid spec\n"
    "  --print-normalized   print the spec with every default filled in, as JSON\n"
    "                       (exactly what the digest covers; one spec only)\n"
    "  --no-data            check the spec alone; do not read its data\n"
    "  -q, --quiet          no output for valid specs\n"
    "  --allow-path DIR     also allow the spec to name files under DIR\n"
    "                       (repeatable; or MODELCERT_ALLOW_PATHS, colon-separated);\n"
    "                       by default only its project root\n"
    "  --allow-env NAME     also allow the spec to name variable NAME\n"
    "                       (repeatable); by default only MODELCERT_* names\n"
    "  -h, --help           this help\n"
    "\n"
    "exit status: 0 all specs valid, 2 a spec is invalid or usage is wrong,\n"
    "3 internal or environment error.\n";

typedef struct opts {
    int json, digest, normalized, no_data;
} opts;

static int on_option(void *ctx, int code, const char *value)
{
    opts *o = ctx;
    (void)value;
    if (code == 'j')
        o->json = 1;
    else if (code == 'd')
        o->digest = 1;
    else if (code == 'D')
        o->no_data = 1;
    else /* 'n' */
        o->normalized = 1;
    return MC_EXIT_OK;
}

/* Prints the results as the options ask; returns an exit status. */
static int report(const opts *o, const mc_cli_common *common, const mc_check_result *r, size_t n)
{
    int status = MC_EXIT_OK;
    for (size_t i = 0; i < n; i++)
        if (!r[i].digest)
            status = MC_EXIT_USAGE;
    if (o->json)
        return mc_report_check_print_json(stdout, r, n) == MC_OK ? status : mc_cli_fail();
    if (o->normalized) {
        mc_report_diags_text(stderr, r[0].diags);
        if (r[0].spec && mc_report_spec_normalized(stdout, r[0].spec) != MC_OK)
            return mc_cli_fail();
        return status;
    }
    mc_report_check_text(stdout, stderr, r, n, o->digest, common->quiet);
    return status;
}

int mc_cmd_check(int argc, char **argv)
{
    static const struct option own[] = {{"json", no_argument, NULL, 'j'},
                                        {"digest", no_argument, NULL, 'd'},
                                        {"print-normalized", no_argument, NULL, 'n'},
                                        {"no-data", no_argument, NULL, 'D'},
                                        {NULL, 0, NULL, 0}};
    opts o = {0};
    mc_cli_verb verb = {"check", help, MC_CLI_QUIET | MC_CLI_CONFINE, own, NULL, on_option, &o, 1};
    mc_cli_common common;
    int first, status = mc_cli_parse(&verb, argc, argv, &common, &first);
    if (status != MC_CLI_GO)
        return status;
    size_t n = (size_t)(argc - first);
    if (n < 1)
        return mc_cli_usage_error("check", "no spec given");
    if (o.normalized && (n != 1 || o.json || o.digest))
        return mc_cli_usage_error("check", "--print-normalized takes exactly one spec and no "
                                  "--json or --digest");
    mc_check_result *results = NULL;
    mc_confinement confine;
    mc_cli_confinement(&confine, &common);
    mc_check_options co = {&confine, o.no_data};
    if (mc_check_specs(&results, (const char *const *)argv + first, n, &co) != MC_OK)
        return mc_cli_fail();
    status = report(&o, &common, results, n);
    mc_check_results_free(results, n);
    return status;
}
