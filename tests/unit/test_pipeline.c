/* reference/mc_pipeline: preprocessing fitted on small in-memory tables.
 * The statistics of standardize (population std), min_max and l2_normalize
 * (both axes), fill_missing and one_hot on known values, with missing cells
 * and constant columns; and the JSON form stored in the model: a fitted
 * pipeline written out (in canonical form, as the artifact header holds it)
 * and read back applies bit for bit as the original does, to the training
 * rows and to new rows, and writes out to the same JSON again. Only the
 * public headers are used. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mc_csv.h"
#include "mc_diag.h"
#include "mc_error.h"
#include "mc_json.h"
#include "mc_pipeline.h"
#include "mc_spec.h"
#include "mc_table.h"

/* The markers data.missing_values defaults to (docs/spec.md). */
static const char *const default_missing[] = {"", "NA", "NaN", "null"};

/* ---- helpers ----------------------------------------------------------------------- */

static mc_table *table_of(const char *csv)
{
    mc_csv_options o = {0};
    o.missing = default_missing;
    o.n_missing = sizeof default_missing / sizeof *default_missing;
    mc_table *t = NULL;
    mc_error_clear();
    if (mc_csv_parse(&t, "mem.csv", csv, strlen(csv), &o) != MC_OK)
        fail_msg("csv: %s", mc_error_last()->message);
    return t;
}

/* A regression spec on target y whose preprocessing is `steps` (a YAML flow sequence). */
static mc_spec *spec_with(const char *steps)
{
    char text[4096];
    snprintf(text, sizeof text,
             "apiVersion: modelcert/v1\n"
             "kind: Pipeline\n"
             "metadata: {name: pipeline-test}\n"
             "data: {source: mem.csv, target: y}\n"
             "preprocessing: %s\n"
             "architecture: {layers: [{type: dense, units: 1, activation: linear}]}\n"
             "training: {loss: mse, epochs: 1}\n"
             "metrics: {compute: [mse]}\n",
             steps);
    mc_diags *diags = NULL;
    mc_spec *spec = NULL;
    assert_int_equal(mc_diags_create(&diags), MC_OK);
    int rc = mc_spec_load_buffer(&spec, diags, "/nonexistent/spec.yaml", text, strlen(text));
    for (size_t i = 0; rc != MC_OK && i < mc_diags_count(diags); i++)
        print_message("%s\n", mc_diags_get(diags, i)->message);
    assert_int_equal(rc, MC_OK);
    mc_diags_free(diags);
    return spec;
}

/* Fits every step on a copy of `raw` (all rows are training rows), as run does,
 * then finishes the pipeline; *fitted gets the transformed copy. */
static mc_pipeline *fit(const mc_spec *spec, const mc_table *raw, mc_table **fitted)
{
    const mc_spec_doc *d = mc_spec_doc_get(spec);
    mc_pipeline *p = calloc(1, sizeof *p);
    assert_non_null(p);
    p->target = strdup(d->data.target);
    mc_table *t = NULL;
    assert_int_equal(mc_table_copy(&t, raw), MC_OK);
    for (size_t i = 0; i < d->preprocessing.count; i++) {
        mc_error_clear();
        if (mc_pipeline_fit_step(p, spec, &d->preprocessing.items[i], i, t) != MC_OK)
            fail_msg("fit step %zu: %s", i, mc_error_last()->message);
    }
    if (mc_pipeline_finish(p, t, raw) != MC_OK)
        fail_msg("finish: %s", mc_error_last()->message);
    *fitted = t;
    return p;
}

static const mc_fitted_col *fitted_col(const mc_fitted_step *f, const char *name)
{
    for (size_t i = 0; i < f->n_cols; i++)
        if (strcmp(f->cols[i].name, name) == 0)
            return &f->cols[i];
    fail_msg("no fitted column '%s'", name);
    return NULL;
}

static const double *num(const mc_table *t, const char *name)
{
    long c = mc_table_find(t, name);
    if (c < 0 || t->cols[c].kind != MC_COLKIND_NUMERIC)
        fail_msg("no numeric column '%s'", name);
    return t->cols[c].num;
}

static int same_double(double a, double b)
{
    if (isnan(a) || isnan(b))
        return isnan(a) && isnan(b);
    return memcmp(&a, &b, sizeof a) == 0; /* exact, including the sign of zero */
}

