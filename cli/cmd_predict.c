/* The `predict` verb: a model artifact applied to raw rows of a CSV, the
 * predictions written as CSV.
 *
 *   modelcert predict MODEL DATA.csv [-o OUT.csv] [-q] */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "mc_file.h"
#include "mc_predict.h"
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
    "options:\n"
    "  -o, --output FILE   write here (atomically) instead of stdout\n"
    "  -q, --quiet         no note of the rows dropped\n"
    "  -h, --help          this help\n"
    "\n"
    "exit status: 0 predictions written, 2 bad model, data or usage, 3 internal or\n"
    "environment error.\n";

int mc_cmd_predict(int argc, char **argv)
{
    mc_cli_verb verb = {"predict", help, MC_CLI_OUTPUT | MC_CLI_QUIET, NULL, NULL, NULL, NULL, 1};
    mc_cli_common common;
    int first, status = mc_cli_parse(&verb, argc, argv, &common, &first);
    if (status != MC_CLI_GO)
        return status;
    if (argc - first != 2)
        return mc_cli_usage_error("predict", "expected a model and a data file");
    const char *out = common.output ? common.output : "-";
    mc_prediction pred = {0};
    status = MC_EXIT_OK;
    int to_terminal = strcmp(out, "-") == 0 && isatty(STDOUT_FILENO);
    if (mc_file_check_output(out) != MC_OK || mc_predict(&pred, argv[first], argv[first + 1]) != MC_OK)
        status = mc_cli_fail();
    else if (to_terminal) /* class names come from the data: no escape sequence may pass */
        mc_report_terminal_text(stdout, pred.csv, strlen(pred.csv));
    else if (mc_file_write_atomic(out, pred.csv, strlen(pred.csv)) != MC_OK)
        status = mc_cli_fail();
    if (status == MC_EXIT_OK && pred.dropped && !common.quiet)
        fprintf(stderr, "modelcert: %zu row%s dropped by the model's dropna step (no prediction)\n",
                pred.dropped, pred.dropped == 1 ? "" : "s");
    mc_prediction_clear(&pred);
    return status;
}
