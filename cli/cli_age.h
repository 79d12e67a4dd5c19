/* The options every verb that opens an age-encrypted model shares (decrypt, predict, export,
 * reproduce, verify --certificate): identity files, a passphrase from a variable or a file
 * (never from the command line), the scrypt work-factor cap. One table, one callback, one
 * help text, one mapping of a refused file to its exit status. */
#ifndef MC_CLI_AGE_H
#define MC_CLI_AGE_H

#include "cli.h"
#include "mc_encrypt.h"

#define MC_CLI_AGE_MAX_KEYS 64

enum { MC_CLI_OPT_AGE_PASS_ENV = 0x1201, MC_CLI_OPT_AGE_PASS_FILE, MC_CLI_OPT_AGE_PASS,
       MC_CLI_OPT_AGE_WORK };

/* The long options, to put in a verb's own table (short option: "i:"). */
#define MC_CLI_AGE_OPTIONS                                                                   \
    {"identity", required_argument, NULL, 'i'},                                              \
        {"passphrase-env", required_argument, NULL, MC_CLI_OPT_AGE_PASS_ENV},                \
        {"passphrase-file", required_argument, NULL, MC_CLI_OPT_AGE_PASS_FILE},              \
        {"passphrase", required_argument, NULL, MC_CLI_OPT_AGE_PASS},                        \
        {"max-work-factor", required_argument, NULL, MC_CLI_OPT_AGE_WORK}

/* Their lines in a verb's help. */
#define MC_CLI_AGE_HELP                                                                      \
    "  -i, --identity F         an age identity file (AGE-SECRET-KEY-1..., '#' comments;\n" \
    "                           repeatable, up to 64)\n"                                    \
    "      --passphrase-env VAR the passphrase is environment variable VAR's value\n"       \
    "      --passphrase-file F  the passphrase is F's first line\n"                         \
    "      --passphrase P       refused: never from the command line\n"                     \
    "      --max-work-factor N  refuse scrypt work factors over 2^N, 1 to 22 (default 22)\n"

typedef struct mc_cli_age {
    const char *verb;
    const char *files[MC_CLI_AGE_MAX_KEYS];
    size_t n_files;
    const char *passphrase_env, *passphrase_file;
    int max_work_factor;
} mc_cli_age;

/* Takes one of the options above: MC_EXIT_OK, a usage error's status (printed), or
 * MC_CLI_GO when code is not one of them (the verb's own option). --passphrase VALUE is
 * refused without echoing the value. */
int mc_cli_age_option(mc_cli_age *a, int code, const char *value);
/* 1 when the command gave an identity or a passphrase (the input is to be decrypted). */
int mc_cli_age_given(const mc_cli_age *a);
/* Fills the keys, the audit trail and the command line of *d (input and output are the
 * verb's); d points into a, which must outlive it. */
void mc_cli_age_decrypt_options(mc_decrypt_options *d, const mc_cli_age *a,
                                const mc_cli_common *common);
/* The exit status of a failed call that decrypted (printing the error): 1 when the file
 * does not open for these keys or is not authentic (no match, header MAC, payload), else
 * the error's status. */
int mc_cli_age_fail(const mc_age_info *info);

#endif
