/* Loading a run directory for the reports: validation.json (required, every
 * result type-checked into an mc_validation), the run's other files (each
 * optional, each checked where it is used), and the audit event. */
#include "mc_report_doc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mc_csv.h"
#include "mc_error.h"
#include "mc_file.h"
#include "mc_run_dir.h"
#include "mc_trail.h"

#define CSV_MAX ((size_t)1 << 30)    /* history.csv, test_predictions.csv */
#define SERIES_MAX ((size_t)10000000)

const json_t *mc_report_get(const json_t *obj, const char *path)
{
    char key[128];
    while (obj && *path) {
        size_t n = strcspn(path, ".");
        if (n >= sizeof key)
            return NULL;
        memcpy(key, path, n);
        key[n] = '\0';
        obj = json_object_get(obj, key);
        path += n + (path[n] == '.');
    }
    return obj;
}

const char *mc_report_str(const json_t *obj, const char *path)
{
    return json_string_value(mc_report_get(obj, path));
}

void mc_report_counts(const mc_report_doc *d, const char *category, size_t n[MC_STATUS_COUNT])
{
    memset(n, 0, MC_STATUS_COUNT * sizeof *n);
    for (size_t i = 0; i < mc_validation_count(d->v); i++) {
        const mc_result *r = mc_validation_get(d->v, i);
        if (!category || strcmp(r->category, category) == 0)
            n[r->status]++;
    }
}

const char *mc_report_status_word(mc_status s)
{
    static const char *const words[] = {[MC_STATUS_PASS] = "PASS", [MC_STATUS_FAIL] = "FAIL",
                                        [MC_STATUS_WARN] = "WARN", [MC_STATUS_ERROR] = "ERROR",
                                        [MC_STATUS_SKIPPED] = "SKIP"};
    return words[s];
}

const char *mc_report_model_name(const mc_report_doc *d)
{
    const char *name = mc_report_str(d->spec, "metadata.name");
    return name ? name : d->run_dir;
}

/* Reads a JSON file of the run directory (mc_run_dir_read_json); *out NULL when it is
 * missing and not required (noted). */
static int load_json(json_t **out, mc_report_doc *d, const char *name, int required)
{
    int rc = mc_run_dir_read_json(out, d->run_dir, name);
    if (rc == MC_ENOTFOUND && !required) {
        *out = NULL;
        mc_buf_printf(&d->notes, "%s: not in the run directory\n", name);
        return MC_OK;
    }
    return rc;
}

static int bad(const char *path, size_t i, const char *what)
{
    return mc_error_set(MC_EINPUT, "%s: results[%zu]: %s", path, i, what);
}

/* The largest validation.json a report renders (docs/reports.md): 32 MiB, well over 100,000
 * checks. Reading and rendering take about twenty times the file's size in memory, so the
 * run directory's own limit (256 MiB) would let a report take gigabytes. */
#define VALIDATION_MAX ((size_t)32 << 20)

/* Refuses a validation.json over VALIDATION_MAX before it is parsed (the bounded reader
 * looks at its size first: "PATH is larger than the limit of N bytes for this kind of
 * file"). A missing one is left to load_json to report. */
static int check_validation_size(const mc_report_doc *d, const char *name)
{
    char *text = NULL;
    size_t len = 0;
    int rc = mc_run_dir_read_text(&text, &len, d->run_dir, name, VALIDATION_MAX);
    free(text);
    return rc == MC_ENOTFOUND ? MC_OK : rc;
}

