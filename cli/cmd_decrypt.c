/* The `decrypt` verb: an age file decrypted with identities or a passphrase
 * (verbs/mc_encrypt.h, docs/encryption.md). A file that does not open for these keys or is
 * not authentic (no match, a wrong header MAC, a payload that does not authenticate to its
 * end) exits 1; malformed input or usage exits 2. Every decryption, and every file refused,
 * is an audit event.
 *
 *   modelcert decrypt FILE -i IDENTITY... [--passphrase-env VAR | --passphrase-file F]
 *                     [--max-work-factor N] -o OUT */
#include <stdio.h>
#include <stdlib.h>

#include "cli_age.h"
#include "mc_error.h"
#include "mc_report_audit.h"

static const char help[] =
    "usage: modelcert decrypt FILE -i IDENTITY_FILE... -o OUT\n"
    "       modelcert decrypt FILE (--passphrase-env VAR | --passphrase-file F) -o OUT\n"
    "\n"
    "Decrypt an age file ('-': standard input), binary or armored, with age-keygen\n"
    "identity files or a passphrase (docs/encryption.md). OUT ('-': standard output) is\n"
    "written atomically, mode 0600: nothing is left on any failure. To standard output\n"
    "the plaintext goes out chunk by chunk as each authenticates. A passphrase is never\n"
    "taken from the command line.\n"
    "\n"
    "options:\n"
    MC_CLI_AGE_HELP
    "  -o, --output OUT         the plaintext to write (required; '-': standard output)\n"
    "      --audit DB           the audit trail (default: MODELCERT_AUDIT, or the nearest\n"
    "                           .modelcert/audit.db); every decryption, and every file\n"
    "                           refused, is an event there\n"
    "  -q, --quiet              print nothing but errors\n"
    "  -v, --verbose            also say which audit event was appended\n"
    "  -h, --help               this help\n"
    "\n"
    "exit status: 0 decrypted; 1 no identity or passphrase opens the file, the header MAC\n"
    "is wrong, or the payload does not authenticate to its end (tampered, truncated,\n"
    "reordered chunks, trailing data); 2 bad usage, malformed armor or header (a\n"
    "low-order X25519 share, a work factor over the cap, a huge stanza), a bad identity\n"
    "file, a missing input, an audit trail that cannot be appended to; 3 cannot read or\n"
    "write, internal error.\n";

static int on_option(void *ctx, int code, const char *value)
{
    int status = mc_cli_age_option(ctx, code, value);
    return status == MC_CLI_GO ? mc_cli_usage_error("decrypt", "unexpected option") : status;
}

int mc_cmd_decrypt(int argc, char **argv)
{
    static const struct option own[] = {MC_CLI_AGE_OPTIONS, {NULL, 0, NULL, 0}};
    static mc_cli_age a = {.verb = "decrypt"};
    mc_cli_verb verb = {"decrypt", help, MC_CLI_OUTPUT | MC_CLI_AUDIT | MC_CLI_QUIET |
                        MC_CLI_VERBOSE, own, "i:", on_option, &a, 1};
    mc_cli_common common;
    int first, status = mc_cli_parse(&verb, argc, argv, &common, &first);
    if (status != MC_CLI_GO)
        return status;
    if (first != argc - 1)
        return mc_cli_usage_error("decrypt", "expected one age FILE ('-': standard input)");
    if (!common.output)
        return mc_cli_usage_error("decrypt", "-o OUT is required ('-': standard output)");
    mc_decrypt_options d = {.input = argv[first], .output = common.output};
    mc_cli_age_decrypt_options(&d, &a, &common);
    mc_decrypt_result r;
    status = mc_decrypt(&r, &d) == MC_OK ? MC_EXIT_OK : mc_cli_age_fail(&r.info);
    if (r.audit_event && common.verbose)
        mc_report_audit_recorded(stderr, r.audit_path, r.audit_event);
    free(r.audit_path);
    return status;
}
