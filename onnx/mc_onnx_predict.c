/* `modelcert predict MODEL.onnx DATA.csv` (docs/onnx.md "predict with an ONNX model"): the
 * model read bounded and loaded by the interpreter, the CSV read as text (no cell guessed),
 * the graph's inputs bound to columns (by name, or one [N, F] tensor from named or all
 * numeric columns), the graph run on chunks of MC_ONNX_CHUNK_ROWS rows, and the outputs
 * written as CSV. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "mc_buf.h"
#include "mc_csv.h"
#include "mc_file.h"
#include "mc_onnx_predict.h"
#include "mc_onnx_rt.h"

#define MAX_MARKERS 64

typedef struct binding {
    const mc_onnx_model *m;
    const mc_table *t;
    size_t n_in;
    const mc_onnx_io *in;
    long *col;        /* by name: input i's column; tensor mode: the F columns */
    size_t n_col;
    int by_name;
    const char *markers[MAX_MARKERS];
    size_t n_markers;
    json_t *meta;
} binding;

static int is_marker(const binding *b, const char *s)
{
    for (size_t i = 0; i < b->n_markers; i++)
        if (strcmp(b->markers[i], s) == 0)
            return 1;
    return 0;
}

/* The missing-value markers: modelcert's export names them in its metadata (a JSON array of
 * at most MAX_MARKERS strings, else the model is refused), else pandas'. */
static int markers(binding *b)
{
    static const char *const dflt[] = {"", "NA", "NaN", "null"};
    const char *s = mc_onnx_model_meta(b->m, "modelcert.missing_values");
    json_error_t err;
    if (!s) {
        for (size_t i = 0; i < 4; i++)
            b->markers[b->n_markers++] = dflt[i];
        return MC_OK;
    }
    b->meta = json_loads(s, JSON_REJECT_DUPLICATES, &err);
    if (!b->meta && json_error_code(&err) == json_error_out_of_memory)
        return mc_error_nomem();
    if (!json_is_array(b->meta) || json_array_size(b->meta) > MAX_MARKERS)
        return mc_error_set(MC_EINPUT, "the model's metadata modelcert.missing_values is not a "
                            "JSON array of at most %d strings", MAX_MARKERS);
    for (size_t i = 0; i < json_array_size(b->meta); i++) {
        if (!json_is_string(json_array_get(b->meta, i)))
            return mc_error_set(MC_EINPUT, "the model's metadata modelcert.missing_values is "
                                "not a JSON array of strings");
        b->markers[b->n_markers++] = json_string_value(json_array_get(b->meta, i));
    }
    return MC_OK;
}

static const char *cell(const mc_table *t, long c, size_t r, char buf[32])
{
    const char *s = mc_column_cell_text(&t->cols[c], r, buf);
    return s ? s : "";
}

/* A cell as a number: a marker is NaN; anything else must be a finite number. */
static int cell_number(double *v, const binding *b, long c, size_t r)
{
    char buf[32];
    const char *s = cell(b->t, c, r, buf);
    if (is_marker(b, s)) {
        *v = NAN;
        return MC_OK;
    }
    if (mc_csv_parse_number(s, strlen(s), v) != 1)
        return mc_error_set_at(MC_EINPUT, b->t->source, (int)b->t->line_of_row[r], 0,
                               "column '%.128s': '%.64s' is not a finite number",
                               b->t->cols[c].name, s);
    return MC_OK;
}

static int column_is_numeric(const binding *b, long c)
{
    for (size_t r = 0; r < b->t->n_rows; r++) {
        char buf[32];
        const char *s = cell(b->t, c, r, buf);
        double v;
        if (!is_marker(b, s) && mc_csv_parse_number(s, strlen(s), &v) != 1)
            return 0;
    }
    return 1;
}

