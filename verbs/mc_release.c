/* certify and the release certificate (SLSA Provenance v1 + in-toto test-result v0.1). */
#include "mc_release.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_audit.h"
#include "mc_dsse.h"
#include "mc_error.h"
#include "mc_file.h"
#include "mc_json.h"
#include "mc_key.h"
#include "mc_keyref.h"
#include "mc_model_sign.h"
#include "mc_onnx.h"
#include "mc_oms.h"
#include "mc_run_dir.h"

#define PT_PROVENANCE "https://slsa.dev/provenance/v1"
#define PT_TEST_RESULT "https://in-toto.io/attestation/test-result/v0.1"
#define JSON_MAX (64u << 20)
#define LINES_MAX 8

void mc_certify_result_free(mc_certify_result *r)
{
    if (!r)
        return;
    free(r->signature);
    free(r->certificate);
    free(r->warning);
    free(r->audit_path);
    free(r);
}

static int load_json(json_t **out, const char *dir, const char *name)
{
    char *path = mc_path_join(dir, name), *text = NULL;
    size_t len = 0;
    char why[256] = "";
    int rc = path ? mc_file_read_text(&text, &len, path, JSON_MAX) : mc_error_nomem();
    if (rc == MC_ENOTFOUND)
        rc = mc_error_set(MC_EINPUT, "%s has no %s", dir, name);
    if (!rc && (rc = mc_dsse_json_read(out, text, len, why, sizeof why)) == MC_EINPUT)
        rc = mc_error_set(MC_EINPUT, "%s: not JSON: %s", path, why);
    if (!rc && !json_is_object(*out)) {
        json_decref(*out);
        *out = NULL;
        rc = mc_error_set(MC_EINPUT, "%s is not a JSON object", path);
    }
    free(path);
    free(text);
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
    int rc = load_json(spec, dir, MC_RUN_FILE_SPEC);
    rc = rc ? rc : mc_json_canonical(&canon, &len, *spec);
    rc = rc ? rc : mc_sha256_hex(hex, canon, len);
    free(canon);
    return rc;
}

static const char *str_at(const json_t *o, const char *a, const char *b)
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

/* ---- the two statements -------------------------------------------------------------- */

typedef struct run_facts {
    json_t *validation, *run, *spec;
    char model[MC_SHA256_HEX_LEN + 1], spec_digest[MC_SHA256_HEX_LEN + 1];
    char validation_digest[MC_SHA256_HEX_LEN + 1];
    const char *data_digest;
    int has_onnx;                     /* RUN_DIR/model.onnx is present (and derives from model) */
    char onnx[MC_SHA256_HEX_LEN + 1]; /* its sha256 */
} run_facts;

