/* The facts of a release (mc_release.h): what certify states about a validated run and
 * verify checks again. A run directory's validation.json, run.json and spec.json read, and
 * every digest they record checked against the file it names (model.mcm, or model.onnx for an
 * ONNX model the spec's model: gated; the normalised spec, validation.json, the data when it
 * is at hand, model.onnx when the run holds one; an encrypted run's model.mcm.age, or the
 * model.onnx.age of an encrypted ONNX model gated, is hashed as it is: its clear digest is
 * run.json's),
 * and a passing verdict that its results do not contradict. What the audit trail recorded
 * of the validation is checked by certify (mc_validated.h). */
#include "mc_release.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_error.h"
#include "mc_file.h"
#include "mc_json.h"
#include "mc_onnx.h"
#include "mc_run_dir.h"
#include "mc_spec.h"

int mc_release_read_json(json_t **out, const char *dir, const char *name)
{
    int rc = mc_run_dir_read_json(out, dir, name);
    if (rc == MC_ENOTFOUND)
        rc = mc_error_set(MC_EINPUT, "%s has no %s", dir, name);
    return rc;
}

static int file_sha(char hex[MC_SHA256_HEX_LEN + 1], const char *dir, const char *name)
{
    char *path = mc_path_join(dir, name);
    int rc = path ? mc_sha256_file_hex(hex, path) : mc_error_nomem();
    if (rc == MC_ENOTFOUND)
        rc = mc_error_set(MC_EINPUT, "%s has no %s", dir, name);
    free(path);
    return rc;
}

/* The digest of the normalised spec as run.json records it: canonical JSON of spec.json. */
static int spec_digest(char hex[MC_SHA256_HEX_LEN + 1], json_t **spec, const char *dir)
{
    char *canon = NULL;
    size_t len = 0;
    int rc = mc_release_read_json(spec, dir, MC_RUN_FILE_SPEC);
    rc = rc ? rc : mc_json_canonical(&canon, &len, *spec);
    rc = rc ? rc : mc_sha256_hex(hex, canon, len);
    free(canon);
    return rc;
}

