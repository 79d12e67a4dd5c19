/* `validate` of a spec whose model: names an ONNX model trained elsewhere (docs/onnx.md
 * "Gating an ONNX model"): the file read bounded and checked against model.sha256 before it
 * is parsed, loaded by modelcert's interpreter (onnx/), and the engine's run made with the
 * model scoring the test rows (reference's mc_run_execute_scored): the graph's inputs are the
 * raw columns by name, or one [N, F] tensor of model.inputs after the spec's preprocessing;
 * its output read as model.scores says and checked to be probabilities. Inference runs twice
 * and the two must agree bit for bit (the reproducibility result); with
 * privacy.membership_inference it scores the training and validation rows too (the losses). The run directory gets
 * the model's bytes as model.onnx, and the run its digest. An age-encrypted model.source is
 * decrypted in memory only (read_source), and the run directory then holds model.onnx.age
 * only, as does a run whose spec has protection. `reproduce` of such a run makes the same run
 * again with the bytes of the run directory's model.onnx (mc_model_gate_rerun). */
#include "mc_model_gate.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "mc_buf.h"
#include "mc_encrypt.h"
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

/* The ONNX model of model.source, its clear bytes in src->clear (wiped when freed). An age
 * file (its first line age's, binary or armored) is decrypted in memory only with keys, the
 * decryption audited; the pin may be the clear model's sha256 or the age file's, and
 * src->digest is the clear model's. src->sealed keeps the age file's bytes. */
typedef struct source {
    char *sealed, *clear;
    size_t sealed_len, clear_len;
    char digest[MC_SHA256_HEX_LEN + 1];
} source;

static int is_age(const char *b, size_t n)
{
    static const char bin[] = "age-encryption.org/v1\n", arm[] = "-----BEGIN AGE ENCRYPTED FILE";
    size_t ws = 0;
    while (ws < n && ws < 64 && strchr(" \t\r\n", b[ws]))
        ws++;
    return (n >= sizeof bin - 1 && memcmp(b, bin, sizeof bin - 1) == 0) ||
           (n - ws >= sizeof arm - 1 && memcmp(b + ws, arm, sizeof arm - 1) == 0);
}

static int read_source(source *src, const mc_spec *spec, const char *path,
                       const mc_decrypt_options *keys)
{
    const mc_model_ref *ref = &mc_spec_doc_get(spec)->model;
    char sealed[MC_SHA256_HEX_LEN + 1];
    char *bytes = NULL;
    size_t len = 0;
    /* An age file is longer than its plaintext by its header and 16 bytes a 64 KiB chunk. */
    int rc = mc_file_read_all(&bytes, &len, path, MC_ONNX_MAX_FILE + (MC_ONNX_MAX_FILE >> 12) +
                                                      ((size_t)1 << 20));
    if (rc == MC_OK && !is_age(bytes, len)) {
        if (keys)
            rc = mc_error_set(MC_EINPUT, "%s is not an age file: --identity and --passphrase-* "
                              "are for an encrypted model.source", path);
        else if (len > MC_ONNX_MAX_FILE)
            rc = mc_error_set(MC_EINPUT, "%s is over the limit of %zu bytes", path,
                              MC_ONNX_MAX_FILE);
        rc = rc ? rc : mc_sha256_hex(src->digest, bytes, len);
        if (rc == MC_OK && strcmp(src->digest, ref->sha256) != 0)
            rc = mc_spec_error(spec, &ref->sha256, "model.sha256: %s has sha256 %s, not the "
                               "pinned %s: the gate runs only on the model it names", path,
                               src->digest, ref->sha256);
        if (rc) {
            free(bytes);
            return rc;
        }
        src->clear = bytes;
        src->clear_len = len;
        return MC_OK;
    }
    src->sealed = bytes;
    src->sealed_len = len;
    if (rc || (rc = mc_sha256_hex(sealed, bytes, len)))
        return rc;
    if (!keys)
        return mc_error_set(MC_EINPUT, "%s is an age-encrypted model: give validate "
                            "--identity FILE (or --passphrase-env, --passphrase-file) to "
                            "decrypt it in memory", path);
    mc_decrypt_options k = *keys;
    mc_decrypt_result r;
    unsigned char *clear = NULL;
    k.input = path;
    rc = mc_decrypt_bytes(&clear, &src->clear_len, &r, &k, "validate", bytes, len);
    free(r.audit_path);
    src->clear = (char *)clear;
    if (rc == MC_OK && src->clear_len > MC_ONNX_MAX_FILE)
        rc = mc_error_set(MC_EINPUT, "%s decrypts to %zu bytes, over the limit of %zu", path,
                          src->clear_len, MC_ONNX_MAX_FILE);
    rc = rc ? rc : mc_sha256_hex(src->digest, src->clear, src->clear_len);
    if (rc == MC_OK && strcmp(src->digest, ref->sha256) != 0 && strcmp(sealed, ref->sha256) != 0)
        rc = mc_spec_error(spec, &ref->sha256, "model.sha256: %s decrypts to a model of sha256 "
                           "%s, and the age file's own sha256 is %s; neither is the pinned %s: "
                           "the gate runs only on the model it names", path, src->digest,
                           sealed, ref->sha256);
    return rc;
}

