/* validate's privacy checks (docs/privacy.md): declared personal data is
 * transformed or dropped before it reaches the model (judged on the model
 * artifact itself), forbidden features never reach it, the scan finds no
 * undeclared personal data, and the training rows as the network sees them
 * are k-anonymous and l-diverse over the quasi-identifiers, with the
 * prosecutor risk reported. Results name columns, counts and shares only. */
#include "mc_privacy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_anon.h"
#include "mc_buf.h"
#include "mc_artifact.h"
#include "mc_csv.h"
#include "mc_error.h"
#include "mc_file.h"
#include "mc_json.h"
#include "mc_run_dir.h"
#include "mc_str.h"

struct mc_privacy_view {
    const mc_spec *spec;
    int measured;             /* the hook ran */
    mc_anon_result anon;
    char reaching[512];       /* the quasi-identifiers that reach the model, comma-separated */
    size_t n_reaching;
    int has_sensitive;        /* l-diversity's column was found in the data */
};

int mc_privacy_view_create(mc_privacy_view **out, const mc_spec *spec)
{
    mc_privacy_view *pv = calloc(1, sizeof *pv);
    if (!pv)
        return mc_error_nomem();
    pv->spec = spec;
    *out = pv;
    return MC_OK;
}

void mc_privacy_view_free(mc_privacy_view *pv)
{
    if (!pv)
        return;
    mc_anon_result_clear(&pv->anon);
    free(pv);
}

/* A model column made from raw column `col`: itself, or one_hot's col=category. */
static int derived_from(const char *feature, const char *col)
{
    size_t n = strlen(col);
    return strncmp(feature, col, n) == 0 && (feature[n] == '\0' || feature[n] == '=');
}

typedef struct keyed { char *key; size_t row; } keyed;

static int cmp_keyed(const void *a, const void *b)
{
    const keyed *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    return c ? c : (x->row > y->row) - (x->row < y->row);
}

/* ids[r]: the rank of keys[r] among the distinct keys (equal keys, equal ids). */
static int rank_keys(uint32_t *ids, size_t *n_ids, keyed *k, size_t n)
{
    qsort(k, n, sizeof *k, cmp_keyed);
    size_t next = 0;
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && strcmp(k[i].key, k[i - 1].key) != 0)
            next++;
        ids[k[i].row] = (uint32_t)next;
    }
    *n_ids = n ? next + 1 : 0;
    return MC_OK;
}

static void free_keys(keyed *k, size_t n)
{
    for (size_t i = 0; k && i < n; i++)
        free(k[i].key);
    free(k);
}

/* Each of n rows' key: the texts of the given columns (row rows_of[r], or r)
 * joined by U+001F, a missing cell as U+001E. */
static int row_keys(keyed **out, size_t n, const mc_column *const *cols, size_t n_cols,
                    const size_t *rows_of)
{
    keyed *k = calloc(n ? n : 1, sizeof *k);
    if (!k)
        return mc_error_nomem();
    int rc = MC_OK;
    for (size_t r = 0; rc == MC_OK && r < n; r++) {
        mc_buf b = {0};
        mc_buf_puts(&b, "\x1f"); /* never empty, even with no columns */
        for (size_t j = 0; j < n_cols; j++) {
            char buf[32];
            const char *text = mc_column_cell_text(cols[j], rows_of ? rows_of[r] : r, buf);
            mc_buf_puts(&b, text ? text : "\x1e");
            mc_buf_puts(&b, "\x1f");
        }
        k[r].row = r;
        rc = mc_buf_take(&b, &k[r].key, NULL);
    }
    if (rc) {
        free_keys(k, n);
        return rc;
    }
    *out = k;
    return MC_OK;
}

static int is_declared(const mc_spec_doc *d, const char *col)
{
    for (size_t i = 0; d->has_privacy && i < d->privacy.pii_columns.count; i++)
        if (strcmp(d->privacy.pii_columns.items[i].column, col) == 0)
            return 1;
    return 0;
}

/* The detector that finds personal data in raw column `col` (as `privacy scan` would, with
 * c), or -1. A column that is not in the data has none. */
