/* The model card: Markdown with YAML front matter in the Hugging Face
 * model-card convention (license, tags, datasets, metrics, model-index with a
 * result per metric on the test rows and per slice group), filled from the
 * normalised spec (spec.json), the run record, metrics.json and the
 * validation's results. docs/compliance.md maps its sections to what
 * compliance teams cite. Every string is escaped for YAML (mc_esc_yaml) or
 * Markdown (mc_esc_md). */
#include "mc_report_doc.h"
#include "mc_report_esc.h"

#include <math.h>
#include <string.h>

#include "mc_json.h"

static void yaml_num(mc_buf *b, double x)
{
    char buf[32];
    if (mc_json_format_number(buf, x) == MC_OK)
        mc_buf_puts(b, buf);
    else
        mc_buf_puts(b, ".nan");
}

static int is_classification(const mc_report_doc *d)
{
    const char *loss = mc_report_str(d->spec, "training.loss");
    const char *task = mc_report_str(d->spec, "model.task"); /* an ONNX model's (model:) */
    if (task)
        return strcmp(task, "regression") != 0;
    return loss ? strstr(loss, "crossentropy") != NULL
                : json_object_get(d->metrics, "confusion_matrix") != NULL;
}

/* One model-index result: a task, the data (by digest) and its metrics. */
static void index_result(mc_buf *b, const mc_report_doc *d, const char *config,
                         const json_t *metrics, const char *suffix)
{
    const char *digest = mc_report_str(d->run, "data.digest");
    const char *key;
    json_t *v;
    size_t shown = 0;
    json_object_foreach((json_t *)metrics, key, v) shown += json_is_number(v);
    if (!shown)
        return;
    mc_buf_printf(b, "      - task:\n          type: %s\n        dataset:\n          name: ",
                  is_classification(d) ? "tabular-classification" : "tabular-regression");
    mc_esc_yaml(b, mc_report_str(d->run, "data.path") ? mc_report_str(d->run, "data.path") : "data");
    mc_buf_puts(b, "\n          type: ");
    mc_buf t = {0};
    mc_buf_puts(&t, "sha256:");
    mc_buf_puts(&t, digest ? digest : "unknown");
    if (t.failed)
        b->failed = 1;
    mc_esc_yaml(b, t.data ? t.data : "");
    mc_buf_free(&t);
    if (config) {
        mc_buf_puts(b, "\n          config: ");
        mc_esc_yaml(b, config);
    }
    mc_buf_puts(b, "\n          split: test\n        metrics:\n");
    json_object_foreach((json_t *)metrics, key, v) {
        if (!json_is_number(v))
            continue;
        mc_buf_puts(b, "          - type: ");
        mc_esc_yaml(b, key);
        mc_buf_puts(b, "\n            value: ");
        yaml_num(b, json_number_value(v));
        mc_buf_puts(b, "\n            name: ");
        t = (mc_buf){0};
        mc_buf_puts(&t, key);
        mc_buf_puts(&t, suffix);
        if (t.failed)
            b->failed = 1;
        mc_esc_yaml(b, t.data ? t.data : "");
        mc_buf_free(&t);
        mc_buf_puts(b, "\n            verified: false\n");
    }
}

