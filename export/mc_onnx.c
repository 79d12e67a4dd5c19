/* ONNX export (mc_onnx.h, docs/onnx.md): the fitted pipeline and the network
 * of a model artifact as one graph.
 *
 * The preprocessing is replayed symbolically: each live column of the table
 * is a graph value of shape [N,1] (double for numeric columns, string for
 * categorical ones), and each fitted step rewrites the columns it touches
 * with the same double operations, in the same order, as mc_pipeline_apply.c,
 * so the features reach the network with the bits `predict` gives them. Rows
 * that `predict` would drop or refuse are collected in one boolean [N,1]
 * ("invalid") that turns their outputs into NaN. */
#include "mc_onnx.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_arena.h"
#include "mc_error.h"
#include "mc_file.h"
#include "mc_json.h"
#include "mc_onnx_graph.h"
#include "mc_run_dir.h"

#ifndef MC_VERSION
#define MC_VERSION "0"
#endif

typedef struct xcol {
    const char *name;
    const char *val;  /* the graph value holding the column, [N,1] */
    int cat;          /* string column */
    const char *fill; /* categorical: the fill_missing value for missing cells, or NULL */
} xcol;

typedef struct xstate {
    mc_onnx_graph *g;
    mc_arena *arena; /* column names made here (one-hot) */
    const mc_model *m;
    xcol *cols;
    size_t n, cap;
    const char *invalid; /* bool [N,1], or NULL while no row can be invalid */
} xstate;

static long find_col(const xstate *st, const char *name)
{
    for (size_t i = 0; i < st->n; i++)
        if (strcmp(st->cols[i].name, name) == 0)
            return (long)i;
    return -1;
}

static int add_col(xstate *st, const char *name, const char *val, int cat)
{
    if (!val || !name)
        return mc_onnx_graph_status(st->g) ? mc_onnx_graph_status(st->g) : mc_error_nomem();
    if (st->n == st->cap) {
        size_t cap = st->cap ? st->cap * 2 : 16;
        xcol *c = realloc(st->cols, cap * sizeof *c);
        if (!c)
            return mc_error_nomem();
        st->cols = c;
        st->cap = cap;
    }
    st->cols[st->n++] = (xcol){name, val, cat, NULL};
    return MC_OK;
}

static void remove_col(xstate *st, size_t i)
{
    memmove(&st->cols[i], &st->cols[i + 1], (st->n - i - 1) * sizeof *st->cols);
    st->n--;
}

static void mark_invalid(xstate *st, const char *bad)
{
    st->invalid = st->invalid ? mc_onnx_op2(st->g, "Or", st->invalid, bad) : bad;
}

static int step_error(size_t s, int type, const char *why)
{
    return mc_error_set(MC_EINPUT, "preprocessing step %zu (%s) cannot be exported to ONNX: %s",
                        s + 1, mc_names_step[type], why);
}

/* *out: the index of the column a step needs (numeric, when `numeric`). */
static int need_col(size_t *out, const xstate *st, size_t s, int type, const char *name,
                    int numeric)
{
    long c = find_col(st, name);
    if (c < 0)
        return mc_error_set(MC_EINPUT, "preprocessing step %zu (%s): column '%s' is missing",
                            s + 1, mc_names_step[type], name);
    if (numeric && st->cols[c].cat)
        return mc_error_set(MC_EINPUT, "preprocessing step %zu (%s): column '%s' is not numeric",
                            s + 1, mc_names_step[type], name);
    *out = (size_t)c;
    return MC_OK;
}

/* *out: bool [N,1], whether the string cell is one of the model's missing-value markers
 * (NULL: none are defined, nothing is missing). MC_ENOMEM, or the graph's error. */
static int cat_missing(const char **out, xstate *st, const char *val)
{
    const mc_model *m = st->m;
    *out = NULL;
    if (m->n_missing_values == 0)
        return MC_OK;
    int64_t *ones = malloc(m->n_missing_values * sizeof *ones);
    if (!ones)
        return mc_error_nomem();
    for (size_t i = 0; i < m->n_missing_values; i++)
        ones[i] = 1;
    mc_onnx_attr *a[3] = {
        mc_onnx_attr_strings(st->g, "keys_strings", (const char *const *)m->missing_values,
                             m->n_missing_values),
        mc_onnx_attr_ints(st->g, "values_int64s", ones, m->n_missing_values),
        mc_onnx_attr_int(st->g, "default_int64", 0)};
    free(ones);
    const char *hit = mc_onnx_node(st->g, "LabelEncoder", "ai.onnx.ml", &val, 1, a, 3, 1, NULL, NULL);
    *out = mc_onnx_cast(st->g, hit, MC_ONNX_BOOL);
    return mc_onnx_graph_status(st->g);
}

