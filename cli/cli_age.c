/* The age options the decrypting verbs share (cli_age.h): identity files, a passphrase from
 * a variable or a file, the scrypt cap; and the exit status of a file that did not open. */
#include "cli_age.h"

#include <stdlib.h>

int mc_cli_age_option(mc_cli_age *a, int code, const char *value)
{
    char *end = NULL;
    switch (code) {
    case 'i':
        if (a->n_files == MC_CLI_AGE_MAX_KEYS)
            return mc_cli_usage_error(a->verb, "at most %d -i", MC_CLI_AGE_MAX_KEYS);
        a->files[a->n_files++] = value;
        return MC_EXIT_OK;
    case MC_CLI_OPT_AGE_PASS_ENV: a->passphrase_env = value; return MC_EXIT_OK;
    case MC_CLI_OPT_AGE_PASS_FILE: a->passphrase_file = value; return MC_EXIT_OK;
    case MC_CLI_OPT_AGE_PASS:
        return mc_cli_usage_error(a->verb, "a passphrase is never taken from the command "
                                           "line: use --passphrase-env VAR or "
                                           "--passphrase-file F");
    case MC_CLI_OPT_AGE_WORK:
        a->max_work_factor = (int)strtol(value, &end, 10);
        if (!*value || *end || a->max_work_factor < 1 || a->max_work_factor > 22)
            return mc_cli_usage_error(a->verb, "--max-work-factor takes 1 to 22, not '%s'",
                                      value);
        return MC_EXIT_OK;
    default: return MC_CLI_GO;
    }
}

int mc_cli_age_given(const mc_cli_age *a)
{
    return a->n_files || a->passphrase_env || a->passphrase_file;
}

void mc_cli_age_decrypt_options(mc_decrypt_options *d, const mc_cli_age *a,
                                const mc_cli_common *common)
{
    d->identity_files = a->files;
    d->n_identity_files = a->n_files;
    d->passphrase_env = a->passphrase_env;
    d->passphrase_file = a->passphrase_file;
    d->max_work_factor = a->max_work_factor;
    d->audit_path = common->audit;
    d->command_line = mc_cli_command_line();
}

int mc_cli_age_fail(const mc_age_info *info)
{
    int status = mc_cli_fail();
    if (info->result == MC_AGE_NO_MATCH || info->result == MC_AGE_HMAC_FAILURE ||
        info->result == MC_AGE_PAYLOAD_FAILURE)
        status = MC_EXIT_FAILED;
    return status;
}
