/* The `encrypt` verb: a file encrypted in the age format to recipients or a passphrase
 * (verbs/mc_encrypt.h, docs/encryption.md).
 *
 *   modelcert encrypt FILE -r RECIPIENT... [-R FILE...] [--passphrase-env VAR |
 *                     --passphrase-file F] [--work-factor N] [-a] -o OUT */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "mc_encrypt.h"
#include "mc_error.h"

static const char help[] =
    "usage: modelcert encrypt FILE (-r RECIPIENT | -R FILE)... [-a] -o OUT\n"
    "       modelcert encrypt FILE (--passphrase-env VAR | --passphrase-file F) [-a] -o OUT\n"
    "\n"
    "Encrypt FILE ('-': standard input) in the age format (age-encryption.org/v1), to\n"
    "X25519 recipients or to a passphrase; `age -d` decrypts the result, and so does\n"
    "`modelcert decrypt` (docs/encryption.md). OUT ('-': standard output) is written\n"
    "atomically: never a partial file. A passphrase is never taken from the command line.\n"
    "\n"
    "options:\n"
    "  -r, --recipient R        an age1... recipient (repeatable, up to 64)\n"
    "  -R, --recipients-file F  a file of recipients, one per line, '#' comments\n"
    "                           (repeatable)\n"
    "      --passphrase-env VAR encrypt to the passphrase in environment variable VAR\n"
    "      --passphrase-file F  encrypt to the passphrase on F's first line\n"
    "      --passphrase P       refused: never from the command line\n"
    "      --work-factor N      scrypt log2(N) for a passphrase, 10 to 22 (default 18)\n"
    "  -a, --armor              write the PEM-like ASCII armor\n"
    "  -o, --output OUT         the age file to write (required; '-': standard output)\n"
    "  -q, --quiet              print nothing but errors (encrypt prints nothing else)\n"
    "  -h, --help               this help\n"
    "\n"
    "exit status: 0 written, 2 bad usage, a bad recipient (named, with file:line for a\n"
    "recipients file), a passphrase variable unset or empty, a missing input or key file,\n"
    "3 cannot read or write, internal error.\n";

enum { OPT_PASS_ENV = 0x2001, OPT_PASS_FILE, OPT_PASS, OPT_WORK };
#define MAX_KEYS 64

typedef struct opts {
    mc_encrypt_options e;
    const char *recipients[MAX_KEYS], *files[MAX_KEYS];
} opts;

static int on_option(void *ctx, int code, const char *value)
{
    opts *o = ctx;
    char *end = NULL;
    switch (code) {
    case 'r':
    case 'R':
        if ((code == 'r' ? o->e.n_recipients : o->e.n_recipient_files) == MAX_KEYS)
            return mc_cli_usage_error("encrypt", "at most %d -r and %d -R", MAX_KEYS, MAX_KEYS);
        if (code == 'r')
            o->recipients[o->e.n_recipients++] = value;
        else
            o->files[o->e.n_recipient_files++] = value;
        break;
    case OPT_PASS_ENV: o->e.passphrase_env = value; break;
    case OPT_PASS_FILE: o->e.passphrase_file = value; break;
    case OPT_WORK:
        o->e.work_factor = (int)strtol(value, &end, 10);
        if (!*value || *end || o->e.work_factor < 10 || o->e.work_factor > 22)
            return mc_cli_usage_error("encrypt", "--work-factor takes 10 to 22, not '%s'",
                                      value);
        break;
    case OPT_PASS:
        return mc_cli_usage_error("encrypt", "a passphrase is never taken from the command "
                                             "line: use --passphrase-env VAR or "
                                             "--passphrase-file F");
    default: o->e.armor = 1; break;
    }
    return MC_EXIT_OK;
}

int mc_cmd_encrypt(int argc, char **argv)
{
    static const struct option own[] = {
        {"recipient", required_argument, NULL, 'r'},
        {"recipients-file", required_argument, NULL, 'R'},
        {"passphrase-env", required_argument, NULL, OPT_PASS_ENV},
        {"passphrase-file", required_argument, NULL, OPT_PASS_FILE},
        {"passphrase", required_argument, NULL, OPT_PASS},
        {"work-factor", required_argument, NULL, OPT_WORK},
        {"armor", no_argument, NULL, 'a'},
        {NULL, 0, NULL, 0}};
    static opts o;
    mc_cli_verb verb = {"encrypt", help, MC_CLI_OUTPUT | MC_CLI_QUIET, own, "r:R:a", on_option,
                        &o, 1};
    mc_cli_common common;
    int first, status = mc_cli_parse(&verb, argc, argv, &common, &first);
    if (status != MC_CLI_GO)
        return status;
    if (first != argc - 1)
        return mc_cli_usage_error("encrypt", "expected one FILE to encrypt ('-': standard "
                                             "input)");
    if (!common.output)
        return mc_cli_usage_error("encrypt", "-o OUT is required ('-': standard output)");
    o.e.input = argv[first];
    o.e.output = common.output;
    o.e.recipients = o.recipients;
    o.e.recipient_files = o.files;
    return mc_encrypt(&o.e) == MC_OK ? MC_EXIT_OK : mc_cli_fail();
}
