/* The `report` verb: a validated run directory rendered in one format
 * (reports/mc_report.h), to a file or stdout, and to GitHub's job summary
 * when asked.
 *
 *   modelcert report VALIDATION.json [--format F] [-o FILE] [--audit DB] [--github-summary] */
#include <string.h>

#include "cli.h"
#include "mc_error.h"
#include "mc_report.h"

static const char help[] =
    "usage: modelcert report [options] VALIDATION.json\n"
    "\n"
    "Renders a validation again from its run directory (validation.json and the\n"
    "run's files beside it), in the form its readers use (docs/reports.md):\n"
    "  json        validation.json itself (reports/schema/validation.schema.json)\n"
    "  junit       JUnit XML: a testsuite per check category, a testcase per check\n"
    "  markdown    for CI job pages and pull requests: verdict, checks, baseline changes\n"
    "  html        one self-contained page for auditors, with charts\n"
    "  model-card  Markdown with Hugging Face model-card front matter\n"
    "  cyclonedx   the ML-BOM certify writes (bom.cdx.json, CycloneDX 1.6) of a run\n"
    "              whose validation passed\n"
    "The same run directory and audit trail give the same bytes.\n"
    "\n"
    "options:\n"
    "  -f, --format F      json, junit, markdown, html, model-card or cyclonedx\n"
    "                      (default: markdown)\n"
    "  -o, --output FILE   write FILE (atomically) instead of standard output\n"
    "  --audit DB          the audit trail holding the run's event (default: the one\n"
    "                      run.json names)\n"
    "  --github-summary    also append the Markdown report to $GITHUB_STEP_SUMMARY\n"
    "                      when it is set (GitHub Actions)\n"
    "  -q, --quiet         taken by every verb; report prints only the report anyway\n"
    "  -h, --help          this help\n"
    "\n"
    "exit status: 0 written, 2 bad input or usage, 3 internal or environment error.\n";

typedef struct opts {
    const char *format;
    int github_summary;
} opts;

static int on_option(void *ctx, int code, const char *value)
{
    opts *o = ctx;
    if (code == 'f')
        o->format = value;
    else
        o->github_summary = 1;
    return MC_EXIT_OK;
}

int mc_cmd_report(int argc, char **argv)
{
    static const struct option own[] = {{"format", required_argument, NULL, 'f'},
                                        {"github-summary", no_argument, NULL, 'g'},
                                        {NULL, 0, NULL, 0}};
    opts o = {.format = "markdown"};
    mc_cli_verb verb = {"report", help, MC_CLI_OUTPUT | MC_CLI_AUDIT | MC_CLI_QUIET, own, "f:",
                        on_option, &o, 1};
    mc_cli_common common;
    int first, status = mc_cli_parse(&verb, argc, argv, &common, &first);
    if (status != MC_CLI_GO)
        return status;
    if (argc - first != 1)
        return mc_cli_usage_error("report", "expected one validation.json");
    int known = 0;
    for (int i = 0; i < MC_REPORT_FORMAT_COUNT; i++)
        known |= strcmp(o.format, mc_names_report_format[i]) == 0;
    if (!known)
        return mc_cli_usage_error("report", "unknown format '%s' (json, junit, markdown, html, "
                                            "model-card, cyclonedx)", o.format);
    mc_report_options ro = {.validation_path = argv[first], .format = o.format,
                            .output = common.output, .audit_path = common.audit,
                            .github_summary = o.github_summary};
    return mc_report_write(&ro) == MC_OK ? MC_EXIT_OK : mc_cli_fail();
}
