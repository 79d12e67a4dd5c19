/* The `keygen` verb: a new signing key pair (signing/mc_keygen.h), or the
 * public key of a key held in a PKCS #11 token, for verify --key.
 *
 *   modelcert keygen [--curve p256|p384|p521] -o NAME [--passphrase-file F] [--force]
 *   modelcert keygen --pkcs11-public URI -o NAME [--force] */
#include <stdio.h>

#include "cli.h"
#include "mc_error.h"
#include "mc_keygen.h"
#include "mc_report_keygen.h"

static const char help[] =
    "usage: modelcert keygen [--curve p256|p384|p521] -o NAME [--passphrase-file F] [--force]\n"
    "       modelcert keygen --pkcs11-public URI -o NAME [--force]\n"
    "\n"
    "Generate an ECDSA key pair for signing (docs/signing-keys.md): NAME.key, the\n"
    "private key as PKCS#8 PEM (mode 0600), and NAME.pub, the public key as\n"
    "SubjectPublicKeyInfo PEM (mode 0644), for 'verify --key'. With a passphrase the\n"
    "private key is encrypted (AES-256-CBC, PBKDF2-HMAC-SHA256). A passphrase is never\n"
    "taken from the command line.\n"
    "\n"
    "options:\n"
    "  --curve C               p256 (default), p384 or p521\n"
    "  -o, --output NAME       write NAME.key and NAME.pub (a trailing .key or .pub\n"
    "                          is dropped: -o release.pub names release.*)\n"
    "  --passphrase-file F     the passphrase is F's first line ('-': standard input);\n"
    "                          without it, MODELCERT_KEY_PASSPHRASE when set\n"
    "  --passphrase P          refused: never from the command line\n"
    "  --pkcs11-public URI     write only NAME.pub: the public key of the PKCS #11 key\n"
    "                          URI names (pkcs11:token=...;object=...; module and PIN\n"
    "                          from the URI or MODELCERT_PKCS11_MODULE/_PIN)\n"
    "  -f, --force             replace existing files\n"
    "  -q, --quiet             print nothing on success\n"
    "  -h, --help              this help\n"
    "\n"
    "exit status: 0 written, 2 bad usage, an unknown curve, a file that exists\n"
    "(without --force), an unreadable passphrase file, a PKCS #11 URI, module, PIN,\n"
    "token or key that is wrong or missing, 3 cannot write or internal error.\n";

enum { OPT_CURVE = 0x2001, OPT_PASS_FILE, OPT_PASS, OPT_P11 };

typedef struct opts {
    mc_keygen_options k;
    const char *pkcs11;
    int refused_passphrase;
} opts;

static int on_option(void *ctx, int code, const char *value)
{
    opts *o = ctx;
    switch (code) {
    case OPT_CURVE: o->k.curve = value; break;
    case OPT_PASS_FILE: o->k.passphrase_file = value; break;
    case OPT_P11: o->pkcs11 = value; break;
    case OPT_PASS:
        /* Named only to refuse it (without echoing it): getopt would otherwise take it
         * as an abbreviation of --passphrase-file. */
        return mc_cli_usage_error("keygen", "a passphrase is never taken from the command "
                                            "line: use --passphrase-file F or "
                                            "MODELCERT_KEY_PASSPHRASE");
    default: o->k.force = 1; break;
    }
    return MC_EXIT_OK;
}

int mc_cmd_keygen(int argc, char **argv)
{
    static const struct option own[] = {
        {"curve", required_argument, NULL, OPT_CURVE},
        {"passphrase-file", required_argument, NULL, OPT_PASS_FILE},
        {"passphrase", required_argument, NULL, OPT_PASS},
        {"pkcs11-public", required_argument, NULL, OPT_P11},
        {"force", no_argument, NULL, 'f'},
        {NULL, 0, NULL, 0}};
    opts o = {{NULL, NULL, NULL, 0}, NULL, 0};
    mc_cli_verb verb = {"keygen", help, MC_CLI_OUTPUT | MC_CLI_QUIET, own, "f", on_option, &o, 1};
    mc_cli_common common;
    int first, status = mc_cli_parse(&verb, argc, argv, &common, &first);
    if (status != MC_CLI_GO)
        return status;
    if (first < argc)
        return mc_cli_usage_error("keygen", "unexpected argument '%s'", argv[first]);
    if (!common.output)
        return mc_cli_usage_error("keygen", "-o NAME is required (it writes NAME.key and "
                                            "NAME.pub)");
    if (o.pkcs11 && (o.k.curve || o.k.passphrase_file))
        return mc_cli_usage_error("keygen", "--pkcs11-public takes neither --curve nor "
                                            "--passphrase-file (the key is in the token)");
    o.k.name = common.output;
    mc_keygen_result r;
    int rc = o.pkcs11 ? mc_keygen_pkcs11_public(&r, o.pkcs11, common.output, o.k.force)
                      : mc_keygen_write(&r, &o.k);
    if (rc != MC_OK)
        return mc_cli_fail();
    mc_report_keygen_text(stdout, &r, common.quiet);
    mc_keygen_result_clear(&r);
    return MC_EXIT_OK;
}
