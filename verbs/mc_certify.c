/* certify (mc_certify.h): a validated run released. The run's facts checked (mc_release.c):
 * the data hashed (never none), any data pin agreeing, and the run's validate event found in
 * the audit trail, its verdict pass and every file it recorded unchanged (mc_validated.c);
 * then its key loaded once, the ML-BOM written (mc_bom.c), the run directory signed with it
 * (signing/mc_model_sign.c), the release certificate written (SLSA Provenance v1 and in-toto
 * test-result v0.1 statements, each in a DSSE envelope signed by the same key), and a "certify" audit event appended. */
#include "mc_certify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mc_bom.h"
#include "mc_dsse.h"
#include "mc_error.h"
#include "mc_file.h"
#include "mc_json.h"
#include "mc_key.h"
#include "mc_keyref.h"
#include "mc_model_sign.h"
#include "mc_oms.h"
#include "mc_release.h"
#include "mc_run_dir.h"
#include "mc_validated.h"
#include "mc_verb_audit.h"

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

/* ---- the two statements -------------------------------------------------------------- */

/* The certified artifacts: model.mcm (or model.mcm.age as it is, annotated with the clear
 * model's digest), model.onnx when present (annotated with its format and the model it was
 * exported from), and the ML-BOM; or, for an ONNX model the spec's model: gated, model.onnx
 * (annotated with its format; model.onnx.age as it is, with the clear model's digest too)
 * and the ML-BOM. */
static json_t *subject(const mc_release_facts *f)
{
    const int onnx_age = strcmp(f->model_file, MC_RUN_FILE_ONNX_AGE) == 0;
    json_t *s = f->encrypted && onnx_age /* an encrypted ONNX model gated */
                    ? json_pack("[{s:s,s:{s:s},s:{s:s,s:s,s:{s:s}}}]", "name", f->model_file,
                                "digest", "sha256", f->file_digest, "annotations", "encryption",
                                "age", "format", "onnx", "decrypted", "sha256", f->model)
                : f->encrypted
                    ? json_pack("[{s:s,s:{s:s},s:{s:s,s:{s:s}}}]", "name", f->model_file,
                                "digest", "sha256", f->file_digest, "annotations", "encryption",
                                "age", "decrypted", "sha256", f->model)
                : strcmp(f->model_file, MC_RUN_FILE_ONNX) == 0 /* an ONNX model gated */
                    ? json_pack("[{s:s,s:{s:s},s:{s:s}}]", "name", f->model_file, "digest",
                                "sha256", f->model, "annotations", "format", "onnx")
                    : json_pack("[{s:s,s:{s:s}}]", "name", f->model_file, "digest", "sha256",
                                f->model);
    if (s && f->has_onnx &&
        mc_json_append(s, json_pack("{s:s,s:{s:s},s:{s:s,s:{s:s}}}", "name", MC_RUN_FILE_ONNX,
                                    "digest", "sha256", f->onnx, "annotations", "format", "onnx",
                                    "exported_from", "sha256", f->model))) {
        json_decref(s);
        return NULL;
    }
    if (s && f->has_bom &&
        mc_json_append(s, json_pack("{s:s,s:{s:s},s:{s:s,s:s}}", "name", MC_BOM_FILE, "digest",
                                    "sha256", f->bom, "annotations", "mediaType",
                                    MC_BOM_MEDIA_TYPE, "specVersion", MC_BOM_SPEC_VERSION))) {
        json_decref(s);
        return NULL;
    }
    return s;
}

