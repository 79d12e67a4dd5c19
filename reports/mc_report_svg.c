/* Charts as inline SVG for the HTML report (mc_report_svg.h): line charts,
 * a heat map and horizontal bars, drawn from numbers with every label escaped
 * and every coordinate printed with 2 decimals (the same numbers, the same
 * bytes); bars and marked points also carry their exact figures (data-value, data-x,
 * data-y). */
#include "mc_report_svg.h"

#include <math.h>

#include "mc_report_esc.h"

#define W 640.0
#define ML 64.0 /* margins: left, right, top, bottom */
#define MR 24.0
#define MT 34.0
#define MB 46.0

static void open_svg(mc_buf *b, const char *id, const char *title, double h)
{
    mc_buf_printf(b, "<svg class=\"chart\" data-chart=\"%s\" xmlns=\"http://www.w3.org/2000/svg\" "
                     "viewBox=\"0 0 %.0f %.0f\" width=\"%.0f\" height=\"%.0f\" role=\"img\">"
                     "<title>", id, W, h, W, h);
    mc_esc_xml(b, title);
    mc_buf_printf(b, "</title><text class=\"ct\" x=\"%.0f\" y=\"15\">", ML);
    mc_esc_xml(b, title);
    mc_buf_puts(b, "</text>\n");
}

static void text(mc_buf *b, double x, double y, const char *anchor, const char *cls, const char *s)
{
    mc_buf_printf(b, "<text x=\"%.2f\" y=\"%.2f\" text-anchor=\"%s\" class=\"%s\">", x, y, anchor,
                  cls);
    mc_esc_xml(b, s);
    mc_buf_puts(b, "</text>\n");
}

static void num_text(mc_buf *b, double x, double y, const char *anchor, double v)
{
    mc_buf t = {0};
    mc_report_num(&t, v);
    if (t.failed)
        b->failed = 1;
    text(b, x, y, anchor, "tick", t.data ? t.data : "");
    mc_buf_free(&t);
}

/* Extends [*lo, *hi] to a non-empty range. */
static void settle(double *lo, double *hi)
{
    if (!(*lo <= *hi)) {
        *lo = 0;
        *hi = 1;
    }
    if (*hi - *lo < 1e-12) {
        *lo -= 0.5;
        *hi += 0.5;
    }
}

void mc_svg_lines(mc_buf *b, const char *id, const char *title, const char *xlabel,
                  const char *ylabel, const mc_svg_series *s, size_t ns, int unit)
{
    const double h = unit ? 400.0 : 300.0;
    double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
    for (size_t k = 0; k < ns; k++)
        for (size_t i = 0; i < s[k].n; i++)
            if (isfinite(s[k].y[i]) && isfinite(s[k].x[i])) {
                x0 = fmin(x0, s[k].x[i]), x1 = fmax(x1, s[k].x[i]);
                y0 = fmin(y0, s[k].y[i]), y1 = fmax(y1, s[k].y[i]);
            }
    if (unit)
        x0 = y0 = 0, x1 = y1 = 1;
    settle(&x0, &x1);
    settle(&y0, &y1);
    const double pw = (unit ? h - MT - MB : W - ML - MR), ph = h - MT - MB;
#define PX(v) (ML + ((v) - x0) / (x1 - x0) * pw)
#define PY(v) (MT + ph - ((v) - y0) / (y1 - y0) * ph)
    open_svg(b, id, title, h);
    mc_buf_printf(b, "<path class=\"axis\" d=\"M%.2f %.2fV%.2fH%.2f\"/>\n", ML, MT, MT + ph, ML + pw);
    for (int t = 0; t <= 4; t++) {
        double xv = x0 + (x1 - x0) * t / 4, yv = y0 + (y1 - y0) * t / 4;
        if (!unit && x1 - x0 >= 4)
            xv = floor(xv + 0.5); /* epochs: whole numbers */
        mc_buf_printf(b, "<path class=\"grid\" d=\"M%.2f %.2fH%.2f\"/>\n", ML, PY(yv), ML + pw);
        num_text(b, PX(xv), MT + ph + 16, "middle", xv);
        num_text(b, ML - 6, PY(yv) + 4, "end", yv);
    }
    text(b, ML + pw / 2, h - 8, "middle", "lab", xlabel);
    text(b, 14, MT - 6, "start", "lab", ylabel);
    if (unit)
        mc_buf_printf(b, "<path class=\"diag\" d=\"M%.2f %.2fL%.2f %.2f\"/>\n", PX(0.0), PY(0.0),
                      PX(1.0), PY(1.0));
    for (size_t k = 0; k < ns; k++) {
        int pen = 0;
        mc_buf_printf(b, "<path class=\"line\" stroke=\"%s\"%s d=\"", s[k].color,
                      s[k].dashed ? " stroke-dasharray=\"6 4\"" : "");
        for (size_t i = 0; i < s[k].n; i++) {
            if (!isfinite(s[k].y[i]) || !isfinite(s[k].x[i])) {
                pen = 0;
                continue;
            }
            mc_buf_printf(b, "%s%.2f %.2f", pen ? "L" : "M", PX(s[k].x[i]), PY(s[k].y[i]));
            pen = 1;
        }
        mc_buf_puts(b, "\"/>\n");
        for (size_t i = 0; s[k].marks && i < s[k].n; i++)
            if (isfinite(s[k].y[i]) && isfinite(s[k].x[i])) {
                mc_buf_printf(b, "<path class=\"mark\" stroke=\"%s\" data-series=\"", s[k].color);
                mc_esc_xml(b, s[k].label);
                mc_buf_printf(b, "\" data-x=\"%.17g\" data-y=\"%.17g\" d=\"M%.2f %.2fm-3 0a3 3 0 1 "
                                 "0 6 0a3 3 0 1 0 -6 0\"/>\n", s[k].x[i], s[k].y[i], PX(s[k].x[i]),
                              PY(s[k].y[i]));
            }
        double ly = unit ? MT + ph - 12 - 16.0 * (double)(ns - 1 - k) : MT + 14 + 16.0 * (double)k;
        double lx = ML + pw - 150;
        mc_buf_printf(b, "<path class=\"line\" stroke=\"%s\"%s d=\"M%.2f %.2fh24\"/>\n", s[k].color,
                      s[k].dashed ? " stroke-dasharray=\"6 4\"" : "", lx, ly - 4);
        text(b, lx + 30, ly, "start", "leg", s[k].label);
    }
#undef PX
#undef PY
    mc_buf_puts(b, "</svg>\n");
}

