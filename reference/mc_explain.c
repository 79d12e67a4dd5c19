/* Per-row attributions (mc_explain.h): Integrated Gradients with a grid doubled until the
 * completeness gap meets the tolerance, exact interventional Shapley values over every
 * coalition of raw columns, and their permutation-sampling estimate with standard errors.
 * All three work on feature rows and group features by the raw column they come from; the
 * network runs in double precision (mc_nn_grad.c). */
#include "mc_explain.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mc_error.h"
#include "mc_nn_grad.h"
#include "mc_rng.h"

MC_ENUM_NAMES(MC_EXPLAIN_METHOD_LIST, mc_names_explain_method);

#define CAP 256 /* rows per network batch */

struct mc_explainer {
    const mc_model *m;
    const mc_nn *nn;
    mc_explain_options o;
    int d, M;
    long *input_of;  /* [d] the raw column of each feature */
    double *z0;      /* [d] the ig baseline */
    double *bg;      /* [n_bg][d] */
    size_t n_bg;
    mc_nn64_work *w;
    double *pts, *grad, *acc, *delta; /* [CAP][d], [CAP][d], [d], [d] */
    int *unit;       /* [CAP] */
    double *wt;      /* [CAP] quadrature weights */
    double *bp;      /* [MC_EXPLAIN_MAX_KINKS] ig: the path's kinks */
    size_t n_bp;
    double *v;       /* shapley: [2^M] coalition values */
    double *sq;      /* shapley-sampling: [M] sums of squared contributions */
    uint32_t *perm;  /* [M] */
};

void mc_explain_options_default(mc_explain_options *o)
{
    memset(o, 0, sizeof *o);
    o->method = MC_EXPLAIN_IG;
    o->tolerance = 1e-6;
    o->min_steps = 16;
    o->max_steps = 65536;
    o->background_size = 100;
    o->permutations = 256;
}

void mc_explainer_free(mc_explainer *e)
{
    if (!e)
        return;
    free(e->input_of);
    free(e->z0);
    free(e->bg);
    mc_nn64_work_free(e->w);
    free(e->pts);
    free(e->grad);
    free(e->acc);
    free(e->delta);
    free(e->unit);
    free(e->wt);
    free(e->bp);
    free(e->v);
    free(e->sq);
    free(e->perm);
    free(e);
}

size_t mc_explainer_columns(const mc_explainer *e)
{
    return (size_t)e->M;
}

static int lineage(mc_explainer *e)
{
    int separable = 0;
    int rc = mc_pipeline_feature_lineage(e->input_of, &separable, e->m->pipeline);
    if (rc == MC_OK && !separable)
        rc = mc_error_set(MC_EINPUT, "explain: the model's preprocessing mixes raw columns (an "
                                     "l2_normalize over rows): attributions per raw column are "
                                     "not defined for it");
    return rc;
}

int mc_explainer_create(mc_explainer **out, const mc_model *m, const double *bg, size_t n_bg,
                        const double *z0, const mc_explain_options *o)
{
    mc_explainer *e = calloc(1, sizeof *e);
    if (!e)
        return mc_error_nomem();
    e->m = m, e->nn = m->nn, e->o = *o, e->d = m->nn->in, e->n_bg = n_bg;
    e->M = (int)m->pipeline->n_inputs;
    size_t d = (size_t)e->d;
    int rc = MC_OK;
    if (o->method == MC_EXPLAIN_SHAPLEY && e->M > MC_EXPLAIN_EXACT_MAX)
        rc = mc_error_set(MC_EINPUT, "explain: exact Shapley values for %d raw columns would "
                          "take 2^%d coalitions; at most %d columns (use --method "
                          "shapley-sampling)", e->M, e->M, MC_EXPLAIN_EXACT_MAX);
    else if (m->pipeline->n_features != d || n_bg == 0)
        rc = mc_error_set(MC_EINTERNAL, "explain: %zu features for a network of %zu inputs, "
                          "%zu background rows", m->pipeline->n_features, d, n_bg);
    else if (!(e->input_of = calloc(d + 1, sizeof *e->input_of)) ||
             !(e->z0 = calloc(d + 1, sizeof *e->z0)) ||
             !(e->bg = malloc(n_bg * d * sizeof *e->bg + 1)) ||
             !(e->pts = malloc(CAP * d * sizeof *e->pts + 1)) ||
             !(e->grad = malloc(CAP * d * sizeof *e->grad + 1)) ||
             !(e->acc = malloc(d * sizeof *e->acc + 1)) ||
             !(e->delta = malloc(d * sizeof *e->delta + 1)) ||
             !(e->unit = calloc(CAP, sizeof *e->unit)) ||
             !(e->wt = calloc(CAP, sizeof *e->wt)) ||
             !(e->bp = calloc(MC_EXPLAIN_MAX_KINKS, sizeof *e->bp)) ||
             !(e->sq = calloc((size_t)e->M + 1, sizeof *e->sq)) ||
             !(e->perm = calloc((size_t)e->M + 1, sizeof *e->perm)) ||
             (o->method == MC_EXPLAIN_SHAPLEY &&
              !(e->v = malloc(((size_t)1 << e->M) * sizeof *e->v))))
        rc = mc_error_nomem();
    if (rc == MC_OK)
        rc = mc_nn64_work_create(&e->w, m->nn, CAP);
    if (rc == MC_OK)
        rc = lineage(e);
    if (rc) {
        mc_explainer_free(e);
        return rc;
    }
    memcpy(e->bg, bg, n_bg * d * sizeof *bg);
    if (z0)
        memcpy(e->z0, z0, d * sizeof *z0);
    *out = e;
    return MC_OK;
}