static int onehot_numeric(xstate *st, const mc_fitted_step *f, const mc_fitted_col *fc,
                          size_t s, const char *val, const char **vals)
{
    const char *any = NULL;
    for (size_t j = 0; j < fc->n_cats; j++) {
        char *end = NULL;
        double c = strtod(fc->cats[j], &end);
        if (!end || *end || end == fc->cats[j] || !isfinite(c))
            return mc_error_set(MC_EINPUT, "preprocessing step %zu (one_hot): column '%s' is numeric "
                                "but its category '%.64s' is not a number", s + 1, fc->name, fc->cats[j]);
        const char *eq = mc_onnx_op2(st->g, "Equal", val, mc_onnx_const_double(st->g, c));
        vals[j] = mc_onnx_cast(st->g, eq, MC_ONNX_DOUBLE);
        any = any ? mc_onnx_op2(st->g, "Or", any, eq) : eq;
    }
    if (f->handle_unknown == MC_UNKNOWN_ERROR)
        mark_invalid(st, mc_onnx_op1(st->g, "Not", any));
    return mc_onnx_graph_status(st->g);
}

/* The cell's category as an index (ai.onnx.ml LabelEncoder: category j -> j, a
 * missing-value marker -> the fill value's index when fill_missing gave one that is a
 * category, anything else -> k, "none"), then OneHot of depth k + 1 split into its columns,
 * the last ("none") left out: exact in float, and linear in the categories (a dense
 * (k + m) x k matrix took 1.6 GB for 20,000 categories). */
static int onehot_string(xstate *st, const mc_fitted_step *f, const mc_fitted_col *fc,
                         const char *fill, const char *val, const char **vals)
{
    const mc_model *m = st->m;
    size_t k = fc->n_cats, l = k + m->n_missing_values;
    const char **keys = malloc(l * sizeof *keys), **parts = malloc((k + 1) * sizeof *parts);
    int64_t *index = malloc(l * sizeof *index);
    int rc = keys && parts && index ? MC_OK : mc_error_nomem();
    if (rc)
        goto cleanup;
    int64_t fill_at = (int64_t)k;
    for (size_t j = 0; j < k; j++) {
        keys[j] = fc->cats[j];
        index[j] = (int64_t)j;
        if (fill && strcmp(fill, fc->cats[j]) == 0)
            fill_at = (int64_t)j;
    }
    for (size_t i = 0; i < m->n_missing_values; i++) {
        keys[k + i] = m->missing_values[i];
        index[k + i] = fill_at;
    }
    mc_onnx_attr *a[3] = {mc_onnx_attr_strings(st->g, "keys_strings", keys, l),
                          mc_onnx_attr_ints(st->g, "values_int64s", index, l),
                          mc_onnx_attr_int(st->g, "default_int64", (int64_t)k)};
    const char *code = mc_onnx_node(st->g, "LabelEncoder", "ai.onnx.ml", &val, 1, a, 3, 1, NULL,
                                    NULL);
    int64_t depth = (int64_t)k + 1, shape[2] = {0, (int64_t)k + 1}, two = 2;
    float off_on[2] = {0.0f, 1.0f};
    const char *in[3] = {code, mc_onnx_const_int64s(st->g, &depth, 1),
                         mc_onnx_const_floats(st->g, off_on, &two, 1)};
    const char *hot = mc_onnx_node(st->g, "OneHot", NULL, in, 3, NULL, 0, 1, NULL, NULL);
    const char *flat = mc_onnx_op2(st->g, "Reshape", hot, mc_onnx_const_int64s(st->g, shape, 2));
    mc_onnx_attr *axis = mc_onnx_attr_int(st->g, "axis", 1);
    mc_onnx_node(st->g, "Split", NULL, &flat, 1, &axis, 1, k + 1, parts, NULL);
    for (size_t j = 0; j < k; j++)
        vals[j] = mc_onnx_cast(st->g, parts[j], MC_ONNX_DOUBLE);
    if (f->handle_unknown == MC_UNKNOWN_ERROR) { /* no category: unknown, or missing unfilled */
        int64_t none = (int64_t)k;
        mark_invalid(st, mc_onnx_op2(st->g, "Equal", code, mc_onnx_const_int64s(st->g, &none, 1)));
    }
    rc = mc_onnx_graph_status(st->g);
cleanup:
    free(keys);
    free(parts);
    free(index);
    return rc;
}

