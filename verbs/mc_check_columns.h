/* Internal to check's data pass (mc_check_data.c): the set of columns as the
 * preprocessing steps change it, from the raw header of a sample to what
 * reaches the model, with the diagnostics that name what is wrong and its fix. */
#ifndef MC_CHECK_COLUMNS_H
#define MC_CHECK_COLUMNS_H

#include <stddef.h>

#include "mc_spec.h"
#include "mc_table.h"

typedef struct mc_ccol {
    char *name;
    int numeric;
} mc_ccol;

/* A column a step took away: dropped, not selected, or replaced by one_hot's columns. */
typedef struct mc_cgone {
    char *name;
    size_t step;
} mc_cgone;

typedef struct mc_colset {
    const mc_spec *spec;
    const mc_spec_doc *d;
    mc_diags *diags;
    const mc_table *t;       /* the sample, every column read as text */
    int whole;               /* the sample is all of the file */
    char sample_note[160];   /* "in data.csv" or "in the first 1000 rows of data.csv" */
    int *raw_numeric;        /* per column of t: read as a number (inferred or declared) */
    mc_ccol *cols;           /* the columns at the current step */
    size_t n, cap;
    mc_cgone *gone;
    size_t n_gone, cap_gone;
    size_t errors;
    int rc;                  /* MC_ENOMEM once memory ran out: everything after does nothing */
} mc_colset;

/* The raw columns of the sample t with their kinds: a number where every
 * value of the sample is one, else text; data.columns and the steps that read
 * text (mc_step_reads_text) override, and data.columns naming a column not in
 * the header, or declaring numeric one that is not, is an error. MC_ENOMEM. */
int mc_colset_init(mc_colset *cs, const mc_spec *spec, mc_diags *diags, const mc_table *t,
                   int whole, const char *name);
void mc_colset_clear(mc_colset *cs);
/* Follows the preprocessing steps: every column a step names must be there at
 * that step (and of a kind the step takes); each step's effect applied. */
void mc_colset_steps(mc_colset *cs);
/* After the steps: a categorical column reaching the model, or none at all; for a spec's
 * model: (an ONNX model), each column of model.inputs there, numeric, not the target. */
void mc_colset_features(mc_colset *cs);

/* Whether `name` is a column of the raw data; if not, an error at addr naming
 * `what`, with the closest column and the header. */
int mc_colset_need_raw(mc_colset *cs, const void *addr, const void *container, const char *what,
                       const char *name);
/* Whether raw column `name` reaches the model, as itself or one-hot encoded. */
int mc_colset_reaches_model(const mc_colset *cs, const char *name);
/* Whether raw column `name` is read as a number. */
int mc_colset_raw_numeric(const mc_colset *cs, const char *name);

/* A diagnostic at the place addr (else container) was written in the spec. */
void mc_colset_diag(mc_colset *cs, mc_severity sev, const void *addr, const void *container,
                    const char *fmt, ...) MC_PRINTF(5, 6);
/* Records rc when it is an error; returns whether the pass must stop. */
int mc_colset_failed(mc_colset *cs, int rc);

#endif