static int bind(binding *b, const char *columns)
{
    const mc_table *t = b->t;
    b->n_in = mc_onnx_model_inputs(b->m, &b->in);
    size_t named = 0;
    for (size_t i = 0; i < b->n_in; i++)
        named += mc_table_find(t, b->in[i].name) >= 0;
    b->by_name = !columns && b->n_in > 0 && named == b->n_in;
    size_t cap = b->n_in + t->n_cols + 1;
    if (!(b->col = calloc(cap, sizeof *b->col)))
        return mc_error_nomem();
    char tb[16];
    if (b->by_name) {
        for (size_t i = 0; i < b->n_in; i++) {
            const mc_onnx_io *io = &b->in[i];
            b->col[i] = mc_table_find(t, io->name);
            if (io->rank < 1 || io->rank > 2 || (io->rank == 2 && io->dims[1] > 1) ||
                io->dtype == MC_OT_BOOL)
                return mc_error_set(MC_EINPUT, "graph input '%.128s' (%s, rank %d) cannot take "
                                    "a column: [N] or [N, 1] of float, double, int64 or string "
                                    "is needed", io->name, mc_onnx_dtype_name(io->dtype, tb),
                                    io->rank);
        }
        return MC_OK;
    }
    const mc_onnx_io *io = &b->in[0];
    if (b->n_in != 1 || io->rank != 2 || io->dims[1] < 1 ||
        (io->dtype != MC_OT_FLOAT && io->dtype != MC_OT_DOUBLE))
    {
        const char *miss = "(no inputs)";
        for (size_t i = 0; i < b->n_in && !strcmp(miss, "(no inputs)"); i++)
            if (mc_table_find(t, b->in[i].name) < 0)
                miss = b->in[i].name;
        return mc_error_set(MC_EINPUT, "the model's %zu inputs are neither all columns of %s "
                            "(no column '%.128s') nor one [N, F] float or double tensor with F "
                            "fixed", b->n_in, t->source, miss);
    }
    size_t f = (size_t)io->dims[1];
    if (columns) {
        const char *p = columns;
        while (*p) {
            const char *e = strchr(p, ',');
            size_t len = e ? (size_t)(e - p) : strlen(p);
            char name[512];
            if (len >= sizeof name)
                return mc_error_set(MC_EINPUT, "--columns: a name is over %zu bytes",
                                    sizeof name - 1);
            memcpy(name, p, len);
            name[len] = '\0';
            long c = mc_table_find(t, name);
            if (c < 0)
                return mc_error_set(MC_EINPUT, "--columns: %s has no column '%.128s'",
                                    t->source, name);
            if (b->n_col == cap - 1)
                return mc_error_set(MC_EINPUT, "--columns names more columns than the file has");
            b->col[b->n_col++] = c;
            p = e ? e + 1 : p + len;
        }
    } else {
        for (size_t c = 0; c < t->n_cols; c++)
            if (column_is_numeric(b, (long)c))
                b->col[b->n_col++] = (long)c;
    }
    if (b->n_col != f)
        return mc_error_set(MC_EINPUT, "the model's input '%.128s' takes %zu features; %s "
                            "%zu (%s): name them in order with --columns", io->name, f,
                            columns ? "--columns names" : "the file has numeric columns",
                            b->n_col, columns ? "given" : "in file order");
    return MC_OK;
}

/* Input tensors for rows [r0, r0 + n). */
static int fill_inputs(mc_onnx_tensor *in, const binding *b, size_t r0, size_t n)
{
    int rc = MC_OK;
    for (size_t i = 0; rc == MC_OK && i < b->n_in; i++) {
        const mc_onnx_io *io = &b->in[i];
        int64_t dims[2] = {(int64_t)n, b->by_name ? 1 : (int64_t)b->n_col};
        size_t w = b->by_name ? 1 : b->n_col;
        rc = mc_onnx_shape_set(&in[i], io->dtype, dims, b->by_name ? io->rank : 2,
                               MC_ONNX_BUDGET, io->name);
        if (rc == MC_OK)
            rc = mc_onnx_tensor_alloc(&in[i]);
        for (size_t r = 0; rc == MC_OK && r < n; r++)
            for (size_t j = 0; rc == MC_OK && j < w; j++) {
                long c = b->by_name ? b->col[i] : b->col[j];
                if (io->dtype == MC_OT_STRING) {
                    char buf[32];
                    const char *s = cell(b->t, c, r0 + r, buf);
                    if (s == buf) /* a numeric column's text: not kept, and not expected */
                        return mc_error_set(MC_EINPUT, "column '%.128s' is not text",
                                            b->t->cols[c].name);
                    ((mc_onnx_str *)in[i].data)[r] = (mc_onnx_str){s, strlen(s)};
                    continue;
                }
                double v;
                rc = cell_number(&v, b, c, r0 + r);
                if (rc == MC_OK && io->dtype == MC_OT_INT64 &&
                    !(v == floor(v) && fabs(v) < 9.0e15))
                    rc = mc_error_set_at(MC_EINPUT, b->t->source, (int)b->t->line_of_row[r0 + r],
                                         0, "column '%.128s': an int64 input needs an integer",
                                         b->t->cols[c].name);
                if (rc == MC_OK)
                    mc_onnx_put(&in[i], r * w + j, v);
            }
    }
    return rc;
}

