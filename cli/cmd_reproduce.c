/* modelcert reproduce RUN_DIR [--data PATH] [--audit DB] [--json] [-q] [-v] [--identity KEY]
 * [--key PUB | --certificate-identity ID ... --certificate-oidc-issuer URL]: an auditor's
 * re-run of a recorded run, compared with it, after its signature (by key or Sigstore
 * keyless) is verified when asked; an encrypted run's model is decrypted in memory only with
 * the identity (an audited decryption). */
#include "cli_age.h"
#include "mc_report_validation.h"
#include "mc_spec.h"
#include "mc_reproduce.h"

static const char help[] =
    "usage: modelcert reproduce [options] RUN_DIR\n"
    "\n"
    "What an auditor does with somebody else's run: re-run the normalised spec the\n"
    "run recorded (RUN_DIR/spec.json) on its data, with its numerics, and compare\n"
    "the model and metrics with the recorded ones, bit for bit. The data must be\n"
    "the same bytes (its sha256 is checked first); the first difference is named.\n"
    "A run that gated an ONNX model (the spec's model:) has its inference repeated\n"
    "from RUN_DIR/model.onnx, which must be the file the spec pins.\n"
    "\n"
    "options:\n"
    "  --data PATH       where the data is now (default: the path run.json records)\n"
    "  --threads N       threads for BLAS (the model does not depend on it)\n"
    "  --audit DB        audit database (default: $MODELCERT_AUDIT, else the\n"
    "                    nearest .modelcert/audit.db from here upward)\n"
    "  --json            print the results as JSON (validation.json's format)\n"
    "  -q, --quiet       only the verdict line\n"
    "  -v, --verbose     also say which audit event the outcome is\n"
    MC_CLI_AGE_HELP
    "                           for an encrypted run (model.mcm.age): its model is\n"
    "                           decrypted in memory only, an audited decryption\n"
    "  --key PUB         first verify the run's signature (RUN_DIR/model.sig) with\n"
    "                    this public key; nothing is re-run when it does not verify\n"
    "  --certificate-identity ID  ...or as a Sigstore keyless bundle: the signer's\n"
    "                    identity (the certificate's email, URI or username)\n"
    "  --certificate-identity-regexp RE  ...or a POSIX regular expression for it\n"
    "  --certificate-oidc-issuer URL  ...and the OIDC issuer that vouched for it\n"
    "  --trusted-root FILE  Sigstore trusted_root.json (default: the public-good\n"
    "                    instance's, built in; never fetched)\n"
    "  --allow-path DIR  also allow the spec to name files under DIR\n"
    "                    (repeatable; or MODELCERT_ALLOW_PATHS, colon-separated);\n"
    "                    by default only its project root (here: RUN_DIR)\n"
    "  --allow-env NAME  also allow the spec to name variable NAME\n"
    "                    (repeatable); by default only MODELCERT_* names\n"
    "  -h, --help        this help\n"
    "\n"
    "exit status: 0 reproduced, 1 not reproduced (different data, model or\n"
    "metrics), 2 bad run directory or usage, 3 internal or environment error.\n";

typedef struct opts {
    const char *data, *key, *identity, *identity_regexp, *issuer, *trusted_root;
    int json;
    mc_cli_age age;
} opts;

static int on_option(void *ctx, int code, const char *value)
{
    opts *o = ctx;
    int status = mc_cli_age_option(&o->age, code, value);
    if (status != MC_CLI_GO)
        return status;
    if (code == 'd')
        o->data = value;
    else if (code == 'k')
        o->key = value;
    else if (code == 'C' || code == 'E' || code == 'O' || code == 'T')
        *(code == 'C' ? &o->identity : code == 'E' ? &o->identity_regexp
          : code == 'O' ? &o->issuer : &o->trusted_root) = value;
    else
        o->json = 1;
    return MC_EXIT_OK;
}

int mc_cmd_reproduce(int argc, char **argv)
{
    static const struct option own[] = {{"data", required_argument, NULL, 'd'},
                                        {"json", no_argument, NULL, 'j'},
                                        {"key", required_argument, NULL, 'k'},
                                        {"certificate-identity", required_argument, NULL, 'C'},
                                        {"certificate-identity-regexp", required_argument, NULL,
                                         'E'},
                                        {"certificate-oidc-issuer", required_argument, NULL, 'O'},
                                        {"trusted-root", required_argument, NULL, 'T'},
                                        MC_CLI_AGE_OPTIONS,
                                        {NULL, 0, NULL, 0}};
    static opts o = {.age = {.verb = "reproduce"}};
    mc_cli_verb verb = {"reproduce", help, MC_CLI_THREADS | MC_CLI_AUDIT | MC_CLI_CONFINE |
                        MC_CLI_QUIET | MC_CLI_VERBOSE, own, "i:", on_option, &o, 1};
    mc_cli_common common;
    int first, status = mc_cli_parse(&verb, argc, argv, &common, &first);
    if (status != MC_CLI_GO)
        return status;
    if (argc - first != 1)
        return mc_cli_usage_error("reproduce", "expected one run directory");
    if (o.key && (o.identity || o.identity_regexp || o.issuer || o.trusted_root))
        return mc_cli_usage_error("reproduce", "give either --key or the keyless flags "
                                  "(--certificate-identity ... --certificate-oidc-issuer)");

    mc_outcome *res = NULL;
    mc_confinement confine;
    mc_cli_confinement(&confine, &common);
    mc_reproduce_options ro = {.confine = &confine, .run_dir = argv[first], .data_path = o.data,
                               .threads = common.threads, .audit_path = common.audit,
                               .command_line = mc_cli_command_line(), .key = o.key,
                               .identity = o.identity, .identity_regexp = o.identity_regexp,
                               .issuer = o.issuer, .trusted_root = o.trusted_root};
    mc_decrypt_options d = {.output = NULL};
    if (mc_cli_age_given(&o.age)) {
        mc_cli_age_decrypt_options(&d, &o.age, &common);
        ro.decrypt = &d;
    }
    int rc = mc_reproduce(&res, &ro);
    if (res && o.json) {
        int printed = mc_report_validation_json(stdout, res->validation);
        rc = rc ? rc : printed;
    } else if (res) {
        mc_report_reproduce_text(stdout, res, common.quiet);
    }
    status = mc_cli_outcome_status(rc, res, common.verbose);
    mc_outcome_free(res);
    return status;
}
