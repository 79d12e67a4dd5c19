/* Preprocessing: each spec step is fitted on the training rows only and the
 * fitted step (its statistics) is stored in the model artifact, so that
 * prediction on raw rows applies exactly the same transform, with the same
 * code. Steps without statistics (dropna, drop_columns, select_columns,
 * l2_normalize over rows) are fitted too: their column lists are resolved. */
#ifndef MC_PIPELINE_H
#define MC_PIPELINE_H

#include <jansson.h>
#include <stddef.h>

#include "mc_spec.h"
#include "mc_table.h"

typedef struct mc_fitted_col {
    char *name;
    double a, b;   /* standardize: mean, std; l2 columns: norm; min_max: min, range; fill: value */
    char *text;    /* fill_missing of a categorical column: the category */
    char **cats;   /* one_hot: the categories, sorted */
    size_t n_cats;
} mc_fitted_col;

typedef struct mc_fitted_step {
    int type; /* mc_step_type */
    int axis, handle_unknown, strategy;
    double feature_min, feature_max;
    /* privacy transforms (mc_pipeline_privacy.c) */
    char *key_env;       /* hash: the environment variable that holds the key (never the key) */
    char key_check[17];  /* hash: the first 16 hex digits of HMAC(key, MC_HASH_KEY_CHECK) */
    long long keep_last; /* mask */
    char mask_char;
    double bin_width;    /* generalize: numeric bins of this width, or ... */
    long long prefix_length; /* ... text prefixes of this many characters (bin_width 0), or */
    int has_date;        /* ... calendar dates (mc_date.h) coarsened to date_part */
    int date_part;       /* mc_date_part: year (a number) or month (YYYY-MM text) */
    mc_fitted_col *cols;
    size_t n_cols;
} mc_fitted_step;

typedef struct mc_input_col {
    char *name;
    int categorical;
} mc_input_col;

typedef struct mc_pipeline {
    char *target;
    mc_fitted_step *steps;
    size_t n_steps;
    mc_input_col *inputs;   /* raw columns prediction needs */
    size_t n_inputs;
    char **features;        /* model input columns, in order */
    size_t n_features;
} mc_pipeline;

/* Frees a pipeline and everything it holds; NULL is fine. */
void mc_pipeline_free(mc_pipeline *p);

/* Whether a spec step has statistics to fit (the split happens before the first). */
int mc_step_is_fitted(int type);

/* Fits spec step `s` on `train` (appending to p->steps), then applies it to
 * *train in place. `spec` gives error locations. */
int mc_pipeline_fit_step(mc_pipeline *p, const mc_spec *spec, const mc_step *s, size_t index,
                         mc_table *train);
/* The privacy transforms (hash, mask, generalize) of mc_pipeline_privacy.c:
 * fitting resolves the columns and, for hash, reads the key from the
 * environment (MC_EINPUT naming the variable when it is unset or empty);
 * applying replaces the values in place. */
#define MC_HASH_KEY_CHECK "modelcert/v1 hash key check"
int mc_pipeline_fit_privacy(mc_fitted_step *f, const mc_step *s, const mc_table *train);
int mc_pipeline_apply_privacy(const mc_fitted_step *f, mc_table *t);
/* Whether the column of step s must be read as text: hash, mask, prefix and date generalize. */
int mc_step_reads_text(const mc_step *s);

/* Applies fitted steps [first, last) to t in place. */
int mc_pipeline_apply_range(const mc_pipeline *p, mc_table *t, size_t first, size_t last);
/* After fitting: records the feature columns of the fitted table and the
 * raw input columns prediction needs. */
int mc_pipeline_finish(mc_pipeline *p, const mc_table *fitted, const mc_table *raw);
/* x[n][n_features] from a fully transformed table; every feature must be
 * numeric and present. */
int mc_pipeline_matrix(float **x, const mc_pipeline *p, const mc_table *t, const char *what);

/* Lineage: input_of[j] (n_features entries) is the index in p->inputs of the
 * raw column feature j is computed from. *separable is 0, and input_of
 * unspecified, when a feature depends on several raw columns (L2 over rows)
 * or a step after the split can drop rows by their values (dropna). */
int mc_pipeline_lineage(long *input_of, int *separable, const mc_pipeline *p);
/* The same for explanations (mc_explain.h), where a dropna step anywhere is fine: it removes
 * rows (which then get no explanation), it does not mix columns. */
int mc_pipeline_feature_lineage(long *input_of, int *separable, const mc_pipeline *p);

/* The fitted pipeline as the model header stores it (docs/formats.md), and
 * back. Reading checks every field's type and range: MC_EINPUT
 * "preprocessing: <what>" for anything the engine could not have written.
 * The caller owns *out. */
int mc_pipeline_to_json(json_t **out, const mc_pipeline *p);
int mc_pipeline_from_json(mc_pipeline **out, const json_t *j);

#endif