/* validation.json into d->v, every field checked. */
static int load_results(mc_report_doc *d)
{
    const json_t *doc = d->validation, *results = json_object_get(doc, "results");
    const json_t *version = json_object_get(doc, "format_version");
    const char *path = d->validation_path;
    int rc = mc_validation_create(&d->v);
    if (rc)
        return rc;
    if (!json_is_string(json_object_get(doc, "format")) ||
        strcmp(mc_report_str(doc, "format"), "modelcert-validation") != 0 ||
        !json_is_integer(version) || json_integer_value(version) != 1)
        return mc_error_set(MC_EINPUT, "%s: not a modelcert validation (format "
                            "\"modelcert-validation\", format_version 1)", path);
    if (!json_is_array(results))
        return mc_error_set(MC_EINPUT, "%s: results: not an array", path);
    d->run = json_object_get(doc, "run");
    if (d->run && !json_is_object(d->run) && !json_is_null(d->run))
        return mc_error_set(MC_EINPUT, "%s: run: not an object", path);
    if (json_is_null(d->run))
        d->run = NULL;
    /* The distinct categories, found through a hash table (a jansson object): linear in the
       results, however many categories they have. */
    json_t *seen = json_object();
    size_t cap = 0;
    if (!seen)
        return mc_error_nomem();
    for (size_t i = 0; rc == MC_OK && i < json_array_size(results); i++) {
        const json_t *r = json_array_get(results, i);
        const char *id = mc_report_str(r, "id"), *cat = mc_report_str(r, "category");
        const char *name = mc_report_str(r, "name"), *msg = mc_report_str(r, "message");
        const char *status = mc_report_str(r, "status");
        json_t *measured = json_object_get(r, "measured"), *expected = json_object_get(r, "expected");
        int s = -1;
        for (int k = 0; status && k < MC_STATUS_COUNT; k++)
            if (strcmp(status, mc_names_status[k]) == 0)
                s = k;
        if (!json_is_object(r))
            rc = bad(path, i, "not an object");
        else if (!id || !*id || !cat || !*cat || !name || !msg)
            rc = bad(path, i, "id, category, name and message must be strings (id and category "
                              "not empty)");
        else if (s < 0)
            rc = bad(path, i, "status is not one of pass, fail, warn, error, skipped");
        else if (!measured || !expected)
            rc = bad(path, i, "measured and expected are required (null for none)");
        if (rc)
            break;
        rc = mc_validation_add(d->v, cat, id, name, (mc_status)s, json_incref(measured),
                               json_incref(expected), "%s", msg);
        if (rc || json_object_get(seen, cat))
            continue;
        if (d->n_categories == cap) {
            char **cats = realloc(d->categories, (cap ? cap * 2 : 8) * sizeof *cats);
            if (!cats) {
                rc = mc_error_nomem();
                break;
            }
            d->categories = cats;
            cap = cap ? cap * 2 : 8;
        }
        if (!(d->categories[d->n_categories] = strdup(cat)) ||
            json_object_set_new(seen, cat, json_true()) != 0) {
            free(d->categories[d->n_categories]);
            rc = mc_error_nomem();
            break;
        }
        d->n_categories++;
    }
    json_decref(seen);
    if (rc == MC_OK)
        rc = mc_validation_set_run(d->v, (json_t *)d->run, mc_report_str(doc, "run_dir"));
    return rc;
}

/* Column `name` of t as numbers; an absent or non-numeric column is empty. */
static int take_series(mc_report_series *s, const mc_table *t, const char *name)
{
    long c = mc_table_find(t, name);
    if (c < 0 || t->cols[c].kind != MC_COLKIND_NUMERIC || t->n_rows > SERIES_MAX)
        return MC_OK;
    if (!(s->v = malloc((t->n_rows ? t->n_rows : 1) * sizeof *s->v)))
        return mc_error_nomem();
    memcpy(s->v, t->cols[c].num, t->n_rows * sizeof *s->v);
    s->n = t->n_rows;
    return MC_OK;
}

/* Reads a CSV of the run directory; *out NULL (noted) when it is missing or
 * unreadable: a report without a chart is still a report. */
