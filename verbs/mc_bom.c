/* The ML-BOM (mc_bom.h): a run's release facts as a CycloneDX 1.6 document. Components: the
 * model (machine-learning-model: model.mcm's sha256 and its model card: task and approach from
 * the spec's loss, the architecture, the data set by reference, the metrics judged by
 * thresholds with their results, privacy and differential-privacy facts as considerations,
 * every check of the validation as a property), the data set (data: its sha256, size, target
 * and the columns the spec declares personal), the normalised spec (configuration) and, when
 * certified with the run, model.onnx. modelcert is the tool (metadata.tools.components), the
 * run's `created` the timestamp, and the serial number a UUID (version 8, RFC 9562) from the
 * SHA-256 of the canonical document without it: the same facts give the same bytes. */
#include "mc_bom.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_error.h"
#include "mc_file.h"
#include "mc_json.h"
#include "mc_run_dir.h"

#define REF_MODEL "model"
#define REF_DATA "data"
#define REF_SPEC "spec"
#define REF_ONNX "model.onnx"

/* ---- small builders: each takes its values over (NULL means an allocation failed) ------ */

/* The text of a JSON value for a property: a string as it is, anything else canonical. */
static json_t *text_of(const json_t *v)
{
    char *s = NULL;
    size_t n = 0;
    if (json_is_string(v))
        return json_string(json_string_value(v));
    if (!v || mc_json_canonical(&s, &n, v))
        return NULL;
    json_t *t = json_stringn(s, n);
    free(s);
    return t;
}

/* Appends {"name": name, "value": value} (value taken over) to the array props. */
static int prop(json_t *props, const char *name, json_t *value)
{
    return mc_json_append(props, value ? json_pack("{s:s,s:o}", "name", name, "value", value)
                                       : NULL);
}

/* Appends a property whose value is the JSON value v (not taken), when v is present. */
static int prop_of(json_t *props, const char *name, const json_t *v)
{
    return v && !json_is_null(v) ? prop(props, name, text_of(v)) : MC_OK;
}

static json_t *sha256(const char *hex)
{
    return json_pack("[{s:s,s:s}]", "alg", "SHA-256", "content", hex);
}

/* Sets key to v (taken over) unless v is an empty array or object: the schema accepts empty
 * ones, but a reader learns nothing from them. */
static int set_nonempty(json_t *obj, const char *key, json_t *v)
{
    if (v && ((json_is_array(v) && json_array_size(v) == 0) ||
              (json_is_object(v) && json_object_size(v) == 0))) {
        json_decref(v);
        return MC_OK;
    }
    return mc_json_set(obj, key, v);
}

/* Sets key to the string s when there is one. (Not json_pack's optional "s*": it leaves the
 * key out, silently, when the string cannot be allocated.) */
static int set_str(json_t *obj, const char *key, const char *s)
{
    return s ? mc_json_set(obj, key, json_string(s)) : MC_OK;
}

/* "status: message" of a validation result. */
static json_t *outcome(const json_t *r)
{
    const char *st = mc_release_str(r, "status", NULL), *msg = mc_release_str(r, "message", NULL);
    return json_sprintf("%s: %s", st ? st : "?", msg ? msg : "");
}

/* ---- the model card ------------------------------------------------------------------ */

/* The task the loss sets (docs/spec.md, "The output layer and the loss"). */
static const char *task_of(const char *loss)
{
    if (!loss)
        return NULL;
    if (strcmp(loss, "binary") == 0) /* an ONNX model's model.task (mc_names_task) */
        return "binary classification";
    if (strcmp(loss, "multiclass") == 0)
        return "multiclass classification";
    if (strcmp(loss, "binary_crossentropy") == 0)
        return "binary classification";
    if (strstr(loss, "categorical_crossentropy"))
        return "multiclass classification";
    return "regression";
}