static int detect(int *det, const mc_table *raw, const char *col, const mc_pii_scan_config *c)
{
    mc_validation *v = NULL;
    mc_pii_scan_config one = *c;
    one.columns = &col;
    one.n_columns = 1;
    *det = -1;
    if (mc_table_find(raw, col) < 0)
        return MC_OK;
    int rc = mc_validation_create(&v);
    if (rc == MC_OK)
        rc = mc_pii_scan_table(v, raw, &one);
    for (size_t i = 0; rc == MC_OK && i < mc_validation_count(v); i++) {
        const mc_result *r = mc_validation_get(v, i);
        const char *name = json_string_value(json_object_get(r->measured, "detector"));
        for (int k = 0; name && k < MC_DETECT_COUNT && *det < 0; k++)
            if (strcmp(name, mc_names_detector[k]) == 0)
                *det = k;
    }
    mc_validation_free(v);
    return rc;
}

/* The run writes some columns' raw values as they are: a slice's groups (metrics.json, every
 * report), the target's classes (metrics.json, predictions, reports) and one_hot's categories
 * (the model's input names: the model, importance, the model card). None of them may hold
 * personal data (docs/privacy.md): a declared column is refused by the spec's own checks, an
 * undeclared one that the detectors find here, before anything is written, at its place in
 * the spec. The detectors are the spec's pii_scan ones (else the default list), by value only:
 * a column's name alone does not refuse it; over every row, and a single value found refuses
 * the column (pii_scan's sample_rows and min_share are for reporting columns, not for
 * deciding which raw values may be written). */
static int quoted_columns_check(const mc_spec *spec, const mc_table *raw)
{
    static const int defaults[] = {MC_DETECT_EMAIL, MC_DETECT_PHONE, MC_DETECT_SSN,
                                   MC_DETECT_CREDIT_CARD, MC_DETECT_IPV4, MC_DETECT_IBAN,
                                   MC_DETECT_CN_ID};
    const mc_spec_doc *d = mc_spec_doc_get(spec);
    int dets[MC_DETECT_COUNT];
    size_t nd = 0;
    int det = -1, rc = MC_OK;
    mc_pii_scan_config c;
    mc_pii_scan_config_from_spec(&c, spec);
    for (size_t i = 0; c.detectors && i < c.n_detectors && nd < MC_DETECT_COUNT; i++)
        if (c.detectors[i] != MC_DETECT_COLUMN_NAME)
            dets[nd++] = c.detectors[i];
    for (size_t i = 0; !c.detectors && i < sizeof defaults / sizeof defaults[0]; i++)
        dets[nd++] = defaults[i];
    if (nd == 0)
        return MC_OK;
    c.detectors = dets;
    c.n_detectors = nd;
    c.declared = NULL;
    c.n_declared = 0;
    /* Every raw value of these columns would be written, so every row is scanned and one
     * value found is enough (a share, as `privacy scan` asks for a column, would let a
     * few phone numbers in a slice column through). */
    c.sample_rows = (long long)raw->n_rows;
    c.min_share = 0;
    for (size_t i = 0; rc == MC_OK && i < d->metrics.slices.count; i++) {
        const mc_slice *sl = &d->metrics.slices.items[i];
        if (is_declared(d, sl->column) || (rc = detect(&det, raw, sl->column, &c)) || det < 0)
            continue;
        return mc_spec_error(spec, &sl->column,
                             "metrics.slices[%zu]: column '%s' holds personal data (%s, found by "
                             "the detectors): a slice names its groups by the column's raw values, "
                             "which metrics.json and every report would hold; remove the slice",
                             i, sl->column, mc_names_detector[det]);
    }
    if (rc == MC_OK && d->data.target && (rc = detect(&det, raw, d->data.target, &c)) == MC_OK &&
        det >= 0)
        return mc_spec_error(spec, &d->data.target,
                             "data.target: column '%s' holds personal data (%s, found by the "
                             "detectors): its classes are named by their values in metrics.json, "
                             "the predictions and every report", d->data.target,
                             mc_names_detector[det]);
    for (size_t i = 0; rc == MC_OK && i < d->preprocessing.count; i++) {
        const mc_step *st = &d->preprocessing.items[i];
        for (size_t j = 0; rc == MC_OK && st->type == MC_STEP_ONE_HOT && j < st->columns.count;
             j++) {
            const char *col = st->columns.items[j];
            if (is_declared(d, col) || (rc = detect(&det, raw, col, &c)) || det < 0)
                continue;
            return mc_spec_error(spec, &st->columns.items[j],
                                 "preprocessing[%zu]: one_hot column '%s' holds personal data "
                                 "(%s, found by the detectors): its categories would name the "
                                 "model's inputs (the model, metrics.json, the model card); "
                                 "declare it in privacy.pii_columns and hash, mask or generalize "
                                 "it first",
                                 i, col, mc_names_detector[det]);
        }
    }
    return rc;
}

