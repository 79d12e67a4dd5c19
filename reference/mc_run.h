/* Running a spec end to end with the reference engine: load and pin-check the
 * data, split, fit preprocessing on the training rows, train, evaluate on the
 * test rows (overall, per slice, permutation importance), and produce the
 * model artifact and the run's records. mc_run_write puts them in a run
 * directory atomically. */
#ifndef MC_RUN_H
#define MC_RUN_H

#include <jansson.h>
#include <stddef.h>

#include "mc_hash.h"
#include "mc_spec.h"
#include "mc_train.h"

typedef struct mc_run_options {
    int threads;   /* 0: every core */
    int numerics;  /* -1: as the spec says; else mc_numerics */
    const char *data_path; /* NULL: data.source, relative to the spec's directory */
    mc_train_progress_fn progress;
    void *progress_ctx;
} mc_run_options;

typedef struct mc_run {
    json_t *record;         /* run.json */
    json_t *metrics;        /* metrics.json */
    json_t *normalized;     /* spec.json: the normalised spec */
    char *history_csv;      /* history.csv */
    char *predictions_csv;  /* test_predictions.csv */
    unsigned char *model;   /* model.mcm */
    size_t model_len;
    char model_digest[MC_SHA256_HEX_LEN + 1];
    char data_digest[MC_SHA256_HEX_LEN + 1];
    char spec_digest[MC_SHA256_HEX_LEN + 1];
} mc_run;

int mc_run_execute(mc_run **out, const mc_spec *spec, const mc_run_options *opt);
void mc_run_free(mc_run *run);
/* Writes the run into `dir`, which must not exist: built in a temporary
 * sibling directory, every file fsynced, then renamed into place. */
int mc_run_write(const mc_run *run, const char *dir);

/* Predictions CSV for rows of a table: row,[actual,]prediction,p_<class>... */
int mc_predictions_csv(char **out, const size_t *row_index, const float *pred, size_t n, int width,
                       mc_task task, char *const *classes, int n_classes, double threshold,
                       const float *actual);

#endif