/* modelArchitecture, the layers as one line: "dense 128 relu -> dropout -> dense 1 sigmoid". */
static int architecture(json_t *params, const json_t *spec)
{
    const json_t *layers = json_object_get(json_object_get(spec, "architecture"), "layers");
    mc_buf b = {0};
    for (size_t i = 0; i < json_array_size(layers); i++) {
        const json_t *l = json_array_get(layers, i), *units = json_object_get(l, "units");
        const char *type = mc_release_str(l, "type", NULL);
        const char *act = mc_release_str(l, "activation", NULL);
        mc_buf_printf(&b, "%s%s", i ? " -> " : "", type ? type : "?");
        if (json_is_integer(units))
            mc_buf_printf(&b, " %lld", (long long)json_integer_value(units));
        if (act)
            mc_buf_printf(&b, " %s", act);
    }
    int rc = b.failed ? mc_error_nomem() : b.len == 0 ? MC_OK
           : mc_json_set(params, "modelArchitecture", json_stringn(b.data, b.len));
    mc_buf_free(&b);
    return rc;
}

/* The metric and slice a threshold result measures, from its id: thresholds.metrics.<m>.min
 * or .max (the test rows), thresholds.slices.<slice>.<m> (one group; a slice may hold dots,
 * a metric name never does). 0 for the other results (changes, gaps, group sizes). */
static int metric_of(const char *id, json_t **metric, json_t **slice)
{
    static const char pm[] = "thresholds.metrics.", ps[] = "thresholds.slices.";
    const char *last = strrchr(id, '.'), *m = id + sizeof pm - 1, *s = id + sizeof ps - 1;
    *metric = *slice = NULL;
    if (strncmp(id, pm, sizeof pm - 1) == 0 && last && last > m && strchr(m, '.') == last &&
        (strcmp(last, ".min") == 0 || strcmp(last, ".max") == 0)) {
        *metric = json_stringn(m, (size_t)(last - m));
        return *metric ? 1 : -1;
    }
    if (strncmp(id, ps, sizeof ps - 1) == 0 && last && last > s && strchr(s, '=') &&
        strchr(s, '=') < last && strcmp(last, ".min_size") != 0 && strcmp(last, ".max_gap") != 0) {
        *metric = json_string(last + 1);
        *slice = json_stringn(s, (size_t)(last - s));
        return *metric && *slice ? 1 : -1;
    }
    return 0;
}

/* performanceMetrics: each metric a threshold judged, with the value measured (once per
 * metric and slice: a min and a max rule measure the same value). */
static int performance(json_t *out, const json_t *results)
{
    int rc = MC_OK;
    for (size_t i = 0; i < json_array_size(results) && !rc; i++) {
        const json_t *r = json_array_get(results, i), *m = json_object_get(r, "measured");
        const char *id = mc_release_str(r, "id", NULL);
        json_t *metric = NULL, *slice = NULL, *p = NULL;
        int kind = id && json_is_number(m) ? metric_of(id, &metric, &slice) : 0;
        int seen = 0;
        for (size_t j = 0; kind > 0 && j < json_array_size(out) && !seen; j++) {
            const json_t *q = json_array_get(out, j);
            seen = json_equal(json_object_get(q, "type"), metric) &&
                   (slice ? json_equal(json_object_get(q, "slice"), slice)
                          : !json_object_get(q, "slice"));
        }
        if (kind > 0 && !seen) {
            json_t *t = text_of(m);
            p = t ? json_pack("{s:O,s:o}", "type", metric, "value", t) : NULL;
            rc = p ? MC_OK : mc_error_nomem();
            rc = rc || !slice ? rc : mc_json_set(p, "slice", json_incref(slice));
            rc = rc ? rc : mc_json_append(out, json_incref(p));
        }
        if (kind < 0)
            rc = mc_error_nomem();
        json_decref(p);
        json_decref(metric);
        json_decref(slice);
    }
    return rc;
}