static int step_one_hot(xstate *st, const mc_fitted_step *f, size_t s)
{
    for (size_t i = 0; i < f->n_cols; i++) {
        const mc_fitted_col *fc = &f->cols[i];
        size_t c = 0;
        int rc0 = need_col(&c, st, s, f->type, fc->name, 0);
        if (rc0)
            return rc0;
        xcol col = st->cols[c];
        const char **vals = calloc(fc->n_cats ? fc->n_cats : 1, sizeof *vals);
        int rc = vals ? MC_OK : mc_error_nomem();
        if (rc == MC_OK)
            rc = col.cat ? onehot_string(st, f, fc, col.fill, col.val, vals)
                         : onehot_numeric(st, f, fc, s, col.val, vals);
        if (rc == MC_OK)
            remove_col(st, c);
        for (size_t j = 0; rc == MC_OK && j < fc->n_cats; j++) {
            size_t len = strlen(fc->name) + strlen(fc->cats[j]) + 2;
            char *name = mc_arena_alloc(st->arena, len);
            if (name)
                snprintf(name, len, "%s=%s", fc->name, fc->cats[j]);
            rc = add_col(st, name, vals[j], 0);
        }
        free(vals);
        if (rc)
            return rc;
    }
    return MC_OK;
}

/* L2 over rows, as apply_numeric: the squares of the non-missing cells summed
 * in column order from 0, its square root; a zero norm leaves the row as is. */
static int step_l2_rows(xstate *st, const mc_fitted_step *f, size_t s)
{
    mc_onnx_graph *g = st->g;
    const char *sq = NULL, *zero = mc_onnx_const_double(g, 0.0);
    for (size_t i = 0; i < f->n_cols; i++) {
        long c = find_col(st, f->cols[i].name);
        if (c < 0)
            continue;
        if (st->cols[c].cat)
            return mc_error_set(MC_EINPUT, "preprocessing step %zu (l2_normalize): column '%s' is "
                                "not numeric", s + 1, f->cols[i].name);
        const char *v = st->cols[c].val;
        const char *in[3] = {mc_onnx_op1(g, "IsNaN", v), zero, mc_onnx_op2(g, "Mul", v, v)};
        const char *term = mc_onnx_node(g, "Where", NULL, in, 3, NULL, 0, 1, NULL, NULL);
        sq = sq ? mc_onnx_op2(g, "Add", sq, term) : term;
    }
    if (!sq)
        return mc_onnx_graph_status(g);
    const char *norm = mc_onnx_op1(g, "Sqrt", sq);
    const char *in[3] = {mc_onnx_op2(g, "Equal", norm, zero), mc_onnx_const_double(g, 1.0), norm};
    const char *safe = mc_onnx_node(g, "Where", NULL, in, 3, NULL, 0, 1, NULL, NULL);
    for (size_t i = 0; i < f->n_cols; i++) {
        long c = find_col(st, f->cols[i].name);
        if (c >= 0)
            st->cols[c].val = mc_onnx_op2(g, "Div", st->cols[c].val, safe);
    }
    return mc_onnx_graph_status(g);
}