static int load_csv(mc_table **out, mc_report_doc *d, const char *name)
{
    static const char *const missing[] = {""};
    char *path = mc_path_join(d->run_dir, name), *text = NULL;
    size_t len = 0;
    mc_csv_options opt = {.missing = missing, .n_missing = 1};
    int rc = path ? mc_run_dir_read_text(&text, &len, d->run_dir, name, CSV_MAX)
                  : mc_error_nomem();
    *out = NULL;
    if (rc == MC_OK)
        rc = mc_csv_parse(out, path, text, len, &opt);
    if (rc && rc != MC_ENOMEM) {
        char why[512];
        mc_error_format(mc_error_last(), why, sizeof why);
        mc_buf_printf(&d->notes, "%s: %s\n", name, rc == MC_ENOTFOUND ? "not in the run directory"
                                                                     : why);
        rc = MC_OK;
    }
    free(path);
    free(text);
    return rc;
}

static int load_history(mc_report_doc *d)
{
    mc_table *t = NULL;
    const char *mode = mc_report_str(d->run, "mode");
    if (mode && strcmp(mode, "model") == 0) { /* an ONNX model (the spec's model:) */
        mc_buf_printf(&d->notes, "%s: none, the ONNX model was trained elsewhere\n",
                      MC_RUN_FILE_HISTORY);
        return MC_OK;
    }
    int rc = load_csv(&t, d, MC_RUN_FILE_HISTORY);
    if (rc == MC_OK && t && !(rc = take_series(&d->epoch, t, "epoch")) &&
        !(rc = take_series(&d->loss, t, "loss")))
        rc = take_series(&d->val_loss, t, "val_loss");
    mc_table_free(t);
    return rc;
}

/* A binary model's test predictions: "actual" and the one "p_<positive>" column. */
static int load_predictions(mc_report_doc *d)
{
    mc_table *t = NULL;
    const json_t *labels = mc_report_get(d->metrics, "confusion_matrix.labels");
    int rc = MC_OK;
    if (json_array_size(labels) != 2 || !json_is_string(json_array_get(labels, 1)))
        return MC_OK; /* ROC curves are drawn for binary models */
    const char *positive = json_string_value(json_array_get(labels, 1));
    size_t plen = strlen(positive);
    char *pcol = malloc(plen + 3);
    if (!pcol)
        return mc_error_nomem();
    memcpy(pcol, "p_", 2);
    memcpy(pcol + 2, positive, plen + 1);
    mc_csv_override ov[] = {{"actual", MC_CSV_CATEGORICAL}, {"prediction", MC_CSV_CATEGORICAL}};
    static const char *const missing[] = {""};
    char *path = mc_path_join(d->run_dir, MC_RUN_FILE_PREDICTIONS), *text = NULL;
    size_t len = 0;
    mc_csv_options opt = {.missing = missing, .n_missing = 1, .overrides = ov, .n_overrides = 2};
    rc = path ? mc_run_dir_read_text(&text, &len, d->run_dir, MC_RUN_FILE_PREDICTIONS, CSV_MAX)
              : mc_error_nomem();
    if (rc == MC_OK)
        rc = mc_csv_parse(&t, path, text, len, &opt);
    long a = t ? mc_table_find(t, "actual") : -1, p = t ? mc_table_find(t, pcol) : -1;
    if (rc == MC_OK && (a < 0 || p < 0 || t->cols[p].kind != MC_COLKIND_NUMERIC ||
                        t->n_rows > SERIES_MAX)) {
        mc_buf_printf(&d->notes, "%s: no actual and %s columns\n", MC_RUN_FILE_PREDICTIONS, pcol);
    } else if (rc == MC_OK) {
        size_t n = t->n_rows;
        d->roc_truth.v = malloc((n ? n : 1) * sizeof(double));
        d->roc_score.v = malloc((n ? n : 1) * sizeof(double));
        d->positive = strdup(positive);
        if (!d->roc_truth.v || !d->roc_score.v || !d->positive)
            rc = mc_error_nomem();
        uint32_t pos = mc_column_code(&t->cols[a], positive);
        for (size_t i = 0; rc == MC_OK && i < n; i++) {
            d->roc_truth.v[i] = pos != MC_CODE_MISSING && t->cols[a].codes[i] == pos ? 1.0 : 0.0;
            d->roc_score.v[i] = t->cols[p].num[i];
        }
        d->roc_truth.n = d->roc_score.n = rc == MC_OK ? n : 0;
    } else if (rc != MC_ENOMEM) {
        char why[512];
        mc_error_format(mc_error_last(), why, sizeof why);
        mc_buf_printf(&d->notes, "%s: %s\n", MC_RUN_FILE_PREDICTIONS,
                      rc == MC_ENOTFOUND ? "not in the run directory" : why);
        rc = MC_OK;
    }
    mc_table_free(t);
    free(pcol);
    free(path);
    free(text);
    return rc;
}

