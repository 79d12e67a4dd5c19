/* `explain` on files (mc_explain_file.h): the background rows read and preprocessed once
 * (their mean is the Integrated Gradients baseline, an even spread of them the Shapley
 * background; given as a file, or as the run's training rows), then the data streamed chunk by chunk through the model's stored
 * preprocessing, each row explained and written at once. */
#include "mc_explain_file.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mc_buf.h"
#include "mc_csv.h"
#include "mc_csv_stream.h"
#include "mc_error.h"

typedef struct reader_opts {
    mc_csv_override *ov;
    const char **required;
    mc_csv_options o;
} reader_opts;

/* The CSV options prediction reads raw rows with: the model's input columns with their
 * training kinds, its delimiter and missing-value markers. */
static int reader_opts_make(reader_opts *r, const mc_model *m)
{
    const mc_pipeline *p = m->pipeline;
    r->ov = calloc(p->n_inputs + 1, sizeof *r->ov);
    r->required = calloc(p->n_inputs + 1, sizeof *r->required);
    if (!r->ov || !r->required)
        return mc_error_nomem();
    for (size_t i = 0; i < p->n_inputs; i++) {
        r->ov[i].column = p->inputs[i].name;
        r->ov[i].kind = p->inputs[i].categorical ? MC_CSV_CATEGORICAL : MC_CSV_NUMERIC;
        r->required[i] = p->inputs[i].name;
    }
    r->o = (mc_csv_options){m->delimiter, (const char *const *)m->missing_values,
                            m->n_missing_values, r->ov, p->n_inputs, r->required, p->n_inputs, 1};
    return MC_OK;
}

/* The rows of t (raw; preprocessed in place) as double features *z[t->n_rows][d]. */
static int features(double **z, const mc_model *m, mc_table *t, const char *what)
{
    float *x = NULL;
    size_t d = m->pipeline->n_features;
    int rc = mc_pipeline_apply_range(m->pipeline, t, 0, m->pipeline->n_steps);
    if (rc == MC_OK)
        rc = mc_pipeline_matrix(&x, m->pipeline, t, what);
    double *out = rc == MC_OK ? malloc((t->n_rows * d + 1) * sizeof *out) : NULL;
    if (rc == MC_OK && !out)
        rc = mc_error_nomem();
    for (size_t i = 0; rc == MC_OK && i < t->n_rows * d; i++)
        out[i] = (double)x[i];
    free(x);
    if (rc == MC_OK)
        *z = out;
    return rc;
}

/* The background rows as double features *z[*n] and their 0-based data rows *rows: read
 * from bg->path, or converted from bg->x. */
static int background_rows(double **z, size_t **rows, size_t *n, const mc_model *m,
                           const mc_explain_background *bg, const reader_opts *r)
{
    size_t d = m->pipeline->n_features;
    if (!bg->path) {
        *z = malloc((bg->n * d + 1) * sizeof **z);
        *rows = malloc((bg->n + 1) * sizeof **rows);
        if (!*z || !*rows)
            return mc_error_nomem();
        for (size_t i = 0; i < bg->n * d; i++)
            (*z)[i] = (double)bg->x[i];
        memcpy(*rows, bg->rows, bg->n * sizeof **rows);
        *n = bg->n;
        return MC_OK;
    }
    mc_table *t = NULL;
    int rc = mc_csv_read(&t, bg->path, &r->o);
    if (rc == MC_OK)
        rc = features(z, m, t, bg->path);
    if (rc == MC_OK && !(*rows = malloc((t->n_rows + 1) * sizeof **rows)))
        rc = mc_error_nomem();
    if (rc == MC_OK) {
        memcpy(*rows, t->row_index, t->n_rows * sizeof **rows);
        *n = t->n_rows;
    }
    mc_table_free(t);
    return rc;
}

/* The background: its features (an even spread of at most o->background_size rows) and the
 * ig baseline (their mean over every row, or the stated row). */