static json_t *provenance(const mc_release_facts *f, const char *identity)
{
    const char *data_name = mc_release_str(f->run, "data", "path");
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

static json_t *test_result(const mc_release_facts *f, const char **result, size_t *np, size_t *nw)
{
    json_t *pass = json_array(), *warn = json_array(), *fail = json_array();
    json_t *res = json_object_get(f->validation, "results");
    int rc = pass && warn && fail && json_is_array(res) ? MC_OK : mc_error_nomem();
    for (size_t i = 0; i < json_array_size(res) && !rc; i++) {
        const json_t *r = json_array_get(res, i);
        const char *id = mc_release_str(r, "id", NULL), *st = mc_release_str(r, "status", NULL);
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
static int envelope_line(mc_buf *out, const mc_release_facts *f, const char *ptype, json_t *pred,
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

/* A validation with warnings (unpinned data, groups too small to judge, ...) passed, but says
 * something is not as it should be: certify releases it only when told to. f->validation is
 * the validation.json that the trail's validate event vouches for (mc_validated_check ran
 * first), so a warning cannot be edited away. *n: how many. */
static int check_warnings(size_t *n, const mc_release_facts *f, int accept, const char *dir)
{
    const json_t *res = json_object_get(f->validation, "results");
    char first[700] = "";
    size_t len = 0;
    *n = 0;
    for (size_t i = 0; i < json_array_size(res); i++) {
        const json_t *r = json_array_get(res, i);
        const char *st = mc_release_str(r, "status", NULL), *id = mc_release_str(r, "id", NULL);
        if (!st || strcmp(st, "warn") != 0)
            continue;
        if ((*n)++ < 3 && len < sizeof first) {
            const char *msg = mc_release_str(r, "message", NULL);
            int w = snprintf(first + len, sizeof first - len, "%s%.80s (%.200s)",
                             len ? "; " : "", id ? id : "?", msg ? msg : "");
            len += w > 0 ? (size_t)w : 0;
        }
    }
    if (*n == 0 || accept)
        return MC_OK;
    return mc_error_set(MC_EINPUT, "%s: the validation passed with %zu warning%s: %s%s; certify "
                        "releases a validation with warnings only with --accept-warnings (the "
                        "certificate then lists them as warnedTests), else fix them and "
                        "validate again", dir, *n, *n == 1 ? "" : "s", first,
                        *n > 3 ? "; ..." : "");
}

/* The data is pinned where a spec says so: the run's own spec.json, and the spec certify was
 * given. Either pin must be the data the run read (f->data_digest, which certify has just
 * hashed). */
static int check_pins(const mc_release_facts *f, const mc_spec *spec, const char *dir)
{
    const char *pins[2] = {mc_release_str(json_object_get(f->spec, "data"), "sha256", NULL),
                           spec ? mc_spec_doc_get(spec)->data.sha256 : NULL};
    for (int i = 0; i < 2; i++)
        if (pins[i] && strcasecmp(pins[i], f->data_digest) != 0)
            return mc_error_set(MC_EINPUT, "%s%s pins the data to sha256 %.12s..., not the run's "
                                "%.12s...", i ? "the spec " : dir, i ? mc_spec_path(spec)
                                : "/" MC_RUN_FILE_SPEC, pins[i], f->data_digest);
    return MC_OK;
}

int mc_certify_run(mc_certify_result **out, const mc_certify_options *o)
{
    mc_certify_result *r = calloc(1, sizeof *r);
    mc_release_facts f = {0};
    mc_key *key = NULL;
    mc_model_signed *sr = NULL;
    mc_verb_audit *trail = NULL;
    char *keyref = NULL, *text = NULL, *data = NULL;
    size_t tlen = 0;
    mc_buf lines = {0};
    const char *ignore[MC_RELEASE_UNSIGNED_MAX];
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
    if (o->output && (rc = mc_file_check_output(r->certificate))) /* -o: before any work */
        goto cleanup;
    if (o->spec && (rc = mc_spec_check_paths(o->spec, o->confine)))
        goto cleanup;
    if (o->no_audit) { /* the trail is the evidence: certify cannot do without it */
        rc = mc_error_set(MC_EINPUT, "certify needs the audit trail: it certifies only a "
                          "validation that the trail recorded");
        goto cleanup;
    }
    if ((rc = mc_verb_audit_open(&trail, o->audit_path, o->no_audit)))
        goto cleanup;
    /* The data: where the flag says, else where run.json recorded it; never none. */
    if ((rc = mc_release_read_json(&f.run, o->run_dir, MC_RUN_FILE_RECORD)))
        goto cleanup;
    const char *recorded = mc_release_str(f.run, "data", "absolute_path");
    if (!o->data_path && !recorded) {
        rc = mc_error_set(MC_EINPUT, "%s/%s records no data.absolute_path: give --data PATH, "
                          "the data the run read (certify signs only a data digest it has "
                          "checked)", o->run_dir, MC_RUN_FILE_RECORD);
        goto cleanup;
    }
    if (!(data = strdup(o->data_path ? o->data_path : recorded))) {
        rc = mc_error_nomem();
        goto cleanup;
    }
    json_decref(f.run);
    f.run = NULL;
    long long validated = 0; /* the validate event that vouches for the run */
    size_t warnings = 0;
    if ((rc = mc_release_facts_read(&f, o->run_dir, data, 1)) ||
        (rc = check_pins(&f, o->spec, o->run_dir)) ||
        (rc = mc_validated_check(&validated, mc_verb_audit_path(trail), o->run_dir, &f)) ||
        (rc = check_warnings(&warnings, &f, o->accept_warnings, o->run_dir)) ||
        (rc = key_ref(&keyref, o)) ||
        (rc = mc_key_load_private_with(&key, keyref, o->passphrase_file)) ||
        (rc = mc_file_check_output(r->certificate)) ||
        (rc = mc_bom_write(&f, o->run_dir))) /* before the signature, which covers it */
        goto cleanup;
    /* What the run's signature leaves out: the certificate, and what signing.sign omits. */
    size_t n_ignore = mc_release_unsigned(ignore, &f, o->spec);
    r->ignored = n_ignore - 1;
    /* The run's signature and the certificate's envelopes: one key, loaded once above. */
    mc_model_sign_options so = {.files = {.path = o->run_dir, .ignore = ignore,
                                          .n_ignore = n_ignore, .threads = o->threads},
                                .dsse_only = strcmp(r->format, "dsse_intoto") == 0};
    if ((rc = mc_model_sign(&sr, &so, key)))
        goto cleanup;
    const char *identity = spec_sign ? mc_spec_doc_get(o->spec)->signing.identity : NULL;
    json_t *tr = test_result(&f, &r->result, &r->passed, &r->warned);
    if ((rc = envelope_line(&lines, &f, MC_RELEASE_PT_PROVENANCE, provenance(&f, identity), key)) ||
        (rc = envelope_line(&lines, &f, MC_RELEASE_PT_TEST_RESULT, tr, key)) ||
        (rc = mc_buf_take(&lines, &text, &tlen)) ||
        (rc = mc_file_write_atomic(r->certificate, text, tlen)))
        goto cleanup;
    memcpy(r->subject, sr->subject, sizeof r->subject);
    memcpy(r->model, f.model, sizeof r->model);
    memcpy(r->encrypted_sha256, f.file_digest, sizeof r->encrypted_sha256);
    r->encrypted = f.encrypted;
    memcpy(r->onnx, f.onnx, sizeof r->onnx);
    memcpy(r->bom, f.bom, sizeof r->bom);
    r->has_onnx = f.has_onnx;
    r->onnx_model = strcmp(f.model_file, MC_RUN_FILE_ONNX) == 0 ||
                    strcmp(f.model_file, MC_RUN_FILE_ONNX_AGE) == 0;
    r->signature = sr->signature;
    sr->signature = NULL;
    if (mc_key_warning(key) && !(r->warning = strdup(mc_key_warning(key)))) {
        rc = mc_error_nomem();
        goto cleanup;
    }
    mc_verb_event ev = {.command = o->command_line, .kind = "certify", .model_digest = r->model,
                        .spec_digest = f.spec_digest, .data_digest = f.data_digest,
                        .verdict = "certified"};
    json_t *d = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s?,s:s?,s:s,s:I}", "run_dir", o->run_dir,
                          "signature", r->signature, "certificate", r->certificate,
                          "subject", r->subject, "format", r->format, "identity", identity,
                          "onnx", r->has_onnx ? r->onnx : NULL, "bom", r->bom, "validate_event",
                          (json_int_t)validated);
    if (d && warnings && /* released despite them: the trail says so */
        json_object_set_new(d, "accepted_warnings", json_integer((json_int_t)warnings))) {
        json_decref(d);
        d = NULL;
    }
    if ((rc = mc_verb_audit_record(trail, &ev, d, &r->audit_event, &r->audit_path)))
        goto cleanup;
    *out = r;
    r = NULL;
cleanup:
    mc_release_facts_free(&f);
    mc_key_free(key);
    mc_model_signed_free(sr);
    mc_buf_free(&lines);
    free(keyref);
    mc_verb_audit_free(trail);
    free(text);
    free(data);
    mc_certify_result_free(r);
    return rc;
}

