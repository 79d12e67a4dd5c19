/* Options the signing verbs share. */
#include "cli_sign.h"

#include <stdlib.h>

int mc_cli_sign_option(void *ctx, int code, const char *value)
{
    mc_cli_sign_opts *o = ctx;
    switch (code) {
    case MC_CLI_OPT_SIGNATURE: o->signature = value; break;
    case MC_CLI_OPT_SYMLINKS: o->allow_symlinks = 1; break;
    case MC_CLI_OPT_KEY: o->key = value; break;
    case MC_CLI_OPT_PASSFILE: o->passphrase_file = value; break;
    case MC_CLI_OPT_CERT: o->cert = value; break;
    case MC_CLI_OPT_CHAIN: o->chain = value; break;
    case MC_CLI_OPT_CA: o->ca = value; break;
    case MC_CLI_OPT_UNSIGNED: o->ignore_unsigned = 1; break;
    case MC_CLI_OPT_CERTIFICATE: o->certificate = value; break;
    case MC_CLI_OPT_IDENTITY: o->identity = value; break;
    case MC_CLI_OPT_IDENTITY_RE: o->identity_regexp = value; break;
    case MC_CLI_OPT_ISSUER: o->issuer = value; break;
    case MC_CLI_OPT_TRUSTED_ROOT: o->trusted_root = value; break;
    case MC_CLI_OPT_SHARD: {
        char *end;
        o->shard_size = strtoll(value, &end, 10);
        if (*end || o->shard_size < 4096 || o->shard_size > (1LL << 40))
            return mc_cli_usage_error(o->verb, "--shard-size needs a byte count from 4096 to "
                                      "2^40");
        break;
    }
    case MC_CLI_OPT_IGNORE:
        if (o->n_ignore == MC_CLI_SIGN_MAX_IGNORE)
            return mc_cli_usage_error(o->verb, "at most %d --ignore paths",
                                      MC_CLI_SIGN_MAX_IGNORE);
        o->ignore[o->n_ignore++] = value;
        break;
    default: return mc_cli_usage_error(o->verb, "unexpected option");
    }
    return MC_EXIT_OK;
}

void mc_cli_sign_common(mc_sign_common *c, const mc_cli_sign_opts *o, const mc_cli_common *common,
                        const char *path)
{
    c->files = (mc_model_files){.path = path, .signature = o->signature, .ignore = o->ignore,
                                .n_ignore = o->n_ignore, .allow_symlinks = o->allow_symlinks,
                                .threads = common->threads, .shard_size = o->shard_size};
    c->audit_path = common->audit;
    c->no_audit = 0;
    c->command_line = mc_cli_command_line();
}
