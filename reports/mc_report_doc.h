/* Private to reports/: what mc_report_doc_load read, for the renderers.
 * Every pointer may be NULL when its file was missing; `notes` says why. */
#ifndef MC_REPORT_DOC_H
#define MC_REPORT_DOC_H

#include <jansson.h>

#include "mc_buf.h"
#include "mc_report.h"
#include "mc_validation.h"

/* A column of numbers read from a CSV (NaN: missing). */
typedef struct mc_report_series {
    double *v;
    size_t n;
} mc_report_series;

struct mc_report_doc {
    mc_validation *v;          /* the results, in order */
    const json_t *run;         /* validation.json's run record (owned by `validation`), or NULL */
    json_t *validation;        /* validation.json */
    json_t *metrics;           /* metrics.json, or NULL */
    json_t *spec;              /* spec.json (the normalised spec), or NULL */
    char *validation_path;     /* as given */
    char *run_dir;             /* the directory validation.json is in */
    /* history.csv: epoch, loss and val_loss (all NaN without validation rows) */
    mc_report_series epoch, loss, val_loss;
    /* test_predictions.csv of a binary model: 1 where actual is the positive
     * class, and the positive class's probability */
    mc_report_series roc_truth, roc_score;
    char *positive;            /* the positive class, or NULL (not binary) */
    json_t *audit_event;       /* the run's validate event, or NULL */
    char *audit_path;          /* the trail looked in, or NULL */
    mc_buf notes;              /* one line per file or record that could not be shown, and why */
    char **categories;         /* the distinct result categories, in first-seen order */
    size_t n_categories;
};

/* Renderers (one file each). Each appends to b; allocation failure is
 * sticky in b and checked by mc_report_render. */
void mc_report_junit(mc_buf *b, const mc_report_doc *d);
void mc_report_markdown(mc_buf *b, const mc_report_doc *d);
void mc_report_html(mc_buf *b, const mc_report_doc *d);
void mc_report_model_card(mc_buf *b, const mc_report_doc *d);

/* Shared lookups. */
const char *mc_report_str(const json_t *obj, const char *path); /* "a.b.c" → string or NULL */
const json_t *mc_report_get(const json_t *obj, const char *path);
/* Status counts of one category (NULL: all). */
void mc_report_counts(const mc_report_doc *d, const char *category, size_t n[MC_STATUS_COUNT]);
/* The words for a status and a verdict in reports: PASS, FAIL, WARN, ERROR, SKIP. */
const char *mc_report_status_word(mc_status s);
/* The model's name: spec metadata.name, else the run directory. */
const char *mc_report_model_name(const mc_report_doc *d);

#endif
