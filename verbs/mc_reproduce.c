/* reproduce as a library call (mc_reproduce.h): the audit trail opened and verified once
 * (mc_verb_audit.h), the recorded run re-run (spec.json confined, read with run.json,
 * metrics.json and the model through the run directory's bounded reader, mc_run_dir.h;
 * with --key those very bytes checked against the run's signature; the data's digest
 * checked) and judged by
 * checks/ (mc_repro_compare, mc_repro_outputs), the trail asked whether it records the
 * run, and the verb's one audit event appended. A run that gated an ONNX model (the spec's
 * model:, run.json's mode "model") has no training: its inference is repeated from spec.json,
 * the run directory's model.onnx (which must be the file the spec pins) and the data, and its
 * recorded outputs compared bit for bit (mc_model_gate_rerun). */
#include "mc_reproduce.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "mc_audit.h"
#include "mc_encrypt.h"
#include "mc_file.h"
#include "mc_hash.h"
#include "mc_model_gate.h"
#include "mc_repro.h"
#include "mc_run.h"
#include "mc_run_dir.h"
#include "mc_sign.h"

#define CAT "reproducibility"

static const char *recorded_digest(const json_t *record, const char *what)
{
    return json_string_value(json_object_get(json_object_get(record, what), "digest"));
}

/* With --key (or the keyless flags): the run's signature verifies and covers, byte for byte,
 * every file reproduce
 * reads (run.json, metrics.json, spec.json, model.mcm, and the outputs it compares:
 * test_predictions.csv, history.csv, membership_losses.csv when recorded), so that a file
 * the signature leaves out (sign --ignore) or one swapped after the check cannot steer the
 * re-run or its comparison. Adds the signing result; MC_EINPUT "the run's signature does
 * not verify: ..." otherwise. */
static int check_signed(mc_validation *v, const mc_reproduce_options *opt,
                        const mc_model_bytes *read, size_t n_read)
{
    char subject[MC_SHA256_HEX_LEN + 1], signer[512];
    const mc_run_trust trust = {.key = opt->key, .identity = opt->identity,
                                .identity_regexp = opt->identity_regexp, .issuer = opt->issuer,
                                .trusted_root = opt->trusted_root};
    int rc = mc_sign_check_run_trust(subject, signer, sizeof signer, "run", opt->run_dir,
                                     &trust, opt->threads, read, n_read);
    if (rc == MC_OK)
        rc = mc_validation_add(v, "signing", "signing.run", "run signature", MC_STATUS_PASS,
                               json_string(subject), json_string(signer),
                               "%s is signed by %s (every file reproduce read, as read: "
                               "run.json, metrics.json, spec.json, the model and the outputs "
                               "compared)", opt->run_dir, signer);
    return rc;
}

/* A model: run's model.onnx (its sha256 rec_model, checked against run.json already) must be
 * the file spec.json pins in model.sha256: a result either way. */
static int check_pinned(mc_validation *v, int *pinned, const mc_spec *spec,
                        const char *model_path, const char *rec_model)
{
    const char *pin = mc_spec_doc_get(spec)->model.sha256;
    *pinned = pin && strcmp(pin, rec_model) == 0;
    if (!*pinned)
        return mc_validation_add(v, CAT, "reproduce.model", "pinned model", MC_STATUS_FAIL,
                                 json_string(rec_model), pin ? json_string(pin) : json_null(),
                                 "%s has sha256 %s, but spec.json pins model.sha256 %s: the run "
                                 "directory was altered", model_path, rec_model,
                                 pin ? pin : "(none)");
    return mc_validation_add(v, CAT, "reproduce.model", "pinned model", MC_STATUS_PASS,
                             json_string(rec_model), json_string(pin),
                             "%s is the ONNX model the spec pins (sha256 %.16s...)", model_path,
                             pin);
}

/* The repeated inference of a model: run: the re-run scored the test rows twice with the same
 * bits (the recorded outputs are compared next). */
