/* `encrypt` and `decrypt` (mc_encrypt.h): the keys a command names loaded into signing/'s
 * age recipients and identities, the passphrase read from the variable or file it names
 * (and wiped after use), then one file-to-file call of signing/mc_age.h. */
#include "mc_encrypt.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "mc_env.h"
#include "mc_error.h"
#include "mc_file.h"

/* The passphrase a command names: *out is NULL when it names none (caller wipes and
 * frees). */
static int load_passphrase(char **out, const char *env, const char *file)
{
    *out = NULL;
    if (env && file)
        return mc_error_set(MC_EINPUT, "give one of --passphrase-env and --passphrase-file");
    if (file)
        return mc_file_read_secret_line(out, file, MC_AGE_MAX_PASSPHRASE + 2);
    if (!env)
        return MC_OK;
    const char *v = mc_env_named(env);
    if (!v || !*v)
        return mc_error_set(MC_EINPUT, "the passphrase variable %s is not set or is empty", env);
    if (strlen(v) > MC_AGE_MAX_PASSPHRASE)
        return mc_error_set(MC_EINPUT, "the passphrase in %s is over %d bytes", env,
                            MC_AGE_MAX_PASSPHRASE);
    if (!(*out = strdup(v)))
        return mc_error_nomem();
    return MC_OK;
}

static void wipe(char *s)
{
    if (s) {
        OPENSSL_cleanse(s, strlen(s));
        free(s);
    }
}

int mc_encrypt(const mc_encrypt_options *o)
{
    mc_age_recipients *r = NULL;
    char *pass = NULL;
    int rc = mc_age_recipients_new(&r);
    for (size_t i = 0; rc == MC_OK && i < o->n_recipients; i++)
        rc = mc_age_recipients_add(r, o->recipients[i]);
    for (size_t i = 0; rc == MC_OK && i < o->n_recipient_files; i++)
        rc = mc_age_recipients_add_file(r, o->recipient_files[i]);
    if (rc == MC_OK && (rc = load_passphrase(&pass, o->passphrase_env, o->passphrase_file)) ==
                           MC_OK && pass)
        rc = mc_age_recipients_set_passphrase(r, pass, o->work_factor);
    if (rc == MC_OK && !pass && o->n_recipients + o->n_recipient_files == 0)
        rc = mc_error_set(MC_EINPUT, "no recipient: give -r age1..., -R FILE, or a passphrase "
                                     "(--passphrase-env VAR or --passphrase-file F)");
    if (rc == MC_OK && (rc = mc_file_check_output(o->output)) == MC_OK)
        rc = mc_age_encrypt_file(o->input, o->output, r, o->armor);
    wipe(pass);
    mc_age_recipients_free(r);
    return rc;
}

int mc_decrypt(mc_age_info *info, const mc_decrypt_options *o)
{
    mc_age_identities *ids = NULL;
    char *pass = NULL;
    memset(info, 0, sizeof *info);
    info->result = MC_AGE_ERROR;
    int rc = mc_age_identities_new(&ids);
    for (size_t i = 0; rc == MC_OK && i < o->n_identity_files; i++)
        rc = mc_age_identities_add_file(ids, o->identity_files[i]);
    if (rc == MC_OK && (rc = load_passphrase(&pass, o->passphrase_env, o->passphrase_file)) ==
                           MC_OK && pass)
        rc = mc_age_identities_add_passphrase(ids, pass, o->max_work_factor);
    if (rc == MC_OK && mc_age_identities_count(ids) == 0)
        rc = mc_error_set(MC_EINPUT, "no identity: give -i FILE, or a passphrase "
                                     "(--passphrase-env VAR or --passphrase-file F)");
    if (rc == MC_OK && (rc = mc_file_check_output(o->output)) == MC_OK)
        rc = mc_age_decrypt_file(info, o->input, o->output, ids);
    wipe(pass);
    mc_age_identities_free(ids);
    return rc;
}
