/* `validate` of a spec whose model: names an ONNX model trained elsewhere (docs/onnx.md
 * "Gating an ONNX model"): the file read bounded and checked against model.sha256 before it
 * is parsed, loaded by modelcert's interpreter (onnx/), and the engine's run made with the
 * model scoring the test rows (reference's mc_run_execute_scored): the graph's inputs are the
 * raw columns by name, or one [N, F] tensor of model.inputs after the spec's preprocessing;
 * its output read as model.scores says and checked to be probabilities. Inference runs twice
 * and the two must agree bit for bit (the reproducibility result); with
 * privacy.membership_inference it scores the training and validation rows too (the losses). The run directory gets
 * the model's bytes as model.onnx, and the run its digest. `reproduce` of such a run makes the
 * same run again with the bytes of the run directory's model.onnx (mc_model_gate_rerun). */
#include "mc_model_gate.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mc_buf.h"
#include "mc_file.h"
#include "mc_onnx_predict.h"
#include "mc_onnx_rt.h"
#include "mc_preds.h"
#include "mc_run_dir.h"

typedef struct gate {
    const mc_model_ref *ref;
    const mc_onnx_model *m;
    const char *path;
    char *columns;  /* model.inputs joined by commas; NULL: by name */
    int same;       /* every pair of inferences agreed bit for bit */
} gate;

/* Row r's scores (w of them) as the engine's prediction (width k). */
static int convert(float *pred, const double *v, size_t w, size_t k, const gate *g,
                   const mc_table *t, size_t r)
{
    int sc = g->ref->scores, task = g->ref->task;
    double p[1024], mx = -INFINITY, sum = 0.0;
    size_t want = task == MC_TASK_MULTICLASS ? k : 1;
    if (!(w == want || (task == MC_TASK_BINARY && w == 2)) || w > 1024)
        return mc_error_set(MC_EINPUT, "%s: the output has %zu values a row; a %s model.task "
                            "needs %zu%s", g->path, w, mc_task_name(task), want,
                            task == MC_TASK_BINARY ? " (the positive class's score) or 2" : "");
    for (size_t j = 0; j < w; j++) {
        if (!isfinite(v[j]))
            return mc_error_set_at(MC_EINPUT, t->source, (int)t->line_of_row[r], 0,
                                   "%s scores this row %g, not a finite number", g->path, v[j]);
        mx = v[j] > mx ? v[j] : mx;
    }
    for (size_t j = 0; j < w; j++) {
        p[j] = task == MC_TASK_REGRESSION || sc == MC_SCORES_PROBABILITY ? v[j]
               : sc == MC_SCORES_LOG_PROBABILITY ? exp(v[j])
               : w == 1 ? 1.0 / (1.0 + exp(-v[j])) : exp(v[j] - mx);
        sum += p[j];
    }
    if (task != MC_TASK_REGRESSION && sc == MC_SCORES_LOGIT && w > 1)
        for (size_t j = 0; j < w; j++)
            p[j] /= sum;
    else if (task != MC_TASK_REGRESSION && w > 1 && fabs(sum - 1.0) > 1e-4)
        return mc_error_set_at(MC_EINPUT, t->source, (int)t->line_of_row[r], 0,
                               "%s: this row's %zu scores sum to %.6g, not 1: not probabilities "
                               "(set model.scores: logit or log_probability)", g->path, w, sum);
    for (size_t j = 0; task != MC_TASK_REGRESSION && j < w; j++)
        if (!(p[j] >= 0.0 && p[j] <= 1.0))
            return mc_error_set_at(MC_EINPUT, t->source, (int)t->line_of_row[r], 0,
                                   "%s: this row's score %.6g is not a probability in [0, 1] "
                                   "(set model.scores: logit or log_probability)", g->path, p[j]);
    if (task == MC_TASK_BINARY)
        pred[0] = (float)p[w - 1];
    else
        for (size_t j = 0; j < w; j++)
            pred[j] = (float)p[j];
    return MC_OK;
}