static int add_inference(mc_validation *v, int same)
{
    return mc_validation_add(v, CAT, "reproduce.inference", "repeated inference",
                             same ? MC_STATUS_PASS : MC_STATUS_FAIL, json_boolean(same),
                             json_true(),
                             same ? "the ONNX model's inference, repeated twice, gave the same "
                                    "bits"
                                  : "the ONNX model's inference, repeated twice, gave different "
                                    "bits: the interpreter is not deterministic here");
}

/* A JSON file of the run directory, parsed, and the bytes it was parsed from. */
static int load_json_bytes(json_t **out, char **bytes, size_t *len, const char *dir,
                           const char *name)
{
    char *path = mc_path_join(dir, name);
    int rc = path ? mc_run_file_read_json_bytes(out, bytes, len, path) : mc_error_nomem();
    free(path);
    if (rc == MC_EINPUT || rc == MC_ENOTFOUND) {
        char why[sizeof mc_error_last()->message];
        mc_error_format(mc_error_last(), why, sizeof why);
        rc = mc_error_set(MC_EINPUT, "%s (is %s a run directory?)", why, dir);
    }
    return rc;
}

/* The recorded run re-run and judged, its results added to v: with --key the files read
 * checked against the run's signature first, the model file and spec against run.json's
 * digests, the data's digest, then the re-run's model and outputs compared. On MC_OK
 * *run_record is the recorded run.json (caller owns it). Errors as mc_reproduce's. */