int mc_privacy_view_hook(void *ctx, const mc_table *train, const mc_table *raw)
{
    mc_privacy_view *pv = ctx;
    const mc_spec_doc *d = mc_spec_doc_get(pv->spec);
    int rc0 = quoted_columns_check(pv->spec, raw);
    if (rc0)
        return rc0;
    if (pv->measured || !d->has_privacy || !d->privacy.has_quasi_identifiers)
        return MC_OK;
    const mc_quasi_identifiers *qi = &d->privacy.quasi_identifiers;
    size_t n = train->n_rows;
    const mc_column **cols = malloc((train->n_cols + 1) * sizeof *cols);
    uint32_t *cls = malloc((n ? n : 1) * sizeof *cls), *sens = NULL;
    size_t *raw_rows = malloc((n ? n : 1) * sizeof *raw_rows);
    keyed *k = NULL;
    size_t n_cols = 0, n_cls = 0, n_sens = 0;
    int rc = cols && cls && raw_rows ? MC_OK : mc_error_nomem();
    for (size_t q = 0; rc == MC_OK && q < qi->columns.count; q++) {
        int reaches = 0;
        for (size_t c = 0; c < train->n_cols; c++)
            if (derived_from(train->cols[c].name, qi->columns.items[q]) &&
                strcmp(train->cols[c].name, d->data.target) != 0) {
                cols[n_cols++] = &train->cols[c];
                reaches = 1;
            }
        if (reaches) {
            size_t used = strlen(pv->reaching);
            snprintf(pv->reaching + used, sizeof pv->reaching - used, "%s%s",
                     pv->n_reaching ? ", " : "", qi->columns.items[q]);
            pv->n_reaching++;
        }
    }
    if (rc == MC_OK && (rc = row_keys(&k, n, cols, n_cols, NULL)) == MC_OK)
        rc = rank_keys(cls, &n_cls, k, n);
    free_keys(k, n);
    k = NULL;
    long sc = rc == MC_OK && qi->has_l_diversity ? mc_table_find(raw, qi->l_diversity.sensitive)
                                                 : -1;
    if (sc >= 0) { /* the sensitive values as they are, from the loaded data */
        pv->has_sensitive = 1;
        for (size_t r = 0; r < n; r++) {
            raw_rows[r] = train->row_index[r];
            if (raw_rows[r] >= raw->n_rows)
                rc = mc_error_set(MC_EINTERNAL, "training row %zu is not in the data", r);
        }
        if (rc == MC_OK && !(sens = malloc((n ? n : 1) * sizeof *sens)))
            rc = mc_error_nomem();
        const mc_column *scol = &raw->cols[sc];
        if (rc == MC_OK && (rc = row_keys(&k, n, &scol, 1, raw_rows)) == MC_OK)
            rc = rank_keys(sens, &n_sens, k, n);
        free_keys(k, n);
    }
    if (rc == MC_OK) {
        mc_anon_input in = {cls, sens, n, n_cls, (size_t)qi->k, qi->max_suppression,
                            pv->has_sensitive ? (size_t)qi->l_diversity.l : 0,
                            qi->has_risk_threshold ? qi->risk_threshold : 0};
        rc = mc_anon_measure(&pv->anon, &in);
        pv->measured = rc == MC_OK;
    }
    free(cols);
    free(cls);
    free(sens);
    free(raw_rows);
    return rc;
}

/* ---- the checks ------------------------------------------------------------------------- */

static int reaches_model(const mc_pipeline *p, const char *col)
{
    for (size_t i = 0; i < p->n_features; i++)
        if (derived_from(p->features[i], col))
            return 1;
    return 0;
}

static int step_lists(const mc_pipeline *p, int type, const char *col)
{
    for (size_t s = 0; s < p->n_steps; s++)
        for (size_t i = 0; p->steps[s].type == type && i < p->steps[s].n_cols; i++)
            if (strcmp(p->steps[s].cols[i].name, col) == 0)
                return 1;
    return 0;
}

