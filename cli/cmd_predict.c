/* The `predict` verb: a model artifact applied to raw rows of a CSV, the
 * predictions written as CSV; an age-encrypted model (model.mcm.age, model.onnx.age) decrypted in
 * memory only with --identity or a passphrase (verbs/mc_encrypt.h), the decryption
 * an audit event.
 *
 *   modelcert predict MODEL DATA.csv [-o OUT.csv] [-q]
 *   modelcert predict MODEL.onnx DATA.csv [--columns A,B,C] [-o OUT.csv]
 *   modelcert predict MODEL.age DATA.csv (-i IDENTITY | --passphrase-env VAR |   (also .onnx.age)
 *                     --passphrase-file F) [--audit DB] [-o OUT.csv] [-q] */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cli_age.h"
#include "mc_error.h"
#include "mc_file.h"
#include "mc_onnx_predict.h"
#include "mc_predict.h"
#include "mc_report_audit.h"
#include "mc_report_run.h"

static const char help[] =
    "usage: modelcert predict [options] MODEL DATA.csv\n"
    "\n"
    "Apply a model artifact to raw rows (DATA.csv, or - for stdin): the stored,\n"
    "fitted preprocessing, then the network, with the numerics the model was\n"
    "trained with. Writes CSV: row (1-based data row of DATA.csv), prediction and,\n"
    "for classifiers, a probability column per class. Rows a dropna step removes\n"
    "get no prediction (reported on stderr). Extra columns are ignored.\n"
    "Probability columns: p_<class> for each class of a multiclass model, p_<positive\n"
    "class> for a binary one; a regression has only the prediction.\n"
    "\n"
    "An age-encrypted model (modelcert encrypt, or age) is decrypted in memory only\n"
    "with -i or a passphrase: no clear byte is written, and the decryption is an\n"
    "audit event (docs/encryption.md).\n"
    "\n"
    "A MODEL ending in .onnx is run by modelcert's ONNX interpreter (docs/onnx.md):\n"
    "its inputs are the columns of the same names, or one [N, F] tensor made of the\n"
    "--columns named (else of the file's numeric columns, in file order). Writes\n"
    "CSV: row, then each output's values (name, or name_j when it has several).\n"
    "MODEL.onnx.age, an ONNX model encrypted, is decrypted in memory as above.\n"
    "\n"
    "options:\n"
    "  -o, --output FILE        write here (atomically) instead of stdout\n"
    "  -q, --quiet              no note of the rows dropped\n"
    "  -v, --verbose            also say which audit event a decryption appended\n"
    MC_CLI_AGE_HELP
    "      --audit DB           the audit trail for the decryption's event\n"
    "      --columns LIST       an ONNX model's [N, F] input: these comma-separated\n"
    "                           columns, in this order\n"
    "  -h, --help               this help\n"
    "\n"
    "exit status: 0 predictions written, 1 an encrypted model that does not open for\n"
    "these keys or is not authentic, 2 bad model, data or usage, 3 internal or\n"
    "environment error.\n";

enum { OPT_COLUMNS = 0x2001 };

typedef struct opts {
    mc_cli_age a;
    const char *columns;
} opts;

static int on_option(void *ctx, int code, const char *value)
{
    opts *o = ctx;
    if (code == OPT_COLUMNS) {
        o->columns = value;
        return MC_EXIT_OK;
    }
    int status = mc_cli_age_option(&o->a, code, value);
    return status == MC_CLI_GO ? mc_cli_usage_error("predict", "unexpected option") : status;
}

/* The model's predictions: from the file, or decrypted in memory when keys are given. */
static int predict(mc_prediction *pred, const mc_cli_age *a, const char *columns,
                   const mc_cli_common *common, const char *model, const char *data)
{
    size_t len = strlen(model);
    int onnx = len >= 5 && strcasecmp(model + len - 5, ".onnx") == 0;
    int onnx_age = len >= 9 && strcasecmp(model + len - 9, ".onnx.age") == 0;
    if (onnx && mc_cli_age_given(a))
        return mc_cli_usage_error("predict", "MODEL.onnx is not encrypted: -i and --passphrase-* "
                                  "are for MODEL.onnx.age");
    if (columns && !onnx && !onnx_age)
        return mc_cli_usage_error("predict", "--columns is for an ONNX model (MODEL.onnx)");
    if (onnx)
        return mc_onnx_predict(pred, model, data, columns) == MC_OK ? MC_EXIT_OK : mc_cli_fail();
    if (!mc_cli_age_given(a))
        return mc_predict(pred, model, data) == MC_OK ? MC_EXIT_OK : mc_cli_fail();
    mc_decrypt_options d = {.input = model};
    mc_decrypt_result r;
    mc_cli_age_decrypt_options(&d, a, common);
    int rc = onnx_age ? mc_onnx_predict_decrypted(pred, &r, &d, data, columns)
                      : mc_predict_decrypted(pred, &r, &d, data);
    int status = rc == MC_OK ? MC_EXIT_OK : mc_cli_age_fail(&r.info);
    if (r.audit_event && common->verbose)
        mc_report_audit_recorded(stderr, r.audit_path, r.audit_event);
    free(r.audit_path);
    return status;
}

int mc_cmd_predict(int argc, char **argv)
{
    static const struct option own[] = {
        MC_CLI_AGE_OPTIONS, {"columns", required_argument, NULL, OPT_COLUMNS}, {NULL, 0, NULL, 0}};
    static opts o = {.a = {.verb = "predict"}};
    mc_cli_verb verb = {"predict", help, MC_CLI_OUTPUT | MC_CLI_AUDIT | MC_CLI_QUIET | MC_CLI_VERBOSE,
                        own, "i:", on_option, &o, 1};
    mc_cli_common common;
    int first, status = mc_cli_parse(&verb, argc, argv, &common, &first);
    if (status != MC_CLI_GO)
        return status;
    if (argc - first != 2)
        return mc_cli_usage_error("predict", "expected a model and a data file");
    const char *out = common.output ? common.output : "-";
    mc_prediction pred = {0};
    int to_terminal = strcmp(out, "-") == 0 && isatty(STDOUT_FILENO);
    status = mc_file_check_output(out) != MC_OK
                 ? mc_cli_fail()
                 : predict(&pred, &o.a, o.columns, &common, argv[first], argv[first + 1]);
    if (status == MC_EXIT_OK && to_terminal) /* class names come from the data: no escape */
        mc_report_terminal_text(stdout, pred.csv, strlen(pred.csv));
    else if (status == MC_EXIT_OK && mc_file_write_atomic(out, pred.csv, strlen(pred.csv)))
        status = mc_cli_fail();
    if (status == MC_EXIT_OK && pred.dropped && !common.quiet)
        fprintf(stderr, "modelcert: %zu row%s dropped by the model's dropna step (no prediction)\n",
                pred.dropped, pred.dropped == 1 ? "" : "s");
    mc_prediction_clear(&pred);
    return status;
}
