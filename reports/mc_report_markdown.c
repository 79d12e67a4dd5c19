/* Markdown for CI job pages and pull-request comments: the verdict first,
 * then every check (grouped by category) with measured against expected, the
 * changes against the baseline, and the digests that identify what was
 * judged. Every string from the run is escaped (mc_esc_md). Linear in the
 * results: categories and metric names are looked up in hash tables (jansson
 * objects), never by a pass over the results per result or per category. */
#include "mc_report_doc.h"
#include "mc_report_esc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *icon(mc_status s)
{
    switch (s) {
    case MC_STATUS_PASS: return "✅";
    case MC_STATUS_FAIL: return "❌";
    case MC_STATUS_WARN: return "⚠️";
    case MC_STATUS_ERROR: return "⛔";
    case MC_STATUS_SKIPPED: return "⏭️";
    }
    return "";
}

static void value_cell(mc_buf *b, const json_t *v)
{
    mc_buf t = {0};
    mc_report_value(&t, v);
    if (t.failed)
        b->failed = 1;
    mc_esc_md(b, t.data ? t.data : "");
    mc_buf_free(&t);
}

/* A comparison with a baseline is any result whose measured value holds the
 * numbers "current" and "baseline" (thresholds' change checks, and any check
 * to come that compares with a baseline the same way). */
static int baseline_pair(const mc_result *r, double *cur, double *base)
{
    const json_t *c = json_object_get(r->measured, "current");
    const json_t *p = json_object_get(r->measured, "baseline");
    if (!json_is_number(c) || !json_is_number(p))
        return 0;
    *cur = json_number_value(c);
    *base = json_number_value(p);
    return 1;
}

static void baseline_table(mc_buf *b, const mc_report_doc *d)
{
    size_t shown = 0;
    json_t *seen = json_object(); /* metric names already shown */
    if (!seen) {
        b->failed = 1;
        return;
    }
    for (size_t i = 0; i < mc_validation_count(d->v); i++) {
        const mc_result *r = mc_validation_get(d->v, i);
        double cur, base;
        if (!baseline_pair(r, &cur, &base))
            continue;
        /* absolute and relative checks of one metric: one row, the first's */
        if (json_object_get(seen, r->name))
            continue;
        if (json_object_set_new(seen, r->name, json_true()) != 0) {
            b->failed = 1;
            break;
        }
        if (!shown++)
            mc_buf_puts(b, "\n### Changes against the baseline\n\n"
                           "| metric | baseline | current | change | |\n|---|---:|---:|---:|---|\n");
        double delta = cur - base;
        const char *dir = mc_report_str(r->expected, "direction");
        int higher = !dir || strcmp(dir, "lower_is_better") != 0;
        const char *arrow = delta > 0 ? "↑" : delta < 0 ? "↓" : "→";
        const char *word = delta == 0 ? "unchanged" : (delta > 0) == higher ? "better" : "worse";
        mc_buf_puts(b, "| ");
        mc_esc_md(b, r->name);
        mc_buf_puts(b, " | ");
        mc_report_num(b, base);
        mc_buf_puts(b, " | ");
        mc_report_num(b, cur);
        mc_buf_printf(b, " | %s %s", arrow, delta > 0 ? "\\+" : "");
        mc_report_num(b, delta);
        mc_buf_printf(b, " | %s %s |\n", word, icon(r->status));
    }
    json_decref(seen);
}

/* *out: the results' indices, category by category (d->categories' order), each
 * category's in their own order: a counting sort on each result's category index. */
static int by_category(size_t **out, const mc_report_doc *d)
{
    size_t n = mc_validation_count(d->v), nc = d->n_categories;
    size_t *order = malloc((n ? n : 1) * sizeof *order), *cat = malloc((n ? n : 1) * sizeof *cat);
    size_t *next = calloc(nc + 1, sizeof *next);
    json_t *index = json_object();
    int rc = order && cat && next && index ? MC_OK : MC_ENOMEM;
    for (size_t c = 0; rc == MC_OK && c < nc; c++) {
        json_t *v = json_integer((json_int_t)c);
        if (!v || json_object_set_new(index, d->categories[c], v) != 0)
            rc = MC_ENOMEM;
    }
    for (size_t i = 0; rc == MC_OK && i < n; i++) {
        json_t *c = json_object_get(index, mc_validation_get(d->v, i)->category);
        if (!c) { /* every result's category is in d->categories */
            rc = MC_EINTERNAL;
            break;
        }
        cat[i] = (size_t)json_integer_value(c);
        next[cat[i] + 1]++;
    }
    for (size_t c = 0; rc == MC_OK && c < nc; c++)
        next[c + 1] += next[c];
    for (size_t i = 0; rc == MC_OK && i < n; i++)
        order[next[cat[i]]++] = i;
    json_decref(index);
    free(cat);
    free(next);
    if (rc) {
        free(order);
        return rc;
    }
    *out = order;
    return MC_OK;
}

