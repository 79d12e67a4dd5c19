/* The `export` verb: a run directory's model as ONNX (export/mc_onnx.h),
 * written beside the run or where -o says; an encrypted run's with --identity, decrypted,
 * exported and encrypted again in memory (verbs/mc_protect.h), written as model.onnx.age.
 *
 *   modelcert export RUN_DIR --format onnx [-o model.onnx] [-q]
 *   modelcert export RUN_DIR --format onnx -i KEY [-r age1... | -R FILE]... [-o OUT] [-q] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_age.h"
#include "mc_onnx.h"
#include "mc_protect.h"
#include "mc_report_audit.h"

static const char help[] =
    "usage: modelcert export [options] --format onnx RUN_DIR\n"
    "\n"
    "Export the model of a run directory for serving elsewhere. --format onnx\n"
    "writes an ONNX model (opset 17, ai.onnx.ml 3) of the whole pipeline: one\n"
    "input per raw column ([N,1], double for a numeric column with NaN for a\n"
    "missing cell, string for a categorical one), the fitted preprocessing as\n"
    "graph nodes, then the network; its output is what `modelcert predict`\n"
    "prints (probabilities, or the prediction of a regression), NaN for a row\n"
    "predict would drop or refuse. A step the graph cannot express exactly is\n"
    "refused, naming it. See docs/onnx.md.\n"
    "\n"
    "An encrypted run (model.mcm.age: the spec's protection section) is exported with\n"
    "its keys: the model is decrypted in memory only (an audited decryption), and the\n"
    "export written only encrypted, RUN_DIR/model.onnx.age by default, to the\n"
    "recipients given, else to spec.json's protection.encrypt_to (options\n"
    "-i, --passphrase-*, -r, -R).\n"
    "\n"
    "options:\n"
    "  --format FORMAT     onnx (the only format)\n"
    "  -o, --output FILE   write here (default: RUN_DIR/model.onnx), atomically\n"
    "  -q, --quiet         print nothing on success\n"
    "  -v, --verbose       also say which audit event a decryption appended\n"
    MC_CLI_AGE_HELP
    "  -r, --recipient R        encrypt the export to this age1... (repeatable)\n"
    "  -R, --recipients-file F  ... and to each recipient of F (repeatable)\n"
    "      --audit DB           the audit trail for the decryption's event\n"
    "  -h, --help          this help\n"
    "\n"
    "exit status: 0 written, 1 an encrypted model that does not open for these keys\n"
    "or is not authentic, 2 bad run directory, model, inexpressible step or usage,\n"
    "3 internal or environment error.\n";

#define MAX_RECIPIENTS 64

typedef struct opts {
    const char *format;
    mc_cli_age age;
    const char *r[MAX_RECIPIENTS], *rf[MAX_RECIPIENTS];
    size_t n_r, n_rf;
} opts;

static int on_option(void *ctx, int code, const char *value)
{
    opts *o = ctx;
    int status = mc_cli_age_option(&o->age, code, value);
    if (status != MC_CLI_GO)
        return status;
    if (code == 'r' || code == 'R') {
        if ((code == 'r' ? o->n_r : o->n_rf) == MAX_RECIPIENTS)
            return mc_cli_usage_error("export", "at most %d -r and %d -R", MAX_RECIPIENTS,
                                      MAX_RECIPIENTS);
        if (code == 'r')
            o->r[o->n_r++] = value;
        else
            o->rf[o->n_rf++] = value;
        return MC_EXIT_OK;
    }
    if (strcmp(value, "onnx") != 0)
        return mc_cli_usage_error("export", "--format: unknown format '%.64s' (known: onnx)", value);
    o->format = value;
    return MC_EXIT_OK;
}

/* An encrypted run's export: decrypted, exported, encrypted again, in memory. */
static int export_encrypted(opts *o, const mc_cli_common *common, const char *run_dir)
{
    mc_decrypt_options keys = {.output = NULL};
    mc_cli_age_decrypt_options(&keys, &o->age, common);
    mc_protect_export_options po = {.run_dir = run_dir, .output = common->output, .keys = &keys,
                                    .recipients = o->r, .n_recipients = o->n_r,
                                    .recipient_files = o->rf, .n_recipient_files = o->n_rf};
    mc_decrypt_result r;
    char *path = NULL, age[MC_SHA256_HEX_LEN + 1], onnx[MC_SHA256_HEX_LEN + 1];
    int status = mc_protect_export(&path, age, onnx, &r, &po) == MC_OK ? MC_EXIT_OK
                                                                      : mc_cli_age_fail(&r.info);
    if (status == MC_EXIT_OK && !common->quiet)
        printf("wrote %s sha256:%s (encrypted; the ONNX model's sha256:%s)\n", path, age, onnx);
    if (r.audit_event && common->verbose)
        mc_report_audit_recorded(stderr, r.audit_path, r.audit_event);
    free(r.audit_path);
    free(path);
    return status;
}

int mc_cmd_export(int argc, char **argv)
{
    static const struct option own[] = {{"format", required_argument, NULL, 'f'},
                                        MC_CLI_AGE_OPTIONS,
                                        {"recipient", required_argument, NULL, 'r'},
                                        {"recipients-file", required_argument, NULL, 'R'},
                                        {NULL, 0, NULL, 0}};
    static opts o = {.age = {.verb = "export"}};
    mc_cli_verb verb = {"export", help, MC_CLI_OUTPUT | MC_CLI_QUIET | MC_CLI_AUDIT |
                        MC_CLI_VERBOSE, own, "i:r:R:", on_option, &o, 1};
    mc_cli_common common;
    int first, status = mc_cli_parse(&verb, argc, argv, &common, &first);
    if (status != MC_CLI_GO)
        return status;
    if (argc - first != 1)
        return mc_cli_usage_error("export", "expected one run directory");
    if (!o.format)
        return mc_cli_usage_error("export", "--format is required (onnx)");
    if (mc_cli_age_given(&o.age))
        return export_encrypted(&o, &common, argv[first]);
    if (o.n_r || o.n_rf)
        return mc_cli_usage_error("export", "-r and -R encrypt the export of an encrypted run: "
                                  "give its --identity too");
    char *path = NULL, digest[MC_SHA256_HEX_LEN + 1];
    if (mc_onnx_export_run(&path, digest, argv[first], common.output) != MC_OK)
        return mc_cli_fail();
    if (!common.quiet)
        printf("wrote %s sha256:%s\n", path, digest);
    free(path);
    return MC_EXIT_OK;
}