const char *mc_release_str(const json_t *o, const char *a, const char *b)
{
    const json_t *v = json_object_get(o, a);
    if (b)
        v = json_object_get(v, b);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static int same(const char *recorded, const char *actual, const char *what, const char *dir)
{
    if (!recorded || !actual || strcmp(recorded, actual) != 0)
        return mc_error_set(MC_EINPUT, "%s: the %s on disk (sha256 %.12s...) is not the one "
                            "recorded (%.12s...)", dir, what, actual ? actual : "?",
                            recorded ? recorded : "(none)");
    return MC_OK;
}

void mc_release_facts_free(mc_release_facts *f)
{
    json_decref(f->validation);
    json_decref(f->run);
    json_decref(f->spec);
}

/* RUN_DIR/model.onnx, when present: its sha256 into f->onnx, and that it
 * derives from this run's model.mcm: the model digest its metadata records is
 * f->model. With `reencode` (certify), also that exporting model.mcm again
 * gives the same bytes (the export is deterministic, so a graph edited by hand
 * with the right metadata is refused). verify leaves that out: the signed
 * certificate pins the bytes, and a later modelcert whose exporter writes other
 * bytes must still verify an earlier release. */
static int onnx_read(mc_release_facts *f, const char *dir, int reencode)
{
    char *path = mc_path_join(dir, MC_RUN_FILE_ONNX), *mpath = mc_path_join(dir, MC_RUN_FILE_MODEL);
    char *have = NULL, from[MC_SHA256_HEX_LEN + 1], want_hex[MC_SHA256_HEX_LEN + 1];
    unsigned char *want = NULL;
    size_t hlen = 0, wlen = 0;
    mc_model *m = NULL;
    int rc = path && mpath ? MC_OK : mc_error_nomem();
    if (rc || !mc_file_exists(path))
        goto cleanup;
    if (f->encrypted) { /* an export of an encrypted run is never left in clear */
        rc = mc_error_set(MC_EINPUT, "%s: the run's model is encrypted (%s), but %s is a clear "
                          "model: remove it", dir, MC_RUN_FILE_MODEL_AGE, MC_RUN_FILE_ONNX);
        goto cleanup;
    }
    if ((rc = mc_run_dir_read_bytes(&have, &hlen, dir, MC_RUN_FILE_ONNX, 0)) == MC_ENOTFOUND)
        rc = mc_error_set(MC_EINPUT, "%s: removed while it was read", path);
    rc = rc ? rc : mc_sha256_hex(f->onnx, have, hlen);
    rc = rc ? rc : mc_onnx_exported_from(from, (const unsigned char *)have, hlen, path);
    if (!rc && strcmp(from, f->model) != 0)
        rc = mc_error_set(MC_EINPUT, "%s was exported from another model (model.mcm sha256 "
                          "%.12s...), not from this run's (%.12s...): export it again with "
                          "`modelcert export %s --format onnx`", path, from, f->model, dir);
    if (!rc && reencode) {
        rc = mc_model_load(&m, mpath);
        rc = rc ? rc : mc_onnx_encode(&want, &wlen, m);
        rc = rc ? rc : mc_sha256_hex(want_hex, want, wlen);
    }
    if (!rc && reencode && strcmp(want_hex, f->onnx) != 0)
        rc = mc_error_set(MC_EINPUT, "%s is not the export of this run's model.mcm: its bytes "
                          "(sha256 %.12s...) differ from what `export --format onnx` writes "
                          "(%.12s...)", path, f->onnx, want_hex);
    f->has_onnx = rc == MC_OK;
cleanup:
    free(path);
    free(mpath);
    free(have);
    free(want);
    mc_model_free(m);
    return rc;
}

/* A passing validation's results: each with an id and a status, none failed or in error
 * (mc_validation_verdict's rule). A validation.json whose verdict was edited to pass while
 * its results still fail contradicts itself. */
static int check_results(const json_t *validation, const char *dir)
{
    const json_t *res = json_object_get(validation, "results");
    if (!json_is_array(res))
        return mc_error_set(MC_EINPUT, "%s/%s holds no results list", dir,
                            MC_RUN_FILE_VALIDATION);
    for (size_t i = 0; i < json_array_size(res); i++) {
        const json_t *r = json_array_get(res, i);
        const char *id = mc_release_str(r, "id", NULL), *st = mc_release_str(r, "status", NULL);
        if (!id || !st)
            return mc_error_set(MC_EINPUT, "%s/%s: result %zu has no id or status", dir,
                                MC_RUN_FILE_VALIDATION, i + 1);
        if (strcmp(st, "pass") != 0 && strcmp(st, "warn") != 0 && strcmp(st, "skipped") != 0)
            return mc_error_set(MC_EINPUT, "%s/%s: its verdict is pass, but result %.100s is "
                                "%.20s: the results contradict the verdict", dir,
                                MC_RUN_FILE_VALIDATION, id, st);
    }
    return MC_OK;
}

/* Reads the run and checks every recorded digest against its file; certify:
 * the checks before a release (onnx_read). */
int mc_release_facts_read(mc_release_facts *f, const char *dir, const char *data_path, int certify)
{
    char actual[MC_SHA256_HEX_LEN + 1];
    int rc = mc_release_read_json(&f->validation, dir, MC_RUN_FILE_VALIDATION);
    rc = rc ? rc : mc_release_read_json(&f->run, dir, MC_RUN_FILE_RECORD);
    rc = rc ? rc : file_sha(f->validation_digest, dir, MC_RUN_FILE_VALIDATION);
    if (rc)
        return rc;
    const char *verdict = mc_release_str(f->validation, "verdict", NULL);
    if ((!verdict || strcmp(verdict, "pass") != 0))
        return mc_error_set(MC_EINPUT, "%s: the validation did not pass (verdict %s): only a "
                            "passing validation is certified", dir, verdict ? verdict : "missing");
    if ((rc = check_results(f->validation, dir)))
        return rc;
    const json_t *vrun = json_object_get(f->validation, "run");
    if ((rc = same(mc_release_str(vrun, "run_id", NULL), mc_release_str(f->run, "run_id", NULL),
                   "run.json's run_id", dir)))
        return rc;
    const char *mode = mc_release_str(f->run, "mode", NULL);
    const int external = mode && strcmp(mode, "model") == 0; /* model.onnx or model.onnx.age */
    const char *file = mc_release_str(f->run, "model", "file");
    f->model_file = !external ? file
                    : file && strcmp(file, MC_RUN_FILE_ONNX_AGE) == 0 ? MC_RUN_FILE_ONNX_AGE
                                                                        : MC_RUN_FILE_ONNX;
    if (!external && (!f->model_file || (strcmp(f->model_file, MC_RUN_FILE_MODEL) != 0 &&
                                         strcmp(f->model_file, MC_RUN_FILE_MODEL_AGE) != 0)))
        return mc_error_set(MC_EINPUT, "%s: run.json's model.file is not %s or %s", dir,
                            MC_RUN_FILE_MODEL, MC_RUN_FILE_MODEL_AGE);
    f->encrypted = strcmp(f->model_file, MC_RUN_FILE_MODEL_AGE) == 0 ||
                   strcmp(f->model_file, MC_RUN_FILE_ONNX_AGE) == 0;
    if ((rc = file_sha(f->file_digest, dir, f->model_file)))
        return rc;
    /* A clear model is hashed; an encrypted one's clear digest is what run.json records
       (checked against validation.json here; certify also against the audited validate
       event, which vouches for the age file's bytes too; verify --identity decrypts). */
    const char *recorded = mc_release_str(f->run, "model", "digest");
    if (f->encrypted && (!recorded || !mc_sha256_hex_valid(recorded)))
        return mc_error_set(MC_EINPUT, "%s: run.json records no model digest", dir);
    snprintf(f->model, sizeof f->model, "%s", f->encrypted ? recorded : f->file_digest);
    if ((rc = same(mc_release_str(vrun, "model", "digest"), f->model, "model", dir)) ||
        (rc = same(mc_release_str(f->run, "model", "digest"), f->model, "model", dir)) ||
        (rc = spec_digest(f->spec_digest, &f->spec, dir)) ||
        (rc = same(mc_release_str(f->run, "spec", "digest"), f->spec_digest, "normalised spec",
                   dir)))
        return rc;
    f->data_digest = mc_release_str(f->run, "data", "digest");
    if (!f->data_digest || !mc_sha256_hex_valid(f->data_digest))
        return mc_error_set(MC_EINPUT, "%s: run.json records no data digest", dir);
    if (data_path) {
        if ((rc = mc_sha256_file_hex(actual, data_path)))
            return rc == MC_ENOTFOUND ? mc_error_set(MC_EINPUT, "the run's data %s is missing "
                                                     "(give --data PATH)", data_path) : rc;
        if ((rc = same(f->data_digest, actual, "data", dir)))
            return rc;
    }
    if (!external && (rc = onnx_read(f, dir, certify)))
        return rc;
    char *bom = mc_path_join(dir, MC_RELEASE_BOM_NAME); /* the ML-BOM of an earlier certify */
    rc = bom ? mc_sha256_file_hex(f->bom, bom) : mc_error_nomem();
    f->has_bom = rc == MC_OK;
    if (rc == MC_ENOTFOUND) /* none: a run certified before modelcert wrote one, or not yet */
        rc = MC_OK;
    free(bom);
    return rc;
}


/* 1 when spec's signing.sign covers `what` (its default: model, metrics, spec). */
static int signs(const mc_spec *spec, int what)
{
    const mc_signing *sg = &mc_spec_doc_get(spec)->signing;
    if (sg->sign.count == 0)
        return what == MC_SIGN_WHAT_MODEL || what == MC_SIGN_WHAT_METRICS ||
               what == MC_SIGN_WHAT_SPEC;
    for (size_t i = 0; i < sg->sign.count; i++)
        if ((int)sg->sign.items[i] == what)
            return 1;
    return 0;
}

size_t mc_release_unsigned(const char *out[MC_RELEASE_UNSIGNED_MAX], const mc_release_facts *f,
                           const mc_spec *spec)
{
    const struct { int what; const char *file; } cover[MC_RELEASE_COVERABLE] = {
        {MC_SIGN_WHAT_MODEL, f->model_file}, {MC_SIGN_WHAT_METRICS, MC_RUN_FILE_METRICS},
        {MC_SIGN_WHAT_METRICS, MC_RUN_FILE_HISTORY},
        {MC_SIGN_WHAT_METRICS, MC_RUN_FILE_PREDICTIONS},
        {MC_SIGN_WHAT_METRICS, MC_RUN_FILE_MEMBERSHIP}, {MC_SIGN_WHAT_SPEC, MC_RUN_FILE_SPEC},
        {MC_SIGN_WHAT_VALIDATION, MC_RUN_FILE_VALIDATION}};
    size_t n = 0;
    out[n++] = MC_RELEASE_DEFAULT_NAME;
    for (size_t i = 0; spec && mc_spec_doc_get(spec)->has_signing && i < MC_RELEASE_COVERABLE; i++)
        if (!signs(spec, cover[i].what))
            out[n++] = cover[i].file;
    return n;
}
