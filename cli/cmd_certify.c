/* The `certify` verb (verbs/mc_certify.c): a validated run released, signed, with its
 * release certificate; a validation with warnings only with --accept-warnings.
 *
 *   modelcert certify RUN_DIR [--key KEY] [--spec SPEC] [-o FILE] [--data PATH]
 *                     [--accept-warnings] */
#include "cli_sign.h"
#include "mc_certify.h"
#include "mc_report_audit.h"
#include "mc_report_sign.h"

static const char help[] =
    "usage: modelcert certify [options] RUN_DIR\n"
    "\n"
    "Releases a validated run (docs/signing.md): refuses unless RUN_DIR holds a\n"
    "passing validation whose recorded digests (model, normalised spec, data) match\n"
    "the files; then signs the run directory (RUN_DIR/model.sig, OpenSSF Model\n"
    "Signing) and writes a release certificate: JSON Lines of two DSSE envelopes,\n"
    "SLSA Provenance v1 and an in-toto test result, whose subject is the model.\n"
    "A RUN_DIR/model.onnx (modelcert export RUN_DIR --format onnx) is certified\n"
    "with it, named in the certificate by its sha256; it must be the export of\n"
    "this run's model.mcm.\n"
    "Before signing it writes RUN_DIR/bom.cdx.json, the run's ML-BOM (CycloneDX 1.6:\n"
    "the model with its model card, the data set, modelcert as the tool), signed\n"
    "and certified with the model; `report --format cyclonedx` renders it again.\n"
    "A validation that passed with warnings (data not pinned, slice groups too\n"
    "small to judge, ...) is refused unless --accept-warnings; its warnings are\n"
    "read from the validation.json that the trail's validate event vouches for.\n"
    "\n"
    "options:\n"
    "  --key KEY            private key (as for sign); default: the spec's signing.key\n"
    "  --passphrase-file F  read the key's passphrase from F\n"
    "  --spec SPEC          take key, format, identity and what is covered from this\n"
    "                       spec's `signing` section\n"
    "  -o, --output FILE    the certificate (default: RUN_DIR/release.intoto.jsonl)\n"
    "  --data PATH          where the run's data is now (default: as run.json says)\n"
    "  --accept-warnings    release a validation that passed with warnings (the\n"
    "                       certificate lists them as warnedTests, the certify\n"
    "                       event records how many)\n"
    "  --threads N          hashing threads (default: every core)\n"
    "  --audit DB           audit database (default: $MODELCERT_AUDIT, else the\n"
    "                       nearest .modelcert/audit.db from here upward)\n"
    "  --allow-path DIR, --allow-env NAME  widen what the spec may name\n"
    "  -v, --verbose        also say which audit event was appended\n"
    "  -q, --quiet          print nothing on success\n"
    "  -h, --help           this help\n"
    "\n"
    "Check it with: modelcert verify RUN_DIR --key PUB --certificate FILE\n"
    "exit status: 0 certified, 2 not certifiable (no passing validation, warnings\n"
    "without --accept-warnings, a digest that does not match, a model.onnx that is\n"
    "not this model's export) or bad usage, 3 internal or environment error.\n";

typedef struct opts {
    mc_cli_sign_opts s;
    const char *spec, *data;
    int accept_warnings;
} opts;

static int on_option(void *ctx, int code, const char *value)
{
    opts *o = ctx;
    if (code == 's')
        o->spec = value;
    else if (code == 'd')
        o->data = value;
    else if (code == 'w')
        o->accept_warnings = 1;
    else
        return mc_cli_sign_option(&o->s, code, value);
    return MC_EXIT_OK;
}

int mc_cmd_certify(int argc, char **argv)
{
    static const struct option own[] = {
        {"key", required_argument, NULL, MC_CLI_OPT_KEY},
        {"passphrase-file", required_argument, NULL, MC_CLI_OPT_PASSFILE},
        {"spec", required_argument, NULL, 's'},
        {"data", required_argument, NULL, 'd'},
        {"accept-warnings", no_argument, NULL, 'w'},
        {NULL, 0, NULL, 0}};
    opts o = {.s = {.verb = "certify"}};
    mc_cli_verb verb = {"certify", help,
                        MC_CLI_OUTPUT | MC_CLI_THREADS | MC_CLI_AUDIT | MC_CLI_QUIET |
                            MC_CLI_VERBOSE | MC_CLI_CONFINE,
                        own, NULL, on_option, &o, 1};
    mc_cli_common common;
    int first, status = mc_cli_parse(&verb, argc, argv, &common, &first);
    if (status != MC_CLI_GO)
        return status;
    if (argc - first != 1)
        return mc_cli_usage_error("certify", "expected one run directory");
    if (!o.s.key && !o.spec)
        return mc_cli_usage_error("certify", "give --key, or --spec with a signing section");

    mc_spec *spec = NULL;
    if (o.spec && (status = mc_cli_load_spec(&spec, o.spec)) != MC_EXIT_OK)
        return status;
    mc_confinement confine;
    mc_cli_confinement(&confine, &common);
    mc_certify_options co = {.run_dir = argv[first], .key = o.s.key,
                             .passphrase_file = o.s.passphrase_file, .output = common.output,
                             .data_path = o.data, .spec = spec, .confine = &confine, .threads = common.threads,
                             .audit_path = common.audit, .command_line = mc_cli_command_line(),
                             .accept_warnings = o.accept_warnings};
    mc_certify_result *r = NULL;
    int rc = mc_certify_run(&r, &co);
    mc_spec_free(spec);
    if (rc)
        return mc_cli_fail();
    mc_report_certify_text(common.quiet ? NULL : stdout, stderr, argv[first], r);
    if (common.verbose)
        mc_report_audit_recorded(stderr, r->audit_path, r->audit_event);
    mc_certify_result_free(r);
    return MC_EXIT_OK;
}