static void digests(mc_buf *b, const mc_report_doc *d)
{
    static const char *const rows[][2] = {{"model", "model.digest"},
                                          {"spec", "spec.digest"},
                                          {"data", "data.digest"}};
    if (!d->run)
        return;
    mc_buf_puts(b, "\n### Artifacts\n\n| artifact | sha256 |\n|---|---|\n");
    const char *format = mc_report_str(d->run, "model.format"); /* an ONNX model (model:) */
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        const char *digest = mc_report_str(d->run, rows[i][1]);
        if (i == 0 && format) {
            mc_buf_puts(b, "| model (");
            mc_esc_md(b, mc_report_str(d->run, "model.file"));
            mc_buf_puts(b, ", ONNX, trained elsewhere) | ");
        } else {
            mc_buf_printf(b, "| %s | ", rows[i][0]);
        }
        mc_esc_md(b, digest ? digest : "—");
        mc_buf_puts(b, " |\n");
    }
    mc_buf_puts(b, "\nRun ");
    mc_esc_md(b, mc_report_str(d->run, "run_id"));
    mc_buf_puts(b, ", created ");
    mc_esc_md(b, mc_report_str(d->run, "created"));
    if (mc_report_str(d->run, "numerics")) { /* none for a model trained elsewhere */
        mc_buf_puts(b, ", numerics ");
        mc_esc_md(b, mc_report_str(d->run, "numerics"));
    }
    const json_t *seed = json_object_get(d->run, "seed");
    if (json_is_integer(seed))
        mc_buf_printf(b, ", seed %lld", (long long)json_integer_value(seed));
    mc_buf_puts(b, ", ");
    mc_esc_md(b, mc_report_str(d->run, "engine.name"));
    mc_buf_puts(b, " ");
    mc_esc_md(b, mc_report_str(d->run, "engine.version"));
    mc_buf_puts(b, ".\n");
    if (d->audit_event) {
        const json_t *id = json_object_get(d->audit_event, "id");
        mc_buf_printf(b, "Audit event %lld by ", (long long)json_integer_value(id));
        mc_esc_md(b, mc_report_str(d->audit_event, "actor"));
        mc_buf_puts(b, " at ");
        mc_esc_md(b, mc_report_str(d->audit_event, "time"));
        mc_buf_puts(b, ", chain hash ");
        mc_esc_md(b, mc_report_str(d->audit_event, "hash"));
        mc_buf_puts(b, ".\n");
    }
}

void mc_report_markdown(mc_buf *b, const mc_report_doc *d)
{
    mc_verdict verdict = mc_validation_verdict(d->v);
    size_t n[MC_STATUS_COUNT];
    mc_report_counts(d, NULL, n);
    static const char *const vicon[] = {[MC_VERDICT_PASS] = "✅", [MC_VERDICT_FAIL] = "❌",
                                        [MC_VERDICT_ERROR] = "⛔"};
    static const char *const vword[] = {[MC_VERDICT_PASS] = "PASS", [MC_VERDICT_FAIL] = "FAIL",
                                        [MC_VERDICT_ERROR] = "ERROR"};
    mc_buf_printf(b, "## %s modelcert validate: %s — ", vicon[verdict], vword[verdict]);
    mc_esc_md(b, mc_report_model_name(d));
    const char *version = mc_report_str(d->spec, "metadata.version");
    if (version) {
        mc_buf_puts(b, " ");
        mc_esc_md(b, version);
    }
    mc_buf_printf(b, "\n\n**%zu passed, %zu failed, %zu errors, %zu warnings, %zu skipped**\n\n",
                  n[MC_STATUS_PASS], n[MC_STATUS_FAIL], n[MC_STATUS_ERROR], n[MC_STATUS_WARN],
                  n[MC_STATUS_SKIPPED]);
    mc_buf_puts(b, "| status | category | check | measured | expected | message |\n"
                   "|---|---|---|---|---|---|\n");
    size_t *order = NULL;
    if (by_category(&order, d) != MC_OK) {
        b->failed = 1; /* the caller reports the buffer's failure */
        return;
    }
    for (size_t k = 0; k < mc_validation_count(d->v); k++) {
        const mc_result *r = mc_validation_get(d->v, order[k]);
        mc_buf_printf(b, "| %s %s | ", icon(r->status), mc_report_status_word(r->status));
        mc_esc_md(b, r->category);
        mc_buf_puts(b, " | ");
        mc_esc_md(b, r->id);
        mc_buf_puts(b, " | ");
        value_cell(b, r->measured);
        mc_buf_puts(b, " | ");
        value_cell(b, r->expected);
        mc_buf_puts(b, " | ");
        mc_esc_md(b, r->message);
        mc_buf_puts(b, " |\n");
    }
    free(order);
    baseline_table(b, d);
    digests(b, d);
}
