/* modelcert run SPEC [-o DIR] [--threads N] [--numerics fast|reference] [-q] */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "mc_report_run.h"
#include "mc_run.h"
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
    "  --audit DB              audit database (default: $MODELCERT_AUDIT, else\n"
    "                          .modelcert/audit.db beside SPEC)\n"
    "  -q, --quiet             no progress; print only the run directory\n"
    "  -h, --help              this help\n"
    "\n"
    "exit status: 0 the run completed, 2 bad spec, data or usage, 3 internal or\n"
    "environment error. Thresholds are judged by 'modelcert validate', not here.\n";

int mc_cmd_run(int argc, char **argv)
{
    static const struct option longs[] = {
        {"output", required_argument, NULL, 'o'}, {"threads", required_argument, NULL, 't'},
        {"numerics", required_argument, NULL, 'n'}, {"quiet", no_argument, NULL, 'q'},
        {"audit", required_argument, NULL, 'a'},
        {"help", no_argument, NULL, 'h'},        {NULL, 0, NULL, 0}};
    const char *out_dir = NULL, *audit_flag = NULL;
    mc_run_options ro = {.threads = 0, .numerics = -1, .progress = mc_report_progress};
    mc_progress_view ps = {stderr, isatty(STDERR_FILENO), 0, 0};
    int c;
    if (mc_cli_wants_help(argc, argv)) {
        fputs(help, stdout);
        return MC_EXIT_OK;
    }
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:qh", longs, NULL)) != -1) {
        switch (c) {
        case 'o': out_dir = optarg; break;
        case 't': {
            char *end;
            long n = strtol(optarg, &end, 10);
            if (*end || n < 1 || n > 1024)
                return mc_cli_usage_error("run", "--threads needs a number from 1 to 1024");
            ro.threads = (int)n;
            break;
        }
        case 'n':
            if (strcmp(optarg, "fast") == 0)
                ro.numerics = MC_NUMERICS_FAST;
            else if (strcmp(optarg, "reference") == 0)
                ro.numerics = MC_NUMERICS_REFERENCE;
            else
                return mc_cli_usage_error("run", "--numerics is fast or reference, not '%s'", optarg);
            break;
        case 'q': ps.quiet = 1; break;
        case 'a': audit_flag = optarg; break;
        default: return mc_cli_usage_error("run", "unknown option or missing value: '%s'", argv[optind - 1]);
        }
    }
    if (argc - optind != 1)
        return mc_cli_usage_error("run", "expected one spec");
    ro.progress_ctx = &ps;

    mc_spec *spec = NULL;
    mc_run *run = NULL;
    char *dir = NULL, *audit = NULL;
    int status = MC_EXIT_OK;
    int rc = mc_cli_load_spec(&spec, argv[optind]);
    if (rc != MC_EXIT_OK)
        return rc;
    if ((status = mc_cli_output_dir(&dir, out_dir, spec)))
        goto cleanup;
    if (mc_run_execute(&run, spec, &ro) != MC_OK || mc_run_write(run, dir) != MC_OK) {
        status = mc_cli_fail();
        goto cleanup;
    }
    if (!ps.quiet)
        mc_report_run_text(stdout, run, dir);
    else
        printf("%s\n", dir); /* where the run went, for scripts */
    audit = mc_cli_audit_path(audit_flag, mc_spec_dir(spec));
    json_t *details = json_pack("{s:s, s:s}", "run_dir", dir, "numerics",
                                json_string_value(json_object_get(run->record, "numerics")));
    status = audit ? mc_cli_audit_record(audit, "run", run->spec_digest, run->data_digest,
                                         run->model_digest, "completed", details, ps.quiet)
                   : mc_cli_fail();
    json_decref(details);
cleanup:
    free(audit);
    free(dir);
    mc_run_free(run);
    mc_spec_free(spec);
    return status;
}
