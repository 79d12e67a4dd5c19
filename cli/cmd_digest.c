/* modelcert digest PATH [--ignore P]... [-q]: the subject digest sign would sign, without
 * signing. */
#include "cli_sign.h"
#include "mc_report_sign.h"

static const char help[] =
    "usage: modelcert digest [options] PATH\n"
    "\n"
    "Prints the sha256 subject digest that `modelcert sign` (and model_signing)\n"
    "would sign for a model directory or file, without signing: the digest of the\n"
    "files' digests in the manifest's order (docs/signing.md). The default\n"
    "signature file (model.sig) and git metadata are left out, as sign does.\n"
    "\n"
    "options:\n"
    "  --ignore P        leave P out (as given when inside the model, else relative\n"
    "                    to its root); repeatable\n"
    "  --allow-symlinks  hash what symbolic links point to instead of refusing\n"
    "  --shard-size N    the digest of the `shards` serialization (as sign --shard-size)\n"
    "  --threads N       hashing threads (default: every core)\n"
    "  -q, --quiet       the digest alone (64 hex digits), for scripts\n"
    "  -h, --help        this help\n"
    "\n"
    "exit status: 0 printed, 2 bad path or usage, 3 internal or environment error.\n";

int mc_cmd_digest(int argc, char **argv)
{
    static const struct option own[] = {
        {"ignore", required_argument, NULL, MC_CLI_OPT_IGNORE},
        {"allow-symlinks", no_argument, NULL, MC_CLI_OPT_SYMLINKS},
        {"shard-size", required_argument, NULL, MC_CLI_OPT_SHARD},
        {NULL, 0, NULL, 0}};
    mc_cli_sign_opts o = {.verb = "digest"};
    mc_cli_verb verb = {"digest", help, MC_CLI_THREADS | MC_CLI_QUIET, own, NULL,
                        mc_cli_sign_option, &o, 1};
    mc_cli_common common;
    int first, status = mc_cli_parse(&verb, argc, argv, &common, &first);
    if (status != MC_CLI_GO)
        return status;
    if (argc - first != 1)
        return mc_cli_usage_error("digest", "expected one model path");
    mc_sign_common c;
    mc_cli_sign_common(&c, &o, &common, argv[first]);
    char hex[MC_SHA256_HEX_LEN + 1];
    if (mc_digest_model(hex, NULL, &c))
        return mc_cli_fail();
    if (common.quiet)
        printf("%s\n", hex);
    else
        mc_report_digest_text(stdout, argv[first], hex);
    return MC_EXIT_OK;
}