void mc_svg_heatmap(mc_buf *b, const char *id, const char *title, const char *const *labels,
                    size_t k, const double *counts)
{
    double cell = k <= 6 ? 64.0 : fmax(12.0, 384.0 / (double)k);
    double left = 140.0, top = MT + 20;
    double h = top + cell * (double)k + MB + 10;
    open_svg(b, id, title, h);
    for (size_t i = 0; i < k; i++) {
        double total = 0;
        for (size_t j = 0; j < k; j++)
            total += counts[i * k + j];
        for (size_t j = 0; j < k; j++) {
            double c = counts[i * k + j], share = total > 0 ? c / total : 0;
            double x = left + cell * (double)j, y = top + cell * (double)i;
            mc_buf_printf(b, "<path class=\"cell\" fill=\"#1f5fa8\" fill-opacity=\"%.3f\" "
                             "d=\"M%.2f %.2fh%.2fv%.2fh-%.2fZ\"><title>",
                          0.06 + 0.94 * share, x, y, cell, cell, cell);
            mc_esc_xml(b, labels[i]);
            mc_buf_puts(b, " predicted as ");
            mc_esc_xml(b, labels[j]);
            mc_buf_printf(b, ": %.0f</title></path>\n", c);
            if (cell >= 24)
                mc_buf_printf(b, "<text x=\"%.2f\" y=\"%.2f\" text-anchor=\"middle\" class=\"%s\">"
                                 "%.0f</text>\n",
                              x + cell / 2, y + cell / 2 + 4, share > 0.5 ? "inv" : "tick", c);
        }
        if (cell >= 12)
            text(b, left - 6, top + cell * (double)i + cell / 2 + 4, "end", "tick", labels[i]);
    }
    for (size_t j = 0; j < k && cell >= 24; j++)
        text(b, left + cell * (double)j + cell / 2, top + cell * (double)k + 16, "middle", "tick",
             labels[j]);
    text(b, left - 6, top - 6, "end", "lab", "true ↓  predicted →");
    mc_buf_puts(b, "</svg>\n");
}

void mc_svg_bars(mc_buf *b, const char *id, const char *title, const mc_svg_bar *bars, size_t n,
                 const mc_svg_rule *rules, size_t n_rules)
{
    const double row = 22.0, left = 180.0, right = W - 70.0, top = MT + 6;
    double lo = 0, hi = 0;
    for (size_t i = 0; i < n; i++) {
        lo = fmin(lo, bars[i].value - bars[i].err);
        hi = fmax(hi, bars[i].value + bars[i].err);
    }
    for (size_t i = 0; i < n_rules; i++) {
        lo = fmin(lo, rules[i].at);
        hi = fmax(hi, rules[i].at);
    }
    settle(&lo, &hi);
    double h = top + row * (double)n + MB;
#define PX(v) (left + ((v) - lo) / (hi - lo) * (right - left))
    open_svg(b, id, title, h);
    mc_buf_printf(b, "<path class=\"axis\" d=\"M%.2f %.2fV%.2f\"/>\n", PX(0.0), top,
                  top + row * (double)n);
    for (size_t i = 0; i < n; i++) {
        double y = top + row * (double)i, v = bars[i].value;
        double x = PX(fmin(0.0, v)), w = fabs(PX(v) - PX(0.0));
        mc_buf_printf(b, "<path class=\"bar\" data-value=\"%.17g\" "
                         "d=\"M%.2f %.2fh%.2fv%.2fh-%.2fZ\"><title>", v, x, y + 4, w, row - 8, w);
        mc_esc_xml(b, bars[i].label);
        mc_buf_puts(b, "</title></path>\n");
        if (bars[i].err > 0)
            mc_buf_printf(b, "<path class=\"err\" d=\"M%.2f %.2fH%.2f\"/>\n", PX(v - bars[i].err),
                          y + row / 2, PX(v + bars[i].err));
        text(b, left - 6, y + row / 2 + 4, "end", "tick", bars[i].label);
        num_text(b, PX(fmax(0.0, v) + fmax(bars[i].err, 0.0)) + 4 + 12, y + row / 2 + 4, "start",
                 v);
    }
    for (size_t i = 0; i < n_rules; i++) {
        mc_buf_printf(b, "<path class=\"rule\" d=\"M%.2f %.2fV%.2f\"/>\n", PX(rules[i].at), top - 4,
                      top + row * (double)n);
        text(b, PX(rules[i].at), top + row * (double)n + 16 + 14.0 * (double)i, "middle", "rulel",
             rules[i].label);
    }
#undef PX
    mc_buf_puts(b, "</svg>\n");
}