static int rerun(mc_validation *v, json_t **run_record, const mc_reproduce_options *o)
{
    const char *run_dir = o->run_dir, *data_path = o->data_path;
    const mc_confinement *confine = o->confine;
    int threads = o->threads;
    json_t *record = NULL, *metrics = NULL;
    char *spec_text = NULL, *model = NULL, *spec_path = NULL, *model_path = NULL;
    char *record_bytes = NULL, *metrics_bytes = NULL, *sealed = NULL, *preds = NULL,
         *history = NULL, *membership = NULL;
    unsigned char *clear = NULL; /* an encrypted run's model, decrypted: wiped at the end */
    size_t spec_len = 0, model_len = 0, record_len = 0, metrics_len = 0, sealed_len = 0,
           preds_len = 0, history_len = 0, membership_len = 0;
    const char *model_file = MC_RUN_FILE_MODEL;
    int encrypted = 0;
    mc_spec *spec = NULL;
    mc_diags *diags = NULL;
    mc_run *again = NULL;
    int rc = load_json_bytes(&record, &record_bytes, &record_len, run_dir, MC_RUN_FILE_RECORD);
    if (rc || (rc = load_json_bytes(&metrics, &metrics_bytes, &metrics_len, run_dir,
                                    MC_RUN_FILE_METRICS)))
        goto cleanup;
    const char *mode = json_string_value(json_object_get(record, "mode"));
    if (mode && strcmp(mode, "predictions") == 0) {
        rc = mc_error_set(MC_EINPUT, "%s judged predictions made elsewhere (validate "
                          "--predictions): there is no model to reproduce", run_dir);
        goto cleanup;
    }
    int onnx = mode && strcmp(mode, "model") == 0; /* docs/onnx.md "Gating an ONNX model" */
    if (onnx)
        model_file = MC_RUN_FILE_ONNX;
    const char *file = json_string_value(json_object_get(json_object_get(record, "model"), "file"));
    if (file && strcmp(file, MC_RUN_FILE_MODEL_AGE) == 0) {
        model_file = MC_RUN_FILE_MODEL_AGE;
        encrypted = 1;
    }
    if (encrypted && !o->decrypt) {
        rc = mc_error_set(MC_EINPUT, "%s's model is encrypted (%s): give --identity KEY (or "
                          "--passphrase-env, --passphrase-file) to reproduce it", run_dir,
                          MC_RUN_FILE_MODEL_AGE);
        goto cleanup;
    }
    spec_path = mc_path_join(run_dir, MC_RUN_FILE_SPEC);
    model_path = mc_path_join(run_dir, model_file);
    if (!spec_path || !model_path) {
        rc = mc_error_nomem();
        goto cleanup;
    }
    if ((rc = mc_run_dir_read_bytes(&spec_text, &spec_len, run_dir, MC_RUN_FILE_SPEC, 1 << 20)) ||
        (rc = mc_run_dir_read_bytes(&sealed, &sealed_len, run_dir, model_file,
                                    (size_t)1 << 34)) ||
        (rc = mc_run_dir_read_text(&preds, &preds_len, run_dir, MC_RUN_FILE_PREDICTIONS, 0)) ||
        (!onnx && /* an ONNX model has no training, no history */
         (rc = mc_run_dir_read_text(&history, &history_len, run_dir, MC_RUN_FILE_HISTORY, 0))))
        goto cleanup;
    /* Only the membership sample may be absent (a run without the check, or of an earlier
       version): metrics.json then carries what the attack judged. */
    rc = mc_run_dir_read_text(&membership, &membership_len, run_dir, MC_RUN_FILE_MEMBERSHIP, 0);
    if (rc == MC_ENOTFOUND) {
        mc_error_clear();
        rc = MC_OK;
    }
    if (rc)
        goto cleanup;
    mc_model_bytes read[7] = {{MC_RUN_FILE_RECORD, record_bytes, record_len},
                              {MC_RUN_FILE_METRICS, metrics_bytes, metrics_len},
                              {MC_RUN_FILE_SPEC, spec_text, spec_len},
                              {model_file, sealed, sealed_len},
                              {MC_RUN_FILE_PREDICTIONS, preds, preds_len}};
    size_t n_read = 5;
    if (history)
        read[n_read++] = (mc_model_bytes){MC_RUN_FILE_HISTORY, history, history_len};
    if (membership)
        read[n_read++] = (mc_model_bytes){MC_RUN_FILE_MEMBERSHIP, membership, membership_len};
    int keyless = o->identity || o->identity_regexp || o->issuer || o->trusted_root;
    if ((o->key || keyless) && (rc = check_signed(v, o, read, n_read)))
        goto cleanup;
    if (!encrypted) {
        model = sealed;
        model_len = sealed_len;
        sealed = NULL;
    } else { /* the bytes checked above, decrypted in memory only: an audited decryption */
        mc_decrypt_options d = *o->decrypt;
        mc_decrypt_result dr;
        d.input = model_path;
        rc = mc_decrypt_bytes(&clear, &model_len, &dr, &d, "reproduce", sealed, sealed_len);
        free(dr.audit_path);
        if (rc == MC_EINPUT && (dr.info.result == MC_AGE_NO_MATCH ||
                                dr.info.result == MC_AGE_HMAC_FAILURE ||
                                dr.info.result == MC_AGE_PAYLOAD_FAILURE)) {
            /* not for these keys, or not authentic: a result (exit 1), as decrypt's */
            char why[sizeof mc_error_last()->message];
            snprintf(why, sizeof why, "%s", mc_error_last()->message);
            rc = mc_validation_add(v, CAT, "reproduce.model_file", "recorded model",
                                   MC_STATUS_FAIL, json_string(mc_age_result_name(
                                                       dr.info.result)),
                                   json_string("success"), "%s does not open: %s", model_path,
                                   why);
            goto cleanup;
        }
        if (rc)
            goto cleanup;
        model = (char *)clear;
    }
    const json_t *jdata = json_object_get(record, "data");
    const char *rec_spec = recorded_digest(record, "spec");
    const char *rec_data = json_string_value(json_object_get(jdata, "digest"));
    const char *rec_model = recorded_digest(record, "model");
    const char *numerics = json_string_value(json_object_get(record, "numerics"));
    const char *path =
        data_path ? data_path : json_string_value(json_object_get(jdata, "absolute_path"));
    if (!path)
        path = json_string_value(json_object_get(jdata, "path"));
    if (!rec_spec || !rec_data || !rec_model || (!numerics && !onnx) || !path) {
        rc = mc_error_set(MC_EINPUT, "%s/run.json lacks the spec, data or model digest", run_dir);
        goto cleanup;
    }
    /* The recorded files must be the ones the record names. */
    char got[MC_SHA256_HEX_LEN + 1];
    if ((rc = mc_sha256_hex(got, model, model_len)))
        goto cleanup;
    if (strcmp(got, rec_model) != 0) {
        rc = mc_validation_add(v, CAT, "reproduce.model_file", "recorded model", MC_STATUS_FAIL,
                               json_string(got), json_string(rec_model),
                               "%s has sha256 %s, but run.json records %s: the run directory "
                               "was altered", model_path, got, rec_model);
        goto cleanup;
    }
    if ((rc = mc_diags_create(&diags)))
        goto cleanup;
    rc = mc_spec_load_buffer(&spec, diags, spec_path, spec_text, spec_len);
    if (rc == MC_EINPUT) {
        const mc_diag *d0 = mc_diags_get(diags, 0);
        rc = mc_error_set(MC_EINPUT, "%s is not a valid spec: %s", spec_path,
                          d0 ? d0->message : "?");
        goto cleanup;
    }
    if (rc)
        goto cleanup;
    mc_confinement c = confine ? *confine : (mc_confinement){0};
    if (!c.root)
        c.root = run_dir; /* the run directory is the root of its recorded spec */
    if ((rc = mc_spec_check_paths(spec, &c)) || (rc = mc_spec_digest(got, spec)) ||
        (rc = mc_run_check_secrets(spec)))
        goto cleanup;
    if (strcmp(got, rec_spec) != 0) {
        rc = mc_validation_add(v, CAT, "reproduce.spec", "recorded spec", MC_STATUS_FAIL,
                               json_string(got), json_string(rec_spec),
                               "spec.json has digest %s, but run.json records %s: the run "
                               "directory was altered", got, rec_spec);
        goto cleanup;
    }
    rc = mc_sha256_file_hex(got, path);
    if (rc == MC_ENOTFOUND) {
        rc = mc_validation_add(v, CAT, "reproduce.data", "data digest", MC_STATUS_ERROR,
                               json_null(), json_string(rec_data),
                               "the data file %s is missing (give --data PATH)", path);
        goto cleanup;
    }
    if (rc)
        goto cleanup;
    if (strcmp(got, rec_data) != 0) {
        rc = mc_validation_add(v, CAT, "reproduce.data", "data digest", MC_STATUS_FAIL,
                               json_string(got), json_string(rec_data),
                               "data digest differs: %s has sha256 %s, the run used %s", path, got,
                               rec_data);
        goto cleanup;
    }
    if ((rc = mc_validation_add(v, CAT, "reproduce.data", "data digest", MC_STATUS_PASS,
                                json_string(got), json_string(rec_data),
                                "%s is the data the run used (sha256 %.16s...)", path, got)))
        goto cleanup;
    int pinned = 1;
    if (onnx && ((rc = check_pinned(v, &pinned, spec, model_path, rec_model)) || !pinned))
        goto cleanup;
    int num = numerics ? mc_enum_from_name(mc_names_numerics, numerics) : -1;
    mc_run_options opt = {.threads = threads,
                          .numerics = num == MC_NUMERICS_REFERENCE ? MC_NUMERICS_REFERENCE
                                                                   : MC_NUMERICS_FAST,
                          .data_path = path};
    int same = 1;
    rc = onnx ? mc_model_gate_rerun(&again, &same, spec, &opt, model, model_len, model_path)
              : mc_run_execute(&again, spec, &opt);
    if (rc == MC_EINPUT || rc == MC_ENOTFOUND) {
        rc = mc_validation_add(v, CAT, "reproduce.run", "re-run", MC_STATUS_ERROR, json_null(),
                               json_null(), "the re-run failed: %s", mc_error_last()->message);
        goto cleanup;
    }
    if (rc)
        goto cleanup;
    mc_repro_side a = {(const unsigned char *)model, model_len, metrics, "the recorded run"};
    mc_repro_side b = {again->model, again->model_len, again->metrics, "the re-run"};
    rc = onnx ? add_inference(v, same) : mc_repro_compare(v, "reproduce.model", &a, &b, NULL);
    if (rc == MC_OK)
        rc = mc_repro_outputs(v, &(mc_repro_recorded){preds, history, membership}, record,
                              metrics, again);
cleanup:
    if (rc == MC_OK) { /* also when a result ended the comparison early */
        *run_record = record;
        record = NULL;
    }
    json_decref(record);
    json_decref(metrics);
    free(record_bytes);
    free(metrics_bytes);
    free(preds);
    free(history);
    free(membership);
    free(spec_text);
    if (clear)
        OPENSSL_clear_free(clear, model_len ? model_len : 1);
    else
        free(model);
    free(sealed);
    free(spec_path);
    free(model_path);
    mc_spec_free(spec);
    mc_diags_free(diags);
    mc_run_free(again);
    return rc;
}

