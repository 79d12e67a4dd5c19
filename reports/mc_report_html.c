/* One self-contained HTML file for auditors: the verdict, the run record,
 * every check by category (privacy, signing and any category to come, with
 * no change here), the metrics, and charts drawn as inline SVG
 * (mc_report_svg.c). No script, no external style, font or image: a
 * Content-Security-Policy forbids them, so the page cannot load anything.
 * Print styles keep it readable on paper. Every string from the run is
 * escaped (mc_esc_xml). */
#include "mc_report_doc.h"
#include "mc_report_esc.h"
#include "mc_report_svg.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char style[] =
    "body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:60em;color:#1a1a1a;"
    "padding:0 1em}\n"
    "h1{margin:.2em 0}h2{border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:1.6em}\n"
    "table{border-collapse:collapse;margin:.5em 0;width:100%}th,td{border:1px solid #ddd;"
    "padding:.25em .5em;text-align:left;vertical-align:top;overflow-wrap:anywhere}\n"
    "th{background:#f4f4f4}td.s,table.checks th{white-space:nowrap}table.checks td:nth-child(2){min-width:16em}"
    "td.num{text-align:right;font-variant-numeric:tabular-nums}\n"
    "code,.mono{font-family:ui-monospace,monospace;font-size:.92em;overflow-wrap:anywhere}\n"
    ".verdict{padding:1em 1.2em;border-radius:6px;border:2px solid}\n"
    ".v-pass{background:#e8f5e9;border-color:#2e7d32}.v-fail{background:#fdecea;"
    "border-color:#c62828}.v-error{background:#fff4e5;border-color:#ef6c00}\n"
    ".s{font-weight:bold}.s-pass{color:#2e7d32}.s-fail{color:#c62828}.s-error{color:#ef6c00}"
    ".s-warn{color:#8d6e00}.s-skipped{color:#666}\n"
    "figure{margin:1em 0;break-inside:avoid}figcaption{color:#555;font-size:.9em}\n"
    "svg.chart{max-width:100%;height:auto;font:11px system-ui,sans-serif}\n"
    "svg .ct{font-weight:bold;font-size:13px}svg .axis{stroke:#333;fill:none}"
    "svg .grid{stroke:#e3e3e3;fill:none}svg .diag{stroke:#999;stroke-dasharray:4 4;fill:none}"
    "svg .line{fill:none;stroke-width:2}svg .mark{fill:#fff;stroke-width:2}svg .bar{fill:#5b8fd1}svg .err{stroke:#333}"
    "svg .rule{stroke:#c62828;stroke-dasharray:5 3}svg .rulel{fill:#c62828}"
    "svg .tick,svg .leg,svg .lab{fill:#333}svg .inv{fill:#fff}\n"
    "@media print{body{margin:0;max-width:none;font-size:11pt}h2{break-after:avoid}"
    "tr,figure{break-inside:avoid}.verdict{-webkit-print-color-adjust:exact;"
    "print-color-adjust:exact}}\n";

static void esc(mc_buf *b, const char *s)
{
    mc_esc_xml(b, s ? s : "—");
}

static void value(mc_buf *b, const json_t *v)
{
    mc_buf t = {0};
    mc_report_value(&t, v);
    if (t.failed)
        b->failed = 1;
    esc(b, t.data ? t.data : "");
    mc_buf_free(&t);
}

static void row(mc_buf *b, const char *key, const char *v, int mono)
{
    mc_buf_printf(b, "<tr><th>%s</th><td%s>", key, mono ? " class=\"mono\"" : "");
    esc(b, v);
    mc_buf_puts(b, "</td></tr>\n");
}

static void row_json(mc_buf *b, const char *key, const json_t *v)
{
    mc_buf_printf(b, "<tr><th>%s</th><td>", key);
    value(b, v);
    mc_buf_puts(b, "</td></tr>\n");
}

