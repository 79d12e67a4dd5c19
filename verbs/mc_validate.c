/* validate as a library call (mc_validate.h): the spec confined, the audit trail opened
 * and verified once (mc_verb_audit.h), the run made, every check of checks/ on it,
 * validation.json written with the run directory, and the verb's one audit event appended
 * (mc_outcome.h); the event records the sha256 of every file it wrote (mc_validated.h), the
 * evidence certify believes. The baseline is read through the run directory's bounded
 * reader (mc_run_dir.h); a signed baseline must be signed over the very bytes the gate
 * reads. reproduce is in mc_reproduce.c. */
#include "mc_validate.h"

#include <stdlib.h>
#include <string.h>

#include "mc_explainability.h"
#include "mc_file.h"
#include "mc_json.h"
#include "mc_model_gate.h"
#include "mc_privacy_dp.h"
#include "mc_privacy.h"
#include "mc_predictions_checks.h"
#include "mc_protect.h"
#include "mc_protection.h"
#include "mc_preds.h"
#include "mc_repro.h"
#include "mc_robustness.h"
#include "mc_run.h"
#include "mc_run_dir.h"
#include "mc_sign.h"
#include "mc_thresholds.h"
#include "mc_validated.h"
#include "mc_verb_audit.h"

/* The baseline's metrics.json: `path` is a run directory, a metrics.json, or
 * a model.mcm with metrics.json beside it. bytes (NULL: not wanted): the bytes it was read
 * from, which a signed baseline's signature must cover. */
static int load_baseline(json_t **out, char **bytes, size_t *blen, const char *path)
{
    size_t n = strlen(path);
    char *file = NULL;
    size_t m = strlen("/" MC_RUN_FILE_MODEL);
    if (n >= m && strcmp(path + n - m, "/" MC_RUN_FILE_MODEL) == 0) {
        char *dir = mc_path_dirname(path);
        file = dir ? mc_path_join(dir, MC_RUN_FILE_METRICS) : NULL;
        free(dir);
    } else if (n >= 5 && strcmp(path + n - 5, ".json") == 0) {
        file = strdup(path);
    } else {
        file = mc_path_join(path, MC_RUN_FILE_METRICS);
    }
    if (!file)
        return mc_error_nomem();
    json_t *j = NULL;
    char *text = NULL;
    size_t len = 0;
    /* bounded, a regular file (mc_run_dir.h) */
    int rc = mc_run_file_read_json_bytes(&j, bytes ? &text : NULL, &len, file);
    if (rc == MC_EINPUT || rc == MC_ENOTFOUND) {
        char why[sizeof mc_error_last()->message];
        mc_error_format(mc_error_last(), why, sizeof why);
        rc = mc_error_set(MC_EINPUT, "baseline: %s", why);
    } else if (rc == MC_OK && !json_is_object(json_object_get(j, "metrics"))) {
        rc = mc_error_set(MC_EINPUT, "baseline %s: no \"metrics\" object", file);
    }
    if (rc == MC_OK) {
        *out = j;
        j = NULL;
        if (bytes) {
            *bytes = text;
            *blen = len;
            text = NULL;
        }
    }
    json_decref(j);
    free(text);
    free(file);
    return rc;
}

/* data.pinned: the data the run read against the spec's sha256 pin. */
static int data_checks(mc_validation *v, const mc_spec *spec, const mc_run *run)
{
    const mc_data *d = &mc_spec_doc_get(spec)->data;
    json_t *measured = json_string(run->data_digest);
    json_t *expected = d->sha256 ? json_string(d->sha256) : NULL;
    if (!measured || (d->sha256 && !expected)) {
        json_decref(measured);
        json_decref(expected);
        return mc_error_nomem();
    }
    if (d->sha256)
        return mc_validation_add(v, "data", "data.pinned", "data pinned", MC_STATUS_PASS, measured,
                                 expected, "%s matches its pinned sha256", d->source);
    return mc_validation_add(v, "data", "data.pinned", "data pinned", MC_STATUS_WARN, measured, json_null(),
                             "%s is not pinned: add data.sha256: %s so the gate runs on exactly "
                             "these bytes",
                             d->source, run->data_digest);
}

/* reproducibility.inference of an ONNX model (the spec's model:): its inference run twice on
 * the test rows gave the same bits. */
static int inference_check(mc_validation *v, const mc_run *run, int same)
{
    json_t *m = json_string(same ? "identical" : "different"), *e = json_string("identical");
    if (!m || !e) {
        json_decref(m);
        json_decref(e);
        return mc_error_nomem();
    }
    return mc_validation_add(v, "reproducibility", "reproducibility.inference",
                             "inference repeated", same ? MC_STATUS_PASS : MC_STATUS_FAIL, m, e,
                             "the model's inference on the %lld test rows, run twice, %s",
                             (long long)json_integer_value(json_object_get(
                                 json_object_get(run->record, "split"), "test")),
                             same ? "gave the same bits" : "gave different bits");
}