static void facts_free(run_facts *f)
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
static int onnx_read(run_facts *f, const char *dir, int reencode)
{
    char *path = mc_path_join(dir, MC_RUN_FILE_ONNX), *mpath = mc_path_join(dir, MC_RUN_FILE_MODEL);
    char *have = NULL, from[MC_SHA256_HEX_LEN + 1], want_hex[MC_SHA256_HEX_LEN + 1];
    unsigned char *want = NULL;
    size_t hlen = 0, wlen = 0;
    mc_model *m = NULL;
    int rc = path && mpath ? MC_OK : mc_error_nomem();
    if (rc || !mc_file_exists(path))
        goto cleanup;
    if ((rc = mc_file_read_all(&have, &hlen, path, mc_file_input_limit())) == MC_ENOTFOUND)
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

/* Reads the run and checks every recorded digest against its file; certify:
 * the checks before a release (onnx_read). */
static int facts_read(run_facts *f, const char *dir, const char *data_path, int certify)
{
    char actual[MC_SHA256_HEX_LEN + 1];
    int rc = load_json(&f->validation, dir, MC_RUN_FILE_VALIDATION);
    rc = rc ? rc : load_json(&f->run, dir, MC_RUN_FILE_RECORD);
    rc = rc ? rc : file_sha(f->validation_digest, dir, MC_RUN_FILE_VALIDATION);
    if (rc)
        return rc;
    const char *verdict = str_at(f->validation, "verdict", NULL);
    if ((!verdict || strcmp(verdict, "pass") != 0))
        return mc_error_set(MC_EINPUT, "%s: the validation did not pass (verdict %s): only a "
                            "passing validation is certified", dir, verdict ? verdict : "missing");
    const json_t *vrun = json_object_get(f->validation, "run");
    if ((rc = same(str_at(vrun, "run_id", NULL), str_at(f->run, "run_id", NULL),
                   "run.json's run_id", dir)))
        return rc;
    if ((rc = file_sha(f->model, dir, MC_RUN_FILE_MODEL)) ||
        (rc = same(str_at(vrun, "model", "digest"), f->model, "model", dir)) ||
        (rc = same(str_at(f->run, "model", "digest"), f->model, "model", dir)) ||
        (rc = spec_digest(f->spec_digest, &f->spec, dir)) ||
        (rc = same(str_at(f->run, "spec", "digest"), f->spec_digest, "normalised spec", dir)))
        return rc;
    f->data_digest = str_at(f->run, "data", "digest");
    if (!f->data_digest || !mc_sha256_hex_valid(f->data_digest))
        return mc_error_set(MC_EINPUT, "%s: run.json records no data digest", dir);
    if (data_path) {
        if ((rc = mc_sha256_file_hex(actual, data_path)))
            return rc == MC_ENOTFOUND ? mc_error_set(MC_EINPUT, "the run's data %s is missing "
                                                     "(give --data PATH)", data_path) : rc;
        if ((rc = same(f->data_digest, actual, "data", dir)))
            return rc;
    }
    return onnx_read(f, dir, certify);
}

/* The certified artifacts: model.mcm, and model.onnx when present (annotated
 * with its format and the model it was exported from). */
static json_t *subject(const run_facts *f)
{
    json_t *s = json_pack("[{s:s,s:{s:s}}]", "name", MC_RUN_FILE_MODEL, "digest", "sha256",
                          f->model);
    if (s && f->has_onnx &&
        mc_json_append(s, json_pack("{s:s,s:{s:s},s:{s:s,s:{s:s}}}", "name", MC_RUN_FILE_ONNX,
                                    "digest", "sha256", f->onnx, "annotations", "format", "onnx",
                                    "exported_from", "sha256", f->model))) {
        json_decref(s);
        return NULL;
    }
    return s;
}

static json_t *provenance(const run_facts *f, const char *identity)
{
    const char *data_name = str_at(f->run, "data", "path");
    json_t *internal = json_pack("{s:O?,s:O?}", "numerics", json_object_get(f->run, "numerics"),
                                 "seed", json_object_get(f->run, "seed"));
    if (internal && identity && mc_json_set(internal, "identity", json_string(identity))) {
        json_decref(internal);
        return NULL;
    }
    return json_pack(
        "{s:{s:s,s:{s:O,s:{s:s}},s:o,s:[{s:s,s:{s:s}}]},s:{s:{s:s,s:{s:s,s:O?}},s:{s:O?,s:O?}}}",
        "buildDefinition", "buildType", MC_RELEASE_BUILD_TYPE, "externalParameters", "spec",
        f->spec, "spec_digest", "sha256", f->spec_digest, "internalParameters", internal,
        "resolvedDependencies", "name", data_name ? data_name : "data", "digest", "sha256",
        f->data_digest, "runDetails", "builder", "id", MC_RELEASE_BUILDER_ID, "version",
        "modelcert", MC_VERSION, "numerics", json_object_get(f->run, "numerics"), "metadata",
        "invocationId", json_object_get(f->run, "run_id"), "startedOn",
        json_object_get(f->run, "created"));
}

static json_t *test_result(const run_facts *f, const char **result, size_t *np, size_t *nw)
{
    json_t *pass = json_array(), *warn = json_array(), *fail = json_array();
    json_t *res = json_object_get(f->validation, "results");
    int rc = pass && warn && fail && json_is_array(res) ? MC_OK : mc_error_nomem();
    for (size_t i = 0; i < json_array_size(res) && !rc; i++) {
        const json_t *r = json_array_get(res, i);
        const char *id = str_at(r, "id", NULL), *st = str_at(r, "status", NULL);
        if (!id || !st)
            continue;
        json_t *to = strcmp(st, "pass") == 0 ? pass : strcmp(st, "warn") == 0 ? warn
                   : strcmp(st, "skipped") == 0 ? NULL : fail;
        if (to)
            rc = mc_json_append(to, json_string(id));
    }
    *np = json_array_size(pass);
    *nw = json_array_size(warn);
    *result = json_array_size(fail) ? "FAILED" : *nw ? "WARNED" : "PASSED";
    if (rc) {
        json_decref(pass);
        json_decref(warn);
        json_decref(fail);
        return NULL;
    }
    return json_pack("{s:s,s:[{s:s,s:{s:s}}],s:o,s:o,s:o}", "result", *result, "configuration",
                     "name", MC_RUN_FILE_VALIDATION, "digest", "sha256", f->validation_digest,
                     "passedTests", pass, "warnedTests", warn, "failedTests", fail);
}

/* One JSON Lines line: the DSSE envelope (canonical) over the statement. */
static int envelope_line(mc_buf *out, const run_facts *f, const char *ptype, json_t *pred,
                         const mc_key *key)
{
    json_t *st = pred ? json_pack("{s:s,s:o,s:s,s:o}", "_type", MC_OMS_STATEMENT_TYPE, "subject",
                                  subject(f), "predicateType", ptype, "predicate", pred)
                      : NULL;
    json_t *env = NULL;
    char *stmt = NULL, *line = NULL;
    size_t sl = 0, ll = 0;
    int rc = st ? MC_OK : mc_error_nomem();
    rc = rc ? rc : mc_json_canonical(&stmt, &sl, st);
    rc = rc ? rc : mc_dsse_sign(&env, mc_key_pkey(key), mc_key_hint(key), MC_OMS_PAYLOAD_TYPE,
                                stmt, sl);
    rc = rc ? rc : mc_json_canonical(&line, &ll, env);
    if (!rc) {
        mc_buf_put(out, line, ll);
        mc_buf_put(out, "\n", 1);
    }
    json_decref(st);
    json_decref(env);
    free(stmt);
    free(line);
    return rc;
}

/* ---- certify ------------------------------------------------------------------------ */

static int has_what(const mc_spec *spec, int what)
{
    const mc_signing *sg = &mc_spec_doc_get(spec)->signing;
    if (sg->sign.count == 0) /* the default: [model, metrics, spec] */
        return what == MC_SIGN_WHAT_MODEL || what == MC_SIGN_WHAT_METRICS ||
               what == MC_SIGN_WHAT_SPEC;
    for (size_t i = 0; i < sg->sign.count; i++)
        if (sg->sign.items[i] == what)
            return 1;
    return 0;
}

/* The key reference: the flag, else the spec's signing.key (file:PATH and a bare PATH
 * relative to the spec's directory). Caller frees. */
static int key_ref(char **out, const mc_certify_options *o)
{
    const mc_spec_doc *d = o->spec ? mc_spec_doc_get(o->spec) : NULL;
    const char *k = o->key ? o->key : d && d->has_signing ? d->signing.key : NULL;
    mc_keyref *ref = NULL;
    char *dir = NULL;
    int rc;
    if (!k)
        return mc_error_set(MC_EINPUT, "no key: give --key, or a spec whose signing.key names one");
    if (o->key)
        return (*out = strdup(k)) ? MC_OK : mc_error_nomem();
    if ((rc = mc_keyref_parse(&ref, k)))
        return rc;
    if (ref->kind == MC_KEYREF_ENV || ref->kind == MC_KEYREF_PKCS11)
        *out = strdup(k);
    else if ((dir = mc_path_dirname(mc_spec_path(o->spec))))
        *out = mc_path_join(dir, ref->value);
    else
        *out = NULL;
    rc = *out ? MC_OK : mc_error_nomem();
    free(dir);
    mc_keyref_free(ref);
    return rc;
}

int mc_certify_run(mc_certify_result **out, const mc_certify_options *o)
{
    mc_certify_result *r = calloc(1, sizeof *r);
    run_facts f = {0};
    mc_key *key = NULL;
    mc_model_signed *sr = NULL;
    char *keyref = NULL, *trail = NULL, *text = NULL, *data = NULL;
    size_t tlen = 0;
    mc_buf lines = {0};
    const char *ignore[8];
    size_t n_ignore = 0;
    int rc = r ? MC_OK : mc_error_nomem();
    if (rc)
        goto cleanup;
    const int spec_sign = o->spec && mc_spec_doc_get(o->spec)->has_signing;
    r->format = spec_sign && mc_spec_doc_get(o->spec)->signing.format == MC_SIGN_DSSE_INTOTO
                    ? "dsse_intoto" : "model_signing";
    r->certificate = o->output ? strdup(o->output)
                               : mc_path_join(o->run_dir, MC_RELEASE_DEFAULT_NAME);
    if (!r->certificate) {
        rc = mc_error_nomem();
        goto cleanup;
    }
    if (o->spec && (rc = mc_spec_check_paths(o->spec, o->confine)))
        goto cleanup;
    if (!o->no_audit) {
        if ((rc = mc_audit_path(&trail, o->audit_path)) ||
            (rc = mc_audit_check_appendable(trail)))
            goto cleanup;
    }
    /* The data: where the flag says, else where run.json recorded it. */
    if ((rc = load_json(&f.run, o->run_dir, MC_RUN_FILE_RECORD)))
        goto cleanup;
    const char *recorded = str_at(f.run, "data", "absolute_path");
    if (!(data = strdup(o->data_path ? o->data_path : recorded ? recorded : ""))) {
        rc = mc_error_nomem();
        goto cleanup;
    }
    json_decref(f.run);
    f.run = NULL;
    if ((rc = facts_read(&f, o->run_dir, *data ? data : NULL, 1)) ||
        (rc = key_ref(&keyref, o)) ||
        (rc = mc_key_load_private_with(&key, keyref, o->passphrase_file, NULL)) ||
        (rc = mc_file_check_output(r->certificate)))
        goto cleanup;
    /* What the run's signature leaves out: the certificate, and what signing.sign omits. */
    ignore[n_ignore++] = MC_RELEASE_DEFAULT_NAME;
    if (spec_sign) {
        static const struct { int what; const char *file; } cover[] = {
            {MC_SIGN_WHAT_MODEL, MC_RUN_FILE_MODEL}, {MC_SIGN_WHAT_METRICS, MC_RUN_FILE_METRICS},
            {MC_SIGN_WHAT_METRICS, MC_RUN_FILE_HISTORY},
            {MC_SIGN_WHAT_METRICS, MC_RUN_FILE_PREDICTIONS}, {MC_SIGN_WHAT_SPEC, MC_RUN_FILE_SPEC},
            {MC_SIGN_WHAT_VALIDATION, MC_RUN_FILE_VALIDATION}};
        for (size_t i = 0; i < sizeof cover / sizeof cover[0]; i++)
            if (!has_what(o->spec, cover[i].what))
                ignore[n_ignore++] = cover[i].file;
    }
    r->ignored = n_ignore - 1;
    /* The run's signature and the certificate's envelopes: one key, loaded once above. */
    mc_model_sign_options so = {.files = {.path = o->run_dir, .ignore = ignore,
                                          .n_ignore = n_ignore, .threads = o->threads},
                                .dsse_only = strcmp(r->format, "dsse_intoto") == 0};
    if ((rc = mc_model_sign(&sr, &so, key)))
        goto cleanup;
    const char *identity = spec_sign ? mc_spec_doc_get(o->spec)->signing.identity : NULL;
    json_t *tr = test_result(&f, &r->result, &r->passed, &r->warned);
    if ((rc = envelope_line(&lines, &f, PT_PROVENANCE, provenance(&f, identity), key)) ||
        (rc = envelope_line(&lines, &f, PT_TEST_RESULT, tr, key)) ||
        (rc = mc_buf_take(&lines, &text, &tlen)) ||
        (rc = mc_file_write_atomic(r->certificate, text, tlen)))
        goto cleanup;
    memcpy(r->subject, sr->subject, sizeof r->subject);
    memcpy(r->model, f.model, sizeof r->model);
    memcpy(r->onnx, f.onnx, sizeof r->onnx);
    r->has_onnx = f.has_onnx;
    r->signature = sr->signature;
    sr->signature = NULL;
    if (mc_key_warning(key) && !(r->warning = strdup(mc_key_warning(key)))) {
        rc = mc_error_nomem();
        goto cleanup;
    }
    if (trail) {
        mc_audit_event ev = {.command = o->command_line ? o->command_line : "modelcert",
                             .kind = "certify", .model_digest = r->model,
                             .spec_digest = f.spec_digest, .data_digest = f.data_digest,
                             .verdict = "certified"};
        json_t *d = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s?,s:s?}", "run_dir", o->run_dir,
                              "signature", r->signature, "certificate", r->certificate,
                              "subject", r->subject, "format", r->format, "identity", identity,
                              "onnx", r->has_onnx ? r->onnx : NULL);
        rc = d ? mc_audit_record(&r->audit_event, trail, &ev, d) : mc_error_nomem();
        json_decref(d);
        if (rc)
            goto cleanup;
        r->audit_path = trail;
        trail = NULL;
    }
    *out = r;
    r = NULL;