/* f(z) at output `unit`; *unit = the output explained (the predicted class of a multiclass
 * model) when it is negative. */
static int output_at(mc_explainer *e, const double *z, int *unit, double *f)
{
    const double *y = mc_nn64_forward(e->nn, e->w, z, 1);
    if (*unit < 0) {
        *unit = 0;
        for (int k = 1; e->m->task == MC_TASK_MULTICLASS && k < e->nn->out; k++)
            *unit = y[k] > y[*unit] ? k : *unit;
    }
    *f = y[*unit];
    return isfinite(*f) ? MC_OK
                        : mc_error_set(MC_EINPUT, "the model's output is not a finite number");
}

/* ---- Integrated Gradients ------------------------------------------------ */

/* Along the path z0 + a delta, a network whose hidden layers are piecewise linear (relu,
 * leaky_relu, linear) is smooth between the points where a hidden unit's pre-activation
 * crosses zero. Those points are found layer by layer: a layer's pre-activations are linear
 * between the kinks of the layers before it, so each crossing is where a line meets zero.
 * Gauss-Legendre on the smooth pieces then converges fast; a grid on the whole path would
 * converge as 1/n only, its integrand jumping at every kink. */

static const double gl_node[4] = {-0.86113631159405258, -0.33998104358485626,
                                  0.33998104358485626, 0.86113631159405258};
static const double gl_weight[4] = {0.34785484513745386, 0.65214515486254614,
                                    0.65214515486254614, 0.34785484513745386};

static int piecewise_linear(mc_activation a)
{
    return a == MC_ACT_RELU || a == MC_ACT_LEAKY_RELU || a == MC_ACT_LINEAR;
}

/* Buffers a path point with its quadrature weight; acc += weight * gradient when full. */
static void flush_points(mc_explainer *e, int B)
{
    size_t d = (size_t)e->d;
    if (!B)
        return;
    mc_nn64_forward(e->nn, e->w, e->pts, B);
    mc_nn64_input_grad(e->nn, e->w, e->grad, e->unit, B);
    for (int b = 0; b < B; b++)
        for (size_t j = 0; j < d; j++)
            e->acc[j] += e->wt[b] * e->grad[(size_t)b * d + j];
}