static int check_pii_columns(mc_validation *v, const mc_privacy *pr, const mc_pipeline *p)
{
    static const int step_for[] = {MC_STEP_HASH, MC_STEP_MASK, MC_STEP_GENERALIZE, -1};
    int rc = MC_OK;
    for (size_t i = 0; rc == MC_OK && i < pr->pii_columns.count; i++) {
        const mc_pii_column *pc = &pr->pii_columns.items[i];
        char col[MC_STR_PRINTABLE_CAP(120)], id[sizeof col + 40];
        mc_str_printable(col, sizeof col, pc->column, 120);
        snprintf(id, sizeof id, "privacy.pii_columns.%s", col);
        const char *tr = mc_names_pii_transform[pc->transform];
        int reaches = reaches_model(p, pc->column);
        int applied = pc->transform == MC_PII_DROP
                          ? !reaches
                          : step_lists(p, step_for[pc->transform], pc->column);
        json_t *measured = json_pack("{s:b, s:b}", "transformed", applied, "reaches_model",
                                     reaches);
        json_t *expected = json_pack("{s:s}", "transform", tr);
        if (!measured || !expected) {
            json_decref(measured), json_decref(expected);
            return mc_error_nomem();
        }
        if (pc->transform == MC_PII_DROP)
            rc = mc_validation_add(v, "privacy", id, "PII column handled",
                                   applied ? MC_STATUS_PASS : MC_STATUS_FAIL, measured, expected,
                                   applied ? "column '%s' is declared drop and no model input "
                                             "comes from it (the model artifact's features)"
                                           : "column '%s' is declared drop but reaches the model "
                                             "(the model artifact's features)", col);
        else
            rc = mc_validation_add(v, "privacy", id, "PII column handled",
                                   applied ? MC_STATUS_PASS : MC_STATUS_FAIL, measured, expected,
                                   applied ? "column '%s' gets its %s step in the model's "
                                             "preprocessing before training%s"
                                           : "column '%s' must get a %s step, but the model's "
                                             "preprocessing has none for it%s", col, tr,
                                   !reaches  ? "; it does not reach the model"
                                   : applied ? "; it reaches the model only so"
                                             : "; it reaches the model raw");
    }
    for (size_t i = 0; rc == MC_OK && i < pr->forbidden_features.count; i++) {
        const char *f = pr->forbidden_features.items[i];
        char col[MC_STR_PRINTABLE_CAP(120)], id[sizeof col + 40];
        mc_str_printable(col, sizeof col, f, 120);
        snprintf(id, sizeof id, "privacy.forbidden_features.%s", col);
        int reaches = reaches_model(p, f);
        json_t *measured = json_pack("{s:b}", "reaches_model", reaches);
        if (!measured)
            return mc_error_nomem();
        rc = mc_validation_add(v, "privacy", id, "forbidden feature",
                               reaches ? MC_STATUS_FAIL : MC_STATUS_PASS, measured, json_false(),
                               reaches ? "forbidden feature '%s' reaches the model"
                                       : "forbidden feature '%s' does not reach the model", col);
    }
    return rc;
}

/* "1 class of 1 record, 3 classes of 2 records" into buf. */
static void sizes_text(char *buf, size_t cap, const mc_anon_result *a)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < a->n_below_k && used + 1 < cap; i++) {
        int w = snprintf(buf + used, cap - used, "%s%zu class%s of %zu record%s", i ? ", " : "",
                         a->below_k[i].count, a->below_k[i].count == 1 ? "" : "es",
                         a->below_k[i].size, a->below_k[i].size == 1 ? "" : "s");
        if (w < 0 || (size_t)w >= cap - used) {
            snprintf(buf + (cap > 5 ? cap - 5 : 0), cap > 5 ? 5 : cap, "...");
            break;
        }
        used += (size_t)w;
    }
}

