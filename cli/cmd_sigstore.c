/* The `sigstore` verb: `modelcert sigstore verify-bundle`, the sigstore-conformance suite's
 * client protocol (docs/signing.md, "sigstore verify-bundle"): parses the options the suite
 * passes, calls mc_verify_bundle, prints the verdict and maps it to the exit status (0
 * verified, 1 not verified with the reason, 2 bad input). */
#include <string.h>

#include "cli.h"
#include "mc_report_sign.h"
#include "mc_sigstore_bundle.h"

static const char help[] =
    "usage: modelcert sigstore verify-bundle --bundle FILE\n"
    "         (--certificate-identity ID | --certificate-identity-regexp RE)\n"
    "         --certificate-oidc-issuer URL [--trusted-root FILE] FILE_OR_DIGEST\n"
    "       modelcert sigstore verify-bundle --bundle FILE --key PUB FILE_OR_DIGEST\n"
    "\n"
    "Verifies one Sigstore bundle over one artifact, offline, as the\n"
    "sigstore-conformance suite drives a Sigstore client: a message signature\n"
    "(hashedrekord) or a DSSE envelope whose in-toto statement names the\n"
    "artifact; keyless, its Fulcio certificate, SCTs, Rekor entries and RFC 3161\n"
    "timestamps against the trusted root. FILE_OR_DIGEST is the artifact's path,\n"
    "or sha256:HEX.\n"
    "\n"
    "options:\n"
    "  --bundle FILE          the Sigstore bundle (JSON)\n"
    "  --certificate-identity ID  the signer's identity (email, URI or username)\n"
    "  --certificate-identity-regexp RE  ...or a POSIX regular expression for it\n"
    "  --certificate-oidc-issuer URL  the OIDC issuer that vouched for it\n"
    "  --trusted-root FILE    trusted_root.json (default: the public-good\n"
    "                         instance's, built in; never fetched)\n"
    "  --key PUB              a public key instead of a keyless identity (the\n"
    "                         bundle's log entries are then not checked)\n"
    "  --staging              refused: no staging root is built in (use\n"
    "                         --trusted-root)\n"
    "  --witness VKEY         a witness (C2SP verifier key NAME+ID+KEY) that must\n"
    "                         have cosigned every Rekor v2 checkpoint; repeatable\n"
    "  -h, --help             this help\n"
    "\n"
    "exit status: 0 verified, 1 not verified (the reason is printed), 2 bad\n"
    "input or usage, 3 internal or environment error.\n";

enum {
    OPT_BUNDLE = 1, OPT_IDENTITY, OPT_IDENTITY_RE, OPT_ISSUER, OPT_KEY, OPT_ROOT, OPT_STAGING,
    OPT_WITNESS
};

static int on_option(void *ctx, int code, const char *value)
{
    mc_verify_bundle_options *o = ctx;
    switch (code) {
    case OPT_BUNDLE: o->bundle = value; break;
    case OPT_IDENTITY: o->identity = value; break;
    case OPT_IDENTITY_RE: o->identity_regexp = value; break;
    case OPT_ISSUER: o->issuer = value; break;
    case OPT_KEY: o->key = value; break;
    case OPT_ROOT: o->trusted_root = value; break;
    case OPT_STAGING: o->staging = 1; break;
    case OPT_WITNESS:
        if (o->n_witnesses == MC_NOTE_MAX_WITNESSES)
            return mc_cli_usage_error("sigstore", "at most 16 --witness");
        o->witnesses[o->n_witnesses++] = value;
        break;
    default: return MC_EXIT_USAGE;
    }
    return MC_EXIT_OK;
}

int mc_cmd_sigstore(int argc, char **argv)
{
    static const struct option own[] = {
        {"bundle", required_argument, NULL, OPT_BUNDLE},
        {"certificate-identity", required_argument, NULL, OPT_IDENTITY},
        {"certificate-identity-regexp", required_argument, NULL, OPT_IDENTITY_RE},
        {"certificate-oidc-issuer", required_argument, NULL, OPT_ISSUER},
        {"key", required_argument, NULL, OPT_KEY},
        {"trusted-root", required_argument, NULL, OPT_ROOT},
        {"staging", no_argument, NULL, OPT_STAGING},
        {"witness", required_argument, NULL, OPT_WITNESS},
        {NULL, 0, NULL, 0}};
    if (argc < 2 || (strcmp(argv[1], "verify-bundle") != 0 && !mc_cli_wants_help(argc, argv)))
        return mc_cli_usage_error("sigstore", "expected the subcommand verify-bundle");
    mc_verify_bundle_options o = {0};
    mc_cli_verb verb = {"sigstore", help, 0, own, NULL, on_option, &o,
                        strcmp(argv[1], "verify-bundle") == 0 ? 2 : 1};
    mc_cli_common common;
    int first, status = mc_cli_parse(&verb, argc, argv, &common, &first);
    if (status != MC_CLI_GO)
        return status;
    if (argc - first != 1)
        return mc_cli_usage_error("sigstore", "verify-bundle expects one FILE_OR_DIGEST");
    if (!o.bundle)
        return mc_cli_usage_error("sigstore", "verify-bundle needs --bundle FILE");
    if (!!o.key == !!(o.identity || o.identity_regexp || o.issuer))
        return mc_cli_usage_error("sigstore", "give either --key or --certificate-identity (or "
                                  "--certificate-identity-regexp) with "
                                  "--certificate-oidc-issuer");
    o.artifact = argv[first];
    mc_verify_bundle_result r;
    if (mc_verify_bundle(&r, &o))
        return mc_cli_fail();
    mc_report_verify_bundle_text(r.verified ? stdout : stderr, o.artifact, &r);
    return r.verified ? MC_EXIT_OK : MC_EXIT_FAILED;
}