static void front_matter(mc_buf *b, const mc_report_doc *d)
{
    const json_t *labels = mc_report_get(d->spec, "metadata.labels");
    const char *license = mc_report_str(labels, "license");
    const char *digest = mc_report_str(d->run, "data.digest");
    int cls = is_classification(d);
    mc_buf_puts(b, "---\nlicense: ");
    mc_esc_yaml(b, license ? license : "unknown");
    mc_buf_printf(b, "\nlibrary_name: modelcert\npipeline_tag: %s\ntags:\n  - modelcert\n"
                     "  - tabular\n  - %s\n",
                  cls ? "tabular-classification" : "tabular-regression",
                  cls ? "tabular-classification" : "tabular-regression");
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)labels, key, v) {
        if (!json_is_string(v) || strcmp(key, "license") == 0)
            continue;
        mc_buf t = {0};
        mc_buf_printf(&t, "%s:%s", key, json_string_value(v));
        mc_buf_puts(b, "  - ");
        mc_esc_yaml(b, t.data ? t.data : "");
        mc_buf_puts(b, "\n");
        if (t.failed)
            b->failed = 1;
        mc_buf_free(&t);
    }
    if (digest) {
        mc_buf_puts(b, "datasets:\n  - ");
        mc_buf t = {0};
        mc_buf_puts(&t, "sha256:");
        mc_buf_puts(&t, digest);
        mc_esc_yaml(b, t.data ? t.data : "");
        if (t.failed)
            b->failed = 1;
        mc_buf_free(&t);
        mc_buf_puts(b, "\n");
    }
    const json_t *test = json_object_get(d->metrics, "metrics");
    if (json_object_size(test)) {
        mc_buf_puts(b, "metrics:\n");
        json_object_foreach((json_t *)test, key, v) {
            mc_buf_puts(b, "  - ");
            mc_esc_yaml(b, key);
            mc_buf_puts(b, "\n");
        }
    }
    mc_buf_puts(b, "model-index:\n  - name: ");
    mc_esc_yaml(b, mc_report_model_name(d));
    mc_buf_puts(b, "\n    results:");
    size_t before = b->len;
    mc_buf_puts(b, "\n");
    index_result(b, d, NULL, test, " (test)");
    const char *col;
    json_t *slice;
    json_object_foreach(json_object_get(d->metrics, "slices"), col, slice) {
        const json_t *groups = json_object_get(slice, "groups");
        for (size_t g = 0; g < json_array_size(groups); g++) {
            const json_t *grp = json_array_get(groups, g);
            const char *value = mc_report_str(grp, "value");
            if (!value || json_is_true(json_object_get(grp, "skipped")))
                continue;
            mc_buf cfg = {0};
            mc_buf_printf(&cfg, "%s=%s", col, value);
            mc_buf suffix = {0};
            mc_buf_printf(&suffix, " (test, %s=%s)", col, value);
            if (cfg.failed || suffix.failed)
                b->failed = 1;
            index_result(b, d, cfg.data, json_object_get(grp, "metrics"),
                         suffix.data ? suffix.data : "");
            mc_buf_free(&cfg);
            mc_buf_free(&suffix);
        }
    }
    if (b->len == before + 1) { /* no metric at all: an empty list */
        b->len = before;
        mc_buf_puts(b, " []\n");
    }
    mc_buf_puts(b, "---\n\n");
}

static void md_value(mc_buf *b, const json_t *v)
{
    mc_buf t = {0};
    mc_report_value(&t, v);
    if (t.failed)
        b->failed = 1;
    mc_esc_md(b, t.data ? t.data : "");
    mc_buf_free(&t);
}

static void line(mc_buf *b, const char *label, const char *v)
{
    mc_buf_printf(b, "- **%s**: ", label);
    mc_esc_md(b, v ? v : "—");
    mc_buf_puts(b, "\n");
}

/* The results of one category as a table; 0 when there are none. */
static size_t category_table(mc_buf *b, const mc_report_doc *d, const char *category)
{
    size_t shown = 0;
    for (size_t i = 0; i < mc_validation_count(d->v); i++) {
        const mc_result *r = mc_validation_get(d->v, i);
        if (category && strcmp(r->category, category) != 0)
            continue;
        if (!shown++)
            mc_buf_puts(b, "| status | check | measured | expected | message |\n"
                           "|---|---|---|---|---|\n");
        mc_buf_printf(b, "| %s | ", mc_report_status_word(r->status));
        mc_esc_md(b, r->id);
        mc_buf_puts(b, " | ");
        md_value(b, r->measured);
        mc_buf_puts(b, " | ");
        md_value(b, r->expected);
        mc_buf_puts(b, " | ");
        mc_esc_md(b, r->message);
        mc_buf_puts(b, " |\n");
    }
    return shown;
}

