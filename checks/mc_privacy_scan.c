/* Scanning a table for personal data: each column's sampled cells are run
 * through the validating detectors (mc_pii.c); a column is flagged when the
 * validated share passes the threshold. Results name the column, the
 * detector, the share and the counts, with at most a masked example. */
#include "mc_privacy.h"

#include <stdlib.h>
#include <string.h>

#include "mc_csv.h"
#include "mc_error.h"
#include "mc_file.h"
#include "mc_json.h"
#include "mc_pii.h"
#include "mc_rng.h"
#include "mc_str.h"

static const int every_detector[] = {MC_DETECT_EMAIL, MC_DETECT_PHONE, MC_DETECT_SSN,
                                     MC_DETECT_CREDIT_CARD, MC_DETECT_IPV4, MC_DETECT_IBAN,
                                     MC_DETECT_CN_ID, MC_DETECT_IPV6, MC_DETECT_BIRTH_DATE,
                                     MC_DETECT_COLUMN_NAME};

/* What each detector finds, for messages. */
static const char *detector_what(int d)
{
    switch (d) {
    case MC_DETECT_EMAIL: return "email addresses";
    case MC_DETECT_PHONE: return "phone numbers";
    case MC_DETECT_SSN: return "US social security numbers";
    case MC_DETECT_CREDIT_CARD: return "payment card numbers (issuer and Luhn checked)";
    case MC_DETECT_IPV4: return "IPv4 addresses";
    case MC_DETECT_IBAN: return "IBANs (length and mod-97 checked)";
    case MC_DETECT_CN_ID: return "Chinese resident identity numbers (GB 11643 checked)";
    case MC_DETECT_IPV6: return "IPv6 addresses";
    case MC_DETECT_BIRTH_DATE: return "dates of birth";
    default: return "personal data";
    }
}

