/* The fitted pipeline's JSON form, as the model artifact's header stores it
 * (docs/formats.md): written from a fitted pipeline, and read back with every
 * field type- and range-checked, since a model file may come from anyone. */
#include "mc_pipeline.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_error.h"
#include "mc_json.h"
#include "mc_str.h"

/* ---- JSON (the artifact header) ---------------------------------------------------- */

/* The step types a fitted pipeline holds, so the only ones an artifact may
 * name: MC_STEP_DROPNA to MC_STEP_GENERALIZE; not, until this says so, a
 * type added later. */
static int artifact_step_type(int type)
{
    return type >= 0 && type <= MC_STEP_GENERALIZE;
}

/* One fitted column: its name and the statistics its step stores. */
static int column_json(json_t **out, const mc_fitted_step *f, const mc_fitted_col *c)
{
    json_t *jc = json_pack("{s:s}", "name", c->name);
    int rc = jc ? MC_OK : mc_error_nomem();
    if (rc == MC_OK && f->type == MC_STEP_STANDARDIZE) {
        rc = mc_json_set(jc, "mean", json_real(c->a));
        rc = rc ? rc : mc_json_set(jc, "std", json_real(c->b));
    } else if (rc == MC_OK && f->type == MC_STEP_L2_NORMALIZE && f->axis == MC_AXIS_COLUMNS) {
        rc = mc_json_set(jc, "norm", json_real(c->a));
    } else if (rc == MC_OK && f->type == MC_STEP_MIN_MAX) {
        rc = mc_json_set(jc, "min", json_real(c->a));
        rc = rc ? rc : mc_json_set(jc, "range", json_real(c->b));
    } else if (rc == MC_OK && f->type == MC_STEP_FILL_MISSING) {
        rc = mc_json_set(jc, "value", c->text ? json_string(c->text) : json_real(c->a));
    } else if (rc == MC_OK && f->type == MC_STEP_ONE_HOT) {
        json_t *cats = json_array();
        rc = cats ? MC_OK : mc_error_nomem();
        for (size_t k = 0; rc == MC_OK && k < c->n_cats; k++)
            rc = mc_json_append(cats, json_string(c->cats[k]));
        rc = rc ? (json_decref(cats), rc) : mc_json_set(jc, "categories", cats);
    }
    if (rc) {
        json_decref(jc);
        return rc;
    }
    *out = jc;
    return MC_OK;
}

/* hash: that a keyed hash is applied, the variable with the key and the key
 * check, never the key; mask and generalize: their parameters. */
static int privacy_json(json_t *js, const mc_fitted_step *f)
{
    char mask[2] = {f->mask_char, '\0'};
    switch (f->type) {
    case MC_STEP_HASH: {
        int rc = mc_json_set(js, "algorithm", json_string("hmac-sha256"));
        rc = rc ? rc : mc_json_set(js, "key_env", json_string(f->key_env));
        return rc ? rc : mc_json_set(js, "key_check", json_string(f->key_check));
    }
    case MC_STEP_MASK: {
        int rc = mc_json_set(js, "keep_last", json_integer((json_int_t)f->keep_last));
        return rc ? rc : mc_json_set(js, "mask_char", json_string(mask));
    }
    case MC_STEP_GENERALIZE:
        if (f->has_date)
            return mc_json_set(js, "date", json_string(mc_names_date_part[f->date_part]));
        if (f->bin_width > 0)
            return mc_json_set(js, "bin_width", json_real(f->bin_width));
        return mc_json_set(js, "prefix_length", json_integer((json_int_t)f->prefix_length));
    default:
        return MC_OK;
    }
}

static int step_json(json_t **out, const mc_fitted_step *f)
{
    json_t *cols = json_array(), *js = NULL;
    int rc = cols ? MC_OK : mc_error_nomem();
    for (size_t i = 0; rc == MC_OK && i < f->n_cols; i++) {
        json_t *jc = NULL;
        if ((rc = column_json(&jc, f, &f->cols[i])) == MC_OK)
            rc = mc_json_append(cols, jc);
    }
    if (rc == MC_OK && !(js = json_pack("{s:s, s:O}", "type", mc_step_type_name(f->type), "columns",
                                        cols)))
        rc = mc_error_nomem();
    if (rc == MC_OK && f->type == MC_STEP_L2_NORMALIZE)
        rc = mc_json_set(js, "axis", json_string(mc_names_axis[f->axis]));
    if (rc == MC_OK && f->type == MC_STEP_ONE_HOT)
        rc = mc_json_set(js, "handle_unknown", json_string(mc_names_unknown[f->handle_unknown]));
    if (rc == MC_OK && f->type == MC_STEP_MIN_MAX) {
        rc = mc_json_set(js, "feature_min", json_real(f->feature_min));
        rc = rc ? rc : mc_json_set(js, "feature_max", json_real(f->feature_max));
    }
    if (rc == MC_OK)
        rc = privacy_json(js, f);
    json_decref(cols);
    if (rc) {
        json_decref(js);
        return rc;
    }
    *out = js;
    return MC_OK;
}