/* The DP-SGD facts run.json records (docs/privacy-training.md), as one risk mitigated. */
static int dp_consideration(json_t *ethical, const json_t *dp)
{
    mc_buf b = {0};
    const char *keys[] = {"epsilon", "delta", "noise_multiplier", "max_grad_norm", "sample_rate",
                          "steps", "accountant", "sampling"};
    if (!json_is_object(dp))
        return MC_OK;
    mc_buf_printf(&b, "trained with DP-SGD (differentially private stochastic gradient descent):");
    for (size_t i = 0; i < sizeof keys / sizeof keys[0] && !b.failed; i++) {
        const json_t *v = json_object_get(dp, keys[i]);
        json_t *t = v ? text_of(v) : NULL;
        if (t)
            mc_buf_printf(&b, "%s %s %s", i ? "," : "", keys[i], json_string_value(t));
        b.failed |= v && !t; /* a fact that could not be written: out of memory, never left out */
        json_decref(t);
    }
    json_t *s = b.failed ? NULL : json_stringn(b.data, b.len);
    mc_buf_free(&b);
    return mc_json_append(ethical, json_pack("{s:s,s:o}", "name", "the training data's privacy: "
                                             "what the model reveals about its training rows",
                                             "mitigationStrategy", s));
}

/* The group a slice gap rule (thresholds.slices.<column>.<metric>.max_gap; a column name may
 * hold dots, a metric name never does) found worst: "segment=public"; else the rule's id. */
static json_t *worst_group(const json_t *r, const char *id)
{
    static const char ps[] = "thresholds.slices.";
    const char *g = mc_release_str(json_object_get(json_object_get(r, "measured"), "worst"),
                                   "group", NULL);
    if (!g || strncmp(id, ps, sizeof ps - 1) != 0)
        return json_string(id);
    const char *col = id + sizeof ps - 1, *end = strrchr(col, '.'), *dot = NULL;
    for (const char *p = col; end && p < end; p++)
        if (*p == '.')
            dot = p; /* the last dot before ".max_gap": the metric's */
    return dot ? json_sprintf("%.*s=%s", (int)(dot - col), col, g) : json_string(id);
}

/* considerations: the privacy checks and DP training as ethical considerations, the slice
 * gaps as fairness assessments, the warnings a release accepted as technical limitations. */
static json_t *considerations(const mc_release_facts *f, const json_t *results)
{
    json_t *c = json_object(), *ethical = json_array(), *fair = json_array(), *lim = json_array();
    int rc = c && ethical && fair && lim ? MC_OK : mc_error_nomem();
    rc = rc ? rc : dp_consideration(ethical, json_object_get(f->run, "differential_privacy"));
    for (size_t i = 0; i < json_array_size(results) && !rc; i++) {
        const json_t *r = json_array_get(results, i);
        const char *id = mc_release_str(r, "id", NULL), *cat = mc_release_str(r, "category", NULL);
        const char *name = mc_release_str(r, "name", NULL), *st = mc_release_str(r, "status", NULL);
        const char *last = id ? strrchr(id, '.') : NULL;
        if (!id || !cat || !st)
            continue;
        if (strcmp(cat, "privacy") == 0)
            rc = mc_json_append(ethical, json_pack("{s:o,s:o}", "name", json_sprintf("%s (%s)",
                                                   name ? name : id, id), "mitigationStrategy",
                                                   outcome(r)));
        else if (last && strcmp(last, ".max_gap") == 0)
            rc = mc_json_append(fair, json_pack("{s:o,s:o}", "groupAtRisk", worst_group(r, id),
                                                "mitigationStrategy", outcome(r)));
        if (!rc && strcmp(st, "warn") == 0)
            rc = mc_json_append(lim, json_sprintf("%s: %s", id, mc_release_str(r, "message", NULL)
                                                  ? mc_release_str(r, "message", NULL) : st));
    }
    if (!rc) { /* each taken over, also on failure */
        rc = set_nonempty(c, "ethicalConsiderations", ethical);
        int r2 = set_nonempty(c, "fairnessAssessments", fair);
        int r3 = set_nonempty(c, "technicalLimitations", lim);
        rc = rc ? rc : r2 ? r2 : r3;
        ethical = fair = lim = NULL;
    }
    json_decref(ethical);
    json_decref(fair);
    json_decref(lim);
    if (rc) {
        json_decref(c);
        return NULL;
    }
    return c;
}

