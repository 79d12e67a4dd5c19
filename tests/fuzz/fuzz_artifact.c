/* libFuzzer harness: a model artifact and the whole prediction path
 * (tests/fuzz/README.md).
 *
 * Input layout:
 *   0     2  n, little-endian u16: the length of the CSV part (clamped to
 *            MAX_CSV and to what the input holds)
 *   2     n  the CSV part: raw rows to predict
 *   2+n   .. the model file without its 32-byte checksum; the harness
 *            appends it, so the fuzzer reaches the header and tensor checks
 *
 * A decoded model reads the CSV part as `modelcert predict` reads its data
 * (reference/mc_predict.c, read_rows: the model's delimiter and missing-value
 * markers, its raw inputs as required columns with their training kinds,
 * other columns as text), then runs mc_predict_table and
 * mc_predictions_csv. When the CSV part does not parse, the network still
 * runs on one row of zeros. */
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "mc_artifact.h"
#include "mc_csv.h"
#include "mc_error.h"
#include "mc_predict.h"

/* Speed caps: mc_nn_predict pads to 256-row chunks, so one prediction costs
 * about 256 * n_params multiply-adds whatever the row count. */
#define MAX_CSV 2048
#define MAX_PARAMS 8192

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* read_rows in reference/mc_predict.c, on a buffer instead of a file. */
static int read_rows(mc_table **t, const mc_model *m, const char *csv, size_t len)
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
        rc = mc_csv_parse(t, "fuzz.csv", csv, len, &o);
    free(ov);
    free(required);
    return rc;
}

static void predict(const mc_model *m, const char *csv, size_t csv_len)
{
    mc_table *t = NULL;
    float *pred = NULL;
    char *out = NULL;
    if (read_rows(&t, m, csv, csv_len) == MC_OK) {
        if (mc_predict_table(&pred, m, t, "fuzz.csv") == MC_OK &&
            mc_predictions_csv(&out, m, t->row_index, pred, t->n_rows, NULL) == MC_OK)
            free(out);
        free(pred);
        mc_table_free(t);
        return;
    }
    float *x = calloc((size_t)m->nn->in + 1, sizeof *x);
    float *y = malloc(((size_t)m->nn->out + 1) * sizeof *y);
    if (x && y)
        mc_nn_predict(m->nn, x, 1, y);
    free(x);
    free(y);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    size_t csv_len = (size_t)data[0] | (size_t)data[1] << 8;
    if (csv_len > MAX_CSV)
        csv_len = MAX_CSV;
    if (csv_len > size - 2)
        csv_len = size - 2;
    const char *csv = (const char *)data + 2;
    const uint8_t *model = data + 2 + csv_len;
    size_t model_len = size - 2 - csv_len;

    unsigned char *buf = malloc(model_len + 32);
    unsigned int n = 0;
    if (!buf)
        return 0;
    if (model_len)
        memcpy(buf, model, model_len);
    EVP_Digest(model, model_len, buf + model_len, &n, EVP_sha256(), NULL);
    mc_model *m = NULL;
    if (mc_artifact_decode(&m, buf, model_len + 32, "fuzz.mcm") == MC_OK) {
        if (m->nn->n_params <= MAX_PARAMS)
            predict(m, csv, csv_len);
        mc_model_free(m);
    }
    free(buf);
    return 0;
}