static void put_value(mc_buf *o, const mc_onnx_tensor *t, size_t i)
{
    char num[40];
    switch (t->dtype) {
    case MC_OT_FLOAT: snprintf(num, sizeof num, "%.9g", (double)((float *)t->data)[i]); break;
    case MC_OT_DOUBLE: snprintf(num, sizeof num, "%.17g", ((double *)t->data)[i]); break;
    case MC_OT_INT64: snprintf(num, sizeof num, "%lld", (long long)((int64_t *)t->data)[i]); break;
    case MC_OT_BOOL: snprintf(num, sizeof num, "%d", ((unsigned char *)t->data)[i] != 0); break;
    default: {
        const mc_onnx_str *s = (const mc_onnx_str *)t->data + i;
        char *z = strndup(s->p ? s->p : "", s->n);
        if (!z) {
            o->failed = 1;
            return;
        }
        mc_buf_put_csv_field(o, z);
        free(z);
        return;
    }
    }
    mc_buf_puts(o, num);
}

static int write_chunk(mc_buf *o, const binding *b, const mc_onnx_tensor *out, size_t r0,
                       size_t n)
{
    const mc_onnx_io *io;
    size_t n_out = mc_onnx_model_outputs(b->m, &io);
    for (size_t k = 0; k < n_out; k++)
        if (out[k].rank < 1 || out[k].dims[0] != (int64_t)n)
            return mc_error_set(MC_EINPUT, "graph output '%.128s' does not have one row per input "
                                "row (%zu rows in, rank %d, first dimension %lld out)",
                                io[k].name, n, out[k].rank,
                                (long long)(out[k].rank ? out[k].dims[0] : 0));
    if (r0 == 0) {
        mc_buf_puts(o, "row");
        for (size_t k = 0; k < n_out; k++) {
            size_t w = n ? out[k].n / n : 1;
            for (size_t j = 0; j < w; j++) {
                char name[600];
                if (w == 1)
                    snprintf(name, sizeof name, "%s", io[k].name);
                else
                    snprintf(name, sizeof name, "%s_%zu", io[k].name, j);
                mc_buf_puts(o, ",");
                mc_buf_put_csv_field(o, name);
            }
        }
        mc_buf_puts(o, "\n");
    }
    for (size_t r = 0; r < n; r++) {
        mc_buf_printf(o, "%zu", b->t->row_index[r0 + r] + 1);
        for (size_t k = 0; k < n_out; k++) {
            size_t w = out[k].n / n;
            for (size_t j = 0; j < w; j++) {
                mc_buf_puts(o, ",");
                put_value(o, &out[k], r * w + j);
            }
        }
        mc_buf_puts(o, "\n");
    }
    return MC_OK;
}

/* One output's values as doubles (a gate's scores), in place of the CSV. */
typedef struct collect {
    const char *output; /* NULL: the first */
    size_t k, width;
    double *v;
} collect;

static int collect_chunk(collect *cl, const mc_onnx_model *m, const mc_onnx_tensor *res,
                         size_t n_rows, size_t r0, size_t n)
{
    const mc_onnx_io *io;
    size_t n_out = mc_onnx_model_outputs(m, &io);
    if (r0 == 0) {
        for (cl->k = 0; cl->output && cl->k < n_out; cl->k++)
            if (strcmp(io[cl->k].name, cl->output) == 0)
                break;
        if (cl->k == n_out || n_out == 0)
            return mc_error_set(MC_EINPUT, "model.output: the graph has no output '%.128s'",
                                cl->output ? cl->output : "(none)");
        const mc_onnx_tensor *o = &res[cl->k];
        if (o->rank < 1 || o->dims[0] != (int64_t)n || o->n % n != 0 ||
            (o->dtype != MC_OT_FLOAT && o->dtype != MC_OT_DOUBLE))
            return mc_error_set(MC_EINPUT, "graph output '%.128s' is not one row of float or "
                                "double scores per input row", io[cl->k].name);
        cl->width = o->n / n;
        if (cl->width > ((size_t)1 << 20) || !(cl->v = calloc(n_rows * cl->width + 1,
                                                             sizeof *cl->v)))
            return mc_error_nomem();
    }
    const mc_onnx_tensor *o = &res[cl->k];
    if (o->dims[0] != (int64_t)n || o->n != n * cl->width)
        return mc_error_set(MC_EINPUT, "graph output '%.128s' changes its width between rows",
                            io[cl->k].name);
    for (size_t i = 0; i < o->n; i++)
        cl->v[r0 * cl->width + i] = o->dtype == MC_OT_FLOAT ? (double)((float *)o->data)[i]
                                                            : ((double *)o->data)[i];
    return MC_OK;
}

