/* `explain` on files: a model's per-row attributions (mc_explain.h) for every row of a CSV
 * file, streamed in chunks (mc_csv_stream.h) so that a file of any length takes bounded
 * memory, written as CSV (docs/explanations.md). */
#ifndef MC_EXPLAIN_FILE_H
#define MC_EXPLAIN_FILE_H

#include <stdio.h>

#include "mc_explain.h"

#define MC_EXPLAIN_CHUNK_ROWS 1024

typedef struct mc_explain_summary {
    size_t rows;           /* data rows read */
    size_t explained;      /* rows written */
    size_t dropped;        /* rows the model's dropna step removed: not explained */
    size_t background;     /* background rows read (after dropna) */
    size_t sample;         /* of which in the Shapley sample */
    size_t unmet;          /* ig: rows whose gap never met the tolerance */
    size_t first_unmet;    /* ... the first one's data row (1-based), 0: none */
    double max_gap;        /* the largest completeness gap */
    size_t max_gap_row;    /* its data row (1-based) */
    int max_steps_used;    /* ig: the largest grid a row needed */
} mc_explain_summary;

/* The background rows: a CSV file of raw rows (read whole, as the model reads rows), or
 * feature rows already made (the run's training rows, mc_run_training_features). */
typedef struct mc_explain_background {
    const char *path;     /* the file, or NULL: */
    const float *x;       /* x[n][d] feature rows */
    const size_t *rows;   /* their 0-based data rows (for baseline_row) */
    size_t n;
    const char *name;     /* how messages name them: the file, or "the training rows of R" */
} mc_explain_background;

/* Explains every row of data_path ("-": standard input) against the background rows,
 * writing the CSV to out:
 *   row,[class,]prediction,baseline,attr_<column>...,gap,(steps,converged | se_<column>...)
 * row is the 1-based data row; class the explained class of a multiclass model; steps and
 * converged for ig, se_ for shapley-sampling. Rows a dropna step removes are counted, not
 * written. A NaN cell, a missing input column (with the closest header name) or a row the
 * network overflows on is MC_EINPUT at file:line. MC_EIO when out cannot be written. */
int mc_explain_csv(mc_explain_summary *sum, const mc_model *m, const char *data_path,
                   const mc_explain_background *background, const mc_explain_options *o,
                   FILE *out);

#endif
