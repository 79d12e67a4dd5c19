/* The `explain` verb: per-row attributions for every raw column of a model's input
 * (docs/explanations.md); options parsed here, one library call (verbs/mc_explain_verb.h),
 * the summary rendered by reports/.
 *
 *   modelcert explain MODEL_OR_RUN DATA.csv [--background TRAIN.csv] [-o OUT.csv]
 *                     [--method ig|shapley|shapley-sampling] [--tolerance T]
 *                     [--max-steps N] [--baseline-row N] [--background-size N]
 *                     [--permutations K] [--seed S] [-q] */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "mc_report_explain.h"

static const char help[] =
    "usage: modelcert explain [options] RUN_DIR DATA.csv\n"
    "       modelcert explain [options] MODEL DATA.csv --background TRAIN.csv\n"
    "\n"
    "Explain each row of DATA.csv (or - for stdin): how much each raw column moved the\n"
    "model's output (the positive class's probability, the predicted class's, or the\n"
    "value) away from a baseline, through the model's stored preprocessing. One-hot\n"
    "features are summed back to their raw column. The file is streamed: any length in\n"
    "bounded memory. Writes CSV: row, [class,] prediction, baseline, attr_<column> for\n"
    "each raw column, gap = |sum of attributions - (prediction - baseline)|, and\n"
    "steps,converged (ig) or se_<column> (shapley-sampling).\n"
    "\n"
    "The background rows are a run directory's own training rows (its recorded spec on\n"
    "its data, which must be unchanged), or those of --background (needed with a model\n"
    "file).\n"
    "\n"
    "The methods, chosen with --method M:\n"
    "  ig                Integrated Gradients (default): the baseline is the background\n"
    "                    rows' mean features (or --baseline-row); the grid is doubled\n"
    "                    until the gap is at most T * max(1, |prediction|, |baseline|)\n"
    "  shapley           exact interventional Shapley values over the background sample\n"
    "                    (every coalition: at most 16 raw columns)\n"
    "  shapley-sampling  their permutation-sampling estimate, with standard errors\n"
    "\n"
    "options:\n"
    "  -o, --output FILE        write here (atomically) instead of stdout\n"
    "      --background FILE    background rows: the training rows or a sample of them\n"
    "      --method M           ig, shapley or shapley-sampling\n"
    "      --tolerance T        ig: relative completeness tolerance (default 1e-6)\n"
    "      --max-steps N        ig: the largest grid, a power of two (default 4096)\n"
    "      --baseline-row N     ig: the baseline is data row N of the background file\n"
    "      --background-size N  shapley: background rows, spread evenly (default 100)\n"
    "      --permutations K     shapley-sampling: permutations per row (default 256)\n"
    "      --seed S             shapley-sampling: the seed (default 0)\n"
    "  -q, --quiet              no summary on stderr\n"
    "  -h, --help               this help\n"
    "\n"
    "exit status: 0 every row explained within the tolerance, 1 written but some row's\n"
    "gap never met it (column converged = 0), 2 bad model, data or usage, 3 internal.\n";

enum { OPT_BACKGROUND = 0x2001, OPT_METHOD, OPT_TOL, OPT_MAX_STEPS, OPT_BASE_ROW, OPT_BG_SIZE,
       OPT_PERMS, OPT_SEED };

/* A whole decimal number in [lo, hi]. */
static int number(const char *v, unsigned long long lo, unsigned long long hi,
                  unsigned long long *out)
{
    char *end = NULL;
    errno = 0;
    unsigned long long n = strtoull(v, &end, 10);
    if (!*v || *v == '-' || *end || errno || n < lo || n > hi)
        return 0;
    *out = n;
    return 1;
}

