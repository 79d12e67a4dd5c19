/* The validate event of a run as evidence (mc_validated.h). validate records the sha256 of
 * every file it wrote into its event (mc_validated_files); certify finds that event in the
 * audit trail by the run's run_id and checks the run directory against it
 * (mc_validated_check), so that a validation.json edited to say pass, a metrics.json edited
 * after the gate judged it, or a run that no validate event records is never certified.
 * The trail is read through audit/'s API (mc_audit_list: validate events of the model). */
#include "mc_validated.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "mc_audit.h"
#include "mc_error.h"
#include "mc_file.h"
#include "mc_hash.h"
#include "mc_json.h"
#include "mc_run_dir.h"

/* The files validate writes, each recorded when it exists (a gate on predictions made
 * elsewhere writes no model, history or predictions; a gate on an ONNX model trained
 * elsewhere, the spec's model:, writes model.onnx, or model.onnx.age when it is encrypted,
 * not model.mcm). */
static const char *const run_files[] = {
    MC_RUN_FILE_MODEL,       MC_RUN_FILE_MODEL_AGE,  MC_RUN_FILE_ONNX,
    MC_RUN_FILE_ONNX_AGE,    MC_RUN_FILE_METRICS,
    MC_RUN_FILE_SPEC,        MC_RUN_FILE_HISTORY,    MC_RUN_FILE_PREDICTIONS,
    MC_RUN_FILE_MEMBERSHIP,  MC_RUN_FILE_VALIDATION, MC_RUN_FILE_RECORD};
#define N_RUN_FILES (sizeof run_files / sizeof run_files[0])

/* The sha256 of dir/name: MC_ENOTFOUND when there is nothing there, MC_EINPUT when it is
 * not a regular file (a FIFO would block, a symbolic link could point anywhere). */
static int regular_sha(char hex[MC_SHA256_HEX_LEN + 1], const char *dir, const char *name)
{
    char *path = mc_path_join(dir, name);
    struct stat st;
    int rc = path ? MC_OK : mc_error_nomem();
    if (rc == MC_OK && lstat(path, &st) != 0)
        rc = mc_error_set(errno == ENOENT ? MC_ENOTFOUND : MC_EIO, "cannot read %s: %s", path,
                          strerror(errno));
    else if (rc == MC_OK && !S_ISREG(st.st_mode))
        rc = mc_error_set(MC_EINPUT, "%s is not a regular file", path);
    else if (rc == MC_OK)
        rc = mc_sha256_file_hex(hex, path);
    free(path);
    return rc;
}

int mc_validated_files(json_t **out, const char *dir)
{
    json_t *files = json_object();
    char hex[MC_SHA256_HEX_LEN + 1];
    int rc = files ? MC_OK : mc_error_nomem();
    for (size_t i = 0; rc == MC_OK && i < N_RUN_FILES; i++) {
        int hrc = regular_sha(hex, dir, run_files[i]);
        if (hrc == MC_ENOTFOUND)
            continue;
        rc = hrc ? hrc : mc_json_set(files, run_files[i], json_string(hex));
    }
    if (rc) {
        json_decref(files);
        return rc;
    }
    *out = files;
    return MC_OK;
}

static int is_run_file(const char *name)
{
    for (size_t i = 0; i < N_RUN_FILES; i++)
        if (strcmp(name, run_files[i]) == 0)
            return 1;
    return 0;
}

/* The event's digest `column` against the run's: a validate event of another model, spec
 * or data is not this run's. */
static int same_digest(const json_t *ev, const char *column, const char *run, const char *what,
                       long long id)
{
    const char *rec = mc_release_str(ev, column, NULL);
    if (!rec || !run || strcmp(rec, run) != 0)
        return mc_error_set(MC_EINPUT, "the audit trail's validate event %lld for this run "
                            "recorded the %s sha256 %.12s..., not the run's %.12s...", id, what,
                            rec ? rec : "(none)", run ? run : "(none)");
    return MC_OK;
}

