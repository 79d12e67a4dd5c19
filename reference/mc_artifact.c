/* The model artifact, written and read (mc_artifact.h, docs/formats.md): the
 * header built from a network and its fitted pipeline, the bytes with their
 * checksum, decoding that checks every field of a file that may come from
 * anyone before it becomes a model, and freeing a decrypted model wiped. Not
 * here: what goes in the header of a run's model (mc_run_record.c), and ONNX
 * export (export/). */
#include "mc_artifact.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "mc_error.h"
#include "mc_file.h"
#include "mc_json.h"

void mc_model_free(mc_model *m)
{
    if (!m)
        return;
    json_decref(m->header);
    mc_nn_free(m->nn);
    mc_pipeline_free(m->pipeline);
    for (int i = 0; m->classes && i < m->n_classes; i++)
        free(m->classes[i]);
    free(m->classes);
    for (size_t i = 0; m->missing_values && i < m->n_missing_values; i++)
        free(m->missing_values[i]);
    free(m->missing_values);
    free(m);
}

static void wipe_text(char *s)
{
    if (s)
        OPENSSL_cleanse(s, strlen(s));
}

void mc_model_free_wiped(mc_model *m)
{
    if (!m)
        return;
    if (m->nn && m->nn->params)
        OPENSSL_cleanse(m->nn->params, m->nn->n_params * sizeof *m->nn->params);
    for (size_t s = 0; m->pipeline && s < m->pipeline->n_steps; s++) {
        mc_fitted_step *st = &m->pipeline->steps[s];
        for (size_t i = 0; i < st->n_cols; i++) {
            mc_fitted_col *c = &st->cols[i];
            OPENSSL_cleanse(&c->a, sizeof c->a);
            OPENSSL_cleanse(&c->b, sizeof c->b);
            wipe_text(c->text);
            for (size_t k = 0; k < c->n_cats; k++)
                wipe_text(c->cats[k]);
        }
    }
    mc_json_wipe(m->header);
    mc_model_free(m);
}

