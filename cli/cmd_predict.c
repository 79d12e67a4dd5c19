/* modelcert predict MODEL DATA.csv [-o OUT.csv] */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "mc_file.h"
#include "mc_predict.h"

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
    "  -h, --help          this help\n"
    "\n"
    "exit status: 0 predictions written, 2 bad model, data or usage, 3 internal or\n"
    "environment error.\n";

int mc_cmd_predict(int argc, char **argv)
{
    static const struct option longs[] = {
        {"output", required_argument, NULL, 'o'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    const char *out = "-";
    int c;
    if (mc_cli_wants_help(argc, argv)) {
        fputs(help, stdout);
        return MC_EXIT_OK;
    }
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:h", longs, NULL)) != -1) {
        if (c == 'o')
            out = optarg;
        else
            return mc_cli_usage_error("predict", "unknown option or missing value: '%s'", argv[optind - 1]);
    }
    if (argc - optind != 2)
        return mc_cli_usage_error("predict", "expected a model and a data file");
    mc_prediction pred = {0};
    int status = MC_EXIT_OK;
    if (mc_predict(&pred, argv[optind], argv[optind + 1]) != MC_OK ||
        mc_file_write_atomic(out, pred.csv, strlen(pred.csv)) != MC_OK)
        status = mc_cli_fail();
    else if (pred.dropped)
        fprintf(stderr, "modelcert: %zu row%s dropped by the model's dropna step (no prediction)\n",
                pred.dropped, pred.dropped == 1 ? "" : "s");
    mc_prediction_clear(&pred);
    return status;
}
