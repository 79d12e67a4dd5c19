/* The target column as training sees it: the classes of a classification (in
 * a fixed order) and one float per row, the class index or the value. */
#ifndef MC_LABELS_H
#define MC_LABELS_H

#include "mc_spec.h"
#include "mc_table.h"

typedef struct mc_labels {
    char **classes; /* NULL for regression */
    int n_classes;
    float *y;       /* by original row: class index or value; NaN when missing */
} mc_labels;

/* Reads column `target_col` of t. Classes: numeric labels in numeric order,
 * text labels in byte order; for a binary task [the other class, the positive
 * class]. A target that does not fit the task (too few classes, a text target
 * for a regression, an unknown positive label) is an MC_EINPUT error located
 * in the spec. On error *l is cleared. */
int mc_labels_build(mc_labels *l, const mc_spec *spec, const mc_table *t, long target_col);
/* Frees what mc_labels_build allocated and zeroes *l; safe on a zeroed struct. */
void mc_labels_clear(mc_labels *l);

#endif
