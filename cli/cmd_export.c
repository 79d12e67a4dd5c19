/* The `export` verb: a run directory's model as ONNX (export/mc_onnx.h),
 * written beside the run or where -o says.
 *
 *   modelcert export RUN_DIR --format onnx [-o model.onnx] [-q] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "mc_onnx.h"

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
    "options:\n"
    "  --format FORMAT     onnx (the only format)\n"
    "  -o, --output FILE   write here (default: RUN_DIR/model.onnx), atomically\n"
    "  -q, --quiet         print nothing on success\n"
    "  -h, --help          this help\n"
    "\n"
    "exit status: 0 written, 2 bad run directory, model, inexpressible step or\n"
    "usage, 3 internal or environment error.\n";

static int on_option(void *ctx, int code, const char *value)
{
    (void)code;
    if (strcmp(value, "onnx") != 0)
        return mc_cli_usage_error("export", "--format: unknown format '%.64s' (known: onnx)", value);
    *(const char **)ctx = value;
    return MC_EXIT_OK;
}

int mc_cmd_export(int argc, char **argv)
{
    static const struct option own[] = {{"format", required_argument, NULL, 'f'},
                                        {NULL, 0, NULL, 0}};
    const char *format = NULL;
    mc_cli_verb verb = {"export", help, MC_CLI_OUTPUT | MC_CLI_QUIET, own, NULL, on_option, &format,
                        1};
    mc_cli_common common;
    int first, status = mc_cli_parse(&verb, argc, argv, &common, &first);
    if (status != MC_CLI_GO)
        return status;
    if (argc - first != 1)
        return mc_cli_usage_error("export", "expected one run directory");
    if (!format)
        return mc_cli_usage_error("export", "--format is required (onnx)");
    char *path = NULL, digest[MC_SHA256_HEX_LEN + 1];
    if (mc_onnx_export_run(&path, digest, argv[first], common.output) != MC_OK)
        return mc_cli_fail();
    if (!common.quiet)
        printf("wrote %s sha256:%s\n", path, digest);
    free(path);
    return MC_EXIT_OK;
}