/* The run's "validate" event: the one whose details name this run_id (mc_trail_run_event). */
static int load_audit(mc_report_doc *d, const char *flag)
{
    const char *trail = flag ? flag : mc_report_str(d->run, "audit.path");
    const char *run_id = mc_report_str(d->run, "run_id");
    const char *model = mc_report_str(d->run, "model.digest");
    if (!trail || !run_id || !model) {
        mc_buf_puts(&d->notes, "audit: run.json names no audit trail\n");
        return MC_OK;
    }
    /* Shown in the HTML report and the model card: never a password. */
    int rc = mc_trail_location_shown(&d->audit_path, trail);
    if (rc)
        return rc;
    json_t *ev = NULL;
    rc = mc_trail_run_event(&ev, trail, model, run_id);
    if (rc && rc != MC_ENOMEM) {
        char why[512];
        mc_error_format(mc_error_last(), why, sizeof why);
        mc_buf_printf(&d->notes, "audit: %s\n", why);
        return MC_OK;
    }
    if (rc)
        return rc;
    d->audit_event = ev;
    if (!ev)
        mc_buf_printf(&d->notes, "audit: no validate event of run %s in the trail\n", run_id);
    return MC_OK;
}

int mc_report_doc_load(mc_report_doc **out, const char *validation_path, const char *audit_path)
{
    mc_report_doc *d = calloc(1, sizeof *d);
    int rc = d ? MC_OK : mc_error_nomem();
    *out = NULL;
    if (rc)
        return rc;
    if (strcmp(validation_path, "-") == 0) {
        rc = mc_error_set(MC_EINPUT, "a report is rendered from a run directory: give the path of "
                                     "its validation.json, not standard input");
        goto cleanup;
    }
    if (!(d->validation_path = strdup(validation_path)) ||
        !(d->run_dir = mc_path_dirname(validation_path))) {
        rc = mc_error_nomem();
        goto cleanup;
    }
    {
        char *base = strrchr(d->validation_path, '/');
        base = base ? base + 1 : d->validation_path;
        if ((rc = check_validation_size(d, base)) == MC_OK)
            rc = load_json(&d->validation, d, base, 1);
    }
    if (rc || (rc = load_results(d)) || (rc = load_json(&d->metrics, d, MC_RUN_FILE_METRICS, 0)) ||
        (rc = load_json(&d->spec, d, MC_RUN_FILE_SPEC, 0)) || (rc = load_history(d)) ||
        (rc = load_predictions(d)) || (rc = load_audit(d, audit_path)))
        goto cleanup;
    if (d->notes.failed) {
        rc = mc_error_nomem();
        goto cleanup;
    }
    *out = d;
    d = NULL;
cleanup:
    mc_report_doc_free(d);
    return rc;
}

void mc_report_doc_free(mc_report_doc *d)
{
    if (!d)
        return;
    mc_validation_free(d->v);
    json_decref(d->validation);
    json_decref(d->metrics);
    json_decref(d->spec);
    json_decref(d->audit_event);
    free(d->validation_path);
    free(d->run_dir);
    free(d->epoch.v);
    free(d->loss.v);
    free(d->val_loss.v);
    free(d->roc_truth.v);
    free(d->roc_score.v);
    free(d->positive);
    free(d->audit_path);
    mc_buf_free(&d->notes);
    for (size_t i = 0; i < d->n_categories; i++)
        free(d->categories[i]);
    free(d->categories);
    free(d);
}
