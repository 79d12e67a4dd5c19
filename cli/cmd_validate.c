/* modelcert validate SPEC [--baseline RUN] [-o DIR] [--audit DB] [--runs N] [--json]
 * [--numerics fast|reference] [-i KEY] [-q] [-v]: the CI gate; progress on a terminal only. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cli_age.h"
#include "mc_file.h"
#include "mc_report.h"
#include "mc_report_audit.h"
#include "mc_report_run.h"
#include "mc_report_validation.h"
#include "mc_spec.h"
#include "mc_validate.h"

static const char help[] =
    "usage: modelcert validate [options] SPEC\n"
    "\n"
    "The CI gate. Runs the pipeline, then checks everything the spec demands, in\n"
    "these categories (the first word of each result line):\n"
    "  data             the data matches its pinned sha256 (a warning when not pinned)\n"
    "  reproducibility  reproducibility.runs re-runs, compared bit for bit or within\n"
    "                   the spec's tolerances\n"
    "  thresholds       value thresholds, change thresholds against --baseline, per\n"
    "                   slice thresholds and the largest gap between slices\n"
    "  privacy          the spec's privacy section: personal data in the columns,\n"
    "                   k-anonymity, l-diversity, re-identification risk, the DP-SGD\n"
    "                   budget spent, membership inference (docs/privacy.md)\n"
    "  signing          with --baseline-key or --baseline-ca: the baseline's\n"
    "                   signature, checked before any training\n"
    "Prints one line per check and a verdict, writes the run directory with\n"
    "validation.json in it, appends the outcome to the audit trail. On a terminal,\n"
    "standard error shows each epoch of every run (never in a pipe or a CI log).\n"
    "\n"
    "options:\n"
    "  --baseline PATH     the baseline: a run directory, or a metrics.json, or a\n"
    "                      model.mcm with metrics.json beside it\n"
    "  --baseline-key PUB  the baseline run must verify with this key (its\n"
    "                      model.sig), before any training; a `signing` result\n"
    "  --baseline-ca ROOT  ...or with a certificate chain to this root\n"
    "  --certificate-identity ID, --certificate-identity-regexp RE  ...or Sigstore\n"
    "                      keyless, offline (as verify): the signer, exactly or by RE\n"
    "  --certificate-oidc-issuer URL  ...and its OIDC issuer\n"
    "  --trusted-root FILE  Sigstore trusted_root.json (default: the built-in one)\n"
    "  -o, --output DIR    run directory (default: runs/<name>-<UTC time> beside SPEC)\n"
    "  --runs N            re-runs for the reproducibility check (overrides the spec)\n"
    "  --predictions FILE  judge another framework's predictions for the test rows\n"
    "                      (row,p_<class>... or row,prediction; - for stdin) instead of\n"
    "                      training: no model, reproducibility not applicable\n"
    "                      (docs/predictions.md)\n"
    "  --losses FILE       with --predictions: the other model's per-row losses\n"
    "                      (row,loss) on training and held-out rows, for the\n"
    "                      spec's membership-inference check\n"
    "  -i, --identity F, --passphrase-env VAR, --passphrase-file F, --max-work-factor N\n"
    "                      model.source is age-encrypted: decrypt it in memory only\n"
    "  --passphrase P      refused: never on the command line\n"
    "  --threads N         threads for BLAS (the model does not depend on it)\n"
    "  --numerics MODE     fast (OpenBLAS) or reference (bit-identical on every\n"
    "                      compiler and machine), for the run and every re-run;\n"
    "                      default: the spec's training.numerics\n"
    "  --audit DB          audit database (default: $MODELCERT_AUDIT, else the\n"
    "                      nearest .modelcert/audit.db from here upward)\n"
    "  --json              print validation.json on stdout instead of the summary\n"
    "  --report-dir DIR    also write every report there: JUnit, Markdown, HTML, the\n"
    "                      model card and validation.json (docs/reports.md)\n"
    "  --github-summary    append the Markdown report to $GITHUB_STEP_SUMMARY when set\n"
    "  -q, --quiet         only the verdict line, no progress\n"
    "  -v, --verbose       also say which audit event the outcome is\n"
    "  --allow-path DIR    also allow the spec to name files under DIR\n"
    "                      (repeatable; or MODELCERT_ALLOW_PATHS, colon-separated);\n"
    "                      by default only its project root\n"
    "  --allow-env NAME    also allow the spec to name variable NAME\n"
    "                      (repeatable); by default only MODELCERT_* names\n"
    "  -h, --help          this help\n"
    "\n"
    "exit status: 0 every check passed, 1 a check failed or could not be evaluated,\n"
    "2 bad spec, data, baseline or usage, 3 internal or environment error.\n";

typedef struct opts {
    const char *baseline, *predictions, *losses, *baseline_key, *baseline_ca;
    const char *id, *id_re, *iss, *root; /* the baseline's keyless signer and trusted root */
    long long runs;
    int json;
    const char *report_dir;
    int github_summary;
    int numerics_set;
    mc_numerics numerics;
    mc_cli_age age;
} opts;