/* Runs the pipeline and every check on it, then writes the run directory with
 * validation.json in it, in one atomic step: a validate that fails leaves no
 * run directory, and one that succeeds leaves it complete, its verdict
 * included. */
/* The run directory a --baseline path names (a directory, its metrics.json or model.mcm). */
static char *baseline_dir(const char *path)
{
    size_t n = strlen(path);
    if ((n >= 5 && strcmp(path + n - 5, ".json") == 0) ||
        (n >= 4 && strcmp(path + n - 4, ".mcm") == 0))
        return mc_path_dirname(path);
    return strdup(path);
}

static int validate_run(mc_outcome *o, mc_run **run, const mc_validate_options *opt,
                        const char *trail_absolute, const mc_protect *protect)
{
    json_t *baseline = NULL, *reruns = NULL; /* the re-runs' metrics.json */
    char *bdir = NULL;
    char *text = NULL, *btext = NULL;
    size_t len = 0, blen = 0;
    mc_privacy_view *pv = NULL;
    mc_run_options ro = {.threads = opt->threads,
                         .numerics = opt->numerics_set ? (int)opt->numerics : -1,
                         .audit_path = trail_absolute, .training_view = mc_privacy_view_hook,
                         .progress = opt->progress, .progress_ctx = opt->progress_ctx};
    char signed_subject[MC_SHA256_HEX_LEN + 1], signer[512];
    const int sig = opt->baseline && (opt->baseline_key || opt->baseline_ca ||
                                      opt->baseline_issuer || opt->baseline_identity ||
                                      opt->baseline_identity_regexp ||
                                      opt->baseline_trusted_root);
    const mc_run_trust trust = {opt->baseline_key, opt->baseline_ca, opt->baseline_identity,
                                opt->baseline_identity_regexp, opt->baseline_issuer,
                                opt->baseline_trusted_root};
    const int model = mc_spec_doc_get(opt->spec)->has_model; /* an ONNX model: mc_model_gate.h */
    int same = 0;
    const int keyless = opt->baseline_issuer || opt->baseline_identity ||
                        opt->baseline_identity_regexp || opt->baseline_trusted_root;
    if ((opt->baseline_key || opt->baseline_ca || keyless) &&
        (!opt->baseline || !!opt->baseline_key + !!opt->baseline_ca + keyless != 1))
        return mc_error_set(MC_EINPUT, "a baseline signer (--baseline-key, --baseline-ca or "
                            "--certificate-identity, one) needs --baseline");
    if (keyless && (!opt->baseline_issuer || !opt->baseline_identity ==
                                                 !opt->baseline_identity_regexp))
        return mc_error_set(MC_EINPUT, "a keyless baseline needs --certificate-oidc-issuer and "
                            "one of --certificate-identity or --certificate-identity-regexp");
    if (opt->keys && !model)
        return mc_error_set(MC_EINPUT, "--identity and --passphrase-* open an age-encrypted "
                            "model.source (a spec's model:); this spec trains its model");
    int rc = (reruns = json_array()) ? MC_OK : mc_error_nomem(); /* after the early returns */
    if (rc == MC_OK) /* the run measures privacy into it */
        rc = mc_privacy_view_create(&pv, opt->spec);
    ro.training_view_ctx = pv;
    if (rc == MC_OK && opt->baseline)
        rc = load_baseline(&baseline, sig ? &btext : NULL, &blen, opt->baseline);
    /* Before any training: a baseline is judged only when its signature holds, over the very
       bytes of metrics.json that the gate read (a bundle that leaves it out is refused). */
    mc_model_bytes read = {MC_RUN_FILE_METRICS, btext, blen};
    if (!rc && sig)
        rc = mc_sign_check_run_trust(signed_subject, signer, sizeof signer, "baseline",
                                     opt->baseline, &trust, opt->threads, &read, 1);
    if (rc || (rc = mc_run_dir_choose(&o->run_dir, opt->output_dir, opt->spec)) ||
        (rc = mc_validation_create(&o->validation)) ||
        (sig && (rc = mc_validation_add(o->validation, "signing", "signing.baseline",
                                         "baseline signature", MC_STATUS_PASS,
                                         json_string(signed_subject), json_string(signer),
                                         "baseline %s is signed by %s", opt->baseline, signer))) ||
        (rc = opt->predictions ? mc_run_execute_predictions(run, opt->spec, &ro, opt->predictions,
                                                            opt->losses)
              : model ? mc_model_gate_run(run, &same, opt->spec, &ro, opt->keys, protect != NULL)
                      : mc_run_execute(run, opt->spec, &ro)) ||
        (rc = mc_validation_set_run(o->validation, (*run)->record, o->run_dir)) ||
        (rc = data_checks(o->validation, opt->spec, *run)) ||
        (rc = opt->predictions ? mc_predictions_checks(o->validation, opt->spec, opt->predictions)
              : model ? inference_check(o->validation, *run, same)
                      : mc_repro_check(o->validation, opt->spec, *run, &ro, opt->runs,
                                       reruns)) ||
        (rc = mc_thresholds_check(o->validation, opt->spec, (*run)->metrics, baseline,
                                  opt->baseline)) ||
        (rc = mc_robustness_check(o->validation, opt->spec, (*run)->metrics)) ||
        (rc = mc_explainability_check(o->validation, opt->spec, (*run)->metrics, reruns)) ||
        (rc = mc_privacy_dp_check(o->validation, opt->spec, *run)) ||
        (rc = mc_privacy_check(o->validation, opt->spec, *run, pv)))
        goto cleanup;
    if (opt->baseline && !(bdir = baseline_dir(opt->baseline))) {
        rc = mc_error_nomem();
        goto cleanup;
    }
    const char *dirs[1] = {bdir};
    if ((rc = mc_protection_check(o->validation, opt->spec, *run, protect != NULL, dirs,
                                  bdir ? 1 : 0)) ||
        (rc = mc_validation_pretty(&text, &len, o->validation)))
        goto cleanup;
    if (!(o->validation_path = mc_path_join(o->run_dir, MC_RUN_FILE_VALIDATION))) {
        rc = mc_error_nomem();
        goto cleanup;
    }
    mc_run_extra validation = {MC_RUN_FILE_VALIDATION, text, len};
    rc = mc_run_write_model(*run, o->run_dir, &validation, 1, mc_protect_writer(protect));
cleanup:
    mc_privacy_view_free(pv);
    json_decref(baseline);
    json_decref(reruns);
    free(bdir);
    free(text);
    free(btext);
    return rc;
}

