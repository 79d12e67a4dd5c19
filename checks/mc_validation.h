/* The results model of a validation: every check yields one result (id,
 * category, name, status, measured value, expected bound, message); a
 * validation is the list plus the run it judged and a verdict. One in-memory
 * model, one JSON encoding (validation.json), which the reports read. */
#ifndef MC_VALIDATION_H
#define MC_VALIDATION_H

#include <jansson.h>
#include <stddef.h>

#include "mc_enum.h"
#include "mc_error.h"

/* The outcome of one check (see mc_enum.h); its name is the result's
 * "status" in validation.json and a key of its "counts". error: the check
 * could not be evaluated, which is never a silent pass. */
#define MC_STATUS_LIST(X)          \
    X(MC_STATUS_PASS, "pass")      \
    X(MC_STATUS_FAIL, "fail")      \
    X(MC_STATUS_WARN, "warn")      \
    X(MC_STATUS_ERROR, "error")    \
    X(MC_STATUS_SKIPPED, "skipped")
MC_ENUM(mc_status, MC_STATUS_LIST, MC_STATUS_COUNT, mc_names_status);

/* The outcome of a validation (mc_validation_verdict); its name is the
 * "verdict" of validation.json and of the audit trail. */
#define MC_VERDICT_LIST(X)        \
    X(MC_VERDICT_PASS, "pass")    \
    X(MC_VERDICT_FAIL, "fail")    \
    X(MC_VERDICT_ERROR, "error")
MC_ENUM(mc_verdict, MC_VERDICT_LIST, MC_VERDICT_COUNT, mc_names_verdict);

typedef struct mc_result {
    char *id;        /* stable, e.g. "thresholds.metrics.accuracy.min" */
    char *category;  /* reproducibility, thresholds, privacy, signing, data */
    char *name;      /* for people */
    mc_status status;
    json_t *measured; /* any JSON value, or NULL */
    json_t *expected; /* any JSON value, or NULL */
    char *message;
} mc_result;

typedef struct mc_validation mc_validation;

/* An empty validation; free it with mc_validation_free. MC_ENOMEM. */
int mc_validation_create(mc_validation **out);
/* Frees v and every result in it; NULL is fine. */
void mc_validation_free(mc_validation *v);
/* Adds a result, its message formatted from fmt (up to 1023 bytes); the
 * strings are copied, measured and expected are taken over, even on failure.
 * json_null() stands for "no value"; NULL means a JSON constructor already
 * failed, so it is MC_ENOMEM, never a result with its value missing.
 * MC_ENOMEM (nothing is added). */
int mc_validation_add(mc_validation *v, const char *category, const char *id, const char *name,
                      mc_status status, json_t *measured, json_t *expected, const char *fmt, ...)
    MC_PRINTF(8, 9);
/* The number of results, and result i (NULL past the end), owned by v. */
size_t mc_validation_count(const mc_validation *v);
const mc_result *mc_validation_get(const mc_validation *v, size_t i);
/* counts[s]: how many results have status s. */
void mc_validation_counts(const mc_validation *v, size_t counts[MC_STATUS_COUNT]);
/* pass: no fail and no error; error: some check could not be evaluated and none failed. */
mc_verdict mc_validation_verdict(const mc_validation *v);
/* The run the validation judged: its record (a new reference is kept) and
 * its directory (copied), both may be NULL. MC_ENOMEM. */
int mc_validation_set_run(mc_validation *v, json_t *run_record, const char *run_dir);

/* mc_names_status[s] and mc_names_verdict[v]: "pass", "fail", ... */
const char *mc_status_name(mc_status s);
const char *mc_verdict_name(mc_verdict v);

/* That JSON as people read it and validation.json holds it (keys sorted,
 * indented by 2, a final newline). Caller frees *out; len may be NULL.
 * MC_ENOMEM, or MC_EINPUT when a measured value is not a finite number. */
int mc_validation_pretty(char **out, size_t *len, const mc_validation *v);
/* {"pass": n, "fail": n, "warn": n, "error": n, "skipped": n}. Caller owns *out. MC_ENOMEM. */
int mc_validation_counts_json(json_t **out, const mc_validation *v);

#endif
