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

#include "cli.h"
#include "mc_encrypt.h"
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
    "  -i, --identity F         an identity file (AGE-SECRET-KEY-1..., '#' comments;\n"
    "                           repeatable, up to 64)\n"
    "      --passphrase-env VAR the passphrase is environment variable VAR's value\n"
    "      --passphrase-file F  the passphrase is F's first line\n"
    "      --passphrase P       refused: never from the command line\n"
    "      --max-work-factor N  refuse scrypt work factors over 2^N, 1 to 22 (default 22)\n"
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

enum { OPT_PASS_ENV = 0x2001, OPT_PASS_FILE, OPT_PASS, OPT_WORK };
#define MAX_KEYS 64

typedef struct opts {
    mc_decrypt_options d;
    const char *files[MAX_KEYS];
} opts;

static int on_option(void *ctx, int code, const char *value)
{
    opts *o = ctx;
    char *end = NULL;
    switch (code) {
    case 'i':
        if (o->d.n_identity_files == MAX_KEYS)
            return mc_cli_usage_error("decrypt", "at most %d -i", MAX_KEYS);
        o->files[o->d.n_identity_files++] = value;
        break;
    case OPT_PASS_ENV: o->d.passphrase_env = value; break;
    case OPT_PASS_FILE: o->d.passphrase_file = value; break;
    case OPT_WORK:
        o->d.max_work_factor = (int)strtol(value, &end, 10);
        if (!*value || *end || o->d.max_work_factor < 1 || o->d.max_work_factor > 22)
            return mc_cli_usage_error("decrypt", "--max-work-factor takes 1 to 22, not '%s'",
                                      value);
        break;
    default:
        return mc_cli_usage_error("decrypt", "a passphrase is never taken from the command "
                                             "line: use --passphrase-env VAR or "
                                             "--passphrase-file F");
    }
    return MC_EXIT_OK;
}

int mc_cmd_decrypt(int argc, char **argv)
{
    static const struct option own[] = {
        {"identity", required_argument, NULL, 'i'},
        {"passphrase-env", required_argument, NULL, OPT_PASS_ENV},
        {"passphrase-file", required_argument, NULL, OPT_PASS_FILE},
        {"passphrase", required_argument, NULL, OPT_PASS},
        {"max-work-factor", required_argument, NULL, OPT_WORK},
        {NULL, 0, NULL, 0}};
    static opts o;
    mc_cli_verb verb = {"decrypt", help, MC_CLI_OUTPUT | MC_CLI_AUDIT | MC_CLI_QUIET |
                        MC_CLI_VERBOSE, own, "i:", on_option, &o, 1};
    mc_cli_common common;
    int first, status = mc_cli_parse(&verb, argc, argv, &common, &first);
    if (status != MC_CLI_GO)
        return status;
    if (first != argc - 1)
        return mc_cli_usage_error("decrypt", "expected one age FILE ('-': standard input)");
    if (!common.output)
        return mc_cli_usage_error("decrypt", "-o OUT is required ('-': standard output)");
    o.d.input = argv[first];
    o.d.output = common.output;
    o.d.identity_files = o.files;
    o.d.audit_path = common.audit;
    o.d.command_line = mc_cli_command_line();
    mc_decrypt_result r;
    if (mc_decrypt(&r, &o.d) == MC_OK) {
        status = MC_EXIT_OK;
    } else {
        status = mc_cli_fail();
        if (r.info.result == MC_AGE_NO_MATCH || r.info.result == MC_AGE_HMAC_FAILURE ||
            r.info.result == MC_AGE_PAYLOAD_FAILURE)
            status = MC_EXIT_FAILED;
    }
    if (r.audit_event && common.verbose)
        mc_report_audit_recorded(stderr, r.audit_path, r.audit_event);
    free(r.audit_path);
    return status;
}