static int check_anonymity(mc_validation *v, const mc_quasi_identifiers *qi,
                           const mc_privacy_view *pv)
{
    const mc_anon_result *a = &pv->anon;
    char where[700], sizes[600];
    snprintf(where, sizeof where, "%zu training rows as the model sees them, quasi-identifiers %s",
             a->records, pv->n_reaching ? pv->reaching : "(none reaches the model: one class)");
    sizes_text(sizes, sizeof sizes, a);
    json_t *m = json_pack("{s:I, s:I, s:I, s:I, s:I, s:I}", "k", (json_int_t)a->k_achieved,
                          "smallest_class", (json_int_t)a->smallest, "classes",
                          (json_int_t)a->classes, "records", (json_int_t)a->records,
                          "records_below_k", (json_int_t)a->below_k_records, "suppressed",
                          (json_int_t)(a->suppressed ? a->below_k_records : 0));
    json_t *e = json_pack("{s:I, s:f}", "k", (json_int_t)qi->k, "max_suppression",
                          qi->max_suppression);
    if (!m || !e) {
        json_decref(m), json_decref(e);
        return mc_error_nomem();
    }
    int rc;
    if (a->below_k_records == 0)
        rc = mc_validation_add(v, "privacy", "privacy.k_anonymity", "k-anonymity", MC_STATUS_PASS,
                               m, e, "k = %zu >= %lld over %s (%zu classes)", a->k_achieved, qi->k,
                               where, a->classes);
    else if (a->suppressed)
        rc = mc_validation_add(v, "privacy", "privacy.k_anonymity", "k-anonymity", MC_STATUS_PASS,
                               m, e, "k = %zu >= %lld over %s after suppressing %zu records "
                               "(%.1f%%, within max_suppression %g) in classes under k: %s",
                               a->k_achieved, qi->k, where, a->below_k_records,
                               100.0 * (double)a->below_k_records / (double)a->records,
                               qi->max_suppression, sizes);
    else
        rc = mc_validation_add(v, "privacy", "privacy.k_anonymity", "k-anonymity", MC_STATUS_FAIL,
                               m, e, "k = %zu < %lld over %s: %zu of %zu classes are under k "
                               "(%s), %zu records (%.1f%%), more than max_suppression %g allows",
                               a->smallest, qi->k, where, a->below_k_classes, a->classes, sizes,
                               a->below_k_records,
                               100.0 * (double)a->below_k_records / (double)a->records,
                               qi->max_suppression);
    if (rc)
        return rc;
    /* prosecutor risk over the records kept */
    int judged = qi->has_risk_threshold;
    int ok = !judged || a->records_at_risk <= qi->max_records_at_risk;
    m = json_pack("{s:f, s:f, s:f}", "highest", a->max_risk, "average", a->avg_risk,
                  "records_at_risk", a->records_at_risk);
    e = judged ? json_pack("{s:f, s:f}", "risk_threshold", qi->risk_threshold,
                           "max_records_at_risk", qi->max_records_at_risk)
               : json_null();
    if (!m || !e) {
        json_decref(m), json_decref(e);
        return mc_error_nomem();
    }
    char at_risk[160] = "";
    if (judged)
        snprintf(at_risk, sizeof at_risk,
                 "; records above risk %g: %.1f%% (at most %.1f%% allowed)", qi->risk_threshold,
                 100.0 * a->records_at_risk, 100.0 * qi->max_records_at_risk);
    rc = mc_validation_add(v, "privacy", "privacy.prosecutor_risk", "prosecutor risk",
                           ok ? MC_STATUS_PASS : MC_STATUS_FAIL, m, e,
                           "highest %.4g, average %.4g over %zu records kept%s", a->max_risk,
                           a->avg_risk, a->kept_records, at_risk);
    if (rc || !qi->has_l_diversity)
        return rc;
    char sens[MC_STR_PRINTABLE_CAP(120)];
    mc_str_printable(sens, sizeof sens, qi->l_diversity.sensitive, 120);
    if (!pv->has_sensitive)
        return mc_validation_add(v, "privacy", "privacy.l_diversity", "l-diversity",
                                 MC_STATUS_ERROR, json_null(), json_null(),
                                 "the sensitive column '%s' is not in the data", sens);
    size_t l = (size_t)qi->l_diversity.l;
    m = json_pack("{s:I, s:I}", "l", (json_int_t)a->distinct_l, "classes_below_l",
                  (json_int_t)a->below_l_distinct);
    e = json_pack("{s:I}", "l", (json_int_t)l);
    if (!m || !e) {
        json_decref(m), json_decref(e);
        return mc_error_nomem();
    }
    rc = mc_validation_add(v, "privacy", "privacy.l_diversity", "distinct l-diversity",
                           a->below_l_distinct ? MC_STATUS_FAIL : MC_STATUS_PASS, m, e,
                           "distinct l = %zu (%s %zu) of '%s': %zu of %zu classes have fewer than "
                           "%zu distinct values", a->distinct_l, a->below_l_distinct ? "<" : ">=",
                           l, sens, a->below_l_distinct, a->kept_classes, l);
    if (rc || !qi->l_diversity.entropy)
        return rc;
    m = json_pack("{s:f, s:I}", "l", a->entropy_l, "classes_below_l",
                  (json_int_t)a->below_l_entropy);
    e = json_pack("{s:I}", "l", (json_int_t)l);
    if (!m || !e) {
        json_decref(m), json_decref(e);
        return mc_error_nomem();
    }
    return mc_validation_add(v, "privacy", "privacy.l_diversity.entropy", "entropy l-diversity",
                             a->below_l_entropy ? MC_STATUS_FAIL : MC_STATUS_PASS, m, e,
                             "entropy l = %.4g (%s %zu) of '%s': %zu of %zu classes have an "
                             "entropy under log(%zu)", a->entropy_l,
                             a->below_l_entropy ? "<" : ">=", l, sens, a->below_l_entropy,
                             a->kept_classes, l);
}

