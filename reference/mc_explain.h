/* Per-row explanations (docs/explanations.md): how much each raw column a row was given
 * moved the model's output away from a baseline. Attributions are computed on the network's
 * inputs (the features after the stored preprocessing) and summed back to the raw column
 * each feature comes from (mc_pipeline_lineage), so a one-hot column's categories make one
 * attribution. Standardize, min-max and L2 column scaling are affine per column, so a
 * straight path in the features is a straight path in the raw column and the chain rule
 * through them is exact.
 *
 * Methods:
 *   ig                Integrated Gradients from a baseline (the background rows' mean
 *                     features, or one stated row): the path cut at the kinks of its
 *                     piecewise-linear hidden layers (relu), 4-point Gauss-Legendre on each
 *                     piece, the pieces halved until the completeness gap |sum of
 *                     attributions - (f(x) - f(baseline))| is at most
 *                     tolerance * max(1, |f(x)|, |f(baseline)|), or the gradients would
 *                     exceed max_steps;
 *   shapley           exact interventional Shapley values over the background rows: every
 *                     coalition of raw columns (2^M of them, M <= MC_EXPLAIN_EXACT_MAX);
 *   shapley-sampling  the permutation-sampling estimate of the same, with its standard
 *                     error (seeded: Philox, the row's number as sub-stream).
 * The network is evaluated in double precision (mc_nn_grad.h) on its float32 weights. */
#ifndef MC_EXPLAIN_H
#define MC_EXPLAIN_H

#include <stddef.h>
#include <stdint.h>

#include "mc_artifact.h"
#include "mc_enum.h"

#define MC_EXPLAIN_METHOD_LIST(X)                     \
    X(MC_EXPLAIN_IG, "ig")                            \
    X(MC_EXPLAIN_SHAPLEY, "shapley")                  \
    X(MC_EXPLAIN_SHAPLEY_SAMPLING, "shapley-sampling")
MC_ENUM(mc_explain_method, MC_EXPLAIN_METHOD_LIST, MC_EXPLAIN_METHOD_COUNT, mc_names_explain_method);

#define MC_EXPLAIN_EXACT_MAX 16          /* raw columns for exact Shapley values */
#define MC_EXPLAIN_MAX_STEPS (1 << 16)   /* the largest grid Integrated Gradients may use */
#define MC_EXPLAIN_MAX_BACKGROUND 100000 /* rows of a background sample */
#define MC_EXPLAIN_MAX_PERMUTATIONS 100000
#define MC_EXPLAIN_MAX_KINKS 65536       /* ig: kinks of a path beyond these are not sought */

typedef struct mc_explain_options {
    int method;             /* mc_explain_method */
    double tolerance;       /* ig: relative completeness tolerance (> 0) */
    int min_steps, max_steps; /* ig: at least and at most this many gradients per row */
    size_t background_size; /* shapley: rows of the background sample (spread evenly) */
    int permutations;       /* shapley-sampling */
    uint64_t seed;          /* shapley-sampling */
    size_t baseline_row;    /* ig: 0, the background's mean; N, its data row N (1-based) */
} mc_explain_options;

/* Defaults: ig, tolerance 1e-6, 16 to 65536 gradients, 100 background rows, 256
 * permutations. */
void mc_explain_options_default(mc_explain_options *o);

typedef struct mc_explainer mc_explainer;

/* One row's explanation; attr and se have one entry per raw column (m->pipeline->inputs). */
typedef struct mc_explanation {
    int unit;              /* the output explained: the predicted class of a multiclass model */
    double prediction;     /* f(x) */
    double baseline;       /* f(baseline) (ig) or the background's mean output (shapley) */
    double gap;            /* |sum(attr) - (prediction - baseline)| */
    int steps;             /* ig: the gradients the quadrature used */
    int converged;         /* ig: the gap met the tolerance; shapley: 1 */
    double *attr, *se;     /* se: shapley-sampling only */
} mc_explanation;

/* An explainer for model m (kept by the caller) with background rows bg[n_bg][d] in
 * feature space (n_bg >= 1; copied) and, for ig, the baseline z0[d] (copied). MC_EINPUT when
 * attributions per raw column are not defined for the model's preprocessing (an L2 over
 * rows mixes columns) or exact Shapley values are asked for more than
 * MC_EXPLAIN_EXACT_MAX raw columns; MC_ENOMEM. */
int mc_explainer_create(mc_explainer **out, const mc_model *m, const double *bg, size_t n_bg,
                        const double *z0, const mc_explain_options *o);
void mc_explainer_free(mc_explainer *e);
/* Raw columns (the length of attr and se). */
size_t mc_explainer_columns(const mc_explainer *e);
/* Explains one row of features z[d]; `row` (its 0-based data row) seeds the sampling.
 * out->attr (and out->se) must hold mc_explainer_columns entries. MC_EINPUT when the
 * network's output is not finite for the row (the caller names the row). */
int mc_explainer_row(mc_explainer *e, const double *z, size_t row, mc_explanation *out);

#endif