static void evaluation(mc_buf *b, const mc_report_doc *d)
{
    const json_t *test = json_object_get(d->metrics, "metrics");
    const json_t *th = mc_report_get(d->spec, "thresholds.metrics");
    mc_buf_puts(b, "\n## Evaluation\n\n");
    if (!json_object_size(test)) {
        mc_buf_puts(b, "No metrics.json in the run directory.\n");
        return;
    }
    const json_t *rows = json_object_get(d->metrics, "rows");
    mc_buf_printf(b, "On the %lld test rows (validation and training rows for comparison), "
                     "against the spec's thresholds:\n\n"
                     "| metric | test | validation | training | threshold |\n|---|---:|---:|---:|---|\n",
                  (long long)json_integer_value(rows));
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)test, key, v) {
        mc_buf_puts(b, "| ");
        mc_esc_md(b, key);
        static const char *const parts[] = {"metrics", "validation", "training"};
        for (int p = 0; p < 3; p++) {
            const json_t *x = json_object_get(json_object_get(d->metrics, parts[p]), key);
            mc_buf_puts(b, " | ");
            if (json_is_number(x))
                mc_report_num(b, json_number_value(x));
            else
                mc_buf_puts(b, "—");
        }
        mc_buf_puts(b, " | ");
        md_value(b, json_object_get(th, key));
        mc_buf_puts(b, " |\n");
    }
}

/* Per-group values and, per metric, the gap between the best and worst group. */
static void slices(mc_buf *b, const mc_report_doc *d)
{
    const json_t *all = json_object_get(d->metrics, "slices");
    mc_buf_puts(b, "\n## Slices and fairness gap\n\n");
    if (!json_object_size(all)) {
        mc_buf_puts(b, "The spec computes no per-slice metrics (metrics.slices).\n");
        return;
    }
    const char *col;
    json_t *slice;
    json_object_foreach((json_t *)all, col, slice) {
        const json_t *groups = json_object_get(slice, "groups");
        mc_buf_puts(b, "### ");
        mc_esc_md(b, col);
        mc_buf_puts(b, "\n\n| group | rows | metrics |\n|---|---:|---|\n");
        for (size_t g = 0; g < json_array_size(groups); g++) {
            const json_t *grp = json_array_get(groups, g);
            mc_buf_puts(b, "| ");
            mc_esc_md(b, mc_report_str(grp, "value") ? mc_report_str(grp, "value") : "?");
            mc_buf_printf(b, " | %lld | ", (long long)json_integer_value(json_object_get(grp, "count")));
            if (json_is_true(json_object_get(grp, "skipped")))
                mc_buf_puts(b, "skipped: fewer rows than min\\_size");
            else
                md_value(b, json_object_get(grp, "metrics"));
            mc_buf_puts(b, " |\n");
        }
        const json_t *g0 = json_object_get(json_array_get(groups, 0), "metrics");
        const char *metric;
        json_t *unused;
        mc_buf_puts(b, "\nGap between the best and the worst group:");
        json_object_foreach((json_t *)g0, metric, unused) {
            double lo = INFINITY, hi = -INFINITY;
            for (size_t g = 0; g < json_array_size(groups); g++) {
                const json_t *x = json_object_get(
                    json_object_get(json_array_get(groups, g), "metrics"), metric);
                if (json_is_number(x))
                    lo = fmin(lo, json_number_value(x)), hi = fmax(hi, json_number_value(x));
            }
            if (lo <= hi) {
                mc_buf_puts(b, " ");
                mc_esc_md(b, metric);
                mc_buf_puts(b, " ");
                mc_report_num(b, hi - lo);
                mc_buf_puts(b, ";");
            }
        }
        mc_buf_puts(b, "\n\n");
    }
}