static void source_clear(source *src)
{
    if (src->clear)
        OPENSSL_clear_free(src->clear, src->clear_len ? src->clear_len : 1);
    free(src->sealed);
    memset(src, 0, sizeof *src);
}

/* The spec's run with the clear model of bytes (path names it in messages; digest, their
 * sha256, already checked against the pin): loaded, the test rows scored. run_file, when not
 * NULL, is the model file the run directory holds instead of model.onnx. *out's model is left
 * NULL. */
static int gate_run(mc_run **out, int *same, const mc_spec *spec, const mc_run_options *ro,
                    const char *bytes, size_t len, const char *path, const char *digest,
                    const char *run_file)
{
    const mc_spec_doc *d = mc_spec_doc_get(spec);
    mc_onnx_model *m = NULL;
    mc_run *run = NULL;
    gate g = {.ref = &d->model, .path = path, .same = 1};
    int rc = mc_onnx_model_load(&m, (const unsigned char *)bytes, len, path);
    g.m = m;
    if (rc == MC_OK)
        rc = join_inputs(&g.columns, &d->model.inputs);
    mc_run_scorer s = {score, &g, path, digest, run_file};
    if (rc == MC_OK)
        rc = mc_run_execute_scored(&run, spec, ro, &s);
    if (rc == MC_OK) {
        run->model_file = run_file ? run_file : MC_RUN_FILE_ONNX;
        *same = g.same;
        *out = run;
    }
    mc_onnx_model_free(m);
    free(g.columns);
    return rc;
}

int mc_model_gate_run(mc_run **out, int *same, const mc_spec *spec, const mc_run_options *ro,
                      const mc_decrypt_options *keys, int protected_run)
{
    const mc_spec_doc *d = mc_spec_doc_get(spec);
    char *path = mc_path_join(mc_spec_dir(spec), d->model.source);
    source src = {0};
    mc_run *run = NULL;
    int rc = path ? read_source(&src, spec, path, keys) : mc_error_nomem();
    const int sealed_out = src.sealed || protected_run; /* never model.onnx in the run */
    if (rc == MC_OK)
        rc = gate_run(&run, same, spec, ro, src.clear, src.clear_len, path, src.digest,
                      sealed_out ? MC_RUN_FILE_ONNX_AGE : NULL);
    if (rc == MC_OK) {
        /* The run directory's model file: the clear bytes for the protection's writer, the
           age file as it is, or the clear model.onnx (mc_run_free wipes run->model). */
        char **bytes = protected_run || !src.sealed ? &src.clear : &src.sealed;
        run->model = (unsigned char *)*bytes;
        run->model_len = protected_run || !src.sealed ? src.clear_len : src.sealed_len;
        *bytes = NULL;
        *out = run;
    }
    source_clear(&src);
    free(path);
    return rc;
}

int mc_model_gate_rerun(mc_run **out, int *same, const mc_spec *spec, const mc_run_options *ro,
                        const char *bytes, size_t len, const char *path)
{
    const mc_spec_doc *d = mc_spec_doc_get(spec);
    char digest[MC_SHA256_HEX_LEN + 1];
    int rc = mc_sha256_hex(digest, bytes, len);
    if (rc == MC_OK && strcmp(digest, d->model.sha256) != 0)
        rc = mc_spec_error(spec, &d->model.sha256, "model.sha256: %s has sha256 %s, not the "
                           "pinned %s: the gate runs only on the model it names", path, digest,
                           d->model.sha256);
    return rc ? rc : gate_run(out, same, spec, ro, bytes, len, path, digest, NULL);
}
