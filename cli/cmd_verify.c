/* modelcert verify PATH (--key PUB | --ca ROOT | --certificate-identity ID
 *                  --certificate-oidc-issuer URL [--trusted-root FILE]) [--signature FILE]
 *                  [--ignore P]... [--ignore-unsigned-files] [--certificate FILE [--identity KEY]]
 * The verb checks a model's signature (a key, a CA, or Sigstore keyless, offline) and
 * appends a "verify" event; with --identity, an encrypted run's model is decrypted in memory
 * (its own "decrypt" event) and checked against the certificate's clear model. */
#include "cli_age.h"
#include "cli_sign.h"
#include "mc_report_audit.h"
#include "mc_report_sign.h"

static const char help[] =
    "usage: modelcert verify [options] (--key PUB | --ca ROOT.pem |\n"
    "         --certificate-identity ID --certificate-oidc-issuer URL) PATH\n"
    "\n"
    "Verifies a model against its OpenSSF Model Signing bundle (ours or\n"
    "model_signing's): the signature is valid for the key (or its certificate chain\n"
    "leads to ROOT with a leaf allowed to sign code, or, keyless, its Fulcio\n"
    "certificate, SCT and Rekor entry check out offline against the trusted root),\n"
    "and the files on disk are exactly the files signed, with the same sha256. The\n"
    "first problem is named.\n"
    "\n"
    "options:\n"
    "  --key PUB              public key (PEM SubjectPublicKeyInfo, a certificate,\n"
    "                         file:PATH, env:VAR or a pkcs11: URI)\n"
    "  --ca ROOT.pem          certificate mode: trusted root (and intermediate)\n"
    "                         certificates\n"
    "  --certificate-identity ID  Sigstore keyless: the signer's identity (the\n"
    "                         certificate's email, URI or username), exactly\n"
    "  --certificate-identity-regexp RE  ...or a POSIX regular expression for it\n"
    "  --certificate-oidc-issuer URL  ...and the OIDC issuer that vouched for it\n"
    "  --trusted-root FILE    Sigstore trusted_root.json (default: the public-good\n"
    "                         instance's, built in; never fetched)\n"
    "  --signature FILE       the bundle (default: PATH/model.sig or PATH.sig)\n"
    "  --ignore P             also leave P out (as given when inside the model, else\n"
    "                         relative to its root); the paths the bundle\n"
    "                         records are always left out\n"
    "  --ignore-unsigned-files  files on disk that the bundle does not list are fine\n"
    "  --certificate FILE     also check a run's release certificate (`certify`):\n"
    "                         its signatures, every digest in it, a passing validation\n"
    "  -i, --identity F, --passphrase-env VAR, --passphrase-file F, --max-work-factor N\n"
    "                         with --certificate, for an encrypted run (model.mcm.age\n"
    "                         or model.onnx.age):\n"
    "                         decrypt its model in memory only (an audited decryption)\n"
    "                         and check it is the certified clear model\n"
    "  --passphrase P         refused: never on the command line\n"
    "  --allow-symlinks       hash what symbolic links point to instead of refusing\n"
    "  --threads N            hashing threads (default: every core)\n"
    "  --audit DB             audit database (default: $MODELCERT_AUDIT, else the\n"
    "                         nearest .modelcert/audit.db from here upward)\n"
    "  -v, --verbose          also say which audit event was appended\n"
    "  -q, --quiet            print nothing on success\n"
    "  -h, --help             this help\n"
    "\n"
    "exit status: 0 verified, 1 not verified (the reason is printed), 2 bad key,\n"
    "path or usage, 3 internal or environment error.\n";

typedef struct opts {
    mc_cli_sign_opts sign;
    mc_cli_age age;
} opts;

static int on_option(void *ctx, int code, const char *value)
{
    opts *o = ctx;
    int status = mc_cli_age_option(&o->age, code, value);
    return status == MC_CLI_GO ? mc_cli_sign_option(&o->sign, code, value) : status;
}

int mc_cmd_verify(int argc, char **argv)
{
    static const struct option own[] = {
        {"key", required_argument, NULL, MC_CLI_OPT_KEY},
        {"ca", required_argument, NULL, MC_CLI_OPT_CA},
        {"signature", required_argument, NULL, MC_CLI_OPT_SIGNATURE},
        {"ignore", required_argument, NULL, MC_CLI_OPT_IGNORE},
        {"ignore-unsigned-files", no_argument, NULL, MC_CLI_OPT_UNSIGNED},
        {"allow-symlinks", no_argument, NULL, MC_CLI_OPT_SYMLINKS},
        {"certificate", required_argument, NULL, MC_CLI_OPT_CERTIFICATE},
        MC_CLI_AGE_OPTIONS,
        {"certificate-identity", required_argument, NULL, MC_CLI_OPT_IDENTITY},
        {"certificate-identity-regexp", required_argument, NULL, MC_CLI_OPT_IDENTITY_RE},
        {"certificate-oidc-issuer", required_argument, NULL, MC_CLI_OPT_ISSUER},
        {"trusted-root", required_argument, NULL, MC_CLI_OPT_TRUSTED_ROOT},
        {NULL, 0, NULL, 0}};
    static opts both = {.sign = {.verb = "verify"}, .age = {.verb = "verify"}};
    mc_cli_sign_opts *o = &both.sign;
    mc_cli_verb verb = {"verify", help,
                        MC_CLI_THREADS | MC_CLI_AUDIT | MC_CLI_QUIET | MC_CLI_VERBOSE, own, "i:",
                        on_option, &both, 1};
    mc_cli_common common;
    int first, status = mc_cli_parse(&verb, argc, argv, &common, &first);
    if (status != MC_CLI_GO)
        return status;
    if (argc - first != 1)
        return mc_cli_usage_error("verify", "expected one model path");
    int keyless = o->identity || o->identity_regexp || o->issuer || o->trusted_root;
    if (!!o->key + !!o->ca + keyless != 1)
        return mc_cli_usage_error("verify", "give exactly one of --key, --ca or "
                                  "--certificate-identity with --certificate-oidc-issuer");
    if (keyless && (!o->issuer || !o->identity == !o->identity_regexp))
        return mc_cli_usage_error("verify", "keyless verification needs "
                                  "--certificate-oidc-issuer and one of --certificate-identity "
                                  "or --certificate-identity-regexp");

    mc_verify_options vo = {.key = o->key, .ca = o->ca, .ignore_unsigned = o->ignore_unsigned,
                            .certificate = o->certificate, .identity = o->identity,
                            .identity_regexp = o->identity_regexp, .issuer = o->issuer,
                            .trusted_root = o->trusted_root};
    mc_decrypt_options d = {.output = NULL};
    if (mc_cli_age_given(&both.age) && !o->certificate)
        return mc_cli_usage_error("verify", "--identity checks a release certificate's clear "
                                  "model: give --certificate FILE");
    if (mc_cli_age_given(&both.age)) {
        mc_cli_age_decrypt_options(&d, &both.age, &common);
        vo.decrypt = &d;
    }
    mc_cli_sign_common(&vo.c, o, &common, argv[first]);
    mc_verify_result *r = NULL;
    if (mc_verify_model(&r, &vo))
        return mc_cli_fail();
    if (!common.quiet || !r->verified)
        mc_report_verify_text(r->verified ? stdout : stderr, argv[first], r);
    if (common.verbose)
        mc_report_audit_recorded(stderr, r->audit_path, r->audit_event);
    status = r->verified ? MC_EXIT_OK : MC_EXIT_FAILED;
    mc_verify_result_free(r);
    return status;
}
