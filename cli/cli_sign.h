/* Options the signing verbs share (sign, verify, digest, certify). */
#ifndef MC_CLI_SIGN_H
#define MC_CLI_SIGN_H

#include "cli.h"
#include "mc_sign.h"

#define MC_CLI_SIGN_MAX_IGNORE 256

enum { MC_CLI_OPT_SIGNATURE = 0x1101, MC_CLI_OPT_IGNORE, MC_CLI_OPT_SYMLINKS, MC_CLI_OPT_KEY,
       MC_CLI_OPT_PASSFILE, MC_CLI_OPT_CERT, MC_CLI_OPT_CHAIN, MC_CLI_OPT_CA,
       MC_CLI_OPT_UNSIGNED, MC_CLI_OPT_CERTIFICATE, MC_CLI_OPT_SHARD, MC_CLI_OPT_IDENTITY,
       MC_CLI_OPT_IDENTITY_RE, MC_CLI_OPT_ISSUER, MC_CLI_OPT_TRUSTED_ROOT };

typedef struct mc_cli_sign_opts {
    const char *verb;
    const char *signature, *key, *passphrase_file, *cert, *chain, *ca, *certificate;
    const char *identity, *identity_regexp, *issuer, *trusted_root; /* Sigstore keyless */
    const char *ignore[MC_CLI_SIGN_MAX_IGNORE];
    size_t n_ignore;
    int allow_symlinks, ignore_unsigned;
    long long shard_size;
} mc_cli_sign_opts;

/* The getopt callback for the options above (ctx: an mc_cli_sign_opts). */
int mc_cli_sign_option(void *ctx, int code, const char *value);
/* Fills the shared part of the library options. */
void mc_cli_sign_common(mc_sign_common *c, const mc_cli_sign_opts *o, const mc_cli_common *common,
                        const char *path);

#endif