static void run_record(mc_buf *b, const mc_report_doc *d)
{
    const json_t *r = d->run;
    mc_buf_puts(b, "<section id=\"run\"><h2>Run record</h2><table>\n");
    row(b, "model", mc_report_str(d->spec, "metadata.name"), 0);
    row(b, "version", mc_report_str(d->spec, "metadata.version"), 0);
    row(b, "owner", mc_report_str(d->spec, "metadata.owner"), 0);
    row(b, "model sha256", mc_report_str(r, "model.digest"), 1);
    int onnx = mc_report_str(r, "model.format") != NULL; /* trained elsewhere (model:) */
    if (onnx) {
        mc_buf_puts(b, "<tr><th>model file</th><td>");
        esc(b, mc_report_str(r, "model.file"));
        mc_buf_puts(b, " (ONNX, trained elsewhere: <code>");
        esc(b, mc_report_str(r, "model.path"));
        mc_buf_puts(b, "</code>), run by modelcert's interpreter</td></tr>\n");
    } else {
        row_json(b, "parameters", mc_report_get(r, "model.parameters"));
    }
    row(b, "spec sha256", mc_report_str(r, "spec.digest"), 1);
    row(b, "spec", mc_report_str(r, "spec.path"), 1);
    row(b, "data sha256", mc_report_str(r, "data.digest"), 1);
    row(b, "data", mc_report_str(r, "data.path"), 1);
    mc_buf_puts(b, "<tr><th>data size</th><td>");
    value(b, mc_report_get(r, "data.rows"));
    mc_buf_puts(b, " rows, ");
    value(b, mc_report_get(r, "data.columns"));
    mc_buf_puts(b, " columns</td></tr>\n");
    row_json(b, "split", mc_report_get(r, "split"));
    if (!onnx) { /* an ONNX model has no training, numerics, seed or threads of modelcert's */
        row_json(b, "training", mc_report_get(r, "training"));
        row(b, "numerics", mc_report_str(r, "numerics"), 0);
        row_json(b, "seed", mc_report_get(r, "seed"));
        row_json(b, "threads", mc_report_get(r, "threads"));
    }
    mc_buf_puts(b, "<tr><th>engine</th><td>");
    esc(b, mc_report_str(r, "engine.name"));
    mc_buf_puts(b, " ");
    esc(b, mc_report_str(r, "engine.version"));
    mc_buf_puts(b, "</td></tr>\n");
    row(b, "run id", mc_report_str(r, "run_id"), 1);
    row(b, "created (UTC)", mc_report_str(r, "created"), 0);
    row(b, "run directory", mc_report_str(d->validation, "run_dir"), 1);
    row(b, "audit trail", d->audit_path, 1);
    const json_t *ev = d->audit_event;
    if (ev) {
        row_json(b, "audit event", json_object_get(ev, "id"));
        row(b, "actor", mc_report_str(ev, "actor"), 0);
        row(b, "host", mc_report_str(ev, "host"), 0);
        row(b, "event time (UTC)", mc_report_str(ev, "time"), 0);
        row(b, "command", mc_report_str(ev, "command"), 1);
        row(b, "chain hash at this event", mc_report_str(ev, "hash"), 1);
        row(b, "previous hash", mc_report_str(ev, "prev_hash"), 1);
    } else {
        row(b, "audit event", "not found (see Not shown below)", 0);
    }
    mc_buf_puts(b, "</table></section>\n");
}

static void checks(mc_buf *b, const mc_report_doc *d)
{
    mc_buf_puts(b, "<section id=\"checks\"><h2>Checks</h2>\n");
    for (size_t c = 0; c < d->n_categories; c++) {
        size_t n[MC_STATUS_COUNT];
        mc_report_counts(d, d->categories[c], n);
        mc_buf_puts(b, "<h3 class=\"category\">");
        esc(b, d->categories[c]);
        mc_buf_printf(b, " <small>(%zu passed, %zu failed, %zu errors, %zu warnings, %zu skipped)"
                         "</small></h3>\n<table class=\"checks\"><tr><th>status</th><th>check</th><th>measured</th>"
                         "<th>expected</th><th>message</th></tr>\n",
                      n[MC_STATUS_PASS], n[MC_STATUS_FAIL], n[MC_STATUS_ERROR], n[MC_STATUS_WARN],
                      n[MC_STATUS_SKIPPED]);
        for (size_t i = 0; i < mc_validation_count(d->v); i++) {
            const mc_result *r = mc_validation_get(d->v, i);
            if (strcmp(r->category, d->categories[c]) != 0)
                continue;
            mc_buf_printf(b, "<tr><td class=\"s s-%s\">%s</td><td><code>", mc_status_name(r->status),
                          mc_report_status_word(r->status));
            esc(b, r->id);
            mc_buf_puts(b, "</code><br>");
            esc(b, r->name);
            mc_buf_puts(b, "</td><td>");
            value(b, r->measured);
            mc_buf_puts(b, "</td><td>");
            value(b, r->expected);
            mc_buf_puts(b, "</td><td>");
            esc(b, r->message);
            mc_buf_puts(b, "</td></tr>\n");
        }
        mc_buf_puts(b, "</table>\n");
    }
    mc_buf_puts(b, "</section>\n");
}