static int step_numeric(xstate *st, const mc_fitted_step *f, size_t s)
{
    mc_onnx_graph *g = st->g;
    if (f->type == MC_STEP_L2_NORMALIZE && f->axis == MC_AXIS_ROWS)
        return step_l2_rows(st, f, s);
    double span = f->feature_max - f->feature_min;
    for (size_t i = 0; i < f->n_cols; i++) {
        const mc_fitted_col *fc = &f->cols[i];
        size_t c = 0;
        int rc = need_col(&c, st, s, f->type, fc->name, 1);
        if (rc)
            return rc;
        const char *v = st->cols[c].val;
        if (f->type == MC_STEP_STANDARDIZE) /* (v - mean) / std */
            v = mc_onnx_op2(g, "Div", mc_onnx_op2(g, "Sub", v, mc_onnx_const_double(g, fc->a)),
                            mc_onnx_const_double(g, fc->b));
        else if (f->type == MC_STEP_L2_NORMALIZE) /* v / norm */
            v = mc_onnx_op2(g, "Div", v, mc_onnx_const_double(g, fc->a));
        else { /* (v - min) / range * span + feature_min */
            v = mc_onnx_op2(g, "Div", mc_onnx_op2(g, "Sub", v, mc_onnx_const_double(g, fc->a)),
                            mc_onnx_const_double(g, fc->b));
            v = mc_onnx_op2(g, "Add", mc_onnx_op2(g, "Mul", v, mc_onnx_const_double(g, span)),
                            mc_onnx_const_double(g, f->feature_min));
        }
        st->cols[c].val = v;
    }
    return mc_onnx_graph_status(g);
}

static int step_fill(xstate *st, const mc_fitted_step *f, size_t s)
{
    mc_onnx_graph *g = st->g;
    for (size_t i = 0; i < f->n_cols; i++) {
        const mc_fitted_col *fc = &f->cols[i];
        size_t c = 0;
        int rc = need_col(&c, st, s, f->type, fc->name, 0);
        if (rc)
            return rc;
        xcol *col = &st->cols[c];
        if (col->cat) {
            if (!fc->text)
                return mc_error_set(MC_EINPUT, "preprocessing step %zu (fill_missing): column '%s' "
                                    "is categorical but its fill value is not text", s + 1, fc->name);
            if (!col->fill) /* a second fill finds nothing missing */
                col->fill = fc->text;
            continue;
        }
        const char *in[3] = {mc_onnx_op1(g, "IsNaN", col->val), mc_onnx_const_double(g, fc->a),
                             col->val};
        col->val = mc_onnx_node(g, "Where", NULL, in, 3, NULL, 0, 1, NULL, NULL);
    }
    return mc_onnx_graph_status(g);
}

static int step_select(xstate *st, const mc_fitted_step *f, int drop)
{
    for (size_t c = st->n; c-- > 0;) {
        int listed = 0;
        for (size_t i = 0; i < f->n_cols && !listed; i++)
            listed = strcmp(f->cols[i].name, st->cols[c].name) == 0;
        if (drop == listed)
            remove_col(st, c);
    }
    return MC_OK;
}

static int step_dropna(xstate *st, const mc_fitted_step *f)
{
    for (size_t i = 0; i < f->n_cols; i++) {
        long c = find_col(st, f->cols[i].name);
        if (c < 0)
            continue; /* the target */
        const xcol *col = &st->cols[c];
        if (!col->cat)
            mark_invalid(st, mc_onnx_op1(st->g, "IsNaN", col->val));
        else if (!col->fill) {
            const char *miss = NULL;
            int rc = cat_missing(&miss, st, col->val);
            if (rc)
                return rc;
            if (miss)
                mark_invalid(st, miss);
        }
    }
    return mc_onnx_graph_status(st->g);
}

static int export_steps(xstate *st)
{
    const mc_pipeline *p = st->m->pipeline;
    for (size_t s = 0; s < p->n_steps; s++) {
        const mc_fitted_step *f = &p->steps[s];
        int rc;
        switch (f->type) {
        case MC_STEP_DROPNA: rc = step_dropna(st, f); break;
        case MC_STEP_DROP_COLUMNS: rc = step_select(st, f, 1); break;
        case MC_STEP_SELECT_COLUMNS: rc = step_select(st, f, 0); break;
        case MC_STEP_FILL_MISSING: rc = step_fill(st, f, s); break;
        case MC_STEP_ONE_HOT: rc = step_one_hot(st, f, s); break;
        case MC_STEP_L2_NORMALIZE:
        case MC_STEP_STANDARDIZE:
        case MC_STEP_MIN_MAX: rc = step_numeric(st, f, s); break;
        case MC_STEP_HASH:
            rc = step_error(s, f->type, "a keyed hash needs its key, which must not be in a "
                                        "deployed file; hash the column before the model instead");
            break;
        default:
            rc = f->type >= 0 && f->type < MC_STEP_COUNT
                     ? step_error(s, f->type, "the graph has no exact equivalent of this step")
                     : mc_error_set(MC_EINPUT, "preprocessing step %zu has an unknown type", s + 1);
        }
        if (rc)
            return rc;
    }
    return MC_OK;
}