static json_t *model_card(const mc_release_facts *f)
{
    const json_t *results = json_object_get(f->validation, "results");
    /* an ONNX model the spec's model: gated: its task is declared, its architecture unknown */
    const json_t *ext = json_object_get(f->spec, "model");
    const char *task = task_of(ext ? mc_release_str(ext, "task", NULL)
                                   : mc_release_str(json_object_get(f->spec, "training"), "loss",
                                                    NULL));
    json_t *card = json_object(), *perf = json_array(), *props = json_array();
    json_t *params = json_pack("{s:{s:s},s:s,s:[{s:s}],s:[{s:s}],s:[{s:s}]}",
                               "approach", "type", "supervised", "architectureFamily",
                               ext ? "ONNX graph trained elsewhere" : "feed-forward neural network",
                               "datasets", "ref",
                               REF_DATA, "inputs", "format", "text/csv", "outputs", "format",
                               task && strcmp(task, "regression") == 0
                                   ? "a number per row" : "a class and its probabilities per row");
    int rc = card && perf && props && params ? MC_OK : mc_error_nomem();
    rc = rc ? rc : set_str(params, "task", task);
    rc = rc ? rc : architecture(params, f->spec);
    if (!rc) {
        rc = mc_json_set(card, "modelParameters", params);
        params = NULL;
    }
    rc = rc ? rc : performance(perf, results);
    if (!rc && json_array_size(perf))
        rc = mc_json_set(card, "quantitativeAnalysis", json_pack("{s:O}", "performanceMetrics",
                                                                 perf));
    rc = rc ? rc : set_nonempty(card, "considerations", considerations(f, results));
    /* Every check of the validation, thresholds first among them, as "status: message". */
    for (size_t i = 0; i < json_array_size(results) && !rc; i++) {
        const json_t *r = json_array_get(results, i);
        const char *id = mc_release_str(r, "id", NULL);
        const json_t *expected = json_object_get(r, "expected");
        if (!id)
            continue;
        rc = mc_json_append(props, json_pack("{s:o,s:o}", "name", json_sprintf(
                                "modelcert:check:%s", id), "value", outcome(r)));
        if (!rc && strncmp(id, "thresholds.", 11) == 0 && expected && !json_is_null(expected))
            rc = mc_json_append(props, json_pack("{s:o,s:o}", "name", json_sprintf(
                                    "modelcert:threshold:%s", id), "value", text_of(expected)));
    }
    if (!rc) {
        rc = set_nonempty(card, "properties", props);
        props = NULL;
    }
    json_decref(params);
    json_decref(perf);
    json_decref(props);
    if (rc) {
        json_decref(card);
        return NULL;
    }
    return card;
}

/* ---- the components ------------------------------------------------------------------ */

static json_t *model_component(const mc_release_facts *f)
{
    const json_t *meta = json_object_get(f->spec, "metadata");
    const json_t *rm = json_object_get(f->run, "model");
    const char *name = mc_release_str(meta, "name", NULL);
    json_t *props = json_array();
    int rc = props ? MC_OK : mc_error_nomem();
    /* model.onnx for an ONNX model (the spec's model:); model.mcm, clear or inside its age file */
    int onnx = f->model_file && strcmp(f->model_file, MC_RUN_FILE_ONNX) == 0;
    rc = rc ? rc : prop(props, "modelcert:file",
                        json_string(onnx ? MC_RUN_FILE_ONNX : MC_RUN_FILE_MODEL));
    rc = rc ? rc : prop_of(props, "modelcert:parameters", json_object_get(rm, "parameters"));
    rc = rc ? rc : prop_of(props, "modelcert:run_id", json_object_get(f->run, "run_id"));
    rc = rc ? rc : prop_of(props, "modelcert:numerics", json_object_get(f->run, "numerics"));
    rc = rc ? rc : prop_of(props, "modelcert:seed", json_object_get(f->run, "seed"));
    rc = rc ? rc : prop_of(props, "modelcert:owner", json_object_get(meta, "owner"));
    json_t *c = rc ? NULL : json_pack("{s:s,s:s,s:s,s:o,s:o,s:o}", "type",
                                      "machine-learning-model", "bom-ref", REF_MODEL, "name",
                                      name ? name : MC_RUN_FILE_MODEL, "hashes", sha256(f->model),
                                      "modelCard", model_card(f), "properties", props);
    if (rc)
        json_decref(props);
    rc = rc ? rc : c ? MC_OK : mc_error_nomem();
    rc = rc ? rc : set_str(c, "version", mc_release_str(meta, "version", NULL));
    rc = rc ? rc : set_str(c, "description", mc_release_str(meta, "description", NULL));
    if (rc) {
        json_decref(c);
        return NULL;
    }
    return c;
}