/* Whether an event records this run: the same run_id (runs from this version
 * on), or for older runs without one, the same model. */
static int records_run(const json_t *ev, const char *run_id)
{
    const char *id = json_string_value(json_object_get(json_object_get(ev, "details"), "run_id"));
    return !run_id || (id && strcmp(id, run_id) == 0);
}

/* A run directory complete on disk but never recorded (a run killed after
 * its rename, before its audit event) must not reproduce silently: the
 * trail must hold the run or validate event of this very run. */
static int check_recorded(mc_validation *v, const char *audit_path, const json_t *record)
{
    static const char *const kinds[] = {"run", "validate"};
    const char *model = recorded_digest(record, "model");
    const char *run_id = json_string_value(json_object_get(record, "run_id"));
    size_t found = 0;
    int rc = MC_OK;
    for (int k = 0; k < 2 && rc == MC_OK && model; k++) {
        json_t *e = NULL;
        mc_audit_filter f = {.model_digest = model, .kind = kinds[k]};
        rc = mc_audit_list(&e, audit_path, &f);
        if (rc == MC_ENOTFOUND)
            rc = MC_OK; /* no trail at all: nothing records the run */
        for (size_t i = 0; rc == MC_OK && i < json_array_size(e); i++)
            found += (size_t)records_run(json_array_get(e, i), run_id);
        json_decref(e);
    }
    char *shown = NULL; /* a URI without its password */
    if (rc || (rc = mc_audit_location_redact(&shown, audit_path)))
        return rc;
    if (found)
        rc = mc_validation_add(v, CAT, "reproduce.audited", "audit record", MC_STATUS_PASS,
                               json_integer((json_int_t)found), json_null(),
                               "the audit trail %s records this run (%s %.16s...)", shown,
                               run_id ? "run_id" : "model", run_id ? run_id : model);
    else
        rc = mc_validation_add(v, CAT, "reproduce.audited", "audit record", MC_STATUS_FAIL,
                               json_integer(0), json_null(),
                               "no run or validate event in the audit trail %s records this run "
                               "(%s %.16s...): it was never recorded (killed before its event "
                               "was written?), or it was recorded in another trail (give --audit)",
                               shown, run_id ? "run_id" : "model", run_id ? run_id : "?");
    free(shown);
    return rc;
}