static int background(double **bg_out, size_t *n_bg, double **z0, mc_explain_summary *sum,
                      const mc_model *m, const mc_explain_background *bg, const reader_opts *r,
                      const mc_explain_options *o)
{
    double *z = NULL, *pick = NULL, *base = NULL;
    size_t *rows = NULL, d = m->pipeline->n_features, n = 0, k = 0;
    int rc = background_rows(&z, &rows, &n, m, bg, r);
    if (rc)
        goto cleanup;
    if (n == 0) {
        rc = mc_error_set(MC_EINPUT, "%s: no background rows (after the model's dropna)",
                          bg->name);
        goto cleanup;
    }
    k = o->background_size < n ? o->background_size : n;
    if (!(pick = malloc(k * d * sizeof *pick + 1)) || !(base = calloc(d + 1, sizeof *base))) {
        rc = mc_error_nomem();
        goto cleanup;
    }
    for (size_t i = 0; i < k; i++) /* row floor(i n / k): spread evenly, in order */
        memcpy(pick + i * d, z + (i * n / k) * d, d * sizeof *pick);
    for (size_t i = 0; i < n && !o->baseline_row; i++)
        for (size_t j = 0; j < d; j++)
            base[j] += z[i * d + j];
    for (size_t j = 0; j < d && !o->baseline_row; j++)
        base[j] /= (double)n;
    for (size_t i = 0; o->baseline_row && i <= n; i++) {
        if (i == n) {
            rc = mc_error_set(MC_EINPUT, "%s: data row %zu is not a background row (beyond "
                              "them, or removed by the model's dropna step%s)", bg->name,
                              o->baseline_row, bg->path ? "" : ", or not a training row");
            goto cleanup;
        }
        if (rows[i] + 1 == o->baseline_row) {
            memcpy(base, z + i * d, d * sizeof *base);
            break;
        }
    }
    sum->background = n, sum->sample = k;
    *bg_out = pick, *n_bg = k, *z0 = base;
    pick = base = NULL;
cleanup:
    free(z);
    free(rows);
    free(pick);
    free(base);
    return rc;
}

static void put_header(mc_buf *b, const mc_model *m, const mc_explain_options *o)
{
    const mc_pipeline *p = m->pipeline;
    mc_buf_puts(b, m->task == MC_TASK_MULTICLASS ? "row,class,prediction,baseline"
                                                 : "row,prediction,baseline");
    for (size_t i = 0; i < p->n_inputs; i++) {
        char head[600];
        snprintf(head, sizeof head, "attr_%.512s", p->inputs[i].name);
        mc_buf_put(b, ",", 1);
        mc_buf_put_csv_field(b, head);
    }
    mc_buf_puts(b, ",gap");
    if (o->method == MC_EXPLAIN_IG)
        mc_buf_puts(b, ",steps,converged");
    for (size_t i = 0; o->method == MC_EXPLAIN_SHAPLEY_SAMPLING && i < p->n_inputs; i++) {
        char head[600];
        snprintf(head, sizeof head, "se_%.512s", p->inputs[i].name);
        mc_buf_put(b, ",", 1);
        mc_buf_put_csv_field(b, head);
    }
    mc_buf_puts(b, "\n");
}

static void put_row(mc_buf *b, const mc_model *m, const mc_explain_options *o, size_t row,
                    const mc_explanation *x, size_t M)
{
    mc_buf_printf(b, "%zu", row);
    if (m->task == MC_TASK_MULTICLASS) {
        mc_buf_put(b, ",", 1);
        mc_buf_put_csv_field(b, m->classes[x->unit]);
    }
    mc_buf_printf(b, ",%.17g,%.17g", x->prediction, x->baseline);
    for (size_t i = 0; i < M; i++)
        mc_buf_printf(b, ",%.17g", x->attr[i]);
    mc_buf_printf(b, ",%.3g", x->gap);
    if (o->method == MC_EXPLAIN_IG)
        mc_buf_printf(b, ",%d,%d", x->steps, x->converged);
    for (size_t i = 0; o->method == MC_EXPLAIN_SHAPLEY_SAMPLING && i < M; i++)
        mc_buf_printf(b, ",%.17g", x->se[i]);
    mc_buf_puts(b, "\n");
}