static int on_option(void *ctx, int code, const char *value)
{
    opts *o = ctx;
    char *end;
    int age = mc_cli_age_option(&o->age, code, value);
    if (age != MC_CLI_GO)
        return age;
    switch (code) {
    case 'b': o->baseline = value; return MC_EXIT_OK;
    case 'j': o->json = 1; return MC_EXIT_OK;
    case 'p': o->predictions = value; return MC_EXIT_OK;
    case 'L': o->losses = value; return MC_EXIT_OK;
    case 'R': o->report_dir = value; return MC_EXIT_OK;
    case 'G': o->github_summary = 1; return MC_EXIT_OK;
    case 'k': o->baseline_key = value; return MC_EXIT_OK;
    case 'c': o->baseline_ca = value; return MC_EXIT_OK;
    case 'I': o->id = value; return MC_EXIT_OK;
    case 'E': o->id_re = value; return MC_EXIT_OK;
    case 'O': o->iss = value; return MC_EXIT_OK;
    case 'T': o->root = value; return MC_EXIT_OK;
    case 'n':
        o->numerics_set = 1;
        o->numerics = strcmp(value, "fast") == 0 ? MC_NUMERICS_FAST : MC_NUMERICS_REFERENCE;
        if (strcmp(value, "fast") == 0 || strcmp(value, "reference") == 0)
            return MC_EXIT_OK;
        return mc_cli_usage_error("validate", "--numerics is fast or reference, not '%s'", value);
    default: /* 'r' */
        o->runs = strtoll(value, &end, 10);
        if (*end || o->runs < 1 || o->runs > 20)
            return mc_cli_usage_error("validate", "--runs needs a number from 1 to 20");
        return MC_EXIT_OK;
    }
}

int mc_cmd_validate(int argc, char **argv)
{
    static const struct option own[] = {
        {"baseline", required_argument, NULL, 'b'},   {"runs", required_argument, NULL, 'r'},
        {"json", no_argument, NULL, 'j'},              {"predictions", required_argument, NULL, 'p'},
        {"losses", required_argument, NULL, 'L'},      {"report-dir", required_argument, NULL, 'R'},
        {"github-summary", no_argument, NULL, 'G'},    {"baseline-key", required_argument, NULL, 'k'},
        {"baseline-ca", required_argument, NULL, 'c'}, {"numerics", required_argument, NULL, 'n'},
        {"certificate-identity", required_argument, NULL, 'I'},
        {"certificate-identity-regexp", required_argument, NULL, 'E'},
        {"certificate-oidc-issuer", required_argument, NULL, 'O'},
        {"trusted-root", required_argument, NULL, 'T'}, MC_CLI_AGE_OPTIONS, {NULL, 0, NULL, 0}};
    opts o = {.age = {.verb = "validate"}};
    mc_cli_verb verb = {"validate", help, MC_CLI_OUTPUT | MC_CLI_THREADS | MC_CLI_AUDIT | MC_CLI_QUIET |
                        MC_CLI_CONFINE | MC_CLI_VERBOSE,
                        own, "i:", on_option, &o, 1};
    mc_cli_common common;
    int first, status = mc_cli_parse(&verb, argc, argv, &common, &first);
    if (status != MC_CLI_GO)
        return status;
    if (argc - first != 1)
        return mc_cli_usage_error("validate", "expected one spec");
    if (o.losses && !o.predictions)
        return mc_cli_usage_error("validate", "--losses needs --predictions (a native run "
                                  "measures its own model's losses)");
    if (o.predictions && o.runs)
        return mc_cli_usage_error("validate", "--runs does not apply to --predictions (no re-runs)");
    if (o.predictions && o.numerics_set)
        return mc_cli_usage_error("validate", "--numerics does not apply to --predictions (no "
                                  "training)");
    if ((o.baseline_key || o.baseline_ca) && (!o.baseline || (o.baseline_key && o.baseline_ca)))
        return mc_cli_usage_error("validate", "--baseline-key or --baseline-ca (one) needs "
                                  "--baseline");

    mc_spec *spec = NULL; mc_outcome *res = NULL;
    if (o.report_dir && mc_dir_check_creatable(o.report_dir) != MC_OK)
        return mc_cli_fail(); /* before any work, as every -o */
    if ((status = mc_cli_load_spec(&spec, argv[first])))
        return status;
    mc_confinement confine;
    mc_cli_confinement(&confine, &common);
    mc_decrypt_options keys = {0};
    mc_cli_age_decrypt_options(&keys, &o.age, &common);
    const mc_spec_doc *doc = mc_spec_doc_get(spec);
    long long reruns = o.runs ? o.runs : doc->has_reproducibility ? doc->reproducibility.runs : 0;
    /* On a terminal only: a pipe or a CI log gets the results, not the epochs. */
    mc_progress_view progress = {stderr, 1, common.quiet || o.json || !isatty(STDERR_FILENO), 0,
                                 reruns > 0 ? (int)(1 + reruns) : 0, 0, 0};
    mc_validate_options vo = {.confine = &confine, .spec = spec, .baseline = o.baseline, .output_dir = common.output,
                              .runs = o.runs, .threads = common.threads, .audit_path = common.audit,
                              .command_line = mc_cli_command_line(), .predictions = o.predictions,
                              .losses = o.losses,
                              .baseline_key = o.baseline_key, .baseline_ca = o.baseline_ca,
                              .baseline_identity = o.id, .baseline_identity_regexp = o.id_re,
                              .baseline_issuer = o.iss, .baseline_trusted_root = o.root,
                              .numerics_set = o.numerics_set, .numerics = o.numerics,
                              .keys = mc_cli_age_given(&o.age) ? &keys : NULL,
                              .progress = mc_report_progress, .progress_ctx = &progress};
    int rc = mc_validate(&res, &vo);
    if (res && res->validation_path && (o.report_dir || o.github_summary)) {
        int written = mc_report_write_dir(o.report_dir, res->validation_path, NULL,
                                          o.github_summary); /* the trail run.json names */
        rc = rc ? rc : written;
    }
    if (res && o.json) {
        int printed = mc_report_validation_json(stdout, res->validation);
        rc = rc ? rc : printed;
    } else if (res) {
        mc_report_validate_text(stdout, res, argv[first], common.quiet);
    }
    status = mc_cli_outcome_status(rc, res, common.verbose); /* -v: the event on stderr too */
    mc_outcome_free(res);
    mc_spec_free(spec);
    return status;
}