int mc_reproduce(mc_outcome **out, const mc_reproduce_options *opt)
{
    mc_outcome *o = calloc(1, sizeof *o);
    json_t *rec = NULL;
    mc_verb_audit *trail = NULL;
    int rc = o && (o->run_dir = strdup(opt->run_dir)) ? MC_OK : mc_error_nomem();
    *out = NULL;
    if (rc || (rc = mc_validation_create(&o->validation)) ||
        (rc = mc_verb_audit_open(&trail, opt->audit_path, opt->no_audit)) ||
        (rc = rerun(o->validation, &rec, opt)) ||
        (rc = mc_validation_set_run(o->validation, rec, opt->run_dir)) ||
        (!opt->no_audit &&
         (rc = check_recorded(o->validation, mc_verb_audit_path(trail), rec))))
        goto cleanup;
    mc_outcome_summarize(o);
    mc_verb_event ev = {.command = opt->command_line, .kind = "reproduce",
                        .spec_digest = recorded_digest(rec, "spec"),
                        .data_digest = recorded_digest(rec, "data"),
                        .model_digest = recorded_digest(rec, "model"),
                        .verdict = mc_verdict_name(o->verdict)};
    rc = mc_outcome_record(o, trail, &ev, json_object());
    *out = o; /* also when only the audit append failed */
    o = NULL;
cleanup:
    mc_outcome_free(o);
    json_decref(rec);
    mc_verb_audit_free(trail);
    return rc;
}