static int scan_data(mc_validation *v, const mc_spec *spec)
{
    const mc_spec_doc *d = mc_spec_doc_get(spec);
    char *path = mc_path_join(mc_spec_dir(spec), d->data.source);
    mc_table *t = NULL;
    mc_pii_scan_config c;
    mc_pii_scan_config_from_spec(&c, spec);
    const char **missing = malloc((d->data.missing_values.count + 1) * sizeof *missing);
    int rc = path && missing ? MC_OK : mc_error_nomem();
    for (size_t i = 0; rc == MC_OK && i < d->data.missing_values.count; i++)
        missing[i] = d->data.missing_values.items[i];
    mc_csv_options o = {d->data.delimiter[0], missing, d->data.missing_values.count, NULL, 0,
                        NULL, 0, 1};
    if (rc == MC_OK)
        rc = mc_csv_read(&t, path, &o);
    if (rc == MC_OK)
        rc = mc_pii_scan_table(v, t, &c);
    mc_table_free(t);
    free(missing);
    free(path);
    return rc;
}

/* Which inputs a model trained elsewhere sees is not known here: the declared
 * PII columns are reported as not checked rather than silently passed. */
static int pii_columns_not_applicable(mc_validation *v, const mc_privacy *pr)
{
    if (!pr->pii_columns.count)
        return MC_OK;
    return mc_validation_add(v, "privacy", "privacy.pii_columns", "PII columns handled",
                             MC_STATUS_SKIPPED, json_null(),
                             json_integer((json_int_t)pr->pii_columns.count),
                             "not applicable: the predictions were made by a model trained "
                             "outside modelcert, whose inputs modelcert cannot see; make sure "
                             "the %zu declared PII column(s) never reach it raw",
                             pr->pii_columns.count);
}

int mc_privacy_check(mc_validation *v, const mc_spec *spec, const mc_run *run,
                     const mc_privacy_view *pv)
{
    const mc_spec_doc *d = mc_spec_doc_get(spec);
    if (!d->has_privacy)
        return MC_OK;
    mc_model *m = NULL;
    int rc = MC_OK;
    /* predictions, or an ONNX model (model:): the model was trained outside modelcert */
    if (!run->model || (run->model_file && strcmp(run->model_file, MC_RUN_FILE_ONNX) == 0))
        rc = pii_columns_not_applicable(v, &d->privacy);
    else if ((rc = mc_artifact_decode(&m, run->model, run->model_len, MC_RUN_FILE_MODEL)) == MC_OK)
        rc = check_pii_columns(v, &d->privacy, m->pipeline);
    if (rc == MC_OK && d->privacy.has_pii_scan)
        rc = scan_data(v, spec);
    if (rc == MC_OK && d->privacy.has_quasi_identifiers && pv && pv->measured)
        rc = check_anonymity(v, &d->privacy.quasi_identifiers, pv);
    mc_model_free(m);
    return rc;
}