static void put_u32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static void put_u64(unsigned char *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static uint32_t get_u32(const unsigned char *p)
{
    uint32_t v = 0;
    for (int i = 3; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

static uint64_t get_u64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

/* One layer as the header's architecture lists it. */
static int layer_json(json_t **out, const mc_nn_layer *L)
{
    const char *type = mc_names_layer[L->kind];
    json_t *jl = L->kind != MC_LAYER_DENSE
                     ? json_pack("{s:s, s:f}", "type", type, "rate", (double)L->rate)
                     : json_pack("{s:s, s:i, s:s}", "type", type, "units", L->out, "activation",
                                 mc_activation_name(L->act));
    int rc = jl ? MC_OK : mc_error_nomem();
    if (rc == MC_OK && L->kind == MC_LAYER_DENSE && L->act == MC_ACT_LEAKY_RELU)
        rc = mc_json_set(jl, "negative_slope", json_real((double)L->slope));
    if (rc) {
        json_decref(jl);
        return rc;
    }
    *out = jl;
    return MC_OK;
}

int mc_artifact_architecture_json(json_t **out, const mc_nn *nn)
{
    json_t *layers = json_array(), *arch = NULL;
    int rc = layers ? MC_OK : mc_error_nomem();
    for (int l = 0; rc == MC_OK && l < nn->n_layers; l++) {
        json_t *jl = NULL;
        if ((rc = layer_json(&jl, &nn->layers[l])) == MC_OK)
            rc = mc_json_append(layers, jl);
    }
    if (rc == MC_OK && !(arch = json_pack("{s:i, s:O}", "input", nn->in, "layers", layers)))
        rc = mc_error_nomem();
    json_decref(layers);
    if (rc == MC_OK)
        *out = arch;
    return rc;
}

/* The header's "tensors": where each dense layer's kernel and bias lie in
 * the parameter block. */
static int tensors_json(json_t **out, const mc_nn *nn)
{
    json_t *t = json_array();
    int rc = t ? MC_OK : mc_error_nomem();
    for (int l = 0; rc == MC_OK && l < nn->n_layers; l++) {
        const mc_nn_layer *L = &nn->layers[l];
        if (L->kind != MC_LAYER_DENSE)
            continue;
        char name[48];
        snprintf(name, sizeof name, "layers.%d.kernel", l);
        rc = mc_json_append(t, json_pack("{s:s, s:[i,i], s:I}", "name", name, "shape", L->in,
                                         L->out, "offset", (json_int_t)L->w_off));
        snprintf(name, sizeof name, "layers.%d.bias", l);
        if (rc == MC_OK)
            rc = mc_json_append(t, json_pack("{s:s, s:[i], s:I}", "name", name, "shape", L->out,
                                             "offset", (json_int_t)L->b_off));
    }
    if (rc) {
        json_decref(t);
        return rc;
    }
    *out = t;
    return MC_OK;
}

int mc_artifact_encode(unsigned char **out, size_t *len, json_t *header, const mc_nn *nn)
{
    char *canon = NULL;
    size_t hlen = 0;
    json_t *tensors = NULL;
    int rc = mc_json_set(header, "format_version", json_integer(MC_ARTIFACT_VERSION));
    if (rc == MC_OK && (rc = tensors_json(&tensors, nn)) == MC_OK)
        rc = mc_json_set(header, "tensors", tensors);
    if (rc == MC_OK)
        rc = mc_json_set(header, "parameters", json_integer((json_int_t)nn->n_params));
    if (rc == MC_OK)
        rc = mc_json_canonical(&canon, &hlen, header);
    if (rc)
        return rc;
    size_t body = 24 + hlen;
    size_t pad = (64 - body % 64) % 64;
    size_t total = body + pad + nn->n_params * 4 + 32;
    unsigned char *buf = calloc(1, total);
    if (!buf) {
        free(canon);
        return mc_error_nomem();
    }
    memcpy(buf, MC_ARTIFACT_MAGIC, 8); /* with its NUL */
    put_u32(buf + 8, MC_ARTIFACT_VERSION);
    put_u64(buf + 16, hlen);
    memcpy(buf + 24, canon, hlen);
    free(canon);
    unsigned char *p = buf + body + pad;
    for (size_t i = 0; i < nn->n_params; i++) {
        uint32_t bits;
        memcpy(&bits, &nn->params[i], 4);
        put_u32(p + 4 * i, bits);
    }
    char hex[MC_SHA256_HEX_LEN + 1];
    rc = mc_sha256_hex(hex, buf, total - 32);
    for (int i = 0; rc == MC_OK && i < 32; i++) {
        unsigned v;
        sscanf(hex + 2 * i, "%2x", &v);
        buf[total - 32 + (size_t)i] = (unsigned char)v;
    }
    if (rc) {
        free(buf);
        return rc;
    }
    *out = buf;
    *len = total;
    return MC_OK;
}

/* ---- decoding ---------------------------------------------------------------- */

static int bad(const char *name, const char *what)
{
    return mc_error_set(MC_EINPUT, "%s: not a valid modelcert model: %s", name, what);
}

static int parse_layers(mc_nn_layer **out, int *n, const json_t *arch, const char *name)
{
    const json_t *layers = json_object_get(arch, "layers");
    if (!json_is_array(layers) || json_array_size(layers) == 0 || json_array_size(layers) > 64)
        return bad(name, "architecture.layers");
    *n = (int)json_array_size(layers);
    mc_nn_layer *L = calloc((size_t)*n, sizeof *L);
    if (!L)
        return mc_error_nomem();
    for (int l = 0; l < *n; l++) {
        const json_t *jl = json_array_get(layers, (size_t)l);
        int kind = mc_enum_from_name(mc_names_layer, json_string_value(json_object_get(jl, "type")));
        if (kind == MC_LAYER_DENSE) {
            int act = mc_enum_from_name(mc_names_activation,
                                        json_string_value(json_object_get(jl, "activation")));
            json_int_t units = json_integer_value(json_object_get(jl, "units"));
            L[l].kind = MC_LAYER_DENSE;
            L[l].out = (int)units;
            json_t *slope = json_object_get(jl, "negative_slope");
            L[l].slope = slope ? (float)json_number_value(slope) : 0.2f;
            if (act < 0 || units < 1 || units > 65536) {
                free(L);
                return bad(name, "dense layer");
            }
            L[l].act = act;
        } else if (kind == MC_LAYER_DROPOUT) {
            L[l].kind = MC_LAYER_DROPOUT;
            L[l].rate = (float)json_number_value(json_object_get(jl, "rate"));
            if (!(L[l].rate >= 0 && L[l].rate < 1)) {
                free(L);
                return bad(name, "dropout layer");
            }
        } else {
            free(L);
            return bad(name, "layer type");
        }
    }
    *out = L;
    return MC_OK;
}

static int parse_classes(mc_model *m, const char *name)
{
    int task = mc_enum_from_name(mc_names_task, json_string_value(json_object_get(m->header, "task")));
    const json_t *classes = json_object_get(m->header, "classes");
    if (task < 0)
        return bad(name, "task");
    m->task = task;
    if (m->task == MC_TASK_REGRESSION)
        return json_is_null(classes) || !classes ? MC_OK : bad(name, "classes");
    if (!json_is_array(classes) || json_array_size(classes) < 2 || json_array_size(classes) > 65536)
        return bad(name, "classes");
    m->n_classes = (int)json_array_size(classes);
    m->classes = calloc((size_t)m->n_classes, sizeof *m->classes);
    if (!m->classes)
        return mc_error_nomem();
    for (int i = 0; i < m->n_classes; i++) {
        const json_t *c = json_array_get(classes, (size_t)i);
        if (!json_is_string(c))
            return bad(name, "classes");
        if (!(m->classes[i] = strdup(json_string_value(c))))
            return mc_error_nomem();
        for (int k = 0; k < i; k++)
            if (strcmp(m->classes[k], m->classes[i]) == 0)
                return bad(name, "a class appears twice");
    }
    if (m->task == MC_TASK_BINARY && m->n_classes != 2)
        return bad(name, "binary task with other than two classes");
    return MC_OK;
}

/* How prediction reads raw CSV: "delimiter", one character, and
 * "missing_values", at most 64 strings; both optional (defaults: ',' and the
 * markers the spec language defaults to). */
static int parse_csv_options(mc_model *m, const char *name)
{
    static const char *const default_markers[] = {"", "NA", "NaN", "null"};
    const json_t *delim = json_object_get(m->header, "delimiter");
    const json_t *mv = json_object_get(m->header, "missing_values");
    m->delimiter = ',';
    if (delim) {
        const char *d = json_string_value(delim);
        if (!d || json_string_length(delim) != 1 || d[0] == '"' || d[0] == '\n' || d[0] == '\r')
            return bad(name, "delimiter must be one character other than a quote or a line break");
        m->delimiter = d[0];
    }
    size_t n = mv ? json_array_size(mv) : sizeof default_markers / sizeof default_markers[0];
    if (mv && (!json_is_array(mv) || n > 64))
        return bad(name, "missing_values must be an array of at most 64 strings");
    if (!(m->missing_values = calloc(n + 1, sizeof *m->missing_values)))
        return mc_error_nomem();
    for (size_t i = 0; i < n; i++) {
        const json_t *item = mv ? json_array_get(mv, i) : NULL;
        if (mv && !json_is_string(item))
            return bad(name, "missing_values must be an array of at most 64 strings");
        const char *text = mv ? json_string_value(item) : default_markers[i];
        if (!(m->missing_values[i] = strdup(text)))
            return mc_error_nomem();
        m->n_missing_values = i + 1;
    }
    return MC_OK;
}

/* Every tensor the header lists must be exactly where the network puts it. */
static int check_tensors(const mc_model *m, const char *name)
{
    json_t *expect = NULL;
    int rc = tensors_json(&expect, m->nn);
    if (rc)
        return rc;
    int same = json_equal(expect, json_object_get(m->header, "tensors"));
    json_decref(expect);
    json_int_t np = json_integer_value(json_object_get(m->header, "parameters"));
    if (!same || np != (json_int_t)m->nn->n_params)
        return bad(name, "the tensors listed do not match the architecture");
    return MC_OK;
}

/* The header as JSON. jansson's reader can return a wrong value, not NULL,
 * when an allocation fails inside its lexer (akheron/jansson#362), so the
 * header is read twice and the readings must agree: otherwise that is an
 * allocation failure, never a different model. */
static int read_header(json_t **out, const char *text, size_t len, const char *name)
{
    json_error_t e1, e2;
    json_t *a = json_loadb(text, len, JSON_REJECT_DUPLICATES, &e1);
    json_t *b = json_loadb(text, len, JSON_REJECT_DUPLICATES, &e2);
    int rc = MC_OK;
    /* jansson sets the error record only on failure: its code is read only then. */
    if ((!a && json_error_code(&e1) == json_error_out_of_memory) ||
        (!b && json_error_code(&e2) == json_error_out_of_memory) || (a && b && !json_equal(a, b)) ||
        (!a != !b))
        rc = mc_error_nomem();
    else if (!json_is_object(a))
        rc = bad(name, "header is not a JSON object");
    mc_json_wipe(b); /* the second parse of a decrypted model's header leaves nothing */
    json_decref(b);
    if (rc) {
        mc_json_wipe(a);
        json_decref(a);
        return rc;
    }
    *out = a;
    return MC_OK;
}

int mc_artifact_decode(mc_model **out, const unsigned char *buf, size_t len, const char *name)
{
    int rc = MC_OK;
    mc_model *m = NULL;
    mc_nn_layer *layers = NULL;
    if (len < 24 + 32 || memcmp(buf, MC_ARTIFACT_MAGIC, 8) != 0)
        return bad(name, "wrong magic (not a model file, or truncated)");
    if (get_u32(buf + 8) != MC_ARTIFACT_VERSION)
        return mc_error_set(MC_EINPUT, "%s: model format version %u is not supported (this "
                            "modelcert reads version %d)", name, get_u32(buf + 8), MC_ARTIFACT_VERSION);
    uint64_t hlen = get_u64(buf + 16);
    if (hlen > MC_ARTIFACT_MAX_HEADER || hlen > len - 24 - 32)
        return bad(name, "header length (truncated file?)");
    char hex[MC_SHA256_HEX_LEN + 1];
    if ((rc = mc_sha256_hex(hex, buf, len - 32)))
        return rc;
    for (int i = 0; i < 32; i++) {
        unsigned v;
        sscanf(hex + 2 * i, "%2x", &v);
        if (buf[len - 32 + (size_t)i] != (unsigned char)v)
            return bad(name, "checksum mismatch: the file is truncated or was altered");
    }
    if (!(m = calloc(1, sizeof *m)))
        return mc_error_nomem();
    if ((rc = read_header(&m->header, (const char *)buf + 24, (size_t)hlen, name)))
        goto cleanup;
    const char *format = json_string_value(json_object_get(m->header, "format"));
    const json_t *version = json_object_get(m->header, "format_version");
    if (!json_is_integer(version) || json_integer_value(version) != MC_ARTIFACT_VERSION) {
        rc = bad(name, "the header's format_version is not 1");
        goto cleanup;
    }
    const json_t *arch = json_object_get(m->header, "architecture");
    json_int_t input = json_integer_value(json_object_get(arch, "input"));
    if (!format || strcmp(format, "modelcert-model") != 0 || input < 1 || input > 1000000) {
        rc = bad(name, "header format or architecture.input");
        goto cleanup;
    }
    int n_layers = 0;
    if ((rc = parse_layers(&layers, &n_layers, arch, name)) ||
        (rc = mc_nn_create(&m->nn, (int)input, layers, n_layers)) || (rc = check_tensors(m, name)) ||
        (rc = parse_classes(m, name)) || (rc = parse_csv_options(m, name)))
        goto cleanup;
    size_t body = 24 + (size_t)hlen, pad = (64 - body % 64) % 64;
    if (body + pad + m->nn->n_params * 4 + 32 != len) {
        rc = bad(name, "file size does not match the parameter count");
        goto cleanup;
    }
    const unsigned char *p = buf + body + pad;
    for (size_t i = 0; i < m->nn->n_params; i++) {
        uint32_t bits = get_u32(p + 4 * i);
        memcpy(&m->nn->params[i], &bits, 4);
        if (!isfinite(m->nn->params[i])) {
            rc = bad(name, "a parameter is NaN or infinite");
            goto cleanup;
        }
    }
    if ((rc = mc_pipeline_from_json(&m->pipeline, json_object_get(m->header, "preprocessing")))) {
        if (rc == MC_EINPUT) { /* name the file, as every other refusal does */
            char inner[sizeof mc_error_last()->message];
            snprintf(inner, sizeof inner, "%s", mc_error_last()->message);
            rc = bad(name, inner);
        }
        goto cleanup;
    }
    if (m->pipeline->n_features != (size_t)input) {
        rc = bad(name, "feature count does not match architecture.input");
        goto cleanup;
    }
    const char *num = json_string_value(json_object_get(m->header, "numerics"));
    if (!num || (strcmp(num, "reference") != 0 && strcmp(num, "fast") != 0)) {
        rc = bad(name, "numerics must be \"fast\" or \"reference\"");
        goto cleanup;
    }
    m->numerics = strcmp(num, "reference") == 0 ? MC_NUMERICS_REFERENCE : MC_NUMERICS_FAST;
    m->decision_threshold = json_number_value(json_object_get(m->header, "decision_threshold"));
    if (m->task == MC_TASK_BINARY && !(m->decision_threshold > 0 && m->decision_threshold < 1)) {
        rc = bad(name, "decision_threshold");
        goto cleanup;
    }
    if ((m->task == MC_TASK_REGRESSION && m->nn->out != 1) ||
        (m->task == MC_TASK_BINARY && m->nn->out != 1) ||
        (m->task == MC_TASK_MULTICLASS && m->nn->out != m->n_classes)) {
        rc = bad(name, "output width does not match the task");
        goto cleanup;
    }
    rc = mc_sha256_hex(m->digest, buf, len);
cleanup:
    free(layers);
    if (rc) {
        mc_model_free(m);
        return rc;
    }
    *out = m;
    return MC_OK;
}

int mc_model_load(mc_model **out, const char *path)
{
    char *buf = NULL;
    size_t len = 0;
    int rc = mc_file_read_all(&buf, &len, path, mc_file_input_limit());
    if (rc)
        return rc;
    rc = mc_artifact_decode(out, (const unsigned char *)buf, len, path);
    free(buf);
    return rc;
}