static void add_point(mc_explainer *e, int *B, int unit, double a, double weight)
{
    double *p = e->pts + (size_t)*B * (size_t)e->d;
    for (int j = 0; j < e->d; j++)
        p[j] = e->z0[j] + a * e->delta[j];
    e->unit[*B] = unit, e->wt[*B] = weight;
    if (++*B == CAP) {
        flush_points(e, CAP);
        *B = 0;
    }
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The kinks of dense layer l between consecutive points of e->bp, appended to e->bp. */
static void layer_kinks(mc_explainer *e, int l)
{
    int width = e->nn->layers[l].out;
    size_t n = e->n_bp, d = (size_t)e->d;
    for (size_t i0 = 0; i0 < n; i0 += CAP - 1) { /* batches overlap by one point */
        int B = (int)(n - i0 < CAP ? n - i0 : CAP);
        for (int b = 0; b < B; b++)
            for (size_t j = 0; j < d; j++)
                e->pts[(size_t)b * d + j] = e->z0[j] + e->bp[i0 + (size_t)b] * e->delta[j];
        mc_nn64_forward(e->nn, e->w, e->pts, B);
        const double *pre = e->w->pre[l];
        for (int b = 1; b < B; b++) {
            double a0 = e->bp[i0 + (size_t)b - 1], a1 = e->bp[i0 + (size_t)b];
            for (int u = 0; u < width; u++) {
                double p0 = pre[(size_t)(b - 1) * (size_t)width + (size_t)u];
                double p1 = pre[(size_t)b * (size_t)width + (size_t)u];
                if (((p0 < 0.0 && p1 > 0.0) || (p0 > 0.0 && p1 < 0.0)) &&
                    e->n_bp < MC_EXPLAIN_MAX_KINKS)
                    e->bp[e->n_bp++] = a0 + (a1 - a0) * (p0 / (p0 - p1));
            }
        }
        if (B < CAP)
            break;
    }
    qsort(e->bp, e->n_bp, sizeof *e->bp, cmp_double);
}

/* e->bp: 0, the kinks of the piecewise-linear hidden layers on the path, 1. */
static void path_kinks(mc_explainer *e)
{
    e->bp[0] = 0.0, e->bp[1] = 1.0, e->n_bp = 2;
    int last = e->nn->n_layers - 1;
    while (last >= 0 && e->nn->layers[last].kind != MC_LAYER_DENSE)
        last--;
    for (int l = 0; l < last; l++) {
        const mc_nn_layer *L = &e->nn->layers[l];
        if (L->kind != MC_LAYER_DENSE)
            continue;
        if (!piecewise_linear(L->act))
            break; /* later kinks are not where lines meet zero: the doubling copes */
        if (L->act != MC_ACT_LINEAR)
            layer_kinks(e, l);
    }
}

/* The attributions with each piece of the path cut into k equal parts, 4-point
 * Gauss-Legendre on each; returns the completeness gap. */
static double ig_quadrature(mc_explainer *e, int unit, int k, mc_explanation *out)
{
    int B = 0;
    memset(e->acc, 0, (size_t)e->d * sizeof *e->acc);
    for (size_t i = 0; i + 1 < e->n_bp; i++) {
        double a0 = e->bp[i], h = (e->bp[i + 1] - a0) / k;
        for (int s = 0; h > 0.0 && s < k; s++)
            for (int g = 0; g < 4; g++)
                add_point(e, &B, unit, a0 + h * (s + 0.5 + 0.5 * gl_node[g]), 0.5 * h * gl_weight[g]);
    }
    flush_points(e, B);
    memset(out->attr, 0, (size_t)e->M * sizeof *out->attr);
    double sum = 0.0;
    for (int j = 0; j < e->d; j++) {
        double a = e->delta[j] * e->acc[j];
        out->attr[e->input_of[j]] += a;
        sum += a;
    }
    return fabs(sum - (out->prediction - out->baseline));
}

static int ig_row(mc_explainer *e, const double *z, mc_explanation *out)
{
    int unit = -1, rc = output_at(e, z, &unit, &out->prediction);
    if (rc == MC_OK)
        rc = output_at(e, e->z0, &unit, &out->baseline);
    if (rc)
        return rc;
    out->unit = unit;
    for (int j = 0; j < e->d; j++)
        e->delta[j] = z[j] - e->z0[j];
    path_kinks(e);
    double scale = fmax(1.0, fmax(fabs(out->prediction), fabs(out->baseline)));
    size_t pieces = e->n_bp - 1;
    int k = 1;
    while (k < e->o.min_steps && (size_t)k * pieces * 4 < (size_t)e->o.min_steps)
        k *= 2;
    double gap = ig_quadrature(e, unit, k, out);
    while (!(gap <= e->o.tolerance * scale) && (size_t)k * 2 * pieces * 4 <= (size_t)e->o.max_steps) {
        k *= 2;
        gap = ig_quadrature(e, unit, k, out);
    }
    if (!isfinite(gap))
        return mc_error_set(MC_EINPUT, "the model's gradient is not a finite number");
    out->gap = gap, out->converged = gap <= e->o.tolerance * scale;
    out->steps = (int)((size_t)k * pieces * 4 > INT32_MAX ? INT32_MAX : (size_t)k * pieces * 4);
    return MC_OK;
}

/* ---- Shapley values ------------------------------------------------------ */

/* v(S): the mean output over the background rows with the columns of S taken from z. */
static double coalition_value(mc_explainer *e, const double *z, uint32_t S, int unit)
{
    size_t d = (size_t)e->d;
    double sum = 0.0;
    for (size_t b0 = 0; b0 < e->n_bg; b0 += CAP) {
        int B = (int)(e->n_bg - b0 < CAP ? e->n_bg - b0 : CAP);
        for (int b = 0; b < B; b++) {
            const double *g = e->bg + (b0 + (size_t)b) * d;
            double *p = e->pts + (size_t)b * d;
            for (size_t j = 0; j < d; j++)
                p[j] = (S >> e->input_of[j]) & 1u ? z[j] : g[j];
        }
        const double *y = mc_nn64_forward(e->nn, e->w, e->pts, B);
        for (int b = 0; b < B; b++)
            sum += y[(size_t)b * (size_t)e->nn->out + (size_t)unit];
    }
    return sum / (double)e->n_bg;
}

static void shapley_exact(mc_explainer *e, const double *z, int unit, mc_explanation *out)
{
    int M = e->M;
    uint32_t full = (uint32_t)(((uint64_t)1 << M) - 1);
    for (uint32_t S = 0; S <= full; S++)
        e->v[S] = coalition_value(e, z, S, unit);
    /* weight(s) = s! (M-s-1)! / M! = 1 / (M * C(M-1, s)) */
    double weight[MC_EXPLAIN_EXACT_MAX + 1], c = 1.0;
    for (int s = 0; s < M; s++) {
        weight[s] = 1.0 / ((double)M * c);
        c = c * (double)(M - 1 - s) / (double)(s + 1);
    }
    for (int i = 0; i < M; i++) {
        double phi = 0.0;
        uint32_t bit = (uint32_t)1 << i;
        for (uint32_t S = 0; S <= full; S++)
            if (!(S & bit))
                phi += weight[__builtin_popcount(S)] * (e->v[S | bit] - e->v[S]);
        out->attr[i] = phi;
    }
    out->prediction = e->v[full];
    out->baseline = e->v[0];
}

static void shapley_sampling(mc_explainer *e, const double *z, size_t row, int unit,
                             mc_explanation *out)
{
    int M = e->M, K = e->o.permutations;
    uint32_t full = (uint32_t)(((uint64_t)1 << M) - 1);
    mc_rng rng;
    mc_rng_init(&rng, e->o.seed, MC_STREAM_EXPLAIN, (uint64_t)row);
    memset(out->attr, 0, (size_t)M * sizeof *out->attr);
    memset(e->sq, 0, (size_t)M * sizeof *e->sq);
    double v0 = coalition_value(e, z, 0, unit);
    for (int k = 0; k < K; k++) {
        for (int i = 0; i < M; i++)
            e->perm[i] = (uint32_t)i;
        mc_rng_shuffle(&rng, e->perm, (uint32_t)M);
        uint32_t S = 0;
        double prev = v0;
        for (int i = 0; i < M; i++) {
            S |= (uint32_t)1 << e->perm[i];
            double v = S == full ? out->prediction : coalition_value(e, z, S, unit);
            double c = v - prev, dev = c - out->attr[e->perm[i]]; /* Welford's update */
            out->attr[e->perm[i]] += dev / (k + 1);
            e->sq[e->perm[i]] += dev * (c - out->attr[e->perm[i]]);
            prev = v;
        }
    }
    for (int i = 0; i < M; i++)
        out->se[i] = K > 1 ? sqrt(e->sq[i] / (K - 1) / K) : 0.0;
    out->baseline = v0;
}

static int shapley_row(mc_explainer *e, const double *z, size_t row, mc_explanation *out)
{
    int unit = -1, rc = output_at(e, z, &unit, &out->prediction);
    if (rc)
        return rc;
    out->unit = unit;
    if (e->o.method == MC_EXPLAIN_SHAPLEY)
        shapley_exact(e, z, unit, out);
    else
        shapley_sampling(e, z, row, unit, out);
    double sum = 0.0;
    for (int i = 0; i < e->M; i++)
        sum += out->attr[i];
    out->gap = fabs(sum - (out->prediction - out->baseline));
    out->steps = 0, out->converged = 1;
    return isfinite(out->gap) ? MC_OK
                              : mc_error_set(MC_EINPUT, "the model's output is not a finite number");
}

int mc_explainer_row(mc_explainer *e, const double *z, size_t row, mc_explanation *out)
{
    if (e->o.method == MC_EXPLAIN_IG)
        return ig_row(e, z, out);
    return shapley_row(e, z, row, out);
}
