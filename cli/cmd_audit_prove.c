/* modelcert audit prove RUN_ID --checkpoint CP and modelcert audit verify-proof PROOF --key
 * PUB (docs/audit.md, "Proofs"): an inclusion proof of a run's events against a signed
 * checkpoint, and its check without the trail. One library call each (verbs/mc_trail.h). */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "mc_error.h"
#include "mc_report_audit.h"
#include "mc_trail.h"

static const char prove_help[] =
    "usage: modelcert audit prove RUN_ID --checkpoint CP [--event ID | --verb V] [-o FILE]\n"
    "\n"
    "Writes an inclusion proof of the run's events (those whose details record run_id\n"
    "RUN_ID: its run and validate events) against a signed checkpoint (a v2 checkpoint\n"
    "of `modelcert audit checkpoint`): each event's fields and its RFC 6962 audit path\n"
    "to the Merkle root the checkpoint signs, with the checkpoint embedded. Anyone with\n"
    "the public key checks it with `modelcert audit verify-proof`, without the trail\n"
    "(docs/audit.md, \"Proofs\"). The trail is verified up to the checkpoint's event\n"
    "first; a trail that no longer holds the checkpoint's tree gets no proof.\n"
    "\n"
    "options:\n"
    "  --checkpoint CP        the signed checkpoint (its signature is the verifier's)\n"
    "  --event ID             prove only this event of the run\n"
    "  --verb V               prove only the run's events of this kind (run, validate)\n"
    "  -o, --output FILE      write the proof there, atomically (default: standard\n"
    "                         output)\n"
    "  --audit DB             the database (default: $MODELCERT_AUDIT, else the\n"
    "                         nearest .modelcert/audit.db from here upward)\n"
    "  -q, --quiet            print nothing on success\n"
    "  -h, --help             this help\n"
    "\n"
    "exit status: 0 written, 1 the trail does not hold the checkpoint's tree (nothing\n"
    "written), 2 no trail, checkpoint or event of the run, a v1 checkpoint or usage,\n"
    "3 internal or environment error.\n";

static const char verify_help[] =
    "usage: modelcert audit verify-proof PROOF --key PUB [--json]\n"
    "\n"
    "Checks an inclusion proof written by `modelcert audit prove`, with the public key\n"
    "alone and no trail: the embedded checkpoint's signature and payload, each event's\n"
    "hash recomputed from its fields, its leaf index, and its audit path up to the\n"
    "Merkle root the checkpoint signs (docs/audit.md, \"Proofs\").\n"
    "\n"
    "options:\n"
    "  --key PUB              the checkpoint signer's public key (or certificate)\n"
    "  --json                 print the result as JSON\n"
    "  -q, --quiet            print nothing when the proof holds\n"
    "  -h, --help             this help\n"
    "\n"
    "exit status: 0 verified, 1 the proof does not hold (wrong key, an altered event,\n"
    "path or index, a size mismatch, a v1 checkpoint), 2 no such file or key, a file\n"
    "that is not a proof, or usage, 3 internal error.\n";

typedef struct prove_opts {
    mc_proof_options o;
    const char *key;
    int json, bad_event;
} prove_opts;

static int on_option(void *ctx, int code, const char *value)
{
    prove_opts *p = ctx;
    char *end = NULL;
    switch (code) {
    case 'C': p->o.checkpoint = value; break;
    case 'V': p->o.kind = value; break;
    case 'K': p->key = value; break;
    case 'j': p->json = 1; break;
    default:
        p->o.event = strtoll(value, &end, 10);
        p->bad_event = p->o.event < 1 || *end;
        break;
    }
    return MC_EXIT_OK;
}

static int verify_proof(int argc, char **argv)
{
    static const struct option own[] = {{"key", required_argument, NULL, 'K'},
                                         {"json", no_argument, NULL, 'j'},
                                         {NULL, 0, NULL, 0}};
    prove_opts p = {.key = NULL};
    mc_cli_verb verb = {"audit verify-proof", verify_help, MC_CLI_QUIET, own, NULL, on_option,
                        &p, 2};
    mc_cli_common common;
    mc_proof_result *r = NULL;
    int first, status = mc_cli_parse(&verb, argc, argv, &common, &first);
    if (status != MC_CLI_GO)
        return status;
    if (argc - first != 1)
        return mc_cli_usage_error("audit verify-proof", "give one proof file");
    if (!p.key)
        return mc_cli_usage_error("audit verify-proof", "give the public key with --key PUB");
    if (!(r = malloc(sizeof *r)) && mc_error_nomem())
        return mc_cli_fail();
    if (mc_trail_verify_proof(r, argv[first], p.key) != MC_OK)
        status = mc_cli_fail();
    else if (p.json && mc_report_audit_proof_verify_json(stdout, r) != MC_OK)
        status = mc_cli_fail();
    else
        status = r->ok ? MC_EXIT_OK : MC_EXIT_FAILED;
    if (status <= MC_EXIT_FAILED && !p.json && (!common.quiet || !r->ok))
        mc_report_audit_proof_verify_text(stdout, r);
    free(r);
    return status;
}

int mc_cmd_audit_signed(int argc, char **argv)
{
    static const struct option own[] = {{"checkpoint", required_argument, NULL, 'C'},
                                         {"event", required_argument, NULL, 'E'},
                                         {"verb", required_argument, NULL, 'V'},
                                         {NULL, 0, NULL, 0}};
    if (strcmp(argv[1], "checkpoint") == 0)
        return mc_cmd_audit_checkpoint(argc, argv);
    if (strcmp(argv[1], "verify-proof") == 0)
        return verify_proof(argc, argv);
    prove_opts p = {.key = NULL};
    mc_cli_verb verb = {"audit prove", prove_help, MC_CLI_OUTPUT | MC_CLI_AUDIT | MC_CLI_QUIET,
                        own, NULL, on_option, &p, 2};
    mc_cli_common common;
    mc_proof_result *r = NULL;
    int first, status = mc_cli_parse(&verb, argc, argv, &common, &first);
    if (status != MC_CLI_GO)
        return status;
    if (argc - first != 1)
        return mc_cli_usage_error("audit prove", "give one run id (run.json's run_id)");
    if (!p.o.checkpoint)
        return mc_cli_usage_error("audit prove", "give the signed checkpoint with --checkpoint");
    if (p.bad_event)
        return mc_cli_usage_error("audit prove", "--event needs an event id (a positive number)");
    if (p.o.event && p.o.kind)
        return mc_cli_usage_error("audit prove", "give --event or --verb, not both");
    p.o.run_id = argv[first];
    p.o.audit_path = common.audit;
    p.o.output = common.output;
    if (!(r = malloc(sizeof *r)) && mc_error_nomem())
        return mc_cli_fail();
    status = mc_trail_prove(r, &p.o) != MC_OK ? mc_cli_fail() : r->ok ? MC_EXIT_OK : MC_EXIT_FAILED;
    int to_stdout = !p.o.output || strcmp(p.o.output, "-") == 0;
    if (status == MC_EXIT_FAILED || (status == MC_EXIT_OK && !common.quiet))
        mc_report_audit_prove_text(to_stdout ? stderr : stdout, r, p.o.output);
    free(r);
    return status;
}