int mc_pipeline_to_json(json_t **out, const mc_pipeline *p)
{
    json_t *steps = json_array(), *inputs = json_array(), *features = json_array(), *pj = NULL;
    int rc = steps && inputs && features ? MC_OK : mc_error_nomem();
    for (size_t s = 0; rc == MC_OK && s < p->n_steps; s++) {
        json_t *js = NULL;
        if ((rc = step_json(&js, &p->steps[s])) == MC_OK)
            rc = mc_json_append(steps, js);
    }
    for (size_t i = 0; rc == MC_OK && i < p->n_inputs; i++)
        rc = mc_json_append(inputs, json_pack("{s:s, s:s}", "name", p->inputs[i].name, "type",
                                              p->inputs[i].categorical ? "categorical" : "numeric"));
    for (size_t i = 0; rc == MC_OK && i < p->n_features; i++)
        rc = mc_json_append(features, json_string(p->features[i]));
    if (rc == MC_OK && !(pj = json_pack("{s:s, s:O, s:O, s:O}", "target", p->target, "steps",
                                        steps, "inputs", inputs, "features", features)))
        rc = mc_error_nomem();
    json_decref(steps), json_decref(inputs), json_decref(features);
    if (rc == MC_OK)
        *out = pj;
    return rc;
}

/* The most categories one one_hot column may have: the largest max_categories a spec may
 * give (spec/mc_spec_schema.c, docs/spec.md), which fitting never exceeds. A model file
 * claiming more was not made by modelcert, and would cost its consumers (the ONNX export,
 * apply) time and memory in proportion. */
#define ONE_HOT_MAX_CATEGORIES 10000

static int bad_header(const char *what)
{
    return mc_error_set(MC_EINPUT, "preprocessing: %s", what);
}

/* *out = a copy of the string j: MC_EINPUT naming `what` when j is not a
 * string, MC_ENOMEM when the copy cannot be made. */
static int copy_str(char **out, const json_t *j, const char *what)
{
    if (!json_is_string(j))
        return bad_header(what);
    return (*out = strdup(json_string_value(j))) ? MC_OK : mc_error_nomem();
}

static int num_field(const json_t *o, const char *key, double *out)
{
    json_t *v = json_object_get(o, key);
    if (!json_is_number(v))
        return 0;
    *out = json_number_value(v);
    return isfinite(*out);
}

/* A divisor the engine could have fitted: positive and normal (fitting refuses
 * a spread too small to divide by, mc_pipeline.c). */
static int divisor_field(const json_t *o, const char *key, double *out)
{
    return num_field(o, key, out) && *out > 0 && isnormal(*out);
}

/* An optional string field that must be one of two words: 0 for the first
 * (also when absent), 1 for the second, -1 for anything else. */
static int word_field(const json_t *o, const char *key, const char *first, const char *second)
{
    const json_t *v = json_object_get(o, key);
    const char *w = json_string_value(v);
    if (!v)
        return 0;
    return !w ? -1 : strcmp(w, first) == 0 ? 0 : strcmp(w, second) == 0 ? 1 : -1;
}

/* An integer field in [lo, hi]. */
static int int_field(const json_t *o, const char *key, long long lo, long long hi, long long *out)
{
    json_t *v = json_object_get(o, key);
    if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi)
        return 0;
    *out = json_integer_value(v);
    return 1;
}

