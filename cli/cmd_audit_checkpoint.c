/* modelcert audit checkpoint --key KEY [-o FILE], and audit verify (against a head, or a
 * checkpoint: --checkpoint FILE --key PUB; docs/audit.md, "Signed checkpoints"), and how audit
 * verify and migrate print a verified chain. */
#include <string.h>

#include "cli.h"
#include "mc_error.h"
#include "mc_report_audit.h"
#include "mc_trail.h"

static const char help[] =
    "usage: modelcert audit checkpoint --key KEY [-o FILE] [--label TEXT]\n"
    "\n"
    "Verifies the audit trail, then signs its head (event id, hash, time) and the\n"
    "trail's label as a DSSE envelope (docs/audit.md, \"Signed checkpoints\"):\n"
    "publish it outside the trail, and later prove the trail still holds that\n"
    "head with `modelcert audit verify --checkpoint FILE --key PUB`. Appends no\n"
    "event. A broken chain is not signed.\n"
    "\n"
    "options:\n"
    "  --key KEY              private key (PEM file, file:PATH, env:VAR or a\n"
    "                         pkcs11: URI; ECDSA P-256, P-384 or P-521)\n"
    "  --passphrase-file F    the key's passphrase (else MODELCERT_KEY_PASSPHRASE)\n"
    "  -o, --output FILE      write the envelope there, atomically (default:\n"
    "                         standard output)\n"
    "  --label TEXT           the trail's label (default: its location, absolute;\n"
    "                         a URI never with its password)\n"
    "  --audit DB             the database (default: $MODELCERT_AUDIT, else the\n"
    "                         nearest .modelcert/audit.db from here upward)\n"
    "  -q, --quiet            print nothing on success\n"
    "  -h, --help             this help\n"
    "\n"
    "exit status: 0 signed, 1 the chain is broken (nothing signed), 2 no trail,\n"
    "an empty one, an unusable key or usage, 3 internal or environment error.\n";

static int on_option(void *ctx, int code, const char *value)
{
    mc_trail_checkpoint_options *o = ctx;
    if (code == 'k')
        o->key = value;
    else if (code == 'P')
        o->passphrase_file = value;
    else
        o->label = value;
    return MC_EXIT_OK;
}

int mc_cmd_audit_checkpoint(int argc, char **argv)
{
    static const struct option own[] = {{"key", required_argument, NULL, 'k'},
                                         {"passphrase-file", required_argument, NULL, 'P'},
                                         {"label", required_argument, NULL, 'L'},
                                         {NULL, 0, NULL, 0}};
    mc_trail_checkpoint_options o = {0};
    mc_cli_verb verb = {"audit checkpoint", help, MC_CLI_OUTPUT | MC_CLI_AUDIT | MC_CLI_QUIET, own,
                        NULL, on_option, &o, 2};
    mc_cli_common common;
    int first, status = mc_cli_parse(&verb, argc, argv, &common, &first);
    if (status != MC_CLI_GO)
        return status;
    if (argc - first != 0)
        return mc_cli_usage_error("audit checkpoint", "unexpected argument '%s'", argv[first]);
    if (!o.key)
        return mc_cli_usage_error("audit checkpoint", "give the signing key with --key");
    o.audit_path = common.audit;
    o.output = common.output;
    mc_checkpoint_result r;
    if (mc_trail_checkpoint(&r, &o) != MC_OK)
        return mc_cli_fail();
    if (r.warning[0])
        fprintf(stderr, "modelcert: warning: %s\n", r.warning);
    if (r.chain.broken) {
        mc_report_audit_verify_text(stdout, &r.chain);
        fputs("modelcert: the chain is broken: no checkpoint was signed\n", stderr);
        return MC_EXIT_FAILED;
    }
    int to_stdout = !o.output || strcmp(o.output, "-") == 0;
    if (!common.quiet)
        mc_report_audit_checkpoint_text(to_stdout ? stderr : stdout, &r, o.output);
    return MC_EXIT_OK;
}

static int verify_checkpoint(const char *db, const char *checkpoint, const char *key, int json,
                             int quiet)
{
    mc_checkpoint_verify_result r;
    if (!key)
        return mc_cli_usage_error("audit", "verify --checkpoint needs the public key: --key PUB");
    if (mc_trail_checkpoint_verify(&r, db, checkpoint, key) != MC_OK)
        return mc_cli_fail();
    if (!json && (!quiet || !r.verified))
        mc_report_audit_checkpoint_verify_text(stdout, &r);
    else if (json && mc_report_audit_checkpoint_verify_json(stdout, &r) != MC_OK)
        return mc_cli_fail();
    return r.verified ? MC_EXIT_OK : MC_EXIT_FAILED;
}

int mc_cli_audit_verify(const char *db, const char *head, const char *checkpoint, const char *key,
                        int json, int quiet)
{
    mc_audit_verify_result r;
    if (checkpoint && head)
        return mc_cli_usage_error("audit", "give --head or --checkpoint, not both");
    if (key && !checkpoint)
        return mc_cli_usage_error("audit", "audit verify takes --key only with --checkpoint");
    if (checkpoint)
        return verify_checkpoint(db, checkpoint, key, json, quiet);
    if (mc_trail_verify(&r, db, head) != MC_OK)
        return mc_cli_fail();
    return mc_cli_audit_verified(&r, json, quiet);
}

/* A chain verified (verify, migrate): its text or JSON (-q: nothing when intact). */
int mc_cli_audit_verified(const mc_audit_verify_result *r, int json, int quiet)
{
    if (!json && (!quiet || r->broken))
        mc_report_audit_verify_text(stdout, r);
    else if (json && mc_report_audit_verify_json(stdout, r) != MC_OK)
        return mc_cli_fail();
    return r->broken ? MC_EXIT_FAILED : MC_EXIT_OK;
}