static int score(void *ctx, const mc_table *raw, const mc_table *prepared, float *pred,
                 size_t width)
{
    gate *g = ctx;
    const mc_table *t = g->columns ? prepared : raw;
    double *v = NULL, *again = NULL;
    size_t w = 0, w2 = 0;
    const mc_onnx_io *in;
    size_t n_in = mc_onnx_model_inputs(g->m, &in);
    for (size_t i = 0; !g->columns && i < n_in; i++)
        if (mc_table_find(raw, in[i].name) < 0)
            return mc_error_set(MC_EINPUT, "%s: the graph's input '%.128s' is not a column of "
                                "%s; name the columns of its [N, F] tensor in order with "
                                "model.inputs", g->path, in[i].name, raw->source);
    int rc = mc_onnx_score_table(&v, &w, g->m, g->path, t, g->columns, g->ref->output);
    if (rc == MC_OK) /* inference again: the same bits or the gate says so */
        rc = mc_onnx_score_table(&again, &w2, g->m, g->path, t, g->columns, g->ref->output);
    if (rc == MC_OK)
        g->same = g->same && w == w2 && memcmp(v, again, t->n_rows * w * sizeof *v) == 0;
    for (size_t r = 0; rc == MC_OK && r < t->n_rows; r++)
        rc = convert(pred + r * width, v + r * w, w, width, g, t, r);
    free(v);
    free(again);
    return rc;
}

static int join_inputs(char **out, const mc_strlist *l)
{
    *out = NULL;
    if (l->count == 0)
        return MC_OK;
    mc_buf b = {0};
    for (size_t i = 0; i < l->count; i++) {
        if (i)
            mc_buf_puts(&b, ",");
        mc_buf_puts(&b, l->items[i]);
    }
    size_t len;
    return mc_buf_take(&b, out, &len);
}

/* The spec's run with the model of bytes (path names it in messages): refused unless their
 * sha256 is model.sha256, loaded, the test rows scored. *out's model left NULL. */
static int gate_run(mc_run **out, int *same, const mc_spec *spec, const mc_run_options *ro,
                    const char *bytes, size_t len, const char *path)
{
    const mc_spec_doc *d = mc_spec_doc_get(spec);
    char digest[MC_SHA256_HEX_LEN + 1];
    mc_onnx_model *m = NULL;
    mc_run *run = NULL;
    gate g = {.ref = &d->model, .path = path, .same = 1};
    int rc = mc_sha256_hex(digest, bytes, len);
    if (rc == MC_OK && strcmp(digest, d->model.sha256) != 0)
        rc = mc_spec_error(spec, &d->model.sha256, "model.sha256: %s has sha256 %s, not the "
                           "pinned %s: the gate runs only on the model it names", path, digest,
                           d->model.sha256);
    if (rc == MC_OK)
        rc = mc_onnx_model_load(&m, (const unsigned char *)bytes, len, path);
    g.m = m;
    if (rc == MC_OK)
        rc = join_inputs(&g.columns, &d->model.inputs);
    mc_run_scorer s = {score, &g, path, digest};
    if (rc == MC_OK)
        rc = mc_run_execute_scored(&run, spec, ro, &s);
    if (rc == MC_OK) {
        run->model_file = MC_RUN_FILE_ONNX;
        *same = g.same;
        *out = run;
    }
    mc_onnx_model_free(m);
    free(g.columns);
    return rc;
}

int mc_model_gate_run(mc_run **out, int *same, const mc_spec *spec, const mc_run_options *ro)
{
    const mc_spec_doc *d = mc_spec_doc_get(spec);
    char *path = mc_path_join(mc_spec_dir(spec), d->model.source), *bytes = NULL;
    size_t len = 0;
    mc_run *run = NULL;
    int rc = path ? mc_file_read_all(&bytes, &len, path, MC_ONNX_MAX_FILE) : mc_error_nomem();
    if (rc == MC_OK)
        rc = gate_run(&run, same, spec, ro, bytes, len, path);
    if (rc == MC_OK) {
        run->model = (unsigned char *)bytes; /* the run directory's model.onnx */
        run->model_len = len;
        bytes = NULL;
        *out = run;
    }
    free(bytes);
    free(path);
    return rc;
}

int mc_model_gate_rerun(mc_run **out, int *same, const mc_spec *spec, const mc_run_options *ro,
                        const char *bytes, size_t len, const char *path)
{
    return gate_run(out, same, spec, ro, bytes, len, path);
}