cleanup:
    facts_free(&f);
    mc_key_free(key);
    mc_model_signed_free(sr);
    mc_buf_free(&lines);
    free(keyref);
    free(trail);
    free(text);
    free(data);
    mc_certify_result_free(r);
    return rc;
}

/* ---- verification of a release certificate -------------------------------------------- */

/* The subject: model.mcm as on disk, then model.onnx exactly when the run
 * holds one, with the digest of the file on disk. */
static int check_subject(const run_facts *f, const json_t *subj)
{
    const json_t *s0 = json_array_get(subj, 0), *s1 = json_array_get(subj, 1);
    const char *name1 = str_at(s1, "name", NULL), *d1 = str_at(s1, "digest", "sha256");
    if (json_array_size(subj) < 1 || json_array_size(subj) > 2 ||
        !str_at(s0, "digest", "sha256") || strcmp(str_at(s0, "digest", "sha256"), f->model))
        return mc_error_set(MC_EINPUT, "release certificate: its subject is not the model on "
                            "disk (sha256 %.12s...)", f->model);
    if (s1 && (!name1 || strcmp(name1, MC_RUN_FILE_ONNX) != 0))
        return mc_error_set(MC_EINPUT, "release certificate: unexpected subject '%.100s'",
                            name1 ? name1 : "(no name)");
    if (s1 && !f->has_onnx)
        return mc_error_set(MC_EINPUT, "release certificate: it certifies %s (sha256 %.12s...), "
                            "which is not in the run directory", MC_RUN_FILE_ONNX,
                            d1 ? d1 : "?");
    if (!s1 && f->has_onnx)
        return mc_error_set(MC_EINPUT, "release certificate: %s (sha256 %.12s...) is in the run "
                            "directory but not certified (exported after certify? certify the "
                            "run again)", MC_RUN_FILE_ONNX, f->onnx);
    if (s1 && (!d1 || strcmp(d1, f->onnx) != 0))
        return mc_error_set(MC_EINPUT, "release certificate: %s on disk (sha256 %.12s...) is not "
                            "the certified one (%.12s...)", MC_RUN_FILE_ONNX, f->onnx,
                            d1 ? d1 : "?");
    return MC_OK;
}