/* X [N,d] float from the feature columns; rows with a missing feature or one
 * beyond float32 (predict refuses both) are marked invalid. */
static int export_features(const char **out, xstate *st)
{
    const mc_pipeline *p = st->m->pipeline;
    mc_onnx_graph *g = st->g;
    const char **vals = calloc(p->n_features ? p->n_features : 1, sizeof *vals);
    if (!vals)
        return mc_error_nomem();
    int rc = MC_OK;
    for (size_t j = 0; j < p->n_features; j++) {
        long c = find_col(st, p->features[j]);
        if (c < 0 || st->cols[c].cat) {
            rc = mc_error_set(MC_EINPUT, "feature '%s' is %s after the preprocessing",
                              p->features[j], c < 0 ? "not produced" : "not numeric");
            goto cleanup;
        }
        vals[j] = st->cols[c].val;
    }
    mc_onnx_attr *axis = mc_onnx_attr_int(g, "axis", 1);
    const char *xd = mc_onnx_node(g, "Concat", NULL, vals, p->n_features, &axis, 1, 1, NULL, NULL);
    const char *x = mc_onnx_cast(g, xd, MC_ONNX_FLOAT);
    const char *bad = mc_onnx_op2(g, "Or", mc_onnx_op1(g, "IsNaN", x), mc_onnx_op1(g, "IsInf", x));
    int64_t one = 1;
    mc_onnx_attr *ra[2] = {mc_onnx_attr_ints(g, "axes", &one, 1), mc_onnx_attr_int(g, "keepdims", 1)};
    const char *badf = mc_onnx_cast(g, bad, MC_ONNX_FLOAT);
    const char *any = mc_onnx_node(g, "ReduceMax", NULL, &badf, 1, ra, 2, 1, NULL, NULL);
    mark_invalid(st, mc_onnx_op2(g, "Greater", any, mc_onnx_const_float(g, 0.0f)));
    if (!(rc = mc_onnx_graph_status(g)))
        *out = x;
cleanup:
    free(vals);
    return rc;
}

/* The network: Gemm per dense layer (W [in][out] row-major, as stored), its
 * activation; dropout is the identity at inference. */
static int export_network(const char **out, xstate *st, const char *x)
{
    const mc_nn *nn = st->m->nn;
    mc_onnx_graph *g = st->g;
    const char *h = x;
    for (int l = 0; l < nn->n_layers; l++) {
        const mc_nn_layer *L = &nn->layers[l];
        if (L->kind != MC_LAYER_DENSE)
            continue;
        int64_t wd[2] = {L->in, L->out}, bd = L->out;
        const char *in[3] = {h, mc_onnx_const_floats(g, nn->params + L->w_off, wd, 2),
                             mc_onnx_const_floats(g, nn->params + L->b_off, &bd, 1)};
        h = mc_onnx_node(g, "Gemm", NULL, in, 3, NULL, 0, 1, NULL, NULL);
        switch (L->act) {
        case MC_ACT_RELU: h = mc_onnx_op1(g, "Relu", h); break;
        case MC_ACT_SIGMOID: h = mc_onnx_op1(g, "Sigmoid", h); break;
        case MC_ACT_TANH: h = mc_onnx_op1(g, "Tanh", h); break;
        case MC_ACT_LINEAR: break;
        case MC_ACT_SOFTMAX: {
            mc_onnx_attr *axis = mc_onnx_attr_int(g, "axis", 1);
            h = mc_onnx_node(g, "Softmax", NULL, &h, 1, &axis, 1, 1, NULL, NULL);
            break;
        }
        case MC_ACT_LEAKY_RELU: {
            mc_onnx_attr *alpha = mc_onnx_attr_float(g, "alpha", L->slope);
            h = mc_onnx_node(g, "LeakyRelu", NULL, &h, 1, &alpha, 1, 1, NULL, NULL);
            break;
        }
        default: return mc_error_set(MC_EINPUT, "layer %d: an activation the export does not know", l);
        }
    }
    int rc = mc_onnx_graph_status(g);
    if (rc == MC_OK)
        *out = h;
    return rc;
}