static int predict_table(mc_prediction *out, collect *cl, const mc_onnx_model *m,
                         const char *name, const mc_table *t, const char *columns)
{
    binding b = {0};
    b.m = m;
    b.t = t;
    mc_buf o = {0};
    const mc_onnx_io *oio;
    size_t n_out = mc_onnx_model_outputs(m, &oio);
    int rc = markers(&b);
    if (rc == MC_OK)
        rc = bind(&b, columns);
    mc_onnx_tensor *in = calloc(b.n_in + 1, sizeof *in), *res = calloc(n_out + 1, sizeof *res);
    if (rc == MC_OK && (!in || !res))
        rc = mc_error_nomem();
    if (rc == MC_OK && t->n_rows == 0)
        rc = mc_error_set(MC_EINPUT, "%s has no data rows", t->source);
    for (size_t r0 = 0; rc == MC_OK && r0 < t->n_rows; r0 += MC_ONNX_CHUNK_ROWS) {
        size_t n = t->n_rows - r0 < MC_ONNX_CHUNK_ROWS ? t->n_rows - r0 : MC_ONNX_CHUNK_ROWS;
        rc = fill_inputs(in, &b, r0, n);
        if (rc == MC_OK && (rc = mc_onnx_model_run(res, m, in)) == MC_EINPUT) {
            char why[900];
            memcpy(why, mc_error_last()->message, sizeof why - 1);
            why[sizeof why - 1] = '\0';
            rc = mc_error_set(MC_EINPUT, "%s: %s", name, why);
        }
        if (rc == MC_OK)
            rc = cl ? collect_chunk(cl, m, res, t->n_rows, r0, n) : write_chunk(&o, &b, res, r0, n);
        for (size_t i = 0; i < b.n_in; i++)
            mc_onnx_tensor_release(&in[i]);
        for (size_t k = 0; k < n_out; k++) /* also when collecting or writing failed */
            mc_onnx_tensor_release(&res[k]);
    }
    size_t len;
    if (rc == MC_OK && !cl && (rc = mc_buf_take(&o, &out->csv, &len)) == MC_OK)
        out->rows = t->n_rows;
    mc_buf_free(&o);
    free(in);
    free(res);
    free(b.col);
    json_decref(b.meta);
    return rc;
}

int mc_onnx_predict_bytes(mc_prediction *out, const unsigned char *model, size_t len,
                          const char *model_name, const char *csv, size_t csv_len,
                          const char *csv_name, const char *columns)
{
    memset(out, 0, sizeof *out);
    mc_onnx_model *m = NULL;
    mc_table *t = NULL;
    mc_csv_options o = {.delimiter = ',', .others_categorical = 1};
    int rc = mc_onnx_model_load(&m, model, len, model_name);
    if (rc == MC_OK)
        rc = mc_csv_parse(&t, csv_name, csv, csv_len, &o);
    if (rc == MC_OK)
        rc = predict_table(out, NULL, m, model_name, t, columns);
    mc_table_free(t);
    mc_onnx_model_free(m);
    return rc;
}

int mc_onnx_predict(mc_prediction *out, const char *model_path, const char *data_path,
                    const char *columns)
{
    char *model = NULL, *csv = NULL;
    size_t len = 0, csv_len = 0;
    memset(out, 0, sizeof *out);
    int rc = mc_file_read_all(&model, &len, model_path, MC_ONNX_MAX_FILE);
    if (rc == MC_OK)
        rc = mc_file_read_text(&csv, &csv_len, data_path, mc_file_input_limit());
    if (rc == MC_OK)
        rc = mc_onnx_predict_bytes(out, (const unsigned char *)model, len, model_path, csv,
                                   csv_len, data_path, columns);
    free(model);
    free(csv);
    return rc;
}

int mc_onnx_score_table(double **out, size_t *width, const mc_onnx_model *m, const char *name,
                        const mc_table *t, const char *columns, const char *output)
{
    collect cl = {.output = output};
    int rc = predict_table(NULL, &cl, m, name, t, columns);
    if (rc) {
        free(cl.v);
        return rc;
    }
    *out = cl.v;
    *width = cl.width;
    return MC_OK;
}
