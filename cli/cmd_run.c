/* modelcert run SPEC [-o DIR] [--threads N] [--numerics fast|reference] [-q] [-v]: one run of
 * the pipeline into a new run directory. */
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "mc_report_audit.h"
#include "mc_report_run.h"
#include "mc_run_audited.h"
#include "mc_spec.h"

static const char help[] =
    "usage: modelcert run [options] SPEC\n"
    "\n"
    "Run the pipeline SPEC declares with the reference engine: load and check the\n"
    "data, split, fit preprocessing on the training rows, train, evaluate on the\n"
    "test rows. Writes a run directory, atomically:\n"
    "  model.mcm             the model artifact (docs/formats.md)\n"
    "  metrics.json          test metrics, per slice, permutation importance\n"
    "  history.csv           loss and accuracy per epoch\n"
    "  test_predictions.csv  the test rows' predictions\n"
    "  spec.json             the normalised spec\n"
    "  run.json              the run record: digests, numerics, seed, timings\n"
    "\n"
    "options:\n"
    "  -o, --output DIR        run directory (default: runs/<name>-<UTC time> beside SPEC)\n"
    "  --threads N             threads for BLAS (default: every core); the model does not\n"
    "                          depend on it\n"
    "  --numerics MODE         fast (OpenBLAS) or reference (bit-identical on every\n"
    "                          compiler and machine); default: the spec's training.numerics\n"
    "  --audit DB              audit database (default: $MODELCERT_AUDIT, else the\n"
    "                          nearest .modelcert/audit.db from here upward)\n"
    "  -q, --quiet             no progress; print only the run directory\n"
    "  -v, --verbose           also say which audit event the run is\n"
    "  --allow-path DIR        also allow the spec to name files under DIR\n"
    "                          (repeatable; or MODELCERT_ALLOW_PATHS, colon-separated);\n"
    "                          by default only its project root\n"
    "  --allow-env NAME        also allow the spec to name variable NAME\n"
    "                          (repeatable); by default only MODELCERT_* names\n"
    "  -h, --help              this help\n"
    "\n"
    "exit status: 0 the run completed, 2 bad spec, data or usage, 3 internal or\n"
    "environment error. Thresholds are judged by 'modelcert validate', not here.\n";

static int on_option(void *ctx, int code, const char *value)
{
    mc_run_options *ro = ctx;
    (void)code; /* 'n': --numerics, the only option of run's own */
    if (strcmp(value, "fast") == 0)
        ro->numerics = MC_NUMERICS_FAST;
    else if (strcmp(value, "reference") == 0)
        ro->numerics = MC_NUMERICS_REFERENCE;
    else
        return mc_cli_usage_error("run", "--numerics is fast or reference, not '%s'", value);
    return MC_EXIT_OK;
}

int mc_cmd_run(int argc, char **argv)
{
    static const struct option own[] = {{"numerics", required_argument, NULL, 'n'},
                                        {NULL, 0, NULL, 0}};
    mc_run_audited_options opt = {.run = {.numerics = -1, .progress = mc_report_progress}};
    mc_cli_verb verb = {"run", help, MC_CLI_OUTPUT | MC_CLI_THREADS | MC_CLI_AUDIT | MC_CLI_QUIET |
                        MC_CLI_CONFINE | MC_CLI_VERBOSE,
                        own, NULL, on_option, &opt.run, 1};
    mc_cli_common common;
    int first, status = mc_cli_parse(&verb, argc, argv, &common, &first);
    if (status != MC_CLI_GO)
        return status;
    if (argc - first != 1)
        return mc_cli_usage_error("run", "expected one spec");
    mc_progress_view progress = {stderr, isatty(STDERR_FILENO), common.quiet, 0, 0, 0, 0};
    mc_spec *spec = NULL;
    mc_run_outcome *res = NULL;
    if ((status = mc_cli_load_spec(&spec, argv[first])))
        return status;
    opt.spec = spec;
    opt.output_dir = common.output;
    opt.audit_path = common.audit;
    opt.command_line = mc_cli_command_line();
    mc_confinement confine;
    mc_cli_confinement(&confine, &common);
    opt.confine = &confine;
    opt.run.threads = common.threads;
    opt.run.progress_ctx = &progress;
    int rc = mc_run_audited(&res, &opt);
    if (res && !common.quiet)
        mc_report_run_text(stdout, res->run, res->run_dir);
    else if (res)
        printf("%s\n", res->run_dir); /* where the run went, for scripts */
    status = rc ? mc_cli_fail() : MC_EXIT_OK;
    if (rc == MC_OK && common.verbose)
        mc_report_audit_recorded(stderr, res->audit_path, res->audit_event);
    mc_run_outcome_free(res);
    mc_spec_free(spec);
    return status;
}
