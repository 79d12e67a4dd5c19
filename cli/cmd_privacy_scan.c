/* The `privacy scan` subcommand: a data file scanned for personal data with
 * the validating detectors (checks/mc_privacy.h), as the spec's pii_scan says
 * when one is given, the findings as text or JSON.
 *
 *   modelcert privacy scan DATA.csv [--spec SPEC] [--json] */
#include <stdio.h>

#include "cli.h"
#include "mc_privacy.h"
#include "mc_report_validation.h"
#include "mc_spec.h"

static const char help[] =
    "usage: modelcert privacy scan [options] DATA.csv\n"
    "\n"
    "Find personal data in DATA.csv (or - for stdin) with validating detectors:\n"
    "email, phone (E.164, North American, Chinese mobile), ssn, credit_card (issuer\n"
    "and Luhn), ipv4, ipv6, iban (length and mod-97), cn_resident_id (GB 11643),\n"
    "date_of_birth, and column names (English and Chinese). A column is flagged\n"
    "when the share of validated values among its sampled cells reaches min_share\n"
    "(half of it when the column's name supports the detector). Prints one line per\n"
    "flagged column: the detector, the share, the counts and a masked example;\n"
    "never a value.\n"
    "\n"
    "options:\n"
    "  --spec SPEC   take detectors, sample_rows, seed, min_share, columns and\n"
    "                action from SPEC's privacy.pii_scan, its delimiter and\n"
    "                missing values, and pass the columns its pii_columns declare\n"
    "  --json        print the results as validation.json does\n"
    "  -q, --quiet   only the verdict line\n"
    "  -h, --help    this help\n"
    "\n"
    "exit status: 0 no undeclared personal data (or only warnings), 1 undeclared\n"
    "personal data found, 2 bad data, spec or usage, 3 internal or environment error.\n";

typedef struct opts {
    const char *spec;
    int json;
} opts;

static int on_option(void *ctx, int code, const char *value)
{
    opts *o = ctx;
    if (code == 's')
        o->spec = value;
    else
        o->json = 1;
    return MC_EXIT_OK;
}

int mc_cmd_privacy_scan(int argc, char **argv)
{
    static const struct option own[] = {{"spec", required_argument, NULL, 's'},
                                        {"json", no_argument, NULL, 'j'},
                                        {NULL, 0, NULL, 0}};
    opts o = {0};
    mc_cli_verb verb = {"privacy scan", help, MC_CLI_QUIET, own, NULL, on_option, &o, 2};
    mc_cli_common common;
    int first, status = mc_cli_parse(&verb, argc, argv, &common, &first);
    if (status != MC_CLI_GO)
        return status;
    if (argc - first != 1)
        return mc_cli_usage_error("privacy scan", "expected one data file");
    mc_spec *spec = NULL;
    mc_validation *v = NULL;
    if (o.spec && (status = mc_cli_load_spec(&spec, o.spec)))
        return status;
    if (mc_privacy_scan(&v, argv[first], spec) != MC_OK) {
        status = mc_cli_fail();
    } else if (o.json && mc_report_validation_json(stdout, v) != MC_OK) {
        status = mc_cli_fail();
    } else {
        if (!o.json) {
            mc_report_style style = {
                "privacy scan", argv[first], 1, 1,
                {"NO UNDECLARED PERSONAL DATA", "PERSONAL DATA FOUND", NULL}, common.quiet};
            mc_report_results_text(stdout, v, &style);
        }
        status = mc_validation_verdict(v) == MC_VERDICT_PASS ? MC_EXIT_OK : MC_EXIT_FAILED;
    }
    mc_validation_free(v);
    mc_spec_free(spec);
    return status;
}
