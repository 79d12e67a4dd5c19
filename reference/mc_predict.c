/* Prediction on raw rows (mc_predict.h): the model's fitted pipeline, then
 * the row-independent kernels, and the predictions CSV. One path for
 * `modelcert predict` and for the test predictions of a run, so the two
 * cannot drift. */
#include "mc_predict.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_buf.h"
#include "mc_csv.h"
#include "mc_error.h"
#include "mc_metrics.h"

/* Finite inputs can still overflow inside the network; such an output is no
 * prediction, and the row is named rather than a made-up class printed. */
static int check_finite(const float *pred, const mc_table *t, int width)
{
    for (size_t r = 0; r < t->n_rows; r++)
        for (int k = 0; k < width; k++)
            if (!isfinite(pred[r * (size_t)width + (size_t)k]))
                return mc_error_set_at(MC_EINPUT, t->source, (int)t->line_of_row[r], 1,
                                       "the model's output for this row is not a finite number "
                                       "(its values are far outside the training data's range)");
    return MC_OK;
}

int mc_predict_table(float **pred, const mc_model *m, mc_table *t, const char *what)
{
    float *x = NULL, *p = NULL;
    int rc = mc_pipeline_apply_range(m->pipeline, t, 0, m->pipeline->n_steps);
    if (rc == MC_OK)
        rc = mc_pipeline_matrix(&x, m->pipeline, t, what);
    if (rc == MC_OK && !(p = malloc((t->n_rows + 1) * (size_t)m->nn->out * sizeof *p)))
        rc = mc_error_nomem();
    if (rc == MC_OK)
        rc = mc_nn_predict(m->nn, x, t->n_rows, p);
    if (rc == MC_OK)
        rc = check_finite(p, t, m->nn->out);
    free(x);
    if (rc) {
        free(p);
        return rc;
    }
    *pred = p;
    return MC_OK;
}

/* The header line: row,[actual,]prediction, then a probability per class
 * (only the positive class's for a binary model). */
static void predictions_header(mc_buf *b, const mc_model *m, int with_actual)
{
    mc_buf_printf(b, "row%s,prediction", with_actual ? ",actual" : "");
    for (int k = m->task == MC_TASK_BINARY ? 1 : 0; m->task != MC_TASK_REGRESSION && k < m->n_classes;
         k++) {
        char head[600];
        snprintf(head, sizeof head, "p_%.512s", m->classes[k]); /* one field: quoted as a whole */
        mc_buf_put(b, ",", 1);
        mc_buf_put_csv_field(b, head);
    }
    mc_buf_puts(b, "\n");
}

int mc_predictions_csv(char **out, const mc_model *m, const size_t *row_index, const float *pred,
                       size_t n, const float *actual)
{
    mc_buf b = {0};
    /* no network: a model run elsewhere (an ONNX model) gives a class's probabilities */
    int width = m->nn ? m->nn->out : m->task == MC_TASK_MULTICLASS ? m->n_classes : 1;
    predictions_header(&b, m, actual != NULL);
    for (size_t r = 0; r < n; r++) {
        const float *p = pred + r * (size_t)width;
        mc_buf_printf(&b, "%zu", row_index[r] + 1);
        if (actual) {
            mc_buf_put(&b, ",", 1);
            if (m->task == MC_TASK_REGRESSION)
                mc_buf_printf(&b, "%.9g", (double)actual[r]);
            else
                mc_buf_put_csv_field(&b, m->classes[(int)actual[r]]);
        }
        mc_buf_put(&b, ",", 1);
        if (m->task == MC_TASK_REGRESSION) {
            mc_buf_printf(&b, "%.9g\n", (double)p[0]);
            continue;
        }
        mc_metric_input in = {m->task, m->n_classes, NULL, p, 1, m->decision_threshold, 0, 1};
        mc_buf_put_csv_field(&b, m->classes[mc_metric_predicted_class(&in, 0)]);
        for (int k = 0; k < width; k++)
            mc_buf_printf(&b, ",%.9g", (double)p[k]);
        mc_buf_puts(&b, "\n");
    }
    return mc_buf_take(&b, out, NULL);
}

/* Reads the rows prediction needs: the model's raw input columns, with the
 * kinds they had in training. */
static int read_rows(mc_table **t, const mc_model *m, const char *data_path)
{
    const mc_pipeline *p = m->pipeline;
    mc_csv_override *ov = calloc(p->n_inputs + 1, sizeof *ov);
    const char **required = calloc(p->n_inputs + 1, sizeof *required);
    int rc = ov && required ? MC_OK : mc_error_nomem();
    for (size_t i = 0; rc == MC_OK && i < p->n_inputs; i++) {
        ov[i].column = p->inputs[i].name;
        ov[i].kind = p->inputs[i].categorical ? MC_CSV_CATEGORICAL : MC_CSV_NUMERIC;
        required[i] = p->inputs[i].name;
    }
    mc_csv_options o = {m->delimiter, (const char *const *)m->missing_values, m->n_missing_values,
                        ov, p->n_inputs, required, p->n_inputs, 1};
    if (rc == MC_OK)
        rc = mc_csv_read(t, data_path, &o);
    free(ov);
    free(required);
    return rc;
}

/* predict with a model loaded (or not: rc) by the caller, which keeps it. */
static int predict_with(mc_prediction *out, int rc, const mc_model *m, const char *data_path)
{
    mc_table *t = NULL;
    float *pred = NULL;
    if (rc == MC_OK)
        rc = read_rows(&t, m, data_path);
    if (rc)
        goto cleanup;
    out->rows = t->n_rows;
    if ((rc = mc_predict_table(&pred, m, t, data_path)))
        goto cleanup;
    out->dropped = out->rows - t->n_rows;
    rc = mc_predictions_csv(&out->csv, m, t->row_index, pred, t->n_rows, NULL);
cleanup:
    free(pred);
    mc_table_free(t);
    if (rc)
        mc_prediction_clear(out);
    return rc;
}

int mc_predict(mc_prediction *out, const char *model_path, const char *data_path)
{
    mc_model *m = NULL;
    memset(out, 0, sizeof *out);
    int rc = mc_model_load(&m, model_path);
    rc = predict_with(out, rc, m, data_path);
    mc_model_free(m);
    return rc;
}

int mc_predict_bytes(mc_prediction *out, const unsigned char *model, size_t len,
                     const char *name, const char *data_path)
{
    mc_model *m = NULL;
    memset(out, 0, sizeof *out);
    int rc = mc_artifact_decode(&m, model, len, name);
    rc = predict_with(out, rc, m, data_path);
    mc_model_free_wiped(m); /* bytes in memory are a decrypted model: no knowledge left */
    return rc;
}

void mc_prediction_clear(mc_prediction *out)
{
    free(out->csv);
    memset(out, 0, sizeof *out);
}