static void metrics_table(mc_buf *b, const mc_report_doc *d)
{
    const json_t *test = json_object_get(d->metrics, "metrics");
    if (!json_is_object(test))
        return;
    static const char *const parts[] = {"metrics", "validation", "training"};
    mc_buf_puts(b, "<section id=\"metrics\"><h2>Metrics</h2><table><tr><th>metric</th>"
                   "<th>test</th><th>validation</th><th>training</th></tr>\n");
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)test, key, v) {
        (void)v;
        mc_buf_puts(b, "<tr><th>");
        esc(b, key);
        mc_buf_puts(b, "</th>");
        for (int p = 0; p < 3; p++) {
            const json_t *x = json_object_get(json_object_get(d->metrics, parts[p]), key);
            mc_buf_puts(b, "<td class=\"num\">");
            if (json_is_number(x))
                mc_report_num(b, json_number_value(x));
            else
                mc_buf_puts(b, "—");
            mc_buf_puts(b, "</td>");
        }
        mc_buf_puts(b, "</tr>\n");
    }
    mc_buf_puts(b, "</table></section>\n");
}

static void figure(mc_buf *b, const char *caption)
{
    mc_buf_puts(b, "<figcaption>");
    esc(b, caption);
    mc_buf_puts(b, "</figcaption></figure>\n");
}

static void loss_chart(mc_buf *b, const mc_report_doc *d)
{
    if (!d->loss.n || d->epoch.n != d->loss.n)
        return;
    mc_svg_series s[2] = {{d->epoch.v, d->loss.v, d->loss.n, "loss", "#1f5fa8", 0, 0},
                          {d->epoch.v, d->val_loss.v, d->val_loss.n, "val_loss", "#d1495b", 1, 0}};
    int has_val = 0;
    for (size_t i = 0; i < d->val_loss.n; i++)
        has_val |= isfinite(d->val_loss.v[i]);
    mc_buf_puts(b, "<figure>");
    mc_svg_lines(b, "loss", "Loss per epoch", "epoch", "loss", s, has_val ? 2 : 1, 0);
    figure(b, has_val ? "Training loss and validation loss per epoch (history.csv)."
                      : "Training loss per epoch (history.csv); the run has no validation rows, so "
                        "no validation loss.");
}

static int by_score_desc(const void *a, const void *b)
{
    const double *x = a, *y = b;
    return x[0] < y[0] ? 1 : x[0] > y[0] ? -1 : 0;
}

/* ROC points at every distinct score, and the AUC by the trapezoid rule. */
static void roc_chart(mc_buf *b, const mc_report_doc *d)
{
    size_t n = d->roc_score.n, pos = 0;
    if (!n)
        return;
    double *pairs = malloc(2 * n * sizeof *pairs), *fx = malloc((n + 1) * sizeof *fx),
           *ty = malloc((n + 1) * sizeof *ty);
    if (!pairs || !fx || !ty) {
        b->failed = 1;
        goto cleanup;
    }
    for (size_t i = 0; i < n; i++) {
        pairs[2 * i] = d->roc_score.v[i];
        pairs[2 * i + 1] = d->roc_truth.v[i];
        pos += d->roc_truth.v[i] > 0.5;
    }
    if (pos == 0 || pos == n)
        goto cleanup; /* one class only: no curve */
    qsort(pairs, n, 2 * sizeof *pairs, by_score_desc);
    size_t m = 0, tp = 0, fp = 0;
    double auc = 0;
    fx[m] = 0, ty[m++] = 0;
    for (size_t i = 0; i < n; i++) {
        if (pairs[2 * i + 1] > 0.5)
            tp++;
        else
            fp++;
        if (i + 1 < n && pairs[2 * (i + 1)] == pairs[2 * i])
            continue; /* ties move together */
        fx[m] = (double)fp / (double)(n - pos);
        ty[m] = (double)tp / (double)pos;
        auc += (fx[m] - fx[m - 1]) * (ty[m] + ty[m - 1]) / 2;
        m++;
    }
    mc_buf t = {0};
    mc_buf_puts(&t, "ROC curve, AUC ");
    mc_report_num(&t, auc);
    if (t.failed)
        b->failed = 1;
    mc_svg_series s = {fx, ty, m, t.data ? t.data : "ROC", "#1f5fa8", 0, 0};
    mc_buf_puts(b, "<figure>");
    mc_svg_lines(b, "roc", t.data ? t.data : "ROC", "false positive rate", "true positive rate", &s,
                 1, 1);
    mc_buf_free(&t);
    t = (mc_buf){0};
    mc_buf_puts(&t, "ROC curve of the test predictions (test_predictions.csv), positive class ");
    mc_buf_puts(&t, d->positive);
    mc_buf_puts(&t, "; the area under it by the trapezoid rule.");
    if (t.failed)
        b->failed = 1;
    figure(b, t.data ? t.data : "");
    mc_buf_free(&t);
cleanup:
    free(pairs);
    free(fx);
    free(ty);
}