static const char *output_name(const mc_model *m)
{
    return m->task == MC_TASK_REGRESSION ? "prediction" : "probabilities";
}

static int export_metadata(mc_onnx_graph *g, const mc_model *m)
{
    json_t *classes = json_array(), *missing = json_array();
    char *cls = NULL, *mis = NULL, num[32];
    size_t len;
    int rc = classes && missing ? MC_OK : mc_error_nomem();
    for (int k = 0; rc == MC_OK && m->task != MC_TASK_REGRESSION && k < m->n_classes; k++)
        rc = mc_json_append(classes, json_string(m->classes[k]));
    for (size_t i = 0; rc == MC_OK && i < m->n_missing_values; i++)
        rc = mc_json_append(missing, json_string(m->missing_values[i]));
    if (rc == MC_OK)
        rc = mc_json_canonical(&cls, &len, classes);
    if (rc == MC_OK)
        rc = mc_json_canonical(&mis, &len, missing);
    if (rc)
        goto cleanup;
    mc_onnx_metadata(g, "modelcert.model_digest", m->digest);
    mc_onnx_metadata(g, "modelcert.task", mc_names_task[m->task]);
    mc_onnx_metadata(g, "modelcert.target", m->pipeline->target);
    mc_onnx_metadata(g, "modelcert.output", output_name(m));
    mc_onnx_metadata(g, "modelcert.classes", cls);
    mc_onnx_metadata(g, "modelcert.missing_values", mis);
    if (m->task == MC_TASK_BINARY && (rc = mc_json_format_number(num, m->decision_threshold)))
        goto cleanup;
    if (m->task == MC_TASK_BINARY)
        mc_onnx_metadata(g, "modelcert.decision_threshold", num);
    const char *keys[2] = {"spec_digest", "data_digest"};
    for (int i = 0; i < 2; i++) {
        const char *v = json_string_value(json_object_get(m->header, keys[i]));
        char key[64];
        snprintf(key, sizeof key, "modelcert.%s", keys[i]);
        if (v)
            mc_onnx_metadata(g, key, v);
    }
    rc = mc_onnx_graph_status(g);
cleanup:
    json_decref(classes);
    json_decref(missing);
    free(cls);
    free(mis);
    return rc;
}

static const char graph_doc[] =
    "A modelcert model: its fitted preprocessing and network, from the raw columns to what "
    "`modelcert predict` prints. One input per raw column, shape [N,1]: double for a numeric "
    "column (NaN for a missing cell), string for a categorical one (the cell's text; the "
    "model's missing-value markers mean missing). A row that predict would drop or refuse "
    "gets NaN outputs. See docs/onnx.md.";

int mc_onnx_encode(unsigned char **out, size_t *len, const mc_model *m)
{
    xstate st = {0};
    st.m = m;
    const mc_pipeline *p = m->pipeline;
    const char *oname = output_name(m);
    int rc = mc_onnx_graph_create(&st.g);
    if (rc == MC_OK)
        rc = mc_arena_create(&st.arena);
    for (size_t i = 0; rc == MC_OK && i < p->n_inputs; i++) {
        const char *name = p->inputs[i].name;
        if (strncmp(name, "mc/", 3) == 0 || strcmp(name, oname) == 0) {
            rc = mc_error_set(MC_EINPUT, "input column '%s' cannot be an ONNX input name: the "
                              "graph uses it (rename the column)", name);
            break;
        }
        int cat = p->inputs[i].categorical;
        mc_onnx_input(st.g, name, cat ? MC_ONNX_STRING : MC_ONNX_DOUBLE, 1);
        rc = add_col(&st, name, name, cat);
    }
    if (rc == MC_OK)
        rc = export_steps(&st);
    const char *x = NULL, *y = NULL;
    if (rc == MC_OK)
        rc = export_features(&x, &st);
    if (rc == MC_OK)
        rc = export_network(&y, &st, x);
    if (rc == MC_OK) {
        if (st.invalid) {
            const char *in[3] = {st.invalid, mc_onnx_const_float(st.g, NAN), y};
            mc_onnx_node(st.g, "Where", NULL, in, 3, NULL, 0, 1, NULL, oname);
        } else
            mc_onnx_node(st.g, "Identity", NULL, &y, 1, NULL, 0, 1, NULL, oname);
        mc_onnx_output(st.g, oname, MC_ONNX_FLOAT, m->nn->out);
        rc = export_metadata(st.g, m);
    }
    if (rc == MC_OK)
        rc = mc_onnx_graph_pack(out, len, st.g, MC_ONNX_IR_VERSION, MC_ONNX_OPSET, MC_ONNX_ML_OPSET,
                                MC_VERSION, "modelcert", graph_doc);
    free(st.cols);
    mc_arena_free(st.arena);
    mc_onnx_graph_free(st.g);
    return rc;
}

