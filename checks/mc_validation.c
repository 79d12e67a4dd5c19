/* The results model (mc_validation.h): a validation is a list of results (id,
 * category, name, status, measured, expected, message) plus the run it
 * judged; its verdict, its counts per status, and its one JSON encoding,
 * validation.json, which the reports read back. */
#include "mc_validation.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_json.h"

struct mc_validation {
    mc_result *items;
    size_t count, cap;
    json_t *run;
    char *run_dir;
};

MC_ENUM_NAMES(MC_STATUS_LIST, mc_names_status);
MC_ENUM_NAMES(MC_VERDICT_LIST, mc_names_verdict);

const char *mc_status_name(mc_status s)
{
    return mc_names_status[s];
}

const char *mc_verdict_name(mc_verdict v)
{
    return mc_names_verdict[v];
}

int mc_validation_create(mc_validation **out)
{
    *out = calloc(1, sizeof **out);
    return *out ? MC_OK : mc_error_nomem();
}

void mc_validation_free(mc_validation *v)
{
    if (!v)
        return;
    for (size_t i = 0; i < v->count; i++) {
        mc_result *r = &v->items[i];
        free(r->id);
        free(r->category);
        free(r->name);
        free(r->message);
        json_decref(r->measured);
        json_decref(r->expected);
    }
    free(v->items);
    json_decref(v->run);
    free(v->run_dir);
    free(v);
}

int mc_validation_add(mc_validation *v, const char *category, const char *id, const char *name,
                      mc_status status, json_t *measured, json_t *expected, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (!measured || !expected) { /* a constructor failed: json_null() stands for "none" */
        json_decref(measured);
        json_decref(expected);
        return mc_error_nomem();
    }
    if (v->count == v->cap) {
        size_t cap = v->cap ? v->cap * 2 : 16;
        mc_result *items = realloc(v->items, cap * sizeof *items);
        if (!items) {
            json_decref(measured);
            json_decref(expected);
            return mc_error_nomem();
        }
        v->items = items;
        v->cap = cap;
    }
    mc_result *r = &v->items[v->count];
    r->id = strdup(id);
    r->category = strdup(category);
    r->name = strdup(name);
    r->message = strdup(msg);
    r->status = status;
    r->measured = measured;
    r->expected = expected;
    if (!r->id || !r->category || !r->name || !r->message) {
        free(r->id);
        free(r->category);
        free(r->name);
        free(r->message);
        json_decref(measured);
        json_decref(expected);
        return mc_error_nomem();
    }
    v->count++;
    return MC_OK;
}

size_t mc_validation_count(const mc_validation *v)
{
    return v->count;
}

const mc_result *mc_validation_get(const mc_validation *v, size_t i)
{
    return i < v->count ? &v->items[i] : NULL;
}

void mc_validation_counts(const mc_validation *v, size_t counts[MC_STATUS_COUNT])
{
    memset(counts, 0, MC_STATUS_COUNT * sizeof *counts);
    for (size_t i = 0; i < v->count; i++)
        counts[v->items[i].status]++;
}

int mc_validation_counts_json(json_t **out, const mc_validation *v)
{
    size_t n[MC_STATUS_COUNT];
    mc_validation_counts(v, n);
    json_t *counts = json_object();
    int failed = !counts;
    for (int s = 0; s < MC_STATUS_COUNT; s++)
        failed |= json_object_set_new(counts, mc_names_status[s], json_integer((json_int_t)n[s])) != 0;
    if (failed) {
        json_decref(counts);
        return mc_error_nomem();
    }
    *out = counts;
    return MC_OK;
}

mc_verdict mc_validation_verdict(const mc_validation *v)
{
    int fail = 0, error = 0;
    for (size_t i = 0; i < v->count; i++) {
        fail |= v->items[i].status == MC_STATUS_FAIL;
        error |= v->items[i].status == MC_STATUS_ERROR;
    }
    return fail ? MC_VERDICT_FAIL : error ? MC_VERDICT_ERROR : MC_VERDICT_PASS;
}

int mc_validation_set_run(mc_validation *v, json_t *run_record, const char *run_dir)
{
    char *dir = run_dir ? strdup(run_dir) : NULL;
    if (run_dir && !dir)
        return mc_error_nomem();
    json_decref(v->run);
    v->run = json_incref(run_record);
    free(v->run_dir);
    v->run_dir = dir;
    return MC_OK;
}

/* {"format": "modelcert-validation", "format_version": 1, "verdict", "counts": {...},
 *  "run": {...}, "run_dir", "results": [...]}. Caller owns *out. MC_ENOMEM. */
static int mc_validation_to_json(json_t **out, const mc_validation *v)
{
    json_t *results = json_array(), *counts = NULL, *doc = NULL;
    int rc = results ? mc_validation_counts_json(&counts, v) : mc_error_nomem();
    for (size_t i = 0; rc == MC_OK && i < v->count; i++) {
        const mc_result *r = &v->items[i];
        json_t *jr = json_pack("{s:s, s:s, s:s, s:s, s:s, s:O, s:O}", "id", r->id, "category",
                               r->category, "name", r->name, "status", mc_status_name(r->status),
                               "message", r->message, "measured",
                               r->measured ? r->measured : json_null(), "expected",
                               r->expected ? r->expected : json_null());
        if (json_array_append_new(results, jr) != 0)
            rc = mc_error_nomem();
    }
    if (rc)
        goto cleanup;
    doc = json_pack("{s:s, s:i, s:s, s:O, s:O, s:O}", "format", "modelcert-validation",
                    "format_version", 1, "verdict", mc_verdict_name(mc_validation_verdict(v)),
                    "counts", counts, "run", v->run ? v->run : json_null(), "results", results);
    if (!doc || (v->run_dir && json_object_set_new(doc, "run_dir", json_string(v->run_dir)) != 0)) {
        rc = mc_error_nomem();
        goto cleanup;
    }
    *out = doc;
    doc = NULL;
cleanup:
    json_decref(results);
    json_decref(counts);
    json_decref(doc);
    return rc;
}

int mc_validation_pretty(char **out, size_t *len, const mc_validation *v)
{
    json_t *doc = NULL;
    int rc = mc_validation_to_json(&doc, v);
    if (rc == MC_OK)
        rc = mc_json_pretty(out, len, doc, 2);
    json_decref(doc);
    return rc;
}