#define MAX_CLASSES 64

static void confusion_chart(mc_buf *b, const mc_report_doc *d)
{
    const json_t *labels = mc_report_get(d->metrics, "confusion_matrix.labels");
    const json_t *counts = mc_report_get(d->metrics, "confusion_matrix.counts");
    size_t k = json_array_size(labels);
    if (k < 2 || k > MAX_CLASSES || json_array_size(counts) != k)
        return;
    const char *names[MAX_CLASSES];
    double *c = malloc(k * k * sizeof *c);
    if (!c) {
        b->failed = 1;
        return;
    }
    for (size_t i = 0; i < k; i++) {
        const json_t *rowv = json_array_get(counts, i);
        names[i] = json_string_value(json_array_get(labels, i));
        if (!names[i] || json_array_size(rowv) != k)
            goto cleanup;
        for (size_t j = 0; j < k; j++) {
            const json_t *x = json_array_get(rowv, j);
            if (!json_is_integer(x) || json_integer_value(x) < 0)
                goto cleanup;
            c[i * k + j] = (double)json_integer_value(x);
        }
    }
    mc_buf_puts(b, "<figure>");
    mc_svg_heatmap(b, "confusion", "Confusion matrix (test rows)", names, k, c);
    figure(b, "Rows are true classes, columns predicted classes; the shade is the share of the "
              "row (recall on the diagonal).");
cleanup:
    free(c);
}

#define MAX_BARS 60

/* One chart per slice column: the groups' value of each thresholded metric
 * (spec thresholds.slices), or of the first metric when none is. */
static void slice_charts(mc_buf *b, const mc_report_doc *d)
{
    const json_t *slices = json_object_get(d->metrics, "slices");
    const json_t *rules = mc_report_get(d->spec, "thresholds.slices");
    const char *col;
    json_t *slice;
    json_object_foreach((json_t *)slices, col, slice) {
        const json_t *groups = json_object_get(slice, "groups");
        size_t n_rules = json_array_size(rules), drawn = 0;
        for (size_t r = 0; r <= n_rules; r++) {
            const json_t *rule = json_array_get(rules, r);
            const char *metric = mc_report_str(rule, "metric");
            if (r < n_rules && (!metric || !mc_report_str(rule, "slice") ||
                                strcmp(mc_report_str(rule, "slice"), col) != 0))
                continue;
            if (r == n_rules) { /* no threshold on this column: its first metric */
                if (drawn)
                    break;
                const char *first = NULL;
                json_t *mv;
                for (size_t g = 0; !first && g < json_array_size(groups); g++)
                    json_object_foreach(json_object_get(json_array_get(groups, g), "metrics"),
                                        first, mv) break;
                if (!(metric = first))
                    break;
            }
            mc_svg_bar bars[MAX_BARS];
            size_t nb = 0;
            for (size_t g = 0; g < json_array_size(groups) && nb < MAX_BARS; g++) {
                const json_t *grp = json_array_get(groups, g);
                const json_t *v = mc_report_get(json_object_get(grp, "metrics"), metric);
                if (json_is_number(v) && mc_report_str(grp, "value"))
                    bars[nb++] = (mc_svg_bar){mc_report_str(grp, "value"), json_number_value(v), 0};
            }
            mc_svg_rule lines[2];
            char lab[2][64];
            size_t nl = 0;
            static const char *const bounds[] = {"min", "max"};
            for (int k = 0; k < 2 && rule; k++) {
                const json_t *v = json_object_get(rule, bounds[k]);
                if (json_is_number(v)) {
                    snprintf(lab[nl], sizeof lab[nl], "%s %.4g", bounds[k], json_number_value(v));
                    lines[nl] = (mc_svg_rule){json_number_value(v), lab[nl]};
                    nl++;
                }
            }
            if (!nb)
                continue;
            mc_buf title = {0};
            mc_buf_puts(&title, metric);
            mc_buf_puts(&title, " by ");
            mc_buf_puts(&title, col);
            char id[32];
            snprintf(id, sizeof id, "slices-%zu", drawn);
            mc_buf_puts(b, "<figure>");
            mc_svg_bars(b, id, title.data ? title.data : "", bars, nb, lines, nl);
            if (title.failed)
                b->failed = 1;
            mc_buf_free(&title);
            figure(b, "Per-group metric on the test rows (metrics.json slices); red lines are "
                      "the spec's slice thresholds. Groups smaller than min_size are not drawn.");
            drawn++;
        }
    }
}