#define ASSERT_SAME(got, want)                                                              \
    do {                                                                                    \
        double g_ = (got), w_ = (want);                                                     \
        if (!same_double(g_, w_))                                                           \
            fail_msg("%s is %.17g, expected %.17g (%s)", #got, g_, w_, #want);              \
    } while (0)

static void assert_column(const mc_table *t, const char *name, const double *want, size_t n)
{
    const double *v = num(t, name);
    assert_int_equal(t->n_rows, n);
    for (size_t r = 0; r < n; r++)
        if (!same_double(v[r], want[r]))
            fail_msg("column '%s' row %zu: %.17g, expected %.17g", name, r, v[r], want[r]);
}

/* ---- statistics on known values -------------------------------------------------------- */

static void test_standardize(void **state)
{
    (void)state;
    mc_table *raw = table_of("a,b,c,y\n1,2,5,0\n2,NA,5,1\n3,4,5,0\n4,6,5,1\n");
    mc_spec *spec = spec_with("[standardize]");
    mc_table *t = NULL;
    mc_pipeline *p = fit(spec, raw, &t);
    assert_int_equal(p->n_steps, 1);
    const mc_fitted_step *f = &p->steps[0];
    assert_int_equal(f->type, MC_STEP_STANDARDIZE);
    /* Every numeric column but the target, in table order. */
    assert_int_equal(f->n_cols, 3);
    assert_string_equal(f->cols[0].name, "a");
    assert_string_equal(f->cols[1].name, "b");
    assert_string_equal(f->cols[2].name, "c");
    /* a: mean 2.5, population variance (2.25 + 0.25 + 0.25 + 2.25) / 4 */
    ASSERT_SAME(fitted_col(f, "a")->a, 2.5);
    ASSERT_SAME(fitted_col(f, "a")->b, sqrt(1.25));
    /* b: the missing cell is ignored: mean 4 of {2, 4, 6}, variance 8 / 3 (divisor n, not n - 1) */
    ASSERT_SAME(fitted_col(f, "b")->a, 4.0);
    ASSERT_SAME(fitted_col(f, "b")->b, sqrt(8.0 / 3.0));
    /* c: constant, std stored as 1 */
    ASSERT_SAME(fitted_col(f, "c")->a, 5.0);
    ASSERT_SAME(fitted_col(f, "c")->b, 1.0);
    double s = sqrt(1.25), sb = sqrt(8.0 / 3.0);
    assert_column(t, "a", (double[]){-1.5 / s, -0.5 / s, 0.5 / s, 1.5 / s}, 4);
    assert_column(t, "b", (double[]){-2 / sb, NAN, 0 / sb, 2 / sb}, 4);
    assert_column(t, "c", (double[]){0, 0, 0, 0}, 4);
    assert_column(t, "y", (double[]){0, 1, 0, 1}, 4); /* the target is never touched */
    assert_int_equal(p->n_features, 3);
    mc_pipeline_free(p);
    mc_table_free(t);
    mc_table_free(raw);
    mc_spec_free(spec);
}

static void test_min_max(void **state)
{
    (void)state;
    mc_table *raw = table_of("a,b,c,y\n3,2,5,0\n-1,,5,1\n7,4,5,0\n5,6,5,1\n");
    mc_spec *spec = spec_with("[{type: min_max, columns: [a, b]},"
                              " {type: min_max, columns: [c, a], feature_min: -1, feature_max: 1}]");
    mc_table *t = NULL;
    mc_pipeline *p = fit(spec, raw, &t);
    assert_int_equal(p->n_steps, 2);
    const mc_fitted_step *f = &p->steps[0], *g = &p->steps[1];
    ASSERT_SAME(f->feature_min, 0);
    ASSERT_SAME(f->feature_max, 1);
    ASSERT_SAME(fitted_col(f, "a")->a, -1); /* min */
    ASSERT_SAME(fitted_col(f, "a")->b, 8);  /* range: max - min */
    ASSERT_SAME(fitted_col(f, "b")->a, 2);
    ASSERT_SAME(fitted_col(f, "b")->b, 4);
    /* The second step is fitted on the first one's output: a is in [0, 1] by now. */
    ASSERT_SAME(g->feature_min, -1);
    ASSERT_SAME(g->feature_max, 1);
    ASSERT_SAME(fitted_col(g, "a")->a, 0);
    ASSERT_SAME(fitted_col(g, "a")->b, 1);
    ASSERT_SAME(fitted_col(g, "c")->a, 5);
    ASSERT_SAME(fitted_col(g, "c")->b, 1); /* constant: range stored as 1 */
    assert_column(t, "a", (double[]){0, -1, 1, 0.5}, 4);
    assert_column(t, "b", (double[]){0, NAN, 0.5, 1}, 4);
    assert_column(t, "c", (double[]){-1, -1, -1, -1}, 4); /* a constant column becomes feature_min */
    /* Values outside the training range are not clipped. */
    mc_table *fresh = table_of("a,b,c,y\n15,-2,6,0\n");
    assert_int_equal(mc_pipeline_apply_range(p, fresh, 0, p->n_steps), MC_OK);
    assert_column(fresh, "a", (double[]){3}, 1);  /* (15 + 1) / 8 = 2, then 2 * 2 - 1 */
    assert_column(fresh, "b", (double[]){-1}, 1); /* (-2 - 2) / 4 */
    assert_column(fresh, "c", (double[]){1}, 1);  /* (6 - 5) / 1 * 2 - 1 */
    mc_table_free(fresh);
    mc_pipeline_free(p);
    mc_table_free(t);
    mc_table_free(raw);
    mc_spec_free(spec);
}

static void test_l2_normalize(void **state)
{
    (void)state;
    mc_table *raw = table_of("a,b,c,d,y\n3,0,3,4,0\n4,0,0,0,1\n,0,,2,0\n0,0,-6,8,1\n");
    mc_spec *spec = spec_with("[{type: l2_normalize, columns: [a, b]},"
                              " {type: l2_normalize, axis: rows, columns: [c, d]}]");
    mc_table *t = NULL;
    mc_pipeline *p = fit(spec, raw, &t);
    const mc_fitted_step *f = &p->steps[0], *g = &p->steps[1];
    assert_int_equal(f->axis, MC_AXIS_COLUMNS);
    ASSERT_SAME(fitted_col(f, "a")->a, 5); /* sqrt(9 + 16), the missing cell ignored */
    ASSERT_SAME(fitted_col(f, "b")->a, 1); /* a zero norm is stored as 1 */
    assert_column(t, "a", (double[]){3.0 / 5, 4.0 / 5, NAN, 0}, 4);
    assert_column(t, "b", (double[]){0, 0, 0, 0}, 4);
    /* Rows: each row by its own norm over c and d; a missing cell counts 0 and stays missing;
     * a zero row is left alone. */
    assert_int_equal(g->axis, MC_AXIS_ROWS);
    assert_int_equal(g->n_cols, 2);
    assert_column(t, "c", (double[]){3.0 / 5, 0, NAN, -6.0 / 10}, 4);
    assert_column(t, "d", (double[]){4.0 / 5, 0, 2.0 / 2, 8.0 / 10}, 4);
    mc_pipeline_free(p);
    mc_table_free(t);
    mc_table_free(raw);
    mc_spec_free(spec);
}

static void test_fill_missing_and_one_hot(void **state)
{
    (void)state;
    mc_table *raw = table_of("n,m,site,y\n1,2,west,0\n,4,east,1\n3,,west,0\n10,4,,1\n");
    mc_spec *spec = spec_with("[{type: fill_missing, columns: [n], strategy: median},"
                              " {type: fill_missing, columns: [m], strategy: mean},"
                              " {type: fill_missing, columns: [site], strategy: most_frequent},"
                              " {type: one_hot, columns: [site]}]");
    mc_table *t = NULL;
    mc_pipeline *p = fit(spec, raw, &t);
    ASSERT_SAME(fitted_col(&p->steps[0], "n")->a, 3); /* median of {1, 3, 10} */
    ASSERT_SAME(fitted_col(&p->steps[1], "m")->a, 10.0 / 3);
    assert_string_equal(fitted_col(&p->steps[2], "site")->text, "west");
    const mc_fitted_col *oh = fitted_col(&p->steps[3], "site");
    assert_int_equal(oh->n_cats, 2);
    assert_string_equal(oh->cats[0], "east"); /* sorted by byte value */
    assert_string_equal(oh->cats[1], "west");
    assert_column(t, "n", (double[]){1, 3, 3, 10}, 4);
    assert_column(t, "m", (double[]){2, 4, 10.0 / 3, 4}, 4);
    /* The one_hot columns replace site at its place. */
    assert_int_equal(t->n_cols, 5);
    assert_string_equal(t->cols[2].name, "site=east");
    assert_string_equal(t->cols[3].name, "site=west");
    assert_column(t, "site=east", (double[]){0, 1, 0, 0}, 4);
    assert_column(t, "site=west", (double[]){1, 0, 1, 1}, 4);
    assert_int_equal(p->n_features, 4);
    assert_string_equal(p->features[2], "site=east");
    assert_int_equal(p->n_inputs, 3);
    mc_pipeline_free(p);
    mc_table_free(t);
    mc_table_free(raw);
    mc_spec_free(spec);
}

/* ---- the JSON round trip ---------------------------------------------------------------- */

/* Rows with awkward doubles (17 significant digits), a few missing cells and a category. */
static char *make_csv(uint64_t seed, size_t rows, const char *const *sites, size_t n_sites)
{
    size_t cap = 64 + rows * 160, used = 0;
    char *s = malloc(cap);
    assert_non_null(s);
    used += (size_t)snprintf(s, cap, "id,site,f1,f2,f3,f4,y\n");
    uint64_t x = seed;
    for (size_t r = 0; r < rows; r++) {
        char cell[5][32];
        for (int k = 0; k < 5; k++) {
            x = x * 6364136223846793005ull + 1442695040888963407ull;
            double v = ((double)(x >> 11) / 9007199254740992.0 - 0.3) * (k == 2 ? 1e-3 : k + 1.7);
            snprintf(cell[k], sizeof cell[k], "%.17g", v);
        }
        const char *site = r % 7 == 3 ? "" : sites[(x >> 7) % n_sites];
        used += (size_t)snprintf(s + used, cap - used, "%zu,%s,%s,%s,%s,%s,%s\n", r, site, cell[0],
                                 r % 5 == 2 ? "NA" : cell[1], cell[2], r % 11 == 6 ? "" : cell[3],
                                 cell[4]);
        assert_true(used < cap);
    }
    return s;
}

static const char all_steps[] =
    "[{type: drop_columns, columns: [id]},"
    " {type: dropna, columns: [f4]},"
    " {type: fill_missing, columns: [f2], strategy: mean},"
    " {type: fill_missing, columns: [site], strategy: most_frequent},"
    " {type: one_hot, columns: [site], handle_unknown: ignore},"
    " {type: l2_normalize, columns: [f1]},"
    " {type: l2_normalize, axis: rows, columns: [f3, f2]},"
    " {type: standardize, columns: [f1, f2]},"
    " {type: min_max, columns: [f3], feature_min: -2, feature_max: 3},"
    " {type: select_columns, columns: [f1, f2, f3, site=alpha, site=beta, site=gamma]}]";

static char *canonical(const json_t *j)
{
    char *text = NULL;
    size_t len = 0;
    assert_int_equal(mc_json_canonical(&text, &len, j), MC_OK);
    assert_int_equal(strlen(text), len);
    return text;
}

static void assert_same_matrix(const mc_pipeline *p, const mc_table *a, const mc_table *b)
{
    float *xa = NULL, *xb = NULL;
    assert_int_equal(a->n_rows, b->n_rows);
    assert_int_equal(mc_pipeline_matrix(&xa, p, a, "a"), MC_OK);
    assert_int_equal(mc_pipeline_matrix(&xb, p, b, "b"), MC_OK);
    for (size_t i = 0; i < a->n_rows * p->n_features; i++)
        if (memcmp(&xa[i], &xb[i], sizeof *xa) != 0)
            fail_msg("row %zu, feature %s: %.9g and %.9g", i / p->n_features,
                     p->features[i % p->n_features], (double)xa[i], (double)xb[i]);
    free(xa);
    free(xb);
}

static void test_json_round_trip(void **state)
{
    (void)state;
    static const char *const train_sites[] = {"gamma", "alpha", "beta"};
    static const char *const new_sites[] = {"beta", "delta", "alpha", "gamma"}; /* delta unseen */
    char *train_csv = make_csv(1, 60, train_sites, 3), *new_csv = make_csv(2, 25, new_sites, 4);
    mc_table *raw = table_of(train_csv), *fresh = table_of(new_csv);
    free(train_csv);
    free(new_csv);
    mc_spec *spec = spec_with(all_steps);
    mc_table *fitted = NULL;
    mc_pipeline *p = fit(spec, raw, &fitted);
    assert_int_equal(p->n_steps, 10);
    assert_int_equal(p->n_features, 6);

    /* Out as the artifact header holds it (canonical JSON text), and back. */
    json_t *j1 = NULL, *j2 = NULL;
    assert_int_equal(mc_pipeline_to_json(&j1, p), MC_OK);
    char *text1 = canonical(j1);
    json_error_t err;
    json_t *parsed = json_loads(text1, JSON_REJECT_DUPLICATES, &err);
    assert_non_null(parsed);
    mc_pipeline *q = NULL;
    mc_error_clear();
    if (mc_pipeline_from_json(&q, parsed) != MC_OK)
        fail_msg("from_json: %s", mc_error_last()->message);
    /* ... writes out to the same JSON again, */
    assert_int_equal(mc_pipeline_to_json(&j2, q), MC_OK);
    char *text2 = canonical(j2);
    assert_string_equal(text1, text2);
    /* ... with every statistic's bits and every step setting kept, */
    assert_int_equal(q->n_steps, p->n_steps);
    for (size_t s = 0; s < p->n_steps; s++) {
        const mc_fitted_step *a = &p->steps[s], *b = &q->steps[s];
        assert_int_equal(a->type, b->type);
        assert_int_equal(a->n_cols, b->n_cols);
        if (a->type == MC_STEP_L2_NORMALIZE)
            assert_int_equal(a->axis, b->axis);
        if (a->type == MC_STEP_ONE_HOT)
            assert_int_equal(a->handle_unknown, b->handle_unknown);
        if (a->type == MC_STEP_MIN_MAX) {
            ASSERT_SAME(b->feature_min, a->feature_min);
            ASSERT_SAME(b->feature_max, a->feature_max);
        }
        for (size_t i = 0; i < a->n_cols; i++) {
            assert_string_equal(a->cols[i].name, b->cols[i].name);
            int has_a = a->type == MC_STEP_STANDARDIZE || a->type == MC_STEP_MIN_MAX ||
                        (a->type == MC_STEP_L2_NORMALIZE && a->axis == MC_AXIS_COLUMNS) ||
                        (a->type == MC_STEP_FILL_MISSING && !a->cols[i].text);
            if (has_a)
                ASSERT_SAME(b->cols[i].a, a->cols[i].a);
            if (a->type == MC_STEP_STANDARDIZE || a->type == MC_STEP_MIN_MAX)
                ASSERT_SAME(b->cols[i].b, a->cols[i].b);
            if (a->cols[i].text)
                assert_string_equal(a->cols[i].text, b->cols[i].text);
            assert_int_equal(a->cols[i].n_cats, b->cols[i].n_cats);
            for (size_t k = 0; k < a->cols[i].n_cats; k++)
                assert_string_equal(a->cols[i].cats[k], b->cols[i].cats[k]);
        }
    }
    assert_int_equal(q->n_inputs, p->n_inputs);
    for (size_t i = 0; i < p->n_inputs; i++) {
        assert_string_equal(q->inputs[i].name, p->inputs[i].name);
        assert_int_equal(q->inputs[i].categorical, p->inputs[i].categorical);
    }
    assert_int_equal(q->n_features, p->n_features);
    for (size_t i = 0; i < p->n_features; i++)
        assert_string_equal(q->features[i], p->features[i]);

    /* ... and applies bit for bit as the original: to the training rows (where applying
     * the fitted pipeline also equals what fitting did to them) and to new rows. */
    mc_table *a = NULL, *b = NULL;
    assert_int_equal(mc_table_copy(&a, raw), MC_OK);
    assert_int_equal(mc_table_copy(&b, raw), MC_OK);
    assert_int_equal(mc_pipeline_apply_range(p, a, 0, p->n_steps), MC_OK);
    assert_int_equal(mc_pipeline_apply_range(q, b, 0, q->n_steps), MC_OK);
    assert_true(a->n_rows < raw->n_rows); /* dropna removed some */
    assert_same_matrix(p, a, b);
    assert_same_matrix(p, a, fitted);
    mc_table_free(a);
    mc_table_free(b);
    assert_int_equal(mc_table_copy(&a, fresh), MC_OK);
    assert_int_equal(mc_table_copy(&b, fresh), MC_OK);
    assert_int_equal(mc_pipeline_apply_range(p, a, 0, p->n_steps), MC_OK);
    assert_int_equal(mc_pipeline_apply_range(q, b, 0, q->n_steps), MC_OK);
    assert_true(a->n_rows > 10);
    assert_same_matrix(p, a, b);

    mc_table_free(a);
    mc_table_free(b);
    free(text1);
    free(text2);
    json_decref(j1);
    json_decref(j2);
    json_decref(parsed);
    mc_pipeline_free(p);
    mc_pipeline_free(q);
    mc_table_free(fitted);
    mc_table_free(raw);
    mc_table_free(fresh);
    mc_spec_free(spec);
}

/* ---- the privacy transforms ------------------------------------------------------------- */

static const char *cell(const mc_table *t, const char *name, size_t r)
{
    long c = mc_table_find(t, name);
    if (c < 0 || t->cols[c].kind != MC_COLKIND_CATEGORICAL)
        fail_msg("no text column '%s'", name);
    uint32_t code = t->cols[c].codes[r];
    return code == MC_CODE_MISSING ? NULL : t->cols[c].levels[code];
}

static void test_privacy_transforms(void **state)
{
    (void)state;
    static const char csv[] = "email,phone,code,age,y\n"
                              "jane@example.com,415-555-0123,94107,37,1\n"
                              "li@example.org,13812345678,94110,40,2\n"
                              "jane@example.com,,10086,39.5,3\n"
                              "NA,手机一二三,94107,NA,4\n";
    static const char steps[] =
        "[{type: hash, columns: [email], salt_env: MODELCERT_TEST_KEY},"
        " {type: mask, columns: [phone], keep_last: 2},"
        " {type: generalize, columns: [code], prefix_length: 3},"
        " {type: generalize, columns: [age], bin_width: 10},"
        " {type: fill_missing, columns: [age], strategy: constant, value: \"0\"},"
        " {type: one_hot, columns: [email, phone, code], handle_unknown: ignore}]";
    mc_table *raw = table_of(csv), *fitted = NULL;
    mc_spec *spec = spec_with(steps);
    const mc_spec_doc *d = mc_spec_doc_get(spec);

    /* No key, no hash: a clear input error naming the variable. */
    unsetenv("MODELCERT_TEST_KEY");
    mc_pipeline *p = calloc(1, sizeof *p);
    mc_table *t = NULL;
    assert_int_equal(mc_table_copy(&t, raw), MC_OK);
    p->target = strdup("y");
    mc_error_clear();
    assert_int_equal(mc_pipeline_fit_step(p, spec, &d->preprocessing.items[0], 0, t), MC_EINPUT);
    assert_non_null(strstr(mc_error_last()->message, "MODELCERT_TEST_KEY"));
    mc_pipeline_free(p);
    mc_table_free(t);

    setenv("MODELCERT_TEST_KEY", "test-key", 1);
    mc_table *partial = NULL;
    p = calloc(1, sizeof *p);
    p->target = strdup("y");
    assert_int_equal(mc_table_copy(&partial, raw), MC_OK);
    for (size_t i = 0; i < 4; i++) /* up to one_hot: the transformed values */
        assert_int_equal(mc_pipeline_fit_step(p, spec, &d->preprocessing.items[i], i, partial), MC_OK);
    /* HMAC-SHA256(key "test-key", "jane@example.com"), as Python's hmac computes it */
    assert_string_equal(cell(partial, "email", 0),
                        "3978a2fe77dc44ee05a2598de6fb458e46f4f4d2ea765ffb2a2588d85dddcf66");
    assert_string_equal(cell(partial, "email", 2), cell(partial, "email", 0));
    assert_string_not_equal(cell(partial, "email", 1), cell(partial, "email", 0));
    assert_null(cell(partial, "email", 3));
    assert_string_equal(p->steps[0].key_check, "a2cf9051c9a56826");
    assert_string_equal(cell(partial, "phone", 0), "**********23");
    assert_string_equal(cell(partial, "phone", 1), "*********78");
    assert_null(cell(partial, "phone", 2));
    assert_string_equal(cell(partial, "phone", 3), "***二三"); /* characters, not bytes */
    assert_string_equal(cell(partial, "code", 0), "941");
    assert_string_equal(cell(partial, "code", 1), "941");
    assert_string_equal(cell(partial, "code", 2), "100");
    ASSERT_SAME(num(partial, "age")[0], 30.0);
    ASSERT_SAME(num(partial, "age")[1], 40.0);
    ASSERT_SAME(num(partial, "age")[2], 30.0);
    assert_true(isnan(num(partial, "age")[3]));
    mc_table_free(partial);
    mc_pipeline_free(p);

    /* The whole pipeline through its JSON form applies the same; the key is not in it. */
    p = fit(spec, raw, &fitted);
    json_t *j = NULL;
    assert_int_equal(mc_pipeline_to_json(&j, p), MC_OK);
    char *text = canonical(j);
    assert_null(strstr(text, "test-key"));
    assert_non_null(strstr(text, "\"key_env\":\"MODELCERT_TEST_KEY\""));
    assert_null(strstr(text, "jane@example.com"));
    mc_pipeline *q = NULL;
    assert_int_equal(mc_pipeline_from_json(&q, j), MC_OK);
    mc_table *a = NULL;
    assert_int_equal(mc_table_copy(&a, raw), MC_OK);
    assert_int_equal(mc_pipeline_apply_range(q, a, 0, q->n_steps), MC_OK);
    assert_same_matrix(p, a, fitted);
    mc_table_free(a);
    /* Another key: refused, never silently different pseudonyms. */
    setenv("MODELCERT_TEST_KEY", "other-key", 1);
    assert_int_equal(mc_table_copy(&a, raw), MC_OK);
    assert_int_equal(mc_pipeline_apply_range(q, a, 0, q->n_steps), MC_EINPUT);
    assert_non_null(strstr(mc_error_last()->message, "not the key"));
    unsetenv("MODELCERT_TEST_KEY");
    mc_table_free(a);
    free(text);
    json_decref(j);
    mc_pipeline_free(p);
    mc_pipeline_free(q);
    mc_table_free(fitted);
    mc_table_free(raw);
    mc_spec_free(spec);
}

/* generalize bin_width: a bin that overflows a double is an input error at its line, never
 * an infinite number in the table (which no cell's text can show). */
static void test_generalize_overflow(void **state)
{
    (void)state;
    static const char csv[] = "age,y\n37,1\n1e300,2\n";
    mc_table *t = table_of(csv);
    mc_spec *spec = spec_with("[{type: generalize, columns: [age], bin_width: 1e-300}]");
    const mc_spec_doc *d = mc_spec_doc_get(spec);
    mc_pipeline *p = calloc(1, sizeof *p);
    assert_non_null(p);
    p->target = strdup("y");
    mc_error_clear();
    assert_int_equal(mc_pipeline_fit_step(p, spec, &d->preprocessing.items[0], 0, t), MC_EINPUT);
    assert_int_equal(mc_error_last()->line, 3);
    assert_non_null(strstr(mc_error_last()->message, "its bin overflows"));
    mc_pipeline_free(p);
    mc_table_free(t);
    mc_spec_free(spec);
}

/* generalize date: every accepted form to its year (a number) or YYYY-MM
 * (text), missing cells kept missing, through the artifact's JSON; a bad date
 * is an input error at its line that never shows the value; hostile JSON is
 * refused. */
static void test_generalize_dates(void **state)
{
    (void)state;
    static const char csv[] = "dob,ymd,y\n"
                              "1984-02-29,19840229,1\n"
                              "1990/07/01,20000101,2\n"
                              "01.12.1975,,3\n"
                              "2001\xe5\xb9\xb4" "3\xe6\x9c\x88" "9\xe6\x97\xa5,19991231,4\n"
                              "1969-07-20T20:17:40Z,19690720,5\n"
                              "NA,20240229,6\n";
    mc_table *raw = table_of(csv), *fitted = NULL;
    assert_int_equal(raw->cols[mc_table_find(raw, "ymd")].kind, MC_COLKIND_NUMERIC);
    mc_spec *spec = spec_with("[{type: generalize, columns: [dob, ymd], date: year},"
                              " {type: fill_missing, columns: [dob, ymd], strategy: median}]");
    mc_pipeline *p = fit(spec, raw, &fitted);
    static const double dob[] = {1984, 1990, 1975, 2001, 1969, 1984};
    static const double ymd[] = {1984, 2000, 1999, 1999, 1969, 2024};
    for (size_t r = 0; r < 6; r++) {
        ASSERT_SAME(num(fitted, "dob")[r], dob[r]);
        ASSERT_SAME(num(fitted, "ymd")[r], ymd[r]);
    }
    json_t *j = NULL;
    assert_int_equal(mc_pipeline_to_json(&j, p), MC_OK);
    char *text = canonical(j);
    assert_non_null(strstr(text, "\"date\":\"year\""));
    assert_null(strstr(text, "1984-02-29"));
    mc_pipeline *q = NULL;
    assert_int_equal(mc_pipeline_from_json(&q, j), MC_OK);
    mc_table *a = NULL;
    assert_int_equal(mc_table_copy(&a, raw), MC_OK);
    assert_int_equal(mc_pipeline_apply_range(q, a, 0, q->n_steps), MC_OK);
    assert_same_matrix(p, a, fitted);
    mc_table_free(a);

    /* Hostile artifacts: another part, a number, two modes at once. */
    json_t *step = json_array_get(json_object_get(j, "steps"), 0);
    assert_non_null(step);
    static const char *const bad[] = {"\"decade\"", "3", "null", "\"YEAR\""};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        json_object_set_new(step, "date", json_loads(bad[i], JSON_DECODE_ANY, NULL));
        mc_pipeline *h = NULL;
        assert_int_equal(mc_pipeline_from_json(&h, j), MC_EINPUT);
        assert_non_null(strstr(mc_error_last()->message, "generalize date"));
        mc_pipeline_free(h);
    }
    json_object_set_new(step, "date", json_string("year"));
    json_object_set_new(step, "prefix_length", json_integer(4));
    mc_pipeline *h = NULL;
    assert_int_equal(mc_pipeline_from_json(&h, j), MC_EINPUT);
    mc_pipeline_free(h);

    /* A cell that is not a date: its file and line, the reason, never the value. */
    static const char bad_csv[] = "dob,ymd,y\n1984-02-29,19840229,1\n2023-02-29,19840229,2\n";
    mc_table *b = table_of(bad_csv);
    mc_error_clear();
    assert_int_equal(mc_pipeline_apply_range(q, b, 0, q->n_steps), MC_EINPUT);
    assert_string_equal(mc_error_last()->file, "mem.csv");
    assert_int_equal(mc_error_last()->line, 3);
    assert_non_null(strstr(mc_error_last()->message, "column 'dob'"));
    assert_non_null(strstr(mc_error_last()->message, "a day its month does not have"));
    assert_null(strstr(mc_error_last()->message, "2023"));
    mc_table_free(b);
    static const char amb_csv[] = "dob,ymd,y\n03/04/1990,19840229,1\n";
    b = table_of(amb_csv);
    assert_int_equal(mc_pipeline_apply_range(q, b, 0, q->n_steps), MC_EINPUT);
    assert_non_null(strstr(mc_error_last()->message, "ambiguous"));
    assert_null(strstr(mc_error_last()->message, "1990"));
    mc_table_free(b);
    free(text);
    json_decref(j);
    mc_pipeline_free(p);
    mc_pipeline_free(q);
    mc_table_free(fitted);

    /* month: YYYY-MM text, equal months merged. */
    mc_spec_free(spec);
    spec = spec_with("[{type: generalize, columns: [dob, ymd], date: month},"
                     " {type: one_hot, columns: [dob, ymd], handle_unknown: ignore}]");
    p = calloc(1, sizeof *p);
    assert_non_null(p);
    p->target = strdup("y");
    assert_int_equal(mc_table_copy(&fitted, raw), MC_OK);
    assert_int_equal(mc_pipeline_fit_step(p, spec, &mc_spec_doc_get(spec)->preprocessing.items[0],
                                          0, fitted), MC_OK);
    assert_string_equal(cell(fitted, "dob", 0), "1984-02");
    assert_string_equal(cell(fitted, "dob", 2), "1975-12");
    assert_string_equal(cell(fitted, "dob", 3), "2001-03");
    assert_string_equal(cell(fitted, "dob", 4), "1969-07");
    assert_null(cell(fitted, "dob", 5));
    assert_string_equal(cell(fitted, "ymd", 0), "1984-02");
    assert_null(cell(fitted, "ymd", 2));
    assert_string_equal(cell(fitted, "ymd", 3), "1999-12");
    assert_int_equal(fitted->cols[mc_table_find(fitted, "ymd")].n_levels, 5);
    mc_pipeline_free(p);
    mc_table_free(fitted);
    mc_table_free(raw);
    mc_spec_free(spec);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_standardize),
        cmocka_unit_test(test_min_max),
        cmocka_unit_test(test_l2_normalize),
        cmocka_unit_test(test_fill_missing_and_one_hot),
        cmocka_unit_test(test_json_round_trip),
        cmocka_unit_test(test_privacy_transforms),
        cmocka_unit_test(test_generalize_overflow),
        cmocka_unit_test(test_generalize_dates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
