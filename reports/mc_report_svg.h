/* Charts as inline SVG, drawn here from numbers (no script, no external
 * resource): line charts, a heat map, horizontal bars. Each chart is one
 * <svg class="chart" data-chart="ID"> whose marks are <path> elements, and
 * every label is escaped. Coordinates are printed with 2 decimals, so the
 * same numbers give the same bytes. Private to reports/. */
#ifndef MC_REPORT_SVG_H
#define MC_REPORT_SVG_H

#include <stddef.h>

#include "mc_buf.h"

typedef struct mc_svg_series {
    const double *x, *y; /* n points; a NaN y breaks the line */
    size_t n;
    const char *label;
    const char *color;   /* CSS color */
    int dashed;
    int marks;           /* 1: each point also a mark with its exact data-x and data-y */
} mc_svg_series;

/* Lines over shared axes. unit: both axes 0..1 with the diagonal (ROC). A series with marks
 * draws each point as a small circle (a path, class "mark") carrying data-x and data-y, its
 * exact coordinates (%.17g), and data-series, its label. */
void mc_svg_lines(mc_buf *b, const char *id, const char *title, const char *xlabel,
                  const char *ylabel, const mc_svg_series *s, size_t ns, int unit);

/* A k×k matrix of counts (row-major) as a heat map, each row shaded by its
 * share of the row's total; labels name rows (true) and columns (predicted). */
void mc_svg_heatmap(mc_buf *b, const char *id, const char *title, const char *const *labels,
                    size_t k, const double *counts);

typedef struct mc_svg_bar {
    const char *label;
    double value;
    double err;          /* half-width of an error bar; 0: none */
} mc_svg_bar;

typedef struct mc_svg_rule {
    double at;
    const char *label;   /* e.g. "min 0.8" */
} mc_svg_rule;

/* Horizontal bars from 0, with optional error bars and vertical rules
 * (thresholds). Each bar's path carries its exact value as data-value (%.17g), so a reader
 * (and a test) can check the drawing against the figures it came from. */
void mc_svg_bars(mc_buf *b, const char *id, const char *title, const mc_svg_bar *bars, size_t n,
                 const mc_svg_rule *rules, size_t n_rules);

#endif
