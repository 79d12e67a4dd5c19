/* modelcert predict MODEL DATA.csv [-o OUT.csv] */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "mc_artifact.h"
#include "mc_csv.h"
#include "mc_file.h"
#include "mc_run.h"

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

static int predict(char **csv, size_t *dropped, const mc_model *m, const char *data_path)
{
    const mc_pipeline *p = m->pipeline;
    mc_table *t = NULL;
    float *x = NULL, *pred = NULL;
    mc_csv_override *ov = calloc(p->n_inputs + 1, sizeof *ov);
    const char **req = calloc(p->n_inputs + 1, sizeof *req);
    static const char *const missing[] = {"", "NA", "NaN", "null"};
    int rc = ov && req ? MC_OK : mc_error_nomem();
    for (size_t i = 0; rc == MC_OK && i < p->n_inputs; i++) {
        ov[i].column = p->inputs[i].name;
        ov[i].kind = p->inputs[i].categorical ? MC_CSV_CATEGORICAL : MC_CSV_NUMERIC;
        req[i] = p->inputs[i].name;
    }
    json_t *mv = json_object_get(m->header, "missing_values");
    const char **markers = (const char **)missing;
    size_t n_markers = 4;
    const char *mv_items[64];
    if (json_is_array(mv) && json_array_size(mv) <= 64) {
        for (size_t i = 0; i < json_array_size(mv); i++)
            mv_items[i] = json_string_value(json_array_get(mv, i));
        markers = mv_items;
        n_markers = json_array_size(mv);
    }
    const char *delim = json_string_value(json_object_get(m->header, "delimiter"));
    mc_csv_options o = {delim && delim[0] ? delim[0] : ',', markers, n_markers, ov, p->n_inputs,
                        req, p->n_inputs, 1};
    if (rc == MC_OK)
        rc = mc_csv_read(&t, data_path, &o);
    size_t n_in = t ? t->n_rows : 0;
    if (rc == MC_OK)
        rc = mc_pipeline_apply_range(p, t, 0, p->n_steps);
    if (rc == MC_OK)
        rc = mc_pipeline_matrix(&x, p, t, data_path);
    if (rc == MC_OK) {
        pred = malloc((t->n_rows + 1) * (size_t)m->nn->out * sizeof *pred);
        rc = pred ? mc_nn_predict(m->nn, x, t->n_rows, pred) : mc_error_nomem();
    }
    if (rc == MC_OK)
        rc = mc_predictions_csv(csv, t->row_index, pred, t->n_rows, m->nn->out, m->task, m->classes,
                                m->n_classes, m->decision_threshold, NULL);
    if (rc == MC_OK)
        *dropped = n_in - t->n_rows;
    free(ov);
    free(req);
    free(x);
    free(pred);
    mc_table_free(t);
    return rc;
}

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
    mc_model *m = NULL;
    char *csv = NULL;
    size_t dropped = 0;
    int status = MC_EXIT_OK;
    if (mc_model_load(&m, argv[optind]) != MC_OK || predict(&csv, &dropped, m, argv[optind + 1]) != MC_OK ||
        mc_file_write_atomic(out, csv, strlen(csv)) != MC_OK)
        status = mc_cli_fail();
    else if (dropped)
        fprintf(stderr, "modelcert: %zu row%s dropped by the model's dropna step (no prediction)\n",
                dropped, dropped == 1 ? "" : "s");
    free(csv);
    mc_model_free(m);
    return status;
}