static int check_line(const run_facts *f, const json_t *st, int *seen)
{
    const char *pt = str_at(st, "predicateType", NULL);
    const json_t *pred = json_object_get(st, "predicate");
    const char *type = str_at(st, "_type", NULL);
    int rc;
    if (!type || strcmp(type, MC_OMS_STATEMENT_TYPE) != 0)
        return mc_error_set(MC_EINPUT, "release certificate: _type is not %s",
                            MC_OMS_STATEMENT_TYPE);
    if ((rc = check_subject(f, json_object_get(st, "subject"))))
        return rc;
    if (pt && strcmp(pt, PT_PROVENANCE) == 0) {
        const json_t *bd = json_object_get(pred, "buildDefinition");
        const json_t *ep = json_object_get(bd, "externalParameters");
        const json_t *dep = json_array_get(json_object_get(bd, "resolvedDependencies"), 0);
        const char *sd = str_at(json_object_get(ep, "spec_digest"), "sha256", NULL);
        if (!sd || strcmp(sd, f->spec_digest) != 0)
            return mc_error_set(MC_EINPUT, "release certificate: the provenance's spec digest "
                                "does not match spec.json");
        if (!str_at(dep, "digest", "sha256") || strcmp(str_at(dep, "digest", "sha256"),
                                                      f->data_digest) != 0)
            return mc_error_set(MC_EINPUT, "release certificate: the provenance's data digest "
                                "does not match run.json");
        seen[0]++;
    } else if (pt && strcmp(pt, PT_TEST_RESULT) == 0) {
        const char *res = str_at(pred, "result", NULL);
        const json_t *c0 = json_array_get(json_object_get(pred, "configuration"), 0);
        if (!str_at(c0, "digest", "sha256") ||
            strcmp(str_at(c0, "digest", "sha256"), f->validation_digest) != 0)
            return mc_error_set(MC_EINPUT, "release certificate: the test result's "
                                "validation.json digest does not match the file");
        if (!res || (strcmp(res, "PASSED") != 0 && strcmp(res, "WARNED") != 0))
            return mc_error_set(MC_EINPUT, "release certificate: the validation it records did "
                                "not pass (%s)", res ? res : "no result");
        seen[1]++;
    } else {
        return mc_error_set(MC_EINPUT, "release certificate: unexpected predicateType '%.100s'",
                            pt ? pt : "(missing)");
    }
    return MC_OK;
}