int mc_validate(mc_outcome **out, const mc_validate_options *opt)
{
    mc_outcome *o = calloc(1, sizeof *o);
    mc_run *run = NULL;
    mc_verb_audit *trail = NULL;
    mc_protect *protect = NULL;
    char *absolute = NULL;
    int rc = o ? MC_OK : mc_error_nomem();
    if (rc == MC_OK) /* before anything is read: what the spec names is confined */
        rc = mc_spec_check_paths(opt->spec, opt->confine);
    if (rc == MC_OK && !opt->predictions) /* the recipients, before any work */
        rc = mc_protect_open(&protect, opt->spec);
    if (rc == MC_OK) /* a broken or foreign trail stops validate before its work */
        rc = mc_verb_audit_open(&trail, opt->audit_path, opt->no_audit);
    if (rc == MC_OK && !opt->no_audit)
        rc = mc_verb_audit_absolute(&absolute, trail);
    if (rc == MC_OK)
        rc = validate_run(o, &run, opt, absolute, protect);
    *out = NULL;
    if (rc)
        goto cleanup;
    mc_outcome_summarize(o);
    mc_verb_event ev = {.command = opt->command_line, .kind = "validate",
                        .spec_digest = run->spec_digest, .data_digest = run->data_digest,
                        .model_digest = opt->predictions ? NULL : run->model_digest,
                        .verdict = mc_verdict_name(o->verdict)};
    json_t *extra = json_pack("{s:s, s:s}", "validation", o->validation_path, "run_id",
                              run->run_id);
    if (extra && opt->baseline &&
        json_object_set_new(extra, "baseline", json_string(opt->baseline)) != 0) {
        json_decref(extra);
        extra = NULL;
    }
    if (extra && protect && /* the age file as written; model_digest is the clear model's */
        (mc_json_set(extra, "model_file", json_string(run->model_file)) ||
         mc_json_set(extra, "model_file_digest",
                     json_string(mc_protect_file_digest(protect))))) {
        json_decref(extra);
        extra = NULL;
    }
    if (extra && opt->predictions && /* what was judged instead of a model */
        json_object_set(extra, "predictions", json_object_get(run->record, "predictions")) != 0) {
        json_decref(extra);
        extra = NULL;
    }
    /* The bytes this validation vouches for, so that certify believes the event, not the
       files (mc_validated.h): validation.json and every file of the run. */
    json_t *files = NULL;
    if (!opt->no_audit && (rc = mc_validated_files(&files, o->run_dir))) {
        char why[sizeof mc_error_last()->message];
        mc_error_format(mc_error_last(), why, sizeof why);
        rc = mc_error_set(rc, "the audit trail could not be written: %s", why);
        json_decref(extra);
        *out = o; /* the run directory is written; only its event is missing */
        o = NULL;
        goto cleanup;
    }
    if (extra && files && json_object_set_new(extra, MC_VALIDATED_FILES, files) != 0) {
        json_decref(extra);
        extra = NULL;
    } else if (!extra) {
        json_decref(files);
    }
    rc = mc_outcome_record(o, trail, &ev, extra);
    *out = o; /* also when only the audit append failed */
    o = NULL;
cleanup:
    mc_outcome_free(o);
    mc_run_free(run);
    mc_verb_audit_free(trail);
    mc_protect_free(protect);
    free(absolute);
    return rc;
}