static int on_option(void *ctx, int code, const char *value)
{
    mc_explain_request *r = ctx;
    unsigned long long n = 0;
    char *end = NULL;
    switch (code) {
    case OPT_BACKGROUND:
        r->background = value;
        return MC_EXIT_OK;
    case OPT_METHOD:
        for (int m = 0; m < MC_EXPLAIN_METHOD_COUNT; m++)
            if (strcmp(value, mc_names_explain_method[m]) == 0) {
                r->opt.method = m;
                return MC_EXIT_OK;
            }
        return mc_cli_usage_error("explain", "--method: '%s' is not ig, shapley or "
                                  "shapley-sampling", value);
    case OPT_TOL:
        r->opt.tolerance = strtod(value, &end);
        if (!*value || *end || !(r->opt.tolerance > 0.0) || !isfinite(r->opt.tolerance))
            return mc_cli_usage_error("explain", "--tolerance: '%s' is not a positive number",
                                      value);
        return MC_EXIT_OK;
    case OPT_MAX_STEPS:
        if (!number(value, 16, MC_EXPLAIN_MAX_STEPS, &n) || (n & (n - 1)))
            return mc_cli_usage_error("explain", "--max-steps: '%s' is not a power of two from "
                                      "16 to %d", value, MC_EXPLAIN_MAX_STEPS);
        r->opt.max_steps = (int)n;
        return MC_EXIT_OK;
    case OPT_BASE_ROW:
        if (!number(value, 1, (unsigned long long)1 << 62, &n))
            return mc_cli_usage_error("explain", "--baseline-row: '%s' is not a row number "
                                      "(1 or more)", value);
        r->opt.baseline_row = (size_t)n;
        return MC_EXIT_OK;
    case OPT_BG_SIZE:
        if (!number(value, 1, MC_EXPLAIN_MAX_BACKGROUND, &n))
            return mc_cli_usage_error("explain", "--background-size: '%s' is not a number "
                                      "from 1 to %d", value, MC_EXPLAIN_MAX_BACKGROUND);
        r->opt.background_size = (size_t)n;
        return MC_EXIT_OK;
    case OPT_PERMS:
        if (!number(value, 2, MC_EXPLAIN_MAX_PERMUTATIONS, &n))
            return mc_cli_usage_error("explain", "--permutations: '%s' is not a number from 2 "
                                      "to %d", value, MC_EXPLAIN_MAX_PERMUTATIONS);
        r->opt.permutations = (int)n;
        return MC_EXIT_OK;
    default:
        if (!number(value, 0, ~0ull, &n))
            return mc_cli_usage_error("explain", "--seed: '%s' is not a number", value);
        r->opt.seed = n;
        return MC_EXIT_OK;
    }
}

int mc_cmd_explain(int argc, char **argv)
{
    static const struct option own[] = {
        {"background", required_argument, NULL, OPT_BACKGROUND},
        {"method", required_argument, NULL, OPT_METHOD},
        {"tolerance", required_argument, NULL, OPT_TOL},
        {"max-steps", required_argument, NULL, OPT_MAX_STEPS},
        {"baseline-row", required_argument, NULL, OPT_BASE_ROW},
        {"background-size", required_argument, NULL, OPT_BG_SIZE},
        {"permutations", required_argument, NULL, OPT_PERMS},
        {"seed", required_argument, NULL, OPT_SEED},
        {NULL, 0, NULL, 0}};
    static mc_explain_request r;
    mc_explain_options_default(&r.opt);
    mc_cli_verb verb = {"explain", help, MC_CLI_OUTPUT | MC_CLI_QUIET, own, "", on_option, &r, 1};
    mc_cli_common common;
    int first, status = mc_cli_parse(&verb, argc, argv, &common, &first);
    if (status != MC_CLI_GO)
        return status;
    if (argc - first != 2)
        return mc_cli_usage_error("explain", "expected a model (or run directory) and a data "
                                  "file");
    if (r.opt.baseline_row && r.opt.method != MC_EXPLAIN_IG)
        return mc_cli_usage_error("explain", "--baseline-row is for --method ig (Shapley "
                                  "values average over the background rows)");
    r.model = argv[first];
    r.data = argv[first + 1];
    r.output = common.output ? common.output : "-";
    mc_explain_summary sum = {0};
    if (mc_explain(&sum, &r) != MC_OK)
        return mc_cli_fail();
    if (!common.quiet)
        mc_report_explain_text(stderr, &sum, &r);
    return sum.unmet ? MC_EXIT_FAILED : MC_EXIT_OK;
}