static void importance_chart(mc_buf *b, const mc_report_doc *d)
{
    const json_t *pi = json_object_get(d->metrics, "permutation_importance");
    const json_t *cols = json_object_get(pi, "columns");
    mc_svg_bar bars[MAX_BARS];
    size_t nb = 0;
    for (size_t i = 0; i < json_array_size(cols) && nb < MAX_BARS; i++) {
        const json_t *c = json_array_get(cols, i);
        const json_t *mean = json_object_get(c, "mean"), *sd = json_object_get(c, "std");
        if (mc_report_str(c, "column") && json_is_number(mean))
            bars[nb++] = (mc_svg_bar){mc_report_str(c, "column"), json_number_value(mean),
                                      json_is_number(sd) ? fabs(json_number_value(sd)) : 0};
    }
    if (!nb)
        return;
    mc_buf title = {0};
    mc_buf_puts(&title, "Permutation importance (drop in ");
    mc_buf_puts(&title, mc_report_str(pi, "scoring") ? mc_report_str(pi, "scoring") : "score");
    mc_buf_puts(&title, ")");
    mc_buf_puts(b, "<figure>");
    mc_svg_bars(b, "importance", title.data ? title.data : "", bars, nb, NULL, 0);
    if (title.failed)
        b->failed = 1;
    mc_buf_free(&title);
    figure(b, "Mean drop in the score when a column is shuffled, ± its standard deviation over "
              "the repeats (metrics.json permutation_importance).");
}

/* metrics.json's global attributions: each raw column's mean |attribution|, largest first. */
static void attribution_chart(mc_buf *b, const mc_report_doc *d)
{
    const json_t *a = json_object_get(d->metrics, "attributions");
    const json_t *cols = json_object_get(a, "columns");
    mc_svg_bar bars[MAX_BARS];
    size_t nb = 0;
    for (size_t i = 0; i < json_array_size(cols) && nb < MAX_BARS; i++) {
        const json_t *c = json_array_get(cols, i), *mean = json_object_get(c, "mean_abs");
        if (mc_report_str(c, "column") && json_is_number(mean))
            bars[nb++] = (mc_svg_bar){mc_report_str(c, "column"), json_number_value(mean), 0};
    }
    if (!nb)
        return;
    mc_buf_puts(b, "<figure>");
    mc_svg_bars(b, "attributions", "Global attributions (mean |Integrated Gradients|)", bars, nb,
                NULL, 0);
    mc_buf_printf(b, "<figcaption>Each raw column's mean |attribution| over the %lld test rows, "
                     "from the training rows' mean features (metrics.json attributions)%s."
                     "</figcaption></figure>\n",
                  (long long)json_integer_value(json_object_get(a, "rows")),
                  json_array_size(cols) > nb ? "; the smallest columns are not drawn" : "");
}

/* One robustness chart: the metric against the strength of each of kinds[0..nk-1], every
 * curve starting from the unperturbed value at strength 0 (metrics.json robustness). */