int mc_onnx_export_run(char **path, char digest[MC_SHA256_HEX_LEN + 1], const char *run_dir,
                       const char *output)
{
    mc_model *m = NULL;
    unsigned char *bytes = NULL;
    size_t len = 0;
    char *model_path = mc_path_join(run_dir, MC_RUN_FILE_MODEL);
    char *dest = output ? strdup(output) : mc_path_join(run_dir, MC_RUN_FILE_ONNX);
    int rc = model_path && dest ? MC_OK : mc_error_nomem();
    char *sealed = rc == MC_OK ? mc_path_join(run_dir, MC_RUN_FILE_MODEL_AGE) : NULL;
    if (rc == MC_OK && !sealed)
        rc = mc_error_nomem();
    if (rc == MC_OK && !mc_file_exists(model_path) && mc_file_exists(sealed))
        rc = mc_error_set(MC_EINPUT, "%s: its model is encrypted (%s): export it with "
                          "--identity KEY", run_dir, MC_RUN_FILE_MODEL_AGE);
    free(sealed);
    if (rc == MC_OK && !mc_file_exists(model_path))
        rc = mc_error_set(MC_ENOTFOUND, "%s: not a run directory (no %s)", run_dir,
                          MC_RUN_FILE_MODEL);
    if (rc == MC_OK)
        rc = mc_file_check_output(dest);
    if (rc == MC_OK)
        rc = mc_model_load(&m, model_path);
    if (rc == MC_OK)
        rc = mc_onnx_encode(&bytes, &len, m);
    if (rc == MC_OK)
        rc = mc_sha256_hex(digest, bytes, len);
    if (rc == MC_OK)
        rc = mc_file_write_atomic(dest, bytes, len);
    if (rc == MC_OK) {
        *path = dest;
        dest = NULL;
    }
    free(bytes);
    free(dest);
    free(model_path);
    mc_model_free(m);
    return rc;
}

/* protobuf-c's allocator, so that an allocation failure while unpacking is told apart from
 * bytes that are not a model (protobuf-c returns NULL for both). */
static void *pb_alloc(void *nomem, size_t size)
{
    void *p = malloc(size ? size : 1);
    if (!p)
        *(int *)nomem = 1;
    return p;
}

static void pb_free(void *nomem, void *p)
{
    (void)nomem;
    free(p);
}

int mc_onnx_exported_from(char digest[MC_SHA256_HEX_LEN + 1], const unsigned char *buf, size_t len,
                          const char *name)
{
    int nomem = 0;
    ProtobufCAllocator alloc = {pb_alloc, pb_free, &nomem};
    Onnx__ModelProto *m = onnx__model_proto__unpack(&alloc, len, buf);
    const char *found = NULL;
    if (!m && nomem)
        return mc_error_nomem();
    if (!m)
        return mc_error_set(MC_EINPUT, "%s: not an ONNX model (protobuf-c cannot read it)", name);
    for (size_t i = 0; i < m->n_metadata_props && !found; i++) {
        const Onnx__StringStringEntryProto *e = m->metadata_props[i];
        if (e->key && e->value && strcmp(e->key, "modelcert.model_digest") == 0)
            found = e->value;
    }
    int rc = MC_OK;
    if (!found)
        rc = mc_error_set(MC_EINPUT, "%s: not exported by modelcert (no modelcert.model_digest "
                          "in its metadata)", name);
    else if (!mc_sha256_hex_valid(found) || strlen(found) != MC_SHA256_HEX_LEN)
        rc = mc_error_set(MC_EINPUT, "%s: modelcert.model_digest is not a SHA-256 digest", name);
    else
        memcpy(digest, found, MC_SHA256_HEX_LEN + 1);
    onnx__model_proto__free_unpacked(m, &alloc);
    return rc;
}