/* The data set: its file name, sha256, size and target, and the columns the spec declares
 * personal (privacy.pii_columns, with the treatment the validation checked). */
static json_t *data_component(const mc_release_facts *f)
{
    const json_t *rd = json_object_get(f->run, "data"), *sd = json_object_get(f->spec, "data");
    const json_t *pii = json_object_get(json_object_get(f->spec, "privacy"), "pii_columns");
    const char *path = mc_release_str(rd, "path", NULL), *slash = path ? strrchr(path, '/') : NULL;
    const char *name = slash ? slash + 1 : path ? path : "data";
    json_t *props = json_array(), *sensitive = json_array();
    int rc = props && sensitive ? MC_OK : mc_error_nomem();
    rc = rc ? rc : prop_of(props, "modelcert:rows", json_object_get(rd, "rows"));
    rc = rc ? rc : prop_of(props, "modelcert:columns", json_object_get(rd, "columns"));
    rc = rc ? rc : prop_of(props, "modelcert:target", json_object_get(sd, "target"));
    rc = rc ? rc : prop_of(props, "modelcert:split", json_object_get(f->run, "split"));
    for (size_t i = 0; i < json_array_size(pii) && !rc; i++) {
        const json_t *c = json_array_get(pii, i);
        const char *col = mc_release_str(c, "column", NULL), *t = mc_release_str(c, "transform",
                                                                                 NULL);
        if (col)
            rc = mc_json_append(sensitive, json_sprintf("%s (%s)", col, t ? t : "declared"));
    }
    json_t *ds = rc ? NULL : json_pack("{s:s,s:s,s:{s:O}}", "type", "dataset", "name", name,
                                       "contents", "properties", props);
    rc = rc ? rc : ds ? MC_OK : mc_error_nomem();
    if (!rc && json_array_size(sensitive)) {
        rc = mc_json_set(ds, "classification", json_string("personal data"));
        rc = rc ? rc : mc_json_set(ds, "sensitiveData", json_incref(sensitive));
    }
    json_decref(sensitive);
    json_decref(props);
    if (rc) {
        json_decref(ds);
        return NULL;
    }
    return json_pack("{s:s,s:s,s:s,s:o,s:[o]}", "type", "data", "bom-ref", REF_DATA, "name",
                     name, "hashes", sha256(f->data_digest), "data", ds);
}

/* The normalised spec: its digest is of its canonical JSON (docs/spec.md), not of the bytes
 * of spec.json, so it is a property, not a hash. */
static json_t *spec_component(const mc_release_facts *f)
{
    return json_pack("{s:s,s:s,s:s,s:[{s:s,s:s}],s:[{s:s,s:s}]}", "type", "data", "bom-ref",
                     REF_SPEC, "name", MC_RUN_FILE_SPEC, "data", "type", "configuration", "name",
                     "the normalised modelcert spec", "properties", "name",
                     "modelcert:spec_digest", "value", f->spec_digest);
}

static json_t *onnx_component(const mc_release_facts *f)
{
    return json_pack("{s:s,s:s,s:s,s:s,s:o,s:[{s:s,s:s}]}", "type", "file", "bom-ref", REF_ONNX,
                     "name", MC_RUN_FILE_ONNX, "mime-type", "application/onnx", "hashes",
                     sha256(f->onnx), "properties", "name", "modelcert:exported_from", "value",
                     f->model);
}

/* ---- the document -------------------------------------------------------------------- */

/* urn:uuid: of version 8 (RFC 9562, custom): the first 16 bytes of hex, with the version and
 * variant bits set. */