/* The privacy transforms' fields, each checked as the engine writes them. */
static int privacy_from_json(mc_fitted_step *f, const json_t *js)
{
    const char *s;
    switch (f->type) {
    case MC_STEP_HASH:
        s = json_string_value(json_object_get(js, "algorithm"));
        if (!s || strcmp(s, "hmac-sha256") != 0)
            return bad_header("hash algorithm (hmac-sha256 expected)");
        s = json_string_value(json_object_get(js, "key_check"));
        if (!s || strlen(s) != 16 || strspn(s, "0123456789abcdef") != 16)
            return bad_header("hash key_check");
        memcpy(f->key_check, s, 17);
        s = json_string_value(json_object_get(js, "key_env"));
        if (!s || !*s || strlen(s) > 256 ||
            strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_") !=
                strlen(s))
            return bad_header("hash key_env");
        return (f->key_env = strdup(s)) ? MC_OK : mc_error_nomem();
    case MC_STEP_MASK:
        s = json_string_value(json_object_get(js, "mask_char"));
        if (!int_field(js, "keep_last", 0, 64, &f->keep_last) || !s || strlen(s) != 1)
            return bad_header("mask keep_last or mask_char");
        f->mask_char = s[0];
        return MC_OK;
    case MC_STEP_GENERALIZE:
        if (json_object_get(js, "date")) { /* the only key of the three */
            f->date_part = mc_enum_from_name(mc_names_date_part,
                                             json_string_value(json_object_get(js, "date")));
            f->has_date = 1;
            return f->date_part >= 0 && !json_object_get(js, "bin_width") &&
                           !json_object_get(js, "prefix_length")
                       ? MC_OK : bad_header("generalize date (year or month)");
        }
        if (json_object_get(js, "bin_width"))
            return num_field(js, "bin_width", &f->bin_width) && f->bin_width > 0
                       ? MC_OK : bad_header("generalize bin_width");
        return int_field(js, "prefix_length", 0, 1LL << 40, &f->prefix_length)
                   ? MC_OK : bad_header("generalize bin_width or prefix_length");
    default:
        return MC_OK;
    }
}

static int step_from_json(mc_fitted_step *f, const json_t *js)
{
    const char *type = json_string_value(json_object_get(js, "type"));
    const json_t *cols = json_object_get(js, "columns");
    f->type = mc_enum_from_name(mc_names_step, type);
    if (!artifact_step_type(f->type) || !json_is_array(cols))
        return bad_header("step type or columns");
    int axis = word_field(js, "axis", "columns", "rows");
    int unknown = word_field(js, "handle_unknown", "error", "ignore");
    if (axis < 0 || unknown < 0)
        return bad_header("axis or handle_unknown");
    f->axis = axis ? MC_AXIS_ROWS : MC_AXIS_COLUMNS;
    f->handle_unknown = unknown ? MC_UNKNOWN_IGNORE : MC_UNKNOWN_ERROR;
    if (f->type == MC_STEP_MIN_MAX && (!num_field(js, "feature_min", &f->feature_min) ||
                                       !num_field(js, "feature_max", &f->feature_max)))
        return bad_header("min_max range");
    int rc = privacy_from_json(f, js);
    if (rc)
        return rc;
    f->cols = calloc(json_array_size(cols) + 1, sizeof *f->cols);
    if (!f->cols)
        return mc_error_nomem();
    for (size_t i = 0; i < json_array_size(cols); i++) {
        const json_t *jc = json_array_get(cols, i);
        mc_fitted_col *c = &f->cols[f->n_cols++];
        rc = copy_str(&c->name, json_object_get(jc, "name"), "column name");
        if (rc)
            return rc;
        int ok = 1;
        if (f->type == MC_STEP_STANDARDIZE)
            ok = num_field(jc, "mean", &c->a) && divisor_field(jc, "std", &c->b);
        else if (f->type == MC_STEP_L2_NORMALIZE && f->axis == MC_AXIS_COLUMNS)
            ok = divisor_field(jc, "norm", &c->a);
        else if (f->type == MC_STEP_MIN_MAX)
            ok = num_field(jc, "min", &c->a) && divisor_field(jc, "range", &c->b);
        else if (f->type == MC_STEP_FILL_MISSING) {
            const json_t *v = json_object_get(jc, "value");
            if (json_is_string(v) && (rc = copy_str(&c->text, v, "fill value")))
                return rc;
            ok = json_is_string(v) || num_field(jc, "value", &c->a);
        } else if (f->type == MC_STEP_ONE_HOT) {
            const json_t *cats = json_object_get(jc, "categories");
            ok = json_is_array(cats) && json_array_size(cats) > 0;
            if (ok && json_array_size(cats) > ONE_HOT_MAX_CATEGORIES)
                return mc_error_set(MC_EINPUT, "preprocessing: one_hot column '%.200s' has %zu "
                                    "categories, more than max_categories allows (at most %d)",
                                    c->name, json_array_size(cats), ONE_HOT_MAX_CATEGORIES);
            c->cats = ok ? calloc(json_array_size(cats), sizeof *c->cats) : NULL;
            if (ok && !c->cats)
                return mc_error_nomem();
            for (size_t k = 0; ok && k < json_array_size(cats); k++) {
                if ((rc = copy_str(&c->cats[k], json_array_get(cats, k), "one_hot categories")))
                    return rc;
                c->n_cats++;
                if (ok && k > 0 && strcmp(c->cats[k - 1], c->cats[k]) >= 0)
                    ok = 0; /* must stay sorted: apply uses binary search */
            }
        }
        if (!ok) {
            char what[300];
            snprintf(what, sizeof what, "the statistics of column '%.200s'", c->name);
            return bad_header(what);
        }
    }
    return MC_OK;
}

