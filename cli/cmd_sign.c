/* modelcert sign PATH --key KEY [--signature FILE] [--ignore P]... [--cert LEAF --chain CHAIN]
 * The verb signs a model as model_signing does and appends a "sign" event. */
#include "cli_sign.h"
#include "mc_report_audit.h"
#include "mc_report_sign.h"

static const char help[] =
    "usage: modelcert sign [options] --key KEY PATH\n"
    "\n"
    "Signs a model (a directory, e.g. a run directory, or one file) in the OpenSSF\n"
    "Model Signing format (docs/signing.md): a Sigstore bundle whose DSSE envelope\n"
    "holds an in-toto statement with the sha256 of every file. The bundle goes to\n"
    "PATH/model.sig (a directory) or PATH.sig (a file) and is never signed itself.\n"
    "\n"
    "options:\n"
    "  --key KEY              private key: a PEM file (PKCS#8 or SEC1, ECDSA P-256,\n"
    "                         P-384 or P-521), file:PATH, env:VAR or a pkcs11: URI;\n"
    "                         an encrypted key's passphrase comes from\n"
    "                         MODELCERT_KEY_PASSPHRASE or --passphrase-file\n"
    "  --passphrase-file F    read the key's passphrase from F (first line)\n"
    "  --signature FILE       where to write the bundle\n"
    "  --ignore P             leave P out (as given when inside the model, else\n"
    "                         relative to its root; a directory: all under it);\n"
    "                         repeatable; recorded in the bundle\n"
    "  --cert LEAF.pem        certificate mode: the signing certificate...\n"
    "  --chain CHAIN.pem      ...and its intermediates\n"
    "  --allow-symlinks       hash what symbolic links point to instead of refusing\n"
    "  --shard-size N         model_signing's `shards` serialization: each N-byte\n"
    "                         piece of a file is a resource (hashed in parallel)\n"
    "  --threads N            hashing threads (default: every core)\n"
    "  --audit DB             audit database (default: $MODELCERT_AUDIT, else the\n"
    "                         nearest .modelcert/audit.db from here upward)\n"
    "  -v, --verbose          also say which audit event was appended\n"
    "  -q, --quiet            print nothing on success\n"
    "  -h, --help             this help\n"
    "\n"
    "exit status: 0 signed, 2 bad key, model or usage, 3 internal or environment error.\n";

int mc_cmd_sign(int argc, char **argv)
{
    static const struct option own[] = {
        {"key", required_argument, NULL, MC_CLI_OPT_KEY},
        {"passphrase-file", required_argument, NULL, MC_CLI_OPT_PASSFILE},
        {"signature", required_argument, NULL, MC_CLI_OPT_SIGNATURE},
        {"ignore", required_argument, NULL, MC_CLI_OPT_IGNORE},
        {"cert", required_argument, NULL, MC_CLI_OPT_CERT},
        {"chain", required_argument, NULL, MC_CLI_OPT_CHAIN},
        {"allow-symlinks", no_argument, NULL, MC_CLI_OPT_SYMLINKS},
        {"shard-size", required_argument, NULL, MC_CLI_OPT_SHARD},
        {NULL, 0, NULL, 0}};
    mc_cli_sign_opts o = {.verb = "sign"};
    mc_cli_verb verb = {"sign", help,
                        MC_CLI_THREADS | MC_CLI_AUDIT | MC_CLI_QUIET | MC_CLI_VERBOSE, own, NULL,
                        mc_cli_sign_option, &o, 1};
    mc_cli_common common;
    int first, status = mc_cli_parse(&verb, argc, argv, &common, &first);
    if (status != MC_CLI_GO)
        return status;
    if (argc - first != 1)
        return mc_cli_usage_error("sign", "expected one model path");
    if (!o.key)
        return mc_cli_usage_error("sign", "--key is required");
    if (o.chain && !o.cert)
        return mc_cli_usage_error("sign", "--chain needs --cert");

    mc_sign_options so = {.key = o.key, .passphrase_file = o.passphrase_file, .cert = o.cert,
                          .chain = o.chain};
    mc_cli_sign_common(&so.c, &o, &common, argv[first]);
    mc_sign_result *r = NULL;
    int rc = mc_sign_model(&r, &so);
    if (rc)
        return mc_cli_fail();
    if (!common.quiet)
        mc_report_sign_text(stdout, stderr, argv[first], r);
    else if (r->warning)
        mc_report_sign_text(NULL, stderr, argv[first], r);
    if (common.verbose)
        mc_report_audit_recorded(stderr, r->audit_path, r->audit_event);
    mc_sign_result_free(r);
    return MC_EXIT_OK;
}