static void robustness_lines(mc_buf *b, const json_t *r, const char *id, const char *xlabel,
                             const char *const *kinds, size_t nk)
{
    static const char *const color[] = {"#1f5fa8", "#d1495b", "#2e7d32"};
    mc_svg_series s[3];
    double *xy[3][2] = {{0}};
    size_t ns = 0;
    char title[96];
    for (size_t k = 0; k < nk && k < 3; k++) {
        const json_t *pts = json_object_get(r, kinds[k]), *p;
        size_t n = json_array_size(pts), i;
        if (!n)
            continue;
        double *x = malloc((n + 1) * sizeof *x), *y = malloc((n + 1) * sizeof *y);
        xy[ns][0] = x, xy[ns][1] = y;
        if (!x || !y) {
            b->failed = 1;
            ns++;
            break;
        }
        x[0] = 0, y[0] = json_number_value(json_object_get(r, "baseline"));
        json_array_foreach(pts, i, p)
        {
            x[i + 1] = json_number_value(json_object_get(p, "strength"));
            y[i + 1] = json_number_value(json_object_get(p, "value"));
        }
        s[ns] = (mc_svg_series){x, y, n + 1, kinds[k], color[k], k == 2, 1};
        ns++;
    }
    if (ns && !b->failed) {
        snprintf(title, sizeof title, "Robustness: %.40s under perturbation",
                 mc_report_str(r, "metric") ? mc_report_str(r, "metric") : "the metric");
        mc_buf_puts(b, "<figure>");
        mc_svg_lines(b, id, title, xlabel, mc_report_str(r, "metric"), s, ns, 0);
        figure(b, "The test rows' metric as the perturbation grows, from the unperturbed value "
                  "at 0 (metrics.json robustness; the spec's max_drop rules are judged in the "
                  "checks above).");
    }
    for (size_t k = 0; k < 3; k++)
        free(xy[k][0]), free(xy[k][1]);
}

static void robustness_charts(mc_buf *b, const mc_report_doc *d)
{
    static const char *const attacks[] = {"noise", "fgsm", "pgd"}, *const missing[] = {"missing"};
    const json_t *r = json_object_get(d->metrics, "robustness");
    if (!r)
        return;
    robustness_lines(b, r, "robustness", "strength (training standard deviations)", attacks, 3);
    robustness_lines(b, r, "robustness-missing", "share of cells made missing", missing, 1);
}

void mc_report_html(mc_buf *b, const mc_report_doc *d)
{
    mc_verdict v = mc_validation_verdict(d->v);
    size_t n[MC_STATUS_COUNT];
    mc_report_counts(d, NULL, n);
    static const char *const word[] = {[MC_VERDICT_PASS] = "PASS", [MC_VERDICT_FAIL] = "FAIL",
                                       [MC_VERDICT_ERROR] = "ERROR"};
    mc_buf_puts(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                   "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                   "style-src 'unsafe-inline'\">\n"
                   "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                   "<title>modelcert validation: ");
    esc(b, mc_report_model_name(d));
    mc_buf_printf(b, " — %s</title>\n<style>\n%s</style>\n</head>\n<body>\n", word[v], style);
    mc_buf_printf(b, "<header class=\"verdict v-%s\"><h1>%s</h1><p><strong>", mc_verdict_name(v),
                  word[v]);
    esc(b, mc_report_model_name(d));
    mc_buf_puts(b, "</strong> ");
    esc(b, mc_report_str(d->spec, "metadata.version") ? mc_report_str(d->spec, "metadata.version")
                                                      : "");
    mc_buf_printf(b, " — modelcert validate: %zu passed, %zu failed, %zu errors, %zu warnings, "
                     "%zu skipped</p><p class=\"mono\">model sha256 ",
                  n[MC_STATUS_PASS], n[MC_STATUS_FAIL], n[MC_STATUS_ERROR], n[MC_STATUS_WARN],
                  n[MC_STATUS_SKIPPED]);
    esc(b, mc_report_str(d->run, "model.digest"));
    mc_buf_puts(b, "</p></header>\n");
    run_record(b, d);
    checks(b, d);
    metrics_table(b, d);
    mc_buf_puts(b, "<section id=\"charts\"><h2>Charts</h2>\n");
    loss_chart(b, d);
    roc_chart(b, d);
    confusion_chart(b, d);
    slice_charts(b, d);
    importance_chart(b, d);
    attribution_chart(b, d);
    robustness_charts(b, d);
    mc_buf_puts(b, "</section>\n");
    if (d->notes.len) {
        mc_buf_puts(b, "<section id=\"notes\"><h2>Not shown</h2><pre>");
        esc(b, d->notes.data);
        mc_buf_puts(b, "</pre></section>\n");
    }
    mc_buf_puts(b, "<footer><p>Rendered by modelcert from the run directory's validation.json "
                   "and the files beside it; it reads results, never the model.</p>"
                   "</footer>\n</body>\n</html>\n");
}