/* Names must be unique: features map to network inputs, inputs to CSV columns. */
static int check_unique(char **names, size_t n, const char *what)
{
    char **sorted = malloc((n + 1) * sizeof *sorted);
    if (!sorted)
        return mc_error_nomem();
    memcpy(sorted, names, n * sizeof *sorted);
    qsort(sorted, n, sizeof *sorted, mc_str_cmp_ptr);
    int rc = MC_OK;
    for (size_t i = 1; i < n && rc == MC_OK; i++)
        if (strcmp(sorted[i - 1], sorted[i]) == 0) {
            char msg[300];
            snprintf(msg, sizeof msg, "%s '%.200s' appears twice", what, sorted[i]);
            rc = bad_header(msg);
        }
    free(sorted);
    return rc;
}

int mc_pipeline_from_json(mc_pipeline **out, const json_t *j)
{
    int rc = MC_OK;
    mc_pipeline *p = calloc(1, sizeof *p);
    if (!p)
        return mc_error_nomem();
    const json_t *steps = json_object_get(j, "steps"), *inputs = json_object_get(j, "inputs");
    const json_t *features = json_object_get(j, "features");
    if ((rc = copy_str(&p->target, json_object_get(j, "target"), "target")))
        goto cleanup;
    if (!json_is_array(steps) || !json_is_array(inputs) || !json_is_array(features) ||
        json_array_size(features) == 0) {
        rc = bad_header("target, steps, inputs or features");
        goto cleanup;
    }
    p->steps = calloc(json_array_size(steps) + 1, sizeof *p->steps);
    p->inputs = calloc(json_array_size(inputs) + 1, sizeof *p->inputs);
    p->features = calloc(json_array_size(features) + 1, sizeof *p->features);
    if (!p->steps || !p->inputs || !p->features) {
        rc = mc_error_nomem();
        goto cleanup;
    }
    for (size_t i = 0; rc == MC_OK && i < json_array_size(steps); i++) {
        p->n_steps++;
        rc = step_from_json(&p->steps[i], json_array_get(steps, i));
    }
    for (size_t i = 0; rc == MC_OK && i < json_array_size(inputs); i++) {
        const json_t *in = json_array_get(inputs, i);
        const char *type = json_string_value(json_object_get(in, "type"));
        if ((rc = copy_str(&p->inputs[i].name, json_object_get(in, "name"), "inputs")))
            break;
        p->n_inputs++; /* counted, so freed, whatever comes next */
        if (!type || (strcmp(type, "categorical") != 0 && strcmp(type, "numeric") != 0)) {
            rc = bad_header("inputs");
            break;
        }
        p->inputs[i].categorical = strcmp(type, "categorical") == 0;
    }
    for (size_t i = 0; rc == MC_OK && i < json_array_size(features); i++) {
        if ((rc = copy_str(&p->features[i], json_array_get(features, i), "features")) == MC_OK)
            p->n_features++;
    }
    if (rc == MC_OK)
        rc = check_unique(p->features, p->n_features, "feature");
    if (rc == MC_OK) {
        char **names = malloc((p->n_inputs + 1) * sizeof *names);
        for (size_t i = 0; names && i < p->n_inputs; i++)
            names[i] = p->inputs[i].name;
        rc = names ? check_unique(names, p->n_inputs, "input column") : mc_error_nomem();
        free(names);
    }
cleanup:
    if (rc) {
        mc_pipeline_free(p);
        return rc;
    }
    *out = p;
    return MC_OK;
}
