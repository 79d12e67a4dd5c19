/* `reproduce` compares every recorded output it can recompute, not only the
 * model: metrics.json, test_predictions.csv, history.csv (without its seconds),
 * membership_losses.csv when the run has one, and run.json's deterministic fields, as the
 * verb read them (and, with --key, checked them against the run's signature: this file
 * reads nothing itself, so nothing is read twice). A forged accuracy in metrics.json beside
 * an untouched model is a failed reproduction. What cannot be recomputed
 * (run.json's created, timings_s, threads, paths, engine; history.csv's
 * seconds) is listed in docs/audit.md as not checked. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_error.h"
#include "mc_file.h"
#include "mc_json.h"
#include "mc_repro.h"
#include "mc_run_dir.h"

#define CAT "reproducibility"

/* The first path at which two JSON values differ ("" when equal), in key
 * order, e.g. "metrics.accuracy" or "slices.segment.groups[1].count". */
static int first_difference(char *path, size_t size, const json_t *a, const json_t *b)
{
    /* Numbers by value: 1.0 computed is written as 1 and read back as an integer. */
    if (json_is_integer(a) && json_is_integer(b))
        return json_integer_value(a) != json_integer_value(b);
    if (json_is_number(a) && json_is_number(b))
        return json_number_value(a) != json_number_value(b);
    if (json_equal(a, b))
        return 0;
    if (json_is_object(a) && json_is_object(b)) {
        const char *key;
        json_t *va;
        json_object_foreach((json_t *)a, key, va)
        {
            json_t *vb = json_object_get(b, key);
            size_t used = strlen(path);
            snprintf(path + used, size - used, "%s%s", used ? "." : "", key);
            if (!vb || first_difference(path, size, va, vb))
                return 1;
            path[used] = '\0';
        }
        json_object_foreach((json_t *)b, key, va)
        {
            if (!json_object_get(a, key)) {
                size_t used = strlen(path);
                snprintf(path + used, size - used, "%s%s", used ? "." : "", key);
                return 1;
            }
        }
        return 0; /* every key the same by value */
    }
    if (json_is_array(a) && json_is_array(b) && json_array_size(a) == json_array_size(b)) {
        for (size_t i = 0; i < json_array_size(a); i++) {
            size_t used = strlen(path);
            snprintf(path + used, size - used, "[%zu]", i);
            if (first_difference(path, size, json_array_get(a, i), json_array_get(b, i)))
                return 1;
            path[used] = '\0';
        }
        return 0;
    }
    return 1;
}

static int add_json_result(mc_validation *v, const char *id, const char *file, const json_t *recorded,
                           const json_t *rerun)
{
    char path[512] = "";
    if (!first_difference(path, sizeof path, recorded, rerun))
        return mc_validation_add(v, CAT, id, file, MC_STATUS_PASS, json_null(), json_null(),
                                 "%s is what the re-run computes", file);
    return mc_validation_add(v, CAT, id, file, MC_STATUS_FAIL, json_string(path), json_null(),
                             "%s differs from the re-run at %s: the recorded file was altered, or "
                             "the run is not reproducible", file, path[0] ? path : "its top level");
}

/* run.json's fields that a re-run recomputes. */
static json_t *record_core(const json_t *r)
{
    const json_t *data = json_object_get(r, "data"), *model = json_object_get(r, "model");
    return json_pack("{s:O?, s:O?, s:O?, s:O?, s:O?, s:O?, s:O?, s:O?, s:O?, s:O?, s:O?}",
                     "spec.digest", json_object_get(json_object_get(r, "spec"), "digest"),
                     "data.digest", json_object_get(data, "digest"), "data.rows",
                     json_object_get(data, "rows"), "data.columns", json_object_get(data, "columns"),
                     "model.digest", json_object_get(model, "digest"), "model.parameters",
                     json_object_get(model, "parameters"), "numerics", json_object_get(r, "numerics"),
                     "seed", json_object_get(r, "seed"), "split", json_object_get(r, "split"),
                     "training", json_object_get(r, "training"), "format_version",
                     json_object_get(r, "format_version"));
}

/* A CSV's lines without their last field, when drop_last (history.csv's seconds). */
static void strip_last_fields(char *text)
{
    char *w = text;
    for (char *line = text; *line;) {
        char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        char *comma = NULL;
        for (size_t i = 0; i < len; i++)
            if (line[i] == ',')
                comma = line + i;
        size_t keep = comma ? (size_t)(comma - line) : len;
        memmove(w, line, keep);
        w += keep;
        *w++ = '\n';
        line += len + (end ? 1 : 0);
    }
    *w = '\0';
}

static int add_text_result(mc_validation *v, const char *id, const char *file, const char *recorded,
                           const char *rerun)
{
    size_t line = 1;
    const char *a = recorded, *b = rerun;
    for (; *a && *a == *b; a++, b++)
        line += *a == '\n';
    if (*a == *b)
        return mc_validation_add(v, CAT, id, file, MC_STATUS_PASS, json_null(), json_null(),
                                 "%s is what the re-run computes", file);
    return mc_validation_add(v, CAT, id, file, MC_STATUS_FAIL, json_integer((json_int_t)line), json_null(),
                             "%s differs from the re-run at line %zu: the recorded file was altered, "
                             "or the run is not reproducible", file, line);
}

int mc_repro_outputs(mc_validation *v, const mc_repro_recorded *rec, const json_t *record,
                     const json_t *metrics, const mc_run *again)
{
    char *history = NULL, *history_again = NULL;
    json_t *core = record_core(record), *core_again = record_core(again->record);
    int rc = core && core_again ? MC_OK : mc_error_nomem();
    if (rc == MC_OK)
        rc = add_json_result(v, "reproduce.metrics", MC_RUN_FILE_METRICS, metrics, again->metrics);
    if (rc == MC_OK)
        rc = add_json_result(v, "reproduce.record", MC_RUN_FILE_RECORD, core, core_again);
    if (rc == MC_OK)
        rc = add_text_result(v, "reproduce.predictions", MC_RUN_FILE_PREDICTIONS,
                             rec->predictions, again->predictions_csv);
    /* An ONNX model's run (the spec's model:) trains nothing: neither side has a history. */
    int histories = rec->history || again->history_csv;
    if (rc == MC_OK && histories &&
        (!(history = strdup(rec->history ? rec->history : "")) ||
         !(history_again = strdup(again->history_csv ? again->history_csv : ""))))
        rc = mc_error_nomem();
    if (rc == MC_OK && histories) {
        strip_last_fields(history);
        strip_last_fields(history_again);
        rc = add_text_result(v, "reproduce.history", MC_RUN_FILE_HISTORY " (without seconds)",
                             history, history_again);
    }
    /* The membership-inference sample (runs with privacy.membership_inference): a recorded
     * one must be what the re-run samples; none recorded (a run of an earlier version, or a
     * spec without the check) is judged by metrics.json, where the attack's inputs end. */
    if (rc == MC_OK && again->membership_csv && rec->membership)
        rc = add_text_result(v, "reproduce.membership", MC_RUN_FILE_MEMBERSHIP, rec->membership,
                             again->membership_csv);
    json_decref(core), json_decref(core_again);
    free(history), free(history_again);
    return rc;
}