/* Every file the event recorded is the same bytes in dir, validation.json among them. */
static int check_files(const json_t *files, const char *dir, long long id)
{
    const char *name;
    json_t *want;
    char hex[MC_SHA256_HEX_LEN + 1];
    int rc = MC_OK;
    if (!json_is_object(files) || !json_object_get(files, MC_RUN_FILE_VALIDATION))
        return mc_error_set(MC_EINPUT, "the audit trail's validate event %lld for this run "
                            "records no digest of its files (an earlier modelcert validated "
                            "it): validate it again to certify it", id);
    json_object_foreach((json_t *)files, name, want) {
        const char *w = json_string_value(want);
        if (!is_run_file(name) || !w || !mc_sha256_hex_valid(w))
            return mc_error_set(MC_EINPUT, "the audit trail's validate event %lld records a "
                                "file digest that is not one of a run's ('%.64s')", id, name);
        rc = regular_sha(hex, dir, name);
        if (rc == MC_ENOTFOUND)
            return mc_error_set(MC_EINPUT, "%s/%s is missing: the validate event %lld recorded "
                                "it (sha256 %.12s...)", dir, name, id, w);
        if (rc)
            return rc;
        if (strcmp(hex, w) != 0)
            return mc_error_set(MC_EINPUT, "%s/%s is not the file the validate event %lld "
                                "recorded (sha256 %.12s... on disk, %.12s... recorded): changed "
                                "after validation", dir, name, id, hex, w);
    }
    return MC_OK;
}

/* The validate events of `model` in the trail, oldest first, as a JSON array (caller owns);
 * empty when there is no trail at all. The one read of the trail here (audit/'s list). */
static int validate_events(json_t **out, const char *trail, const char *model)
{
    mc_audit_filter filter = {.model_digest = model, .kind = "validate"};
    int rc = mc_audit_list(out, trail, &filter);
    if (rc == MC_ENOTFOUND) /* no trail: nothing records the run */
        return (*out = json_array()) ? MC_OK : mc_error_nomem();
    return rc;
}

int mc_validated_check(long long *event, const char *trail, const char *dir,
                       const mc_release_facts *f)
{
    json_t *events = NULL;
    const char *run_id = mc_release_str(f->run, "run_id", NULL);
    const json_t *found = NULL;
    size_t n = 0;
    char *shown = NULL;
    int rc = run_id ? MC_OK : mc_error_set(MC_EINPUT, "%s: run.json records no run_id", dir);
    if (rc == MC_OK)
        rc = validate_events(&events, trail, f->model);
    for (size_t i = 0; rc == MC_OK && i < json_array_size(events); i++) {
        const json_t *ev = json_array_get(events, i);
        const char *id = mc_release_str(json_object_get(ev, "details"), "run_id", NULL);
        if (id && strcmp(id, run_id) == 0) {
            found = ev;
            n++;
        }
    }
    if (rc || (rc = mc_audit_location_redact(&shown, trail)))
        goto cleanup;
    if (n != 1) {
        rc = n ? mc_error_set(MC_EINPUT, "%zu validate events in the audit trail %s record this "
                              "run (run_id %.16s...): which one to believe is not clear", n,
                              shown, run_id)
               : mc_error_set(MC_EINPUT, "no validate event in the audit trail %s records this "
                              "run (run_id %.16s..., model sha256 %.12s...): only a validation "
                              "the trail recorded is certified (validate it, or give --audit "
                              "the trail that run.json's audit.path names)", shown, run_id,
                              f->model);
        goto cleanup;
    }
    const json_t *idv = json_object_get(found, "id");
    const long long id = json_is_integer(idv) ? (long long)json_integer_value(idv) : 0;
    const char *verdict = mc_release_str(found, "verdict", NULL);
    if (!verdict || strcmp(verdict, "pass") != 0) {
        rc = mc_error_set(MC_EINPUT, "the audit trail's validate event %lld for this run records "
                          "verdict %.20s: only a passing validation is certified", id,
                          verdict ? verdict : "(none)");
        goto cleanup;
    }
    if ((rc = same_digest(found, "model_digest", f->model, "model", id)) ||
        (rc = same_digest(found, "spec_digest", f->spec_digest, "normalised spec", id)) ||
        (rc = same_digest(found, "data_digest", f->data_digest, "data", id)) ||
        (rc = check_files(json_object_get(json_object_get(found, "details"), MC_VALIDATED_FILES),
                          dir, id)))
        goto cleanup;
    *event = id;
cleanup:
    json_decref(events);
    free(shown);
    return rc;
}