void mc_pii_scan_config_from_spec(mc_pii_scan_config *c, const mc_spec *spec)
{
    memset(c, 0, sizeof *c);
    c->sample_rows = 1000;
    c->min_share = 0.5;
    c->action = MC_ACTION_FAIL;
    const mc_spec_doc *d = spec ? mc_spec_doc_get(spec) : NULL;
    if (!d || !d->has_privacy)
        return;
    const mc_privacy *p = &d->privacy;
    c->declared = p->pii_columns.items;
    c->n_declared = p->pii_columns.count;
    if (!p->has_pii_scan)
        return;
    c->detectors = p->pii_scan.detectors.items;
    c->n_detectors = p->pii_scan.detectors.count;
    c->sample_rows = p->pii_scan.sample_rows;
    c->seed = (unsigned long long)p->pii_scan.seed;
    c->min_share = p->pii_scan.min_share;
    c->columns = (const char *const *)p->pii_scan.columns.items;
    c->n_columns = p->pii_scan.columns.count;
    c->action = p->pii_scan.action;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* The sampled rows, ascending: all of them, or sample_rows chosen with the
 * seed (a partial Fisher-Yates shuffle on its own Philox stream). */
static int sample_rows(uint32_t **out, size_t *m, size_t n, const mc_pii_scan_config *c)
{
    uint32_t *idx = malloc((n ? n : 1) * sizeof *idx);
    if (!idx)
        return mc_error_nomem();
    for (size_t i = 0; i < n; i++)
        idx[i] = (uint32_t)i;
    size_t want = c->sample_rows > 0 && (unsigned long long)c->sample_rows < n
                      ? (size_t)c->sample_rows
                      : n;
    if (want < n) {
        mc_rng rng;
        mc_rng_init(&rng, (uint64_t)c->seed, MC_STREAM_PII_SAMPLE, 0);
        for (size_t i = 0; i < want; i++) {
            size_t j = i + mc_rng_below(&rng, (uint32_t)(n - i));
            uint32_t t = idx[i];
            idx[i] = idx[j];
            idx[j] = t;
        }
        qsort(idx, want, sizeof *idx, cmp_u32);
    }
    *out = idx;
    *m = want;
    return MC_OK;
}

static const mc_pii_column *declared_as(const mc_pii_scan_config *c, const char *col)
{
    for (size_t i = 0; i < c->n_declared; i++)
        if (strcmp(c->declared[i].column, col) == 0)
            return &c->declared[i];
    return NULL;
}

/* The best finding in one column. */
typedef struct finding {
    int detector;       /* -1: none */
    size_t matches, present;
    double share;
    char example[48];   /* masked */
} finding;

static void scan_column(finding *best, const mc_column *col, const char *name, const uint32_t *rows,
                        size_t m, const mc_pii_scan_config *c)
{
    const int *dets = c->detectors ? c->detectors : every_detector;
    size_t n_dets = c->detectors ? c->n_detectors
                                 : sizeof every_detector / sizeof every_detector[0];
    unsigned ctx = mc_pii_name_context(name);
    best->detector = -1;
    best->example[0] = '\0';
    size_t present = 0;
    for (size_t i = 0; i < m; i++)
        present += col->kind == MC_COLKIND_CATEGORICAL ? col->codes[rows[i]] != MC_CODE_MISSING
                                                        : col->num[rows[i]] == col->num[rows[i]];
    for (size_t k = 0; k < n_dets; k++) {
        int det = dets[k];
        unsigned supports = mc_pii_detector_context(det);
        if (det == MC_DETECT_COLUMN_NAME) {
            if ((ctx & supports) && best->detector < 0) { /* a name only: no value to check */
                best->detector = det;
                best->present = present;
                best->matches = 0;
                best->share = 0;
            }
            continue;
        }
        size_t hits = 0;
        long first = -1;
        for (size_t i = 0; i < m; i++) {
            char buf[32];
            const char *text = mc_column_cell_text(col, rows[i], buf);
            if (text && mc_pii_match(det, text, strlen(text), ctx)) {
                hits++;
                if (first < 0)
                    first = (long)rows[i];
            }
        }
        double share = present ? (double)hits / (double)present : 0.0;
        double need = (ctx & supports) ? c->min_share / 2 : c->min_share;
        if (hits == 0 || share < need)
            continue;
        if (best->detector < 0 || best->detector == MC_DETECT_COLUMN_NAME || share > best->share) {
            char buf[32];
            const char *text = mc_column_cell_text(col, (size_t)first, buf);
            best->detector = det;
            best->matches = hits;
            best->present = present;
            best->share = share;
            mc_pii_mask(best->example, sizeof best->example, det, text, strlen(text));
        }
    }
}

static int add_finding(mc_validation *v, const finding *f, const char *column,
                       const mc_pii_scan_config *c, size_t *undeclared)
{
    char col[MC_STR_PRINTABLE_CAP(120)], id[sizeof col + 32];
    mc_str_printable(col, sizeof col, column, 120);
    snprintf(id, sizeof id, "privacy.pii_scan.%s", col);
    const mc_pii_column *decl = declared_as(c, column);
    mc_status st = decl ? MC_STATUS_PASS
                        : c->action == MC_ACTION_WARN ? MC_STATUS_WARN : MC_STATUS_FAIL;
    json_t *measured = json_pack("{s:s, s:I, s:I}", "detector", mc_names_detector[f->detector],
                                 "matches", (json_int_t)f->matches, "sampled",
                                 (json_int_t)f->present);
    json_t *expected = json_pack("{s:f}", "min_share", c->min_share);
    int rc = measured && expected ? MC_OK : mc_error_nomem();
    if (rc == MC_OK && f->detector != MC_DETECT_COLUMN_NAME) {
        rc = mc_json_set(measured, "share", json_real(f->share));
        rc = rc ? rc : mc_json_set(measured, "example", json_string(f->example));
    }
    if (rc) {
        json_decref(measured);
        json_decref(expected);
        return rc;
    }
    char what[300];
    if (f->detector == MC_DETECT_COLUMN_NAME)
        snprintf(what, sizeof what, "its name says it holds personal data (a name or an address)");
    else
        snprintf(what, sizeof what, "%zu of %zu sampled values (%.0f%%) are %s, e.g. %s",
                 f->matches, f->present, 100.0 * f->share, detector_what(f->detector), f->example);
    *undeclared += decl == NULL;
    if (decl)
        return mc_validation_add(v, "privacy", id, "personal data", st, measured, expected,
                                 "column '%s': %s; declared in privacy.pii_columns (%s)", col,
                                 what, mc_names_pii_transform[decl->transform]);
    return mc_validation_add(v, "privacy", id, "personal data", st, measured, expected,
                             "column '%s': %s; not declared in privacy.pii_columns", col, what);
}

int mc_pii_scan_table(mc_validation *v, const mc_table *t, const mc_pii_scan_config *c)
{
    uint32_t *rows = NULL;
    size_t m = 0, flagged = 0, undeclared = 0, scanned = 0;
    int rc = MC_OK;
    for (size_t i = 0; i < c->n_columns; i++)
        if (mc_table_find(t, c->columns[i]) < 0)
            return mc_error_set(MC_EINPUT, "privacy.pii_scan.columns: column '%s' is not in %s",
                                c->columns[i], t->source);
    if ((rc = sample_rows(&rows, &m, t->n_rows, c)))
        return rc;
    for (size_t k = 0; rc == MC_OK && k < t->n_cols; k++) {
        const mc_column *col = &t->cols[k];
        int wanted = c->n_columns == 0;
        for (size_t i = 0; i < c->n_columns && !wanted; i++)
            wanted = strcmp(c->columns[i], col->name) == 0;
        if (!wanted)
            continue;
        scanned++;
        finding f;
        scan_column(&f, col, col->name, rows, m, c);
        if (f.detector < 0)
            continue;
        flagged++;
        rc = add_finding(v, &f, col->name, c, &undeclared);
    }
    free(rows);
    if (rc)
        return rc;
    json_t *measured = json_pack("{s:I, s:I, s:I, s:I}", "columns", (json_int_t)scanned, "rows",
                                 (json_int_t)m, "flagged", (json_int_t)flagged, "undeclared",
                                 (json_int_t)undeclared);
    if (!measured)
        return mc_error_nomem();
    mc_status st = undeclared == 0 ? MC_STATUS_PASS
                   : c->action == MC_ACTION_WARN ? MC_STATUS_WARN : MC_STATUS_FAIL;
    return mc_validation_add(v, "privacy", "privacy.pii_scan", "personal data scan", st, measured,
                             json_null(),
                             "%zu columns scanned over %zu sampled rows (seed %llu): %zu with "
                             "personal data, %zu of them not declared",
                             scanned, m, c->seed, flagged, undeclared);
}

/* Reads a data file with every column as text, as the spec's data section says. */
static int read_text_table(mc_table **out, const char *path, const mc_spec *spec)
{
    const mc_data *d = spec ? &mc_spec_doc_get(spec)->data : NULL;
    static const char *const default_missing[] = {"", "NA", "NaN", "null"};
    const char *const *missing = d ? (const char *const *)d->missing_values.items : default_missing;
    size_t n_missing = d ? d->missing_values.count : 4;
    mc_csv_options o = {d ? d->delimiter[0] : ',', missing, n_missing, NULL, 0, NULL, 0, 1};
    return mc_csv_read(out, path, &o);
}

int mc_privacy_scan(mc_validation **out, const char *data_path, const mc_spec *spec)
{
    mc_validation *v = NULL;
    mc_table *t = NULL;
    mc_pii_scan_config c;
    mc_pii_scan_config_from_spec(&c, spec);
    int rc = mc_validation_create(&v);
    if (rc == MC_OK)
        rc = read_text_table(&t, data_path, spec);
    if (rc == MC_OK)
        rc = mc_pii_scan_table(v, t, &c);
    mc_table_free(t);
    if (rc) {
        mc_validation_free(v);
        return rc;
    }
    *out = v;
    return MC_OK;
}
