/* The split of a table's rows into training, validation and test partitions
 * (docs/engine.md): shuffled with the split seed, stratified by class when
 * the spec asks, each partition's rows in ascending order. */
#ifndef MC_PARTITION_H
#define MC_PARTITION_H

#include <stddef.h>
#include <stdint.h>

#include "mc_spec.h"

enum { MC_PART_TRAIN, MC_PART_VALIDATION, MC_PART_TEST, MC_PART_COUNT };

typedef struct mc_partition {
    uint32_t *idx[MC_PART_COUNT]; /* original row indices, ascending */
    size_t n[MC_PART_COUNT];
} mc_partition;

/* Splits rows[0..n) as sp says. With sp->stratify and n_classes > 0, y[row]
 * (a class index, never NaN for these rows) groups the rows, and each group
 * gives each partition its share (largest remainder, ties to the lower class).
 * MC_ENOMEM when memory runs out: never another split. On error *out is
 * cleared. */
int mc_partition_make(mc_partition *out, const uint32_t *rows, size_t n, const mc_split *sp,
                      const float *y, int n_classes);
/* Frees the index arrays and zeroes *p; safe on a zeroed struct. */
void mc_partition_clear(mc_partition *p);

#endif