static json_t *serial_number(const char hex[MC_SHA256_HEX_LEN + 1])
{
    char u[33];
    memcpy(u, hex, 32);
    u[32] = '\0';
    u[12] = '8';
    int v = u[16] <= '9' ? u[16] - '0' : (u[16] | 0x20) - 'a' + 10;
    u[16] = "89ab"[v & 3];
    return json_sprintf("urn:uuid:%.8s-%.4s-%.4s-%.4s-%.12s", u, u + 8, u + 12, u + 16, u + 20);
}

int mc_bom_build(char **out, size_t *len, const mc_release_facts *f)
{
    const json_t *engine = json_object_get(f->run, "engine"), *counts = NULL;
    const char *created = mc_release_str(f->run, "created", NULL);
    json_t *bom = NULL, *comps = NULL, *deps = NULL, *meta_props = json_array();
    char *canon = NULL, hex[MC_SHA256_HEX_LEN + 1];
    size_t clen = 0;
    int rc = meta_props ? MC_OK : mc_error_nomem();
    if (!rc && (!created || !mc_release_str(engine, "version", NULL)))
        rc = mc_error_set(MC_EINPUT, "run.json records no %s: the BOM takes its timestamp and "
                          "tool from the run record", created ? "engine.version" : "created");
    if (rc)
        goto cleanup;
    counts = json_object_get(f->validation, "counts");
    rc = prop(meta_props, "modelcert:validation_sha256", json_string(f->validation_digest));
    rc = rc ? rc : prop_of(meta_props, "modelcert:verdict", json_object_get(f->validation,
                                                                           "verdict"));
    rc = rc ? rc : prop_of(meta_props, "modelcert:counts", counts);
    if (rc)
        goto cleanup;
    comps = json_pack("[o,o,o]", model_component(f), data_component(f), spec_component(f));
    deps = json_pack("[{s:s,s:[s,s]}]", "ref", REF_MODEL, "dependsOn", REF_DATA, REF_SPEC);
    if (comps && deps && f->has_onnx) {
        rc = mc_json_append(comps, onnx_component(f));
        rc = rc ? rc : mc_json_append(deps, json_pack("{s:s,s:[s]}", "ref", REF_ONNX,
                                                      "dependsOn", REF_MODEL));
    }
    bom = json_pack("{s:s,s:s,s:s,s:i,s:{s:s,s:{s:[{s:s,s:s,s:s,s:s}]},s:O},s:O,s:O}",
                    "$schema", "http://cyclonedx.org/schema/bom-1.6.schema.json", "bomFormat",
                    "CycloneDX", "specVersion", MC_BOM_SPEC_VERSION, "version", 1, "metadata",
                    "timestamp", created, "tools", "components", "type", "application",
                    "bom-ref", "modelcert", "name", "modelcert", "version",
                    mc_release_str(engine, "version", NULL), "properties", meta_props,
                    "components", comps, "dependencies", deps);
    rc = rc ? rc : bom && comps && deps ? MC_OK : mc_error_nomem();
    rc = rc ? rc : mc_json_canonical(&canon, &clen, bom);
    rc = rc ? rc : mc_sha256_hex(hex, canon, clen);
    rc = rc ? rc : mc_json_set(bom, "serialNumber", serial_number(hex));
    rc = rc ? rc : mc_json_pretty(out, len, bom, 2);
cleanup:
    json_decref(bom);
    json_decref(comps);
    json_decref(deps);
    json_decref(meta_props);
    free(canon);
    return rc;
}

int mc_bom_write(mc_release_facts *f, const char *run_dir)
{
    char *text = NULL, *path = mc_path_join(run_dir, MC_BOM_FILE);
    size_t len = 0;
    int rc = path ? mc_bom_build(&text, &len, f) : mc_error_nomem();
    rc = rc ? rc : mc_file_write_atomic(path, text, len);
    rc = rc ? rc : mc_sha256_hex(f->bom, text, len);
    f->has_bom = rc == MC_OK;
    free(text);
    free(path);
    return rc;
}

int mc_bom_render_run(char **out, size_t *len, const char *run_dir)
{
    mc_release_facts f = {0};
    int rc = mc_release_facts_read(&f, run_dir, NULL, 0);
    rc = rc ? rc : mc_bom_build(out, len, &f);
    mc_release_facts_free(&f);
    return rc;
}