/* Writes and empties b; MC_EIO when out fails, MC_ENOMEM when b did. */
static int flush(mc_buf *b, FILE *out, const char *what)
{
    char *text = NULL;
    size_t len = 0;
    int rc = mc_buf_take(b, &text, &len);
    if (rc == MC_OK && len && fwrite(text, 1, len, out) != len)
        rc = mc_error_set(MC_EIO, "cannot write %s", what);
    free(text);
    return rc;
}

/* Explains one chunk's rows (raw, preprocessed here) into b. */
static int explain_chunk(mc_explainer *e, mc_explanation *x, mc_explain_summary *sum,
                         const mc_model *m, mc_table *t, const mc_explain_options *o, mc_buf *b,
                         const char *what)
{
    double *z = NULL;
    size_t before = t->n_rows, d = m->pipeline->n_features, M = mc_explainer_columns(e);
    int rc = features(&z, m, t, what);
    if (rc)
        return rc;
    sum->rows += before, sum->dropped += before - t->n_rows;
    for (size_t r = 0; rc == MC_OK && r < t->n_rows; r++) {
        size_t row = t->row_index[r] + 1;
        if ((rc = mc_explainer_row(e, z + r * d, t->row_index[r], x))) {
            char msg[1024];
            snprintf(msg, sizeof msg, "%s", mc_error_last()->message);
            rc = mc_error_set_at(rc, t->source, (int)t->line_of_row[r], 1, "data row %zu: %s", row,
                                 msg);
            break;
        }
        put_row(b, m, o, row, x, M);
        sum->explained++;
        if (!x->converged && !sum->unmet++)
            sum->first_unmet = row;
        if (x->gap > sum->max_gap || sum->explained == 1)
            sum->max_gap = x->gap, sum->max_gap_row = row;
        sum->max_steps_used = x->steps > sum->max_steps_used ? x->steps : sum->max_steps_used;
    }
    free(z);
    return rc;
}

int mc_explain_csv(mc_explain_summary *sum, const mc_model *m, const char *data_path,
                   const mc_explain_background *background_rows, const mc_explain_options *o,
                   FILE *out)
{
    reader_opts r = {0};
    mc_csv_chunks *chunks = NULL;
    mc_explainer *e = NULL;
    mc_table *t = NULL;
    double *bg = NULL, *z0 = NULL;
    size_t n_bg = 0, M = m->pipeline->n_inputs;
    mc_explanation x = {0};
    mc_buf b = {0};
    memset(sum, 0, sizeof *sum);
    int rc = reader_opts_make(&r, m);
    if (rc == MC_OK)
        rc = mc_csv_chunks_open(&chunks, data_path, &r.o, MC_EXPLAIN_CHUNK_ROWS);
    if (rc == MC_OK)
        rc = background(&bg, &n_bg, &z0, sum, m, background_rows, &r, o);
    if (rc == MC_OK)
        rc = mc_explainer_create(&e, m, bg, n_bg, z0, o);
    if (rc == MC_OK && (!(x.attr = calloc(M + 1, sizeof *x.attr)) ||
                        !(x.se = calloc(M + 1, sizeof *x.se))))
        rc = mc_error_nomem();
    if (rc)
        goto cleanup;
    put_header(&b, m, o); /* written with the first chunk: a bad first chunk writes nothing */
    while ((rc = mc_csv_chunks_next(chunks, &t)) == MC_OK && t) {
        rc = explain_chunk(e, &x, sum, m, t, o, &b, data_path);
        mc_table_free(t);
        t = NULL;
        if (rc || (rc = flush(&b, out, "the explanations")))
            break;
    }
    if (rc == MC_OK && sum->rows == 0)
        rc = flush(&b, out, "the explanations");
    if (rc == MC_OK && fflush(out) != 0)
        rc = mc_error_set(MC_EIO, "cannot write the explanations");
cleanup:
    mc_buf_free(&b);
    mc_table_free(t);
    free(x.attr);
    free(x.se);
    free(bg);
    free(z0);
    mc_explainer_free(e);
    mc_csv_chunks_free(chunks);
    free(r.ov);
    free(r.required);
    return rc;
}