/* The run's global attributions (metrics.json "attributions"), when it has them. */
static void explanations(mc_buf *b, const mc_report_doc *d)
{
    const json_t *a = json_object_get(d->metrics, "attributions"), *c;
    size_t i;
    if (!a)
        return;
    mc_buf_printf(b, "\n## Explanations\n\nIntegrated Gradients of every test row (%lld rows, "
                     "from the training rows' mean features; largest completeness gap %.3g): "
                     "each raw column's mean |attribution| and its share.\n\n"
                     "| column | mean abs. attribution | share |\n|---|---|---|\n",
                  (long long)json_integer_value(json_object_get(a, "rows")),
                  json_number_value(json_object_get(a, "largest_gap")));
    json_array_foreach(json_object_get(a, "columns"), i, c)
    {
        mc_buf_puts(b, "| ");
        mc_esc_md(b, mc_report_str(c, "column"));
        mc_buf_printf(b, " | %.6g | %.4f |\n", json_number_value(json_object_get(c, "mean_abs")),
                      json_number_value(json_object_get(c, "share")));
    }
    mc_buf_puts(b, "\n");
    category_table(b, d, "explainability");
}

/* The run's robustness curves (metrics.json "robustness"), when it has them. */
static void robustness(mc_buf *b, const mc_report_doc *d)
{
    static const char *const kinds[] = {"noise", "fgsm", "pgd", "missing"};
    const json_t *r = json_object_get(d->metrics, "robustness"), *p;
    size_t i;
    if (!r)
        return;
    mc_buf_puts(b, "\n## Robustness\n\nThe test rows' ");
    mc_esc_md(b, mc_report_str(r, "metric"));
    mc_buf_printf(b, " (unperturbed %.4f) under perturbations of the inputs; strengths in "
                     "training standard deviations (missing: the rate of cells).\n\n"
                     "| perturbation | strength | value | drop |\n|---|---|---|---|\n",
                  json_number_value(json_object_get(r, "baseline")));
    for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++)
        json_array_foreach(json_object_get(r, kinds[k]), i, p)
        {
            mc_buf_printf(b, "| %s | %g | %.4f | %.4f |\n", kinds[k],
                          json_number_value(json_object_get(p, "strength")),
                          json_number_value(json_object_get(p, "value")),
                          json_number_value(json_object_get(p, "drop")));
        }
    mc_buf_puts(b, "\n");
    category_table(b, d, "robustness");
}

static void section_results(mc_buf *b, const mc_report_doc *d, const char *title,
                            const char *category, const char *none)
{
    mc_buf_printf(b, "\n## %s\n\n", title);
    if (!category_table(b, d, category))
        mc_buf_printf(b, "%s\n", none);
}

/* The network and its training, for a model modelcert trained. */
static void model_details(mc_buf *b, const json_t *spec, const json_t *run)
{
    mc_buf_puts(b, "- **Architecture**: ");
    md_value(b, mc_report_get(spec, "architecture.layers"));
    mc_buf_puts(b, "; ");
    md_value(b, mc_report_get(run, "model.parameters"));
    mc_buf_puts(b, " parameters\n- **Training**: ");
    md_value(b, mc_report_get(spec, "training.loss"));
    mc_buf_puts(b, ", optimizer ");
    md_value(b, mc_report_get(spec, "training.optimizer.type"));
    mc_buf_puts(b, ", ");
    md_value(b, mc_report_get(run, "training"));
    mc_buf_puts(b, "\n");
    line(b, "Engine", mc_report_str(run, "engine.version"));
}