int mc_release_verify(const char *run_dir, const char *cert_path, EVP_PKEY *key)
{
    run_facts f = {0};
    char *text = NULL;
    size_t len = 0;
    int seen[2] = {0, 0}, lines = 0;
    int rc = mc_file_read_text(&text, &len, cert_path, MC_RELEASE_MAX);
    if (rc == MC_ENOTFOUND)
        rc = mc_error_set(MC_EINPUT, "no release certificate at %s", cert_path);
    if (rc || (rc = facts_read(&f, run_dir, NULL, 0)))
        goto cleanup;
    for (char *line = text, *next; line && *line && !rc; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        if (!*line)
            continue;
        if (++lines > LINES_MAX) {
            rc = mc_error_set(MC_EINPUT, "release certificate: over %d lines", LINES_MAX);
            break;
        }
        json_t *env = NULL, *st = NULL;
        unsigned char *payload = NULL;
        size_t plen = 0;
        char *ptype = NULL, jwhy[256] = "";
        if ((rc = mc_dsse_json_read(&env, line, strlen(line), jwhy, sizeof jwhy))) {
            if (rc != MC_ENOMEM)
                rc = mc_error_set(MC_EINPUT, "release certificate line %d: not JSON (%s)", lines,
                                  jwhy);
        } else if ((rc = mc_dsse_verify(&payload, &plen, &ptype, env, key))) {
            char why[sizeof mc_error_last()->message];
            snprintf(why, sizeof why, "%s", mc_error_last()->message);
            rc = mc_error_set(rc, "release certificate line %d: %s", lines, why);
        } else if (strcmp(ptype, MC_OMS_PAYLOAD_TYPE) != 0 ||
                   (rc = mc_dsse_json_read(&st, (char *)payload, plen, jwhy, sizeof jwhy))) {
            if (rc != MC_ENOMEM)
                rc = mc_error_set(MC_EINPUT, "release certificate line %d: not an in-toto "
                                  "statement", lines);
        } else {
            rc = check_line(&f, st, seen);
        }
        json_decref(env);
        json_decref(st);
        free(payload);
        free(ptype);
    }
    if (!rc && (seen[0] != 1 || seen[1] != 1))
        rc = mc_error_set(MC_EINPUT, "release certificate: needs exactly one provenance and one "
                          "test-result statement (found %d and %d)", seen[0], seen[1]);
cleanup:
    facts_free(&f);
    free(text);
    return rc;
}