void mc_report_model_card(mc_buf *b, const mc_report_doc *d)
{
    const json_t *spec = d->spec, *run = d->run;
    front_matter(b, d);
    mc_buf_puts(b, "# Model card: ");
    mc_esc_md(b, mc_report_model_name(d));
    mc_buf_puts(b, "\n\n## Model details\n\n");
    line(b, "Name", mc_report_str(spec, "metadata.name"));
    line(b, "Version", mc_report_str(spec, "metadata.version"));
    line(b, "Owner", mc_report_str(spec, "metadata.owner"));
    line(b, "Model sha256", mc_report_str(run, "model.digest"));
    line(b, "Spec sha256", mc_report_str(run, "spec.digest"));
    if (mc_report_str(run, "model.format")) { /* an ONNX model trained elsewhere (model:) */
        mc_buf_puts(b, "- **Model**: ONNX, trained elsewhere (");
        mc_esc_md(b, mc_report_str(run, "model.path"));
        mc_buf_puts(b, "), run by modelcert's interpreter\n");
        line(b, "Engine", mc_report_str(run, "engine.version"));
    } else {
        model_details(b, spec, run);
    }
    mc_buf_puts(b, "\n## Intended use\n\n");
    const char *use = mc_report_str(spec, "metadata.labels.intended_use");
    const char *desc = mc_report_str(spec, "metadata.description");
    if (desc) {
        mc_esc_md(b, desc);
        mc_buf_puts(b, "\n\n");
    }
    if (use) {
        mc_buf_puts(b, "Intended use: ");
        mc_esc_md(b, use);
        mc_buf_puts(b, "\n");
    } else {
        mc_buf_puts(b, "The spec states no intended use beyond its description (set "
                       "metadata.labels.intended\\_use). Out-of-scope uses are not recorded.\n");
    }
    mc_buf_puts(b, "\n## Training data\n\n");
    line(b, "Data", mc_report_str(run, "data.path"));
    line(b, "Data sha256", mc_report_str(run, "data.digest"));
    mc_buf_puts(b, "- **Size**: ");
    md_value(b, mc_report_get(run, "data.rows"));
    mc_buf_puts(b, " rows, ");
    md_value(b, mc_report_get(run, "data.columns"));
    mc_buf_puts(b, " columns; split ");
    md_value(b, mc_report_get(run, "split"));
    mc_buf_puts(b, "\n");
    evaluation(b, d);
    slices(b, d);
    explanations(b, d);
    robustness(b, d);
    section_results(b, d, "Privacy", "privacy",
                    "No privacy checks in this validation (the spec has no privacy section, or "
                    "this version does not run them).");
    mc_buf_puts(b, "\n## Reproducibility evidence\n\n");
    if (mc_report_str(run, "model.format")) { /* an ONNX model: nothing trained here */
        mc_buf_puts(b, "- **Inference**: modelcert's interpreter (no threads, fixed order); no "
                       "training here, so no numerics or seed\n\n");
    } else {
        line(b, "Numerics", mc_report_str(run, "numerics"));
        mc_buf_puts(b, "- **Seed**: ");
        md_value(b, mc_report_get(run, "seed"));
        mc_buf_puts(b, "\n\n");
    }
    if (!category_table(b, d, "reproducibility"))
        mc_buf_puts(b, "No re-run in this validation.\n");
    section_results(b, d, "Signature and certificate", "signing",
                    "Not signed in this validation.");
    section_results(b, d, "All checks", NULL, "No checks.");
    mc_buf_puts(b, "\n## Audit record\n\n");
    if (d->audit_event) {
        mc_buf_printf(b, "- **Event**: %lld (",
                      (long long)json_integer_value(json_object_get(d->audit_event, "id")));
        mc_esc_md(b, mc_report_str(d->audit_event, "kind"));
        mc_buf_puts(b, ") by ");
        mc_esc_md(b, mc_report_str(d->audit_event, "actor"));
        mc_buf_puts(b, " at ");
        mc_esc_md(b, mc_report_str(d->audit_event, "time"));
        mc_buf_puts(b, "\n");
        line(b, "Chain hash at this event", mc_report_str(d->audit_event, "hash"));
        line(b, "Trail", d->audit_path);
    } else {
        mc_buf_puts(b, "No audit event found for this run.\n");
    }
}
